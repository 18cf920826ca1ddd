"""Table-driven tests of every place a GitHub workflow or action pulls an image, per YAML form.

Three kinds of case, as in test_dockerfile_sites.py:

* NOOP: the text pulls nothing from Docker Hub, `problems(text, kind) == set()`, and fixing
  changes nothing.
* PROBLEM: the exact set of `(line, column, code)` the text yields.
* FIX: the exact text `fixed()` returns; fixing that output again changes nothing.

Most texts are built by small helpers so that positions can be counted by hand:

* `job(body)`: a one-job workflow; body line k is file line 3 + k, 4 columns further right.
* `steps(body)`: that job's `steps:`; body line k is file line 4 + k, 6 columns further right.
* `composite(body)`: a composite action's steps; body line k is file line 3 + k, 4 columns right.

Expectations follow what GitHub Actions does. Where the engine does something else the case
keeps the correct expectation and is marked `xfail(strict=True, reason="engine bug: ...")`.
"""

from __future__ import annotations

import textwrap
from textwrap import dedent

import pytest
from helpers import findings, fixed, make_config, problems
from kindtable import check_fix, check_noop

from dehub.kinds import kind_for_path

W, A = "workflow", "action"
MIRROR = "public.ecr.aws/docker/library/"
DIGEST = "sha256:" + "0123456789abcdef" * 4
H1, H2, H3, H4, H5, H6, H900, H901 = "DH001", "DH002", "DH003", "DH004", "DH005", "DH006", "DH900", "DH901"


def engine_bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"engine bug: {reason}")


def job(body: str) -> str:
    """A workflow with one job `a`; body line k is file line 3 + k, indented 4 more columns."""
    return "on: push\njobs:\n  a:\n" + textwrap.indent(dedent(body), "    ")


def steps(body: str) -> str:
    """Job `a`'s steps; body line k is file line 4 + k, indented 6 more columns."""
    return "on: push\njobs:\n  a:\n    steps:\n" + textwrap.indent(dedent(body), "      ")


def composite(body: str) -> str:
    """A composite action's steps; body line k is file line 3 + k, indented 4 more columns."""
    return "runs:\n  using: composite\n  steps:\n" + textwrap.indent(dedent(body), "    ")


def docker_action(image: str) -> str:
    """A Docker container action; the image value starts at line 3, column 10."""
    return f"runs:\n  using: docker\n  image: {image}\n"


# --------------------------------------------------------------------------------------------
# NOOP cases
# --------------------------------------------------------------------------------------------

NOOP_CASES = [
    # the job container and services
    pytest.param(job(f"container: {MIRROR}node:20\n"), W, {}, id="container-mirrored"),
    pytest.param(job("container: ghcr.io/acme/app:1\n"), W, {}, id="container-ghcr"),
    pytest.param(job("container:\n  image: localhost:5000/app\n"), W, {}, id="container-localhost"),
    pytest.param(job("container:\n"), W, {}, id="container-null"),
    pytest.param(job("container: ''\n"), W, {}, id="container-empty"),
    pytest.param(job("container:\n  credentials: {username: u}\n"), W, {}, id="container-without-image"),
    pytest.param(job(f"services:\n  db:\n    image: {MIRROR}postgres:16\n"), W, {}, id="service-mirrored"),
    pytest.param(job("services:\n  db:\n    image: ''\n"), W, {}, id="service-switched-off"),
    pytest.param(job("services:\n  db: ~\n"), W, {}, id="service-null"),
    pytest.param(job("runs-on: ubuntu-latest\nsteps:\n  - uses: actions/checkout@v4\n"), W, {}, id="no-images"),
    pytest.param("container: node:20\non: push\njobs: {}\n", W, {}, id="container-outside-jobs"),
    pytest.param(steps("- container: node:20\n  run: true\n"), W, {}, id="container-key-in-a-step"),
    pytest.param(job("uses: ./.github/workflows/reusable.yml\nwith:\n  image: node:20\n"), W, {}, id="reusable-call"),
    pytest.param(steps("- uses: acme/deploy@v1\n  with:\n    image: node:20\n"), W, {}, id="unknown-action-input"),
    # docker:// steps and actions
    pytest.param(steps("- uses: actions/checkout@v4\n- uses: ./local-action\n"), W, {}, id="uses-actions"),
    pytest.param(steps("- uses: docker://ghcr.io/acme/tool:1\n"), W, {}, id="docker-uses-ghcr"),
    pytest.param(steps(f"- uses: docker://{MIRROR}alpine:3.20\n"), W, {}, id="docker-uses-mirrored"),
    pytest.param(composite(f"- uses: docker://{MIRROR}alpine:3.20\n"), A, {}, id="composite-docker-uses-mirrored"),
    pytest.param(docker_action("Dockerfile"), A, {}, id="action-image-dockerfile"),
    pytest.param(docker_action("./build/Dockerfile"), A, {}, id="action-image-dockerfile-path"),
    pytest.param(docker_action(f"docker://{MIRROR}alpine:3.20"), A, {}, id="action-image-mirrored"),
    pytest.param("runs:\n  using: node20\n  image: docker://node:20\n", A, {}, id="action-node-image-key-unused"),
    pytest.param(
        "runs:\n  using: docker\n  image: Dockerfile\n  args: [docker run node:20]\n", A, {}, id="action-args-are-text"
    ),
    pytest.param(job("services:\n  db:\n    image: postgres:16\n"), A, {}, id="services-in-an-action-file"),
    # matrix, env and input values that no image uses
    pytest.param(
        job("strategy:\n  matrix:\n    img: [node:20]\nruns-on: ubuntu-latest\n"), W, {}, id="matrix-value-unused"
    ),
    pytest.param("on: push\nenv:\n  IMG: node:20\njobs:\n  a:\n    runs-on: x\n", W, {}, id="env-value-unused"),
    pytest.param(
        "on:\n  workflow_call:\n    inputs:\n      img: {default: node:20}\njobs:\n  a:\n    runs-on: x\n",
        W,
        {},
        id="input-default-unused",
    ),
    # setup-buildx / setup-qemu that pull nothing from Docker Hub
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver: docker\n"), W, {}, id="buildx-docker"
    ),
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver: remote\n    endpoint: tcp://b:1234\n"),
        W,
        {},
        id="buildx-remote",
    ),
    pytest.param(
        steps(
            "- uses: docker/setup-buildx-action@v3\n  with:\n"
            "    driver-opts: image=ghcr.io/acme/buildkit:1,network=host\n"
        ),
        W,
        {},
        id="buildx-opts-not-hub",
    ),
    pytest.param(
        steps("- uses: docker/setup-qemu-action@v3\n  with:\n    image: ghcr.io/acme/binfmt:1\n"), W, {}, id="qemu-ghcr"
    ),
    # run: scripts: not a command, not a pull, or not a shell dehub reads
    pytest.param(steps("- run: echo docker run node:20\n"), W, {}, id="run-echo"),
    pytest.param(steps('- run: echo "docker pull node:20"\n'), W, {}, id="run-echo-quoted"),
    pytest.param(steps("- run: printf '%s' 'docker run node:20'\n"), W, {}, id="run-quoted-argument"),
    pytest.param(steps("- run: |\n    # docker run node:20\n    true\n"), W, {}, id="run-comment-line"),
    pytest.param(steps("- run: true # docker run node:20\n"), W, {}, id="run-trailing-comment"),
    pytest.param(
        steps("- run: |\n    cat <<EOF > compose.sh\n    docker run node:20\n    EOF\n"), W, {}, id="run-heredoc-body"
    ),
    pytest.param(
        steps("- run: |\n    cat <<'EOF'\n    docker pull node:20\n    EOF\n"), W, {}, id="run-heredoc-quoted-delimiter"
    ),
    pytest.param(steps("- run: docker build -t app .\n"), W, {}, id="run-build"),
    pytest.param(steps("- run: docker images node\n"), W, {}, id="run-images"),
    pytest.param(steps("- run: docker ps && docker logs node\n"), W, {}, id="run-ps-logs"),
    pytest.param(steps("- run: docker compose run web\n"), W, {}, id="run-compose"),
    pytest.param(steps("- run: docker run -e\n"), W, {}, id="run-missing-image"),
    pytest.param(steps("- run: docker run --rm ghcr.io/acme/app:1 true\n"), W, {}, id="run-other-registry"),
    pytest.param(steps("- run: docker run --name node ghcr.io/acme/app:1\n"), W, {}, id="run-option-value-not-image"),
    pytest.param(steps("- shell: pwsh\n  run: docker run node:20\n"), W, {}, id="run-pwsh"),
    pytest.param(steps("- shell: python\n  run: docker run node:20\n"), W, {}, id="run-python"),
    pytest.param(steps("- shell: cmd\n  run: docker run node:20\n"), W, {}, id="run-cmd"),
    pytest.param(
        "on: push\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - run: docker run node:20\n",
        W,
        {},
        id="run-windows-runner-default-pwsh",
    ),
    pytest.param(
        "on: push\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  a:\n    steps:\n      - run: docker run node:20\n",
        W,
        {},
        id="run-default-shell-pwsh",
    ),
    # configuration
    pytest.param(job("container: node:20\n"), W, {"config": make_config(allow=["node"])}, id="allow-official"),
    pytest.param(
        steps("- uses: docker://myorg/tool:1\n"), W, {"config": make_config(allow=["myorg/*"])}, id="allow-pattern"
    ),
    # files that are not workflows at all
    pytest.param("", W, {}, id="empty-file"),
    pytest.param("just text\n", W, {}, id="top-level-scalar"),
    pytest.param("- a\n- b\n", W, {}, id="top-level-sequence"),
    pytest.param("on: push\njobs:\n", W, {}, id="jobs-null"),
    pytest.param("on: push\njobs: [a, b]\n", W, {}, id="jobs-sequence"),
    pytest.param("on: push\njobs:\n  a: 3\n  b: [x]\n", W, {}, id="job-not-a-mapping"),
    pytest.param(job("container: {}\nservices: []\nsteps: {}\n"), W, {}, id="wrong-shapes"),
    pytest.param("runs: docker\n", A, {}, id="action-runs-scalar"),
    pytest.param("name: x\n", A, {}, id="action-without-runs"),
]


@pytest.mark.parametrize(("text", "kind", "options"), NOOP_CASES)
def test_noop(text, kind, options):
    check_noop(text, kind, options)


# --------------------------------------------------------------------------------------------
# PROBLEM cases: the exact set of (line, column, code)
# --------------------------------------------------------------------------------------------

CONTAINER_PROBLEMS = [
    # "    container: " is 15 characters: the value starts in column 16 of line 4
    pytest.param(job("container: node:20\n"), {(4, 16, H1)}, id="string-plain"),
    pytest.param(job("container: 'node:20'\n"), {(4, 17, H1)}, id="string-single-quoted"),
    pytest.param(job('container: "node:20"\n'), {(4, 17, H1)}, id="string-double-quoted"),
    pytest.param(job("container: node:20  # pinned\n"), {(4, 16, H1)}, id="string-with-comment"),
    pytest.param(job("container:\n  image: node:20\n"), {(5, 14, H1)}, id="mapping"),
    pytest.param(
        job(
            "container:\n  image: node:20\n  options: --cpus 1\n  credentials:\n    username: u\n"
            "    password: ${{ secrets.HUB_TOKEN }}\n"
        ),
        {(5, 14, H1)},
        id="mapping-with-credentials",
    ),
    pytest.param(job("container:\n  options: --cpus 1\n  image: 'node:20'\n"), {(6, 15, H1)}, id="mapping-image-last"),
    pytest.param(job("container: {image: node:20}\n"), {(4, 24, H1)}, id="flow-mapping"),
    pytest.param(job("container: {options: --init, image: node:20}\n"), {(4, 41, H1)}, id="flow-mapping-image-second"),
    pytest.param(job('container: {image: "node:20", options: --init}\n'), {(4, 25, H1)}, id="flow-mapping-quoted"),
    pytest.param(job("container:\n  image: >-\n    node:20\n"), {(6, 9, H1)}, id="folded-strip"),
    pytest.param(job("container: |-\n  node:20\n"), {(5, 7, H1)}, id="literal-strip"),
    pytest.param(job("container: docker.io/library/node:20\n"), {(4, 16, H1)}, id="docker-io-library"),
    pytest.param(job(f"container: node:20@{DIGEST}\n"), {(4, 16, H1)}, id="digest"),
    pytest.param(job("container: node\n"), {(4, 16, H1)}, id="implicit-latest"),
    pytest.param(job("container: myorg/app:1\n"), {(4, 16, H2)}, id="non-official"),
    pytest.param(job("container: Node:20\n"), {(4, 16, H6)}, id="invalid-reference"),
    pytest.param(job("container: centos:7\n"), {(4, 16, H1)}, id="removed-official"),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n  b:\n    container:\n      image: python:3.12\n",
        {(4, 16, H1), (7, 14, H1)},
        id="two-jobs",
    ),
]

SERVICE_PROBLEMS = [
    # "        image: " is 15 characters
    pytest.param(
        job(
            "services:\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n    options: >-\n"
            "      --health-cmd pg_isready\n      --health-interval 10s\n"
        ),
        {(6, 16, H1)},
        id="block",
    ),
    pytest.param(job("services:\n  db: {image: postgres:16, ports: ['5432:5432']}\n"), {(5, 19, H1)}, id="flow"),
    pytest.param(job("services: {db: {image: postgres:16}}\n"), {(4, 28, H1)}, id="flow-all-the-way"),
    pytest.param(job("services:\n  db:\n    image: 'postgres:16'\n"), {(6, 17, H1)}, id="single-quoted"),
    pytest.param(job("services:\n  db: postgres:16\n"), {(5, 11, H1)}, id="string-value"),
    pytest.param(
        job(
            "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n"
            f"  mirrored:\n    image: {MIRROR}nginx:1.27\n  private:\n    image: myorg/queue:2\n"
        ),
        {(6, 16, H1), (8, 16, H1), (12, 16, H2)},
        id="several",
    ),
    pytest.param(
        job("container: node:20\nservices:\n  db:\n    image: postgres:16\n"),
        {(4, 16, H1), (7, 16, H1)},
        id="with-container",
    ),
]

DOCKER_USES_PROBLEMS = [
    # "      - uses: docker://" is 23 characters
    pytest.param(steps("- uses: docker://alpine:3.20\n"), W, {(5, 24, H1)}, id="plain"),
    pytest.param(steps('- uses: "docker://alpine:3.20"\n'), W, {(5, 25, H1)}, id="double-quoted"),
    pytest.param(steps("- uses: 'docker://alpine:3.20'\n"), W, {(5, 25, H1)}, id="single-quoted"),
    pytest.param(
        steps("- name: lint\n  uses: docker://hadolint/hadolint:v2.12.0\n  with:\n    args: hadolint Dockerfile\n"),
        W,
        {(6, 24, H2)},
        id="non-official-after-name",
    ),
    pytest.param(steps(f"- uses: docker://alpine@{DIGEST}\n"), W, {(5, 24, H1)}, id="digest"),
    pytest.param(steps("- {uses: docker://alpine:3.20}\n"), W, {(5, 25, H1)}, id="flow-step"),
    # composite actions: "    - uses: docker://" is 21 characters
    pytest.param(composite("- uses: docker://alpine:3.20\n"), A, {(4, 22, H1)}, id="composite"),
    pytest.param(
        composite("- shell: bash\n  run: true\n- uses: docker://busybox:1.36\n"),
        A,
        {(6, 22, H1)},
        id="composite-second",
    ),
    # Docker container actions: "  image: docker://" is 18 characters
    pytest.param(docker_action("docker://alpine:3.20"), A, {(3, 19, H1)}, id="action-image"),
    pytest.param(docker_action("'docker://alpine:3.20'"), A, {(3, 20, H1)}, id="action-image-quoted"),
    pytest.param(
        "runs:\n  using: 'Docker'\n  image: docker://myorg/tool:1\n  args: [x]\n",
        A,
        {(3, 19, H2)},
        id="action-image-myorg",
    ),
    pytest.param("runs: {using: docker, image: 'docker://alpine:3.20'}\n", A, {(1, 40, H1)}, id="action-image-flow"),
]

SETUP_ACTION_PROBLEMS = [
    # setup-buildx driver-opts: "          driver-opts: image=" is 29 characters
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: image=node:20,network=host\n"),
        {(7, 30, H1)},
        id="buildx-csv-image-first",
    ),
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: network=host,image=node:20\n"),
        {(7, 43, H1)},
        id="buildx-csv-image-last",
    ),
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: '\"image=node:20\",network=host'\n"),
        {(7, 32, H1)},
        id="buildx-csv-quoted-field",
    ),
    pytest.param(
        steps(
            "- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: |\n      network=host\n"
            "      image=moby/buildkit:v0.16\n      env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760\n"
        ),
        {(9, 19, H2)},
        id="buildx-block-several-lines",
    ),
    pytest.param(
        steps(
            "- uses: docker/setup-buildx-action@v3\n  with:\n    driver: kubernetes\n"
            "    driver-opts: image=moby/buildkit:v0.16\n"
        ),
        {(8, 30, H2)},
        id="buildx-kubernetes-image",
    ),
    # setup-qemu image: "          image: " is 17 characters
    pytest.param(
        steps("- uses: docker/setup-qemu-action@v3\n  with:\n    image: tonistiigi/binfmt:latest\n"),
        {(7, 18, H2)},
        id="qemu-image",
    ),
    pytest.param(
        steps('- uses: docker/setup-qemu-action@v3\n  with: {image: "alpine:3.20", platforms: arm64}\n'),
        {(6, 24, H1)},
        id="qemu-image-flow",
    ),
]

RUN_PROBLEMS = [
    # "      - run: " is 13 characters: the script starts in column 14 of line 5
    pytest.param(steps("- run: docker run --rm -e A=1 node:20 npm test\n"), {(5, 37, H1)}, id="docker-run"),
    pytest.param(steps("- run: docker pull node:20\n"), {(5, 26, H1)}, id="docker-pull"),
    pytest.param(steps("- run: docker create node:20\n"), {(5, 28, H1)}, id="docker-create"),
    pytest.param(steps("- run: podman pull node:20\n"), {(5, 26, H1)}, id="podman-pull"),
    pytest.param(steps("- run: podman run --rm node:20\n"), {(5, 30, H1)}, id="podman-run"),
    pytest.param(steps("- run: nerdctl run node:20\n"), {(5, 26, H1)}, id="nerdctl-run"),
    pytest.param(steps("- run: nerdctl create node:20\n"), {(5, 29, H1)}, id="nerdctl-create"),
    pytest.param(steps("- run: docker container run node:20\n"), {(5, 35, H1)}, id="container-run"),
    pytest.param(steps("- run: docker container create node:20\n"), {(5, 38, H1)}, id="container-create"),
    pytest.param(steps("- run: docker image pull node:20\n"), {(5, 32, H1)}, id="image-pull"),
    pytest.param(steps("- run: buildah from node:20\n"), {(5, 27, H1)}, id="buildah-from"),
    pytest.param(steps("- run: buildah pull node:20\n"), {(5, 27, H1)}, id="buildah-pull"),
    # options with values, grouped flags, --
    pytest.param(
        steps("- run: docker run -v /a:/b -w /src --name app --network host node:20 true\n"),
        {(5, 68, H1)},
        id="options-with-values",
    ),
    pytest.param(steps("- run: docker run --env=A=1 --name=app node:20 true\n"), {(5, 46, H1)}, id="options-equals"),
    pytest.param(steps("- run: docker run --name node alpine:3.20\n"), {(5, 37, H1)}, id="option-value-like-image"),
    pytest.param(steps("- run: docker run -itd node:20\n"), {(5, 30, H1)}, id="grouped-flags"),
    pytest.param(steps("- run: docker run -dp 8080:80 nginx:1.27\n"), {(5, 37, H1)}, id="grouped-flags-with-value"),
    pytest.param(steps("- run: docker run --rm -- node:20 ls\n"), {(5, 33, H1)}, id="double-dash"),
    pytest.param(steps("- run: docker run --platform linux/arm64 node:20\n"), {(5, 48, H1)}, id="platform-option"),
    pytest.param(steps("- run: docker pull --platform=linux/arm64 -q node:20\n"), {(5, 52, H1)}, id="pull-options"),
    pytest.param(steps("- run: docker --context ci run node:20\n"), {(5, 38, H1)}, id="global-option"),
    # prefixes, subshells, lists, pipelines, compound commands
    pytest.param(steps("- run: sudo docker run node:20\n"), {(5, 30, H1)}, id="sudo"),
    pytest.param(steps("- run: env A=1 timeout 60 docker run node:20\n"), {(5, 44, H1)}, id="env-timeout"),
    pytest.param(steps("- run: sh -c 'docker run node:20'\n"), {(5, 32, H1)}, id="sh-c"),
    pytest.param(steps("- run: x=$(docker pull node:20)\n"), {(5, 30, H1)}, id="command-substitution"),
    pytest.param(
        steps("- run: cd x && docker run node:20 true; docker pull python:3.12 | tee log\n"),
        {(5, 33, H1), (5, 59, H1)},
        id="and-semicolon-pipe",
    ),
    pytest.param(steps("- run: true || docker run node:20\n"), {(5, 33, H1)}, id="or"),
    pytest.param(steps("- run: if true; then docker run node:20; fi\n"), {(5, 39, H1)}, id="if"),
    pytest.param(steps("- run: for i in 1; do docker pull node:20; done\n"), {(5, 41, H1)}, id="for"),
    # quoting and comments
    pytest.param(steps('- run: docker run "node:20" true\n'), {(5, 26, H1)}, id="double-quoted-word"),
    pytest.param(steps("- run: docker run 'node:20' true\n"), {(5, 26, H1)}, id="single-quoted-word"),
    pytest.param(steps("- run: docker run alpine:3.20 # node:20\n"), {(5, 25, H1)}, id="comment-after-command"),
    pytest.param(steps("- run: docker run myorg/app:1\n"), {(5, 25, H2)}, id="non-official"),
    pytest.param(steps("- run: docker run Node:20\n"), {(5, 25, H6)}, id="invalid-reference"),
    # block scalars: the script's lines start in column 11 of the file
    pytest.param(
        steps("- run: |\n    docker run --rm \\\n      -e A=1 \\\n      node:20 npm test\n"),
        {(8, 13, H1)},
        id="literal-continuations",
    ),
    pytest.param(
        steps("- run: |\n    # docker run node:20\n    docker run --rm \\\n      python:3.12 true\n"),
        {(8, 13, H1)},
        id="literal-comment-line-then-command",
    ),
    pytest.param(
        steps("- run: |\n    cat <<EOF > x\n    docker run node:20\n    EOF\n    docker run python:3.12\n"),
        {(9, 22, H1)},
        id="literal-after-heredoc",
    ),
    pytest.param(steps("- run: |-\n    docker pull node:20\n"), {(6, 23, H1)}, id="literal-strip"),
    pytest.param(steps("- run: |+\n    docker pull node:20\n\n"), {(6, 23, H1)}, id="literal-keep"),
    pytest.param(steps("- run: |2\n      docker run node:20\n"), {(6, 24, H1)}, id="literal-indentation-indicator"),
    pytest.param(steps("- run: >\n    docker run --rm\n    node:20 true\n"), {(7, 11, H1)}, id="folded"),
    pytest.param(steps('- run: "docker run \\x6eode:20"\n'), {(5, 30, H1)}, id="double-quoted-escape"),
    pytest.param(steps("- shell: bash {0}\n  run: docker run node:20\n"), {(6, 25, H1)}, id="shell-bash-template"),
    pytest.param(steps("- shell: sh\n  run: docker run node:20\n"), {(6, 25, H1)}, id="shell-sh"),
    # composite actions: "    - run: " is 11 characters
    pytest.param(composite("- shell: bash\n  run: docker run --rm node:20 true\n"), {(5, 28, H1)}, id="composite-run"),
]

EXPRESSION_PROBLEMS = [
    # ${{ matrix.x }}: a finding on each matrix value that makes a Docker Hub image
    pytest.param(
        job(
            'strategy:\n  matrix:\n    img: [node:20, "python:3.12", ghcr.io/acme/b:1]\ncontainer: ${{ matrix.img }}\n'
        ),
        W,
        {(6, 15, H1), (6, 25, H1)},
        id="matrix-list",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    img:\n      - node:20\n      - myorg/app:1\nservices:\n  s:\n"
            "    image: ${{ matrix.img }}\n"
        ),
        W,
        {(7, 13, H1), (8, 13, H2)},
        id="matrix-block-list-service",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    os: [a, b]\n    include:\n      - os: a\n        img: node:20\n"
            "      - os: b\n        img: python:3.12\ncontainer: ${{ matrix.img }}\n"
        ),
        W,
        {(9, 18, H1), (11, 18, H1)},
        id="matrix-include-extends",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    include:\n      - img: node:20\n      - img: python:3.12\n"
            "container: ${{ matrix.img }}\n"
        ),
        W,
        {(7, 18, H1), (8, 18, H1)},
        id="matrix-include-only",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    os: [a, b]\n    include:\n      - img: node:20\ncontainer: ${{ matrix.img }}\n"),
        W,
        {(8, 18, H1)},
        id="matrix-include-into-every-combination",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    os: [a, b]\n    include:\n      - os: a\n        img: node:20\n"
            "      - os: c\n        img: python:3.12\ncontainer: ${{ matrix.img }}\n"
        ),
        W,
        {(9, 18, H1), (11, 18, H1)},
        id="matrix-include-some-combinations-without-the-key",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    img: [node:20, python:3.12]\n    exclude:\n      - img: python:3.12\n"
            "container: ${{ matrix.img }}\n"
        ),
        W,
        {(6, 15, H1)},
        id="matrix-exclude",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    os:\n      - {name: a, image: node:20}\n      - name: b\n"
            "        image: python:3.12\ncontainer:\n  image: ${{ matrix.os.image }}\n"
        ),
        W,
        {(7, 30, H1), (9, 20, H1)},
        id="matrix-object-values",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    Img: [node:20]\ncontainer: ${{ Matrix['IMG'] }}\n"),
        W,
        {(6, 15, H1)},
        id="matrix-index-syntax-any-case",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    v: ['20', '22']\ncontainer: node:${{ matrix.v }}\n"),
        W,
        {(7, 16, H1)},
        id="matrix-tag-only",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    img: [node:20]\ncontainer: ${{ matrix.img }}\nservices:\n  s:\n"
            "    image: ${{ matrix.img }}\n"
        ),
        W,
        {(6, 15, H1)},
        id="matrix-value-used-twice-one-finding",
    ),
    pytest.param(
        job("strategy:\n  matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}\ncontainer: ${{ matrix.img }}\n"),
        W,
        {(6, 16, H3)},
        id="matrix-fromjson",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    img: ${{ fromJSON(inputs.images) }}\ncontainer: ${{ matrix.img }}\n"),
        W,
        {(7, 16, H3)},
        id="matrix-key-fromjson",
    ),
    pytest.param(
        job("strategy:\n  matrix: ${{ fromJSON(x) }}\ncontainer: node:20\n"),
        W,
        {(6, 16, H1)},
        id="fromjson-literal-image",
    ),
    # ${{ env.X }} in a step's `with:`, from workflow, job and step env literals
    pytest.param(
        "on: push\nenv:\n  Q: alpine:3.20\njobs:\n  a:\n    steps:\n      - uses: docker/setup-qemu-action@v3\n"
        "        with:\n          image: ${{ env.Q }}\n",
        W,
        {(3, 6, H1)},
        id="env-workflow",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    env:\n      Q: alpine:3.20\n    steps:\n      - uses: docker/setup-qemu-action@v3\n"
        "        with:\n          image: ${{ env.Q }}\n",
        W,
        {(5, 10, H1)},
        id="env-job",
    ),
    pytest.param(
        steps("- uses: docker/setup-qemu-action@v3\n  env:\n    Q: 'alpine:3.20'\n  with:\n    image: ${{ env.Q }}\n"),
        W,
        {(7, 15, H1)},
        id="env-step",
    ),
    pytest.param(
        "on: push\nenv:\n  Q: busybox:1\njobs:\n  a:\n    env:\n      Q: alpine:3.20\n    steps:\n"
        "      - uses: docker/setup-qemu-action@v3\n        with:\n          image: ${{ env.Q }}\n",
        W,
        {(7, 10, H1)},
        id="env-job-overrides-workflow",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        img: [alpine:3.20]\n    env:\n"
        "      Q: ${{ matrix.img }}\n    steps:\n      - uses: docker/setup-qemu-action@v3\n        with:\n"
        "          image: ${{ env.Q }}\n",
        W,
        {(6, 15, H1)},
        id="env-from-matrix",
    ),
    pytest.param(job("container: ${{ env.IMG }}\nenv:\n  IMG: node:20\n"), W, {(4, 16, H3)}, id="env-in-container"),
    pytest.param(
        "on: push\nenv:\n  IMG: node:20\njobs:\n  a:\n    services:\n      s:\n        image: ${{ env.IMG }}\n",
        W,
        {(8, 16, H3)},
        id="env-in-service",
    ),
    # env in run: scripts, as ${{ env.X }} and as $X / ${X}
    pytest.param(
        "on: push\njobs:\n  a:\n    env:\n      IMG: node:20\n    steps:\n      - run: docker run ${{ env.IMG }}\n",
        W,
        {(5, 12, H1)},
        id="run-env-expression",
    ),
    pytest.param(
        "on: push\nenv:\n  IMG: node:20\njobs:\n  a:\n    steps:\n      - run: docker run $IMG\n",
        W,
        {(3, 8, H1)},
        id="run-dollar-workflow-env",
    ),
    pytest.param(
        'on: push\njobs:\n  a:\n    env:\n      IMG: "node:20"\n    steps:\n      - run: docker run "${IMG}"\n',
        W,
        {(5, 13, H1)},
        id="run-braces-job-env",
    ),
    pytest.param(
        steps("- env:\n    IMG: node:20\n  run: docker run --rm $IMG true\n"), W, {(6, 16, H1)}, id="run-step-env"
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    env:\n      BASE: node:20\n    steps:\n      - env:\n"
        "          IMG: ${{ env.BASE }}\n        run: docker run $IMG\n",
        W,
        {(5, 13, H1)},
        id="run-step-env-reads-job-env",
    ),
    pytest.param(steps("- run: IMG=node:20; docker run $IMG\n"), W, {(5, 18, H1)}, id="run-assignment"),
    pytest.param(steps("- run: docker run $IMG\n"), W, {(5, 25, H3)}, id="run-unknown-variable"),
    pytest.param(
        steps("- run: docker run ${{ secrets.REGISTRY }}/node:20\n"),
        W,
        {(5, 25, H3)},
        id="run-expression-then-literal",
    ),
    pytest.param(
        steps("- run: docker run ${{ secrets.IMG }}\n"),
        W,
        {(5, 25, H3)},
        id="run-secret",
    ),
    # inputs: workflow_call / workflow_dispatch defaults, `||` fallbacks
    pytest.param(
        "on:\n  workflow_call:\n    inputs:\n      img:\n        type: string\n        default: node:20\n"
        "jobs:\n  a:\n    container: ${{ inputs.img }}\n",
        W,
        {(6, 18, H1)},
        id="input-workflow-call",
    ),
    pytest.param(
        "on:\n  workflow_dispatch:\n    inputs:\n      img:\n        default: 'node:20'\njobs:\n  a:\n"
        "    container: ${{ github.event.inputs.img }}\n",
        W,
        {(5, 19, H1)},
        id="input-workflow-dispatch",
    ),
    pytest.param(
        "on:\n  workflow_dispatch:\n    inputs:\n      img:\n        default: node:20\njobs:\n  a:\n"
        "    container: ${{ inputs.img }}\n",
        W,
        {(5, 18, H1)},
        id="input-workflow-dispatch-inputs-context",
    ),
    pytest.param(
        "on:\n  workflow_call:\n    inputs:\n      img:\n        type: string\njobs:\n  a:\n"
        "    container: ${{ inputs.img || 'node:20' }}\n",
        W,
        {(8, 35, H1)},
        id="input-or-literal",
    ),
    pytest.param(
        "on:\n  workflow_call:\n    inputs:\n      img:\n        default: python:3.12\njobs:\n  a:\n"
        "    container: ${{ inputs.img || 'node:20' }}\n",
        W,
        {(5, 18, H1)},
        id="input-default-before-literal",
    ),
    pytest.param(job("container: ${{ inputs.img }}\n"), W, {(4, 16, H3)}, id="input-undeclared"),
    pytest.param(
        "inputs:\n  db:\n    default: mysql:8.4\nruns:\n  using: composite\n  steps:\n"
        "    - uses: docker/setup-qemu-action@v3\n      with:\n        image: ${{ inputs.db }}\n",
        A,
        {(3, 14, H1)},
        id="action-input",
    ),
    # what dehub does not evaluate is unresolved (DH003), never guessed
    pytest.param(job("container: ${{ secrets.IMAGE }}\n"), W, {(4, 16, H3)}, id="secrets"),
    pytest.param(job("container: ${{ needs.build.outputs.image }}\n"), W, {(4, 16, H3)}, id="needs"),
    pytest.param(job("container: ${{ vars.IMAGE }}\n"), W, {(4, 16, H3)}, id="vars"),
    pytest.param(job("container: ${{ vars.REGISTRY }}/node:20\n"), W, {(4, 16, H3)}, id="vars-registry"),
    pytest.param(job("container: ${{ vars.NAME }}:20\n"), W, {(4, 16, H3)}, id="vars-name"),
    pytest.param(job("container: node:${{ vars.TAG }}\n"), W, {(4, 16, H1)}, id="vars-tag-name-known"),
]

YAML_FORM_PROBLEMS = [
    pytest.param(
        "on: push\nx-image: &img node:20\njobs:\n  a:\n    container: *img\n  b:\n    container:\n      image: *img\n",
        {(2, 15, H1)},
        id="anchor-used-twice",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: &img node:20\n  b:\n    container: *img\n",
        {(4, 21, H1)},
        id="anchor-inline",
    ),
    pytest.param(
        "on: push\nx-defaults: &defaults\n  runs-on: ubuntu-latest\n  container: node:20\njobs:\n  a:\n"
        "    <<: *defaults\n  b:\n    <<: *defaults\n    container: python:3.12\n",
        {(4, 14, H1), (10, 16, H1)},
        id="merge-key",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n---\non: push\njobs:\n  b:\n    container: python:3.12\n",
        {(4, 16, H1), (9, 16, H1)},
        id="multi-document",
    ),
    pytest.param(
        "on: push\r\njobs:\r\n  a:\r\n    container: node:20\r\n    services:\r\n      s:\r\n"
        "        image: 'redis:7'\r\n",
        {(4, 16, H1), (7, 17, H1)},
        id="crlf",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: !Ref node:20\n    services:\n      s: !!map\n"
        "        image: !!str redis:7\n    steps:\n      - !reference [.setup, steps]\nx: !reference [a, b]\n",
        {(4, 21, H1), (7, 22, H1)},
        id="unknown-tags",
    ),
    pytest.param(
        'on: push\njobs:\n  a:\n    services:\n      s:\n        image: "pos\\\n          tgres:16"\n',
        {(6, 17, H1)},
        id="double-quoted-escaped-line-break",
    ),
    pytest.param("on: push\njobs:\n  a:\n    container: node:20\n  b: [unclosed\n", {(6, 1, H900)}, id="invalid-yaml"),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n---\njobs: [\n",
        {(4, 16, H1), (7, 1, H900)},
        id="invalid-second-document",
    ),
    pytest.param("on: push\njobs:\n\ta:\n\t\tcontainer: node:20\n", {(3, 1, H900)}, id="tab-indented"),
    pytest.param("on: push\njobs:\n  a:\n\tcontainer: node:20\n", {(4, 1, H900)}, id="tab-indented-line"),
    pytest.param("on: push\njobs:\n  a:\n    container: node:20\n\x07\n", {(5, 1, H900)}, id="control-character"),
]


@pytest.mark.parametrize(("text", "expected"), CONTAINER_PROBLEMS)
def test_container_problems(text, expected):
    assert problems(text, W) == expected


@pytest.mark.parametrize(("text", "expected"), SERVICE_PROBLEMS)
def test_service_problems(text, expected):
    assert problems(text, W) == expected


@pytest.mark.parametrize(("text", "kind", "expected"), DOCKER_USES_PROBLEMS)
def test_docker_uses_problems(text, kind, expected):
    assert problems(text, kind) == expected


@pytest.mark.parametrize(("text", "expected"), SETUP_ACTION_PROBLEMS)
def test_setup_action_problems(text, expected):
    assert problems(text, W) == expected


@pytest.mark.parametrize(("text", "expected"), RUN_PROBLEMS)
def test_run_problems(text, expected):
    kind = A if text.startswith("runs:") else W
    assert problems(text, kind) == expected


@pytest.mark.parametrize(("text", "kind", "expected"), EXPRESSION_PROBLEMS)
def test_expression_problems(text, kind, expected):
    assert problems(text, kind) == expected


@pytest.mark.parametrize(("text", "expected"), YAML_FORM_PROBLEMS)
def test_yaml_form_problems(text, expected):
    assert problems(text, W) == expected


def test_bom_is_not_a_column():
    text = "\ufeff{on: push, jobs: {a: {container: node:20}}}\n"
    # decoded as a file is: the BOM is dropped, so `node:20` starts in column 34, not 35
    assert problems(text.encode("utf-8"), W) == {(1, 34, H1)}


def test_flow_style_workflow_on_one_line():
    text = "{on: push, jobs: {a: {container: node:20, services: {db: {image: postgres:16}}}}}\n"
    assert problems(text, W) == {(1, 34, H1), (1, 66, H1)}


def test_invalid_yaml_reports_only_dh900():
    text = "on: push\njobs:\n  a:\n    container: node:20\n    steps: [\n"
    assert [f.code for f in findings(text, W)] == [H900]


def test_unresolved_message_names_the_expression():
    (finding,) = findings(job("container: ${{ secrets.IMAGE }}\n"), W)
    assert finding.code == H3 and finding.severity == "info"
    assert finding.message.startswith(
        "`${{ secrets.IMAGE }}` depends on secrets.IMAGE, whose value is not in this file"
    )


def test_unresolved_message_in_a_run_script_names_the_expression():
    (finding,) = findings(steps("- run: docker run ${{ secrets.REGISTRY }}/node:20\n"), W)
    assert finding.message.startswith(
        "`${{ secrets.REGISTRY }}/node:20` depends on `${{ secrets.REGISTRY }}`, whose value is not in this file"
    )


def test_unresolved_message_at_the_job_container_names_the_expression():
    (finding,) = findings(job("container: ${{ vars.REGISTRY }}/node:20\n"), W)
    assert "depends on vars.REGISTRY," in finding.message


def test_matrix_literal_that_also_feeds_another_registry_is_not_fixed():
    text = job(
        "strategy:\n  matrix:\n    img: [node:20]\ncontainer: ${{ matrix.img }}\nservices:\n  s:\n"
        "    image: ghcr.io/acme/${{ matrix.img }}\n"
    )
    (finding,) = findings(text, W)
    assert (finding.line, finding.column, finding.code, finding.fix) == (6, 15, H1, None)
    assert "(no automatic fix: the same text also makes `ghcr.io/acme/node:20`)" in finding.message
    assert fixed(text, W) == text


def test_unsafe_fix_only_with_unsafe():
    text = job("container: centos:7\n")
    assert fixed(text, W) == text
    assert fixed(text, W, unsafe=True) == job(f"container: {MIRROR}centos:7\n")


# --------------------------------------------------------------------------------------------
# Suppression comments
# --------------------------------------------------------------------------------------------

SUPPRESSION_CASES = [
    pytest.param(
        job(
            "# dehub ignore=DH001 pinned until the mirror is approved\ncontainer:\n  image: node:20\n"
            "services:\n  s:\n    image: redis:7\n"
        ),
        {(9, 16, H1)},
        id="line-before-container-covers-the-mapping",
    ),
    pytest.param(
        job("container: node:20  # dehub ignore=DH001 pinned\nservices:\n  s:\n    image: redis:7\n"),
        {(7, 16, H1)},
        id="end-of-line",
    ),
    pytest.param(
        job("container:  # dehub ignore=DH001\n  image: node:20\nservices:\n  s:\n    image: redis:7\n"),
        {(8, 16, H1)},
        id="end-of-key-line-covers-the-value",
    ),
    pytest.param(job("# dehub ignore=DH002\ncontainer: node:20\n"), {(5, 16, H1)}, id="other-code-does-not-suppress"),
    pytest.param(
        steps("# dehub ignore=DH001\n- uses: docker://alpine:3.20\n- uses: docker://busybox:1.36\n"),
        {(7, 24, H1)},
        id="line-before-a-step-covers-only-that-step",
    ),
    pytest.param(
        steps("- uses: docker://alpine:3.20  # dehub ignore=DH001\n- uses: docker://busybox:1.36\n"),
        {(6, 24, H1)},
        id="end-of-line-on-a-step-covers-only-that-step",
    ),
    pytest.param(
        job("# dehub ignore=DH001\ncontainer:\n  image: node:20\nservices: {s: {image: redis:7}}\n"),
        {(7, 27, H1)},
        id="line-before-container-mapping-not-the-next-key",
    ),
    pytest.param(
        job("# dehub ignore=DH001\ncontainer: node:20\nservices: {s: {image: redis:7}}\n"),
        {(6, 27, H1)},
        id="line-before-container-string-not-the-next-key",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    img: [node:20]\n# dehub ignore=DH001\ncontainer: ${{ matrix.img }}\n"),
        set(),
        id="at-the-site-covers-the-matrix-value",
    ),
    pytest.param(
        "# dehub global ignore=DH001\non: push\njobs:\n  a:\n    container: node:20\n    services:\n"
        "      s:\n        image: myorg/queue:1\n",
        {(8, 16, H2)},
        id="global",
    ),
    pytest.param(
        steps("# dehub ignore=DH001 test image\n- run: |\n    docker pull node:20\n    docker run node:20 true\n"),
        set(),
        id="before-run-covers-the-script",
    ),
    pytest.param(
        steps(
            "- run: |\n    docker pull python:3.12\n    # dehub ignore=DH001 the smoke test pins it\n"
            "    docker run --rm node:20 true\n"
        ),
        {(6, 23, H1)},
        id="shell-comment-above-the-command",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    env:\n      IMG: node:20\n    steps:\n      - run: |\n"
        "          # dehub ignore=DH001 pinned for the smoke test\n          docker run $IMG\n",
        set(),
        id="shell-comment-above-a-variable",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    env:\n      IMG: node:20\n    steps:\n      - run: |\n"
        "          # dehub ignore=DH001 pinned for the smoke test\n          docker run ${{ env.IMG }}\n",
        set(),
        id="shell-comment-above-an-expression",
    ),
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3  # dehub ignore=DH004 daemon has a cache\n"),
        set(),
        id="dh004-end-of-uses-line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SUPPRESSION_CASES)
def test_suppression(text, expected):
    assert problems(text, W) == expected


def test_unused_suppression_in_a_workflow():
    text = job("# dehub ignore=DH002\ncontainer: node:20\n")
    assert problems(text, W, show_unused_suppressions=True) == {(4, 5, H901), (5, 16, H1)}


def test_suppressed_finding_is_not_fixed():
    text = job("container: node:20  # dehub ignore=DH001\nservices:\n  s:\n    image: redis:7\n")
    assert fixed(text, W) == job(
        f"container: node:20  # dehub ignore=DH001\nservices:\n  s:\n    image: {MIRROR}redis:7\n"
    )


# --------------------------------------------------------------------------------------------
# FIX cases: the exact output, and fixing it again changes nothing
# --------------------------------------------------------------------------------------------

FIX_CASES = [
    # sites
    pytest.param(job("container: node:20\n"), job(f"container: {MIRROR}node:20\n"), W, {}, id="container"),
    pytest.param(
        job("container:\n  image: node:20\n  options: --init\n"),
        job(f"container:\n  image: {MIRROR}node:20\n  options: --init\n"),
        W,
        {},
        id="container-mapping",
    ),
    pytest.param(
        job("container: {image: node:20}\n"),
        job(f"container: {{image: {MIRROR}node:20}}\n"),
        W,
        {},
        id="container-flow",
    ),
    pytest.param(
        job("services:\n  db: {image: 'postgres:16', ports: ['5432:5432']}\n"),
        job(f"services:\n  db: {{image: '{MIRROR}postgres:16', ports: ['5432:5432']}}\n"),
        W,
        {},
        id="service-flow-quoted",
    ),
    pytest.param(
        steps('- uses: "docker://alpine:3.20"\n'),
        steps(f'- uses: "docker://{MIRROR}alpine:3.20"\n'),
        W,
        {},
        id="docker-uses",
    ),
    pytest.param(
        composite("- uses: docker://alpine:3.20\n"),
        composite(f"- uses: docker://{MIRROR}alpine:3.20\n"),
        A,
        {},
        id="composite-docker-uses",
    ),
    pytest.param(
        docker_action("docker://alpine:3.20"), docker_action(f"docker://{MIRROR}alpine:3.20"), A, {}, id="action-image"
    ),
    pytest.param(
        steps(
            "- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: |\n      network=host\n"
            "      image=moby/buildkit:v0.16\n"
        ),
        steps(
            "- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: |\n      network=host\n"
            "      image=ecr.example/hub/moby/buildkit:v0.16\n"
        ),
        W,
        {"config": make_config(mirror={"map": {"moby/buildkit": "ecr.example/hub/{path}"}})},
        id="buildx-block-mapped",
    ),
    pytest.param(
        steps("- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: image=node:20,network=host\n"),
        steps(f"- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: image={MIRROR}node:20,network=host\n"),
        W,
        {},
        id="buildx-csv",
    ),
    pytest.param(
        steps("- uses: docker/setup-qemu-action@v3\n  with:\n    image: tonistiigi/binfmt:qemu-v8\n"),
        steps("- uses: docker/setup-qemu-action@v3\n  with:\n    image: ecr.example/hub/tonistiigi/binfmt:qemu-v8\n"),
        W,
        {"config": make_config(mirror={"map": {"tonistiigi/binfmt": "ecr.example/hub/{path}"}})},
        id="qemu-mapped",
    ),
    # run: scripts, in every block form
    pytest.param(
        steps("- run: docker run --rm -e A=1 node:20 npm test\n"),
        steps(f"- run: docker run --rm -e A=1 {MIRROR}node:20 npm test\n"),
        W,
        {},
        id="run-plain",
    ),
    pytest.param(
        steps(
            "- run: |\n    docker pull node:20\n    docker run --rm \\\n      -v $PWD:/src \\\n      python:3.12 make\n"
        ),
        steps(
            f"- run: |\n    docker pull {MIRROR}node:20\n    docker run --rm \\\n      -v $PWD:/src \\\n"
            f"      {MIRROR}python:3.12 make\n"
        ),
        W,
        {},
        id="run-literal",
    ),
    pytest.param(
        steps("- run: |-\n    docker run 'node:20' true\n"),
        steps(f"- run: |-\n    docker run '{MIRROR}node:20' true\n"),
        W,
        {},
        id="run-literal-strip",
    ),
    pytest.param(
        steps('- run: |+\n    docker run "node:20" true\n\n- run: true\n'),
        steps(f'- run: |+\n    docker run "{MIRROR}node:20" true\n\n- run: true\n'),
        W,
        {},
        id="run-literal-keep",
    ),
    pytest.param(
        steps("- run: |2\n      docker run node:20\n"),
        steps(f"- run: |2\n      docker run {MIRROR}node:20\n"),
        W,
        {},
        id="run-literal-indentation-indicator",
    ),
    pytest.param(
        steps("- run: >\n    docker run --rm\n    node:20 true\n"),
        steps(f"- run: >\n    docker run --rm\n    {MIRROR}node:20 true\n"),
        W,
        {},
        id="run-folded",
    ),
    pytest.param(
        steps('- run: "docker run \\x6eode:20"\n'),
        steps('- run: "docker run \\x6eode:20"\n'),
        W,
        {},
        id="run-double-quoted-escape-not-fixed",
    ),
    pytest.param(
        steps('- run: "docker run node:20"\n'),
        steps(f'- run: "docker run {MIRROR}node:20"\n'),
        W,
        {},
        id="run-double-quoted",
    ),
    pytest.param(
        steps("- run: |\n    cat <<EOF\n    docker run node:20\n    EOF\n    docker run node:20\n"),
        steps(f"- run: |\n    cat <<EOF\n    docker run node:20\n    EOF\n    docker run {MIRROR}node:20\n"),
        W,
        {},
        id="run-heredoc-body-untouched",
    ),
    pytest.param(
        steps("- env:\n    IMG: node:20\n  run: docker run $IMG\n"),
        steps(f"- env:\n    IMG: {MIRROR}node:20\n  run: docker run $IMG\n"),
        W,
        {},
        id="run-env-literal",
    ),
    pytest.param(
        steps('- run: |\n    IMG=node:20\n    docker run "$IMG"\n'),
        steps(f'- run: |\n    IMG={MIRROR}node:20\n    docker run "$IMG"\n'),
        W,
        {},
        id="run-assignment",
    ),
    # expressions: the fix lands where the value is written
    pytest.param(
        job(
            "strategy:\n  matrix:\n    img: [node:20, 'python:3.12', ghcr.io/acme/b:1]\ncontainer: ${{ matrix.img }}\n"
        ),
        job(
            f"strategy:\n  matrix:\n    img: [{MIRROR}node:20, '{MIRROR}python:3.12', ghcr.io/acme/b:1]\n"
            "container: ${{ matrix.img }}\n"
        ),
        W,
        {},
        id="matrix-list",
    ),
    pytest.param(
        job("strategy:\n  matrix:\n    include:\n      - img: node:20\n        os: a\ncontainer: ${{ matrix.img }}\n"),
        job(
            f"strategy:\n  matrix:\n    include:\n      - img: {MIRROR}node:20\n        os: a\n"
            "container: ${{ matrix.img }}\n"
        ),
        W,
        {},
        id="matrix-include",
    ),
    pytest.param(
        job(
            "strategy:\n  matrix:\n    v: ['20', '22']\n    name: [node]\n"
            "container: ${{ matrix.name }}:${{ matrix.v }}\n"
        ),
        job(
            f"strategy:\n  matrix:\n    v: ['20', '22']\n    name: [{MIRROR}node]\n"
            "container: ${{ matrix.name }}:${{ matrix.v }}\n"
        ),
        W,
        {},
        id="matrix-name-and-tag",
    ),
    pytest.param(
        "on: push\nenv:\n  Q: alpine:3.20\njobs:\n  a:\n    steps:\n      - uses: docker/setup-qemu-action@v3\n"
        "        with:\n          image: ${{ env.Q }}\n",
        f"on: push\nenv:\n  Q: {MIRROR}alpine:3.20\njobs:\n  a:\n    steps:\n"
        "      - uses: docker/setup-qemu-action@v3\n        with:\n          image: ${{ env.Q }}\n",
        W,
        {},
        id="env-literal",
    ),
    pytest.param(
        'on:\n  workflow_call:\n    inputs:\n      img:\n        default: "node:20"\njobs:\n  a:\n'
        "    container: ${{ inputs.img }}\n",
        f'on:\n  workflow_call:\n    inputs:\n      img:\n        default: "{MIRROR}node:20"\njobs:\n  a:\n'
        "    container: ${{ inputs.img }}\n",
        W,
        {},
        id="input-default",
    ),
    pytest.param(
        job("container: ${{ inputs.img || 'node:20' }}\n"),
        job(f"container: ${{{{ inputs.img || '{MIRROR}node:20' }}}}\n"),
        W,
        {},
        id="input-or-literal",
    ),
    # YAML forms
    pytest.param(
        job("container: 'node:20'\nservices:\n  s:\n    image: \"redis:7\"\n"),
        job(f"container: '{MIRROR}node:20'\nservices:\n  s:\n    image: \"{MIRROR}redis:7\"\n"),
        W,
        {},
        id="quotes-kept",
    ),
    pytest.param(
        job("container:\n  image: >-\n    node:20\n"),
        job(f"container:\n  image: >-\n    {MIRROR}node:20\n"),
        W,
        {},
        id="folded-strip",
    ),
    pytest.param(
        job('services:\n  s:\n    image: "pos\\\n      tgres:16"\n'),
        job('services:\n  s:\n    image: "pos\\\n      tgres:16"\n'),
        W,
        {},
        id="escaped-line-break-not-fixed",
    ),
    pytest.param(
        "on: push\nx-image: &img node:20\njobs:\n  a:\n    container: *img\n  b:\n    container:\n      image: *img\n",
        f"on: push\nx-image: &img {MIRROR}node:20\njobs:\n  a:\n    container: *img\n  b:\n    container:\n"
        "      image: *img\n",
        W,
        {},
        id="anchor-fixed-once",
    ),
    pytest.param(
        "on: push\nx-defaults: &defaults\n  container: node:20\njobs:\n  a:\n    <<: *defaults\n  b:\n"
        "    <<: *defaults\n",
        f"on: push\nx-defaults: &defaults\n  container: {MIRROR}node:20\njobs:\n  a:\n    <<: *defaults\n  b:\n"
        "    <<: *defaults\n",
        W,
        {},
        id="merge-key",
    ),
    pytest.param(
        "# CI\non: push  # every push\njobs:\n  a:\n    # the image\n    container: node:20  # pinned\n",
        f"# CI\non: push  # every push\njobs:\n  a:\n    # the image\n    container: {MIRROR}node:20  # pinned\n",
        W,
        {},
        id="comments-kept",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n---\non: push\njobs:\n  b:\n    container: python:3.12\n",
        f"on: push\njobs:\n  a:\n    container: {MIRROR}node:20\n---\non: push\njobs:\n  b:\n"
        f"    container: {MIRROR}python:3.12\n",
        W,
        {},
        id="multi-document",
    ),
    pytest.param(
        "on: push\r\njobs:\r\n  a:\r\n    container: node:20\r\n    steps:\r\n      - run: |\r\n"
        "          docker pull python:3.12\r\n          docker run --rm \\\r\n            redis:7 true\r\n",
        f"on: push\r\njobs:\r\n  a:\r\n    container: {MIRROR}node:20\r\n    steps:\r\n      - run: |\r\n"
        f"          docker pull {MIRROR}python:3.12\r\n          docker run --rm \\\r\n"
        f"            {MIRROR}redis:7 true\r\n",
        W,
        {},
        id="crlf",
    ),
    pytest.param(
        "\ufeffon: push\njobs:\n  a:\n    container: node:20\n",
        f"\ufeffon: push\njobs:\n  a:\n    container: {MIRROR}node:20\n",
        W,
        {},
        id="bom-kept",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: !Ref node:20\n    steps:\n      - !reference [.setup, steps]\n",
        f"on: push\njobs:\n  a:\n    container: !Ref {MIRROR}node:20\n    steps:\n      - !reference [.setup, steps]\n",
        W,
        {},
        id="unknown-tags",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n  b: [unclosed\n",
        "on: push\njobs:\n  a:\n    container: node:20\n  b: [unclosed\n",
        W,
        {},
        id="invalid-yaml-not-rewritten",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    container: node:20\n---\njobs: [\n",
        "on: push\njobs:\n  a:\n    container: node:20\n---\njobs: [\n",
        W,
        {},
        id="invalid-second-document-not-rewritten",
    ),
]


@pytest.mark.parametrize(("text", "expected", "kind", "options"), FIX_CASES)
def test_fix(text, expected, kind, options):
    check_fix(text, expected, kind, options)


# --------------------------------------------------------------------------------------------
# Kind detection, through the command line
# --------------------------------------------------------------------------------------------

WORKFLOW_TEXT = "on: push\njobs:\n  a:\n    container: node:20\n"
ACTION_TEXT = "runs:\n  using: docker\n  image: docker://alpine:3.20\n"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty working folder with no configuration file above it."""
    from dehub.config import find_config_file

    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None
    return tmp_path


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def check_lines(capsys, *argv: str) -> tuple[int, list[str]]:
    from dehub.hooks.cli import main

    code = main(["check", "--isolated", *argv])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if ": DH" in line]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".github/workflows/ci.yml", W),
        (".github/workflows/ci.yaml", W),
        (".github/workflows/CI.YML", W),
        ("workflow-templates/x.yml", W),
        ("org/.github/workflow-templates/x.yaml", W),
        (".github/workflows/sub/x.yml", None),
        ("ci.yml", None),
        ("workflows/ci.yml", None),
        ("action.yml", A),
        ("action.yaml", A),
        ("tools/setup/action.yml", A),
        (".github/actions/foo/action.yml", A),
        (".github/actions/foo/helper.yaml", A),
        (".github/workflows/ci.yml.bak", None),
    ],
)
def test_kind_for_path(path, kind):
    assert kind_for_path(path) == kind


def test_folder_walk_reads_workflows_and_actions(work, capsys):
    write(work / ".github/workflows/ci.yml", WORKFLOW_TEXT)
    write(work / ".github/workflows/sub/x.yml", WORKFLOW_TEXT)  # GitHub ignores subfolders
    write(work / ".github/actions/foo/action.yml", ACTION_TEXT)
    write(work / "action.yaml", ACTION_TEXT)
    write(work / "workflow-templates/x.yml", WORKFLOW_TEXT)
    write(work / "config/ci.yml", WORKFLOW_TEXT)  # a YAML file no kind claims
    code, lines = check_lines(capsys, ".")
    assert code == 1
    assert [line.split(" DH001 ")[0] for line in lines] == [
        ".github/actions/foo/action.yml:3:19:",
        ".github/workflows/ci.yml:4:16:",
        "action.yaml:3:19:",
        "workflow-templates/x.yml:4:16:",
    ]


def test_kind_option_reads_any_name_as_a_workflow(work, capsys):
    write(work / "pipeline.txt", WORKFLOW_TEXT)
    code, lines = check_lines(capsys, "--kind", "workflow", "pipeline.txt")
    assert code == 1
    assert lines[0].startswith("pipeline.txt:4:16: DH001 error: `node:20` is pulled from Docker Hub")
    code, lines = check_lines(capsys, "--kind", "action", "pipeline.txt")
    assert (code, lines) == (0, [])  # no `runs:`: as an action it pulls nothing


def test_fix_through_the_command_line_keeps_crlf_and_bom(work, capsys):
    from dehub.hooks.cli import main

    path = work / ".github/workflows/ci.yml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbfon: push\r\njobs:\r\n  a:\r\n    container: 'node:20'\r\n")
    assert main(["check", "--isolated", "--fix", "."]) == 0
    assert path.read_bytes() == f"\ufeffon: push\r\njobs:\r\n  a:\r\n    container: '{MIRROR}node:20'\r\n".encode()
    capsys.readouterr()
    assert main(["check", "--isolated", "."]) == 0
