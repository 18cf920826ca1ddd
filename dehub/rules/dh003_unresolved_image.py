"""DH003 unresolved-image: an image name is built from values the file does not define.

What it finds
  A reference whose name (not just its tag) comes from a variable with no value in the
  file: `ARG REGISTRY` without a default, then `FROM ${REGISTRY}/app:1`; or a value dehub
  does not compute, such as `${VAR#prefix}` or the platform arguments BuildKit sets per build
  (`TARGETARCH`, ...). dehub cannot tell where such an image is pulled from, and says so
  rather than guess. When only the tag is unknown (`FROM python:${TAG}`) the name is known
  and DH001/DH002 apply instead. In workflows and actions: an expression dehub does not
  evaluate (`${{ secrets.IMAGE }}`, `${{ needs.build.outputs.image }}`, a matrix built by
  `fromJSON`) or a shell variable with no value in the file (`docker run $IMAGE`). For
  `${{ vars.IMAGE || 'node:20' }}`, the branch dehub cannot know is this finding and the
  known branch is judged as an image of its own.

  A CI file whose jobs ask for more matrix runs than dehub reads in one file (a budget of
  work, so that a small file cannot make dehub run for minutes: `jobs x combinations`) has
  the combinations past it read once with their matrix values unknown: an image built from
  such a value is this finding, naming the value and saying so.

Why it matters
  A build argument set in CI (`--build-arg REGISTRY=docker.io`) can still pull from Docker
  Hub. The finding points at the place to look.

The fix
  Give the argument a default in the file (`ARG REGISTRY=public.ecr.aws/docker/library`),
  or tell dehub the value CI passes: `dehub check --build-arg REGISTRY=...` or
  `build-args: {REGISTRY: ...}` in `.dehub.yaml`. In a workflow, write the value where dehub
  reads it: a static matrix, an `env:` literal, or an input's `default:`. There is no
  automatic fix.

How to suppress
  It is informational (severity `info`). `# dehub ignore=DH003` before the instruction,
  `ignore: [DH003]` to turn it off.

Examples
  INFO  ARG REGISTRY
        FROM ${REGISTRY}/app:1
  PASS  ARG REGISTRY=public.ecr.aws/docker/library
        FROM ${REGISTRY}/node:20
"""

from __future__ import annotations

from dehub.findings import VALUE_LIMIT, Finding, clip, listing
from dehub.kinds import BY_NAME
from dehub.resolve import Subject, finding
from dehub.runbudget import REASON, RESCAN_REASON
from dehub.value import UNKNOWN, Value

CODE = "DH003"
NAME = "unresolved-image"
SEVERITY = "info"
FIX_SAFETY = "none"


def check(subject: Subject) -> Finding | None:
    if not subject.unresolved:
        return None
    value = subject.use.value
    unresolved = value.unresolved or _unknown_parts(value)
    names = listing(unresolved) or "a value"
    image = clip(subject.image)
    if any(REASON in name for name in unresolved):  # written in the file, but past the budget
        message = (
            f"`{image}` depends on {names}, so dehub cannot tell where it is pulled from in those "
            "combinations; the ones read before are reported as usual"
        )
        return finding(subject, message)
    if any(RESCAN_REASON in name for name in unresolved):  # a template's script, read again past the budget
        message = (
            f"`{subject.image}` depends on {names}, so dehub cannot tell where it is pulled from in the jobs "
            "read past it; the ones read before are reported as usual"
        )
        return finding(subject, message)
    hint = _hint(subject.kind, unresolved)
    message = (
        f"`{image}` depends on {names}, whose value is not in this file, "
        f"so dehub cannot tell where it is pulled from{hint}"
    )
    return finding(subject, message)


def _hint(kind: str, unresolved: tuple[str, ...]) -> str:
    """Where the kind takes values from (`KindSpec.unresolved_hint`), naming the first unknown."""
    spec = BY_NAME.get(kind)
    if spec is None:
        return ""
    if "{name}" in spec.unresolved_hint:
        return "; " + spec.unresolved_hint.format(name=clip(unresolved[0])) if unresolved else ""
    return "; " + spec.unresolved_hint


def _unknown_parts(value: Value) -> tuple[str, ...]:
    """The unknown stretches of a value as written (`${{ steps.meta.outputs.tag }}`, `$IMAGE`)."""
    parts = []
    current = []
    for char, origin in zip(value.text, value.origins, strict=True):
        if origin == UNKNOWN:
            current.append(char)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return tuple(dict.fromkeys(f"`{clip(part, VALUE_LIMIT - 2)}`" for part in parts))
