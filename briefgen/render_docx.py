"""Write the page's HTML structure as an editable Word document, and return its bytes.

The DOCX is not a second rendering of the content: it walks the same HTML the templates
produced and maps it onto named styles from the reference document. The mapping:

- an element in block position with `data-docx="Style Name"` becomes one paragraph in
  that style; without it, h1 -> Title, h2 -> Heading 1, h3 -> Heading 2, h4 -> Heading 3,
  p -> Body Text (Quote inside blockquote, or the style a container names with
  `data-docx-p`), li -> List Bullet / List Number, figcaption
  -> Caption; other block elements are containers whose children are walked;
- inside a paragraph, `data-docx="Style"` names a character style; strong/em/sup/code/a
  become Strong, Emphasis, superscript, Code and hyperlinks;
- `data-docx="skip"` leaves an element out, `"tab"` is a tab, `"footnote"` makes the
  element's content a real Word footnote called at that point, `"header"`/`"footer"` fill
  Word's page header and footer, and `data-field="PAGE"` inserts a field; `"toc"` on a
  list of links makes Word's table-of-contents field, its result already filled in with
  those entries, so the contents show when the file is first opened; `"pagebreak"` starts
  a new page;
- tables become Word tables in the style named by data-docx, header rows repeating,
  columns as wide as their content needs, rows never split and short tables kept whole;
- `data-docx-keep` keeps a small unit (a recommendation, a figure) on one page;
- an element with an id gets a bookmark, and `href="#id"` links become internal hyperlinks;
- `status: draft` adds Word's own DRAFT watermark to the page headers.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path
from types import EllipsisType
from typing import Any

from lxml import html as lxml_html
from lxml.etree import _Element

from .chartcache import CHART_SIZE_CM
from .view import DocumentView

__all__ = ["render_docx"]

HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
            "h5": "Heading 3", "h6": "Heading 3"}
PARAGRAPH_TAGS = {"p", "figcaption", "dt", "dd", "caption", *HEADINGS}
BLOCK_TAGS = PARAGRAPH_TAGS | {
    "div", "section", "aside", "header", "footer", "main", "article", "nav", "figure",
    "blockquote", "ul", "ol", "li", "dl", "table", "img", "body", "hr"}
PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
SPECIAL = {"skip", "tab", "header", "footer", "toc", "pagebreak", "footnote"}


def render_docx(html: str, view: DocumentView, reference: Path,
                epoch: int | None | EllipsisType = ...) -> bytes:
    """Return the DOCX bytes for the page html, styled by the reference document.

    epoch: SOURCE_DATE_EPOCH for the zip entries' times; by default read from the
    environment (see reproducible.zip_date_time).
    """
    import docx

    from .reproducible import normalise_zip, zip_date_time

    stamp = zip_date_time(view.meta.date, epoch)  # first: a malformed value stops early
    document = docx.Document(str(reference))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    writer = _Writer(document, view)
    writer.setup_page(view.audience.page_size)
    root = lxml_html.document_fromstring(html)
    writer.blocks(root.find("body"))
    if view.meta.status == "draft":
        from .docx_parts import add_watermark
        add_watermark(document, view.labels["draft"], font="Inter")
    _properties(document, view)
    # Saved to memory, not to the output file: a save that fails halfway leaves nothing
    # behind, and the pipeline writes the finished bytes atomically.
    out = io.BytesIO()
    document.save(out)
    # python-docx stamps every zip entry with the current time; fixed entry metadata makes
    # the same input give the same bytes (see reproducible.py).
    return normalise_zip(out.getvalue(), stamp)


def _properties(document: Any, view: DocumentView) -> None:
    meta = view.meta
    props = document.core_properties
    props.title = meta.title
    props.subject = meta.subtitle or ""
    props.author = "; ".join(a.name for a in meta.authors)
    props.keywords = ", ".join(meta.keywords)
    props.language = meta.language
    props.category = view.kind
    props.comments = f"{view.audience.label} edition, made with briefgen"
    props.last_modified_by = "briefgen"
    props.revision = 1
    stamp = dt.datetime.combine(meta.date, dt.time(0, 0))
    props.created = props.modified = stamp
    # Proofing and hyphenation follow the document language.
    from docx.oxml.ns import qn
    for rpr in document.styles.element.iter(qn("w:rPrDefault")):
        target = rpr.find(qn("w:rPr"))
        lang = target.find(qn("w:lang"))
        if lang is None:
            from docx.oxml import OxmlElement
            lang = OxmlElement("w:lang")
            target.append(lang)
        lang.set(qn("w:val"), meta.language)


class _Writer:
    def __init__(self, document: Any, view: DocumentView):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.doc = document
        self.view = view
        self.OxmlElement, self.qn = OxmlElement, qn
        self.styles = {s.name for s in document.styles}
        self.style_ids: dict[str, str] = {}
        self.bookmark_id = 0
        self.pending_ids: list[str] = []
        self.footnotes: Any = None  # docx_parts.Footnotes, made at the first note
        self.written: list[Any] = []  # body paragraphs in order, for keep-together groups

    # -- page ------------------------------------------------------------------------
    def setup_page(self, size: str) -> None:
        from docx.shared import Cm

        section = self.doc.sections[0]
        width, height = PAGE_SIZES_CM[size]
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.header_distance = section.footer_distance = Cm(1.0)
        section.different_first_page_header_footer = True
        self.text_width = section.page_width - section.left_margin - section.right_margin

    # -- block level -----------------------------------------------------------------
    def blocks(self, element: _Element, list_tag: str | None = None, depth: int = 0,
               para: str = "Body Text") -> None:
        """Walk element's children in block context, starting paragraphs as needed."""
        loose: list[Any] = []  # text and inline elements outside any paragraph
        if _has_text(element.text):
            loose.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments
                continue
            if child.tag in BLOCK_TAGS or child.get("data-docx") in ("header", "footer"):
                self._flush(loose)
                loose = []
                self.block(child, list_tag, depth, para)
                if _has_text(child.tail):
                    loose.append(child.tail)
            else:
                loose.append(child)
                if _has_text(child.tail):
                    loose.append(child.tail)
        self._flush(loose)

    def block(self, el: _Element, list_tag: str | None, depth: int, para: str) -> None:
        role = el.get("data-docx")
        if role == "skip" or el.tag == "hr":
            return
        if el.get("data-docx-keep") is not None:
            # Keep a small unit on one page: every paragraph but the last keeps with the next.
            start = len(self.written)
            el.attrib.pop("data-docx-keep")
            self.block(el, list_tag, depth, para)
            for paragraph in self.written[start:-1]:
                paragraph.paragraph_format.keep_with_next = True
            return
        if el.get("id"):
            self.pending_ids.append(el.get("id"))
        if role in ("header", "footer"):
            self.header_footer(el, role)
        elif role == "toc":
            self.toc(el)
        elif role == "pagebreak":
            from docx.enum.text import WD_BREAK
            self._new_paragraph("Normal").add_run().add_break(WD_BREAK.PAGE)
        elif el.tag == "table":
            self.table(el)
        elif el.tag == "img":
            self.picture(el)
        elif role and role not in SPECIAL:
            self.paragraph(el, role)
        elif el.tag in HEADINGS:
            self.paragraph(el, HEADINGS[el.tag])
        elif el.tag in PARAGRAPH_TAGS:
            self.paragraph(el, "Caption" if el.tag in ("figcaption", "caption") else para)
        elif el.tag == "li" and not any(c.tag in BLOCK_TAGS for c in el if isinstance(c.tag, str)):
            base = "List Number" if list_tag == "ol" else "List Bullet"
            self.paragraph(el, base if depth <= 1 else f"{base} {min(depth, 3)}")
        elif el.tag in ("ul", "ol"):
            self.blocks(el, el.tag, depth + 1, para)
        else:
            para = "Quote" if el.tag == "blockquote" else el.get("data-docx-p") or para
            self.blocks(el, list_tag, depth, para)

    def _flush(self, loose: list[Any]) -> None:
        if not any(isinstance(item, str) and item.strip() or not isinstance(item, str)
                   for item in loose):
            return
        paragraph = self._new_paragraph("Body Text")
        for item in loose:
            if isinstance(item, str):
                self._text(paragraph, item, {})
            else:
                self.inline(paragraph, item, {})
                if item.tail:
                    pass  # tails were queued separately
        _trim(paragraph)

    def _new_paragraph(self, style: str, container: Any = None) -> Any:
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        paragraph._p.style = self._style(style)
        self.written.append(paragraph)
        for ident in self.pending_ids:
            self._bookmark(paragraph, ident)
        self.pending_ids = []
        return paragraph

    def paragraph(self, el: _Element, style: str, container: Any = None) -> Any:
        paragraph = self._new_paragraph(style, container)
        self.inline_children(paragraph, el, {})
        _trim(paragraph)
        return paragraph

    def _style(self, name: str, character: bool = False) -> str:
        """Return the id of the named style, adding it if the reference document lacks it.

        Ids are looked up once per name and set on the XML: python-docx's own setter scans
        every style of the document at each paragraph, a third of a brief's DOCX time.
        A paragraph style added is based on Normal.
        """
        if name not in self.style_ids:
            if name not in self.styles:
                from docx.enum.style import WD_STYLE_TYPE
                kind = WD_STYLE_TYPE.CHARACTER if character else WD_STYLE_TYPE.PARAGRAPH
                style = self.doc.styles.add_style(name, kind)
                if not character:
                    style.base_style = self.doc.styles["Normal"]
                self.styles.add(name)
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    # -- inline level ----------------------------------------------------------------
    def inline_children(self, paragraph: Any, el: _Element, fmt: dict) -> None:
        self._text(paragraph, el.text, fmt)
        for child in el:
            if isinstance(child.tag, str):
                self.inline(paragraph, child, fmt)
            self._text(paragraph, child.tail, fmt)

    def inline(self, paragraph: Any, el: _Element, fmt: dict) -> None:
        role = el.get("data-docx")
        if role == "skip":
            return
        if role == "footnote":
            self.footnote(paragraph, el)
            return
        if role == "tab":
            if fmt.get("link") is not None:  # keep the tab inside the hyperlink
                run = self.OxmlElement("w:r")
                run.append(self.OxmlElement("w:tab"))
                fmt["link"].append(run)
            else:
                paragraph.add_run().add_tab()
            return
        if el.get("data-field"):
            self._field(paragraph, el.get("data-field"), el.text_content() or "1", fmt)
            return
        if el.tag == "br":
            paragraph.add_run().add_break()
            return
        fmt = dict(fmt)
        if el.tag in ("strong", "b", "dt"):
            fmt["bold"] = True
        elif el.tag in ("em", "i", "cite"):
            fmt["italic"] = True
        elif el.tag == "sup":
            fmt["superscript"] = True
        elif el.tag == "code":
            fmt["style"] = "Code"
        if role and role not in SPECIAL:
            fmt["style"] = role
        if el.tag == "a" and el.get("href"):
            link = self._hyperlink(paragraph, el.get("href"))
            fmt["link"] = link
        if el.tag == "img":
            self.picture(el, paragraph)
            return
        self.inline_children(paragraph, el, fmt)

    def footnote(self, paragraph: Any, el: _Element) -> None:
        """Call a new footnote here and write el's content into it."""
        if self.footnotes is None:
            from .docx_parts import Footnotes
            self.footnotes = Footnotes(self.doc)
        note_id, note = self.footnotes.add()
        self.footnotes.reference(paragraph, note_id)
        self.inline_children(note, el, {})
        _trim(note)

    def _text(self, paragraph: Any, text: str | None, fmt: dict) -> None:
        if not text:
            return
        # Fold ASCII white space as HTML does; a no-break or thin space is content.
        text = re.sub(r"[ \t\n\r\f]+", " ", text)
        if text.startswith(" ") and _at_word_start(paragraph):
            text = text.lstrip()
        if not text:
            return
        from docx.text.run import Run

        if fmt.get("link") is not None:
            r = self.OxmlElement("w:r")
            fmt["link"].append(r)
            run = Run(r, paragraph)
            run.text = text
            # Web links look like links; links within the document (note to reference,
            # cross-reference, contents) keep the text's own look, as in the PDF.
            if not fmt.get("style") and fmt["link"].get(self.qn("w:anchor")) is None:
                run._r.style = self._style("Hyperlink", character=True)
        else:
            run = paragraph.add_run(text)
        if fmt.get("style"):
            run._r.style = self._style(fmt["style"], character=True)
        if fmt.get("bold"):
            run.bold = True
        if fmt.get("italic"):
            run.italic = True
        if fmt.get("superscript"):
            run.font.superscript = True

    def _hyperlink(self, paragraph: Any, href: str) -> Any:
        from docx.opc.constants import RELATIONSHIP_TYPE

        link = self.OxmlElement("w:hyperlink")
        if href.startswith("#"):
            link.set(self.qn("w:anchor"), _bookmark_name(href[1:]))
        else:
            rel = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link.set(self.qn("r:id"), rel)
        paragraph._p.append(link)
        return link

    def _bookmark(self, paragraph: Any, ident: str) -> None:
        self.bookmark_id += 1
        start = self.OxmlElement("w:bookmarkStart")
        start.set(self.qn("w:id"), str(self.bookmark_id))
        start.set(self.qn("w:name"), _bookmark_name(ident))
        end = self.OxmlElement("w:bookmarkEnd")
        end.set(self.qn("w:id"), str(self.bookmark_id))
        ppr = paragraph._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def _field_char(self, paragraph: Any, kind: str) -> None:
        char = self.OxmlElement("w:fldChar")
        char.set(self.qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(char)

    def _field_start(self, paragraph: Any, code: str) -> None:
        """Open a complex field: begin, its instruction, separate; the result follows."""
        self._field_char(paragraph, "begin")
        instr = self.OxmlElement("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = f" {code} "
        paragraph.add_run()._r.append(instr)
        self._field_char(paragraph, "separate")

    def _field(self, paragraph: Any, code: str, placeholder: str, fmt: dict) -> None:
        """Insert a complex field such as PAGE or NUMPAGES, showing placeholder until updated."""
        self._field_start(paragraph, code.upper())
        self._text(paragraph, placeholder.strip() or "1", fmt)
        self._field_char(paragraph, "end")

    def toc(self, el: _Element) -> None:
        """Write a TOC field whose current result is the template's list of entries."""
        for heading in el.xpath("./h1|./h2|./h3"):
            self.paragraph(heading, "TOC Heading")
        entries = el.xpath(".//li")
        for index, li in enumerate(entries):
            depth = len(li.xpath("ancestor::li")) + 1
            paragraph = self._new_paragraph(f"TOC {min(depth, 3)}")
            if index == 0:
                # Heading levels 1-2 (\\o), as hyperlinks (\\h), no page numbers on the web.
                self._field_start(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
            for child in li.xpath("./a|./span"):
                self.inline(paragraph, child, {})
            if index == len(entries) - 1:
                self._field_char(paragraph, "end")

    # -- header, footer, tables, pictures ------------------------------------------
    def header_footer(self, el: _Element, role: str) -> None:
        section = self.doc.sections[0]
        parts = [section.header, section.first_page_header] if role == "header" else [
            section.footer, section.first_page_footer]
        style = "Header" if role == "header" else "Footer"
        # The first page carries the title block; like the PDF, it has no running header.
        targets = parts[:1] if role == "header" else parts
        for part in targets:
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0]
            paragraph._p.style = self._style(style)
            self.inline_children(paragraph, el, {})
            _trim(paragraph)

    def table(self, el: _Element) -> None:
        rows = el.xpath("./thead/tr|./tbody/tr|./tr|./tfoot/tr")
        if not rows:
            return
        header_count = len(el.xpath("./thead/tr"))
        columns = max(len(tr.xpath("./th|./td")) for tr in rows)
        table = self.doc.add_table(rows=0, cols=columns)
        style = el.get("data-docx")
        if style and style in self.styles:
            table.style = self.doc.styles[style]
        tblpr = table._tbl.tblPr
        width = self.OxmlElement("w:tblW")
        width.set(self.qn("w:w"), "5000")
        width.set(self.qn("w:type"), "pct")
        for old in tblpr.findall(self.qn("w:tblW")):
            tblpr.remove(old)
        tblpr.append(width)
        widths = _column_widths(rows, columns, self.text_width)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        # A short table stays on one page, as in the PDF; a long one breaks between rows.
        keep = len(rows) <= 12
        for index, tr in enumerate(rows):
            row = table.add_row()
            trpr = row._tr.get_or_add_trPr()
            trpr.append(self.OxmlElement("w:cantSplit"))
            if index < header_count:
                trpr.append(self.OxmlElement("w:tblHeader"))
            for cell, td, width in zip(row.cells, tr.xpath("./th|./td"), widths, strict=False):
                cell.width = width
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self._style("Table Heading" if td.tag == "th"
                                                 else "Table Text")
                paragraph.paragraph_format.keep_with_next = keep and index < len(rows) - 1 or None
                self.inline_children(paragraph, td, {})
                _trim(paragraph)
        self.pending_ids = []

    def picture(self, el: _Element, paragraph: Any = None) -> None:
        from docx.shared import Cm

        src = el.get("src") or ""
        match = re.match(r"data:image/(png|jpeg|jpg);base64,(.*)", src, re.S)
        if el.get("data-chart"):  # the page has the chart as SVG; Word gets a 300 dpi PNG
            data = io.BytesIO(self.view.charts[int(el.get("data-chart"))].png())
        elif match:
            data = io.BytesIO(base64.b64decode(match.group(2)))
        else:
            return  # only embedded PNG/JPEG images and charts reach the templates
        if paragraph is None:
            paragraph = self._new_paragraph("Body Text")
        run = paragraph.add_run()
        if "logo" in (el.get("class") or ""):
            shape = run.add_picture(data, height=Cm(1.3))
        elif el.get("data-chart"):  # at the size it was drawn, as in the PDF
            shape = run.add_picture(data, width=Cm(CHART_SIZE_CM[0]))
        else:
            shape = run.add_picture(data, width=self.text_width)
        shape._inline.docPr.set("descr", el.get("alt") or "")


def _column_widths(rows: list[_Element], columns: int, total: int) -> list[int]:
    """Share the text width among columns by the length of their longest cell (in EMU).

    Word would otherwise make every column equally wide: a "Year" column as wide as a
    column of sentences.
    """
    longest = [1] * columns
    for tr in rows:
        for i, td in enumerate(tr.xpath("./th|./td")[:columns]):
            longest[i] = max(longest[i], len(" ".join(td.text_content().split())))
    weights = [min(length, 60) + 6 for length in longest]  # a floor for short columns
    return [int(total * weight / sum(weights)) for weight in weights]


def _at_word_start(paragraph: Any) -> bool:
    """Whether the paragraph so far (hyperlinks included) is empty or ends in a space or tab."""
    written = paragraph._p.xpath(".//w:t|.//w:tab")
    if not written:
        return True
    last = written[-1]
    return last.tag.endswith("}tab") or (last.text or "").endswith(" ")


def _has_text(text: str | None) -> bool:
    return bool(text and text.strip())


def _trim(paragraph: Any) -> None:
    """Drop the trailing space the whitespace folding may leave at a paragraph's end."""
    runs = paragraph.runs
    # Only a run that really ends the paragraph: not one followed by a hyperlink.
    if runs and runs[-1]._r is paragraph._p[-1] and runs[-1].text.endswith(" "):
        runs[-1].text = runs[-1].text.rstrip()


def _bookmark_name(ident: str) -> str:
    # Word bookmark names: letters, digits and underscores, starting with a letter, <= 40.
    return ("b_" + re.sub(r"[^A-Za-z0-9_]", "_", ident))[:40]
