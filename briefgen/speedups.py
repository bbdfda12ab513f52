"""Mend three paths of WeasyPrint and pydyf whose cost grows with the square of a document.

All three make a long, footnoted report faster and change nothing else: the PDF is the same,
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
3. Note lines. Each time a note comes to a page, or goes on to the next, WeasyPrint lays
   all the page's notes out again in a copy of the footnote area, to learn its height
   (`_update_footnote_area`, weasyprint/layout/__init__.py): a page of n notes lays out
   n times the lines of its first notes, and this was a third of the academic report's
   layout. Our notes run in (`footnote-display: inline`), so they are one paragraph,
   broken into lines one at a time (`get_next_linebox`, weasyprint/layout/inline.py).
   A line that does not end the paragraph reads only the notes it holds and those before
   it: a line is laid out from where the last one stopped, as far as the text fits. So
   while the page's notes start with the notes a line was laid out with, in the same
   order, the line that starts at the same place, with the same area, floats and page,
   is that line again: it is kept and a copy handed back, and the line box is left as
   laying it out leaves it. Only the paragraph's last line, and the lines of the new
   note, are laid out again. This is used only for notes made of text and inline boxes
   that call no note, in the copies made to measure the area (never in the area that is
   printed); a line that left anything behind in the layout (floats, positioned boxes,
   notes) is not kept.

Each mend is applied only to the library versions it was tested on (TESTED), and inside a
try: a version it does not know, or a mend that fails to apply, leaves that library as it
is, with a debug message. An optimisation never stops a build.
"""

from __future__ import annotations

import logging
import os

__all__ = ["apply", "installed", "tested"]

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
    """Apply the mendings once, each to a tested version whose code has the expected shape."""
    global _applied
    if _applied or os.environ.get("BRIEFGEN_NO_SPEEDUPS"):
        return
    for library, mend in (("weasyprint", _pending_footnotes), ("weasyprint", _note_lines),
                          ("pydyf", _page_references)):
        version = installed(library)
        if not tested(library, version):
            log.debug("%s %s is not a version the speedup was tested on (%s); left as it is",
                      library, version, ", ".join(TESTED[library]))
            continue
        try:
            mend()
        except Exception as exc:  # an internal that moved: lay out unmended, never fail
            log.debug("speedup for %s %s not applied: %s: %s", library, version,
                      type(exc).__name__, exc)
    _applied = True


def tested(library: str, version: str) -> bool:
    """Whether version of library is one the mends were written against (TESTED)."""
    return any(version == v or version.startswith(v + ".") for v in TESTED[library])


def installed(library: str) -> str:
    """The installed version of library, or "unknown"."""
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


# What the mend of note lines relies on: WeasyPrint 70 lays the page's notes out again in a
# copy of the footnote area each time one comes or goes, and a line is laid out by
# get_next_linebox with these arguments.
_AREA_LINES = (
    "self.current_footnote_area.children = self.current_page_footnotes",
    "self.current_footnote_area.deepcopy())",
    "footnote_area = block_level_layout(",
    "self.current_footnote_area.height = footnote_area.height",
)
_LINE_PARAMETERS = [
    "context", "linebox", "position_y", "bottom_space", "skip_stack", "containing_block",
    "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style"]


class PageNotes:
    """The lines of one page's notes, as laid out in copies of its footnote area.

    `lines` holds, by where a line starts and what it depends on, the notes it was laid
    out from and a copy of the line; `order` is the page's notes while WeasyPrint lays
    them out again in the area (None at other times, or when a note is not plain text).
    """

    __slots__ = ("area", "lines", "order", "plain")

    def __init__(self, area: object) -> None:
        self.area = area
        self.lines: dict[tuple, list[tuple]] = {}
        self.order: list | None = None
        self.plain: dict[object, bool] = {}

    def is_plain(self, note: object, kinds: tuple[type, ...]) -> bool:
        """Whether note holds only text and inline boxes, and calls no note itself."""
        if note not in self.plain:
            self.plain[note] = all(type(box) in kinds and box.footnote is None
                                   and not box.is_leader for box in note.descendants())
        return self.plain[note]


def _frozen(stack: dict | None) -> tuple | None:
    return None if stack is None else tuple((k, _frozen(v)) for k, v in stack.items())


def _thawed(stack: tuple | None) -> dict | None:
    return None if stack is None else {k: _thawed(v) for k, v in stack}


def _note_lines() -> None:
    import inspect

    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, InlineBox, LineBox, TextBox
    from weasyprint.layout import LayoutContext, inline

    update, next_line = LayoutContext._update_footnote_area, inline.get_next_linebox
    source = inspect.getsource(update)
    if any(line not in source for line in _AREA_LINES) \
            or list(inspect.signature(next_line).parameters) != _LINE_PARAMETERS:
        log.debug("weasyprint's footnote area layout has changed; left as it is")
        return
    kinds = (InlineBox, TextBox)

    def _update_footnote_area(self):  # noqa: ANN001, ANN202
        notes = self.__dict__.get("_briefgen_notes")
        if notes is None or notes.area is not self.current_footnote_area:
            notes = self._briefgen_notes = PageNotes(self.current_footnote_area)
        order = list(self.current_page_footnotes)
        plain = all(notes.is_plain(note, kinds) for note in order)
        before, notes.order = notes.order, order if plain else None
        try:
            return update(self)
        finally:
            notes.order = before

    def get_next_linebox(context, linebox, position_y, bottom_space, skip_stack,  # noqa: ANN001, ANN202
                         containing_block, absolute_boxes, fixed_boxes,  # noqa: ANN001
                         first_letter_style, first_line_style):  # noqa: ANN001
        arguments = (context, linebox, position_y, bottom_space, skip_stack,
                     containing_block, absolute_boxes, fixed_boxes, first_letter_style,
                     first_line_style)
        notes = context.__dict__.get("_briefgen_notes") \
            if type(containing_block) is FootnoteAreaBox else None
        order = None if notes is None else notes.order
        if order is None or first_letter_style is not None or first_line_style is not None \
                or not _lays_out_notes(linebox, containing_block, notes, order, LineBox):
            return next_line(*arguments)
        start = (_frozen(skip_stack), position_y, bottom_space, linebox.text_indent,
                 containing_block.content_box_x(), containing_block.content_box_y(),
                 containing_block.width, containing_block.height,
                 tuple((shape, shape.position_x, shape.position_y, shape.margin_width(),
                        shape.margin_height()) for shape in context.excluded_shapes),
                 context.current_page, context.forced_break, context.in_column)
        for notes_read, line, resume_at, after in notes.lines.get(start, ()):
            if tuple(order[:len(notes_read)]) == notes_read:
                (linebox.position_x, linebox.position_y, linebox.width,
                 linebox.height) = after
                return line.deepcopy(), _thawed(resume_at)
        effects = _effects(context, absolute_boxes, fixed_boxes)
        line, resume_at = next_line(*arguments)
        # A line that ends the notes, or one that left anything behind, is not kept.
        if line is not None and resume_at is not None \
                and _effects(context, absolute_boxes, fixed_boxes) == effects:
            notes_read = tuple(order)
            after = (linebox.position_x, linebox.position_y, linebox.width, linebox.height)
            notes.lines.setdefault(start, []).append(
                (notes_read, line.deepcopy(), _frozen(resume_at), after))
        return line, resume_at

    _update_footnote_area.__wrapped__ = update  # type: ignore[attr-defined]
    get_next_linebox.__wrapped__ = next_line  # type: ignore[attr-defined]
    LayoutContext._update_footnote_area = _update_footnote_area  # type: ignore[method-assign]
    inline.get_next_linebox = get_next_linebox


def _lays_out_notes(linebox, area, notes, order, line_type) -> bool:  # noqa: ANN001
    """Whether linebox is the line of the page's notes in a copy of the footnote area."""
    if type(linebox) is not line_type or area.style is not notes.area.style \
            or linebox.style is not area.style.anonymous_style \
            or len(area.children) != 1 or area.children[0] is not linebox \
            or len(linebox.children) != len(order) \
            or linebox.padding_right or linebox.margin_right or linebox.border_right_width \
            or linebox.padding_left or linebox.margin_left or linebox.border_left_width:
        return False
    return all(type(child) is type(note) and child.element is note.element
               for child, note in zip(linebox.children, order, strict=True))


def _effects(context, absolute_boxes, fixed_boxes) -> tuple:  # noqa: ANN001
    """What laying out a line could leave behind in the context, besides the line."""
    return (id(context.excluded_shapes), len(context.excluded_shapes),
            len(context.broken_out_of_flow), len(context.footnotes),
            len(context.current_page_footnotes), len(context.reported_footnotes),
            len(absolute_boxes), len(fixed_boxes))
