"""Change string values in a YAML content file and leave every other byte as it was.

`briefgen review EDITED.docx --apply` brings an editor's Word changes back into the
hand-written YAML. Its authors chose comments, key order, blank lines, quoting, block
styles and line endings; a dump of the loaded data would lose all of them. So we compose
the file with PyYAML (the parser briefgen loads with, so "reads back the same" means the
same YAML 1.1 rules: `yes` is a bool here, though not to a YAML 1.2 parser), find each
target scalar's exact source span, and splice a newly written scalar into that span only.

The new scalar keeps the old one's style (plain, 'single', "double", `|`, `>`) when that
style can hold the value exactly, else falls back: folded → literal → double-quoted, which
holds any text. The result is composed again and compared with the original; a value that
did not read back exactly is rewritten double-quoted: a gap in these rules costs a style,
never content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from difflib import SequenceMatcher

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .loader import dotted
from .review_yaml_scalars import UNSAFE, Edit, block_edit, double, plain_ok

__all__ = ["replace_strings", "replace_strings_in_bytes"]

logger = logging.getLogger(__name__)

Path_ = tuple[str | int, ...]
Value = str | list[str] | tuple[str, ...]  # a new value: text, or a list of texts
_Target = tuple[Node, bool]  # a scalar (or list) to replace; True if inside [ ] or { }

# libyaml when PyYAML has it: the same nodes and marks (in characters) 15 times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_BOM = "\ufeff"

def replace_strings(text: str, changes: Mapping[tuple[str | int, ...], Value]) -> str:
    """Return text with the string value at each path replaced by its new value.

    A path is a tuple of mapping keys and sequence indexes from the document root. A new
    value that is a list of strings replaces a list of strings: items kept keep their
    bytes, items changed are rewritten in place, and items removed or added take or give
    their lines (or their place between the brackets). A path that does not exist raises
    KeyError; one that reaches a mapping, a list (for a string), a number, a date or a
    value written with an anchor, alias or tag raises ValueError. Both name the path.
    Unchanged values keep their bytes; text is kept with its line endings and BOM, so read
    it without newline translation (see replace_strings_in_bytes).
    """
    bom = _BOM if text.startswith(_BOM) else ""  # libyaml's marks do not count a BOM
    body = text[len(bom):]
    wanted = {tuple(path): tuple(value) if isinstance(value, list) else value
              for path, value in changes.items()}
    for path, value in wanted.items():
        if value == ():
            raise ValueError(f"{dotted(path)}: review does not leave a list empty; remove "
                             "the field by hand")
        for item in value if isinstance(value, tuple) else (value,):
            if not isinstance(item, str):
                raise TypeError(f"{dotted(path)}: the new value must be text or a list of "
                                f"texts, not {type(value).__name__}")
            if re.search("[\ud800-\udfff]", item):
                raise ValueError(f"{dotted(path)}: the new value holds half of a UTF-16 "
                                 "surrogate pair, which no UTF-8 file can hold")
    root = yaml.compose(body, Loader=_LOADER)
    shared = _shared(root)
    targets = {path: _find(body, root, path, shared, isinstance(value, tuple))
               for path, value in wanted.items()}
    forced: set[Path_] = set()
    for _attempt in range(3):
        result = _apply(body, targets, wanted, forced)
        try:
            bad = set(_compare(root, yaml.compose(result, Loader=_LOADER), wanted, (), set()))
        except yaml.YAMLError:
            bad = set(wanted)
        if not bad:
            return bom + result
        logger.debug("written double-quoted, as they did not read back: %s",
                     ", ".join(map(dotted, bad)))
        # A value that did not read back is written double-quoted; anything else wrong
        # (which no rule should allow) makes every value double-quoted.
        forced |= bad if bad <= wanted.keys() and not bad <= forced else set(wanted)
    raise ValueError(f"{', '.join(dotted(p) for p in sorted(bad, key=str))}: could not "
                     "write the new value so that it reads back exactly")


def replace_strings_in_bytes(raw: bytes, changes: Mapping[tuple[str | int, ...], Value]) -> bytes:
    """Return a UTF-8 file's bytes with changes made (see replace_strings).

    Decoding here keeps what a text-mode read would lose: `\\r\\n` line ends and a BOM.
    """
    return replace_strings(raw.decode("utf-8"), changes).encode("utf-8")


def _apply(text: str, targets: dict[Path_, _Target], wanted: Mapping[Path_, Value],
           forced: set[Path_]) -> str:
    """Splice every changed value into text, from the end backwards so spans stay valid."""
    edits = []
    for path, (node, flow) in targets.items():
        value = wanted[path]
        if isinstance(node, SequenceNode):
            edits += _list_edits(text, node, value, path in forced)
        elif node.value != value:
            edits.append(_edit(text, (node, flow), value, path in forced))
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end:]
    return text


def _shared(root: Node | None) -> set[int]:
    """Return the ids of nodes reached more than once: those written with an anchor."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return shared


def _key(node: Node) -> str | int | None:
    """Return a mapping key as a path names it: text or a whole number."""
    if isinstance(node, ScalarNode) and node.tag == _STR:
        return node.value
    if isinstance(node, ScalarNode) and node.tag == _INT:
        return yaml.SafeLoader("").construct_yaml_int(node)
    return None


def _child(node: Node | None, part: str | int, path: Path_, depth: int) -> Node:
    """Return the value under key or index part of node, or raise KeyError naming path."""
    where = dotted(path[:depth]) or "the document"
    if isinstance(node, MappingNode):
        found = [value for key, value in node.value
                 if type(_key(key)) is type(part) and _key(key) == part]
        if len(found) > 1:
            raise ValueError(f"{dotted(path)}: the key '{part}' is written more than once")
        if found:
            return found[0]
        merged = any(key.tag == _MERGE for key, _ in node.value)
        note = " (keys merged in with '<<' cannot be edited)" if merged else ""
        raise KeyError(f"{dotted(path)}: {where} has no key '{part}'{note}")
    if isinstance(node, SequenceNode):
        if type(part) is int and 0 <= part < len(node.value):
            return node.value[part]
        raise KeyError(f"{dotted(path)}: {where} is a list of {len(node.value)} items; "
                       f"no item [{part}]")
    raise KeyError(f"{dotted(path)}: {where} is a single value, not a list or mapping")


def _find(text: str, root: Node | None, path: Path_, shared: set[int],
          many: bool = False) -> _Target:
    """Return the string scalar at path (many: the list of them), or raise KeyError or
    ValueError naming path."""
    node, flow = root, False
    for depth, part in enumerate(path):
        if id(node) in shared:
            break
        flow = bool(getattr(node, "flow_style", False))
        node = _child(node, part, path, depth)
    name = dotted(path) or "the document"
    if node is None:
        raise KeyError(f"{name}: the document is empty")
    if id(node) in shared or text[node.start_mark.index: node.start_mark.index + 1] in "&*!":
        raise ValueError(f"{name}: the value is written with a YAML anchor (&), alias (*) "
                         "or tag (!), which review cannot edit; edit the YAML by hand")
    if many and isinstance(node, SequenceNode) and node.value:
        for index in range(len(node.value)):  # each item a string, written as one
            _find(text, root, (*path, index), shared)
        return node, bool(node.flow_style)
    if many:
        raise ValueError(f"{name}: is not a list of texts")
    if not isinstance(node, ScalarNode):
        kind = "mapping" if isinstance(node, MappingNode) else "list"
        raise ValueError(f"{name}: is a {kind}, not a text value")
    if node.tag != _STR:
        kind = node.tag.rsplit(":", 1)[-1]
        raise ValueError(f"{name}: is a {kind} ({node.value!r}), not a text value")
    return node, flow


def _edit(text: str, target: _Target, value: str, force: bool) -> Edit:
    """Write value in the target's style where it fits, as the edit of its span."""
    node, flow = target
    if node.style in ("|", ">"):
        return block_edit(text, node, value, force)
    return Edit(node.start_mark.index, node.end_mark.index, _scalar(node, value, flow, force))


def _scalar(like: ScalarNode, value: str, flow: bool, force: bool) -> str:
    """value written as a scalar in like's style (plain or quoted) if it can be."""
    if force:
        return double(value)
    if not like.style and plain_ok(value, flow):
        return value
    if like.style == "'" and not UNSAFE.search(value):
        return "'" + value.replace("'", "''") + "'"
    return double(value)


def _list_edits(text: str, node: SequenceNode, value: tuple[str, ...],
                force: bool) -> list[Edit]:
    """The edits that make a list of strings read value: items that stay keep their bytes,
    items paired with new ones are rewritten, the others are taken out or put in."""
    items, flow = node.value, bool(node.flow_style)
    dash = [text.rfind("-", 0, item.start_mark.index) for item in items]
    column = dash[-1] - text.rfind("\n", 0, dash[-1]) - 1
    gap = ", " if flow else "\n" + " " * column + "- "
    edits = []
    matcher = SequenceMatcher(None, [item.value for item in items], value, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            edits.append(_edit(text, (items[i1 + k], flow), value[j1 + k], force))
        i1, j1 = i1 + paired, j1 + paired
        if i1 < i2:  # items taken out, with the gap before them (after, for the first)
            if not i1:
                start, end = (items[0].start_mark.index, items[i2].start_mark.index) if flow \
                    else (dash[0], dash[i2])
            elif flow:
                start, end = items[i1 - 1].end_mark.index, items[i2 - 1].end_mark.index
            else:  # their lines, with what follows them there (a comment)
                start = text.rfind("\n", 0, dash[i1])
                end = text.find("\n", items[i2 - 1].end_mark.index) % (len(text) + 1)
            edits.append(Edit(start, end, ""))
        elif j1 < j2:  # items put in, after the item before (before the first)
            new = [_scalar(items[min(i1, len(items) - 1)], v, flow, force)
                   for v in value[j1:j2]]
            at = items[i1 - 1].end_mark.index if i1 else items[0].start_mark.index
            edits.append(Edit(at, at, "".join(gap + n for n in new) if i1
                              else "".join(n + gap for n in new)))
    return edits


def _compare(old: Node | None, new: Node | None, wanted: Mapping[Path_, Value], path: Path_,
             seen: set[tuple[int, int]]) -> Iterator[Path_]:
    """Yield the paths under path where new differs from old with wanted's values."""
    if path in wanted:
        value = wanted[path]
        if isinstance(value, tuple):
            if not (isinstance(new, SequenceNode) and len(new.value) == len(value) and all(
                    isinstance(n, ScalarNode) and n.tag == _STR and n.value == v
                    for n, v in zip(new.value, value, strict=True))):
                yield path
        elif not (isinstance(new, ScalarNode) and new.tag == _STR and new.value == value):
            yield path
        return
    if (id(old), id(new)) in seen:  # an alias met again
        return
    seen.add((id(old), id(new)))
    if type(old) is not type(new) or getattr(old, "tag", None) != getattr(new, "tag", None):
        yield path
    elif isinstance(old, ScalarNode):
        if old.value != new.value:
            yield path
    elif old is not None and len(old.value) != len(new.value):
        yield path
    elif isinstance(old, SequenceNode):
        for index, (a, b) in enumerate(zip(old.value, new.value, strict=True)):
            yield from _compare(a, b, wanted, path + (index,), seen)
    elif isinstance(old, MappingNode):
        for (key_a, a), (key_b, b) in zip(old.value, new.value, strict=True):
            if _key(key_a) != _key(key_b) or key_a.tag != key_b.tag:
                yield path
            else:
                yield from _compare(a, b, wanted, path + (_key(key_a),), seen)
