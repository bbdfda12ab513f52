"""Where renders run: a pool of local processes, or a Dask cluster.

Both are a concurrent.futures.Executor, so the build submits the same task function to
either (tasks.run_task) and writes what comes back. A task carries the bytes of every
file it reads, so the machines of a cluster need briefgen installed, not the content.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from concurrent.futures import Executor, ProcessPoolExecutor

__all__ = ["EXECUTORS", "available_cores", "check", "open_executor", "stop_pool", "worker_signals"]

EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = "10s"


def available_cores() -> int:
    """The number of processors this process may run on (its affinity, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def open_executor(kind: str, jobs: int = 1, scheduler: str | None = None) -> Iterator[Executor]:
    """Open the executor named kind: 'local' with jobs processes, or 'dask' at scheduler."""
    check(kind, scheduler)
    if kind == "local":
        with _local_pool(jobs) as pool:
            yield pool
    else:
        with _dask(scheduler) as pool:
            yield pool


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Drop a process pool's queued tasks and stop its running ones at once. The executor
    has no public way to stop a running task, hence _processes."""
    running = getattr(pool, "_processes", None) or {}  # shutdown() clears it
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in list(running.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    # Let the pool's own thread finish closing its pipe before we go on. At exit, Python
    # 3.11 writes to that pipe without the lock that would see it closing, and prints
    # "OSError: Bad file descriptor" (python/cpython gh-125451, fixed in 3.12). With the
    # workers gone, the thread ends in milliseconds.
    if manager is not None:
        manager.join(timeout=5)


def worker_signals() -> None:
    """Leave Ctrl-C to the parent, and let SIGTERM end a worker at once.

    A forked worker inherits the command line's handlers, which turn both signals into
    KeyboardInterrupt; the executor would catch that as a task's failure and go on.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _local_pool(jobs: int) -> Iterator[Executor]:
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: 20 ms to import

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_signals)
    try:
        yield pool
    except BaseException:
        # Interrupted or failed: rather than wait seconds for layouts whose results nobody
        # will write.
        stop_pool(pool)
        raise
    pool.shutdown()


def check(kind: str, scheduler: str | None) -> None:
    """Raise UsageError unless kind names an executor that can be opened with scheduler."""
    if kind not in EXECUTORS:
        raise UsageError(f"unknown executor '{kind}'; choose from {', '.join(EXECUTORS)}")
    if kind != "dask":
        if scheduler:
            raise UsageError("--scheduler goes with --executor dask")
        return
    if not scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS, e.g. tcp://10.0.0.5:8786")
    if importlib.util.find_spec("distributed") is None:
        raise UsageError("--executor dask needs Dask's distributed package: install "
                         "briefgen with its dask extra (pip install '.[dask]' in its "
                         "folder) or pip install distributed")


@contextlib.contextmanager
def _dask(scheduler: str | None) -> Iterator[Executor]:
    from distributed import Client  # open_executor checked that it is there

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler} "
                         f"(waited {CONNECT_TIMEOUT}): {exc}") from None
    try:
        # pure=False: two renders of one task are two renders, never a cached result.
        executor = client.get_executor(pure=False)
        try:
            yield executor
        except BaseException:
            executor.shutdown(wait=False)  # cancels what has not finished
            raise
        executor.shutdown()
    finally:
        client.close()
