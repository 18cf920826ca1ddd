"""`--format concise`: one line a finding, `path:line:col: CODE severity: [*] message`.

ruff's concise format with the severity of the text format. `[*]` marks what `--fix` would
change in this run: safe fixes, and unsafe ones when `--unsafe-fixes` is on (as ruff marks
them); it stands after the severity so that one pattern reads the head of text and concise
lines alike. Notes, statistics and quiet behave as in `text`.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import SAFE, UNSAFE, Finding
from .text import Summary, _statistics, summary_line, write_findings
from .text import line as text_line


def line(finding: Finding, unsafe_hidden: bool = True) -> str:
    fixable = finding.fixable == SAFE or (finding.fixable == UNSAFE and not unsafe_hidden)
    return text_line(finding, "[*] " if fixable else "")


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    if summary.statistics:
        _statistics(findings, stream)
    else:
        write_findings(findings, stream, summary, lambda finding: line(finding, summary.hides_unsafe(finding.path)))
    if not summary.quiet:
        stream.write(summary_line(findings, summary) + "\n")
