"""HCL (native syntax): a small recursive-descent parser that keeps exact offsets.

Enough of HCL for docker-bake files, read as HCL reads them: a body of attributes
(`name = expr`) and blocks (`target "app" { ... }`, labels quoted or bare); expressions with
string templates (`"docker-image://${BASE}"`, `$${` and `%%{` escapes, `\\n`-style escapes,
`%{ if }` directives), heredocs (`<<EOT`, `<<-EOT`), numbers, `true`/`false`/`null`,
variables and traversals (`target.app.args`, `x[0]`, splats), function calls (`f(a, b...)`),
tuples, objects (`{ k = v, "k": v }`, newline- or comma-separated), `for` expressions,
unary, binary and conditional operators, and `#`, `//` and `/* */` comments (kept, with
offsets, for suppression pragmas). Newlines end an attribute, except inside `()`, `[]` and
`${}`. A template's literal text is a `Value` whose characters know their source offsets; a
character written as an escape has none (SYNTHETIC), so a fix never goes through it.

Nothing is evaluated here: `dehub.bake` evaluates what it can (templates of literals and
variables) and takes everything else as unknown.
"""

from __future__ import annotations

from .commentpragmas import Comment
from .value import SYNTHETIC, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
BINARY_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%")
MAX_DEPTH = 200


class HclError(ValueError):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class Expr:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def children(self) -> list[Expr]:
        return []


class Template(Expr):
    """A quoted string or heredoc: literal pieces (`Value`s), interpolations (`Expr`s) and
    directives (`None`: `%{ if }` and the like, never evaluated)."""

    __slots__ = ("parts", "heredoc", "flush")

    def __init__(self, start: int, end: int, parts: list[Value | Expr | None], heredoc: bool, flush: bool) -> None:
        super().__init__(start, end)
        self.parts = parts
        self.heredoc = heredoc
        self.flush = flush  # `<<-`: the common indentation is removed from each line

    def children(self) -> list[Expr]:
        return [part for part in self.parts if isinstance(part, Expr)]

    def literal(self) -> Value | None:
        """Its text when it is all literal, else None."""
        if any(not isinstance(part, Value) for part in self.parts):
            return None
        text = "".join(part.text for part in self.parts if isinstance(part, Value))
        origins = [origin for part in self.parts if isinstance(part, Value) for origin in part.origins]
        return Value(text, origins)


class Literal(Expr):
    """A number, `true`, `false` or `null`, as written."""

    __slots__ = ("text",)

    def __init__(self, start: int, end: int, text: str) -> None:
        super().__init__(start, end)
        self.text = text


class Ref(Expr):
    """A bare name: a variable (or a `for` symbol, a function parameter, `target`, ...)."""

    __slots__ = ("name",)

    def __init__(self, start: int, end: int, name: str) -> None:
        super().__init__(start, end)
        self.name = name


class Paren(Expr):
    __slots__ = ("inner",)

    def __init__(self, start: int, end: int, inner: Expr) -> None:
        super().__init__(start, end)
        self.inner = inner

    def children(self) -> list[Expr]:
        return [self.inner]


class TupleExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, start: int, end: int, items: list[Expr]) -> None:
        super().__init__(start, end)
        self.items = items

    def children(self) -> list[Expr]:
        return list(self.items)


class ObjectExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, start: int, end: int, items: list[tuple[Expr, Expr]]) -> None:
        super().__init__(start, end)
        self.items = items

    def children(self) -> list[Expr]:
        return [expr for item in self.items for expr in item]

    def get(self, key: str) -> Expr | None:
        found = None
        for name, value in self.items:
            if key_name(name) == key:
                found = value
        return found


class Other(Expr):
    """Anything dehub does not evaluate: operators, conditionals, calls, traversals, `for`."""

    __slots__ = ("parts", "what")

    def __init__(self, start: int, end: int, parts: list[Expr], what: str) -> None:
        super().__init__(start, end)
        self.parts = parts
        self.what = what  # "call", "traversal", "operator", "conditional", "for"

    def children(self) -> list[Expr]:
        return list(self.parts)


class Attribute:
    __slots__ = ("name", "start", "end", "expr")

    def __init__(self, name: str, start: int, end: int, expr: Expr) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.expr = expr


class Block:
    __slots__ = ("type", "labels", "start", "end", "body")

    def __init__(self, type_: str, labels: list[str], start: int, end: int, body: list[Attribute | Block]) -> None:
        self.type = type_
        self.labels = labels
        self.start = start
        self.end = end
        self.body = body

    def attribute(self, name: str) -> Attribute | None:
        found = None
        for item in self.body:
            if isinstance(item, Attribute) and item.name == name:
                found = item
        return found


class Parsed:
    __slots__ = ("body", "comments")

    def __init__(self, body: list[Attribute | Block], comments: list[Comment]) -> None:
        self.body = body
        self.comments = comments


def key_name(expr: Expr) -> str | None:
    """An object key's name: a bare word or a literal string; None for a computed key."""
    if isinstance(expr, Ref):
        return expr.name
    if isinstance(expr, Template):
        value = expr.literal()
        return value.text if value is not None else None
    if isinstance(expr, Paren):
        return key_name(expr.inner)
    return None


def walk(expr: Expr) -> Iterator[Expr]:
    stack = [expr]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def parse(text: str) -> Parsed:
    parser = _Parser(text)
    body = parser.body(top=True)
    return Parsed(body, sorted(parser.comments.values(), key=lambda comment: comment.start))


def _id_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _id_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.comments: dict[int, Comment] = {}
        self.newlines = [False]  # per nesting: whether newlines are blanks there (in (), [], ${})
        self.depth = 0

    # -- blanks and comments

    def skip(self, newlines: bool | None = None) -> None:
        """Skip blanks and comments; newlines too where the nesting (or `newlines`) says so."""
        text = self.text
        size = len(text)
        skip_newlines = self.newlines[-1] if newlines is None else newlines
        at = self.at
        while at < size:
            char = text[at]
            if char in " \t\r\ufeff" or (char == "\n" and skip_newlines):
                at += 1
            elif char == "#" or text.startswith("//", at):
                body = at + (1 if char == "#" else 2)
                end = body
                while end < size and text[end] != "\n":
                    end += 1
                comment_end = end - 1 if end > body and text[end - 1] == "\r" else end
                self.comments[at] = Comment(at, comment_end, body, comment_end)
                at = end
            elif text.startswith("/*", at):
                close = text.find("*/", at + 2)
                if close == -1:
                    raise HclError(at, "unterminated `/*` comment")
                self.comments[at] = Comment(at, close + 2, at + 2, close)
                at = close + 2
            else:
                break
        self.at = at

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def expect(self, char: str, what: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.at):
            raise HclError(self.at, f"expected `{char}` {what}, found {self._found()}")
        self.at += 1

    def _found(self) -> str:
        if self.at >= len(self.text):
            return "the end of the file"
        char = self.text[self.at]
        return "a newline" if char == "\n" else f"`{char}`"

    def identifier(self) -> tuple[str, int, int]:
        text = self.text
        start = self.at
        if start >= len(text) or not _id_start(text[start]):
            raise HclError(start, f"expected a name, found {self._found()}")
        end = start + 1
        while end < len(text) and _id_char(text[end]):
            end += 1
        self.at = end
        return text[start:end], start, end

    # -- bodies

    def body(self, top: bool, opening: int = 0) -> list[Attribute | Block]:
        items: list[Attribute | Block] = []
        text = self.text
        while True:
            self.skip(newlines=True)
            if self.at >= len(text):
                if not top:
                    raise HclError(opening, "this block has no closing `}`")
                return items
            if text[self.at] == "}":
                if top:
                    raise HclError(self.at, "unexpected `}`")
                return items
            name, start, _ = self.identifier()
            self.skip(newlines=False)
            if self.peek() == "=" and not text.startswith("==", self.at):
                self.at += 1
                self.newlines.append(False)
                expr = self.expression()
                self.newlines.pop()
                items.append(Attribute(name, start, expr.end, expr))
                self._end_of_item()
            else:
                items.append(self.block(name, start))

    def _end_of_item(self) -> None:
        self.skip(newlines=False)
        char = self.peek()
        if char in ("", "\n", "}"):
            return
        raise HclError(self.at, f"expected a newline after the attribute, found {self._found()}")

    def block(self, type_: str, start: int) -> Block:
        labels = []
        while True:
            self.skip(newlines=False)
            char = self.peek()
            if char == "{":
                break
            if char == '"':
                label = self.quoted()
                value = label.literal()
                if value is None:
                    raise HclError(label.start, "a block label cannot hold `${`")
                labels.append(value.text)
            elif char and _id_start(char):
                labels.append(self.identifier()[0])
            else:
                raise HclError(self.at, f"expected `=` or a block after `{type_}`, found {self._found()}")
        opening = self.at
        self.at += 1
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise HclError(opening, "nested too deeply")
        self.newlines.append(False)
        body = self.body(top=False, opening=opening)
        self.newlines.pop()
        self.depth -= 1
        self.at += 1  # the `}`
        block = Block(type_, labels, start, self.at, body)
        self.skip(newlines=False)
        if self.peek() not in ("", "\n", "}"):
            raise HclError(self.at, f"expected a newline after the block, found {self._found()}")
        return block

    # -- expressions

    def expression(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise HclError(self.at, "nested too deeply")
        condition = self.binary()
        self.skip()
        if self.peek() == "?":
            self.at += 1
            self.skip()
            yes = self.expression()
            self.expect(":", "in a conditional (`a ? b : c`)")
            self.skip()
            no = self.expression()
            condition = Other(condition.start, no.end, [condition, yes, no], "conditional")
        self.depth -= 1
        return condition

    def binary(self) -> Expr:
        left = self.unary()
        text = self.text
        while True:
            self.skip()
            operator = next((op for op in BINARY_OPERATORS if text.startswith(op, self.at)), None)
            if operator is None or text.startswith(("//", "/*", "=>"), self.at):
                return left
            self.at += len(operator)
            self.skip(newlines=True)
            right = self.unary()
            left = Other(left.start, right.end, [left, right], "operator")

    def unary(self) -> Expr:
        """Prefix `!` and `-` operators (a loop, not recursion: `- - - ... 1` has no depth limit)."""
        self.skip()
        starts = []
        while self.peek() in ("!", "-"):
            starts.append(self.at)
            self.at += 1
            self.skip()
        operand = self.postfix(self.primary())
        for start in reversed(starts):
            operand = Other(start, operand.end, [operand], "operator")
        return operand

    def postfix(self, expr: Expr) -> Expr:
        text = self.text
        while True:
            at = self.at
            if (
                text.startswith(".", at)
                and at + 1 < len(text)
                and (_id_start(text[at + 1]) or text[at + 1].isdigit() or text[at + 1] == "*")
            ):
                self.at = at + 1
                if text[self.at] == "*":
                    self.at += 1
                elif text[self.at].isdigit():
                    while self.at < len(text) and text[self.at].isdigit():
                        self.at += 1
                else:
                    self.identifier()
                expr = Other(expr.start, self.at, [expr], "traversal")
            elif text.startswith("[", at):
                self.at = at + 1
                self.newlines.append(True)
                self.skip()
                if text.startswith("*", self.at):
                    self.at += 1
                    parts = [expr]
                else:
                    parts = [expr, self.expression()]
                self.expect("]", "after an index")
                self.newlines.pop()
                expr = Other(expr.start, self.at, parts, "traversal")
            else:
                return expr

    def primary(self) -> Expr:
        text = self.text
        at = self.at
        char = self.peek()
        if char == '"':
            return self.quoted()
        if text.startswith("<<", at):
            return self.heredoc()
        if char.isdigit():
            return self.number()
        if char == "(":
            self.at += 1
            self.newlines.append(True)
            inner = self.expression()
            self.expect(")", "to close `(`")
            self.newlines.pop()
            return Paren(at, self.at, inner)
        if char == "[":
            return self.tuple()
        if char == "{":
            return self.object()
        if char and _id_start(char):
            name, start, end = self.identifier()
            if name in ("true", "false", "null"):
                return Literal(start, end, name)
            if self.peek() == "(" or (text.startswith("::", self.at)):
                while text.startswith("::", self.at):  # namespaced functions (`provider::x::f`)
                    self.at += 2
                    self.identifier()
                return self.call(start)
            return Ref(start, end, name)
        raise HclError(at, f"expected an expression, found {self._found()}")

    def number(self) -> Literal:
        text = self.text
        start = at = self.at
        while at < len(text) and text[at].isdigit():
            at += 1
        if text.startswith(".", at) and at + 1 < len(text) and text[at + 1].isdigit():
            at += 1
            while at < len(text) and text[at].isdigit():
                at += 1
        if at < len(text) and text[at] in "eE":
            exponent = at + 1
            if exponent < len(text) and text[exponent] in "+-":
                exponent += 1
            if exponent < len(text) and text[exponent].isdigit():
                at = exponent
                while at < len(text) and text[at].isdigit():
                    at += 1
        self.at = at
        return Literal(start, at, text[start:at])

    def call(self, start: int) -> Expr:
        self.expect("(", "to call a function")
        self.newlines.append(True)
        args: list[Expr] = []
        while True:
            self.skip()
            if self.peek() == ")":
                break
            args.append(self.expression())
            self.skip()
            if self.text.startswith("...", self.at):
                self.at += 3
                self.skip()
            if self.peek() == ",":
                self.at += 1
                continue
            if self.peek() != ")":
                self._unclosed(start, "(")
                raise HclError(self.at, f"expected `,` or `)` in a function call, found {self._found()}")
        self.at += 1
        self.newlines.pop()
        return Other(start, self.at, args, "call")

    def _unclosed(self, opening: int, char: str) -> None:
        if self.at >= len(self.text):
            raise HclError(opening, f"this `{char}` is never closed")

    def _keyword(self, word: str) -> bool:
        text = self.text
        end = self.at + len(word)
        return text.startswith(word, self.at) and (end >= len(text) or not _id_char(text[end]))

    def tuple(self) -> Expr:
        start = self.at
        self.at += 1
        self.newlines.append(True)
        self.skip()
        if self._keyword("for"):
            expr = self.for_expression(start, "]")
            self.newlines.pop()
            return expr
        items: list[Expr] = []
        while True:
            self.skip()
            if self.peek() == "]":
                break
            items.append(self.expression())
            self.skip()
            if self.peek() == ",":
                self.at += 1
                continue
            if self.peek() != "]":
                self._unclosed(start, "[")
                raise HclError(self.at, f"expected `,` or `]` in a list, found {self._found()}")
        self.at += 1
        self.newlines.pop()
        return TupleExpr(start, self.at, items)

    def object(self) -> Expr:
        start = self.at
        self.at += 1
        self.skip(newlines=True)
        if self._keyword("for"):
            self.newlines.append(True)
            expr = self.for_expression(start, "}")
            self.newlines.pop()
            return expr
        items: list[tuple[Expr, Expr]] = []
        self.newlines.append(False)
        while True:
            self.skip(newlines=True)
            if self.peek() == "}":
                break
            key = self.expression()
            self.skip()
            if self.peek() not in ("=", ":") or self.text.startswith("==", self.at):
                raise HclError(self.at, f"expected `=` or `:` after an object key, found {self._found()}")
            self.at += 1
            value = self.expression()
            items.append((key, value))
            self.skip(newlines=False)
            char = self.peek()
            if char == ",":
                self.at += 1
            elif char not in ("\n", "}"):
                self._unclosed(start, "{")
                raise HclError(self.at, f"expected `,`, a newline or `}}` in an object, found {self._found()}")
        self.at += 1
        self.newlines.pop()
        return ObjectExpr(start, self.at, items)

    def for_expression(self, start: int, closing: str) -> Expr:
        self.at += 3
        parts: list[Expr] = []
        self.skip()
        self.identifier()
        self.skip()
        if self.peek() == ",":
            self.at += 1
            self.skip()
            self.identifier()
            self.skip()
        if not self._keyword("in"):
            raise HclError(self.at, f"expected `in` in a `for` expression, found {self._found()}")
        self.at += 2
        parts.append(self.expression())
        self.expect(":", "in a `for` expression")
        parts.append(self.expression())
        self.skip()
        if closing == "}" and self.text.startswith("=>", self.at):
            self.at += 2
            parts.append(self.expression())
            self.skip()
            if self.text.startswith("...", self.at):
                self.at += 3
                self.skip()
        if self._keyword("if"):
            self.at += 2
            parts.append(self.expression())
        self.expect(closing, "to close the `for` expression")
        return Other(start, self.at, parts, "for")

    # -- templates

    def quoted(self) -> Template:
        start = self.at
        self.at += 1
        parts = self.template_parts(quoted=True, end=len(self.text), opening=start)
        if not self.text.startswith('"', self.at):
            raise HclError(start, "unterminated string")
        self.at += 1
        return Template(start, self.at, parts, heredoc=False, flush=False)

    def heredoc(self) -> Template:
        text = self.text
        start = self.at
        self.at += 2
        flush = text.startswith("-", self.at)
        if flush:
            self.at += 1
        marker, _, _ = self.identifier()
        line_end = text.find("\n", self.at)
        if line_end == -1 or text[self.at : line_end].strip():
            raise HclError(self.at, "a heredoc marker must end its line")
        content = line_end + 1
        at = content
        while True:
            if at >= len(text):
                raise HclError(start, f"unterminated heredoc: no line `{marker}`")
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            if text[at:end].strip() == marker:
                break
            at = end + 1
        close = text.find(marker, at)
        self.at = content
        parts = self.template_parts(quoted=False, end=at)
        self.at = close + len(marker)
        return Template(start, self.at, parts, heredoc=True, flush=flush)

    def template_parts(self, quoted: bool, end: int, opening: int = 0) -> list[Value | Expr | None]:
        """Literal pieces and interpolations up to `end` (a heredoc) or the closing quote."""
        text = self.text
        parts: list[Value | Expr | None] = []
        chars: list[str] = []
        origins: list[int] = []

        def flush() -> None:
            if chars:
                parts.append(Value("".join(chars), list(origins)))
                chars.clear()
                origins.clear()

        at = self.at
        while at < end:
            char = text[at]
            if quoted and char == '"':
                break
            if quoted and char == "\n":
                raise HclError(opening, "unterminated string (a quoted string cannot span lines: use a heredoc)")
            if quoted and char == "\\":
                at = self._escape(at, chars, origins)
                continue
            if char in "$%" and text.startswith(char * 2 + "{", at):  # `$${` / `%%{`: literal
                chars.extend((char, "{"))
                origins.extend((SYNTHETIC, SYNTHETIC))
                at += 3
                continue
            if char in "$%" and text.startswith("{", at + 1):
                flush()
                self.at = at + 2
                if text.startswith("~", self.at):
                    self.at += 1
                self.newlines.append(True)
                if char == "$":
                    parts.append(self.expression())
                    self.skip()
                    if text.startswith("~", self.at):
                        self.at += 1
                    self.expect("}", "to close `${`")
                else:
                    self._directive()
                    parts.append(None)
                self.newlines.pop()
                at = self.at
                continue
            chars.append(char)
            origins.append(at)
            at += 1
        flush()
        self.at = at
        return parts

    def _escape(self, at: int, chars: list[str], origins: list[int]) -> int:
        text = self.text
        kind = text[at + 1 : at + 2]
        if kind in ESCAPES:
            chars.append(ESCAPES[kind])
            origins.append(SYNTHETIC)
            return at + 2
        if kind in ("u", "U"):
            size = 4 if kind == "u" else 8
            digits = text[at + 2 : at + 2 + size]
            if len(digits) != size or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise HclError(at, f"invalid `\\{kind}` escape")
            chars.append(chr(int(digits, 16)))
            origins.append(SYNTHETIC)
            return at + 2 + size
        raise HclError(at, f"invalid escape `\\{kind}` in a string")

    def _directive(self) -> None:
        """Skip a `%{ ... }` directive (`if`, `else`, `endif`, `for`, `endfor`)."""
        text = self.text
        at = self.at
        while at < len(text) and text[at] != "}":
            if text[at] == '"':
                self.at = at
                self.quoted()
                at = self.at
                continue
            at += 1
        if at >= len(text):
            raise HclError(self.at, "unterminated `%{` directive")
        self.at = at + 1
