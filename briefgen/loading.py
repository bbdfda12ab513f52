"""Load content files for a build or a check: validated, with every warning of each edition.

Apart from the pipeline so that `validate` loads nothing of the render layer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, Diagnostic
from .templates import TemplateSet

if TYPE_CHECKING:
    from .content import LoadedDocument

__all__ = ["edition_warnings", "load_all", "load_content", "load_document", "strict_errors"]


def load_document(path: str | Path, templates: TemplateSet) -> LoadedDocument:
    """Load one content file against templates' audience profiles and labels.

    Its warnings include missing labels, its overruns of its audiences' length limits,
    the sections that miss their readability targets and, for a translation, what differs
    from its source. A translation's source outside its folder, or missing, is an error.
    """
    doc = load_content(path, templates)
    doc.warnings += edition_warnings(doc, templates)
    return doc


def load_content(path: str | Path, templates: TemplateSet) -> LoadedDocument:
    """Load one content file with every error, and the warnings of the file and of a
    translation, but not yet those of each edition (edition_warnings): what the preview
    needs before it shows the page."""
    from .content import load
    from .translations import translation_diagnostics

    doc = load(path, list(templates.audiences))
    found = translation_diagnostics(doc)
    errors = [diagnostic for diagnostic in found if diagnostic.severity == "error"]
    if errors:
        raise ContentError(errors)
    doc.warnings += found
    return doc


def edition_warnings(doc: LoadedDocument, templates: TemplateSet) -> list[Diagnostic]:
    """The warnings of doc's editions: labels missing for its language, the dictionary for
    its readability, and each audience's length limits and readability targets."""
    from .edition_checks import limit_warnings
    from .labels import load_labels, missing_labels
    from .readability import dictionary_warning, readability_warnings
    from .view import build_view

    language = doc.model.meta.language
    labels = load_labels(templates, language)
    missing = missing_labels(templates, language)
    warnings = []
    if missing:
        warnings.append(doc.source.diagnostic(("meta", "language"), missing,
                                              severity="warning"))
    profiles = [templates.audience(audience) for audience in doc.model.audiences]
    warnings += dictionary_warning(doc, profiles)
    for profile in profiles:
        view = build_view(doc, profile, labels)  # one view per edition, for both checks
        warnings += limit_warnings(doc, profile, labels, view)
        warnings += readability_warnings(doc, view)
    return warnings


def load_all(files: list[Path], templates: TemplateSet) -> list[LoadedDocument]:
    """Load every file, collecting all their errors before raising one ContentError."""
    docs, problems = [], []
    for path in files:
        try:
            docs.append(load_document(path, templates))
        except ContentError as exc:
            problems += exc.diagnostics
    if problems:
        raise ContentError(problems)
    return docs


def strict_errors(warnings: list[Diagnostic]) -> list[Diagnostic]:
    """The warnings as errors, as `strict` reports them."""
    return [replace(warning, severity="error") for warning in warnings]
