"""`briefgen review EDITED.docx`: what people changed in a Word file, field by field.

A Word file briefgen built records where its text came from (provenance): each paragraph
made from a field carries a mark, and the file keeps, for each mark, the field's path
and the text as built, and the YAML values it was made from. Review reads the edited
file (review_docx), and for every marked paragraph compares the text as built, as it
reads with tracked changes rejected (what changed without tracking), and as it reads
with the accepted ones in (what will be written). The difference goes into the field's
Markdown where its words stand (review_text.carry), a note's into its ^[…] note, a list's
(who should act) into the text it shows, split again at its commas; new words in bold or
italic go in with Markdown emphasis (review_looks). What cannot be placed (a paragraph
briefgen did not write, a deleted paragraph, an edit to words briefgen wrote, a note made
from a citation, an inline note's edit that cannot be found, a look or a link changed) is
a finding with its place; a field the YAML changed since the build and the editor
changed too is a conflict; neither is written. review_report prints the result,
review_write writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .provenance import Provenance, parse_src, read_provenance, source_digest, value_at
from .review_docx import Change, Comment, EditedDocx, accepted_text, read_edited
from .review_looks import emphasise, marked, restyled
from .review_places import Finding, joined, loose, moved, named
from .review_places import line as line_of
from .review_segments import looks
from .review_text import (
    Edit,
    Unplaceable,
    carry,
    likeness,
    note_spans,
    unit_span,
    word_diff,
)
from .review_wordml import ACCEPT_ALL, REJECT_ALL

__all__ = ["Finding", "Paragraph", "Review", "policy", "review_file"]

TABLE = re.compile(r"sections\.[^.]+\.tables\.\d+")  # a table's cells and caption


@dataclass(eq=False)  # by identity: a key of the edits refused
class Paragraph:
    """A marked paragraph that people changed, and what becomes of the change."""
    mark: str
    path: str  # the field ("sections.history.body")
    unit: int | None  # its paragraph of text, for a Markdown field of several
    line: int | None  # the field's line in the YAML
    built: str
    edited: str  # as it reads with the accepted changes in
    proposed: str  # as it reads with every tracked change in
    tracked: list[dict[str, str]]  # {kind, author, date, text, state: accepted|pending}
    untracked: list[Edit]
    status: str = "apply"  # apply | done (in the YAML already) | pending | conflict | unplaceable
    reason: str = ""
    note: int | None = None  # a note of the paragraph (its number in it), not its text
    marked: str = ""  # edited, with new emphasis marked (review_looks), if it has any


@dataclass
class Review:
    """What review found in one Word file, and the new values --apply writes."""
    docx: Path
    source: Path
    record: Provenance
    stale: bool  # the YAML changed since the Word file was built
    paragraphs: list[Paragraph] = field(default_factory=list)
    comments: list[tuple[Comment, str | None, int | None]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    values: dict[tuple[str | int, ...], str | list[str]] = field(default_factory=dict)


def policy(accept_all: bool, authors: Iterable[str]) -> Callable[[Change], bool]:
    """Which pending tracked changes go in: all, those of the named authors, or none."""
    names = {name.casefold() for name in authors}
    if accept_all:
        return ACCEPT_ALL
    return lambda change: change.author.casefold() in names


def review_file(docx: Path, source: Path | None, accept: Callable[[Change], bool]) -> Review:
    """Read an edited Word file against the YAML it was built from (found if not given)."""
    from .content import load

    edited = _read(docx)
    if edited.provenance is None:
        raise UsageError(f"{docx}: this Word file has no record of its source; briefgen "
                         "writes one in every DOCX it builds: build it again, then review")
    try:
        record = read_provenance(edited.provenance)
    except ValueError as exc:
        raise UsageError(f"{docx}: {exc}") from None
    source = _check_source(source, record) if source else _find_source(record)
    doc = load(source)  # a YAML with mistakes stops here, with its errors
    review = Review(docx, source, record, source_digest(doc.source.lines) != record.digest)
    _paragraphs(review, edited, doc, accept)
    _comments(review, edited, doc)
    for check in (loose, moved, joined):
        review.findings += check(record, edited, doc)
    return review


def _read(docx: Path) -> EditedDocx:
    try:
        data = docx.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {docx}: {exc.strerror or exc}") from None
    return read_edited(data, str(docx))


def _check_source(source: Path, record: Provenance) -> Path:
    """The --source file, if it is there and makes the document the Word file was."""
    from .paths import document_name

    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    if document_name(source) != record.document:
        raise UsageError(f"{source} makes the document '{document_name(source)}', but the "
                         f"Word file was built from '{record.document}' ({record.file})")
    return source


def _find_source(record: Provenance) -> Path:
    """The YAML a record names, looked for under content/ by the document's name."""
    from .discover import find_documents
    from .paths import document_name

    folder = Path("content")
    found = [p for p in find_documents([folder]) if document_name(p) == record.document] \
        if folder.is_dir() else []
    if len(found) != 1:
        where = "no file" if not found else f"{len(found)} files"
        raise UsageError(f"{where} under content/ makes the document '{record.document}' "
                         f"(built from {record.file}); name it with --source FILE")
    return found[0]


def _paragraphs(review: Review, edited: EditedDocx, doc, accept) -> None:  # noqa: ANN001
    """Compare every marked paragraph with its text as built; gather the new values."""
    from .fields import is_markdown_path

    changed: dict[str, list[Paragraph]] = {}
    gone: set[str] = set()  # tables deleted whole, reported once
    gone_before = False  # the mark before this one is gone
    for mark, (path, unit, built, notes) in review.record.marks.items():
        keys = parse_src(path)[0]
        line = line_of(doc, keys, unit)
        segments = edited.marks.get(mark)
        if segments is None and mark in review.record.together and gone_before:
            continue  # a paragraph of several fields is reported gone once
        gone_before = segments is None
        if segments is None:
            table = TABLE.match(path)
            if table and table[0] in gone:
                continue
            whole = table and not any(TABLE.match(p) and TABLE.match(p)[0] == table[0]
                                      for m, (p, *_) in review.record.marks.items()
                                      if m in edited.marks)
            if whole:
                gone.add(table[0])
            review.findings.append(Finding(
                table[0] if whole else named(path, unit), line,
                ("this table is gone" if whole else "this paragraph is gone") + " from the "
                "Word file (deleted, or its mark with it); change the YAML by hand"))
            continue
        place = (mark, path, unit, line)
        text = _entry(place, built, segments, accept)
        _looks(review, place, built, segments, accept, text,
               is_markdown_path(type(doc.model), keys))
        for entry in [text, *_notes(review, edited, place, segments, notes, accept)]:
            if entry is not None:
                review.paragraphs.append(entry)
                if entry.status == "apply":
                    changed.setdefault(path, []).append(entry)
    for path, entries in changed.items():
        keys, comma = parse_src(path)[0], review.record.lists.get(path)
        current = value_at(doc.model, keys)
        items = current if comma and isinstance(current, list) else None
        if items is not None:  # a list is carried as the text it shows, then split again
            current = comma.join(map(str, items))
        _apply(review, keys, entries, current, is_markdown_path(type(doc.model), keys))
        if items is not None and keys in review.values:
            review.values[keys] = split_list(review.values[keys], comma, items)
            if not review.values[keys]:
                del review.values[keys]
                for entry in entries:
                    entry.status, entry.reason = "unplaceable", "all its names were " \
                        "deleted; remove the field in the YAML"


def _entry(place: tuple, built: str, segments: tuple, accept,  # noqa: ANN001
           note: int | None = None) -> Paragraph | None:
    """What people changed in a paragraph (or in its note number note): None if nothing."""
    tracked = [_tracked(s.change, s.text, accept) for s in segments if s.change]
    final = accepted_text(segments, accept)
    untracked = word_diff(built, accepted_text(segments, REJECT_ALL))
    if not tracked and not untracked:
        return None
    entry = Paragraph(*place, built, final, accepted_text(segments, ACCEPT_ALL), tracked,
                      untracked, note=note)
    if built.strip() and not final.strip():
        entry.status, entry.reason = "unplaceable", "all its words were deleted; delete " \
            + ("the ^[…] note" if note else "the field or the paragraph") + " in the YAML"
    elif final.count("\n") > built.count("\n"):
        entry.status, entry.reason = "unplaceable", "a paragraph was split in two; " \
            "split it in the YAML"
    elif not word_diff(built, final):
        entry.status = "pending"
    return entry


def _looks(review: Review, place: tuple, built: str, segments: tuple, accept,  # noqa: ANN001
           entry: Paragraph | None, markdown: bool) -> None:
    """Bold and italic people changed in a paragraph: new words set apart go in with
    Markdown emphasis (entry.marked); words set otherwise, or set apart in a field of plain
    text, are findings."""
    final, look = accepted_text(segments, accept), looks(segments, accept)
    where = named(*place[1:3]), place[3]
    review.findings += [Finding(*where, message) for message in restyled(
        built, review.record.looks.get(place[0], "-" * len(built)), final, look)]
    new = marked(built, final, look) if entry is not None else final
    if new != final and markdown:
        entry.marked = new
    elif new != final:
        review.findings.append(Finding(*where, "words were put in in bold or italic, which "
                                       "this field of plain text cannot hold; they go in plain"))


def _notes(review: Review, edited: EditedDocx, place: tuple, segments: tuple,
           built: tuple[str, ...], accept) -> list[Paragraph | None]:  # noqa: ANN001
    """What people changed in each of a paragraph's notes, as built in order."""
    ids = [segment.note for segment in segments if segment.note]
    if len(ids) != len(built):
        review.findings.append(Finding(named(*place[1:3]), place[3], f"it had {len(built)} "
                                       f"notes and has {len(ids)} now; add or remove notes "
                                       "in the YAML"))
        return []
    return [_entry(place, text, edited.footnotes.get(ident, ()), accept, number)
            for number, (ident, text) in enumerate(zip(ids, built, strict=True), start=1)]


def _note_span(source: str, built: str) -> tuple[int, int]:
    """Where the text of the ^[inline note] built as `built` stands in a paragraph's source:
    the one whose words are most nearly built's (at least half of them)."""
    found = sorted((likeness(source[a + 2:b - 1], built), a + 2, b - 1)
                   for a, b in note_spans(source))
    if found and found[-1][0] >= 0.5 and (len(found) == 1 or found[-2][0] < found[-1][0]):
        return found[-1][1:]
    raise Unplaceable("two of the paragraph's notes read the same; change it in the YAML"
                      if found and found[-1][0] >= 0.5 else "the note is made from a "
                      "citation; change the reference's entry in the YAML")


def _tracked(change: Change, text: str, accept) -> dict[str, str]:  # noqa: ANN001
    kind = ("moved here" if change.kind == "insert" else "moved away") if change.moved \
        else ("inserted" if change.kind == "insert" else "deleted")
    return {"kind": kind, "author": change.author, "date": change.date or "", "text": text,
            "state": "accepted" if accept(change) else "pending"}


def _apply(review: Review, keys: tuple, entries: list[Paragraph], current: object,
           markdown: bool) -> None:
    """Carry each paragraph's edits into the field's value, the last paragraph first."""
    built = review.record.values.get(".".join(str(k) for k in keys))
    # A second --apply of the same file finds its changes made already.
    done = isinstance(current, str) and built is not None and current != built and \
        _carried(built, entries, markdown) == (current, {})
    for entry in entries:
        if built is None or not isinstance(current, str):
            entry.status, entry.reason = "unplaceable", "not a text field of the YAML"
        elif done:
            entry.status = "done"
        elif current != built:
            entry.status, entry.reason = "conflict", "the YAML's value changed too since " \
                "the Word file was built"
        elif _moved_across(entry):
            entry.status, entry.reason = "unplaceable", "text was moved here from elsewhere, " \
                "or from here elsewhere; move it in the YAML"
    placed = [e for e in entries if e.status == "apply"]
    if placed:
        value, refused = _carried(str(current), placed, markdown)
        for entry, reason in refused.items():
            entry.status, entry.reason = "unplaceable", reason
        if value != current:
            review.values[keys] = value


def _moved_across(entry: Paragraph) -> bool:
    """Whether a tracked move taken in has one end outside this paragraph. A move inside
    it is carried as what it is, words taken out in one place and put in at another."""
    ends = {kind: sorted(c["text"].strip() for c in entry.tracked
                         if c["kind"] == kind and c["state"] == "accepted")
            for kind in ("moved here", "moved away")}
    return ends["moved here"] != ends["moved away"]


def _carried(value: str, entries: list[Paragraph],
             markdown: bool) -> tuple[str, dict[Paragraph, str]]:
    """value with each entry's edit carried into its paragraph, the last first; and the
    entries whose edit could not be, with why."""
    refused = {}
    for entry in sorted(entries, key=lambda e: (-(e.unit or 0), e.note is None)):
        try:
            start, end = unit_span(value, entry.unit)
            if entry.note is not None:
                inside = _note_span(value[start:end], entry.built)
                start, end = start + inside[0], start + inside[1]
            value = value[:start] + carry(entry.built, entry.marked or entry.edited,
                                          value[start:end], markdown) + value[end:]
        except Unplaceable as exc:
            refused[entry] = str(exc)
    return emphasise(value), refused


def split_list(text: str, comma: str, items: list) -> list[str]:
    """The items of a list shown as text, joined by comma: split at each comma (however it
    was spaced), but where one of the items had a comma, it stays one."""
    pieces = [p.strip() for p in text.split(comma.strip())]
    wholes = [str(item) for item in items if comma.strip() in str(item)]
    items: list[str] = []
    for piece in pieces:
        joined = f"{items[-1]}{comma}{piece}" if items else ""
        if items and any(w == joined or w.startswith(joined + comma) for w in wholes):
            items[-1] = joined
        else:
            items.append(piece)
    return [item for item in items if item]


def _comments(review: Review, edited: EditedDocx, doc) -> None:  # noqa: ANN001
    """Each comment with the field it was made on and its line, if it is on one."""
    for comment in edited.comments:
        place = review.record.marks.get(comment.mark or "")
        if place:
            path, unit = place[:2]
            review.comments.append((comment, named(path, unit),
                                    line_of(doc, parse_src(path)[0], unit)))
        else:
            review.comments.append((comment, None, None))


