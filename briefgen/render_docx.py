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

What a user's templates or reference document get wrong is a UsageError (exit 2) naming
the file, or the HTML element, and what is wrong; nothing they hold makes the writer fail
with an internal error. The reference document is checked before python-docx opens it
(open_reference): a zip of bounded size whose XML parts declare no DTD.
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
from lxml.etree import ParserError, _Element

from .chartcache import CHART_SIZE_CM
from .errors import UsageError
from .view import DocumentView

__all__ = ["open_reference", "render_docx"]

HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
            "h5": "Heading 3", "h6": "Heading 3"}
PARAGRAPH_TAGS = {"p", "figcaption", "dt", "dd", "caption", *HEADINGS}
BLOCK_TAGS = PARAGRAPH_TAGS | {
    "div", "section", "aside", "header", "footer", "main", "article", "nav", "figure",
    "blockquote", "ul", "ol", "li", "dl", "table", "img", "body", "hr"}
PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
SPECIAL = {"skip", "tab", "header", "footer", "toc", "pagebreak", "footnote"}
FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES"}  # data-field: numbers only, nothing that fetches

# The reference document: an organisation's Word file with styles is tens of kilobytes to a
# few megabytes. The limits refuse a zip bomb before anything is inflated.
MAX_REFERENCE_BYTES = 20_000_000  # the file itself
MAX_REFERENCE_INFLATED = 50_000_000  # all its parts, uncompressed
MAX_REFERENCE_PART = 20_000_000  # any one part, uncompressed
MAX_REFERENCE_PARTS = 1_000

# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, surrogates, U+FFFE
# and U+FFFF): lxml refuses them, so one reaching the writer would stop the build. The
# content checks refuse them; whatever still comes (a template writing "&#1;") is shown
# as U+FFFD, the replacement character, rather than dropped without a trace.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_docx(html: str, view: DocumentView, reference: Path,
                epoch: int | None | EllipsisType = ...) -> bytes:
    """Return the DOCX bytes for the page html, styled by the reference document.

    epoch: SOURCE_DATE_EPOCH for the zip entries' times; by default read from the
    environment (see reproducible.zip_date_time).
    """

    from .reproducible import normalise_zip, zip_date_time

    stamp = zip_date_time(view.meta.date, epoch)  # first: a malformed value stops early
    document = open_reference(reference)
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    writer = _Writer(document, view)
    writer.setup_page(view.audience.page_size)
    try:
        body_html = lxml_html.document_fromstring(html).find("body")
    except ParserError:  # "Document is empty"
        body_html = None
    if body_html is None:
        raise UsageError("the page your templates made has no <body>; "
                         "check templates/html/ in your templates folder")
    writer.blocks(body_html)
    if view.meta.status == "draft":
        from .docx_parts import add_watermark
        add_watermark(document, xml_safe(view.labels["draft"]), font="Inter")
    _properties(document, view)
    # Saved to memory, not to the output file: a save that fails halfway leaves nothing
    # behind, and the pipeline writes the finished bytes atomically.
    out = io.BytesIO()
    document.save(out)
    # python-docx stamps every zip entry with the current time; fixed entry metadata makes
    # the same input give the same bytes (see reproducible.py).
    return normalise_zip(out.getvalue(), stamp)


def open_reference(path: Path) -> Any:
    """Open the reference document as a python-docx Document, or raise a UsageError.

    Checked before python-docx reads it: a regular file of at most MAX_REFERENCE_BYTES, a
    zip whose directory promises at most MAX_REFERENCE_PARTS parts, MAX_REFERENCE_PART
    bytes each and MAX_REFERENCE_INFLATED in all (reads are capped too, should the
    directory lie), and XML parts whose prolog declares no DTD: a DOCTYPE can declare
    entities that expand without bound or name files to read (XXE), and Word never
    writes one. Anything else python-docx cannot use is a UsageError too.
    """
    import os
    import stat
    import zipfile

    import docx
    from lxml import etree

    def bad(problem: str) -> UsageError:
        return UsageError(f"{path}: {problem}; the reference document must be a Word file "
                          "(.docx) holding the styles (see tools/make_reference_docx.py)")

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise bad("not a regular file")
        with open(path, "rb") as file:
            raw = file.read(MAX_REFERENCE_BYTES + 1)
    except OSError as exc:
        raise bad(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_REFERENCE_BYTES:
        raise bad(f"larger than {MAX_REFERENCE_BYTES:,} bytes")
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise bad(f"not a zip file, as a .docx is ({exc})") from None
    if len(entries) > MAX_REFERENCE_PARTS:
        raise bad(f"{len(entries):,} parts; at most {MAX_REFERENCE_PARTS:,} are allowed")
    for entry in entries:
        if entry.file_size > MAX_REFERENCE_PART:
            raise bad(f"part {entry.filename} inflates to {entry.file_size:,} bytes; at most "
                      f"{MAX_REFERENCE_PART:,} are allowed")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_REFERENCE_INFLATED:
        raise bad(f"its parts inflate to {total:,} bytes; at most "
                  f"{MAX_REFERENCE_INFLATED:,} are allowed")
    for entry in entries:
        try:
            with package.open(entry) as member:
                data = member.read(MAX_REFERENCE_PART + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError,
                EOFError, ValueError) as exc:  # encrypted, unknown compression, bad CRC
            raise bad(f"part {entry.filename} cannot be read ({exc})") from None
        if len(data) > entry.file_size:
            raise bad(f"part {entry.filename} is longer than the zip's directory says")
        if not _looks_like_xml(entry.filename, data):
            continue
        try:
            doctype = _doctype(data)
        except etree.XMLSyntaxError as exc:
            raise bad(f"part {entry.filename} is not well-formed XML ({exc})") from None
        if doctype:
            raise bad(f"part {entry.filename} declares a DTD ({_short(doctype)}), which Word "
                      "never writes; it is refused because it can read files or expand "
                      "without bound")
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # any other reason python-docx cannot use the file
        raise bad(f"not a Word document ({type(exc).__name__}: {exc})") from None


def _doctype(data: bytes) -> str:
    """Return the DOCTYPE declaration of an XML document ('' if none), parsing its prolog only.

    A DTD can only come before the root element, so parsing stops at its start tag: the
    check costs half a millisecond, not the 30 ms of parsing every part (python-docx then
    parses the parts it uses, without resolving entities). The parser loads no external
    DTD, resolves no entity and fetches nothing.
    """
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True,
                                 load_dtd=False)
    for start in range(0, len(data), 4096):
        parser.feed(data[start:start + 4096])
        for _, element in parser.read_events():
            return element.getroottree().docinfo.doctype or ""
    parser.close()  # raises for a part with no element at all
    return ""


def _looks_like_xml(name: str, data: bytes) -> bool:
    """Whether a package part is (or claims to be) XML, which is then parsed to check it."""
    return (name.lower().endswith((".xml", ".rels", ".vml"))
            or data.lstrip().startswith(b"<")
            or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))


def xml_safe(text: str) -> str:
    """Return text with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return XML_INVALID.sub("\ufffd", text)


def _core(text: str) -> str:
    """Return text fit for a core property: XML-safe, at most the 255 characters allowed."""
    # python-docx refuses a longer value (docx/oxml/coreprops.py, _set_element_text), and a
    # title, author list or keyword list may well be longer.
    text = xml_safe(text)
    return text if len(text) <= 255 else text[:254] + "…"


def _properties(document: Any, view: DocumentView) -> None:
    meta = view.meta
    props = document.core_properties
    props.title = _core(meta.title)
    props.subject = _core(meta.subtitle or "")
    props.author = _core("; ".join(a.name for a in meta.authors))
    props.keywords = _core(", ".join(meta.keywords))
    props.language = meta.language
    props.category = view.kind
    props.comments = _core(f"{view.audience.label} edition, made with briefgen")
    props.last_modified_by = "briefgen"
    props.revision = 1
    stamp = dt.datetime.combine(meta.date, dt.time(0, 0))
    props.created = props.modified = stamp
    # Proofing and hyphenation follow the document language.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    for rpr in document.styles.element.iter(qn("w:rPrDefault")):
        target = rpr.find(qn("w:rPr"))
        if target is None:  # a reference document may leave the default run empty
            target = OxmlElement("w:rPr")
            rpr.append(target)
        lang = target.find(qn("w:lang"))
        if lang is None:
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
        # Word matches style names without regard to case; so does the lookup here.
        self.styles = {(s.name or "").lower(): s for s in document.styles}
        self.style_ids: dict[str, str] = {}
        self.bookmark_id = 0
        self.pending_ids: list[str] = []
        self.footnotes: Any = None  # docx_parts.Footnotes, made at the first note
        self.written: list[Any] = []  # body paragraphs in order, for keep-together groups

    # -- page ------------------------------------------------------------------------
    def setup_page(self, size: str) -> None:
        from docx.shared import Cm

        self.doc.element.body.get_or_add_sectPr()  # a reference document may lack one
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
            style = self.styles.get(name.lower())
            if style is None:
                from docx.enum.style import WD_STYLE_TYPE
                kind = WD_STYLE_TYPE.CHARACTER if character else WD_STYLE_TYPE.PARAGRAPH
                style = self.doc.styles.add_style(xml_safe(name), kind)
                if not character and "normal" in self.styles:
                    style.base_style = self.styles["normal"]
                self.styles[name.lower()] = style
            self.style_ids[name] = style.style_id
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
            code = el.get("data-field").strip().upper()
            if code not in FIELDS:
                # Word runs a field's instruction: INCLUDEPICTURE or INCLUDETEXT would fetch
                # or read a file when the document is opened.
                raise _element_error(el, "a Word field made from a template may be one of "
                                     + ", ".join(sorted(FIELDS)))
            self._field(paragraph, code, el.text_content() or "1", fmt)
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
        if paragraph.part is not self.doc.part:
            raise _element_error(el, "a footnote can only be called from the body text, "
                                 "not from a page header, footer or another note")
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
        text = xml_safe(re.sub(r"[ \t\n\r\f]+", " ", text))
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
            rel = paragraph.part.relate_to(xml_safe(href), RELATIONSHIP_TYPE.HYPERLINK,
                                           is_external=True)
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
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
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
        from docx.enum.style import WD_STYLE_TYPE

        style = self.styles.get((el.get("data-docx") or "").lower())
        if style is not None and style.type == WD_STYLE_TYPE.TABLE:
            table.style = style
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

        if el.get("data-chart"):  # the page has the chart as SVG; Word gets a 300 dpi PNG
            try:
                data = self.view.charts[int(el.get("data-chart"))].png()
            except (ValueError, KeyError, IndexError):
                raise _element_error(el, "data-chart names no chart of this edition; "
                                     "it is the figure's number") from None
        else:
            data = _data_uri_image(el)
        data, (width_px, height_px) = _readable_image(el, data)
        if paragraph is None:
            paragraph = self._new_paragraph("Body Text")
        # Both sides given: python-docx then never sizes the picture by the density the
        # file states, which may be zero (a ZeroDivisionError in docx/image/image.py).
        if "logo" in (el.get("class") or ""):
            height = Cm(1.3)
            width = int(height * width_px / height_px)
        else:  # a chart at the size it was drawn, as in the PDF; a picture as wide as text
            width = Cm(CHART_SIZE_CM[0]) if el.get("data-chart") else self.text_width
            height = int(width * height_px / width_px)
        shape = paragraph.add_run().add_picture(io.BytesIO(data), width=width, height=height)
        shape._inline.docPr.set("descr", xml_safe(el.get("alt") or ""))


def _short(text: str, limit: int = 40) -> str:
    """Return text cut to about limit characters, for a message."""
    text = xml_safe(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit] + "…"


def _element_error(el: _Element, problem: str) -> UsageError:
    """Return a UsageError naming the element of a template's HTML that Word cannot take."""
    shown = " ".join(f'{name}="{_short(value)}"' for name, value in el.attrib.items()
                     if name in ("id", "class", "src", "alt", "data-docx", "data-chart",
                                 "data-field"))
    return UsageError(f"the Word file cannot be made from <{el.tag}{' ' if shown else ''}"
                      f"{shown}> in the HTML of your templates: {problem}")


def _data_uri_image(el: _Element) -> bytes:
    """Return the bytes of an img's data: URI, or raise a UsageError naming the element."""
    src = (el.get("src") or "").strip()
    match = re.fullmatch(r"data:image/(?:png|jpeg|jpg);base64,(.*)", src, re.S | re.I)
    if not match:
        raise _element_error(el, "an image in Word must be a PNG or JPEG embedded as a "
                             "data:image/png;base64,… or data:image/jpeg;base64,… URI "
                             "(nothing is fetched, not even a file)")
    try:
        return base64.b64decode(re.sub(r"\s+", "", match.group(1)), validate=True)
    except ValueError:  # binascii.Error: a stray character or a wrong length
        raise _element_error(el, "the data: URI is not valid base64") from None


def _readable_image(el: _Element, data: bytes) -> tuple[bytes, tuple[int, int]]:
    """Return image bytes python-docx can place, and their size in pixels.

    Pillow reads the header only. A JPEG python-docx cannot read (no JFIF or Exif header,
    which its docx/image/ requires) is re-encoded by Pillow, which writes JFIF.
    """
    import warnings

    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image as DocxImage
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, size = image.format, image.size
                if kind not in ("PNG", "JPEG"):
                    raise ValueError(f"a {kind} image")
                if min(size) < 1:
                    raise ValueError("an image of no pixels")
                try:
                    DocxImage.from_blob(data)
                except UnrecognizedImageError:
                    out = io.BytesIO()
                    image.convert("RGB").save(out, "JPEG", quality=95)
                    data = out.getvalue()
    except UnidentifiedImageError:
        raise _element_error(el, "the data: URI holds no PNG or JPEG image") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise _element_error(el, f"the image is not a PNG or JPEG Word can show ({exc})") from None
    return data, size


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
