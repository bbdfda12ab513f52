"""Chicago notes and bibliography: shortened notes and full entries."""

from __future__ import annotations

import datetime as dt

from briefgen.bibliography import entry, sort_references
from briefgen.docmodel import CiteItem, Emph, Link, Text
from briefgen.models import Reference
from briefgen.shortnotes import note, short_title


def ref(**fields) -> Reference:
    return Reference.model_validate({"id": "x", "type": "article", "title": "A Title",
                                     **fields})


def plain(nodes) -> str:
    out = []
    for node in nodes:
        out.append(plain(node.children) if isinstance(node, (Emph, Link)) else node.text)
    return "".join(out)


def cite(*pairs, linked=lambda _id: False, sentence=True) -> str:
    return plain(note([(r, CiteItem(r.id, **kw)) for r, kw in pairs], linked, sentence))


KHAN = ref(id="khan", authors=["Khan, Muhammad"], date=2025,
           title="The Evolving Nature of Pakistan-Russia Strategic Relationship")
NOOR = ref(id="noor", type="book", authors=["Noor, Asif", "Zahir, Sidra", "Ullah, Sada"],
           title="Pakistan–Russia Relations in Transition: Cooperation and Conflict", date=2025)


def test_short_titles_keep_the_first_key_words():
    assert short_title(KHAN) == "Evolving Nature"
    assert short_title(NOOR) == "Pakistan–Russia Relations in Transition"  # four words
    assert short_title(ref(title="Improved Pakistan-Russia Relations")) == (
        "Improved Pakistan-Russia Relations")
    assert short_title(ref(title="Long", short_title="Short")) == "Short"


def test_note_punctuation_follows_chicago():
    # The full stop goes inside the closing quotation mark; a locator follows a comma
    # inside it; "p." is dropped; several works are joined by semicolons outside quotes.
    assert cite((KHAN, {})) == "Khan, “Evolving Nature.”"
    assert cite((KHAN, {"locator": "p. 4"})) == "Khan, “Evolving Nature,” 4."
    assert cite((KHAN, {}), (NOOR, {"locator": "Table 3"})) == (
        "Khan, “Evolving Nature”; Noor, Zahir, and Ullah, Pakistan–Russia Relations in "
        "Transition, Table 3.")
    assert cite((KHAN, {"prefix": "see"})) == "See Khan, “Evolving Nature.”"
    assert cite((KHAN, {"suppress_author": True}), sentence=False) == "“Evolving Nature”"


def test_note_links_only_to_listed_works_and_italicises_books():
    nodes = note([(NOOR, CiteItem("noor")), (KHAN, CiteItem("khan"))],
                 linked=lambda ref_id: ref_id == "noor")
    assert isinstance(nodes[0], Link) and nodes[0].url == "#ref-noor"
    assert Emph([Text("Pakistan–Russia Relations in Transition")]) in nodes[0].children
    assert not any(isinstance(n, Link) and n.url == "#ref-khan" for n in nodes)


def test_four_or_more_authors_are_et_al():
    many = ref(id="m", authors=["W, A", "X, B", "Y, C", "Z, D"], title="Work")
    assert cite((many, {})) == "W et al., “Work.”"


def test_article_entry():
    item = ref(id="y", authors=["Yaqoob, Hira", "Qureshi, Abeeda"], title="Within the SCO",
               container="NUST Journal", volume="8", issue="1", pages="1–20", date=2025,
               url="https://example.org/188")
    assert plain(entry(item)) == (
        "Yaqoob, Hira, and Abeeda Qureshi. “Within the SCO.” NUST Journal 8, no. 1 (2025): "
        "1–20. https://example.org/188.")
    assert Emph([Text("NUST Journal")]) in entry(item)


def test_news_entry_has_the_full_date_and_short_entries_are_complete_too():
    item = ref(id="k", type="news", authors=["Kiani, Khaleeq"], title="Accord signed",
               container="Dawn", date=dt.date(2021, 7, 16))
    assert plain(entry(item)) == "Kiani, Khaleeq. “Accord signed.” Dawn, July 16, 2021."
    # A further-reading list once stopped at the year and so lost the paper (issue 16).


def test_edited_book_and_sorting_by_family_name():
    book = ref(id="b", type="book", editors=["Nigar, Neelum"], title="Relations",
               publisher="ISSI", date=2025)
    assert plain(entry(book)) == "Nigar, Neelum, ed. Relations. ISSI, 2025."
    other = ref(id="a", authors=["Abel, Bo"], date=2010)
    assert [r.id for r in sort_references([book, other])] == ["a", "b"]


def test_undated_works_end_with_a_single_stop():
    report = ref(id="r", type="report", title="Relations with Russia")
    news = ref(id="n", type="news", title="Experts suggest", container="Tribune")
    assert plain(entry(report)) == "Relations with Russia. n.d."
    assert plain(entry(news)) == "“Experts suggest.” Tribune, n.d."
