"""The consistency checks: what the schema cannot say about a content file.

Each check is a function that takes the Draft (the file as read, its Markdown parsed) and
returns its diagnostics; CHECKS lists them all, so adding a check is writing a function
and one line there. Checks read the data as written, not the validated model, so they run
on a file with schema errors too and every problem is reported in one round.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from functools import lru_cache

from .checks_images import images
from .checks_text import final_text, limits
from .docmodel import Cite, Mention, Para, plain_text, walk_inlines
from .draft import Draft, as_list, as_mapping, as_text
from .errors import Diagnostic
from .locales import Locale

__all__ = ["CHECKS", "run_checks"]

LINK_SCHEMES = ("http://", "https://", "mailto:", "#")
_XREF_PREFIX = {"tables": "tbl", "figures": "fig"}  # [@tbl:id], [@fig:id]

# A Markdown link, autolink or reference definition ([r]: url) whose scheme is not allowed
# is dropped by the parser and printed as text; look for them in the source so the writer
# hears about it.
_LINK_SCHEME = re.compile(r"(?:\]\(\s*<?|<|^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\n?[ \t]*<?)"
                          r"([A-Za-z][A-Za-z0-9+.-]{1,31}):", re.M)
# A figure: a year, a number with a unit or currency, a percentage, or any number of
# two or more digits. A paragraph stating one should say where it comes from.
_FIGURE = re.compile(r"[$€£]\s?\d|\d\s?%|\b\d[\d,.]*\s(?:per\s?cent|million|billion)\b|\b\d{2,}\b")
# Numbers that are no figure: a unit's base year ("in 2024 US dollars", "constant 2015
# prices", "2015 = 100"), a unit's denominator ("per 1,000 people"), a name with a number
# ("COVID-19", "JF-17"), and the number of a part of a text ("Table 3", "pp. 12–15").
# English words: a document in another language is checked without them.
_NUMBER = r"\d+[A-Za-z]?(?:\.\d+)*"
_NOT_FIGURES = re.compile(
    r"\b\d{4}\s+(?:(?:constant|real|nominal|current|international|US|PPP)\s+)*"
    r"(?:dollars?|US\$|USD|prices|rupees|PKR|roubles|rubles|RUB|euros?|EUR|pounds|GBP|yuan|"
    r"CNY|PPP|terms|values)(?!\w)|\b\d{4}\s?=\s?100\b|\bbase(?:\s+year)?\s+\d{4}\b"
    r"|\b\d{4}\s+base(?:\s+year)?\b|\bper\s+\d[\d,]*\b|\b[A-Za-z]+-\d+\b"
    r"|(?:\b(?:sections?|tables?|figures?|figs?\.|chapters?|chs?\.|parts?|pages?|pp?\.|notes?"
    r"|annex(?:es)?|appendix|appendices|box(?:es)?|paragraphs?|paras?\.|articles?|volumes?"
    rf"|vols?\.|nos?\.)|§)\s*{_NUMBER}(?:\s*(?:[-–,&]|and|to)\s*{_NUMBER})*", re.I)
_MONTHS = ("January February March April May June July August September October November "
           "December").split()


# -- helpers --------------------------------------------------------------------------
def _offset(draft: Draft, where: tuple, line: int) -> int:
    """Lines into the value at where of a line of its text: 0 unless a block scalar."""
    pos = draft.source.find(where)
    return line + 1 if pos and pos.block else 0


def _column_of(draft: Draft, needle: str, where: tuple, offset: int) -> int | None:
    """Point at needle in the line offset lines into the value at where, if it is there."""
    pos, lines = draft.source.find(where), draft.source.lines
    index = pos.line - 1 + offset if pos else -1
    found = lines[index].find(needle) if 0 <= index < len(lines) else -1
    return found + 1 if found >= 0 else None


def _at(draft: Draft, where: tuple, offset: int, needle: str, message: str,
        severity: str = "error") -> Diagnostic:
    """A diagnostic at needle, offset lines into the value at where."""
    return draft.source.diagnostic(where, message, severity=severity, line_offset=offset,
                                   column=_column_of(draft, needle, where, offset))


def _reference_ids(draft: Draft) -> list[str]:
    """The ids of the references, sorted, each once."""
    return sorted({ref_id for _, ref_id in draft.references()})


def _targets(draft: Draft) -> list[str]:
    """The tables and figures that can be referred to, as 'tbl:id' and 'fig:id'."""
    return list(dict.fromkeys(target for _, target in _numbered(draft)))


def _numbered(draft: Draft) -> list[tuple[tuple, str]]:
    """(path, 'tbl:id' or 'fig:id') of each table and figure with an id, as written."""
    return [(base + (kind, i), f"{_XREF_PREFIX[kind]}:{item['id']}")
            for base, section, has_blocks in draft.sections() if has_blocks
            for kind in _XREF_PREFIX
            for i, item in enumerate(as_list(section.get(kind)))
            if isinstance(item, dict) and as_text(item.get("id"))]


def _unknown_reference(draft: Draft, known: list[str], ref_id: str, where: tuple,
                       offset: int = 0) -> Diagnostic:
    guess = difflib.get_close_matches(ref_id, known, n=1)
    hint = f"; did you mean '{guess[0]}'?" if guess else (
        "; add it under 'references'" if not known else "")
    return _at(draft, where, offset, "@" + ref_id, f"unknown citation '@{ref_id}'{hint}")


# -- checks ---------------------------------------------------------------------------
def duplicate_reference_ids(draft: Draft) -> list[Diagnostic]:
    """Each reference id names one reference."""
    out, first = [], {}
    for where, ref_id in draft.references():
        if ref_id in first:
            out.append(draft.source.diagnostic(
                where, f"duplicate reference id '{ref_id}' (also references[{first[ref_id]}])"))
        first.setdefault(ref_id, where[1])
    return out


def duplicate_target_ids(draft: Draft) -> list[Diagnostic]:
    """Each table and figure id names one table or figure."""
    out, seen = [], set()
    for where, target in _numbered(draft):
        if target in seen:
            out.append(draft.source.diagnostic(
                where + ("id",), f"duplicate id '{target.split(':', 1)[1]}'; each table and "
                "each figure needs its own"))
        seen.add(target)
    return out


def mentions(draft: Draft) -> list[Diagnostic]:
    """Citations, cross-references and links in Markdown name what exists and is allowed."""
    known, targets = _reference_ids(draft), _targets(draft)
    known_set = set(known)
    out: list[Diagnostic] = []
    for where, parsed in draft.markdown.items():
        for mention in parsed.mentions:
            offset = _offset(draft, where, mention.line)
            target = mention.target
            if mention.kind == "cite" and target not in known_set:
                out.append(_unknown_reference(draft, known, target, where, offset))
            elif mention.kind == "xref" and target not in targets:
                listed = ", ".join("@" + t for t in targets) or "none has an 'id'"
                out.append(_at(draft, where, offset, "@" + target,
                               f"unknown cross-reference '@{target}'; tables and figures "
                               f"that can be referred to: {listed}"))
            elif mention.kind == "mixed":
                out.append(_at(draft, where, offset, "@" + target,
                               f"'@{target}' is a cross-reference in the brackets of a "
                               "citation; write them apart, as in [@fig:id] [@ref]"))
            elif mention.kind == "link" and target.startswith("http://"):
                out.append(_at(draft, where, offset, target,
                               f"link '{target}' is not encrypted; use https:// if the "
                               "site offers it", severity="warning"))
            elif mention.kind == "link" and not target.startswith(LINK_SCHEMES):
                out.append(_at(draft, where, offset, target,
                               f"link target '{target}' is not allowed; links must start "
                               "with https://, http://, mailto: or #"))
    return out


def link_schemes(draft: Draft) -> list[Diagnostic]:
    """Links the parser dropped for their scheme (file:, javascript:) are still reported."""
    out = []
    for where, text in draft.texts.items():
        block = bool((pos := draft.source.find(where)) and pos.block)
        for match in _LINK_SCHEME.finditer(text):
            if match.group(1).lower() in ("http", "https", "mailto"):
                continue
            offset = text.count("\n", 0, match.start()) + 1 if block else 0
            target = re.split(r"[)>\s]", text[match.start(1):], maxsplit=1)[0]
            out.append(_at(draft, where, offset, match.group(1) + ":",
                           f"link target '{target}' is not allowed; links must start with "
                           "https://, http://, mailto: or #"))
    return out


def uncited_figures(draft: Draft) -> list[Diagnostic]:
    """Warn about each paragraph of a section body that states figures but cites nothing.

    A paragraph may opt out with `<!-- uncited: reason -->` (markdown.UNCITED); a marker
    that is not needed, or has no reason, is reported where it is written.
    """
    out, own = [], _own_dates(draft)
    bodies = {base + ("body",) for base, _, has_blocks in draft.sections() if has_blocks}
    for where, parsed in draft.markdown.items():
        # By the line of the body paragraph they stand in (markdown.py), or their own.
        markers = {m.line: m for m in parsed.mentions if m.kind.startswith("uncited")}
        for block in parsed.blocks if where in bodies else ():
            if not isinstance(block, Para):
                continue
            found = _figure(plain_text(block.children), own)
            cites = any(isinstance(n, Cite) for n in walk_inlines(block.children))
            marker = markers.get(block.line)
            if marker is not None and marker.kind == "uncited" and marker.target:
                del markers[block.line]  # an opt-out with a reason, where it belongs
                if cites or not found:
                    why = "cites a source" if cites else "states no figure that needs one"
                    out.append(_marker(draft, where, marker.line,
                                       f"opt-out not needed: the paragraph {why}", "warning"))
            elif found and not cites:
                out.append(draft.source.diagnostic(
                    where, f"paragraph states figures or dates ('{found.strip()}') "
                    "but cites no source; add a citation such as [@id], or say why it needs "
                    "none with <!-- uncited: reason -->", severity="warning",
                    line_offset=_offset(draft, where, block.line)))
        out += [_marker(draft, where, m.line, *_misplaced(m)) for m in markers.values()]
    return out


@lru_cache(maxsize=4096)
def _figure(text: str, own: re.Pattern[str]) -> str | None:
    """The first figure or date text states, besides the document's own dates and numbers
    that are no figure; kept, as a preview checks the same paragraphs after every save."""
    found = _FIGURE.search(_NOT_FIGURES.sub(" ", own.sub(" ", text)))
    return found.group(0) if found else None


def _misplaced(marker: Mention) -> tuple[str, str]:
    """The message and severity of an opt-out marker that is wrong or in the wrong place."""
    if marker.kind == "uncited-open":
        return "uncited marker is not closed; end it with -->", "error"
    if marker.kind == "uncited" and not marker.target:
        return ("the uncited marker needs a reason, as in <!-- uncited: all values are in "
                "2024 US dollars -->", "error")
    return ("opt-out not needed: it applies only to a paragraph of a section body, at the "
            "start or end of that paragraph, with no blank line between", "warning")


def _marker(draft: Draft, where: tuple, line: int, message: str,
            severity: str) -> Diagnostic:
    """A diagnostic at the first opt-out marker written from line of the text at where."""
    lines = draft.texts.get(where, "").split("\n")
    line = next((i for i in range(line, len(lines)) if "<!--" in lines[i]), line)
    return _at(draft, where, _offset(draft, where, line), "<!--", message, severity)


def _own_dates(draft: Draft) -> re.Pattern[str]:
    """The document's own dates, meta.date and meta.data_as_of, as text may write them."""
    meta, forms = as_mapping(draft.data.get("meta")), []
    language = meta.get("language")
    locale = Locale(language if isinstance(language, str) else "en")
    for value in (meta.get("date"), meta.get("data_as_of")):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, dt.date):
            names = {_MONTHS[value.month - 1]} | locale.month_names(value.month)
            month = "(?:" + "|".join(sorted(re.escape(n) for n in names)) + ")"
            forms += [rf"{value.day}\s+{month}\s+{value.year}", rf"{month}\s+{value.day},?\s+"
                      rf"{value.year}", rf"{month}\s+{value.year}", value.isoformat(),
                      rf"{value.year}-{value.month:02}", rf"as\s+(?:of|at)\s+{value.year}"]
    return re.compile(rf"\b(?:{'|'.join(forms)})\b" if forms else r"(?!)", re.I)


def table_rows(draft: Draft) -> list[Diagnostic]:
    """Every table row has one cell per column."""
    out = []
    for where, table in draft.blocks("tables"):
        columns = table.get("columns")
        if not isinstance(columns, list):
            continue
        for r, row in enumerate(as_list(table.get("rows"))):
            if isinstance(row, list) and len(row) != len(columns):
                out.append(draft.source.diagnostic(
                    where + ("rows", r),
                    f"row has {len(row)} cells; expected {len(columns)}, one per column"))
    return out


def quoted_sources(draft: Draft) -> list[Diagnostic]:
    """The `cite` of each quote and timeline entry names a reference."""
    known = _reference_ids(draft)
    return [_unknown_reference(draft, known, cite, where + ("cite",))
            for kind in ("quotes", "timeline") for where, item in draft.blocks(kind)
            if (cite := as_text(item.get("cite"))) and cite not in known]


def unused_references(draft: Draft) -> list[Diagnostic]:
    """Warn about each reference nothing cites."""
    cited = {m.target for parsed in draft.markdown.values() for m in parsed.mentions
             if m.kind == "cite"}
    cited.update(as_text(item.get("cite")) for kind in ("quotes", "timeline")
                 for _, item in draft.blocks(kind))
    return [draft.source.diagnostic(where, f"reference '{ref_id}' is never cited; cite it in "
                                    "the text or remove it", severity="warning")
            for where, ref_id in draft.references() if ref_id not in cited]


def audiences(draft: Draft) -> list[Diagnostic]:
    """Each audience the document names has a profile."""
    if draft.audiences is None:
        return []
    names, out = sorted(draft.audiences), []
    for i, name in enumerate(as_list(draft.data.get("audiences"))):
        if isinstance(name, str) and name not in names:
            guess = difflib.get_close_matches(name, names, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            out.append(draft.source.diagnostic(
                ("audiences", i), f"unknown audience '{name}'; {hint}available: "
                f"{', '.join(names)}"))
    return out


Check = Callable[[Draft], list[Diagnostic]]

# In this order their diagnostics are listed when two fall on one place (see dedupe).
CHECKS: tuple[Check, ...] = (
    final_text,
    duplicate_reference_ids,
    duplicate_target_ids,
    mentions,
    link_schemes,
    limits,
    uncited_figures,
    table_rows,
    quoted_sources,
    images,
    unused_references,
    audiences,
)


def run_checks(draft: Draft, checks: tuple[Check, ...] = CHECKS) -> list[Diagnostic]:
    """Run every check on draft; return all their diagnostics, errors and warnings."""
    out: list[Diagnostic] = []
    for check in checks:
        out += check(draft)
    return out

