"""The kind registry (dehub/kinds.py) is the one place kinds are spelled: everything that lists
kinds agrees with it, and each kind has what a kind needs (module, table, examples)."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
import yaml
from helpers import findings

from dehub import kinds
from dehub.hooks import check_command, inventory_command
from dehub.lsp.documents import LANGUAGE_KINDS, detect_kind

ROOT = Path(__file__).resolve().parent.parent
KIND_NAMES = [kind.name for kind in kinds.KINDS]


def _hooks() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def render_table() -> str:
    """The README's table of kinds, from the registry."""
    rows = ["| `--kind` | files | a file named on the command line whose name says nothing |", "|---|---|---|"]
    for kind in kinds.KINDS:
        globs = ", ".join(f"`{glob}`" for glob in kind.paths)
        if not kind.paths:  # told by content alone
            globs = "any " + " or ".join(f"`{glob}`" for glob in kind.sniff_paths) + ", by content"
        if kind.not_paths:
            globs += " (not " + ", ".join(f"`{glob}`" for glob in kind.not_paths) + ")"
        module = importlib.import_module(kind.module)
        sniffed = ""
        if kind.sniff_priority is not None:
            sniffed = (module.sniff.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        rows.append(f"| `{kind.name}` | {globs} | {re.sub(' +', ' ', sniffed) or 'not by content'} |")
    return "\n".join(rows)


def test_readme_table_of_kinds_is_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- kinds -->\n", 1)[1].split("\n<!-- /kinds -->", 1)[0]
    assert section == render_table(), "README's table of kinds differs from dehub/kinds.py:\n" + render_table()


@pytest.mark.parametrize("kind", kinds.KINDS, ids=KIND_NAMES)
def test_kind_module_parses_and_sniffs(kind):
    module = importlib.import_module(kind.module)
    assert callable(module.parse)
    assert (kind.sniff_priority is None) or callable(module.sniff)
    assert module.parse.__annotations__ or module.parse.__doc__ is None  # typed like the others


@pytest.mark.parametrize("kind", kinds.KINDS, ids=KIND_NAMES)
def test_kind_examples_are_found_by_path_and_by_the_hooks(kind):
    assert kind.examples, "a kind lists example paths for this test and the README"
    if not kind.paths:  # told by content alone (Kubernetes manifests have any name): a walk sniffs them
        assert all(kinds.walk_kind(example) == kinds.SNIFF for example in kind.examples)
        return
    for example in kind.examples:
        assert kinds.kind_for_path(example) == kind.name, example
        assert kinds.not_read_yet(example) is None, example
        for hook in _hooks():
            files, exclude = re.compile(hook["files"]), re.compile(hook.get("exclude", "^$"))
            assert files.search(example) and not exclude.search(example), (hook["id"], example)


@pytest.mark.parametrize("kind", kinds.KINDS, ids=KIND_NAMES)
def test_every_kind_has_its_table_on_the_shared_harness(kind):
    table = ROOT / "tests" / f"test_kind_{kind.name}.py"
    assert table.is_file(), f"{table.name}: a kind's NOOP / PROBLEM / FIX tables (tests/kindtable.py)"
    assert f'KindTable("{kind.name}").tests(NOOP, PROBLEM, FIX)' in table.read_text(encoding="utf-8")


def test_cli_and_lsp_read_the_registry():
    check_kind = next(option for option in check_command.CHECK_OPTIONS if "--kind" in option.names)
    assert check_kind.choices == tuple(KIND_NAMES)
    inventory_kind = next(option for option in inventory_command.INVENTORY_OPTIONS if "--kind" in option.names)
    assert inventory_kind.choices == tuple(kind.name for kind in kinds.KINDS if kind.pipeline)
    expected = {language: kind.name for kind in kinds.KINDS for language in kind.language_ids}
    assert expected == LANGUAGE_KINDS
    assert detect_kind(None, "dockerfile", "") == "dockerfile"
    assert detect_kind(None, "github-actions-workflow", "") == "workflow"
    assert detect_kind("/x/notes.txt", "plaintext", "hello\n") is None


@pytest.mark.parametrize(
    ("kind", "text", "hint"),
    [
        ("dockerfile", "ARG REG\nFROM ${REG}/app:1\n", "; give REG a default, or pass --build-arg REG=VALUE"),
        (
            "workflow",
            "on: push\njobs:\n  a:\n    container: ${{ secrets.IMAGE }}\n",
            "; dehub reads static matrix values, `env:` literals and input defaults written in the file",
        ),
        (
            "action",
            "runs:\n  using: composite\n  steps:\n    - run: docker run $IMAGE\n      shell: bash\n",
            "; dehub reads static matrix values, `env:` literals and input defaults written in the file",
        ),
        (
            "shell",
            "#!/bin/sh\ndocker run $IMAGE\n",
            (
                "; dehub reads variables the script assigns before the pull (`IMAGE=node:20`, `${IMAGE:-node:20}`); "
                "the environment, arguments and command output are unknown"
            ),
        ),
        (
            "makefile",
            "t:\n\tdocker run $(IMAGE)\n",
            (
                "; dehub reads the Makefile's own assignments (`IMAGE ?= node:20`) and variables a recipe line "
                "assigns; the environment, functions (`$(shell ...)`) and automatic variables are unknown"
            ),
        ),
    ],
)
def test_unresolved_hint_fits_the_kind(kind, text, hint):
    [finding] = findings(text, kind)
    assert finding.code == "DH003"
    assert finding.message.endswith(hint)
    assert kind == "dockerfile" or "--build-arg" not in finding.message


def test_a_walk_asks_only_the_kinds_that_read_the_name_by_content():
    """A walked `*.yml` is sniffed only by kinds whose `sniff_paths` take it (Kubernetes): a
    workflow-shaped `config/ci.yml` is not a workflow (GitHub runs `.github/workflows/` only),
    though the same file named on the command line is read by its content."""
    workflow = "on: push\njobs:\n  a:\n    container: node:20\n"
    assert kinds.walk_kind("config/ci.yml") == kinds.SNIFF
    assert kinds.kind_for_text(workflow, "config/ci.yml", walked=True) is None
    assert kinds.kind_for_text(workflow, "config/ci.yml") == "workflow"
    assert kinds.kind_for_text("apiVersion: v1\nkind: Pod\n", "config/pod.yml", walked=True) == "kubernetes"
    assert kinds.kind_for_text("apiVersion: v1\nkind: Pod\n", "config/pod.json", walked=True) is None


def test_sniffing_order_and_exclusions():
    assert kinds.kind_for_text("on: push\njobs:\n  a: {}\n") == "workflow"
    assert kinds.kind_for_text("runs:\n  using: docker\n  image: x\n") == "action"
    assert kinds.kind_for_text("FROM node:20\n") == "dockerfile"
    assert kinds.kind_for_text("FROM node:20\n", "notes.md") is None  # prose about a Dockerfile
    assert kinds.kind_for_text("FROM node:20\n", "build.txt") is None
    assert kinds.kind_for_text("hello\n") is None


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".github/workflows/action.yml", "workflow"),  # GitHub runs every YAML file there as a workflow
        (".github/workflows/Dockerfile.yml", "workflow"),
        ("Dockerfile.yml", "dockerfile"),
        (".github/actions/x/action.yml", "action"),
        ("app/.github/workflows/ci.yml", "workflow"),
        ("C:\\src\\app\\Dockerfile", "dockerfile"),
    ],
)
def test_first_matching_kind_wins(path, kind):
    assert kinds.kind_for_path(path) == kind


def test_a_walk_sniffs_the_names_a_kind_reads_by_content_and_skips_the_rest_quietly(tmp_path, monkeypatch, capsys):
    """`KindSpec.sniff_paths`: a folder walk takes `*.yaml` for a kind told by content (compose
    here); a file of that name that is no such kind is skipped without a word, one named
    explicitly is not. Only the kinds whose `sniff_paths` take the name are sniffed: a workflow
    in a subfolder of `.github/workflows/` (GitHub ignores it) is not read as a workflow."""
    from dehub.hooks.cli import main

    workflow = "on: push\njobs:\n  a:\n    container: node:20\n"
    (tmp_path / "deploy.yaml").write_text("services:\n  web:\n    image: node:20\n", encoding="utf-8")
    (tmp_path / "ci.yaml").write_text(workflow, encoding="utf-8")
    (tmp_path / ".github" / "workflows" / "old").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "old" / "ci.yml").write_text(workflow, encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("just: data\n", encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00bin")
    (tmp_path / "other.txt").write_text(workflow, encoding="utf-8")
    assert kinds.walk_kind("a/notes.yaml") == kinds.SNIFF
    assert kinds.walk_kind("a/Dockerfile") == "dockerfile"
    assert kinds.walk_kind("a/other.txt") is None
    assert kinds.kind_for_text(workflow, "ci.yaml") == "workflow"  # named explicitly: any kind's sniff
    assert kinds.kind_for_text(workflow, "ci.yaml", walked=True) is None
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "."]) == 1
    out, err = capsys.readouterr()
    found = json.loads(out)["findings"]
    assert [(f["path"], f["kind"], f["code"]) for f in found] == [("deploy.yaml", "compose", "DH001")]
    assert err == ""
    assert main(["check", "notes.yaml"]) == 0
    assert "skipped notes.yaml: not a kind of file dehub reads" in capsys.readouterr().err
    assert main(["check", "--format", "json", "ci.yaml"]) == 1
    assert [f["kind"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["workflow"]



def test_drone_woodpecker_and_jenkinsfiles_are_told_by_content_and_not_taken_for_each_other():
    drone = "kind: pipeline\ntype: docker\nname: a\nsteps:\n  - name: a\n    image: node:20\n"
    woodpecker = "steps:\n  build:\n    image: node:20\n    commands: [make]\n"
    jenkinsfile = "pipeline {\n  agent { docker 'node:20' }\n}\n"
    assert kinds.kind_for_text(drone) == "drone"
    assert kinds.kind_for_text(woodpecker) == "woodpecker"
    assert kinds.kind_for_text(jenkinsfile) == "jenkinsfile"
    assert kinds.kind_for_text("trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: make\n") == "azure"


def test_a_named_manifest_is_sniffed_without_importing_the_ci_kinds():
    """Sniffing imports a kind's module; a YAML file named on the command line (or an editor's
    stdin) is sniffed first by the kinds that read such names by content, so a Kubernetes
    manifest does not cost every CI kind's import (about 100 ms)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom dehub import kinds\n"
        "text = 'apiVersion: v1\\nkind: Pod\\nspec:\\n  containers: [{name: a, image: node:20}]\\n'\n"
        "assert kinds.kind_for_text(text, 'k8s/pod.yaml') == 'kubernetes'\n"
        "print(sorted(name for name in sys.modules if name.startswith(('dehub.gha', 'dehub.gitlab', "
        "'dehub.circleci', 'dehub.azure', 'dehub.drone', 'dehub.jenkins', 'dehub.shell'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert kinds.kind_for_text("on: push\njobs:\n  a: {}\n", "ci.yml") == "workflow"  # still found by content


@pytest.mark.parametrize(
    ("path", "kind"),
    [(".woodpecker/compose.yml", "woodpecker"), (".woodpecker/docker-compose.yaml", "woodpecker"),
     ("deploy/docker-compose.yml", "compose"), ("compose.yaml", "compose")],
)  # fmt: skip
def test_a_woodpecker_workflow_named_like_a_compose_file_is_woodpecker(path, kind):
    """Woodpecker runs every YAML file in `.woodpecker/`, whatever its name."""
    assert kinds.kind_for_path(path) == kind
