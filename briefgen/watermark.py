"""Draw the draft watermark's word as SVG outlines, so no text layer carries its letters.

An SVG `<text>` used as the page background comes out of WeasyPrint as real text: the
letters appear in `pdftotext`, in copied text and in what a screen reader reads. The word's
glyphs are drawn here as paths from the bundled Inter Bold instead (glyphs Inter lacks come
from the bundled Noto Naskh Arabic Bold), at render time, so a translated label works too.
HarfBuzz (uharfbuzz) shapes each font's run of letters, as a browser would: kerned, and in
Arabic script joined and set right to left.
"""

from __future__ import annotations

import base64
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from .paths import builtin_dir

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

FONTS = ("Inter-Bold.otf", "NotoNaskhArabic-Bold.ttf")
WIDTH, HEIGHT, SIZE, ANGLE = 600, 850, 160, -55
COLOUR, OPACITY = "#b4462b", 0.12


@cache
def _font(name: str) -> tuple[TTFont, Any]:
    """Return a bundled font, opened once: for its outlines (fontTools) and for shaping
    (HarfBuzz)."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont  # only drafts need them: 0.1 s spared for the rest

    path = builtin_dir() / "fonts" / name
    return TTFont(path, lazy=True), hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))


def _which(char: str) -> str | None:
    """The first bundled font that has char; None if none does (it is left out)."""
    return next((name for name in FONTS if ord(char) in _font(name)[0].getBestCmap()), None)


def _shaped(word: str) -> tuple[list[tuple[TTFont, str, float, float]], float]:
    """The word's glyphs in the order they are drawn, left to right, each with its font,
    x and y in thousandths of the size, and the word's width: shaped by HarfBuzz (Arabic
    letters joined, right to left), one run of text per font, the runs in the word's own
    direction."""
    import uharfbuzz as hb

    runs: list[tuple[str, str]] = []  # (font, text)
    for char in word:
        name = _which(char)
        if name and runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        elif name:
            runs.append((name, char))
    first = next((d for d in map(unicodedata.bidirectional, word) if d in ("L", "R", "AL")),
                 "L")  # the first strong letter's direction is the word's
    placed, x = [], 0.0
    for name, text in reversed(runs) if first != "L" else runs:
        outlines, font = _font(name)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {})
        scale = 1000 / outlines["head"].unitsPerEm  # placed in thousandths of the size
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            placed.append((outlines, outlines.getGlyphName(info.codepoint),
                           x + position.x_offset * scale, position.y_offset * scale))
            x += position.x_advance * scale
    return placed, x


@lru_cache(maxsize=16)
def watermark_svg(word: str) -> str:
    """Return an SVG page image with word drawn as outlines, centred and turned diagonal."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    glyphs, width = _shaped(word)
    scale = SIZE / 1000
    left = (WIDTH - width * scale) / 2
    paths = []
    for font, glyph, x, y in glyphs:
        units = SIZE / font["head"].unitsPerEm
        # A pen that knows the glyph's own font: a composite glyph (Urdu's heh in Noto
        # Naskh) draws its components from there.
        outlines = font.getGlyphSet()
        pen = SVGPathPen(outlines, ntos=lambda v: f"{v:.1f}")
        # Font units go up from the baseline; SVG's y goes down: flip, then place on it.
        outlines[glyph].draw(TransformPen(
            pen, (units, 0, 0, -units, left + x * scale, HEIGHT / 2 - y * scale)))
        paths.append(pen.getCommands())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}"><path transform="rotate({ANGLE} {WIDTH / 2} '
            f'{HEIGHT / 2})" fill="{COLOUR}" fill-opacity="{OPACITY}" '
            f'd={quoteattr(" ".join(filter(None, paths)))}/></svg>')


def watermark_uri(word: str) -> str:
    """Return watermark_svg(word) as a base64 data: URI, for a CSS background."""
    data = base64.b64encode(watermark_svg(word).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"
