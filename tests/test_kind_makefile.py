"""The Makefile kind's table on the shared harness (tests/kindtable.py), and the reader's
pieces: assignments, expansion with offsets, recipes, jobs."""

from __future__ import annotations

import itertools

import pytest
from helpers import findings, problems
from hypothesis import given, settings
from hypothesis import strategies as st
from kindtable import KindTable

from dehub.makefile import parse
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
ECR_LOGIN = "\taws ecr-public get-login-password | docker login -u AWS --password-stdin public.ecr.aws\n"

NOOP = [
    pytest.param("all:\n\techo docker pull node:20\n", {}, id="echo"),
    pytest.param("# docker pull node:20\nall:\n\t# docker run redis\n\ttrue  # docker pull x\n", {}, id="comments"),
    pytest.param("IMAGE = node:20\nall:\n\techo $(IMAGE)\n", {}, id="assigned-not-pulled"),
    pytest.param("define PULL\ndocker pull node:20\nendef\nall:\n\ttrue\n", {}, id="define-unused"),
    pytest.param("app:\n\tdocker build -t app .\n\tdocker run --rm app\n", {}, id="local-image"),
    pytest.param(
        "IMAGE ?= svg-to-png\nimage:\n\tdocker build -t $(IMAGE) .\nrun:\n\tdocker run --rm $(IMAGE)\n",
        {},
        id="built-by-another-target",
    ),
    pytest.param("all:\n" + ECR_LOGIN + f"\tdocker pull {M}node:20\n", {}, id="mirror-after-login"),
    pytest.param("IMAGE ?= ghcr.io/o/app:1\nrun:\n\tdocker run $(IMAGE)\n", {}, id="other-registry"),
    pytest.param("\tdocker pull node:20\nIMAGE = x\n", {}, id="tab-line-outside-a-rule"),
    pytest.param("UNUSED = $(shell docker pull node:20)\nall:\n\ttrue\n", {}, id="shell-function-never-expanded"),
    pytest.param("SHELL := /usr/bin/python3\nall:\n\tdocker pull node:20\n", {}, id="shell-not-sh"),
]

PROBLEM = [
    pytest.param("build:\n\tdocker pull node:20\n", {(2, 14, "DH001")}, id="pull"),
    pytest.param(
        "t:\n\t@docker run --rm alpine true\n\t-docker pull redis\n\t+@ docker create busybox\n",
        {(2, 19, "DH001"), (3, 15, "DH001"), (4, 19, "DH001")},
        id="prefixes",
    ),
    pytest.param(
        "t:\n\tdocker run \\\n\t  -e A=1 \\\n\t  redis:7 \\\n\t  redis-server\n", {(4, 4, "DH001")}, id="continuation"
    ),
    pytest.param(".RECIPEPREFIX = >\nt:\n>docker pull alpine\n", {(3, 14, "DH001")}, id="recipeprefix"),
    pytest.param(
        "test: IMAGE := python:3.12\nIMAGE = node:20\ntest:\n\tdocker run $(IMAGE)\n",
        {(1, 16, "DH001")},
        id="target-specific",
    ),
    pytest.param("t:\n\tdocker run $(shell cat image.txt)\n", {(2, 13, "DH003")}, id="function-unknown"),
    pytest.param("t:\n\tdocker run $(IMAGE)\n", {(2, 13, "DH003")}, id="undefined-variable"),
    pytest.param("t:\n\tdocker run $@\n", {(2, 13, "DH003")}, id="automatic-variable"),
    pytest.param(".ONESHELL:\nt:\n\tIMAGE=node:20\n\tdocker pull $$IMAGE\n", {(3, 8, "DH001")}, id="oneshell"),
    pytest.param("t:\n\tIMAGE=node:20\n\tdocker pull $$IMAGE\n", {(3, 14, "DH003")}, id="each-line-its-own-shell"),
    pytest.param("t:\n\tIMAGE=node:20; docker pull $$IMAGE\n", {(2, 8, "DH001")}, id="shell-variable-same-line"),
    pytest.param("t: ; docker pull node:20\n", {(1, 18, "DH001")}, id="inline-recipe"),
    pytest.param(
        "ifeq ($(CI),1)\nt:\n\tdocker pull alpine\nelse\nt:\n\tdocker pull busybox\nendif\n",
        {(3, 14, "DH001"), (6, 14, "DH001")},
        id="conditional-branches",
    ),
    pytest.param(
        "# dehub ignore=DH001\nt:\n\tdocker pull alpine\n\tdocker pull busybox\nu:\n\tdocker pull redis\n",
        {(6, 14, "DH001")},
        id="suppress-a-rule",
    ),
    pytest.param(
        "t:\n\t# dehub ignore=DH001\n\tdocker pull alpine\n\tdocker pull busybox\n",
        {(4, 14, "DH001")},
        id="suppress-a-line",
    ),
    pytest.param(f"a:\n\tdocker pull {M}node:20\nb:\n" + ECR_LOGIN, {(2, 14, "DH005")}, id="login-in-another-target"),
    pytest.param("SHELL := /usr/bin/env bash\nt:\n\tdocker pull alpine\n", {(3, 14, "DH001")}, id="shell-through-env"),
    pytest.param("t:\n\tdocker buildx create --use\n", {(2, 16, "DH004")}, id="buildx-create"),
    pytest.param("DOCKER ?= docker\nt:\n\t$(DOCKER) run node:20\n", {(3, 16, "DH001")}, id="docker-from-variable"),
    pytest.param(  # each recipe line is a shell of its own: a here-document cannot span lines
        "all:\n\tcat <<EOF\n\tdocker pull node:20\n\tEOF\n", {(3, 14, "DH001")}, id="heredoc-lines-are-separate-shells"
    ),
    pytest.param(
        "ARCH := $(shell docker run --rm golang:1.22 go env GOARCH)\nV != docker run --rm python:3.12 python -V\n",
        {(1, 33, "DH001"), (2, 22, "DH001")},
        id="shell-function-while-reading",
    ),
    pytest.param(
        "LAZY = $(shell docker run --rm alpine:3 uname -m)\nt:\n\techo $(LAZY) $(shell docker pull redis:7)\n",
        {(1, 32, "DH001"), (3, 35, "DH001")},
        id="shell-function-in-recipe",
    ),
    pytest.param("t:\n\tdocker run $$(cat image)\n", {(2, 13, "DH003")}, id="dollar-dollar-substitution"),
]

FIX = [
    pytest.param(
        "IMAGE ?= node:20\ntest:\n\tdocker run --rm $(IMAGE) npm test\n",
        f"IMAGE ?= {M}node:20\ntest:\n\tdocker run --rm $(IMAGE) npm test\n",
        {},
        id="default-fixed-at-assignment",
    ),
    pytest.param(
        "IMAGE := node:20  # the CI image\nt:\n\tdocker pull ${IMAGE}\n",
        f"IMAGE := {M}node:20  # the CI image\nt:\n\tdocker pull ${{IMAGE}}\n",
        {},
        id="simple-braces-comment-kept",
    ),
    pytest.param(
        "override IMAGE = alpine:3.20\nt:\n\t@docker run '$(IMAGE)' true\n",
        f"override IMAGE = {M}alpine:3.20\nt:\n\t@docker run '$(IMAGE)' true\n",
        {},
        id="override-single-quoted",
    ),
    pytest.param(
        'export IMAGE ::= redis:7\nt:\n\tdocker run "$$IMAGE"\n',
        f'export IMAGE ::= {M}redis:7\nt:\n\tdocker run "$$IMAGE"\n',
        {},
        id="exported-read-by-the-shell",
    ),
    pytest.param(
        "IMAGE :::= node:20\nt:\n\tdocker pull $(IMAGE)\n",
        f"IMAGE :::= {M}node:20\nt:\n\tdocker pull $(IMAGE)\n",
        {},
        id="triple-colon-equals",
    ),
    pytest.param(
        "t:\n\tdocker run --rm \\\n\t\tnode:20 \\\n\t\tnpm test\n",
        f"t:\n\tdocker run --rm \\\n\t\t{M}node:20 \\\n\t\tnpm test\n",
        {},
        id="literal-in-recipe-continued",
    ),
    pytest.param(
        "TAG = 20\nIMAGE = node:$(TAG)\nt:\n\tdocker pull $(IMAGE)\n",
        f"TAG = 20\nIMAGE = {M}node:$(TAG)\nt:\n\tdocker pull $(IMAGE)\n",
        {},
        id="recursive-variable",
    ),
    pytest.param(
        "IMAGE = busybox\nt:\n\tdocker pull $(IMAGE)\nIMAGE = alpine:3\n",
        f"IMAGE = busybox\nt:\n\tdocker pull $(IMAGE)\nIMAGE = {M}alpine:3\n",
        {},
        id="recipe-sees-the-last-value",
    ),
    pytest.param(
        "IMAGE = busybox\nPINNED := $(IMAGE)\nIMAGE = alpine:3\nt:\n\tdocker pull $(PINNED)\n",
        f"IMAGE = {M}busybox\nPINNED := $(IMAGE)\nIMAGE = alpine:3\nt:\n\tdocker pull $(PINNED)\n",
        {},
        id="simple-variable-expanded-when-assigned",
    ),
    pytest.param(
        't:\n\tdocker run "$${IMAGE:-node:20}"\n',
        f't:\n\tdocker run "$${{IMAGE:-{M}node:20}}"\n',
        {},
        id="shell-default-after-dollar-dollar",
    ),
    pytest.param(
        "IMAGE = \\\n    node:20\nt:\n\tdocker pull $(IMAGE)\n",
        f"IMAGE = \\\n    {M}node:20\nt:\n\tdocker pull $(IMAGE)\n",
        {},
        id="continued-assignment",
    ),
]

test_noop, test_problem, test_fix = KindTable("makefile").tests(NOOP, PROBLEM, FIX)


def jobs(text: str) -> list[tuple[str, list[str]]]:
    document = parse(SourceText(text))
    assert document.pipeline is not None
    return [(job.label, [use.value.text for run in job.runs for use in run]) for job in document.pipeline.jobs]


def test_each_rule_with_a_recipe_is_a_job():
    text = "all: build\nbuild:\n\tdocker pull node:20\n\tdocker run redis\npush lint:\n\tdocker pull alpine\n"
    assert jobs(text) == [("target `build`", ["node:20", "redis"]), ("target `push lint`", ["alpine"])]


def test_plus_equals_appends_with_a_space():
    text = "ARGS = --rm\nARGS += -e A=1\nIMAGE = node\nIMAGE += :20\nt:\n\tdocker run $(ARGS) $(IMAGE)\n"
    assert jobs(text) == [("target `t`", ["node"])]  # `node :20` is two words: make puts a space


def test_define_is_a_variable():
    text = "define IMAGE\nnode:20\nendef\nt:\n\tdocker pull $(IMAGE)\n"
    assert jobs(text) == [("target `t`", ["node:20"])]
    assert problems(text, "makefile") == {(2, 1, "DH001")}


def test_missing_endef_is_a_parse_problem():
    assert (1, 1, "DH900") in problems("define X\nfoo\nt:\n\tdocker pull a\n", "makefile")


def test_recursion_is_bounded():
    names = "ABCDEFGHIJKLMNOPQRSTUV"
    text = "".join(f"{x} = $({y})$({y})\n" for x, y in itertools.pairwise(names))
    text += "V = $(A)\nt:\n\tdocker pull $(A)\n"
    [finding] = findings(text, "makefile")
    assert finding.code == "DH003"


def test_unknown_hint_says_where_make_values_come_from():
    [finding] = findings("t:\n\tdocker run $(IMAGE)\n", "makefile")
    assert "the Makefile's own assignments" in finding.message


@given(st.text(alphabet="\t\n\\ $(){}:=?+!#;@-abIMAGE.%\r'\"d", max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_without_raising(text):
    document = parse(SourceText(text))
    document.image_uses({})
    document.pragmas()


@given(st.text(alphabet="\t\n\\ $(){}:=?+!#;@-abIMAGE.%\r'\"d", max_size=60))
@settings(max_examples=200, deadline=None)
def test_any_recipe_parses_without_raising(body):
    text = f"IMAGE ?= node:20\nt:\n\tdocker run {body}\n\tdocker pull $(IMAGE)\n"
    document = parse(SourceText(text))
    document.image_uses({})


def _exported_chain(count: int) -> str:
    chain = "".join(f"A{i} = $(A{i - 1})$(A{i - 1})\n" for i in range(1, count))
    return f"IMAGE = node:20\nexport A{count - 1}\nA0 = x\n{chain}run:\n\tdocker pull $(IMAGE)\n"


def test_expanding_the_exported_environment_does_not_use_up_a_recipe_lines_lookups():
    """An exported variable that takes many lookups to expand (its budget runs out) leaves the
    recipe line its own budget: `$(IMAGE)` is still known."""
    from helpers import findings

    assert [(f.line, f.column, f.code) for f in findings(_exported_chain(16), "makefile")] == [(1, 9, "DH001")]


def test_the_exported_environment_is_expanded_once_for_the_rules_that_share_it():
    import time

    from helpers import findings

    rules = "".join(f"r{i}:\n\techo {i}\n" for i in range(150))
    text = _exported_chain(14).replace("run:\n", rules + "run:\n")
    started = time.perf_counter()
    assert [f.code for f in findings(text, "makefile")] == ["DH001"]
    assert time.perf_counter() - started < 5  # 150 rules: about 0.1 s; once per rule it took about 10 s
