"""The data dehub ships about the mirror: official images, removed images, known gaps.

Read lazily, once per process, from plain text files in `dehub/data/` (no YAML or JSON
parser to import on the hot path).
"""

from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(__file__), "data")
_cache: dict[str, object] = {}


def _lines(name: str) -> list[str]:
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


def official_images() -> frozenset[str]:
    """Names of the current Docker Official Images (`library/<name>` on Docker Hub)."""
    found = _cache.get("official")
    if found is None:
        found = _cache["official"] = frozenset(line.strip() for line in _lines("official-images.txt"))
    return found  # type: ignore[return-value]


def removed_images() -> dict[str, str]:
    """Images removed from the official program -> the date they were removed."""
    found = _cache.get("removed")
    if found is None:
        found = _cache["removed"] = {
            parts[0]: parts[2] for parts in (line.split() for line in _lines("official-images-removed.txt"))
        }
    return found  # type: ignore[return-value]


class MirrorException:
    __slots__ = ("image", "tag", "effect", "source")

    def __init__(self, image: str, tag: str, effect: str, source: str) -> None:
        self.image = image
        self.tag = tag
        self.effect = effect  # "missing" or "unverified"
        self.source = source


def mirror_exceptions() -> list[MirrorException]:
    found = _cache.get("exceptions")
    if found is None:
        found = _cache["exceptions"] = [
            MirrorException(*line.split("\t", 3)) for line in _lines("mirror-exceptions.tsv")
        ]
    return found  # type: ignore[return-value]
