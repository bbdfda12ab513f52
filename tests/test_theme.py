"""One theme, every format: a project's theme file and a profile's theme reach PDF and Word.

Colours are read back out of the rasterised PDF and out of the DOCX's styles.xml, fonts
with pdffonts, the margins out of w:pgMar and the PDF's text positions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, need
from lxml import etree

from briefgen.cli import main
from briefgen.theme import DEFAULTS, Margins, Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
# Colours no built-in look uses, so finding one proves the theme reached the output.
PROJECT = {"primary": "#7a1f5c", "accent": "#1f7a3c", "tint": "#fff1c9"}
THEME_YAML = ("primary: '#7a1f5c'\naccent: '#1f7a3c'\ntint: '#fff1c9'\nsans: Charis SIL\n"
              "margins: {top: 25, left: 30}\n")


def _project(write_doc, theme: str = THEME_YAML, profile: str | None = None,
             text: str = MINIMAL) -> Path:
    """Write a brief in a project whose templates folder holds theme (and a profile)."""
    path = write_doc(text)
    templates = path.parent / "templates"
    templates.mkdir()
    (templates / "theme.yaml").write_text(theme, encoding="utf-8")
    if profile is not None:
        (templates / "audiences").mkdir()
        (templates / "audiences" / "academic.yaml").write_text(
            f"label: Researchers\ntheme: {profile}\n", encoding="utf-8")
    return path


def _build(path: Path, out: Path, formats: str) -> None:
    assert main(["build", str(path), "--out", str(out), "--format", formats, "--quiet"]) == 0


def _styles(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as package:
        return etree.fromstring(package.read("word/styles.xml"))


def _style(styles: etree._Element, name: str) -> etree._Element:
    """Return the style called name, matched without regard to case as Word matches."""
    [style] = [style for style in styles.iterfind("w:style", NS)
               if (_attr(style, "w:name") or "").lower() == name.lower()]
    return style


def _attr(element: etree._Element, path: str, attr: str = "val") -> str | None:
    found = element.xpath(path, namespaces=NS)
    return found[0].get(f"{{{W}}}{attr}") if found else None


def _colours(pdf: Path, page: int = 1) -> set[str]:
    """Return the colours (#rrggbb) of page's pixels, rasterised by pdftoppm."""
    from PIL import Image

    stem = pdf.with_name(f"raster-{page}")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page), "-l",
                    str(page), str(pdf), str(stem)], check=True)
    with Image.open(stem.with_suffix(".png")) as image:
        pixels = image.convert("RGB").getcolors(1 << 20)
    return {"#" + bytes(rgb).hex() for _, rgb in pixels}


# -- The model --------------------------------------------------------------------------
def test_a_theme_takes_what_it_leaves_unset_from_the_one_below():
    project = Theme(primary="#111111", accent="#222222", margins=Margins(top=30))
    profile = Theme(primary="#333333", margins=Margins(left=5))
    merged = profile.over(project)
    assert (merged.primary, merged.accent, merged.tint) == ("#333333", "#222222", None)
    assert (merged.margins.top, merged.margins.left, merged.margins.right) == (30, 5, None)
    resolved = merged.resolved()
    assert resolved.tint == DEFAULTS.tint and resolved.margins.right == DEFAULTS.margins.right
    assert merged.margins_mm() == (30, DEFAULTS.margins.right, DEFAULTS.margins.bottom, 5)


def test_the_built_in_theme_is_the_stylesheet_s_look():
    css = (ROOT / "templates" / "css" / "brief.css").read_text(encoding="utf-8")
    root = dict(re.findall(r"--(\w+):\s*([^;]+);", css.split("}", 1)[0]))
    for name in ("ink", "muted", "primary", "accent", "tint", "rule"):
        assert root[name].lower() == getattr(DEFAULTS, name), name
    assert root["serif"].startswith(f'"{DEFAULTS.serif}"') and f'"{DEFAULTS.sans}"' in root["sans"]
    assert root["size"] == f"{DEFAULTS.size:g}pt"
    assert "margin:" not in css.split("@page", 1)[1].split("}", 1)[0]  # only the theme's
    assert "@page { margin: 17mm 18mm 15mm 18mm;" in DEFAULTS.css()
    assert Theme().css().startswith("@media print { @page { margin: 17mm 18mm 15mm 18mm;")


# -- A project's theme file, in the PDF and in Word --------------------------------------
def test_a_project_theme_reaches_the_pdf_and_the_docx(write_doc, tmp_path):
    need("pdftoppm")
    need("pdffonts")
    out = tmp_path / "out"
    _build(_project(write_doc), out, "pdf,docx")
    [pdf] = out.rglob("*.pdf")
    [docx] = out.rglob("*.docx")

    colours = _colours(pdf)
    for name, value in PROJECT.items():  # title and headings, rules, the box's background
        assert value in colours, (name, value)
    assert DEFAULTS.primary not in colours and DEFAULTS.tint not in colours
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "Charis" in fonts and "Inter" not in fonts, fonts  # the theme's sans: Charis SIL

    styles = _styles(docx)
    heading = _style(styles, "Heading 1")
    assert _attr(heading, "w:rPr/w:color") == "7A1F5C"
    assert _attr(heading, "w:rPr/w:rFonts", "ascii") == "Charis SIL"
    box = _style(styles, "Box Title")
    assert _attr(box, "w:pPr/w:shd", "fill") == "FFF1C9"
    assert _attr(box, "w:pPr/w:pBdr/w:left", "color") == "1F7A3C"
    assert _attr(box, "w:rPr/w:color") == "1F7A3C"
    assert _attr(_style(styles, "Box Bullet"), "w:pPr/w:shd", "fill") == "FFF1C9"
    table = _style(styles, "Brief Table")
    assert _attr(table, "w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", "fill") == "7A1F5C"
    assert _attr(_style(styles, "Priority High"), "w:rPr/w:shd", "fill") == "1F7A3C"
    assert "14395C" not in etree.tostring(styles).decode().upper()  # no built-in primary

    # The margins: 25 mm top and 30 mm left, the rest built-in, in Word and in the PDF.
    with zipfile.ZipFile(docx) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    margins = body.xpath("//w:sectPr/w:pgMar", namespaces=NS)[0]
    twips = {side: int(margins.get(f"{{{W}}}{side}")) for side in ("top", "left", "right")}
    assert twips == {side: round(mm / 25.4 * 1440)
                     for side, mm in (("top", 25), ("left", 30), ("right", 18))}, twips
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox))
    assert abs(left - 30 / 25.4 * 72) < 1.5, left


def test_a_profile_theme_goes_over_the_project_s(write_doc, tmp_path):
    out = tmp_path / "out"
    _build(_project(write_doc, profile='{primary: "#5c3a00", serif: "Inter"}'), out, "docx")
    styles = _styles(next(out.rglob("*.docx")))
    assert _attr(_style(styles, "Heading 1"), "w:rPr/w:color") == "5C3A00"  # the profile's
    assert _attr(_style(styles, "Box Title"), "w:pPr/w:shd", "fill") == "FFF1C9"  # project's
    assert _attr(_style(styles, "Body Text"), "w:rPr/w:rFonts", "ascii") == "Inter"
    assert _attr(_style(styles, "Heading 1"), "w:rPr/w:rFonts", "ascii") == "Charis SIL"


def test_the_public_edition_s_colours_are_in_its_word_styles_and_boxes(write_doc, tmp_path):
    out = tmp_path / "out"
    _build(write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [public]")), out,
           "docx")
    styles = _styles(next(out.rglob("*.docx")))
    assert _attr(_style(styles, "Heading 1"), "w:rPr/w:color") == "1D5C4D"
    assert _attr(_style(styles, "Title"), "w:rPr/w:color") == "1D5C4D"
    for name in ("Box Title", "Box Bullet"):
        assert _attr(_style(styles, name), "w:pPr/w:shd", "fill") == "EEF5F2"
        assert _attr(_style(styles, name), "w:pPr/w:pBdr/w:left", "color") == "D1603D"
    table = _style(styles, "Brief Table")
    assert _attr(table, "w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", "fill") == "1D5C4D"


def test_a_user_reference_keeps_what_the_theme_does_not_say(write_doc, tmp_path):
    import docx
    from docx.shared import Pt, RGBColor

    path = _project(write_doc, theme="primary: '#7a1f5c'\ntint: '#fff1c9'\n")
    (path.parent / "templates" / "docx").mkdir()
    reference = path.parent / "templates" / "docx" / "reference.docx"
    shutil.copy(ROOT / "templates" / "docx" / "reference.docx", reference)
    document = docx.Document(str(reference))
    document.styles["Heading 1"].font.size = Pt(20)
    document.styles["Box Title"].font.color.rgb = RGBColor.from_string("00AA00")
    document.sections[0].left_margin = docx.shared.Mm(40)
    document.save(str(reference))

    out = tmp_path / "out"
    _build(path, out, "docx")
    docx_path = next(out.rglob("*.docx"))
    styles = _styles(docx_path)
    heading = _style(styles, "Heading 1")
    assert _attr(heading, "w:rPr/w:color") == "7A1F5C"  # the theme says primary
    assert _attr(heading, "w:rPr/w:sz") == "40"  # and nothing about sizes
    box = _style(styles, "Box Title")
    assert _attr(box, "w:rPr/w:color") == "00AA00"  # nor accent
    assert _attr(box, "w:pPr/w:shd", "fill") == "FFF1C9"  # but tint
    rule = box.find("w:pPr/w:pBdr/w:left", NS)  # the reference's rule, as it was
    assert [rule.get(f"{{{W}}}{key}") for key in ("color", "sz", "space")] == ["B4462B", "24", "6"]
    left = docx.Document(str(docx_path)).sections[0].left_margin
    assert abs(left - docx.shared.Mm(40)) <= 635, left  # to the twip Word stores


# -- A wrong theme file ------------------------------------------------------------------
def test_a_wrong_theme_file_is_a_located_usage_error(write_doc, tmp_path, capsys):
    path = _project(write_doc, theme="primary: '#7a1f5c'\naccent: red\nmargin: {top: 3}\n")
    code = main(["build", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    theme = path.parent / "templates" / "theme.yaml"
    assert code == 2, err
    assert f"{theme}:2:9: accent:" in err, err
    assert f"{theme}:3:1: " in err and "margin" in err, err
    assert "Traceback" not in err and not list((tmp_path / "out").rglob("*.*"))


def test_the_readme_shows_the_built_in_theme():
    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Themes", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    assert Theme.model_validate(yaml.safe_load(example)) == DEFAULTS


@pytest.mark.parametrize("first_page_header", [False, True])
def test_one_setting_puts_the_running_header_on_page_one_in_both(
        first_page_header, write_doc, tmp_path):
    need("pdftotext")
    theme = f"first_page_header: {str(first_page_header).lower()}\n"
    out = tmp_path / "out"
    _build(_project(write_doc, theme=theme), out, "pdf,docx")
    page_one = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(next(out.rglob("*.pdf"))),
                               "-"], capture_output=True, text=True, check=True).stdout
    # The running header (the title) comes first in the text, above the date line.
    assert page_one.startswith("A small brief\n") is first_page_header, page_one[:80]
    with zipfile.ZipFile(next(out.rglob("*.docx"))) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    title_page = body.xpath("//w:sectPr/w:titlePg", namespaces=NS)  # page one's own header
    own_header = bool(title_page) and _attr(body, "//w:sectPr/w:titlePg") not in ("0", "false")
    assert own_header is not first_page_header


def test_a_theme_file_of_comments_only_is_the_built_in_look(write_doc, tmp_path):
    out = tmp_path / "out"
    _build(_project(write_doc, theme="# our colours, later\n"), out, "html")
    html = next(out.rglob("*.html")).read_text(encoding="utf-8")
    assert Theme().css() in html and ":root { --" not in html  # brief.css's :root only


def test_a_copy_of_the_built_in_reference_is_the_built_in_one(write_doc, tmp_path):
    """A project holding the built-in reference.docx unchanged (this repository's own
    templates/ does, beside the installed package's) gets the whole theme in Word."""
    import shutil

    from briefgen.paths import builtin_dir

    plain = write_doc(MINIMAL, folder="plain")
    copied = write_doc(MINIMAL, folder="copied")
    (copied.parent / "templates" / "docx").mkdir(parents=True)
    shutil.copy(builtin_dir() / "docx" / "reference.docx",
                copied.parent / "templates" / "docx" / "reference.docx")
    _build(plain, tmp_path / "out-plain", "docx")
    _build(copied, tmp_path / "out-copied", "docx")
    plain_docx, copied_docx = (sorted((tmp_path / name).rglob("*.docx"))
                               for name in ("out-plain", "out-copied"))
    assert plain_docx and len(plain_docx) == len(copied_docx)
    for first, second in zip(plain_docx, copied_docx, strict=True):
        assert etree.tostring(_styles(first)) == etree.tostring(_styles(second))
        defaults = "w:docDefaults/w:rPrDefault/w:rPr/w:rFonts"  # the theme's, not a slot
        assert _attr(_styles(second), defaults, "ascii") == "Charis SIL"
