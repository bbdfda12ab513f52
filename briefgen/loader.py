"""Load a YAML content file into plain Python data, remembering where every value stands.

PyYAML composes a node tree that carries marks; we turn it into dicts and lists ourselves
so that each value's path (("sections", "history", "body"), …) maps to its line and
column. Validation errors are then reported at the place a person has to edit.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Diagnostic

__all__ = ["FORBIDDEN", "Position", "SourceMap", "kind_of", "load_yaml"]

# Guards against hostile or accidental monsters: a few hundred bytes of nested aliases
# can expand to billions of nodes (the "billion laughs"), and deep nesting exhausts the
# stack. Real briefs have a few thousand nodes and a depth below ten.
MAX_FILE_BYTES = 5_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
# Whole numbers beyond any count, year or amount a brief states; Python would refuse to
# print a number of more than 4,300 digits, and `0x` and 4,000 hex digits is one.
MAX_NUMBER = 10**15

# Characters no content needs, refused wherever they appear: C0/C1 control characters
# (other than tab and line breaks), which Word cannot store, and the bidirectional
# embedding, override and isolate controls, which can make text read differently from
# how it is stored ("Trojan Source"). Arabic and Hebrew text needs none of them.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                       "\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# (also: line and paragraph separators, which YAML counts as line breaks and editors do
# not, so every later line number would be off; surrogates and non-characters)

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Position:
    """Where a value starts in its file (1-based), and how its scalar was written."""

    line: int
    column: int
    block: bool = False  # a `|` or `>` block scalar: its text starts on the next line


@dataclass
class SourceMap:
    """The positions of every key and value of one loaded file."""

    file: Path
    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)  # duplicate keys, bad dates
    lines: list[str] = field(default_factory=list)  # the file's text, to point into scalars

    def find(self, path: Path_, *, key: bool = False) -> Position | None:
        """Return the position of path, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        path = tuple(path)
        while True:
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]

    def path_at(self, line: int, column: int) -> Path_:
        """Return the path of the value written last at or before line:column.

        A value that starts just after it counts: the character begins that value.
        """
        starting = [path for path, pos in self.values.items()
                    if (pos.line, pos.column) == (line, column + 1)]
        if starting:
            return starting[0]
        before = [(pos.line, pos.column, path) for path, pos in self.values.items()
                  if (pos.line, pos.column) <= (line, column)]
        return max(before, key=lambda item: item[:2])[2] if before else ()

    def diagnostic(self, path: Path_, message: str, *, key: bool = False,
                   severity: str = "error", line_offset: int = 0,
                   column: int | None = None) -> Diagnostic:
        """Build a diagnostic located at path (at its key if key=True).

        line_offset counts lines into a block scalar; column then replaces the node's.
        """
        pos = self.find(path, key=key)
        line = pos.line + line_offset if pos else None
        if pos and not line_offset:
            column = pos.column
        elif pos:
            column = column or 1
        else:
            column = None
        return Diagnostic(self.file, line, column, dotted(path), message, severity)


def dotted(path: Path_) -> str:
    """Render ('sections', 'history', 'tables', 0, 'rows') as sections.history.tables[0].rows."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Builder:
    """Turn a composed YAML node tree into Python values, recording positions."""

    def __init__(self, smap: SourceMap):
        self.smap = smap
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self.count = 0

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"the file expands to more than {MAX_NODES:,} values "
                          "(are YAML aliases (*name) repeating a large block?)", node)
        if depth > MAX_DEPTH:
            raise _TooBig(f"values are nested more than {MAX_DEPTH} levels deep", node)
        mark = node.start_mark
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.smap.values[path] = Position(mark.line + 1, mark.column + 1, block)
        if isinstance(node, yaml.MappingNode):
            written = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE)
            self.constructor.flatten_mapping(node)  # resolve `<<: *base` merge keys
            # flatten_mapping puts the merged keys first: they may be overridden, by a
            # later merged mapping or by a key written here, as YAML merge keys allow.
            merged = len(node.value) - written
            result: dict[Any, Any] = {}
            from_merge: set[Any] = set()
            for index, (key_node, value_node) in enumerate(node.value):
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if isinstance(key, (list, dict)):
                    self._error(key_node, path, "a key must be a plain word, not a list or mapping")
                    continue
                key_mark = key_node.start_mark
                if key in result and key not in from_merge:
                    first = self.smap.keys[path + (key,)]
                    self._error(key_node, path + (key,),
                                f"duplicate key '{key}' (first defined at line {first.line}); "
                                "each key may appear once")
                    continue
                if index < merged:
                    from_merge.add(key)
                else:
                    from_merge.discard(key)
                self.smap.keys[path + (key,)] = Position(key_mark.line + 1, key_mark.column + 1)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            self.smap.values.pop(path + ("<key>",), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, OverflowError) as exc:  # e.g. a date such as 2025-13-45
            self._error(node, path, f"'{node.value}' is not a valid value: {exc}")
            return node.value
        if isinstance(value, int) and abs(value) >= MAX_NUMBER:
            self._error(node, path, f"a number of {len(node.value):,} characters "
                        f"('{node.value[:20]}…'); numbers may be at most {MAX_NUMBER - 1:,} "
                        "(quote it if it is text)")
            return None
        # A `!!binary` value is text to Pydantic too: check what it decodes to.
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        found = FORBIDDEN.search(text) if isinstance(text, str) else None
        if found:  # written as an escape (\a, \u202e) inside double quotes, or as !!binary
            char = found.group(0)
            how = ("remove the !!binary value that holds it" if isinstance(value, bytes)
                   else "remove the escape that writes it")
            self._error(node, path, f"{kind_of(char)} (U+{ord(char):04X}) is not allowed "
                        f"in content; {how}")
            return FORBIDDEN.sub(" ", text)
        return value

    def _error(self, node: yaml.Node, path: Path_, message: str) -> None:
        mark = node.start_mark
        self.smap.problems.append(Diagnostic(self.smap.file, mark.line + 1, mark.column + 1,
                                      dotted(path), message))


class _TooBig(Exception):
    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.node = node


def _fail(path: Path, message: str, line: int | None = None,
          column: int | None = None) -> ContentError:
    """A whole-file problem, located at its line when there is one."""
    return ContentError([Diagnostic(path, line, column, "", message)])


def load_yaml(path: Path) -> tuple[dict[str, Any], SourceMap]:
    """Read path as a YAML mapping; raise ContentError with located messages if it is not.

    Problems that still leave a usable mapping (a duplicate key, an impossible date) are
    collected in the SourceMap's `problems` so they are reported with all the others.
    """
    fail = functools.partial(_fail, path)
    if path.exists() and not path.is_file():  # a FIFO or device would block or never end
        raise fail("not a regular file; expected a YAML text file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is {len(raw):,} bytes; content files may be at most "
                   f"{MAX_FILE_BYTES:,} bytes", 1)
    if b"\x00" in raw:
        raise fail("this is a binary file, not YAML text; expected a UTF-8 text file",
                   raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                   "save it as UTF-8", line) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                               for ln in text.splitlines()):
        raise fail("the file is empty; expected a mapping with at least 'kind' and 'meta'", 1, 1)
    deep = _too_deep(text)
    if deep:
        raise fail(f"values are nested more than {MAX_DEPTH} levels deep", *deep)
    forbidden = list(FORBIDDEN.finditer(text))
    if forbidden:
        # Read the file with the characters blanked, only to name the field of each one.
        _, clean = load_text(path, FORBIDDEN.sub(" ", text))
        raise ContentError([_forbidden(path, text, match, clean) for match in forbidden])
    return load_text(path, text)


def _forbidden(path: Path, text: str, match: re.Match, clean: SourceMap) -> Diagnostic:
    char = match.group(0)
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    name = unicodedata.name(char, "")
    what = kind_of(char)
    code = f"U+{ord(char):04X}" + (f", {name.lower()}" if name else "")
    return Diagnostic(path, line, column, dotted(clean.path_at(line, column)),
                      f"{what} ({code}) is not allowed in content; delete it (it is "
                      "invisible in most editors)")


def kind_of(char: str) -> str:
    """Name the kind of a forbidden character: a control, a bidirectional control, …"""
    if "\u202a" <= char <= "\u2069":
        return "a bidirectional control"
    if "\ud800" <= char <= "\udfff" or char in "\ufffe\uffff":
        return "a character that is not text"
    if char in "\u2028\u2029":
        return "a line or paragraph separator"
    return "a control character"


def _too_deep(text: str) -> tuple[int, int] | None:
    """Return where collections first nest deeper than MAX_DEPTH, before YAML recurses.

    The parser's events come from a state machine, not recursion, so this is safe where
    composing is not; and it counts real nesting only: flow brackets ([[[), block
    sequences (`- - -`), never a bracket inside text.
    """
    for loader in (_FAST_LOADER, yaml.SafeLoader):
        # libyaml stops at 1,000 open brackets with a message of its own (and no line
        # for a person); the pure-Python parser then finds the place.
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        mark = event.start_mark
                        return mark.line + 1, mark.column + 1
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    depth -= 1
            return None
        except yaml.YAMLError:
            continue
    return None  # load_text words the syntax error


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


def load_text(path: Path, text: str) -> tuple[dict[str, Any], SourceMap]:
    """Parse YAML text read from path; see load_yaml."""
    smap = SourceMap(path, lines=text.splitlines())
    fail = functools.partial(_fail, path)

    try:
        try:  # libyaml when PyYAML has it: the same nodes and marks, 15 times faster
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, RecursionError):
            # ...but its messages differ; the pure-Python reader words the diagnostics.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark and mark.line >= len(smap.lines) and exc.context_mark:
            # The file ended first (an unclosed bracket or quote): point where it opened.
            mark = exc.context_mark
        problem = exc.problem or "invalid YAML"
        if "\\t" in problem or "tab" in problem:
            problem += " (YAML indents with spaces; replace tabs by spaces)"
        context = f" {exc.context}" if exc.context else ""
        raise fail(f"invalid YAML: {problem}{context}",
                   mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise fail(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise fail(f"values are nested too deeply (more than {MAX_DEPTH} levels)") from None

    builder = _Builder(smap)
    try:
        data = builder.build(node, ())
    except _TooBig as exc:
        mark = exc.node.start_mark
        raise fail(str(exc), mark.line + 1, mark.column + 1) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise fail(f"invalid value: {exc.problem}",
                   mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise fail("expected a mapping with keys such as 'kind', 'meta' and 'sections' "
                   f"at the top level, found {type(data).__name__}", 1, 1)
    return data, smap
