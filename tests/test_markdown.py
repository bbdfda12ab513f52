"""Markdown in content fields becomes the intermediate document model."""

from __future__ import annotations

from briefgen.docmodel import (
    BlockQuote,
    Cite,
    CiteItem,
    Emph,
    Link,
    ListBlock,
    Note,
    Para,
    Strong,
    Text,
)
from briefgen.markdown import parse


def test_paragraphs_emphasis_and_links():
    parsed = parse("One *two* **three** [four](https://example.org).\n\nSecond paragraph.")
    assert parsed.blocks == [
        Para([Text("One "), Emph([Text("two")]), Text(" "), Strong([Text("three")]), Text(" "),
              Link("https://example.org", [Text("four")]), Text(".")]),
        Para([Text("Second paragraph.")]),
    ]


def test_lists_and_quotes():
    parsed = parse("- a\n- b\n\n1. one\n2. two\n\n> quoted\n")
    bullet, numbered, quote = parsed.blocks
    assert isinstance(bullet, ListBlock) and not bullet.ordered
    assert bullet.items == [[Para([Text("a")])], [Para([Text("b")])]]
    assert isinstance(numbered, ListBlock) and numbered.ordered and len(numbered.items) == 2
    assert quote == BlockQuote([Para([Text("quoted")])])


def test_citations_with_locator_prefix_and_year_only():
    parsed = parse("As argued [see @khan2025, p. 4; @noor2025] and by Noor [-@noor2025].")
    cites = [node for node in parsed.blocks[0].children if isinstance(node, Cite)]
    assert cites == [
        Cite([CiteItem("khan2025", "p. 4", "see"), CiteItem("noor2025")]),
        Cite([CiteItem("noor2025", suppress_author=True)]),
    ]
    assert [(m.target, m.kind) for m in parsed.mentions] == [
        ("khan2025", "cite"), ("noor2025", "cite"), ("noor2025", "cite")]


def test_citation_mentions_carry_their_line():
    parsed = parse("first line\nsecond [@a]\n\nthird [@b]")
    assert [(m.target, m.line) for m in parsed.mentions if m.kind == "cite"] == [
        ("a", 1), ("b", 3)]


def test_plain_brackets_and_email_are_not_citations():
    parsed = parse("A [note] and mail@example.org.")
    assert not any(isinstance(n, Cite) for n in parsed.blocks[0].children)
    assert "".join(n.text for n in parsed.blocks[0].children if isinstance(n, Text)) == \
        "A [note] and mail@example.org."


def test_inline_footnote_holds_rich_text():
    parsed = parse("Claim.^[Sources differ; see [@khan2025].]")
    note = parsed.blocks[0].children[-1]
    assert isinstance(note, Note)
    assert note.children[0] == Text("Sources differ; see ")
    assert isinstance(note.children[1], Cite)


def test_raw_html_and_template_syntax_stay_text():
    parsed = parse("<script>alert(1)</script> {{ 7 * 7 }} {% if x %}")
    text = "".join(n.text for n in parsed.inlines if isinstance(n, Text))
    assert "<script>alert(1)</script>" in text
    assert "{{ 7 * 7 }}" in text and "{% if x %}" in text


def test_unsafe_link_schemes_are_not_links():
    parsed = parse("[click](javascript:alert(1))")
    assert not any(isinstance(n, Link) for n in parsed.inlines)


def test_images_in_text_become_plain_links():
    # Figures are blocks with local files; an image in running text is never fetched.
    parsed = parse("![alt](http://example.org/x.png)")
    assert parsed.inlines == [Text("!"), Link("http://example.org/x.png", [Text("alt")])]


def test_a_text_parsed_again_is_the_same_object_and_rendering_changes_no_node():
    """parse keeps what it parsed (a preview loads a report again after every save), so
    every renderer must leave the nodes as they are: here, every edition of the example
    report as a web page and every edition of the brief in Word."""
    import copy

    from conftest import EXAMPLE

    from briefgen.content import load
    from briefgen.render import render_outputs
    from briefgen.templates import for_documents

    assert parse("A *b* [@c].") is parse("A *b* [@c].")
    assert parse("A *b* [@c].") is not parse("A *b* [@c].", "«»“”")
    for name, formats in (("report.yaml", ["html"]), ("brief.yaml", ["docx"])):
        source = EXAMPLE.with_name(name)
        templates = for_documents([source])
        doc = load(source, list(templates.audiences))
        before = copy.deepcopy(doc.markdown)
        assert load(source, list(templates.audiences)).markdown[next(iter(before))] \
            is doc.markdown[next(iter(before))]
        for audience in doc.model.audiences:
            render_outputs(doc, audience, formats, templates)
        assert doc.markdown == before
