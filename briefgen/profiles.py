"""Audience profiles: what each variant shows, how long it may run, and its look.

One YAML file per profile in a templates folder's audiences/ (see templates.py for how
folders are searched); validated against these models.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from .bibliography import sort_references
from .models import BLOCK_IDS, REPORT_SECTION_IDS, Model, Reference

__all__ = ["AudienceProfile", "Limits", "Theme", "css_string"]

_COLOUR = r"#[0-9A-Fa-f]{6}"
Colour = Annotated[str, Field(pattern=rf"^{_COLOUR}$", description="#rrggbb")]
# A font family name as a user types it; written into the CSS as an escaped string.
FontName = Annotated[str, Field(min_length=1, max_length=100)]


class Theme(Model):
    """Colours and fonts; each replaces one custom property of the stylesheet."""

    primary: Colour | None = Field(None, description="Headings, title, table heads.")
    accent: Colour | None = Field(None, description="Numbers, rules, the key-messages box.")
    tint: Colour | None = Field(None, description="Background of boxes.")
    serif: FontName | None = Field(None, description="Body font family, e.g. 'Georgia'.")
    sans: FontName | None = Field(None, description="Heading font family, e.g. 'Arial'.")

    def css(self) -> str:
        """Return the :root rule that applies this theme, or '' if it changes nothing.

        The result is CSS a <style> element may hold as it stands: colours are checked
        again here, and font names are CSS strings in which anything but letters, digits,
        spaces and - _ . , ' is a CSS escape, so no value can end a string, a rule or
        the <style> element.
        """
        colours = {"primary": self.primary, "accent": self.accent, "tint": self.tint}
        values = {name: value for name, value in colours.items()
                  if value and re.fullmatch(_COLOUR, value)}
        if self.serif:
            values["serif"] = f"{css_string(self.serif)}, serif"
        if self.sans:
            values["sans"] = f"{css_string(self.sans)}, sans-serif"
        rules = "; ".join(f"--{k}: {v}" for k, v in values.items())
        return f":root {{ {rules} }}" if rules else ""


def css_string(text: str) -> str:
    """Return text as a double-quoted CSS string, escaping all but plain characters.

    CSS escapes (CSS Syntax 3, 4.3.7): a backslash, the code point in hex, and a space
    that ends the escape. See https://www.w3.org/TR/css-syntax-3/#consume-escaped-code-point
    """
    return '"' + "".join(ch if ch.isalnum() or ch in " -_.,'" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


class Limits(Model):
    """Length limits; `briefgen validate` warns when a document runs over them."""

    words_per_section: int | None = Field(
        None, gt=0, description="Most words in the text a section shows (lead, body).")
    key_messages: int | None = Field(None, gt=0, description="Most key messages.")
    pages: int | None = Field(None, gt=0, description="Most PDF pages; checked on build.")
    kinds: list[str] | None = Field(
        None, description="Document kinds the limits apply to; default: every kind.")

    def for_kind(self, kind: str) -> Limits:
        """Return these limits if they apply to kind, else no limits at all."""
        return self if self.kinds is None or kind in self.kinds else Limits()


class AudienceProfile(Model):
    """One audience variant: what appears, in which order, how long, on what paper."""

    name: str = Field("", description="Set from the file name.")
    label: str = Field(description="Human name, shown on the title block.")
    description: str = ""
    sections: list[Literal[REPORT_SECTION_IDS]] | None = Field(  # type: ignore[valid-type]
        None, description="Sections to show, in order; default: all, in the document's order.")
    blocks: list[Literal[BLOCK_IDS]] | None = Field(  # type: ignore[valid-type]
        None, description="Section blocks to show; default: all.")
    text: Literal["full", "lead"] = Field(
        "full", description="'lead': show only each section's lead paragraph, not its body.")
    references: Literal["full", "short", "hidden"] = Field(
        "full", description="'short': a further-reading list of the works cited in what "
                            "this variant shows.")
    notes: Literal["footnotes", "endnotes", "hidden"] = Field(
        "footnotes", description="How citations and notes appear: at the foot of each page, "
                                 "numbered at the end, or not at all (pair 'hidden' with "
                                 "references: short for a further-reading list).")
    glossary: Literal["all", "used", "hidden"] = Field(
        "all", description="'used': only the terms that occur in the text this variant shows.")
    limits: Limits = Field(default_factory=Limits)
    theme: Theme = Field(default_factory=Theme)
    page_size: Literal["A4", "Letter"] = "A4"

    def section_order(self, kind: str, order: list[str]) -> list[str]:
        """Return the ids of the sections this audience shows, in the order it shows them.

        order is the document's. A profile picks the sections and their order; a book
        review keeps the book's order (its sections are the book's parts), so there the
        profile only picks.
        """
        wanted = self.sections or order
        return [sid for sid in (order if kind == "book-review" else wanted) if sid in wanted]

    def listed_references(self, references: list[Reference], cited: set[str]) -> list[Reference]:
        """Return the works the bibliography lists, sorted: all, only those cited, or none."""
        return [ref for ref in sort_references(references)
                if self.references == "full" or (self.references == "short" and ref.id in cited)]

    def listed_terms(self, glossary: dict[str, str], text: str) -> list[tuple[str, str]]:
        """Return the glossary's (term, expansion) pairs listed: all, those used in text, none.

        text is what the edition shows; a term is used if it stands there as a word of its
        own. Terms are sorted without regard to case.
        """
        if self.glossary == "hidden":
            return []
        return sorted(((term, expansion) for term, expansion in glossary.items()
                       if self.glossary == "all"
                       or re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text)),
                      key=lambda pair: pair[0].casefold())
