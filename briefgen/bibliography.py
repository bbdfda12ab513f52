"""Format references in one citation style: Chicago notes and bibliography (17th edition).

A citation becomes a shortened note, "Khan, “Evolving Nature,” 4." (the author's family
name, a short title, the locator), and the reference list gives each work in full,
"Khan, Muhammad. “The Evolving Nature ….” *Journal* 12, no. 3 (2025): 1–20.", sorted by
author, then title, then date. Shortened notes are Chicago's recommendation when a full
bibliography is printed (CMOS 17, 14.29); where two people among a document's works share
a family name, notes add their initials ("M. N. Khan", "M. S. Khan"), computed once per
document by `note_names`. Everything is built as inline nodes, so italics and links
survive into every output format. A reference's `comment` is for editors and is never read
here; its `note` is printed at the end of the entry. The notes themselves are written by
shortnotes.py; the name helpers here serve both.

The style's words ("ed.", "In", "accessed", "n.d."), its dates and quotation marks, and how
a list of names is joined follow the document's language (a `locales.Locale`, English when
none is given); the order of the parts is Chicago's in every language. Outside English,
punctuation goes after a quoted title's closing mark, as French and Russian print it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from .docmodel import Emph, Inline, Link, Text
from .locales import Locale, auto_direction
from .models import Meta, Reference
from .typography import curly

ENGLISH = Locale()

__all__ = ["QUOTED", "creators", "drop_article", "entry", "fold", "how_to_cite",
           "initials", "name_key", "quoted_title", "series", "sort_references", "split_name"]

QUOTED = ("article", "chapter", "news", "web")  # a part of something: its title is quoted
_ARTICLES = ("the", "a", "an")



# -- names ---------------------------------------------------------------------------------

def split_name(name: str) -> tuple[str, str]:
    """Return (family, given) of 'Family, Given'; an organisation is all family."""
    if "," not in name:
        return name.strip(), ""
    family, given = (part.strip() for part in name.split(",", 1))
    return family, given


def _given_first(name: str) -> str:
    family, given = split_name(name)
    return f"{given} {family}" if given else family


@lru_cache(maxsize=4096)  # names and titles, folded again for every note
def fold(text: str) -> str:
    """Return text for comparing: no case, no accents, punctuation as spaces."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def name_key(name: str) -> tuple[str, str]:
    family, given = split_name(name)
    return fold(family), fold(given)


def initials(given: str) -> str:
    """'Muhammad Taimur' -> 'M. T.'; 'M.S.' -> 'M. S.'; 'Jean-Paul' -> 'J.-P.'."""
    words = [w for w in re.split(r"[\s.]+", given) if w]
    return " ".join("-".join(part[0] + "." for part in word.split("-") if part)
                    for word in words)


def creators(ref: Reference) -> tuple[list[str], bool]:
    """Return who the work is listed under and whether they are its editors.

    The editors of a chapter are the book's, so a chapter without authors has none.
    """
    if ref.authors:
        return ref.authors, False
    if ref.editors and ref.type != "chapter":
        return ref.editors, True
    return [], False


def series(names: list[str], loc: Locale = ENGLISH) -> str:
    """'A', 'A and B', 'A, B, and C' (Chicago's serial comma; 'A, B et C' in French)."""
    return loc.join(names)


# -- sorting -------------------------------------------------------------------------------

def drop_article(title: str) -> str:
    first, _, rest = title.partition(" ")
    return rest if rest and first.casefold() in _ARTICLES else title


def _date_key(ref: Reference) -> tuple[int, int, int]:
    if isinstance(ref.date, dt.date):
        return ref.date.year, ref.date.month, ref.date.day
    return (ref.date or 0), 0, 0


def sort_references(refs: list[Reference]) -> list[Reference]:
    """Return refs in bibliography order, as Chicago sorts them (CMOS 14.66-14.71).

    By the first author's (or editor's) family name, then given names, so "Khan, M. N."
    comes before "Khan, M. S."; one author's works before those written with others, which
    follow by co-author (CMOS 14.67); then by title, a leading The, A or An ignored; then
    by date. A work without author or editor is sorted by its title. Letters compare
    without case or accents.
    """
    def key(ref: Reference) -> tuple:
        title = fold(drop_article(ref.title))
        names = creators(ref)[0]
        first = name_key(names[0]) if names else (title, "")
        return first, tuple(name_key(n) for n in names[1:]), title, _date_key(ref)
    return sorted(refs, key=key)


# -- bibliography entries ------------------------------------------------------------------

def _year(ref: Reference, loc: Locale) -> str:
    if ref.date is None:
        return loc.word("cite_nd")
    return str(ref.date.year if isinstance(ref.date, dt.date) else ref.date)


def _authors(names: list[str], loc: Locale, editors: bool = False) -> str:
    """The first name inverted, the others given name first (CMOS 14.72, 14.76)."""
    shown = [names[0]] + [_given_first(n) for n in names[1:7 if len(names) > 10 else None]]
    if len(names) > 10:  # more than ten: the first seven, then "et al."
        joined = ", ".join(shown) + ", " + loc.word("cite_et_al")
    elif len(shown) == 2 and loc.language == "en":  # the inverted name's comma, then "and"
        joined = f"{shown[0]}, and {shown[1]}"
    else:
        joined = loc.join(shown)
    if editors:
        joined += ", " + loc.word("cite_ed" if len(names) == 1 else "cite_eds")
    return joined


def _isolated(date: str, loc: Locale) -> str:
    """A date of a right-to-left language between isolates (FSI … PDI, UAX #9), so that it
    reads as one unit inside a left-to-right entry: "Dawn, 16 جولائی 2021." """
    return f"\u2068{date}\u2069" if loc.rtl else date


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stop(text: str) -> str:
    """End text with a full stop, unless it ends with one already ("n.d.", "?")."""
    return text if text.endswith((".", "?", "!")) else text + "."


def quoted_title(title: str, punctuation: str, loc: Locale = ENGLISH) -> str:
    """Put title in quotation marks, punctuation inside them, as Chicago does.

    Double quotes within the title become the inner pair; a full stop after a title ending
    in a question or exclamation mark is left out; a title that itself ends in a quotation
    takes the punctuation inside that quotation too: “… ‘to be yourself.’” Outside English
    the punctuation follows the closing mark: «Titre», as French and Russian print it. A
    Latin-script title in a right-to-left edition reads left to right, so it keeps the
    English marks: Urdu's ” … “ belong to Urdu text.
    """
    if loc.rtl and auto_direction(title) == "ltr":  # a Latin title set left to right
        loc = ENGLISH
    opening, closing_mark, _, inner_close = loc.quotes
    title = curly(title.rstrip(".").rstrip(), inner=True, quotes=loc.quotes)
    if punctuation == "." and title.endswith(("?", "!", "?" + inner_close, "!" + inner_close)):
        punctuation = ""
    if loc.language != "en":
        return loc.punctuate(f"{opening}{title}{closing_mark}{punctuation}")
    closing = len(title) - len(title.rstrip("’"))
    if closing and not title.rstrip("’").endswith("s"):  # a quotation, not "states’"
        return f"“{title[:-closing]}{punctuation}{title[-closing:]}”"
    return f"“{title}{punctuation}”"


def _title(title: str, quoted: bool, loc: Locale) -> list[Inline]:
    if quoted:
        return [Text(quoted_title(title, ".", loc))]
    title = curly(title.rstrip(".").rstrip(), quotes=loc.quotes)
    return [Emph([Text(title)]), Text("" if title.endswith(("?", "!")) else ".")]


def _imprint(ref: Reference, when: str) -> str:
    """'Place: Publisher, Year', with whichever of place and publisher the work has."""
    where = ": ".join(curly(p) for p in (ref.place, ref.publisher) if p)
    return f"{where}, {when}" if where else when


def _article(ref: Reference, year: str, loc: Locale) -> list[Inline]:
    """*Journal* 12, no. 3 (March 2025): 1–20 (CMOS 14.168-14.180); a magazine's full
    date stands without volume or issue: *Journal*, March 4, 2025, 20 (CMOS 14.187)."""
    out: list[Inline] = [Text(" "), Emph([Text(curly(ref.container or ""))])]
    if isinstance(ref.date, dt.date) and not (ref.volume or ref.issue):
        pages = f", {ref.pages}" if ref.pages else ""
        return out + [Text(f", {_isolated(loc.month_day_year(ref.date), loc)}{pages}.")]
    when = (_isolated(loc.month_year(ref.date.year, ref.date.month), loc)
            if isinstance(ref.date, dt.date) else year)
    number = f", {loc.word('cite_no')} {ref.issue}" if ref.issue else ""
    volume = (f" {ref.volume}" if ref.volume else "") + number
    pages = f": {ref.pages}" if ref.pages else ""
    return out + [Text(f"{volume} ({when}){pages}.")]


def entry(ref: Reference, loc: Locale = ENGLISH) -> list[Inline]:
    """Return the bibliography entry for ref, with every detail Chicago prints.

    Books and reports: *Title*. Place: Publisher, Year. Chapters: “Title.” In *Book*,
    edited by …, pages. Place: Publisher, Year. Articles: “Title.” *Journal* volume, no.
    issue (Year): pages. News: “Title.” *Paper*, Month Day, Year. Web pages: “Title.”
    Site (in roman, CMOS 14.206), Month Day, Year. Then the `note`, the access date, and
    the DOI as a link (CMOS 14.8 prefers it to a URL), else the URL.
    A further-reading list gives complete entries too: without its journal or publisher
    a work cannot be found.
    """
    out: list[Inline] = []
    names, as_editors = creators(ref)
    if names:
        out.append(Text(curly(_authors(names, loc, as_editors)).rstrip(".") + ". "))
    out += _title(ref.title, ref.type in QUOTED, loc)
    editors = curly(series([_given_first(e) for e in ref.editors], loc))
    if ref.authors and ref.editors and ref.type != "chapter":
        out.append(Text(f" {_capital(loc.word('cite_edited_by'))} {editors}."))
    if ref.translators:
        translators = curly(series([_given_first(t) for t in ref.translators], loc))
        out.append(Text(f" {_capital(loc.word('cite_translated_by'))} {translators}."))
    year = _year(ref, loc)
    dated = isinstance(ref.date, dt.date) and ref.type in ("news", "web", "report")
    when = (_isolated(loc.month_day_year(ref.date), loc)  # type: ignore[arg-type]
            if dated else year)
    if ref.type == "chapter" and ref.container:
        out += [Text(f" {loc.word('cite_in')} "), Emph([Text(curly(ref.container))])]
        if ref.editors:
            out.append(Text(f", {loc.word('cite_edited_by')} {editors}"))
        if ref.pages:
            out.append(Text(f", {ref.pages}"))
        imprint = _imprint(ref, year)
        out.append(Text(_stop(f". {imprint}" if ref.place or ref.publisher else f", {year}")))
    elif ref.type == "article" and ref.container:
        out += _article(ref, year, loc)
    elif ref.type == "news" and ref.container:
        out += [Text(" "), Emph([Text(curly(ref.container))])]
        pages = f", {ref.pages}" if ref.pages else ""
        out.append(Text(_stop(f", {when}{pages}")))
    elif ref.type == "web" and ref.container:
        publisher = f", {curly(ref.publisher)}" if ref.publisher else ""
        out.append(Text(_stop(f" {curly(ref.container)}{publisher}, {when}")))
    elif ref.type in ("news", "web"):
        publisher = f" {curly(ref.publisher)}," if ref.publisher else ""
        out.append(Text(_stop(f"{publisher} {when}")))
    else:  # books, reports, and a chapter or article whose container is unknown
        out.append(Text(_stop(" " + _imprint(ref, when))))
    if ref.note:
        out.append(Text(" " + _stop(curly(ref.note.strip(), quotes=loc.quotes))))
    link = f"https://doi.org/{ref.doi}" if ref.doi else ref.url
    if ref.accessed and link:
        accessed = _capital(loc.word("cite_accessed"))
        out.append(Text(f" {accessed} {_isolated(loc.month_day_year(ref.accessed), loc)}."))
    if link:
        out += [Text(" "), Link(link, [Text(link)]), Text(".")]
    return out


def _invert(name: str) -> str:
    """'Ana Ferreira' -> 'Ferreira, Ana': the last word is the family name; a name with
    a comma is already inverted, and a one-word name stays as it is."""
    if "," in name or " " not in name.strip():
        return name.strip()
    given, family = name.strip().rsplit(" ", 1)
    return f"{family}, {given}"


def how_to_cite(meta: Meta, loc: Locale = ENGLISH) -> list[Inline]:
    """Return how to cite the document itself: Chicago's entry for a report in a series.

    "Ferreira, Ana, and Kiet Tran. *Title: Subtitle*. Series 2025/07. Organisation,
    December 21, 2025. https://doi.org/…." The first author is inverted (Meta.authors
    names are written given name first: the last word is taken as the family name unless
    the name has a comma). The place of publication is left out: an organisation's
    address has no reliable field for its city, and CMOS 18 (14.30-31) leaves the place
    out for works after 1900. A title that has a colon already keeps no second subtitle.
    """
    people = _authors([_invert(author.name) for author in meta.authors], loc)
    title = curly(meta.title.strip(), quotes=loc.quotes)
    # Chicago gives a title and one subtitle: a title with a colon has its subtitle, and
    # the document's own subtitle (often a descriptive line) is then left out.
    if meta.subtitle and ": " not in title:
        title += (" " if title.endswith(("?", "!")) else ": ") + curly(meta.subtitle.strip(),
                                                                       quotes=loc.quotes)
    out: list[Inline] = [Text(curly(people).rstrip(".") + ". "), Emph([Text(title)]),
                         Text("" if title.endswith(("?", "!")) else ".")]
    if meta.series:
        number = f" {meta.number}" if meta.number else ""
        out.append(Text(_stop(f" {curly(meta.series)}{number}")))
    org = meta.organisation
    publisher = f"{curly(org.name)}, " if org else ""
    when = _isolated(loc.month_day_year(meta.date), loc)
    out.append(Text(_stop(f" {publisher}{when}")))  # _stop: "2025 г." has its full stop
    link = f"https://doi.org/{meta.doi}" if meta.doi else meta.url
    if link:
        out += [Text(" "), Link(link, [Text(link)]), Text(".")]
    return out
