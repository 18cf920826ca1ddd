"""Time `dehub check` with one process (`-j 1`), with N (`-j N`) and with the default.

    python bench/bench_parallel.py [--files 3000] [--workflow-share 0.33] [--repeat 5]
        [--sizes 25,50,100,200,400,800,1600] [--jobs N] [--seed 1] [--dehub PATH] [--json]

The question: is the default (from `PARALLEL_THRESHOLD` files on, one process per usable
core: dehub/runner.py) never slower than `-j 1`, and where does `-j N` start to pay for its
fork and for sending results back? The corpus mixes Dockerfiles
(bench/corpus.py) and GitHub workflows (bench_workflows.py), `--workflow-share` of them
workflows, in a tree like a monorepo's. For the full corpus and for each of `--sizes` (the
same mix, fewer files), the three commands run interleaved, `--repeat` rounds, each round in
a different order, over the same explicit file list (sorted, as dehub's discovery would order
a folder):

    dehub check --isolated --format text -j 1 FILES
    dehub check --isolated --format text -j N FILES     (N: --jobs, default the usable cores)
    dehub check --isolated --format text FILES          (the default)

Wall time is time.perf_counter() around subprocess.run, output captured; CPU time is user +
system of dehub and its children (getrusage); "runnable" is the median number of processes
running or ready to run on the machine just before each run (/proc/loadavg): on a shared
machine, how busy the others kept it. The three reports must be byte for byte the same. Exit
status: 0 when the default's median is not above `-j 1`'s on the full corpus, 1 when it is, 2
when a run failed or the reports differ. Use a non-editable install (the script says which it
runs): an editable one adds start-up time to every run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dockerfiles as bd
import bench_workflows as bw
import corpus

DEFAULT_SIZES = (25, 50, 100, 200, 400, 800, 1600)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def write_corpus(root: str, files: int, share: float, seed: int) -> tuple[list[str], list[str]]:
    """N files under `root`: Dockerfiles and workflows; returns (Dockerfiles, workflows), each in order."""
    workflow_count = round(files * share)
    dockerfiles = corpus.write(root, corpus.generate(files - workflow_count, seed))
    rng = random.Random(seed)
    workflows = []
    for index in range(workflow_count):
        relative = f"repo-{index % 40:02d}/.github/workflows/ci-{index:04d}.yml"
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(bw.workflow(rng))
        workflows.append(relative)
    return dockerfiles, workflows


def subset(dockerfiles: list[str], workflows: list[str], size: int, share: float) -> list[str]:
    """`size` files in the same mix, sorted as a folder walk would give them."""
    count = min(round(size * share), len(workflows))
    return sorted(workflows[:count] + dockerfiles[: size - count])


def measure(commands: dict[str, list[str]], files: list[str], root: str, repeat: int) -> dict:
    budget = bd.arg_budget()
    chunks = bd.chunk(list(commands.values()), files, budget)
    if len(chunks) > 1:
        bd.log(f"bench: the file list needs {len(chunks)} execs; dehub decides -j per exec")
    names = list(commands)
    runs: dict[str, list[bd.Run]] = {name: [] for name in names}
    runnable: list[int] = []
    for index in range(repeat):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            runnable.append(runnable_now())
            run = bd.run_tool(commands[name], chunks, root)
            bd.check_codes(name, run, commands[name])
            runs[name].append(run)
    reports = {name: b"".join(runs[name][0].outputs) for name in names}
    if len(set(reports.values())) != 1:
        raise bd.ToolError(f"the reports differ between {', '.join(names)} on {len(files)} files")
    result = {name: bd.summary(found) for name, found in runs.items()}
    last_line = reports[names[0]].decode("utf-8", "replace").rstrip("\n").rsplit("\n", 1)[-1]
    return {"files": len(files), "summary": last_line, "runs": result, "runnable_median": statistics.median(runnable)}


def runnable_now() -> int:
    """Processes running or ready to run on the machine right now, this one included (Linux; else -1)."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, IndexError, ValueError):
        return -1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000, help="files in the full corpus [3000]")
    parser.add_argument("--workflow-share", type=float, default=0.33, help="share of workflows [0.33]")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per size [5]")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="smaller sizes to time too, comma-separated; '' for none")
    parser.add_argument("--jobs", type=int, default=usable_cores(), help="N for -j N [the usable cores]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dehub", help="the dehub executable [dehub on PATH, else next to python]")
    parser.add_argument("--out", help="write the corpus here and keep it [a temporary folder]")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    options = parser.parse_args(argv)
    if not 0 <= options.workflow_share <= 1:
        parser.error("--workflow-share must be between 0 and 1")
    options.size_list = sorted({int(size) for size in options.sizes.split(",") if size.strip()} - {options.files})
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        dehub = bd.find_tool("dehub", options.dehub)
    except bd.ToolError as err:
        bd.log(f"bench: {err}")
        return 2
    install = bd.dehub_install(dehub)
    root = os.path.abspath(options.out) if options.out else tempfile.mkdtemp(prefix="dehub-bench-parallel-")
    if options.out and os.path.exists(root) and os.listdir(root):
        bd.log(f"bench: {root} is not empty; give a new folder")
        return 2
    os.makedirs(root, exist_ok=True)
    base = [dehub, "check", "--isolated", "--format", "text"]
    commands = {"-j 1": [*base, "-j", "1"], f"-j {options.jobs}": [*base, "-j", str(options.jobs)], "default": base}
    env_note = os.environ.pop("GITHUB_ACTIONS", None)  # it would switch the default format
    try:
        dockerfiles, workflows = write_corpus(root, options.files, options.workflow_share, options.seed)
        bd.log(f"bench: {len(dockerfiles)} Dockerfiles and {len(workflows)} workflows in {root}")
        bd.log(f"bench: dehub {dehub} ({install}); {usable_cores()} usable cores")
        load_before = os.getloadavg()
        sizes = []
        for size in [*options.size_list, options.files]:
            files = subset(dockerfiles, workflows, size, options.workflow_share)
            found = measure(commands, files, root, options.repeat)
            sizes.append(found)
            line = "  ".join(f"{name} {run['median_s']:.3f} s" for name, run in found["runs"].items())
            bd.log(f"bench: {size:>5} files: {line}")
        load_after = os.getloadavg()
    except bd.ToolError as err:
        bd.log(f"bench: {err}")
        return 2
    finally:
        if env_note is not None:
            os.environ["GITHUB_ACTIONS"] = env_note
        if not options.out:
            shutil.rmtree(root, ignore_errors=True)
    full = sizes[-1]["runs"]
    report = {
        "dehub": dehub,
        "install": install,
        "usable_cores": usable_cores(),
        "jobs": options.jobs,
        "workflow_share": options.workflow_share,
        "repeat": options.repeat,
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "sizes": sizes,
        "default_not_slower": full["default"]["median_s"] <= full["-j 1"]["median_s"],
    }
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0 if report["default_not_slower"] else 1


def print_table(report: dict) -> None:
    names = list(report["sizes"][0]["runs"])
    print(f"dehub: {report['dehub']} ({report['install']})")
    print(f"usable cores: {report['usable_cores']}; workflows: {report['workflow_share']:.0%} of the files; "
          f"median of {report['repeat']} rounds; load average before/after: {report['load_average_before_after']}")
    header = f"{'files':>6}  " + "  ".join(f"{name + ' wall (min)':>22}" for name in names)
    print(header + f"  {'-j N / -j 1':>11}  {'default / -j 1':>14}  {'cpu -j 1 / -j N':>16}  runnable")
    for size in report["sizes"]:
        runs = size["runs"]
        cells = "  ".join(f"{run['median_s']:>9.3f} s ({run['min_s']:.3f})".rjust(22) for run in runs.values())
        one, many, default = (runs[name] for name in names)
        print(
            f"{size['files']:>6}  {cells}  {many['median_s'] / one['median_s']:>11.2f}  "
            f"{default['median_s'] / one['median_s']:>14.2f}  "
            f"{one['cpu_median_s']:>6.2f} / {many['cpu_median_s']:.2f} s  {size['runnable_median']:>8}"
        )
    verdict = "PASS" if report["default_not_slower"] else "FAIL"
    print(f"default not slower than -j 1 on {report['sizes'][-1]['files']} files: {verdict}")
    print(f"report: {report['sizes'][-1]['summary']}")


if __name__ == "__main__":
    raise SystemExit(main())
