"""Loading and validating content: the example passes; mistakes are reported where they are."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLE, MINIMAL, ROOT

from briefgen.content import load
from briefgen.errors import ContentError
from briefgen.labels import load_labels
from briefgen.pipeline import load_all
from briefgen.templates import TemplateSet
from briefgen.view import build_view


def errors(path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(path)
    return [str(d) for d in info.value.diagnostics]


def test_example_is_valid():
    doc = load(EXAMPLE)
    model = doc.model
    assert model.kind == "policy-brief"
    assert 3 <= len(model.key_messages) <= 5  # the memo's limit (policymaker profile)
    assert list(model.sections.order) == ["history", "strategic", "economic", "societal",
                                          "recommendations"]
    assert len(model.references) >= 12
    assert doc.name == "pakistan-russia-brief"
    # The memo's parts: a bottom line, recommendations that each say who acts, by when,
    # at what cost and at what risk if no one does, and a short list of what to watch.
    assert model.bottom_line and model.bottom_line.strip()
    items = model.sections.recommendations.items
    assert len(items) >= 5
    for item in items:
        assert item.actors and item.horizon and item.cost and item.risk, item.title
    assert 2 <= len(model.watch) <= 6
    # A publication of an institute, not a template demo.
    meta = model.meta
    assert meta.licence and meta.licence.name == "CC BY 4.0"
    assert meta.doi or meta.isbn
    assert meta.data_as_of and meta.data_as_of <= meta.date
    assert meta.organisation and meta.organisation.address and meta.organisation.about
    assert all(author.bio for author in meta.authors)


def test_example_cites_every_reference_and_meets_the_brief():
    doc = load(EXAMPLE)
    sections = [getattr(doc.model.sections, key) for key in doc.model.sections.order]
    cited = {m.target for parsed in doc.markdown.values() for m in parsed.mentions
             if m.kind == "cite"}
    assert {r.id for r in doc.model.references} <= cited | {
        q.cite for s in sections for q in getattr(s, "quotes", [])}
    # The strategic timeline runs over the last decade, in order, up to the date the data
    # are as of and no further.
    as_of = doc.model.meta.data_as_of.isoformat()
    dates = [str(entry.date) for entry in doc.model.sections.strategic.timeline]
    assert dates == sorted(dates) and dates[-1] <= as_of
    assert int(dates[0][:4]) <= 2016 and dates[-1][:4] == as_of[:4]
    quotes = [q for s in sections for q in getattr(s, "quotes", [])]
    assert len(quotes) >= 2


SOURCES = ROOT.parent / "shared" / "sources"


def _plain(text: str) -> str:
    """Text with straight apostrophes and quotation marks and single spaces, to compare."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    return " ".join(text.translate(table).split())


@pytest.mark.parametrize("name", ["brief", "report", "book-review"])
def test_example_quotes_are_verbatim_from_the_sources(name):
    """A pull quote is the source's own words (its first letter may change case)."""
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not at {SOURCES}")
    sources = _plain(" ".join(p.read_text(encoding="utf-8")
                              for p in sorted(SOURCES.glob("*.txt"))))
    model = load(EXAMPLE.parent / f"{name}.yaml").model
    quotes = [q for key in model.sections.order
              for q in getattr(getattr(model.sections, key), "quotes", [])]
    for quote in quotes:
        text = _plain(quote.text)
        first = f"[{text[0].upper()}{text[0].lower()}]"
        assert re.search(first + re.escape(text[1:]), sources), quote.text


def test_examples_meet_every_edition_without_warnings():
    """The examples keep each edition's rules: abbreviations in the glossary, every
    recommendation field, a public list of at most 25 sources, the readability targets."""
    docs = load_all(sorted(EXAMPLE.parent.glob("*.yaml")), TemplateSet(()))
    assert sorted(doc.path.name for doc in docs) == [
        "book-review.yaml", "brief-ru.yaml", "brief-ur.yaml", "brief.yaml", "report.yaml"]
    assert [str(w) for doc in docs for w in doc.warnings] == []
    templates = TemplateSet(())
    for doc in docs:
        labels = load_labels(templates, doc.model.meta.language)
        public = build_view(doc, templates.audience("public"), labels)
        assert 0 < len(public.references) <= 25, doc.name


def test_minimal_document_is_valid(write_doc):
    doc = load(write_doc())
    assert doc.model.meta.title == "A small brief"
    assert doc.warnings == []


def test_unknown_key_names_line_field_and_suggestion(write_doc):
    path = write_doc(MINIMAL.replace("  title: \"A small brief\"", "  titel: \"A small brief\""))
    found = errors(path)
    assert any(e.startswith(f"{path}:3:3: meta.titel: unknown key 'titel'; did you mean 'title'")
               for e in found), found
    assert any("meta.title: required field 'title' is missing" in e for e in found), found


def test_every_error_is_reported_at_once(write_doc):
    text = (MINIMAL.replace("date: 2025-06-01", "date: 2025-13-01")
            .replace("horizon: short", "horizon: soon")
            .replace("type: book", "type: novel"))
    found = errors(write_doc(text))
    assert len(found) == 3, found
    assert any(":4:9: meta.date:" in e and "month must be in 1..12" in e for e in found)
    assert any(":19:" in e and "items[0].horizon: expected one of 'short', 'medium' or 'long'; "
               "found 'soon'" in e for e in found)
    assert any(":21:" in e and "references[0].type:" in e and "'novel'" in e for e in found)


def test_unknown_citation_points_into_the_block_scalar(write_doc):
    path = write_doc(MINIMAL.replace("[@doe2024]", "[@doe2042]"))
    found = errors(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:8:34:")
    assert "summary" in found[0] and "doe2042" in found[0]


def test_duplicate_keys_are_errors(write_doc):
    path = write_doc(MINIMAL.replace("audiences: [academic]\n",
                                     "audiences: [academic]\naudiences: [public]\n"))
    found = errors(path)
    assert any(f"{path}:7:" in e and "audiences" in e and "duplicate" in e for e in found)


def test_yaml_syntax_error_gives_line(write_doc):
    path = write_doc(MINIMAL.replace("key_messages: [", "key_messages: [[ "))
    found = errors(path)
    assert len(found) == 1 and found[0].startswith(f"{path}:")
    assert found[0].split(":")[1].isdigit()


@pytest.mark.parametrize(("text", "needle"), [
    ("", "empty"),
    ("- just\n- a list\n", "mapping"),
])
def test_not_a_document(write_doc, text, needle):
    found = errors(write_doc(text))
    assert any(needle in e for e in found), found


def test_key_message_count_is_enforced(write_doc):
    text = MINIMAL.replace('["First message.", "Second message.", "Third message."]',
                           '["Only one."]')
    found = errors(write_doc(text))
    assert any(":9:" in e and "key_messages" in e and "3" in e for e in found), found


def test_missing_image_is_reported(write_doc):
    text = MINIMAL.replace('authors: [{name: "Ada Analyst"}]',
                           'authors: [{name: "Ada Analyst"}]\n'
                           '  organisation: {name: "Org", logo: "logo.png"}')
    found = errors(write_doc(text))
    assert any(":6:" in e and "meta.organisation.logo" in e and "logo.png" in e
               for e in found), found


def test_image_outside_the_document_folder_is_refused(write_doc):
    text = MINIMAL.replace('authors: [{name: "Ada Analyst"}]',
                           'authors: [{name: "Ada Analyst"}]\n'
                           '  organisation: {name: "Org", logo: "../../etc/passwd"}')
    found = errors(write_doc(text))
    assert any("meta.organisation.logo" in e for e in found), found


def test_unknown_audience_in_content(write_doc):
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [academics]"))
    with pytest.raises(ContentError) as info:
        load(path, ["academic", "policymaker", "public"])
    found = [str(d) for d in info.value.diagnostics]
    assert any(":6:" in e and "academics" in e and "academic" in e for e in found), found
    assert load(path).model.audiences == ["academics"]  # no profiles given: not checked


def with_economy(extra: str) -> str:
    """MINIMAL with the economic section written out, followed by extra keys (indented)."""
    old = '  economic: {title: "Economy", lead: "Lead.", body: "Economy body."}'
    return MINIMAL.replace(old, '  economic:\n    title: "Economy"\n    lead: "Lead."\n'
                           + extra)


def test_chart_mixing_years_and_labels_is_located(write_doc):
    path = write_doc(with_economy(
        '    body: "Economy body."\n    figures:\n      - caption: "Exports"\n'
        '        alt: "Bars"\n        chart:\n          type: bar\n          series:\n'
        '            - name: "Exports"\n              points: [[1996, 13.2], ["Next", 8]]\n'))
    [message] = errors(path)
    assert message.startswith(f"{path}:21:") and "figures[0].chart" in message
    assert "quote numbers ('1996')" in message


def test_cross_references_must_name_a_table_or_figure(write_doc):
    path = write_doc(with_economy(
        '    body: "As [@tbl:trade] shows."\n    tables:\n      - id: trade\n'
        '        caption: "Trade"\n        columns: [A]\n        rows: [["1"]]\n'))
    assert load(path).model  # a known id is fine
    bad = write_doc(with_economy('    body: "As [@tbl:trad] shows."\n    tables:\n'
                                 '      - id: trade\n        caption: "Trade"\n'
                                 '        columns: [A]\n        rows: [["1"]]\n'), name="b.yaml")
    [message] = errors(bad)
    assert message.startswith(f"{bad}:16:11:") and "unknown cross-reference '@tbl:trad'" in message
    assert "@tbl:trade" in message


def test_uncited_figures_and_unused_references_are_warnings(write_doc):
    text = with_economy('    body: |\n      Trade fell to $3 million in 2020.\n\n'
                        '      Trade recovered [@doe2024].\n')
    text += '  - {id: unused2020, type: book, authors: ["Un, Used"], title: "T", date: 2020}\n'
    warnings = [str(w) for w in load(write_doc(text)).warnings]
    assert any(":17:" in w and "paragraph states figures or dates ('$3')" in w
               for w in warnings), warnings
    assert any("reference 'unused2020' is never cited" in w for w in warnings), warnings
    assert len(warnings) == 2, warnings
