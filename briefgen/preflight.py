"""Preflight: check every page of a laid-out PDF for what a designer would send back.

Run on WeasyPrint's laid-out document, before the PDF is written (render_pdf.py); the
walk over its boxes is preflight_checks.py. Each finding names its page and what it
affects. A note called in the text but set on no page is an error: that output would
lose content, so the build fails. Everything else is a warning, which `--strict` makes an
error. This module imports WeasyPrint only inside `check`, so that reports and records
of findings cost nothing to read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "Finding", "PdfReport", "bundled_fonts", "check", "json_text", "summary",
           "text_lines", "to_json"]

# Each kind of finding, as counted in a summary (singular, plural).
KINDS = {
    "lost-note": ("lost note", "lost notes"),
    "late-note": ("note on a later page", "notes on a later page"),
    "runt": ("runt page", "runt pages"),
    "gap": ("gap", "gaps"),
    "table-split": ("split table", "split tables"),
    "heading-at-foot": ("heading at a page foot", "headings at a page foot"),
    "caption-at-foot": ("caption at a page foot", "captions at a page foot"),
    "list-split": ("split list", "split lists"),
    "page-limit": ("page limit exceeded", "page limits exceeded"),
    "font": ("font not bundled", "fonts not bundled"),
    "overflow": ("line overflowing", "lines overflowing"),
    # Not from the boxes: WeasyPrint's own warnings (render_pdf), such as a stylesheet typo.
    "weasyprint": ("WeasyPrint warning", "WeasyPrint warnings"),
}
RUNT = 0.2  # a page, not the last, whose text fills less than this share is a runt
GAP = 0.25  # a page whose text area ends more than this share empty, not at a forced break
MIN_ROWS = 3  # body rows of a split table on each page
MIN_ENTRIES = 3  # entries of a split list on each page
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


@dataclass(frozen=True)
class Finding:
    """One thing preflight found: its kind, page (None: the whole file) and what it is."""

    kind: str
    page: int | None
    message: str
    severity: str = "warning"  # "error": the output is not written

    def where(self, file: Path | str) -> str:
        """The finding as one line: `file p.N: what`."""
        page = f" p.{self.page}" if self.page is not None else ""
        prefix = "error: " if self.severity == "error" else ""
        return f"{file}{page}: {prefix}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The finding from its JSON data (TypeError if it is not one)."""
        return cls(**data)


@dataclass(frozen=True)
class PdfReport:
    """The preflight of one PDF output: its file, pages, findings, and whether rendered."""

    file: Path
    pages: int | None
    findings: tuple[Finding, ...]
    rendered: bool = True


def summary(findings: list[Finding] | tuple[Finding, ...]) -> str:
    """Count findings by kind: "3 findings (2 gaps, 1 runt page)" or "no findings"."""
    if not findings:
        return "no findings"
    counts = Counter(finding.kind for finding in findings)
    parts = [f"{n} {KINDS.get(kind, (kind, kind))[n != 1]}"
             for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    total = len(findings)
    return f"{total} finding{'s' if total != 1 else ''} ({', '.join(parts)})"


def to_json(reports: list[PdfReport]) -> dict[str, Any]:
    """The reports as one JSON document for CI: every output with its findings."""
    outputs = [{"file": str(report.file), "pages": report.pages, "rendered": report.rendered,
                "findings": [finding.as_dict() for finding in report.findings],
                "counts": dict(Counter(finding.kind for finding in report.findings))}
               for report in reports]
    return {"version": 1, "findings": sum(len(report.findings) for report in reports),
            "errors": sum(f.severity == "error" for r in reports for f in r.findings),
            "outputs": outputs}


_DIGESTS: dict[tuple, str] = {}  # (path, size, mtime, ctime): digest, for editions in turn


def json_text(reports: list[PdfReport]) -> str:
    """The reports as JSON text (to_json)."""
    import json

    return json.dumps(to_json(reports), indent=2, ensure_ascii=False)


def text_lines(reports: list[PdfReport], counts: bool = True) -> list[str]:
    """Each finding as `file p.N: what`, then (counts) one line of counts per PDF.

    A WeasyPrint warning that every edition repeats (a stylesheet's typo) is shown once.
    """
    seen: set[str] = set()
    lines = []
    for report in reports:
        for finding in report.findings:
            if finding.kind == "weasyprint":
                if finding.message in seen:
                    continue
                seen.add(finding.message)
            lines.append(finding.where(report.file))
    for report in reports if counts else []:
        again = "" if report.rendered else " (up to date)"
        pages = f"{report.pages} page{'s' if report.pages != 1 else ''}, " if report.pages \
            else ""
        lines.append(f"preflight {report.file.name}{again}: {pages}{summary(report.findings)}")
    return lines


def bundled_fonts(dirs: tuple[Path, ...]) -> frozenset[str]:
    """SHA-256 of the font files in each template folder's fonts/ (the bundled fonts)."""
    from .templates import RefusedTemplateFile, read_template_file

    found = set()
    for root in dirs:
        folder = root / "fonts"
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            try:
                info = path.stat()
                key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                if key not in _DIGESTS:
                    _DIGESTS[key] = hashlib.sha256(read_template_file(path, root)).hexdigest()
                found.add(_DIGESTS[key])
            except (OSError, RefusedTemplateFile):
                continue  # not a font a stylesheet can load either
    return frozenset(found)


def check(document: object, fonts: frozenset[str], page_limit: int | None = None,
          audience: str = "") -> list[Finding]:
    """Preflight a laid-out WeasyPrint document; return its findings by page.

    fonts: digests of the bundled font files (bundled_fonts); page_limit: the audience
    profile's limit of pages, if it has one.
    """
    from . import preflight_checks as checks

    pages, tables, lists = checks.scan(document)
    findings = [*_notes(pages), *_pages(pages, checks), *_splits(pages, tables, lists)]
    faces: dict[Any, tuple[str, str]] = {}
    for page in pages:
        findings += [Finding(kind, page.number, f"{kind.split('-')[0]} “{text}” in the last "
                             "tenth of the page, parted from what follows")
                     for kind, text in ((f"{k}-at-foot", t) for k, t in page.at_foot)]
        findings += [Finding("overflow", page.number, f"a line runs {px * 0.2646:.1f} mm "
                             f"past the text block: “{_short(text)}”")
                     for px, text in page.overflows]
        findings += _fonts(page, fonts, checks, faces)
    if page_limit and len(pages) > page_limit:
        who = f"the {audience} profile" if audience else "its profile"
        findings.append(Finding("page-limit", page_limit + 1, f"{len(pages)} pages; {who} "
                                f"allows {page_limit}"))
    return sorted(findings, key=lambda f: (f.page or 0, list(KINDS).index(f.kind)))


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _notes(pages: list) -> list[Finding]:
    """Notes called and set on no page (errors), and notes set after their call's page."""
    called: dict[int, tuple[int, str, str]] = {}  # note element id: (page, number, context)
    set_on: dict[int, int] = {}
    endnote_calls: dict[str, tuple[int, str]] = {}
    endnotes: set[str] = set()
    for page in pages:
        for key, (number, context) in page.footnote_calls.items():
            called.setdefault(key, (page.number, number, context))
        for key in page.footnotes:
            set_on.setdefault(key, page.number)
        for number, context in page.endnote_calls.items():
            endnote_calls.setdefault(number, (page.number, context))
        endnotes |= page.endnotes
    findings = []
    for key, (page, number, context) in called.items():
        after = f" (called after “{context}”)" if context else ""
        if key not in set_on:
            findings.append(Finding("lost-note", page, f"note {number}{after} is set on no "
                                    "page", "error"))
        elif set_on[key] > page:
            findings.append(Finding("late-note", page, f"note {number}{after} is set on "
                                    f"p.{set_on[key]}, not on the page of its call"))
    for number, (page, context) in endnote_calls.items():
        if number not in endnotes:
            after = f" (called after “{context}”)" if context else ""
            findings.append(Finding("lost-note", page, f"note {number}{after} is not in the "
                                    "notes", "error"))
    return findings


def _pages(pages: list, checks: Any) -> list[Finding]:
    """Runt pages and pages ending in a gap, the document's last page aside."""
    findings = []
    seen: set[int] = set()
    for before, after in pairwise(pages):
        seen |= before.elements
        if before.blank:
            continue
        fill = before.fill
        if fill < RUNT:
            findings.append(Finding("runt", before.number, f"the text fills {fill:.0%} of "
                                    "the page"))
        elif before.empty > GAP and not checks.forced_break(before, after, seen):
            findings.append(Finding("gap", before.number, f"the page ends {before.empty:.0%} "
                                    "empty, though what follows does not start a new page"))
    return findings


def _splits(pages: list, tables: dict, lists: dict) -> list[Finding]:
    """Tables and lists split over pages with too little of them on one of those pages."""
    from .preflight_checks import text_of

    findings = []
    for kind, found, least, what in (("table-split", tables, MIN_ROWS, "body row"),
                                     ("list-split", lists, MIN_ENTRIES, "entry")):
        for key, element in found.items():
            counts = [(page.number, _count(page, kind, key)) for page in pages
                      if key in (page.table_rows if kind == "table-split"
                                 else page.list_entries)]
            if len(counts) < 2:
                continue
            name = _name(element, text_of)
            for number, count in counts:
                if count < least:
                    plural = "entries" if what == "entry" else what + "s"
                    findings.append(Finding(kind, number, f"{name} split: {count} "
                                            f"{what if count == 1 else plural} on this page"))
    return findings


def _count(page: Any, kind: str, key: int) -> int:
    return page.table_rows[key] if kind == "table-split" else len(page.list_entries[key])


def _name(element: Any, text_of: Any) -> str:
    """A table or list named by its first words, for a message."""
    tag = getattr(element, "tag", "")
    if tag == "figure":  # a table in a figure is named by the figure's caption
        caption = element.find("figcaption")
        return f"“{text_of(caption if caption is not None else element, 40)}”"
    if tag == "table":
        return f"the table “{text_of(element, 40)}”"
    what = "the glossary" if tag == "dl" else "a list"
    return f"{what} “{text_of(element, 40)}”"


def _fonts(page: Any, bundled: frozenset[str], checks: Any,
           faces: dict[Any, tuple[str, str]]) -> list[Finding]:
    """Glyphs set in a font that is none of the bundled fonts."""
    by_family: dict[str, list[str]] = {}
    for exact in (False, True):  # the exact pass only to name the text set in a stray font
        by_family = {}
        for font, texts in checks.fonts_used(page.text_boxes, exact).items():
            family, digest = _font(font, faces)
            if digest not in bundled:
                by_family.setdefault(family, []).extend(texts)
        if not by_family:
            return []
    findings = []
    for family, texts in sorted(by_family.items()):
        sample = _short(" ".join(" ".join(texts).split()), 30)
        findings.append(Finding("font", page.number, f"“{sample}” set in {family}, not one "
                                "of the bundled fonts"))
    return findings


def _font(font: Any, faces: dict[Any, tuple[str, str]]) -> tuple[str, str]:
    """The family and file digest of a Pango font; faces: those hashed, by face.

    (A cffi pointer hashes and compares by its address.)
    """
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.fonts import get_hb_object_data, get_pango_font_hb_face

    face = get_pango_font_hb_face(font)
    key = face
    if key not in faces:
        description = ffi.gc(pango.pango_font_describe_with_absolute_size(font),
                             pango.pango_font_description_free)
        family = ffi.string(pango.pango_font_description_get_family(description)).decode()
        data = get_hb_object_data(face) or b""
        faces[key] = (family, hashlib.sha256(data).hexdigest())
    return faces[key]
