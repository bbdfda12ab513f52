"""Book reviews and reports: their examples, layouts, contents pages, starters and schema."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import docx
import jsonschema
import pytest
import yaml
from conftest import ROOT, need
from pypdf import PdfReader

from briefgen.content import load
from briefgen.models import KINDS
from briefgen.pipeline import build

CONTENT = ROOT / "content" / "pakistan-russia"
EXAMPLES = {"policy-brief": CONTENT / "brief.yaml", "book-review": CONTENT / "book-review.yaml",
            "report": CONTENT / "report.yaml"}


def flat_text(reader: PdfReader, pages=None) -> str:
    chosen = reader.pages if pages is None else [reader.pages[i] for i in pages]
    return " ".join(" ".join(p.extract_text() for p in chosen).split())


@pytest.fixture(scope="module")
def academic(tmp_path_factory):
    out = tmp_path_factory.mktemp("kinds")
    written = build([EXAMPLES["book-review"], EXAMPLES["report"]], out=out,
                    audiences=["academic"])
    return {(w.job.source.stem, w.job.format): w.job.path for w in written}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()  # an editor sees the text, not a YAML date object
    return value


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_schema_accepts_the_example(kind):
    schema = KINDS[kind].model_json_schema()
    data = _jsonable(yaml.safe_load(EXAMPLES[kind].read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert load(EXAMPLES[kind]).model.kind == kind


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_new_validate_build_round_trip(kind, tmp_path):
    target = tmp_path / kind / "doc.yaml"
    run = [sys.executable, "-m", "briefgen"]
    assert subprocess.run([*run, "new", kind, str(target)], cwd=ROOT).returncode == 0
    assert target.read_text().startswith(f"# yaml-language-server: $schema={kind}.schema.json")
    schema = json.loads((target.parent / f"{kind}.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(
        _jsonable(yaml.safe_load(target.read_text())))
    checked = subprocess.run([*run, "validate", "--strict", str(target)], cwd=ROOT,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run([*run, "build", str(target), "-o", str(tmp_path / "out"), "-q"],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == len(load(target).model.audiences)


def test_book_review_layout(academic):
    reader = PdfReader(academic[("book-review", "pdf")])
    assert 1 <= len(reader.pages) <= 4
    text = flat_text(reader)
    for needle in ("Edited by Neelum Nigar", "Reviewed by", "Strengths", "Gaps", "VERDICT",
                   "Contributors:"):
        assert needle in text, needle
    document = docx.Document(str(academic[("book-review", "docx")]))
    styles = [p.style.name for p in document.paragraphs]
    assert {"Book Heading", "Book Details", "Verdict Title", "Verdict",
            "Assessment Heading", "Contributors"} <= set(styles)


def test_report_has_cover_contents_and_numbered_sections(academic):
    need("pdftotext")
    path = academic[("report", "pdf")]
    reader = PdfReader(path)
    assert 12 <= len(reader.pages) <= 28
    model = load(EXAMPLES["report"]).model
    cover = flat_text(reader, [0])
    assert model.meta.title in cover and "Contents" not in cover
    contents = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert "Contents" in contents
    listed = {}
    for line in contents.splitlines():
        match = re.match(r"\s*(\d+|Annex A)?\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
        if match:
            listed[" ".join(match[2].split())] = (match[1], int(match[3]))
    # Every section is listed with its number and the page it really starts on.
    for number, sid in enumerate(model.sections.order, start=1):
        title = getattr(model.sections, sid).title
        label = "Annex A" if sid == "annex" else str(number)
        assert listed.get(title, (None, 0))[0] == label, (title, listed)
        page = listed[title][1]
        assert flat_text(reader, [page - 1]).find(f"{label} {title}") >= 0, (title, page)


def test_report_docx_contents_show_without_updating(academic):
    document = docx.Document(str(academic[("report", "docx")]))
    codes = [t.strip() for t in document.element.xpath("//w:instrText/text()")]
    assert any(code.startswith("TOC ") for code in codes)
    entries = [p.text for p in document.paragraphs if p.style.name == "TOC 1"]
    model = load(EXAMPLES["report"]).model
    assert len(entries) >= len(model.sections.order)
    # Each entry ends in the page number Word shows before any update (docx_toc).
    assert any(re.fullmatch(rf"1\t{re.escape(model.sections.methodology.title)}\t\d+", entry)
               for entry in entries), entries
    assert not document.settings.element.xpath("//w:updateFields")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert f"1 {model.sections.methodology.title}" in headings
