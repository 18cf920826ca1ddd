"""The workflow kind's table on the shared harness (tests/kindtable.py): one case per shape a
kind must handle (flow style, anchors, quoting, comments, block scalars). Every site and form
in depth: test_workflow_sites.py."""

from __future__ import annotations

import pytest
from kindtable import KindTable

M = "public.ecr.aws/docker/library/"
HEAD = "on: push\njobs:\n  a:\n"

NOOP = [
    pytest.param(HEAD + f"    container: {M}node:20\n", {}, id="mirrored"),
    pytest.param(HEAD + "    container: ghcr.io/acme/app:1\n", {}, id="other-registry"),
    pytest.param(HEAD + "    # container: node:20\n    runs-on: x\n", {}, id="comment"),
    pytest.param(HEAD + "    steps:\n      - run: echo docker run node:20\n", {}, id="echo"),
    pytest.param(HEAD + "    container: ''\n", {}, id="empty"),
]

PROBLEM = [
    pytest.param(HEAD + "    container: node:20\n", {(4, 16, "DH001")}, id="container"),
    pytest.param("{on: push, jobs: {a: {container: node:20}}}\n", {(1, 34, "DH001")}, id="flow-style"),
    pytest.param(
        HEAD + "    container: &n node:20\n  b:\n    container: *n\n", {(4, 19, "DH001")}, id="anchor-alias"
    ),
    pytest.param(HEAD + "    services:\n      db:\n        image: 'postgres:16'\n", {(6, 17, "DH001")}, id="quoted"),
    pytest.param(
        HEAD + "    steps:\n      - run: |\n          docker run --rm redis:7 true\n", {(6, 27, "DH001")}, id="run"
    ),
    pytest.param(HEAD + "    steps:\n      - uses: docker/setup-qemu-action@v3\n", {(5, 15, "DH004")}, id="hidden"),
    pytest.param(HEAD + "    container: ${{ secrets.IMAGE }}\n", {(4, 16, "DH003")}, id="unresolved"),
    pytest.param(HEAD + "    container: [\n", {(5, 1, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(HEAD + "    container: node:20\n", HEAD + f"    container: {M}node:20\n", {}, id="container"),
    pytest.param(
        HEAD + '    container: {image: "node:20"}  # ci\n',
        HEAD + f'    container: {{image: "{M}node:20"}}  # ci\n',
        {},
        id="flow-quoted-comment",
    ),
    pytest.param(
        HEAD + "    container: &n node:20\n  b:\n    container: *n\n",
        HEAD + f"    container: &n {M}node:20\n  b:\n    container: *n\n",
        {},
        id="anchor",
    ),
    pytest.param(
        HEAD + "    steps:\n      - run: >-\n          docker run redis:7\n",
        HEAD + f"    steps:\n      - run: >-\n          docker run {M}redis:7\n",
        {},
        id="folded-script",
    ),
    pytest.param(
        HEAD + "    strategy:\n      matrix:\n        img: [node:20]\n    container: ${{ matrix.img }}\n",
        HEAD + f"    strategy:\n      matrix:\n        img: [{M}node:20]\n    container: ${{{{ matrix.img }}}}\n",
        {},
        id="matrix-literal",
    ),
]

test_noop, test_problem, test_fix = KindTable("workflow").tests(NOOP, PROBLEM, FIX)
