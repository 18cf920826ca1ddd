"""Which files are checked: kinds by name and content, folder walks, exclude patterns."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from dehub.config import find_config_file
from dehub.discover import SKIP_FOLDERS, _git_files, discover, display_path, is_excluded
from dehub.hooks.cli import main
from dehub.kinds import kind_for_path, kind_for_text
from dehub.patterns import path_matches, wildcard


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", "dockerfile"),
        ("dockerfile", "dockerfile"),
        ("DOCKERFILE", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("containerfile", "dockerfile"),
        ("Dockerfile.prod", "dockerfile"),
        ("Dockerfile.dev.arm64", "dockerfile"),
        ("Containerfile.dev", "dockerfile"),
        ("app.Dockerfile", "dockerfile"),
        ("app.dockerfile", "dockerfile"),
        ("x.containerfile", "dockerfile"),
        ("x.Containerfile", "dockerfile"),
        ("sub/dir/Dockerfile", "dockerfile"),
        ("sub\\dir\\Dockerfile", "dockerfile"),
        ("/abs/path/api.Dockerfile", "dockerfile"),
        ("Dockerfile.dockerignore", None),
        ("app.Dockerfile.dockerignore", None),
        (".dockerignore", None),
        ("README.md", None),
        ("Dockerfile.md", None),
        ("Dockerfile.rst", None),
        ("Dockerfile.txt", None),
        ("Dockerfile.orig", None),
        ("Dockerfile.rej", None),
        ("Dockerfile.bak", None),
        (".Dockerfile.swp", None),
        ("notes.txt", None),
        ("Dockerfiles", None),
        ("mydockerfile", None),
        ("Dockerfile-prod", "dockerfile"),  # envoy and others name them Dockerfile-<variant>
        ("docker-compose.yml", "compose"),
        ("Dockerfile/", None),
        ("", None),
    ],
)
def test_kind_for_path(name, kind):
    assert kind_for_path(name) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("FROM node:20\n", "dockerfile"),
        ("from node:20", None),  # prose ("from the start ...") looks like this; real Dockerfiles say FROM
        ("ARG BASE=node:20\nFROM ${BASE}\n", "dockerfile"),
        ("# syntax=docker/dockerfile:1\n\n# comment\n  FROM scratch\n", "dockerfile"),
        ("  FROM x AS y\n", "dockerfile"),
        ("FROM\n", None),
        ("ARG\n", None),
        ("RUN echo\nFROM node:20\n", None),
        ("hello world\n", None),
        ("", None),
        ("   \n\t\n", None),
        ("# only comments\n# FROM node:20\n", None),
        ("FROMAGE x\n", None),
        ("{\"from\": 1}\n", None),
    ],
)
def test_kind_for_text(text, kind):
    assert kind_for_text(text) == kind


def test_kind_for_text_looks_only_at_the_first_instruction():
    assert kind_for_text("# c\n" * 150 + "FROM x\n") == "dockerfile"
    assert kind_for_text("# c\n" * 250 + "FROM x\n") is None  # not within the first 200 lines


def test_explicit_markdown_is_not_linted_as_a_dockerfile(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("From the start we used node:20 everywhere.\n")
    assert main(["check", "--isolated", "README.md"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "All checks passed!\n"
    assert "skipped README.md" in captured.err


# --- display paths ------------------------------------------------------------------------


def test_display_path(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert display_path("Dockerfile") == "Dockerfile"
    assert display_path("./x/../Dockerfile") == "Dockerfile"
    assert display_path(str(tmp_path / "a" / "sub" / "Dockerfile")) == "sub/Dockerfile"
    assert display_path(str(tmp_path / "b" / "Dockerfile")) == str(tmp_path / "b" / "Dockerfile")
    assert display_path("../b/Dockerfile") == "../b/Dockerfile"


# --- folder walks ---------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A folder outside any git repository, as the working folder."""
    monkeypatch.chdir(tmp_path)
    if _git_files(str(tmp_path)) is not None:
        pytest.skip("the temp folder is inside a git work tree")
    assert find_config_file(str(tmp_path)) is None
    return tmp_path


def touch(root, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM node:20\n")


def paths(targets) -> list[str]:
    return [target.path for target in targets]


def walk(root, given=("."), exclude=(), force_exclude=False, kind=None) -> list[str]:
    given = [given] if isinstance(given, str) else list(given)
    return paths(discover(given, excluded=excluded_by(exclude, root), force_exclude=force_exclude, kind=kind))


def excluded_by(exclude, root):
    """What a configuration in `root` with these `exclude` patterns excludes."""
    return lambda path: is_excluded(path, tuple(exclude), str(root))


def test_walk_takes_files_by_name(tree):
    touch(tree, "Dockerfile", "a/Containerfile", "a/b/api.dockerfile", "c/Dockerfile.prod", "README.md", "a/notes.txt",
          "a/Dockerfile.dockerignore")  # fmt: skip
    assert walk(tree) == ["Dockerfile", "a/Containerfile", "a/b/api.dockerfile", "c/Dockerfile.prod"]


@pytest.mark.parametrize("folder", sorted(SKIP_FOLDERS))
def test_walk_skips_tool_folders(tree, folder):
    touch(tree, "Dockerfile", f"{folder}/Dockerfile", f"sub/{folder}/x/Dockerfile")
    assert walk(tree) == ["Dockerfile"]


def test_walk_result_kinds_and_explicit_flag(tree):
    touch(tree, "Dockerfile", "base.image")
    targets = discover([".", "base.image"], excluded=excluded_by((), tree), force_exclude=False, kind=None)
    assert [(t.path, t.kind, t.explicit) for t in targets] == [
        ("Dockerfile", "dockerfile", False),
        ("base.image", None, True),  # decided by content later
    ]


def test_kind_option_applies_to_walked_files(tree):
    touch(tree, "Dockerfile", "base.image")
    assert walk(tree, kind="dockerfile") == ["Dockerfile", "base.image"]


def test_duplicates_are_dropped(tree):
    touch(tree, "a/Dockerfile")
    assert walk(tree, [".", "a", "a/Dockerfile", "./a/Dockerfile", str(tree / "a" / "Dockerfile")]) == [
        "a/Dockerfile"
    ]


def test_missing_explicit_path_is_kept_for_a_dh900(tree):
    assert walk(tree, ["nope/Dockerfile"]) == ["nope/Dockerfile"]


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_git_listing(tree):
    subprocess.run(["git", "init", "-q", "."], check=True, capture_output=True)
    touch(tree, "Dockerfile", "build/Dockerfile", "keep/Dockerfile", "node_modules/x/Dockerfile")
    (tree / ".gitignore").write_text("build/\n")
    assert sorted(os.path.relpath(p, tree) for p in _git_files(str(tree))) == [
        ".gitignore", "Dockerfile", "keep/Dockerfile", "node_modules/x/Dockerfile",
    ]  # fmt: skip
    # git decides what is skipped inside a repository; node_modules is not ignored here
    assert walk(tree) == ["Dockerfile", "keep/Dockerfile", "node_modules/x/Dockerfile"]


# --- exclude patterns ---------------------------------------------------------------------

LAYOUT = (
    "Dockerfile",
    "Dockerfile.prod",
    "app/Dockerfile",
    "app/Dockerfile.prod",
    "vendor/lib/Dockerfile",
    "src/vendor/Dockerfile",
    "legacy/Dockerfile",
    "legacy/old/Dockerfile",
    "docker/base.Dockerfile",
    "docker/sub/x.Dockerfile",
)


@pytest.mark.parametrize(
    ("patterns", "remaining"),
    [
        ((), LAYOUT),
        (("vendor",), [p for p in LAYOUT if "vendor" not in p]),  # a folder name, at any depth
        (("vendor/",), [p for p in LAYOUT if "vendor" not in p]),  # as in .gitignore: any depth
        (("src/vendor",), [p for p in LAYOUT if not p.startswith("src/")]),
        (("legacy",), [p for p in LAYOUT if not p.startswith("legacy/")]),
        (("./legacy",), [p for p in LAYOUT if not p.startswith("legacy/")]),
        (("legacy/old",), [p for p in LAYOUT if p != "legacy/old/Dockerfile"]),
        (("*.prod",), [p for p in LAYOUT if not p.endswith(".prod")]),
        (("Dockerfile.prod",), [p for p in LAYOUT if not p.endswith(".prod")]),
        (("app/*.prod",), [p for p in LAYOUT if p != "app/Dockerfile.prod"]),
        (("docker/*.Dockerfile",), [p for p in LAYOUT if p != "docker/base.Dockerfile"]),  # `*` stays in a folder
        (("docker/**/*.Dockerfile",), [p for p in LAYOUT if not p.startswith("docker/")]),
        (("**/Dockerfile",), [p for p in LAYOUT if p.rsplit("/", 1)[-1] != "Dockerfile"]),  # zero folders too
        (("legacy/**",), [p for p in LAYOUT if not p.startswith("legacy/")]),
        (("src/**/Dockerfile",), [p for p in LAYOUT if not p.startswith("src/")]),
        (("Dockerfile",), [p for p in LAYOUT if not p.endswith("/Dockerfile") and p != "Dockerfile"]),
        (("vend",), LAYOUT),  # not a prefix match
        (("app", "legacy"), [p for p in LAYOUT if not p.startswith(("app/", "legacy/"))]),
    ],
)
def test_exclude_patterns(tree, patterns, remaining):
    touch(tree, *LAYOUT)
    assert walk(tree, exclude=patterns) == sorted(remaining)


@pytest.mark.parametrize(
    ("pattern", "path"),
    [
        ("**/Dockerfile.prod", "Dockerfile.prod"),
        ("app/**/Dockerfile", "app/Dockerfile"),
        ("**/vendor/**", "vendor/lib/Dockerfile"),
    ],
)
def test_double_star_matches_zero_folders(pattern, path):
    assert path_matches(pattern, path)


def test_exclude_is_relative_to_root(tree):
    touch(tree, "repo/legacy/Dockerfile", "repo/app/Dockerfile")
    os.chdir(tree / "repo" / "app")
    found = paths(discover([".."], excluded=excluded_by(["legacy"], tree / "repo"), force_exclude=False, kind=None))
    assert found == ["Dockerfile"]  # ../app/Dockerfile, shown relative to the working folder


def test_explicit_files_ignore_exclude_without_force_exclude(tree):
    touch(tree, "legacy/Dockerfile", "app/Dockerfile")
    assert walk(tree, ["legacy/Dockerfile", "."], exclude=("legacy",)) == ["legacy/Dockerfile", "app/Dockerfile"]


@pytest.mark.parametrize("given", ["legacy/Dockerfile", "./legacy/Dockerfile", "legacy//Dockerfile", "ABSOLUTE"])
def test_force_exclude_applies_to_explicit_files(tree, given):
    touch(tree, "legacy/Dockerfile", "app/Dockerfile")
    if given == "ABSOLUTE":
        given = str(tree / "legacy" / "Dockerfile")
    assert walk(tree, [given, "app/Dockerfile"], exclude=("legacy",), force_exclude=True) == ["app/Dockerfile"]


def test_force_exclude_via_cli(tree, capsys):
    (tree / ".git").mkdir()  # the repository root, where the configuration lives
    (tree / ".dehub.yaml").write_text("exclude: ['*.prod', legacy]\n")
    touch(tree, "Dockerfile.prod", "legacy/Dockerfile", "Dockerfile")
    assert main(["check", "Dockerfile.prod", "legacy/Dockerfile", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert [line.split(":", 1)[0] for line in out.splitlines()[:-1]] == [
        "Dockerfile.prod", "legacy/Dockerfile", "Dockerfile",
    ]  # fmt: skip
    assert main(["check", "--force-exclude", "Dockerfile.prod", "legacy/Dockerfile", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert [line.split(":", 1)[0] for line in out.splitlines()[:-1]] == ["Dockerfile"]
    assert main(["check", "--force-exclude", "Dockerfile.prod"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "All checks passed!\n"
    assert captured.err == "dehub: no files to check under the given paths\n"


# --- wildcard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("node", "node", True),
        ("node", "nodes", False),
        ("myorg/*", "myorg/app", True),
        ("myorg/*", "myorg/a/b", True),  # `*` crosses `/`
        ("myorg/*", "myorg", False),
        ("*", "", True),
        ("n?de", "node", True),
        ("n?de", "nde", False),
        ("*-slim", "python:3-slim", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "aXbY", False),
        ("", "", True),
        ("", "x", False),
    ],
)
def test_wildcard(pattern, text, matches):
    assert wildcard(pattern, text) is matches
