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
nothing for it.

An interruption lands at whatever bytecode the thread runs next, so it must never land in the
worker's own bookkeeping: taken right after the worker took its lock, it would leave the lock
held (and the event loop waiting on it through every later lint). So each job has a gate: the
loop interrupts a job only while holding its gate, and the thread, once the job's work has
returned or raised, closes the gate for good and clears an interruption sent before that but
not delivered yet. Past the gate, nothing can interrupt the thread; a job superseded there just
has its result dropped.
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
    __slots__ = ("key", "work", "future", "stopped", "gate")

    def __init__(self, key: Hashable, work: Callable[[], Any], future: asyncio.Future[Any]) -> None:
        self.key = key
        self.work = work
        self.future = future
        self.stopped = False  # superseded while running: its result is not delivered
        self.gate = threading.Lock()  # held by the loop to interrupt; closed by the thread when the work ends


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

    def waiting(self) -> bool:
        """Whether a job waits to run (read by the running job, which may then stop early)."""
        return bool(self._pending)

    def busy(self, key: Hashable) -> bool:
        with self._cond:
            running = self._running
            return key in self._pending or (running is not None and running.key == key and not running.stopped)

    def _supersede(self, key: Hashable) -> None:  # the lock is held
        old = self._pending.pop(key, None)
        if old is not None:
            self._resolve(old, error=Stale())
        running = self._running
        if running is None or running.key != key or running.stopped:
            return
        running.stopped = True  # once: a job is interrupted at most once
        if not running.gate.acquire(blocking=False):
            return  # its work has ended: the thread drops the result
        try:
            if _interrupt(self._thread.ident):
                self.interrupted += 1
                log.debug("dehub: interrupted the running job for %s", key)
        finally:
            running.gate.release()

    def _main(self) -> None:
        while True:
            try:
                self._step()
            except Exception:  # pragma: no cover - the thread must outlive any bug
                log.exception("dehub: the lint worker failed")

    def _step(self) -> None:
        """Run the next job. From the moment it is `_running` (and the lock released) until its
        gate is closed, one `Interrupted` may land anywhere: it is taken here."""
        job: Job | None = None
        value: Any = None
        error: BaseException | None = None
        try:
            try:
                with self._cond:
                    while not self._pending:
                        self._cond.wait()
                    job = self._pending.pop(next(iter(self._pending)))
                    self._running = job
                log.debug("dehub: running the job for %s", job.key)
                value = job.work()
            finally:
                if job is not None:
                    _close(job, self._thread.ident)
        except Interrupted:
            error = Stale()
        except Exception as err:  # noqa: BLE001 - the caller decides what a failed job means
            error = err
        if job is None:  # pragma: no cover - only an interruption could get here, and none is sent without a job
            return
        with self._cond:  # past the gate: nothing interrupts this
            self._running = None
            stopped = job.stopped
        if stopped and error is None:
            error = Stale()
        self._resolve(job, value, error)

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


def _close(job: Job, ident: int | None) -> None:
    """Close the job's gate for good (the loop cannot interrupt it any more), then clear an
    interruption sent before and not delivered yet; one delivered on the way is taken here (the
    job is `stopped`, so it is reported stale all the same)."""
    try:
        job.gate.acquire()
        if job.stopped:
            _interrupt(ident, clear=True)
    except Interrupted:
        pass


def _interrupt(ident: int | None, clear: bool = False) -> bool:
    """Raise Interrupted in the thread `ident` at its next bytecode (or, `clear`, withdraw one
    not raised yet); False where CPython's API is missing (the job then runs to its end and its
    result is dropped)."""
    if ident is None:
        return False
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # pragma: no cover - not CPython
        return False
    return bool(set_async_exc(ctypes.c_ulong(ident), None if clear else ctypes.py_object(Interrupted)) == 1)
