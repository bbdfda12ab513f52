"""Render a DocumentView to semantic HTML with the Jinja templates.

The HTML this module produces is the single structure behind every format: the HTML
page is it plus a screen stylesheet, the PDF is it laid out by WeasyPrint with the print
stylesheet, and the DOCX is it walked element by element onto Word styles.
Inline nodes are turned into markup here (escaped), block structure in the templates.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from . import bibliography
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
from .errors import UsageError
from .templates import TemplateSet
from .view import DocumentView

__all__ = ["render_page"]


class Notes:
    """Numbers notes in the order the page renders them."""

    def __init__(self) -> None:
        self.items: list[Markup] = []

    def add(self, html: Markup) -> int:
        self.items.append(html)
        return len(self.items)


_PUNCTUATION = ".,;:!?"


def _notes_after_punctuation(nodes: list[Inline], notes: bool) -> list[Inline]:
    """Attach note calls to the word before them, after its punctuation, as Chicago does.

    "a year [@x]." becomes "a year.[@x]" when citations are notes; with notes hidden the
    citation disappears with the space before it.
    """
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, (Cite, Note)) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text.rstrip())
        elif (isinstance(node, Text) and notes and out and isinstance(out[-1], (Cite, Note))
              and node.text[:1] in _PUNCTUATION and node.text[:1]):
            moved = len(node.text) - len(node.text.lstrip(_PUNCTUATION))
            call = out.pop()
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + node.text[:moved])
            else:
                out.append(Text(node.text[:moved]))
            out.append(call)
            node = Text(node.text[moved:])
            if not node.text:
                continue  # so that a note right after the punctuation joins this one
        out.append(node)
    return out


class _InlineRenderer:
    def __init__(self, view: DocumentView, notes: Notes, medium: str):
        self.view = view
        self.notes = notes
        self.medium = medium
        # Citations become notes in running text; inside a note they are written out in
        # brackets, and in a source line written out as they stand.
        self.cites: str = "note"
        self.refs = {ref.id: ref for ref in view.all_references}

    def run(self, nodes: list[Inline]) -> Markup:
        if self.cites != "note":
            return Markup("").join(self.node(n) for n in nodes)
        nodes = _notes_after_punctuation(nodes, self.view.audience.notes != "hidden")
        out: list[Markup] = []
        for i, node in enumerate(nodes):
            calls = isinstance(node, (Cite, Note))
            if calls and i and isinstance(nodes[i - 1], (Cite, Note)):
                continue  # already part of the note the group before it became
            if not calls:
                out.append(self.node(node))
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
                out[-1] = escape(head + " " if head or _ else head)
                if self.medium == "print":  # a word joiner: one element fewer per note
                    call = Markup("%s\u2060%s") % (word, call)
                else:
                    call = Markup('<span class="note-anchor">%s%s</span>') % (word, call)
            out.append(call)
        return Markup("").join(out)

    def attribution(self, nodes: list[Inline], cites: str = "inline") -> Markup:
        """Render a source line: its citations written out in the line, not as notes."""
        outer, self.cites = self.cites, cites
        try:
            return self.run(nodes)
        finally:
            self.cites = outer

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
        texts = [self.attribution(bibliography.note(self._works(p), linked)
                                  if isinstance(p, Cite) else p.children, "bracketed")
                 for p in parts]
        text = Markup(" ").join(texts)
        number = self.notes.add(text)
        # The call links to the numbered list on screen; in print the span floats to the
        # foot of the page (CSS footnotes), and Word turns it into one of its own footnotes.
        word = self.view.audience.notes == "footnotes"
        if self.medium == "print":  # only what the PDF shows: WeasyPrint styles every element
            return (Markup('<span class="footnote">%s</span>') % text if word
                    else Markup('<sup class="fn-call"><a href="#note-%d" id="call-%d">%d</a>'
                                '</sup>') % (number, number, number))
        return Markup(
            '<sup class="fn-call" data-docx="%s"><a href="#note-%d" id="call-%d">%d</a></sup>'
            '<span class="footnote" data-docx="%s">%s</span>'
        ) % ("skip" if word else "Note Reference", number, number, number,
             "footnote" if word else "skip", text)

    def _works(self, node: Cite) -> list[tuple[Any, CiteItem]]:
        return [(self.refs[item.id], item) for item in node.items]

    def xref(self, target: str) -> Markup:
        """Write "Table 2" as a link; a table this edition leaves out is named by caption."""
        item = self.view.xrefs[target]
        label = self.view.labels[item.kind]
        if item.number is None:
            return Markup("%s “%s”") % (label.lower(), item.caption)
        return Markup('<a class="xref" href="#%s-%d">%s %d</a>') % (
            item.kind, item.number, label, item.number)

    def cite(self, node: Cite) -> Markup:
        """Write a citation out in the line: bracketed inside a note, bare in a source line.

        In running text run() never gets here: it turns citations into notes first.
        """
        text = self.run(bibliography.note(self._works(node), self.view.linked_refs.__contains__,
                                          sentence=False))
        return Markup("(%s)") % text if self.cites == "bracketed" else text

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


MEDIA = ("screen", "print")


def render_page(view: DocumentView, templates: TemplateSet, css: str,
                medium: str = "screen") -> str:
    """Render the document's page template to a complete HTML document.

    medium "screen" is the page itself, which Word is also made from; "print" is the page
    WeasyPrint lays out, without what print hides (the notes' other form: the list at the
    end of a footnote edition, the calls of notes set at the foot of the page). Hidden
    elements cost WeasyPrint as much memory as shown ones: in a footnoted report they are
    half the page. Templates see the medium as `medium`.
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, not {medium!r}")
    env = templates.jinja
    notes = Notes()
    renderer = _InlineRenderer(view, notes, medium)
    from jinja2 import TemplateError

    try:
        template = env.get_template(f"{view.kind}.html")
        return template.render(doc=view, labels=view.labels, notes=notes, css=Markup(css),
                               medium=medium,
                               inlines=renderer.run, blocks=renderer.blocks,
                               attribution=renderer.attribution,
                               cite=lambda ref_id: [Cite([CiteItem(ref_id)])])
    except TemplateError as exc:  # a user's template: syntax, an unknown name, the sandbox
        raise UsageError(f"{_template_place(exc)}template error: {exc}") from None


def _template_place(exc: BaseException) -> str:
    """Return 'file:line: ' of the template line that failed, if Jinja recorded it."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:  # Jinja maps template frames back to template lines
        if trace.tb_frame.f_code.co_filename.endswith(".html"):
            filename, line = trace.tb_frame.f_code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return f"{filename}:{line}: " if filename and line else ""
