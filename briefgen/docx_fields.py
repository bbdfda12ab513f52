"""Word fields: the page numbers a template may ask for, and the table-of-contents field.

A field is begin, instruction, separate, its current result, end; Word recomputes the
result when it updates fields, and shows the one written until then.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_errors import element_error

__all__ = ["FIELDS", "TOC_FIELD", "begin_field", "end_field", "field_code"]

# data-field: numbers only. Word runs a field's instruction: INCLUDEPICTURE or INCLUDETEXT
# would fetch or read a file when the document is opened.
FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES"}
# Heading levels 1-2 (\o), as hyperlinks (\h), no page numbers on the web (\z), outline
# levels too (\u).
TOC_FIELD = 'TOC \\o "1-2" \\h \\z \\u'


def field_code(el: _Element) -> str:
    """Return the field el's data-field asks for, or raise a UsageError naming el."""
    code = (el.get("data-field") or "").strip().upper()
    if code not in FIELDS:
        raise element_error(el, "a Word field made from a template may be one of "
                            + ", ".join(sorted(FIELDS)))
    return code


def _field_char(paragraph: Any, kind: str) -> None:
    """Append a run holding a field character: begin, separate or end."""
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def begin_field(paragraph: Any, code: str) -> None:
    """Open a complex field: begin, its instruction, separate; its result follows."""
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")


def end_field(paragraph: Any) -> None:
    """Close the field begun last, after its result."""
    _field_char(paragraph, "end")
