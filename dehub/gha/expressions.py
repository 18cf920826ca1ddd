"""GitHub Actions `${{ ... }}` expressions: found in a scalar and substituted, keeping origins.

The runner substitutes expressions before anything else reads the text (the shell sees the
script after substitution), so dehub does the same: `${{ matrix.image }}` becomes the matrix
literal, with that literal's source offsets, so a fix lands on the matrix entry. Only what the
file itself defines is evaluated: `matrix.*`, `env.*`, `inputs.*` (and
`github.event.inputs.*`), literals, `format()`, `!`, and the `&&` / `||` that pick between
them; anything else (`secrets`, `vars`, `needs`, `github.event_name`, comparisons, other
functions) stays unknown, shown as written, and an image it feeds is reported as unresolved
rather than guessed.

An expression may have several outcomes: `a || b` is `a` when `a` is truthy, else `b`;
`a && b` is `b` when `a` is truthy, else `a`; when dehub cannot know whether `a` is truthy
(`github.event_name == 'push' && 'node:20' || 'node:18'`, `secrets.IMAGE || 'node:20'`)
both branches are outcomes, and a text holding such expressions has one variant per
combination of outcomes. An input's default is its value (a caller may pass another, as
everywhere in dehub); an input without a default, or an `env` name the file does not set,
is falsy with an unknown text: before `||` the fallback is taken, alone it is unresolved.
"""

from __future__ import annotations

from ..runbudget import unknown_name
from ..tracked import Tracked, TrackedBuilder
from ..value import UNKNOWN, Builder, Choice, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal

    from yaml.nodes import Node as YamlNode

    # The parsed expression (see "parsing" below): tuples tagged by their first item.
    StrNode = tuple[Literal["str"], int, int]
    NumNode = tuple[Literal["num"], int, int]
    KwNode = tuple[Literal["kw"], int, int]
    IdNode = tuple[Literal["id"], int, int]  # inside the parser only: it becomes a path
    PathNode = tuple[Literal["path"], int, int, "tuple[str, ...] | None"]
    CallNode = tuple[Literal["call"], int, int, str, "tuple[Node, ...]"]
    NotNode = tuple[Literal["not"], int, int, "Node"]
    CmpNode = tuple[Literal["cmp"], int, int]
    LogicalNode = tuple[Literal["and", "or"], int, int, "Node", "Node"]
    Node = StrNode | NumNode | KwNode | PathNode | CallNode | NotNode | CmpNode | LogicalNode

OPEN, CLOSE = "${{", "}}"
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
MAX_OUTCOMES = 16  # outcomes of one expression before dehub calls it unknown
MAX_VARIANTS = 16  # variants of one text (the product over its expressions), likewise
MAX_PARSED = 4096  # parsed expressions remembered (matrix combinations evaluate the same text again)
# The matrix of the combinations past the per-file budget (dehub.runbudget): every key unknown.
UNREAD: dict[str, object] = {}


class Scope:
    """What an expression may read at one place in the file.

    `matrix` maps lower-cased keys to Values (or None: the matrix cannot be known statically);
    `env` and `inputs` map lower-cased names to Values, or None for a name without a value.
    A context that is not available at a site (env in `jobs.<id>.container`) is None.
    """

    __slots__ = ("matrix", "env", "inputs")

    def __init__(
        self,
        matrix: dict[str, object] | None = None,
        env: Mapping[str, Value | None] | None = None,
        inputs: dict[str, Value | None] | None = None,
    ) -> None:
        self.matrix = matrix
        self.env = env
        self.inputs = inputs


class Falsy(Value):
    """A YAML scalar GitHub reads as `false`, `0` or `null` (a matrix value, an input default):
    falsy in an expression although its text is not empty."""

    __slots__ = ()


def typed(node: YamlNode, value: Value) -> Value:
    """A scalar's value, marked `Falsy` when it is a plain YAML false, null or zero (YAML 1.2
    core schema, as GitHub reads workflows: `no` and `off` are strings)."""
    from .. import yamlsource as ys

    if ys.style(node) != "":
        return value
    text = value.text.strip()
    if text in ("false", "False", "FALSE", "null", "Null", "NULL", "~", "") or _is_zero(text):
        return Falsy(value.text, value.origins, value.variables, value.unresolved)
    return value


def _is_zero(text: str) -> bool:
    if not text or text[0] not in "+-.0123456789":
        return False
    try:
        number = float(text) if text[:2].lower() not in ("0x", "0o") else int(text, 0)
    except ValueError:
        return False
    return number == 0 or number != number  # NaN is falsy too


class Outcome:
    """One value an expression may have: its text with origins (None: unknown) and whether it
    is truthy (None: unknown). `name` says what is unknown, for the message."""

    __slots__ = ("value", "truthy", "name")

    def __init__(self, value: Value | None, truthy: bool | None, name: str = "") -> None:
        self.value = value
        self.truthy = truthy
        self.name = name

    def __repr__(self) -> str:
        shown = self.name if self.value is None else repr(self.value.text)
        return f"Outcome({shown}, {self.truthy})"

    def key(self) -> tuple[object, ...]:
        value = self.value
        if value is None:
            return ("?", self.name, self.truthy)
        return (value.text, tuple(value.origins), self.truthy)


def find(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `${{ ... }}` in text; a `}}` inside a quoted string does not close."""
    out = []
    pos = text.find(OPEN)
    while pos != -1:
        index = pos + 3
        quoted = False
        end = -1
        while index < len(text):
            char = text[index]
            if char == "'":
                quoted = not quoted  # '' inside a string toggles twice: still right
            elif not quoted and text.startswith(CLOSE, index):
                end = index + 2
                break
            index += 1
        if end == -1:
            break
        out.append((pos, end))
        pos = text.find(OPEN, end)
    return out


def substitute(value: Value, scope: Scope) -> Value:
    """The value with every expression replaced by what it evaluates to; an expression with
    several outcomes is unknown here (`variants` gives each)."""
    return substitute_tracked(value, scope).value


def substitute_tracked(value: Value, scope: Scope) -> Tracked:
    """`substitute`, knowing where each character was written."""
    return variants(value, scope, 1)[0]


def substitute_choice(value: Value, scope: Scope) -> Value:
    """The substituted value, or a `Choice` of its variants when it has several (an `env:` value)."""
    found = variants(value, scope)
    if len(found) == 1:
        return found[0].value
    return Choice(substitute(value, scope), tuple(variant.value for variant in found))


def variants(value: Value, scope: Scope, limit: int = MAX_VARIANTS) -> list[Tracked]:
    """The value with its expressions substituted, once per combination of their outcomes
    (distinct results only), each knowing where its characters were written. Past `limit`
    combinations, the expressions that would multiply them further are unknown."""
    text = value.text
    spans = find(text) if OPEN in text else []
    if not spans:
        return [Tracked.plain(value)]
    origins = value.origins
    chosen: list[list[Outcome]] = []
    count = 1
    for start, end in spans:
        inner = Value(text[start + 3 : end - 2], origins[start + 3 : end - 2])
        found = outcomes(inner, scope)
        if count * len(found) > limit:
            found = [Outcome(None, None, inner.text.strip())]
        count *= len(found)
        chosen.append(found)
    out: list[Tracked] = []
    seen: set[tuple[object, ...]] = set()
    for picks in _product(chosen):
        tracked = _substituted(value, spans, picks)
        key = (tracked.value.text, tuple(tracked.value.origins), tuple(tracked.value.unresolved))
        if key not in seen:
            seen.add(key)
            out.append(tracked)
    return out


def _product(lists: list[list[Outcome]]) -> list[list[Outcome]]:
    combinations: list[list[Outcome]] = [[]]
    for options in lists:
        combinations = [[*picked, option] for picked in combinations for option in options]
    return combinations


def _substituted(value: Value, spans: list[tuple[int, int]], picks: list[Outcome]) -> Tracked:
    text, origins = value.text, value.origins
    out = TrackedBuilder()
    cursor = 0

    for (start, end), outcome in zip(spans, picks, strict=True):
        out.copy(value, cursor, start)
        written = (origins[start], origins[end - 1] + 1 if origins[end - 1] >= 0 else -1)
        if outcome.value is None:
            out.unknown(text[start:end], outcome.name, written)
        else:
            out.put(outcome.value, written)
        cursor = end
    out.copy(value, cursor, len(text))
    return out.tracked()


def evaluate(expression: Value, scope: Scope) -> Value | None:
    """The value of an expression when it has exactly one known outcome, else None."""
    found = outcomes(expression, scope)
    if len(found) == 1 and found[0].value is not None:
        return found[0].value
    return None


def outcomes(expression: Value, scope: Scope) -> list[Outcome]:
    """Every value the expression (the text between `${{` and `}}`) may have, once each."""
    text = expression.text
    try:
        node = _parsed[text]
    except KeyError:
        if len(_parsed) >= MAX_PARSED:
            _parsed.clear()
        try:
            node = _parsed[text] = _Parser(text).parse()
        except _ParseError:
            node = _parsed[text] = None
    if node is None:
        return [Outcome(None, None, text.strip())]
    return _Evaluator(expression, scope).run(node)


# --- parsing -----------------------------------------------------------------------------
# A node is a tuple: (kind, start, end, *details), offsets into the expression's text.
#   ("str", s, e)                a string literal, quotes included
#   ("num", s, e), ("kw", s, e)  a number; true, false or null
#   ("path", s, e, parts)        `matrix.os.image`, `matrix['os']`: lower-cased parts; None
#                                when not a plain path (`a.*.b`, `a[matrix.i]`)
#   ("call", s, e, name, args)   a function call
#   ("not", s, e, operand), ("cmp", s, e)   `!x`; a comparison (not evaluated)
#   ("and", s, e, left, right), ("or", s, e, left, right)

_parsed: dict[str, Node | None] = {}
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".", ",", "*")
_COMPARISONS = frozenset(("==", "!=", "<=", ">=", "<", ">"))


class _ParseError(Exception):
    pass


class _Parser:
    """Recursive descent over GitHub's expression grammar, by precedence: `||`, `&&`,
    `==`/`!=`, `<`/`<=`/`>`/`>=`, `!`, then property access and calls."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokens(text)
        self.index = 0

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, int, int]]:
        tokens = []
        index = 0
        size = len(text)
        while index < size:
            char = text[index]
            if char in " \t\r\n":
                index += 1
                continue
            start = index
            if char == "'":
                index += 1
                while True:
                    close = text.find("'", index)
                    if close == -1:
                        raise _ParseError
                    if text.startswith("''", close):
                        index = close + 2
                        continue
                    index = close + 1
                    break
                tokens.append(("str", start, index))
            elif char.isdigit() or (char == "-" and index + 1 < size and text[index + 1].isdigit()):
                index += 1
                while index < size and (text[index].isalnum() or text[index] in "._+-"):
                    index += 1
                tokens.append(("num", start, index))
            elif char.isalpha() or char == "_":
                while index < size and text[index] in NAME_CHARS:
                    index += 1
                tokens.append(("id", start, index))
            else:
                for operator in _OPERATORS:
                    if text.startswith(operator, index):
                        index += len(operator)
                        tokens.append((operator, start, index))
                        break
                else:
                    raise _ParseError
        return tokens

    def peek(self) -> str:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else ""

    def take(self, kind: str) -> tuple[str, int, int]:
        if self.peek() != kind:
            raise _ParseError
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.or_()
        if self.index != len(self.tokens):
            raise _ParseError
        return node

    def or_(self) -> Node:
        left = self.and_()
        while self.peek() == "||":
            self.index += 1
            right = self.and_()
            left = ("or", left[1], right[2], left, right)
        return left

    def and_(self) -> Node:
        left = self.comparison()
        while self.peek() == "&&":
            self.index += 1
            right = self.comparison()
            left = ("and", left[1], right[2], left, right)
        return left

    def comparison(self) -> Node:
        left = self.unary()
        while self.peek() in _COMPARISONS:
            self.index += 1
            right = self.unary()
            left = ("cmp", left[1], right[2])
        return left

    def unary(self) -> Node:
        if self.peek() == "!":
            start = self.take("!")[1]
            operand = self.unary()
            return ("not", start, operand[2], operand)
        return self.postfix()

    def postfix(self) -> Node:
        first = self.primary()
        node: Node
        parts: list[str] | None
        if first[0] == "id":
            parts = [self.text[first[1] : first[2]].lower()]
            node = ("path", first[1], first[2], None)
        else:
            parts = None
            node = first
        while self.peek() in (".", "["):
            if self.take(self.peek())[0] == ".":
                token = self.tokens[self.index] if self.index < len(self.tokens) else ("", 0, 0)
                if token[0] not in ("id", "*"):
                    raise _ParseError
                self.index += 1
                if parts is not None:
                    parts = None if token[0] == "*" else [*parts, self.text[token[1] : token[2]].lower()]
                end = token[2]
            else:
                index = self.or_()
                end = self.take("]")[2]
                if parts is not None:
                    parts = [*parts, self._string(index).lower()] if index[0] == "str" else None
            node = ("path", node[1], end, None)
        if node[0] == "path":
            node = ("path", node[1], node[2], tuple(parts) if parts is not None else None)
        return node

    def _string(self, node: Node) -> str:
        return self.text[node[1] + 1 : node[2] - 1].replace("''", "'")

    def primary(self) -> Node | IdNode:
        kind = self.peek()
        if kind == "str" or kind == "num":
            start, end = self.take(kind)[1:]
            return ("str", start, end) if kind == "str" else ("num", start, end)
        if kind == "(":
            self.index += 1
            inner = self.or_()
            self.take(")")
            return inner
        if kind != "id":
            raise _ParseError
        token = self.take("id")
        word = self.text[token[1] : token[2]]
        if self.peek() == "(":
            self.index += 1
            args: list[Node] = []
            if self.peek() != ")":
                args.append(self.or_())
                while self.peek() == ",":
                    self.index += 1
                    args.append(self.or_())
            end = self.take(")")[2]
            return ("call", token[1], end, word.lower(), tuple(args))
        if word in ("true", "false", "null"):
            return ("kw", token[1], token[2])
        return ("id", token[1], token[2])


# --- evaluation --------------------------------------------------------------------------

_EMPTY = Value("", [])
_OPAQUE = Value("", [])


class _Evaluator:
    """Outcomes of a parsed expression over a scope; `expression` supplies text and origins."""

    __slots__ = ("expression", "scope")

    def __init__(self, expression: Value, scope: Scope) -> None:
        self.expression = expression
        self.scope = scope

    def run(self, node: Node) -> list[Outcome]:
        found = self.node(node)
        return found if len(found) <= MAX_OUTCOMES else [self.unknown(node)]

    def name(self, node: Node) -> str:
        return self.expression.text[node[1] : node[2]].strip()

    def unknown(self, node: Node, truthy: bool | None = None) -> Outcome:
        return Outcome(None, truthy, self.name(node))

    def slice(self, start: int, end: int) -> Value:
        return Value(self.expression.text[start:end], self.expression.origins[start:end])

    def node(self, node: Node) -> list[Outcome]:
        if node[0] == "str":
            value = _string_literal(self.slice(node[1], node[2]))
            return [Outcome(value, bool(value.text))]
        if node[0] == "path":
            return self.path(node)
        if node[0] == "or" or node[0] == "and":
            return self.logical(node)
        if node[0] == "call":
            return self.call(node) if node[3] == "format" else [self.unknown(node)]
        if node[0] == "not":
            return _unique([self.negated(outcome, node) for outcome in self.node(node[3])])
        if node[0] == "num":
            value = self.slice(node[1], node[2])
            return [Outcome(value, not _is_zero(value.text))]
        if node[0] == "kw":
            word = self.expression.text[node[1] : node[2]]
            if word == "null":
                return [Outcome(_EMPTY, False)]
            return [Outcome(self.slice(node[1], node[2]), word == "true")]
        return [self.unknown(node)]  # a comparison

    def logical(self, node: LogicalNode) -> list[Outcome]:
        """`a || b`: a if truthy, else b. `a && b`: b if a is truthy, else a. An `a` whose
        truthiness is unknown leads both ways; the way it is falsy, its value is falsy."""
        found: list[Outcome] = []
        right: list[Outcome] | None = None
        for outcome in self.node(node[3]):
            if outcome.truthy is not False:
                if node[0] == "or":
                    found.append(Outcome(outcome.value, True, outcome.name))
                else:
                    right = self.node(node[4]) if right is None else right
                    found.extend(right)
            if outcome.truthy is not True:
                if node[0] == "and":
                    found.append(Outcome(outcome.value, False, outcome.name))
                else:
                    right = self.node(node[4]) if right is None else right
                    found.extend(right)
        return _unique(found)

    def negated(self, outcome: Outcome, node: Node) -> Outcome:
        if outcome.truthy is None:
            return self.unknown(node)
        return Outcome(Value.synthetic("false" if outcome.truthy else "true"), not outcome.truthy)

    def path(self, node: PathNode) -> list[Outcome]:
        parts = node[3]
        scope = self.scope
        name = self.name(node)
        if parts is None:
            return [Outcome(None, None, name)]
        head, rest = parts[0], list(parts[1:])
        if head == "matrix" and scope.matrix is UNREAD:
            return [Outcome(None, None, unknown_name(name))]
        if head == "matrix" and scope.matrix is not None and rest:
            found = _lookup(scope.matrix, rest)
            if found is _OPAQUE:
                return [Outcome(None, True, name)]  # an object or a list: truthy, not a string
            if found is None:
                return [Outcome(_EMPTY, False)]  # a key this combination lacks reads as ''
            return [Outcome(found, _truthy(found))]
        if head == "env" and scope.env is not None and len(rest) == 1:
            return _named(scope.env, rest[0], name)
        if head == "inputs" and scope.inputs is not None and len(rest) == 1:
            return _named(scope.inputs, rest[0], name)
        if head == "github" and rest[:2] == ["event", "inputs"] and scope.inputs is not None and len(rest) == 3:
            return _named(scope.inputs, rest[2], name, strings=True)  # the event's inputs are strings
        return [Outcome(None, None, name)]

    def call(self, node: CallNode) -> list[Outcome]:
        """`format('{0}:{1}', matrix.image, matrix.tag)`: the template with each `{N}` replaced,
        once per combination of the arguments' outcomes."""
        args = node[4]
        if not args or args[0][0] != "str":
            return [self.unknown(node)]
        template = _string_literal(self.slice(args[0][1], args[0][2]))
        chosen = [self.node(arg) for arg in args[1:]]
        count = 1
        for options in chosen:
            count *= len(options)
        if count > MAX_OUTCOMES:
            return [self.unknown(node)]
        found = []
        for picks in _product(chosen):
            values = [pick.value for pick in picks if pick.value is not None]
            formatted = _format(template, values) if len(values) == len(picks) else None
            found.append(self.unknown(node) if formatted is None else Outcome(formatted, bool(formatted.text)))
        return _unique(found)


def _unique(found: list[Outcome]) -> list[Outcome]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for outcome in found:
        key = outcome.key()
        if key not in seen:
            seen.add(key)
            out.append(outcome)
    return out


def _truthy(value: Value) -> bool | None:
    """A string is truthy unless empty; a typed YAML false, null or zero is falsy; a value
    with unknown parts is truthy when any part is known (it is not empty)."""
    if isinstance(value, Falsy) or not value.text:
        return False
    origins = value.origins
    if UNKNOWN not in origins:
        return True
    return True if any(origin != UNKNOWN for origin in origins) else None


def _named(names: Mapping[str, Value | None], name: str, shown: str, strings: bool = False) -> list[Outcome]:
    """An env or input value; a name without one is falsy with an unknown text (see the module doc)."""
    value = names.get(name)
    if value is None:
        return [Outcome(None, False, shown)]
    values = value.alternatives if isinstance(value, Choice) else (value,)
    found = []
    for one in values:
        if strings and isinstance(one, Falsy):
            one = Value(one.text, one.origins, one.variables, one.unresolved)
        found.append(Outcome(one, _truthy(one)))
    return found


def _format(template: Value, values: list[Value]) -> Value | None:
    """The template with each `{N}` replaced; None for a placeholder with no argument."""
    out = Builder()
    text, origins = template.text, template.origins
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("{{", index) or text.startswith("}}", index):
            out.add(char, origins[index])
            index += 2
            continue
        if char == "{":
            close = text.find("}", index)
            number = text[index + 1 : close] if close != -1 else ""
            if not number.isdigit() or int(number) >= len(values):
                return None  # GitHub fails the run on a bad placeholder
            out.extend(values[int(number)])
            index = close + 1
            continue
        out.add(char, origins[index])
        index += 1
    return out.build()


def _lookup(matrix: dict[str, object], path: list[str]) -> Value | None:
    """A matrix value; None for a missing key (GitHub reads it as ''). A list or mapping value
    (used whole, as JSON) is not a string dehub can place: `_OPAQUE`."""
    found: object = matrix
    for key in path:
        if not isinstance(found, dict) or key not in found:
            return None
        found = found[key]
    return found if isinstance(found, Value) else _OPAQUE


def _string_literal(literal: Value) -> Value:
    """`'it''s'` -> `it's`, each character keeping its origin (the tokenizer checked the quotes)."""
    text, origins = literal.text, literal.origins
    out = Builder()
    index = 1
    last = len(text) - 1
    while index < last:
        out.add(text[index], origins[index])
        index += 2 if text.startswith("''", index) else 1
    return out.build()
