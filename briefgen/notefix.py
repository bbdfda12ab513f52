"""Mend WeasyPrint 70's footnote layout, which can lose a note or set it a page late.

When a line overflows a page and the paragraph's `orphans` forbid breaking before it,
WeasyPrint 70 moves the page's last footnotes to the next page until the line fits
(`_linebox_layout` in weasyprint/layout/block.py, from
https://github.com/Kozea/WeasyPrint/pull/2437 for
https://github.com/Kozea/WeasyPrint/issues/2432). It then keeps the line without placing
the footnotes that line calls: their calls are printed and their notes nowhere. The notes
it moved are set a page after their calls, and out of order when one had moved before.

1. That path is turned off, so the paragraph breaks where orphans and widows allow, as
   WeasyPrint did before: its notes stay on their calls' page.
2. Whatever path WeasyPrint takes, a note whose call has been placed on a page and which is
   still waiting to be placed goes to the next page's notes, so no note is ever lost.

With `footnote-policy: line` (brief.css), a note that does not fit takes its line to the
next page rather than leaving it behind. tests/test_notefix.py holds the smallest case.
"""

from __future__ import annotations

import inspect
import logging

from .recompile import replace_line

__all__ = ["apply"]

log = logging.getLogger(__name__)
_applied = False

# The one line of weasyprint/layout/block.py (70) that chooses to move notes off the page.
_REPORT = "report = not context.in_column and can_break_now and not could_break_before"
_LOOP = "while report and context.current_page_footnotes:"


def apply() -> None:
    """Apply both mendings once, each where its target has the expected shape."""
    global _applied
    if _applied:
        return
    _applied = True
    from weasyprint.layout import block

    _no_notes_moved_off(block)
    _no_note_lost(block)


def _no_notes_moved_off(block) -> None:  # noqa: ANN001
    """Recompile `_linebox_layout` with the choice to move notes off the page turned off."""
    source = inspect.getsource(block._linebox_layout) if hasattr(block, "_linebox_layout") else ""
    if _LOOP in source:
        replace_line(block, "_linebox_layout", _REPORT, "report = False")
    else:
        log.debug("weasyprint's _linebox_layout has changed; its footnotes left as they are")


def _no_note_lost(block) -> None:  # noqa: ANN001
    """Send to the next page a note whose call a line has placed but which waits still."""
    original = block._linebox_layout

    def _linebox_layout(context, box, index, child, new_children, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        placed = len(new_children)
        result = original(context, box, index, child, new_children, *args, **kwargs)
        abort, new_footnotes = result[0], result[4]
        if not abort and context.footnotes:
            for line in new_children[placed:]:
                for descendant in line.descendants():
                    note = descendant.footnote
                    # The page's lists first: they are short, the notes still to place long.
                    if (note is not None and note not in context.current_page_footnotes
                            and note not in context.reported_footnotes
                            and note in context.footnotes):
                        context.layout_footnote(note)
                        context.report_footnote(note)
                        new_footnotes.append(note)  # un-placed with the line if it goes
        return result

    _linebox_layout.__wrapped__ = original  # type: ignore[attr-defined]
    block._linebox_layout = _linebox_layout
