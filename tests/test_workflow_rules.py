"""The two workflow-only rules (DH004 hidden pulls, DH005 unauthenticated ECR Public pulls), the
timing notes of DH001/DH002 in workflows, and the fix properties over workflow texts.

Texts are built with `steps(body)`: job `a`'s steps, where body line k is file line 4 + k and
every column is 6 further right (`      - uses: ` is 14 characters, so a `uses:` value starts in
column 15; `      - run: ` is 13, so a one-line script starts in column 14).
"""

from __future__ import annotations

import textwrap
from textwrap import dedent

import pytest
from helpers import findings, fixed, make_config, problems
from hypothesis import given
from hypothesis import strategies as st
from test_workflow_sites import FIX_CASES

W, A = "workflow", "action"
MIRROR = "public.ecr.aws/docker/library/"
ECR = "public.ecr.aws/docker/library/node:20"
H1, H2, H3, H4, H5 = "DH001", "DH002", "DH003", "DH004", "DH005"
BUILDX = "docker/setup-buildx-action@v3"
QEMU = "docker/setup-qemu-action@v3"
BUILDKIT_MAP = make_config(mirror={"map": {"moby/buildkit": "ecr.example/hub/{path}"}})


def engine_bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"engine bug: {reason}")


def steps(body: str, head: str = "") -> str:
    """Job `a`'s steps; body line k is file line 4 + k (+ the lines of `head`), 6 columns right."""
    return "on: push\njobs:\n  a:\n" + head + "    steps:\n" + textwrap.indent(dedent(body), "      ")


def coded(text: str, code: str, kind: str = W, **options: object) -> list:
    return [f for f in findings(text, kind, **options) if f.code == code]


# --------------------------------------------------------------------------------------------
# DH004 hidden-docker-hub-pull
# --------------------------------------------------------------------------------------------

DH004_CASES = [
    pytest.param(steps(f"- uses: {BUILDX}\n"), {}, {(5, 15, H4)}, id="buildx-default-driver"),
    pytest.param(steps(f"- name: buildx\n  uses: {BUILDX}\n"), {}, {(6, 15, H4)}, id="buildx-after-name"),
    pytest.param(steps("- uses: Docker/Setup-Buildx-Action@v3\n"), {}, {(5, 15, H4)}, id="buildx-any-case"),
    pytest.param(steps("- uses: docker/setup-buildx-action@master\n"), {}, {(5, 15, H4)}, id="buildx-any-ref"),
    pytest.param(steps(f"- uses: '{BUILDX}'\n"), {}, {(5, 15, H4)}, id="buildx-quoted-span-includes-quotes"),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver: docker-container\n"),
        {},
        {(5, 15, H4)},
        id="buildx-docker-container",
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver: kubernetes\n"), {}, {(5, 15, H4)}, id="buildx-kubernetes"
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: network=host\n"),
        {},
        {(5, 15, H4)},
        id="buildx-opts-no-image",
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    install: true\n    platforms: linux/amd64,linux/arm64\n"),
        {},
        {(5, 15, H4)},
        id="buildx-other-inputs",
    ),
    pytest.param(steps(f"- uses: {BUILDX}\n  with:\n    driver: docker\n"), {}, set(), id="buildx-driver-docker"),
    pytest.param(steps(f"- uses: {BUILDX}\n  with:\n    driver: remote\n"), {}, set(), id="buildx-driver-remote"),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: image=moby/buildkit:v0.16\n"),
        {},
        {(7, 30, H2)},
        id="buildx-image-set-checked-like-any-image",
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: |\n      image=moby/buildkit:v0.16\n      network=host\n"),
        {},
        {(8, 19, H2)},
        id="buildx-image-set-in-a-block",
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: image=${{{{ secrets.BUILDKIT }}}}\n"),
        {},
        {(7, 30, H3)},
        id="buildx-image-unknown",
    ),
    pytest.param(
        steps(f"- uses: {QEMU}\n  with:\n    image: ${{{{ secrets.BINFMT }}}}\n"),
        {},
        {(7, 18, H3)},
        id="qemu-image-unknown",
    ),
    pytest.param(steps(f"- uses: {QEMU}\n"), {}, {(5, 15, H4)}, id="qemu-default-image"),
    pytest.param(
        steps(f"- uses: {QEMU}\n  with:\n    platforms: arm64\n"), {}, {(5, 15, H4)}, id="qemu-platforms-only"
    ),
    pytest.param(
        steps(f"- uses: {QEMU}\n  with:\n    image: tonistiigi/binfmt:qemu-v8\n"),
        {},
        {(7, 18, H2)},
        id="qemu-image-set",
    ),
    pytest.param(steps(f"- uses: {BUILDX}\n- uses: {QEMU}\n"), {}, {(5, 15, H4), (6, 15, H4)}, id="buildx-and-qemu"),
    pytest.param(
        "runs:\n  using: composite\n  steps:\n    - uses: docker/setup-buildx-action@v3\n",
        {},
        {(4, 13, H4)},
        id="composite-action",
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n", "    strategy:\n      matrix:\n        node: [18, 20, 22]\n"),
        {},
        {(8, 15, H4)},
        id="matrix-one-finding",
    ),
    pytest.param(
        steps(
            f"- uses: {BUILDX}\n  with:\n    driver: ${{{{ matrix.driver }}}}\n",
            "    strategy:\n      matrix:\n        driver: [docker, docker-container]\n",
        ),
        {},
        {(8, 15, H4)},
        id="matrix-driver-second-combination",
    ),
    # configuration
    pytest.param(
        steps(f"- uses: {BUILDX}\n"), {"config": make_config(allow=["moby/buildkit"])}, set(), id="allow-buildkit"
    ),
    pytest.param(
        steps(f"- uses: {BUILDX}\n- uses: {QEMU}\n"),
        {"config": make_config(allow=["tonistiigi/*"])},
        {(5, 15, H4)},
        id="allow-binfmt-only",
    ),
    pytest.param(steps(f"- uses: {BUILDX}\n"), {"config": make_config(ignore=["DH004"])}, set(), id="rule-ignored"),
    pytest.param(
        steps(f"# dehub ignore=DH004 the runner has it cached\n- uses: {BUILDX}\n- uses: {QEMU}\n"),
        {},
        {(7, 15, H4)},
        id="suppressed-on-the-line-before",
    ),
    pytest.param(
        steps(f"- uses: {QEMU}\n- run: true\n# dehub ignore=DH004 the runner has it cached\n- uses: {BUILDX}\n"),
        {},
        {(5, 15, H4)},
        id="suppressed-last-step",
    ),
]


@pytest.mark.parametrize(("text", "options", "expected"), DH004_CASES)
def test_dh004(text, options, expected):
    assert problems(text, A if text.startswith("runs:") else W, **options) == expected


def test_dh004_finding_spans_the_uses_value():
    (finding,) = findings(steps(f"- uses: {BUILDX}\n"), W)
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (5, 15, 5, 44)
    assert (finding.code, finding.severity, finding.site, finding.fix) == (
        H4,
        "warning",
        "docker/setup-buildx-action",
        None,
    )
    assert finding.image == "moby/buildkit:buildx-stable-1"
    assert finding.canonical == "docker.io/moby/buildkit:buildx-stable-1"


def test_dh004_message_without_a_mirror():
    (finding,) = findings(steps(f"- uses: {BUILDX}\n"), W)
    assert finding.message == (
        "`docker/setup-buildx-action` pulls `moby/buildkit:buildx-stable-1` from Docker Hub; no public mirror of "
        "it is known: copy it to a registry you control, map it under `mirror.map` for the exact value, and set "
        "`driver-opts: image=<a copy of moby/buildkit>`"
    )


def test_dh004_message_names_the_mapped_value():
    (finding,) = findings(steps(f"- uses: {BUILDX}\n"), W, config=BUILDKIT_MAP)
    assert finding.message == (
        "`docker/setup-buildx-action` pulls `moby/buildkit:buildx-stable-1` from Docker Hub; "
        "set `driver-opts: image=ecr.example/hub/moby/buildkit:buildx-stable-1`"
    )


def test_dh004_qemu_message_names_the_mapped_value():
    config = make_config(mirror={"map": {"tonistiigi/*": "123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/{path}"}})
    (finding,) = findings(steps(f"- uses: {QEMU}\n"), W, config=config)
    assert finding.message == (
        "`docker/setup-qemu-action` pulls `docker.io/tonistiigi/binfmt:latest` from Docker Hub; "
        "set `image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/tonistiigi/binfmt:latest`"
    )


def test_dh004_has_no_fix():
    text = steps(f"- uses: {BUILDX}\n")
    assert fixed(text, W, config=BUILDKIT_MAP) == text


def test_driver_opts_image_with_the_mapped_value_is_fixed_not_dh004():
    text = steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: image=moby/buildkit:v0.16,network=host\n")
    assert problems(text, W, config=BUILDKIT_MAP) == {(7, 30, H1)}
    assert fixed(text, W, config=BUILDKIT_MAP) == steps(
        f"- uses: {BUILDX}\n  with:\n    driver-opts: image=ecr.example/hub/moby/buildkit:v0.16,network=host\n"
    )


# --------------------------------------------------------------------------------------------
# DH005 ecr-public-unauthenticated
# --------------------------------------------------------------------------------------------

ECR_LOGIN = "- uses: aws-actions/amazon-ecr-login@v2\n  with:\n    registry-type: public\n"

DH005_CASES = [
    # "      - run: docker pull " is 25 characters
    pytest.param(steps(f"- run: docker pull {ECR}\n"), {(5, 26, H5)}, id="run-pull"),
    pytest.param(steps(f"- run: docker run --rm {ECR} npm test\n"), {(5, 30, H5)}, id="run-run"),
    pytest.param(
        steps(f"- uses: actions/checkout@v4\n- run: |\n    npm ci\n    docker pull {ECR}\n    docker run {ECR}\n"),
        {(8, 23, H5)},
        id="one-finding-per-job-at-the-first-pull",
    ),
    pytest.param(
        f"on: push\njobs:\n  a:\n    steps:\n      - run: docker pull {ECR}\n  b:\n    steps:\n"
        f"      - run: docker pull {ECR}\n",
        {(5, 26, H5), (8, 26, H5)},
        id="one-finding-per-job",
    ),
    pytest.param(
        steps(f"- uses: {QEMU}\n  with:\n    image: public.ecr.aws/acme/binfmt:1\n"), {(7, 18, H5)}, id="qemu"
    ),
    # logins that cover the pull
    pytest.param(steps(ECR_LOGIN + f"- run: docker pull {ECR}\n"), set(), id="amazon-ecr-login-public"),
    pytest.param(
        steps(
            "- uses: aws-actions/amazon-ecr-login@v2\n  with: {registry-type: Public}\n" + f"- run: docker pull {ECR}\n"
        ),
        set(),
        id="amazon-ecr-login-public-flow-any-case",
    ),
    pytest.param(
        steps(
            "- uses: docker/login-action@v3\n  with:\n    registry: public.ecr.aws\n" + f"- run: docker pull {ECR}\n"
        ),
        set(),
        id="docker-login-action",
    ),
    pytest.param(
        steps(
            "- run: aws ecr-public get-login-password --region us-east-1 | docker login --username AWS "
            "--password-stdin public.ecr.aws\n" + f"- run: docker pull {ECR}\n"
        ),
        set(),
        id="docker-login-in-an-earlier-step",
    ),
    pytest.param(
        steps(
            "- run: |\n    aws ecr-public get-login-password --region us-east-1 \\\n"
            "      | docker login --username AWS --password-stdin public.ecr.aws\n"
            f"    docker pull {ECR}\n"
        ),
        set(),
        id="docker-login-on-an-earlier-script-line",
    ),
    # logins that do not
    pytest.param(steps(f"- run: docker pull {ECR}\n" + ECR_LOGIN), {(5, 26, H5)}, id="login-after-the-pull"),
    pytest.param(
        steps(f"- run: |\n    docker pull {ECR}\n    docker login -u AWS --password-stdin public.ecr.aws\n"),
        {(6, 23, H5)},
        id="login-later-in-the-same-script",
    ),
    pytest.param(
        steps("- uses: aws-actions/amazon-ecr-login@v2\n" + f"- run: docker pull {ECR}\n"),
        {(6, 26, H5)},
        id="amazon-ecr-login-private",
    ),
    pytest.param(
        steps("- uses: docker/login-action@v3\n  with:\n    username: u\n" + f"- run: docker pull {ECR}\n"),
        {(8, 26, H5)},
        id="docker-login-action-docker-hub",
    ),
    pytest.param(
        steps("- run: docker login -u u -p p\n" + f"- run: docker pull {ECR}\n"), {(6, 26, H5)}, id="docker-login-hub"
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    steps:\n      - uses: aws-actions/amazon-ecr-login@v2\n        with:\n"
        f"          registry-type: public\n  b:\n    steps:\n      - run: docker pull {ECR}\n",
        {(10, 26, H5)},
        id="login-in-another-job",
    ),
    pytest.param(
        "on: push\njobs:\n  a:\n    steps:\n      - &login\n        uses: aws-actions/amazon-ecr-login@v2\n"
        "        with:\n          registry-type: public\n  b:\n    steps:\n"
        "      - uses: docker/setup-qemu-action@v3\n        with:\n          image: public.ecr.aws/acme/binfmt:1\n"
        "      - *login\n",
        {(13, 18, H5)},
        id="login-reused-through-an-alias-after-the-pull",
    ),
    # builds
    pytest.param(
        steps(
            "- uses: docker/build-push-action@v6\n  with:\n    build-args: |\n"
            "      BASE=public.ecr.aws/docker/library/node:20\n"
        ),
        {(5, 15, H5)},
        id="build-push-action-naming-ecr-public",
    ),
    pytest.param(
        steps(ECR_LOGIN + "- uses: docker/build-push-action@v6\n  with:\n    build-args: BASE=public.ecr.aws/x/y:1\n"),
        set(),
        id="build-push-action-after-login",
    ),
    pytest.param(
        steps("- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/app:1\n"),
        set(),
        id="build-push-action-not-naming-ecr-public",
    ),
    pytest.param(
        steps(f"- run: docker build --build-arg BASE={ECR} -t app .\n"),
        {(5, 14, H5)},
        id="docker-build-naming-ecr-public",
    ),
    # set-up pulls are not DH005's business
    pytest.param(
        "on: push\njobs:\n  a:\n    container: public.ecr.aws/docker/library/node:20\n    services:\n      db:\n"
        "        image: public.ecr.aws/docker/library/postgres:16\n    steps:\n"
        "      - uses: docker://public.ecr.aws/docker/library/alpine:3.20\n      - run: npm test\n",
        set(),
        id="container-services-docker-uses-only",
    ),
    pytest.param(
        "runs:\n  using: docker\n  image: docker://public.ecr.aws/docker/library/alpine:3.20\n",
        set(),
        id="docker-action",
    ),
    pytest.param(steps("- run: docker pull ghcr.io/acme/app:1\n"), set(), id="other-registry"),
]


@pytest.mark.parametrize(("text", "expected"), DH005_CASES)
def test_dh005(text, expected):
    kind = A if text.startswith("runs:") else W
    assert problems(text, kind) == expected


def test_dh005_can_be_turned_off():
    assert problems(steps(f"- run: docker pull {ECR}\n"), W, config=make_config(ignore=["DH005"])) == set()


def test_dh005_is_info_and_does_not_fail_a_run():
    (finding,) = findings(steps(f"- run: docker pull {ECR}\n"), W)
    assert (finding.code, finding.severity, finding.site, finding.fix) == (H5, "info", "ecr-public-login", None)
    assert (finding.end_line, finding.end_column) == (5, 26 + len(ECR))


def test_dh005_message():
    (finding,) = findings(steps(f"- run: docker pull {ECR}\n- run: docker run {ECR}\n"), W)
    assert finding.message == (
        f"job `a` pulls `{ECR}` from ECR Public without logging in first, so it gets the anonymous limits "
        "(`dehub explain limits`); add `aws-actions/amazon-ecr-login` with "
        "`registry-type: public` (or `aws ecr-public get-login-password --region us-east-1 | docker login "
        "--username AWS --password-stdin public.ecr.aws`) before it; `dehub explain DH005` shows the IAM policy "
        "and OIDC role; 1 more pull(s) in this job are not covered either"
    )


def test_dh005_message_mentions_set_up_pulls():
    text = (
        "on: push\njobs:\n  a:\n    container: public.ecr.aws/docker/library/node:20\n    steps:\n"
        "      - run: docker pull public.ecr.aws/docker/library/python:3.12\n"
    )
    (finding,) = coded(text, H5)
    assert (finding.line, finding.column) == (6, 26)
    assert finding.message.endswith(
        "; its container, services and docker:// steps are pulled before any step, so a login step cannot cover them"
    )


def test_dh005_message_without_set_up_pulls_does_not_mention_them():
    (finding,) = coded(steps(f"- run: docker pull {ECR}\n"), H5)
    assert "before any step" not in finding.message


def test_dh005_in_a_composite_action_says_this_action():
    text = f"runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: docker pull {ECR}\n"
    (finding,) = coded(text, H5, A)
    assert (finding.line, finding.column) == (5, 24)
    assert finding.message.startswith(f"this action pulls `{ECR}` from ECR Public without logging in first")


def test_dh005_in_a_workflow_job_named_runs_names_the_job():
    text = f"on: push\njobs:\n  runs:\n    steps:\n      - run: docker pull {ECR}\n"
    (finding,) = coded(text, H5)
    assert finding.message.startswith(f"job `runs` pulls `{ECR}` from ECR Public without logging in first")


def test_dh005_build_message():
    text = steps("- uses: docker/build-push-action@v6\n  with:\n    build-args: BASE=public.ecr.aws/x/y:1\n")
    (finding,) = coded(text, H5)
    assert finding.message.startswith("job `a` runs an image build that pulls from ECR Public")


def test_dh005_severity_can_be_raised():
    (finding,) = findings(steps(f"- run: docker pull {ECR}\n"), W, config=make_config(severity={"DH005": "warning"}))
    assert finding.severity == "warning"


# --------------------------------------------------------------------------------------------
# DH001 / DH002 say when the image is pulled
# --------------------------------------------------------------------------------------------

SETUP_NOTE = (
    "pulled while the job is set up, before any step, so a login step cannot cover it "
    "(only the mirror, or `credentials:` on the container or service, can)"
)
ACTION_SETUP_NOTE = (
    "pulled while the job prepares its actions, before any step, so a login step cannot cover it "
    "(only the mirror can)"
)
STEP_NOTE = "pulled by this step (a Docker Hub login in an earlier step would also lift the anonymous limit)"

TIMING_CASES = [
    pytest.param("on: push\njobs:\n  a:\n    container: node:20\n", W, H1, SETUP_NOTE, id="container"),
    pytest.param(
        "on: push\njobs:\n  a:\n    services:\n      db:\n        image: myorg/db:1\n", W, H2, SETUP_NOTE, id="service"
    ),
    pytest.param(steps("- uses: docker://alpine:3.20\n"), W, H1, ACTION_SETUP_NOTE, id="docker-uses"),
    pytest.param(
        "runs:\n  using: docker\n  image: docker://alpine:3.20\n", A, H1, ACTION_SETUP_NOTE, id="docker-action"
    ),
    pytest.param(steps("- run: docker run --rm node:20\n"), W, H1, STEP_NOTE, id="run"),
    pytest.param(steps("- run: docker pull myorg/app:1\n"), W, H2, STEP_NOTE, id="run-no-mirror"),
    pytest.param(
        steps(f"- uses: {BUILDX}\n  with:\n    driver-opts: image=node:20\n"), W, H1, STEP_NOTE, id="buildx-image"
    ),
    pytest.param(steps(f"- uses: {QEMU}\n  with:\n    image: alpine:3.20\n"), W, H1, STEP_NOTE, id="qemu-image"),
]


@pytest.mark.parametrize(("text", "kind", "code", "note"), TIMING_CASES)
def test_note_says_when_the_image_is_pulled(text, kind, code, note):
    (finding,) = findings(text, kind)
    assert finding.code == code
    assert finding.note == note
    assert "pulled while" not in finding.message and "pulled by" not in finding.message


def test_container_message_and_note_exact():
    (finding,) = findings("on: push\njobs:\n  a:\n    container: node:20\n", W)
    assert finding.message == f"`node:20` is pulled from Docker Hub; use `{MIRROR}node:20`"
    assert finding.note == SETUP_NOTE
    assert finding.full_message == f"`node:20` is pulled from Docker Hub; use `{MIRROR}node:20`; " + SETUP_NOTE


def test_run_message_and_note_exact():
    (finding,) = findings(steps("- run: docker pull node:20\n"), W)
    assert finding.message == f"`node:20` is pulled from Docker Hub; use `{MIRROR}node:20`"
    assert finding.note == STEP_NOTE


def test_unsafe_fix_reason_stays_in_the_message_before_the_note():
    text = "on: push\njobs:\n  a:\n    container: centos:7\n"
    (finding,) = findings(text, W)
    assert finding.message.endswith("old tags are mirrored, but check that yours is)")
    assert finding.full_message.endswith("check that yours is); " + SETUP_NOTE)


def test_timing_notes_never_appear_in_dockerfiles():
    (finding,) = findings("FROM node:20\n", "dockerfile")
    assert finding.message == f"`node:20` is pulled from Docker Hub; use `{MIRROR}node:20`"
    assert finding.note is None


def test_sites_in_findings():
    text = (
        "on: push\njobs:\n  a:\n    container: node:20\n    services:\n      db: {image: postgres:16}\n    steps:\n"
        "      - uses: docker://alpine:3.20\n      - run: docker pull busybox:1.36\n"
        f"      - uses: {QEMU}\n        with:\n          image: python:3.12\n"
        f"      - uses: {BUILDX}\n        with:\n          driver-opts: image=golang:1.22\n"
    )
    assert [(f.line, f.site) for f in findings(text, W)] == [
        (4, "gha-container"),
        (6, "gha-service"),
        (8, "gha-docker-uses"),
        (9, "gha-run"),
        (12, "qemu-image"),
        (15, "buildx-driver-image"),
    ]
    assert {f.kind for f in findings(text, W)} == {W}


# --------------------------------------------------------------------------------------------
# Fix properties
# --------------------------------------------------------------------------------------------

PROPERTY_CASES = [pytest.param(p.values[0], p.values[2], p.values[3], id=p.id) for p in FIX_CASES]


@pytest.mark.parametrize(("text", "kind", "options"), PROPERTY_CASES)
def test_fixing_twice_is_fixing_once(text, kind, options):
    once = fixed(text, kind, **options)
    assert fixed(once, kind, **options) == once


@pytest.mark.parametrize(("text", "kind", "options"), PROPERTY_CASES)
def test_no_fixable_dh001_is_left(text, kind, options):
    before = findings(text, kind, **options)
    once = fixed(text, kind, **options)
    if any(f.code == "DH900" for f in before):
        assert once == text  # a file that does not parse is never rewritten
        return
    left = coded(once, H1, kind, **options)
    assert [f for f in left if f.fix is not None] == []
    if all(f.fix is not None for f in before if f.code == H1):
        assert left == []
    else:  # only what had no fix remains
        assert sorted(f.image for f in left) == sorted(f.image for f in before if f.code == H1 and f.fix is None)


IMAGES = ["node:20", "python:3.12-slim", "alpine", "docker.io/library/redis:7", f"nginx@sha256:{'ab' * 32}"]
QUOTES = ["", "'", '"']
SITES = [
    "    container: {q}{image}{q}\n",
    "    container:\n      image: {q}{image}{q}\n",
    "    container: {{image: {q}{image}{q}}}\n",
    "    services:\n      s:\n        image: {q}{image}{q}\n",
    "    steps:\n      - uses: {q}docker://{image}{q}\n",
    "    steps:\n      - run: {q}docker run --rm {image} true{q}\n",
    "    steps:\n      - run: |\n          docker pull {image}\n",
    "    steps:\n      - uses: docker/setup-qemu-action@v3\n        with:\n          image: {q}{image}{q}\n",
    "    strategy:\n      matrix:\n        img: [{q}{image}{q}]\n    container: ${{{{ matrix.img }}}}\n",
    "    env:\n      IMG: {q}{image}{q}\n    steps:\n      - run: docker run $IMG\n",
]


@given(
    parts=st.lists(
        st.tuples(st.sampled_from(SITES), st.sampled_from(IMAGES), st.sampled_from(QUOTES)), min_size=1, max_size=4
    ),
    crlf=st.booleans(),
)
def test_fix_property_over_generated_workflows(parts, crlf):
    text = "on: push\njobs:\n"
    for index, (site, image, quote) in enumerate(parts):
        text += f"  j{index}:\n" + site.format(image=image, q=quote)
    if crlf:
        text = text.replace("\n", "\r\n")
    assert problems(text, W) and {code for _, _, code in problems(text, W)} == {H1}
    once = fixed(text, W)
    assert fixed(once, W) == once
    assert {code for _, _, code in problems(once, W)} <= {H5}  # ECR Public pulls in steps without a login
    assert once.count("\r\n") == text.count("\r\n") and once.count("\n") == text.count("\n")
    assert once.count(MIRROR) == len(parts)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("gitlab", ("test:\n  image: public.ecr.aws/docker/library/node:20\n  script:\n"
         "    - docker pull public.ecr.aws/docker/library/redis:7\n")),
        ("shell", "#!/bin/sh\ndocker pull public.ecr.aws/docker/library/redis:7\n"),
    ],
)
def test_ecr_public_login_hint_outside_github_actions_is_the_command(kind, text):
    """DH005 outside GitHub Actions names the login command, not a GitHub action."""
    [finding] = [f for f in findings(text, kind) if f.code == "DH005"]
    assert "run `aws ecr-public get-login-password --region us-east-1 | docker login" in finding.message
    assert "aws-actions/amazon-ecr-login" not in finding.message
    assert "docker:// steps" not in finding.message
