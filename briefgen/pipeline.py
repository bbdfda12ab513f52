"""The build pipeline: find documents, validate them all, render, then write.

Nothing is written until every document has loaded cleanly and every output has
rendered to bytes; then the build's files go in together, or not at all (output.py's
WriteSet): the outputs, the records of what made them and the new chart drawings.
Outputs whose inputs have not changed since they were written are skipped (see
state.py). Each document's page is built once per audience and shared by its formats.

Renders run in this process (`jobs=1`, or a build of one document for one audience) or
through an executor (executors.py): a pool of local worker processes, or a Dask cluster.
A task sent to a cluster carries the bytes of everything it reads besides briefgen
itself, so a worker needs no shared disk; every task returns the bytes of its outputs,
which are written here.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, state
from .errors import BriefgenError, ContentError, UsageError
from .output import WriteSet, check_writable, document_name
from .reproducible import source_date_epoch
from .templates import TemplateSet, for_documents, read_template_file

if TYPE_CHECKING:
    from .chartcache import ChartCache
    from .content import LoadedDocument
    from .view import DocumentView

__all__ = ["FORMATS", "Job", "Task", "Written", "build", "find_documents", "load_all",
           "render", "render_outputs", "run_task"]

# What render_outputs returns for each format: (bytes, PDF pages or None, seconds).
Output = tuple[bytes, "int | None", float]

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
    """Expand files and folders into the YAML content files they name, sorted, each once."""
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
    unique: dict[Path, Path] = {}  # a file named twice (a folder and a file in it) is one
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def check_names(files: list[Path], out: Path) -> None:
    """Raise UsageError if two documents would be written to one output folder."""
    seen: dict[str, Path] = {}
    for path in files:
        name = document_name(path)
        if name == state.FOLDER:
            raise UsageError(f"{path} would be written to {out / name}, the folder where "
                             "briefgen keeps its records; rename the file or its folder")
        if name in seen:
            raise UsageError(f"{seen[name]} and {path} would both be written to "
                             f"{out / name}/; rename one of them (or its folder)")
        seen[name] = path


def load_all(files: list[Path], templates: TemplateSet) -> list[LoadedDocument]:
    """Load every file, collecting all their errors before raising one ContentError.

    Each document's warnings include its overruns of its audiences' length limits.
    """
    from .content import load
    from .labels import load_labels, missing_labels
    from .view import limit_warnings

    names = list(templates.audiences)
    docs, problems = [], []
    for path in files:
        try:
            doc = load(path, names)
        except ContentError as exc:
            problems += exc.diagnostics
            continue
        labels = load_labels(templates, doc.model.meta.language)
        missing = missing_labels(templates, doc.model.meta.language)
        if missing:
            doc.warnings.append(doc.source.diagnostic(("meta", "language"), missing,
                                                      severity="warning"))
        for audience in doc.model.audiences:
            doc.warnings += limit_warnings(doc, templates.audience(audience), labels)
        docs.append(doc)
    if problems:
        raise ContentError(problems)
    return docs


def plan(source: Path, out: Path, audiences: list[str], formats: list[str]) -> list[Job]:
    """List one document's outputs: each of its (or the chosen) audiences × formats."""
    name = document_name(source)
    return [Job(source, audience, fmt, out / name / f"{name}-{audience}.{fmt}")
            for audience in audiences for fmt in formats]


def render(doc: LoadedDocument, audience: str, fmt: str,
           templates: TemplateSet) -> tuple[bytes, int | None]:
    """Render one document for one audience in one format; return (bytes, pages)."""
    data, pages, _ = render_outputs(doc, audience, [fmt], templates)[fmt]
    return data, pages


def render_outputs(doc: LoadedDocument, audience: str, formats: Iterable[str],
                   templates: TemplateSet, chart_cache: ChartCache | None = None,
                   epoch: int | None = None) -> dict[str, Output]:
    """Render one document for one audience in each format, from one shared page.

    Returns {format: (bytes, pages or None, seconds)}; each format's seconds include the
    time spent building the page it shares. chart_cache: drawings of earlier builds;
    epoch: SOURCE_DATE_EPOCH, as the build read it.
    """
    start = time.perf_counter()
    view = _view(doc, audience, templates, chart_cache)
    return _render_view(view, formats, templates, epoch, time.perf_counter() - start)


def _view(doc: LoadedDocument, audience: str, templates: TemplateSet,
          chart_cache: ChartCache | None) -> DocumentView:
    from .labels import load_labels
    from .view import build_view

    return build_view(doc, templates.audience(audience),
                      load_labels(templates, doc.model.meta.language), chart_cache)


def _render_view(view: DocumentView, formats: Iterable[str], templates: TemplateSet,
                 epoch: int | None, shared: float = 0.0) -> dict[str, Output]:
    from .render_html import render_page

    formats = list(formats)
    start = time.perf_counter()
    css = templates.read_text("css/brief.css")
    # The page on screen, which Word is made from too; the PDF prints its own (render_page).
    html = render_page(view, templates, css) if {"html", "docx"} & set(formats) else ""
    shared += time.perf_counter() - start
    results = {}
    for fmt in formats:
        start = time.perf_counter()
        pages = None
        if fmt == "html":
            data = html.encode("utf-8")
        elif fmt == "pdf":
            from .render_pdf import render_pdf
            data, pages = render_pdf(render_page(view, templates, css, "print"),
                                     [templates.find("css/fonts.css")], templates.dirs)
        elif fmt == "docx":
            from .render_docx import render_docx
            data = render_docx(html, view, templates.find("docx/reference.docx"), epoch)
        else:
            raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
        results[fmt] = (data, pages, shared + time.perf_counter() - start)
    return results


# -- Tasks: one document for one audience, sent to an executor ------------------------
@dataclass(frozen=True)
class Task:
    """A render sent to an executor: what to make, from which files, with what settings.

    folder, document: the content file as this machine names it. files: for a cluster,
    the bytes of each file the outputs are made from, by name relative to folder (None: a
    local worker reads them where they are). templates: each user templates folder as
    (its path here, {relative path: bytes} or None). The built-in templates come with
    briefgen, which must be the same version on the worker. salt, charts: the chart
    cache's key and the folder of drawings a local worker may reuse.
    """

    folder: str
    document: str
    files: dict[str, bytes] | None
    templates: tuple[tuple[str, dict[str, bytes] | None], ...]
    audience: str
    formats: tuple[str, ...]
    epoch: int | None
    salt: str
    charts: str | None = None
    reuse_charts: bool = True
    version: str = __version__


@dataclass
class Rendered:
    """What a task sends back: its outputs by format, and the charts it drew anew."""

    outputs: dict[str, Output]
    drawings: dict[str, bytes] = field(default_factory=dict)


def make_task(doc: LoadedDocument, audience: str, formats: Iterable[str],
              templates: TemplateSet, cache: ChartCache, epoch: int | None,
              ship: bool) -> Task:
    """The task rendering doc for audience; ship: carry the files' bytes (for a cluster)."""
    files = {name: (doc.folder / name).read_bytes() for name in doc.files()} if ship else None
    # Through the template gate: links leading out of the folder, FIFOs and oversized
    # files are refused here as they would be in a local build.
    dirs = tuple((str(d), {str(p.relative_to(d)): read_template_file(p, d)
                           for p in sorted(d.rglob("*")) if p.is_file()} if ship else None)
                 for d in templates.user_dirs)
    return Task(str(doc.folder), doc.path.name, files, dirs, audience, tuple(formats), epoch,
                cache.salt, None if ship or not cache.folder else str(cache.folder),
                cache.reuse)


def run_task(task: Task) -> Rendered:
    """Render a task on a worker; return its outputs and the charts it drew.

    A task that carries its files is rendered from a private copy of them; errors then
    name the files as the build's machine knows them, not the worker's copies.
    """
    from .chartcache import ChartCache
    from .content import load

    if task.version != __version__:
        raise UsageError(f"a worker runs briefgen {__version__}, but this build is "
                         f"briefgen {task.version}; install the same version on the workers")
    cache = ChartCache(Path(task.charts) if task.charts else None, task.salt,
                       task.reuse_charts)

    def render_from(folder: Path, dirs: list[Path]) -> Rendered:
        templates = TemplateSet(tuple(dirs))
        doc = load(folder / task.document, list(templates.audiences))
        outputs = render_outputs(doc, task.audience, task.formats, templates, cache,
                                 task.epoch)
        return Rendered(outputs, cache.new)

    if task.files is None:
        return render_from(Path(task.folder), [Path(d) for d, _ in task.templates])
    with tempfile.TemporaryDirectory(prefix="briefgen-task-") as tmp:
        # The folder keeps its name: an output's name is made from it.
        folder = Path(tmp, "doc", Path(task.folder).name)
        places = {str(folder): task.folder}
        _unpack(folder, task.files)
        dirs = []
        for i, (original, files) in enumerate(task.templates):
            dirs.append(Path(tmp, f"templates{i}"))
            _unpack(dirs[-1], files or {})
            places[str(dirs[-1])] = original
        try:
            return render_from(folder, dirs)
        except BriefgenError as exc:
            raise _relocated(exc, places) from None


def _unpack(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _relocated(exc: BriefgenError, places: dict[str, str]) -> BriefgenError:
    """The same error, naming each worker copy by the original path it stands for."""
    def here(text: str) -> str:
        for copy, original in places.items():
            text = text.replace(copy, original)
        return text

    if isinstance(exc, ContentError):
        return ContentError([replace(d, file=Path(here(str(d.file))) if d.file else None)
                             for d in exc.diagnostics])
    return type(exc)(here(str(exc)))


# -- The build -----------------------------------------------------------------------
@dataclass
class _Group:
    """The outputs of one document for one audience that are out of date."""

    doc: LoadedDocument
    audience: str
    jobs: list[Job]
    keys: dict[str, str]  # output file name -> the key of what makes it

    @property
    def formats(self) -> list[str]:
        return [job.format for job in self.jobs]


def build(paths: Iterable[str | Path] = ("content",), *, out: str | Path = "build",
          audiences: list[str] | None = None, formats: Iterable[str] = FORMATS,
          templates: Iterable[str | Path] = (), jobs: int | None = 1, force: bool = False,
          executor: str = "local", scheduler: str | None = None,
          progress: Callable[[Job], None] | None = None,
          on_plan: Callable[[int, int], None] | None = None) -> list[Written]:
    """Validate, render and write documents; return what was written.

    paths: content files or folders; out: the output folder; audiences: override each
    document's own list; formats: any of pdf, docx, html; templates: user template
    folders searched before the built-ins; jobs: local worker processes (1: render in
    this process; None: one per core); force: render even the outputs that are up to
    date, and draw every chart again; executor: "local" or "dask", with scheduler the
    Dask scheduler's address; on_plan: called with the number of outputs to render and
    the number up to date, once they are known; progress: called after each render.
    Outputs skipped as up to date are not in the list returned. The files go in all
    together or not at all; a write that fails, two documents with one output name, or
    a symbolic link in the output folder raise UsageError.
    """
    from . import executors

    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
    audiences = list(dict.fromkeys(audiences)) if audiences else None
    executors.check(executor, scheduler)
    jobs = executors.available_cores() if jobs is None else jobs
    if jobs < 1:
        raise UsageError("jobs needs a number of at least 1")
    epoch = source_date_epoch()  # a malformed value is a usage error, before any work
    files = find_documents(paths)
    out = Path(out)
    check_names(files, out)
    if out.is_symlink():
        check_writable(out)  # refuses it, naming the link
    template_set = for_documents(files, tuple(templates))
    # Every file is read once in this build, and always before it is used (state.py).
    digests = state.Digests()
    environment = state.environment_key(template_set.dirs, epoch, digests)

    # Documents whose every output is up to date are not even loaded: their record says
    # which audiences they list and what they warned about.
    records = {path: state.Record.read(out, document_name(path)) for path in files}
    stale, up_to_date = [], 0
    before: dict[Path, str | None] = {}  # each content file's digest, before it is loaded
    for path in files:
        record = records[path]
        before[path] = digests(path)
        current = None if force else record.current_digests(path.parent, digests)
        wanted = plan(path, out, audiences or record.audiences, formats)
        if current and wanted and all(record.is_current(job.path, state.output_key(
                environment, current, job.audience, job.format), digests) for job in wanted):
            up_to_date += len(wanted)
            for warning in record.warnings:
                log.warning("%s", warning)
        else:
            stale.append(path)
    if not stale:
        if on_plan:
            on_plan(0, up_to_date)
        return []

    docs = load_all(stale, template_set)
    for name in audiences or []:
        template_set.audience(name)  # raises UsageError with the available names
    groups: list[_Group] = []
    for doc in docs:
        for warning in doc.warnings:
            log.warning("%s", warning)
        record = records[doc.path]
        found = state.file_digests(doc.folder, doc.files(), digests) or {}
        # The content file as it was before it was loaded: if it changed since, the
        # record says so and the next build renders it again.
        found[doc.path.name] = before[doc.path] or ""
        record.files, record.audiences = found, list(doc.model.audiences)
        record.warnings = [str(w) for w in doc.warnings]
        for audience in audiences or doc.model.audiences:
            group = _Group(doc, audience, [], {})
            for job in plan(doc.path, out, [audience], formats):
                key = state.output_key(environment, found, audience, job.format)
                group.keys[job.path.name] = key
                if force or not record.is_current(job.path, key, digests):
                    group.jobs.append(job)
                else:
                    up_to_date += 1
            if group.jobs:
                groups.append(group)
    # Where the files will go, checked before the renders take their time.
    check_writable(out)
    writes = WriteSet(out)
    for path in [*(job.path for group in groups for job in group.jobs),
                 *(records[group.doc.path].path for group in groups),
                 out / state.FOLDER / "charts" / "_"]:
        writes.check(path)
    if on_plan:
        on_plan(sum(len(group.jobs) for group in groups), up_to_date)
    if not groups:  # the files changed, but nothing they make did
        return []

    from .chartcache import ChartCache

    cache = ChartCache(out / state.FOLDER / "charts", environment, reuse=not force)
    if executor == "local" and (jobs == 1 or len(groups) == 1):
        rendered = _render_here(groups, template_set, cache, epoch, progress, jobs > 1)
    else:
        rendered = _render_there(groups, template_set, cache, epoch, progress,
                                 executor, min(jobs, len(groups)), scheduler)

    # All or nothing: the outputs, then the drawings and records that describe them.
    written, too_long = [], []
    for group, outputs in zip(groups, rendered, strict=True):
        record = records[group.doc.path]
        limit = template_set.audience(group.audience).limits.for_kind(
            group.doc.model.kind).pages
        for job in group.jobs:
            data, pages, seconds = outputs[job.format]
            writes.add(job.path, data)
            record.wrote(job.path, group.keys[job.path.name], data)
            written.append(Written(job, pages, len(data), seconds))
            if pages and limit and pages > limit:
                too_long.append((job.path, pages, group.audience, limit))
    cache.save(writes)
    for record in {id(records[g.doc.path]): records[g.doc.path] for g in groups}.values():
        writes.add(record.path, record.dump())
    writes.commit()
    for path, pages, audience, limit in too_long:
        log.warning("%s: warning: %d pages (the %s profile allows %d)",
                    path, pages, audience, limit)
    return written


def _render_here(groups: list[_Group], templates: TemplateSet, cache: ChartCache,
                 epoch: int | None, progress: Callable[[Job], None] | None,
                 helper: bool) -> list[dict[str, Output]]:
    """Render every group in this process; helper: let a second process draw the charts."""
    views = [_view(group.doc, group.audience, templates, cache) for group in groups]
    formats = {fmt for group in groups for fmt in group.formats}
    # The page and the PDF need SVG drawings, Word needs PNG. Matplotlib and WeasyPrint
    # take 0.3 s each to import: the helper draws while this process imports.
    drawings = ({"svg"} if formats & {"pdf", "html"} else set()) | (
        {"png"} if "docx" in formats else set())
    results = []
    charts = [chart for view in views for chart in view.charts.values()]
    with cache.drawing_ahead(charts, drawings) if helper else contextlib.nullcontext():
        for fmt, module in (("pdf", "weasyprint"), ("docx", "docx")):
            if fmt in formats:
                importlib.import_module(module)
        for group, view in zip(groups, views, strict=True):
            results.append(_render_view(view, group.formats, templates, epoch))
            for job in group.jobs:
                if progress:
                    progress(job)
    return results


def _render_there(groups: list[_Group], templates: TemplateSet, cache: ChartCache,
                  epoch: int | None, progress: Callable[[Job], None] | None,
                  executor: str, jobs: int, scheduler: str | None,
                  ) -> list[dict[str, Output]]:
    """Render every group through an executor, longest first; return results in order."""
    from .executors import open_executor

    # Longest first, so that no worker is left with a long render at the end: full-text
    # editions of the longest files.
    def cost(index: int) -> tuple[int, int]:
        group = groups[index]
        full = templates.audience(group.audience).text == "full"
        return -(group.doc.path.stat().st_size * (3 if full else 1)), -len(group.jobs)

    results: list[dict[str, Output]] = [{} for _ in groups]
    ship = executor != "local"
    with open_executor(executor, jobs, scheduler) as pool:
        futures = {pool.submit(run_task, make_task(groups[i].doc, groups[i].audience,
                                                   groups[i].formats, templates, cache,
                                                   epoch, ship)): i
                   for i in sorted(range(len(groups)), key=cost)}
        for future in as_completed(futures):
            index = futures[future]
            rendered = future.result()
            results[index] = rendered.outputs
            cache.new.update(rendered.drawings)
            for job in groups[index].jobs:
                if progress:
                    progress(job)
    return results
