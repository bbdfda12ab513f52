"""Render an edition's page: its Jinja page template over the edition's plain data.

One set of templates renders every format, in two media. The screen page is the HTML
output, and the Word file is written from it, element by element onto Word styles
(render_docx). The print page is what WeasyPrint lays out as the PDF: the same
templates, leaving out what print hides (`medium` is "print"). Templates see only the
plain data of `context.build_context`: Markdown is already Markup there (escaped), notes
are numbered, and the templates decide the block structure.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from markupsafe import Markup

from .context import MEDIA, build_context
from .errors import UsageError
from .templates import TemplateSet
from .view import DocumentView

if TYPE_CHECKING:
    from .fontfaces import Face

__all__ = ["MEDIA", "render_page"]


# Where base.html puts the web fonts: "<" cannot come from content, which is escaped.
_WEB_FONTS = "/*<briefgen:web-fonts>*/"
# The HTML page's own print rules, for a reader printing it from a browser. Only this page
# has them: brief.css's print rules lay out the PDF, and a browser knows neither running
# elements nor CSS footnotes, so it would print the running header in the text and every
# footnote inline. The notes print as the numbered list, as on screen.
_BROWSER_PRINT = """@media print {
  body .running-header, body .running-footer, body .footnote { display: none; }
  body.notes-footnotes .fn-call { display: inline; }
  body.notes-footnotes .endnotes { display: block; }
}"""


def render_page(view: DocumentView, templates: TemplateSet, css: str,
                medium: str = "screen", web_fonts: bool | None = None,
                fonts_at: Callable[[Face], str] | None = None) -> str:
    """Render the document's page template to a complete HTML document.

    medium "screen" is the page itself, which Word is also made from; "print" is the page
    WeasyPrint lays out, without what print hides (the notes' other form: the list at the
    end of a footnote edition, the calls of notes set at the foot of the page). Hidden
    elements cost WeasyPrint as much memory as shown ones: in a footnoted report they are
    half the page. Templates see the medium as `medium`.

    web_fonts (default: on screen) puts the bundled faces the page uses into it as
    `web_fonts` (webfonts.py); the PDF has them from fonts.css, Word does without.
    fonts_at (the preview's): link every face from its address instead, whole.
    """
    context = build_context(view, medium)
    from jinja2 import TemplateError, TemplateNotFound

    try:
        template = templates.jinja.get_template(f"{view.kind}.html")
        fonts = medium == "screen" if web_fonts is None else web_fonts
        html = template.render(**context, css=Markup(css),
                               web_fonts=Markup(_WEB_FONTS if fonts else ""))
    except TemplateNotFound as exc:
        searched = ", ".join(str(d / "html") for d in templates.dirs)
        raise UsageError(f"{_template_place(exc)}template '{exc.name}' not found; "
                         f"searched: {searched}") from None
    except TemplateError as exc:  # a user's template: syntax, an unknown name, the sandbox
        raise UsageError(f"{_template_place(exc)}template error: {exc}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        # A user's template failing as it runs ({{ 1 // 0 }}, a string where a number
        # goes): the template's mistake, not briefgen's, so a usage error with its line.
        place = _template_place(exc)
        if not place:
            raise  # not from a template line: a bug in briefgen
        raise UsageError(f"{place}template error: {type(exc).__name__}: {exc}") from None
    check_data_uris(html, context, templates)
    if _WEB_FONTS in html:  # after the check: these data: URIs are briefgen's own
        from .webfonts import linked_fonts_css, web_fonts_css

        fonts = (linked_fonts_css(templates, fonts_at) if fonts_at
                 else web_fonts_css(html, templates))
        html = html.replace(_WEB_FONTS, fonts + "\n" + _BROWSER_PRINT, 1)
    return html


# Where a data: URI can be loaded from: an attribute, or url() in a <style> element or a
# style attribute. Content cannot make these: its quotes and "<" are escaped.
_DATA_ATTR = re.compile(r'\s(?:src|href|data)\s*=\s*"(data:[^"]*)"')
_STYLE = re.compile(r'<style[^>]*>(.*?)</style>|\sstyle\s*=\s*"([^"]*)"', re.S | re.I)
_DATA_URL = re.compile(r"""url\(\s*["']?(data:[^"')\s]*)""", re.I)
# The first bytes of each raster type WeasyPrint loads, for a data: URI a template makes.
_MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
          "image/gif": (b"GIF87a", b"GIF89a")}


def check_data_uris(html: str, context: dict[str, Any], templates: TemplateSet) -> None:
    """Refuse a data: URI a template wrote that cannot be loaded, naming its template line.

    WeasyPrint would only log "Failed to load image" with no place, and a browser would
    show a broken image. The content's own images and charts are checked where they are
    read (images.py); they are the data: strings of the context.
    """
    made = {value for value in _strings(context) if value.startswith("data:")}
    found = [m.group(1) for m in _DATA_ATTR.finditer(html)]
    for style in _STYLE.finditer(html):
        found += _DATA_URL.findall(style.group(1) or style.group(2) or "")
    for uri in found:
        if uri in made:
            continue
        problem = _data_uri_problem(uri)
        if problem:
            shown = uri if len(uri) <= 60 else uri[:57] + "..."
            raise UsageError(f"{templates.locate(uri)}the data: URI {shown} {problem}")


def _strings(value: Any) -> Iterator[str]:
    """Yield every string in a context: dict values, list items and plain strings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _data_uri_problem(uri: str) -> str | None:
    """Return why a data: URI cannot be loaded (RFC 2397), or None if it looks loadable."""
    header, comma, payload = uri[5:].partition(",")
    if not comma:
        return "has no comma between its type and its data (data:<type>;base64,<data>)"
    mime = header.split(";")[0].strip().lower() or "text/plain"
    data = unquote_to_bytes(payload)
    if header.lower().endswith(";base64"):
        try:
            data = base64.b64decode(data, validate=True)
        except ValueError:
            return "is not valid base64"
    magic = _MAGIC.get(mime)
    if magic and not data.startswith(magic):
        return f"does not hold a {mime.removeprefix('image/').upper()} image"
    return None


def _template_place(exc: BaseException) -> str:
    """Return 'file:line: ' of the template line that failed, if Jinja recorded it."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:  # Jinja maps template frames back to template lines
        if trace.tb_frame.f_code.co_filename.endswith(".html"):
            filename, line = trace.tb_frame.f_code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return f"{filename}:{line}: " if filename and line else ""
