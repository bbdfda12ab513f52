"""The rules of a document's language: dates, numbers, lists, plurals, quotation marks,
punctuation spacing and text direction, one `Locale` per edition.

Babel's copy of the Unicode CLDR gives dates, numbers, list patterns ("A, B and C"),
plural categories and the direction of the script. CLDR's quotation marks (its
"delimiters") are not in Babel, so `QUOTES` copies them here for the languages briefgen
ships labels for and their neighbours; a language not listed uses English marks.
Everything is read from data installed with Babel: nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import babel
import yaml
from babel import dates, lists, numbers

from .paths import builtin_dir

__all__ = ["QUOTES", "RTL_LANGUAGES", "Locale", "auto_direction", "has_locale"]

# CLDR delimiters: opening, closing, then the pair used inside a quotation. Right-to-left
# languages open with ” (the mark is not mirrored, so it stands on the right of the quote).
QUOTES: dict[str, str] = {
    "en": "“”‘’", "fr": "«»“”", "fr-CH": "«»‹›", "ru": "«»„“", "uk": "«»„“", "de": "„“‚‘",
    "de-CH": "«»‹›", "es": "«»“”", "it": "«»“”", "pt": "“”‘’", "nl": "‘’“”", "pl": "„”«»",
    "tr": "“”‘’", "ur": "”“’‘", "ar": "”“’‘", "fa": "«»“”", "ps": "”“’‘", "hi": "“”‘’",
}
RTL_LANGUAGES = ("ar", "fa", "he", "ps", "ur", "ug", "yi", "sd", "ckb", "dv")
# French sets a narrow no-break space before ; ! ? and inside guillemets, and a no-break
# space before a colon (the Imprimerie nationale's rules).
_NNBSP, _NBSP = "\u202f", "\u00a0"
_FRENCH_BEFORE = re.compile(r"[ \u00a0\u202f]*([;!?])(?=\s|$|[»”)\]])")
_FRENCH_COLON = re.compile(r"(?<=[^\s\d/])[ \u00a0\u202f]*:(?=\s|$)")
_FRENCH_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_FRENCH_CLOSE = re.compile(r"[ \u00a0\u202f]*»")


_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}  # Unicode bidi classes of strong characters


def auto_direction(text: str) -> str:
    """HTML's dir="auto": the direction of text's first strong character, 'ltr' if none."""
    kinds = (_STRONG.get(unicodedata.bidirectional(char)) for char in text)
    return next((kind for kind in kinds if kind), "ltr")


def has_locale(tag: str) -> bool:
    """Whether Babel has locale data for the BCP 47 tag (or its language)."""
    try:
        babel.Locale.parse(tag, sep="-")
    except (babel.UnknownLocaleError, ValueError):
        return False
    return True


@cache
def english_labels() -> dict[str, Any]:
    """briefgen's own English labels (templates/labels/en.yaml), the words under all others."""
    return yaml.safe_load((builtin_dir() / "labels" / "en.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Locale:
    """The rules of one language (a BCP 47 tag, as `meta.language` gives it), and its labels.

    labels are the edition's fixed words (labels.load_labels); without them, English.
    """

    tag: str = "en"
    labels: Mapping[str, Any] = field(default_factory=english_labels, compare=False,
                                      repr=False)

    def word(self, key: str) -> str:
        """The label key in this language: 'cite_ed' -> 'ed.'."""
        value = self.labels.get(key) or english_labels()[key]
        return value if isinstance(value, str) else self.plural(2, value)

    @cached_property
    def _babel(self) -> babel.Locale:
        for tag in (self.tag, self.language):
            try:
                return babel.Locale.parse(tag, sep="-")
            except (babel.UnknownLocaleError, ValueError):
                continue
        return babel.Locale("en")  # loading warns that the language has no locale data

    @property
    def language(self) -> str:
        """The primary language subtag, lower case: 'fr' of 'fr-CH'."""
        return self.tag.split("-")[0].lower()

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.language in RTL_LANGUAGES or self._babel.character_order == "right-to-left"

    @property
    def direction(self) -> str:
        """'rtl' or 'ltr', as HTML's dir attribute takes it."""
        return "rtl" if self.rtl else "ltr"

    @property
    def quotes(self) -> str:
        """The four quotation marks: opening, closing, and the inner pair."""
        return QUOTES.get(self.tag, QUOTES.get(self.language, QUOTES["en"]))

    @property
    def comma(self) -> str:
        """The comma between items with a space: ', ' ('، ' in Urdu), from CLDR's lists."""
        middle = self._babel.list_patterns["standard"]["middle"]
        found = re.fullmatch(r"\{0\}(\W*?)\s*\{1\}", middle)
        return (found.group(1) if found else "\u060c" if self.rtl else ",") + " "

    def date(self, value: dt.date) -> str:
        """A full date as the language writes it: '21 December 2025', '1er décembre 2026'."""
        if self._babel.language == "en":  # briefgen's English house style: day, month, year
            return f"{value.day}\u00a0{self.month_year(value.year, value.month)}"
        text = dates.format_date(value, "long", locale=self._babel)
        if self.language == "fr" and value.day == 1:  # the first of the month is ordinal
            text = re.sub(r"^1(?=\s)", "1er", text)
        return self._nobreak_day(text, value.day)

    def month_year(self, year: int, month: int) -> str:
        """'December 2025', 'décembre 2025', 'декабрь 2025 г.'."""
        return dates.format_skeleton("yMMMM", dt.date(year, month, 1), locale=self._babel)

    def month_names(self, month: int) -> set[str]:
        """The month's names, as a date writes it and standing alone ('декабря', 'декабрь')."""
        return {dates.get_month_names("wide", context, locale=self._babel)[month]
                for context in ("format", "stand-alone")}

    def month_day_year(self, value: dt.date) -> str:
        """The date as the citation style writes it: 'December 21, 2025' in English."""
        if self._babel.language == "en":
            return dates.format_date(value, "MMMM d, y", locale=self._babel)
        return self.date(value)

    @staticmethod
    def _nobreak_day(text: str, day: int) -> str:
        """Keep the day with its month: '14 февраля' is one unit on a line."""
        return re.sub(rf"^({day}(?:er)?) ", "\\1\u00a0", text)

    def number(self, value: float, decimals: int | None = None) -> str:
        """A number with the language's digit groups and decimal sign: '3 250', '3,250'."""
        if decimals is not None:
            return numbers.format_decimal(value, format=f"#,##0.{'0' * decimals}"
                                          if decimals else "#,##0", locale=self._babel)
        return numbers.format_decimal(value, locale=self._babel)

    def join(self, items: list[str]) -> str:
        """'A', 'A and B', 'A, B and C', in the language's words ('A, B et C')."""
        if not items:
            return ""
        return lists.format_list(items, locale=self._babel)

    def plural(self, count: int, forms: str | dict[str, str]) -> str:
        """The word for count of something: forms is one word or {category: word}."""
        if isinstance(forms, str):
            return forms
        category = self._babel.plural_form(count)
        return forms.get(category) or forms.get("other") or next(iter(forms.values()))

    def punctuate(self, text: str) -> str:
        """Text with the language's spaces around punctuation (French: 'Source :')."""
        if self.language != "fr":
            return text
        text = _FRENCH_BEFORE.sub(_NNBSP + r"\1", text)
        text = _FRENCH_COLON.sub(_NBSP + ":", text)
        text = _FRENCH_OPEN.sub("«" + _NNBSP, text)
        return _FRENCH_CLOSE.sub(_NNBSP + "»", text)
