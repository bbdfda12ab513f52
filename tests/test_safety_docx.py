"""Labels, reference documents and template HTML a user gets wrong: usage errors, not crashes.

Each test here failed (an internal error, a silent drop, or no error at all) before the
checks in briefgen/labels.py and the Word writer (render_docx.py, docx_*.py).
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MINIMAL
from PIL import Image

from briefgen.cli import main
from briefgen.content import load
from briefgen.errors import UsageError
from briefgen.labels import load_labels, missing_labels
from briefgen.render_docx import open_reference, render_docx
from briefgen.templates import TemplateSet, builtin_dir
from briefgen.view import build_view

BUILTIN_REFERENCE = builtin_dir() / "docx" / "reference.docx"


# -- helpers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory):
    """The academic view of the minimal brief, with a title longer than Word's 255."""
    path = tmp_path_factory.mktemp("doc") / "brief.yaml"
    path.write_text(MINIMAL.replace('"A small brief"', '"' + "Long title " * 30 + '"'),
                    encoding="utf-8")
    templates = TemplateSet()
    doc = load(path, list(templates.audiences))
    return build_view(doc, templates.audience("academic"), load_labels(templates, "en"))


def render(view, body: str, reference: Path = BUILTIN_REFERENCE) -> docx.document.Document:
    """Render a page whose body is body and reopen the DOCX."""
    data = render_docx(f"<html><body>{body}</body></html>", view, reference)
    return docx.Document(io.BytesIO(data))


def rezip(tmp_path: Path, changes: dict[str, bytes | None], source: Path = BUILTIN_REFERENCE,
          name: str = "reference.docx") -> Path:
    """Write a copy of the zip source with some entries replaced (None: removed) or added."""
    out = tmp_path / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            if entry.filename not in changes:
                new.writestr(entry, old.read(entry))
        for part, data in changes.items():
            if data is not None:
                new.writestr(part, data)
    return out


def part(name: str, source: Path = BUILTIN_REFERENCE) -> bytes:
    with zipfile.ZipFile(source) as package:
        return package.read(name)


def png(size: tuple[int, int] = (40, 20), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG", **save)
    return out.getvalue()


def data_uri(data: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


# -- labels ------------------------------------------------------------------------------


def write_labels(tmp_path: Path, text: str, language: str = "en") -> TemplateSet:
    folder = tmp_path / "templates"
    (folder / "labels").mkdir(parents=True, exist_ok=True)
    (folder / "labels" / f"{language}.yaml").write_text(text, encoding="utf-8")
    return TemplateSet((folder,))


def test_a_short_labels_file_replaces_only_its_keys(tmp_path):
    labels = load_labels(write_labels(tmp_path, "summary: In brief\nkey_messages: Points\n"),
                         "en")
    assert labels["summary"] == "In brief" and labels["key_messages"] == "Points"
    assert labels["references"] == "References" and labels["draft"] == "DRAFT"


def test_a_language_file_lies_over_english(tmp_path):
    labels = load_labels(write_labels(tmp_path, "contents: Sommaire\n", "fr"), "fr-CA")
    assert labels["contents"] == "Sommaire" and labels["figure"] == "Figure"


def test_wrong_labels_are_located_usage_errors(tmp_path):
    templates = write_labels(tmp_path, "months: Jan Feb Mar\nsumary: Summary\npage: 3\n"
                                       "of: no\ndraft: ''\n"
                                       "pages_count: {one: page, several: pages}\n")
    with pytest.raises(UsageError) as caught:
        load_labels(templates, "en")
    text = str(caught.value)
    path = tmp_path / "templates" / "labels" / "en.yaml"
    assert f"{path}:1:1: months: month names are no longer labels" in text
    assert f"{path}:2:1: sumary: unknown label 'sumary'; did you mean 'summary'?" in text
    assert f"{path}:3:7: page: expected text, got 3" in text
    assert f"{path}:4:5: of: expected text, got False" in text
    assert f"{path}:5:8: draft: the DRAFT watermark needs some text" in text
    assert f"{path}:6:26: pages_count.several: unknown plural category 'several'" in text
    assert "pages_count: a plural label needs the category 'other'" in text


def test_labels_that_are_not_a_mapping_or_not_text(tmp_path):
    with pytest.raises(UsageError, match=r"en\.yaml:1:1: expected a mapping of labels"):
        load_labels(write_labels(tmp_path, "- a list\n"), "en")
    with pytest.raises(UsageError, match=r"en\.yaml:1:10: summary: expected text, got b'"):
        load_labels(write_labels(tmp_path, "summary: !!binary aGVsbG8=\n"), "en")
    assert load_labels(write_labels(tmp_path, "# nothing yet\n"), "en")["summary"] == (
        "Executive summary")


def test_validate_exits_2_on_a_months_label(tmp_path, capsys):
    content = tmp_path / "content" / "brief.yaml"
    content.parent.mkdir()
    content.write_text(MINIMAL, encoding="utf-8")
    write_labels(tmp_path, "months: January February\n")
    assert main(["validate", str(content)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'templates' / 'labels' / 'en.yaml'}:1:1: months:" in err
    assert "internal error" not in err


def test_a_language_without_labels_is_a_warning_not_an_error(tmp_path):
    templates = write_labels(tmp_path, "contents: Sommaire\n", "fr")
    assert missing_labels(templates, "en-GB") is None
    assert missing_labels(templates, "fr-CA") is None
    warning = missing_labels(templates, "de")
    assert warning and "labels/de.yaml" in warning and "English" in warning
    assert load_labels(templates, "de")["contents"] == "Contents"


# -- the reference document ---------------------------------------------------------------


def test_the_builtin_reference_passes_the_checks():
    assert "Brief Table" in {s.name for s in open_reference(BUILTIN_REFERENCE).styles}


def test_a_reference_that_is_not_a_zip(tmp_path):
    path = tmp_path / "reference.docx"
    path.write_text("not a Word file", encoding="utf-8")
    with pytest.raises(UsageError, match=rf"{re.escape(str(path))}: not a zip file"):
        open_reference(path)


def test_a_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "reference.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("hello.txt", "hello")
    with pytest.raises(UsageError, match="not a Word document"):
        open_reference(path)


def test_a_zip_bomb_is_refused_from_the_directory(tmp_path):
    # 60 MB of zeros deflate to 60 kB: one part over the per-part limit...
    big = rezip(tmp_path, {"word/media/big.bin": bytes(60_000_000)}, name="one.docx")
    assert big.stat().st_size < 1_000_000
    with pytest.raises(UsageError, match=r"part word/media/big\.bin inflates to 60,000,000"):
        open_reference(big)
    # ...and parts each under it that add up to more than the total allowed.
    many = rezip(tmp_path, {f"word/media/{i}.bin": bytes(15_000_000) for i in range(4)},
                 name="many.docx")
    with pytest.raises(UsageError, match=r"its parts inflate to 60,8\d\d,\d\d\d bytes"):
        open_reference(many)


def test_a_part_with_a_dtd_is_refused(tmp_path):
    styles = part("word/styles.xml")
    declaration = b'<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
    evil = re.sub(rb"^(<\?xml[^>]*\?>\s*)", lambda m: m.group(1) + declaration, styles)
    assert b"<!DOCTYPE" in evil
    path = rezip(tmp_path, {"word/styles.xml": evil})
    with pytest.raises(UsageError, match=r"part word/styles\.xml declares a DTD \(<!DOCTYPE"):
        open_reference(path)


def test_a_part_that_is_not_xml(tmp_path):
    path = rezip(tmp_path, {"word/settings.xml": b"<?xml version='1.0'?><!-- unclosed"})
    with pytest.raises(UsageError, match=r"part word/settings\.xml is not well-formed XML"):
        open_reference(path)
    # Past the prolog, python-docx's own parser finds it; still a usage error.
    path = rezip(tmp_path, {"word/settings.xml": b"<w:settings><unclosed>"})
    with pytest.raises(UsageError, match=r"reference\.docx: not a Word document "
                                         r"\(XMLSyntaxError"):
        open_reference(path)


def test_a_reference_lacking_normal_a_default_run_and_a_section_renders(tmp_path, view):
    styles = part("word/styles.xml")
    styles = re.sub(rb"<w:rPrDefault>.*?</w:rPrDefault>", b"<w:rPrDefault/>", styles, flags=re.S)
    # No Normal at all, nor Footnote Text, which docx_footnotes adds (on Normal, if any), nor
    # one of the styles the contract names (docx_styles), which the writer adds.
    for style_id in (b"Normal", b"FootnoteText", b"BoxTitle"):
        styles = re.sub(rb'<w:style [^>]*w:styleId="' + style_id + rb'">.*?</w:style>', b"",
                        styles, count=1, flags=re.S)
    document = re.sub(rb"<w:sectPr.*?</w:sectPr>", b"", part("word/document.xml"), flags=re.S)
    path = rezip(tmp_path, {"word/styles.xml": styles, "word/document.xml": document})
    data = render_docx('<html><body><p data-docx="Box Title">Text</p>'
                       '<div data-docx="header">Head</div>'
                       '<p>x<span data-docx="footnote">A note.</span></p></body></html>',
                       view, path)
    out = docx.Document(io.BytesIO(data))
    assert [p.style.name for p in out.paragraphs[:1]] == ["Box Title"]
    assert out.sections[0].header.paragraphs[0].text == "Head"
    assert "Footnote Text" in {s.name for s in out.styles}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"A note." in package.read("word/footnotes.xml")


def test_a_reference_with_odd_footnote_ids_renders(tmp_path, view):
    # A reference saved from a briefgen DOCX carries a footnotes part; spoil one note's id.
    first = tmp_path / "first.docx"
    first.write_bytes(render_docx('<html><body><p>x<span data-docx="footnote">Old.</span>'
                                  "</p></body></html>", view, BUILTIN_REFERENCE))
    notes = part("word/footnotes.xml", first).replace(b'w:id="-1"', b'w:id="minus one"')
    path = rezip(tmp_path, {"word/footnotes.xml": notes}, source=first)
    out = tmp_path / "out.docx"
    out.write_bytes(render_docx('<html><body><p>y<span data-docx="footnote">New.</span>'
                                "</p></body></html>", view, path))
    notes = part("word/footnotes.xml", out)
    assert b"New." in notes and b"Old." not in notes and b"minus one" not in notes
    assert notes.count(b"<w:separator/>") == 1
    assert docx.Document(str(out)).paragraphs[0].text == "y"


def test_a_bad_reference_stops_the_build_with_exit_2(tmp_path, capsys):
    content = tmp_path / "content" / "brief.yaml"
    content.parent.mkdir()
    content.write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "templates" / "docx").mkdir(parents=True)
    (tmp_path / "templates" / "docx" / "reference.docx").write_text("no", encoding="utf-8")
    out = tmp_path / "build"
    assert main(["build", str(content), "--out", str(out), "--format", "docx", "-q"]) == 2
    err = capsys.readouterr().err
    assert "reference.docx: not a zip file" in err and "internal error" not in err
    assert not any(out.rglob("*.docx"))


# -- what the HTML of a user's templates may hold -----------------------------------------


def test_characters_xml_cannot_hold_are_replaced(view):
    out = render(view, "<p>a\x01b &#11; c</p>")
    assert out.paragraphs[0].text == "a\ufffdb \ufffd c"


def test_long_core_properties_are_cut_to_what_word_allows(view):
    out = render(view, "<p>x</p>")
    title = out.core_properties.title
    assert len(title) == 255 and title.startswith("Long title Long title") and title[-1] == "…"


def test_an_image_of_zero_density_gets_a_size(view):
    # A pHYs of 1 pixel per metre: python-docx rounds that to 0 dpi and divides by it.
    out = render(view, f'<img src="{data_uri(png(dpi=(0.0254, 0.0254)))}" alt="Red">')
    shape = out.inline_shapes[0]
    assert shape.width > 0 and shape.height * 2 == pytest.approx(shape.width, abs=2)


def test_a_jpeg_without_jfif_is_reencoded(view):
    out_jpeg = io.BytesIO()
    Image.new("RGB", (30, 30), "blue").save(out_jpeg, "JPEG")
    raw = out_jpeg.getvalue()
    app0 = raw.index(b"\xff\xe0")
    bare = raw[:app0] + raw[app0 + 2 + int.from_bytes(raw[app0 + 2:app0 + 4], "big"):]
    assert b"JFIF" not in bare and Image.open(io.BytesIO(bare)).size == (30, 30)
    out = render(view, f'<p><img src="{data_uri(bare, "jpeg")}" alt="Blue"></p>')
    assert len(out.inline_shapes) == 1


@pytest.mark.parametrize(("img", "message"), [
    ('<img src="data:image/png;base64,@@@@" alt="A">',
     r'<img src="data:image/png;base64,@@@@" alt="A"> in the HTML of your templates: '
     r"the data: URI is not valid base64"),
    (f'<img src="{data_uri(b"plain words")}">', r"holds no PNG or JPEG image"),
    ('<img src="file:///etc/hostname" alt="B">',
     r'<img src="file:///etc/hostname" alt="B">.*must be a PNG or JPEG embedded as a data'),
    ('<img src="https://example.org/a.png">', r"must be a PNG or JPEG embedded"),
    ('<img class="chart" data-chart="7" src="x">', r"data-chart names no chart"),
])
def test_bad_images_in_templates_are_usage_errors(view, img, message):
    with pytest.raises(UsageError, match=message):
        render(view, f"<figure>{img}</figure>")


def test_only_page_number_fields_may_be_made(view):
    out = render(view, '<div data-docx="footer"><span data-field="numpages">1</span></div>')
    codes = out.sections[0].footer._element.xpath(".//w:instrText/text()")
    assert [c.strip() for c in codes] == ["NUMPAGES"]
    with pytest.raises(UsageError, match=r'<span data-field="INCLUDEPICTURE http://x/a\.png">'):
        render(view, '<p><span data-field="INCLUDEPICTURE http://x/a.png">1</span></p>')


@pytest.mark.parametrize("body", [
    '<div data-docx="header">H<span data-docx="footnote">note</span></div>',
    '<p>x<span data-docx="footnote">a<span data-docx="footnote">b</span></span></p>',
])
def test_a_footnote_outside_the_body_is_a_usage_error(view, body):
    with pytest.raises(UsageError, match="a footnote can only be called from the body text"):
        render(view, body)


def test_style_names_are_matched_without_case_and_by_kind(view):
    out = render(view, '<p data-docx="heading 1">One</p><p data-docx="HEADING 1">Two</p>'
                       '<table data-docx="Body Text"><tr><td>cell</td></tr></table>')
    assert [p.style.name for p in out.paragraphs] == ["Heading 1", "Heading 1"]
    assert out.tables[0].cell(0, 0).text == "cell"
    # A name neither the contract nor the reference document knows is a template error,
    # shown XML-safe (docx_contract), never a new style made up on the spot.
    with pytest.raises(UsageError, match='data-docx="Odd\ufffdName" is not a Word style'):
        render(view, '<p data-docx="Odd\x02Name">Three</p>')


@pytest.mark.parametrize("page", ["", "  \n", "<html><head><title>t</title></head></html>"])
def test_a_page_without_a_body_is_a_usage_error(view, page):
    with pytest.raises(UsageError, match="the page your templates made has no <body>"):
        render_docx(page, view, BUILTIN_REFERENCE)
