"""DH001 docker-hub-image: an image is pulled from Docker Hub, and a mirror has a copy.

What it finds
  Every place a file pulls an image from Docker Hub (`FROM node:20`, `COPY --from=nginx:1.27`,
  `RUN --mount=type=cache,from=alpine:3.20`, ...) when the mirror target has a copy: a Docker
  Official Image (the list dehub ships, or a newer one from `dehub data refresh`) on ECR
  Public, the default target; any Docker Hub image on a pull-through cache (`mirror.target:
  ecr-pull-through`, `gitlab-dependency-proxy`, `harbor`, `artifactory`) or on `gcr`; or an
  image your `mirror.map` maps. Registry
  aliases count: `docker.io/`, `index.docker.io/`, `registry-1.docker.io/`,
  `registry.hub.docker.com/`. When the reference comes from a variable (`FROM ${BASE}` with
  `ARG BASE=node:20`) the finding is placed on the literal that supplies it, the ARG default.

Why it matters
  Docker Hub limits anonymous pulls per source IP. CI runners share a few public IPs, so
  builds fail with `toomanyrequests` when the fleet is busy. The ECR Public copy of the
  official images (`public.ecr.aws/docker/library/<name>`) serves the same images, with the
  same multi-arch digests, under far more generous anonymous limits (`dehub explain limits`
  states both registries' limits); a pull-through cache of your own serves every image from
  inside your network.

The fix
  Replace the name, keep the tag and digest exactly as written (an implicit `latest` stays
  implicit): `node:20` -> `public.ecr.aws/docker/library/node:20` (with `mirror.target:
  harbor`, `harbor.example.com/dockerhub/library/node:20`; README "Choosing a mirror" lists the
  targets). `dehub check --fix` applies safe fixes. Unsafe fixes (`--unsafe-fixes`) are
  offered where the copy is not established: on ECR Public, images that left the official
  program (old tags are mirrored, new ones are not built) and Windows tags
  (`*windowsservercore*`, `*nanoserver*`, `ltsc*`); on mirror.gcr.io, every image (it caches
  frequently pulled images only; `--verify` proves the copy); through the GitLab Dependency
  Proxy, a pull in a job's script with no `docker login ... "$CI_DEPENDENCY_PROXY_SERVER"`
  before it (the runner signs in for `image:` and `services:` only). Where the
  name is assembled from several pieces, or comes from `--build-arg`, the finding has no fix.
  In a workflow, a matrix value that something besides an image also reads (`if: matrix.os
  == 'ubuntu'`, a job name, a script's `case`) gets an unsafe fix: the fix changes that too.

  With `dehub check --verify` (or `verify: true`) the mirror is asked first (HEAD requests,
  cached): a copy it has makes the fix safe ("verified on HOST"), even one unsafe offline;
  a missing tag or repository leaves the finding with no fix and says what is missing; with
  `--verify=digest`, a digest that differs from Docker Hub's (the mirror lags) makes the fix
  unsafe. A pull-through cache that has not fetched the image yet, or a registry that does not
  answer (rate-limited, auth-required, unreachable), leaves the fix as it is offline.

How to suppress
  `# dehub ignore=DH001 reason` on the line before the instruction; `# dehub global
  ignore=DH001` anywhere in the file; `allow: ["node"]` in `.dehub.yaml` to allow an image
  everywhere; `ignore: [DH001]` to turn the rule off.

Examples
  FAIL  FROM node:20
  FAIL  ARG BASE=python:3.12-slim          (reported here, used by FROM ${BASE})
  PASS  FROM public.ecr.aws/docker/library/node:20
  PASS  FROM ghcr.io/acme/app:1
"""

from __future__ import annotations

from dehub.findings import Edit, Finding, Fix, clip
from dehub.mirrors import GITLAB_DIRECT_PREFIX, GITLAB_PREFIX, is_valid_name
from dehub.policy import MIRROR
from dehub.resolve import Subject, finding, name_edits, timing_note

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.registry.outcome import Outcome

CODE = "DH001"
NAME = "docker-hub-image"
SEVERITY = "error"
FIX_SAFETY = "safe"
DEPENDENCY_PROXY_PREFIXES = (GITLAB_PREFIX, GITLAB_DIRECT_PREFIX)


def check(subject: Subject) -> Finding | None:
    decision = subject.decision
    if decision is None or decision.verdict != MIRROR:
        return None
    suggestion = subject.suggestion
    outcome = decision.verification
    state = outcome.state if outcome is not None else None
    image = clip(subject.image)
    if outcome is not None and state == MISSING:
        message = f"`{image}` is pulled from Docker Hub; {_missing(suggestion or '', outcome)}{subject.via}"
    else:
        message = f"`{image}` is pulled from Docker Hub; use `{clip(suggestion or '')}`{subject.via}"
        if outcome is not None:
            message += f" ({_answer(suggestion or '', outcome)})"
    fix = None
    valid = _valid_name(decision.replacement)
    variable = subject.kind == "dockerfile" and "$" in (decision.replacement or "")
    edits = name_edits(subject, decision.replacement or "") if valid and not subject.use.no_fix else None
    if state == MISSING:
        message += " (no automatic fix)"
    elif subject.use.no_fix:
        message += f" (no automatic fix: {subject.use.no_fix})"
    elif variable:  # `FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node` needs an ARG a person declares
        message += " (no automatic fix: a Dockerfile expands `$` variables only from an ARG declared before it)"
    elif not valid:
        message += " (no automatic fix: the mirror name it maps to is not a valid reference)"
    elif edits is not None:
        safety = decision.safety or "safe"
        shared = _edits_shared(subject, edits)
        login = _needs_proxy_login(subject, decision.replacement or "")
        if state == DIFFERENT:
            pass  # the answer said why (the policy made it unsafe)
        elif decision.safety == "unsafe":
            message += f" (unsafe fix: {decision.reason})"
        elif login:
            safety = "unsafe"
            message += f" (unsafe fix: {login})"
        elif shared:
            safety = "unsafe"
            message += f" (unsafe fix: {shared} is also read by more than this image, which the fix changes too)"
        fix = Fix(edits, safety)
    else:
        message += " (no automatic fix: the name is not written as one literal in this file)"
    result = finding(subject, message, fix)
    result.note = timing_note(subject)
    if outcome is not None:
        result.verification = state
    return result


def _needs_proxy_login(subject: Subject, replacement: str) -> str:
    """Why a script's pull through the GitLab Dependency Proxy fails as fixed, or ''.

    The runner signs in to the Dependency Proxy for `image:` and `services:`; a `docker pull`
    in the job's script must log in itself, and a fix that drops it there breaks the job.
    """
    context = subject.use.context
    if context is None or not replacement.startswith(DEPENDENCY_PROXY_PREFIXES) or context.phase.before_steps:
        return ""
    here = (context.step, subject.use.start)
    for event in context.job.events:
        login = event.kind.value == "login" and "ci_dependency_proxy_server" in event.registry.lower()
        if login and (event.step, event.start) < here:
            return ""
    return (
        "a script's pull from the Dependency Proxy needs `docker login -u \"$CI_DEPENDENCY_PROXY_USER\" -p "
        '"$CI_DEPENDENCY_PROXY_PASSWORD" "$CI_DEPENDENCY_PROXY_SERVER"` before it'
    )


# The registry's answers (dehub.registry.outcome's states, spelt here so that linting never
# imports the registry client).
EXISTS, SAME, DIFFERENT, MISSING, NOT_CACHED = (
    "exists", "exists-same-digest", "exists-different-digest", "missing", "not-cached"
)  # fmt: skip


# What the client's detail says when --verify=digest found the copy but not Docker Hub's digest.
DIGEST_UNCOMPARED = "digest comparison incomplete"


def host_of(reference: str) -> str:
    """The registry a suggested reference names (`public.ecr.aws`)."""
    return reference.split("/", 1)[0]


def _answer(suggestion: str, outcome: Outcome) -> str:
    """What the registry said about the suggestion, for the message (missing has its own)."""
    host = host_of(suggestion)
    state = outcome.state
    if state == EXISTS:
        if DIGEST_UNCOMPARED in outcome.detail:  # --verify=digest, and Docker Hub did not answer
            return f"verified on {host}; its digest was not compared with Docker Hub's"
        return f"verified on {host}"
    if state == SAME:
        return f"verified on {host}: the same digest as on Docker Hub"
    if state == DIFFERENT:
        mirror, hub = _short(outcome.digest), _short(outcome.hub_digest)
        return (
            f"unsafe fix: the digest on {host} ({mirror}) differs from Docker Hub's ({hub}) for this tag: "
            "the mirror lags behind"
        )
    if state == NOT_CACHED:
        return f"not cached on {host} yet: a pull-through cache fetches it from Docker Hub on the first pull"
    detail = f": {outcome.detail}" if outcome.detail else ""
    return f"not verified, {state}{detail}"


def _missing(suggestion: str, outcome: Outcome) -> str:
    """`the tag `20` of X is missing on host` or `the repository X is missing on host`."""
    host = host_of(suggestion)
    name, separator, rest = _split_reference(suggestion)
    detail = outcome.detail.lower()  # the registry's error code or message, when the client kept it
    if "name_unknown" in detail or "repository name not known" in detail:
        return f"its mirror repository `{clip(name)}` is missing on {host}"
    if separator == "@":
        return f"the digest `{clip(rest)}` is missing from its mirror `{clip(name)}` on {host}"
    return f"the tag `{clip(rest or 'latest')}` is missing from its mirror `{clip(name)}` on {host}"


def _split_reference(reference: str) -> tuple[str, str, str]:
    """(name, `:` or `@` or '', tag or digest) of a reference with a registry host."""
    at = reference.find("@")
    if at != -1:  # `name:tag@digest`: the digest is looked up in the repository, whatever the tag
        name = reference[:at]
        colon = name.rfind(":")
        return (name[:colon] if colon > name.rfind("/") else name), "@", reference[at + 1 :]
    colon = reference.rfind(":")
    if colon > reference.rfind("/"):
        return reference[:colon], ":", reference[colon + 1 :]
    return reference, "", ""


def _short(digest: str | None) -> str:
    """`sha256:0123456789ab`: enough to tell two digests apart in a message."""
    return digest[:19] if digest else "unknown"


def _edits_shared(subject: Subject, edits: tuple[Edit, ...]) -> str:
    """The name of a value the edits would change that something besides this image reads, or ''."""
    for name, (start, end) in (subject.use.shared or {}).items():
        if any(start < edit.end and edit.start < end for edit in edits):
            return name
    return ""


def _valid_name(name: str | None) -> bool:
    """A mapped template can yield a name over 255 characters; never write that. A `${VAR}` in
    it (GitLab's `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}`) stands for a registry host."""
    return name is not None and is_valid_name(name)
