"""JSON with comments (JSONC): a small tokenizer and parser that keeps exact offsets.

devcontainer.json and docker-bake.json are read through this module. It accepts `//` and
`/* */` comments and trailing commas in objects and arrays (as VS Code's jsonc-parser, which
the Dev Containers CLI uses), and is otherwise strict JSON: one value, double-quoted strings,
JSON numbers, `true`/`false`/`null`. Every node knows its span; a string's decoded text is a
`Value` whose characters know their source offsets. A character written as an escape
(`\\u002f`, `\\/`, `\\"`) has no single source character, so it is SYNTHETIC: a fix that would
have to go through it gets no fix. Comments are kept (with offsets) for suppression pragmas.
A file that is not JSONC raises `JsoncError` with the offset of the first problem.
"""

from __future__ import annotations

from .commentpragmas import Comment
from .value import SYNTHETIC, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
SPACE = " \t\r\n\ufeff"
HEX = "0123456789abcdefABCDEF"
DIGITS = "0123456789"


class JsoncError(ValueError):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class Node:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


class String(Node):
    __slots__ = ("value",)

    def __init__(self, start: int, end: int, value: Value) -> None:
        super().__init__(start, end)
        self.value = value  # the decoded text; origins point into the quotes (escapes: SYNTHETIC)

    @property
    def text(self) -> str:
        return self.value.text


class Scalar(Node):
    """A number, `true`, `false` or `null`, as written."""

    __slots__ = ("text",)

    def __init__(self, start: int, end: int, text: str) -> None:
        super().__init__(start, end)
        self.text = text


class Array(Node):
    __slots__ = ("items",)

    def __init__(self, start: int, end: int, items: list[Node]) -> None:
        super().__init__(start, end)
        self.items = items


class Object(Node):
    __slots__ = ("members",)

    def __init__(self, start: int, end: int, members: list[tuple[String, Node]]) -> None:
        super().__init__(start, end)
        self.members = members

    def get(self, key: str) -> Node | None:
        """The value of `key`; of a repeated key, the last (as jsonc-parser and JSON.parse)."""
        found = None
        for name, value in self.members:
            if name.text == key:
                found = value
        return found


class Parsed:
    __slots__ = ("root", "comments")

    def __init__(self, root: Node, comments: list[Comment]) -> None:
        self.root = root
        self.comments = comments


def parse(text: str) -> Parsed:
    """The one value in `text`, and its comments; raises JsoncError."""
    parser = _Parser(text)
    parser.skip()
    if parser.at >= len(text):
        raise JsoncError(parser.at, "empty file: expected a JSON value")
    root = parser.value(0)
    parser.skip()
    if parser.at < len(text):
        raise JsoncError(parser.at, f"unexpected {_shown(text, parser.at)} after the end of the JSON value")
    return Parsed(root, parser.comments)


def walk(node: Node) -> Iterator[Node]:
    """Every node under (and including) `node`, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Object):
            for key, value in reversed(current.members):
                stack.append(value)
                stack.append(key)
        elif isinstance(current, Array):
            stack.extend(reversed(current.items))


def _shown(text: str, at: int) -> str:
    char = text[at]
    return f"`{char}`" if char.isprintable() and not char.isspace() else repr(char)


MAX_DEPTH = 200  # each level is two Python frames: well under the interpreter's recursion limit


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.comments: list[Comment] = []

    def skip(self) -> None:
        """Skip whitespace and comments (recording the comments)."""
        text = self.text
        size = len(text)
        at = self.at
        while at < size:
            char = text[at]
            if char in SPACE:
                at += 1
            elif char == "/" and text.startswith("//", at):
                end = at + 2
                while end < size and text[end] not in "\r\n":
                    end += 1
                self.comments.append(Comment(at, end, at + 2, end))
                at = end
            elif char == "/" and text.startswith("/*", at):
                close = text.find("*/", at + 2)
                if close == -1:
                    raise JsoncError(at, "unterminated `/*` comment")
                self.comments.append(Comment(at, close + 2, at + 2, close))
                at = close + 2
            else:
                break
        self.at = at

    def value(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise JsoncError(self.at, "nested too deeply")
        text = self.text
        at = self.at
        if at >= len(text):
            raise JsoncError(at, "unexpected end of file: expected a value")
        char = text[at]
        if char == "{":
            return self.object(depth)
        if char == "[":
            return self.array(depth)
        if char == '"':
            return self.string()
        if char == "-" or char in DIGITS:
            return self.number()
        for word in ("true", "false", "null"):
            if text.startswith(word, at):
                end = at + len(word)
                if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                    break
                self.at = end
                return Scalar(at, end, word)
        if char == "'":
            raise JsoncError(at, "strings must be in double quotes")
        raise JsoncError(at, f"unexpected {_shown(text, at)}: expected a value")

    def object(self, depth: int) -> Object:
        text = self.text
        start = self.at
        self.at += 1
        members: list[tuple[String, Node]] = []
        while True:
            self.skip()
            if self.at >= len(text):
                raise JsoncError(start, "unterminated object: no `}`")
            if text[self.at] == "}":
                break
            if text[self.at] != '"':
                raise JsoncError(
                    self.at, f"unexpected {_shown(text, self.at)}: expected a property name in double quotes"
                )
            key = self.string()
            self.skip()
            if not text.startswith(":", self.at):
                raise JsoncError(self.at, "expected `:` after the property name")
            self.at += 1
            self.skip()
            members.append((key, self.value(depth + 1)))
            if self.closed_after_item(start, "}", "object"):
                break
        self.at += 1
        return Object(start, self.at, members)

    def array(self, depth: int) -> Array:
        text = self.text
        start = self.at
        self.at += 1
        items: list[Node] = []
        while True:
            self.skip()
            if self.at >= len(text):
                raise JsoncError(start, "unterminated array: no `]`")
            if text[self.at] == "]":
                break
            items.append(self.value(depth + 1))
            if self.closed_after_item(start, "]", "array"):
                break
        self.at += 1
        return Array(start, self.at, items)

    def closed_after_item(self, start: int, close: str, what: str) -> bool:
        """After a member or item: a `,` goes on (a trailing one too: the caller's close check
        ends the list), `close` ends it (True); anything else is an error."""
        text = self.text
        self.skip()
        if text.startswith(",", self.at):
            self.at += 1
            return False
        if text.startswith(close, self.at):
            return True
        if self.at >= len(text):
            raise JsoncError(start, f"unterminated {what}: no `{close}`")
        raise JsoncError(self.at, f"unexpected {_shown(text, self.at)}: expected `,` or `{close}`")

    def number(self) -> Scalar:
        text = self.text
        start = at = self.at
        if text.startswith("-", at):
            at += 1
        digits = at
        while at < len(text) and text[at] in DIGITS:
            at += 1
        if at == digits:
            raise JsoncError(start, "invalid number")
        if text.startswith("0", digits) and at - digits > 1:
            raise JsoncError(start, "invalid number: leading zero")
        if text.startswith(".", at):
            at += 1
            fraction = at
            while at < len(text) and text[at] in DIGITS:
                at += 1
            if at == fraction:
                raise JsoncError(start, "invalid number: no digits after `.`")
        if at < len(text) and text[at] in "eE":
            at += 1
            if at < len(text) and text[at] in "+-":
                at += 1
            exponent = at
            while at < len(text) and text[at] in DIGITS:
                at += 1
            if at == exponent:
                raise JsoncError(start, "invalid number: no digits in the exponent")
        self.at = at
        return Scalar(start, at, text[start:at])

    def string(self) -> String:
        text = self.text
        start = self.at
        at = start + 1
        chars: list[str] = []
        origins: list[int] = []
        size = len(text)
        while True:
            if at >= size or text[at] in "\r\n":
                raise JsoncError(start, "unterminated string")
            char = text[at]
            if char == '"':
                break
            if char != "\\":
                chars.append(char)
                origins.append(at)
                at += 1
                continue
            escape = text[at + 1 : at + 2]
            if escape in ESCAPES:
                chars.append(ESCAPES[escape])
                origins.append(SYNTHETIC)
                at += 2
                continue
            if escape != "u":
                raise JsoncError(at, f"invalid escape `\\{escape}` in a string")
            code = self._hex4(at)
            at += 6
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", at):
                low = self._hex4(at)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    at += 6
            chars.append(chr(code))
            origins.append(SYNTHETIC)
        self.at = at + 1
        return String(start, self.at, Value("".join(chars), origins))

    def _hex4(self, at: int) -> int:
        digits = self.text[at + 2 : at + 6]
        if len(digits) != 4 or any(char not in HEX for char in digits):
            raise JsoncError(at, "invalid `\\u` escape: four hex digits expected")
        return int(digits, 16)
