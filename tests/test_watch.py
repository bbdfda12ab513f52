"""`briefgen build --watch`: a save rebuilds, a mistake is shown and the watch goes on,
the next good save builds again, and Ctrl-C stops it."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import MINIMAL

from briefgen.watch import watch, watched_folders


def _wait(condition, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_save_rebuilds_a_mistake_is_shown_and_the_next_save_builds(tmp_path):
    doc = tmp_path / "project" / "brief.yaml"
    doc.parent.mkdir()
    doc.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "out"
    html = out / "project-brief" / "project-brief-academic.html"
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(doc), "-f", "html", "-o", str(out),
         "--watch", "-q"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        assert _wait(lambda: any("watching" in line for line in lines)), lines
        assert "A small brief" in html.read_text(encoding="utf-8")
        doc.write_text(MINIMAL.replace("A small brief", "An edited brief"), encoding="utf-8")
        assert _wait(lambda: "An edited brief" in html.read_text(encoding="utf-8")), lines
        doc.write_text(MINIMAL.replace("kind: policy-brief", "kind: memo"), encoding="utf-8")
        assert _wait(lambda: any("fix and save to build again" in line for line in lines))
        assert any(f"{doc}:1:7: kind: expected a document kind" in line for line in lines)
        assert "An edited brief" in html.read_text(encoding="utf-8")  # the last good one
        doc.write_text(MINIMAL.replace("A small brief", "A fixed brief"), encoding="utf-8")
        assert _wait(lambda: "A fixed brief" in html.read_text(encoding="utf-8")), lines
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 130
    finally:
        process.kill()
        process.wait()
    assert "Traceback" not in "".join(lines)


def test_the_output_folder_and_unread_files_do_not_rebuild(tmp_path):
    """Changes the build does not read (its own outputs, a log beside the content) are no
    reason to build; a content file, an image or a template file is."""
    project = tmp_path / "project"
    (project / "templates" / "css").mkdir(parents=True)
    out = project / "build"
    events = [{(1, str(out / "x" / "x.html")), (1, str(project / "notes.txt"))},
              {(2, str(project / "brief.yaml"))},
              {(2, str(project / "templates" / "css" / "brief.css"))},
              {(1, str(project / "chart.png"))}]
    builds: list[int] = []
    seen: list[list] = []

    def changes(*folders, debounce, watch_filter):
        for batch in events:
            kept = {(c, p) for c, p in batch if watch_filter(c, p)}
            seen.append(sorted(Path(p).name for _, p in kept))
            if kept:
                yield kept

    watch(lambda: builds.append(1), [project], out, [project / "templates"], changes)
    assert seen == [[], ["brief.yaml"], ["brief.css"], ["chart.png"]]
    assert len(builds) == 4  # the first build, then one per relevant change


def test_one_watch_per_folder_tree(tmp_path):
    doc = tmp_path / "content" / "a" / "brief.yaml"
    doc.parent.mkdir(parents=True)
    doc.write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    folders = watched_folders([str(tmp_path / "content")], [doc],
                              [tmp_path / "templates", tmp_path / "missing"])
    assert folders == [(tmp_path / "content").resolve(), (tmp_path / "templates").resolve()]


def test_a_folder_that_comes_is_a_change(tmp_path):
    """A new folder (a project's templates/) may hold a file written before the watcher
    watched it: the folder's own arrival makes the change, so none is missed."""
    from watchfiles import Change

    from briefgen.watch import relevant

    folder = tmp_path / "templates"
    folder.mkdir()
    wanted = relevant(None, [])
    assert wanted(Change.added, str(folder))
    assert not wanted(Change.modified, str(folder))
    assert not wanted(Change.added, str(tmp_path / "notes.txt"))
