"""No-break rules and unhyphenated names: each rule alone, in the pages, in Word, in print."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import MINIMAL, need
from markupsafe import escape

from briefgen import typography
from briefgen.typography import (
    NBSP,
    WJ,
    Rule,
    mark_whole_words,
    nobreak,
    rules_for,
    whole_words,
)

# (text, what the rules make of it): every rule joins what it should.
JOINED = [
    ("at $2 billion a year", f"at $2{NBSP}billion a year"),
    ("US$75.16 million in 2021", f"US$75.16{NBSP}million in 2021"),
    ("$2.5 bn", f"$2.5{NBSP}bn"),
    ("20 per cent of trade", f"20{NBSP}per{NBSP}cent of trade"),
    ("20 percent", f"20{NBSP}percent"),
    ("3 250 t of wheat", f"3{NBSP}250{NBSP}t of wheat"),
    ("3\u202f250 t", f"3\u202f250{NBSP}t"),  # a thin space the author typed stays thin
    ("5 km away", f"5{NBSP}km away"),
    ("40 % more", f"40{NBSP}% more"),
    ("PKR 300 a month", f"PKR{NBSP}300 a month"),
    ("on 4 July 2025", f"on 4{NBSP}July 2025"),
    ("on July 4, 2025", f"on July{NBSP}4, 2025"),
    ("the 21st December", f"the 21st{NBSP}December"),
    ("in 1991–2008", f"in 1991–{WJ}2008"),
    ("pp. 4–7", f"pp.{NBSP}4–{WJ}7"),
    ("fiscal year 2020–21", f"fiscal year 2020–{WJ}21"),
    ("on 7–8 August", f"on 7–{WJ}8{NBSP}August"),
    ("M. S. Khan", f"M.{NBSP}S.{NBSP}Khan"),
    ("Olga A. Kharina", f"Olga A.{NBSP}Kharina"),
    ("Dr Khan and Prof. Lee", f"Dr{NBSP}Khan and Prof.{NBSP}Lee"),
    ("St Petersburg", f"St{NBSP}Petersburg"),
    ("vol. 12, no. 3", f"vol.{NBSP}12, no.{NBSP}3"),
    ("§ 4", f"§{NBSP}4"),
    ("$2\nbillion", f"$2{NBSP}billion"),  # a line break in the YAML is a space too
]

# Text no rule may touch.
UNTOUCHED = [
    "In 2024 Russia signed.",  # a year and a name
    "by May 2025 Moscow had",  # a month and a year: the year may start a line
    "July 2021 saw",
    "it may 20 times",  # "may", not May
    "in 1991 a treaty",  # "a" is no unit
    "2 billionaires",  # not the scale word
    "between 12 and 15",
    "Pakistan–Russia relations",  # a dash between words, not a range
    "1991 – 2008",  # a spaced dash is a dash, not a range
    "the 1st Battalion",  # "1st" holds no title "St"
    "DR Congo",
    "Table 2 100",  # no unit, no join of digit groups
    "in 1991-2008",  # a hyphen: UAX #14 already forbids a break before a digit
]


@pytest.mark.parametrize(("text", "expected"), JOINED)
def test_each_rule_joins_what_it_should(text, expected):
    assert nobreak(text) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_no_rule_fires_wrongly(text):
    assert nobreak(text) == text


def test_rules_are_applied_once_and_do_not_compound():
    text = "On 3 July 2025 Russia paid $2 billion (1991–2008, pp. 4–7)."
    assert nobreak(nobreak(text)) == nobreak(text)


def test_rules_follow_the_language():
    """English words (billion, July, Dr) are English rules; a range holds in any language."""
    assert rules_for("en-GB") == rules_for("en")
    assert nobreak("$2 billion on 4 July", "fr") == "$2 billion on 4 July"
    assert nobreak("1991–2008", "fr") == f"1991–{WJ}2008"
    assert nobreak("3 250 t", "ru") == f"3{NBSP}250{NBSP}t"


def test_a_language_adds_rules_as_data(monkeypatch):
    """Issue 17 will add French as a key of RULES: this is all it takes."""
    french = (Rule("before ;:!?", re.compile(r" (?=[;:!?])"), "\u202f"),)
    monkeypatch.setitem(typography.RULES, "fr", french)
    assert nobreak("Vraiment ? Oui : 1991–2008", "fr-CA") == \
        f"Vraiment\u202f? Oui\u202f: 1991–{WJ}2008"
    assert nobreak("Really ? Yes", "en") == "Really ? Yes"


def _parts(text: str, sentence_start: bool = True) -> list[str]:
    text = nobreak(text)
    return [text[s:e] for s, e in whole_words(text, sentence_start)]


def test_names_are_kept_whole_but_not_the_first_word_of_a_sentence():
    assert _parts("Talks with Vladimir Putin and Muhammad Shahbaz Sharif.") == \
        ["Vladimir Putin", "Muhammad Shahbaz Sharif"]
    # One element per run of capitalised words, not one per word.
    assert _parts("the Shanghai Cooperation Organisation met") == \
        ["Shanghai Cooperation Organisation"]
    assert _parts("Pakistan’s trade. Afterwards Islamabad said") == ["Islamabad"]
    assert _parts("Afterwards it rained", sentence_start=False) == ["Afterwards"]
    assert _parts("met Dr. Muhammad Khan") == [f"Dr.{NBSP}Muhammad Khan"]
    # Short names are never hyphenated anyway; acronyms and common words are no names.
    assert _parts("met Putin in Moscow; CPEC and SCO; a longword") == []
    assert _parts("встреча: Владимир Путин") == ["Владимир Путин"]


def test_bound_groups_with_a_long_word_are_kept_whole():
    assert _parts("at $2 billion, on 4 September and 1991–2008; 4 July") == \
        [f"$2{NBSP}billion,", f"4{NBSP}September"]


# -- in the pages and in Word ---------------------------------------------------------

RICH = MINIMAL.replace(
    '  history: {title: "History", lead: "Lead.", body: "History body."}\n',
    '  history:\n'
    '    title: "History"\n'
    '    lead: "Lead."\n'
    '    body: "Trade with Vladimir Putin stayed under $2 billion from 1991–2008, said\n'
    '      M. S. Khan on 4 July. See [@tbl:t]."\n'
    '    tables:\n'
    '      - {id: t, caption: "Trade 1991–2008", columns: ["Years", "Value"],\n'
    '         rows: [["1991–2008", "Vladimir Putin paid $2 billion"]]}\n')


def _pages(write_doc) -> tuple[str, str]:
    """The screen and print pages of a brief whose text calls for every kind of rule."""
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.render_html import render_page
    from briefgen.templates import TemplateSet
    from briefgen.view import build_view

    templates = TemplateSet(())
    doc = load(write_doc(RICH))
    view = build_view(doc, templates.audience("academic"), load_labels(templates, "en"))
    css = templates.find("css/brief.css").read_text(encoding="utf-8")
    return render_page(view, templates, css), render_page(view, templates, css, "print")


def test_screen_page_carries_the_no_break_characters_and_no_extra_elements(write_doc):
    screen, _ = _pages(write_doc)
    assert f"under $2{NBSP}billion from 1991–{WJ}2008, said M.{NBSP}S.{NBSP}Khan on 4{NBSP}July" \
        in screen
    assert re.search(f'class="xref"[^>]*>Table{NBSP}1</a>', screen)
    assert f"Trade 1991–{WJ}2008" in screen  # a caption is a plain field, joined too
    assert 'class="name"' not in screen  # neither a browser nor Word hyphenates


def test_print_page_keeps_long_names_whole_but_not_in_table_cells(write_doc):
    _, printed = _pages(write_doc)
    assert 'with <span class="name">Vladimir Putin</span> stayed' in printed
    assert f'under <span class="name">$2{NBSP}billion</span> from' in printed
    # A table cell is set without hyphens already: no span there.
    assert re.search(f'<td data-src="[^"]+">Vladimir Putin paid \\$2{NBSP}billion</td>', printed)


def test_word_keeps_the_no_break_characters(write_doc, tmp_path):
    import docx

    from briefgen.pipeline import build

    written = build([write_doc(RICH)], out=tmp_path / "out", formats=["docx"])
    text = "\n".join(p.text for p in docx.Document(str(written[0].job.path)).paragraphs)
    assert f"$2{NBSP}billion from 1991–{WJ}2008, said M.{NBSP}S.{NBSP}Khan on 4{NBSP}July" \
        in text
    assert f"Table{NBSP}1" in text


# -- in print, in a narrow column -----------------------------------------------------

_PRINT_CSS = """
@page { size: 60mm 400mm; margin: 5mm; }
body { font: 10pt/1.3 serif; }
p { width: 30mm; margin: 0 0 3mm; hyphens: auto; hyphenate-limit-chars: 7 3 3; }
.name { hyphens: manual; }
"""
_SENTENCE = "{pad} in 1991–2008 {pad} $2 billion {pad} 4 July {pad} Vladimir Putin"
_PADS = [("a" * n) for n in range(1, 13)] + [("a " * n).strip() for n in range(2, 8)]


def _column(typeset: bool) -> list[str]:
    """Lay the sentence out at every offset in a 30 mm column; return the lines read back."""
    import weasyprint

    paras = []
    for pad in _PADS:
        text = _SENTENCE.format(pad=pad)
        # What the print page holds (inlines.InlineRenderer._text), or the bare text.
        paras.append(mark_whole_words(nobreak(text), sentence_start=False) if typeset
                     else escape(text))
    html = "".join(f"<p>{p}</p>" for p in paras)
    pdf = weasyprint.HTML(string=f'<html lang="en"><style>{_PRINT_CSS}</style>{html}').write_pdf()
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    assert WJ not in out and NBSP not in out  # copying text from the PDF carries no junk
    return [line.strip() for line in out.splitlines() if line.strip()]


# A line ending inside a bound group, or in a hyphen (pdftotext reads it as U+2010).
_SPLIT = re.compile(r"(?:\$2|–|\b4|[‐-])$")


def test_narrow_column_never_splits_amounts_dates_ranges_or_names():
    need("pdftotext")
    lines = _column(typeset=False)
    # Without the rules each fault shows up somewhere in the column ...
    ends = {m.group() for line in lines if (m := _SPLIT.search(line))}
    assert {"$2", "–", "4", "‐"} <= ends, lines
    # ... and with them none does.
    lines = _column(typeset=True)
    assert not [line for line in lines if _SPLIT.search(line)], lines
    text = "\n".join(lines)
    assert text.count("1991–2008") == len(_PADS) and text.count("$2 billion") == len(_PADS)
    assert text.count("4 July") == len(_PADS) and text.count("Vladimir") == len(_PADS)
