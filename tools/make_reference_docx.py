"""Regenerate templates/docx/reference.docx, the Word styles every DOCX is built on.

Run: python tools/make_reference_docx.py
An organisation can instead drop its own reference.docx into its templates/docx/ folder;
briefgen uses whichever styles it finds there and adds any it lacks. The style names
here are the contract between the HTML templates (data-docx="…") and Word. A reference
document must pass briefgen.render_docx.open_reference: a .docx of at most 20 MB whose
parts inflate to at most 50 MB, with no DTD in its XML; the one written here is checked.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefgen.theme import DEFAULTS

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx" / "reference.docx"

# The built-in theme's fonts and colours (briefgen/theme.py); every build applies the theme
# to these styles again (briefgen/docx_theme.py), so this file only gives them a start.
SERIF, SANS = DEFAULTS.serif, DEFAULTS.sans
ARABIC = "Noto Naskh Arabic"  # Word's complex-script font: Urdu terms in Arabic script
INK, MUTED, PRIMARY, ACCENT, TINT, RULE = (
    getattr(DEFAULTS, role).lstrip("#").upper()
    for role in ("ink", "muted", "primary", "accent", "tint", "rule"))

# name: (based on, font, size pt, colour, bold, italic, space before, space after, extras)
PARAGRAPH_STYLES = {
    "Normal": (None, SERIF, 10, INK, False, False, 0, 6, {}),
    "Body Text": ("Normal", SERIF, 10, INK, False, False, 0, 6, {}),
    "Title": ("Normal", SANS, 24, PRIMARY, True, False, 6, 4, {"keep": True}),
    "Subtitle": ("Normal", SERIF, 13, MUTED, False, False, 0, 8, {}),
    "Heading 1": ("Normal", SANS, 13, PRIMARY, True, False, 16, 6, {"keep": True, "level": 0}),
    "Heading 2": ("Normal", SANS, 10.5, INK, True, False, 10, 3, {"keep": True, "level": 1}),
    "Heading 3": ("Normal", SANS, 10, INK, True, False, 8, 2, {"keep": True, "level": 2}),
    "List Bullet": ("Normal", SERIF, 10, INK, False, False, 0, 3, {}),
    "List Number": ("Normal", SERIF, 10, INK, False, False, 0, 3, {}),
    "Quote": ("Normal", SERIF, 12, PRIMARY, False, True, 10, 2,
              {"indent": 0.5, "border_left": ACCENT, "keep": True}),
    "Caption": ("Normal", SANS, 8.5, PRIMARY, True, False, 10, 4, {"keep": True}),
    "Header": ("Normal", SANS, 7.5, MUTED, False, False, 0, 0, {}),
    "Footer": ("Normal", SANS, 7.5, MUTED, False, False, 0, 0, {"align": "right"}),
    "Series": ("Normal", SANS, 8, PRIMARY, True, False, 0, 0,
               {"caps": True, "border_top": PRIMARY}),
    "Edition": ("Normal", SANS, 8, MUTED, False, False, 0, 18, {}),
    "Byline": ("Normal", SANS, 9, INK, False, False, 0, 14, {}),
    "Draft Mark": ("Normal", SANS, 11, ACCENT, True, False, 0, 6, {"caps": True}),
    "Box Title": ("Normal", SANS, 9.5, ACCENT, True, False, 12, 4,
                  {"caps": True, "shade": TINT, "border_left": ACCENT, "keep": True}),
    "Box Bullet": ("List Bullet", SANS, 9.5, INK, False, False, 0, 4,
                   {"shade": TINT, "border_left": ACCENT}),
    "Lead": ("Normal", SERIF, 11, PRIMARY, False, False, 0, 6, {}),
    "Key Point": ("List Bullet", SERIF, 10, INK, False, False, 0, 3, {}),
    "Quote Attribution": ("Normal", SANS, 8, MUTED, False, False, 0, 10,
                          {"indent": 0.5, "border_left": ACCENT}),
    "Source Note": ("Normal", SANS, 7.5, MUTED, False, False, 3, 10, {}),
    "Timeline Entry": ("Normal", SERIF, 9.5, INK, False, False, 0, 4,
                       {"hanging": 2.8, "tab": 2.8}),
    "Recommendation Meta": ("Normal", SANS, 8, MUTED, False, False, 2, 10, {}),
    "Glossary Entry": ("Normal", SERIF, 9.5, INK, False, False, 0, 2, {"hanging": 2.2, "tab": 2.2}),
    "Bibliography": ("Normal", SERIF, 9, INK, False, False, 0, 4, {"hanging": 0.8}),
    "Note Text": ("Normal", SERIF, 8.5, INK, False, False, 0, 3, {"hanging": 0.6, "tab": 0.6}),
    # Word's built-in style for real footnotes (briefgen/docx_footnotes.py), single-spaced.
    "Footnote Text": ("Normal", SERIF, 8.5, INK, False, False, 0, 2, {"line": 1.0}),
    "Colophon": ("Normal", SANS, 7.5, MUTED, False, False, 0, 3, {}),
    "Table Text": ("Normal", SANS, 8, INK, False, False, 0, 0, {}),
    "Table Heading": ("Normal", SANS, 8, "FFFFFF", True, False, 0, 0, {}),
    "TOC Heading": ("Normal", SANS, 13, PRIMARY, True, False, 0, 10, {"keep": True}),
    "TOC 1": ("Normal", SANS, 10, INK, False, False, 4, 2, {}),
    "TOC 2": ("Normal", SANS, 9, MUTED, False, False, 0, 1, {"indent": 0.6}),
    "TOC 3": ("Normal", SANS, 9, MUTED, False, False, 0, 1, {"indent": 1.2}),
    "Contributors": ("Normal", SANS, 8, MUTED, False, True, 0, 6, {}),
    "Book Heading": ("Normal", SERIF, 12, PRIMARY, True, True, 4, 2,
                     {"shade": TINT, "border_left": PRIMARY, "keep": True}),
    "Book Details": ("Normal", SANS, 8.5, INK, False, False, 0, 0,
                     {"shade": TINT, "border_left": PRIMARY}),
    "Verdict Title": ("Normal", SANS, 9.5, "FFFFFF", True, False, 8, 0,
                      {"caps": True, "shade": PRIMARY, "keep": True}),
    "Verdict": ("Normal", SERIF, 10.5, INK, False, True, 0, 10,
                {"shade": TINT, "border_left": PRIMARY}),
    "Assessment Heading": ("Normal", SANS, 10, ACCENT, True, False, 8, 3, {"keep": True}),
}

# name: (font, colour, bold, italic, superscript)
CHARACTER_STYLES = {
    "Strong": (None, None, True, False, False),
    "Emphasis": (None, None, False, True, False),
    "Hyperlink": (None, PRIMARY, False, False, False),
    "Timeline Date": (SANS, ACCENT, True, False, False),
    "Glossary Term": (SANS, INK, True, False, False),
    "Note Reference": (None, ACCENT, False, False, True),
    "Footnote Reference": (None, ACCENT, False, False, True),
    "Citation": (None, None, False, False, False),
    "Code": ("DejaVu Sans Mono", None, False, False, False),
    # The recommendations' labels; docx_theme shades them as brief.css's badges.
    "Priority High": (SANS, "FFFFFF", True, False, False),
    "Badge": (SANS, PRIMARY, True, False, False),
}


def _border(ppr, side: str, colour: str, size: int = 18) -> None:
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "6"), ("color", colour)):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)


def _shade(ppr, colour: str) -> None:
    shd = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", colour)):
        shd.set(qn(f"w:{key}"), value)
    ppr.append(shd)


def _font(style, name: str | None) -> None:
    if not name:
        return
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("ascii", "hAnsi", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), name)
    fonts.set(qn("w:cs"), ARABIC)
    for attr in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)


def paragraph_style(document, name, spec) -> None:
    based, font, size, colour, bold, italic, before, after, extra = spec
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(
        name, WD_STYLE_TYPE.PARAGRAPH)
    if based:
        style.base_style = styles[based]
    style.quick_style = True
    _font(style, font)
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor.from_string(colour)
    style.font.bold = bold
    style.font.italic = italic
    style.font.all_caps = extra.get("caps", False)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = extra.get("line", 1.15)
    fmt.keep_with_next = extra.get("keep", None)
    fmt.widow_control = True
    if "indent" in extra:
        fmt.left_indent = Cm(extra["indent"])
    if "hanging" in extra:
        fmt.left_indent = Cm(extra["hanging"])
        fmt.first_line_indent = Cm(-extra["hanging"])
    if "tab" in extra:
        fmt.tab_stops.add_tab_stop(Cm(extra["tab"]), WD_TAB_ALIGNMENT.LEFT)
    if extra.get("align") == "right":
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    ppr = style.element.get_or_add_pPr()
    if "border_left" in extra:
        _border(ppr, "left", extra["border_left"], 24)
    if "border_top" in extra:
        _border(ppr, "top", extra["border_top"], 36)
    if "shade" in extra:
        _shade(ppr, extra["shade"])
    if "level" in extra:  # outline level, so headings feed the navigation pane and TOC
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(extra["level"]))
        ppr.append(lvl)


def character_style(document, name, spec) -> None:
    font, colour, bold, italic, superscript = spec
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(
        name, WD_STYLE_TYPE.CHARACTER)
    _font(style, font)
    if colour:
        style.font.color.rgb = RGBColor.from_string(colour)
    style.font.bold = bold or None
    style.font.italic = italic or None
    style.font.superscript = superscript or None


def table_style(document) -> None:
    """Add 'Brief Table': a dark header row, light rules, banded rows."""
    styles = document.styles
    style = styles.add_style("Brief Table", WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Normal Table"]
    style.quick_style = True
    el = style.element
    xml = f"""
    <w:root xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
      <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr><w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:sz w:val="16"/></w:rPr>
      <w:tblPr>
        <w:tblBorders>
          <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
          <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
        </w:tblBorders>
        <w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
          <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
      <w:tblStylePr w:type="firstRow">
        <w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
        <w:tblPr/>
        <w:trPr><w:tblHeader/></w:trPr>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{PRIMARY}"/></w:tcPr>
      </w:tblStylePr>
      <w:tblStylePr w:type="band2Horz">
        <w:tblPr/>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F6F8FA"/></w:tcPr>
      </w:tblStylePr>
    </w:root>"""
    from lxml import etree
    root = etree.fromstring(xml)
    for child in root:
        el.append(child)


def bullets(document) -> None:
    """Draw list bullets as "•" in the body font, not Symbol's private-use character, and
    start the text at the style's hanging indent.

    Symbol is no font briefgen embeds: LibreOffice draws its bullet from OpenSymbol, Word
    from whatever it has.
    """
    numbering = document.part.numbering_part.element
    for level in numbering.iter(qn("w:lvl")):
        # No tab stop of the level's own: the text then starts at the style's hanging
        # indent, which docx_theme sets, in LibreOffice as in Word.
        for tabs in level.iter(qn("w:tabs")):
            tabs.getparent().remove(tabs)
        text = level.find(qn("w:lvlText"))
        if text is not None and text.get(qn("w:val")) == "\uf0b7":
            text.set(qn("w:val"), "\u2022")
        for fonts in level.iter(qn("w:rFonts")):
            if fonts.get(qn("w:ascii")) == "Symbol":
                fonts.set(qn("w:ascii"), SERIF)
                fonts.set(qn("w:hAnsi"), SERIF)


def main() -> None:
    document = docx.Document()
    for name, spec in PARAGRAPH_STYLES.items():
        paragraph_style(document, name, spec)
    for name, spec in CHARACTER_STYLES.items():
        character_style(document, name, spec)
    table_style(document)
    bullets(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    props = document.core_properties
    props.title, props.author, props.comments = "briefgen reference styles", "briefgen", ""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(OUT)
    # The checks every reference document passes before a build uses it (size, zip, no DTD).
    from briefgen.render_docx import open_reference
    open_reference(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
