"""What a process that lays out PDF after PDF keeps from one layout for the next.

A preview's renderer (preview_pdf.py) lays out the same edition again after every save.
A build lays each edition out once, from nothing; a warm renderer can do better, and this
is where it does, when `keep()` has been called in its process:

1. The fonts. Each layout reads the stylesheets through a new WeasyPrint
   FontConfiguration, which copies every @font-face file into a folder of its own and
   tells fontconfig and Pango of each; Pango then forgets every font it had matched.
   Kept, the configuration and the stylesheets read through it (with the warnings
   reading them gave) serve every layout while the stylesheets' text and the template
   folders' font files stay as they were.
2. The lines. Most of a layout's time goes to breaking text into lines
   (`split_first_line`, weasyprint/text/line_break.py), and after a one-word edit nearly
   every line is one the last layout broke, from the same text, in the same style and
   width. Its answer depends on nothing else: the text, the style properties named in
   _LINE_STYLE (those it and the Pango layout it makes read, with the configuration's
   fonts), the width, the justification spacing and the two flags. So the answers are
   kept (the latest 50,000 to 100,000: Lines), by those, on the configuration they were
   made with, and a line broken before is answered from there: the same numbers and a new
   Layout object in the state WeasyPrint's own leaves it (deactivated, holding its text).

Neither changes the PDF: a kept renderer's PDF is the one a build makes, byte for byte
(tests/test_warm.py). A build never calls keep(): it lays out each edition once, and its
font folders go with each layout.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["forget", "keep", "kept", "sheets"]

log = logging.getLogger(__name__)

# Every style property split_first_line and what it calls (Layout, line_size,
# get_font_description, font_features) read in WeasyPrint 70; tab_size only for text
# holding a tab.
_LINE_STYLE = (
    "direction", "font_family", "font_feature_settings", "font_kerning",
    "font_language_override", "font_size", "font_stretch", "font_style",
    "font_variant_alternates", "font_variant_caps", "font_variant_east_asian",
    "font_variant_ligatures", "font_variant_numeric", "font_variant_position",
    "font_variation_settings", "font_weight", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone", "hyphens", "lang", "letter_spacing",
    "overflow_wrap", "tab_size", "text_decoration_line", "white_space", "word_break",
    "word_spacing")

_keeping = False
_kept: tuple | None = None  # (key, FontConfiguration, stylesheets, warnings)


class Lines:
    """The lines broken lately, by all their answer depends on, in two generations: new
    answers and those used again go into the newer, which becomes the older when it
    holds `limit`, and the older is dropped. A long report's layout breaks about 5,500
    different lines, so several editions laid out in turn (two open in a preview, or a
    translation beside its source) all stay; memory stays bounded however long it runs.
    """

    __slots__ = ("last", "limit", "now")

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.now: dict[tuple, tuple] = {}
        self.last: dict[tuple, tuple] = {}

    def get(self, key: tuple) -> tuple | None:
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: tuple, found: tuple) -> None:
        if len(self.now) >= self.limit:
            self.last, self.now = self.now, {}
        self.now[key] = found


def keep() -> None:
    """Keep fonts and lines between layouts in this process (a warm renderer's)."""
    global _keeping
    if not _keeping:
        _keeping = True
        _mend_lines()
        atexit.register(forget)


def kept(fonts: object) -> bool:
    """Whether fonts is the configuration kept for the next layout (not to be removed)."""
    return _kept is not None and _kept[1] is fonts


def sheets(texts: Iterable[tuple[Path, str]], font_files: frozenset[str], page: str,
           read: Callable[[object], tuple[list, dict]], new_fonts: Callable[[], object],
           ) -> tuple[object, list, dict]:
    """Return (fonts, stylesheets, warnings) for a layout of page.

    texts: each stylesheet's path and text; font_files: what the template folders' font
    files are (preflight.bundled_fonts, their digests); read(fonts) reads the stylesheets
    through fonts and returns them with the warnings reading them gave. Without keep(),
    or for a page whose own <style> has @font-face rules (they would pile up in a kept
    configuration), that is a new configuration each time, for the caller to remove.
    """
    global _kept
    if not _keeping or "@font-face" in page:
        fonts = new_fonts()
        return (fonts, *_read(read, fonts))
    key = (tuple((str(path), text) for path, text in texts), font_files)
    if _kept is None or _kept[0] != key:
        forget()
        fonts = new_fonts()
        css, warnings = _read(read, fonts)
        fonts._briefgen_lines = Lines()  # type: ignore[attr-defined]
        _kept = (key, fonts, css, warnings)
    return _kept[1], _kept[2], dict(_kept[3])


def _read(read: Callable[[object], tuple[list, dict]], fonts: object) -> tuple[list, dict]:
    """read(fonts); if that fails, fonts' folder goes before the error does."""
    try:
        return read(fonts)
    except BaseException:
        fonts.__del__()  # type: ignore[attr-defined]
        raise


def forget() -> None:
    """Drop the kept configuration and remove its font folder (WeasyPrint's __del__ does);
    at exit, and when the renderer is stopped."""
    global _kept
    if _kept is not None:
        fonts, _kept = _kept[1], None
        fonts.__del__()


def _mend_lines() -> None:
    """Answer split_first_line from the kept lines, in the modules that call it."""
    from . import speedups

    version = speedups.installed("weasyprint")
    if not speedups.tested("weasyprint", version):
        log.debug("weasyprint %s is not a version the line memo was tested on", version)
        return
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    original = line_break.split_first_line
    if inline.split_first_line is not original or preferred.split_first_line is not original:
        log.debug("split_first_line is already mended; left as it is")
        return
    layout_class = line_break.Layout

    def split_first_line(text, style, context, max_width, justification_spacing,  # noqa: ANN001, ANN202
                         is_line_start=True, minimum=False):  # noqa: ANN001
        lines = getattr(style.font_config, "_briefgen_lines", None)
        if lines is None:
            return original(text, style, context, max_width, justification_spacing,
                            is_line_start, minimum)
        key = (text, tuple(style[name] for name in _LINE_STYLE), max_width,
               justification_spacing, is_line_start, minimum)
        try:
            found = lines.get(key)
        except TypeError:  # a value that cannot be a key (none in WeasyPrint 70's styles)
            return original(text, style, context, max_width, justification_spacing,
                            is_line_start, minimum)
        if found is None:
            layout, *numbers = original(text, style, context, max_width,
                                        justification_spacing, is_line_start, minimum)
            lines.put(key, (dict(layout.__dict__), *numbers))
            return (layout, *numbers)
        state, *numbers = found
        layout = layout_class.__new__(layout_class)
        layout.__dict__.update(state)
        return (layout, *numbers)

    split_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line
    preferred.split_first_line = split_first_line
