"""Shapes met in real GitHub Actions workflows and action metadata (a validation run over 153
public files); each case is a small hand-made excerpt reproducing one shape, never a copy.

Tables: (text, kind, exact set of (line, column, code)); (text, kind, image-level findings);
(text, kind, exact fixed text). Known bugs are kept with the correct expectation and marked
`xfail(strict=True)`.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import findings, fixed, problems

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def job(*steps_and_keys: str) -> str:
    """A workflow with one job `a`; the rows are the job's body, indented 4 spaces by the caller."""
    return lines("on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", *steps_and_keys)


# --------------------------------------------------------------------------------------------
# (text, kind, exact set of (line, column, code))
# --------------------------------------------------------------------------------------------

PROBLEM_CASES = [
    # --- layout oddities ------------------------------------------------------------------
    pytest.param(
        lines(
            "    on: push",
            "    jobs:",
            "        a:",
            "            runs-on: ubuntu-latest",
            "            container: node:20",
            "            steps:",
            "                - run: docker pull redis:7",
        ),
        "workflow",
        {(5, 24, "DH001"), (7, 36, "DH001")},
        id="whole-document-indented-4-spaces",
    ),
    pytest.param(
        job(
            "    steps:",
            "      -",
            "        uses: docker://alpine:3.20",
            "      -",
            "        name: x",
            "        run: docker run busybox:1.36",
        ),
        "workflow",
        {(7, 24, "DH001"), (10, 25, "DH001")},
        id="dash-on-its-own-line",
    ),
    pytest.param(
        job(
            "    services:",
            "      db:",
            "#VERSIONS",
            "        image: postgres:16",
            "#END",
            "        ports: ['5432:5432']",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(8, 16, "DH001")},
        id="column-0-comments-inside-a-mapping",
    ),
    pytest.param(
        job("    steps:", "      - run : docker run --rm alpine:3.20 true"),
        "workflow",
        {(6, 31, "DH001")},
        id="run-key-with-space-before-colon",
    ),
    pytest.param(
        lines(
            "# CI for fedora",
            "# more header comments",
            "---",
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            '    container: "fedora:38"',
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(8, 17, "DH001")},
        id="comment-block-then-document-marker-quoted-container",
    ),
    pytest.param(
        lines(
            "runs:",
            "  using: composite",
            "  steps:",
            "    - shell: bash",
            "      run: |",
            "        sudo tee /etc/x.conf > /dev/null <<- EOF",
            "        \tg\tportage\t250",
            "        \tdocker run alpine",
            "        EOF",
            "        docker run --rm node:20 true",
        ),
        "action",
        {(10, 25, "DH001")},
        id="tabs-inside-a-heredoc-are-text",
    ),
    pytest.param(
        job(
            "    services:",
            "      redis:",
            "        image: redis",
            "        options: >- # wait until redis has started",
            '          --health-cmd "redis-cli ping"',
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(7, 16, "DH001")},
        id="folded-options-with-comment-after-indicator",
    ),
    pytest.param(
        job(
            "    services:",
            "      devstoreaccount1.azurite.local:",
            "        image: mcr.microsoft.com/azure-storage/azurite:latest",
            "      elasticsearch:",
            "        image: elasticsearch:7.5.0",
            "        env:",
            "          discovery.type: single-node",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(9, 16, "DH001")},
        id="service-ids-and-env-keys-with-dots",
    ),
    pytest.param(
        lines(
            "on: [pull_request]",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    services:",
            "      jenkins:",
            "        # image: jenkins/jenkins:lts",
            "        image: jenkins/jenkins:lts-jdk11",
            "        credentials:",
            "          username: ${{ secrets.USER }}",
            "          password: ${{ secrets.PASS }}",
            "      agent:",
            "        image: jenkins/jnlp-agent-jdk11",
            "    steps:",
            "      - uses: ./",
        ),
        "workflow",
        {(8, 16, "DH002"), (13, 16, "DH002")},
        id="service-credentials-and-commented-out-image-line",
    ),
    pytest.param(
        lines(
            "on:",
            "  workflow_call:",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: docker run --privileged --rm tonistiigi/binfmt --install arm64",
        ),
        "workflow",
        {(7, 43, "DH002")},
        id="workflow-call-with-null-body",
    ),
    # --- images assembled from expressions ------------------------------------------------
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        vector:",
            "        - jobname: linux-musl",
            "          image: alpine",
            "        - jobname: linux32",
            "          image: daald/ubuntu32:xenial",
            "    container: ${{matrix.vector.image}}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(9, 18, "DH001"), (11, 18, "DH002")},
        id="container-from-matrix-object-no-spaces-in-braces",
    ),
    pytest.param(
        job(
            "    container: ardupilot/ardupilot-dev-${{ matrix.toolchain }}:v0.1.3",
            "    strategy:",
            "      matrix:",
            "        config: [",
            "            stm32f7,",
            "            fmuv2-plane,",
            "        ]",
            "        toolchain: [",
            "            chibios,",
            "            #chibios-clang,",
            "        ]",
            "        exclude:",
            "          - toolchain: chibios-clang",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(5, 16, "DH002")},
        id="image-assembled-mid-string-multiline-flow-sequence-trailing-comma",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        img: [",
            "          alpine:3.20,",
            "          # debian:12,",
            "          'node:20',",
            "        ]",
            "    container: ${{ matrix.img }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(8, 11, "DH001"), (10, 12, "DH001")},
        id="whole-image-from-multiline-flow-sequence",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        dbversion: ['mysql/mysql-server:latest', 'mysql:5.7']",
            "    services:",
            "      mysql:",
            "        image: ${{ matrix.dbversion }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(7, 22, "DH002"), (7, 51, "DH001")},
        id="service-image-from-flow-sequence-of-quoted-values",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        include:",
            "          - os: ubuntu",
            "            name: focal",
            "          - os: archlinux",
            "            name: latest",
            "    container:",
            "      image: ${{matrix.os}}:${{matrix.name}}",
            "      options: --privileged",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(8, 17, "DH001"), (10, 17, "DH001")},
        id="image-from-two-matrix-values-reported-at-the-name",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        packaging_docker_image: [oraclelinux-8, almalinux-9]",
            "        POSTGRES_VERSION: ${{ fromJson(needs.versions.outputs.pg) }}",
            "    container:",
            "      image: citus/packaging:${{ matrix.packaging_docker_image }}-pg${{ matrix.POSTGRES_VERSION }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(10, 14, "DH002")},
        id="known-repository-unknown-tag-from-fromjson-axis",
    ),
    pytest.param(
        job(
            "    container:",
            "      image: ${{ vars.build_image_name }}:${{ vars.pg15_version  }}${{ vars.image_suffix }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(6, 14, "DH003")},
        id="container-from-vars-is-unresolved",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        include:",
            "          - key: docker-root",
            "            container: '{\"image\": \"ghcr.io/homebrew/ubuntu22.04:master\"}'",
            "          - key: plain",
            "    container: ${{ matrix.container && fromJSON(matrix.container) || '' }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(11, 16, "DH003")},
        id="container-from-fromjson-of-matrix-string-is-unresolved",
    ),
    pytest.param(
        lines(
            "on:",
            "  workflow_call:",
            "    inputs:",
            "      build_container_image:",
            "        type: string",
            "        required: true",
            '        default: "jahia/cimg-mvn-cache:ga_cimg_openjdk_11"',
            "jobs:",
            "    build:",
            "        runs-on: ubuntu-latest",
            "        container:",
            "            image: ${{ inputs.build_container_image }}",
            "            credentials:",
            "                username: ${{ secrets.U }}",
            "        steps:",
            "            - run: true",
        ),
        "workflow",
        {(7, 19, "DH002")},
        id="container-from-workflow-call-input-default-4-space-jobs",
    ),
    pytest.param(
        lines(
            "env:",
            '  REPO_SLUG_ORIGIN: "moby/buildkit:master"',
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - uses: docker/setup-buildx-action@v1",
            "        with:",
            "          driver-opts: image=${{ env.REPO_SLUG_ORIGIN }}",
        ),
        "workflow",
        {(2, 22, "DH002")},
        id="buildx-driver-image-from-workflow-env",
    ),
    # --- digests ----------------------------------------------------------------------------
    pytest.param(
        job("    steps:", f"      - uses: docker://alpine@{DIGEST_A}"),
        "workflow",
        {(6, 24, "DH001")},
        id="digest-pinned-docker-uses",
    ),
    pytest.param(
        job(
            "    services:",
            "      mssql:",
            f"        image: 'mcmoe/mssqldocker@{DIGEST_B}'",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(7, 17, "DH002")},
        id="quoted-digest-pinned-service",
    ),
    pytest.param(
        lines("runs:", "  using: docker", f"  image: docker://danielflook/terraform-github-actions@{DIGEST_A}"),
        "action",
        {(3, 19, "DH002")},
        id="digest-pinned-action-image",
    ),
    # --- action metadata ------------------------------------------------------------------------
    pytest.param(
        lines("runs:", '  using: "docker"', '  image: "docker://snyk/snyk:docker"', "  args:", "    - --docker"),
        "action",
        {(3, 20, "DH002")},
        id="quoted-docker-action-image",
    ),
    pytest.param(
        lines("runs:", "  using: docker", "  image: Dockerfile"), "action", set(), id="action-image-dockerfile"
    ),
    pytest.param(
        lines("runs:", "  using: 'docker'", "  image: 'Dockerfile'"), "action", set(), id="action-quoted-dockerfile"
    ),
    pytest.param(
        lines("runs:", "  using: docker", "  image: ../image/Dockerfile", "  entrypoint: /entrypoints/plan.sh"),
        "action",
        set(),
        id="action-image-relative-dockerfile",
    ),
    pytest.param(
        lines(
            "inputs:",
            "  image:",
            "    description: 'Image'",
            "    required: true",
            "runs:",
            "  using: 'docker'",
            "  image: 'Dockerfile'",
        ),
        "action",
        set(),
        id="action-input-named-image-is-not-runs-image",
    ),
    pytest.param(
        lines(
            "---",
            "inputs:",
            "  image:",
            "    required: true",
            "runs:",
            "  using: composite",
            "  steps:",
            "    - uses: docker://wagoodman/dive:v0.11.0",
            "      with:",
            "        args: ${{ inputs.image }} --ci",
        ),
        "action",
        {(8, 22, "DH002")},
        id="docker-uses-inside-composite-action",
    ),
    # --- not pulls ------------------------------------------------------------------------------
    pytest.param(
        job(
            "    steps:",
            "      - run: |",
            "          if skopeo inspect docker://alpine:3.20; then echo yes; fi",
            "          skopeo copy docker://alpine:3.20 oci:x",
        ),
        "workflow",
        set(),
        id="skopeo-docker-transport-in-script-is-not-a-pull",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: redhat-actions/buildah-build@v2",
            "        with:",
            "          image: fedora-toolbox-36",
            "          containerfiles: ./Containerfile",
            "      - uses: jwalton/gh-ecr-push@v1",
            "        with:",
            "          local-image: cloudbeat:latest",
            "          image: cloudbeat:csp-latest",
            "      - uses: ./setup-qemu/",
            "        with:",
            "          image: tonistiigi/binfmt:latest",
            "      - uses: addnab/docker-run-action@v3",
            "        with:",
            "          image: node:20",
            "          run: npm test",
        ),
        "workflow",
        {(19, 18, "DH001")},
        id="image-inputs-of-other-actions-are-not-pulls",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - run: go test ./...",
            "        env:",
            '          TEST_SCYLLADB_IMAGE: "scylladb/scylla:6.2"',
            '          TEST_MEMCACHED_IMAGE: "public.ecr.aws/docker/library/memcached:latest"',
        ),
        "workflow",
        set(),
        id="testcontainers-images-in-env-are-not-pulls",
    ),
    pytest.param(
        job("    steps:", "      - run: sudo KIND_EXPERIMENTAL_PROVIDER=podman kind load docker-image busybox:2"),
        "workflow",
        set(),
        id="kind-load-docker-image-is-not-a-pull",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - run: docker build -t miden-node .",
            "      - run: docker run --name miden-node -p 57291:57291",
        ),
        "workflow",
        set(),
        id="docker-run-without-an-image-argument",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: docker/build-push-action@v4",
            "        with:",
            "          file: tests/Dockerfile",
            "          tags: rqtest-image:latest",
            "          push: false",
            "      - uses: addnab/docker-run-action@v3",
            "        with:",
            "          image: rqtest-image:latest",
            "          run: tox",
        ),
        "workflow",
        set(),
        id="build-push-not-pushed-then-docker-run-action-is-local",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: docker/build-push-action@v6",
            "        with:",
            "          load: true",
            "          tags: brew",
            "      - run: docker run --env HOMEBREW_X --rm brew brew test-bot",
            "      - run: |",
            "          podman build --target base --tag rpm -f tests/Dockerfile .",
            "          podman run -v $PWD:/srv:z --rm rpm sh -c \\",
            "            'make check'",
        ),
        "workflow",
        set(),
        id="loaded-and-podman-built-images-are-local",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - run: |",
            "          docker pull amazonlinux",
            "          docker tag amazonlinux $REG/$REPO:$TAG",
            "          docker push $REG/$REPO:$TAG",
        ),
        "workflow",
        {(7, 23, "DH001")},
        id="pull-tag-push",
    ),
    # --- scripts ----------------------------------------------------------------------------------
    pytest.param(
        job("    steps:", "      - run: podman run yuzutech/kroki:latest"),
        "workflow",
        {(6, 25, "DH002")},
        id="podman-run",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        driver: [docker-container]",
            "    steps:",
            "      - run: |",
            "          case ${{ matrix.driver }} in",
            "            docker-container)",
            "              docker run --rm --privileged tonistiigi/binfmt:latest --install all;",
            "              ;;",
            "          esac",
        ),
        "workflow",
        {(12, 44, "DH002")},
        id="docker-run-inside-case-on-matrix-value",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - run: >",
            '          docker run --rm aflplusplus:test-amd64 bash -c "',
            "          apt-get update\"",
            "      - run: >",
            "          docker run --rm node:20 bash -c \"",
            '          echo hi"',
        ),
        "workflow",
        {(7, 27, "DH002"), (10, 27, "DH001")},
        id="folded-run-script",
    ),
    pytest.param(
        job("    steps:", "      - run: docker run --rm", "          node:20 true"),
        "workflow",
        {(7, 11, "DH001")},
        id="multi-line-plain-scalar-run",
    ),
    pytest.param(
        job("    steps:", "      - run: docker pull ${{ steps.flags.outputs.from }}"),
        "workflow",
        {(6, 26, "DH003")},
        id="docker-pull-of-step-output-is-unresolved",
    ),
    pytest.param(
        job("    steps:", '      - run: docker pull "${{ steps.flags.outputs.from }}"'),
        "workflow",
        {(6, 27, "DH003")},
        id="quoted-unresolved-word-column-is-the-content",
    ),
    pytest.param(
        job("    steps:", '      - run: docker run "node:20" \'redis:7\' true'),
        "workflow",
        {(6, 26, "DH001")},
        id="quoted-literal-image-column-is-the-content",
    ),
    # --- services and hidden pulls ----------------------------------------------------------------
    pytest.param(
        job(
            "    services:",
            "      docker:",
            "        image: docker:dind",
            "        options: >-",
            "          --privileged",
            '          --health-cmd "docker info"',
            "    steps:",
            "      - run: docker --context mycontext info",
        ),
        "workflow",
        {(7, 16, "DH001")},
        id="dind-service",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: docker/setup-qemu-action@v3",
            "      - uses: docker/setup-buildx-action@v3",
            "        with:",
            "          driver-opts: network=host",
        ),
        "workflow",
        {(6, 15, "DH004"), (7, 15, "DH004")},
        id="setup-qemu-and-buildx-defaults",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: docker/setup-buildx-action@v3",
            "        with:",
            "          driver: docker",
            "      - uses: docker/setup-qemu-action@v3",
            "        with:",
            "          image: tonistiigi/binfmt:qemu-v8.1.5",
        ),
        "workflow",
        {(11, 18, "DH002")},
        id="buildx-docker-driver-and-qemu-image-input",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        driver-opts:",
            "          - image=moby/buildkit:latest",
            "          - |",
            "            image=moby/buildkit:master",
            "            network=host",
            "    steps:",
            "      - uses: docker/setup-buildx-action@v3",
            "        with:",
            "          driver: docker-container",
            "          driver-opts: ${{ matrix.driver-opts }}",
        ),
        "workflow",
        {(8, 19, "DH002"), (10, 19, "DH002")},
        id="buildx-driver-opts-from-matrix",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: ./",
            "        with:",
            "          driver-opts: image=moby/buildkit:latest",
        ),
        "workflow",
        set(),
        id="local-action-inputs-are-not-read",
    ),
    # --- DH005 --------------------------------------------------------------------------------------
    pytest.param(
        job(
            "    steps:",
            "      - run: aws ecr-public get-login-password --region us-east-1 | "
            "docker login --username AWS --password-stdin public.ecr.aws",
            "      - run: docker pull public.ecr.aws/docker/library/alpine:3.20",
        ),
        "workflow",
        set(),
        id="ecr-public-cli-login-covers-later-pull",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - run: docker pull public.ecr.aws/docker/library/alpine:3.20",
        ),
        "workflow",
        {(6, 26, "DH005")},
        id="ecr-public-pull-without-login",
    ),
    pytest.param(
        job(
            "    steps:",
            "      - uses: docker/login-action@v3",
            "        with:",
            "          registry: public.ecr.aws",
            "      - run: docker pull public.ecr.aws/docker/library/alpine:3.20",
        ),
        "workflow",
        set(),
        id="login-action-literal-registry-covers-pull",
    ),
    pytest.param(
        job(
            "    env:",
            "      CONTAINER_REGISTRY: public.ecr.aws",
            "    steps:",
            "      - uses: docker/login-action@v3",
            "        with:",
            "          registry: ${{ env.CONTAINER_REGISTRY }}",
            "      - run: docker pull public.ecr.aws/docker/library/alpine:3.20",
        ),
        "workflow",
        set(),
        id="login-action-registry-from-job-env-covers-pull",
    ),
    pytest.param(
        job(
            "    env:",
            "      TYPE: public",
            "    steps:",
            "      - uses: aws-actions/amazon-ecr-login@v2",
            "        with:",
            "          registry-type: ${{ env.TYPE }}",
            "      - run: docker pull public.ecr.aws/docker/library/alpine:3.20",
        ),
        "workflow",
        set(),
        id="ecr-login-registry-type-from-env-covers-pull",
    ),
    pytest.param(
        job("    steps:", "      - run: docker build -t public.ecr.aws/me/app ."),
        "workflow",
        set(),
        id="build-tagged-for-ecr-public-does-not-pull-from-it",
    ),
]


@pytest.mark.parametrize(("text", "kind", "expected"), PROBLEM_CASES)
def test_realworld_problems(text, kind, expected):
    assert problems(text, kind) == expected


# --------------------------------------------------------------------------------------------
# (text, kind, exact set of (line, column, code, image)) where the image matters
# --------------------------------------------------------------------------------------------

IMAGE_CASES = [
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        postgres: [14-alpine, 15-alpine]",
            "    services:",
            "      postgres:",
            "        image: postgres:${{ matrix.postgres}}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(10, 16, "DH001", "postgres:14-alpine"), (10, 16, "DH001", "postgres:15-alpine")},
        id="service-tag-from-matrix-no-space-before-braces",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        python-version: ['3.9', '3.13']",
            "    container:",
            '      image: "docker.io/library/python:${{ matrix.python-version }}-bookworm"',
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {
            (9, 15, "DH001", "docker.io/library/python:3.9-bookworm"),
            (9, 15, "DH001", "docker.io/library/python:3.13-bookworm"),
        },
        id="quoted-docker-io-library-container-with-matrix-tag",
    ),
    pytest.param(
        job(
            "    container: ardupilot/ardupilot-dev-${{ matrix.toolchain }}:v0.1.3",
            "    strategy:",
            "      matrix:",
            "        toolchain: [",
            "            chibios,",
            "            #chibios-clang,",
            "        ]",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(5, 16, "DH002", "ardupilot/ardupilot-dev-chibios:v0.1.3")},
        id="mid-string-matrix-value-commented-out-entry-skipped",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        swiftver:",
            "          - swift:5.2",
            "        swiftos:",
            "          - focal",
            "          - amazonlinux2",
            "    container: ${{ format('{0}-{1}', matrix.swiftver, matrix.swiftos) }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        {(8, 13, "DH001", "swift:5.2-focal"), (8, 13, "DH001", "swift:5.2-amazonlinux2")},
        id="container-from-format-of-matrix-values",
    ),
]


@pytest.mark.parametrize(("text", "kind", "expected"), IMAGE_CASES)
def test_realworld_images(text, kind, expected):
    assert {(f.line, f.column, f.code, f.image) for f in findings(text, kind)} == expected


def test_findings_on_one_matrix_value_share_its_span():
    text = IMAGE_CASES[3].values[0]
    spans = {(f.line, f.column, f.end_line, f.end_column) for f in findings(text, "workflow")}
    assert spans == {(8, 13, 8, 22)}


def test_service_phase_is_named_in_the_message():
    text = job("    services:", "      r:", "        image: redis:7", "    steps:", "      - run: true")
    (finding,) = findings(text, "workflow")
    assert finding.note.startswith("pulled while the job is set up, before any step")


def test_script_pull_is_not_said_to_be_at_job_setup():
    text = job("    steps:", "      - run: docker run --rm redis:7")
    (finding,) = findings(text, "workflow")
    assert finding.code == "DH001"
    assert finding.note.startswith("pulled by this step")


def test_not_a_mapping_document_is_silent():
    text = "# Let assume we have all other envvars set\n#\n\n# Make\n"
    assert problems(text, "workflow") == set()


def test_invalid_yaml_is_one_parse_error():
    text = "runs:\n  using: 'docker'\n  image: 'docker://x/y:1'\n  args:\n    - a\n   - b\n"
    assert {code for _, _, code in problems(text, "action")} == {"DH900"}


# --------------------------------------------------------------------------------------------
# fixes: (text, kind, exact fixed text)
# --------------------------------------------------------------------------------------------

M = "public.ecr.aws/docker/library/"

FIX_CASES = [
    pytest.param(
        lines(
            "    on: push",
            "    jobs:",
            "        a:",
            "            runs-on: ubuntu-latest",
            "            container: node:20",
            "            steps:",
            "                - run: docker pull redis:7",
        ),
        "workflow",
        lines(
            "    on: push",
            "    jobs:",
            "        a:",
            "            runs-on: ubuntu-latest",
            f"            container: {M}node:20",
            "            steps:",
            f"                - run: docker pull {M}redis:7",
        ),
        id="whole-document-indented-4-spaces",
    ),
    pytest.param(
        job("    steps:", "      - run : docker run --rm alpine:3.20 true"),
        "workflow",
        job("    steps:", f"      - run : docker run --rm {M}alpine:3.20 true"),
        id="run-key-with-space-before-colon",
    ),
    pytest.param(
        job(
            "    services:",
            "      mssql:",
            f"        image: 'postgres@{DIGEST_B}'",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    services:",
            "      mssql:",
            f"        image: '{M}postgres@{DIGEST_B}'",
            "    steps:",
            "      - run: true",
        ),
        id="quoted-digest-service-keeps-quotes-and-digest",
    ),
    pytest.param(
        job("    steps:", f"      - uses: docker://alpine@{DIGEST_A}"),
        "workflow",
        job("    steps:", f"      - uses: docker://{M}alpine@{DIGEST_A}"),
        id="digest-pinned-docker-uses",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        dbversion: ['mysql/mysql-server:latest', 'mysql:5.7']",
            "    services:",
            "      mysql:",
            "        image: ${{ matrix.dbversion }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            f"        dbversion: ['mysql/mysql-server:latest', '{M}mysql:5.7']",
            "    services:",
            "      mysql:",
            "        image: ${{ matrix.dbversion }}",
            "    steps:",
            "      - run: true",
        ),
        id="flow-sequence-matrix-value",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        img: [",
            "          alpine:3.20,",
            "          # debian:12,",
            "          'node:20',",
            "        ]",
            "    container: ${{ matrix.img }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        img: [",
            f"          {M}alpine:3.20,",
            "          # debian:12,",
            f"          '{M}node:20',",
            "        ]",
            "    container: ${{ matrix.img }}",
            "    steps:",
            "      - run: true",
        ),
        id="multiline-flow-sequence-with-trailing-comma",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        vector:",
            "        - jobname: linux-musl",
            "          image: alpine",
            "        - jobname: linux32",
            "          image: daald/ubuntu32:xenial",
            "    container: ${{matrix.vector.image}}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        vector:",
            "        - jobname: linux-musl",
            f"          image: {M}alpine",
            "        - jobname: linux32",
            "          image: daald/ubuntu32:xenial",
            "    container: ${{matrix.vector.image}}",
            "    steps:",
            "      - run: true",
        ),
        id="matrix-object-image",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        postgres: [14-alpine, 15-alpine]",
            "    services:",
            "      postgres:",
            "        image: postgres:${{ matrix.postgres}}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        postgres: [14-alpine, 15-alpine]",
            "    services:",
            "      postgres:",
            f"        image: {M}postgres:${{{{ matrix.postgres}}}}",
            "    steps:",
            "      - run: true",
        ),
        id="literal-name-before-matrix-tag",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        python-version: ['3.9']",
            "    container:",
            '      image: "docker.io/library/python:${{ matrix.python-version }}-bookworm"',
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        python-version: ['3.9']",
            "    container:",
            f'      image: "{M}python:${{{{ matrix.python-version }}}}-bookworm"',
            "    steps:",
            "      - run: true",
        ),
        id="docker-io-library-prefix-replaced",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        swiftver:",
            "          - swift:5.2",
            "        swiftos:",
            "          - focal",
            "    container: ${{ format('{0}-{1}', matrix.swiftver, matrix.swiftos) }}",
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        swiftver:",
            f"          - {M}swift:5.2",
            "        swiftos:",
            "          - focal",
            "    container: ${{ format('{0}-{1}', matrix.swiftver, matrix.swiftos) }}",
            "    steps:",
            "      - run: true",
        ),
        id="format-argument-from-matrix",
    ),
    pytest.param(
        lines(
            "runs:",
            "  using: composite",
            "  steps:",
            "    - shell: bash",
            "      run: |",
            "        sudo tee /etc/x.conf > /dev/null <<- EOF",
            "        \tg\tportage\t250",
            "        EOF",
            "        docker run --rm node:20 true",
        ),
        "action",
        lines(
            "runs:",
            "  using: composite",
            "  steps:",
            "    - shell: bash",
            "      run: |",
            "        sudo tee /etc/x.conf > /dev/null <<- EOF",
            "        \tg\tportage\t250",
            "        EOF",
            f"        docker run --rm {M}node:20 true",
        ),
        id="tabs-in-heredoc-untouched",
    ),
    pytest.param(
        job(
            "    services:",
            "      redis:",
            "        image: redis",
            "        options: >- # wait until redis has started",
            '          --health-cmd "redis-cli ping"',
            "    steps:",
            "      - run: true",
        ),
        "workflow",
        job(
            "    services:",
            "      redis:",
            f"        image: {M}redis",
            "        options: >- # wait until redis has started",
            '          --health-cmd "redis-cli ping"',
            "    steps:",
            "      - run: true",
        ),
        id="folded-options-with-comment",
    ),
    pytest.param(
        job("    steps:", "      - run: docker run --rm", "          node:20 true"),
        "workflow",
        job("    steps:", "      - run: docker run --rm", f"          {M}node:20 true"),
        id="multi-line-plain-scalar-run",
    ),
    pytest.param(
        job('    container: "fedora:38"', "    steps:", "      - run: true").rstrip("\n"),
        "workflow",
        job(f'    container: "{M}fedora:38"', "    steps:", "      - run: true").rstrip("\n"),
        id="no-final-newline",
    ),
    pytest.param(
        job(
            "    strategy:",
            "      matrix:",
            "        include:",
            "          - os: ubuntu",
            "            tag: jammy",
            "    container:",
            "      image: ${{ matrix.os }}:${{ matrix.tag }}",
            "    steps:",
            "      - if: matrix.os == 'ubuntu'",
            "        run: apt-get update",
        ),
        "workflow",
        job(
            "    strategy:",
            "      matrix:",
            "        include:",
            "          - os: ubuntu",
            "            tag: jammy",
            "    container:",
            "      image: ${{ matrix.os }}:${{ matrix.tag }}",
            "    steps:",
            "      - if: matrix.os == 'ubuntu'",
            "        run: apt-get update",
        ),
        id="matrix-value-also-read-by-if-is-not-safely-rewritten",
    ),
]


@pytest.mark.parametrize(("text", "kind", "expected"), FIX_CASES)
def test_realworld_fixes(text, kind, expected):
    assert fixed(text, kind) == expected


@pytest.mark.parametrize(("text", "kind", "expected"), [pytest.param(*case.values, id=case.id) for case in FIX_CASES])
def test_realworld_fixes_are_stable_and_still_yaml(text, kind, expected):
    once = fixed(text, kind)
    assert fixed(once, kind) == once
    assert yaml.safe_load(once) is not None


def test_fix_of_an_image_that_left_the_official_images_is_unsafe():
    text = job('    container: "centos:7"', "    steps:", "      - run: true")
    assert fixed(text, "workflow") == text
    assert fixed(text, "workflow", unsafe=True) == text.replace('"centos:7"', f'"{M}centos:7"')
