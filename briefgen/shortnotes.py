"""Chicago's shortened notes (CMOS 17, 14.29-14.32): who a note names, its short title.

A citation becomes "Khan, “Evolving Nature,” 4.": the author's family name, a short
title, the locator. Where two people among a document's works share a family name, notes
add their initials ("M. N. Khan", "M. S. Khan"), computed once per document by
`note_names`. The full entries, and the name helpers used here, are in bibliography.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from .bibliography import (
    ENGLISH,
    QUOTED,
    creators,
    drop_article,
    fold,
    initials,
    name_key,
    quoted_title,
    series,
    split_name,
)
from .docmodel import CiteItem, Emph, Inline, Link, Text
from .locales import Locale
from .models import Reference
from .typography import curly

__all__ = ["Names", "note", "note_names", "short_title"]

# Words a short title never ends on: articles, prepositions, conjunctions, pronouns and
# auxiliaries. A cut just before one of them is a clean cut (a phrase ends there)...
_FUNCTION = set("""a an the and or nor but so yet as at by for from in into of on onto to with
within without between among amid over under upon via versus vs against about after before
during through toward towards across beyond than that which who whom whose what when where
why how if is are was were be been being am would will can could should shall may might must
do does did not no its it their his her our your my this these those there here""".split())
# ... unless it binds the word before it into one phrase ("State of", "Pakistan and").
_BINDING = {"of", "and", "&", "or", "nor", "’s", "'s"}
# Where a main title ends and its subtitle begins: a colon, a question or exclamation mark
# with more after it, or a spaced dash.
_SUBTITLE = re.compile(r"(?<=[?!])\s+|:\s+|\s+[–—]\s+")
Names = Mapping[tuple[str, str], str]  # (folded family, folded given) -> name in notes


def note_names(refs: Iterable[Reference]) -> dict[tuple[str, str], str]:
    """Return how the short notes of a document name each author or editor of its works.

    A family name only one person of the document bears stands alone ("Noor"). Where
    different people share it, each gets initials ("M. N. Khan", "M. S. Khan"; "Khan,
    Muhammad" is "M. Khan"), or the given names in full where initials too are shared.
    """
    people: dict[str, dict[str, str]] = {}  # folded family -> folded given -> name
    for ref in refs:
        for name in creators(ref)[0]:
            family, given = name_key(name)
            people.setdefault(family, {}).setdefault(given, name)
    out: dict[tuple[str, str], str] = {}
    for family, group in people.items():
        short = {given: initials(split_name(name)[1]) for given, name in group.items()}
        shared = Counter(fold(i) for i in short.values())
        for given, name in group.items():
            surname, full = split_name(name)
            if len(group) == 1 or not full:
                out[family, given] = surname
            elif shared[fold(short[given])] > 1:
                out[family, given] = f"{full} {surname}"
            else:
                out[family, given] = f"{short[given]} {surname}"
    return out


# -- short notes ---------------------------------------------------------------------------

def _main_title(title: str, kind: str) -> str:
    """The title without its subtitle; a news headline's one-word kicker is skipped."""
    parts = _SUBTITLE.split(title.strip(), maxsplit=1)
    # "Pakistan: Musharraf Seeks Strategic Ties" is a headline, "Pakistan" its kicker.
    if kind in ("news", "web") and len(parts) == 2 and " " not in parts[0].strip():
        return parts[1]
    return parts[0]


def _content(word: str) -> bool:
    """Whether a short title may end on word: not a function word nor a possessive."""
    bare = word.strip(",;.").casefold()
    return bool(bare) and bare not in _FUNCTION and not bare.endswith(("’s", "'s", "-"))


def _cut(words: list[str], k: int, strict: bool) -> bool:
    """Whether the first k words make a clean short title.

    The k-th word must be a content word. Strict: a phrase ends after it (a comma, the
    end, or a function word that does not bind it: "Relations | within the Framework").
    Loose: the next word does not bind it ("State | of", "Pakistan | and"), and the cut
    does not fall between two capitalised words, which may be one name ("Tonle | Sap").
    """
    last = words[k - 1]
    if not _content(last):
        return False
    if k == len(words) or last.endswith((",", ";")):
        return True
    following = words[k]
    if following.casefold() in _BINDING:
        return False
    if strict:
        return following.casefold() in _FUNCTION
    return not (last[:1].isupper() and following[:1].isupper())


def _head(words: list[str], k: int) -> bool:
    """Whether the first k words are a head noun phrase before "of" ("Evolving Nature")."""
    return k < len(words) and _content(words[k - 1]) and words[k].casefold() == "of"


def short_title(ref: Reference) -> str:
    """Return the title for short notes, by Chicago's rule (CMOS 14.32).

    An explicit `short_title` always wins. Otherwise, from the main title (before a colon,
    a question mark or a spaced dash; a headline's one-word kicker skipped), its leading
    The, A or An dropped, the first of these that exists:
    1. the whole main title, if it has up to four words;
    2. the longest cut of two to four words that ends on a content word (not an article,
       preposition, conjunction, pronoun, auxiliary or possessive) where a phrase ends:
       before a comma or before a function word that does not bind it ("Terms of Accord |
       for Gas", never "State | of …" nor "Pakistan | and Russia");
    3. the whole main title, if it has five words;
    4. such a cut at five words ("Trump Hosts Pakistani Army Chief, …");
    5. the head noun phrase of two to four words before "of" ("Evolving Nature | of …");
    6. the longest cut of one to four words ending on a content word the next word does
       not bind, and not between two capitalised words ("Experts suggest | Pakistan");
    7. the shortest such cut of more words, at worst the whole main title.
    A title in headline case with no function word early on ("Low Floods Leave Tonle Sap
    Fishers Stranded") has no boundary to find without a dictionary, so it is kept whole:
    long, but never cut mid-phrase. Give such a work a `short_title`.
    """
    return curly(ref.short_title) if ref.short_title else _shortened(ref.title, ref.type)


@lru_cache(maxsize=1024)  # a preview makes the notes again after every save
def _shortened(title: str, kind: str) -> str:
    """short_title of a work with this title and type and no short_title of its own."""
    words = drop_article(_main_title(title, kind)).split() or title.split() or [title]
    words[-1] = words[-1].rstrip(".,;:") or words[-1]
    n = len(words)
    steps = [range(n, n + 1) if n <= 4 else range(0),
             (k for k in (4, 3, 2) if _cut(words, k, strict=True)),
             range(5, 6) if n == 5 else range(0),
             (k for k in (5,) if n > 5 and _cut(words, 5, strict=True)),
             (k for k in (4, 3, 2) if _head(words, k)),
             (k for k in (4, 3, 2, 1) if _cut(words, k, strict=False)),
             (k for k in range(5, n) if _cut(words, k, strict=False))]
    found = next((k for step in steps for k in step), n)
    return curly(" ".join(words[:found]).rstrip(",;"))


def _locator(text: str) -> str:
    # Chicago notes give bare page numbers: "p. 4" -> "4"; "Table 3" stays as written.
    return re.sub(r"^pp?\.\s*", "", text.strip())


def _note_authors(ref: Reference, names: Names | None, loc: Locale) -> str:
    people = creators(ref)[0]
    shown = [curly((names or {}).get(name_key(n)) or split_name(n)[0]) for n in people]
    if len(shown) > 3:  # four or more: the first and "et al." (CMOS 14.76)
        return f"{shown[0]} {loc.word('cite_et_al')}"
    return series(shown, loc)


def note(items: list[tuple[Reference, CiteItem]], linked: Callable[[str], bool],
         sentence: bool = True, names: Names | None = None,
         loc: Locale = ENGLISH) -> list[Inline]:
    """Return the shortened note for one citation of one or more works.

    linked(id) says whether the work has a bibliography entry to link to; sentence
    capitalises the note's first word and ends it with a full stop, as a footnote is a
    sentence; without it (a source line under a table) the caller punctuates. names is
    the document's `note_names`, which tells two authors of one family name apart;
    without it a note gives family names only. loc gives the words and quotation marks.
    """
    out: list[Inline] = []
    for index, (ref, item) in enumerate(items):
        parts: list[Inline] = []
        lead = f"{item.prefix} " if item.prefix else ""
        authors = _note_authors(ref, names, loc)
        if authors and not item.suppress_author:
            lead += authors + ", "
        if sentence and index == 0 and lead:
            lead = lead[0].upper() + lead[1:]
        if lead:
            parts.append(Text(lead))
        title = short_title(ref)
        last = index == len(items) - 1
        end = "." if last and sentence else ""
        if title.endswith(("?", "!")) and not item.locator:
            end = ""  # "“Game Changer?”", not "?."
        if ref.type in QUOTED:
            # Commas and full stops go inside the closing quotation mark, semicolons outside.
            parts.append(Text(quoted_title(title, "," if item.locator else end, loc)))
            if item.locator:
                parts.append(Text(f" {_locator(item.locator)}{end}"))
        else:
            if sentence and index == 0 and not lead:
                title = title[:1].upper() + title[1:]
            parts.append(Emph([Text(title)]))
            parts.append(Text(f", {_locator(item.locator)}{end}" if item.locator else end))
        out += [Link(f"#ref-{ref.id}", parts)] if linked(ref.id) else parts
        if not last:
            out.append(Text("; "))
    return out


