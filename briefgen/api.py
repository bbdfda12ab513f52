"""The library's verbs, which the command line is a thin layer over.

    import briefgen
    doc = briefgen.load("content/pakistan-russia/brief.yaml")    # the validated model
    warnings = briefgen.validate(["content"], strict=False)       # every document
    written = briefgen.build(["content"], out="build", formats=["pdf"])
    found = briefgen.review("edited.docx", apply=True, accept_all=True)

Each finds a project's own `templates/` folder (beside its `content/`) as the command
line does, after any folder given in `templates`. Errors are raised, never printed:
ContentError (with every located Diagnostic) and UsageError; warnings are returned
(validate) or passed to `on_warning` (build), once each. `build` preflights every PDF
(preflight.py): each PDF's findings are on its `Written` and passed to `on_preflight`
as a `PdfReport`, those of PDFs skipped as up to date too; a lost note, or under
`strict` any finding, raises ContentError and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .discover import find_documents
from .errors import ContentError, Diagnostic, UsageError
from .loading import load_all, load_document, strict_errors
from .output import write_atomic
from .templates import builtin_dir, for_documents

if TYPE_CHECKING:
    from .models import Document
    from .pipeline import build
    from .review_fields import Review

__all__ = ["build", "load", "new", "review", "schema", "validate"]  # build: pipeline.build itself

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def load(path: str | Path, templates: Iterable[str | Path] = ()) -> Document:
    """Read and validate one content file; return its model (a PolicyBrief, BookReview, …).

    templates: template folders searched before the project's own and the built-ins, as
    with --templates; their audience profiles are the ones the document may list.
    Raises ContentError listing every problem; the warnings are validate()'s.
    """
    path = Path(path)
    return load_document(path, for_documents([path], tuple(templates))).model


def validate(paths: Iterable[str | Path] = ("content",), templates: Iterable[str | Path] = (),
             strict: bool = False) -> list[Diagnostic]:
    """Check content files and folders without rendering; return their warnings.

    Raises ContentError with every error of every document; under strict, the warnings
    are raised as errors instead of returned.
    """
    files = find_documents(paths)
    docs = load_all(files, for_documents(files, tuple(templates)))
    warnings = [warning for doc in docs for warning in doc.warnings]
    if strict and warnings:
        raise ContentError(strict_errors(warnings))
    return warnings


def schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one document kind, or of every kind chosen by its `kind` key."""
    from typing import Annotated, Union

    from pydantic import Field, TypeAdapter

    from .models import KINDS

    if kind is None:
        # Each model's `kind` is a Literal, so the union is a oneOf with a discriminator:
        # an editor checks a book review against BookReview, not against every kind.
        # (Union[...] because `X | Y` cannot be spread over a tuple of models.)
        union = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]  # noqa: UP007
        found = {"title": "briefgen document", **TypeAdapter(union).json_schema()}
    elif kind in KINDS:
        found = KINDS[kind].model_json_schema()
    else:
        raise UsageError(f"unknown kind '{kind}'. Available: {', '.join(KINDS)}")
    return {"$schema": SCHEMA_DIALECT, **found}


def new(kind: str, path: str | Path) -> tuple[Path, Path]:
    """Write a commented starter file of kind, and the schema beside it; never overwrite.

    path: the YAML file, or a folder for PATH/brief.yaml. Returns (the file, the schema),
    the schema being the one already there if there is one.
    """
    import json

    starter = builtin_dir() / "starters" / f"{kind}.yaml"
    if not starter.is_file():
        schema(kind)  # raises UsageError listing the kinds
    target = Path(path)
    if not target.suffix:  # a folder: the file goes inside it
        target = target / "brief.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; briefgen new never overwrites a file")
    # The modeline points YAML editors (yaml-language-server) at a schema written beside it:
    # the schema of every kind, so that the file may become another kind.
    schema_path = target.parent / f"{kind}.schema.json"
    modeline = f"# yaml-language-server: $schema={schema_path.name}\n"
    write_atomic(target, modeline.encode() + starter.read_bytes())
    if not schema_path.exists():
        text = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(schema_path, text.encode())
    return target, schema_path


def review(docx: str | Path, source: str | Path | None = None, apply: bool = False,
           accept_all: bool = False, authors: Iterable[str] = (), log: bool = True) -> Review:
    """Read a Word file people edited against the YAML it was built from (`briefgen review`).

    source: that YAML (default: the file under content/ that makes the document the Word
    file names). Pending tracked changes go in under accept_all, or those of authors.
    Returns the Review: its paragraphs (each change and what became of it), comments,
    findings (what cannot be brought back, with its place) and the new values. apply
    writes those into the YAML, validated first, and under log keeps the comments in
    NAME.review.yaml beside it; ContentError, and nothing written, if the result is not
    valid. Raises UsageError for a file briefgen did not build or a source of another
    document.
    """
    from .review_fields import policy, review_file
    from .review_write import apply as write

    found = review_file(Path(docx), Path(source) if source is not None else None,
                        policy(accept_all, authors))
    if apply:
        write(found, log)
    return found


def __getattr__(name: str) -> Any:
    # build is pipeline.build itself, imported when asked for: validate and load need
    # nothing of the render layer, and start faster without it.
    if name == "build":
        from .pipeline import build

        return build
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
