"""Applying fixes: text edits at exact spans, re-linted, written atomically or not at all.

The pyupgrade pattern: findings carry `Edit(start, end, text)` on the original text; edits are
applied back to front so earlier offsets stay valid, identical edits (one ARG default feeding
two FROMs) are merged, overlapping different edits are refused (the later one waits for the
next pass). After each pass the new text is parsed and linted again; a result that does not
parse is never returned. Every byte outside the edits is kept: BOM, CRLF, tabs, comments,
quotes, a missing final newline.
"""

from __future__ import annotations

from itertools import pairwise

from .findings import Edit, Finding, Fix
from .lint import Settings, lint_source
from .source import SourceText

MAX_PASSES = 10


class EditConflict(ValueError):
    """Two different edits touch the same text."""


def apply_edits(text: str, edits: list[Edit]) -> str:
    unique = sorted({edit.key(): edit for edit in edits}.values(), key=Edit.key)
    for before, after in pairwise(unique):
        if after.start < before.end or (after.start == before.start and after.end == before.end):
            raise EditConflict(f"edits at {before.start}-{before.end} and {after.start}-{after.end} overlap")
    pieces = []
    cursor = len(text)
    for edit in reversed(unique):
        pieces.append(text[edit.end : cursor])
        pieces.append(edit.text)
        cursor = edit.start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))


def applicable(findings: list[Finding], unsafe: bool) -> list[Fix]:
    """The fixes to apply in one pass: allowed by safety, not conflicting with an earlier one."""
    chosen: list[Fix] = []
    taken: dict[tuple[int, int], str] = {}
    for finding in findings:
        fix = finding.fix
        if fix is None or (fix.safety != "safe" and not unsafe):
            continue
        if all(_fits(edit, taken) for edit in fix.edits):
            for edit in fix.edits:
                taken[(edit.start, edit.end)] = edit.text
            chosen.append(fix)
    return chosen


def _fits(edit: Edit, taken: dict[tuple[int, int], str]) -> bool:
    for (start, end), text in taken.items():
        if (start, end) == (edit.start, edit.end):
            if text != edit.text:
                return False
        elif edit.start < end and start < edit.end:
            return False
    return True


class FixOutcome:
    __slots__ = ("source", "findings", "applied", "refused")

    def __init__(self, source: SourceText, findings: list[Finding], applied: int, refused: str | None) -> None:
        self.source = source  # the fixed text (the original when nothing applied)
        self.findings = findings  # what remains after fixing
        self.applied = applied  # number of fixes applied
        self.refused = refused  # why a fix was not kept, if one was not


BROKEN = ("DH900", "DH006")  # a file that does not parse; an image reference that does not


def _broken(findings: list[Finding]) -> int:
    return sum(1 for finding in findings if finding.code in BROKEN)


def fix_source(source: SourceText, kind: str, settings: Settings, unsafe: bool) -> FixOutcome:
    findings = lint_source(source, kind, settings)
    if any(finding.code == "DH900" for finding in findings):
        return FixOutcome(source, findings, 0, None)  # never rewrite what does not parse
    broken = _broken(findings)
    current = source
    applied = 0
    for _ in range(MAX_PASSES):
        fixes = applicable(findings, unsafe)
        if not fixes:
            break
        new_text = apply_edits(current.text, [edit for fix in fixes for edit in fix.edits])
        if new_text == current.text:
            break
        candidate = current.with_text(new_text)
        new_findings = lint_source(candidate, kind, settings)
        if _broken(new_findings) > broken:
            return FixOutcome(source, lint_source(source, kind, settings), 0, "the fixed text would not parse")
        current, findings = candidate, new_findings
        applied += len(fixes)
    return FixOutcome(current, findings, applied, None)
