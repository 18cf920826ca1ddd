"""Generators of the hostile file shapes of issue 12: `shape(n) -> (file name, text)`.

Each shape grows linearly in bytes with n and is a shape some part of dehub once handled in
time worse than linear (one ARG literal feeding 3,000 FROMs took 15-40 s; a fix per FROM line
was applied in quadratic time). bench_hostile.py times `dehub check` on them at n, 2n and 4n;
tests/test_hostile_linear.py checks the growth of those whose fix has landed.

    python bench/hostile_shapes.py SHAPE N > FILE     # write one, to try it by hand
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Shape = Callable[[int], tuple[str, str]]


def nested_args(n: int) -> tuple[str, str]:
    """n ARGs, each the one before twice (`ARG A1=${A0}${A0}`): the value doubles per line,
    so expansion must stop at its cap; a FROM every 16 levels reads the newest."""
    lines = ["ARG A0=xxxxxxxxxxxxxxxx"]
    for i in range(1, n + 1):
        lines.append(f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}")
        if i % 16 == 0:
            lines.append(f"FROM ubuntu:$A{i} AS s{i}")
    return "Dockerfile", "\n".join(lines) + "\n"


def aliased_jobs(n: int) -> tuple[str, str]:
    """A workflow of n jobs, all one YAML alias of the first, which has a matrix."""
    first = (
        "  j0: &j\n"
        "    runs-on: ubuntu-latest\n"
        "    strategy:\n"
        "      matrix:\n"
        "        os: [ubuntu, debian]\n"
        "        tag: ['22.04', '24.04']\n"
        "    container: ${{ matrix.os }}:${{ matrix.tag }}\n"
        "    services:\n"
        "      db: {image: 'postgres:16'}\n"
        "    steps:\n"
        "      - run: docker run --rm alpine:3.20 true\n"
    )
    rest = "".join(f"  j{i}: *j\n" for i in range(1, n))
    return ".github/workflows/ci.yml", "on: push\njobs:\n" + first + rest


def one_literal(n: int) -> tuple[str, str]:
    """One ARG default feeding n stages: one literal, n images, one edit shared by all."""
    return "Dockerfile", "ARG B=ubuntu:22.04\n" + "".join(f"FROM $B AS s{i}\n" for i in range(n))


def fixer_edits(n: int) -> tuple[str, str]:
    """n FROM lines, each with its own fix: `--fix` applies n edits to one text."""
    return "Dockerfile", "".join(f"FROM ubuntu:22.04 AS s{i}\n" for i in range(n))


def pragmas(n: int) -> tuple[str, str]:
    """n suppression comments, each above the FROM it suppresses."""
    return "Dockerfile", "".join(f"# dehub ignore=DH001 legacy\nFROM ubuntu:22.04 AS s{i}\n" for i in range(n))


def global_suppressions(n: int) -> tuple[str, str]:
    """n file-wide suppressions (of a code that does not fire) and n findings for them to test."""
    pragma_lines = "".join(f"# dehub global ignore=DH002 reason {i}\n" for i in range(n))
    return "Dockerfile", pragma_lines + "".join(f"FROM ubuntu:22.04 AS s{i}\n" for i in range(n))


def jenkins_stages(n: int) -> tuple[str, str]:
    """A declarative Jenkinsfile of n stages, each pulling an image under a suppression comment."""
    stages = "".join(
        f"    stage('s{i}') {{\n      steps {{\n        // dehub ignore=DH001 cached\n"
        f"        sh 'docker pull ubuntu:22.04'\n      }}\n    }}\n"
        for i in range(n)
    )
    return "Jenkinsfile", "pipeline {\n  agent any\n  stages {\n" + stages + "  }\n}\n"


def gitlab_variables(n: int) -> tuple[str, str]:
    """n global variables and n jobs, each job's image read through one of them."""
    variables = "".join(f"  V{i}: ubuntu\n" for i in range(n))
    jobs = "".join(f"j{i}:\n  image: $V{i}:22.04\n  script: [make]\n" for i in range(n))
    return ".gitlab-ci.yml", "variables:\n" + variables + jobs


def workflow_env(n: int) -> tuple[str, str]:
    """A workflow with n `env:` keys and n jobs, each job's script pulling through one of them."""
    env = "".join(f"  E{i}: ubuntu:22.04\n" for i in range(n))
    jobs = "".join(
        f"  j{i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker pull $E{i}\n" for i in range(n)
    )
    return ".github/workflows/ci.yml", "on: push\nenv:\n" + env + "jobs:\n" + jobs


def compose_services(n: int) -> tuple[str, str]:
    """A compose file of n services, each with a Docker Hub image."""
    return "compose.yaml", "services:\n" + "".join(f"  s{i}:\n    image: ubuntu:22.04\n" for i in range(n))


def shell_runs(n: int) -> tuple[str, str]:
    """A shell script of n `docker run` lines."""
    return "run.sh", "#!/bin/sh\nset -e\n" + "".join(f"docker run --rm ubuntu:22.04 echo {i}\n" for i in range(n))


def ecr_logins(n: int) -> tuple[str, str]:
    """A shell script of n pulls from ECR Public, then n logins: each pull is checked for a
    login before it (DH005)."""
    pulls = "".join(f"docker run --rm public.ecr.aws/docker/library/ubuntu:22.04 echo {i}\n" for i in range(n))
    logins = "echo x | docker login --username AWS --password-stdin public.ecr.aws\n" * n
    return "run.sh", "#!/bin/sh\n" + pulls + logins


SHAPES: dict[str, Shape] = {
    "nested-args": nested_args,
    "aliased-jobs": aliased_jobs,
    "one-literal": one_literal,
    "fixer-edits": fixer_edits,
    "pragmas": pragmas,
    "global-suppressions": global_suppressions,
    "jenkins-stages": jenkins_stages,
    "gitlab-variables": gitlab_variables,
    "workflow-env": workflow_env,
    "compose-services": compose_services,
    "shell-runs": shell_runs,
    "ecr-logins": ecr_logins,
}
FIX_SHAPES = frozenset({"fixer-edits"})  # timed with `--fix` on a copy as well


def bytes_per_unit(shape: Shape) -> float:
    """How many bytes one more n adds (measured between n = 1,000 and 2,000)."""
    return (len(shape(2000)[1].encode()) - len(shape(1000)[1].encode())) / 1000


def n_for(shape: Shape, max_bytes: int) -> int:
    """The largest n whose 4n file stays under `max_bytes`."""
    n = max(1, int(max_bytes / 4 / bytes_per_unit(shape)))
    while n > 1 and len(shape(4 * n)[1].encode()) >= max_bytes:
        n = int(n * 0.97)
    return n


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(SHAPES)}}} N")
    sys.stdout.write(SHAPES[sys.argv[1]](int(sys.argv[2]))[1])
