"""Web fonts for the screen page: the bundled faces it uses, subset, as WOFF2 data: URIs.

The PDF embeds the bundled fonts that `css/fonts.css` names; the HTML page carries the
same faces as `@font-face` rules, so that a browser draws it as designed without fetching
anything. Only the faces the page draws text in are embedded, each subset to the
characters drawn in it: the page is styled as a browser styles it on screen (WeasyPrint's
cascade, media "screen": the same selectors, inheritance, `var()` and text-transform),
each character is given to the first bundled family of its element's font list whose
face has it (CSS font matching), and generated content (`::before`, `::after`, list
markers) counts too. A face keeps the `unicode-range` fonts.css gives it, so the Arabic
face never draws Latin punctuation or digits, even where the reader has it installed.
The same page gives the same bytes: subsetting and WOFF2 (Brotli) are deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import struct
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .fontfaces import Face, cmap, faces_of, match
from .theme import css_string

if TYPE_CHECKING:
    from .templates import TemplateSet

__all__ = ["linked_fonts_css", "used_text", "web_fonts_css"]

# What list markers draw: a bullet, or numbers and their full stop, then a space.
_MARKERS = {"disc": "\u2022 ", "circle": "\u25e6 ", "square": "\u25aa "}
_NUMBERS = "0123456789. "
# Characters a browser may draw that are not in the text: a hyphen where a soft hyphen breaks.
_SOFT_HYPHEN_DRAWS = "\u2010-"
# Every face used keeps printable ASCII and the typographic quotes and dashes it has, so the
# editions of a document mostly ask for the same subset of a face, made once (_subset_cached).
_ASCII = "".join(map(chr, range(0x20, 0x7F))) + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"


def used_text(html: str, faces: list[Face], covers: dict[Face, frozenset[int]]
              ) -> dict[Face, set[str]]:
    """Return the characters the screen page draws in each bundled face."""
    from weasyprint import HTML
    from weasyprint.css import get_all_computed_styles

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"nothing is fetched: {url[:40]}")  # styles need no file

    document = HTML(string=html, media_type="screen", url_fetcher=refuse)
    # WeasyPrint reads media types only: it would warn of the page's media features
    # (max-width), which matter to a browser's layout, not to which fonts are drawn.
    logger = logging.getLogger("weasyprint")
    disabled, logger.disabled = logger.disabled, True
    try:
        style_for = get_all_computed_styles(document)
    finally:
        logger.disabled = disabled
    families = {f.family.lower() for f in faces}
    used: dict[Face, set[str]] = {}

    def add(text: str, style: Any) -> None:
        transform = style["text_transform"]
        if transform == "uppercase":
            text = text.upper()
        elif transform == "lowercase":
            text = text.lower()
        elif transform == "capitalize" or style["font_variant_caps"] != "normal":
            text += text.upper()  # small capitals a font lacks are drawn from its capitals
        if "\u00ad" in text:
            text += _SOFT_HYPHEN_DRAWS
        # The faces a browser tries, in order, up to the first family not bundled (the
        # reader's own font, or a generic one: nothing to embed from there on).
        chain = []
        for family in style["font_family"]:
            if family.lower() not in families:
                break
            face = match(faces, family, style["font_weight"], style["font_style"] != "normal")
            chain += [face] if face else []
        # White space is drawn as spaces; a soft hyphen is drawn only as the hyphen above.
        for char in {" " if c in "\n\r\t" else c for c in text} - {"\u00ad"}:
            face = next((f for f in chain if f.allows(char) and ord(char) in covers[f]), None)
            if face:
                used.setdefault(face, set()).add(char)

    def walk(element: Any) -> None:
        style = style_for(element)
        if style is None or style["display"] == ("none",):
            return
        for pseudo in ("before", "after"):
            generated = style_for(element, pseudo)
            if generated is not None and isinstance(generated["content"], tuple):
                add("".join(v for kind, v in generated["content"] if kind == "string"),
                    generated)
        if style["display"][-1:] == ("list-item",) and style["list_style_type"] != "none":
            kind = style["list_style_type"]
            add(_MARKERS.get(kind, _NUMBERS) if isinstance(kind, str) else _NUMBERS,
                style_for(element, "marker") or style)
        if element.text:
            add(element.text, style)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                add(child.tail, style)

    body = document.etree_element.find("body")
    if body is not None:
        walk(body)
    return used


def web_fonts_css(html: str, templates: TemplateSet) -> str:
    """Return @font-face rules carrying the faces the page draws in, as WOFF2 data: URIs."""
    faces = faces_of(templates)
    fonts = {face: templates.read(face.file) for face in faces}
    covers = {face: cmap(data, face.file) for face, data in fonts.items()}
    rules = []
    for face, chars in sorted(used_text(html, faces, covers).items(),
                              key=lambda item: faces.index(item[0])):
        # With the common characters a face has, most pages ask for the same subset: the
        # editions of a build share it (_subset's cache), made once per process.
        chars |= {c for c in _ASCII if ord(c) in covers[face] and face.allows(c)}
        woff2 = _subset(fonts[face], "".join(sorted(chars)), face.file)
        uri = "data:font/woff2;base64," + base64.b64encode(woff2).decode("ascii")
        rules.append(_rule(face, f'url({uri}) format("woff2")'))
    return "\n".join(rules)


def linked_fonts_css(templates: TemplateSet, url_of: Callable[[Face], str]) -> str:
    """Return @font-face rules for every bundled face, each linked by url_of, whole.

    For the preview (preview.py), which serves the faces from the template folders: the
    browser loads each once and keeps it, and the page needs no cascade to find which
    characters it draws (0.2 s a page), so an edit shows sooner. The page looks the same.
    """
    from urllib.parse import quote

    # Percent-encoded, an address has no quote, backslash or "<" to end the string or
    # the <style>.
    return "\n".join(_rule(face, f'url("{quote(url_of(face), safe="/?=&")}")')
                      for face in faces_of(templates))


def _rule(face: Face, source: str) -> str:
    """One @font-face rule with source as its src, keeping the face's unicode-range."""
    style = "italic" if face.italic else "normal"
    ranges = f" unicode-range: {face.range_text};" if face.range_text else ""
    # The family as a CSS string, escaped: no name in fonts.css can end the <style>.
    return (f"@font-face {{ font-family: {css_string(face.family)}; "
            f"font-weight: {face.weight}; font-style: {style};{ranges} src: {source}; }}")


def _subset(data: bytes, chars: str, name: str) -> bytes:
    """Return the font data subset to chars, as WOFF2; the same input gives the same bytes."""
    return _subset_cached(hashlib.sha256(data).digest(), data, chars, name)


@lru_cache(maxsize=64)  # three editions of a document share most of their faces' text
def _subset_cached(digest: bytes, data: bytes, chars: str, name: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTLibError

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # screens at web sizes do without; a third of the bytes
    # The features a browser applies by default, and Arabic's joining forms: kerning,
    # ligatures, marks. The rest (small capitals, old-style figures) the CSS never asks
    # for, and subsetting their lookups took half the time.
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark",
                               "mkmk", "rlig", "init", "medi", "fina", "isol", "curs"]
    options.desubroutinize = True  # CFF (Inter) compresses better in WOFF2 without them
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and the licence
    # Graphite's tables (Charis SIL) drive no browser but Firefox's, which shapes with
    # OpenType as well; fontTools cannot subset them and would log each one dropped.
    options.drop_tables += ["Silf", "Silt", "Glat", "Gloc", "Feat", "Sill"]
    options.recalc_timestamp = False  # reproducible: head.modified as the font has it
    try:
        font = subset.load_font(io.BytesIO(data), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    except (TTLibError, AssertionError, KeyError, ValueError, struct.error) as exc:
        raise UsageError(f"template file {name} is not a font briefgen can subset for the "
                         f"HTML page: {exc}") from None
    return out.getvalue()

