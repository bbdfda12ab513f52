"""A template sees plain data only, and template folders are read through one gate.

A user's template lays out; it must not reach a Path, a file, a cache, a model or Python
itself, and no file of a template folder may lead outside it. Template mistakes (a
runtime error, a data: URI that cannot load) are usage errors with the template's line.
"""

from __future__ import annotations

import re
import textwrap
import types
from pathlib import Path, PurePath

import pytest
from conftest import MINIMAL, ROOT
from jinja2 import Undefined
from markupsafe import Markup
from pydantic import BaseModel

from briefgen.cli import main
from briefgen.context import DATA_TYPES, MEDIA, build_context
from briefgen.errors import UsageError
from briefgen.templates import RefusedTemplateFile, TemplateSet

EXAMPLES = sorted((ROOT / "content").rglob("*.yaml"))
SECRET = "SECRET-OUTSIDE-7f3a"

# A brief with a chart, a quote, a timeline, a table and notes: every kind of value.
RICH = MINIMAL.replace(
    '  history: {title: "History", lead: "Lead.", body: "History body."}\n',
    textwrap.indent(textwrap.dedent("""\
        history:
          title: "History"
          lead: "Lead.^[A lead note.]"
          body: "History body [@doe2024]."
          quotes: [{text: "Said.", speaker: "Someone", cite: doe2024}]
          timeline: [{date: "2016-09", title: "Began", text: "It began.", cite: doe2024}]
          tables: [{caption: "T", columns: [a, b], rows: [["1", "2"]], source: "Src [@doe2024]"}]
          figures:
            - caption: "A chart"
              alt: "A chart of one series"
              chart: {type: bar, series: [{name: s, points: [[a, 1], [b, 2]]}]}
        """), "  "))
assert RICH != MINIMAL


def _views(path: Path, every: bool = False):
    """Yield (audience, view) for each audience of the document at path (every: for each
    built-in audience, whether the document asks for it or not)."""
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.view import build_view

    templates = TemplateSet(())
    doc = load(path)
    labels = load_labels(templates, doc.model.meta.language)
    for audience in (sorted(templates.audiences) if every else doc.model.audiences):
        yield audience, build_view(doc, templates.audience(audience), labels)


def _walk(value, where="context"):
    """Yield (where, value) for value and everything inside it."""
    yield where, value
    if type(value) is dict:
        for key, item in value.items():
            assert type(key) is str, f"{where}: key {key!r}"
            yield from _walk(item, f"{where}.{key}")
    elif type(value) in (list, tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{where}[{i}]")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_context_holds_plain_data_only(path):
    for audience, view in _views(path):
        for medium in MEDIA:
            context = build_context(view, medium)
            strange = [(where, type(value).__name__) for where, value in _walk(context)
                       if type(value) not in DATA_TYPES]  # exact types: no subclasses
            assert not strange, f"{path.name} {audience} {medium}: {strange[:5]}"
            # Markdown arrived as markup, made in Python; nothing is left for Jinja to call.
            assert type(context["doc"]["summary"]) is Markup


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_note_numbers_follow_the_page(path):
    """Notes are numbered in Python; the built-in pages must show them in that order."""
    from briefgen.render_html import render_page

    templates = TemplateSet(())
    css = templates.read_text("css/brief.css")
    seen = 0
    for _, view in _views(path, every=True):  # the academic edition has the notes
        for medium in MEDIA:
            page = render_page(view, templates, css, medium)
            calls = [int(n) for n in re.findall(r'id="call-(\d+)"', page)]
            assert calls == list(range(1, len(calls) + 1)), (path.name, medium, calls)
            listed = [int(n) for n in re.findall(r'<li id="note-(\d+)"', page)]
            assert listed in ([], list(range(1, len(listed) + 1)))
            seen += len(calls)
    assert seen  # the examples do have notes


# -- Attribute chains ----------------------------------------------------------------
DANGEROUS_NAMES = [
    "__class__", "__mro__", "__subclasses__", "__globals__", "__init__", "__builtins__",
    "__dict__", "__base__", "__bases__", "__func__", "__self__", "__module__", "__code__",
    "__reduce__", "__reduce_ex__", "__getattribute__", "mro", "gi_frame", "f_globals",
    "cache", "folder", "read_text", "write_text", "read_bytes", "open", "os", "subprocess",
    "path", "Path", "parent", "model", "view", "charts", "chart", "draw", "png", "svg_uri",
    "get", "items", "keys", "values", "pop", "update", "append", "clear", "format",
    "format_map", "environment", "globals", "loader", "_TemplateReference__context",
]


def _forbidden(obj) -> bool:
    """Whether obj is something a template must never hold: behaviour beyond data."""
    if isinstance(obj, (PurePath, types.ModuleType, BaseModel)) or obj in (open, eval, exec):
        return True
    module = getattr(type(obj), "__module__", "") or ""
    own = getattr(obj, "__module__", "") or ""
    return (module.startswith(("briefgen", "pydantic", "pathlib", "jinja2.environment"))
            or own in ("os", "posix", "subprocess", "shutil", "pathlib", "io"))


def test_no_attribute_chain_reaches_behaviour(write_doc):
    """Follow every attribute a template may read, as Jinja's sandbox resolves it."""
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.view import build_view

    templates = TemplateSet(())
    env = templates.jinja
    doc = load(write_doc(RICH))
    view = build_view(doc, templates.audience("academic"), load_labels(templates, "en"))
    context = build_context(view, "screen")
    # Roots: every value of the context, and the names Jinja itself gives a template.
    frontier = [(where, value) for where, value in _walk(context)]
    frontier += [(name, value) for name, value in env.globals.items()]
    seen_types: set[type] = set()
    reached = 0
    for _depth in range(4):
        following = []
        for where, obj in frontier:
            if type(obj) in seen_types and type(obj) not in (dict, list, tuple):
                continue  # one of each type is enough: attributes come from the type
            seen_types.add(type(obj))
            names = set(DANGEROUS_NAMES) | {n for n in dir(obj) if not n.startswith("__")}
            for name in sorted(names):
                try:
                    value = env.getattr(obj, name)
                except Exception:  # noqa: BLE001 - a refusal is what we want
                    continue
                if isinstance(value, Undefined):
                    continue
                reached += 1
                assert not _forbidden(value), f"{where}.{name} -> {value!r}"
                following.append((f"{where}.{name}", value))
        frontier = following
    assert reached  # the walk did follow attributes (of strings, lists, …)


FIGURES = "{% for b in doc.sections[0].blocks if b.kind == 'figures' %}{% for f in b['items'] %}"
PROBES = [
    "{{ doc.charts }}",
    FIGURES + "{{ f.chart.cache.folder }}{% endfor %}{% endfor %}",
    FIGURES + "{{ f.chart.cache.folder.joinpath('../secret.txt').read_text() }}"
              "{% endfor %}{% endfor %}",
    FIGURES + "{{ f.chart.cache.folder.joinpath('../pwned.txt').write_text('x') }}"
              "{% endfor %}{% endfor %}",
    "{% for n, c in doc.charts.items() %}{{ c.cache.folder.write_text('x') }}{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ doc.meta.__class__ }}",
    "{{ doc.meta|attr('__class__') }}",
    "{{ doc.meta.date.__class__ }}",
    "{{ doc.summary.__class__.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ dict.mro() }}",
    "{{ doc.items() }}",
    "{{ doc.sections.append(1) }}",
    "{{ doc.update({'x': 1}) }}",
    "{{ labels.pop('page') }}",
    "{{ '{0.__class__}'.format(doc) }}",
    "{{ doc.audience.theme.css() }}",
    "{{ doc.audience.model_dump() }}",
    "{{ notes.items }}",
    "{{ inlines }}",
    "{{ doc.sections[0].body.__html__.__globals__ }}",
    "{{ doc.sections[0].body.__class__.__mro__ }}",
]
MARKERS = ("PosixPath", "<module", "<function", "<bound method", "<built-in", "<class",
           "object at 0x", "uid=", "Environment", "root:")


@pytest.fixture
def probe_page(write_doc, tmp_path):
    """Render RICH with a user page template holding markup; return (html | error, new files)."""
    from briefgen.chartcache import ChartCache
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.render_html import render_page
    from briefgen.view import build_view

    path = write_doc(RICH)
    folder = tmp_path / "tpl"
    (folder / "html").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "charts").mkdir()
    cache = ChartCache(tmp_path / "charts", "salt")  # as a build has one

    def render(markup: str) -> tuple[str | UsageError, set[Path]]:
        (folder / "html" / "policy-brief.html").write_text(markup, encoding="utf-8")
        before = set(tmp_path.rglob("*"))
        templates = TemplateSet((folder,))
        view = build_view(load(path), templates.audience("academic"),
                          load_labels(templates, "en"), cache)
        try:
            result: str | UsageError = render_page(view, templates, "")
        except UsageError as exc:
            result = exc
        return result, set(tmp_path.rglob("*")) - before
    return render


@pytest.mark.parametrize("markup", PROBES)
def test_hostile_chain_is_refused_or_harmless(markup, probe_page, tmp_path):
    result, written = probe_page(markup)
    if isinstance(result, UsageError):
        assert re.search(r"policy-brief\.html:1: template error", str(result)), result
    else:
        assert not any(m in result for m in (*MARKERS, SECRET, str(tmp_path))), result
    assert not written


def test_hostile_template_fails_the_build_with_its_line(write_doc, tmp_path, capsys):
    path = write_doc(RICH)
    blocks = path.parent / "templates" / "html" / "blocks"
    blocks.mkdir(parents=True)
    (blocks / "colophon.html").write_text(
        "<footer>\n" + FIGURES + "{{ f.chart.cache.folder.parent.parent.parent"
        ".joinpath('pwned.txt').write_text('x') }}{% endfor %}{% endfor %}\n</footer>\n")
    out = tmp_path / "out"
    code = main(["build", str(path), "--out", str(out), "--format", "html", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{blocks / 'colophon.html'}:2: template error" in err, err
    assert not list(out.rglob("*.html")) and not list(tmp_path.rglob("pwned.txt"))


# -- One gate for template folders ----------------------------------------------------
FONTS_CSS = '@font-face { font-family: "Mine"; src: url(../fonts/Mine.ttf); }\n'
LINKS = {
    # name: (the link inside the user's templates folder, format, files written beside it)
    "block template": ("html/blocks/colophon.html", "html", {}),
    "included file": ("html/blocks/extra.html", "html", {
        "html/blocks/colophon.html": '<footer>{% include "blocks/extra.html" %}</footer>'}),
    "page template": ("html/policy-brief.html", "html", {}),
    "stylesheet": ("css/brief.css", "html", {}),
    "font stylesheet": ("css/fonts.css", "pdf", {}),
    "font": ("fonts/Mine.ttf", "pdf", {"css/fonts.css": FONTS_CSS}),
    "profile": ("audiences/academic.yaml", "html", {}),
    "labels": ("labels/en.yaml", "html", {}),
    "reference document": ("docx/reference.docx", "docx", {}),
    "linked folder": ("html", "html", {}),
}


@pytest.mark.parametrize("case", LINKS, ids=list(LINKS))
def test_links_out_of_the_template_folder_are_refused(case, write_doc, tmp_path, capsys):
    relative, fmt, files = LINKS[case]
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(f"{SECRET}: x\n<p>{SECRET}</p>\n", encoding="utf-8")
    (outside / "blocks").mkdir()
    (outside / "blocks" / "colophon.html").write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    path = write_doc(MINIMAL)
    folder = path.parent / "templates"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    link = folder / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside if case == "linked folder" else secret)
    out = tmp_path / "out"

    code = main(["build", str(path), "--out", str(out), "--format", fmt, "--quiet"])

    err = capsys.readouterr().err
    assert code == 2, err
    assert "outside" in err and "Traceback" not in err, err
    named = str(folder / ("html/blocks/colophon.html" if case == "linked folder" else relative))
    assert named in err or str(secret) in err, err
    assert not [p for p in out.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not list(out.rglob(f"*.{fmt}"))


def test_links_within_the_template_folder_are_followed(write_doc, tmp_path):
    path = write_doc(MINIMAL)
    blocks = path.parent / "templates" / "html" / "blocks"
    blocks.mkdir(parents=True)
    (blocks / "mine.html").write_text('<footer class="mine">ours</footer>\n')
    (blocks / "colophon.html").symlink_to(blocks / "mine.html")
    code = main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "html",
                 "--quiet"])
    assert code == 0
    [page] = (tmp_path / "out").rglob("*.html")
    assert '<footer class="mine">ours</footer>' in page.read_text(encoding="utf-8")


def test_a_fifo_or_folder_is_not_read(tmp_path):
    import os

    (tmp_path / "css").mkdir()
    os.mkfifo(tmp_path / "css" / "brief.css")  # reading it would wait forever
    (tmp_path / "docx" / "reference.docx").mkdir(parents=True)
    templates = TemplateSet((tmp_path,))
    for name in ("css/brief.css", "docx/reference.docx"):
        with pytest.raises(RefusedTemplateFile, match="not a regular file"):
            templates.read(name)


def test_a_huge_template_file_is_refused(tmp_path, monkeypatch):
    import briefgen.templates

    monkeypatch.setattr(briefgen.templates, "MAX_TEMPLATE_FILE_BYTES", 1000)
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "brief.css").write_text("x" * 1001)
    with pytest.raises(RefusedTemplateFile, match="brief.css is 1,001 bytes"):
        TemplateSet((tmp_path,)).read("css/brief.css")


# -- Template mistakes are usage errors with a place -------------------------------------
MISTAKES = {
    "division by zero": ("{{ 1 // 0 }}", "ZeroDivisionError"),
    "wrong type": ('{{ "a" + 1 }}', "TypeError"),
    "no such item": ("{{ doc.sections[99].title }}", "no element 99"),
    "data: URI without comma": ('<img src="data:image/png;base64" alt="">', "no comma"),
    "data: URI not base64": ('<img src="data:image/png;base64,!!!!" alt="">', "not valid base64"),
    "data: URI not an image": ('<img src="data:image/png;base64,aGVsbG8=" alt="">',
                               "does not hold a PNG image"),
}


# A data: URI is checked on the page of each medium; the rest fail alike in every format.
CASES = [(m, "html") for m in MISTAKES] + [(m, "pdf") for m in MISTAKES if "data:" in m]


@pytest.mark.parametrize(("mistake", "fmt"), CASES, ids=[f"{m}-{f}" for m, f in CASES])
def test_template_mistake_is_a_usage_error_with_its_line(mistake, fmt, write_doc, tmp_path,
                                                        capsys):
    markup, expected = MISTAKES[mistake]
    path = write_doc(MINIMAL)
    blocks = path.parent / "templates" / "html" / "blocks"
    blocks.mkdir(parents=True)
    (blocks / "colophon.html").write_text(f"<footer>\n{markup}\n</footer>\n")
    out = tmp_path / "out"
    code = main(["build", str(path), "--out", str(out), "--format", fmt, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{blocks / 'colophon.html'}:2: " in err and expected in err, err
    assert "internal error" not in err and not list(out.rglob(f"*.{fmt}"))


# -- Theme values reach the CSS as CSS -------------------------------------------------
def _profile(folder: Path, theme: str) -> None:
    (folder / "audiences").mkdir(parents=True)
    (folder / "audiences" / "academic.yaml").write_text(
        f"label: Researchers\ntheme: {theme}\n", encoding="utf-8")


def test_theme_fonts_reach_the_css_and_the_pdf(write_doc, tmp_path):
    from pypdf import PdfReader

    path = write_doc(MINIMAL)
    _profile(path.parent / "templates", '{serif: "Charis SIL", sans: "Charis SIL"}')
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--format", "html,pdf",
                 "--quiet"]) == 0
    [page] = out.rglob("*.html")
    html = page.read_text(encoding="utf-8")
    # The theme's font first, then the bundled Arabic face (kept to Arabic script by its
    # unicode-range, fonts.css) for the Urdu terms a theme font may lack.
    assert (':root { --serif: "Charis SIL", "Noto Naskh Arabic", serif; '
            '--sans: "Charis SIL", "Noto Naskh Arabic", sans-serif }') in html
    [pdf] = out.rglob("*.pdf")
    fonts = {str(font["/BaseFont"]).split("+")[-1]
             for p in PdfReader(pdf).pages
             for font in p["/Resources"]["/Font"].values()}
    # Headings, running heads and body all in the theme's font: no Inter, no fallback.
    assert fonts and all(name.startswith("Charis-SIL") for name in fonts), fonts


@pytest.mark.parametrize("value", ['Georgia";} body { display: none } x{"',
                                   "Georgia</style><script>alert(1)</script>",
                                   "Georgia\\\"; --x: 1; } @import url(https://x.org/); a{"])
def test_a_theme_font_cannot_inject_css_or_html(value, write_doc, tmp_path):
    import json

    import tinycss2

    path = write_doc(MINIMAL)
    _profile(path.parent / "templates", f"{{serif: {json.dumps(value)}}}")
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--format", "html", "--quiet"]) == 0
    [page] = out.rglob("*.html")
    html = page.read_text(encoding="utf-8")
    assert html.count("</style>") == 1 and "<script>" not in html
    [rule] = [line for line in html.splitlines() if line.startswith(":root { --serif")]
    [parsed] = tinycss2.parse_stylesheet(rule)
    declarations = tinycss2.parse_declaration_list(parsed.content, skip_whitespace=True)
    assert [d.name for d in declarations] == ["--serif"]
    [string, *_] = [t for t in declarations[0].value if t.type == "string"]
    assert string.value == value  # the CSS string holds exactly the name, nothing more


def test_a_theme_colour_must_be_a_colour(write_doc, tmp_path, capsys):
    path = write_doc(MINIMAL)
    _profile(path.parent / "templates", '{primary: "#123456; } body { display: none"}')
    code = main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "html",
                 "--quiet"])
    assert code in (1, 2) and "academic.yaml" in capsys.readouterr().err


def test_notes_are_numbered_before_the_template_runs(write_doc, tmp_path):
    """A template that shows the sections backwards shows the same note numbers backwards.

    Note numbers are decided in Python (context.py), once for the edition's reading order,
    and alike for the screen page (HTML, Word) and the print page (PDF).
    """
    from briefgen.content import load
    from briefgen.labels import load_labels
    from briefgen.render_html import render_page
    from briefgen.templates import builtin_dir
    from briefgen.view import build_view

    folder = tmp_path / "tpl"
    (folder / "html" / "blocks").mkdir(parents=True)
    original = (builtin_dir() / "html" / "blocks" / "sections.html").read_text(encoding="utf-8")
    assert "{% for section in doc.sections %}" in original
    (folder / "html" / "blocks" / "sections.html").write_text(
        original.replace("{% for section in doc.sections %}",
                         "{% for section in doc.sections | reverse %}"), encoding="utf-8")
    text = MINIMAL.replace("History body.", "History body.^[First.]").replace(
        "Society body.", "Society body.^[Second.]")
    templates = TemplateSet((folder,))
    view = build_view(load(write_doc(text)), templates.audience("academic"),
                      load_labels(templates, "en"))
    screen, printed = build_context(view, "screen"), build_context(view, "print")
    assert screen["notes"] == printed["notes"]
    assert [n["number"] for n in screen["notes"]] == [1, 2, 3]
    assert (screen["notes"][1]["text"], screen["notes"][2]["text"]) == ("First.", "Second.")
    page = render_page(view, templates, "", "screen")
    # The summary's citation, then Society (note 3) before History (note 2), as shown.
    assert [int(n) for n in re.findall(r'id="call-(\d+)"', page)] == [1, 3, 2]
    assert [int(n) for n in re.findall(r'<li id="note-(\d+)"', page)] == [1, 2, 3]
