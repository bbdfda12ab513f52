"""Find the content files a build or a check is about, and name what each one makes.

A folder given on the command line is searched for `*.yaml` files, except in the folders
that hold something else: hidden folders, a project's templates folder (its audience
profiles and labels are YAML too, but not documents) and output folders (`build/`, or any
folder holding a build's records). A file named on the command line is always taken.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import state
from .errors import UsageError
from .paths import document_name
from .templates import PARTS

__all__ = ["Job", "check_names", "find_documents", "is_skipped_folder", "output_jobs"]


@dataclass(frozen=True)
class Job:
    """One output: a document, for one audience, in one format, to one path."""

    source: Path
    audience: str
    format: str
    path: Path


def is_skipped_folder(folder: Path) -> bool:
    """Whether a folder found below a searched one holds no documents, only other YAML."""
    if folder.name.startswith("."):
        return True
    if folder.name == "templates" and any((folder / part).is_dir() for part in PARTS):
        return True  # the folder templates.project_templates() would take
    return folder.name == "build" or (folder / state.FOLDER).is_dir()


def _yaml_files(folder: Path) -> list[Path]:
    """The *.yaml files below folder, sorted, leaving out the folders is_skipped_folder names
    and review logs."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not is_skipped_folder(Path(root, d))]
        # NAME.review.yaml: the comments `briefgen review` keeps beside a document.
        found += [Path(root, name) for name in files
                  if name.endswith(".yaml") and not name.endswith(".review.yaml")]
    return sorted(found)


def find_documents(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the YAML content files they name, sorted, each once."""
    paths = list(paths)
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += _yaml_files(path)
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


def output_jobs(source: Path, out: Path, audiences: Iterable[str],
                formats: Iterable[str]) -> list[Job]:
    """List one document's outputs: each of its (or the chosen) audiences × formats."""
    name = document_name(source)
    formats = list(formats)
    return [Job(source, audience, fmt, out / name / f"{name}-{audience}.{fmt}")
            for audience in audiences for fmt in formats]
