"""The CircleCI kind's table on the shared harness (tests/kindtable.py), and its pipeline model."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import kinds
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
V = "version: 2.1\n"

NOOP = [
    pytest.param(V + "jobs:\n  a:\n    machine:\n      image: ubuntu-2204:current\n", {}, id="machine-is-a-vm"),
    pytest.param(V + "jobs:\n  a:\n    macos:\n      xcode: 15.0.0\n", {}, id="macos-is-a-vm"),
    pytest.param(V + "jobs:\n  a:\n    executor: node/default\n", {}, id="orb-executor-not-read"),
    pytest.param(V + "jobs:\n  a:\n    docker:\n      - image: " + M + "node:20\n", {}, id="already-mirrored"),
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - image: " + M + "node:20\n    steps:\n"
        "      - run: echo docker pull node:20  # not a command\n      - node/install\n",
        {},
        id="echo-and-orb-command",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - image: " + M + "node:20\n    steps:\n"
        "      - run:\n          shell: pwsh\n          command: docker pull node:20\n",
        {},
        id="powershell-not-read",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    executor: {name: win/default, shell: powershell.exe}\n    steps:\n"
        "      - run: docker pull node:20\n",
        {},
        id="orb-executor-shell-powershell",
    ),
]

EXECUTOR = (
    V + "executors:\n  py:\n    parameters:\n      tag:\n        type: string\n        default: '3.11'\n"
    "    docker:\n      - image: python:<< parameters.tag >>\n"
)

PROBLEM = [
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - image: node:20\n      - image: postgres:16\n",
        {(5, 16, "DH001"), (6, 16, "DH001")},
        id="primary-and-service",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - {image: 'node:20', auth: {username: u, password: $P}}\n",
        {(5, 18, "DH001")},
        id="authenticated-still-docker-hub",
    ),
    pytest.param(EXECUTOR + "jobs:\n  a:\n    executor: py\n", {(9, 16, "DH001")}, id="executor-by-name"),
    pytest.param(
        EXECUTOR + "jobs:\n  a:\n    executor:\n      name: py\n      tag: '3.13'\n",
        {(9, 16, "DH001")},
        id="executor-with-parameters",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    parameters:\n      img:\n        type: string\n        default: redis:7\n"
        "    docker:\n      - image: << parameters.img >>\n",
        {(7, 18, "DH001")},
        id="job-parameter-default",
    ),
    pytest.param(
        V + "parameters:\n  img:\n    type: string\n    default: \"redis:7\"\n"
        "jobs:\n  a:\n    docker:\n      - image: << pipeline.parameters.img >>\n",
        {(5, 15, "DH001")},
        id="pipeline-parameter",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - image: << pipeline.git.branch >>\n",
        {(5, 16, "DH003")},
        id="pipeline-value-unknown",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    machine: true\n    steps:\n      - checkout\n"
        "      - setup_remote_docker\n      - run: docker run --rm alpine:3.20 sh -c 'echo hi'\n"
        "      - run:\n          name: pull\n          command: |\n            docker pull ubuntu:22.04\n",
        {(8, 30, "DH001"), (12, 25, "DH001")},
        id="run-steps",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    machine: true\n    environment:\n      - IMG: redis:7\n      - TAG=3.20\n"
        "    steps:\n      - run: docker pull $IMG && docker run alpine:$TAG\n",
        {(6, 14, "DH001"), (9, 45, "DH001")},
        id="environment-list-forms",
    ),
    pytest.param(
        V + "commands:\n  warm:\n    parameters:\n      img: {type: string, default: 'busybox:1'}\n"
        "    steps:\n      - run: docker pull << parameters.img >>\n"
        "jobs:\n  a:\n    machine: true\n    steps:\n      - warm\n      - warm: {img: debian:12}\n",
        {(5, 37, "DH001"), (13, 21, "DH001")},
        id="reusable-command",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    parameters:\n      v: {type: string, default: '20'}\n"
        "    docker:\n      - image: node:<< parameters.v >>\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          matrix:\n            parameters:\n"
        "              v: ['18', '22']\n",
        {(7, 16, "DH001")},
        id="matrix-on-the-literal-name",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    parameters:\n      img: {type: string, default: 'node:20'}\n"
        "    docker:\n      - image: << parameters.img >>\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          img: redis:7\n",
        {(12, 16, "DH001")},
        id="workflow-passes-a-value",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    machine: true\n    steps:\n      - run: docker login -u u -p p\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          pre-steps:\n            - run: docker pull busybox:1\n"
        "          post-steps:\n            - run: docker pull debian:12\n",
        {(12, 32, "DH001"), (14, 32, "DH001")},
        id="pre-and-post-steps",
    ),
    pytest.param(
        V + "x: &img\n  image: node:20\njobs:\n  a:\n    docker:\n      - *img\n  b:\n    docker:\n"
        "      - <<: *img\n        name: db\n",
        {(3, 10, "DH001")},
        id="anchor-alias-merge",
    ),
    pytest.param(
        "version: 2\njobs:\n  build:\n    docker: [{image: \"circleci/node:14\"}, {image: mongo:4.4}]\n",
        {(4, 51, "DH001"), (4, 23, "DH002")},
        id="flow-style-version-2",
    ),
]

FIX = [
    pytest.param(
        V + "jobs:\n  a:\n    docker:\n      - image: node:20  # primary\n      - image: 'postgres:16'\n",
        V + f"jobs:\n  a:\n    docker:\n      - image: {M}node:20  # primary\n      - image: '{M}postgres:16'\n",
        {},
        id="images-comment-and-quotes",
    ),
    pytest.param(
        EXECUTOR + "jobs:\n  a:\n    executor: py\n",
        EXECUTOR.replace("python:", M + "python:") + "jobs:\n  a:\n    executor: py\n",
        {},
        id="executor-image-name",
    ),
    pytest.param(
        V + "parameters:\n  img:\n    type: string\n    default: \"redis:7\"\n"
        "jobs:\n  a:\n    docker:\n      - image: << pipeline.parameters.img >>\n",
        V + f"parameters:\n  img:\n    type: string\n    default: \"{M}redis:7\"\n"
        "jobs:\n  a:\n    docker:\n      - image: << pipeline.parameters.img >>\n",
        {},
        id="default-literal-fixed",
    ),
    pytest.param(
        V + "jobs:\n  a:\n    machine: true\n    steps:\n"
        "      - run: |\n          # warm up\n          docker pull alpine:3.20\n",
        V + "jobs:\n  a:\n    machine: true\n    steps:\n"
        f"      - run: |\n          # warm up\n          docker pull {M}alpine:3.20\n",
        {},
        id="run-block",
    ),
]

FIX.append(
    pytest.param(
        V + "jobs:\n  a:\n    parameters:\n      img: {type: string, default: ''}\n"
        "    docker:\n      - image: << parameters.img >>\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          name: old\n          img: ubuntu:18.04\n"
        "      - a:\n          name: new\n          img: \"ubuntu:24.04\"  # latest LTS\n",
        V + "jobs:\n  a:\n    parameters:\n      img: {type: string, default: ''}\n"
        "    docker:\n      - image: << parameters.img >>\n"
        f"workflows:\n  w:\n    jobs:\n      - a:\n          name: old\n          img: {M}ubuntu:18.04\n"
        f"      - a:\n          name: new\n          img: \"{M}ubuntu:24.04\"  # latest LTS\n",
        {},
        id="each-workflow-value-fixed",
    )
)

test_noop, test_problem, test_fix = KindTable("circleci").tests(NOOP, PROBLEM, FIX)


def _pipeline(text: str):
    document = kinds.parse("circleci", SourceText(text))
    assert document.pipeline is not None
    return document.pipeline


def test_jobs_phases_and_runs():
    text = (
        V + "jobs:\n  a:\n    parameters:\n      v: {type: string, default: '20'}\n"
        "    docker:\n      - image: node:<< parameters.v >>\n      - image: redis:7\n"
        "    steps:\n      - run: docker pull alpine:3.20\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          matrix:\n            parameters:\n"
        "              v: ['18', '22']\n"
    )
    [job] = _pipeline(text).jobs
    assert job.id == "a" and job.combinations == 2
    assert [[(use.site, use.value.text, use.context.phase) for use in run] for run in job.runs] == [
        [
            ("circleci-image", f"node:{v}", Phase.SETUP),
            ("circleci-service", "redis:7", Phase.SETUP),
            ("circleci-run", "alpine:3.20", Phase.STEP),
        ]
        for v in ("18", "22")
    ]


def test_setup_note_names_circleci_credentials():
    [finding] = findings(V + "jobs:\n  a:\n    docker:\n      - image: node:20\n", "circleci")
    assert "CircleCI spins up" in (finding.note or "") and "auth:" in (finding.note or "")


def test_a_docker_login_before_a_step_pull_is_an_event():
    text = V + "jobs:\n  a:\n    machine: true\n    steps:\n      - run: |\n          docker login -u u -p p\n"
    [job] = _pipeline(text).jobs
    assert [event.kind.value for event in job.events] == ["login"]


def test_sniff_and_paths():
    assert kinds.kind_for_text(V + "jobs:\n  a:\n    docker:\n      - image: x\n") == "circleci"
    assert kinds.kind_for_text("on: push\njobs:\n  a: {}\n") == "workflow"
    assert kinds.kind_for_path(".circleci/config.yml") == "circleci"
    assert kinds.kind_for_path("repo/.circleci/continue_config.yml") == "circleci"
    assert kinds.kind_for_path("circleci/config.yml") is None


def test_pre_steps_run_before_the_job_steps_and_post_steps_after():
    text = (
        V + "jobs:\n  a:\n    machine: true\n    steps:\n      - run: docker login -u u -p p\n"
        "workflows:\n  w:\n    jobs:\n      - a:\n          pre-steps:\n            - run: docker pull busybox:1\n"
        "          post-steps:\n            - run: docker pull debian:12\n"
    )
    [job] = _pipeline(text).jobs
    [run] = job.runs
    assert [(use.value.text, use.context.step) for use in run] == [("busybox:1", 0), ("debian:12", 2)]
    assert [event.step for event in job.events] == [1]


def test_commands_invoking_commands_many_times_are_read_in_bounded_time():
    """`c0` invoking `c1` eight times, `c1` invoking `c2` eight times, ...: 8**8 step lists
    without a cap (about a minute); the reading stops at MAX_VISITS and the job is still read."""
    import time

    from helpers import findings

    commands = "".join(f"  c{i}:\n    steps:\n" + f"      - c{i + 1}\n" * 8 for i in range(7))
    commands += "  c7:\n    steps:\n      - run: echo hi\n"
    text = "version: 2.1\ncommands:\n" + commands
    text += "jobs:\n  a:\n    docker:\n      - image: node:20\n    steps:\n      - c0\n"
    started = time.perf_counter()
    assert [f.code for f in findings(text, "circleci")] == ["DH001"]
    assert time.perf_counter() - started < 5
