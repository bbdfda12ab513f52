"""Give each entry of the Word contents its page number, as the PDF's contents show it.

The contents field's result (docx_blocks.BlockWriter.contents) lists the entries as
hyperlinks to bookmarks. Word fills in page numbers only when the reader updates fields,
and asking it to on opening (w:updateFields) prompts the reader. So each entry gets a
dot leader to a right tab and the page its heading has in the PDF's layout of the same
edition: LibreOffice and Word set the document within a page of it, and updating the
field puts Word's own numbers in.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .docx_links import bookmark_name

__all__ = ["NUMBER_TAB", "number_contents"]

NUMBER_TAB = 900  # twips: the width of a section number before its title (CSS: 4.5em)
_EMU_PER_TWIP = 635


def _text_width(document: Any) -> int:
    """Return the width of the body's text area, in twips."""
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    return int(width) // _EMU_PER_TWIP


def _run(*children: Any) -> Any:
    run = OxmlElement("w:r")
    for child in children:
        run.append(child)
    return run


def number_contents(document: Any, pages: dict[str, int]) -> int:
    """Append the page number of each contents entry whose target pages knows.

    pages: {HTML id: page}. Returns how many entries were numbered.
    """
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Twips
    from docx.text.paragraph import Paragraph

    if not pages:
        return 0
    by_bookmark = {bookmark_name(ident): page for ident, page in pages.items()}
    toc_styles = {style.style_id for style in document.styles
                  if style.name and re.fullmatch(r"TOC \d", style.name)}
    width = _text_width(document)
    numbered = 0
    for p in document.element.body.iter(qn("w:p")):
        if p.style not in toc_styles:
            continue
        links = p.findall(qn("w:hyperlink"))
        page = by_bookmark.get(links[-1].get(qn("w:anchor"))) if links else None
        if page is None:
            continue
        tabs = Paragraph(p, None).paragraph_format.tab_stops
        # A tab stop set clears Word's default ones before it: the tab after a section
        # number needs a stop of its own (and an entry without one must not stop there).
        if links[-1].find(f".//{qn('w:tab')}") is not None:
            tabs.add_tab_stop(Twips(NUMBER_TAB))
        tabs.add_tab_stop(Twips(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        number = OxmlElement("w:t")
        number.text = str(page)
        # Inside the hyperlink, as Word writes it: the number leads to the heading too.
        links[-1].append(_run(OxmlElement("w:tab")))
        links[-1].append(_run(number))
        numbered += 1
    return numbered
