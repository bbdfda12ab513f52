"""A content file as the checks read it: the data as written, whether or not it validated.

The checks run on the YAML as read, not on the validated model, so that a file with
schema errors still has its citations, images, links and characters checked, and every
problem is reported in one round. Values may have any shape: the helpers here hand a
check only what has the shape it needs (a mapping, a list, a string) and pass over the
rest, which validation reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .docmodel import Parsed
from .loader import SourceMap

__all__ = ["Draft", "as_list", "as_mapping", "as_text"]


def as_mapping(value: Any) -> dict[Any, Any]:
    """Return value if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """Return value if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str | None:
    """Return value if it is text (not empty), else None."""
    return value if isinstance(value, str) and value else None


@dataclass
class Draft:
    """One content file, read and parsed, as every check takes it."""

    path: Path
    model_cls: type[BaseModel]  # the model of its kind
    data: dict[str, Any]  # the YAML as read (valid or not)
    source: SourceMap
    texts: dict[tuple, str]  # the text of every Markdown field, by path
    markdown: dict[tuple, Parsed]  # ...parsed (fields nested too deeply left out)
    audiences: list[str] | None = None  # the known audience profiles; None: not checked

    @property
    def folder(self) -> Path:
        return self.path.parent

    def sections(self) -> Iterator[tuple[tuple, dict[str, Any], bool]]:
        """Yield (path, section, has_blocks) for each section written as a mapping.

        has_blocks is False for the recommendations, which hold items, not blocks.
        """
        for sid, section in as_mapping(self.data.get("sections")).items():
            if isinstance(section, dict):
                yield ("sections", sid), section, sid != "recommendations"

    def blocks(self, kind: str) -> Iterator[tuple[tuple, dict[str, Any]]]:
        """Yield (path, item) for each mapping in the sections' blocks of kind ('tables', …)."""
        for base, section, has_blocks in self.sections():
            if has_blocks:
                for i, item in enumerate(as_list(section.get(kind))):
                    if isinstance(item, dict):
                        yield base + (kind, i), item

    def references(self) -> Iterator[tuple[tuple, str]]:
        """Yield (path of its id, id) for each reference that has an id written as text."""
        for i, ref in enumerate(as_list(self.data.get("references"))):
            ref_id = as_text(as_mapping(ref).get("id"))
            if ref_id:
                yield ("references", i, "id"), ref_id
