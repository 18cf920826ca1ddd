"""Applying fixes: text edits at exact spans, re-linted, written atomically or not at all.

The pyupgrade pattern: findings carry `Edit(start, end, text)` on the original text; edits are
applied back to front so earlier offsets stay valid, identical edits (one ARG default feeding
two FROMs) are merged, overlapping different edits are refused (the later one waits for the
next pass). After each pass the new text is parsed and linted again; a result that does not
parse is never returned. Every byte outside the edits is kept: BOM, CRLF, tabs, comments,
quotes, a missing final newline.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
    fixes = [
        finding.fix for finding in findings if finding.fix is not None and (finding.fix.safety == "safe" or unsafe)
    ]
    taken = _Taken([edit.start for fix in fixes for edit in fix.edits])
    chosen: list[Fix] = []
    for fix in fixes:
        if all(taken.fits(edit) for edit in fix.edits):
            for edit in fix.edits:
                taken.add(edit)
            chosen.append(fix)
    return chosen


class _Taken:
    """The edits chosen so far in a pass, to ask whether another one conflicts with them: one
    on the same span with other text, or one overlapping it (`edit.start < end and start <
    edit.end`). Each question is a few lookups and two Fenwick trees over the pass's edit starts
    (the greatest end, and the number, of the chosen edits up to a start), not a comparison with
    every chosen edit: 8,000 fixes in a file took 30 million comparisons."""

    __slots__ = ("starts", "max_end", "count", "texts", "ends")

    def __init__(self, starts: list[int]) -> None:
        self.starts = sorted(set(starts))  # every start an edit of this pass has, ranked
        size = len(self.starts) + 1
        self.max_end = [-1] * size  # Fenwick tree: the greatest end of a chosen edit starting up to here
        self.count = [0] * size  # Fenwick tree: how many chosen edits start up to here
        self.texts: dict[tuple[int, int], str] = {}
        self.ends: dict[int, set[int]] = {}  # start -> the ends of the chosen edits starting there

    def fits(self, edit: Edit) -> bool:
        start, end = edit.start, edit.end
        text = self.texts.get((start, end))
        if text is not None and text != edit.text:
            return False
        if end > start and any(other > start and other != end for other in self.ends.get(start, ())):
            return False  # another edit starting here: both hold text, their spans differ
        starts = self.starts
        before = bisect_left(starts, start)  # the ranks of the starts < start
        if self._greatest_end(before) > start:
            return False  # one starting earlier reaches into it
        inside_from = bisect_right(starts, start)
        inside_to = bisect_left(starts, end)
        return inside_to <= inside_from or self._number(inside_to) == self._number(inside_from)

    def add(self, edit: Edit) -> None:
        start, end = edit.start, edit.end
        self.texts[(start, end)] = edit.text
        self.ends.setdefault(start, set()).add(end)
        rank = bisect_left(self.starts, start) + 1
        max_end, count = self.max_end, self.count
        while rank < len(max_end):
            if end > max_end[rank]:
                max_end[rank] = end
            count[rank] += 1
            rank += rank & -rank

    def _greatest_end(self, ranks: int) -> int:
        """The greatest end of a chosen edit among the `ranks` lowest starts (-1: none)."""
        found = -1
        max_end = self.max_end
        while ranks > 0:
            found = max(found, max_end[ranks])
            ranks -= ranks & -ranks
        return found

    def _number(self, ranks: int) -> int:
        """How many chosen edits start at one of the `ranks` lowest starts."""
        found = 0
        count = self.count
        while ranks > 0:
            found += count[ranks]
            ranks -= ranks & -ranks
        return found


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
