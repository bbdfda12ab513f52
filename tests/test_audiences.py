"""Audience variants differ as their profiles say; limits are checked; themes apply."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE, MINIMAL, SECTION_TITLES
from pypdf import PdfReader

from briefgen.errors import ContentError
from briefgen.pipeline import build, find_documents, load_all
from briefgen.templates import TemplateSet


def flat_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    out = tmp_path_factory.mktemp("variants")
    written = build([EXAMPLE], out=out, formats=["pdf", "html"])
    return {(w.job.audience, w.job.format): w.job.path for w in written}


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


def test_policymaker_brief_is_a_two_page_memo(variants):
    pdf = variants[("policymaker", "pdf")]
    assert len(PdfReader(pdf).pages) <= 2
    text = flat_text(pdf)
    order = positions(text, ["BOTTOM LINE", "KEY MESSAGES", SECTION_TITLES["recommendations"],
                             "What to watch"])
    assert order == sorted(order)
    for sid in ("history", "strategic", "economic", "societal"):  # a memo, not the argument
        assert SECTION_TITLES[sid] not in text
    assert "References" not in text and "Glossary" not in text
    assert "Cost or trade-off:" in text and "Risk of not acting:" in text
    assert "Short term (within a year)" in text or "Medium term (one to three years)" in text
    assert "Noor, Zahir, and Ullah, “Pakistan–Russia Relations.”" not in text  # no citations


def test_academic_has_everything_in_document_order(variants):
    pdf = variants[("academic", "pdf")]
    assert 5 <= len(PdfReader(pdf).pages) <= 8
    text = flat_text(pdf)
    order = positions(text, list(SECTION_TITLES.values()) + ["Glossary", "References"])
    assert order == sorted(order)
    assert "Sources differ on the year" in text and "Table 1." in text
    assert "Further reading" not in text


def test_public_shows_tables_and_timeline_with_sources_not_notes(variants):
    text = flat_text(variants[("public", "pdf")])
    assert "Table 1." in text
    order = positions(text, [SECTION_TITLES["recommendations"], "Glossary", "Sources"])
    assert order == sorted(order)
    assert "Notes" not in text.split(SECTION_TITLES["recommendations"])[-1]  # no endnotes
    html = variants[("public", "html")].read_text(encoding="utf-8")
    assert "--primary: #1d5c4d" in html  # the public theme
    assert 'class="timeline"' in html


def test_public_glossary_lists_only_terms_the_text_uses(write_doc, tmp_path):
    text = MINIMAL.replace('lead: "Lead.", body: "Economy body."',
                           'lead: "Trade runs through the SCO.", body: "Economy body."') + (
        'glossary: {SCO: "Shanghai Cooperation Organisation", XYZ: "Never mentioned"}\n')
    path = write_doc(text.replace("audiences: [academic]", "audiences: [academic, public]"))
    written = build([path], out=tmp_path / "out", formats=["html"])
    pages = {w.job.audience: w.job.path.read_text(encoding="utf-8") for w in written}
    assert "Never mentioned" in pages["academic"] and "Never mentioned" not in pages["public"]
    assert "Shanghai Cooperation Organisation" in pages["public"]


def test_short_references_list_only_what_the_variant_cites(write_doc, tmp_path):
    text = MINIMAL.replace("History body.", "Old history [@old1990].") + (
        '  - {id: old1990, type: book, authors: ["Old, Ann"], title: "Old Book", date: 1990}\n')
    path = write_doc(text.replace("audiences: [academic]", "audiences: [academic, public]"))
    written = build([path], out=tmp_path / "out", formats=["html"])
    pages = {w.job.audience: w.job.path.read_text(encoding="utf-8") for w in written}
    assert "Old Book" in pages["academic"]
    assert "Old Book" not in pages["public"]  # history body is not shown there
    assert "A Book" in pages["public"]


def user_profile(folder, name: str, body: str):
    (folder / "audiences").mkdir(parents=True, exist_ok=True)
    (folder / "audiences" / f"{name}.yaml").write_text(body, encoding="utf-8")
    return folder


def test_letter_paper_from_a_user_profile(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "us", "label: US readers\npage_size: Letter\n")
    written = build([write_doc()], out=tmp_path / "out", audiences=["us"], formats=["pdf"],
                    templates=[templates])
    box = PdfReader(written[0].job.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_limits_are_warnings_with_locations(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "terse", "label: Terse\n"
                             "limits: {key_messages: 2, words_per_section: 1}\n")
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [terse]"))
    docs = load_all(find_documents([path]), TemplateSet((templates,)))
    warnings = [str(w) for w in docs[0].warnings]
    assert f"{path}:9:15: warning: key_messages: 3 key messages (the terse profile allows 2)" \
        in warnings
    assert any(w.startswith(f"{path}:11:") and "sections.history.body: 3 words" in w
               for w in warnings), warnings


def test_broken_profile_is_reported_with_its_file(tmp_path, write_doc):
    templates = user_profile(tmp_path / "tpl", "odd", "label: Odd\nreferences: some\n")
    with pytest.raises(ContentError) as info:
        load_all(find_documents([write_doc()]), TemplateSet((templates,)))
    message = str(info.value.diagnostics[0])
    assert "odd.yaml:2:" in message and "references" in message and "'short'" in message


# Words and citations that stand only in block items, not in running text.
HIDDEN_PLACES = MINIMAL.replace(
    '  history: {title: "History", lead: "Lead.", body: "History body."}\n',
    '  history:\n'
    '    title: "History of the SCO"\n'
    '    lead: "Lead."\n'
    '    quotes: [{text: "Said.", speaker: "Someone", cite: quoted2020}]\n'
    '    timeline: [{date: "2016", title: "EU talks", cite: dated2021}]\n'
    '    tables: [{caption: "Output", columns: [GDP, Year], rows: [["1", "2"]]}]\n'
    '    figures:\n'
    '      - {caption: "The ABC series", alt: "A chart",\n'
    '         chart: {type: bar, series: [{name: s, points: [[a, 1], [b, 2]]}]}}\n',
).replace('actors: ["Everyone"]', 'actors: ["NATO"]') + (
    '  - {id: quoted2020, type: book, authors: ["Quo, Ann"], title: "Quoted", date: 2020}\n'
    '  - {id: dated2021, type: book, authors: ["Dat, Bob"], title: "Dated", date: 2021}\n'
    '  - {id: unused2000, type: book, authors: ["Un, Cy"], title: "Unused", date: 2000}\n'
    'glossary: {GDP: g, NATO: n, ABC: a, EU: e, SCO: s, XYZ: never}\n')


def test_the_view_finds_cites_and_words_inside_block_items(write_doc):
    """Short references and the used-terms glossary see quotes, entries, tables, figures."""
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.view import build_view

    templates = TemplateSet(())
    profile = templates.audience("academic").model_copy(
        update={"references": "short", "glossary": "used"})
    view = build_view(load(write_doc(HIDDEN_PLACES)), profile, load_labels(templates, "en"))
    assert {ref.id for ref in view.references} == {"doe2024", "quoted2020", "dated2021"}
    assert view.linked_refs == {"doe2024", "quoted2020", "dated2021"}
    assert [term for term, _ in view.glossary] == ["ABC", "EU", "GDP", "NATO", "SCO"]


def test_a_profile_picks_sections_references_and_terms():
    from briefgen.models import Reference
    from briefgen.profiles import AudienceProfile

    profile = AudienceProfile(label="x", sections=["economic", "history"], references="short",
                              glossary="used")
    order = ["history", "strategic", "economic"]
    assert profile.section_order("policy-brief", order) == ["economic", "history"]
    assert profile.section_order("book-review", order) == ["history", "economic"]
    assert AudienceProfile(label="x").section_order("report", order) == order
    refs = [Reference(id=i, type="book", title=t, authors=[a])
            for i, t, a in (("b", "Bee", "Zed, A"), ("a", "Ay", "Ab, B"))]
    assert [r.id for r in profile.listed_references(refs, {"b"})] == ["b"]
    full = profile.model_copy(update={"references": "full"})
    assert [r.id for r in full.listed_references(refs, set())] == ["a", "b"]  # sorted
    glossary = {"SCO": "s", "eu": "e", "UN": "u"}  # whole words only, case kept
    assert profile.listed_terms(glossary, "the eu and the UNESCO, SCO-wide") == [("eu", "e")]
    assert profile.model_copy(update={"glossary": "all"}).listed_terms(glossary, "") == [
        ("eu", "e"), ("SCO", "s"), ("UN", "u")]
    assert profile.model_copy(update={"glossary": "hidden"}).listed_terms(glossary, "EU") == []
