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
    assert 5 <= len(pdf.pages) <= 8


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
    # The authors, not a placeholder: WeasyPrint joins the author meta tags with ", ".
    assert meta.author == "Amina Rauf, Jonas Berg"
    assert meta.subject.startswith("History, strategy, economics and society")
    assert "Afghanistan" in meta["/Keywords"] and "SCO" in meta["/Keywords"]
    assert pdf.trailer["/Root"]["/Lang"] == "en"


def test_page_x_of_y_footer_and_running_header(pdf):
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        content = page.extract_text()
        assert f"Page {number} of {total}" in content
        has_header = "Northbridge Policy Briefs 2025/07 ·" in content
        assert has_header == (number > 1), f"running header on page {number}"


def test_title_block_key_blocks_and_references(text):
    flat = " ".join(text.split())
    for needle in ["NORTHBRIDGE POLICY BRIEFS NO. 2025/07", "21 December 2025",
                   "Data as of 4 July 2025", "Edition for academics",
                   "Table 1.", "Table 2.", "Defence agreement", "Taliban government recognised",
                   "— Daniel Markey", "High priority", "Short term",
                   "Who should act:", "Cost or trade-off:", "Risk of not acting:",
                   "What to watch",
                   "Noor, Asif, Sidra Zahir, and Sada Ullah. “Pakistan–Russia Relations in"]:
        assert needle in flat, needle


def test_footnotes_are_at_the_foot_of_their_page(pdf):
    for page in pdf.pages:
        content = page.extract_text()
        if "Sources differ on the year" in content:
            assert content.index("Sources differ on the year") > content.index("Ayub Khan")
            break
    else:
        pytest.fail("the footnote on Ayub Khan's visit is missing")


def test_footnotes_are_numbered_through_in_chicago_short_form(pdf, example_outputs):
    need("pdftotext")
    # A note starts with its number, "12.", set in the 7.5 pt footnote type.
    numbers: list[int] = []

    def note_number(text, cm, tm, font, size):
        if re.fullmatch(r"\d+\.\s*", text or "") and round(size * tm[3] * cm[3], 1) == 7.5:
            numbers.append(int(text.strip(" .")))

    for page in pdf.pages:
        page.extract_text(visitor_text=note_number)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 40, numbers
    text = subprocess.run(["pdftotext", str(example_outputs["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    # A line may break after an en dash ("Pakistan–" / "Russia"): join it up again.
    flat = " ".join(re.sub(r"–\n", "–", text).split())
    # Two authors named Khan: every note tells them apart by their initials.
    assert "M. Khan, “Evolving Nature.”" in flat
    assert "M. T. F. Khan, “Pakistan–Russia Relations.”" in flat
    assert not re.search(r"(?<![A-Z]\. )Khan, “", flat)
    assert "Noor, Zahir, and Ullah, “Pakistan–Russia Relations in Transition.”" in flat
    assert "[@" not in flat and "??" not in flat
    # As many notes as the HTML edition lists: the two formats number them alike.
    html = example_outputs["html"].read_text(encoding="utf-8")
    assert len(re.findall(r'<li id="note-\d+"', html)) == len(numbers)


def test_tagged_pdf_ua(pdf):
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_outline_follows_the_headings(pdf):
    titles = [item.title for item in pdf.outline[1] if not isinstance(item, list)]
    assert titles[:3] == ["Key messages", "Executive summary", SECTION_TITLES["history"]]
    assert titles[-2:] == ["Glossary", "References"]


def test_fonts_are_embedded(example_outputs):
    need("pdffonts")
    listing = subprocess.run(["pdffonts", str(example_outputs["pdf"])], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    families = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in listing}
    # Latin and Cyrillic from Charis SIL and Inter, the Urdu term from Noto Naskh Arabic.
    assert {"Charis", "Inter", "Noto"} <= families, families
    assert all(" yes " in line for line in listing), listing


def test_every_glyph_comes_from_a_bundled_font(write_doc, tmp_path):
    """No character falls back to a system font: key-point bullets, notes, Cyrillic, Urdu."""
    from conftest import MINIMAL

    from briefgen.pipeline import build

    need("pdffonts")
    text = MINIMAL.replace(
        '  strategic: {title: "Strategy", lead: "Lead.", body: "Strategy body."}\n',
        '  strategic:\n    title: "Strategy"\n    lead: "Lead."\n'
        '    body: "Druzhba (Дружба; in Urdu دوستی) and a note.^[A note.]"\n'
        '    key_points: ["A first point.", "A second point."]\n')
    assert "key_points" in text
    written = build([write_doc(text)], out=tmp_path / "out", formats=["pdf"])
    listing = subprocess.run(["pdffonts", str(written[0].job.path)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    families = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in listing}
    assert families <= {"Charis", "Inter", "Noto"}, families
