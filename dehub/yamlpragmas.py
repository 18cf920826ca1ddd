"""Suppression comments in YAML files, and the lines each one covers.

YAML parsers drop comments, so they are found line by line: a `#` at the start of a line or
after a space, whose body starts with `dehub`. A comment on its own line covers the next
content line and, when that line opens a mapping entry or list item (`container:`,
`- run: |`), the whole value below it; a comment at the end of a line covers that line the
same way. Shell comments inside a `run: |` block are found too, so
`# dehub ignore=DH001` can sit right above the `docker run` it is about.
"""

from __future__ import annotations

from . import yamlsource as ys
from .document import PragmaComment
from .source import SourceText, hash_pragma_comments

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

MAX_NODES = 200_000  # a walk over more nodes than this stops (alias-heavy files)


def pragmas(source: SourceText, roots: list[Node]) -> list[PragmaComment]:
    text = source.text
    found = hash_pragma_comments(source)
    if not found:
        return []
    extents = _extents(source, roots)
    out = []
    for number, start, end, own_line in found:
        target_line = source.next_content_line(number) if own_line else number
        target = (target_line, extents.get(target_line, target_line)) if target_line else (0, 0)
        pragma = PragmaComment(number, start, end, text[start + 1 : end], source.line_span(number), target)
        pragma.removable = own_line
        out.append(pragma)
    return out


def _extents(source: SourceText, roots: list[Node]) -> dict[int, int]:
    """First line of each mapping entry / list item -> the last line of its value."""
    extents: dict[int, int] = {}
    seen: set[int] = set()
    stack = list(roots)
    budget = MAX_NODES
    while stack and budget:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        budget -= 1
        if ys.is_mapping(node):
            for key, value in node.value:
                _extend(extents, source, ys.span(key)[0], ys.span(value)[1])
                stack.append(value)
        elif ys.is_sequence(node):
            for item in node.value:
                first, last = ys.span(item)
                _extend(extents, source, first, last)
                stack.append(item)
    return extents


def _extend(extents: dict[int, int], source: SourceText, start: int, end: int) -> None:
    """Record that the entry starting at `start` runs to its last non-blank character before `end`
    (a block node's end mark lies past the next line's indentation; trailing blank lines do not count)."""
    text = source.text
    while end > start + 1 and text[end - 1] in " \t\r\n":
        end -= 1
    first = source.position(start)[0]
    last = source.position(max(start, end - 1))[0]
    if last > extents.get(first, first):
        extents[first] = last
