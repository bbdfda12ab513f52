"""The command line: exit codes, messages for people, nothing written on error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, MINIMAL, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_help_answers_without_heavy_imports():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "validate", "schema", "audiences"):
        assert command in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from briefgen.cli import main; "
         f"main(['validate', {str(EXAMPLE)!r}]); "
         "print(sorted(m for m in ('weasyprint', 'docx', 'rich') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    assert probe.stdout.strip().endswith("[]"), probe.stdout


def test_validate_example():
    result = run("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "1 document valid" in result.stdout


def test_content_errors_exit_1_with_locations(write_doc, tmp_path):
    path = write_doc(MINIMAL.replace("horizon: short", "horizon: soon")
                     .replace("  title:", "  titel:"))
    result = run("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    no_traceback(result)
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{path}:3:3: meta.titel: unknown key 'titel'; "
                               "did you mean 'title'?") for line in lines), lines
    assert any(line.startswith(f"{path}:19:") and "horizon" in line for line in lines)
    assert lines[-1].endswith("errors; nothing was written")
    assert not (tmp_path / "out").exists()


def test_one_bad_document_stops_the_whole_build(write_doc, tmp_path):
    good = write_doc(folder="good")
    write_doc(MINIMAL.replace("date: 2025-06-01", "date: someday"), folder="bad")
    out = tmp_path / "out"
    result = run("build", str(good.parent.parent), "--out", str(out), "--format", "html")
    assert result.returncode == 1
    assert "meta.date" in result.stderr and "bad/brief.yaml:4:" in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_build_writes_named_outputs_and_a_table(write_doc, tmp_path):
    path = write_doc()
    out = tmp_path / "out"
    result = run("build", str(path), "--out", str(out), "-f", "html,docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (out / "doc-brief").iterdir()) == [
        "doc-brief-academic.docx", "doc-brief-academic.html"]
    assert "briefgen wrote 2 files" in result.stdout
    assert "doc-brief-academic.docx" in result.stdout and "KB" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["build", "--format", "odt"], "unknown format 'odt'"),
    (["build", "--audience", "ministers"], "unknown audience 'ministers'"),
    (["build", "no/such/file.yaml"], "no such file or folder"),
    (["build", "--jobs", "0"], "--jobs"),
    (["frobnicate"], "invalid choice"),
    (["schema", "novel"], "unknown kind 'novel'"),
])
def test_usage_errors_exit_2(write_doc, tmp_path, args, message):
    path = write_doc()
    extra = [str(path)] if args[0] == "build" and "no/such" not in args[-1] else []
    result = run(*args, *extra, "--out", str(tmp_path / "out")) if args[0] == "build" else \
        run(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    no_traceback(result)
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folder(write_doc, tmp_path):
    path = write_doc()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("build", str(path), "--out", str(blocker / "sub"), "-f", "html")
    assert result.returncode == 2
    assert str(blocker) in result.stderr
    no_traceback(result)


def test_schema_is_json_schema():
    import json

    result = run("schema", "policy-brief")
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"meta", "sections", "references"} <= set(schema["properties"])


def test_audiences_lists_builtin_profiles():
    result = run("audiences")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["academic", "policymaker", "public"]


def test_new_writes_a_starter_that_validates_and_never_overwrites(tmp_path):
    target = tmp_path / "mine" / "brief.yaml"
    assert run("new", "policy-brief", str(target)).returncode == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("#") > 20, "the starter explains its keys in comments"
    assert run("validate", str(target)).returncode == 0
    again = run("new", "policy-brief", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert target.read_text(encoding="utf-8") == text


def test_limit_overruns_warn_and_strict_makes_them_errors(write_doc, tmp_path):
    (tmp_path / "tpl" / "audiences").mkdir(parents=True)
    (tmp_path / "tpl" / "audiences" / "terse.yaml").write_text(
        "label: Terse\nlimits: {key_messages: 2}\n")
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [terse]"))
    args = ["validate", str(path), "--templates", str(tmp_path / "tpl")]
    relaxed = run(*args)
    assert relaxed.returncode == 0 and "1 document valid, 1 warning" in relaxed.stdout
    assert f"{path}:9:15: warning: key_messages:" in relaxed.stderr
    strict = run(*args, "--strict")
    assert strict.returncode == 1 and "nothing was written" in strict.stderr
