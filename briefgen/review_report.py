"""A review's result for people (lines like a compiler's), for tools (JSON), and written.

`apply` writes the new values into the YAML (review_yaml changes those strings and no
other byte), after the changed file has been validated as a build would load it: nothing
is written if it fails. `log` keeps the comments, with the field each was made on, in
`<name>.review.yaml` beside the YAML (a file no build reads as a document).
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Diagnostic
from .review import Review
from .review_text import diff_text

__all__ = ["apply", "as_json", "lines", "log", "log_path"]

LOG_SUFFIX = ".review.yaml"


def _where(review: Review, line: int | None) -> str:
    return f"{review.source}:{line}" if line else str(review.source)


def lines(review: Review) -> list[str]:
    """The review as lines to print, one finding or change per line (details indented)."""
    record = review.record
    out = [f"{review.docx}: the {record.edition} edition of {review.source}"
           + ("; the YAML has changed since it was built" if review.stale else "")]
    for p in review.paragraphs:
        head = f"{_where(review, p.line)}: {p.path}" + \
            (f", paragraph {p.unit + 1}" if p.unit is not None else "")
        out.append(f"{head}: {diff_text(p.built, p.proposed)}")
        for change in p.tracked:
            out.append(f"    {change['kind']} by {change['author'] or 'someone'}"
                       f"{' on ' + change['date'][:10] if change['date'] else ''}"
                       f" ({change['state']}): “{change['text'].strip()}”")
        out += [f"    changed without tracking: “{e.old}” → “{e.new}”" for e in p.untracked]
        if p.status == "pending":
            out.append("    pending tracked changes, not taken in: accept them in Word, or "
                       "pass --accept-all or --accept-author NAME")
        elif p.status != "apply":
            out.append(f"    not brought back ({p.status}): {p.reason}")
    for comment, path, line in review.comments:
        where = f"{_where(review, line)}: {path}" if path else \
            f"{review.docx}: paragraph {comment.paragraph}"
        out.append(f"{where}: comment by {comment.author or 'someone'}"
                   f"{' on ' + comment.date[:10] if comment.date else ''}"
                   f" on “{comment.anchor.strip()}”: {comment.text}")
        out += [f"    reply by {r.author or 'someone'}: {r.text}" for r in comment.replies]
    for finding in review.findings:
        place = f"{_where(review, finding.line)} ({finding.where})" if finding.line \
            else f"{review.docx}: {finding.where}"
        out.append(f"{place}: {finding.message}")
    return out


def as_json(review: Review, applied: bool) -> dict[str, Any]:
    """The review as data for other tools (`--json`)."""
    record = review.record
    return {
        "docx": str(review.docx), "source": str(review.source), "document": record.document,
        "edition": record.edition, "source_changed_since_build": review.stale,
        "applied": applied,
        "paragraphs": [{"field": p.path, "paragraph": p.unit, "line": p.line,
                        "status": p.status, "reason": p.reason, "built": p.built,
                        "edited": p.edited, "proposed": p.proposed, "tracked": p.tracked,
                        "untracked": [{"old": e.old, "new": e.new} for e in p.untracked]}
                       for p in review.paragraphs],
        "comments": [_comment(c, path, line) for c, path, line in review.comments],
        "findings": [{"where": f.where, "line": f.line, "message": f.message}
                     for f in review.findings],
        "values": {".".join(str(k) for k in keys): value
                   for keys, value in review.values.items()},
    }


def _comment(comment: Any, path: str | None, line: int | None) -> dict[str, Any]:
    return {"field": path, "line": line, "word_paragraph": comment.paragraph,
            "author": comment.author, "date": comment.date, "anchor": comment.anchor,
            "text": comment.text, "resolved": comment.done,
            "replies": [{"author": r.author, "date": r.date, "text": r.text}
                        for r in comment.replies]}


def apply(review: Review) -> None:
    """Write the review's new values into its YAML, if the result is valid."""
    from .content import load
    from .output import write_atomic
    from .review_yaml import replace_strings

    data = review.source.read_bytes()
    text = replace_strings(data.decode("utf-8"), review.values)
    folder = review.source.parent
    # Validated where it will stand: its images and translated file are found alike.
    with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{review.source.stem}.",
                                     suffix=".yaml", delete=False) as handle:
        handle.write(text.encode("utf-8"))
    trial = Path(handle.name)
    try:
        load(trial)
    except ContentError as exc:
        raise ContentError([Diagnostic(review.source, d.line, d.column, d.field,
                                       f"after the review's changes: {d.message}", d.severity)
                            for d in exc.diagnostics]) from None
    finally:
        trial.unlink(missing_ok=True)
    write_atomic(review.source, text.encode("utf-8"))


def log_path(source: Path) -> Path:
    """Where the comments of a document's reviews are kept: beside it."""
    return source.with_name(source.stem + LOG_SUFFIX)


def log(review: Review) -> Path | None:
    """Add the review's comments to the log beside the YAML; None if there were none."""
    from .output import write_atomic

    if not review.comments:
        return None
    path = log_path(review.source)
    rounds = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    rounds = rounds if isinstance(rounds, list) else []
    rounds.append({"docx": review.docx.name, "edition": review.record.edition,
                   "reviewed": datetime.date.today().isoformat(),
                   "comments": [_comment(c, p, ln) for c, p, ln in review.comments]})
    text = ("# Comments from Word reviews, added by `briefgen review --apply`.\n"
            + yaml.safe_dump(rounds, sort_keys=False, allow_unicode=True, width=88))
    write_atomic(path, text.encode("utf-8"))
    return path
