"""Where a Word file's text came from: the record `briefgen review` reads back.

Each paragraph the Word writer makes from a field carries a hidden bookmark, a mark
(`_bg1`, `_bg2`, …; docx_blocks), and the file holds one custom XML part that says, for
each mark, the field's path (`sections.history.body/2`: the body's third paragraph of
text), the text the paragraph and its notes had when it was built, and its bold and
italic; for each field marked, its value in the YAML as it was then (a list of texts, as
the one text it shows); and the document, edition, file name and a digest of the YAML the
file was built from. A paragraph made of several fields (a timeline entry's title and
text) has a mark for each, around its own runs. Word and LibreOffice keep both bookmarks
and custom XML parts when people edit. The part holds the document's data, never the
YAML's comments (which may hold notes not meant for readers of the Word file).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from lxml import etree

from .docx_text import xml_safe

if TYPE_CHECKING:
    from .view_model import DocumentView

__all__ = ["NS", "Provenance", "add_provenance", "add_record", "read_provenance", "source_digest",
           "value_at", "parse_src"]

NS = "urn:briefgen:provenance"
# Named as Word names custom XML parts; LibreOffice keeps one only with its properties part
# (a datastore item), which Word writes beside every custom XML part too.
PART, PROPS = "/customXml/item1.xml", "/customXml/itemProps1.xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
ITEM_ID = "{5B1E6C2A-8F3D-4E7B-9A21-B2E1EF0C0D01}"  # one for every record: the same bytes


@dataclass(frozen=True)
class Provenance:
    """What a Word file says about its making: by mark, (path, unit) and the text built."""
    file: str  # the YAML file's name
    document: str  # the document's output name ("pakistan-russia-brief")
    edition: str  # the audience
    digest: str  # source_digest of the YAML it was built from
    # mark -> (path, unit or None, text, the text of each of its notes in order)
    marks: dict[str, tuple[str, int | None, str, tuple[str, ...]]]
    values: dict[str, str]  # path -> the field's value in the YAML, as built
    loose: tuple[str, ...] = ()  # the text of each paragraph in no mark (labels, headings)
    # A list of texts (who should act) is marked as one text: its items joined with the
    # comma shown between them, kept here by path; its value above is that text.
    lists: dict[str, str] = field(default_factory=dict)
    # Marks made in the paragraph the mark before them ends in (a timeline entry's title
    # and text): not joined by an editor.
    together: frozenset[str] = frozenset()
    # mark -> the look of each character of its text (review_segments.looks), where any
    # is bold, italic or in a link
    looks: dict[str, str] = field(default_factory=dict)


def source_digest(lines: Iterable[str]) -> str:
    """A digest of a YAML file's text, by lines (so a change of line endings is none)."""
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def parse_src(src: str) -> tuple[tuple[str | int, ...], int | None]:
    """'sections.history.body/2' -> (('sections', 'history', 'body'), 2)."""
    path, _, unit = src.partition("/")
    keys = tuple(int(k) if k.isdigit() else k for k in path.split("."))
    return keys, int(unit) if unit else None


def value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at path in a model (attributes), a mapping or a list; None if none."""
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        elif isinstance(data, Mapping):
            data = data.get(key)
        else:
            data = getattr(data, key, None)
        if data is None:
            return None
    return data


def add_provenance(document: Any, record: Provenance) -> None:
    """Add the record to a python-docx document as its own custom XML part."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    root = etree.Element(f"{{{NS}}}provenance", nsmap={None: NS}, version="1",
                         file=record.file, document=record.document, edition=record.edition,
                         digest=record.digest)
    for name, (path, unit, text, notes) in record.marks.items():
        mark = etree.SubElement(root, f"{{{NS}}}mark", name=name,
                                src=path if unit is None else f"{path}/{unit}")
        if name in record.together:
            mark.set("together", "1")
        if name in record.looks:
            mark.set("looks", _runs(record.looks[name]))
        mark.text = xml_safe(text)
        for note in notes:
            etree.SubElement(mark, f"{{{NS}}}note").text = xml_safe(note)
    for path, value in record.values.items():
        element = etree.SubElement(root, f"{{{NS}}}value", path=path)
        element.text = xml_safe(value)
        if path in record.lists:
            element.set("comma", record.lists[path])
    for text in record.loose:
        etree.SubElement(root, f"{{{NS}}}loose").text = xml_safe(text)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    part = Part(PackURI(PART), "application/xml", blob, package)
    props = etree.Element(f"{{{DATASTORE}}}datastoreItem", nsmap={"ds": DATASTORE})
    props.set(f"{{{DATASTORE}}}itemID", ITEM_ID)
    refs = etree.SubElement(props, f"{{{DATASTORE}}}schemaRefs")
    etree.SubElement(refs, f"{{{DATASTORE}}}schemaRef").set(f"{{{DATASTORE}}}uri", NS)
    part.relate_to(Part(PackURI(PROPS), PROPS_TYPE, etree.tostring(
        props, xml_declaration=True, encoding="UTF-8", standalone=True), package), PROPS_REL)
    document.part.relate_to(part, REL)


def add_record(document: Any, view: DocumentView, marks: list[str]) -> None:
    """Add the record of a Word file just written from view: marks[n - 1] is the data-src
    of mark _bg<n> (docx_blocks)."""
    from .docx_links import MARK_PREFIX
    from .review_segments import looks
    from .review_wordml import ACCEPT_ALL, accepted_text, walk_body

    origin, found = view.origin, walk_body(document.element.body)
    notes = _note_texts(document)
    loose = (accepted_text(p.segments, ACCEPT_ALL).strip() for p in found.loose)
    names = [f"{MARK_PREFIX}{number}" for number in range(1, len(marks) + 1)]
    where = found.paragraphs_of
    together = frozenset(name for before, name in pairwise(names)
                         if name in where and before in where
                         and where[name][0] == where[before][1])
    record = Provenance(origin.file, view.name, view.audience.name,
                        source_digest(origin.lines), {}, {}, tuple(filter(None, loose)),
                        together=together)
    for name, src in zip(names, marks, strict=True):
        keys, unit = parse_src(src)
        path = src.partition("/")[0]
        segments = found.marks.get(name, ())
        record.marks[name] = (path, unit, accepted_text(segments, ACCEPT_ALL),
                              tuple(notes.get(s.note, "") for s in segments if s.note))
        look = looks(segments, ACCEPT_ALL)
        if look.strip("-"):
            record.looks[name] = look
        value = value_at(origin.model, keys)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            record.lists[path] = view.locale.comma
            value = view.locale.comma.join(value)
        if isinstance(value, str):
            record.values.setdefault(path, value)
    add_provenance(document, record)


def _note_texts(document: Any) -> dict[str, str]:
    """The text of each footnote of the document, by its id."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from .review_wordml import ACCEPT_ALL, accepted_text, story_segments

    parts = [rel.target_part for rel in document.part.rels.values()
             if rel.reltype == RT.FOOTNOTES and not rel.is_external]
    if not parts or not hasattr(parts[0], "element"):
        return {}
    return {note.get(qn("w:id")): accepted_text(story_segments(note)[0], ACCEPT_ALL)
            for note in parts[0].element.iter(qn("w:footnote"))}


def read_provenance(blob: bytes) -> Provenance:
    """Read the record from the part's bytes (ValueError if it is not one)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(blob, parser)
    if root.tag != f"{{{NS}}}provenance" or root.get("version") != "1":
        raise ValueError("not a briefgen provenance record of a version this briefgen reads")
    marks = {}
    for mark in root.iter(f"{{{NS}}}mark"):
        path, _, unit = mark.get("src", "").partition("/")
        notes = tuple(note.text or "" for note in mark.iter(f"{{{NS}}}note"))
        marks[mark.get("name", "")] = (path, int(unit) if unit else None, mark.text or "",
                                       notes)
    values = {v.get("path", ""): v.text or "" for v in root.iter(f"{{{NS}}}value")}
    lists = {v.get("path", ""): v.get("comma") for v in root.iter(f"{{{NS}}}value")
             if v.get("comma")}
    loose = tuple(v.text or "" for v in root.iter(f"{{{NS}}}loose"))
    together = frozenset(m.get("name", "") for m in root.iter(f"{{{NS}}}mark")
                         if m.get("together") == "1")
    looks = {m.get("name", ""): _unruns(m.get("looks", "")) for m in root.iter(f"{{{NS}}}mark")
             if m.get("looks")}
    return Provenance(root.get("file", ""), root.get("document", ""), root.get("edition", ""),
                      root.get("digest", ""), marks, values, loose, lists, together, looks)


def _runs(look: str) -> str:
    """A look written short: "--ii-" as "-2i2-1"."""
    return "".join(f"{m.group()[0]}{len(m.group())}" for m in re.finditer(r"(.)\1*", look))


def _unruns(text: str) -> str:
    return "".join(code * int(count) for code, count in re.findall(r"([-bixLBIX])(\d+)", text))
