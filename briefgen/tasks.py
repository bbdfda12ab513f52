"""Work sent to an executor: one document for one audience, rendered where a worker runs.

A task sent to a cluster carries the bytes of everything it reads besides briefgen
itself, so a worker needs no shared disk; the worker unpacks them into a private folder,
and its errors name the files as the build's machine knows them. Every task returns the
bytes of its outputs, which the build writes. `render_with_executor` sends a build's
editions (render.Edition) to an executor as tasks, the longest first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BriefgenError, ContentError, UsageError
from .render import Edition, Output, Progress, render_outputs
from .templates import TemplateSet, read_template_file
from .version import __version__

if TYPE_CHECKING:
    from .chartcache import ChartCache
    from .content import LoadedDocument

__all__ = ["Rendered", "Task", "make_task", "render_with_executor", "run_task"]


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
        unpack(folder, task.files)
        dirs = []
        for i, (original, files) in enumerate(task.templates):
            dirs.append(Path(tmp, f"templates{i}"))
            unpack(dirs[-1], files or {})
            places[str(dirs[-1])] = original
        try:
            return render_from(folder, dirs)
        except BriefgenError as exc:
            raise relocated(exc, places) from None


def unpack(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file of a task below folder, by its relative name."""
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def relocated(exc: BriefgenError, places: dict[str, str]) -> BriefgenError:
    """The same error, naming each worker copy by the original path it stands for."""
    def here(text: str) -> str:
        for copy, original in places.items():
            text = text.replace(copy, original)
        return text

    if isinstance(exc, ContentError):
        return ContentError([replace(d, file=Path(here(str(d.file))) if d.file else None)
                             for d in exc.diagnostics])
    return type(exc)(here(str(exc)))


def render_with_executor(editions: list[Edition], templates: TemplateSet, cache: ChartCache,
                         epoch: int | None, progress: Progress, executor: str,
                         jobs: int, scheduler: str | None) -> list[dict[str, Output]]:
    """Render every edition through an executor, longest first; return results in order."""
    from .executors import open_executor

    # Longest first, so that no worker is left with a long render at the end: full-text
    # editions of the longest files.
    def cost(index: int) -> tuple[int, int]:
        edition = editions[index]
        full = edition.profile.text == "full"
        return -(edition.doc.path.stat().st_size * (3 if full else 1)), -len(edition.jobs)

    results: list[dict[str, Output]] = [{} for _ in editions]
    ship = executor != "local"
    with open_executor(executor, jobs, scheduler) as pool:
        futures = {pool.submit(run_task, make_task(editions[i].doc, editions[i].audience,
                                                   editions[i].formats, templates, cache,
                                                   epoch, ship)): i
                   for i in sorted(range(len(editions)), key=cost)}
        for future in as_completed(futures):
            index = futures[future]
            rendered = future.result()
            results[index] = rendered.outputs
            cache.new.update(rendered.drawings)
            for job in editions[index].jobs:
                progress(job)
    return results
