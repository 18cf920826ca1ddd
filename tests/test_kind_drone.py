"""The Drone kind's table on the shared harness (tests/kindtable.py): pipeline documents of a
stream, steps and services, plugins, pipeline types that run no containers, `${VAR}`
substitution, `commands:` scripts, and the YAML shapes every kind must handle."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub.drone import drone
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
HEAD = "kind: pipeline\ntype: docker\nname: default\n\n"

NOOP = [
    pytest.param(HEAD + f"steps:\n- name: a\n  image: {M}node:20\n", {}, id="mirrored"),
    pytest.param(HEAD + "steps:\n- name: a\n  image: ghcr.io/acme/app:1\n", {}, id="other-registry"),
    pytest.param(HEAD + "steps:\n- name: a\n  # image: node:20\n  image: quay.io/a/b:1\n", {}, id="comment"),
    pytest.param(
        HEAD + f"steps:\n- name: a\n  image: {M}alpine:3\n  commands:\n  - echo docker run node:20\n",
        {},
        id="echo-is-no-pull",
    ),
    pytest.param(
        "kind: pipeline\ntype: exec\nname: host\n\nsteps:\n- name: a\n  image: node:20\n", {}, id="exec-no-container"
    ),
    pytest.param("kind: pipeline\ntype: ssh\nname: s\nsteps:\n- name: a\n  image: node:20\n", {}, id="ssh"),
    pytest.param("kind: secret\nname: token\nget:\n  path: secret/docker\n  name: image\n", {}, id="secret"),
    pytest.param("kind: signature\nhmac: 0123abcd\n", {}, id="signature"),
    pytest.param(HEAD + "steps:\n- name: a\n  image: node:20\n  pull: never\n", {}, id="pull-never"),
    pytest.param(
        HEAD + "clone:\n  depth: 50\n  disable: false\nsteps:\n- name: a\n  image: quay.io/a/b:1\n",
        {},
        id="clone-settings-are-no-image",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: quay.io/a/b:1\n  settings:\n    image: node:20\n", {}, id="settings"
    ),
    pytest.param(
        HEAD + "platform:\n  os: windows\nsteps:\n- name: a\n  image: mcr.microsoft.com/powershell:lts\n"
        "  commands:\n  - docker pull node:20\n",
        {},
        id="windows-commands-are-powershell",
    ),
]

PROBLEM = [
    pytest.param(HEAD + "steps:\n- name: a\n  image: node:20\n", {(7, 10, "DH001")}, id="step"),
    pytest.param(HEAD + "services:\n- name: db\n  image: postgres:16\n", {(7, 10, "DH001")}, id="service"),
    pytest.param(HEAD + "steps:\n- name: p\n  image: plugins/docker\n", {(7, 10, "DH002")}, id="plugin"),
    pytest.param(
        "kind: pipeline\ntype: kubernetes\nname: k\nsteps:\n- name: a\n  image: node:20\n",
        {(6, 10, "DH001")},
        id="kubernetes",
    ),
    pytest.param(
        "kind: pipeline\nname: d\nsteps:\n- name: a\n  image: node:20\n", {(5, 10, "DH001")}, id="docker-by-default"
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: alpine:3\n---\nkind: secret\nname: s\n---\n"
        "kind: pipeline\nname: two\nsteps:\n- name: b\n  image: redis:7\n",
        {(7, 10, "DH001"), (16, 10, "DH001")},
        id="multi-document",
    ),
    pytest.param(
        "{kind: pipeline, name: f, steps: [{name: a, image: node:20}]}\n", {(1, 52, "DH001")}, id="flow-style"
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: &i node:20\n- name: b\n  image: *i\n", {(7, 13, "DH001")}, id="anchor"
    ),
    pytest.param(
        HEAD + "x-step: &s\n  image: node:20\nsteps:\n- name: a\n  <<: *s\n", {(6, 10, "DH001")}, id="merge-key"
    ),
    pytest.param(HEAD + "steps:\n- name: a\n  image: 'node:20'\n", {(7, 11, "DH001")}, id="single-quoted"),
    pytest.param(HEAD + 'steps:\n- name: a\n  image: "node:20"\n', {(7, 11, "DH001")}, id="double-quoted"),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: quay.io/a:1\n  commands:\n  - docker pull redis:7\n",
        {(9, 17, "DH001")},
        id="commands",
    ),
    pytest.param(
        "kind: pipeline\ntype: exec\nname: host\nsteps:\n- name: a\n  commands:\n  - docker run --rm redis:7\n",
        {(7, 21, "DH001")},
        id="exec-commands-still-pull",
    ),
    pytest.param(HEAD + "steps:\n- name: a\n  image: ${REGISTRY}/app:1\n", {(7, 10, "DH003")}, id="unknown-variable"),
    pytest.param(HEAD + "steps:\n- name: a\n  image: $IMAGE\n", {(7, 10, "DH003")}, id="unknown-plain-variable"),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: node:${DRONE_TAG}\n", {(7, 10, "DH001")}, id="unknown-tag-known-name"
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: quay.io/a:1\n  environment:\n    IMG: redis:7\n"
        "  commands:\n  - docker run $${IMG}\n",
        {(9, 10, "DH001")},
        id="environment-through-escaped-variable",
    ),
    pytest.param(
        "pipeline:\n  build:\n    image: golang:1.22\nservices:\n  db:\n    image: mysql:8\n",
        {(3, 12, "DH001"), (6, 12, "DH001")},
        id="drone-0.8",
    ),
    pytest.param(
        "pipeline:\n  build:\n    image: quay.io/a:1\n    environment:\n      - IMG=redis:7\n      - X\n"
        "    commands:\n      - docker run $${IMG}\n",
        {(5, 13, "DH001")},
        id="environment-list",
    ),
    pytest.param(
        "build:\n  image: golang\n  commands: [go build]\ncompose:\n  db:\n    image: mysql:5\n",
        {(2, 10, "DH001"), (6, 12, "DH001")},
        id="drone-0.4",
    ),
    pytest.param(
        "pipeline:\n  build:\n    image: node:20\nmatrix:\n  DB: [mysql:8]\nservices:\n  db:\n    image: ${DB}\n",
        {(3, 12, "DH001"), (5, 8, "DH001")},
        id="drone-0.8-matrix",
    ),
    pytest.param(HEAD + "steps: [\n", {(6, 1, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: node:20  # build\n",
        HEAD + f"steps:\n- name: a\n  image: {M}node:20  # build\n",
        {},
        id="comment-kept",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: 'node:20'\nservices:\n- name: db\n  image: \"postgres:16\"\n",
        HEAD + f"steps:\n- name: a\n  image: '{M}node:20'\nservices:\n- name: db\n  image: \"{M}postgres:16\"\n",
        {},
        id="quoted",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: &i node:20\n- name: b\n  image: *i\n",
        HEAD + f"steps:\n- name: a\n  image: &i {M}node:20\n- name: b\n  image: *i\n",
        {},
        id="anchor",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: ${IMAGE:-node:20}\n",
        HEAD + f"steps:\n- name: a\n  image: ${{IMAGE:-{M}node:20}}\n",
        {},
        id="variable-default",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: quay.io/a:1\n  commands:\n  - docker pull redis:7 # warm\n"
        "  - docker run --rm $${X:-alpine:3}\n",
        HEAD + f"steps:\n- name: a\n  image: quay.io/a:1\n  commands:\n  - docker pull {M}redis:7 # warm\n"
        f"  - docker run --rm $${{X:-{M}alpine:3}}\n",
        {},
        id="commands",
    ),
    pytest.param(
        HEAD + "steps:\n- name: a\n  image: quay.io/a:1\n  commands:\n  - IMG=redis:7\n  - docker run $IMG\n",
        HEAD + f"steps:\n- name: a\n  image: quay.io/a:1\n  commands:\n  - IMG={M}redis:7\n  - docker run $IMG\n",
        {},
        id="commands-are-one-script",
    ),
    pytest.param(
        "---\n" + HEAD + "steps:\n- name: a\n  image: node:20\n...\n---\nkind: pipeline\nname: b\nsteps:\n"
        "- name: b\n  image: redis:7\n",
        "---\n" + HEAD + f"steps:\n- name: a\n  image: {M}node:20\n...\n---\nkind: pipeline\nname: b\nsteps:\n"
        f"- name: b\n  image: {M}redis:7\n",
        {},
        id="stream",
    ),
]

test_noop, test_problem, test_fix = KindTable("drone").tests(NOOP, PROBLEM, FIX)


def test_each_pipeline_document_is_a_job_and_images_are_set_up_pulls():
    text = (
        HEAD + "steps:\n- name: a\n  image: node:20\n  commands:\n  - docker pull redis:7\n"
        "---\nkind: pipeline\nname: second\nservices:\n- name: db\n  image: postgres:16\n"
    )
    document = drone.parse(SourceText(text))
    assert [job.id for job in document.pipeline.jobs] == ["default", "second"]
    phases = [(use.value.text, use.context.phase, use.context.job.id) for use in document.image_uses({})]
    assert phases == [
        ("node:20", Phase.SETUP, "default"),
        ("redis:7", Phase.STEP, "default"),
        ("postgres:16", Phase.SETUP, "second"),
    ]


def test_set_up_note_names_image_pull_secrets_and_hint_names_the_variable():
    [setup] = findings(HEAD + "steps:\n- name: a\n  image: node:20\n", "drone")
    assert setup.note is not None and "image_pull_secrets" in setup.note
    [unknown] = findings(HEAD + "steps:\n- name: a\n  image: ${REG}/app:1\n", "drone")
    assert unknown.code == "DH003"
    assert "Drone sets REG when the pipeline runs" in unknown.message


def test_sniff():
    assert drone.sniff("kind: pipeline\nname: x\nsteps: []\n")
    assert drone.sniff("---\nkind: secret\n---\nkind: 'pipeline'  # ci\n")
    assert not drone.sniff("apiVersion: v1\nkind: Pod\n")
    assert not drone.sniff("steps:\n- image: node:20\n")


@pytest.mark.parametrize(
    ("written", "keep_unknown", "text", "unknown"),
    [
        ("node:20", False, "node:20", ()),
        ("$${X}", True, "${X}", ()),  # the escape: the shell sees `${X}`
        ("${A:-${B:-node:20}}", False, "node:20", ()),  # nested defaults
        ("${A-node:20}", False, "node:20", ()),
        ("app:${DRONE_COMMIT_SHA:0:7}", False, "app:${DRONE_COMMIT_SHA:0:7}", ("DRONE_COMMIT_SHA",)),
        ("$REG/app", False, "$REG/app", ("REG",)),
        ("$REG/app", True, "$REG/app", ()),  # a command: left for the shell reader
        ("${GO}-x", False, "1.22-x", ()),
        ("cost $5 ${", False, "cost $5 ${", ()),  # not variables
    ],
)
def test_substitution(written, keep_unknown, text, unknown):
    from dehub.drone.subst import substitute
    from dehub.value import Value

    go = Value.literal("1.22", 100)
    tracked = substitute(Value.literal(written, 0), {"GO": go}, keep_unknown)
    assert tracked.value.text == text
    assert tracked.value.unresolved == unknown
    if text == "node:20":  # a default: the characters are where the default is written
        start = written.index("node:20")
        assert tracked.value.origins == list(range(start, start + 7))
    if text == "1.22-x":
        assert tracked.value.origins[:4] == [100, 101, 102, 103]
