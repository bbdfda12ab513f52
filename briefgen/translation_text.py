"""The paragraphs of a Markdown field and the numbers of a paragraph, as the translation
check (translations.py) compares them.

Numbers are compared on their digits alone, so grouping, decimal signs and the digits of
other scripts do not matter ("3 250" = "3,250" = "۳۲۵۰"); numbers inside citations,
comments, link targets and URLs are not prose and are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["all_numbers", "numbers", "numbers_message", "paragraphs"]

_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)
# A list item's marker, a bullet or a number; see https://spec.commonmark.org/0.31.2/#lists
_LIST_ITEM = re.compile(r"^\s{0,3}(?:([-*+])|(\d{1,9})[.)])(?=\s)")
# What is not the author's numbers: citations ([@id, p. 4], @id), link targets and URLs,
# and character references (&#8212;).
_NOT_PROSE = re.compile(
    r"\[[^\[\]]*@[^\[\]]*\]"
    r"|@[A-Za-z0-9_][A-Za-z0-9_:.\-]*"
    r"|\]\([^)]*\)"
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^>]*>"
    r"|\b(?:https?|ftp|mailto):\S+|\bwww\.\S+"
    r"|&#[0-9]+;|&#[xX][0-9a-fA-F]+;")
# A number as written: digits, with group separators or a decimal sign between them.
_RUN = re.compile(r"\d+(?:[.,'’\u066b\u066c\u00a0\u202f\u2009 ]\d+)*")
_SPACES = re.compile(r"[\u00a0\u202f\u2009 ]")
_GROUP = re.compile(r"\d{3}(?:[.,\u066b]\d+)?")


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split Markdown text into paragraphs: (first line's offset, text) of each.

    A paragraph is a block of lines between blank lines; each list item is one too.
    Comments are left out, keeping their lines so that the offsets stay true.
    """
    text = _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    out: list[tuple[int, list[str]]] = []
    blank, in_list = True, False
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            blank = True
            continue
        item = _LIST_ITEM.match(line)
        # As in CommonMark, a numbered item interrupts running text only if it is item 1
        # ("in\n2015. Then" is one paragraph); within a list each item starts anew.
        starts = bool(item) and (in_list or bool(item.group(1)) or item.group(2) == "1")
        if blank or starts:
            out.append((index, []))
            in_list = starts or (blank and bool(item))
        out[-1][1].append(line)
        blank = False
    return [(index, "\n".join(lines)) for index, lines in out]


def numbers(text: str) -> set[str]:
    """Return the numbers of text as ASCII digits, leading zeros and separators dropped.

    "3 250", "3,250" and "3250" are one number, as are "3,5" and "3.5", and the Urdu
    "۳۲" is 32. Citations, comments, URLs and list markers are not counted.
    """
    text = _NOT_PROSE.sub(" ", _COMMENT.sub(" ", _LIST_ITEM.sub(" ", text, count=1)))
    found = set()
    for run in _RUN.findall(text):
        for number in _split_spaces(run):
            digits = "".join(str(unicodedata.decimal(char)) for char in number
                             if unicodedata.decimal(char, None) is not None)
            found.add(digits.lstrip("0") or "0")
    return found


def _split_spaces(run: str) -> Iterator[str]:
    """Yield run as one number if its spaces group thousands ("3 250"), else its parts."""
    parts = _SPACES.split(run)
    grouped = (len(parts) > 1 and parts[0].isdigit() and len(parts[0]) <= 3
               and all(_GROUP.fullmatch(part) for part in parts[1:])
               and all(part.isdigit() for part in parts[1:-1]))
    yield from [run] if grouped or len(parts) == 1 else parts


def numbers_message(theirs: set[str], ours: set[str], name: str,
                     what: str = "paragraph") -> str:
    """Say which numbers one paragraph (or text) has and the other lacks; '' if none."""
    missing, extra = sorted(theirs - ours, key=_order), sorted(ours - theirs, key=_order)
    if missing:
        has = f" (this {what} has {_list(extra)})" if extra else ""
        return f"{_list(missing)} {_be(missing)} in {name}'s {what} but not here{has}"
    if extra:
        return f"{_list(extra)} {_be(extra)} here but not in {name}'s {what}"
    return ""


def _order(number: str) -> tuple[int, str]:
    return len(number), number


def all_numbers(texts: list[tuple[int, str]]) -> set[str]:
    return set().union(*(numbers(text) for _, text in texts))


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _be(items: list[str]) -> str:
    return "is" if len(items) == 1 else "are"
