"""Lay out the HTML with WeasyPrint, preflight its pages, and return the PDF as bytes.

WeasyPrint is imported only when a PDF is laid out, so other commands never pay for it
(about 0.6 s). Resources come only from data: URIs and the template folders, read through
their one gate (templates.read_template_file); every other URL is refused, and
WeasyPrint's error log fails the build rather than leave a PDF with a hole in it. Its
warnings (a typo in a stylesheet) are findings of kind "weasyprint", once each, naming the
stylesheet and line. The layout is preflighted (preflight.py) from its boxes before it is
written; the page of each element id is returned, for Word's contents. A warm renderer
keeps fonts and lines from one layout for the next (warm.py)."""

from __future__ import annotations

import contextlib
import gc
import logging
import mimetypes
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from . import preflight
from .bidifix import resolve_auto_directions
from .errors import BriefgenError, UsageError
from .templates import RefusedTemplateFile, read_template_file

__all__ = ["Pdf", "render_pdf"]


class Pdf(NamedTuple):
    """A rendered PDF: its bytes, its number of pages, and what preflight found in it."""

    data: bytes  # empty when only laid out (write=False)
    pages: int
    findings: list[preflight.Finding]
    anchors: dict[str, int] = {}  # each element id: the page it is on (1-based)


class _Collect(logging.Handler):
    """Keep WeasyPrint's errors, and its warnings with the stylesheet being read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []  # errors
        self.warnings: dict[tuple[Path | None, str], None] = {}  # in order, once each
        self.sheet: Path | None = None  # the stylesheet file being parsed, if any

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())
        else:
            self.warnings[self.sheet, record.getMessage()] = None


_AT = re.compile(r" at (\d+):(\d+)")  # WeasyPrint's place in a stylesheet: "at line:column"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def _warnings(collector: _Collect, html: str,
              inline: dict[Path, str]) -> list[preflight.Finding]:
    """WeasyPrint's warnings as findings, each naming its stylesheet, line and column.

    A warning about the page's <style> names the inline stylesheet holding the line it
    points at (inline: {path: text} of the stylesheets the page template puts there).
    """
    # Where each inline stylesheet starts in the page's <style> elements: (line, lines).
    starts = {path: (style[:style.index(text)].count("\n") + 1, text.count("\n") + 1)
              for style in _STYLE.findall(html) for path, text in inline.items()
              if text and text in style}
    findings = {}
    for sheet, message in collector.warnings:
        at = _AT.search(message)
        place = f"{sheet}" if sheet else "the page's <style>"
        if at and sheet is None:
            line, column = int(at[1]), int(at[2])
            place += f", line {line}"
            for path, (start, count) in starts.items():
                if start <= line < start + count:
                    place = f"{path}:{line - start + 1}:{column}"
        elif at:
            place += f":{at[1]}:{at[2]}"
        text = _AT.sub("", message, count=1).rstrip(".")
        findings[f"{place}: WeasyPrint: {text}"] = None
    return [preflight.Finding("weasyprint", None, message) for message in findings]


class _CollectorPause:
    """Run blocks without Python's cyclic garbage collector: `with _collector_paused():`.

    A layout makes millions of objects that live until it ends; each pass of the
    collector walks them all, a sixth of a long report's time, to find little garbage.
    Renders in several threads (a Dask worker) share one collector, hence the count: the
    last block to end turns it back on, if it was on.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.blocks = 0
        self.was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.blocks == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.blocks += 1
        try:
            yield
        finally:
            with self.lock:
                self.blocks -= 1
                if self.blocks == 0 and self.was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _root_of(path: Path, roots: tuple[Path, ...]) -> Path | None:
    """Return the template folder path lies in, by its name (links are resolved later)."""
    normal = Path(os.path.normpath(path))
    return next((root for root in roots if normal.is_relative_to(root)), None)


def _read(path: Path, roots: tuple[Path, ...]) -> bytes:
    """Read a file of the template folders through their gate; refuse every other file."""
    root = _root_of(path, roots)
    if root is None or not path.resolve().is_relative_to(root):
        raise ValueError(f"refusing to read {path.resolve()}: outside the template folders")
    try:
        return read_template_file(path, root)
    except RefusedTemplateFile as exc:
        raise ValueError(f"refusing to read {path.resolve()}: {exc}") from None


def _fetcher(roots: tuple[Path, ...]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """Serve data: URIs and files below the template folders; refuse the rest."""

        def __init__(self, **kwargs) -> None:  # noqa: ANN003
            super().__init__(**kwargs)
            self.refused: list[str] = []  # WeasyPrint only logs a failed fetch, some as warnings

        def fetch(self, url: str, headers=None):  # noqa: ANN001
            try:
                if url.startswith("file:"):
                    path = Path(unquote(urlsplit(url).path))
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, _read(path, roots), {"Content-Type": mime})
                if not url.startswith("data:"):
                    raise ValueError(f"refusing to fetch {url}: "
                                     "briefgen uses no network resources")
            except ValueError as exc:
                self.refused.append(str(exc))
                raise
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"))


def _stylesheet(path: Path, roots: tuple[Path, ...]) -> str:
    """Return a stylesheet of the template folders as text; refuse it, naming it, if not."""
    root = _root_of(path, roots)
    if root is None:
        raise RefusedTemplateFile(f"stylesheet {path} is not in a template folder")
    try:
        return read_template_file(path, root).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusedTemplateFile(f"stylesheet {path} is not UTF-8 text: {exc}") from None


_AT_FOOT = ("heading-at-foot", "caption-at-foot")


def _headings_moved_on(laid_out, findings, render, check):  # noqa: ANN001, ANN202
    """Lay out again with each heading or caption at a page foot starting the next page.

    CSS keeps a heading with the line after it (break-after: avoid) but cannot keep it out
    of the last tenth of a page, where preflight finds it. So a second pass, only when
    there is such a finding, breaks the page before it (before the block it opens, such
    as a recommendation or a figure) and keeps that layout if it has fewer findings.
    render() lays the document out again; check(layout) preflights a layout.
    """
    if not any(finding.kind in _AT_FOOT for finding in findings):
        return laid_out, findings
    from weasyprint.formatting_structure import boxes

    marked = []
    for page in laid_out.pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                bottom = child.position_y
        limit = top + 0.9 * (bottom - top)
        stack = [(child, []) for child in page_box.children
                 if not isinstance(child, (boxes.FootnoteAreaBox, boxes.MarginBox))]
        while stack:
            box, ancestors = stack.pop()
            tag = getattr(box, "element_tag", "")
            if tag in {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption"} \
                    and box.position_y >= limit:
                opener = box
                for parent in reversed(ancestors):  # the outermost block it opens
                    first = next((c for c in parent.children
                                  if isinstance(c, boxes.BlockLevelBox)), None)
                    if first is not opener or getattr(parent, "element_tag", "") in \
                            {"main", "body", "html"}:
                        break
                    opener = parent
                marked.append(opener.element)
                continue
            if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox):
                stack += [(child, [*ancestors, box]) for child in box.children]
    return _with_pages_broken_before(marked, laid_out, findings, render, check)


def _with_pages_broken_before(marked, laid_out, findings, render, check):  # noqa: ANN001, ANN202
    """Lay out again with a page break before each marked element; keep the better layout."""
    styles = [(element, element.get("style")) for element in marked if element is not None]
    if not styles:
        return laid_out, findings
    for element, style in styles:
        element.set("style", f"{style or ''};break-before:page")
    again = render()
    found = check(again)
    if len(found) < len(findings):
        return again, found
    for element, style in styles:  # the first layout was better: leave the tree as it was
        if style is None:
            element.attrib.pop("style", None)
        else:
            element.set("style", style)
    return laid_out, findings


def _sections_moved_on(laid_out, findings, render, check):  # noqa: ANN001, ANN202
    """Lay out again with a section that follows a gap starting a page of its own.

    A section kept whole at its start (a heading, a lead and the first entries of a list,
    such as the recommendations) that does not fit leaves the page before it a quarter or
    more empty: a gap. Started on a new page by a forced break, as a designer would set
    it, it leaves the page before as the end of a part, which is no gap. Kept only if the
    layout has fewer findings. render() and check(layout) as for _headings_moved_on.
    """
    gaps = {finding.page for finding in findings if finding.kind == "gap"}
    marked = []
    for number in sorted(gaps):
        if number >= len(laid_out.pages):
            continue
        box = laid_out.pages[number]._page_box  # the page after the gap (number is 1-based)
        while getattr(box, "children", None):  # the first block of the page, outermost first
            box = box.children[0]
            if getattr(box, "element_tag", "") == "section":
                marked.append(box.element)
                break
    return _with_pages_broken_before(marked, laid_out, findings, render, check)


def render_pdf(html: str, stylesheets: list[Path], roots: tuple[Path, ...],
               page_limit: int | None = None, audience: str = "",
               inline: tuple[Path, ...] = (), write: bool = True) -> Pdf:
    """Return the PDF for html, its page count, its findings and the page of each id.

    stylesheets come from the template roots; page_limit: the audience profile's limit of
    pages (None: no limit), audience: its name, for the finding. inline: the stylesheets
    the page holds in its <style>, to name in warnings. write: False lays the page out
    and returns no PDF bytes (for Word's contents, when no PDF is asked for).
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from . import notefix, speedups, tagfix, warm
    from .pdf_metadata import with_rights

    speedups.apply()
    notefix.apply()  # not a speed-up: without it WeasyPrint 70 can lose a note
    tagfix.apply()  # /Scope on table headers, for PDF/UA-1

    roots = tuple(r.resolve() for r in roots)
    fetcher = _fetcher(roots)
    texts = [(path, _stylesheet(path, roots)) for path in stylesheets]  # through the gate
    log = logging.getLogger("weasyprint")
    collector = _Collect()
    log.addHandler(collector)
    propagate, log.propagate = log.propagate, False  # reported once, in the error below
    # @font-face rules take effect only through a FontConfiguration shared by the
    # stylesheets and the layout (https://doc.courtbouillon.org/weasyprint/stable/
    # api_reference.html); relative URLs in a stylesheet resolve against where it lies.
    def read(fonts: FontConfiguration) -> tuple[list, dict]:
        css = []
        for path, text in texts:
            collector.sheet = path  # its warnings name it
            css.append(weasyprint.CSS(string=text, base_url=path.as_uri(),
                                      url_fetcher=fetcher, font_config=fonts))
        collector.sheet = None
        return css, dict(collector.warnings)

    fonts = None
    try:
        with _collector_paused():
            document = weasyprint.HTML(string=html, base_url=str(roots[-1]) + "/",
                                       url_fetcher=fetcher)
            resolve_auto_directions(document.etree_element)
            bundled = preflight.bundled_fonts(roots)
            fonts, css, warnings = warm.sheets(texts, bundled, html, read, FontConfiguration)
            collector.warnings.update(warnings)
            laid_out = document.render(stylesheets=css, font_config=fonts)
            # Checked while the layout's boxes and fonts are there, before the PDF is made.
            findings = preflight.check(laid_out, bundled, page_limit, audience)
            laid_out, findings = _headings_moved_on(
                laid_out, findings,
                lambda: document.render(stylesheets=css, font_config=fonts),
                lambda again: preflight.check(again, bundled, page_limit, audience))
            laid_out, findings = _sections_moved_on(
                laid_out, findings,
                lambda: document.render(stylesheets=css, font_config=fonts),
                lambda again: preflight.check(again, bundled, page_limit, audience))
            # The layout's garbage goes before the PDF is made, which needs as much again.
            gc.collect()
            # Tagged PDF/UA-1: structure tags, document language and title for screen readers.
            laid_out.metadata = with_rights(laid_out.metadata)
            pdf = laid_out.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True) if write else b""
            anchors: dict[str, int] = {}
            for number, page in enumerate(laid_out.pages, 1):
                for anchor in page.anchors:
                    anchors.setdefault(anchor, number)
    finally:
        # WeasyPrint removes its copies of the font files only in __del__ (maybe never).
        if fonts is not None and not warm.kept(fonts):
            fonts.__del__()
        log.removeHandler(collector)
        log.propagate = propagate
    if fetcher.refused:  # a template's or stylesheet's mistake: a usage error
        raise UsageError("the PDF could not be laid out: " + "; ".join(fetcher.refused))
    if collector.messages:
        raise BriefgenError("the PDF could not be laid out cleanly: "
                            + "; ".join(collector.messages))
    if collector.warnings:  # the inline stylesheets are read again only to name a line
        findings += _warnings(collector, html,
                              {path: _stylesheet(path, roots) for path in inline})
    return Pdf(pdf, len(laid_out.pages), findings, anchors)
