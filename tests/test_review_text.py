"""review_text: an edit of the text a reader saw, carried into the Markdown it came from."""

from __future__ import annotations

import pytest

from briefgen.review_text import Unplaceable, carry, diff_text, unit_span, word_diff

SOURCE = "Pakistan's *ties* with Russia [@khan2025] grew^[A note.] after 2014."
BUILT = "Pakistan’s ties with Russia grew after 2014."  # curly, cite and note as Word shows


@pytest.mark.parametrize(("edited", "expected"), [
    ("Pakistan’s ties with Russia grew steadily after 2014.",
     "Pakistan's *ties* with Russia [@khan2025] grew steadily^[A note.] after 2014."),
    ("Pakistan’s links with Russia grew after 2014.",
     "Pakistan's *links* with Russia [@khan2025] grew^[A note.] after 2014."),
    ("Pakistan’s with Russia grew after 2014.",  # emphasis goes with its only word
     "Pakistan's with Russia [@khan2025] grew^[A note.] after 2014."),
    ("Today Pakistan’s ties with Russia grew after 2014.",
     "Today Pakistan's *ties* with Russia [@khan2025] grew^[A note.] after 2014."),
    ("Pakistan’s ties grew after 2014.",  # the citation stays where it stood
     "Pakistan's *ties* [@khan2025] grew^[A note.] after 2014."),
    ("Pakistan’s ties with *Moscow* grew after 2014.",  # typed asterisks stay text
     "Pakistan's *ties* with \\*Moscow\\* [@khan2025] grew^[A note.] after 2014."),
    ("Pakistan's ties with Russia grew after 2014.", SOURCE),  # a straight quote is no edit
])
def test_an_edit_goes_where_its_words_stand(edited, expected):
    assert carry(BUILT, edited, SOURCE) == expected


def test_an_edit_through_markup_or_of_words_briefgen_wrote_is_refused():
    with pytest.raises(Unplaceable, match="runs through markup"):
        carry(BUILT, "Pakistan’s new links to Russia grew after 2014.", SOURCE)
    with pytest.raises(Unplaceable, match="briefgen wrote these words"):
        carry("Table 2. Trade by year", "Tab. 2. Trade by year", "Trade by year")


def test_plain_fields_are_not_escaped():
    assert carry("A title", "A *new* title", "A title", markdown=False) == "A *new* title"


def test_a_paragraph_of_a_field_is_found_in_its_markdown():
    value = ("First para with *x*\ncontinued here.\n\n- item one\n- item two [@k]\n\n"
             "  > quoted\n  > more\n\nLast.\n")
    spans = [value[slice(*unit_span(value, unit))] for unit in range(5)]
    assert spans == ["First para with *x*\ncontinued here.", "item one", "item two [@k]",
                     "quoted\n  > more", "Last."]
    with pytest.raises(Unplaceable, match="has 5 paragraphs now"):
        unit_span(value, 5)


def test_the_diff_a_reviewer_reads():
    old = ("Security is the strongest link, built on a shared fear of militancy in "
           "Afghanistan, yearly joint army exercises since 2016 and a standing committee.")
    assert diff_text(old, old.replace("strongest", "closest")) == \
        "Security is the [-strongest-]{+closest+} link, built on …"
    assert diff_text(old, old.replace("yearly joint army ", "")) == \
        "… militancy in Afghanistan, [-yearly joint army-] exercises since 2016 and …"
    assert diff_text(old, old) == "" and word_diff(old, old.replace("’", "'")) == []
