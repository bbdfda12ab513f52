"""Set what holds for the whole Word document: page size and margins, properties, language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .docx_text import xml_safe

if TYPE_CHECKING:
    from .theme import Theme
    from .view import DocumentView

__all__ = ["PAGE_SIZES_CM", "drop_leftovers", "set_page", "set_properties"]

PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
MAX_CORE_PROPERTY = 255  # characters: python-docx refuses a longer core property
_CUSTOM_PROPERTIES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                      "custom-properties")
_USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # Word's fmtid for a user's property

# Parts a reference document brings that say nothing true about the built document: the
# page-one picture of the (empty) reference, its application statistics ("Microsoft
# Macintosh Word", one page, no words), its custom properties (set_properties writes the
# document's own), Word 2010's copy of the styles (which lacks every style briefgen adds
# and keeps the reference's language), and customXml data-store items (bibliography
# sources, SharePoint fields). All are optional in a package (ECMA-376 Part 2,
# 8.5 and Part 1, 15.2); Word and LibreOffice open the file without them.
_PACKAGE_LEFTOVERS = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
    _CUSTOM_PROPERTIES,
)
_DOCUMENT_LEFTOVERS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)


def set_page(document: Any, size: str, theme: Theme | None = None) -> int:
    """Give the document's section the page size and theme's geometry; return the text width.

    The width is in EMU. theme (docx_theme.applied_theme): the margins, header and footer
    distances and first-page rule it sets; what it leaves unset stays the reference
    document's, or if the reference has none, is the built-in theme's. The PDF reads the
    same values from Theme.css.
    """
    from docx.shared import Cm, Mm

    from .theme import Theme

    document.element.body.get_or_add_sectPr()  # a reference document may lack one
    section = document.sections[0]
    width, height = PAGE_SIZES_CM[size]
    section.page_width, section.page_height = Cm(width), Cm(height)
    theme = theme or Theme()
    full = theme.resolved()
    for side, value in zip(("top", "right", "bottom", "left"), full.margins_mm(), strict=True):
        name = f"{side}_margin"
        if getattr(theme.margins, side, None) is not None or getattr(section, name) is None:
            setattr(section, name, Mm(value))
    for name, value in (("header_distance", theme.header), ("footer_distance", theme.footer)):
        if value is not None or getattr(section, name) is None:
            setattr(section, name, Mm(getattr(full, name.split("_")[0])))
    if theme.first_page_header is not None or not section.different_first_page_header_footer:
        section.different_first_page_header_footer = not full.first_page_header
    return section.page_width - section.left_margin - section.right_margin


def set_properties(document: Any, view: DocumentView,
                   page_meta: Mapping[str, str] | None = None) -> None:
    """Fill the core properties from the document's metadata; proof in its language.

    page_meta: the page's <meta name> values (blocks/head_meta.html), which the PDF's
    metadata comes from too: its description is the subject, "dcterms.identifier" the
    identifier (the DOI link, ISBN or URL), and "dcterms.rights" (copyright and licence)
    a custom property "Rights", since the core properties have no place for rights.
    """
    meta = view.meta
    page_meta = page_meta or {}
    props = document.core_properties
    props.title = _core(meta.title)
    props.subject = _core(page_meta.get("description") or meta.subtitle or "")
    if page_meta.get("dcterms.identifier"):
        props.identifier = _core(page_meta["dcterms.identifier"])
    props.author = _core("; ".join(a.name for a in meta.authors))
    props.keywords = _core(", ".join(meta.keywords))
    props.language = meta.language
    props.category = view.kind
    props.comments = _core(f"{view.audience.label} edition, made with briefgen")
    props.last_modified_by = "briefgen"
    props.revision = 1
    stamp = dt.datetime.combine(meta.date, dt.time(0, 0))
    props.created = props.modified = stamp
    if page_meta.get("dcterms.rights"):
        _set_custom_properties(document, {"Rights": page_meta["dcterms.rights"]})
    _set_language(document, meta.language)


def _set_custom_properties(document: Any, values: Mapping[str, str]) -> None:
    """Give the package a custom-properties part holding values as text properties.

    python-docx reads and writes only the core properties; Word lists these under File >
    Properties > Custom (ECMA-376 Part 1, 22.3). The reference document's own part is gone
    by then: drop_leftovers runs first (render_docx).
    """
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns, "vt": vt})
    # Property ids start at 2 (ECMA-376 Part 1, 22.3.2.2).
    for pid, (name, value) in enumerate(values.items(), start=2):
        prop = etree.SubElement(root, f"{{{ns}}}property", fmtid=_USER_DEFINED, pid=str(pid),
                                name=name)
        etree.SubElement(prop, f"{{{vt}}}lpwstr").text = _core(value)
    package = document.part.package
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/docProps/custom.xml"),
                "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                blob, package)
    package.relate_to(part, _CUSTOM_PROPERTIES)


def drop_leftovers(document: Any) -> None:
    """Drop the reference document's parts that do not describe the built document."""
    # python-docx writes exactly the parts reachable through relationships, and builds
    # [Content_Types].xml from them, so dropping a relationship drops its part too.
    for rels, types in ((document.part.package.rels, _PACKAGE_LEFTOVERS),
                        (document.part.rels, _DOCUMENT_LEFTOVERS)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in types]:
            del rels[rid]


def _set_language(document: Any, language: str) -> None:
    """Make language the default of every run, so proofing and hyphenation follow it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    # Word picks the theme's fonts for this language; the reference's may be another.
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), language)

    for defaults in document.styles.element.iter(qn("w:rPrDefault")):
        run_properties = defaults.find(qn("w:rPr"))
        if run_properties is None:  # a reference document may leave the default run empty
            run_properties = OxmlElement("w:rPr")
            defaults.append(run_properties)
        lang = run_properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_properties.append(lang)
        lang.set(qn("w:val"), language)


def _core(text: str) -> str:
    """Return text fit for a core property: XML-safe, at most the characters allowed."""
    # python-docx refuses a longer value (docx/oxml/coreprops.py, _set_element_text), and a
    # title, author list or keyword list may well be longer.
    text = xml_safe(text)
    return text if len(text) <= MAX_CORE_PROPERTY else text[:MAX_CORE_PROPERTY - 1] + "…"
