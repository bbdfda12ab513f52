"""The example brief as Word: named styles an editor can change, fields, properties."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from conftest import SECTION_TITLES, need
from pypdf import PdfReader


@pytest.fixture(scope="module")
def document(example_outputs):
    return docx.Document(str(example_outputs["docx"]))


def styled(document, prefix: str) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith(prefix)]


def test_title_and_subtitle_styles(document):
    assert styled(document, "Title") == [
        ("Title", "Pakistan and Russia: From Cold War Distance to Pragmatic Partnership")]
    assert styled(document, "Subtitle")[0][1].startswith("History, strategy")


def test_sections_are_heading_1_in_order(document):
    headings = [text for style, text in styled(document, "Heading 1")]
    assert headings == ["Executive summary", *SECTION_TITLES.values(), "Glossary",
                        "References", "Notes"]


def test_recommendations_are_heading_2_with_meta(document):
    recs = [text for style, text in styled(document, "Heading 2")]
    assert len(recs) == 8 and recs[0] == "1. Institutionalise the dialogue"
    meta = [text for style, text in styled(document, "Recommendation Meta")]
    assert len(meta) == 8
    assert "High priority" in meta[0] and "Short term" in meta[0]
    assert "Ministry of Foreign Affairs of Pakistan" in meta[0]


def test_brief_blocks_have_their_own_styles(document):
    names = {p.style.name for p in document.paragraphs}
    assert {"Box Title", "Box Bullet", "Lead", "Body Text", "Quote", "Quote Attribution",
            "Caption", "Source Note", "Timeline Entry", "Bibliography", "Glossary Entry",
            "Note Text", "Colophon"} <= names
    assert len(styled(document, "Box Bullet")) == 5
    assert len(styled(document, "Timeline Entry")) == 12


def test_tables_use_the_table_style_and_repeat_header(document):
    assert len(document.tables) == 2
    table = document.tables[0]
    assert table.style.name == "Brief Table"
    assert [c.text for c in table.rows[0].cells] == ["Phase", "Years", "What happened",
                                                      "Character"]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_footer_has_page_and_numpages_fields(document):
    section = document.sections[0]
    for footer in (section.footer, section.first_page_footer):
        codes = [t.strip() for t in footer._element.xpath(".//w:instrText/text()")]
        assert codes == ["PAGE", "NUMPAGES"]
    assert section.different_first_page_header_footer
    assert "2025/07" in section.header.paragraphs[0].text


def test_core_properties(document):
    props = document.core_properties
    assert props.title.startswith("Pakistan and Russia")
    assert props.author == "briefgen example team"
    assert "Afghanistan" in props.keywords
    assert props.language == "en"
    assert props.created.date().isoformat() == "2025-12-21"


def test_styles_come_from_the_reference_document(document):
    body = document.styles["Body Text"]
    assert body.font.name == "Charis SIL"
    heading = document.styles["Heading 1"]
    assert heading.font.name == "Inter"


def test_citations_and_links_survive(document):
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Khan 2025b" in text and "[@" not in text
    links = document.element.xpath("//w:hyperlink")
    assert len(links) > 20


def test_libreoffice_opens_it(example_outputs, tmp_path):
    need("soffice")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(example_outputs["docx"])], check=True, capture_output=True,
                   timeout=180)
    pdf = PdfReader(next(tmp_path.glob("*.pdf")))
    assert 4 <= len(pdf.pages) <= 9
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert re.search(r"Page 2 of \d", text), "footer fields are not evaluated"
    assert "Strategic convergence and its limits" in text
