"""Mend two paths of WeasyPrint and pydyf whose cost grows with the square of a document.

Both make a long, footnoted report faster and change nothing else: the PDF is the same,
byte for byte, with and without them (tests/test_speedups.py). Each is applied only
where the code it mends has the shape it was written for, and render_pdf applies them
on its first run. Set BRIEFGEN_NO_SPEEDUPS=1 to leave WeasyPrint as it is.

1. Footnotes still to place. For every box of every line, WeasyPrint's block layout asks
   whether the box calls one of the footnotes still to place
   (`descendant.footnote in context.footnotes`, weasyprint/layout/block.py), and that
   is a list of every footnote not yet placed. Nearly every box calls none (its
   `footnote` is None), yet each question walks the whole list: a 200-page report with
   2,900 notes spent an eighth of its layout there. The list here answers for None at
   once and asks the list itself otherwise, so the answer is the one list gives. This
   is what keeps note layout linear in the number of notes (issue 12): without it, a text
   with 240 footnotes compares 4.4 times as many boxes per note as one with 60
   (tests/test_notes_scale.py).
2. Page references. pydyf's `PDF.page_references` builds a tuple of every page's
   reference each time it is read, and WeasyPrint reads it for every link and every
   structure tag. The tuple here is rebuilt only when the pages have changed.

Each mend is applied only to the library versions it was tested on (TESTED), and inside a
try: a version it does not know, or a mend that fails to apply, leaves that library as it
is, with a debug message. An optimisation never stops a build.
"""

from __future__ import annotations

import logging
import os

__all__ = ["apply"]

log = logging.getLogger(__name__)
_applied = False

# The versions each mend was written against and checked on, byte for byte
# (tests/test_speedups.py); by the major version, the part their internals follow.
TESTED = {"weasyprint": ("70",), "pydyf": ("0.13",)}


class PendingFootnotes(list):
    """WeasyPrint's list of footnotes still to place, which answers `None in` at once.

    Footnotes are boxes, never None, and boxes compare by identity; any other question
    goes to list itself.
    """

    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return item is not None and list.__contains__(self, item)

    def copy(self) -> PendingFootnotes:  # WeasyPrint copies it before each repagination
        return PendingFootnotes(self)


def apply() -> None:
    """Apply both mendings once, each to a tested version whose code has the expected shape."""
    global _applied
    if _applied or os.environ.get("BRIEFGEN_NO_SPEEDUPS"):
        return
    for library, mend in (("weasyprint", _pending_footnotes), ("pydyf", _page_references)):
        version = _version(library)
        if not any(version == v or version.startswith(v + ".") for v in TESTED[library]):
            log.debug("%s %s is not a version the speedup was tested on (%s); left as it is",
                      library, version, ", ".join(TESTED[library]))
            continue
        try:
            mend()
        except Exception as exc:  # an internal that moved: lay out unmended, never fail
            log.debug("speedup for %s %s not applied: %s: %s", library, version,
                      type(exc).__name__, exc)
    _applied = True


def _version(library: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(library)
    except PackageNotFoundError:
        return "unknown"


def _pending_footnotes() -> None:
    from weasyprint.layout import LayoutContext

    original = LayoutContext.__init__

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003, N807
        original(self, *args, **kwargs)
        if type(getattr(self, "footnotes", None)) is list:
            self.footnotes = PendingFootnotes(self.footnotes)

    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    LayoutContext.__init__ = __init__  # type: ignore[method-assign]


def _page_references() -> None:
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property) or original.fset is not None:
        log.debug("pydyf.PDF.page_references is not a read-only property; left as it is")
        return

    def page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
        # Keyed by the page list itself (a quick copy of numbers, not a tuple of strings
        # built one by one), so the answer is always that of the property.
        pages = tuple(self.pages["Kids"])
        cached = self.__dict__.get("_briefgen_page_references")
        if cached is None or cached[0] != pages:
            cached = (pages, original.fget(self))
            self.__dict__["_briefgen_page_references"] = cached
        return cached[1]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
