"""Content safety, round two: the character guard sees the final text, validate is a promise.

Every character an output prints is checked after YAML has decoded it (escapes, tags such
as !!binary) and after Markdown has (character references such as &#x202E;), and against
the glyphs of the bundled fonts. Whatever `validate` passes, `build` renders: odd images
are normalised for the writers, and what cannot be rendered (Markdown nested thousands
deep, a number of 4,000 digits, a FIFO for an image) is refused with its place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from briefgen.checks_text import MAX_MARKDOWN_DEPTH
from briefgen.cli import main
from briefgen.content import load
from briefgen.errors import ContentError
from briefgen.images import DEFAULT_DPI, normalised

HISTORY = '  history: {title: "History", lead: "Lead.", body: "History body."}\n'


def with_body(body: str) -> str:
    """MINIMAL with the history section's body replaced by body (YAML, as written)."""
    return MINIMAL.replace(HISTORY, f'  history: {{title: "History", lead: "Lead.", '
                                    f'body: {body}}}\n')


def with_figures(*images: str) -> str:
    """MINIMAL whose history section shows the given image files, one figure each."""
    figures = "".join(f"      - {{caption: \"F{i}\", alt: \"Figure {i}\", image: {name}}}\n"
                      for i, name in enumerate(images))
    return MINIMAL.replace(HISTORY, '  history:\n    title: "History"\n    body: "Body."\n'
                                    f"    figures:\n{figures}")


def refused(path: Path) -> list[str]:
    """Return the diagnostics load() raises for path, as printed."""
    with pytest.raises(ContentError) as caught:
        load(path)
    return [str(d) for d in caught.value.diagnostics]


# -- the character guard on the final text ------------------------------------------------

@pytest.mark.parametrize("written, code", [
    ("&#x202E;", "U+202E"), ("&#8238;", "U+202E"), ("&#x2028;", "U+2028"),
    ("&#x2066;", "U+2066"), ("&#X202e;", "U+202E"), ("&#x2029;", "U+2029"),
])
def test_character_references_in_markdown_are_refused_where_written(write_doc, written, code):
    path = write_doc(with_body(f'"Invoice for txt{written}fdp.exe"'))
    [message] = refused(path)
    line = path.read_text(encoding="utf-8").splitlines().index(
        next(ln for ln in path.read_text(encoding="utf-8").splitlines() if written in ln)) + 1
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index(written) + 1
    assert message.startswith(f"{path}:{line}:{column}: sections.history.body: "), message
    assert code in message and f"written as {written}" in message


def test_character_references_in_block_scalars_point_at_their_line(write_doc):
    text = MINIMAL.replace("  A summary that cites a source [@doe2024].\n",
                           "  A summary that cites a source [@doe2024].\n\n"
                           "  Second paragraph, then a trick &#x202E;here.\n")
    path = write_doc(text)
    [message] = refused(path)
    lines = text.splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if "&#x202E;" in ln)
    assert message.startswith(f"{path}:{line}:{lines[line - 1].index('&#x202E;') + 1}: summary:")


@pytest.mark.parametrize("value, code, how", [
    ('!!binary "4oCu"', "U+202E", "!!binary"),  # the UTF-8 of U+202E
    ('!!binary "QQdC"', "U+0007", "!!binary"),  # A, BEL, B
    ('!!str "a\\u202eb"', "U+202E", "escape"),
    ('"a\\x85b"', "U+0085", "escape"),
])
def test_yaml_tags_and_escapes_are_decoded_before_the_check(write_doc, value, code, how):
    path = write_doc(MINIMAL.replace('title: "A small brief"', f"title: {value}"))
    [message] = refused(path)
    assert message.startswith(f"{path}:3:10: meta.title: ") and code in message
    assert how in message


def test_a_binary_control_character_no_longer_reaches_the_word_writer(write_doc, tmp_path):
    """It once crashed python-docx ("All strings must be XML compatible"), exit 3."""
    path = write_doc(MINIMAL.replace('title: "A small brief"', 'title: !!binary "QQdC"'))
    assert main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "docx"]) == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.docx"))


@pytest.mark.parametrize("text, code", [
    ("A smile 😀 here", "U+1F600"), ("日本語", "U+65E5"), ("&#x1F600; as an entity", "U+1F600"),
])
def test_characters_no_bundled_font_shows_are_refused(write_doc, text, code):
    path = write_doc(with_body(f'"{text}"'))
    messages = refused(path)
    assert any(code in m and "none of the bundled fonts" in m for m in messages), messages
    assert all(m.startswith(f"{path}:11:") for m in messages), messages


def test_scripts_the_bundled_fonts_cover_pass(write_doc):
    text = ('"Druzhba (Дружба, Ελλάδα; in Urdu دوستی) costs 10\u00a0% – x\u200by, '
            'soft\u00adhyphen, l’État „Zitat“ ‣ ‹ › …"')
    load(write_doc(with_body(text)))


# -- YAML: merges, nesting, numbers, dates -----------------------------------------------

def test_a_merge_key_may_be_overridden(write_doc):
    text = MINIMAL.replace(HISTORY, '  history: &h {title: "History", lead: "Lead.", '
                                    'body: "History body."}\n').replace(
        '  strategic: {title: "Strategy", lead: "Lead.", body: "Strategy body."}\n',
        '  strategic:\n    <<: *h\n    title: "Strategy"\n')
    doc = load(write_doc(text))
    assert doc.model.sections.strategic.title == "Strategy"
    assert doc.model.sections.strategic.body == "History body."
    assert doc.model.sections.history.title == "History"


def test_a_key_written_twice_is_still_a_duplicate_next_to_a_merge(write_doc):
    text = MINIMAL.replace(HISTORY, '  history: &h {title: "History", lead: "Lead.", '
                                    'body: "History body."}\n').replace(
        '  strategic: {title: "Strategy", lead: "Lead.", body: "Strategy body."}\n',
        '  strategic:\n    <<: *h\n    title: "Strategy"\n    title: "Again"\n')
    path = write_doc(text)
    assert any(m.startswith(f"{path}:15:5: sections.strategic.title: duplicate key 'title'")
               for m in refused(path))


def test_brackets_in_text_are_not_nesting(write_doc):
    doc = load(write_doc(with_body('"' + "[" * 60 + ' and {{ ' * 30 + '"')))
    assert doc.model.sections.history.body.count("[") == 60


def test_block_nesting_is_refused_at_its_line(write_doc):
    path = write_doc(MINIMAL.replace(
        'key_messages: ["First message.", "Second message.", "Third message."]',
        "key_messages:\n  " + "- " * 3000 + "x"))
    [message] = refused(path)
    assert re.match(rf"{re.escape(str(path))}:10:\d+: values are nested more than 40", message)


def test_a_number_too_long_to_print_is_refused(write_doc):
    path = write_doc(MINIMAL.replace("date: 2024}", "date: 0x" + "f" * 4000 + "}"))
    [message] = refused(path)
    assert message.startswith(f"{path}:21:") and "references[0].date" in message


@pytest.mark.parametrize("written", ["0", "86400", "1e5"])
def test_a_number_is_not_taken_for_a_date(write_doc, written):
    """Pydantic would read 0 as 1970-01-01 (a Unix time); a person meant something else."""
    path = write_doc(MINIMAL.replace("date: 2025-06-01", f"date: {written}"))
    [message] = refused(path)
    assert message.startswith(f"{path}:4:9: meta.date: ") and "expected a date" in message


@pytest.mark.parametrize("points", ["[[a, .nan], [b, 2]]", "[[a, 1], [b, .inf]]",
                                    "[[.nan, 1], [2, 2]]", "[[1, -.inf]]"])
def test_chart_values_must_be_numbers_a_chart_can_draw(write_doc, points):
    text = MINIMAL.replace(HISTORY, '  history:\n    title: "History"\n    body: "Body."\n'
                           '    figures:\n      - {caption: C, alt: A, chart: {type: bar, '
                           f'series: [{{name: s, points: {points}}}]}}}}\n')
    path = write_doc(text)
    messages = refused(path)
    assert all(m.startswith(f"{path}:15:") for m in messages), messages
    assert any("which no chart can draw" in m and ".points[" in m for m in messages), messages


# -- Markdown ---------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "*a " * 5000 + "x" + " a*" * 5000,  # emphasis: once a RecursionError in validate
    "_" * 5000 + "x" + "_" * 5000,
    "> " * 25 + "x",  # markdown-it drops what lies 20 levels deep: refused, not lost
    "[" * 10 + "*" * 40 + "x" + "*" * 40 + "](https://example.org)",
])
def test_markdown_nested_too_deeply_is_refused_at_its_line(write_doc, body):
    text = MINIMAL.replace("  A summary that cites a source [@doe2024].\n",
                           "  A summary that cites a source [@doe2024].\n\n  " + body + "\n")
    path = write_doc(text)
    found = refused(path)
    [message] = [m for m in found if "Markdown nested" in m]
    assert message.startswith(f"{path}:10:1: summary: Markdown nested "), message
    assert f"at most {MAX_MARKDOWN_DEPTH} are allowed" in message
    # The file's other problems come in the same round: 10,001 underscores are a run-on word.
    assert all("a word of 10,001 characters" in m for m in found if m != message), found


def test_markdown_nested_as_deep_as_allowed_renders(write_doc, tmp_path):
    body = "- a\n" + "".join("  " * i + f"- level {i} *b **c [d](https://x.org)**\n"
                             for i in range(1, 4))
    text = MINIMAL.replace("  A summary that cites a source [@doe2024].\n",
                           "  A summary that cites a source [@doe2024].\n\n"
                           + "".join("  " + ln + "\n" for ln in body.splitlines()))
    path = write_doc(text)
    assert 8 < load(path).md("summary").depth <= MAX_MARKDOWN_DEPTH
    assert main(["build", str(path), "--out", str(tmp_path / "o"), "--format", "docx,html"]) == 0


def test_a_cross_reference_and_a_citation_in_one_bracket_are_refused(write_doc):
    text = MINIMAL.replace(HISTORY, '  history:\n    title: "History"\n'
                           '    body: "As [@fig:x; @doe2024] shows."\n    figures:\n'
                           "      - {id: x, caption: C, alt: A, chart: {type: bar, series: "
                           "[{name: s, points: [[a, 1]]}]}}\n")
    path = write_doc(text)
    [message] = refused(path)
    assert message.startswith(f"{path}:13:") and "'@fig:x' is a cross-reference" in message


@pytest.mark.parametrize("definition", ["[r]: javascript:alert(1)", "[r]: <vbscript:x>",
                                        "[r]:\n  file:///etc/passwd"])
def test_reference_definitions_with_disallowed_schemes_are_reported(write_doc, definition):
    text = MINIMAL.replace("  A summary that cites a source [@doe2024].\n",
                           "  A summary that cites a source [@doe2024]; see [the site][r].\n\n"
                           + "".join("  " + ln.strip() + "\n" for ln in definition.split("\n")))
    path = write_doc(text)
    [message] = refused(path)
    assert message.startswith(f"{path}:1") and ": summary: link target '" in message
    assert "links must start with https://" in message


def test_footnote_definitions_are_not_links(write_doc):
    load(write_doc(with_body('"A claim.^[Note: see below.]"')))


# -- images ---------------------------------------------------------------------------

def png(mode: str = "RGB", ppm: int | None = None, icc: bool = False) -> bytes:
    """A small PNG of mode; with a pHYs chunk of ppm pixels per metre when given."""
    image = Image.new(mode, (40, 30))
    options = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
               .tobytes()} if icc else {}
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    data = out.getvalue()
    if ppm is None:
        return data
    body = struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + b"pHYs" + body + struct.pack(">I", zlib.crc32(b"pHYs" + body))
    cut = data.index(b"IDAT") - 4
    return data[:cut] + chunk + data[cut:]


def jpeg(mode: str = "RGB", units: int | None = None, density: int = 0,
         jfif: bool = True, icc: bool = False) -> bytes:
    """A small JPEG of mode; its JFIF density set to units/density, or no JFIF header."""
    image = Image.new(mode, (40, 30))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if icc and mode == "RGB":
        options["icc_profile"] = ImageCms.ImageCmsProfile(
            ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, "JPEG", **options)
    data = bytearray(out.getvalue())
    if data[6:10] == b"JFIF" and units is not None:
        data[13] = units
        data[14:18] = struct.pack(">HH", density, density)
    if not jfif and data[6:10] == b"JFIF":
        length = struct.unpack(">H", data[4:6])[0]
        data = data[:2] + data[4 + length:]
    return bytes(data)


def docx_reads(data: bytes) -> None:
    document = docx.Document()
    document.add_paragraph().add_run().add_picture(io.BytesIO(data), width=docx.shared.Cm(4))


@pytest.mark.parametrize("data", [
    png("RGB"), png("RGBA", 2835), png("P"), png("L", 0), png("LA"), png("I;16"),
    png("RGB", 11811, icc=True), jpeg("RGB"), jpeg("L", 1, 300), jpeg("RGB", 0, 0),
], ids=["rgb", "rgba-72dpi", "p", "l-zero-ppm", "la", "i16", "icc-300dpi", "jpeg", "jpeg-l",
        "jpeg-aspect-only"])
def test_images_every_writer_reads_pass_byte_for_byte(data):
    assert normalised(data) == data
    docx_reads(data)


@pytest.mark.parametrize("data, kind, mode", [
    (jpeg("CMYK"), "JPEG", "RGB"),
    (jpeg("RGB", jfif=False), "JPEG", "RGB"),
    (jpeg("RGB", 1, 0), "JPEG", "RGB"),
    (jpeg("L", 2, 0), "JPEG", "L"),
    (png("RGB", 1), "PNG", "RGB"),
    (png("RGBA", 19), "PNG", "RGBA"),
], ids=["cmyk", "no-jfif", "zero-dpi", "zero-dots-per-cm", "tiny-ppm", "tiny-ppm-rgba"])
def test_images_a_writer_cannot_read_are_re_encoded_in_their_format(data, kind, mode):
    fixed = normalised(data)
    assert fixed != data
    with Image.open(io.BytesIO(fixed)) as image:
        assert (image.format, image.mode, image.size) == (kind, mode, (40, 30))
        assert round(image.info["dpi"][0]) == DEFAULT_DPI
    docx_reads(fixed)


def test_documents_with_such_images_build_in_every_format(write_doc, tmp_path):
    images = {"cmyk.jpg": jpeg("CMYK"), "nojfif.jpg": jpeg("RGB", jfif=False),
              "zero.jpg": jpeg("RGB", 1, 0), "tiny.png": png("RGB", 1),
              "zero.png": png("RGB", 0), "gray16.png": png("I;16")}
    path = write_doc(with_figures(*images))
    for name, data in images.items():
        (path.parent / name).write_bytes(data)
    assert main(["validate", str(path)]) == 0
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--format", "pdf,docx,html"]) == 0
    [word] = out.rglob("*.docx")
    assert len(docx.Document(str(word)).inline_shapes) == len(images)
    [page] = out.rglob("*.html")
    assert page.read_text(encoding="utf-8").count('src="data:image/') == len(images)


def test_an_image_with_valid_checksums_but_broken_pixels_is_refused(write_doc):
    header = struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    path = write_doc(with_figures("broken.png"))
    (path.parent / "broken.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100)[:-5]) + chunk(b"IEND", b""))
    [message] = refused(path)
    assert message.startswith(f"{path}:15:") and "not a readable PNG or JPEG" in message


def test_a_named_pipe_is_not_read_as_an_image(write_doc):
    path = write_doc(with_figures("fig.png"))
    os.mkfifo(path.parent / "fig.png")
    [message] = refused(path)  # returns at once: the pipe is never opened
    assert message.startswith(f"{path}:15:") and "not a regular file" in message


def test_a_named_pipe_is_not_read_as_a_content_file(tmp_path):
    os.mkfifo(tmp_path / "brief.yaml")
    [message] = refused(tmp_path / "brief.yaml")
    assert "not a regular file" in message


# -- validate is a promise: a property --------------------------------------------------

MODES = {"PNG": ("L", "LA", "RGB", "RGBA", "P", "I;16"), "JPEG": ("L", "RGB", "CMYK")}


@st.composite
def images(draw: st.DrawFn) -> tuple[str, bytes]:
    """A PNG or JPEG of any mode, density (or none) and with or without an ICC profile."""
    kind = draw(st.sampled_from(("PNG", "JPEG")))
    mode = draw(st.sampled_from(MODES[kind]))
    size = (draw(st.integers(1, 40)), draw(st.integers(1, 40)))
    image = Image.new(mode, size, draw(st.integers(0, 255)) if mode in ("L", "P", "I;16")
                      else None)
    options: dict[str, Any] = {}
    dpi = draw(st.sampled_from((None, 0, 1, 72, 300)))
    if dpi is not None:
        options["dpi"] = (dpi, dpi)
    if draw(st.booleans()) and mode in ("RGB", "RGBA"):
        options["icc_profile"] = ImageCms.ImageCmsProfile(
            ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, kind, **options)
    data = out.getvalue()
    if kind == "JPEG" and draw(st.booleans()) and data[6:10] == b"JFIF":  # no JFIF header
        data = data[:2] + data[4 + struct.unpack(">H", data[4:6])[0]:]
    return ("fig.png" if kind == "PNG" else "fig.jpg"), data


@st.composite
def nested_markdown(draw: st.DrawFn) -> str:
    """Emphasis, links, quotes and lists inside one another, to a drawn depth."""
    text = "x"
    for _ in range(draw(st.integers(0, 16))):
        wrap = draw(st.sampled_from(("*{}*", "**{}**", "_{}_", "[{}](https://example.org)",
                                     "[{}]")))
        text = wrap.format(text)
    for _ in range(draw(st.integers(0, 6))):
        text = draw(st.sampled_from(("> ", "- ", "1. "))) + text
    return text


# Mostly dates a reference may have, so that most documents pass validate and are built.
reference_dates = (st.integers(1, 3000) | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
                   | st.integers(1000, 2100) | st.integers(-10**20, 10**20)
                   | st.sampled_from(("2024", "2024-13", "0x" + "f" * 40, "2024-02-30", "")))


@contextlib.contextmanager
def document(image: tuple[str, bytes], body: str, date: Any) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="briefgen-promise-") as tmp:
        data = yaml.safe_load(with_figures(image[0]))
        data["summary"] += "\n" + body + "\n"
        data["references"][0]["date"] = date
        path = Path(tmp) / "doc" / "brief.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        (path.parent / image[0]).write_bytes(image[1])
        yield path


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(image=images(), body=nested_markdown(), date=reference_dates)
def test_what_validate_passes_build_renders(image, body, date, capsys):
    """No exit 3 from either command; and exit 0 from build whenever validate gave 0."""
    with document(image, body, date) as path:
        checked = main(["validate", str(path)])
        assert checked in (0, 1), capsys.readouterr().err
        built = main(["build", str(path), "--out", str(path.parent.parent / "out"),
                      "--format", "docx,html"])
        err = capsys.readouterr().err
        assert built != 3 and "internal error" not in err, err
        assert built == (0 if checked == 0 else 1), err
        if built == 0:
            [word] = (path.parent.parent / "out").rglob("*.docx")
            assert zipfile.is_zipfile(word)
            assert len(docx.Document(str(word)).inline_shapes) == 1
