"""References to Chicago's letter (CMOS 17, notes and bibliography): sorting, short notes
that tell authors apart, one note for a repeated citation, complete entries, short titles,
curly quotes and the "How to cite" line (issue 16)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest
from conftest import MINIMAL
from lxml import html as lxml_html

from briefgen.bibliography import entry, how_to_cite, sort_references
from briefgen.docmodel import CiteItem, Emph, Link, Text
from briefgen.models import Meta, Reference
from briefgen.shortnotes import note, note_names, short_title
from briefgen.typography import curly


def ref(**fields) -> Reference:
    return Reference.model_validate({"id": "x", "type": "article", "title": "A Title",
                                     **fields})


def plain(nodes) -> str:
    return "".join(plain(n.children) if isinstance(n, (Emph, Link)) else n.text for n in nodes)


# -- 1. bibliography order -----------------------------------------------------------------

def test_bibliography_sorts_by_surname_given_names_title_then_date():
    works = [
        ref(id="noor", authors=["Noor, Asif", "Zahir, Sidra"], title="Relations"),
        ref(id="nigar", type="book", editors=["Nigar, Neelum"], title="Pakistan–Russia"),
        ref(id="khan-ms", authors=["Khan, M. S."], title="A Triangle"),
        ref(id="khan-mn", authors=["Khan, M. N."], title="Relations Redux"),
        ref(id="khan-late", authors=["Khan, Muhammad"], title="Zebra", date=2025),
        ref(id="khan-early", authors=["Khan, Muhammad"], title="The Apple", date=2030),
        ref(id="khan-same", authors=["Khan, Muhammad"], title="Apple", date=2020),
        ref(id="khan-with", authors=["Khan, Muhammad", "Ali, Usman"], title="Aardvark"),
        ref(id="emile", authors=["Émile, Zola"], title="Nana"),
        ref(id="ellis", authors=["ellis, Bret"], title="Glamorama"),
        ref(id="anon-the", type="news", title="The Foreign Policy of Liaquat"),
        ref(id="anon", type="news", title="Experts Suggest Ties"),
    ]
    assert [r.id for r in sort_references(works)] == [
        "ellis", "emile",  # no case, no accents: "ellis" < "emile"
        "anon",  # authorless: by title, "The" ignored ("Experts" < "Foreign")
        "anon-the",
        "khan-mn", "khan-ms",  # initials: "M. N." before "M. S."
        "khan-same", "khan-early", "khan-late",  # one author: by title, then date
        "khan-with",  # a work with co-authors after the author's own
        "nigar",  # an edited book under its editor: Nigar before Noor
        "noor",
    ]


# -- 2. short notes that tell authors apart -----------------------------------------------

KHANS = [ref(id="mn", authors=["Khan, M. N."], title="Relations Redux"),
         ref(id="ms", authors=["Khan, M. S."], title="Triangle"),
         ref(id="mu", authors=["Khan, Muhammad"], title="Evolving Nature"),
         ref(id="mo", authors=["Khan, Mohammed"], title="Alliance"),
         ref(id="noor", authors=["Noor, Asif"], title="Transition")]


def _note(work: Reference, refs: list[Reference]) -> str:
    return plain(note([(work, CiteItem(work.id))], lambda _id: False, names=note_names(refs)))


def test_notes_give_initials_where_two_people_share_a_surname():
    assert _note(KHANS[0], KHANS) == "M. N. Khan, “Relations Redux.”"
    assert _note(KHANS[1], KHANS) == "M. S. Khan, “Triangle.”"
    # "Muhammad" and "Mohammed" share the initial M.: their given names are written out.
    assert _note(KHANS[2], KHANS) == "Muhammad Khan, “Evolving Nature.”"
    assert _note(KHANS[3], KHANS) == "Mohammed Khan, “Alliance.”"
    assert _note(KHANS[4], KHANS) == "Noor, “Transition.”"  # a surname only one bears
    # One Khan in the document: the surname alone; "Khan, Muhammad" with another -> "M."
    assert _note(KHANS[2], [KHANS[2], KHANS[4]]) == "Khan, “Evolving Nature.”"
    assert _note(KHANS[2], KHANS[1:3]) == "M. Khan, “Evolving Nature.”"
    # The same person written twice alike is one person; a work without author, title only.
    assert _note(KHANS[0], [KHANS[0], KHANS[0].model_copy(update={"id": "again"})]) == (
        "Khan, “Relations Redux.”")
    untitled = ref(id="u", type="report", title="Pakistan’s Relations with Russia")
    assert _note(untitled, KHANS + [untitled]) == "Pakistan’s Relations with Russia."


DOC_REFS = textwrap.dedent("""\
    references:
      - {id: doe2024, type: book, authors: ["Doe, Jane"], title: "A Book", date: 2024}
      - {id: mn, type: article, authors: ["Khan, M. N."], title: "Relations Redux", date: 2019}
      - {id: ms, type: article, authors: ["Khan, M. S."], title: "Triangle", date: 2014}
      - {id: x, type: book, authors: ["Roe, Rick"], title: "Xenon", date: 2001}
      - {id: y, type: book, authors: ["Poe, Pat"], title: "Yield", date: 2002}
    """)


def _context(write_doc, body: str, refs: str = DOC_REFS, title: str = "History") -> dict:
    """The screen page's data for the academic edition of the minimal brief with body."""
    from briefgen.content import load
    from briefgen.context import build_context
    from briefgen.labels import load_labels
    from briefgen.templates import TemplateSet
    from briefgen.view import build_view

    text = MINIMAL.replace('"History body."', '"' + body + '"').replace(
        'title: "History"', f'title: "{title}"')
    text = text[:text.index("references:")] + refs
    templates = TemplateSet(())
    doc = load(write_doc(text))
    view = build_view(doc, templates.audience("academic"), load_labels(templates, "en"))
    return build_context(view)


def _notes(context: dict) -> list[str]:
    """The notes' text, no-break spaces and word joiners as plain spaces and nothing."""
    return [lxml_html.fromstring(f"<p>{n['text']}</p>").text_content()
            .replace("\u00a0", " ").replace("\u2060", "") for n in context["notes"]]


def _section(context: dict, sid: str) -> str:
    return next(s["body"] for s in context["doc"]["sections"] if s["id"] == sid)


def test_rendered_notes_tell_the_two_khans_apart(write_doc):
    notes = _notes(_context(write_doc, "One [@mn, p. 4]. Two [@ms]. Three [@doe2024]."))
    assert notes[1:] == ["M. N. Khan, “Relations Redux,” 4.", "M. S. Khan, “Triangle.”",
                         "Doe, Book."]


# -- 3. one note for a repeated citation in a paragraph -----------------------------------

def test_a_repeated_citation_in_a_paragraph_is_one_note_at_its_last_place(write_doc):
    body = ("First [@x, p. 4]. Second [@x, p. 4]. Third [@x, p. 5]. Fourth [@y; @x]. "
            "Fifth [@x, p. 4].\\n\\nNext paragraph [@x, p. 4].")
    context = _context(write_doc, body)
    # The summary's note is 1; then p. 5, x with y, p. 4 once, and p. 4 in the next one.
    assert _notes(context) == ["Doe, Book.", "Roe, Xenon, 5.", "Poe, Yield; Roe, Xenon.",
                               "Roe, Xenon, 4.", "Roe, Xenon, 4."]
    paragraphs = lxml_html.fragments_fromstring(str(_section(context, "history")))
    first = paragraphs[0]
    calls = [a.text for a in first.xpath(".//a[@role='doc-noteref']")]
    assert calls == ["2", "3", "4"]  # numbered in reading order
    text = first.text_content()
    # No call after "First." nor "Second.": the note after "Fifth." covers them.
    assert re.search(r"First\. Second\. Third\.\s*2", text), text
    assert re.search(r"Fifth\.\s*4", text), text


def test_inline_notes_and_different_locators_are_never_merged(write_doc):
    body = "A^[Same words.] B^[Same words.] C [@x, p. 1] D [@x, p. 2] E [-@x, p. 1]."
    notes = _notes(_context(write_doc, body))
    assert notes[1:] == ["Same words.", "Same words.", "Roe, Xenon, 1.", "Roe, Xenon, 2.",
                         "Xenon, 1."]


# -- 4. every field Chicago uses, and never the comment ------------------------------------

ENTRIES = [
    # An article keeps its journal, with or without volume and issue (CMOS 14.171).
    (dict(authors=["Noor, Asif", "Zahir, Sidra", "Ullah, Sada"], title="Relations in Transition",
          container="Sociology & Cultural Research Review", date=2025, doi="10.1234/scrr.5",
          url="https://example.com/a", note="Year inferred from the works it cites"),
     "Noor, Asif, Sidra Zahir, and Sada Ullah. “Relations in Transition.” Sociology & "
     "Cultural Research Review (2025). Year inferred from the works it cites. "
     "https://doi.org/10.1234/scrr.5."),
    (dict(authors=["Ali, Usman"], title="Emerging Cooperation", container="Margalla Papers",
          issue="1", pages="1–20", date=dt.date(2024, 3, 1)),
     "Ali, Usman. “Emerging Cooperation.” Margalla Papers, no. 1 (March 2024): 1–20."),
    # A book: Place: Publisher, Year (CMOS 14.100), with its editors after the title.
    (dict(type="book", authors=["Sattar, Abdul"], editors=["Khan, Ayesha"],
          title="Pakistan's Foreign Policy", place="Karachi", publisher="Oxford University "
          "Press", date=2017, note="4th edition"),
     "Sattar, Abdul. Pakistan’s Foreign Policy. Edited by Ayesha Khan. Karachi: Oxford "
     "University Press, 2017. 4th edition."),
    (dict(type="book", editors=["Nigar, Neelum", "Tran, Kiet"], title="Relations",
          place="Islamabad", publisher="ISSI", date=2025),
     "Nigar, Neelum, and Kiet Tran, eds. Relations. Islamabad: ISSI, 2025."),
    # A chapter: In *Book*, edited by …, pages. Place: Publisher, Year (CMOS 14.106).
    (dict(type="chapter", authors=["Khan, Taimur"], title="Energy", container="Relations",
          editors=["Nigar, Neelum"], pages="45–60", place="Islamabad", publisher="ISSI",
          date=2025),
     "Khan, Taimur. “Energy.” In Relations, edited by Neelum Nigar, 45–60. Islamabad: ISSI, "
     "2025."),
    # A report with a full date, e.g. a press release.
    (dict(type="report", authors=["Press Information Department"], title="PR No. 299",
          place="Islamabad", publisher="Ministry of Information", date=dt.date(2024, 10, 29),
          url="https://pid.gov.pk/26898"),
     "Press Information Department. PR No. 299. Islamabad: Ministry of Information, "
     "October 29, 2024. https://pid.gov.pk/26898."),
    # News: *Paper*, Month Day, Year (CMOS 14.191).
    (dict(type="news", authors=["Kiani, Khaleeq"], title="Terms of accord signed",
          container="Dawn", date=dt.date(2021, 7, 16), pages="A3"),
     "Kiani, Khaleeq. “Terms of accord signed.” Dawn, July 16, 2021, A3."),
    # A web page: the site in roman (CMOS 14.206), the access date before the address.
    (dict(type="web", authors=["Khan, Taimur"], title="A review", container="Margalla "
          "Tribune", date=dt.date(2025, 12, 21), accessed=dt.date(2026, 1, 5),
          url="https://margallatribune.com/?p=1"),
     "Khan, Taimur. “A review.” Margalla Tribune, December 21, 2025. Accessed January 5, "
     "2026. https://margallatribune.com/?p=1."),
    # A title ending in a question mark takes no full stop; quotes inside become single.
    (dict(authors=["Khan, M. S."], title="A Game Changer in the Region?", container="Dialogue",
          volume="9", issue="2", pages="67–90", date=2014),
     "Khan, M. S. “A Game Changer in the Region?” Dialogue 9, no. 2 (2014): 67–90."),
    (dict(type="news", authors=["Haroon, A. I."], title='Relations: "A friend is yourself"',
          date=2018),
     "Haroon, A. I. “Relations: ‘A friend is yourself.’” 2018."),
]


@pytest.mark.parametrize(("fields", "expected"), ENTRIES)
def test_entries_print_every_field_chicago_uses(fields, expected):
    assert plain(entry(ref(**fields))) == expected


def test_entries_italicise_journals_and_books_but_not_websites():
    article = entry(ref(**ENTRIES[0][0]))
    assert Emph([Text("Sociology & Cultural Research Review")]) in article
    assert Link("https://doi.org/10.1234/scrr.5", [Text("https://doi.org/10.1234/scrr.5")]) in (
        article)
    assert not any(isinstance(n, Emph) for n in entry(ref(**ENTRIES[7][0])))


def test_a_short_list_keeps_the_journal(write_doc, tmp_path):
    # The public edition's further reading printed "authors, title, year" and so dropped
    # Noor's journal: a short list now gives the complete entry.
    from briefgen.pipeline import build

    refs = DOC_REFS.replace('title: "Relations Redux", date: 2019}',
                            'title: "Relations Redux", container: "Review of Things", '
                            'volume: "4", date: 2019}')
    text = MINIMAL[:MINIMAL.index("references:")] + refs
    text = text.replace("audiences: [academic]", "audiences: [public]")
    text = text.replace("A summary that cites a source [@doe2024].",
                        "A summary that cites a source [@doe2024; @mn].")
    (item,) = build([write_doc(text)], out=tmp_path / "out", formats=["html"])
    page = lxml_html.fromstring(item.job.path.read_bytes())
    listed = " ".join(page.xpath("string(//*[@id='ref-mn'])").split())
    assert "Review of Things 4 (2019)" in listed


def test_a_comment_validates_and_is_never_printed(write_doc, tmp_path):
    from briefgen.pipeline import build

    refs = DOC_REFS.replace('title: "A Book", date: 2024}',
                            'title: "A Book", date: 2024, comment: "SECRET-REMARK", '
                            'note: "Printed remark"}')
    text = MINIMAL[:MINIMAL.index("references:")] + refs
    (item,) = build([write_doc(text)], out=tmp_path / "out", formats=["html"])
    page = item.job.path.read_text(encoding="utf-8")
    assert "Printed remark." in page
    assert "SECRET-REMARK" not in page


# -- 5. short titles -----------------------------------------------------------------------

SHORT = [
    ("The Evolving Nature of Pakistan-Russia Strategic Relationship", "Evolving Nature"),
    ("Pakistan–Russia Relations in Transition: Strategic Shifts", "Pakistan–Russia Relations "
                                                                  "in Transition"),
    ("Pakistan's Relations with Russia", "Pakistan’s Relations with Russia"),  # five words
    ("Pakistan-Russia Relations within the Framework of the SCO: An Analysis",
     "Pakistan-Russia Relations"),
    ("The State of the World's Fisheries and Aquaculture",  # never "State of"
     "State of the World’s Fisheries and Aquaculture"),
    ("Low Floods Leave Tonle Sap Fishers Stranded",  # never "Low Floods Leave Tonle"
     "Low Floods Leave Tonle Sap Fishers Stranded"),
    ("low floods leave Tonle Sap fishers stranded", "low floods leave"),
    ("Terms of accord for gas pipeline signed with Russia", "Terms of accord"),
    ("Tashkent Declaration would not have been possible without Russian help",
     "Tashkent Declaration"),
    ("Experts suggest Pakistan and Russia strengthen ties", "Experts suggest"),
    ("Trump hosts Pakistani army chief, disagrees with India", "Trump hosts Pakistani army "
                                                               "chief"),
    ("Russia is the First Country to Recognize Taliban Government",
     "Russia is the First Country"),
    ("The foreign policy of Liaquat Ali Khan", "foreign policy"),
    ("Pakistan-Iran-China Triangle: A Game Changer in the Region?",
     "Pakistan-Iran-China Triangle"),
    ("Is It Over? A Study of Endings", "Is It Over?"),
]


@pytest.mark.parametrize(("title", "expected"), SHORT)
def test_short_titles_follow_chicago(title, expected):
    assert short_title(ref(title=title)) == expected


def test_short_title_rules_on_headlines_and_explicit_short_titles():
    kicker = ref(type="news", title="Pakistan: Musharraf Seeks Strategic Ties With Moscow")
    assert short_title(kicker) == "Musharraf Seeks Strategic Ties"
    assert short_title(ref(type="book", title="Sapiens: A Brief History")) == "Sapiens"
    assert short_title(ref(title="State of Play and More", short_title="It's Short")) == (
        "It’s Short")


def test_no_automatic_short_title_ends_on_a_small_word():
    small = {"of", "the", "and", "a", "an", "to", "in", "for", "with", "within", "on"}
    for title, _ in SHORT:
        assert short_title(ref(title=title)).split()[-1].casefold() not in small


# -- 6. curly quotes and apostrophes --------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("It's \"quoted\" and 'single'", "It’s “quoted” and ‘single’"),
    ("O'Neil in the '90s, the states' view (\"x\")", "O’Neil in the ’90s, the states’ view (“x”)"),
    ("—\"Go\"", "—“Go”"),
    ("see https://x.org/it's \"y\"", "see https://x.org/it's “y”"),  # the address as written
    ("Already ‘curly’ and “so”", "Already ‘curly’ and “so”"),
])
def test_curly(text, expected):
    assert curly(text) == expected


def test_curly_inside_a_quoted_title_turns_double_quotes_single():
    assert curly('Relations: "A friend"', inner=True) == "Relations: ‘A friend’"


def test_reference_titles_and_containers_get_curly_quotes(write_doc):
    refs = DOC_REFS.replace('type: book, authors: ["Roe, Rick"], title: "Xenon"',
                            'type: article, authors: ["Roe, Rick"], title: "Pakistan\'s Xenon", '
                            'container: "Russia\'s Review"')
    context = _context(write_doc, "Text [@x].", refs)
    entries = {r["id"]: lxml_html.fromstring(f"<p>{r['entry']}</p>").text_content()
               for r in context["doc"]["references"]}
    assert "Pakistan’s Xenon" in entries["x"] and "Russia’s Review" in entries["x"]
    assert _notes(context)[-1] == "Roe, “Pakistan’s Xenon.”"
    assert "'" not in "".join(entries.values())


def test_plain_fields_are_curled(write_doc):
    # A plain field: a section title, which InlineRenderer.plain() writes.
    context = _context(write_doc, "Body.", DOC_REFS, title="Pakistan's 'long' history")
    titles = [s["title"] for s in context["doc"]["sections"]]
    assert "Pakistan’s ‘long’ history" in titles


# -- 7. how to cite --------------------------------------------------------------------------

def _meta(**fields) -> Meta:
    return Meta.model_validate({"title": "Pakistan and Russia", "date": "2025-12-21",
                                "authors": [{"name": "Ana Ferreira"}, {"name": "Kiet Tran"}],
                                **fields})


def test_how_to_cite_is_a_chicago_entry_for_a_report_in_a_series():
    meta = _meta(subtitle="Seen from Both Sides", series="Briefing Papers", number="2025/07",
                 organisation={"name": "Indus Institute"}, doi="10.5555/ii.2025.07",
                 url="https://indus.example/07")
    nodes = how_to_cite(meta)
    assert plain(nodes) == (
        "Ferreira, Ana, and Kiet Tran. Pakistan and Russia: Seen from Both Sides. Briefing "
        "Papers 2025/07. Indus Institute, December 21, 2025. https://doi.org/10.5555/ii.2025.07.")
    assert Emph([Text("Pakistan and Russia: Seen from Both Sides")]) in nodes


def test_how_to_cite_authors_and_links():
    three = _meta(authors=[{"name": "Ana Ferreira"}, {"name": "Kiet Tran"},
                           {"name": "Khan, Muhammad"}], url="https://indus.example/07")
    assert plain(how_to_cite(three)) == (
        "Ferreira, Ana, Kiet Tran, and Muhammad Khan. Pakistan and Russia. December 21, 2025. "
        "https://indus.example/07.")
    one = _meta(authors=[{"name": "Ana Maria Ferreira"}], title="Why Russia?")
    assert plain(how_to_cite(one)) == "Ferreira, Ana Maria. Why Russia? December 21, 2025."
    colon = _meta(authors=[{"name": "Ana Ferreira"}], title="Russia: Then", subtitle="And now")
    assert plain(how_to_cite(colon)) == "Ferreira, Ana. Russia: Then. December 21, 2025."
