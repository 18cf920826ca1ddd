"""Benchmark `dehub check` against hadolint on a generated corpus of realistic Dockerfiles.

    python bench/bench_dockerfiles.py [--files 1000] [--repeat 5] [--seed 1]
        [--dehub PATH] [--hadolint PATH] [--out DIR] [--keep] [--json]

1. Writes N deterministic Dockerfiles (bench/corpus.py) in a tree under --out (a temporary
   folder by default; removed at the end unless --keep).
2. Counts the files where hadolint reports a parse error (DL1000, or a message about
   "unexpected") in its first run over all of them: a file hadolint cannot parse is a file it
   does not lint, which would flatter hadolint. The count must be 0.
3. Times, interleaved in the same run, `dehub check --format json FILES` and
   `hadolint --trusted-registry public.ecr.aws -f json FILES` over the same explicit file list
   (--repeat times each), then both on one typical ~60-line file (--single-repeat times each).
   Wall time is time.perf_counter() around subprocess.run with stdout and stderr captured;
   CPU time (user + system, the tool and every process it waited for) comes from
   getrusage(RUSAGE_CHILDREN). A file list too long for one exec is split into chunks the
   same way for both tools and the chunk times are summed.
4. Prints wall time (median, min), CPU time, finding counts and the ratios dehub/hadolint
   against the targets (N files <= 0.05, one file <= 1.0); --json prints them as JSON.

Exit status: 0 all targets met, 1 a target missed, 2 a tool failed or the corpus is unfair.
Only the standard library is used; the two tools are run as installed binaries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus

TARGET_MANY = 0.05  # dehub/hadolint wall-time ratio on N files
TARGET_ONE = 1.0  # dehub/hadolint wall-time ratio on one file
SINGLE_LINES = 60  # the "typical" file for the single-file run
MARKER = ".dehub-bench-corpus"  # marks a corpus folder this script may delete and rewrite


class ToolError(Exception):
    pass


def find_tool(name: str, given: str | None) -> str:
    """--NAME PATH, else `shutil.which(NAME)`, else NAME next to the running interpreter."""
    if given:
        path = shutil.which(given) or given
        if not os.path.isfile(path):
            raise ToolError(f"--{name} {given}: no such file")
        return os.path.abspath(path)
    found = shutil.which(name)
    if found:
        return found
    sibling = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.isfile(sibling) and os.access(sibling, os.X_OK):
        return sibling
    raise ToolError(f"cannot find `{name}` on PATH or next to {sys.executable}; pass --{name} PATH")


def tool_version(path: str) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as err:
        raise ToolError(f"{path} --version: {err}") from None
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


def dehub_install(path: str) -> str:
    """Where the `dehub` package that this script imports lives, and whether that is an editable install."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
    except OSError:
        return "unknown"
    if not first.startswith("#!"):
        return "unknown (not a Python console script)"
    interpreter = first[2:].strip().split()[0]
    try:
        done = subprocess.run(
            [interpreter, "-I", "-c", "import dehub; print(dehub.__file__)"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tempfile.gettempdir(),  # not a folder that holds a `dehub` source tree
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    location = done.stdout.strip()
    if not location:
        return "unknown"
    package = os.path.dirname(location)
    if f"{os.sep}site-packages{os.sep}" in location or f"{os.sep}dist-packages{os.sep}" in location:
        return f"installed ({package})"
    return f"EDITABLE or source checkout ({package}): slower imports than what users run"


def config_warnings(root: str) -> list[str]:
    """Configuration files either tool would pick up for the corpus: each changes the work it does."""
    found = []
    folder = root
    while True:
        for name in (".dehub.yaml", ".dehub.yml", ".hadolint.yaml", ".hadolint.yml"):
            if os.path.isfile(os.path.join(folder, name)):
                found.append(os.path.join(folder, name))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    for path in (os.path.join(config_home, "hadolint.yaml"), os.path.join(home, ".hadolint", "hadolint.yaml")):
        if os.path.isfile(path):
            found.append(path)
    return found


# ---------------------------------------------------------------- running


def arg_budget() -> int:
    """Bytes of argv one exec may take here, leaving room for the environment and a margin."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError, AttributeError):
        limit = 128 * 1024
    if limit <= 0:
        limit = 128 * 1024
    environment = sum(len(key) + len(value) + 2 + 8 for key, value in os.environ.items())
    return max(4096, min(limit - environment - 16 * 1024, 1024 * 1024))


def chunk(prefixes: list[list[str]], files: list[str], budget: int) -> list[list[str]]:
    """Split `files` so that the longest command prefix plus one chunk fits in `budget` bytes.

    One split for all tools: each gets the same chunks, so the comparison stays fair.
    """
    fixed = max(sum(len(arg.encode()) + 1 + 8 for arg in prefix) for prefix in prefixes)
    chunks: list[list[str]] = []
    current: list[str] = []
    used = fixed
    for path in files:
        cost = len(path.encode()) + 1 + 8
        if current and used + cost > budget:
            chunks.append(current)
            current, used = [], fixed
        current.append(path)
        used += cost
    if current:
        chunks.append(current)
    return chunks


class Run:
    """One timed run of one tool over all its chunks."""

    __slots__ = ("wall", "cpu", "outputs", "errors", "codes")

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.outputs: list[bytes] = []
        self.errors: list[bytes] = []
        self.codes: list[int] = []


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tool(prefix: list[str], chunks: list[list[str]], cwd: str) -> Run:
    run = Run()
    for files in chunks:
        cpu_before = children_cpu()
        start = time.perf_counter()
        done = subprocess.run(prefix + files, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        run.wall += time.perf_counter() - start
        run.cpu += children_cpu() - cpu_before
        run.outputs.append(done.stdout)
        run.errors.append(done.stderr)
        run.codes.append(done.returncode)
    return run


def check_codes(name: str, run: Run, prefix: list[str]) -> None:
    """0 (clean) and 1 (findings) are success for both tools; anything else is a failure."""
    for code, error in zip(run.codes, run.errors, strict=True):
        if code not in (0, 1):
            message = error.decode("utf-8", "replace").strip()[-2000:]
            raise ToolError(f"{name} exited {code}: {' '.join(prefix)} ...\n{message}")


def dehub_findings(run: Run) -> tuple[int, int, int]:
    """(findings, DH900 parse/read problems, files skipped) from dehub's JSON output."""
    total = problems = 0
    for out in run.outputs:
        findings = json.loads(out)["findings"]
        total += len(findings)
        problems += sum(1 for finding in findings if finding["code"] == "DH900")
    skipped = sum(error.count(b"dehub: skipped ") for error in run.errors)
    return total, problems, skipped


def hadolint_findings(run: Run) -> tuple[int, set[str]]:
    """(findings, files with a parse error) from hadolint's JSON output."""
    total = 0
    unparsed: set[str] = set()
    for out in run.outputs:
        findings = json.loads(out) if out.strip() else []
        total += len(findings)
        for finding in findings:
            if finding.get("code") == "DL1000" or "unexpected" in finding.get("message", ""):
                unparsed.add(finding.get("file", "?"))
    return total, unparsed


def timed_pair(
    commands: dict[str, list[str]], chunks: list[list[str]], cwd: str, repeat: int, progress: bool = False
) -> dict[str, list[Run]]:
    """`repeat` runs of each command, interleaved, alternating which goes first."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for index in range(repeat):
        for name in names if index % 2 == 0 else reversed(names):
            run = run_tool(commands[name], chunks, cwd)
            check_codes(name, run, commands[name])
            runs[name].append(run)
            if progress:
                log(f"bench:   {index + 1}/{repeat} {name:<9}{run.wall:8.3f} s wall {run.cpu:8.3f} s cpu")
    return runs


def summary(runs: list[Run]) -> dict[str, float]:
    walls = [run.wall for run in runs]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "cpu_median_s": statistics.median(run.cpu for run in runs),
    }


# ---------------------------------------------------------------- corpus


def prepare_corpus(out: str | None, files: int, seed: int) -> tuple[str, str | None, list[str], dict[str, int]]:
    """Write the corpus; return (its root, the temp dir to remove or None, paths, line counts)."""
    temp = None
    if out is None:
        temp = out = tempfile.mkdtemp(prefix="dehub-bench-")
    root = os.path.join(os.path.abspath(out), f"dockerfiles-n{files}-s{seed}")
    if os.path.exists(root):
        if not os.path.exists(os.path.join(root, MARKER)):
            raise ToolError(f"{root} exists and was not written by this script; choose another --out")
        shutil.rmtree(root)
    os.makedirs(root)
    with open(os.path.join(root, MARKER), "w", encoding="utf-8") as handle:
        handle.write(f"written by bench/bench_dockerfiles.py: --files {files} --seed {seed}\n")
    generated = corpus.generate(files, seed)
    paths = corpus.write(root, generated)
    lines = {path: text.count("\n") for path, text in generated}
    return root, temp, paths, lines


def typical_file(paths: list[str], lines: dict[str, int], root: str) -> str:
    """The first multi-stage file whose length is closest to SINGLE_LINES."""
    def stages(path: str) -> int:
        with open(os.path.join(root, path), encoding="utf-8") as handle:
            return sum(1 for line in handle if line.upper().startswith("FROM "))

    candidates = sorted(paths, key=lambda path: abs(lines[path] - SINGLE_LINES))[:20]
    best = min(candidates, key=lambda path: (abs(lines[path] - SINGLE_LINES), stages(path) < 2, paths.index(path)))
    return best


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `dehub check` against hadolint on a generated corpus of Dockerfiles.",
    )
    parser.add_argument("--files", type=int, default=1000, help="Dockerfiles to generate (default: 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each tool over all files (default: 5)")
    parser.add_argument(
        "--single-repeat", type=int, default=30, help="timed runs of each tool on the single file (default: 30)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--dehub", metavar="PATH", help="the dehub executable (default: on PATH, or next to python)")
    parser.add_argument(
        "--hadolint", metavar="PATH", help="the hadolint executable (default: on PATH, or next to python)"
    )
    parser.add_argument("--out", metavar="DIR", help="write the corpus under DIR (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus after the run")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument(
        "--max-arg-bytes",
        type=int,
        default=None,
        help="split the file list into execs of at most this many bytes (default: what the OS allows)",
    )
    options = parser.parse_args(argv)
    if options.files < 1 or options.repeat < 1 or options.single_repeat < 1:
        parser.error("--files, --repeat and --single-repeat must be at least 1")
    return options


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        dehub = find_tool("dehub", options.dehub)
        hadolint = find_tool("hadolint", options.hadolint)
        versions = {"dehub": tool_version(dehub), "hadolint": tool_version(hadolint)}
        install = dehub_install(dehub)
    except ToolError as err:
        log(f"bench: {err}")
        return 2
    commands = {
        "dehub": [dehub, "check", "--format", "json"],
        "hadolint": [hadolint, "--trusted-registry", "public.ecr.aws", "-f", "json"],
    }
    log(f"bench: dehub    {dehub} ({versions['dehub']}; {install})")
    log(f"bench: hadolint {hadolint} ({versions['hadolint']})")

    root, temp, paths, lines = prepare_corpus(options.out, options.files, options.seed)
    try:
        return bench(options, commands, versions, install, root, paths, lines)
    except ToolError as err:
        log(f"bench: {err}")
        return 2
    finally:
        if options.keep:
            log(f"bench: corpus kept in {root}")
        else:
            shutil.rmtree(temp or root, ignore_errors=True)


def bench(options, commands, versions, install, root, paths, lines) -> int:
    budget = options.max_arg_bytes or arg_budget()
    chunks = chunk(list(commands.values()), paths, budget)
    total_lines = sum(lines.values())
    log(
        f"bench: {len(paths)} files, {total_lines} lines ({min(lines.values())}-{max(lines.values())} a file), "
        f"seed {options.seed}, under {root}; {len(chunks)} exec(s) per tool"
    )

    for path in config_warnings(root):
        log(f"bench: WARNING: {path} may apply to the corpus and change what a tool checks")

    single = typical_file(paths, lines, root)
    # Warm-up: load each binary (and dehub's bytecode) once before anything is timed.
    for name, prefix in commands.items():
        check_codes(name, run_tool(prefix, [[single]], root), prefix)

    log(f"bench: timing {options.repeat} x {len(paths)} files, interleaved ...")
    many = timed_pair(commands, chunks, root, options.repeat, progress=True)

    # The fairness and sanity checks, on the output of the first timed run over all files.
    dehub_total, dehub_problems, dehub_skipped = dehub_findings(many["dehub"][0])
    hadolint_total, unparsed = hadolint_findings(many["hadolint"][0])
    log(f"bench: hadolint parse errors (DL1000 or 'unexpected'): {len(unparsed)} file(s)")
    for path in sorted(unparsed)[:10]:
        log(f"bench:   {path}")

    log(f"bench: timing {options.single_repeat} x 1 file ({single}, {lines[single]} lines), interleaved ...")
    one = timed_pair(commands, [[single]], root, options.single_repeat)

    results = {name: {"files": summary(many[name]), "single": summary(one[name])} for name in commands}
    ratio_many = results["dehub"]["files"]["median_s"] / results["hadolint"]["files"]["median_s"]
    ratio_one = results["dehub"]["single"]["median_s"] / results["hadolint"]["single"]["median_s"]
    # the ratio of the fastest runs: informative on a busy machine, where the medians carry noise
    min_many = results["dehub"]["files"]["min_s"] / results["hadolint"]["files"]["min_s"]
    min_one = results["dehub"]["single"]["min_s"] / results["hadolint"]["single"]["min_s"]
    fair = not unparsed
    sane = dehub_total > 0 and dehub_problems == 0 and dehub_skipped == 0
    report = {
        "corpus": {
            "files": len(paths),
            "seed": options.seed,
            "lines": total_lines,
            "min_lines": min(lines.values()),
            "max_lines": max(lines.values()),
            "execs_per_tool": len(chunks),
            "single_file": single,
            "single_file_lines": lines[single],
        },
        "tools": {
            "dehub": {"path": commands["dehub"][0], "version": versions["dehub"], "install": install},
            "hadolint": {"path": commands["hadolint"][0], "version": versions["hadolint"]},
        },
        "commands": {
            "dehub": " ".join(os.path.basename(arg) if i == 0 else arg for i, arg in enumerate(commands["dehub"]))
            + " FILES",
            "hadolint": " ".join(
                os.path.basename(arg) if i == 0 else arg for i, arg in enumerate(commands["hadolint"])
            )
            + " FILES",
        },
        "repeat": options.repeat,
        "single_repeat": options.single_repeat,
        "results": results,
        "findings": {
            "dehub": dehub_total,
            "dehub_parse_problems": dehub_problems,
            "dehub_skipped_files": dehub_skipped,
            "hadolint": hadolint_total,
            "hadolint_unparsed_files": len(unparsed),
        },
        "ratios": {
            "files": {
                "value": ratio_many, "of_min": min_many, "target": TARGET_MANY, "pass": ratio_many <= TARGET_MANY
            },
            "single": {"value": ratio_one, "of_min": min_one, "target": TARGET_ONE, "pass": ratio_one <= TARGET_ONE},
        },
        "fair": fair,
        "sane": sane,
    }
    if options.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        print_table(report)
    if not fair or not sane:
        return 2
    return 0 if report["ratios"]["files"]["pass"] and report["ratios"]["single"]["pass"] else 1


def print_table(report: dict) -> None:
    c = report["corpus"]
    out = []
    out.append(
        f"corpus: {c['files']} Dockerfiles, seed {c['seed']}, {c['lines']} lines ({c['min_lines']}-{c['max_lines']} "
        f"a file), {c['execs_per_tool']} exec(s) per tool; single file: {c['single_file']} ({c['single_file_lines']} "
        f"lines)"
    )
    for name, tool in report["tools"].items():
        extra = f"; {tool['install']}" if "install" in tool else ""
        out.append(f"{name:<9}{tool['path']} ({tool['version']}{extra})")
    out.append(f"commands: {report['commands']['dehub']}")
    out.append(f"          {report['commands']['hadolint']}")
    f = report["findings"]
    out.append(
        f"fairness: hadolint could not parse {f['hadolint_unparsed_files']} file(s) "
        f"({'OK' if report['fair'] else 'UNFAIR: fix the generator'})"
    )
    out.append(
        f"findings: dehub {f['dehub']} (parse problems {f['dehub_parse_problems']}, skipped files "
        f"{f['dehub_skipped_files']}{'' if report['sane'] else '; NOT SANE'}), hadolint {f['hadolint']}"
    )
    out.append("")
    header = f"{'run':<24}{'repeats':>8}{'median':>11}{'min':>11}{'max':>11}{'cpu (med)':>12}"
    out.append(header)
    out.append("-" * len(header))
    for key, label, repeats in (
        ("files", f"{c['files']} files", report["repeat"]),
        ("single", "1 file", report["single_repeat"]),
    ):
        for name in ("dehub", "hadolint"):
            r = report["results"][name][key]
            out.append(
                f"{name + ' ' + label:<24}{repeats:>8}{_ms(r['median_s']):>11}{_ms(r['min_s']):>11}"
                f"{_ms(r['max_s']):>11}{_ms(r['cpu_median_s']):>12}"
            )
    out.append("")
    out.append(f"{'ratio dehub/hadolint':<24}{'median':>8}{'target':>11}{'result':>9}{'(of min)':>11}")
    for key, label in (("files", f"{c['files']} files"), ("single", "1 file")):
        ratio = report["ratios"][key]
        out.append(
            f"{label:<24}{ratio['value']:>8.3f}{'<= ' + format(ratio['target'], 'g'):>11}"
            f"{'PASS' if ratio['pass'] else 'FAIL':>9}{ratio['of_min']:>11.3f}"
        )
    sys.stdout.write("\n".join(out) + "\n")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
