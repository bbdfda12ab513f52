"""Templates cannot reach outside their folders, the network or Python.

A user's template is trusted to lay out, not to read files: WeasyPrint's fetcher serves
only data: URIs and files below the template folders (after resolving `..` and symbolic
links), and Jinja runs in its sandbox. Each trap must fail the build with a message that
names what was refused, exit non-zero, and write nothing.
"""

from __future__ import annotations

import re

import pytest
from conftest import MINIMAL

from briefgen.cli import main

TRAPS = {
    # A PDF attachment would embed the file in the PDF for anyone to extract.
    "attachment": ('<link rel="attachment" href="file:///etc/passwd">',
                   "refusing to read /etc/passwd"),
    "network image": ('<img src="https://example.org/pixel.png" alt="">',
                      "refusing to fetch https://example.org/pixel.png"),
    # Enough ../ to reach / from wherever the templates are installed.
    "stylesheet climbing out": ('<link rel="stylesheet" href="' + "../" * 40 + 'etc/hostname">',
                                "refusing to read /etc/hostname"),
    "symbolic link": ('<img src="{escape}" alt="">', "refusing to read /etc/hostname"),
    "sandbox": ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
                "access to attribute '__class__' of 'str' object is unsafe"),
    "syntax": ("{% if %}", "colophon.html:2: template error"),
}


@pytest.mark.parametrize("trap", TRAPS, ids=list(TRAPS))
def test_template_traps_fail_the_build(trap, write_doc, tmp_path, capsys):
    markup, expected = TRAPS[trap]
    path = write_doc(MINIMAL)
    blocks = path.parent / "templates" / "html" / "blocks"
    blocks.mkdir(parents=True)
    escape = path.parent / "templates" / "escape.png"  # inside, but pointing outside
    escape.symlink_to("/etc/hostname")
    markup = markup.replace("{escape}", escape.as_uri())
    (blocks / "colophon.html").write_text(f"<footer>\n{markup}</footer>\n", encoding="utf-8")
    out = tmp_path / "out"

    code = main(["build", str(path), "--out", str(out), "--format", "pdf", "--quiet"])

    err = capsys.readouterr().err
    assert code in (1, 2), err
    assert expected in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert not list(out.rglob("*.pdf"))  # nothing written


def test_content_is_never_a_template(write_doc, tmp_path):
    text = MINIMAL.replace("History body.", "{{ doc.meta.title }} {{ 6 * 7 }}")
    main(["build", str(write_doc(text)), "--out", str(tmp_path / "out"), "--format", "html",
          "--quiet"])
    [page] = (tmp_path / "out").rglob("*.html")
    # The page's text, without its <style> (whose web fonts' base64 may hold any digits).
    html = re.sub(r"<style>.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S)
    assert "{{ doc.meta.title }} {{ 6 * 7 }}" in html and "42" not in html
