"""Benchmark one `dehub check` of one small Dockerfile against hadolint on the same file.

    python bench/bench_startup.py [--repeat 60] [--dehub PATH] [--hadolint PATH] [FILES...]

What a pre-commit run on one file, or an editor that pipes a buffer to the command line, costs:
start-up dominates. For each file (default: the Dockerfiles in examples/, 12-18 lines), the two
tools run alternately, --repeat times each, in the same run: `dehub check --isolated FILE`
and `hadolint FILE`. Prints median wall and CPU time per tool and file, and the ratio
dehub/hadolint (target: <= 1.0). Only the standard library is used; the two tools are run as
installed executables (a non-editable install: an editable one adds its import hook).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dockerfiles as bd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = ("examples/api/Dockerfile", "examples/web/Dockerfile.prod", "examples/worker/Containerfile")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="Dockerfiles to time (default: the examples' Dockerfiles)")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--dehub")
    parser.add_argument("--hadolint")
    options = parser.parse_args(argv)
    files = [os.path.abspath(path) for path in options.files] or [os.path.join(ROOT, path) for path in EXAMPLES]
    dehub = bd.find_tool("dehub", options.dehub)
    hadolint = bd.find_tool("hadolint", options.hadolint)
    commands = {"dehub": [dehub, "check", "--isolated"], "hadolint": [hadolint]}
    print(f"dehub {bd.tool_version(dehub)} ({bd.dehub_install(dehub)}), {bd.tool_version(hadolint)}")
    print(f"{'file':<34} {'dehub wall/cpu':>16} {'hadolint wall/cpu':>19} {'ratio':>7}")
    worst = 0.0
    for path in files:
        runs = {name: [] for name in commands}
        for index in range(options.repeat):
            for name in commands if index % 2 == 0 else reversed(list(commands)):
                runs[name].append(bd.run_tool(commands[name], [[path]], os.path.dirname(path)))
        wall = {name: statistics.median(run.wall for run in found) for name, found in runs.items()}
        cpu = {name: statistics.median(run.cpu for run in found) for name, found in runs.items()}
        ratio = wall["dehub"] / wall["hadolint"]
        worst = max(worst, ratio)
        shown = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
        print(
            f"{shown:<34} {wall['dehub'] * 1000:7.1f}/{cpu['dehub'] * 1000:5.1f} ms "
            f"{wall['hadolint'] * 1000:9.1f}/{cpu['hadolint'] * 1000:5.1f} ms {ratio:7.2f}"
        )
    print(f"worst ratio {worst:.2f} (target <= 1.0): {'PASS' if worst <= 1.0 else 'MISS'}")
    return 0 if worst <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
