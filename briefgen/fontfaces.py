"""The bundled font faces, as css/fonts.css declares them: the one list every format reads.

The PDF loads fonts.css itself (WeasyPrint); the HTML page carries its faces as web fonts
(webfonts) and the DOCX embeds them (docx_fonts), both from `faces_of`, so a project that
ships its own fonts.css and fonts/ gets its faces in all three formats. COMMON is what
every face Word embeds keeps besides the text: with it most documents need no other
character, so every document carries the same faces and a build makes each once.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    from .templates import TemplateSet

__all__ = ["COMMON", "Face", "cmap", "faces_of", "match"]

# What the bundled Latin faces are for, whatever one document holds: Latin-1, Latin
# Extended-A and basic Cyrillic, the common punctuation (dashes, quotes, ellipsis, bullets,
# per mille), the word joiner (typography.py), the fraction slash, numero sign, euro, trade
# mark, minus and a small square; and, for the Arabic face, the whole Arabic block (Urdu's
# letters, digits and punctuation) and the honorific ﷺ. LibreOffice and Word draw every
# document open in a session from the first embedded face of a name they loaded: a face
# subset to one document's text alone would leave another's Cyrillic (or Urdu) to a system
# font.
COMMON = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x400, 0x460),
                           *range(0x600, 0x700), *range(0x2010, 0x2028), *range(0x2030, 0x203B),
                           0x2044, 0x2060, 0x2116, 0x20AC, 0x2122, 0x2212, 0x25AA, 0xFDFA]))
# CSS 'bold' and 'normal' as numbers (CSS Fonts 4, font-weight).
_WEIGHTS = {"normal": 400, "bold": 700}


@dataclass(frozen=True)
class Face:
    """One @font-face of fonts.css: family, weight, style, file and unicode-range."""

    family: str
    weight: int
    italic: bool
    file: str  # relative to the template folders, e.g. "fonts/Inter-Regular.otf"
    ranges: tuple[tuple[int, int], ...] = ()  # empty: every character
    range_text: str = ""  # the unicode-range as written, for the page's rule

    def allows(self, char: str) -> bool:
        """Tell whether the face's unicode-range lets it draw char."""
        return not self.ranges or any(lo <= ord(char) <= hi for lo, hi in self.ranges)


def faces_of(templates: TemplateSet) -> list[Face]:
    """Return the @font-face rules of css/fonts.css, fonts named from the template folders."""
    import tinycss2

    faces = []
    source = templates.read_text("css/fonts.css")
    for rule in tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        found: dict[str, Any] = {}
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True):
            if decl.type == "declaration":
                found[decl.lower_name] = [t for t in decl.value
                                          if t.type not in ("whitespace", "comment")]
        family = [t.value for t in found.get("font-family", []) if t.type == "string"]
        urls = [t.value for t in found.get("src", []) if t.type == "url"]
        if not family or not urls:
            continue  # a rule briefgen cannot read is left to WeasyPrint
        weight = found.get("font-weight", [])
        weight_value = (weight[0].int_value if weight and weight[0].type == "number"
                        else _WEIGHTS.get(getattr(weight[0], "lower_value", ""), 400)
                        if weight else 400)
        style = found.get("font-style", [])
        italic = bool(style) and getattr(style[0], "lower_value", "") in ("italic", "oblique")
        ranges = [t for t in found.get("unicode-range", []) if t.type == "unicode-range"]
        # src urls are relative to css/ (as WeasyPrint reads them for the PDF).
        file = re.sub(r"^(\./)?\.\./", "", urls[0]) if urls[0].startswith(("../", "./../")) \
            else "css/" + urls[0]
        faces.append(Face(family[0], weight_value, italic, file,
                          tuple((t.start, t.end) for t in ranges),
                          ", ".join(tinycss2.serialize([t]) for t in ranges)))
    return faces


def match(faces: list[Face], family: str, weight: int, italic: bool) -> Face | None:
    """Return the face a browser picks for family, weight and style (CSS Fonts 4, 5.2)."""
    same = [f for f in faces if f.family.lower() == family.lower()]
    styled = [f for f in same if f.italic == italic] or same  # style is matched first
    if not styled:
        return None
    weights = sorted({f.weight for f in styled})
    below = [w for w in weights if w < weight][::-1]
    above = [w for w in weights if w > weight]
    if 400 <= weight <= 500:
        order = [w for w in above if w <= 500] + below + [w for w in above if w > 500]
    elif weight < 400:
        order = below + above
    else:
        order = above + below
    best = weight if weight in weights else order[0]
    return next(f for f in styled if f.weight == best)


def cmap(data: bytes, name: str) -> frozenset[int]:
    """Return the code points a font file draws; a file that is no font is a UsageError."""
    return _cmap(hashlib.sha256(data).digest(), data, name)


@lru_cache(maxsize=32)
def _cmap(digest: bytes, data: bytes, name: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        return frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap() or ())
    except (TTLibError, AssertionError, KeyError, ValueError, struct.error) as exc:
        raise UsageError(f"template file {name} is not a font briefgen can read: "
                         f"{exc}") from None
