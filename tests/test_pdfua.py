"""The example PDFs pass an independent PDF/UA-1 reader, and a draft's text has no watermark.

The reader is the `pdfua` package (pikepdf-based, a machine-checkable subset of PDF/UA-1).
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import EXAMPLE, MINIMAL, need

from briefgen.pipeline import build

pdfua = pytest.importorskip("pdfua", reason="pdfua is not installed (pip install -e '.[test]')")

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
def test_pdf_passes_pdfua(pdfs, name):
    """No finding, table headers' /Scope (UA-15-003, briefgen/tagfix.py) included."""
    assert findings(pdfs[name]) == []


@pytest.mark.parametrize("kind", ["brief", "report", "book-review"])
@pytest.mark.parametrize("audience", ["academic", "policymaker", "public"])
def test_every_example_pdf_passes_pdfua(every_example, kind, audience):
    assert findings(every_example[f"pakistan-russia-{kind}-{audience}.pdf"]) == []


def test_table_header_cells_name_their_scope(pdfs):
    import pikepdf

    with pikepdf.open(pdfs["report"]) as pdf:
        scopes = [str(node.A.Scope) for node in _struct_elements(pdf.Root.StructTreeRoot)
                  if node.get("/S") == "/TH"]
    assert scopes and set(scopes) == {"/Column"}


def _struct_elements(node):
    """Yield every structure element below node."""
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf_array()) else [kids] if kids else []):
        if isinstance(kid, dict) or hasattr(kid, "get") and kid.get("/S") is not None:
            yield kid
            yield from _struct_elements(kid)


def pikepdf_array():
    import pikepdf

    return pikepdf.Array


def test_draft_text_layer_has_no_watermark_letters(pdfs):
    need("pdftotext")
    text = subprocess.run(["pdftotext", str(pdfs["draft"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert not {"DR", "AF", "T"} & set(lines), lines
    # The one DRAFT left is the cover's own mark (a paragraph), not the page background.
    assert lines.count("DRAFT") == 1, lines
