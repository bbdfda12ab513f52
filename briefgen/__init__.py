"""briefgen: structured YAML content to policy briefs in PDF, Word and HTML.

The library API mirrors the command line (api.py):

    import briefgen
    doc = briefgen.load("content/pakistan-russia/brief.yaml")   # the validated model
    warnings = briefgen.validate(["content"])                     # check, no rendering
    briefgen.build(["content"], out="build", formats=["pdf"])     # render and write
    briefgen.review("edited.docx", apply=True)                    # Word edits to YAML
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["BriefgenError", "ContentError", "Diagnostic", "UsageError", "build", "load",
           "review", "schema", "validate", "__version__"]

from .errors import BriefgenError, ContentError, Diagnostic, UsageError
from .version import __version__

if TYPE_CHECKING:
    from .api import build, load, review, schema, validate

_API = ("build", "load", "review", "schema", "validate")


def __getattr__(name: str) -> Any:
    # Import lazily: `briefgen --help` must not pay for Pydantic or Jinja.
    if name in _API:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
