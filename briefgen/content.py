"""Load a content file and check everything about it before anything is rendered.

`load()` reads the YAML (keeping positions), validates it against the kind's model,
parses every Markdown field once, and runs the consistency checks. All problems are
collected and raised together as one ContentError; warnings travel with the result.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .docmodel import (
    BlockQuote,
    Cite,
    Code,
    Heading,
    Link,
    ListBlock,
    Para,
    Parsed,
    Text,
    XRef,
    plain_text,
    walk_inlines,
)
from .errors import ContentError, Diagnostic
from .loader import FORBIDDEN, SourceMap, dotted, kind_of, load_yaml
from .markdown import parse
from .models import KINDS, Document, Section
from .output import document_name

__all__ = ["LoadedDocument", "load", "pydantic_diagnostics"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
LINK_SCHEMES = ("http://", "https://", "mailto:", "#")

# Limits that no real brief comes near, so that a slip (a pasted data dump, a run-on
# string) is reported instead of producing a 900-page PDF or a line that cannot break.
MAX_WORD = 300  # characters without a space; the longest URLs in the examples have ~120
MAX_ITEMS = 1000  # entries in any one list: table rows, timeline entries, list items
MAX_IMAGE_BYTES = 20_000_000
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels, e.g. 8,660 x 5,770
# Lists, quotes, emphasis, links and notes inside one another. markdown-it drops what lies
# deeper than 20 levels, and every renderer recurses once per level; real text needs < 8.
MAX_MARKDOWN_DEPTH = 16

# A Markdown link, autolink or reference definition ([r]: url) whose scheme is not allowed
# is dropped by the parser and printed as text; look for them in the source so the writer
# hears about it.
_LINK_SCHEME = re.compile(r"(?:\]\(\s*<?|<|^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\n?[ \t]*<?)"
                          r"([A-Za-z][A-Za-z0-9+.-]{1,31}):", re.M)
# A character reference, which Markdown decodes: &#x202E; &#8238; &amp;
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass
class LoadedDocument:
    """A validated document: its model, where it came from, and its parsed Markdown."""

    path: Path
    model: Document
    source: SourceMap
    markdown: dict[tuple, Parsed]
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def name(self) -> str:
        """Output name: 'content/pakistan-russia/brief.yaml' -> 'pakistan-russia-brief'."""
        return document_name(self.path)

    def files(self) -> list[str]:
        """The files an output is made from, relative to the folder: this one, its images."""
        model = self.model
        names = [self.path.name]
        for sid in model.sections.order:
            section = getattr(model.sections, sid)
            if isinstance(section, Section):
                names += [figure.image for figure in section.figures if figure.image]
        org = model.meta.organisation
        if org and org.logo:
            names.append(org.logo)
        return list(dict.fromkeys(names))

    def md(self, *path: Any) -> Parsed:
        """Return the parsed Markdown of the field at path."""
        return self.markdown[tuple(path)]


def load(path: str | Path, audiences: typing.Iterable[str] | None = None) -> LoadedDocument:
    """Read and validate one content file; raise ContentError listing every problem.

    audiences: the names of the known audience profiles, against which the document's
    `audiences` list is checked; by default the built-in profiles.
    """
    if audiences is None:
        from .templates import TemplateSet
        audiences = list(TemplateSet(()).audiences)
    path = Path(path)
    data, smap = load_yaml(path)
    errors: list[Diagnostic] = []

    kind = data.get("kind")
    model_cls = KINDS.get(kind) if isinstance(kind, str) else None
    if model_cls is None:
        where = ("kind",) if "kind" in data else ()
        found = f"found '{kind}'" if kind is not None else "it is missing"
        raise ContentError(smap.problems + [smap.diagnostic(
            where, f"expected a document kind, one of: {', '.join(KINDS)}; {found}")])
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            _dedupe(smap.problems + pydantic_diagnostics(exc, smap, model_cls))) from None
    if smap.problems:
        raise ContentError(smap.problems)

    doc = LoadedDocument(path, model, smap, {})
    for field_path, text in markdown_fields(model):
        doc.markdown[field_path] = parse(text)
    too_deep = _too_deep(doc)
    if too_deep:  # before anything walks the nodes
        raise ContentError(too_deep)
    errors += _final_text(doc)
    errors += _check(doc, audiences)
    problems = [d for d in errors if d.severity == "error"]
    if problems:
        raise ContentError(_dedupe(problems))
    doc.warnings = [d for d in errors if d.severity == "warning"]
    return doc


# -- Pydantic errors, located -------------------------------------------------------
_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value pairs)",
    "model_type": "expected a mapping (key: value pairs)",
    "model_attributes_type": "expected a mapping (key: value pairs)",
    "date_type": "expected a date such as 2025-12-21",
    "date_from_datetime_parsing": "expected a date such as 2025-12-21",
    "date_parsing": "expected a date such as 2025-12-21",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
}


def _describe(value: Any) -> str:
    kinds = {bool: "a boolean (YAML reads yes/no/on/off/true/false as booleans; quote it)",
             int: "a number", float: "a number", list: "a list", dict: "a mapping",
             type(None): "nothing (an empty value)"}
    for typ, text in kinds.items():
        if type(value) is typ:
            return text
    if hasattr(value, "isoformat"):
        return "a date (YAML reads 2025-12-21 as a date; quote it for text)"
    return f"'{value}'"


def pydantic_diagnostics(exc: ValidationError, smap: SourceMap,
                         model_cls: type[BaseModel]) -> list[Diagnostic]:
    """Turn a Pydantic ValidationError into located diagnostics, one per problem."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        loc = tuple(err["loc"]) if kind == "missing" else _existing_prefix(err["loc"], smap)
        value = err.get("input")
        if kind == "extra_forbidden":
            allowed = _fields_at(model_cls, loc[:-1])
            key = str(loc[-1])
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            message = f"unknown key '{key}'{hint} Allowed here: {', '.join(allowed)}"
            out.append(smap.diagnostic(loc, message, key=True))
            continue
        if kind == "missing":
            message = f"required field '{loc[-1]}' is missing"
            out.append(smap.diagnostic(loc, message))
            continue
        if kind == "literal_error":
            expected = err["ctx"]["expected"]
            message = f"expected one of {expected}; found {_describe(value)}"
        elif kind == "value_error":
            message = str(err["ctx"]["error"])
        elif kind == "too_short":
            message = (f"needs at least {err['ctx']['min_length']} "
                       f"item{'s' if err['ctx']['min_length'] != 1 else ''}; "
                       f"found {err['ctx']['actual_length']}")
        elif kind == "too_long":
            message = (f"allows at most {err['ctx']['max_length']} items; "
                       f"found {err['ctx']['actual_length']}")
        elif kind == "string_pattern_mismatch":
            message = f"'{value}' does not have the expected form ({err['ctx']['pattern']})"
        elif kind == "finite_number":
            message = f"expected a number; found {value!r} (.nan or .inf), which no chart can draw"
        elif kind in _MESSAGES:
            message = f"{_MESSAGES[kind]}; found {_describe(value)}"
        else:
            message = err["msg"][0].lower() + err["msg"][1:]
        out.append(smap.diagnostic(loc, message))
    return _dedupe(out)


def _existing_prefix(loc: tuple, smap: SourceMap) -> tuple:
    """Drop the tags Pydantic appends for union members ('int', 'date', …) from loc."""
    loc = tuple(loc)
    while loc and loc not in smap.values and loc not in smap.keys:
        loc = loc[:-1]
    return loc


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Drop repeats of one problem and order the rest by line."""
    seen, out = set(), []
    for d in sorted(diags, key=lambda d: (d.line or 0, d.column or 0)):
        key = (d.line, d.column, d.field)  # two characters in one line are two problems
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _fields_at(model_cls: Any, loc: tuple) -> list[str]:
    """Return the field names allowed in the mapping at loc, walking the model's types."""
    current: Any = model_cls
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = current.model_fields.get(str(part))
            current = fld.annotation if fld else None
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated layers: `Section | None` -> Section."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = members[0] if len(members) == 1 else tp
            if len(members) != 1:
                return tp
        else:
            return tp


# -- Markdown fields ---------------------------------------------------------------
def markdown_fields(model: Document) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every field of model that holds Markdown."""
    yield ("summary",), model.summary
    for i, message in enumerate(model.key_messages):
        yield ("key_messages", i), message
    for sid in model.sections.order:
        section = getattr(model.sections, sid)
        base = ("sections", sid)
        for name in ("lead", "body"):
            if getattr(section, name):
                yield base + (name,), getattr(section, name)
        if not isinstance(section, Section):  # recommendations
            for i, item in enumerate(section.items):
                yield base + ("items", i, "text"), item.text
            continue
        for i, point in enumerate(section.key_points):
            yield base + ("key_points", i), point
        for i, quote in enumerate(section.quotes):
            yield base + ("quotes", i, "text"), quote.text
        for i, table in enumerate(section.tables):
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    yield base + ("tables", i, "rows", r, c), cell
            if table.source:
                yield base + ("tables", i, "source"), table.source
        for i, entry in enumerate(section.timeline):
            if entry.text:
                yield base + ("timeline", i, "text"), entry.text
        for i, figure in enumerate(section.figures):
            if figure.source:
                yield base + ("figures", i, "source"), figure.source
    assessment = getattr(model, "assessment", None)  # book reviews
    if assessment is not None:
        for name in ("strengths", "gaps"):
            for i, text in enumerate(getattr(assessment, name)):
                yield ("assessment", name, i), text
        yield ("assessment", "verdict"), assessment.verdict


# -- consistency checks -------------------------------------------------------------
def _check(doc: LoadedDocument, audiences: typing.Iterable[str] | None) -> list[Diagnostic]:
    model, smap = doc.model, doc.source
    out: list[Diagnostic] = []
    ids: dict[str, int] = {}
    for i, ref in enumerate(model.references):
        if ref.id in ids:
            out.append(smap.diagnostic(("references", i, "id"),
                                       f"duplicate reference id '{ref.id}' "
                                       f"(also references[{ids[ref.id]}])"))
        ids.setdefault(ref.id, i)
    known = sorted(ids)

    lines = smap.lines

    def column_of(needle: str, where: tuple, offset: int) -> int | None:
        # Inside a block scalar, point at the text itself, not at the start of the line.
        pos = smap.find(where)
        index = pos.line - 1 + offset if pos else -1
        found = lines[index].find(needle) if 0 <= index < len(lines) else -1
        return found + 1 if found >= 0 else None

    def unknown_ref(ref_id: str, where: tuple, offset: int = 0) -> Diagnostic:
        guess = difflib.get_close_matches(ref_id, known, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else (
            "; add it under 'references'" if not known else "")
        return smap.diagnostic(where, f"unknown citation '@{ref_id}'{hint}",
                               line_offset=offset, column=column_of("@" + ref_id, where, offset))

    targets: list[str] = []
    for sid in model.sections.order:
        for prefix, items in _numbered(getattr(model.sections, sid)):
            for i, item in enumerate(items):
                if item.id and f"{prefix}:{item.id}" in targets:
                    out.append(smap.diagnostic(
                        ("sections", sid, "tables" if prefix == "tbl" else "figures", i, "id"),
                        f"duplicate id '{item.id}'; each table and each figure needs its own"))
                elif item.id:
                    targets.append(f"{prefix}:{item.id}")
    for where, parsed in doc.markdown.items():
        pos = smap.find(where)
        for mention in parsed.mentions:
            offset = mention.line + 1 if pos and pos.block else 0
            if mention.kind == "cite" and mention.target not in ids:
                out.append(unknown_ref(mention.target, where, offset))
            elif mention.kind == "xref" and mention.target not in targets:
                listed = ", ".join("@" + t for t in targets) or "none has an 'id'"
                out.append(smap.diagnostic(
                    where, f"unknown cross-reference '@{mention.target}'; tables and figures "
                    f"that can be referred to: {listed}", line_offset=offset,
                    column=column_of("@" + mention.target, where, offset)))
            elif mention.kind == "mixed":
                out.append(smap.diagnostic(
                    where, f"'@{mention.target}' is a cross-reference in the brackets of a "
                    "citation; write them apart, as in [@fig:id] [@ref]", line_offset=offset,
                    column=column_of("@" + mention.target, where, offset)))
            elif mention.kind == "link" and mention.target.startswith("http://"):
                out.append(smap.diagnostic(
                    where, f"link '{mention.target}' is not encrypted; use https:// if the "
                    "site offers it", severity="warning", line_offset=offset,
                    column=column_of(mention.target, where, offset)))
            elif mention.kind == "link" and not mention.target.startswith(LINK_SCHEMES):
                out.append(smap.diagnostic(
                    where, f"link target '{mention.target}' is not allowed; links must start "
                    "with https://, http://, mailto: or #", line_offset=offset,
                    column=column_of(mention.target, where, offset)))

    for where, text in markdown_fields(model):
        pos = smap.find(where)
        for match in _LINK_SCHEME.finditer(text):
            if match.group(1).lower() in ("http", "https", "mailto"):
                continue
            offset = text.count("\n", 0, match.start()) + 1 if pos and pos.block else 0
            target = re.split(r"[)>\s]", text[match.start(1):], maxsplit=1)[0]
            out.append(smap.diagnostic(
                where, f"link target '{target}' is not allowed; links must start with "
                "https://, http://, mailto: or #", line_offset=offset,
                column=column_of(match.group(1) + ":", where, offset)))
    out += _limits(doc)

    cited = {m.target for parsed in doc.markdown.values() for m in parsed.mentions
             if m.kind == "cite"}
    for sid in model.sections.order:
        section = getattr(model.sections, sid)
        if not isinstance(section, Section):
            continue
        base = ("sections", sid)
        cited.update(item.cite for item in (*section.quotes, *section.timeline) if item.cite)
        if section.body:
            out += _uncited_figures(doc, base + ("body",))
        for i, table in enumerate(section.tables):
            for r, row in enumerate(table.rows):
                if len(row) != len(table.columns):
                    out.append(smap.diagnostic(
                        base + ("tables", i, "rows", r),
                        f"row has {len(row)} cells; expected {len(table.columns)}, "
                        "one per column"))
        for name, items in (("quotes", section.quotes), ("timeline", section.timeline)):
            for i, item in enumerate(items):
                if item.cite and item.cite not in ids:
                    out.append(unknown_ref(item.cite, base + (name, i, "cite")))
        for i, figure in enumerate(section.figures):
            if figure.image:
                problem = _image_problem(doc.folder, figure.image)
                if problem:
                    out.append(smap.diagnostic(base + ("figures", i, "image"), problem))
    org = model.meta.organisation
    if org and org.logo:
        problem = _image_problem(doc.folder, org.logo)
        if problem:
            out.append(smap.diagnostic(("meta", "organisation", "logo"), problem))
    for i, ref in enumerate(model.references):
        if ref.id not in cited:
            out.append(smap.diagnostic(("references", i, "id"),
                                       f"reference '{ref.id}' is never cited; cite it in the "
                                       "text or remove it", severity="warning"))
    if audiences is not None:
        names = sorted(audiences)
        for i, name in enumerate(model.audiences):
            if name not in names:
                guess = difflib.get_close_matches(name, names, n=1)
                hint = f"did you mean '{guess[0]}'? " if guess else ""
                out.append(smap.diagnostic(("audiences", i),
                                           f"unknown audience '{name}'; {hint}"
                                           f"available: {', '.join(names)}"))
    return out


def _numbered(section: Any) -> list[tuple[str, list[Any]]]:
    """The tables and figures of a section, with their cross-reference prefixes."""
    if not isinstance(section, Section):
        return []
    return [("tbl", section.tables), ("fig", section.figures)]


# A figure: a year, a number with a unit or currency, a percentage, or any number of
# two or more digits. A paragraph stating one should say where it comes from.
_FIGURE = re.compile(r"[$€£]\s?\d|\d\s?%|\b\d[\d,.]*\s(?:per\s?cent|million|billion)\b|\b\d{2,}\b")


def _uncited_figures(doc: LoadedDocument, where: tuple) -> list[Diagnostic]:
    """Warn about each paragraph of where that states figures or dates but cites nothing."""
    out = []
    pos = doc.source.find(where)
    for block in doc.md(*where).blocks:
        if not isinstance(block, Para):
            continue
        text = plain_text(block.children)
        found = _FIGURE.search(text)
        if found and not any(isinstance(n, Cite) for n in walk_inlines(block.children)):
            out.append(doc.source.diagnostic(
                where, f"paragraph states figures or dates ('{found.group(0).strip()}') but "
                "cites no source; add a citation such as [@id]", severity="warning",
                line_offset=block.line + 1 if pos and pos.block else 0))
    return out


def _values(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """Yield (path, value) for value and everything inside it, as the YAML spells paths."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, path + (index,))


def _limits(doc: LoadedDocument) -> list[Diagnostic]:
    """Report run-on words and lists far longer than any document needs."""
    out = []
    data = doc.model.model_dump(exclude_none=True, exclude_defaults=True)
    for path, value in _values(data, ()):
        if isinstance(value, str) and path[-1] != "url":
            word = max(value.split(), key=len, default="")
            if len(word) > MAX_WORD:
                out.append(doc.source.diagnostic(
                    path, f"a word of {len(word):,} characters ('{word[:20]}…'); words may "
                    f"have at most {MAX_WORD} characters; is a space missing?"))
        elif isinstance(value, list) and len(value) > MAX_ITEMS:
            out.append(doc.source.diagnostic(
                path, f"{len(value):,} entries; a list may have at most {MAX_ITEMS:,}"))
    for where, parsed in doc.markdown.items():
        for node in _nodes_of(parsed.blocks):
            if isinstance(node, ListBlock) and len(node.items) > MAX_ITEMS:
                out.append(doc.source.diagnostic(
                    where, f"a Markdown list of {len(node.items):,} items; a list may have "
                    f"at most {MAX_ITEMS:,}"))
    return out


def _nodes_of(blocks: list[Any]) -> Iterator[Any]:
    for block in blocks:
        yield block
        if isinstance(block, BlockQuote):
            yield from _nodes_of(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _nodes_of(item)


def _too_deep(doc: LoadedDocument) -> list[Diagnostic]:
    """Report Markdown nested deeper than MAX_MARKDOWN_DEPTH, at its line."""
    out = []
    for where, parsed in doc.markdown.items():
        if parsed.depth > MAX_MARKDOWN_DEPTH:
            pos = doc.source.find(where)
            out.append(doc.source.diagnostic(
                where, f"Markdown nested {parsed.depth} levels deep (lists, quotes, emphasis "
                f"and links inside one another); at most {MAX_MARKDOWN_DEPTH} are allowed",
                line_offset=parsed.deepest_line + 1 if pos and pos.block else 0))
    return out


def _strings(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every string in value, mapping keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from _strings(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _parsed_strings(parsed: Parsed) -> Iterator[str]:
    """Yield every piece of text of parsed as the outputs print it, entities decoded."""
    stack: list[Any] = list(parsed.blocks)
    while stack:  # no recursion: nesting is limited, but the walk need not depend on it
        node = stack.pop()
        if isinstance(node, (Text, Code)):
            yield node.text
        elif isinstance(node, Link):
            yield node.url
        elif isinstance(node, XRef):
            yield node.target
        elif isinstance(node, Cite):
            for item in node.items:
                yield from (part for part in (item.prefix, item.locator) if part)
        if isinstance(node, ListBlock):
            stack.extend(block for item in node.items for block in item)
        elif isinstance(node, (Para, Heading, BlockQuote)) or hasattr(node, "children"):
            stack.extend(node.children)


def _final_text(doc: LoadedDocument) -> list[Diagnostic]:
    """Check the text every output will print: after YAML and Markdown decoded it.

    The loader refuses forbidden characters typed into the file or written as YAML
    escapes and !!binary; Markdown decodes character references (&#x202E;), so the
    parsed text is checked again, and so is every character against the bundled fonts.
    """
    smap, out = doc.source, []
    texts = list(_strings(doc.model.model_dump(), ()))
    for where, parsed in doc.markdown.items():
        texts += [(where, text) for text in _parsed_strings(parsed)]
    sources = dict(markdown_fields(doc.model))
    seen: set[tuple[tuple, str]] = set()
    for where, text in texts:
        for char in dict.fromkeys(text):
            forbidden = FORBIDDEN.fullmatch(char)
            missing = _needs_glyph(char) and char not in _bundled_glyphs()
            if (where, char) in seen or not (forbidden or missing):
                continue
            seen.add((where, char))
            written = _written_as(sources.get(where, ""), char)
            name = unicodedata.name(char, "").lower()
            code = f"U+{ord(char):04X}" + (f", {name}" if name else "")
            if forbidden:
                how = f"written as {written}, " if written != char else ""
                message = (f"{kind_of(char)} ({code}), {how}is not allowed in content; it "
                           "is invisible and can make text read differently from how it is "
                           "stored")
            else:
                message = (f"character '{char}' ({code}) is in none of the bundled fonts "
                           "(Charis SIL, Inter, Noto Naskh Arabic), so the PDF could not show "
                           "it as written; remove it or write it in words")
            out.append(_at(smap, where, written, message))
    return out


def _written_as(source: str, char: str) -> str:
    """Return how char is written in a Markdown source: itself, or a character reference."""
    if char in source:
        return char
    from markdown_it.common.utils import unescapeAll

    for match in _CHAR_REF.finditer(source):
        if char in unescapeAll(match.group(0)):
            return match.group(0)
    return char


def _at(smap: SourceMap, where: tuple, needle: str, message: str) -> Diagnostic:
    """A diagnostic at the first place needle is written in the value at where.

    It searches the lines from where the value starts to where the next one starts; a
    value that only an escape spells is reported where it starts.
    """
    pos = smap.find(where)
    if pos is None:
        return smap.diagnostic(where, message)
    after = [p.line for p in smap.values.values() if p.line > pos.line]
    last = min(after, default=len(smap.lines))
    for index in range(pos.line - 1, min(last, len(smap.lines))):
        start = pos.column - 1 if index == pos.line - 1 else 0
        column = smap.lines[index].find(needle, start)
        if column >= 0:
            return Diagnostic(smap.file, index + 1, column + 1, dotted(where), message)
    return smap.diagnostic(where, message)


def _needs_glyph(char: str) -> bool:
    """Return False for line breaks, tabs, invisible format characters, variation selectors."""
    return not (unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
                or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef")


@functools.lru_cache(maxsize=1)
def _bundled_glyphs() -> frozenset[str]:
    """The characters some bundled font has a glyph for; read from their cmaps, once.

    WeasyPrint takes any other character from a system font (DejaVu, or whatever the
    machine has), which is neither the document's look nor the same on every machine.
    """
    from fontTools.ttLib import TTFont

    from .templates import builtin_dir

    chars: set[str] = set()
    for path in sorted((builtin_dir() / "fonts").iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            with TTFont(path, lazy=True) as font:
                chars.update(map(chr, font.getBestCmap()))
    return frozenset(chars)


def _image_problem(folder: Path, name: str) -> str | None:
    """Return why the image file cannot be used, or None if it can."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name):
        return f"'{name}' is a URL; images must be files in the document's folder"
    target = (folder / name)
    try:
        resolved = target.resolve(strict=True)
    except (FileNotFoundError, OSError):
        return f"image file '{name}' not found (looked in {folder})"
    if not resolved.is_relative_to(folder.resolve()):
        return f"image '{name}' lies outside the document's folder {folder}"
    if not resolved.is_file():  # a FIFO would block, a device never end
        return f"image '{name}' is not a regular file; expected a PNG or JPEG image"
    if resolved.suffix.lower() not in IMAGE_SUFFIXES:
        return f"image '{name}' must be a PNG or JPEG file"
    if resolved.stat().st_size > MAX_IMAGE_BYTES:
        return (f"image '{name}' is {resolved.stat().st_size:,} bytes; images may have at "
                f"most {MAX_IMAGE_BYTES:,}")
    return _image_content_problem(resolved, name)


def _image_content_problem(path: Path, name: str) -> str | None:
    """Check the file really is a PNG or JPEG of a sane size, and that its pixels decode.

    WeasyPrint would otherwise log a broken image and leave a hole in the PDF, and a
    small file can declare billions of pixels, so the size is checked before decoding.
    """
    from PIL import Image, ImageFile

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported
    # (weasyprint/images.py), after which broken pixels load without an error; so in a
    # process that has rendered before (a watch, a preview), validation must unset it.
    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
            if kind not in ("PNG", "JPEG"):
                return f"image '{name}' is a {kind} file; expected a PNG or JPEG image"
            if width * height > MAX_IMAGE_PIXELS:
                return (f"image '{name}' is {width:,} x {height:,} pixels; images may have "
                        f"at most {MAX_IMAGE_PIXELS:,} pixels")
            image.verify()  # checksums and structure
        with Image.open(path) as image:  # verify() leaves the image unusable
            image.load()  # the pixels: data that passes its checksums can still be garbage
    except Image.DecompressionBombError:
        return f"image '{name}' declares more pixels than any image should; expected at most " \
               f"{MAX_IMAGE_PIXELS:,}"
    except Exception as exc:  # Pillow raises many kinds for a damaged or foreign file
        return f"image '{name}' is not a readable PNG or JPEG image ({exc})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return None


