"""File kinds: which files dehub reads, and the module that parses each kind.

Detection is by path first (what pre-commit and `git ls-files` give us) and by content
second, for a file passed explicitly whose name says nothing. `--kind` overrides both.
"""

from __future__ import annotations

from importlib import import_module

from .document import Document
from .source import SourceText

PARSERS = {"dockerfile": "dehub.dockerfile"}
KINDS = tuple(PARSERS)
DOCKERFILE_BASES = ("dockerfile", "containerfile")
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".rst", ".txt", ".orig", ".rej", ".swp", ".bak")
DOCKERFILE_FIRST_WORDS = frozenset(("FROM", "ARG"))


def kind_for_path(path: str) -> str | None:
    """The kind a file name implies, or None."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    lower = name.lower()
    if lower.endswith(NOT_DOCKERFILE_SUFFIXES) and lower not in DOCKERFILE_BASES:
        return None
    for base in DOCKERFILE_BASES:
        if lower == base or lower.startswith((base + ".", base + "-", base + "_")) or lower.endswith("." + base):
            return "dockerfile"  # Dockerfile, Dockerfile.prod, Dockerfile-envoy, Dockerfile_dev, x.Dockerfile
    return None


def kind_for_text(text: str, path: str = "") -> str | None:
    """The kind a file's content implies: a Dockerfile starts (after comments) with FROM or ARG.

    Only for names that say nothing else: `README.md` that begins "From the start..." is prose.
    The keyword must be upper case, as in virtually every real Dockerfile, for the same reason.
    """
    if path.lower().endswith(NOT_DOCKERFILE_SUFFIXES):
        return None
    for line in text.splitlines()[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = stripped.split()
        return "dockerfile" if words[0] in DOCKERFILE_FIRST_WORDS and len(words) > 1 else None
    return None


def parse(kind: str, source: SourceText) -> Document:
    module = import_module(PARSERS[kind])
    return module.parse(source)  # type: ignore[no-any-return]
