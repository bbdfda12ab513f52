"""The mended WeasyPrint and pydyf paths: faster, and the same PDF to the byte."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLE, ROOT, long_report

from briefgen import speedups


def test_pending_footnotes_answer_as_a_list_does():
    class Box:  # like WeasyPrint's boxes: compared by identity
        footnote = None

    first, second = Box(), Box()
    pending = speedups.PendingFootnotes([first, second])
    assert None not in pending and first in pending and Box() not in pending
    pending.remove(first)
    assert first not in pending and second in pending
    copy = pending.copy()
    assert type(copy) is speedups.PendingFootnotes and copy == [second]
    copy.append(first)
    assert first in copy and first not in pending


def test_page_references_follow_the_pages():
    import pydyf

    speedups.apply()
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
        assert pdf.page_references == expected
    assert pdf.page_references is pdf.page_references  # built once while pages stay


def pdfs(out, files, *options, mended=True):
    """Build files as PDFs into out, with the speedups or without; return {name: bytes}."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000",
           "BRIEFGEN_NO_SPEEDUPS": "" if mended else "1"}
    subprocess.run([sys.executable, "-m", "briefgen", "build", *map(str, files), *options,
                    "-f", "pdf", "-o", str(out), "-q"], env=env, check=True,
                   capture_output=True)
    return {path.name: path.read_bytes() for path in sorted(out.rglob("*.pdf"))}


def test_the_pdf_is_the_same_with_and_without_them(tmp_path):
    """The example brief and report, and the French note, in every audience.

    The academic editions have footnotes on nearly every page, several to a page; every
    edition has links and tags throughout.
    """
    files = [EXAMPLE, EXAMPLE.with_name("report.yaml"), ROOT / "tests" / "data" / "note-fr.yaml"]
    mended = pdfs(tmp_path / "mended", files)
    plain = pdfs(tmp_path / "plain", files, mended=False)
    assert len(mended) == 9 and mended.keys() == plain.keys()
    for name, pdf in mended.items():
        assert pdf == plain[name], name
    import io

    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(mended["pakistan-russia-brief-academic.pdf"]))
    assert 6 <= len(reader.pages) <= 10
    assert "Khan, “Evolving Nature”" in reader.pages[0].extract_text()  # a footnote


def test_a_long_footnoted_report_is_the_same_with_and_without_them(tmp_path):
    """A generated report of 16 parts: 22 pages, one or two notes to a part."""
    path = long_report(tmp_path / "long.yaml", 16)
    mended = pdfs(tmp_path / "mended", [path], "-a", "academic")
    plain = pdfs(tmp_path / "plain", [path], "-a", "academic", mended=False)
    assert len(mended) == 1 and mended.keys() == plain.keys()
    for name, pdf in mended.items():
        assert pdf == plain[name], name


# Forty notes run in, as the academic editions set them (templates/css/brief.css), on small
# pages: a page's notes take several lines, and some go over to the next page.
WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
NOTES = "".join(
    f"<p>Paragraph {p} " + " ".join(
        f"text {w}<span class=n>Note {4 * p + w}: <em>"
        + " ".join(WORDS[(4 * p + w + j) % 12] for j in range(1 + (4 * p + w) * 7 % 23))
        + f"</em> p.&nbsp;{p}.</span>" for w in range(4)) + " end.</p>" for p in range(10))
NOTES_HTML = f"""<!DOCTYPE html><html><head><style>
  @page {{ size: 320px 420px; margin: 20px; @footnote {{ border-top: 1px solid }} }}
  html {{ font-family: serif; font-size: 11px }}
  .n {{ float: footnote; footnote-display: inline; margin-inline-end: 0.9em; font-size: 8px }}
</style></head><body>{NOTES}</body></html>"""


def test_note_lines_are_laid_out_once_and_the_pages_are_the_same(monkeypatch):
    import weasyprint
    from weasyprint.layout import LayoutContext, inline

    speedups.apply()
    assert hasattr(LayoutContext._update_footnote_area, "__wrapped__")
    assert hasattr(inline.get_next_linebox, "__wrapped__")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    split, lines = inline.split_inline_box, []

    def counted(*args, **kwargs):  # every line laid out, and every inline box in it
        lines.append(1)
        return split(*args, **kwargs)

    monkeypatch.setattr(inline, "split_inline_box", counted)

    def pdf() -> tuple[bytes, int, int]:
        lines.clear()
        document = weasyprint.HTML(string=NOTES_HTML).render()
        return document.write_pdf(), len(document.pages), len(lines)

    mended = pdf()
    with monkeypatch.context() as plain:
        plain.setattr(LayoutContext, "_update_footnote_area",
                      LayoutContext._update_footnote_area.__wrapped__)
        plain.setattr(inline, "get_next_linebox", inline.get_next_linebox.__wrapped__)
        unmended = pdf()
    assert mended[0] == unmended[0] and mended[1] == unmended[1] >= 3
    assert mended[2] < unmended[2] / 3  # the notes' lines are laid out once, not each time


def test_note_lines_are_left_as_they_are_if_weasyprint_has_changed(monkeypatch, caplog):
    import logging

    from weasyprint.layout import LayoutContext, inline

    before = LayoutContext._update_footnote_area, inline.get_next_linebox
    monkeypatch.setattr(speedups, "_AREA_LINES", (*speedups._AREA_LINES, "a line it lost"))
    with caplog.at_level(logging.DEBUG, logger="briefgen.speedups"):
        speedups._note_lines()
    assert (LayoutContext._update_footnote_area, inline.get_next_linebox) == before
    assert "footnote area layout has changed" in caplog.text


def test_layout_keeps_its_pending_footnotes_in_the_mended_list():
    from weasyprint.layout import LayoutContext

    speedups.apply()
    context = LayoutContext(None, lambda **_: None, None, None, None)
    assert type(context.footnotes) is speedups.PendingFootnotes


def test_an_untested_version_or_a_failing_mend_leaves_the_library_as_it_is(monkeypatch, caplog):
    import logging

    import pydyf
    from weasyprint.layout import LayoutContext

    monkeypatch.setattr(speedups, "_applied", False)
    monkeypatch.delenv("BRIEFGEN_NO_SPEEDUPS", raising=False)
    before_init = LayoutContext.__init__
    before_area = LayoutContext._update_footnote_area
    before_refs = pydyf.PDF.__dict__["page_references"]

    def broken() -> None:
        raise ImportError("cannot import name 'LayoutContext'")

    monkeypatch.setattr(speedups, "TESTED", {"weasyprint": ("69",), "pydyf": ("0.13",)})
    monkeypatch.setattr(speedups, "_page_references", broken)
    with caplog.at_level(logging.DEBUG, logger="briefgen.speedups"):
        speedups.apply()  # must not raise
    assert LayoutContext.__init__ is before_init  # weasyprint 70 is not "69": not mended
    assert LayoutContext._update_footnote_area is before_area
    assert pydyf.PDF.__dict__["page_references"] is before_refs
    assert "not a version the speedup was tested on" in caplog.text
    assert "speedup for pydyf" in caplog.text and "ImportError" in caplog.text
    assert speedups._applied
