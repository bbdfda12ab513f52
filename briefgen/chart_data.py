"""Read a chart's data: check its x values, list its categories, format its numbers.

Nothing here draws: the content checks use check() without Matplotlib, and the drawing
(charts.py) takes its categories, labels and their widths from here. A chart is anything
shaped like ChartData (models.Chart is), so this module imports no other briefgen module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, Protocol

__all__ = ["ChartData", "SeriesData", "category_label", "check", "finite",
           "format_number", "label_ems", "x_categories", "x_is_categorical"]

DIGIT_EM = 0.6  # width of a digit or minus sign, in ems
NARROW_EM = 0.3  # width of a decimal point or thousands separator, in ems


class SeriesData(Protocol):
    """One named series of (x, y) points."""

    @property
    def name(self) -> str: ...

    @property
    def points(self) -> Sequence[tuple[float | str, float]]: ...


class ChartData(Protocol):
    """What a chart is made of: its kind, axis labels and series."""

    @property
    def type(self) -> Literal["line", "bar"]: ...

    @property
    def x_label(self) -> str | None: ...

    @property
    def y_label(self) -> str | None: ...

    @property
    def series(self) -> Sequence[SeriesData]: ...


def check(chart: ChartData) -> None:
    """Raise ValueError, saying what to change, if chart cannot be drawn as given."""
    x_is_categorical(chart)


def x_is_categorical(chart: ChartData) -> bool:
    """Return True when all x values are labels, False when all are numbers; else raise."""
    kinds: list[tuple[str, str]] = []
    for series in chart.series:
        found = {_x_kind(x) for x, _ in series.points}
        if len(found) > 1:
            raise ValueError(
                f"chart series {series.name!r} mixes numeric and text x values "
                f"({_examples(series.points)}); use only numbers (e.g. years) or only text "
                "labels; quote numbers ('1996') to make them labels")
        if found:
            kinds.append((series.name, found.pop()))
        seen: set[Any] = set()
        for x, _ in series.points:
            if x in seen:
                raise ValueError(f"chart series {series.name!r} has x value {x!r} twice")
            seen.add(x)
    if not kinds:
        raise ValueError("chart has no data points")
    if len({kind for _, kind in kinds}) > 1:
        numeric = [name for name, kind in kinds if kind == "number"]
        text = [name for name, kind in kinds if kind == "text"]
        raise ValueError(
            "chart series mix numeric and text x values (numbers in "
            f"{', '.join(map(repr, numeric))}; text in {', '.join(map(repr, text))}); "
            "use one kind in all series; quote numbers ('1996') to make them labels")
    return kinds[0][1] == "text"


def _x_kind(x: object) -> str:
    """Return 'text' or 'number' for one x value."""
    if isinstance(x, str):
        return "text"
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return "number"
    raise ValueError(f"chart x values must be numbers or text, found {x!r}")


def _examples(points: Sequence[tuple[float | str, float]]) -> str:
    """Return a short text listing one numeric and one text x value of the points."""
    number = next((x for x, _ in points if not isinstance(x, str)), None)
    text = next((x for x, _ in points if isinstance(x, str)), None)
    return f"{format_number(number, group=False)} and {text!r}"


def x_categories(chart: ChartData, categorical: bool) -> list[float | str]:
    """Return the x values of all series: labels in first-seen order, numbers ascending."""
    seen: dict[float | str, None] = {}
    for series in chart.series:
        for x, _ in series.points:
            seen.setdefault(x, None)
    return list(seen) if categorical else sorted(seen, key=float)


def category_label(x: float | str) -> str:
    """Return the tick label of one category: text as given, numbers without '.0'."""
    return x if isinstance(x, str) else format_number(x, group=False)


def label_ems(label: str) -> float:
    """Return the approximate width of a number label in ems."""
    return sum(NARROW_EM if char in ".," else DIGIT_EM for char in label)


def finite(value: float) -> bool:
    """Return whether a value can be drawn and labelled."""
    return isinstance(value, (int, float)) and math.isfinite(value)


def format_number(value: float | None, *, group: bool = True, decimals: int = 2,
                  language: str = "en") -> str:
    """Format a number with at most `decimals` decimals, no trailing zeros, a true minus.

    English groups digits from 10,000 (house style: "3250", "12,500"); another language
    groups and marks decimals as its CLDR data says ("3 250", "3 250,5").
    """
    if value is None:
        return "?"
    magnitude = abs(value)
    if language.split("-")[0].lower() != "en":
        from babel.numbers import format_decimal

        pattern = ("#,##0" if group else "0") + ("." + "#" * decimals if decimals else "")
        text = format_decimal(magnitude, format=pattern, locale=language.replace("-", "_"))
        return f"\u2212{text}" if value < 0 and text.strip("0,. \u00a0\u202f") else text
    separator = "," if group and magnitude >= 10_000 else ""
    text = f"{magnitude:{separator}.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "0":
        return text
    return f"\u2212{text}" if value < 0 else text
