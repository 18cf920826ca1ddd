"""The fixer: every byte outside an edit is kept, files are replaced atomically, never broken."""

from __future__ import annotations

import os
import stat

import pytest
from helpers import fixed, problems

import dehub.fixer
from dehub.atomic import write_atomically
from dehub.config import find_config_file
from dehub.findings import Edit
from dehub.fixer import EditConflict, apply_edits, fix_source
from dehub.hooks.cli import main
from dehub.lint import Settings, dh900
from dehub.source import SourceText

ECR = "public.ecr.aws/docker/library/"
ECR_B = ECR.encode()


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None
    return tmp_path


def fix_file(path, capsys, *options: str) -> int:
    code = main(["check", "--fix", *options, str(path)])
    capsys.readouterr()
    return code


# --- byte preservation through the CLI ----------------------------------------------------

CASES = {
    "crlf": (
        b"FROM node:20 AS build\r\nRUN echo hi\r\nFROM alpine:3.20\r\n",
        b"FROM " + ECR_B + b"node:20 AS build\r\nRUN echo hi\r\nFROM " + ECR_B + b"alpine:3.20\r\n",
    ),
    "mixed-line-endings": (
        # a lone CR is no line break for BuildKit (it splits on LF): `FROM node:18` is RUN's argument
        b"FROM node:20\r\nRUN a\nRUN b\r\rFROM node:18\r\n\nFROM alpine:3\n",
        b"FROM " + ECR_B + b"node:20\r\nRUN a\nRUN b\r\rFROM node:18\r\n\nFROM " + ECR_B + b"alpine:3\n",
    ),
    "bom": (
        b"\xef\xbb\xbfFROM node:20\n",
        b"\xef\xbb\xbfFROM " + ECR_B + b"node:20\n",
    ),
    "bom-crlf-no-final-newline": (
        b"\xef\xbb\xbf# c\r\nFROM node:20\r\nRUN x",
        b"\xef\xbb\xbf# c\r\nFROM " + ECR_B + b"node:20\r\nRUN x",
    ),
    "no-trailing-newline": (
        b"FROM node:20",
        b"FROM " + ECR_B + b"node:20",
    ),
    "tabs": (
        b"FROM\tnode:20\t\tAS\tbuild\n\tRUN\techo\t1\n",
        b"FROM\t" + ECR_B + b"node:20\t\tAS\tbuild\n\tRUN\techo\t1\n",
    ),
    "comments": (
        b"# top\n  # indented FROM node:18\nFROM node:20\n# trailing FROM node:16\n",
        b"# top\n  # indented FROM node:18\nFROM " + ECR_B + b"node:20\n# trailing FROM node:16\n",
    ),
    "as-casing": (
        b"from node:20 as build\nFrom alpine:3 As final\nFROM build AS x\nCOPY --FROM=build /a /b\n",
        b"from " + ECR_B + b"node:20 as build\nFrom " + ECR_B + b"alpine:3 As final\nFROM build AS x\n"
        b"COPY --FROM=build /a /b\n",
    ),
    "non-ascii": (
        "# café ☃ — ünïcödé 日本\nFROM node:20\nLABEL maintainer=\"Zoë <zoë@example.com>\"\nRUN echo 🐳\n".encode(),
        (
            f"# café ☃ — ünïcödé 日本\nFROM {ECR}node:20\n"
            "LABEL maintainer=\"Zoë <zoë@example.com>\"\nRUN echo 🐳\n"
        ).encode(),
    ),
    "non-ascii-before-the-edit-on-the-same-line": (
        "LABEL a=ü\nFROM --platform=linux/amd64 node:20 AS été\n".encode(),
        f"LABEL a=ü\nFROM --platform=linux/amd64 {ECR}node:20 AS été\n".encode(),
    ),
    "continuations-and-quotes": (
        b"ARG BASE='node:20'\nFROM \\\n   ${BASE} \\\n   AS b\nRUN echo \"a\" \\\n  && echo 'b'\n",
        b"ARG BASE='" + ECR_B + b"node:20'\nFROM \\\n   ${BASE} \\\n   AS b\nRUN echo \"a\" \\\n  && echo 'b'\n",
    ),
    "escape-backtick": (
        b"# escape=`\r\nFROM `\r\n  mcr.microsoft.com/x AS a\r\nCOPY --from=alpine:3 C:\\a C:\\b\r\n",
        b"# escape=`\r\nFROM `\r\n  mcr.microsoft.com/x AS a\r\nCOPY --from=" + ECR_B + b"alpine:3 C:\\a C:\\b\r\n",
    ),
    "heredoc": (
        b"FROM node:20\nRUN <<EOF\nFROM node:18\n  trailing spaces   \nEOF\n",
        b"FROM " + ECR_B + b"node:20\nRUN <<EOF\nFROM node:18\n  trailing spaces   \nEOF\n",
    ),
    "all-sites": (
        (
            b"# syntax=docker/dockerfile:1\nFROM node:20 AS a\nCOPY --from=nginx:1.27 /a /b\n"
            b"RUN --mount=type=cache,from=alpine:3,target=/c true\nONBUILD COPY --from=python:3 /x /y\n"
        ),
        b"# syntax=docker/dockerfile:1\nFROM " + ECR_B + b"node:20 AS a\nCOPY --from=" + ECR_B + b"nginx:1.27 /a /b\n"
        b"RUN --mount=type=cache,from=" + ECR_B + b"alpine:3,target=/c true\nONBUILD COPY --from=" + ECR_B
        + b"python:3 /x /y\n",
    ),
    "digest-and-aliases": (
        b"FROM docker.io/library/node:20@sha256:" + b"a" * 64 + b"\nFROM index.docker.io/redis\n",
        b"FROM " + ECR_B + b"node:20@sha256:" + b"a" * 64 + b"\nFROM " + ECR_B + b"redis\n",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fix_preserves_every_other_byte(work, capsys, name):
    before, after = CASES[name]
    path = work / "Dockerfile"
    path.write_bytes(before)
    assert fix_file(path, capsys, "--select", "DH001") == 0  # everything fixed
    assert path.read_bytes() == after


@pytest.mark.parametrize("name", list(CASES))
def test_fix_is_idempotent(work, capsys, name):
    before, _after = CASES[name]
    path = work / "Dockerfile"
    path.write_bytes(before)
    fix_file(path, capsys)
    once = path.read_bytes()
    assert main(["check", "--fix", "--select", "DH001", str(path)]) == 0
    capsys.readouterr()
    assert path.read_bytes() == once


@pytest.mark.parametrize("mode", [0o755, 0o600, 0o640, 0o444])
def test_file_mode_is_kept(work, capsys, mode):
    path = work / "Dockerfile"
    path.write_bytes(b"FROM node:20\n")
    os.chmod(path, mode)
    try:
        assert fix_file(path, capsys) == 0
        assert stat.S_IMODE(os.stat(path).st_mode) == mode
        assert path.read_bytes() == b"FROM " + ECR_B + b"node:20\n"
    finally:
        os.chmod(path, 0o644)


def test_symlink_stays_a_link_and_the_target_is_rewritten(work, capsys):
    (work / "real").mkdir()
    target = work / "real" / "Dockerfile.base"
    target.write_bytes(b"FROM node:20\n")
    (work / "app").mkdir()
    link = work / "app" / "Dockerfile"
    link.symlink_to(os.path.join("..", "real", "Dockerfile.base"))
    assert main(["check", "--fix", "app/Dockerfile"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Fixing app/Dockerfile"
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("..", "real", "Dockerfile.base")
    assert target.read_bytes() == b"FROM " + ECR_B + b"node:20\n"
    assert sorted(os.listdir(work / "real")) == ["Dockerfile.base"]
    assert sorted(os.listdir(work / "app")) == ["Dockerfile"]


def test_no_temporary_files_are_left(work, capsys):
    for index in range(5):
        (work / f"{index}.Dockerfile").write_bytes(b"FROM node:20\nFROM alpine:3\n")
    (work / "clean.Dockerfile").write_bytes(b"FROM " + ECR_B + b"node:20\n")
    before = sorted(os.listdir(work))
    assert main(["check", "--fix", "."]) == 0
    capsys.readouterr()
    assert sorted(os.listdir(work)) == before


def test_fix_of_the_same_arg_used_twice(work, capsys):
    path = work / "Dockerfile"
    path.write_bytes(b"ARG BASE=node:20\nFROM ${BASE} AS a\nFROM ${BASE} AS b\n")
    assert fix_file(path, capsys) == 0
    assert path.read_bytes() == b"ARG BASE=" + ECR_B + b"node:20\nFROM ${BASE} AS a\nFROM ${BASE} AS b\n"


def test_fix_of_an_arg_that_gives_the_name_only(work, capsys):
    path = work / "Dockerfile"
    path.write_bytes(b"ARG BASE=node\nFROM ${BASE}:20\nFROM ${BASE}:22 AS b\n")
    assert fix_file(path, capsys) == 0
    assert path.read_bytes() == b"ARG BASE=" + ECR_B + b"node\nFROM ${BASE}:20\nFROM ${BASE}:22 AS b\n"


def test_many_findings_fixed_in_one_run(work, capsys):
    text = "".join(f"FROM node:{index} AS s{index}\n" for index in range(300))
    path = work / "Dockerfile"
    path.write_text(text)
    assert fix_file(path, capsys) == 0
    assert path.read_text() == text.replace("FROM node:", f"FROM {ECR}node:")


# --- apply_edits ----------------------------------------------------------------------------


def test_apply_edits_back_to_front():
    text = "0123456789"
    edits = [Edit(1, 2, "one"), Edit(8, 9, "eight"), Edit(4, 6, "")]
    assert apply_edits(text, edits) == "0one2367eight9"
    assert apply_edits(text, list(reversed(edits))) == "0one2367eight9"


def test_apply_edits_insertions_and_adjacent():
    assert apply_edits("abc", [Edit(0, 0, ">"), Edit(3, 3, "<")]) == ">abc<"
    assert apply_edits("abcdef", [Edit(1, 3, "X"), Edit(3, 5, "Y")]) == "aXYf"
    assert apply_edits("abcdef", [Edit(4, 4, "Y"), Edit(4, 6, "Z")]) == "abcdYZ"


def test_apply_edits_no_edits():
    assert apply_edits("abc", []) == "abc"


def test_apply_edits_merges_identical_edits():
    assert apply_edits("abcdef", [Edit(1, 2, "X"), Edit(1, 2, "X"), Edit(1, 2, "X")]) == "aXcdef"


@pytest.mark.parametrize(
    "edits",
    [
        [Edit(1, 3, "X"), Edit(2, 4, "Y")],
        [Edit(1, 2, "X"), Edit(1, 2, "Y")],
        [Edit(0, 6, "X"), Edit(2, 3, "Y")],
        [Edit(3, 3, "a"), Edit(3, 3, "b")],
        [Edit(1, 2, "X"), Edit(1, 4, "Y")],
    ],
)
def test_apply_edits_refuses_overlapping_different_edits(edits):
    with pytest.raises(EditConflict):
        apply_edits("abcdef", edits)
    with pytest.raises(EditConflict):
        apply_edits("abcdef", list(reversed(edits)))


def test_edit_conflict_is_a_value_error():
    assert issubclass(EditConflict, ValueError)


# --- a fix whose result would not parse is never written -------------------------------------


def _breaking_lint(original):
    """lint_source that reports a parse error for any text other than the original."""

    def lint(source, kind, settings):
        result = original(source, kind, settings)
        if "public.ecr.aws" in source.text:
            finding = dh900.check(0, 4, "simulated parse error in the fixed text")
            finding.code, finding.name, finding.severity = "DH900", "parse-error", "error"
            result.append(finding)
        return result

    return lint


def test_fix_source_refuses_a_result_that_does_not_parse(monkeypatch):
    monkeypatch.setattr(dehub.fixer, "lint_source", _breaking_lint(dehub.fixer.lint_source))
    source = SourceText("FROM node:20\n")
    outcome = fix_source(source, "dockerfile", Settings(), False)
    assert outcome.refused == "the fixed text would not parse"
    assert outcome.applied == 0
    assert outcome.source.text == "FROM node:20\n"
    assert [finding.code for finding in outcome.findings] == ["DH001"]


def test_cli_does_not_write_a_fix_that_does_not_parse(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.fixer, "lint_source", _breaking_lint(dehub.fixer.lint_source))
    path = work / "Dockerfile"
    path.write_bytes(b"FROM node:20\r\n")
    assert main(["check", "--fix", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert "Fixing" not in out
    assert "Dockerfile:1:1: DH900 error: fix not applied: the fixed text would not parse" in out
    assert path.read_bytes() == b"FROM node:20\r\n"
    assert os.listdir(work) == ["Dockerfile"]


def test_diff_does_not_show_a_fix_that_does_not_parse(work, capsys, monkeypatch):
    monkeypatch.setattr(dehub.fixer, "lint_source", _breaking_lint(dehub.fixer.lint_source))
    (work / "Dockerfile").write_bytes(b"FROM node:20\n")
    assert main(["check", "--diff", "Dockerfile"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no diff
    assert "Dockerfile:1:1: DH900 error: fix not applied: the fixed text would not parse" in captured.err


def test_file_that_does_not_parse_is_not_fixed(work, capsys):
    path = work / "Dockerfile"
    data = b"FROM node:20\nFROM\nRUN <<EOF\n"
    path.write_bytes(data)
    assert main(["check", "--fix", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert "Fixing" not in out
    assert "DH900" in out
    assert path.read_bytes() == data


# --- write_atomically ---------------------------------------------------------------------


def test_write_atomically_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"old")
    os.chmod(path, 0o751)
    write_atomically(str(path), b"new", b"old")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert os.listdir(tmp_path) == ["Dockerfile"]


def test_write_atomically_refuses_when_the_file_changed(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"changed by someone else")
    with pytest.raises(OSError, match="changed while dehub was fixing it; not written"):
        write_atomically(str(path), b"new", b"old")
    assert path.read_bytes() == b"changed by someone else"
    assert os.listdir(tmp_path) == ["Dockerfile"]


def test_write_atomically_without_expected_bytes_creates_or_replaces(tmp_path):
    """A baseline or a new .dehub.yaml: a new file gets the umask's mode, an old one keeps its own."""
    old_umask = os.umask(0o027)
    try:
        new = tmp_path / "baseline.json"
        write_atomically(str(new), b"{}", None)
        assert new.read_bytes() == b"{}"
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o640
        os.chmod(new, 0o604)
        write_atomically(str(new), b"[]", None)
        assert new.read_bytes() == b"[]"
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o604
    finally:
        os.umask(old_umask)
    assert os.listdir(tmp_path) == ["baseline.json"]
    with pytest.raises(FileNotFoundError):
        write_atomically(str(tmp_path / "gone"), b"new", b"old")  # expected bytes: the file must exist


def test_write_atomically_follows_links(tmp_path):
    target = tmp_path / "target"
    target.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to("target")
    write_atomically(str(link), b"new", b"old")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["link", "target"]


def test_cli_reports_a_file_changed_during_the_fix(work, capsys, monkeypatch):
    path = work / "Dockerfile"
    path.write_bytes(b"FROM node:20\n")
    real = dehub.fixer.fix_source

    def racing_fix_source(*args, **kwargs):
        outcome = real(*args, **kwargs)
        path.write_bytes(b"FROM node:22\n")  # an editor saved meanwhile
        return outcome

    monkeypatch.setattr(dehub.fixer, "fix_source", racing_fix_source)
    assert main(["check", "--fix", "Dockerfile"]) == 2  # a fix asked for and not written (issue 12)
    out = capsys.readouterr().out
    assert "Fixing" not in out
    assert "Dockerfile:1:1: DH900 error: could not write the fix: Dockerfile changed while dehub was fixing it" in out
    assert "Dockerfile:1:6: DH001 error: `node:20`" in out  # not fixed: still reported, not counted as fixed
    assert "fixed" not in out
    assert path.read_bytes() == b"FROM node:22\n"
    assert os.listdir(work) == ["Dockerfile"]


# --- helpers-level fixing ------------------------------------------------------------------


def test_fixed_text_has_no_remaining_safe_findings():
    text = "ARG A=node:20\nFROM ${A}\nFROM alpine:3 AS b\nCOPY --from=nginx /a /b\n"
    result = fixed(text)
    assert problems(result) == set()
    assert fixed(result) == result


def test_unsafe_fix_only_when_asked():
    assert fixed("FROM centos:7\n") == "FROM centos:7\n"
    assert fixed("FROM centos:7\n", unsafe=True) == f"FROM {ECR}centos:7\n"
    assert fixed("FROM node:20-windowsservercore-ltsc2022\n") == "FROM node:20-windowsservercore-ltsc2022\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_file_owner_is_kept(work, capsys):
    path = work / "Dockerfile"
    path.write_bytes(b"FROM node:20\n")
    os.chown(path, 1234, 1234)
    assert fix_file(path, capsys) == 0
    assert path.read_bytes() == b"FROM " + ECR_B + b"node:20\n"
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (1234, 1234)
