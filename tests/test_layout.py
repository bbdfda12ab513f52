"""The layout passes preflight: no runt pages, stubs of lists or tables, or stray headings.

Each test builds a few PDFs (a starter or an example edition) and asserts that preflight
finds nothing but notes (set by another part of the build) in them.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.cli import main
from briefgen.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "content" / "pakistan-russia"
NOTES = {"lost-note", "late-note"}


def _preflight(path: Path, out: Path, audiences: list[str]) -> dict[str, tuple[int, list]]:
    """Build path's PDFs for audiences; return {file name: (pages, non-note findings)}."""
    found = {}

    def keep(report) -> None:  # noqa: ANN001
        found[report.file.name] = (report.pages, [f"p.{f.page} {f.kind}: {f.message}"
                                                  for f in report.findings
                                                  if f.kind not in NOTES])

    build([path], out=out, formats=["pdf"], audiences=audiences, force=True,
          on_preflight=keep)
    return found


def _starter(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.yaml"
    assert main(["new", kind, str(path)]) == 0
    return path


def test_short_report_sections_run_on_without_runt_pages(tmp_path: Path) -> None:
    """A report of short sections no longer gives each a page of its own (runt pages)."""
    found = _preflight(_starter("report", tmp_path), tmp_path / "out", ["academic", "public"])
    by_audience = {name.rsplit("-", 1)[1]: result for name, result in found.items()}
    assert by_audience["academic.pdf"] == (4, [])  # was 10 pages, six of them runts
    assert by_audience["public.pdf"] == (2, [])  # was 8, five runts; leads only since 16


def test_headings_at_a_page_foot_move_on(tmp_path: Path) -> None:
    """A heading laid out in a page's last tenth starts the next page (second pass)."""
    found = _preflight(_starter("book-review", tmp_path), tmp_path / "out",
                       ["academic", "public"])
    assert [findings for _, findings in found.values()] == [[], []]


def test_short_report_sets_contents_on_its_cover(tmp_path: Path) -> None:
    """The policymaker report: contents on the cover, no table stub, no footer there."""
    found = _preflight(EXAMPLES / "report.yaml", tmp_path, ["policymaker"])
    assert found["pakistan-russia-report-policymaker.pdf"] == (5, [])  # was 6, a split table


def test_brief_and_review_editions_keep_lists_whole(tmp_path: Path) -> None:
    """Recommendations and lists leave no stub of one or two entries on a page."""
    found = _preflight(EXAMPLES / "book-review.yaml", tmp_path, ["academic", "public"])
    assert [findings for _, findings in found.values()] == [[], []]


def test_academic_brief_fits_seven_pages(tmp_path: Path) -> None:
    """The academic brief is at most seven pages and passes preflight (was 8, two gaps).

    Its notes run in at the page foot (footnote-display: inline) and its text is set
    9.5/12 pt: brief.css. Six pages until issue 16 added eleven notes (89 to 100), a
    timeline to the history, "What to watch", and the authors' bios and the publisher's
    details to the colophon.
    """
    found = _preflight(EXAMPLES / "brief.yaml", tmp_path, ["academic"])
    pages, findings = found["pakistan-russia-brief-academic.pdf"]
    assert pages <= 7 and findings == []


def test_policymaker_brief_is_a_two_page_memo_without_findings(tmp_path: Path) -> None:
    """The memo keeps to its two pages (the profile's limit) with no gap or stub."""
    found = _preflight(EXAMPLES / "brief.yaml", tmp_path, ["policymaker"])
    assert found["pakistan-russia-brief-policymaker.pdf"] == (2, [])


def test_long_timeline_dates_stay_in_their_column(tmp_path: Path) -> None:
    """'30 September 2025', the longest English date, ends before its entry's text begins."""
    path = _starter("policy-brief", tmp_path)
    text = path.read_text(encoding="utf-8")
    entries = ('    timeline:\n'
               '      - {date: 2025-09-30, title: "Long date.", text: "One.", cite: smith2025}\n'
               '      - {date: 2025-12-28, title: "Another.", text: "Two.", cite: smith2025}\n')
    text = text.replace("    # Optional blocks, rendered in this order after the body:\n",
                        entries, 1)
    assert entries in text
    path.write_text(text, encoding="utf-8")
    found = _preflight(path, tmp_path / "out", ["academic"])
    assert [findings for _, findings in found.values()] == [[]]
