"""The checks on images: each figure image and logo is a sane PNG or JPEG in the folder.

Validation promises build: an image that passes here is one every writer can embed (see
images.py for what is re-encoded on the way).
"""

from __future__ import annotations

import re
from pathlib import Path

from .draft import Draft, as_mapping, as_text
from .errors import Diagnostic

__all__ = ["IMAGE_SUFFIXES", "MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "image_problem", "images"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
MAX_IMAGE_BYTES = 20_000_000
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels, e.g. 8,660 x 5,770


def images(draft: Draft) -> list[Diagnostic]:
    """Every figure image and the organisation's logo is a file that can be used."""
    named = [(where + ("image",), as_text(figure.get("image")))
             for where, figure in draft.blocks("figures")]
    logo = as_mapping(as_mapping(draft.data.get("meta")).get("organisation")).get("logo")
    named.append((("meta", "organisation", "logo"), as_text(logo)))
    out = []
    for where, name in named:
        problem = image_problem(draft.folder, name) if name else None
        if problem:
            out.append(draft.source.diagnostic(where, problem))
    return out


def image_problem(folder: Path, name: str) -> str | None:
    """Return why the image file cannot be used, or None if it can."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name):
        return f"'{name}' is a URL; images must be files in the document's folder"
    target = (folder / name)
    try:
        resolved = target.resolve(strict=True)
    except (FileNotFoundError, OSError):
        return f"image file '{name}' not found (looked in {folder})"
    if not resolved.is_relative_to(folder.resolve()):
        return f"image '{name}' lies outside the document's folder {folder}"
    if not resolved.is_file():  # a FIFO would block, a device never end
        return f"image '{name}' is not a regular file; expected a PNG or JPEG image"
    if resolved.suffix.lower() not in IMAGE_SUFFIXES:
        return f"image '{name}' must be a PNG or JPEG file"
    if resolved.stat().st_size > MAX_IMAGE_BYTES:
        return (f"image '{name}' is {resolved.stat().st_size:,} bytes; images may have at "
                f"most {MAX_IMAGE_BYTES:,}")
    return _content_problem(resolved, name)


def _content_problem(path: Path, name: str) -> str | None:
    """Check the file really is a PNG or JPEG of a sane size, and that its pixels decode.

    WeasyPrint would otherwise log a broken image and leave a hole in the PDF, and a
    small file can declare billions of pixels, so the size is checked before decoding.
    """
    from PIL import Image, ImageFile

    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported
    # (weasyprint/images.py), after which broken pixels load without an error; so in a
    # process that has rendered before (a watch, a preview), validation must unset it.
    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
            if kind not in ("PNG", "JPEG"):
                return f"image '{name}' is a {kind} file; expected a PNG or JPEG image"
            if width * height > MAX_IMAGE_PIXELS:
                return (f"image '{name}' is {width:,} x {height:,} pixels; images may have "
                        f"at most {MAX_IMAGE_PIXELS:,} pixels")
            image.verify()  # checksums and structure
        with Image.open(path) as image:  # verify() leaves the image unusable
            image.load()  # the pixels: data that passes its checksums can still be garbage
    except Image.DecompressionBombError:
        return f"image '{name}' declares more pixels than any image should; expected at most " \
               f"{MAX_IMAGE_PIXELS:,}"
    except Exception as exc:  # Pillow raises many kinds for a damaged or foreign file
        return f"image '{name}' is not a readable PNG or JPEG image ({exc})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return None
