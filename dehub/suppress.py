"""Suppression pragmas, applied after the rules ran (rules never read comments).

`# dehub ignore=DH001[,DH002] [reason]` on its own line suppresses those codes on the
statement that follows it (as hadolint's `# hadolint ignore=`); `# dehub global
ignore=DH001 [reason]` anywhere suppresses them in the whole file. `dehub:` with a colon
is accepted too, and so is a space after a comma (`ignore=DH001, DH002`). A finding is
suppressed when the pragma's statement holds the finding's line or the line of the site that
uses it (an ARG default found through a FROM).

A comment that addresses dehub but does not parse, or names a code no linter has, suppresses
nothing, and is reported (DH902) so that nobody believes it works. A comment addresses dehub
when its text starts with the word `dehub` (optionally `dehub:`, `dehub-`, `dehub_`) followed
by a directive-like word (`ignore`, `disable`, `enable`, `noqa`, `skip`, `suppress`,
`nolint`, `exclude`, or `global`), by any word with `=` (`dehub ignore_codes=...`), or by a
rule code (`dehub DH001`). Prose such as `# dehub is run by CI`, `# dehub: see the docs` or
`# see dehub docs` does not.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .document import PragmaComment
from .findings import Finding
from .source import SourceText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

DIRECTIVE_WORDS = frozenset(("ignore", "disable", "enable", "noqa", "skip", "suppress", "nolint", "exclude"))
SPACE = " \t"


class Suppression:
    __slots__ = ("pragma", "codes", "is_global", "used")

    def __init__(self, pragma: PragmaComment, codes: tuple[str, ...], is_global: bool) -> None:
        self.pragma = pragma
        self.codes = codes
        self.is_global = is_global
        self.used: set[str] = set()


class Directive:
    """What a comment says to dehub: a suppression (`problem` empty), or why it is none.

    Offsets are those of the text given to `read_directive`, plus its `offset`.
    """

    __slots__ = ("is_global", "codes", "problem", "end")

    def __init__(self, is_global: bool, codes: list[tuple[str, int, int]], problem: str, end: int) -> None:
        self.is_global = is_global
        self.codes = codes  # (CODE in upper case, start, end) as written
        self.problem = problem  # why the comment is no suppression; "" when it is one
        self.end = end  # where the comment's text ends (trailing blanks excluded)


class InvalidPragma:
    """A pragma dehub cannot honour (wholly or in part), for DH902: where and why."""

    __slots__ = ("pragma", "start", "end", "problem", "unknown", "known")

    def __init__(
        self, pragma: PragmaComment, start: int, end: int, problem: str = "",
        unknown: tuple[str, ...] = (), known: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        self.pragma = pragma
        self.start = start
        self.end = end
        self.problem = problem  # the comment does not parse: why
        self.unknown = unknown  # or: the codes in it that no linter has, as written
        self.known = known  # and the codes in it that still apply


def parse_pragma(text: str) -> tuple[bool, tuple[str, ...]] | None:
    """(is_global, codes) for a comment body such as `dehub ignore=DH001 reason`, else None."""
    directive = read_directive(text)
    if directive is None or directive.problem:
        return None
    return directive.is_global, tuple(code for code, _, _ in directive.codes)


def read_directive(text: str, offset: int = 0) -> Directive | None:
    """What the comment body `text` (after its `#`) says to dehub; None when it says nothing
    to dehub (not a pragma, nor an attempt at one)."""
    end = len(text.rstrip())
    at = _skip(text, 0)
    if text[at : at + 5].lower() != "dehub":
        return None
    after_name = at + 5
    at = _skip(text, after_name)
    if text.startswith(":", at):
        at = _skip(text, at + 1)
    is_global = text[at : at + 6].lower() == "global"
    if is_global:
        at = _skip(text, at + 6)
    if text[at : at + 6].lower() == "ignore":
        rest = _skip(text, at + 6)
        if text.startswith("=", rest):
            codes = _codes(text, _skip(text, rest + 1), offset)
            if codes:
                return Directive(is_global, codes, "", offset + end)
            return Directive(is_global, [], "no rule codes after `ignore=`", offset + end)
    problem = _why_not(text, after_name)
    return None if problem is None else Directive(is_global, [], problem, offset + end)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in SPACE:
        at += 1
    return at


def _codes(text: str, at: int, offset: int) -> list[tuple[str, int, int]]:
    """The codes of `ignore=`: the first word split at commas; after a trailing comma, the next
    word too if it looks like a code (`DH001, DH002`), else the reason begins."""
    codes = []
    while at < len(text) and text[at] not in SPACE:
        end = at
        while end < len(text) and text[end] not in SPACE:
            end += 1
        start = at
        for part in text[at:end].split(","):
            if part:
                codes.append((part.upper(), offset + start, offset + start + len(part)))
            start += len(part) + 1
        if not text[at:end].endswith(","):
            break
        following = _skip(text, end)
        if not _looks_like_code(text, following):
            break
        at = following
    return codes


def _looks_like_code(text: str, at: int) -> bool:
    """Letters then a digit (`DH001`, `DL3006`, `dh01`): a rule code, right or wrong."""
    letters = at
    while letters < len(text) and text[letters].isascii() and text[letters].isalpha():
        letters += 1
    return at < letters < len(text) and text[letters].isascii() and text[letters].isdigit()


def _word(text: str, at: int) -> str:
    """The directive-like word at `at`: letters, joined by `-` or `_` (`ignore-file`)."""
    end = at
    while end < len(text) and (text[end].isalpha() or (text[end] in "-_" and end > at)):
        end += 1
    return text[at:end].rstrip("-_")


def _why_not(text: str, at: int) -> str | None:
    """Why a comment that starts with `dehub` and is no valid pragma is not one, if it
    addresses dehub at all (None: prose about dehub, to leave alone)."""
    if at < len(text) and text[at].isalnum():
        return None  # `dehubx`, `dehub2`: another word
    if text.startswith(("-", "_"), at):
        at += 1  # `dehub-ignore`, `dehub_disable`
    at = _skip(text, at)
    if text.startswith(":", at):
        at = _skip(text, at + 1)
    if text.startswith("=", at):
        return "no directive before `=`"
    word = _word(text, at)
    if word.lower() == "global":
        after = _skip(text, at + len(word))
        following = _word(text, after)
        if after == len(text.rstrip()):
            return "`global` must be followed by `ignore=` and rule codes"
        if _directive_like(following):
            return _about_directive(following)
        if text.startswith("=", after) or _looks_like_code(text, after):
            return "`global` must be followed by `ignore=` and rule codes"
        return None
    if _directive_like(word):
        return _about_directive(word)
    if word and text.startswith("=", _skip(text, at + len(word))):
        return f"`{word}` is not a dehub directive"
    if _looks_like_code(text, at):
        return "no `ignore=` before the rule codes"
    return None


def _directive_like(word: str) -> bool:
    """`ignore`, `disable`, ... alone or as the first part of a word (`ignore-file`)."""
    return word.lower().replace("_", "-").split("-")[0] in DIRECTIVE_WORDS


def _about_directive(word: str) -> str:
    if word.lower() == "ignore":
        return "`ignore` needs `=` and rule codes"
    return f"`{word}` is not a dehub directive"


def read_pragmas(
    pragmas: list[PragmaComment], text: str, is_rule_code: Callable[[str], bool]
) -> tuple[list[Suppression], list[InvalidPragma]]:
    """The suppressions in a document's pragma comments, and the comments that address dehub
    but cannot be honoured (wholly: they do not parse; or in part: codes `is_rule_code` does
    not know)."""
    found: list[Suppression] = []
    invalid: list[InvalidPragma] = []
    for pragma in pragmas:
        body_start = pragma.body_start  # after the '#' (or '//', '/*')
        directive = read_directive(text[body_start : pragma.end], body_start)
        if directive is None:
            continue
        if directive.problem:
            invalid.append(InvalidPragma(pragma, pragma.start, directive.end, problem=directive.problem))
            continue
        codes = directive.codes
        found.append(Suppression(pragma, tuple(code for code, _, _ in codes), directive.is_global))
        unknown = [(code, start, end) for code, start, end in codes if not is_rule_code(code)]
        if unknown:
            written = tuple(text[start:end] for _, start, end in unknown)
            known = tuple(code for code, _, _ in codes if is_rule_code(code))
            invalid.append(InvalidPragma(pragma, unknown[0][1], unknown[-1][2], unknown=written, known=known))
    return found, invalid


def suppressions(pragmas: list[PragmaComment]) -> list[Suppression]:
    """The suppressions among pragma comments (the codes, without their places in the file)."""
    out = []
    for pragma in pragmas:
        parsed = parse_pragma(pragma.text)
        if parsed is not None:
            out.append(Suppression(pragma, parsed[1], parsed[0]))
    return out


def apply(findings: list[Finding], found: list[Suppression], source: SourceText) -> list[Finding]:
    """The findings no suppression covers; marks which codes each suppression used.

    A finding is suppressed when a suppression of its code is global or its target lines hold
    one of the finding's lines (its own, or an anchor's); a suppression uses a code when it
    covers some finding of that code. Both are answered per code from sorted lists (merged
    target ranges; finding lines) by bisection, so 8,000 pragmas over 8,000 findings is not
    64 million comparisons.
    """
    if not found:
        return findings
    global_codes: set[str] = set()
    ranges: dict[str, list[tuple[int, int]]] = {}
    for suppression in found:
        pragma = suppression.pragma
        for code in suppression.codes:
            if suppression.is_global:
                global_codes.add(code)
            elif pragma.target_first <= pragma.target_last:
                ranges.setdefault(code, []).append((pragma.target_first, pragma.target_last))
    covered = {code: _merged(spans) for code, spans in ranges.items()}
    kept = []
    lines_of: dict[str, list[int]] = {}  # code -> the lines of its findings (sorted below)
    for finding in findings:
        code = finding.code
        if code == "DH900":
            kept.append(finding)
            continue
        lines = {finding.line}
        for anchor in finding.anchors:
            lines.add(source.position(anchor)[0])
        lines_of.setdefault(code, []).extend(lines)
        merged = covered.get(code)
        if code in global_codes or (merged is not None and any(_within(merged, line) for line in lines)):
            continue
        kept.append(finding)
    for numbers in lines_of.values():
        numbers.sort()
    for suppression in found:
        pragma = suppression.pragma
        for code in suppression.codes:
            numbers = lines_of.get(code, [])
            if not numbers:
                continue
            if suppression.is_global:
                suppression.used.add(code)
                continue
            at = bisect_left(numbers, pragma.target_first)
            if at < len(numbers) and numbers[at] <= pragma.target_last:
                suppression.used.add(code)
    return kept


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Line ranges (first, last) as disjoint ranges: their sorted firsts and their lasts."""
    firsts: list[int] = []
    lasts: list[int] = []
    for first, last in sorted(spans):
        if lasts and first <= lasts[-1] + 1:
            lasts[-1] = max(lasts[-1], last)
        else:
            firsts.append(first)
            lasts.append(last)
    return firsts, lasts


def _within(merged: tuple[list[int], list[int]], line: int) -> bool:
    firsts, lasts = merged
    at = bisect_right(firsts, line) - 1
    return at >= 0 and line <= lasts[at]
