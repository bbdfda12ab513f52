"""The theme: the one source of an edition's colours, fonts, type size and page geometry.

A value comes from the first of: the audience profile's `theme`, the project's theme file
(`theme.yaml` in its templates folder), the built-in DEFAULTS (brief.css's look). PDF and
HTML read the theme as CSS (`Theme.css`); Word reads it as styles and section geometry
(docx_theme.py, docx_document.set_page). A value left unset is None here, so a renderer can
tell what a project or profile says from what it inherits (a corporate reference.docx
keeps its own look for everything the theme does not say).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from .models import Model

__all__ = ["DEFAULTS", "Margins", "Theme", "css_string"]

_COLOUR = r"#[0-9A-Fa-f]{6}"
Colour = Annotated[str, Field(pattern=rf"^{_COLOUR}$", description="#rrggbb")]
# A font family name as a user types it; written into the CSS as an escaped string.
FontName = Annotated[str, Field(min_length=1, max_length=100)]
Millimetres = Annotated[float, Field(ge=0, le=100, description="Millimetres.")]

COLOURS = ("ink", "muted", "primary", "accent", "tint", "rule")
FONTS = ("serif", "sans")
SIDES = ("top", "right", "bottom", "left")


class Margins(Model):
    """The page margins in millimetres; each side unset takes the one it inherits."""

    top: Millimetres | None = None
    right: Millimetres | None = None
    bottom: Millimetres | None = None
    left: Millimetres | None = None


class Theme(Model):
    """Colours, fonts, type size and page geometry; unset values are inherited."""

    ink: Colour | None = Field(None, description="Body text.")
    muted: Colour | None = Field(None, description="Secondary text: bylines, sources, footers.")
    primary: Colour | None = Field(None, description="Headings, title, table heads.")
    accent: Colour | None = Field(None, description="Numbers, rules, the key-messages box.")
    tint: Colour | None = Field(None, description="Background of boxes.")
    rule: Colour | None = Field(None, description="Thin rules between table rows and blocks.")
    serif: FontName | None = Field(None, description="Body font family, e.g. 'Georgia'.")
    sans: FontName | None = Field(None, description="Heading font family, e.g. 'Arial'.")
    size: float | None = Field(None, ge=6, le=16,
                               description="Body text size in print, in points (a report "
                                           "sets half a point larger).")
    margins: Margins | None = Field(None, description="Page margins in millimetres.")
    header: Millimetres | None = Field(
        None, description="Distance from the top edge of the page to the running header.")
    footer: Millimetres | None = Field(
        None, description="Distance from the bottom edge of the page to the footer.")
    first_page_header: bool | None = Field(
        None, description="Whether the first page (the title's) has the running header.")

    def over(self, base: Theme) -> Theme:
        """Return this theme with every value it leaves unset taken from base."""
        values: dict[str, Any] = {name: getattr(self, name) if getattr(self, name) is not None
                                  else getattr(base, name) for name in type(self).model_fields}
        if self.margins is not None and base.margins is not None:
            values["margins"] = Margins(**{side: getattr(self.margins, side)
                                           if getattr(self.margins, side) is not None
                                           else getattr(base.margins, side) for side in SIDES})
        return Theme.model_construct(**values)

    def resolved(self) -> Theme:
        """Return this theme with every unset value taken from the built-in DEFAULTS."""
        return self.over(DEFAULTS)

    def margins_mm(self) -> tuple[float, float, float, float]:
        """Return the resolved top, right, bottom and left margins in millimetres."""
        margins = self.resolved().margins
        assert margins is not None
        return tuple(float(getattr(margins, side)) for side in SIDES)  # type: ignore[return-value]

    def css(self, direction: str = "ltr") -> str:
        """Return the :root rule of the values set and the @page rule of the page geometry.

        The result is CSS a <style> element may hold as it stands: colours are checked
        again here, numbers are numbers, and font names are CSS strings in which anything
        but letters, digits, spaces and - _ . , ' is a CSS escape, so no value can end a
        string, a rule or the <style> element. The geometry is always written (brief.css
        states none), the colours and fonts only when set (brief.css holds the defaults,
        with their fallback fonts). direction "rtl" (a right-to-left edition) swaps the
        left and right margins.
        """
        values = {name: getattr(self, name) for name in COLOURS
                  if getattr(self, name) and re.fullmatch(_COLOUR, getattr(self, name))}
        # The bundled Arabic face follows a theme's font, as in brief.css: its unicode-range
        # (fonts.css) keeps it to Arabic script, which the theme's font may well lack.
        if self.serif:
            values["serif"] = f'{css_string(self.serif)}, "Noto Naskh Arabic", serif'
        if self.sans:
            values["sans"] = f'{css_string(self.sans)}, "Noto Naskh Arabic", sans-serif'

        if self.size is not None:
            values["size"] = f"{float(self.size):g}pt"
        rules = "; ".join(f"--{k}: {v}" for k, v in values.items())
        full = self.resolved()
        top, right, bottom, left = self.margins_mm()
        if direction == "rtl":  # a binding margin goes to the right of a right-to-left page
            left, right = right, left
        margins = " ".join(f"{value:g}mm" for value in (top, right, bottom, left))
        # The running header hangs from the top edge, the footer stands on the bottom one,
        # each at its distance, as Word places them (docx_document.set_page). Both corners
        # of each are styled: a right-to-left edition uses the mirrored ones (base.html);
        # a margin box with no content is not drawn.
        # Page one (the title's) has no running header unless the theme says so.
        head = f"vertical-align: top; padding-top: {float(full.header):g}mm"
        foot = f"vertical-align: bottom; padding-bottom: {float(full.footer):g}mm"
        first = ("" if full.first_page_header else
                 " @page :first { @top-left { content: none } @top-right { content: none } }")
        page = (f"@media print {{ @page {{ margin: {margins}; "
                f"@top-left {{ {head} }} @top-right {{ {head} }} "
                f"@bottom-right {{ {foot} }} @bottom-left {{ {foot} }} }}{first} }}")
        return (f":root {{ {rules} }}\n" if rules else "") + page


def css_string(text: str) -> str:
    """Return text as a double-quoted CSS string, escaping all but plain characters.

    CSS escapes (CSS Syntax 3, 4.3.7): a backslash, the code point in hex, and a space
    that ends the escape. See https://www.w3.org/TR/css-syntax-3/#consume-escaped-code-point
    """
    return '"' + "".join(ch if ch.isalnum() or ch in " -_.,'" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


# The built-in look: brief.css's :root values, its print size and its page geometry.
DEFAULTS = Theme(
    ink="#1c2329", muted="#5a6570", primary="#14395c", accent="#b4462b", tint="#edf2f6",
    rule="#c7d1da", serif="Charis SIL", sans="Inter", size=9.5,
    margins=Margins(top=17, right=18, bottom=15, left=18), header=10, footer=6,
    first_page_header=False,
)
