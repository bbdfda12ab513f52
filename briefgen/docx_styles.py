"""Declare which Word style each piece of the page's HTML becomes, and find those styles.

The contract between templates and the Word writer, in three tables the README prints:
STYLES maps elements onto styles; ROLES lists the data-docx values that are instructions
rather than style names; TEMPLATE_STYLES lists the styles briefgen's own templates name.
Any other data-docx value must name a style of the reference document (docx_contract
checks it): a paragraph style on an element in block position, a character style inline,
a table style on a table. StyleBook finds a style in the reference document by name, as
Word does (without regard to case), and adds one of the tables' the document lacks.
UNMAPPED_TAGS are the elements Word has nothing for.
"""

from __future__ import annotations

from typing import Any

from .docx_text import xml_safe

__all__ = ["BLOCK_TAGS", "BODY_TAGS", "PARAGRAPH_TAGS", "ROLES", "RUN_FORMATS", "STYLES",
           "StyleBook", "TEMPLATE_STYLES", "UNMAPPED_TAGS", "contract_styles"]

# What each element (or data-docx role) becomes in Word, by a selector-like key.
STYLES: dict[str, str] = {
    # Paragraph styles.
    "h1": "Title",
    "h2": "Heading 1",
    "h3": "Heading 2",
    "h4": "Heading 3",
    "h5": "Heading 3",
    "h6": "Heading 3",
    "p": "Body Text",  # and dt, dd; a container may name another with data-docx-p
    "blockquote p": "Quote",  # and dt, dd, unless the blockquote has data-docx-p
    "text outside any paragraph": "Body Text",
    "figcaption": "Caption",
    "caption": "Caption",
    "ul > li": "List Bullet",  # nested lists: "List Bullet 2", "List Bullet 3"
    "ol > li": "List Number",  # nested lists: "List Number 2", "List Number 3"
    "img": "Body Text",  # a picture in block position, in a paragraph of its own
    "th": "Table Heading",
    "td": "Table Text",
    "[data-docx=header]": "Header",
    "[data-docx=footer]": "Footer",
    "[data-docx=toc] > h1, h2, h3": "TOC Heading",
    "[data-docx=toc] li": "TOC",  # "TOC 1", "TOC 2", "TOC 3" by depth
    "[data-docx=pagebreak]": "Normal",
    # Character styles.
    "code": "Code",
    "a[href]": "Hyperlink",  # a link out of the document, when no other style is named
}

# Inline elements that set a run property rather than a style.
RUN_FORMATS: dict[str, str] = {
    "strong": "bold", "b": "bold", "dt": "bold",
    "em": "italic", "i": "italic", "cite": "italic",
    "sup": "superscript",
}

# data-docx values that say what to do, not which style to use.
ROLES: dict[str, str] = {
    "skip": "leave the element out",
    "tab": "a tab",
    "footnote": "the element's content is a Word footnote, called where it stands",
    "header": "the element fills the page header (not on the first page)",
    "footer": "the element fills the page footer",
    "toc": "a list of links becomes Word's table-of-contents field, already filled in",
    "pagebreak": "start a new page",
}

# The styles briefgen's templates (and note calls, context.py) name with data-docx or
# data-docx-p, by kind; the writer adds one a user's reference document lacks.
TEMPLATE_STYLES: dict[str, str] = {
    "Series": "paragraph: the series and number above the title",
    "Edition": "paragraph: the date and the edition's audience",
    "Draft Mark": "paragraph: the word DRAFT on the title page of a draft",
    "Subtitle": "paragraph: the subtitle",
    "Byline": "paragraph: the authors",
    "Box Title": "paragraph: the key-messages box's heading",
    "Box Bullet": "paragraph: a key message",
    "Lead": "paragraph: a section's lead paragraph",
    "Contributors": "paragraph: a report section's contributors",
    "Key Point": "paragraph: a section's key point",
    "Caption": "paragraph: a table's or figure's caption",
    "Source Note": "paragraph: a table's or figure's source",
    "Brief Table": "table: a content table",
    "Quote": "paragraph: a pull quote",
    "Quote Attribution": "paragraph: who said the pull quote",
    "Timeline Entry": "paragraph: a timeline entry",
    "Timeline Date": "character: a timeline entry's date",
    "Recommendation Meta": "paragraph: a recommendation's priority and horizon; where in "
                           "the book a book's recommendation is made",
    "Recommendation Detail": "paragraph: a recommendation's actors, cost or trade-off, risk",
    "Bottom Line Title": "paragraph: the bottom line's heading",
    "Bottom Line": "paragraph (data-docx-p): the bottom line's paragraphs",
    "Priority High": "character: a recommendation's priority label, when high",
    "Badge": "character: a recommendation's other priority and horizon labels",
    "Book Heading": "paragraph: the reviewed book's title",
    "Book Details": "paragraph: the reviewed book's authors, publisher, reviewer",
    "Assessment Heading": "paragraph: the strengths and gaps headings",
    "Verdict Title": "paragraph: the verdict's heading",
    "Verdict": "paragraph (data-docx-p): the verdict's paragraphs",
    "Glossary Entry": "paragraph: a glossary entry",
    "Glossary Term": "character: a glossary entry's term",
    "Bibliography": "paragraph: a reference",
    "Note Text": "paragraph: an endnote",
    "Note Reference": "character: an endnote's call",
    "Colophon Heading": "paragraph: a heading of the back page (about the authors, the publisher)",
    "Colophon": ("paragraph: the back page: about the authors and the publisher, contact, "
                 "series and identifiers, how to cite, licence"),
}

# Elements Word has nothing for: their text would come out without their meaning (a
# form's labels, a video's fallback) or nothing at all (a canvas). A template leaves one
# out of Word with data-docx="skip"; <style> and <script> are never part of a page body.
UNMAPPED_TAGS = frozenset({
    "svg", "math", "video", "audio", "iframe", "object", "embed", "canvas", "form", "input",
    "button", "select", "textarea", "template", "dialog", "map", "frame",
    "frameset", "applet", "noscript"})


def contract_styles() -> set[str]:
    """Return every style name the tables give, the numbered list and contents levels too."""
    names = {*STYLES.values(), *TEMPLATE_STYLES}
    names |= {f"{STYLES[key]} {level}" for key in ("ul > li", "ol > li") for level in (2, 3)}
    toc = STYLES["[data-docx=toc] li"]  # a prefix: the styles are TOC 1, TOC 2, TOC 3
    return names - {toc} | {f"{toc} {level}" for level in (1, 2, 3)}


BODY_TAGS = {"p", "dt", "dd"}  # paragraphs in their container's body style
PARAGRAPH_TAGS = {*BODY_TAGS, "figcaption", "caption", "h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = PARAGRAPH_TAGS | {
    "div", "section", "aside", "header", "footer", "main", "article", "nav", "figure",
    "blockquote", "ul", "ol", "li", "dl", "table", "img", "body", "hr"}


class StyleBook:
    """The document's styles by name, matched without regard to case as Word matches them."""

    def __init__(self, document: Any) -> None:
        """Index the styles the reference document holds."""
        self._document = document
        self._by_name = {(s.name or "").lower(): s for s in document.styles}
        self._ids: dict[str, str] = {}

    @property
    def names(self) -> list[str]:
        """The names of the document's styles."""
        return [style.name for style in self._by_name.values() if style.name]

    def style_id(self, name: str, character: bool = False) -> str:
        """Return the id of the named style, adding it if the reference document lacks it.

        Ids are looked up once per name and set on the XML: python-docx's own setter scans
        every style of the document at each paragraph, a third of a brief's DOCX time.
        A paragraph style added is based on Normal.
        """
        if name not in self._ids:
            style = self._by_name.get(name.lower())
            if style is None:
                from docx.enum.style import WD_STYLE_TYPE

                kind = WD_STYLE_TYPE.CHARACTER if character else WD_STYLE_TYPE.PARAGRAPH
                style = self._document.styles.add_style(xml_safe(name), kind)
                if not character and "normal" in self._by_name:
                    style.base_style = self._by_name["normal"]
                self._by_name[name.lower()] = style
            self._ids[name] = style.style_id
        return self._ids[name]

    def table_style(self, name: str) -> Any:
        """Return the table style called name, or None if the document has none by that name."""
        from docx.enum.style import WD_STYLE_TYPE

        style = self._by_name.get(name.lower())
        return style if style is not None and style.type == WD_STYLE_TYPE.TABLE else None
