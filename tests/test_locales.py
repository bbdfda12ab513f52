"""Every edition in its reader's language: dates, numbers, quotation marks, punctuation and
the tool's own words (labels, the citation style) follow `meta.language`.

The end-to-end tests build a French note (tests/data/note-fr.yaml) and the example's
Russian and Urdu briefs, read each output as a stranger would (pdftotext, pandoc, the
HTML's text) and look for the English words the tool would print.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from briefgen.bibliography import entry, how_to_cite
from briefgen.chart_data import format_number
from briefgen.docmodel import CiteItem, plain_text
from briefgen.locales import Locale
from briefgen.models import Meta, Reference
from briefgen.shortnotes import note

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "templates" / "labels"
FRENCH = ROOT / "tests" / "data" / "note-fr.yaml"
EXAMPLES = ROOT / "content" / "pakistan-russia"
NNBSP, NBSP = "\u202f", "\u00a0"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text_of(nodes) -> str:
    return plain_text(nodes)


# -- the rules of a language ---------------------------------------------------------------

@pytest.mark.parametrize(("tag", "day", "expected"), [
    ("fr", dt.date(2026, 12, 1), f"1er{NBSP}décembre 2026"),
    ("fr", dt.date(2026, 12, 2), f"2{NBSP}décembre 2026"),
    ("ru", dt.date(2026, 2, 14), f"14{NBSP}февраля 2026{NNBSP}г."),
    ("en", dt.date(2025, 12, 21), f"21{NBSP}December 2025"),
    ("ur", dt.date(2026, 2, 14), f"14{NBSP}فروری، 2026"),
])
def test_dates_are_written_as_the_language_writes_them(tag, day, expected):
    assert Locale(tag).date(day) == expected


@pytest.mark.parametrize(("tag", "expected"), [
    ("fr", f"3{NNBSP}250"), ("ru", f"3{NBSP}250"), ("en", "3,250"), ("ur", "3,250")])
def test_numbers_take_the_language_s_digit_groups(tag, expected):
    assert Locale(tag).number(3250) == expected


def test_chart_numbers_follow_the_language_and_english_keeps_its_house_style():
    assert format_number(3250, language="fr") == f"3{NNBSP}250"
    assert format_number(3250.5, language="ru") == f"3{NBSP}250,5"
    assert format_number(-12.25, language="fr") == "\u221212,25"
    assert format_number(2016, group=False, language="fr") == "2016"
    assert format_number(3250) == "3250" and format_number(12500) == "12,500"


def test_quotation_marks_and_french_spacing():
    assert Locale("fr").quotes == "«»“”" and Locale("ru").quotes == "«»„“"
    assert Locale("ur").quotes == "”“’‘" and Locale("en").quotes == "“”‘’"
    assert Locale("fr").punctuate("Source: « texte » ? oui; https://a.example/b:c") == (
        f"Source{NBSP}: «{NNBSP}texte{NNBSP}»{NNBSP}? oui{NNBSP}; https://a.example/b:c")
    assert Locale("en").punctuate("Source: x; y?") == "Source: x; y?"


def test_plural_forms_follow_the_language_s_categories():
    forms = yaml.safe_load((LABELS / "ru.yaml").read_text(encoding="utf-8"))["pages_count"]
    ru = Locale("ru")
    assert [ru.plural(n, forms) for n in (1, 3, 5, 21)] == [
        forms["one"], forms["few"], forms["many"], forms["one"]]
    assert Locale("en").plural(1, {"one": "page", "other": "pages"}) == "page"


def test_right_to_left_languages_are_known():
    assert [Locale(t).direction for t in ("ur", "ar", "fa", "en", "ru")] == [
        "rtl", "rtl", "rtl", "ltr", "ltr"]


# -- the citation style in French ----------------------------------------------------------

def _french() -> Locale:
    labels = yaml.safe_load((LABELS / "en.yaml").read_text(encoding="utf-8"))
    labels.update(yaml.safe_load((LABELS / "fr.yaml").read_text(encoding="utf-8")))
    return Locale("fr", labels)


def test_a_french_bibliography_uses_french_terms_dates_and_quotes():
    fr = _french()
    article = Reference(id="a", type="article", authors=["Martin, Claire", "Roux, Jean"],
                        title="Le corridor", container="Revue", volume="12", issue="3",
                        date=2025, url="https://r.example/x", accessed=dt.date(2026, 11, 15))
    text = text_of(entry(article, fr))
    assert text.startswith("Martin, Claire et Jean Roux. «\u202fLe corridor\u202f». Revue 12, n°")
    assert "Consulté le 15\u00a0novembre 2026." in text and "Accessed" not in text
    chapter = Reference(id="c", type="chapter", authors=["Durand, Luc"], title="Origines",
                        editors=["Petit, Anne", "Blanc, Marc"], container="Corridors")
    text = text_of(entry(chapter, fr))
    assert "Dans Corridors, sous la direction de Anne Petit et Marc Blanc" in text
    assert text.endswith("s. d.")
    undated = Reference(id="r", type="report", title="Rapport", translators=["Garnier, Sophie"])
    assert "Traduit par Sophie Garnier." in text_of(entry(undated, fr))
    # In English the same works read as Chicago writes them.
    assert "Accessed November 15, 2026." in text_of(entry(article))
    assert "In *Corridors*" not in text_of(entry(chapter)) and ", edited by Anne Petit and Marc" \
        " Blanc" in text_of(entry(chapter))
    shown = text_of(note([(article, CiteItem("a", locator="p. 4"))], lambda _: False, loc=fr))
    assert shown == "Martin et Roux, «\u202fLe corridor\u202f», 4."


def test_how_to_cite_gives_the_date_in_the_language():
    meta = Meta(title="Titre", date=dt.date(2026, 12, 1), language="fr",
                authors=[{"name": "Claire Martin"}, {"name": "Jean Roux"}])
    assert text_of(how_to_cite(meta, _french())) == (
        "Martin, Claire et Jean Roux. Titre. 1er\u00a0décembre 2026.")


# -- whole editions, read as a reader reads them ---------------------------------------------

# Label values a French, Russian or Urdu edition could print unchanged ("Figure", "Notes",
# "DOI") are not English words of the tool; so are the parts of a licence's name.
SAME_IN_EVERY_LANGUAGE = {"ISBN", "DOI", "et al."}


def english_words(language: str) -> list[str]:
    """The English label values the language's labels file translates differently."""
    english = yaml.safe_load((LABELS / "en.yaml").read_text(encoding="utf-8"))
    own = yaml.safe_load((LABELS / f"{language}.yaml").read_text(encoding="utf-8"))
    words = set()
    for key, value in english.items():
        values = value.values() if isinstance(value, dict) else [value]
        translated = own.get(key)
        theirs = set(translated.values()) if isinstance(translated, dict) else {translated}
        theirs = {str(w).rstrip(": \u00a0") for w in theirs}
        for word in values:
            word = word.rstrip(":").replace("{terms}", "").strip()
            if word and word not in theirs and word not in SAME_IN_EVERY_LANGUAGE:
                words.add(word)
    months = "January February March April May June July August September October November"
    return sorted(words | set(months.split()) | {"December", "Accessed", "Edited by", "and"})


def found_english(text: str, language: str, content: str = "") -> list[str]:
    """The tool's English words in text; a word the content itself has (an English title
    in the bibliography, a reference's note) cannot be told from the tool's, and is left."""
    def has(word: str, where: str) -> bool:
        return bool(re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", where))

    text = " ".join(text.replace(NBSP, " ").replace(NNBSP, " ").split())
    return [w for w in english_words(language) if has(w, text) and not has(w, content)]


def build(tmp_path_factory, *files: Path) -> dict[str, Path]:
    from briefgen.pipeline import build as run_build

    out = tmp_path_factory.mktemp("locales")
    return {item.job.path.name: item.job.path for item in run_build(list(files), out=out)}


def read(path: Path) -> str:
    """The text a reader finds in an output, by a reader that is not briefgen's."""
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    if path.suffix == ".docx":
        return subprocess.run(["pandoc", str(path), "-t", "plain", "--wrap=none"],
                              capture_output=True, text=True, check=True).stdout
    page = lxml_html.fromstring(path.read_bytes())
    for hidden in page.xpath("//style | //script"):
        hidden.getparent().remove(hidden)
    return page.text_content()


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> dict[str, Path]:
    return build(tmp_path_factory, FRENCH)


def _need_readers():
    for tool in ("pdftotext", "pandoc"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install poppler-utils pandoc)")


def test_a_french_note_has_no_english_word_from_the_tool(french):
    _need_readers()
    assert len(french) == 9
    for name, path in french.items():
        text = read(path)
        assert found_english(text, "fr") == [], name
        assert "résumé" in text.lower() or "l’essentiel" in text.lower(), name


def test_a_french_note_writes_dates_numbers_and_quotes_in_french(french):
    _need_readers()
    for name, path in french.items():
        text = " ".join(read(path).replace(NBSP, " ").replace(NNBSP, " ").split())
        assert "1er décembre 2026" in text, name
        if "academic" in name:
            assert "Données arrêtées au 14 février 2026" in text, name
            assert "« un pari risqué »" in text and "Le texte dit : « rien" in text, name
            assert "Consulté le 15 novembre 2026" in text, name
            assert "Pour citer ce document : Martin, Claire." in text, name
            assert "Qui doit agir : Gouvernement" in text, name
            assert "Page 1 sur" in text or path.suffix != ".pdf", name
    # The chart's axis and its bars group digits as French does ("3 250"), in every format.
    page = french["data-note-fr-academic.html"].read_text(encoding="utf-8")
    svg = __import__("base64").b64decode(
        re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page).group(1)).decode()
    labels = re.findall(r"<!-- (.*?) -->", svg)
    assert f"3{NNBSP}250" in labels and f"1{NNBSP}000" in labels and "3250" not in labels


def test_an_english_edition_is_caught_by_the_same_reader(tmp_path_factory):
    """The check can fail: an English note printed with a French language tag but English
    labels shows the tool's English words."""
    _need_readers()
    text = FRENCH.read_text(encoding="utf-8").replace("language: fr", "language: en")
    folder = tmp_path_factory.mktemp("english")
    (folder / "note.yaml").write_text(text, encoding="utf-8")
    built = build(tmp_path_factory, folder / "note.yaml")
    pdf = next(path for name, path in built.items() if name.endswith("-academic.pdf"))
    found = found_english(read(pdf), "fr")
    assert {"Executive summary", "Accessed", "Bibliography"} & set(found) or "References" in found


TRANSLATIONS = [("ru", EXAMPLES / "brief-ru.yaml"), ("ur", EXAMPLES / "brief-ur.yaml")]


@pytest.fixture(scope="module")
def translated(every_example) -> dict[str, Path]:
    """The Russian and Urdu editions, from the build of every example (conftest)."""
    return {name: path for name, path in every_example.items()
            if re.search(r"-(ru|ur)-", name)}


@pytest.mark.parametrize(("language", "source"), TRANSLATIONS)
def test_the_russian_and_urdu_briefs_have_no_english_word_from_the_tool(translated, language,
                                                                         source):
    _need_readers()
    mine = {name: path for name, path in translated.items() if f"-{language}-" in name}
    assert len(mine) >= 3, sorted(translated)
    content = source.read_text(encoding="utf-8")
    meta = yaml.safe_load(content)["meta"]
    date = Locale(language).date(dt.date.fromisoformat(str(meta["date"])))
    for name, path in mine.items():
        text = read(path)
        assert found_english(text, language, content) == [], name
        flat = " ".join(BIDI_CONTROLS.sub(" ", text).replace(NBSP, " ").replace(NNBSP, " ")
                        .split())
        if Locale(language).rtl:  # pdftotext may give right-to-left words in visual order
            words = {w for word in re.findall(r"\w+", flat) for w in (word, word[::-1])}
            assert set(re.findall(r"\w+", date)) <= words, (name, date)
        else:
            assert " ".join(date.replace(NBSP, " ").split()) in flat, name


def test_a_title_quoting_with_typed_curly_quotes_takes_the_inner_pair():
    """A title with a quotation typed in curly double quotes nests it in the inner pair."""
    from briefgen.bibliography import quoted_title

    title = "Relations: “A friend is someone who gives you freedom”"
    assert quoted_title(title, ".") == "“Relations: ‘A friend is someone who gives you freedom.’”"
    assert quoted_title(title, ".", Locale("ru")) == (
        "«Relations: „A friend is someone who gives you freedom“».")
