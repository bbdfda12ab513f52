"""Render one edition (a document for one audience) in each format asked for, to bytes.

The one place that chooses by format: the screen page is the HTML edition and what the
Word file is made from; the print page is what WeasyPrint lays out as the PDF. One view
of the document is built per edition and shared by its formats. Word's contents take
their page numbers from the print page's layout: the PDF's, when the edition renders one,
else a layout made for them alone. `render_in_process` renders a build's editions in this
process (tasks.render_with_executor, elsewhere).
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .discover import Job
from .errors import UsageError

if TYPE_CHECKING:
    from .chartcache import ChartCache
    from .content import LoadedDocument
    from .preflight import Finding
    from .profiles import AudienceProfile
    from .render_pdf import Pdf
    from .templates import TemplateSet
    from .view import DocumentView

__all__ = ["FORMATS", "Edition", "Output", "check_formats", "chart_formats",
           "import_renderers", "render", "render_edition", "render_in_process",
           "render_outputs", "view_of"]

FORMATS = ("pdf", "docx", "html")


class Output(NamedTuple):
    """What an edition's render gives for one format."""

    data: bytes
    pages: int | None  # PDF only
    seconds: float
    findings: tuple[Finding, ...] = ()  # PDF only: what preflight and WeasyPrint found

# The library each format lays out with, imported ahead by import_renderers.
_LIBRARIES = {"pdf": "weasyprint", "docx": "docx"}
# Called with each output once it is rendered.
Progress = Callable[[Job], None]


@dataclass
class Edition:
    """A document for one audience, and those of its outputs a build renders."""

    doc: LoadedDocument
    audience: str
    profile: AudienceProfile  # the audience's, looked up once
    jobs: list[Job] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # output file name -> its key (state)

    @property
    def formats(self) -> list[str]:
        return [job.format for job in self.jobs]


def check_formats(formats: Iterable[str]) -> list[str]:
    """Return formats without repeats; raise UsageError for one briefgen cannot make."""
    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
    return formats


def chart_formats(formats: Iterable[str]) -> set[str]:
    """The drawings of charts the formats need: SVG for the page and PDF, PNG for Word."""
    formats = set(formats)
    return ({"svg"} if formats & {"pdf", "html"} else set()) | (
        {"png"} if "docx" in formats else set())


def import_renderers(formats: Iterable[str]) -> None:
    """Import the layout libraries the formats need (0.3 s each), e.g. while charts draw."""
    formats = set(formats)
    for fmt, module in _LIBRARIES.items():
        if fmt in formats:
            importlib.import_module(module)


def view_of(doc: LoadedDocument, profile: AudienceProfile, templates: TemplateSet,
            chart_cache: ChartCache | None = None) -> DocumentView:
    """Build the view of doc for an audience, in its language's labels."""
    from .labels import load_labels
    from .view import build_view

    return build_view(doc, profile, load_labels(templates, doc.model.meta.language),
                      chart_cache)


def render_edition(view: DocumentView, formats: Iterable[str], templates: TemplateSet,
                   epoch: int | None, shared: float = 0.0) -> dict[str, Output]:
    """Render a view in each format; return {format: Output}.

    shared: seconds already spent on what the formats share (the view), added to each.
    epoch: SOURCE_DATE_EPOCH, as the build read it.
    """
    from .render_html import render_page

    formats = check_formats(formats)
    start = time.perf_counter()
    css = templates.read_text("css/brief.css")
    # The page on screen, which Word is made from too; the PDF prints its own (render_page).
    # The HTML file carries web fonts; Word embeds its own (docx_fonts), so its page has none.
    html = render_page(view, templates, css) if "html" in formats else ""
    source = render_page(view, templates, css, web_fonts=False) if "docx" in formats else ""
    shared += time.perf_counter() - start
    results: dict[str, Output] = {}
    anchors: dict[str, int] | None = None  # the print page's {id: page}, once laid out
    # The PDF first: Word's contents take their page numbers from its layout.
    for fmt in sorted(formats, key=lambda fmt: fmt != "pdf"):
        start = time.perf_counter()
        pages, findings = None, ()
        if fmt == "html":
            data = html.encode("utf-8")
        elif fmt == "pdf":
            data, pages, found, anchors = _print(view, templates, css, write=True)
            findings = tuple(found)
        else:
            from .docx_settings import WordExtras
            from .render_docx import render_docx
            if anchors is None and _CONTENTS in source:
                anchors = _print(view, templates, css, write=False).anchors
            data = render_docx(source, view, templates.find("docx/reference.docx"), epoch,
                               WordExtras(anchors or {}, templates))
        results[fmt] = Output(data, pages, shared + time.perf_counter() - start, findings)
    return {fmt: results[fmt] for fmt in formats}


_CONTENTS = 'data-docx="toc"'  # the page has a contents list (templates/html/blocks/toc.html)


def _print(view: DocumentView, templates: TemplateSet, css: str, write: bool) -> Pdf:
    """Lay out the print page; return its Pdf (write: with the PDF's bytes)."""
    from .render_html import render_page
    from .render_pdf import render_pdf

    return render_pdf(render_page(view, templates, css, "print"),
                      [templates.find("css/fonts.css")], templates.dirs,
                      view.audience.limits.for_kind(view.kind).pages, view.audience.name,
                      inline=(templates.find("css/brief.css"),), write=write)


def render_outputs(doc: LoadedDocument, audience: str, formats: Iterable[str],
                   templates: TemplateSet, chart_cache: ChartCache | None = None,
                   epoch: int | None = None) -> dict[str, Output]:
    """Render doc for audience in each format, from one shared view.

    Returns {format: Output}; each format's seconds include the time spent building the
    view it shares. chart_cache: drawings of earlier builds.
    """
    start = time.perf_counter()
    view = view_of(doc, templates.audience(audience), templates, chart_cache)
    return render_edition(view, formats, templates, epoch, time.perf_counter() - start)


def render(doc: LoadedDocument, audience: str, fmt: str,
           templates: TemplateSet) -> tuple[bytes, int | None]:
    """Render doc for audience in one format; return (bytes, PDF pages or None).

    A PDF that preflight finds loses a note is not returned: ContentError names it.
    """
    from .errors import ContentError, Diagnostic

    output = render_outputs(doc, audience, [fmt], templates)[fmt]
    errors = [finding for finding in output.findings if finding.severity == "error"]
    if errors:
        raise ContentError([Diagnostic(doc.path, None, None, f"p.{f.page}", f.message)
                            for f in errors])
    return output.data, output.pages


def render_in_process(editions: list[Edition], templates: TemplateSet, cache: ChartCache,
                      epoch: int | None, progress: Progress,
                      helper: bool) -> list[dict[str, Output]]:
    """Render every edition in this process; helper: let a second process draw the charts."""
    views = [view_of(edition.doc, edition.profile, templates, cache) for edition in editions]
    formats = {fmt for edition in editions for fmt in edition.formats}
    charts = [chart for view in views for chart in view.charts.values()]
    results = []
    # Matplotlib and WeasyPrint take 0.3 s each to import: the helper draws while this
    # process imports.
    with cache.drawing_ahead(charts, chart_formats(formats)) if helper else \
            contextlib.nullcontext():
        import_renderers(formats)
        for edition, view in zip(editions, views, strict=True):
            results.append(render_edition(view, edition.formats, templates, epoch))
            for job in edition.jobs:
                progress(job)
    return results
