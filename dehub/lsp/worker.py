"""Linting off the event loop, one job at a time, where a newer text supersedes an older one.

A lint of a big document takes seconds; run on the event loop it would hold every other
message (a hover, a `shutdown`, the next change) until it ends. Here one thread runs the
engine: the engine's process-wide memos (`gha.jobmemo`, `shell.memo`) are plain dicts made
for one lint at a time, so jobs run one after another, in the order they came.

Jobs have a key (a document's URI, for its lint). Submitting a job under a key that already
has one supersedes the old one: a pending job is dropped, a running one is interrupted, by
raising `Interrupted` in the worker thread (`PyThreadState_SetAsyncExc`; a BaseException, so
the engine's `except Exception` containment does not swallow it, and `finally` blocks still
restore what they changed). Either way its future fails with `Stale`; the server publishes
nothing for it. A job interrupted right as it ends may still deliver its result: the server
checks the version before publishing anyway.
"""

from __future__ import annotations

import logging
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Hashable
    from typing import Any

log = logging.getLogger("dehub.lsp")


class Interrupted(BaseException):
    """Raised inside the worker thread to stop a superseded job."""


class Stale(Exception):
    """A job's result will never come: a newer job for the same key replaced it."""


class Job:
    __slots__ = ("key", "work", "future", "stopped")

    def __init__(self, key: Hashable, work: Callable[[], Any], future: asyncio.Future[Any]) -> None:
        self.key = key
        self.work = work
        self.future = future
        self.stopped = False  # superseded while running: interrupted, its result is not delivered


class Worker:
    """One thread running submitted jobs in order; results come back as asyncio futures."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._cond = threading.Condition()
        self._pending: dict[Hashable, Job] = {}  # in submission order
        self._running: Job | None = None
        self.interrupted = 0  # running jobs stopped so far (logged; tests read it)
        self._thread = threading.Thread(target=self._main, name="dehub-lsp-lint", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, work: Callable[[], Any]) -> asyncio.Future[Any]:
        """Run `work()` in the worker thread after the jobs before it, superseding the job
        under `key`; call from the event loop."""
        job = Job(key, work, self._loop.create_future())
        with self._cond:
            self._supersede(key)
            self._pending[key] = job
            self._cond.notify()
        return job.future

    def cancel(self, key: Hashable) -> None:
        """Drop or interrupt the job under `key`, if any."""
        with self._cond:
            self._supersede(key)

    def busy(self, key: Hashable) -> bool:
        with self._cond:
            running = self._running
            return key in self._pending or (running is not None and running.key == key and not running.stopped)

    def _supersede(self, key: Hashable) -> None:  # the lock is held
        old = self._pending.pop(key, None)
        if old is not None:
            self._resolve(old, error=Stale())
        running = self._running
        if running is not None and running.key == key and not running.stopped:
            running.stopped = True
            if _interrupt(self._thread.ident):
                self.interrupted += 1
                log.debug("dehub: interrupted the running job for %s", key)

    def _main(self) -> None:
        while True:
            job: Job | None = None
            try:
                with self._cond:
                    while not self._pending:
                        self._cond.wait()
                    job = self._pending.pop(next(iter(self._pending)))
                    self._running = job
                log.debug("dehub: running the job for %s", job.key)
                self._run(job)
            except Interrupted:  # delivered late, after the job's own handler: it is stale all the same
                if job is not None:
                    self._resolve(job, error=Stale())
            except Exception:  # pragma: no cover - the thread must outlive any bug
                log.exception("dehub: the lint worker failed")

    def _run(self, job: Job) -> None:
        try:
            try:
                value = job.work()
            finally:
                with self._cond:
                    self._running = None
        except Interrupted:
            self._resolve(job, error=Stale())
            return
        except Exception as err:  # noqa: BLE001 - the caller decides what a failed job means
            self._resolve(job, error=err)
            return
        if job.stopped:
            self._resolve(job, error=Stale())
        else:
            self._resolve(job, value=value)

    def _resolve(self, job: Job, value: Any = None, error: BaseException | None = None) -> None:
        try:
            self._loop.call_soon_threadsafe(_settle, job.future, value, error)
        except RuntimeError:  # the loop is closed: the server is exiting
            pass


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def _interrupt(ident: int | None) -> bool:
    """Raise Interrupted in the thread `ident` at its next bytecode; False where CPython's API
    is missing (the job then runs to its end and its result is dropped)."""
    if ident is None:
        return False
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # pragma: no cover - not CPython
        return False
    return bool(set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(Interrupted)) == 1)
