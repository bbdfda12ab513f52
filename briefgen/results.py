"""What `briefgen build` shows while and after it renders: a progress bar, then a table
of the files written (pages, size, time, readability). rich is imported only here."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["build_with_table", "print_table", "progress"]


@contextlib.contextmanager
def progress(total: int):  # noqa: ANN202 - yields a function: advance(file name)
    """A progress bar on stderr for total renders, gone when they are done."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("rendering", total=total)
        yield lambda name: progress.update(task, advance=1, description=f"rendered {name}")


def print_table(written: list, out: Path, note: str, stream=None) -> None:  # noqa: ANN001
    """Print the table of files written (out: the output folder) to stream."""
    from rich.console import Console
    from rich.table import Table
    # Name files alone (each starts with its folder's, the document's), to fit 100 columns.
    folders = {item.job.path.parent for item in written}
    place = folders.pop() if len(folders) == 1 else Path(out, "<document>")
    count = f"{len(written)} file{'s' if len(written) != 1 else ''}"
    key = "grade (Flesch–Kincaid), w/sent (words per sentence): each edition's whole text"
    table = Table(title=f"briefgen wrote {count} to {place}{os.sep}", title_justify="left",
                  caption="\n".join(filter(None, (key, note))), caption_justify="left")
    table.add_column("file", overflow="fold")
    for column in ("pages", "size", "seconds", "grade", "w/sent"):
        table.add_column(column, justify="right")
    for item in written:
        size = f"{item.size / 1024:.0f} KB" if item.size < 2**20 else f"{item.size / 2**20:.1f} MB"
        reads = [getattr(item.readability, name, None) for name in ("grade", "sentence_words")]
        table.add_row(item.job.path.name, str(item.pages or "–"), size,
                      f"{item.seconds:.2f}", *(f"{n:.1f}" if n is not None else "–" for n in reads))
    Console(file=stream).print(table)


def build_with_table(build, paths: list[str], folder: str, options: dict, out) -> None:  # noqa: ANN001
    """Build with a progress bar, then print the table of files written to out."""
    counts = [0, 0]  # to render, up to date
    with contextlib.ExitStack() as stack:
        bar: list = []  # the progress bar, made only when there is something to render

        def start(to_render: int, up_to_date: int) -> None:
            counts[:] = [to_render, up_to_date]
            if to_render:  # rich costs a tenth of a second; a build with nothing to do skips it
                bar.append(stack.enter_context(progress(to_render)))

        def advance(job) -> None:  # noqa: ANN001
            bar[0](job.path.name)

        written = build(paths, **options, progress=advance, on_plan=start)
    note = (f"{counts[1]} file{'s' if counts[1] != 1 else ''} up to date, not rendered again "
            "(--force renders them)") if counts[1] else ""
    if written:
        print_table(written, Path(folder), note, out)
    else:
        print(f"briefgen: nothing to do; {note or 'no output is out of date'}", file=out)
