"""Shell variables: what `$NAME` holds at each point of a script.

A name nobody set is unknown (None), never empty as in a Dockerfile: the job's environment,
the runner and earlier steps may all have set it. Values keep their origins, so an image
that comes from `IMAGE=node:20` is fixed in that assignment.
"""

from __future__ import annotations

from ..expand import NAME_CHARS, NAME_START
from ..value import UNKNOWN, Builder, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_VALUE = 2048  # a variable longer than this is no image: unknown (and PATH=$PATH:x stays linear)
DECLARATIONS = frozenset(("export", "readonly", "declare", "typeset", "local"))  # their NAME=value operands assign
FORGETTING = frozenset(("unset", "read"))  # their operands lose any value the script gave them


def is_name(text: str) -> bool:
    """Whether `text` is a valid variable name."""
    return bool(text) and text[0] in NAME_START and all(char in NAME_CHARS for char in text)


def assignment(text: str, origins: list[int], start: int, end: int) -> tuple[str, int, str] | None:
    """(name, start of the value, `=`, `+=` or `[]=`) when text[start:end] is `NAME=value`."""
    pos = start
    if text[pos] not in NAME_START or origins[pos] == UNKNOWN or text.find("=", pos, end) == -1:
        return None
    pos += 1
    while pos < end and text[pos] in NAME_CHARS and origins[pos] != UNKNOWN:
        pos += 1
    name = text[start:pos]
    kind = "="
    if pos < end and text[pos] == "[":
        close = text.find("]", pos, end)
        if close == -1:
            return None
        pos, kind = close + 1, "[]="
    if pos < end and text[pos] == "+":
        pos += 1
        kind = "+=" if kind == "=" else kind
    if pos < end and text[pos] == "=" and origins[pos] != UNKNOWN:
        return name, pos + 1, kind
    return None


class Scope(dict[str, "Value | None"]):
    """Variables by name; any name not set here is unknown (None).

    A child scope (`sh -c` with `NAME=value` before it) holds only its own assignments and
    reads the rest from its parent, so starting one costs nothing however many variables exist.
    A script's own scope reads the environment it starts with the same way (a plain mapping
    as its parent, never copied: copying a job's thousands of variables for each of its
    thousands of scripts was quadratic).
    """

    __slots__ = ("parent",)

    def __init__(self, variables: dict[str, Value | None], parent: Mapping[str, Value | None] | None = None) -> None:
        super().__init__(variables)
        self.parent = parent

    def __missing__(self, name: str) -> Value | None:
        return None if self.parent is None else self.parent.get(name)

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default: object = None) -> Value | None:
        return self[name]

    def assign(self, name: str, value: Value, append: bool) -> None:
        """`NAME=value` (or `NAME+=value`): later `$NAME` expands to the value, with its origins."""
        if append:
            before = self[name]
            if before is None:
                self[name] = None
                return
            joined = Builder()
            joined.extend(before)
            joined.extend(value)
            value = joined.build()
        self[name] = value if len(value.text) <= MAX_VALUE else None
