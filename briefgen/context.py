"""Build the plain data a page template renders: one edition, in one medium.

A template gets data, never objects with behaviour: dicts, lists, tuples, strings,
numbers, booleans, None and `Markup` (HTML already made safe here). No path, file, cache,
model, callable or module is reachable from the context, so the sandbox has nothing to
reach through. Every Markdown field is rendered to Markup before Jinja runs, and notes
are numbered here, in the order the page shows them (see `_render_in_reading_order`);
nothing numbers anything while a template runs. The medium changes how a note is written,
not its number: the screen page (the HTML output, and what Word is written from) and the
print page (what WeasyPrint lays out as the PDF) number the same notes alike.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from . import bibliography
from .images import data_uri
from .inlines import InlineRenderer
from .view import (
    BlockItem,
    BlockView,
    DocumentView,
    EntryView,
    FigureView,
    QuoteView,
    SectionView,
    TableView,
)
from .watermark import watermark_uri

__all__ = ["MEDIA", "DATA_TYPES", "build_context"]

MEDIA = ("screen", "print")
# Every type a context may hold; tests/test_safety_templates.py walks contexts for others.
DATA_TYPES = (dict, list, tuple, str, int, float, bool, type(None), Markup)


def _block(r: InlineRenderer, block: BlockView) -> dict[str, Any]:
    """Render one block of a section, its items in the order its template shows them."""
    return {"kind": block.kind, "items": [_block_item(r, item) for item in block.items]}


def _block_item(r: InlineRenderer, item: BlockItem) -> Markup | dict[str, Any]:
    """Render one item of a block: a key point, quote, timeline entry, table or figure."""
    if isinstance(item, QuoteView):
        return {"text": r.run(item.text), "speaker": r.plain(item.speaker),
                "role": r.plain(item.role), "cite": item.cite, "cite_note": r.cite_id(item.cite)}
    if isinstance(item, EntryView):
        return {"date": item.date, "date_text": r.plain(item.date_text),
                "title": r.plain(item.title),
                "text": r.maybe(item.text), "cite": item.cite, "cite_note": r.cite_id(item.cite)}
    if isinstance(item, TableView):
        return {"number": item.number, "caption": r.plain(item.caption),
                "columns": [r.plain(column) for column in item.columns],
                "rows": [[r.unhyphenated(cell) for cell in row] for row in item.rows],
                "source": r.maybe(item.source, source=True)}
    if isinstance(item, FigureView):
        return {"number": item.number, "caption": r.plain(item.caption), "alt": item.alt,
                "src": data_uri(item.image) if item.image else None,
                "chart": item.chart.svg_uri if item.chart else None,
                "source": r.maybe(item.source, source=True)}
    return r.run(item)  # a key point: a line of inline Markdown


def _section(r: InlineRenderer, section: SectionView) -> dict[str, Any]:
    """Render one section: title, lead, body, then its blocks or its recommendations."""
    at = f"sections.{section.id}"
    lead, body = r.maybe(section.lead), r.blocks(section.body, f"{at}.body")
    return {
        "id": section.id, "title": r.plain(section.title), "number": section.number,
        "lead": lead, "body": body,
        "blocks": [_block(r, block) for block in section.blocks],
        "items": [{"number": item.number, "title": r.plain(item.title),
                   "text": r.blocks(item.text, f"{at}.items.{item.number - 1}.text"),
                   "actors": [r.plain(actor) for actor in item.actors],
                   "horizon": item.horizon, "priority": item.priority,
                   "cost": r.maybe(item.cost), "risk": r.maybe(item.risk),
                   "source": r.maybe(item.source)} for item in section.items],
        "contributors": list(section.contributors),
    }


def _render_in_reading_order(r: InlineRenderer, view: DocumentView) -> dict[str, Any]:
    """Render every Markdown field in the order the built-in page templates show them.

    Notes are numbered as they are met, so this order is the page's: view.reading_order
    (the bottom line or the summary, the key messages, the sections with "What to watch"
    after the recommendations; in a book review the reviewer's assessment before the
    book's recommendations), then the bibliography. tests/test_safety_templates.py checks
    the built-in pages show their note calls in this order.
    """
    out: dict[str, Any] = {"summary": Markup(""), "bottom_line": None, "assessment": None,
                           "watch": []}
    sections = {s.id: s for s in view.sections}
    rendered: dict[str, Any] = {}
    for part in view.reading_order:
        if part in ("summary", "bottom_line"):
            out[part] = r.blocks(getattr(view, part), part)
        elif part == "key_messages":
            out[part] = [r.run(message) for message in view.key_messages]
        elif part == "watch":
            out[part] = [r.run(item) for item in view.watch]
        elif part == "assessment" and view.assessment is not None:
            out[part] = {"strengths": [r.run(s) for s in view.assessment.strengths],
                         "gaps": [r.run(g) for g in view.assessment.gaps],
                         "verdict": r.blocks(view.assessment.verdict, "assessment.verdict")}
        elif part in sections:
            rendered[part] = _section(r, sections[part])
    out["sections"] = [rendered[s.id] for s in view.sections]
    out["references"] = [{"id": ref.id, "entry": r.unhyphenated(ref.entry)}
                         for ref in view.references]
    return out


def _edition(view: DocumentView) -> str:
    """Return the title block's "Edition for …", in the labels' words for this audience.

    Labels may word an audience's line whole (edition_public: "Edition for the general
    public"), for the article or word order a language needs; else it is made from the
    profile's label.
    """
    own = view.labels.get(f"edition_{view.audience.name}")
    label = view.audience.label
    # English lower-cases "Policymakers" inside the line; other languages keep the label.
    if view.locale.language == "en":
        label = label.lower()
    return own or f"{view.labels['edition_for']} {label}"


def _labels(view: DocumentView) -> dict[str, str]:
    """The labels as a page prints them: punctuation spaced for the language (French
    "Source :"), a word that follows a number in the form its count takes."""
    out = {}
    for key, value in view.labels.items():
        if isinstance(value, dict):  # a plural label: only the book's page count has one
            pages = view.book.pages if view.book and view.book.pages else 0
            value = view.locale.plural(pages, value)
        out[key] = view.locale.punctuate(value)
    return out


def _dump(model: BaseModel | None) -> dict[str, Any] | None:
    """A Pydantic model as JSON-like data (dates as ISO strings), or None."""
    return None if model is None else model.model_dump(mode="json")


def build_context(view: DocumentView, medium: str = "screen") -> dict[str, Any]:
    """Return the data the page template of view renders in medium ("screen" or "print").

    Names: `doc`, `labels`, `notes` ({number, text}), `medium`; render_page adds `css`.
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, not {medium!r}")
    r = InlineRenderer(view, medium)
    rendered = _render_in_reading_order(r, view)
    audience = view.audience
    labels = _labels(view)
    doc = {
        "kind": view.kind, "name": view.name,
        "direction": view.locale.direction,
        # The comma templates put between items: ", " ("، " in Urdu).
        "comma": view.locale.comma,
        "meta": _dump(view.meta),
        "audience": _dump(audience),
        # Serialized and escaped as CSS by the profile (profiles.Theme.css), for a <style>.
        "theme_css": Markup(audience.theme.css(view.locale.direction)),
        "labels": labels,
        "date_text": r.plain(view.date_text), "date_year": view.meta.date.year,
        "data_as_of_text": view.data_as_of_text,
        "edition": _edition(view), "opening": view.opening,
        **rendered,
        "glossary": [(term, r.plain(expansion)) for term, expansion in view.glossary],
        "logo": data_uri(view.logo) if view.logo else None,
        # The draft mark as outlines, not text, so no text layer carries its letters.
        "watermark_svg": (watermark_uri(view.labels["draft"])
                          if view.meta.status == "draft" else None),
        "citation_style": view.citation_style,
        "how_to_cite": r.unhyphenated(bibliography.how_to_cite(view.meta, view.locale)),
        "book": _dump(view.book), "reviewer": _dump(view.reviewer),
        "linked_refs": sorted(view.linked_refs), "has_notes": view.has_notes,
        "xrefs": {key: {"kind": x.kind, "number": x.number, "caption": x.caption}
                  for key, x in view.xrefs.items()},
    }
    notes = [{"number": i, "text": text} for i, text in enumerate(r.notes, start=1)]
    return {"doc": doc, "labels": labels, "notes": notes, "medium": medium}
