"""Word's layout is close to the PDF's: LibreOffice sets each example DOCX on about as many
pages as WeasyPrint sets its PDF.

The DOCX styles follow brief.css through the theme (docx_theme.py), the fonts travel in
the file, and a report's long sections start a new page in both. LibreOffice opens the
files as built, on a machine where the bundled fonts are not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

EDITIONS = [f"pakistan-russia-{kind}-{audience}"
            for kind in ("brief", "report", "book-review")
            for audience in ("academic", "policymaker", "public")] + [
    f"pakistan-russia-brief-{language}-{audience}"
    for language in ("ru", "ur") for audience in ("policymaker", "public")]


def test_a_page_break_goes_before_the_next_paragraph_and_a_picture_is_not_clipped(tmp_path):
    """A paragraph of its own that only breaks the page would make a blank page wherever
    the page before is full; the break goes onto the next paragraph instead."""
    import base64
    import io

    import docx
    from conftest import MINIMAL
    from PIL import Image

    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.render_docx import render_docx
    from briefgen.templates import TemplateSet, builtin_dir
    from briefgen.view import build_view

    path = tmp_path / "brief.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    templates = TemplateSet()
    view = build_view(load(path, ["academic"]), templates.audience("academic"),
                      load_labels(templates, "en"))
    png = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(png, "PNG")
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    html = (f'<html><body><p>Before.</p><div data-docx="pagebreak"></div><h2>After</h2>'
            f'<p><img src="{src}" alt="A square"></p></body></html>')
    data = render_docx(html, view, builtin_dir() / "docx" / "reference.docx")
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    assert [p.text for p in paragraphs[:2]] == ["Before.", "After"]
    assert paragraphs[1].paragraph_format.page_break_before
    assert not paragraphs[0].paragraph_format.page_break_before
    [picture] = [p for p in paragraphs if p._p.xpath(".//w:drawing")]
    assert picture.paragraph_format.line_spacing == 1.0  # not the text's 0.83: no clipping


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def converted(every_example: dict[str, Path],
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every example edition: {edition: (its PDF, LibreOffice's PDF of its DOCX)}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    root = tmp_path_factory.mktemp("layout")
    folder = root / "converted"
    docx = sorted(path for path in every_example.values() if path.suffix == ".docx")
    assert sorted(path.stem for path in docx) == sorted(EDITIONS)
    # One LibreOffice for all nine files, with a profile of its own (none of the user's
    # settings or fonts folder).
    profile = (root / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, docx)],
                   check=True, capture_output=True, timeout=600,
                   env={**os.environ, "HOME": str(root)})
    return {path.stem: (path.with_suffix(".pdf"), folder / f"{path.stem}.pdf")
            for path in docx}


@pytest.mark.parametrize("edition", EDITIONS)
def test_word_sets_each_edition_on_about_as_many_pages_as_the_pdf(edition, converted):
    pdf, docx = (_pages(path) for path in converted[edition])
    allowed = max(1, pdf // 10)  # within 10%, and at least one page either way
    assert abs(docx - pdf) <= allowed, (
        f"{edition}: the PDF has {pdf} pages, LibreOffice sets the DOCX on {docx}; "
        f"at most {allowed} apart")


# The faces briefgen bundles, as pdffonts names them (subset prefixes dropped).
BUNDLED = {"CharisSIL", "CharisSIL-Bold", "CharisSIL-Italic", "CharisSIL-BoldItalic",
           "Inter-Regular", "Inter-Bold", "Inter-Italic",
           "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"}


@pytest.mark.parametrize("edition", EDITIONS)
def test_libreoffice_draws_every_edition_in_the_bundled_fonts(edition, converted):
    """Every glyph from a face the DOCX carries: no bullet from OpenSymbol, no word joiner
    from DejaVu (a style naming Word's theme fonts, which nothing embeds)."""
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed: apt-get install poppler-utils")
    report = subprocess.run(["pdffonts", str(converted[edition][1])], capture_output=True,
                            text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in report.splitlines()[2:]}
    assert {"CharisSIL", "Inter-Regular"} <= fonts <= BUNDLED, fonts
