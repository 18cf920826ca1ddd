"""Cooking a word: quote removal and variable expansion, keeping every character's origin.

Only the words a command needs are cooked (an image operand, an option that might take a
value), and each at most once. `${NAME:-default}` and friends go through dehub.expand with
the script's variables; command substitutions cook to their text with UNKNOWN origins.
"""

from __future__ import annotations

from ..expand import NAME_CHARS, NAME_START, SPECIAL_PARAMS, ExpandError, expand
from ..value import SYNTHETIC, UNKNOWN, Builder, Value
from .lexer import Word
from .text import DQ_SPECIAL, ScriptText

COOK_SPECIAL = frozenset("'\"\\$`<>")
DQ_ESCAPABLE = frozenset('$`"\\')
ANSI_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
ANSI_LITERALS = frozenset("\\'\"?")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
OCTAL_DIGITS = frozenset("01234567")


class Cooking(ScriptText):
    """Turns words of the text into Values; the scanner supplies `scope`, the variables in force."""

    __slots__ = ()
    scope: dict[str, Value | None]

    def cooked(self, word: Word) -> Value:
        """The word after quote removal and expansion."""
        value = word.cooked
        if value is None:
            value = self.written(word.start, word.end) if word.plain else self.cook(word.start, word.end, word.spans)
            word.cooked = value
        return value

    def literal(self, word: Word) -> str | None:
        """The word after quote removal and expansion, when all of it is known."""
        if word.plain and not self.unknowns:
            return self.text[word.start : word.end]
        value = self.cooked(word)
        return None if UNKNOWN in value.origins else value.text

    def keyword_text(self, word: Word) -> str | None:
        """The word's text when it is written plainly (so it can be a reserved word)."""
        if not word.plain or (self.unknowns and UNKNOWN in self.origins[word.start : word.end]):
            return None
        return self.text[word.start : word.end]

    def command_name(self, word: Word) -> str | None:
        """`docker` for `docker`, `/usr/bin/docker`, `"docker"` or `$DOCKER` set to docker."""
        literal = self.literal(word)
        return literal.rsplit("/", 1)[-1] if literal else None

    def first_origin(self, word: Word) -> int:
        """The source offset of the word's first known character, -1 if none."""
        for origin in self.origins[word.start : word.end]:
            if origin >= 0:
                return origin
        return -1

    def written(self, start: int, end: int) -> Value:
        """text[start:end] as written (quotes kept), with its origins."""
        return Value(self.text[start:end], self.origins[start:end])

    def cook(self, start: int, end: int, spans: dict[int, int] | None) -> Value:
        """Quote removal and expansion of text[start:end]; `spans` as recorded by the lexer."""
        text, origins = self.text, self.origins
        out = Builder()
        pos = start
        while pos < end:
            char = text[pos]
            if char not in COOK_SPECIAL or origins[pos] == UNKNOWN:
                stop = pos + 1
                while stop < end and (text[stop] not in COOK_SPECIAL or origins[stop] == UNKNOWN):
                    stop += 1
                out.chars.append(text[pos:stop])
                out.origins.extend(origins[pos:stop])
                pos = stop
            elif spans and pos in spans:
                pos = self._cook_span(pos, spans[pos], out)
            elif char == "'":
                close = self.single_end(pos + 1)
                out.chars.append(text[pos + 1 : close])
                out.origins.extend(origins[pos + 1 : close])
                pos = close + 1
            elif char == '"':
                pos = self._cook_double(pos + 1, end, spans, out)
            elif char == "\\":
                pos = self._cook_escape(pos, end, out)
            elif char == "$":
                pos = self._cook_dollar(pos, end, False, out)
            else:
                out.add(char, origins[pos])
                pos += 1
        return out.build()

    def _cook_double(self, pos: int, end: int, spans: dict[int, int] | None, out: Builder) -> int:
        """Inside "...": only \\ before $ ` " \\ or a newline escapes; $ still expands."""
        text, origins = self.text, self.origins
        while pos < end:
            char = text[pos]
            if char not in DQ_SPECIAL or origins[pos] == UNKNOWN:
                out.add(char, origins[pos])
                pos += 1
            elif char == '"':
                return pos + 1
            elif spans and pos in spans:
                pos = self._cook_span(pos, spans[pos], out)
            elif char == "\\":
                after = self.continuation(pos)
                if after > pos:
                    pos = after
                elif pos + 1 < end and text[pos + 1] in DQ_ESCAPABLE and origins[pos + 1] != UNKNOWN:
                    out.add(text[pos + 1], origins[pos + 1])
                    pos += 2
                else:
                    out.add(char, origins[pos])
                    pos += 1
            elif char == "$":
                pos = self._cook_dollar(pos, end, True, out)
            else:
                out.add(char, origins[pos])
                pos += 1
        return pos

    def _cook_escape(self, pos: int, end: int, out: Builder) -> int:
        after = self.continuation(pos)
        if after > pos:
            return after
        if pos + 1 < end:
            out.add(self.text[pos + 1], self.origins[pos + 1])
        return pos + 2

    def _cook_span(self, pos: int, stop: int, out: Builder) -> int:
        """A recorded `${...}`, `$'...'`, or a substitution whose output is unknown."""
        text = self.text
        following = text[pos + 1] if pos + 1 < stop else ""
        if text[pos] == "$" and following == "{":
            self._cook_parameter(pos, stop, out)
        elif text[pos] == "$" and following == "'":
            self._cook_ansi(pos + 2, stop - 1, out)
        else:
            out.chars.append(text[pos:stop])
            out.origins.extend([UNKNOWN] * (stop - pos))
        return stop

    def _cook_parameter(self, pos: int, stop: int, out: Builder) -> None:
        """`${NAME}`, `${NAME:-default}`, ...: dehub.expand does these, with the script's variables."""
        shown = self.text[pos:stop]
        if "$(" not in shown and "`" not in shown:
            written = Value(shown, self.origins[pos:stop])
            assigned = _assigning(shown)
            if assigned is not None:  # ${NAME:=word}: expands as ${NAME:-word}, and sets NAME to that
                name, at = assigned
                written = Value(shown[:at] + "-" + shown[at + 1 :], written.origins)
            try:
                value = expand(written, self.scope)
            except ExpandError:
                pass
            else:
                if assigned is not None:
                    self.scope[assigned[0]] = value
                out.extend(value)
                return
        name = shown[2:].lstrip("#!")
        length = 0
        while length < len(name) and name[length] in NAME_CHARS:
            length += 1
        out.add_unknown(shown, name[:length] or shown)

    def _cook_dollar(self, pos: int, end: int, quoted: bool, out: Builder) -> int:
        """`$NAME`, `$1`, `$"..."`; a `$` followed by anything else is itself."""
        text, origins = self.text, self.origins
        following = pos + 1
        if following < end and origins[following] != UNKNOWN:
            char = text[following]
            if char in NAME_START:
                stop = following + 1
                while stop < end and text[stop] in NAME_CHARS and origins[stop] != UNKNOWN:
                    stop += 1
                name = text[following:stop]
                value = self.scope.get(name)
                if value is None:
                    out.add_unknown(text[pos:stop], name)
                else:
                    out.extend(value)
                    out.variables.append(name)
                return stop
            if char in SPECIAL_PARAMS:
                out.add_unknown(text[pos : following + 1], char)
                return following + 1
            if char == '"' and not quoted:
                return following  # $"...": a translated string, read as "..."
        out.add("$", origins[pos])
        return following

    def _cook_ansi(self, pos: int, stop: int, out: Builder) -> None:
        """The inside of `$'...'`: backslash escapes decoded (decoded characters are SYNTHETIC)."""
        text, origins = self.text, self.origins
        while pos < stop:
            char = text[pos]
            if char != "\\" or origins[pos] == UNKNOWN or pos + 1 >= stop:
                out.add(char, origins[pos])
                pos += 1
                continue
            code = text[pos + 1]
            if code in ANSI_LITERALS:
                out.add(code, origins[pos + 1])
                pos += 2
            elif code in ANSI_ESCAPES:
                out.add(ANSI_ESCAPES[code], SYNTHETIC)
                pos += 2
            elif code == "x" or code in OCTAL_DIGITS:
                pos = self._cook_ansi_number(pos, stop, code, out)
            else:
                out.add(char, origins[pos])
                out.add(code, origins[pos + 1])
                pos += 2

    def _cook_ansi_number(self, pos: int, stop: int, code: str, out: Builder) -> int:
        text = self.text
        if code == "x":
            digits_start, limit, base, allowed = pos + 2, 2, 16, HEX_DIGITS
        else:
            digits_start, limit, base, allowed = pos + 1, 3, 8, OCTAL_DIGITS
        digits_end = digits_start
        while digits_end < stop and digits_end - digits_start < limit and text[digits_end] in allowed:
            digits_end += 1
        if digits_end == digits_start:
            out.add("\\", self.origins[pos])
            return pos + 1
        out.add(chr(int(text[digits_start:digits_end], base)), SYNTHETIC)
        return digits_end


def _assigning(shown: str) -> tuple[str, int] | None:
    """(NAME, index of its `=`) when `shown` is `${NAME:=word}` or `${NAME=word}`."""
    end = 2
    while end < len(shown) and shown[end] in NAME_CHARS:
        end += 1
    if end == 2 or shown[2] not in NAME_START:
        return None
    at = end + 1 if shown.startswith(":", end) else end
    return (shown[2:end], at) if shown.startswith("=", at) else None
