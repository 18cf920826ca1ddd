"""`--format text`: `path:line:col: CODE message`, then a summary a person can act on."""

from __future__ import annotations

from io import TextIOBase

from ..findings import Finding


class Summary:
    """Run-wide counts the text report ends with."""

    __slots__ = (
        "fixing", "fixed", "dry_run", "unsafe_hidden", "unsafe_paths", "statistics", "quiet", "paths", "enabled",
        "docs_url",
    )  # fmt: skip

    def __init__(self, fixing: bool = False, fixed: int = 0, unsafe_hidden: bool = True, dry_run: bool = False) -> None:
        self.fixing = fixing  # --fix or --diff was given
        self.fixed = fixed  # fixes applied (or, with --diff, that would be)
        self.dry_run = dry_run  # --diff: nothing was written
        self.unsafe_hidden = unsafe_hidden  # unsafe fixes are not enabled (but for `unsafe_paths`)
        self.unsafe_paths: frozenset[str] = frozenset()  # files whose configuration enables unsafe fixes
        self.statistics = False
        self.quiet = False
        self.paths: list[str] = []  # every file checked, clean ones too (JUnit lists them as passed)
        self.enabled: frozenset[str] = frozenset()  # dehub's rule codes that ran (SARIF lists them)
        self.docs_url: str | None = None  # `docs-url` as a template with {code}: links to rule pages

    def hides_unsafe(self, path: str) -> bool:
        """Whether `--fix` leaves this file's unsafe fixes alone (each file has its configuration)."""
        return self.unsafe_hidden and path not in self.unsafe_paths


def line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    if summary.statistics:
        _statistics(findings, stream)
    else:
        for finding in findings:
            stream.write(line(finding) + "\n")
    if summary.quiet:
        return
    stream.write(summary_line(findings, summary) + "\n")


def summary_line(findings: list[Finding], summary: Summary) -> str:
    count = len(findings)
    if summary.fixing and summary.fixed and summary.dry_run:
        return f"Would fix {_plural(summary.fixed, 'problem')} ({count} would remain)."
    if summary.fixing and summary.fixed:
        return f"Found {_plural(count + summary.fixed, 'problem')} ({summary.fixed} fixed, {count} remaining)."
    if not count:
        return "All checks passed!"
    safe = sum(1 for finding in findings if finding.fixable == "safe")
    unsafe = [finding for finding in findings if finding.fixable == "unsafe"]
    hidden = sum(1 for finding in unsafe if summary.hides_unsafe(finding.path))
    text = f"Found {_plural(count, 'problem')}."
    hints = []
    if safe:
        hints.append(f"{safe} fixable with --fix")
    if len(unsafe) > hidden:
        hints.append(f"{len(unsafe) - hidden} with --fix")
    if hidden:
        hints.append(f"{hidden} more with --fix --unsafe-fixes")
    if hints:
        text += " [*] " + "; ".join(hints) + "."
    return text


def _statistics(findings: list[Finding], stream: TextIOBase) -> None:
    counts: dict[str, list] = {}
    for finding in findings:
        entry = counts.setdefault(finding.code, [0, finding.name, False])
        entry[0] += 1
        entry[2] = entry[2] or finding.fixable == "safe"
    width = max((len(str(entry[0])) for entry in counts.values()), default=1)
    for code, (count, name, fixable) in sorted(counts.items(), key=lambda item: (-item[1][0], item[0])):
        stream.write(f"{count:>{width}}  {code}  {'[*]' if fixable else '[ ]'} {name}\n")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
