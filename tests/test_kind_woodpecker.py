"""The Woodpecker kind's table on the shared harness (tests/kindtable.py): steps as a list and
as a mapping, the legacy `pipeline:` key, services, `clone:` plugins, `when:`, the top-level
`matrix:` substituted into `${NAME}`, `commands:`, and the YAML shapes every kind must handle."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub.drone import woodpecker
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"

NOOP = [
    pytest.param(f"steps:\n  - name: a\n    image: {M}node:20\n", {}, id="mirrored"),
    pytest.param("steps:\n  build:\n    image: quay.io/a/b:1\n", {}, id="other-registry"),
    pytest.param("steps:\n  build:\n    # image: node:20\n    image: quay.io/a/b:1\n", {}, id="comment"),
    pytest.param(
        "steps:\n  build:\n    image: quay.io/a/b:1\n    commands:\n      - echo docker run node:20\n",
        {},
        id="echo-is-no-pull",
    ),
    pytest.param(
        "steps:\n  build:\n    image: quay.io/a/b:1\n    settings:\n      base_image: node:20\n", {}, id="settings"
    ),
    pytest.param("steps:\n  build:\n    image: node:20\n    pull: never\n", {}, id="pull-never"),
    pytest.param("when:\n  event: push\nsteps: {}\n", {}, id="no-steps"),
    pytest.param(
        "variables:\n  - &img node:20\nsteps:\n  a:\n    image: quay.io/a:1\n", {}, id="unused-anchor-is-no-pull"
    ),
]

PROBLEM = [
    pytest.param("steps:\n  - name: a\n    image: node:20\n", {(3, 12, "DH001")}, id="step-list"),
    pytest.param("steps:\n  build:\n    image: node:20\n", {(3, 12, "DH001")}, id="step-mapping"),
    pytest.param("pipeline:\n  build:\n    image: node:20\n", {(3, 12, "DH001")}, id="legacy-pipeline"),
    pytest.param(
        "steps:\n  a:\n    image: quay.io/a:1\nservices:\n  db:\n    image: postgres:16\n",
        {(6, 12, "DH001")},
        id="service-mapping",
    ),
    pytest.param(
        "steps:\n  a:\n    image: quay.io/a:1\nservices:\n  - name: db\n    image: postgres:16\n",
        {(6, 12, "DH001")},
        id="service-list",
    ),
    pytest.param(
        "clone:\n  git:\n    image: woodpeckerci/plugin-git\nsteps:\n  a:\n    image: quay.io/a:1\n",
        {(3, 12, "DH002")},
        id="clone-plugin",
    ),
    pytest.param(
        "steps:\n  a:\n    image: node:20\n    when:\n      - event: tag\n", {(3, 12, "DH001")}, id="when-still-pulls"
    ),
    pytest.param("{steps: {a: {image: node:20}}}\n", {(1, 21, "DH001")}, id="flow-style"),
    pytest.param(
        "variables:\n  - &img 'node:20'\nsteps:\n  a:\n    image: *img\n  b:\n    image: *img\n",
        {(2, 11, "DH001")},
        id="anchor-in-variables",
    ),
    pytest.param(
        "x: &step\n  image: node:20\nsteps:\n  a:\n    <<: *step\n    commands: [make]\n",
        {(2, 10, "DH001")},
        id="merge-key",
    ),
    pytest.param(
        "steps:\n  a:\n    image: quay.io/a:1\n    commands: |\n      docker pull redis:7\n",
        {(5, 19, "DH001")},
        id="commands-block",
    ),
    pytest.param(
        "matrix:\n  IMG:\n    - node:20\n    - quay.io/a:1\nsteps:\n  a:\n    image: ${IMG}\n",
        {(3, 7, "DH001")},
        id="matrix",
    ),
    pytest.param(
        "matrix:\n  include:\n    - TAG: 20\n    - TAG: 22\nsteps:\n  a:\n    image: node:${TAG}\n",
        {(7, 12, "DH001")},
        id="matrix-include-tag",
    ),
    pytest.param("steps:\n  a:\n    image: ${CI_IMAGE}\n", {(3, 12, "DH003")}, id="unknown-variable"),
    pytest.param("steps:\n  a:\n    image: [\n", {(4, 1, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(
        "steps:\n  - name: a\n    image: 'node:20' # build\n",
        f"steps:\n  - name: a\n    image: '{M}node:20' # build\n",
        {},
        id="single-quoted-comment",
    ),
    pytest.param(
        'steps:\n  a:\n    image: "node:20"\nservices:\n  db: {image: postgres:16}\n',
        f'steps:\n  a:\n    image: "{M}node:20"\nservices:\n  db: {{image: {M}postgres:16}}\n',
        {},
        id="double-quoted-flow",
    ),
    pytest.param(
        "variables:\n  - &img node:20\nsteps:\n  a:\n    image: *img\n",
        f"variables:\n  - &img {M}node:20\nsteps:\n  a:\n    image: *img\n",
        {},
        id="anchor",
    ),
    pytest.param(
        "matrix:\n  IMG: [node:20, 'redis:7']\nsteps:\n  a:\n    image: ${IMG}\n",
        f"matrix:\n  IMG: [{M}node:20, '{M}redis:7']\nsteps:\n  a:\n    image: ${{IMG}}\n",
        {},
        id="matrix-values",
    ),
    pytest.param(
        "steps:\n  a:\n    image: ${BASE:-golang:1.22}\n",
        f"steps:\n  a:\n    image: ${{BASE:-{M}golang:1.22}}\n",
        {},
        id="variable-default",
    ),
    pytest.param(
        "steps:\n  a:\n    image: quay.io/a:1\n    commands:\n      - docker pull redis:7\n"
        "      - docker run $${CACHE:-alpine:3}\n",
        f"steps:\n  a:\n    image: quay.io/a:1\n    commands:\n      - docker pull {M}redis:7\n"
        f"      - docker run $${{CACHE:-{M}alpine:3}}\n",
        {},
        id="commands",
    ),
]

test_noop, test_problem, test_fix = KindTable("woodpecker").tests(NOOP, PROBLEM, FIX)


def test_a_workflow_is_one_job_run_once_per_matrix_combination():
    text = (
        "matrix:\n  GO: ['1.21', '1.22']\nsteps:\n  a:\n    image: golang:${GO}\n    commands: [docker pull redis:7]\n"
    )
    document = woodpecker.parse(SourceText(text))
    [job] = document.pipeline.jobs
    assert job.combinations == 2
    assert [[use.value.text for use in run] for run in job.runs] == [
        ["golang:1.21", "redis:7"],
        ["golang:1.22", "redis:7"],
    ]
    assert [use.context.phase for use in job.runs[0]] == [Phase.SETUP, Phase.STEP]


def test_set_up_note_and_hint_are_woodpecker_s():
    [setup] = findings("steps:\n  a:\n    image: node:20\n", "woodpecker")
    assert setup.note is not None and "Woodpecker agent" in setup.note
    [unknown] = findings("steps:\n  a:\n    image: ${REG}/app:1\n", "woodpecker")
    assert "Woodpecker sets REG when the workflow runs" in unknown.message


def test_sniff():
    assert woodpecker.sniff("steps:\n  a:\n    image: node:20\n")
    assert woodpecker.sniff("pipeline:\n  a:\n    image: node:20\n")
    assert not woodpecker.sniff("kind: pipeline\nsteps:\n- image: node:20\n")  # Drone
    assert not woodpecker.sniff("trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n- script: make\n")  # Azure
    assert not woodpecker.sniff("steps:\n  - run: make\n")


def test_commands_are_read_once_not_once_per_matrix_combination():
    """A 16 x 16 matrix whose values no command reads: each step's script is scanned once."""
    import time

    from helpers import findings

    values = ", ".join(f"v{i}" for i in range(16))
    steps = "".join(
        f"  s{i}:\n    image: node:20\n    commands:\n" + "".join(f"      - echo {j} $X\n" for j in range(10))
        for i in range(10)
    )
    started = time.perf_counter()
    found = findings(f"matrix:\n  A: [{values}]\n  B: [{values}]\nsteps:\n" + steps, "woodpecker")
    assert len(found) == 10
    assert time.perf_counter() - started < 1.5  # 2.3 s when every combination scanned every script
