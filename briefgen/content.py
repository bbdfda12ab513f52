"""Load a content file: read, validate, parse its Markdown, check it, report every problem.

`load()` reads the YAML (keeping positions), validates it against its kind's model,
parses every Markdown field (fields.py says which), and runs the checks (checks.py) on
the data as written, so a file with schema errors has its citations, images, links and
characters checked in the same round. All errors are raised together as one ContentError;
warnings travel with the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import run_checks
from .checks_text import drop_too_deep
from .diagnostics import dedupe, pydantic_diagnostics
from .docmodel import Parsed
from .draft import Draft
from .errors import ContentError, Diagnostic
from .fields import is_markdown_path, markdown_texts
from .loader import SourceMap, dotted, load_yaml
from .locales import Locale
from .markdown import parse
from .models import KINDS, Document, Section
from .paths import document_name

__all__ = ["LoadedDocument", "MarkdownFieldError", "load"]


class MarkdownFieldError(LookupError):
    """A program asked for the Markdown of a field that is not one: a bug in briefgen."""


@dataclass
class LoadedDocument:
    """A validated document: its model, where it came from, and its parsed Markdown."""

    path: Path
    model: Document
    source: SourceMap
    markdown: dict[tuple, Parsed]
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str:
        """Output name: 'content/pakistan-russia/brief.yaml' -> 'pakistan-russia-brief'."""
        return document_name(self.path)

    def files(self) -> list[str]:
        """The files an output is made from, relative to the folder: this one, its images,
        and the file it translates (whose changes its warnings report)."""
        model = self.model
        names = [self.path.name]
        if model.meta.translation_of:
            names.append(model.meta.translation_of.file)
        for sid in model.sections.order:
            section = getattr(model.sections, sid)
            if isinstance(section, Section):
                names += [figure.image for figure in section.figures if figure.image]
        org = model.meta.organisation
        if org and org.logo:
            names.append(org.logo)
        return list(dict.fromkeys(names))

    def md(self, *path: Any) -> Parsed:
        """Return the parsed Markdown of the field at path, as loading parsed and checked it.

        Nothing is parsed here: a field the checks have not seen must not reach an output.
        A path that is not a Markdown field of the model (or one that holds no text) is a
        mistake in the program asking, and raises MarkdownFieldError naming it.
        """
        key = tuple(path)
        if key in self.markdown:
            return self.markdown[key]
        kind = type(self.model)
        if is_markdown_path(kind, key):
            raise MarkdownFieldError(f"the Markdown field {dotted(key)} of this "
                                     f"{self.model.kind} holds no text; ask only for fields "
                                     "that are set")
        raise MarkdownFieldError(f"{dotted(key)} is not a Markdown field of a "
                                 f"{self.model.kind}; declare it as Markdown in models.py")


def load(path: str | Path, audiences: Iterable[str] | None = None) -> LoadedDocument:
    """Read and validate one content file; raise ContentError listing every problem.

    audiences: the names of the known audience profiles, against which the document's
    `audiences` list is checked (the pipeline passes its template set's); None: no check.
    """
    path = Path(path)
    data, smap = load_yaml(path)
    kind = data.get("kind")
    model_cls = KINDS.get(kind) if isinstance(kind, str) else None
    if model_cls is None:
        where = ("kind",) if "kind" in data else ()
        found = f"found '{kind}'" if kind is not None else "it is missing"
        raise ContentError(smap.problems + [smap.diagnostic(
            where, f"expected a document kind, one of: {', '.join(KINDS)}; {found}")])
    errors = list(smap.problems)  # first: where two fall on one place, the likelier cause
    model = None
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        errors += pydantic_diagnostics(exc, smap, model_cls)

    texts = dict(markdown_texts(model_cls, data))
    quotes = Locale(model.meta.language if model else "en").quotes
    draft = Draft(path, model_cls, data, smap, texts,
                  {where: parse(text, quotes) for where, text in texts.items()},
                  None if audiences is None else list(audiences))
    found = drop_too_deep(draft) + run_checks(draft)
    errors += [d for d in found if d.severity == "error"]
    if model is None or errors:
        raise ContentError(dedupe(errors))
    warnings = sorted((d for d in found if d.severity == "warning"),
                      key=lambda d: (d.line or 0, d.column or 0))
    return LoadedDocument(path, model, smap, draft.markdown, warnings)
