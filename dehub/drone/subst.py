"""`${VAR}` substitution as Drone and Woodpecker apply it to the file before they read it.

Both substitute `${NAME}` and `$NAME` (values they set when the pipeline runs: build metadata,
Woodpecker's `matrix:`), the `${NAME:-default}` family, and turn `$$` into `$` (the escape a
command uses to hand `$HOME` to the shell). dehub knows only the values written in the file
(a Woodpecker or Drone 0.8 `matrix:`): other names are unknown in an image, and in a command
they are left as written for the shell reader, which knows the step's `environment:`.
Every character keeps where it was written (`Tracked`), so a fix lands on the literal that
supplies it: a matrix value, or a `${NAME:-node:20}` default.
"""

from __future__ import annotations

from ..expand import NAME_CHARS, NAME_START
from ..tracked import Tracked, TrackedBuilder
from ..value import Value

DEFAULT_OPERATORS = (":-", ":=", "-", "=")
MAX_DEPTH = 20

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def substitute(value: Value, variables: Mapping[str, Value], keep_unknown: bool) -> Tracked:
    """`value` with `$$`, and the variables dehub knows, substituted. An unknown variable is
    an UNKNOWN part named after it, or (`keep_unknown`, a command) its text as written."""
    if "$" not in value.text:
        return Tracked.plain(value)
    out = TrackedBuilder()
    _run(value, variables, keep_unknown, out, 0)
    return out.tracked()


def _written(value: Value, first: int, last: int) -> tuple[int, int]:
    origins = value.origins
    start = origins[first] if origins[first] >= 0 else -1
    end = origins[last - 1] + 1 if origins[last - 1] >= 0 else -1
    return start, end


def _run(value: Value, variables: Mapping[str, Value], keep_unknown: bool, out: TrackedBuilder, depth: int) -> None:
    text = value.text
    length = len(text)
    cursor = 0
    index = text.find("$")
    while index != -1 and index < length - 1:
        nxt = text[index + 1]
        if nxt == "$":
            out.copy(value, cursor, index + 1)  # `$$` is one `$`, written as two
            out.starts[-1], out.ends[-1] = _written(value, index, index + 2)
            cursor = index + 2
        elif nxt == "{":
            close = _closing(text, index + 2)
            if close == -1:
                break  # an unclosed `${`: left as written
            out.copy(value, cursor, index)
            _braced(value, index, close, variables, keep_unknown, out, depth)
            cursor = close + 1
        elif nxt in NAME_START:
            end = index + 1
            while end < length and text[end] in NAME_CHARS:
                end += 1
            out.copy(value, cursor, index)
            _named(value, index, end, text[index + 1 : end], variables, keep_unknown, out)
            cursor = end
        else:
            index = text.find("$", index + 1)
            continue
        index = text.find("$", cursor)
    out.copy(value, cursor, length)


def _closing(text: str, start: int) -> int:
    """The `}` that closes a `${` whose body starts at `start`, or -1."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _named(value: Value, first: int, last: int, name: str, variables: Mapping[str, Value], keep_unknown: bool,
           out: TrackedBuilder) -> None:  # fmt: skip
    written = _written(value, first, last)
    known = variables.get(name)
    if known is not None:
        out.put(known, written)
    elif keep_unknown:
        out.copy(value, first, last)
    else:
        out.unknown(value.text[first:last], name, written)


def _braced(value: Value, first: int, close: int, variables: Mapping[str, Value], keep_unknown: bool,
            out: TrackedBuilder, depth: int) -> None:  # fmt: skip
    """`${...}` from `first` (the `$`) to `close` (the `}`)."""
    text = value.text
    end = first + 2
    while end < close and text[end] in NAME_CHARS:
        end += 1
    name = text[first + 2 : end]
    rest = text[end:close]
    if not rest:
        _named(value, first, close + 1, name, variables, keep_unknown, out)
        return
    operator = next((op for op in DEFAULT_OPERATORS if rest.startswith(op)), None)
    if name and operator is not None and depth < MAX_DEPTH:
        known = variables.get(name)
        if known is not None:
            out.put(known, _written(value, first, close + 1))
            return
        start = end + len(operator)  # the default, itself substituted
        _run(Value(text[start:close], value.origins[start:close]), variables, keep_unknown, out, depth + 1)
        return
    # an operator dehub does not evaluate (`${NAME##*/}`, `${NAME^^}`)
    if keep_unknown:
        out.copy(value, first, close + 1)
    else:
        out.unknown(text[first : close + 1], name or text[first : close + 1], _written(value, first, close + 1))
