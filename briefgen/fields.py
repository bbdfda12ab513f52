"""Which fields hold Markdown: declared once on the models' types, found by walking them.

A field holds Markdown when its type carries the `MARKDOWN` marker, as `Markdown` does
(`summary: Markdown`, `rows: list[list[MarkdownCell]]`). The loader parses exactly those
fields, the checks read exactly those, and `LoadedDocument.md` refuses any other path, so
the view cannot ask for a field nobody parsed and checked.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field

__all__ = ["MARKDOWN", "Markdown", "MarkdownCell", "MarkdownText", "is_markdown_path",
           "markdown_texts"]


@dataclass(frozen=True)
class MarkdownText:
    """The marker on a str field whose text is Markdown, parsed and checked on loading."""


MARKDOWN = MarkdownText()
Markdown = Annotated[str, MARKDOWN, Field(description="Markdown text: emphasis, links, lists, "
                                                      "[@id] citations and ^[inline footnotes].")]
# A key message or table cell: Markdown too, with no description of its own in the schema.
MarkdownCell = Annotated[str, MARKDOWN]


def markdown_texts(model_cls: type[BaseModel], data: Any) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every Markdown field of data, read as model_cls, as written.

    data is the YAML as read, valid or not: values of the wrong shape are passed over,
    so the fields that are right can be parsed and checked while the rest is reported.
    """
    yield from _walk(model_cls, data, ())


def is_markdown_path(model_cls: type[BaseModel], path: tuple) -> bool:
    """Return whether path names a Markdown field of model_cls (a list index as an int)."""
    tp: Any = model_cls
    for part in path:
        tp = _step(tp, part)
        if tp is None:
            return False
    return any(_is_markdown(member) for member in _members(tp))


def _walk(tp: Any, data: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    for member in _members(tp):  # the first member data has the shape of
        origin = typing.get_origin(member)
        if _is_markdown(member):
            text = _as_text(data)
            if text is not None:
                yield path, text
                return
        elif origin is list and isinstance(data, list):
            (item,) = typing.get_args(member)
            for index, value in enumerate(data):
                yield from _walk(item, value, path + (index,))
            return
        elif origin is dict and isinstance(data, dict):
            item = typing.get_args(member)[1]
            for key, value in data.items():
                yield from _walk(item, value, path + (key,))
            return
        elif _is_model(member) and isinstance(data, dict):
            hints = _hints(member)
            for key, value in data.items():  # in the order written
                if key in hints:
                    yield from _walk(hints[key], value, path + (key,))
            return


def _step(tp: Any, part: Any) -> Any:
    """Return the type of the value at part inside a value of type tp, or None."""
    for member in _members(tp):
        origin = typing.get_origin(member)
        if origin is list and isinstance(part, int):
            return typing.get_args(member)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(member)[1]
        if _is_model(member) and part in _hints(member):
            return _hints(member)[part]
    return None


def _as_text(value: Any) -> str | None:
    """Return value as the str Pydantic makes of it (bytes from !!binary are decoded)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:  # Pydantic refuses it too
            return None
    return None


def _is_markdown(tp: Any) -> bool:
    return typing.get_origin(tp) is Annotated and MARKDOWN in typing.get_args(tp)[1:]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _members(tp: Any) -> list[Any]:
    """The types a value of tp may have: a union's members (None left out), else [tp]."""
    while typing.get_origin(tp) is Annotated and not _is_markdown(tp):
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) if a is not type(None) for m in _members(a)]
    return [tp]


@functools.cache
def _hints(model_cls: type[BaseModel]) -> dict[str, Any]:
    """The model's fields and their types, Annotated markers kept."""
    hints = typing.get_type_hints(model_cls, include_extras=True)
    return {name: hints[name] for name in model_cls.model_fields}
