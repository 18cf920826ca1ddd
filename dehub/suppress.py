"""Suppression pragmas, applied after the rules ran (rules never read comments).

`# dehub ignore=DH001[,DH002] [reason]` on its own line suppresses those codes on the
statement that follows it (as hadolint's `# hadolint ignore=`); `# dehub global
ignore=DH001 [reason]` anywhere suppresses them in the whole file. `dehub:` with a colon
is accepted too. A finding is suppressed when the pragma's statement holds the finding's line
or the line of the site that uses it (an ARG default found through a FROM).
"""

from __future__ import annotations

from .document import PragmaComment
from .findings import Finding
from .source import SourceText


class Suppression:
    __slots__ = ("pragma", "codes", "is_global", "used")

    def __init__(self, pragma: PragmaComment, codes: tuple[str, ...], is_global: bool) -> None:
        self.pragma = pragma
        self.codes = codes
        self.is_global = is_global
        self.used: set[str] = set()


def parse_pragma(text: str) -> tuple[bool, tuple[str, ...]] | None:
    """(is_global, codes) for a comment body such as `dehub ignore=DH001 reason`, else None."""
    body = text.strip()
    if body[:5].lower() != "dehub":
        return None
    rest = body[5:].lstrip()
    if rest.startswith(":"):
        rest = rest[1:].lstrip()
    is_global = rest[:6].lower() == "global"
    if is_global:
        rest = rest[6:].lstrip()
    if rest[:6].lower() != "ignore":
        return None
    rest = rest[6:].lstrip()
    if not rest.startswith("="):
        return None
    listed = rest[1:].lstrip().split(None, 1)
    if not listed:
        return None
    codes = tuple(code.strip().upper() for code in listed[0].split(",") if code.strip())
    return (is_global, codes) if codes else None


def suppressions(pragmas: list[PragmaComment]) -> list[Suppression]:
    out = []
    for pragma in pragmas:
        parsed = parse_pragma(pragma.text)
        if parsed is not None:
            out.append(Suppression(pragma, parsed[1], parsed[0]))
    return out


def apply(findings: list[Finding], found: list[Suppression], source: SourceText) -> list[Finding]:
    """The findings no suppression covers; marks which codes each suppression used."""
    if not found:
        return findings
    kept = []
    for finding in findings:
        if finding.code == "DH900":
            kept.append(finding)
            continue
        lines = {finding.line}
        for anchor in finding.anchors:
            lines.add(source.position(anchor)[0])
        suppressed = False
        for suppression in found:
            if finding.code not in suppression.codes:
                continue
            pragma = suppression.pragma
            if suppression.is_global or any(pragma.target_first <= line <= pragma.target_last for line in lines):
                suppression.used.add(finding.code)
                suppressed = True
        if not suppressed:
            kept.append(finding)
    return kept
