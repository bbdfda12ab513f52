"""The report's contents in Word carry page numbers when first opened, with no prompt.

Each number comes from the PDF's layout of the same edition (docx_toc); LibreOffice,
which sets the DOCX on its own, must put each heading within a page of it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import ROOT, need
from docx.oxml.ns import qn

from briefgen.content import load
from briefgen.docx_settings import set_settings
from briefgen.render import render_outputs
from briefgen.templates import TemplateSet

REPORT = ROOT / "content" / "pakistan-russia" / "report.yaml"


def contents(data: bytes) -> list[tuple[str, str, int | None]]:
    """Each contents entry of a DOCX: (bookmark, title, page number or None)."""
    document = docx.Document(io.BytesIO(data))
    entries = []
    for paragraph in document.paragraphs:
        if not re.fullmatch(r"TOC \d", paragraph.style.name):
            continue
        link = paragraph._p.findall(qn("w:hyperlink"))[-1]
        texts = [t.text for t in link.iter(qn("w:t"))]
        number = int(texts[-1]) if len(texts) > 1 and texts[-1].isdigit() else None
        title = texts[-2] if number is not None else texts[-1]
        title = re.sub("[\u00ad\u200b\u2060]", "", title)  # not in a PDF's text layer
        entries.append((link.get(qn("w:anchor")), title, number))
    return entries


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of a PDF, whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, dict]:
    """The report's academic edition as PDF and DOCX, its public one as DOCX alone."""
    templates = TemplateSet()
    doc = load(REPORT, list(templates.audiences))
    folder = tmp_path_factory.mktemp("toc")
    made = {}
    for audience, formats in (("academic", ["pdf", "docx"]), ("public", ["docx"])):
        outputs = render_outputs(doc, audience, formats, templates, epoch=1700000000)
        for fmt, output in outputs.items():
            (folder / f"{audience}.{fmt}").write_bytes(output.data)
        made[audience] = {fmt: folder / f"{audience}.{fmt}" for fmt in outputs}
    return made


@pytest.mark.parametrize("audience", ["academic", "public"])
def test_every_entry_has_a_page_number(editions, audience):
    entries = contents(editions[audience]["docx"].read_bytes())
    assert len(entries) >= 8
    assert all(number is not None for _, _, number in entries), entries
    numbers = [number for _, _, number in entries]
    assert numbers == sorted(numbers) and numbers[0] >= 2  # after the cover and contents


def test_numbers_are_the_pdfs(editions):
    """Word's contents show the numbers the PDF's contents show (target-counter)."""
    need("pdftotext")
    entries = contents(editions["academic"]["docx"].read_bytes())
    pdf_contents = next(page for page in page_texts(editions["academic"]["pdf"])
                        if page.startswith("Contents") or " Contents " in page[:200])
    for _, title, number in entries:
        found = re.search(re.escape(title) + r"[ .]*(\d+)", pdf_contents)
        assert found, title
        assert int(found[1]) == number, title


@pytest.mark.parametrize("audience", ["academic", "public"])
def test_libreoffice_sets_each_heading_within_a_page_of_its_number(editions, audience,
                                                                  tmp_path):
    need("pdftotext")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    source = editions[audience]["docx"]
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], capture_output=True, timeout=300, check=True)
    pages = page_texts(tmp_path / f"{source.stem}.pdf")
    entries = contents(source.read_bytes())
    # The page with the contents: a page of its own, or the cover (the public edition).
    contents_page = next(i for i, page in enumerate(pages)
                         if f"Contents {entries[0][1]}" in page)
    for _, title, number in entries:
        # The heading's page: the first after the contents that holds its title.
        page = next((i + 1 for i, text in enumerate(pages)
                     if i > contents_page and title in text), None)
        assert page is not None, title
        assert abs(page - number) <= 1, (title, number, page)


def test_settings_hyphenate_and_never_ask_to_update_fields(editions):
    document = docx.Document(str(editions["public"]["docx"]))
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")) is None
    assert settings.find(qn("w:autoHyphenation")) is not None
    assert settings.find(qn("w:consecutiveHyphenLimit")).get(qn("w:val")) == "2"
    # In the schema's order: after defaultTabStop, which the reference document sets.
    names = [child.tag.rsplit("}", 1)[1] for child in settings]
    assert names.index("defaultTabStop") < names.index("autoHyphenation") \
        < names.index("hyphenationZone")


def test_update_fields_of_a_reference_is_dropped():
    from docx.oxml import parse_xml

    settings = parse_xml('<w:settings xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:zoom w:percent="100"/>'
                         '<w:updateFields w:val="true"/></w:settings>')
    set_settings(settings)
    names = [child.tag.rsplit("}", 1)[1] for child in settings]
    assert "updateFields" not in names
    assert names[:3] == ["zoom", "embedTrueTypeFonts", "saveSubsetFonts"]


def test_the_number_sits_at_a_dot_leader_right_tab(editions):
    """A right tab with dots at the text's edge; a left stop only after a section number."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

    document = docx.Document(str(editions["public"]["docx"]))
    section = document.sections[-1]
    edge = section.page_width - section.left_margin - section.right_margin
    for paragraph in document.paragraphs:
        if not re.fullmatch(r"TOC \d", paragraph.style.name):
            continue
        stops = list(paragraph.paragraph_format.tab_stops)
        assert stops[-1].alignment == WD_TAB_ALIGNMENT.RIGHT
        assert stops[-1].leader == WD_TAB_LEADER.DOTS
        assert abs(stops[-1].position - edge) < 635 * 2  # within two twips
        # The tabs of the entry's own text: each run's, less the one before the number.
        tabs_in_text = len(paragraph._p.findall(f".//{qn('w:r')}/{qn('w:tab')}")) - 1
        # "Glossary" is narrower than the number's stop: it must not stop there.
        assert len(stops) == (2 if tabs_in_text > 0 else 1), paragraph.text
