"""File kinds: which files dehub reads, and the module that parses each kind.

Detection is by path first (what pre-commit and `git ls-files` give us) and by content
second, for a file passed explicitly whose name says nothing. `--kind` overrides both.
"""

from __future__ import annotations

from importlib import import_module

from .document import Document
from .source import SourceText

PARSERS = {"dockerfile": "dehub.dockerfile", "workflow": "dehub.gha.workflow", "action": "dehub.gha.action"}
KINDS = tuple(PARSERS)
DOCKERFILE_BASES = ("dockerfile", "containerfile")
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".rst", ".txt", ".orig", ".rej", ".swp", ".bak")
DOCKERFILE_FIRST_WORDS = frozenset(("FROM", "ARG"))


YAML_SUFFIXES = (".yml", ".yaml")
ACTION_NAMES = ("action.yml", "action.yaml")


def kind_for_path(path: str) -> str | None:
    """The kind a file name implies, or None."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    lower = name.lower()
    if lower.endswith(YAML_SUFFIXES):
        yaml_kind = _yaml_kind(lower, [part.lower() for part in parts[:-1]])
        if yaml_kind is not None:
            return yaml_kind
    if lower.endswith(NOT_DOCKERFILE_SUFFIXES) and lower not in DOCKERFILE_BASES:
        return None
    for base in DOCKERFILE_BASES:
        if lower == base or lower.startswith((base + ".", base + "-", base + "_")) or lower.endswith("." + base):
            return "dockerfile"  # Dockerfile, Dockerfile.prod, Dockerfile-envoy, Dockerfile_dev, x.Dockerfile
    return None


def _yaml_kind(name: str, folders: list[str]) -> str | None:
    """Workflows live directly in `.github/workflows/` (or an org's `workflow-templates/`);
    actions are `action.yml` anywhere, and any YAML file under `.github/actions/`."""
    if name in ACTION_NAMES:
        return "action"
    if folders[-2:] == [".github", "workflows"] or folders[-1:] == ["workflow-templates"]:
        return "workflow"
    for index in range(len(folders) - 1):
        if folders[index] == ".github" and folders[index + 1] == "actions":
            return "action"
    return None


def kind_for_text(text: str, path: str = "") -> str | None:
    """The kind a file's content implies: a Dockerfile starts (after comments) with FROM or ARG.

    Only for names that say nothing else: `README.md` that begins "From the start..." is prose.
    The keyword must be upper case, as in virtually every real Dockerfile, for the same reason.
    """
    if path.lower().endswith(NOT_DOCKERFILE_SUFFIXES):
        return None
    yaml_kind = _yaml_kind_for_text(text)
    if yaml_kind is not None:
        return yaml_kind
    for line in text.splitlines()[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = stripped.split()
        return "dockerfile" if words[0] in DOCKERFILE_FIRST_WORDS and len(words) > 1 else None
    return None


def _yaml_kind_for_text(text: str) -> str | None:
    """A workflow has top-level `on:` and `jobs:`; an action top-level `runs:` with `using:`."""
    top = set()
    for line in text.splitlines()[:2000]:
        if line[:1].isalpha() or line[:1] in "\"'":
            key = line.split(":", 1)[0].strip().strip("\"'")
            top.add(key)
    if "jobs" in top and "on" in top:
        return "workflow"
    if "runs" in top and "using:" in text:
        return "action"
    return None


def parse(kind: str, source: SourceText) -> Document:
    module = import_module(PARSERS[kind])
    return module.parse(source)  # type: ignore[no-any-return]
