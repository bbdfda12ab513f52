"""Property: every footnote called in a PDF is set on some page, once and in order.

Hypothesis writes small academic policy briefs dense with notes (short and long, several
to a paragraph, next to tables and figures and in recommendations), builds their PDF
through `briefgen.pipeline.build`, and checks two ways that no note is lost: preflight
reports no `lost-note`, and `pdftotext`, page by page, finds each note's own marker
(`fnKmark`) after its number K exactly once, on a page no earlier than note K-1's.

CI runs 15 examples; BRIEFGEN_HYPOTHESIS_EXAMPLES=200 runs more.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import need
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.errors import ContentError
from briefgen.pipeline import build

EXAMPLES = int(os.environ.get("BRIEFGEN_HYPOTHESIS_EXAMPLES", "15"))
SENTENCE = "The two governments signed a further protocol on trade and transit that year. "
NOTE = "Sources differ on the date and on the terms agreed. "
MARK = re.compile(r"(\d+)\.\s*fn(\d+)mark")


class Notes:
    """Number the notes of one document as they are written."""

    def __init__(self) -> None:
        self.count = 0

    def note(self, sentences: int) -> str:
        self.count += 1
        return f"^[fn{self.count}mark {NOTE * sentences}]"


def _paragraph(draw, notes: Notes) -> str:  # noqa: ANN001
    """A paragraph of sentences with notes after some of them."""
    words = []
    for _ in range(draw(st.integers(1, 7))):
        words.append(SENTENCE.strip())
        if draw(st.integers(0, 2)) == 0:
            words[-1] += notes.note(draw(st.sampled_from([0, 0, 1, 1, 2, 4])))
    return " ".join(words)


@st.composite
def briefs(draw) -> tuple[dict, int]:  # noqa: ANN001
    """A policy brief for the academic audience and the number of notes it calls."""
    notes = Notes()  # numbered in reading order: summary, each lead and body, steps
    summary = _paragraph(draw, notes)
    sections = {}
    for key in ("history", "strategic", "economic", "societal"):
        lead = _paragraph(draw, notes)
        paragraphs = [_paragraph(draw, notes) for _ in range(draw(st.integers(1, 6)))]
        section = {"title": key.title(), "lead": lead, "body": "\n\n".join(paragraphs)}
        if draw(st.booleans()):
            rows = draw(st.integers(2, 9))
            section["tables"] = [{
                "caption": f"Table of {key}", "columns": ["Year", "What happened"],
                "rows": [[str(1990 + i), "An agreement on trade and transit"]
                         for i in range(rows)],
                "source": "Compiled for this test."}]
        if draw(st.booleans()):
            section["figures"] = [{
                "id": f"chart-{key}", "caption": f"Exports, {key}", "alt": "A bar chart.",
                "chart": {"type": "bar", "y_label": "US$ million", "series": [
                    {"name": "Exports", "points": [["1996", 13.2], ["2024", 75.2]]}]},
                "source": "Compiled for this test."}]
        sections[key] = section
    lead = _paragraph(draw, notes)
    sections["recommendations"] = {
        "title": "Recommendations", "lead": lead,
        "items": [{"title": f"Step {i + 1}", "text": _paragraph(draw, notes),
                   "actors": ["Ministries"], "horizon": "short", "priority": "high"}
                  for i in range(draw(st.integers(1, 6)))]}
    document = {
        "kind": "policy-brief",
        "meta": {"title": "Notes near page breaks", "date": "2025-06-01",
                 "authors": [{"name": "Ada Analyst"}]},
        "audiences": ["academic"],
        "summary": summary,
        "key_messages": ["First message.", "Second message.", "Third message."],
        "sections": sections,
    }
    return document, notes.count


def _notes_set(pdf: Path, pages: int) -> list[tuple[int, int, int]]:
    """(number, marker, page) of each note pdftotext finds set after its number."""
    found = []
    for page in range(1, pages + 1):
        # -layout: notes run in (footnote-display: inline) are read in their lines' order.
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        found += [(int(number), int(mark), page) for number, mark in MARK.findall(text)]
    return found


def check_notes(document: dict, count: int) -> None:
    """Build document's PDF; assert notes 1..count are each set once, in page order."""
    reports = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        try:
            build([path], out=Path(folder) / "out", formats=["pdf"], force=True,
                  on_preflight=reports.append)
        except ContentError as exc:  # a lost note: the build writes nothing
            pytest.fail("; ".join(d.message for d in exc.diagnostics))
        [report] = reports
        assert not [f for f in report.findings if f.kind == "lost-note"]
        found = sorted(_notes_set(report.file, report.pages))
    expected = list(range(1, count + 1))
    # (The template sets the summary and sections in its own order, so a note's number
    # need not be its marker's: each number and each marker once is what counts.)
    assert [number for number, _, _ in found] == expected, "a note number missing or twice"
    assert sorted(mark for _, mark, _ in found) == expected, "a note's text missing"
    pages = [page for _, _, page in found]
    assert pages == sorted(pages), "notes set out of order"


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(briefs())
def test_every_note_called_is_set_once_in_order(case: tuple[dict, int]) -> None:
    need("pdftotext")
    check_notes(*case)
