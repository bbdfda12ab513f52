"""Render Markdown nodes as escaped Markup for one edition in one medium, numbering notes.

`context.build_context` walks the page in reading order and hands each Markdown field to
one InlineRenderer, which numbers the notes as it meets them; see context.py's docstring.
Within one run of text (a paragraph, a list item, a table cell) a citation repeated word
for word becomes one note, at its last place, which covers the text before it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from . import shortnotes, typography
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
    Note,
    Para,
    Strong,
    Text,
    XRef,
)
from .models import Reference
from .view import DocumentView

__all__ = ["InlineRenderer"]


class InlineRenderer:
    """Turn Markdown nodes into escaped Markup, numbering notes in the order it meets them."""

    def __init__(self, view: DocumentView, medium: str):
        self.view = view
        self.notes: list[Markup] = []
        self.medium = medium
        # Citations become notes in running text; inside a note they are written out in
        # brackets, and in a source line written out as they stand.
        self.cites: str = "note"
        self.refs = {ref.id: ref for ref in view.all_references}
        # Who the notes name with initials: two people of the document sharing a family name.
        self.names = shortnotes.note_names(view.all_references)
        self.language = view.meta.language
        self.locale = view.locale
        # In a right-to-left edition a note takes its direction from its first letter: a
        # note citing Latin-script works reads left to right (WeasyPrint: bidifix).
        self._auto = Markup(' dir="auto"') if view.locale.rtl else Markup("")
        self.hyphenated = medium == "print"  # only print hyphenates: see _text, unhyphenated

    def plain(self, text: str | None) -> str | None:
        """Return a plain field (a caption, a title, a date): curly quotes, no-break spaces."""
        if not text:
            return text
        text = typography.curly(text, quotes=self.locale.quotes)
        return self.locale.punctuate(typography.nobreak(text, self.language))

    def _text(self, text: str, sentence_start: bool = True) -> Markup:
        """Escape text; where print hyphenates, put long names and amounts in spans."""
        return (typography.mark_whole_words(text, sentence_start) if self.hyphenated
                else escape(text))

    def run(self, nodes: list[Inline]) -> Markup:
        """Render running text; its citations and notes become numbered note calls."""
        nodes = [Text(self.locale.punctuate(typography.nobreak(n.text, self.language)))
                 if isinstance(n, Text) else n for n in nodes]
        if self.cites != "note":
            return Markup("").join(self.node(n) for n in nodes)
        nodes = typography.notes_after_punctuation(nodes, self.view.audience.notes != "hidden")
        nodes = _last_of_repeated_calls(nodes)
        out: list[Markup] = []
        before = ""  # the running text so far, to tell whether a Text starts a sentence
        for i, node in enumerate(nodes):
            calls = isinstance(node, (Cite, Note))
            if calls and i and isinstance(nodes[i - 1], (Cite, Note)):
                continue  # already part of the note the group before it became
            if isinstance(node, Text):
                start = not before.strip() or typography.starts_sentence(before[-8:])
                out.append(self._text(node.text, start))
                before = node.text
                continue
            if not calls:
                out.append(self.node(node))
                before = "x"  # after emphasis, a link, code: within a sentence
                continue
            group = [node]
            for following in nodes[i + 1:]:
                if not isinstance(following, (Cite, Note)):
                    break
                group.append(following)
            call = self.note(group)
            if call and i and isinstance(nodes[i - 1], Text) and out:
                # Keep the call with the word before it: a note number never starts a line.
                head, _, word = nodes[i - 1].text.rpartition(" ")
                out[-1] = self._text(head + " " if head or _ else head, start)
                word = self._text(word, not (head or _) and start)
                if self.medium == "print":  # a word joiner: one element fewer per note
                    call = Markup("%s\u2060%s") % (word, call)
                else:
                    call = Markup('<span class="note-anchor">%s%s</span>') % (word, call)
            out.append(call)
        return Markup("").join(out)

    def unhyphenated(self, nodes: list[Inline]) -> Markup:
        """Render running text print sets without hyphens: a table cell, a reference."""
        outer, self.hyphenated = self.hyphenated, False
        try:
            return self.run(nodes)
        finally:
            self.hyphenated = outer

    def attribution(self, nodes: list[Inline], cites: str = "inline") -> Markup:
        """Render a source line: its citations written out in the line, not as notes."""
        outer, self.cites = self.cites, cites
        try:
            return self.run(nodes)
        finally:
            self.cites = outer

    def node(self, node: Inline) -> Markup:
        """Render one inline node."""
        if isinstance(node, Text):  # in notes and source lines, which print never hyphenates
            return escape(node.text)
        if isinstance(node, Emph):
            return Markup("<em>%s</em>") % self.run(node.children)
        if isinstance(node, Strong):
            return Markup("<strong>%s</strong>") % self.run(node.children)
        if isinstance(node, Code):
            return Markup("<code>%s</code>") % node.text
        if isinstance(node, Break):
            return Markup("<br>")
        if isinstance(node, Link):
            return Markup('<a href="%s">%s</a>') % (node.url, self.run(node.children))
        if isinstance(node, Cite):
            return self.cite(node)
        if isinstance(node, Note):
            return self.note([node])
        if isinstance(node, XRef):
            return self.xref(node.target)
        raise TypeError(f"unknown inline node {node!r}")

    def note(self, parts: list[Cite | Note]) -> Markup:
        """Write one numbered note for citations and notes that stand together.

        The note sits at the foot of the page in print and in Word, else in the list at the
        end. Several at one point make one note, as Chicago asks, not a run of numbers.
        """
        if self.view.audience.notes == "hidden":
            return Markup("")
        linked = self.view.linked_refs.__contains__
        texts = [self.attribution(shortnotes.note(self._works(p), linked, names=self.names,
                                                  loc=self.locale)
                                  if isinstance(p, Cite) else p.children, "bracketed")
                 for p in parts]
        text = Markup(" ").join(texts)
        self.notes.append(text)
        number = len(self.notes)
        # The call links to the numbered list on screen; in print the span floats to the
        # foot of the page (CSS footnotes), and Word turns it into one of its own footnotes.
        word = self.view.audience.notes == "footnotes"
        if self.medium == "print":  # only what the PDF shows: WeasyPrint styles every element
            return (Markup('<span class="footnote"%s>%s</span>') % (self._auto, text) if word
                    else Markup('<sup class="fn-call"><a href="#note-%d" id="call-%d">%d</a>'
                                '</sup>') % (number, number, number))
        return Markup(
            '<sup class="fn-call" data-docx="%s"><a href="#note-%d" id="call-%d" '
            'role="doc-noteref">%d</a></sup><span class="footnote" data-docx="%s"%s>%s</span>'
        ) % ("skip" if word else "Note Reference", number, number, number,
             "footnote" if word else "skip", self._auto, text)

    def _works(self, node: Cite) -> list[tuple[Reference, CiteItem]]:
        return [(self.refs[item.id], item) for item in node.items]

    def xref(self, target: str) -> Markup:
        """Write "Table 2" as a link; a table this edition leaves out is named by caption."""
        item = self.view.xrefs[target]
        label = self.view.labels[item.kind]
        if item.number is None:
            opening, closing = self.locale.quotes[:2]
            return Markup("%s %s%s%s") % (label.lower(), opening, self.plain(item.caption),
                                          closing)
        # "Table\u00a02": the label keeps its number on the line.
        return Markup('<a class="xref" href="#%s-%d">%s\u00a0%d</a>') % (
            item.kind, item.number, label, item.number)

    def cite(self, node: Cite) -> Markup:
        """Write a citation out in the line: bracketed inside a note, bare in a source line.

        In running text run() never gets here: it turns citations into notes first.
        """
        text = self.run(shortnotes.note(self._works(node), self.view.linked_refs.__contains__,
                                          sentence=False, names=self.names, loc=self.locale))
        return Markup("(%s)") % text if self.cites == "bracketed" else text

    def cite_id(self, ref_id: str | None) -> Markup:
        """Write the note of a quote's or timeline entry's `cite:`; '' without one."""
        return self.run([Cite([CiteItem(ref_id)])]) if ref_id else Markup("")

    def maybe(self, nodes: list[Inline] | None, source: bool = False) -> Markup | None:
        """Render an optional field: None stays None; a source line writes its cites out."""
        if nodes is None:
            return None
        return self.attribution(nodes) if source else self.run(nodes)

    def blocks(self, blocks: list[Block], src: str | None = None) -> Markup:
        """Render block nodes, one per line.

        src: the field's path ("sections.history.body"). On the screen page (which Word is
        written from) each paragraph, heading and list item of text then carries
        data-src="<path>/<n>", n counting them in order: the Word file marks each with
        where it came from, for `briefgen review`.
        """
        units = _Units(src if self.medium == "screen" else None)
        return Markup("\n").join(self.block(b, units) for b in blocks)

    def block(self, block: Block, units: _Units | None = None) -> Markup:
        """Render one block node: a paragraph, heading, block quote or list."""
        units = units or _Units(None)
        if isinstance(block, Para):
            return Markup("<p%s>%s</p>") % (units.next(), self.run(block.children))
        if isinstance(block, Heading):
            return Markup("<h3%s>%s</h3>") % (units.next(), self.run(block.children))
        if isinstance(block, BlockQuote):
            return Markup("<blockquote>%s</blockquote>") % Markup("\n").join(
                self.block(b, units) for b in block.children)
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = Markup("").join(self._item(item, units) for item in block.items)
            return Markup(f"<{tag}>%s</{tag}>") % items
        raise TypeError(f"unknown block node {block!r}")

    def _item(self, blocks: list[Block], units: _Units) -> Markup:
        # A list item of one paragraph is written without <p>, as a tight list.
        if len(blocks) == 1 and isinstance(blocks[0], Para):
            return Markup("<li%s>%s</li>") % (units.next(), self.run(blocks[0].children))
        return Markup("<li>%s</li>") % Markup("\n").join(self.block(b, units) for b in blocks)


class _Units:
    """Numbers the paragraphs of text of one field, as markdown-it meets their inline
    content (markdown.text_blocks counts the same way in the source)."""

    def __init__(self, src: str | None) -> None:
        self.src, self.count = src, 0

    def next(self) -> Markup:
        """The data-src attribute of the next paragraph of text ('' without a path)."""
        if self.src is None:
            return Markup("")
        self.count += 1
        return Markup(' data-src="%s/%d"') % (self.src, self.count - 1)


def _call_key(group: list[Inline]) -> tuple | None:
    """What makes two note calls the same note: the same works, locators and prefixes.

    None for a call holding an inline note: its text is the author's, never repeated.
    """
    if not all(isinstance(node, Cite) for node in group):
        return None
    return tuple((item.id, item.locator, item.prefix, item.suppress_author)
                 for node in group for item in node.items)  # type: ignore[union-attr]


def _last_of_repeated_calls(nodes: list[Inline]) -> list[Inline]:
    """Drop each note call that the same call repeats later in nodes.

    Ten sentences citing one page of one work get one note, after the last of them,
    rather than ten identical notes; a different locator or work stays a note of its own.
    Text left side by side is joined again, so the sentence test in run() sees it whole.
    """
    groups: list[tuple[int, int]] = []  # (start, end) of each run of Cite/Note nodes
    for i, node in enumerate(nodes):
        if isinstance(node, (Cite, Note)):
            if groups and groups[-1][1] == i:
                groups[-1] = (groups[-1][0], i + 1)
            else:
                groups.append((i, i + 1))
    keys = [_call_key(nodes[start:end]) for start, end in groups]
    last = {key: index for index, key in enumerate(keys)}
    drop: set[int] = set()
    for index, ((start, end), key) in enumerate(zip(groups, keys, strict=True)):
        if key is not None and last[key] != index:
            drop.update(range(start, end))
    if not drop:
        return nodes
    out: list[Inline] = []
    for i, node in enumerate(nodes):
        if i in drop:
            continue
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
