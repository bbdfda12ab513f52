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

from .review_units import Unplaceable, note_spans, unit_span

# Unplaceable, note_spans and unit_span are review_units', given here too.
__all__ = ["Edit", "Unplaceable", "carry", "diff_text", "escape_markdown", "likeness",
           "note_spans", "unit_span", "word_diff", "word_spans"]

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


def word_spans(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """The changes from old to new, word by word, as difflib's opcodes over characters:
    each tag with the stretch of old and of new it covers (a stretch of no words: empty)."""
    a, b = _tokens(old), _tokens(new)

    def chars(t: _Tokens, i: int, j: int) -> tuple[int, int]:
        at = t.spans[i][0] if i < len(t.spans) else len(t.text)
        return (at, t.spans[j - 1][1]) if j > i else (at, at)

    return [(tag, *chars(a, i1, i2), *chars(b, j1, j2))
            for tag, i1, i2, j1, j2 in _opcodes(a.keys, b.keys)]


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
    Raises Unplaceable for a change that cannot go in, or that would not read back as
    the edit (the backstop: the result is parsed and its words compared).
    """
    escape = escape_markdown if markdown else str
    old, new = _tokens(built), _tokens(edited)
    src = _source_tokens(source) if markdown else _tokens(source)
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
    if _edits(*map(_read if markdown else str, (source, out))) != _edits(built, edited):
        raise Unplaceable("the change would not read back as made: it runs through "
                          "markup the source keeps")
    return out


# What a reader never sees of a paragraph's Markdown, each kept whole: a citation, a
# link's address, an opt-out marker. A note's text is read in its note, not here.
ATOMS = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|\]\([^()\s]*(?:\([^()]*\))?[^()]*\)|<!--.*?-->",
                   re.S)


def _source_tokens(source: str) -> _Tokens:
    """The words of a Markdown source; each atom (ATOMS, a ^[note]) is one word of its own
    that matches nothing, so no edit is ever placed by it or inside it."""
    atoms = [m.span() for m in ATOMS.finditer(source)] + note_spans(source)
    spans, keys = [], []
    inside = sorted(atoms)
    words = _tokens(source)
    k = 0
    for (a, b), key in zip(words.spans, words.keys, strict=True):
        while k < len(inside) and inside[k][1] <= a:
            k += 1
        if k < len(inside) and inside[k][0] <= a < inside[k][1]:
            if not spans or spans[-1] != inside[k]:
                spans.append(inside[k])
                keys.append(f"\x00{inside[k][0]}")
            continue
        spans.append((a, b))
        keys.append(key)
    return _Tokens(source, spans, keys)


def _read(source: str) -> str:
    """The words a reader sees of a paragraph's Markdown, notes and citations aside."""
    from .markdown import parse

    return " ".join(_seen(getattr(block, "children", [])) for block in parse(source).blocks)


def _seen(nodes: list) -> str:
    """The text of inline nodes as the paragraph shows it; an emphasis or link left with
    no words (its markup would show as text, or as nothing to click) shows as a mark."""
    from .docmodel import Code, Emph, Link, Strong, Text

    out = []
    for node in nodes:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, (Emph, Strong, Link)):
            inner = _seen(node.children)
            out.append(inner if inner.strip() else "\x00")
    return "".join(out)


def likeness(source: str, text: str) -> float:
    """How nearly the words a source shows are text's, 0 to 1 (text has its citations' too)."""
    return SequenceMatcher(None, _tokens(_read(source)).keys, _tokens(text).keys,
                           autojunk=False).ratio()


def _edits(old: str, new: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The changes from old to new, as words compared the way carry compares them.

    Words taken out or put in beside the same words may be seen at either end ("a, b, c"
    less "b," is also less ", b"): each is moved as far back as it goes, so that two
    texts changed alike give the same list however difflib lined them up.
    """
    a, b = _tokens(old).keys, _tokens(new).keys
    found, done = [], 0  # done: where the last change ended in a
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            continue
        gone, put = a[i1:i2], b[j1:j2]
        while tag != "replace" and i1 > done and a[i1 - 1] == (gone or put)[-1]:
            i1, i2 = i1 - 1, i2 - 1
            gone, put = (a[i1:i2], put) if gone else (gone, [a[i1]] + put[:-1])
        found.append((tuple(gone), tuple(put)))
        done = i2
    return found


def _splices(tag: str, at: tuple[int, int, int, int], old: _Tokens, new: _Tokens,
             src: _Tokens, where: dict[int, int]) -> list[tuple[int, int, str]]:
    """The source splices (start, end, text) that make one change."""
    i1, i2, j1, j2 = at
    if tag == "insert":
        return [_insertion(i1, j1, j2, old, new, src, where)]
    first, last = _placed(where, i1, old), _placed(where, i2 - 1, old)
    if tag == "delete":
        first, last = _around(src, where, first, last)
        if _clean(src, where, first, last, i1, i2):
            if first > 0:  # take the space before the words with them
                return [(src.spans[first - 1][1], src.spans[last][1], "")]
            return [(src.spans[first][0], _next_start(src, last), "")]
        return _word_by_word(i1, i2, j1, j2, old, new, src, where)
    text = new.text[new.spans[j1][0]:new.spans[j2 - 1][1]]
    if _clean(src, where, first, last, i1, i2):
        return [(src.spans[first][0], src.spans[last][1], text)]
    return _word_by_word(i1, i2, j1, j2, old, new, src, where)


def _word_by_word(i1: int, i2: int, j1: int, j2: int, old: _Tokens, new: _Tokens,
                  src: _Tokens, where: dict[int, int]) -> list[tuple[int, int, str]]:
    """Each word changed in its own place, around atoms that stay (a citation between
    the words); refused where the words pair up differently or emphasis is in between."""
    placed = [where.get(i) for i in range(i1, i2)]
    between = [k for k in range(min(filter(None, placed), default=0),
                                max(filter(None, placed), default=0)) if k not in placed]
    if None in placed or any(not src.keys[k].startswith("\x00") for k in between) or \
            (j2 > j1 and i2 - i1 != j2 - j1):
        _refuse(old, i1, i2, "it runs through a citation, note, link or emphasis the "
                "source keeps; make it in the YAML by hand")
    if j2 == j1:  # deleted: each word with the space before it
        return [(src.spans[k - 1][1] if k else src.spans[k][0], src.spans[k][1], "")
                for k in placed]
    return [(src.spans[k][0], src.spans[k][1], new.text[slice(*new.spans[j])])
            for k, j in zip(placed, range(j1, j2), strict=True)]


def _insertion(i1: int, j1: int, j2: int, old: _Tokens, new: _Tokens, src: _Tokens,
               where: dict[int, int]) -> tuple[int, int, str]:
    """Words inserted before built word i1: in the space between the source's words if
    it is only space, else after the word before (past markup that closes on it), else
    before the word after."""
    before, after = where.get(i1 - 1) if i1 else None, where.get(i1)
    if before is not None and after is not None and after == before + 1 and \
            not src.text[src.spans[before][1]:src.spans[after][0]].strip():
        return (src.spans[before][1], src.spans[after][0],
                new.text[new.spans[j1 - 1][1]:new.spans[j2][0]])
    if before is not None:
        at = before
        while at + 1 < len(src.spans) and src.keys[at + 1] in PAIRED and \
                src.spans[at + 1][0] == src.spans[at][1]:
            at += 1  # "*official*" + " new": after the emphasis, not inside it
        return (src.spans[at][1], src.spans[at][1],
                new.text[new.spans[j1 - 1][1]:new.spans[j2 - 1][1]])
    if after is not None:
        at = after
        while at > 0 and src.keys[at - 1] in PAIRED and src.spans[at - 1][1] == src.spans[at][0]:
            at -= 1
        end = new.spans[j2][0] if j2 < len(new.spans) else new.spans[j2 - 1][1]
        text = new.text[new.spans[j1][0]:end]
        return (src.spans[at][0], src.spans[at][0], text if j2 < len(new.spans) else text + " ")
    words = new.text[new.spans[j1][0]:new.spans[j2 - 1][1]]
    raise Unplaceable(f"cannot insert “{words}”: it stands between words briefgen wrote, "
                      "not the source")


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
    """Widen a deletion to the paired markup it takes half of, or that wraps exactly it:
    "the *official*" and "*very*" go whole."""
    placed = set(where.values())
    while (first > 0 and last + 1 < len(src.keys) and src.keys[first - 1] in PAIRED
           and src.keys[first - 1] == src.keys[last + 1]
           and not {first - 1, last + 1} & placed):
        first, last = first - 1, last + 1
    for key in PAIRED:
        if [src.keys[k] for k in range(first, last + 1)].count(key) % 2:
            if last + 1 < len(src.keys) and src.keys[last + 1] == key and \
                    src.spans[last + 1][0] == src.spans[last][1]:
                last += 1
            elif first > 0 and src.keys[first - 1] == key and \
                    src.spans[first - 1][1] == src.spans[first][0]:
                first -= 1
    return first, last


def _next_start(src: _Tokens, last: int) -> int:
    return src.spans[last + 1][0] if last + 1 < len(src.spans) else src.spans[last][1]


def _refuse(old: _Tokens, i1: int, i2: int, why: str):
    words = _stretch(old, i1, i2)
    raise Unplaceable(f"cannot change “{words}”: {why}")
