"""Tables in Word: full width, columns as wide as their content needs, headers repeated.

Rows never split across pages, header rows repeat on each page, and a short table is kept
on one page, as in the PDF; a long one breaks between rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_styles import STYLES, StyleBook

__all__ = ["KEEP_WHOLE_ROWS", "add_table"]

KEEP_WHOLE_ROWS = 12  # a table of at most this many rows is kept on one page
WIDEST_CELL = 60  # characters: a longer cell asks for no more width than this
NARROWEST_COLUMN = 6  # characters added to every column, a floor for short ones


def add_table(document: Any, el: _Element, styles: StyleBook, text_width: int,
              write_cell: Callable[[Any, _Element], None]) -> bool:
    """Append the HTML table el to document, write_cell(paragraph, td) filling each cell.

    Return whether there was a table to write: one with no rows is left out.
    """
    rows = el.xpath("./thead/tr|./tbody/tr|./tr|./tfoot/tr")
    if not rows:
        return False
    header_count = len(el.xpath("./thead/tr"))
    columns = max(len(tr.xpath("./th|./td")) for tr in rows)
    table = document.add_table(rows=0, cols=columns)
    style = styles.table_style(el.get("data-docx") or "")
    if style is not None:
        table.style = style
    _full_width(table)
    widths = _column_widths(rows, columns, text_width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    keep = len(rows) <= KEEP_WHOLE_ROWS
    for index, tr in enumerate(rows):
        row = table.add_row()
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        if index < header_count:
            row_properties.append(OxmlElement("w:tblHeader"))
        for cell, td, width in zip(row.cells, tr.xpath("./th|./td"), widths, strict=False):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph._p.style = styles.style_id(STYLES[td.tag])
            paragraph.paragraph_format.keep_with_next = keep and index < len(rows) - 1 or None
            write_cell(paragraph, td)
    return True


def _full_width(table: Any) -> None:
    """Make the table as wide as the text (100%, which Word writes as 5000 fiftieths)."""
    properties = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    properties.append(width)


def _column_widths(rows: list[_Element], columns: int, total: int) -> list[int]:
    """Share the text width among columns by the length of their longest cell (in EMU).

    Word would otherwise make every column equally wide: a "Year" column as wide as a
    column of sentences.
    """
    longest = [1] * columns
    for tr in rows:
        for i, td in enumerate(tr.xpath("./th|./td")[:columns]):
            longest[i] = max(longest[i], len(" ".join(td.text_content().split())))
    weights = [min(length, WIDEST_CELL) + NARROWEST_COLUMN for length in longest]
    return [int(total * weight / sum(weights)) for weight in weights]
