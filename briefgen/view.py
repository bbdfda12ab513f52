"""Build the view a template renders: one document, for one audience, Markdown parsed.

Everything a template needs is decided here once (section order, numbering of tables
and figures, citation labels, fixed labels in the document's language), so the HTML,
PDF and DOCX outputs cannot disagree.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, is_dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace as Obj  # quotes, tables, entries: attribute bags
from typing import Any

from . import bibliography, charts
from .content import LoadedDocument
from .docmodel import Block, Cite, Inline, Note, Text
from .errors import Diagnostic, UsageError
from .models import Chart, Meta, Section
from .output import write_atomic
from .profiles import AudienceProfile
from .templates import TemplateSet, builtin_dir

__all__ = ["CHART_SIZE_CM", "ChartCache", "DocumentView", "build_view", "limit_warnings"]

FONT_DIR = builtin_dir() / "fonts"


@dataclass
class BlockView:
    kind: str  # key_points | quotes | tables | timeline | figures
    items: list[Any]


# The stylesheet's default colours (templates/css/brief.css), for charts without a theme.
CHART_COLOURS = ("#14395c", "#b4462b", "#5a6570")
# Charts are drawn at the size they are printed: 13 x 5.5 cm, three quarters of the text
# width of an A4 page, so their lettering matches the 8 pt captions in both formats.
CHART_SIZE_CM = (13.0, 5.5)


@dataclass
class ChartCache:
    """Charts drawn by earlier builds, by a key of their data, their look and the build.

    Drawing a chart means importing matplotlib (0.3 s) and laying the chart out (0.07 s a
    format); a rebuild after a text edit reads the same drawings back instead.
    folder: where drawings are kept between builds (None: nowhere); salt: the pipeline's
    environment key (briefgen's code, templates, libraries); reuse: False draws again
    what the folder holds (--force). New drawings wait in `new`, by file name, until the
    build writes its outputs: a failed build writes nothing.
    """

    folder: Path | None
    salt: str
    reuse: bool = True
    new: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, tuple[Future, int]] = field(default_factory=dict)  # being drawn

    def name(self, chart: ChartView, fmt: str) -> str:
        """The file name of one drawing: a digest of everything that shapes it."""
        key = hashlib.sha256("\0".join(
            [self.salt, chart.chart.model_dump_json(), *chart.colours, repr(CHART_SIZE_CM), fmt]
        ).encode()).hexdigest()
        return f"{key}.{fmt}"

    def get(self, chart: ChartView, fmt: str) -> bytes:
        """The drawing of chart in fmt: from this build, from an earlier one, or new."""
        name = self.name(chart, fmt)
        if name in self.pending:
            future, index = self.pending.pop(name)
            self.new[name] = future.result()[index]
        if name not in self.new:
            if self._kept(name):
                try:
                    return (self.folder / name).read_bytes()
                except OSError:
                    pass
            self.new[name] = chart.draw(fmt)
        return self.new[name]

    def _kept(self, name: str) -> bool:
        """Whether an earlier build's drawing of this name may be used."""
        return bool(self.reuse and self.folder and (self.folder / name).is_file())

    @contextlib.contextmanager
    def drawing_ahead(self, charts: list[ChartView], formats: set[str]) -> Iterator[None]:
        """Draw the charts not at hand in a helper process while the block runs.

        get() waits for a drawing still on its way. SVG drawings come first: the page
        needs them before Word needs its PNG. With nothing to draw, the block runs alone.
        """
        from .executors import open_executor

        todo: dict[str, dict[str, tuple[Chart, tuple[str, ...], str]]] = {}
        for fmt in sorted(formats, key=("svg", "png").index):
            for chart in charts:
                name = self.name(chart, fmt)
                if name not in self.new and not self._kept(name):
                    todo.setdefault(fmt, {})[name] = (chart.chart, chart.colours, fmt)
        if not todo:
            yield
            return
        with open_executor("local", 1) as helper:
            try:
                for batch in todo.values():
                    future = helper.submit(_draw_charts, list(batch.values()))
                    self.pending.update((name, (future, i)) for i, name in enumerate(batch))
                yield
                for name, (future, index) in self.pending.items():  # drawn, not yet used
                    self.new[name] = future.result()[index]
            finally:
                self.pending.clear()

    def save(self) -> None:
        """Keep this build's new drawings for the next one."""
        if self.folder:
            for name, data in self.new.items():
                write_atomic(self.folder / name, data)
        self.new.clear()


def _draw_charts(todo: list[tuple[Chart, tuple[str, ...], str]]) -> list[bytes]:
    """Draw each (chart, colours, format): the helper process's task in drawing_ahead."""
    return [ChartView(chart, colours).draw(fmt) for chart, colours, fmt in todo]


@dataclass
class ChartView:
    """A chart, drawn on first use: SVG for the page and the PDF, PNG for Word."""

    chart: Chart
    colours: tuple[str, ...]
    cache: ChartCache | None = None

    @cached_property
    def svg_uri(self) -> str:
        svg = self.cache.get(self, "svg") if self.cache else self.draw("svg")
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def png(self) -> bytes:
        return self.cache.get(self, "png") if self.cache else self.draw("png")

    def draw(self, fmt: str) -> bytes:
        """Draw the chart in fmt ('svg' or 'png'), with matplotlib."""
        return charts.draw(self.chart, fmt, colours=self.colours, font_dir=FONT_DIR,
                           width_cm=CHART_SIZE_CM[0], height_cm=CHART_SIZE_CM[1])


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


def data_uri(path) -> str:
    """Return the file at path as a data: URI, so every output is self-contained."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


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
