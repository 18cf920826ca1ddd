"""Shell-style word expansion that keeps each character's source offset.

Follows the word lexer BuildKit uses for `FROM` (moby/buildkit frontend/dockerfile/shell):
single and double quotes, the escape character, `$NAME`, `${NAME}` and the `${NAME:-word}`
family. Variables map to a `Value` (known text with origins) or to None (declared but with no
value dehub can know, e.g. `ARG TAG` without a default); names that were never declared expand
to the empty string, as they do in a build. Unknown values are kept as their written text with
UNKNOWN origins, so callers can tell which part of a reference is uncertain.
"""

from __future__ import annotations

from .value import Builder, Value

MAX_DEPTH = 200  # nested ${A:-${B:-...}} beyond this is refused rather than recursed into
NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
NAME_CHARS = NAME_START | frozenset("0123456789")
SPECIAL_PARAMS = frozenset("@*#?-$!0123456789")


class ExpandError(ValueError):
    """The word cannot be expanded (unterminated quote or brace); the build would fail too."""


def expand(word: Value, env: dict[str, Value | None], escape: str = "\\") -> Value:
    """Expand one word; quotes are removed, variables substituted."""
    if "$" not in word.text and "'" not in word.text and '"' not in word.text and escape not in word.text:
        return word
    out = Builder()
    _Expander(word, env, escape, out).run(stop="")
    return out.build()


class _Expander:
    __slots__ = ("text", "origins", "env", "escape", "pos", "out", "depth")

    def __init__(self, word: Value, env: dict[str, Value | None], escape: str, out: Builder) -> None:
        self.text = word.text
        self.origins = word.origins
        self.env = env
        self.escape = escape
        self.pos = 0
        self.out = out
        self.depth = 0

    def run(self, stop: str) -> None:
        """Copy characters to `out` until `stop` (not consumed) or the end of the word."""
        text, origins, out, escape = self.text, self.origins, self.out, self.escape
        while self.pos < len(text):
            char = text[self.pos]
            if char == stop:
                return
            if char == "'":
                self._single_quoted()
            elif char == '"':
                self._double_quoted()
            elif char == "$":
                self._dollar()
            elif char == escape:
                self.pos += 1
                if self.pos < len(text):
                    out.add(text[self.pos], origins[self.pos])
                    self.pos += 1
            else:
                out.add(char, origins[self.pos])
                self.pos += 1
        if stop:
            raise ExpandError(f"missing '{stop}'")

    def _single_quoted(self) -> None:
        text, origins = self.text, self.origins
        end = text.find("'", self.pos + 1)
        if end == -1:
            raise ExpandError("unexpected end of statement while looking for matching single-quote")
        for index in range(self.pos + 1, end):
            self.out.add(text[index], origins[index])
        self.pos = end + 1

    def _double_quoted(self) -> None:
        text, origins, out, escape = self.text, self.origins, self.out, self.escape
        self.pos += 1
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char == "$":
                self._dollar()
                continue
            if char == escape and self.pos + 1 < len(text) and text[self.pos + 1] in ('"', "$", escape):
                self.pos += 1
                char = text[self.pos]
            out.add(char, origins[self.pos])
            self.pos += 1
        raise ExpandError("unexpected end of statement while looking for matching double-quote")

    def _name(self) -> str:
        text, start = self.text, self.pos
        if start < len(text) and text[start] in SPECIAL_PARAMS:
            self.pos += 1
            return text[start]
        end = start
        while end < len(text) and text[end] in NAME_CHARS:
            end += 1
        self.pos = end
        return text[start:end]

    def _dollar(self) -> None:
        text, start = self.text, self.pos
        self.pos += 1
        if self.pos >= len(text):
            self.out.add("$", self.origins[start])
            return
        if text[self.pos] != "{":
            name = self._name()
            if not name:
                self.out.add("$", self.origins[start])
                return
            self._substitute(name, text[start : self.pos])
            return
        self.pos += 1
        name = self._name()
        if not name:
            raise ExpandError("bad substitution: missing variable name after '${'")
        if self.pos >= len(text):
            raise ExpandError("missing '}'")
        char = text[self.pos]
        if char == "}":
            self.pos += 1
            self._substitute(name, text[start : self.pos])
            return
        colon = char == ":"
        if colon:
            self.pos += 1
            char = text[self.pos] if self.pos < len(text) else ""
        if char in ("-", "+", "?") and char:
            self.pos += 1
            self._modifier(name, colon, char, start)
            return
        if not colon and char in ("#", "%", "/"):
            self._computed(name, start)
            return
        raise ExpandError(f"unsupported modifier ({char!r}) in substitution")

    def _substitute(self, name: str, shown: str) -> None:
        if name not in self.env:
            return  # never declared: empty, as in a build
        value = self.env[name]
        if value is None:
            self.out.add_unknown(shown, name)
            return
        self.out.extend(value)
        self.out.variables.append(name)

    def _modifier(self, name: str, colon: bool, op: str, start: int) -> None:
        """`${NAME:-word}` and friends; `word` is itself expanded."""
        word = Builder()
        outer = self.out
        self.out = word
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpandError(f"variable substitutions nested more than {MAX_DEPTH} deep")
        try:
            self.run(stop="}")
        finally:
            self.out = outer
            self.depth -= 1
        self.pos += 1  # the closing brace
        word_value = word.build()
        shown = self.text[start : self.pos]
        declared = name in self.env
        value = self.env.get(name)
        if declared and value is None:
            # Declared without a value: a --build-arg may set it. For ':-' and '-' the default is
            # what a build uses unless told otherwise, so that is the image dehub reports.
            if op == "-":
                outer.extend(word_value)
                outer.variables.append(name)
            else:
                outer.add_unknown(shown, name)
            return
        # set (and, with ':', not empty): a declared name has a value here, an undeclared one none
        set_value = value if value is not None and (not colon or value.text) else None
        if op == "-":
            outer.extend(word_value if set_value is None else set_value)
        elif op == "+":
            if set_value is not None:
                outer.extend(word_value)
        else:  # '?': the value, or the build fails
            if set_value is None:
                raise ExpandError(f"{name}: {word_value.text or 'parameter not set'}")
            outer.extend(set_value)
        outer.variables.append(name)

    def _computed(self, name: str, start: int) -> None:
        """`${NAME#pattern}` and other pattern edits: not worth guessing; unknown."""
        depth = 0
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            self.pos += 1
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    self.out.add_unknown(text[start : self.pos], name)
                    return
                depth -= 1
        raise ExpandError("missing '}'")

