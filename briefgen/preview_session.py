"""What a preview shows, and what it tells the open pages when a file changes.

A `Session` holds the documents found under the paths given, each loaded when first
looked at and again after a change, and the latest render of each edition someone is
looking at: its screen page (rendered here, in a fraction of a second) and its PDF (laid
out by the warm renderer of preview_pdf, in the background). Pages that are open listen
(`listen`) and are told, as events, when the page is new (`html`), when a PDF is being
laid out (`pdf-start`) and when it is ready with its preflight findings (`pdf`), of the
document's warnings (`checks`), and when the content has a mistake (`problem`, each line
as the command line prints it). Nothing is written anywhere: renders stay in memory, the
latest of each edition only.

A change marks every document out of date and re-renders only the editions open in a
page; the rest load again when they are next opened. Renders run one at a time, in a
thread, so the server keeps answering while a page is made.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chartcache import ChartCache
from .discover import check_names, find_documents
from .errors import BriefgenError, ContentError, Diagnostic
from .paths import document_name
from .preflight import summary
from .templates import TemplateSet, for_documents

if TYPE_CHECKING:
    from .fontfaces import Face
    from .preview_pdf import PdfRenderer

__all__ = ["Listener", "Session"]

log = logging.getLogger(__name__)

# How long the warnings wait for the browser to fetch the new page: they hold this
# process for as long as the page took, and would delay its answer.
_FETCH_WAIT_S = 1.0
_IMAGES = (".png", ".jpg", ".jpeg")  # a content folder's images: no template reads them
# Drawings of charts kept between renders; past this many, start again (memory stays flat).
_CHARTS_KEPT = 32


@dataclass(eq=False)  # each open page is itself, however alike two are
class Listener:
    """An open page: which edition it shows, whether it shows the PDF, and its events."""

    name: str
    audience: str
    pdf: bool
    page: bool = True  # False: the page shows the PDF alone
    events: asyncio.Queue = field(default_factory=asyncio.Queue)


@dataclass
class _Edition:
    """The latest render of one document for one audience."""

    version: int = -1  # the session's version it was made at
    html: bytes = b""
    view: Any = None  # the DocumentView, for the PDF and Word
    problem: dict | None = None  # a render's mistake (a user's template)
    pdf: bytes = b""
    pdf_version: int = -1
    pdf_event: dict | None = None  # the last `pdf` event, for a page opened later
    laying_out: bool = False
    again: bool = False  # a change came while the PDF was being laid out
    fetched: asyncio.Event = field(default_factory=asyncio.Event)  # the page, by a browser


@dataclass
class _Document:
    path: Path
    loaded: Any = None  # the LoadedDocument, once it loaded without a mistake
    problem: dict | None = None  # the last load's mistake
    warnings: list[dict] | None = None  # every edition's, once found (Session._warnings)
    stale: bool = True
    editions: dict[str, _Edition] = field(default_factory=dict)


class Session:
    """The documents of one preview and the latest render of each edition open."""

    def __init__(self, paths: Iterable[str], templates: Iterable[Path] = (),
                 renderer: PdfRenderer | None = None,
                 fonts_at: Callable[[Face], str] | None = None) -> None:
        """paths: files or folders, as for build; renderer: a preview_pdf.PdfRenderer (or
        None: no PDFs); fonts_at(face): the address the page loads a font face from."""
        self.paths = tuple(map(str, paths))
        self.explicit = tuple(templates)
        self.renderer = renderer
        self.fonts_at = fonts_at
        self.write_to: str | None = None  # preview --write: the output folder
        self.version = 0
        self.documents: dict[str, _Document] = {}
        self.listeners: set[Listener] = set()
        self._lock = asyncio.Lock()
        self._charts = ChartCache(None, "preview")
        self._templates: TemplateSet | None = None
        self._find()

    # -- What there is --------------------------------------------------------------
    def _find(self) -> None:
        """The documents under the paths now (a file may have come or gone). Two with one
        name are refused at the start, as build refuses them; one that comes later is
        left out (its name is the address of the other's page)."""
        files = find_documents(self.paths)
        if not self.documents:
            check_names(files, Path(self.write_to or "build"))
        found: dict[str, _Document] = {}
        for file in files:
            name = document_name(file)
            found.setdefault(name, self.documents.get(name) or _Document(file))
        self.documents = found

    @property
    def templates(self) -> TemplateSet:
        """The template folders, read again after a change to one of them (`changed`)."""
        if self._templates is None:
            self._templates = for_documents([d.path for d in self.documents.values()],
                                            self.explicit)
        return self._templates

    def template_folders(self) -> list[Path]:
        return list(self.templates.user_dirs)

    # -- Changes --------------------------------------------------------------------
    async def changed(self, paths: Iterable[Path] = ()) -> None:
        """Files changed: every document is out of date (a translation reads its source,
        a document its images), and so is the template set unless only content files and
        images changed (a template folder may have changed, or come; the compiled
        templates are kept otherwise: compiling them again costs more than the page); the
        editions open in a page render again."""
        async with self._lock:
            self.version += 1
            documents = {doc.path.resolve() for doc in self.documents.values()}
            if any(Path(p).resolve() not in documents and Path(p).suffix.lower() not in _IMAGES
                   for p in paths) or not paths:
                self._templates = None
            for doc in self.documents.values():
                doc.stale = True
            self._find()
        for name, audience in sorted({(lis.name, lis.audience) for lis in self.listeners}):
            await self.show(name, audience)
        if self.write_to and self.renderer:  # after the pages: it takes as long as a build
            self.renderer.build(self.paths, self.write_to, self.explicit)

    async def show(self, name: str, audience: str) -> None:
        """Render an edition's page if it is out of date and tell its pages; then start its
        PDF if a page shows it, and find the document's warnings (after the page: they
        take as long as the page and the author sees the page first)."""
        if name not in self.documents:  # its file is gone, or renamed
            self._publish(name, audience, ("problem", {"lines": [
                {"text": f"error: {name} is no longer among the documents previewed"}]}))
            return
        async with self._lock:
            event = await asyncio.to_thread(self._render_page, name, audience)
        self._publish(name, audience, event)
        if event[0] != "html":
            return
        listening = self._listening(name, audience)
        if any(lis.pdf for lis in listening):
            self.start_pdf(name, audience)
        if any(lis.page for lis in listening):  # let the browser have its page first
            with contextlib.suppress(asyncio.TimeoutError):  # TimeoutError from 3.11
                await asyncio.wait_for(self.documents[name].editions[audience].fetched.wait(),
                                       _FETCH_WAIT_S)
        async with self._lock:
            warnings = await asyncio.to_thread(self._warnings, name)
        self._publish(name, audience, ("checks", {"warnings": warnings}))

    async def page(self, name: str, audience: str) -> bytes | None:
        """The edition's latest good page (rendered now if it never was)."""
        edition = self.documents[name].editions.get(audience)
        if edition is None or not edition.html:
            async with self._lock:
                await asyncio.to_thread(self._render_page, name, audience)
            edition = self.documents[name].editions.get(audience)
        if edition and edition.html:
            edition.fetched.set()
            return edition.html
        return None

    async def word(self, name: str, audience: str) -> bytes | None:
        """The edition as a Word file, made now (None: the content has a mistake)."""
        from .render import render_edition

        await self.page(name, audience)
        edition = self.documents[name].editions[audience]
        if edition.view is None or self.documents[name].problem:
            return None
        async with self._lock:
            outputs = await asyncio.to_thread(render_edition, edition.view, ["docx"],
                                              self.templates, None)
        return outputs["docx"].data

    def pdf(self, name: str, audience: str) -> bytes | None:
        edition = self.documents[name].editions.get(audience)
        return edition.pdf if edition and edition.pdf else None

    # -- Listening ------------------------------------------------------------------
    def listen(self, name: str, audience: str, pdf: bool, page: bool = True) -> Listener:
        """A page opened: it is told of its edition's PDF, if there is one, now, and of
        every render from now on (the server asks for one at once: `show`)."""
        listener = Listener(name, audience, pdf, page)
        self.listeners.add(listener)
        edition = self.documents[name].editions.get(audience)
        if edition and edition.pdf_event and edition.pdf_version == edition.version:
            listener.events.put_nowait(("pdf", edition.pdf_event))
        return listener

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def _listening(self, name: str, audience: str) -> list[Listener]:
        return [lis for lis in self.listeners if (lis.name, lis.audience) == (name, audience)]

    def _publish(self, name: str, audience: str, event: tuple[str, dict]) -> None:
        for listener in self._listening(name, audience):
            listener.events.put_nowait(event)

    # -- Rendering (in a thread, one at a time) ---------------------------------------
    def _load(self, doc: _Document) -> None:
        from .loading import load_content

        if not doc.stale:
            return
        doc.stale, doc.problem, doc.warnings = False, None, None
        try:
            doc.loaded = load_content(doc.path, self.templates)
        except BriefgenError as exc:
            doc.problem = problem(exc)

    def _render_page(self, name: str, audience: str) -> tuple[str, dict]:
        from .render import view_of
        from .render_html import render_page

        doc = self.documents[name]
        self._load(doc)
        edition = doc.editions.setdefault(audience, _Edition())
        if doc.problem:
            return "problem", doc.problem
        if edition.version == self.version and edition.html:
            return "html", {"version": edition.version}
        start = time.perf_counter()
        if len(self._charts.new) > _CHARTS_KEPT:
            self._charts.new.clear()
        try:
            templates = self.templates
            view = view_of(doc.loaded, templates.audience(audience), templates, self._charts)
            css = templates.read_text("css/brief.css")
            html = render_page(view, templates, css, fonts_at=self.fonts_at)
        except BriefgenError as exc:
            edition.problem = problem(exc)
            return "problem", edition.problem
        edition.problem = None
        edition.version, edition.html, edition.view = self.version, html.encode(), view
        edition.fetched = asyncio.Event()
        log.debug("%s for %s: page in %.3f s", name, audience, time.perf_counter() - start)
        return "html", {"version": edition.version}

    def _warnings(self, name: str) -> list[dict]:
        """The document's warnings, every edition's, as `briefgen validate` prints them."""
        from .loading import edition_warnings

        doc = self.documents[name]
        if doc.loaded is None or doc.problem:
            return []
        if doc.warnings is None:
            found = [*doc.loaded.warnings, *edition_warnings(doc.loaded, self.templates)]
            doc.warnings = [_line(warning) for warning in found]
        return doc.warnings

    # -- The PDF (in the warm renderer's process) ---------------------------------------
    def start_pdf(self, name: str, audience: str) -> None:
        """Lay out the edition's PDF in the background; a change meanwhile lays it out again."""
        edition = self.documents[name].editions.get(audience)
        if self.renderer is None or edition is None or edition.view is None:
            return
        if edition.pdf_version == edition.version:
            return
        if edition.laying_out:
            edition.again = True
            return
        edition.laying_out = True
        asyncio.get_running_loop().create_task(self._lay_out(name, audience, edition))

    async def _lay_out(self, name: str, audience: str, edition: _Edition) -> None:
        from .tasks import make_task

        try:
            while True:
                edition.again = False
                version = edition.version
                self._publish(name, audience, ("pdf-start", {"version": version}))
                # The renderer loads the file itself, as a build's worker does (tasks.py):
                # nothing of the layout holds up this process, which makes the next page.
                task = make_task(self.documents[name].loaded, audience, ["pdf"],
                                 self.templates, ChartCache(None, "preview"), None, ship=False)
                try:
                    rendered = await asyncio.wrap_future(self.renderer.render(task))
                except BriefgenError as exc:
                    edition.pdf_event = {"version": version, "error": str(exc)}
                else:
                    pdf = rendered.outputs["pdf"]
                    edition.pdf, edition.pdf_version = pdf.data, version
                    edition.pdf_event = {
                        "version": version, "pages": pdf.pages,
                        "seconds": round(pdf.seconds, 3), "summary": summary(pdf.findings),
                        "findings": [{**f.as_dict(), "text": f.where(f"{name}-{audience}.pdf")}
                                     for f in pdf.findings]}
                self._publish(name, audience, ("pdf", edition.pdf_event))
                if not edition.again or edition.version == version:
                    return
        finally:
            edition.laying_out = False


def problem(exc: BriefgenError) -> dict:
    """A mistake as the page shows it: each line as the command line prints it, with the
    file's place for an editor's link."""
    if isinstance(exc, ContentError):
        return {"lines": [_line(d) for d in exc.diagnostics]}
    return {"lines": [{"text": f"error: {exc}"}]}


def _line(diagnostic: Diagnostic) -> dict:
    line: dict[str, Any] = {"text": str(diagnostic)}
    if diagnostic.file is not None:
        line["file"] = str(Path(diagnostic.file).resolve())
        line["place"] = diagnostic.location()
        line["line"], line["column"] = diagnostic.line, diagnostic.column
    return line
