"""The processes that render a bulk export's documents, on every CPU this process may use, niced.

A bulk export of a thousand plans is a few seconds of rendering that nobody waits for in a page, so it
runs beside the server, not in it: a pool of worker processes (pop/cpus.py: every usable CPU, or
POP_EXPORT_WORKERS), niced (cpus.lower_priority), so that a page always finds a CPU and
the scheduler prefers it. The calling process only reads the plans from the database and writes the zip.

Workers start from a fork server that has imported the export code once, so a worker costs a fork,
not a Python start; the pool is kept for the next export and is started again when one of its
workers died. A worker needs no database: it gets each plan with its answers and its form's
definition (pickled), and answers with the document.

An uploaded template is filled in the worker exactly as a single download does it (isolation.py: a
confined child per call, with its time and memory limits); the worker's children inherit its
priority. What went wrong with a plan comes back with its document (the default layout then), for the
parent to count and report as before (exports/templates.py BulkRenderer).
"""
from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pop import config, cpus

# Imported once by the fork server, so each worker starts with them.
PRELOAD = ["exports.render_pool", "exports.templates", "exports.context", "forms"]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_owner = 0


def workers() -> int:
    """How many worker processes a bulk export uses: POP_EXPORT_WORKERS, else every usable CPU; 0: render
    in this process, one plan at a time. Every CPU, not all but one as for PDFs: the workers are niced,
    so a page's thread still gets about ten times their CPU when it wants it, and a bulk of 1,000 plans
    took 1.9 s with two workers against 3.1 s with one on a quiet 2-CPU machine (bench_exports)."""
    configured = config.current("POP_EXPORT_WORKERS")
    return cpus.usable() if configured is None else configured


def pool(size: int) -> ProcessPoolExecutor:
    """The pool with `size` workers, started when there is none (or it broke, or size changed)."""
    global _pool, _pool_size, _pool_owner
    with _lock:
        if _pool is not None and (_pool_owner != os.getpid() or _pool_size != size or _broken(_pool)):
            if _pool_owner == os.getpid():
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None  # a pool of the process we were forked from is not ours to use
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _pool = ProcessPoolExecutor(max_workers=size, mp_context=context, initializer=_start_worker)
            _pool_size, _pool_owner = size, os.getpid()
        return _pool


def _start_worker() -> None:
    """In each worker, before its first job: niced, and gone when the process it works for is gone.
    A worker waits for jobs on a queue it holds both ends of, so it would never notice a server
    process killed outright (SIGKILL, out of memory); it and the fork server would stay for good."""
    cpus.lower_priority()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="pop-worker-parent").start()


def _exit_with(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _broken(executor: ProcessPoolExecutor) -> bool:
    """A worker died (killed, out of memory) since the last export: the executor sees that only when
    it next waits for one, so look at its processes too."""
    if getattr(executor, "_broken", False):
        return True
    return any(not process.is_alive() for process in list((executor._processes or {}).values()))


def forget_broken() -> None:
    """After BrokenProcessPool: the next export starts a fresh pool."""
    global _pool
    with _lock:
        if _pool is not None and _pool_owner == os.getpid():
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def warm_up(size: int | None = None) -> None:
    """Start the workers now (a worker process at start-up, the benchmark), not at the first export."""
    executor = pool(size or cpus.for_background())
    for future in [executor.submit(os.getpid) for _ in range(executor._max_workers)]:
        future.result()


@atexit.register
def _stop() -> None:
    global _pool
    with _lock:
        if _pool is not None and _pool_owner == os.getpid():
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


__all__ = ["BrokenProcessPool", "forget_broken", "pool", "warm_up", "workers"]
