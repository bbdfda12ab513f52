"""Embed the bundled fonts a Word document uses, subset and obfuscated, as Word does.

Word and LibreOffice show a DOCX in the fonts it carries (ECMA-376 Part 1, 17.8.1 and
17.8.3.3): each face is a part `word/fonts/fontN.odttf` related from the font table, whose
`w:embedRegular`/`w:embedBold`/... names it with a key that obfuscates its first 32 bytes.
Each face is subset to the characters the document holds (fontTools.subset), so a brief
carries tens of kilobytes, not four megabytes. Word embeds TrueType outlines only, so
Inter's CFF outlines are converted to quadratic ones (fontTools' cu2qu), within a
thousandth of an em. Same document, same bytes: no timestamp is renewed, and each key is
derived from the face it hides. The font files are read through the template gate, from
the first template folder that has them (a project may ship its own `fonts/`).
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from .docx_theme import COMPLEX_SCRIPT_FONT
from .fontfaces import COMMON, cmap, faces_of

if TYPE_CHECKING:
    from .templates import TemplateSet

__all__ = ["SLOTS", "drawn_by", "embed_fonts", "families", "obfuscate"]

# Word's four faces of a family (w:embedRegular, ...), by CSS weight and style.
SLOTS = {(400, False): "Regular", (700, False): "Bold", (400, True): "Italic",
         (700, True): "BoldItalic"}
_SLOT_ORDER = list(SLOTS.values())
WORD_JOINER, ZWNBSP = 0x2060, 0xFEFF  # the same no-break, zero-width character, new and old
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
# Children of w:font, in the schema's order (CT_Font); the embed elements come last.
_FONT_CHILDREN = ("altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig",
                  "embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
_FAMILY_CLASS = {"Charis SIL": "roman", "Inter": "swiss", "Noto Naskh Arabic": "auto"}
_SUBSETS: dict[tuple[str, str], bytes] = {}  # (digest of the face, characters): its subset


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def obfuscate(data: bytes, key: str) -> bytes:
    """Return font data with its first 32 bytes XORed with the GUID key (17.8.1).

    The key's 16 bytes are taken from its hex digits last to first; byte i of the key
    masks bytes i and i + 16 of the font. The same call undoes it.
    """
    digits = key.strip("{}").replace("-", "")
    mask = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def font_key(data: bytes) -> str:
    """Return a GUID key for a face, derived from its bytes (the same face, the same key)."""
    h = hashlib.sha256(data).hexdigest().upper()
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}}}"


def _quadratic(font: Any) -> None:
    """Replace a CFF font's cubic outlines by TrueType quadratic ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # 1 unit of a 2048-unit em: invisible; reversed, as TrueType winds clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    for tag in ("VORG",):
        if tag in font:
            del font[tag]
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        glyph.recalcBounds(glyf)
        # TrueType draws a glyph from its left side bearing: the outline's left edge.
        hmtx.metrics[name] = (hmtx.metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"]  # version 1.0, which TrueType outlines need, with no hinting
    maxp.tableVersion = 0x00010000
    for name in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, name, 1 if name == "maxZones" else 0)
    maxp.recalc(font)  # points, contours and components, from glyf
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def subset(data: bytes, characters: str) -> bytes:
    """Return a TrueType face of data holding only characters, the same bytes each time."""
    key = (hashlib.sha256(data).hexdigest(), characters)
    if key not in _SUBSETS:
        from fontTools import subset as fontsubset

        options = fontsubset.Options()
        options.recalc_timestamp = False  # the face's own date, not the build's
        options.notdef_outline = True
        options.hinting = False  # a third of Charis SIL's size; screens today do without
        # Kerning and ligatures, as the PDF sets them; the other features cost seconds.
        # Arabic script needs its shaping features (init, medi, fina, rlig, mark, ...):
        # without them Word and LibreOffice draw every letter of an Urdu word unjoined,
        # so a face drawing Arabic keeps fontTools' default list, which has them.
        if not ARABIC.search(characters):
            options.layout_features = ["kern", "liga"]
        options.name_languages = ["*"]
        # Graphite's tables, which Word does not read and fontTools cannot subset.
        options.drop_tables += ["Feat", "Glat", "Gloc", "Silf", "Sill", "Silt", "Sile"]
        font = fontsubset.load_font(io.BytesIO(data), options, lazy=True)
        subsetter = fontsubset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in characters] + [ZWNBSP])
        subsetter.subset(font)
        _join_words(font)
        if "CFF " in font:
            _quadratic(font)
        out = io.BytesIO()
        fontsubset.save_font(font, out, options)
        _SUBSETS[key] = out.getvalue()
    return _SUBSETS[key]


def _join_words(font: Any) -> None:
    """Give a face without a word joiner (Inter) its zero-width no-break space for one.

    briefgen keeps ranges such as 1948–2025 on one line with U+2060 (typography.py);
    LibreOffice draws a character its font lacks from a system font, which the
    document would then depend on.
    """
    for table in font["cmap"].tables:
        if table.isUnicode() and WORD_JOINER not in table.cmap and ZWNBSP in table.cmap:
            table.cmap[WORD_JOINER] = table.cmap[ZWNBSP]


def _subset_of(templates: TemplateSet, name: str, text: set[str]) -> bytes:
    """Return the subset of the template folders' font file name for text, or a UsageError.

    The face keeps COMMON and those of text's characters it has: documents whose text it
    draws nothing more of (the Urdu word of a brief, for Charis SIL) share one subset.
    """
    from .errors import UsageError

    data = templates.read(name)
    # Only what the face has: a Latin face is not given the Arabic block of COMMON, which
    # would keep every layout feature (subset) for letters it cannot draw.
    has = cmap(data, name)
    drawn = {c for c in set(text) | set(COMMON) if ord(c) in has}
    try:
        return subset(data, "".join(sorted(drawn)))
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds on a bad file
        raise UsageError(f"{templates.find(name)} is not a font Word can embed: "
                         f"{type(exc).__name__}: {exc}") from None


def _xml_parts(document: Any) -> list[tuple[Any, Any]]:
    """Return (part, parsed XML) of every XML part of the document under /word/."""
    parts = []
    for part in document.part.package.iter_parts():
        if str(part.partname).startswith("/word/") and part.content_type.endswith("xml"):
            element = getattr(part, "_element", None)
            parts.append((part, element if element is not None else etree.fromstring(part.blob)))
    return parts


def used(document: Any) -> tuple[set[str], str]:
    """Return the font names the document's styles and runs name, and the text it holds."""
    names: set[str] = set()
    text: set[str] = set()
    for _, root in _xml_parts(document):
        for fonts in root.iter(_w("rFonts")):
            names.update(v for k, v in fonts.attrib.items() if not k.endswith("Theme"))
        for node in root.iter(_w("t"), _w("delText")):
            text.update(node.text or "")
        for node in root.iter(_w("lvlText")):
            text.update(node.get(_w("val"), ""))
    return names, "".join(sorted(text))


def _font_table(document: Any) -> Any:
    """Return the document's font table part, made if the reference has none."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    for rel in document.part.rels.values():
        if rel.reltype == FONT_TABLE and not rel.is_external:
            return rel.target_part
    blob = f'<w:fonts xmlns:w="{W}" xmlns:r="{R}"/>'.encode()
    part = Part(PackURI("/word/fontTable.xml"), FONT_TABLE_TYPE, blob, document.part.package)
    document.part.relate_to(part, FONT_TABLE)
    return part


def _font_element(table: Any, family: str, part: Any) -> Any:
    """Return the font table's w:font for family, made if missing, with no embeddings.

    The reference's own embedded faces of family are dropped, with their relationships
    from part, the font table; those of other families stay.
    """
    font = next((f for f in table.iter(_w("font")) if f.get(_w("name")) == family), None)
    if font is None:
        font = etree.SubElement(table, _w("font"))
        font.set(_w("name"), family)
        etree.SubElement(font, _w("family")).set(_w("val"), _FAMILY_CLASS.get(family, "auto"))
        etree.SubElement(font, _w("pitch")).set(_w("val"), "variable")
    for child in list(font):
        if etree.QName(child).localname.startswith("embed"):
            part.rels.pop(child.get(f"{{{R}}}id"), None)
            font.remove(child)
    return font


def families(templates: TemplateSet) -> dict[str, dict[str, str]]:
    """Return each bundled family's faces in Word's slots, with their files (fonts.css)."""
    found: dict[str, dict[str, str]] = {}
    for face in faces_of(templates):
        slot = SLOTS.get((face.weight, face.italic))
        if slot:  # Inter's SemiBold, for one, has no slot in Word
            found.setdefault(face.family, {})[slot] = face.file
    return found


def drawn_by(templates: TemplateSet, family: str) -> frozenset[int]:
    """Return the code points the regular face of a bundled family draws (none if absent)."""
    file = families(templates).get(family, {}).get("Regular")
    return cmap(templates.read(file), file) if file else frozenset()


def embed_fonts(document: Any, templates: TemplateSet) -> None:
    """Embed, subset, every bundled face of each bundled family the document uses."""
    from docx.opc.part import Part

    names, text = used(document)
    bundled = families(templates)
    embedded = [f for f in bundled if f in names]
    if not ARABIC.search(text) and COMPLEX_SCRIPT_FONT in embedded:
        embedded.remove(COMPLEX_SCRIPT_FONT)  # named for Urdu terms this document lacks
    if not embedded:
        return
    part = _font_table(document)
    table = etree.fromstring(part.blob)
    package = document.part.package
    for family in embedded:
        font = _font_element(table, family, part)
        for face, file in sorted(bundled[family].items(), key=lambda i: _SLOT_ORDER.index(i[0])):
            data = _subset_of(templates, file, set(text))
            key = font_key(data)
            font_part = Part(package.next_partname("/word/fonts/font%d.odttf"), OBFUSCATED,
                             obfuscate(data, key), package)
            embed = etree.SubElement(font, _w(f"embed{face}"))
            embed.set(f"{{{R}}}id", part.relate_to(font_part, FONT_RELATIONSHIP))
            embed.set(_w("fontKey"), key)
            embed.set(_w("subsetted"), "1")
        # The schema orders a font's children; embed elements come in the slots' order.
        font[:] = sorted(font, key=lambda c: _FONT_CHILDREN.index(etree.QName(c).localname)
                         if etree.QName(c).localname in _FONT_CHILDREN else 0)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8",
                                standalone=True)
