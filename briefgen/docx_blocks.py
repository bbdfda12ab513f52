"""Walk the page's HTML in block position, writing Word paragraphs, tables and pictures.

Each element in block position becomes one paragraph in the style STYLES gives it (or its
data-docx names), a table, a picture, the page header or footer, the contents, a page
break, or a container whose children are walked in turn. An element's id becomes a
bookmark on the next paragraph written; data-docx-keep keeps a small unit on one page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lxml.etree import _Element

from .docx_bidi import direction_of, set_direction
from .docx_fields import TOC_FIELD, begin_field, end_field
from .docx_images import add_picture
from .docx_links import MARK_PREFIX, Bookmarks
from .docx_runs import RunWriter
from .docx_styles import BLOCK_TAGS, BODY_TAGS, PARAGRAPH_TAGS, ROLES, STYLES, StyleBook
from .docx_tables import add_table
from .docx_text import has_text, trim_trailing_space

if TYPE_CHECKING:
    from .chartcache import ChartView

__all__ = ["BlockWriter"]


class BlockWriter:
    """Write the blocks of a page's HTML into a document whose body has been emptied."""

    def __init__(self, document: Any, charts: Mapping[int, ChartView], text_width: int,
                 direction: str = "ltr") -> None:
        """Write into document, drawing the edition's charts, pictures as wide as text_width.

        direction: the page's ('ltr' or 'rtl'); an element whose dir differs gets a
        paragraph direction of its own.
        """
        self.document = document
        self.direction = direction
        self.styles = StyleBook(document)
        self.runs = RunWriter(document, self.styles, charts, text_width)
        self.runs.direction = direction
        self.runs.marker = self._inline_mark
        self.text_width = text_width
        self.bookmarks = Bookmarks()
        self.marks: list[str] = []  # data-src of mark _bg<n> at n - 1 (provenance)
        self.pending_ids: list[str] = []  # ids of elements still waiting for a paragraph
        self.written: list[Any] = []  # body paragraphs in order, for keep-together groups
        self.break_next = False  # a page break waits for the next paragraph (page_break)

    def blocks(self, element: _Element, list_tag: str | None = None, depth: int = 0,
               body_style: str = STYLES["p"]) -> None:
        """Walk element's children in block position, starting paragraphs as needed.

        list_tag, depth: the list ("ul" or "ol") being walked, and how deeply lists nest
        here; body_style: the style of plain paragraphs in this container.
        """
        loose: list[Any] = []  # text and inline elements outside any paragraph
        if has_text(element.text):
            loose.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments
                continue
            if child.tag in BLOCK_TAGS or child.get("data-docx") in ("header", "footer"):
                self._write_loose(loose)
                loose = []
                self.block(child, list_tag, depth, body_style)
            else:
                loose.append(child)
            if has_text(child.tail):
                loose.append(child.tail)
        self._write_loose(loose)

    def block(self, el: _Element, list_tag: str | None, depth: int, body_style: str) -> None:
        """Write one element in block position."""
        role = el.get("data-docx")
        if role == "skip" or el.tag == "hr":
            return
        if el.get("data-docx-keep") is not None:
            self._keep_together(el, list_tag, depth, body_style)
            return
        if el.get("id"):
            self.pending_ids.append(el.get("id"))
        if role in ("header", "footer", "toc", "pagebreak") or el.tag in ("table", "img"):
            self._not_a_paragraph(el, role)
        elif style := _paragraph_style(el, role, list_tag, depth, body_style):
            self.paragraph(el, style)
        elif el.tag in ("ul", "ol"):
            self.blocks(el, el.tag, depth + 1, body_style)
        else:  # a container
            if el.tag == "blockquote":
                body_style = STYLES["blockquote p"]
            else:
                body_style = el.get("data-docx-p") or body_style
            self.blocks(el, list_tag, depth, body_style)

    def _not_a_paragraph(self, el: _Element, role: str | None) -> None:
        """Write a header or footer, the contents, a page break, a table or a picture."""
        if role in ("header", "footer"):
            self.header_footer(el, role)
        elif role == "toc":
            self.contents(el)
        elif role == "pagebreak":
            self.page_break()
        elif el.tag == "table":
            if self.break_next:  # a table has no page break before of its own
                from docx.enum.text import WD_BREAK

                self.break_next = False
                self.new_paragraph(STYLES["[data-docx=pagebreak]"]).add_run().add_break(
                    WD_BREAK.PAGE)
            if add_table(self.document, el, self.styles, self.text_width, self._write_cell):
                self.pending_ids = []  # a table's id gets no bookmark
        else:
            add_picture(self.new_paragraph(STYLES["img"]), el, self.runs.charts, self.text_width)

    def _keep_together(self, el: _Element, list_tag: str | None, depth: int,
                       body_style: str) -> None:
        """Write el, keeping every paragraph but its last with the next: one page for all."""
        start = len(self.written)
        el.attrib.pop("data-docx-keep")
        self.block(el, list_tag, depth, body_style)
        for paragraph in self.written[start:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def _write_loose(self, loose: list[Any]) -> None:
        """Write text and inline elements found between blocks as one paragraph, if any."""
        if not any(item.strip() if isinstance(item, str) else item.get("data-docx") != "skip"
                   for item in loose):  # only white space and elements left out
            return
        paragraph = self.new_paragraph(STYLES["text outside any paragraph"])
        for item in loose:
            if isinstance(item, str):
                self.runs.text(paragraph, item)
            else:  # an element; its tail is the next item
                self.runs.element(paragraph, item)
        trim_trailing_space(paragraph)

    def _write_cell(self, paragraph: Any, cell: _Element) -> None:
        """Write a table cell's content into its paragraph."""
        self._direct(paragraph, cell)
        self.runs.children(paragraph, cell)
        trim_trailing_space(paragraph)
        self._mark(paragraph, cell)

    def new_paragraph(self, style: str) -> Any:
        """Append an empty body paragraph in style, bookmarked with the ids waiting."""
        paragraph = self.document.add_paragraph()
        paragraph._p.style = self.styles.style_id(style)
        if self.break_next:
            paragraph.paragraph_format.page_break_before = True
            self.break_next = False
        self.written.append(paragraph)
        for ident in self.pending_ids:
            self.bookmarks.add(paragraph, ident)
        self.pending_ids = []
        return paragraph

    def paragraph(self, el: _Element, style: str) -> Any:
        """Write el's inline content as one body paragraph in style."""
        paragraph = self.new_paragraph(style)
        self._direct(paragraph, el)
        self.runs.children(paragraph, el)
        trim_trailing_space(paragraph)
        self._mark(paragraph, el)
        return paragraph

    def _mark(self, paragraph: Any, el: _Element) -> None:
        """Mark the paragraph with the field it was made from (data-src), for review."""
        src = el.get("data-src")
        if src:
            self.marks.append(src)
            self.bookmarks.add(paragraph, f"{MARK_PREFIX}{len(self.marks)}", name=True)

    def _inline_mark(self, paragraph: Any, src: str) -> Callable[[], None]:
        """Mark the runs written next, up to the call of what this returns, with src."""
        self.marks.append(src)
        end = self.bookmarks.begin(paragraph, f"{MARK_PREFIX}{len(self.marks)}")
        return lambda: paragraph._p.append(end)

    def _direct(self, paragraph: Any, el: _Element) -> None:
        """Give paragraph el's direction if it is not the page's (dir="ltr" in Urdu)."""
        direction = direction_of(el)
        if direction and direction != self.direction:
            set_direction(paragraph, direction)

    def page_break(self) -> None:
        """Start a new page: the next paragraph starts it (page break before).

        A paragraph holding only a break, where the page before is full, would be set on a
        page of its own and then break: a blank page print does not have.
        """
        self.break_next = True

    def contents(self, el: _Element) -> None:
        """Write a TOC field whose current result is the template's list of entries."""
        for heading in el.xpath("./h1|./h2|./h3"):
            self.paragraph(heading, STYLES["[data-docx=toc] > h1, h2, h3"])
        entries = el.xpath(".//li")
        for index, li in enumerate(entries):
            depth = len(li.xpath("ancestor::li")) + 1
            paragraph = self.new_paragraph(f"{STYLES['[data-docx=toc] li']} {min(depth, 3)}")
            if index == 0:
                begin_field(paragraph, TOC_FIELD)
            for child in li.xpath("./a|./span"):
                self.runs.element(paragraph, child)
            if index == len(entries) - 1:
                end_field(paragraph)

    def header_footer(self, el: _Element, role: str) -> None:
        """Fill the page header or footer (role) with el's inline content."""
        section = self.document.sections[0]
        # The first page carries the title block; like the PDF, it has no running header.
        if role == "header":
            parts = [section.header]
        else:
            parts = [section.footer, section.first_page_footer]
        for part in parts:
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
            paragraph._p.style = self.styles.style_id(STYLES[f"[data-docx={role}]"])
            self.runs.children(paragraph, el)
            trim_trailing_space(paragraph)


def _paragraph_style(el: _Element, role: str | None, list_tag: str | None, depth: int,
                     body_style: str) -> str | None:
    """Return the style of the paragraph el makes, or None if el is not one paragraph."""
    if role and role not in ROLES:
        return role
    if el.tag in PARAGRAPH_TAGS:
        return body_style if el.tag in BODY_TAGS else STYLES[el.tag]
    if el.tag == "li" and not any(c.tag in BLOCK_TAGS for c in el if isinstance(c.tag, str)):
        return _list_style(list_tag, depth)
    return None


def _list_style(list_tag: str | None, depth: int) -> str:
    """Return the style of a list item at depth (1: not nested) in a ul or ol."""
    base = STYLES["ol > li"] if list_tag == "ol" else STYLES["ul > li"]
    return base if depth <= 1 else f"{base} {min(depth, 3)}"
