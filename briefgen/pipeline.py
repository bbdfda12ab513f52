"""The build: plan what is out of date, load it, render it, then write it all at once.

1. plan: find the documents (discover.py) and skip those whose every output is up to
   date (state.py): their records say which audiences they list and what they warned.
2. load: validate every other document, collecting all their errors before raising one
   ContentError; report the warnings (under `strict`, raise them as errors instead).
3. render: each document for each audience, one view shared by its formats (render.py),
   in this process or through an executor (executors.py, tasks.py).
4. preflight: every PDF's pages were checked as it was laid out (preflight.py); a lost
   note, or under `strict` any finding, stops the build before anything is written.
5. write: the outputs, the records of what made them and the new chart drawings go in
   together, or not at all (output.WriteSet).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import state
from .discover import Job, check_names, find_documents, output_jobs
from .errors import ContentError, Diagnostic, UsageError
from .loading import load_all, load_document, strict_errors
from .output import WriteSet, check_writable
from .paths import document_name
from .preflight import Finding, PdfReport
from .render import FORMATS, Edition, Output, Progress, check_formats, render, render_in_process
from .reproducible import source_date_epoch
from .templates import TemplateSet, for_documents

if TYPE_CHECKING:
    from .content import LoadedDocument
    from .readability import Figures

__all__ = ["FORMATS", "Job", "PdfReport", "Written", "build", "find_documents", "load_all",
           "load_document", "render", "strict_errors"]  # the loading verbs re-exported

log = logging.getLogger(__name__)


def _nothing(job: Job) -> None:
    """No progress to show."""


@dataclass(frozen=True)
class Written:
    """What a job produced: its path, page count, size, render time and preflight findings,
    and how its edition reads (readability.Figures: the whole text the edition shows).

    pages and findings: PDF only.
    """

    job: Job
    pages: int | None
    size: int
    seconds: float
    findings: tuple[Finding, ...] = ()
    readability: Figures | None = None


def _stop_if_strict(warnings: list[Diagnostic], strict: bool) -> None:
    if strict and warnings:
        raise ContentError(strict_errors(warnings))


# -- Plan ----------------------------------------------------------------------------
@dataclass
class _Plan:
    """What a build has to do, as far as the records tell before anything is loaded."""

    out: Path
    audiences: list[str] | None  # chosen for every document, or each its own
    formats: list[str]
    environment: str  # the key of everything besides the documents (state.py)
    digests: state.Digests
    records: dict[Path, state.Record]
    stale: list[Path] = field(default_factory=list)  # to load: some output is out of date
    before: dict[Path, str | None] = field(default_factory=dict)  # digests before loading
    up_to_date: int = 0  # outputs
    warnings: list[Diagnostic] = field(default_factory=list)  # of what is up to date
    reports: list[PdfReport] = field(default_factory=list)  # preflight of PDFs up to date

    def skip(self, record: state.Record, job: Job) -> None:
        """Count job's output as up to date, and repeat what it warned and found."""
        self.up_to_date += 1
        self.warnings += record.output_warnings(job.path)
        if job.format == "pdf":
            pages, findings = record.output_preflight(job.path)
            self.reports.append(PdfReport(job.path, pages, tuple(_findings(findings)), False))


def _findings(data: list[dict]) -> list[Finding]:
    """Recorded findings; one that is not a finding (another version's) is left out."""
    found = []
    for item in data:
        try:
            found.append(Finding.from_dict(item))
        except TypeError:
            continue
    return found


def _plan(files: list[Path], out: Path, audiences: list[str] | None, formats: list[str],
          templates: TemplateSet, epoch: int | None, force: bool) -> _Plan:
    """Sort documents into those to load and those whose every output is up to date."""
    # Every file is read once in this build, and always before it is used (state.py).
    digests = state.Digests()
    environment = state.environment_key(templates.dirs, epoch, digests)
    plan = _Plan(out, audiences, formats, environment, digests,
                  {path: state.Record.read(out, document_name(path)) for path in files})
    for path in files:
        record = plan.records[path]
        plan.before[path] = digests(path)
        current = None if force else record.current_digests(path.parent, digests)
        wanted = output_jobs(path, out, audiences or record.audiences, formats)
        if current and wanted and all(record.is_current(job.path, state.output_key(
                environment, current, job.audience, job.format), digests) for job in wanted):
            plan.warnings += record.warnings
            for job in wanted:
                plan.skip(record, job)
        else:
            plan.stale.append(path)
    return plan


def _editions(plan: _Plan, docs: list[LoadedDocument], templates: TemplateSet,
            force: bool) -> list[Edition]:
    """The outputs of the loaded documents still out of date, by document and audience."""
    editions: list[Edition] = []
    for doc in docs:
        record = plan.records[doc.path]
        found = state.file_digests(doc.folder, doc.files(), plan.digests) or {}
        # The content file as it was before it was loaded: if it changed since, the
        # record says so and the next build renders it again.
        found[doc.path.name] = plan.before[doc.path] or ""
        record.files, record.audiences = found, list(doc.model.audiences)
        record.warnings = list(doc.warnings)
        for audience in plan.audiences or doc.model.audiences:
            edition = Edition(doc, audience, templates.audience(audience))
            for job in output_jobs(doc.path, plan.out, [audience], plan.formats):
                key = state.output_key(plan.environment, found, audience, job.format)
                edition.keys[job.path.name] = key
                if force or not record.is_current(job.path, key, plan.digests):
                    edition.jobs.append(job)
                else:
                    plan.skip(record, job)
            if edition.jobs:
                editions.append(edition)
    return editions


def _writes(out: Path, editions: list[Edition], records: dict[Path, state.Record]) -> WriteSet:
    """The write set of a build, its places checked before the renders take their time."""
    check_writable(out)
    writes = WriteSet(out)
    for path in [*(job.path for edition in editions for job in edition.jobs),
                 *(records[edition.doc.path].path for edition in editions),
                 out / state.FOLDER / "charts" / "_"]:
        writes.check(path)
    return writes


# -- The build -----------------------------------------------------------------------
def build(paths: Iterable[str | Path] = ("content",), *, out: str | Path = "build",
          audiences: list[str] | None = None, formats: Iterable[str] = FORMATS,
          templates: Iterable[str | Path] = (), jobs: int | None = 1, force: bool = False,
          strict: bool = False, executor: str = "local", scheduler: str | None = None,
          progress: Progress | None = None,
          on_plan: Callable[[int, int], None] | None = None,
          on_warning: Callable[[Diagnostic], None] | None = None,
          on_preflight: Callable[[PdfReport], None] | None = None) -> list[Written]:
    """Validate, render and write documents; return what was written.

    paths: content files or folders; out: the output folder; audiences: override each
    document's own list; formats: any of pdf, docx, html; templates: user template
    folders searched before the built-ins; jobs: local worker processes (1: render in
    this process; None: one per core); force: render even the outputs that are up to
    date, and draw every chart again; strict: raise every warning (a PDF over its page
    limit too) as a ContentError, before anything is written; executor: "local" or
    "dask", with scheduler the Dask scheduler's address; on_plan: called with the number
    of outputs to render and the number up to date, once they are known; progress:
    called after each render; on_warning: called with each warning, once (default: the
    log); on_preflight: called with the preflight of each PDF, rendered or up to date,
    before anything is written (default: each finding logged as a warning). Outputs
    skipped as up to date are not in the list returned, but their warnings and findings
    are reported again. A PDF that loses a note, or under strict any finding, raises
    ContentError and nothing is written. The files go in all together or not at all; a
    write that fails, two documents with one output name, or a symbolic link in the
    output folder raise UsageError.
    """
    from . import executors

    formats = check_formats(formats)
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
    warn = on_warning or (lambda warning: log.warning("%s", warning))

    plan = _plan(files, out, audiences, formats, template_set, epoch, force)
    docs = load_all(plan.stale, template_set)
    if docs:  # (a build with nothing to do reads no profile)
        for name in audiences or []:
            template_set.audience(name)  # raises UsageError with the available names
    editions = _editions(plan, docs, template_set, force)
    warnings = [*plan.warnings, *(w for doc in docs for w in doc.warnings)]
    _stop_if_strict([*warnings, *_preflight_errors(plan.reports, strict)], strict)
    for warning in warnings:
        warn(warning)
    writes = _writes(out, editions, plan.records) if editions else None
    if on_plan:
        on_plan(sum(len(edition.jobs) for edition in editions), plan.up_to_date)
    report = on_preflight or _log_findings
    if writes is None:  # nothing is out of date, or the files changed but not what they make
        for found in plan.reports:
            report(found)
        return []

    from .chartcache import ChartCache

    cache = ChartCache(out / state.FOLDER / "charts", plan.environment, reuse=not force)
    progress = progress or _nothing
    if executor == "local" and (jobs == 1 or len(editions) == 1):
        rendered = render_in_process(editions, template_set, cache, epoch, progress,
                                     helper=jobs > 1)
    else:
        from .tasks import render_with_executor

        rendered = render_with_executor(editions, template_set, cache, epoch, progress,
                                        executor, min(jobs, len(editions)), scheduler)
    written = _add_outputs(writes, editions, rendered, plan.records, template_set)
    reports = [*plan.reports, *(PdfReport(item.job.path, item.pages, item.findings)
                                for item in written if item.job.format == "pdf")]
    for found in reports:
        report(found)
    errors = _preflight_errors(reports, strict)
    if errors:  # a lost note, or under strict any finding: nothing is written
        raise ContentError(errors)
    # All or nothing: the outputs, then the drawings and records that describe them.
    cache.save(writes)
    for record in {id(plan.records[e.doc.path]): plan.records[e.doc.path]
                   for e in editions}.values():
        writes.add(record.path, record.dump())
    writes.commit()
    return written


def _preflight_errors(reports: list[PdfReport], strict: bool) -> list[Diagnostic]:
    """The findings that stop a build: lost notes, and under strict every one.

    A WeasyPrint warning (a stylesheet's) is the same for every PDF: it is given once.
    """
    errors: list[Diagnostic] = []
    seen: set[str] = set()
    for report in reports:
        for finding in report.findings:
            if not (strict or finding.severity == "error"):
                continue
            if finding.kind == "weasyprint":
                if finding.message in seen:
                    continue
                seen.add(finding.message)
            errors.append(Diagnostic(report.file, None, None,
                                     f"p.{finding.page}" if finding.page is not None else "",
                                     finding.message))
    return errors


def _log_findings(report: PdfReport) -> None:
    """Log each finding of a PDF as a warning: `file p.N: what`."""
    for finding in report.findings:
        log.warning("%s", finding.where(report.file))


def _add_outputs(writes: WriteSet, editions: list[Edition], rendered: list[dict[str, Output]],
                 records: dict[Path, state.Record], templates: TemplateSet) -> list[Written]:
    """Add the rendered outputs to writes and records, with their findings; return them."""
    from .labels import load_labels
    from .readability import edition_figures
    from .view import build_view

    written = []
    for edition, outputs in zip(editions, rendered, strict=True):
        record = records[edition.doc.path]
        labels = load_labels(templates, edition.doc.model.meta.language)
        figures = edition_figures(build_view(edition.doc, edition.profile, labels))[0]
        for job in edition.jobs:
            data, pages, seconds, findings = outputs[job.format]
            writes.add(job.path, data)
            record.wrote(job.path, edition.keys[job.path.name], data, pages=pages,
                         findings=[finding.as_dict() for finding in findings])
            written.append(Written(job, pages, len(data), seconds, tuple(findings), figures))
    return written
