"""The shell-script kind's table on the shared harness (tests/kindtable.py), its sniffing, and
the shell reader's `${NAME:=word}` assignments it relies on."""

from __future__ import annotations

import pytest
from helpers import findings, problems
from kindtable import KindTable

from dehub import kinds
from dehub.shellscript import shebang_shell, sniff

M = "public.ecr.aws/docker/library/"
SH = "#!/bin/sh\n"
ECR_LOGIN = (
    "aws ecr-public get-login-password --region us-east-1 | docker login -u AWS --password-stdin public.ecr.aws\n"
)

NOOP = [
    pytest.param(SH + 'echo "docker pull node:20"\n', {}, id="quoted-in-echo"),
    pytest.param(SH + "# docker pull node:20\necho hi  # docker run redis\n", {}, id="comments"),
    pytest.param(SH + "cat <<EOF\ndocker pull node:20\nEOF\n", {}, id="heredoc-body"),
    pytest.param(SH + "cat <<-'EOF'\n\tdocker pull node:20\n\tEOF\necho done\n", {}, id="heredoc-dash-quoted"),
    pytest.param(SH + "docker build -t app .\ndocker run --rm app\n", {}, id="local-image"),
    pytest.param(SH + "docker pull ghcr.io/owner/app:1\npodman run quay.io/x/y\n", {}, id="other-registries"),
    pytest.param(SH + ECR_LOGIN + f"docker pull {M}node:20\n", {}, id="mirror-after-login"),
    pytest.param("#!/usr/bin/env python3\nimport os\nos.system('docker pull node:20')\n", {}, id="python-shebang"),
    pytest.param(SH + "docker run --rm -it -v $PWD:/w $(docker build -q .) bash\n", {}, id="run-what-was-just-built"),
    pytest.param(SH + "docker run `podman build --quiet -f x .`\n", {}, id="backticked-build"),
    pytest.param(SH + "for image in node:20 redis:7; do echo $image; done\n", {}, id="for-word-list"),
    pytest.param(SH + "case $1 in\n  docker) echo docker pull node:20 ;;\nesac\n", {}, id="case-pattern"),
]

PROBLEM = [
    pytest.param(SH + "docker pull node:20\n", {(2, 13, "DH001")}, id="pull"),
    pytest.param("docker run --rm -v $PWD:/src -w /src node:20 npm test\n", {(1, 38, "DH001")}, id="no-shebang"),
    pytest.param(
        SH + "docker run --rm \\\n  -e A=1 \\\n  redis:7 \\\n  redis-server\n", {(4, 3, "DH001")}, id="continuation"
    ),
    pytest.param(
        SH + 'if [ -n "$CI" ]; then\n  docker pull node:20\nelse\n  docker pull node:18\nfi\n',
        {(3, 15, "DH001"), (5, 15, "DH001")},
        id="if-branches",
    ),
    pytest.param(
        SH + 'case "$1" in\n  a) docker pull alpine ;;\n  b|c)\n    docker run busybox\n    ;;\nesac\n',
        {(3, 18, "DH001"), (5, 16, "DH001")},
        id="case-branches",
    ),
    pytest.param(SH + 'docker run "$IMAGE"\n', {(2, 13, "DH003")}, id="unknown-variable"),
    pytest.param(SH + 'docker run "$1"\n', {(2, 13, "DH003")}, id="argument"),
    pytest.param(SH + "docker run $(docker images -q | head -1)\n", {(2, 12, "DH003")}, id="other-substitution"),
    pytest.param(SH + "docker buildx create --use\n", {(2, 15, "DH004")}, id="buildx-create-hidden"),
    pytest.param(
        SH + "docker buildx create --driver-opt image=moby/buildkit:v0.13 --use\n",
        {(2, 41, "DH002")},
        id="buildx-driver-image",
    ),
    pytest.param(
        SH + "docker buildx build --build-context base=docker-image://alpine:3.20 .\n",
        {(2, 57, "DH001")},
        id="build-context",
    ),
    pytest.param(SH + f"docker pull {M}node:20\n", {(2, 13, "DH005")}, id="ecr-without-login"),
    pytest.param(
        SH + "cat <<EOF > x\ndocker pull skipped\nEOF\ndocker pull node:20\n", {(5, 13, "DH001")}, id="after-heredoc"
    ),
    pytest.param(
        SH + "# dehub ignore=DH001\ndocker pull \\\n  node:20\ndocker pull redis\n",
        {(5, 13, "DH001")},
        id="suppressed-continued",
    ),
    pytest.param(
        SH + "sudo docker pull node:20 && podman pull redis\n",
        {(2, 18, "DH001"), (2, 41, "DH001")},
        id="sudo-and-podman",
    ),
    pytest.param(SH + "X=$(docker run --rm node:20 node -v)\n", {(2, 21, "DH001")}, id="command-substitution"),
]

FIX = [
    pytest.param(
        SH + 'IMAGE=node:20\ndocker run --rm "$IMAGE" true\n',
        SH + f'IMAGE={M}node:20\ndocker run --rm "$IMAGE" true\n',
        {},
        id="variable-fixed-at-assignment",
    ),
    pytest.param(
        SH + ': "${IMAGE:=node:20}"\ndocker pull "$IMAGE"\n',
        SH + f': "${{IMAGE:={M}node:20}}"\ndocker pull "$IMAGE"\n',
        {},
        id="colon-equals-default",
    ),
    pytest.param(
        SH + "IMAGE=${IMAGE:-node:20}\ndocker pull $IMAGE\n",
        SH + f"IMAGE=${{IMAGE:-{M}node:20}}\ndocker pull $IMAGE\n",
        {},
        id="dash-default",
    ),
    pytest.param(
        SH + 'docker run "${BASE_IMAGE:-python:3.12-slim}" true\n',
        SH + f'docker run "${{BASE_IMAGE:-{M}python:3.12-slim}}" true\n',
        {},
        id="default-in-place",
    ),
    pytest.param(
        "#!/usr/bin/env -S bash -e\ndocker pull 'alpine:3.20'  # warm the cache\n",
        f"#!/usr/bin/env -S bash -e\ndocker pull '{M}alpine:3.20'  # warm the cache\n",
        {},
        id="single-quoted-comment-kept",
    ),
    pytest.param(
        SH + 'docker run --rm \\\n\t-v "$PWD":/w \\\n\tnode:20 \\\n\tnpm test\n',
        SH + f'docker run --rm \\\n\t-v "$PWD":/w \\\n\t{M}node:20 \\\n\tnpm test\n',
        {},
        id="continuation",
    ),
    pytest.param(
        SH + 'TAG=20\ndocker pull "node:$TAG"\n',
        SH + f'TAG=20\ndocker pull "{M}node:$TAG"\n',
        {},
        id="tag-from-variable",
    ),
    pytest.param(
        SH + "case $1 in\n  old) IMAGE=node:18 ;;\n  *) IMAGE=node:20 ;;\nesac\ndocker pull $IMAGE\n",
        SH + f"case $1 in\n  old) IMAGE=node:18 ;;\n  *) IMAGE={M}node:20 ;;\nesac\ndocker pull $IMAGE\n",
        {},
        id="last-assignment-wins",
    ),
]

test_noop, test_problem, test_fix = KindTable("shell").tests(NOOP, PROBLEM, FIX)


@pytest.mark.parametrize(
    ("first_line", "shell"),
    [
        ("#!/bin/sh", "sh"),
        ("#!/bin/bash -eu", "bash"),
        ("#! /usr/bin/env bash", "bash"),
        ("#!/usr/bin/env -S bash -e", "bash"),
        ("#!/usr/bin/env LC_ALL=C dash", "dash"),
        ("#!/bin/ksh", "ksh"),
        ("#!/usr/bin/zsh", "zsh"),
        ("#!/bin/busybox sh", "sh"),
    ],
)
def test_sniff_takes_shell_shebangs(first_line, shell):
    text = first_line + "\ndocker pull node:20\n"
    assert shebang_shell(text) == shell
    assert sniff(text)
    assert kinds.kind_for_text(text) == "shell"


@pytest.mark.parametrize(
    "text",
    [
        "#!/usr/bin/env python3\n",
        "#!/usr/bin/perl\n",
        "#!/usr/bin/env node\n",
        "#!/usr/bin/env fish\n",
        "#!\n",
        "echo hi\n",
        "\n#!/bin/sh\n",
        "FROM node:20\n",
    ],
)
def test_sniff_refuses_other_interpreters_and_no_shebang(text):
    assert not sniff(text)
    assert kinds.kind_for_text(text) != "shell"


def test_a_walk_reads_extensionless_scripts_in_bin_and_scripts_folders():
    assert kinds.walk_kind("deploy.sh") == "shell"
    assert kinds.walk_kind("bin/deploy") == kinds.SNIFF
    assert kinds.walk_kind("tools/scripts/release") == kinds.SNIFF
    assert kinds.walk_kind("hack/verify") == kinds.SNIFF
    assert kinds.walk_kind("src/deploy") is None


def test_one_job_login_covers_later_pulls_only():
    text = SH + f"docker pull {M}node:20\n" + ECR_LOGIN + f"docker pull {M}redis:7\n"
    [finding] = findings(text, "shell")
    assert (finding.line, finding.code) == (2, "DH005")
    assert "this script pulls" in finding.message


def test_unknown_hint_names_where_values_come_from():
    [finding] = findings(SH + "docker run $IMAGE\n", "shell")
    assert finding.message.endswith("the environment, arguments and command output are unknown")


def test_assigning_default_also_in_the_image_word():
    """`${IMAGE:=node:20}` in the pull itself sets IMAGE for the next command too (both
    pulls are the one literal: one finding there, two pulls in the inventory)."""
    from dehub.shellscript import parse
    from dehub.source import SourceText

    text = SH + 'docker pull "${IMAGE:=node:20}"\ndocker run "$IMAGE"\n'
    assert problems(text, "shell") == {(2, 23, "DH001")}
    uses = parse(SourceText(text)).image_uses({})
    assert [(use.value.text, use.value.source_span(), use.start) for use in uses] == [
        ("node:20", (32, 39), 23),
        ("node:20", (32, 39), 54),
    ]
