"""The content format as Pydantic models: what a YAML content file may and must contain.

Every model forbids unknown keys. Field descriptions feed `briefgen schema` and editors'
completion. A field of type `Markdown` (or `MarkdownCell`) holds Markdown, which the
loader parses and checks (`fields.py`). Consistency rules that need the whole document
(citations resolve, table rows have as many cells as columns, files exist) live in
`checks.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

from .chart_data import check as check_chart
from .fields import Markdown, MarkdownCell
from .models_meta import (
    Author,
    Book,
    Licence,
    Meta,
    Model,
    Organisation,
    Reference,
    ReferenceId,
)

__all__ = [
    "KINDS",
    "REPORT_SECTION_IDS",
    "SECTION_IDS",
    "Assessment",
    "Author",
    "Book",
    "BookReview",
    "Document",
    "Figure",
    "Licence",
    "Meta",
    "Model",
    "Organisation",
    "PolicyBrief",
    "Report",
    "ReportSections",
    "Quote",
    "Recommendation",
    "Reference",
    "Section",
    "Table",
    "TimelineEntry",
]

SECTION_IDS = ("history", "strategic", "economic", "societal", "recommendations")
REPORT_SECTION_IDS = ("methodology", *SECTION_IDS, "annex")
BLOCK_IDS = ("key_points", "quotes", "tables", "timeline", "figures")



def _partial_date(value: Any) -> Any:
    """Accept a year (2016), a year-month ('2016-09') or a date; keep it as ISO text."""
    if isinstance(value, bool):
        return value  # let the string check reject it
    if isinstance(value, int) and 1000 <= value <= 2999:
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:  # a date written in quotes is still a date
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError("expected a year (2016), a year and month ('2016-09') or a date "
                     f"(2016-09-24), found {value!r}")


PartialDate = Annotated[str, BeforeValidator(_partial_date), WithJsonSchema({
    "anyOf": [{"type": "integer", "minimum": 1000, "maximum": 2999},
              {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}],
    "description": "A year, a year-month ('2016-09') or an ISO date."})]


class Quote(Model):
    text: MarkdownCell = Field(description="The quoted words (or a reported statement).")
    speaker: str
    role: str | None = Field(None, description="Speaker's role or occasion.")
    cite: ReferenceId | None = Field(None, description="Reference the quote is taken from.")


ObjectId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                                description="Name for cross-references: [@tbl:id], [@fig:id].")]


class Table(Model):
    id: ObjectId | None = None
    caption: str
    columns: list[str] = Field(min_length=1, description="Column headings.")
    rows: list[list[MarkdownCell]] = Field(min_length=1,
                                           description="Rows of cells (inline Markdown).")
    source: Markdown | None = Field(None, description="Source line under the table.")


class TimelineEntry(Model):
    date: PartialDate = Field(description="A year, a year-month ('2016-09') or an ISO date.")
    title: str
    text: Markdown | None = None
    cite: ReferenceId | None = None


# A chart value: .nan and .inf are YAML floats, but no bar or point can be drawn for them.
Number = Annotated[float, Field(allow_inf_nan=False)]


class Series(Model):
    name: str
    points: list[tuple[Number | str, Number]] = Field(min_length=1)


class Chart(Model):
    type: Literal["line", "bar"]
    x_label: str | None = None
    y_label: str | None = None
    series: list[Series] = Field(min_length=1)

    @model_validator(mode="after")
    def _drawable(self) -> Chart:
        check_chart(self)  # x values all numbers or all labels, none repeated
        return self


class Figure(Model):
    id: ObjectId | None = None
    caption: str
    alt: str = Field(min_length=1, description="Text alternative for readers who cannot see it.")
    image: str | None = Field(None, description="PNG or JPEG file, relative to this file.")
    chart: Chart | None = Field(None, description="A chart drawn from data.")
    source: Markdown | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Figure:
        if (self.image is None) == (self.chart is None):
            raise ValueError("a figure needs exactly one of 'image' or 'chart'")
        return self


class _Ordered(Model):
    """A model that remembers the order in which its optional keys were written."""

    _ordered_keys: ClassVar[tuple[str, ...]] = ()
    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(cls, data: Any, handler: Any) -> Any:
        instance = handler(data)
        if isinstance(data, dict):
            instance._order = [k for k in data if k in cls._ordered_keys]
        return instance

    @property
    def order(self) -> list[str]:
        return [k for k in self._order if getattr(self, k)]


class Section(_Ordered):
    _ordered_keys = BLOCK_IDS

    title: str
    lead: Markdown | None = Field(None, description="One opening paragraph.")
    body: Markdown | None = None
    contributors: list[str] = Field(
        default_factory=list, description="Book review: authors of the chapters behind this "
                                          "section.")
    key_points: list[Markdown] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)


class Recommendation(Model):
    title: str
    text: Markdown
    actors: list[str] = Field(default_factory=list, description="Who should act.")
    horizon: Literal["short", "medium", "long"] | None = Field(
        None, description="By when: short (within a year), medium (one to three years), "
                          "long (beyond three years).")
    priority: Literal["high", "medium", "low"] | None = None
    cost: MarkdownCell | None = Field(None, description="Its cost or trade-off.")
    risk: MarkdownCell | None = Field(None, description="The risk of not acting.")
    source: MarkdownCell | None = Field(
        None, description="Book review: where in the book the recommendation is made.")


class Recommendations(Model):
    title: str
    lead: Markdown | None = None
    body: Markdown | None = None
    items: list[Recommendation] = Field(min_length=1)


class Sections(_Ordered):
    """The five analytical sections; the order written is the default order."""

    _ordered_keys = SECTION_IDS

    history: Section | None = None
    strategic: Section | None = None
    economic: Section | None = None
    societal: Section | None = None
    recommendations: Recommendations | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Sections:
        if not any(getattr(self, k) for k in self._ordered_keys):
            raise ValueError(f"at least one section is needed: {', '.join(self._ordered_keys)}")
        return self


class ReportSections(Sections):
    """A report's sections: the five, plus how the work was done and an annex."""

    _ordered_keys = REPORT_SECTION_IDS

    methodology: Section | None = None
    annex: Section | None = None


class Document(Model):
    """Keys shared by every kind of document."""

    kind: str
    meta: Meta
    audiences: list[str] = Field(default_factory=lambda: ["policymaker", "academic", "public"],
                                 min_length=1, description="Audience variants built by default.")
    summary: Markdown = Field(description="Executive summary or abstract.")
    key_messages: list[MarkdownCell] = Field(min_length=3, max_length=6,
                                    description="Three to six one-sentence messages.")
    bottom_line: Markdown | None = Field(
        None, description="The memo's opening: the one paragraph a busy reader takes away.")
    sections: Sections
    watch: list[MarkdownCell] = Field(
        default_factory=list, description="What to watch: signs that would change the advice.")
    references: list[Reference] = Field(default_factory=list)
    glossary: dict[str, str] = Field(default_factory=dict, description="Acronym: expansion.")


class PolicyBrief(Document):
    kind: Literal["policy-brief"]


class Assessment(Model):
    strengths: list[Markdown] = Field(min_length=1)
    gaps: list[Markdown] = Field(min_length=1)
    verdict: Markdown = Field(description="The reviewer's overall judgement, a short paragraph.")


class BookReview(Document):
    """A review-style summary of a book, its parts mapped onto the five sections."""

    kind: Literal["book-review"]
    book: Book
    reviewer: Author
    assessment: Assessment


class Report(Document):
    """The long form: the five sections plus methodology and annex, with a contents page."""

    kind: Literal["report"]
    sections: ReportSections


KINDS: dict[str, type[Document]] = {"policy-brief": PolicyBrief, "book-review": BookReview,
                                    "report": Report}
