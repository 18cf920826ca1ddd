"""The engine: one document in, its findings out, in one pass.

parse -> image uses -> resolve -> policy -> rules -> dedupe -> locate -> suppress -> severity.
Nothing here knows a file format; kind modules supply documents, rule modules the checks.
"""

from __future__ import annotations

from bisect import bisect_right

from dehub import rules as rule_registry

from .config import Config, ConfigError, select_codes
from .document import Document
from .findings import UNSAFE, Finding, Fix, clip, clip_message
from .kinds import parse
from .mirrors import Target
from .policy import MIRROR, Policy
from .resolve import Subject, name_edits, resolve
from .rules import dh900_parse_error as dh900  # the rules the engine calls itself
from .rules import dh901_unused_suppression as dh901
from .rules import dh902_invalid_suppression as dh902
from .source import SourceText


class Settings:
    """What one run needs from configuration and the command line, resolved once."""

    __slots__ = (
        "enabled", "severity", "policy", "build_args", "max_file_size", "unsafe_fixes", "select", "ignore",
        "docs_url", "include_disabled",
    )  # fmt: skip

    def __init__(
        self,
        config: Config | None = None,
        *,
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        build_args: dict[str, str] | None = None,
        unsafe_fixes: bool | None = None,
        show_unused_suppressions: bool = False,
        include_disabled: bool | None = None,
        mirror: str | None = None,
    ) -> None:
        config = config or Config()
        known = rule_registry.CODES
        chosen = select if select is not None else config.select
        if chosen is None:
            enabled = {code for code, rule in rule_registry.RULES.items() if getattr(rule, "ENABLED_BY_DEFAULT", True)}
        else:
            enabled = select_codes(chosen, known)
        if show_unused_suppressions:
            enabled.add(dh901.CODE)
        enabled -= select_codes(config.ignore + tuple(ignore), known)
        self.enabled = frozenset(enabled)
        self.severity = dict(config.severity)
        self.policy = Policy(config.allow, config.mirror_map, mirror_target(config, mirror))
        self.build_args = {**config.build_args, **(build_args or {})}
        self.max_file_size = config.max_file_size
        self.unsafe_fixes = config.unsafe_fixes if unsafe_fixes is None else unsafe_fixes
        self.select = chosen  # as written, for codes dehub does not own (hadolint's DL/SC)
        self.ignore = config.ignore + tuple(ignore)
        self.docs_url = config.docs_url  # where reports and editors link a rule code (None: nowhere)
        self.include_disabled = config.include_disabled if include_disabled is None else include_disabled

    def allows_foreign(self, code: str) -> bool:
        """Whether a hadolint or ShellCheck finding with this code is reported."""
        from .config import foreign_selected

        return foreign_selected(code, self.select, self.ignore)


def mirror_target(config: Config, override: str | None = None) -> Target:
    """The configuration's mirror target, or `override` (`--mirror`) with the configuration's
    parameters; ConfigError naming the key when the target lacks one it needs."""
    from . import mirrors

    name = override or config.mirror_target or mirrors.DEFAULT
    if name == mirrors.ECR_PUBLIC:  # every other file moves to ECR Public anyway: `kinds` changes nothing
        return mirrors.ECR_PUBLIC_TARGET
    try:
        return mirrors.build(name, config.mirror_params, config.mirror_kinds)
    except mirrors.MirrorError as err:
        where = config.path or "no configuration file"
        given = f" (for --mirror {name})" if override else ""
        raise ConfigError(f"{where}: `mirror.{err.key}`: {err.message}{given}") from None


def lint_source(source: SourceText, kind: str, settings: Settings) -> list[Finding]:
    """Parse a file's text as `kind` and lint it."""
    return lint_document(parse(kind, source), settings)


def lint_document(document: Document, settings: Settings) -> list[Finding]:
    enabled = settings.enabled
    source = document.source
    findings = [dh900.check(p.start, p.end, p.message) for p in document.problems] if dh900.CODE in enabled else []
    image_rules = [rule for rule in rule_registry.IMAGE_RULES if rule.CODE in enabled]
    kind = document.kind
    document_rules = [r for r in rule_registry.DOCUMENT_RULES if r.CODE in enabled and kind in r.KINDS]
    if image_rules or document_rules:
        policy = settings.policy
        uses = document.image_uses(settings.build_args)
        if settings.include_disabled:
            uses = uses + document.optional_uses()
        subjects = [resolve(use, policy, kind) for use in uses]
        for subject in subjects:
            for rule in image_rules:
                finding = rule.check(subject)
                if finding is not None:
                    finding.code, finding.name, finding.severity = rule.CODE, rule.NAME, rule.SEVERITY
                    findings.append(finding)
        _guard_shared_edits(findings, subjects)
        _guard_flow_scalars(findings, document)
        for rule in document_rules:
            for finding in rule.check_document(document, subjects, policy):
                finding.code, finding.name, finding.severity = rule.CODE, rule.NAME, rule.SEVERITY
                findings.append(finding)
    for finding in findings:
        finding.kind = kind
    _locate(findings, source)
    if "dehub" in source.text.lower():
        findings = _suppress(findings, document, enabled)
    findings = _dedupe(findings)
    for finding in findings:  # the last word on length, whatever the rules and guards appended
        finding.message = clip_message(finding.message)
        if finding.note is not None:
            finding.note = clip_message(finding.note)
    overrides = settings.severity
    if overrides:
        for finding in findings:
            finding.severity = overrides.get(finding.code, finding.severity)
    findings.sort(key=Finding.sort_key)
    return findings


def _guard_shared_edits(findings: list[Finding], subjects: list[Subject]) -> None:
    """Keep a fix only if it moves every image that its edited text feeds, and nothing else.

    One literal can feed several images (`ARG NAME=node` used by `FROM ${NAME}:20` and by
    `FROM ghcr.io/acme/${NAME}:1`): rewriting it for the first would silently change the
    second. Such a fix is withdrawn (so is one that would move an image to a copy `--verify`
    found missing); one that also moves an image whose copy is unverified becomes unsafe.

    Linear in the findings and the subjects' text: one literal feeding 3,000 images gives
    3,000 findings with the same edit, so the verdict is worked out once per distinct edit
    (over the subjects its span feeds) and once per subject (its own edits), not per pair.
    """
    fixes = [finding.fix for finding in findings if finding.fix]
    if not fixes:
        return
    spans = _fed_spans(fixes, subjects)
    own_keys: dict[int, set[tuple[int, int, str]]] = {}  # subject number -> `_edit_keys`
    verdicts: dict[tuple[int, int, str], tuple[Subject | None, bool]] = {}
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        unsafe = False
        for edit in fix.edits:
            key = edit.key()
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = verdicts[key] = _edit_verdict(key, spans.get((edit.start, edit.end), ()), subjects, own_keys)
            withdrawn_by, makes_unsafe = verdict
            if withdrawn_by is not None:
                finding.fix = None
                finding.message += f" (no automatic fix: the same text also makes `{clip(withdrawn_by.image)}`)"
                break
            unsafe = unsafe or makes_unsafe
        else:
            if unsafe and fix.safety != UNSAFE:
                finding.fix = Fix(fix.edits, UNSAFE)


def _fed_spans(fixes: list[Fix], subjects: list[Subject]) -> dict[tuple[int, int], list[int]]:
    """For each distinct edited span, the subjects (numbers, in order) whose value holds some
    of its text: an offset-to-spans map of the edited text, then one pass over each value."""
    covering: dict[int, list[tuple[int, int]]] = {}
    for span in {(edit.start, edit.end) for fix in fixes for edit in fix.edits}:
        for offset in range(span[0], span[1]):
            covering.setdefault(offset, []).append(span)
    fed: dict[tuple[int, int], list[int]] = {}
    for number, subject in enumerate(subjects):
        seen: set[tuple[int, int]] = set()
        for origin in dict.fromkeys(subject.use.value.origins):
            for span in covering.get(origin, ()):
                if span not in seen:
                    seen.add(span)
                    fed.setdefault(span, []).append(number)
    return fed


def _edit_verdict(
    key: tuple[int, int, str],
    numbers: list[int] | tuple[()],
    subjects: list[Subject],
    own_keys: dict[int, set[tuple[int, int, str]]],
) -> tuple[Subject | None, bool]:
    """(the first fed subject the edit would move wrongly, or None; whether it moves one whose
    copy is unverified)."""
    unsafe = False
    for number in numbers:
        subject = subjects[number]
        decision = subject.decision
        if decision is None or decision.verdict != MIRROR:
            return subject, unsafe
        keys = own_keys.get(number)
        if keys is None:
            keys = own_keys[number] = _edit_keys(subject, decision.replacement)
        if key not in keys or (decision.verification is not None and decision.verification.state == "missing"):
            return subject, unsafe
        unsafe = unsafe or decision.safety == UNSAFE
    return None, unsafe


FLOW_INDICATORS = "{}[],"
FLOW_NO_FIX = (
    " (no automatic fix: YAML cannot hold `{` in an unquoted value inside `[...]` or `{...}`; quote the value)"
)


def _guard_flow_scalars(findings: list[Finding], document: Document) -> None:
    """Withdraw a fix that would write a flow indicator into a plain scalar of a flow collection
    (a mirror template's `${VAR}` host into `services: [redis:7]`): the fixed file would not
    parse, and the fixer would then refuse every other fix in the file too."""
    flow_plain_spans = getattr(document, "flow_plain_spans", None)  # YAML kinds (yamldoc.YamlDocument)
    if flow_plain_spans is None:
        return
    risky = [finding for finding in findings if finding.fix and _writes_flow_indicator(finding.fix)]
    if not risky:
        return
    spans: list[tuple[int, int]] = flow_plain_spans()
    for finding in risky:
        fix = finding.fix
        assert fix is not None
        if any(start <= edit.start < end for edit in fix.edits for start, end in spans):  # not text added after
            finding.fix = None
            finding.message += FLOW_NO_FIX


def _writes_flow_indicator(fix: Fix) -> bool:
    return any(char in edit.text for edit in fix.edits for char in FLOW_INDICATORS)


def _edit_keys(subject: Subject, replacement: str | None) -> set[tuple[int, int, str]]:
    """The edits (as keys) that move this subject to `replacement` (`resolve.name_edits`)."""
    edits = name_edits(subject, replacement) if replacement is not None else None
    return {edit.key() for edit in edits or ()}


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, span, image): an ARG default feeding two FROMs is one problem."""
    seen: set[tuple[str, int, int, str | None]] = set()
    kept = []
    for finding in findings:
        key = (finding.code, finding.start, finding.end, finding.image)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _locate(findings: list[Finding], source: SourceText) -> None:
    starts = source.line_starts

    def position(offset: int) -> tuple[int, int]:  # SourceText.position, without its lookups
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    for finding in findings:
        finding.line, finding.column = position(finding.start)
        finding.end_line, finding.end_column = position(finding.end)
        if finding.fix is not None:
            for edit in finding.fix.edits:
                edit.line, edit.column = position(edit.start)
                edit.end_line, edit.end_column = position(edit.end)


def _is_rule_code(code: str) -> bool:
    """One of dehub's codes, exactly (a pragma names codes, not prefixes). hadolint's and
    ShellCheck's are not: their findings are hidden by hadolint's own comment (DH902 says so)."""
    return code in rule_registry.CODES


def _suppress(findings: list[Finding], document: Document, enabled: frozenset[str]) -> list[Finding]:
    """Drop the findings pragmas suppress; add DH901 (unused) and DH902 (cannot be honoured).
    Those two are about pragmas, so they come after the pragmas were applied: none hides them."""
    from .suppress import apply, read_pragmas  # only for files that mention dehub

    found, invalid = read_pragmas(document.pragmas(), document.source.text, _is_rule_code)
    if not found and not invalid:
        return findings
    kept = apply(findings, found, document.source)
    about_pragmas = []
    if dh901.CODE in enabled:
        for suppression in found:
            unused = [
                code
                for code in suppression.codes
                if code not in suppression.used and (code in enabled or code not in rule_registry.CODES)
            ]
            if unused:
                about_pragmas.append(dh901.check(suppression.pragma, unused, len(unused) == len(suppression.codes)))
    if dh902.CODE in enabled:
        about_pragmas.extend(dh902.check(problem, rule_registry.CODES) for problem in invalid)
    if not about_pragmas:
        return kept
    for finding in about_pragmas:
        finding.kind = document.kind
    _locate(about_pragmas, document.source)
    return [*kept, *about_pragmas]
