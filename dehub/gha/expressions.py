"""GitHub Actions `${{ ... }}` expressions: found in a scalar and substituted, keeping origins.

The runner substitutes expressions before anything else reads the text (the shell sees the
script after substitution), so dehub does the same: `${{ matrix.image }}` becomes the matrix
literal, with that literal's source offsets, so a fix lands on the matrix entry. Only what the
file itself defines is evaluated: `matrix.*`, `env.*`, `inputs.*` (and
`github.event.inputs.*`), string literals and `a || b`; anything else stays unknown, shown as
written, and the image it feeds is reported as unresolved rather than guessed.
"""

from __future__ import annotations

from ..tracked import Tracked
from ..value import UNKNOWN, Builder, Value

OPEN, CLOSE = "${{", "}}"
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


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
        env: dict[str, Value | None] | None = None,
        inputs: dict[str, Value | None] | None = None,
    ) -> None:
        self.matrix = matrix
        self.env = env
        self.inputs = inputs


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
    """The value with every expression replaced by what it evaluates to (unknown if it cannot be)."""
    return substitute_tracked(value, scope).value


def substitute_tracked(value: Value, scope: Scope) -> Tracked:
    """The value with its expressions substituted, knowing where each character was written."""
    text = value.text
    origins = value.origins
    spans = find(text) if OPEN in text else []
    if not spans:
        return Tracked.plain(value)
    out = Builder()
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0

    def copy(first: int, last: int) -> None:
        out.extend(Value(text[first:last], origins[first:last]))
        for origin in origins[first:last]:
            starts.append(origin)
            ends.append(origin + 1 if origin >= 0 else origin)

    for start, end in spans:
        copy(cursor, start)
        inner = Value(text[start + 3 : end - 2], origins[start + 3 : end - 2])
        result = evaluate(inner, scope)
        before = len(out.origins)
        if result is None:
            out.add_unknown(text[start:end], text[start + 3 : end - 2].strip())
        else:
            out.extend(result)
        added = len(out.origins) - before
        starts.extend([origins[start]] * added)
        ends.extend([origins[end - 1] + 1 if origins[end - 1] >= 0 else -1] * added)
        cursor = end
    copy(cursor, len(text))
    return Tracked(out.build(), starts, ends)


def evaluate(expression: Value, scope: Scope) -> Value | None:
    """The value of `a || b || 'literal'` over the contexts dehub knows, or None when unknown."""
    alternatives = _split_or(expression)
    for index, part in enumerate(alternatives):
        last = index == len(alternatives) - 1
        result = _operand(part, scope, fallback=not last)
        if result is _EMPTY:
            if last:
                return Value("", [])
            continue  # an input without a default, or an empty literal: falsy, take the next
        if result is None:
            return None
        if result.text or last:
            return result
    return None


_EMPTY = Value("", [])
_OPAQUE = Value("", [])


def _operand(part: Value, scope: Scope, fallback: bool) -> Value | None:
    """One operand: a string literal or a property path; `_EMPTY` for a known-falsy one."""
    text = part.text
    stripped = text.strip()
    if not stripped:
        return None
    lead = len(text) - len(text.lstrip())
    if stripped[0] == "'":
        return _string_literal(text[lead:], part.origins[lead:])
    if stripped[:7].lower() == "format(" and stripped.endswith(")"):
        close = lead + len(stripped) - 1
        return _format(Value(text[lead + 7 : close], part.origins[lead + 7 : close]), scope)
    path = _property_path(stripped.lower())
    if path is None:
        return None
    head, rest = path[0], path[1:]
    if head == "matrix" and scope.matrix is not None and rest:
        found = _lookup(scope.matrix, rest)
        if found is _OPAQUE:
            return None
        return _EMPTY if found is None else found  # a key this combination lacks reads as ''

    if head == "env" and scope.env is not None and len(rest) == 1:
        return _known_or_empty(scope.env, rest[0], fallback)
    if head == "inputs" and scope.inputs is not None and len(rest) == 1:
        return _known_or_empty(scope.inputs, rest[0], fallback)
    if head == "github" and rest[:2] == ["event", "inputs"] and scope.inputs is not None and len(rest) == 3:
        return _known_or_empty(scope.inputs, rest[2], fallback)
    return None


def _format(arguments: Value, scope: Scope) -> Value | None:
    """`format('{0}:{1}', matrix.image, matrix.tag)`: the template with each `{N}` replaced."""
    parts = _split_top_level(arguments)
    if not parts:
        return None
    template = _operand(parts[0], scope, fallback=False)
    if template is None or not parts[0].text.strip().startswith("'"):
        return None
    values = []
    for part in parts[1:]:
        value = evaluate(part, scope)
        if value is None:
            return None
        values.append(value)
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


def _split_top_level(arguments: Value) -> list[Value]:
    """Split function arguments on commas outside string literals and parentheses."""
    text, origins = arguments.text, arguments.origins
    parts = []
    depth = 0
    quoted = False
    cursor = 0
    for index, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(Value(text[cursor:index], origins[cursor:index]))
            cursor = index + 1
    parts.append(Value(text[cursor:], origins[cursor:]))
    return parts if text.strip() else []


def _known_or_empty(names: dict[str, Value | None], name: str, fallback: bool) -> Value | None:
    """A declared name without a value is falsy before `||` (like `${X:-default}`), else unknown."""
    if name not in names:
        return _EMPTY if fallback else None
    value = names[name]
    if value is None:
        return _EMPTY if fallback else None
    if UNKNOWN in value.origins and fallback:
        return None
    return value


def _lookup(matrix: dict[str, object], path: list[str]) -> Value | None:
    """A matrix value; None for a missing key (GitHub reads it as ''). A list or mapping value
    (used whole, as JSON) is not a string dehub can place: unknown."""
    found: object = matrix
    for key in path:
        if not isinstance(found, dict) or key not in found:
            return None
        found = found[key]
    return found if isinstance(found, Value) else _OPAQUE


def _string_literal(text: str, origins: list[int]) -> Value | None:
    """`'it''s'` -> `it's`, each character keeping its origin."""
    out = Builder()
    index = 1
    while index < len(text):
        char = text[index]
        if char == "'":
            if text.startswith("''", index):
                out.add("'", origins[index])
                index += 2
                continue
            if text[index + 1 :].strip():
                return None  # something after the literal: an operator dehub does not evaluate
            return out.build()
        out.add(char, origins[index])
        index += 1
    return None


def _property_path(text: str) -> list[str] | None:
    """`matrix.os.name` or `matrix['os']` -> ['matrix', 'os', 'name']; None for anything else."""
    parts: list[str] = []
    index = 0
    while index < len(text):
        if parts and text[index] == ".":
            index += 1
        elif parts and text[index] == "[":
            name = _quoted_at(text, index + 1)
            close = text.find("]", index)
            if not name or close == -1:
                return None
            parts.append(name)
            index = close + 1
            continue
        elif parts:
            return None
        name = _name_at(text, index)
        if not name:
            return None
        parts.append(name)
        index += len(name)
    return parts or None


def _name_at(text: str, index: int) -> str:
    end = index
    while end < len(text) and text[end] in NAME_CHARS:
        end += 1
    return text[index:end]


def _quoted_at(text: str, index: int) -> str:
    if index >= len(text) or text[index] != "'":
        return ""
    end = text.find("'", index + 1)
    return text[index + 1 : end] if end != -1 else ""


def _split_or(expression: Value) -> list[Value]:
    """Split on `||` outside string literals."""
    text, origins = expression.text, expression.origins
    parts = []
    quoted = False
    cursor = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and text.startswith("||", index):
            parts.append(Value(text[cursor:index], origins[cursor:index]))
            index += 2
            cursor = index
            continue
        index += 1
    parts.append(Value(text[cursor:], origins[cursor:]))
    return parts
