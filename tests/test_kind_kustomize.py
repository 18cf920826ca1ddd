"""The kustomize kind's table on the shared harness (tests/kindtable.py): `images:` entries, and
the fix that adds a `newName:` where an entry has none (an ImageUse `rewrite`)."""

from __future__ import annotations

import pytest
from kindtable import KindTable

from dehub.imageuse import ImageUse
from dehub.k8s.kustomize import parse
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
HEAD = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy.yaml\nimages:\n"
SHA = "sha256:" + "a" * 64

NOOP = [
    pytest.param(HEAD + f"  - name: nginx\n    newName: {M}nginx\n    newTag: '1.27'\n", {}, id="mirrored"),
    pytest.param(HEAD + "  - name: nginx\n    newName: ghcr.io/acme/nginx\n", {}, id="name-is-only-a-match-key"),
    pytest.param(HEAD + "  - name: nginx\n", {}, id="changes-nothing"),
    pytest.param(HEAD + "  - name: ghcr.io/acme/app\n    newTag: v2\n", {}, id="other-registry"),
    pytest.param(
        HEAD + "  # - name: nginx\n  #   newTag: '1.27'\n  - name: quay.io/a/b\n    newTag: '1'\n", {}, id="comment"
    ),
    pytest.param("resources:\n  - nginx.yaml\nnamePrefix: nginx-\n", {}, id="no-images"),
    pytest.param(HEAD + "  - newTag: '1.27'\n", {}, id="no-name"),
]

PROBLEM = [
    pytest.param(HEAD + "  - name: nginx\n    newTag: '1.27'\n", {(6, 11, "DH001")}, id="name-and-tag"),
    pytest.param(HEAD + "  - name: app\n    newName: redis\n    newTag: '7'\n", {(7, 14, "DH001")}, id="new-name"),
    pytest.param(HEAD + f"  - name: postgres\n    digest: {SHA}\n", {(6, 11, "DH001")}, id="digest"),
    pytest.param(
        HEAD + "  - {name: nginx, newTag: '1.27'}\n  - {name: a, newName: redis}\n",
        {(6, 12, "DH001"), (7, 24, "DH001")},
        id="flow",
    ),
    pytest.param(
        HEAD + "  - name: app\n    newName: &n redis\n  - name: app2\n    newName: *n\n",
        {(7, 17, "DH001")},
        id="anchor",
    ),
    pytest.param(HEAD + "  - name: app\n    newName: Redis\n", {(7, 14, "DH006")}, id="invalid"),
    pytest.param(HEAD + "  - name: [\n", {(7, 1, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(
        HEAD + '  - name: nginx   # web\n    newTag: "1.27"\n',
        HEAD + f'  - name: nginx   # web\n    newName: {M}nginx\n    newTag: "1.27"\n',
        {},
        id="adds-new-name-after-name",
    ),
    pytest.param(
        HEAD + "  - newTag: \"1.27\"\n    name: 'nginx'\n  - name: other\n",
        HEAD + f"  - newTag: \"1.27\"\n    name: 'nginx'\n    newName: {M}nginx\n  - name: other\n",
        {},
        id="name-not-first-quoted",
    ),
    pytest.param(
        HEAD + "- name: nginx\n  newTag: '1.27'",
        HEAD + f"- name: nginx\n  newName: {M}nginx\n  newTag: '1.27'",
        {},
        id="unindented-no-final-newline",
    ),
    pytest.param(
        HEAD + "  - newTag: '1.27'\n    name: nginx",
        HEAD + f"  - newTag: '1.27'\n    name: nginx\n    newName: {M}nginx",
        {},
        id="name-on-the-last-line",
    ),
    pytest.param(
        HEAD + '  - {name: nginx, newTag: "1.27"}\n',
        HEAD + f'  - {{name: nginx, newName: {M}nginx, newTag: "1.27"}}\n',
        {},
        id="flow-insert",
    ),
    pytest.param(
        HEAD + f"  - {{name: \"nginx\", digest: {SHA}}}\n  - {{newTag: '7', name: redis}}\n",
        HEAD + f'  - {{name: "nginx", newName: {M}nginx, digest: {SHA}}}\n'
        f"  - {{newTag: '7', name: redis, newName: {M}redis}}\n",
        {},
        id="flow-quoted-and-last",
    ),
    pytest.param(
        HEAD + "  - name: app\n    newName: 'redis'  # cache\n    newTag: '7'\n",
        HEAD + f"  - name: app\n    newName: '{M}redis'  # cache\n    newTag: '7'\n",
        {},
        id="edits-new-name",
    ),
    pytest.param(
        HEAD + "  - name: app\n    newName: &n redis\n  - name: app2\n    newName: *n\n",
        HEAD + f"  - name: app\n    newName: &n {M}redis\n  - name: app2\n    newName: *n\n",
        {},
        id="anchor-edited-once",
    ),
]

test_noop, test_problem, test_fix = KindTable("kustomize").tests(NOOP, PROBLEM, FIX)


def _uses(text: str) -> list[ImageUse]:
    return parse(SourceText(text)).image_uses({})


def test_rewrite_adds_new_name_and_declines_what_it_cannot_place():
    [block] = _uses(HEAD + "  - name: nginx\n    newTag: '1'\n")
    assert block.rewrite is not None
    at = len(HEAD + "  - name: nginx")
    assert block.rewrite("x.io/n") == ((at, at, "\n    newName: x.io/n"),)
    # a name from a merge key has no line of its own to follow
    [merged] = _uses("base: &b {name: nginx}\nimages:\n  - <<: *b\n    newTag: '1'\n")
    assert merged.rewrite is not None and merged.rewrite("x.io/n") is None
    # an alias of a name written elsewhere
    [aliased] = _uses("x: &n nginx\nimages:\n  - name: *n\n    newTag: '1'\n")
    assert aliased.rewrite is not None and aliased.rewrite("x.io/n") is None
    # a name that follows another key on its line (`- {...}` spread over lines is still flow)
    [flow] = _uses("images:\n  - {newTag: '1',\n     name: nginx}\n")
    assert flow.rewrite is not None and flow.rewrite("x.io/n") == (
        (len("images:\n  - {newTag: '1',\n     name: nginx"),) * 2 + (", newName: x.io/n",),
    )
    # with newName the plain edit of its literal is used: no rewrite
    [plain] = _uses("images:\n  - name: a\n    newName: nginx\n")
    assert plain.rewrite is None


def test_merged_name_gets_a_finding_without_a_fix():
    from helpers import findings

    [finding] = findings("base: &b {name: nginx}\nimages:\n  - <<: *b\n    newTag: '1'\n", "kustomize")
    assert finding.code == "DH001" and finding.fix is None
    assert "no automatic fix" in finding.message
