"""`dehub.lsp.worker` and how the server publishes what it gives: jobs run off the event loop in
order, a newer job for a key supersedes (drops or interrupts) the older one, and a result for a
version the document no longer has is never published."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from dehub.lsp.documents import Document
from dehub.lsp.worker import Stale, Worker

pytest.importorskip("pygls")


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 30))


def test_jobs_run_in_order_off_the_loop():
    async def main():
        worker = Worker(asyncio.get_running_loop())
        loop_thread = threading.get_ident()
        seen: list[tuple[str, bool]] = []
        futures = [
            worker.submit(key, lambda key=key: seen.append((key, threading.get_ident() != loop_thread)) or key)
            for key in ("a", "b", "c")
        ]
        assert await asyncio.gather(*futures) == ["a", "b", "c"]
        assert seen == [("a", True), ("b", True), ("c", True)]

    run(main())


def test_a_failing_job_fails_its_future_only():
    async def main():
        worker = Worker(asyncio.get_running_loop())
        bad = worker.submit("a", lambda: 1 / 0)
        good = worker.submit("b", lambda: "ok")
        with pytest.raises(ZeroDivisionError):
            await bad
        assert await good == "ok"

    run(main())


def test_a_newer_job_interrupts_a_running_one():
    async def main():
        worker = Worker(asyncio.get_running_loop())
        started = threading.Event()
        spins = 0

        def forever() -> None:
            nonlocal spins
            started.set()
            while True:  # pure Python: the interruption lands at the next bytecode
                spins += 1

        running = worker.submit("doc", forever)
        while not started.is_set():
            await asyncio.sleep(0.01)
        newer = worker.submit("doc", lambda: "v2")
        with pytest.raises(Stale):
            await running
        assert await newer == "v2"
        assert worker.interrupted == 1 and spins > 0
        assert not worker.busy("doc")

    run(main())


def test_a_newer_job_drops_a_pending_one():
    async def main():
        worker = Worker(asyncio.get_running_loop())
        release = threading.Event()
        blocker = worker.submit("blocker", lambda: release.wait(30))
        pending = worker.submit("doc", lambda: "v1")
        newer = worker.submit("doc", lambda: "v2")
        assert worker.busy("doc")
        release.set()
        with pytest.raises(Stale):
            await pending
        assert await blocker is True and await newer == "v2" and worker.interrupted == 0

    run(main())


class Recording:
    """A DehubServer whose publishes are recorded instead of sent."""

    def __init__(self):
        from dehub.lsp.server import DehubServer

        self.server = DehubServer()
        self.sent: list[tuple[str, int | None, list]] = []
        self.server.publish = lambda uri, version, found, encoded=None: self.sent.append((uri, version, found))


def test_only_the_current_version_is_published_and_a_failed_lint_is_one_dh900(tmp_path):
    async def main():
        recording = Recording()
        server = recording.server
        uri = (tmp_path / "Dockerfile").as_uri()
        document = Document(uri, str(tmp_path / "Dockerfile"), "dockerfile", 1, "FROM node:20\n")
        server.documents[uri] = document
        server.lint_and_publish(uri)
        first = document.job
        assert first is not None
        document.version, document.text = 2, "FROM node:20\nFROM redis:7\n"
        server.lint_and_publish(uri)  # supersedes version 1's lint
        await asyncio.sleep(0)
        for _ in range(3000):
            if recording.sent:
                break
            await asyncio.sleep(0.01)
        assert [(v, [d["code"] for d in found]) for _, v, found in recording.sent] == [(2, ["DH001", "DH001"])]

        failed: asyncio.Future = asyncio.get_running_loop().create_future()
        failed.set_exception(RuntimeError("boom"))
        server.publish_result(uri, document, 2, failed)
        (_, version, found) = recording.sent[-1]
        assert version == 2 and found[0]["code"] == "DH900" and "RuntimeError: boom" in found[0]["message"]
        count = len(recording.sent)
        server.publish_result(uri, document, 1, failed)  # a stale version: nothing
        stale: asyncio.Future = asyncio.get_running_loop().create_future()
        stale.set_exception(Stale())
        server.publish_result(uri, document, 2, stale)  # a superseded job: nothing
        assert len(recording.sent) == count

    run(main())


def test_the_worker_thread_does_not_keep_the_process_alive():
    async def main():
        worker = Worker(asyncio.get_running_loop())
        assert await worker.submit("k", time.monotonic) > 0
        assert worker._thread.daemon

    run(main())


def _blocked_on_the_worker_lock(worker: Worker) -> bool:
    """Whether the worker thread is waiting to take its own lock (`Condition.__enter__`)."""
    import sys

    frame = sys._current_frames().get(worker._thread.ident or 0)
    return frame is not None and frame.f_code is threading.Condition.__enter__.__code__


def test_an_interrupt_landing_as_a_job_ends_leaves_the_worker_usable():
    """The race: a job has returned and its thread waits for the worker's lock to record that,
    while the event loop, holding the lock, supersedes it (a newer text arrives). The
    interruption must not land with the lock taken and never released: the next job must run,
    its result must come, and the loop must never wait on the lock while a later job runs."""

    async def main():
        worker = Worker(asyncio.get_running_loop())
        started, end = threading.Event(), threading.Event()
        first = worker.submit("doc", lambda: (started.set(), end.wait(10), "v1")[-1])
        assert started.wait(10)
        with worker._cond:  # the loop holds the lock right as the job ends
            end.set()
            deadline = time.monotonic() + 10
            while not _blocked_on_the_worker_lock(worker):
                assert time.monotonic() < deadline, "the worker never waited for its lock"
                time.sleep(0.001)
            newer = worker.submit("doc", lambda: "v2")  # supersedes the job that just ended
        with pytest.raises(Stale):
            await first
        assert await newer == "v2"  # no lost result
        assert not worker.busy("doc")

        running, release = threading.Event(), threading.Event()
        blocker = worker.submit("slow", lambda: (running.set(), release.wait(30))[-1])
        while not running.is_set():
            await asyncio.sleep(0.001)
        submitted = threading.Event()  # from another thread: a held lock must not hang the test
        threading.Thread(target=lambda: (worker.cancel("nothing"), submitted.set()), daemon=True).start()
        held = not submitted.wait(2)
        release.set()
        assert await blocker is True
        assert not held, "the worker kept its lock while running the next job"

    run(main())


def test_superseding_at_every_moment_loses_no_result_and_never_hangs():
    """Short jobs superseded at random moments (before, during, right after they run): every
    future settles, and the last job of each round delivers its result."""

    async def main():
        worker = Worker(asyncio.get_running_loop())
        for round_ in range(200):
            futures = [worker.submit("doc", lambda n=n: sum(range(n * 50))) for n in range(4)]
            for _ in range(round_ % 5):
                await asyncio.sleep(0)
            last = worker.submit("doc", lambda round_=round_: round_)
            settled = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 10)
            assert all(isinstance(item, (int, Stale)) for item in settled)
            assert await asyncio.wait_for(last, 10) == round_
        assert not worker.busy("doc")

    run(main())
