"""Bad input never stops a run: one DH900 for the bad file, the good file still checked, nothing written."""

from __future__ import annotations

import json
import os

import pytest

import dehub.fixer
import dehub.runner
from dehub.config import find_config_file
from dehub.hooks.cli import main
from dehub.lint import Settings
from dehub.runner import check_file

ECR = "public.ecr.aws/docker/library/"
GOOD = "good/Dockerfile"
GOOD_TEXT = b"FROM node:20\n"
GOOD_LINE = f"{GOOD}:1:6: DH001 error: `node:20` is pulled from Docker Hub; use `{ECR}node:20`"


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None
    (tmp_path / "good").mkdir()
    (tmp_path / GOOD).write_bytes(GOOD_TEXT)
    return tmp_path


def nested(depth: int, inner: str = "x") -> str:
    text = inner
    for index in range(depth):
        text = "${A%d:-%s}" % (index, text)
    return text


def put(work, path: str, data: bytes) -> None:
    target = work / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


# name -> (path, bytes, expected DH900 message or None when clean). A path that does not exist
# is not bad input but a bad command line (exit 2): see test_missing_path_*.
BAD = {
    "binary": ("bin/Dockerfile", b"FROM node:20\n\x00\x01\x02\xff", "binary file (contains NUL bytes)"),
    "png": ("png/Dockerfile", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
    "invalid-utf8": (
        "latin1/Dockerfile", "FROM node:20\n# café\n".encode("latin-1"), "not valid UTF-8 (byte 18, line 2)"
    ),
    "invalid-utf8-after-bom": (
        "bomlatin/Dockerfile", b"\xef\xbb\xbfFROM x\n\xe9\n", "not valid UTF-8 (byte 10, line 2)"
    ),
    "truncated-utf8": ("trunc/Dockerfile", b"FROM node:20\n# \xe2\x98", "not valid UTF-8 (byte 15, line 2)"),
    "empty": ("empty/Dockerfile", b"", None),
    "whitespace-only": ("blank/Dockerfile", b"  \n\t\n\r\n\n   ", None),
    "comments-only": ("comments/Dockerfile", b"# nothing here\n# FROM node:20\n", None),
    "bom-only": ("bom/Dockerfile", b"\xef\xbb\xbf", None),
}  # fmt: skip


def bad_files(work, name: str) -> tuple[str, bytes]:
    path, data, _ = BAD[name]
    put(work, path, data)
    return path, data


def findings_by_path(capsys) -> dict[str, list[dict]]:
    out = json.loads(capsys.readouterr().out)
    grouped: dict[str, list[dict]] = {}
    for finding in out["findings"]:
        grouped.setdefault(finding["path"], []).append(finding)
    return grouped


@pytest.mark.parametrize("name", list(BAD))
def test_bad_file_next_to_a_good_one(work, capsys, name):
    path, _ = bad_files(work, name)
    message = BAD[name][2]
    assert main(["check", GOOD, path]) == 1
    lines = capsys.readouterr().out.splitlines()
    expected = [GOOD_LINE]
    if message is not None:
        expected.append(f"{path}:1:1: DH900 error: {message}")
    assert lines[:-1] == expected  # in command-line order
    assert lines[-1].startswith(f"Found {len(expected)} problem")


@pytest.mark.parametrize("name", list(BAD))
def test_bad_file_json(work, capsys, name):
    path, _ = bad_files(work, name)
    message = BAD[name][2]
    assert main(["check", "--format", "json", path, GOOD]) == 1
    grouped = findings_by_path(capsys)
    assert [f["code"] for f in grouped[GOOD]] == ["DH001"]
    if message is None:
        assert path not in grouped
    else:
        (finding,) = grouped[path]
        assert finding["code"] == "DH900"
        assert finding["name"] == "parse-error"
        assert finding["severity"] == "error"
        assert finding["message"] == message
        assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (1, 1, 1, 1)
        assert finding["fixable"] is None


@pytest.mark.parametrize("name", list(BAD))
def test_bad_file_is_not_written_by_fix(work, capsys, name):
    path, data = bad_files(work, name)
    stamp = os.stat(work / path).st_mtime_ns
    remains = BAD[name][2] is not None  # the DH900 finding; the good file's DH001 was fixed
    assert main(["check", "--fix", GOOD, path]) == (1 if remains else 0)
    out = capsys.readouterr().out
    assert f"Fixing {GOOD}" in out
    assert f"Fixing {path}" not in out
    assert (work / GOOD).read_bytes() == b"FROM " + ECR.encode() + b"node:20\n"
    assert (work / path).read_bytes() == data
    assert os.stat(work / path).st_mtime_ns == stamp
    assert os.listdir((work / path).parent) == ["Dockerfile"]


@pytest.mark.parametrize("name", ["empty", "whitespace-only", "comments-only"])
def test_clean_odd_files_alone_exit_0(work, capsys, name):
    path, _ = bad_files(work, name)
    assert main(["check", path]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"


def test_missing_path_alone(work, capsys):
    assert main(["check", "nope/Dockerfile"]) == 2
    assert capsys.readouterr() == ("", "dehub: error: nope/Dockerfile: no such file or directory\n")


@pytest.mark.parametrize(
    "options",
    [[], ["--format", "json"], ["--fix"], ["--diff"], ["--exit-zero"], ["--ignore", "DH900"], ["--quiet"]],
    ids=["text", "json", "fix", "diff", "exit-zero", "ignore-dh900", "quiet"],
)
def test_missing_path_next_to_a_good_one_checks_nothing(work, capsys, options):
    """A path that is not there is a mistake on the command line: exit 2 whatever the options
    (`--exit-zero` and `ignore: [DH900]` hide findings, not a typo in a CI step), and nothing
    is checked or written, as black and mypy do."""
    assert main(["check", *options, GOOD, "nope/Dockerfile", "gone", "good/Dockerfile/x"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "dehub: error: nope/Dockerfile: no such file or directory\n"
        "dehub: error: gone: no such file or directory\n"
        "dehub: error: good/Dockerfile/x: no such file or directory\n"
    )
    assert (work / GOOD).read_bytes() == GOOD_TEXT


def test_missing_path_with_force_exclude(work, capsys):
    (work / ".dehub.yaml").write_text("exclude: [nope/]\n")
    assert main(["check", "--force-exclude", "nope/Dockerfile"]) == 2
    assert capsys.readouterr().err == "dehub: error: nope/Dockerfile: no such file or directory\n"


def test_dh900_ignored_by_configuration(work, capsys):
    bad_files(work, "binary")
    assert main(["check", "--ignore", "DH900", GOOD, "bin/Dockerfile"]) == 1
    assert capsys.readouterr().out.splitlines()[:-1] == [GOOD_LINE]
    assert main(["check", "--ignore", "DH900", "bin/Dockerfile"]) == 0


def test_utf16_is_not_called_binary(work, capsys):
    put(work, "u16/Dockerfile", "FROM node:20\r\n".encode("utf-16"))
    main(["check", "--format", "json", "u16/Dockerfile"])
    (finding,) = findings_by_path(capsys)["u16/Dockerfile"]
    assert "binary" not in finding["message"]
    assert "UTF-16" in finding["message"] or "UTF-8" in finding["message"]


def test_explicit_binary_non_dockerfile_is_skipped(work, capsys):
    put(work, "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    put(work, "notes.txt", b"just some notes\n")
    assert main(["check", "logo.png", "notes.txt"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "All checks passed!\n"
    assert "skipped logo.png" in captured.err


# --- size ---------------------------------------------------------------------------------


def test_file_over_max_file_size(work, capsys):
    (work / ".dehub.yaml").write_text("max-file-size: 100\n")
    data = b"FROM node:20\n" + b"# pad\n" * 30
    put(work, "big/Dockerfile", data)
    assert main(["check", GOOD, "big/Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [
        GOOD_LINE,
        f"big/Dockerfile:1:1: DH900 error: file is {len(data)} bytes, over the max-file-size of 100; not checked",
    ]
    assert main(["check", "--fix", GOOD, "big/Dockerfile"]) == 1
    capsys.readouterr()
    assert (work / "big" / "Dockerfile").read_bytes() == data


def test_file_exactly_max_file_size_is_checked(work, capsys):
    (work / ".dehub.yaml").write_text("max-file-size: 100\n")
    data = b"FROM node:20\n" + b"#" * 86 + b"\n"
    assert len(data) == 100
    put(work, "edge/Dockerfile", data)
    assert main(["check", "--select", "DH001,DH900", "edge/Dockerfile"]) == 1
    assert capsys.readouterr().out.startswith("edge/Dockerfile:1:6: DH001")


def test_stdin_over_max_file_size(work, capsys, monkeypatch):
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO(b"FROM node:20\n" * 20)

    (work / ".dehub.yaml").write_text("max-file-size: 100\n")
    monkeypatch.setattr(sys, "stdin", Stdin())
    assert main(["check", "--stdin-filename", "Dockerfile", "-"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "Dockerfile:1:1: DH900 error: input is over the max-file-size of 100 bytes; not checked"
    )


def test_huge_single_line(work, capsys):
    data = b"FROM node:20\nRUN echo " + b"a" * 1_000_000 + b"\nFROM alpine:3\n"
    put(work, "huge/Dockerfile", data)
    assert main(["check", GOOD, "huge/Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    node = "`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`"
    alpine = "`alpine:3` is pulled from Docker Hub; use `public.ecr.aws/docker/library/alpine:3`"
    assert [line.split(": ", 3)[:3] for line in lines[:-1]] == [
        [GOOD + ":1:6", "DH001 error", node],
        ["huge/Dockerfile:1:6", "DH001 error", node],
        ["huge/Dockerfile:3:6", "DH001 error", alpine],
    ]
    assert main(["check", "--fix", "huge/Dockerfile"]) == 0
    capsys.readouterr()
    assert (work / "huge" / "Dockerfile").read_bytes() == data.replace(b"FROM ", b"FROM " + ECR.encode())


def test_huge_image_reference(work, capsys):
    put(work, "long/Dockerfile", b"FROM node:" + b"a" * 1_000_000 + b"\n")
    assert main(["check", "--format", "json", GOOD, "long/Dockerfile"]) == 1
    grouped = findings_by_path(capsys)
    assert [f["code"] for f in grouped["long/Dockerfile"]] == ["DH006"]
    assert [f["code"] for f in grouped[GOOD]] == ["DH001"]


def test_ten_thousand_continuation_lines(work, capsys):
    data = (
        b"FROM node:20\nRUN echo \\\n" + b"  a \\\n" * 10_000 + b"  end\nFROM \\\n" + b"\\\n" * 10_000 + b" alpine:3\n"
    )
    put(work, "cont/Dockerfile", data)
    assert main(["check", GOOD, "cont/Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        GOOD + ":1:6", "cont/Dockerfile:1:6", "cont/Dockerfile:20005:2",
    ]  # fmt: skip
    assert main(["check", "--fix", "cont/Dockerfile"]) == 0
    capsys.readouterr()
    assert (work / "cont" / "Dockerfile").read_bytes() == data.replace(b"node:20", ECR.encode() + b"node:20").replace(
        b" alpine:3", b" " + ECR.encode() + b"alpine:3"
    )


def test_nesting_that_python_handles(work, capsys):
    put(work, "nest/Dockerfile", f"FROM node:{nested(100)}\n".encode())
    assert main(["check", "--format", "json", "nest/Dockerfile"]) == 1
    (finding,) = findings_by_path(capsys)["nest/Dockerfile"]
    assert (finding["code"], finding["image"]) == ("DH001", "node:x")


@pytest.mark.parametrize(
    "text",
    [
        f"FROM node:{nested(500)}\n",
        f"FROM {nested(500, 'node:20')}\n",
        f"ARG X={nested(500)}\nFROM node:${{X}}\n",
        "FROM node:" + "${A:-" * 500 + "\n",
    ],
    ids=["tag", "whole-reference", "arg-default", "unclosed"],
)
def test_deep_nesting(work, capsys, text):
    put(work, "nest/Dockerfile", text.encode())
    code = main(["check", "--format", "json", GOOD, "nest/Dockerfile"])
    grouped = findings_by_path(capsys)
    assert [f["code"] for f in grouped[GOOD]] == ["DH001"]
    (finding,) = grouped["nest/Dockerfile"]
    assert "internal error" not in finding["message"]
    assert "RecursionError" not in finding["message"]
    assert finding["code"] in ("DH001", "DH006", "DH900")
    assert code == 1


# --- files that are not there or not readable ----------------------------------------------


def test_unreadable_file(work, capsys):
    put(work, "locked/Dockerfile", b"FROM node:20\n")
    path = work / "locked" / "Dockerfile"
    os.chmod(path, 0)
    try:
        try:
            with open(path, "rb"):
                pytest.skip("running with privileges that read a mode-000 file")
        except PermissionError:
            pass
        assert main(["check", GOOD, "locked/Dockerfile"]) == 1
        lines = capsys.readouterr().out.splitlines()
        assert lines[:-1] == [GOOD_LINE, "locked/Dockerfile:1:1: DH900 error: cannot read: Permission denied"]
        assert main(["check", "--fix", "locked/Dockerfile"]) == 1
    finally:
        os.chmod(path, 0o644)
    assert path.read_bytes() == b"FROM node:20\n"


def test_unreadable_file_simulated(work, capsys, monkeypatch):
    """The same, for runs as root: the read fails with EACCES."""
    import dehub.regularfile

    put(work, "locked/Dockerfile", b"FROM node:20\n")
    read_regular_status = dehub.regularfile.read_regular_status

    def guarded_read(file, *args, **kwargs):
        if str(file).endswith(os.path.join("locked", "Dockerfile")):
            raise PermissionError(13, "Permission denied", str(file))
        return read_regular_status(file, *args, **kwargs)

    monkeypatch.setattr(dehub.regularfile, "read_regular_status", guarded_read)
    assert main(["check", GOOD, "locked/Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [GOOD_LINE, "locked/Dockerfile:1:1: DH900 error: cannot read: Permission denied"]
    assert main(["check", "--fix", GOOD, "locked/Dockerfile"]) == 1
    assert "Fixing locked" not in capsys.readouterr().out
    assert (work / "locked" / "Dockerfile").read_bytes() == b"FROM node:20\n"


def test_directory_named_dockerfile_is_walked(work, capsys):
    (work / "dir" / "Dockerfile").mkdir(parents=True)
    assert main(["check", GOOD, "dir/Dockerfile"]) == 1
    assert capsys.readouterr().out.splitlines() == [GOOD_LINE, "Found 1 problem. [*] 1 fixable with --fix."]
    put(work, "dir/Dockerfile/Dockerfile", b"FROM alpine:3\n")
    assert main(["check", "--select", "DH001", GOOD, "dir/Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [GOOD + ":1:6", "dir/Dockerfile/Dockerfile:1:6"]


def test_directory_given_to_check_file():
    result = check_file(".", "dockerfile", Settings())
    assert [(f.code, f.message) for f in result.findings] == [("DH900", "is a directory, not a file")]
    assert not result.internal_error


def test_dangling_symlink(work, capsys):
    """The link exists, so the path is no mistake; the file it names is unreadable (DH900)."""
    (work / "Dockerfile").symlink_to("does-not-exist")
    assert main(["check", GOOD, "Dockerfile"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [GOOD_LINE, "Dockerfile:1:1: DH900 error: no such file"]


def test_dangling_symlink_in_a_walked_folder_is_skipped(work, capsys):
    (work / "sub").mkdir()
    (work / "sub" / "Dockerfile").symlink_to("does-not-exist")
    assert main(["check", "."]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [GOOD_LINE]


# --- everything bad at once ------------------------------------------------------------------


def test_all_bad_inputs_in_one_run(work, capsys):
    for name in BAD:
        bad_files(work, name)
    paths = [BAD[name][0] for name in BAD]
    assert main(["check", "--format", "json", *paths, GOOD]) == 1
    grouped = findings_by_path(capsys)
    assert [f["code"] for f in grouped.pop(GOOD)] == ["DH001"]
    expected = {BAD[name][0]: BAD[name][2] for name in BAD if BAD[name][2] is not None}
    assert {path: [f["message"] for f in found] for path, found in grouped.items()} == {
        path: [message] for path, message in expected.items()
    }


# --- internal errors ----------------------------------------------------------------------


def _raising(original, marker: str):
    def lint(source, kind, settings):
        if marker in source.text:
            raise RuntimeError("boom")
        return original(source, kind, settings)

    return lint


def test_internal_error_is_reported_for_that_file_only(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.runner, "lint_source", _raising(dehub.runner.lint_source, "TRIGGER"))
    put(work, "a/Dockerfile", b"# TRIGGER\nFROM node:20\n")
    put(work, "z/Dockerfile", b"FROM alpine:3\n")
    assert main(["check", "a/Dockerfile", GOOD, "z/Dockerfile"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [
        "a/Dockerfile:1:1: DH900 error: internal error while checking this file: RuntimeError: boom",
        GOOD_LINE,
        f"z/Dockerfile:1:6: DH001 error: `alpine:3` is pulled from Docker Hub; use `{ECR}alpine:3`",
    ]


def test_internal_error_exits_2_even_with_exit_zero(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.runner, "lint_source", _raising(dehub.runner.lint_source, "TRIGGER"))
    put(work, "a/Dockerfile", b"# TRIGGER\n")
    assert main(["check", "--exit-zero", "a/Dockerfile"]) == 2
    capsys.readouterr()


def test_internal_error_json(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.runner, "lint_source", _raising(dehub.runner.lint_source, "TRIGGER"))
    put(work, "a/Dockerfile", b"# TRIGGER\nFROM node:20\n")
    assert main(["check", "--format", "json", "a/Dockerfile", GOOD]) == 2
    grouped = findings_by_path(capsys)
    (finding,) = grouped["a/Dockerfile"]
    assert finding["code"] == "DH900"
    assert finding["message"] == "internal error while checking this file: RuntimeError: boom"
    assert finding["kind"] == "dockerfile"
    assert [f["code"] for f in grouped[GOOD]] == ["DH001"]


def test_internal_error_while_fixing_writes_nothing(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.fixer, "lint_source", _raising(dehub.fixer.lint_source, "TRIGGER"))
    data = b"# TRIGGER\nFROM node:20\n"
    put(work, "a/Dockerfile", data)
    assert main(["check", "--fix", "a/Dockerfile", GOOD]) == 2
    out = capsys.readouterr().out
    assert "Fixing good/Dockerfile" in out
    assert "Fixing a/Dockerfile" not in out
    assert "a/Dockerfile:1:1: DH900 error: internal error while checking this file: RuntimeError: boom" in out
    assert (work / "a" / "Dockerfile").read_bytes() == data
    assert (work / GOOD).read_bytes() == b"FROM " + ECR.encode() + b"node:20\n"


def test_internal_error_on_stdin(work, capsys, monkeypatch):
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO(b"# TRIGGER\nFROM node:20\n")

    monkeypatch.setattr(dehub.runner, "lint_source", _raising(dehub.runner.lint_source, "TRIGGER"))
    monkeypatch.setattr(sys, "stdin", Stdin())
    assert main(["check", "--stdin-filename", "Dockerfile", "-"]) == 2
    assert "DH900 error: internal error while checking this file: RuntimeError: boom" in capsys.readouterr().out


def test_internal_error_in_parallel_workers(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.runner, "lint_source", _raising(dehub.runner.lint_source, "TRIGGER"))
    for index in range(205):
        put(work, f"d{index:03}/Dockerfile", b"FROM node:20\n" + (b"# TRIGGER\n" if index == 7 else b""))
    assert main(["check", "--jobs", "2", "--format", "json", "."]) == 2
    grouped = findings_by_path(capsys)
    assert len(grouped) == 206
    assert [f["message"] for f in grouped["d007/Dockerfile"]] == [
        "internal error while checking this file: RuntimeError: boom"
    ]
    assert all([f["code"] for f in found] == ["DH001"] for path, found in grouped.items() if path != "d007/Dockerfile")


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes only on POSIX")
@pytest.mark.parametrize("output", ["text", "json"])
def test_file_name_that_is_not_utf8(work, capsys, output):
    with open(os.path.join(os.fsencode(work), b"\xff.Dockerfile"), "wb") as handle:
        handle.write(b"FROM node:20\n")
    code = main(["check", "--format", output, "."])
    out = capsys.readouterr().out
    assert code == 1
    assert GOOD in out
    assert out.count("DH001") == 2
