"""The fixed words of an edition (labels) in the document's language."""

from __future__ import annotations

from .errors import UsageError
from .templates import TemplateSet

__all__ = ["load_labels"]


def load_labels(templates: TemplateSet, language: str) -> dict[str, str]:
    """Return the fixed labels for language, falling back to its base language, then English."""
    from .loader import load_yaml

    merged: dict[str, str] = {}
    for tag in ("en", language.split("-")[0], language):
        try:
            path = templates.find(f"labels/{tag}.yaml")
        except UsageError:  # no labels for this language: keep the fallback
            continue
        data, _ = load_yaml(path)
        merged.update({str(k): str(v) for k, v in data.items()})
    return merged
