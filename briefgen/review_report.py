"""A review's result for people (lines like a compiler's) and for tools (JSON)."""

from __future__ import annotations

from typing import Any

from .review_fields import Review
from .review_looks import emphasis
from .review_text import diff_text

__all__ = ["as_json", "comment_data", "lines"]


def _where(review: Review, line: int | None) -> str:
    return f"{review.source}:{line}" if line else str(review.source)


def lines(review: Review) -> list[str]:
    """The review as lines to print, one finding or change per line (details indented)."""
    record = review.record
    out = [f"{review.docx}: the {record.edition} edition of {review.source}"
           + ("; the YAML has changed since it was built" if review.stale else "")]
    for p in review.paragraphs:
        head = f"{_where(review, p.line)}: {p.path}" + \
            (f", paragraph {p.unit + 1}" if p.unit is not None else "") + \
            (f", note {p.note}" if p.note else "")
        out.append(f"{head}: {diff_text(p.built, p.proposed)}")
        for change in p.tracked:
            out.append(f"    {change['kind']} by {change['author'] or 'someone'}"
                       f"{' on ' + change['date'][:10] if change['date'] else ''}"
                       f" ({change['state']}): “{change['text'].strip()}”")
        out += [f"    changed without tracking: “{e.old}” → “{e.new}”" for e in p.untracked]
        out += [f"    set apart, so it goes in as {words}" for words in emphasis(p.marked)]
        if p.status == "pending":
            out.append("    pending tracked changes, not taken in: accept them in Word, or "
                       "pass --accept-all or --accept-author NAME")
        elif p.status == "done":
            out.append("    already in the YAML")
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
        "paragraphs": [{"field": p.path, "paragraph": p.unit, "note": p.note, "line": p.line,
                        "status": p.status, "reason": p.reason, "built": p.built,
                        "edited": p.edited, "proposed": p.proposed, "tracked": p.tracked,
                        "untracked": [{"old": e.old, "new": e.new} for e in p.untracked]}
                       for p in review.paragraphs],
        "comments": [comment_data(c, path, line) for c, path, line in review.comments],
        "findings": [{"where": f.where, "line": f.line, "message": f.message}
                     for f in review.findings],
        "values": {".".join(str(k) for k in keys): value
                   for keys, value in review.values.items()},
    }


def comment_data(comment: Any, path: str | None, line: int | None) -> dict[str, Any]:
    return {"field": path, "line": line, "word_paragraph": comment.paragraph,
            "author": comment.author, "date": comment.date, "anchor": comment.anchor,
            "text": comment.text, "resolved": comment.done,
            "replies": [{"author": r.author, "date": r.date, "text": r.text}
                        for r in comment.replies]}
