"""The action metadata kind's table on the shared harness (tests/kindtable.py). Every site and
form in depth: test_workflow_sites.py."""

from __future__ import annotations

import pytest
from kindtable import KindTable

M = "public.ecr.aws/docker/library/"
COMPOSITE = "runs:\n  using: composite\n  steps:\n"

NOOP = [
    pytest.param("runs:\n  using: docker\n  image: Dockerfile\n", {}, id="builds-a-dockerfile"),
    pytest.param("runs:\n  using: node20\n  main: index.js\n", {}, id="javascript"),
    pytest.param(COMPOSITE + "    - run: echo hi\n      shell: bash\n", {}, id="no-pull"),
]

PROBLEM = [
    pytest.param("runs:\n  using: docker\n  image: docker://alpine:3.20\n", {(3, 19, "DH001")}, id="docker-image"),
    pytest.param(COMPOSITE + "    - uses: docker://alpine:3.20\n", {(4, 22, "DH001")}, id="docker-step"),
    pytest.param(
        COMPOSITE + "    - run: docker pull node:20\n      shell: bash\n", {(4, 24, "DH001")}, id="run-script"
    ),
    pytest.param(
        "inputs:\n  img:\n    default: node:20\n" + COMPOSITE + "    - run: docker pull ${{ inputs.img }}\n"
        "      shell: bash\n",
        {(3, 14, "DH001")},
        id="input-default",
    ),
]

FIX = [
    pytest.param(
        "runs:\n  using: docker\n  image: 'docker://alpine:3.20'\n",
        f"runs:\n  using: docker\n  image: 'docker://{M}alpine:3.20'\n",
        {},
        id="quoted-docker-image",
    ),
    pytest.param(
        COMPOSITE + "    - run: docker pull node:20  # warm the cache\n      shell: bash\n",
        COMPOSITE + f"    - run: docker pull {M}node:20  # warm the cache\n      shell: bash\n",
        {},
        id="run-with-comment",
    ),
]

test_noop, test_problem, test_fix = KindTable("action").tests(NOOP, PROBLEM, FIX)
