"""Word's own DRAFT watermark in the page headers, which python-docx has no API for.

:func:`add_watermark` puts in the page headers the VML WordArt shape Word's own
Design > Watermark makes (shape id ``PowerPlusWaterMarkObject…``), so Word offers to
change or remove it. LibreOffice shows it as a background Fontwork shape, drawn as
outlines: pdftotext cannot find its text in a PDF that LibreOffice exports.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["add_watermark"]

V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
W10_NS = "urn:schemas-microsoft-com:office:word"

# Word's WordArt "plain text" shape type (o:spt 136), as Word writes it beside a watermark.
_TEXT_SHAPETYPE = f"""<v:shapetype xmlns:v="{V_NS}" xmlns:o="{O_NS}" id="_x0000_t136"
  coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">
 <v:formulas>
  <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
  <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
  <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
  <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
  <v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
 </v:formulas>
 <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
  o:connectangles="270,180,90,0"/>
 <v:textpath on="t" fitshape="t"/>
 <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
 <o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>"""
_WATERMARK_ID = "PowerPlusWaterMarkObject"  # the name Word's Design > Watermark looks for
_SPIDS = etree.XPath("//@o:spid", namespaces={"o": O_NS})


def add_watermark(document: Document, text: str = "DRAFT", colour: str = "C0C0C0", *,
                  font: str = "Calibri") -> None:
    """Put text diagonally across every page, as Word's own 'Draft' watermark does."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", colour):
        raise ValueError(f"colour must be six hex digits, got {colour!r}")
    if not text.strip():
        raise ValueError("a watermark needs some text")
    # Every header in use: each section's default one, its first-page one when the section
    # has a different first page, its even-page one when the document has them. A header
    # a later section inherits resolves to the earlier section's part and is marked once;
    # one missing in the first section is created (python-docx's _get_or_add_definition).
    # Unlinking an inherited header instead would hide the content it inherits.
    headers = []
    for section in document.sections:
        headers.append(section.header)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
    spid = _max_shape_number(document) + 1
    done: list[XmlPart] = []
    for header in headers:
        part = header.part  # resolves an inherited header, creating it in section one
        if any(part is seen for seen in done):
            continue
        done.append(part)
        _remove_watermarks(part.element)
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph._p.append(_watermark_run(text, colour.upper(), font, spid,
                                           part.element.find(f".//{{{V_NS}}}shapetype["
                                                             "@id='_x0000_t136']") is None))
        spid += 1


def _max_shape_number(document: Document) -> int:
    """Return the highest VML shape number (o:spid _x0000_sN) used anywhere, at least 2048."""
    numbers = [2048]
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            for value in _SPIDS(part.element):
                match = re.fullmatch(r"_x0000_s(\d+)", value)
                if match:
                    numbers.append(int(match.group(1)))
    return max(numbers)


def _remove_watermarks(root: etree._Element) -> None:
    """Remove the runs holding a Word text watermark from a header."""
    for shape in list(root.iter(f"{{{V_NS}}}shape")):
        if shape.get("id", "").startswith(_WATERMARK_ID):
            run = next(shape.iterancestors(qn("w:r")), None)
            if run is not None:
                run.getparent().remove(run)


def _watermark_run(text: str, colour: str, font: str, spid: int,
                   with_type: bool) -> etree._Element:
    """Return a w:r holding the watermark shape (and its shape type when with_type)."""
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:noProof"))
    run.append(rpr)
    pict = etree.SubElement(run, qn("w:pict"),
                            nsmap={"v": V_NS, "o": O_NS, "w10": W10_NS})
    if with_type:
        pict.append(parse_xml(_TEXT_SHAPETYPE))
    # Word sizes the box to the text's proportions; fitshape stretches the glyphs to it.
    width = 468
    height = round(width / max(0.8 * len(text), 1.6), 1)  # about a capital's proportions
    shape = etree.SubElement(pict, f"{{{V_NS}}}shape")
    shape.set("id", f"{_WATERMARK_ID}{spid}")
    shape.set(f"{{{O_NS}}}spid", f"_x0000_s{spid}")
    shape.set("type", "#_x0000_t136")
    shape.set("style", ";".join((
        "position:absolute", "margin-left:0", "margin-top:0", f"width:{width}pt",
        f"height:{height:g}pt", "rotation:315", "z-index:-251654144",
        "mso-position-horizontal:center", "mso-position-horizontal-relative:margin",
        "mso-position-vertical:center", "mso-position-vertical-relative:margin")))
    shape.set(f"{{{O_NS}}}allowincell", "f")
    shape.set("fillcolor", f"#{colour}")
    shape.set("stroked", "f")
    etree.SubElement(shape, f"{{{V_NS}}}fill").set("opacity", ".5")
    textpath = etree.SubElement(shape, f"{{{V_NS}}}textpath")
    textpath.set("style", f'font-family:"{font}";font-size:1pt')
    textpath.set("string", text)
    wrap = etree.SubElement(shape, f"{{{W10_NS}}}wrap")
    wrap.set("anchorx", "margin")
    wrap.set("anchory", "margin")
    return run
