"""Charts drawn from data: SVG and PNG output, determinism, styling rules and guards."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from briefgen.charts import draw
from briefgen.models import Chart, Series

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "templates" / "fonts"
COLOURS = ["#14395c", "#b4462b", "#6b8f71"]
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def exports_bar() -> Chart:
    return Chart(type="bar", y_label="US$ million", series=[{
        "name": "Pakistani exports to Russia",
        "points": [["1996", 13.2], ["2024", 75.16], ["2025 (est.)", 88.3]]}])


def trade_lines() -> Chart:
    years = range(2015, 2025)
    return Chart(type="line", x_label="Year", y_label="US$ million", series=[
        {"name": "Exports", "points": [[y, 30 + 5 * i] for i, y in enumerate(years)]},
        {"name": "Imports", "points": [[y, 100 + 90 * i] for i, y in enumerate(years)]}])


def parse_svg(data: bytes) -> ET.Element:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    return ET.fromstring(data, parser=parser)


def labels(root: ET.Element, group_prefix: str) -> list[str]:
    """Return the text of the labels in groups whose id starts with group_prefix, in order.

    With text as paths, matplotlib keeps each label's text in a comment inside its group.
    """
    found = []
    for group in root.iter(f"{SVG_NS}g"):
        if group.get("id", "").startswith(group_prefix):
            comments = [node.text.strip() for node in group.iter()
                        if node.tag is ET.Comment and node.text]
            found.extend(comments[:1])
    return found


def legend_entries(root: ET.Element) -> list[str]:
    """Return the legend's labels, in order."""
    legend = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "legend_1")
    return [node.text.strip() for node in legend.iter() if node.tag is ET.Comment and node.text]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def png_texts(data: bytes) -> dict[bytes, bytes]:
    """Return the tEXt chunks of a PNG."""
    texts, pos = {}, 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key] = value
        if kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            texts[key] = zlib.decompress(rest[1:])
        pos += 12 + length
    return texts


@pytest.mark.parametrize("chart", [exports_bar(), trade_lines()], ids=["bar", "line"])
def test_svg_is_vector_without_text_elements(chart: Chart) -> None:
    data = draw(chart, "svg", colours=COLOURS, font_dir=FONTS)
    root = parse_svg(data)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width", "").endswith("pt") and root.get("viewBox")
    assert list(root.iter(f"{SVG_NS}path"))
    assert b"<path" in data
    assert b"<text" not in data  # text is drawn as paths: no fonts needed to show it
    assert b"<image" not in data  # nothing rasterised
    assert b"<dc:date>" not in data


@pytest.mark.parametrize("chart", [exports_bar(), trade_lines()], ids=["bar", "line"])
def test_svg_is_identical_across_calls(chart: Chart) -> None:
    first = draw(chart, "svg", colours=COLOURS, font_dir=FONTS)
    second = draw(chart, "svg", colours=COLOURS, font_dir=FONTS)
    assert first == second


def test_svg_is_identical_across_processes() -> None:
    code = ("import sys; from pathlib import Path; from briefgen.charts import draw; "
            "from briefgen.models import Chart; "
            "chart = Chart(type='line', series=[{'name': 'a', 'points': [[2020, 1], [2021, 2]]},"
            "{'name': 'b', 'points': [[2020, 2], [2021, 1]]}]); "
            "sys.stdout.buffer.write(draw(chart, 'svg', colours=['#14395c', '#b4462b'], "
            f"font_dir=Path({str(FONTS)!r})))")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0].startswith(b"<?xml")


def test_bars_and_lines_use_the_given_colours_in_order() -> None:
    bar = draw(exports_bar(), "svg", colours=["#AA1122", "#33BB44"]).decode().lower()
    assert "#aa1122" in bar
    assert "#33bb44" not in bar  # one series: only the first colour
    lines = draw(trade_lines(), "svg", colours=["#aa1122", "#33bb44"]).decode().lower()
    assert "stroke: #aa1122" in lines and "stroke: #33bb44" in lines


def test_colours_cycle_when_there_are_more_series_than_colours() -> None:
    chart = Chart(type="bar", series=[
        {"name": name, "points": [["a", 1 + i], ["b", 2 + i]]}
        for i, name in enumerate(["one", "two", "three"])])
    svg = draw(chart, "svg", colours=["#aa1122", "#33bb44"]).decode()
    # Series 1 and 3 share the first colour: two bars and one legend swatch each.
    assert svg.count("fill: #aa1122") == 2 * (2 + 1)
    assert svg.count("fill: #33bb44") == 2 + 1
    assert "fill: #33bb44" in svg


def test_text_uses_inter_from_font_dir_and_falls_back_without_it(tmp_path: Path) -> None:
    with_inter = draw(exports_bar(), "svg", colours=COLOURS, font_dir=FONTS)
    assert b'id="Inter-Regular-' in with_inter
    for missing in (None, tmp_path):  # no folder, or a folder without the font files
        fallback = draw(exports_bar(), "svg", colours=COLOURS, font_dir=missing)
        assert b'id="Inter-' not in fallback
        assert b'id="DejaVuSans-' in fallback
    # Registering again is harmless and gives the same output.
    assert draw(exports_bar(), "svg", colours=COLOURS, font_dir=FONTS) == with_inter


def test_categories_keep_their_order_and_bars_carry_their_values() -> None:
    chart = Chart(type="bar", series=[{"name": "s", "points": [
        ["Zeta", 3], ["Alpha", 1.5], ["Mid", 1000.456], ["Beta", 20.10]]}])
    root = parse_svg(draw(chart, "svg", colours=COLOURS, font_dir=FONTS))
    assert labels(root, "xtick_") == ["Zeta", "Alpha", "Mid", "Beta"]
    texts = labels(root, "text_")
    for value in ("3", "1.5", "1000.46", "20.1"):
        assert value in texts
    assert not any(text.endswith(".0") or text.endswith("0.") for text in texts)
    assert "legend_1" not in ET.tostring(root, encoding="unicode")  # one series, no legend


def test_bar_chart_of_years_with_an_estimate() -> None:
    root = parse_svg(draw(exports_bar(), "svg", colours=COLOURS, font_dir=FONTS))
    assert labels(root, "xtick_") == ["1996", "2024", "2025 (est.)"]
    assert {"13.2", "75.16", "88.3"} <= set(labels(root, "text_"))


def test_year_axis_has_plain_integer_ticks() -> None:
    chart = Chart(type="line", series=[{"name": "s", "points": [
        [2016, 1.0], [2017, 2.5], [2018, 2.0], [2019, 4.0], [2020, 3.0]]}])
    root = parse_svg(draw(chart, "svg", colours=COLOURS))
    ticks = labels(root, "xtick_")
    assert ticks, "no x tick labels found"
    assert all(tick.isdigit() and len(tick) == 4 for tick in ticks), ticks
    assert "2016" in ticks and "2020" in ticks
    assert len(set(ticks)) == len(ticks)  # no repeated year from fractional ticks


def test_numeric_bar_categories_are_sorted_and_formatted_as_years() -> None:
    chart = Chart(type="bar", series=[
        {"name": "a", "points": [[2022, 1], [2020, 2]]},
        {"name": "b", "points": [[2021, 3], [2020, 4]]}])
    root = parse_svg(draw(chart, "svg", colours=COLOURS))
    assert labels(root, "xtick_") == ["2020", "2021", "2022"]
    assert legend_entries(root) == ["a", "b"]


def test_legend_only_for_several_series() -> None:
    several = draw(trade_lines(), "svg", colours=COLOURS)
    assert legend_entries(parse_svg(several)) == ["Exports", "Imports"]
    one = Chart(type="line", series=[trade_lines().series[0]])
    assert 'id="legend_1"' not in draw(one, "svg", colours=COLOURS).decode()


def test_negative_and_large_values_are_labelled_readably() -> None:
    chart = Chart(type="bar", series=[{"name": "s", "points": [
        ["deficit", -258.5], ["surplus", 12345.678]]}])
    texts = labels(parse_svg(draw(chart, "svg", colours=COLOURS)), "text_")
    assert "\u2212258.5" in texts
    assert "12,345.68" in texts


def test_png_is_300_dpi_at_the_requested_size() -> None:
    data = draw(exports_bar(), "png", colours=COLOURS, font_dir=FONTS)
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert abs(width - 16 / 2.54 * 300) <= 2
    assert abs(height - 7 / 2.54 * 300) <= 2
    small = draw(exports_bar(), "png", colours=COLOURS, width_cm=8, height_cm=5)
    assert abs(png_size(small)[0] - 8 / 2.54 * 300) <= 2
    assert b"Software" not in png_texts(data)


@pytest.mark.parametrize("chart", [exports_bar(), trade_lines()], ids=["bar", "line"])
def test_png_is_identical_across_calls(chart: Chart) -> None:
    first = draw(chart, "png", colours=COLOURS, font_dir=FONTS)
    assert draw(chart, "png", colours=COLOURS, font_dir=FONTS) == first


def test_png_has_an_opaque_white_background() -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(draw(exports_bar(), "png", colours=COLOURS))).convert("RGBA")
    assert image.getpixel((image.width - 1, image.height // 2)) == (255, 255, 255, 255)
    assert image.getpixel((0, 0)) == (255, 255, 255, 255)


def test_concurrent_draws_give_the_same_bytes() -> None:
    expected = draw(trade_lines(), "svg", colours=COLOURS, font_dir=FONTS)
    results: list[bytes] = []

    def work() -> None:
        results.append(draw(trade_lines(), "svg", colours=COLOURS, font_dir=FONTS))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_mixed_x_values_within_a_series_are_rejected_by_the_model() -> None:
    # The model runs the same check, so `validate` reports it with file and line.
    with pytest.raises(ValueError, match=r"'exports' mixes numeric and text x values"):
        Chart(type="bar", series=[{"name": "exports", "points": [
            [1996, 13.2], [2024, 75.16], ["2025 (est.)", 88.3]]}])


@pytest.mark.parametrize("kind", ["line", "bar"])
def test_mixed_x_values_across_series_are_rejected(kind: str) -> None:
    with pytest.raises(ValueError, match="numeric and text x values"):
        Chart(type=kind, series=[
            {"name": "years", "points": [[2020, 1], [2021, 2]]},
            {"name": "labels", "points": [["a", 1], ["b", 2]]}])


def test_repeated_x_value_and_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="twice"):
        Chart(type="line", series=[{"name": "s", "points": [[2020, 1], [2020, 2]]}])
    # draw() checks too, for a chart built without validation.
    unchecked = Chart.model_construct(type="line", series=[
        Series.model_construct(name="s", points=[(2020, 1.0), (2020, 2.0)])])
    with pytest.raises(ValueError, match="twice"):
        draw(unchecked, "svg", colours=COLOURS)
    with pytest.raises(ValueError, match="format"):
        draw(exports_bar(), "pdf", colours=COLOURS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="colour"):
        draw(exports_bar(), "svg", colours=[])


def test_importing_the_module_does_not_import_matplotlib() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import briefgen.charts, sys; print('matplotlib' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
