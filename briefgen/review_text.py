"""A paragraph's edits, carried from the text a reader saw back into its Markdown source.

The Word file shows a paragraph as text: no asterisks, citations as note numbers,
typographic quotes, abbreviations spelled out. An editor changes that text. Here the change
is found word by word (the text as built against the text as edited), and each changed
stretch is put into the source where the same words stand, found by lining up the words
of the built text with the words of the source (difflib on words, quotes and dashes
folded). Markup between the words (`*`, `[@id]`, `^[…]`, a link's URL) is never touched
unless a deletion takes the whole of it; an edit that would cut through it, or that
changes words briefgen wrote rather than the author (a note number, a spelled-out
abbreviation, a table's number), cannot be placed and is reported instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["Edit", "Unplaceable", "carry", "diff_text", "escape_markdown", "unit_span",
           "word_diff"]

TOKEN = re.compile(r"\w+|[^\w\s]")
FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                      "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                      "\u00bb": '"', "\u2011": "-", "\u2010": "-", "\u2013": "-",
                      "\u2014": "-", "\u2212": "-"})
# Markup that comes in pairs and may go with the words it wraps.
PAIRED = {"*", "_", "`"}
SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass(frozen=True)
class Edit:
    """One change of the text: old words (as built) became new ones (as edited)."""
    old: str
    new: str


class Unplaceable(ValueError):
    """An edit the source cannot take where it stands; the message says why."""


@dataclass(frozen=True)
class _Tokens:
    text: str
    spans: list[tuple[int, int]]
    keys: list[str]


def _tokens(text: str) -> _Tokens:
    # Format characters (a word joiner briefgen puts in "2020–21", a soft hyphen) are no
    # words: they are not in the source, and no reader sees them.
    spans = [m.span() for m in TOKEN.finditer(text)
             if any(unicodedata.category(c) != "Cf" for c in m.group())]
    keys = [unicodedata.normalize("NFKC", text[a:b]).translate(FOLD) for a, b in spans]
    return _Tokens(text, spans, keys)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def word_diff(old: str, new: str) -> list[Edit]:
    """The changes from old to new, word by word (typographic quotes count as plain)."""
    a, b = _tokens(old), _tokens(new)
    edits = []
    for tag, i1, i2, j1, j2 in _opcodes(a.keys, b.keys):
        if tag != "equal":
            edits.append(Edit(_stretch(a, i1, i2), _stretch(b, j1, j2)))
    return edits


def diff_text(old: str, new: str, context: int = 4) -> str:
    """The change from old to new as one line: "… the [-strongest-]{+closest+} link …",
    with a few words of context around each change ('' if the words are the same)."""
    a, b = _tokens(old), _tokens(new)
    codes = _opcodes(a.keys, b.keys)
    if all(code[0] == "equal" for code in codes):
        return ""
    out = ""
    for n, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            out += _gap(b, j1) if j2 > j1 else _gap(a, i1)
            out += (f"[-{_stretch(a, i1, i2)}-]" if i2 > i1 else "") + \
                (f"{{+{_stretch(b, j1, j2)}+}}" if j2 > j1 else "")
            continue
        if n == 0:  # before the first change: its last few words
            head, tail = i1, max(i2 - context, i1)
        else:  # after a change: its first few words, and before the next its last few
            head = min(i1 + context, i2)
            tail = i2 if n + 1 == len(codes) else max(i2 - context, head)
        out += _gap(b, j1) + _stretch(a, i1, head)
        if tail > head:
            out += ("…" if head == i1 else " …") + (" " if tail < i2 else "")
        out += _stretch(a, tail, i2)
    return out.strip()


def _gap(t: _Tokens, k: int) -> str:
    """' ' if the text has space before its word k, else ''."""
    return " " if 0 < k < len(t.spans) and t.spans[k - 1][1] < t.spans[k][0] else ""


def _stretch(t: _Tokens, i: int, j: int) -> str:
    return t.text[t.spans[i][0]:t.spans[j - 1][1]] if j > i else ""


def escape_markdown(text: str) -> str:
    """Text an editor typed, made safe to stand in Markdown as the same text."""
    return SPECIAL.sub(r"\\\1", text)


def carry(built: str, edited: str, source: str, markdown: bool = True) -> str:
    """Return source with the changes from built to edited made where their words stand.

    built: the paragraph as briefgen wrote it; edited: as it reads now; source: the
    Markdown it was made from (markdown False: plain text, where nothing is escaped).
    Raises Unplaceable for a change that cannot go in.
    """
    escape = escape_markdown if markdown else str
    old, new, src = _tokens(built), _tokens(edited), _tokens(source)
    where: dict[int, int] = {}  # a built word -> the same word in the source
    for tag, i1, i2, j1, _ in _opcodes(old.keys, src.keys):
        if tag == "equal":
            where.update({i1 + k: j1 + k for k in range(i2 - i1)})
    splices: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in _opcodes(old.keys, new.keys):
        if tag == "equal":
            continue
        splices.extend((start, end, escape(text)) for start, end, text in
                       _splices(tag, (i1, i2, j1, j2), old, new, src, where))
    out = source
    for start, end, text in sorted(splices, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _splices(tag: str, at: tuple[int, int, int, int], old: _Tokens, new: _Tokens,
             src: _Tokens, where: dict[int, int]) -> list[tuple[int, int, str]]:
    """The source splices (start, end, text) that make one change."""
    i1, i2, j1, j2 = at
    if tag == "insert":
        if i1 > 0:
            anchor = _placed(where, i1 - 1, old)
            text = new.text[new.spans[j1 - 1][1]:new.spans[j2 - 1][1]]
            return [(src.spans[anchor][1], src.spans[anchor][1], text)]
        anchor = _placed(where, 0, old)
        text = new.text[new.spans[j1][0]:new.spans[j2][0]] if j2 < len(new.spans) else \
            new.text[new.spans[j1][0]:new.spans[j2 - 1][1]] + " "
        return [(src.spans[anchor][0], src.spans[anchor][0], text)]
    first, last = _placed(where, i1, old), _placed(where, i2 - 1, old)
    if tag == "delete":
        first, last = _around(src, where, first, last)
        if _clean(src, where, first, last, i1, i2):
            if first > 0:  # take the space before the words with them
                return [(src.spans[first - 1][1], src.spans[last][1], "")]
            return [(src.spans[first][0], _next_start(src, last), "")]
        # Words around markup that stays (a citation, a link's address): each word alone.
        return [(src.spans[where[i]][0], src.spans[where[i]][1], "")
                for i in range(i1, i2)] if all(i in where for i in range(i1, i2)) else \
            _refuse(old, i1, i2, "it runs through markup the source keeps")
    text = new.text[new.spans[j1][0]:new.spans[j2 - 1][1]]
    if _clean(src, where, first, last, i1, i2):
        return [(src.spans[first][0], src.spans[last][1], text)]
    if i2 - i1 == j2 - j1 and all(i in where for i in range(i1, i2)):
        return [(src.spans[where[i]][0], src.spans[where[i]][1],
                 new.text[slice(*new.spans[j])])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
    return _refuse(old, i1, i2, "it runs through markup the source keeps")


def _placed(where: dict[int, int], i: int, old: _Tokens) -> int:
    if i not in where:
        _refuse(old, i, i + 1, "briefgen wrote these words, not the source")
    return where[i]


def _clean(src: _Tokens, where: dict[int, int], first: int, last: int, i1: int,
           i2: int) -> bool:
    """Whether source words first..last hold only built words i1..i2 and paired markup."""
    mine = {where[i] for i in range(i1, i2) if i in where}
    rest = [src.keys[k] for k in range(first, last + 1) if k not in mine]
    return all(key in PAIRED for key in rest) and all(rest.count(key) % 2 == 0 for key in PAIRED)


def _around(src: _Tokens, where: dict[int, int], first: int, last: int) -> tuple[int, int]:
    """Widen a deletion to the paired markup wrapping exactly it ("*very*" goes whole)."""
    placed = set(where.values())
    while (first > 0 and last + 1 < len(src.keys) and src.keys[first - 1] in PAIRED
           and src.keys[first - 1] == src.keys[last + 1]
           and not {first - 1, last + 1} & placed):
        first, last = first - 1, last + 1
    return first, last


def _next_start(src: _Tokens, last: int) -> int:
    return src.spans[last + 1][0] if last + 1 < len(src.spans) else src.spans[last][1]


def _refuse(old: _Tokens, i1: int, i2: int, why: str):
    words = _stretch(old, i1, i2)
    raise Unplaceable(f"cannot change “{words}”: {why}")


def unit_span(value: str, unit: int | None) -> tuple[int, int]:
    """Where paragraph of text number unit of a Markdown field stands in it (None: the
    whole value). Raises Unplaceable if the field has no such paragraph."""
    if unit is None:
        return 0, len(value)
    from .markdown import text_blocks

    blocks = text_blocks(value)
    if unit >= len(blocks):
        raise Unplaceable(f"the field has {len(blocks)} paragraphs now, not {unit + 1}")
    content, first, end = blocks[unit]
    starts = [0]
    for line in value.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    region = value[starts[first]:starts[min(end, len(starts) - 1)]]
    # Markdown drops each line's indent and list or quote marker from the text.
    pattern = r"[ \t]*\n[ \t>]*(?:[-*+]|\d+[.)])?[ \t]*".join(
        re.escape(line.strip()) for line in content.split("\n"))
    found = re.search(pattern, region)
    if not found:
        raise Unplaceable("its paragraph could not be found in the field's Markdown")
    return starts[first] + found.start(), starts[first] + found.end()
