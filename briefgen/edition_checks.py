"""Warnings about one edition: its length limits, its list of sources, the fields its
recommendations must carry, and the abbreviations it cannot spell out.

Split from view.py; loading.py gives these with every load, so validate and build agree.
"""

from __future__ import annotations

import re
from typing import Any

from .content import LoadedDocument
from .errors import Diagnostic
from .loader import dotted
from .profiles import AudienceProfile
from .view import DocumentView, build_view, shown_text

__all__ = ["limit_warnings"]


def limit_warnings(doc: LoadedDocument, audience: AudienceProfile, labels: dict[str, str],
                   view: DocumentView | None = None) -> list[Diagnostic]:
    """Return a warning for each of the edition's limits and requirements the document misses.

    Length limits, the number of sources, the fields each recommendation must have
    (recommendation_fields), and, in an edition that spells abbreviations out, each one
    the glossary lacks. view is the edition's, when the caller has built it already.
    """
    audience = audience.for_kind(doc.model.kind)
    limits, out = audience.limits.for_kind(doc.model.kind), []
    where = f"(the {audience.name} profile allows"
    count = len(doc.model.key_messages)
    if limits.key_messages and count > limits.key_messages:
        message = f"{count} key messages {where} {limits.key_messages})"
        out.append(doc.source.diagnostic(("key_messages",), message, severity="warning"))
    view = view or build_view(doc, audience, labels)
    if limits.words_per_section:
        for section in view.sections:
            words = sum(len(t.split()) for t in shown_text([section.lead, section.body]))
            if words > limits.words_per_section:
                path = ("sections", section.id, "body" if section.body else "lead")
                message = f"{words} words {where} {limits.words_per_section} per section)"
                out.append(doc.source.diagnostic(path, message, severity="warning"))
    if limits.sources and audience.references == "short" \
            and len(view.references) > limits.sources:
        message = (f"{len(view.references)} sources cited in what the {audience.name} "
                   f"edition shows {where} {limits.sources} in its list of sources)")
        out.append(doc.source.diagnostic(("references",), message, severity="warning"))
    out += _recommendation_warnings(doc, view)
    for word, path in view.unglossed:
        message = (f"'{word}' is not in the glossary, so the {audience.name} edition cannot "
                   f"spell it out (add it to `glossary:`)")
        out.append(_at_word(doc, path, word, message))
    return out


def _recommendation_warnings(doc: LoadedDocument, view: DocumentView) -> list[Diagnostic]:
    """Warn of each field an edition's recommendations must have and one of them lacks."""
    wanted, out = view.audience.recommendation_fields, []
    section = getattr(doc.model.sections, "recommendations", None)
    if not wanted or section is None or "recommendations" not in [s.id for s in view.sections]:
        return out
    for i, item in enumerate(section.items):
        missing = [key for key in wanted if not getattr(item, key)]
        if missing:
            message = (f"recommendation {i + 1} has no {', '.join(missing)} (the "
                       f"{view.audience.name} edition shows each recommendation's "
                       f"{', '.join(wanted)})")
            out.append(doc.source.diagnostic(("sections", "recommendations", "items", i),
                                             message, severity="warning"))
    return out


def _at_word(doc: LoadedDocument, path: tuple[Any, ...], word: str, message: str) -> Diagnostic:
    """A warning where word first stands in the field at path (else at the field)."""
    pos, lines = doc.source.find(path), doc.source.lines
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    # A block scalar's text runs on below its key: look a little way down for the word.
    for index in range(pos.line - 1, min(len(lines), pos.line + 60)) if pos else ():
        found = pattern.search(lines[index], pos.column - 1 if index == pos.line - 1 else 0)
        if found:
            return Diagnostic(doc.source.file, index + 1, found.start() + 1, dotted(path),
                              message, "warning")
    return doc.source.diagnostic(path, message, severity="warning")
