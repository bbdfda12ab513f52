"""Audience profiles: what each variant shows, how long it may run, and its look.

One YAML file per profile in a templates folder's audiences/ (see templates.py for how
folders are searched); validated against these models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .models import BLOCK_IDS, REPORT_SECTION_IDS, Model

__all__ = ["AudienceProfile", "Limits", "Theme"]

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#rrggbb")]


class Theme(Model):
    """Colours and fonts; each replaces one custom property of the stylesheet."""

    primary: Colour | None = Field(None, description="Headings, title, table heads.")
    accent: Colour | None = Field(None, description="Numbers, rules, the key-messages box.")
    tint: Colour | None = Field(None, description="Background of boxes.")
    serif: str | None = Field(None, description="Body font family, e.g. 'Georgia'.")
    sans: str | None = Field(None, description="Heading font family, e.g. 'Arial'.")

    def css(self) -> str:
        """Return the :root rule that applies this theme, or '' if it changes nothing."""
        values = {"primary": self.primary, "accent": self.accent, "tint": self.tint,
                  "serif": f'"{self.serif}", serif' if self.serif else None,
                  "sans": f'"{self.sans}", sans-serif' if self.sans else None}
        rules = "; ".join(f"--{k}: {v}" for k, v in values.items() if v)
        return f":root {{ {rules} }}" if rules else ""


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
