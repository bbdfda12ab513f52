"""A warm renderer keeps its fonts and lines between layouts, and makes the PDF a build makes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from briefgen import preflight, warm

EPOCH = "1700000000"
# (document, audience, a one-word edit): the Urdu brief is right to left, in a face of its
# own; notes run in on nearly every page of the academic brief. The Urdu brief comes first:
# it is a translation of the brief, and says so when the brief has changed.
EDITS = [("brief-ur.yaml", "policymaker", ("عملی شراکت تک", "عملی تعاون تک")),
         ("brief.yaml", "academic", ("strongest", "closest"))]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE.parent, folder)
    return folder


def built(source: Path, audience: str, out: Path) -> bytes:
    """The PDF a cold `briefgen build` makes of one edition."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run([sys.executable, "-m", "briefgen", "build", str(source), "-a", audience,
                    "-f", "pdf", "-o", str(out), "-q"], env=env, check=True,
                   capture_output=True)
    (pdf,) = out.rglob("*.pdf")
    return pdf.read_bytes()


def test_the_warm_renderer_makes_the_pdf_a_build_makes_after_an_edit(project, tmp_path):
    from briefgen.chartcache import ChartCache
    from briefgen.loading import load_document
    from briefgen.preview_pdf import PdfRenderer
    from briefgen.tasks import make_task
    from briefgen.templates import for_documents

    templates = for_documents([project / name for name, _, _ in EDITS])
    renderer = PdfRenderer(templates)

    def rendered(source: Path, audience: str) -> bytes:
        task = make_task(load_document(source, templates), audience, ["pdf"], templates,
                         ChartCache(None, "warm"), int(EPOCH), ship=False)
        return renderer.render(task).result(timeout=300).outputs["pdf"].data

    try:
        for name, audience, (old, new) in EDITS:
            source = project / name
            first = rendered(source, audience)
            text = source.read_text(encoding="utf-8")
            assert old in text
            source.write_text(text.replace(old, new, 1), encoding="utf-8")
            again = rendered(source, audience)
            assert again != first
            assert again == built(source, audience, tmp_path / f"cold-{name}")
    finally:
        renderer.close()


# Counts WeasyPrint's own line breaking under the mend: a line kept from the layout before
# is not broken again.
COUNT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break
    from briefgen import preflight, warm
    from briefgen.render import _print, view_of
    from briefgen.loading import load_document
    from briefgen.templates import for_documents

    broken = [0]
    original = line_break.split_first_line
    def counted(*args, **kwargs):
        broken[0] += 1
        return original(*args, **kwargs)
    line_break.split_first_line = inline.split_first_line = preferred.split_first_line = counted
    if sys.argv[2] == "keep":
        warm.keep()
    source = Path(sys.argv[1])
    templates = for_documents([source])
    css = templates.read_text("css/brief.css")
    counts, pdfs = [], []
    for old, new in (("x", "x"), ("x", "x"), ("strongest", "closest")):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace(old, new, 1), encoding="utf-8")
        view = view_of(load_document(source, templates), templates.audience("academic"),
                       templates)
        broken[0] = 0
        pdfs.append(_print(view, templates, css, True).data)
        counts.append(broken[0])
    print(json.dumps({"counts": counts, "same": pdfs[0] == pdfs[1]}))
""")


@pytest.mark.parametrize("mode", ["keep", "build"])
def test_lines_broken_in_the_last_layout_are_not_broken_again(project, mode):
    import json

    result = subprocess.run([sys.executable, "-c", COUNT, str(project / "brief.yaml"), mode],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
                            capture_output=True, text=True)
    counts = json.loads(result.stdout)["counts"]
    assert json.loads(result.stdout)["same"]
    first, same, edited = counts
    assert first > 1000
    if mode == "build":  # a build keeps nothing: every layout breaks every line
        assert same == first
    else:
        assert same == 0
        assert 0 < edited < first / 10  # the edited paragraph's lines, and those after it


def test_lines_of_editions_laid_out_in_turn_all_stay():
    lines = warm.Lines(limit=4)
    brief, report = [("brief", n) for n in range(2)], [("report", n) for n in range(2)]
    for _ in range(3):  # two editions open: each save lays out one, then the other
        for key in brief + report:
            if lines.get(key) is None:
                lines.put(key, ("answer", key))
    assert all(lines.get(key) == ("answer", key) for key in brief + report)
    for n in range(9):  # many more lines: the oldest go, and memory stays bounded
        lines.put(("new", n), ("answer",))
    assert lines.get(("brief", 0)) is None and len(lines.now) + len(lines.last) <= 8


@pytest.fixture
def keeping(monkeypatch):
    """warm.sheets as in a kept renderer, without mending this test process's WeasyPrint."""
    monkeypatch.setattr(warm, "_keeping", True)
    monkeypatch.setattr(warm, "_kept", None)


class Fonts:
    """A stand-in for WeasyPrint's FontConfiguration: counts its removal."""

    def __init__(self) -> None:
        self.removed = False

    def __del__(self) -> None:
        self.removed = True


def test_the_fonts_are_kept_while_the_stylesheets_and_font_files_stay(keeping, tmp_path):
    face = tmp_path / "fonts" / "Face.ttf"
    face.parent.mkdir()
    face.write_bytes(b"a font")
    sheet = tmp_path / "css" / "fonts.css"

    def sheets(text: str, page: str = "<html>") -> tuple:
        def read(fonts: Fonts) -> tuple[list, dict]:
            return [f"read {text}"], {(sheet, "a warning"): None}
        return warm.sheets([(sheet, text)], preflight.bundled_fonts((tmp_path,)), page,
                           read, Fonts)

    first, css, warnings = sheets("a")
    assert css == ["read a"] and warnings == {(sheet, "a warning"): None}
    again, css, warnings = sheets("a")
    assert again is first and warm.kept(first) and not first.removed
    assert warnings == {(sheet, "a warning"): None}  # said again for each layout
    changed, _, _ = sheets("b")
    assert changed is not first and first.removed and warm.kept(changed)
    face.write_bytes(b"another font, the same stylesheet")
    replaced, _, _ = sheets("b")
    assert replaced is not changed and changed.removed
    own, _, _ = sheets("b", "<style>@font-face { font-family: X }</style>")
    assert own is not replaced and not warm.kept(own) and warm.kept(replaced)
    warm.forget()
    assert replaced.removed and not warm.kept(replaced)


@pytest.mark.parametrize("keeping_them", [True, False])
def test_fonts_whose_stylesheets_fail_to_read_are_removed(monkeypatch, tmp_path, keeping_them):
    monkeypatch.setattr(warm, "_keeping", keeping_them)
    monkeypatch.setattr(warm, "_kept", None)
    made = []

    def read(fonts: Fonts) -> tuple[list, dict]:
        made.append(fonts)
        raise ValueError("a stylesheet that cannot be read")

    with pytest.raises(ValueError):
        warm.sheets([], frozenset(), "<html>", read, Fonts)
    assert made[0].removed and not warm.kept(made[0])


def test_a_build_keeps_no_fonts(monkeypatch, tmp_path):
    monkeypatch.setattr(warm, "_kept", None)
    assert not warm._keeping  # only a warm renderer calls keep()
    one, _, _ = warm.sheets([], frozenset(), "<html>", lambda fonts: ([], {}), Fonts)
    two, _, _ = warm.sheets([], frozenset(), "<html>", lambda fonts: ([], {}), Fonts)
    assert one is not two and not warm.kept(one) and not warm.kept(two)


def test_a_stopped_renderer_leaves_no_font_folder(monkeypatch, tmp_path):
    from briefgen.chartcache import ChartCache
    from briefgen.loading import load_document
    from briefgen.preview_pdf import PdfRenderer
    from briefgen.tasks import make_task
    from briefgen.templates import for_documents

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the renderer's WeasyPrint copies fonts here
    templates = for_documents([EXAMPLE])
    renderer = PdfRenderer(templates)
    try:
        task = make_task(load_document(EXAMPLE, templates), "policymaker", ["pdf"], templates,
                         ChartCache(None, "warm"), None, ship=False)
        renderer.render(task).result(timeout=300)
        assert list(scratch.glob("weasyprint-*"))  # kept while it runs
    finally:
        renderer.close()
    for _ in range(100):  # the renderer removes it as it stops, after close() returns
        if not list(scratch.glob("weasyprint-*")):
            break
        time.sleep(0.1)
    assert not list(scratch.glob("weasyprint-*"))
