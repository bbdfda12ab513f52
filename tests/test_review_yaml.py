"""Tests for briefgen.review_yaml: new string values in, every other byte of the file kept.

Each check reads the result back with PyYAML (what briefgen loads with) and compares the
text outside the changed scalars' spans byte for byte, the spans found by composing the
old and the new file independently of the module under test.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.review_yaml import replace_strings, replace_strings_in_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "content").glob("**/*.yaml"))
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NASTY = "- yes: 123 # it's \"quoted\" \\ back\n\tΩ ü 😀, [x] {y}\n\nlast: word "


def read(path: Path) -> str:
    """Return a file's text with its line ends and BOM as they are on disk."""
    return path.read_bytes().decode("utf-8")


def load(text: str) -> Any:
    """Load text as briefgen's loader reads it (PyYAML's safe rules)."""
    return yaml.load(text, Loader=LOADER)


def string_paths(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Return (path, value) for every string value in data, in document order."""
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in string_paths(value, path + (key,))]
    if isinstance(data, list):
        return [item for i, value in enumerate(data) for item in string_paths(value, path + (i,))]
    return [(path, data)] if isinstance(data, str) else []


def changed(data: Any, changes: dict[tuple, str]) -> Any:
    """Return data with the value at each path replaced, copying only what changes."""
    for path, value in changes.items():
        data = with_value(data, path, value)
    return data


def with_value(data: Any, path: tuple, value: str) -> Any:
    """Return data with the value at path replaced, copying the containers on the way."""
    if not path:
        return value
    new = list(data) if isinstance(data, list) else dict(data)
    new[path[0]] = with_value(data[path[0]], path[1:], value)
    return new


@functools.lru_cache(maxsize=8)
def compose(text: str) -> yaml.Node:
    """Compose text once: the property test reads the same original a hundred times."""
    return yaml.compose(text, Loader=LOADER)


def nodes(text: str, paths: list[tuple]) -> dict[tuple, yaml.Node]:
    """Return the composed scalar node at each path of text."""
    root = compose(text.removeprefix("\ufeff"))
    found = {}
    for path in paths:
        node = root
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if k.value == str(part))
            else:
                node = node.value[part]
        found[path] = node
    return found


def assert_only_spans_changed(old: str, new: str, paths: list[tuple]) -> None:
    """Assert the text before, between and after the scalars at paths is byte-identical.

    A block scalar's span runs on over the blank lines after it; a value written in its
    place may leave them (and the header's comment) where they were, between the spans.
    """
    bom = "\ufeff" if old.startswith("\ufeff") else ""
    assert new.startswith(bom)
    old, new = old[len(bom):], new[len(bom):]
    old_nodes, new_nodes = nodes(old, paths), nodes(new, paths)
    order = sorted(paths, key=lambda p: old_nodes[p].start_mark.index)
    first = order[0]
    assert new[:new_nodes[first].start_mark.index] == old[:old_nodes[first].start_mark.index]
    for path, after in zip(order, order[1:] + [None], strict=True):
        old_gap = old[old_nodes[path].end_mark.index:
                      old_nodes[after].start_mark.index if after else None]
        new_gap = new[new_nodes[path].end_mark.index:
                      new_nodes[after].start_mark.index if after else None]
        assert new_gap.endswith(old_gap), path
        kept = new_gap[: len(new_gap) - len(old_gap)]
        assert not kept or style(old_nodes[path]) in "|>" and BLANKS.fullmatch(kept), path


BLANKS = re.compile(r"[ \t]*(#[^\r\n]*)?(\r?\n[ \t]*)*")


def style(node: yaml.Node) -> str:
    """Return a scalar's style with libyaml's plain ('') and PyYAML's (None) alike."""
    return node.style or "plain"


# Every string field of every example, changed at once (one call: the edits must not
# disturb each other) and checked field by field and gap by gap.
KINDS = {
    "word": lambda value: "Revised " + value,
    "nasty": lambda value: NASTY,
    "yes": lambda value: "yes",
    "number": lambda value: "123",
}


@pytest.fixture(autouse=True)
def no_fallback(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test whose values needed the safety net: the style rules must hold alone."""
    with caplog.at_level(logging.DEBUG, logger="briefgen.review_yaml"):
        yield
    fallbacks = [record.getMessage() for record in caplog.get_records("call")]
    assert not fallbacks


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_string_field_of_the_examples(path: Path, kind: str) -> None:
    text = read(path)
    data = load(text)
    changes = {field: KINDS[kind](value) for field, value in string_paths(data)}
    assert len(changes) > 100
    result = replace_strings(text, changes)
    assert load(result) == changed(data, changes)
    assert_only_spans_changed(text, result, list(changes))
    if kind == "word":  # a word more fits every style: none may change
        old, new = nodes(text, list(changes)), nodes(result, list(changes))
        assert {p: style(old[p]) for p in changes} == {p: style(new[p]) for p in changes}


def test_a_crlf_file_with_a_bom_keeps_both() -> None:
    text = "\ufeff" + read(ROOT / "content/pakistan-russia/brief.yaml").replace("\n", "\r\n")
    data = load(text)
    changes = {field: NASTY + "\n\n" for field, _ in string_paths(data)[::3]}
    result = replace_strings_in_bytes(text.encode("utf-8"), changes).decode("utf-8")
    assert result.startswith("\ufeff") and not re.search(r"[^\r]\n|\r[^\n]", result)
    assert load(result) == changed(data, changes)
    assert_only_spans_changed(text, result, list(changes))


DOC = """\
# A comment line
title: Plain value   # keep this
quote: 'It''s here'
said: "She said \\"no\\""
body: |
  First line
  second line.

# after the block
lead: >-
  Folded text
  goes on.

rows:
  - [a, b, "c"]
"""

STYLE_CASES = [
    ("title", "Another value", "title: Another value   # keep this"),
    ("title", "yes", 'title: "yes"   # keep this'),
    ("title", "a: b", 'title: "a: b"   # keep this'),
    ("title", "123", 'title: "123"   # keep this'),
    ("title", "- item", 'title: "- item"   # keep this'),
    ("title", "x #y", 'title: "x #y"   # keep this'),
    ("title", " padded ", 'title: " padded "   # keep this'),
    ("title", "", 'title: ""   # keep this'),
    ("quote", "Don't", "quote: 'Don''t'"),
    ("quote", "two\nlines", 'quote: "two\\nlines"'),
    ("said", 'He said "yes" \\ ok', 'said: "He said \\"yes\\" \\\\ ok"'),
    ("said", "tab\there\x07", 'said: "tab\\there\\a"'),
    ("body", "New first\nnew second.\n", "body: |\n  New first\n  new second.\n"),
    ("body", "No newline", "body: |-\n  No newline\n"),
    ("body", "Kept\n\n\n", "body: |+\n  Kept\n\n\n# after"),
    ("body", "  indented start\n", 'body: "  indented start\\n"\n'),
    ("body", "para\n\n  code\n", "body: |\n  para\n\n    code\n"),
    ("lead", "One paragraph.\nTwo.", "lead: >-\n  One paragraph.\n\n  Two.\n"),
    ("lead", "Ends in a break\n", "lead: >\n  Ends in a break\n"),
    ("lead", "x\n  code", "lead: |-\n  x\n    code\n"),
]


@pytest.mark.parametrize(("key", "value", "expected"), STYLE_CASES)
def test_a_style_is_kept_where_it_holds_the_value(key: str, value: str, expected: str) -> None:
    result = replace_strings(DOC, {(key,): value})
    old = re.search(rf"^{key}:.*?(?=\n\S)", DOC, re.M | re.S).group(0)  # the key's lines
    if key in ("body", "lead"):
        old = re.search(rf"^{key}:.*?\n(?=\n|\w)", DOC, re.M | re.S).group(0)
    if value.endswith("\n\n"):  # a kept break takes the blank line after the block
        old += "\n# after"
    assert result == DOC.replace(old, expected, 1)
    assert load(result)[key] == value


@pytest.mark.parametrize(("value", "cell"), [("x, y", '"x, y"'), ("d", "d"), ("[e]", '"[e]"'),
                                             ("f: g", '"f: g"')])
def test_a_table_cell_in_a_flow_sequence(value: str, cell: str) -> None:
    result = replace_strings(DOC, {("rows", 0, 1): value})
    assert result == DOC.replace("[a, b, ", f"[a, {cell}, ")
    assert load(result)["rows"] == [["a", value, "c"]]


def test_crlf_stays_crlf() -> None:
    doc = DOC.replace("\n", "\r\n")
    result = replace_strings(doc, {("body",): "One\nTwo\n", ("title",): "New"})
    expected = DOC.replace("  First line\n  second line.", "  One\n  Two")
    assert result == expected.replace("Plain value", "New").replace("\n", "\r\n")


def test_several_changes_at_once_and_unchanged_values_keep_their_bytes() -> None:
    unchanged = {("title",): "Plain value", ("lead",): "Folded text goes on.",
                 ("quote",): "It's here"}
    assert replace_strings(DOC, unchanged) == DOC
    result = replace_strings(DOC, {**unchanged, ("said",): "S", ("rows", 0, 2): "C",
                                   ("body",): "B\n", ("rows", 0, 0): "A"})
    assert load(result) == {**load(DOC), "said": "S", "body": "B\n", "rows": [["A", "b", "C"]]}
    assert "  - [A, b, \"C\"]\n" in result and "# keep this" in result


EDGE_CASES = [  # (file, path, new value, expected file)
    ("a: |2\n    x\n  y\nb: 1\n", ("a",), "  p\nq\n", "a: |2\n    p\n  q\nb: 1\n"),
    ("a: | # note\n  x\n\n\nb: 1\n", ("a",), "new", "a: |- # note\n  new\n\n\nb: 1\n"),
    ("a: | # note\n  x\n\n\nb: 1\n", ("a",), " lead", 'a: " lead" # note\n\n\nb: 1\n'),
    ("a: |+\n  x\n\n\nb: 1\n", ("a",), "y\n", "a: |\n  y\n\n\nb: 1\n"),
    ("a: |+\n  x\n\n\nb: 1\n", ("a",), "y\n\n", "a: |+\n  y\n\nb: 1\n"),
    ("a: >2-\n    x\n   y\n", ("a",), "p q", "a: >2-\n  p q\n"),
    ("a: |\nb: 1\n", ("a",), "x\n", "a: |\n  x\nb: 1\n"),
    ("l:\n- |\n  x\n- >\n  y\n  z\n", ("l", 1), "p1\np2\n", "l:\n- |\n  x\n- >\n  p1\n\n  p2\n"),
    ("l:\n  - k: |-\n      deep\n", ("l", 0, "k"), "a\n\nb", "l:\n  - k: |-\n      a\n\n      b\n"),
    ("a: plain\n  continued here\nb: 1\n", ("a",), "one line", "a: one line\nb: 1\n"),
    ('a: "double\n  folded"  # c\nb: 1\n', ("a",), "x", 'a: "x"  # c\nb: 1\n'),
    ('m: {n: plain, u: "q"}\n', ("m", "n"), "x, y", 'm: {n: "x, y", u: "q"}\n'),
    ('m: {n: plain, u: "q"}\n', ("m", "n"), "ok", 'm: {n: ok, u: "q"}\n'),
    ("a: ''\n", ("a",), "it's", "a: 'it''s'\n"),
    ("a: x\n", ("a",), "\u2028\x85\ufeff\U0001F600", 'a: "\\L\\N\\uFEFF\U0001F600"\n'),
    ("2024: x\n", (2024,), "y", "2024: y\n"),
]


@pytest.mark.parametrize(("text", "path", "value", "expected"), EDGE_CASES)
def test_edge_cases(text: str, path: tuple, value: str, expected: str) -> None:
    assert replace_strings(text, {path: value}) == expected


def test_a_file_without_a_final_line_break() -> None:
    assert replace_strings("a: |-\n  x", {("a",): "y"}) == "a: |-\n  y"
    assert replace_strings("a: |-\n  x", {("a",): "y\n"}) == "a: |\n  y\n"
    assert replace_strings("a: b", {("a",): "c"}) == "a: c"


ERRORS_DOC = """\
meta:
  count: 3
  date: 2025-01-01
  empty:
  list: [a, b]
base: &b "shared"
copy: *b
"""


@pytest.mark.parametrize(("path", "error", "words"), [
    (("missing",), KeyError, "missing: the document has no key 'missing'"),
    (("meta", "nope"), KeyError, "meta.nope: meta has no key 'nope'"),
    (("meta", "list", 2), KeyError, r"meta.list\[2\]: meta.list is a list of 2 items"),
    (("meta", "list", "x"), KeyError, "no item"),
    (("meta", "count", "x"), KeyError, "meta.count is a single value"),
    (("meta",), ValueError, "meta: is a mapping, not a text value"),
    (("meta", "list"), ValueError, "meta.list: is a list"),
    (("meta", "count"), ValueError, "meta.count: is a int"),
    (("meta", "date"), ValueError, "meta.date: is a timestamp"),
    (("meta", "empty"), ValueError, "meta.empty: is a null"),
    (("copy",), ValueError, "copy: the value is written with a YAML anchor"),
    (("base",), ValueError, "base: the value is written with a YAML anchor"),
])
def test_a_path_to_no_string_is_refused(path: tuple, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        replace_strings(ERRORS_DOC, {path: "text"})


def test_a_value_no_file_can_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="base: the new value holds half of a UTF-16"):
        replace_strings(ERRORS_DOC, {("base",): "a\ud800"})
    with pytest.raises(TypeError, match="base: the new value must be text or a list of "
                       "texts, not int"):
        replace_strings(ERRORS_DOC, {("base",): 3})


LISTS = """\
actors:
  - "One"   # the first
  - Two  # the second
  - 'Three'
flow: ["x", "y, z"]
after: 1
"""

LIST_CASES = [
    (("actors",), ["One", "Two", "Three"], LISTS),
    (("actors",), ["One", "Three"], LISTS.replace("  - Two  # the second\n", "")),
    (("actors",), ["Two", "Three"], LISTS.replace('  - "One"   # the first\n', "")),
    (("actors",), ["One", "Two"], LISTS.replace("  - 'Three'\n", "")),
    (("actors",), ["Zero", "One", "Two", "Three", "Four"],
     LISTS.replace('  - "One"', '  - "Zero"\n  - "One"').replace("'Three'", "'Three'\n  - 'Four'")),
    (("actors",), ["One", "2", "Three"], LISTS.replace("- Two ", '- "2" ')),
    (("actors",), ["Uno"], 'actors:\n  - "Uno"   # the first\nflow: ["x", "y, z"]\nafter: 1\n'),
    (("flow",), ["x"], LISTS.replace('["x", "y, z"]', '["x"]')),
    (("flow",), ["y, z"], LISTS.replace('["x", "y, z"]', '["y, z"]')),
    (("flow",), ["w", "x", "y, z", ": v"], LISTS.replace('["x", "y, z"]',
                                                           '["w", "x", "y, z", ": v"]')),
]


@pytest.mark.parametrize(("path", "value", "expected"), LIST_CASES)
def test_a_list_of_texts_keeps_what_stays(path: tuple, value: list, expected: str) -> None:
    """Items kept keep their bytes and comments; those taken out take their line."""
    result = replace_strings(LISTS, {path: value})
    assert result == expected
    assert load(result)[path[0]] == value


def test_a_list_is_never_left_empty_nor_made_of_a_text() -> None:
    with pytest.raises(ValueError, match="actors: review does not leave a list empty"):
        replace_strings(LISTS, {("actors",): []})
    with pytest.raises(ValueError, match="after: is not a list of texts"):
        replace_strings(LISTS, {("after",): ["x"]})
    with pytest.raises(ValueError, match=r"actors\[0\]: is a list, not a text value") as error:
        replace_strings("actors: [[a]]\n", {("actors",): ["x"]})
    assert error.value


NAMES = st.lists(st.sampled_from(["One", "Two", "Three", "x, y", "yes", ": a", "- b", "Four"]),
                 min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(block=NAMES, flow=NAMES)
def test_any_list_of_texts_reads_back(block: list, flow: list) -> None:
    result = replace_strings(LISTS, {("actors",): block, ("flow",): flow})
    assert load(result) == {"actors": block, "flow": flow, "after": 1}
    assert result.endswith("after: 1\n")


# Any text into any string field of the example brief reads back exactly.
BRIEF = read(ROOT / "content/pakistan-russia/brief.yaml")
BRIEF_DATA = load(BRIEF)
BRIEF_PATHS = [path for path, _ in string_paths(BRIEF_DATA)]
TRICKY = list(" \n\n\t:#'\"-?[]{},|>&*!%@`\\\r\x85\u2028\ufeff") + ["yes", "123", "~", ": ", " #"]
CHARS = st.characters(exclude_categories=("Cs",))  # a lone surrogate is refused (below)
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY), CHARS), max_size=30).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(BRIEF_PATHS), value=TEXT)
def test_any_text_into_any_field_reads_back(path: tuple, value: str) -> None:
    result = replace_strings(BRIEF, {path: value})
    assert load(result) == changed(BRIEF_DATA, {path: value})
    node = nodes(BRIEF, [path])[path]
    start, end = node.start_mark.index, node.end_mark.index
    assert result[:start] == BRIEF[:start] and result.endswith(BRIEF[end:])
    assert len(result) >= start + len(BRIEF) - end  # the kept prefix and suffix do not overlap


def test_a_folded_block_is_filled_as_its_author_filled_it():
    """One word changed in a wrapped `>` paragraph changes that line only, not the rest."""
    text = read(ROOT / "content" / "pakistan-russia" / "brief.yaml")
    data = yaml.safe_load(text)
    lead = data["sections"]["recommendations"]["lead"]
    assert "sees a solid foundation" in lead and text.count("sees a solid foundation") == 1
    new = replace_strings(text, {("sections", "recommendations", "lead"):
                                 lead.replace("solid", "firm")})
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [(line, line.replace("solid", "firm")) for line in old_lines
                       if "sees a solid foundation" in line]
