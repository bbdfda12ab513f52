"""Preflight: pages written to provoke each fault, and preflight finding it on its page.

Most documents here are small HTML pages laid out by WeasyPrint with the bundled fonts, on
A4 with 20 mm margins (a text area 257 mm high), so that where each block falls is
arithmetic: a spacer (an image of the given height) pushes what follows down the page.
A note WeasyPrint loses cannot be provoked with a small page, so the layout of a real
page is altered instead (a note taken out of, or moved between, footnote
areas). The build-level tests go through `briefgen build`, with a project stylesheet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import MINIMAL

from briefgen import preflight
from briefgen.errors import ContentError
from briefgen.templates import builtin_dir

PAGE = """<!DOCTYPE html><html lang="en"><head><style>
@page { size: A4; margin: 20mm; }
body { margin: 0; font-family: "Charis SIL"; font-size: 11pt; line-height: 1.4; }
p { margin: 0 0 4mm; }
.spacer { display: block; height: %(spacer)s; width: 20mm; }
.footnote { float: footnote; }
tr { height: 10mm; } td, th { padding: 0; }
li, .entry { height: 10mm; }
ul, ol, dl { margin: 0; }
</style></head><body>%(body)s</body></html>"""
SPACER = ("<img class='spacer' alt='' "
          "src='data:image/svg+xml,<svg xmlns=\"http://www.w3.org/2000/svg\"/>'>")
LINE = "A line of plain text that fills most of a line of the page. " * 2


def need_dejavu() -> None:
    """Skip, with the reason, where DejaVu Sans (a common system font) is not installed."""
    listed = shutil.which("fc-list") and subprocess.run(
        ["fc-list", "DejaVu Sans"], capture_output=True, text=True).stdout.strip()
    if not listed:
        pytest.skip("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")


def layout(body: str, spacer: str = "0mm"):
    """Lay out a page of body text with the bundled fonts; return WeasyPrint's document."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(builtin_dir() / "css" / "fonts.css"), font_config=fonts)
    document = weasyprint.HTML(string=PAGE % {"spacer": spacer, "body": body})
    laid_out = document.render(stylesheets=[css], font_config=fonts)
    laid_out.font_config = fonts  # kept alive while the test reads the layout
    return laid_out


def check(document, page_limit: int | None = None) -> list[preflight.Finding]:
    return preflight.check(document, preflight.bundled_fonts((builtin_dir(),)), page_limit,
                           "academic")


def found(body: str, spacer: str = "0mm", page_limit: int | None = None) -> list[tuple]:
    """(kind, page) of each finding of the page."""
    return [(f.kind, f.page) for f in check(layout(body, spacer), page_limit)]


def paragraphs(count: int) -> str:
    return "".join(f"<p>{LINE}</p>" for _ in range(count))


def test_a_clean_page_has_no_findings():
    assert found(paragraphs(40)) == []


def test_runt_page():
    # Two lines, then a chapter that starts a new page: page 1 is a runt.
    body = f"<p>{LINE}</p><div style='break-before: page'>{paragraphs(30)}</div>"
    assert ("runt", 1) in found(body)
    message = check(layout(body))[0].message
    assert "fills" in message and "%" in message


def test_the_last_page_is_no_runt():
    assert found(paragraphs(40) + "<p>Last words.</p>") == []


def test_gap_where_a_block_that_does_not_fit_is_pushed_on():
    # 150 mm of text, then a 150 mm block that will not split: page 1 ends 40% empty.
    block = "<div style='height: 150mm; break-inside: avoid; border: 1px solid'></div>"
    assert found(SPACER + block + paragraphs(3), "150mm") == \
        [("gap", 1)]


def test_no_gap_before_a_forced_break():
    block = "<div style='height: 150mm; break-before: page; border: 1px solid'></div>"
    assert found(SPACER + block + paragraphs(3), "150mm") == []
    ending = f"<section style='break-after: page'><p>{LINE}</p>{SPACER}</section>"
    assert found(ending + paragraphs(3), "150mm") == []


def test_table_split_with_too_few_rows_on_a_page():
    # 32 mm are left under the spacer: the header and two 10 mm rows.
    rows = "".join(f"<tr><td>Row {n}</td></tr>" for n in range(10))
    table = (f"<figure style='margin: 0'><figcaption>Table 4. Phases</figcaption><table>"
             f"<thead><tr><th>Year</th></tr></thead><tbody>{rows}</tbody></table></figure>")
    findings = check(layout(SPACER + table, "217mm"))
    assert [(f.kind, f.page) for f in findings] == [("table-split", 1)]
    assert "Table 4. Phases" in findings[0].message and "2 body rows" in findings[0].message


def test_heading_at_the_foot_of_a_page():
    body = f"{SPACER}<h2 style='margin: 0'>Further reading</h2>" + \
        paragraphs(6)
    findings = check(layout(body, "236mm"))
    assert [(f.kind, f.page) for f in findings] == [("heading-at-foot", 1)]
    assert "Further reading" in findings[0].message


def test_caption_above_a_figure_at_the_foot_of_a_page():
    figure = ("<figure style='margin: 0'><figcaption>Figure 1. Exports</figcaption>"
              "<div style='height: 80mm'></div></figure>")
    assert ("caption-at-foot", 1) in found(SPACER + figure, "240mm")


def test_list_split_leaving_one_entry():
    items = "".join(f"<li>Entry {n}</li>" for n in range(10))
    findings = check(layout(f"{SPACER}<ul>{items}</ul>", "242mm"))
    assert [(f.kind, f.page) for f in findings] == [("list-split", 1)]
    assert "1 entry" in findings[0].message


def test_glossary_split_leaving_two_entries():
    entries = "".join(f"<div class='entry'><dt>T{n}</dt><dd>Term {n}</dd></div>"
                      for n in range(8))
    findings = check(layout(f"{SPACER}<dl>{entries}</dl>", "235mm"))
    assert [(f.kind, f.page) for f in findings] == [("list-split", 1)]
    assert findings[0].message.startswith("the glossary")


def test_page_limit_exceeded():
    assert found(paragraphs(60), page_limit=1) == [("page-limit", 2)]
    assert found(paragraphs(60), page_limit=9) == []


def test_glyphs_from_a_font_that_is_not_bundled():
    body = f"<p>{LINE}</p><p style='font-family: \"DejaVu Sans\"'>Set in DejaVu.</p>"
    need_dejavu()
    findings = check(layout(body))
    assert [(f.kind, f.page) for f in findings] == [("font", 1)]
    assert "DejaVu Sans" in findings[0].message and "Set in DejaVu" in findings[0].message


def test_a_line_that_overflows_the_text_block():
    body = f"<p>{LINE}</p><p><span style='white-space: nowrap'>{LINE * 2}</span></p>"
    document = layout(paragraphs(30) + body)
    findings = check(document)
    assert len(document.pages) >= 2
    assert [(f.kind, f.page) for f in findings] == [("overflow", len(document.pages))]
    assert "mm past the text block" in findings[0].message


def test_a_hanging_indent_is_no_overflow():
    body = f"<p style='padding-left: 10mm; text-indent: -10mm'>{LINE * 3}</p>"
    assert found(body) == []


NOTES = "".join(f"<p>{LINE}<span class='footnote'>Note {n}.</span></p>" for n in range(1, 60))


def test_footnotes_set_on_their_pages_have_no_findings():
    assert found(NOTES) == []


def _footnote_area(page):
    from weasyprint.formatting_structure import boxes

    return next(child for child in page._page_box.children
                if isinstance(child, boxes.FootnoteAreaBox))


def test_a_lost_footnote_is_an_error_with_its_page():
    document = layout(NOTES)
    area = _footnote_area(document.pages[1])
    lost, area.children = area.children[0], area.children[1:]
    findings = check(document)
    assert [(f.kind, f.page, f.severity) for f in findings] == [("lost-note", 2, "error")]
    number = "".join(lost.children[0].children[0].children[0].text.split(".")[:1])
    assert f"note {number} " in findings[0].message


def test_a_footnote_on_a_later_page_than_its_call():
    document = layout(NOTES)
    first, second = _footnote_area(document.pages[0]), _footnote_area(document.pages[1])
    moved = first.children[-1]
    first.children = first.children[:-1]
    second.children = [moved, *second.children]
    findings = check(document)
    assert [(f.kind, f.page) for f in findings] == [("late-note", 1)]
    assert "is set on p.2" in findings[0].message


def test_an_endnote_missing_from_the_notes_list():
    calls = "".join(f"<p>{LINE}<sup><a href='#note-{n}' id='call-{n}'>{n}</a></sup></p>"
                    for n in (1, 2, 3))
    notes = "<ol><li id='note-1'>One.</li><li id='note-3'>Three.</li></ol>"
    findings = check(layout(calls + notes))
    assert [(f.kind, f.page, f.severity) for f in findings] == [("lost-note", 1, "error")]
    assert "note 2 " in findings[0].message


def test_summary_and_json():
    findings = [preflight.Finding("gap", 4, "g"), preflight.Finding("gap", 6, "g"),
                preflight.Finding("runt", 8, "r")]
    assert preflight.summary(findings) == "3 findings (2 gaps, 1 runt page)"
    assert preflight.summary([]) == "no findings"
    data = preflight.to_json([preflight.PdfReport(Path("a.pdf"), 8, tuple(findings))])
    assert data["findings"] == 3 and data["outputs"][0]["counts"] == {"gap": 2, "runt": 1}
    assert preflight.Finding.from_dict(data["outputs"][0]["findings"][0]) == findings[0]


# -- Through the build -------------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose stylesheet sets the text in DejaVu Sans, a font not bundled."""
    (tmp_path / "content" / "doc").mkdir(parents=True)
    (tmp_path / "content" / "doc" / "brief.yaml").write_text(MINIMAL, encoding="utf-8")
    css = tmp_path / "templates" / "css" / "brief.css"
    css.parent.mkdir(parents=True)
    css.write_text((builtin_dir() / "css" / "brief.css").read_text(encoding="utf-8")
                   + '\nbody, p, li { font-family: "DejaVu Sans"; }\n', encoding="utf-8")
    return tmp_path


def _run(project: Path, *args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    from briefgen.cli import main

    monkeypatch.chdir(project)
    code = main(["build", "-f", "pdf", "-j", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_build_prints_findings_and_counts_and_repeats_them_when_up_to_date(
        project, monkeypatch, capsys):
    need_dejavu()
    code, out, _ = _run(project, monkeypatch=monkeypatch, capsys=capsys)
    pdf = Path("build", "doc-brief", "doc-brief-academic.pdf")
    assert code == 0 and (project / pdf).is_file()
    assert f"{pdf} p.1: “" in out and "set in DejaVu Sans, not one of the bundled fonts" in out
    assert "preflight doc-brief-academic.pdf: 1 page, 1 finding (1 font not bundled)" in out
    code, again, _ = _run(project, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "nothing to do" in again
    assert f"{pdf} p.1: “" in again and "(up to date): 1 page, 1 finding" in again
    code, _, err = _run(project, "--strict", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and f"{pdf}: p.1: “" in err and "nothing was written" in err


def test_strict_writes_nothing(project, monkeypatch, capsys):
    need_dejavu()
    code, out, err = _run(project, "--strict", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "1 error; nothing was written" in err
    assert not (project / "build").exists()


def test_preflight_json_on_stdout(project, monkeypatch, capsys):
    need_dejavu()
    code, out, err = _run(project, "--preflight", "json", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert code == 0 and "briefgen wrote 1 file" in err  # the table goes to stderr
    data = json.loads(out)
    [output] = data["outputs"]
    assert output["file"].endswith("doc-brief-academic.pdf") and output["pages"] == 1
    assert output["rendered"] is True and data["errors"] == 0
    assert [(f["kind"], f["page"]) for f in output["findings"]] == [("font", 1)]


def test_a_lost_note_fails_the_build_and_writes_nothing(write_doc, tmp_path, monkeypatch,
                                                         capsys):
    from briefgen import render_pdf
    from briefgen.cli import main

    real = preflight.check

    def losing(document, *args, **kwargs):
        lost = preflight.Finding("lost-note", 1, "note 1 is set on no page", "error")
        return [*real(document, *args, **kwargs), lost]

    monkeypatch.setattr(render_pdf.preflight, "check", losing)
    path = write_doc(textwrap.dedent(MINIMAL))
    out = tmp_path / "out"
    with pytest.raises(ContentError) as caught:
        from briefgen.pipeline import build
        build([path], out=out, formats=["pdf", "html"])
    [error] = caught.value.diagnostics
    assert error.field == "p.1" and error.message == "note 1 is set on no page"
    assert not out.exists()
    assert main(["build", str(path), "-o", str(out), "-f", "pdf", "-j", "1"]) == 1
    assert "p.1: note 1 is set on no page" in capsys.readouterr().err
    assert not out.exists()


INLINE = "<style>.footnote { footnote-display: inline; }</style>"


def test_footnotes_displayed_inline_are_found_in_their_lines():
    """Notes run in (footnote-display: inline) are set, each on its call's page."""
    assert found(INLINE + NOTES) == []


def test_a_lost_footnote_displayed_inline_is_still_found():
    document = layout(INLINE + NOTES)
    area = _footnote_area(document.pages[1])
    line = next(box for box in area.descendants() if type(box).__name__ == "LineBox")
    notes = [box for box in line.children if getattr(box, "element_tag", "") == "span"]
    assert notes, "no inline note in the area's first line"
    line.children = [box for box in line.children if box is not notes[0]]
    assert [(f.kind, f.page) for f in check(document)] == [("lost-note", 2)]
