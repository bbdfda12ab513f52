"""Parse Markdown in content fields into the intermediate model's nodes.

markdown-it-py does the parsing (CommonMark, raw HTML off, so `<b>` stays text); we add
one inline rule for Pandoc-style citations, `[@id]`, `[@id, p. 4]`, `[see @a; @b]`,
`[-@id]` (the note leaves out the author the sentence already names), and for
pandoc-crossref-style references to tables and figures, `[@tbl:id]`, `[@fig:id]`; one for
the uncited-figure opt-out, an HTML comment `<!-- uncited: reason -->`, which prints nothing
and is recorded as a Mention for the checks (any other HTML comment stays text, as all raw
HTML does); and we use mdit-py-plugins for inline footnotes, `^[text]`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .docmodel import (
    Block,
    BlockQuote,
    Break,
    Cite,
    CiteItem,
    Code,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Mention,
    Note,
    Para,
    Parsed,
    Strong,
    Text,
    XRef,
)

__all__ = ["UNCITED", "XREF_PREFIXES", "parse", "text_blocks"]

XREF_PREFIXES = ("tbl:", "fig:")  # [@tbl:id] and [@fig:id] point at a table or figure

_CITE_ITEM = re.compile(
    r"^\s*(?:(?P<prefix>[^@;]*?[^@;\s-])\s+)?(?P<suppress>-)?"
    r"@(?P<id>[A-Za-z0-9_](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_])?)"
    r"\s*(?:,\s*(?P<locator>[^;]+?))?\s*$")


# The opt-out of the uncited-figure check: `<!-- uncited: all values are in 2024 US dollars -->`
# at the start or end of a paragraph. A comment, so that Quarto, Pandoc and MkDocs print
# nothing for it either; the keyword is followed by a colon, a space or the end.
UNCITED = re.compile(r"<!--\s*uncited(?=[\s:]|-->)\s*:?(?P<reason>.*?)(?P<end>-->|$)",
                     re.I | re.S)


def _uncited_rule(state: StateInline, silent: bool) -> bool:
    """Match <!-- uncited: reason --> (an unclosed one runs to the end of the paragraph)."""
    if not state.src.startswith("<!--", state.pos):
        return False
    match = UNCITED.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        token = state.push("uncited", "", 0)
        token.meta = {"reason": " ".join(match["reason"].split()) if match["end"] else None,
                      "lines": match[0].count("\n")}
    state.pos = match.end()
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Match [@id], [@id, p. 4], [-@id] (year only) and [@a; @b] (no nested brackets)."""
    src, pos = state.src, state.pos
    if src[pos] != "[" or "@" not in src[pos:pos + 200]:
        return False
    end = src.find("]", pos)
    if end < 0 or "[" in src[pos + 1:end] or src[end + 1:end + 2] == "(":
        return False
    items = []
    for part in src[pos + 1:end].split(";"):
        match = _CITE_ITEM.match(part)
        if not match:
            return False
        items.append(CiteItem(match["id"], match["locator"], match["prefix"],
                              suppress_author=bool(match["suppress"])))
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items}
    state.pos = end + 1
    return True


@lru_cache(maxsize=4)
def _parser(quotes: str) -> MarkdownIt:
    # Typographic quotes and apostrophes ("a" -> “a”, it's -> it’s), as the bibliography
    # and notes already use, in the language's marks; the other "replacements" ((c), +-,
    # --) are left off.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": quotes})
    md.enable("smartquotes")
    md.disable(["image"])  # figures are blocks with alt text, not inline images
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("autolink", "uncited", _uncited_rule)
    return md


@lru_cache(maxsize=4096)
def parse(text: str, quotes: str = "“”‘’") -> Parsed:
    """Parse a Markdown string into blocks, noting every citation and link with its line.

    quotes: the four quotation marks of the document's language (locales.Locale.quotes).
    A text parsed before gives the same Parsed again, at once (a preview loads a long
    report again after every save; most of its fields have not changed), so nothing may
    change a node in place: the view makes new ones (tests/test_markdown.py).
    """
    env: dict = {}
    tokens = _parser(quotes).parse(text, env)
    mentions: list[Mention] = []
    body, notes = _split_footnotes(tokens)
    converter = _Converter(mentions, notes)
    blocks = converter.blocks(body)
    return Parsed(blocks, mentions, converter.depth, converter.deepest_line)


def text_blocks(text: str) -> list[tuple[str, int, int]]:
    """The paragraphs of text of a Markdown string, in the order `inlines` numbers them
    for review marks: each as (its Markdown, first line, end line) within text.

    A paragraph, heading or list item's text, or a code block; a paragraph that holds only
    an uncited marker prints nothing and is left out, as parse leaves it out.
    """
    body, _ = _split_footnotes(_parser("“”‘’").parse(text, {}))
    out = []
    for tok in body:
        if tok.type == "inline" and tok.map:
            if UNCITED.sub("", tok.content).strip():
                out.append((tok.content, tok.map[0], tok.map[1]))
        elif tok.type in ("fence", "code_block") and tok.map:
            out.append((tok.content.rstrip("\n"), tok.map[0], tok.map[1]))
    return out


def _split_footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """Separate the footnote tail (footnote_block_open…close) from the body tokens."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    in_block = False
    for tok in tokens:
        if tok.type == "footnote_block_open":
            in_block = True
        elif tok.type == "footnote_block_close":
            in_block = False
        elif tok.type == "footnote_open":
            current = notes.setdefault(tok.meta["id"], [])
        elif tok.type == "footnote_close":
            current = None
        elif tok.type == "footnote_anchor":
            continue
        elif current is not None:
            current.append(tok)
        elif not in_block:
            body.append(tok)
    return body, notes


class _Converter:
    def __init__(self, mentions: list[Mention], notes: dict[int, list[Token]],
                 outer: int = 0):
        self.mentions = mentions
        self.notes = notes
        self.line = 0
        # Nesting: markdown-it's level of the inline token being read (lists, quotes),
        # plus emphasis and links open within it, plus `outer` for a note's text.
        self.outer = outer
        self.level = 0
        self.depth = 0
        self.deepest_line = 0
        self.paragraph: int | None = None  # the line of the top-level paragraph being read

    def _reached(self, inner: int) -> None:
        depth = self.outer + self.level + inner
        if depth > self.depth:
            self.depth, self.deepest_line = depth, self.line

    def blocks(self, tokens: list[Token]) -> list[Block]:
        out: list[Block] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.map:
                self.line = tok.map[0]
            self.level = tok.level  # quotes and lists count even when empty
            self._reached(0)
            if tok.nesting == 1:
                close = _matching_close(tokens, i)
                inner = tokens[i + 1:close]
                block = self._container(tok, inner)
                if block is not None:
                    out.append(block)
                i = close + 1
                continue
            if tok.type in ("fence", "code_block"):
                out.append(Para([Code(tok.content.rstrip("\n"))]))
            elif tok.type == "inline":  # bare inline, as in a tight list item
                self.level = tok.level
                out.append(Para(self.inlines(tok.children or [])))
            i += 1
        return out

    def _container(self, tok: Token, inner: list[Token]) -> Block | None:
        if tok.type == "paragraph_open":
            line = tok.map[0] if tok.map else 0
            # An opt-out marker belongs to a paragraph of the field itself, not to one in
            # a list, a quote or a note.
            self.paragraph = line if tok.level == 0 and not self.outer else None
            count = len(self.mentions)
            children = self._inline_of(inner)
            self.paragraph = None
            if any(m.kind.startswith("uncited") for m in self.mentions[count:]):
                _strip(children)  # the marker's line break or space is no text either
                if not children:
                    return None  # the marker alone: nothing to print
            return Para(children, line)
        if tok.type == "heading_open":
            return Heading(int(tok.tag[1]), self._inline_of(inner))
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            items, j = [], 0
            while j < len(inner):
                close = _matching_close(inner, j)
                items.append(self.blocks(inner[j + 1:close]))
                j = close + 1
            return ListBlock(tok.type == "ordered_list_open", items)
        if tok.type == "blockquote_open":
            return BlockQuote(self.blocks(inner))
        return None  # tables and other extensions are not enabled

    def _inline_of(self, inner: list[Token]) -> list[Inline]:
        if not inner:
            return []
        self.level = inner[0].level
        return self.inlines(inner[0].children or [])

    def inlines(self, tokens: list[Token]) -> list[Inline]:
        out: list[Inline] = []
        stack: list[tuple[list[Inline], Inline]] = []
        target = out
        self._reached(0)
        for tok in tokens:
            kind = tok.type
            if kind == "text":
                self._text(target, tok.content)
            elif kind == "softbreak":
                self._text(target, " ")
                self.line += 1
            elif kind == "hardbreak":
                target.append(Break())
                self.line += 1
            elif kind == "code_inline":
                target.append(Code(tok.content))
            elif kind in ("em_open", "strong_open", "link_open"):
                if kind == "link_open":
                    href = str(tok.attrGet("href") or "")
                    self.mentions.append(Mention(href, self.line, "link"))
                    node: Inline = Link(href, [])
                else:
                    node = Emph([]) if kind == "em_open" else Strong([])
                target.append(node)
                stack.append((target, node))
                self._reached(len(stack))
                target = node.children  # type: ignore[union-attr]
            elif kind in ("em_close", "strong_close", "link_close"):
                target = stack.pop()[0]
            elif kind == "citation":
                items = tok.meta["items"]
                for item in items:
                    xref = item.id.startswith(XREF_PREFIXES)
                    self.mentions.append(Mention(item.id, self.line, "xref" if xref else "cite"))
                kinds = {item.id.startswith(XREF_PREFIXES) for item in items}
                if len(kinds) > 1:  # a citation is a note, a cross-reference a number
                    self.mentions.append(Mention(
                        next(i.id for i in items if i.id.startswith(XREF_PREFIXES)),
                        self.line, "mixed"))
                    target.append(Cite([i for i in items
                                        if not i.id.startswith(XREF_PREFIXES)]))
                elif kinds == {True}:
                    for i, item in enumerate(items):
                        if i:
                            self._text(target, ", " if i < len(items) - 1 else " and ")
                        target.append(XRef(item.id))
                else:
                    target.append(Cite(items))
            elif kind == "uncited":
                reason = tok.meta["reason"]
                where = "uncited" if self.paragraph is not None else "uncited-elsewhere"
                self.mentions.append(Mention(
                    reason or "", self.line if self.paragraph is None else self.paragraph,
                    where if reason is not None else "uncited-open"))
                self.line += tok.meta["lines"]
            elif kind == "footnote_ref":
                sub = _Converter(self.mentions, {}, self.outer + self.level + len(stack) + 1)
                sub.line = self.line  # the note's citations are reported at its call
                blocks = sub.blocks(self.notes.get(tok.meta["id"], []))
                if sub.depth > self.depth:
                    self.depth, self.deepest_line = sub.depth, sub.deepest_line
                target.append(Note(Parsed(blocks).inlines))
        return out

    @staticmethod
    def _text(target: list[Inline], text: str) -> None:
        if target and isinstance(target[-1], Text):
            target[-1].text += text
        else:
            target.append(Text(text))


def _strip(inlines: list[Inline]) -> None:
    """Strip the white space at the start and end of a paragraph's text, in place."""
    for index, strip in ((0, str.lstrip), (-1, str.rstrip)):
        if inlines and isinstance(inlines[index], Text):
            inlines[index].text = strip(inlines[index].text)
            if not inlines[index].text:
                del inlines[index]


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1
