"""A Groovy tokenizer for Jenkinsfiles that keeps every character's offset.

Tokens are identifiers, numbers, strings, single-character operators and newlines; comments
(`//`, `/* */`, a `#!` first line) are kept aside for suppression pragmas. Strings come in all
of Groovy's forms: '...' and '''...''' (literal), "..." and \"\"\"...\"\"\" (GStrings), /slashy/ and
$/dollar-slashy/$, each read into parts: literal text, every character with its source offset
(an escape's result has none, SYNTHETIC, but remembers where the escape is written), and, in
the interpolating forms, `${expression}` and `$name.property` placeholders with their spans and
inner tokens. A `/` starts a slashy string only where an expression may start (after an
operator, a bracket, a keyword or a newline), as Groovy's grammar decides it.
"""

from __future__ import annotations

from ..value import SYNTHETIC

IDENT = "ident"
NUMBER = "number"
STRING = "string"
OP = "op"
NEWLINE = "newline"

IDENT_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")
IDENT_CHARS = IDENT_START | frozenset("0123456789")
ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "s": " ", "\\": "\\", "'": "'", '"': '"',
           "$": "$", "/": "/"}  # fmt: skip
# after these words a `/` starts a slashy string, not a division
EXPRESSION_WORDS = frozenset(("return", "case", "in", "assert", "throw", "new", "else", "def", "and", "or", "not"))
VALUE_ENDS = frozenset(")]}")
INTERPOLATING = frozenset(('"', '"""', "/", "$/"))
MAX_DEPTH = 50


class Literal:
    """Literal string text: each character, its origin (SYNTHETIC for an escape's result) and
    where it is written (the escape sequence, for an escape)."""

    __slots__ = ("chars", "origins", "starts", "ends")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origins: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, char: str, origin: int, start: int, end: int) -> None:
        self.chars.append(char)
        self.origins.append(origin)
        self.starts.append(start)
        self.ends.append(end)

    @property
    def text(self) -> str:
        return "".join(self.chars)


class Placeholder:
    """`${expression}` or `$name.property` in a GString: its span and the expression's tokens."""

    __slots__ = ("start", "end", "tokens", "text")

    def __init__(self, start: int, end: int, tokens: list[Token], text: str) -> None:
        self.start = start
        self.end = end
        self.tokens = tokens  # the expression's tokens (newlines left out)
        self.text = text  # the expression as written


class Token:
    __slots__ = ("kind", "start", "end", "text", "parts", "quote")

    def __init__(self, kind: str, start: int, end: int, text: str, parts: list[Literal | Placeholder] | None = None,
                 quote: str = "") -> None:  # fmt: skip
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text  # as written
        self.parts = parts or []  # a string's parts
        self.quote = quote  # a string's opening delimiter

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.start})"

    @property
    def is_literal(self) -> bool:
        """A string with no placeholder."""
        return self.kind == STRING and all(isinstance(part, Literal) for part in self.parts)


class Comment:
    __slots__ = ("start", "end", "body_start", "line_comment")

    def __init__(self, start: int, end: int, body_start: int, line_comment: bool) -> None:
        self.start = start
        self.end = end
        self.body_start = body_start
        self.line_comment = line_comment


class LexError(Exception):
    def __init__(self, start: int, message: str) -> None:
        super().__init__(message)
        self.start = start
        self.message = message


class Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.comments: list[Comment] = []
        self.depth = 0
        self.read: list[Token] = []  # the file's tokens so far (all of them, once `tokens` returns)

    def tokens(self) -> list[Token]:
        """Every token of the file; raises LexError at an unterminated string or comment."""
        if self.text.startswith("#!"):
            end = self._line_end(0)
            self.comments.append(Comment(0, end, 2, True))
            self.pos = end
        self._run(close=False)
        return self.read

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        end = len(self.text) if end == -1 else end
        while end > index and self.text[end - 1] == "\r":
            end -= 1
        return end

    def _run(self, close: bool) -> list[Token]:
        """Tokens up to the end, or (`close`) up to the `}` that closes a `${`, consumed."""
        text = self.text
        length = len(text)
        out: list[Token] = [] if close else self.read
        braces = 0
        while self.pos < length:
            pos = self.pos
            char = text[pos]
            if char in " \t\r\f":
                self.pos += 1
            elif char == "\n":
                out.append(Token(NEWLINE, pos, pos + 1, "\n"))
                self.pos += 1
            elif char == "\\" and text.startswith("\n", pos + 1):
                self.pos += 2  # a continued line
            elif text.startswith("//", pos):
                end = self._line_end(pos)
                self.comments.append(Comment(pos, end, pos + 2, True))
                self.pos = end
            elif text.startswith("/*", pos):
                end = text.find("*/", pos + 2)
                if end == -1:
                    raise LexError(pos, "unterminated comment `/*`")
                self.comments.append(Comment(pos, end + 2, pos + 2, False))
                self.pos = end + 2
            elif text.startswith("$/", pos) and (_expression_may_start(out) or out[-1].kind == IDENT):
                out.append(self._string("$/", "/$"))
            elif char in IDENT_START:
                end = pos + 1
                while end < length and text[end] in IDENT_CHARS:
                    end += 1
                out.append(Token(IDENT, pos, end, text[pos:end]))
                self.pos = end
            elif char.isdigit():
                end = pos + 1
                while end < length and (text[end].isalnum() or text[end] == "_" or _decimal_point(text, end)):
                    end += 1
                out.append(Token(NUMBER, pos, end, text[pos:end]))
                self.pos = end
            elif text.startswith("'''", pos):
                out.append(self._string("'''", "'''"))
            elif text.startswith('"""', pos):
                out.append(self._string('"""', '"""'))
            elif char in "'\"":
                out.append(self._string(char, char))
            elif char == "/" and _expression_may_start(out):
                out.append(self._string("/", "/"))
            else:
                if close:
                    if char == "{":
                        braces += 1
                    elif char == "}":
                        if braces == 0:
                            self.pos += 1
                            return out
                        braces -= 1
                out.append(Token(OP, pos, pos + 1, char))
                self.pos += 1
        if close:
            raise LexError(length, "unterminated `${` in a string")
        return out

    def _string(self, quote: str, closing: str) -> Token:
        text = self.text
        start = self.pos
        pos = start + len(quote)
        parts: list[Literal | Placeholder] = []
        literal = Literal()
        interpolating = quote in INTERPOLATING
        single_line = quote in ("'", '"')
        while True:
            if pos >= len(text):
                raise LexError(start, f"unterminated string {quote}")
            if text.startswith(closing, pos):
                pos += len(closing)
                break
            char = text[pos]
            if char == "\n" and single_line:
                raise LexError(start, f"unterminated string {quote}")
            if quote == "$/" and char == "$" and pos + 1 < len(text) and text[pos + 1] in "$/":
                literal.add(text[pos + 1], SYNTHETIC, pos, pos + 2)  # `$$` is `$`, `$/` is `/`
                pos += 2
            elif char == "\\" and quote != "$/":
                pos = self._escape(pos, quote, literal)
            elif char == "$" and interpolating and pos + 1 < len(text) and (
                text[pos + 1] == "{" or (text[pos + 1] in IDENT_START and text[pos + 1] != "$")
            ):
                if literal.chars:
                    parts.append(literal)
                    literal = Literal()
                pos = self._placeholder(pos, parts)
            else:
                literal.add(char, pos, pos, pos + 1)
                pos += 1
        if literal.chars or not parts:
            parts.append(literal)
        self.pos = pos
        return Token(STRING, start, pos, text[start:pos], parts, quote)

    def _escape(self, pos: int, quote: str, literal: Literal) -> int:
        text = self.text
        nxt = text[pos + 1] if pos + 1 < len(text) else ""
        if quote == "/":  # a slashy string escapes only the slash
            if nxt == "/":
                literal.add("/", SYNTHETIC, pos, pos + 2)
                return pos + 2
            literal.add("\\", pos, pos, pos + 1)
            return pos + 1
        if nxt == "\n":
            return pos + 2  # a continued line: both characters vanish
        if nxt == "\r" and text.startswith("\n", pos + 2):
            return pos + 3
        if nxt == "u" and pos + 6 <= len(text):
            digits = text[pos + 2 : pos + 6]
            try:
                literal.add(chr(int(digits, 16)), SYNTHETIC, pos, pos + 6)
                return pos + 6
            except ValueError:
                pass
        if nxt in ESCAPES:
            literal.add(ESCAPES[nxt], SYNTHETIC, pos, pos + 2)
            return pos + 2
        if nxt.isdigit() and nxt in "01234567":  # octal
            end = pos + 2
            while end < len(text) and end < pos + 4 and text[end] in "01234567":
                end += 1
            literal.add(chr(int(text[pos + 1 : end], 8)), SYNTHETIC, pos, end)
            return end
        literal.add("\\", pos, pos, pos + 1)  # not an escape Groovy knows: kept as written
        return pos + 1

    def _placeholder(self, pos: int, parts: list[Literal | Placeholder]) -> int:
        text = self.text
        if text[pos + 1] == "{":
            if self.depth >= MAX_DEPTH:
                raise LexError(pos, "strings nested too deeply")
            self.depth += 1
            self.pos = pos + 2
            inner = self._run(close=True)
            self.depth -= 1
            end = self.pos
            tokens = [token for token in inner if token.kind != NEWLINE]
            parts.append(Placeholder(pos, end, tokens, text[pos + 2 : end - 1].strip()))
            return end
        end = pos + 1  # `$name.property...`: identifiers joined by dots
        tokens = []
        while True:
            first = end
            while end < len(text) and text[end] in IDENT_CHARS and not (end > first and text[end] == "$"):
                end += 1
            tokens.append(Token(IDENT, first, end, text[first:end]))
            if end + 1 < len(text) and text[end] == "." and text[end + 1] in IDENT_START and text[end + 1] != "$":
                tokens.append(Token(OP, end, end + 1, "."))
                end += 1
                continue
            break
        parts.append(Placeholder(pos, end, tokens, text[pos + 1 : end]))
        return end


def _decimal_point(text: str, index: int) -> bool:
    return text[index] == "." and index + 1 < len(text) and text[index + 1].isdigit()


def _expression_may_start(tokens: list[Token]) -> bool:
    """Whether a `/` here starts a slashy string (an expression may start) or divides."""
    for token in reversed(tokens):
        if token.kind == NEWLINE:
            return True
        if token.kind in (NUMBER, STRING):
            return False
        if token.kind == IDENT:
            return token.text in EXPRESSION_WORDS
        return token.text not in VALUE_ENDS
    return True


def tokenize(text: str) -> tuple[list[Token], list[Comment], LexError | None]:
    """The tokens and comments of a file; on an error, those before it and the error."""
    lexer = Lexer(text)
    try:
        return lexer.tokens(), lexer.comments, None
    except LexError as err:
        return lexer.read, lexer.comments, err
