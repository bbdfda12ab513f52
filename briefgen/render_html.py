"""Render a DocumentView to semantic HTML with the Jinja templates.

The HTML this module produces is the single structure behind every format: the HTML
page is it plus a screen stylesheet, the PDF is it laid out by WeasyPrint with the print
stylesheet, and the DOCX is it walked element by element onto Word styles.
Inline nodes are turned into markup here (escaped), block structure in the templates.
"""

from __future__ import annotations

from markupsafe import Markup, escape

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
)
from .templates import TemplateSet
from .view import DocumentView

__all__ = ["render_page"]


class Notes:
    """Numbers inline footnotes in the order the page renders them."""

    def __init__(self) -> None:
        self.items: list[Markup] = []

    def add(self, html: Markup) -> int:
        self.items.append(html)
        return len(self.items)


class _InlineRenderer:
    def __init__(self, view: DocumentView, notes: Notes):
        self.view = view
        self.notes = notes

    def run(self, nodes: list[Inline]) -> Markup:
        return Markup("").join(self.node(n) for n in nodes)

    def node(self, node: Inline) -> Markup:
        if isinstance(node, Text):
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
            if self.view.audience.notes == "hidden":
                return Markup("")
            text = self.run(node.children)
            number = self.notes.add(text)
            # In print the span floats to the foot of the page (CSS footnotes); on screen
            # and in Word the call links to the numbered list the template places.
            return Markup(
                '<sup class="fn-call" data-docx="Note Reference"><a href="#note-%d" '
                'id="call-%d">%d</a></sup><span class="footnote" data-docx="skip">%s</span>'
            ) % (number, number, number, text)
        raise TypeError(f"unknown inline node {node!r}")

    def cite(self, node: Cite) -> Markup:
        parts = []
        for item in node.items:
            author, year = self.view.cite_labels[item.id]
            label = Markup("%s%s%s") % (
                f"{item.prefix} " if item.prefix else "",
                year if item.suppress_author else f"{author} {year}",
                f", {item.locator}" if item.locator else "")
            if item.id in self.view.linked_refs:
                label = Markup('<a href="#ref-%s">%s</a>') % (item.id, label)
            parts.append(label)
        return Markup('<span class="citation">(%s)</span>') % Markup("; ").join(parts)

    def blocks(self, blocks: list[Block]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, block: Block) -> Markup:
        if isinstance(block, Para):
            return Markup("<p>%s</p>") % self.run(block.children)
        if isinstance(block, Heading):
            return Markup("<h3>%s</h3>") % self.run(block.children)
        if isinstance(block, BlockQuote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.children)
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = Markup("").join(Markup("<li>%s</li>") % self._item(item)
                                    for item in block.items)
            return Markup(f"<{tag}>%s</{tag}>") % items
        raise TypeError(f"unknown block node {block!r}")

    def _item(self, blocks: list[Block]) -> Markup:
        # A list item of one paragraph is written without <p>, as a tight list.
        if len(blocks) == 1 and isinstance(blocks[0], Para):
            return self.run(blocks[0].children)
        return self.blocks(blocks)


def render_page(view: DocumentView, templates: TemplateSet, css: str) -> str:
    """Render the document's page template to a complete HTML document."""
    env = templates.jinja
    notes = Notes()
    renderer = _InlineRenderer(view, notes)
    template = env.get_template(f"{view.kind}.html")
    return template.render(doc=view, labels=view.labels, notes=notes, css=Markup(css),
                           inlines=renderer.run, blocks=renderer.blocks,
                           cite=lambda ref_id: [Cite([CiteItem(ref_id)])])
