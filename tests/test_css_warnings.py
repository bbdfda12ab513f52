"""WeasyPrint's warnings reach the user once each, naming the stylesheet and line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL, ROOT, TWO_AUDIENCES

from briefgen.content import load
from briefgen.render import render_outputs
from briefgen.templates import TemplateSet

BUILTIN_CSS = (ROOT / "templates" / "css" / "brief.css").read_text(encoding="utf-8")


def project(tmp_path: Path, css: str) -> Path:
    """A project folder whose templates/css/brief.css is the built-in one plus css."""
    folder = tmp_path / "project"
    (folder / "templates" / "css").mkdir(parents=True)
    (folder / "templates" / "css" / "brief.css").write_text(BUILTIN_CSS + css,
                                                            encoding="utf-8")
    return folder


def pdf_findings(path: Path, templates: TemplateSet) -> list:
    doc = load(path, list(templates.audiences))
    output = render_outputs(doc, "academic", ["pdf"], templates)["pdf"]
    return [finding for finding in output.findings if finding.kind == "weasyprint"]


def test_the_built_in_stylesheets_raise_no_warning(write_doc):
    assert pdf_findings(write_doc(MINIMAL), TemplateSet()) == []


def test_a_typo_is_a_warning_naming_the_stylesheet_line_and_column(write_doc, tmp_path):
    folder = project(tmp_path, "\n.lead {\n  colr: red;\n  margin-top: banana;\n}\n")
    sheet = folder / "templates" / "css" / "brief.css"
    line = BUILTIN_CSS.count("\n") + 3  # the line of `colr: red`
    found = pdf_findings(write_doc(MINIMAL), TemplateSet((folder / "templates",)))
    messages = [finding.message for finding in found]
    assert len(messages) == 2, messages  # each once, though the layout runs more than once
    assert messages[0].startswith(f"{sheet}:{line}:3: WeasyPrint: Ignored `colr: red`")
    assert "unknown property" in messages[0]
    assert messages[1].startswith(f"{sheet}:{line + 1}:3: ")
    assert "banana" in messages[1]
    assert all(finding.severity == "warning" and finding.page is None for finding in found)


def build(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "briefgen", "build", "--format", "pdf",
                           "--out", "build", *args, "content"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_cli_prints_each_warning_once_and_strict_fails(tmp_path):
    folder = project(tmp_path, "\np { colr: red; }\n")
    (folder / "content").mkdir()
    (folder / "content" / "brief.yaml").write_text(TWO_AUDIENCES, encoding="utf-8")
    result = build(folder)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert output.count("Ignored `colr: red`") == 1, output  # two PDFs, one warning
    assert "brief.css:" in output.split("Ignored `colr: red`")[0].rsplit("\n", 1)[-1]
    strict = build(folder, "--strict", "--force")
    assert strict.returncode == 1
    assert "Ignored `colr: red`" in strict.stderr and "Traceback" not in strict.stderr
