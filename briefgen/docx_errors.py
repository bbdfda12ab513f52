"""Turn what the Word writer cannot take from a template's HTML into a UsageError naming it."""

from __future__ import annotations

from lxml.etree import _Element

from .docx_text import xml_safe
from .errors import UsageError

__all__ = ["element_error", "shorten"]

# The attributes that let a user find the element in their templates.
IDENTIFYING_ATTRIBUTES = ("id", "class", "src", "alt", "data-docx", "data-chart", "data-field")


def shorten(text: str, limit: int = 40) -> str:
    """Return text cut to about limit characters, for a message."""
    text = xml_safe(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit] + "…"


def element_error(el: _Element, problem: str, where: str = "") -> UsageError:
    """Return a UsageError naming the element of a template's HTML that Word cannot take.

    where: the template's "file:line" the element comes from, when it is known.
    """
    shown = " ".join(f'{name}="{shorten(value)}"' for name, value in el.attrib.items()
                     if name in IDENTIFYING_ATTRIBUTES)
    return UsageError(f"{where + ': ' if where else ''}"
                      f"the Word file cannot be made from <{el.tag}{' ' if shown else ''}"
                      f"{shown}> in the HTML of your templates: {problem}")
