"""The preview's PDF renderer: one process of its own, kept warm.

A preview lays out the PDF after every save, in the background, once the page on screen
is already new. The renderer is a process started with the preview, not a thread: a
layout holds Python's one lock for seconds (a long report), and in this process it would
hold up the next save's page. It is given the edition as a build gives its workers one
(tasks.py): it loads the file and makes the print page and the PDF itself. It imports
WeasyPrint and lays out one page in every bundled face when it starts (`_warm_up`), so
each save costs a layout, not the second a build spends on imports, fontconfig and first
uses; and it keeps its fonts and the lines it broke from one layout to the next
(warm.py), so a layout after a small edit takes about two thirds of a build's. With
`--write` it also runs the build that writes the files, after the PDF, so the page on
screen never waits for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .errors import BriefgenError
from .executors import stop_pool, worker_signals
from .tasks import Rendered, Task, run_task
from .templates import TemplateSet

__all__ = ["PdfRenderer"]


class PdfRenderer:
    """A warm WeasyPrint in a process of its own; one layout at a time."""

    def __init__(self, templates: TemplateSet) -> None:
        # spawn: the preview's process has threads (the server's, the watcher's), which
        # a forked child would inherit in whatever state they were.
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up, initargs=(templates,))
        self._pool.submit(int)  # start it now, while the author reads the first page

    def render(self, task: Task) -> Future[Rendered]:
        """Render a task (tasks.make_task) there, as a build's worker does."""
        return self._pool.submit(run_task, task)

    def build(self, paths: tuple[str, ...], out: str, templates: tuple[Path, ...]) -> Future:
        """Write the files as `briefgen build` does (preview --write)."""
        return self._pool.submit(_build, paths, out, templates)

    def close(self) -> None:
        """Stop at once: a layout under way is of no use to anyone any more."""
        stop_pool(self._pool)


def _warm_up(templates: TemplateSet) -> None:
    """Leave Ctrl-C to the preview (as a build's workers do), give way to it, then lay out
    a page in every face once.

    Lower priority (nice 10): on a laptop's few cores, the page a save makes comes first
    and the PDF takes what is left, rather than the two slowing each other down.
    """
    worker_signals()
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(10)
    from . import warm
    from .fontfaces import faces_of
    from .render_pdf import render_pdf

    warm.keep()

    def stop(signum: int, frame: object) -> None:  # the preview ends: its folder goes too
        warm.forget()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)

    faces = faces_of(templates)
    spans = "".join(
        f'<p style="font-family: \'{face.family}\'; font-weight: {face.weight}; '
        f'font-style: {"italic" if face.italic else "normal"}">Aa 1 \u0627\u0628</p>'
        for face in faces)
    page = f'<html lang="en"><head><title>-</title></head><body>{spans}</body></html>'
    try:
        render_pdf(page, [templates.find("css/fonts.css")], templates.dirs)
    except BriefgenError:  # a project's fonts.css with a mistake: the first PDF says so
        pass


def _build(paths: tuple[str, ...], out: str, templates: tuple[Path, ...]) -> None:
    """Build as `build --watch` does, saying what went wrong on the preview's stderr."""
    import sys

    from .pipeline import build
    from .watch import report_build

    def once() -> None:
        written = build(paths, out=out, templates=templates)
        if written:
            print(f"briefgen: wrote {len(written)} file{'s' if len(written) != 1 else ''} "
                  f"to {out}", file=sys.stderr, flush=True)
    report_build(once)
