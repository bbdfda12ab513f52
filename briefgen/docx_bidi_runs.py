"""Split the runs of a right-to-left paragraph where the direction changes (docx_bidi).

Right-to-left pieces get `w:rtl` and complex-script twins of their bold and size; Latin
names and digits stay runs of their own in the Latin font. Which spaces and punctuation go
with which run follows the bidi algorithm's rules for neutrals (UAX #9, W4-W7 and N1-N2,
simplified): between two left-to-right runs they stay left to right ("Muhammad Khan" is one
run), otherwise they take the paragraph's direction. Signs the complex-script font lacks
(brackets, dashes, slashes, curly quotes) get the paragraph's Latin font as their cs font,
so that nothing is drawn from a system font the document does not carry.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_props import set_property

__all__ = ["LatinFonts", "complex_twins", "directions", "split_runs"]

# Characters of right-to-left scripts whose bidi class is not R or AL: Extended
# Arabic-Indic digits (Urdu's, class EN) and Arabic marks belong to the Arabic runs.
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                  (0xFE70, 0xFEFF))
_RUN_CONTENT_TEXT = qn("w:t")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def complex_twins(rpr: _Element) -> None:
    """Give run properties the complex-script twin of their bold and size; keep it upright.

    Word sets right-to-left runs in w:bCs, w:iCs and w:szCs, not w:b, w:i and w:sz.
    Arabic script has no italic: where a style or run is italic, w:iCs is off, so Word
    does not slant the Urdu (brief.css keeps browsers from slanting it; WeasyPrint does not
    slant it either), while Latin words keep their italic face.
    """
    for tag, twin in (("b", "bCs"), ("sz", "szCs")):
        old = rpr.find(qn(f"w:{tag}"))
        if old is not None and rpr.find(qn(f"w:{twin}")) is None:
            attrs = {k.split("}")[1]: v for k, v in old.attrib.items()}
            set_property(rpr, twin, **attrs)
    if rpr.find(qn("w:i")) is not None or rpr.find(qn("w:iCs")) is not None:
        set_property(rpr, "iCs", val="0")


def _strong(char: str) -> str:
    """Return a character's kind: R(ight to left), L(eft to right), E(uropean digit), or N."""
    code = ord(char)
    if any(low <= code <= high for low, high in _ARABIC_BLOCKS):
        return "R" if unicodedata.category(char)[0] != "Z" else "N"
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL", "AN"):
        return "R"
    if kind == "L":
        return "L"
    if kind == "EN":
        return "E"
    if kind in ("ES", "ET", "CS"):
        return "W"  # a number's separator or sign, if it stands by a digit
    if kind == "NSM":
        return "M"
    return "N"


def directions(text: str, rtl: bool) -> list[bool]:
    """Return, for each character of a paragraph's text, whether it belongs to an RTL run.

    Right-to-left letters do; Latin letters and digits do not. A neutral (space,
    punctuation) between two left-to-right characters does not, one elsewhere takes the
    paragraph's direction (rtl). A digit after Latin text counts as Latin for the
    neutrals around it, after right-to-left text as right to left (UAX #9, W7).
    """
    kinds = [_strong(c) for c in text]
    for i, kind in enumerate(kinds):  # a mark takes the kind of the letter it marks (W1)
        if kind == "M":
            kinds[i] = kinds[i - 1] if i else "N"
    for i, kind in enumerate(kinds):  # separators and signs of a number join it (W4, W5)
        if kind == "W":
            before = i and kinds[i - 1] == "E"
            after = i + 1 < len(kinds) and (kinds[i + 1] == "E" or text[i + 1].isdigit())
            kinds[i] = "E" if before or after else "N"
    base = "R" if rtl else "L"
    acting = []  # what each character counts as for the neutrals around it
    last = base
    for kind in kinds:
        if kind in "LR":
            last = kind
        acting.append(last if kind == "E" else kind)  # W7, and EN as R in N1
    out = [kind == "R" for kind in kinds]
    i = 0
    while i < len(kinds):
        if kinds[i] != "N":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] == "N":
            j += 1
        before = acting[i - 1] if i else base
        after = acting[j] if j < len(kinds) else base
        direction = before if before == after else base
        out[i:j] = [direction == "R"] * (j - i)
        i = j
    return out


def split_runs(paragraph: _Element, rtl: bool, drawn: frozenset[int],
                fonts: LatinFonts) -> None:
    """Split the paragraph's runs where direction changes; mark right-to-left ones w:rtl.

    A right-to-left run is set wholly in the complex-script font (17.3.2.30), which draws
    Arabic script but few of the spaces, dashes, quotation marks, brackets and bullets
    around it (Noto Naskh Arabic has no "(", "–" or "“"): such characters go in runs of
    their own, still right to left, with the paragraph's Latin font as their cs font, as
    the page's CSS draws them from Charis SIL or Inter. Otherwise Word and LibreOffice
    would take them from whatever system font has them.
    """
    runs = [r for r in paragraph.iter(qn("w:r"))
            if r.getparent().tag in (qn("w:p"), qn("w:hyperlink"))]
    texts = [(r, t) for r in runs for t in r.iterchildren(_RUN_CONTENT_TEXT)]
    flags = directions("".join(t.text or "" for _, t in texts), rtl)
    latin = fonts.of(paragraph)
    position = 0
    for run, node in texts:
        text = node.text or ""
        kinds = [(flag, flag and bool(latin) and bool(drawn) and not _drawn(char, drawn))
                 for char, flag in zip(text, flags[position:position + len(text)],
                                       strict=True)]
        pieces = _pieces(text, kinds)
        position += len(text)
        if len(pieces) == 1 or len(run.findall(_RUN_CONTENT_TEXT)) > 1 or len(
                [c for c in run if c.tag != qn("w:rPr")]) > 1:
            # One direction, or a run of several parts (none that briefgen writes): its
            # first piece decides.
            if pieces:
                _finish(run, pieces[0], latin, drawn)
            continue
        for piece in pieces:
            new = copy.deepcopy(run)
            new.find(_RUN_CONTENT_TEXT).text = piece[0]
            _keep_spaces(new.find(_RUN_CONTENT_TEXT))
            _finish(new, piece, latin, drawn)
            run.addprevious(new)
        run.getparent().remove(run)


def _finish(run: _Element, piece: tuple[str, tuple[bool, bool]], latin: str | None,
            drawn: frozenset[int]) -> None:
    """Mark a run holding piece: w:rtl if right to left, the Latin font as cs if needed.

    A left-to-right run gets the Latin font as its cs font too when it holds a slash or
    other sign the complex-script font lacks: LibreOffice sets such a sign between digits
    ("2025/07") in an Urdu paragraph in the cs font.
    """
    text, (is_rtl, in_latin) = piece
    if is_rtl:
        _mark(run, latin if in_latin else None)
    elif latin and drawn and any(_strong(c) != "L" and not _drawn(c, drawn) for c in text):
        _cs_font(run.get_or_add_rPr(), latin)


def _drawn(char: str, drawn: frozenset[int]) -> bool:
    """Whether the complex-script font draws char (Arabic script always counts as drawn)."""
    return ord(char) in drawn or _strong(char) == "R"


def _pieces(text: str, kinds: list[tuple[bool, bool]]) -> list[tuple[str, tuple[bool, bool]]]:
    """Cut text where its kinds change: [(piece, kind), ...]."""
    pieces: list[tuple[str, tuple[bool, bool]]] = []
    for char, kind in zip(text, kinds, strict=True):
        if pieces and pieces[-1][1] == kind:
            pieces[-1] = (pieces[-1][0] + char, kind)
        else:
            pieces.append((char, kind))
    return pieces


class LatinFonts:
    """The Latin font (w:ascii) of each paragraph style, through its basedOn chain."""

    def __init__(self, styles: Any) -> None:
        """Read the paragraph styles and document defaults of a styles part."""
        self.by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))
                      if s.get(qn("w:type")) == "paragraph"}
        fonts = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/"
                            f"{qn('w:rFonts')}")
        self.default = fonts.get(qn("w:ascii")) if fonts is not None else None
        self.known: dict[str | None, str | None] = {}

    def of(self, paragraph: _Element) -> str | None:
        """Return the Latin font a paragraph's style sets, or the default's."""
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        ident = style.get(qn("w:val")) if style is not None else None
        if ident not in self.known:
            self.known[ident] = self._find(ident)
        return self.known[ident]

    def _find(self, ident: str | None) -> str | None:
        seen: set[str] = set()
        while ident and ident in self.by_id and ident not in seen:
            seen.add(ident)
            style = self.by_id[ident]
            fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            if fonts is not None and fonts.get(qn("w:ascii")):
                return fonts.get(qn("w:ascii"))
            based = style.find(qn("w:basedOn"))
            ident = based.get(qn("w:val")) if based is not None else None
        return self.default


def _keep_spaces(node: _Element) -> None:
    """Mark a w:t xml:space="preserve" if and only if its text starts or ends with a space."""
    text = node.text or ""
    if text != text.strip(" "):
        node.set(_XML_SPACE, "preserve")
    else:
        node.attrib.pop(_XML_SPACE, None)


def _mark(run: _Element, cs_font: str | None = None) -> None:
    """Give a run w:rtl, its bold a complex-script twin, and cs_font if one is given."""
    rpr = run.get_or_add_rPr()
    complex_twins(rpr)
    set_property(rpr, "rtl")
    if cs_font:
        _cs_font(rpr, cs_font)


def _cs_font(rpr: _Element, font: str) -> None:
    """Name font as the complex-script font of run properties, keeping their other fonts."""
    old = rpr.find(qn("w:rFonts"))
    attrs = {} if old is None else {k.split("}")[1]: v for k, v in old.attrib.items()}
    set_property(rpr, "rFonts", **{**attrs, "cs": font})
