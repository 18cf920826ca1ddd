"""`--verify`: a run in two phases, with the registry's answers in between.

Phase 1 lints every file as it is (no fix is written) to learn which mirror references DH001
suggests. Those are asked of their registries in one batch (`dehub.registry.verify`: one HEAD
per distinct reference, cached on disk). Phase 2 gives each configuration's policy the answers
and checks again, in the mode the user asked for, the files whose findings the answers can
change: DH001 then decides with them (a verified copy makes the fix safe, a missing one
withdraws it). Files with nothing to ask about keep their phase-1 result.

This module, and the registry client it imports, are loaded only when a run verifies:
`dehub check` without `--verify` (or `verify:` in a configuration) never touches the network.
"""

from __future__ import annotations

import os

from .runner import CHECK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .config import Config
    from .lint import Settings
    from .registry.outcome import Outcome
    from .registry.verify import Request, VerifyOptions
    from .runner import FileResult

    Files = list[tuple[str, str | None, Settings]]
    Check = Callable[[Files, str], list[FileResult]]

EXISTS, DIGEST = "exists", "digest"  # the two ways to verify (`--verify`, `--verify=digest`)
RULE = "DH001"  # the rule whose suggestions are verified
# The answers that say nothing about the copy: the run is incomplete (dehub.registry.outcome).
UNANSWERED = ("rate-limited", "auth-required", "unreachable")
FILLED_IN = "which only the file's tool can fill in"  # why a suggestion with a variable is not asked
NOT_ASKED = "not asked"  # no answer at all (the client left the reference out)
# The order the counts are printed in: answers that allow the fix first, then the rest.
ORDER = ("exists", "exists-same-digest", "exists-different-digest", "missing", "not-cached", *UNANSWERED, NOT_ASKED)


class Verified:
    """What the check found: every answer, the references asked, and how many could not be."""

    __slots__ = ("outcomes", "asked", "unaskable")

    def __init__(self, outcomes: dict[str, Outcome], asked: list[str], unaskable: int = 0) -> None:
        self.outcomes = outcomes  # keyed by the suggested reference
        self.asked = asked  # the distinct references asked, in the order first found
        self.unaskable = unaskable  # distinct suggested references with a variable in them (never asked)

    def counts(self) -> dict[str, int]:
        """References per answer (NOT_ASKED for those with none), in ORDER."""
        counts: dict[str, int] = {}
        for reference in self.asked:
            outcome = self.outcomes.get(reference)
            state = outcome.state if outcome is not None else NOT_ASKED
            counts[state] = counts.get(state, 0) + 1
        rank = {state: number for number, state in enumerate(ORDER)}
        return dict(sorted(counts.items(), key=lambda item: rank.get(item[0], len(ORDER))))

    def summary_line(self) -> str:
        """`Asked about 12 mirror references (--verify): 9 exists, 1 missing, 2 unreachable.`, and
        how many suggestions could not be asked (a variable only the file's tool fills in)."""
        unaskable = self.unaskable
        if not self.asked:
            if not unaskable:
                return "Asked about no mirror reference (--verify): no finding suggests one."
            them = "reference has a variable in it" if unaskable == 1 else "references have a variable in them"
            return f"Asked about no mirror reference (--verify): {unaskable} suggested {them}, {FILLED_IN}."
        states = ", ".join(f"{count} {state}" for state, count in self.counts().items())
        noun = "reference" if len(self.asked) == 1 else "references"
        if unaskable:
            more = "has a variable in it" if unaskable == 1 else "have a variable in them"
            states += f"; {unaskable} more {more}, {FILLED_IN}"
        return f"Asked about {len(self.asked)} mirror {noun} (--verify): {states}."

    def incomplete_line(self) -> str | None:
        """`--verify incomplete: 3 of 12 references could not be checked (...)`, or None."""
        unanswered = {state: count for state, count in self.counts().items() if state in (*UNANSWERED, NOT_ASKED)}
        if not unanswered:
            return None
        total = sum(unanswered.values())
        states = ", ".join(f"{count} {state}" for state, count in unanswered.items())
        return (
            f"--verify incomplete: {total} of {len(self.asked)} references could not be checked ({states}); "
            "their findings stand as without --verify"
        )

    def uncompared_line(self) -> str | None:
        """`--verify=digest incomplete: 2 of 12 references could not be compared ...`, or None:
        the mirror has them (`exists`), but Docker Hub's digest could not be read."""
        from .rules.dh001_docker_hub_image import DIGEST_UNCOMPARED

        uncompared = 0
        for reference in self.asked:
            outcome = self.outcomes.get(reference)
            if outcome is not None and outcome.state == "exists" and DIGEST_UNCOMPARED in outcome.detail:
                uncompared += 1
        if not uncompared:
            return None
        return (
            f"--verify=digest incomplete: {uncompared} of {len(self.asked)} references could not be compared "
            "with Docker Hub's digest; the mirror has them"
        )


def mode_of(config: Config, cli: str | None) -> str:
    """How files under `config` are verified: the command line's choice (`--verify`,
    `--verify=digest`, `--no-verify` as ''), else the configuration's `verify:`."""
    return config.verify if cli is None else cli


def run(
    files: Files,
    mode: str,
    check: Check,
    modes: dict[int, str],
    options: VerifyOptions,
) -> tuple[list[FileResult], Verified]:
    """Check `files` (path, kind, settings) in `mode`, deciding with the registry's answers.

    `modes` gives, by id of a Settings, how its files are verified (EXISTS or DIGEST; absent:
    not at all); `check(files, mode)` checks files (in processes, or standard input's text).
    """
    first = check(files, CHECK)
    requests, unaskable = requests_for(first, files, modes)
    outcomes: dict[str, Outcome] = {}
    if requests:
        from .registry.verify import verify

        options.digest = any(request.hub is not None for request in requests)
        outcomes = verify(requests, options)
    verified = {id(settings): settings for _, _, settings in files if id(settings) in modes}
    for settings in verified.values():
        settings.policy.set_verified(outcomes)
    again = [index for index, result in enumerate(first) if _changes(result, mode, outcomes)]
    results = list(first)
    if again:
        for index, result in zip(again, check([files[index] for index in again], mode), strict=True):
            results[index] = result
    return results, Verified(outcomes, [request.reference for request in requests], len(unaskable))


def _changes(result: FileResult, mode: str, outcomes: dict[str, Outcome]) -> bool:
    """Whether checking the file again in `mode` with the answers can differ from phase 1:
    it has a suggestion that was answered, or (fixing) a fix to apply."""
    for finding in result.findings:
        if finding.code == RULE and finding.suggestion in outcomes:
            return True
        if mode != CHECK and finding.fix is not None:
            return True
    return False


def requests_for(results: Sequence[FileResult], files: Files, modes: dict[int, str]) -> tuple[list[Request], set[str]]:
    """One request per distinct suggested reference of DH001's findings in verified files, and
    the distinct suggested references that cannot be asked.

    A reference with an unknown part cannot be asked: `${TAG}`, and any other variable or
    template syntax the file's tool fills in (`$TAG`, `$(TAG)`, `{{ .Values.tag }}`,
    `<< parameters.tag >>`), which is no valid reference as written. `hub` is the Docker Hub
    reference to compare digests with (DIGEST); `on_demand` is true for a pull-through cache,
    whose "not found" only means "not fetched yet".
    """
    from .registry.verify import Request

    asked: dict[str, tuple[str | None, bool]] = {}  # reference -> (hub, on_demand)
    unaskable: set[str] = set()
    for result, (_, _, settings) in zip(results, files, strict=True):
        verify_mode = modes.get(id(settings))
        if not verify_mode:
            continue
        for finding in result.findings:
            reference = finding.suggestion
            if finding.code != RULE or not reference:
                continue
            if not _askable(reference):  # a variable the file's tool fills in: only it knows the value
                unaskable.add(reference)
                continue
            hub = finding.canonical if verify_mode == DIGEST else None
            known = asked.get(reference)
            if known is not None:
                if hub is not None and known[0] is None:  # one file verifies digests: ask for them
                    asked[reference] = (hub, known[1])
                continue
            asked[reference] = (hub, _on_demand(settings, finding.canonical, finding.kind))
    requests = [Request(reference=ref, hub=hub, on_demand=on_demand) for ref, (hub, on_demand) in asked.items()]
    return requests, unaskable


def _askable(reference: str) -> bool:
    """Whether a suggested reference is one a registry can be asked about: a valid reference as
    written, with no `${VAR}`, `$VAR`, `$(VAR)`, `{{ ... }}` or `<< ... >>` in it."""
    from .reference import ReferenceError, parse

    if "${" in reference:
        return False
    try:
        parse(reference)
    except ReferenceError:
        return False
    return True


def _on_demand(settings: Settings, canonical: str | None, kind: str) -> bool:
    """Whether the mirror the policy chose for this image, in a file of this kind, is a
    pull-through cache (`Decision.cache`; the decision is the one the lint made, memoised)."""
    from .mirrors import ON_DEMAND
    from .reference import ReferenceError, parse

    try:
        decision = settings.policy.decide(parse(canonical or ""), kind)
    except ReferenceError:
        return False
    return decision.cache == ON_DEMAND


def options_for(configs: Sequence[Config], use_cache: bool) -> VerifyOptions:
    """The client's options: the first configuration that sets `verify-options` (in the order
    files were checked; one run asks once, so one set applies), and the environment's
    `DEHUB_HUB_ENDPOINT` (where Docker Hub's API is asked: tests, corporate proxies)."""
    from .registry.verify import VerifyOptions

    options = VerifyOptions()
    options.use_cache = use_cache
    for config in configs:
        if config.verify_options:
            for key, value in config.verify_options.items():
                setattr(options, key, value)
            break
    endpoint = os.environ.get("DEHUB_HUB_ENDPOINT")
    if endpoint:
        options.hub_endpoint = endpoint
    return options
