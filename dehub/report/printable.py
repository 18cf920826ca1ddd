"""Text from the checked files, made safe to print: file names and image text never control
the terminal or the CI log that shows them.

A file name or an image reference is chosen by whoever wrote the repository. Printed as is,
`\\x1b]...` would retitle or recolour the terminal (or hide the rest of a line), a carriage
return or line break would forge a line of its own (`::error::...` read by GitHub Actions as
a workflow command, or a fake `All checks passed!`), and bidi overrides (U+202E, Trojan Source)
would make a name read as another. Each such character is shown as its escape instead:
`\\n`, `\\x1b`, `\\x7f`, `\\x85`, `\\u202e`. Tabs stay (they move the cursor, nothing more); every
other printable character, non-ASCII letters included, is shown as it is.
"""

from __future__ import annotations

_ESCAPES: dict[int, str] = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
del _ESCAPES[0x09]
_ESCAPES.update({0x0A: "\\n", 0x0D: "\\r"})
_ESCAPES.update(
    (code, f"\\u{code:04x}")
    for code in (
        0x061C,  # arabic letter mark
        0x200E, 0x200F,  # left-to-right / right-to-left mark
        0x2028, 0x2029,  # line and paragraph separators: a line break to some viewers
        *range(0x202A, 0x202F),  # embeddings and overrides (LRE RLE PDF LRO RLO)
        *range(0x2066, 0x206A),  # isolates (LRI RLI FSI PDI)
    )
)  # fmt: skip


_KEEPING_BREAKS = {code: escape for code, escape in _ESCAPES.items() if code not in (0x0A, 0x0D)}


def printable(text: str, keep_breaks: bool = False) -> str:
    """`text` with terminal controls, line breaks and bidi controls shown as escapes;
    `keep_breaks`: CR and LF stay, for a format that escapes them its own way (GitHub's `%0A`).

    Linear, and nearly free for ordinary text (one `isprintable` scan in C): a report of
    50,000 findings pays one `translate` only for the lines that need it.
    """
    if text.isprintable():
        return text
    return text.translate(_KEEPING_BREAKS if keep_breaks else _ESCAPES)
