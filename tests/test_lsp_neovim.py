"""End to end in a real editor: headless Neovim's built-in LSP client starts `dehub lsp`, opens
a Dockerfile and a workflow, and reports the diagnostics it shows (tests/lsp_nvim/init.lua)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dehub.fixer import fix_source
from dehub.lint import Settings
from dehub.source import SourceText

NVIM = shutil.which("nvim")
INIT = Path(__file__).parent / "lsp_nvim" / "init.lua"

DOCKERFILE = "FROM scratch\nCOPY --chown=\U0001f433 --from=node:20 /a /b\nFROM bitnami/kafka:3.7\n"
WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:20
    steps:
      - run: echo "\U0001f433" && docker pull redis:7
"""


@pytest.mark.skipif(NVIM is None, reason="nvim is not on PATH (apt-get install neovim to run this test)")
def test_neovim_shows_dehub_diagnostics(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".github" / "workflows").mkdir(parents=True)
    dockerfile = root / "Dockerfile"
    workflow = root / ".github" / "workflows" / "ci.yml"
    dockerfile.write_text(DOCKERFILE, encoding="utf-8")
    workflow.write_text(WORKFLOW, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = {
        **os.environ,
        "DEHUB_NVIM_CMD": json.dumps([sys.executable, "-m", "dehub.hooks.cli", "lsp"]),
        "DEHUB_NVIM_ROOT": str(root),
        "DEHUB_NVIM_FILES": json.dumps([str(dockerfile), str(workflow)]),
        "DEHUB_NVIM_OUT": str(out),
        "XDG_STATE_HOME": str(tmp_path / "state"),  # Neovim's LSP log goes there, not to ~
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [NVIM, "--headless", "--clean", "-u", str(INIT)], env=env, cwd=root, capture_output=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert out.exists(), f"nvim wrote no result (exit {done.returncode}): {done.stderr.decode(errors='replace')}"
    result = json.loads(out.read_text())
    assert result["ready"], result
    files = {Path(item["path"]).name: item["diagnostics"] for item in result["files"]}

    docker = sorted((d["lnum"], d["col"], d["end_col"], d["code"], d["source"]) for d in files["Dockerfile"])
    line = DOCKERFILE.splitlines()[1].encode()
    start = line.index(b"node:20")  # Neovim columns are bytes: the whale is 4 of them
    assert docker == [(1, start, start + 7, "DH001", "dehub"), (2, 5, 22, "DH002", "dehub")]
    node = next(d for d in files["Dockerfile"] if d["code"] == "DH001")
    assert node["message"].startswith("`node:20` is pulled from Docker Hub")
    assert node["severity"] == 1  # vim.diagnostic.severity.ERROR

    flow = sorted((d["lnum"], d["code"]) for d in files["ci.yml"])
    assert flow == [(4, "DH001"), (6, "DH001")]
    redis = next(d for d in files["ci.yml"] if d["lnum"] == 6)
    assert WORKFLOW.splitlines()[6].encode()[redis["col"] : redis["end_col"]] == b"redis:7"

    # "Fix all", resolved and applied by Neovim itself, gives what `dehub check --fix` writes
    assert result["fix_all_titles"] == ["Fix all dehub problems in this file"]
    expected = fix_source(SourceText(DOCKERFILE), "dockerfile", Settings(), unsafe=False).source.text
    assert result["fixed_first"] == expected != DOCKERFILE
