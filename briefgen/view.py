"""Build the view a template renders: one document, for one audience, Markdown parsed.

Everything a template needs is decided here once (section order, numbering of tables
and figures, citation labels, fixed labels in the document's language), so the HTML,
PDF and DOCX outputs cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, is_dataclass
from types import SimpleNamespace as Obj  # quotes, tables, entries: attribute bags
from typing import Any

from . import bibliography
from .chartcache import CHART_COLOURS, ChartCache, ChartView
from .content import LoadedDocument
from .docmodel import Block, Cite, Inline, Note, Text
from .errors import Diagnostic
from .images import data_uri
from .models import Meta, Section
from .profiles import AudienceProfile

__all__ = ["DocumentView", "build_view", "limit_warnings"]


@dataclass
class BlockView:
    kind: str  # key_points | quotes | tables | timeline | figures
    items: list[Any]


@dataclass
class SectionView:
    id: str
    title: str
    number: str  # "1", "2", … in the order shown; "A" for an annex
    lead: list[Inline] | None
    body: list[Block]
    blocks: list[BlockView] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)  # recommendations only
    contributors: list[str] = field(default_factory=list)  # book reviews only


@dataclass
class DocumentView:
    kind: str
    name: str
    meta: Meta
    audience: AudienceProfile
    labels: dict[str, str]
    date_text: str
    summary: list[Block]
    key_messages: list[list[Inline]]
    sections: list[SectionView]
    references: list[Any]
    glossary: list[tuple[str, str]]
    all_references: list[Any]  # every work, for notes; `references` is the list shown
    logo: str | None = None
    citation_style: str = bibliography.STYLE_NAME
    book: Any = None  # book reviews: the book, the reviewer and the assessment
    reviewer: Any = None
    assessment: Any = None
    linked_refs: set[str] = field(default_factory=set)  # ids with an entry to link to
    has_notes: bool = False  # citations or notes in what this edition shows
    xrefs: dict[str, Any] = field(default_factory=dict)  # "tbl:id" -> kind, number, caption
    charts: dict[int, ChartView] = field(default_factory=dict)  # by figure number

    def section(self, section_id: str) -> SectionView | None:
        """Return the section with this id, or None if the audience leaves it out."""
        return next((s for s in self.sections if s.id == section_id), None)


def format_date(value: dt.date, labels: dict[str, str]) -> str:
    months = labels["months"].split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def build_view(doc: LoadedDocument, audience: AudienceProfile, labels: dict[str, str],
               chart_cache: ChartCache | None = None) -> DocumentView:
    """Assemble the DocumentView of doc for one audience; charts may come from a cache."""
    model = doc.model
    # A profile picks the sections and their order; a book review keeps the book's order
    # (its sections are the book's parts), so there the profile only picks.
    wanted = audience.sections or model.sections.order
    order = [sid for sid in (model.sections.order if model.kind == "book-review" else wanted)
             if sid in wanted and getattr(model.sections, sid, None) is not None]
    counters = {"tables": 0, "figures": 0}
    # Every table and figure with an id, numbered below if this audience shows it.
    xrefs = {f"{prefix}:{item.id}": Obj(kind=kind, number=None, caption=item.caption)
             for sid in model.sections.order
             if isinstance(section := getattr(model.sections, sid), Section)
             for prefix, kind, items in (("tbl", "table", section.tables),
                                         ("fig", "figure", section.figures))
             for item in items if item.id}
    theme = audience.theme
    colours = tuple(c or d for c, d in zip((theme.primary, theme.accent), CHART_COLOURS,
                                           strict=False)) + CHART_COLOURS[2:]
    numbering = Obj(counters=counters, labels=labels, xrefs=xrefs, colours=colours, charts={},
                    chart_cache=chart_cache)
    sections: list[SectionView] = []
    for sid in order:
        section = getattr(model.sections, sid)
        base = ("sections", sid)
        lead = doc.md(*base, "lead").inlines if section.lead else None
        full = audience.text == "full" or lead is None
        body = doc.md(*base, "body").blocks if section.body and full else []
        number = "A" if sid == "annex" else str(len(sections) + 1)
        view = SectionView(sid, section.title, number, lead, body)
        if isinstance(section, Section):
            shown = [k for k in section.order if audience.blocks is None or k in audience.blocks]
            view.blocks = [BlockView(kind, _block_items(doc, section, base, kind, numbering))
                           for kind in shown]
            view.contributors = section.contributors
        else:
            view.items = [Obj(number=i + 1, title=item.title,
                              text=doc.md(*base, "items", i, "text").blocks,
                              actors=item.actors, horizon=item.horizon, priority=item.priority)
                          for i, item in enumerate(section.items)]
        sections.append(view)

    org = model.meta.organisation
    out = DocumentView(
        kind=model.kind, name=doc.name, meta=model.meta, audience=audience, labels=labels,
        date_text=format_date(model.meta.date, labels),
        summary=doc.md("summary").blocks,
        key_messages=[doc.md("key_messages", i).inlines for i in range(len(model.key_messages))],
        sections=sections, references=[], glossary=[],
        all_references=model.references,
        logo=data_uri(doc.folder / org.logo) if org and org.logo else None,
        xrefs=xrefs, charts=numbering.charts,
    )
    assessment = getattr(model, "assessment", None)
    if assessment is not None:
        out.book, out.reviewer = model.book, model.reviewer
        out.assessment = Obj(
            strengths=[doc.md("assessment", "strengths", i).inlines
                       for i in range(len(assessment.strengths))],
            gaps=[doc.md("assessment", "gaps", i).inlines for i in range(len(assessment.gaps))],
            verdict=doc.md("assessment", "verdict").blocks)

    shown = [out.summary, out.key_messages, out.sections, out.assessment]
    out.has_notes = audience.notes != "hidden" and (
        bool(cited_ids(shown)) or any(isinstance(n, Note) for n in _nodes(shown)))
    if audience.references != "hidden":
        cited = cited_ids(shown)
        refs = [ref for ref in bibliography.sort_references(model.references)
                if audience.references == "full" or ref.id in cited]
        short = audience.references == "short"
        out.references = [Obj(id=ref.id, entry=bibliography.entry(ref, short)) for ref in refs]
        out.linked_refs = {ref.id for ref in refs}
    if audience.glossary != "hidden":
        text = " ".join(shown_text(shown)) if audience.glossary == "used" else ""
        out.glossary = sorted(((term, expansion) for term, expansion in model.glossary.items()
                               if audience.glossary == "all" or _occurs(term, text)),
                              key=lambda kv: kv[0].casefold())
    return out


def limit_warnings(doc: LoadedDocument, audience: AudienceProfile,
                   labels: dict[str, str]) -> list[Diagnostic]:
    """Return a warning for each of the audience's length limits the document exceeds."""
    limits, out = audience.limits.for_kind(doc.model.kind), []
    where = f"(the {audience.name} profile allows"
    count = len(doc.model.key_messages)
    if limits.key_messages and count > limits.key_messages:
        out.append(doc.source.diagnostic(
            ("key_messages",), f"{count} key messages {where} {limits.key_messages})",
            severity="warning"))
    if limits.words_per_section:
        for section in build_view(doc, audience, labels).sections:
            words = sum(len(t.split()) for t in shown_text([section.lead, section.body]))
            if words > limits.words_per_section:
                field = "body" if section.body else "lead"
                out.append(doc.source.diagnostic(
                    ("sections", section.id, field),
                    f"{words} words {where} {limits.words_per_section} per section)",
                    severity="warning"))
    return out


def _nodes(obj: Any) -> Iterator[Any]:
    """Yield obj and everything inside it: nodes, views, attribute bags and lists."""
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _nodes(item)
    elif is_dataclass(obj) or isinstance(obj, Obj):
        yield obj
        for value in vars(obj).values():
            yield from _nodes(value)


def cited_ids(shown: Any) -> set[str]:
    """Return the reference ids cited anywhere in shown, including quote and timeline cites."""
    out: set[str] = set()
    for node in _nodes(shown):
        if isinstance(node, Cite):
            out.update(item.id for item in node.items)
        elif isinstance(getattr(node, "cite", None), str):
            out.add(node.cite)
    return out


def shown_text(shown: Any) -> Iterator[str]:
    """Yield the words a reader sees in shown: running text, titles and table cells."""
    for node in _nodes(shown):
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, (SectionView, Obj)):
            for name in ("title", "caption"):
                if isinstance(getattr(node, name, None), str):
                    yield getattr(node, name)
            for name in ("columns", "actors"):
                yield from (v for v in getattr(node, name, None) or [] if isinstance(v, str))


def _occurs(term: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text) is not None


def _block_items(doc: LoadedDocument, section: Section, base: tuple, kind: str,
                 numbering: Obj) -> list[Any]:
    """Build the items of one block; tables and figures are numbered through the document."""
    md, counters, xrefs = doc.md, numbering.counters, numbering.xrefs
    if kind == "key_points":
        return [md(*base, kind, i).inlines for i in range(len(section.key_points))]
    if kind == "quotes":
        return [Obj(text=md(*base, kind, i, "text").inlines, speaker=q.speaker, role=q.role,
                    cite=q.cite) for i, q in enumerate(section.quotes)]
    if kind == "timeline":
        return [Obj(date=e.date, date_text=_partial_date_text(e.date, numbering.labels),
                    title=e.title, cite=e.cite,
                    text=md(*base, kind, i, "text").inlines if e.text else None)
                for i, e in enumerate(section.timeline)]
    if kind == "tables":
        out = []
        for i, table in enumerate(section.tables):
            counters["tables"] += 1
            if table.id:
                xrefs[f"tbl:{table.id}"].number = counters["tables"]
            rows = [[md(*base, kind, i, "rows", r, c).inlines for c in range(len(row))]
                    for r, row in enumerate(table.rows)]
            out.append(Obj(number=counters["tables"], caption=table.caption,
                           columns=table.columns, rows=rows,
                           source=md(*base, kind, i, "source").inlines if table.source else None))
        return out
    out = []
    for i, figure in enumerate(section.figures):
        counters["figures"] += 1
        if figure.id:
            xrefs[f"fig:{figure.id}"].number = counters["figures"]
        chart = (ChartView(figure.chart, numbering.colours, numbering.chart_cache)
                 if figure.chart else None)
        if chart:
            numbering.charts[counters["figures"]] = chart
        out.append(Obj(number=counters["figures"], caption=figure.caption, alt=figure.alt,
                       src=data_uri(doc.folder / figure.image) if figure.image else None,
                       chart=chart,
                       source=md(*base, kind, i, "source").inlines if figure.source else None))
    return out


def _partial_date_text(value: str, labels: dict[str, str]) -> str:
    """'2016' -> '2016', '2016-09' -> 'September 2016', '2016-09-24' -> '24 September 2016'."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = labels["months"].split()[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"
