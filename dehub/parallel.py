"""Checking many files in several processes: fork, a pipe as the work queue, marshal back.

Measured on 3,000 files (bench/bench_parallel.py, numbers in bench/README.md), this beats
`multiprocessing.Pool` for the same split because:

- the parent works too: `-j N` forks N - 1 children, so only their share of the results
  crosses a pipe (on 2 cores: one child, half the results);
- the queue is a pipe holding one byte per chunk (make's jobserver trick): whoever is free
  reads the next chunk number, so a file that is slow to check or a core another program is
  using does not leave the others waiting, and no task is sent anywhere (the children inherit
  the file list through fork);
- results come back as plain tuples through `marshal`, with the cyclic GC paused while they
  are built: pickling `Finding` objects cost six times as much CPU, most of it in the GC;
- nothing is imported for it (`multiprocessing` and `pickle` cost about 30 ms to import).

Chunks shrink as the queue empties (guided scheduling): few reads of the queue at first, and
a short wait at the end for the last one. A child that dies (killed, out of memory) loses no
result: the chunks it did not send back are checked in the parent.
"""

from __future__ import annotations

import os
from operator import attrgetter

from .findings import Edit, Finding, Fix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import TypeVar

    Item = TypeVar("Item")
    Result = TypeVar("Result")  # one item's result
    Wire = TypeVar("Wire")  # one item's result as `marshal` sends it
    # A finding on the wire: its fields but the fix, and (safety, each edit's fields) or None.
    FindingRow = tuple[tuple[object, ...], tuple[str, tuple[tuple[object, ...], ...]] | None]

MAX_CHUNKS = 255  # one byte per chunk number in the queue: a read of one byte is always whole
MIN_CHUNK = 4  # files; smaller chunks only add reads of the queue


def plan_chunks(count: int, jobs: int) -> list[tuple[int, int]]:
    """Bounds `(start, end)` of chunks over `count` items: each about 1/(2*jobs) of what is left."""
    smallest = max(MIN_CHUNK, -(-count // MAX_CHUNKS))
    bounds = []
    start = 0
    while start < count:
        size = max(smallest, (count - start) // (2 * jobs))
        bounds.append((start, min(start + size, count)))
        start += size
    return bounds


def run_chunks(
    items: Sequence[Item],
    jobs: int,
    work: Callable[[Sequence[Item]], list[Result]],
    encode: Callable[[list[Result]], list[Wire]],
    decode: Callable[[list[Wire]], list[Result]],
    first: Sequence[int] = (),
) -> list[Result]:
    """`work` over chunks of `items` in `jobs` processes (this one included), results in order.

    `encode` turns a chunk's results into what `marshal` can send (in a child); `decode` turns
    it back (in the parent). The items at the indexes `first` are done here before forking,
    so that what they import on first use (the YAML parser, a kind's modules: tens of
    milliseconds) is imported once and shared, not once in every process. Where there is no
    fork, or one chunk, everything runs here.
    """
    early = sorted(set(first))
    if early:
        skip = set(early)
        rest = [item for index, item in enumerate(items) if index not in skip]
    else:
        rest = list(items)
    chunks = plan_chunks(len(rest), jobs)
    jobs = min(jobs, len(chunks))
    if jobs < 2 or not hasattr(os, "fork"):
        return work(items)
    early_results = work([items[index] for index in early])
    rest_results = _run(rest, chunks, jobs, work, encode, decode)
    if not early:
        return rest_results
    out = []
    early_iter, rest_iter = iter(early_results), iter(rest_results)
    skip = set(early)
    for index in range(len(items)):
        out.append(next(early_iter) if index in skip else next(rest_iter))
    return out


def _run(
    items: Sequence[Item],
    chunks: list[tuple[int, int]],
    jobs: int,
    work: Callable[[Sequence[Item]], list[Result]],
    encode: Callable[[list[Result]], list[Wire]],
    decode: Callable[[list[Wire]], list[Result]],
) -> list[Result]:
    import gc
    import marshal

    results: list[list[Result] | None] = [None] * len(chunks)
    queue_read, queue_write = os.pipe()
    children: list[tuple[int, int]] = []  # (pid, result pipe's read end)
    finished = False
    gc.freeze()  # the children's collections then leave the parent's objects (and their pages) alone
    try:
        _fill(queue_write, len(chunks))
        os.close(queue_write)
        queue_write = -1
        for _ in range(jobs - 1):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                _child(queue_read, result_write, [fd for _, fd in children] + [result_read], items, chunks, work,
                       encode)
            os.close(result_write)
            children.append((pid, result_read))
        for index in _take(queue_read):
            start, end = chunks[index]
            results[index] = work(items[start:end])
        for _, result_read in children:
            data = _read_all(result_read)
            if data:
                _receive(marshal.loads(data), results, decode)
        finished = True
    finally:
        gc.unfreeze()
        for fd in (queue_read, queue_write, *(fd for _, fd in children)):
            if fd >= 0:
                os.close(fd)
        for pid, _ in children:
            if not finished:  # interrupted: the children's work is not wanted any more
                _kill(pid)
            os.waitpid(pid, 0)
    out = []
    for index, part in enumerate(results):
        if part is None:  # its child died before sending it back
            start, end = chunks[index]
            part = work(items[start:end])
        out.extend(part)
    return out


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # already gone
        pass


def _fill(fd: int, count: int) -> None:
    data = bytes(range(count))
    while data:
        data = data[os.write(fd, data) :]


def _take(queue_read: int) -> Iterator[int]:
    """Chunk numbers from the queue until it is empty (another process may take any of them)."""
    while True:
        byte = os.read(queue_read, 1)
        if not byte:
            return
        yield byte[0]


def _read_all(fd: int) -> bytes:
    parts: list[bytes] = []
    while True:
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts)
        parts.append(part)


def _receive(
    sent: list[tuple[int, list[Wire]]],
    results: list[list[Result] | None],
    decode: Callable[[list[Wire]], list[Result]],
) -> None:
    import gc

    enabled = gc.isenabled()
    gc.disable()  # building many small objects triggers collections that find nothing to free
    try:
        for index, encoded in sent:
            results[index] = decode(encoded)
    finally:
        if enabled:
            gc.enable()


def _child(
    queue_read: int,
    result_write: int,
    inherited: list[int],
    items: Sequence[Item],
    chunks: list[tuple[int, int]],
    work: Callable[[Sequence[Item]], list[Result]],
    encode: Callable[[list[Result]], list[Wire]],
) -> None:
    """Check chunks from the queue, send them all back at the end, exit (never return)."""
    code = 1
    try:
        import gc
        import marshal

        for fd in inherited:
            os.close(fd)
        done = []
        for index in _take(queue_read):
            start, end = chunks[index]
            done.append((index, encode(work(items[start:end]))))
        gc.disable()
        data = memoryview(marshal.dumps(done))
        while data:
            data = data[os.write(result_write, data) :]
        code = 0
    except BaseException:  # noqa: BLE001 - nothing sent: the parent checks those chunks itself
        pass
    finally:
        os._exit(code)


# --- the wire format of check results ------------------------------------------------------

_FINDING_FIELDS = tuple(slot for slot in Finding.__slots__ if slot != "fix")
_EDIT_FIELDS = Edit.__slots__
_finding_row = attrgetter(*_FINDING_FIELDS)
_edit_row = attrgetter(*_EDIT_FIELDS)


def encode_findings(findings: list[Finding]) -> list[FindingRow]:
    """Findings as tuples of str, int, None and tuples: what `marshal` sends."""
    return [
        (_finding_row(finding), None if finding.fix is None else
         (finding.fix.safety, tuple(_edit_row(edit) for edit in finding.fix.edits)))
        for finding in findings
    ]  # fmt: skip


def decode_findings(rows: list[FindingRow]) -> list[Finding]:
    new = object.__new__
    out = []
    for row, fix in rows:
        finding = new(Finding)
        for name, value in zip(_FINDING_FIELDS, row, strict=True):
            setattr(finding, name, value)
        if fix is None:
            finding.fix = None
        else:
            edits = []
            for edit_row in fix[1]:
                edit = new(Edit)
                for name, value in zip(_EDIT_FIELDS, edit_row, strict=True):
                    setattr(edit, name, value)
                edits.append(edit)
            finding.fix = Fix(tuple(edits), fix[0])
        out.append(finding)
    return out
