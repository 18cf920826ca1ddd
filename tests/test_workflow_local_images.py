"""What a job builds or tags itself is local: running it is not a pull. And the other late additions:
`docker buildx create`, actions that run an input's image, `format()`."""

from __future__ import annotations

import textwrap

import pytest
from helpers import findings, fixed, problems

W = "workflow"
MIRROR = "public.ecr.aws/docker/library/"


def steps(body: str) -> str:
    """A one-job workflow; step lines start at line 5, indented by six spaces."""
    return "on: push\njobs:\n  a:\n    steps:\n" + textwrap.indent(textwrap.dedent(body), "      ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(steps("- run: docker build -t app . && docker run app\n"), set(), id="built-then-run"),
        pytest.param(
            steps("- run: docker run app && docker build -t app .\n"), {(5, 25, "DH002")}, id="run-before-build"
        ),
        pytest.param(steps("- run: docker build --tag=app:ci . ; docker run app:ci\n"), set(), id="tag-equals"),
        pytest.param(steps("- run: docker build -t app:ci .\n- run: docker run app\n"), {(6, 25, "DH002")},
                     id="other-tag-is-a-pull"),
        pytest.param(steps("- run: podman build --tag rpm -f x/Dockerfile .\n- run: podman run --rm rpm sh\n"), set(),
                     id="podman-across-steps"),
        pytest.param(steps("- run: docker pull node:20 && docker tag node:20 mine && docker run mine\n"),
                     {(5, 26, "DH001")}, id="docker-tag"),
        pytest.param(steps("- run: docker run library/app\n- run: docker build -t app .\n"), {(5, 25, "DH002")},
                     id="library-prefix-is-the-same-name-but-earlier"),
        pytest.param(
            steps("""\
                - uses: docker/build-push-action@v6
                  with:
                    tags: acme/app:ci
                    load: true
                - run: docker run --rm acme/app:ci
            """),
            set(),
            id="build-push-load",
        ),
        pytest.param(
            steps("""\
                - uses: docker/build-push-action@v6
                  with:
                    tags: |
                      acme/app:ci
                      acme/app:latest
                - run: docker run --rm acme/app
            """),
            set(),
            id="build-push-not-pushed-stays-local",
        ),
        pytest.param(
            steps("""\
                - uses: docker/build-push-action@v6
                  with:
                    push: true
                    tags: acme/app:ci
                - run: docker run --rm acme/app:ci
            """),
            {(9, 30, "DH002")},
            id="build-push-pushed-is-pulled-back",
        ),
        pytest.param(
            steps("""\
                - uses: addnab/docker-run-action@v3
                  with:
                    image: node:20
                    run: npm test
            """),
            {(7, 18, "DH001")},
            id="docker-run-action-input",
        ),
        pytest.param(
            steps("- run: docker buildx create --use --name b\n"), {(5, 28, "DH004")}, id="buildx-create-hidden-pull"
        ),
        pytest.param(
            steps("- run: docker buildx create --driver docker --use\n"), set(), id="buildx-create-docker-driver"
        ),
        pytest.param(
            steps("- run: docker buildx create --driver-opt network=host,image=moby/buildkit:v0.16.0 --use\n"),
            {(5, 67, "DH002")},
            id="buildx-create-image",
        ),
    ],
)
def test_local_and_late_sites(text, expected):
    assert problems(text, W) == expected


def test_buildx_create_image_fix_uses_the_mapping():
    from helpers import make_config

    config = make_config(mirror={"map": {"moby/buildkit": "ecr.example.com/hub/{name}"}})
    text = steps("- run: docker buildx create --driver-opt image=moby/buildkit:v0.16.0 --use\n")
    expected = text.replace("image=moby/buildkit", "image=ecr.example.com/hub/moby/buildkit")
    assert fixed(text, W, config=config) == expected


def test_docker_run_action_input_is_fixed_in_place():
    text = steps("- uses: addnab/docker-run-action@v3\n  with:\n    image: 'node:20'\n")
    assert fixed(text, W) == text.replace("'node:20'", f"'{MIRROR}node:20'")


def test_format_expression_fix_lands_in_the_template():
    text = (
        "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        v: ['5.9', '5.10']\n"
        "    container: ${{ format('swift:{0}-jammy', matrix.v) }}\n"
    )
    assert problems(text, W) == {(7, 28, "DH001")}
    assert fixed(text, W) == text.replace("'swift:{0}", f"'{MIRROR}swift:{{0}}")


SHARED = """\
on: push
jobs:
  a:
    strategy:
      matrix:
        os: [ubuntu, debian]
    container: ${{ matrix.os }}:latest
    steps:
      - if: matrix.os == 'ubuntu'
        run: apt-get update
"""


def test_matrix_value_read_by_more_than_an_image_gets_an_unsafe_fix():
    found = [f for f in findings(SHARED, W) if f.code == "DH001"]
    assert [(f.line, f.column, f.fixable) for f in found] == [(6, 14, "unsafe"), (6, 22, "unsafe")]
    assert "`matrix.os` is also read by more than this image" in found[0].message
    assert fixed(SHARED, W) == SHARED
    assert fixed(SHARED, W, unsafe=True) == SHARED.replace("[ubuntu, debian]", f"[{MIRROR}ubuntu, {MIRROR}debian]")


def test_script_reading_a_matrix_value_for_more_than_its_image_makes_the_fix_unsafe():
    text = SHARED.replace("      - if: matrix.os == 'ubuntu'\n        run: apt-get update\n", (
        "      - run: |\n          docker run ${{ matrix.os }}:latest true\n"
        "          case ${{ matrix.os }} in ubuntu) echo u ;; esac\n"
    ))
    assert {f.fixable for f in findings(text, W) if f.code == "DH001"} == {"unsafe"}


def test_matrix_value_read_only_by_images_keeps_a_safe_fix():
    text = SHARED.replace("      - if: matrix.os == 'ubuntu'\n        run: apt-get update\n", (
        "      - run: docker run --rm ${{ matrix.os }}:latest true\n"
    ))
    assert {f.fixable for f in findings(text, W) if f.code == "DH001"} == {"safe"}


def test_shared_tag_value_does_not_make_a_fix_of_the_literal_name_unsafe():
    text = SHARED.replace("os: [ubuntu, debian]", "v: ['22.04', '24.04']").replace(
        "${{ matrix.os }}:latest", "ubuntu:${{ matrix.v }}"
    ).replace("matrix.os == 'ubuntu'", "matrix.v == '22.04'")
    assert {f.fixable for f in findings(text, W) if f.code == "DH001"} == {"safe"}
    assert fixed(text, W) == text.replace("ubuntu:${{", f"{MIRROR}ubuntu:${{{{")


def test_composite_docker_step_is_pulled_when_the_action_step_starts():
    text = "runs:\n  using: composite\n  steps:\n    - uses: docker://alpine:3.20\n"
    (finding,) = findings(text, "action")
    assert (finding.line, finding.column, finding.code) == (4, 22, "DH001")
    assert "before the action's own steps, so only a login in an earlier step of the calling job" in finding.message
