"""Where renders run: this process, local worker processes, a chart helper, a Dask cluster.

Wherever a render runs, the files are the same bytes and a failure reads the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_state import CHART, TWO_AUDIENCES

from briefgen import executors
from briefgen.cli import main
from briefgen.errors import UsageError
from briefgen.pipeline import build
from briefgen.tasks import Task, run_task

EPOCH = "1700000000"
LOGO = ROOT / "content" / "pakistan-russia" / "logo.png"


def files(folder: Path) -> dict[str, bytes]:
    """The outputs below folder by relative path (the build's own records left out)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".briefgen" not in p.parts}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of two audiences with a logo and its own templates folder; its brief."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    doc = tmp_path / "project" / "content" / "brief.yaml"
    doc.parent.mkdir(parents=True)
    doc.write_text(TWO_AUDIENCES.replace(
        'authors: [{name: "Ada Analyst"}]',
        'authors: [{name: "Ada Analyst"}]\n  organisation: {name: "Institute", logo: "logo.png"}'))
    (doc.parent / "logo.png").write_bytes(LOGO.read_bytes())
    labels = tmp_path / "project" / "templates" / "labels"
    labels.mkdir(parents=True)
    builtin = (ROOT / "templates" / "labels" / "en.yaml").read_text()
    assert "key_messages:" in builtin
    (labels / "en.yaml").write_text(
        builtin.replace("key_messages:", "key_messages: Points that matter #", 1))
    return doc


def broken_template(doc: Path) -> Path:
    """Give doc's project a block template that fails while rendering; return its path."""
    path = doc.parent.parent / "templates" / "html" / "blocks" / "key_messages.html"
    path.parent.mkdir(parents=True)
    path.write_text("<p>fine</p>\n<p>{{ no_such_thing.title }}</p>\n")
    return path


def test_worker_processes_make_the_same_files_as_this_process(project, tmp_path):
    here = build([project], out=tmp_path / "here", jobs=1)
    pool = build([project], out=tmp_path / "pool", jobs=2)
    assert len(here) == len(pool) == 6
    assert files(tmp_path / "here") == files(tmp_path / "pool")
    page = (tmp_path / "pool" / "content-brief" / "content-brief-public.html").read_text()
    assert "Points that matter" in page and "data:image/png;base64," in page  # project's own


def test_a_failure_in_a_worker_reads_like_one_here(project, tmp_path, capsys):
    template = broken_template(project)
    messages = []
    for jobs in ("1", "2"):
        code = main(["build", str(project), "-o", str(tmp_path / f"out{jobs}"), "-q",
                     "-j", jobs])
        assert code == 2
        messages.append(capsys.readouterr().err)
    assert messages[0] == messages[1]
    assert f"{template}:2:" in messages[0] and "no_such_thing" in messages[0]
    assert not (tmp_path / "out2" / "content-brief").exists()


def test_a_single_edition_has_its_charts_drawn_beside_it(write_doc, tmp_path):
    """With a second process allowed, matplotlib runs there; the files are the same."""
    doc = write_doc(CHART)
    code = ("import sys; from briefgen.pipeline import build; "
            f"build([{str(doc)!r}], out=sys.argv[1], jobs=int(sys.argv[2])); "
            "print('matplotlib' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": EPOCH}
    seen = {}
    for jobs in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", code, str(tmp_path / jobs), jobs],
                                env=env, capture_output=True, text=True, check=True)
        seen[jobs] = result.stdout.strip()
    assert seen == {"1": "True", "2": "False"}
    assert files(tmp_path / "1") == files(tmp_path / "2")
    assert len(files(tmp_path / "1")) == 3


def test_a_worker_of_another_version_is_refused():
    task = Task("folder", "brief.yaml", None, (), "academic", ("html",), None, "salt",
                version="0.0.1")
    with pytest.raises(UsageError, match="install the same version on the workers"):
        run_task(task)


@pytest.mark.parametrize(("args", "message"), [
    (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler goes with --executor dask"),
    (["--executor", "cloud"], "invalid choice: 'cloud'"),
    (["--jobs", "many"], "expected a number of at least 1 or 'auto'"),
])
def test_executor_usage_errors(write_doc, tmp_path, capsys, args, message):
    code = main(["build", str(write_doc()), "-o", str(tmp_path / "out"), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_a_usage_error(write_doc, tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed", reason="Dask's distributed package is not installed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    code = main(["build", str(write_doc()), "-o", str(tmp_path / "out"), "-q",
                 "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9 (waited 1s)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "doc-brief").exists()


# -- A Dask cluster on loopback ----------------------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    """A Dask cluster of two single-threaded worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed",
                                      reason="Dask's distributed package is not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local.scheduler_address


def test_a_dask_cluster_makes_the_same_files(project, tmp_path, cluster):
    here = build([project], out=tmp_path / "here", jobs=1)
    remote = build([project], out=tmp_path / "remote", executor="dask", scheduler=cluster)
    assert len(remote) == len(here) == 6
    assert files(tmp_path / "here") == files(tmp_path / "remote")


def test_a_task_for_a_cluster_carries_every_file_it_reads(project, tmp_path):
    """A worker needs no shared disk: the task renders with its project gone."""
    import shutil

    from briefgen.chartcache import ChartCache
    from briefgen.content import load
    from briefgen.tasks import make_task
    from briefgen.templates import for_documents

    templates = for_documents([project])
    doc = load(project, list(templates.audiences))
    task = make_task(doc, "public", ["html"], templates, ChartCache(None, "salt"), None,
                     ship=True)
    assert sorted(task.files) == ["brief.yaml", "logo.png"]
    shutil.rmtree(project.parent.parent)
    page = run_task(task).outputs["html"][0].decode()
    assert "Points that matter" in page and "data:image/png;base64," in page


def test_a_failure_on_the_cluster_names_this_machines_files(project, tmp_path, cluster,
                                                            capsys):
    template = broken_template(project)
    code = main(["build", str(project), "-o", str(tmp_path / "out"), "-q",
                 "--executor", "dask", "--scheduler", cluster])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{template}:2:" in err and "no_such_thing" in err
    assert "briefgen-task-" not in err  # not the worker's copy
    assert not (tmp_path / "out" / "content-brief").exists()


def test_the_cli_sends_a_batch_to_the_cluster(project, tmp_path, cluster, capsys):
    code = main(["build", str(project), "-o", str(tmp_path / "out"),
                 "--executor", "dask", "--scheduler", cluster])
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "briefgen wrote 6 files" in out
    assert sorted(p.name for p in (tmp_path / "out" / "content-brief").iterdir()) == sorted(
        f"content-brief-{a}.{f}" for a in ("academic", "public") for f in ("pdf", "docx", "html"))


# Python 3.11's exit hook checks that the pool's wake-up pipe is open, then writes to it;
# the pool's thread may close it in between. Here the hook waits between the two, as a
# busy machine might (it happened in CI), so only a pool whose thread has finished passes.
RACE = """
import concurrent.futures.process as process, sys, time
from briefgen.executors import stop_pool, worker_signals
def slow_wakeup(self):
    if not self._closed:
        time.sleep(0.3)
        self._writer.send_bytes(b"")
if __name__ == "__main__":
    pool = process.ProcessPoolExecutor(1, initializer=worker_signals)
    pool.submit(int).result()
    pool.submit(time.sleep, 30)
    stop_pool(pool)
    process._ThreadWakeup.wakeup = slow_wakeup
"""


def test_a_stopped_pool_leaves_nothing_to_fail_at_exit(tmp_path):
    script = tmp_path / "race.py"
    script.write_text(RACE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "OSError" not in done.stderr, done.stderr
