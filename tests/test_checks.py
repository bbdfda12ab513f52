"""The checks and the Markdown fields: every problem of a file in one round; one declaration.

A file with schema errors still has its citations, cross-references, images and characters
checked; the fields that hold Markdown are declared once, on the models' types, and the
view can ask for no other; each check runs on data of any shape without crashing.
"""

from __future__ import annotations

import copy
import shutil
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from test_structure import PACKAGE, import_graph

from briefgen import view
from briefgen.checks import CHECKS, run_checks
from briefgen.content import LoadedDocument, MarkdownFieldError, load
from briefgen.draft import Draft
from briefgen.errors import ContentError, Diagnostic
from briefgen.fields import is_markdown_path, markdown_texts
from briefgen.labels import load_labels
from briefgen.loader import load_text, load_yaml
from briefgen.markdown import parse
from briefgen.models import KINDS, PolicyBrief
from briefgen.templates import TemplateSet

EXAMPLES = sorted([*(ROOT / "content").glob("*/*.yaml"),
                   *(ROOT / "templates" / "starters").glob("*.yaml")])
AUDIENCES = ["academic", "policymaker", "public"]


def refused(path: Path, audiences: list[str] | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(path, audiences)
    return [str(d) for d in caught.value.diagnostics]


# -- every error of a file in one round ---------------------------------------------------

SIX_MISTAKES = (MINIMAL
                .replace("horizon: short", "horizon: soon")  # schema: not one of the three
                .replace("type: book", "type: novel")  # schema: not a reference type
                .replace('"Third message."]', '"Third message.", 4]')  # schema: not text
                .replace("[@doe2024]", "[@doe2042]")  # check: unknown citation
                .replace('body: "History body."', 'body: "As [@fig:nope] shows."')  # xref
                .replace("audiences: [academic]", "audiences: [academics]"))  # audience


def test_three_schema_and_three_check_mistakes_are_reported_in_one_round(write_doc):
    found = refused(write_doc(SIX_MISTAKES), AUDIENCES)
    assert len(found) == 6, found
    for field, words in [
        ("sections.recommendations.items[0].horizon", "expected one of"),
        ("references[0].type", "'novel'"),
        ("key_messages[3]", "expected text"),
        ("summary", "unknown citation '@doe2042'; did you mean 'doe2024'?"),
        ("sections.history.body", "unknown cross-reference '@fig:nope'"),
        ("audiences[0]", "unknown audience 'academics'; did you mean 'academic'?"),
    ]:
        assert any(f": {field}: " in line and words in line for line in found), (field, found)


def test_a_document_that_fails_validation_as_a_whole_still_has_its_text_checked(write_doc):
    """No sections, no meta: nothing validates below the top, and the text is still read."""
    text = ("kind: policy-brief\n"
            "summary: |\n"
            "  See [@nobody].\n"
            "  A [file](file:///etc/passwd) and a face \U0001F600.\n"
            "key_messages: [\"One.\", \"Two.\", \"Three.\"]\n")
    path = write_doc(text)
    found = refused(path)
    assert found == [
        f"{path}:1:1: meta: required field 'meta' is missing",
        f"{path}:1:1: sections: required field 'sections' is missing",
        f"{path}:3:8: summary: unknown citation '@nobody'; add it under 'references'",
        f"{path}:4:12: summary: link target 'file:///etc/passwd' is not allowed; links must "
        "start with https://, http://, mailto: or #",
        f"{path}:4:43: summary: character '\U0001F600' (U+1F600, grinning face) is in none of "
        "the bundled fonts (Charis SIL, Inter, Noto Naskh Arabic), so the PDF could not show "
        "it as written; remove it or write it in words",
    ], found


def test_checks_read_what_did_validate_and_pass_over_the_rest(write_doc, tmp_path):
    """A malformed reference still names its id; a malformed figure still names its file."""
    text = MINIMAL.replace("type: book", "type: novel").replace(
        'history: {title: "History", lead: "Lead.", body: "History body."}',
        'history:\n    title: "History"\n    body: "Body."\n    figures:\n'
        '      - {caption: "F", image: missing.png}\n')  # no alt: a schema error
    found = refused(write_doc(text))
    assert not any("unknown citation" in line for line in found), found
    assert any("figures[0].alt: required field 'alt' is missing" in line for line in found)
    assert any("figures[0].image: image file 'missing.png' not found" in line
               for line in found), found


def test_each_problem_is_reported_once(write_doc):
    """A bad date is both a YAML problem and a schema error at one place: one message."""
    found = refused(write_doc(MINIMAL.replace("date: 2025-06-01", "date: 2025-13-01")))
    assert len(found) == 1 and "month must be in 1..12" in found[0], found


# -- the checks run on data of any shape ----------------------------------------------------

KEYS = ["kind", "meta", "summary", "key_messages", "sections", "history", "recommendations",
        "references", "id", "cite", "quotes", "timeline", "tables", "figures", "rows",
        "columns", "image", "text", "items", "body", "lead", "audiences", "organisation",
        "logo", "source", "url", "assessment", "gaps", "verdict"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.binary(max_size=8)
           | st.text(string.printable + "é—😀\u202e", max_size=12)
           | st.sampled_from(["[@a]", "[@fig:x]", "[@tbl:y; @a]", "a", "x.png", "[l](file:x)"]))
SHAPES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | st.integers(), inner,
                                        max_size=5), max_leaves=30)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(KEYS), SHAPES, max_size=8),
       kind=st.sampled_from(sorted(KINDS)))
def test_every_check_takes_data_of_any_shape(tmp_path, data, kind):
    _, smap = load_text(tmp_path / "x.yaml", "kind: x\n")
    texts = dict(markdown_texts(KINDS[kind], data))
    draft = Draft(tmp_path / "x.yaml", KINDS[kind], data, smap, texts,
                  {where: parse(text) for where, text in texts.items()}, AUDIENCES)
    for diagnostic in run_checks(draft):
        assert isinstance(diagnostic, Diagnostic) and diagnostic.message


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, path + (index,))
    return out


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_loading_an_example_with_any_value_replaced_reports_or_passes(data):
    """A real document with one value (a section, a table, a cell) of a random shape."""
    example = data.draw(st.sampled_from(EXAMPLES[:3]))
    raw, _ = load_yaml(example)
    where = data.draw(st.sampled_from(_paths(raw)[1:]))
    parent = raw
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = data.draw(SHAPES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, example.name)
        shutil.copy(example.parent / "logo.png", folder)
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        try:
            load(path, AUDIENCES)
        except ContentError as exc:
            assert exc.diagnostics and all(d.message for d in exc.diagnostics)


EVERY_PART = MINIMAL.replace(
    'history: {title: "History", lead: "Lead.", body: "History body."}',
    'history:\n    title: "History"\n    body: "See [@tbl:t] and [@fig:f] [@doe2024]."\n'
    '    key_points: ["A point."]\n'
    '    quotes: [{text: "Said.", speaker: "S", cite: doe2024}]\n'
    '    timeline: [{date: 2016, title: "T", text: "Then.", cite: doe2024}]\n'
    '    tables: [{id: t, caption: "C", columns: [a, b], rows: [[x, y]], source: "S."}]\n'
    '    figures: [{id: f, caption: "F", alt: "A", image: logo.png, source: "S."}]\n'
).replace('authors: [{name: "Ada Analyst"}]',
          'authors: [{name: "Ada Analyst"}]\n  organisation: {name: "O", logo: logo.png}')
WRONG_SHAPES = [None, 7, "x", [], {}, [1], {"a": 1}, [[1]], b"\xff"]


def test_every_check_takes_any_value_of_a_document_replaced_by_any_shape(tmp_path):
    """Each value of a document using every part, replaced in turn by each wrong shape."""
    Image.new("RGB", (2, 2)).save(tmp_path / "logo.png")
    path = tmp_path / "brief.yaml"
    original, smap = load_text(path, EVERY_PART)
    texts = dict(markdown_texts(PolicyBrief, original))
    assert run_checks(Draft(path, PolicyBrief, original, smap, texts,
                            {w: parse(t) for w, t in texts.items()}, AUDIENCES)) == []
    for where in _paths(original)[1:]:
        for shape in WRONG_SHAPES:
            data = copy.deepcopy(original)
            parent = data
            for part in where[:-1]:
                parent = parent[part]
            parent[where[-1]] = shape
            texts = dict(markdown_texts(PolicyBrief, data))
            draft = Draft(path, PolicyBrief, data, smap, texts,
                          {w: parse(t) for w, t in texts.items()}, AUDIENCES)
            for diagnostic in run_checks(draft):
                assert isinstance(diagnostic, Diagnostic) and diagnostic.message, (where, shape)


def test_adding_a_check_is_one_entry():
    def no_tabs(draft: Draft) -> list[Diagnostic]:
        return [draft.source.diagnostic(where, "a tab") for where, text in draft.texts.items()
                if "\t" in text]

    path = ROOT / "content" / "pakistan-russia" / "brief.yaml"
    data, smap = load_text(path, MINIMAL.replace("History body.", "History\tbody."))
    texts = dict(markdown_texts(PolicyBrief, data))
    draft = Draft(path, PolicyBrief, data, smap, texts,
                  {where: parse(text) for where, text in texts.items()})
    assert run_checks(draft) == []
    [found] = run_checks(draft, (*CHECKS, no_tabs))
    assert found.field == "sections.history.body" and found.line == 11
    assert all(check.__doc__ for check in CHECKS)


# -- the Markdown fields: declared once -----------------------------------------------------

@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name + "/" + p.name)
def test_the_view_asks_only_for_declared_markdown_fields(example, monkeypatch):
    """Build every audience's view of every example, recording each field it reads."""
    doc = load(example, AUDIENCES)
    asked: list[tuple] = []
    original = LoadedDocument.md

    def recording(self: LoadedDocument, *path: object) -> object:
        asked.append(tuple(path))
        return original(self, *path)

    monkeypatch.setattr(LoadedDocument, "md", recording)
    templates = TemplateSet(())
    labels = load_labels(templates, doc.model.meta.language)
    for audience in doc.model.audiences:
        view.build_view(doc, templates.audience(audience), labels)
    assert ("summary",) in asked and ("key_messages", 0) in asked
    kind = type(doc.model)
    undeclared = [path for path in asked if not is_markdown_path(kind, path)]
    assert not undeclared, f"the view reads fields not declared as Markdown: {undeclared}"
    assert set(asked) <= set(doc.markdown)


def test_markdown_fields_come_from_the_types():
    data = {"summary": "s", "key_messages": ["a", 1, "c"], "meta": {"title": "not markdown"},
            "sections": {"history": {"title": "t", "lead": "l", "quotes": [{"text": "q"}],
                                     "tables": [{"caption": "c", "rows": [["x", None]]}]},
                         "recommendations": {"items": [{"text": "do", "title": "t"}]},
                         "nonsense": {"lead": "x"}},
            "references": [{"title": "r"}]}
    assert [path for path, _ in markdown_texts(PolicyBrief, data)] == [
        ("summary",), ("key_messages", 0), ("key_messages", 2),
        ("sections", "history", "lead"), ("sections", "history", "quotes", 0, "text"),
        ("sections", "history", "tables", 0, "rows", 0, 0),
        ("sections", "recommendations", "items", 0, "text")]
    assert is_markdown_path(PolicyBrief, ("sections", "economic", "figures", 2, "source"))
    assert not is_markdown_path(PolicyBrief, ("sections", "economic", "figures", 2, "caption"))
    assert not is_markdown_path(PolicyBrief, ("assessment", "verdict"))
    assert is_markdown_path(KINDS["book-review"], ("assessment", "verdict"))
    assert is_markdown_path(KINDS["report"], ("sections", "annex", "body"))


def test_md_refuses_a_field_that_is_not_markdown_naming_it(write_doc):
    doc = load(write_doc())
    assert doc.md("sections", "history", "body").blocks
    with pytest.raises(MarkdownFieldError, match=r"^meta\.title is not a Markdown field"):
        doc.md("meta", "title")
    with pytest.raises(MarkdownFieldError, match=r"sections\.recommendations\.body .*no text"):
        doc.md("sections", "recommendations", "body")
    assert not isinstance(MarkdownFieldError("x"), KeyError)


# -- the layers ---------------------------------------------------------------------------

def test_loading_imports_nothing_above_it():
    graph = import_graph(PACKAGE)

    def below(name: str, seen: set[str]) -> set[str]:
        for other in graph[name] - seen:
            seen.add(other)
            below(other, seen)
        return seen

    above = {"templates", "output", "discover", "view", "pipeline", "render", "cli", "api"}
    assert not below("content", set()) & above, below("content", set())
    assert not below("diagnostics", set()) & {"content", *above}


def test_document_names_follow_the_output_rule(tmp_path):
    from briefgen.paths import document_name

    assert document_name(ROOT / "content" / "pakistan-russia" / "brief.yaml") == \
        "pakistan-russia-brief"
    assert document_name(tmp_path / "brief" / "brief.yaml") == "brief"
    assert document_name(tmp_path / "x" / "index.yaml") == "x"


def test_the_glyph_check_reads_the_built_in_fonts():
    from briefgen.checks_text import bundled_glyphs

    assert {"a", "ж", "ب", "‣"} <= bundled_glyphs()
    assert "\U0001F600" not in bundled_glyphs()  # no emoji font is bundled


def test_the_ranges_taken_as_covered_are_in_the_bundled_fonts():
    from briefgen.checks_text import COVERED, bundled_glyphs

    covered = {chr(c) for c in range(0x3000) if COVERED.match(chr(c))}
    assert len(covered) >= 1500
    assert covered <= bundled_glyphs(), sorted(covered - bundled_glyphs())[:10]
