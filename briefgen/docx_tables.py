"""Tables in Word: full width, columns as wide as their content needs, headers repeated.

Cells that span columns or rows (colspan, rowspan) are merged cells, placed as a browser
places them.

Rows never split across pages, header rows repeat on each page, and a short table is kept
on one page, as in the PDF; a long one breaks between rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml.etree import _Element

from .docx_errors import element_error
from .docx_styles import STYLES, StyleBook

__all__ = ["KEEP_WHOLE_ROWS", "add_table"]

MAX_COLUMNS = 63  # Word's limit on a table's columns
KEEP_WHOLE_ROWS = 12  # a table of at most this many rows is kept on one page
WIDEST_CELL = 60  # characters: a longer cell asks for no more width than this
NARROWEST_COLUMN = 6  # characters added to every column, a floor for short ones

# What follows w:tblW in a table's properties (CT_TblPr's sequence).
_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
               "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")

# A cell on the grid: its row and column, the td or th, how many rows and columns it spans.
Placed = tuple[int, int, _Element, int, int]


def add_table(document: Any, el: _Element, styles: StyleBook, text_width: int,
              write_cell: Callable[[Any, _Element], None]) -> bool:
    """Append the HTML table el to document, write_cell(paragraph, td) filling each cell.

    Cells spanning columns or rows (colspan, rowspan) become merged cells. Rows and cells
    left out of Word (data-docx="skip", or hidden by CSS) are left out of the grid, as a
    browser leaves out what display: none hides. Return whether there was a table to
    write: one with no rows is left out.
    """
    rows = [tr for tr in el.xpath("./thead/tr|./tbody/tr|./tr|./tfoot/tr")
            if tr.get("data-docx") != "skip" and tr.getparent().get("data-docx") != "skip"]
    if not rows:
        return False
    placed, columns = _grid(el, rows)
    header_count = sum(tr.getparent().tag == "thead" for tr in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    style = styles.table_style(el.get("data-docx") or "")
    if style is not None:
        table.style = style
    _full_width(table)
    widths = _column_widths(placed, columns, text_width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    keep = len(rows) <= KEEP_WHOLE_ROWS
    grid = [row.cells for row in table.rows]  # once: python-docx's table.cell() is O(cells)
    for index, row in enumerate(table.rows):
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        if index < header_count:
            row_properties.append(OxmlElement("w:tblHeader"))
        for cell, width in zip(grid[index], widths, strict=True):
            cell.width = width
    for row_index, column, td, row_span, column_span in placed:
        cell = grid[row_index][column]
        if row_span > 1 or column_span > 1:
            cell = cell.merge(grid[row_index + row_span - 1][column + column_span - 1])
        paragraph = cell.paragraphs[0]
        paragraph._p.style = styles.style_id(STYLES[td.tag])
        last_row = row_index + row_span - 1
        paragraph.paragraph_format.keep_with_next = keep and last_row < len(rows) - 1 or None
        write_cell(paragraph, td)
    return True


def _span(td: _Element, name: str, limit: int) -> int:
    """Return a cell's colspan or rowspan as a browser reads it: 1 unless a number in range."""
    try:
        value = int((td.get(name) or "1").strip())
    except ValueError:
        return 1
    return min(value, limit) if value >= 1 else 1


def _grid(el: _Element, rows: list[_Element]) -> tuple[list[Placed], int]:
    """Place each cell on the grid as HTML does; return the cells placed and the columns.

    A cell goes to the first free column of its row, past cells of rows above that span
    down into it; a rowspan stops at the last row.
    """
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    for row_index, tr in enumerate(rows):
        column = 0
        for td in tr.xpath("./th|./td"):
            if td.get("data-docx") == "skip":
                continue
            while (row_index, column) in taken:
                column += 1
            column_span = _span(td, "colspan", 1000)  # a browser reads up to 1000
            row_span = min(_span(td, "rowspan", len(rows)), len(rows) - row_index)
            if column + column_span > MAX_COLUMNS:
                raise element_error(el, f"a table in Word has at most {MAX_COLUMNS} columns")
            taken |= {(row_index + down, column + across)
                      for down in range(row_span) for across in range(column_span)}
            placed.append((row_index, column, td, row_span, column_span))
            column += column_span
    return placed, max((column for _, column in taken), default=0) + 1


def _full_width(table: Any) -> None:
    """Make the table as wide as the text (100%, which Word writes as 5000 fiftieths)."""
    properties = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    # In the schema's place (CT_TblPr, ECMA-376 Part 1, 17.4.60): before w:jc, w:tblLook
    # and the rest, which python-docx's table already holds.
    properties.insert_element_before(width, *_AFTER_TBLW)


def _column_widths(placed: list[Placed], columns: int, total: int) -> list[int]:
    """Share the text width among columns by the length of their longest cell (in EMU).

    Word would otherwise make every column equally wide: a "Year" column as wide as a
    column of sentences. A cell spanning columns asks for no width of its own.
    """
    longest = [1] * columns
    for _row, column, td, _rows, column_span in placed:
        if column_span == 1:
            longest[column] = max(longest[column], len(" ".join(td.text_content().split())))
    weights = [min(length, WIDEST_CELL) + NARROWEST_COLUMN for length in longest]
    return [int(total * weight / sum(weights)) for weight in weights]
