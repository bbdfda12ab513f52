"""A right-to-left edition on screen: the Urdu brief's HTML page in headless Chromium.

At a phone's width (390 px) and a desktop's (1280 px): the page's computed direction is
rtl, a summary paragraph's lines end at its right edge and start ragged on the left, the
table's first column stands right of the second, the key-messages rule is on the right,
and a list's markers stand right of their text. The same brief in English fails each of
these checks. Skipped as tests/test_browser.py is, without chromium, chromedriver or
selenium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import browser, open_page  # noqa: F401 (browser is a fixture)
from test_rtl_pdf import ENGLISH, URDU, build_brief

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def urdu_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Urdu brief's HTML page, built once for the module."""
    return build_brief(URDU, tmp_path_factory.mktemp("urdu-html"), "html")


@pytest.fixture(scope="module")
def english_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same brief in English, built once for the module."""
    return build_brief(ENGLISH, tmp_path_factory.mktemp("english-html"), "html")


# What Chromium lays out: the direction, the summary's lines, the table's headings, the
# key-messages box's rule, the markers of a list (a marker is drawn outside its item, in
# the list's padding on the item's start side: the side of the item its padding is on).
_LAYOUT = """
const rect = e => e.getBoundingClientRect();
const p = document.querySelector('.summary p');
const range = document.createRange();
range.selectNodeContents(p);
const lines = {};
for (const r of range.getClientRects()) {
  if (r.width < 1) continue;
  const top = Math.round(r.top / 4);
  const line = lines[top] || (lines[top] = {top: r.top, left: r.left, right: r.right});
  line.left = Math.min(line.left, r.left); line.right = Math.max(line.right, r.right);
}
const box = getComputedStyle(document.querySelector('.key-messages'));
const list = document.querySelector('.section-history ul');
const item = list.querySelector('li');
return {
  direction: getComputedStyle(document.documentElement).direction,
  p: {left: rect(p).left, right: rect(p).right},
  lines: Object.values(lines).sort((a, b) => a.top - b.top),
  th: [...document.querySelectorAll('table th')].slice(0, 2).map(e => rect(e).left),
  rule: [parseFloat(box.borderLeftWidth), parseFloat(box.borderRightWidth)],
  marker: [rect(item).left - rect(list).left, rect(list).right - rect(item).right],
};
"""


def layout(driver, page: Path, width: int) -> dict:
    """Open page at width and return what _LAYOUT measures."""
    open_page(driver, page, width)
    return driver.execute_script(_LAYOUT)


def check_rtl(found: dict) -> None:
    """Assert the measured page is laid out right to left."""
    assert found["direction"] == "rtl"
    lines = found["lines"]
    assert len(lines) >= 3, "the summary paragraph has too few lines to tell"
    for line in lines:
        assert abs(line["right"] - found["p"]["right"]) < 1.5, \
            f"a line ends at {line['right']:.0f}, not at the paragraph's right edge"
    assert max(line["left"] for line in lines) - found["p"]["left"] > 20, \
        "the lines' left edges are not ragged"
    first, second = found["th"]
    assert first > second, "the table's first column is not right of the second"
    left, right = found["rule"]
    assert right > 0 and left == 0, "the key-messages rule is not on the right"
    before, after = found["marker"]
    assert after > before, "the list's markers are not on the right"


@pytest.mark.parametrize("width", WIDTHS)
def test_urdu_page_is_right_to_left(browser, urdu_page, width):  # noqa: F811
    check_rtl(layout(browser, urdu_page, width))


@pytest.mark.parametrize("width", WIDTHS)
def test_english_page_fails_the_checks(browser, english_page, width):  # noqa: F811
    found = layout(browser, english_page, width)
    with pytest.raises(AssertionError):
        check_rtl(found)
    # Each part on its own fails too: direction, alignment, columns, rule, markers.
    assert found["direction"] == "ltr"
    assert any(abs(line["right"] - found["p"]["right"]) >= 1.5 for line in found["lines"])
    assert found["th"][0] < found["th"][1]
    assert found["rule"][0] > 0 and found["rule"][1] == 0
    assert found["marker"][0] > found["marker"][1]
