"""Spell out abbreviations at their first use in an edition, and find those the glossary lacks.

An edition whose profile sets `abbreviations: expand` writes "Shanghai Cooperation
Organisation (SCO)" where its running text first says "SCO", from the document's
glossary, whatever its glossary setting. The view (view.py) hands every piece of running
text to one Abbreviations object in the order the page shows it, so the first use on the
page is the one spelled out, in HTML, PDF and Word alike. Headings, captions and column
heads are only scanned: they keep their words, and any abbreviation in them the glossary
lacks is reported like one in running text.

In English the expansion comes first, "Shanghai Cooperation Organisation (SCO)", with "a" or
"an" put right. A language that declines its nouns cannot take the expansion in the
dictionary form the glossary gives wherever the sentence needs another case, so there the
term stays where the author put it and the expansion follows in brackets: "ШОС
(Шанхайская организация сотрудничества)".
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .docmodel import Block, BlockQuote, Emph, Heading, Inline, Link, ListBlock, Para, Strong, Text

__all__ = ["Abbreviations", "ABBREVIATION"]

# An abbreviation-like word: two or more capitals standing alone ("JMCC", "LNG", and the
# plural "NGOs"), not a Roman numeral ("Part IV") and not part of a hyphenated word or a
# code with digits ("FY2020").
ABBREVIATION = re.compile(r"(?<![\w-])([A-Z]{2,})(?:s)?(?![\w-])")
_ROMAN = re.compile(r"[IVXLCDM]+")


class Abbreviations:
    """Expand glossary terms once each, at first use, and note the unknown ones."""

    def __init__(self, glossary: dict[str, str], expand: bool, language: str):
        self.glossary = glossary
        self.expand = expand
        self.english = language.split("-")[0] == "en"  # "a"/"an" before an expansion
        self.seen: set[str] = set()
        self.unknown: dict[str, tuple[Any, ...]] = {}  # a word: the field it first stands in
        terms = sorted(glossary, key=len, reverse=True)  # "CPEC" before "CP"
        self.pattern = re.compile(
            r"(?:(?<![\w-])(?P<article>[Aa]n?) )?(?<![\w-])(?P<term>"
            + "|".join(map(re.escape, terms))
            + r")(?P<possessive>[’']s)?(?![\w-])") if terms else None

    def scan(self, text: str | None, path: tuple[Any, ...]) -> None:
        """Note the abbreviations in text (at path) that the glossary lacks."""
        if not self.expand or not text:
            return
        for match in ABBREVIATION.finditer(text):
            word = match.group(1)
            if word in self.glossary or _ROMAN.fullmatch(word):
                continue
            self.unknown.setdefault(word, path)

    def string(self, text: str, path: tuple[Any, ...]) -> str:
        """Return running text with each glossary term not yet met spelled out."""
        if not self.expand:
            return text
        self.scan(text, path)
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self._spelled(match, text), text)

    def _spelled(self, match: re.Match[str], text: str) -> str:
        term, article = match.group("term"), match.group("article")
        possessive = match.group("possessive") or ""
        if term in self.seen:
            return match.group(0)
        self.seen.add(term)
        expansion = self.glossary[term]
        if _written_out(text[:match.start("term")], text[match.end():], expansion,
                        self.english):
            return match.group(0)
        if not self.english:
            return f"{match.group(0)} ({expansion})"
        if article and self.english:  # "an LNG terminal": "a liquefied natural gas (LNG) …"
            vowel = expansion[:1].casefold() in "aeiou"
            article = article[0] + ("n" if vowel else "")
        lead = f"{article} " if article else ""
        return f"{lead}{expansion}{possessive} ({term})"

    def inlines(self, nodes: list[Inline], path: tuple[Any, ...]) -> list[Inline]:
        """Return a copy of running text with its terms spelled out; notes keep theirs."""
        if not self.expand:
            return nodes
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                node = Text(self.string(node.text, path))
            elif isinstance(node, (Emph, Strong, Link)):
                node = replace(node, children=self.inlines(node.children, path))
            out.append(node)  # a note, a citation, code: as written
        return out

    def blocks(self, blocks: list[Block], path: tuple[Any, ...]) -> list[Block]:
        """Return a copy of Markdown blocks with their running text's terms spelled out."""
        if not self.expand:
            return blocks
        out: list[Block] = []
        for block in blocks:
            if isinstance(block, Para):
                block = replace(block, children=self.inlines(block.children, path))
            elif isinstance(block, Heading):
                self.scan(_plain(block.children), path)
            elif isinstance(block, ListBlock):
                block = replace(block, items=[self.blocks(item, path) for item in block.items])
            elif isinstance(block, BlockQuote):
                block = replace(block, children=self.blocks(block.children, path))
            out.append(block)
        return out


def _plain(nodes: list[Inline]) -> str:
    """The text of a heading, for scanning."""
    return " ".join(n.text if isinstance(n, Text) else _plain(getattr(n, "children", []))
                    for n in nodes)


def _written_out(before: str, after: str, expansion: str, english: bool = True) -> bool:
    """Whether the author spelled the term out beside it: "Expansion (TERM)", "TERM (Expansion)".

    Outside English the spelled-out words may be in any case, so any bracket right beside
    the term counts.
    """
    wanted = expansion.casefold()
    before, after = before.rstrip(), after.lstrip()
    if not english:
        return before.endswith("(") or after.startswith("(")
    return ((before.endswith("(") and before[:-1].rstrip().casefold().endswith(wanted))
            or (after.startswith("(") and after[1:].lstrip().casefold().startswith(wanted)))
