"""`dehub inventory`: the images each workflow job pulls, and the Docker Hub pulls one run makes.

The workflows below have the shapes of real CI files: a matrix of job containers with services
(ports, options, credentials), a `docker://` step, setup-qemu / setup-buildx, a `run:` script
that pulls; a reusable workflow whose images come from input defaults; a job whose matrix is
built by `fromJSON`; a composite action. Counts are worked out by hand next to each text:
job container x matrix size + services + `docker://` steps + script pulls + hidden pulls.
"""

from __future__ import annotations

import json
from textwrap import dedent

import pytest

from dehub.config import find_config_file
from dehub.gha.action import ACTION_JOB
from dehub.hooks.cli import main


def engine_bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"engine bug: {reason}")


# Line numbers are those of the file; `#NN` comments would break the YAML forms, so they are
# listed here: 11 `test:`, 16 the image list, 21 `image: ${{ matrix.image }}`, 25 postgres,
# 34 redis (ECR Public), 36 ghcr.io registry, 42 `docker://hadolint`, 47 `image:` (the job),
# 54 qemu's image, 55 setup-buildx, 62-64 the smoke-test script.
CI = """\
name: ci
on:
  push:
    branches: [main]
  pull_request:

env:
  SMOKE_IMAGE: alpine:3.20

jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        image: ["node:18-bookworm", "node:20-bookworm", "node:22-bookworm"]
        include:
          - image: node:22-bookworm
            experimental: true
    container:
      image: ${{ matrix.image }}
      options: --user 1001
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports:
          - 5432:5432
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
      redis:
        image: public.ecr.aws/docker/library/redis:7
      registry:
        image: ghcr.io/acme/registry:2
        credentials:
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - uses: docker://hadolint/hadolint:v2.12.0
        with:
          args: hadolint Dockerfile
      - run: npm ci && npm test

  image:
    runs-on: ubuntu-latest
    needs: test
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-qemu-action@v3
        with:
          image: public.ecr.aws/acme/binfmt:latest
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          push: false
          tags: app:ci
      - name: Smoke test
        run: |
          docker run --rm -e CI=true "$SMOKE_IMAGE" sh -c 'echo ok'
          docker pull public.ecr.aws/docker/library/busybox:1.36
          docker run --rm busybox:1.36 true
"""


def pull(image, site, phase, line, column, docker_hub, combinations=1):
    return {
        "image": image,
        "site": site,
        "phase": phase,
        "line": line,
        "column": column,
        "docker_hub": docker_hub,
        "combinations": combinations,
    }


# job test: 3 combinations (the include entry extends node:22, it adds none): 3 containers,
# postgres x3 and hadolint x3 from Docker Hub = 9; redis and the registry are elsewhere.
# job image: BuildKit (hidden) + alpine (through $SMOKE_IMAGE) + busybox:1.36 = 3. Total 12.
CI_JOBS = [
    {
        "job": "test",
        "line": 11,
        "column": 3,
        "matrix_size": 3,
        "pulls": [
            pull("node:18-bookworm", "gha-container", "setup", 21, 14, True),
            pull("node:20-bookworm", "gha-container", "setup", 21, 14, True),
            pull("node:22-bookworm", "gha-container", "setup", 21, 14, True),
            pull("postgres:16", "gha-service", "setup", 25, 16, True, 3),
            pull("public.ecr.aws/docker/library/redis:7", "gha-service", "setup", 34, 16, False, 3),
            pull("ghcr.io/acme/registry:2", "gha-service", "setup", 36, 16, False, 3),
            pull("hadolint/hadolint:v2.12.0", "gha-docker-uses", "action-setup", 42, 24, True, 3),
        ],
        "docker_hub_pulls_per_run": 9,
    },
    {
        "job": "image",
        "line": 47,
        "column": 3,
        "matrix_size": 1,
        "pulls": [
            pull("public.ecr.aws/acme/binfmt:latest", "qemu-image", "step", 54, 18, False),
            pull("moby/buildkit:buildx-stable-1", "docker/setup-buildx-action", "step", 55, 15, True),
            pull("alpine:3.20", "gha-run", "step", 62, 39, True),
            pull("public.ecr.aws/docker/library/busybox:1.36", "gha-run", "step", 63, 23, False),
            pull("busybox:1.36", "gha-run", "step", 64, 27, True),
        ],
        "docker_hub_pulls_per_run": 3,
    },
]

CI_TEXT = """\
.github/workflows/ci.yml (workflow)
  job test (3 combinations)
    21:14    setup        gha-container              node:18-bookworm  [Docker Hub]
    21:14    setup        gha-container              node:20-bookworm  [Docker Hub]
    21:14    setup        gha-container              node:22-bookworm  [Docker Hub]
    25:16    setup        gha-service                postgres:16  [Docker Hub] x3
    34:16    setup        gha-service                public.ecr.aws/docker/library/redis:7  [elsewhere] x3
    36:16    setup        gha-service                ghcr.io/acme/registry:2  [elsewhere] x3
    42:24    action-setup gha-docker-uses            hadolint/hadolint:v2.12.0  [Docker Hub] x3
    Docker Hub pulls per run: 9
  job image (1 combination)
    54:18    step         qemu-image                 public.ecr.aws/acme/binfmt:latest  [elsewhere]
    55:15    step         docker/setup-buildx-action moby/buildkit:buildx-stable-1  [Docker Hub]
    62:39    step         gha-run                    alpine:3.20  [Docker Hub]
    63:23    step         gha-run                    public.ecr.aws/docker/library/busybox:1.36  [elsewhere]
    64:27    step         gha-run                    busybox:1.36  [Docker Hub]
    Docker Hub pulls per run: 3
  total Docker Hub pulls per run: 12
"""

# A reusable workflow: the images are input defaults (7: node:20, 10: mysql:8.4); the script
# falls back to a literal (curlimages/curl has no mirror, but it is still a Docker Hub pull).
REUSABLE = """\
name: integration
on:
  workflow_call:
    inputs:
      node-image:
        type: string
        default: node:20
      db-image:
        type: string
        default: mysql:8.4
      tools-image:
        type: string
        required: false
  workflow_dispatch:
jobs:
  integration:
    runs-on: ubuntu-latest
    container: ${{ inputs.node-image }}
    services:
      db:
        image: ${{ inputs.db-image }}
        ports: ["3306:3306"]
        env:
          MYSQL_ALLOW_EMPTY_PASSWORD: "yes"
    steps:
      - run: docker pull ${{ inputs.tools-image || 'curlimages/curl:8.10.1' }}
"""

REUSABLE_JOBS = [
    {
        "job": "integration",
        "line": 16,
        "column": 3,
        "matrix_size": 1,
        "pulls": [
            pull("node:20", "gha-container", "setup", 18, 16, True),
            pull("mysql:8.4", "gha-service", "setup", 21, 16, True),
            pull("curlimages/curl:8.10.1", "gha-run", "step", 26, 26, True),
        ],
        "docker_hub_pulls_per_run": 3,
    }
]

# The matrix comes from another job's output: its size and the container are unknown; redis
# and BuildKit are still counted once each, and the total is "at least 2".
DYNAMIC = """\
on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: ${{ steps.m.outputs.matrix }}
    steps:
      - id: m
        run: echo "matrix=$(cat matrix.json)" >> "$GITHUB_OUTPUT"
  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    container: ${{ matrix.image }}
    services:
      cache:
        image: redis:7
    steps:
      - uses: docker/setup-buildx-action@v3
"""

DYNAMIC_JOBS = [
    {
        "job": "plan",
        "line": 3,
        "column": 3,
        "matrix_size": 1,
        "pulls": [],
        "docker_hub_pulls_per_run": 0,
    },
    {
        "job": "build",
        "line": 10,
        "column": 3,
        "matrix_size": None,
        "pulls": [
            pull("${{ matrix.image }}", "gha-container", "setup", 15, 16, None),
            pull("redis:7", "gha-service", "setup", 18, 16, True),
            pull("moby/buildkit:buildx-stable-1", "docker/setup-buildx-action", "step", 20, 15, True),
        ],
        "docker_hub_pulls_per_run": 2,
    },
]

DYNAMIC_TEXT = """\
.github/workflows/dynamic.yml (workflow)
  job plan (1 combination)
    (no image pulls)
    Docker Hub pulls per run: 0
  job build (matrix not static)
    15:16    setup        gha-container              ${{ matrix.image }}  [unknown]
    18:16    setup        gha-service                redis:7  [Docker Hub]
    20:15    step         docker/setup-buildx-action moby/buildkit:buildx-stable-1  [Docker Hub]
    Docker Hub pulls per run: 2
  total Docker Hub pulls per run: at least 2
"""

# A composite action: mysql (an input default, pulled on line 12), curl (line 13) and a docker://
# step (line 14). Its pseudo-job is placed at the `runs:` mapping (line 8, column 3).
SMOKE = """\
name: smoke
description: Start the API next to its database and probe it.
inputs:
  database:
    description: the database image
    default: mysql:8.4
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        docker run -d --name db -e MYSQL_ALLOW_EMPTY_PASSWORD=yes ${{ inputs.database }}
        docker run --rm --network host curlimages/curl:8.10.1 -fsS http://localhost:8080/health
    - uses: docker://alpine:3.20
"""

SMOKE_JOBS = [
    {
        "job": ACTION_JOB,
        "line": 8,
        "column": 3,
        "matrix_size": 1,
        "pulls": [
            pull("mysql:8.4", "gha-run", "step", 12, 67, True),
            pull("curlimages/curl:8.10.1", "gha-run", "step", 13, 40, True),
            pull("alpine:3.20", "gha-docker-uses", "composite-setup", 14, 22, True),
        ],
        "docker_hub_pulls_per_run": 3,
    }
]

DOCKER_ACTION = "name: build\nruns:\n  using: docker\n  image: Dockerfile\n"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty working folder with no configuration file above it."""
    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None
    return tmp_path


def write(path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def inventory(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["inventory", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def inventory_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = inventory(capsys, "--format", "json", *argv)
    return code, json.loads(out)


def jobs_of(report: dict, path: str) -> list[dict]:
    (entry,) = [entry for entry in report["files"] if entry["path"] == path]
    return entry["jobs"]


def test_matrix_services_and_steps_json(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    code, report = inventory_json(capsys, ".github/workflows/ci.yml")
    assert code == 0
    assert report == {
        "version": 1,
        "files": [
            {
                "path": ".github/workflows/ci.yml",
                "kind": "workflow",
                "jobs": CI_JOBS,
                "docker_hub_pulls_per_run": 12,
                "exact": True,
            }
        ],
        "docker_hub_pulls_per_run": 12,
    }


def test_matrix_services_and_steps_text(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    code, out, err = inventory(capsys, ".github/workflows/ci.yml")
    assert (code, err) == (0, "")
    assert out == CI_TEXT + "Docker Hub pulls per run of every CI file above: 12\n"


def test_reusable_workflow_input_defaults(work, capsys):
    write(work / ".github/workflows/integration.yml", REUSABLE)
    code, report = inventory_json(capsys, ".")
    assert code == 0
    assert jobs_of(report, ".github/workflows/integration.yml") == REUSABLE_JOBS
    assert report["docker_hub_pulls_per_run"] == 3
    assert report["files"][0]["exact"] is True


def test_fromjson_matrix_is_not_exact(work, capsys):
    write(work / ".github/workflows/dynamic.yml", DYNAMIC)
    code, report = inventory_json(capsys, ".")
    assert code == 0
    assert jobs_of(report, ".github/workflows/dynamic.yml") == DYNAMIC_JOBS
    (entry,) = report["files"]
    assert (entry["docker_hub_pulls_per_run"], entry["exact"]) == (2, False)


def test_fromjson_matrix_text_says_at_least(work, capsys):
    write(work / ".github/workflows/dynamic.yml", DYNAMIC)
    code, out, _ = inventory(capsys, ".")
    assert code == 0
    assert out == DYNAMIC_TEXT + "Docker Hub pulls per run of every CI file above: 2\n"


def test_unknown_image_alone_makes_the_count_inexact(work, capsys):
    write(work / ".github/workflows/x.yml", "on: push\njobs:\n  a:\n    container: ${{ secrets.IMAGE }}\n")
    code, report = inventory_json(capsys, ".")
    assert code == 0
    (entry,) = report["files"]
    assert entry["jobs"][0]["matrix_size"] == 1
    assert entry["jobs"][0]["pulls"] == [pull("${{ secrets.IMAGE }}", "gha-container", "setup", 4, 16, None)]
    assert (entry["docker_hub_pulls_per_run"], entry["exact"]) == (0, False)


def test_composite_and_docker_actions(work, capsys):
    write(work / ".github/actions/smoke/action.yml", SMOKE)
    write(work / "build/action.yaml", DOCKER_ACTION)
    code, report = inventory_json(capsys, ".")
    assert code == 0
    assert [(entry["path"], entry["kind"], entry["exact"]) for entry in report["files"]] == [
        (".github/actions/smoke/action.yml", "action", True),
        ("build/action.yaml", "action", True),
    ]
    (smoke,) = jobs_of(report, ".github/actions/smoke/action.yml")
    (expected,) = SMOKE_JOBS
    assert (smoke["job"], smoke["matrix_size"], smoke["docker_hub_pulls_per_run"]) == (ACTION_JOB, 1, 3)
    where = ("line", "column")
    assert [{k: v for k, v in p.items() if k not in where} for p in smoke["pulls"]] == [
        {k: v for k, v in p.items() if k not in where} for p in expected["pulls"]
    ]
    assert jobs_of(report, "build/action.yaml") == [
        {"job": ACTION_JOB, "line": 3, "column": 3, "matrix_size": 1, "pulls": [], "docker_hub_pulls_per_run": 0}
    ]
    assert report["docker_hub_pulls_per_run"] == 3


def test_composite_action_pull_positions(work, capsys):
    write(work / ".github/actions/smoke/action.yml", SMOKE)
    _code, report = inventory_json(capsys, ".")
    assert jobs_of(report, ".github/actions/smoke/action.yml") == SMOKE_JOBS


def test_whole_tree_sums_every_file(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    write(work / ".github/workflows/integration.yml", REUSABLE)
    write(work / ".github/workflows/dynamic.yml", DYNAMIC)
    write(work / ".github/actions/smoke/action.yml", SMOKE)
    write(work / "Dockerfile", "FROM node:20\n")  # not a workflow: not in the inventory
    write(work / ".github/workflows/nested/old.yml", CI)  # GitHub ignores subfolders
    code, report = inventory_json(capsys, ".")
    assert code == 0
    assert [(entry["path"], entry["docker_hub_pulls_per_run"], entry["exact"]) for entry in report["files"]] == [
        (".github/actions/smoke/action.yml", 3, True),
        (".github/workflows/ci.yml", 12, True),
        (".github/workflows/dynamic.yml", 2, False),
        (".github/workflows/integration.yml", 3, True),
    ]
    assert report["docker_hub_pulls_per_run"] == 20
    code, out, _ = inventory(capsys, ".")
    assert out.endswith("  total Docker Hub pulls per run: 3\nDocker Hub pulls per run of every CI file above: 20\n")


def test_allowed_and_mapped_images_still_count(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    write(
        work / ".dehub.yaml",
        'allow: ["node", "moby/buildkit"]\nmirror:\n  map:\n    "hadolint/*": "ecr.example/hub/{path}"\n',
    )
    code, report = inventory_json(capsys, ".github/workflows/ci.yml")
    assert code == 0
    assert report["files"][0]["jobs"] == CI_JOBS
    assert report["docker_hub_pulls_per_run"] == 12


def test_file_named_on_the_command_line_is_read_by_its_content(work, capsys):
    write(work / "ci/pipeline.yml", REUSABLE)
    code, report = inventory_json(capsys, "ci/pipeline.yml")
    assert code == 0
    assert jobs_of(report, "ci/pipeline.yml") == REUSABLE_JOBS
    code, report = inventory_json(capsys, "ci")  # but a folder walk goes by names only
    assert (code, report["files"]) == (0, [])


def test_kind_option_reads_any_name(work, capsys):
    write(work / "pipeline.txt", "{on: push, jobs: {a: {container: node:20, services: {db: postgres:16}}}}\n")
    code, report = inventory_json(capsys, "pipeline.txt")
    assert (code, report["files"]) == (0, [])  # neither the name nor the content says it is a workflow
    code, report = inventory_json(capsys, "--kind", "workflow", "pipeline.txt")
    assert code == 0
    assert jobs_of(report, "pipeline.txt") == [
        {
            "job": "a",
            "line": 1,
            "column": 19,
            "matrix_size": 1,
            "pulls": [
                pull("node:20", "gha-container", "setup", 1, 34, True),
                pull("postgres:16", "gha-service", "setup", 1, 58, True),
            ],
            "docker_hub_pulls_per_run": 2,
        }
    ]


def test_folder_with_no_workflows(work, capsys):
    write(work / "Dockerfile", "FROM node:20\n")
    code, out, err = inventory(capsys, ".")
    assert (code, out, err) == (0, "Docker Hub pulls per run of every CI file above: 0\n", "")
    code, report = inventory_json(capsys, ".")
    assert (code, report) == (0, {"version": 1, "files": [], "docker_hub_pulls_per_run": 0})


def test_job_without_pulls_text(work, capsys):
    write(work / ".github/workflows/lint.yml", "on: push\njobs:\n  lint:\n    steps:\n      - run: make lint\n")
    code, out, _ = inventory(capsys, ".")
    assert code == 0
    assert out == (
        ".github/workflows/lint.yml (workflow)\n"
        "  job lint (1 combination)\n"
        "    (no image pulls)\n"
        "    Docker Hub pulls per run: 0\n"
        "  total Docker Hub pulls per run: 0\n"
        "Docker Hub pulls per run of every CI file above: 0\n"
    )


def test_matrix_with_include_and_exclude_counts_each_combination(work, capsys):
    text = dedent(
        """\
        on: push
        jobs:
          test:
            strategy:
              matrix:
                os: [ubuntu-latest, ubuntu-22.04]
                image: ["node:18", "node:20"]
                exclude:
                  - os: ubuntu-22.04
                    image: node:18
                include:
                  - image: node:20
                    experimental: true
                  - os: windows-latest
                    image: node:22
            container: ${{ matrix.image }}
            steps:
              - uses: docker/setup-buildx-action@v3
        """
    )
    # the product (latest, 18), (latest, 20), (22.04, 18), (22.04, 20) less the excluded (22.04, 18);
    # the first include extends both node:20 jobs, the second matches none and adds (windows, 22):
    # 4 jobs; node:18 x1, node:20 x2, node:22 x1, and BuildKit on each = 8.
    write(work / ".github/workflows/m.yml", text)
    code, report = inventory_json(capsys, ".")
    assert code == 0
    (job,) = jobs_of(report, ".github/workflows/m.yml")
    assert job["matrix_size"] == 4
    assert [(p["image"], p["line"], p["column"], p["combinations"]) for p in job["pulls"]] == [
        ("node:18", 16, 16, 1),
        ("node:20", 16, 16, 2),
        ("node:22", 16, 16, 1),
        ("moby/buildkit:buildx-stable-1", 18, 15, 4),
    ]
    assert job["docker_hub_pulls_per_run"] == 8


def test_matrix_key_missing_from_a_combination_falls_back(work, capsys):
    text = (
        "on: push\njobs:\n  test:\n    strategy:\n      matrix:\n        node: [18, 20]\n        include:\n"
        "          - node: 20\n            image: node:20\n    container: ${{ matrix.image || 'node:18' }}\n"
    )
    write(work / ".github/workflows/m.yml", text)
    _code, report = inventory_json(capsys, ".")
    (job,) = jobs_of(report, ".github/workflows/m.yml")
    assert [(p["image"], p["combinations"]) for p in job["pulls"]] == [("node:18", 1), ("node:20", 1)]
    assert (job["docker_hub_pulls_per_run"], report["files"][0]["exact"]) == (2, True)


def test_hidden_pull_counts_only_the_combinations_that_pull(work, capsys):
    text = (
        "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        driver: [docker, docker-container]\n"
        "    steps:\n      - uses: docker/setup-buildx-action@v3\n        with:\n"
        "          driver: ${{ matrix.driver }}\n"
    )
    write(work / ".github/workflows/b.yml", text)
    _code, report = inventory_json(capsys, ".")
    (job,) = jobs_of(report, ".github/workflows/b.yml")
    assert job["pulls"] == [pull("moby/buildkit:buildx-stable-1", "docker/setup-buildx-action", "step", 8, 15, True)]
    assert job["docker_hub_pulls_per_run"] == 1


# --- files that cannot be read or parsed ------------------------------------------------------


def test_invalid_yaml_is_listed_and_exits_1(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    write(work / ".github/workflows/broken.yml", "on: push\njobs:\n  a:\n    container: node:20\n  b: [\n")
    code, out, err = inventory(capsys, ".")
    assert code == 1
    assert (
        err == "dehub: .github/workflows/broken.yml:6:1: invalid YAML: did not find expected node content "
        "(while parsing a flow node)\n"
    )
    assert out.startswith(".github/workflows/broken.yml (workflow)\n")
    assert out.endswith("Docker Hub pulls per run of every CI file above: 12\n")
    code, report = inventory_json(capsys, ".")
    assert code == 1
    assert [entry["path"] for entry in report["files"]] == [".github/workflows/broken.yml", ".github/workflows/ci.yml"]
    assert report["files"][0]["jobs"] == []


def test_invalid_yaml_count_is_not_exact(work, capsys):
    write(work / ".github/workflows/broken.yml", "on: push\njobs:\n  a:\n    container: node:20\n  b: [\n")
    code, report = inventory_json(capsys, ".")
    assert code == 1
    assert report["files"][0]["exact"] is False


def test_unreadable_files_are_listed_and_exit_1(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    write(work / ".github/workflows/utf16.yml", "on: push\n".encode("utf-16"))
    write(work / ".github/workflows/latin1.yml", "on: push\n# caf\xe9\n".encode("latin-1"))
    code, out, _ = inventory(capsys, ".")
    assert code == 1
    code, report = inventory_json(capsys, ".")
    assert code == 1
    errors = {entry["path"]: entry.get("error") for entry in report["files"]}
    assert errors[".github/workflows/ci.yml"] is None
    assert errors[".github/workflows/utf16.yml"].startswith("UTF-16 or UTF-32 text")
    assert errors[".github/workflows/latin1.yml"] == "not valid UTF-8 (byte 14, line 2)"
    assert report["docker_hub_pulls_per_run"] == 12
    code, out, _ = inventory(capsys, ".github/workflows/latin1.yml")
    assert out == (
        ".github/workflows/latin1.yml (workflow)\n  not read: not valid UTF-8 (byte 14, line 2)\n"
        "Docker Hub pulls per run of every CI file above: 0\n"
    )


def test_binary_and_empty_files_do_not_crash(work, capsys):
    write(work / ".github/workflows/bin.yml", b"\x00\x01\x02")
    write(work / ".github/workflows/empty.yml", "")
    write(work / ".github/workflows/scalar.yml", "just text\n")
    code, report = inventory_json(capsys, ".")
    assert code == 1
    assert [(e["path"], e.get("error"), e.get("jobs")) for e in report["files"]] == [
        (".github/workflows/bin.yml", "binary file (contains NUL bytes)", None),
        (".github/workflows/empty.yml", None, []),
        (".github/workflows/scalar.yml", None, []),
    ]


# --- paths that are not there, files that cannot be read: errors (exit 2) -------------------


@pytest.mark.parametrize("output", ["text", "json"])
def test_missing_workflow_named_on_the_command_line(work, capsys, output):
    assert inventory(capsys, "--format", output, ".github/workflows/gone.yml") == (
        2, "", "dehub: error: .github/workflows/gone.yml: no such file or directory\n"
    )  # fmt: skip


def test_missing_folder(work, capsys):
    assert inventory(capsys, "nope") == (2, "", "dehub: error: nope: no such file or directory\n")


def test_missing_path_next_to_a_real_one_lists_nothing(work, capsys):
    write(work / ".github/workflows/ci.yml", CI)
    errors = (
        "dehub: error: gone.yml: no such file or directory\n"
        "dehub: error: .github/workflow: no such file or directory\n"
    )
    assert inventory(capsys, ".github/workflows/ci.yml", "gone.yml", ".github/workflow") == (2, "", errors)


def deny(monkeypatch, name: str) -> None:
    """Reading a file whose path ends with `name` fails as a mode-000 file does for a user."""
    import dehub.regularfile

    read_regular_status = dehub.regularfile.read_regular_status

    def guarded_read(file, *args, **kwargs):
        if str(file).replace("\\", "/").endswith(name):
            raise PermissionError(13, "Permission denied", str(file))
        return read_regular_status(file, *args, **kwargs)

    monkeypatch.setattr(dehub.regularfile, "read_regular_status", guarded_read)


def test_unreadable_workflow_in_a_folder_is_an_error(work, capsys, monkeypatch):
    write(work / ".github/workflows/ci.yml", CI)
    write(work / ".github/workflows/locked.yml", CI)
    deny(monkeypatch, ".github/workflows/locked.yml")
    code, out, err = inventory(capsys, ".")
    assert code == 2
    assert err == "dehub: error: .github/workflows/locked.yml: cannot read: Permission denied\n"
    assert ".github/workflows/locked.yml (workflow)\n  not read: cannot read: Permission denied\n" in out
    assert out.endswith("Docker Hub pulls per run of every CI file above: 12\n")  # ci.yml's, still listed
    code, report = inventory_json(capsys, ".")
    assert code == 2
    assert report["files"][1] == {
        "path": ".github/workflows/locked.yml", "kind": "workflow", "error": "cannot read: Permission denied"
    }  # fmt: skip


def test_unreadable_file_named_on_the_command_line_is_an_error(work, capsys, monkeypatch):
    write(work / "pipelines/build.yml", CI)  # its name says nothing; its content would say `workflow`
    deny(monkeypatch, "pipelines/build.yml")
    assert inventory(capsys, "pipelines/build.yml") == (
        2,
        "Docker Hub pulls per run of every CI file above: 0\n",
        "dehub: error: pipelines/build.yml: cannot read: Permission denied\n",
    )


def test_unreadable_dockerfile_is_not_an_inventory_error(work, capsys, monkeypatch):
    """Dockerfiles have no jobs to list: one that cannot be read does not matter here."""
    write(work / "Dockerfile", "FROM node:20\n")
    deny(monkeypatch, "Dockerfile")
    assert inventory(capsys, "Dockerfile") == (0, "Docker Hub pulls per run of every CI file above: 0\n", "")


# --- usage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "xml", "."],
        ["--format"],
        ["--kind", "dockerfile", "."],
        ["--bogus", "."],
        ["--fix", "."],
    ],
)
def test_usage_errors_exit_2(work, capsys, argv):
    code, out, err = inventory(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "dehub: error:" in err


def test_configuration_error_exits_2(work, capsys):
    write(work / ".dehub.yaml", "mirror: [oops]\n")
    write(work / ".github/workflows/ci.yml", CI)
    code, out, err = inventory(capsys, ".")
    assert (code, out) == (2, "")
    assert err.startswith("dehub: error: ") and "mirror" in err


def test_isolated_ignores_the_configuration(work, capsys):
    write(work / ".dehub.yaml", "mirror: [oops]\n")
    write(work / ".github/workflows/ci.yml", CI)
    code, report = inventory_json(capsys, "--isolated", ".")
    assert (code, report["docker_hub_pulls_per_run"]) == (0, 12)


def test_help_exits_0(capsys):
    code, out, _ = inventory(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: dehub inventory [OPTIONS] [PATHS...]")
    for option in ("--format", "--config", "--isolated", "--kind"):
        assert option in out


# --- each file's own configuration ------------------------------------------------------------

TINY_ACTION = "name: smoke\nruns:\n  using: composite\n  steps:\n    - uses: docker://alpine:3.20\n"
BIG_ACTION = TINY_ACTION + "# padding\n" * 10


@pytest.fixture
def monorepo(work):
    """Root `.dehub.yaml` excludes gen/; sub/.dehub.yaml lowers max-file-size (and excludes nothing)."""
    (work / ".git").mkdir()
    write(work / ".dehub.yaml", 'exclude: ["gen/"]\n')
    write(work / "sub" / ".dehub.yaml", "max-file-size: 120\n")
    for folder in ("", "gen/", "sub/gen/"):
        write(work / f"{folder}action.yml", TINY_ACTION)
    for folder in ("big/", "sub/big/"):
        write(work / f"{folder}action.yml", BIG_ACTION)
    return work


def listed(report: dict) -> list[tuple[str, str | None, int | None]]:
    return [(e["path"], e.get("error"), e.get("docker_hub_pulls_per_run")) for e in report["files"]]


TOO_BIG = "file is 179 bytes, over the max-file-size of 120; not checked"


def test_inventory_uses_each_files_configuration(monorepo, capsys, monkeypatch):
    assert len(BIG_ACTION) == 179
    code, report = inventory_json(capsys)
    assert code == 1  # sub/big/action.yml is over sub/'s max-file-size
    assert listed(report) == [
        ("action.yml", None, 1),
        ("big/action.yml", None, 1),  # the root's max-file-size is the default
        ("sub/big/action.yml", TOO_BIG, None),
        ("sub/gen/action.yml", None, 1),  # the root's `gen/` does not govern sub/
    ]
    monkeypatch.chdir(monorepo / "sub")
    code, report = inventory_json(capsys)
    assert code == 1
    assert listed(report) == [("big/action.yml", TOO_BIG, None), ("gen/action.yml", None, 1)]
    code, report = inventory_json(capsys, "../gen/action.yml", "../big/action.yml")
    assert code == 0
    assert listed(report) == [("../gen/action.yml", None, 1), ("../big/action.yml", None, 1)]


def test_inventory_config_option_applies_one_file_to_every_input(monorepo, capsys):
    code, report = inventory_json(capsys, "--config", ".dehub.yaml")
    assert code == 0
    assert listed(report) == [("action.yml", None, 1), ("big/action.yml", None, 1), ("sub/big/action.yml", None, 1)]
    code, report = inventory_json(capsys, "--isolated")
    assert code == 0
    assert [path for path, *_ in listed(report)] == [
        "action.yml", "big/action.yml", "gen/action.yml", "sub/big/action.yml", "sub/gen/action.yml",
    ]  # fmt: skip


def test_inventory_configuration_error_in_a_subfolder_exits_2(monorepo, capsys):
    write(monorepo / "sub" / ".dehub.yaml", "max-file-size: big\n")
    code, out, err = inventory(capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"dehub: error: {monorepo / 'sub' / '.dehub.yaml'}: `max-file-size`: expected a positive number of bytes, "
        "got a string ('big')\n"
    )
    code, report = inventory_json(capsys, "action.yml", "big")
    assert (code, listed(report)) == (0, [("action.yml", None, 1), ("big/action.yml", None, 1)])
