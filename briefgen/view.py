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
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from . import bibliography
from .abbreviations import Abbreviations
from .chartcache import ChartCache, ChartView, chart_colours
from .content import LoadedDocument
from .docmodel import Block, Cite, Inline, Note, Text
from .locales import Locale
from .models import Section
from .profiles import AudienceProfile
from .view_model import (
    AssessmentView,
    BlockItem,
    BlockView,
    DocumentView,
    EntryView,
    FigureView,
    Origin,
    QuoteView,
    RecommendationView,
    ReferenceView,
    SectionView,
    TableView,
    XRefTarget,
    reading_order,
)

__all__ = ["AssessmentView", "BlockView", "DocumentView", "EntryView", "FigureView",
           "QuoteView", "RecommendationView", "ReferenceView", "SectionView", "TableView",
           "XRefTarget", "BlockItem", "build_view", "cited_ids",
           "reading_order", "shown_text"]


@dataclass
class _Numbering:
    """Tables and figures numbered through the whole document: the same in every edition."""
    xrefs: dict[str, XRefTarget]  # each shown number also goes to its cross-reference target
    numbers: dict[tuple[str, str, int], int]  # by ("tbl" | "fig", section id, index)
    colours: tuple[str, ...]  # the charts' colours, from the audience's theme
    cache: ChartCache | None  # where charts are drawn and kept
    charts: dict[int, ChartView] = field(default_factory=dict)  # by figure number, for Word

    def number(self, prefix: str, sid: str, index: int, item_id: str | None) -> int:
        """Return the number of a shown table ("tbl") or figure ("fig"), recorded for xrefs."""
        number = self.numbers[prefix, sid, index]
        if item_id:
            key = f"{prefix}:{item_id}"
            self.xrefs[key] = replace(self.xrefs[key], number=number)
        return number


def _document_numbers(doc: LoadedDocument) -> dict[tuple[str, str, int], int]:
    """Number every table and every figure through all sections, in the document's order."""
    sections, counts = doc.model.sections, {"tbl": 0, "fig": 0}
    out: dict[tuple[str, str, int], int] = {}
    for sid in sections.order:
        section = getattr(sections, sid)
        if isinstance(section, Section):
            for prefix, items in (("tbl", section.tables), ("fig", section.figures)):
                for index in range(len(items)):
                    counts[prefix] += 1
                    out[prefix, sid, index] = counts[prefix]
    return out


def build_view(doc: LoadedDocument, audience: AudienceProfile, labels: dict[str, str],
               chart_cache: ChartCache | None = None) -> DocumentView:
    """Assemble the DocumentView of doc for one audience; charts may come from a cache.

    The profile applies as it does to the document's kind (AudienceProfile.for_kind).
    Parts are built in the page's reading order, so that an abbreviation is spelled out
    where the reader first meets it.
    """
    model = doc.model
    locale = Locale(model.meta.language, labels)
    audience = audience.for_kind(model.kind)
    colours = chart_colours(audience.theme.primary, audience.theme.accent)
    numbering = _Numbering(_xref_targets(doc), _document_numbers(doc), colours, chart_cache)
    words = Abbreviations(model.glossary, audience.abbreviations == "expand",
                          model.meta.language)
    opening = "bottom_line" if audience.opening == "bottom_line" and model.bottom_line \
        else "summary"
    section_ids = [sid for sid in audience.section_order(model.kind, model.sections.order)
                   if getattr(model.sections, sid, None) is not None]
    numbers = {sid: str(i + 1) for i, sid in
               enumerate(s for s in section_ids if s != "annex")} | {"annex": "A"}
    summary: list[Block] = []
    bottom_line: list[Block] = []
    key_messages: list[list[Inline]] = []
    watch: list[list[Inline]] = []
    sections: dict[str, SectionView] = {}
    assessment = None
    for part in reading_order(model.kind, opening, section_ids,
                              getattr(model, "assessment", None) is not None):
        if part in ("summary", "bottom_line"):
            blocks = words.blocks(doc.md(part).blocks, (part,))
            summary, bottom_line = (blocks, []) if part == "summary" else ([], blocks)
        elif part == "key_messages":
            key_messages = [words.inlines(doc.md(part, i).inlines, (part, i))
                            for i in range(len(model.key_messages))]
        elif part == "watch":
            watch = [words.inlines(doc.md(part, i).inlines, (part, i))
                     for i in range(len(model.watch))] if audience.watch else []
        elif part == "assessment":
            assessment = _assessment(doc, words)
        else:
            sections[part] = _section(doc, part, numbers[part], audience, locale, numbering,
                                      words)
    shown_sections = [sections[sid] for sid in section_ids]
    shown = [summary, bottom_line, key_messages, shown_sections, watch, assessment]
    cited = cited_ids(shown)
    has_notes = audience.notes != "hidden" and (
        bool(cited) or any(isinstance(n, Note) for n in _nodes(shown)))
    refs = audience.listed_references(model.references, cited)
    text = " ".join(shown_text(shown)) if audience.glossary == "used" else ""
    org = model.meta.organisation
    return DocumentView(
        kind=model.kind, name=doc.name, meta=model.meta, audience=audience, labels=labels,
        locale=locale, date_text=locale.date(model.meta.date),
        data_as_of_text=locale.date(model.meta.data_as_of) if model.meta.data_as_of else None,
        summary=summary, key_messages=key_messages, sections=shown_sections,
        references=[ReferenceView(ref.id, bibliography.entry(ref, locale)) for ref in refs],
        citation_style=locale.word("citation_style_name"),
        glossary=audience.listed_terms(model.glossary, text), all_references=model.references,
        logo=doc.folder / org.logo if org and org.logo else None,
        book=getattr(model, "book", None), reviewer=getattr(model, "reviewer", None),
        assessment=assessment, linked_refs=frozenset(ref.id for ref in refs),
        has_notes=has_notes, xrefs=numbering.xrefs, charts=numbering.charts,
        opening=opening, bottom_line=bottom_line, watch=watch,
        unglossed=tuple(words.unknown.items()),
        origin=Origin(doc.path.name, doc.source.lines, model),
    )


def _assessment(doc: LoadedDocument, words: Abbreviations) -> AssessmentView:
    """Build a book review's assessment: strengths, gaps and verdict."""
    assessment = doc.model.assessment  # type: ignore[attr-defined]
    return AssessmentView(
        strengths=[words.inlines(doc.md("assessment", "strengths", i).inlines,
                                 ("assessment", "strengths", i))
                   for i in range(len(assessment.strengths))],
        gaps=[words.inlines(doc.md("assessment", "gaps", i).inlines, ("assessment", "gaps", i))
              for i in range(len(assessment.gaps))],
        verdict=words.blocks(doc.md("assessment", "verdict").blocks, ("assessment", "verdict")))


def _xref_targets(doc: LoadedDocument) -> dict[str, XRefTarget]:
    """Every table and figure with an id, unnumbered until the edition shows it."""
    sections = doc.model.sections
    return {f"{prefix}:{item.id}": XRefTarget(kind, None, item.caption)
            for sid in sections.order
            if isinstance(section := getattr(sections, sid), Section)
            for prefix, kind, items in (("tbl", "table", section.tables),
                                        ("fig", "figure", section.figures))
            for item in items if item.id}


def _section(doc: LoadedDocument, sid: str, number: str, audience: AudienceProfile,
             locale: Locale, numbering: _Numbering, words: Abbreviations) -> SectionView:
    """Build one section as the audience shows it, numbered as shown."""
    section = getattr(doc.model.sections, sid)
    base = ("sections", sid)
    words.scan(section.title, (*base, "title"))
    lead = words.inlines(doc.md(*base, "lead").inlines, (*base, "lead")) if section.lead else None
    full = audience.text == "full" or lead is None
    body = words.blocks(doc.md(*base, "body").blocks, (*base, "body")) \
        if section.body and full else []
    if isinstance(section, Section):
        shown = [k for k in section.order if audience.blocks is None or k in audience.blocks]
        blocks = [BlockView(kind, _block_items(doc, sid, kind, locale, numbering, words))
                  for kind in shown]
        return SectionView(sid, section.title, number, lead, body, blocks=blocks,
                           contributors=section.contributors)
    items = []
    for i, item in enumerate(section.items):
        at = (*base, "items", i)
        words.scan(item.title, (*at, "title"))
        text = words.blocks(doc.md(*at, "text").blocks, (*at, "text"))
        actors = [words.string(actor, (*at, "actors", a)) for a, actor in enumerate(item.actors)]
        cost, risk, source = (
            words.inlines(doc.md(*at, key).inlines, (*at, key)) if getattr(item, key) else None
            for key in ("cost", "risk", "source"))
        items.append(RecommendationView(i + 1, item.title, text, actors, item.horizon,
                                        item.priority, cost, risk, source))
    return SectionView(sid, section.title, number, lead, body, items=items)


def _nodes(obj: Any) -> Iterator[Any]:
    """Yield obj and everything inside it: Markdown nodes, views and lists, depth first."""
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _nodes(item)
        return
    names = _field_names(type(obj))
    if names is not None:
        yield obj
        for name in names:
            yield from _nodes(getattr(obj, name))


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), looked up once per type."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


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


def _block_items(doc: LoadedDocument, sid: str, kind: str, locale: Locale,
                 numbering: _Numbering, words: Abbreviations) -> list[BlockItem]:
    """Build the items of one block; tables and figures keep the document's numbers.

    Pull quotes keep their words: they are quoted. Captions, column heads and timeline
    titles are headings: only running text spells abbreviations out.
    """
    section, base, md = getattr(doc.model.sections, sid), ("sections", sid), doc.md
    if kind == "key_points":
        return [words.inlines(md(*base, kind, i).inlines, (*base, kind, i))
                for i in range(len(section.key_points))]
    if kind == "quotes":
        return [QuoteView(md(*base, kind, i, "text").inlines, q.speaker, q.role, q.cite)
                for i, q in enumerate(section.quotes)]
    if kind == "timeline":
        out: list[BlockItem] = []
        for i, e in enumerate(section.timeline):
            at = (*base, kind, i)
            words.scan(e.title, (*at, "title"))
            text = words.inlines(md(*at, "text").inlines, (*at, "text")) if e.text else None
            out.append(EntryView(e.date, _partial_date_text(e.date, locale), e.title, e.cite,
                                 text))
        return out
    if kind == "tables":
        out = []
        for i, table in enumerate(section.tables):
            at = (*base, kind, i)
            words.scan(table.caption, (*at, "caption"))
            for c, column in enumerate(table.columns):
                words.scan(column, (*at, "columns", c))
            rows = [[words.inlines(md(*at, "rows", r, c).inlines, (*at, "rows", r, c))
                     for c in range(len(row))] for r, row in enumerate(table.rows)]
            out.append(TableView(numbering.number("tbl", sid, i, table.id), table.caption,
                                 table.columns, rows,
                                 md(*at, "source").inlines if table.source else None))
        return out
    out = []
    for i, figure in enumerate(section.figures):
        words.scan(figure.caption, (*base, kind, i, "caption"))
        number = numbering.number("fig", sid, i, figure.id)
        if figure.chart:
            numbering.charts[number] = ChartView(figure.chart, numbering.colours, numbering.cache,
                                                 locale.tag)
        src = doc.folder / figure.image if figure.image else None
        source = md(*base, kind, i, "source").inlines if figure.source else None
        out.append(FigureView(number, figure.caption, figure.alt, src,
                              numbering.charts.get(number), source))
    return out


def _partial_date_text(value: str, locale: Locale) -> str:
    """'2016' -> '2016', '2016-09' -> 'September 2016', '2016-09-24' -> '24 September 2016'."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return value
    if len(parts) == 2:
        return locale.month_year(*parts)
    return locale.date(dt.date(*parts))
