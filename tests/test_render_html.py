"""The HTML page: one self-contained, semantic file; content is text, never markup."""

from __future__ import annotations

import re

from conftest import MINIMAL, SECTION_TITLES
from lxml import html as lxml_html

from briefgen.pipeline import build


def test_self_contained_semantic_page(example_outputs):
    page = example_outputs["html"].read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "en"
    assert [h.text_content().strip() for h in tree.xpath("//main//section/h2")][:1] == \
        ["Executive summary"]
    titles = [h.text_content().strip() for h in tree.xpath("//h2")]
    assert [t for t in titles if t in SECTION_TITLES.values()] == list(SECTION_TITLES.values())
    # Nothing loaded from elsewhere: styles inline, images as data: URIs, no scripts.
    assert not tree.xpath("//link[@rel='stylesheet'] | //script")
    assert all(src.startswith("data:") for src in tree.xpath("//img/@src"))
    assert tree.xpath("//table/caption | //figure/figcaption")
    assert re.search(r'href="#ref-khan2025"', page)


def test_content_is_escaped_not_executed(write_doc, tmp_path):
    hostile = MINIMAL.replace('title: "A small brief"',
                              'title: "<b>Bold</b> {{ 7 * 7 }} {% raw %}"').replace(
        "History body.", "<script>alert(1)</script> and {{ config }}")
    written = build([write_doc(hostile)], out=tmp_path / "out", formats=["html"])
    page = written[0].job.path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>Bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; {{ 7 * 7 }} {% raw %}" in page
    # The page's text, without its <style> (whose web fonts' base64 may hold any digits).
    text = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert "{{ config }}" in text and "49" not in text


def _pages(write_doc, notes: str) -> tuple[str, str]:
    """The screen and print pages of the minimal brief, with notes set as given."""
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.render_html import render_page
    from briefgen.templates import TemplateSet
    from briefgen.view import build_view

    templates = TemplateSet(())
    doc = load(write_doc(MINIMAL.replace("History body.", "History body.^[A side note.]")))
    profile = templates.audience("academic").model_copy(update={"notes": notes})
    view = build_view(doc, profile, load_labels(templates, "en"))
    css = templates.find("css/brief.css").read_text(encoding="utf-8")
    return render_page(view, templates, css), render_page(view, templates, css, "print")


def test_print_page_leaves_out_the_notes_form_print_hides(write_doc):
    """WeasyPrint styles hidden elements too: the PDF's page holds only what it shows."""
    screen, printed = _pages(write_doc, "footnotes")
    # On screen: a call linking to the list at the end, and the note for print and Word.
    assert 'class="fn-call"' in screen and 'class="endnotes"' in screen
    assert screen.count('class="footnote"') == 2 and 'class="note-anchor"' in screen
    # In print: the notes at the foot of the page only, each joined to the word before it.
    assert 'class="fn-call"' not in printed and 'class="endnotes"' not in printed
    assert printed.count('class="footnote"') == 2 and 'class="note-anchor"' not in printed
    assert 'body.\u2060<span class="footnote">A side note.</span>' in printed

    screen, printed = _pages(write_doc, "endnotes")
    assert 'class="footnote"' in screen and 'class="footnote"' not in printed
    assert printed.count('class="fn-call"') == 2 and 'class="endnotes"' in printed


# A brief with every kind of block item, a recommendation and cross-references.
TYPED = MINIMAL.replace(
    '  history: {title: "History", lead: "Lead.", body: "History body."}\n',
    '  history:\n'
    '    title: "History"\n'
    '    lead: "Lead."\n'
    '    body: "See [@tbl:t] and [@fig:c]."\n'
    '    key_points: ["A point."]\n'
    '    quotes: [{text: "Said.", speaker: "Someone", cite: doe2024}]\n'
    '    timeline: [{date: "2016-09", title: "Began", text: "It began."}]\n'
    '    tables: [{id: t, caption: "T", columns: [a, b], rows: [["1", "2"]]}]\n'
    '    figures:\n'
    '      - {id: c, caption: "C", alt: "A chart",\n'
    '         chart: {type: bar, series: [{name: s, points: [[a, 1], [b, 2]]}]}}\n')


def _typed_view(write_doc):
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.templates import TemplateSet
    from briefgen.view import build_view

    templates = TemplateSet(())
    return build_view(load(write_doc(TYPED)), templates.audience("academic"),
                      load_labels(templates, "en"))


def test_views_are_typed_dataclasses_all_the_way_down(write_doc):
    """Every view the templates' data is made from is a frozen dataclass, not a bag."""
    import dataclasses
    import types
    import typing

    from briefgen import view as view_module
    from briefgen.chartcache import ChartView

    view = _typed_view(write_doc)
    assert TYPED != MINIMAL
    seen: set[str] = set()

    def walk(obj, where):
        assert not isinstance(obj, types.SimpleNamespace), where
        if isinstance(obj, list | tuple):
            for i, item in enumerate(obj):
                walk(item, f"{where}[{i}]")
        elif isinstance(obj, dict):
            for key, item in obj.items():
                walk(item, f"{where}[{key!r}]")
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, ChartView):
            seen.add(type(obj).__name__)
            if type(obj).__module__ == view_module.__name__:
                assert type(obj).__dataclass_params__.frozen, type(obj).__name__
            for f in dataclasses.fields(obj):
                walk(getattr(obj, f.name), f"{where}.{f.name}")

    walk(view, "view")
    assert {"DocumentView", "SectionView", "BlockView", "QuoteView", "EntryView", "TableView",
            "FigureView", "RecommendationView", "ReferenceView", "XRefTarget"} <= seen, seen
    hints = typing.get_type_hints(view_module.DocumentView)
    assert typing.Any not in hints.values(), [k for k, v in hints.items() if v is typing.Any]
    # Numbers decided in the view: cross-references point at what the edition shows.
    assert (view.xrefs["tbl:t"].number, view.xrefs["fig:c"].number) == (1, 1)


def test_charts_are_reachable_by_figure_number_for_word(write_doc):
    view = _typed_view(write_doc)
    figures = [item for section in view.sections for block in section.blocks
               if block.kind == "figures" for item in block.items]
    assert [f.number for f in figures] == [1] and view.charts[1] is figures[0].chart
    assert view.charts[1].png().startswith(b"\x89PNG\r\n\x1a\n")
