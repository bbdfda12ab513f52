"""Keep a translation in step with its source: compare the two and report what differs.

A translated file names its source with `meta.translation_of` (a file in its own folder).
`validate` and `build` then compare the two content files as written and warn, located in
the translation: sections, fields and list items one has and the other lacks, reference
ids, paragraphs of each Markdown field, and every number of a paragraph that is not in the
matching paragraph of the other. Numbers are compared on their digits alone, so grouping,
decimal signs and the digits of other scripts do not matter ("3 250" = "3,250" = "۳۲۵۰").

The translation records the source's digest once checked (`checked:`); a source that has
changed since is reported with its new digest, to be written once the translation is
brought up to date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError, Diagnostic
from .loader import SourceMap, dotted, load_yaml
from .translation_text import all_numbers, numbers, numbers_message, paragraphs

if TYPE_CHECKING:
    from .content import LoadedDocument

__all__ = ["digest", "translation_diagnostics"]

# Top-level keys a translation may rightly differ in, or that are compared otherwise: its
# own meta (language, date, title), the editions it is built for, the book and reviewer
# as published, and the references (compared by id).
_OWN = {"kind", "meta", "audiences", "references", "book", "reviewer"}
# Keys whose values are names for the program, not text: they need not match.
_NAMES = {"id", "image", "cite"}
_Path = tuple[Any, ...]


def translation_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    """Compare doc with the file it translates; return errors and warnings, or []."""
    of = doc.model.meta.translation_of
    if of is None:
        return []
    smap = doc.source
    where: _Path = ("meta", "translation_of", "file")
    if where not in smap.values:  # written as `translation_of: brief.yaml`
        where = where[:-1]
    problem = _refused(doc.folder, doc.path, of.file)
    if problem:
        return [smap.diagnostic(where, problem)]
    source = doc.folder / of.file
    try:
        data, found = _load(source.resolve())
    except ContentError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        why = f" ({first.location()}: {first.message})" if first else ""
        return [smap.diagnostic(where, f"cannot compare with {of.file}: it does not load"
                                       f"{why}", severity="warning")]
    name = of.file
    mine = doc.model.model_dump()
    out = _Comparison(smap, doc.markdown, name).run(data, mine)
    checked = ("meta", "translation_of", "checked")
    if of.checked is None:
        out.append(smap.diagnostic(where[:2], (
            f"records no digest of {name}; once checked, write "
            f"`translation_of: {{file: {name}, checked: {found}}}`"), severity="warning"))
    elif of.checked != found:
        out.append(smap.diagnostic(checked, (
            f"{name} changed since this translation was last checked (digest {of.checked}, "
            f"now {found}); bring the translation up to date, then write "
            f"`checked: {found}`"), severity="warning"))
    return out


def _refused(folder: Path, path: Path, name: str) -> str | None:
    """Return why the source file named cannot be read, or None if it can."""
    if Path(name).is_absolute() or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name):
        return (f"'{name}' is not a file name relative to this file; write the name of a "
                "file in this document's folder, such as brief.yaml")
    target = folder / name
    try:
        resolved = target.resolve(strict=True)  # a symbolic link is followed, then checked
    except (FileNotFoundError, OSError):
        return f"the source file '{name}' is not there (looked for {target})"
    if not resolved.is_relative_to(folder.resolve()):
        return f"'{name}' lies outside this document's folder {folder}; sources must be in it"
    if not resolved.is_file():
        return f"'{name}' is not a regular file; expected the YAML file this translates"
    if resolved == path.resolve():
        return f"'{name}' is this file itself; name the file this one translates"
    return None


def _load(path: Path) -> tuple[Any, str]:
    """Return the data of the YAML file at path and its digest, once per version of it."""
    stat = path.stat()
    return _load_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load_version(path: Path, mtime_ns: int, size: int) -> tuple[Any, str]:
    # A folder of translations reads its source once in a run; an edit (a new mtime or
    # size) reads it again, in `preview` and `--watch` too.
    data, _ = load_yaml(path)
    return data, digest(data)


def digest(data: Any) -> str:
    """Return the first 12 hex digits of the sha256 of data's canonical JSON.

    Comments, quoting, key order and layout of the YAML do not change it.
    """
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _canonical(value: Any) -> Any:
    """value with every mapping key as text, so that keys of any type sort."""
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


class _Comparison:
    """Walk the source's data and the translation's together, collecting warnings."""

    def __init__(self, smap: SourceMap, markdown: Collection[_Path], name: str):
        self.smap, self.markdown, self.name = smap, markdown, name
        self.out: list[Diagnostic] = []

    def run(self, source: Any, mine: dict) -> list[Diagnostic]:
        if not isinstance(source, dict):
            return self.out
        if source.get("kind") != mine.get("kind"):
            self.warn(("kind",), f"this is a {mine.get('kind')}, {self.name} a "
                                 f"{source.get('kind')}")
        self.references(source.get("references"), mine.get("references") or [])
        for key in self.keys(source, mine):
            if key not in _OWN:
                self.pair(source.get(key), mine.get(key), (key,))
        return self.out

    def warn(self, path: _Path, message: str, *, key: bool = False, line_offset: int = 0,
             column: int | None = None) -> None:
        self.out.append(self.smap.diagnostic(path, message, key=key, severity="warning",
                                             line_offset=line_offset, column=column))

    @staticmethod
    def keys(source: dict, mine: dict) -> list:
        """The keys of both mappings, the translation's order first."""
        return list(dict.fromkeys([*mine, *source]))

    def references(self, source: Any, mine: list) -> None:
        theirs = {ref.get("id") for ref in source or [] if isinstance(ref, dict)}
        ours = [ref.get("id") for ref in mine]
        for index, ref_id in enumerate(ours):
            if ref_id not in theirs:
                self.warn(("references", index, "id"), f"reference '{ref_id}' is not in "
                                                       f"{self.name}")
        for ref_id in sorted(str(r) for r in theirs - set(ours)):
            self.warn(("references",), f"reference '{ref_id}' is in {self.name} but not here",
                      key=True)

    def pair(self, source: Any, mine: Any, path: _Path) -> None:
        """Compare the values at path: the source's as written, the translation's."""
        if _absent(source) and _absent(mine):
            return
        if _absent(source) or _absent(mine):
            self.presence(source, mine, path)
        elif isinstance(source, dict) and isinstance(mine, dict):
            if path == ("glossary",):  # its keys are translated acronyms: count them only
                self.count(len(source), len(mine), path, "entry")
                return
            for key in self.keys(source, mine):
                if key in _NAMES:
                    continue
                if key == "rows" and not _same_length(source.get("columns"),
                                                      mine.get("columns")):
                    # Every row differs too, as each has a cell per column: count them only.
                    self.count(_length(source[key]), _length(mine[key]), path + (key,), "row")
                    continue
                self.pair(source.get(key), mine.get(key), path + (key,))
        elif isinstance(source, (list, tuple)) and isinstance(mine, (list, tuple)):
            if self.count(len(source), len(mine), path, _noun(path)):
                for index, (theirs, ours) in enumerate(zip(source, mine, strict=True)):
                    self.pair(theirs, ours, path + (index,))
        elif _is_number(source) and _is_number(mine):
            if source != mine:
                self.warn(path, f"{_show(mine)} here but {_show(source)} in {self.name}")
        else:
            self.text(str(source), str(mine), path)

    def presence(self, source: Any, mine: Any, path: _Path) -> None:
        """Report a section, field or block one file has and the other lacks."""
        section = path[:1] == ("sections",) and len(path) == 2
        label = f"the section '{path[-1]}'" if section else f"'{dotted(path[-1:])}'"
        if _absent(mine):
            here = "" if section else " here"
            self.warn(path[:-1], f"{self.name} has {label}{here}; this file does not",
                      key=True)
        else:
            self.warn(path, f"{label} is here but not in {self.name}", key=True)

    def count(self, theirs: int, ours: int, path: _Path, noun: str) -> bool:
        """Report a different number of items; return whether the numbers agree."""
        if theirs != ours:
            self.warn(path, f"{_many(ours, noun)} here but {theirs} in {self.name}", key=True)
        return theirs == ours

    def text(self, source: str, mine: str, path: _Path) -> None:
        """Compare the paragraphs of a Markdown field, or the numbers of a plain one."""
        markdown = path in self.markdown  # the translation's Markdown fields, as parsed
        theirs = paragraphs(source) if markdown else [(0, source)]
        ours = paragraphs(mine) if markdown else [(0, mine)]
        if len(theirs) != len(ours):
            self.warn(path, f"{_many(len(ours), 'paragraph')} here but {len(theirs)} in "
                            f"{self.name}")
            # The paragraphs no longer match one to one: compare the field's numbers.
            message = numbers_message(all_numbers(theirs), all_numbers(ours), self.name,
                                       "text")
            if message:
                self.warn(path, message)
            return
        pairs = zip(theirs, ours, strict=True)
        for number, ((_, their_text), (offset, our_text)) in enumerate(pairs, 1):
            message = numbers_message(numbers(their_text), numbers(our_text), self.name,
                                       "paragraph" if markdown else "text")
            if message:
                where = f"paragraph {number}: " if len(ours) > 1 else ""
                self.warn(path, where + message, **self.place(path, mine, offset))

    def place(self, path: _Path, text: str, offset: int) -> dict:
        """The line offset and column of the paragraph at line offset in text, if known.

        Only a block scalar (`|` or `>`) has its paragraphs on lines of their own.
        """
        pos = self.smap.find(path)
        if pos is None or not pos.block:
            return {}
        lines = self.smap.lines
        if lines[pos.line - 1][pos.column - 1:].startswith("|"):
            line: int | None = pos.line + offset  # a `|` block keeps its lines (0-based)
        else:  # a `>` block folds them: find where the paragraph's words start
            line = _find(lines, pos.line, text.splitlines()[offset])
        if line is None or line >= len(lines):
            return {}
        indent = len(lines[line]) - len(lines[line].lstrip())
        return {"line_offset": line + 1 - pos.line, "column": indent + 1}


def _find(lines: list[str], start: int, text: str) -> int | None:
    """Return the index of the first line from start on whose words begin text."""
    words = text.split()
    for index in range(start, len(lines)):
        first = lines[index].split()[:4]
        if first and words[:len(first)] == first:
            return index
    return None


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple)) else 0


def _same_length(one: Any, other: Any) -> bool:
    return _length(one) == _length(other)


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _noun(path: _Path) -> str:
    return {"rows": "row", "columns": "column"}.get(str(path[-1]), "item")


def _many(count: int, noun: str) -> str:
    """'1 item', '2 items', '0 entries'."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"
