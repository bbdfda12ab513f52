"""Real Word footnotes, which python-docx has no API for.

Footnotes live in their own package part, ``word/footnotes.xml``, which
:class:`Footnotes` creates on first use (or adopts, when the reference document already
has one), so a walker writes notes with the ordinary python-docx objects::

    notes = Footnotes(document)                      # after the body has been emptied
    note_id, note = notes.add()                      # 'Footnote Text', number mark and space
    note.add_run("As argued in ").italic = False     # runs go straight into the note
    rid = note.part.relate_to(url, RT.HYPERLINK, is_external=True)  # the footnotes part
    notes.reference(body_paragraph, note_id)         # the 'Footnote Reference' call

Word, LibreOffice and pandoc number notes by the order of the calls in the body; ids are
only keys, given from 1 in the order notes are added. When the reference document brings a
footnotes part (an organisation's template saved by Word), its separators are kept and, of
its notes, only those the body still calls: the renderer empties the body first, so sample
notes are dropped with the relationships only they used, and ids continue after the
highest one kept (a reopened briefgen file keeps its notes and continues after them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.story import StoryPart
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.package import OpcPackage
    from docx.opc.part import Part
    from docx.styles.style import BaseStyle

__all__ = ["FOOTNOTE_REFERENCE", "FOOTNOTE_TEXT", "Footnotes", "FootnotesPart"]

FOOTNOTE_TEXT = "Footnote Text"
FOOTNOTE_REFERENCE = "Footnote Reference"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Children of w:settings that must come after w:footnotePr (ECMA-376 CT_Settings order).
_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)
_SEPARATORS = ("separator", "continuationSeparator")
_NOTE_TYPES = ("", "normal")  # w:footnote/@w:type of a note (absent means normal)
_ID = re.compile(r"-?\d{1,9}")  # a footnote id (ST_DecimalNumber, in practice)


class FootnotesPart(StoryPart):
    """The ``word/footnotes.xml`` part: a story part, so styles, images and links resolve."""

    @classmethod
    def new(cls, package: OpcPackage) -> FootnotesPart:
        """Return a new footnotes part holding only Word's two separator notes."""
        xml = (f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
               + "".join(_separator_xml(kind, ident, declare=False)
                         for kind, ident in zip(_SEPARATORS, (-1, 0), strict=True))
               + "</w:footnotes>")
        return cls(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), package)

    def _rel_ref_count(self, rId: str) -> int:
        """Count the references to relationship rId (r:id, r:embed, ...) in the part's XML."""
        # XmlPart's own count uses a prefixed XPath that w:footnotes, a plain lxml element
        # for python-docx, cannot evaluate.
        return _relationship_ids(self.element).count(rId)


class Footnotes:
    """The footnotes part of a document, created on first use."""

    def __init__(self, document: Document) -> None:
        """Remember the document; nothing is added to it until the first footnote."""
        self._document = document
        self._part: FootnotesPart | None = None
        self._next_id = 1
        self._text_style: str | None = None
        self._mark_style: str | None = None
        self._notes: dict[int, etree._Element] = {}  # by id: a long report has thousands

    @property
    def part(self) -> FootnotesPart:
        """Return the footnotes part, adopting or creating it (and its styles) as needed."""
        if self._part is None:
            self._part = _footnotes_part(self._document)
            # After every id in use: older Word numbers its separators 0 and 1.
            self._next_id = max([0, *_ids(self._part.element, None)]) + 1
            _ensure_footnote_settings(self._document, self._part)
            self._text_style = _find_or_add_style(self._document, FOOTNOTE_TEXT,
                                      WD_STYLE_TYPE.PARAGRAPH).style_id
            self._mark_style = _find_or_add_style(self._document, FOOTNOTE_REFERENCE,
                                      WD_STYLE_TYPE.CHARACTER).style_id
        return self._part

    def add(self) -> tuple[int, Paragraph]:
        """Start a footnote; return its id and first paragraph, its number mark and space in."""
        part = self.part
        note_id = self._next_id
        self._next_id += 1
        note = etree.SubElement(part.element, qn("w:footnote"))
        note.set(qn("w:id"), str(note_id))
        self._notes[note_id] = note
        paragraph = self._new_paragraph(note)
        mark = paragraph.add_run()
        mark._r.style = self._mark_style
        mark._r.append(OxmlElement("w:footnoteRef"))
        paragraph.add_run(" ")
        return note_id, paragraph

    def add_paragraph(self, note_id: int) -> Paragraph:
        """Append another 'Footnote Text' paragraph to footnote note_id and return it."""
        return self._new_paragraph(self._note(note_id))

    def reference(self, paragraph: Paragraph, note_id: int) -> Run:
        """Append to a body paragraph the run that calls footnote note_id."""
        self._note(note_id)
        if paragraph.part is not self._document.part:
            raise ValueError("footnote references belong in the main document, "
                             "not in a header, footer or note")
        run = paragraph.add_run()
        run._r.style = self._mark_style
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(note_id))
        run._r.append(ref)
        return run

    def _new_paragraph(self, note: etree._Element) -> Paragraph:
        """Append a 'Footnote Text' paragraph to note, as a Paragraph whose part is ours."""
        p = OxmlElement("w:p")
        note.append(p)
        p.style = self._text_style
        return Paragraph(p, self.part)  # XmlPart.part is the part itself

    def _note(self, note_id: int) -> etree._Element:
        """Return the w:footnote element of note note_id, refusing separators and unknowns."""
        if note_id in self._notes:
            return self._notes[note_id]
        for note in self.part.element.iterchildren(qn("w:footnote")):  # one the reference had
            if note.get(qn("w:id")) == str(note_id) and note.get(qn("w:type"), "") in _NOTE_TYPES:
                self._notes[note_id] = note
                return note
        raise ValueError(f"no footnote with id {note_id}")


def _separator_xml(kind: str, ident: int, declare: bool = True) -> str:
    """Return a separator footnote as Word writes it (declaring w: unless inside a part)."""
    xmlns = f' xmlns:w="{W_NS}"' if declare else ""
    return (f'<w:footnote{xmlns} w:type="{kind}" w:id="{ident}"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            f"<w:r><w:{kind}/></w:r></w:p></w:footnote>")


def _ids(root: etree._Element, types: tuple[str, ...] | None) -> list[int]:
    """Return the ids of root's w:footnote children whose w:type is one of types (or any).

    An id that is not a whole number (a hand-made reference document) is not one of them.
    """
    ids = [note.get(qn("w:id"), "") for note in root.iterchildren(qn("w:footnote"))
           if types is None or note.get(qn("w:type"), "") in types]
    return [int(ident) for ident in ids if _ID.fullmatch(ident)]


def _footnotes_part(document: Document) -> FootnotesPart:
    """Return the document's footnotes part, creating it or adopting an existing one."""
    doc_part = document.part
    rel = next((r for r in doc_part.rels.values()
                if r.reltype == RT.FOOTNOTES and not r.is_external), None)
    if rel is None:
        part = FootnotesPart.new(doc_part.package)
        doc_part.relate_to(part, RT.FOOTNOTES)
        return part
    if isinstance(rel.target_part, FootnotesPart):
        return rel.target_part
    # python-docx loads footnotes.xml as an opaque Part: swap in a FootnotesPart with the
    # same name, relationship id and outgoing relationships, then tidy what it holds.
    old: Part = rel.target_part
    element = old.element if isinstance(old, XmlPart) else parse_xml(old.blob)
    part = FootnotesPart(old.partname, CT.WML_FOOTNOTES, element, doc_part.package)
    for r_id, out in old.rels.items():
        part.load_rel(out.reltype, out.target_ref if out.is_external else out.target_part,
                      r_id, out.is_external)
    del doc_part.rels[rel.rId]
    doc_part.load_rel(RT.FOOTNOTES, part, rel.rId)
    _drop_orphans(document, part)
    _ensure_separators(part)
    return part


def _drop_orphans(document: Document, part: FootnotesPart) -> None:
    """Remove notes the body no longer calls (or none can: a broken id), and the
    relationships only they used."""
    called = {ref.get(qn("w:id")) for ref in document.element.iter(qn("w:footnoteReference"))}
    root = part.element
    dropped = False
    for note in list(root.iterchildren(qn("w:footnote"))):
        ident = note.get(qn("w:id"), "")
        if not _ID.fullmatch(ident) or (note.get(qn("w:type"), "") in _NOTE_TYPES
                                        and ident not in called):
            root.remove(note)
            dropped = True
    if dropped:
        used = set(_relationship_ids(root))
        for r_id in [r_id for r_id in part.rels if r_id not in used]:
            del part.rels[r_id]


def _relationship_ids(root: etree._Element) -> list[str]:
    """Return every relationship id root's XML refers to, once per reference."""
    return [value for element in root.iter() for name, value in element.attrib.items()
            if name.startswith(f"{{{R_NS}}}")]


def _ensure_separators(part: FootnotesPart) -> None:
    """Add whichever of Word's two separator notes the part lacks, first in the part."""
    root = part.element
    for position, kind in enumerate(_SEPARATORS):
        if _ids(root, (kind,)):
            continue
        taken = set(_ids(root, None))
        ident = next(i for i in (position - 1, *range(-2, -100, -1)) if i not in taken)
        root.insert(position, parse_xml(_separator_xml(kind, ident)))


def _ensure_footnote_settings(document: Document, part: FootnotesPart) -> None:
    """Point settings.xml at the separator notes, as Word does, unless it already does."""
    settings = document.settings.element
    props = settings.find(qn("w:footnotePr"))
    if props is None:
        props = OxmlElement("w:footnotePr")
        settings.insert_element_before(props, *_AFTER_FOOTNOTE_PR)
    if props.find(qn("w:footnote")) is None:
        for kind in _SEPARATORS:
            ref = OxmlElement("w:footnote")
            ref.set(qn("w:id"), str(_ids(part.element, (kind,))[0]))
            props.append(ref)


def _find_or_add_style(document: Document, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    """Return the style called name, matching Word's lower-case built-in names, or add it."""
    for style in document.styles:
        if style.type == kind and (style.name or "").lower() == name.lower():
            return style
    style = document.styles.add_style(name, kind)
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        # A reference document may lack Normal; the style then stands on its own.
        style.base_style = next((s for s in document.styles if s.type == kind
                                 and (s.name or "").lower() == "normal"), None)
        style.font.size = Pt(8.5)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(2), 1.0
    else:
        style.font.superscript = True
    style.priority, style.unhide_when_used = 99, True
    return style
