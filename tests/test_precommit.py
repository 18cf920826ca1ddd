"""The pre-commit hooks, run by the real pre-commit against a snapshot of this checkout.

The checkout may have uncommitted work, so the session first copies the working tree (every
file `git ls-files --cached --others --exclude-standard` lists) into a fresh git repository and
uses that commit as the hook repository. `PRE_COMMIT_HOME` points at a session folder, so the
hook environment (a virtualenv with dehub pip-installed from the snapshot) is built once and
shared by every test. Each scenario then works in its own throwaway "project" repository.

The snapshot is also tagged `v` + `dehub.__version__`, the release tag README's pre-commit
snippets pin, so those snippets run exactly as written against a clone of it.

The first test in the module also has a fast half: `.pre-commit-hooks.yaml` parsed with PyYAML,
its `files`/`exclude` regexes compared with `dehub.kinds.kind_for_path`.
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
from monorepo import DOCKERFILE as MONOREPO_DOCKERFILE
from monorepo import EXPECTED, write_monorepo
from monorepo import reported as monorepo_reported
from test_readme import precommit_snippets

from dehub import __version__
from dehub.kinds import kind_for_path, walk_kind

ROOT = Path(__file__).resolve().parent.parent
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 900  # building the hook environment pip-installs dehub from the snapshot
MIRROR = "public.ecr.aws/docker/library"


# --------------------------------------------------------------------------------------------
# Fast: the hook manifest itself.
# --------------------------------------------------------------------------------------------

def _manifest() -> dict[str, dict]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return {hook["id"]: hook for hook in hooks}


def _hook_sees(hook: dict, path: str) -> bool:
    """What pre-commit does with a path (`classifier.filenames_for_hook`): `re.search`."""
    files = re.compile(hook.get("files", ""))
    exclude = re.compile(hook.get("exclude", "^$"))
    return bool(files.search(path)) and not exclude.search(path)


# Names dehub reads, and names it must not; pre-commit passes repo-relative `/` paths.
KIND_TABLE = [
    ".github/workflows/ci.yml",
    ".github/workflows/release.yaml",
    ".github/workflows/nested/not-a-workflow.yml",
    "sub/.github/workflows/ci.yml",
    ".github/ci.yml",
    "workflow-templates/ci.yml",
    "action.yml",
    "action.yaml",
    "actions/setup/action.yml",
    ".github/actions/build/action.yml",
    ".github/actions/build/helper.yaml",
    "myaction.yml",
    "docker-compose.yml",
    "compose.yaml",
    "compose.override.yml",
    "compose-dev.yaml",
    "deploy/docker-compose.prod.yaml",
    "stack.compose.yml",
    "mycompose.yml",
    "compose.json",
    "docker-compose.yml.j2",
    ".github/workflows/ci.yml.bak",
    "Dockerfile",
    "Containerfile",
    "dockerfile",
    "DOCKERFILE",
    "containerfile",
    "Dockerfile.prod",
    "Dockerfile.dev.local",
    "Containerfile.arm64",
    "Dockerfile.yaml",
    "app.Dockerfile",
    "app.dockerfile",
    "a.b.containerfile",
    "sub/x.containerfile",
    "services/api/Dockerfile",
    "deep/er/path/Dockerfile.ci",
    "x.Containerfile",
    "Dockerfile.dockerignore",
    "Containerfile.dockerignore",
    "Dockerfile.prod.dockerignore",
    ".dockerignore",
    "app.Dockerfile.dockerignore",
    "README.md",
    "docs/Dockerfile-guide.md",
    "notes.txt",
    "mydockerfile",
    "Dockerfiles",
    "Dockerfile-dev",
    "Dockerfile_prod",
    "xDockerfile",
    "dockerfile/setup.py",
    "Dockerfile/README",
    "x.Dockerfile.md",
    "foo.dockerfile.bak",
    "docker-compose.yml",
    "Makefile",
    "GNUmakefile",
    "sub/makefile",
    "build/docker.mk",
    "Makefile.am",
    "notMakefile",
    "deploy.sh",
    "scripts/ci/pull.bash",
    "deploy.sh.bak",
    "bin/deploy",
    "README.sh.md",
]

# The names kind_for_path rejects by their suffix (kinds.NOT_DOCKERFILE_SUFFIXES) although the
# base name says Dockerfile; the hook manifest's `exclude` must drop them too.
SUFFIX_REJECTED = [
    "Dockerfile.md",
    "Dockerfile.MD",
    "Dockerfile.txt",
    "Dockerfile.rst",
    "Dockerfile.orig",
    "Dockerfile.rej",
    "Dockerfile.swp",
    "Dockerfile.bak",
    "docs/Containerfile.md",
]


def test_manifest_ids_entries_language():
    hooks = _manifest()
    assert set(hooks) == {"dehub", "dehub-fix", "dehub-hadolint"}
    assert hooks["dehub"]["entry"] == "dehub check --force-exclude --filter-files"
    assert hooks["dehub-fix"]["entry"] == "dehub check --fix --exit-non-zero-on-fix --force-exclude --filter-files"
    assert hooks["dehub-hadolint"]["entry"] == "dehub check --hadolint --force-exclude --filter-files"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["name"]
        assert "files" in hook
        # Both hooks must see exactly the same files.
        assert hook.get("files") == hooks["dehub"].get("files")
        assert hook.get("exclude") == hooks["dehub"].get("exclude")
        assert hook.get("types", ["file"]) == ["file"], "identify has no tag for *.dockerfile"
        assert hook.get("pass_filenames", True) is True
        # The manifest must load in the pre-commit version the tests run.
        re.compile(hook["files"])
        re.compile(hook.get("exclude", "^$"))


def test_manifest_declares_the_hadolint_hook():
    hooks = _manifest()
    hook = hooks[HADOLINT_HOOK]
    assert hook["name"] == "dehub + hadolint"
    assert hook["entry"] == "dehub check --hadolint --force-exclude --filter-files"
    assert hook["language"] == "python"
    assert hook["minimum_pre_commit_version"] == "3.0.0"
    assert hook["files"] == hooks["dehub"]["files"]
    assert hook["exclude"] == hooks["dehub"]["exclude"]
    assert hook.get("pass_filenames", True) is True
    assert hook.get("types", ["file"]) == ["file"]
    # The two older hooks are unchanged.
    assert hooks["dehub"]["entry"] == "dehub check --force-exclude --filter-files"
    assert hooks["dehub-fix"]["entry"] == "dehub check --fix --exit-non-zero-on-fix --force-exclude --filter-files"


def test_manifest_validates_with_pre_commit():
    from pre_commit.clientlib import load_manifest

    loaded = load_manifest(str(HOOKS_FILE))
    assert {hook["id"] for hook in loaded} == {"dehub", "dehub-fix", "dehub-hadolint"}


@pytest.mark.parametrize("hook_id", ["dehub", "dehub-fix", "dehub-hadolint"])
@pytest.mark.parametrize("path", KIND_TABLE)
def test_manifest_filter_matches_kind_for_path(hook_id, path):
    hook = _manifest()[hook_id]
    assert _hook_sees(hook, path) == (walk_kind(path) is not None), path


@pytest.mark.parametrize("path", SUFFIX_REJECTED)
def test_manifest_filter_rejects_what_kind_for_path_rejects(path):
    assert kind_for_path(path) is None
    for hook in _manifest().values():
        assert not _hook_sees(hook, path), path


# --------------------------------------------------------------------------------------------
# Slow: the real pre-commit.
# --------------------------------------------------------------------------------------------

def _clean_env(home: Path, gitconfig: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT", "HADOLINT_", "DEHUB_"))
        and key not in ("SKIP", "PYTHONPATH", "PYTHONHOME", "GITHUB_ACTIONS")
    }
    user_home = home / "user"
    user_home.mkdir(parents=True, exist_ok=True)
    env.update(
        # No user hadolint configuration (~/.hadolint.yaml, ~/.config/hadolint.yaml); pip keeps its cache.
        HOME=str(user_home),
        XDG_CONFIG_HOME=str(user_home / ".config"),
        PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "pip"),
        PRE_COMMIT_HOME=str(home),
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
    # dehub-hadolint must find hadolint beside the hook environment's Python, not on PATH.
    folders = os.environ.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(
        folder for folder in folders if folder and not os.path.exists(os.path.join(folder, "hadolint"))
    )
    return env


class Session:
    """The shared state: environment, snapshot repository and its commit."""

    def __init__(self, env: dict[str, str], snapshot: Path, rev: str) -> None:
        self.env = env
        self.snapshot = snapshot
        self.rev = rev

    def run(self, args: list[str], cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def git(self, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        completed = self.run(["git", *args], cwd)
        if check and completed.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
        return completed

    def pre_commit(self, cwd: Path, *args: str) -> subprocess.CompletedProcess:
        return self.run([sys.executable, "-m", "pre_commit", *args], cwd)

    def project(self, folder: Path, hook_ids: list[str], files: dict[str, bytes | str] | None = None) -> Path:
        """A git repository whose committed .pre-commit-config.yaml uses the snapshot."""
        folder.mkdir(parents=True, exist_ok=True)
        self.git(folder, "init", "-q")
        config = {
            "repos": [
                {"repo": str(self.snapshot), "rev": self.rev, "hooks": [{"id": hook} for hook in hook_ids]}
            ]
        }
        (folder / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        self.git(folder, "add", ".pre-commit-config.yaml")
        self.git(folder, "commit", "-q", "--no-verify", "-m", "pre-commit config")
        for name, content in (files or {}).items():
            write(folder / name, content)
        return folder

    def commits(self, repo: Path) -> int:
        completed = self.git(repo, "rev-list", "--count", "HEAD", check=False)
        return int(completed.stdout.strip()) if completed.returncode == 0 else 0


def write(path: Path, content: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def output(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout + completed.stderr


def _snapshot_tree(destination: Path, env: dict[str, str]) -> None:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
        timeout=120,
        env=env,
    ).stdout
    copied = 0
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        relative = os.fsdecode(raw)
        source = ROOT / relative
        if not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree, or a submodule
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied += 1
    assert copied, "git ls-files listed nothing to snapshot"
    assert (destination / ".pre-commit-hooks.yaml").is_file()


@pytest.fixture(scope="session")
def pc(tmp_path_factory) -> Session:
    """The snapshot hook repository, and a pre-commit home with its environment built."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    gitconfig = base / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = dehub tests\n\temail = dehub-tests@example.invalid\n"
        "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
        "[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = false\n\tsafecrlf = false\n"
        "[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    env = _clean_env(base / "pre-commit-home", gitconfig)
    snapshot = base / "hook-repo"
    snapshot.mkdir()
    _snapshot_tree(snapshot, env)
    session = Session(env, snapshot, "")
    session.git(snapshot, "init", "-q")
    session.git(snapshot, "add", "-A")
    session.git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot of the dehub working tree")
    session.rev = session.git(snapshot, "rev-parse", "HEAD").stdout.strip()
    session.git(snapshot, "tag", f"v{__version__}")  # the release tag README's snippets pin

    # Build the hook environment once, here, so a failure says so plainly.
    warm = session.project(base / "warm-up", ["dehub", "dehub-fix"])
    completed = session.pre_commit(warm, "install-hooks")
    assert completed.returncode == 0, f"building the hook environment failed:\n{output(completed)}"
    return session


# Scenario A: the check hook blocks a commit ------------------------------------------------

def test_check_hook_blocks_commit(pc, tmp_path):
    project = pc.project(tmp_path / "project", ["dehub"])
    installed = pc.pre_commit(project, "install")
    assert installed.returncode == 0, output(installed)
    before = pc.commits(project)
    write(project / "Dockerfile", "FROM node:20\n")
    pc.git(project, "add", "Dockerfile")

    completed = pc.git(project, "commit", "-m", "add a Dockerfile", check=False)

    text = output(completed)
    assert completed.returncode != 0, text
    assert "Dockerfile:1:6: DH001" in text
    assert f"{MIRROR}/node:20" in text
    assert pc.commits(project) == before
    # The check hook never touches the file.
    assert (project / "Dockerfile").read_bytes() == b"FROM node:20\n"


def test_check_hook_lets_a_clean_commit_through(pc, tmp_path):
    project = pc.project(tmp_path / "project", ["dehub"])
    assert pc.pre_commit(project, "install").returncode == 0
    before = pc.commits(project)
    write(project / "Dockerfile", f"FROM {MIRROR}/node:20\nRUN echo ok\n")
    write(project / "README.md", "FROM node:20\n")  # not a Dockerfile: not checked
    pc.git(project, "add", "-A")

    completed = pc.git(project, "commit", "-m", "clean", check=False)

    assert completed.returncode == 0, output(completed)
    assert pc.commits(project) == before + 1


# Scenario B: the fix hook rewrites, and the second commit succeeds --------------------------

@pytest.mark.parametrize(
    ("original", "expected"),
    [
        pytest.param(b"FROM node:20\n", f"FROM {MIRROR}/node:20\n".encode(), id="lf"),
        pytest.param(
            b"FROM node:20\r\nRUN echo hi\r\n", f"FROM {MIRROR}/node:20\r\nRUN echo hi\r\n".encode(), id="crlf"
        ),
        pytest.param(b"FROM node:20", f"FROM {MIRROR}/node:20".encode(), id="no-final-newline"),
        pytest.param(
            b"\xef\xbb\xbfFROM node:20\r\n", b"\xef\xbb\xbf" + f"FROM {MIRROR}/node:20\r\n".encode(), id="bom-crlf"
        ),
    ],
)
def test_fix_hook_rewrites_then_commit_succeeds(pc, tmp_path, original, expected):
    project = pc.project(tmp_path / "project", ["dehub-fix"])
    installed = pc.pre_commit(project, "install")
    assert installed.returncode == 0, output(installed)
    before = pc.commits(project)
    write(project / "Dockerfile", original)
    pc.git(project, "add", "Dockerfile")

    first = pc.git(project, "commit", "-m", "add a Dockerfile", check=False)

    assert first.returncode != 0, output(first)
    assert pc.commits(project) == before
    assert (project / "Dockerfile").read_bytes() == expected
    assert "Fixing Dockerfile" in output(first)
    # dehub's own status says so (--exit-non-zero-on-fix), besides pre-commit seeing the change.
    assert "- exit code: 1" in output(first)
    assert "- files were modified by this hook" in output(first)

    pc.git(project, "add", "Dockerfile")
    second = pc.git(project, "commit", "-m", "add a Dockerfile", check=False)

    assert second.returncode == 0, output(second)
    assert pc.commits(project) == before + 1
    committed = subprocess.run(
        ["git", "cat-file", "blob", "HEAD:Dockerfile"], cwd=project, env=pc.env, capture_output=True, check=True
    ).stdout
    assert committed == expected


# Scenario C: which files the hooks see ------------------------------------------------------

DOCKERFILE_KIND = [
    "Dockerfile", "Containerfile", "Dockerfile.prod", "app.Dockerfile", "app.dockerfile", "sub/x.containerfile"
]
NOT_DOCKERFILE = ["Dockerfile.dockerignore", "README.md"]


@pytest.fixture
def filter_project(pc, tmp_path):
    files = dict.fromkeys(DOCKERFILE_KIND + NOT_DOCKERFILE, "FROM node:20\n")
    project = pc.project(tmp_path / "project", ["dehub", "dehub-fix"], files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")
    return project


def test_check_hook_sees_every_dockerfile_name_and_nothing_else(pc, filter_project):
    completed = pc.pre_commit(filter_project, "run", "dehub", "--all-files")

    text = output(completed)
    assert completed.returncode == 1, text
    for name in DOCKERFILE_KIND:
        assert f"{name}:1:6: DH001" in text, name
    for name in NOT_DOCKERFILE:
        assert f"{name}:" not in text, name
    reported = re.findall(r"^(\S+):\d+:\d+: DH\d{3}", text, flags=re.M)
    assert sorted(reported) == sorted(DOCKERFILE_KIND)


def test_check_hook_named_files(pc, filter_project):
    skipped = pc.pre_commit(filter_project, "run", "dehub", "--files", *NOT_DOCKERFILE)
    assert skipped.returncode == 0, output(skipped)
    assert "DH001" not in output(skipped)

    some = pc.pre_commit(filter_project, "run", "dehub", "--files", "app.dockerfile", "README.md")
    assert some.returncode == 1, output(some)
    assert re.findall(r"^(\S+):\d+:\d+: DH\d{3}", output(some), flags=re.M) == ["app.dockerfile"]


def test_fix_hook_rewrites_only_dockerfiles(pc, filter_project):
    completed = pc.pre_commit(filter_project, "run", "dehub-fix", "--all-files")

    assert completed.returncode == 1, output(completed)
    for name in DOCKERFILE_KIND:
        assert (filter_project / name).read_bytes() == f"FROM {MIRROR}/node:20\n".encode(), name
    for name in NOT_DOCKERFILE:
        assert (filter_project / name).read_bytes() == b"FROM node:20\n", name

    again = pc.pre_commit(filter_project, "run", "dehub-fix", "--all-files")
    assert again.returncode == 0, output(again)
    recheck = pc.pre_commit(filter_project, "run", "dehub", "--all-files")
    assert recheck.returncode == 0, output(recheck)


def test_fix_hook_leaves_backup_files_alone(pc, tmp_path):
    files = {"Dockerfile.bak": "FROM node:20\n", "Dockerfile.orig": "FROM node:20\n"}
    project = pc.project(tmp_path / "project", ["dehub-fix"], files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    completed = pc.pre_commit(project, "run", "dehub-fix", "--all-files")

    assert (project / "Dockerfile.bak").read_bytes() == b"FROM node:20\n"
    assert (project / "Dockerfile.orig").read_bytes() == b"FROM node:20\n"
    assert completed.returncode == 0, output(completed)


def test_hooks_honour_configured_exclude(pc, tmp_path):
    """`--force-exclude`: pre-commit names vendor/Dockerfile, `.dehub.yaml` excludes it."""
    files = {
        ".dehub.yaml": 'exclude: ["vendor/"]\n',
        "Dockerfile": "FROM node:20\n",
        "vendor/Dockerfile": "FROM node:20\n",
        "vendor/lib/app.dockerfile": "FROM python:3.12\n",
    }
    project = pc.project(tmp_path / "project", ["dehub", "dehub-fix"], files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    checked = pc.pre_commit(project, "run", "dehub", "--all-files")
    assert checked.returncode == 1, output(checked)
    assert re.findall(r"^(\S+):\d+:\d+: DH\d{3}", output(checked), flags=re.M) == ["Dockerfile"]

    fixed = pc.pre_commit(project, "run", "dehub-fix", "--all-files")
    assert fixed.returncode == 1, output(fixed)
    assert (project / "Dockerfile").read_bytes() == f"FROM {MIRROR}/node:20\n".encode()
    assert (project / "vendor/Dockerfile").read_bytes() == b"FROM node:20\n"
    assert (project / "vendor/lib/app.dockerfile").read_bytes() == b"FROM python:3.12\n"


def test_hooks_use_each_files_nearest_configuration(pc, tmp_path):
    """tests/monorepo.py: pre-commit runs from the root naming files; sub/ files follow sub/.dehub.yaml."""
    project = pc.project(tmp_path / "project", ["dehub", "dehub-fix"])
    write_monorepo(project)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "two configurations")

    checked = pc.pre_commit(project, "run", "dehub", "--all-files")
    assert checked.returncode == 1, output(checked)
    found = re.findall(r"^(\S+):(\d+):(\d+): (DH\d{3})\b", output(checked), flags=re.M)
    assert {(path, int(line), int(column), code) for path, line, column, code in found} == monorepo_reported()

    fixed = pc.pre_commit(project, "run", "dehub-fix", "--all-files")
    assert fixed.returncode == 1, output(fixed)
    root_fixed = MONOREPO_DOCKERFILE.replace("node:20", f"{MIRROR}/node:20").replace("python:", f"{MIRROR}/python:")
    sub_fixed = MONOREPO_DOCKERFILE.replace("python:", f"{MIRROR}/python:")  # node is allowed in sub/
    for name, expected in EXPECTED.items():
        want = MONOREPO_DOCKERFILE if expected is None else sub_fixed if name.startswith("sub/") else root_fixed
        assert (project / name).read_text() == want, name


def test_fix_hook_odd_paths_and_file_mode(pc, tmp_path):
    """Spaces and non-ASCII in paths reach dehub intact; the executable bit survives the rewrite."""
    files = {"my app/Dockerfile": "FROM node:20\n", "\u00fcn\u00ef/Containerfile": "FROM alpine:3.20\n"}
    project = pc.project(tmp_path / "project", ["dehub-fix"], files)
    (project / "my app/Dockerfile").chmod(0o755)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    completed = pc.pre_commit(project, "run", "dehub-fix", "--all-files")

    assert completed.returncode == 1, output(completed)
    assert (project / "my app/Dockerfile").read_bytes() == f"FROM {MIRROR}/node:20\n".encode()
    assert (project / "\u00fcn\u00ef/Containerfile").read_bytes() == f"FROM {MIRROR}/alpine:3.20\n".encode()
    assert os.stat(project / "my app/Dockerfile").st_mode & 0o777 == 0o755
    status = pc.git(project, "diff", "--summary").stdout
    assert "mode change" not in status


# Scenario D: try-repo on a clean project ----------------------------------------------------

def test_try_repo_passes_on_a_clean_project(pc, tmp_path):
    project = tmp_path / "clean"
    project.mkdir()
    pc.git(project, "init", "-q")
    write(
        project / "Dockerfile", f"FROM {MIRROR}/node:20 AS build\nFROM build\nCOPY --from={MIRROR}/nginx:1.27 /a /b\n"
    )
    write(project / "Containerfile", "FROM ghcr.io/acme/app:1\n")
    write(project / "web/app.dockerfile", f"FROM --platform=linux/amd64 {MIRROR}/python:3.12-slim\n")
    write(project / "README.md", "FROM node:20\n")
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "clean project")

    completed = pc.pre_commit(project, "try-repo", str(pc.snapshot), "dehub", "--all-files")

    text = output(completed)
    assert completed.returncode == 0, text
    assert "Passed" in text
    assert "DH00" not in text


# Scenario D: GitHub Actions files go through the same hooks ---------------------------------

WORKFLOW = (
    "on: push\n"
    "jobs:\n"
    "  test:\n"
    "    runs-on: ubuntu-latest\n"
    "    container: 'node:20'  # the job image\n"
    "    services:\n"
    "      db: {image: postgres:16}\n"
    "    steps:\n"
    "      - run: |\n"
    "          docker run --rm \\\n"
    "            redis:7 redis-cli --version\n"
)
COMPOSITE = (
    "name: smoke\n"
    "runs:\n"
    "  using: composite\n"
    "  steps:\n"
    "    - uses: docker://alpine:3.20\n"
)


def test_check_hook_blocks_a_workflow_and_an_action(pc, tmp_path):
    project = pc.project(tmp_path / "project", ["dehub"])
    assert pc.pre_commit(project, "install").returncode == 0
    before = pc.commits(project)
    write(project / ".github/workflows/ci.yml", WORKFLOW)
    write(project / ".github/actions/smoke/action.yml", COMPOSITE)
    pc.git(project, "add", "-A")

    completed = pc.git(project, "commit", "-m", "add CI", check=False)

    text = output(completed)
    assert completed.returncode != 0, text
    for location in (".github/workflows/ci.yml:5:17: DH001", ".github/workflows/ci.yml:7:19: DH001",
                     ".github/workflows/ci.yml:11:13: DH001", ".github/actions/smoke/action.yml:5:22: DH001"):
        assert location in text
    assert pc.commits(project) == before


def test_fix_hook_rewrites_a_workflow_in_place_then_commit_succeeds(pc, tmp_path):
    project = pc.project(tmp_path / "project", ["dehub-fix"])
    assert pc.pre_commit(project, "install").returncode == 0
    before = pc.commits(project)
    path = project / ".github/workflows/ci.yml"
    write(path, WORKFLOW.replace("\n", "\r\n"))
    pc.git(project, "add", "-A")

    first = pc.git(project, "commit", "-m", "add CI", check=False)

    assert first.returncode != 0, output(first)
    assert "Fixing .github/workflows/ci.yml" in output(first)
    expected = (
        WORKFLOW.replace("'node:20'", f"'{MIRROR}/node:20'")
        .replace("image: postgres:16", f"image: {MIRROR}/postgres:16")
        .replace("redis:7 redis-cli", f"{MIRROR}/redis:7 redis-cli")
        .replace("\n", "\r\n")
    )
    assert path.read_bytes() == expected.encode()

    pc.git(project, "add", "-A")
    second = pc.git(project, "commit", "-m", "add CI", check=False)
    assert second.returncode == 0, output(second)
    assert pc.commits(project) == before + 1


# The dehub-hadolint hook: dehub and hadolint in one hook, hadolint found beside the hook's Python --

HADOLINT_HOOK = "dehub-hadolint"
DIRTY = "FROM node:20\nRUN apt-get update && apt-get install -y curl\n"


def reported(text: str) -> list[tuple[str, int, str]]:
    found = re.findall(r"^(\S+):(\d+):\d+: ([A-Z]{2}\d+)\b", text, re.M)
    return [(path, int(line), code) for path, line, code in found]


def test_hadolint_hook_blocks_a_commit_with_dehub_and_hadolint_findings(pc, tmp_path):
    project = pc.project(tmp_path / "project", [HADOLINT_HOOK])
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


def test_hadolint_hook_honours_the_repositorys_hadolint_config(pc, tmp_path):
    clean_for_dehub = f"FROM {MIRROR}/debian:12\nRUN apt-get update && apt-get install -y curl\n"
    project = pc.project(tmp_path / "project", [HADOLINT_HOOK], {"Dockerfile": clean_for_dehub})
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "a Dockerfile")

    blocked = pc.pre_commit(project, "run", HADOLINT_HOOK, "--all-files")
    assert blocked.returncode == 1, output(blocked)
    assert [code for _, _, code in reported(output(blocked))] == ["DL3008", "DL3009", "DL3015"]

    write(project / ".hadolint.yaml", "ignored: [DL3008]\n")
    passed = pc.pre_commit(project, "run", HADOLINT_HOOK, "--all-files", "--verbose")  # a passing hook's output
    assert passed.returncode == 0, output(passed)  # DL3009 and DL3015 are info: reported, not failing
    assert [code for _, _, code in reported(output(passed))] == ["DL3009", "DL3015"]


def test_hadolint_hook_folds_dl3026_and_sees_only_dockerfiles_and_workflows(pc, tmp_path):
    files = {
        ".hadolint.yaml": "trustedRegistries: [public.ecr.aws]\n",
        "Dockerfile": "FROM node:20\n",
        "api/app.dockerfile": "FROM ghcr.io/acme/base:1\n",
        "README.md": DIRTY,
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps: [{run: make}]\n"
        ),
    }
    project = pc.project(tmp_path / "project", [HADOLINT_HOOK], files)
    pc.git(project, "add", "-A")
    pc.git(project, "commit", "-q", "--no-verify", "-m", "files")

    completed = pc.pre_commit(project, "run", HADOLINT_HOOK, "--all-files")

    text = output(completed)
    assert completed.returncode == 1, text
    assert sorted(reported(text)) == [
        (".github/workflows/ci.yml", 5, "DH001"),
        ("Dockerfile", 1, "DH001"),
        ("api/app.dockerfile", 1, "DL3026"),
    ]
    assert "(hadolint DL3026 reports this line too)" in text


# README's pre-commit snippets, exactly as written ------------------------------------------------

@pytest.mark.parametrize("snippet", precommit_snippets(), ids=["pre-commit", "hadolint"])
def test_readme_snippet_works_as_written(pc, tmp_path, snippet):
    """The snippet, byte for byte, in a project with a clone of dehub where its `repo:` says (a
    path beside the project), at the tag its `rev:` pins: pre-commit builds the hook from it and
    the hook blocks a Docker Hub pull."""
    (entry,) = yaml.safe_load(snippet)["repos"]
    project = tmp_path / "work" / "project"
    project.mkdir(parents=True)
    clone = project / entry["repo"]
    pc.git(tmp_path, "clone", "-q", str(pc.snapshot), str(clone))
    assert entry["rev"] == f"v{__version__}"
    assert entry["rev"] in pc.git(clone, "tag", "--list").stdout.split()
    pc.git(project, "init", "-q")
    write(project / ".pre-commit-config.yaml", snippet)
    write(project / "Dockerfile", DIRTY)
    pc.git(project, "add", "-A")

    completed = pc.pre_commit(project, "run", "--all-files")

    text = output(completed)
    assert completed.returncode == 1, text
    assert (project / ".pre-commit-config.yaml").read_text(encoding="utf-8") == snippet
    hooks = _manifest()
    for hook in entry["hooks"]:
        assert f"{hooks[hook['id']]['name']}." in text, text  # pre-commit's "name....Failed" line
    codes = {code for path, _, code in reported(text) if path == "Dockerfile"}
    with_hadolint = any(hook["id"] == HADOLINT_HOOK for hook in entry["hooks"])
    assert codes == ({"DH001", "DL3008", "DL3009", "DL3015"} if with_hadolint else {"DH001"}), text


# Shell scripts and Makefiles: by name through `dehub`; scripts without an extension through a
# second use of the same hook in the project's config (identify's `shell` tag, from the `#!`
# line of an executable), since `files:` sees only names -----------------------------------------

SCRIPTS_HOOK = {
    "id": "dehub",
    "alias": "dehub-scripts",
    "name": "dehub (shell scripts without an extension)",
    "types": ["shell"],
    "files": "",
    "exclude": r"(?i)\.(sh|bash)$|(^|/)(bin|scripts?|hack)/[^/]+$",
    "args": ["--kind", "shell"],
}


def test_check_hook_sees_shell_scripts_and_makefiles_and_the_scripts_recipe_the_rest(pc, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    pc.git(project, "init", "-q")
    config = {"repos": [{"repo": str(pc.snapshot), "rev": pc.rev, "hooks": [{"id": "dehub"}, SCRIPTS_HOOK]}]}
    write(project / ".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    pull = "docker pull node:20\n"
    files = {
        "deploy.sh": "#!/bin/sh\n" + pull,
        "bin/deploy": "#!/usr/bin/env bash\n" + pull,
        "bin/notes": "#!/bin/sh\n" + pull,  # not executable: `dehub` reads bin/ by content
        "tools/notes": "#!/bin/sh\n" + pull,  # not executable, not in bin/: identify reads no `#!` line
        "bin/tool": "#!/usr/bin/env python3\nimport os\nos.system('docker pull node:20')\n",
        "Makefile": "IMAGE ?= redis:7\nrun:\n\tdocker run --rm $(IMAGE)\n",
        "build/docker.mk": "pull:\n\t" + pull,
    }
    for name, content in files.items():
        write(project / name, content)
    for name in ("bin/deploy", "bin/tool", "deploy.sh"):
        (project / name).chmod(0o755)
    pc.git(project, "add", "-A")

    completed = pc.pre_commit(project, "run", "--all-files")

    text = output(completed)
    assert completed.returncode == 1, text
    assert sorted(reported(text)) == [
        ("Makefile", 1, "DH001"),
        ("bin/deploy", 2, "DH001"),  # once: the scripts recipe leaves bin/ and *.sh to `dehub`
        ("bin/notes", 2, "DH001"),
        ("build/docker.mk", 2, "DH001"),
        ("deploy.sh", 2, "DH001"),
    ], text
