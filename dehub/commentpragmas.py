"""Suppression comments in kinds whose parser keeps its comments (JSONC, HCL).

A comment whose body starts with `dehub` is a pragma: `// dehub ignore=DH001`, `# dehub
ignore=DH001`, `/* dehub ignore=DH001 */`. On a line of its own it covers the next line
that holds more than comments; at the end of a line it covers that line. When the covered
line starts a statement (a JSON member, an HCL attribute or block), the pragma covers the
statement to its last line, so a pragma above `"contexts": {` or `target "app" {` covers
everything inside.
"""

from __future__ import annotations

from .document import PragmaComment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .source import SourceText

COMMENT_STARTS = ("//", "#", "/*")


class Comment:
    """A comment a parser kept (JSONC's `//` and `/* */`, HCL's `#` too): its span, and where
    its body (after the marker) starts and ends."""

    __slots__ = ("start", "end", "body_start", "body_end")

    def __init__(self, start: int, end: int, body_start: int, body_end: int) -> None:
        self.start = start
        self.end = end
        self.body_start = body_start
        self.body_end = body_end


def pragmas(source: SourceText, comments: list[Comment], extents: dict[int, int]) -> list[PragmaComment]:
    """`comments`: the file's comments, in order; `extents`: the first line of each statement ->
    its last line."""
    text = source.text
    out = []
    comment_lines = _comment_lines(source, comments)
    for comment in comments:
        start, end, body_start, body_end = comment.start, comment.end, comment.body_start, comment.body_end
        if text[body_start:body_end].lstrip(" \t")[:5].lower() != "dehub":
            continue
        line, _ = source.position(start)
        end_line, _ = source.position(max(start, end - 1))
        line_start, line_end = source.line_span(line)
        before = text[line_start:start]
        after = text[end : source.line_span(end_line)[1]]
        own_line = not before.strip()
        if own_line and after.strip():
            own_line = False  # `/* dehub ... */ "image": ...`: the comment is on that statement's line
        target_line = line
        if own_line:  # the next line with more than comments (a `/* ... */` over lines included)
            target_line = source.next_content_line(end_line, COMMENT_STARTS)
            while target_line and target_line in comment_lines:
                target_line = source.next_content_line(target_line, COMMENT_STARTS)
        target = (target_line, extents.get(target_line, target_line)) if target_line else (0, 0)
        pragma = PragmaComment(line, start, body_end, text[body_start:body_end], (line_start, line_end), target)
        pragma.body_start = body_start
        pragma.removable = own_line and end_line == line
        out.append(pragma)
    return out


def add_extent(extents: dict[int, int], source: SourceText, start: int, end: int) -> None:
    """Record that the statement spanning [start, end) runs from its first line to its last."""
    first = source.position(start)[0]
    last = source.position(max(start, end - 1))[0]
    if last > extents.get(first, first):
        extents[first] = last


def _comment_lines(source: SourceText, comments: list[Comment]) -> set[int]:
    """The lines that hold nothing but (part of) one comment: the inner and last lines of a
    `/* ... */` over several lines, which hold no statement."""
    text = source.text
    lines: set[int] = set()
    for comment in comments:
        first, _ = source.position(comment.start)
        last, _ = source.position(max(comment.start, comment.end - 1))
        for number in range(first + 1, last + 1):
            _, line_end = source.line_span(number)
            if number < last or not text[comment.end : line_end].strip():
                lines.add(number)
    return lines
