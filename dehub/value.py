"""Text that remembers where each of its characters came from.

An image reference is often assembled: `FROM ${BASE}` takes its text from an `ARG` default,
`FROM python:${TAG}` is half literal, half variable. A `Value` keeps, for every character, the
offset in the file it was copied from, so that a fix can be placed on the literal that really
supplies the image name, wherever that is, and so that unresolvable parts are known as such.
"""

from __future__ import annotations

SYNTHETIC = -1  # a known character with no place in this file (a --build-arg, a computed value)
UNKNOWN = -2  # stands for text dehub cannot know (an unresolved variable); shown as written


class Value:
    """A string plus, per character, its source offset (or SYNTHETIC / UNKNOWN)."""

    __slots__ = ("text", "origins", "variables", "unresolved")

    def __init__(
        self,
        text: str,
        origins: list[int],
        variables: tuple[str, ...] = (),
        unresolved: tuple[str, ...] = (),
    ) -> None:
        self.text = text
        self.origins = origins
        self.variables = variables  # names of the variables that supplied any of it
        self.unresolved = unresolved  # names of the variables whose value is unknown

    @classmethod
    def literal(cls, text: str, start: int) -> Value:
        """Text copied verbatim from the file at offset `start`."""
        return cls(text, list(range(start, start + len(text))))

    @classmethod
    def synthetic(cls, text: str) -> Value:
        return cls(text, [SYNTHETIC] * len(text))

    def __repr__(self) -> str:
        return f"Value({self.text!r})"

    @property
    def is_known(self) -> bool:
        return UNKNOWN not in self.origins

    def first_unknown(self) -> int:
        """Index of the first unknown character, or len(text) when all is known."""
        try:
            return self.origins.index(UNKNOWN)
        except ValueError:
            return len(self.text)

    def source_span(self) -> tuple[int, int] | None:
        """First and last-plus-one source offsets of the characters that have one, or None."""
        origins = self.origins
        for first in origins:
            if first >= 0:
                break
        else:
            return None
        for last in reversed(origins):
            if last >= 0:
                return first, last + 1
        return None  # unreachable: a first implies a last

    def source_run(self, start: int, end: int) -> tuple[int, int] | None:
        """Source offsets of characters [start, end) when they are one contiguous literal."""
        if start >= end:
            return None
        origins = self.origins
        first = origins[start]
        if first < 0:
            return None
        for index in range(start + 1, end):
            if origins[index] != first + index - start:
                return None
        return first, first + end - start


class Builder:
    """Accumulates a Value piece by piece."""

    __slots__ = ("chars", "origins", "variables", "unresolved")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origins: list[int] = []
        self.variables: list[str] = []
        self.unresolved: list[str] = []

    def add(self, char: str, origin: int) -> None:
        self.chars.append(char)
        self.origins.append(origin)

    def extend(self, value: Value) -> None:
        self.chars.append(value.text)
        self.origins.extend(value.origins)
        self.variables.extend(value.variables)
        self.unresolved.extend(value.unresolved)

    def add_unknown(self, shown: str, name: str) -> None:
        self.chars.append(shown)
        self.origins.extend([UNKNOWN] * len(shown))
        self.unresolved.append(name)

    def build(self) -> Value:
        return Value(
            "".join(self.chars),
            self.origins,
            tuple(dict.fromkeys(self.variables)),
            tuple(dict.fromkeys(self.unresolved)),
        )


class Choice(Value):
    """A value that may be any of several: a CI expression whose branch dehub cannot know
    (`${{ github.event_name == 'push' && 'node:20' || 'node:18' }}` in an `env:` value).

    Its own text and origins are the undecided form (the expression, unknown), so a reader
    that knows nothing of choices sees an unknown value, as before; readers that do (a kind's
    expression evaluator, `dehub.shell.events.env_variants`) take each of `alternatives`.
    """

    __slots__ = ("alternatives",)

    def __init__(self, undecided: Value, alternatives: tuple[Value, ...]) -> None:
        super().__init__(undecided.text, undecided.origins, undecided.variables, undecided.unresolved)
        self.alternatives = alternatives

    def __repr__(self) -> str:
        return f"Choice({[alternative.text for alternative in self.alternatives]!r})"


def join_lines(values: list[Value]) -> Value:
    """Lines as one text with a synthetic line break between them: the script a CI system or
    make writes of a list of command lines."""
    if len(values) == 1:
        return values[0]
    out = Builder()
    for index, value in enumerate(values):
        if index:
            out.add("\n", SYNTHETIC)
        out.extend(value)
    return out.build()
