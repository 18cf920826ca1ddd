"""A substituted text that still knows where each of its characters was written.

A CI system substitutes its expressions before a shell reads a script: after GitHub's
`${{ matrix.image }}` is replaced, its characters come from the matrix literal (where a fix
goes) but were written in the script (where the finding and a suppression comment are).
A kind's expression evaluator builds a `Tracked`; parsers that take a Value (the shell
scanner) get `indexed`, the same text whose known characters carry `INDEX_BASE + i`, and
`restore` / `word_span` map their results back to the file.
"""

from __future__ import annotations

from .value import SYNTHETIC, UNKNOWN, Builder, Value

INDEX_BASE = 1 << 40  # above any offset in a file dehub reads


class Tracked:
    """A value after substitution, and for each character where it was written (start, end)."""

    __slots__ = ("value", "written_start", "written_end")

    @classmethod
    def plain(cls, value: Value) -> Tracked:
        """A text nothing was substituted in: each character was written where it comes from."""
        origins = value.origins
        if origins and origins[0] >= 0 and origins == list(range(origins[0], origins[0] + len(origins))):
            return cls(value, list(origins), list(range(origins[0] + 1, origins[0] + len(origins) + 1)))
        return cls(value, list(origins), [origin + 1 if origin >= 0 else origin for origin in origins])

    def __init__(self, value: Value, written_start: list[int], written_end: list[int]) -> None:
        self.value = value
        self.written_start = written_start
        self.written_end = written_end

    @property
    def indexed(self) -> Value:
        origins = self.value.origins
        if UNKNOWN not in origins:  # the common case, built in C
            return Value(self.value.text, list(range(INDEX_BASE, INDEX_BASE + len(origins))))
        return Value(self.value.text, [UNKNOWN if o == UNKNOWN else INDEX_BASE + i for i, o in enumerate(origins)])

    def restore(self, value: Value) -> Value:
        """A Value derived from `indexed`, with the real source origins back."""
        origins = self.value.origins
        mapped = [origins[o - INDEX_BASE] if o >= INDEX_BASE else o for o in value.origins]
        return Value(value.text, mapped, value.variables, value.unresolved)

    def written_span(self, first: int, last: int) -> tuple[int, int] | None:
        """Where the characters from indexed offset `first` to `last` (inclusive) were written;
        characters with no place of their own (an escape's result) are skipped from both ends."""
        if first < INDEX_BASE or last < INDEX_BASE:
            return None
        first -= INDEX_BASE
        last -= INDEX_BASE
        starts, ends = self.written_start, self.written_end
        while first <= last and starts[first] < 0:
            first += 1
        while last >= first and ends[last] < 0:
            last -= 1
        if first > last:
            return None
        start, end = starts[first], ends[last]
        return (start, end) if start < end else None

    def word_span(self, word: Value, after: int) -> tuple[int, int] | None:
        """Where a word of `indexed` (a contiguous slice of it, unknown parts included) was written.

        Its known characters say where the slice starts; a word that is wholly unknown (an
        unevaluated `${{ }}`) is looked up in the text after `after`, the command's start."""
        origins = word.origins
        for offset, origin in enumerate(origins):
            if origin >= INDEX_BASE:
                first = origin - offset
                return self.written_span(first, first + len(origins) - 1)
        if after < INDEX_BASE or not word.text:
            return None
        found = self.value.text.find(word.text, after - INDEX_BASE)
        if found == -1:
            return None
        return self.written_span(INDEX_BASE + found, INDEX_BASE + found + len(word.text) - 1)




class TrackedBuilder:
    """A substituted text being built: copied characters are written where they come from, a
    substituted value stands where its expression (`${...}`, `$(...)`, `<< ... >>`) is written."""

    __slots__ = ("out", "starts", "ends")

    def __init__(self) -> None:
        self.out = Builder()
        self.starts: list[int] = []
        self.ends: list[int] = []

    def copy(self, value: Value, first: int, last: int) -> None:
        """Characters `first:last` of `value`, each written where it comes from."""
        origins = value.origins[first:last]
        self.out.extend(Value(value.text[first:last], origins))
        self.starts.extend(origins)
        self.ends.extend([origin + 1 if origin >= 0 else origin for origin in origins])

    def written(self, value: Value, starts: list[int], ends: list[int]) -> None:
        """`value`, its characters written at `starts`/`ends` (a literal already tracked)."""
        self.out.extend(value)
        self.starts.extend(starts)
        self.ends.extend(ends)

    def put(self, value: Value, written: tuple[int, int]) -> None:
        """`value` standing where `written` (the expression's text) is."""
        self.out.extend(value)
        self.starts.extend([written[0]] * len(value.text))
        self.ends.extend([written[1]] * len(value.text))

    def unknown(self, shown: str, name: str, written: tuple[int, int]) -> None:
        """An expression dehub cannot know, shown as `shown`, standing where `written` is."""
        self.out.add_unknown(shown, name)
        self.starts.extend([written[0]] * len(shown))
        self.ends.extend([written[1]] * len(shown))

    def tracked(self) -> Tracked:
        return Tracked(self.out.build(), self.starts, self.ends)


def join_lines_tracked(parts: list[Tracked]) -> Tracked:
    """`value.join_lines` for substituted lines: each keeps where its characters were written."""
    if len(parts) == 1:
        return parts[0]
    out = TrackedBuilder()
    for index, part in enumerate(parts):
        if index:
            out.written(Value("\n", [SYNTHETIC]), [SYNTHETIC], [SYNTHETIC])
        out.written(part.value, part.written_start, part.written_end)
    return out.tracked()
