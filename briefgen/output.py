"""Write outputs atomically: a temporary file in the same folder, then a rename.

A reader (or a crash) never sees a half-written file: either the old output is still in
place or the new one is complete. Ctrl-C and termination signals that arrive during a write
take effect once it is over, so an interrupted build leaves no temporary file behind either.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError

__all__ = ["check_writable", "document_name", "write_atomic"]

# Signals that end a build: SIGTERM and SIGHUP kill the process without any cleanup, and
# SIGINT's KeyboardInterrupt can strike anywhere, even before the try block or inside it.
_DEFERRED = frozenset(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGALRM")
                      if hasattr(signal, name))


def document_name(path: Path) -> str:
    """A document's output name: 'content/pakistan-russia/brief.yaml' -> 'pakistan-russia-brief'.

    A file named after its folder, or index.yaml, takes the folder's name alone.
    """
    stem, parent = path.stem, path.resolve().parent.name
    if stem in ("index", parent) or not parent:
        return stem if stem != "index" else parent
    return f"{parent}-{stem}"


def check_writable(folder: Path) -> None:
    """Raise UsageError unless folder exists (or can be made) and can be written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"output folder {folder} is a file, not a folder") from None
    except OSError as exc:
        raise UsageError(f"cannot create output folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise UsageError(f"output folder {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {folder} is not writable")


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _signals_deferred():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back interrupting signals in this thread until the block ends."""
    # SIGTERM's default action kills the process at once: a signal arriving between
    # mkstemp and os.replace would leave the temporary file behind. Blocked, it stays
    # pending and acts when the mask is restored, after the file is renamed or removed.
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
