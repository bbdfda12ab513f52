"""Find the elements of the page that its CSS hides in print, so that Word leaves them out.

The DOCX is written from the screen page, but it is a printed edition like the PDF: what
the page's own `<style>` hides outside `@media screen` (rules with no media, or for print
or all media) and sets `display: none` is not in the PDF, so it is not in Word either. The
cascade is followed as far as `display` goes (origin, !important, specificity, order), so
a later `display: block` shows an element again; an inline `style` and the `hidden`
attribute count too. An element with a data-docx role is not hidden: the role says what
Word does with it (brief.css hides `[data-docx="pagebreak"]` in print because WeasyPrint
breaks the page itself, and the running header and footer are laid out by CSS).

Kept cheap, as Word is built for every edition: only the CSS statements that mention
`display` are parsed (once per process for editions that share them), and only elements a
`display: none` rule could select by its last id, class, element name or attribute are
matched, with cssselect2 (the selector engine WeasyPrint uses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml.etree import _Element

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["hidden_elements"]

# Strings and comments, whose braces do not count, or a brace.
BRACES = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|/\*.*?\*/|[{}]""", re.S)
# A key that sorts like the cascade: (author origin, important, specificity, order).
Key = tuple[int, int, tuple[int, int, int], int]
INLINE = (1 << 16, 0, 0)  # an inline style's specificity: above any selector's


@dataclass
class Rules:
    """The page's rules that set display in print, and what a display: none one may select."""

    matcher: Any = None  # a cssselect2.Matcher, each payload a list of (none, important)
    # What the last compound of a display: none selector needs an element to have.
    ids: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)  # with any value
    values: set[tuple[str, str]] = field(default_factory=set)  # [name="value"]
    any_element: bool = False  # a display: none rule with none of those (`*`, `:empty`)

    def find(self, body: _Element) -> Iterator[_Element]:
        """Yield, in document order, the elements of body a display: none rule may select.

        The matcher then decides: a report has thousands of elements, and only tens are
        candidates. Elements with a `hidden` attribute or an inline style are candidates too.
        """
        get = _Element.get
        ids, classes, tags = self.ids, self.classes, self.tags
        attributes = ("hidden", "style", *self.attributes, *{name for name, _ in self.values})
        values = self.values
        for el in body.iter("*"):  # elements only
            if self.any_element or el.tag in tags or get(el, "id") in ids \
                    or classes and not classes.isdisjoint((get(el, "class") or "").split()):
                yield el
                continue
            for name in attributes:
                value = get(el, name)
                if value is not None and (name in ("hidden", "style") or (name, value) in values
                                          or name in self.attributes):
                    yield el
                    break


def hidden_elements(root: _Element, roles: frozenset[str]) -> list[_Element]:
    """Return the elements of root's body hidden in print, outermost first, roles excepted."""
    body = root.find("body")
    if body is None:
        return []
    rules = _rules(_display_statements(
        "\n".join(style.text or "" for style in root.xpath("./head/style"))))
    wrappers: dict[_Element, Any] = {}
    hidden: list[_Element] = []
    for el in rules.find(body):  # in document order
        if el.get("data-docx") in roles or hidden and _inside(el, hidden[-1]):
            continue
        if _is_hidden(el, rules, wrappers):
            hidden.append(el)
    return hidden


def _inside(el: _Element, ancestor: _Element) -> bool:
    """Whether el is inside ancestor."""
    return any(a is ancestor for a in el.iterancestors())


def _display_statements(css: str) -> str:
    """Return the top-level statements of css that mention display (a @media block whole).

    Most of a page's CSS (fonts as data: URIs, colours, @page) is no part of display;
    leaving it out makes the CSS the editions of a process share, and quick to parse.
    """
    kept, start, depth = [], 0, 0
    for match in BRACES.finditer(css):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}" and depth:
            depth -= 1
            if depth == 0:
                statement = css[start:match.end()]
                if "display" in statement.lower():
                    kept.append(statement)
                start = match.end()
    return "\n".join(kept)


@lru_cache(maxsize=16)
def _rules(css: str) -> Rules:
    """Parse the rules of css that set display in print."""
    import cssselect2
    import tinycss2

    rules = Rules(cssselect2.Matcher())
    _add_rules(rules, tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return rules


def _add_rules(rules: Rules, found: list[Any]) -> None:
    """Add each style rule of found that applies in print and sets display."""
    import cssselect2
    import tinycss2
    from cssselect2 import parser

    for rule in found:
        if rule.type == "qualified-rule":
            displays = _displays(tinycss2.parse_blocks_contents(rule.content))
            if not displays:
                continue
            try:
                parsed = list(parser.parse(rule.prelude))
            except cssselect2.SelectorError:  # WeasyPrint ignores it too (and warns)
                continue
            for selector in parsed:
                if selector.pseudo_element is None:
                    rules.matcher.add_selector(cssselect2.compiler.CompiledSelector(selector),
                                               displays)
                    if any(none for none, _ in displays):
                        _index(rules, selector.parsed_tree)
        elif rule.type == "at-rule" and rule.content is not None and (
                rule.lower_at_keyword == "supports" or rule.lower_at_keyword == "media"
                and _for_print(tinycss2.serialize(rule.prelude))):
            _add_rules(rules, tinycss2.parse_blocks_contents(rule.content))


def _index(rules: Rules, tree: Any) -> None:
    """Note what the last compound of a display: none selector needs an element to have."""
    from cssselect2 import parser

    node = tree.right if isinstance(tree, parser.CombinedSelector) else tree
    for simple in getattr(node, "simple_selectors", ()):
        if isinstance(simple, parser.IDSelector):
            rules.ids.add(simple.ident)
        elif isinstance(simple, parser.ClassSelector):
            rules.classes.add(simple.class_name)
        elif isinstance(simple, parser.LocalNameSelector):
            rules.tags.add(simple.lower_local_name)
        elif isinstance(simple, parser.AttributeSelector) and simple.operator == "=":
            rules.values.add((simple.name.lower(), simple.value))
        elif isinstance(simple, parser.AttributeSelector):
            rules.attributes.add(simple.name.lower())
        else:
            continue
        return
    rules.any_element = True


def _for_print(media: str) -> bool:
    """Whether a media query list applies when the page is printed ("not …" taken as no)."""
    for query in media.lower().split(","):
        words = query.split()
        if words[:1] == ["only"]:
            words = words[1:]
        if not words or words[0] in ("print", "all") or words[0].startswith("("):
            return True
    return False


def _displays(declarations: list[Any]) -> list[tuple[bool, bool]]:
    """Return (is none, !important) for each display declaration among declarations."""
    found = []
    for declaration in declarations:
        if declaration.type == "declaration" and declaration.lower_name == "display":
            value = [t for t in declaration.value if t.type not in ("whitespace", "comment")]
            none = len(value) == 1 and value[0].type == "ident" and value[0].lower_value == "none"
            found.append((none, declaration.important))
    return found


def _is_hidden(el: _Element, rules: Rules, wrappers: dict[_Element, Any]) -> bool:
    """Whether the display that wins the cascade for el is none."""
    best: tuple[Key, bool] | None = None
    if el.get("hidden") is not None:  # the user agent's [hidden] { display: none }
        best = ((0, 0, (0, 0, 0), 0), True)
    for specificity, order, _pseudo, displays in rules.matcher.match(_wrap(el, wrappers)):
        for none, important in displays:
            key = (1, int(important), specificity, order)
            if best is None or key >= best[0]:
                best = (key, none)
    style = el.get("style")
    if style and "display" in style.lower():
        import tinycss2

        for none, important in _displays(tinycss2.parse_declaration_list(style)):
            key = (1, int(important), INLINE, 0)
            if best is None or key >= best[0]:
                best = (key, none)
    return best is not None and best[1]


def _wrap(el: _Element, wrappers: dict[_Element, Any]) -> Any:
    """Return cssselect2's view of el, made (with its ancestors) only when a rule may hide el."""
    if el not in wrappers:
        from cssselect2 import ElementWrapper

        parent = el.getparent()
        if parent is None:
            wrappers[el] = ElementWrapper.from_html_root(el)
        else:  # with the previous siblings not made yet, for `+` and `~`
            up = _wrap(parent, wrappers)
            siblings = up.etree_children
            index = start = siblings.index(el)
            while start and siblings[start - 1] not in wrappers:
                start -= 1
            previous = wrappers[siblings[start - 1]] if start else None
            for at in range(start, index + 1):
                previous = wrappers[siblings[at]] = ElementWrapper(
                    siblings[at], parent=up, index=at, previous=previous, in_html_document=True)
    return wrappers[el]
