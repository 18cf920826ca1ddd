"""`--format concise`: one line a finding, `path:line:col: CODE [*] message`, as ruff's concise.

`[*]` marks what `--fix` would change in this run: safe fixes, and unsafe ones when
`--unsafe-fixes` is on (as ruff marks them). Statistics and quiet behave as in `text`.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import SAFE, UNSAFE, Finding
from .text import Summary, _statistics, summary_line


def line(finding: Finding, unsafe_hidden: bool = True) -> str:
    fixable = finding.fixable == SAFE or (finding.fixable == UNSAFE and not unsafe_hidden)
    mark = " [*]" if fixable else ""
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code}{mark} {finding.message}"


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    if summary.statistics:
        _statistics(findings, stream)
    else:
        for finding in findings:
            stream.write(line(finding, summary.hides_unsafe(finding.path)) + "\n")
    if not summary.quiet:
        stream.write(summary_line(findings, summary) + "\n")
