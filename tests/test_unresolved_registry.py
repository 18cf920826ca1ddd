"""A reference whose registry is written out but whose path is not known is still known not to
come from Docker Hub: no DH003, and `dehub inventory` counts it as elsewhere. And YAML kinds are
recognised by content when the name says nothing."""

from __future__ import annotations

import json

import pytest
from helpers import problems

from dehub.hooks.cli import main
from dehub.kinds import kind_for_text


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param("ARG ORG\nFROM ghcr.io/${ORG}/app:1\n", "dockerfile", set(), id="dockerfile-known-registry"),
        pytest.param("ARG ORG\nFROM localhost:5000/${ORG}/app\n", "dockerfile", set(), id="dockerfile-registry-port"),
        pytest.param("ARG ORG\nFROM ${ORG}/app:1\n", "dockerfile", {(2, 6, "DH003")}, id="unknown-namespace"),
        pytest.param("ARG ORG\nFROM docker.io/${ORG}/app:1\n", "dockerfile", {(2, 6, "DH003")}, id="hub-alias-unknown"),
        pytest.param(
            "on: push\njobs:\n  a:\n    container: ghcr.io/${{ github.repository }}/ci:latest\n",
            "workflow",
            set(),
            id="workflow-known-registry",
        ),
        pytest.param(
            "on: push\njobs:\n  a:\n    container: ${{ vars.REGISTRY }}/ci:latest\n",
            "workflow",
            {(4, 16, "DH003")},
            id="workflow-unknown-registry",
        ),
    ],
)
def test_known_registry_with_unknown_path(text, kind, expected):
    assert problems(text, kind) == expected


def test_inventory_counts_a_known_registry_as_elsewhere(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ci.yml").write_text("on: push\njobs:\n  a:\n    container: ghcr.io/${{ github.repository }}/ci\n")
    assert main(["inventory", "--format", "json", "--kind", "workflow", "ci.yml"]) == 0
    report = json.loads(capsys.readouterr().out)
    (pull,) = report["files"][0]["jobs"][0]["pulls"]
    assert (pull["docker_hub"], report["files"][0]["exact"]) == (False, True)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("name: ci\non: push\njobs:\n  a:\n    runs-on: x\n", "workflow"),
        ("'on': [push]\njobs: {}\n", "workflow"),
        ("name: x\nruns:\n  using: composite\n  steps: []\n", "action"),
        ("runs: 3\n", None),  # no `using:`: not an action
        ("jobs:\n  a: 1\n", None),  # no `on:`: not a workflow
        ("FROM node:20\n", "dockerfile"),
    ],
)
def test_kind_by_content(text, kind):
    assert kind_for_text(text, "pipeline") == kind


def test_check_reads_an_unnamed_workflow_by_content(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pipeline").write_text("on: push\njobs:\n  a:\n    container: node:20\n")
    assert main(["check", "pipeline"]) == 1
    assert "pipeline:4:16: DH001" in capsys.readouterr().out
