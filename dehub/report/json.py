"""`--format json`: the stable machine contract, `{"version": 1, "findings": [...]}`.

Fields are only ever added (`note` was), never renamed or removed, so version stays 1.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import Finding
from .jsonenc import compact, write_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..registry.outcome import Outcome

VERSION = 1


def finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "note": finding.note,
        "site": finding.site,
        "kind": finding.kind,
        "image": finding.image,
        "canonical": finding.canonical,
        "suggestion": finding.suggestion,
        "fixable": finding.fixable,
    }


def verification_dict(finding: Finding, outcomes: dict[str, Outcome]) -> dict[str, object] | None:
    """The registry's answer about the finding's suggestion (`--verify`), or None."""
    if finding.verification is None:
        return None
    outcome = outcomes.get(finding.suggestion or "")
    if outcome is None:  # never: DH001 sets the state from this answer
        return {"state": finding.verification, "reference": finding.suggestion, "digest": None,
                "hub_digest": None, "detail": ""}  # fmt: skip
    return {
        "state": outcome.state,
        "reference": outcome.reference,
        "digest": outcome.digest,
        "hub_digest": outcome.hub_digest,
        "detail": outcome.detail,
    }


def write(findings: list[Finding], stream: TextIOBase, summary: object) -> None:
    footer = "]}"
    outcomes = getattr(summary, "verification", None)
    dicts = (_entry(finding, outcomes) for finding in findings)  # written one at a time
    baselines = baseline_dicts(summary)
    if baselines:  # only with a baseline: runs without one print what they always did
        footer = f'], "baselines": {compact(baselines)}}}'
    write_lines(stream, f'{{"version": {VERSION}, "findings": [', dicts, footer)


def _entry(finding: Finding, outcomes: dict[str, Outcome] | None) -> dict[str, object]:
    entry = finding_dict(finding)
    if outcomes is not None:  # only in a --verify run: runs without it print what they always did
        entry["verification"] = verification_dict(finding, outcomes)
    return entry


def baseline_dicts(summary: object) -> list[dict[str, object]]:
    """`{"path", "baselined", "stale"}` for each baseline in use: findings not listed, entries not found."""
    return [
        {"path": tally.shown, "baselined": tally.baselined, "stale": tally.stale}
        for tally in getattr(summary, "baselines", ())
    ]
