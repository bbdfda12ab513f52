"""`briefgen review`: an editor's Word edits and comments come back into the YAML.

Each test builds the example brief's Word file, edits it as Word writes edits (raw
WordprocessingML, tests/word_edits.py) or through LibreOffice, runs the command as a user
does, and checks the exact YAML that results, what was reported, and where.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from word_edits import W, WordEdits, runs_with_words

from briefgen.cli import main
from briefgen.provenance import read_provenance

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding the example brief, with its academic and policymaker Word files."""
    root = tmp_path_factory.mktemp("review") / "project"
    folder = root / "content" / "pakistan-russia"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "brief.yaml")
    shutil.copy(EXAMPLE.with_name("logo.png"), folder / "logo.png")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run([sys.executable, "-m", "briefgen", "build", "-f", "docx", "-a",
                           "academic,policymaker", "-q"], cwd=root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the built project, as the working folder."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return root


DOC = Path("content/pakistan-russia/brief.yaml")
OUT = Path("build/pakistan-russia-brief")


def docx(edition: str) -> Path:
    return OUT / f"pakistan-russia-brief-{edition}.docx"


def mark(path: Path, src: str) -> str:
    """The mark of the paragraph made from src ("summary/0", "key_messages.1") in path."""
    with zipfile.ZipFile(path) as package:
        record = read_provenance(package.read("customXml/item1.xml"))
    for name, (field, unit, _, _) in record.marks.items():
        if (field if unit is None else f"{field}/{unit}") == src:
            return name
    raise KeyError(src)


def line_of(text: str, words: str) -> int:
    """The line of the YAML where words stand (once)."""
    assert text.count(words) == 1, words
    return text[:text.index(words)].count("\n") + 1


def review(*args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


def editor_round(path: Path) -> WordEdits:
    """The round of edits the issue describes, on the academic edition."""
    edits = WordEdits(path)
    edits.replace(mark(path, "key_messages.1"), "strongest", "closest")
    edits.insert(mark(path, "sections.history.body/0"), "ambassador arrived", " in Karachi",
                 author="Ben Adviser")
    edits.retype(mark(path, "sections.recommendations.lead"), "solid", "firm")
    edits.comment(mark(path, "sections.history.body/1"), "warmer spells", "Which years?",
                  reply=("Sam Author", "1958 and 1965."))
    return edits


EDITED = [("strongest link", "closest link"),
          ("ambassador arrived in 1949", "ambassador arrived in Karachi in 1949"),
          ("sees a solid foundation", "sees a firm foundation")]


def expected(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_tracked_changes_and_comments_come_back_into_the_yaml(project, capsys):
    original = DOC.read_text(encoding="utf-8")
    editor_round(docx("academic")).save(Path("edited.docx"))

    code, out, err = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 0, out + err
    assert DOC.read_text(encoding="utf-8") == expected(original, EDITED)
    line = line_of(original, "strongest link")
    assert f"{DOC}:{line}: key_messages.1: Security is the [-strongest-]{{+closest+}} link" \
        in out
    assert "inserted by Ben Adviser on 2026-11-30 (accepted): “in Karachi”" in out
    assert "changed without tracking: “solid” → “firm”" in out
    assert f"wrote 3 fields into {DOC}" in out

    log = yaml.safe_load(Path("content/pakistan-russia/brief.review.yaml").read_text())
    (comment,) = log[0]["comments"]
    assert comment["field"] == "sections.history.body, paragraph 2"
    assert comment["line"] == line_of(original, "There were warmer spells.")
    assert (comment["author"], comment["text"], comment["anchor"]) == \
        ("Ada Editor", "Which years?", "warmer spells")
    assert [(r["author"], r["text"]) for r in comment["replies"]] == \
        [("Sam Author", "1958 and 1965.")]

    # The rebuilt Word file shows the edited text, and no tracked change is left.
    assert main(["build", "-f", "docx", "-a", "academic", "-q"]) == 0
    with zipfile.ZipFile(docx("academic")) as package:
        body = package.read("word/document.xml").decode()
    assert "closest link" in body and "firm foundation" in body and "in Karachi" in body
    assert "<w:ins " not in body and "<w:del " not in body
    capsys.readouterr()
    code, out, _ = review(str(docx("academic")), capsys=capsys)
    assert code == 0 and "nothing to change" in out and "\n" + str(DOC) not in out


def test_pending_changes_wait_for_a_choice_of_authors(project, capsys):
    original = DOC.read_text(encoding="utf-8")
    editor_round(docx("academic")).save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", capsys=capsys)
    assert code == 0
    assert DOC.read_text(encoding="utf-8") == expected(original, EDITED[2:])  # untracked only
    assert "(pending): “closest”" in out and "pass --accept-all" in out

    shutil.copy(project / DOC, project / "untracked.yaml")
    code, out, _ = review("edited.docx", "--apply", "--accept-author", "ben adviser",
                          capsys=capsys)
    assert DOC.read_text(encoding="utf-8") == expected(original, EDITED[1:])
    assert "inserted by Ada Editor on 2026-11-30 (pending): “closest”" in out


def test_edits_it_cannot_place_are_reported_where_they_are(project, capsys):
    path = docx("academic")
    original = DOC.read_text(encoding="utf-8")
    edits = WordEdits(path)
    edits.add_paragraph(mark(path, "sections.history.body/2"), "A paragraph nobody wrote.")
    edits.delete_paragraph(mark(path, "sections.strategic.body/1"))
    edits.replace(mark(path, "sections.history.title"), "From distance", "Far")
    edits.replace(mark(path, "sections.economic.tables.0.caption"), "Table 2.", "Tab. 2.")
    edits.save(Path("edited.docx"))

    code, out, err = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1, out + err
    history_body = line_of(original, "The Russian Federation and Pakistan then")
    strategic_body = line_of(original, "Defence ties have become institutional.")
    assert re.search(f"{DOC}:{history_body} \\(paragraph \\d+, after sections.history.body, "
                     "paragraph 3\\): “A paragraph nobody wrote.” is not text briefgen wrote "
                     "from a field", out)
    assert f"{DOC}:{strategic_body} (sections.strategic.body, paragraph 2): this paragraph " \
        "is gone from the Word file" in out
    assert "sections.economic.tables.0.caption: " in out
    assert "not brought back (unplaceable): cannot change “Table”: briefgen wrote these " \
        "words" in out
    # What could be placed went in; nothing else changed.
    assert DOC.read_text(encoding="utf-8") == expected(
        original, [('title: "From distance to rapprochement"',
                    'title: "Far to rapprochement"')])
    assert "briefgen: 3 edits to bring back by hand" in err


def test_a_field_changed_on_both_sides_is_a_conflict(project, capsys):
    path = docx("policymaker")
    edits = WordEdits(path)
    edits.retype(mark(path, "key_messages.1"), "strongest", "closest")
    edits.retype(mark(path, "sections.recommendations.lead"), "solid", "firm")
    edits.save(Path("edited.docx"))
    meanwhile = expected(DOC.read_text(encoding="utf-8"),
                         [("strongest link", "main link")])
    DOC.write_text(meanwhile, encoding="utf-8")

    code, out, _ = review("edited.docx", "--apply", capsys=capsys)
    assert code == 1
    assert "the YAML has changed since it was built" in out
    assert "not brought back (conflict): the YAML's value changed too" in out
    assert DOC.read_text(encoding="utf-8") == expected(meanwhile, EDITED[2:])


def test_notes_and_moves_are_reported_not_dropped(project, capsys):
    path = docx("academic")
    edits = WordEdits(path)
    edits.move_after(mark(path, "sections.history.body/0"), mark(path, "sections.history.body/1"))
    notes = zipfile.ZipFile(path).read("word/footnotes.xml").decode()
    assert "Evolving Nature" in notes
    edits.parts["word/footnotes.xml"] = notes.replace("Evolving Nature", "Changing Nature",
                                                      1).encode()
    edits.save(Path("edited.docx"))
    code, out, _ = review("edited.docx", capsys=capsys)
    assert code == 1
    # That note is a citation's: its words come from the reference, not from the paragraph.
    assert "[-Evolving-]{+Changing+} Nature" in out
    assert "not brought back (unplaceable): the note is made from a citation; change the " \
        "reference's entry in the YAML" in out
    # Paragraph 1 moved after 2, or 2 before 1: the same change; either is named.
    text = DOC.read_text(encoding="utf-8")
    assert any(f"{DOC}:{line_of(text, words)} (sections.history.body, paragraph {n}): this "
               "paragraph was moved in the Word file; move it in the YAML by hand" in out
               for n, words in ((1, "Pakistan opened diplomatic"), (2, "There were warmer")))


def test_an_edit_to_an_inline_note_comes_back_into_its_note(project, capsys):
    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    edits = WordEdits(path)
    notes = zipfile.ZipFile(path).read("word/footnotes.xml").decode()
    assert notes.count("Sources differ on the year.") == 1
    edits.parts["word/footnotes.xml"] = notes.replace("Sources differ on the year.",
                                                      "Sources vary on the year.").encode()
    edits.retype(mark(path, "sections.history.body/1"), "warmer spells", "better spells")
    edits.save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", capsys=capsys)
    assert code == 0, out
    line = line_of(original, "There were warmer spells.")
    assert f"{DOC}:{line}: sections.history.body, paragraph 2, note 1: Sources " \
        "[-differ-]{+vary+} on the year." in out
    assert f"{DOC}:{line}: sections.history.body, paragraph 2: There were " \
        "[-warmer-]{+better+} spells." in out
    assert DOC.read_text(encoding="utf-8") == expected(original, [
        ("Sources differ on the year.", "Sources vary on the year."),
        ("There were warmer spells.", "There were better spells.")])
    # Built again, the Word file has the note as edited.
    assert main(["build", str(DOC), "-a", "academic", "-f", "docx", "-q"]) == 0
    again = zipfile.ZipFile(docx("academic")).read("word/footnotes.xml").decode()
    assert "Sources vary on the year." in again and "differ on the year" not in again


def fields_round(path: Path) -> WordEdits:
    """Edits in paragraphs made of several fields, and in who should act (a list)."""
    edits = WordEdits(path)
    edits.replace(mark(path, "sections.history.timeline.1.title"), "U-2 incident",
                  "U-2 affair")
    edits.insert(mark(path, "sections.history.timeline.2.text"), "presidential visit",
                 " to Moscow", look="i")
    edits.retype(mark(path, "sections.strategic.quotes.0.role"), "Johns Hopkins University",
                 "Johns Hopkins University (SAIS)")
    actors = "Foreign ministries of Pakistan and Russia"
    edits.retype(mark(path, "sections.recommendations.items.0.actors"), actors,
                 f"{actors}, National Security Division")
    edits.replace(mark(path, "sections.recommendations.items.1.actors"), "Bank of Russia, ", "")
    edits.comment(mark(path, "sections.history.timeline.3.text"), "Soviet mediation",
                  "Which source?")
    return edits


FIELDS_EDITED = [
    ('title: "U-2 incident"', 'title: "U-2 affair"'),
    ("A presidential visit helps", "A presidential visit *to Moscow* helps"),
    ('role: "Johns Hopkins University, 2018"', 'role: "Johns Hopkins University (SAIS), 2018"'),
    ('actors: ["Foreign ministries of Pakistan and Russia"]',
     'actors: ["Foreign ministries of Pakistan and Russia", "National Security Division"]'),
    ('actors: ["State Bank of Pakistan", "Bank of Russia", "Trade ministries of both countries"]',
     'actors: ["State Bank of Pakistan", "Trade ministries of both countries"]'),
]


def test_timelines_quotes_and_who_should_act_come_back(project, capsys):
    """A paragraph of several fields has a mark for each; a list comes back as a list."""
    original = DOC.read_text(encoding="utf-8")
    fields_round(docx("academic")).save(Path("edited.docx"))

    code, out, err = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 0, out + err
    assert DOC.read_text(encoding="utf-8") == expected(original, FIELDS_EDITED)
    u2, actors = line_of(original, "U-2 incident"), line_of(original, "Bank of Russia")
    assert f"{DOC}:{u2}: sections.history.timeline.1.title: … 1960\tU-2 " \
        "[-incident-]{+affair+}." in out
    assert f"{DOC}:{actors}: sections.recommendations.items.1.actors: … Bank of Pakistan, " \
        "[-Bank of Russia,-] Trade ministries" in out
    log = yaml.safe_load(Path("content/pakistan-russia/brief.review.yaml").read_text())
    (comment,) = log[0]["comments"]
    assert (comment["field"], comment["line"], comment["anchor"]) == \
        ("sections.history.timeline.3.text", line_of(original, "Soviet mediation produces"),
         "Soviet mediation")
    # The same file again: every change, the lists' too, is found in the YAML already.
    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 0 and out.count("already in the YAML") == 5, out
    assert DOC.read_text(encoding="utf-8") == expected(original, FIELDS_EDITED)

    # Built again: the edited words are there, and the Word file reviews as unchanged
    # (two marks in one paragraph are not taken for two paragraphs joined).
    assert main(["build", str(DOC), "-f", "docx", "-a", "academic", "-q"]) == 0
    body = zipfile.ZipFile(docx("academic")).read("word/document.xml").decode()
    assert "U-2 affair" in body and "National Security Division" in body
    capsys.readouterr()
    code, out, _ = review(str(docx("academic")), capsys=capsys)
    assert code == 0 and "nothing to change" in out and "joined" not in out


def test_in_a_paragraph_of_several_fields_what_briefgen_wrote_stays(project, capsys):
    """A timeline's date is briefgen's writing; an entry deleted whole is one finding; and
    a list whose every name went is left to the author."""
    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    edits = WordEdits(path)
    edits.retype(mark(path, "sections.history.timeline.4.title"), "1989", "1988")
    edits.delete_paragraph(mark(path, "sections.history.timeline.6.title"))
    edits.move_after(mark(path, "sections.history.timeline.0.title"),
                     mark(path, "sections.history.timeline.2.title"))
    edits.replace(mark(path, "sections.recommendations.items.0.actors"),
                  "Foreign ministries of Pakistan and Russia", "")
    edits.save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1
    assert "sections.history.timeline.4.title: [-1989-]{+1988+}" in out
    assert "cannot change “1989”: briefgen wrote these words" in out
    gone = re.findall(r"\(sections\.history\.timeline\.6\.\w+\): this paragraph is gone", out)
    assert gone == ["(sections.history.timeline.6.title): this paragraph is gone"]
    moved = re.findall(r"\(sections\.history\.timeline\.\d\.\w+\): this paragraph was moved", out)
    assert moved == ["(sections.history.timeline.0.title): this paragraph was moved"], out
    assert "all its names were deleted; remove the field in the YAML" in out
    assert DOC.read_text(encoding="utf-8") == original


def test_words_moved_inside_a_paragraph_come_back_moved(project, capsys):
    """A tracked move inside one field's paragraph is carried; one out of it is reported."""
    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    edits = WordEdits(path)
    edits.move(mark(path, "key_messages.1"), "yearly joint army exercises since 2016 and ",
               "a shared fear")
    edits.move(mark(path, "sections.history.body/1"), "There were warmer spells. ",
               "Pakistan opened", to_mark=mark(path, "sections.history.body/0"))
    edits.save(Path("edited.docx"))
    with zipfile.ZipFile("edited.docx") as package:
        body = package.read("word/document.xml").decode()
    assert body.count("<w:moveFrom ") == 2 and body.count("<w:moveTo ") == 2

    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1
    assert "moved away by Ada Editor on 2026-11-30 (accepted): “yearly joint army " \
        "exercises since 2016 and”" in out
    # The move between two paragraphs of the history's body: reported at both ends.
    assert out.count("not brought back (unplaceable): text was moved here from elsewhere, "
                     "or from here elsewhere; move it in the YAML") == 2
    assert DOC.read_text(encoding="utf-8") == expected(original, [(
        "built on a shared fear of militancy in Afghanistan, yearly joint army exercises "
        "since 2016 and a standing",
        "built on yearly joint army exercises since 2016 and a shared fear of militancy in "
        "Afghanistan, a standing")])


def test_words_put_in_italics_come_back_as_emphasis(project, capsys):
    """New words in italic or bold go into Markdown as *…* and **…**; a look changed on
    words that stayed, or new italics in a field of plain text, is reported."""
    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    edits = WordEdits(path)
    edits.insert(mark(path, "sections.history.body/1"), "There were", " often", look="i")
    edits.insert(mark(path, "key_messages.1"), "the strongest", " and oldest", look="b")
    edits.retype(mark(path, "sections.recommendations.lead"), "solid", "firm")
    edits.restyle(mark(path, "sections.recommendations.lead"), "firm", "i")
    edits.restyle(mark(path, "sections.history.lead"), "Pakistan", "b")
    edits.insert(mark(path, "sections.history.title"), "From distance", " afar", look="i")
    edits.save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1
    assert "(sections.history.lead): “Pakistan”: now in bold or italic, or no longer " \
        "(*…*, **…**); make it so in the YAML by hand" in out
    assert "set apart, so it goes in as *often*" in out
    assert "(sections.history.title): words were put in in bold or italic, which this " \
        "field of plain text cannot hold; they go in plain" in out
    assert DOC.read_text(encoding="utf-8") == expected(original, [
        ("There were warmer spells.", "There were *often* warmer spells."),
        ("the strongest link", "the strongest **and oldest** link"),
        ("sees a solid foundation", "sees a *firm* foundation"),
        ('title: "From distance to rapprochement"', 'title: "From distance afar to '
         'rapprochement"')])
    # Built again, the new words are in italics and bold in the Word file.
    assert main(["build", str(DOC), "-f", "docx", "-a", "academic", "-q"]) == 0
    capsys.readouterr()
    code, out, _ = review(str(docx("academic")), capsys=capsys)
    assert code == 0 and "nothing to change" in out, out


def test_links_put_on_or_taken_off_are_reported(project, capsys):
    """A link is an address review cannot know: put on words, new or old, or taken off,
    it is reported, and the words' own edits still come back."""
    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    lead = mark(path, "sections.history.lead")
    edits = WordEdits(path)
    edits.link(lead, "hesitant first phase")
    edits.unlink(lead, "Table")
    edits.insert(mark(path, "sections.history.body/1"), "There were", " documented")
    edits.link(mark(path, "sections.history.body/1"), " documented")
    edits.save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1
    assert "(sections.history.lead): “hesitant first phase”: now in a link, or no longer " \
        "([words](address)); make it so in the YAML by hand" in out
    assert re.search(r"\(sections\.history\.lead\): “Table.1”: now in a link, or no longer",
                     out), out
    assert "(sections.history.body, paragraph 2): a link was put on “documented”: review " \
        "cannot bring a link back; make it in the YAML by hand ([words](address))" in out
    assert DOC.read_text(encoding="utf-8") == expected(
        original, [("There were warmer spells.", "There were documented warmer spells.")])


def test_a_deleted_table_is_one_finding(project, capsys):
    path = docx("academic")
    edits = WordEdits(path)
    table = edits.paragraph(mark(path, "sections.history.tables.0.rows.0.0"))
    while table.tag != f"{{{W}}}tbl":
        table = table.getparent()
    table.getparent().remove(table)
    edits.delete_paragraph(mark(path, "sections.history.tables.0.caption"))
    edits.save(Path("edited.docx"))
    code, out, _ = review("edited.docx", capsys=capsys)
    assert code == 1
    gone = [line for line in out.splitlines() if "gone from the Word file" in line]
    caption = line_of(DOC.read_text(encoding="utf-8"), 'caption: "Two phases')
    assert gone == [f"{DOC}:{caption} (sections.history.tables.0): this table is gone from "
                    "the Word file (deleted, or its mark with it); change the YAML by hand"]


def test_json_report_for_other_tools(project, capsys):
    editor_round(docx("academic")).save(Path("edited.docx"))
    code, out, _ = review("edited.docx", "--json", "--accept-all", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and report["applied"] is False and report["edition"] == "academic"
    by_field = {p["field"]: p for p in report["paragraphs"]}
    assert by_field["key_messages.1"]["tracked"][1] == {
        "kind": "inserted", "author": "Ada Editor", "date": "2026-11-30T10:00:00Z",
        "text": "closest", "state": "accepted"}
    assert by_field["sections.recommendations.lead"]["untracked"] == [
        {"old": "solid", "new": "firm"}]
    assert report["comments"][0]["replies"][0]["text"] == "1958 and 1965."
    assert "closest link" in report["values"]["key_messages.1"]


def test_a_word_file_from_elsewhere_is_a_usage_error(project, tmp_path, capsys):
    import docx as python_docx

    python_docx.Document().save(tmp_path / "plain.docx")
    code, _, err = review(str(tmp_path / "plain.docx"), capsys=capsys)
    assert code == 2 and "has no record of its source" in err
    (tmp_path / "text.docx").write_text("not a zip")
    code, _, err = review(str(tmp_path / "text.docx"), capsys=capsys)
    assert code == 2 and "Traceback" not in err


def test_nothing_is_written_when_the_result_does_not_validate(project, capsys):
    path = docx("policymaker")
    original = DOC.read_text(encoding="utf-8")
    edits = WordEdits(path)
    edits.retype(mark(path, "meta.title"), "Pakistan and Russia", "Pakistan 😀 and Russia")
    edits.retype(mark(path, "sections.recommendations.lead"), "solid", "firm")
    edits.save(Path("edited.docx"))
    code, _, err = review("edited.docx", "--apply", capsys=capsys)
    assert code == 1
    assert f"{DOC}:8:20: meta.title: after the review's changes: character '😀'" in err
    assert DOC.read_text(encoding="utf-8") == original
    assert not list(DOC.parent.glob(".brief.*"))  # the trial file is gone too


def test_the_review_log_is_no_document(project, capsys):
    editor_round(docx("academic")).save(Path("edited.docx"))
    assert review("edited.docx", "--apply", capsys=capsys)[0] == 0
    assert Path("content/pakistan-russia/brief.review.yaml").is_file()
    assert main(["validate"]) == 0
    assert "1 document valid" in capsys.readouterr().out


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(("edits", "changes"), [(editor_round, EDITED),
                                                (fields_round, FIELDS_EDITED)],
                         ids=["paragraphs", "marks-inside-a-paragraph"])
def test_an_edit_saved_again_by_libreoffice_comes_back_the_same(project, tmp_path, capsys,
                                                                edits, changes):
    """LibreOffice keeps every mark, whole paragraphs' and those inside one, and the looks."""
    original = DOC.read_text(encoding="utf-8")
    edits(docx("academic")).save(tmp_path / "edited.docx")
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "docx", "--outdir", str(tmp_path / "lo"),
                           str(tmp_path / "edited.docx")], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    code, out, _ = review(str(tmp_path / "lo" / "edited.docx"), "--apply", "--accept-all",
                          capsys=capsys)
    assert code == 0, out
    assert DOC.read_text(encoding="utf-8") == expected(original, changes)


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed")
def test_pandoc_reads_the_same_changes(project, tmp_path):
    edited = editor_round(docx("academic")).save(tmp_path / "edited.docx")

    def text(mode: str) -> str:
        return subprocess.run(["pandoc", f"--track-changes={mode}", "-t", "plain",
                               "--wrap=none", str(edited)], capture_output=True, text=True,
                              check=True).stdout

    assert "closest link" in text("accept") and "strongest link" in text("reject")
    assert "arrived in Karachi in 1949" in text("accept")
    assert "firm foundation" in text("reject")  # untracked: in both readings


def test_marks_cover_the_fields_a_reader_edits(project):
    """Every paragraph of the Word file made from a field is marked with it."""
    with zipfile.ZipFile(docx("academic")) as package:
        record = read_provenance(package.read("customXml/item1.xml"))
        body = package.read("word/document.xml").decode()
    fields = {path for path, *_ in record.marks.values()}
    assert {"meta.title", "summary", "key_messages.0", "sections.history.lead",
            "sections.history.body", "sections.recommendations.items.0.text",
            "sections.history.tables.0.rows.0.2",
            "sections.strategic.quotes.0.text", "sections.economic.figures.0.caption",
            "sections.history.timeline.0.title", "sections.history.timeline.0.text",
            "sections.strategic.quotes.0.speaker", "sections.strategic.quotes.0.role",
            "sections.recommendations.items.0.actors"} <= fields
    # A timeline entry's two marks lie in one paragraph, its text's after its title's.
    title, text = mark(docx("academic"), "sections.history.timeline.0.title"), \
        mark(docx("academic"), "sections.history.timeline.0.text")
    assert text in record.together and title not in record.together
    assert record.lists["sections.recommendations.items.1.actors"] == ", "
    assert body.count('w:name="_bg') == len(record.marks)
    assert W in body


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_any_field_comes_back_or_is_reported(built, tmp_path_factory, data):
    """For random edits of random fields: `review --apply` then `build` gives the Word file
    the editor made, paragraph for paragraph; or the edit is reported, the YAML untouched."""
    from briefgen.review_docx import read_edited
    from briefgen.review_text import word_diff

    root = tmp_path_factory.mktemp("prop") / "project"
    shutil.copytree(built, root)
    os.chdir(root)
    edition = data.draw(st.sampled_from(["policymaker", "academic"]))  # notes, timelines
    path = docx(edition)
    with zipfile.ZipFile(path) as package:
        record = read_provenance(package.read("customXml/item1.xml"))
    edits = WordEdits(path)
    name = data.draw(st.sampled_from(sorted(
        m for m in record.marks if runs_with_words(edits.paragraph(m)))))
    run = data.draw(st.sampled_from(runs_with_words(edits.paragraph(name))))
    text = run.find(f"{{{W}}}t").text
    words = [m.group() for m in re.finditer(r"[^\W_]+", text)]
    word = data.draw(st.sampled_from(words))
    new = data.draw(WORDS)
    how = data.draw(st.sampled_from(["retype", "replace", "insert", "delete"]))
    run.find(f"{{{W}}}t").text = text.replace(word, f"\ue000{word}\ue000", 1)  # one place only
    marker = f"\ue000{word}\ue000"
    if how == "retype":
        edits.retype(name, marker, new)
    elif how == "replace":
        edits.replace(name, marker, new)
    elif how == "insert":
        edits.insert(name, marker, f" {new}")
    else:
        edits.replace(name, marker, "")
    for t in edits.paragraph(name).iter(f"{{{W}}}t", f"{{{W}}}delText"):
        t.text = (t.text or "").replace("\ue000", "")
    edits.save(Path("edited.docx"))
    edited = read_edited(Path("edited.docx").read_bytes())
    wanted = "".join(s.text for s in edited.marks[name] if not s.change
                     or s.change.kind == "insert")
    before = DOC.read_text(encoding="utf-8")

    code = main(["review", "edited.docx", "--apply", "--accept-all", "--json"])
    field, unit = record.marks[name][:2]
    if code == 1:  # reported: words briefgen wrote, or the whole text deleted
        assert DOC.read_text(encoding="utf-8") == before
        return
    assert code == 0
    assert main(["build", "-f", "docx", "-a", edition, "-q"]) == 0
    with zipfile.ZipFile(path) as package:
        rebuilt = read_provenance(package.read("customXml/item1.xml"))
    again = [text for f, u, text, _ in rebuilt.marks.values() if (f, u) == (field, unit)]
    assert again and word_diff(wanted, again[0]) == [], (wanted, again[0])


def test_applying_the_same_file_twice_changes_nothing_more(project, capsys):
    original = DOC.read_text(encoding="utf-8")
    editor_round(docx("academic")).save(Path("edited.docx"))
    assert review("edited.docx", "--apply", "--accept-all", capsys=capsys)[0] == 0
    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 0 and "already in the YAML" in out and "conflict" not in out
    assert DOC.read_text(encoding="utf-8") == expected(original, EDITED)
    log = yaml.safe_load(Path("content/pakistan-russia/brief.review.yaml").read_text())
    assert len(log) == 1  # the comment is not logged twice


def test_the_source_must_be_the_document_the_word_file_was_built_from(project, capsys):
    editor_round(docx("academic")).save(Path("edited.docx"))
    other = Path("content/other/brief.yaml")
    other.parent.mkdir()
    shutil.copy(DOC, other)
    code, _, err = review("edited.docx", "--source", str(other), "--apply", capsys=capsys)
    assert code == 2 and "makes the document 'other-brief'" in err
    assert review("edited.docx", "--source", "missing.yaml", capsys=capsys)[0] == 2


def test_a_linked_yaml_stays_linked_and_keeps_its_permissions(project, capsys):
    real = Path("drafts/brief.yaml")
    real.parent.mkdir()
    shutil.move(DOC, real)
    DOC.symlink_to(Path("../..") / real)
    real.chmod(0o600)
    # Built through the link: the document takes its name from the file's own folder.
    assert main(["build", "content", "-f", "docx", "-a", "academic", "-q"]) == 0
    editor_round(Path("build/drafts-brief/drafts-brief-academic.docx")).save(
        Path("edited.docx"))
    assert review("edited.docx", "--apply", "--accept-all", capsys=capsys)[0] == 0
    assert DOC.is_symlink() and "closest link" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o600


def test_a_broken_log_stops_the_review_before_anything_is_written(project, capsys):
    original = DOC.read_text(encoding="utf-8")
    Path("content/pakistan-russia/brief.review.yaml").write_text("[unclosed\n")
    editor_round(docx("academic")).save(Path("edited.docx"))
    code, _, err = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1 and "not a review log briefgen can add to" in err
    assert DOC.read_text(encoding="utf-8") == original


def test_joined_paragraphs_and_an_unknown_author_are_reported(project, capsys):
    path = docx("academic")
    edits = WordEdits(path)
    second = edits.paragraph(mark(path, "sections.history.body/1"))
    first = edits.paragraph(mark(path, "sections.history.body/0"))
    for child in list(second):
        if child.tag != f"{{{W}}}pPr":
            first.append(child)
    second.getparent().remove(second)
    edits.save(Path("edited.docx"))
    code, out, err = review("edited.docx", "--accept-author", "Nobody", capsys=capsys)
    assert code == 1
    assert "(sections.history.body, paragraph 1): this paragraph was joined with the next" \
        in out
    assert "warning: no tracked change by 'Nobody' in edited.docx" in err


def test_paragraphs_joined_with_tracking_on_are_reported(project, capsys):
    path = docx("academic")
    edits = WordEdits(path)
    first = edits.paragraph(mark(path, "sections.history.body/0"))
    properties = first.find(f"{{{W}}}pPr")
    run_properties = properties.find(f"{{{W}}}rPr")
    if run_properties is None:
        run_properties = etree.SubElement(properties, f"{{{W}}}rPr")
    deleted = etree.SubElement(run_properties, f"{{{W}}}del")
    for name, value in (("id", "9999"), ("author", "Ada Editor"), ("date", "2026-11-30T10:00:00Z")):
        deleted.set(f"{{{W}}}{name}", value)
    edits.save(Path("edited.docx"))
    code, out, _ = review("edited.docx", capsys=capsys)
    assert code == 1
    assert "(sections.history.body, paragraph 1): this paragraph was joined with the next by " \
        "Ada Editor; join them in the YAML by hand" in out


def test_a_value_review_cannot_rewrite_is_a_located_error(project, capsys):
    """A value written with a YAML anchor is left to the author: exit 1, nothing written."""
    text = DOC.read_text(encoding="utf-8")
    anchored = text.replace('  - "Security is the strongest', '  - &security "Security is the '
                            'strongest', 1)
    assert anchored != text
    DOC.write_text(anchored, encoding="utf-8")
    editor_round(docx("academic")).save(Path("edited.docx"))
    code, _, err = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    assert "anchor" in err and DOC.read_text(encoding="utf-8") == anchored


def test_a_contents_line_whose_page_word_updated_is_no_edit():
    """Word's "Update table" renumbers the contents: not text somebody added."""
    from briefgen.provenance import Provenance
    from briefgen.review_docx import EditedDocx, Loose, Segment
    from briefgen.review_places import loose

    record = Provenance("brief.yaml", "d", "academic", "", {}, {},
                        ("Executive summary\t4", "Contents"))
    edited = EditedDocx({}, {}, {}, (), (Loose(3, (Segment("Executive summary\t5"),), None,
                                                False),
                                         Loose(4, (Segment("A new line"),), None, False)), None)
    assert [f.message[:12] for f in loose(record, edited, None)] == ["“A new line”"]


def test_the_python_api_reviews_as_the_command_does(project):
    import briefgen

    original = DOC.read_text(encoding="utf-8")
    editor_round(docx("academic")).save(Path("edited.docx"))
    found = briefgen.review("edited.docx")  # looks: nothing written, pending left out
    assert DOC.read_text(encoding="utf-8") == original
    assert found.source == DOC and not found.findings
    assert {p.path: p.status for p in found.paragraphs} == {
        "key_messages.1": "pending", "sections.history.body": "pending",
        "sections.recommendations.lead": "apply"}
    found = briefgen.review("edited.docx", apply=True, authors=["Ada Editor"])
    assert DOC.read_text(encoding="utf-8") == expected(original, [EDITED[0], EDITED[2]])
    assert [c.text for c, _, _ in found.comments] == ["Which years?"]
    with pytest.raises(briefgen.UsageError, match="logo.png: not a zip file"):
        briefgen.review(EXAMPLE.with_name("logo.png"))


def test_a_book_reviews_card_byline_and_glossary_come_back(tmp_path, monkeypatch, capsys):
    """The book's title, the reviewer, an author's affiliation and a glossary entry are
    each a field of their own in a paragraph that shows several."""
    folder = tmp_path / "content" / "pakistan-russia"
    folder.mkdir(parents=True)
    source = folder / "book-review.yaml"
    shutil.copy(EXAMPLE.with_name("book-review.yaml"), source)
    shutil.copy(EXAMPLE.with_name("logo.png"), folder / "logo.png")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert main(["build", "-f", "docx", "-a", "academic", "-q"]) == 0
    path = Path("build/pakistan-russia-book-review/pakistan-russia-book-review-academic.docx")
    original = source.read_text(encoding="utf-8")
    edits = WordEdits(path)
    edits.replace(mark(path, "book.subtitle"), "Comprehensive", "Thorough")
    edits.retype(mark(path, "reviewer.affiliation"), "Northbridge Institute",
                 "Northbridge Centre")
    edits.insert(mark(path, "meta.authors.0.name"), "Leila", " M.")
    edits.retype(mark(path, "glossary.SCO"), "Cooperation Organisation",
                 "Co-operation Organisation")
    edits.save(Path("edited.docx"))

    code, out, _ = review("edited.docx", "--apply", "--accept-all", capsys=capsys)
    assert code == 0, out
    assert source.read_text(encoding="utf-8") == expected(original, [
        ('subtitle: "A Comprehensive', 'subtitle: "A Thorough'),
        ('name: "Leila Haddad"\n      affiliation', 'name: "Leila M. Haddad"\n      affiliation'),
        ('name: "Leila Haddad"\n  affiliation: "Northbridge Institute',
         'name: "Leila Haddad"\n  affiliation: "Northbridge Centre'),
        ('SCO: "Shanghai Cooperation Organisation"', 'SCO: "Shanghai Co-operation Organisation"'),
    ])
    assert f"{source.relative_to(tmp_path)}:{line_of(original, 'SCO: ')}: glossary.SCO: " in out


def test_edits_made_with_python_docx_come_back(project, capsys):
    """An edit and a comment made with python-docx's own API (python-docx 1.2 writes
    comments), not with WordprocessingML by hand."""
    import docx as python_docx

    original = DOC.read_text(encoding="utf-8")
    path = docx("academic")
    document = python_docx.Document(str(path))
    wanted = mark(path, "sections.history.body/1")
    (paragraph,) = [p for p in document.paragraphs
                    if p._p.xpath(f".//w:bookmarkStart[@w:name='{wanted}']")]
    (run,) = [r for r in paragraph.runs if "warmer spells" in r.text]
    run.text = run.text.replace("warmer spells", "thaws")
    comment = document.add_comment(run, text="Name the years?", author="Ada Editor",
                                   initials="AE")
    comment.add_paragraph("Or cite Khan.")
    document.save("edited.docx")

    code, out, _ = review("edited.docx", "--apply", capsys=capsys)
    assert code == 0, out
    assert DOC.read_text(encoding="utf-8") == expected(
        original, [("There were warmer spells.", "There were thaws.")])
    assert "changed without tracking: “warmer spells” → “thaws”" in out
    log = yaml.safe_load(Path("content/pakistan-russia/brief.review.yaml").read_text())
    (logged,) = log[0]["comments"]
    assert (logged["field"], logged["author"]) == \
        ("sections.history.body, paragraph 2", "Ada Editor")
    assert logged["text"] == "Name the years?\nOr cite Khan."
