"""Reproducible outputs: the same input gives the same bytes, whenever and wherever it is built.

Timestamps come from `SOURCE_DATE_EPOCH` when it is set
(https://reproducible-builds.org/specs/source-date-epoch/) and from the document's own date
otherwise, never from the clock. Zip packages (DOCX) are rewritten with fixed entry times,
permissions and compression, because zipfile stamps each entry with the current time and
the permissions of the platform it runs on.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
import zipfile
from types import EllipsisType

from .errors import UsageError

__all__ = ["DEFLATE_LEVEL", "normalise_zip", "source_date_epoch", "zip_date_time"]

DEFLATE_LEVEL = 6  # zlib's default, written out so a change of Python's default changes nothing
ENTRY_MODE = stat.S_IFREG | 0o644  # a plain file anyone may read, wherever it was built
FOLDER_MODE = stat.S_IFDIR | 0o755
UNIX = 3  # zip "made by" system; zipfile says 0 (MS-DOS) on Windows, 3 elsewhere
FIRST = "[Content_Types].xml"  # Open Packaging Conventions readers look for this first
_UTC = dt.timezone.utc
# A zip entry's time is MS-DOS date and time: 1980 to 2107, in steps of two seconds.
ZIP_MIN = dt.datetime(1980, 1, 1, tzinfo=_UTC)
ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=_UTC)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_MAX_SECONDS = int((ZIP_MAX - _EPOCH).total_seconds())

DateTime = tuple[int, int, int, int, int, int]


def source_date_epoch() -> int | None:
    """Return SOURCE_DATE_EPOCH as seconds since 1970, or None when it is unset or empty."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return None
    # The specification asks for decimal digits only (what `date +%s` prints), and for
    # tools to stop rather than guess when the value is anything else.
    if not re.fullmatch(r"[0-9]+", raw.strip()):
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                         f"1970-01-01 UTC (as `date +%s` prints), not {raw!r}")
    return int(raw)


def zip_date_time(fallback: dt.date, epoch: int | None | EllipsisType = ...) -> DateTime:
    """Return the zip entry time: SOURCE_DATE_EPOCH if set, else fallback at midnight UTC.

    epoch: the value of SOURCE_DATE_EPOCH as the build read it (None: unset), so that a
    worker on another machine stamps what this one would; `...` reads the environment.
    """
    if epoch is ...:
        epoch = source_date_epoch()
    if epoch is None:
        when = dt.datetime.combine(fallback, dt.time(0, 0), tzinfo=_UTC)
    else:
        # Clamp in seconds first: a huge value would overflow datetime itself.
        when = _EPOCH + dt.timedelta(seconds=min(epoch, _MAX_SECONDS))
    when = min(max(when, ZIP_MIN), ZIP_MAX)
    # Round down to even seconds here, as zip stores them, so the time read back is this one.
    return (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)


def normalise_zip(data: bytes, date_time: DateTime) -> bytes:
    """Rewrite a zip archive in its own entry order with fixed times, modes and compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = source.infolist()
        # python-docx writes [Content_Types].xml first; make sure of it, whatever wrote data.
        entries.sort(key=lambda info: info.filename != FIRST)  # a stable sort keeps the rest
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in entries:
                entry = zipfile.ZipInfo(info.filename, date_time)
                entry.create_system = UNIX
                entry.external_attr = ENTRY_MODE << 16
                if info.is_dir():  # DOCX has none, but keep a folder entry a folder
                    entry.external_attr = (FOLDER_MODE << 16) | 0x10  # 0x10: MS-DOS folder
                target.writestr(entry, source.read(info), compress_type=zipfile.ZIP_DEFLATED,
                                compresslevel=DEFLATE_LEVEL)
    return out.getvalue()
