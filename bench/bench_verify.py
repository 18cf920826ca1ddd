"""Benchmark what `--verify` adds to a run: the registry's answers, then the answer cache.

    python bench/bench_verify.py [--files 40] [--images 4] [--repeat 5] [--dehub PATH] [--hadolint PATH]

Starts Debian's `docker-registry` on loopback (the test fixtures in tests/registryfixtures.py;
`apt-get install docker-registry`), pushes `--images` images into it, writes `--files`
Dockerfiles pulling them from Docker Hub, and maps them to the loopback registry through a
`custom` mirror target, behind a counting proxy. Then times, alternately and `--repeat` times
each: hadolint on the same files, `dehub check`, `dehub check --verify` with an empty answer
cache (`--no-cache`), and `dehub check --verify` served from the cache. Prints the median wall
time, the registry requests each made, and the ratio of each to hadolint's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import bench_dockerfiles as bd  # noqa: E402
from registryfixtures import fault_proxy, registry_server  # noqa: E402

IMAGES = ("node", "python", "alpine", "nginx", "redis", "postgres", "golang", "ruby")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--images", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dehub")
    parser.add_argument("--hadolint")
    options = parser.parse_args(argv)
    dehub = bd.find_tool("dehub", options.dehub)
    hadolint = bd.find_tool("hadolint", options.hadolint)
    images = IMAGES[: max(1, min(options.images, len(IMAGES)))]
    with tempfile.TemporaryDirectory() as work, registry_server() as registry:
        for name in images:
            registry.push(f"library/{name}", "1", kind="index")
        with fault_proxy(registry.url) as proxy:
            tree = os.path.join(work, "tree")
            os.makedirs(os.path.join(tree, ".git"))
            with open(os.path.join(tree, ".dehub.yaml"), "w", encoding="utf-8") as handle:
                handle.write(f"mirror:\n  target: custom\n  template: {proxy.host}/{{path}}\n")
            files = []
            for index in range(options.files):
                path = os.path.join(tree, f"Dockerfile.{index}")
                with open(path, "w", encoding="utf-8") as handle:
                    for stage, name in enumerate(images):
                        handle.write(f"FROM {name}:1 AS s{stage}\nRUN true\n")
                files.append(path)
            environment = {**os.environ, "DEHUB_CACHE_DIR": os.path.join(work, "cache"), "NO_COLOR": "1"}
            check = [dehub, "check", "--exit-zero", "-q", *files]
            commands = {
                "hadolint": [hadolint, "--no-fail", *files],
                "dehub check": check,
                "--verify, no cache": [*check, "--verify", "--no-cache"],
                "--verify, cached": [*check, "--verify"],
            }
            subprocess.run(commands["--verify, cached"], env=environment, capture_output=True, check=True)  # warm
            times: dict[str, list[float]] = {name: [] for name in commands}
            asked: dict[str, list[int]] = {name: [] for name in commands}
            for _ in range(options.repeat):
                for name, command in commands.items():
                    before = len(proxy.requests)
                    start = time.perf_counter()
                    subprocess.run(command, env=environment, capture_output=True, check=True, cwd=tree)
                    times[name].append(time.perf_counter() - start)
                    asked[name].append(len(proxy.requests) - before)
    base = statistics.median(times["hadolint"])
    print(f"{options.files} Dockerfiles, {len(images)} distinct images, {options.repeat} runs each (median)")
    print(f"{'command':<20} {'wall':>8} {'requests':>9} {'/hadolint':>10}")
    for name in commands:
        wall = statistics.median(times[name])
        print(f"{name:<20} {wall:>7.3f}s {statistics.median(asked[name]):>9.0f} {wall / base:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
