"""Mend WeasyPrint 70's right-to-left layout where a template asks for dir="auto".

WeasyPrint's right-to-left and bidi support has known gaps (its umbrella issue,
https://github.com/Kozea/WeasyPrint/issues/106); the one that matters for briefgen's pages
is that it reads only dir="ltr" and dir="rtl". render_pdf calls this on the parsed page
before layout.
"""

from __future__ import annotations

from typing import Any

from .locales import auto_direction

__all__ = ["resolve_auto_directions"]

def resolve_auto_directions(root: Any) -> None:
    """Give each dir="auto" element the direction of its text, as a browser does.

    WeasyPrint 70 knows dir="ltr" and dir="rtl" only (its html5_ua.css) and ignores
    unicode-bidi, so a Latin reference or note in a right-to-left edition would be laid
    out right to left, its full stops and commas on the wrong side ("Book on Russia
    .Doe"). HTML gives dir="auto" the direction of the first strong character of the
    element's text, ltr if none (HTML, "the directionality"); the browser does that
    itself. WeasyPrint's RTL and bidi gaps: https://github.com/Kozea/WeasyPrint/issues/106
    """
    for element in root.iter():
        if isinstance(element.tag, str) and (element.get("dir") or "").lower() == "auto":
            element.set("dir", auto_direction("".join(element.itertext())))
