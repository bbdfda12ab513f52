"""Finish a Word document: its settings, its contents' page numbers and its fonts.

What the rest of an edition knows and the Word writer does not reaches it as one
`WordExtras`: the page of each heading in the PDF's layout (for the contents, docx_toc)
and the template folders the bundled fonts come from (docx_fonts). The settings turn on
automatic hyphenation, as the PDF hyphenates, and ask Word to keep the embedded fonts;
they never ask Word to update fields on opening, which would prompt the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

if TYPE_CHECKING:
    from .templates import TemplateSet

__all__ = ["SETTINGS", "WordExtras", "finish", "set_settings"]

# CT_Settings' children up to those set here, in the schema's order (ECMA-376 Part 1,
# 17.15.1.78): Word refuses a settings part whose children are out of order.
_ORDER = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
          "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
          "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
          "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
          "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
          "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
          "proofState", "formsDesign", "attachedTemplate", "linkStyles",
          "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
          "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
          "documentProtection", "autoFormatOverride", "styleLockTheme", "styleLockQFSet",
          "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone")
# Each setting and its value (None: on, with no value).
SETTINGS: dict[str, str | None] = {
    "embedTrueTypeFonts": None,  # keep the embedded fonts when Word saves the file
    "saveSubsetFonts": None,  # ... as subsets
    "autoHyphenation": None,
    "consecutiveHyphenLimit": "2",  # as a typesetter would: at most two lines in a row
    "hyphenationZone": "284",  # twentieths of a point: 5 mm of ragged edge before a break
}


@dataclass(frozen=True)
class WordExtras:
    """What the Word writer is told by the rest of the edition.

    pages: the page of each HTML id in the PDF's layout (empty: not laid out); templates:
    the folders the bundled fonts are read from (None: the built-in ones).
    """

    pages: dict[str, int] = field(default_factory=dict)
    templates: TemplateSet | None = None


def set_settings(settings: Any) -> None:
    """Set SETTINGS in a w:settings element, each in its place; drop w:updateFields."""
    for name, value in SETTINGS.items():
        for old in settings.findall(qn(f"w:{name}")):
            settings.remove(old)
        element = OxmlElement(f"w:{name}")
        if value is not None:
            element.set(qn("w:val"), value)
        before = {qn(f"w:{n}") for n in _ORDER[:_ORDER.index(name)]}
        after = [i for i, child in enumerate(settings) if child.tag in before]
        settings.insert(after[-1] + 1 if after else 0, element)
    # A reference asking Word to update fields would make it prompt on every opening.
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)


def finish(document: Any, extras: WordExtras | None) -> None:
    """Set the document's settings, its contents' page numbers and embed its fonts."""
    from .docx_fonts import embed_fonts
    from .docx_toc import number_contents
    from .templates import TemplateSet

    extras = extras or WordExtras()
    set_settings(document.settings.element)
    number_contents(document, extras.pages)
    # Last: the fonts are subset to the text the document holds, page numbers included.
    embed_fonts(document, extras.templates or TemplateSet())
