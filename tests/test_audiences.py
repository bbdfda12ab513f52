"""Audience variants differ as their profiles say; limits are checked; themes apply."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE, MINIMAL, SECTION_TITLES
from pypdf import PdfReader

from briefgen.errors import ContentError
from briefgen.pipeline import build, find_documents, load_all
from briefgen.templates import TemplateSet


def flat_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    out = tmp_path_factory.mktemp("variants")
    written = build([EXAMPLE], out=out, formats=["pdf", "html"])
    return {(w.job.audience, w.job.format): w.job.path for w in written}


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


def test_policymaker_is_short_and_leads_with_recommendations(variants):
    pdf = variants[("policymaker", "pdf")]
    assert 2 <= len(PdfReader(pdf).pages) <= 4
    text = flat_text(pdf)
    order = positions(text, ["KEY MESSAGES", "Recommendations", SECTION_TITLES["strategic"],
                             SECTION_TITLES["history"]])
    assert order == sorted(order)
    assert "Further reading" in text and "References" not in text
    assert "Glossary" not in text
    assert "Sources differ on the year" not in text  # no notes
    assert "Noor, Zahir, and Ullah, “Pakistan–Russia Relations.”" not in text  # nor citations
    assert "Pakistan opened diplomatic relations" not in text  # leads only, no bodies


def test_academic_has_everything_in_document_order(variants):
    pdf = variants[("academic", "pdf")]
    assert 5 <= len(PdfReader(pdf).pages) <= 8
    text = flat_text(pdf)
    order = positions(text, list(SECTION_TITLES.values()) + ["Glossary", "References"])
    assert order == sorted(order)
    assert "Sources differ on the year" in text and "Table 1." in text
    assert "Further reading" not in text


def test_public_is_plain_with_endnotes_glossary_and_further_reading(variants):
    text = flat_text(variants[("public", "pdf")])
    assert "Table 1." not in text
    # Endnotes: the notes come after the last section, under their own heading.
    order = positions(text, [SECTION_TITLES["recommendations"], "Notes 1. Khan",
                             "Sources differ on the year", "Glossary", "Further reading"])
    assert order == sorted(order)
    html = variants[("public", "html")].read_text(encoding="utf-8")
    assert "--primary: #1d5c4d" in html  # the public theme


def test_public_glossary_lists_only_terms_the_text_uses(write_doc, tmp_path):
    text = MINIMAL.replace("Economy body.", "Trade runs through the SCO.") + (
        'glossary: {SCO: "Shanghai Cooperation Organisation", XYZ: "Never mentioned"}\n')
    path = write_doc(text.replace("audiences: [academic]", "audiences: [academic, public]"))
    written = build([path], out=tmp_path / "out", formats=["html"])
    pages = {w.job.audience: w.job.path.read_text(encoding="utf-8") for w in written}
    assert "Never mentioned" in pages["academic"] and "Never mentioned" not in pages["public"]
    assert "Shanghai Cooperation Organisation" in pages["public"]


def test_short_references_list_only_what_the_variant_cites(write_doc, tmp_path):
    text = MINIMAL.replace("History body.", "Old history [@old1990].") + (
        '  - {id: old1990, type: book, authors: ["Old, Ann"], title: "Old Book", date: 1990}\n')
    path = write_doc(text.replace("audiences: [academic]", "audiences: [academic, policymaker]"))
    written = build([path], out=tmp_path / "out", formats=["html"])
    pages = {w.job.audience: w.job.path.read_text(encoding="utf-8") for w in written}
    assert "Old Book" in pages["academic"]
    assert "Old Book" not in pages["policymaker"]  # history body is not shown there
    assert "A Book" in pages["policymaker"]


def user_profile(folder, name: str, body: str):
    (folder / "audiences").mkdir(parents=True, exist_ok=True)
    (folder / "audiences" / f"{name}.yaml").write_text(body, encoding="utf-8")
    return folder


def test_letter_paper_from_a_user_profile(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "us", "label: US readers\npage_size: Letter\n")
    written = build([write_doc()], out=tmp_path / "out", audiences=["us"], formats=["pdf"],
                    templates=[templates])
    box = PdfReader(written[0].job.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_limits_are_warnings_with_locations(write_doc, tmp_path):
    templates = user_profile(tmp_path / "tpl", "terse", "label: Terse\n"
                             "limits: {key_messages: 2, words_per_section: 1}\n")
    path = write_doc(MINIMAL.replace("audiences: [academic]", "audiences: [terse]"))
    docs = load_all(find_documents([path]), TemplateSet((templates,)))
    warnings = [str(w) for w in docs[0].warnings]
    assert f"{path}:9:15: warning: key_messages: 3 key messages (the terse profile allows 2)" \
        in warnings
    assert any(w.startswith(f"{path}:11:") and "sections.history.body: 3 words" in w
               for w in warnings), warnings


def test_broken_profile_is_reported_with_its_file(tmp_path, write_doc):
    templates = user_profile(tmp_path / "tpl", "odd", "label: Odd\nreferences: some\n")
    with pytest.raises(ContentError) as info:
        load_all(find_documents([write_doc()]), TemplateSet((templates,)))
    message = str(info.value.diagnostics[0])
    assert "odd.yaml:2:" in message and "references" in message and "'short'" in message
