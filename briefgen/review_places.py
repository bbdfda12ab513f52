"""Where a review's findings are: a field's line in the YAML, and the Word file's own
structure against its record (paragraphs added, moved or joined).

A finding says what review cannot bring back and where it is, in the YAML when the field
is known, else by its paragraph in the Word file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .provenance import parse_src, value_at
from .review_docx import EditedDocx, accepted_text
from .review_wordml import ACCEPT_ALL

if TYPE_CHECKING:
    from .provenance import Provenance

__all__ = ["Finding", "joined", "line", "loose", "moved", "named"]

PAGE = re.compile(r"\s*\d+$")  # a contents line's page number, which Word updates
BLOCK = re.compile(r"[|>][1-9+-]*\s*(#.*)?$")  # a block scalar's header ends its line


@dataclass
class Finding:
    """Something in the Word file review cannot bring back, and where it is."""
    where: str  # "paragraph 14, after summary" or the field's path
    line: int | None
    message: str


def line(doc: Any, keys: tuple, unit: int | None = None) -> int | None:
    """The line of a field in the YAML (doc: a LoadedDocument); of its paragraph of text
    unit when the field is a block (`|` or `>`), whose lines are the text's own."""
    position = doc.source.find(keys)
    if position is None:
        return None
    header = doc.source.lines[position.line - 1] if position.line <= len(doc.source.lines) \
        else ""
    value = value_at(doc.model, keys)
    if unit is None or not BLOCK.search(header) or not isinstance(value, str):
        return position.line
    from .markdown import text_blocks

    blocks = text_blocks(value)
    return position.line + 1 + blocks[unit][1] if unit < len(blocks) else position.line


def named(path: str, unit: int | None) -> str:
    """How a field's paragraph is named: "sections.history.body, paragraph 2"."""
    return path if unit is None else f"{path}, paragraph {unit + 1}"


def loose(record: Provenance, edited: EditedDocx, doc: Any) -> list[Finding]:
    """Paragraphs in no mark that briefgen did not write: added, or a label edited."""
    built = {PAGE.sub("", text) for text in record.loose}
    found = []
    for paragraph in edited.loose:
        text = accepted_text(paragraph.segments, ACCEPT_ALL).strip()
        if text and PAGE.sub("", text) not in built:
            after = record.marks.get(paragraph.after or "")
            where = f"paragraph {paragraph.paragraph}" + (
                f", after {named(*after[:2])}" if after else ", before the first field")
            found.append(Finding(where, after and line(doc, parse_src(after[0])[0], after[1]),
                                 f"“{_short(text)}” is not text briefgen wrote from a field "
                                 "(a new paragraph, or an edit to a heading, label or "
                                 "reference); make it in the YAML or the labels by hand"))
    return found


def moved(record: Provenance, edited: EditedDocx, doc: Any) -> list[Finding]:
    """Paragraphs now out of the order they were built in: moved (cut and pasted)."""
    built = [m for m in record.marks if m in edited.paragraphs_of]
    now = sorted(built, key=lambda m: edited.paragraphs_of[m])
    order = {m: i for i, m in enumerate(built)}
    kept = set(_longest_rising([order[m] for m in now]))
    before = dict(pairwise(reversed(record.marks)))  # each mark -> the mark before it
    out = {mark for mark in now if order[mark] not in kept}
    return [_at(record, mark, doc, "this paragraph was moved in the Word file; move it in "
                "the YAML by hand") for mark in now  # a paragraph of several fields once
            if mark in out and not (mark in record.together and before.get(mark) in out)]


def joined(record: Provenance, edited: EditedDocx, doc: Any) -> list[Finding]:
    """Two marked paragraphs that are one paragraph now: joined in the Word file."""
    ended: dict[int, str] = {}  # a paragraph -> the mark that ends in it
    found = []
    for mark in record.marks:
        if mark in edited.paragraphs_of:
            first, last = edited.paragraphs_of[mark]
            if first in ended and mark not in record.together:
                found.append(_at(record, ended[first], doc, "this paragraph was joined with "
                                 "the next in the Word file; join them in the YAML by hand"))
            ended[last] = mark
            brk = edited.breaks.get(last)
            if brk and brk.change.kind == "delete":  # joined with tracking on
                found.append(_at(record, mark, doc, "this paragraph was joined with the next "
                                 f"by {brk.change.author or 'someone'}; join them in the YAML "
                                 "by hand"))
    return found


def _at(record: Provenance, mark: str, doc: Any, message: str) -> Finding:
    """A finding about a marked paragraph, at its field's line."""
    path, unit = record.marks[mark][:2]
    return Finding(named(path, unit), line(doc, parse_src(path)[0], unit), message)


def _longest_rising(values: list[int]) -> list[int]:
    """The longest rising run of values, not necessarily adjacent (patience sorting)."""
    tails: list[int] = []  # the smallest last value of a rising run of each length
    before: dict[int, int | None] = {}
    for value in values:
        at = bisect.bisect_left(tails, value)
        before[value] = tails[at - 1] if at else None
        tails[at:at + 1] = [value]
    run, value = [], tails[-1] if tails else None
    while value is not None:
        run.append(value)
        value = before[value]
    return run[::-1]


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"
