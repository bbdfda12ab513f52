"""The example PDFs pass an independent PDF/UA-1 reader, and a draft's text has no watermark.

The reader is the `pdfua` package (pikepdf-based, a machine-checkable subset of PDF/UA-1).
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import EXAMPLE, MINIMAL, need

from briefgen.pipeline import build

pdfua = pytest.importorskip("pdfua", reason="pdfua is not installed (pip install -e '.[test]')")

# WeasyPrint 70 ties header cells to data cells by /Headers on each /TD and /ID on each
# /TH, and ignores HTML's scope="col" (weasyprint/pdf/tags.py writes no /Scope). pdfua
# counts only /TH cells that carry /Scope or /Headers, so it reports every table.
TABLE_SCOPE = "UA-15-003"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, write_doc_module) -> dict[str, object]:
    """Build the academic brief and report, and a small draft brief, as PDF."""
    out = tmp_path_factory.mktemp("pdfua")
    built = {}
    for name in ("brief", "report"):
        written = build([EXAMPLE.with_name(f"{name}.yaml")], out=out / name,
                        audiences=["academic"], formats=["pdf"])
        built[name] = written[0].job.path
    draft = MINIMAL.replace("  date: 2025-06-01", "  date: 2025-06-01\n  status: draft")
    written = build([write_doc_module(draft)], out=out / "draft", formats=["pdf"])
    built["draft"] = written[0].job.path
    return built


@pytest.fixture(scope="module")
def write_doc_module(tmp_path_factory: pytest.TempPathFactory):
    """Write YAML text to a file in a module-wide folder and return its path."""
    def write(text: str):
        path = tmp_path_factory.mktemp("doc") / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        return path
    return write


def findings(pdf) -> list[tuple[str, str]]:
    """Return (rule, location) for every finding pdfua reports on pdf."""
    return [(f.rule_id, str(f.location)) for f in pdfua.validate(str(pdf)).findings]


@pytest.mark.parametrize("name", ["brief", "report", "draft"])
def test_pdf_passes_pdfua_except_table_scope(pdfs, name):
    assert [f for f in findings(pdfs[name]) if f[0] != TABLE_SCOPE] == []


@pytest.mark.xfail(strict=True, reason="WeasyPrint 70 writes no /Scope on /TH; pdfua counts "
                   "only /TH attributes (see TABLE_SCOPE); needs a post-process in render_pdf")
@pytest.mark.parametrize("name", ["brief", "report"])
def test_table_header_cells_carry_scope(pdfs, name):
    assert [f for f in findings(pdfs[name]) if f[0] == TABLE_SCOPE] == []


def test_draft_text_layer_has_no_watermark_letters(pdfs):
    need("pdftotext")
    text = subprocess.run(["pdftotext", str(pdfs["draft"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert not {"DR", "AF", "T"} & set(lines), lines
    # The one DRAFT left is the cover's own mark (a paragraph), not the page background.
    assert lines.count("DRAFT") == 1, lines
