"""The Bitbucket Pipelines kind's tables on the shared harness (tests/kindtable.py), and its pipeline model."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import kinds
from dehub.bitbucket import BitbucketDocument, sniff
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
STEP = "pipelines:\n  default:\n    - step:\n"

NOOP = [
    pytest.param(f"image: {M}node:20\n" + STEP + "        script: [npm test]\n", {}, id="mirror-already"),
    pytest.param(
        "definitions:\n  services:\n    docker:\n      memory: 2048\n"
        + STEP
        + "        services: [docker]\n        script:\n          - docker build -t app .\n"
        "          - docker run app\n",
        {},
        id="built-in-docker-service-and-local-image",
    ),
    pytest.param(
        STEP + "        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n"
        "              S3_BUCKET: b\n",
        {},
        id="pipe-not-read",
    ),
    pytest.param(
        "image:\n  name: 123.dkr.ecr.us-east-1.amazonaws.com/ci:1\n  aws:\n    oidc-role: arn:aws:iam::1:role/x\n"
        + STEP
        + "        script: [make]  # docker pull node:20 in a comment\n",
        {},
        id="private-ecr-image-and-comment",
    ),
    pytest.param(
        "# dehub ignore=DH001 the vendor's pinned image\nimage: node:20\n"
        + STEP
        + "        script:\n          # dehub ignore=DH001 legacy\n          - docker pull redis:7\n",
        {},
        id="suppressed",
    ),
    pytest.param(
        "clone:\n  depth: 1\npipelines:\n  custom:\n    shared:\n      import: shared-pipelines:main:build\n",
        {},
        id="imported-pipeline",
    ),
]

PROBLEM = [
    pytest.param("image: node:20\n" + STEP + "        script: [npm test]\n", {(1, 8, "DH001")}, id="top-level-image"),
    pytest.param(
        "image:\n  name: python:3.12\n  username: $DOCKER_USER\n  password: $DOCKER_PASS\n"
        + STEP
        + "        script: [x]\n",
        {(2, 9, "DH001")},
        id="image-with-credentials",
    ),
    pytest.param(
        STEP + "        image: golang:1.22\n        script: [x]\n    - step:\n        image: {name: 'rust:1'}\n"
        "        script: [x]\n",
        {(4, 16, "DH001"), (7, 24, "DH001")},
        id="step-images",
    ),
    pytest.param(
        "definitions:\n  services:\n    db:\n      image: postgres:16\n    cache:\n      image:\n"
        "        name: redis:7\n" + STEP + "        services: [db, cache]\n        script: [x]\n",
        {(4, 14, "DH001"), (7, 15, "DH001")},
        id="services",
    ),
    pytest.param(
        "definitions:\n  steps:\n    - step: &unused\n        image: golang:1.22\n        script:\n"
        "          - docker pull redis:7\n" + STEP + "        script: [x]\n",
        {(4, 16, "DH001"), (6, 25, "DH001")},
        id="definitions-step-no-pipeline-runs",  # found in the real-file check (4Science/DSpace)
    ),
    pytest.param(
        "definitions:\n  services:\n    unused:\n      image: mysql:8\n" + STEP + "        script: [x]\n",
        {(4, 14, "DH001")},
        id="service-no-step-uses",
    ),
    pytest.param(
        "definitions:\n  steps:\n    - step: &build\n        image: node:20\n        script: [npm ci]\n"
        "pipelines:\n  default:\n    - step: *build\n  branches:\n    main:\n      - step:\n          <<: *build\n"
        "          name: release\n",
        {(4, 16, "DH001")},
        id="step-anchor-and-merge",
    ),
    pytest.param(
        "pipelines:\n  pull-requests:\n    '**':\n      - parallel:\n          - step:\n              image: node:18\n"
        "              script: [x]\n          - step:\n              image: node:20\n              script: [x]\n"
        "  tags:\n    'v*':\n      - parallel:\n          fail-fast: true\n          steps:\n            - step:\n"
        "                image: node:22\n                script: [x]\n",
        {(6, 22, "DH001"), (9, 22, "DH001"), (17, 24, "DH001")},
        id="parallel-list-and-steps",
    ),
    pytest.param(
        "pipelines:\n  bookmarks:\n    dev:\n      - stage:\n          name: Build\n          steps:\n"
        "            - step:\n                image: ruby:3.3\n                script: [x]\n",
        {(8, 24, "DH001")},
        id="stage",
    ),
    pytest.param(
        STEP + "        script:\n          - docker pull alpine:3.20\n          - docker run --rm busybox true\n"
        "        after-script:\n          - docker run nginx\n",
        {(5, 25, "DH001"), (6, 29, "DH001"), (8, 24, "DH001")},
        id="scripts",
    ),
    pytest.param(
        "pipelines:\n  custom:\n    deploy:\n      - variables:\n          - name: IMAGE\n"
        "            default: node:20\n      - step:\n          image: $IMAGE\n          script: [x]\n",
        {(6, 22, "DH001")},
        id="custom-variable-default",
    ),
    pytest.param(
        "definitions:\n  pull: &pull docker pull\n    node:20\n" + STEP + "        script:\n          - *pull\n"
        "          - #- a line commented out leaves an empty item\n          - docker run --rm node:20 npm test\n",
        {(3, 5, "DH001"), (10, 29, "DH001")},
        id="script-line-from-an-anchor-and-an-empty-item",  # 4Science/DSpace writes `- *setEnv`
    ),
    pytest.param(
        STEP + "        image: $BUILD_IMAGE\n        script: [x]\n", {(4, 16, "DH003")}, id="repository-variable"
    ),
    pytest.param(
        "pipelines: {default: [{step: {image: 'node:20', script: [x]}}]}\n", {(1, 39, "DH001")}, id="flow-style"
    ),
]

FIX = [
    pytest.param(
        "image: node:20  # the build image\n" + STEP + "        script: [x]\n",
        f"image: {M}node:20  # the build image\n" + STEP + "        script: [x]\n",
        {},
        id="plain-comment-kept",
    ),
    pytest.param(
        "image:\n  name: 'python:3.12'\n  username: $U\n  password: $P\n" + STEP + '        image: "golang:1.22"\n'
        "        script: [x]\n",
        f"image:\n  name: '{M}python:3.12'\n  username: $U\n  password: $P\n"
        + STEP
        + f'        image: "{M}golang:1.22"\n'
        "        script: [x]\n",
        {},
        id="quoted",
    ),
    pytest.param(
        "definitions:\n  services:\n    db:\n      image: postgres:16\n  steps:\n    - step: &s\n"
        "        services: [db]\n        script:\n          - docker pull redis:7\npipelines:\n  default:\n"
        "    - step: *s\n",
        f"definitions:\n  services:\n    db:\n      image: {M}postgres:16\n  steps:\n    - step: &s\n"
        f"        services: [db]\n        script:\n          - docker pull {M}redis:7\npipelines:\n  default:\n"
        "    - step: *s\n",
        {},
        id="anchors-service-script",
    ),
    pytest.param(
        "pipelines:\n  custom:\n    deploy:\n      - variables:\n          - name: IMAGE\n"
        "            default: 'node:20'\n      - step:\n          image: ${IMAGE}\n          script: [x]\n",
        "pipelines:\n  custom:\n    deploy:\n      - variables:\n          - name: IMAGE\n"
        f"            default: '{M}node:20'\n      - step:\n          image: ${{IMAGE}}\n          script: [x]\n",
        {},
        id="custom-variable-default",
    ),
]

test_noop, test_problem, test_fix = KindTable("bitbucket").tests(NOOP, PROBLEM, FIX)


def _document(text: str) -> BitbucketDocument:
    return BitbucketDocument(SourceText(text))


def test_each_step_is_a_job_with_setup_and_step_pulls():
    document = _document(
        "image: node:20\ndefinitions:\n  services:\n    db:\n      image: postgres:16\npipelines:\n  default:\n"
        "    - step:\n        name: Test\n        services: [db]\n        script: [docker pull redis:7]\n"
        "    - step:\n        image:\n          name: ruby:3.3\n          username: u\n          password: p\n"
        "        script: [x]\n"
    )
    jobs = document.pipeline.jobs
    assert [job.id for job in jobs] == ["default/1", "default/2"]
    assert jobs[0].label == "step `Test` in `default`"
    assert [(use.value.text, use.context.phase) for use in jobs[0].runs[0]] == [
        ("node:20", Phase.SETUP), ("postgres:16", Phase.SETUP), ("redis:7", Phase.STEP)
    ]  # fmt: skip
    assert "cannot cover it" in jobs[0].note(Phase.SETUP)
    assert "authenticated pull" in jobs[1].note(Phase.SETUP)  # credentials on the image


def test_repository_variable_hint():
    found = findings(STEP + "        image: $IMG\n        script: [x]\n", "bitbucket")
    assert [f.code for f in found] == ["DH003"]
    assert "repository, deployment or workspace variable" in found[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (STEP + "        script: [x]\n", True),
        ("image: node\npipelines:\n  branches:\n    main:\n      - step: {script: [x]}\n", True),
        ("stages: [a]\njob:\n  script: [x]\n", False),  # GitLab
        ("resources:\n  pipelines:\n    - pipeline: x\nsteps:\n  - script: x\n", False),  # Azure
    ],
)
def test_sniff(text, expected):
    assert sniff(text) is expected
    if expected:
        assert kinds.kind_for_text(text) == "bitbucket"


def test_lists_of_aliased_lists_are_walked_in_bounded_time():
    import time

    lines = ["definitions:", "  l0: &l0 []"]
    lines += [f"  l{n}: &l{n} [*l{n - 1}, *l{n - 1}, *l{n - 1}]" for n in range(1, 25)]
    lines += ["pipelines:", "  default:", "    - parallel: *l24", "    - step: {image: node:20, script: [x]}"]
    started = time.perf_counter()
    document = _document("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5
    assert [job.id for job in document.pipeline.jobs] == ["default/1"]  # each aliased list is read once


def test_steps_are_numbered_within_their_own_pipeline():
    """`feature/*` listed before `feature`: the one step of `feature` is its step 1."""
    from dehub.bitbucket import parse
    from dehub.source import SourceText

    text = (
        'pipelines:\n  branches:\n    "feature/*":\n      - step:\n          script: [echo 1]\n'
        "      - step:\n          script: [echo 2]\n    feature:\n      - step:\n          script: [echo 3]\n"
    )
    jobs = parse(SourceText(text)).pipeline.jobs
    assert [job.id for job in jobs] == ["branches.feature/*/1", "branches.feature/*/2", "branches.feature/1"]
