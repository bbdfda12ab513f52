"""Audience profiles: what each variant shows, how long it may run, and its look.

One YAML file per profile in a templates folder's audiences/ (see templates.py for how
folders are searched); validated against these models. A profile's `theme` is a
theme.Theme; templates.TemplateSet.audience gives it merged over the project's theme file.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from .bibliography import sort_references
from .models import BLOCK_IDS, REPORT_SECTION_IDS, Model, Reference
from .theme import Theme, css_string

__all__ = ["AudienceProfile", "Limits", "Readability", "Theme", "css_string"]


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


class Readability(Model):
    """Plain-language targets; `briefgen validate` warns for each section that misses one."""

    sentence_words: float | None = Field(
        None, gt=0, description="Most words per sentence, on average over a section.")
    grade: float | None = Field(
        None, gt=0, description="Highest reading grade of a section (Flesch–Kincaid, "
                                "for languages that have the formula).")


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
    readability: Readability = Field(default_factory=Readability)
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
