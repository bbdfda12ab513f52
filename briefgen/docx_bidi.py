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
  bullets) get the paragraph's Latin font as their cs font (split_runs, _numbering),
  so that nothing is drawn from a system font the document does not carry.

The runs are split in docx_bidi_runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_bidi_runs import LatinFonts, complex_twins, split_runs
from .docx_props import set_property
from .locales import auto_direction

__all__ = ["bidi_language", "direction_of", "make_rtl", "mark_rtl_paragraphs", "set_direction"]

# The children of w:sectPr after w:bidi, in the schema's order (CT_SectPr).
_SECTPR_AFTER_BIDI = ("rtlGutter", "docGrid", "printerSettings", "sectPrChange")
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
            return auto_direction(node.text_content())
    return None


def set_direction(paragraph: Any, direction: str) -> None:
    """Give one paragraph its own direction (an element whose dir differs from the page)."""
    ppr = paragraph._p.get_or_add_pPr()
    set_property(ppr, "bidi", val="1" if direction == "rtl" else "0")


def make_rtl(document: Any, language: str, drawn: frozenset[int] = frozenset()) -> None:
    """Make document's styles, section, tables and runs right to left.

    drawn: the characters the complex-script font has (docx_fonts.drawn_by); the others
    in a right-to-left run are drawn from the paragraph's Latin font (split_runs).
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
    fonts = LatinFonts(styles)
    for root in _stories(document):
        for table in root.iter(qn("w:tbl")):
            table.tblPr.get_or_add_bidiVisual()
        for paragraph in root.iter(qn("w:p")):
            split_runs(paragraph, _is_bidi(paragraph), drawn, fonts)


def mark_rtl_paragraphs(document: Any, drawn: frozenset[int] = frozenset()) -> None:
    """In a left-to-right document, split and mark the runs of paragraphs set right to left.

    Only a paragraph with a w:bidi of its own (an element with dir="rtl": an Urdu quotation
    in an English brief) is touched; a document without one is left as it is.
    """
    fonts = LatinFonts(document.styles.element)
    for root in _stories(document):
        for paragraph in root.iter(qn("w:p")):
            bidi = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
            if bidi is not None and _is_bidi(paragraph):
                split_runs(paragraph, True, drawn, fonts)


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


def _is_bidi(paragraph: _Element) -> bool:
    """Whether a paragraph of a right-to-left document runs right to left: its own w:bidi,
    else its style's, which all do."""
    bidi = paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}")
    if bidi is None:
        return True
    return bidi.get(qn("w:val"), "1").lower() not in ("0", "false", "off")


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
