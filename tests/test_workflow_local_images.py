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

    config = make_config(mirror={"map": {"moby/buildkit": "ecr.example.com/hub/{path}"}})
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
    assert "before the action's own steps, so only a login in an earlier step of the calling job" in finding.note


# --- which builds leave a local image, and which later pulls it spares --------------------

CONTAINER_BUILDER = "- uses: docker/setup-buildx-action@v3\n  with:\n    driver-opts: image=ghcr.io/acme/buildkit:1\n"
DOCKER_BUILDER = "- uses: docker/setup-buildx-action@v3\n  with:\n    driver: docker\n"

LOCAL_CASES = [
    # build-push-action: load, push, the builder's driver, tags as lines or CSV
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - uses: docker/build-push-action@v6
          with:
            load: true
            tags: acme/app:ci,acme/app:latest
        - run: docker run --rm acme/app
    """)), set(), id="build-push-load-csv-tags"),
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - uses: docker/build-push-action@v6
          with:
            tags: acme/app:ci
        - run: docker run --rm acme/app:ci
    """)), {(11, 30, "DH002")}, id="build-push-container-driver-without-load-stays-in-the-cache"),
    pytest.param(steps(DOCKER_BUILDER + textwrap.dedent("""\
        - uses: docker/build-push-action@v6
          with:
            tags: acme/app:ci
        - run: docker run --rm acme/app:ci
    """)), set(), id="build-push-docker-driver-loads"),
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - uses: docker/build-push-action@v6
          with:
            outputs: type=docker
            tags: acme/app:ci
        - run: docker run --rm acme/app:ci
    """)), set(), id="build-push-output-type-docker"),
    pytest.param(steps("""\
        - uses: docker/build-push-action@v6
          with:
            outputs: type=local,dest=out
            tags: acme/app:ci
        - run: docker run --rm acme/app:ci
    """), {(9, 30, "DH002")}, id="build-push-output-to-files"),
    # bake-action: load and `set` tags; the bake file is not read
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - uses: docker/bake-action@v5
          with:
            load: true
            set: |
              *.tags=acme/app:ci
        - run: docker run --rm acme/app:ci
    """)), set(), id="bake-load-set-tags"),
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - uses: docker/bake-action@v5
          with:
            set: app.tags=acme/app:ci
        - run: docker run --rm acme/app:ci
    """)), {(11, 30, "DH002")}, id="bake-container-driver-without-load"),
    pytest.param(steps("""\
        - uses: docker/bake-action@v5
          with:
            targets: app
        - run: docker run --rm acme/app:ci
    """), {(8, 30, "DH002")}, id="bake-file-tags-are-not-read"),
    # scripts: docker build uses the default builder; buildx build the selected one
    pytest.param(steps(CONTAINER_BUILDER + "- run: docker build -t app . && docker run app\n"), set(),
                 id="docker-build-uses-the-default-builder"),
    pytest.param(steps(CONTAINER_BUILDER.replace("with:\n", "with:\n    install: true\n")
                       + "- run: docker build -t app . && docker run app\n"),
                 {(9, 50, "DH002")}, id="docker-build-after-install-uses-the-container-builder"),
    pytest.param(steps(CONTAINER_BUILDER + "- run: docker buildx build --load -t app . && docker run app\n"), set(),
                 id="buildx-load"),
    pytest.param(steps(CONTAINER_BUILDER + "- run: docker buildx build -t app . && docker run app\n"),
                 {(8, 57, "DH002")}, id="buildx-without-load"),
    pytest.param(steps("- run: docker buildx build --push -t app . && docker run app\n"),
                 {(5, 64, "DH002")}, id="buildx-push-is-not-counted-on"),
    pytest.param(steps("- run: docker buildx create --use --driver-opt image=ghcr.io/acme/bk:1\n"
                       "- run: docker buildx build -t app . && docker run app\n"),
                 {(6, 57, "DH002")}, id="buildx-create-use"),
    pytest.param(steps("- run: docker buildx create --use --driver-opt image=ghcr.io/acme/bk:1\n"
                       "- run: docker buildx use default && docker buildx build -t app . && docker run app\n"),
                 set(), id="buildx-use-default"),
    # consumers: `docker pull` and `--pull always` pull anyway; docker:// steps, the job
    # container and services are pulled before any step
    pytest.param(steps("- run: docker build -t app . && docker pull app\n"), {(5, 51, "DH002")},
                 id="docker-pull-pulls-anyway"),
    pytest.param(steps("- run: docker build -t app . && docker run --pull always app\n"), {(5, 64, "DH002")},
                 id="run-pull-always"),
    pytest.param(steps("- run: docker build -t app . && docker run --pull=missing app\n"), set(),
                 id="run-pull-missing"),
    pytest.param(steps("- run: docker build -t acme/app .\n- uses: docker://acme/app\n"), {(6, 24, "DH002")},
                 id="docker-step-after-a-build"),
    pytest.param("on: push\njobs:\n  a:\n    container: acme/app\n    steps:\n"
                 "      - run: docker build -t acme/app .\n",
                 {(4, 16, "DH002")}, id="container-after-a-build"),
    # docker-image:// contexts: the docker driver sees local images, a container builder does not
    pytest.param(steps("- run: docker build -t base . && docker buildx build "
                       "--build-context b=docker-image://base .\n"),
                 set(), id="context-of-a-local-image-docker-driver"),
    pytest.param(steps(DOCKER_BUILDER + textwrap.dedent("""\
        - run: docker tag node:20 base
        - uses: docker/build-push-action@v6
          with:
            build-contexts: b=docker-image://base
    """)), set(), id="context-of-a-tagged-image-setup-buildx-docker"),
    pytest.param(steps(CONTAINER_BUILDER + textwrap.dedent("""\
        - run: docker build -t acme/base .
        - uses: docker/build-push-action@v6
          with:
            build-contexts: b=docker-image://acme/base
    """)), {(11, 44, "DH002")}, id="context-of-a-local-image-container-builder-is-pulled"),
    pytest.param(steps(CONTAINER_BUILDER + "- run: docker build -t acme/base . && docker buildx build "
                       "--build-context b=docker-image://acme/base .\n"),
                 {(8, 98, "DH002")}, id="script-context-container-builder-is-pulled"),
    pytest.param(steps("- run: docker build --build-context b=docker-image://acme/app -t acme/app .\n"),
                 {(5, 60, "DH002")}, id="a-build-does-not-make-its-own-context-local"),
    pytest.param(steps(CONTAINER_BUILDER + "- run: docker build -t acme/base . && docker build "
                       "--build-context b=docker-image://acme/base .\n"),
                 set(), id="script-docker-build-context-on-the-default-builder"),
]


@pytest.mark.parametrize(("text", "expected"), LOCAL_CASES)
def test_local_images_and_builders(text, expected):
    assert problems(text, W) == expected
