"""Footnote layout costs the same per note however many notes a document has (issue 12).

Timings on a shared machine are too noisy to tell linear from quadratic in a quick test,
so these tests count work instead: every comparison of a layout box with another object,
which is what a search of WeasyPrint's lists of footnotes costs, element by element. A
layout whose searches walk the footnotes still to place (quadratic: every line of an
N-note document searches a list of up to N notes) does several times more comparisons per
note for 240 notes than for 60; a linear one does about the same.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from conftest import ROOT

from briefgen import speedups

SMALL, LARGE = 60, 240
# Comparisons per note may grow a little (the first page carries fewer notes); a quadratic
# layout grows by LARGE / SMALL = 4.
MAX_GROWTH = 1.5

CSS = """
@page { size: A4; margin: 20mm 18mm;
        @footnote { border-top: 0.6pt solid; padding-top: 2mm; margin-top: 4mm; } }
html { font-family: serif; font-size: 9.5pt; line-height: 1.4; }
p { orphans: 2; widows: 2; }
.footnote { float: footnote; font-size: 7.5pt; line-height: 1.3; }
::footnote-call { content: counter(footnote); font-size: 0.7em; vertical-align: super; }
::footnote-marker { content: counter(footnote) ". "; }
"""


def page(notes: int) -> str:
    """An HTML page with `notes` footnotes, two to a paragraph, as briefgen prints them."""
    sentence = ("Cooperation on trade grew in stages, each marked by an agreement that was "
                "only partly carried out")
    note = ("Sources differ on this period, and the one followed here is the more cautious "
            "of the two.")
    paragraphs = []
    for k in range(0, notes, 2):
        calls = [f'{sentence}<span class="footnote">{note} ({n + 1})</span>.'
                 for n in range(k, min(k + 2, notes))]
        paragraphs.append(f"<p>{' '.join(calls)} The record since then is mixed.</p>")
    return f"<!doctype html><html lang=en><style>{CSS}</style><body>{''.join(paragraphs)}"


def comparisons(notes: int) -> tuple[int, int]:
    """Lay out a page with `notes` footnotes; return (box comparisons, pages)."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    count = 0

    def counting_eq(self: object, other: object) -> object:
        nonlocal count
        count += 1
        return NotImplemented  # then Python compares by identity, as it does for boxes

    boxes.Box.__eq__ = counting_eq  # type: ignore[method-assign,assignment]
    boxes.Box.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]
    try:
        document = weasyprint.HTML(string=page(notes)).render()
    finally:
        del boxes.Box.__eq__, boxes.Box.__hash__
    return count, len(document.pages)


def growth() -> float:
    """Box comparisons per note for LARGE notes over those for SMALL notes."""
    speedups.apply()
    small, small_pages = comparisons(SMALL)
    large, large_pages = comparisons(LARGE)
    assert large_pages > 3 * small_pages >= 3  # the notes do fill pages
    return (large / LARGE) / (small / SMALL)


def test_footnote_layout_compares_as_many_boxes_per_note_at_any_length():
    assert growth() <= MAX_GROWTH  # fails with BRIEFGEN_NO_SPEEDUPS=1


def test_it_fails_without_the_speedups():
    """The measure above does catch the quadratic layout WeasyPrint has on its own."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import test_notes_scale as t; "
            "print(t.growth())")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_NO_SPEEDUPS": "1"}
    result = subprocess.run([sys.executable, "-c", code, str(ROOT / "tests")], env=env,
                            capture_output=True, text=True, check=True)
    assert float(result.stdout) > 2 * MAX_GROWTH


def test_notes_benchmark_brief_validates_for_footnotes(tmp_path):
    from briefgen.pipeline import load_all
    from briefgen.templates import TemplateSet

    spec = importlib.util.spec_from_file_location("notes", ROOT / "benchmarks" / "notes.py")
    notes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(notes)
    path = notes.write_brief(tmp_path / "notes.yaml", 41)
    doc, = load_all([path], TemplateSet(()))
    assert doc.model.kind == "policy-brief"
    assert path.read_text(encoding="utf-8").count("^[") == 41
    # No edition warns: the public one shows only the (short) leads, and the recommendation
    # has every field the policymaker memo shows.
    assert doc.warnings == [], [str(w) for w in doc.warnings]
