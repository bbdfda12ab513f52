"""Find templates, stylesheets, audience profiles and the DOCX reference document.

A project may have its own `templates/` folder; it is searched before the built-in one,
file by file, so a user overrides one block without copying the rest. A user template
can extend the built-in of the same name as "!builtin/<name>" (as in Pelican's
`!simple/`). Templates render in Jinja2's sandbox with autoescaping and StrictUndefined,
on plain data (context.py).

A project's `theme.yaml` (theme.py) sets its colours, fonts and page geometry; each
audience profile's theme goes over it (`TemplateSet.audience`).

Every file read from a template folder passes one gate, `read_template_file` (through
`TemplateSet.find`/`read` for most callers): the path is resolved, a symbolic link is
followed only while its target stays inside that same template folder, and only
regular files up to MAX_TEMPLATE_FILE_BYTES are read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from .errors import BriefgenError, ContentError, Diagnostic, UsageError
from .paths import builtin_dir

if TYPE_CHECKING:
    from .profiles import AudienceProfile
    from .theme import Theme

__all__ = ["MAX_TEMPLATE_FILE_BYTES", "RefusedTemplateFile", "TemplateSet", "builtin_dir",
           "check_template_file", "for_documents", "read_template_file"]

PARTS = ("html", "css", "audiences", "docx", "labels", "fonts")
THEME_FILE = "theme.yaml"  # a project's own theme (theme.py); the built-in one is in code
# The largest file read from a template folder. The bundled fonts are under 1 MB each and a
# Word reference document is a few hundred KB; 20 MB leaves room for a user's own fonts
# while a mistaken (or hostile) huge file is refused before it is read into memory.
MAX_TEMPLATE_FILE_BYTES = 20 * 1024 * 1024


class RefusedTemplateFile(BriefgenError):
    """A file of a template folder the gate will not read: a usage error (exit 2).

    Not a kind of UsageError on purpose: callers that take "not found" (a UsageError from
    find) to mean "optional, use the fallback" must not quietly skip a refused file.
    """

    exit_code = 2


def check_template_file(path: Path, folder: Path) -> Path:
    """Return path resolved if it may be read as a file of the template folder, else refuse.

    Refused, naming the file: a path (or a symbolic link on the way) leading outside
    folder, anything but a regular file (a FIFO would hang the build, a device never
    end), and files over MAX_TEMPLATE_FILE_BYTES.
    """
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        raise RefusedTemplateFile(f"template file {path} cannot be read: {exc}") from None
    root = folder.resolve()
    if not real.is_relative_to(root):
        raise RefusedTemplateFile(f"template file {path} leads to {real}, outside its "
                                  f"template folder {root}; links may point only within it")
    info = real.stat()
    if not stat.S_ISREG(info.st_mode):
        raise RefusedTemplateFile(f"template file {path} is not a regular file")
    if info.st_size > MAX_TEMPLATE_FILE_BYTES:
        raise RefusedTemplateFile(f"template file {path} is {info.st_size:,} bytes; "
                                  f"template files may be at most {MAX_TEMPLATE_FILE_BYTES:,}")
    return real


def read_template_file(path: Path, folder: Path) -> bytes:
    """Return the bytes of path, a file of the template folder, through the gate."""
    real = check_template_file(path, folder)
    # O_NOFOLLOW and a second look: the file checked is the file read, even if it is
    # swapped for a link or a FIFO between the check and the open.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        with os.fdopen(os.open(real, flags), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise RefusedTemplateFile(f"template file {path} is not a regular file")
            data = file.read(MAX_TEMPLATE_FILE_BYTES + 1)
    except OSError as exc:
        raise RefusedTemplateFile(f"template file {path} cannot be read: "
                                  f"{exc.strerror or exc}") from None
    if len(data) > MAX_TEMPLATE_FILE_BYTES:
        raise RefusedTemplateFile(f"template file {path} grew past "
                                  f"{MAX_TEMPLATE_FILE_BYTES:,} bytes as it was read")
    return data


def project_templates(document: Path) -> Path | None:
    """Return the `templates/` folder of the project a document belongs to, if any.

    Like MkDocs' custom_dir, it sits beside the content: the nearest folder named
    `templates` in the document's folder or one of its parents that holds at least one of
    html/, css/, audiences/, docx/, labels/ or fonts/, or a theme.yaml. briefgen's own
    folder never counts.
    """
    builtin = builtin_dir().resolve()
    for folder in document.resolve().parents:
        candidate = folder / "templates"
        if candidate.resolve() == builtin:
            return None
        if candidate.is_dir() and (any((candidate / part).is_dir() for part in PARTS)
                                   or (candidate / THEME_FILE).is_file()):
            return candidate.resolve()
    return None


def for_documents(documents: list[Path], explicit: tuple[str | Path, ...] = ()) -> TemplateSet:
    """Return the template set for a build: --templates folders, then each project's own."""
    dirs: list[Path] = []
    for folder in explicit:
        path = Path(folder).resolve()
        if not path.is_dir():
            raise UsageError(f"templates folder {folder} does not exist")
        dirs.append(path)
    for document in documents:
        found = project_templates(document)
        if found and found not in dirs:
            dirs.append(found)
    return TemplateSet(tuple(dirs))


def _decode(data: bytes, path: Path) -> str:
    """Return a template folder's text file as text, or refuse it naming the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusedTemplateFile(f"template file {path} is not UTF-8 text: {exc}") from None


def _colon(context: Any, text: str) -> Markup:
    """'Source' -> 'Source:' ('Source :' in French): a label that introduces what follows.

    Markup stays markup (a place with its "not confirmed" mark); text is escaped.
    """
    from .locales import Locale

    meta = (context.get("doc") or {}).get("meta") or {}
    spaced = Locale(meta.get("language") or "en").punctuate("x:")  # "x:" or "x\u00a0:"
    return escape(text) + spaced[1:]


def _b64encode(text: str) -> str:
    """Base64 of text's UTF-8 bytes, for data: URIs built in templates."""
    import base64

    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


@dataclass
class TemplateSet:
    """The ordered template folders of one build: user folders first, built-ins last."""

    user_dirs: tuple[Path, ...] = ()
    # The text of every page template read, by file name: to place a data: URI (locate).
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def dirs(self) -> tuple[Path, ...]:
        """The folders searched, in order: the user's, then the built-in one."""
        return (*self.user_dirs, builtin_dir())

    def _first(self, relative: str) -> tuple[Path, Path]:
        """Return the first folder's copy of relative and that folder, checked by the gate."""
        for folder in self.dirs:
            candidate = folder / relative
            if os.path.lexists(candidate):  # a dangling link is refused, not skipped
                check_template_file(candidate, folder)
                return candidate, folder
        searched = ", ".join(str(d) for d in self.dirs)
        raise UsageError(f"template file '{relative}' not found; searched: {searched}")

    def find(self, relative: str) -> Path:
        """Return the first folder's copy of a file such as 'css/brief.css', checked."""
        return self._first(relative)[0]

    def read(self, relative: str) -> bytes:
        """Return the bytes of the first folder's copy of a file, read through the gate."""
        return read_template_file(*self._first(relative))

    def read_text(self, relative: str) -> str:
        """Return a text file of the template folders, such as 'css/brief.css'."""
        path, folder = self._first(relative)
        return _decode(read_template_file(path, folder), path)

    def locate(self, text: str) -> str:
        """Return 'file:line: ' of the first page template line holding text, or ''."""
        header = text.partition(",")[0] + ","
        for needle in (text[:80], header):
            for filename, source in self.sources.items():
                at = source.find(needle)
                if at >= 0:
                    return f"{filename}:{source.count(chr(10), 0, at) + 1}: "
        return ""

    def _load_html(self, folders: tuple[Path, ...], name: str) -> tuple[str, str, Any] | None:
        """Jinja's loader: the page template name from the first of folders' html/."""
        from jinja2.loaders import split_template_path

        pieces = split_template_path(name)  # refuses "..", as FileSystemLoader does
        for folder in folders:
            path = folder.joinpath("html", *pieces)
            if os.path.lexists(path):
                source = _decode(read_template_file(path, folder), path)
                self.sources[str(path)] = source
                mtime = path.lstat().st_mtime

                def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                    try:
                        return path.lstat().st_mtime == mtime
                    except OSError:
                        return False

                return source, str(path), uptodate
        return None

    @cached_property
    def jinja(self):  # -> jinja2.Environment
        """The Jinja environment: sandboxed, autoescaping, strict about undefined names."""
        from functools import partial

        from jinja2 import (
            ChoiceLoader,
            FunctionLoader,
            PrefixLoader,
            StrictUndefined,
            pass_context,
        )
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        class DataEnvironment(ImmutableSandboxedEnvironment):
            """A sandbox over plain data, which templates may read but not change."""

            def getattr(self, obj: Any, attribute: str) -> Any:
                # A context's dicts are records: `block.items` is the key, not dict.items.
                if isinstance(obj, dict) and attribute in obj:
                    return obj[attribute]
                return super().getattr(obj, attribute)

        builtin = FunctionLoader(partial(self._load_html, (builtin_dir(),)))
        loader = ChoiceLoader([
            FunctionLoader(partial(self._load_html, self.dirs)),
            PrefixLoader({"!builtin": builtin}),
        ])
        env = DataEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
        env.filters["b64encode"] = _b64encode
        env.filters["colon"] = pass_context(_colon)
        return env

    @cached_property
    def audiences(self) -> dict[str, tuple[AudienceProfile, Path]]:
        """Every audience profile by name, each from the first folder that has it."""
        from pydantic import ValidationError

        from .loader import load_yaml
        from .profiles import AudienceProfile

        found: dict[str, tuple[AudienceProfile, Path]] = {}
        errors: list[Diagnostic] = []
        for folder in self.dirs:
            for path in sorted((folder / "audiences").glob("*.yaml")):
                if path.stem in found:
                    continue
                check_template_file(path, folder)  # load_yaml then reads what was checked
                try:
                    data, smap = load_yaml(path)
                    if smap.problems:
                        raise ContentError(smap.problems)
                    profile = AudienceProfile.model_validate({**data, "name": path.stem})
                except ContentError as exc:
                    errors += exc.diagnostics
                    continue
                except ValidationError as exc:
                    from .diagnostics import pydantic_diagnostics
                    errors += pydantic_diagnostics(exc, smap, AudienceProfile)
                    continue
                found[path.stem] = (profile, path)
        if errors:
            raise ContentError(errors)
        return found

    def audience(self, name: str) -> AudienceProfile:
        """Return the named profile, its theme over the project's, or raise a UsageError.

        The UsageError for an unknown name lists the available ones. Every reader of
        `audience.theme` (the CSS, the charts, Word) sees the merged theme; what neither
        sets stays unset, for Theme.resolved and docx_theme to tell apart.
        """
        if name not in self.audiences:
            raise UsageError(f"unknown audience '{name}'. Available: {self.describe_audiences()}")
        profile = self.audiences[name][0]
        if self.theme is None:
            return profile
        return profile.model_copy(update={"theme": profile.theme.over(self.theme)})

    @cached_property
    def theme(self) -> Theme | None:
        """The project's theme: the first user folder's theme.yaml, validated; else None.

        A wrong file is a UsageError (exit 2) listing each problem at its file:line:col,
        as wrong labels are.
        """
        from pydantic import ValidationError

        from .loader import load_yaml
        from .theme import Theme

        for folder in self.user_dirs:
            path = folder / THEME_FILE
            if not os.path.lexists(path):
                continue
            check_template_file(path, folder)  # load_yaml then reads what was checked
            smap = None
            try:
                data, smap = load_yaml(path)
                if smap.problems:
                    raise ContentError(smap.problems)
                return Theme.model_validate(data)
            except ContentError as exc:
                if exc.diagnostics[0].message.startswith("the file is empty"):
                    return Theme()  # all comments, or nothing yet: the built-in look
                problems = exc.diagnostics
            except ValidationError as exc:
                from .diagnostics import pydantic_diagnostics
                problems = pydantic_diagnostics(exc, smap, Theme)
            raise UsageError("wrong theme file; fix it, or delete the key to use the "
                             "built-in value:\n" + "\n".join(str(d) for d in problems))
        return None

    def describe_audiences(self) -> str:
        """List the available audiences and the folders they come from, for a message."""
        return ", ".join(sorted(self.audiences)) + " (from " + ", ".join(
            str(d / "audiences") for d in self.dirs) + ")"

