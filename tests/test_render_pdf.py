"""The example brief as a PDF: length, reading order, metadata, furniture."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import SECTION_TITLES, need
from pypdf import PdfReader


@pytest.fixture(scope="module")
def pdf(example_outputs):
    return PdfReader(example_outputs["pdf"])


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


def test_page_count_in_range(pdf):
    assert 4 <= len(pdf.pages) <= 6


def test_pages_are_a4(pdf):
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == \
        (210, 297)


def test_section_titles_in_document_order(text):
    flat = " ".join(text.split())
    positions = [flat.find(title) for title in
                 ["Key messages".upper(), "Executive summary", *SECTION_TITLES.values(),
                  "Glossary", "References"]]
    assert -1 not in positions, positions
    assert positions == sorted(positions)


def test_metadata(pdf):
    meta = pdf.metadata
    assert meta.title == "Pakistan and Russia: From Cold War Distance to Pragmatic Partnership"
    assert meta.author == "briefgen example team"
    assert meta.subject.startswith("History, strategy, economics and society")
    assert "Afghanistan" in meta["/Keywords"] and "SCO" in meta["/Keywords"]
    assert pdf.trailer["/Root"]["/Lang"] == "en"


def test_page_x_of_y_footer_and_running_header(pdf):
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        content = page.extract_text()
        assert f"Page {number} of {total}" in content
        has_header = "briefgen Example Briefs 2025/07 ·" in content
        assert has_header == (number > 1), f"running header on page {number}"


def test_title_block_key_blocks_and_references(text):
    flat = " ".join(text.split())
    for needle in ["BRIEFGEN EXAMPLE BRIEFS", "2025/07", "21 December 2025",
                   "Table 1.", "Table 2.", "Gas pipeline agreement", "Taliban recognised",
                   "— Aizaz Ahmad Chaudhry", "High priority", "Short term",
                   "Who should act:", "Noor, Asif, Sidra Zahir, and Sada Ullah. 2025."]:
        assert needle in flat, needle


def test_footnotes_are_at_the_foot_of_their_page(pdf):
    for page in pdf.pages:
        content = page.extract_text()
        if "Sources differ on the year" in content:
            assert content.index("Sources differ on the year") > content.index("Ayub Khan")
            break
    else:
        pytest.fail("the footnote on Ayub Khan's visit is missing")


def test_citations_resolve_to_labels(text):
    flat = " ".join(text.split())
    assert "(Khan 2025b" in flat and "Noor, Zahir and Ullah 2025" in flat
    assert "[@" not in flat and "??" not in flat


def test_fonts_are_embedded(example_outputs):
    need("pdffonts")
    listing = subprocess.run(["pdffonts", str(example_outputs["pdf"])], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    families = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in listing}
    assert {"Charis", "Inter"} <= families, families
    assert all(" yes " in line for line in listing), listing
