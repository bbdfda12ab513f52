"""The data-docx contract: one table in code and README, broken templates stopped with their
file and line, what print CSS hides left out of Word, and merged table cells."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from briefgen.cli import main
from briefgen.docx_contract import StyleNames, problems, scan_template
from briefgen.docx_hidden import hidden_elements
from briefgen.docx_styles import ROLES, STYLES, TEMPLATE_STYLES, UNMAPPED_TAGS
from briefgen.templates import builtin_dir

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = builtin_dir() / "docx" / "reference.docx"


def build(doc: Path, tmp_path: Path, capsys, fmt: str = "docx") -> tuple[int, str, Path]:
    """Build doc in fmt with the command line; return the exit code, stderr, the output."""
    out = tmp_path / "out"
    code = main(["build", str(doc), "--out", str(out), "--format", fmt, "--quiet"])
    return code, capsys.readouterr().err, out


def project(write_doc, files: dict[str, str]) -> Path:
    """Write the minimal brief with these files in its project's templates folder."""
    doc = write_doc()
    for relative, text in files.items():
        path = doc.parent / "templates" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return doc


def word_text(out: Path) -> list[str]:
    """The paragraphs' text of the one DOCX under out."""
    [path] = out.rglob("*.docx")
    return [p.text for p in docx.Document(str(path)).paragraphs]


# -- One table, in code and README -----------------------------------------------------
def readme_tables() -> list[dict[str, str]]:
    """The tables of the README's "What Word gets" section, each first cell -> second."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### What Word gets (`data-docx`)", 1)[1].split("\n#", 1)[0]
    tables: list[dict[str, str]] = []
    previous = ""
    for line in section.splitlines():
        if line.startswith("|") and not previous.startswith("|"):
            tables.append({})  # a header row starts a table
        elif line.startswith("| ") and not line.startswith("|---"):
            key, value = line.strip("| ").split(" | ")
            tables[-1][key.strip("`")] = value
        previous = line
    return tables


def test_the_readme_prints_the_code_s_tables():
    elements, roles, styles = readme_tables()
    assert set(elements) == set(STYLES)
    for key, style in STYLES.items():  # the README may add how (nested lists, levels)
        assert elements[key].startswith(style), (key, elements[key])
    assert roles == ROLES
    assert styles == TEMPLATE_STYLES
    assert all(f"`{tag}`" in (ROOT / "README.md").read_text() for tag in UNMAPPED_TAGS)


def test_the_built_in_templates_keep_the_contract():
    names = StyleNames(s.name for s in docx.Document(str(REFERENCE)).styles)
    found = [(path.name, tag.line, problem)
             for path in sorted((builtin_dir() / "html").rglob("*.html"))
             for tag in scan_template(str(path), path.read_text(encoding="utf-8"))
             if not tag.in_head and not tag.skipped
             for problem in problems(tag.tag, dict(tag.attrs), names)]
    assert found == []
    # ...and the check does find the built-in names: one misspelt is caught.
    assert problems("p", {"data-docx": "Box Titel"}, names)


# -- Templates that break it stop the build, with file and line ----------------------------
KEY_MESSAGES = """<aside class="key-messages">
  <h2 data-docx="{title}">Key messages</h2>
  <ul>{{% for message in doc.key_messages %}}<li data-docx="Box Bullet">{{{{ message }}}}</li>
  {{% endfor %}}</ul>
</aside>
"""


@pytest.mark.parametrize("title", ["Box Titel", "box titel"])
def test_a_misspelt_style_is_an_error_with_its_line_and_the_closest_name(
        title, write_doc, tmp_path, capsys):
    doc = project(write_doc, {"html/blocks/key_messages.html": KEY_MESSAGES.format(title=title)})
    code, err, out = build(doc, tmp_path, capsys)
    template = doc.parent / "templates" / "html" / "blocks" / "key_messages.html"
    assert code == 2, err
    assert f'{template}:2: <h2>: data-docx="{title}" is not a Word style' in err, err
    assert 'did you mean "Box Title"?' in err and "Traceback" not in err
    assert not list(out.rglob("*.docx"))
    # The HTML needs no Word style: it is built.
    assert build(doc, tmp_path, capsys, "html")[0] == 0


def test_a_computed_style_is_checked_in_the_page_and_its_template_named(
        write_doc, tmp_path, capsys):
    title = "{{ 'Box ' ~ 'Titel' }}"
    doc = project(write_doc, {"html/blocks/key_messages.html": KEY_MESSAGES.format(title=title)})
    code, err, _ = build(doc, tmp_path, capsys)
    template = doc.parent / "templates" / "html" / "blocks" / "key_messages.html"
    assert code == 2, err
    assert f'{template}:2: the Word file cannot be made from <h2 data-docx="Box Titel">' in err
    assert 'did you mean "Box Title"?' in err, err


BROKEN = {
    "style": ("<style>p { color: red }</style>", "a <style> element in the page body"),
    "script": ("<script>alert(1)</script>", "a page carries no scripts"),
    "video": ('<video src="data:video/mp4;base64,AAAA"></video>', "Word has nothing for <video>"),
    "svg": ('<svg viewBox="0 0 1 1"><text>1</text></svg>', "Word has nothing for <svg>"),
    "file image": ('<img src="logo.png" alt="Logo">',
                   'src="logo.png": an image in Word must be a PNG or JPEG embedded as a data:'),
    "web image": ('<img src="https://example.org/a.png" alt="A">', "must be a PNG or JPEG"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_what_word_cannot_take_is_an_error_with_its_line(case, write_doc, tmp_path, capsys):
    element, message = BROKEN[case]
    doc = project(write_doc, {"html/blocks/colophon.html":
                              f"<footer>\n  <p>How to cite.</p>\n  {element}\n</footer>\n"})
    code, err, out = build(doc, tmp_path, capsys)
    template = doc.parent / "templates" / "html" / "blocks" / "colophon.html"
    assert code == 2, err
    assert f"{template}:3: <" in err and message in err, err
    assert not list(out.rglob("*.docx"))


def test_a_computed_image_source_is_an_error_naming_the_element(write_doc, tmp_path, capsys):
    doc = project(write_doc, {"html/blocks/colophon.html":
                              "<footer>\n<img src=\"{{ 'logo' ~ '.png' }}\" alt=\"Logo\">\n"
                              "</footer>\n"})
    code, err, _ = build(doc, tmp_path, capsys)
    assert code == 2, err
    assert "colophon.html:2: the Word file cannot be made from <img" in err, err
    assert 'src="logo.png": an image in Word must be a PNG or JPEG' in err


def test_what_the_template_leaves_out_of_word_is_not_checked(write_doc, tmp_path, capsys):
    doc = project(write_doc, {"html/blocks/colophon.html":
                              '<footer><p>Cite.</p><video data-docx="skip"></video>\n'
                              '<div data-docx="skip"><svg></svg><p data-docx="Nonsense">x</p>'
                              "</div></footer>\n"})
    code, err, out = build(doc, tmp_path, capsys)
    assert code == 0, err
    assert "Cite." in word_text(out) and "x" not in word_text(out)


def test_a_style_of_the_user_s_reference_is_taken_in_any_case(write_doc, tmp_path, capsys):
    from docx.enum.style import WD_STYLE_TYPE

    reference = docx.Document(str(REFERENCE))
    reference.styles.add_style("House Callout", WD_STYLE_TYPE.PARAGRAPH)
    doc = project(write_doc, {"html/blocks/colophon.html":
                              '<footer><p data-docx="house callout">Ours.</p></footer>\n'})
    (doc.parent / "templates" / "docx").mkdir()
    reference.save(str(doc.parent / "templates" / "docx" / "reference.docx"))
    code, err, out = build(doc, tmp_path, capsys)
    assert code == 0, err
    [path] = out.rglob("*.docx")
    [para] = [p for p in docx.Document(str(path)).paragraphs if p.text == "Ours."]
    assert para.style.name == "House Callout"  # Word's own style, not a new one
    assert sum(s.name.lower() == "house callout" for s in docx.Document(str(path)).styles) == 1


# -- What print CSS hides is not in Word -------------------------------------------------
def test_what_print_css_hides_is_left_out_of_word(write_doc, tmp_path, capsys):
    css = (builtin_dir() / "css" / "brief.css").read_text(encoding="utf-8")
    css += "\n@media print { .internal-only { display: none } }\n"
    css += "@media screen { .print-only { display: none } }\n"
    doc = project(write_doc, {
        "css/brief.css": css,
        "html/blocks/colophon.html": '<footer><p class="internal-only">Internal note.</p>'
                                     '<p>Public <span class="internal-only">secret </span>line.'
                                     '</p><p class="print-only">Printed.</p></footer>\n'})
    code, err, out = build(doc, tmp_path, capsys)
    assert code == 0, err
    text = word_text(out)
    assert "Public line." in text and "Printed." in text
    assert not any("Internal" in p or "secret" in p for p in text), text
    # The page on screen still has it: only the printed editions leave it out.
    code, _, out = build(doc, tmp_path, capsys, "html")
    assert "Internal note." in next(out.rglob("*.html")).read_text(encoding="utf-8")


def hidden(css: str, body: str) -> list[str]:
    """The ids of the elements of body that css hides in print."""
    root = lxml_html.document_fromstring(f"<html><head><style>{css}</style></head>"
                                         f"<body>{body}</body></html>")
    return [el.get("id") for el in hidden_elements(root, frozenset(ROLES))]


def test_the_cascade_decides_what_is_hidden():
    body = ('<p id="a" class="x">a</p><p id="b" class="x y">b</p><p id="c" hidden>c</p>'
            '<p id="d" style="display: none">d</p><p id="e" class="z">e</p>'
            '<div id="f" data-docx="pagebreak" class="x"></div>'
            '<p id="g" class="x" style="display: block">g</p><p id="h" class="w">h</p>')
    css = (".x { display: none } p.y { display: block } .z { display: block }"
           " @media screen { .z { display: none } } @media print { .w { display: none } }"
           " @media print, screen { p.y { color: red } } .w { display: inline !important }")
    # a: hidden; b: shown by a more specific rule; c: [hidden]; d: inline style;
    # e: hidden on screen only; f: a role; g: inline style wins; h: !important wins.
    assert hidden(css, body) == ["a", "c", "d"]
    assert hidden("@media all { .w { display: none } }", body) == ["c", "d", "h"]
    # Combinators and structural pseudo-classes, and a hidden element's subtree once.
    css = "#a + p, section > p:nth-child(3), .y ~ .w { display: none }"
    nested = body + '<section id="s"><p id="i">i</p><p id="j">j</p><p id="k">k</p></section>'
    assert hidden(css, nested) == ["b", "c", "d", "h", "k"]
    assert hidden("section { display: none } #k { display: none }", nested) == ["c", "d", "s"]


# -- Merged cells --------------------------------------------------------------------
TABLE = """<footer><table data-docx="Brief Table">
<thead><tr><th colspan="2">Wide</th><th>C</th></tr></thead>
<tbody><tr><td rowspan="2">Tall</td><td>b1</td><td>c1</td></tr>
<tr><td>b2</td><td>c2</td></tr></tbody></table></footer>
"""


def test_colspan_and_rowspan_are_merged_cells(write_doc, tmp_path, capsys):
    doc = project(write_doc, {"html/blocks/colophon.html": TABLE})
    code, err, out = build(doc, tmp_path, capsys)
    assert code == 0, err
    [path] = out.rglob("*.docx")
    [table] = docx.Document(str(path)).tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Wide", "Wide", "C"], ["Tall", "b1", "c1"], ["Tall", "b2", "c2"]]
    assert table.cell(0, 0)._tc is table.cell(0, 1)._tc  # one cell, two columns wide
    tcs = [row._tr.tc_lst for row in table.rows]
    assert tcs[0][0].grid_span == 2 and len(tcs[0]) == 2
    assert [tcs[1][0].vMerge, tcs[2][0].vMerge] == ["restart", "continue"]
    assert table.style.name == "Brief Table"


def test_a_table_wider_than_word_allows_is_an_error(write_doc, tmp_path, capsys):
    doc = project(write_doc, {"html/blocks/colophon.html":
                              '<footer><table><tr><td colspan="99999">x</td></tr></table>'
                              "</footer>\n"})
    code, err, _ = build(doc, tmp_path, capsys)
    assert code == 2, err
    assert "a table in Word has at most 63 columns" in err


def test_the_built_in_templates_build_with_their_styles(write_doc, tmp_path, capsys):
    code, err, out = build(write_doc(), tmp_path, capsys)
    assert code == 0, err
    [path] = out.rglob("*.docx")
    document = docx.Document(str(path))
    assert {"Box Title", "Box Bullet", "Recommendation Meta"} <= {
        p.style.name for p in document.paragraphs}
