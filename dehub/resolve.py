"""From an image use to what rules judge: the parsed reference, the decision, the spans.

A reference whose only unknown part is its tag or digest (`python:${TAG}`) still has a known
name, so it is judged and fixed on the literal name; one whose name is unknown is unresolved.
The fix span is where the name part was written as one literal (the FROM word, the ARG
default, ...); the finding span starts there, so a person lands where the change is made.
"""

from __future__ import annotations

from .findings import Edit, Finding, Fix, listing
from .imageuse import ImageUse
from .policy import Decision, Policy
from .reference import HUB_ALIASES, Reference, ReferenceError, is_registry_host, parse


class Subject:
    """Everything a rule may look at for one image use."""

    __slots__ = ("use", "kind", "ref", "problem", "decision", "name_span", "start", "end", "registry")

    def __init__(self, use: ImageUse, kind: str = "") -> None:
        self.use = use
        self.kind = kind  # the file's kind (KindSpec name)
        self.ref: Reference | None = None
        self.problem: str | None = None  # why it is not a valid reference
        self.decision: Decision | None = None
        self.name_span: tuple[int, int] | None = None  # source span of the literal name part
        self.start = use.start
        self.end = use.end
        self.registry: str | None = None  # a known registry other than Docker Hub, the rest unknown

    @property
    def unresolved(self) -> bool:
        return self.ref is None and self.problem is None and self.registry is None

    @property
    def image(self) -> str:
        return self.use.value.text

    @property
    def suggestion(self) -> str | None:
        decision, ref = self.decision, self.ref
        if decision is None or ref is None or decision.replacement is None:
            return None
        return decision.replacement + ref.written[ref.name_end :]

    @property
    def via(self) -> str:
        """` (through ${BASE})` when variables supplied the reference, else '' (five names at most)."""
        names = self.use.value.variables
        return " (through " + listing("${" + name + "}" for name in names) + ")" if names else ""


def resolve(use: ImageUse, policy: Policy, kind: str = "") -> Subject:
    subject = Subject(use, kind)
    if use.problem is not None:
        subject.problem = use.problem
        return subject
    if use.registry is not None:  # the kind knows where it comes from, and it is not Docker Hub
        subject.registry = use.registry
        return subject
    value = use.value
    text = value.text
    known = value.first_unknown()
    ref: Reference | None
    try:
        if known == len(text):
            ref = parse(text)
        else:
            ref = _parse_known_name(text, known)
            if ref is None:
                # a registry written out, or the `${VAR}` host of the mirror's template (a fix wrote it)
                subject.registry = _known_registry(text[:known]) or policy.mirror_variable(text)
                return subject  # the name itself depends on unknown values
    except ReferenceError as err:
        subject.problem = str(err)
        return subject
    subject.ref = ref
    subject.decision = policy.decide(ref, kind)
    name_span = value.source_run(0, ref.name_end)
    subject.name_span = name_span
    if name_span is not None:
        start = name_span[0]
        if use.start <= start < use.end:
            end = use.end
            if value.is_known:  # one branch of an expression (`a && 'node:20' || 'b'`) ends where it is written
                end = max(origin for origin in value.origins if start <= origin < use.end) + 1
            subject.start, subject.end = start, end
        else:  # the name comes from elsewhere (an ARG default): span that literal, as far as it runs
            origins = value.origins
            index = origins.index(start)
            while index + 1 < len(origins) and origins[index + 1] == origins[index] + 1:
                index += 1
            subject.start, subject.end = start, origins[index] + 1
    return subject


def name_edits(subject: Subject, replacement: str) -> tuple[Edit, ...] | None:
    """The edits that make the use pull `replacement` (a name, no tag) instead of its name: the
    use's own `rewrite` when it has one, else the literal name replaced; None when they cannot
    be placed exactly. The tag and digest are never edited."""
    rewrite = subject.use.rewrite
    if rewrite is not None:
        placed = rewrite(replacement)
        return None if placed is None else tuple(Edit(start, end, text) for start, end, text in placed)
    span = subject.name_span
    return None if span is None else (Edit(span[0], span[1], replacement),)


def _known_registry(prefix: str) -> str | None:
    """`ghcr.io/${ORG}/app`: the registry is written out and is not Docker Hub, so the pull is
    known not to be a Docker Hub pull even though the rest of the name is unknown."""
    slash = prefix.find("/")
    if slash <= 0:
        return None
    domain = prefix[:slash]
    return domain if is_registry_host(domain) and domain.lower() not in HUB_ALIASES else None


def _parse_known_name(text: str, known: int) -> Reference | None:
    """Parse `name:<unknown>` or `name@<unknown>` when everything before the separator is known."""
    prefix = text[:known]
    separator = prefix.find("@")
    if separator == -1:
        separator = prefix.find(":", prefix.rfind("/") + 1)
    if separator <= 0 or "/" in text[separator:]:
        return None
    ref = parse(prefix[:separator])
    ref.written = text
    ref.name_end = separator
    rest = text[separator + 1 :]
    if text[separator] == "@":
        ref.digest = rest
    else:
        tag, _, digest = rest.partition("@")
        ref.tag = tag
        ref.digest = digest or None
    return ref


def timing_note(subject: Subject) -> str | None:
    """When the pull happens, for kinds that know (a CI job's set-up or one of its steps)."""
    context = subject.use.context
    return context.job.note(context.phase) if context is not None else None


def finding(subject: Subject, message: str, fix: Fix | None = None) -> Finding:
    """A finding at the subject's span with its image fields; the engine fills in the rule."""
    ref = subject.ref
    use = subject.use
    return Finding(
        "",
        "",
        "",
        message,
        subject.start,
        subject.end,
        site=use.site,
        image=subject.image,
        canonical=ref.canonical if ref is not None else None,
        suggestion=subject.suggestion,
        fix=fix,
        anchors=(use.start,) if use.start != subject.start else (),
    )
