"""`briefgen preview` in a real browser: headless Chromium, driven by Selenium.

The command runs as a user runs it; the test edits the YAML on disk and waits for the
page to show the new text where the reader was, breaks the YAML and sees the located
mistake over the last good page, fixes it and sees the mistake go, and watches the PDF
come in with its checks. Skipped, with the reason, without chromium and chromedriver or
selenium (the `browser` fixture, tests/test_browser.py).
"""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE
from test_browser import browser  # noqa: F401 (a fixture)
from test_preview import NAME, TITLE, _start

WAIT = 60  # seconds; a save shows in well under one


@pytest.fixture
def preview(tmp_path: Path):
    """The preview command on a copy of the example brief: (url, the brief's path)."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "brief.yaml")
    shutil.copy(EXAMPLE.with_name("logo.png"), folder / "logo.png")
    process, url, lines = _start(".", "--no-browser", cwd=folder)
    yield url, folder / "brief.yaml"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 130
    assert "Traceback" not in "".join(lines)


def _until(driver, script: str, seconds: float = WAIT):
    """Run script until it returns something true; return that."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {script}")


SHOWN = "return document.querySelector('#frames iframe.shown')"
PAGE_TEXT = ("const f = document.querySelector('#frames iframe.shown');"
             "return f && f.contentDocument.body.innerText")


def test_a_save_shows_in_place_a_mistake_is_shown_over_the_page_and_cleared(browser, preview):  # noqa: F811
    url, doc = preview
    text = doc.read_text(encoding="utf-8")
    browser.set_window_size(1280, 900)
    browser.get(f"{url}d/{NAME}/policymaker/")
    _until(browser, "return window.briefgenPreview.html !== null")
    assert TITLE in browser.execute_script(PAGE_TEXT)
    browser.execute_script(SHOWN + ".contentWindow.scrollTo(0, 1200)")
    version = browser.execute_script("return window.briefgenPreview.html")

    doc.write_text(text.replace("From Cold War Distance", "From Cold War Rivals", 1),
                   encoding="utf-8")
    _until(browser, f"return window.briefgenPreview.html > {version}")
    assert "From Cold War Rivals to Pragmatic Partnership" in browser.execute_script(PAGE_TEXT)
    assert browser.execute_script(SHOWN + ".contentWindow.scrollY") == 1200  # where it was
    assert browser.execute_script("return document.querySelectorAll('#frames iframe').length") == 1

    doc.write_text(text.replace("kind: policy-brief", "kind: memo", 1), encoding="utf-8")
    problem = _until(browser, "return window.briefgenPreview.problem")
    line = text[:text.index("kind: policy-brief")].count("\n") + 1
    # As `briefgen validate .` prints it in the folder the preview was started in.
    assert problem == [f"{doc.name}:{line}:7: kind: expected a document kind, one of: "
                       "policy-brief, book-review, report; found 'memo'"]
    box = browser.find_element("id", "problem")
    assert box.is_displayed() and "The content has a mistake" in box.text
    link = box.find_element("css selector", "li a")
    assert link.get_attribute("href") == f"vscode://file{doc.resolve()}:{line}:7"
    assert link.text.endswith(f":{line}:7")
    # The last good page is still there, under the mistake.
    assert "From Cold War Rivals" in browser.execute_script(PAGE_TEXT)
    assert "mistake" in browser.find_element("id", "status").text

    doc.write_text(text, encoding="utf-8")
    _until(browser, "return window.briefgenPreview.problem === null")
    assert not box.is_displayed()
    _until(browser, "const t = document.querySelector('#frames iframe.shown')"
                    ".contentDocument.body.innerText; return t.includes('Cold War Distance')")


def test_the_pdf_comes_in_with_its_checks(browser, preview):  # noqa: F811
    url, doc = preview
    browser.set_window_size(1280, 900)
    browser.get(f"{url}d/{NAME}/academic/?view=both")
    _until(browser, "return window.briefgenPreview.pdf !== null")
    summary = browser.find_element("id", "checks-summary").text
    assert summary.startswith("Checks: PDF ") and "pages, no findings" in summary
    frame = browser.find_element("id", "pdf")
    assert frame.is_displayed() and frame.get_attribute("src").endswith(
        f"edition.pdf?v={browser.execute_script('return window.briefgenPreview.pdf')}")
    version = browser.execute_script("return window.briefgenPreview.pdf")
    doc.write_text(doc.read_text(encoding="utf-8") + "\n# saved\n", encoding="utf-8")
    _until(browser, f"return window.briefgenPreview.pdf > {version}")


@pytest.mark.parametrize("width", (390, 1280))
def test_the_index_and_the_bar_fit_the_window(browser, preview, width):  # noqa: F811
    url, _ = preview
    browser.set_window_size(width, 800)
    for page in (url, f"{url}d/{NAME}/policymaker/?view=both"):
        browser.get(page)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (page, overflow)
    links = browser.find_elements("css selector", ".audiences a")
    assert [a.text.lower() for a in links] == ["policymaker", "academic", "public"]


def test_a_new_theme_in_the_projects_templates_restyles_the_page(browser, preview):  # noqa: F811
    """A change to the page's styles (its head) loads the page anew, not in place."""
    url, doc = preview
    browser.set_window_size(1280, 900)
    browser.get(f"{url}d/{NAME}/policymaker/")
    _until(browser, "return window.briefgenPreview.html !== null")
    colour = ("const f = document.querySelector('#frames iframe.shown');"
              "return f.contentWindow.getComputedStyle(f.contentDocument.querySelector('h1'))"
              ".color")
    assert browser.execute_script(colour) == "rgb(20, 57, 92)"  # the built-in primary
    version = browser.execute_script("return window.briefgenPreview.html")
    theme = doc.parent / "templates" / "theme.yaml"
    theme.parent.mkdir()
    theme.write_text('primary: "#7a1f5c"\n', encoding="utf-8")
    _until(browser, f"return window.briefgenPreview.html > {version}")
    assert browser.execute_script(colour) == "rgb(122, 31, 92)"
