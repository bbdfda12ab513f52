"""Skip outputs that nothing has changed since they were written.

A build records each document's inputs in OUT/.briefgen/NAME.json: the digests of the
files its outputs were made from (the content file and the images it names), the
audiences it lists, its warnings, and for every output the key of what made it, the
digest of the file written, and for a PDF its pages and preflight findings, which a build
that skips it repeats. A key covers:

- those files' contents;
- the contents of every file in the template folders searched (profiles, templates,
  stylesheets, fonts, the Word reference), the built-in folder included;
- briefgen's code and version, and the installed layout libraries (WeasyPrint,
  python-docx, matplotlib, Jinja, markdown-it);
- SOURCE_DATE_EPOCH, the audience and the format.

An output is up to date when its key is the one recorded and the file on disk has the
digest of the file written. Everything is compared by content (SHA-256), never by size
and modification time alone: `cp -p`, `rsync -t` and `tar` restore a file's time, and a
file can change twice within one tick of the clock. Sizes and times serve only as a fast
path within one build (`Digests`): a file is read once per build, not once per use.
As in make with dependency files, the list of images comes from the last build; an image
can only join it through an edit of the content file, which changes the key.
This module uses the standard library (and errors.py) only: a build with nothing to do
loads no model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import Diagnostic
from .version import __version__

__all__ = ["Digests", "Record", "environment_key", "file_digests", "output_key"]

FOLDER = ".briefgen"
# Installed libraries whose upgrade can change an output's bytes.
LIBRARIES = ("weasyprint", "docx", "matplotlib", "jinja2", "markdown_it", "pydyf")


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class Digests:
    """SHA-256 of files by content, each file read once in one build.

    A file whose device, inode, size, modification and change times are those it had
    when it was read is not read again by the same Digests. One is made per build and
    never kept: across builds, every file is read again. Within a build, a digest is
    taken before the file is used, so that an edit made while the build runs, even one
    within the same clock tick, shows as a change to the next build.
    """

    def __init__(self) -> None:
        self._known: dict[tuple, str | None] = {}

    def __call__(self, path: str | Path, follow: bool = True) -> str | None:
        """The digest of the regular file at path; None if it is missing or is not one.

        follow: False refuses a symbolic link (None), as for outputs.
        """
        flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                 | (0 if follow else getattr(os, "O_NOFOLLOW", 0)))
        try:
            # Opened first, then looked at: a FIFO or a device opens without blocking
            # (O_NONBLOCK) and is never read.
            fd = os.open(path, flags)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            signature = (str(path), info.st_dev, info.st_ino, info.st_size,
                         info.st_mtime_ns, info.st_ctime_ns)
            if signature not in self._known:
                digest = hashlib.sha256()
                while chunk := os.read(fd, 1 << 20):
                    digest.update(chunk)
                self._known[signature] = digest.hexdigest()
            return self._known[signature]
        except OSError:
            return None
        finally:
            os.close(fd)


def _tree(folder: Path, digests: Digests, suffix: str = "") -> list[tuple[str, str | None]]:
    """Each file below folder (ending in suffix) as (relative path, digest)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffix):
                path = os.path.join(root, name)
                found.append((os.path.relpath(path, folder), digests(path)))
    return found


def environment_key(template_dirs: tuple[Path, ...], epoch: int | None,
                    digests: Digests | None = None) -> str:
    """The key of everything besides the document that goes into its outputs."""
    digests = digests or Digests()
    # briefgen's own code, since a checkout changes without a new version number; each
    # library by its top module, which carries its version and an upgrade rewrites.
    code: list[object] = [_tree(Path(__file__).parent, digests, ".py")]
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds without importing
        code.append([name, digests(spec.origin) if spec and spec.origin else None])
    return _hash(__version__, code, [[str(d), _tree(d, digests)] for d in template_dirs],
                 epoch)


def file_digests(folder: Path, names: list[str],
                 digests: Digests | None = None) -> dict[str, str] | None:
    """SHA-256 of each named file in folder, or None when one of them is gone."""
    digests = digests or Digests()
    found = {}
    for name in names:
        digest = digests(folder / name)
        if digest is None:
            return None
        found[name] = digest
    return found


def output_key(environment: str, digests: dict[str, str], audience: str, fmt: str) -> str:
    return _hash(environment, digests, audience, fmt)


@dataclass
class Record:
    """What the last build of one document wrote, read from and kept in OUT/.briefgen/."""

    path: Path
    files: dict[str, str] = field(default_factory=dict)  # name -> digest, as last built
    audiences: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # the document's
    outputs: dict[str, dict] = field(default_factory=dict)  # name -> key, sha256, warnings

    @classmethod
    def read(cls, out: Path, name: str) -> Record:
        """The record of document name in out; empty if there is none or it is unreadable."""
        path = out / FOLDER / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            record = cls(path, dict(data["files"]), list(data["audiences"]),
                         [_diagnostic(w) for w in data["warnings"]], dict(data["outputs"]))
            for entry in record.outputs.values():
                entry["warnings"] = [_diagnostic(w) for w in entry.get("warnings", [])]
            return record
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(path)  # written by another version, or damaged: a full build

    def current_digests(self, folder: Path, digests: Digests) -> dict[str, str] | None:
        """The digests of the recorded files now, or None if any of them changed."""
        found = file_digests(folder, list(self.files), digests)
        if not found or found != self.files:
            return None
        return found

    def is_current(self, path: Path, key: str, digests: Digests) -> bool:
        """Whether the output at path was written from key and is still the file written."""
        entry = self.outputs.get(path.name)
        if not isinstance(entry, dict) or entry.get("key") != key or path.parent.is_symlink():
            return False
        return digests(path, follow=False) == entry.get("sha256")

    def output_warnings(self, path: Path) -> list[Diagnostic]:
        """The warnings given when the output at path was made (a page limit overrun)."""
        entry = self.outputs.get(path.name)
        return list(entry.get("warnings", [])) if isinstance(entry, dict) else []

    def output_preflight(self, path: Path) -> tuple[int | None, list[dict]]:
        """The pages and preflight findings (as JSON data) of the PDF at path when made."""
        entry = self.outputs.get(path.name)
        if not isinstance(entry, dict):
            return None, []
        pages, findings = entry.get("pages"), entry.get("findings", [])
        return (pages if isinstance(pages, int) else None,
                [f for f in findings if isinstance(f, dict)] if isinstance(findings, list)
                else [])

    def wrote(self, path: Path, key: str, data: bytes,
              warnings: list[Diagnostic] | None = None, pages: int | None = None,
              findings: list[dict] | None = None) -> None:
        """Note that data, made from key with warnings, is (about to be) the output at path.

        pages, findings: a PDF's pages and preflight findings (as JSON data).
        """
        self.outputs[path.name] = {"key": key, "sha256": hashlib.sha256(data).hexdigest(),
                                   "warnings": list(warnings or [])}
        if pages is not None:
            self.outputs[path.name].update(pages=pages, findings=list(findings or []))

    def dump(self) -> bytes:
        """The record as written to its file."""
        outputs = {name: {**entry, "warnings": [_plain(w) for w in entry.get("warnings", [])]}
                   for name, entry in self.outputs.items()}
        data = {"files": self.files, "audiences": self.audiences,
                "warnings": [_plain(w) for w in self.warnings], "outputs": outputs}
        return json.dumps(data, indent=1, sort_keys=True).encode() + b"\n"


def _plain(diagnostic: Diagnostic) -> dict:
    """A diagnostic as JSON data."""
    return {**asdict(diagnostic),
            "file": str(diagnostic.file) if diagnostic.file else None}


def _diagnostic(data: dict) -> Diagnostic:
    """A diagnostic from its JSON data; TypeError or AttributeError if it is not one."""
    return Diagnostic(**{**data, "file": Path(data["file"]) if data.get("file") else None})
