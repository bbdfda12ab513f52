"""Write a build's files all at once or not at all, and only inside the output folder.

A build's files (its outputs, then its records and chart drawings) go in as one set
(`WriteSet`): each is first written to a temporary file beside its target, and only when
every one of them is complete are they renamed into place. The file each one replaces is
kept (as a second hard link) until the set is in, so that a failure on the way puts back
those already replaced: after a failed build the output folder is as it was, byte for
byte, with no temporary file left. A reader (or a crash) never sees a half-written file.
Ctrl-C and termination signals that arrive during the writes take effect once they are
over, so an interrupted build leaves either the previous set or the whole new one.

Nothing is written through a symbolic link: the folders below the output folder are
opened one by one without following links (O_NOFOLLOW), so a link where a folder or a
file should be is refused instead of written through, to somewhere else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePath

from .errors import UsageError

__all__ = ["WriteSet", "check_writable", "write_atomic"]

# Signals that end a build: SIGTERM and SIGHUP kill the process without any cleanup, and
# SIGINT's KeyboardInterrupt can strike anywhere, even before the try block or inside it.
_DEFERRED = frozenset(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGALRM")
                      if hasattr(signal, name))
# POSIX flags (Windows has neither, nor the dir_fd arguments that go with them).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW


def check_writable(folder: Path) -> None:
    """Raise UsageError unless folder is a folder that can be written to, or can be made.

    Nothing is created: a build that fails later leaves no new, empty folder behind.
    """
    if folder.is_symlink():
        raise UsageError(f"output folder {folder} is a symbolic link; give the folder it "
                         "points to, or another one")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"cannot create output folder {folder}: {existing} is a file, "
                         "not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {folder} is not writable"
                         + (f" ({existing} cannot be written to)" if existing != folder else ""))


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


class WriteSet:
    """Files to write below one output folder, together: all of them, or none."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.files: dict[PurePath, bytes] = {}

    def _relative(self, path: Path) -> PurePath:
        relative = PurePath(os.path.relpath(path, self.root))
        if relative.parts[:1] in ((), ("..",), (".",)) or relative.is_absolute():
            raise ValueError(f"{path} is not inside {self.root}")  # a bug, not a mistake
        return relative

    def add(self, path: Path, data: bytes) -> None:
        """Write data to path (inside the output folder) when the set is committed."""
        self.files[self._relative(path)] = data

    def check(self, path: Path) -> None:
        """Raise UsageError if path could not be written: a link or a file on its way.

        The same is checked again as the files are written; this finds it before a build
        spends its time rendering.
        """
        current = self.root
        parts = self._relative(path).parts
        for depth, part in enumerate(parts, 1):
            current = current / part
            try:
                mode = current.lstat().st_mode
            except FileNotFoundError:
                return
            except OSError as exc:
                raise UsageError(f"cannot write {path}: {exc.strerror}") from None
            if stat.S_ISLNK(mode):
                raise _link_error(current)
            if depth < len(parts) and not stat.S_ISDIR(mode):
                raise UsageError(f"cannot write {path}: {current} is a file, not a folder")
            if depth == len(parts) and stat.S_ISDIR(mode):
                raise UsageError(f"cannot write {path}: a folder of that name is in the way")

    def commit(self) -> None:
        """Write every file; on any failure put back what was there and raise UsageError."""
        with _signals_deferred(), _Switch(self.root) as switch:
            for relative, data in self.files.items():
                switch.stage(relative, data)
            switch.switch()


class _Switch:
    """One commit of a WriteSet: folders opened, temporaries staged, previous files kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: dict[PurePath, int] = {}  # relative folder -> open descriptor
        self.created: list[tuple[int, str]] = []  # folders made, as (parent fd, name)
        self.made_root: list[Path] = []  # the output folder and parents made for it
        self.staged: list[tuple[int, str, str, Path]] = []  # (fd, name, temporary, path)
        self.kept: list[tuple[int, str, str]] = []  # (fd, name, previous file's new name)
        self.placed: list[tuple[int, str]] = []  # new files where there was none
        self.current: Path = root  # the path being written, for the error message
        self.lost: list[Path] = []  # previous files that could not be put back

    def __enter__(self) -> _Switch:
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is not None:
                self._roll_back()
            for fd, _, temporary, _ in self.staged:  # none are left after a switch
                _quietly(os.unlink, temporary, dir_fd=fd)
            for fd, _, previous in self.kept:
                _quietly(os.unlink, previous, dir_fd=fd)
        finally:
            for fd in self.folders.values():
                os.close(fd)
        if isinstance(exc, OSError):
            # A link opened with O_NOFOLLOW fails with ELOOP, or ENOTDIR as a folder.
            if exc.errno == errno.ELOOP or self.current.is_symlink():
                raise _link_error(self.current) from None
            reason = "a folder of that name is in the way" if isinstance(
                exc, IsADirectoryError) else exc.strerror or str(exc)
            outcome = ("the output folder was left as it was" if not self.lost else
                       "previous files could not be put back; they are kept as "
                       + ", ".join(map(str, self.lost)))
            raise UsageError(f"cannot write {self.current}: {reason}; {outcome}") from None

    def _where(self, fd: int) -> PurePath:
        """The folder (relative to the root) open as fd."""
        return next(relative for relative, open_fd in self.folders.items() if open_fd == fd)

    def folder(self, relative: PurePath) -> int:
        """Open (making it if need be) a folder below the root, following no link."""
        if relative in self.folders:
            return self.folders[relative]
        self.current = self.root / relative
        if relative == PurePath("."):
            missing = []
            for folder in (self.root, *self.root.parents):
                if folder.exists() or folder.is_symlink():
                    break
                missing.append(folder)
            for folder in reversed(missing):
                folder.mkdir()
                self.made_root.append(folder)
            fd = os.open(self.root, _FOLDER_FLAGS)
        else:
            parent = self.folder(relative.parent)
            self.current = self.root / relative
            try:
                os.mkdir(relative.name, 0o777, dir_fd=parent)
                self.created.append((parent, relative.name))
            except FileExistsError:
                pass
            fd = os.open(relative.name, _FOLDER_FLAGS, dir_fd=parent)
        self.folders[relative] = fd
        return fd

    def stage(self, relative: PurePath, data: bytes) -> None:
        """Write data to a temporary file beside its target."""
        fd = self.folder(relative.parent)
        name, self.current = relative.name, self.root / relative
        with contextlib.suppress(FileNotFoundError):
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                raise OSError(errno.ELOOP, "a symbolic link")
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way")
        temporary = f".{name}.{secrets.token_hex(4)}.tmp"
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW,
                         0o644, dir_fd=fd)
        self.staged.append((fd, name, temporary, self.current))
        try:
            os.fchmod(handle, 0o644)  # whatever the umask: outputs are for everyone to read
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            os.fsync(handle)
        finally:
            os.close(handle)

    def switch(self) -> None:
        """Rename every staged file into place, keeping the files they replace."""
        for fd, name, temporary, path in self.staged:
            self.current = path
            previous = f".{name}.{secrets.token_hex(4)}.old.tmp"
            try:
                os.link(name, previous, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                previous = ""
            except OSError:  # a file system without hard links: move it aside instead
                os.rename(name, previous, src_dir_fd=fd, dst_dir_fd=fd)
            if previous:
                self.kept.append((fd, name, previous))
            os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
            if not previous:
                self.placed.append((fd, name))
        self.staged.clear()

    def _roll_back(self) -> None:
        """Put back every file replaced, remove every file and folder added."""
        for entry in reversed(list(self.kept)):
            fd, name, previous = entry
            # Where the rename did not happen, name and previous are links to one file,
            # and renaming one onto the other does nothing (rename(2)).
            try:
                os.replace(previous, name, src_dir_fd=fd, dst_dir_fd=fd)
            except OSError:  # keep it where it is, and say where that is
                self.kept.remove(entry)
                self.lost.append(self.root / self._where(fd) / previous)
        for fd, name in self.placed:
            _quietly(os.unlink, name, dir_fd=fd)
        self.placed.clear()
        for fd, _, temporary, _ in self.staged:
            _quietly(os.unlink, temporary, dir_fd=fd)
        self.staged.clear()
        for parent, name in reversed(self.created):
            _quietly(os.rmdir, name, dir_fd=parent)
        for folder in reversed(self.made_root):
            _quietly(os.rmdir, folder)


def _quietly(function, *args, **kwargs) -> None:  # noqa: ANN001 - any os function
    """Call function, ignoring a failure: for cleaning up after another one."""
    with contextlib.suppress(OSError):
        function(*args, **kwargs)


def _link_error(path: Path) -> UsageError:
    return UsageError(f"{path} is a symbolic link; briefgen writes only inside the output "
                      "folder and never through a link: remove the link or choose another "
                      "--out")


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
