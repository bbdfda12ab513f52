"""Names and places every layer agrees on: briefgen's own templates, a document's output name.

The lowest module of the package after errors: content checks, templates and the output
writer all read these, so none of them has to import another layer to learn them.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

__all__ = ["builtin_dir", "document_name"]


def builtin_dir() -> Path:
    """Return the built-in templates folder: inside the wheel, or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "html").is_dir():
            return candidate
    raise UsageError(f"briefgen's built-in templates are missing (looked in {here / 'templates'})")


def document_name(path: Path) -> str:
    """A document's output name: 'content/pakistan-russia/brief.yaml' -> 'pakistan-russia-brief'.

    A file named after its folder, or index.yaml, takes the folder's name alone.
    """
    stem, parent = path.stem, path.resolve().parent.name
    if stem in ("index", parent) or not parent:
        return stem if stem != "index" else parent
    return f"{parent}-{stem}"
