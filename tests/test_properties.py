"""Property tests: generated documents always render, generated mistakes are always located.

Hypothesis builds valid policy briefs as Python data (Unicode titles, Markdown bodies made
of safe pieces, every kind of block, references of every type), writes them as YAML and
renders them. It then breaks such documents in one generated way each (a key deleted,
misspelt or given a value of the wrong type, an unknown citation, a short table row, an
impossible date, broken YAML, a duplicate key) and checks that `briefgen validate` answers
with exit code 1 and diagnostics that name their file and line, never with a traceback.
The bugs these properties found are kept at the end, each as its smallest case, marked as
strict expected failures.

Runs are derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tempfile
import types
import typing
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import docx
import lxml.html
import markupsafe
import pytest
import yaml
from conftest import MINIMAL
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from briefgen import models
from briefgen.checks_text import bundled_glyphs
from briefgen.cli import main
from briefgen.content import load
from briefgen.pipeline import build

# -- settings ----------------------------------------------------------------------------

SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                              HealthCheck.data_too_large],
}

# -- text --------------------------------------------------------------------------------

# What validation refuses (briefgen.loader.FORBIDDEN): control characters other than tab
# and line breaks, the bidirectional embedding, override and isolate controls, surrogates
# and the non-characters U+FFFE and U+FFFF.
CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                             *range(0x7F, 0xA0)]))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NOT_TEXT = "\ud800\udbff\udc00\udfff\ufffe\uffff"
# Typed into a file: NUL makes it a binary file (reported as such), NEL (U+0085) is a line
# break to YAML, and a lone surrogate cannot be saved as UTF-8.
TYPED = CONTROLS.replace("\x00", "").replace("\x85", "") + BIDI + "\ufffe\uffff"
# In a value, which YAML writes as an escape in double quotes where it must ("\a", "\ud800").
IN_VALUES = CONTROLS + BIDI + NOT_TEXT
# Words are made of the characters some bundled font has a glyph for (validation refuses
# the others: emoji, CJK), but not those above, nor spaces (Zs) -- words are joined with
# spaces -- nor line and paragraph separators; bidi marks (U+200E, U+200F, U+061C) need
# no glyph and are allowed.
SHOWN = sorted(c for c in bundled_glyphs() if unicodedata.category(c) not in
               ("Cc", "Cs", "Cn", "Zs", "Zl", "Zp") and c not in BIDI + "\ufffe\uffff")
NO_SPACE = st.sampled_from(SHOWN) | st.sampled_from("\u200e\u200f\u061c")
LETTERS = st.sampled_from([c for c in SHOWN if unicodedata.category(c).startswith("L")])

# Words in scripts the bundled fonts cover (Charis SIL: Latin, Cyrillic, Greek), which a
# PDF's text layer must give back.
PDF_WORDS = ("Café", "naïve", "Zürich", "Łódź", "São", "İstanbul", "Straße", "Москва",
             "Пакистан", "Ελλάδα", "coöperation", "fjord", "office")
OTHER_WORDS = ("باكستان", "روس", "اردو", "l’État",
               "«guillemets»", "„Zitat“", "—", "10\u00a0%", "x\u200by")
# Text that means something to HTML or Jinja; it must come out as the same text.
TEMPLATE_LITERALS = ("{{ title }}", "{{ 7 + 7 }}", "{% if x %}", "{% endif %}", "{# note #}",
                     "{{", "}}", "{%", "%}")
HTML_LITERALS = ("<b>", "</p>", "<script>alert(1)</script>", "&", "&amp;", "&lt;", "a<b",
                 '"quoted"', "'single'", "O'Neil", "\\", "*", "[x]", "@")
# Characters that mean something to Markdown, TeX or matplotlib's mathtext.
SYMBOLS = ("US$", "$", "$5", "^", "x^2", "_", "a_b", "%", "#", "|", "~", "\\n", "\\frac")

ascii_words = st.from_regex(r"[A-Za-z]{3,10}", fullmatch=True)
any_token = st.text(NO_SPACE, min_size=1, max_size=10)


@st.composite
def plain_text(draw: st.DrawFn, anchor: bool = False, max_tokens: int = 8) -> str:
    """A line of text of any printable words, with HTML and Jinja syntax among them."""
    tokens = draw(st.lists(st.one_of(
        any_token, ascii_words, st.sampled_from(PDF_WORDS), st.sampled_from(OTHER_WORDS),
        st.sampled_from(TEMPLATE_LITERALS), st.sampled_from(HTML_LITERALS),
        st.sampled_from(SYMBOLS)),
        min_size=1, max_size=max_tokens))
    if anchor:  # one word any PDF text layer must give back
        word = draw(st.one_of(ascii_words, st.sampled_from(PDF_WORDS)))
        tokens.insert(draw(st.integers(0, len(tokens))), word)
    return " ".join(tokens)


titles = plain_text(anchor=True)
short_text = plain_text(max_tokens=4)

# -- Markdown ----------------------------------------------------------------------------

# Words that are plain text in Markdown wherever they stand.
md_word = st.one_of(
    st.text(LETTERS, min_size=1, max_size=10), ascii_words, st.sampled_from(PDF_WORDS),
    st.sampled_from(("باكستان", "l’État", "{{ title }}", "{{ 7 + 7 }}",
                     "{% if x %}", "{% endif %}", "<b>", "a<b", "x & y", "2016", "12 %")))
md_text = st.lists(md_word, min_size=1, max_size=4).map(" ".join)
# Reference ids that a citation can name: [@id] needs a letter, digit or _ at both ends.
ref_ids = st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_:.\-]{0,10}[A-Za-z0-9_])?", fullmatch=True
                        ).filter(lambda s: not s.startswith(("tbl:", "fig:")))
object_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


@dataclass(frozen=True)
class Targets:
    """What a Markdown text may point at: reference ids and cross-reference targets."""

    refs: tuple[str, ...]
    xrefs: tuple[str, ...] = ()


def words(draw: st.DrawFn, low: int = 1, high: int = 4) -> str:
    return " ".join(draw(st.lists(md_word, min_size=low, max_size=high)))


def citation(draw: st.DrawFn, targets: Targets) -> str:
    ids = draw(st.lists(st.sampled_from(targets.refs), min_size=1, max_size=3, unique=True))
    form = draw(st.sampled_from(("plain", "locator", "prefix", "suppress")))
    if form == "locator":
        return f"[@{ids[0]}, p. {draw(st.integers(1, 400))}]"
    if form == "suppress":
        return f"[-@{ids[0]}]"
    items = "; ".join("@" + i for i in ids)
    return f"[see {items}]" if form == "prefix" else f"[{items}]"


@st.composite
def inline_md(draw: st.DrawFn, targets: Targets, notes: bool = True) -> str:
    """One sentence of inline Markdown: words, emphasis, links, citations, notes."""
    kinds = ["words", "emph", "strong", "link"]
    kinds += ["cite"] if targets.refs else []
    kinds += ["xref"] if targets.xrefs else []
    kinds += ["note"] if notes else []
    pieces = [words(draw)]
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=5)):
        if kind == "words":
            pieces.append(words(draw))
        elif kind == "emph":
            pieces.append(f"*{words(draw)}*")
        elif kind == "strong":
            pieces.append(f"**{words(draw)}**")
        elif kind == "link":
            slug = draw(st.from_regex(r"[a-z0-9/-]{0,20}", fullmatch=True))
            pieces.append(f"[{words(draw)}](https://example.org/{slug})")
        elif kind == "cite":
            pieces.append(citation(draw, targets))
        elif kind == "xref":
            pieces.append(f"[@{draw(st.sampled_from(targets.xrefs))}]")
        else:  # an inline note, glued to the word before it as people write them
            pieces[-1] += f"^[{draw(inline_md(targets, notes=False))}]"
        if draw(st.booleans()):
            pieces.append(words(draw))
    return " ".join(pieces) + draw(st.sampled_from((".", "!", "?", "")))


@st.composite
def markdown(draw: st.DrawFn, targets: Targets, max_blocks: int = 4) -> str:
    """Paragraphs and lists of inline Markdown, separated by blank lines."""
    blocks = []
    kinds = ("para", "para", "bullets", "numbers", "nested", "quote", "heading")
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=max_blocks)):
        if kind == "para":
            sentences = draw(st.lists(inline_md(targets), min_size=1, max_size=3))
            blocks.append(draw(st.sampled_from((" ", "\n", "\\\n"))).join(sentences))
        elif kind == "quote":
            blocks.append("> " + draw(inline_md(targets)))
        elif kind == "heading":
            blocks.append("### " + words(draw))
        else:
            items = draw(st.lists(inline_md(targets, notes=False), min_size=1, max_size=4))
            marks = ("- " for _ in items) if kind != "numbers" else (
                f"{n}. " for n in range(1, len(items) + 1))
            lines = [m + item for m, item in zip(marks, items, strict=True)]
            if kind == "nested":
                lines.insert(1, "  - " + draw(inline_md(targets, notes=False)))
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# -- documents ---------------------------------------------------------------------------

def maybe(draw: st.DrawFn, out: dict[str, Any], key: str, strategy: st.SearchStrategy) -> None:
    """Set out[key] to a drawn value, or leave the optional key out."""
    if draw(st.booleans()):
        out[key] = draw(strategy)


def https_urls() -> st.SearchStrategy[str]:
    return st.from_regex(r"https://[a-z]{1,10}\.(org|com|pk)(/[a-z0-9_-]{1,12}){0,3}",
                         fullmatch=True)


@st.composite
def references(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(ref_ids, min_size=1, max_size=5, unique=True))
    person = st.builds(lambda f, g: f"{f}, {g}", ascii_words | st.sampled_from(PDF_WORDS),
                       ascii_words | st.sampled_from(PDF_WORDS))
    name = person | short_text
    refs = []
    for ref_id in ids:
        ref: dict[str, Any] = {"id": ref_id, "type": draw(st.sampled_from(
            ("article", "book", "chapter", "report", "news", "web")))}
        maybe(draw, ref, "authors", st.lists(name, min_size=1, max_size=4))
        maybe(draw, ref, "editors", st.lists(name, min_size=1, max_size=2))
        ref["title"] = draw(plain_text())
        for key in ("short_title", "container", "publisher", "volume", "issue", "pages",
                    "note"):
            maybe(draw, ref, key, short_text)
        maybe(draw, ref, "date", st.integers(1500, 2100) | st.dates(dt.date(1500, 1, 1),
                                                                     dt.date(2100, 12, 31)))
        maybe(draw, ref, "url", https_urls())
        maybe(draw, ref, "accessed", st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
        refs.append(ref)
    return refs


@st.composite
def charts(draw: st.DrawFn) -> dict[str, Any]:
    """A line or bar chart whose x values are all numbers or all labels."""
    if draw(st.booleans()):
        xs: st.SearchStrategy[Any] = st.integers(1900, 2100) | st.floats(-1e4, 1e4,
                                                                         allow_nan=False)
        unique_by: Callable[[Any], Any] = float
    else:
        xs = (any_token | ascii_words | st.sampled_from(("1996", "2024", "Projected", "50 %",
                                                        "Москва")) | short_text)
        unique_by = str
    y = st.integers(-1000, 10**6) | st.floats(-1e9, 1e9, allow_nan=False) | st.just(0)
    series = []
    for _ in range(draw(st.integers(1, 3))):
        x_values = draw(st.lists(xs, min_size=1, max_size=6, unique_by=unique_by))
        series.append({"name": draw(short_text),
                       "points": [[x, draw(y)] for x in x_values]})
    chart: dict[str, Any] = {"type": draw(st.sampled_from(("bar", "line")))}
    maybe(draw, chart, "x_label", short_text)
    maybe(draw, chart, "y_label", short_text | st.just("US$ million"))
    chart["series"] = series
    return chart


def timeline_dates() -> st.SearchStrategy[Any]:
    year_month = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1000, 2999),
                           st.integers(1, 12))
    return (st.integers(1000, 2999) | st.integers(1000, 2999).map(str) | year_month
            | st.dates(dt.date(1000, 1, 1), dt.date(2999, 12, 31)))


@st.composite
def blocks(draw: st.DrawFn, targets: Targets, object_ids: list[str]) -> dict[str, Any]:
    """A section's optional blocks, in a drawn order; ids go into object_ids."""
    out: dict[str, Any] = {}
    cite = st.sampled_from(targets.refs)
    for kind in draw(st.lists(st.sampled_from(models.BLOCK_IDS), unique=True, max_size=3)):
        if kind == "key_points":
            out[kind] = draw(st.lists(inline_md(targets), min_size=1, max_size=4))
        elif kind == "quotes":
            quotes = []
            for _ in range(draw(st.integers(1, 2))):
                quote = {"text": draw(inline_md(targets)), "speaker": draw(short_text)}
                maybe(draw, quote, "role", short_text)
                maybe(draw, quote, "cite", cite)
                quotes.append(quote)
            out[kind] = quotes
        elif kind == "timeline":
            entries = []
            for _ in range(draw(st.integers(1, 4))):
                entry = {"date": draw(timeline_dates()), "title": draw(short_text)}
                maybe(draw, entry, "text", inline_md(targets))
                maybe(draw, entry, "cite", cite)
                entries.append(entry)
            out[kind] = entries
        elif kind == "tables":
            tables = []
            for _ in range(draw(st.integers(1, 2))):
                width = draw(st.integers(1, 5))
                cell = inline_md(targets) | md_text | st.just("")
                table: dict[str, Any] = {}
                maybe(draw, table, "id", object_ids_strategy(object_ids))
                table["caption"] = draw(short_text)
                table["columns"] = draw(st.lists(short_text, min_size=width, max_size=width))
                table["rows"] = draw(st.lists(st.lists(cell, min_size=width, max_size=width),
                                              min_size=1, max_size=4))
                maybe(draw, table, "source", inline_md(targets, notes=False))
                if "id" in table:
                    object_ids.append("tbl:" + table["id"])
                tables.append(table)
            out[kind] = tables
        else:  # charts take the longest to render: one figure per section
            figure: dict[str, Any] = {}
            maybe(draw, figure, "id", object_ids_strategy(object_ids))
            figure["caption"] = draw(short_text)
            figure["alt"] = draw(short_text)
            figure["chart"] = draw(charts())
            maybe(draw, figure, "source", inline_md(targets, notes=False))
            if "id" in figure:
                object_ids.append("fig:" + figure["id"])
            out[kind] = [figure]
    return out


def object_ids_strategy(taken: list[str]) -> st.SearchStrategy[str]:
    """Table and figure ids not used yet (one namespace for both, as validation wants)."""
    used = {t.split(":", 1)[1] for t in taken}
    return object_ids.filter(lambda i: i not in used)


@st.composite
def documents(draw: st.DrawFn, max_blocks: int = 4) -> dict[str, Any]:
    """A valid policy brief as Python data, in the order a person would write it.

    max_blocks: the most paragraphs, lists, quotes and headings in one Markdown text.
    """
    refs = draw(references())
    ids = tuple(r["id"] for r in refs)
    meta: dict[str, Any] = {"title": draw(titles)}
    for key in ("subtitle", "series", "number"):
        maybe(draw, meta, key, short_text)
    meta["date"] = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    maybe(draw, meta, "language", st.sampled_from(("en", "en-GB", "fr", "ru", "de-CH", "ur", "ar")))
    maybe(draw, meta, "status", st.sampled_from(("draft", "final")))
    authors = []
    for _ in range(draw(st.integers(1, 3))):
        author = {"name": draw(short_text)}
        maybe(draw, author, "affiliation", short_text)
        maybe(draw, author, "email", st.emails())
        authors.append(author)
    meta["authors"] = authors
    if draw(st.booleans()):
        organisation = {"name": draw(short_text)}
        maybe(draw, organisation, "url", https_urls())
        meta["organisation"] = organisation
    maybe(draw, meta, "keywords", st.lists(short_text, max_size=4))

    # Blocks first, so that bodies can refer to their tables and figures.
    order = draw(st.permutations(models.SECTION_IDS))[:draw(st.integers(1, 5))]
    xrefs: list[str] = []
    section_blocks = {sid: draw(blocks(Targets(ids), xrefs)) for sid in order
                      if sid != "recommendations"}
    targets = Targets(ids, tuple(xrefs))
    sections: dict[str, Any] = {}
    for sid in order:
        section: dict[str, Any] = {"title": draw(short_text)}
        maybe(draw, section, "lead", inline_md(targets))
        maybe(draw, section, "body", markdown(targets, max_blocks))
        if sid == "recommendations":
            items = []
            for _ in range(draw(st.integers(1, 4))):
                item = {"title": draw(short_text), "text": draw(markdown(targets, 2))}
                maybe(draw, item, "actors", st.lists(short_text, max_size=3))
                item["horizon"] = draw(st.sampled_from(("short", "medium", "long")))
                item["priority"] = draw(st.sampled_from(("high", "medium", "low")))
                items.append(item)
            section["items"] = items
        else:
            section.update(section_blocks[sid])
        sections[sid] = section

    doc: dict[str, Any] = {"kind": "policy-brief", "meta": meta}
    doc["audiences"] = draw(st.lists(st.sampled_from(("policymaker", "academic", "public")),
                                     min_size=1, max_size=3, unique=True))
    doc["summary"] = (draw(markdown(targets, max_blocks)) + " "
                      + draw(st.sampled_from(TEMPLATE_LITERALS[:5])))
    doc["key_messages"] = draw(st.lists(inline_md(targets, notes=False), min_size=3,
                                        max_size=6))
    doc["sections"] = sections
    doc["references"] = refs
    if draw(st.booleans()):
        doc["glossary"] = draw(st.dictionaries(
            st.from_regex(r"[A-Z]{2,6}", fullmatch=True) | st.sampled_from(PDF_WORDS),
            short_text, max_size=4))
    return doc


# -- YAML --------------------------------------------------------------------------------

class BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as `|` block scalars, as people write Markdown in YAML."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


BlockDumper.add_representer(str, _str_representer)


def to_yaml(doc: dict[str, Any], block: bool) -> str:
    text = yaml.dump(doc, Dumper=BlockDumper if block else yaml.SafeDumper,
                     allow_unicode=True, sort_keys=False, width=100)
    assert yaml.safe_load(text) == doc, "the strategy wrote YAML that does not read back"
    return text


@contextlib.contextmanager
def written(text: str, name: str = "brief.yaml") -> Iterator[Path]:
    """Write text to a fresh folder of its own, for one example."""
    with tempfile.TemporaryDirectory(prefix="briefgen-prop-") as tmp:
        path = Path(tmp) / "doc" / name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        yield path


# -- 1. valid documents render -----------------------------------------------------------

def check_html(html: str, doc: dict[str, Any]) -> None:
    """The title is in the page, escaped; Jinja and HTML syntax in the text stayed text."""
    title = doc["meta"]["title"]
    assert f"<title>{markupsafe.escape(title)}</title>" in html, f"title {title!r} not escaped"
    text = lxml.html.document_fromstring(html).text_content()
    for literal in TEMPLATE_LITERALS:
        if literal in title or literal in doc["summary"]:
            assert literal in text, f"{literal!r} was not kept as text"
    assert "<script>alert(1)" not in html  # markup in content is never markup in the page


# Matplotlib warns about glyphs Inter lacks (CJK, Arabic in chart labels); the chart is
# still drawn.
no_glyph_warnings = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


@no_glyph_warnings
@settings(max_examples=25, **SETTINGS)
@given(doc=documents(), block=st.booleans())
def test_valid_documents_render_to_html_and_docx(doc: dict[str, Any], block: bool) -> None:
    """Any valid document loads and renders to HTML and DOCX, its text kept as text."""
    with written(to_yaml(doc, block)) as path:
        loaded = load(path)
        assert loaded.model.meta.title == doc["meta"]["title"]
        out = path.parent.parent / "out"
        jobs = build([path], out=out, audiences=["academic"], formats=["html", "docx"])
        files = {item.job.format: item.job.path for item in jobs}
        assert set(files) == {"html", "docx"}
        check_html(files["html"].read_text(encoding="utf-8"), doc)
        assert zipfile.is_zipfile(files["docx"])
        word = docx.Document(str(files["docx"]))
        paragraphs = [p.text for p in word.paragraphs]
        assert doc["meta"]["title"] in paragraphs, "the title is not a paragraph of the DOCX"


def pdf_words(title: str) -> list[str]:
    """The words of title that the bundled fonts show and pdftotext gives back."""
    return [w for w in title.split(" ") if w in PDF_WORDS or (w.isascii() and w.isalpha())]


def squeeze(text: str) -> str:
    """Text without spaces, hyphens and soft hyphens, in NFKC: immune to line breaking."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


@no_glyph_warnings
@settings(max_examples=8, **SETTINGS)
@given(doc=documents(), block=st.booleans())
def test_valid_documents_render_to_pdf(doc: dict[str, Any], block: bool) -> None:
    """Any valid document renders to a PDF whose text layer holds the title."""
    with written(to_yaml(doc, block)) as path:
        out = path.parent.parent / "out"
        (item,) = build([path], out=out, audiences=["academic"], formats=["pdf"])
        assert item.job.path.read_bytes().startswith(b"%PDF")
        assert item.pages and item.pages >= 1
        if shutil.which("pdftotext") is None:
            return
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(item.job.path), "-"],
                              capture_output=True, text=True, check=True, timeout=60).stdout
        wanted = pdf_words(doc["meta"]["title"])
        assert wanted, "the title strategy always includes a word the PDF can show"
        missing = [w for w in wanted if squeeze(w) not in squeeze(text)]
        assert not missing, f"title words {missing} not in the PDF text"


# -- 2. invalid documents are reported, located ------------------------------------------

@dataclass
class Mistake:
    """One mutation and what the diagnostics must then say."""

    kind: str
    text: str  # the broken file
    field: str | None = None  # a dotted field name the diagnostics must name
    says: str | None = None  # words the diagnostics must contain
    at: str | None = None  # text on the line a diagnostic saying `says` points at


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield (path, value) for every value in a document, chart points excepted."""
    yield path, value
    if path and path[-1] == "points":
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, path + (i,))


def get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _nullable(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in \
        typing.get_args(tp)


def _strip(tp: Any) -> Any:
    """`Annotated[X, …]` -> X and `X | None` -> X."""
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif _nullable(tp):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def annotation(path: tuple[Any, ...]) -> Any:
    """The schema's type at path of a policy brief, as the models declare it."""
    tp: Any = models.PolicyBrief
    for part in path:
        tp = _strip(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            tp = tp.model_fields[part].annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            raise KeyError(path)
    return tp


def shape(tp: Any) -> str:
    """'str', 'list', 'dict', 'model', or 'other' (dates, numbers, unions)."""
    tp = _strip(tp)
    if tp is str or typing.get_origin(tp) is typing.Literal:
        return "str"
    if typing.get_origin(tp) is list:
        return "list"
    if typing.get_origin(tp) is dict:
        return "dict"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "model"
    return "other"


MODEL_FIELDS = {name for cls in vars(models).values()
                if isinstance(cls, type) and issubclass(cls, BaseModel)
                for name in cls.model_fields}
DATE_KEYS = {"date", "accessed"}  # dates and partial dates also accept numbers
RAW = "RAWVALUE"  # a placeholder replaced by raw YAML text after dumping


def model_mappings(doc: dict[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every mapping of the document that the schema models (not the glossary)."""
    return [(path, value) for path, value in walk(doc)
            if isinstance(value, dict) and shape(annotation(path)) == "model"]


def typo(key: str, how: int) -> str:
    """Misspell key: swap, drop, double or capitalise a letter, or pluralise it."""
    if how == 0 and len(key) > 1:
        return key[1] + key[0] + key[2:]
    if how == 1 and len(key) > 2:
        return key[:-1]
    if how == 2:
        return key + key[-1]
    if how == 3:
        return key[0].upper() + key[1:]
    return key.replace("_", "-") if "_" in key else key + "s"


SYNTAX_ERRORS = ("tab", "bracket", "quote", "indent", "colon")
MISTAKES = ("delete", "unknown key", "wrong type", "bad choice", "unknown citation",
            "short row", "bad date", "duplicate key", *(f"broken yaml: {how}" for how in
                                                        SYNTAX_ERRORS))


@st.composite
def mistakes(draw: st.DrawFn, kind: str) -> Mistake:
    """A valid document with one mistake of this kind in it, and what must be said."""
    doc = draw(documents(max_blocks=2))
    block = draw(st.booleans())
    if kind.startswith(("broken yaml", "duplicate key")):
        return text_mistake(draw, kind, to_yaml(doc, block))
    doc = copy.deepcopy(doc)
    field: str | None
    says: str | None = None
    at: str | None = None
    raw: str | None = None
    if kind == "delete":
        choices = [(path, key) for path, mapping in model_mappings(doc) for key in mapping
                   if _model_at(path).model_fields[key].is_required()]
        path, key = draw(st.sampled_from(choices))
        del get(doc, path)[key]
        field = dotted(path + (key,)) if path or key != "kind" else None
        says = "missing"
    elif kind == "unknown key":
        path, mapping = draw(st.sampled_from(model_mappings(doc)))
        key = draw(st.sampled_from(sorted(mapping)))
        new = typo(key, draw(st.integers(0, 4)))
        assume(new not in MODEL_FIELDS)
        mapping[new] = copy.deepcopy(mapping[key])
        field, says, at = dotted(path + (new,)), f"unknown key '{new}'", new
    elif kind == "wrong type":
        choices = []
        for path, _value in walk(doc):
            if not path or path[-1] in DATE_KEYS or "points" in path:
                continue
            tp = annotation(path)
            wrong: list[Any] = {
                "str": [42, 3.5, True, ["a", "b"], {"a": "b"}],
                "list": [42, True, "text", {"a": "b"}],
                "dict": [42, True, "text", ["a"]],
                "model": [42, True, "text", ["a"]],
            }.get(shape(tp), [])
            if wrong and not _nullable(tp):
                wrong.append(None)
            choices += [(path, w) for w in wrong]
        path, wrong_value = draw(st.sampled_from(choices))
        parent = get(doc, path[:-1])
        parent[path[-1]] = wrong_value
        field = dotted(path)
    elif kind == "bad choice":  # a word outside a fixed list, or not of a required form
        choices = [path for path, value in walk(doc) if path and path[0] != "glossary"
                   and path[-1] in CHOICE_KEYS and isinstance(value, str)]
        path = draw(st.sampled_from(choices))
        # A space and a '?' fit no id, language tag or choice; a line break in the value
        # must not break the diagnostic's line.
        value = draw(plain_text(max_tokens=3)) + draw(st.sampled_from((" ?", " ?\nmore")))
        get(doc, path[:-1])[path[-1]] = value
        field = dotted(path)
    elif kind == "unknown citation":
        ids = [r["id"] for r in doc["references"]]
        bad = draw(ref_ids.filter(lambda i: i not in ids))
        texts = [path for path, value in walk(doc) if isinstance(value, str) and path
                 and _is_markdown(path)]
        cites = [path + ("cite",) for path, value in walk(doc)
                 if len(path) >= 2 and path[-2] in ("quotes", "timeline")
                 and isinstance(value, dict)]
        path = draw(st.sampled_from(texts + cites))
        parent = get(doc, path[:-1])
        if path[-1] == "cite":
            parent["cite"] = at = bad
        else:
            parent[path[-1]] = parent[path[-1]] + f" [@{bad}]"
            # In a block scalar the line is known exactly; a quoted or plain scalar that
            # YAML folds over several lines is reported where it starts.
            at = f"@{bad}" if block and "\n" in parent[path[-1]] else None
        field, says = dotted(path), f"unknown citation '@{bad}'"
    elif kind == "short row":
        tables = [path for path, value in walk(doc) if path and path[-1] == "tables"]
        if not tables:
            sid = next((s for s in doc["sections"] if s != "recommendations"), "history")
            section = doc["sections"].setdefault(sid, {"title": "History"})
            section["tables"] = [{"caption": "Phases", "columns": ["When", "What"],
                                  "rows": [["1947", "Start"]]}]
            tables = [("sections", sid, "tables")]
        path = draw(st.sampled_from(tables))
        t = draw(st.integers(0, len(get(doc, path)) - 1))
        table = get(doc, path)[t]
        r = draw(st.integers(0, len(table["rows"]) - 1))
        table["rows"][r] = table["rows"][r][:-1]
        field, says = dotted(path + (t, "rows", r)), "cells; expected"
    else:  # bad date
        choices = [("meta", "date")] + [
            path for path, value in walk(doc)
            if path and path[-1] in DATE_KEYS and path != ("meta", "date")]
        path = draw(st.sampled_from(choices))
        value = draw(st.sampled_from((
            "raw:2025-13-45", "raw:2025-02-30", "raw:0000-01-01", "someday", "2025-13",
            "31/12/2025", "2025-1-5", "", 99999, -5, 2.5, True)))
        if isinstance(value, str) and value.startswith("raw:"):
            raw = at = value[4:]
            value = RAW
        if path[0] == "references" and path[-1] == "date":
            assume(not isinstance(value, (int, float)))  # any whole number is a year there
        get(doc, path[:-1])[path[-1]] = value
        field = dotted(path)
    text = to_yaml_unchecked(doc, block)
    if raw is not None:
        text = text.replace(RAW, raw)
    return Mistake(kind, text, field, says, at)


def _model_at(path: tuple[Any, ...]) -> type[BaseModel]:
    tp = _strip(annotation(path))
    assert isinstance(tp, type) and issubclass(tp, BaseModel)
    return tp


# Keys whose value is one of a fixed list, or text of a fixed form (ids, language tags).
CHOICE_KEYS = {"kind", "status", "type", "horizon", "priority", "language", "id", "cite"}
MARKDOWN_KEYS = {"summary", "lead", "body", "text", "source"}


def _is_markdown(path: tuple[Any, ...]) -> bool:
    """Whether the string at path is Markdown (and so may hold citations)."""
    last = path[-1]
    if path[0] == "key_messages" or last in MARKDOWN_KEYS:
        return True
    if isinstance(last, int) and len(path) >= 2:
        return path[-2] == "key_points" or (len(path) >= 4 and path[-3] == "rows")
    return False


def to_yaml_unchecked(doc: dict[str, Any], block: bool) -> str:
    return yaml.dump(doc, Dumper=BlockDumper if block else yaml.SafeDumper,
                     allow_unicode=True, sort_keys=False, width=100)


def text_mistake(draw: st.DrawFn, kind: str, text: str) -> Mistake:
    """Break the YAML itself at a line that starts a key."""
    lines = text.splitlines()
    pairs = []  # (key line, key column, key, last line of its value)
    nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                line, column = key.start_mark.line, key.start_mark.column
                pairs.append((line, column, key.value, value_end(lines, line, column)))
                nodes.append(value)
        elif isinstance(node, yaml.SequenceNode):
            nodes += node.value
    line, column, key, last = draw(st.sampled_from(sorted(pairs)))
    original = lines[line]
    if kind == "duplicate key":  # the key and all of its value, once more
        copy_ = [" " * column + original[column:], *lines[line + 1:last + 1]]
        lines[last + 1:last + 1] = copy_
        return Mistake(kind, "\n".join(lines) + "\n", None, f"duplicate key '{key}'", key)
    how = kind.split(": ")[1]
    indent, rest = original[:column], original[column:]
    head, sep, value = rest.partition(": ")
    if not sep:  # `key:` with the value on the lines below
        head, value = rest.removesuffix(":"), ""
    if how == "tab":
        lines[line] = "\t" + original.lstrip(" ")
    elif how == "bracket":
        lines[line] = f"{indent}{head}: [{value}"
    elif how == "quote":
        lines[line] = f'{indent}{head}: "{value}'
    elif how == "indent":
        lines[line] = " " + original
    else:
        lines[line] = f"{indent}{head} {value}"
    broken = "\n".join(lines) + "\n"
    try:
        yaml.safe_load(broken)
    except yaml.YAMLError:
        pass
    else:
        assume(False)  # this edit happened to leave valid YAML
    return Mistake(kind, broken, None, "invalid YAML")


def value_end(lines: list[str], line: int, column: int) -> int:
    """The last line of the value of the key at (line, column) in block-style YAML.

    It goes on while lines are indented deeper than the key, or as deep but are items of
    a list (PyYAML does not indent a list under its key), or are empty.
    """
    last = line
    for i in range(line + 1, len(lines)):
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
        if lines[i].strip() and not (indent > column or (
                indent == column and lines[i][indent:].startswith("- "))):
            break
        if lines[i].strip():
            last = i
    return last


def validate(path: Path) -> tuple[int, str]:
    """Run `briefgen validate path` in this process; return its exit code and stderr."""
    err, out = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ), contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(out):
        os.environ.pop("BRIEFGEN_DEBUG", None)
        code = main(["validate", str(path)])
    return code, err.getvalue()


LOCATED = r":(?P<line>\d+)(?::(?P<column>\d+))?: (?P<rest>.*)"


def check_located(path: Path, text: str, code: int, stderr: str) -> list[re.Match[str]]:
    """Assert a clean, located failure, one diagnostic a line; return them, parsed."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert code == 1, f"exit code {code}\n{stderr}"
    lines = stderr.splitlines()
    assert lines and re.fullmatch(r"briefgen: \d+ errors?; nothing was written", lines[-1]), \
        stderr
    count = len(text.splitlines())
    located = re.compile(re.escape(str(path)) + LOCATED)
    out = []
    for line in lines[:-1]:
        match = located.fullmatch(line)
        assert match, f"diagnostic without file and line: {line!r}"
        assert 1 <= int(match["line"]) <= count, f"line outside 1..{count}: {line!r}"
        assert match["column"] is None or int(match["column"]) >= 1, line
        out.append(match)
    return out


@no_glyph_warnings
@pytest.mark.parametrize("kind", MISTAKES)
@settings(max_examples=6, **SETTINGS)
@given(data=st.data())
def test_invalid_documents_give_located_errors(kind: str, data: st.DataObject) -> None:
    """Any one mistake in a valid document gives exit 1 and located diagnostics."""
    check_mistake(data.draw(mistakes(kind)))


def check_mistake(mistake: Mistake) -> None:
    """Validate the broken file; assert what the diagnostics must be and say."""
    with written(mistake.text) as path:
        code, stderr = validate(path)
        diagnostics = check_located(path, mistake.text, code, stderr)
    if mistake.field is not None:
        assert any(d["rest"].startswith(mistake.field + ": ") for d in diagnostics), \
            (mistake.kind, mistake.field, stderr)
    if mistake.says is not None:
        assert mistake.says in stderr, (mistake.kind, mistake.says, stderr)
    if mistake.at is not None:
        lines = mistake.text.splitlines()
        pointed = [lines[int(d["line"]) - 1] for d in diagnostics
                   if (mistake.says or "") in d["rest"]
                   and d["rest"].startswith(mistake.field or "")]
        assert any(mistake.at in line for line in pointed), (mistake.kind, mistake.at, stderr)


@st.composite
def typed_characters(draw: st.DrawFn) -> tuple[str, str]:
    """A valid document's YAML with one forbidden character typed into its text."""
    char = draw(st.sampled_from(TYPED))
    text = to_yaml(draw(documents(max_blocks=1)), draw(st.booleans()))
    lines = text.split("\n")  # as the loader counts them (not at U+000B, U+2028, …)
    # Plain or quoted text after a `key: ` or `- `, or a line of a block scalar.
    spots = [(i, m.end()) for i, line in enumerate(lines)
             for m in [re.match(r"^ *(?:- )*(?:[A-Za-z_]+: )?(?=[^|\s])", line)] if m]
    i, column = draw(st.sampled_from(spots))
    column = draw(st.integers(column + 1, max(column + 1, len(lines[i]))))
    lines[i] = lines[i][:column] + char + lines[i][column:]
    return "\n".join(lines), char


@settings(max_examples=15, **SETTINGS)
@given(case=typed_characters())
def test_typed_forbidden_characters_are_located(case: tuple[str, str]) -> None:
    """A control, bidi or non-character typed anywhere is an error at its line and column."""
    text, char = case
    with written(text) as path:
        code, stderr = validate(path)
        diagnostics = check_located(path, text, code, stderr)
    lines = text.split("\n")
    assert any(f"U+{ord(char):04X}" in d["rest"] and d["column"] is not None
               and lines[int(d["line"]) - 1][int(d["column"]) - 1] == char
               for d in diagnostics), stderr


@st.composite
def escaped_characters(draw: st.DrawFn) -> tuple[str, str, str]:
    """A valid document with a forbidden character in one of its text values."""
    char = draw(st.sampled_from(IN_VALUES))
    doc = draw(documents(max_blocks=1))
    # Not in `kind` (test_forbidden_character_in_kind_is_named), and not first in a value
    # (test_forbidden_character_first_in_a_value_names_its_field).
    path = draw(st.sampled_from([path for path, value in walk(doc)
                                 if path not in ((), ("kind",)) and isinstance(value, str)
                                 and value]))
    value = get(doc, path)
    at = draw(st.integers(1, len(value)))
    get(doc, path[:-1])[path[-1]] = value[:at] + char + value[at:]
    return to_yaml_unchecked(doc, draw(st.booleans())), char, dotted(path)


@settings(max_examples=15, **SETTINGS)
@given(case=escaped_characters())
def test_forbidden_characters_in_values_are_located(case: tuple[str, str, str]) -> None:
    """A forbidden character that YAML writes as an escape ("\\a") is an error, at its field."""
    text, char, field = case
    with written(text) as path:
        code, stderr = validate(path)
        diagnostics = check_located(path, text, code, stderr)
    assert any(d["rest"].startswith(field + ": ") and f"U+{ord(char):04X}" in d["rest"]
               for d in diagnostics), (field, stderr)


# -- 3. the bugs the properties found, each as its smallest case --------------------------
# All are fixed; they stay as regression tests.

def test_docx_keeps_non_breaking_spaces(write_doc: Callable[..., Path], tmp_path: Path) -> None:
    """Word got ' ' for U+00A0: render_docx folded every Unicode space (re '\\s')."""
    path = write_doc(MINIMAL.replace('"A small brief"', '"Growth of 10\u00a0% in 2025"'))
    (item,) = build([path], out=tmp_path / "out", audiences=["academic"], formats=["docx"])
    paragraphs = [p.text for p in docx.Document(str(item.job.path)).paragraphs]
    assert "Growth of 10\u00a0% in 2025" in paragraphs


CHART = """\
    figures:
      - caption: "Exports"
        alt: "Bar chart of exports"
        chart: {type: bar, series: [{name: "Exports", points: [["A$$", 1.5]]}]}
"""


@no_glyph_warnings
def test_chart_text_is_text(write_doc: Callable[..., Path], tmp_path: Path) -> None:
    """Matplotlib read '$…$' in chart text as TeX: 'A$$' stopped the build (ValueError)."""
    history = '  history: {title: "History", lead: "Lead.", body: "History body."}\n'
    path = write_doc(MINIMAL.replace(history, '  history:\n    title: "History"\n' + CHART))
    build([path], out=tmp_path / "out", audiences=["academic"], formats=["html"])


def test_quoted_full_dates_in_timelines_are_dates(write_doc: Callable[..., Path]) -> None:
    history = '  history: {title: "History", lead: "Lead.", body: "History body."}\n'
    timeline = '    timeline:\n      - {date: "2016-09-24", title: "Exercise"}\n'
    path = write_doc(MINIMAL.replace(history, '  history:\n    title: "History"\n' + timeline))
    load(path)


def test_forbidden_character_in_kind_is_named(write_doc: Callable[..., Path]) -> None:
    text = MINIMAL.replace("kind: policy-brief", 'kind: "policy-brief\\a"')
    path = write_doc(text)
    code, stderr = validate(path)
    check_located(path, text, code, stderr)
    assert "U+0007" in stderr, stderr


def test_forbidden_character_first_in_a_value_names_its_field(
        write_doc: Callable[..., Path]) -> None:
    text = MINIMAL.replace('  title: "A small brief"', "  title: \u202eA small brief")
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    assert diagnostic["rest"].startswith("meta.title: "), stderr


@pytest.mark.parametrize(("text", "line"), [
    ('kind: policy-brief\nmeta: [title\n', 2),  # unclosed bracket
    ('kind: policy-brief\nmeta: "title\n', 2),  # unclosed quote
    ('kind: policy-brief\nmeta\n', 2),  # a key without its colon, last
])
def test_yaml_errors_at_the_end_point_into_the_file(write_doc: Callable[..., Path],
                                                    text: str, line: int) -> None:
    """These were reported one line past the end, where the stream ends."""
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    assert int(diagnostic["line"]) == line, stderr


@pytest.mark.parametrize("escape", ["\\a", "\\0", "\\e", "\\x7f", "\\u202e", "\\uffff",
                                    "\\ud800"])
def test_escaped_forbidden_characters_are_refused(write_doc: Callable[..., Path],
                                                  escape: str) -> None:
    """Escapes in double quotes brought them in: validation passed, then Word failed."""
    text = MINIMAL.replace('"A small brief"', f'"A small{escape} brief"')
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    assert diagnostic["rest"].startswith("meta.title: "), stderr


def test_non_characters_are_located(write_doc: Callable[..., Path]) -> None:
    """U+FFFE was PyYAML's ReaderError: no line, and a message over two lines."""
    text = MINIMAL.replace("History body.", "History \ufffe body.")
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    assert diagnostic["rest"].startswith("sections.history.body: "), stderr


def test_diagnostics_stay_on_one_line(write_doc: Callable[..., Path]) -> None:
    """Messages quoted the value as written: 'fin\\nal' broke the diagnostic in two."""
    text = MINIMAL.replace("  date: 2025-06-01", '  date: 2025-06-01\n  status: "fin\\nal"')
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    assert diagnostic["rest"].startswith("meta.status: "), stderr


def test_line_separators_do_not_shift_lines(write_doc: Callable[..., Path]) -> None:
    """YAML counts U+2028 as a line break and editors do not, so every later line number
    was one off. Such a separator is now refused itself, at the line an editor shows."""
    text = MINIMAL.replace('"A small brief"', '"A small\u2028brief"').replace(
        "horizon: short", "horizon: soon")
    path = write_doc(text)
    code, stderr = validate(path)
    (diagnostic,) = check_located(path, text, code, stderr)
    title = next(n for n, line in enumerate(text.split("\n"), 1) if "A small" in line)
    assert int(diagnostic["line"]) == title and "U+2028" in stderr, stderr
