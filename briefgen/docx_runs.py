"""Write an HTML element's inline content into a Word paragraph, as runs.

Text is folded as a browser folds it; strong, em, sup and code, links, tabs, line breaks,
page-number fields, pictures and footnotes become what Word has for each (see
docx_styles.STYLES and RUN_FORMATS). A data-docx value that is not a role names a
character style. An inline element with a data-src (one field of several in a paragraph,
as a timeline entry's title and text) is marked by the block writer's marker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from docx.oxml import OxmlElement
from docx.text.run import Run
from lxml.etree import _Element

from .docx_bidi import direction_of, set_direction
from .docx_errors import element_error
from .docx_fields import begin_field, end_field, field_code
from .docx_images import add_picture
from .docx_links import add_hyperlink, is_internal
from .docx_styles import ROLES, RUN_FORMATS, STYLES, StyleBook
from .docx_text import at_word_start, fold_whitespace, trim_trailing_space, xml_safe

if TYPE_CHECKING:
    from .chartcache import ChartView
    from .docx_footnotes import Footnotes

__all__ = ["RunFormat", "RunWriter"]


@dataclass(frozen=True)
class RunFormat:
    """How the runs written for an element look: inherited by its children, then added to."""

    style: str | None = None  # a character style's name
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    link: Any = None  # the w:hyperlink the runs go into, if any


PLAIN = RunFormat()


class RunWriter:
    """Write inline HTML into paragraphs of one document, footnotes included."""

    def __init__(self, document: Any, styles: StyleBook, charts: Mapping[int, ChartView],
                 text_width: int) -> None:
        """Write into document, with its styles, the edition's charts and its text width."""
        self.document = document
        self.styles = styles
        self.charts = charts
        self.text_width = text_width
        self.footnotes: Footnotes | None = None  # made at the first note
        self.direction = "ltr"  # the page's; a note whose dir differs gets its own
        # Marks the text of an inline element with a data-src (a field among others in
        # one paragraph); given the paragraph and the src, returns what ends the mark.
        self.marker: Callable[[Any, str], Callable[[], None]] | None = None

    def children(self, paragraph: Any, el: _Element, fmt: RunFormat = PLAIN) -> None:
        """Write el's text and inline children (with their tails) into paragraph."""
        self.text(paragraph, el.text, fmt)
        for child in el:
            if isinstance(child.tag, str):  # not a comment
                self.element(paragraph, child, fmt)
            self.text(paragraph, child.tail, fmt)

    def element(self, paragraph: Any, el: _Element, fmt: RunFormat = PLAIN) -> None:
        """Write one inline element (not its tail) into paragraph."""
        role = el.get("data-docx")
        if role == "skip":
            return
        if role == "footnote":
            self.footnote(paragraph, el)
        elif role == "tab":
            self.tab(paragraph, fmt)
        elif el.get("data-field"):
            self.field(paragraph, field_code(el), el.text_content() or "1", fmt)
        elif el.tag == "br":
            paragraph.add_run().add_break()
        elif el.tag == "img":
            add_picture(paragraph, el, self.charts, self.text_width)
        else:
            src = el.get("data-src")
            end = self.marker(paragraph, src) if src and self.marker and \
                paragraph.part is self.document.part else None
            fmt = self._format(paragraph, el, role, fmt)
            self.children(paragraph, el, fmt)
            if end:
                end()

    def _format(self, paragraph: Any, el: _Element, role: str | None,
                fmt: RunFormat) -> RunFormat:
        """Return the format of el's runs: fmt, with what el itself adds."""
        if el.tag in RUN_FORMATS:
            fmt = replace(fmt, **{RUN_FORMATS[el.tag]: True})
        elif el.tag == "code":
            fmt = replace(fmt, style=STYLES["code"])
        if role and role not in ROLES:
            fmt = replace(fmt, style=role)
        if el.tag == "a" and el.get("href"):
            fmt = replace(fmt, link=add_hyperlink(paragraph, el.get("href")))
        return fmt

    def tab(self, paragraph: Any, fmt: RunFormat) -> None:
        """Write a tab, inside the current hyperlink if there is one."""
        if fmt.link is not None:
            run = OxmlElement("w:r")
            run.append(OxmlElement("w:tab"))
            fmt.link.append(run)
        else:
            paragraph.add_run().add_tab()

    def field(self, paragraph: Any, code: str, placeholder: str, fmt: RunFormat) -> None:
        """Insert a field such as PAGE or NUMPAGES, showing placeholder until it is updated."""
        begin_field(paragraph, code)
        self.text(paragraph, placeholder.strip() or "1", fmt)
        end_field(paragraph)

    def footnote(self, paragraph: Any, el: _Element) -> None:
        """Call a new footnote here and write el's content into it."""
        if paragraph.part is not self.document.part:
            raise element_error(el, "a footnote can only be called from the body text, "
                                "not from a page header, footer or another note")
        if self.footnotes is None:
            from .docx_footnotes import Footnotes
            self.footnotes = Footnotes(self.document)
        note_id, note = self.footnotes.add()
        self.footnotes.reference(paragraph, note_id)
        direction = direction_of(el)
        if direction and direction != self.direction:
            set_direction(note, direction)
        self.children(note, el)
        trim_trailing_space(note)

    def text(self, paragraph: Any, text: str | None, fmt: RunFormat = PLAIN) -> None:
        """Write text as one run in fmt, its white space folded as HTML does."""
        if not text:
            return
        text = xml_safe(fold_whitespace(text))
        if text.startswith(" ") and at_word_start(paragraph):
            text = text.lstrip()
        if not text:
            return
        if fmt.link is not None:
            r = OxmlElement("w:r")
            fmt.link.append(r)
            run = Run(r, paragraph)
            run.text = text
            # Web links look like links; links within the document (note to reference,
            # cross-reference, contents) keep the text's own look, as in the PDF.
            if not fmt.style and not is_internal(fmt.link):
                run._r.style = self.styles.style_id(STYLES["a[href]"], character=True)
        else:
            run = paragraph.add_run(text)
        if fmt.style:
            run._r.style = self.styles.style_id(fmt.style, character=True)
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.superscript:
            run.font.superscript = True
