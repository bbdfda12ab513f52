"""Skipping what nothing changed: a rebuild renders only the outputs whose inputs moved."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHART, MINIMAL, ROOT, TWO_AUDIENCES

from briefgen.pipeline import build


def names(written) -> list[str]:
    return sorted(item.job.path.name for item in written)


def stamps(folder: Path) -> dict[str, int]:
    """Each output's modification time, by name (the build's own records left out)."""
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and ".briefgen" not in p.parts}


@pytest.fixture
def two_docs(write_doc):
    first = write_doc(TWO_AUDIENCES, folder="one")
    second = write_doc(MINIMAL.replace("A small brief", "Another brief"), folder="two")
    return first, second


def test_a_second_build_renders_nothing_and_touches_nothing(two_docs, tmp_path):
    out = tmp_path / "out"
    first = build(two_docs, out=out, formats=["html", "docx"])
    assert names(first) == ["one-brief-academic.docx", "one-brief-academic.html",
                            "one-brief-public.docx", "one-brief-public.html",
                            "two-brief-academic.docx", "two-brief-academic.html"]
    before = stamps(out)
    plans = []
    again = build(two_docs, out=out, formats=["html", "docx"],
                  on_plan=lambda todo, skipped: plans.append((todo, skipped)))
    assert again == []
    assert plans == [(0, 6)]
    assert stamps(out) == before


def test_an_edit_rebuilds_that_document_only(two_docs, tmp_path):
    out = tmp_path / "out"
    build(two_docs, out=out, formats=["html"])
    first, _ = two_docs
    first.write_text(first.read_text().replace("History body.", "History, rewritten."))
    again = build(two_docs, out=out, formats=["html"])
    assert names(again) == ["one-brief-academic.html", "one-brief-public.html"]
    assert "History, rewritten." in (out / "one-brief" / "one-brief-academic.html").read_text()


def test_a_changed_or_deleted_output_is_made_again(two_docs, tmp_path):
    out = tmp_path / "out"
    build(two_docs, out=out, formats=["html"])
    (out / "one-brief" / "one-brief-public.html").unlink()
    edited = out / "two-brief" / "two-brief-academic.html"
    edited.write_text("edited by hand")
    again = build(two_docs, out=out, formats=["html"])
    assert names(again) == ["one-brief-public.html", "two-brief-academic.html"]
    assert "Another brief" in edited.read_text()


@pytest.mark.parametrize("change", ["stylesheet", "profile", "image", "epoch", "audience"])
def test_what_made_an_output_changing_rebuilds_it(write_doc, tmp_path, monkeypatch, change):
    doc = write_doc(MINIMAL.replace('authors: [{name: "Ada Analyst"}]',
                                    'authors: [{name: "Ada Analyst"}]\n'
                                    '  organisation: {name: "Institute", logo: "logo.png"}'))
    logo = ROOT / "content" / "pakistan-russia" / "logo.png"
    (doc.parent / "logo.png").write_bytes(logo.read_bytes())
    templates = tmp_path / "templates"
    (templates / "css").mkdir(parents=True)
    builtin_css = ROOT / "templates" / "css" / "brief.css"
    (templates / "css" / "brief.css").write_text(builtin_css.read_text())
    out = tmp_path / "out"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    options = dict(out=out, formats=["html", "docx"])
    build([doc], **options)
    assert build([doc], **options) == []

    audiences = None
    if change == "stylesheet":
        with open(templates / "css" / "brief.css", "a") as css:
            css.write("\nh2 { letter-spacing: 0.01em; }\n")
    elif change == "profile":
        (templates / "audiences").mkdir()
        builtin = ROOT / "templates" / "audiences" / "academic.yaml"
        (templates / "audiences" / "academic.yaml").write_text(
            builtin.read_text().replace("label:", "label: Scholars #", 1))
    elif change == "image":
        from PIL import Image
        Image.new("RGB", (40, 20), "#1d5c4d").save(doc.parent / "logo.png")
    elif change == "epoch":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    else:
        audiences = ["academic", "public"]
    again = build([doc], **options, audiences=audiences)
    if change == "audience":  # the new audience only: the other is as it was
        assert names(again) == ["doc-brief-public.docx", "doc-brief-public.html"]
    else:
        assert names(again) == ["doc-brief-academic.docx", "doc-brief-academic.html"]
    if change == "stylesheet":
        page = (out / "doc-brief" / "doc-brief-academic.html").read_text()
        assert "letter-spacing: 0.01em" in page


def test_force_renders_everything_again(write_doc, tmp_path):
    doc = write_doc()
    out = tmp_path / "out"
    build([doc], out=out, formats=["html", "docx"])
    assert names(build([doc], out=out, formats=["html", "docx"], force=True)) == [
        "doc-brief-academic.docx", "doc-brief-academic.html"]


def test_warnings_are_repeated_when_nothing_is_rendered(write_doc, tmp_path, caplog):
    doc = write_doc(MINIMAL.replace(
        "references:\n",
        "references:\n  - {id: unused2020, type: book, authors: [\"Roe, R.\"], "
        "title: \"Never Cited\", date: 2020}\n"))
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING):
        build([doc], out=out, formats=["html"])
        first = [r.getMessage() for r in caplog.records if "unused2020" in r.getMessage()]
        caplog.clear()
        assert build([doc], out=out, formats=["html"]) == []
        second = [r.getMessage() for r in caplog.records if "unused2020" in r.getMessage()]
    assert first and first == second
    assert f"{doc}:" in second[0]  # still located: file and line


def test_a_failed_build_leaves_the_records_alone(write_doc, tmp_path):
    from briefgen.errors import ContentError

    doc = write_doc()
    out = tmp_path / "out"
    build([doc], out=out, formats=["html"])
    good = doc.read_text()
    doc.write_text(good.replace("horizon: short", "horizon: soon"))
    with pytest.raises(ContentError):
        build([doc], out=out, formats=["html"])
    doc.write_text(good)
    assert build([doc], out=out, formats=["html"]) == []


def _modules_after(code: str, cwd: Path) -> set[str]:
    """Run code in a fresh interpreter; return the heavy modules it ended up importing."""
    probe = ("import sys\n" + code + "\nprint(' '.join(sorted(m for m in "
             "('pydantic', 'jinja2', 'weasyprint', 'docx', 'matplotlib', 'rich') "
             "if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, text=True,
                            capture_output=True, check=True)
    return set(result.stdout.split())


def test_a_no_op_build_loads_no_model_template_or_renderer(write_doc, tmp_path):
    doc = write_doc()
    code = f"from briefgen.pipeline import build; build([{str(doc)!r}], out='out')"
    assert {"pydantic", "weasyprint"} <= _modules_after(code, tmp_path)  # the first build
    assert _modules_after(code, tmp_path) == set()  # nothing to do: nothing imported


def test_a_text_edit_draws_no_chart_and_force_draws_again(write_doc, tmp_path):
    doc = write_doc(CHART)
    code = (f"from briefgen.pipeline import build; import sys; "
            f"build([{str(doc)!r}], out='out', formats=['html', 'docx'], "
            f"force='force' in sys.argv)")
    assert "matplotlib" in _modules_after(code, tmp_path)
    doc.write_text(CHART.replace("History body.", "History, rewritten."))
    after_edit = _modules_after(code, tmp_path)
    assert "docx" in after_edit and "matplotlib" not in after_edit
    page = (tmp_path / "out" / "doc-brief" / "doc-brief-academic.html").read_text()
    assert "History, rewritten." in page and "data:image/svg+xml;base64," in page
    forced = _modules_after(code.replace("'force' in sys.argv", "True"), tmp_path)
    assert "matplotlib" in forced


def test_cli_says_what_it_skipped(write_doc, tmp_path):
    doc = write_doc()
    command = [sys.executable, "-m", "briefgen", "build", str(doc), "-o", str(tmp_path / "o"),
               "-f", "html"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0 and "briefgen wrote 1 file" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 0, second.stderr
    assert "nothing to do; 1 file up to date, not rendered again (--force renders them)" \
        in second.stdout
    forced = subprocess.run([*command, "--force"], capture_output=True, text=True, cwd=ROOT)
    assert "briefgen wrote 1 file" in forced.stdout
