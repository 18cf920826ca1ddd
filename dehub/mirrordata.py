"""The data dehub ships about the mirror: official images, removed images, known gaps.

Read lazily, once per process, from plain text files in `dehub/data/` (no YAML or JSON
parser to import on the hot path).
"""

from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(__file__), "data")
_official: frozenset[str] | None = None  # each read once per process, when first asked for
_removed: dict[str, str] | None = None
_exceptions: list[MirrorException] | None = None


def _lines(name: str) -> list[str]:
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


def official_images() -> frozenset[str]:
    """Names of the current Docker Official Images (`library/<name>` on Docker Hub)."""
    global _official
    if _official is None:
        _official = frozenset(line.strip() for line in _lines("official-images.txt"))
    return _official


def removed_images() -> dict[str, str]:
    """Images removed from the official program -> the date they were removed."""
    global _removed
    if _removed is None:
        _removed = {parts[0]: parts[2] for parts in (line.split() for line in _lines("official-images-removed.txt"))}
    return _removed


class MirrorException:
    __slots__ = ("image", "tag", "effect", "source")

    def __init__(self, image: str, tag: str, effect: str, source: str) -> None:
        self.image = image
        self.tag = tag
        self.effect = effect  # "missing" or "unverified"
        self.source = source


def mirror_exceptions() -> list[MirrorException]:
    global _exceptions
    if _exceptions is None:
        _exceptions = [MirrorException(*line.split("\t", 3)) for line in _lines("mirror-exceptions.tsv")]
    return _exceptions
