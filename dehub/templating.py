"""A CI system's own references in a YAML string, substituted before anything else reads it:
CircleCI's `<< parameters.x >>`, Azure Pipelines' `$(var)` and `${{ parameters.x }}`.

A kind finds the references in a scalar and says what each may be; `substitute` builds each
resulting text as a `Tracked` (`dehub.tracked`), so a value taken from a parameter default
keeps that literal's offsets (a fix lands on the default) while a finding in a script still
knows where the reference was written.
"""

from __future__ import annotations

from .tracked import Tracked, TrackedBuilder
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

KEEP: tuple[Value | None, ...] = ()  # alternatives of a reference left as written (not the CI's to replace)
MAX_VARIANTS = 16


class Reference:
    """A reference at [start, end) of a value's text: what it may be (None: unknown, shown as
    written under `name`; KEEP: its text stays, as the CI system leaves it)."""

    __slots__ = ("start", "end", "name", "alternatives")

    def __init__(self, start: int, end: int, name: str, alternatives: Sequence[Value | None]) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.alternatives = tuple(alternatives)


def substitute(value: Value, references: list[Reference], limit: int = MAX_VARIANTS) -> list[Tracked]:
    """The value once per combination of its references' alternatives (distinct results);
    past `limit` combinations a reference with several alternatives is unknown."""
    if not references:
        return [Tracked.plain(value)]
    chosen: list[tuple[Value | None, ...]] = []
    count = 1
    for reference in references:
        options = reference.alternatives or (value,)  # KEEP: a marker, copied below
        if count * len(options) > limit:
            options = (None,)
        count *= len(options)
        chosen.append(options)
    combinations: list[list[Value | None]] = [[]]
    for options in chosen:
        combinations = [[*picked, option] for picked in combinations for option in options]
    out: list[Tracked] = []
    seen: set[tuple[object, ...]] = set()
    for picks in combinations:
        tracked = _substituted(value, references, picks)
        key = (tracked.value.text, tuple(tracked.value.origins))
        if key not in seen:
            seen.add(key)
            out.append(tracked)
    return out


def substitute_one(value: Value, references: list[Reference]) -> Value:
    """The value with each reference replaced by its only alternative (several: unknown)."""
    return substitute(value, references, 1)[0].value


def _substituted(value: Value, references: list[Reference], picks: list[Value | None]) -> Tracked:
    text, origins = value.text, value.origins
    out = TrackedBuilder()
    cursor = 0

    for reference, pick in zip(references, picks, strict=True):
        start, end = reference.start, reference.end
        out.copy(value, cursor, start)
        cursor = end
        if not reference.alternatives:
            out.copy(value, start, end)
            continue
        written = (origins[start], origins[end - 1] + 1 if origins[end - 1] >= 0 else -1)
        if pick is None:
            out.unknown(text[start:end], reference.name, written)
        else:
            out.put(pick, written)
    out.copy(value, cursor, len(text))
    return out.tracked()
