"""Benchmark `dehub check` on 1,000 mixed files of every kind besides Dockerfiles and GitHub
workflows, against hadolint on the same number of Dockerfiles, in one run.

    python bench/bench_kinds.py [--files 1000] [--repeat 5] [--seed 1] [--dehub PATH] [--hadolint PATH]

A generated tree holds N files spread evenly over the kinds issue 10 added (compose, GitLab CI,
Kubernetes, kustomize, Helm values, devcontainer, bake, CircleCI, Bitbucket, Azure Pipelines,
Drone, Woodpecker, Jenkinsfiles, shell scripts, Makefiles), each of a realistic size (20-120
lines: services, jobs, scripts with docker commands, variables with defaults), at the paths
those tools use, plus N Dockerfiles (bench/corpus.py). Timed interleaved in the same run:
`dehub check` over the mixed tree (one folder walk, so discovery and content sniffing are in
the time) and hadolint over the N Dockerfiles. The target is the issue's: ratio <= 0.05. Every
kind must yield findings and no file a parse problem, or the corpus is reported invalid (exit 2).
Only the standard library and the two installed executables are used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dockerfiles as bd
import corpus

HUB = ["node:20", "python:3.12-slim", "postgres:16", "redis:7", "alpine:3.20", "golang:1.23", "mysql:8.4",
       "nginx:1.27", "bitnami/kafka:3.7"]  # fmt: skip
OTHER = ["ghcr.io/acme/tools:1", "public.ecr.aws/docker/library/nginx:1.27", "quay.io/prometheus/prometheus:v2"]
SHELL = ["npm ci", "npm test -- --ci", "make lint", "pytest -q", "go test ./...", 'echo "done: $CI_COMMIT_SHA"',
         "if [ -f x ]; then rm -f x; fi", "./scripts/build.sh --release"]  # fmt: skip


def image(rng: random.Random) -> str:
    return rng.choice(HUB) if rng.random() < 0.7 else rng.choice(OTHER)


def script(rng: random.Random, indent: str, prefix: str = "") -> list[str]:
    out = []
    for _ in range(rng.randint(3, 15)):
        if rng.random() < 0.2:
            out.append(f"{indent}{prefix}docker run --rm -v \"$PWD:/w\" -w /w {image(rng)} {rng.choice(SHELL)}")
        else:
            out.append(f"{indent}{prefix}{rng.choice(SHELL)}")
    return out


def compose(rng: random.Random) -> tuple[str, str]:
    lines = ["x-common: &common", "  restart: unless-stopped", "  environment:", "    TZ: UTC", "services:"]
    for index in range(rng.randint(2, 6)):
        lines += [f"  svc{index}:", "    <<: *common"]
        if rng.random() < 0.3:
            lines += [f"    image: ${{SVC{index}_IMAGE:-{image(rng)}}}"]
        elif rng.random() < 0.2:
            lines += ["    build: .", f"    image: acme/svc{index}:dev"]
        else:
            lines += [f"    image: {image(rng)}"]
        lines += ["    ports:", f'      - "80{index:02d}:80"', "    volumes:", "      - ./data:/data"]
    return "docker-compose.yml", "\n".join(lines) + "\n"


def gitlab(rng: random.Random) -> tuple[str, str]:
    lines = ["stages: [test, build]", "variables:", f"  BASE: {image(rng)}", f"image: {image(rng)}", ""]
    for index in range(rng.randint(2, 5)):
        lines += [f"job{index}:", "  stage: test"]
        if rng.random() < 0.5:
            lines += ["  image:", f"    name: {image(rng)}", '    entrypoint: [""]']
        if rng.random() < 0.4:
            lines += ["  services:", f"    - {image(rng)}", f"    - name: {image(rng)}", "      alias: db"]
        lines += ["  script:", *script(rng, "    ", "- ")]
    return ".gitlab-ci.yml", "\n".join(lines) + "\n"


def kubernetes(rng: random.Random) -> tuple[str, str]:
    docs = []
    for index in range(rng.randint(1, 3)):
        containers = []
        for number in range(rng.randint(1, 3)):
            containers += [f"        - name: c{number}", f"          image: {image(rng)}",
                           "          ports:", "            - containerPort: 8080"]  # fmt: skip
        docs.append("\n".join([
            "apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: app{index}", "spec:",
            "  replicas: 2", "  selector:", "    matchLabels:", f"      app: app{index}", "  template:",
            "    metadata:", "      labels:", f"        app: app{index}", "    spec:", "      initContainers:",
            "        - name: init", f"          image: {image(rng)}", "      containers:", *containers,
        ]))  # fmt: skip
    return "k8s/deployment.yaml", "\n---\n".join(docs) + "\n"


def kustomize(rng: random.Random) -> tuple[str, str]:
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:",
             "  - deployment.yaml", "images:"]  # fmt: skip
    for name in rng.sample(["nginx", "redis", "postgres", "node", "python"], 3):
        lines += [f"  - name: {name}", f'    newTag: "{rng.randint(1, 20)}"']
    return "kustomization.yaml", "\n".join(lines) + "\n"


def helm(rng: random.Random) -> tuple[str, str]:
    lines = ["replicaCount: 1", "image:", "  registry: docker.io", f"  repository: {rng.choice(['nginx', 'redis'])}",
             '  tag: "1.27"', "  pullPolicy: IfNotPresent", "service:", "  type: ClusterIP", "  port: 80"]  # fmt: skip
    return "charts/app/values.yaml", "\n".join(lines) + "\n"


def devcontainer(rng: random.Random) -> tuple[str, str]:
    text = (
        "// For format details, see https://aka.ms/devcontainer.json\n{\n"
        f'  "name": "dev",\n  "image": "{image(rng)}",\n  // features\n  "features": {{}},\n'
        '  "forwardPorts": [3000],\n}\n'
    )
    return ".devcontainer/devcontainer.json", text


def bake(rng: random.Random) -> tuple[str, str]:
    text = (
        f'variable "BASE" {{\n  default = "{image(rng)}"\n}}\n\ngroup "default" {{\n  targets = ["app"]\n}}\n\n'
        'target "app" {\n  dockerfile = "Dockerfile"\n'
        f'  contexts = {{\n    base = "docker-image://${{BASE}}"\n    tools = "docker-image://{image(rng)}"\n  }}\n'
        '  tags = ["ghcr.io/acme/app:latest"]\n}\n'
    )
    return "docker-bake.hcl", text


def circleci(rng: random.Random) -> tuple[str, str]:
    lines = ["version: 2.1", "executors:", "  node:", "    docker:", f"      - image: {image(rng)}", "jobs:"]
    for index in range(rng.randint(2, 4)):
        lines += [f"  job{index}:"]
        if rng.random() < 0.5:
            lines += ["    executor: node"]
        else:
            lines += ["    docker:", f"      - image: {image(rng)}", f"      - image: {image(rng)}"]
        lines += ["    steps:", "      - checkout", "      - run: |", *script(rng, "          ")]
    lines += ["workflows:", "  main:", "    jobs:", "      - job0"]
    return ".circleci/config.yml", "\n".join(lines) + "\n"


def bitbucket(rng: random.Random) -> tuple[str, str]:
    lines = [f"image: {image(rng)}", "definitions:", "  services:", "    db:", f"      image: {image(rng)}",
             "pipelines:", "  default:"]  # fmt: skip
    for _ in range(rng.randint(1, 4)):
        lines += ["    - step:", "        name: test", f"        image: {image(rng)}", "        services: [db]",
                  "        script:", *script(rng, "          ", "- ")]  # fmt: skip
    return "bitbucket-pipelines.yml", "\n".join(lines) + "\n"


def azure(rng: random.Random) -> tuple[str, str]:
    lines = ["variables:", f"  base: {image(rng)}", "resources:", "  containers:", "    - container: db",
             f"      image: {image(rng)}", "jobs:"]  # fmt: skip
    for index in range(rng.randint(1, 3)):
        lines += [f"  - job: j{index}", "    pool:", "      vmImage: ubuntu-latest", f"    container: {image(rng)}",
                  "    services:", "      db: db", "    steps:", "      - script: |"]  # fmt: skip
        lines += script(rng, "          ")
    return "azure-pipelines.yml", "\n".join(lines) + "\n"


def drone(rng: random.Random) -> tuple[str, str]:
    lines = ["kind: pipeline", "type: docker", "name: default", "steps:"]
    for index in range(rng.randint(2, 4)):
        lines += [f"  - name: s{index}", f"    image: {image(rng)}", "    commands:", *script(rng, "      ", "- ")]
    lines += ["services:", "  - name: db", f"    image: {image(rng)}"]
    return ".drone.yml", "\n".join(lines) + "\n"


def woodpecker(rng: random.Random) -> tuple[str, str]:
    lines = ["steps:"]
    for index in range(rng.randint(2, 4)):
        lines += [f"  s{index}:", f"    image: {image(rng)}", "    commands:", *script(rng, "      ", "- ")]
    lines += ["services:", "  db:", f"    image: {image(rng)}"]
    return ".woodpecker/ci.yml", "\n".join(lines) + "\n"


def jenkinsfile(rng: random.Random) -> tuple[str, str]:
    text = (
        f"pipeline {{\n  agent {{\n    docker {{\n      image '{image(rng)}'\n      args '-v /tmp:/tmp'\n    }}\n  }}\n"
        "  stages {\n    stage('Test') {\n      steps {\n"
        + "".join(f"        sh '{line.replace(chr(39), '')}'\n" for line in script(rng, ""))
        + "      }\n    }\n  }\n}\n"
    )
    return "Jenkinsfile", text


def shell(rng: random.Random) -> tuple[str, str]:
    lines = ["#!/usr/bin/env bash", "set -euo pipefail", f'IMAGE="${{IMAGE:-{image(rng)}}}"',
             'docker pull "$IMAGE"', *script(rng, "")]  # fmt: skip
    return "scripts/ci.sh", "\n".join(lines) + "\n"


def makefile(rng: random.Random) -> tuple[str, str]:
    lines = [f"IMAGE ?= {image(rng)}", "", ".PHONY: test", "test:", "\tdocker run --rm $(IMAGE) make check",
             *script(rng, "\t")]  # fmt: skip
    return "Makefile", "\n".join(lines) + "\n"


GENERATORS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "compose": compose, "gitlab": gitlab, "kubernetes": kubernetes, "kustomize": kustomize, "helm": helm,
    "devcontainer": devcontainer, "bake": bake, "circleci": circleci, "bitbucket": bitbucket, "azure": azure,
    "drone": drone, "woodpecker": woodpecker, "jenkinsfile": jenkinsfile, "shell": shell, "makefile": makefile,
}  # fmt: skip


def write_tree(root: str, files: int, seed: int) -> dict[str, str]:
    """N files, kinds in turn, each in its own repository folder; returns path -> kind."""
    rng = random.Random(seed)
    names = list(GENERATORS)
    written = {}
    for index in range(files):
        kind = names[index % len(names)]
        relative, text = GENERATORS[kind](rng)
        path = os.path.join(f"repo{index}", relative)
        os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(root, path), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        written[path] = kind
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dehub")
    parser.add_argument("--hadolint")
    parser.add_argument("--keep", help="write the tree here and keep it")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    dehub = bd.find_tool("dehub", options.dehub)
    hadolint = bd.find_tool("hadolint", options.hadolint)
    root = options.keep or tempfile.mkdtemp(prefix="dehub-bench-kinds-")
    try:
        written = write_tree(os.path.join(root, "mixed"), options.files, options.seed)
        dockerfiles = corpus.write(os.path.join(root, "docker"), corpus.generate(options.files, options.seed))
        dockerfiles = [os.path.join("docker", path) for path in dockerfiles]
        dehub_cmd = [dehub, "check", "--isolated", "--format", "json", "mixed"]
        hadolint_cmd = [hadolint, "--trusted-registry", "public.ecr.aws", "-f", "json"]
        bd.log(f"bench: {options.files} mixed files and {len(dockerfiles)} Dockerfiles in {root}")
        runs = bd.timed_pair({"dehub": dehub_cmd}, [[]], root, options.repeat)
        hadolint_runs = bd.timed_pair(
            {"hadolint": hadolint_cmd}, bd.chunk([hadolint_cmd], dockerfiles, bd.arg_budget()), root, options.repeat,
            True,
        )  # fmt: skip
        runs.update(hadolint_runs)
        findings = [finding for out in runs["dehub"][0].outputs for finding in json.loads(out)["findings"]]
        by_kind: dict[str, int] = dict.fromkeys(GENERATORS, 0)
        for finding in findings:
            kind = written.get(os.path.relpath(finding["path"], "mixed"), "?")
            by_kind[kind] = by_kind.get(kind, 0) + 1
        problems = [finding for finding in findings if finding["code"] == "DH900"]
        missing = [kind for kind, count in by_kind.items() if count == 0]
        if problems or missing:
            bd.log(f"bench: the corpus is not valid: kinds without findings {missing}, parse problems {problems[:3]}")
            return 2
        report = {
            "files": options.files,
            "dehub_findings": len(findings),
            "findings_by_kind": by_kind,
            "many": {name: bd.summary(kind_runs) for name, kind_runs in runs.items()},
        }
        report["ratio"] = report["many"]["dehub"]["median_s"] / report["many"]["hadolint"]["median_s"]
        if options.json:
            print(json.dumps(report, indent=2))
        else:
            many = report["many"]
            print(f"{options.files} mixed files (dehub), {len(dockerfiles)} Dockerfiles (hadolint), median wall time:")
            print(f"  dehub    {many['dehub']['median_s']:.3f} s   ({len(findings)} findings)")
            print(f"  hadolint {many['hadolint']['median_s']:.3f} s")
            print(f"  ratio    {report['ratio']:.4f}   (target <= {bd.TARGET_MANY})")
        return 0 if report["ratio"] <= bd.TARGET_MANY else 1
    except bd.ToolError as err:
        bd.log(f"bench: {err}")
        return 2
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
