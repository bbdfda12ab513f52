"""Apply the theme to the Word document's styles, as brief.css applies it to the page.

STYLES is one table, style name -> how brief.css's print rules set the element that style
stands for: font role, colour role, size and spacing in ems of the body size, line
height, shading, borders and inner padding. Colours and fonts are theme roles (theme.py),
so one theme gives the PDF, the HTML and the DOCX the same look.

With the built-in reference document every value is applied. With a user's own
reference.docx only what the project's or the profile's theme sets explicitly is: a
colour to the styles of its role, a font to those of its role, a size (and with it the
sizes, spacing and line heights) to all; the rest stays the reference's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .docx_props import set_property
from .paths import builtin_dir

if TYPE_CHECKING:
    from .theme import Theme

__all__ = ["COMPLEX_SCRIPT_FONT", "STYLES", "Look", "apply_theme", "applied_theme"]

# A font's natural line (ascender to descender, as Word and LibreOffice set "single"
# spacing) in ems, from each bundled font's hhea table; Word's line spacing is a multiple
# of it, CSS's line-height a multiple of the font size.
NATURAL_LINE = {"Charis SIL": 1.636, "Inter": 1.21, "Noto Naskh Arabic": 1.703}
# The face of complex-script text (Urdu, Arabic, Persian) in every style: one of the
# bundled fonts, OpenType-shaped as Word shapes (Awami Nastaliq needs Graphite, which Word
# does not have).
COMPLEX_SCRIPT_FONT = "Noto Naskh Arabic"
DEFAULT_NATURAL_LINE = 1.2  # a usual font's, for a theme font briefgen does not bundle
WHITE = "FFFFFF"


@dataclass(frozen=True)
class Look:
    """How one Word style is set: what brief.css sets for its element (print rules).

    font: "serif" or "sans"; colour, shade: a theme colour role or "white"; size: in ems
    of the body size; before, after, pad (a box's inner padding), hanging (a list's
    indent; a box title takes its bullets', so that Word joins them in one box): in ems of
    the style's own size; line: CSS line-height; border: (side, role, width pt). A size in
    points (pt) is a fixed one (running heads, notes).
    """

    font: str = "serif"
    colour: str = "ink"
    size: float = 1.0
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    before: float = 0.0
    after: float = 0.0
    line: float = 1.36
    shade: str | None = None
    border: tuple[str, str, float] | None = None
    pad: float = 0.0
    hanging: float = 0.0
    pt: float | None = None


# The key-messages box, the book card and the verdict: shading, a rule, inner padding.
_BOX = dict(shade="tint", border=("left", "accent", 4), pad=1.0)
_CARD = dict(shade="tint", border=("left", "primary", 4), pad=1.0)

# Paragraph styles, after brief.css's print rules (a brief's denser scale).
STYLES: dict[str, Look] = {
    "Normal": Look(after=0.5),
    "Body Text": Look(after=0.5),
    "Title": Look("sans", "primary", 2.1, bold=True, before=0.2, after=0.25, line=1.15),
    "Subtitle": Look("serif", "muted", 1.15, after=0.8, line=1.3),
    "Heading 1": Look("sans", "primary", 1.3, bold=True, before=1.1, after=0.4, line=1.25),
    "Heading 2": Look("sans", "ink", 1.02, bold=True, before=0.8, after=0.25, line=1.3),
    "Heading 3": Look("sans", "ink", 1.02, bold=True, before=0.8, after=0.25, line=1.3),
    "List Bullet": Look(after=0.25),
    "List Number": Look(after=0.25),
    "Lead": Look("serif", "primary", 1.08, after=0.5, line=1.4),
    "Key Point": Look(after=0.25),
    "Quote": Look("serif", "primary", 1.15, italic=True, before=0.7, after=0.3, line=1.35,
                  border=("left", "accent", 3), pad=1.0),
    "Quote Attribution": Look("sans", "muted", 0.8, after=1.0, border=("left", "accent", 3),
                              pad=1.0),
    "Caption": Look("sans", "primary", 0.82, bold=True, before=1.0, after=0.4),
    "Source Note": Look("sans", "muted", 0.75, before=0.35, after=1.0),
    "Header": Look("sans", "muted", pt=7.5, line=1.2),
    "Footer": Look("sans", "muted", pt=7.5, line=1.2),
    "Series": Look("sans", "primary", 0.8, bold=True, caps=True,
                   border=("top", "primary", 5), pad=0.5),
    "Edition": Look("sans", "muted", 0.8, before=0.15, after=1.2),
    "Byline": Look("sans", "ink", 0.85, after=1.0),
    "Draft Mark": Look("sans", "accent", 1.0, bold=True, caps=True, after=0.5),
    "Box Title": Look("sans", "accent", 0.95, bold=True, caps=True, before=0.8, after=0.4,
                      hanging=1.1, **_BOX),
    "Box Bullet": Look("sans", "ink", 0.95, after=0.25, line=1.35, hanging=1.1, **_BOX),
    "Timeline Entry": Look("serif", "ink", 0.88, after=0.35, line=1.35),
    "Recommendation Meta": Look("sans", "muted", 0.78, after=0.3),
    "Recommendation Detail": Look("sans", "ink", 0.82, before=0.15, after=0.15, line=1.35),
    # The bottom line's box takes the book card's rule, so that Word does not join it with
    # the key messages' box below it into one.
    "Bottom Line Title": Look("sans", "primary", 0.95, bold=True, caps=True, before=0.8,
                              after=0.4, **_CARD),
    "Bottom Line": Look("serif", "ink", 1.05, after=0.4, line=1.4, **_CARD),
    "Glossary Entry": Look("serif", "ink", 0.9, after=0.2),
    "Bibliography": Look("serif", "ink", 0.8, after=0.2, line=1.3),
    "Note Text": Look("serif", "ink", 0.68, after=0.1, line=1.25),
    # Word cannot run notes in, as print does (brief.css); set tighter, one a line, they
    # take about the room there.
    "Footnote Text": Look("serif", "ink", pt=7.5, line=1.15),
    "Colophon Heading": Look("sans", "primary", 0.75, bold=True, caps=True, before=1.2,
                             after=0.25, line=1.3),
    "Colophon": Look("sans", "muted", 0.75, after=0.3),
    "Table Text": Look("sans", "ink", 0.78, line=1.3),
    "Table Heading": Look("sans", "white", 0.78, bold=True, line=1.3),
    "TOC Heading": Look("sans", "primary", 1.6, bold=True, after=0.4, line=1.25),
    "TOC 1": Look("sans", "ink", 1.0, after=0.5),
    "TOC 2": Look("sans", "muted", 0.9, after=0.3),
    "TOC 3": Look("sans", "muted", 0.9, after=0.3),
    "Contributors": Look("sans", "muted", 0.78, italic=True, after=0.5),
    "Book Heading": Look("serif", "primary", 1.15, bold=True, after=0.3, **_CARD),
    "Book Details": Look("sans", "ink", 0.85, after=0.2, **_CARD),
    "Verdict Title": Look("sans", "white", 0.9, bold=True, caps=True, before=0.6,
                          shade="primary", pad=0.8),
    "Verdict": Look("serif", "ink", 1.05, italic=True, after=1.2, shade="tint",
                    border=("left", "primary", 1.5), pad=0.8),
    "Assessment Heading": Look("sans", "accent", 1.02, bold=True, before=0.8, after=0.25),
}

# Character styles: (colour role, shading role, bold); the badges of recommendations.
CHARACTER_STYLES: dict[str, tuple[str | None, str | None, bool | None]] = {
    "Hyperlink": ("primary", None, None),
    "Timeline Date": ("accent", None, True),
    "Note Reference": ("accent", None, None),
    "Footnote Reference": ("accent", None, None),
    "Priority High": ("white", "accent", True),
    "Badge": ("primary", "tint", True),
}

def applied_theme(theme: Theme, reference: Path) -> Theme:
    """Return what of theme Word applies: all of it resolved, or only what is set.

    All of it on the built-in reference document; on a user's own, only the values the
    project or profile sets, so the reference keeps its look for the rest. The built-in one
    is known by its bytes, not its path: a project's templates/ may hold a copy of it (this
    repository's does, beside the installed package's).
    """
    return theme.resolved() if _is_builtin(reference) else theme


def _is_builtin(reference: Path) -> bool:
    """Tell whether reference holds the built-in reference document, byte for byte."""
    builtin = builtin_dir() / "docx" / "reference.docx"
    try:  # the reference has passed docx_reference.open_reference: a regular, small file
        return (reference.resolve() == builtin.resolve()
                or reference.stat().st_size == builtin.stat().st_size
                and reference.read_bytes() == builtin.read_bytes())
    except OSError:
        return False


def apply_theme(document: Any, theme: Theme, kind: str) -> None:
    """Set the document's styles from theme (from applied_theme) as brief.css sets the page.

    kind: the document kind; a report is set half a point larger, as in brief.css.
    """
    from .docx_styles import StyleBook

    styles = StyleBook(document)
    base = None if theme.size is None else float(theme.size) + (0.5 if kind == "report" else 0)
    for name, look in STYLES.items():
        if name == "Title" and kind == "report":
            look = replace(look, size=2.8, before=2.5)  # .kind-report .title-block h1
        style = document.styles.element.get_by_id(styles.style_id(name))
        _paragraph_style(style, look, theme, base)
    for name, (colour, shade, bold) in CHARACTER_STYLES.items():
        style = document.styles.element.get_by_id(styles.style_id(name, character=True))
        rpr = style.get_or_add_rPr()
        if (value := _colour(theme, colour)) is not None:
            set_property(rpr, "color", val=value)
        if (value := _colour(theme, shade)) is not None:
            set_property(rpr, "shd", val="clear", color="auto", fill=value)
        if bold and (colour is None or _colour(theme, colour) is not None):
            set_property(rpr, "b")
    _table_style(styles, theme)
    # Complex-script text (where Arabic script occurs, LibreOffice counts a number range's
    # word joiner as such) is set in the styles' cs font: the bundled Arabic face, never
    # the reference's theme-font slots (minorBidi), which name no font briefgen embeds.
    defaults = document.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if defaults is not None and theme.serif:
        set_property(defaults, "rFonts", ascii=theme.serif, hAnsi=theme.serif,
                     eastAsia=theme.serif, cs=COMPLEX_SCRIPT_FONT)
        for fonts in document.styles.element.iter(_w("rFonts")):  # Word's own styles' too
            if fonts.attrib.pop(_w("cstheme"), None) is not None:
                fonts.set(_w("cs"), COMPLEX_SCRIPT_FONT)


def _paragraph_style(style: Any, look: Look, theme: Theme, base: float | None) -> None:
    """Set one paragraph style's run and paragraph properties from look and theme."""
    rpr = style.get_or_add_rPr()
    ppr = style.get_or_add_pPr()
    font = getattr(theme, look.font)
    if font is not None:
        old = rpr.find(_w("rFonts"))  # keeps its complex-script font: Arabic script
        cs = old.get(_w("cs")) if old is not None else None
        set_property(rpr, "rFonts", ascii=font, hAnsi=font, eastAsia=font,
                     cs=cs or COMPLEX_SCRIPT_FONT)
    if (colour := _colour(theme, look.colour)) is not None:
        set_property(rpr, "color", val=colour)
    if base is None:  # sizes, spacing and the box only where the theme sets the size
        _box(ppr, look, theme, None, None)
        return
    size = look.pt or look.size * base
    for tag in ("sz", "szCs"):
        set_property(rpr, tag, val=str(round(size * 2)))
    for tag, value in (("b", look.bold), ("i", look.italic), ("caps", look.caps)):
        if value is not None:
            set_property(rpr, tag, val="1" if value else "0")
    natural = NATURAL_LINE.get(font or "", DEFAULT_NATURAL_LINE)
    # Word's "multiple" line spacing (240ths of the font's natural line): the CSS line
    # height, so a line is as tall as in the PDF; a taller run (an Arabic term) may grow it.
    set_property(ppr, "spacing", before=_twips(look.before * size),
         after=_twips(look.after * size), line=str(round(240 * look.line / natural)),
         lineRule="auto")
    # What python-docx's default template gives Title and Subtitle and brief.css does
    # not: a rule under the title, letter spacing.
    for parent, tag in ((ppr, "pBdr"), (rpr, "spacing"), (ppr, "contextualSpacing")):
        if (old := parent.find(_w(tag))) is not None:
            parent.remove(old)
    _box(ppr, look, theme, size, base)


def _box(ppr: Any, look: Look, theme: Theme, size: float | None, base: float | None) -> None:
    """Give ppr look's shading, rule and inner padding, in the theme's colours.

    Word has no padding: a border's distance from the text (w:space, at most 31 pt) is
    the padding, and hairlines in the shading's own colour pad the other sides. Word and
    LibreOffice join consecutive paragraphs with the same borders and indents into one
    box, so the padding is in ems of the body size (base), alike for all of a box's
    styles. size None (a user's reference): only recolour, keeping the reference's shapes.
    """
    shade = _colour(theme, look.shade)
    if shade is not None:
        set_property(ppr, "shd", val="clear", color="auto", fill=shade)
    side, role, width = look.border or ("", None, 0.0)
    rule = _colour(theme, role)
    if size is None or base is None:
        if rule is not None:
            borders = ppr.find(_w("pBdr"))
            borders = set_property(ppr, "pBdr") if borders is None else borders
            edge = borders.find(_w(side))
            if edge is None:
                _edge(borders, side, width, 4, rule)
            else:
                edge.set(_w("color"), rule)
        return
    if look.border is None and shade is None:
        return
    pad = min(31, round(look.pad * base))
    borders = set_property(ppr, "pBdr")
    if side == "top":  # a rule above the masthead, its padding below it
        _edge(borders, "top", width, pad, rule or "auto")
        return
    for edge in ("top", "left", "bottom", "right"):  # the schema's order
        if edge == side:
            _edge(borders, edge, width, pad, rule or "auto")
        elif shade is not None:
            _edge(borders, edge, 0.5, pad if edge == "right" else round(pad / 2), shade)
    # The box stands in the text column, as in the PDF: the text moves in by the rule and
    # its padding (and a list's indent); the right padding lies inside the column too.
    hanging = look.hanging * size
    ind = set_property(ppr, "ind", left=_twips(width + pad + hanging),
               right=_twips(width + pad) if shade else "0")
    if hanging:
        ind.set(_w("hanging"), _twips(hanging))


def _edge(borders: Any, side: str, width: float, space: int, colour: str) -> None:
    """Append a single border on side: width in points, space (padding) in points."""
    edge = borders.makeelement(_w(side), {})
    for key, value in (("val", "single"), ("sz", str(round(width * 8))),
                       ("space", str(space)), ("color", colour)):
        edge.set(_w(key), value)
    borders.append(edge)


def _table_style(styles: Any, theme: Theme) -> None:
    """Set Brief Table's heading shading, rules and font from the theme."""
    table = styles.table_style("Brief Table")
    if table is None:
        return
    element = table.element
    for shd in element.iter(_w("shd")):  # the heading row's; the banded rows stay grey
        if shd.get(_w("fill")) != "F6F8FA" and (value := _colour(theme, "primary")):
            shd.set(_w("fill"), value)
    for edge in element.iter(_w("bottom"), _w("insideH")):
        if value := _colour(theme, "rule"):
            edge.set(_w("color"), value)
    for fonts in element.iter(_w("rFonts")) if theme.sans else ():
        fonts.set(_w("ascii"), theme.sans)
        fonts.set(_w("hAnsi"), theme.sans)


def _colour(theme: Theme, role: str | None) -> str | None:
    """Return the hex colour of a role (a theme colour or white), or None if unset."""
    if role is None:
        return None
    if role == "white":
        return WHITE
    value = getattr(theme, role)
    return value.lstrip("#").upper() if value else None


def _twips(points: float) -> str:
    """Return points in twentieths of a point, as Word's spacing and indents take them."""
    return str(round(points * 20))


def _w(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{name}")
