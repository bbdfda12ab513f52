"""The checks on text: characters, glyphs, run-on words, list lengths, Markdown nesting.

They read the text the outputs will print, after YAML and Markdown have decoded it, and
refuse what no content needs or no output can show.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .docmodel import BlockQuote, Cite, Code, Heading, Link, ListBlock, Para, Parsed, Text, XRef
from .draft import Draft
from .errors import Diagnostic
from .loader import FORBIDDEN, SourceMap, dotted, kind_of
from .paths import builtin_dir

__all__ = ["MAX_ITEMS", "MAX_MARKDOWN_DEPTH", "MAX_WORD", "bundled_glyphs", "drop_too_deep",
           "final_text", "fonts_dir", "limits"]

# Limits that no real brief comes near, so that a slip (a pasted data dump, a run-on
# string) is reported instead of producing a 900-page PDF or a line that cannot break.
MAX_WORD = 300  # characters without a space; the longest URLs in the examples have ~120
MAX_ITEMS = 1000  # entries in any one list: table rows, timeline entries, list items
# Lists, quotes, emphasis, links and notes inside one another. markdown-it drops what lies
# deeper than 20 levels, and every renderer recurses once per level; real text needs < 8.
MAX_MARKDOWN_DEPTH = 16

# A character reference, which Markdown decodes: &#x202E; &#8238; &amp;
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def drop_too_deep(draft: Draft) -> list[Diagnostic]:
    """Report Markdown nested deeper than MAX_MARKDOWN_DEPTH, and take it out of draft.

    It runs before the checks: what it takes out of draft.markdown no check walks.
    """
    out = []
    for where, parsed in list(draft.markdown.items()):
        if parsed.depth > MAX_MARKDOWN_DEPTH:
            pos = draft.source.find(where)
            out.append(draft.source.diagnostic(
                where, f"Markdown nested {parsed.depth} levels deep (lists, quotes, emphasis "
                f"and links inside one another); at most {MAX_MARKDOWN_DEPTH} are allowed",
                line_offset=parsed.deepest_line + 1 if pos and pos.block else 0))
            del draft.markdown[where]
    return out


def limits(draft: Draft) -> list[Diagnostic]:
    """Report run-on words and lists far longer than any document needs."""
    out = []
    for path, value in _values(draft.data, ()):
        if isinstance(value, str) and path and path[-1] != "url":
            word = max(value.split(), key=len, default="")
            if len(word) > MAX_WORD:
                out.append(draft.source.diagnostic(
                    path, f"a word of {len(word):,} characters ('{word[:20]}…'); words may "
                    f"have at most {MAX_WORD} characters; is a space missing?"))
        elif isinstance(value, list) and len(value) > MAX_ITEMS:
            out.append(draft.source.diagnostic(
                path, f"{len(value):,} entries; a list may have at most {MAX_ITEMS:,}"))
    for where, parsed in draft.markdown.items():
        for node in _nodes_of(parsed.blocks):
            if isinstance(node, ListBlock) and len(node.items) > MAX_ITEMS:
                out.append(draft.source.diagnostic(
                    where, f"a Markdown list of {len(node.items):,} items; a list may have "
                    f"at most {MAX_ITEMS:,}"))
    return out


def final_text(draft: Draft) -> list[Diagnostic]:
    """Check the text every output will print: after YAML and Markdown decoded it.

    The loader refuses forbidden characters typed into the file or written as YAML
    escapes and !!binary; Markdown decodes character references (&#x202E;), so the
    parsed text is checked again, and so is every character against the bundled fonts.
    """
    texts = list(_strings(draft.data, ()))
    for where, parsed in draft.markdown.items():
        texts += [(where, text) for text in _parsed_strings(parsed)]
    out, seen = [], set()
    # Each character is judged once (most documents have none to refuse), then looked for.
    wrong = {char for char in set().union(*(text for _, text in texts)) if _wrong(char)}
    for where, text in texts if wrong else ():
        for char in dict.fromkeys(c for c in text if c in wrong):
            forbidden = FORBIDDEN.fullmatch(char)
            if (where, char) in seen:
                continue
            seen.add((where, char))
            written = _written_as(draft.texts.get(where, ""), char)
            name = unicodedata.name(char, "").lower()
            code = f"U+{ord(char):04X}" + (f", {name}" if name else "")
            if forbidden:
                how = f"written as {written}, " if written != char else ""
                message = (f"{kind_of(char)} ({code}), {how}is not allowed in content; it "
                           "is invisible and can make text read differently from how it is "
                           "stored")
            else:
                message = (f"character '{char}' ({code}) is in none of the bundled fonts "
                           "(Charis SIL, Inter, Noto Naskh Arabic), so the PDF could not show "
                           "it as written; remove it or write it in words")
            out.append(_first_written(draft.source, where, written, message))
    return out


def _values(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Yield (path, value) for value and everything inside it, as the YAML spells paths."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, path + (index,))


def _nodes_of(blocks: list[Any]) -> Iterator[Any]:
    for block in blocks:
        yield block
        if isinstance(block, BlockQuote):
            yield from _nodes_of(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _nodes_of(item)


def _strings(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every string in value, mapping keys included."""
    if isinstance(value, bytes):  # !!binary: Pydantic decodes it into text
        yield path, value.decode("utf-8", "replace")
    elif isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from _strings(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _parsed_strings(parsed: Parsed) -> Iterator[str]:
    """Yield every piece of text of parsed as the outputs print it, entities decoded."""
    stack: list[Any] = list(parsed.blocks)
    while stack:  # no recursion: nesting is limited, but the walk need not depend on it
        node = stack.pop()
        if isinstance(node, (Text, Code)):
            yield node.text
        elif isinstance(node, Link):
            yield node.url
        elif isinstance(node, XRef):
            yield node.target
        elif isinstance(node, Cite):
            for item in node.items:
                yield from (part for part in (item.prefix, item.locator) if part)
        if isinstance(node, ListBlock):
            stack.extend(block for item in node.items for block in item)
        elif isinstance(node, (Para, Heading, BlockQuote)) or hasattr(node, "children"):
            stack.extend(node.children)


def _written_as(source: str, char: str) -> str:
    """Return how char is written in a Markdown source: itself, or a character reference."""
    if char in source:
        return char
    from markdown_it.common.utils import unescapeAll

    for match in _CHAR_REF.finditer(source):
        if char in unescapeAll(match.group(0)):
            return match.group(0)
    return char


def _first_written(smap: SourceMap, where: tuple, needle: str, message: str) -> Diagnostic:
    """A diagnostic at the first place needle is written in the value at where.

    It searches the lines from where the value starts to where the next one starts; a
    value that only an escape spells is reported where it starts.
    """
    pos = smap.find(where)
    if pos is None:
        return smap.diagnostic(where, message)
    after = [p.line for p in smap.values.values() if p.line > pos.line]
    last = min(after, default=len(smap.lines))
    for index in range(pos.line - 1, min(last, len(smap.lines))):
        start = pos.column - 1 if index == pos.line - 1 else 0
        column = smap.lines[index].find(needle, start)
        if column >= 0:
            return Diagnostic(smap.file, index + 1, column + 1, dotted(where), message)
    return smap.diagnostic(where, message)


def _wrong(char: str) -> bool:
    """Whether content may not hold char: forbidden, or drawn by no bundled font."""
    return bool(FORBIDDEN.fullmatch(char)) or (
        _needs_glyph(char) and not COVERED.match(char) and char not in bundled_glyphs())


def _needs_glyph(char: str) -> bool:
    """Return False for line breaks, tabs, invisible format characters, variation selectors."""
    return not (unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
                or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef")


def fonts_dir() -> Path:
    """The bundled fonts, in briefgen's built-in templates."""
    return builtin_dir() / "fonts"


# Ranges every bundled font set covers whole (Latin, Greek and Cyrillic, the Arabic block,
# punctuation, currency), so that most documents never pay the 0.2 s of reading the fonts'
# character maps; tests/test_checks.py checks each against bundled_glyphs().
COVERED = re.compile("[\u0020-\u007e\u00a0-\u0148\u014a-\u0377\u03f0-\u052f"
                     "\u061e-\u06ff\u2000-\u2063\u20a0-\u20bf]")


@functools.lru_cache(maxsize=1)
def bundled_glyphs() -> frozenset[str]:
    """The characters some bundled font has a glyph for; read from their cmaps, once.

    WeasyPrint takes any other character from a system font (DejaVu, or whatever the
    machine has), which is neither the document's look nor the same on every machine.
    """
    from fontTools.ttLib import TTFont

    chars: set[str] = set()
    for path in sorted(fonts_dir().iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            with TTFont(path, lazy=True) as font:
                chars.update(map(chr, font.getBestCmap()))
    return frozenset(chars)
