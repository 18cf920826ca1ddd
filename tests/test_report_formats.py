"""The CI report formats of `dehub check --format FORMAT`: concise, sarif, github, gitlab, junit.

Driven through the real command on files holding real Docker Hub pulls, plus hand-made findings
for what the command cannot easily produce (hadolint's DL/SC codes, hostile text, odd paths).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from dehub import __version__
from dehub.config import find_config_file, load
from dehub.findings import SAFE, UNSAFE, Edit, Finding, Fix
from dehub.hooks.cli import main
from dehub.report import concise, github, gitlab, junit, sarif
from dehub.report.text import Summary
from dehub.ruledocs import describe
from dehub.rules import CODES

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
DEFAULT_CODES = ["DH001", "DH002", "DH003", "DH004", "DH005", "DH006", "DH900", "DH902"]

DOCKERFILE = (
    "ARG X\n"
    "FROM node:20 AS build\n"
    "FROM acme/tool:1\n"
    "FROM ${X}\n"
    "COPY --from=centos:7 /a /b\n"
    "RUN --mount=type=cache,id=caché😀,from=python:3.12,target=/x true\n"
)
WORKFLOW = (
    "on: push\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    container: node:20\n"
    '    services: {"dé😀": {image: "redis:7"}}\n'
    "    steps:\n"
    "      - run: echo hi\n"
)
CLEAN = "FROM public.ecr.aws/docker/library/node:20\n"

NODE = "`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`"
ACME = (
    "`acme/tool:1` is pulled from Docker Hub and has no known mirror: not a Docker Official Image, so it has "
    "no copy under public.ecr.aws/docker/library; copy it to a registry you control and map it under "
    "`mirror.map`, or accept it under `allow`"
)
UNRESOLVED = (
    "`${X}` depends on X, whose value is not in this file, so dehub cannot tell where it is pulled from; "
    "give X a default, or pass --build-arg X=VALUE"
)
CENTOS = (
    "`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` (unsafe fix: `centos` "
    "left the Docker Official Images on 2024-07-29; old tags are mirrored, but check that yours is)"
)
PYTHON = "`python:3.12` is pulled from Docker Hub; use `public.ecr.aws/docker/library/python:3.12`"
SETUP_NOTE = (
    "pulled while the job is set up, before any step, so a login step cannot cover it (only the mirror, "
    "or `credentials:` on the container or service, can)"
)
SETUP = "; " + SETUP_NOTE  # how formats that show one finding at a time join the note to the message
REDIS = "`redis:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/redis:7`"

# (path, line, column, end_line, end_column, code, severity, message, note, fixable) of the project, in
# report order.
EXPECTED = [
    (".github/workflows/ci.yml", 5, 16, 5, 23, "DH001", "error", NODE, SETUP_NOTE, SAFE),
    (".github/workflows/ci.yml", 6, 32, 6, 39, "DH001", "error", REDIS, SETUP_NOTE, SAFE),
    ("Dockerfile", 2, 6, 2, 13, "DH001", "error", NODE, None, SAFE),
    ("Dockerfile", 3, 6, 3, 17, "DH002", "warning", ACME, None, None),
    ("Dockerfile", 4, 6, 4, 10, "DH003", "info", UNRESOLVED, None, None),
    ("Dockerfile", 5, 13, 5, 21, "DH001", "error", CENTOS, None, UNSAFE),
    ("Dockerfile", 6, 39, 6, 50, "DH001", "error", PYTHON, None, SAFE),
]
SUMMARY = "Found 7 problems. [*] 4 fixable with --fix; 1 more with --fix --unsafe-fixes."


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty working folder, no configuration above it, not inside GitHub Actions."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert find_config_file(str(tmp_path)) is None, "a stray dehub configuration above the temp folder"
    return tmp_path


@pytest.fixture
def project(work):
    """Two files with Docker Hub pulls (every severity, safe and unsafe fixes) and a clean one."""
    write(work / "Dockerfile", DOCKERFILE)
    write(work / ".github" / "workflows" / "ci.yml", WORKFLOW)
    write(work / "clean" / "Dockerfile", CLEAN)
    return work


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def make(code: str, message: str, path: str = "Dockerfile", line: int = 3, column: int = 1, *,
         end: tuple[int, int] | None = None, severity: str = "warning", name: str = "hadolint",
         image: str | None = None, fix: Fix | None = None) -> Finding:
    """A finding as a reporter receives it (hadolint's by default: no site, image or fix)."""
    finding = Finding(code, name, severity, message, 0, 0, image=image, fix=fix)
    finding.path, finding.kind = path, "dockerfile"
    finding.line, finding.column = line, column
    finding.end_line, finding.end_column = end if end else (line, column + 1)
    return finding


def report(module, findings: list[Finding], summary: Summary | None = None) -> str:
    stream = io.StringIO()
    module.write(findings, stream, summary or Summary())
    return stream.getvalue()


def json_findings(capsys, *paths: str) -> list[dict]:
    assert main(["check", "--format", "json", *paths]) == 1
    return json.loads(capsys.readouterr().out)["findings"]


# --- concise ---------------------------------------------------------------------------------


def test_concise_lines(project, capsys):
    code, out, err = run(capsys, "check", "--format", "concise")
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        f".github/workflows/ci.yml:5:16: DH001 error: [*] {NODE}",
        f".github/workflows/ci.yml:6:32: DH001 error: [*] {REDIS}",
        f"  note (lines 5, 6): {SETUP_NOTE}",
        f"Dockerfile:2:6: DH001 error: [*] {NODE}",
        f"Dockerfile:3:6: DH002 warning: {ACME}",
        f"Dockerfile:4:6: DH003 info: {UNRESOLVED}",
        f"Dockerfile:5:13: DH001 error: {CENTOS}",
        f"Dockerfile:6:39: DH001 error: [*] {PYTHON}",
        SUMMARY,
    ]


def test_concise_marks_unsafe_fixes_when_they_are_enabled(project, capsys):
    code, out, _ = run(capsys, "check", "--format", "concise", "--unsafe-fixes", "Dockerfile")
    assert code == 1
    assert f"Dockerfile:5:13: DH001 error: [*] {CENTOS}" in out.splitlines()
    assert out.splitlines()[-1] == "Found 5 problems. [*] 2 fixable with --fix; 1 with --fix."


def test_concise_statistics_and_quiet_match_text(project, capsys):
    _, text_stats, _ = run(capsys, "check", "--statistics")
    code, concise_stats, _ = run(capsys, "check", "--format", "concise", "--statistics")
    assert code == 1
    assert concise_stats == text_stats
    assert concise_stats.splitlines()[0] == "5  DH001  [*] docker-hub-image"
    code, out, _ = run(capsys, "check", "--format", "concise", "--quiet")
    assert code == 1
    assert len(out.splitlines()) == len(EXPECTED) + 1  # and the note
    assert SUMMARY not in out


def test_concise_clean_run(work, capsys):
    write(work / "Dockerfile", CLEAN)
    assert run(capsys, "check", "--format", "concise") == (0, "All checks passed!\n", "")


# --- SARIF ------------------------------------------------------------------------------------


def validate_sarif(document: dict) -> None:
    """Schema-valid (the validator the schema's `$schema` names, with formats) and RFC 3986 URIs."""
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    assert validator_class.__name__ == "Draft4Validator"
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    # jsonschema checks format "uri" only with optional packages; check every URI here instead.
    for uri in _values(document, ("uri", "helpUri", "informationUri")):
        character = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})"
        assert re.fullmatch(rf"{character}+(?:#{character}*)?", uri), uri  # a fragment after one `#`


def _values(node: object, keys: tuple[str, ...]) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                found.append(value)
            found.extend(_values(value, keys))
    elif isinstance(node, list):
        for item in node:
            found.extend(_values(item, keys))
    return found


def sarif_run(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "check", "--format", "sarif", *argv)
    assert code in (0, 1), err
    assert out.endswith("}\n")
    document = json.loads(out)
    validate_sarif(document)
    assert len(document["runs"]) == 1
    return document["runs"][0]


def test_sarif_is_valid_and_describes_the_run(project, capsys):
    code, out, _ = run(capsys, "check", "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    validate_sarif(document)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert "docker.io/library/node:20" not in out  # messages name the image as written
    assert "caché😀" not in out and "dé😀" not in out  # file text never copied into the report
    assert "\\u" not in out  # ensure_ascii=False
    (run_,) = document["runs"]
    driver = run_["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("dehub", __version__, __version__)
    assert "informationUri" not in driver  # dehub has no public home to point at
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.resolve().as_uri() + "/"}}


def test_sarif_rules_are_every_enabled_code_with_docs(project, capsys):
    rules = sarif_run(capsys)["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == DEFAULT_CODES
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule in rules:
        doc = describe(rule["id"])
        assert rule["name"] == doc.name
        assert rule["shortDescription"]["text"] == doc.summary
        assert rule["fullDescription"]["text"] == doc.text
        assert rule["help"]["text"] == doc.text
        assert "**The fix**" in rule["help"]["markdown"]
        assert "helpUri" not in rule  # no `docs-url` configured
        assert doc.uri == ""
        assert rule["defaultConfiguration"]["level"] == levels[doc.severity]
        assert rule["properties"] == {"tags": ["docker-hub"], "fix": doc.fix}
    dh003 = next(rule for rule in rules if rule["id"] == "DH003")
    assert dh003["defaultConfiguration"]["level"] == "note"


PAGES = "https://docs.example.com/dehub/rules"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        pytest.param(f"{PAGES}/", f"{PAGES}/{{}}.md", id="base"),
        pytest.param(PAGES, f"{PAGES}/{{}}.md", id="no-slash"),
        pytest.param("http://wiki.example.com:8080/{code}#top", "http://wiki.example.com:8080/{}#top", id="template"),
    ],
)
def test_sarif_help_uri_comes_from_docs_url(project, capsys, setting, expected):
    write(project / ".dehub.yaml", f"docs-url: '{setting}'\n")
    rules = sarif_run(capsys)["tool"]["driver"]["rules"]  # schema-valid with the links, too
    links = [(rule["id"], rule["helpUri"]) for rule in rules]
    assert links == [(code, expected.format(code)) for code in DEFAULT_CODES]


def test_sarif_docs_url_from_pyproject_leaves_hadolint_links_alone(work):
    write(work / "pyproject.toml", '[tool.dehub]\ndocs-url = "https://docs.example.com/r/{code}.html"\n')
    summary = Summary()
    summary.enabled = frozenset({"DH001"})
    summary.docs_url = load(find_config_file(str(work)), CODES).docs_url
    findings = [make("DL3008", "Pin versions in apt get install.", line=2)]
    document = json.loads(report(sarif, findings, summary))
    validate_sarif(document)
    links = {rule["id"]: rule["helpUri"] for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert links == {
        "DH001": "https://docs.example.com/r/DH001.html",
        "DL3008": "https://github.com/hadolint/hadolint/wiki/DL3008",
    }


def test_sarif_rules_follow_select_and_add_reported_codes(project, capsys):
    rules = sarif_run(capsys, "--select", "DH002")["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["DH002"]
    rules = sarif_run(capsys, "--show-unused-suppressions", "--select", "DH001")["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["DH001", "DH901"]


def test_sarif_results_match_the_json_report(project, capsys):
    expected = json_findings(capsys)
    run_ = sarif_run(capsys)
    rules = run_["tool"]["driver"]["rules"]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert len(run_["results"]) == len(expected) == len(EXPECTED)
    for result, finding in zip(run_["results"], expected, strict=True):
        assert result["ruleId"] == finding["code"]
        assert rules[result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == levels[finding["severity"]]
        note = finding["note"]
        assert result["message"]["text"] == finding["message"] + (f"; {note}" if note else "")
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
        assert ("fixes" in result) == (finding["fixable"] is not None)
    assert [r["level"] for r in run_["results"]] == ["error", "error", "error", "warning", "note", "error", "error"]


def test_sarif_fix_regions_are_the_edit_positions(project, capsys):
    from dehub.lint import Settings
    from dehub.runner import CHECK, check_files

    (result,) = check_files([("Dockerfile", "dockerfile", Settings(None))], CHECK, 1)
    edits = {(f.line, f.code): f.fix for f in result.findings if f.fix is not None}
    run_ = sarif_run(capsys, "Dockerfile")
    seen = 0
    for entry in run_["results"]:
        line = entry["locations"][0]["physicalLocation"]["region"]["startLine"]
        fix = edits.get((line, entry["ruleId"]))
        if fix is None:
            assert "fixes" not in entry
            continue
        seen += 1
        (sarif_fix,) = entry["fixes"]
        (change,) = sarif_fix["artifactChanges"]
        assert change["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
        assert [(r["deletedRegion"], r["insertedContent"]["text"]) for r in change["replacements"]] == [
            ({"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column}, e.text)
            for e in sorted(fix.edits, key=lambda e: e.start, reverse=True)
        ]
        assert ("unsafe" in sarif_fix["description"]["text"]) == (fix.safety == UNSAFE)
    assert seen == 3  # node:20, centos:7 (unsafe), python:3.12


def apply_sarif_fixes(run_: dict, root: Path, unsafe: bool) -> dict[str, str]:
    """Each file's text after applying the results' replacements, as a SARIF consumer would."""
    changes: dict[str, list[tuple[int, int, str]]] = {}
    texts: dict[str, str] = {}
    for result in run_["results"]:
        for fix in result.get("fixes", ()):
            if "unsafe" in fix["description"]["text"] and not unsafe:
                continue
            for change in fix["artifactChanges"]:
                uri = change["artifactLocation"]["uri"]
                text = texts.setdefault(uri, (root / uri).read_bytes().decode("utf-8"))
                starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
                for replacement in change["replacements"]:
                    region = replacement["deletedRegion"]
                    start = starts[region["startLine"] - 1] + region["startColumn"] - 1
                    end = starts[region["endLine"] - 1] + region["endColumn"] - 1
                    changes.setdefault(uri, []).append((start, end, replacement["insertedContent"]["text"]))
    fixed = {}
    for uri, edits in changes.items():
        text = texts[uri]
        edits.sort(reverse=True)
        for (_, end, _), (next_start, _, _) in zip(edits[1:], edits[:-1], strict=True):
            assert end <= next_start, "overlapping replacements"
        for start, end, inserted in edits:
            text = text[:start] + inserted + text[end:]
        fixed[uri] = text
    return fixed


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_sarif_fixes_reproduce_dehub_fix(project, capsys, unsafe):
    flags = ["--unsafe-fixes"] if unsafe else []
    run_ = sarif_run(capsys, *flags)
    from_sarif = apply_sarif_fixes(run_, project, unsafe)
    assert sorted(from_sarif) == [".github/workflows/ci.yml", "Dockerfile"]
    _code, out, _ = run(capsys, "check", "--fix", *flags)
    assert "Fixing Dockerfile" in out
    for uri, text in from_sarif.items():
        assert (project / uri).read_bytes().decode("utf-8") == text
    assert ("--from=centos:7 /a" in from_sarif["Dockerfile"]) is not unsafe
    assert "caché😀,from=public.ecr.aws/docker/library/python:3.12," in from_sarif["Dockerfile"]


def test_sarif_fingerprints_survive_a_line_added_above(project, capsys):
    before = sarif_run(capsys)["results"]
    write(project / "Dockerfile", "# a comment\n\n" + DOCKERFILE)
    after = sarif_run(capsys)["results"]
    key = "dehubFingerprint/v1"
    assert [r["partialFingerprints"][key] for r in before] == [r["partialFingerprints"][key] for r in after]
    regions = [r["locations"][0]["physicalLocation"] for r in after]
    lines = [region["region"]["startLine"] for region in regions if region["artifactLocation"]["uri"] == "Dockerfile"]
    assert lines == [4, 5, 6, 7, 8]
    assert len({r["partialFingerprints"][key] for r in after}) == len(after)


def test_sarif_without_findings(work, capsys):
    write(work / "Dockerfile", CLEAN)
    code, out, _ = run(capsys, "check", "--format", "sarif")
    assert code == 0
    document = json.loads(out)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []
    assert [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]] == DEFAULT_CODES


def test_sarif_hadolint_rules_link_to_their_wiki(work):
    findings = [
        make("DL3008", "Pin versions in apt get install.", line=2),
        make("SC2086", "Double quote to prevent globbing and word splitting.", line=3, column=8, name="shellcheck"),
        make("DH001", NODE, line=1, column=6, end=(1, 13), severity="error", name="docker-hub-image", image="node:20"),
    ]
    summary = Summary()
    summary.enabled = frozenset({"DH001", "DH002"})
    document = json.loads(report(sarif, findings, summary))
    validate_sarif(document)
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert list(rules) == ["DH001", "DH002", "DL3008", "SC2086"]
    assert rules["DL3008"]["helpUri"] == "https://github.com/hadolint/hadolint/wiki/DL3008"
    assert rules["DL3008"]["properties"]["tags"] == ["hadolint"]
    assert rules["SC2086"]["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"
    assert rules["SC2086"]["properties"]["tags"] == ["hadolint", "shellcheck"]
    assert rules["SC2086"]["help"]["text"] == describe("SC2086").text
    results = document["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("DL3008", 2, "warning"), ("SC2086", 3, "warning"), ("DH001", 0, "error")
    ]
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 9
    }
    assert all("fixes" not in r for r in results)


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("Dockerfile", "Dockerfile"),
        ("dir with space/Dockerfile", "dir%20with%20space/Dockerfile"),
        ("a:b/Dockerfile", "a%3Ab/Dockerfile"),
        ("caf\u00e9/Dockerfile#1%", "caf%C3%A9/Dockerfile%231%25"),
        ("Dockerfile.\udcff", "Dockerfile.%FF"),  # a file name that is not UTF-8
    ],
)
def test_sarif_relative_paths_are_encoded_uri_references(work, path, uri):
    document = json.loads(report(sarif, [make("DL3008", "m", path=path)]))
    validate_sarif(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": uri, "uriBaseId": "%SRCROOT%"}


@pytest.mark.parametrize("outside", ["absolute", "parent"])
def test_sarif_paths_outside_the_working_folder_are_file_uris(work, outside):
    target = work.parent / "other dir" / "Dockerfile"
    path = str(target) if outside == "absolute" else "../other dir/Dockerfile"
    document = json.loads(report(sarif, [make("DL3008", "m", path=path)]))
    validate_sarif(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": target.resolve().as_uri()}
    assert "%20" in location["uri"]


def test_sarif_text_round_trips(work):
    message = 'non-ASCII é 😀, comma, colon: "quotes" <tag> & 100% \\ back\nnew line\r\ttab'
    document = json.loads(report(sarif, [make("DL3008", message)]))
    validate_sarif(document)
    assert document["runs"][0]["results"][0]["message"]["text"] == message


# --- GitHub Actions ---------------------------------------------------------------------------


def test_github_escaping():
    finding = make("DL3008", "100% sure\r\nline two: a, b", path="we,ird:dir/Dock%erfile", line=7,
                   column=2, end=(8, 4))
    assert github.command(finding) == (
        "::warning file=we%2Cird%3Adir/Dock%25erfile,line=7,col=2,endLine=8,endColumn=4,title=DL3008 hadolint"
        "::100%25 sure%0D%0Aline two: a, b"
    )
    assert github.escape_data("a%0A\n") == "a%250A%0A"
    assert github.escape_property("x: y, z\n%") == "x%3A y%2C z%0A%25"


def test_github_levels_and_summary(work):
    findings = [
        make("DH001", NODE, line=1, column=6, end=(1, 13), severity="error", name="docker-hub-image"),
        make("DL3008", "Pin versions", line=2),
        make("DH003", UNRESOLVED, line=3, column=6, end=(3, 10), severity="info", name="unresolved-image"),
    ]
    lines = report(github, findings).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:3]] == ["::error", "::warning", "::notice"]
    assert lines[0] == (
        "::error file=Dockerfile,line=1,col=6,endLine=1,endColumn=13,title=DH001 docker-hub-image::" + NODE
    )
    assert lines[3] == "Found 3 problems."
    quiet = Summary()
    quiet.quiet = True
    assert len(report(github, findings, quiet).splitlines()) == 3


def test_github_is_the_default_inside_github_actions(project, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "check")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=.github/workflows/ci.yml,line=5,col=16,endLine=5,endColumn=23,title=DH001 docker-hub-image::"
        + NODE + SETUP
    )
    assert lines[4] == "::notice file=Dockerfile,line=4,col=6,endLine=4,endColumn=10,title=DH003 unresolved-image::" + (
        UNRESOLVED
    )
    assert len(lines) == len(EXPECTED) + 1 and lines[-1] == SUMMARY
    code, out, _ = run(capsys, "check", "--format", "text")
    assert code == 1
    assert not out.startswith("::")
    assert out.splitlines()[:3] == [
        f".github/workflows/ci.yml:5:16: DH001 error: {NODE}",
        f".github/workflows/ci.yml:6:32: DH001 error: {REDIS}",
        f"  note (lines 5, 6): {SETUP_NOTE}",
    ]
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert not run(capsys, "check")[1].startswith("::")


# --- GitLab Code Quality ----------------------------------------------------------------------


def gitlab_report(capsys, *argv: str) -> list[dict]:
    code, out, _ = run(capsys, "check", "--format", "gitlab", *argv)
    assert code in (0, 1)
    return json.loads(out)


def test_gitlab_report_fields(project, capsys):
    issues = gitlab_report(capsys)
    severities = {"error": "major", "warning": "minor", "info": "info"}
    assert len(issues) == len(EXPECTED)
    for issue, (path, line, _, end_line, _, code, severity, message, note, _) in zip(issues, EXPECTED, strict=True):
        assert issue["check_name"] == code
        assert issue["description"] == f"{code} {message}" + (f"; {note}" if note else "")
        assert issue["severity"] == severities[severity]
        assert issue["location"] == {"path": path, "lines": {"begin": line, "end": end_line}}
        assert re.fullmatch("[0-9a-f]{64}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_fingerprints_survive_a_line_added_above(project, capsys):
    before = gitlab_report(capsys)
    write(project / "Dockerfile", "# syntax comment\n" + DOCKERFILE)
    write(project / ".github" / "workflows" / "ci.yml", "# top\n" + WORKFLOW)
    after = gitlab_report(capsys)
    assert [i["location"]["lines"]["begin"] for i in after] == [i["location"]["lines"]["begin"] + 1 for i in before]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]


def test_gitlab_identical_images_get_distinct_stable_fingerprints(work, capsys):
    write(work / "Dockerfile", "FROM node:20\nRUN true\nFROM node:20\n")
    first, second = gitlab_report(capsys)
    assert (first["location"]["lines"]["begin"], second["location"]["lines"]["begin"]) == (1, 3)
    assert first["description"] == second["description"]
    assert first["fingerprint"] != second["fingerprint"]
    write(work / "Dockerfile", "FROM alpine:3.20 AS x\nFROM node:20\nRUN true\nRUN true\nFROM node:20\n")
    fingerprints = [issue["fingerprint"] for issue in gitlab_report(capsys)]
    assert fingerprints[1:] == [first["fingerprint"], second["fingerprint"]]
    assert len(set(fingerprints)) == 3


def test_gitlab_hadolint_findings_are_told_apart_by_message(work):
    findings = [make("DL3008", "Pin versions", line=2), make("DL3008", "Pin versions", line=5),
                make("DL3009", "Delete the apt-get lists", line=5)]
    issues = json.loads(report(gitlab, findings))
    assert len({issue["fingerprint"] for issue in issues}) == 3
    moved = [make("DL3008", "Pin versions", line=4), make("DL3008", "Pin versions", line=9),
             make("DL3009", "Delete the apt-get lists", line=9)]
    assert [i["fingerprint"] for i in json.loads(report(gitlab, moved))] == [i["fingerprint"] for i in issues]
    assert [issue["severity"] for issue in issues] == ["minor", "minor", "minor"]


def test_gitlab_empty_report_is_an_empty_array(work, capsys):
    write(work / "Dockerfile", CLEAN)
    assert gitlab_report(capsys) == []


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_counts_and_clean_files(project, capsys):
    code, out, _ = run(capsys, "check", "--format", "junit")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("name") == "dehub"
    assert (root.get("tests"), root.get("failures")) == (str(len(EXPECTED) + 1), str(len(EXPECTED)))
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == [".github/workflows/ci.yml", "Dockerfile", "clean/Dockerfile"]
    clean = suites["clean/Dockerfile"]
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    (case,) = clean.findall("testcase")
    assert case.get("classname") == "clean/Dockerfile" and case.find("failure") is None
    dockerfile = suites["Dockerfile"]
    assert (dockerfile.get("tests"), dockerfile.get("failures")) == ("5", "5")
    cases = dockerfile.findall("testcase")
    assert [c.get("name") for c in cases] == ["DH001 2:6", "DH002 3:6", "DH003 4:6", "DH001 5:13", "DH001 6:39"]
    failure = cases[1].find("failure")
    assert failure.get("message") == ACME
    assert failure.text == f"Dockerfile:3:6: DH002 warning: {ACME}"
    assert sum(len(s.findall("testcase")) for s in suites.values()) == int(root.get("tests"))


def test_junit_failure_keeps_the_note(project, capsys):
    code, out, _ = run(capsys, "check", "--format", "junit", ".github/workflows/ci.yml")
    assert code == 1
    (suite,) = ElementTree.fromstring(out.encode("utf-8")).findall("testsuite")
    failure = suite.find("testcase/failure")
    assert failure.get("message") == NODE + SETUP
    assert failure.text == f".github/workflows/ci.yml:5:16: DH001 error: {NODE}\n  note: {SETUP_NOTE}"


def test_junit_clean_run_lists_every_checked_file(work, capsys):
    write(work / "Dockerfile", CLEAN)
    write(work / "b" / "Containerfile", CLEAN)
    code, out, _ = run(capsys, "check", "--format", "junit")
    assert code == 0
    root = ElementTree.fromstring(out)
    assert (root.get("tests"), root.get("failures")) == ("2", "0")
    assert sorted(s.get("name") for s in root.findall("testsuite")) == ["Dockerfile", "b/Containerfile"]
    assert not root.findall(".//failure")


def test_junit_is_well_formed_for_any_text(work):
    hostile = 'a & b <c> "d" \'e\' ]]> é 😀\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff end\ttab\nnew line'
    findings = [
        make("DL3008", hostile, path='we "ird" <dir>/Dock&file'),
        make("SC2086", "plain", path="Dockerfile.\udcff"),
    ]
    summary = Summary()
    summary.paths = ["clean file", 'we "ird" <dir>/Dock&file']
    out = report(junit, findings, summary)
    root = ElementTree.fromstring(out.encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["clean file", 'we "ird" <dir>/Dock&file', "Dockerfile.\\udcff"]
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    failure = suites[1].find("testcase/failure")
    # control characters are shown escaped, as in the text report (XML could not hold them raw)
    assert failure.get("message") == 'a & b <c> "d" \'e\' ]]> é 😀\\x00\\x01\\x08\\x0b\\x0c\\x1f end\ttab\nnew line'
    assert failure.text.startswith('we "ird" <dir>/Dock&file:3:1: DL3008 warning: a & b <c>')


def test_junit_paths_only_in_findings_get_a_suite(work):
    summary = Summary()
    summary.paths = ["a/Dockerfile"]
    root = ElementTree.fromstring(report(junit, [make("DL3008", "m", path="b/Dockerfile")], summary))
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in root.findall("testsuite")] == [
        ("a/Dockerfile", "1", "0"), ("b/Dockerfile", "1", "1")
    ]


def test_junit_empty(work):
    root = ElementTree.fromstring(report(junit, []))
    assert (root.tag, root.get("tests"), root.get("failures"), list(root)) == ("testsuites", "0", "0", [])


# --- --output-file ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "junit", "github", "concise", "text"])
def test_output_file_gets_the_report_and_stdout_none_of_it(project, capsys, fmt):
    code, out, err = run(capsys, "check", "--format", fmt, "--output-file", "report.out")
    assert code == 1
    assert out == ""
    assert err == ""
    text = (project / "report.out").read_text(encoding="utf-8")
    assert "acme/tool:1" in text
    if fmt in ("sarif", "gitlab"):
        json.loads(text)
    if fmt == "junit":
        ElementTree.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("fmt", ["sarif", "text"])
def test_output_file_with_fix_still_prints_the_fixing_notes(project, capsys, fmt):
    code, out, err = run(capsys, "check", "--fix", "--format", fmt, "-o", "report.out")
    assert code == 1
    notes = (out + err).splitlines()
    assert "Fixing Dockerfile" in notes and "Fixing .github/workflows/ci.yml" in notes
    assert "acme/tool:1" not in out + err
    written = (project / "report.out").read_text(encoding="utf-8")
    assert "acme/tool:1" in written
    if fmt == "text":
        assert "node:20" not in written.replace("library/node:20", "")
    if fmt == "sarif":
        validate_sarif(json.loads(written))
        assert [r["ruleId"] for r in json.loads(written)["runs"][0]["results"]] == ["DH002", "DH003", "DH001"]


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="needs a file system that stores any bytes")
def test_output_file_with_a_file_name_that_is_not_utf8(work, capsys):
    name = os.fsdecode(b"Dockerfile.\xff")
    write(work / name, "FROM node:20\n")
    code, _, _ = run(capsys, "check", "--format", "concise", "-o", "report.out")
    assert code == 1
    assert "Dockerfile.\\udcff:1:6: DH001" in (work / "report.out").read_text(encoding="utf-8")


def test_output_file_that_cannot_be_written_is_a_usage_error(project, capsys):
    code, out, err = run(capsys, "check", "--format", "sarif", "-o", "no/such/folder/report.sarif")
    assert code == 2
    assert out == ""
    assert "--output-file: cannot write no/such/folder/report.sarif" in err


def test_every_format_has_a_module_docstring():
    for module in (concise, sarif, github, gitlab, junit):
        assert module.__doc__ and len(module.__doc__.split()) > 10


def test_sarif_fix_is_built_from_edit_positions_alone(work):
    """No source text is read: a hand-made finding for a file that does not exist gets its fix."""
    finding = make("DH001", NODE, path="gone/Dockerfile", line=1, column=6, end=(1, 13), severity="error",
                   name="docker-hub-image", image="node:20",
                   fix=Fix((Edit(5, 9, "public.ecr.aws/docker/library/node"),), SAFE))
    finding.suggestion = "public.ecr.aws/docker/library/node:20"
    edit = finding.fix.edits[0]
    edit.line, edit.column, edit.end_line, edit.end_column = 1, 6, 1, 10
    document = json.loads(report(sarif, [finding]))
    validate_sarif(document)
    (fix,) = document["runs"][0]["results"][0]["fixes"]
    assert fix["description"]["text"] == "Use `public.ecr.aws/docker/library/node:20` (safe fix: dehub check --fix)"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "gone/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 10},
        "insertedContent": {"text": "public.ecr.aws/docker/library/node"},
    }]


def test_sarif_from_standard_input(work, capsys, monkeypatch):
    class Stdin:
        buffer = io.BytesIO(b"FROM node:20\n")

    monkeypatch.setattr(sys, "stdin", Stdin)
    run_ = sarif_run(capsys, "-", "--stdin-filename", "sub dir/Dockerfile")
    (result,) = run_["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "sub%20dir/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert result["fixes"][0]["artifactChanges"][0]["artifactLocation"] == location


class RecordingStream(io.StringIO):
    """A stream that remembers the length of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


@pytest.mark.parametrize("module", [sarif, gitlab], ids=["sarif", "gitlab"])
def test_reports_are_streamed_a_finding_at_a_time(module):
    """40,000 findings once took 5.7 s and 375 MiB as one indented SARIF `json.dumps`: the
    reports are written a result at a time, and the value is the same JSON."""
    findings = [make("DH001", f"`node:{i}` is pulled from Docker Hub", line=i + 1, image=f"node:{i}")
                for i in range(2000)]
    stream = RecordingStream()
    module.write(findings, stream, Summary())
    document = json.loads(stream.getvalue())
    items = document["runs"][0]["results"] if module is sarif else document
    assert [item["ruleId" if module is sarif else "check_name"] for item in items] == ["DH001"] * 2000
    assert len(stream.sizes) >= 2000
    assert max(stream.sizes) < len(stream.getvalue()) / 20  # no write holds much of the report
    if module is sarif:
        validate_sarif(document)
