"""The one place that decides what to do about an image, whatever file named it.

Given a parsed reference: is it pulled from Docker Hub, is it allowed by configuration, which
mirror name replaces it, and is that replacement safe, unsafe or impossible. Policy knows
nothing of file formats, spans or rule codes.
"""

from __future__ import annotations

from . import mirrordata
from .patterns import wildcard
from .reference import Reference

NOT_HUB = "not-hub"
ALLOWED = "allowed"
MIRROR = "mirror"
NO_MIRROR = "no-mirror"

OFFICIAL_TEMPLATE = "public.ecr.aws/docker/library/{name}"
OFFICIAL_LIST_DATE = "2026-08-21"
NOT_OFFICIAL = "not a Docker Official Image, so it has no copy under public.ecr.aws/docker/library"
# The per-architecture repositories Docker publishes for every official image (amd64/alpine, ...).
ARCH_NAMESPACES = frozenset(
    (
        "amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386",
        "mips64le", "ppc64le", "riscv64", "s390x", "windows-amd64",
    )
)  # fmt: skip


class Decision:
    __slots__ = ("verdict", "replacement", "safety", "reason")

    def __init__(
        self, verdict: str, replacement: str | None = None, safety: str | None = None, reason: str = ""
    ) -> None:
        self.verdict = verdict
        self.replacement = replacement  # the new name; tag and digest are kept as written
        self.safety = safety  # "safe" / "unsafe" for a mirror, else None
        self.reason = reason  # why unsafe, or why no mirror

    def __repr__(self) -> str:
        return f"Decision({self.verdict}, {self.replacement!r}, {self.safety}, {self.reason!r})"


def expand_template(template: str, ref: Reference) -> str:
    return template.replace("{name}", ref.familiar_name).replace("{path}", ref.path)


class Policy:
    """Decisions under one configuration (allow patterns, mirror map)."""

    __slots__ = ("allow", "mirror_map", "_memo")

    def __init__(self, allow: tuple[str, ...] = (), mirror_map: tuple[tuple[str, str], ...] = ()) -> None:
        self.allow = allow
        self.mirror_map = mirror_map
        self._memo: dict[str, Decision] = {}

    def decide(self, ref: Reference) -> Decision:
        key = ref.written
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._decide(ref)
        return found

    def _decide(self, ref: Reference) -> Decision:
        if not ref.is_docker_hub:
            return Decision(NOT_HUB)
        if any(_matches(pattern, ref) for pattern in self.allow):
            return Decision(ALLOWED, reason="allowed by configuration")
        for pattern, template in self.mirror_map:
            if _matches(pattern, ref):
                return Decision(MIRROR, expand_template(template, ref), "safe", f"mapped by mirror.map `{pattern}`")

        unverified = ""
        for exception in mirrordata.mirror_exceptions():
            if wildcard(exception.image, ref.familiar_name) and wildcard(exception.tag, ref.tag or "latest"):
                if exception.effect == "missing":
                    return Decision(NO_MIRROR, reason=exception.source)
                unverified = unverified or exception.source

        path = ref.path
        namespace, _, rest = path.partition("/")
        if namespace in ARCH_NAMESPACES and "/" not in rest and rest in mirrordata.official_images():
            return Decision(
                NO_MIRROR,
                reason=(
                    f"`{path}` is the {namespace} build of the official image `{rest}`; the mirror has the "
                    f"multi-arch public.ecr.aws/docker/library/{rest} (choose the platform with --platform)"
                ),
            )
        if not path.startswith("library/") or "/" in path[8:]:
            return Decision(NO_MIRROR, reason=NOT_OFFICIAL)
        name = path[8:]
        replacement = expand_template(OFFICIAL_TEMPLATE, ref)
        if name in mirrordata.official_images():
            if unverified:
                return Decision(MIRROR, replacement, "unsafe", unverified)
            return Decision(MIRROR, replacement, "safe")
        removed = mirrordata.removed_images().get(name)
        if removed is not None:
            reason = (
                f"`{name}` left the Docker Official Images on {removed}; old tags are mirrored, "
                "but check that yours is"
            )
            return Decision(MIRROR, replacement, "unsafe", reason)
        return Decision(
            NO_MIRROR,
            reason=f"`{name}` is not in the Docker Official Images list dehub ships (as of {OFFICIAL_LIST_DATE})",
        )


def _matches(pattern: str, ref: Reference) -> bool:
    """Match a configured pattern against the reference's normalised names.

    `node`, `library/node` and `docker.io/library/node` all name the same image; a pattern
    with `:` or `@` is matched against the name with its tag or digest.
    """
    names = (ref.familiar_name, ref.path, "docker.io/" + ref.path)
    if "@" in pattern:
        suffix = "@" + (ref.digest or "")
    elif ":" in pattern.rsplit("/", 1)[-1]:
        suffix = ":" + (ref.tag or "latest")
    else:
        suffix = ""
    return any(wildcard(pattern, name + suffix) for name in names)
