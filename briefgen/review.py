"""`briefgen review EDITED.docx`: what people changed in a Word file, field by field.

A Word file briefgen built records where its text came from (provenance): each paragraph
made from a field carries a mark, and the file keeps, for each mark, the field's path and
the text as built, and the YAML values it was made from. Review reads the edited file
(review_docx), and for every marked paragraph compares the text as built, as it reads
with tracked changes rejected (what changed without tracking), and as it reads with the
accepted ones in (what will be written). The difference goes into the field's Markdown
where its words stand (review_text.carry). What cannot be placed (a paragraph briefgen
did not write, a deleted paragraph, an edit to words briefgen wrote, a note) is a finding
with its place; a field the YAML changed since the build and the editor changed too is a
conflict; neither is written. review_report prints, writes and logs the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .provenance import Provenance, parse_src, read_provenance, source_digest, value_at
from .review_docx import Change, Comment, EditedDocx, accepted_text, read_edited
from .review_text import Edit, Unplaceable, carry, diff_text, unit_span, word_diff

__all__ = ["Finding", "Paragraph", "Review", "policy", "review_file"]

TABLE = re.compile(r"sections\.[^.]+\.tables\.\d+")  # a table's cells and caption
BLOCK = re.compile(r"[|>][1-9+-]*\s*(#.*)?$")  # a block scalar's header ends its line


@dataclass
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
    status: str = "apply"  # apply | pending | conflict | unplaceable
    reason: str = ""


@dataclass
class Finding:
    """Something in the Word file review cannot bring back, and where it is."""
    where: str  # "paragraph 14, after summary" or the field's path
    line: int | None
    message: str


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
    values: dict[tuple[str | int, ...], str] = field(default_factory=dict)


def policy(accept_all: bool, authors: Iterable[str]) -> Callable[[Change], bool]:
    """Which pending tracked changes go in: all, those of the named authors, or none."""
    names = {name.casefold() for name in authors}
    if accept_all:
        return lambda change: True
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
    source = source or _find_source(record)
    doc = load(source)  # a YAML with mistakes stops here, with its errors
    review = Review(docx, source, record, source_digest(doc.source.lines) != record.digest)
    _paragraphs(review, edited, doc, accept)
    _comments(review, edited, doc)
    _loose(review, edited, doc)
    _moved(review, edited, doc)
    return review


def _read(docx: Path) -> EditedDocx:
    try:
        data = docx.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {docx}: {exc.strerror or exc}") from None
    return read_edited(data, str(docx))


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


def _line(doc, keys: tuple, unit: int | None = None) -> int | None:  # noqa: ANN001
    """The line of a field in the YAML (doc: a LoadedDocument); of its paragraph of text
    unit when the field is a block (`|` or `>`), whose lines are the text's own."""
    position = doc.source.find(keys)
    if position is None:
        return None
    header = doc.source.lines[position.line - 1] if position.line <= len(doc.source.lines) \
        else ""
    value = value_at(doc.model, keys)
    if unit is None or not BLOCK.search(header) or not isinstance(value, str):
        return position.line
    from .markdown import text_blocks

    blocks = text_blocks(value)
    return position.line + 1 + blocks[unit][1] if unit < len(blocks) else position.line


def _paragraphs(review: Review, edited: EditedDocx, doc, accept) -> None:  # noqa: ANN001
    """Compare every marked paragraph with its text as built; gather the new values."""
    from .fields import is_markdown_path

    changed: dict[str, list[Paragraph]] = {}
    gone: set[str] = set()  # tables deleted whole, reported once
    for mark, (path, unit, built, notes) in review.record.marks.items():
        keys = parse_src(path)[0]
        line = _line(doc, keys, unit)
        segments = edited.marks.get(mark)
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
                table[0] if whole else _named(path, unit), line,
                ("this table is gone" if whole else "this paragraph is gone") + " from the "
                "Word file (deleted, or its mark with it); change the YAML by hand"))
            continue
        _notes(review, edited, segments, notes, _named(path, unit), line)
        tracked = [_tracked(s.change, s.text, accept) for s in segments if s.change]
        final = accepted_text(segments, accept)
        if not word_diff(built, final) and not tracked and \
                not word_diff(built, accepted_text(segments, lambda c: False)):
            continue
        entry = Paragraph(mark, path, unit, line, built, final,
                          accepted_text(segments, lambda c: True), tracked,
                          word_diff(built, accepted_text(segments, lambda c: False)))
        review.paragraphs.append(entry)
        if built.strip() and not final.strip():
            entry.status, entry.reason = "unplaceable", "all its words were deleted; " \
                "delete the field or the paragraph in the YAML"
        elif final.count("\n") > built.count("\n"):
            entry.status, entry.reason = "unplaceable", "a paragraph was split in two; " \
                "split it in the YAML"
        elif not word_diff(built, final):
            entry.status = "pending"
        else:
            changed.setdefault(path, []).append(entry)
    for path, entries in changed.items():
        keys = parse_src(path)[0]
        _apply(review, keys, entries, value_at(doc.model, keys),
               is_markdown_path(type(doc.model), keys))


def _notes(review: Review, edited: EditedDocx, segments: tuple, built: tuple[str, ...],
           where: str, line: int | None) -> None:
    """Report every change to a paragraph's notes: they are not written back (yet)."""
    ids = [segment.note for segment in segments if segment.note]
    if len(ids) != len(built):
        review.findings.append(Finding(where, line, f"it had {len(built)} notes and has "
                                       f"{len(ids)} now; add or remove notes in the YAML"))
        return
    for number, (ident, text) in enumerate(zip(ids, built, strict=True), start=1):
        now = edited.footnotes.get(ident, ())
        change = diff_text(text, accepted_text(now, lambda c: True))
        if change:
            review.findings.append(Finding(f"{where}, note {number}", line, f"{change}: "
                                           "notes are not brought back; change the ^[…] "
                                           "note or the reference in the YAML"))


def _named(path: str, unit: int | None) -> str:
    return path if unit is None else f"{path}, paragraph {unit + 1}"


def _tracked(change: Change, text: str, accept) -> dict[str, str]:  # noqa: ANN001
    kind = ("moved here" if change.kind == "insert" else "moved away") if change.moved \
        else ("inserted" if change.kind == "insert" else "deleted")
    return {"kind": kind, "author": change.author, "date": change.date or "", "text": text,
            "state": "accepted" if accept(change) else "pending"}


def _apply(review: Review, keys: tuple, entries: list[Paragraph], current: object,
           markdown: bool) -> None:
    """Carry each paragraph's edits into the field's value, the last paragraph first."""
    built = review.record.values.get(".".join(str(k) for k in keys))
    for entry in entries:
        if built is None or not isinstance(current, str):
            entry.status, entry.reason = "unplaceable", "not a text field of the YAML"
        elif current != built:
            entry.status, entry.reason = "conflict", "the YAML's value changed too since " \
                "the Word file was built"
        elif any(c["kind"].startswith("moved") and c["state"] == "accepted"
                 for c in entry.tracked):
            entry.status, entry.reason = "unplaceable", "text was moved; move it in the YAML"
    value = current if isinstance(current, str) else ""
    placed = [e for e in entries if e.status == "apply"]
    for entry in sorted(placed, key=lambda e: -(e.unit or 0)):
        try:
            start, end = unit_span(value, entry.unit)
            new = carry(entry.built, entry.edited, value[start:end], markdown)
        except Unplaceable as exc:
            entry.status, entry.reason = "unplaceable", str(exc)
            continue
        value = value[:start] + new + value[end:]
    if value != current and any(e.status == "apply" for e in entries):
        review.values[keys] = value


def _comments(review: Review, edited: EditedDocx, doc) -> None:  # noqa: ANN001
    """Each comment with the field it was made on and its line, if it is on one."""
    for comment in edited.comments:
        place = review.record.marks.get(comment.mark or "")
        if place:
            path, unit = place[:2]
            review.comments.append((comment, _named(path, unit),
                                    _line(doc, parse_src(path)[0], unit)))
        else:
            review.comments.append((comment, None, None))


def _loose(review: Review, edited: EditedDocx, doc) -> None:  # noqa: ANN001
    """A paragraph in no mark that briefgen did not write: added by someone."""
    built = set(review.record.loose)
    for loose in edited.loose:
        text = accepted_text(loose.segments, lambda c: True).strip()
        if text and text not in built:
            after = review.record.marks.get(loose.after or "")
            where = f"paragraph {loose.paragraph}" + (
                f", after {_named(after[0], after[1])}" if after else ", before the first field")
            line = _line(doc, parse_src(after[0])[0], after[1]) if after else None
            review.findings.append(Finding(where, line, f"“{_short(text)}” is not text "
                                   "briefgen wrote from a field (a new paragraph, or an "
                                   "edit to a heading, label or reference); make it in the "
                                   "YAML or the labels by hand"))


def _moved(review: Review, edited: EditedDocx, doc) -> None:  # noqa: ANN001
    """Paragraphs now out of the order they were built in: moved (cut and pasted)."""
    built = [m for m in review.record.marks if m in edited.paragraphs_of]
    now = sorted(built, key=lambda m: edited.paragraphs_of[m])
    order = {m: i for i, m in enumerate(built)}
    kept = set(_longest_rising([order[m] for m in now]))
    for mark in now:
        if order[mark] not in kept:
            path, unit = review.record.marks[mark][:2]
            review.findings.append(Finding(_named(path, unit), _line(doc, parse_src(path)[0],
                                   unit), "this paragraph was moved in the Word file; "
                                   "move it in the YAML by hand"))


def _longest_rising(values: list[int]) -> list[int]:
    """The longest rising run of values, not necessarily adjacent (patience sorting)."""
    import bisect

    tails: list[int] = []  # the smallest last value of a rising run of each length
    before: dict[int, int | None] = {}
    for value in values:
        at = bisect.bisect_left(tails, value)
        before[value] = tails[at - 1] if at else None
        tails[at:at + 1] = [value]
    run, value = [], tails[-1] if tails else None
    while value is not None:
        run.append(value)
        value = before[value]
    return run[::-1]


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"
