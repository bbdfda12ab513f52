"""The uncited-figure check knows its limits, and a paragraph can opt out where it stands.

Units and base years, the numbers of tables and sections, cross-references and the
document's own dates need no source; dates of events still do. `<!-- uncited: reason -->`
at the start or end of a paragraph accepts it, prints nothing in any format, and is
reported where it is written when it has no reason or is not needed.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from conftest import MINIMAL

from briefgen.content import load
from briefgen.errors import ContentError
from briefgen.markdown import parse

BODY_LINE = 17  # the file line of the economy body's first line, in brief()


def brief(body: str, meta: str = "", blocks: str = "") -> str:
    """MINIMAL with body as the economy section's body (a block scalar), meta lines in
    meta and the section's blocks after it."""
    text = MINIMAL.replace(
        '  economic: {title: "Economy", lead: "Lead.", body: "Economy body."}\n',
        '  economic:\n    title: "Economy"\n    lead: "Lead."\n    body: |\n'
        + textwrap.indent(textwrap.dedent(body), "      ") + blocks)
    assert text != MINIMAL
    return text.replace("  date: 2025-06-01\n", "  date: 2025-06-01\n" + meta)


def uncited(path: Path) -> list[str]:
    """The uncited-figure and opt-out warnings of the file at path."""
    return [str(w) for w in load(path).warnings
            if "cites no source" in w.message or "opt-out" in w.message]


def errors(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(path)
    return [str(d) for d in caught.value.diagnostics]


def test_a_paragraph_with_an_uncited_figure_is_reported_at_its_line(write_doc):
    path = write_doc(brief("Ties are old.\n\nTrade fell to $3 million in 2020.\n"))
    [warning] = uncited(path)
    assert warning.startswith(f"{path}:{BODY_LINE + 2}:")
    assert "('$3')" in warning and "<!-- uncited: reason -->" in warning


@pytest.mark.parametrize("sentence", [
    "All values are in 2024 US dollars.",
    "Prices are at constant 2015 prices and in 2010 dollars.",
    "The index is in real terms (2015 = 100), base year 2015.",
    "Rates are per 100,000 people, in per cent of GDP, in km and MW.",
    "Table 3, Section 12, chapters 14 and 15, pp. 112–115, note 21 and Part III say so.",
    "The COVID-19 pandemic and the JF-17 are names, not figures.",
    "As [@tbl:trade] and [@fig:trend] show, it is so.",
])
def test_units_base_years_part_numbers_names_and_cross_references_need_no_source(
        write_doc, sentence):
    blocks = ("    tables:\n      - {id: trade, caption: T, columns: [A], rows: [[\"1\"]]}\n"
              "    figures:\n      - id: trend\n        caption: F\n        alt: A.\n"
              "        chart: {type: bar, series: [{name: S, points: [[\"a\", 1]]}]}\n")
    assert uncited(write_doc(brief(sentence + "\n", blocks=blocks))) == []


def test_the_documents_own_dates_need_no_source_but_dates_of_events_do(write_doc):
    own = brief("As of June 2025, on 1 June 2025, with data as of 31 March 2025, it stands.\n"
                "\nThe figures are as of 2025.\n",
                meta="  data_as_of: 2025-03-31\n")
    assert uncited(write_doc(own)) == []
    event = write_doc(brief("Pakistan recognised the Taliban in 1997.\n"), name="b.yaml")
    [warning] = uncited(event)
    assert "('1997')" in warning


def test_an_opt_out_accepts_the_paragraph_and_prints_nothing(write_doc):
    path = write_doc(brief("<!-- uncited: all values are in current US dollars -->\n"
                           "Exports were $3 million and imports $5 million.\n\n"
                           "Imports rose by 40 per cent.\n"
                           "<!-- uncited: an illustrative figure -->\n"))
    assert uncited(path) == []
    doc = load(path)
    parsed = doc.md("sections", "economic", "body")
    assert [b.children[0].text for b in parsed.blocks] == [
        "Exports were $3 million and imports $5 million.", "Imports rose by 40 per cent."]


def test_the_opt_out_marker_is_in_no_output(write_doc, tmp_path):
    from docx import Document

    from briefgen.pipeline import build

    path = write_doc(brief("<!-- uncited: all values are in current US dollars -->\n"
                           "Exports were $3 million.\n"))
    written = {w.job.format: w.job.path
               for w in build([path], out=tmp_path / "out", formats=["html", "docx"])}
    html = written["html"].read_text(encoding="utf-8").replace("\u00a0", " ")
    # The paragraph, marked with the field it was made from (for `briefgen review`).
    assert re.search(r'<p data-src="sections\.\w+\.body/\d+">Exports were \$3 million\.</p>',
                     html)
    assert "uncited" not in html and "&lt;!--" not in html
    paragraphs = [p.text.replace("\u00a0", " ")
                  for p in Document(str(written["docx"])).paragraphs]
    assert "Exports were $3 million." in paragraphs
    assert not any("uncited" in text or "<!--" in text for text in paragraphs)


def test_an_opt_out_without_a_reason_is_an_error_where_it_is_written(write_doc):
    path = write_doc(brief("Ties are old.\n\nTrade was $3 million.\n<!-- uncited -->\n"))
    [error] = [e for e in errors(path) if "uncited" in e]
    assert error.startswith(f"{path}:{BODY_LINE + 3}:7: sections.economic.body: ")
    assert "needs a reason" in error


def test_an_unclosed_opt_out_is_an_error(write_doc):
    path = write_doc(brief("Trade was $3 million. <!-- uncited: dollars\n"))
    [error] = [e for e in errors(path) if "uncited" in e]
    assert error.startswith(f"{path}:{BODY_LINE}:") and "not closed" in error


@pytest.mark.parametrize("body, why, line", [
    ("Ties are old.\n<!-- uncited: nothing to cite -->\n", "states no figure", 1),
    ("Trade was $3 million [@doe2024].\n<!-- uncited: dollars -->\n", "cites a source", 1),
    ("Trade was $3 million.\n\n<!-- uncited: dollars -->\n", "section body, at the start", 2),
    ("- Trade was $3 million. <!-- uncited: dollars -->\n", "section body, at the start", 0),
])
def test_an_opt_out_that_is_not_needed_is_a_warning_where_it_is_written(
        write_doc, body, why, line):
    warnings = [w for w in uncited(write_doc(brief(body))) if "opt-out" in w]
    assert len(warnings) == 1, warnings
    assert f":{BODY_LINE + line}:" in warnings[0] and why in warnings[0]


def test_an_opt_out_outside_a_section_body_is_not_needed(write_doc):
    path = write_doc(MINIMAL.replace('lead: "Lead.", body: "Economy body."',
                                     'lead: "Up 40%. <!-- uncited: x -->", body: "B."'))
    [warning] = uncited(path)
    assert "opt-out not needed" in warning and "sections.economic.lead" in warning


def test_other_html_comments_stay_text():
    [para] = parse("A <!-- note to self --> here.").blocks
    assert para.children[0].text == "A <!-- note to self --> here."
    assert parse("<!-- uncitedness -->").mentions == []
