"""The DOCX carries its own metadata and language, and none of the reference's leftovers."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DC = "http://purl.org/dc/elements/1.1/"
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
REFERENCE = ROOT / "templates" / "docx" / "reference.docx"


def build_docx(write_doc, tmp_path: Path, language: str) -> zipfile.ZipFile:
    """Build the minimal brief in language as a DOCX and return it opened."""
    from briefgen.pipeline import build

    text = MINIMAL.replace("  date: 2025-06-01\n", f"  date: 2025-06-01\n  language: {language}\n")
    assert f"language: {language}" in text
    written = build([write_doc(text)], out=tmp_path / "out", formats=["docx"])
    (path,) = [item.job.path for item in written]
    return zipfile.ZipFile(path)


def xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    """Return the parsed XML part name of package."""
    return etree.fromstring(package.read(name))


def relationships(package: zipfile.ZipFile) -> list[tuple[str, etree._Element]]:
    """Return (source part's folder, relationship) for every internal relationship."""
    found = []
    for name in package.namelist():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/x.rels -> word
        for rel in xml(package, name).iter(f"{{{REL}}}Relationship"):
            if rel.get("TargetMode") != "External":
                found.append((folder, rel))
    return found


def target(folder: str, rel: etree._Element) -> str:
    """Return the part name a relationship from a part in folder points to."""
    ref = rel.get("Target")
    return ref.lstrip("/") if ref.startswith("/") else posixpath.normpath(
        posixpath.join(folder, ref))


def test_the_reference_document_has_the_leftovers_these_tests_look_for():
    """Without this, the tests below would pass for want of anything to remove."""
    names = zipfile.ZipFile(REFERENCE).namelist()
    assert any(name.startswith("docProps/thumbnail.") for name in names)
    assert any(name.startswith("customXml/") for name in names)


@pytest.mark.parametrize("language", ["en-GB", "fr"])
def test_docx_carries_no_leftovers_and_its_own_language(write_doc, tmp_path, language):
    package = build_docx(write_doc, tmp_path, language)
    names = set(package.namelist())

    assert not [name for name in names if name.startswith("docProps/thumbnail.")]
    # The one custom XML part is briefgen's own record of the source (provenance), with
    # the properties part that keeps it in LibreOffice; the reference's are gone.
    assert sorted(name for name in names if name.lower().startswith("customxml/")) == \
        ["customXml/_rels/item1.xml.rels", "customXml/item1.xml", "customXml/itemProps1.xml"]
    assert xml(package, "customXml/item1.xml").tag == "{urn:briefgen:provenance}provenance"
    assert "word/stylesWithEffects.xml" not in names  # Word 2010's stale copy of the styles
    assert "docProps/app.xml" not in names  # says "Microsoft Macintosh Word", one page

    rels = relationships(package)
    assert not [rel for _, rel in rels if rel.get("Type") == THUMBNAIL]
    assert [target(folder, rel) for folder, rel in rels if "customXml" in rel.get("Type")] \
        == ["customXml/item1.xml", "customXml/itemProps1.xml"]
    missing = [target(folder, rel) for folder, rel in rels if target(folder, rel) not in names]
    assert missing == []

    overrides = [o.get("PartName").lstrip("/")
                 for o in xml(package, "[Content_Types].xml").iter(f"{{{CT}}}Override")]
    assert [name for name in overrides if name not in names] == []

    styles = xml(package, "word/styles.xml")
    langs = styles.findall(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}lang")
    assert [lang.get(f"{{{W}}}val") for lang in langs] == [language]
    theme_language = xml(package, "word/settings.xml").find(f"{{{W}}}themeFontLang")
    assert theme_language is None or theme_language.get(f"{{{W}}}val") == language
    core = xml(package, "docProps/core.xml")
    assert [element.text for element in core.iter(f"{{{DC}}}language")] == [language]
