"""Right-to-left editions in Word: an Urdu brief's DOCX carries Word's bidi properties
(paragraphs, runs, tables, section), LibreOffice lays it out right to left, and pandoc
reads its text in logical order. The checks of direction on the XML and the layout run on
the same brief in English too, where they must find the opposite: they tell the two apart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import need
from lxml import etree

from briefgen.docx_bidi import bidi_language
from briefgen.docx_bidi_runs import directions
from briefgen.docx_theme import COMPLEX_SCRIPT_FONT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

# A small brief in Urdu: a title, two paragraphs with a Latin name and a number, a list, a
# table of three columns and a citation (a footnote in Word).
URDU = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "پاکستان اور روس: ایک مختصر جائزہ"
      date: 2025-06-01
      language: ur
      authors: [{name: "Amina Rauf"}]
    audiences: [academic]
    summary: |
      پاکستان اور روس کے تعلقات 2001 کے بعد بہتر ہوئے۔ Muhammad Khan کے مطابق دونوں
      ملکوں نے ہر سال مشترکہ فوجی مشقیں کیں [@khan2025]۔
    key_messages: ["تجارت کم ہے۔", "سلامتی اہم ہے۔", "رابطے بڑھائیں۔"]
    sections:
      history:
        title: "تاریخ"
        lead: "سرد جنگ کے دوران دونوں ملک ایک دوسرے سے دور رہے۔"
        body: |
          سرد جنگ کے دوران دونوں ملک دور رہے، اور تعلقات میں گرمجوشی بہت دیر سے آئی۔
          صدر Ayub Khan نے 1965 میں ماسکو کا دورہ کیا، جو اس زمانے میں ایک اہم قدم سمجھا
          گیا، اور اس کے بعد دونوں ملکوں کے درمیان تجارت اور ثقافتی رابطے آہستہ آہستہ
          بڑھنے لگے [@khan2025]۔

          - پہلا نکتہ: سلامتی
          - دوسرا نکتہ SCO کے بارے میں
          - تیسرا نکتہ: توانائی
      strategic:
        title: "حکمت عملی"
        lead: "تعارف۔"
        body: "تجارت 2020–21 میں کم رہی (تقریباً 732 ملین ڈالر)، “اہم” اعداد 2025/07 کے مطابق۔"
      economic:
        title: "معیشت"
        lead: "تعارف۔"
        body: "متن۔"
        tables:
          - caption: "تجارت"
            columns: ["سال", "برآمدات", "درآمدات"]
            rows: [["2019", "100", "200"], ["2020", "150", "250"]]
            source: "[@khan2025]"
      societal: {title: "معاشرہ", lead: "تعارف۔", body: "متن۔"}
      recommendations:
        title: "سفارشات"
        lead: "تعارف۔"
        items:
          - {title: "عمل کریں", text: "یہ کریں۔", actors: ["حکومت"], horizon: short, priority: high}
    references:
      - {id: khan2025, type: book, authors: ["Khan, Muhammad"], title: "Pakistan and Russia",
         date: 2025}
    """)

# The same brief in English: every right-to-left check must fail on it.
ENGLISH = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "Pakistan and Russia: a short review"
      date: 2025-06-01
      authors: [{name: "Amina Rauf"}]
    audiences: [academic]
    summary: |
      Relations between Pakistan and Russia improved after 2001. According to Muhammad Khan
      the two countries held joint military exercises every year [@khan2025].
    key_messages: ["Trade is small.", "Security matters.", "Build links."]
    sections:
      history:
        title: "History"
        lead: "During the Cold War the two countries stayed apart."
        body: |
          During the Cold War the two countries stayed apart, and warmth came to their
          relations very late. President Ayub Khan visited Moscow in 1965, which was seen as
          an important step at the time, and afterwards trade and cultural contacts between
          the two countries slowly began to grow [@khan2025].

          - First point: security
          - Second point, about the SCO
          - Third point: energy
      strategic: {title: "Strategy", lead: "Lead.", body: "Text."}
      economic:
        title: "Economy"
        lead: "Lead."
        body: "Text."
        tables:
          - caption: "Trade"
            columns: ["Year", "Exports", "Imports"]
            rows: [["2019", "100", "200"], ["2020", "150", "250"]]
            source: "[@khan2025]"
      societal: {title: "Society", lead: "Lead.", body: "Text."}
      recommendations:
        title: "Recommendations"
        lead: "Lead."
        items:
          - {title: "Act", text: "Do it.", actors: ["Government"], horizon: short, priority: high}
    references:
      - {id: khan2025, type: book, authors: ["Khan, Muhammad"], title: "Pakistan and Russia",
         date: 2025}
    """)

LANGUAGES = ("ur", "en")


@pytest.fixture(scope="module")
def docx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the Urdu and the English brief as DOCX: {language: path}."""
    from briefgen.pipeline import build

    root = tmp_path_factory.mktemp("rtl")
    out: dict[str, Path] = {}
    for language, text in zip(LANGUAGES, (URDU, ENGLISH), strict=True):
        source = root / language / "brief.yaml"
        source.parent.mkdir()
        source.write_text(text, encoding="utf-8")
        written = build([source], out=root / "out", formats=["docx"], on_warning=lambda d: None)
        out[language] = written[0].job.path
    return out


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def _parts(path: Path, prefix: str) -> list[etree._Element]:
    with zipfile.ZipFile(path) as package:
        return [etree.fromstring(package.read(name)) for name in package.namelist()
                if name.startswith(prefix) and name.endswith(".xml")]


def _on(element: etree._Element | None) -> bool:
    """Whether an on/off property is present and on."""
    return element is not None and element.get(f"{{{W}}}val", "1") not in ("0", "false")


def _runs_with(root: etree._Element, text: str) -> list[etree._Element]:
    return [r for r in root.iter(f"{{{W}}}r") if text in "".join(r.xpath("./w:t/text()",
                                                                           namespaces=NS))]


def _bidi_styles(path: Path) -> list[str]:
    """Return the paragraph styles (and docDefaults) that are not right to left."""
    styles = _xml(path, "word/styles.xml")
    missing = [s.get(f"{{{W}}}styleId") for s in styles.xpath("w:style[@w:type='paragraph']",
                                                              namespaces=NS)
               if not _on(s.find("w:pPr/w:bidi", NS))]
    if not _on(styles.find("w:docDefaults/w:pPrDefault/w:pPr/w:bidi", NS)):
        missing.append("docDefaults")
    return missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_paragraph_style_and_the_defaults_run_right_to_left(docx, language):
    missing = _bidi_styles(docx[language])
    assert (not missing) == (language == "ur"), missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_paragraph_turns_itself_left_to_right(docx, language):
    # Body, header, footer and footnote paragraphs take the styles' direction: only one
    # whose text starts in Latin script (a note citing English works, the byline's Latin
    # names: dir="auto" in an RTL edition) says w:bidi="0".
    roots = [_xml(docx[language], "word/document.xml"), *_parts(docx[language], "word/header"),
             *_parts(docx[language], "word/footer"), _xml(docx[language], "word/footnotes.xml")]
    paragraphs = [p for root in roots for p in root.iter(f"{{{W}}}p")]
    assert paragraphs
    turned = [p for p in paragraphs if p.find("w:pPr/w:bidi", NS) is not None
              and not _on(p.find("w:pPr/w:bidi", NS))]
    for paragraph in turned:
        text = "".join(paragraph.xpath(".//w:t/text()", namespaces=NS))
        first = re.search(r"[A-Za-z\u0600-\u06ff]", text)
        assert first and first.group() < "\u0600", text


@pytest.mark.parametrize("language", LANGUAGES)
def test_urdu_runs_are_rtl_and_the_latin_name_and_numbers_are_not(docx, language):
    body = _xml(docx[language], "word/document.xml")
    urdu = [r for r in body.iter(f"{{{W}}}r")
            if re.search("[\u0600-\u06ff]", "".join(r.xpath("./w:t/text()", namespaces=NS)))]
    if language == "en":
        assert not body.xpath("//w:rtl", namespaces=NS)
        return
    assert urdu and all(_on(r.find("w:rPr/w:rtl", NS)) for r in urdu)
    for latin in ("Muhammad Khan", "Ayub Khan", "2001", "1965", "SCO"):
        runs = _runs_with(body, latin)
        assert runs, f"{latin!r} is not one run"
        # The name is one run of its own: no Arabic letter, no w:rtl.
        for run in runs:
            text = "".join(run.xpath("./w:t/text()", namespaces=NS))
            assert not re.search("[\u0600-\u06ff]", text), text
            assert run.find("w:rPr/w:rtl", NS) is None, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_complex_script_font_size_bold_and_language(docx, language):
    styles = _xml(docx[language], "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(f"{{{W}}}cs") == COMPLEX_SCRIPT_FONT
    lang = defaults.find("w:lang", NS).get(f"{{{W}}}bidi")
    heading = styles.xpath("w:style[@w:styleId='Heading1']/w:rPr", namespaces=NS)[0]
    if language == "en":
        assert lang != "ur-PK"
        return
    assert lang == "ur-PK"
    for rpr in styles.iter(f"{{{W}}}rPr"):
        sz, sz_cs = rpr.find("w:sz", NS), rpr.find("w:szCs", NS)
        if sz is not None:
            assert sz_cs is not None and sz_cs.get(f"{{{W}}}val") == sz.get(f"{{{W}}}val")
        if _on(rpr.find("w:b", NS)):
            assert _on(rpr.find("w:bCs", NS))
        if rpr.find("w:i", NS) is not None:  # Urdu is never slanted (no italic in Arabic)
            assert not _on(rpr.find("w:iCs", NS))
    assert _on(heading.find("w:bCs", NS))
    assert not [r for r in styles.iter(f"{{{W}}}iCs") if _on(r)]
    # Bold and italic set on runs (the reference in a note is italic) have their twins.
    roots = [_xml(docx[language], "word/document.xml"),
             _xml(docx[language], "word/footnotes.xml")]
    for rpr in (r for root in roots for r in root.iter(f"{{{W}}}rPr")):
        if _on(rpr.find("w:rtl", NS)):
            if _on(rpr.find("w:b", NS)):
                assert _on(rpr.find("w:bCs", NS))
            if _on(rpr.find("w:i", NS)):
                assert not _on(rpr.find("w:iCs", NS))


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_and_the_section_are_right_to_left(docx, language):
    body = _xml(docx[language], "word/document.xml")
    tables = body.xpath("//w:tbl", namespaces=NS)
    assert tables
    rtl = language == "ur"
    assert all(_on(t.find("w:tblPr/w:bidiVisual", NS)) for t in tables) == rtl
    assert _on(body.find("w:body/w:sectPr/w:bidi", NS)) == rtl
    for table in tables:  # in the schema's order: bidiVisual and tblW before tblLook
        names = [etree.QName(c).localname for c in table.find("w:tblPr", NS)]
        assert names.index("tblW") < names.index("tblLook")
        if rtl:
            assert names.index("bidiVisual") < names.index("tblW")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_boxes_rule_stands_where_the_text_starts(docx, language):
    # bidi mirrors indents, not borders: the key messages' accent rule moves to the right.
    styles = _xml(docx[language], "word/styles.xml")
    borders = styles.xpath("w:style[@w:styleId='BoxBullet']/w:pPr/w:pBdr", namespaces=NS)[0]
    thick = max(borders, key=lambda e: int(e.get(f"{{{W}}}sz")))
    assert etree.QName(thick).localname == ("right" if language == "ur" else "left")


def test_directions_follow_the_bidi_algorithms_neutrals():
    def marks(text: str, rtl: bool = True) -> str:
        return "".join("R" if f else "L" for f in directions(text, rtl))

    # The space inside a Latin name stays with it; the spaces around it are the paragraph's.
    assert marks("کے Muhammad Khan کے") == "RRR" + "L" * 13 + "RRR"
    # A number after Urdu counts as right to left for its neighbours, its digits are Latin.
    assert marks("سال 2001 کے") == "RRRR" + "LLLL" + "RRR"
    assert marks("$732 ملین") == "LLLL" + "RRRRR"
    # In a left-to-right paragraph, punctuation at the end goes with the paragraph.
    assert marks("Khan, Muhammad.", rtl=False) == "L" * 15
    assert marks("Khan, Muhammad.") == "L" * 14 + "R"
    assert bidi_language("ur") == "ur-PK" and bidi_language("fa") == "fa-IR"
    assert bidi_language("ur-IN") == "ur-IN" and bidi_language("x\x01 y") is None


# --- LibreOffice and pandoc ---------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(docx, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LibreOffice's PDF of each DOCX: {language: path}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    need("pdftotext")
    root = tmp_path_factory.mktemp("rtl-lo")
    subprocess.run([soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(root / "pdf"),
                    *map(str, docx.values())],
                   check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(root)})
    return {language: root / "pdf" / f"{path.stem}.pdf" for language, path in docx.items()}


Line = tuple[float, float, float, list[tuple[float, float, str]]]


def _blocks(pdf: Path) -> list[list[Line]]:
    """Return page 1's blocks, each its lines as (xMin, xMax, yMin, [(xMin, xMax, word)])."""
    html = subprocess.run(["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    return [[(float(line.get("xmin")), float(line.get("xmax")), float(line.get("ymin")),
              [(float(w.get("xmin")), float(w.get("xmax")), w.text or "")
               for w in line.iter("word")])
             for line in block.iter("line")]
            for block in root.iter("block")]


def _lines(pdf: Path) -> list[Line]:
    """Return page 1's visual lines: pdftotext's lines at one height joined, top down."""
    joined: list[Line] = []
    for x_min, x_max, y, words in sorted((line for block in _blocks(pdf) for line in block),
                                         key=lambda line: line[2]):
        if joined and abs(joined[-1][2] - y) < 2:
            last = joined[-1]
            joined[-1] = (min(last[0], x_min), max(last[1], x_max), last[2], last[3] + words)
        else:
            joined.append((x_min, x_max, y, words))
    return joined


def _page_width(pdf: Path) -> float:
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return float(re.search(r'<page width="([\d.]+)"', html).group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_libreoffice_sets_lines_flush_right_and_ragged_left(converted, language):
    pdf = converted[language]
    lines = _lines(pdf)
    middle = _page_width(pdf) / 2
    # The lines of the long history paragraph (from the one naming Ayub Khan to the list
    # below it) all end at the right margin; the last is shorter, ragged on the left.
    start = next(i for i, line in enumerate(lines) if any(w[2] == "Ayub" for w in line[3]))
    end = next(i for i in range(start, len(lines)) if "•" in [w[2] for w in lines[i][3]])
    paragraph = lines[start:end]
    assert len(paragraph) >= 2, "the history paragraph should take two lines or more"
    right = max(line[1] for line in paragraph)
    left = min(line[0] for line in paragraph)
    last = paragraph[-1]
    rtl = language == "ur"
    assert (abs(last[1] - right) < 3 and last[0] - left > 30) == rtl, last[:2]
    assert all(abs(line[1] - right) < 3 for line in paragraph) == rtl
    # Short lines (a list item, the byline) stand on the right half of the page.
    short = [line for line in lines if any(w[2] == "SCO" for w in line[3])
             or any(w[2] == "Amina" for w in line[3])]
    assert short and all((line[0] > middle) == rtl for line in short), short


@pytest.mark.parametrize("language", LANGUAGES)
def test_libreoffice_puts_list_markers_and_the_first_column_on_the_right(converted, language):
    lines = _lines(converted[language])
    rtl = language == "ur"
    item = next(line for line in lines if any(w[2] == "SCO" for w in line[3]))
    bullet = next(w for w in item[3] if w[2] == "•")
    text = [w for w in item[3] if w[2] != "•"]
    assert (bullet[0] > max(w[1] for w in text)) == rtl, (bullet, item[:2])
    # Table 1's body: the year (first column) is right of the exports (second).
    row = next(line for line in lines if any(w[2] == "2019" for w in line[3]))
    year = next(w for w in row[3] if w[2] == "2019")
    exports = next(w for w in row[3] if w[2] == "100")
    assert (year[0] > exports[1]) == rtl


def test_pandoc_reads_the_urdu_text_in_logical_order(docx):
    need("pandoc")
    text = subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none",
                           str(docx["ur"])], check=True, capture_output=True,
                          text=True).stdout
    assert "پاکستان اور روس کے تعلقات 2001 کے بعد بہتر ہوئے۔ Muhammad Khan کے مطابق" in text
    assert "صدر Ayub Khan نے 1965 میں ماسکو کا دورہ کیا" in text
    assert "دوسرا نکتہ SCO کے بارے میں" in text


def test_the_embedded_urdu_face_keeps_its_joining_forms(docx):
    # A subset with only kern and liga draws every Urdu letter on its own, unjoined, in
    # LibreOffice (which prefers the embedded face): the Arabic shaping features stay.
    import io

    from fontTools.ttLib import TTFont

    from briefgen.docx_fonts import obfuscate

    table = _xml(docx["ur"], "word/fontTable.xml")
    rels = _xml(docx["ur"], "word/_rels/fontTable.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    font = next(f for f in table.iter(f"{{{W}}}font")
                if f.get(f"{{{W}}}name") == COMPLEX_SCRIPT_FONT)
    embed = font.find("w:embedRegular", NS)
    with zipfile.ZipFile(docx["ur"]) as package:
        data = package.read("word/" + targets[embed.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")])
    face = TTFont(io.BytesIO(obfuscate(data, embed.get(f"{{{W}}}fontKey"))))
    features = {record.FeatureTag for record in face["GSUB"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig"} <= features, sorted(features)


@pytest.mark.parametrize("language", LANGUAGES)
def test_urdu_lines_are_at_least_single_spaced(docx, language):
    # Below single, LibreOffice crowds the first lines of a mixed Urdu and Latin paragraph.
    styles = _xml(docx[language], "word/styles.xml")
    lines = [int(s.get(f"{{{W}}}line")) for s in styles.iter(f"{{{W}}}spacing")
             if s.get(f"{{{W}}}line") and s.get(f"{{{W}}}lineRule", "auto") == "auto"]
    assert lines
    assert (min(lines) >= 240) == (language == "ur"), min(lines)


@pytest.mark.parametrize("page", ["rtl", "ltr"])
def test_an_element_whose_dir_differs_from_the_page_gets_its_own_direction(page):
    from lxml import html

    from briefgen.docx_blocks import BlockWriter
    from briefgen.docx_reference import open_reference
    from briefgen.paths import builtin_dir

    document = open_reference(builtin_dir() / "docx" / "reference.docx")
    body = document.element.body
    for child in [c for c in body if not c.tag.endswith("}sectPr")]:
        body.remove(child)
    page_html = html.document_fromstring(
        f'<html dir="{page}"><body><p>اردو متن</p><p dir="ltr">An English note.</p>'
        '<p dir="auto">Khan, Pakistan and Russia.</p><p dir="auto">دیکھیے Khan</p>'
        '<div dir="rtl"><p>Inside</p></div></body></html>')
    writer = BlockWriter(document, {}, 5_000_000, page)
    writer.blocks(page_html.find("body"))
    values = []
    for paragraph in body.iter(f"{{{W}}}p"):
        bidi = paragraph.find("w:pPr/w:bidi", NS)
        values.append(None if bidi is None else bidi.get(f"{{{W}}}val"))
    if page == "rtl":  # the page's own direction comes from the styles (make_rtl)
        assert values == [None, "0", "0", None, None]
    else:
        assert values == [None, None, None, "1", "1"]
        # The runs of the right-to-left paragraph are split and marked; the others not.
        from briefgen.docx_bidi import mark_rtl_paragraphs

        mark_rtl_paragraphs(document)
        marked = ["".join(t.text for t in r.iter(f"{{{W}}}t"))
                  for r in body.iter(f"{{{W}}}r") if r.find("w:rPr/w:rtl", NS) is not None]
        assert marked == ["دیکھیے "]


# The faces briefgen bundles, as pdffonts names them (subset prefixes dropped).
BUNDLED = {"CharisSIL", "CharisSIL-Bold", "CharisSIL-Italic", "CharisSIL-BoldItalic",
           "Inter-Regular", "Inter-Bold", "Inter-Italic",
           "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"}


def test_libreoffice_draws_the_urdu_brief_in_the_bundled_fonts(converted):
    # Noto Naskh Arabic has no bullet, dash, bracket, slash or curly quote: set in it, they
    # came from a system font (Awami Nastaliq, DejaVu Sans) the document does not carry.
    need("pdffonts")
    report = subprocess.run(["pdffonts", str(converted["ur"])], capture_output=True,
                            text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in report.splitlines()[2:]}
    assert "NotoNaskhArabic-Regular" in fonts and fonts <= BUNDLED, fonts
