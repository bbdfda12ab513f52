"""Turn Pydantic's validation errors into located, readable diagnostics.

Each error becomes one message at the line and column of the value (or key) a person has
to edit, worded for someone writing YAML rather than Python: "expected a list; found
a mapping", "unknown key 'sumary'; did you mean 'summary'?".
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Diagnostic
from .loader import SourceMap

__all__ = ["dedupe", "pydantic_diagnostics"]

_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value pairs)",
    "model_type": "expected a mapping (key: value pairs)",
    "model_attributes_type": "expected a mapping (key: value pairs)",
    "date_type": "expected a date such as 2025-12-21",
    "date_from_datetime_parsing": "expected a date such as 2025-12-21",
    "date_parsing": "expected a date such as 2025-12-21",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
}


def pydantic_diagnostics(exc: ValidationError, smap: SourceMap,
                         model_cls: type[BaseModel]) -> list[Diagnostic]:
    """Turn a Pydantic ValidationError into located diagnostics, one per problem."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        loc = tuple(err["loc"]) if kind == "missing" else _existing_prefix(err["loc"], smap)
        if kind == "extra_forbidden":
            allowed = _fields_at(model_cls, loc[:-1])
            key = str(loc[-1])
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            message = f"unknown key '{key}'{hint} Allowed here: {', '.join(allowed)}"
            out.append(smap.diagnostic(loc, message, key=True))
        elif kind == "missing":
            out.append(smap.diagnostic(loc, f"required field '{loc[-1]}' is missing"))
        else:
            out.append(smap.diagnostic(loc, _message(err)))
    return dedupe(out)


def _message(err: Any) -> str:
    """Word one Pydantic error (other than an unknown or a missing key)."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    if kind == "literal_error":
        return f"expected one of {ctx['expected']}; found {_describe(value)}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "too_short":
        plural = "s" if ctx["min_length"] != 1 else ""
        return (f"needs at least {ctx['min_length']} item{plural}; "
                f"found {ctx['actual_length']}")
    if kind == "too_long":
        return f"allows at most {ctx['max_length']} items; found {ctx['actual_length']}"
    if kind == "string_pattern_mismatch":
        return f"'{value}' does not have the expected form ({ctx['pattern']})"
    if kind == "finite_number":
        return f"expected a number; found {value!r} (.nan or .inf), which no chart can draw"
    if kind in _MESSAGES:
        return f"{_MESSAGES[kind]}; found {_describe(value)}"
    return err["msg"][0].lower() + err["msg"][1:]


def _describe(value: Any) -> str:
    kinds = {bool: "a boolean (YAML reads yes/no/on/off/true/false as booleans; quote it)",
             int: "a number", float: "a number", list: "a list", dict: "a mapping",
             type(None): "nothing (an empty value)"}
    for typ, text in kinds.items():
        if type(value) is typ:
            return text
    if hasattr(value, "isoformat"):
        return "a date (YAML reads 2025-12-21 as a date; quote it for text)"
    return f"'{value}'"


def _existing_prefix(loc: tuple, smap: SourceMap) -> tuple:
    """Drop the tags Pydantic appends for union members ('int', 'date', …) from loc."""
    loc = tuple(loc)
    while loc and loc not in smap.values and loc not in smap.keys:
        loc = loc[:-1]
    return loc


def dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Drop repeats of one problem and order the rest by line.

    The first of several at one place is kept, so list the likelier cause first.
    """
    seen, out = set(), []
    for d in sorted(diags, key=lambda d: (d.line or 0, d.column or 0)):
        key = (d.line, d.column, d.field)  # two characters in one line are two problems
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _fields_at(model_cls: Any, loc: tuple) -> list[str]:
    """Return the field names allowed in the mapping at loc, walking the model's types."""
    current: Any = model_cls
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = current.model_fields.get(str(part))
            current = fld.annotation if fld else None
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated layers: `Section | None` -> Section."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = members[0] if len(members) == 1 else tp
            if len(members) != 1:
                return tp
        else:
            return tp
