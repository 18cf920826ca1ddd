"""Reading a `WWW-Authenticate` header: which schemes a registry offers, with what parameters.

RFC 7235 lets one header carry several challenges separated by commas, each a scheme followed
by either a token68 or comma-separated `name=value` parameters whose values are tokens or
quoted strings with backslash escapes; several headers are the same as one joined by commas.
A comma therefore does not say whether a parameter or a new challenge follows: a name followed
by `=` is a parameter, anything else starts a new challenge. Registries send
`Bearer realm="…",service="…",scope="…"` (token auth) or `Basic realm="…"` (htpasswd).
Parsing is lenient: an unquoted value runs to the next comma or space (some servers leave URLs
unquoted), and junk is skipped rather than failing the check.
"""

from __future__ import annotations

_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TOKEN68 = frozenset("-._~+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SPACE = " \t"


class Challenge:
    """One scheme (lower-case) with its parameters (lower-case names; the first of repeats)."""

    __slots__ = ("scheme", "params", "token68")

    def __init__(self, scheme: str, params: dict[str, str] | None = None, token68: str | None = None) -> None:
        self.scheme = scheme
        self.params = params if params is not None else {}
        self.token68 = token68

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Challenge):
            return NotImplemented
        return (self.scheme, self.params, self.token68) == (other.scheme, other.params, other.token68)

    def __hash__(self) -> int:
        return hash((self.scheme, tuple(sorted(self.params.items())), self.token68))

    def __repr__(self) -> str:
        return f"Challenge({self.scheme!r}, {self.params!r}, token68={self.token68!r})"


def parse_challenges(text: str) -> list[Challenge]:
    """Every challenge in a header value, in order."""
    challenges: list[Challenge] = []
    current: Challenge | None = None
    i, n = 0, len(text)
    while i < n:
        while i < n and (text[i] in _SPACE or text[i] == ","):
            i += 1
        if i >= n:
            break
        start = i
        while i < n and text[i] in _TCHAR:
            i += 1
        name = text[start:i]
        if not name:
            i += 1  # a stray character: skip it
            continue
        j = _skip_space(text, i)
        if current is not None and j < n and text[j] == "=":
            value, i = _value(text, _skip_space(text, j + 1))
            current.params.setdefault(name.lower(), value)
            continue
        current = Challenge(name.lower())
        challenges.append(current)
        i = _token68(text, j, current)
    return challenges


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return i


def _value(text: str, i: int) -> tuple[str, int]:
    """A quoted string (escapes undone; unterminated runs to the end) or a bare value."""
    n = len(text)
    if i < n and text[i] == '"':
        out: list[str] = []
        i += 1
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                i += 1
            out.append(text[i])
            i += 1
        return "".join(out), i + 1
    start = i
    while i < n and text[i] != "," and text[i] not in _SPACE:
        i += 1
    return text[start:i], i


def _token68(text: str, i: int, challenge: Challenge) -> int:
    """After a scheme: take a token68 (`Negotiate abc==`) if that is what follows, else stay."""
    n = len(text)
    start = i
    while i < n and text[i] in _TOKEN68:
        i += 1
    if i == start:
        return start
    while i < n and text[i] == "=":
        i += 1
    end = _skip_space(text, i)
    if end >= n or text[end] == ",":
        challenge.token68 = text[start:i]
        return end
    return start
