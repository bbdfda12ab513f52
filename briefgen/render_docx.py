"""Write the page's HTML structure as an editable Word document, and return its bytes.

The DOCX is not a second rendering of the content: it walks the HTML of the page on
screen (the one the HTML output is; the PDF prints its own) and maps it onto named styles
from the reference document:

- an element in block position becomes one paragraph in the style docx_styles.STYLES
  gives its element (h2 -> Heading 1, p -> Body Text, li -> List Bullet, ...), or the one
  its `data-docx="Style Name"` names; other block elements are containers whose children
  are walked (docx_blocks);
- inside a paragraph, `data-docx="Style"` names a character style; strong, em and sup set
  bold, italic and superscript, code is the Code style, a becomes a hyperlink (docx_runs);
- `data-docx` roles (docx_styles.ROLES) leave an element out, write a tab, a real Word
  footnote, the page header or footer, Word's table-of-contents field already filled in,
  or a page break; `data-field="PAGE"` inserts a page-number field (docx_fields);
- tables become Word tables in the style data-docx names (docx_tables); pictures are
  charts as PNG or images from data: URIs, never fetched (docx_images);
- `data-docx-keep` keeps a small unit (a recommendation, a figure) on one page;
- an element with an id gets a bookmark, and `href="#id"` links become internal hyperlinks;
- `status: draft` adds Word's own DRAFT watermark to the page headers (docx_watermark);
- a page whose <html dir="rtl"> (Urdu, Arabic, Persian) makes a right-to-left document:
  paragraphs, section, tables and runs (docx_bidi); an element whose dir differs from the
  page's gives its paragraph a direction of its own.

Before anything is written, the page and its templates are checked against the contract
(docx_contract: a data-docx value Word does not know, a <style> in the body, an element
Word has nothing for, an image that is not a data: URI), and what the page's CSS hides in
print is left out, as in the PDF (docx_hidden).

What a user's templates or reference document get wrong is a UsageError (exit 2) naming
the file, or the HTML element, and what is wrong; nothing they hold makes the writer fail
with an internal error. The reference document is checked before python-docx opens it
(docx_reference.open_reference): a zip of bounded size whose XML parts declare no DTD.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from .docx_reference import open_reference
from .errors import UsageError

if TYPE_CHECKING:
    from lxml.etree import _Element

    from .docx_settings import WordExtras
    from .view import DocumentView

__all__ = ["open_reference", "render_docx"]


def render_docx(html: str, view: DocumentView, reference: Path,
                epoch: int | None | EllipsisType = ..., extras: WordExtras | None = None) -> bytes:
    """Return the DOCX bytes for the page html, styled by the reference document.

    epoch: SOURCE_DATE_EPOCH for the zip entries' times; by default read from the
    environment (see reproducible.zip_date_time).
    """
    from .docx_bidi import make_rtl, mark_rtl_paragraphs
    from .docx_blocks import BlockWriter
    from .docx_contract import StyleNames, check_page
    from .docx_document import drop_leftovers, set_page, set_properties
    from .docx_fonts import drawn_by
    from .docx_settings import finish
    from .docx_theme import COMPLEX_SCRIPT_FONT, applied_theme, apply_theme
    from .reproducible import normalise_zip, zip_date_time
    from .templates import TemplateSet

    stamp = zip_date_time(view.meta.date, epoch)  # first: a malformed value stops early
    document = open_reference(reference)
    _empty_body(document)
    theme = applied_theme(view.audience.theme, reference)  # docx_theme: all, or what is set
    body = _page_body(html)
    page = body.getparent()
    direction = "rtl" if (page.get("dir") or "").strip().lower() == "rtl" else "ltr"
    writer = BlockWriter(document, view.charts,
                         set_page(document, view.audience.page_size, theme), direction)
    # The page's templates (extras.templates) are checked too, and named in errors.
    check_page(body, StyleNames(writer.styles.names), extras and extras.templates)
    writer.blocks(body)
    apply_theme(document, theme, view.kind)
    # After the theme: its bold and sizes get complex-script twins.
    drawn = drawn_by(extras and extras.templates or TemplateSet(), COMPLEX_SCRIPT_FONT)
    if direction == "rtl":
        make_rtl(document, page.get("lang") or view.meta.language, drawn)
    else:
        mark_rtl_paragraphs(document, drawn)
    if view.meta.status == "draft":
        from .docx_text import xml_safe
        from .docx_watermark import add_watermark
        add_watermark(document, xml_safe(view.labels["draft"]), font="Inter")
    finish(document, extras)  # settings, contents' page numbers, fonts (docx_settings)
    drop_leftovers(document)  # first: the reference's custom properties give way to ours
    if view.origin is not None and writer.marks:
        from .provenance import add_record
        add_record(document, view, writer.marks)  # after: the reference's custom XML goes
    set_properties(document, view, _page_meta(body))
    # Saved to memory, not to the output file: a save that fails halfway leaves nothing
    # behind, and the pipeline writes the finished bytes atomically.
    out = io.BytesIO()
    document.save(out)
    # python-docx stamps every zip entry with the current time; fixed entry metadata makes
    # the same input give the same bytes (see reproducible.py).
    return normalise_zip(out.getvalue(), stamp)


def _empty_body(document: Any) -> None:
    """Remove the reference document's sample content, keeping its section properties."""
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _page_meta(body: _Element) -> dict[str, str]:
    """Return the page's <meta name=… content=…> values by name, the first of each."""
    found: dict[str, str] = {}
    for meta in body.getparent().iter("meta"):
        if meta.get("name") and meta.get("content") is not None:
            found.setdefault(meta.get("name"), meta.get("content"))
    return found


def _page_body(html: str) -> _Element:
    """Return the body element of the page html, or raise a UsageError if it has none."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    try:
        body = lxml_html.document_fromstring(html).find("body")
    except ParserError:  # "Document is empty"
        body = None
    if body is None:
        raise UsageError("the page your templates made has no <body>; "
                         "check templates/html/ in your templates folder")
    return body
