"""The one place that decides what to do about an image, whatever file named it.

Given a parsed reference: is it pulled from Docker Hub, is it allowed by configuration, which
mirror name replaces it, and is that replacement safe, unsafe or impossible. Policy knows
nothing of file formats, spans or rule codes; it knows a file's kind only to choose the mirror
target (`mirror.kinds`: the GitLab Dependency Proxy serves GitLab CI files only).
"""

from __future__ import annotations

from . import mirrordata, mirrors
from .mirrors import ECR_PUBLIC_TARGET, ON_DEMAND, PARTIAL, Target
from .patterns import wildcard
from .reference import Reference

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .registry.outcome import Outcome

NOT_HUB = "not-hub"
ALLOWED = "allowed"
MIRROR = "mirror"
NO_MIRROR = "no-mirror"

OFFICIAL_TEMPLATE = ECR_PUBLIC_TARGET.official
OFFICIAL_LIST_DATE = mirrordata.SHIPPED_LIST_DATE  # a newer list may come from `dehub data refresh`
NOT_OFFICIAL = "not a Docker Official Image, so it has no copy under public.ecr.aws/docker/library"
# The per-architecture repositories Docker publishes for every official image (amd64/alpine, ...).
ARCH_NAMESPACES = frozenset(
    (
        "amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386",
        "mips64le", "ppc64le", "riscv64", "s390x", "windows-amd64",
    )
)  # fmt: skip


class Decision:
    __slots__ = ("verdict", "replacement", "safety", "reason", "cache", "verification")

    def __init__(
        self,
        verdict: str,
        replacement: str | None = None,
        safety: str | None = None,
        reason: str = "",
        cache: str = "",
    ) -> None:
        self.verdict = verdict
        self.replacement = replacement  # the new name; tag and digest are kept as written
        self.safety = safety  # "safe" / "unsafe" for a mirror, else None
        self.reason = reason  # why unsafe, or why no mirror
        self.cache = cache  # the replacement's store: "" a full mirror, "on-demand" or "partial" (mirrors.py)
        self.verification: Outcome | None = None  # the registry's answer (`--verify` runs only)

    def __repr__(self) -> str:
        return f"Decision({self.verdict}, {self.replacement!r}, {self.safety}, {self.reason!r}, {self.cache!r})"


def expand_template(template: str, ref: Reference) -> str:
    """The name a mirror template gives for a Docker Hub reference (placeholders: mirrors.py)."""
    return mirrors.expand(template, ref.path)


class Policy:
    """Decisions under one configuration (allow patterns, mirror map, mirror target)."""

    __slots__ = ("allow", "mirror_map", "target", "verified", "variable_hosts", "_memo")

    def __init__(
        self, allow: tuple[str, ...] = (), mirror_map: tuple[tuple[str, str], ...] = (), target: Target | None = None
    ) -> None:
        self.allow = allow
        self.mirror_map = mirror_map
        self.target = target or ECR_PUBLIC_TARGET
        # `--verify`: the registry's answers, keyed by the suggested reference (Subject.suggestion)
        self.verified: dict[str, Outcome] = {}
        # `${VAR}/` / `$VAR/` that begin a template: the host a fix writes for the CI system to fill in
        templates = (self.target.official, self.target.other, *(template for _, template in mirror_map))
        self.variable_hosts = tuple(dict.fromkeys(host for host in map(_variable_host, templates) if host))
        self._memo: dict[tuple[str, str], Decision] = {}

    def target_for(self, kind: str) -> Target:
        """The target for a file of this kind: the configured one where it applies, else ECR Public."""
        target = self.target
        return target if target.applies_to(kind) else ECR_PUBLIC_TARGET

    def mirror_variable(self, text: str) -> str | None:
        """The `${VAR}` host of a template when `text` starts with it (`${MIRROR_HOST}/hub/library/
        node:20`, as a fix wrote it): a pull from the mirror whose host only the CI system knows,
        no Docker Hub pull. None otherwise."""
        for host in self.variable_hosts:
            if text.startswith(host):
                return host[:-1]
        return None

    def set_verified(self, outcomes: dict[str, Outcome]) -> None:
        """Decide from now on with the registry's answers (the memo held decisions without them)."""
        self.verified = outcomes
        self._memo.clear()

    def decide(self, ref: Reference, kind: str = "") -> Decision:
        target = self.target_for(kind)
        key = (target.name, ref.written)  # two targets at most: the configured one and ECR Public
        found = self._memo.get(key)
        if found is None:
            found = self._decide(ref, target)
            if self.verified:
                found = _with_outcome(found, ref, self.verified)
            self._memo[key] = found
        return found

    def _decide(self, ref: Reference, target: Target) -> Decision:
        if not ref.is_docker_hub:
            return Decision(NOT_HUB)
        if any(_matches(pattern, ref) for pattern in self.allow):
            return Decision(ALLOWED, reason="allowed by configuration")
        for pattern, template in self.mirror_map:
            if _matches(pattern, ref):
                return Decision(MIRROR, expand_template(template, ref), "safe", f"mapped by mirror.map `{pattern}`")
        decision = _decide_target(ref, target)
        if decision.verdict == NO_MIRROR and target is not self.target:
            from .kinds import spec  # only when `mirror.kinds` leaves this file to ECR Public

            kinds = ", ".join(spec(kind).title for kind in sorted(self.target.kinds or ()))
            name = self.target.name
            decision.reason += f" (the mirror target `{name}` applies to {kinds or 'no files'} only: `mirror.kinds`)"
        return decision


def _decide_target(ref: Reference, target: Target) -> Decision:
    """The decision of the target for a Docker Hub reference that no setting allows or maps."""
    ecr = target.is_ecr_public  # dehub's data about ECR Public's copy applies to it alone
    unverified = ""
    if ecr:
        for exception in mirrordata.mirror_exceptions():
            if wildcard(exception.image, ref.familiar_name) and wildcard(exception.tag, ref.tag or "latest"):
                if exception.effect == "missing":
                    return Decision(NO_MIRROR, reason=exception.source)
                unverified = unverified or exception.source

    path = ref.path
    namespace, _, rest = path.partition("/")
    official = namespace == "library" and "/" not in rest
    template = target.official if official else target.other
    if template is None:  # a target with copies of the official images only
        if namespace in ARCH_NAMESPACES and "/" not in rest and rest in mirrordata.official_images():
            multi_arch = mirrors.expand(target.official, "library/" + rest)
            return Decision(
                NO_MIRROR,
                reason=(
                    f"`{path}` is the {namespace} build of the official image `{rest}`; the mirror has the "
                    f"multi-arch {multi_arch} (choose the platform with --platform)"
                ),
            )
        if ecr:
            return Decision(NO_MIRROR, reason=NOT_OFFICIAL)
        return Decision(
            NO_MIRROR,
            reason=f"not a Docker Official Image, and the `{target.name}` mirror target maps official images only "
            "(`mirror.template` maps the rest)",
        )
    replacement = mirrors.expand(template, path)
    cache = target.cache
    if cache == PARTIAL:
        return Decision(MIRROR, replacement, "unsafe", target.partial_reason, cache)
    if cache == ON_DEMAND or target.other is not None:  # fetched when asked for, or a copy of every image
        return Decision(MIRROR, replacement, "safe", cache=cache)
    if rest in mirrordata.official_images():
        if unverified:
            return Decision(MIRROR, replacement, "unsafe", unverified, cache)
        return Decision(MIRROR, replacement, "safe", cache=cache)
    removed = mirrordata.removed_phrase(rest)  # "on 2024-07-29", or between two lists' dates
    if removed is not None:
        reason = f"`{rest}` left the Docker Official Images {removed}; " + (
            "old tags are mirrored, but check that yours is" if ecr else "check that the mirror has your tag"
        )
        return Decision(MIRROR, replacement, "unsafe", reason, cache)
    return Decision(
        NO_MIRROR,
        reason=f"`{rest}` is not in {mirrordata.official_list().description}",
    )


def _variable_host(template: str | None) -> str | None:
    """`${VAR}/` when `template` begins with a variable and a `/` follows it, else None."""
    if not template or not template.startswith("$"):
        return None
    end = mirrors.variable_end(template, 0)
    return template[: end + 1] if end > 0 and template.startswith("/", end) else None


def _with_outcome(decision: Decision, ref: Reference, verified: dict[str, Outcome]) -> Decision:
    """The decision with the registry's answer for its suggestion, if it was asked.

    An answer that the copy exists makes the fix safe whatever made it unsafe offline (an image
    that left the official program, a cache that holds popular images only); a digest that
    differs from Docker Hub's makes it unsafe (the mirror lags). Every other answer leaves the
    safety as it was: `missing` withdraws the fix (DH001), the rest say nothing about the copy.
    """
    if decision.verdict != MIRROR or decision.replacement is None:
        return decision
    outcome = verified.get(decision.replacement + ref.written[ref.name_end :])
    if outcome is None:
        return decision
    copy = object.__new__(Decision)
    for name in Decision.__slots__:
        setattr(copy, name, getattr(decision, name))
    copy.verification = outcome
    if outcome.makes_safe:
        copy.safety = "safe"
    elif outcome.state == "exists-different-digest":
        copy.safety = "unsafe"
    return copy


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
