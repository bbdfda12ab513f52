"""Check the page's templates and HTML against what the Word writer understands.

The contract is docx_styles' tables (the README prints them). A template breaks it with:
a data-docx value that is neither a role, nor a style of the tables, nor a style of the
reference document (Word matches names without regard to case; the closest name is
suggested); a <style> or <script> element in the page body (Word would print its text);
an element Word has nothing for (UNMAPPED_TAGS); an <img> whose src is not a data: URI.
Each is a UsageError (exit 2), never a silent difference in the Word file.

Two passes, because a value may be written literally or computed (`{{ }}`):
- the templates the page was rendered from (TemplateSet.sources) are scanned as text,
  once per file and reference document in a process; a problem is named by file:line;
- the page's HTML is walked before Word is written, after leaving out what its CSS hides
  in print (docx_hidden); a problem is named by its element and, when a scanned template
  tag fits it, by that template's file:line.
A subtree with data-docx="skip" is not Word's, and not checked. `briefgen validate` does
not run the check: it renders no page, and the check needs the page's templates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from .docx_errors import element_error, shorten
from .docx_hidden import hidden_elements
from .docx_styles import ROLES, UNMAPPED_TAGS, contract_styles
from .errors import UsageError

if TYPE_CHECKING:
    from lxml.etree import _Element

    from .templates import TemplateSet

__all__ = ["StyleNames", "check_page", "check_templates", "scan_template"]

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
COMPUTED = "\ue000"  # stands for each character of a Jinja expression or statement
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})
_clean: set[tuple[str, str, frozenset[str]]] = set()  # (file, text, styles) found clean


@dataclass(frozen=True)
class Tag:
    """One start tag of a template: where it is, and its attributes as written."""

    file: str
    line: int
    tag: str
    attrs: tuple[tuple[str, str | None], ...]  # a computed part shows as COMPUTED
    in_head: bool  # inside <head>, which Word never reads
    skipped: bool  # it or an element around it has data-docx="skip"


class StyleNames:
    """The data-docx values a page may use: the roles, the tables' styles, the reference's."""

    def __init__(self, reference_names: Iterable[str]) -> None:
        """Know the tables' styles and those of the reference document."""
        self.by_lower = {name.lower(): name for name in (*contract_styles(), *reference_names)}
        self.key = frozenset(self.by_lower)

    def problem(self, attribute: str, value: str) -> str | None:
        """Return what is wrong with data-docx (or data-docx-p) = value, or None."""
        if attribute == "data-docx" and value in ROLES or value.lower() in self.by_lower:
            return None
        candidates = [*self.by_lower, *(ROLES if attribute == "data-docx" else ())]
        close = difflib.get_close_matches(value.lower(), candidates, n=1, cutoff=0.6)
        hint = f'; did you mean "{self.by_lower.get(close[0], close[0])}"?' if close else ""
        roles = f"a role ({', '.join(ROLES)}), " if attribute == "data-docx" else ""
        return (f'{attribute}="{shorten(value)}" is not a Word style briefgen knows: '
                f"expected {roles}a style of briefgen's table (README, \"What Word gets\") "
                f"or a style your reference document defines{hint}")


def problems(tag: str, attrs: Mapping[str, str | None], names: StyleNames) -> list[str]:
    """Return what the Word writer cannot take in one element of the page body.

    A computed attribute value (holding COMPUTED) is not judged: the page's is.
    """
    found = []
    if tag in ("style", "script"):
        found.append(f"a <{tag}> element in the page body would come out in Word as its text; "
                     + ("put CSS in css/brief.css or in a theme" if tag == "style"
                        else "a page carries no scripts"))
    elif tag in UNMAPPED_TAGS:
        found.append(f"Word has nothing for <{tag}>; show it as an <img> with a data: URI, "
                     f'or leave it out of Word with data-docx="skip"')
    elif tag == "img" and attrs.get("data-chart") is None:
        src = (attrs.get("src") or "").strip()
        if COMPUTED not in src and not src.lower().startswith("data:"):
            found.append(f'src="{shorten(src)}": an image in Word must be a PNG or JPEG '
                         "embedded as a data:image/png;base64,… or data:image/jpeg;base64,… "
                         "URI (nothing is fetched, not even a file)")
    for attribute in ("data-docx", "data-docx-p"):
        value = attrs.get(attribute)
        if value is not None and COMPUTED not in value:
            problem = names.problem(attribute, value)
            found += [problem] if problem else []
    return found


class _Scanner(HTMLParser):
    """Collect a template's start tags with their lines, Jinja masked out."""

    def __init__(self, filename: str) -> None:
        super().__init__(convert_charrefs=True)
        self.filename = filename
        self.tags: list[Tag] = []
        self.open: list[tuple[str, bool]] = []  # (tag, skipped) of elements still open
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        skipped = (dict(attrs).get("data-docx") == "skip"
                   or bool(self.open) and self.open[-1][1])
        self.in_head = tag == "head" or self.in_head and tag != "body"  # </head> may be left out
        self.tags.append(Tag(self.filename, self.getpos()[0], tag, tuple(attrs),
                             self.in_head, skipped))
        if tag not in VOID_TAGS:
            self.open.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if any(name == tag for name, _ in self.open):  # closes what HTML leaves open too
            while self.open.pop()[0] != tag:
                pass


@lru_cache(maxsize=256)
def scan_template(filename: str, source: str) -> tuple[Tag, ...]:
    """Return the start tags of a page template, each with its line."""
    def mask(match: re.Match[str]) -> str:
        fill = " " if match.group(0).startswith("{#") else COMPUTED  # a comment is nothing
        return re.sub(r"[^\n]", fill, match.group(0))  # the same lines, for getpos()

    scanner = _Scanner(filename)
    scanner.feed(JINJA.sub(mask, source))
    scanner.close()
    return tuple(scanner.tags)


def check_templates(templates: TemplateSet, names: StyleNames) -> None:
    """Raise a UsageError listing each place a page template breaks the contract."""
    found = []
    for filename, source in list(templates.sources.items()):
        if (filename, source, names.key) in _clean:
            continue
        here = [f"{tag.file}:{tag.line}: <{tag.tag}>: {problem}"
                for tag in scan_template(filename, source) if not tag.in_head and not tag.skipped
                for problem in problems(tag.tag, dict(tag.attrs), names)]
        if not here:
            _clean.add((filename, source, names.key))
        found += here
    if found:
        raise UsageError("the Word file cannot be made from your templates:\n"
                         + "\n".join(found))


def check_page(body: _Element, names: StyleNames, templates: TemplateSet | None) -> None:
    """Check the page's templates, then leave out what CSS hides and check what remains.

    An element CSS hides in print gets data-docx="skip", which the writer honours.
    """
    if templates is not None:
        check_templates(templates, names)
    for el in hidden_elements(body.getparent(), frozenset(ROLES)):
        el.set("data-docx", "skip")
    stack = list(reversed(body))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.get("data-docx") == "skip":
            continue
        found = problems(el.tag, el.attrib, names)
        if found:
            raise element_error(el, "; ".join(found), _template_of(el, templates))
        stack.extend(reversed(el))


def _template_of(el: _Element, templates: TemplateSet | None) -> str:
    """Return "file:line" of the template tag el most likely comes from, or ""."""
    if templates is None:
        return ""
    attrs = dict(el.attrib)
    for filename, source in list(templates.sources.items()):
        for tag in scan_template(filename, source):
            if tag.tag == el.tag and not tag.in_head and _fits(attrs, dict(tag.attrs)):
                return f"{tag.file}:{tag.line}"
    return ""


def _fits(attrs: Mapping[str, str], written: Mapping[str, str | None]) -> bool:
    """Whether an element's attributes can come from a template tag's attributes."""
    if not any(COMPUTED in name for name in written) and not set(attrs) <= set(written):
        return False  # the element has an attribute the tag cannot give it
    return all(COMPUTED in (value or "") or name in attrs and attrs[name] == (value or "")
               for name, value in written.items() if COMPUTED not in name)
