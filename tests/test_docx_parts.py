"""Real Word footnotes and the DRAFT watermark, read back by python-docx, pandoc and LibreOffice."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from conftest import ROOT, need
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run
from lxml import etree

from briefgen.docx_footnotes import Footnotes
from briefgen.docx_watermark import add_watermark

REFERENCE = ROOT / "templates" / "docx" / "reference.docx"
URL = "https://example.org/report?id=7&lang=en"
NOTE_1 = "First note, plain text."
NOTE_2 = "Second note with italic words and a link to the report."
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "v": "urn:schemas-microsoft-com:vml", "o": "urn:schemas-microsoft-com:office:office",
      "w10": "urn:schemas-microsoft-com:office:word",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
W = f"{{{NS['w']}}}"


# -- building ------------------------------------------------------------------------


def blank(path: Path | io.BytesIO = REFERENCE) -> docx.document.Document:
    """Open a document and empty its body, keeping the section properties."""
    document = docx.Document(path)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def link(paragraph, url: str, text: str, rid: str) -> None:
    """Append a hyperlink the way the renderer's walker does (r:id from paragraph.part)."""
    assert paragraph.part.rels[rid].target_ref == url
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), rid)
    paragraph._p.append(element)
    run = OxmlElement("w:r")
    element.append(run)
    Run(run, paragraph).text = text


def build(pages: int = 1, colour: str = "C0C0C0") -> bytes:
    """A body paragraph calling two notes, a running header, filler, and the watermark."""
    document = blank()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = "Running header"
    notes = Footnotes(document)
    body = document.add_paragraph("Pakistan and Russia met", style="Body Text")
    first, note = notes.add()
    note.add_run(NOTE_1)
    notes.reference(body, first)
    body.add_run(" twice in one year")
    second, note = notes.add()
    note.add_run("Second note with ")
    note.add_run("italic words").italic = True
    note.add_run(" and a ")
    rid = note.part.relate_to(URL, RT.HYPERLINK, is_external=True)
    link(note, URL, "link to the report", rid)
    note.add_run(".")
    notes.reference(body, second)
    body.add_run(".")
    for number in range(10 * pages):
        document.add_paragraph(f"Filler {number}. " + "The talks went on. " * 12,
                               style="Body Text")
    add_watermark(document, colour=colour)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def built() -> bytes:
    return build()


def q(namespaces: dict[str, str], prefix: str, name: str) -> str:
    """Return the Clark name {uri}name of prefix:name."""
    return f"{{{namespaces[prefix]}}}{name}"


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def text(element: etree._Element) -> str:
    return "".join(element.itertext())


def rels(data: bytes, name: str) -> list[etree._Element]:
    """Return the relationships in a .rels part (python-docx writes none when empty)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if name not in package.namelist():
            return []
    return part(data, name).findall("rel:Relationship", NS)


def style_id(data: bytes, name: str) -> str:
    styles = part(data, "word/styles.xml")
    found = [s.get(W + "styleId") for s in styles.iterfind("w:style", NS)
             if s.find("w:name", NS).get(W + "val").lower() == name.lower()]
    assert len(found) == 1, (name, found)
    return found[0]


# -- footnotes in the package --------------------------------------------------------


def test_footnotes_part_is_declared_and_related(built):
    types = part(built, "[Content_Types].xml")
    override = types.find("ct:Override[@PartName='/word/footnotes.xml']", NS)
    assert override is not None and override.get("ContentType") == FOOTNOTES_CT
    related = [r.get("Target") for r in rels(built, "word/_rels/document.xml.rels")
               if r.get("Type") == RT.FOOTNOTES]
    assert related == ["footnotes.xml"]


def test_footnotes_hold_word_separators_then_the_notes(built):
    notes = part(built, "word/footnotes.xml").findall("w:footnote", NS)
    assert [(n.get(W + "type"), n.get(W + "id")) for n in notes] == [
        ("separator", "-1"), ("continuationSeparator", "0"), (None, "1"), (None, "2")]
    assert notes[0].find(".//w:separator", NS) is not None
    assert notes[1].find(".//w:continuationSeparator", NS) is not None
    assert text(notes[2]).strip() == NOTE_1
    assert text(notes[3]).strip() == NOTE_2
    italic = notes[3].xpath(".//w:r[w:rPr/w:i]", namespaces=NS)
    assert [text(r) for r in italic] == ["italic words"]


def test_each_note_starts_with_its_own_number_in_footnote_styles(built):
    text_style, mark_style = style_id(built, "Footnote Text"), style_id(built, "Footnote Reference")
    for note in part(built, "word/footnotes.xml").xpath("w:footnote[not(@w:type)]",
                                                        namespaces=NS):
        (paragraph,) = note.findall("w:p", NS)
        assert paragraph.find("w:pPr/w:pStyle", NS).get(W + "val") == text_style
        mark, gap = paragraph.findall("w:r", NS)[:2]
        assert mark.find("w:footnoteRef", NS) is not None
        assert mark.find("w:rPr/w:rStyle", NS).get(W + "val") == mark_style
        assert text(gap) in (" ", "") and (text(gap) == " " or gap.find("w:tab", NS) is not None)


def test_body_calls_the_notes_in_order(built):
    body = part(built, "word/document.xml")
    calls = body.findall(".//w:footnoteReference", NS)
    assert [c.get(W + "id") for c in calls] == ["1", "2"]
    mark_style = style_id(built, "Footnote Reference")
    for call in calls:
        assert call.getparent().find("w:rPr/w:rStyle", NS).get(W + "val") == mark_style
    paragraph = calls[0].getparent().getparent()
    assert text(paragraph) == "Pakistan and Russia met twice in one year."


def test_settings_point_at_the_separators_in_schema_order(built):
    settings = part(built, "word/settings.xml")
    props = settings.find("w:footnotePr", NS)
    assert [f.get(W + "id") for f in props.findall("w:footnote", NS)] == ["-1", "0"]
    names = [etree.QName(child).localname for child in settings]
    # CT_Settings: footnotePr comes after savePreviewPicture and before compat and rsids.
    for before in ("defaultTabStop", "characterSpacingControl"):
        if before in names:
            assert names.index(before) < names.index("footnotePr"), names
    for after in ("compat", "rsids", "themeFontLang", "listSeparator"):
        if after in names:
            assert names.index("footnotePr") < names.index(after), names


def test_a_link_inside_a_note_is_related_from_the_footnotes_part(built):
    (hyperlink,) = part(built, "word/footnotes.xml").findall(".//w:hyperlink", NS)
    rid = hyperlink.get(q(NS, "r", "id"))
    assert text(hyperlink) == "link to the report"
    found = {r.get("Id"): r for r in rels(built, "word/_rels/footnotes.xml.rels")}
    assert found[rid].get("Type") == RT.HYPERLINK
    assert found[rid].get("Target") == URL and found[rid].get("TargetMode") == "External"
    document_links = [r for r in rels(built, "word/_rels/document.xml.rels")
                      if r.get("Type") == RT.HYPERLINK]
    assert document_links == [], "the link belongs to the footnotes part, not the body"


def test_reference_styles_carry_the_house_look():
    document = docx.Document(str(REFERENCE))
    note_text = document.styles["Footnote Text"]
    assert note_text.font.size.pt == 8.5 and note_text.font.name == "Charis SIL"
    assert note_text.base_style.name == "Normal"
    assert note_text.paragraph_format.space_after.pt == 2
    assert note_text.paragraph_format.line_spacing == 1.0
    assert document.styles["Footnote Reference"].font.superscript is True
    for name in ("Body Text", "Heading 1", "Note Text", "Note Reference", "Brief Table"):
        assert name in [s.name for s in document.styles], name


def test_styles_are_added_to_a_document_without_them():
    document = docx.Document()  # python-docx's own template has no footnote styles
    notes = Footnotes(document)
    _, note = notes.add()
    assert note.style.name == "Footnote Text" and note.style.font.size.pt == 8.5
    assert note.style.base_style.name == "Normal"
    mark = note.runs[0]
    assert mark.style.name == "Footnote Reference" and mark.style.font.superscript is True


def test_paragraphs_and_runs_are_ordinary_python_docx_objects():
    document = blank()
    notes = Footnotes(document)
    note_id, note = notes.add()
    run = note.add_run("Emphasis")
    run.italic = True
    assert note.part is notes.part and run.part is notes.part
    assert notes.part is not document.part and str(notes.part.partname) == "/word/footnotes.xml"
    more = notes.add_paragraph(note_id)
    more.add_run("A second paragraph.")
    assert more.style.name == "Footnote Text"
    assert [p.text for p in (note, more)] == [" Emphasis", "A second paragraph."]
    body = document.add_paragraph("Text")
    call = notes.reference(body, note_id)
    assert call.part is document.part and call.style.name == "Footnote Reference"


def _png(size: int = 8) -> bytes:
    """Return a small grey PNG, made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def test_a_picture_in_a_note_is_related_from_the_footnotes_part(tmp_path):
    image = tmp_path / "picture.png"
    image.write_bytes(_png())
    document = blank()
    _, note = Footnotes(document).add()
    note.add_run().add_picture(str(image))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    (blip,) = part(data, "word/footnotes.xml").iter(q(NS, "a", "blip"))
    (rel,) = rels(data, "word/_rels/footnotes.xml.rels")
    assert rel.get("Id") == blip.get(q(NS, "r", "embed")) and rel.get("Type") == RT.IMAGE
    assert rel.get("Target").startswith("media/")


def test_misuse_is_refused():
    document = blank()
    notes = Footnotes(document)
    note_id, note = notes.add()
    with pytest.raises(ValueError, match="no footnote"):
        notes.reference(document.add_paragraph("x"), 99)
    with pytest.raises(ValueError, match="no footnote"):
        notes.reference(document.add_paragraph("x"), 0)  # the continuation separator
    with pytest.raises(ValueError, match="main document"):
        notes.reference(note, note_id)
    with pytest.raises(ValueError, match="main document"):
        notes.reference(document.sections[0].header.paragraphs[0], note_id)


def test_nothing_is_added_until_the_first_note():
    document = blank()
    Footnotes(document)
    out = io.BytesIO()
    document.save(out)
    assert "word/footnotes.xml" not in zipfile.ZipFile(out).namelist()


# -- reopening -------------------------------------------------------------------------


def test_reopened_document_keeps_its_notes_and_continues_at_three(built):
    document = docx.Document(io.BytesIO(built))
    assert [r.get(W + "id") for r in document.element.body.iter(W + "footnoteReference")] == [
        "1", "2"]
    notes = Footnotes(document)
    note_id, note = notes.add()
    assert note_id == 3
    note.add_run("Third note.")
    notes.reference(document.add_paragraph("More text"), note_id)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    footnotes = part(data, "word/footnotes.xml")
    assert [n.get(W + "id") for n in footnotes.findall("w:footnote", NS)] == [
        "-1", "0", "1", "2", "3"]
    assert text(footnotes[-1]).strip() == "Third note."
    assert [r.get("Target") for r in rels(data, "word/_rels/document.xml.rels")
            if r.get("Type") == RT.FOOTNOTES] == ["footnotes.xml"]
    assert [r.get("Target") for r in rels(data, "word/_rels/footnotes.xml.rels")] == [URL]
    assert docx.Document(io.BytesIO(data)).paragraphs[-1].text == "More text"


def _word_made(built: bytes) -> bytes:
    """The built file rewritten as Word 2007 might have saved an organisation's template.

    Separators numbered 0 and 1, styles under Word's internal lower-case names with
    localised ids, no footnotePr in settings, and an uncalled sample note with a link.
    """
    sample = (
        '<w:footnotes xmlns:w="{w}" xmlns:r="{r}">'
        '<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        '<w:footnote w:id="2"><w:p><w:r><w:t>Kept: the body calls me.</w:t></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="7"><w:p><w:hyperlink r:id="rId1"><w:r><w:t>Sample note</w:t>'
        "</w:r></w:hyperlink></w:p></w:footnote></w:footnotes>").format(**NS)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(built)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/footnotes.xml":
                data = sample.encode()
            elif item.filename == "word/styles.xml":
                data = (data.replace(b'w:val="Footnote Text"', b'w:val="footnote text"')
                        .replace(b'w:val="Footnote Reference"', b'w:val="footnote reference"')
                        .replace(b'"FootnoteText"', b'"Funotentext"')
                        .replace(b'"FootnoteReference"', b'"Funotenzeichen"'))
            elif item.filename == "word/settings.xml":
                data = re.sub(rb"<w:footnotePr>.*?</w:footnotePr>", b"", data)
            dst.writestr(item, data)
    return out.getvalue()


def test_a_word_made_footnotes_part_is_adopted_and_tidied(built):
    document = docx.Document(io.BytesIO(_word_made(built)))
    notes = Footnotes(document)
    note_id, note = notes.add()
    note.add_run("New note.")
    notes.reference(document.add_paragraph("Call"), note_id)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    footnotes = part(data, "word/footnotes.xml").findall("w:footnote", NS)
    # The sample note 7 nobody calls is gone, with its link; numbering follows the kept ids.
    assert [n.get(W + "id") for n in footnotes] == ["0", "1", "2", "3"]
    assert note_id == 3 and text(footnotes[-1]).strip() == "New note."
    assert rels(data, "word/_rels/footnotes.xml.rels") == []
    new = footnotes[-1].find("w:p", NS)
    assert new.find("w:pPr/w:pStyle", NS).get(W + "val") == "Funotentext"
    assert new.find("w:r/w:rPr/w:rStyle", NS).get(W + "val") == "Funotenzeichen"
    props = part(data, "word/settings.xml").find("w:footnotePr", NS)
    assert [f.get(W + "id") for f in props.findall("w:footnote", NS)] == ["0", "1"]
    # No duplicate footnote styles were added next to Word's own.
    assert style_id(data, "Footnote Text") == "Funotentext"


def test_a_part_emptied_by_the_renderer_restarts_at_one(built):
    document = blank(io.BytesIO(built))  # as render_docx does: body content removed first
    note_id, _ = Footnotes(document).add()
    assert note_id == 1
    out = io.BytesIO()
    document.save(out)
    footnotes = part(out.getvalue(), "word/footnotes.xml").findall("w:footnote", NS)
    assert [n.get(W + "id") for n in footnotes] == ["-1", "0", "1"]


# -- watermark -------------------------------------------------------------------------


def header_parts(data: bytes) -> dict[str, str]:
    """Map each header reference type in the body's sections to its part name."""
    targets = {r.get("Id"): "word/" + r.get("Target")
               for r in rels(data, "word/_rels/document.xml.rels")}
    body = part(data, "word/document.xml")
    return {ref.get(W + "type"): targets[ref.get(q(NS, "r", "id"))]
            for ref in body.iterfind(".//w:sectPr/w:headerReference", NS)}


def shapes(header: etree._Element) -> list[etree._Element]:
    return [s for s in header.iterfind(".//v:shape", NS)
            if s.get("id", "").startswith("PowerPlusWaterMarkObject")]


def test_watermark_is_word_wordart_in_every_header_in_use(built):
    headers = header_parts(built)
    assert set(headers) == {"default", "first"}
    spids = []
    for name in headers.values():
        header = part(built, name)
        (shape,) = shapes(header)
        assert shape.get("type") == "#_x0000_t136"
        assert header.find(".//v:shapetype[@id='_x0000_t136']", NS) is not None
        assert shape.find("v:textpath", NS).get("string") == "DRAFT"
        style = dict(item.split(":", 1) for item in shape.get("style").split(";"))
        assert style["rotation"] == "315" and style["position"] == "absolute"
        assert int(style["z-index"]) < 0, "behind the text"
        assert style["mso-position-horizontal"] == style["mso-position-vertical"] == "center"
        assert style["mso-position-horizontal-relative"] == "margin"
        assert shape.get("fillcolor") == "#C0C0C0" and shape.get("stroked") == "f"
        assert float(shape.find("v:fill", NS).get("opacity")) == 0.5
        assert shape.find("w10:wrap", NS).get("anchorx") == "margin"
        spids.append(shape.get(q(NS, "o", "spid")))
    assert len(set(spids)) == len(spids), spids
    default = part(built, headers["default"])
    assert text(default.find("w:p", NS)) == "Running header", "header text is kept"


def test_watermark_replaces_rather_than_doubles():
    document = blank()
    add_watermark(document)
    add_watermark(document, "CONFIDENTIAL", "FF0000")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    (name,) = header_parts(data).values()
    header = part(data, name)
    (shape,) = shapes(header)
    assert shape.find("v:textpath", NS).get("string") == "CONFIDENTIAL"
    assert shape.get("fillcolor") == "#FF0000"
    assert len(header.findall(".//v:shapetype", NS)) == 1


def test_watermark_follows_sections_even_pages_and_inheritance():
    from docx.enum.section import WD_SECTION

    document = blank()
    document.add_paragraph("One")
    document.add_section(WD_SECTION.NEW_PAGE)  # linked to the first section's headers
    third = document.add_section(WD_SECTION.NEW_PAGE)
    third.header.is_linked_to_previous = False
    third.header.paragraphs[0].text = "Annex header"
    document.settings.odd_and_even_pages_header_footer = True
    add_watermark(document)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    body = part(data, "word/document.xml")
    sections = body.findall(".//w:sectPr", NS)
    assert len(sections) == 3
    assert sections[1].find("w:headerReference", NS) is None, "still inherits"
    targets = {r.get("Id"): "word/" + r.get("Target")
               for r in rels(data, "word/_rels/document.xml.rels")}
    marked = set()
    # The first section gets an even-page header; the third inherits it, so it gains none.
    for section, wanted in ((sections[0], {"default", "even"}), (sections[2], {"default"})):
        kinds = {ref.get(W + "type"): targets[ref.get(q(NS, "r", "id"))]
                 for ref in section.findall("w:headerReference", NS)}
        assert set(kinds) == wanted
        for name in kinds.values():
            assert len(shapes(part(data, name))) == 1, name
            marked.add(name)
    assert len(marked) == 3
    annex = part(data, targets[sections[2].find("w:headerReference[@w:type='default']", NS)
                                .get(q(NS, "r", "id"))])
    assert text(annex.find("w:p", NS)) == "Annex header"


def test_watermark_arguments_are_checked():
    with pytest.raises(ValueError, match="six hex digits"):
        add_watermark(blank(), colour="silver")
    with pytest.raises(ValueError, match="needs some text"):
        add_watermark(blank(), " ")


# -- other readers ---------------------------------------------------------------------


def test_pandoc_reads_two_real_notes(built, tmp_path):
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    path = tmp_path / "notes.docx"
    path.write_bytes(built)
    tree = json.loads(subprocess.run(["pandoc", "-f", "docx", "-t", "json", str(path)],
                                     capture_output=True, text=True, check=True).stdout)
    notes, links = [], []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Note":
                notes.append(node["c"])
            if node.get("t") == "Link":
                links.append(node["c"][2][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree["blocks"])
    assert len(notes) == 2
    assert [stringify(note).strip() for note in notes] == [NOTE_1, NOTE_2]
    assert '"t": "Emph"' in json.dumps(notes[1])
    assert links == [URL]


def stringify(node) -> str:
    """Return the text of a pandoc JSON node, as pandoc.utils.stringify does."""
    if isinstance(node, list):
        return "".join(stringify(item) for item in node)
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return node["c"]
        if node.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if node.get("t") == "Link":
            return stringify(node["c"][1])
        return stringify(node.get("c", []))
    return ""


def _ppm_pages(pdf: Path, dpi: int = 40) -> list[tuple[int, int, bytes]]:
    """Return each page of pdf rendered by pdftoppm as (width, height, RGB bytes)."""
    out = subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf)], capture_output=True,
                         check=True).stdout
    pages = []
    while out:
        magic, width, height, _, rest = out.split(maxsplit=4)
        assert magic == b"P6"
        size = int(width) * int(height) * 3
        pages.append((int(width), int(height), rest[:size]))
        out = rest[size:]
    return pages


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory) -> Path:
    """The two-page test document converted by LibreOffice, as PDF and as flat ODT."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "notes.docx"
    source.write_bytes(build(pages=2))
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    for kind in ("pdf", "fodt"):
        subprocess.run([soffice, profile, "--headless", "--convert-to", kind, "--outdir",
                        str(folder), str(source)], capture_output=True, timeout=300,
                       check=True)
    return folder


def test_libreoffice_puts_the_notes_at_the_foot_of_page_one(libreoffice):
    need("pdftotext")
    pages = subprocess.run(["pdftotext", "-layout", str(libreoffice / "notes.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout.split("\f")
    first = re.sub(r"\s+", " ", pages[0])
    assert len([p for p in pages if p.strip()]) >= 2
    assert "Pakistan and Russia met" in first
    assert f"1 {NOTE_1}" in first and f"2 {NOTE_2}" in first
    assert first.rindex(NOTE_1) > first.rindex("Filler"), "the notes sit below the text"
    assert NOTE_1 not in re.sub(r"\s+", " ", " ".join(pages[1:]))


def test_libreoffice_reads_the_watermark_as_a_background_fontwork(libreoffice):
    # LibreOffice draws Fontwork as outlines, so pdftotext never finds "DRAFT" in the PDF;
    # its own file format shows what it made of the shape instead.
    tree = etree.parse(str(libreoffice / "notes.fodt"))
    ns = {"draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
          "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0"}
    masters = tree.findall(".//style:master-page", ns)
    assert len(masters) == 2, "the default and the first-page headers"
    for master in masters:
        (shape,) = master.findall(".//draw:custom-shape", ns)
        assert " ".join("".join(shape.itertext()).split()) == "DRAFT"
        geometry = shape.find("draw:enhanced-geometry", ns)
        assert geometry.get(q(ns, "draw", "text-path")) == "true"
        assert "rotate (0.785" in shape.get(q(ns, "draw", "transform"))  # 45 degrees
        name = shape.get(q(ns, "draw", "style-name"))
        props = tree.find(f".//style:style[@style:name='{name}']/style:graphic-properties",
                          ns)
        looks = {etree.QName(key).localname: value for key, value in props.attrib.items()}
        assert looks["run-through"] == "background" and looks["opacity"] == "50%"
        assert looks["fill-color"].lower() == "#c0c0c0"


def test_libreoffice_draws_the_watermark_on_every_page(libreoffice):
    need("pdftoppm")
    pages = _ppm_pages(libreoffice / "notes.pdf")
    assert len(pages) >= 2
    for number, (width, height, rgb) in enumerate(pages, 1):
        # Silver at half opacity on white is #E0E0E0; text anti-aliasing alone gives ~0.4%.
        light = sum(1 for i in range(0, len(rgb), 3)
                    if 221 <= rgb[i] <= 227 and rgb[i] == rgb[i + 1] == rgb[i + 2])
        assert light > 0.02 * width * height, (number, light)
