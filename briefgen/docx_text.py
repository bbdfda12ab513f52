"""Make the HTML's text fit for Word runs: XML-safe, its white space folded as a browser does."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["at_word_start", "fold_whitespace", "has_text", "trim_trailing_space", "xml_safe"]

# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, surrogates, U+FFFE
# and U+FFFF): lxml refuses them, so one reaching the writer would stop the build. The
# content checks refuse them; whatever still comes (a template writing "&#1;") is shown
# as U+FFFD, the replacement character, rather than dropped without a trace.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# HTML's white space is ASCII only; a no-break or thin space is content, not folded.
HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


def xml_safe(text: str) -> str:
    """Return text with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return XML_INVALID.sub("\ufffd", text)


def fold_whitespace(text: str) -> str:
    """Return text with each run of HTML white space made one space, as a browser shows it."""
    return HTML_WHITESPACE.sub(" ", text)


def has_text(text: str | None) -> bool:
    """Whether text holds anything but white space."""
    return bool(text and text.strip())


def at_word_start(paragraph: Any) -> bool:
    """Whether the paragraph so far (hyperlinks included) is empty or ends in a space or tab."""
    written = paragraph._p.xpath(".//w:t|.//w:tab")
    if not written:
        return True
    last = written[-1]
    return last.tag.endswith("}tab") or (last.text or "").endswith(" ")


def trim_trailing_space(paragraph: Any) -> None:
    """Drop the trailing space the white-space folding may leave at a paragraph's end."""
    runs = paragraph.runs
    # Only a run that really ends the paragraph: not one followed by a hyperlink.
    if runs and runs[-1]._r is paragraph._p[-1] and runs[-1].text.endswith(" "):
        runs[-1].text = runs[-1].text.rstrip()
