"""The fixed words of an edition (labels) in the document's language.

briefgen's own English labels are always underneath: a labels file in a templates folder
(``labels/<language>.yaml``) replaces only the keys it gives, so a short file is fine. A
key briefgen does not know, or a value that is not text (or, for a word that follows a
number, a mapping of CLDR plural categories to words) is a usage error (exit 2) located at
its file, line and column. Month names, numbers and dates are not labels: `locales` takes
them from the language's CLDR data.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from .errors import ContentError, Diagnostic, UsageError
from .templates import TemplateSet, builtin_dir

__all__ = ["load_labels", "missing_labels"]


# Labels that follow a number: one word, or one per CLDR plural category of the language.
PLURAL_LABELS = ("pages_count",)
_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def load_labels(templates: TemplateSet, language: str) -> dict[str, Any]:
    """Return the fixed labels for language, falling back to its base language, then English.

    Each file found (English, the base language, the full tag; in each, the first
    templates folder's copy) replaces the keys it gives of the built-in English labels.
    """
    from .loader import load_yaml

    builtin = builtin_dir() / "labels" / "en.yaml"
    defaults, _ = load_yaml(builtin)
    labels = {str(key): value for key, value in defaults.items()}
    problems: list[Diagnostic] = []
    for path in _files(templates, language):
        if path.resolve() == builtin.resolve():
            continue
        try:
            data, smap = load_yaml(path)
        except ContentError as exc:
            if not exc.diagnostics[0].message.startswith("the file is empty"):
                problems += [_reword(d) for d in exc.diagnostics]
            continue  # an empty file (or all comments) replaces nothing
        found = smap.problems + _check(data, smap, labels)
        problems += found
        if not found:
            labels.update(data)
    if problems:
        raise UsageError("wrong labels (the fixed words of an edition); fix them, or delete "
                         "the key to use briefgen's English:\n"
                         + "\n".join(str(d) for d in problems))
    return labels


def missing_labels(templates: TemplateSet, language: str) -> str | None:
    """Return a warning when no templates folder has labels for language (English is used),
    or when Babel has no locale data for it (dates and numbers are then English)."""
    from .locales import has_locale

    if not has_locale(language):
        return (f"no locale data for language '{language}' (expected a BCP 47 tag Babel "
                "knows, such as fr, ru-RU or ur); dates, numbers and quotation marks are "
                "written as in English")
    if language.split("-")[0].lower() == "en" or _files(templates, language, english=False):
        return None
    return (f"no labels for language '{language}' (looked for labels/{language}.yaml in "
            + ", ".join(str(d) for d in templates.dirs)
            + "); the fixed words (Contents, Figure, Page) are in English")


def _files(templates: TemplateSet, language: str, english: bool = True) -> list[Path]:
    """Return the labels files for language, broadest first: English, base, full tag."""
    tags = (["en"] if english else []) + [language.split("-")[0], language]
    found: list[Path] = []
    for tag in dict.fromkeys(tags):  # in order, once each ('en' is often all three)
        relative = f"labels/{tag}.yaml"
        if any(os.path.lexists(folder / relative) for folder in templates.dirs):
            # There is one: find's refusal (a link leading out, not a file) is the user's
            # to see, not a reason to fall back to English in silence.
            found.append(templates.find(relative))
    return found


def _check(data: dict[Any, Any], smap: Any, known: dict[str, str]) -> list[Diagnostic]:
    """Return a located diagnostic for each unknown key and each value that cannot be used."""
    out = []
    for key, value in data.items():
        if key == "months":
            out.append(smap.diagnostic((key,), "month names are no longer labels: briefgen "
                                       "takes them from the language's locale data; delete "
                                       "this key", key=True))
        elif key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; the labels are those of {builtin_dir() / 'labels' / 'en.yaml'}")
            out.append(smap.diagnostic((key,), f"unknown label '{key}'{hint}", key=True))
        elif key in PLURAL_LABELS and isinstance(value, dict):
            out += _check_plural(key, value, smap)
        elif not isinstance(value, str):
            shown = "nothing" if value is None else repr(value)
            hint = ("; put the words in quotes (YAML reads yes, no, on and numbers otherwise)"
                    if isinstance(value, (bool, int, float)) else "")
            out.append(smap.diagnostic((key,), f"expected text, got {shown}{hint}"))
        elif key == "draft" and not value.strip():
            out.append(smap.diagnostic((key,), "the DRAFT watermark needs some text"))
    return out


def _check_plural(key: str, forms: dict[Any, Any], smap: Any) -> list[Diagnostic]:
    """Check a plural label: CLDR categories mapped to text, 'other' among them."""
    out = [smap.diagnostic((key, category), f"unknown plural category '{category}'; expected "
                           f"one of {', '.join(_CATEGORIES)}", key=True)
           for category in forms if category not in _CATEGORIES]
    out += [smap.diagnostic((key, category), f"expected text, got {word!r}")
            for category, word in forms.items() if not isinstance(word, str)]
    if "other" not in forms:
        out.append(smap.diagnostic((key,), "a plural label needs the category 'other', the "
                                   "form used for any count no other category takes"))
    return out


def _reword(diagnostic: Diagnostic) -> Diagnostic:
    """Say what a labels file should hold where load_yaml speaks of content files."""
    if diagnostic.message.startswith("expected a mapping"):
        from dataclasses import replace

        return replace(diagnostic, message="expected a mapping of labels to their words, "
                       "such as 'contents: Contents'")
    return diagnostic
