"""Figures: an image from the document's folder and a chart drawn from data, with captions,
source lines and alt text that reach every format (the PDF's structure tree, Word's
picture description)."""

from __future__ import annotations

import docx
from conftest import MINIMAL
from PIL import Image
from pypdf import PdfReader

from briefgen.pipeline import build

FIGURES = """\
  economic:
    title: "Economy"
    lead: "Lead."
    body: "Trade grew ([@fig:trend]), as the map shows ([@fig:map]) [@doe2024]."
    figures:
      - id: map
        caption: "Where the pipeline runs"
        alt: "Map of the pipeline route from Karachi to Lahore"
        image: map.png
        source: "[@doe2024]"
      - id: trend
        caption: "Trade, two measures"
        alt: "Line chart: both measures of trade rise from 2019 to 2024"
        chart:
          type: line
          x_label: "Year"
          series:
            - {name: "Exports", points: [[2019, 30], [2021, 45], [2024, 75]]}
            - {name: "Imports", points: [[2019, 200], [2021, 380], [2024, 520]]}
"""


def alt_texts(reader: PdfReader) -> list[str]:
    """Every /Alt in the PDF's structure tree."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                stack.append(node["/K"])
    return found


def test_image_and_chart_figures_in_every_format(write_doc, tmp_path):
    old = '  economic: {title: "Economy", lead: "Lead.", body: "Economy body."}\n'
    path = write_doc(MINIMAL.replace(old, FIGURES))
    Image.new("RGB", (400, 200), "#336699").save(path.parent / "map.png")
    written = {w.job.format: w.job.path for w in build([path], out=tmp_path / "out")}

    html = written["html"].read_text(encoding="utf-8")
    assert 'alt="Map of the pipeline route from Karachi to Lahore"' in html
    assert "data:image/svg+xml;base64," in html  # the chart, as a vector
    # Numbered in document order; cross-references link to them.
    assert html.index("Figure 1.</span> Where the pipeline runs") < html.index(
        "Figure 2.</span> Trade, two measures")
    assert '<a class="xref" href="#figure-2">Figure\u00a02</a>' in html

    alts = alt_texts(PdfReader(written["pdf"]))
    assert "Map of the pipeline route from Karachi to Lahore" in alts
    assert "Line chart: both measures of trade rise from 2019 to 2024" in alts

    document = docx.Document(str(written["docx"]))
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert "Map of the pipeline route from Karachi to Lahore" in descriptions
    assert "Line chart: both measures of trade rise from 2019 to 2024" in descriptions
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Figure 1. Where the pipeline runs", "Figure 2. Trade, two measures"]


def test_a_figure_without_alt_text_is_an_error(write_doc):
    from briefgen.content import load
    from briefgen.errors import ContentError

    old = '  economic: {title: "Economy", lead: "Lead.", body: "Economy body."}\n'
    text = MINIMAL.replace(old, FIGURES.replace(
        '        alt: "Map of the pipeline route from Karachi to Lahore"\n', ""))
    path = write_doc(text)
    try:
        load(path)
    except ContentError as error:
        # The image file is missing too: every error comes in the same round.
        [message] = [str(d) for d in error.diagnostics if "figures[0].alt" in str(d)]
        # Reported at the figure (line 18), naming the missing field.
        assert message.startswith(f"{path}:18:") and "figures[0].alt" in message, message
        assert "required" in message
    else:
        raise AssertionError("a figure without alt text was accepted")


def test_long_urls_wrap_inside_the_text_block(write_doc, tmp_path):
    import re
    import subprocess

    from conftest import need

    need("pdftotext")
    url = "https://example.org/" + "averylongpathsegment" * 12  # no break opportunity
    text = MINIMAL.replace('date: 2024}', f'date: 2024, url: "{url}"}}').replace(
        "History body.", f"History body.^[See <{url}> for the record.]")
    written = build([write_doc(text)], out=tmp_path / "out", formats=["pdf"])
    boxes = subprocess.run(["pdftotext", "-bbox", str(written[0].job.path), "-"],
                           capture_output=True, text=True, check=True).stdout
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    # A4 is 595 pt wide with 18 mm (51 pt) margins: nothing may pass 544 pt.
    assert right and max(right) <= 545, max(right)
