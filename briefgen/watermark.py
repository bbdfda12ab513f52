"""Draw the draft watermark's word as SVG outlines, so no text layer carries its letters.

An SVG `<text>` used as the page background comes out of WeasyPrint as real text: the
letters appear in `pdftotext`, in copied text and in what a screen reader reads. The word's
glyphs are drawn here as paths from the bundled Inter Bold instead (glyphs Inter lacks come
from the bundled Noto Naskh Arabic Bold), at render time, so a translated label works too.
Letters are set one after another by their advance widths: no kerning and no shaping.
"""

from __future__ import annotations

import base64
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from .paths import builtin_dir

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

FONTS = ("Inter-Bold.otf", "NotoNaskhArabic-Bold.ttf")
WIDTH, HEIGHT, SIZE, ANGLE = 600, 850, 160, -55
COLOUR, OPACITY = "#b4462b", 0.12


@cache
def _font(name: str) -> TTFont:
    """Return a bundled font, opened once."""
    from fontTools.ttLib import TTFont  # only drafts need it: 0.1 s spared for the rest

    return TTFont(builtin_dir() / "fonts" / name, lazy=True)


def _glyph(char: str) -> tuple[TTFont, str] | None:
    """Return the first bundled font that has char, and its glyph name; None if none does."""
    for name in FONTS:
        font = _font(name)
        glyph = font.getBestCmap().get(ord(char))
        if glyph is not None:
            return font, glyph
    return None


@lru_cache(maxsize=16)
def watermark_svg(word: str) -> str:
    """Return an SVG page image with word drawn as outlines, centred and turned diagonal."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    placed = [found for found in map(_glyph, word) if found is not None]
    advances = [font["hmtx"][glyph][0] * SIZE / font["head"].unitsPerEm
                for font, glyph in placed]
    x = (WIDTH - sum(advances)) / 2
    paths = []
    for (font, glyph), advance in zip(placed, advances, strict=True):
        scale = SIZE / font["head"].unitsPerEm
        # A pen that knows the glyph's own font: a composite glyph (Urdu's heh in Noto
        # Naskh) draws its components from there.
        glyphs = font.getGlyphSet()
        pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.1f}")
        # Font units go up from the baseline; SVG's y goes down: flip, then place on it.
        glyphs[glyph].draw(TransformPen(pen, (scale, 0, 0, -scale, x, HEIGHT / 2)))
        paths.append(pen.getCommands())
        x += advance
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}"><path transform="rotate({ANGLE} {WIDTH / 2} '
            f'{HEIGHT / 2})" fill="{COLOUR}" fill-opacity="{OPACITY}" '
            f'd={quoteattr(" ".join(filter(None, paths)))}/></svg>')


def watermark_uri(word: str) -> str:
    """Return watermark_svg(word) as a base64 data: URI, for a CSS background."""
    data = base64.b64encode(watermark_svg(word).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"
