"""Shell tokens: words and operators, with comments, line continuations and here-documents.

A word keeps its place in the text (quotes, escapes and substitutions are part of it); it is
cooked into a value only when a command needs it. Operators are returned as their text, a
newline as "\\n". Here-document bodies are skipped at the end of the line that opened them.
"""

from __future__ import annotations

from ..value import UNKNOWN
from .substitutions import Substitutions
from .text import METACHARS
from .variables import is_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..value import Value

BLANKS = frozenset(" \t\r")  # \r too: CRLF scripts
OPERATORS = {
    ";": (";;&", ";;", ";&", ";"),
    "&": ("&>>", "&&", "&>", "&"),
    "|": ("||", "|&", "|"),
    "<": ("<<<", "<<-", "<<", "<&", "<>", "<"),
    ">": (">>", ">&", ">|", ">"),
    "(": ("(",),
    ")": (")",),
}
OPERATOR_SECONDS = {";": ";&", "&": "&>", "|": "|&", "<": "<&>", ">": ">&|", "(": "", ")": ""}
REDIRECTIONS = frozenset(("<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<"))
HEREDOCS = {"<<": 2, "<<-": 3}  # the scanner's `target` code of the delimiter word that follows


class Word:
    """A word's place in the scanned text; cooked (expanded) only when a command needs it."""

    __slots__ = ("start", "end", "spans", "plain", "fd", "cooked")

    def __init__(self, start: int, end: int, spans: dict[int, int] | None, plain: bool) -> None:
        self.start = start
        self.end = end
        self.spans = spans  # start -> end of each $(...), `...`, ${...}, $((...)), $'...' inside
        self.plain = plain  # no quote, escape or expansion: the text is the word
        self.fd = False  # `2` in `2>&1`: part of a redirection, not an argument
        self.cooked: Value | None = None  # once cooked


class Lexer(Substitutions):
    """Reads tokens from `pos`; remembers the here-documents waiting for the end of the line."""

    __slots__ = ("pos", "heredocs")

    def __init__(
        self, text: str, origins: list[int], marked: str, pos: int, size: int, depth: int, unknowns: bool, bash: bool
    ) -> None:
        super().__init__(text, origins, marked, size, depth, unknowns, bash)
        self.pos = pos
        self.heredocs: list[tuple[str, bool]] = []  # (delimiter, strip leading tabs)

    def token(self) -> Word | str | None:
        """The next word or operator ("\\n" for a newline); None at the end."""
        text, origins, size, unknowns = self.text, self.origins, self.size, self.unknowns
        pos = self.pos
        while pos < size:  # blanks and line continuations
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                break
            if char in BLANKS:
                pos += 1
            elif char == "\\" and self.continuation(pos) > pos:
                pos = self.continuation(pos)
            else:
                break
        if pos < size and text[pos] == "#" and not (unknowns and origins[pos] == UNKNOWN):
            pos = self._line_end(pos)
        if pos >= size:
            self.pos = size
            return None
        char = text[pos]
        if char not in METACHARS or (unknowns and origins[pos] == UNKNOWN):
            return self._word(pos)
        if char == "\n":
            self.pos = pos + 1
            if self.heredocs:
                self._skip_heredoc_bodies()
            return "\n"
        if char in "<>" and self.known(pos + 1, "("):
            return self._word(pos)  # process substitution
        if pos + 1 >= size or text[pos + 1] not in OPERATOR_SECONDS[char]:
            self.pos = pos + 1
            return char
        for operator in OPERATORS[char]:
            width = len(operator)
            if text.startswith(operator, pos, size) and (
                width == 1 or not unknowns or UNKNOWN not in origins[pos + 1 : pos + width]
            ):
                self.pos = pos + width
                return operator
        self.pos = pos + 1  # unreachable: every operator list ends with the single character
        return char

    def skip_arguments(self) -> None:
        """Past the arguments of a command that cannot pull, up to its next operator or comment.

        Quotes and substitutions are still read (a `$(docker pull x)` in an `echo` pulls);
        redirections and here-documents stop the skip, so the parser sees them.
        """
        text, origins, marked, size, unknowns = self.text, self.origins, self.marked, self.size, self.unknowns
        self.spans = None
        pos = self.pos
        while True:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                pos = size
                break
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                pos += 1
            elif char in BLANKS:
                pos += 1
                if pos < size and text[pos] == "#":
                    break  # a comment: token() skips it
            elif char == "(" and pos > self.pos and text[pos - 1] == "=":
                pos = self.array_end(pos + 1)  # as _word reads NAME=(...)
            elif char in METACHARS:
                break
            elif char == "'":
                pos = self.single_end(pos + 1) + 1
            elif char == '"':
                pos = self.double(pos + 1, 0)
            elif char == "\\":
                after = self.continuation(pos)
                pos = after if after > pos else pos + 2
            elif char == "$":
                pos = self.dollar(pos, False, 0)
            else:
                pos = self.backtick(pos, 0)
        self.pos = min(pos, size)

    def heredoc(self, word: Word, strip_tabs: bool) -> None:
        """A here-document delimiter: its body starts after the current line."""
        raw = self.text[word.start : word.end]
        delimiter = raw if word.plain else "".join(char for char in raw if char not in "'\"\\")
        self.heredocs.append((delimiter, strip_tabs))

    def _skip_heredoc_bodies(self) -> None:
        text, size = self.text, self.size
        pos = self.pos
        for delimiter, strip_tabs in self.heredocs:
            while pos < size:
                newline = text.find("\n", pos, size)
                line_end = size if newline == -1 else newline
                line = text[pos:line_end]
                pos = size if newline == -1 else newline + 1
                if line.endswith("\r"):
                    line = line[:-1]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs = []
        self.pos = pos

    def _line_end(self, pos: int) -> int:
        """The newline ending a comment (a newline inside an unknown fragment does not)."""
        newline = self.find_known("\n", pos)
        return self.size if newline == -1 else newline

    def _word(self, start: int) -> Word:
        """One word from `start`: quotes, escapes and substitutions are part of it."""
        text, origins, marked, size, unknowns = self.text, self.origins, self.marked, self.size, self.unknowns
        self.spans = None
        plain = True
        pos = start
        if text[pos] in "<>" and origins[pos] != UNKNOWN:  # <( ... ) or >( ... )
            pos = self.scan_nested(pos + 2, 0)
            self.record(start, pos)
            plain = False
        while pos < size:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                pos = size
                break
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                plain = False
                pos += 1
                continue
            if char in METACHARS:
                if char == "(" and pos > start and text[pos - 1] == "=" and self._assignment_prefix(start, pos):
                    pos = self.array_end(pos + 1)
                    plain = False
                    continue
                break
            plain = False
            if char == "'":
                pos = self.single_end(pos + 1) + 1
            elif char == '"':
                pos = self.double(pos + 1, 0)
            elif char == "\\":
                after = self.continuation(pos)
                pos = after if after > pos else min(pos + 2, size)
            elif char == "$":
                pos = self.dollar(pos, False, 0)
            else:
                pos = self.backtick(pos, 0)
        word = Word(start, pos, self.spans, plain)
        if plain and pos < size and text[pos] in "<>" and origins[pos] != UNKNOWN:
            raw = text[start:pos]
            word.fd = (raw.isascii() and raw.isdigit()) or (len(raw) > 2 and raw[0] == "{" and raw[-1] == "}")
        self.pos = pos
        return word

    def _assignment_prefix(self, start: int, pos: int) -> bool:
        """Whether text[start:pos] is `NAME=` or `NAME+=` (so a `(` opens an array)."""
        name = self.text[start : pos - 1]
        if name.endswith("+"):
            name = name[:-1]
        return is_name(name)
