"""Benchmark `dehub check` on GitHub workflows, against hadolint on the same repository's Dockerfiles.

    python bench/bench_workflows.py [--files 500] [--repeat 5] [--seed 1] [--dehub PATH] [--hadolint PATH]

hadolint does not read workflows, so the comparison is the one a platform team makes when it
adds dehub to a pre-commit or CI run that already has hadolint: a generated repository holds N
Dockerfiles (bench/corpus.py) and N workflows (this file: matrices, job containers, services,
`docker://` steps, `run:` scripts of 5-40 lines with docker commands, setup-buildx). Timed in
the same run, interleaved: `dehub check` over the N workflows, hadolint over the N Dockerfiles
(the existing cost), and each tool on one typical file (a 60-line workflow; a 60-line
Dockerfile). Ratios are dehub/hadolint, with the same targets as bench_dockerfiles.py: N files
<= 0.05, one file <= 1.0. Only the standard library and the two installed executables are used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dockerfiles as bd
import corpus

IMAGES = ["node:20", "python:3.12-slim", "postgres:16", "redis:7", "alpine:3.20", "golang:1.23", "mysql:8.4",
          "ghcr.io/acme/tools:1", "public.ecr.aws/docker/library/nginx:1.27", "bitnami/kafka:3.7"]  # fmt: skip
COMMANDS = ["npm ci", "npm test -- --ci", "make lint", "pytest -q", "go test ./...", "echo \"done: $GITHUB_SHA\"",
            "cat results.txt | tee -a \"$GITHUB_STEP_SUMMARY\"", "if [ -f x ]; then rm -f x; fi"]  # fmt: skip


def workflow(rng: random.Random) -> str:
    """One realistic workflow: 2-4 jobs, some with matrices, containers, services and scripts."""
    lines = ["name: ci", "on:", "  push:", "  pull_request:", "env:", f"  TOOLS: {rng.choice(IMAGES)}", "jobs:"]
    for job in range(rng.randint(2, 4)):
        lines += [f"  job{job}:", "    runs-on: ubuntu-latest"]
        if rng.random() < 0.5:
            images = rng.sample(IMAGES, 3)
            lines += ["    strategy:", "      matrix:", f"        image: [{', '.join(images)}]"]
            lines += ["    container: ${{ matrix.image }}"]
        elif rng.random() < 0.5:
            lines += ["    container:", f"      image: {rng.choice(IMAGES)}", "      options: --cpus 2"]
        if rng.random() < 0.5:
            lines += ["    services:", "      db:", f"        image: {rng.choice(IMAGES)}"]
            lines += ["        ports: ['5432:5432']"]
        lines += ["    steps:", "      - uses: actions/checkout@v4"]
        if rng.random() < 0.3:
            lines += ["      - uses: docker/setup-buildx-action@v3"]
        if rng.random() < 0.3:
            lines += [f"      - uses: docker://{rng.choice(IMAGES)}", "        with:", "          args: --version"]
        for _ in range(rng.randint(1, 3)):
            lines += ["      - name: step", "        run: |"]
            for _ in range(rng.randint(5, 40)):
                if rng.random() < 0.2:
                    image, command = rng.choice(IMAGES), rng.choice(COMMANDS)
                    lines.append(f"          docker run --rm -v \"$PWD:/w\" -w /w {image} {command}")
                else:
                    lines.append("          " + rng.choice(COMMANDS))
    return "\n".join(lines) + "\n"


def typical(rng: random.Random, lines: int) -> str:
    """A workflow of about `lines` lines."""
    while True:
        text = workflow(rng)
        if abs(text.count("\n") - lines) <= 10:
            return text


def _line_count(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        return handle.read().count("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--single-repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dehub")
    parser.add_argument("--hadolint")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    dehub = bd.find_tool("dehub", options.dehub)
    hadolint = bd.find_tool("hadolint", options.hadolint)
    rng = random.Random(options.seed)
    root = tempfile.mkdtemp(prefix="dehub-bench-workflows-")
    try:
        workflows = []
        for index in range(options.files):
            path = os.path.join(root, f"repo{index % 50}", ".github", "workflows", f"ci{index}.yml")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(workflow(rng))
            workflows.append(os.path.relpath(path, root))
        dockerfiles = corpus.write(os.path.join(root, "docker"), corpus.generate(options.files, options.seed))
        dockerfiles = [os.path.join("docker", path) for path in dockerfiles]
        one_workflow = os.path.join(root, "one.yml")
        with open(one_workflow, "w", encoding="utf-8") as handle:
            handle.write(typical(rng, 60))
        one_dockerfile = min(dockerfiles, key=lambda path: abs(_line_count(os.path.join(root, path)) - 60))
        budget = bd.arg_budget()
        dehub_cmd = [dehub, "check", "--isolated", "--format", "json", "--kind", "workflow"]
        hadolint_cmd = [hadolint, "--trusted-registry", "public.ecr.aws", "-f", "json"]
        bd.log(f"bench: {options.files} workflows and {options.files} Dockerfiles in {root}")
        many = {
            "dehub": bd.timed_pair(
                {"dehub": dehub_cmd}, bd.chunk([dehub_cmd], workflows, budget), root, options.repeat
            )["dehub"],
            "hadolint": bd.timed_pair(
                {"hadolint": hadolint_cmd}, bd.chunk([hadolint_cmd], dockerfiles, budget), root, options.repeat, True
            )["hadolint"],
        }
        found, problems, _ = bd.dehub_findings(many["dehub"][0])
        if problems or not found:
            bd.log(f"bench: dehub found {found} findings and {problems} parse problems: the corpus is not valid")
            return 2
        one = bd.timed_pair(
            {"dehub": [*dehub_cmd, "one.yml"], "hadolint": [*hadolint_cmd, one_dockerfile]},
            [[]],
            root,
            options.single_repeat,
        )
        report = {
            "files": options.files,
            "dehub_findings": found,
            "many": {name: bd.summary(runs) for name, runs in many.items()},
            "one": {name: bd.summary(runs) for name, runs in one.items()},
        }
        report["ratio_many"] = report["many"]["dehub"]["median_s"] / report["many"]["hadolint"]["median_s"]
        report["ratio_one"] = report["one"]["dehub"]["median_s"] / report["one"]["hadolint"]["median_s"]
        if options.json:
            print(json.dumps(report, indent=2))
        else:
            m, o = report["many"], report["one"]
            print(f"{options.files} workflows (dehub) vs {options.files} Dockerfiles (hadolint), median wall time:")
            print(f"  dehub    {m['dehub']['median_s']:.3f} s   ({found} findings)")
            print(f"  hadolint {m['hadolint']['median_s']:.3f} s")
            print(f"  ratio    {report['ratio_many']:.4f}   (target <= {bd.TARGET_MANY})")
            print("one 60-line file, median wall time:")
            print(f"  dehub    {o['dehub']['median_s'] * 1000:.1f} ms (workflow)")
            print(f"  hadolint {o['hadolint']['median_s'] * 1000:.1f} ms (Dockerfile)")
            print(f"  ratio    {report['ratio_one']:.3f}   (target <= {bd.TARGET_ONE})")
        met = report["ratio_many"] <= bd.TARGET_MANY and report["ratio_one"] <= bd.TARGET_ONE
        return 0 if met else 1
    except bd.ToolError as err:
        bd.log(f"bench: {err}")
        return 2
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
