"""Build the view of one edition: what a document shows for one audience, Markdown parsed.

The view decides once, for every format, what the edition holds and in which order: its
sections and blocks, the numbers of sections, tables and figures, the references and
glossary terms it lists, its labels and its charts. `context.build_context` turns it into
the plain data of a page in one medium (numbering the notes, before Jinja runs): the
screen page, which is the HTML output and what Word is written from, or the print page,
which WeasyPrint lays out as the PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from . import bibliography
from .chartcache import ChartCache, ChartView, chart_colours
from .content import LoadedDocument
from .docmodel import Block, Cite, Inline, Note, Text
from .errors import Diagnostic
from .models import Author, Book, Meta, Reference, Section
from .profiles import AudienceProfile

__all__ = ["AssessmentView", "BlockView", "DocumentView", "EntryView", "FigureView",
           "QuoteView", "RecommendationView", "ReferenceView", "SectionView", "TableView",
           "XRefTarget", "BlockItem", "build_view", "cited_ids", "limit_warnings",
           "shown_text"]


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
    """One numbered recommendation: what to do, who should act, when and how urgently."""
    number: int
    title: str
    text: list[Block]
    actors: list[str]
    horizon: str
    priority: str


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
class DocumentView:
    """One edition of a document: everything its page and its Word file show."""
    kind: str
    name: str
    meta: Meta
    audience: AudienceProfile
    labels: dict[str, str]
    date_text: str
    summary: list[Block]
    key_messages: list[list[Inline]]
    sections: list[SectionView]
    references: list[ReferenceView]  # the bibliography shown
    glossary: list[tuple[str, str]]
    all_references: list[Reference]  # every work, for notes
    logo: Path | None = None  # the logo file; the page carries it as a data: URI
    citation_style: str = bibliography.STYLE_NAME
    book: Book | None = None  # book reviews: the book, the reviewer and the assessment
    reviewer: Author | None = None
    assessment: AssessmentView | None = None
    linked_refs: frozenset[str] = frozenset()  # ids with a bibliography entry to link to
    has_notes: bool = False  # citations or notes in what this edition shows
    xrefs: dict[str, XRefTarget] = field(default_factory=dict)  # by "tbl:id" / "fig:id"
    charts: dict[int, ChartView] = field(default_factory=dict)  # by figure number


@dataclass
class _Numbering:
    """Tables and figures numbered through the document, in the order the edition shows."""
    xrefs: dict[str, XRefTarget]  # each number also goes to its cross-reference target
    colours: tuple[str, ...]  # the charts' colours, from the audience's theme
    cache: ChartCache | None  # where charts are drawn and kept
    charts: dict[int, ChartView] = field(default_factory=dict)  # by figure number, for Word
    counts: dict[str, int] = field(default_factory=dict)  # by "tbl" / "fig"

    def next(self, prefix: str, item_id: str | None) -> int:
        """Return the next number of a table ("tbl") or figure ("fig"), recorded for xrefs."""
        number = self.counts[prefix] = self.counts.get(prefix, 0) + 1
        if item_id:
            key = f"{prefix}:{item_id}"
            self.xrefs[key] = replace(self.xrefs[key], number=number)
        return number


def _format_date(value: dt.date, labels: dict[str, str]) -> str:
    """Write a date as '21 December 2025', in the labels' language."""
    months = labels["months"].split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def build_view(doc: LoadedDocument, audience: AudienceProfile, labels: dict[str, str],
               chart_cache: ChartCache | None = None) -> DocumentView:
    """Assemble the DocumentView of doc for one audience; charts may come from a cache."""
    model = doc.model
    colours = chart_colours(audience.theme.primary, audience.theme.accent)
    numbering = _Numbering(_xref_targets(doc), colours, chart_cache)
    sections = _sections(doc, audience, labels, numbering)
    assessment = getattr(model, "assessment", None)
    if assessment is not None:
        assessment = AssessmentView(
            strengths=[doc.md("assessment", "strengths", i).inlines
                       for i in range(len(assessment.strengths))],
            gaps=[doc.md("assessment", "gaps", i).inlines for i in range(len(assessment.gaps))],
            verdict=doc.md("assessment", "verdict").blocks)
    summary = doc.md("summary").blocks
    key_messages = [doc.md("key_messages", i).inlines for i in range(len(model.key_messages))]
    shown = [summary, key_messages, sections, assessment]
    cited = cited_ids(shown)
    has_notes = audience.notes != "hidden" and (
        bool(cited) or any(isinstance(n, Note) for n in _nodes(shown)))
    refs = audience.listed_references(model.references, cited)
    short = audience.references == "short"
    text = " ".join(shown_text(shown)) if audience.glossary == "used" else ""
    org = model.meta.organisation
    return DocumentView(
        kind=model.kind, name=doc.name, meta=model.meta, audience=audience, labels=labels,
        date_text=_format_date(model.meta.date, labels),
        summary=summary, key_messages=key_messages, sections=sections,
        references=[ReferenceView(ref.id, bibliography.entry(ref, short)) for ref in refs],
        glossary=audience.listed_terms(model.glossary, text), all_references=model.references,
        logo=doc.folder / org.logo if org and org.logo else None,
        book=getattr(model, "book", None), reviewer=getattr(model, "reviewer", None),
        assessment=assessment, linked_refs=frozenset(ref.id for ref in refs),
        has_notes=has_notes, xrefs=numbering.xrefs, charts=numbering.charts,
    )


def _xref_targets(doc: LoadedDocument) -> dict[str, XRefTarget]:
    """Every table and figure with an id, unnumbered until the edition shows it."""
    sections = doc.model.sections
    return {f"{prefix}:{item.id}": XRefTarget(kind, None, item.caption)
            for sid in sections.order
            if isinstance(section := getattr(sections, sid), Section)
            for prefix, kind, items in (("tbl", "table", section.tables),
                                        ("fig", "figure", section.figures))
            for item in items if item.id}


def _sections(doc: LoadedDocument, audience: AudienceProfile, labels: dict[str, str],
              numbering: _Numbering) -> list[SectionView]:
    """Build the sections the audience shows, in its order, numbering them as shown."""
    model = doc.model
    out: list[SectionView] = []
    for sid in audience.section_order(model.kind, model.sections.order):
        section = getattr(model.sections, sid, None)
        if section is None:
            continue
        base = ("sections", sid)
        lead = doc.md(*base, "lead").inlines if section.lead else None
        full = audience.text == "full" or lead is None
        body = doc.md(*base, "body").blocks if section.body and full else []
        number = "A" if sid == "annex" else str(len(out) + 1)
        if isinstance(section, Section):
            shown = [k for k in section.order if audience.blocks is None or k in audience.blocks]
            blocks = [BlockView(kind, _block_items(doc, section, base, kind, labels, numbering))
                      for kind in shown]
            out.append(SectionView(sid, section.title, number, lead, body, blocks=blocks,
                                   contributors=section.contributors))
        else:
            items = [RecommendationView(i + 1, item.title, doc.md(*base, "items", i, "text").blocks,
                                        item.actors, item.horizon, item.priority)
                     for i, item in enumerate(section.items)]
            out.append(SectionView(sid, section.title, number, lead, body, items=items))
    return out


def limit_warnings(doc: LoadedDocument, audience: AudienceProfile,
                   labels: dict[str, str]) -> list[Diagnostic]:
    """Return a warning for each of the audience's length limits the document exceeds."""
    limits, out = audience.limits.for_kind(doc.model.kind), []
    where = f"(the {audience.name} profile allows"
    count = len(doc.model.key_messages)
    if limits.key_messages and count > limits.key_messages:
        message = f"{count} key messages {where} {limits.key_messages})"
        out.append(doc.source.diagnostic(("key_messages",), message, severity="warning"))
    if limits.words_per_section:
        for section in build_view(doc, audience, labels).sections:
            words = sum(len(t.split()) for t in shown_text([section.lead, section.body]))
            if words > limits.words_per_section:
                path = ("sections", section.id, "body" if section.body else "lead")
                message = f"{words} words {where} {limits.words_per_section} per section)"
                out.append(doc.source.diagnostic(path, message, severity="warning"))
    return out


def _nodes(obj: Any) -> Iterator[Any]:
    """Yield obj and everything inside it: Markdown nodes, views and lists, depth first."""
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _nodes(item)
    elif is_dataclass(obj) and not isinstance(obj, type):
        yield obj
        for name in (f.name for f in fields(obj)):
            yield from _nodes(getattr(obj, name))


def cited_ids(shown: Any) -> set[str]:
    """Return the reference ids cited anywhere in shown, including quote and timeline cites."""
    out: set[str] = set()
    for node in _nodes(shown):
        if isinstance(node, Cite):
            out.update(item.id for item in node.items)
        elif isinstance(node, (QuoteView, EntryView)) and node.cite is not None:
            out.add(node.cite)
    return out


def shown_text(shown: Any) -> Iterator[str]:
    """Yield the words a reader sees in shown: running text, titles and table cells."""
    for node in _nodes(shown):
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, (SectionView, EntryView, RecommendationView)):
            yield node.title
            if isinstance(node, RecommendationView):
                yield from node.actors
        elif isinstance(node, (TableView, FigureView)):
            yield node.caption
            if isinstance(node, TableView):
                yield from node.columns


def _block_items(doc: LoadedDocument, section: Section, base: tuple[str, str], kind: str,
                 labels: dict[str, str], numbering: _Numbering) -> list[BlockItem]:
    """Build the items of one block; tables and figures are numbered through the document."""
    md = doc.md
    if kind == "key_points":
        return [md(*base, kind, i).inlines for i in range(len(section.key_points))]
    if kind == "quotes":
        return [QuoteView(md(*base, kind, i, "text").inlines, q.speaker, q.role, q.cite)
                for i, q in enumerate(section.quotes)]
    if kind == "timeline":
        return [EntryView(e.date, _partial_date_text(e.date, labels), e.title, e.cite,
                          md(*base, kind, i, "text").inlines if e.text else None)
                for i, e in enumerate(section.timeline)]
    if kind == "tables":
        return [TableView(numbering.next("tbl", table.id), table.caption, table.columns,
                          [[md(*base, kind, i, "rows", r, c).inlines for c in range(len(row))]
                           for r, row in enumerate(table.rows)],
                          md(*base, kind, i, "source").inlines if table.source else None)
                for i, table in enumerate(section.tables)]
    out: list[BlockItem] = []
    for i, figure in enumerate(section.figures):
        number = numbering.next("fig", figure.id)
        if figure.chart:
            numbering.charts[number] = ChartView(figure.chart, numbering.colours, numbering.cache)
        src = doc.folder / figure.image if figure.image else None
        source = md(*base, kind, i, "source").inlines if figure.source else None
        out.append(FigureView(number, figure.caption, figure.alt, src,
                              numbering.charts.get(number), source))
    return out


def _partial_date_text(value: str, labels: dict[str, str]) -> str:
    """'2016' -> '2016', '2016-09' -> 'September 2016', '2016-09-24' -> '24 September 2016'."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = labels["months"].split()[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"
