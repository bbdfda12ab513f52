"""The build pipeline: find documents, validate them all, render, then write.

Nothing is written until every document has loaded cleanly and every output has
rendered to bytes; then each file is written atomically. Renders run in this process
(`jobs=1`) or in a pool of worker processes, each returning bytes to be written here.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .content import LoadedDocument, load
from .errors import ContentError, UsageError
from .output import check_writable, write_atomic
from .reproducible import source_date_epoch
from .templates import TemplateSet, for_documents

__all__ = ["FORMATS", "Job", "Written", "build", "find_documents", "load_all", "render"]

FORMATS = ("pdf", "docx", "html")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One output: a document, for one audience, in one format, to one path."""

    source: Path
    audience: str
    format: str
    path: Path


@dataclass(frozen=True)
class Written:
    """What a job produced: its path, page count (PDF only), size and render time."""

    job: Job
    pages: int | None
    size: int
    seconds: float


def find_documents(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the YAML content files they name, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.yaml")
                            if not any(part.startswith(".") for part in p.parts))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    if not found:
        raise UsageError("no content files (*.yaml) found in "
                         + ", ".join(str(p) for p in paths))
    return found


def load_all(files: list[Path], templates: TemplateSet) -> list[LoadedDocument]:
    """Load every file, collecting all their errors before raising one ContentError.

    Each document's warnings include its overruns of its audiences' length limits.
    """
    from .view import limit_warnings, load_labels

    names = list(templates.audiences)
    docs, problems = [], []
    for path in files:
        try:
            doc = load(path, names)
        except ContentError as exc:
            problems += exc.diagnostics
            continue
        labels = load_labels(templates, doc.model.meta.language)
        for audience in doc.model.audiences:
            doc.warnings += limit_warnings(doc, templates.audience(audience), labels)
        docs.append(doc)
    if problems:
        raise ContentError(problems)
    return docs


def plan(docs: list[LoadedDocument], templates: TemplateSet, out: Path,
         audiences: list[str] | None, formats: list[str]) -> list[Job]:
    """List the outputs to make: each document × its (or the chosen) audiences × formats."""
    for name in audiences or []:
        templates.audience(name)  # raises UsageError with the available names
    jobs = []
    for doc in docs:
        for audience in audiences or doc.model.audiences:
            for fmt in formats:
                path = out / doc.name / f"{doc.name}-{audience}.{fmt}"
                jobs.append(Job(doc.path, audience, fmt, path))
    return jobs


def render(doc: LoadedDocument, audience: str, fmt: str,
           templates: TemplateSet) -> tuple[bytes, int | None]:
    """Render one document for one audience in one format; return (bytes, pages)."""
    from .render_html import render_page
    from .view import build_view, load_labels

    profile = templates.audience(audience)
    labels = load_labels(templates, doc.model.meta.language)
    view = build_view(doc, profile, labels)
    css = templates.find("css/brief.css").read_text(encoding="utf-8")
    html = render_page(view, templates, css)
    if fmt == "html":
        return html.encode("utf-8"), None
    if fmt == "pdf":
        from .render_pdf import render_pdf
        return render_pdf(html, [templates.find("css/fonts.css")], templates.dirs)
    if fmt == "docx":
        from .render_docx import render_docx
        return render_docx(html, view, templates.find("docx/reference.docx")), None
    raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")


def _worker_signals() -> None:
    """Leave Ctrl-C to the parent, and let SIGTERM end a worker at once.

    A forked worker inherits the command line's handlers, which turn both signals into
    KeyboardInterrupt; the executor would catch that as a task's failure and go on.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_job(job: Job, user_dirs: tuple[Path, ...]) -> tuple[bytes, int | None, float]:
    """Worker entry point: load, render, and time one job (runs in a child process)."""
    start = time.perf_counter()
    templates = TemplateSet(user_dirs)
    doc = load(job.source, list(templates.audiences))
    data, pages = render(doc, job.audience, job.format, templates)
    return data, pages, time.perf_counter() - start


def build(paths: Iterable[str | Path] = ("content",), *, out: str | Path = "build",
          audiences: list[str] | None = None, formats: Iterable[str] = FORMATS,
          templates: Iterable[str | Path] = (), jobs: int = 1,
          progress: Callable[[Job], None] | None = None,
          on_plan: Callable[[int], None] | None = None) -> list[Written]:
    """Validate, render and write documents; return what was written.

    paths: content files or folders; out: the output folder; audiences: override each
    document's own list; formats: any of pdf, docx, html; templates: user template
    folders searched before the built-ins; jobs: worker processes; on_plan: called with
    the number of outputs once they are known; progress: called after each render.
    """
    formats = list(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is a usage error, before any work
    files = find_documents(paths)
    template_set = for_documents(files, tuple(templates))
    docs = load_all(files, template_set)
    for doc in docs:
        for warning in doc.warnings:
            log.warning("%s", warning)
    out = Path(out)
    todo = plan(docs, template_set, out, audiences, formats)
    check_writable(out)
    if on_plan:
        on_plan(len(todo))

    rendered: list[tuple[Job, bytes, int | None, float]] = []
    if jobs <= 1:
        by_path = {doc.path: doc for doc in docs}
        for job in todo:
            start = time.perf_counter()
            data, pages = render(by_path[job.source], job.audience, job.format, template_set)
            rendered.append((job, data, pages, time.perf_counter() - start))
            if progress:
                progress(job)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_signals)
        try:
            futures = [(job, pool.submit(_render_job, job, template_set.user_dirs))
                       for job in todo]
            for job, future in futures:
                data, pages, seconds = future.result()
                rendered.append((job, data, pages, seconds))
                if progress:
                    progress(job)
        except BaseException:
            # Interrupted or failed: drop the queued renders and stop the running ones,
            # rather than wait seconds for layouts whose results nobody will write. The
            # executor has no public way to stop a running task, hence _processes.
            running = getattr(pool, "_processes", None) or {}  # shutdown() clears it
            for process in list(running.values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    written = []
    kinds = {doc.path: doc.model.kind for doc in docs}
    for job, data, pages, seconds in rendered:
        write_atomic(job.path, data)
        written.append(Written(job, pages, len(data), seconds))
        limit = template_set.audience(job.audience).limits.for_kind(kinds[job.source]).pages
        if pages and limit and pages > limit:
            log.warning("%s: warning: %d pages (the %s profile allows %d)",
                        job.path, pages, job.audience, limit)
    return written
