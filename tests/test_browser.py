"""The HTML page in a real browser: headless Chromium, driven by Selenium.

Each example page, at a phone's width (390 px) and a desktop's (1280 px): its web fonts
load and draw its text, nothing is requested from outside the page, every internal link
leads somewhere shown, nothing runs off the side, and a note call leads to its note and
back. A profile's theme reaches Chromium's computed styles. One browser for the module.
Skipped, with the reason, without chromium and chromedriver (apt-get install chromium
chromium-driver) or selenium (pip install '.[test]').
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, ROOT

from briefgen.pipeline import build
from briefgen.templates import TemplateSet

EXAMPLES = [ROOT / "content" / "pakistan-russia" / f"{kind}.yaml"
            for kind in ("brief", "report", "book-review")]
WIDTHS = (390, 1280)
BUNDLED = ("Charis SIL", "Inter", "Noto Naskh Arabic")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, through the system's chromedriver."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not browser_path or not driver_path:
        pytest.skip("chromium or chromedriver is not installed "
                    "(apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The driver's path given explicitly: Selenium Manager never downloads one.
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(every_example: dict[str, Path]) -> dict[str, Path]:
    """Every example's HTML pages: {file name: path}."""
    return {name: path for name, path in every_example.items() if path.suffix == ".html"}


def open_page(driver, path: Path, width: int) -> None:
    """Load path at width and wait until its fonts are ready."""
    driver.set_window_size(width, 900)
    driver.get_log("performance")  # what earlier pages asked for: only this page's is read
    driver.get(path.as_uri())
    driver.execute_script("window.scrollTo(0, 0)")
    driver.execute_async_script("document.fonts.ready.then(arguments[0])")


def page_names() -> list[str]:
    """The example pages' file names (without building them)."""
    return [f"pakistan-russia-{path.stem}-{audience}.html" for path in EXAMPLES
            for audience in ("policymaker", "academic", "public")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", page_names())
def test_page_in_chromium(browser, pages, name, width):
    path = pages[name]
    open_page(browser, path, width)
    requests = [json.loads(entry["message"])["message"] for entry in browser.get_log(
        "performance")]

    # The web fonts load, and body text and headings are set in them.
    faces = browser.execute_script(
        "return [...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
    families = {family for family, _ in faces}
    assert {"Charis SIL", "Inter"} <= families, faces
    # Every face embedded is loaded: a face the page does not use would stay "unloaded".
    assert all(status == "loaded" for _, status in faces), faces
    assert browser.execute_script("return document.fonts.status") == "loaded"
    fonts = browser.execute_script(
        "const f = s => getComputedStyle(document.querySelector(s)).fontFamily;"
        "return [f('main p'), f('h1'), f('h2')]")
    assert fonts[0].startswith('"Charis SIL"') and fonts[1].startswith("Inter") \
        and fonts[2].startswith("Inter"), fonts

    # No request leaves the page: only the page itself and data: URIs are loaded.
    urls = {m["params"]["request"]["url"] for m in requests
            if m["method"] == "Network.requestWillBeSent"}
    assert urls and all(url == path.as_uri() or url.startswith("data:") for url in urls), \
        sorted(url[:80] for url in urls)
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(name.startswith("data:") for name in resources), resources

    # Every internal link leads to an element; one the reader can follow, to a shown one.
    broken = browser.execute_script("""
        const bad = [];
        for (const a of document.querySelectorAll('a[href^="#"]')) {
          const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
          const shown = a.getClientRects().length > 0;
          if (!target || (shown && target.getClientRects().length === 0))
            bad.push(a.getAttribute('href'));
        }
        return bad;""")
    assert broken == []

    # Nothing runs off the side: not the page, not one element.
    overflow = browser.execute_script("""
        const root = document.documentElement, limit = root.clientWidth, bad = [];
        if (root.scrollWidth > limit) bad.push(`document: ${root.scrollWidth} > ${limit}`);
        for (const el of document.body.querySelectorAll('*')) {
          const box = el.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) continue;  // not drawn
          if (box.right > limit + 0.5 || box.left < -0.5 || el.scrollWidth > el.clientWidth + 1)
            bad.push(`${el.tagName}.${el.className}: ${Math.round(box.left)}-` +
                     `${Math.round(box.right)} of ${limit}, scroll ${el.scrollWidth}`);
        }
        return bad.slice(0, 10);""")
    assert overflow == [], overflow


def in_view(driver, element_id: str) -> bool:
    """Tell whether the element with element_id is within the window."""
    return driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return r.bottom > 0 && r.top < window.innerHeight", element_id)


def noted_page_names() -> list[str]:
    """The example pages of the editions that show notes (the memo and public ones hide them)."""
    templates = TemplateSet(())
    names = []
    for path in EXAMPLES:
        kind = yaml.safe_load(path.read_text(encoding="utf-8"))["kind"]
        names += [f"pakistan-russia-{path.stem}-{audience}.html"
                  for audience in ("policymaker", "academic", "public")
                  if templates.audience(audience).for_kind(kind).notes != "hidden"]
    return names


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", noted_page_names())
def test_note_call_leads_to_its_note_and_back(browser, pages, name, width):
    from selenium.webdriver.common.by import By

    open_page(browser, pages[name], width)
    calls = [a for a in browser.find_elements(By.CSS_SELECTOR, ".fn-call a") if a.is_displayed()]
    assert calls, "no note call shown"
    call = calls[len(calls) // 2]
    number = call.text
    assert call.find_element(By.XPATH, "..").tag_name == "sup"  # a superscript link
    assert call.get_attribute("role") == "doc-noteref"  # announced as one (DPUB-ARIA)
    call.click()
    assert browser.execute_script("return location.hash") == f"#note-{number}"
    assert in_view(browser, f"note-{number}")
    back = browser.find_element(By.CSS_SELECTOR, f"#note-{number} a.note-number")
    assert back.get_attribute("role") == "doc-backlink"
    back.click()
    assert browser.execute_script("return location.hash") == f"#call-{number}"
    assert in_view(browser, f"call-{number}")


def test_text_is_drawn_in_the_web_fonts_and_arabic_only_in_arabic(browser, pages):
    """Chromium's own account of the fonts it drew each element's text in (DevTools)."""
    open_page(browser, pages["pakistan-russia-brief-academic.html"], 1280)
    browser.execute_script("""
        for (const el of document.body.querySelectorAll('*'))
          if ([...el.childNodes].some(n => n.nodeType === 3 && n.data.trim())
              && el.getClientRects().length) el.setAttribute('data-text', '');""")
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    root = browser.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    nodes = browser.execute_cdp_cmd("DOM.querySelectorAll",
                                    {"nodeId": root, "selector": "[data-text]"})["nodeIds"]
    drawn: dict[str, int] = {}
    for node in nodes:
        for font in browser.execute_cdp_cmd("CSS.getPlatformFontsForNode",
                                            {"nodeId": node})["fonts"]:
            assert font["isCustomFont"], font  # a web font of the page, not the system's
            assert font["familyName"].startswith(BUNDLED), font
            family = next(f for f in BUNDLED if font["familyName"].startswith(f))
            drawn[family] = drawn.get(family, 0) + font["glyphCount"]
    arabic = browser.execute_script(
        "return [...document.querySelectorAll('[data-text]')].map(el => [...el.childNodes]"
        ".filter(n => n.nodeType === 3).map(n => n.data).join('')).join('')"
        ".match(/[\\u0600-\\u06ff]/g).length")
    # The Arabic face draws the Urdu word and nothing else: no colon, comma or digit.
    assert 0 < drawn["Noto Naskh Arabic"] <= arabic
    assert drawn["Charis SIL"] > 10_000 and drawn["Inter"] > 1_000


def test_printing_the_page_from_a_browser_prints_the_notes_as_a_list(browser, pages):
    open_page(browser, pages["pakistan-russia-brief-academic.html"], 1280)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            "const d = s => getComputedStyle(document.querySelector(s)).display;"
            "return [d('.running-header'), d('.footnote'), d('.fn-call'), d('.endnotes')]")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    # A browser knows neither running headers nor CSS footnotes: it prints the calls and
    # the numbered list, not every note in the middle of its sentence.
    assert shown == ["none", "none", "inline", "block"]


@pytest.mark.parametrize("where", ["profile", "project theme file"])
def test_a_theme_reaches_chromium(browser, tmp_path, where):
    """Set once, in a profile or in the project's templates/theme.yaml (theme.py)."""
    theme = '{primary: "#8a1538", accent: "#00695c", serif: "Inter", sans: "Charis SIL"}'
    profile = (ROOT / "templates" / "audiences" / "academic.yaml").read_text(encoding="utf-8")
    audiences = tmp_path / "project" / "templates" / "audiences"
    audiences.mkdir(parents=True)
    if where == "profile":
        profile += f"theme: {theme}\n"
    else:
        items = theme.strip("{}").split(", ")
        (audiences.parent / "theme.yaml").write_text("\n".join(items) + "\n", encoding="utf-8")
    (audiences / "house.yaml").write_text(profile, encoding="utf-8")
    document = tmp_path / "project" / "doc" / "brief.yaml"
    document.parent.mkdir()
    document.write_text(MINIMAL.replace("[academic]", "[house]"), encoding="utf-8")
    [written] = build([document], out=tmp_path / "out", formats=["html"])
    open_page(browser, written.job.path, 1280)
    style = browser.execute_script(
        "const s = q => getComputedStyle(document.querySelector(q));"
        "return [s('h1').color, s('h1').fontFamily, s('.key-messages h2').color,"
        "        s('main p').fontFamily]")
    assert style[0] == "rgb(138, 21, 56)"  # primary
    assert style[1].startswith('"Charis SIL"')  # the theme's sans, for headings
    assert style[2] == "rgb(0, 105, 92)"  # accent
    assert style[3].startswith("Inter")  # the theme's serif, for body text
    faces = browser.execute_script(
        "return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert {"Inter", "Charis SIL"} <= {face.strip('"') for face in faces}
