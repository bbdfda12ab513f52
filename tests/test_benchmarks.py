"""The benchmark's generated long report stays a valid, warning-free document."""

from __future__ import annotations

import importlib.util

from conftest import ROOT

from briefgen.pipeline import load_all
from briefgen.templates import TemplateSet


def test_generated_long_report_validates_without_warnings(tmp_path):
    spec = importlib.util.spec_from_file_location("longreport",
                                                  ROOT / "benchmarks" / "longreport.py")
    longreport = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(longreport)
    path = longreport.write_report(tmp_path / "long.yaml", 3)
    doc, = load_all([path], TemplateSet(()))
    assert doc.model.kind == "report" and doc.warnings == []
    text = path.read_text(encoding="utf-8")
    assert text.count("^[") >= 3 and text.count("[@") >= 20  # notes and citations, as in a report
