"""Errors and diagnostics: every user mistake becomes a located, readable message.

The CLI maps exception kinds to exit codes: ContentError -> 1, UsageError -> 2.
Nothing below prints; the CLI decides how to show a diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["BriefgenError", "ContentError", "Diagnostic", "UsageError"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a content file, with its place."""

    file: Path | None
    line: int | None
    column: int | None
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def location(self) -> str:
        """Return 'file:line:col' with whatever parts are known."""
        parts = [str(self.file) if self.file else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        # One diagnostic, one line: a quoted value's line breaks are shown, not made.
        message = self.message.replace("\r", "\\r").replace("\n", "\\n")
        return f"{self.location()}: {prefix}{field}{message}"


class BriefgenError(Exception):
    """Base of every error briefgen reports to a user."""

    exit_code = 1


class ContentError(BriefgenError):
    """A content file is wrong; carries every diagnostic found, not just the first."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self):  # noqa: ANN204 - rebuilt from its diagnostics, not its text,
        return type(self), (self.diagnostics,)  # when a worker process sends it back


class UsageError(BriefgenError):
    """The command line or API call is wrong (unknown audience, bad output folder, …)."""

    exit_code = 2
