"""`dehub check --baseline FILE` / `--write-baseline FILE` / `baseline:`: report only new findings."""

from __future__ import annotations

import json
import os
import stat

import pytest

from dehub.baseline import Baseline, BaselineError, load, split
from dehub.config import find_config_file
from dehub.hooks.cli import main

ECR = "public.ecr.aws/docker/library/"
NODE = f"`node:20` is pulled from Docker Hub; use `{ECR}node:20`"
NODE22 = f"`node:22` is pulled from Docker Hub; use `{ECR}node:22`"
PYTHON = f"`python:3.12` is pulled from Docker Hub; use `{ECR}python:3.12`"
MYORG = (
    "`myorg/app:1` is pulled from Docker Hub and has no known mirror: not a Docker Official Image, so it has "
    "no copy under public.ecr.aws/docker/library; copy it to a registry you control and map it under "
    "`mirror.map`, or accept it under `allow`"
)
DOCKERFILE = "FROM node:20 AS build\nFROM myorg/app:1\nCOPY --from=node:20 /a /b\n"
BASELINE = (
    "{\n"
    '  "version": 1,\n'
    '  "findings": [\n'
    '    {"path": "Dockerfile", "code": "DH001", "image": "node:20", "count": 2},\n'
    '    {"path": "Dockerfile", "code": "DH002", "image": "myorg/app:1", "count": 1},\n'
    '    {"path": "svc/Dockerfile", "code": "DH001", "image": "python:3.12", "count": 1}\n'
    "  ]\n"
    "}\n"
)


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A folder with two Dockerfiles and no configuration above it; the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert find_config_file(str(tmp_path)) is None, "a stray dehub configuration above the temp folder"
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "svc" / "Dockerfile", "FROM python:3.12\n")
    return tmp_path


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def baselined(capsys, work) -> None:
    """Write the baseline of the fixture's tree to b.json."""
    assert run(capsys, "--write-baseline", "b.json")[0] == 0
    assert (work / "b.json").read_text() == BASELINE


# --- writing -------------------------------------------------------------------------------


def test_write_baseline_records_the_findings_sorted_and_reports_the_rest(work, capsys):
    code, out, err = run(capsys, "--write-baseline", "b.json")
    assert (code, out, err) == (0, ["All checks passed!", "Wrote the baseline b.json: 4 findings."], "")
    assert (work / "b.json").read_text() == BASELINE
    assert sorted(os.listdir(work)) == ["Dockerfile", "b.json", "svc"]  # no temporary file left


def test_writing_again_gives_the_same_bytes_and_keeps_the_file_mode(work, capsys):
    baselined(capsys, work)
    os.chmod(work / "b.json", 0o640)
    assert run(capsys, "--write-baseline", "b.json", "svc", ".")[0] == 0
    assert (work / "b.json").read_text() == BASELINE
    assert stat.S_IMODE(os.stat(work / "b.json").st_mode) == 0o640


def test_parse_errors_are_never_recorded_and_always_show(work, capsys):
    write(work / "broken" / "Dockerfile", "FROM node:20\nRUN <<EOF\necho hi\n")
    code, out, _ = run(capsys, "--write-baseline", "b.json")
    assert code == 1
    assert out == [
        "broken/Dockerfile:2:1: DH900 error: unterminated heredoc 'EOF' (no line 'EOF' closes it)",
        "Found 1 problem.",
        "Wrote the baseline b.json: 5 findings.",
    ]
    assert '"path": "broken/Dockerfile", "code": "DH001"' in (work / "b.json").read_text()
    assert "DH900" not in (work / "b.json").read_text()
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert code == 1
    assert out[0] == "broken/Dockerfile:2:1: DH900 error: unterminated heredoc 'EOF' (no line 'EOF' closes it)"


def test_findings_without_an_image_are_matched_by_message(work, capsys):
    text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker pull {}node:20\n"
    write(work / ".github" / "workflows" / "ci.yml", text.format(ECR))
    assert run(capsys, "--write-baseline", "b.json")[0] == 0
    entries = json.loads((work / "b.json").read_text())["findings"]
    assert entries[0]["path"] == ".github/workflows/ci.yml"
    assert entries[0]["code"] == "DH005"
    assert entries[0]["message"].startswith(f"job `a` pulls `{ECR}node:20` from ECR Public without logging in")
    assert sorted(entries[0]) == ["code", "count", "message", "path"]
    write(work / ".github" / "workflows" / "ci.yml", "# moved down\n" + text.format(ECR))
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert (code, out) == (0, ["All checks passed!", "Baseline b.json: 5 findings not shown."])


# --- matching ------------------------------------------------------------------------------


def test_moved_lines_stay_baselined(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", "# syntax notes\nARG X=1\n\n" + DOCKERFILE.replace(" AS build", "   AS   build"))
    write(work / "svc" / "Dockerfile", "\n\nFROM python:3.12 AS run\nRUN true\n")
    code, out, err = run(capsys, "--baseline", "b.json")
    assert (code, out, err) == (0, ["All checks passed!", "Baseline b.json: 4 findings not shown."], "")


def test_a_new_duplicate_of_a_baselined_image_is_new(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", DOCKERFILE + "FROM node:20\n")
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert code == 1
    assert out == [
        f"Dockerfile:4:6: DH001 error: {NODE}",
        "Found 1 problem. [*] 1 fixable with --fix.",
        "Baseline b.json: 4 findings not shown.",
    ]


def test_a_changed_image_is_new_and_its_old_entry_stale(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", DOCKERFILE.replace("FROM node:20", "FROM node:22"))
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert code == 1
    assert out == [
        f"Dockerfile:1:6: DH001 error: {NODE22}",
        "Found 1 problem. [*] 1 fixable with --fix.",
        "Baseline b.json: 3 findings not shown; 1 no longer found (rewrite it: dehub check --write-baseline b.json).",
    ]


def test_a_renamed_file_is_new(work, capsys):
    baselined(capsys, work)
    os.rename(work / "svc" / "Dockerfile", work / "svc" / "Dockerfile.prod")
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert code == 1
    assert out == [
        f"svc/Dockerfile.prod:1:6: DH001 error: {PYTHON}",
        "Found 1 problem. [*] 1 fixable with --fix.",
        "Baseline b.json: 3 findings not shown; 1 no longer found (rewrite it: dehub check --write-baseline b.json).",
    ]


def test_stale_entries_are_counted_without_failing(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", f"FROM {ECR}node:20 AS build\n")
    code, out, _ = run(capsys, "--baseline", "b.json")
    assert code == 0
    assert out == [
        "All checks passed!",
        "Baseline b.json: 1 finding not shown; 3 no longer found (rewrite it: dehub check --write-baseline b.json).",
    ]


def test_stale_is_counted_only_for_files_and_codes_the_run_checked(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", DOCKERFILE.replace("node:20", "node:22"))
    code, out, _ = run(capsys, "--baseline", "b.json", "svc")
    assert (code, out) == (0, ["All checks passed!", "Baseline b.json: 1 finding not shown."])
    code, out, _ = run(capsys, "--baseline", "b.json", "--select", "DH002")
    assert (code, out) == (0, ["All checks passed!", "Baseline b.json: 1 finding not shown."])


def test_entries_of_a_deleted_file_are_stale_whatever_the_run_checked(work, capsys):
    baselined(capsys, work)
    (work / "Dockerfile").unlink()
    code, out, _ = run(capsys, "--baseline", "b.json", "svc")
    assert (code, out) == (0, [
        "All checks passed!",
        "Baseline b.json: 1 finding not shown; 3 no longer found (rewrite it: dehub check --write-baseline b.json).",
    ])  # fmt: skip


def test_the_baseline_works_from_any_working_directory(work, capsys, monkeypatch):
    baselined(capsys, work)
    write(work / "Dockerfile", DOCKERFILE + "FROM node:20\n")
    monkeypatch.chdir(work / "svc")
    code, out, _ = run(capsys, "--baseline", "../b.json", "..")
    assert code == 1
    assert out == [
        f"../Dockerfile:4:6: DH001 error: {NODE}",
        "Found 1 problem. [*] 1 fixable with --fix.",
        "Baseline ../b.json: 4 findings not shown.",
    ]
    code, out, _ = run(capsys, "--baseline", str(work / "b.json"), "Dockerfile")
    assert (code, out) == (0, ["All checks passed!", f"Baseline {work / 'b.json'}: 1 finding not shown."])


def test_configured_baseline_is_relative_to_the_configuration(work, capsys, monkeypatch):
    write(work / "ci" / "keep", "")
    assert run(capsys, "--write-baseline", "ci/dehub-baseline.json")[0] == 0
    write(work / ".dehub.yaml", "baseline: ci/dehub-baseline.json\n")
    monkeypatch.chdir(work / "svc")
    code, out, _ = run(capsys, "..")
    assert (code, out) == (0, ["All checks passed!", "Baseline ../ci/dehub-baseline.json: 4 findings not shown."])
    code, out, _ = run(capsys, "--no-baseline", ".")
    assert (code, out) == (1, [f"Dockerfile:1:6: DH001 error: {PYTHON}", "Found 1 problem. [*] 1 fixable with --fix."])


def test_each_project_of_a_monorepo_has_its_own_baseline(work, capsys, monkeypatch):
    for project in ("a", "b"):
        write(work / project / "Dockerfile", "FROM node:20\nFROM myorg/app:1\n")
        write(work / project / ".dehub.yaml", "baseline: dehub-baseline.json\n")
        monkeypatch.chdir(work / project)
        assert run(capsys, "--write-baseline", "dehub-baseline.json", ".")[0] == 0
    monkeypatch.chdir(work)
    write(work / "b" / "Dockerfile", "FROM node:20\n")
    code, out, _ = run(capsys, "a", "b", "svc")
    assert code == 1
    assert out == [
        f"svc/Dockerfile:1:6: DH001 error: {PYTHON}",
        "Found 1 problem. [*] 1 fixable with --fix.",
        "Baseline a/dehub-baseline.json: 2 findings not shown.",
        (
            "Baseline b/dehub-baseline.json: 1 finding not shown; 1 no longer found "
            "(rewrite it: dehub check --write-baseline b/dehub-baseline.json)."
        ),
    ]
    code, out, _ = run(capsys, "--format", "json", "a", "b")
    assert json.loads("\n".join(out))["baselines"] == [
        {"path": "a/dehub-baseline.json", "baselined": 2, "stale": 0},
        {"path": "b/dehub-baseline.json", "baselined": 1, "stale": 1},
    ]
    code, out, _ = run(capsys, "--baseline", "a/dehub-baseline.json", "a", "b")  # one for every file
    assert out[-1] == "Baseline a/dehub-baseline.json: 2 findings not shown."


# --- with other options --------------------------------------------------------------------


def test_fix_also_fixes_baselined_findings(work, capsys):
    baselined(capsys, work)
    code, out, _ = run(capsys, "--baseline", "b.json", "--fix")
    assert code == 0  # what is left is accepted: nothing fails (exit status as ruff's, with --fix)
    assert out == [
        "Fixing Dockerfile",
        "Fixing svc/Dockerfile",
        "Found 3 problems (3 fixed, 0 remaining).",
        "Baseline b.json: 1 finding not shown; 3 no longer found (rewrite it: dehub check --write-baseline b.json).",
    ]
    assert (work / "Dockerfile").read_text() == DOCKERFILE.replace("node:20", ECR + "node:20")


def test_fix_then_write_baseline_records_what_is_left(work, capsys):
    code, out, _ = run(capsys, "--fix", "--write-baseline", "b.json")
    assert (code, out[-1]) == (0, "Wrote the baseline b.json: 1 finding.")
    assert json.loads((work / "b.json").read_text())["findings"] == [
        {"path": "Dockerfile", "code": "DH002", "image": "myorg/app:1", "count": 1}
    ]


def test_json_omits_baselined_findings_and_counts_them(work, capsys):
    baselined(capsys, work)
    write(work / "Dockerfile", DOCKERFILE + "FROM node:20\n")
    code, out, err = run(capsys, "--baseline", "b.json", "--format", "json")
    document = json.loads("\n".join(out))
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in document["findings"]] == [("Dockerfile", 4, "DH001")]
    assert document["baselines"] == [{"path": "b.json", "baselined": 4, "stale": 0}]
    assert err == "dehub: Baseline b.json: 4 findings not shown.\n"


def test_sarif_omits_baselined_findings_and_counts_them(work, capsys):
    from test_report_formats import validate_sarif

    baselined(capsys, work)
    write(work / "svc" / "Dockerfile", "FROM python:3.13\n")
    code, out, err = run(capsys, "--baseline", "b.json", "--format", "sarif")
    document = json.loads("\n".join(out))
    validate_sarif(document)
    (sarif_run,) = document["runs"]
    assert code == 1
    assert [result["ruleId"] for result in sarif_run["results"]] == ["DH001"]
    assert sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "svc/Dockerfile"
    assert sarif_run["properties"] == {"baselines": [{"path": "b.json", "baselined": 3, "stale": 1}]}
    assert err == (
        "dehub: Baseline b.json: 3 findings not shown; 1 no longer found "
        "(rewrite it: dehub check --write-baseline b.json).\n"
    )


def test_no_baseline_leaves_reports_as_they_were(work, capsys):
    code, out, err = run(capsys, "--format", "json")
    assert (code, err) == (1, "")
    assert list(json.loads("\n".join(out))) == ["version", "findings"]


def test_standard_input_uses_the_baseline_under_its_file_name(work, capsys, monkeypatch):
    import io

    baselined(capsys, work)

    class Stdin:
        buffer = io.BytesIO(b"FROM python:3.12\nFROM node:20\n")

    monkeypatch.setattr("sys.stdin", Stdin())
    code, out, _ = run(capsys, "--baseline", "b.json", "--stdin-filename", "svc/Dockerfile", "-")
    assert (code, out) == (1, [f"svc/Dockerfile:2:6: DH001 error: {NODE}", "Found 1 problem. [*] 1 fixable with --fix.",
                               "Baseline b.json: 1 finding not shown."])  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "a.json", "--write-baseline", "b.json"], "give --baseline or --write-baseline, not both"),
        (["--write-baseline", "b.json", "--diff"], "--write-baseline cannot be combined with --diff"),
        (["--write-baseline", "b.json", "-"], "--write-baseline needs files, not standard input"),
    ],
)
def test_usage_errors(work, capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err.splitlines()[-1]
    assert not (work / "b.json").exists()


# --- a baseline that cannot be read --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{\"version\": 1, \"findings\": [", "not valid JSON: Expecting value: line 1 column 29 (char 28)"),
        ("\xff", "not UTF-8 text (invalid start byte at byte 0)"),
        ("[]", "not a dehub baseline (expected an object with `version` and `findings`)"),
        ('{"version": 2, "findings": []}',
         ("version 2 is not supported (this dehub reads version 1); write it again with "
          "`dehub check --write-baseline b.json`")),
        ('{"version": 1, "findings": {}}', "`findings` must be a list of entries"),
        ('{"version": 1, "findings": [], "extra": 1}', "unknown key `extra`; known keys: findings, version"),
        ('{"version": 1, "findings": [{"path": "Dockerfile", "code": "DH001", "count": 1}]}',
         "entry 1: missing `message` (an entry has path, code, image or message, and count)"),
        ('{"version": 1, "findings": [{"path": "D", "code": "DH001", "image": "x", "count": 1, "line": 3}]}',
         "entry 1: unknown key `line` (an entry has path, code, image or message, and count)"),
        ('{"version": 1, "findings": [{"path": "D", "code": "DH001", "image": "x", "count": 0}]}',
         "entry 1: `count` must be a positive number, got 0"),
        ('{"version": 1, "findings": [{"path": "D", "code": "DH001", "image": 3, "count": 1}]}',
         "entry 1: path, code and image must be non-empty strings"),
        ('{"version": 1, "findings": ["Dockerfile"]}',
         "entry 1: expected an object with path, code, image (or message) and count"),
    ],
)  # fmt: skip
def test_a_corrupt_baseline_exits_2_before_anything_is_fixed(work, capsys, text, message):
    (work / "b.json").write_bytes(text.encode("latin-1"))
    code, out, err = run(capsys, "--baseline", "b.json", "--fix")
    assert (code, out, err) == (2, [], f"dehub: error: baseline b.json: {message}\n")
    assert (work / "Dockerfile").read_text() == DOCKERFILE


def test_a_missing_baseline_says_how_to_write_one(work, capsys):
    code, out, err = run(capsys, "--baseline", "b.json")
    assert (code, out) == (2, [])
    assert err == "dehub: error: baseline b.json: no such file; write it with `dehub check --write-baseline b.json`\n"


def test_a_corrupt_configured_baseline_names_the_configuration(work, capsys):
    write(work / ".dehub.yaml", "baseline: b.json\n")
    write(work / "b.json", "nonsense")
    code, _, err = run(capsys)
    assert code == 2
    assert err == (
        "dehub: error: baseline b.json: not valid JSON: Expecting value: line 1 column 1 (char 0) (from `baseline` "
        f"in {work / '.dehub.yaml'})\n"
    )


def test_configured_baseline_must_be_a_path(work, capsys):
    write(work / ".dehub.yaml", "baseline: 3\n")
    code, _, err = run(capsys)
    assert code == 2
    assert err == (
        f"dehub: error: {work / '.dehub.yaml'}: `baseline`: expected the path of a baseline file, relative to "
        "this file's folder, got a number (3)\n"
    )


# --- the module ----------------------------------------------------------------------------


def test_load_and_split_count_repeats_in_file_order(work):
    from dehub.findings import Finding

    write(work / "b.json", BASELINE)
    baseline = load("b.json")
    assert isinstance(baseline, Baseline)
    assert baseline.counts == {
        ("Dockerfile", "DH001", "image", "node:20"): 2,
        ("Dockerfile", "DH002", "image", "myorg/app:1"): 1,
        ("svc/Dockerfile", "DH001", "image", "python:3.12"): 1,
    }

    def finding(line: int, image: str) -> Finding:
        found = Finding("DH001", "docker-hub-image", "error", "m", 0, 0, image=image)
        found.path, found.line = "Dockerfile", line
        return found

    findings = [finding(1, "node:20"), finding(2, "node:20"), finding(3, "node:20"), finding(4, "node:22")]
    outcome = split(findings, baseline, ["Dockerfile"], lambda path, code: True)
    assert [found.line for found in outcome.new] == [3, 4]
    assert (outcome.baselined, outcome.stale) == (2, 1)  # myorg/app:1 was not found; svc was not checked
    with pytest.raises(BaselineError):
        load("missing.json")


def test_hadolint_findings_are_baselined_by_message(work, capsys, monkeypatch):
    from test_hadolint_plugin import DL3008_MESSAGE, HADOLINT

    if HADOLINT is None:
        pytest.skip("the hadolint binary is not installed")
    for key in list(os.environ):
        if key.startswith("HADOLINT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(work))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(work / ".config"))
    monkeypatch.setenv("DEHUB_HADOLINT", HADOLINT)
    (work / "Dockerfile").unlink()
    write(work / "svc" / "Dockerfile", "FROM python:3.12\nRUN apt-get update && apt-get install -y curl\n")
    assert run(capsys, "--hadolint", "--write-baseline", "b.json", "svc")[0] == 0
    entries = json.loads((work / "b.json").read_text())["findings"]
    assert {"path": "svc/Dockerfile", "code": "DL3008", "message": DL3008_MESSAGE, "count": 1} in entries
    assert [entry["code"] for entry in entries] == ["DH001", "DL3008", "DL3009", "DL3015"]
    write(work / "svc" / "Dockerfile", "# moved\nFROM python:3.12\nRUN apt-get update && apt-get install -y curl\n")
    code, out, _ = run(capsys, "--hadolint", "--baseline", "b.json", "svc")
    assert (code, out) == (0, ["All checks passed!", "Baseline b.json: 4 findings not shown."])
    code, out, _ = run(capsys, "--baseline", "b.json", "svc")  # hadolint did not run: its entries are not stale
    assert (code, out) == (0, ["All checks passed!", "Baseline b.json: 1 finding not shown."])
