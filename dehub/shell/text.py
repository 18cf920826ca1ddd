"""The script being read: its characters, the file offset each came from, and the questions
every reader (lexer, substitution scanner, word cooker) asks of them.

Characters with UNKNOWN origin (an unresolved `${{ ... }}`) are opaque: never blanks, quotes,
operators or newlines, so every check here looks at the origin as well as the character.
"""

from __future__ import annotations

from ..value import UNKNOWN

METACHARS = frozenset(" \t\r\n|&;()<>")
WORD_SPECIAL = METACHARS | frozenset("'\"\\$`")
DQ_SPECIAL = frozenset('"\\$`')  # what still means something inside "..."
# str.translate table: every WORD_SPECIAL character becomes NUL (a NUL becomes \x01), so that
# str.find("\0") jumps from one special character to the next at C speed.
MARKS = {ord(char): "\x00" for char in WORD_SPECIAL} | {0: "\x01"}


class Stop(Exception):
    """The script cannot be read further (unterminated quote, nesting too deep)."""


class ScriptText:
    """A stretch of script text with per-character origins (a whole script or a nested part).

    `marked` is the text with every special character turned into NUL (see MARKS); `size` is
    where reading stops (the closing backtick of a nested scan); `unknowns` says whether any
    character has an UNKNOWN origin, so the common case skips the origin checks.
    """

    __slots__ = ("text", "origins", "marked", "size", "depth", "unknowns", "bash")

    def __init__(
        self, text: str, origins: list[int], marked: str, size: int, depth: int, unknowns: bool, bash: bool
    ) -> None:
        self.text = text
        self.origins = origins
        self.marked = marked
        self.size = size
        self.depth = depth  # how deeply this text is nested ($(...), sh -c, backticks)
        self.unknowns = unknowns
        self.bash = bash  # bash-only syntax ($'...') is read

    def known(self, pos: int, char: str) -> bool:
        """Whether `char` is written at `pos` (not inside an unknown fragment)."""
        return pos < self.size and self.text[pos] == char and self.origins[pos] != UNKNOWN

    def continuation(self, pos: int) -> int:
        """The position after a backslash-newline (or backslash-CRLF) at `pos`, else `pos`."""
        if self.known(pos + 1, "\n"):
            return pos + 2
        if self.known(pos + 1, "\r") and self.known(pos + 2, "\n"):
            return pos + 3
        return pos

    def find_known(self, char: str, pos: int) -> int:
        """The first `char` at or after `pos` that is not inside an unknown fragment, or -1."""
        text, origins, size = self.text, self.origins, self.size
        while True:
            found = text.find(char, pos, size)
            if found == -1 or origins[found] != UNKNOWN:
                return found
            pos = found + 1

    def single_end(self, pos: int) -> int:
        """Index of the quote closing a '...' opened before `pos`."""
        close = self.find_known("'", pos)
        if close == -1:
            raise Stop
        return close
