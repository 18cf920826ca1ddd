"""Configuration: finding the file, every key's effect, and errors that name the key."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest
from monorepo import (
    DOCKERFILE,
    EXPECTED,
    ROOT_CONFIG,
    ROOT_FINDINGS,
    SUB_FINDINGS,
    file_reports,
    reported,
    write_monorepo,
)

from dehub import rules
from dehub.config import ConfigError, find_config_file, load
from dehub.hooks.cli import main

ECR = "public.ecr.aws/docker/library/"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (it holds `.git`, which stops the search) as the working folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = FakeStdin(stdin.encode())  # type: ignore[assignment]
    try:
        code = main(["check", *argv])
    finally:
        sys.stdin = saved
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def codes(capsys, *argv: str) -> list[str]:
    main(["check", "--format", "json", *argv])
    return [finding["code"] for finding in json.loads(capsys.readouterr().out)["findings"]]


def findings(capsys, *argv: str) -> list[dict]:
    main(["check", "--format", "json", *argv])
    return json.loads(capsys.readouterr().out)["findings"]


# --- finding the file ---------------------------------------------------------------------


def test_found_by_walking_up_from_a_subfolder(repo, capsys, monkeypatch):
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    write(repo / "sub" / "deep" / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    monkeypatch.chdir(repo / "sub" / "deep")
    assert find_config_file(".") == str(repo / ".dehub.yaml")
    assert codes(capsys) == ["DH002"]


def test_dehub_yml_spelling(repo, capsys):
    write(repo / ".dehub.yml", "ignore: [DH001]\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    assert codes(capsys) == []


def test_search_stops_at_the_repository_root(tmp_path, capsys, monkeypatch):
    write(tmp_path / "outer" / ".dehub.yaml", "ignore: [DH001]\n")
    (tmp_path / "outer" / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "outer" / "repo" / "sub" / "Dockerfile", "FROM node:20\n")
    monkeypatch.chdir(tmp_path / "outer" / "repo" / "sub")
    assert find_config_file(".") is None
    assert codes(capsys) == ["DH001"]


def test_git_file_also_marks_the_root(tmp_path, monkeypatch):
    """A worktree or submodule has a `.git` file, not a folder."""
    write(tmp_path / ".dehub.yaml", "ignore: [DH001]\n")
    write(tmp_path / "wt" / ".git", "gitdir: /elsewhere\n")
    (tmp_path / "wt" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "wt" / "sub")
    assert find_config_file(".") is None


def test_pyproject_tool_dehub(repo, capsys):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.dehub]\nselect = ["DH002"]\n')
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert find_config_file(".") == str(repo / "pyproject.toml")
    assert codes(capsys) == ["DH002"]


def test_pyproject_nested_tables(repo, capsys):
    write(
        repo / "pyproject.toml",
        '[tool.dehub]\nignore = ["DH002"]\n\n[tool.dehub.mirror.map]\n"myorg/*" = "registry.example.com/{path}"\n',
    )
    write(repo / "Dockerfile", "FROM myorg/app:1\n")
    (finding,) = findings(capsys)
    assert finding["code"] == "DH001"
    assert finding["suggestion"] == "registry.example.com/myorg/app:1"


def test_pyproject_without_table_is_passed_over(repo, capsys, monkeypatch):
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    write(repo / "sub" / "pyproject.toml", '[project]\nname = "x"\n[tool.black]\nline-length = 99\n')
    write(repo / "sub" / "Dockerfile", "FROM node:20\n")
    monkeypatch.chdir(repo / "sub")
    assert find_config_file(".") == str(repo / ".dehub.yaml")
    assert codes(capsys) == []


def test_dehub_yaml_wins_over_pyproject_in_the_same_folder(repo, capsys):
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    write(repo / "pyproject.toml", '[tool.dehub]\nignore = ["DH002"]\n')
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert find_config_file(".") == str(repo / ".dehub.yaml")
    assert codes(capsys) == ["DH002"]


def test_nearer_pyproject_wins_over_farther_dehub_yaml(repo, capsys, monkeypatch):
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    write(repo / "sub" / "pyproject.toml", '[tool.dehub]\nignore = ["DH002"]\n')
    write(repo / "sub" / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    monkeypatch.chdir(repo / "sub")
    assert codes(capsys) == ["DH001"]


def test_pyproject_dotted_keys(repo, capsys):
    write(repo / "pyproject.toml", '[tool]\ndehub.select = ["DH002"]\n')
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert codes(capsys) == ["DH002"]


def test_config_option(repo, tmp_path, capsys):
    write(repo / ".dehub.yaml", "ignore: [DH002]\n")
    write(tmp_path / "elsewhere" / "custom.yaml", "ignore: [DH001]\n")
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert codes(capsys) == ["DH001"]
    assert codes(capsys, "--config", str(tmp_path / "elsewhere" / "custom.yaml")) == ["DH002"]
    assert codes(capsys, "--config=" + str(tmp_path / "elsewhere" / "custom.yaml")) == ["DH002"]


def test_config_option_with_pyproject(repo, tmp_path, capsys):
    write(tmp_path / "other" / "pyproject.toml", '[tool.dehub]\nignore = ["DH001"]\n')
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert codes(capsys, "--config", str(tmp_path / "other" / "pyproject.toml")) == ["DH002"]


def test_config_option_missing_file(repo, capsys):
    write(repo / "Dockerfile", "FROM node:20\n")
    code, out, err = run(capsys, "--config", "missing.yaml")
    assert code == 2
    assert out == ""
    assert err == "dehub: error: missing.yaml: cannot read: No such file or directory\n"


def test_isolated(repo, capsys):
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    assert codes(capsys) == []
    assert codes(capsys, "--isolated") == ["DH001"]


def test_isolated_ignores_a_broken_file(repo, capsys):
    write(repo / ".dehub.yaml", "bogus: 1\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    assert run(capsys)[0] == 2
    assert codes(capsys, "--isolated") == ["DH001"]


def test_empty_file_is_the_defaults(repo, capsys):
    write(repo / ".dehub.yaml", "# nothing yet\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    assert codes(capsys) == ["DH001"]


# --- every key has an effect ----------------------------------------------------------------

MIXED = "ARG REG\nFROM node:20\nFROM myorg/app:1\nFROM ${REG}/x:1\n"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", ["DH001", "DH002", "DH003"]),
        ("select: [DH002]\n", ["DH002"]),
        ("select: DH002\n", ["DH002"]),
        ("select: [DH00]\n", ["DH001", "DH002", "DH003"]),
        ("select: [dh001, DH003]\n", ["DH001", "DH003"]),
        ("ignore: [DH001]\n", ["DH002", "DH003"]),
        ("ignore: [DH001, DH003]\n", ["DH002"]),
        ("select: [DH00]\nignore: [DH002]\n", ["DH001", "DH003"]),
    ],
)
def test_select_and_ignore(repo, capsys, config, expected):
    write(repo / ".dehub.yaml", config)
    write(repo / "Dockerfile", MIXED)
    assert sorted(codes(capsys)) == expected


def test_command_line_select_replaces_config_select_and_ignores_add_up(repo, capsys):
    write(repo / ".dehub.yaml", "select: [DH002]\nignore: [DH003]\n")
    write(repo / "Dockerfile", MIXED)
    assert sorted(codes(capsys, "--select", "DH001,DH003")) == ["DH001"]
    assert sorted(codes(capsys, "--ignore", "DH002")) == []


def test_severity(repo, capsys):
    write(repo / "Dockerfile", "FROM myorg/app:1\n")
    assert run(capsys)[0] == 1
    write(repo / ".dehub.yaml", "severity: {DH002: info}\n")
    code, out, _ = run(capsys)
    assert code == 0  # still reported, no longer failing
    assert "DH002" in out
    assert [f["severity"] for f in findings(capsys)] == ["info"]


def test_severity_raises_info_to_failing(repo, capsys):
    write(repo / "Dockerfile", "ARG REG\nFROM ${REG}/x:1\n")
    assert run(capsys)[0] == 0
    write(repo / ".dehub.yaml", "severity:\n  dh003: error\n")  # case-insensitive code
    assert run(capsys)[0] == 1
    assert [f["severity"] for f in findings(capsys)] == ["error"]


@pytest.mark.parametrize(
    ("allow", "expected"),
    [
        ("[node]", ["DH002"]),
        ("[library/node]", ["DH002"]),
        ("[docker.io/library/node]", ["DH002"]),
        ('["myorg/*"]', ["DH001"]),
        ('["node:20"]', ["DH002"]),
        ('["node:18"]', ["DH001", "DH002"]),
        ("node", ["DH002"]),
        ('["*"]', []),
    ],
)
def test_allow(repo, capsys, allow, expected):
    write(repo / ".dehub.yaml", f"allow: {allow}\n")
    write(repo / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert codes(capsys) == expected


@pytest.mark.parametrize(
    ("pattern", "template", "image", "suggestion"),
    [
        ("myorg/*", "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/{path}", "myorg/app:1",
         "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/myorg/app:1"),
        ("myorg/*", "registry.example.com/mirror/{name}", "myorg/app@sha256:" + "a" * 64,
         "registry.example.com/mirror/app@sha256:" + "a" * 64),  # {name} is the path after the namespace
        ("myorg/*", "registry.example.com/{registry}/{namespace}/{name}:{tag}", "myorg/app:1",
         "registry.example.com/docker.io/myorg/app:1"),
        ("node", "registry.example.com/mirror/{name}", "node:20", "registry.example.com/mirror/node:20"),
        ("node", "registry.example.com/mirror/{path}", "node:20", "registry.example.com/mirror/library/node:20"),
        ("*", "registry.example.com/hub/{path}", "docker.io/myorg/app", "registry.example.com/hub/myorg/app"),
    ],
)
def test_mirror_map(repo, capsys, pattern, template, image, suggestion):
    write(repo / ".dehub.yaml", f'mirror:\n  map:\n    "{pattern}": "{template}"\n')
    write(repo / "Dockerfile", f"FROM {image}\n")
    (finding,) = findings(capsys)
    assert finding["code"] == "DH001"
    assert finding["suggestion"] == suggestion
    assert finding["fixable"] == "safe"
    assert main(["check", "--fix", "-q"]) == 0  # fixed: nothing remains
    capsys.readouterr()
    assert (repo / "Dockerfile").read_text() == f"FROM {suggestion}\n"
    assert codes(capsys) == []


def test_mirror_map_first_match_wins(repo, capsys):
    write(
        repo / ".dehub.yaml",
        'mirror:\n  map:\n    "myorg/special": "a.example.com/{path}"\n    "myorg/*": "b.example.com/{path}"\n',
    )
    write(repo / "Dockerfile", "FROM myorg/special:1\nFROM myorg/other:1\n")
    suggestions = [f["suggestion"] for f in findings(capsys)]
    assert suggestions == ["a.example.com/myorg/special:1", "b.example.com/myorg/other:1"]


def test_mirror_map_empty(repo, capsys):
    write(repo / ".dehub.yaml", "mirror:\n  map: {}\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    assert codes(capsys) == ["DH001"]


def test_mirror_map_fix_never_writes_an_invalid_reference(repo, capsys):
    prefix = "p" * 240
    write(repo / ".dehub.yaml", f'mirror:\n  map:\n    "myorg/*": "registry.example.com/{prefix}/{{name}}"\n')
    text = "FROM myorg/averyveryverylongimagename:1\n"
    write(repo / "Dockerfile", text)
    main(["check", "--fix"])
    capsys.readouterr()
    assert (repo / "Dockerfile").read_text() == text
    assert "DH006" not in codes(capsys)


def test_exclude(repo, capsys):
    write(repo / ".dehub.yaml", "exclude: [legacy, 'gen/*.Dockerfile', 'third_party/**/Containerfile']\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    write(repo / "legacy" / "Dockerfile", "FROM node:20\n")
    write(repo / "a" / "legacy" / "Dockerfile", "FROM node:20\n")
    write(repo / "gen" / "x.Dockerfile", "FROM node:20\n")
    write(repo / "gen" / "Dockerfile", "FROM node:20\n")
    write(repo / "third_party" / "a" / "b" / "Containerfile", "FROM node:20\n")
    assert sorted(f["path"] for f in findings(capsys)) == ["Dockerfile", "gen/Dockerfile"]


def test_exclude_is_relative_to_the_config_folder(repo, capsys, monkeypatch):
    write(repo / ".dehub.yaml", "exclude: [sub/old]\n")
    write(repo / "sub" / "old" / "Dockerfile", "FROM node:20\n")
    write(repo / "sub" / "new" / "Dockerfile", "FROM node:20\n")
    monkeypatch.chdir(repo / "sub")
    assert [f["path"] for f in findings(capsys)] == ["new/Dockerfile"]


def test_exclude_explicit_files_only_with_force_exclude(repo, capsys):
    write(repo / ".dehub.yaml", "exclude: [legacy]\n")
    write(repo / "legacy" / "Dockerfile", "FROM node:20\n")
    assert [f["path"] for f in findings(capsys, "legacy/Dockerfile")] == ["legacy/Dockerfile"]
    assert findings(capsys, "--force-exclude", "legacy/Dockerfile") == []


def test_unsafe_fixes(repo, capsys):
    write(repo / "Dockerfile", "FROM centos:7\n")
    main(["check", "--fix"])
    capsys.readouterr()
    assert (repo / "Dockerfile").read_text() == "FROM centos:7\n"
    write(repo / ".dehub.yaml", "unsafe-fixes: true\n")
    assert main(["check", "--fix"]) == 0
    assert "Fixing Dockerfile" in capsys.readouterr().out
    assert (repo / "Dockerfile").read_text() == f"FROM {ECR}centos:7\n"


def test_unsafe_fixes_false_is_accepted(repo, capsys):
    write(repo / ".dehub.yaml", "unsafe-fixes: false\n")
    write(repo / "Dockerfile", "FROM centos:7\n")
    assert main(["check", "--fix"]) == 1
    assert (repo / "Dockerfile").read_text() == "FROM centos:7\n"


def test_build_args(repo, capsys):
    write(repo / "Dockerfile", "ARG BASE\nFROM ${BASE}\n")
    assert codes(capsys) == ["DH003"]
    write(repo / ".dehub.yaml", "build-args:\n  BASE: node:20\n")
    assert codes(capsys) == ["DH001"]
    assert codes(capsys, "--build-arg", f"BASE={ECR}node:20") == []  # the command line wins


def test_build_args_non_string_scalars(repo, capsys):
    write(repo / ".dehub.yaml", "build-args:\n  TAG: 20\n  FLAG: true\n")
    write(repo / "Dockerfile", "ARG TAG\nFROM node:${TAG}\n")
    (finding,) = findings(capsys)
    assert finding["image"] == "node:20"
    config = load(str(repo / ".dehub.yaml"), rules.CODES)
    assert config.build_args == {"TAG": "20", "FLAG": "true"}


def test_max_file_size(repo, capsys):
    write(repo / "Dockerfile", "FROM node:20\n" + "# padding\n" * 20)
    assert codes(capsys) == ["DH001"]
    write(repo / ".dehub.yaml", "max-file-size: 100\n")
    (finding,) = findings(capsys)
    assert finding["code"] == "DH900"
    assert finding["message"] == "file is 213 bytes, over the max-file-size of 100; not checked"


@pytest.mark.parametrize(
    ("value", "template"),
    [
        ("https://docs.example.com/dehub/rules/", "https://docs.example.com/dehub/rules/{code}.md"),
        ("https://docs.example.com/dehub/rules", "https://docs.example.com/dehub/rules/{code}.md"),
        ("HTTP://docs.example.com:8080", "HTTP://docs.example.com:8080/{code}.md"),
        ("https://wiki.example.com/dehub/{code}", "https://wiki.example.com/dehub/{code}"),
        ("https://wiki.example.com/x?page={code}&l=en#{code}", "https://wiki.example.com/x?page={code}&l=en#{code}"),
        ("https://docs.example.com/r%C3%A9gles/", "https://docs.example.com/r%C3%A9gles/{code}.md"),
    ],
)
def test_docs_url_forms(repo, value, template):
    write(repo / ".dehub.yaml", f"docs-url: '{value}'\n")
    assert load(str(repo / ".dehub.yaml"), rules.CODES).docs_url == template


def test_docs_url_in_pyproject_and_unset_by_default(repo):
    write(repo / "pyproject.toml", '[tool.dehub]\ndocs-url = "https://docs.example.com/dehub/rules/"\n')
    assert load(str(repo / "pyproject.toml"), rules.CODES).docs_url == "https://docs.example.com/dehub/rules/{code}.md"
    assert load(None, rules.CODES).docs_url is None


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus: 1\n", ("unknown key `bogus`; known keys: allow, baseline, build-args, docs-url, exclude, ignore, "
                        "include-disabled, max-file-size, mirror, select, severity, unsafe-fixes")),
        ("unsafe_fixes: true\n", "unknown key `unsafe_fixes` (did you mean `unsafe-fixes`?)"),
        ("mirror: {foo: 1}\n", "`mirror.foo`: unknown key; known keys: target, map, kinds, account,"),
        ("mirror: [a]\n", "`mirror`: expected a mapping with the keys target, map, kinds, account,"),
        ("mirror: {map: [a]}\n", "`mirror.map`: expected a mapping of image pattern to replacement, got a list"),
        ("allow: 3\n", "`allow`: expected a list of image patterns, got a number (3)"),
        ("allow: [node, 3]\n", "`allow`: expected a list of image patterns"),
        ("exclude: {a: b}\n", "`exclude`: expected a list of path globs, got a mapping"),
        ('unsafe-fixes: "yes"\n', "`unsafe-fixes`: expected true or false, got a string ('yes')"),
        ("unsafe-fixes: 1\n", "`unsafe-fixes`: expected true or false, got a number (1)"),
        ("severity: {DH001: loud}\n", "`severity.DH001`: expected one of error, warning, info, got a string ('loud')"),
        ("severity: {DH999: error}\n", "`severity.DH999`: unknown rule code"),
        ("severity: [DH001]\n", "`severity`: expected a mapping of rule code to error|warning|info, got a list"),
        (
            "select: [DH999]\n",
            (
                "`select`: unknown rule code or prefix `DH999`; known: DH001, DH002, DH003, DH004, DH005, DH006, "
                "DH900, DH901, DH902"
            ),
        ),
        ("ignore: [XX]\n", "`ignore`: unknown rule code or prefix `XX`"),
        ("select: 5\n", "`select`: expected a list of rule codes, got a number (5)"),
        ("max-file-size: 0\n", "`max-file-size`: expected a positive number of bytes, got a number (0)"),
        ("max-file-size: 1MB\n", "`max-file-size`: expected a positive number of bytes, got a string ('1MB')"),
        ("max-file-size: true\n", "`max-file-size`: expected a positive number of bytes, got a boolean (True)"),
        ("docs-url: 3\n", "`docs-url`: expected a URL, got a number (3)"),
        ("docs-url: [https://docs.example.com/]\n", "`docs-url`: expected a URL, got a list"),
        ("docs-url: example.com/r/\n", "`docs-url`: expected an http:// or https:// URL, got 'example.com/r/'"),
        ("docs-url: file:///srv/dehub/docs/rules/\n", "`docs-url`: expected an http:// or https:// URL, got 'file:///srv"),
        ("docs-url: https:///rules/\n", "`docs-url`: expected a URL with a host name, got 'https:///rules/'"),
        ("docs-url: https://docs.example.com/{name}.md\n", "`docs-url`: the only placeholder is {code}, got"),
        ("docs-url: https://docs.example.com/{code\n", "`docs-url`: the only placeholder is {code}, got"),
        ("docs-url: https://docs.example.com/my rules/\n",
         ("`docs-url`: ' ' is not allowed in a URL, percent-encode it (a space is %20); got "
          "'https://docs.example.com/my rules/'")),
        ("docs-url: https://docs.example.com/r%2/\n", "`docs-url`: `%` must start an escape such as %20, got"),
        ("docs-url: 'https://docs.example.com/r#a#b/{code}'\n", "`docs-url`: a URL has at most one `#` (the fragment)"),
        ("docs-url: https://docs.example.com/r?page=\n",
         ("`docs-url`: with a query or a fragment, say where the code goes with {code}; got "
          "'https://docs.example.com/r?page='")),
        ("build-args: [A=1]\n", "`build-args`: expected a mapping of argument name to value, got a list"),
        ("build-args: {A: [1]}\n", "`build-args.A`: expected a string value, got a list"),
        ('mirror:\n  map:\n    "myorg/*": "registry.example.com/{nope}"\n',
         ("`mirror.map.myorg/*`: unknown placeholder in `registry.example.com/{nope}`; use {registry}, {namespace}, "
         "{name} or {path}")),
        ('mirror:\n  map:\n    "myorg/*": "registry.example.com/{name"\n', "`mirror.map.myorg/*`: unknown placeholder"),
        ('mirror:\n  map:\n    "myorg/*": "registry.example.com/{path}:1"\n',
         "`mirror.map.myorg/*`: `registry.example.com/{path}:1` names a tag or digest"),
        ('mirror:\n  map:\n    "myorg/*": "registry.example.com/{path}@sha256:' + "a" * 64 + '"\n',
         "`mirror.map.myorg/*`: `registry.example.com/{path}@sha256:" + "a" * 64 + "` names a tag or digest"),
        ('mirror:\n  map:\n    "myorg/*": "Registry.example.com/UPPER/{path}"\n',
         "`mirror.map.myorg/*`: `Registry.example.com/UPPER/{path}` does not give a valid image name"),
        ('mirror:\n  map:\n    "myorg/*": "registry.example.com/{name}/"\n', "does not give a valid image name"),
        ('mirror:\n  map:\n    "myorg/*": 3\n', "`mirror.map.myorg/*`: expected a string pattern mapped to a string"),
        ("a: [\n", "not valid YAML"),
        ("a: b\n  c: d\n", "not valid YAML"),
        ("- select\n- DH001\n", "expected a mapping of settings at the top level"),
        ("just text\n", "expected a mapping of settings at the top level"),
    ],
)
def test_errors_exit_2_naming_the_key(repo, capsys, text, message):
    write(repo / ".dehub.yaml", text)
    write(repo / "Dockerfile", "FROM node:20\n")
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"dehub: error: {repo / '.dehub.yaml'}: ")
    assert message in err
    with pytest.raises(ConfigError):
        load(str(repo / ".dehub.yaml"), rules.CODES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.dehub]\nbogus = 1\n", "unknown key `bogus`"),
        ('[tool.dehub]\nseverity = {DH001 = "loud"}\n', "`severity.DH001`"),
        ("[tool.dehub\n", "not valid TOML"),
        ('[tool.dehub.mirror]\nmap = {"a/*" = "x.example.com/{oops}"}\n', "`mirror.map.a/*`: unknown placeholder"),
    ],
)
def test_pyproject_errors(repo, capsys, text, message):
    write(repo / "pyproject.toml", text)
    write(repo / "Dockerfile", "FROM node:20\n")
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert str(repo / "pyproject.toml") in err


def test_non_string_top_level_key(repo, capsys):
    write(repo / ".dehub.yaml", "1: x\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    code, _, err = run(capsys)
    assert code == 2
    assert "unknown key `1`" in err


def test_pyproject_tool_not_a_table(repo, capsys):
    write(repo / "custom.toml", 'tool = "x"\n')
    write(repo / "Dockerfile", "FROM node:20\n")
    code, _, err = run(capsys, "--config", "custom.toml")
    assert code == 2
    assert "custom.toml" in err


def test_build_args_non_string_name_message(repo, capsys):
    write(repo / ".dehub.yaml", "build-args: {1: x}\n")
    write(repo / "Dockerfile", "FROM node:20\n")
    code, _, err = run(capsys)
    assert code == 2
    assert "got a string ('x')" not in err


def test_unreadable_config(repo, capsys):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    write(repo / ".dehub.yaml", "ignore: [DH001]\n")
    os.chmod(repo / ".dehub.yaml", 0)
    try:
        code, _, err = run(capsys)
    finally:
        os.chmod(repo / ".dehub.yaml", 0o644)
    assert code == 2
    assert "cannot read" in err


def test_config_folder_instead_of_file(repo, capsys):
    (repo / "conf.yaml").mkdir()
    code, _, err = run(capsys, "--config", "conf.yaml")
    assert code == 2
    assert "conf.yaml: cannot read" in err


@pytest.mark.parametrize("template", ["{name}", "docker.io/{path}", "index.docker.io/mirror/{path}"])
def test_mirror_map_template_on_docker_hub_is_an_error(repo, capsys, template):
    write(repo / ".dehub.yaml", f'mirror:\n  map:\n    "myorg/*": "{template}"\n')
    write(repo / "Dockerfile", "FROM myorg/app:1\n")
    code, _, err = run(capsys)
    assert code == 2
    assert "`mirror.map.myorg/*`" in err


def test_yaml_alias_bomb_is_a_clear_error_not_a_hang(repo, capsys):
    levels = ["x-a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 12):  # 9**12 strings if anything expanded the aliases
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        levels.append(f"x-{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    write(repo / ".dehub.yaml", "\n".join(levels) + "\nallow: *l\n")
    code, _out, err = run(capsys, ".")
    assert code == 2
    assert "unknown key `x-a`" in err


# --- each file's own configuration (a monorepo) ---------------------------------------------


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def located(capsys, *argv: str) -> set[tuple[str, int, int, str]]:
    return {(f["path"], f["line"], f["column"], f["code"]) for f in findings(capsys, *argv)}


@pytest.fixture
def monorepo(repo):
    """tests/monorepo.py's layout: `.dehub.yaml` at the root, another in sub/."""
    return write_monorepo(repo)


def test_each_file_follows_its_nearest_configuration_from_the_root(monorepo, capsys):
    assert located(capsys) == reported()
    assert located(capsys, ".") == reported()
    assert located(capsys, "sub") == reported(under="sub/", prefix="sub/")


def test_the_same_from_the_subfolder(monorepo, capsys, monkeypatch):
    monkeypatch.chdir(monorepo / "sub")
    assert located(capsys) == reported(under="sub/")
    assert located(capsys, "Dockerfile") == file_reports("sub/Dockerfile", "Dockerfile")
    assert located(capsys, "../Dockerfile") == file_reports("Dockerfile", "../Dockerfile")
    # `..` holds the working folder: its files are shown relative to it, the others with `../`
    shown = {(path[4:] if path.startswith("sub/") else "../" + path, *rest) for path, *rest in reported()}
    assert located(capsys, "..") == shown


def test_the_same_from_outside_the_repository_by_absolute_path(monorepo, tmp_path, capsys, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    prefix = f"{monorepo}/"
    names = ("Dockerfile", "sub/Dockerfile", "sub/keep/Dockerfile")
    expected = set().union(*(file_reports(name, prefix + name) for name in names))
    assert located(capsys, *(prefix + name for name in names)) == expected
    assert located(capsys, str(monorepo)) == reported(prefix)


@pytest.mark.parametrize("name", ["sub/Dockerfile", "Dockerfile", "sub/keep/Dockerfile", "legacy/old.Dockerfile"])
def test_standard_input_takes_the_configuration_of_its_file_name(monorepo, capsys, monkeypatch, name):
    monkeypatch.setattr(sys, "stdin", FakeStdin(DOCKERFILE.encode()))
    assert located(capsys, "--stdin-filename", name, "-") == file_reports(name)


def test_standard_input_names_are_relative_to_the_working_folder(monorepo, capsys, monkeypatch):
    monkeypatch.chdir(monorepo / "sub")
    monkeypatch.setattr(sys, "stdin", FakeStdin(DOCKERFILE.encode()))
    assert located(capsys, "--stdin-filename", "../Dockerfile", "-") == file_reports("Dockerfile", "../Dockerfile")
    monkeypatch.setattr(sys, "stdin", FakeStdin(DOCKERFILE.encode()))
    absolute = f"{monorepo}/sub/Dockerfile"
    assert located(capsys, "--stdin-filename", absolute, "-") == file_reports("sub/Dockerfile", absolute)


def test_standard_input_without_a_name_takes_the_working_folders_configuration(monorepo, capsys, monkeypatch):
    monkeypatch.chdir(monorepo / "sub")
    monkeypatch.setattr(sys, "stdin", FakeStdin(DOCKERFILE.encode()))
    assert located(capsys, "--kind", "dockerfile", "-") == file_reports("sub/Dockerfile", "-")


def test_force_exclude_uses_each_files_configuration(monorepo, capsys):
    names = list(EXPECTED)
    assert located(capsys, "--force-exclude", *names) == reported()
    # without --force-exclude, files named on the command line are always checked
    assert {path for path, *_ in located(capsys, *names)} == set(names)
    for name in ("gen/Dockerfile", "sub/legacy/old.Dockerfile"):
        code, out, _ = run(capsys, "--force-exclude", "--fix", "--stdin-filename", name, "-", stdin=DOCKERFILE)
        assert (code, out) == (0, DOCKERFILE)


def test_config_option_applies_one_file_to_every_input(monorepo, capsys, monkeypatch):
    assert located(capsys, "--config", "sub/.dehub.yaml", "Dockerfile") == file_reports("sub/Dockerfile", "Dockerfile")
    # the root's excludes, relative to the root, now cover sub/gen/ (`gen/`) and sub/keep/, not sub/legacy/
    checked = ("Dockerfile", "legacy/old.Dockerfile", "sub/Dockerfile", "sub/legacy/old.Dockerfile")
    assert located(capsys, "--config", ".dehub.yaml") == {(path, *f) for path in checked for f in ROOT_FINDINGS}
    monkeypatch.setattr(sys, "stdin", FakeStdin(DOCKERFILE.encode()))
    found = located(capsys, "--config", ".dehub.yaml", "--stdin-filename", "sub/Dockerfile", "-")
    assert found == file_reports("Dockerfile", "sub/Dockerfile")


def test_isolated_applies_no_file_anywhere(monorepo, capsys):
    defaults = {(2, 6, "DH001"), (3, 6, "DH002"), (4, 6, "DH002"), (5, 6, "DH001"), (6, 6, "DH003")}
    found = located(capsys, "--isolated", "sub/Dockerfile", "Dockerfile", "gen/Dockerfile")
    assert found == {(path, *rest) for path in ("sub/Dockerfile", "Dockerfile", "gen/Dockerfile") for rest in defaults}


def test_settings_are_built_once_per_configuration_file(monorepo, capsys, monkeypatch):
    import dehub.lint

    built = []
    real = dehub.lint.Settings

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, config=None, **options) -> None:
            built.append(config.path if config else None)
            super().__init__(config, **options)

    monkeypatch.setattr(dehub.lint, "Settings", Counting)
    assert located(capsys) == reported()
    assert sorted(built) == [str(monorepo / ".dehub.yaml"), str(monorepo / "sub" / ".dehub.yaml")]


def test_the_parallel_runner_gives_each_file_its_settings_in_input_order(monorepo, capsys, monkeypatch):
    import dehub.parallel

    for index in range(3):
        write(monorepo / "many" / f"{index}.Dockerfile", DOCKERFILE)
        write(monorepo / "sub" / "many" / f"{index}.Dockerfile", DOCKERFILE)
    parallel_runs = []
    real_parallel = dehub.parallel.run_chunks
    monkeypatch.setattr(
        dehub.parallel, "run_chunks", lambda *a, **k: parallel_runs.append(a) or real_parallel(*a, **k)
    )
    many = [f"many/{index}.Dockerfile" for index in range(3)]
    sub_many = [f"sub/many/{index}.Dockerfile" for index in range(3)]
    order = [name for pair in zip(many, sub_many, strict=True) for name in pair]
    main(["check", "--format", "json", "--jobs", "2", *order])
    found = json.loads(capsys.readouterr().out)["findings"]
    per_file = {name: SUB_FINDINGS if name.startswith("sub/") else ROOT_FINDINGS for name in order}
    assert [f["path"] for f in found] == [name for name in order for _ in per_file[name]]
    expected = set().union(*(file_reports("Dockerfile", name) for name in many))
    expected |= set().union(*(file_reports("sub/Dockerfile", name) for name in sub_many))
    assert {(f["path"], f["line"], f["column"], f["code"]) for f in found} == expected
    assert len(parallel_runs) == 1


def test_a_pyproject_without_tool_dehub_is_passed_over_per_file(monorepo, capsys):
    write(monorepo / "py" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.black]\nline-length = 99\n')
    write(monorepo / "py" / "Dockerfile", DOCKERFILE)
    assert located(capsys, "py/Dockerfile") == file_reports("Dockerfile", "py/Dockerfile")
    write(monorepo / "py" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.dehub]\nignore = ["DH001"]\n')
    assert {code for *_, code in located(capsys, "py/Dockerfile")} == {"DH002", "DH003"}


def test_an_error_in_any_applicable_configuration_exits_2_naming_it(monorepo, capsys):
    write(monorepo / "sub" / ".dehub.yaml", "ignore: [DH002]\nexclude: {a: b}\n")
    for argv in ((), ("sub/keep/Dockerfile",), (".",), ("sub",)):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err == (
            f"dehub: error: {monorepo / 'sub' / '.dehub.yaml'}: "
            "`exclude`: expected a list of path globs, got a mapping\n"
        )
    # a file the broken configuration does not govern is checked as usual
    assert located(capsys, "Dockerfile", "legacy") == file_reports("Dockerfile") | file_reports("legacy/old.Dockerfile")
    code, out, err = run(capsys, "--stdin-filename", "sub/Dockerfile", "-", stdin=DOCKERFILE)
    assert (code, out) == (2, "")
    assert "sub/.dehub.yaml: `exclude`" in err


def test_unsafe_fixes_follow_each_files_configuration(monorepo, capsys):
    write(monorepo / "sub" / ".dehub.yaml", "unsafe-fixes: true\n")
    write(monorepo / "Dockerfile", "FROM centos:7\n")
    write(monorepo / "sub" / "Dockerfile", "FROM centos:7\n")
    code, out, _ = run(capsys, "--format", "concise", "Dockerfile", "sub/Dockerfile")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Dockerfile:1:6: DH001 error: `centos:7`")  # not marked: --fix leaves it
    assert lines[1].startswith("sub/Dockerfile:1:6: DH001 error: [*] `centos:7`")
    assert lines[2] == "Found 2 problems. [*] 1 with --fix; 1 more with --fix --unsafe-fixes."
    assert main(["check", "--fix", "-q", "Dockerfile", "sub/Dockerfile"]) == 1
    assert (monorepo / "Dockerfile").read_text() == "FROM centos:7\n"
    assert (monorepo / "sub" / "Dockerfile").read_text() == f"FROM {ECR}centos:7\n"


def test_sarif_links_rules_with_the_first_docs_url_among_the_files_configurations(monorepo, capsys):
    write(monorepo / ".dehub.yaml", ROOT_CONFIG + "docs-url: https://docs.example.com/dehub/rules/\n")

    def help_uris(*argv: str) -> dict[str, str | None]:
        main(["check", "--format", "sarif", *argv])
        rules = json.loads(capsys.readouterr().out)["runs"][0]["tool"]["driver"]["rules"]
        return {rule["id"]: rule.get("helpUri") for rule in rules if rule["id"] in ("DH001", "DH003")}

    linked = {"DH001": "https://docs.example.com/dehub/rules/DH001.md",
              "DH003": "https://docs.example.com/dehub/rules/DH003.md"}  # fmt: skip
    assert help_uris("sub/Dockerfile", "Dockerfile") == linked
    assert help_uris("sub/Dockerfile") == {"DH001": None, "DH003": None}  # sub/.dehub.yaml sets none
