"""A review written: the new values into the YAML, the comments into the log beside it.

`apply` gives the values to review_yaml (those strings change, no other byte), validates
the changed file as a build would load it, from a trial file beside it (so its images
and translated file are found alike), and only then writes it, in place of the file a
link points to, with the file's own permissions. The comments' log,
`<name>.review.yaml` (a file no build reads as a document), is read and checked before
anything is written, and a comment already in it is not added again.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Diagnostic
from .review_fields import Review
from .review_report import comment_data

__all__ = ["LOG_SUFFIX", "apply", "log_path"]

LOG_SUFFIX = ".review.yaml"


def apply(review: Review, keep_log: bool) -> Path | None:
    """Write the review's new values (if valid) and, if keep_log, its comments; return
    the log's path if comments went into it."""
    from .output import write_atomic

    target = review.source.resolve()  # a link stays a link; the file it names changes
    text = _changed(review, target) if review.values else None
    rounds = _log_text(review) if keep_log and review.comments else None
    if text is not None:
        _validate(review, text)
        mode = target.stat().st_mode & 0o7777
        write_atomic(target, text.encode("utf-8"))
        os.chmod(target, mode)
    if rounds is None:
        return None
    write_atomic(log_path(target), rounds.encode("utf-8"))
    return log_path(target)


def _changed(review: Review, target: Path) -> str:
    from .review_yaml import replace_strings

    try:
        return replace_strings(target.read_bytes().decode("utf-8"), review.values)
    except (KeyError, ValueError, TypeError) as exc:  # a value review_yaml cannot rewrite
        raise ContentError([Diagnostic(review.source, None, None, "", str(exc).strip("'"))]) \
            from None


def _validate(review: Review, text: str) -> None:
    """Load text as the YAML's own folder would (beside the link, if it is one)."""
    from .content import load

    source = review.source
    with tempfile.NamedTemporaryFile("wb", dir=source.parent, prefix=f".{source.stem}.",
                                     suffix=".review-trial", delete=False) as handle:
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


def log_path(source: Path) -> Path:
    """Where the comments of a document's reviews are kept: beside it."""
    return source.with_name(source.stem + LOG_SUFFIX)


def _log_text(review: Review) -> str | None:
    """The log with this review's new comments added; None if all are in it already."""
    path = log_path(review.source.resolve())
    try:
        rounds = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([Diagnostic(path, None, None, "", f"not a review log briefgen "
                                       f"can add to ({type(exc).__name__}); fix or move it")]) \
            from None
    if not isinstance(rounds, list):
        raise ContentError([Diagnostic(path, None, None, "", "not a review log (a list of "
                                       "rounds); fix or move it")])
    seen = {_key(c) for r in rounds if isinstance(r, dict) for c in r.get("comments") or []
            if isinstance(c, dict)}
    new = [comment_data(c, p, ln) for c, p, ln in review.comments]
    new = [c for c in new if _key(c) not in seen]
    if not new:
        return None
    rounds.append({"docx": review.docx.name, "edition": review.record.edition,
                   "reviewed": datetime.date.today().isoformat(), "comments": new})
    return ("# Comments from Word reviews, added by `briefgen review --apply`.\n"
            + yaml.safe_dump(rounds, sort_keys=False, allow_unicode=True, width=88))


def _key(comment: dict[str, Any]) -> tuple:
    """What makes a comment the same one in a later review of the same file."""
    return tuple(str(comment.get(k)) for k in ("author", "date", "text", "anchor"))
