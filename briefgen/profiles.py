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

__all__ = ["AudienceProfile", "EditionOptions", "KindOptions", "Limits", "Readability",
           "RECOMMENDATION_FIELDS", "Theme", "css_string"]

# The fields of a recommendation an edition may require (recommendation_fields).
RECOMMENDATION_FIELDS = ("actors", "horizon", "priority", "cost", "risk", "source")


class Limits(Model):
    """Length limits; `briefgen validate` warns when a document runs over them."""

    words_per_section: int | None = Field(
        None, gt=0, description="Most words in the text a section shows (lead, body).")
    key_messages: int | None = Field(None, gt=0, description="Most key messages.")
    pages: int | None = Field(None, gt=0, description="Most PDF pages; checked on build.")
    sources: int | None = Field(
        None, gt=0, description="Most entries in a short source list (references: short).")
    kinds: list[str] | None = Field(
        None, description="Document kinds the limits apply to; default: every kind. "
                          "A profile's `kinds:` says the same more fully.")

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


class EditionOptions(Model):
    """What an edition shows and how: the options a profile sets, and may set per kind."""

    sections: list[Literal[REPORT_SECTION_IDS]] | None = Field(  # type: ignore[valid-type]
        None, description="Sections to show, in order; default: all, in the document's order.")
    blocks: list[Literal[BLOCK_IDS]] | None = Field(  # type: ignore[valid-type]
        None, description="Section blocks to show; default: all.")
    text: Literal["full", "lead"] = Field(
        "full", description="'lead': show only each section's lead paragraph, not its body.")
    opening: Literal["summary", "bottom_line"] = Field(
        "summary", description="What the edition opens with: the summary, or the document's "
                               "bottom line ahead of the key messages (the summary where a "
                               "document has no bottom line).")
    watch: bool = Field(True, description="Show the document's 'What to watch' list, after "
                                          "the recommendations.")
    abbreviations: Literal["as_written", "expand"] = Field(
        "as_written", description="'expand': spell out each glossary term at its first use "
                                  "in running text ('Shanghai Cooperation Organisation "
                                  "(SCO)'), and warn of abbreviations the glossary lacks.")
    recommendation_fields: list[Literal[RECOMMENDATION_FIELDS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Fields each recommendation must have in this "
                                          "edition; validate warns of each one missing.")
    references: Literal["full", "short", "hidden"] = Field(
        "full", description="'short': a list of sources, the works cited in what this "
                            "edition shows.")
    notes: Literal["footnotes", "endnotes", "hidden"] = Field(
        "footnotes", description="How citations and notes appear: at the foot of each page, "
                                 "numbered at the end, or not at all (pair 'hidden' with "
                                 "references: short for a list of sources).")
    glossary: Literal["all", "used", "hidden"] = Field(
        "all", description="'used': only the terms that occur in the text this variant shows.")
    limits: Limits = Field(default_factory=Limits)
    readability: Readability = Field(default_factory=Readability)


class KindOptions(EditionOptions):
    """A profile's options for one kind of document: each key given replaces the profile's."""


class AudienceProfile(EditionOptions):
    """One audience variant: what appears, in which order, how long, on what paper."""

    name: str = Field("", description="Set from the file name.")
    label: str = Field(description="Human name, shown on the title block.")
    description: str = ""
    kinds: dict[Literal["policy-brief", "report", "book-review"], KindOptions] = Field(
        default_factory=dict, description="Options for one kind of document, over the "
                                          "profile's: {report: {text: lead}}.")
    theme: Theme = Field(default_factory=Theme)
    page_size: Literal["A4", "Letter"] = "A4"

    def for_kind(self, kind: str) -> AudienceProfile:
        """Return this profile as it applies to kind: its `kinds` entry over its own options."""
        options = self.kinds.get(kind)  # type: ignore[call-overload]
        if options is None:
            return self
        return self.model_copy(update={key: getattr(options, key)
                                       for key in options.model_fields_set})

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
