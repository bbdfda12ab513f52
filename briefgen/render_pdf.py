"""Lay out the HTML with WeasyPrint and return the PDF as bytes.

WeasyPrint is imported here and nowhere else, so commands that do not print a PDF never
pay for it (about 0.6 s). Resources come only from data: URIs and the template folders;
every other URL is refused, and WeasyPrint's own error log fails the build rather than
leaving a PDF with a hole in it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BriefgenError

__all__ = ["render_pdf"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


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


def _fetcher(roots: tuple[Path, ...]):
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Serve data: URIs and files below the template folders; refuse the rest."""

        def fetch(self, url: str, headers=None):  # noqa: ANN001
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"refusing to read {path}: outside the template folders")
            elif not url.startswith("data:"):
                raise ValueError(f"refusing to fetch {url}: briefgen uses no network resources")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"))


def render_pdf(html: str, stylesheets: list[Path], roots: tuple[Path, ...]) -> tuple[bytes, int]:
    """Return the PDF for html and its page count; stylesheets come from the template roots."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from . import speedups

    speedups.apply()

    roots = tuple(r.resolve() for r in roots)
    fetcher = _fetcher(roots)
    log = logging.getLogger("weasyprint")
    collector = _Collect()
    log.addHandler(collector)
    propagate, log.propagate = log.propagate, False  # reported once, in the error below
    # @font-face rules take effect only through a FontConfiguration shared by the
    # stylesheets and the layout; without one WeasyPrint drops them and falls back to the
    # system's fonts. See https://doc.courtbouillon.org/weasyprint/stable/api_reference.html
    fonts = FontConfiguration()
    try:
        with _collector_paused():
            document = weasyprint.HTML(string=html, base_url=str(roots[-1]) + "/",
                                       url_fetcher=fetcher)
            css = [weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
                   for path in stylesheets]
            laid_out = document.render(stylesheets=css, font_config=fonts)
            # The layout's garbage goes before the PDF is made, which needs as much again.
            gc.collect()
            # Tagged PDF/UA-1: structure tags, document language and title for screen readers.
            pdf = laid_out.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    finally:
        # WeasyPrint copies the @font-face files into a temporary folder that it removes
        # when the configuration is garbage-collected, which may be never (cli.run).
        fonts.__del__()
        log.removeHandler(collector)
        log.propagate = propagate
    if collector.messages:
        raise BriefgenError("the PDF could not be laid out cleanly: "
                            + "; ".join(collector.messages))
    return pdf, len(laid_out.pages)
