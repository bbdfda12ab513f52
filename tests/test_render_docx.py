"""The example brief as Word: named styles an editor can change, fields, properties."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from conftest import EXAMPLE, SECTION_TITLES, need
from docx.oxml.ns import nsmap
from docx.oxml.parser import parse_xml
from pypdf import PdfReader

from briefgen.content import load


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
    # "What to watch" follows the recommendations; the notes are footnotes, not a list.
    assert headings == ["Executive summary", *SECTION_TITLES.values(), "What to watch",
                        "Glossary", "References"]


def test_headings_carry_bookmarks_that_links_point_to(document):
    body = document.element.body
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            assert paragraph._p.xpath("./w:bookmarkStart"), paragraph.text
    marks = set(body.xpath(".//w:bookmarkStart/@w:name"))
    anchors = set(body.xpath(".//w:hyperlink/@w:anchor"))
    assert "b_figure_1" in anchors and "b_figure_1" in marks  # "(Figure 1)" in the text
    assert anchors <= marks, anchors - marks


def test_recommendations_are_heading_2_with_meta(document):
    items = load(EXAMPLE).model.sections.recommendations.items
    recs = [text for style, text in styled(document, "Heading 2")]
    assert recs == [f"{i}. {item.title}" for i, item in enumerate(items, start=1)]
    meta = [text for style, text in styled(document, "Recommendation Meta")]
    assert len(meta) == len(items)
    horizon = {"short": "Short term (within a year)",
               "medium": "Medium term (one to three years)"}[items[0].horizon]
    assert f"{items[0].priority.capitalize()} priority" in meta[0] and horizon in meta[0]
    details = [text for style, text in styled(document, "Recommendation Detail")]
    assert details[0] == f"Who should act: {', '.join(items[0].actors)}"


def test_brief_blocks_have_their_own_styles(document):
    names = {p.style.name for p in document.paragraphs}
    assert {"Box Title", "Box Bullet", "Lead", "Body Text", "Quote", "Quote Attribution",
            "Caption", "Source Note", "Timeline Entry", "Bibliography", "Glossary Entry",
            "Colophon"} <= names
    # Every key message and every timeline entry of the academic edition, each in its style.
    model = load(EXAMPLE).model
    sections = [getattr(model.sections, key) for key in model.sections.order]
    entries = [entry for section in sections for entry in getattr(section, "timeline", [])]
    assert len(styled(document, "Box Bullet")) == len(model.key_messages)
    timeline = styled(document, "Timeline Entry")
    assert len(timeline) == len(entries) > 0
    for entry, (_, text) in zip(entries, timeline, strict=True):
        assert f"\t{entry.title}." in text, text


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
    assert props.author == "Amina Rauf; Jonas Berg"  # Word's separator between authors
    assert "Afghanistan" in props.keywords
    assert props.language == "en"
    assert props.created.date().isoformat() == "2025-12-21"


def test_styles_come_from_the_reference_document(document):
    body = document.styles["Body Text"]
    assert body.font.name == "Charis SIL"
    heading = document.styles["Heading 1"]
    assert heading.font.name == "Inter"


def test_citations_are_real_word_footnotes_numbered_like_the_html(document, example_outputs):
    part = next(rel.target_part for rel in document.part.rels.values()
                if rel.reltype.endswith("/footnotes"))
    footnotes = parse_xml(part.blob)
    ids = [int(i) for i in footnotes.xpath("./w:footnote[not(@w:type)]/@w:id",
                                           namespaces=nsmap)]
    calls = [int(i) for i in document.element.body.xpath(".//w:footnoteReference/@w:id")]
    html = example_outputs["html"].read_text(encoding="utf-8")
    assert calls == ids == list(range(1, len(ids) + 1))
    assert len(ids) == len(re.findall(r'<li id="note-\d+"', html)) > 40

    def note(number: int) -> str:
        return "".join(footnotes.xpath(f"./w:footnote[@w:id='{number}']//w:t/text()",
                                       namespaces=nsmap)).strip()

    # Chicago's short form; the two authors named Khan told apart by their initials, which
    # a no-break space keeps on the name's line.
    assert note(1) == "Noor, Zahir, and Ullah, “Pakistan–Russia Relations in Transition.”"
    assert note(2) == "M.\u00a0Khan, “Evolving Nature.”"
    styles = footnotes.xpath("./w:footnote[@w:id='1']/w:p/w:pPr/w:pStyle/@w:val",
                             namespaces=nsmap)
    assert styles == [document.styles["Footnote Text"].style_id]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "[@" not in text and "Khan, “Evolving Nature.”" not in text  # notes, not text


def test_chart_is_a_picture_with_alt_text(document):
    model = load(EXAMPLE).model
    [chart] = [figure for key in model.sections.order
               for figure in getattr(getattr(model.sections, key), "figures", [])
               if figure.chart is not None]
    [picture] = [shape for shape in document.inline_shapes
                 if shape._inline.docPr.get("descr") == chart.alt]
    assert picture.width > picture.height > 0


def test_libreoffice_opens_it(example_outputs, tmp_path):
    need("soffice")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(example_outputs["docx"])], check=True, capture_output=True,
                   timeout=180)
    pdf = PdfReader(next(tmp_path.glob("*.pdf")))
    assert 5 <= len(pdf.pages) <= 12
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert re.search(r"Page 2 of \d", text), "footer fields are not evaluated"
    assert "Strategic convergence and its limits" in text


def test_columns_follow_their_content_and_small_units_stay_together(document):
    table = document.tables[0]  # Phase | Years | What happened | Character
    widths = [cell.width for cell in table.rows[1].cells]
    assert widths[0] < widths[1] < widths[2] and sum(widths) > 0
    assert all(p.paragraph_format.keep_with_next for row in table.rows[:-1]
               for cell in row.cells for p in cell.paragraphs)
    # A recommendation stays whole: its title, text, meta line and each detail (who acts,
    # cost, risk) keep with the paragraph after them, down to its last detail.
    title = load(EXAMPLE).model.sections.recommendations.items[0].title
    paragraphs = document.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.text == f"1. {title}")
    meta = next(i for i in range(first, len(paragraphs))
                if paragraphs[i].style.name == "Recommendation Meta")
    last = meta
    while paragraphs[last + 1].style.name == "Recommendation Detail":
        last += 1
    assert last - meta == 3, [p.text for p in paragraphs[meta:last + 1]]
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[first:last])
