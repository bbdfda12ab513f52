"""Rebuild on save: `briefgen build --watch`.

watchfiles (the Rust `notify` crate underneath) reports changes in the documents' folders
(the content files, their images and logos) and in the template folders the build reads
(`--templates`, and each project's own `templates/`). A burst of saves, such as an editor
writing a temporary file and then the file, is one change. Each change runs the same
build again, which renders only what is out of date (state.py), so a save of one brief
re-renders that brief alone. A mistake in the content is printed as every command prints
it, and the watch goes on: the next good save builds. The output folder is not watched.
Ctrl-C ends the watch as it ends a build (cli.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import BriefgenError, ContentError

__all__ = ["DEBOUNCE_MS", "relevant", "report_build", "watch", "watched_folders"]

DEBOUNCE_MS = 200  # changes closer together than this are one change


def watched_folders(paths: Iterable[str], documents: list[Path],
                    templates: Iterable[Path]) -> list[Path]:
    """The folders whose changes a build depends on: what was named (a file's folder),
    each document's folder, and the template folders."""
    folders = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent
               for p in paths]
    folders += [document.resolve().parent for document in documents]
    folders += [Path(folder).resolve() for folder in templates]
    unique: list[Path] = []
    # A folder that is not there (a mistyped --templates) has nothing to watch; the build
    # itself says what is wrong with it.
    for folder in sorted({f for f in folders if f.is_dir()}, key=lambda f: (len(f.parts), str(f))):
        if not any(folder.is_relative_to(kept) for kept in unique):  # one watch per tree
            unique.append(folder)
    return unique


def watch(build: Callable[[], object], folders: list[Path], out: Path,
          templates: Iterable[Path] = (),
          changes: Callable[..., Iterable[set]] | None = None) -> int:
    """Build now, then again after every change a build reads: a content file or an image
    under folders, or any file of the template folders (never anything under out).
    changes: watchfiles.watch, or a stand-in for tests."""
    if changes is None:
        from watchfiles import watch as changes
    report_build(build)
    print(f"briefgen: watching {', '.join(map(str, folders))}; Ctrl-C stops",
          file=sys.stderr)
    wanted = relevant(out, templates)
    for batch in changes(*folders, debounce=DEBOUNCE_MS, watch_filter=wanted):
        names = sorted({Path(path).name for _, path in batch})
        print(f"briefgen: {', '.join(names)} changed; building", file=sys.stderr)
        report_build(build)
    return 0


# What a build reads from a document's folder: content files and the images they name.
_READ = (".yaml", ".yml", ".png", ".jpg", ".jpeg")


def relevant(out: Path | None, templates: Iterable[Path]) -> Callable[[object, str], bool]:
    """A watchfiles filter: its default (no .git, editor swap files, caches), then what a
    build reads, never under out (the build's own writes; None: no output folder)."""
    from watchfiles import Change, DefaultFilter

    default = DefaultFilter()
    out = out.resolve() if out is not None else None
    templates = [Path(t).resolve() for t in templates]

    def wanted(change: object, path: str) -> bool:
        where = Path(path).resolve()
        if not default(change, path) or (out is not None and where.is_relative_to(out)):
            return False
        # A folder that comes (a project's new templates/) may hold a file written before
        # the watcher was watching it, whose own event is then never seen.
        return (where.suffix.lower() in _READ or (change == Change.added and where.is_dir())
                or any(where.is_relative_to(folder) for folder in templates))
    return wanted


def report_build(build: Callable[[], object]) -> None:
    """Run build; print a user's mistake as the CLI does, and carry on watching."""
    try:
        build()
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"briefgen: {count} error{'s' if count != 1 else ''}; nothing was written; "
              "fix and save to build again", file=sys.stderr)
    except BriefgenError as exc:
        print(f"briefgen: error: {exc}; fix and save to build again", file=sys.stderr)
