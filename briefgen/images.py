"""Images of the content, as the outputs carry them: data: URIs of bytes every writer reads.

Validation has made sure each image is a regular PNG or JPEG file that decodes, within the
pixel limit. Some such files still trip a writer: python-docx only reads JPEGs that open
with a JFIF or Exif header, and divides by the density an image declares (zero, or a
fraction of a dot per inch, rounds to 0); Word and browsers show CMYK JPEGs in odd
colours or not at all. Those are re-encoded with Pillow, the format kept; every other
image goes through byte for byte, so outputs stay as they were.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import mimetypes
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_DPI", "data_uri", "normalised"]

DEFAULT_DPI = 96  # given to an image whose declared density is zero or rounds to zero
# Modes every writer shows as they are; others become RGB (or RGBA, keeping transparency).
_SHOWN = {"PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}, "JPEG": {"L", "RGB"}}


def data_uri(path: Path) -> str:
    """Return the image at path as a data: URI, so every output is self-contained."""
    stat = path.stat()
    return _data_uri(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _data_uri(path: Path, size: int, mtime: int) -> str:
    """data_uri, once per version of a file: a page is made twice (screen and print)."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    data = normalised(path.read_bytes())
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def normalised(data: bytes) -> bytes:
    """Return data as is, or re-encoded in its own format if some writer cannot read it."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        kind = image.format
        if kind not in _SHOWN:
            return data  # validation admits only PNG and JPEG
        mode_ok = image.mode in _SHOWN[kind]
        header_ok = kind == "PNG" or data[6:10] in (b"JFIF", b"Exif")
        if mode_ok and header_ok and _density_ok(image, data):
            return data
        return _reencoded(image, kind, mode_ok)


def _density_ok(image: Any, data: bytes) -> bool:
    """Return whether python-docx reads a density of at least 1 dpi (or none) from image.

    It follows python-docx 1.2 (docx/image/png.py, jpeg.py, tiff.py): a PNG's pHYs in
    pixels per metre, a JFIF header's density in dots per inch or per centimetre, an Exif
    header's X/YResolution; and it rounds to whole dots per inch.
    """
    if image.format == "PNG":
        dpi = image.info.get("dpi")  # Pillow sets it only for a pHYs in pixels per metre
        return dpi is None or all(value == 0 or round(value) >= 1 for value in dpi)
    if data[6:10] == b"JFIF":
        units, x, y = data[13], int.from_bytes(data[14:16], "big"), \
            int.from_bytes(data[16:18], "big")
        if units == 1:
            return x >= 1 and y >= 1
        return units != 2 or (round(x * 2.54) >= 1 and round(y * 2.54) >= 1)
    exif = image.getexif()  # tags 282, 283: X and YResolution; 296: ResolutionUnit
    if exif.get(296, 2) == 1:
        return True
    per_inch = 2.54 if exif.get(296, 2) == 3 else 1
    for tag in (282, 283):
        if tag in exif:
            value = float(exif[tag])
            if not math.isfinite(value) or round(value * per_inch) < 1:
                return False
    return True


def _reencoded(image: Any, kind: str, mode_ok: bool) -> bytes:
    """Encode image again in kind, as RGB(A) if its mode is not shown, at DEFAULT_DPI."""
    options: dict[str, Any] = {"dpi": (DEFAULT_DPI, DEFAULT_DPI)}
    if not mode_ok:
        alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if alpha and kind == "PNG" else "RGB")
    elif "icc_profile" in image.info:  # a CMYK profile would not fit converted pixels
        options["icc_profile"] = image.info["icc_profile"]
    if kind == "PNG" and mode_ok and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    if kind == "JPEG":
        options.update(quality=95, subsampling=0)
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()
