"""The bundled fonts travel inside the DOCX: subset, obfuscated, found by LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, need
from fontTools.ttLib import TTFont
from lxml import etree

from briefgen.content import load
from briefgen.docx_fonts import OBFUSCATED, families, font_key, obfuscate
from briefgen.render import render_outputs
from briefgen.templates import TemplateSet

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ARABIC_TERM = "Pakistan's national language is Urdu (اردو)."


def docx_of(path: Path, templates: TemplateSet | None = None) -> bytes:
    templates = templates or TemplateSet()
    doc = load(path, list(templates.audiences))
    return render_outputs(doc, "academic", ["docx"], templates, epoch=1700000000)["docx"].data


def embedded(data: bytes) -> dict[tuple[str, str], TTFont]:
    """Each embedded face of a DOCX, {(family, face): the font, de-obfuscated}."""
    package = zipfile.ZipFile(io.BytesIO(data))
    types = etree.fromstring(package.read("[Content_Types].xml"))
    content_types = {o.get("PartName"): o.get("ContentType") for o in types}
    rels = etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{PR}Relationship")}
    faces = {}
    for font in etree.fromstring(package.read("word/fontTable.xml")).iter(f"{W}font"):
        for embed in font:
            if not embed.tag.startswith(f"{W}embed"):
                continue
            target = targets[embed.get(f"{R}id")]
            assert content_types[f"/word/{target}"] == OBFUSCATED
            data = obfuscate(package.read(f"word/{target}"), embed.get(f"{W}fontKey"))
            faces[font.get(f"{W}name"), embed.tag[len(W) + 5:]] = TTFont(io.BytesIO(data))
    return faces


def test_obfuscation_follows_the_specification():
    """ECMA-376 17.8.1: key bytes from the GUID's last hex pair to its first."""
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    data = bytes(40)
    hidden = obfuscate(data, key)
    assert hidden[0] == hidden[16] == 0xFF and hidden[15] == hidden[31] == 0x00
    assert hidden[1] == 0xEE and hidden[32:] == data[32:]
    assert obfuscate(hidden, key) == data
    assert font_key(b"x") == font_key(b"x") != font_key(b"y")


def test_the_fonts_the_styles_use_are_embedded_truetype_and_subset(write_doc):
    data = docx_of(write_doc(MINIMAL))
    faces = embedded(data)
    assert set(faces) == {("Charis SIL", "Regular"), ("Charis SIL", "Bold"),
                          ("Charis SIL", "Italic"), ("Charis SIL", "BoldItalic"),
                          ("Inter", "Regular"), ("Inter", "Bold"), ("Inter", "Italic")}
    text = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for (family, _), font in faces.items():
        assert "glyf" in font and "CFF " not in font  # Word embeds TrueType outlines
        assert font["name"].getBestFamilyName() == family
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in "A small brief 0123456789-.,")
        assert len(cmap) < 500  # a subset (Latin-1, Latin Extended-A, Cyrillic), not the face
    for (family, face), font in faces.items():  # the face's own date, never the build's
        source = TTFont(ROOT / "templates" / families(TemplateSet(()))[family][face])
        assert font["head"].modified == source["head"].modified
    assert "Noto Naskh Arabic" not in {family for family, _ in faces}
    assert "<w:t>A small brief</w:t>" in text


def test_arabic_script_brings_its_font(write_doc):
    text = MINIMAL.replace("History body.", ARABIC_TERM)
    faces = embedded(docx_of(write_doc(text)))
    assert ("Noto Naskh Arabic", "Regular") in faces
    assert 0x0627 in faces["Noto Naskh Arabic", "Regular"].getBestCmap()  # alef


def test_same_input_same_bytes(write_doc):
    path = write_doc(MINIMAL)
    assert docx_of(path) == docx_of(path)


def test_a_projects_own_fonts_folder_is_used(write_doc, tmp_path):
    """The faces are read from the first template folder that has them."""
    own = tmp_path / "templates"
    (own / "fonts").mkdir(parents=True)
    # A project whose sans is another face, under the name the styles use.
    shutil.copy(ROOT / "templates" / "fonts" / "CharisSIL-Regular.ttf",
                own / "fonts" / "Inter-Regular.otf")
    faces = embedded(docx_of(write_doc(MINIMAL), TemplateSet((own,))))
    assert faces["Inter", "Regular"]["name"].getBestFamilyName() == "Charis SIL"
    assert faces["Inter", "Bold"]["name"].getBestFamilyName() == "Inter"


def test_libreoffice_sets_the_document_in_the_embedded_fonts(write_doc, tmp_path):
    need("pdffonts")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    installed = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    if "Charis SIL" in installed or "Inter" in installed:
        pytest.skip("the bundled fonts are installed here: the test needs a machine without")
    source = tmp_path / "brief.docx"
    # Arabic script, a number range (typography's word joiner, which LibreOffice then sets
    # as complex script) and bullets (once Symbol's): every glyph from a bundled face.
    text = MINIMAL.replace("History body.", f"{ARABIC_TERM} Trade rose in 1991–2008.\n\n"
                                            "- one point\n- another point")
    source.write_bytes(docx_of(write_doc(text)))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], capture_output=True, timeout=300, check=True)
    report = subprocess.run(["pdffonts", str(tmp_path / "brief.pdf")], capture_output=True,
                            text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in report.splitlines()[2:]}
    assert {"CharisSIL", "Inter-Regular", "Inter-Bold", "NotoNaskhArabic-Regular"} <= fonts
    assert fonts <= {"CharisSIL", "CharisSIL-Bold", "CharisSIL-Italic", "CharisSIL-BoldItalic",
                     "Inter-Regular", "Inter-Bold", "Inter-Italic",
                     "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"}, fonts


def test_a_file_that_is_no_font_is_a_usage_error_naming_it(write_doc, tmp_path):
    from briefgen.errors import UsageError

    own = tmp_path / "templates"
    (own / "fonts").mkdir(parents=True)
    (own / "fonts" / "Inter-Bold.otf").write_bytes(b"not a font at all" * 10)
    with pytest.raises(UsageError, match=r"Inter-Bold\.otf is not a font"):
        docx_of(write_doc(MINIMAL), TemplateSet((own,)))
