"""Format references in one citation style: Chicago author-date (17th edition).

In-text labels look like (Khan 2025, p. 4); the list is sorted by first author, then
year, with 2025a/2025b where one author has several works in a year. Entries are built
as inline nodes, so italics and links survive into every output format.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .docmodel import Emph, Inline, Link, Text
from .models import Reference

__all__ = ["STYLE_NAME", "entry", "labels", "sort_references"]

STYLE_NAME = "Chicago author-date"
_MONTHS = ("January February March April May June July August September October "
           "November December").split()


def _family(name: str) -> str:
    return name.split(",")[0].strip() if "," in name else name.strip()


def _given_first(name: str) -> str:
    if "," not in name:
        return name.strip()
    family, given = (part.strip() for part in name.split(",", 1))
    return f"{given} {family}"


def _author_label(ref: Reference) -> str:
    names = [_family(a) for a in ref.authors]
    if not names:
        title = ref.short_title or ref.title
        return f"“{title}”" if ref.type in ("article", "chapter", "news", "web") else title
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]}"
    return f"{names[0]} et al."


def _year(ref: Reference) -> str:
    if ref.date is None:
        return "n.d."
    return str(ref.date.year if isinstance(ref.date, dt.date) else ref.date)


def _sort_key(ref: Reference) -> tuple[str, str, str]:
    first = _family(ref.authors[0]) if ref.authors else ref.title
    return (first.casefold(), _year(ref), ref.title.casefold())


def sort_references(refs: list[Reference]) -> list[Reference]:
    """Return refs in bibliography order."""
    return sorted(refs, key=_sort_key)


def labels(refs: list[Reference]) -> dict[str, tuple[str, str]]:
    """Map each reference id to (author part, year part) of its in-text label."""
    groups: dict[tuple[str, str], list[Reference]] = defaultdict(list)
    for ref in sort_references(refs):
        groups[(_author_label(ref), _year(ref))].append(ref)
    out: dict[str, tuple[str, str]] = {}
    for (author, year), members in groups.items():
        for i, ref in enumerate(members):
            suffix = "abcdefghijklmnopqrstuvwxyz"[i % 26] if len(members) > 1 else ""
            out[ref.id] = (author, year + suffix)
    return out


def _date_text(value: dt.date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def entry(ref: Reference, year: str, short: bool = False) -> list[Inline]:
    """Return the bibliography entry for ref as inline nodes; short: authors, year, title."""
    out: list[Inline] = []
    names = ref.authors
    quoted = ref.type in ("article", "chapter", "news", "web")
    if names:
        shown = [names[0]] + [_given_first(n) for n in names[1:]]
        joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + ", and " + shown[-1]
        if len(shown) == 2:
            joined = f"{shown[0]} and {shown[1]}"
        out.append(Text(f"{joined.rstrip('.')}. {year.rstrip('.')}. "))
        out += _title(ref.title, quoted)
    else:
        out += _title(ref.title, quoted)
        out.append(Text(f" {year.rstrip('.')}."))
    if short:
        return out
    if ref.type == "chapter" and ref.container:
        out.append(Text(" In "))
        out.append(Emph([Text(ref.container)]))
        if ref.editors:
            out.append(Text(", edited by " + " and ".join(_given_first(e) for e in ref.editors)))
        if ref.pages:
            out.append(Text(f", {ref.pages}"))
        out.append(Text("."))
    elif ref.container:
        out.append(Text(" "))
        out.append(Emph([Text(ref.container)]))
        if ref.volume:
            out.append(Text(f" {ref.volume}"))
            if ref.issue:
                out.append(Text(f" ({ref.issue})"))
        if isinstance(ref.date, dt.date) and ref.type in ("news", "web"):
            out.append(Text(f", {_MONTHS[ref.date.month - 1]} {ref.date.day}"))
        if ref.pages:
            out.append(Text(f": {ref.pages}" if ref.volume else f", {ref.pages}"))
        out.append(Text("."))
    if ref.publisher:
        out.append(Text(f" {ref.publisher}."))
    if ref.note:
        out.append(Text(f" {ref.note.rstrip('.')}."))
    if ref.accessed and ref.url:
        out.append(Text(f" Accessed {_date_text(ref.accessed)}."))
    if ref.url:
        out.append(Text(" "))
        out.append(Link(ref.url, [Text(ref.url)]))
        out.append(Text("."))
    return out


def _title(title: str, quoted: bool) -> list[Inline]:
    title = title.rstrip(".")
    if quoted:
        return [Text(f"“{title}.”")]
    return [Emph([Text(title)]), Text(".")]
