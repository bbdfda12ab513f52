"""The library API and the command line agree: one way to find templates, one form of warning.

Each test is one of the disagreements issue 13 listed: `load` missed the project's
templates and returned a LoadedDocument; `validate .` read templates/ as documents;
warnings were printed by `validate` but logged by `build`, twice under --strict and still
labelled "warning"; `build` had no --strict; `schema` without a kind was the policy
brief's only; `new --help` did not name the kinds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import MINIMAL, ROOT

import briefgen
from briefgen.errors import ContentError
from briefgen.models import BookReview, PolicyBrief, Report

TERSE = "label: Terse\nlimits: {key_messages: 2}\n"
# The warning MINIMAL gives under TERSE: three key messages where two are allowed.
OVER = "3 key messages"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose brief lists an audience defined in its own templates/audiences."""
    root = tmp_path / "project"
    (root / "templates" / "audiences").mkdir(parents=True)
    (root / "templates" / "audiences" / "terse.yaml").write_text(TERSE)
    (root / "templates" / "labels").mkdir()
    (root / "templates" / "labels" / "en.yaml").write_text("key_messages: Points\n")
    doc = root / "content" / "brief.yaml"
    doc.parent.mkdir()
    doc.write_text(MINIMAL.replace("audiences: [academic]", "audiences: [terse]"))
    return root


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if OVER in line]


def test_load_finds_the_projects_templates_and_returns_the_model(project):
    doc = briefgen.load(project / "content" / "brief.yaml")
    assert isinstance(doc, PolicyBrief)
    assert doc.audiences == ["terse"] and doc.meta.title == "A small brief"


def test_load_takes_templates_as_the_command_line_does(project, tmp_path):
    outside = tmp_path / "elsewhere" / "brief.yaml"
    outside.parent.mkdir()
    outside.write_text((project / "content" / "brief.yaml").read_text())
    with pytest.raises(ContentError, match="terse"):
        briefgen.load(outside)
    assert briefgen.load(outside, templates=[project / "templates"]).audiences == ["terse"]


def test_validate_returns_warnings_and_raises_them_under_strict(project):
    [warning] = briefgen.validate([project / "content"])
    assert (warning.severity, warning.field, warning.line) == ("warning", "key_messages", 9)
    assert OVER in warning.message
    with pytest.raises(ContentError) as caught:
        briefgen.validate([project / "content"], strict=True)
    assert [(d.severity, d.message) for d in caught.value.diagnostics] == [
        ("error", warning.message)]


def test_validate_at_a_project_root_skips_templates_and_outputs(project):
    (project / "build" / "old").mkdir(parents=True)
    (project / "build" / "old" / "stray.yaml").write_text("not: a document\n")
    assert len(briefgen.validate([project])) == 1
    result = run("validate", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 document valid, 1 warning" in result.stdout
    assert "templates" not in result.stderr and "stray" not in result.stderr


def test_validate_and_build_print_each_warning_once_in_one_form(project, tmp_path):
    doc = str(project / "content" / "brief.yaml")
    checked = run("validate", doc)
    built = run("build", doc, "-o", str(tmp_path / "out"), "-f", "html")
    assert checked.returncode == built.returncode == 0, built.stderr
    [warning] = briefgen.validate([doc])
    line = f"{doc}:9:15: warning: key_messages: {warning.message}"
    assert warning_lines(checked.stderr) == [line] == [str(warning)]
    assert warning_lines(built.stderr) == [line]
    again = run("build", doc, "-o", str(tmp_path / "out"), "-f", "html")
    assert "nothing to do" in again.stdout and warning_lines(again.stderr) == [line]


@pytest.mark.parametrize("command", ["validate", "build"])
def test_strict_prints_each_warning_once_as_an_error_and_writes_nothing(project, tmp_path,
                                                                        command):
    doc = str(project / "content" / "brief.yaml")
    out = tmp_path / "out"
    result = run(command, doc, "--strict", *(["-o", str(out)] if command == "build" else []))
    assert result.returncode == 1
    [warning] = briefgen.validate([doc])
    assert warning_lines(result.stderr) == [f"{doc}:9:15: key_messages: {warning.message}"]
    assert "warning" not in result.stderr
    assert result.stderr.splitlines()[-1] == "briefgen: 1 error; nothing was written"
    assert not out.exists()


def test_build_strict_counts_pages_over_the_limit_and_then_writes_nothing(tmp_path):
    templates = tmp_path / "tpl"
    (templates / "audiences").mkdir(parents=True)
    (templates / "audiences" / "short.yaml").write_text("label: Short\nlimits: {pages: 1}\n")
    long_body = " ".join(["A sentence that fills the page with words."] * 400)
    doc = tmp_path / "doc" / "brief.yaml"
    doc.parent.mkdir()
    doc.write_text(MINIMAL.replace("audiences: [academic]", "audiences: [short]")
                   .replace('body: "History body."', f'body: "{long_body}"'))
    args = ["build", str(doc), "-f", "pdf", "-t", str(templates), "-o", str(tmp_path / "out")]
    strict = run(*args, "--strict")
    assert strict.returncode == 1, strict.stderr
    pdf = tmp_path / "out" / "doc-brief" / "doc-brief-short.pdf"
    # A preflight finding on the first page over the limit.
    [line] = [line for line in strict.stderr.splitlines() if "the short profile allows 1" in line]
    assert line.startswith(f"{pdf}: p.2: ") and "warning" not in line
    assert not (tmp_path / "out").exists()

    relaxed = run(*args)
    assert relaxed.returncode == 0 and pdf.exists()
    assert [line for line in relaxed.stdout.splitlines() if "profile allows 1" in line] == [
        line.replace(f"{pdf}: p.2: ", f"{pdf} p.2: ")]
    # Up to date, the overrun is still there: repeated, and still fatal under --strict.
    again = run(*args, "--strict")
    assert again.returncode == 1 and line in again.stderr


@pytest.mark.parametrize("example", ["brief.yaml", "book-review.yaml", "report.yaml"])
def test_schema_without_a_kind_accepts_every_kind_and_picks_by_kind(example):
    result = run("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    path = ROOT / "content" / "pakistan-russia" / example
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")),
                                 default=str))  # dates as the strings an editor sees
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(data)
    assert any(isinstance(briefgen.load(path), kind) for kind in (PolicyBrief, BookReview,
                                                                   Report))
    wrong = {**data, "kind": "novel"}
    assert not validator.is_valid(wrong)


def test_new_help_lists_the_kinds_and_new_writes_the_schema_of_every_kind(tmp_path):
    result = run("new", "--help")
    assert result.returncode == 0
    for kind in ("policy-brief", "book-review", "report"):
        assert kind in result.stdout
    target = tmp_path / "review.yaml"
    assert run("new", "book-review", str(target)).returncode == 0
    schema = json.loads((tmp_path / "book-review.schema.json").read_text())
    assert schema == json.loads(run("schema").stdout)
