"""The HTML page's web fonts: which faces, which characters, which script, same bytes."""

from __future__ import annotations

import base64
import io
import re

import pytest
from conftest import EXAMPLE

from briefgen import fontfaces, webfonts
from briefgen.templates import TemplateSet


@pytest.fixture(scope="module")
def fonts():
    """The bundled faces of fonts.css and the code points each draws."""
    templates = TemplateSet(())
    faces = fontfaces.faces_of(templates)
    covers = {face: fontfaces.cmap(templates.read(face.file), face.file) for face in faces}
    return faces, covers


def drawn(fonts, body: str, style: str = "") -> dict[str, str]:
    """Return {font file: characters} a page with body and style draws in each face."""
    faces, covers = fonts
    page = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    used = webfonts.used_text(page, faces, covers)
    return {face.file.removeprefix("fonts/"): "".join(sorted(chars))
            for face, chars in used.items()}


def test_fonts_css_gives_the_arabic_face_arabic_only(fonts):
    faces, _ = fonts
    arabic = [face for face in faces if face.family == "Noto Naskh Arabic"]
    assert len(arabic) == 2 and len(faces) == 10
    for face in arabic:
        assert face.allows("\u062f") and face.allows("\u200c")
        assert not any(face.allows(c) for c in ":,.;0123456789 ()–")


def test_latin_punctuation_and_digits_never_come_from_the_arabic_face(fonts):
    text = "<p>Urdu \u062f\u0648\u0633\u062a\u06cc, 12: (dosti).</p>"
    charis_first = drawn(fonts, text, "p { font-family: 'Charis SIL', 'Noto Naskh Arabic' }")
    assert charis_first["NotoNaskhArabic-Regular.ttf"] == "".join(
        sorted("\u062f\u0648\u0633\u062a\u06cc"))
    assert set(",12:().") <= set(charis_first["CharisSIL-Regular.ttf"])
    # Even where a font list names the Arabic face first, its unicode-range keeps it to
    # Arabic: a browser draws the rest from the next family.
    naskh_first = drawn(fonts, text, "p { font-family: 'Noto Naskh Arabic', 'Charis SIL' }")
    assert naskh_first == charis_first


def test_only_the_faces_drawn_in_and_their_characters(fonts):
    used = drawn(fonts, "<h2>Title</h2><p>Plain <em>slanted</em> text</p>"
                        "<p style='display: none'><strong>Q</strong></p>",
                 "h2 { font-family: Inter; font-weight: 600 } p { font-family: 'Charis SIL' }")
    assert used == {"Inter-SemiBold.otf": "Teilt", "CharisSIL-Regular.ttf": " Paeilntx",
                    "CharisSIL-Italic.ttf": "adelnst"}  # nothing bold: the Q is hidden


def test_characters_as_css_draws_them(fonts):
    used = drawn(fonts, "<h2>briefs</h2><ul><li>one</li></ul><ol><li>a</li></ol>",
                 "h2 { font-family: Inter; text-transform: uppercase; font-weight: bold }"
                 "li { font-family: 'Charis SIL' } ul { list-style: none }"
                 "ul li::before { content: '\u2023'; font-family: Inter; font-style: italic }")
    assert used["Inter-Bold.otf"] == "BEFIRS"  # upper case, as shown
    assert used["Inter-Italic.otf"] == "\u2023"  # generated content, in its own font
    # The ordered list's marker numbers and full stop, beside the items' text.
    assert set("0123456789.aneo") <= set(used["CharisSIL-Regular.ttf"])


def test_css_font_matching():
    faces = [fontfaces.Face("F", weight, italic, f"{weight}{italic}")
             for weight, italic in ((400, False), (400, True), (600, False), (700, False))]
    pick = lambda weight, italic: fontfaces.match(faces, "f", weight, italic).file  # noqa: E731
    assert pick(700, True) == "400True"  # style before weight: bold italic is the italic
    assert pick(500, False) == "400False" and pick(650, False) == "700False"
    assert pick(300, False) == "400False" and pick(600, False) == "600False"
    assert fontfaces.match(faces, "other", 400, False) is None


@pytest.fixture(scope="module")
def example_page() -> str:
    """The example brief's screen page for academics, rendered once, without web fonts."""
    from briefgen.content import load
    from briefgen.render import view_of
    from briefgen.render_html import render_page

    templates = TemplateSet(())
    view = view_of(load(EXAMPLE), templates.audience("academic"), templates)
    return render_page(view, templates, templates.read_text("css/brief.css"), web_fonts=False)


def test_example_page_fonts_are_subset_woff2_and_reproducible(example_page):
    from fontTools.ttLib import TTFont

    templates = TemplateSet(())
    css = webfonts.web_fonts_css(example_page, templates)
    webfonts._subset_cached.cache_clear()
    assert webfonts.web_fonts_css(example_page, templates) == css  # same page, same bytes
    rules = re.findall(r'font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+);'
                       r'(?: unicode-range: ([^;]+);)? src: url\(data:font/woff2;base64,'
                       r'([^)]+)\) format\("woff2"\)', css)
    faces = {(family, int(weight), style) for family, weight, style, _, _ in rules}
    assert ("Charis SIL", 400, "normal") in faces and ("Inter", 600, "normal") in faces
    assert ("Charis SIL", 700, "italic") not in faces  # not drawn on this page
    assert len(css) < 130_000  # about 110 KB of fonts for a six-page brief
    for family, _, _, ranges, data in rules:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff2"
        chars = set(font.getBestCmap())
        assert 0 < len(chars) < 400, family  # subset to the page, not the whole font
        if family == "Noto Naskh Arabic":  # the Urdu word "dosti", and nothing else
            assert ranges.startswith("U+600-6FF") or ranges.startswith("U+0600-06FF")
            assert chars == {ord(c) for c in "\u062f\u0648\u0633\u062a\u06cc"}


def test_screen_page_carries_the_fonts_and_the_print_page_does_not(write_doc):
    from briefgen.content import load
    from briefgen.render import view_of
    from briefgen.render_html import render_page

    templates = TemplateSet(())
    view = view_of(load(write_doc()), templates.audience("academic"), templates)
    css = templates.read_text("css/brief.css")
    screen = render_page(view, templates, css)
    assert screen.count("data:font/woff2;base64,") >= 3 and "/*<briefgen" not in screen
    printed = render_page(view, templates, css, "print")
    assert "@font-face" not in printed and "/*<briefgen" not in printed


def test_a_project_font_that_is_not_a_font_is_a_usage_error(tmp_path):
    from conftest import MINIMAL

    from briefgen.errors import UsageError
    from briefgen.pipeline import build

    (tmp_path / "templates" / "css").mkdir(parents=True)
    (tmp_path / "templates" / "fonts").mkdir()
    (tmp_path / "templates" / "css" / "fonts.css").write_text(
        '@font-face { font-family: "Charis SIL"; src: url(../fonts/Broken.ttf); }\n')
    (tmp_path / "templates" / "fonts" / "Broken.ttf").write_bytes(b"not a font" * 10)
    document = tmp_path / "doc" / "brief.yaml"
    document.parent.mkdir()
    document.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(UsageError, match=r"fonts/Broken\.ttf is not a font"):
        build([document], out=tmp_path / "out", formats=["html"])
