"""A process-wide memo of scanned `run:` scripts, so re-linting an edited file is cheap.

An editor re-lints the whole file after every change, but a change touches one script; the
others are the same text at (perhaps) a shifted offset. A scan result is stored with its
source offsets made position-free (relative to the script node, or "character j of env
value NAME"), keyed by everything the scan reads: the node's source slice and value, the
shell, and the env values' texts. A hit rebuilds the offsets for where the script and the
env values are now. Scripts holding `${{ }}` depend on the expression scope too and are
not memoised here (the per-document cache in GhaDocument still scans each once).
"""

from __future__ import annotations

from ..value import Value

MAX_ENTRIES = 4096
# Off for the command line, where each file is read once and storing only costs; the language
# server, which re-lints the same file after every change, turns it on.
ENABLED = False
_memo: dict[tuple, tuple] = {}


class _Unplaceable(Exception):
    """An offset that is neither in the script nor in an env value: do not memoise."""


def key(style: object, value: str, raw: str, shell_name: str, env: dict[str, Value | None] | None) -> tuple:
    env_key = () if not env else tuple((name, None if v is None else v.text) for name, v in env.items())
    return style, value, raw, shell_name, env_key


def lookup(memo_key: tuple, start: int, env: dict[str, Value | None] | None) -> list[tuple] | None:
    entry = _memo.get(memo_key)
    if entry is None:
        return None
    refs, encoded = entry
    env_origins = [env[name].origins[index] for name, index in refs] if refs else []  # type: ignore[index]

    def place(origin: int) -> int:
        if origin >= 0:
            return origin + start
        if origin <= -10:
            return env_origins[-10 - origin]
        return origin

    out = []
    for action, value, span, extra in encoded:
        if value is not None:
            text, origins, variables, unresolved = value
            if type(origins) is tuple:  # a contiguous run of the script's own text
                first = origins[0] + start
                placed = list(range(first, first + origins[1]))
            else:
                placed = [place(origin) for origin in origins]
            value = Value(text, placed, variables, unresolved)
        out.append((action, value, (span[0] + start, span[1] + start), extra))
    return out


def store(memo_key: tuple, start: int, end: int, env: dict[str, Value | None] | None, found: list[tuple]) -> None:
    env_at: dict[int, tuple[str, int]] = {}
    for name, value in (env or {}).items():
        if value is not None:
            for index, origin in enumerate(value.origins):
                if origin >= 0:
                    env_at.setdefault(origin, (name, index))
    refs: list[tuple[str, int]] = []

    def encode(origin: int) -> int:
        if start <= origin < end:
            return origin - start
        if origin < 0:
            return origin
        where = env_at.get(origin)
        if where is None:
            raise _Unplaceable
        refs.append(where)
        return -10 - (len(refs) - 1)

    try:
        encoded = []
        for action, value, span, extra in found:
            if not (start <= span[0] <= span[1] <= end):
                raise _Unplaceable
            if value is not None:
                value = (value.text, _encoded(value.origins, start, end, encode), value.variables, value.unresolved)
            encoded.append((action, value, (span[0] - start, span[1] - start), extra))
    except _Unplaceable:
        return
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[memo_key] = (tuple(refs), encoded)


def _encoded(origins: list[int], start: int, end: int, encode) -> list[int] | tuple[int, int]:  # noqa: ANN001
    """Position-free origins; `(first, length)` when they are one run of the script's own text."""
    if origins and start <= origins[0] and origins[-1] < end and origins[-1] - origins[0] == len(origins) - 1:
        first = origins[0]
        if origins == list(range(first, first + len(origins))):
            return (first - start, len(origins))
    return [encode(origin) for origin in origins]
