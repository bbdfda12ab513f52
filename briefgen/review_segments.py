"""The pieces of text a Word file's walk gives (review_wordml), and how they read once
tracked changes are accepted or rejected.

A Segment is a stretch of text with one tracked-change status (and its run's own bold and
italic), or a footnote reference. What a paragraph reads depends on which changes are
taken in: a policy (ACCEPT_ALL, REJECT_ALL, or one of review_fields.policy) says, for each
change, whether it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["ACCEPT_ALL", "REJECT_ALL", "Change", "Segment", "accepted_text", "looks", "merge"]


@dataclass(frozen=True)
class Change:
    """One tracked change: an insertion or a deletion (moved: part of a tracked move)."""

    kind: str  # "insert" | "delete"
    author: str  # w:author ("" if missing)
    date: str | None  # w:date as written
    id: str  # w:id
    moved: bool = False  # w:moveTo (kind insert) / w:moveFrom (kind delete)


@dataclass(frozen=True)
class Segment:
    """A run of text with one change status, or a footnote reference (text "", note set).

    within: the insertion a deletion lies in (one reviewer deleting what another inserted);
    the text is there only if that insertion is accepted and the deletion is not.
    """

    text: str
    change: Change | None = None  # None: text not under any tracked change
    note: str | None = None  # a footnote reference: the footnote's w:id
    within: Change | None = None
    look: str = ""  # the run's own bold and italic ("", "b", "i", "bi"), "l" if in a link


def ACCEPT_ALL(change: Change) -> bool:  # noqa: N802 - a policy: every tracked change in
    return True


def REJECT_ALL(change: Change) -> bool:  # noqa: N802 - a policy: none (the text before them)
    return False


def accepted_text(segments: Iterable[Segment], accept: Callable[[Change], bool]) -> str:
    """Text with the accepted insertions kept and the rejected deletions kept.

    An insertion counts iff accept(change); a deletion removes its text iff accept(change);
    notes give ''.
    """
    return "".join(s.text for s in segments if _kept(s, accept))


def _kept(segment: Segment, accept: Callable[[Change], bool]) -> bool:
    """Whether a segment's text stays once accept has decided on every change."""
    if segment.within is not None and not accept(segment.within):
        return False
    if segment.change is None:
        return True
    return accept(segment.change) == (segment.change.kind == "insert")


def merge(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Join adjacent segments with the same change and no note."""
    out: list[Segment] = []
    for s in segments:
        last = out[-1] if out else None
        if (last is not None and last.note is None and s.note is None
                and (last.change, last.within, last.look) == (s.change, s.within, s.look)):
            out[-1] = Segment(last.text + s.text, s.change, within=s.within, look=s.look)
        else:
            out.append(s)
    return tuple(out)


def looks(segments: Iterable[Segment], accept: Callable[[Change], bool]) -> str:
    """One letter for each character of accepted_text(segments, accept): its run's own
    look, "-" plain, "b" bold, "i" italic, "x" both; in a link "L", "B", "I", "X"."""
    return "".join(_code(s.look) * len(s.text) for s in segments if _kept(s, accept))


def _code(look: str) -> str:
    code = {"": "-", "b": "b", "i": "i", "bi": "x"}[look.replace("l", "")]
    return ("L" if code == "-" else code.upper()) if "l" in look else code
