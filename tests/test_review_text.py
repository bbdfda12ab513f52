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
    with pytest.raises(Unplaceable, match="runs through a citation, note, link or emphasis"):
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


@pytest.mark.parametrize(("built", "edited", "source", "expected"), [
    # Typed against the next word: no space where the editor left none.
    ("trade grew since 2016.", "trade grew since mid-2016.", "trade grew since 2016.",
     "trade grew since mid-2016."),
    ("the strongest link", "the “strongest” link", "the strongest link",
     "the “strongest” link"),
    # A citation's locator is no place for words: they go after it.
    ("as the tables show.", "as the tables show. More later.",
     "as the tables show [@noor2025, pp. 4-5].",
     "as the tables show [@noor2025, pp. 4-5]. More later."),
    # A word after emphasis goes after it, not inside it; a word deleted takes its
    # emphasis with it.
    ("the official history", "the official new history", "the *official* history",
     "the *official* new history"),
    ("the official history", "the history", "the *official* history", "the history"),
    # Words typed after a label briefgen wrote go before the source's first word.
    ("Cost or trade-off: Modest funds.", "Cost or trade-off: New. Modest funds.",
     "Modest funds.", "New. Modest funds."),
])
def test_edits_at_the_edges_of_words_and_markup(built, edited, source, expected):
    assert carry(built, edited, source) == expected


@pytest.mark.parametrize(("built", "edited", "source"), [
    ("See the record here.", "See here.", "See [the record](https://example.org/r) here."),
    ("read the official history", "read history", "read the *official history*"),
])
def test_an_edit_that_would_break_markup_is_refused(built, edited, source):
    with pytest.raises(Unplaceable):
        carry(built, edited, source)


def test_a_deletion_takes_the_emphasis_it_ends_in():
    assert carry("read the official history", "read history",
                 "read the *official* history") == "read history"


@pytest.mark.parametrize(("built", "edited", "source", "expected"), [
    # difflib sees "c d," gone from the label's line (its longest match is on the left)
    # and ", c d" from the source (on the right): one change all the same.
    ("Who should act: a b, c d, e f g", "Who should act: a b, e f g", "a b, c d, e f g",
     "a b, e f g"),
    ("Who should act: a b, e f g", "Who should act: a b, c d, e f g", "a b, e f g",
     "a b, c d, e f g"),
    ("Who should act: a b. a b c d", "Who should act: a b c d", "*a* b. a b c d", "*a* b c d"),
])
def test_a_change_seen_at_either_end_of_the_same_words_reads_back(built, edited, source,
                                                                   expected):
    assert carry(built, edited, source, markdown=source.startswith("*")) == expected
