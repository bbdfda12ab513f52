"""Readability: sentences, words and syllables counted as a reader would, per language.

The grade is calibrated on passages whose syllables were counted by hand; sentences do
not end at abbreviations, initials or decimals; a profile's targets give one located
warning per section that misses them; the build table shows each edition's figures.
"""

from __future__ import annotations

import pytest
from conftest import MINIMAL
from test_audiences import user_profile
from test_cli import run

from briefgen.discover import find_documents
from briefgen.labels import load_labels
from briefgen.loading import load_all
from briefgen.readability import (
    Figures,
    count_syllables,
    dictionary,
    edition_figures,
    measure,
    sentences,
)
from briefgen.templates import TemplateSet, for_documents
from briefgen.view import build_view

# Words of policy writing and their syllables, counted by hand (American dictionaries).
SYLLABLES = dict(pair.split(":") for pair in """
the:1 people:2 policy:3 easy:2 simple:2 between:2 Pakistan:3 Russia:2 Taliban:3
economic:4 relations:3 government:3 cooperation:5 strategic:3 agreement:3 military:4
energy:3 international:5 organisation:5 readability:5 beautiful:3 create:2 billion:2
history:3 table:2 recommendations:5 multilateral:5 society:4 investment:3 corridor:3
analysts:3 consider:3 Afghanistan:4 recognised:3 negotiations:5 significantly:5
Islamabad:4 security:4 stability:4 however:3 likely:2 value:2 agreed:2 wanted:2 talked:1
judges:2 makes:1 countries:2 pipeline:2 statement:2 whole:1 Asian:2 official:3
""".split())

# Hand counts: (sentences, words, syllables) and the grade they give,
# 0.39 × words/sentences + 11.8 × syllables/words − 15.59.
PASSAGES = [
    ("The cat sat on the mat.", (1, 6, 6), -1.45),
    ("Pakistan and Russia signed a new agreement on energy in Moscow. The deal covers gas "
     "supplies, a pipeline and nuclear power. Officials expect trade to double within five "
     "years.", (3, 29, 48), 7.71),
    ("Ministers debated the budget for many days before they reached a compromise. Critics "
     "argued that the proposal ignored rural farmers and favoured wealthy investors.",
     (2, 24, 44), 10.72),
    # Counted after the rules were settled, as a check on them.
    ("The committee will publish its findings next spring. Farmers in the northern provinces "
     "have suffered from floods and drought. Without better roads, their crops rot before "
     "they reach the markets.", (3, 30, 43), 5.22),
    ("Officials say the reforms are necessary, although economists remain divided about "
     "their likely effect on inflation and employment.", (1, 18, 38), 16.34),
]


@pytest.mark.parametrize("text, counts, grade", PASSAGES)
def test_the_grade_of_passages_counted_by_hand(text, counts, grade):
    figures = measure([text], "en")
    assert (figures.sentences, figures.words, figures.syllables) == counts
    assert figures.grade == pytest.approx(grade, abs=0.01)


def test_syllables_come_within_a_few_per_cent_of_a_hand_count():
    hyphenator = dictionary("en")
    counted = {word: count_syllables(word, hyphenator) for word in SYLLABLES}
    wrong = {word: n for word, n in counted.items() if n != int(SYLLABLES[word])}
    assert len(wrong) <= len(SYLLABLES) // 10, wrong
    total, expected = sum(counted.values()), sum(map(int, SYLLABLES.values()))
    assert abs(total - expected) <= expected * 0.03, (total, expected)


@pytest.mark.parametrize("text, counts", [
    ("Trade grew, e.g. in wheat. It fell later.", [5, 3]),
    ("Dr. Khan spoke. Mr. Noor and Prof. Ali listened.", [3, 6]),
    ("The U.S. Congress met. It voted.", [4, 2]),
    ("See No. 3 and p. 4 of it. Then stop.", [8, 2]),
    ("It grew 3.5 per cent in 2020. Then it fell.", [7, 3]),
    ("M. N. Khan and A. Rashid wrote it. They agree.", [8, 2]),
    ("He said “no.” Then he left (in 2020). Why? Because!", [3, 5, 1, 1]),
    ("Growth slowed… but trade rose. A title without a full stop", [5, 6]),
])
def test_sentences_do_not_end_at_abbreviations_initials_or_decimals(text, counts):
    assert sentences(text) == counts


def test_other_languages_get_sentence_length_and_syllables_but_no_grade():
    french = measure(["La coopération économique reste modeste. Le commerce progresse."], "fr")
    assert (french.sentences, french.words) == (2, 8)
    assert french.syllables > french.words and french.grade is None
    # Urdu's full stop (۔) ends a sentence; no dictionary counts its syllables.
    urdu = measure(["پاکستان اور روس۔ 2016 سے دوسرا جملہ."], "ur")
    assert dictionary("ur") is None and urdu.syllables is None
    assert (urdu.sentences, urdu.words) == (2, 7)


def test_figures_pool_over_sections():
    pooled = Figures(2, 20, 30) + Figures(1, 10, 14)
    assert (pooled.sentence_words, pooled.word_syllables) == (10, pytest.approx(44 / 30))
    assert (Figures(1, 5, None) + Figures(1, 5, 7)).syllables is None


PLAIN = "label: Plain readers\nreadability: {sentence_words: 8, grade: 12}\n"
HARD = ("International cooperation among multilateral organisations necessitates considerable "
        "institutional coordination, sustained diplomatic engagement and substantial "
        "investment in regional connectivity infrastructure.")


def test_a_section_that_misses_its_targets_is_a_located_warning(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "plain", PLAIN)
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [plain, academic]")
                     .replace('body: "Economy body."', f'body: "{HARD}"')
                     .replace('body: "Society body."', 'body: "Trade is small. It may grow."'))
    [doc] = load_all(find_documents([path]), TemplateSet((templates,)))
    found = [str(w) for w in doc.warnings if "edition:" in w.message]
    grade = measure(["Lead.", HARD], "en").grade  # the lead is shown too
    assert found == [
        f"{path}:13:53: warning: sections.economic.body: plain edition: section 'Economy' "
        f"reads at grade {grade:.1f} (target 12 or lower); sentences average 10.0 words "
        "(target 8)"], found  # not the academic edition's, which has no targets


def test_only_the_sentence_target_is_checked_without_syllables(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "plain", PLAIN)
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [plain]")
                     .replace("  date: 2025-06-01\n", "  date: 2025-06-01\n  language: sw\n")
                     .replace('body: "Economy body."', f'body: "{HARD}"'))
    [doc] = load_all(find_documents([path]), TemplateSet((templates,)))
    found = [str(w) for w in doc.warnings if "edition:" in w.message or "hyphenation" in w.message]
    assert len(found) == 2, found
    assert "meta.language: no hyphenation dictionary for sw" in found[0]
    assert found[1].endswith("section 'Economy': sentences average 10.0 words (target 8)")


def test_strict_validate_fails_on_a_missed_target(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "plain", PLAIN)
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [plain]")
                     .replace('body: "Economy body."', f'body: "{HARD}"'))
    lenient = run("validate", str(path), "--templates", str(templates))
    assert lenient.returncode == 0 and "plain edition: section 'Economy'" in lenient.stderr
    strict = run("validate", str(path), "--templates", str(templates), "--strict")
    assert strict.returncode == 1 and "plain edition: section 'Economy'" in strict.stderr


def test_the_build_table_shows_each_editions_grade_and_sentence_length(write_doc, tmp_path):
    path = write_doc(MINIMAL.replace('body: "Economy body."', f'body: "{HARD}"'))
    result = run("build", str(path), "--out", str(tmp_path / "out"), "-f", "html")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
        "file", "pages", "size", "seconds", "grade", "w/sent"]
    templates = for_documents([path])
    whole = edition_figures(build_view(load_all([path], templates)[0],
                                       templates.audience("academic"),
                                       load_labels(templates, "en")))[0]
    row = next(line for line in lines if "doc-brief-academic.html" in line)
    assert [cell.strip() for cell in row.split("│")[5:7]] == [
        f"{whole.grade:.1f}", f"{whole.sentence_words:.1f}"]
    assert whole.grade > 10  # the hard sentence counts
    assert max(map(len, lines)) <= 100


def test_a_right_to_left_language_misses_no_dictionary(write_doc, tmp_path):
    """Arabic script is not hyphenated: Urdu gets no warning about a missing dictionary."""
    templates = user_profile(tmp_path / "tpl", "plain", PLAIN)
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [plain]")
                     .replace("  date: 2025-06-01\n", "  date: 2025-06-01\n  language: ur\n"))
    [doc] = load_all(find_documents([path]), TemplateSet((templates,)))
    assert not [w for w in doc.warnings if "hyphenation" in w.message]
