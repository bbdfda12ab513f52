"""Walk a laid-out WeasyPrint document, page by page, and find what a designer would send back.

Everything is read from the layout's boxes (`Document.pages[i]._page_box`), never from the
PDF: a page box holds the root box (`html`) with the text flow, the footnote area (a
`FootnoteAreaBox` whose children are the notes set on that page, each opening with its
`::footnote-marker`) and the margin boxes. A CSS footnote is called by an inline
`::footnote-call` box whose `footnote` is the note's box, and both boxes carry the note's
element; an endnote is called by an element `id="call-N"` and set as `id="note-N"`.
A box split over pages appears on each, with the same element: an element seen on an
earlier page is a continuation. Lengths are CSS pixels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

__all__ = ["PageScan", "scan"]

FORCED = {"page", "left", "right", "recto", "verso"}  # break values that start a page
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CAPTIONS = {"caption", "figcaption"}
LISTS = {"ul", "ol", "dl"}
_CALL, _NOTE = re.compile(r"call-(\d+)"), re.compile(r"note-(\d+)")
# A line reaching this far (CSS px, 0.26 mm) past its block is not rounding.
TOLERANCE = 1.0


def text_of(element: object, limit: int = 60) -> str:
    """The first words of an element's text, for a message."""
    try:
        text = " ".join("".join(element.itertext()).split())  # type: ignore[attr-defined]
    except AttributeError:
        return ""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _box_text(box: boxes.Box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(_box_text(child) for child in getattr(box, "children", ()))


@dataclass
class PageScan:
    """What one page holds, as the checks need it."""

    number: int
    top: float  # of the text area
    bottom: float  # of the text area, above the footnotes
    height: float  # of the page's content area, footnotes included
    notes_height: float = 0.0
    content_bottom: float | None = None  # of the last line or image in the flow
    name: str = ""  # the @page name
    blank: bool = False
    elements: set[int] = field(default_factory=set)  # ids of elements in the flow
    first_chain: list[boxes.Box] = field(default_factory=list)
    last_chain: list[boxes.Box] = field(default_factory=list)
    footnote_calls: dict[int, tuple[str, str]] = field(default_factory=dict)  # id: number, ctx
    footnotes: set[int] = field(default_factory=set)  # ids of notes set in the footnote area
    endnote_calls: dict[str, str] = field(default_factory=dict)  # number: context
    endnotes: set[str] = field(default_factory=set)
    table_rows: dict[int, int] = field(default_factory=dict)  # table element: body rows
    list_entries: dict[int, set[int]] = field(default_factory=dict)  # list: entry elements
    at_foot: list[tuple[str, str]] = field(default_factory=list)  # (heading|caption, text)
    overflows: list[tuple[float, str]] = field(default_factory=list)  # (px, text)
    text_boxes: list[boxes.TextBox] = field(default_factory=list)

    @property
    def empty(self) -> float:
        """The share of the text area, above the footnotes, left empty below the text."""
        area = self.bottom - self.top
        last = self.content_bottom if self.content_bottom is not None else self.top
        return max(self.bottom - last, 0.0) / area if area > 0 else 0.0

    @property
    def fill(self) -> float:
        """The share of the content area that text, images and notes take."""
        used = (self.content_bottom - self.top) if self.content_bottom is not None else 0.0
        return (max(used, 0.0) + self.notes_height) / self.height if self.height else 1.0


@dataclass
class _Walk:
    """One page's walk: what it found, and what it needs of the document so far."""

    page: PageScan
    tables: dict[int, object]  # table element id: element (named in messages)
    lists: dict[int, object]
    entry_of: dict[int, int] = field(default_factory=dict)  # entry element id: list id
    figure: object = None  # the figure being walked, whose caption names its table

    def flow(self, box: boxes.Box, parent: boxes.Box | None, index: int) -> None:
        """Visit box, a box of the text flow, and its children."""
        page = self.page
        element = getattr(box, "element", None)
        key = id(element)
        page.elements.add(key)
        tag = getattr(box, "element_tag", "")
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            bottom = box.position_y + box.margin_height()
            if page.content_bottom is None or bottom > page.content_bottom:
                page.content_bottom = bottom
        if isinstance(box, boxes.LineBox):
            self.line(box, parent)
        elif isinstance(box, boxes.TextBox):
            page.text_boxes.append(box)
            return
        elif tag.endswith("::footnote-call"):
            page.footnote_calls[id(box.element)] = (_box_text(box).strip(),
                                                    self.context(parent, index))
            return
        elif isinstance(box, boxes.TableBox):
            self.tables.setdefault(key, self.figure or element)
            page.table_rows.setdefault(key, 0)
            for group in box.children:
                if not (group.is_header or group.is_footer):
                    page.table_rows[key] += len(group.children)
        if isinstance(box, boxes.BlockLevelBox) and not isinstance(box, boxes.LineBox):
            self.block(box, parent, index, tag, element)
        ident = element.get("id") if element is not None and tag and "::" not in tag \
            and hasattr(element, "get") else None
        if ident and box.element_tag != "li":
            if found := _CALL.fullmatch(ident):
                page.endnote_calls.setdefault(found[1], self.context(parent, index))
        if ident and (found := _NOTE.fullmatch(ident)):
            page.endnotes.add(found[1])
        outer = self.figure
        if tag == "figure":
            self.figure = element
        for i, child in enumerate(getattr(box, "children", ())):
            self.flow(child, box, i)
        self.figure = outer

    def block(self, box: boxes.Box, parent: boxes.Box | None, index: int, tag: str,
              element: object) -> None:
        """Note lists and their entries, and headings and captions near the foot."""
        page = self.page
        key = id(element)
        if key in self.entry_of:
            page.list_entries.setdefault(self.entry_of[key], set()).add(key)
        if tag in LISTS and element is not None:
            self.lists.setdefault(key, element)
            page.list_entries.setdefault(key, set())
            for child in element:  # type: ignore[attr-defined]
                self.entry_of[id(child)] = key
        caption = tag in CAPTIONS and index == 0  # set above what it names
        if (tag in HEADINGS or caption) and box.position_y >= page.top + 0.9 * (
                page.bottom - page.top):
            page.at_foot.append(("caption" if caption else "heading", text_of(element)))

    def line(self, line: boxes.LineBox, block: boxes.Box | None) -> None:
        """Note a line wider than its block (a hanging indent may use the block's padding).

        A line box is as wide as what it holds, not as its block (WeasyPrint 70).
        """
        if block is None:
            return
        left, right = block.border_box_x(), block.content_box_x() + block.width
        start, end = line.position_x, line.position_x + line.width
        if line.style["direction"] == "rtl":
            # Mirrored: a hanging indent uses the padding on the right. WeasyPrint 70 leaves
            # a right-to-left line box's own place stale when it holds a leader (the
            # contents' dots), though it draws the line in place: measure what it draws.
            left, right = block.content_box_x(), block.border_box_x() + block.border_width()
            start, end = _extent(line) or (start, end)
        over = max(left - start, end - right)
        if over > TOLERANCE:
            self.page.overflows.append((over, " ".join(_box_text(line).split())))

    @staticmethod
    def context(parent: boxes.Box | None, index: int) -> str:
        """The words before a note's call, to find it by."""
        siblings = getattr(parent, "children", ())[:index]
        text = "".join(_box_text(child) for child in siblings)
        words = " ".join(text.replace("\u2060", "").split())
        return words[-40:]


def _extent(line: boxes.LineBox) -> tuple[float, float] | None:
    """The left and right edges of what a line draws: its text and inline blocks."""
    drawn = [box for box in line.descendants()
             if isinstance(box, (boxes.TextBox, boxes.AtomicInlineLevelBox))]
    if not drawn:
        return None
    return (min(box.border_box_x() for box in drawn),
            max(box.border_box_x() + box.border_width() for box in drawn))


def _chain(box: boxes.Box, first: bool) -> list[boxes.Box]:
    """The boxes from box down its first (or last) in-flow child, block level only."""
    chain = []
    while isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox):
        chain.append(box)
        children = [c for c in box.children if isinstance(c, boxes.BlockLevelBox)]
        if not children:
            break
        box = children[0] if first else children[-1]
    return chain


def scan(document: object) -> tuple[list[PageScan], dict[int, object], dict[int, object]]:
    """Walk every page; return their scans and the tables and lists met, by element id."""
    pages, tables, lists = [], {}, {}
    for number, page in enumerate(document.pages, start=1):  # type: ignore[attr-defined]
        page_box = page._page_box
        top = page_box.content_box_y()
        found = PageScan(number, top, top + page_box.height, page_box.height,
                         name=page_box.page_type.name or "", blank=page_box.page_type.blank)
        walk = _Walk(found, tables, lists)
        root = None
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                found.notes_height = child.margin_height()
                found.bottom = child.position_y
                # A note displayed as a block is a child of the area; one displayed
                # inline (footnote-display: inline) is an inline box in the area's lines.
                for note in child.descendants():
                    if not isinstance(note, (boxes.TextBox, boxes.LineBox)):
                        found.footnotes.add(id(getattr(note, "element", None)))
                _collect_text(child, found.text_boxes)
            elif isinstance(child, boxes.MarginBox):
                _collect_text(child, found.text_boxes)
            else:
                root = child
        if root is not None:
            walk.flow(root, None, 0)
            found.first_chain, found.last_chain = _chain(root, True), _chain(root, False)
        pages.append(found)
    return pages, tables, lists


def _collect_text(box: boxes.Box, into: list[boxes.TextBox]) -> None:
    if isinstance(box, boxes.TextBox):
        into.append(box)
    for child in getattr(box, "children", ()):
        _collect_text(child, into)


def forced_break(before: PageScan, after: PageScan, seen: set[int]) -> bool:
    """Whether the page after starts because of a forced break, not for want of room.

    seen: the elements of the pages up to and including before.
    """
    if before.name != after.name:  # a named page starts a page of its own
        return True
    starts = [box for box in after.first_chain if id(getattr(box, "element", None)) not in seen]
    if any(box.style["break_before"] in FORCED for box in starts):
        return True
    ends = [box for box in before.last_chain
            if id(getattr(box, "element", None)) not in after.elements]
    return any(box.style["break_after"] in FORCED for box in ends)


_FONT_KEYS = ("font_family", "font_style", "font_weight", "font_stretch", "lang",
              "font_language_override", "font_variation_settings")


def fonts_used(text_boxes: list[boxes.TextBox], exact: bool = False) -> dict[object, list[str]]:
    """The Pango fonts the text boxes are set in, each with the text set in it.

    WeasyPrint frees each box's Pango layout once laid out, and shapes its text again when
    it draws it (draw/text.py). Shaping every box again would cost a tenth of the layout;
    but Pango picks a font for each character from the style's families and what each
    font covers, so the characters of boxes that choose fonts alike (family, style,
    weight, language) are shaped once, each character once: a few short lines a page.
    exact: shape each box's own text, to say which words a font set.
    """
    from weasyprint.text.line_break import Layout

    groups: dict[tuple, tuple[dict, set[str] | list[str]]] = {}
    keys: dict[int, tuple] = {}  # style id: its font key (boxes share their styles)
    for box in text_boxes:
        if not box.text.strip():
            continue
        if exact:
            groups[(id(box),)] = (box.style, [box.text])
        else:
            key = keys.get(id(box.style))
            if key is None:
                key = keys[id(box.style)] = tuple(repr(box.style[name]) for name in _FONT_KEYS)
            groups.setdefault(key, (box.style, set()))[1].update(box.text)  # type: ignore
    used: dict[object, list[str]] = defaultdict(list)
    for style, texts in groups.values():
        layout = Layout(style)
        # set_text keeps only a text's first line; a layout without a width sets one line.
        text = " ".join(texts) if exact else "".join(sorted(texts))
        layout.set_text(text.replace("\n", " "))
        try:
            _runs(layout, used)
        finally:
            layout.deactivate()
    return used


def _runs(layout: object, used: dict[object, list[str]]) -> None:
    """Add the font of each run of a layout's first line, with its text, to used."""
    from weasyprint.text.ffi import ffi

    line, _ = layout.get_first_line()  # type: ignore[attr-defined]
    data = layout.text.encode()  # type: ignore[attr-defined]
    run = line.runs
    while run != ffi.NULL:
        item = run.data.item
        used[item.analysis.font].append(
            data[item.offset:item.offset + item.length].decode(errors="replace"))
        run = run.next
