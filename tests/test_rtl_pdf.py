"""A right-to-left edition in print: an Urdu brief laid out right to left by WeasyPrint.

The PDF's word positions (`pdftotext -bbox-layout`, poppler) show body lines flush right
and ragged left, list markers to the right of their items, the first table column on the
right, the page number at the bottom left, and a Latin name inside Urdu text in its
logical place (`pdftotext`). The same English brief run through the same checks fails
each of them, so that they test the direction and not merely the text. A Latin entry
marked dir="auto" reads left to right in a right-to-left page (render_pdf's workaround for
WeasyPrint, which knows only dir="ltr" and "rtl"). Skipped without pdftotext.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import need

from briefgen.pipeline import build

URDU = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "پاکستان اور روس: نئی شراکت داری"
      date: 2025-06-01
      language: ur
      authors: [{name: "Ada Analyst"}]
    audiences: [academic]
    summary: |
      یہ رپورٹ پاکستان اور روس کے تعلقات کا جائزہ لیتی ہے۔ Vladimir Putin اور شہباز شریف نے
      2024 میں ملاقات کی اور تجارت کو 1200 ملین ڈالر تک بڑھانے پر اتفاق کیا [@doe2024]۔
      دونوں ملکوں کے درمیان توانائی، دفاع اور زراعت میں تعاون بڑھ رہا ہے، مگر مالیاتی
      پابندیاں اور ادائیگی کے مسائل ابھی باقی ہیں۔

      دوسرا پیراگراف بتاتا ہے کہ گیس پائپ لائن کا منصوبہ کئی برسوں سے زیر غور ہے اور اس کی
      لاگت تقریباً 2.5 ارب ڈالر ہے۔ ماہرین کا خیال ہے کہ اس منصوبے کی تکمیل دونوں ملکوں کے
      تعلقات کو ایک نئی سطح پر لے جائے گی، بشرطیکہ سیاسی عزم برقرار رہے۔
    key_messages: ["تجارت بڑھ رہی ہے۔", "توانائی اہم ہے۔", "پابندیاں رکاوٹ ہیں۔"]
    sections:
      history:
        title: "تاریخ"
        lead: "سرد جنگ سے آج تک۔"
        body: |
          سرد جنگ کے دوران دونوں ملک مخالف کیمپوں میں تھے۔ اہم مراحل:

          - سفارتی تعلقات 1948 میں قائم ہوئے۔
          - 1965 میں تاشقند معاہدہ ہوا۔
          - 2014 میں دفاعی معاہدہ طے پایا۔
      strategic: {title: "حکمت عملی", lead: "تعارف۔", body: "حکمت عملی کا متن۔"}
      economic:
        title: "معیشت"
        lead: "تعارف۔"
        body: "معیشت کا متن۔"
        tables:
          - caption: "تجارت کے اعداد و شمار"
            columns: ["سال", "برآمدات", "درآمدات"]
            rows: [["2022", "150", "600"], ["2023", "180", "650"], ["2024", "210", "700"]]
      societal: {title: "معاشرہ", lead: "تعارف۔", body: "معاشرے کا متن۔"}
      recommendations:
        title: "سفارشات"
        lead: "تعارف۔"
        items:
          - {title: "عمل کریں", text: "یہ کریں۔", actors: ["حکومت"], horizon: short,
             priority: high}
    references:
      - {id: doe2024, type: book, authors: ["Doe, Jane"],
         title: "A Book on Russia and Pakistan", date: 2024}
    """)

# The same brief in English: every check below must fail on it.
ENGLISH = textwrap.dedent("""\
    kind: policy-brief
    meta:
      title: "Pakistan and Russia: a new partnership"
      date: 2025-06-01
      authors: [{name: "Ada Analyst"}]
    audiences: [academic]
    summary: |
      This report reviews relations between Pakistan and Russia. Vladimir Putin and
      Shehbaz Sharif met in 2024 and agreed to raise trade to 1200 million dollars
      [@doe2024]. Cooperation grows in energy, defence and farming, but financial
      sanctions and payment problems remain.

      The second paragraph says that the gas pipeline has been discussed for years and
      would cost about 2.5 billion dollars. Experts think that building it would take
      relations between the two countries to a new level, if the political will holds.
    key_messages: ["Trade is growing.", "Energy matters.", "Sanctions stand in the way."]
    sections:
      history:
        title: "History"
        lead: "From the Cold War to today."
        body: |
          During the Cold War the two countries stood in opposing camps. Milestones:

          - Diplomatic relations were established in 1948.
          - The Tashkent Declaration was signed in 1965.
          - A defence agreement was concluded in 2014.
      strategic: {title: "Strategy", lead: "Lead.", body: "Strategy body."}
      economic:
        title: "Economy"
        lead: "Lead."
        body: "Economy body."
        tables:
          - caption: "Trade figures"
            columns: ["Year", "Exports", "Imports"]
            rows: [["2022", "150", "600"], ["2023", "180", "650"], ["2024", "210", "700"]]
      societal: {title: "Society", lead: "Lead.", body: "Society body."}
      recommendations:
        title: "Recommendations"
        lead: "Lead."
        items:
          - {title: "Act", text: "Do it.", actors: ["Government"], horizon: short,
             priority: high}
    references:
      - {id: doe2024, type: book, authors: ["Doe, Jane"],
         title: "A Book on Russia and Pakistan", date: 2024}
    """)

# Bidi controls pdftotext puts around runs of each direction in its plain text.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def build_brief(text: str, folder: Path, fmt: str) -> Path:
    """Write text as a brief in folder, build it in fmt, and return the output's path."""
    source = folder / "brief.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    source.write_text(text, encoding="utf-8")
    return build([source], out=folder / "out", formats=[fmt])[0].job.path


def build_pdf(text: str, folder: Path) -> Path:
    """Write text as a brief in folder, build its PDF, and return the PDF's path."""
    need("pdftotext")
    return build_brief(text, folder, "pdf")


@pytest.fixture(scope="module")
def urdu_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Urdu brief's PDF, built once for the module."""
    return build_pdf(URDU, tmp_path_factory.mktemp("urdu"))


@pytest.fixture(scope="module")
def english_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same brief in English, built once for the module."""
    return build_pdf(ENGLISH, tmp_path_factory.mktemp("english"))


# --- Reading word positions -------------------------------------------------------------

class Word:
    """A word of the PDF: its text (as poppler gives it) and its box in points."""

    def __init__(self, element: ElementTree.Element) -> None:
        self.text = element.text or ""
        self.x0, self.x1 = float(element.get("xMin", 0)), float(element.get("xMax", 0))
        self.y0 = float(element.get("yMin", 0))

    def is_(self, text: str) -> bool:
        """Tell whether this is text; poppler gives Arabic-script words in visual order."""
        return text in (self.text, self.text[::-1])


def pages_of(pdf: Path) -> list[tuple[float, list[list[Word]]]]:
    """Return each page's width and lines (as poppler groups them), words left to right."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    pages = []
    for page in ElementTree.fromstring(xml).iter("page"):
        lines = [[Word(w) for w in line.iter("word")] for line in page.iter("line")]
        pages.append((float(page.get("width", 0)), [line for line in lines if line]))
    return pages


def lines_with(pdf: Path, word: str) -> list[list[Word]]:
    """Return the lines of the block (paragraph) holding word, each line's words."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    for block in ElementTree.fromstring(xml).iter("block"):
        lines = [[Word(w) for w in line.iter("word")] for line in block.iter("line")]
        if any(w.is_(word) for line in lines for w in line):
            return lines
    raise AssertionError(f"no block holds {word!r}")


def find(pdf: Path, text: str) -> Word:
    """Return the first word that is text."""
    for _, lines in pages_of(pdf):
        for line in lines:
            for word in line:
                if word.is_(text):
                    return word
    raise AssertionError(f"{text!r} is not in the PDF")


# --- The checks, each a function an English brief fails ---------------------------------

def check_flush_right(pdf: Path, word: str) -> None:
    """The paragraph holding word: lines end at one right edge and start at varied left."""
    lines = lines_with(pdf, word)
    assert len(lines) >= 3, f"the paragraph has {len(lines)} lines: too few to tell"
    rights = [max(w.x1 for w in line) for line in lines]
    lefts = [min(w.x0 for w in line) for line in lines]
    assert max(rights) - min(rights) < 1.5, f"right edges differ: {rights}"
    assert max(lefts) - min(lefts) > 15, f"left edges align (not ragged): {lefts}"
    assert lefts[-1] > min(lefts) + 15, "the last line does not end short on the left"


def check_markers_right(pdf: Path) -> None:
    """Every bullet stands to the right of its item's words."""
    bulleted = [line for _, lines in pages_of(pdf) for line in lines
                if any(w.text == "•" for w in line) and len(line) > 1]
    assert len(bulleted) >= 3, "no bulleted items found"
    for line in bulleted:
        bullet = next(w for w in line if w.text == "•")
        text = [w for w in line if w is not bullet]
        assert bullet.x0 >= max(w.x1 for w in text), \
            f"a marker is not right of its item: {' '.join(w.text for w in line)}"


def check_first_column_right(pdf: Path, first: str, second: str) -> None:
    """The table's first column heading stands to the right of the second's."""
    one, two = find(pdf, first), find(pdf, second)
    assert abs(one.y0 - two.y0) < 2, "the headings are not on one line"
    assert one.x0 > two.x1, f"first column at x={one.x0:.0f}, second at {two.x0:.0f}"


def check_page_number_left(pdf: Path) -> None:
    """Each page's lowest line (the page number) stands in the left half of the page."""
    for width, lines in pages_of(pdf):
        footer = max(lines, key=lambda line: line[0].y0)
        assert any(w.text.isdigit() for w in footer), "the lowest line has no page number"
        assert max(w.x1 for w in footer) < width / 2, \
            f"the page number is not on the left: {' '.join(w.text for w in footer)}"


def plain_text(pdf: Path) -> str:
    """The PDF's text in logical order (pdftotext's bidi controls removed)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.translate(_BIDI_CONTROLS)


# --- Tests ------------------------------------------------------------------------------

def test_body_lines_flush_right(urdu_pdf):
    check_flush_right(urdu_pdf, "Vladimir")


def test_list_markers_on_the_right(urdu_pdf):
    check_markers_right(urdu_pdf)


def test_first_table_column_on_the_right(urdu_pdf):
    check_first_column_right(urdu_pdf, "سال", "برآمدات")


def test_page_number_bottom_left(urdu_pdf):
    check_page_number_left(urdu_pdf)


def test_running_header_top_right(urdu_pdf):
    width, lines = pages_of(urdu_pdf)[1]  # page one has no running header
    header = min(lines, key=lambda line: line[0].y0)
    assert min(w.x0 for w in header) > width / 2, "the running header is not on the right"


def test_latin_name_in_logical_order(urdu_pdf):
    text = " ".join(plain_text(urdu_pdf).split())
    assert "Vladimir Putin" in text
    # Read in logical order: the Urdu before the name, the name, the Urdu after it
    # (poppler drops the space at the end of a left-to-right run).
    assert re.search(r"جائزہ لیتی ہے۔ *Vladimir Putin *اور شہباز شریف", text), \
        "the Latin name is out of its place in the Urdu sentence"
    assert re.search(r"تجارت *کو *1200 *ملین ڈالر", text), "a number is out of its place"


@pytest.mark.parametrize("check", [
    lambda pdf: check_flush_right(pdf, "Vladimir"),
    check_markers_right,
    lambda pdf: check_first_column_right(pdf, "Year", "Exports"),
    check_page_number_left,
], ids=["flush-right", "markers", "first-column", "page-number"])
def test_english_brief_fails_each_check(english_pdf, check):
    with pytest.raises(AssertionError):
        check(english_pdf)


def test_auto_direction_reads_latin_left_to_right(tmp_path):
    """A dir="auto" Latin entry in a right-to-left page reads left to right, at the left."""
    need("pdftotext")
    from briefgen.render_pdf import render_pdf
    from briefgen.templates import TemplateSet

    html = ('<!DOCTYPE html><html lang="ur" dir="rtl"><head><meta charset="utf-8">'
            '<style>@page { size: A5; margin: 20mm }</style></head><body><p>یہ ایک جملہ ہے۔</p>'
            '<p dir="auto">Doe, Jane. <em>A Book</em>. London: Press, 2024.</p></body></html>')
    pdf = tmp_path / "auto.pdf"
    pdf.write_bytes(render_pdf(html, [], TemplateSet().dirs).data)
    doe, book, year = find(pdf, "Doe,"), find(pdf, "Book."), find(pdf, "2024.")
    # Left to right: WeasyPrint alone sets the inline parts of a right-to-left line in
    # reverse order ("2024. Press, London: A Book. Doe, Jane.") and flush right.
    assert doe.x1 < book.x0 < year.x0, "the entry does not read left to right"
    urdu = [w for _, lines in pages_of(pdf) for line in lines for w in line
            if w.y0 < doe.y0 - 3]  # the Urdu sentence above it, set at the right
    assert doe.x0 < min(w.x0 for w in urdu) - 100, "the Latin entry is not set at the left"


_PHYSICAL = ("left", "right")


def physical_sides(rules: list, at_page: bool = False) -> list[str]:
    """Return the declarations of rules (recursing into @media) that name left or right."""
    import tinycss2

    found = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword in ("page", "font-face"):
            continue  # the page's corners are mirrored in base.html
        if rule.type == "at-rule" and rule.content is not None:
            found += physical_sides(tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True))
        elif rule.type == "qualified-rule" and not tinycss2.serialize(
                rule.prelude).startswith("[dir="):  # a rule for one direction may name sides
            for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                       skip_whitespace=True):
                if decl.type != "declaration":
                    continue
                value = tinycss2.serialize(decl.value).strip()
                if any(side in decl.lower_name for side in _PHYSICAL) or (
                        decl.lower_name in ("float", "clear", "text-align")
                        and value in _PHYSICAL):
                    found.append(f"{tinycss2.serialize(rule.prelude).strip()} "
                                 f"{{ {decl.lower_name}: {value} }}")
    return found


def test_stylesheet_names_logical_sides_only():
    """brief.css names start and end, not left and right, so a right-to-left page mirrors."""
    import tinycss2

    from briefgen.templates import TemplateSet

    css = TemplateSet().find("css/brief.css").read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    assert physical_sides(rules) == []


def test_contents_leader_in_a_right_to_left_line_is_no_overflow():
    """Preflight measures what a right-to-left line draws, not its stale box (a leader)."""
    from briefgen.render_pdf import render_pdf
    from briefgen.templates import TemplateSet

    html = ('<!DOCTYPE html><html lang="ur" dir="rtl"><head><meta charset="utf-8"><style>'
            '@page { size: A5; margin: 20mm } a::after { content: leader(".") " 3" }'
            '</style></head><body><p><a>خلاصہ</a></p><p><a>تاریخ اور پس منظر</a></p>'
            '</body></html>')
    findings = render_pdf(html, [], TemplateSet().dirs, write=False).findings
    assert [f.message for f in findings if f.kind == "overflow"] == []


def test_theme_mirrors_margins_and_styles_both_corners_for_rtl():
    from briefgen.theme import Margins, Theme

    theme = Theme(margins=Margins(left=30, right=10))  # a binding margin on the left
    assert "margin: 17mm 10mm 15mm 30mm;" in theme.css()
    assert "margin: 17mm 30mm 15mm 10mm;" in theme.css("rtl")  # on the right, mirrored
    for corner in ("@top-left", "@top-right", "@bottom-left", "@bottom-right"):
        assert corner in theme.css("rtl")
    assert "@page :first { @top-left { content: none } @top-right { content: none } }" \
        in theme.css("rtl")
