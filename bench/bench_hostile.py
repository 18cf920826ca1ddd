"""Time `dehub check` on the hostile shapes of issue 12 at n, 2n and 4n: is it linear?

    python bench/bench_hostile.py [--max-kb 1024] [--shapes a,b] [--repeat 1] [--timeout 300]
        [--memory-mb 3072] [--dehub PATH] [--hadolint PATH] [--json]

For each shape of hostile_shapes.py, n is the largest count whose 4n file stays under
--max-kb. The file is written at n, 2n and 4n and `dehub check --format json FILE` is timed on
each (the fixer's shape also with `--fix` on a fresh copy): the growth t(4n)/t(n) is about 4
for a linear path and about 16 for a quadratic one; the spec's rule calls it linear under 8.
Peak RSS is the child's own (os.wait4). A dehub run is stopped at --timeout seconds or at
--memory-mb of address space (a quadratic shape can take gigabytes), and shown as stopped.
For the Dockerfile shapes, hadolint is timed on the same 4n file in the same run, and the
ratio dehub/hadolint printed (the project's benchmarks report ratios against hadolint).

Exit status: 0 every shape grew linearly, 1 one did not (or was stopped), 2 a tool failed.
Only the standard library is used; both tools are run as installed binaries.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_shapes
from bench_dockerfiles import ToolError, find_tool, tool_version

LINEAR = 8.0  # t(4n) / t(n) under this is linear (the spec's rule: 4 linear, 16 quadratic)
SIZES = (1, 2, 4)


class Timing:
    """One run: wall seconds (the min over repeats), peak RSS in KiB, findings, and why it was
    stopped ('' when it ran to the end)."""

    __slots__ = ("seconds", "rss_kib", "findings", "stopped")

    def __init__(self, seconds: float, rss_kib: int, findings: int | None, stopped: str = "") -> None:
        self.seconds = seconds
        self.rss_kib = rss_kib
        self.findings = findings
        self.stopped = stopped


# Run in a small child of its own: on Linux a process's peak RSS starts at the RSS of the
# process that forked it (exec keeps the high-water mark), so the bench, holding 1 MiB texts
# and parsed reports, would set a floor under every tool's number.
LAUNCHER = """
import os, resource, subprocess, sys, threading, time
timeout, memory, out_path, command = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))) if memory else None
with open(out_path, "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL, preexec_fn=limit)
    killed = threading.Event()
    timer = threading.Timer(timeout, lambda: (killed.set(), child.kill()))
    timer.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
print(seconds, usage.ru_maxrss, child.returncode, int(killed.is_set()))
"""


def run_once(command: list[str], cwd: str, timeout: float, memory: int) -> tuple[float, int, bytes, int, bool]:
    """(wall seconds, peak RSS KiB, stdout, exit status, timed out) of one run, killed at `timeout`
    seconds, its address space limited to `memory` bytes (0: no limit; hadolint's runtime
    reserves a terabyte of address space up front)."""
    with tempfile.NamedTemporaryFile(prefix="dehub-hostile-out-") as out:
        done = subprocess.run(
            [sys.executable, "-I", "-c", LAUNCHER, str(timeout), str(memory), out.name, *command],
            cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout + 60, check=False,
        )  # fmt: skip
        fields = done.stdout.split()
        if done.returncode != 0 or len(fields) != 4:
            raise ToolError(f"the launcher failed on {' '.join(command)}: {done.stderr.strip()[-500:]}")
        with open(out.name, "rb") as handle:
            stdout = handle.read()
    return float(fields[0]), int(fields[1]), stdout, int(fields[2]), fields[3] == "1"


def timed(
    command: list[str], cwd: str, options: argparse.Namespace, count=None, prepare=None, memory: int = 0
) -> Timing:
    """The fastest of --repeat runs (`prepare()` before each); `count(stdout)` the findings."""
    best: Timing | None = None
    for _ in range(options.repeat):
        if prepare is not None:
            prepare()
        seconds, rss, stdout, code, timed_out = run_once(command, cwd, options.timeout, memory)
        if timed_out:
            return Timing(seconds, rss, None, f"over {options.timeout:g} s")
        if code not in (0, 1):
            if memory:  # MemoryError, or killed on the way there
                return Timing(seconds, rss, None, f"exit {code}: over {memory >> 20} MiB?")
            raise ToolError(f"{' '.join(command)} exited {code} in {cwd}")
        found = count(stdout) if count is not None else None
        if best is None or seconds < best.seconds:
            best = Timing(seconds, max(rss, best.rss_kib if best else 0), found)
    assert best is not None
    return best


def dehub_count(stdout: bytes) -> int:
    return len(json.loads(stdout)["findings"])


def hadolint_count(stdout: bytes) -> int:
    return len(json.loads(stdout)) if stdout.strip() else 0


def write(root: str, name: str, text: str) -> str:
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def bench_shape(name: str, options: argparse.Namespace, dehub: str, hadolint: str | None, root: str) -> list[dict]:
    """The rows of one shape: `dehub check`, and for the fixer's shape `dehub check --fix`."""
    shape = hostile_shapes.SHAPES[name]
    n = hostile_shapes.n_for(shape, options.max_kb * 1024)
    files = {}
    for factor in SIZES:
        filename, text = shape(factor * n)
        folder = os.path.join(root, name, str(factor))
        files[factor] = (folder, filename, write(folder, filename, text), len(text.encode()))
    modes = [("check", ["check", "--format", "json"])]
    if name in hostile_shapes.FIX_SHAPES:
        modes.append(("--fix", ["check", "--fix", "--format", "json"]))
    rows = []
    for mode, arguments in modes:
        timings = {}
        for factor, (folder, filename, path, _) in files.items():
            prepare = None
            if mode == "--fix":  # each run fixes a fresh copy of the generated file
                original = path + ".orig"
                if not os.path.exists(original):
                    shutil.copyfile(path, original)
                prepare = (lambda src, dst: lambda: shutil.copyfile(src, dst))(original, path)
            command = [dehub, *arguments, filename]
            timings[factor] = timed(command, folder, options, dehub_count, prepare, options.memory_mb << 20)
            log(f"bench: {name:<20} {mode:<6} {factor}n: {describe(timings[factor])}")
            if timings[factor].stopped:
                break
        row = {
            "shape": name if mode == "check" else f"{name} --fix",
            "n": n,
            "bytes_4n": files[4][3],
            "seconds": {f"{factor}n": timings[factor].seconds if factor in timings else None for factor in SIZES},
            "stopped": next((f"{f}n {t.stopped}" for f, t in timings.items() if t.stopped), ""),
            "findings_4n": timings[4].findings if 4 in timings else None,
            "peak_rss_mib_4n": timings[4].rss_kib / 1024 if 4 in timings else None,
            "hadolint_s_4n": None,
            "hadolint_stopped": "",
            "hadolint_ratio_4n": None,
        }
        done = 4 in timings and not row["stopped"]
        row["growth"] = timings[4].seconds / timings[1].seconds if done else None
        row["linear"] = done and row["growth"] < LINEAR
        dockerfile = files[4][1] == "Dockerfile"
        if hadolint is not None and dockerfile and mode == "check":
            folder, filename, _, _ = files[4]
            command = [hadolint, "--trusted-registry", "public.ecr.aws", "-f", "json", filename]
            timing = timed(command, folder, options, hadolint_count)
            log(f"bench: {name:<20} hadolint 4n: {describe(timing)}")
            row["hadolint_s_4n"] = timing.seconds  # with `hadolint_stopped`: at least this
            row["hadolint_stopped"] = timing.stopped
            if done:
                row["hadolint_ratio_4n"] = timings[4].seconds / timing.seconds
        rows.append(row)
    return rows


def describe(timing: Timing) -> str:
    if timing.stopped:
        return f"stopped ({timing.stopped})"
    return f"{timing.seconds:.3f} s, {timing.rss_kib / 1024:.0f} MiB, {timing.findings} findings"


def print_table(rows: list[dict], header: str) -> None:
    out = [header, ""]
    columns = f"{'shape':<26}{'n':>7}{'KiB 4n':>8}{'t(n)':>9}{'t(2n)':>9}{'t(4n)':>9}{'growth':>8}"
    columns += f"{'RSS 4n':>9}{'found 4n':>9}{'hadolint':>10}{'ratio':>8}"
    out += [columns, "-" * len(columns)]
    for row in rows:
        seconds = row["seconds"]
        cells = "".join(f"{_s(seconds[f'{factor}n']):>9}" for factor in SIZES)
        growth = f"{row['growth']:.1f}" if row["growth"] is not None else "-"
        growth += "" if row["linear"] else "!"
        rss = f"{row['peak_rss_mib_4n']:.0f} MiB" if row["peak_rss_mib_4n"] is not None else "-"
        found = row["findings_4n"] if row["findings_4n"] is not None else "-"
        over = "<" if row["hadolint_stopped"] else ""  # hadolint was stopped: the ratio is at most this
        ratio = f"{over}{row['hadolint_ratio_4n']:.2f}" if row["hadolint_ratio_4n"] is not None else "-"
        hadolint = (">" if over else "") + _s(row["hadolint_s_4n"])
        out.append(
            f"{row['shape']:<26}{row['n']:>7}{row['bytes_4n'] / 1024:>8.0f}{cells}{growth:>8}{rss:>9}{found!s:>9}"
            f"{hadolint:>10}{ratio:>8}"
        )
    out.append("")
    out.append(f"growth = t(4n)/t(n): about 4 linear, about 16 quadratic; `!` marks {LINEAR:g} or more.")
    out += [f"{row['shape']}: stopped at {row['stopped']}" for row in rows if row["stopped"]]
    out.append("ratio = dehub t(4n) / hadolint t(4n) on the same Dockerfile.")
    sys.stdout.write("\n".join(out) + "\n")


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}s"


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time `dehub check` on issue 12's hostile shapes at n, 2n and 4n.")
    parser.add_argument("--max-kb", type=int, default=1024, help="the 4n file stays under this many KiB (1024)")
    parser.add_argument("--shapes", help=f"comma-separated shapes (default: all: {', '.join(hostile_shapes.SHAPES)})")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest counts (default: 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default: 300)")
    parser.add_argument(
        "--memory-mb", type=int, default=3072, help="address space a dehub run may take (default: 3072)"
    )
    parser.add_argument("--dehub", metavar="PATH", help="the dehub executable (default: on PATH, or next to python)")
    parser.add_argument("--hadolint", metavar="PATH", help="the hadolint executable (default: as for --dehub)")
    parser.add_argument("--no-hadolint", action="store_true", help="do not time hadolint")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    options = parser.parse_args(argv)
    shapes = options.shapes.split(",") if options.shapes else list(hostile_shapes.SHAPES)
    unknown = [shape for shape in shapes if shape not in hostile_shapes.SHAPES]
    if unknown:
        parser.error(f"unknown shape(s) {', '.join(unknown)}; known: {', '.join(hostile_shapes.SHAPES)}")
    if options.max_kb < 1 or options.repeat < 1 or options.timeout <= 0 or options.memory_mb < 1:
        parser.error("--max-kb, --repeat, --timeout and --memory-mb must be positive")
    options.shape_list = shapes
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        dehub = find_tool("dehub", options.dehub)
        hadolint = None if options.no_hadolint else find_tool("hadolint", options.hadolint)
        versions = tool_version(dehub) + (f", {tool_version(hadolint)}" if hadolint else "")
    except ToolError as err:
        log(f"bench: {err}")
        return 2
    root = tempfile.mkdtemp(prefix="dehub-hostile-")
    rows: list[dict] = []
    try:
        for name in options.shape_list:
            rows += bench_shape(name, options, dehub, hadolint, root)
    except ToolError as err:
        log(f"bench: {err}")
        return 2
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if options.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        print_table(rows, f"{versions}; 4n under {options.max_kb} KiB; fastest of {options.repeat} run(s) a size")
    return 0 if all(row["linear"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
