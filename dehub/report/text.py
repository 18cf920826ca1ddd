"""`--format text`: `path:line:col: CODE severity: message`, then a summary a person can act on.

The layout is hadolint's (`CODE severity: message`) after ruff's position (`path:line:col:`),
so the severity is on every line and one pattern reads both text and concise reports. A note
that several findings of a file share (when a workflow pulls the image) is printed once, after
that file's findings, naming the lines it applies to; `--verbose` prints it after each finding.
"""

from __future__ import annotations

from io import TextIOBase

from ..findings import Finding
from .printable import printable

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time, nor the palette without colour
    from collections.abc import Callable

    from ..baseline import Tally
    from ..registry.outcome import Outcome
    from .style import Palette

    Render = Callable[[Finding, Palette | None], str]


class Summary:
    """Run-wide counts the text report ends with."""

    __slots__ = (
        "fixing", "fixed", "dry_run", "unsafe_hidden", "unsafe_paths", "statistics", "quiet", "paths", "enabled",
        "docs_url", "verbose", "colour", "baselines", "verification", "verify_lines",
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
        self.verbose = False  # each finding's note after it, not once per file
        self.colour = False  # ANSI colour (text and concise only; the CLI decides)
        self.baselines: list[Tally] = []  # what each baseline in use did (dehub.baseline)
        # --verify: the registry's answers by suggested reference (None: the run did not verify),
        # and the line that counts them (dehub.verification)
        self.verification: dict[str, Outcome] | None = None
        self.verify_lines: list[str] = []

    def hides_unsafe(self, path: str) -> bool:
        """Whether `--fix` leaves this file's unsafe fixes alone (each file has its configuration)."""
        return self.unsafe_hidden and path not in self.unsafe_paths


def line(finding: Finding, palette: Palette | None = None, mark: str = "") -> str:
    """`path:line:col: CODE severity: message`; `mark` (concise's `[*]`) goes before the message."""
    path, code, severity = printable(finding.path), finding.code, finding.severity
    if palette is not None:
        path, code, severity = palette.path(path), palette.code(code, severity), palette.severity(severity)
    return f"{path}:{finding.line}:{finding.column}: {code} {severity}: {mark}{printable(finding.message)}"


def note_line(note: str, palette: Palette | None = None, lines: list[int] | None = None) -> str:
    """`  note: ...` under one finding, or `  note (lines 5, 9): ...` under a file's findings."""
    where = ""
    if lines:
        where = f" (line {lines[0]})" if len(lines) == 1 else f" (lines {', '.join(map(str, lines))})"
    return f"  {'note' if palette is None else palette.label('note')}{where}: {printable(note)}"


def write(findings: list[Finding], stream: TextIOBase, summary: Summary) -> None:
    if summary.statistics:
        _statistics(findings, stream)
    else:
        write_findings(findings, stream, summary, line)
    if summary.quiet:
        return
    stream.write(summary_line(findings, summary) + "\n")


def write_findings(findings: list[Finding], stream: TextIOBase, summary: Summary, render: Render) -> None:
    """One line a finding (`render(finding, palette)`), each file's distinct notes after it."""
    palette = None
    if summary.colour:
        from .style import Palette

        palette = Palette()
    notes: dict[str, list[int]] = {}  # note -> the lines it applies to, in order of appearance
    path = None
    for finding in findings:
        if finding.path != path:
            _write_notes(notes, stream, palette)
            path = finding.path
        stream.write(render(finding, palette) + "\n")
        note = finding.note
        if not note:
            continue
        if summary.verbose:
            stream.write(note_line(note, palette) + "\n")
            continue
        lines = notes.setdefault(note, [])
        if finding.line not in lines:
            lines.append(finding.line)
    _write_notes(notes, stream, palette)


def _write_notes(notes: dict[str, list[int]], stream: TextIOBase, palette: Palette | None) -> None:
    for note, lines in notes.items():
        stream.write(note_line(note, palette, lines) + "\n")
    notes.clear()


def summary_line(findings: list[Finding], summary: Summary) -> str:
    """The summary: one line, one more counting --verify's answers, and one more for each
    baseline in use that did something."""
    verify_lines = map(printable, summary.verify_lines)  # they may quote a registry's answer
    return "\n".join([_counts_line(findings, summary), *verify_lines, *baseline_lines(summary)])


def baseline_lines(summary: Summary) -> list[str]:
    """What each baseline did: findings not shown, entries no longer found (and how to fix that)."""
    lines = []
    for tally in summary.baselines:
        if tally.written:
            lines.append(f"Wrote the baseline {printable(tally.shown)}: {_plural(tally.baselined, 'finding')}.")
            continue
        if not tally.baselined and not tally.stale:
            continue
        shown = printable(tally.shown)
        text = f"Baseline {shown}: {_plural(tally.baselined, 'finding')} not shown"
        if tally.stale:
            text += f"; {tally.stale} no longer found (rewrite it: dehub check --write-baseline {shown})"
        lines.append(text + ".")
    return lines


def _counts_line(findings: list[Finding], summary: Summary) -> str:
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
    counts: dict[str, tuple[int, str, bool]] = {}  # code -> (findings, name, any safely fixable)
    for finding in findings:
        count, name, fixable = counts.get(finding.code, (0, finding.name, False))
        counts[finding.code] = (count + 1, name, fixable or finding.fixable == "safe")
    width = max((len(str(entry[0])) for entry in counts.values()), default=1)
    for code, (count, name, fixable) in sorted(counts.items(), key=lambda item: (-item[1][0], item[0])):
        stream.write(f"{count:>{width}}  {code}  {'[*]' if fixable else '[ ]'} {name}\n")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
