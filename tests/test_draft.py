"""`status: draft` puts a DRAFT watermark on every page of the PDF and the Word file."""

from __future__ import annotations

import subprocess

import docx
from conftest import MINIMAL, ROOT, need
from PIL import Image

from briefgen.pipeline import build


def built(write_doc, tmp_path, status: str) -> dict[str, object]:
    text = MINIMAL.replace("  date: 2025-06-01", f"  date: 2025-06-01\n  status: {status}")
    path = write_doc(text, name=f"{status}.yaml")
    written = build([path], out=tmp_path / status, formats=["pdf", "docx"])
    return {item.job.format: item.job.path for item in written}


def ink(png) -> int:
    """Count the pixels that are not white in the middle third of a page image."""
    image = Image.open(png).convert("L")
    width, height = image.size
    middle = image.crop((width // 3, height // 3, 2 * width // 3, 2 * height // 3))
    return sum(1 for value in middle.tobytes() if value < 245)


def test_draft_pdf_pages_carry_the_watermark(write_doc, tmp_path):
    need("pdftoppm")
    counts = {}
    for status in ("final", "draft"):
        pdf = built(write_doc, tmp_path, status)["pdf"]
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / status)],
                       check=True)
        counts[status] = [ink(png) for png in sorted(tmp_path.glob(f"{status}-*.png"))]
    assert counts["draft"] and counts["final"]
    # Every page of the draft has the diagonal word where the final has white paper.
    assert min(counts["draft"]) > max(counts["final"]) + 200, counts


def test_draft_docx_has_words_own_watermark(write_doc, tmp_path):
    document = docx.Document(str(built(write_doc, tmp_path, "draft")["docx"]))
    section = document.sections[0]
    for header in (section.header, section.first_page_header):
        words = header._element.xpath(".//*[local-name()='textpath']/@string")
        assert words == ["DRAFT"]
    final = docx.Document(str(built(write_doc, tmp_path, "final")["docx"]))
    assert not final.sections[0].header._element.xpath(".//*[local-name()='textpath']")


def test_a_watermark_in_a_script_with_composite_glyphs_is_drawn():
    """Urdu's "draft" has a letter Noto Naskh builds from components (heh): drawn, not a
    crash (found by test_properties: an Urdu draft brief)."""
    import yaml

    from briefgen.watermark import watermark_svg

    word = yaml.safe_load((ROOT / "templates" / "labels" / "ur.yaml").read_text())["draft"]
    svg = watermark_svg(word)
    path = svg.split(' d="', 1)[1].split('"', 1)[0]
    assert path.count("M") >= len(word)  # an outline for every letter


def test_a_right_to_left_watermark_is_joined_and_set_right_to_left():
    """Urdu's "draft" (مسودہ) is drawn as a reader writes it: its first letter, meem, in the
    form that joins the next (U+FEE3, initial) and rightmost; heh goal leftmost."""
    import yaml
    from fontTools.ttLib import TTFont

    from briefgen.watermark import _shaped

    word = yaml.safe_load((ROOT / "templates" / "labels" / "ur.yaml").read_text())["draft"]
    assert word == "مسودہ"
    glyphs, _ = _shaped(word)
    naskh = TTFont(ROOT / "templates" / "fonts" / "NotoNaskhArabic-Bold.ttf")
    initial_meem = naskh.getBestCmap()[0xFEE3]
    by_x = [name for _, name, _, _ in sorted(glyphs, key=lambda g: g[2])]
    assert by_x[-1] == initial_meem, by_x
    assert by_x[0] == naskh.getBestCmap()[ord("ہ")]
    assert naskh.getBestCmap()[ord("م")] not in by_x  # no letter left in its isolated form


def test_a_latin_watermark_is_kerned():
    """Inter's kerning is applied ("AV", "VA", "TA" closer), as a browser would set them."""
    from fontTools.ttLib import TTFont

    from briefgen.watermark import _shaped

    _, width = _shaped("AVATAR")
    inter = TTFont(ROOT / "templates" / "fonts" / "Inter-Bold.otf")
    scale = 1000 / inter["head"].unitsPerEm
    plain = sum(inter["hmtx"][inter.getBestCmap()[ord(c)]][0] * scale for c in "AVATAR")
    assert width < plain - 100, (width, plain)
