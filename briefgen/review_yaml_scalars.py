"""How review_yaml writes one string value in a scalar style: plain, quoted, or a block.

Each writer keeps the old scalar's style when that style can hold the new value exactly
(review_yaml checks the result by composing it again); a block keeps its indentation, and
a folded block is filled to the width its author wrapped it at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import ScalarNode

__all__ = ["Edit", "UNSAFE", "block_edit", "double", "plain_ok"]

_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"

# Characters every scalar style may hold as they are: printable, and no line break (YAML
# 1.1 also breaks lines at U+0085, U+2028 and U+2029). A BOM inside text is escaped too.
# See https://yaml.org/spec/1.1/#id868524 (c-printable) and PyYAML's reader.
_SAFE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
UNSAFE = re.compile(f"[^{_SAFE}]")
_UNSAFE_BLOCK = re.compile(f"[^\t\n{_SAFE}]")  # a block scalar also holds tabs and \n
# A plain scalar may not start with an indicator (https://yaml.org/spec/1.1/#id864510)
# or a space, which the parser would drop.
_PLAIN_START = " -?:,[]{}#&*!|>'\"%@`"
_FLOW_SPECIAL = ",?[]{}:"  # end or confuse a plain scalar inside [ ] or { }
_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
            "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L",
            "\u2029": "P"}
_HEADER = re.compile(r"[|>]([1-9]?)([+-]?)([1-9]?)")  # indicator, indentation, chomping
_SPACES = re.compile(" *")
_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with text."""

    start: int
    end: int
    text: str


def plain_ok(value: str, flow: bool) -> bool:
    """Tell whether value, written plain, reads back as this same string."""
    if (not value or UNSAFE.search(value) or value[0] in _PLAIN_START or value[-1] in " :"
            or ": " in value or " #" in value or flow and any(c in _FLOW_SPECIAL for c in value)):
        return False
    return _RESOLVER.resolve(ScalarNode, value, (True, False)) == _STR  # not yes, 1, ~


def double(value: str) -> str:
    """Write value double-quoted on one line, escaping what must be (never folded)."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append("\\" + _ESCAPES[char])
        elif UNSAFE.match(char):
            code = ord(char)
            out.append(f"\\x{code:02X}" if code <= 0xFF else
                       f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def block_edit(text: str, node: ScalarNode, value: str, force: bool) -> Edit:
    """Rewrite a `|` or `>` block scalar: its header indicator and its content lines.

    The header's comment stays, and so do blank lines and comments after the content
    unless the new value keeps (`+`) trailing line breaks, which then are its own.
    """
    start = node.start_mark.index
    head = _HEADER.match(text, start)
    assert head is not None, "a block scalar starts with | or >"
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text, head.end(), node.end_mark.index)]
    rest = text[head.end(): lines[0][1]] if lines else text[head.end(): node.end_mark.index]
    content = lines[1:]
    found = _BREAK.search(rest) or _BREAK.search(text)  # write the file's own line break
    nl = found.group(0) if found else "\n"
    indent, digit = _indent(text, node, content, head.group(1) or head.group(3))
    filled = [(a, b) for a, b in content if len(text[a:b].rstrip("\r\n")) > indent]
    end = filled[-1][1] if filled else start + len(head.group(0)) + len(rest)
    if force or not _literal_ok(value, bool(digit)):
        return Edit(start, end, double(value) + rest)
    style = ">" if node.style == ">" and _folded_ok(value) else "|"
    breaks = len(value) - len(value.rstrip("\n"))
    chomp = "-" if breaks == 0 else "" if breaks == 1 else "+"
    body = value[: len(value) - breaks]
    source = body.split("\n") if style == "|" else _folded_lines(body, _width(
        [text[a:b].rstrip("\r\n")[indent:] for a, b in filled], node.value))
    new = "".join((" " * indent + line if line else "") + nl for line in source)
    new += nl * max(breaks - 1, 0)
    if breaks == 0 and text[end - 1: end] not in ("\n", "\r"):  # the file ended unbroken
        new = new[: -len(nl)]
    if not rest.endswith(("\n", "\r")):
        rest += nl
    if chomp == "+":  # kept line breaks: the blank lines after the old content are ours
        end = max(end, node.end_mark.index)
    return Edit(start, end, style + digit + chomp + rest + new)


def _indent(text: str, node: ScalarNode, content: list[tuple[int, int]],
            digit: str) -> tuple[int, str]:
    """Return the old block's content indentation, and its indentation indicator if any.

    The first non-empty line of the value is the first non-empty content line less the
    indentation (a folded value may go on with later lines): their leading spaces differ
    by exactly the indentation. A block without content gets its line's indent plus two.
    """
    for number, line in enumerate(node.value.split("\n")[: len(content)]):
        if line:
            source = text[content[number][0]: content[number][1]]
            return _SPACES.match(source).end() - _SPACES.match(line).end(), digit
    line_start = text.rfind("\n", 0, node.start_mark.index) + 1
    return _SPACES.match(text, line_start).end() - line_start + 2, ""


def _literal_ok(value: str, has_digit: bool) -> bool:
    """Tell whether value can be written as a literal block that reads back exactly.

    Its first line with text may start with a space only when the header states the
    indentation; otherwise the parser would take those spaces for indentation.
    """
    body = value.rstrip("\n")
    if not body or _UNSAFE_BLOCK.search(value):
        return False
    first = next(line for line in body.split("\n") if line)
    return has_digit or first[0] not in " \t"


def _folded_ok(value: str) -> bool:
    """Tell whether value can be written folded: no line starts with a space or tab.

    Such "more-indented" lines keep their line breaks, which this writer does not model.
    """
    return all(not line or line[0] not in " \t" for line in value.split("\n"))


def _folded_lines(body: str, width: int | None) -> list[str]:
    """Return the source lines of a folded block holding body, each paragraph filled to
    width (None: one line a paragraph), as the author wrapped it.

    Folding turns a line break followed by N empty lines into N newlines, so each run of
    N newlines in the value is written as N empty lines. A line is broken only at a single
    space, so that no line starts with one (that would keep its line break).
    """
    parts = re.split(r"(\n+)", body)  # text, newlines, text, ...: odd parts are newlines
    return [line for i, part in enumerate(parts)
            for line in ([""] * len(part) if i % 2 else _fill(part, width) if part else [])]


def _width(old_lines: list[str], old_value: str) -> int | None:
    """How wide the author filled a folded block: its longest line (40 at least), if it
    wrapped any paragraph (more lines of text than paragraphs); None if it never did."""
    filled = [line for line in old_lines if line.strip()]
    paragraphs = [p for p in re.split(r"\n+", old_value) if p.strip()]
    # A narrow block is a short value broken by hand, not a width to fill to.
    return max(40, *map(len, filled)) if len(filled) > len(paragraphs) else None


def _fill(paragraph: str, width: int | None) -> list[str]:
    """Break a paragraph into lines of at most width where it has single spaces."""
    if width is None:
        return [paragraph]
    lines: list[str] = []
    for word in re.split(r"(?<! ) (?! )", paragraph):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
