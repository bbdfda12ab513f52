"""Check the reference document (the Word file holding the styles) and open it.

Checked before python-docx reads it: a regular file of at most MAX_REFERENCE_BYTES, a zip
of bounded size whose XML parts declare no DTD. Anything wrong is a UsageError naming the
file.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

from .docx_errors import shorten
from .errors import UsageError

__all__ = ["MAX_REFERENCE_BYTES", "MAX_REFERENCE_INFLATED", "MAX_REFERENCE_PART",
           "MAX_REFERENCE_PARTS", "open_reference"]

# The reference document: an organisation's Word file with styles is tens of kilobytes to a
# few megabytes. The limits refuse a zip bomb before anything is inflated.
MAX_REFERENCE_BYTES = 20_000_000  # the file itself
MAX_REFERENCE_INFLATED = 50_000_000  # all its parts, uncompressed
MAX_REFERENCE_PART = 20_000_000  # any one part, uncompressed
MAX_REFERENCE_PARTS = 1_000


def open_reference(path: Path) -> Any:
    """Open the reference document as a python-docx Document, or raise a UsageError.

    Checked before python-docx reads it: a regular file of at most MAX_REFERENCE_BYTES, a
    zip whose directory promises at most MAX_REFERENCE_PARTS parts, MAX_REFERENCE_PART
    bytes each and MAX_REFERENCE_INFLATED in all (reads are capped too, should the
    directory lie), and XML parts whose prolog declares no DTD: a DOCTYPE can declare
    entities that expand without bound or name files to read (XXE), and Word never
    writes one. Anything else python-docx cannot use is a UsageError too.
    """
    import docx

    raw = _read(path)
    _check_package(path, raw)
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # any other reason python-docx cannot use the file
        raise _bad(path, f"not a Word document ({type(exc).__name__}: {exc})") from None


def _bad(path: Path, problem: str) -> UsageError:
    """Return the UsageError for a reference document at path with this problem."""
    return UsageError(f"{path}: {problem}; the reference document must be a Word file "
                      "(.docx) holding the styles (see tools/make_reference_docx.py)")


def _read(path: Path) -> bytes:
    """Return the bytes of the regular file at path, refusing one over MAX_REFERENCE_BYTES."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _bad(path, "not a regular file")
        with open(path, "rb") as file:
            raw = file.read(MAX_REFERENCE_BYTES + 1)
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_REFERENCE_BYTES:
        raise _bad(path, f"larger than {MAX_REFERENCE_BYTES:,} bytes")
    return raw


def _check_package(path: Path, raw: bytes) -> None:
    """Raise a UsageError unless raw is a zip of bounded size whose XML parts have no DTD."""
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _bad(path, f"not a zip file, as a .docx is ({exc})") from None
    if len(entries) > MAX_REFERENCE_PARTS:
        raise _bad(path, f"{len(entries):,} parts; at most {MAX_REFERENCE_PARTS:,} are allowed")
    for entry in entries:
        if entry.file_size > MAX_REFERENCE_PART:
            raise _bad(path, f"part {entry.filename} inflates to {entry.file_size:,} bytes; "
                       f"at most {MAX_REFERENCE_PART:,} are allowed")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_REFERENCE_INFLATED:
        raise _bad(path, f"its parts inflate to {total:,} bytes; at most "
                   f"{MAX_REFERENCE_INFLATED:,} are allowed")
    for entry in entries:
        _check_part(path, package, entry)


def _check_part(path: Path, package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Raise a UsageError unless the part reads as its directory says, with no DTD if XML."""
    from lxml import etree

    try:
        with package.open(entry) as member:
            data = member.read(MAX_REFERENCE_PART + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError) as exc:  # encrypted, unknown compression, bad CRC
        raise _bad(path, f"part {entry.filename} cannot be read ({exc})") from None
    if len(data) > entry.file_size:
        raise _bad(path, f"part {entry.filename} is longer than the zip's directory says")
    if not _looks_like_xml(entry.filename, data):
        return
    try:
        doctype = _doctype(data)
    except etree.XMLSyntaxError as exc:
        raise _bad(path, f"part {entry.filename} is not well-formed XML ({exc})") from None
    if doctype:
        raise _bad(path, f"part {entry.filename} declares a DTD ({shorten(doctype)}), which "
                   "Word never writes; it is refused because it can read files or expand "
                   "without bound")


def _doctype(data: bytes) -> str:
    """Return the DOCTYPE declaration of an XML document ('' if none), parsing its prolog only.

    A DTD can only come before the root element, so parsing stops at its start tag: the
    check costs half a millisecond, not the 30 ms of parsing every part (python-docx then
    parses the parts it uses, without resolving entities). The parser loads no external
    DTD, resolves no entity and fetches nothing.
    """
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True,
                                 load_dtd=False)
    for start in range(0, len(data), 4096):
        parser.feed(data[start:start + 4096])
        for _, element in parser.read_events():
            return element.getroottree().docinfo.doctype or ""
    parser.close()  # raises for a part with no element at all
    return ""


def _looks_like_xml(name: str, data: bytes) -> bool:
    """Whether a package part is (or claims to be) XML, which is then parsed to check it."""
    return (name.lower().endswith((".xml", ".rels", ".vml"))
            or data.lstrip().startswith(b"<")
            or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))
