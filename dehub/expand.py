"""Shell-style word expansion that keeps each character's source offset.

Follows the word lexer BuildKit uses for `FROM` (moby/buildkit frontend/dockerfile/shell):
single and double quotes, the escape character, `$NAME`, `${NAME}` and the `${NAME:-word}`
family. Variables map to a `Value` (known text with origins) or to None (declared but with no
value dehub can know, e.g. `ARG TAG` without a default); names that were never declared expand
to the empty string, as they do in a build. Unknown values are kept as their written text with
UNKNOWN origins, so callers can tell which part of a reference is uncertain.

Expansion is bounded: a substitution that would make a value longer than MAX_EXPANDED
characters stays as written, unknown (`ARG A1=${A0}${A0}`, `ARG A2=${A1}${A1}`, ... doubles
with every line: 25 lines of a 516-byte file would otherwise build a 268-million-character
value), and a `Budget` bounds what all the expansions of one file copy together (thousands of
`ARG Bn=${A}` lines, each copying a long A, would otherwise be quadratic in the file's size).
"""

from __future__ import annotations

from .value import Builder, Value

MAX_EXPANDED = 4_096  # characters one expanded value may hold; a longer one is unknown (all expanders)
BUDGET_BASE = 1 << 20  # characters the substitutions of one file may copy, at least ...
BUDGET_PER_CHAR = 4  # ... plus this many per character of the file
MAX_DEPTH = 200  # nested ${A:-${B:-...}} beyond this is refused rather than recursed into
NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
NAME_CHARS = NAME_START | frozenset("0123456789")
SPECIAL_PARAMS = frozenset("@*#?-$!0123456789")


class ExpandError(ValueError):
    """The word cannot be expanded (unterminated quote or brace); the build would fail too."""


class Budget:
    """The characters that substitutions in one file may still copy, all expansions together.

    Each expansion is capped at MAX_EXPANDED, but a file of N lines that each copy a long
    value would still do N times that work; with one budget per file (a base plus a few
    characters per character of the file) the work is linear in the file's size. Once it is
    spent, further substitutions stay as written, unknown, like any value dehub cannot know.
    """

    __slots__ = ("left",)

    def __init__(self, source_size: int) -> None:
        self.left = BUDGET_BASE + BUDGET_PER_CHAR * source_size

    def take(self, size: int) -> bool:
        """Spend `size` characters if that many are left; False (nothing spent) if not."""
        if size > self.left:
            return False
        self.left -= size
        return True


def fits(out: Builder, value: Value, budget: Budget | None) -> bool:
    """Whether `value` may be appended to `out`: the result stays within MAX_EXPANDED and the
    file's budget (if any) pays for the copy."""
    size = len(value.origins)
    if len(out.origins) + size > MAX_EXPANDED:
        return False
    return budget is None or budget.take(size)


def expand(word: Value, env: dict[str, Value | None], escape: str = "\\", budget: Budget | None = None) -> Value:
    """Expand one word; quotes are removed, variables substituted (within MAX_EXPANDED and
    `budget`: past them a substitution stays as written, unknown)."""
    if "$" not in word.text and "'" not in word.text and '"' not in word.text and escape not in word.text:
        return word
    out = Builder()
    _Expander(word, env, escape, out, budget).run(stop="")
    return out.build()


class _Expander:
    __slots__ = ("text", "origins", "env", "escape", "pos", "out", "depth", "budget")

    def __init__(
        self, word: Value, env: dict[str, Value | None], escape: str, out: Builder, budget: Budget | None
    ) -> None:
        self.text = word.text
        self.origins = word.origins
        self.env = env
        self.escape = escape
        self.pos = 0
        self.out = out
        self.depth = 0
        self.budget = budget

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
        if value is None or not fits(self.out, value, self.budget):
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
            if op == "-" and fits(outer, word_value, self.budget):
                outer.extend(word_value)
                outer.variables.append(name)
            else:
                outer.add_unknown(shown, name)
            return
        # set (and, with ':', not empty): a declared name has a value here, an undeclared one none
        set_value = value if value is not None and (not colon or value.text) else None
        if op == "-":
            chosen: Value | None = word_value if set_value is None else set_value
        elif op == "+":
            chosen = word_value if set_value is not None else None
        else:  # '?': the value, or the build fails
            if set_value is None:
                raise ExpandError(f"{name}: {word_value.text or 'parameter not set'}")
            chosen = set_value
        if chosen is not None:
            if not fits(outer, chosen, self.budget):
                outer.add_unknown(shown, name)
                return
            outer.extend(chosen)
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

