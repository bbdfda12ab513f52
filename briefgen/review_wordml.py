"""Read the text of WordprocessingML with its tracked changes, one rule for every story.

The walker here turns a document body (or a footnote, or a comment) into Segments: runs of
text with one tracked-change status each. It follows briefgen's marks (bookmarks named
`_bg` and digits) and comment ranges, wherever their starts and ends were left by Word or
LibreOffice, and keeps the text that lies in no mark. As briefgen marks whole paragraphs,
text beside a mark in a paragraph where the mark has text counts as the mark's (see
_Walker.settle). review_docx reads the package around it; provenance.add_record reads
the body briefgen has just built with the same walk.

Text rules: w:t and w:delText give their text; w:tab gives a tab; w:br (but a page break)
and w:cr give a line break; w:noBreakHyphen gives U+2011; w:softHyphen, w:sym and field
codes give nothing, a field's result does. Hyperlinks, smart tags, content controls,
custom XML and bidi wrappers are walked into; of mc:AlternateContent only the first
mc:Choice is read (mc:Fallback when there is none); drawings and text boxes are left out.
w:ins, w:del, w:moveTo and w:moveFrom set the change of what they hold; a paragraph mark's
change is read from w:pPr/w:rPr. Each piece of text keeps its run's own bold and italic,
and whether it is in a link (review_looks); formatting changes as such (w:rPrChange,
w:pPrChange) are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .review_segments import ACCEPT_ALL, REJECT_ALL, Change, Segment, accepted_text, merge

# ACCEPT_ALL, REJECT_ALL, Change, Segment, accepted_text and merge are review_segments'.
__all__ = ["ACCEPT_ALL", "MARK", "REJECT_ALL", "W", "Anchor", "BodyText", "Change", "Loose",
           "Segment", "accepted_text", "merge", "story_segments", "walk_body"]

MARK = re.compile(r"^_bg\d+$")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Wrappers whose content reads as if they were not there.
TRANSPARENT = {W + tag for tag in ("body", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml",
                                   "smartTag", "hyperlink", "fldSimple", "dir", "bdo", "r")}
# Tracked-change wrappers: (kind, moved).
CHANGES = {W + "ins": ("insert", False), W + "del": ("delete", False),
           W + "moveTo": ("insert", True), W + "moveFrom": ("delete", True)}
CHARACTERS = {W + "tab": "\t", W + "cr": "\n", W + "noBreakHyphen": "\u2011"}
OFF = {"0", "false", "off"}  # a toggle property's w:val turning it off


@dataclass(frozen=True)
class Loose:
    """A body paragraph with content, none of it in a mark."""

    paragraph: int  # 1-based over all body paragraphs, table cells' included
    segments: tuple[Segment, ...]
    after: str | None  # the last mark begun before it, None at the start
    in_table: bool


@dataclass(frozen=True)
class Anchor:
    """Where a comment sits: its paragraph, its mark, the text of its range."""

    paragraph: int  # 1-based body paragraph of its start; 0 outside the body
    mark: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class BodyText:
    """What walk_body found in a body."""

    marks: dict[str, tuple[Segment, ...]]
    paragraphs_of: dict[str, tuple[int, int]]
    loose: tuple[Loose, ...]
    anchors: dict[str, Anchor]  # comment id -> its anchor, in document order
    breaks: dict[int, Segment]  # paragraph -> its mark's break, where tracked (joins, splits)


@dataclass
class _Range:
    """Segments between a range's start and end. A paragraph break is held back until more
    content follows, so a break at either edge (an end left at the start of the next
    paragraph) is not part of the range."""

    first: int
    last: int
    segments: list[Segment] = field(default_factory=list)
    held: list[Segment] = field(default_factory=list)

    def add(self, segment: Segment, paragraph: int) -> None:
        """Append segment, found in paragraph, after any breaks held back."""
        if not self.segments:
            self.first = paragraph
        self.segments += self.held + [segment]
        self.held.clear()
        self.last = paragraph

    def hold(self, brk: Segment) -> None:
        """Hold back a paragraph break, unless nothing came before it."""
        if self.segments:
            self.held.append(brk)


def text_of(el: Any) -> str:
    """The text one leaf element of a run gives (the text rules in the module docstring)."""
    if el.tag in (W + "t", W + "delText"):
        return el.text or ""
    if el.tag == W + "br":
        return "" if el.get(W + "type") == "page" else "\n"
    return CHARACTERS.get(el.tag, "")


def _change(el: Any, kind: str, moved: bool) -> Change:
    """The Change a tracked-change element records."""
    return Change(kind, el.get(W + "author", ""), el.get(W + "date"), el.get(W + "id", ""),
                  moved)


def _segment(text: str, changes: list[Change], note: str | None = None, look: str = "") \
        -> Segment:
    """A segment under the given changes, outermost first."""
    change = changes[-1] if changes else None
    within = None
    if change is not None and change.kind == "delete":
        within = next((c for c in reversed(changes[:-1]) if c.kind == "insert"), None)
    return Segment(text, change, note, within, look)


def _look(run: Any) -> str:
    """A run's own bold and italic (w:b, w:i; not those of its styles): "", "b", "i", "bi"."""
    return "".join(key for key in "bi" if run.find(f"{W}rPr/{W}{key}") is not None and
                   run.find(f"{W}rPr/{W}{key}").get(W + "val", "1") not in OFF)


def _paragraph_break(p: Any) -> Segment:
    """The break a paragraph's mark makes, with the mark's own tracked status."""
    marks = p.findall(f"{W}pPr/{W}rPr/*")
    changes = [_change(el, *CHANGES[el.tag]) for el in marks if el.tag in CHANGES]
    changes.sort(key=lambda c: c.kind == "delete")  # a deletion lies within an insertion
    return _segment("\n", changes)


class _Walker:
    """Walk one story in document order, giving each piece of content to its ranges.

    Marks get a paragraph's content when the paragraph ends (see settle); comment ranges
    and the story as it comes.
    """

    def __init__(self, story: bool = False) -> None:
        self.paragraph = 0
        self.inside = False  # within a w:p
        self.tables = 0
        self.changes: list[Change] = []
        self.fields: list[bool] = []  # per open complex field: still reading its code
        self.open: dict[str, str] = {}  # open mark's bookmark id -> name
        self.marks: dict[str, _Range] = {}
        self.last_mark: str | None = None
        self.pieces: list[tuple[Segment, tuple[str, ...], str | None]] = []  # this paragraph's
        self.loose: list[Loose] = []
        # comment id -> [paragraph, mark, _Range, still open, piece its mark is read from]
        self.comments: dict[str, list[Any]] = {}
        self.story = _Range(0, 0) if story else None
        self.breaks: dict[int, Segment] = {}
        self.look = ""  # of the run being read: its bold and italic, "l" in a link

    def walk(self, el: Any) -> None:
        """Read the children of el."""
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # an XML comment or processing instruction
                continue
            if tag == W + "p":
                self.walk_paragraph(child)
            elif tag in CHANGES:
                self.changes.append(_change(child, *CHANGES[tag]))
                self.walk(child)
                self.changes.pop()
            elif tag in TRANSPARENT:
                self.tables += tag == W + "tbl"
                outer = self.look
                if tag == W + "r":
                    self.look = _look(child) + ("l" if "l" in outer else "")
                elif tag == W + "hyperlink":
                    self.look = outer + "l"
                self.walk(child)
                self.tables -= tag == W + "tbl"
                self.look = outer
            elif tag == MC + "AlternateContent":
                chosen = child.find(MC + "Choice")
                chosen = child.find(MC + "Fallback") if chosen is None else chosen
                if chosen is not None:
                    self.walk(chosen)
            else:
                self.leaf(child)

    def walk_paragraph(self, p: Any) -> None:
        """Read one paragraph; its mark is a break in every range still open at its end."""
        self.paragraph += 1
        self.inside, self.pieces = True, []
        self.walk(p)
        self.inside = False
        self.settle()
        brk = _paragraph_break(p)
        if brk.change is not None:
            self.breaks[self.paragraph] = brk
        for rng in self.ranges():
            rng.hold(brk)

    def leaf(self, el: Any) -> None:
        """Read an element that holds no other content."""
        tag, ident = el.tag, el.get(W + "id", "")
        if tag == W + "fldChar":
            kind = el.get(W + "fldCharType")
            if kind == "begin":
                self.fields.append(True)
            elif kind == "separate" and self.fields:
                self.fields[-1] = False
            elif kind == "end" and self.fields:
                self.fields.pop()
        elif tag == W + "footnoteReference":
            self.emit(_segment("", self.changes, note=ident))
        elif tag == W + "bookmarkStart" and MARK.match(el.get(W + "name", "")):
            name = self.open[ident] = self.last_mark = el.get(W + "name")
            self.marks.setdefault(name, _Range(self.here(), self.here()))
        elif tag == W + "bookmarkEnd":
            self.open.pop(ident, None)
        elif tag in (W + "commentRangeStart", W + "commentReference"):
            if ident not in self.comments:
                mark = next(reversed(self.open.values()), None)
                self.comments[ident] = [self.here(), mark, _Range(0, 0),
                                        tag == W + "commentRangeStart",
                                        None if mark else len(self.pieces) if self.inside else 0]
        elif tag == W + "commentRangeEnd" and ident in self.comments:
            self.comments[ident][3] = False
        elif not any(self.fields):
            text = text_of(el)
            if text:
                self.emit(_segment(text, self.changes, look=self.look))

    def here(self) -> int:
        """The paragraph a start found here belongs to: this one, or the next."""
        return self.paragraph if self.inside else self.paragraph + 1

    def ranges(self) -> list[_Range]:
        """The ranges open now: marks, comments and the whole story."""
        found = [self.marks[name] for name in dict.fromkeys(self.open.values())]
        found += [c[2] for c in self.comments.values() if c[3]]
        return found + ([self.story] if self.story is not None else [])

    def emit(self, segment: Segment) -> None:
        """Take a piece of content: comment ranges and the story now, marks at settle."""
        for comment in self.comments.values():
            if comment[3]:
                comment[2].add(segment, self.paragraph)
        if self.story is not None:
            self.story.add(segment, self.paragraph)
        self.pieces.append((segment, tuple(dict.fromkeys(self.open.values())), self.last_mark))

    def settle(self) -> None:
        """Give the paragraph's content to its marks.

        briefgen marks whole paragraphs, so content in no mark, in a paragraph where a mark
        has content, is that mark's: the mark before it in the paragraph, else the one
        after. Word leaves text typed at a mark's end outside it, and LibreOffice 7.4 can
        move a mark's end one character back (before a footnote reference). Content of a
        paragraph with no marked content is loose.
        """
        owners = [marks for _, marks, _ in self.pieces]
        for i, marks in enumerate(owners):
            near = [o for o in owners[i::-1] if o] or [o for o in owners[i:] if o]
            owners[i] = marks or (near[0][-1:] if near else ())
        for comment in self.comments.values():  # a comment that starts in no mark is in
            if comment[4] is not None:  # the mark of the first content it holds
                held = [o for o in owners[comment[4]:] if o]
                comment[1], comment[4] = (held[0][-1] if held else None), None
        if self.pieces and not any(owners) and self.story is None:
            segments = merge(segment for segment, _, _ in self.pieces)
            self.loose.append(Loose(self.paragraph, segments, self.pieces[0][2], self.tables > 0))
        for (segment, _, _), marks in zip(self.pieces, owners, strict=True):
            for name in marks:
                self.marks[name].add(segment, self.paragraph)


def walk_body(body: Any) -> BodyText:
    """Read a w:body element: its marks, the text in no mark, and comment anchors."""
    walker = _Walker()
    walker.walk(body)
    return BodyText(
        marks={name: merge(rng.segments) for name, rng in walker.marks.items()},
        paragraphs_of={name: (rng.first, rng.last) for name, rng in walker.marks.items()},
        loose=tuple(walker.loose),
        anchors={ident: Anchor(p, mark, merge(rng.segments))
                 for ident, (p, mark, rng, *_) in walker.comments.items()},
        breaks=walker.breaks)


def story_segments(story: Any) -> tuple[tuple[Segment, ...], dict[str, Anchor]]:
    """Read a footnote or comment element: its text, and anchors of comments made in it
    (paragraph 0, no mark: they are not in the body)."""
    walker = _Walker(story=True)
    walker.walk(story)
    anchors = {ident: Anchor(0, None, merge(rng.segments))
               for ident, (_, _, rng, *_) in walker.comments.items()}
    return merge(walker.story.segments), anchors
