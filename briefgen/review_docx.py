"""Read what people did to a briefgen DOCX in Word or LibreOffice.

read_edited opens the saved file and returns, for each mark (the hidden bookmark briefgen
wraps around the text of each YAML field), its text with every tracked change; the
footnotes; the comments with their replies, anchors and marks; the text that lies in no
mark; and briefgen's provenance part. The text rules are review_wordml's, which the
build's record (provenance.add_record) reads its own new body with.

A file that is not a zip, is too large, has no word/document.xml, or holds XML that is
malformed or declares a DTD raises a UsageError naming what is wrong.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError
from .provenance import NS as PROVENANCE
from .review_wordml import (
    ACCEPT_ALL,
    MARK,
    Anchor,
    Change,
    Loose,
    Segment,
    W,
    accepted_text,
    merge,
    story_segments,
    walk_body,
)

__all__ = ["MARK", "MAX_EDITED_BYTES", "MAX_EDITED_PART", "MAX_EDITED_PARTS", "Change",
           "Comment", "EditedDocx", "Loose", "Segment", "accepted_text", "mark_texts",
           "merge", "read_edited"]

# An edited brief with its images is a few megabytes; the limits refuse a zip bomb before
# anything is inflated (only the XML parts read below are ever inflated).
MAX_EDITED_BYTES = 100_000_000  # the file itself
MAX_EDITED_PART = 50_000_000  # any part read, uncompressed
MAX_EDITED_PARTS = 5_000

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCUMENT = "word/document.xml"
CUSTOM_XML = re.compile(r"^customXml/[^/]+\.xml$")
# The main document's relationships to the parts read here, by the end of their type.
PART_TYPES = {"footnotes": "/footnotes", "comments": "/comments",
              "extended": "/commentsExtended"}
SKIPPED_NOTES = {"separator", "continuationSeparator", "continuationNotice"}


@dataclass(frozen=True)
class Comment:
    """A comment, its place in the document and its replies."""

    id: str
    author: str
    initials: str
    date: str | None
    text: str  # the comment's own text, paragraphs joined with "\n"
    anchor: str  # the text of its range as it reads with changes accepted
    mark: str | None  # the mark its range starts in, if any
    paragraph: int  # 1-based body paragraph where it starts; 0 if not in the body
    replies: tuple[Comment, ...] = ()
    done: bool = False  # resolved (w15:done="1" in commentsExtended)


@dataclass(frozen=True)
class EditedDocx:
    """What read_edited found in an edited file."""

    # mark name -> its text, in order; a paragraph break inside a mark is Segment("\n", c),
    # c the paragraph mark's own tracked status (None if untracked)
    marks: dict[str, tuple[Segment, ...]]
    paragraphs_of: dict[str, tuple[int, int]]  # mark name -> first and last paragraph
    footnotes: dict[str, tuple[Segment, ...]]  # footnote w:id -> its text (no separators)
    comments: tuple[Comment, ...]  # top-level, in document order, replies nested
    loose: tuple[Loose, ...]  # stretches of body text outside every mark
    provenance: bytes | None  # the first customXml part in briefgen's provenance namespace
    breaks: dict[int, Segment] = field(default_factory=dict)  # tracked paragraph marks


def read_edited(data: bytes, name: str = "the edited Word file") -> EditedDocx:
    """Read an edited briefgen DOCX; name is how messages call the file."""
    package = _open(data, name)
    body = _xml(package, DOCUMENT, name).find(W + "body")
    if body is None:
        raise _bad(name, f"{DOCUMENT} has no body")
    text = walk_body(body)
    parts = _related(package, name)
    footnotes: dict[str, tuple[Segment, ...]] = {}
    anchors = dict(text.anchors)
    if "footnotes" in parts:
        for note in _xml(package, parts["footnotes"], name).iter(W + "footnote"):
            if note.get(W + "type") not in SKIPPED_NOTES:
                segments, found = story_segments(note)
                footnotes[note.get(W + "id", "")] = segments
                anchors.update((k, v) for k, v in found.items() if k not in anchors)
    return EditedDocx(marks=text.marks, paragraphs_of=text.paragraphs_of, footnotes=footnotes,
                      comments=_comments(package, parts, anchors, name), loose=text.loose,
                      provenance=_provenance(package, name), breaks=text.breaks)


def _bad(name: str, problem: str) -> UsageError:
    """The UsageError for an edited file with this problem."""
    return UsageError(f"{name}: {problem}; briefgen review reads a .docx file that briefgen "
                      "made and Word or LibreOffice saved")


def _open(data: bytes, name: str) -> zipfile.ZipFile:
    """Open data as a zip of bounded size holding word/document.xml."""
    if len(data) > MAX_EDITED_BYTES:
        raise _bad(name, f"larger than {MAX_EDITED_BYTES:,} bytes")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        count = len(package.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _bad(name, f"not a zip file, as a .docx is ({exc})") from None
    if count > MAX_EDITED_PARTS:
        raise _bad(name, f"{count:,} parts; at most {MAX_EDITED_PARTS:,} are allowed")
    if DOCUMENT not in package.namelist():
        raise _bad(name, f"the zip has no {DOCUMENT}, so it is not a Word document")
    return package


def _read(package: zipfile.ZipFile, part: str, name: str) -> bytes:
    """The bytes of one part, refusing one that inflates beyond MAX_EDITED_PART."""
    entry = package.getinfo(part)
    if entry.file_size > MAX_EDITED_PART:
        raise _bad(name, f"part {part} inflates to {entry.file_size:,} bytes; at most "
                   f"{MAX_EDITED_PART:,} are allowed")
    try:
        with package.open(entry) as member:
            data = member.read(MAX_EDITED_PART + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError) as exc:  # encrypted, unknown compression, bad CRC
        raise _bad(name, f"part {part} cannot be read ({exc})") from None
    if len(data) > entry.file_size:
        raise _bad(name, f"part {part} is longer than the zip's directory says")
    return data


def _parse(data: bytes, part: str, name: str) -> Any:
    """Parse a part's XML, refusing a DTD: it can read files or expand without bound."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _bad(name, f"part {part} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise _bad(name, f"part {part} declares a DTD (<!DOCTYPE …>), which Word never "
                   "writes; it is refused because it can read files or expand without bound")
    return root


def _xml(package: zipfile.ZipFile, part: str, name: str) -> Any:
    """The parsed root element of one XML part."""
    return _parse(_read(package, part, name), part, name)


def _related(package: zipfile.ZipFile, name: str) -> dict[str, str]:
    """The zip names of the main document's footnotes, comments and commentsExtended."""
    rels = "word/_rels/document.xml.rels"
    if rels not in package.namelist():
        return {}
    found: dict[str, str] = {}
    for rel in _xml(package, rels, name).iter(RELS + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("word", target)
        path = posixpath.normpath(path)
        for key, ending in PART_TYPES.items():
            if rel.get("Type", "").endswith(ending) and path in package.namelist():
                found.setdefault(key, path)
    return found


def _provenance(package: zipfile.ZipFile, name: str) -> bytes | None:
    """The bytes of the first customXml part whose root is in briefgen's provenance namespace."""
    from lxml import etree

    for part in package.namelist():
        if CUSTOM_XML.match(part):
            data = _read(package, part, name)
            if etree.QName(_parse(data, part, name)).namespace == PROVENANCE:
                return data
    return None


def _comments(package: zipfile.ZipFile, parts: dict[str, str], anchors: dict[str, Anchor],
              name: str) -> tuple[Comment, ...]:
    """The top-level comments in document order, each with its replies nested under it."""
    if "comments" not in parts:
        return ()
    elements = list(_xml(package, parts["comments"], name).iter(W + "comment"))
    parent, done = _threads(package, parts, elements, name)
    replies: dict[str, list[str]] = {}
    for el in elements:
        ident = el.get(W + "id", "")
        if parent.get(ident):
            replies.setdefault(parent[ident], []).append(ident)
    by_id = {el.get(W + "id", ""): el for el in elements}

    def build(ident: str, seen: frozenset[str]) -> Comment:
        """The comment with this id and, below it, its replies (a loop is cut)."""
        el, anchor = by_id[ident], anchors.get(ident, Anchor(0, None, ()))
        text = accepted_text(story_segments(el)[0], ACCEPT_ALL)
        nested = tuple(build(r, seen | {r}) for r in replies.get(ident, ()) if r not in seen)
        return Comment(ident, el.get(W + "author", ""), el.get(W + "initials", ""),
                       el.get(W + "date"), text,
                       accepted_text(anchor.segments, ACCEPT_ALL),
                       anchor.mark, anchor.paragraph, nested, ident in done)

    order = list(anchors)
    top = [ident for ident in by_id if not parent.get(ident) or parent[ident] not in by_id]
    top.sort(key=lambda i: order.index(i) if i in anchors else len(order))
    return tuple(build(ident, frozenset({ident})) for ident in top)


def _threads(package: zipfile.ZipFile, parts: dict[str, str], elements: list[Any],
             name: str) -> tuple[dict[str, str], set[str]]:
    """From commentsExtended: each reply's parent comment id, and the ids of resolved ones.

    A comment is known there by the w14:paraId of its last paragraph.
    """
    if "extended" not in parts:
        return {}, set()
    by_para: dict[str, str] = {}
    for el in elements:
        paragraphs = el.findall(W + "p")
        if paragraphs and paragraphs[-1].get(W14 + "paraId"):
            by_para[paragraphs[-1].get(W14 + "paraId")] = el.get(W + "id", "")
    parent: dict[str, str] = {}
    done: set[str] = set()
    for ex in _xml(package, parts["extended"], name).iter(W15 + "commentEx"):
        ident = by_para.get(ex.get(W15 + "paraId", ""))
        if ident is None:
            continue
        if ex.get(W15 + "paraIdParent") in by_para:
            parent[ident] = by_para[ex.get(W15 + "paraIdParent")]
        if ex.get(W15 + "done") in ("1", "true"):
            done.add(ident)
    return parent, done


def mark_texts(body: Any) -> dict[str, str]:
    """For a body as briefgen just built it (no changes): mark name -> its text.

    The same walk as review_docx.read_edited, so an unedited file reads back the same.
    """
    return {name: accepted_text(segments, ACCEPT_ALL)
            for name, segments in walk_body(body).marks.items()}
