"""Audience editions designed for their readers: the policymaker memo, the public edition,
abbreviations spelled out at first use, per-kind profile options, required recommendation
fields, the book's own recommendations, and table and figure numbers that never change."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import docx
import pytest
from conftest import need

from briefgen.content import load
from briefgen.context import build_context
from briefgen.edition_checks import limit_warnings
from briefgen.errors import ContentError
from briefgen.labels import load_labels
from briefgen.pipeline import build, find_documents, load_all
from briefgen.templates import TemplateSet
from briefgen.view import build_view

SCO = "Shanghai Cooperation Organisation (SCO)"

MEMO = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "A small brief"
      date: 2025-06-01
      authors: [{name: "Ada Analyst"}]
    audiences: [policymaker, academic, public]
    summary: |
      The summary says the SCO matters [@doe2024].
    bottom_line: |
      Work through the SCO now; an LNG deal is within reach.
    key_messages: ["The SCO is growing.", "Trade is small.", "Gas is the test."]
    sections:
      history:
        title: "The SCO years"
        lead: "History lead on the SCO."
        body: "History body [@old1990]."
        timeline: [{date: 2001, title: "SCO founded", text: "Six states found it."}]
        tables:
          - {id: first, caption: "SCO members", columns: ["SCO", "Year"],
             rows: [["Pakistan", "2017"]]}
      strategic:
        title: "Strategy"
        lead: "Strategy lead, see [@tbl:second]."
        body: "Strategy body."
      economic:
        title: "Economy"
        lead: "Economy lead."
        body: "Economy body."
        tables:
          - {id: second, caption: "Trade", columns: ["Year", "Value"], rows: [["2024", "1"]]}
      societal: {title: "Society", lead: "Society lead.", body: "Society body."}
      recommendations:
        title: "Recommendations"
        lead: "Three steps."
        items:
          - title: "Use the forum"
            text: "Raise trade at the SCO."
            actors: ["Ministry of Commerce"]
            horizon: short
            priority: high
            cost: "Staff time."
            risk: "The window closes."
          - {title: "Build the pipeline", text: "Fund the study.", actors: ["Ministry"],
             horizon: long, cost: "Money.", risk: "Shortages."}
    watch: ["Whether the SCO summit is held."]
    references:
      - {id: doe2024, type: book, authors: ["Doe, Jane"], title: "A Book", date: 2024}
      - {id: old1990, type: book, authors: ["Old, Ann"], title: "Old Book", date: 1990}
    glossary: {SCO: "Shanghai Cooperation Organisation", LNG: "liquefied natural gas"}
    """)

BOOK_REVIEW = textwrap.dedent("""\
    kind: book-review
    meta:
      title: "Review of a book"
      date: 2025-06-01
      authors: [{name: "Ada Analyst"}]
    audiences: [policymaker, academic]
    summary: "The book argues one thing."
    key_messages: ["One.", "Two.", "Three."]
    book: {title: "The Book", editors: ["Nigar, Neelum"], publisher: "Press", year: 2025}
    reviewer: {name: "Ada Analyst"}
    sections:
      history: {title: "Part I", lead: "Part one's lead.", body: "Body."}
      recommendations:
        title: "What the book recommends"
        items:
          - {title: "Open a corridor", text: "The book proposes a corridor.",
             actors: ["Both governments"], horizon: short, priority: high,
             source: "Part IV; chapter by Irina Serenko"}
    assessment:
      strengths: ["Wide."]
      gaps: ["Thin."]
      verdict: "Worth reading."
    """)


def pdf_text(path: Path) -> str:
    need("pdftotext")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return " ".join(" ".join(parts).split())


def html_text(path: Path) -> str:
    body = path.read_text(encoding="utf-8").split("<body", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


@pytest.fixture(scope="module")
def memo(tmp_path_factory):
    """The small brief built in every format for its three audiences: {(audience, fmt): path}."""
    folder = tmp_path_factory.mktemp("memo")
    (folder / "brief.yaml").write_text(MEMO, encoding="utf-8")
    written = build([folder / "brief.yaml"], out=folder / "out")
    return {(w.job.audience, w.job.format): w.job.path for w in written}


def view_of(path: Path, audience: str, templates: TemplateSet | None = None):
    templates = templates or TemplateSet(())
    return build_view(load(path), templates.audience(audience), load_labels(templates, "en"))


def user_profile(folder: Path, name: str, body: str) -> Path:
    (folder / "audiences").mkdir(parents=True, exist_ok=True)
    (folder / "audiences" / f"{name}.yaml").write_text(body, encoding="utf-8")
    return folder


# -- the policymaker memo ---------------------------------------------------------------
def test_policymaker_brief_is_a_memo_in_order(memo):
    needles = ["Bottom line", "Key messages", "Recommendations", "Use the forum",
               "Who should act: Ministry of Commerce", "Cost or trade-off: Staff time.",
               "Risk of not acting: The window closes.", "What to watch"]
    for text in (html_text(memo["policymaker", "html"]),
                 pdf_text(memo["policymaker", "pdf"]).replace("BOTTOM LINE", "Bottom line")
                 .replace("KEY MESSAGES", "Key messages"),
                 docx_text(memo["policymaker", "docx"])):
        order = positions(text, needles)
        assert order == sorted(order)
        # The horizon says what it means; the analysis and its notes are not in the memo.
        assert "Short term (within a year)" in text and "Long term (beyond three years)" in text
        assert "Strategy lead" not in text and "History body" not in text
        assert "Executive summary" not in text and "Doe" not in text


def test_memo_falls_back_to_the_summary_without_a_bottom_line(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO.replace("bottom_line: |\n  Work through the SCO now; an LNG deal is "
                                 "within reach.\n", ""), encoding="utf-8")
    view = view_of(path, "policymaker")
    assert view.opening == "summary" and view.summary and not view.bottom_line


def test_report_policymaker_has_the_memo_parts_and_section_leads(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text(MEMO.replace("kind: policy-brief", "kind: report"), encoding="utf-8")
    view = view_of(path, "policymaker")
    assert view.opening == "bottom_line" and view.watch
    assert [s.id for s in view.sections] == ["recommendations", "strategic", "economic",
                                            "societal", "history"]
    assert all(not s.body for s in view.sections)  # leads only
    assert view.audience.limits.pages is None  # a report has no page limit


# -- abbreviations ----------------------------------------------------------------------
def test_abbreviations_are_spelled_out_once_at_first_use_in_every_format(memo):
    for fmt, read in (("html", html_text), ("pdf", pdf_text), ("docx", docx_text)):
        text = read(memo["policymaker", fmt])
        assert text.count(SCO) == 1, fmt
        # The first SCO in running text is the bottom line's; the key messages' is bare.
        assert text.find(SCO) < text.find("The SCO is growing"), fmt
        assert "a liquefied natural gas (LNG) deal" in text, fmt  # "an LNG" -> "a …"
    public = html_text(memo["public", "html"])
    assert public.count(SCO) == 1
    # Not in headings, captions or column heads: the first use in running text is the key
    # messages' (the section title "The SCO years" comes later and keeps its words).
    assert public.find(SCO) < public.find("The SCO years")
    assert "Table 1. SCO members" in public
    assert SCO not in html_text(memo["academic", "html"])  # the academic edition as written


def test_an_expansion_the_author_wrote_is_left_alone(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO.replace("Work through the SCO now", "Work through the Shanghai "
                                 "Cooperation Organisation (SCO) now"), encoding="utf-8")
    context = build_context(view_of(path, "policymaker"))
    text = " ".join([context["doc"]["bottom_line"], *context["doc"]["key_messages"]])
    assert text.count("Shanghai Cooperation Organisation") == 1
    assert "The SCO is growing" in text


def test_an_abbreviation_the_glossary_lacks_is_a_located_warning(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO.replace("Gas is the test.", "Gas is the JMCC's test.")
                    .replace("Fund the study.", "Fund the study in Part IV."), encoding="utf-8")
    docs = load_all(find_documents([path]), TemplateSet(()))
    warnings = [str(w) for w in docs[0].warnings if "glossary" in w.message]
    line = MEMO.splitlines().index('key_messages: ["The SCO is growing.", "Trade is small.", '
                                   '"Gas is the test."]') + 1
    column = 'key_messages: ["The SCO is growing.", "Trade is small.", "Gas is the '.find(
        "Gas") + len("Gas is the ") + 1
    for audience in ("policymaker", "public"):  # both spell abbreviations out
        assert (f"{path}:{line}:{column}: warning: key_messages[2]: 'JMCC' is not in the "
                f"glossary, so the {audience} edition cannot spell it out (add it to "
                f"`glossary:`)") in warnings, warnings
    assert len(warnings) == 2  # not the academic edition, and not "IV"


# -- profile options --------------------------------------------------------------------
def test_kinds_override_the_profile_for_one_kind(tmp_path):
    templates = TemplateSet((user_profile(tmp_path / "tpl", "brisk", textwrap.dedent("""\
        label: Brisk
        text: full
        watch: false
        kinds:
          policy-brief: {text: lead, sections: [economic, history]}
        """)),))
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO, encoding="utf-8")
    brief = view_of(path, "brisk", templates)
    assert [s.id for s in brief.sections] == ["economic", "history"]
    assert all(not s.body for s in brief.sections) and not brief.watch  # watch: the profile's
    report = tmp_path / "report.yaml"
    report.write_text(MEMO.replace("kind: policy-brief", "kind: report"), encoding="utf-8")
    view = view_of(report, "brisk", templates)
    assert len(view.sections) == 5
    assert all(s.body for s in view.sections if s.id != "recommendations")


def test_a_bad_key_in_kinds_is_located_in_the_profile(tmp_path):
    templates = TemplateSet((user_profile(tmp_path / "tpl", "odd", textwrap.dedent("""\
        label: Odd
        kinds:
          report:
            text: lead
            watches: true
        """)),))
    with pytest.raises(ContentError) as info:
        templates.audience("odd")
    message = str(info.value.diagnostics[0])
    assert "odd.yaml:5:" in message and "kinds.report.watches" in message


def test_recommendation_fields_warn_for_each_missing_one(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO.replace('horizon: long, cost: "Money.", risk: "Shortages."',
                                 'cost: "Money."'), encoding="utf-8")
    docs = load_all(find_documents([path]), TemplateSet(()))
    warnings = [str(w) for w in docs[0].warnings if "recommendation 2" in w.message]
    line = path.read_text().splitlines().index(
        '      - {title: "Build the pipeline", text: "Fund the study.", actors: ["Ministry"],') + 1
    assert warnings == [
        f"{path}:{line}:9: warning: sections.recommendations.items[1]: recommendation 2 has "
        "no horizon, risk (the policymaker edition shows each recommendation's actors, "
        "horizon, cost, risk)"]


# -- the public edition -----------------------------------------------------------------
def test_public_shows_tables_timeline_and_a_short_source_list(memo):
    html = memo["public", "html"].read_text(encoding="utf-8")
    text = html_text(memo["public", "html"])
    assert 'class="timeline"' in html and "Six states found it." in text
    assert "Table 1. SCO members" in text and "Table 2. Trade" in text
    order = positions(text, ["Recommendations", "What to watch", "Glossary", "Sources"])
    assert order == sorted(order)
    assert 'class="endnotes"' not in html and 'class="fn-call"' not in html  # no notes
    # The sources are the works cited in what it shows: the summary's, not the body's.
    assert "A Book" in text and "Old Book" not in text
    context = build_context(view_of(memo["public", "html"].parents[2] / "brief.yaml",
                                    "public"))
    assert context["doc"]["edition"] == "Edition for the general public"


def test_public_warns_when_its_sources_run_over_the_limit(tmp_path):
    templates = TemplateSet((user_profile(tmp_path / "tpl", "lean", textwrap.dedent("""\
        label: Lean
        references: short
        limits: {sources: 1}
        """)),))
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO, encoding="utf-8")
    warnings = limit_warnings(load(path), templates.audience("lean"),
                              load_labels(templates, "en"))
    assert [w.message for w in warnings] == [
        "2 sources cited in what the lean edition shows (the lean profile allows 1 in its "
        "list of sources)"]


# -- stable numbering -------------------------------------------------------------------
def test_tables_keep_the_full_documents_numbers_in_every_edition(tmp_path):
    templates = TemplateSet((user_profile(tmp_path / "tpl", "shuffled", textwrap.dedent("""\
        label: Shuffled
        sections: [economic, strategic]
        """)),))
    path = tmp_path / "brief.yaml"
    path.write_text(MEMO, encoding="utf-8")
    view = view_of(path, "shuffled", templates)
    tables = [item for s in view.sections for b in s.blocks for item in b.items]
    assert [(t.number, t.caption) for t in tables] == [(2, "Trade")]  # as in the full text
    assert view.xrefs["tbl:second"].number == 2 and view.xrefs["tbl:first"].number is None
    context = build_context(view)
    strategic = next(s for s in context["doc"]["sections"] if s["id"] == "strategic")
    assert 'href="#table-2"' in strategic["lead"] and "Table\u00a02" in strategic["lead"]
    academic = view_of(path, "academic")
    assert academic.xrefs["tbl:second"].number == 2 and academic.xrefs["tbl:first"].number == 1


# -- book reviews -----------------------------------------------------------------------
def test_book_review_recommendations_are_the_books_attributed_without_badges(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text(BOOK_REVIEW, encoding="utf-8")
    written = build([path], out=tmp_path / "out", formats=["html", "docx"])
    for w in written:
        text = html_text(w.job.path) if w.job.format == "html" else docx_text(w.job.path)
        order = positions(text, ["Verdict", "What the book recommends", "Open a corridor",
                                 "Addressed to: Both governments",
                                 "Proposed in Part IV; chapter by Irina Serenko"])
        assert order == sorted(order)
        assert "High priority" not in text and "Short term" not in text
        assert "Who should act" not in text
    docs = load_all(find_documents([path]), TemplateSet(()))
    assert not [w for w in docs[0].warnings if "recommendation" in w.message]
    no_source = tmp_path / "nosource.yaml"
    no_source.write_text(BOOK_REVIEW.replace(',\n         source: "Part IV; chapter by Irina '
                                             'Serenko"', ""), encoding="utf-8")
    docs = load_all(find_documents([no_source]), TemplateSet(()))
    assert sorted(w.message for w in docs[0].warnings if "recommendation" in w.message) == [
        f"recommendation 1 has no source (the {a} edition shows each recommendation's source)"
        for a in ("academic", "policymaker")]
