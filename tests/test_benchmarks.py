"""The benchmark's generated long report stays a valid, warning-free document."""

from __future__ import annotations

from conftest import long_report

from briefgen.pipeline import load_all
from briefgen.templates import TemplateSet


def test_generated_long_report_validates_without_warnings(tmp_path):
    path = long_report(tmp_path / "long.yaml", 3)
    doc, = load_all([path], TemplateSet(()))
    assert doc.model.kind == "report" and doc.warnings == []
    text = path.read_text(encoding="utf-8")
    assert text.count("^[") >= 3 and text.count("[@") >= 20  # notes and citations, as in a report
