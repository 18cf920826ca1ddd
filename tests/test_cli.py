"""The `dehub` command, called in-process as pre-commit-hooks and yamllint test their CLIs."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from dehub import __version__
from dehub import rules as rule_registry
from dehub.config import find_config_file
from dehub.hooks.check_command import CHECK_OPTIONS
from dehub.hooks.cli import main

ECR = "public.ecr.aws/docker/library/"
NODE_MESSAGE = "`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`"
MYORG_MESSAGE = (
    "`myorg/app:1` is pulled from Docker Hub and has no known mirror: not a Docker Official Image, so it has "
    "no copy under public.ecr.aws/docker/library; copy it to a registry you control and map it under "
    "`mirror.map`, or accept it under `allow`"
)
CENTOS_MESSAGE = (
    "`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` (unsafe fix: `centos` "
    "left the Docker Official Images on 2024-07-29; old tags are mirrored, but check that yours is)"
)
REG_MESSAGE = (
    "`${REG}/app:1` depends on REG, whose value is not in this file, so dehub cannot tell where it is pulled "
    "from; give REG a default, or pass --build-arg REG=VALUE"
)

KNOWN = (
    "ARG REG\n"
    "FROM node:20 AS build\n"
    "FROM ${REG}/app:1\n"
    "COPY --from=centos:7 /a /b\n"
    "FROM myorg/app:1\n"
)


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty working folder with no configuration file above it."""
    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None, "a stray dehub configuration above the temp folder"
    return tmp_path


def write(path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))


def out_lines(capsys) -> tuple[list[str], str]:
    captured = capsys.readouterr()
    return captured.out.splitlines(), captured.err


class FakeStdin:
    def __init__(self, data: bytes, tty: bool = False) -> None:
        self.buffer = io.BytesIO(data)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# --- text and JSON output ---------------------------------------------------------------


def test_text_output_exact(work, capsys):
    write(work / "Dockerfile", KNOWN)
    assert main(["check", "Dockerfile"]) == 1
    lines, err = out_lines(capsys)
    assert lines == [
        f"Dockerfile:2:6: DH001 error: {NODE_MESSAGE}",
        f"Dockerfile:3:6: DH003 info: {REG_MESSAGE}",
        f"Dockerfile:4:13: DH001 error: {CENTOS_MESSAGE}",
        f"Dockerfile:5:6: DH002 warning: {MYORG_MESSAGE}",
        "Found 4 problems. [*] 1 fixable with --fix; 1 more with --fix --unsafe-fixes.",
    ]
    assert err == ""


def test_default_path_is_the_working_folder(work, capsys):
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}", "Found 1 problem. [*] 1 fixable with --fix."]


def test_paths_are_shown_relative_and_deduplicated(work, capsys):
    write(work / "a" / "Dockerfile", "FROM node:20\n")
    assert main(["check", "./a/Dockerfile", str(work / "a" / "Dockerfile"), "a/Dockerfile"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [f"a/Dockerfile:1:6: DH001 error: {NODE_MESSAGE}", "Found 1 problem. [*] 1 fixable with --fix."]


def test_json_contract_exact(work, capsys):
    write(work / "Dockerfile", KNOWN)
    assert main(["check", "--format", "json", "Dockerfile"]) == 1
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document == {
        "version": 1,
        "findings": [
            {
                "path": "Dockerfile", "line": 2, "column": 6, "end_line": 2, "end_column": 13,
                "code": "DH001", "name": "docker-hub-image", "severity": "error", "message": NODE_MESSAGE, "note": None,
                "site": "from", "kind": "dockerfile", "image": "node:20",
                "canonical": "docker.io/library/node:20", "suggestion": ECR + "node:20", "fixable": "safe",
            },
            {
                "path": "Dockerfile", "line": 3, "column": 6, "end_line": 3, "end_column": 18,
                "code": "DH003", "name": "unresolved-image", "severity": "info", "message": REG_MESSAGE, "note": None,
                "site": "from", "kind": "dockerfile", "image": "${REG}/app:1",
                "canonical": None, "suggestion": None, "fixable": None,
            },
            {
                "path": "Dockerfile", "line": 4, "column": 13, "end_line": 4, "end_column": 21,
                "code": "DH001", "name": "docker-hub-image", "severity": "error", "message": CENTOS_MESSAGE,
                "note": None,
                "site": "copy-from", "kind": "dockerfile", "image": "centos:7",
                "canonical": "docker.io/library/centos:7", "suggestion": ECR + "centos:7", "fixable": "unsafe",
            },
            {
                "path": "Dockerfile", "line": 5, "column": 6, "end_line": 5, "end_column": 17,
                "code": "DH002", "name": "docker-hub-no-mirror", "severity": "warning", "message": MYORG_MESSAGE,
                "note": None,
                "site": "from", "kind": "dockerfile", "image": "myorg/app:1",
                "canonical": "docker.io/myorg/app:1", "suggestion": None, "fixable": None,
            },
        ],
    }  # fmt: skip
    assert captured.err == ""


def test_json_span_is_end_exclusive(work, capsys):
    text = "FROM node:20\n"
    write(work / "Dockerfile", text)
    main(["check", "--format", "json"])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    line = text.splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 : finding["end_column"] - 1] == "node:20"


def test_json_clean(work, capsys):
    write(work / "Dockerfile", f"FROM {ECR}node:20\n")
    assert main(["check", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"version": 1, "findings": []}


def test_json_with_fix_is_still_parseable(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert main(["check", "--fix", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [finding["code"] for finding in document["findings"]] == ["DH002"]


# --- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "summary"),
    [
        (f"FROM {ECR}node:20\n", 0, "All checks passed!"),
        ("FROM node:20\n", 1, "Found 1 problem. [*] 1 fixable with --fix."),
        ("FROM myorg/app:1\n", 1, "Found 1 problem."),  # warning
        ("ARG REG\nFROM ${REG}/app:1\n", 0, "Found 1 problem."),  # info only
        ("FROM\n", 1, "Found 1 problem."),  # DH900
    ],
    ids=["clean", "error", "warning", "info-only", "parse-error"],
)
def test_exit_codes(work, capsys, text, code, summary):
    write(work / "Dockerfile", text)
    assert main(["check", "Dockerfile"]) == code
    lines, _ = out_lines(capsys)
    assert lines[-1] == summary


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "--nope"], "unrecognized option --nope"),
        (["check", "-x"], "unrecognized option -x"),
        (
            ["check", "--format", "xml"],
            "option --format: invalid choice 'xml' (choose from text, concise, json, sarif, github, gitlab, junit)",
        ),
        (["check", "--format=xml"], "invalid choice 'xml'"),
        (["check", "--format"], "option --format needs a value"),
        (["check", "--fix=yes"], "option --fix takes no value"),
        (
            ["frobnicate"],
            "unknown command 'frobnicate' (choose from check, init, inventory, rules, explain, data, lsp)",
        ),
        (["check", "--select", "NOPE"], "unknown rule code or prefix `NOPE`"),
        (["check", "--ignore", "DH001,NOPE"], "unknown rule code or prefix `NOPE`"),
        (["check", "--jobs", "0"], "--jobs expects a positive number, got '0'"),
        (["check", "-j", "-1"], "--jobs expects a positive number"),
        (["check", "--jobs", "two"], "--jobs expects a positive number, got 'two'"),
        (["check", "--kind", "yaml"], "invalid choice 'yaml'"),
        (["check", "--build-arg", "NOVALUE"], "--build-arg expects NAME=VALUE, got 'NOVALUE'"),
        (["check", "--build-arg", "=value"], "--build-arg expects NAME=VALUE, got '=value'"),
        (["explain"], "explain takes exactly one rule code"),
        (["explain", "DH001", "DH002"], "explain takes exactly one rule code"),
        (["explain", "XX"], "unknown rule code 'XX'"),
        (["rules", "extra"], "unexpected argument 'extra'"),
        (["rules", "--format", "yaml"], "invalid choice 'yaml'"),
    ],
)
def test_usage_errors_exit_2(work, capsys, argv, message):
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: dehub ")
    assert "dehub: error: " in captured.err
    assert message in captured.err
    assert (work / "Dockerfile").read_text() == "FROM node:20\n"


def test_jobs_with_a_non_ascii_digit(work, capsys):
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check", "--jobs", "\u00b2"]) == 2
    assert "--jobs expects a positive number" in capsys.readouterr().err


def test_empty_select_is_a_usage_error(work, capsys):
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check", "--select", ""]) == 2


def test_no_arguments_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: dehub" in capsys.readouterr().out


def test_main_help_exits_0(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("check", "rules", "explain"):
        assert command in out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dehub {__version__}\n"
    assert main(["-V"]) == 0
    assert capsys.readouterr().out == f"dehub {__version__}\n"


def test_check_help_lists_every_option(work, capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: dehub check [OPTIONS] [PATHS...]\n")
    for option in CHECK_OPTIONS:
        for name in option.names:
            assert name in out
        assert option.help in out


# --- fixing -----------------------------------------------------------------------------


def test_fix_rewrites_then_second_run_is_clean(work, capsys):
    write(work / "Dockerfile", "FROM node:20 AS build\nFROM alpine:3.20\n")
    assert main(["check", "--fix"]) == 0  # as ruff: nothing remains
    lines, _ = out_lines(capsys)
    assert lines == ["Fixing Dockerfile", "Found 2 problems (2 fixed, 0 remaining)."]
    assert (work / "Dockerfile").read_text() == f"FROM {ECR}node:20 AS build\nFROM {ECR}alpine:3.20\n"
    assert main(["check", "--fix"]) == 0
    lines, _ = out_lines(capsys)
    assert lines == ["All checks passed!"]
    assert main(["check"]) == 0


def test_fix_reports_what_remains(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert main(["check", "--fix"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        "Fixing Dockerfile",
        f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}",
        "Found 2 problems (1 fixed, 1 remaining).",
    ]


def test_fix_leaves_untouched_files_alone(work, capsys):
    write(work / "a" / "Dockerfile", f"FROM {ECR}node:20\n")
    write(work / "b" / "Dockerfile", "FROM node:20\n")
    before = os.stat(work / "a" / "Dockerfile").st_mtime_ns
    assert main(["check", "--fix"]) == 0
    lines, _ = out_lines(capsys)
    assert lines == ["Fixing b/Dockerfile", "Found 1 problem (1 fixed, 0 remaining)."]
    assert os.stat(work / "a" / "Dockerfile").st_mtime_ns == before


def test_diff_prints_and_writes_nothing(work, capsys):
    text = "FROM node:20\nRUN echo hi\nFROM myorg/app:1\n"
    write(work / "Dockerfile", text)
    assert main(["check", "--diff"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "--- Dockerfile\n"
        "+++ Dockerfile\n"
        "@@ -1,3 +1,3 @@\n"
        "-FROM node:20\n"
        f"+FROM {ECR}node:20\n"
        " RUN echo hi\n"
        " FROM myorg/app:1\n"
    )
    assert captured.err == f"Dockerfile:3:6: DH002 warning: {MYORG_MESSAGE}\nWould fix 1 problem (1 would remain).\n"
    assert (work / "Dockerfile").read_text() == text


def test_diff_without_final_newline(work, capsys):
    write(work / "Dockerfile", "FROM node:20")
    assert main(["check", "--diff"]) == 1
    out = capsys.readouterr().out
    no_newline = "\\ No newline at end of file\n"
    assert "-FROM node:20\n" + no_newline + "+FROM " + ECR + "node:20\n" + no_newline in out
    assert (work / "Dockerfile").read_bytes() == b"FROM node:20"


def test_diff_with_nothing_to_fix_exits_0(work, capsys):
    write(work / "Dockerfile", f"FROM {ECR}node:20\n")
    assert main(["check", "--diff"]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "All checks passed!\n")


def test_diff_with_only_unfixable_findings(work, capsys):
    write(work / "Dockerfile", "FROM myorg/app:1\n")
    assert main(["check", "--diff"]) == 1  # the warning fails the run, there is no diff
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"Dockerfile:1:6: DH002 warning: {MYORG_MESSAGE}\nFound 1 problem.\n"


def test_unsafe_fixes(work, capsys):
    text = "FROM centos:7\n"
    write(work / "Dockerfile", text)
    assert main(["check", "--fix"]) == 1  # the finding remains
    lines, _ = out_lines(capsys)
    assert "Fixing Dockerfile" not in lines
    assert lines[-1] == "Found 1 problem. [*] 1 more with --fix --unsafe-fixes."
    assert (work / "Dockerfile").read_text() == text

    assert main(["check", "--diff", "--unsafe-fixes"]) == 1
    assert f"+FROM {ECR}centos:7\n" in capsys.readouterr().out
    assert (work / "Dockerfile").read_text() == text

    assert main(["check", "--fix", "--unsafe-fixes"]) == 0
    lines, _ = out_lines(capsys)
    assert lines == ["Fixing Dockerfile", "Found 1 problem (1 fixed, 0 remaining)."]
    assert (work / "Dockerfile").read_text() == f"FROM {ECR}centos:7\n"


def test_unsafe_fixes_hint_when_enabled(work, capsys):
    write(work / "Dockerfile", "FROM centos:7\n")
    assert main(["check", "--unsafe-fixes"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[-1] == "Found 1 problem. [*] 1 with --fix."


def test_exit_zero(work, capsys):
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check", "--exit-zero"]) == 0
    lines, _ = out_lines(capsys)
    assert lines[0] == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}"
    assert main(["check", "--exit-zero", "--fix"]) == 0
    assert (work / "Dockerfile").read_text() == f"FROM {ECR}node:20\n"


# --- rule selection ---------------------------------------------------------------------

SELECTION = "ARG REG\nFROM node:20\nFROM myorg/app:1\nFROM ${REG}/x:1\nFROM Node:1\n"


def codes_in(out: str) -> list[str]:
    return [line.split(": ", 2)[1].split()[0] for line in out.splitlines() if line.startswith("Dockerfile:")]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ["DH001", "DH002", "DH006"]),
        (["--select", "DH001"], ["DH001"]),
        (["--select", "DH001,DH002"], ["DH001", "DH002"]),
        (["--select", "DH001", "--select", "DH006"], ["DH001", "DH006"]),
        (["--select", "dh002"], ["DH002"]),
        (["--select", "DH00"], ["DH001", "DH002", "DH006"]),
        (["--select", "ALL"], ["DH001", "DH002", "DH006"]),
        (["--ignore", "DH001"], ["DH002", "DH006"]),
        (["--ignore", "DH001,DH006"], ["DH002"]),
        (["--ignore", "DH00"], []),
        (["--select", "DH00", "--ignore", "DH002"], ["DH001", "DH006"]),
        (["--select", " DH001 , DH002 "], ["DH001", "DH002"]),
    ],
)
def test_select_and_ignore(work, capsys, options, expected):
    write(work / "Dockerfile", SELECTION)
    main(["check", *options])
    out = capsys.readouterr().out
    # DH003 is info; it shows whenever selected
    assert sorted(set(codes_in(out)) - {"DH003"}) == expected


def test_select_info_rule(work, capsys):
    write(work / "Dockerfile", SELECTION)
    assert main(["check", "--select", "DH003"]) == 0  # info only
    assert codes_in(capsys.readouterr().out) == ["DH003"]


# --- quiet, statistics --------------------------------------------------------------------


def test_quiet(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert main(["check", "--quiet"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}", f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}"]
    assert main(["check", "-q", "--fix"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}"]
    assert main(["check", "-q", "--ignore", "DH002"]) == 0
    assert capsys.readouterr().out == ""


def test_quiet_hides_no_files_message(work, capsys):
    assert main(["check", "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "dehub: no files to check under the given paths\n"
    assert captured.out == "All checks passed!\n"


def test_statistics(work, capsys):
    write(work / "a" / "Dockerfile", "FROM node:20\nFROM myorg/app:1\nFROM alpine:3\n")
    write(work / "b" / "Dockerfile", "FROM myorg/app:2\nFROM myorg/app:3\nFROM Node\n")
    assert main(["check", "--statistics"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        "3  DH002  [ ] docker-hub-no-mirror",
        "2  DH001  [*] docker-hub-image",
        "1  DH006  [ ] invalid-image-reference",
        "Found 6 problems. [*] 2 fixable with --fix.",
    ]


# --- build arguments and kinds -------------------------------------------------------------


def test_build_arg(work, capsys):
    write(work / "Dockerfile", "ARG BASE\nFROM ${BASE}\n")
    assert main(["check"]) == 0
    assert codes_in(capsys.readouterr().out) == ["DH003"]
    assert main(["check", "--build-arg", "BASE=node:20"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[0].startswith("Dockerfile:2:6: DH001 error: `node:20` is pulled from Docker Hub")
    assert "no automatic fix" in lines[0]
    assert main(["check", "--build-arg", f"BASE={ECR}node:20"]) == 0


def test_build_arg_overrides_default(work, capsys):
    write(work / "Dockerfile", f"ARG BASE={ECR}node:20\nFROM ${{BASE}}\n")
    assert main(["check"]) == 0
    capsys.readouterr()
    assert main(["check", "--build-arg", "BASE=node:20"]) == 1
    assert codes_in(capsys.readouterr().out) == ["DH001"]


def test_kind_for_file_named_otherwise(work, capsys):
    write(work / "base.txt", "FROM node:20\n")
    assert main(["check", "--kind", "dockerfile", "base.txt"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[0] == f"base.txt:1:6: DH001 error: {NODE_MESSAGE}"


def test_kind_needed_when_content_does_not_say(work, capsys):
    write(work / "notes.txt", "RUN echo\nFROM node:20\n")
    assert main(["check", "notes.txt"]) == 0
    captured = capsys.readouterr()
    from dehub import kinds

    assert captured.err == (
        f"dehub: skipped notes.txt: not a kind of file dehub reads ({kinds.titles()}); "
        f"if it is one of those, say so with --kind {'|'.join(kinds.NAMES)}\n"
    )
    titles = kinds.titles()  # every kind, in the registry's order, spelled once there
    assert titles.startswith("GitHub Actions workflows, action metadata (action.yml), ")
    assert titles.endswith(" and Dockerfiles")
    assert captured.out == "All checks passed!\n"
    assert main(["check", "--kind", "dockerfile", "notes.txt"]) == 1
    assert codes_in(capsys.readouterr().out.replace("notes.txt:", "Dockerfile:")) == ["DH001"]


def test_explicit_file_detected_by_content(work, capsys):
    write(work / "base.image", "# comment\nFROM node:20\n")
    assert main(["check", "base.image"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[0] == f"base.image:2:6: DH001 error: {NODE_MESSAGE}"


def test_folder_walk_does_not_take_files_by_content(work, capsys):
    write(work / "base.txt", "FROM node:20\n")
    assert main(["check", "."]) == 0
    assert capsys.readouterr().err == "dehub: no files to check under the given paths\n"


# --- standard input -----------------------------------------------------------------------


def test_stdin_with_filename(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--stdin-filename", "Dockerfile", "-"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}", "Found 1 problem. [*] 1 fixable with --fix."]


def test_stdin_without_filename(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "-"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[0] == f"-:1:6: DH001 error: {NODE_MESSAGE}"


def test_stdin_json(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--format", "json", "--stdin-filename", "sub/Dockerfile", "-"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["path"] == "sub/Dockerfile"
    assert finding["fixable"] == "safe"


def test_stdin_fix_prints_fixed_text(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\r\nFROM myorg/app:1\r\n"))
    assert main(["check", "--fix", "--stdin-filename", "Dockerfile", "-"]) == 1  # DH002 remains
    captured = capsys.readouterr()
    assert captured.out == f"FROM {ECR}node:20\r\nFROM myorg/app:1\r\n"
    assert captured.err == f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}\nFound 2 problems (1 fixed, 1 remaining).\n"
    assert not (work / "Dockerfile").exists()


def test_stdin_fix_exit_status(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--fix", "-"]) == 0  # as ruff: fixed text on stdout is not a failure
    assert capsys.readouterr().out == f"FROM {ECR}node:20\n"
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--fix", "--exit-non-zero-on-fix", "-"]) == 1
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"FROM {ECR}node:20\n".encode()))
    assert main(["check", "--fix", "--exit-non-zero-on-fix", "-"]) == 0
    assert capsys.readouterr().out == f"FROM {ECR}node:20\n"


def test_stdin_fix_keeps_bad_input(work, capsysbinary, monkeypatch):
    data = b"FROM node:20\n\xff\xfe\n"
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    assert main(["check", "--fix", "--stdin-filename", "Dockerfile", "-"]) == 1
    captured = capsysbinary.readouterr()
    assert captured.out == data
    assert b"DH900 error: not valid UTF-8" in captured.err


def test_stdin_diff(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--diff", "--stdin-filename", "Dockerfile", "-"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert f"+FROM {ECR}node:20\n" in out


def test_stdin_combined_with_path_is_usage_error(work, capsys, monkeypatch):
    write(work / "Dockerfile", "FROM node:20\n")
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "-", "Dockerfile"]) == 2
    assert "`-` (standard input) cannot be combined with other paths" in capsys.readouterr().err


def test_stdin_filename_without_paths_reads_stdin(work, capsys, monkeypatch):
    """As ruff: `--stdin-filename` alone reads standard input, not the working folder."""
    write(work / "Dockerfile", f"FROM {ECR}node:20\n")  # clean: a run over `.` would pass
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--stdin-filename", "Dockerfile"]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}\nFound 1 problem. [*] 1 fixable with --fix.\n"
    assert captured.err == ""


def test_stdin_filename_without_paths_fix(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--fix", "--quiet", "--stdin-filename", "Dockerfile"]) == 0
    assert capsys.readouterr() == (f"FROM {ECR}node:20\n", "")
    assert not (work / "Dockerfile").exists()


STDIN_FILENAME_WITH_PATHS = (
    "usage: dehub check ...\n"
    "dehub: error: --stdin-filename names the text read from standard input and cannot be combined with paths "
    "(got {}); pass `-` or no path to read standard input, or drop --stdin-filename to check the files\n"
)


@pytest.mark.parametrize(
    ("paths", "named"),
    [(["Dockerfile"], "'Dockerfile'"), (["."], "'.'"), (["Dockerfile", "-"], "'Dockerfile'"),
     (["a", "b"], "'a', 'b'")],
    ids=["file", "folder", "file-and-dash", "two"],
)  # fmt: skip
def test_stdin_filename_with_paths_is_a_usage_error(work, capsys, monkeypatch, paths, named):
    write(work / "Dockerfile", "FROM node:20\n")
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\n"))
    assert main(["check", "--stdin-filename", "Dockerfile", *paths]) == 2
    assert capsys.readouterr() == ("", STDIN_FILENAME_WITH_PATHS.format(named))
    assert sys.stdin.buffer.tell() == 0  # standard input was not read


def test_stdin_filename_must_name_something(work, capsys):
    assert main(["check", "--stdin-filename", "", "-"]) == 2
    assert capsys.readouterr().err == (
        "usage: dehub check ...\ndehub: error: --stdin-filename needs a file name (e.g. Dockerfile)\n"
    )


TERMINAL_HINT = (
    "dehub: reading {} from standard input (a terminal): paste it, then press Ctrl-D (Ctrl-Z, Enter on "
    "Windows); or press Ctrl-C and name the files: dehub check PATH...\n"
)


@pytest.mark.parametrize(
    ("argv", "what"),
    [(["-"], "a file"), (["--stdin-filename", "Dockerfile"], "the text of Dockerfile"),
     (["--stdin-filename", "Dockerfile", "-"], "the text of Dockerfile")],
    ids=["dash", "stdin-filename", "both"],
)  # fmt: skip
def test_terminal_stdin_gets_a_hint(work, capsys, monkeypatch, argv, what):
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"FROM {ECR}node:20\n".encode(), tty=True))
    assert main(["check", *argv]) == 0
    assert capsys.readouterr().err == TERMINAL_HINT.format(what)


def test_piped_stdin_gets_no_hint(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"FROM {ECR}node:20\n".encode(), tty=False))
    assert main(["check", "--stdin-filename", "Dockerfile"]) == 0
    assert capsys.readouterr() == ("All checks passed!\n", "")


def test_closed_stdin_is_an_error(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["check", "--stdin-filename", "Dockerfile"]) == 2
    assert capsys.readouterr() == ("", "dehub: error: standard input is closed; name the files to check\n")


def run_dehub(cwd, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dehub.hooks.cli", *args], cwd=cwd, capture_output=True, timeout=60, **kwargs
    )


def test_stdin_filename_reads_real_stdin_in_a_subprocess(work):
    write(work / "Dockerfile", f"FROM {ECR}node:20\n")
    done = run_dehub(work, "check", "--stdin-filename", "Dockerfile", input=b"FROM node:20\n")
    assert (done.returncode, done.stderr) == (1, b"")
    assert done.stdout == (
        f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}\nFound 1 problem. [*] 1 fixable with --fix.\n".encode()
    )
    done = run_dehub(work, "check", "--stdin-filename", "Dockerfile", "Dockerfile", input=b"FROM node:20\n")
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == STDIN_FILENAME_WITH_PATHS.format("'Dockerfile'").encode()


def test_stdin_filename_with_closed_stdin_in_a_subprocess(work):
    done = run_dehub(work, "check", "--stdin-filename", "Dockerfile", stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"All checks passed!\n", b"")  # empty text


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_stdin_in_a_subprocess(work):
    """On a real terminal dehub says it is reading, then reads until Ctrl-D."""
    import select

    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dehub.hooks.cli", "check", "--stdin-filename", "Dockerfile"],
            cwd=work, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        os.close(slave)
        assert process.stderr is not None
        assert select.select([process.stderr], [], [], 30)[0], "no hint on stderr before reading"
        assert process.stderr.readline().decode() == TERMINAL_HINT.format("the text of Dockerfile")
        os.write(master, b"FROM node:20\n\x04")  # a line, then Ctrl-D (end of input) on an empty line
        out, err = process.communicate(timeout=60)
    finally:
        os.close(master)
    assert (process.returncode, err) == (1, b"")
    assert out == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}\nFound 1 problem. [*] 1 fixable with --fix.\n".encode()


def test_double_dash_ends_options(work, capsys):
    write(work / "--fix", "FROM node:20\n")
    assert main(["check", "--kind", "dockerfile", "--", "--fix"]) == 1
    lines, _ = out_lines(capsys)
    assert lines[0] == f"--fix:1:6: DH001 error: {NODE_MESSAGE}"
    assert (work / "--fix").read_text() == "FROM node:20\n"


# --- folders ------------------------------------------------------------------------------


def test_folder_walk_finds_only_dockerfile_names(work, capsys):
    for name in ("Dockerfile", "sub/Containerfile", "sub/app.dockerfile", "sub/deeper/Dockerfile.prod"):
        write(work / name, "FROM node:20\n")
    for name in ("README.md", "notes.txt", "Dockerfile.md", "base.image", "node_modules/x/Dockerfile"):
        write(work / name, "FROM node:20\n")
    assert main(["check", "--select", "DH001"]) == 1
    lines, _ = out_lines(capsys)
    assert sorted(line.split(":", 1)[0] for line in lines[:-1]) == [
        "Dockerfile", "sub/Containerfile", "sub/app.dockerfile", "sub/deeper/Dockerfile.prod",
    ]  # fmt: skip


def test_folder_given_by_name(work, capsys):
    write(work / "a" / "Dockerfile", "FROM node:20\n")
    write(work / "b" / "Dockerfile", "FROM node:20\n")
    assert main(["check", "b"]) == 1
    lines, _ = out_lines(capsys)
    assert [line.split(":", 1)[0] for line in lines[:-1]] == ["b/Dockerfile"]


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@needs_git
def test_git_aware_walk(work, capsys):
    git(work, "init", "-q", ".")
    write(work / ".gitignore", "ignored/\nbuild.Dockerfile\n")
    write(work / "ignored" / "Dockerfile", "FROM node:20\n")
    write(work / "build.Dockerfile", "FROM node:20\n")
    write(work / "app" / "Dockerfile", "FROM node:20\n")  # untracked, not ignored
    write(work / "tracked" / "Containerfile", "FROM node:20\n")
    git(work, "add", "tracked/Containerfile")
    assert main(["check"]) == 1
    lines, _ = out_lines(capsys)
    assert [line.split(":", 1)[0] for line in lines[:-1]] == ["app/Dockerfile", "tracked/Containerfile"]


@needs_git
def test_git_aware_walk_of_subfolder_and_deleted_file(work, capsys):
    git(work, "init", "-q", ".")
    write(work / ".gitignore", "*.gen.Dockerfile\n")
    write(work / "sub" / "Dockerfile", "FROM node:20\n")
    write(work / "sub" / "x.gen.Dockerfile", "FROM node:20\n")
    write(work / "sub" / "gone" / "Dockerfile", "FROM node:20\n")
    git(work, "add", "-A")
    os.remove(work / "sub" / "gone" / "Dockerfile")  # tracked, deleted in the work tree
    assert main(["check", "sub"]) == 1
    captured = capsys.readouterr()
    assert [line.split(":", 1)[0] for line in captured.out.splitlines()[:-1]] == ["sub/Dockerfile"]
    assert "gone" not in captured.err


@needs_git
def test_explicit_ignored_file_is_still_checked(work, capsys):
    git(work, "init", "-q", ".")
    write(work / ".gitignore", "ignored/\n")
    write(work / "ignored" / "Dockerfile", "FROM node:20\n")
    assert main(["check", "ignored/Dockerfile"]) == 1
    assert capsys.readouterr().out.startswith("ignored/Dockerfile:1:6: DH001")


def test_parallel_jobs_give_the_same_report(work, capsys):
    for index in range(210):
        write(work / f"d{index:03}" / "Dockerfile", f"FROM node:{index}\nFROM myorg/app:{index}\n")
    assert main(["check", "--jobs", "1"]) == 1
    serial = capsys.readouterr().out
    assert main(["check", "--jobs", "3"]) == 1
    assert capsys.readouterr().out == serial
    assert serial.splitlines()[-1] == "Found 420 problems. [*] 210 fixable with --fix."


def test_parallel_fix(work, capsys):
    for index in range(205):
        write(work / f"d{index:03}" / "Dockerfile", f"FROM node:{index}\n")
    assert main(["check", "--fix", "--jobs", "4"]) == 0
    lines, _ = out_lines(capsys)
    assert lines == [f"Fixing d{index:03}/Dockerfile" for index in range(205)] + [
        "Found 205 problems (205 fixed, 0 remaining)."
    ]
    for index in range(205):
        assert (work / f"d{index:03}" / "Dockerfile").read_text() == f"FROM {ECR}node:{index}\n"
    assert sorted(os.listdir(work / "d000")) == ["Dockerfile"]


# --- rules and explain ----------------------------------------------------------------------


def test_rules_lists_every_code(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [rule.CODE for rule in rule_registry.ALL_RULES]
    assert sorted(line.split()[0] for line in lines) == sorted(rule_registry.CODES)
    dh901 = next(line for line in lines if line.startswith("DH901"))
    assert dh901.endswith("(off by default)")
    assert "docker-hub-image" in lines[0]


def test_rules_json(capsys):
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["code"] for row in rows} == set(rule_registry.CODES)
    by_code = {row["code"]: row for row in rows}
    assert by_code["DH001"] == {
        "code": "DH001",
        "name": "docker-hub-image",
        "severity": "error",
        "fix": "safe",
        "default": True,
        "summary": "an image is pulled from Docker Hub, and a mirror has a copy.",
    }
    assert by_code["DH901"]["default"] is False
    assert by_code["DH003"]["severity"] == "info"


@pytest.mark.parametrize("code", sorted(rule_registry.CODES))
def test_explain(capsys, code):
    assert main(["explain", code]) == 0
    out = capsys.readouterr().out
    assert out == rule_registry.RULES[code].__doc__.strip() + "\n"
    assert out.startswith(f"{code} ")


def test_explain_dh001_and_lower_case(capsys):
    assert main(["explain", "dh001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DH001 docker-hub-image:")
    assert "public.ecr.aws/docker/library/node:20" in out


def test_explain_unknown(capsys):
    assert main(["explain", "XX"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    known = "DH001, DH002, DH003, DH004, DH005, DH006, DH900, DH901, DH902"
    assert f"unknown rule code 'XX'; known: {known}" in captured.err


# --- unused suppressions --------------------------------------------------------------------


def test_show_unused_suppressions(work, capsys):
    write(work / "Dockerfile", f"# dehub ignore=DH001 legacy\nFROM {ECR}node:20\n")
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"
    assert main(["check", "--show-unused-suppressions"]) == 0  # DH901 is info
    lines, _ = out_lines(capsys)
    assert lines == [
        "Dockerfile:1:1: DH901 info: suppression of DH001 suppresses nothing; remove the comment",
        "Found 1 problem. [*] 1 fixable with --fix.",
    ]


def test_show_unused_suppressions_fix_deletes_the_line(work, capsys):
    write(work / "Dockerfile", f"FROM {ECR}node:20\n# dehub ignore=DH001 legacy\nRUN echo hi\n")
    assert main(["check", "--show-unused-suppressions", "--fix"]) == 0
    lines, _ = out_lines(capsys)
    assert lines == ["Fixing Dockerfile", "Found 1 problem (1 fixed, 0 remaining)."]
    assert (work / "Dockerfile").read_text() == f"FROM {ECR}node:20\nRUN echo hi\n"
    assert main(["check", "--show-unused-suppressions"]) == 0


def test_used_suppression_is_not_reported(work, capsys):
    write(work / "Dockerfile", "# dehub ignore=DH001 legacy\nFROM node:20\n")
    assert main(["check", "--show-unused-suppressions"]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"


READ_NOW = [  # files dehub did not read before issue 10; a kind that landed took them out of NOT_YET
    "docker-compose.yml", "compose.yaml", "deploy/docker-compose.prod.yml", ".gitlab-ci.yml", ".circleci/config.yml",
    "bitbucket-pipelines.yml", "azure-pipelines.yml", ".drone.yml", ".woodpecker.yml", "Jenkinsfile",
    "docker-bake.hcl", ".devcontainer/devcontainer.json", "k8s/kustomization.yaml", "chart/values.yaml",
    "scripts/build.sh", "Makefile",
]  # fmt: skip
NOT_YET_CASES = [
    ("Earthfile", "Earthfiles"),
    ("jobs/web.nomad", "Nomad job files"),
    ("jobs/web.nomad.hcl", "Nomad job files"),
    ("images/base.pkr.hcl", "Packer templates"),
    ("Tiltfile", "Tiltfiles"),
]


def _not_read_yet(cases):
    """The cases still in `kinds.NOT_YET` (a kind that lands takes its files out of it)."""
    from dehub import kinds

    return [case for case in cases if kinds.not_read_yet(case[0]) is not None and kinds.kind_for_path(case[0]) is None]


@pytest.mark.parametrize(("name", "what"), _not_read_yet(NOT_YET_CASES))
def test_files_dehub_does_not_read_yet_say_so(work, capsys, name, what):
    """No `--kind` value can help with these: the message says plainly that they are not read."""
    from dehub import kinds

    write(work / name, "services:\n  web:\n    image: node:20\n")
    assert main(["check", name]) == 0
    expected = f"dehub: skipped {name}: dehub does not read {what} yet (it reads {kinds.titles()})\n"
    assert capsys.readouterr().err == expected


def test_a_file_of_a_kind_dehub_reads_is_not_in_not_yet():
    from dehub import kinds

    assert [name for name in READ_NOW if kinds.kind_for_path(name) is None] == []
    assert [name for name in READ_NOW if kinds.not_read_yet(name) is not None] == []
    assert len(_not_read_yet(NOT_YET_CASES)) == len(NOT_YET_CASES)


# --- suppressions dehub cannot honour (DH902) ------------------------------------------------

DH902_USAGE = "write `# dehub ignore=CODE[,CODE...] [reason]` (or `# dehub global ignore=...` for the whole file)"


def test_invalid_suppression_fails_the_run(work, capsys):
    """The finding it meant to hide is reported, and so is the comment (a warning: exit 1)."""
    write(work / "Dockerfile", "# dehub ignore DH001 legacy\nFROM node:20\n# dehub is run by CI\n")
    assert main(["check"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        "Dockerfile:1:1: DH902 warning: this comment suppresses nothing: `ignore` needs `=` and rule codes; "
        + DH902_USAGE,
        f"Dockerfile:2:6: DH001 error: {NODE_MESSAGE}",
        "Found 2 problems. [*] 1 fixable with --fix.",
    ]


def test_invalid_suppression_alone_exits_1_and_can_be_ignored(work, capsys):
    write(work / "Dockerfile", f"# dehub ignore=DH01,DH001 legacy\nFROM {ECR}node:20\n")
    assert main(["check", "--format", "concise"]) == 1
    assert capsys.readouterr().out == (
        "Dockerfile:1:16: DH902 warning: unknown rule code `DH01` in this suppression: it suppresses nothing "
        "(DH001 still applies); dehub's codes are DH001, DH002, DH003, DH004, DH005, DH006, DH900, DH901, DH902"
        "\nFound 1 problem.\n"
    )
    assert main(["check", "--ignore", "DH902"]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"
    write(work / ".dehub.yaml", "ignore: [DH902]\n")
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"


# --- notes: once per file, or after each finding with --verbose ------------------------------

WORKFLOW = (
    "on: push\n"
    "jobs:\n"
    "  test:\n"
    "    runs-on: ubuntu-latest\n"
    "    container: node:20\n"
    "    services:\n"
    '      db: {image: "postgres:16"}\n'
    '      cache: {image: "myorg/cache:1"}\n'
    "    steps:\n"
    "      - uses: docker://alpine:3.20\n"
    "      - run: docker run --rm node:20 npm test\n"
    "  lint:\n"
    "    runs-on: ubuntu-latest\n"
    "    container: python:3.12\n"
)
WORKFLOW_PATH = ".github/workflows/ci.yml"
SETUP_NOTE = (
    "pulled while the job is set up, before any step, so a login step cannot cover it (only the mirror, "
    "or `credentials:` on the container or service, can)"
)
ACTIONS_NOTE = (
    "pulled while the job prepares its actions, before any step, so a login step cannot cover it (only the mirror can)"
)
STEP_NOTE = "pulled by this step (a Docker Hub login in an earlier step would also lift the anonymous limit)"
CACHE_MESSAGE = MYORG_MESSAGE.replace("myorg/app:1", "myorg/cache:1")


def hub(image: str) -> str:
    return f"`{image}` is pulled from Docker Hub; use `{ECR}{image}`"


def test_notes_are_printed_once_per_file_after_its_findings(work, capsys):
    write(work / WORKFLOW_PATH, WORKFLOW)
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check"]) == 1
    lines, err = out_lines(capsys)
    assert lines == [
        f"{WORKFLOW_PATH}:5:16: DH001 error: {hub('node:20')}",
        f"{WORKFLOW_PATH}:7:20: DH001 error: {hub('postgres:16')}",
        f"{WORKFLOW_PATH}:8:23: DH002 warning: {CACHE_MESSAGE}",
        f"{WORKFLOW_PATH}:10:24: DH001 error: {hub('alpine:3.20')}",
        f"{WORKFLOW_PATH}:11:30: DH001 error: {hub('node:20')}",
        f"{WORKFLOW_PATH}:14:16: DH001 error: {hub('python:3.12')}",
        f"  note (lines 5, 7, 8, 14): {SETUP_NOTE}",
        f"  note (line 10): {ACTIONS_NOTE}",
        f"  note (line 11): {STEP_NOTE}",
        f"Dockerfile:1:6: DH001 error: {hub('node:20')}",
        "Found 7 problems. [*] 6 fixable with --fix.",
    ]
    assert err == ""


def test_verbose_prints_the_note_after_each_finding(work, capsys):
    write(work / WORKFLOW_PATH, WORKFLOW)
    write(work / "Dockerfile", "FROM node:20\n")
    for flag in ("-v", "--verbose"):
        assert main(["check", flag, "--format", "concise"]) == 1
        lines, _ = out_lines(capsys)
        assert lines == [
            f"{WORKFLOW_PATH}:5:16: DH001 error: [*] {hub('node:20')}",
            f"  note: {SETUP_NOTE}",
            f"{WORKFLOW_PATH}:7:20: DH001 error: [*] {hub('postgres:16')}",
            f"  note: {SETUP_NOTE}",
            f"{WORKFLOW_PATH}:8:23: DH002 warning: {CACHE_MESSAGE}",
            f"  note: {SETUP_NOTE}",
            f"{WORKFLOW_PATH}:10:24: DH001 error: [*] {hub('alpine:3.20')}",
            f"  note: {ACTIONS_NOTE}",
            f"{WORKFLOW_PATH}:11:30: DH001 error: [*] {hub('node:20')}",
            f"  note: {STEP_NOTE}",
            f"{WORKFLOW_PATH}:14:16: DH001 error: [*] {hub('python:3.12')}",
            f"  note: {SETUP_NOTE}",
            f"Dockerfile:1:6: DH001 error: [*] {hub('node:20')}",
            "Found 7 problems. [*] 6 fixable with --fix.",
        ]


def test_each_file_gets_its_own_notes(work, capsys):
    write(work / ".github/workflows/a.yml", "on: push\njobs:\n  a:\n    container: node:20\n")
    write(work / ".github/workflows/b.yml", "on: push\njobs:\n  b:\n    runs-on: x\n    container: node:20\n")
    assert main(["check", "--format", "concise", "--quiet"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        f".github/workflows/a.yml:4:16: DH001 error: [*] {hub('node:20')}",
        f"  note (line 4): {SETUP_NOTE}",
        f".github/workflows/b.yml:5:16: DH001 error: [*] {hub('node:20')}",
        f"  note (line 5): {SETUP_NOTE}",
    ]


def test_two_findings_on_one_line_name_it_once(work, capsys):
    text = (
        "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        image: [node, python]\n"
        "    container: ${{ matrix.image }}:20\n"
    )
    write(work / WORKFLOW_PATH, text)
    assert main(["check", "--select", "DH001"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        f"{WORKFLOW_PATH}:6:17: DH001 error: `node:20` is pulled from Docker Hub; use `{ECR}node:20`",
        f"{WORKFLOW_PATH}:6:23: DH001 error: `python:20` is pulled from Docker Hub; use `{ECR}python:20`",
        f"  note (line 6): {SETUP_NOTE}",
        "Found 2 problems. [*] 2 fixable with --fix.",
    ]


def test_statistics_print_no_notes(work, capsys):
    write(work / WORKFLOW_PATH, WORKFLOW)
    assert main(["check", "--statistics"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        "5  DH001  [*] docker-hub-image",
        "1  DH002  [ ] docker-hub-no-mirror",
        "Found 6 problems. [*] 5 fixable with --fix.",
    ]


def test_json_has_the_note_apart_from_the_message(work, capsys):
    write(work / WORKFLOW_PATH, "on: push\njobs:\n  a:\n    container: node:20\n")
    assert main(["check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "version": 1,
        "findings": [
            {
                "path": WORKFLOW_PATH, "line": 4, "column": 16, "end_line": 4, "end_column": 23,
                "code": "DH001", "name": "docker-hub-image", "severity": "error", "message": hub("node:20"),
                "note": SETUP_NOTE, "site": "gha-container", "kind": "workflow", "image": "node:20",
                "canonical": "docker.io/library/node:20", "suggestion": ECR + "node:20", "fixable": "safe",
            },
        ],
    }  # fmt: skip


def test_github_annotation_keeps_the_note_in_its_message(work, capsys):
    write(work / WORKFLOW_PATH, "on: push\njobs:\n  a:\n    container: node:20\n")
    assert main(["check", "--format", "github", "--quiet"]) == 1
    assert capsys.readouterr().out == (
        f"::error file={WORKFLOW_PATH},line=4,col=16,endLine=4,endColumn=23,title=DH001 docker-hub-image"
        f"::{hub('node:20')}; {SETUP_NOTE}\n"
    )


# --- colour ---------------------------------------------------------------------------------

BOLD, RED, YELLOW, CYAN, RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[0m"


def painted(path: str, position: str, code: str, severity: str, message: str, mark: bool = False) -> str:
    """A report line as the colour palette writes it: path bold, code bold in the severity's colour."""
    colour = {"error": "31", "warning": "33", "info": "36"}[severity]
    star = f"{CYAN}[*]{RESET} " if mark else ""
    return (
        f"{BOLD}{path}{RESET}:{position}: \x1b[1;{colour}m{code}{RESET} "
        f"\x1b[{colour}m{severity}{RESET}: {star}{message}"
    )


COLOURED_KNOWN = [
    painted("Dockerfile", "2:6", "DH001", "error", NODE_MESSAGE),
    painted("Dockerfile", "3:6", "DH003", "info", REG_MESSAGE),
    painted("Dockerfile", "4:13", "DH001", "error", CENTOS_MESSAGE),
    painted("Dockerfile", "5:6", "DH002", "warning", MYORG_MESSAGE),
    "Found 4 problems. [*] 1 fixable with --fix; 1 more with --fix --unsafe-fixes.",
]


def test_color_always_exact_escape_sequences(work, capsys):
    write(work / "Dockerfile", KNOWN)
    assert main(["check", "--color", "always"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == COLOURED_KNOWN
    assert lines[0] == (
        "\x1b[1mDockerfile\x1b[0m:2:6: \x1b[1;31mDH001\x1b[0m \x1b[31merror\x1b[0m: " + NODE_MESSAGE
    )


def test_color_always_concise_marks_and_notes(work, capsys):
    write(work / WORKFLOW_PATH, "on: push\njobs:\n  a:\n    container: node:20\n")
    assert main(["check", "--color=always", "--format", "concise", "--quiet"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == [
        painted(WORKFLOW_PATH, "4:16", "DH001", "error", hub("node:20"), mark=True),
        f"  {BOLD}note{RESET} (line 4): {SETUP_NOTE}",
    ]
    assert main(["check", "--color=always", "--format", "concise", "--quiet", "-v"]) == 1
    assert out_lines(capsys)[0][1] == f"  {BOLD}note{RESET}: {SETUP_NOTE}"


@pytest.mark.parametrize(
    ("environ", "option", "coloured"),
    [
        ({}, None, False),  # not a terminal
        ({"FORCE_COLOR": "1"}, None, True),
        ({"FORCE_COLOR": "0"}, None, True),  # any non-empty value (force-color.org)
        ({"FORCE_COLOR": ""}, None, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, None, False),  # NO_COLOR wins between the two
        ({"NO_COLOR": "", "FORCE_COLOR": "1"}, None, True),  # an empty NO_COLOR is not set (no-color.org)
        ({"NO_COLOR": "1"}, "always", True),  # the command line beats the environment
        ({"FORCE_COLOR": "1"}, "never", False),
        ({"FORCE_COLOR": "1"}, "auto", True),
        ({}, "always", True),
    ],
)
def test_color_choice(work, capsys, monkeypatch, environ, option, coloured):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    write(work / "Dockerfile", KNOWN)
    assert main(["check", *(["--color", option] if option else [])]) == 1
    lines, _ = out_lines(capsys)
    assert lines == (COLOURED_KNOWN if coloured else [
        f"Dockerfile:2:6: DH001 error: {NODE_MESSAGE}",
        f"Dockerfile:3:6: DH003 info: {REG_MESSAGE}",
        f"Dockerfile:4:13: DH001 error: {CENTOS_MESSAGE}",
        f"Dockerfile:5:6: DH002 warning: {MYORG_MESSAGE}",
        "Found 4 problems. [*] 1 fixable with --fix; 1 more with --fix --unsafe-fixes.",
    ])  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab", "junit"])
def test_color_never_reaches_machine_formats(work, capsys, monkeypatch, fmt):
    monkeypatch.setenv("FORCE_COLOR", "1")
    write(work / WORKFLOW_PATH, WORKFLOW)
    write(work / "Dockerfile", KNOWN)
    assert main(["check", "--color", "always", "--format", fmt]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "node:20" in captured.out


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_color_never_reaches_an_output_file(work, capsys, monkeypatch, fmt):
    monkeypatch.setenv("FORCE_COLOR", "1")
    write(work / "Dockerfile", KNOWN)
    assert main(["check", "--color", "always", "--format", fmt, "-o", "report.txt"]) == 1
    assert capsys.readouterr().out == ""
    report = (work / "report.txt").read_text(encoding="utf-8")
    assert "\x1b" not in report
    assert report.splitlines()[0].startswith("Dockerfile:2:6: DH001 error: ")


def test_color_option_needs_a_known_value(work, capsys):
    assert main(["check", "--color", "sometimes"]) == 2
    assert "option --color: invalid choice 'sometimes' (choose from auto, always, never)" in capsys.readouterr().err


def run_on_terminal(cwd, *args: str, environ: dict[str, str] | None = None, stream: str = "stdout",
                    stdin: bytes = b"") -> tuple[int, str, str]:
    """Run `python -m dehub` with `stream` on a pseudo-terminal and the other on a pipe.

    Returns the exit status, what the terminal showed (CR LF read back as LF) and the pipe's text.
    """
    import pty

    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    env["TERM"] = "xterm-256color"
    env.update(environ or {})
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "dehub", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=secondary if stream == "stdout" else subprocess.PIPE,
        stderr=secondary if stream == "stderr" else subprocess.PIPE,
    )
    os.close(secondary)
    assert process.stdin is not None
    process.stdin.write(stdin)
    process.stdin.close()
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal's other end is closed, the program has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    piped = (process.stderr if stream == "stdout" else process.stdout).read()  # type: ignore[union-attr]
    code = process.wait(timeout=60)
    return code, shown.decode("utf-8").replace("\r\n", "\n"), piped.decode("utf-8")


needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@needs_pty
def test_terminal_gets_colour(work):
    write(work / "Dockerfile", KNOWN)
    code, shown, piped = run_on_terminal(work, "check")
    assert code == 1
    assert shown.splitlines() == COLOURED_KNOWN
    assert piped == ""


@needs_pty
@pytest.mark.parametrize(
    ("environ", "args"),
    [
        ({"NO_COLOR": "1"}, []),
        ({"TERM": "dumb"}, []),
        ({}, ["--color", "never"]),
        ({}, ["--format", "json"]),
    ],
    ids=["NO_COLOR", "TERM=dumb", "never", "json"],
)
def test_terminal_without_colour(work, environ, args):
    write(work / "Dockerfile", KNOWN)
    code, shown, _ = run_on_terminal(work, "check", *args, environ=environ)
    assert code == 1
    assert "\x1b" not in shown
    assert "Dockerfile" in shown


@needs_pty
def test_pipe_gets_no_colour_while_the_terminal_does(work):
    """The report on stderr (a terminal) is coloured; the fixed text on stdout (a pipe) never is."""
    code, shown, piped = run_on_terminal(
        work, "check", "--fix", "--stdin-filename", "Dockerfile", "-", stream="stderr",
        stdin=b"FROM node:20\nFROM myorg/app:1\n",
    )
    assert code == 1
    assert piped == f"FROM {ECR}node:20\nFROM myorg/app:1\n"
    assert shown.splitlines() == [
        painted("Dockerfile", "2:6", "DH002", "warning", MYORG_MESSAGE),
        "Found 2 problems (1 fixed, 1 remaining).",
    ]
    code, shown, piped = run_on_terminal(work, "check", "--stdin-filename", "Dockerfile", "-", stream="stderr",
                                         stdin=b"FROM node:20\n")
    assert code == 1
    assert shown == ""
    assert piped == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}\nFound 1 problem. [*] 1 fixable with --fix.\n"


# --- --diff: the diff alone on stdout, so it pipes into `git apply -p0` or `patch -p0` -------------

DIFF_TREE = {
    "Dockerfile": "FROM node:20 AS build\nRUN echo hi\nFROM myorg/app:1\n",
    "sub dir/Containerfile": "FROM alpine:3.20\r\nRUN true\r\n",
    "no-newline.Dockerfile": "FROM python:3.12",
    WORKFLOW_PATH: WORKFLOW,
}


@needs_git
def test_diff_output_applies_with_git_apply(work, capsys):
    for path, text in DIFF_TREE.items():
        write(work / path, text)
    git(work, "init", "-q", ".")
    git(work, "add", "-A")
    assert main(["check", "--diff", "--select", "DH001,DH002"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- .github/workflows/ci.yml\n+++ .github/workflows/ci.yml\n")
    assert captured.err.splitlines() == [
        f"{WORKFLOW_PATH}:8:23: DH002 warning: {CACHE_MESSAGE}",
        f"  note (line 8): {SETUP_NOTE}",
        f"Dockerfile:3:6: DH002 warning: {MYORG_MESSAGE}",
        "Would fix 8 problems (2 would remain).",
    ]
    (work / "fixes.patch").write_text(captured.out, encoding="utf-8", newline="")
    checked = subprocess.run(
        ["git", "apply", "-p0", "--check", "fixes.patch"], cwd=work, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    subprocess.run(["git", "apply", "-p0", "fixes.patch"], cwd=work, check=True, capture_output=True)
    applied = {path: (work / path).read_bytes() for path in DIFF_TREE}
    for path, text in DIFF_TREE.items():  # the same edits --fix makes
        write(work / path, text)
    assert main(["check", "--fix"]) == 1  # the two DH002 remain
    capsys.readouterr()
    assert applied == {path: (work / path).read_bytes() for path in DIFF_TREE}
    assert applied["sub dir/Containerfile"] == f"FROM {ECR}alpine:3.20\r\nRUN true\r\n".encode()


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch is not installed")
def test_diff_output_applies_with_patch(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nRUN echo hi\n")
    write(work / "sub" / "app.dockerfile", "FROM python:3.12")
    assert main(["check", "--diff"]) == 1
    diff = capsys.readouterr().out
    done = subprocess.run(["patch", "-p0", "--batch"], cwd=work, input=diff, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (work / "Dockerfile").read_text() == f"FROM {ECR}node:20\nRUN echo hi\n"
    assert (work / "sub" / "app.dockerfile").read_text() == f"FROM {ECR}python:3.12"


def test_diff_report_goes_to_stderr_in_every_format(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert main(["check", "--diff", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert [f["code"] for f in json.loads(captured.err)["findings"]] == ["DH002"]


def test_diff_with_output_file(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
    assert main(["check", "--diff", "-o", "report.txt"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert captured.err == ""
    assert (work / "report.txt").read_text() == (
        f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}\nWould fix 1 problem (1 would remain).\n"
    )


def test_stdin_diff_report_on_stderr(work, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"FROM node:20\nFROM myorg/app:1\n"))
    assert main(["check", "--diff", "--stdin-filename", "Dockerfile", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1,2 @@\n-FROM node:20\n"
        f"+FROM {ECR}node:20\n FROM myorg/app:1\n"
    )
    assert captured.err == f"Dockerfile:2:6: DH002 warning: {MYORG_MESSAGE}\nWould fix 1 problem (1 would remain).\n"


# --- exit status with --fix, as ruff's -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "status"),
    [
        ("FROM node:20\n", [], 0),  # everything fixed
        ("FROM node:20\n", ["--exit-non-zero-on-fix"], 1),  # ... but the file changed
        ("FROM node:20\nFROM myorg/app:1\n", [], 1),  # a warning remains
        ("ARG R\nFROM node:20\nFROM ${R}/x:1\n", [], 0),  # only info remains
        ("ARG R\nFROM node:20\nFROM ${R}/x:1\n", ["--exit-non-zero-on-fix"], 1),
        (f"FROM {ECR}node:20\n", ["--exit-non-zero-on-fix"], 0),  # nothing to change
        ("FROM myorg/app:1\n", ["--exit-non-zero-on-fix"], 1),  # nothing changed, a warning
        ("FROM node:20\n", ["--exit-non-zero-on-fix", "--exit-zero"], 0),  # --exit-zero wins
        ("FROM centos:7\n", [], 1),  # the unsafe fix was not applied: the error remains
        ("FROM centos:7\n", ["--unsafe-fixes"], 0),
    ],
    ids=[
        "fixed", "fixed-non-zero", "warning-remains", "info-remains", "info-remains-non-zero", "clean-non-zero",
        "unfixable-non-zero", "exit-zero", "unsafe-not-applied", "unsafe-applied",
    ],
)
def test_fix_exit_status(work, capsys, monkeypatch, text, options, status):
    write(work / "Dockerfile", text)
    assert main(["check", "--fix", *options]) == status
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", FakeStdin(text.encode()))
    assert main(["check", "--fix", *options, "--stdin-filename", "Dockerfile", "-"]) == status
    capsys.readouterr()


def test_exit_non_zero_on_fix_counts_any_changed_file(work, capsys):
    write(work / "a" / "Dockerfile", f"FROM {ECR}node:20\n")
    write(work / "b" / "Dockerfile", "FROM node:20\n")
    assert main(["check", "--fix", "--exit-non-zero-on-fix"]) == 1
    lines, _ = out_lines(capsys)
    assert lines == ["Fixing b/Dockerfile", "Found 1 problem (1 fixed, 0 remaining)."]
    assert main(["check", "--fix", "--exit-non-zero-on-fix"]) == 0  # nothing left to change
    assert out_lines(capsys)[0] == ["All checks passed!"]


def test_exit_non_zero_on_fix_without_fix_changes_nothing(work, capsys):
    write(work / "Dockerfile", f"ARG R\nFROM {ECR}node:20\nFROM ${{R}}/x:1\n")
    assert main(["check", "--exit-non-zero-on-fix"]) == 0
    write(work / "Dockerfile", "FROM node:20\n")
    assert main(["check", "--exit-non-zero-on-fix"]) == 1
    capsys.readouterr()


def test_check_help_documents_the_exit_codes(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "\nexit status:\n"
        "  0  clean: no error or warning findings (info findings do not count);\n"
        "     with --fix, none remain after fixing\n"
        "  1  error or warning findings (with --fix, those that remain); with --diff, a fix\n"
        "     would change something; with --fix --exit-non-zero-on-fix, a file or the\n"
        "     standard input's text was changed\n"
        "  2  usage, configuration or internal error, a path that does not exist, or\n"
        "     with --fix a file that could not be written back (even with --exit-zero)\n"
    )


def test_filter_files_takes_named_files_as_a_folder_walk_would(tmp_path, monkeypatch, capsys):
    """`--filter-files` (the pre-commit hooks' flag): a named file is checked when its name is a
    kind's or a kind reads its name by content and the content is that kind; the rest are
    dropped without a note. Without the flag every named file is read and the rest named."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: redis:7\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: docs\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("FROM node:20\n", encoding="utf-8")
    names = ["Dockerfile", "deploy.yaml", "mkdocs.yml", "notes.txt"]
    assert main(["check", "--isolated", "--filter-files", "--format", "json", *names]) == 1
    out, err = capsys.readouterr()
    assert sorted((f["path"], f["code"]) for f in json.loads(out)["findings"]) == [
        ("Dockerfile", "DH001"), ("deploy.yaml", "DH001")]  # fmt: skip
    assert err == ""
    assert main(["check", "--isolated", "--format", "json", *names]) == 1
    out, err = capsys.readouterr()
    paths = sorted(f["path"] for f in json.loads(out)["findings"])
    assert paths == ["Dockerfile", "deploy.yaml"]
    assert "skipped mkdocs.yml: not a kind of file dehub reads" in err
    assert "skipped notes.txt: not a kind of file dehub reads" in err
