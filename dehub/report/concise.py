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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .style import Palette


def line(finding: Finding, unsafe_hidden: bool = True, palette: Palette | None = None) -> str:
    fixable = finding.fixable == SAFE or (finding.fixable == UNSAFE and not unsafe_hidden)
    if not fixable:
        return text_line(finding, palette)
    return text_line(finding, palette, ("[*]" if palette is None else palette.fixable("[*]")) + " ")


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    if summary.statistics:
        _statistics(findings, stream)
    else:
        hides = summary.hides_unsafe
        write_findings(findings, stream, summary, lambda finding, palette: line(finding, hides(finding.path), palette))
    if not summary.quiet:
        stream.write(summary_line(findings, summary) + "\n")
