"""The Azure Pipelines kind's table on the shared harness (tests/kindtable.py), and its pipeline model."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import kinds
from dehub.pipeline import EventKind, Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
POOL = "pool:\n  vmImage: ubuntu-latest\n"

NOOP = [
    pytest.param(POOL + "steps:\n  - script: echo hi\n", {}, id="pool-is-a-vm"),
    pytest.param("pool:\n  vmImage: windows-latest\nsteps:\n  - script: docker pull node:20\n", {}, id="windows-cmd"),
    pytest.param(POOL + "steps:\n  - powershell: docker pull node:20\n", {}, id="powershell-not-read"),
    pytest.param(
        "strategy:\n  matrix:\n    win:\n      imageName: windows-2022\npool:\n  vmImage: $(imageName)\n"
        "steps:\n  - script: docker pull node:20\n",
        {},
        id="windows-leg-cmd",
    ),
    pytest.param(POOL + "steps:\n  - script: echo docker pull node:20\n", {}, id="echo-is-no-pull"),
    pytest.param(
        POOL + "jobs:\n  - template: jobs/build.yml\n    parameters:\n      image: node:20\n",
        {},
        id="template-not-read",
    ),
    pytest.param(POOL + "container: " + M + "node:20\nsteps:\n  - script: make\n", {}, id="already-mirrored"),
]

PROBLEM = [
    pytest.param(
        POOL + "container: node:20\nservices:\n  db: postgres:16\nsteps:\n  - script: make\n",
        {(3, 12, "DH001"), (5, 7, "DH001")},
        id="single-job-container-and-service",
    ),
    pytest.param(
        "resources:\n  containers:\n    - container: py\n      image: python:3.12\n      endpoint: hub\n"
        "jobs:\n  - job: test\n    container: py\n    steps:\n      - script: pytest\n",
        {(4, 14, "DH001")},
        id="container-resource-alias",
    ),
    pytest.param(
        "resources:\n  containers:\n    - container: unused\n      image: nginx:1.27\n"
        "jobs:\n  - job: a\n    steps:\n      - bash: echo\n",
        {(4, 14, "DH001")},
        id="resource-no-job-uses",
    ),
    pytest.param(
        "stages:\n  - stage: build\n    jobs:\n      - job: a\n        container:\n          image: node:20\n"
        "        services:\n          cache: {image: 'redis:7'}\n      - deployment: d\n"
        "        environment: prod\n        strategy:\n          runOnce:\n            deploy:\n"
        "              steps:\n                - script: docker run --rm alpine:3.20\n",
        {(6, 18, "DH001"), (8, 27, "DH001"), (15, 43, "DH001")},
        id="stages-jobs-deployment",
    ),
    pytest.param(
        "variables:\n  img: node:20\n  - name: x\n", {(3, 3, "DH900")}, id="invalid-yaml"
    ),
    pytest.param(
        "variables:\n  - name: img\n    value: node:20\n  - group: shared\n"
        "jobs:\n  - job: a\n    container: $(img)\n  - job: b\n    container: $(other)\n",
        {(3, 12, "DH001"), (9, 16, "DH003")},
        id="macro-list-form-and-unknown",
    ),
    pytest.param(
        "parameters:\n  - name: image\n    type: string\n    default: 'node:20'\n"
        "jobs:\n  - job: a\n    container: ${{ parameters.image }}\n",
        {(4, 15, "DH001")},
        id="template-parameter-default",
    ),
    pytest.param(
        "jobs:\n  - job: a\n    strategy:\n      matrix:\n        old: {img: 'node:18'}\n"
        "        new: {img: 'node:22'}\n    container: $[ variables['img'] ]\n",
        {(5, 21, "DH001"), (6, 21, "DH001")},
        id="matrix-runtime-expression",
    ),
    pytest.param(
        "variables:\n  tag: '3.20'\n" + POOL + "steps:\n  - script: |\n      docker pull alpine:$(tag)\n"
        "  - bash: docker run $(Build.Repository.Name) && docker run $(pwd)/x\n"
        "  - task: Bash@3\n    inputs:\n      targetType: inline\n      script: docker pull ubuntu:22.04\n",
        {(7, 19, "DH001"), (8, 22, "DH003"), (8, 61, "DH003"), (12, 27, "DH001")},
        id="scripts-and-macros",
    ),
    pytest.param(
        "parameters:\n  base: debian\nvariables:\n  - name: tag\n    value: '12'\n"
        "jobs:\n  - job: a\n    container: ${{ parameters.base }}:${{ variables.tag }}\n"
        "    services:\n      ${{ if true }}:\n        db: postgres:16\n",
        {(2, 9, "DH001"), (11, 13, "DH001")},
        id="old-parameters-variables-expression-conditional-key",
    ),
    pytest.param(
        "jobs:\n  - job: a\n    strategy:\n      matrix:\n        linux: {imageName: ubuntu-latest}\n"
        "        windows: {imageName: windows-latest}\n    pool: {vmImage: $(imageName)}\n"
        "    steps:\n      - script: docker pull node:20\n",
        {(9, 29, "DH001")},
        id="linux-leg-only",
    ),
    pytest.param(
        "variables:\n  a: $(b)\n  b: $(a)\njobs:\n  - job: j\n    strategy:\n      matrix:\n        one: {ver: '18'}\n"
        "    variables:\n      img: node:$(ver)\n    container: $(img)\n  - job: k\n    container: $(a)\n",
        {(10, 12, "DH001"), (13, 16, "DH003")},
        id="variable-reads-leg-and-cycle",
    ),
    pytest.param(
        "x: &c\n  image: node:20\njobs:\n  - job: a\n    container: *c\n  - job: b\n    container:\n      <<: *c\n",
        {(2, 10, "DH001")},
        id="anchor-alias-merge",
    ),
    pytest.param(
        "jobs:\n  - job: a\n    steps:\n      - ${{ if eq(parameters.x, true) }}:\n"
        "        - script: docker pull busybox:1\n",
        {(5, 31, "DH001")},
        id="conditional-insertion",
    ),
]

FIX = [
    pytest.param(
        POOL + "container: node:20  # build image\nsteps:\n  - script: make\n",
        POOL + f"container: {M}node:20  # build image\nsteps:\n  - script: make\n",
        {},
        id="container-comment-kept",
    ),
    pytest.param(
        "variables:\n  img: \"node:20\"\njobs:\n  - job: a\n    container: $(img)\n",
        f"variables:\n  img: \"{M}node:20\"\njobs:\n  - job: a\n    container: $(img)\n",
        {},
        id="variable-literal-fixed",
    ),
    pytest.param(
        "resources:\n  containers:\n    - container: db\n      image: 'postgres:16'\n"
        "jobs:\n  - job: a\n    services:\n      db: db\n",
        f"resources:\n  containers:\n    - container: db\n      image: '{M}postgres:16'\n"
        "jobs:\n  - job: a\n    services:\n      db: db\n",
        {},
        id="service-resource",
    ),
    pytest.param(
        POOL + "steps:\n  - bash: |\n      set -e\n      docker run --rm alpine:3.20 true\n",
        POOL + f"steps:\n  - bash: |\n      set -e\n      docker run --rm {M}alpine:3.20 true\n",
        {},
        id="bash-block",
    ),
]

test_noop, test_problem, test_fix = KindTable("azure").tests(NOOP, PROBLEM, FIX)


def _pipeline(text: str):
    document = kinds.parse("azure", SourceText(text))
    assert document.pipeline is not None
    return document.pipeline


def test_jobs_phases_and_legs():
    text = (
        "stages:\n  - stage: s\n    jobs:\n      - job: a\n        strategy:\n          matrix:\n"
        "            one: {v: '18'}\n            two: {v: '22'}\n        container: node:$(v)\n"
        "        services:\n          db: postgres:16\n        steps:\n          - script: docker pull alpine:3.20\n"
    )
    [job] = _pipeline(text).jobs
    assert (job.id, job.label, job.combinations) == ("a", "job `s.a`", 2)
    assert [[(use.site, use.value.text, use.context.phase) for use in run] for run in job.runs] == [
        [
            ("azure-container", f"node:{v}", Phase.SETUP),
            ("azure-service", "postgres:16", Phase.SETUP),
            ("azure-script", "alpine:3.20", Phase.STEP),
        ]
        for v in ("18", "22")
    ]


def test_docker_login_task_is_a_login_event():
    text = (
        POOL + "steps:\n  - task: Docker@2\n    inputs:\n      command: login\n      containerRegistry: hub\n"
        "  - script: docker pull node:20\n"
    )
    [job] = _pipeline(text).jobs
    assert [(event.kind, event.step, event.registry) for event in job.events] == [
        (EventKind.LOGIN, 0, "service connection hub")
    ]


def test_setup_notes_name_the_endpoint():
    plain = findings(POOL + "container: node:20\n", "azure")
    assert ["endpoint:" in (f.note or "") and "initializes" in (f.note or "") for f in plain] == [True]
    text = (
        "resources:\n  containers:\n    - container: c\n      image: node:20\n      endpoint: hub\n"
        "jobs:\n  - job: a\n    container: c\n"
    )
    [finding] = findings(text, "azure")
    assert "authenticated pull" in (finding.note or "")


def test_sniff_and_paths():
    assert kinds.kind_for_text("trigger: [main]\n" + POOL + "steps:\n  - script: make\n") == "azure"
    assert kinds.kind_for_text("stages:\n  - build\nbuild:\n  script: make\n") == "gitlab"  # not Azure
    assert kinds.kind_for_text("kind: pipeline\nsteps:\n  - name: a\n    image: node\n") != "azure"  # Drone
    assert kinds.kind_for_path("azure-pipelines.yml") == "azure"
    assert kinds.kind_for_path("ci/azure-pipelines/build.yaml") == "azure"
    assert kinds.kind_for_path(".azure-pipelines/templates/steps.yml") is None


def test_a_container_resource_no_job_uses_is_a_job_of_its_own():
    text = "resources:\n  containers:\n    - container: db\n      image: postgres:16\njobs:\n  - job: a\n"
    jobs = _pipeline(text).jobs
    expected = [("a", "job `a`"), ("resources.containers.db", "container resource `db`")]
    assert [(job.id, job.label) for job in jobs] == expected
    assert [[use.value.text for use in run] for run in jobs[1].runs] == [["postgres:16"]]


def test_a_windows_leg_does_not_read_script_steps():
    text = (
        "strategy:\n  matrix:\n    linux: {imageName: ubuntu-latest}\n    windows: {imageName: windows-latest}\n"
        "pool: {vmImage: $(imageName)}\nsteps:\n  - script: docker pull node:20\n  - bash: docker pull redis:7\n"
    )
    [job] = _pipeline(text).jobs
    assert [[use.value.text for use in run] for run in job.runs] == [["node:20", "redis:7"], ["redis:7"]]


def test_the_azure_pipelines_editor_language_is_this_kind():
    from dehub.lsp.documents import detect_kind

    assert detect_kind("/repo/ci/build.yml", "azure-pipelines", "steps:\n  - script: make\n") == "azure"


def test_variables_that_multiply_each_other_stay_bounded():
    """`V0: $(V1)$(V1)...`, `V1: $(V2)$(V2)...`: each variable is worked out once, and one that
    would expand past MAX_EXPANDED characters is unknown (DH003), in bounded time."""
    import time

    from helpers import findings

    variables = "".join(f"  V{i}: " + f"$(V{i + 1})" * 8 + "\n" for i in range(12)) + "  V12: node\n"
    text = (
        "variables:\n" + variables + "jobs:\n  - job: a\n    pool: {vmImage: ubuntu-latest}\n"
        "    container: $(V0)\n    steps:\n      - script: echo hi\n"
    )
    started = time.perf_counter()
    assert [f.code for f in findings(text, "azure")] == ["DH003"]
    assert time.perf_counter() - started < 5
    short = (
        "variables:\n  A: $(B)\n  B: node:20\njobs:\n  - job: a\n    container: $(A)\n"
        "    steps:\n      - script: x\n"
    )
    assert [f.code for f in findings(short, "azure")] == ["DH001"]


def test_many_unclosed_runtime_expressions_are_read_in_one_pass():
    """8,000 `$[` left open in a script: the brackets are matched in one pass over the text
    (each `$[` scanning to the end took seconds per 16 KB, growing with the square)."""
    import time

    from helpers import findings

    text = "jobs:\n  - job: a\n    container: node:20\n    steps:\n      - script: |\n          " + "$[" * 8000 + "\n"
    started = time.perf_counter()
    assert [f.code for f in findings(text, "azure")] == ["DH001"]
    assert time.perf_counter() - started < 2
