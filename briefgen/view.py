"""Build the view a template renders: one document, for one audience, Markdown parsed.

Everything a template needs is decided here once (section order, numbering of tables
and figures, citation labels, fixed labels in the document's language), so the HTML,
PDF and DOCX outputs cannot disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
from dataclasses import dataclass, field
from types import SimpleNamespace as Obj  # quotes, tables, entries: attribute bags
from typing import Any

from . import bibliography
from .content import LoadedDocument
from .docmodel import Block, Inline
from .errors import UsageError
from .models import Meta, Section
from .templates import AudienceProfile, TemplateSet

__all__ = ["DocumentView", "build_view"]


@dataclass
class BlockView:
    kind: str  # key_points | quotes | tables | timeline | figures
    items: list[Any]


@dataclass
class SectionView:
    id: str
    title: str
    lead: list[Inline] | None
    body: list[Block]
    blocks: list[BlockView] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)  # recommendations only


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
    cite_labels: dict[str, tuple[str, str]]
    logo: str | None = None
    citation_style: str = bibliography.STYLE_NAME

    def section(self, section_id: str) -> SectionView | None:
        """Return the section with this id, or None if the audience leaves it out."""
        return next((s for s in self.sections if s.id == section_id), None)


def data_uri(path) -> str:
    """Return the file at path as a data: URI, so every output is self-contained."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def format_date(value: dt.date, labels: dict[str, str]) -> str:
    months = labels["months"].split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def build_view(doc: LoadedDocument, audience: AudienceProfile,
               labels: dict[str, str]) -> DocumentView:
    """Assemble the DocumentView of doc for one audience."""
    model = doc.model
    order = audience.sections or model.sections.order
    counters = {"tables": 0, "figures": 0}
    sections: list[SectionView] = []
    for sid in order:
        section = getattr(model.sections, sid, None)
        if section is None:
            continue
        base = ("sections", sid)
        lead = doc.md(*base, "lead").inlines if section.lead else None
        body = doc.md(*base, "body").blocks if section.body else []
        view = SectionView(sid, section.title, lead, body)
        if isinstance(section, Section):
            view.blocks = [BlockView(kind, _block_items(doc, section, base, kind, counters, labels))
                           for kind in section.order]
        else:
            view.items = [Obj(number=i + 1, title=item.title,
                              text=doc.md(*base, "items", i, "text").blocks,
                              actors=item.actors, horizon=item.horizon, priority=item.priority)
                          for i, item in enumerate(section.items)]
        sections.append(view)

    labels_by_id = bibliography.labels(model.references)
    references = [Obj(id=ref.id, label=labels_by_id[ref.id],
                      entry=bibliography.entry(ref, labels_by_id[ref.id][1]))
                  for ref in bibliography.sort_references(model.references)]
    org = model.meta.organisation
    return DocumentView(
        kind=model.kind, name=doc.name, meta=model.meta, audience=audience, labels=labels,
        date_text=format_date(model.meta.date, labels),
        summary=doc.md("summary").blocks,
        key_messages=[doc.md("key_messages", i).inlines for i in range(len(model.key_messages))],
        sections=sections, references=references,
        glossary=sorted(model.glossary.items(), key=lambda kv: kv[0].casefold()),
        cite_labels=labels_by_id,
        logo=data_uri(doc.folder / org.logo) if org and org.logo else None,
    )


def _block_items(doc: LoadedDocument, section: Section, base: tuple, kind: str,
                 counters: dict[str, int], doc_labels: dict[str, str]) -> list[Any]:
    md = doc.md
    if kind == "key_points":
        return [md(*base, kind, i).inlines for i in range(len(section.key_points))]
    if kind == "quotes":
        return [Obj(text=md(*base, kind, i, "text").inlines, speaker=q.speaker, role=q.role,
                    cite=q.cite) for i, q in enumerate(section.quotes)]
    if kind == "timeline":
        return [Obj(date=e.date, date_text=_partial_date_text(e.date, doc_labels), title=e.title,
                    cite=e.cite,
                    text=md(*base, kind, i, "text").inlines if e.text else None)
                for i, e in enumerate(section.timeline)]
    if kind == "tables":
        out = []
        for i, table in enumerate(section.tables):
            counters["tables"] += 1
            rows = [[md(*base, kind, i, "rows", r, c).inlines for c in range(len(row))]
                    for r, row in enumerate(table.rows)]
            out.append(Obj(number=counters["tables"], caption=table.caption,
                           columns=table.columns, rows=rows,
                           source=md(*base, kind, i, "source").inlines if table.source else None))
        return out
    out = []
    for i, figure in enumerate(section.figures):
        counters["figures"] += 1
        out.append(Obj(number=counters["figures"], caption=figure.caption, alt=figure.alt,
                       src=data_uri(doc.folder / figure.image) if figure.image else None,
                       data=_chart_table(figure.chart) if figure.chart else None,
                       source=md(*base, kind, i, "source").inlines if figure.source else None))
    return out


def _partial_date_text(value: str, labels: dict[str, str]) -> str:
    """'2016' -> '2016', '2016-09' -> 'September 2016', '2016-09-24' -> '24 September 2016'."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = labels["months"].split()[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def _chart_table(chart: Any) -> Obj:
    """Lay a chart's series out as a table: one row per x value, one column per series."""
    xs: list[Any] = []
    values: dict[tuple[Any, str], float] = {}
    for series in chart.series:
        for x, y in series.points:
            if x not in xs:
                xs.append(x)
            values[(x, series.name)] = y
    columns = [chart.x_label or ""] + [s.name for s in chart.series]
    rows = [[_number(x)] + [_number(values.get((x, s.name), "")) for s in chart.series]
            for x in xs]
    return Obj(columns=columns, rows=rows)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_labels(templates: TemplateSet, language: str) -> dict[str, str]:
    """Return the fixed labels for language, falling back to its base language, then English."""
    from .loader import load_yaml

    merged: dict[str, str] = {}
    for tag in ("en", language.split("-")[0], language):
        try:
            path = templates.find(f"labels/{tag}.yaml")
        except UsageError:  # no labels for this language: keep the fallback
            continue
        data, _ = load_yaml(path)
        merged.update({str(k): str(v) for k, v in data.items()})
    return merged
