"""A corpus of bad inputs (tests/bad/): each is refused with a located, readable message.

Every case runs the real command line in a fresh process against a copy of the corpus,
with an output folder that already holds a previous build, and checks: the exit code;
that the first message names the file, the line (and the column) and the field; that it
says what was expected; that there is no traceback; and that the output folder is exactly
as it was. Files that cannot live in git as they are (a symbolic link, a huge file, a
picture) are made by the fixture.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

CORPUS = Path(__file__).parent / "bad"


@dataclass(frozen=True)
class Case:
    file: str
    line: int | None  # None: a whole-file problem, reported at the file
    field: str  # "" when the problem is not in any one field
    expected: str  # words of the message that say what was expected
    exit: int = 1
    args: tuple[str, ...] = ("build",)


CASES = [
    Case("malformed.yaml", 11, "", "expected ',' or ']'"),
    Case("tabs.yaml", 4, "", "replace tabs by spaces"),
    Case("duplicate-key.yaml", 9, "summary", "each key may appear once"),
    Case("empty.yaml", 1, "", "expected a mapping with at least 'kind' and 'meta'"),
    Case("binary.yaml", 3, "", "expected a UTF-8 text file"),
    Case("latin1.yaml", 4, "", "save it as UTF-8"),
    Case("large.yaml", 1, "", "content files may be at most 5,000,000 bytes"),
    Case("alias-bomb.yaml", 3, "", "more than 200,000 values"),
    Case("deep-nesting.yaml", 3, "", "nested more than 40 levels deep"),
    Case("top-level-list.yaml", 1, "", "expected a mapping with keys such as 'kind'"),
    Case("wrong-type.yaml", 10, "key_messages", "expected a list"),
    Case("typo-key.yaml", 8, "sumary", "did you mean 'summary'?"),
    Case("yaml-boolean.yaml", 4, "meta.title", "expected text; found a boolean"),
    Case("yaml-date.yaml", 4, "meta.title", "quote it for text"),
    Case("bad-date.yaml", 5, "meta.date", "day is out of range for month"),
    Case("unknown-kind.yaml", 2, "kind", "one of: policy-brief, book-review, report"),
    Case("unknown-audience.yaml", 7, "audiences[0]", "did you mean 'academic'?"),
    Case("unknown-citation.yaml", 9, "summary", "did you mean 'doe2024'?"),
    Case("short-row.yaml", 20, "sections.economic.tables[0].rows[0]", "expected 2, one per column"),
    Case("missing-image.yaml", 20, "sections.economic.figures[0].image", "not found"),
    Case("not-an-image.yaml", 20, "sections.economic.figures[0].image",
         "not a readable PNG or JPEG image"),
    Case("huge-image.yaml", 20, "sections.economic.figures[0].image",
         "at most 50,000,000"),
    Case("image-escapes-folder.yaml", 20, "sections.economic.figures[0].image",
         "outside the document's folder"),
    Case("image-absolute.yaml", 20, "sections.economic.figures[0].image",
         "outside the document's folder"),
    Case("image-symlink.yaml", 20, "sections.economic.figures[0].image",
         "outside the document's folder"),
    Case("image-url.yaml", 20, "sections.economic.figures[0].image",
         "images must be files in the document's folder"),
    Case("file-link.yaml", 12, "sections.history.body",
         "links must start with https://, http://, mailto: or #"),
    Case("http-link.yaml", 12, "sections.history.body", "use https://",
         args=("validate", "--strict")),
    Case("control-character.yaml", 12, "sections.history.body", "U+0007"),
    Case("bidi-override.yaml", 12, "sections.history.body", "U+202E, right-to-left override"),
    Case("long-word.yaml", 12, "sections.history.body", "at most 300 characters"),
    Case("long-table.yaml", 21, "sections.economic.tables[0].rows", "at most 1,000"),
    Case("long-list.yaml", 15, "sections.history.body", "at most 1,000"),
    # What reaches an output is checked after YAML and Markdown have decoded it.
    Case("entity-bidi.yaml", 12, "sections.history.body",
         "U+202E, right-to-left override), written as &#x202E;"),
    Case("binary-control.yaml", 4, "meta.title", "remove the !!binary value"),
    Case("emoji.yaml", 12, "sections.history.body", "(U+1F600, grinning face) is in none of "
         "the bundled fonts"),
    # What validate passes, build renders: each of these once ended in exit 3 or a hang.
    Case("mixed-brackets.yaml", 14, "sections.history.body",
         "write them apart, as in [@fig:id] [@ref]"),
    Case("huge-number.yaml", 22, "references[0].date", "numbers may be at most"),
    Case("deep-emphasis.yaml", 12, "sections.history.body", "at most 16 are allowed"),
    Case("dash-nesting.yaml", 11, "", "nested more than 40 levels deep"),
    Case("chart-nan.yaml", 16, "sections.history.figures[0].chart.series[0].points[1][1]",
         "which no chart can draw"),
    Case("fifo-image.yaml", 16, "sections.history.figures[0].image", "not a regular file"),
    Case("corrupt-image.yaml", 16, "sections.history.figures[0].image",
         "not a readable PNG or JPEG image"),
    Case("javascript-reference.yaml", 12, "sections.history.body",
         "links must start with https://, http://, mailto: or #"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A copy of tests/bad with the files git cannot hold as they are."""
    folder = tmp_path_factory.mktemp("bad") / "docs"
    folder.mkdir()
    for path in CORPUS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "fake.png").write_text("a text file, not a picture\n")
    (folder / "huge.png").write_bytes(_png_header(40_000, 40_000))
    (folder.parent / "secret.png").write_bytes(_png_header(1, 1))
    (folder / "link.png").symlink_to(folder.parent / "secret.png")
    os.mkfifo(folder / "fifo.png")
    (folder / "corrupt.png").write_bytes(_png_header(40, 30, zlib.compress(b"\0" * 50)[:-4]))
    # Just over the 5 MB limit: a valid document followed by a long comment.
    base = (CORPUS / "typo-key.yaml").read_text(encoding="utf-8")
    (folder / "large.yaml").write_text(base + "#" + "x" * 5_000_001 + "\n", encoding="utf-8")
    return folder


def _png_header(width: int, height: int, pixels: bytes = zlib.compress(b"")) -> bytes:
    """A PNG that declares its size but carries no pixels worth decoding (valid CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def briefgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BRIEFGEN_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_the_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30 and len({c.file for c in CASES}) == len(CASES)
    on_disk = {p.name for p in CORPUS.glob("*.yaml")}
    assert {c.file for c in CASES} - {"large.yaml"} <= on_disk


@pytest.mark.parametrize("case", CASES, ids=[c.file.removesuffix(".yaml") for c in CASES])
def test_bad_input_is_refused_with_a_located_message(case: Case, corpus: Path):
    out = corpus / f"out-{case.file}"
    (out / "previous").mkdir(parents=True)
    (out / "previous" / "brief.pdf").write_bytes(b"%PDF-1.7 a previous good build\n%%EOF\n")
    before = snapshot(out)

    args = [*case.args, case.file] + (["--out", out.name] if case.args[0] == "build" else [])
    result = briefgen(*args, cwd=corpus)

    assert result.returncode == case.exit, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    # The message that says what was expected (others may come with it, such as the
    # missing 'summary' that a misspelt 'sumary' leaves) names file, line and field.
    [first, *_] = [line for line in result.stderr.splitlines() if case.expected in line]
    where = f"{case.file}:{case.line}:" if case.line else f"{case.file}:"
    assert first.startswith(where), first
    if case.field:
        assert f": {case.field}: " in first, first
    assert snapshot(out) == before  # nothing new, nothing damaged, nothing removed


@pytest.mark.parametrize("name, text", [
    ("raw-html.yaml", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("jinja-in-content.yaml", "{{ 7 * 7 }} {% include ‘base.html’ %}"),
])
def test_html_and_jinja_in_content_are_printed_as_text(name: str, text: str, corpus: Path):
    result = briefgen("build", name, "--out", "out-text", "--format", "html", cwd=corpus)
    assert result.returncode == 0, result.stderr
    [page] = (corpus / "out-text").rglob(f"*{name.removesuffix('.yaml')}*.html")
    html = page.read_text(encoding="utf-8")
    assert text in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert ">49<" not in html and " 49 " not in html  # the template syntax was not run


@pytest.mark.parametrize("args, expected", [
    (("build", "raw-html.yaml", "--audience", "nobody"), "unknown audience 'nobody'"),
    (("build", "raw-html.yaml", "--format", "odt"), "unknown format 'odt'"),
    (("build", "no-such-file.yaml"), "no-such-file.yaml"),
])
def test_command_line_mistakes_exit_2(args, expected, corpus: Path):
    result = briefgen(*args, cwd=corpus)
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_output_folder_that_is_a_file_or_cannot_be_made(corpus: Path, tmp_path: Path):
    doc = ROOT / "tests" / "bad" / "raw-html.yaml"
    (tmp_path / "a-file").write_text("not a folder")
    result = briefgen("build", str(doc), "--out", str(tmp_path / "a-file"), cwd=tmp_path)
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr
    assert (tmp_path / "a-file").read_text() == "not a folder"
    # Even root cannot make a folder in /proc: an unwritable place on every Linux machine.
    result = briefgen("build", str(doc), "--out", "/proc/briefgen-out", cwd=tmp_path)
    assert result.returncode == 2 and "cannot write /proc/briefgen-out" in result.stderr
    assert "Traceback" not in result.stderr
