"""Where quotes and substitutions end: `"..."`, `$(...)`, backticks, `${...}`, `$'...'`,
`$((...))` and `NAME=(...)`.

The lexer needs only their extent (they are part of the word they appear in), but the commands
inside `$(...)` and backticks are commands all the same: `echo "$(docker pull x)"` pulls. Those
are handed to the scanner through `scan_nested` and `scan_backticked`. Each construct found is
recorded in `spans`, so cooking the word later need not measure it again.
"""

from __future__ import annotations

from ..value import UNKNOWN
from .text import DQ_SPECIAL, ScriptText, Stop

MAX_NESTING = 40  # $( `( ${ "... nested deeper than this stop the scan rather than the stack


class Substitutions(ScriptText):
    """Measures quoted and substituted stretches; the scanner supplies the two `scan_` hooks."""

    __slots__ = ("spans", "not_arithmetic")

    def __init__(
        self, text: str, origins: list[int], marked: str, size: int, depth: int, unknowns: bool, bash: bool
    ) -> None:
        super().__init__(text, origins, marked, size, depth, unknowns, bash)
        self.spans: dict[int, int] | None = None  # start -> end of each construct in the word being read
        self.not_arithmetic = -1  # up to here, a `((` is known not to start arithmetic

    def scan_nested(self, pos: int, level: int) -> int:
        """Scan the commands of a `$(...)` (or `<(...)`) from `pos`; return the position after `)`."""
        raise NotImplementedError

    def scan_backticked(self, start: int, end: int, escaped: bool, level: int) -> None:
        """Scan the commands between backticks (`escaped`: they hold backslash escapes)."""
        raise NotImplementedError

    def record(self, start: int, end: int) -> None:
        if self.spans is None:
            self.spans = {}
        self.spans[start] = end

    def double(self, pos: int, level: int) -> int:
        """Past the quote closing a "..." opened before `pos`; substitutions inside are scanned."""
        text, origins, marked, size = self.text, self.origins, self.marked, self.size
        while True:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                raise Stop
            char = text[pos]
            if char not in DQ_SPECIAL or origins[pos] == UNKNOWN:
                pos += 1
            elif char == '"':
                return pos + 1
            elif char == "\\":
                pos += 2
            elif char == "$":
                pos = self.dollar(pos, True, level + 1)
            else:
                pos = self.backtick(pos, level + 1)

    def dollar(self, pos: int, quoted: bool, level: int) -> int:
        """Past a `$` construct; `$(...)` is scanned for commands, the others only measured."""
        if level > MAX_NESTING:
            raise Stop
        following = pos + 1
        if following >= self.size or self.origins[following] == UNKNOWN:
            return following
        char = self.text[following]
        if char == "(":
            end = self.arithmetic_end(following + 2) if self.known(following + 1, "(") else -1
            if end < 0:
                end = self.scan_nested(following + 1, level)
        elif char == "{":
            end = self._brace_end(following + 1, quoted, level + 1)
        elif char == "'" and not quoted and self.bash:
            end = self._ansi_end(following + 1)
        else:
            return following  # $NAME and the like: ordinary word characters
        self.record(pos, end)
        return end

    def backtick(self, pos: int, level: int) -> int:
        """Past a `...` command substitution, whose commands are scanned too."""
        text, origins, size = self.text, self.origins, self.size
        end = pos + 1
        escaped = False
        while True:
            if end >= size:
                raise Stop
            char = text[end]
            if origins[end] != UNKNOWN:
                if char == "\\":
                    escaped = True
                    end += 2
                    continue
                if char == "`":
                    break
            end += 1
        self.scan_backticked(pos + 1, end, escaped, level)
        self.record(pos, end + 1)
        return end + 1

    def _brace_end(self, pos: int, quoted: bool, level: int) -> int:
        """Past the `}` closing a `${...}` opened before `pos`."""
        if level > MAX_NESTING:
            raise Stop
        text, origins, size = self.text, self.origins, self.size
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "}":
                return pos + 1
            elif char == "\\":
                pos += 2
            elif char == "'" and not quoted:
                pos = self.single_end(pos + 1) + 1
            elif char == '"':
                pos = self.double(pos + 1, level + 1)
            elif char == "$":
                pos = self.dollar(pos, quoted, level + 1)
            elif char == "`":
                pos = self.backtick(pos, level + 1)
            else:
                pos += 1
        raise Stop

    def _ansi_end(self, pos: int) -> int:
        """Past the quote closing a `$'...'` (where \\' does not close it)."""
        text, origins, size = self.text, self.origins, self.size
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "\\":
                pos += 2
            elif char == "'":
                return pos + 1
            else:
                pos += 1
        raise Stop

    def arithmetic_end(self, pos: int) -> int:
        """Past the `))` closing an arithmetic `((` opened before `pos`: no commands inside.

        -1 when the `((` is not closed by `))` (`((cd x) )`): then, as in bash, it is two `(`.
        A stretch found not to be arithmetic is not searched again, so nested parentheses cost
        one pass.
        """
        if pos <= self.not_arithmetic:
            return -1
        text, origins, size = self.text, self.origins, self.size
        depth = 0
        while pos < size:
            char = text[pos]
            if origins[pos] != UNKNOWN:
                if char == "(":
                    depth += 1
                elif char == ")":
                    if depth:
                        depth -= 1
                    elif self.known(pos + 1, ")"):
                        return pos + 2
                    else:
                        self.not_arithmetic = pos
                        return -1
            pos += 1
        raise Stop

    def array_end(self, pos: int) -> int:
        """Past the `)` closing `NAME=(...)`; quotes and substitutions inside are read."""
        text, origins, size = self.text, self.origins, self.size
        depth = 1
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "(":
                depth += 1
                pos += 1
            elif char == ")":
                depth -= 1
                pos += 1
                if not depth:
                    return pos
            elif char == "'":
                pos = self.single_end(pos + 1) + 1
            elif char == '"':
                pos = self.double(pos + 1, 0)
            elif char == "\\":
                pos += 2
            elif char == "$":
                pos = self.dollar(pos, False, 0)
            elif char == "`":
                pos = self.backtick(pos, 0)
            else:
                pos += 1
        raise Stop
