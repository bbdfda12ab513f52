"""The publication details: the colophon, the title block's data-as-of date, the book card,
and the metadata of the PDF and the Word file. Every piece shows in every format when given,
nothing empty or dangling when not, and no placeholder reaches the built examples."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MINIMAL, need
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from briefgen.labels import load_labels
from briefgen.models import Book, Meta
from briefgen.pipeline import build
from briefgen.templates import TemplateSet

DOI = "10.5555/nbi.pb.2025.07"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLICATION = MINIMAL.replace(
    '  title: "A small brief"\n  date: 2025-06-01\n  authors: [{name: "Ada Analyst"}]\n',
    f"""\
  title: "A small brief"
  subtitle: "With a subtitle"
  series: "Northbridge Policy Briefs"
  number: "2025/07"
  date: 2025-06-01
  data_as_of: 2025-03-31
  keywords: ["Pakistan", "Russia"]
  authors:
    - name: "Amina Rauf"
      affiliation: "Northbridge Institute for Eurasian Policy"
      email: "amina.rauf@northbridge-institute.example"
      bio: "Amina Rauf is Senior Fellow in the South Asia programme."
    - {{name: "Jonas Berg", bio: "Research Fellow, energy and trade."}}
  organisation:
    name: "Northbridge Institute for Eurasian Policy"
    url: "https://www.northbridge-institute.example"
    address: "4 Cedar Court, Northbridge NB1 2AA, United Kingdom"
    email: "publications@northbridge-institute.example"
    about: "An independent research institute on Russia, South and Central Asia."
  url: "https://www.northbridge-institute.example/publications/nbi.pb.2025.07"
  isbn: "978-0-306-40615-7"
  doi: "{DOI}"
  licence: {{name: "CC BY 4.0", url: "{LICENCE_URL}"}}
""")
assert PUBLICATION != MINIMAL and "data_as_of" in PUBLICATION

# What a reader of every format finds, compared without regard to spaces and line breaks.
EXPECTED = [
    "About the authors",
    "Amina Rauf is Senior Fellow in the South Asia programme.",
    "amina.rauf@northbridge-institute.example",
    "Jonas Berg. Research Fellow, energy and trade.",
    "About the publisher",
    "An independent research institute on Russia, South and Central Asia.",
    "Northbridge Institute for Eurasian Policy · 4 Cedar Court, Northbridge NB1 2AA, "
    "United Kingdom · publications@northbridge-institute.example · "
    "www.northbridge-institute.example",
    "Northbridge Policy Briefs No. 2025/07 · Data as of 31 March 2025 · "
    "ISBN 978-0-306-40615-7 · DOI https://doi.org/10.5555/nbi.pb.2025.07 · "
    "Online www.northbridge-institute.example/publications/nbi.pb.2025.07",
    "How to cite:",
    "© 2025 Northbridge Institute for Eurasian Policy. This work is licensed under a "
    "Creative Commons Attribution 4.0 International licence (CC BY 4.0).",
]
# Words that appear only when a publication detail is given.
ONLY_WITH_DETAILS = ["About the", "Data as of", "©", "licensed", "DOI", "ISBN", "Online",
                     "No.", "not confirmed", "not stated"]
FORBIDDEN_IN_EXAMPLES = ["example.org", "briefgen example", "Illustrative content", "inferred",
                         "Year inferred", "Publication details incomplete", "as spelled in",
                         "Citation style"]


def squashed(text: str) -> str:
    """Return text in lower case without whitespace or hyphens, to compare what a reader sees:
    a line break in a PDF matches a space; pdftotext drops a hyphen at a line's end (as
    in an email address broken after its hyphen); a heading may be set in capitals."""
    return "".join(text.split()).replace("-", "").lower()


def html_text(path: Path) -> str:
    """Return the text a reader sees on the HTML page."""
    return lxml_html.fromstring(path.read_bytes()).find("body").text_content()


def pdf_text(path: Path) -> str:
    """Return the PDF's text, as pdftotext extracts it."""
    need("pdftotext")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_text(path: Path) -> str:
    """Return the text of the Word file's body, tables, headers and footers."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


READERS = {"html": html_text, "pdf": pdf_text, "docx": docx_text}


def built(folder: Path, text: str, templates: Path | None = None) -> dict[str, Path]:
    """Build the brief text in every format into folder; return {format: path}."""
    source = folder / "doc" / "brief.yaml"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    written = build([source], out=folder / "out",
                    templates=(templates,) if templates else ())
    return {item.job.format: item.job.path for item in written}


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> dict[str, Path]:
    """The brief with every publication detail, in every format."""
    return built(tmp_path_factory.mktemp("full"), PUBLICATION)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> dict[str, Path]:
    """The minimal brief: none of the publication details."""
    return built(tmp_path_factory.mktemp("bare"), MINIMAL)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_publication_detail_reaches_every_format(full, fmt):
    text = squashed(READERS[fmt](full[fmt]))
    missing = [piece for piece in EXPECTED if squashed(piece) not in text]
    assert not missing, f"{fmt} lacks {missing}"
    assert "Citation style" not in READERS[fmt](full[fmt])


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_without_the_details_nothing_empty_or_dangling_is_printed(bare, fmt):
    text = READERS[fmt](bare[fmt])
    assert [word for word in ONLY_WITH_DETAILS if word in text] == []
    assert "Citation style" not in text
    assert "How to cite" in text  # the one part that is always there
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert not [line for line in lines if line.startswith("·") or line.endswith("·")]


def test_the_bare_colophon_holds_no_empty_element(bare):
    page = lxml_html.fromstring(bare["html"].read_bytes())
    (colophon,) = page.find_class("colophon")
    assert colophon.findall(".//h2") == []
    empty = [el.tag for el in colophon.iter() if el.tag in {"p", "div", "a", "span"}
             and not el.text_content().strip()]
    assert empty == []
    assert "data-as-of" not in etree.tostring(page.find(".//header")).decode()


def test_links_go_where_the_text_says(full):
    page = lxml_html.fromstring(full["html"].read_bytes())
    hrefs = {a.get("href") for a in page.iter("a")}
    assert {f"https://doi.org/{DOI}", LICENCE_URL, "https://www.northbridge-institute.example",
            "mailto:publications@northbridge-institute.example"} <= hrefs
    assert [a.get("href") for a in page.find_class("colophon")[0].iter("a")
            if a.get("rel") == "license"] == [LICENCE_URL]
    rels = zipfile.ZipFile(full["docx"]).read("word/_rels/document.xml.rels").decode()
    assert f'Target="https://doi.org/{DOI}"' in rels and f'Target="{LICENCE_URL}"' in rels
    uris = {annot.get_object()["/A"].get("/URI") for page in PdfReader(full["pdf"]).pages
            for annot in page.get("/Annots") or [] if "/A" in annot.get_object()}
    assert {f"https://doi.org/{DOI}", LICENCE_URL} <= uris


def test_the_title_block_gives_data_as_of_beside_the_date(full):
    page = lxml_html.fromstring(full["html"].read_bytes())
    (edition,) = page.find_class("edition")
    text = " ".join(edition.text_content().split())
    assert text.startswith("1 June 2025 · Data as of 31 March 2025 · ")
    word = docx.Document(str(full["docx"])).paragraphs[1].text
    assert " ".join(word.split()).startswith("1 June 2025 · Data as of 31 March 2025 · ")


def test_pdf_metadata_names_the_authors_title_subject_and_keywords(full, bare):
    info = PdfReader(full["pdf"]).metadata
    assert info.author == "Amina Rauf, Jonas Berg"
    assert (info.title, info.subject) == ("A small brief", "With a subtitle")
    assert info["/Keywords"] == "Pakistan, Russia"
    assert PdfReader(bare["pdf"]).metadata.author == "Ada Analyst"


def test_word_properties_name_the_authors(full):
    props = docx.Document(str(full["docx"])).core_properties
    assert props.author == "Amina Rauf; Jonas Berg"
    assert (props.title, props.subject) == ("A small brief", "With a subtitle")


def _rights_and_identifier(paths: dict[str, Path]) -> tuple:
    """Return the PDF's XMP rights and identifier, and Word's identifier and Rights property."""
    xmp = PdfReader(paths["pdf"]).xmp_metadata
    package = zipfile.ZipFile(paths["docx"])
    custom = etree.fromstring(package.read("docProps/custom.xml")) \
        if "docProps/custom.xml" in package.namelist() else None
    rights = {p.get("name"): "".join(p.itertext()) for p in custom} if custom is not None else {}
    return (xmp.dc_rights.get("x-default") if xmp.dc_rights else None, xmp.dc_identifier or None,
            docx.Document(str(paths["docx"])).core_properties.identifier, rights)


RIGHTS = f"© 2025 Northbridge Institute for Eurasian Policy. CC BY 4.0 ({LICENCE_URL})"


def test_rights_and_identifier_reach_pdf_xmp_and_word_properties(tmp_path):
    """The page's metadata (blocks/head_meta.html, in a page whose <head> includes it)
    reaches the PDF's XMP packet and Word's properties."""
    from briefgen.paths import builtin_dir

    base = (builtin_dir() / "html" / "base.html").read_text(encoding="utf-8")
    if "blocks/head_meta.html" not in base:
        base = base.replace("</head>", '{% include "blocks/head_meta.html" %}\n</head>')
    (tmp_path / "templates" / "html").mkdir(parents=True)
    (tmp_path / "templates" / "html" / "base.html").write_text(base, encoding="utf-8")
    paths = built(tmp_path / "build", PUBLICATION, templates=tmp_path / "templates")
    assert _rights_and_identifier(paths) == (
        RIGHTS, f"https://doi.org/{DOI}", f"https://doi.org/{DOI}", {"Rights": RIGHTS})
    bare = built(tmp_path / "bare", MINIMAL, templates=tmp_path / "templates")
    assert _rights_and_identifier(bare) == (None, None, "", {})


def test_the_built_in_page_carries_rights_and_identifier(full):
    """Needs base.html to include blocks/head_meta.html in its <head>."""
    assert _rights_and_identifier(full) == (
        RIGHTS, f"https://doi.org/{DOI}", f"https://doi.org/{DOI}", {"Rights": RIGHTS})


# Blocks rendered on their own, from the plain data a page template gets.

def render_block(name: str, **doc) -> str:
    """Render templates/html/blocks/<name> with doc and the English labels; return its text."""
    templates = TemplateSet()
    doc = {"comma": ", ", "direction": "ltr", **doc}
    labels = {key: value["other"] if isinstance(value, dict) else value  # as context gives
              for key, value in load_labels(templates, "en").items()}
    page = templates.jinja.get_template(f"blocks/{name}").render(doc=doc, labels=labels)
    return " ".join(lxml_html.fragment_fromstring(page, create_parent="div").text_content().split())


META = {"title": "T", "date": "2025-06-01", "authors": [{"name": "Ada Analyst"}]}


@pytest.mark.parametrize(("licence", "sentence"), [
    ({"name": "CC BY 4.0"}, "This work is licensed under a Creative Commons Attribution "
                            "4.0 International licence (CC BY 4.0)."),
    ({"name": "CC BY-NC-SA 4.0"}, "licensed under a Creative Commons Attribution-"
                                  "NonCommercial-ShareAlike 4.0 International licence "
                                  "(CC BY-NC-SA 4.0)."),
    ({"name": "CC BY-ND 3.0"}, "a Creative Commons Attribution-NoDerivatives 3.0 licence "
                               "(CC BY-ND 3.0)."),
    ({"name": "Open Government Licence v3.0"},
     "This work is licensed under Open Government Licence v3.0."),
    ({"name": "CC BY-XX 4.0"}, "This work is licensed under CC BY-XX 4.0."),
])
def test_the_licence_line_names_the_licence_in_full(licence, sentence):
    meta = Meta.model_validate({**META, "licence": licence}).model_dump(mode="json")
    text = render_block("colophon.html", meta=meta, date_year=2025, how_to_cite="Cite.")
    # Without an organisation the authors hold the copyright.
    assert "© 2025 Ada Analyst. " in text
    assert sentence in text


def card(**book) -> str:
    """Return the text of the book card for a book of Nigar's with the given fields."""
    data = Book.model_validate({"title": "Relations", "editors": ["Nigar, Neelum"], **book})
    return render_block("book.html", book=data.model_dump(mode="json"),
                        reviewer={"name": "Leila Haddad", "affiliation": None})


@pytest.mark.parametrize(("book", "line"), [
    ({"place": "Islamabad", "publisher": "ISSI", "year": 2025, "pages": 300},
     "Islamabad: ISSI, 2025 · 300 pages"),
    ({"publisher": "ISSI", "year": 2025, "unconfirmed": ["year"]},
     "ISSI, 2025 (not confirmed)"),
    ({"publisher": "ISSI", "year": 2025, "unconfirmed": ["publisher", "year"]},
     "ISSI (not confirmed), 2025 (not confirmed)"),
    ({"year": 2025, "unconfirmed": ["year"]},
     "Publisher not stated in the sources, 2025 (not confirmed)"),
    ({"publisher": "ISSI"}, "ISSI, year not stated in the sources"),
    ({}, "Publisher and year not stated in the sources"),
    ({"year": 2025, "isbn": "978-0-306-40615-7", "unconfirmed": ["isbn"]},
     "2025 · ISBN 978-0-306-40615-7 (not confirmed)"),
])
def test_the_book_card_marks_what_the_sources_do_not_establish(book, line):
    text = card(**book)
    assert line in text
    assert "Edited by Neelum Nigar" in text
    assert "None" not in text


def test_the_book_card_marks_only_what_is_listed():
    assert "not" not in card(publisher="ISSI", year=2025, isbn="978-0-306-40615-7")


def test_the_examples_carry_no_placeholder_or_working_note(every_example):
    outputs = {name: path for name, path in every_example.items()
               if path.suffix.lstrip(".") in READERS}
    assert len(outputs) == 39  # three examples for three audiences, two translations for two
    found = []
    for name, path in sorted(outputs.items()):
        text = READERS[path.suffix.lstrip(".")](path)
        found += [(name, word) for word in FORBIDDEN_IN_EXAMPLES
                  if word.lower() in text.lower()]
    assert found == []


def test_data_as_of_the_publication_date_is_left_to_the_colophon(tmp_path):
    text = MINIMAL.replace("  date: 2025-06-01\n", "  date: 2025-06-01\n  data_as_of: 2025-06-01\n")
    source = tmp_path / "brief.yaml"
    source.write_text(text, encoding="utf-8")
    (written,) = build([source], out=tmp_path / "out", formats=["html"])
    page = lxml_html.fromstring(written.job.path.read_bytes())
    assert "Data as of" not in page.find_class("edition")[0].text_content()
    assert "Data as of" in page.find_class("colophon")[0].text_content()


def test_a_few_details_print_without_dangling_separators():
    meta = Meta.model_validate({**META, "series": "Working Papers",
                                "organisation": {"name": "Small Org"}}).model_dump(mode="json")
    text = render_block("colophon.html", meta=meta, date_year=2025, how_to_cite="Cite.")
    assert text == "Small Org Working Papers How to cite: Cite."
