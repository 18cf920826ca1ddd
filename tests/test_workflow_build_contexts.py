"""Build contexts are pulls: `docker-image://REF` in build-push-action's `build-contexts`,
bake-action's `set` (`*.contexts.NAME=...`), and `--build-context` / `bake --set` in `run:`
scripts. Each REF is its own finding at its own literal (site `build-context`), fixed in place
with the `docker-image://` prefix kept. Other contexts (folders, `target:`, `oci-layout://`,
git and `https://` URLs) pull nothing.
"""

from __future__ import annotations

import textwrap

import pytest
from helpers import findings, fixed, problems

W = "workflow"
MIRROR = "public.ecr.aws/docker/library/"


def steps(body: str) -> str:
    """Job `a`'s steps; body line k is file line 4 + k, indented 6 more columns."""
    return "on: push\njobs:\n  a:\n    steps:\n" + textwrap.indent(textwrap.dedent(body), "      ")


BUILD_PUSH = steps("""\
    - uses: docker/build-push-action@v6
      with:
        context: .
        build-contexts: |
          base=docker-image://node:20
          src=../src
          stage=target:base
          oci=oci-layout://./layout
          git=https://github.com/acme/tools.git#main
          tools=docker-image://alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          mirrored=docker-image://public.ecr.aws/docker/library/busybox:1.36
""")

BAKE = steps("""\
    - uses: docker/bake-action@v5
      with:
        files: docker-bake.hcl
        set: |
          *.contexts.base=docker-image://node:20
          app.contexts.tools=docker-image://alpine:3.20
          *.contexts.src=../src
          *.platform=linux/amd64
""")

CASES = [
    # the ECR Public context with no login before it: DH005 (info) at the action
    pytest.param(BUILD_PUSH, {(9, 33, "DH001"), (14, 34, "DH001"), (5, 15, "DH005")}, id="build-push-build-contexts"),
    pytest.param(BAKE, {(9, 44, "DH001"), (10, 47, "DH001")}, id="bake-set-contexts"),
    pytest.param(
        steps("- uses: docker/build-push-action@v6\n  with:\n    build-contexts: base=docker-image://node:20\n"),
        {(7, 47, "DH001")},
        id="one-line",
    ),
    pytest.param(
        steps("- uses: docker/build-push-action@v6\n  with:\n"
              "    build-contexts: base=docker-image://${{ vars.BASE }}\n"),
        {(7, 47, "DH003")},
        id="unknown",
    ),
    pytest.param(
        steps("- run: docker buildx build --build-context base=docker-image://node:20 -t app .\n"),
        {(5, 70, "DH001")},
        id="script",
    ),
    pytest.param(
        steps("- run: docker buildx build --build-context=base=docker-image://node:20 .\n"),
        {(5, 70, "DH001")},
        id="script-equals",
    ),
    pytest.param(
        steps("- run: docker build --build-context 'base=docker-image://node:20' .\n"),
        {(5, 64, "DH001")},
        id="script-docker-build-quoted",
    ),
    pytest.param(
        steps("- run: docker buildx build --build-context src=../src --build-context t=oci-layout://x .\n"),
        set(),
        id="script-other-contexts",
    ),
    pytest.param(
        steps("- run: podman build --build-context base=container-image://node:20 .\n"),
        {(5, 66, "DH001")},
        id="podman-container-image",
    ),
    pytest.param(
        steps("- run: docker buildx bake --set '*.contexts.base=docker-image://node:20' --load\n"),
        {(5, 71, "DH001")},
        id="script-bake-set",
    ),
    pytest.param(
        steps("- run: |\n    IMG=node:20\n    docker buildx build --build-context base=docker-image://$IMG .\n"),
        {(6, 15, "DH001")},
        id="script-variable",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_build_contexts(text, expected):
    assert problems(text, W) == expected


def test_build_context_findings_name_their_site_and_span_the_image():
    found = sorted((f for f in findings(BUILD_PUSH, W) if f.code == "DH001"), key=lambda f: f.start)
    assert [(f.site, BUILD_PUSH[f.start : f.end]) for f in found] == [
        ("build-context", "node:20"),
        ("build-context", "alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    ]
    assert "pulled by this step" in found[0].note


FIXES = [
    pytest.param(
        BUILD_PUSH,
        BUILD_PUSH.replace("//node:20", f"//{MIRROR}node:20").replace("//alpine", f"//{MIRROR}alpine"),
        id="build-push",
    ),
    pytest.param(
        BAKE, BAKE.replace("//node:20", f"//{MIRROR}node:20").replace("//alpine", f"//{MIRROR}alpine"), id="bake"
    ),
    pytest.param(
        steps("- run: docker buildx build --build-context=base=docker-image://node:20 .\n"),
        steps(f"- run: docker buildx build --build-context=base=docker-image://{MIRROR}node:20 .\n"),
        id="script",
    ),
    pytest.param(
        steps("- run: docker buildx bake --set '*.contexts.base=docker-image://node:20'\n"),
        steps(f"- run: docker buildx bake --set '*.contexts.base=docker-image://{MIRROR}node:20'\n"),
        id="script-bake",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FIXES)
def test_build_context_fixes_keep_the_scheme(text, expected):
    assert fixed(text, W) == expected
    assert fixed(expected, W) == expected


def test_inventory_lists_build_contexts_as_step_pulls():
    from dehub.inventory import file_inventory
    from dehub.kinds import parse
    from dehub.policy import Policy
    from dehub.source import SourceText

    report = file_inventory("w.yml", parse(W, SourceText(BAKE)), Policy((), ()))
    (job,) = report["jobs"]
    assert [(p["image"], p["site"], p["phase"], p["line"], p["column"]) for p in job["pulls"]] == [
        ("node:20", "build-context", "step", 9, 44),
        ("alpine:3.20", "build-context", "step", 10, 47),
    ]
    assert job["docker_hub_pulls_per_run"] == 2
