"""Give every table header cell of the tagged PDF its /Scope, as PDF/UA-1 asks.

WeasyPrint 70 links each data cell to its headers (/Headers and /ID) but writes no
/Scope on the header cells themselves (weasyprint/pdf/tags.py, `_build_box_tree`), and
checkers of PDF/UA-1 (the pdfua package's UA-15-003) look for it. The line that gives a
header cell its /ID gives it its /Scope too: /Row for `<th scope="row">`, else /Column.
"""

from __future__ import annotations

from .recompile import replace_line

__all__ = ["apply"]

_applied = False
_ID = "cell.mark['ID'] = key"
_WITH_SCOPE = ("cell.mark['ID'] = key; cell.mark['A']['Scope'] = ("
               "'/Row' if cell.element.attrib.get('scope') == 'row' else '/Column')")


def apply() -> None:
    """Apply the mend once, where WeasyPrint's code has the expected shape."""
    global _applied
    if _applied:
        return
    _applied = True
    from weasyprint.pdf import tags

    replace_line(tags, "_build_box_tree", _ID, _WITH_SCOPE)
