"""Checking files: read, detect the kind, lint or fix, write; one result per file.

Bad input never stops the run: a file that cannot be read, decoded or parsed yields one DH900
finding and the next file is checked. Many files are checked in one process, and in a pool of
worker processes for large trees (the work is pure per file, so results are independent).
"""

from __future__ import annotations

import os

from .findings import Finding
from .kinds import QUIET_SKIP, SNIFF, kind_for_text, skip_reason
from .lint import Settings, lint_source
from .rules import dh900_parse_error as dh900
from .source import DecodeError, SourceText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .parallel import FindingRow

    ResultRow = tuple[tuple[object, ...], list[FindingRow]]  # a FileResult on the wire

CHECK, FIX, DIFF = "check", "fix", "diff"
# Files from which the default forks: on a quiet 2-core machine a second process already saves
# a third of 100 files' time; on a busy one, forking costs under 5% of it (bench/README.md).
PARALLEL_THRESHOLD = 100


class ReadError(OSError):
    """The file cannot be read as text; str(err) says why."""

    def __init__(self, message: str, undecodable: bool = False, unreadable: bool = False) -> None:
        super().__init__(message)
        self.undecodable = undecodable  # read fine, but binary or not UTF-8
        self.unreadable = unreadable  # the system would not give its bytes (gone, a folder, no permission)


class FileResult:
    __slots__ = (
        "path", "kind", "findings", "fixed", "written", "diff", "skipped", "internal_error", "output", "write_failed",
    )  # fmt: skip

    def __init__(self, path: str, kind: str | None) -> None:
        self.path = path
        self.kind = kind
        self.findings: list[Finding] = []
        self.fixed = 0  # fixes applied
        self.written = False  # the file was rewritten
        self.diff = ""  # with --diff: the unified diff of the fixes
        self.skipped = ""  # why the file was not checked (not a kind dehub reads)
        self.internal_error = False
        self.output: bytes | None = None  # the fixed bytes, for stdin
        self.write_failed = False  # --fix could not write the file: it is unchanged (exit 2)


def read_source(path: str, max_size: int) -> tuple[SourceText, bytes]:
    """The file's text and bytes; ReadError for anything that is not a readable regular file
    of at most `max_size` bytes (a FIFO or device is refused without blocking: regularfile)."""
    source, data, _ = read_source_status(path, max_size)
    return source, data


def read_source_status(path: str, max_size: int) -> tuple[SourceText, bytes, os.stat_result]:
    """`read_source`, and the status of the file as it was read (for writing a fix back)."""
    from .regularfile import NotRegularFileError, TooLargeError, read_regular_status

    try:
        data, status = read_regular_status(path, max_size)
    except IsADirectoryError:
        raise ReadError("is a directory, not a file", unreadable=True) from None
    except FileNotFoundError:
        raise ReadError("no such file", unreadable=True) from None
    except NotRegularFileError as err:
        raise ReadError(f"{err.strerror}; not checked", unreadable=True) from None
    except TooLargeError as err:
        if err.size > max_size + 1:
            raise ReadError(f"file is {err.size} bytes, over the max-file-size of {max_size}; not checked") from None
        raise ReadError(f"file is over the max-file-size of {max_size} bytes; not checked") from None
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}", unreadable=True) from None
    try:
        return SourceText.decode(data), data, status
    except DecodeError as err:
        raise ReadError(str(err), undecodable=True) from None


def check_file(path: str, kind: str | None, settings: Settings, mode: str = CHECK) -> FileResult:
    result = FileResult(path, kind)
    try:
        _check(result, settings, mode, None)
    except Exception as err:  # noqa: BLE001 - a bug in dehub: report it for this file, go on with the rest
        _internal_error(result, err)
    return result


def check_bytes(path: str, data: bytes, kind: str | None, settings: Settings, mode: str = CHECK) -> FileResult:
    """Check text that is not on disk (standard input); with FIX, `output` holds the fixed bytes."""
    result = FileResult(path, kind)
    try:
        _check(result, settings, mode, data)
    except Exception as err:  # noqa: BLE001 - as in check_file
        _internal_error(result, err)
    return result


def _internal_error(result: FileResult, err: Exception) -> None:
    result.internal_error = True
    message = f"internal error while checking this file: {type(err).__name__}: {err}"
    result.findings = [_problem(result.path, result.kind, message)]


def _problem(path: str, kind: str | None, message: str) -> Finding:
    finding = dh900.check(0, 0, message)
    finding.path, finding.kind = path, kind or ""
    finding.line = finding.column = finding.end_line = finding.end_column = 1
    return finding


def _check(result: FileResult, settings: Settings, mode: str, data: bytes | None) -> None:
    path = result.path
    status = None
    try:
        if data is None:
            source, original, status = read_source_status(path, settings.max_file_size)
        else:
            if len(data) > settings.max_file_size:
                raise ReadError(f"input is over the max-file-size of {settings.max_file_size} bytes; not checked")
            try:
                source, original = SourceText.decode(data), data
            except DecodeError as err:
                raise ReadError(str(err), undecodable=True) from None
    except ReadError as err:
        if result.kind == SNIFF:  # found by walking, its kind unknown: not ours to report
            result.kind, result.skipped = None, QUIET_SKIP
        elif result.kind is None and err.undecodable:
            result.skipped = "not UTF-8 text, so not a kind of file dehub reads"
        elif dh900.CODE in settings.enabled:
            result.findings = [_problem(path, result.kind, str(err))]
        return
    if result.kind is None or result.kind == SNIFF:
        walked = result.kind == SNIFF
        result.kind = kind_for_text(source.text, path, walked)
        if result.kind is None:
            result.skipped = QUIET_SKIP if walked else skip_reason(path)
            return
    kind = result.kind
    if mode == CHECK:
        findings = lint_source(source, kind, settings)
    else:
        from .atomic import write_atomically
        from .fixer import fix_source

        outcome = fix_source(source, kind, settings, settings.unsafe_fixes)
        findings = outcome.findings
        if outcome.refused:
            findings.append(_problem(path, kind, f"fix not applied: {outcome.refused}"))
        elif outcome.applied:
            result.fixed = outcome.applied
            new_bytes = outcome.source.encode()
            if mode == DIFF:
                result.diff = unified_diff(path, source.text, outcome.source.text)
            elif data is not None:
                result.output = new_bytes
            else:
                try:
                    write_atomically(path, new_bytes, original, read_status=status)
                    result.written = True
                except OSError as err:  # the fix is not in the file: its findings stand, nothing is fixed
                    result.fixed, result.write_failed = 0, True
                    findings = lint_source(source, kind, settings)
                    findings.append(_problem(path, kind, f"could not write the fix: {err}"))
        if data is not None and result.output is None and mode == FIX:
            result.output = original
    for finding in findings:
        finding.path = path
    result.findings = findings


def unified_diff(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=path, tofile=path
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def usable_cores() -> int:
    """The cores this process may use: its CPU set, and a container's CPU quota (as Rust's
    `available_parallelism` counts them), not the machine's."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this platform
        cores = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(cores, quota)) if quota else cores


def cgroup_cpu_quota() -> int | None:
    """Whole cores the cgroup's CPU quota allows (rounded up), or None without a quota."""
    for path, split in (("/sys/fs/cgroup/cpu.max", None), ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "period")):
        try:
            with open(path, "rb") as handle:
                fields = handle.read().split()
            if split:  # cgroup v1: the period is in a file of its own
                with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "rb") as handle:
                    fields.append(handle.read().strip())
            quota, period = int(fields[0]), int(fields[1])
        except (OSError, IndexError, ValueError):  # no such file, or "max": no quota
            continue
        if quota > 0 and period > 0:
            return -(-quota // period)
    return None


def default_jobs() -> int:
    """One process per usable core.

    Not fewer when other programs keep the cores busy: a second process then costs about 2%
    more CPU than one (fork, sending results back), and gets the idle moments one process
    leaves unused, which measured as the larger effect on a shared 2-core machine
    (bench/README.md, "Parallel checking").
    """
    return usable_cores()


def jobs_for(count: int, jobs: int | None) -> int:
    """Processes to check `count` files with: `jobs` as given; by default (None) one below
    PARALLEL_THRESHOLD files (where forking costs more than it saves), `default_jobs()` from
    there on."""
    if jobs is None:
        jobs = default_jobs() if count >= PARALLEL_THRESHOLD else 1
    return max(1, min(jobs, count))


def check_files(files: list[tuple[str, str | None, Settings]], mode: str, jobs: int | None = None) -> list[FileResult]:
    """Check many files, each with the settings of its configuration, in `jobs_for(len(files),
    jobs)` processes; results in the order given. The settings (one object per configuration,
    shared by its files) reach forked workers in their memory, never through a pipe."""
    jobs = jobs_for(len(files), jobs)

    def work(chunk: Sequence[tuple[str, str | None, Settings]]) -> list[FileResult]:
        return [check_file(path, kind, settings, mode) for path, kind, settings in chunk]

    if jobs == 1:
        return work(files)
    from .parallel import run_chunks

    first: dict[str | None, int] = {}  # one file of each kind, checked before forking (see run_chunks)
    for index, (_, kind, _) in enumerate(files):
        first.setdefault(kind, index)
    return run_chunks(files, jobs, work, _encode_results, _decode_results, first=list(first.values()))


_RESULT_FIELDS = tuple(slot for slot in FileResult.__slots__ if slot != "findings")


def _encode_results(results: list[FileResult]) -> list[ResultRow]:
    from .parallel import encode_findings

    return [
        (tuple(getattr(result, name) for name in _RESULT_FIELDS), encode_findings(result.findings))
        for result in results
    ]


def _decode_results(rows: list[ResultRow]) -> list[FileResult]:
    from .parallel import decode_findings

    out = []
    for fields, findings in rows:
        result = FileResult.__new__(FileResult)
        for name, value in zip(_RESULT_FIELDS, fields, strict=True):
            setattr(result, name, value)
        result.findings = decode_findings(findings)
        out.append(result)
    return out
