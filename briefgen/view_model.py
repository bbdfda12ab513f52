"""The view's types: what one edition shows, as frozen dataclasses of parsed Markdown.

view.build_view fills them; context.py and the Word writer read them. Split from view.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chartcache import ChartView
from .docmodel import Block, Inline
from .locales import Locale
from .models import Author, Book, Meta, Reference
from .profiles import AudienceProfile

__all__ = ["AssessmentView", "BlockItem", "BlockView", "DocumentView", "EntryView",
           "FigureView", "Origin", "QuoteView", "RecommendationView", "ReferenceView",
           "SectionView", "TableView", "XRefTarget", "reading_order"]


@dataclass(frozen=True)
class QuoteView:
    """A quote of a section: its words, who said them, and the work it is taken from."""
    text: list[Inline]
    speaker: str
    role: str | None
    cite: str | None  # a reference id


@dataclass(frozen=True)
class EntryView:
    """A timeline entry: its date as given ('2016-09') and as written ('September 2016')."""
    date: str
    date_text: str
    title: str
    cite: str | None  # a reference id
    text: list[Inline] | None


@dataclass(frozen=True)
class TableView:
    """A table, numbered through the document; each cell is parsed inline Markdown."""
    number: int
    caption: str
    columns: list[str]
    rows: list[list[list[Inline]]]
    source: list[Inline] | None


@dataclass(frozen=True)
class FigureView:
    """A figure, numbered through the document: an image file or a chart."""
    number: int
    caption: str
    alt: str
    image: Path | None  # the image file; the page carries it as a data: URI
    chart: ChartView | None
    source: list[Inline] | None


@dataclass(frozen=True)
class RecommendationView:
    """One numbered recommendation: what to do, who acts, when, how urgently, at what cost.

    In a book review it is the book's: source says where in the book it is made.
    """
    number: int
    title: str
    text: list[Block]
    actors: list[str]
    horizon: str | None
    priority: str | None
    cost: list[Inline] | None = None
    risk: list[Inline] | None = None
    source: list[Inline] | None = None


@dataclass(frozen=True)
class ReferenceView:
    """One entry of the bibliography the edition shows."""
    id: str
    entry: list[Inline]


@dataclass(frozen=True)
class AssessmentView:
    """A book review's assessment: strengths, gaps and the reviewer's verdict."""
    strengths: list[list[Inline]]
    gaps: list[list[Inline]]
    verdict: list[Block]


@dataclass(frozen=True)
class XRefTarget:
    """What a [@tbl:id] or [@fig:id] points at; number None if the edition leaves it out."""
    kind: str  # "table" | "figure"
    number: int | None
    caption: str


BlockItem = list[Inline] | QuoteView | EntryView | TableView | FigureView


@dataclass(frozen=True)
class BlockView:
    """One block of a section, its items in the section's order."""
    kind: str  # key_points (items: list[Inline]) | quotes | tables | timeline | figures
    items: list[BlockItem]


@dataclass(frozen=True)
class SectionView:
    """A section as the edition shows it: its lead, its body if shown, its blocks."""
    id: str
    title: str
    number: str  # "1", "2", … in the order shown; "A" for an annex
    lead: list[Inline] | None
    body: list[Block]
    blocks: list[BlockView] = field(default_factory=list)
    items: list[RecommendationView] = field(default_factory=list)  # recommendations only
    contributors: list[str] = field(default_factory=list)  # book reviews only


@dataclass(frozen=True)
class Origin:
    """The file a view was made from, as the Word file's provenance record names it."""
    file: str  # the YAML file's name
    lines: list[str]  # its text, for the digest
    model: Any  # the validated document, whose string values the record keeps


@dataclass(frozen=True)
class DocumentView:
    """One edition of a document: everything its page and its Word file show."""
    kind: str
    name: str
    meta: Meta
    audience: AudienceProfile
    labels: dict[str, Any]
    locale: Locale  # the language's dates, numbers, quotation marks and direction
    date_text: str
    summary: list[Block]  # empty when the edition opens with the bottom line
    key_messages: list[list[Inline]]
    sections: list[SectionView]
    references: list[ReferenceView]  # the bibliography shown
    glossary: list[tuple[str, str]]
    all_references: list[Reference]  # every work, for notes
    logo: Path | None = None  # the logo file; the page carries it as a data: URI
    citation_style: str = ""  # the citation style's name, in the edition's language
    book: Book | None = None  # book reviews: the book, the reviewer and the assessment
    reviewer: Author | None = None
    assessment: AssessmentView | None = None
    linked_refs: frozenset[str] = frozenset()  # ids with a bibliography entry to link to
    has_notes: bool = False  # citations or notes in what this edition shows
    xrefs: dict[str, XRefTarget] = field(default_factory=dict)  # by "tbl:id" / "fig:id"
    charts: dict[int, ChartView] = field(default_factory=dict)  # by figure number
    data_as_of_text: str | None = None
    opening: str = "summary"  # "summary" | "bottom_line": what the edition opens with
    bottom_line: list[Block] = field(default_factory=list)  # shown when opening is it
    watch: list[list[Inline]] = field(default_factory=list)  # "What to watch", if shown
    # Abbreviations the glossary lacks, in an edition that spells them out: (word, path).
    unglossed: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    origin: Origin | None = None

    @property
    def reading_order(self) -> list[str]:
        """The parts of this edition in the order its page shows them (see reading_order)."""
        return reading_order(self.kind, self.opening, [s.id for s in self.sections],
                             self.assessment is not None)


def reading_order(kind: str, opening: str, section_ids: list[str],
                  assessment: bool) -> list[str]:
    """Return the parts of an edition in the order the built-in pages show them.

    The parts: "bottom_line" (ahead of the key messages), "key_messages", "summary",
    each section id, "watch" (after the recommendations, or last) and "assessment". A
    book review sets the book's recommendations after the reviewer's assessment. This
    one order numbers the notes (context.py) and decides which use of an abbreviation
    is the first (abbreviations.py); the page templates follow it.
    """
    late = "recommendations" if kind == "book-review" else None
    out = ["bottom_line"] if opening == "bottom_line" else []
    out.append("key_messages")
    if opening == "summary":
        out.append("summary")
    for sid in section_ids:
        if sid != late:
            out += [sid, "watch"] if sid == "recommendations" else [sid]
    if assessment:
        out.append("assessment")
    if late in section_ids:
        out += ["recommendations", "watch"]
    return out if "watch" in out else [*out, "watch"]
