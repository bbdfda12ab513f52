"""The mended WeasyPrint and pydyf paths: faster, and the same PDF to the byte."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLE, ROOT

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


def test_the_pdf_is_the_same_with_and_without_them(tmp_path):
    """The example brief: footnotes on every page, links and tags throughout."""
    pdfs = []
    for off in ("", "1"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000",
               "BRIEFGEN_NO_SPEEDUPS": off}
        out = tmp_path / f"out{off}"
        subprocess.run([sys.executable, "-m", "briefgen", "build", str(EXAMPLE), "-a",
                        "academic", "-f", "pdf", "-o", str(out), "-q"], env=env, check=True)
        pdfs.append(next(out.rglob("*.pdf")).read_bytes())
    assert pdfs[0] == pdfs[1]
    import io

    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(pdfs[0]))
    assert 6 <= len(reader.pages) <= 10
    assert "Khan, “Evolving Nature”" in reader.pages[0].extract_text()  # a footnote


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
    before_refs = pydyf.PDF.__dict__["page_references"]

    def broken() -> None:
        raise ImportError("cannot import name 'LayoutContext'")

    monkeypatch.setattr(speedups, "TESTED", {"weasyprint": ("69",), "pydyf": ("0.13",)})
    monkeypatch.setattr(speedups, "_page_references", broken)
    with caplog.at_level(logging.DEBUG, logger="briefgen.speedups"):
        speedups.apply()  # must not raise
    assert LayoutContext.__init__ is before_init  # weasyprint 70 is not "69": not mended
    assert pydyf.PDF.__dict__["page_references"] is before_refs
    assert "not a version the speedup was tested on" in caplog.text
    assert "speedup for pydyf" in caplog.text and "ImportError" in caplog.text
    assert speedups._applied
