"""The intermediate document model: content with every Markdown string already parsed.

Every renderer starts from these objects: `view.build_view` gathers them into one
audience's DocumentView, and `context.build_context` renders them to the plain data a
template sees. Inline and block nodes are small dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BlockQuote", "Break", "Cite", "CiteItem", "Code", "Emph", "Heading", "Link",
    "ListBlock", "Note", "Para", "Strong", "Text", "XRef",
    "Block", "Inline", "plain_text", "walk_inlines",
]


# -- inline nodes -------------------------------------------------------------------
@dataclass
class Text:
    text: str


@dataclass
class Code:
    text: str


@dataclass
class Break:
    pass


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Link:
    url: str
    children: list[Inline]


@dataclass
class CiteItem:
    id: str
    locator: str | None = None
    prefix: str | None = None
    suppress_author: bool = False  # [-@id]: the author is already named in the sentence


@dataclass
class Cite:
    items: list[CiteItem]


@dataclass
class XRef:
    """A cross-reference to a numbered table or figure: [@tbl:id] or [@fig:id]."""

    target: str  # "tbl:id" or "fig:id"


@dataclass
class Note:
    """An inline footnote: its text stands where the note is called."""

    children: list[Inline]


Inline = Text | Code | Break | Emph | Strong | Link | Cite | XRef | Note


# -- block nodes --------------------------------------------------------------------
@dataclass
class Para:
    children: list[Inline]
    line: int = field(default=0, compare=False)  # 0-based, within the Markdown text


@dataclass
class Heading:
    level: int
    children: list[Inline]


@dataclass
class ListBlock:
    ordered: bool
    items: list[list[Block]]


@dataclass
class BlockQuote:
    children: list[Block]


Block = Para | Heading | ListBlock | BlockQuote


def node_kind(node: Any) -> str:
    """Return the lower-case class name, which templates and renderers dispatch on."""
    return type(node).__name__.lower()


@dataclass
class Mention:
    """Where a citation or link was written, for validation messages."""

    target: str
    line: int  # 0-based line within the Markdown text
    kind: str  # "cite", "xref", "link", "mixed" ([@fig:x; @ref] in one bracket), or the
    # uncited opt-out: "uncited", "uncited-elsewhere" (not on a body paragraph), "uncited-open"


@dataclass
class Parsed:
    blocks: list[Block]
    mentions: list[Mention] = field(default_factory=list)
    depth: int = 0  # how deeply lists, quotes, emphasis, links and notes nest
    deepest_line: int = 0  # 0-based line where that depth is first reached

    @property
    def inlines(self) -> list[Inline]:
        """The text as one run of inlines (paragraphs joined by a space)."""
        out: list[Inline] = []
        for block in self.blocks:
            if out:
                out.append(Text(" "))
            out.extend(_flatten(block))
        return out


def _flatten(block: Block) -> list[Inline]:
    if isinstance(block, (Para, Heading)):
        return list(block.children)
    children = block.children if isinstance(block, BlockQuote) else [
        b for item in block.items for b in item]
    out: list[Inline] = []
    for child in children:
        if out:
            out.append(Text(" "))
        out.extend(_flatten(child))
    return out


def walk_inlines(nodes: list[Inline]) -> Iterator[Inline]:
    """Yield every inline node in nodes, and the nodes inside emphasis, links and notes."""
    for node in nodes:
        yield node
        children = getattr(node, "children", None)
        if children:
            yield from walk_inlines(children)


def plain_text(nodes: list[Inline]) -> str:
    """Return the running text of nodes, without markup, citations or notes."""
    return "".join(n.text for n in walk_inlines(nodes) if isinstance(n, (Text, Code)))
