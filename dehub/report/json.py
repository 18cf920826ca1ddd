"""`--format json`: the stable machine contract, `{"version": 1, "findings": [...]}`.

Fields are only ever added (`note` was), never renamed or removed, so version stays 1.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import Finding
from .jsonenc import compact, lines

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


def write(findings: list[Finding], stream: TextIOBase, summary: object) -> None:
    footer = "]}"
    baselines = baseline_dicts(summary)
    if baselines:  # only with a baseline: runs without one print what they always did
        footer = f'], "baselines": {compact(baselines)}}}'
    stream.write(lines(f'{{"version": {VERSION}, "findings": [', [finding_dict(f) for f in findings], footer))


def baseline_dicts(summary: object) -> list[dict[str, object]]:
    """`{"path", "baselined", "stale"}` for each baseline in use: findings not listed, entries not found."""
    return [
        {"path": tally.shown, "baselined": tally.baselined, "stale": tally.stale}
        for tally in getattr(summary, "baselines", ())
    ]
