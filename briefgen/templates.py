"""Find templates, stylesheets, audience profiles and the DOCX reference document.

A project may have its own `templates/` folder; it is searched before the built-in one,
file by file, so a user overrides one block without copying the rest. A user template
can extend the built-in of the same name as "!builtin/<name>" (as in Pelican's
`!simple/`). Templates render in Jinja2's sandbox with autoescaping and StrictUndefined.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, Diagnostic, UsageError

if TYPE_CHECKING:
    from .profiles import AudienceProfile

__all__ = ["TemplateSet", "builtin_dir", "for_documents"]

PARTS = ("html", "css", "audiences", "docx", "labels", "fonts")


def builtin_dir() -> Path:
    """Return the built-in templates folder: inside the wheel, or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "html").is_dir():
            return candidate
    raise UsageError(f"briefgen's built-in templates are missing (looked in {here / 'templates'})")


def project_templates(document: Path) -> Path | None:
    """Return the `templates/` folder of the project a document belongs to, if any.

    Like MkDocs' custom_dir, it sits beside the content: the nearest folder named
    `templates` in the document's folder or one of its parents that holds at least one of
    html/, css/, audiences/, docx/, labels/ or fonts/. briefgen's own folder never counts.
    """
    builtin = builtin_dir().resolve()
    for folder in document.resolve().parents:
        candidate = folder / "templates"
        if candidate.resolve() == builtin:
            return None
        if candidate.is_dir() and any((candidate / part).is_dir() for part in PARTS):
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


def _b64encode(text: str) -> str:
    """Base64 of text's UTF-8 bytes, for data: URIs built in templates."""
    import base64

    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


@dataclass
class TemplateSet:
    """The ordered template folders of one build: user folders first, built-ins last."""

    user_dirs: tuple[Path, ...] = ()

    @property
    def dirs(self) -> tuple[Path, ...]:
        return (*self.user_dirs, builtin_dir())

    def find(self, relative: str) -> Path:
        """Return the first folder's copy of a file such as 'css/brief.css'."""
        for folder in self.dirs:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        searched = ", ".join(str(d) for d in self.dirs)
        raise UsageError(f"template file '{relative}' not found; searched: {searched}")

    @cached_property
    def jinja(self):  # -> jinja2.Environment
        """The Jinja environment: sandboxed, autoescaping, strict about undefined names."""
        from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        builtin = FileSystemLoader(builtin_dir() / "html")
        loader = ChoiceLoader([
            *(FileSystemLoader(d / "html") for d in self.user_dirs),
            builtin,
            PrefixLoader({"!builtin": builtin}),
        ])
        env = SandboxedEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True)
        env.filters["b64encode"] = _b64encode
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
                try:
                    data, smap = load_yaml(path)
                    if smap.problems:
                        raise ContentError(smap.problems)
                    profile = AudienceProfile.model_validate({**data, "name": path.stem})
                except ContentError as exc:
                    errors += exc.diagnostics
                    continue
                except ValidationError as exc:
                    from .content import pydantic_diagnostics
                    errors += pydantic_diagnostics(exc, smap, AudienceProfile)
                    continue
                found[path.stem] = (profile, path)
        if errors:
            raise ContentError(errors)
        return found

    def audience(self, name: str) -> AudienceProfile:
        """Return the named profile or raise UsageError listing the available ones."""
        if name not in self.audiences:
            raise UsageError(f"unknown audience '{name}'. Available: {self.describe_audiences()}")
        return self.audiences[name][0]

    def describe_audiences(self) -> str:
        return ", ".join(sorted(self.audiences)) + " (from " + ", ".join(
            str(d / "audiences") for d in self.dirs) + ")"

