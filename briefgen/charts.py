"""Charts drawn from data: a `Chart` model becomes SVG or PNG bytes in a think-tank style.

Matplotlib is imported only when a chart is drawn, so commands that draw nothing do not pay
for it. Drawing uses the object-oriented API (no pyplot, no global figures); rc settings
are applied with `matplotlib.rc_context` under a lock, so concurrent calls do not disturb
each other. Output is byte-identical for identical input: SVG text is rendered as paths
(the SVG needs no fonts), dates and software stamps are left out and ids use a fixed salt.
What is read from the data (its checks, categories and number labels) is in chart_data.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .chart_data import (
    ChartData,
    category_label,
    check,
    finite,
    format_number,
    label_ems,
    x_categories,
    x_is_categorical,
)

Number = Callable[..., str]  # format_number in the chart's language

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["check", "draw"]

FONT_FAMILY = "Inter"
FONT_FILES = ("Inter-Regular.otf", "Inter-SemiBold.otf", "NotoNaskhArabic-Regular.ttf",
              "NotoNaskhArabic-Bold.ttf")
# Letters Inter lacks (Arabic script: an Urdu chart's labels) fall back to the page's
# Arabic face; matplotlib 3.11 shapes and orders right-to-left text itself.
FALLBACK_FAMILY = "Noto Naskh Arabic"
PNG_DPI = 300
SVG_HASH_SALT = "briefgen-charts"
GRID_COLOUR = "#dde1e5"
CM_PER_INCH = 2.54
TEXT_PT = 8.0
VALUE_LABEL_PT = 7.0
MIN_VALUE_LABEL_PT = 5.5
MAX_BAR_CM = 2.0
YEAR_LABEL_CM = 1.4

_LOCK = threading.Lock()
_registered: set[str] = set()


def draw(
    chart: ChartData,
    fmt: Literal["svg", "png"],
    *,
    colours: Sequence[str],
    ink: str = "#1c2329",
    muted: str = "#5a6570",
    font_dir: Path | None = None,
    width_cm: float = 16.0,
    height_cm: float = 7.0,
    language: str = "en",
) -> bytes:
    """Draw a line or bar chart and return it as SVG or PNG bytes, numbers in language."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format must be 'svg' or 'png', not {fmt!r}")
    if not colours:
        raise ValueError("at least one series colour is needed")
    if width_cm <= 0 or height_cm <= 0:
        raise ValueError(f"chart size must be positive, not {width_cm} x {height_cm} cm")
    categorical = x_is_categorical(chart)
    number = partial(format_number, language=language)

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        use_inter = _register_fonts(font_dir)
        with matplotlib.rc_context(_rc(ink, muted, use_inter)):
            fig = Figure(figsize=(width_cm / CM_PER_INCH, height_cm / CM_PER_INCH),
                         layout="constrained")
            FigureCanvasAgg(fig)
            fig.get_layout_engine().set(w_pad=2 / 72, h_pad=2 / 72)
            ax = fig.add_subplot()
            palette = [colours[i % len(colours)] for i in range(len(chart.series))]
            if chart.type == "bar":
                _draw_bars(ax, chart, palette, ink, categorical, width_cm, height_cm, number)
            else:
                _draw_lines(ax, chart, palette, categorical, width_cm, number)
            _end_on_a_gridline(ax)
            if chart.x_label:
                ax.set_xlabel(chart.x_label)
            if chart.y_label:
                ax.set_ylabel(chart.y_label)
            if len(chart.series) > 1:
                _legend(ax, chart)
            buffer = io.BytesIO()
            if fmt == "svg":
                fig.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
            else:
                fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None},
                            facecolor="white")
    return buffer.getvalue()


def _register_fonts(font_dir: Path | None) -> bool:
    """Register the chart fonts in font_dir once; return whether Inter can be used."""
    if font_dir is None:
        return False
    from matplotlib import font_manager

    paths = [Path(font_dir) / name for name in FONT_FILES]
    if not paths[0].is_file():
        return False
    for path in paths:
        key = str(path.resolve())
        if key in _registered or not path.is_file():
            continue
        try:
            font_manager.fontManager.addfont(key)
        except (OSError, RuntimeError, ValueError):
            if path == paths[0]:
                return False
            continue
        _registered.add(key)
    return str(paths[0].resolve()) in _registered


def _rc(ink: str, muted: str, use_inter: bool) -> dict[str, Any]:
    """Return the rc settings of the house chart style."""
    import matplotlib

    sans = list(matplotlib.rcParamsDefault["font.sans-serif"])
    if use_inter:
        sans = [FONT_FAMILY, FALLBACK_FAMILY, *(name for name in sans if name != FONT_FAMILY)]
    return {
        "text.parse_math": False,  # content is text: "US$ 5 to US$ 10" is not TeX
        "svg.fonttype": "path",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.image_inline": True,
        # A list, not the generic "sans-serif": matplotlib falls back glyph by glyph only
        # along font.family's own list.
        "font.family": [FONT_FAMILY, FALLBACK_FAMILY] if use_inter else "sans-serif",
        "font.sans-serif": sans,
        "font.size": TEXT_PT,
        "text.color": ink,
        "axes.titlesize": TEXT_PT,
        "axes.labelsize": TEXT_PT,
        "axes.labelcolor": ink,
        "axes.labelpad": 4,
        "axes.edgecolor": muted,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "axes.facecolor": "none",
        "axes.formatter.useoffset": False,
        "axes.unicode_minus": True,
        "grid.color": GRID_COLOUR,
        "grid.linewidth": 0.6,
        "grid.linestyle": "-",
        "xtick.color": muted,
        "ytick.color": muted,
        "xtick.labelcolor": muted,
        "ytick.labelcolor": muted,
        "xtick.labelsize": TEXT_PT,
        "ytick.labelsize": TEXT_PT,
        "xtick.major.size": 3,
        "xtick.major.width": 0.6,
        "xtick.minor.visible": False,
        "ytick.major.size": 0,
        "ytick.major.pad": 4,
        "ytick.minor.visible": False,
        "legend.frameon": False,
        "legend.fontsize": TEXT_PT,
        "legend.labelcolor": ink,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.edgecolor": "none",
        "savefig.bbox": None,
        "lines.solid_capstyle": "round",
    }


def _draw_bars(ax: Axes, chart: ChartData, palette: list[str], ink: str, categorical: bool,
               width_cm: float, height_cm: float, number: Number) -> None:
    """Draw grouped bars, one group per x value, with the value on top of each bar."""
    categories = x_categories(chart, categorical)
    index = {x: i for i, x in enumerate(categories)}
    count = len(chart.series)
    per_category_cm = _plot_width_cm(width_cm) / len(categories)
    # Few categories would give slabs; keep each bar at most MAX_BAR_CM wide.
    group_width = min(0.8, MAX_BAR_CM * count / per_category_cm)
    bar_width = group_width / count
    values = [y for s in chart.series for _, y in s.points if finite(y)]
    plot_height_cm = _plot_height_cm(chart, height_cm)
    decimals, label_pt, rotation = _value_label_style(
        values, per_category_cm * bar_width, plot_height_cm, number)
    for j, (series, colour) in enumerate(zip(chart.series, palette, strict=True)):
        offset = (j - (count - 1) / 2) * bar_width
        xs = [index[x] + offset for x, _ in series.points]
        ys = [y for _, y in series.points]
        bars = ax.bar(xs, ys, width=bar_width * 0.92, color=colour, label=series.name,
                      linewidth=0, zorder=2)
        texts = [number(y, decimals=decimals) if finite(y) else "" for y in ys]
        ax.bar_label(bars, labels=texts, padding=2, fontsize=label_pt, color=ink,
                     rotation=rotation)
    ax.set_xticks(range(len(categories)),
                  labels=[_wrap(category_label(x), per_category_cm) for x in categories])
    ax.tick_params(axis="x", length=0, pad=5)
    ax.set_xlim(-0.5, len(categories) - 0.5)
    # Leave room above (and below, for negative bars) for the value labels.
    widest = max((label_ems(number(v, decimals=decimals)) for v in values), default=1)
    label_pt_tall = widest * label_pt if rotation else 1.3 * label_pt
    share = min((label_pt_tall + 3) * CM_PER_INCH / 72 / plot_height_cm, 0.45)
    ax.margins(y=share / (1 - share) + 0.02)
    if values and min(values) < 0:
        ax.axhline(0, color=ax.spines["bottom"].get_edgecolor(), linewidth=0.6, zorder=3)
    _number_axis(ax.yaxis, number, integer=False)


def _end_on_a_gridline(ax: Axes) -> None:
    """Raise the top of the value axis to the next tick, so the grid encloses every value."""
    low, high = ax.get_ylim()
    above = [t for t in ax.yaxis.get_major_locator().tick_values(low, high) if t >= high]
    if above:
        ax.set_ylim(low, above[0])


def _value_label_style(values: list[float], bar_cm: float, plot_height_cm: float,
                       number: Number) -> tuple[int, float, int]:
    """Return decimals, size in points and rotation that let the bar values fit their bars.

    Labels stay horizontal and lose decimals when bars are narrow; when even whole numbers
    do not fit at the smallest size, they turn upright.
    """
    def size_to_fit(room_cm: float, decimals: int) -> float:
        widest = max((label_ems(number(v, decimals=decimals)) for v in values), default=1)
        return room_cm * 72 / CM_PER_INCH / widest

    room = bar_cm
    for decimals in (2, 1, 0):
        size = size_to_fit(room, decimals)
        if size >= MIN_VALUE_LABEL_PT:
            return decimals, min(size, VALUE_LABEL_PT), 0
    # Upright: the label's line height must fit the bar, its length a quarter of the plot.
    line_pt = room * 72 / CM_PER_INCH / 1.2
    for decimals in (2, 1, 0):
        if size_to_fit(plot_height_cm / 4, decimals) >= MIN_VALUE_LABEL_PT:
            break
    size = min(VALUE_LABEL_PT, max(MIN_VALUE_LABEL_PT, line_pt),
               max(MIN_VALUE_LABEL_PT, size_to_fit(plot_height_cm / 4, decimals)))
    return decimals, size, 90


def _draw_lines(ax: Axes, chart: ChartData, palette: list[str], categorical: bool,
                width_cm: float, number: Number) -> None:
    """Draw one line with small markers per series."""
    style = {"linewidth": 1.6, "marker": "o", "markersize": 3.4, "markeredgewidth": 0,
             "zorder": 3, "clip_on": False}
    if categorical:
        categories = x_categories(chart, categorical)
        index = {x: i for i, x in enumerate(categories)}
        for series, colour in zip(chart.series, palette, strict=True):
            xs = [index[x] for x, _ in series.points]
            ys = [y for _, y in series.points]
            ax.plot(xs, ys, color=colour, label=series.name, **style)
        per_category_cm = _plot_width_cm(width_cm) / max(len(categories), 1)
        ax.set_xticks(range(len(categories)),
                      labels=[_wrap(str(x), per_category_cm) for x in categories])
        ax.set_xlim(-0.3, len(categories) - 0.7)
    else:
        for series, colour in zip(chart.series, palette, strict=True):
            points = sorted(series.points, key=lambda point: float(point[0]))
            ax.plot([float(x) for x, _ in points], [y for _, y in points], color=colour,
                    label=series.name, **style)
        xs = sorted({float(x) for s in chart.series for x, _ in s.points})
        bins = max(3, int(_plot_width_cm(width_cm) / YEAR_LABEL_CM))
        _number_axis(ax.xaxis, number, integer=all(x.is_integer() for x in xs), bins=bins)
        if len(xs) == 1:
            ax.set_xticks(xs)
            ax.set_xlim(xs[0] - 1, xs[0] + 1)
        else:
            ax.margins(x=0.02)
    ax.margins(y=0.08)
    _number_axis(ax.yaxis, number, integer=False)


def _legend(ax: Axes, chart: ChartData) -> None:
    """Place a frameless legend above the plot, aligned with its left edge."""
    handle = {"handlelength": 0.9, "handleheight": 0.9} if chart.type == "bar" else {
        "handlelength": 1.8}
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=min(len(chart.series), 4),
              borderaxespad=0, borderpad=0, columnspacing=1.6, handletextpad=0.5,
              **handle)


def _number_axis(axis: Any, number: Number, *, integer: bool,
                 bins: int | str = "auto") -> None:
    """Give a numeric axis plain tick labels: no offset, no '.0', integer ticks if asked."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if integer:
        axis.set_major_locator(MaxNLocator(nbins=bins, integer=True, min_n_ticks=2))
    group = axis.axis_name == "y"
    axis.set_major_formatter(FuncFormatter(
        lambda value, _pos: number(value, group=group)))


def _plot_height_cm(chart: ChartData, height_cm: float) -> float:
    """Return the approximate height of the plot area, the figure less labels and legend."""
    taken = 1.0 + (0.5 if chart.x_label else 0) + (0.5 if len(chart.series) > 1 else 0)
    return max(height_cm - taken, 1.0)


def _plot_width_cm(width_cm: float) -> float:
    """Return the approximate width of the plot area, the figure less the y axis."""
    return max(width_cm - 1.8, 1.0)


def _wrap(label: str, available_cm: float) -> str:
    """Wrap a tick label so it fits the width of its category."""
    chars = int(available_cm / (TEXT_PT * 0.55 * CM_PER_INCH / 72))
    return textwrap.fill(label, width=max(chars, 6), break_long_words=False)


