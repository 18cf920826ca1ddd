"""`--format github`: GitHub Actions workflow commands, which GitHub shows as annotations.

The default inside GitHub Actions (GITHUB_ACTIONS=true), so a plain `dehub check` in a job
annotates the pull request's diff. One `::error` / `::warning` / `::notice` command a finding,
escaped as the Actions toolkit escapes them, then the usual summary line for the log.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import Finding
from .printable import printable
from .text import Summary, summary_line

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF are the only characters with a meaning there."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def safe_data(text: str) -> str:
    """Text from the checked files as a message: first made printable (no terminal escapes,
    which the Actions log renders as colours; line breaks are kept for `escape_data`, and an
    annotation shows them), then escaped."""
    return escape_data(printable(text, keep_breaks=True))


def escape_property(text: str) -> str:
    """A property value: also `:` (ends the properties) and `,` (separates them)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    properties = [("file", printable(finding.path))]
    if finding.line >= 1:
        properties.append(("line", str(finding.line)))
        if finding.column >= 1:
            properties.append(("col", str(finding.column)))
        if finding.end_line >= finding.line:
            properties.append(("endLine", str(finding.end_line)))
            if finding.end_column >= 1:
                properties.append(("endColumn", str(finding.end_column)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMAND.get(finding.severity, 'warning')} {rendered}::{safe_data(finding.full_message)}"


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    for finding in findings:
        stream.write(command(finding) + "\n")
    if not summary.quiet:
        stream.write(summary_line(findings, summary) + "\n")
