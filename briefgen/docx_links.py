"""Bookmarks on Word paragraphs, and the hyperlinks that point to them or out to the web."""

from __future__ import annotations

import re
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .docx_text import xml_safe

__all__ = ["MARK_PREFIX", "Bookmarks", "add_hyperlink", "bookmark_name", "is_internal"]

# The hidden bookmarks (a leading underscore: Word lists them only on request) that say
# which field a paragraph was made from: _bg1, _bg2, … (provenance, review).
MARK_PREFIX = "_bg"


def bookmark_name(ident: str) -> str:
    """Return the Word bookmark name for an HTML id."""
    # Word bookmark names: letters, digits and underscores, starting with a letter, <= 40.
    return ("b_" + re.sub(r"[^A-Za-z0-9_]", "_", ident))[:40]


class Bookmarks:
    """The bookmarks of one document, numbered in the order they are added."""

    def __init__(self) -> None:
        """Start with no bookmark; Word's ids only need to be unique."""
        self._count = 0

    def add(self, paragraph: Any, ident: str, name: bool = False) -> None:
        """Bookmark the paragraph, to its end so far, under the name of the HTML id ident
        (name: ident is the bookmark's name)."""
        start, end = self._pair(ident if name else bookmark_name(ident))
        properties = paragraph._p.pPr
        if properties is not None:
            properties.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def begin(self, paragraph: Any, name: str) -> Any:
        """Start a bookmark named name at the paragraph's end so far; return its end, for
        the caller to append when the bookmarked content is written."""
        start, end = self._pair(name)
        paragraph._p.append(start)
        return end

    def _pair(self, name: str) -> tuple[Any, Any]:
        self._count += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._count))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._count))
        return start, end


def add_hyperlink(paragraph: Any, href: str) -> Any:
    """Append an empty w:hyperlink to href ("#id": a bookmark) to paragraph and return it."""
    link = OxmlElement("w:hyperlink")
    if href.startswith("#"):
        link.set(qn("w:anchor"), bookmark_name(href[1:]))
    else:
        rel = paragraph.part.relate_to(xml_safe(href), RELATIONSHIP_TYPE.HYPERLINK,
                                       is_external=True)
        link.set(qn("r:id"), rel)
    paragraph._p.append(link)
    return link


def is_internal(link: Any) -> bool:
    """Whether a w:hyperlink points within the document (to a bookmark)."""
    return link.get(qn("w:anchor")) is not None
