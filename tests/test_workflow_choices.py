"""`||` and `&&` in GitHub expressions: each image an expression may be is a pull of its own.

`a || b` is a when a is truthy, else b; `a && b` is b when a is truthy, else a. Where dehub
knows the left side (a literal, a matrix value in this combination, an input default, an env
literal) only the taken branch counts; where it cannot (`github.event_name == 'push'`,
`secrets.X`), every branch is an image the job may pull: its own finding at its own literal,
its own fix, once. A branch dehub cannot know is reported as unresolved (DH003, info) next
to the known ones.
"""

from __future__ import annotations

import textwrap

import pytest
from helpers import findings, fixed, problems

W = "workflow"
MIRROR = "public.ecr.aws/docker/library/"


def job(body: str) -> str:
    """A workflow with one job `a`; body line k is file line 3 + k, indented 4 more columns."""
    return "on: push\njobs:\n  a:\n" + textwrap.indent(textwrap.dedent(body), "    ")


def steps(body: str) -> str:
    """Job `a`'s steps; body line k is file line 4 + k, indented 6 more columns."""
    return "on: push\njobs:\n  a:\n    steps:\n" + textwrap.indent(textwrap.dedent(body), "      ")


CALL = "on:\n  workflow_call:\n    inputs:\n      img:\n        type: string\n"  # 5 lines


CASES = [
    # unknown condition: both branches, each at its literal
    pytest.param(
        job("container: ${{ github.event_name == 'push' && 'node:20' || 'node:18' }}\n"),
        {(4, 52, "DH001"), (4, 65, "DH001")},
        id="condition-and-or",
    ),
    pytest.param(
        job("container: ${{ contains(github.ref, 'refs/tags') && 'node:20' || 'ghcr.io/a/b:1' }}\n"),
        {(4, 58, "DH001")},
        id="one-branch-elsewhere",
    ),
    pytest.param(
        job("container: ${{ (github.ref == 'a' && ('node:20')) || ('node:18') }}\n"),
        {(4, 44, "DH001"), (4, 60, "DH001")},
        id="nested-parentheses",
    ),
    pytest.param(
        job("container: ${{ github.event_name == 'push' && 'node:20' }}\n"),
        {(4, 52, "DH001"), (4, 16, "DH003")},
        id="and-without-fallback-falsy-way-unknown",
    ),
    # an unknown branch next to known ones: DH003 for it, a finding for each known one
    pytest.param(job("container: ${{ vars.IMAGE || 'node:20' }}\n"), {(4, 16, "DH003"), (4, 35, "DH001")},
                 id="unknown-or-literal"),
    pytest.param(job("container: ${{ secrets.A || 'ghcr.io/a/b:1' }}\n"), {(4, 16, "DH003")},
                 id="unknown-or-elsewhere"),
    # known: only the taken branch
    pytest.param(job("container: ${{ '' || 'node:20' }}\n"), {(4, 27, "DH001")}, id="empty-literal-or"),
    pytest.param(job("container: ${{ 'node:22' || 'node:20' }}\n"), {(4, 21, "DH001")}, id="literal-or"),
    pytest.param(job("container: ${{ 'ghcr.io/a/b:1' && 'node:20' }}\n"), {(4, 40, "DH001")}, id="literal-and"),
    pytest.param(
        CALL + "        default: ''\njobs:\n  a:\n    container: ${{ inputs.img || 'node:20' }}\n",
        {(9, 35, "DH001")},
        id="empty-default-falls-back",
    ),
    pytest.param(
        CALL + "        default: python:3.12\njobs:\n  a:\n    container: ${{ inputs.img || 'node:20' }}\n",
        {(6, 18, "DH001")},
        id="default-is-the-value",
    ),
    pytest.param(
        CALL + "        default: python:3.12\njobs:\n  a:\n    env:\n      Y: redis:7\n    steps:\n"
        "      - run: docker run ${{ inputs.img || env.Y }}\n",
        {(6, 18, "DH001")},
        id="input-or-env",
    ),
    pytest.param(
        CALL + "jobs:\n  a:\n    env:\n      Y: redis:7\n    steps:\n"
        "      - run: docker run ${{ inputs.img || env.Y }}\n",
        {(9, 10, "DH001")},
        id="no-default-or-env",
    ),
    pytest.param(
        job("""\
            strategy:
              matrix:
                include:
                  - {}
                  - image: node:22
            container: ${{ matrix.image || 'node:20' }}
        """),
        {(8, 20, "DH001"), (9, 37, "DH001")},
        id="matrix-empty-in-one-combination",
    ),
    pytest.param(
        job("""\
            strategy:
              matrix:
                alpine: [true, false]
            container: ${{ matrix.alpine && 'alpine:3.20' || 'debian:12' }}
        """),
        {(7, 38, "DH001"), (7, 55, "DH001")},
        id="matrix-boolean-picks-per-combination",
    ),
    # string literals holding operators are text
    pytest.param(job("container: ${{ vars.X || 'a||b' }}\n"), {(4, 16, "DH003"), (4, 16, "DH006")},
                 id="or-inside-a-string"),
    # format() with `||` inside
    pytest.param(
        job("container: ${{ format('{0}:{1}', 'redis', github.ref == 'x' && '7' || '6') }}\n"),
        {(4, 39, "DH001")},
        id="format-with-or-inside",
    ),
    pytest.param(
        job("container: ${{ format('{0}:20', github.ref == 'x' && 'node' || 'ghcr.io/a/node') }}\n"),
        {(4, 59, "DH001")},
        id="format-argument-branches",
    ),
    # scripts and env
    pytest.param(
        steps("- run: docker run --rm ${{ github.ref == 'x' && 'node:20' || 'node:18' }} true\n"),
        {(5, 56, "DH001"), (5, 69, "DH001")},
        id="script",
    ),
    pytest.param(
        "on: push\nenv:\n  IMG: ${{ github.ref == 'x' && 'node:20' || 'node:18' }}\njobs:\n  a:\n    steps:\n"
        "      - run: docker run --rm $IMG true\n      - run: docker run --rm \"${{ env.IMG }}\" true\n",
        {(3, 34, "DH001"), (3, 47, "DH001")},
        id="env-choice-through-shell-and-expression",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_choices(text, expected):
    assert problems(text, W) == expected


FIXES = [
    pytest.param(
        job("container: ${{ github.event_name == 'push' && 'node:20' || 'node:18' }}\n"),
        job(f"container: ${{{{ github.event_name == 'push' && '{MIRROR}node:20' || '{MIRROR}node:18' }}}}\n"),
        id="both-branches",
    ),
    pytest.param(
        job("container: ${{ vars.IMAGE || 'node:20' }}\n"),
        job(f"container: ${{{{ vars.IMAGE || '{MIRROR}node:20' }}}}\n"),
        id="known-branch-next-to-unknown",
    ),
    pytest.param(
        job("container: ${{ 'node:22' || 'node:20' }}\n"),
        job(f"container: ${{{{ '{MIRROR}node:22' || 'node:20' }}}}\n"),
        id="only-the-taken-branch",
    ),
    pytest.param(
        steps("- run: docker run ${{ format('{0}:{1}', 'redis', github.ref == 'x' && '7' || '6') }}\n"),
        steps(f"- run: docker run ${{{{ format('{{0}}:{{1}}', '{MIRROR}redis', "
              "github.ref == 'x' && '7' || '6') }}\n"),
        id="format-template-argument-fixed-once",
    ),
    pytest.param(
        "on: push\nenv:\n  IMG: ${{ github.ref == 'x' && 'node:20' || 'node:18' }}\njobs:\n  a:\n    steps:\n"
        "      - run: docker run $IMG\n",
        f"on: push\nenv:\n  IMG: ${{{{ github.ref == 'x' && '{MIRROR}node:20' || '{MIRROR}node:18' }}}}\njobs:\n"
        "  a:\n    steps:\n      - run: docker run $IMG\n",
        id="env-choice",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FIXES)
def test_choice_fixes(text, expected):
    assert fixed(text, W) == expected
    assert fixed(expected, W) == expected


def test_each_branch_is_reported_once_across_steps_and_combinations():
    text = job("""\
        strategy:
          matrix:
            v: [1, 2, 3]
        steps:
          - run: docker run ${{ github.ref == 'x' && 'node:20' || 'node:18' }}
          - run: docker run ${{ github.ref == 'x' && 'node:20' || 'node:18' }}
    """)
    found = [(f.line, f.column, f.image) for f in findings(text, W)]
    assert found == [(8, 51, "node:20"), (8, 64, "node:18"), (9, 51, "node:20"), (9, 64, "node:18")]


def test_branch_finding_spans_only_its_literal():
    text = job("container: ${{ github.event_name == 'push' && 'node:20' || 'node:18' }}\n")
    spans = sorted((f.start, f.end) for f in findings(text, W))
    assert [text[start:end] for start, end in spans] == ["node:20", "node:18"]


def test_unknown_branch_message_names_it():
    text = job("container: ${{ vars.IMAGE || 'node:20' }}\n")
    (unresolved,) = [f for f in findings(text, W) if f.code == "DH003"]
    assert unresolved.message.startswith("`${{ vars.IMAGE || 'node:20' }}` depends on vars.IMAGE, whose value")
    assert unresolved.severity == "info"


def test_a_local_image_in_one_variant_only_is_still_pulled_later():
    text = steps("""\
        - run: docker build -t ${{ github.ref == 'x' && 'app' || 'other' }} .
        - run: docker run app
    """)
    assert problems(text, W) == {(6, 25, "DH002")}


def test_a_local_image_in_every_variant_is_not_pulled():
    text = steps("""\
        - run: docker build -t app ${{ github.ref == 'x' && '.' || 'sub' }}
        - run: docker run app
    """)
    assert problems(text, W) == set()


def inventory(text: str) -> dict:
    from dehub.inventory import file_inventory
    from dehub.kinds import parse
    from dehub.policy import Policy
    from dehub.source import SourceText

    return file_inventory("w.yml", parse(W, SourceText(text)), Policy((), ()))


def test_inventory_counts_a_choice_once_per_run():
    text = job("""\
        strategy:
          matrix:
            v: [1, 2]
        container: ${{ github.event_name == 'push' && 'node:20' || 'node:18' }}
        services:
          db:
            image: ${{ github.ref == 'x' && 'postgres:16' || 'ghcr.io/a/pg:16' }}
    """)
    report = inventory(text)
    (entry,) = report["jobs"]
    assert [(p["image"], p["combinations"], p["docker_hub"]) for p in entry["pulls"]] == [
        ("node:20", 2, True), ("node:18", 2, True), ("postgres:16", 2, True), ("ghcr.io/a/pg:16", 2, False),
    ]  # fmt: skip
    assert (entry["docker_hub_pulls_per_run"], report["exact"]) == (2, False)  # the service: "at least"


def test_inventory_of_an_all_docker_hub_choice_is_exact():
    report = inventory(job("container: ${{ github.event_name == 'push' && 'node:20' || 'node:18' }}\n"))
    assert (report["docker_hub_pulls_per_run"], report["exact"]) == (1, True)
