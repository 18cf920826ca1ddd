"""`--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues).

GitLab shows these in merge requests when a job lists the file under
`artifacts: reports: codequality:`. It matches issues between the source and target branch by
`fingerprint`, so a fingerprint must not change when lines are added above a finding (no line
number in it) and must be unique within a report (an ordinal tells identical findings apart).
SARIF's partial fingerprints reuse `fingerprints` for the same reasons.
"""

from __future__ import annotations

import hashlib
from io import TextIOBase

from ..findings import Finding
from .jsonenc import write_lines
from .printable import printable

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
# Messages quote file text, so they are shown printable (report.printable) as in the text
# report; paths stay exact (GitLab matches them to the files), JSON escapes what it must.


def fingerprints(findings: list[Finding]) -> list[str]:
    """A stable, report-unique sha256 hex digest per finding, in the findings' order.

    Hashes path, code, and image (or, without one, the message), plus how many otherwise
    identical findings came before it in the file; never the line or column.
    """
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        key = (finding.path, finding.code, finding.image if finding.image else finding.message)
        ordinal = seen.get(key, 0)
        seen[key] = ordinal + 1
        data = "\0".join((*key, str(ordinal))).encode("utf-8", "surrogatepass")
        result.append(hashlib.sha256(data).hexdigest())
    return result


def issue(finding: Finding, fingerprint: str) -> dict[str, object]:
    lines = {"begin": max(finding.line, 1)}
    lines["end"] = max(finding.end_line, lines["begin"])
    return {
        "type": "issue",
        "description": f"{finding.code} {printable(finding.full_message)}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITY.get(finding.severity, "info"),
        "location": {"path": finding.path, "lines": lines},
    }


def write(findings: list[Finding], stream: TextIOBase, summary: object) -> None:
    """One compact issue a line, streamed (an indented `json.dumps` is pure Python)."""
    pairs = zip(findings, fingerprints(findings), strict=True)
    write_lines(stream, "[", (issue(finding, fingerprint) for finding, fingerprint in pairs), "]")
