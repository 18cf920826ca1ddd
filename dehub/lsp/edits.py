"""Text changes as LSP TextEdits and WorkspaceEdits.

A fix-all result is a whole new text (several passes of `fixer.fix_source`, whose later edits
were computed on the text the earlier ones produced), so its edits on the original text are
recovered by comparing the two: changed runs of lines (difflib over lines), each narrowed to the
characters that differ. Replacing the whole document instead would work too, but it moves the
cursor, folds and marks in most editors and makes one giant undo step; small edits keep all that.

WorkspaceEdits name the document version when the client supports `documentChanges`, so an
editor refuses an edit computed for a text it no longer has instead of corrupting the file.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .positions import LineIndex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import TextEdit, WorkspaceEdit


def changed_spans(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) in `old`, in order and not overlapping, that turn it into `new`."""
    if old == new:
        return []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_starts = _starts(old_lines)
    new_starts = _starts(new_lines)
    spans = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        replacement = new[new_starts[j1] : new_starts[j2]]
        spans.append(_narrow(old, start, end, replacement))
    return spans


def _starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _narrow(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """Drop the common prefix and suffix of the replaced text and its replacement."""
    old = text[start:end]
    prefix = 0
    limit = min(len(old), len(replacement))
    while prefix < limit and old[prefix] == replacement[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == replacement[len(replacement) - 1 - suffix]:
        suffix += 1
    # An LSP position cannot point between the \r and \n of a line break (it means the end of
    # the line, before the \r), so never cut a \r\n apart.
    if prefix and old[prefix - 1] == "\r" and old[prefix : prefix + 1] == "\n":
        prefix -= 1
    cut = len(old) - suffix
    if suffix and old[cut : cut + 1] == "\n" and cut > prefix and old[cut - 1] == "\r":
        suffix -= 1
    return start + prefix, end - suffix, replacement[prefix : len(replacement) - suffix]


def text_edits(index: LineIndex, spans: list[tuple[int, int, str]], shift: int = 0) -> list[TextEdit]:
    """TextEdits (JSON data) for spans of engine offsets (`shift`: 1 after a BOM the engine skips)."""
    return [{"range": index.range(start + shift, end + shift), "newText": text} for start, end, text in spans]


def workspace_edit(uri: str, version: int | None, edits: list[TextEdit], document_changes: bool) -> WorkspaceEdit:
    """A WorkspaceEdit (JSON data) for edits to one document."""
    if document_changes:
        return {"documentChanges": [{"textDocument": {"uri": uri, "version": version}, "edits": edits}]}
    return {"changes": {uri: edits}}


def apply(text: str, index: LineIndex, edits: list[TextEdit]) -> str:
    """Apply TextEdits (JSON data) to `text`, as a client does; for tests, the benchmark and checks."""
    from ..findings import Edit
    from ..fixer import apply_edits

    spans = []
    for edit in edits:
        start, end = edit["range"]["start"], edit["range"]["end"]
        spans.append(Edit(index.offset(start["line"], start["character"]), index.offset(end["line"], end["character"]),
                          edit["newText"]))  # fmt: skip
    return apply_edits(text, spans)
