"""Every registered kind works from every entry point: `dehub check` on a named file and on a
folder walk, `dehub check --fix`, `dehub inventory` (pipeline kinds), the language server, and
the pre-commit hooks run by the real pre-commit.

Nothing here is written per kind: each kind's own table (`tests/test_kind_<name>.py`) supplies
the text, taking its first PROBLEM case that has a DH001 and its first FIX case, and the kind's
first example path (`KindSpec.examples`) names the file. A kind told only by content (no path
globs) is written as `<name>-sample.yaml`, which a folder walk sniffs.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import RecordingClient, init_params, make_client, open_document, workspace
from pytest_lsp import ClientServerConfig
from test_precommit import output, pc  # noqa: F401 - `pc` is the session fixture: one hook environment

from dehub import kinds
from dehub.hooks.cli import main

KIND_NAMES = [kind.name for kind in kinds.KINDS]


class Sample:
    """One kind's problem text with its expected (line, column, code)s, and one fix case."""

    def __init__(self, kind: kinds.KindSpec) -> None:
        table = importlib.import_module(f"test_kind_{kind.name}")
        problem = next(case for case in table.PROBLEM if any(code == "DH001" for _, _, code in case.values[1]))
        self.kind = kind
        self.text: str = problem.values[0]
        self.expected: set[tuple[int, int, str]] = problem.values[1]
        fix = next(case for case in table.FIX if not case.values[2])  # a fix with default options
        self.fix_text: str = fix.values[0]
        self.fixed: str = fix.values[1]
        self.path = kind.examples[0] if kind.paths else f"{kind.name}-sample.yaml"


SAMPLES = {kind.name: Sample(kind) for kind in kinds.KINDS}


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


def check_json(capsys, args: list[str]) -> tuple[int, list[dict]]:
    status = main(["check", "--format", "json", "--isolated", *args])
    return status, json.loads(capsys.readouterr().out)["findings"]


@pytest.mark.parametrize("name", KIND_NAMES)
def test_check_a_named_file(name, tmp_path, monkeypatch, capsys):
    sample = SAMPLES[name]
    write(tmp_path, sample.path, sample.text)
    monkeypatch.chdir(tmp_path)
    status, found = check_json(capsys, [sample.path])
    assert status == 1
    assert {(f["line"], f["column"], f["code"]) for f in found} == sample.expected
    assert {f["kind"] for f in found} == {name}


@pytest.mark.parametrize("name", KIND_NAMES)
def test_check_a_folder_finds_the_kind(name, tmp_path, monkeypatch, capsys):
    sample = SAMPLES[name]
    write(tmp_path, sample.path, sample.text)
    write(tmp_path, "notes/data.yaml", "just: data\nimage: node:20\n")  # no kind: skipped quietly
    monkeypatch.chdir(tmp_path)
    status, found = check_json(capsys, ["."])
    assert status == 1
    assert {(f["path"], f["line"], f["column"], f["code"]) for f in found} == {
        (sample.path, *expected) for expected in sample.expected
    }


@pytest.mark.parametrize("name", KIND_NAMES)
def test_fix_rewrites_the_file(name, tmp_path, monkeypatch, capsys):
    sample = SAMPLES[name]
    path = write(tmp_path, sample.path, sample.fix_text)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--fix", "--isolated", "--quiet", sample.path]) in (0, 1)
    assert path.read_bytes() == sample.fixed.encode()
    capsys.readouterr()


@pytest.mark.parametrize("name", kinds.PIPELINE_NAMES)
def test_inventory_counts_what_check_reports(name, tmp_path, monkeypatch, capsys):
    sample = SAMPLES[name]
    write(tmp_path, sample.path, sample.text)
    monkeypatch.chdir(tmp_path)
    _, found = check_json(capsys, [sample.path])
    assert main(["inventory", "--format", "json", "--isolated", sample.path]) == 0
    [listed] = json.loads(capsys.readouterr().out)["files"]
    assert listed["kind"] == name
    pulled = {pull["image"] for job in listed["jobs"] for pull in job["pulls"] if pull["docker_hub"]}
    assert {f["image"] for f in found if f["code"] == "DH001"} <= pulled


# ---------------------------------------------------------------- the language server

CONFIG = ClientServerConfig(server_command=[*__import__("lsp_support").SERVER], client_factory=make_client)
pytestmark_lsp = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def editor(lsp_client: RecordingClient, tmp_path_factory):
    root = workspace(tmp_path_factory.mktemp("editor"))
    lsp_client.root = root  # type: ignore[attr-defined]
    await lsp_client.initialize_session(init_params(root))
    yield
    await lsp_client.shutdown_session()


@pytestmark_lsp
@pytest.mark.parametrize("name", KIND_NAMES)
async def test_language_server_diagnostics(name, editor: RecordingClient):
    sample = SAMPLES[name]
    root: Path = editor.root  # type: ignore[attr-defined]
    language = sample.kind.language_ids[0] if sample.kind.language_ids else "plaintext"
    found = await open_document(editor, root / name / sample.path, sample.text, language)
    # LSP positions are 0-based UTF-16; the samples are ASCII, so columns are characters
    assert {(d.range.start.line + 1, d.range.start.character + 1, d.code) for d in found} == sample.expected


# ---------------------------------------------------------------- pre-commit

def test_precommit_hooks_check_and_fix_every_kind(pc, tmp_path):  # noqa: F811 - the fixture
    by_path = list(SAMPLES.values())  # a kind told by content is passed too (its name is a YAML file's)
    files = {sample.path: sample.text for sample in by_path}
    files["mkdocs.yml"] = "site_name: docs\nimage: node:20\n"  # YAML of no kind: dropped without a note
    files["bin/notes"] = "image: node:20\n"  # not a script
    project = pc.project(tmp_path / "project", ["dehub", "dehub-fix"], files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    checked = pc.pre_commit(project, "run", "dehub", "--all-files")
    text = output(checked)
    assert checked.returncode == 1, text
    reported = set(re.findall(r"^(\S+):(\d+):(\d+): (DH\d{3})", text, flags=re.M))
    expected = {(s.path, str(line), str(column), code) for s in by_path for line, column, code in s.expected}
    assert reported == expected
    assert "mkdocs.yml" not in text and "bin/notes" not in text

    for sample in by_path:
        write(project, sample.path, sample.fix_text)
    fixed = pc.pre_commit(project, "run", "dehub-fix", "--all-files")
    assert fixed.returncode == 1, output(fixed)
    for sample in by_path:
        assert (project / sample.path).read_bytes() == sample.fixed.encode(), sample.path
