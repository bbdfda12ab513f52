"""Keep together what a line must not split: amounts, dates, ranges, initials and names.

Two kinds of rule, both applied once, to the text the page and the Word file are made from:

- **No-break rules** (`nobreak`) put characters into the text: a no-break space (U+00A0)
  in "$2 billion", "20 per cent", "4 July", "M. S. Khan", "Dr Khan", "pp. 4"; a word
  joiner (U+2060) after the en dash of a number range ("1991–2008"), which keeps the dash
  from ending a line (Unicode line breaking, UAX #14: an en dash allows a break after it,
  a word joiner forbids one on either side). Every output keeps these characters: the
  HTML page, Word, and WeasyPrint's PDF, whose text layer leaves the joiner out.
- **Whole words** (`whole_words`): where a word must not be hyphenated: a proper name
  (a capitalised word that does not start a sentence) and a word bound by a no-break rule
  ("$2 billion" must not become "$2 bil-lion"). Only the print page needs them, as only
  WeasyPrint hyphenates (the screen page and Word do not), and only words long enough for
  the print style sheet to hyphenate at all, so as few elements as possible are added.

Where a note call goes (`notes_after_punctuation`: after the punctuation, as Chicago
asks) is decided here too, and so are typographic quotes and apostrophes in plain fields
(`curly`: "it's" becomes "it’s", as the Markdown text already gets them).

The rules are data: `RULES` maps a language (its primary subtag; "" for every language)
to its rules, applied in order. A language adds its own by adding a key (French and
Russian have theirs). French spacing around punctuation (a narrow no-break space before
; ! ?) is added where the text has none, by `locales.Locale.punctuate`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup, escape

from .docmodel import Cite, Inline, Note, Text

__all__ = ["NBSP", "NNBSP", "WJ", "NAME_MIN_LETTERS", "RULES", "Rule", "WHOLE_CLASS", "curly",
           "mark_whole_words", "nobreak", "notes_after_punctuation", "rules_for",
           "starts_sentence", "whole_words"]

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space (thin space in "3 250 t" when the text has one)
WJ = "\u2060"  # word joiner: no break on either side, no width
NO_BREAK = NBSP + NNBSP + WJ

# The print style sheet (templates/css/brief.css) hyphenates running text with
# `hyphenate-limit-chars: 7 3 3`: a word of fewer letters is never hyphenated, so it needs
# no protection (and no element).
NAME_MIN_LETTERS = 7
# The class of the span around a part print must not hyphenate; the print style sheet
# gives it `hyphens: manual`.
WHOLE_CLASS = "name"


@dataclass(frozen=True)
class Rule:
    """A no-break rule: in each match, white space becomes `joiner`, then `after` is added."""

    name: str
    pattern: re.Pattern[str]
    joiner: str = NBSP
    after: str = ""

    def apply(self, text: str) -> str:
        """Return text with this rule applied to every match."""
        return self.pattern.sub(
            lambda m: _ASCII_SPACE.sub(self.joiner, m.group()) + self.after, text)


_ASCII_SPACE = re.compile(r"[ \t\r\n]+")  # the spaces a rule replaces; U+202F etc. stay
_S = r"[ \t\r\n\u00a0\u202f]+"  # a space between two parts, already no-break or not
_UPPER = r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ]"  # a capital (Latin, Latin-1, Latin Extended-A, Cyrillic)
# A number: "3 250" (grouped by spaces), "1,200.5", "75.16", "2".
_NUMBER = r"(?<![\w.,])(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d(?:[\d,.]*\d)?)"
_CURRENCY = r"(?:[A-Z]{0,2}\$|£|€|¥|₹|₽|\bRs\.?|\b(?:USD|EUR|GBP|RUB|PKR|INR|CNY|AED))"
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October"
           r"|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_MONTHS_FR = (r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
              r"|novembre|décembre)")
_MONTHS_RU = (r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября"
              r"|ноября|декабря)")
_SCALES = r"(?:billion|million|trillion|thousand|crore|lakh|bn|mn)"
_UNITS = (r"(?:t|kg|km|km²|m|cm|mm|ha|kW|MW|GW|kWh|MWh|GWh|TWh|bcm|tcf|bbl|mtpa|Mt|°C"
          r"|tonnes|tons|barrels|%)")


def _rule(name: str, pattern: str, joiner: str = NBSP, after: str = "") -> Rule:
    return Rule(name, re.compile(pattern), joiner, after)


RULES: dict[str, tuple[Rule, ...]] = {
    "": (
        # "1991–2008", "pp. 4–7", "2020–21": no break after the dash (nor before it: UAX #14
        # already forbids a break before an en dash that follows a digit).
        _rule("range", r"(?<=\d)–(?=\d)", after=WJ),
        # "US$ 75", "PKR 300": the currency with its amount.
        _rule("currency", rf"{_CURRENCY}{_S}(?=\d)"),
        # "3 250 t", "5 km", "40 %": a number with its unit, and its own groups of digits.
        _rule("unit", rf"{_NUMBER}{_S}{_UNITS}(?![\w/])"),
    ),
    "en": (
        # "$2 billion", "US$75.16 million", "2.5 bn".
        _rule("scale", rf"{_NUMBER}{_S}{_SCALES}\b"),
        # "20 per cent", "20 percent".
        _rule("per cent", rf"{_NUMBER}{_S}(?:per{_S}cent|percent)\b"),
        # "4 July", "4th July", "July 4" (but not "May 2025": a year may go to the next line).
        _rule("day month", rf"(?<![\w.,])\d{{1,2}}(?:st|nd|rd|th)?{_S}{_MONTHS}(?!\w)"),
        _rule("month day", rf"\b{_MONTHS}{_S}\d{{1,2}}(?:st|nd|rd|th)?(?![\d\w]|[.,]\d)"),
        # "M. S. Khan": an initial with what follows it.
        _rule("initial", rf"\b{_UPPER}\.{_S}(?={_UPPER})"),
        # "Dr Khan", "Prof. Khan", "St Petersburg": a short title with the name.
        _rule("title", r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame|St|Gen|Lt|Col|Maj|Capt|Rev|Fr"
                       rf"|Hon)\.?{_S}(?={_UPPER})"),
        # "p. 4", "pp. 4–7", "no. 3", "vol. 2", "§ 4": a locator with its number.
        _rule("locator", rf"(?:\b(?:p|pp|no|No|vol|Vol|ch|para|paras|fig|art|Art|sec|n|nn)\."
                         rf"|§){_S}(?=\d)"),
    ),
    "fr": (
        # "3 millions", "1er décembre", "p. 4", "n° 3", "M. Dupont".
        _rule("scale", rf"{_NUMBER}{_S}(?:millions?|milliards?|mille|tonnes|pour{_S}cent)\b"),
        _rule("day month", rf"(?<![\w.,])\d{{1,2}}(?:er)?{_S}{_MONTHS_FR}(?!\w)"),
        _rule("locator", rf"(?:\b(?:p|pp|vol|chap|art)\.|\bn°|§){_S}(?=\d)"),
        _rule("initial", rf"\b{_UPPER}\.{_S}(?={_UPPER})"),
    ),
    "ru": (
        # "в 2015 году", "1991–2008 гг.", "732 млн", "14 февраля", "№ 3", "А. С. Пушкин".
        _rule("year", rf"{_NUMBER}{_S}(?:гг?\.|год(?:а|у|ом|ах)?)(?!\w)"),
        _rule("scale", rf"{_NUMBER}{_S}(?:тыс\.|млн|млрд|трлн|долл\.|руб\.|человек)(?!\w)"),
        _rule("day month", rf"(?<![\w.,])\d{{1,2}}{_S}{_MONTHS_RU}(?!\w)"),
        _rule("locator", rf"(?:№|\b(?:с|т|гл|рис|табл)\.){_S}(?=\d)"),
        _rule("initial", rf"\b{_UPPER}\.{_S}(?={_UPPER})"),
    ),
}


def rules_for(language: str) -> tuple[Rule, ...]:
    """Return the rules for a BCP 47 language tag: every language's, then its own."""
    return RULES[""] + RULES.get(language.split("-")[0].lower(), ())


@functools.lru_cache(maxsize=8192)  # each edition and format, and each save of a preview,
def nobreak(text: str, language: str = "en") -> str:  # sets the same strings again
    """Return text with no-break spaces and joiners where a line must not break."""
    for rule in rules_for(language):
        text = rule.apply(text)
    return text


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# A sentence ends before a word at ". ", "?” ", "!) "; but not at an initial or a title.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
_NOT_AN_END = re.compile(rf"(?:^|[\s(])(?:{_UPPER}|Dr|Mr|Mrs|Ms|Mx|Prof|St|Gen|Lt|Col|Maj"
                         r"|Capt|Rev|Fr|Hon|pp?|no|vol)\.[\s\u00a0\u202f]*$")
_BOUND = re.compile(rf"[^\s{NO_BREAK}]*(?:[{NO_BREAK}][^\s{NO_BREAK}]*)+")
_NAME_GAP = re.compile(rf"[ {NBSP}{NNBSP}]")  # what may stand between two words of a name


def starts_sentence(before: str) -> bool:
    """Whether a word after before (the few characters in front of it) starts a sentence."""
    return bool(_SENTENCE_END.search(before)) and not _NOT_AN_END.search(before)


def _names(text: str, sentence_start: bool) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each run of capitalised words not starting a sentence."""
    run: list[re.Match[str]] = []
    for i, word in enumerate(_WORD.finditer(text)):
        if i == 0 and not text[:word.start()].strip():
            initial = sentence_start
        else:  # a window is enough to see a sentence's end, and keeps this linear
            initial = starts_sentence(text[max(0, word.start() - 8):word.start()])
        named = word.group()[0].isupper() and not word.group().isupper() and not initial
        if named and run and _NAME_GAP.fullmatch(text[run[-1].end():word.start()]):
            run.append(word)
            continue
        if run:
            yield run[0].start(), run[-1].end()
        run = [word] if named else []
    if run:
        yield run[0].start(), run[-1].end()


def _long(text: str) -> bool:
    """Whether text holds a word print could hyphenate."""
    return any(len(w.group()) >= NAME_MIN_LETTERS for w in _WORD.finditer(text))


def whole_words(text: str, sentence_start: bool = True) -> list[tuple[int, int]]:
    """Return (start, end) of each part of text no line may hyphenate, in order.

    A part is a proper name (a run of capitalised words, "Shanghai Cooperation
    Organisation", that is not the first word of a sentence; sentence_start says whether
    text starts one) or a group bound by no-break characters ("$2 billion"), but only if
    it holds a word long enough to be hyphenated. Overlapping parts are merged.
    """
    parts = [(s, e) for s, e in _names(text, sentence_start) if _long(text[s:e])]
    parts += [m.span() for m in _BOUND.finditer(text) if _long(m.group())]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_whole_words(text: str, sentence_start: bool = True) -> Markup:
    """Escape text, putting each part no line may hyphenate in a span of WHOLE_CLASS."""
    out, at = [], 0
    for start, end in whole_words(text, sentence_start):
        out += [escape(text[at:start]),
                Markup('<span class="%s">%s</span>') % (WHOLE_CLASS, text[start:end])]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


_PUNCTUATION = ".,;:!?"


def notes_after_punctuation(nodes: list[Inline], notes: bool) -> list[Inline]:
    """Attach note calls to the word before them, after its punctuation, as Chicago does.

    "a year [@x]." becomes "a year.[@x]" when citations are notes; with notes hidden the
    citation disappears with the space before it.
    """
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, (Cite, Note)) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text.rstrip())
        elif (isinstance(node, Text) and notes and out and isinstance(out[-1], (Cite, Note))
              and node.text[:1] in _PUNCTUATION and node.text[:1]):
            moved = len(node.text) - len(node.text.lstrip(_PUNCTUATION))
            call = out.pop()
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + node.text[:moved])
            else:
                out.append(Text(node.text[:moved]))
            out.append(call)
            node = Text(node.text[moved:])
            if not node.text:
                continue  # so that a note right after the punctuation joins this one
        out.append(node)
    return out


# A web address or e-mail address in a plain field keeps its straight quotes.
_ADDRESS = re.compile(r"(?:https?://|www\.|mailto:)\S+|\S+@\S+\.\w+")
# An apostrophe: inside a word ("it's", "O'Neil"), after one ("states'"), or eliding the
# century ("'90s"). Anything else is an opening quote after a space, a bracket, a dash or
# another opening quote, else a closing one: the rules markdown-it's smartquotes apply to
# the Markdown fields, so a plain field and a paragraph agree.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|(?<=[^\W\d_])'|'(?=\d\ds?\b)")
_OPENS = re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013/‘“-]))(['\"])")


@functools.lru_cache(maxsize=8192)  # the bibliography's titles, set again in every edition
def curly(text: str, inner: bool = False, quotes: str = "“”‘’") -> str:
    """Return text with typographic quotes and apostrophes; web addresses stay as written.

    quotes: the language's four marks (locales.Locale.quotes: opening, closing, then the
    inner pair). inner: the text stands inside quotation marks (a title quoted in a
    reference), so its own double quotes become the inner pair (CMOS 6.11).
    """
    out, at = [], 0
    for match in _ADDRESS.finditer(text):
        out += [_curl(text[at:match.start()], inner, quotes), match.group()]
        at = match.end()
    out.append(_curl(text[at:], inner, quotes))
    return "".join(out)


def _curl(text: str, inner: bool, quotes: str) -> str:
    text = _APOSTROPHE.sub("’", text)
    # Placeholders first, so that a language whose marks include ’ keeps apostrophes apart.
    text = _OPENS.sub(lambda m: "\x01" if m.group(1) == "'" else "\x00", text)
    text = text.replace("'", "\x03").replace('"', "\x02")
    if inner:  # curly double quotes the author typed become the inner pair too
        text = text.replace("“", "\x01").replace("”", "\x03")
    outer, single = (quotes[2:], quotes[2:]) if inner else (quotes[:2], quotes[2:])
    marks = {"\x00": outer[0], "\x02": outer[1], "\x01": single[0], "\x03": single[1]}
    return re.sub("[\x00-\x03]", lambda m: marks[m.group()], text)
