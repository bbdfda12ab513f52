"""Make a Word document right to left, as Word writes one typed in Urdu, Arabic or Persian.

python-docx has no API for most of this (only tables' `w:bidiVisual`), so the XML is
written here, each element in the place the schema gives it (ECMA-376 Part 1: CT_PPr
17.3.1.26, CT_RPr 17.3.2.28, CT_SectPr 17.6.17; docx_theme.set_property keeps the order):

- every paragraph style and the default paragraph properties get `w:bidi`, so body,
  header, footer and footnote paragraphs (the separator too: it takes Normal) run right to
  left. w:bidi turns a paragraph's ind, jc and tabs round (17.3.1.6): Word reads `w:jc`
  and `w:ind` left/right as the paragraph's start and end, so the theme's values mirror
  themselves: text flush right, the footer's page number (jc right) on the left, indents
  and list markers on the right; centred text stays centred. It does not turn borders
  round, so the left and right borders of the styles (the boxes' rules) are swapped.
  Lines are at least single-spaced, as Arabic script needs (_open_lines);
- the section gets `w:bidi` (17.6.1): Word lays out its columns and page furniture right to
  left;
- tables get `w:bidiVisual` (17.4.1): the first column on the right;
- runs are split where the script changes, and those of right-to-left script get `w:rtl`
  (17.3.2.30), as Word does while one types: Latin names and digits stay in runs of their
  own, drawn in the Latin font, so that the Unicode bidi algorithm orders them as a browser
  does; `w:bCs` goes with `w:b` and `w:szCs` with `w:sz` (`w:iCs` is off: Arabic script
  is not slanted), and the default run's `w:lang w:bidi` names the language (CLDR's
  likely region: ur -> ur-PK), which Word uses for proofing and the shapes of digits;
- signs the complex-script font lacks (brackets, dashes, slashes, curly quotes, list
  bullets) get the paragraph's Latin font as their cs font (_split_runs, _numbering),
  so that nothing is drawn from a system font the document does not carry.

Which spaces and punctuation go with which run follows the bidi algorithm's rules for
neutrals (UAX #9, W4-W7 and N1-N2, simplified): between two left-to-right runs they stay
left to right ("Muhammad Khan" is one run), otherwise they take the paragraph's direction.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_theme import set_property

__all__ = ["bidi_language", "direction_of", "directions", "make_rtl", "mark_rtl_paragraphs",
           "set_direction"]

# The children of w:sectPr after w:bidi, in the schema's order (CT_SectPr).
_SECTPR_AFTER_BIDI = ("rtlGutter", "docGrid", "printerSettings", "sectPrChange")
# Characters of right-to-left scripts whose bidi class is not R or AL: Extended
# Arabic-Indic digits (Urdu's, class EN) and Arabic marks belong to the Arabic runs.
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                  (0xFE70, 0xFEFF))
_RUN_CONTENT_TEXT = qn("w:t")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def bidi_language(tag: str) -> str | None:
    """Return the tag Word takes for a right-to-left language ('ur' -> 'ur-PK'), or None.

    None for what is not a language tag (a user's template may write any lang).
    """
    from babel.core import get_global

    if not _LANGUAGE_TAG.fullmatch(tag):
        return None
    if "-" in tag:
        return tag
    likely = get_global("likely_subtags").get(tag.lower(), "")
    parts = likely.split("_")
    return f"{tag}-{parts[-1]}" if len(parts) == 3 else tag


def direction_of(el: _Element) -> str | None:
    """Return the direction an HTML element sets itself or inherits ('ltr', 'rtl'), or None.

    dir="auto" is the direction of the first strong character of the element's text, as
    HTML resolves it.
    """
    for node in (el, *el.iterancestors()):
        value = (node.get("dir") or "").strip().lower()
        if value in ("ltr", "rtl"):
            return value
        if value == "auto":
            first = next((k for k in map(_strong, node.text_content()) if k in "LR"), "L")
            return "rtl" if first == "R" else "ltr"
    return None


def set_direction(paragraph: Any, direction: str) -> None:
    """Give one paragraph its own direction (an element whose dir differs from the page)."""
    ppr = paragraph._p.get_or_add_pPr()
    set_property(ppr, "bidi", val="1" if direction == "rtl" else "0")


def make_rtl(document: Any, language: str, drawn: frozenset[int] = frozenset()) -> None:
    """Make document's styles, section, tables and runs right to left.

    drawn: the characters the complex-script font has (docx_fonts.drawn_by); the others
    in a right-to-left run are drawn from the paragraph's Latin font (_split_runs).
    """
    styles = document.styles.element
    _styles(styles, bidi_language(language))
    _numbering(document)
    sect_pr = document.element.body.get_or_add_sectPr()
    if sect_pr.find(qn("w:bidi")) is None:
        bidi = sect_pr.makeelement(qn("w:bidi"), {})
        later = [c for c in sect_pr if c.tag in {qn(f"w:{n}") for n in _SECTPR_AFTER_BIDI}]
        if later:
            later[0].addprevious(bidi)
        else:
            sect_pr.append(bidi)
    fonts = _LatinFonts(styles)
    for root in _stories(document):
        for table in root.iter(qn("w:tbl")):
            table.tblPr.get_or_add_bidiVisual()
        for paragraph in root.iter(qn("w:p")):
            _split_runs(paragraph, _is_bidi(paragraph), drawn, fonts)


def mark_rtl_paragraphs(document: Any, drawn: frozenset[int] = frozenset()) -> None:
    """In a left-to-right document, split and mark the runs of paragraphs set right to left.

    Only a paragraph with a w:bidi of its own (an element with dir="rtl": an Urdu quotation
    in an English brief) is touched; a document without one is left as it is.
    """
    fonts = _LatinFonts(document.styles.element)
    for root in _stories(document):
        for paragraph in root.iter(qn("w:p")):
            bidi = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
            if bidi is not None and _is_bidi(paragraph):
                _split_runs(paragraph, True, drawn, fonts)


def _stories(document: Any) -> Iterator[_Element]:
    """Yield the root of every part holding paragraphs: body, headers, footers, footnotes."""
    yield document.element.body
    seen = set()
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        part = rel.target_part
        element = getattr(part, "_element", None)
        if element is not None and element.tag in (qn("w:hdr"), qn("w:ftr"), qn("w:footnotes"),
                                                    qn("w:endnotes")) and id(part) not in seen:
            seen.add(id(part))
            yield element


def _styles(styles: Any, bidi_tag: str | None) -> None:
    """Put bidi in every paragraph style and the defaults; complex-script twins everywhere."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = styles.makeelement(qn("w:docDefaults"), {})
        styles.insert(0, defaults)
    for name in ("rPrDefault", "pPrDefault"):
        holder = defaults.find(qn(f"w:{name}"))
        if holder is None:
            holder = defaults.makeelement(qn(f"w:{name}"), {})
            if name == "rPrDefault":
                defaults.insert(0, holder)
            else:
                defaults.append(holder)
        tag = "w:rPr" if name == "rPrDefault" else "w:pPr"
        if holder.find(qn(tag)) is None:
            holder.append(holder.makeelement(qn(tag), {}))
    run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = run_defaults.find(qn("w:lang"))
    attrs = {} if lang is None else {k.split("}")[1]: v for k, v in lang.attrib.items()}
    if bidi_tag:
        set_property(run_defaults, "lang", **{**attrs, "bidi": bidi_tag})
    set_property(defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}"), "bidi")
    for style in styles.iterchildren(qn("w:style")):
        if style.get(qn("w:type")) == "paragraph":
            ppr = style.find(qn("w:pPr"))
            if ppr is None:
                ppr = style.makeelement(qn("w:pPr"), {})
                rpr = style.find(qn("w:rPr"))
                if rpr is not None:
                    rpr.addprevious(ppr)
                else:
                    style.append(ppr)
            set_property(ppr, "bidi")
    for rpr in styles.iter(qn("w:rPr")):
        complex_twins(rpr)
    for borders in styles.iter(qn("w:pBdr")):
        _mirror(borders)
    for spacing in styles.iter(qn("w:spacing")):
        _open_lines(spacing)


def _open_lines(spacing: _Element) -> None:
    """Make a line spacing of less than single (a multiple below 240ths) single.

    The theme's multiples (docx_theme) are below one for Latin fonts, whose natural line
    is tall. LibreOffice shrinks a paragraph's lines below single unevenly where Urdu and
    Latin runs mix (the first lines of a paragraph crowd together, seen in its PDF export),
    and Arabic script's marks need the room: brief.css opens the lines of an Urdu page
    too (line-height 1.55, about Noto Naskh Arabic's single line of 1.7 em).
    """
    rule = spacing.get(qn("w:lineRule"), "auto")
    line = spacing.get(qn("w:line"))
    if rule == "auto" and line and line.isdigit() and int(line) < 240:
        spacing.set(qn("w:line"), "240")


def _mirror(borders: _Element) -> None:
    """Swap a paragraph's left and right borders: bidi mirrors its indents, not its rules.

    w:bidi affects only ind, jc, tab and textDirection (ECMA-376 Part 1, 17.3.1.6), so the
    box's rule, on the side where the text starts, moves with the indent that makes room
    for it.
    """
    sides = {qn("w:left"): qn("w:right"), qn("w:right"): qn("w:left")}
    for edge in borders:
        if edge.tag in sides:
            edge.tag = sides[edge.tag]
    order = [qn(f"w:{name}") for name in ("top", "left", "bottom", "right", "between", "bar")]
    borders[:] = sorted(borders, key=lambda e: order.index(e.tag) if e.tag in order else 9)


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


def _is_bidi(paragraph: _Element) -> bool:
    """Whether a paragraph of a right-to-left document runs right to left: its own w:bidi,
    else its style's, which all do."""
    bidi = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
    if bidi is None:
        return True
    return bidi.get(qn("w:val"), "1").lower() not in ("0", "false", "off")


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


def _split_runs(paragraph: _Element, rtl: bool, drawn: frozenset[int],
                fonts: _LatinFonts) -> None:
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


class _LatinFonts:
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


def _numbering(document: Any) -> None:
    """Draw list markers in their Latin font in right-to-left paragraphs too.

    A marker of a right-to-left paragraph takes its level's cs font, which the reference
    leaves unset: the bullet would come from the complex-script font, which has none.
    """
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # a reference document without lists
        return
    for fonts in numbering.iter(qn("w:rFonts")):
        if fonts.get(qn("w:ascii")) and not fonts.get(qn("w:cs")):
            fonts.set(qn("w:cs"), fonts.get(qn("w:ascii")))
