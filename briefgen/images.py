"""Images of the content, as the outputs carry them: data: URIs."""

from __future__ import annotations

import base64
import mimetypes

__all__ = ["data_uri"]


def data_uri(path) -> str:
    """Return the file at path as a data: URI, so every output is self-contained."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
