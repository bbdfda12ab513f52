"""briefgen: structured YAML content to policy briefs in PDF, Word and HTML.

The library API mirrors the command line:

    import briefgen
    doc = briefgen.load("content/pakistan-russia/brief.yaml")   # validate, no rendering
    briefgen.build(["content"], out="build", formats=["pdf"])     # render and write
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["BriefgenError", "ContentError", "UsageError", "build", "load", "render",
           "__version__"]

from .errors import BriefgenError, ContentError, UsageError

if TYPE_CHECKING:
    from .content import load
    from .pipeline import build, render


def __getattr__(name: str) -> Any:
    # Import lazily: `briefgen --help` must not pay for Pydantic or Jinja.
    if name == "load":
        from .content import load
        return load
    if name in ("build", "render"):
        from . import pipeline as module
        return getattr(module, name)
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
