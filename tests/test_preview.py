"""`briefgen preview`: what the server serves and refuses, what a save changes, what a
mistake shows, the PDF from the warm renderer, and the command from start to Ctrl-C.
The browser's side is tests/test_preview_browser.py."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE

from briefgen.preview import make_app
from briefgen.preview_session import Session

# Starlette's test client takes httpx2; the tests reach the running command with it too.
httpx = pytest.importorskip("httpx2", reason="httpx2 is not installed (pip install '.[test]')")

NAME = "project-brief"
TITLE = "Pakistan and Russia: From Cold War Distance to Pragmatic Partnership"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example brief and its logo, in a folder of its own."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "brief.yaml")
    shutil.copy(EXAMPLE.with_name("logo.png"), folder / "logo.png")
    return folder


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


async def _next(listener, kinds=("html", "problem")) -> tuple[str, dict]:
    """The listener's next event of one of kinds (others are skipped)."""
    while True:
        kind, data = await asyncio.wait_for(listener.events.get(), 60)
        if kind in kinds:
            return kind, data


def test_a_save_renders_again_a_mistake_is_located_and_the_next_save_clears_it(project):
    doc = project / "brief.yaml"
    text = doc.read_text(encoding="utf-8")
    before = _files(project.parent)

    async def run() -> None:
        session = Session([str(project)])
        listener = session.listen(NAME, "policymaker", pdf=False)
        await session.show(NAME, "policymaker")
        kind, first = await _next(listener)
        assert kind == "html"
        assert await _next(listener, ("checks",)) == ("checks", {"warnings": []})
        page = await session.page(NAME, "policymaker")
        assert TITLE.encode() in page and b"Cold War Rivals" not in page

        doc.write_text(text.replace("From Cold War Distance", "From Cold War Rivals", 1),
                       encoding="utf-8")
        await session.changed([doc])
        kind, second = await _next(listener)
        assert kind == "html" and second["version"] > first["version"]
        assert b"From Cold War Rivals to Pragmatic" in await session.page(NAME, "policymaker")

        doc.write_text(text.replace("\naudiences:", "\naudiences: 3\nxaudiences:", 1),
                       encoding="utf-8")
        await session.changed([doc])
        kind, mistake = await _next(listener)
        assert kind == "problem"
        line = text[:text.index("\naudiences:")].count("\n") + 2  # the line of "audiences: 3"
        first_line = mistake["lines"][0]
        assert first_line["text"] == (f"{doc}:{line}:12: audiences: expected a list; "
                                      "found a number")
        assert first_line["file"] == str(doc.resolve()) and first_line["line"] == line
        assert "unknown key 'xaudiences'" in mistake["lines"][1]["text"]
        # The last good page is still served, under the mistake.
        assert b"From Cold War Rivals" in await session.page(NAME, "policymaker")

        doc.write_text(text, encoding="utf-8")
        await session.changed([doc])
        kind, fixed = await _next(listener)
        assert kind == "html" and TITLE.encode() in await session.page(NAME, "policymaker")

    asyncio.run(run())
    assert _files(project.parent) == before | {"project/brief.yaml": _files(project.parent)[
        "project/brief.yaml"]}  # nothing written but the author's own saves


def test_a_change_in_the_projects_templates_reaches_the_page(project):
    labels = project / "templates" / "labels"
    labels.mkdir(parents=True)
    (labels / "en.yaml").write_text("key_messages: Main points\n", encoding="utf-8")

    async def run() -> None:
        session = Session([str(project)])
        listener = session.listen(NAME, "policymaker", pdf=False)
        await session.show(NAME, "policymaker")
        await _next(listener)
        assert b"Main points" in await session.page(NAME, "policymaker")
        (labels / "en.yaml").write_text("key_messages: What matters\n", encoding="utf-8")
        await session.changed([labels / "en.yaml"])
        await _next(listener)
        page = await session.page(NAME, "policymaker")
        assert b"What matters" in page and b"Main points" not in page

    asyncio.run(run())


def test_the_pdf_comes_from_the_warm_renderer_with_its_findings(project):
    pypdf = pytest.importorskip("pypdf")
    from briefgen.preview_pdf import PdfRenderer
    from briefgen.templates import for_documents

    doc = project / "brief.yaml"
    text = doc.read_text(encoding="utf-8")
    renderer = PdfRenderer(for_documents([doc]))

    async def run() -> list[dict]:
        session = Session([str(project)], renderer=renderer)
        listener = session.listen(NAME, "policymaker", pdf=True)
        await session.show(NAME, "policymaker")
        kind, ready = await _next(listener, ("pdf",))
        doc.write_text(text.replace("From Cold War Distance", "From Cold War Rivals", 1),
                       encoding="utf-8")
        await session.changed([doc])
        kind, again = await _next(listener, ("pdf",))
        assert again["version"] > ready["version"]
        return [ready, again, session.pdf(NAME, "policymaker")]

    try:
        ready, again, data = asyncio.run(run())
    finally:
        renderer.close()
    assert ready["pages"] == 2 and ready["summary"] == "no findings" and ready["findings"] == []
    import io

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == again["pages"] == 2
    assert "From Cold War Rivals" in reader.pages[0].extract_text().replace("\n", " ")


@pytest.fixture
def client(project):
    from starlette.testclient import TestClient

    session = Session([str(project)])
    with TestClient(make_app(session, watch=False), base_url="http://127.0.0.1") as test:
        yield test


def test_the_index_lists_each_document_and_its_editions(client):
    index = client.get("/")
    assert index.status_code == 200
    assert TITLE in index.text and "Policy brief · English" in index.text
    for audience in ("policymaker", "academic", "public"):
        assert f'href="/d/{NAME}/{audience}/"' in index.text
    first = client.get(f"/d/{NAME}/", follow_redirects=False)
    assert first.status_code == 307 and first.headers["location"] == f"/d/{NAME}/policymaker/"
    shell = client.get(f"/d/{NAME}/academic/?view=both")
    assert 'class="document view-both"' in shell.text and TITLE in shell.text


def test_an_editions_page_is_the_html_edition_with_its_fonts_linked(client):
    page = client.get(f"/d/{NAME}/policymaker/page.html")
    assert page.status_code == 200 and TITLE in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # none: no script
    assert "default-src 'none'" in page.headers["content-security-policy"]
    fonts = re.findall(r'src: url\("(/_fonts/[^"?]+)\?v=\d+"\)', page.text)
    assert "/_fonts/fonts/Inter-Regular.otf" in fonts and "base64" not in page.text[:20000]
    from briefgen.templates import builtin_dir

    font = client.get(fonts[0])
    assert font.content == (builtin_dir() / fonts[0].removeprefix("/_fonts/")).read_bytes()


@pytest.mark.parametrize("path", [
    "/_fonts/css/brief.css",  # a template file, but no font face
    "/_fonts/../../../etc/passwd", "/_fonts/%2e%2e/%2e%2e/etc/passwd",
    "/_fonts/fonts/../../../../etc/passwd",
    "/_preview/../preview.py", "/_preview/index.html",
    "/d/nobody/", "/d/project-brief/nobody/page.html", "/d/../../etc/passwd",
    "/project/brief.yaml", "/brief.yaml", "/logo.png",
])
def test_nothing_else_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"root:" not in response.content and b"kind:" not in response.content


def test_a_host_it_does_not_know_is_refused(client):
    """A page on another site cannot reach the preview by pointing its name at 127.0.0.1."""
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_word_is_made_on_request(client):
    docx = pytest.importorskip("docx")
    import io

    response = client.get(f"/d/{NAME}/public/edition.docx")
    assert response.status_code == 200
    assert f'filename="{NAME}-public.docx"' in response.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert TITLE in text


# -- The command --------------------------------------------------------------------
def _start(*args: str, cwd: Path) -> tuple[subprocess.Popen, str, list[str]]:
    process = subprocess.Popen([sys.executable, "-m", "briefgen", "preview", *args],
                               cwd=cwd, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    lines: list[str] = []
    first = process.stderr.readline()
    lines.append(first)
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
    found = re.search(r"at (http://\S+/) \(Ctrl-C stops\)", first)
    if not found:
        process.kill()
        raise AssertionError(first + process.stderr.read())
    return process, found.group(1), lines


def _events(response, kinds=("html", "problem")):
    """(event, data) pairs of a server-sent event stream, of the kinds asked for."""
    kind = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            kind = line.removeprefix("event:").strip()
        elif line.startswith("data:") and kind:
            if kind in kinds:
                yield kind, json.loads(line.removeprefix("data:"))
            kind = None


def test_the_command_serves_pushes_a_save_and_stops_on_ctrl_c(project):
    doc = project / "brief.yaml"
    text = doc.read_text(encoding="utf-8")
    process, url, lines = _start(".", "--no-browser", cwd=project)
    try:
        assert url.startswith("http://127.0.0.1:")
        assert TITLE in httpx.get(url, timeout=30).text
        with httpx.stream("GET", f"{url}d/{NAME}/academic/events", timeout=60) as response:
            events = _events(response)
            kind, first = next(events)
            assert kind == "html"
            saved = time.monotonic()
            doc.write_text(text.replace("From Cold War Distance", "From Cold War Rivals", 1),
                           encoding="utf-8")
            kind, second = next(events)
            assert kind == "html" and second["version"] > first["version"]
            assert time.monotonic() - saved < 10
        page = httpx.get(f"{url}d/{NAME}/academic/page.html", timeout=30).text
        assert "From Cold War Rivals to Pragmatic Partnership" in page
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 130
    finally:
        process.kill()
        process.wait()
    output = "".join(lines)
    assert "briefgen: preview stopped" in output and "Traceback" not in output
    assert not (project / "build").exists()


def test_a_port_in_use_is_a_usage_error(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "briefgen", "preview", ".",
                                 "--no-browser", "--port", str(port)], cwd=project,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_write_builds_the_files_as_build_does(project):
    process, url, lines = _start(".", "--no-browser", "--write", "out", cwd=project)
    html = project / "out" / NAME / f"{NAME}-public.html"

    def wait(condition) -> bool:
        end = time.monotonic() + 120
        while not condition() and time.monotonic() < end:
            time.sleep(0.2)
        return condition()

    try:
        assert wait(html.exists), "".join(lines)  # at the start, as build --watch does
        first = html.stat().st_mtime_ns
        doc = project / "brief.yaml"
        doc.write_text(doc.read_text(encoding="utf-8").replace(
            "From Cold War Distance", "From Cold War Rivals", 1), encoding="utf-8")
        assert wait(lambda: html.stat().st_mtime_ns != first), "".join(lines)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert "From Cold War Rivals to Pragmatic" in html.read_text(encoding="utf-8")
    assert sum("wrote 9 files to out" in line for line in lines) == 2, lines  # start, save


def test_a_port_out_of_range_or_an_unknown_host_is_a_usage_error(project):
    for args, message in ((["--port", "99999"], "expected a port from 0 to 65535"),
                          (["--host", "nosuchhost.invalid"],
                           "cannot serve on nosuchhost.invalid:0")):
        result = subprocess.run([sys.executable, "-m", "briefgen", "preview", ".",
                                 "--no-browser", *args], cwd=project, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 2 and message in result.stderr, result.stderr
