"""Matrix values that more than an image reads: their fix is unsafe.

Rewriting `os: ubuntu` to `public.ecr.aws/docker/library/ubuntu` moves the job container
built from `${{ matrix.os }}:...`, but a step's `if: matrix.os == 'ubuntu'`, a `case` in a
script or an artifact name that reads the same value would change too. As with a Dockerfile
ARG default that feeds something else, dehub cannot tell whether that is wanted; unlike there,
the other reader is not an image, so the fix is offered as unsafe rather than withdrawn.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..value import Value

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
IMAGE_INPUTS = frozenset(("image", "driver-opts"))  # `with:` inputs read as images
MAX_NODES = 20_000


def mentions(text: str) -> dict[str, int]:
    """How often each matrix key is read in a text: `matrix.os`, `matrix['os']`, any case."""
    lowered = text.lower()
    counts: dict[str, int] = {}
    at = lowered.find("matrix")
    while at != -1:
        before = lowered[at - 1] if at else " "
        after = at + 6
        key = ""
        if not (before.isalnum() or before in "._") and after < len(lowered):
            if lowered[after] == ".":
                end = after + 1
                while end < len(lowered) and lowered[end] in NAME_CHARS:
                    end += 1
                key = lowered[after + 1 : end]
            elif lowered.startswith("['", after):
                end = lowered.find("'", after + 2)
                key = lowered[after + 2 : end] if end != -1 else ""
        if key:
            counts[key] = counts.get(key, 0) + 1
        at = lowered.find("matrix", at + 6)
    return counts


def read_outside_images(job: object) -> set[str]:
    """Matrix keys the job reads anywhere but an image site (`if:`, names, inputs, env, ...).

    `run:` scripts are left to the caller, which knows which of their reads make images.
    """
    keys: set[str] = set()
    pending: list[object] = []
    for key, _, value in ys.mapping_items(job):
        name = key.lower()
        if name == "strategy":
            continue
        if name == "container" and ys.is_mapping(value):
            pending.extend(v for k, _, v in ys.mapping_items(value) if k.lower() != "image")
        elif name == "services" and ys.is_mapping(value):
            for _, _, service in ys.mapping_items(value):
                if ys.is_mapping(service):
                    pending.extend(v for k, _, v in ys.mapping_items(service) if k.lower() != "image")
        elif name == "steps" and ys.is_sequence(value):
            for step in value.value:
                for step_key, _, step_value in ys.mapping_items(step):
                    lowered = step_key.lower()
                    if lowered in ("uses", "run"):
                        continue
                    if lowered == "with" and ys.is_mapping(step_value):
                        pending.extend(v for k, _, v in ys.mapping_items(step_value) if k.lower() not in IMAGE_INPUTS)
                    else:
                        pending.append(step_value)
        elif name != "container":
            pending.append(value)
    seen: set[int] = set()
    while pending and len(seen) < MAX_NODES:
        node = pending.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if ys.is_scalar(node):
            keys.update(mentions(ys.scalar_text(node) or ""))
        elif ys.is_mapping(node):
            pending.extend(value for _, _, value in ys.mapping_items(node))
        elif ys.is_sequence(node):
            pending.extend(node.value)
    return keys


def drawn_keys(value: Value, combination: dict[str, object] | None) -> set[str]:
    """The matrix keys whose literal supplied characters of `value` in this combination."""
    if not combination:
        return set()
    origins = {origin for origin in value.origins if origin >= 0}
    return {
        key
        for key, literal in combination.items()
        if isinstance(literal, Value) and any(origin in origins for origin in literal.origins)
    }


def mark(uses: list[ImageUse], combination: dict[str, object] | None, shared: set[str]) -> None:
    """Note on each use the shared matrix values it is built from, and where they are written:
    a fix is unsafe only when it edits one of them (`mysql:${{ matrix.v }}` edits `mysql`)."""
    if not shared or not combination:
        return
    for use in uses:
        for key in sorted(drawn_keys(use.value, combination) & shared):
            literal = combination[key]
            assert isinstance(literal, Value)  # drawn_keys keeps only keys whose literal is a Value
            known = [origin for origin in literal.origins if origin >= 0]
            use.shared = {**(use.shared or {}), f"`matrix.{key}`": (min(known), max(known) + 1)}
