"""One template set decides the structure of every format; user templates come first."""

from __future__ import annotations

import docx
import pytest
from conftest import MINIMAL
from lxml import html as lxml_html
from pypdf import PdfReader

from briefgen.pipeline import build
from briefgen.templates import TemplateSet, builtin_dir

SECTIONS = ["History", "Strategy", "Economy", "Society", "Recommendations"]


def reversed_template(folder):
    """A user copy of one built-in block template that walks the sections backwards."""
    original = (builtin_dir() / "html" / "blocks" / "sections.html").read_text(encoding="utf-8")
    assert "{% for section in doc.sections %}" in original
    target = folder / "html" / "blocks" / "sections.html"
    target.parent.mkdir(parents=True)
    target.write_text(original.replace("{% for section in doc.sections %}",
                                       "{% for section in doc.sections | reverse %}"),
                      encoding="utf-8")
    return folder


def order(titles: list[str]) -> list[str]:
    return [t for t in titles if t in SECTIONS]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    base = tmp_path_factory.mktemp("order")
    source = base / "doc" / "brief.yaml"
    source.parent.mkdir()
    source.write_text(MINIMAL, encoding="utf-8")
    result = {}
    for name, templates in (("builtin", []), ("reversed", [reversed_template(base / "tpl")])):
        written = build([source], out=base / name, templates=templates)
        result[name] = {w.job.format: w.job.path for w in written}
    return result


def html_order(path) -> list[str]:
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    return order([h.text_content().strip() for h in tree.xpath("//h2")])


def docx_order(path) -> list[str]:
    return order([p.text for p in docx.Document(str(path)).paragraphs
                  if p.style.name == "Heading 1"])


def pdf_order(path) -> list[str]:
    lines = [line.strip() for page in PdfReader(path).pages
             for line in page.extract_text().splitlines()]
    return order(lines)


@pytest.mark.parametrize("reader", [html_order, docx_order, pdf_order],
                         ids=["html", "docx", "pdf"])
def test_every_format_follows_the_template(outputs, reader):
    fmt = reader.__name__.split("_")[0]
    assert reader(outputs["builtin"][fmt]) == SECTIONS
    assert reader(outputs["reversed"][fmt]) == SECTIONS[::-1]


def test_user_folder_is_searched_first_and_builtins_stay_reachable(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "brief.css").write_text("body { color: red; }")
    templates = TemplateSet((tmp_path,))
    assert templates.find("css/brief.css") == tmp_path / "css" / "brief.css"
    assert templates.find("docx/reference.docx") == builtin_dir() / "docx" / "reference.docx"


def test_user_audience_profile_overrides_builtin(tmp_path):
    (tmp_path / "audiences").mkdir()
    (tmp_path / "audiences" / "public.yaml").write_text(
        "label: Citizens\ndescription: Ours.\nsections: [societal, recommendations]\n")
    templates = TemplateSet((tmp_path,))
    profile, path = templates.audiences["public"]
    assert profile.label == "Citizens" and path.parent == tmp_path / "audiences"
    assert templates.audiences["academic"][1].parent == builtin_dir() / "audiences"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A user's project: content/ and a templates/ folder beside it overriding one block
    template and the Word reference document."""
    root = tmp_path_factory.mktemp("project")
    doc = root / "content" / "note" / "brief.yaml"
    doc.parent.mkdir(parents=True)
    doc.write_text(MINIMAL, encoding="utf-8")
    block = root / "templates" / "html" / "blocks" / "key_messages.html"
    block.parent.mkdir(parents=True)
    original = (builtin_dir() / "html" / "blocks" / "key_messages.html").read_text()
    block.write_text(original.replace("{{ labels.key_messages }}", "Our Bottom Line"))
    reference = docx.Document(str(builtin_dir() / "docx" / "reference.docx"))
    reference.styles["Heading 1"].font.name = "DejaVu Serif"
    (root / "templates" / "docx").mkdir()
    reference.save(str(root / "templates" / "docx" / "reference.docx"))
    written = build([root / "content"], out=root / "build")
    return {w.job.format: w.job.path for w in written}


def test_project_block_override_reaches_every_format(project):
    assert "Our Bottom Line" in project["html"].read_text(encoding="utf-8")
    text = " ".join(page.extract_text() for page in PdfReader(project["pdf"]).pages)
    assert "OUR BOTTOM LINE" in text.upper() and "KEY MESSAGES" not in text.upper()
    boxes = [p.text for p in docx.Document(str(project["docx"])).paragraphs
             if p.style.name == "Box Title"]
    assert boxes == ["Our Bottom Line"]


def test_project_reference_docx_styles_the_output(project):
    document = docx.Document(str(project["docx"]))
    assert document.styles["Heading 1"].font.name == "DejaVu Serif"
    assert [p.style.name for p in document.paragraphs if p.text == "History"] == ["Heading 1"]
