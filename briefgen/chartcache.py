"""Draw charts and keep the drawings between builds, keyed by everything that shapes them."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import charts
from .models import Chart
from .output import WriteSet
from .templates import builtin_dir

__all__ = ["CHART_COLOURS", "CHART_SIZE_CM", "ChartCache", "ChartView", "chart_colours"]

FONT_DIR = builtin_dir() / "fonts"


# The stylesheet's default colours (templates/css/brief.css), for charts without a theme.
CHART_COLOURS = ("#14395c", "#b4462b", "#5a6570")
# Charts are drawn at the size they are printed: 13 x 5.5 cm, three quarters of the text
# width of an A4 page, so their lettering matches the 8 pt captions in both formats.
CHART_SIZE_CM = (13.0, 5.5)


def chart_colours(primary: str | None, accent: str | None) -> tuple[str, ...]:
    """Return the colours of a chart's series: a theme's primary and accent, then grey."""
    return (primary or CHART_COLOURS[0], accent or CHART_COLOURS[1], *CHART_COLOURS[2:])


@dataclass
class ChartCache:
    """Charts drawn by earlier builds, by a key of their data, their look and the build.

    Drawing a chart means importing matplotlib (0.3 s) and laying the chart out (0.07 s a
    format); a rebuild after a text edit reads the same drawings back instead.
    folder: where drawings are kept between builds (None: nowhere); salt: the pipeline's
    environment key (briefgen's code, templates, libraries); reuse: False draws again
    what the folder holds (--force). New drawings wait in `new`, by file name, until the
    build writes its outputs: a failed build writes nothing.

    A kept drawing starts with the SHA-256 of the rest of its file, and is used only if
    the two agree: a drawing truncated, damaged or edited in the folder is drawn again
    (and replaced) rather than copied into the outputs.
    """

    folder: Path | None
    salt: str
    reuse: bool = True
    new: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, tuple[Future, int]] = field(default_factory=dict)  # being drawn
    kept: dict[str, bytes | None] = field(default_factory=dict)  # read from the folder

    def name(self, chart: ChartView, fmt: str) -> str:
        """The file name of one drawing: a digest of everything that shapes it."""
        key = hashlib.sha256("\0".join(
            [self.salt, chart.chart.model_dump_json(), *chart.colours, repr(CHART_SIZE_CM), fmt,
             chart.language]
        ).encode()).hexdigest()
        return f"{key}.{fmt}"

    def get(self, chart: ChartView, fmt: str) -> bytes:
        """The drawing of chart in fmt: from this build, from an earlier one, or new."""
        name = self.name(chart, fmt)
        if name in self.pending:
            future, index = self.pending.pop(name)
            self.new[name] = future.result()[index]
        if name not in self.new:
            kept = self._kept(name)
            if kept is not None:
                return kept
            self.new[name] = chart.draw(fmt)
        return self.new[name]

    def _kept(self, name: str) -> bytes | None:
        """An earlier build's drawing of this name, if there is one and it is intact."""
        if not (self.reuse and self.folder):
            return None
        if name not in self.kept:
            self.kept[name] = None
            path = self.folder / name
            try:
                stored = path.read_bytes() if path.is_file() else b""  # never a FIFO
            except OSError:
                return None
            digest, _, drawing = stored.partition(b"\n")
            if digest == hashlib.sha256(drawing).hexdigest().encode():
                self.kept[name] = drawing
        return self.kept[name]

    @contextlib.contextmanager
    def drawing_ahead(self, charts: list[ChartView], formats: set[str]) -> Iterator[None]:
        """Draw the charts not at hand in a helper process while the block runs.

        get() waits for a drawing still on its way. SVG drawings come first: the page
        needs them before Word needs its PNG. With nothing to draw, the block runs alone.
        """
        from .executors import open_executor

        todo: dict[str, dict[str, tuple[Chart, tuple[str, ...], str, str]]] = {}
        for fmt in sorted(formats, key=("svg", "png").index):
            for chart in charts:
                name = self.name(chart, fmt)
                if name not in self.new and self._kept(name) is None:
                    todo.setdefault(fmt, {})[name] = (chart.chart, chart.colours, fmt,
                                                      chart.language)
        if not todo:
            yield
            return
        with open_executor("local", 1) as helper:
            try:
                for batch in todo.values():
                    future = helper.submit(_draw_charts, list(batch.values()))
                    self.pending.update((name, (future, i)) for i, name in enumerate(batch))
                yield
                for name, (future, index) in self.pending.items():  # drawn, not yet used
                    self.new[name] = future.result()[index]
            finally:
                self.pending.clear()

    def save(self, writes: WriteSet) -> None:
        """Keep this build's new drawings for the next one, with the build's outputs."""
        if self.folder:
            for name, data in self.new.items():
                digest = hashlib.sha256(data).hexdigest().encode()
                writes.add(self.folder / name, digest + b"\n" + data)


def _draw_charts(todo: list[tuple[Chart, tuple[str, ...], str, str]]) -> list[bytes]:
    """Draw each (chart, colours, format, language): the helper process's task."""
    return [ChartView(chart, colours, language=language).draw(fmt)
            for chart, colours, fmt, language in todo]


@dataclass
class ChartView:
    """A chart, drawn on first use: SVG for the page and the PDF, PNG for Word."""

    chart: Chart
    colours: tuple[str, ...]
    cache: ChartCache | None = None
    language: str = "en"  # the document's: how the chart writes its numbers

    @cached_property
    def svg_uri(self) -> str:
        """The SVG drawing as a data: URI, for the page."""
        svg = self.cache.get(self, "svg") if self.cache else self.draw("svg")
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    def png(self) -> bytes:
        """The PNG drawing, for Word."""
        return self.cache.get(self, "png") if self.cache else self.draw("png")

    def draw(self, fmt: str) -> bytes:
        """Draw the chart in fmt ('svg' or 'png'), with matplotlib."""
        return charts.draw(self.chart, fmt, colours=self.colours, font_dir=FONT_DIR,
                           width_cm=CHART_SIZE_CM[0], height_cm=CHART_SIZE_CM[1],
                           language=self.language)


