"""Chicago author-date labels and entries."""

from __future__ import annotations

import datetime as dt

from briefgen.bibliography import entry, labels, sort_references
from briefgen.docmodel import Emph, Link, Text
from briefgen.models import Reference


def ref(**fields) -> Reference:
    return Reference.model_validate({"type": "article", "title": "A Title", **fields})


def plain(nodes) -> str:
    out = []
    for node in nodes:
        out.append(plain(node.children) if isinstance(node, (Emph, Link)) else node.text)
    return "".join(out)


def test_labels_by_number_of_authors():
    refs = [ref(id="a", authors=["Khan, Muhammad"], date=2025),
            ref(id="b", authors=["Ali, Usman", "Javed, Tauseef"], date=2024),
            ref(id="c", authors=["Noor, Asif", "Zahir, Sidra", "Ullah, Sada"], date=2025),
            ref(id="d", authors=["W, A", "X, B", "Y, C", "Z, D"], date=2020)]
    assert labels(refs) == {"a": ("Khan", "2025"), "b": ("Ali and Javed", "2024"),
                            "c": ("Noor, Zahir and Ullah", "2025"), "d": ("W et al.", "2020")}


def test_same_author_and_year_get_letters_in_title_order():
    refs = [ref(id="late", authors=["Khan, M"], title="Zebra", date=2025),
            ref(id="early", authors=["Khan, M"], title="Aardvark", date=2025)]
    assert labels(refs) == {"early": ("Khan", "2025a"), "late": ("Khan", "2025b")}


def test_works_without_author_use_the_short_title():
    refs = [ref(id="n", type="news", title="Experts suggest closer ties", short_title="Experts"),
            ref(id="r", type="report", title="Relations with Russia")]
    assert labels(refs) == {"n": ("“Experts”", "n.d."), "r": ("Relations with Russia", "n.d.")}


def test_article_entry():
    item = ref(id="y", authors=["Yaqoob, Hira", "Qureshi, Abeeda"], title="Within the SCO",
               container="NUST Journal", volume="8", issue="1", date=2025,
               url="https://example.org/188")
    assert plain(entry(item, "2025")) == (
        "Yaqoob, Hira and Abeeda Qureshi. 2025. “Within the SCO.” NUST Journal 8 (1). "
        "https://example.org/188.")
    assert any(isinstance(n, Emph) for n in entry(item, "2025"))


def test_news_entry_has_month_and_day():
    item = ref(id="k", type="news", authors=["Kiani, Khaleeq"], title="Accord signed",
               container="Dawn", date=dt.date(2021, 7, 16))
    assert plain(entry(item, "2021")) == "Kiani, Khaleeq. 2021. “Accord signed.” Dawn, July 16."


def test_book_title_is_italic_and_sorting_uses_family_name():
    book = ref(id="b", type="book", authors=["Zed, Ann"], title="Long Book", publisher="P",
               date=2001)
    nodes = entry(book, "2001")
    assert Emph([Text("Long Book")]) in nodes
    other = ref(id="a", authors=["Abel, Bo"], date=2010)
    assert [r.id for r in sort_references([book, other])] == ["a", "b"]
