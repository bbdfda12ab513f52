"""Pictures in Word: a chart as PNG or an image from a data: URI, checked, sized and placed.

Nothing is fetched, not even a file: an image comes with the page or is a chart of the
edition. Whatever cannot be shown is a UsageError naming the img element.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lxml.etree import _Element

from .chartcache import CHART_SIZE_CM
from .docx_errors import element_error
from .docx_text import xml_safe
from .images import normalised

if TYPE_CHECKING:
    from .chartcache import ChartView

__all__ = ["LOGO_HEIGHT_CM", "add_picture"]

LOGO_HEIGHT_CM = 1.3  # an img of class "logo"; charts and other pictures are sized by width
DATA_URI = re.compile(r"data:image/(?:png|jpeg|jpg);base64,(.*)", re.S | re.I)


def add_picture(paragraph: Any, el: _Element, charts: Mapping[int, ChartView],
                text_width: int) -> None:
    """Append the picture img element el shows to paragraph, with el's alt text.

    The paragraph is single-spaced: a line height below the picture's own would cut its top
    off in Word.
    """
    from docx.shared import Cm

    paragraph.paragraph_format.line_spacing = 1.0

    if el.get("data-chart"):  # the page has the chart as SVG; Word gets a 300 dpi PNG
        try:
            data = charts[int(el.get("data-chart"))].png()
        except (ValueError, KeyError, IndexError):
            raise element_error(el, "data-chart names no chart of this edition; "
                                "it is the figure's number") from None
    else:
        data = _data_uri_image(el)
    data, (width_px, height_px) = _readable_image(el, data)
    # Both sides given: python-docx then never sizes the picture by the density the
    # file states, which may be zero (a ZeroDivisionError in docx/image/image.py).
    if "logo" in (el.get("class") or ""):
        height = Cm(LOGO_HEIGHT_CM)
        width = int(height * width_px / height_px)
    else:  # a chart at the size it was drawn, as in the PDF; a picture as wide as text
        width = Cm(CHART_SIZE_CM[0]) if el.get("data-chart") else text_width
        height = int(width * height_px / width_px)
    shape = paragraph.add_run().add_picture(io.BytesIO(data), width=width, height=height)
    shape._inline.docPr.set("descr", xml_safe(el.get("alt") or ""))


def _data_uri_image(el: _Element) -> bytes:
    """Return the bytes of an img's data: URI, or raise a UsageError naming the element."""
    src = (el.get("src") or "").strip()
    match = DATA_URI.fullmatch(src)
    if not match:
        raise element_error(el, "an image in Word must be a PNG or JPEG embedded as a "
                            "data:image/png;base64,… or data:image/jpeg;base64,… URI "
                            "(nothing is fetched, not even a file)")
    try:
        return base64.b64decode(re.sub(r"\s+", "", match.group(1)), validate=True)
    except ValueError:  # binascii.Error: a stray character or a wrong length
        raise element_error(el, "the data: URI is not valid base64") from None


def _readable_image(el: _Element, data: bytes) -> tuple[bytes, tuple[int, int]]:
    """Return image bytes python-docx can place, and their size in pixels.

    Pillow reads the header only. What python-docx cannot read (a JPEG without a JFIF or
    Exif header, a density of zero) is re-encoded as content images are (images.py).
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, size = image.format, image.size
                if kind not in ("PNG", "JPEG"):
                    raise ValueError(f"a {kind} image")
                if min(size) < 1:
                    raise ValueError("an image of no pixels")
            data = normalised(data)
    except UnidentifiedImageError:
        raise element_error(el, "the data: URI holds no PNG or JPEG image") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise element_error(el, f"the image is not a PNG or JPEG Word can show ({exc})") from None
    return data, size
