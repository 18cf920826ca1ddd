"""The Dockerfile kind's table on the shared harness (tests/kindtable.py): one case per shape
a kind must handle. Every site and form in depth: test_dockerfile_sites.py."""

from __future__ import annotations

import pytest
from helpers import make_config
from kindtable import KindTable

M = "public.ecr.aws/docker/library/"

NOOP = [
    pytest.param("FROM scratch\n", {}, id="scratch"),
    pytest.param(f"FROM {M}node:20 AS build\nFROM build\n", {}, id="stage"),
    pytest.param("FROM ghcr.io/acme/app:1\n", {}, id="other-registry"),
    pytest.param("# FROM node:20\nFROM scratch\n", {}, id="comment"),
    pytest.param("FROM scratch\nRUN <<EOF\nFROM node:20\nEOF\n", {}, id="heredoc-body"),
    pytest.param("FROM myorg/app:1\n", {"config": make_config(allow=["myorg/*"])}, id="allowed"),
]

PROBLEM = [
    pytest.param("FROM node:20\n", {(1, 6, "DH001")}, id="from"),
    pytest.param("from --platform=$BUILDPLATFORM node:20 as b\n", {(1, 32, "DH001")}, id="flags-lower-case"),
    pytest.param("ARG BASE=node:20\nFROM ${BASE}\n", {(1, 10, "DH001")}, id="arg-default"),
    pytest.param("FROM scratch\nCOPY --from=nginx:1.27 /a /b\n", {(2, 13, "DH001")}, id="copy-from"),
    pytest.param("FROM myorg/app:1\n", {(1, 6, "DH002")}, id="no-mirror"),
    pytest.param("ARG R\nFROM ${R}/app:1\n", {(2, 6, "DH003")}, id="unresolved"),
    pytest.param("FROM node:20 AS\n", {(1, 1, "DH900"), (1, 6, "DH001")}, id="parse-error"),
]

FIX = [
    pytest.param(  # the ARG also names the stage the last FROM builds on: fixing it would pull instead
        "ARG BASE=node\nFROM ${BASE} AS node\nFROM ${BASE}\n",
        "ARG BASE=node\nFROM ${BASE} AS node\nFROM ${BASE}\n",
        {},
        id="arg-also-names-a-stage-no-fix",
    ),
    pytest.param("FROM node:20\n", f"FROM {M}node:20\n", {}, id="from"),
    pytest.param("# base\nFROM node:20\nRUN x # y\n", f"# base\nFROM {M}node:20\nRUN x # y\n", {}, id="comments-kept"),
    pytest.param("FROM \\\n  node:20 AS b\n", f"FROM \\\n  {M}node:20 AS b\n", {}, id="continuation"),
    pytest.param('ARG BASE="node:20"\nFROM $BASE\n', f'ARG BASE="{M}node:20"\nFROM $BASE\n', {}, id="quoted-arg"),
    pytest.param("FROM node:20", f"FROM {M}node:20", {}, id="no-final-newline"),
    pytest.param("FROM centos:7\n", f"FROM {M}centos:7\n", {"unsafe": True}, id="unsafe"),
]

test_noop, test_problem, test_fix = KindTable("dockerfile").tests(NOOP, PROBLEM, FIX)
