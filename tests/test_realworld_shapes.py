"""Shapes met in public Dockerfiles that the first tables missed (a validation run over 77
real files from 37+ projects found these); each case is a small synthetic equivalent."""

from __future__ import annotations

import pytest
from helpers import findings, problems

from dehub.kinds import kind_for_path


@pytest.mark.parametrize(
    "name",
    [
        "ci/Dockerfile-envoy", "Dockerfile-alpine", "Dockerfile_dev", "Dockerfile-windows.template",
        "Containerfile-centos",
    ],
)
def test_dash_and_underscore_suffixed_names_are_dockerfiles(name):
    assert kind_for_path(name) == "dockerfile"


def test_onbuild_from_names_a_stage_of_the_child_build():
    text = (
        "FROM node:20-alpine\n"
        "ONBUILD COPY --from=installer /usr/app/node_modules ./node_modules\n"
        "ONBUILD RUN --mount=type=cache,from=deps,target=/x true\n"
        "ONBUILD COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"  # a tag: this one is an image
    )
    assert problems(text) == {(1, 6, "DH001"), (4, 21, "DH001")}


def test_platform_arg_that_can_only_name_earlier_stages_is_a_stage_reference():
    text = (
        "FROM golang:1.23 AS binaries-linux\n"
        "FROM scratch AS binaries-darwin\n"
        "FROM binaries-$TARGETOS AS binaries\n"
        "FROM gobuild-$BUILDARCH-$TARGETARCH AS nothing-matches\n"
    )
    assert problems(text) == {(1, 6, "DH001"), (4, 6, "DH003")}


def test_an_unknown_whole_name_stays_unresolved_even_with_stages_around():
    assert problems("ARG BASE\nFROM golang:1.23 AS build\nFROM ${BASE}\n") == {(2, 6, "DH001"), (3, 6, "DH003")}


def test_per_architecture_official_repository_is_explained():
    (finding,) = findings("ARG DOCKER_ARCH=amd64\nFROM ${DOCKER_ARCH}/alpine:latest\n")
    assert finding.code == "DH002"
    assert "amd64 build of the official image `alpine`" in finding.message
    assert "public.ecr.aws/docker/library/alpine" in finding.message


def test_syntax_directive_after_a_shebang_line():
    text = "#!/usr/bin/env -S docker build . -f\n# syntax=docker/dockerfile:1\nFROM scratch\n"
    assert problems(text) == {(2, 10, "DH002")}


def test_syntax_directive_takes_the_first_word():
    (finding,) = findings("# syntax=docker/dockerfile:1 foo=bar\nFROM scratch\n")
    assert (finding.code, finding.image) == ("DH002", "docker/dockerfile:1")
