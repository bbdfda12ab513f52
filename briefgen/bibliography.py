"""Format references in one citation style: Chicago notes and bibliography (17th edition).

A citation becomes a shortened note, "Khan, “Evolving Nature,” 4." (author's family
name, a short title, the locator), and the reference list gives each work in full,
"Khan, Muhammad. “The Evolving Nature ….” *Journal* 12, no. 3 (2025): 1–20.", sorted by
first author. Shortened notes are Chicago's recommendation when a full bibliography is
printed (CMOS 17, 14.29). Everything is built as inline nodes, so italics and links
survive into every output format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from .docmodel import CiteItem, Emph, Inline, Link, Text
from .models import Meta, Reference

__all__ = ["STYLE_NAME", "entry", "how_to_cite", "note", "short_title", "sort_references"]

STYLE_NAME = "Chicago notes and bibliography (17th edition), shortened notes"
_MONTHS = ("January February March April May June July August September October "
           "November December").split()
_QUOTED = ("article", "chapter", "news", "web")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "the", "to",
                "with"}


def _family(name: str) -> str:
    return name.split(",")[0].strip() if "," in name else name.strip()


def _given_first(name: str) -> str:
    if "," not in name:
        return name.strip()
    family, given = (part.strip() for part in name.split(",", 1))
    return f"{given} {family}"


def _series(names: list[str]) -> str:
    """'A', 'A and B', 'A, B, and C': Chicago's serial comma."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _year(ref: Reference) -> str:
    if ref.date is None:
        return "n.d."
    return str(ref.date.year if isinstance(ref.date, dt.date) else ref.date)


def sort_references(refs: list[Reference]) -> list[Reference]:
    """Return refs in bibliography order: first author (or title), then title, then year."""
    def key(ref: Reference) -> tuple[str, str, str]:
        first = _family(ref.authors[0]) if ref.authors else ref.title.removeprefix("The ")
        return (first.casefold(), ref.title.casefold(), _year(ref))
    return sorted(refs, key=key)


def short_title(ref: Reference) -> str:
    """Return the title for short notes: short_title, else the title's first key words.

    Chicago asks for up to four words: here the main title (before any colon), without a
    leading article, up to the first small word after two words ("Evolving Nature of …"
    gives "Evolving Nature"), and at most four words.
    """
    if ref.short_title:
        return ref.short_title
    words = re.split(r"[:?!]\s", ref.title, maxsplit=1)[0].split()
    if len(words) > 1 and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    for index, word in enumerate(words[:5]):
        if index >= 2 and word.lower() in _SMALL_WORDS:
            return " ".join(words[:index])
    return " ".join(words[:4])


def _locator(text: str) -> str:
    # Chicago notes give bare page numbers: "p. 4" -> "4"; "Table 3" stays as written.
    return re.sub(r"^pp?\.\s*", "", text.strip())


def note(items: list[tuple[Reference, CiteItem]], linked: Callable[[str], bool],
         sentence: bool = True) -> list[Inline]:
    """Return the shortened note for one citation of one or more works.

    linked(id) says whether the work has a bibliography entry to link to; sentence
    capitalises the note's first word and ends it with a full stop, as a footnote is a
    sentence; without it (a source line under a table) the caller punctuates.
    """
    out: list[Inline] = []
    for index, (ref, item) in enumerate(items):
        parts: list[Inline] = []
        lead = f"{item.prefix} " if item.prefix else ""
        if ref.authors and not item.suppress_author:
            names = [_family(a) for a in ref.authors]
            lead += (f"{names[0]} et al." if len(names) > 3 else _series(names)) + ", "
        if sentence and index == 0 and lead:
            lead = lead[0].upper() + lead[1:]
        if lead:
            parts.append(Text(lead))
        title = short_title(ref)
        last = index == len(items) - 1
        end = "." if last and sentence else ""
        if ref.type in _QUOTED:
            # Commas and full stops go inside the closing quotation mark, semicolons outside.
            inner = "," if item.locator else end
            parts.append(Text(f"“{title}{inner}”"))
            if item.locator:
                parts.append(Text(f" {_locator(item.locator)}{end}"))
        else:
            if sentence and index == 0 and not lead:
                title = title[0].upper() + title[1:]
            parts.append(Emph([Text(title)]))
            parts.append(Text(f", {_locator(item.locator)}{end}" if item.locator else end))
        out += [Link(f"#ref-{ref.id}", parts)] if linked(ref.id) else parts
        if not last:
            out.append(Text("; "))
    return out


def _date_text(value: dt.date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _authors(names: list[str], editors: bool = False) -> str:
    shown = [names[0]] + [_given_first(n) for n in names[1:]]
    joined = shown[0] if len(shown) == 1 else (
        f"{shown[0]}, and {shown[1]}" if len(shown) == 2 else _series(shown))
    if editors:
        joined += ", ed." if len(names) == 1 else ", eds."
    return joined


def _stop(text: str) -> str:
    """End text with a full stop, unless it ends with one already ("n.d.")."""
    return text if text.endswith(".") else text + "."


def _title(title: str, quoted: bool) -> list[Inline]:
    title = title.rstrip(".")
    if quoted:
        return [Text(f"“{title}.”")]
    return [Emph([Text(title)]), Text(".")]


def entry(ref: Reference, short: bool = False) -> list[Inline]:
    """Return the bibliography entry for ref; short gives authors, title and year only."""
    out: list[Inline] = []
    names, as_editors = (ref.authors, False) if ref.authors else (
        (ref.editors, True) if ref.type == "book" else ([], False))
    if names:
        out.append(Text(_authors(names, as_editors).rstrip(".") + ". "))
    out += _title(ref.title, ref.type in _QUOTED)
    year = _year(ref)
    if short:
        out.append(Text(_stop(f" {year}")))
        return out
    dated = isinstance(ref.date, dt.date) and ref.type in ("news", "web")
    when = _date_text(ref.date) if dated else year  # type: ignore[arg-type]
    if ref.type == "chapter" and ref.container:
        out += [Text(" In "), Emph([Text(ref.container)])]
        if ref.editors:
            out.append(Text(", edited by " + _series([_given_first(e) for e in ref.editors])))
        if ref.pages:
            out.append(Text(f", {ref.pages}"))
        out.append(Text(_stop(f". {ref.publisher}, {year}" if ref.publisher else f", {year}")))
    elif ref.type == "article" and ref.container:
        out += [Text(" "), Emph([Text(ref.container)])]
        volume = f" {ref.volume}" if ref.volume else ""
        volume += f", no. {ref.issue}" if ref.issue else ""
        pages = f": {ref.pages}" if ref.pages else ""
        out.append(Text(f"{volume} ({year}){pages}."))
    elif ref.container:  # news and web: the outlet, then the date
        out += [Text(" "), Emph([Text(ref.container)])]
        out.append(Text(_stop(f", {when}")))
    else:  # books and reports
        out.append(Text(_stop(f" {ref.publisher}, {when}" if ref.publisher else f" {when}")))
    if ref.note:
        out.append(Text(f" {ref.note.rstrip('.')}."))
    if ref.accessed and ref.url:
        out.append(Text(f" Accessed {_date_text(ref.accessed)}."))
    if ref.url:
        out += [Text(" "), Link(ref.url, [Text(ref.url)]), Text(".")]
    return out


def how_to_cite(meta: Meta) -> list[Inline]:
    """Return how to cite the document itself, as a Chicago bibliography entry."""
    names = [author.name for author in meta.authors]
    out: list[Inline] = [Text(_series(names) + ". "), Emph([Text(meta.title)]), Text(".")]
    if meta.series:
        out.append(Text(f" {meta.series}" + (f" {meta.number}" if meta.number else "") + "."))
    org = meta.organisation
    out.append(Text(f" {org.name + ', ' if org else ''}{_date_text(meta.date)}."))
    if meta.url:
        out += [Text(" "), Link(meta.url, [Text(meta.url)]), Text(".")]
    return out
