"""Real readers check every example output: qpdf, poppler, pandoc and LibreOffice.

The examples (three kinds, three audiences) are built once. Each check compares what a
reader finds with what the HTML of the same edition says should be there, so the tests
follow the content rather than fixed numbers. A test skips, with the package to install,
when its tool is absent; CI installs them all (.ci/run).
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, need

from briefgen.pipeline import build

EXAMPLES = sorted((ROOT / "content" / "pakistan-russia").glob("*.yaml"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, str], dict[str, Path]]:
    """(document, audience) -> {format: path} for every example edition."""
    out: dict[tuple[str, str], dict[str, Path]] = {}
    for item in build(EXAMPLES, out=tmp_path_factory.mktemp("readers")):
        job = item.job
        out.setdefault((job.path.parent.name, job.audience), {})[job.format] = job.path
    return out


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def flat(text: str) -> str:
    """Text as a reader compares it: soft hyphens and word joiners (invisible) left out."""
    return " ".join(text.replace("\u00ad", "").replace("\u2060", "").split())


def headings(html: str, tag: str = "h2", word: bool = False) -> list[str]:
    """The text of every heading of one level that the edition prints, in order.

    A notes list marked for Word to skip is not printed either (its notes are footnotes);
    with word, only headings Word gets as Heading styles count: not the contents page's
    title, nor headings that name a style of their own (the key-messages box, the verdict).
    """
    body = re.sub(r'<section class="endnotes"[^>]*data-docx="skip".*?</section>', "",
                  html.split("<body", 1)[1], flags=re.S)
    if word:
        body = re.sub(r'<nav class="toc".*?</nav>', "", body, flags=re.S)
    found = re.findall(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", body, re.S)
    return [flat(html_lib.unescape(re.sub(r"<[^>]+>", "", text))) for attrs, text in found
            if not (word and "data-docx" in attrs)]


def as_read(text: str, html: str) -> str:
    """Text compared as pdftotext can give it: for a right-to-left page, its words alone.

    pdftotext writes right-to-left lines with bidi controls and moves their punctuation
    (and a letter's vowel mark) about; the words and their order are what it keeps.
    """
    if 'dir="rtl"' not in re.search(r"<html\b[^>]*>", html).group():
        return text
    return " ".join(re.findall(r"\w+", text))


def note_count(html: str) -> int:
    return len(re.findall(r'<li id="note-\d+"', html))


def in_order(text: str, needles: list[str]) -> list[str]:
    """Return the needles not found in text one after another (empty if all are in order).

    Case is ignored: some headings are set in capitals by the stylesheet.
    """
    missing, at, text = [], 0, text.casefold()
    for needle in needles:
        found = text.find(needle.casefold(), at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(needle)
    return missing


def test_every_edition_was_built(outputs):
    assert len(outputs) == 13  # three examples for three audiences, two translations for two
    assert all(set(formats) == {"pdf", "docx", "html"} for formats in outputs.values())


# -- PDF -----------------------------------------------------------------------------
def test_qpdf_finds_no_errors(outputs):
    need("qpdf")
    for formats in outputs.values():
        result = run("qpdf", "--check", str(formats["pdf"]))
        assert result.returncode == 0, (formats["pdf"].name, result.stdout, result.stderr)
        assert "No syntax or stream encoding errors found" in result.stdout


def test_pdfs_are_tagged_and_titled(outputs):
    need("pdfinfo")
    for formats in outputs.values():
        info = run("pdfinfo", str(formats["pdf"])).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), formats["pdf"].name
        title = re.search(r"<title>(.*?)</title>", formats["html"].read_text("utf-8")).group(1)
        assert re.search(rf"^Title:\s+{re.escape(html_lib.unescape(title))}$", info, re.M)


def test_every_font_is_embedded(outputs):
    need("pdffonts")
    for formats in outputs.values():
        rows = run("pdffonts", str(formats["pdf"])).stdout.splitlines()[2:]
        assert rows, formats["pdf"].name
        # Columns from the right: object number, generation, uni, sub, emb.
        assert all(row.split()[-5] == "yes" for row in rows), (formats["pdf"].name, rows)


def test_pdftotext_reads_the_headings_in_order(outputs):
    need("pdftotext")
    for formats in outputs.values():
        html = formats["html"].read_text("utf-8")
        text = as_read(flat(run("pdftotext", str(formats["pdf"]), "-").stdout), html)
        wanted = [as_read(h, html) for h in headings(html, "h1")[:1] + headings(html)]
        assert not in_order(text, wanted), (formats["pdf"].name, in_order(text, wanted))


# -- DOCX ----------------------------------------------------------------------------
def _pandoc(path: Path) -> dict:
    result = run("pandoc", "-f", "docx", "-t", "json", str(path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _stringify(inlines) -> str:
    out = []
    for node in _walk(inlines):
        if node.get("t") == "Str":
            out.append(node["c"])
        elif node.get("t") in ("Space", "SoftBreak"):
            out.append(" ")
    return flat("".join(out))


def test_pandoc_finds_headings_tables_and_footnotes(outputs):
    need("pandoc")
    for (doc, audience), formats in outputs.items():
        html = formats["html"].read_text("utf-8")
        tree = _pandoc(formats["docx"])
        nodes = list(_walk(tree["blocks"]))
        level1 = [_stringify(n["c"][2]) for n in nodes if n.get("t") == "Header"
                  and n["c"][0] == 1]
        where = f"{doc} {audience}"
        assert level1 == headings(html, word=True), (where, level1)
        tables = sum(1 for n in nodes if n.get("t") == "Table")
        assert tables == html.count("<table"), (where, tables)
        notes = sum(1 for n in nodes if n.get("t") == "Note")
        footnotes = re.search(r'<body class="[^"]*\bnotes-footnotes\b', html) is not None
        assert notes == (note_count(html) if footnotes else 0), (where, notes)


@pytest.fixture(scope="module")
def libreoffice_pdfs(outputs, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every DOCX converted to PDF by LibreOffice in one run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    out = tmp_path_factory.mktemp("libreoffice")
    profile = (out / "profile").as_uri()
    docx = [str(formats["docx"]) for formats in outputs.values()]
    result = run(soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                 "pdf", "--outdir", str(out), *docx, timeout=600)
    assert result.returncode == 0 and "Error" not in result.stderr, result.stderr
    return {key: out / (formats["docx"].stem + ".pdf") for key, formats in outputs.items()}


def test_libreoffice_shows_the_same_headings_and_footnotes(outputs, libreoffice_pdfs):
    need("pdftotext")
    for key, pdf in libreoffice_pdfs.items():
        assert pdf.exists(), f"LibreOffice wrote no PDF for {key}"
        html = outputs[key]["html"].read_text("utf-8")
        text = as_read(flat(run("pdftotext", str(pdf), "-").stdout), html)
        wanted = [as_read(h, html) for h in headings(html, word=True)]
        assert not in_order(text, wanted), (key, in_order(text, wanted))
        first = re.search(r'<span class="footnote"[^>]*>(.*?)</span>', html)
        if first and 'data-docx="footnote"' in first.group(0):
            note = flat(html_lib.unescape(re.sub(r"<[^>]+>", "", first.group(1))))
            # A footnote sits at the foot of its page: after the text that calls it.
            assert note[:40] in text, (key, note)
