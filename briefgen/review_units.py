"""Where a paragraph of text, or an inline note, stands in a field's Markdown source; and
the error for an edit that has no place there.

A Markdown field of several paragraphs is marked in the Word file paragraph by paragraph
(`sections.history.body/2`), numbered as markdown.text_blocks numbers them; review finds
that paragraph's span in the YAML's value again (unit_span), and a note's `^[…]` inside
it (note_spans), before carrying an edit there (review_text.carry).
"""

from __future__ import annotations

import re

__all__ = ["Unplaceable", "note_spans", "unit_span"]


class Unplaceable(ValueError):
    """An edit the source cannot take where it stands; the message says why."""


def note_spans(source: str) -> list[tuple[int, int]]:
    """The spans of the ^[inline notes] of a source, brackets matched."""
    out = []
    for match in re.finditer(r"\^\[", source):
        depth, at = 0, match.start() + 1
        while at < len(source):
            depth += {"[": 1, "]": -1}.get(source[at], 0)
            if depth == 0:
                out.append((match.start(), at + 1))
                break
            at += 1 + (source[at] == "\\")
    return out


def unit_span(value: str, unit: int | None) -> tuple[int, int]:
    """Where paragraph of text number unit of a Markdown field stands in it (None: the
    whole value). Raises Unplaceable if the field has no such paragraph."""
    if unit is None:
        return 0, len(value)
    from .markdown import text_blocks

    blocks = text_blocks(value)
    if unit >= len(blocks):
        raise Unplaceable(f"the field has {len(blocks)} paragraphs now, not {unit + 1}")
    content, first, end = blocks[unit]
    starts = [0]
    for line in value.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    region = value[starts[first]:starts[min(end, len(starts) - 1)]]
    # Markdown drops each line's indent and list or quote marker from the text.
    pattern = r"[ \t]*\n[ \t>]*(?:[-*+]|\d+[.)])?[ \t]*".join(
        re.escape(line.strip()) for line in content.split("\n"))
    found = re.search(pattern, region)
    if not found:
        raise Unplaceable("its paragraph could not be found in the field's Markdown")
    return starts[first] + found.start(), starts[first] + found.end()
