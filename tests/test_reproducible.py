"""Reproducible, concurrent and interrupted builds: same bytes, whole files, no leftovers.

Builds run as separate processes, as a user or a CI job would run them, with different
hash seeds (set order), working folders and output folders, so nothing that varies between
processes can hide. PYTHONPATH points the children at this checkout whatever their cwd.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from briefgen.errors import UsageError
from briefgen.reproducible import normalise_zip, source_date_epoch, zip_date_time

EPOCH = 1700000000  # 2023-11-14 22:13:20 UTC: an even second, as zip stores times
OTHER_EPOCH = 1600000000  # 2020-09-13 12:26:40 UTC
REPORT = EXAMPLE.with_name("report.yaml")
FIRST_TIME = (2023, 11, 14, 22, 13, 20)


def _env(seed: int, epoch: int | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SOURCE_DATE_EPOCH", "BRIEFGEN_DEBUG")}
    env.update(PYTHONHASHSEED=str(seed), COLUMNS="200",
               PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))))
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


def _default_sigint() -> None:
    # A child inherits an ignored SIGINT (pytest started in the background by a shell);
    # Python then installs no KeyboardInterrupt handler and Ctrl-C would do nothing.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args: str, cwd: Path, seed: int = 1, epoch: int | None = EPOCH) -> subprocess.Popen:
    """Start `python -m briefgen ARGS` in cwd; its output is collected with communicate()."""
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                            env=_env(seed, epoch), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    """Wait for process; return its exit code and stderr."""
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr


def _build_ok(*args: str, cwd: Path, seed: int = 1, epoch: int | None = EPOCH) -> None:
    code, stderr = _finish(_start("build", *args, "-q", cwd=cwd, seed=seed, epoch=epoch))
    assert code == 0, stderr


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below folder, hidden ones included, by path relative to folder.

    The build's own records in .briefgen/ (what made each output, for skipping it next
    time) are left out, but not a temporary file left behind there.
    """
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and (p.relative_to(folder).parts[0] != ".briefgen" or p.suffix == ".tmp")}


def _assert_complete(path: Path) -> None:
    """Fail unless path is a whole, readable output of its format."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
        import pypdf
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 0
    elif path.suffix == ".docx":
        import docx
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.testzip() is None, path
        assert docx.Document(io.BytesIO(data)).paragraphs, path
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), path
    else:
        raise AssertionError(f"unexpected output {path}")


def _entry_times(docx_bytes: bytes) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        return {info.date_time for info in package.infolist()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The example for the academic audience, all formats, built once with EPOCH."""
    base = tmp_path_factory.mktemp("reference")
    _build_ok(str(EXAMPLE), "-a", "academic", "-o", str(base / "out"), cwd=base / "cwd", seed=1)
    files = _files(base / "out")
    assert sorted(Path(name).suffix for name in files) == [".docx", ".html", ".pdf"]
    return files


# -- SOURCE_DATE_EPOCH and zip normalisation, in process -----------------------------------

def test_source_date_epoch_is_parsed_strictly(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert source_date_epoch() == EPOCH
    for bad in ("soon", "1.5", "-1", "1e9", "0x10"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(UsageError, match=r"SOURCE_DATE_EPOCH must be a whole number"):
            source_date_epoch()


def test_zip_time_comes_from_the_variable_or_the_document_date_within_zip_range(monkeypatch):
    day = dt.date(2025, 6, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert zip_date_time(day) == (2025, 6, 1, 0, 0, 0)
    assert zip_date_time(dt.date(1971, 3, 1)) == (1980, 1, 1, 0, 0, 0)
    for epoch, expected in ((EPOCH, FIRST_TIME), (EPOCH + 1, FIRST_TIME),  # 2 s steps
                            (0, (1980, 1, 1, 0, 0, 0)),
                            (10**30, (2107, 12, 31, 23, 59, 58))):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        assert zip_date_time(day) == expected, epoch


def test_normalised_zip_keeps_order_and_content_and_fixes_metadata():
    def package(when: tuple[int, ...], mode: int, method: int) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in ("word/document.xml", "[Content_Types].xml", "_rels/.rels"):
                info = zipfile.ZipInfo(name, when)
                info.external_attr, info.create_system = mode << 16, 0
                archive.writestr(info, f"<{name}/>" * 50, compress_type=method)
        return buffer.getvalue()

    stamp = (2020, 9, 13, 12, 26, 40)
    one = normalise_zip(package((2026, 1, 2, 3, 4, 6), 0o600, zipfile.ZIP_STORED), stamp)
    two = normalise_zip(package((2001, 5, 6, 7, 8, 10), 0o755, zipfile.ZIP_DEFLATED), stamp)
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["[Content_Types].xml", "word/document.xml", "_rels/.rels"]
        for info in archive.infolist():
            assert info.date_time == stamp
            assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert archive.read(info) == f"<{info.filename}/>".encode() * 50


def test_docx_without_the_variable_is_dated_by_the_document(write_doc, tmp_path, monkeypatch):
    from briefgen.pipeline import build

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    written = build([write_doc()], out=tmp_path / "out", formats=["docx"])
    assert _entry_times(written[0].job.path.read_bytes()) == {(2025, 6, 1, 0, 0, 0)}


# -- separate processes -------------------------------------------------------------------

def test_builds_in_different_processes_folders_and_hash_seeds_are_byte_identical(
        reference, tmp_path):
    # Seed 2 iterates sets in another order than the reference's seed 1.
    _build_ok(str(EXAMPLE), "-a", "academic", "-o", str(tmp_path / "elsewhere" / "out"),
              cwd=tmp_path / "other-cwd", seed=2)
    again = _files(tmp_path / "elsewhere" / "out")
    assert sorted(again) == sorted(reference)
    for name, data in reference.items():
        assert again[name] == data, f"{name} differs between two builds of the same input"
    docx_name = next(name for name in reference if name.endswith(".docx"))
    assert _entry_times(reference[docx_name]) == {FIRST_TIME}


def test_another_source_date_epoch_changes_only_the_docx_entry_times(reference, tmp_path):
    _build_ok(str(EXAMPLE), "-a", "academic", "-f", "docx", "-o", str(tmp_path / "out"),
              cwd=tmp_path, seed=3, epoch=OTHER_EPOCH)
    (name, data), = _files(tmp_path / "out").items()
    assert _entry_times(data) == {(2020, 9, 13, 12, 26, 40)}
    with zipfile.ZipFile(io.BytesIO(data)) as new, \
            zipfile.ZipFile(io.BytesIO(reference[name])) as old:
        assert new.namelist() == old.namelist()
        assert all(new.read(part) == old.read(part) for part in new.namelist())


def test_two_builds_into_one_folder_at_once_both_write_whole_files(reference, tmp_path):
    out = tmp_path / "shared"
    # The same audience, so both processes replace the very same files at about one time.
    builds = [_start("build", str(EXAMPLE), "-a", "academic", "-o", str(out), "-q",
                     cwd=tmp_path / f"cwd{seed}", seed=seed) for seed in (4, 5)]
    for process in builds:
        code, stderr = _finish(process)
        assert code == 0, stderr
    files = _files(out)
    assert sorted(files) == sorted(reference), "a temporary file was left behind"
    for name, data in files.items():
        _assert_complete(out / name)
        assert data == reference[name], name


# -- interruptions ------------------------------------------------------------------------

@pytest.fixture
def previous_output(reference, tmp_path) -> tuple[Path, bytes]:
    """An output folder holding an earlier good file where the report build will write."""
    name = next(name for name in reference if name.endswith(".pdf"))
    target = tmp_path / "out" / "pakistan-russia-report" / "pakistan-russia-report-academic.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(reference[name])
    return target, reference[name]


@pytest.mark.parametrize("signum, jobs", [(signal.SIGINT, "1"), (signal.SIGTERM, "1"),
                                          (signal.SIGINT, "2")],
                         ids=["SIGINT", "SIGTERM", "SIGINT-2-jobs"])
def test_interrupted_build_keeps_the_previous_file_and_leaves_no_temporary(
        previous_output, tmp_path, signum, jobs):
    target, before = previous_output
    process = _start("build", str(REPORT), "-o", str(tmp_path / "out"), "-j", jobs, cwd=ROOT)
    time.sleep(2)  # the report takes about ten seconds: now it is rendering
    assert process.poll() is None, "the build ended before it could be interrupted"
    started = time.monotonic()
    process.send_signal(signum)
    code, stderr = _finish(process)
    # Queued renders are dropped, not waited for: the build stops within seconds.
    assert time.monotonic() - started < 5, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert code == 128 + signum, stderr  # 130 for Ctrl-C, 143 for SIGTERM
    assert target.read_bytes() == before
    assert list((tmp_path / "out").rglob("*.tmp")) == []
    for path in (tmp_path / "out").rglob("*.*"):  # anything written must be whole
        _assert_complete(path)


def test_termination_during_a_write_finishes_it_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old and complete")
    # SIGTERM arrives after the data reached the temporary file, before the rename.
    script = textwrap.dedent(f"""\
        import os, signal
        from pathlib import Path
        from briefgen.output import write_atomic
        sync = os.fsync
        def sync_then_terminated(fd):
            sync(fd)
            os.kill(os.getpid(), signal.SIGTERM)
        os.fsync = sync_then_terminated
        write_atomic(Path({str(target)!r}), b"new and complete")
        print("survived")
        """)
    result = subprocess.run([sys.executable, "-c", script], env=_env(1, None), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert "survived" not in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"], "a temporary file was left"
    assert target.read_bytes() == b"new and complete"

