"""Skip outputs that nothing has changed since they were written.

A build records each document's inputs in OUT/.briefgen/NAME.json: the digests of the
files its outputs were made from (the content file and the images it names), the
audiences it lists, its warnings, and for every output the key of what made it and the
size and modification time of the file written. A key covers:

- those files' contents;
- every file in the template folders searched (profiles, templates, stylesheets, fonts);
- briefgen's version and code, and the installed layout libraries (WeasyPrint, python-docx,
  matplotlib, Jinja, markdown-it);
- SOURCE_DATE_EPOCH, the audience and the format.

An output is up to date when its key is the one recorded and the file on disk is the one
written. As in make with dependency files, the list of images comes from the last build;
an image can only join it through an edit of the content file, which changes the key.
This module uses the standard library only: a build with nothing to do loads no model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .output import write_atomic

__all__ = ["Record", "environment_key", "file_digests", "output_key"]

FOLDER = ".briefgen"
# Installed libraries whose upgrade can change an output's bytes.
LIBRARIES = ("weasyprint", "docx", "matplotlib", "jinja2", "markdown_it", "pydyf")


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _stat(path: str | Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def _tree(folder: Path, suffix: str = "") -> list[tuple[str, int, int]]:
    """Each file below folder (ending in suffix) as (relative path, size, mtime in ns)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffix):
                path = os.path.join(root, name)
                found.append((os.path.relpath(path, folder), *_stat(path)))
    return found


def environment_key(template_dirs: tuple[Path, ...], epoch: int | None) -> str:
    """The key of everything besides the document that goes into its outputs."""
    # briefgen's own code, since a checkout changes without a new version number; each
    # library by its top module, which an install or upgrade rewrites.
    code: list[object] = [_tree(Path(__file__).parent, ".py")]
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds without importing
        code.append([name, _stat(spec.origin) if spec and spec.origin else None])
    return _hash(__version__, code, [[str(d), _tree(d)] for d in template_dirs], epoch)


def file_digests(folder: Path, names: list[str]) -> dict[str, str] | None:
    """SHA-256 of each named file in folder, or None when one of them is gone."""
    digests = {}
    for name in names:
        try:
            digests[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        except OSError:
            return None
    return digests


def output_key(environment: str, digests: dict[str, str], audience: str, fmt: str) -> str:
    return _hash(environment, digests, audience, fmt)


@dataclass
class Record:
    """What the last build of one document wrote, read from and kept in OUT/.briefgen/."""

    path: Path
    files: dict[str, str] = field(default_factory=dict)  # name -> digest, as last built
    audiences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, dict] = field(default_factory=dict)  # file name -> key, size, mtime

    @classmethod
    def read(cls, out: Path, name: str) -> Record:
        """The record of document name in out; empty if there is none or it is unreadable."""
        path = out / FOLDER / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data["files"]), list(data["audiences"]),
                       list(data["warnings"]), dict(data["outputs"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path)

    def current_digests(self, folder: Path) -> dict[str, str] | None:
        """The digests of the recorded files now, or None if the content file changed."""
        digests = file_digests(folder, list(self.files))
        if not digests or digests != self.files:
            return None
        return digests

    def is_current(self, path: Path, key: str) -> bool:
        """Whether the output at path was written from key and is still the file written."""
        entry = self.outputs.get(path.name)
        if not entry or entry.get("key") != key:
            return False
        try:
            info = path.stat()
        except OSError:
            return False
        return [info.st_size, info.st_mtime_ns] == [entry.get("size"), entry.get("mtime_ns")]

    def wrote(self, path: Path, key: str) -> None:
        info = path.stat()
        self.outputs[path.name] = {"key": key, "size": info.st_size,
                                   "mtime_ns": info.st_mtime_ns}

    def save(self) -> None:
        data = {"files": self.files, "audiences": self.audiences, "warnings": self.warnings,
                "outputs": self.outputs}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")
