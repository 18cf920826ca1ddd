"""A repository with two configurations, shared by the tests of every entry point.

The root `.dehub.yaml` and `sub/.dehub.yaml` differ in `ignore`, `allow` and `exclude`, and
every Dockerfile holds the same text, so what each file reports says which configuration
governed it. The command line (from the root, from `sub/`, from outside by absolute path, on
standard input), the pre-commit hook and the language server must all report exactly
`EXPECTED` for each file: they agree with each other because they agree with this table.
"""

from __future__ import annotations

from pathlib import Path

ROOT_CONFIG = 'ignore: [DH003]\nallow: ["myorg/*"]\nexclude: ["gen/", "sub/keep/"]\n'
SUB_CONFIG = 'ignore: [DH002]\nallow: [node]\nexclude: ["legacy/*.Dockerfile"]\n'

DOCKERFILE = (
    "ARG REG\n"
    "FROM node:20\n"  # DH001 at the root; allowed in sub/
    "FROM myorg/app:1\n"  # allowed at the root; DH002, ignored, in sub/
    "FROM acme/tool:1\n"  # DH002 at the root; ignored in sub/
    "FROM python:3.12\n"  # DH001 everywhere
    "FROM ${REG}/x:1\n"  # DH003 in sub/; ignored at the root
)
ROOT_FINDINGS = [(2, 6, "DH001"), (4, 6, "DH002"), (5, 6, "DH001")]
SUB_FINDINGS = [(5, 6, "DH001"), (6, 6, "DH003")]

# Every Dockerfile, with what it reports; None: excluded by the configuration that governs it.
EXPECTED: dict[str, list[tuple[int, int, str]] | None] = {
    "Dockerfile": ROOT_FINDINGS,
    "gen/Dockerfile": None,  # the root's `gen/`
    "legacy/old.Dockerfile": ROOT_FINDINGS,  # sub/'s `legacy/*.Dockerfile` is about sub/legacy only
    "sub/Dockerfile": SUB_FINDINGS,
    "sub/gen/Dockerfile": SUB_FINDINGS,  # governed by sub/.dehub.yaml, which does not exclude gen/
    "sub/keep/Dockerfile": SUB_FINDINGS,  # the root's `sub/keep/` does not govern sub/
    "sub/legacy/old.Dockerfile": None,  # sub/'s `legacy/*.Dockerfile`, relative to sub/
}


def write_monorepo(root: Path) -> Path:
    """The configurations and Dockerfiles under `root` (which the caller makes a repository)."""
    files = {".dehub.yaml": ROOT_CONFIG, "sub/.dehub.yaml": SUB_CONFIG}
    files.update(dict.fromkeys(EXPECTED, DOCKERFILE))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def reported(prefix: str = "", under: str = "") -> set[tuple[str, int, int, str]]:
    """EXPECTED as (path, line, column, code) for the files under `under`, each path written
    as `prefix` + its path relative to `under` (how a run from that folder shows it)."""
    out = set()
    for path, found in EXPECTED.items():
        if found is None or not path.startswith(under):
            continue
        out.update((prefix + path[len(under) :], line, column, code) for line, column, code in found)
    return out


def file_reports(name: str, shown: str | None = None) -> set[tuple[str, int, int, str]]:
    """EXPECTED for the one file `name`, as (path, line, column, code) with the path `shown`."""
    return {(shown or name, line, column, code) for line, column, code in EXPECTED[name] or ()}
