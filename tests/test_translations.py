"""Translations kept in step: `translation_of` compares a translation with its source.

Small hand-written pairs (an English source, a French, Russian or Urdu translation) in
tmp_path: every kind of difference is reported in the translation with its line and
field; numbers agree across grouping, decimal signs and scripts; the source must be a
file in the translation's folder; the digest says when the source changed. The end-to-end
check changes a number of the example brief and runs `briefgen validate` on its folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.content import load
from briefgen.errors import Diagnostic
from briefgen.loader import load_yaml
from briefgen.translation_text import numbers, paragraphs
from briefgen.translations import digest, translation_diagnostics

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "pakistan-russia"

SOURCE = """\
kind: policy-brief
meta:
  title: "A small brief"
  date: 2025-06-01
  language: en
  authors: [{name: "Ada Analyst"}]
audiences: [academic]
summary: |
  Trade was 3,250 tonnes on 4 July 2025 [@doe2024, p. 4].

  Growth was 3.5 per cent in 2024.
key_messages: ["First message.", "Second message, of 12 words.", "Third message."]
sections:
  history:
    title: "History"
    body: "History body."
    key_points: ["One.", "Two."]
    timeline:
      - {date: 2016, title: "Exercise", text: "The first exercise."}
      - {date: 2017-06-09, title: "Membership", text: "Full member."}
    quotes:
      - {text: "We are friends.", speaker: "A Minister"}
  economic:
    title: "Economy"
    body: |
      Exports grew.

      - 10 ships
      - 20 trains

      <!-- 99 is a note to editors -->
      See <https://example.org/2019> and [the data](https://example.org/x/77).
    tables:
      - caption: "Trade"
        columns: ["Year", "Value"]
        rows: [["2020", "100"], ["2021", "120"]]
    figures:
      - caption: "Exports"
        alt: "Bar chart of exports: 1 in 2020, 2 in 2021."
        chart: {type: bar, series: [{name: "Exports", points: [["2020", 1], ["2021", 2]]}]}
  recommendations:
    title: "Recommendations"
    items:
      - {title: "Act", text: "Do it.", actors: ["Everyone"]}
      - {title: "Pay", text: "Pay 5 million [@roe2023]."}
watch: ["A sign.", "Another sign."]
glossary: {SCO: "Shanghai Cooperation Organisation"}
references:
  - {id: doe2024, type: book, authors: ["Doe, Jane"], title: "A Book", date: 2024}
  - {id: roe2023, type: book, authors: ["Roe, Rick"], title: "Another", date: 2023}
"""

# The same brief in French, in its own words: numbers grouped and dated the French way,
# a citation's page changed (citations are not compared), the layout of the YAML too.
FRENCH = """\
kind: policy-brief
meta:
  title: "Un petit dossier"
  date: 2025-06-20
  language: fr
  translation_of: {file: brief.yaml, checked: DIGEST}
  authors: [{name: "Ada Analyst"}]
audiences: [academic]
summary: |
  Les échanges ont atteint 3 250 tonnes le 4 juillet 2025 [@doe2024, p. 12].

  La croissance était de 3,5 % en 2024.
key_messages:
  - "Premier message."
  - "Deuxième message, en 12 mots."
  - "Troisième message."
sections:
  history:
    title: "Histoire"
    body: "Corps de l'histoire."
    key_points: ["Un.", "Deux."]
    timeline:
      - {date: 2016, title: "Exercice", text: "Le premier exercice."}
      - {date: 2017-06-09, title: "Adhésion", text: "Membre à part entière."}
    quotes:
      - {text: "Nous sommes amis.", speaker: "Un ministre"}
  economic:
    title: "Économie"
    body: |
      Les exportations ont augmenté.

      - 10 navires
      - 20 trains

      Voir <https://example.org/fr/1> et [les données](https://example.org/x/78).
    tables:
      - caption: "Échanges"
        columns: ["Année", "Valeur"]
        rows:
          - ["2020", "100"]
          - ["2021", "120"]
    figures:
      - caption: "Exportations"
        alt: "Diagramme en barres des exportations : 1 en 2020, 2 en 2021."
        chart: {type: bar, series: [{name: "Exportations", points: [["2020", 1], ["2021", 2]]}]}
  recommendations:
    title: "Recommandations"
    items:
      - {title: "Agir", text: "Le faire.", actors: ["Tous"]}
      - {title: "Payer", text: "Payer 5 millions [@roe2023]."}
watch: ["Un signe.", "Un autre signe."]
glossary: {OCS: "Organisation de coopération de Shanghai"}
references:
  - {id: doe2024, type: book, authors: ["Doe, Jane"], title: "A Book", date: 2024}
  - {id: roe2023, type: book, authors: ["Roe, Rick"], title: "Another", date: 2023}
"""


def write_pair(folder: Path, source: str = SOURCE, translation: str = FRENCH,
               name: str = "brief-fr.yaml") -> Path:
    """Write brief.yaml and its translation (its DIGEST filled in); return the translation."""
    (folder / "brief.yaml").write_text(source, encoding="utf-8")
    found = digest(load_yaml(folder / "brief.yaml")[0])
    path = folder / name
    path.write_text(translation.replace("DIGEST", found), encoding="utf-8")
    return path


def compare(folder: Path, source: str = SOURCE, translation: str = FRENCH) -> list[Diagnostic]:
    """Return what comparing the translation with its source reports."""
    return translation_diagnostics(load(write_pair(folder, source, translation)))


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of text on which needle first appears."""
    assert text.count(needle) >= 1, needle
    return text[: text.index(needle)].count("\n") + 1


def test_a_translation_in_step_gives_nothing(tmp_path: Path) -> None:
    assert compare(tmp_path) == []


# Each: the change (in the source or the translation), the field and the line of the
# translation where it is reported, and what the message says.
DIFFERENCES = {
    "kind": (
        ("translation", "kind: policy-brief", "kind: report"),
        "kind", "kind:", "this is a report, brief.yaml a policy-brief"),
    "section lacking": (
        ("source", '  economic:\n', '  strategic: {title: "Strategy", body: "Body."}\n'
                                   '  economic:\n'),
        "sections", "sections:", "brief.yaml has the section 'strategic'; this file does not"),
    "section added": (
        ("translation", '  economic:\n', '  strategic: {title: "Stratégie", body: "Corps."}\n'
                                        '  economic:\n'),
        "sections.strategic", "  strategic:",
        "the section 'strategic' is here but not in brief.yaml"),
    "field added": (
        ("translation", '    title: "Histoire"\n',
         '    title: "Histoire"\n    lead: "Une ouverture."\n'),
        "sections.history.lead", "    lead:", "'lead' is here but not in brief.yaml"),
    "key messages": (
        ("translation", '  - "Troisième message."\n',
         '  - "Troisième message."\n  - "Quatrième message."\n'),
        "key_messages", "key_messages:", "4 items here but 3 in brief.yaml"),
    "recommendations": (
        ("translation", '      - {title: "Payer", text: "Payer 5 millions [@roe2023]."}\n', ""),
        "sections.recommendations.items", "    items:", "1 item here but 2 in brief.yaml"),
    "watch": (
        ("translation", '"Un autre signe."]', '"Un autre signe.", "Un troisième."]'),
        "watch", "watch:", "3 items here but 2 in brief.yaml"),
    "table rows": (
        ("translation", '          - ["2021", "120"]\n',
         '          - ["2021", "120"]\n          - ["2022", "130"]\n'),
        "sections.economic.tables[0].rows", "        rows:", "3 rows here but 2 in brief.yaml"),
    "table columns": (
        ("translation", '["Année", "Valeur"]\n        rows:\n          - ["2020", "100"]\n'
         '          - ["2021", "120"]\n', '["Année", "Valeur", "Part"]\n        rows:\n'
         '          - ["2020", "100", "45 %"]\n          - ["2021", "120", "50 %"]\n'),
        "sections.economic.tables[0].columns", "        columns:",
        "3 columns here but 2 in brief.yaml"),
    "timeline": (
        ("translation", '      - {date: 2016, title: "Exercice", text: "Le premier exercice."}\n',
         ""),
        "sections.history.timeline", "    timeline:", "1 item here but 2 in brief.yaml"),
    "quotes": (
        ("source", '      - {text: "We are friends.", speaker: "A Minister"}\n',
         '      - {text: "We are friends.", speaker: "A Minister"}\n'
         '      - {text: "And partners.", speaker: "A Minister"}\n'),
        "sections.history.quotes", "    quotes:", "1 item here but 2 in brief.yaml"),
    "figures": (
        ("translation", '    figures:\n', '    figures:\n      - caption: "Importations"\n'
         '        alt: "Diagramme."\n        chart: {type: bar, series: [{name: "I", '
         'points: [["2020", 1]]}]}\n'),
        "sections.economic.figures", "    figures:", "2 items here but 1 in brief.yaml"),
    "key points": (
        ("translation", '["Un.", "Deux."]', '["Un."]'),
        "sections.history.key_points", "    key_points:", "1 item here but 2 in brief.yaml"),
    "glossary": (
        ("translation", 'glossary: {OCS: "Organisation de coopération de Shanghai"}',
         'glossary: {OCS: "Organisation de coopération de Shanghai", UE: "Union européenne"}'),
        "glossary", "glossary:", "2 entries here but 1 in brief.yaml"),
    "reference lacking": (
        ("source", '  - {id: roe2023,', '  - {id: poe2022, type: web, title: "Web"}\n'
                                        '  - {id: roe2023,'),
        "references", "references:", "reference 'poe2022' is in brief.yaml but not here"),
    "reference added": (
        ("translation", '  - {id: roe2023,', '  - {id: zed2020, type: web, title: "Toile"}\n'
                                             '  - {id: roe2023,'),
        "references[1].id", "  - {id: zed2020", "reference 'zed2020' is not in brief.yaml"),
    "paragraphs": (
        ("translation", "  La croissance était", "  Un ajout.\n\n  La croissance était"),
        "summary", "summary:", "3 paragraphs here but 2 in brief.yaml"),
    "a number": (
        ("translation", "3 250 tonnes", "3 251 tonnes"),
        "summary", "  Les échanges",
        "paragraph 1: 3250 is in brief.yaml's paragraph but not here (this paragraph has 3251)"),
    "a number in a list item": (
        ("translation", "- 20 trains", "- 21 trains"),
        "sections.economic.body", "      - 21 trains",
        "paragraph 3: 20 is in brief.yaml's paragraph but not here (this paragraph has 21)"),
    "a date": (
        ("translation", "le 4 juillet 2025", "le 5 juillet 2025"),
        "summary", "  Les échanges",
        "paragraph 1: 4 is in brief.yaml's paragraph but not here (this paragraph has 5)"),
    "a number added": (
        ("translation", "La croissance était de 3,5 %", "La croissance était de 3,5 % (7 %)"),
        "summary", "  La croissance", "paragraph 2: 7 is here but not in brief.yaml's paragraph"),
    "a number in alt text": (
        ("translation", "1 en 2020, 2 en 2021", "1 en 2020, 3 en 2021"),
        "sections.economic.figures[0].alt", "        alt:",
        "2 is in brief.yaml's text but not here (this text has 3)"),
    "a chart value": (
        ("source", '[["2020", 1], ["2021", 2]]}]}', '[["2020", 1], ["2021", 4]]}]}'),
        "sections.economic.figures[0].chart.series[0].points[1][1]", '        chart:',
        "2 here but 4 in brief.yaml"),
}


@pytest.mark.parametrize("case", DIFFERENCES, ids=list(DIFFERENCES))
def test_each_difference_is_located_in_the_translation(tmp_path: Path, case: str) -> None:
    (which, old, new), field, line_text, message = DIFFERENCES[case]
    source, translation = SOURCE, FRENCH
    if which == "source":
        assert old in source
        source = source.replace(old, new, 1)
    else:
        assert old in translation
        translation = translation.replace(old, new, 1)
    found = [d for d in compare(tmp_path, source, translation) if "digest" not in d.message]
    assert [(d.file.name, d.field, d.severity, d.message) for d in found] == [
        ("brief-fr.yaml", field, "warning", message)]
    assert found[0].line == line_of(translation, line_text)


def test_a_paragraph_of_a_folded_block_is_found_on_its_line(tmp_path: Path) -> None:
    folded = FRENCH.replace('    body: "Corps de l\'histoire."\n',
                            "    body: >\n      Premier paragraphe,\n      sur deux lignes.\n"
                            "\n\n      Le second, de 7 mots.\n")
    source = SOURCE.replace('    body: "History body."\n',
                            '    body: "First paragraph.\\n\\nThe second, in 8 words."\n')
    (found,) = compare(tmp_path, source, folded)
    assert found.field == "sections.history.body"
    assert found.line == line_of(folded, "      Le second")
    assert found.message.startswith("paragraph 2: 8 is in brief.yaml's paragraph")


@pytest.mark.parametrize(("one", "other"), [
    ("3,250", "3 250"), ("3,250", "3250"), ("3 250", "3\u202f250"), ("3,5", "3.5"),
    ("1,234,567", "1 234 567"), ("۳۲", "32"), ("٣٬٢٥٠", "3,250"), ("4 July 2025", "4 июля 2025 г."),
    ("2020–21", "2020/21"), ("[@doe2024, p. 4] 7", "7 [@doe2024, p. 9]"),
    ("<!-- 9 --> 7", "7"), ("<https://x.org/1> 7", "7 https://x.org/2"), ("05", "5"),
])
def test_numbers_agree_whatever_their_writing(one: str, other: str) -> None:
    assert numbers(one) == numbers(other)


@pytest.mark.parametrize(("one", "other"), [
    ("3,250", "3,251"), ("in 2015 300 ships", "in 2015300 ships"), ("3.5", "3.6"),
    ("۳۲", "33"),
])
def test_numbers_that_differ_are_told_apart(one: str, other: str) -> None:
    assert numbers(one) != numbers(other)


def test_paragraphs_are_blocks_and_list_items() -> None:
    text = "One\nstill one, since\n2015. Then.\n\n- a\n- b\n  more b\n\n1. c\n2. d\n"
    assert [offset for offset, _ in paragraphs(text)] == [0, 4, 5, 8, 9]


def test_urdu_digits_agree(tmp_path: Path) -> None:
    urdu = FRENCH.replace("language: fr", "language: ur").replace(
        "Les échanges ont atteint 3 250 tonnes le 4 juillet 2025",
        "تجارت ۴ جولائی ۲۰۲۵ کو ۳٬۲۵۰ ٹن تھی").replace(
        "La croissance était de 3,5 % en 2024.", "ترقی ۲۰۲۴ میں ۳٫۵ فیصد تھی۔")
    assert compare(tmp_path, SOURCE, urdu) == []
    changed = urdu.replace("۳٬۲۵۰", "۳٬۲۵۱")
    (found,) = compare(tmp_path, SOURCE, changed)
    assert found.message == ("paragraph 1: 3250 is in brief.yaml's paragraph but not here "
                             "(this paragraph has 3251)")


def test_russian_translation_in_step(tmp_path: Path) -> None:
    russian = FRENCH.replace("language: fr", "language: ru").replace(
        "Les échanges ont atteint 3 250 tonnes le 4 juillet 2025",
        "Товарооборот 4 июля 2025 г. составил 3\u00a0250 тонн").replace(
        "La croissance était de 3,5 % en 2024.", "Рост в 2024 году составил 3,5 %.")
    assert compare(tmp_path, SOURCE, russian) == []


# -- The digest ------------------------------------------------------------------------
def test_no_digest_recorded_says_what_to_write(tmp_path: Path) -> None:
    unchecked = FRENCH.replace("translation_of: {file: brief.yaml, checked: DIGEST}",
                               "translation_of: brief.yaml")
    (found,) = compare(tmp_path, SOURCE, unchecked)
    now = digest(load_yaml(tmp_path / "brief.yaml")[0])
    assert (found.field, found.line, found.severity) == (
        "meta.translation_of", line_of(unchecked, "  translation_of:"), "warning")
    assert found.message == ("records no digest of brief.yaml; once checked, write "
                             f"`translation_of: {{file: brief.yaml, checked: {now}}}`")


def test_a_changed_source_is_reported_with_its_new_digest(tmp_path: Path) -> None:
    path = write_pair(tmp_path)
    old = digest(load_yaml(tmp_path / "brief.yaml")[0])
    (tmp_path / "brief.yaml").write_text(SOURCE.replace("A small brief", "A brief"),
                                         encoding="utf-8")
    new = digest(load_yaml(tmp_path / "brief.yaml")[0])
    assert new != old
    (found,) = translation_diagnostics(load(path))
    assert found.field == "meta.translation_of.checked"
    assert found.message == (f"brief.yaml changed since this translation was last checked "
                             f"(digest {old}, now {new}); bring the translation up to date, "
                             f"then write `checked: {new}`")


def test_comments_and_layout_do_not_change_the_digest(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    before = digest(load_yaml(path)[0])
    path.write_text("# a comment\n" + SOURCE.replace(
        'watch: ["A sign.", "Another sign."]', "watch:  # signs\n  - 'A sign.'\n"
        "  - Another sign."), encoding="utf-8")
    assert digest(load_yaml(path)[0]) == before
    path.write_text(SOURCE.replace("3,250", "3,251"), encoding="utf-8")
    assert digest(load_yaml(path)[0]) != before


# -- Where the source may be -----------------------------------------------------------
def validate(*args: str | Path, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """Run `briefgen validate ARGS`; return the exit code and what it printed on stderr."""
    code = main(["validate", *map(str, args)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", ["../brief.yaml", "ABSOLUTE", "link.yaml", "missing.yaml",
                                  "brief-fr.yaml", "sub"])
def test_a_source_outside_the_folder_or_missing_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture, case: str) -> None:
    outside = tmp_path / "brief.yaml"
    outside.write_text(SOURCE, encoding="utf-8")
    folder = tmp_path / "fr"
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "link.yaml").symlink_to(outside)
    name = str(outside) if case == "ABSOLUTE" else case
    text = FRENCH.replace("{file: brief.yaml, checked: DIGEST}", f"'{name}'")
    path = folder / "brief-fr.yaml"
    path.write_text(text, encoding="utf-8")
    code, err = validate(path, capsys=capsys)
    assert code == 1
    (line,) = [line for line in err.splitlines() if line.startswith(str(path))]
    assert line.startswith(f"{path}:{line_of(text, '  translation_of:')}:19: "
                           "meta.translation_of: ")
    expected = {"../brief.yaml": "lies outside this document's folder",
                "ABSOLUTE": "is not a file name relative to this file",
                "link.yaml": "lies outside this document's folder",
                "missing.yaml": f"is not there (looked for {folder / 'missing.yaml'})",
                "brief-fr.yaml": "is this file itself",
                "sub": "is not a regular file"}[case]
    assert expected in line


def test_a_source_that_does_not_load_is_a_warning(tmp_path: Path) -> None:
    path = write_pair(tmp_path)
    (tmp_path / "brief.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    (found,) = translation_diagnostics(load(path))
    assert found.severity == "warning"
    assert found.field == "meta.translation_of.file"
    assert found.message.startswith("cannot compare with brief.yaml: it does not load (")
    assert "invalid YAML" in found.message


def test_strict_fails_on_a_difference(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_pair(tmp_path, translation=FRENCH.replace("3 250 tonnes", "3 251 tonnes"))
    code, err = validate(path, capsys=capsys)
    assert code == 0 and "3250 is in brief.yaml's paragraph" in err
    assert main(["validate", "--strict", str(path)]) == 1
    assert "3250 is in brief.yaml's paragraph" in capsys.readouterr().err


def test_the_source_is_read_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture) -> None:
    import briefgen.translations as translations

    write_pair(tmp_path)
    write_pair(tmp_path, name="brief-ru.yaml",
               translation=FRENCH.replace("language: fr", "language: ru"))
    read: list[Path] = []
    monkeypatch.setattr(translations, "load_yaml",
                        lambda path: read.append(path) or load_yaml(path))
    translations._load_version.cache_clear()
    code, _ = validate(tmp_path, capsys=capsys)
    assert code == 0
    assert read == [(tmp_path / "brief.yaml").resolve()]


# -- End to end: the example's translations ---------------------------------------------
def change_a_number(folder: Path) -> None:
    """Change the trade figure of the second paragraph of brief.yaml's summary."""
    brief = folder / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    summary = text[text.index("\nsummary: |\n"):text.index("\nkey_messages:")]
    second = summary.split("\n\n")[1]
    assert "$732 million" in second
    brief.write_text(text.replace(second, second.replace("$732 million", "$735 million")),
                     encoding="utf-8")


def out_of_step(folder: Path, names: list[str], capsys: pytest.CaptureFixture) -> None:
    """Change a number in brief.yaml; assert validate reports each translation named."""
    change_a_number(folder)
    code, err = validate(folder, capsys=capsys)
    assert code == 0
    for name in names:
        lines = [line for line in err.splitlines() if line.startswith(str(folder / name))]
        assert any(re.search(r": warning: summary: paragraph 2: 735 is in brief\.yaml's "
                             r"paragraph but not here", line) for line in lines), lines
        assert any("changed since" in line or "records no digest" in line for line in lines)


def test_changing_a_number_puts_a_translation_out_of_step(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # Stands for the example's translations: the brief itself, marked as translating it.
    shutil.copy(EXAMPLE / "brief.yaml", tmp_path / "brief.yaml")
    shutil.copy(EXAMPLE / "logo.png", tmp_path / "logo.png")
    text = (EXAMPLE / "brief.yaml").read_text(encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(
        text.replace("  language: en\n", "  language: en\n  translation_of: brief.yaml\n"),
        encoding="utf-8")
    out_of_step(tmp_path, ["copy.yaml"], capsys)


def test_the_example_translations_go_out_of_step(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    names = sorted(path.name for path in EXAMPLE.glob("brief[.-]*.yaml"))
    assert {name[6:8] for name in names} >= {"ru", "ur"}, names
    for name in ["brief.yaml", "logo.png", *names]:
        shutil.copy(EXAMPLE / name, tmp_path / name)
    code, err = validate(tmp_path, capsys=capsys)
    # The example's translations are in step with brief.yaml, and say they were checked.
    assert code == 0
    assert [line for line in err.splitlines() if "brief.yaml" in line] == []
    out_of_step(tmp_path, names, capsys)


def test_symbolic_link_to_a_file_in_the_folder_is_followed(tmp_path: Path) -> None:
    path = write_pair(tmp_path)
    os.symlink(tmp_path / "brief.yaml", tmp_path / "source.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("file: brief.yaml",
                                                             "file: source.yaml"),
                    encoding="utf-8")
    assert translation_diagnostics(load(path)) == []
