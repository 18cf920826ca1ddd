"""A process-wide memo of scanned CI scripts, so re-linting an edited file is cheap.

An editor re-lints the whole file after every change, but a change touches one script; the
others are the same text at (perhaps) a shifted offset. A scan's events are stored with their
source offsets made position-free (relative to the script, or "character j of env value
NAME"), keyed by everything the scan reads: the script's source slice and value, the shell,
and the env values' texts. A hit rebuilds the offsets for where the script and the env values
are now. Scripts holding expressions depend on the expression scope too and are not memoised
here (a kind's own per-document cache still scans each once).
"""

from __future__ import annotations

from ..value import Value
from .events import ScriptEvent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    # the script's style, value and source slice, the shell, and each env value's text
    MemoKey = tuple[str | None, str, str, str, tuple[tuple[str, str | None], ...]]
    # a value with position-free origins: text, origins (or a run's (first, length)), variables, unresolved
    StoredValue = tuple[str, list[int] | tuple[int, int], tuple[str, ...], tuple[str, ...]]
    # the env characters the events refer to (name, index), and each event with its value and relative span
    Entry = tuple[tuple[tuple[str, int], ...], list[tuple[ScriptEvent, StoredValue | None, tuple[int, int]]]]

MAX_ENTRIES = 4096
# Off for the command line, where each file is read once and storing only costs; the language
# server, which re-lints the same file after every change, turns it on.
ENABLED = False
_memo: dict[MemoKey, Entry] = {}


class _Unplaceable(Exception):
    """An offset that is neither in the script nor in an env value: do not memoise."""


def key(style: str | None, value: str, raw: str, shell_name: str, env: Mapping[str, Value | None] | None) -> MemoKey:
    """Everything a scan reads: the script's style, value and source slice, the shell, the env texts."""
    env_key = () if not env else tuple((name, None if v is None else v.text) for name, v in env.items())
    return style, value, raw, shell_name, env_key


def lookup(memo_key: MemoKey, start: int, env: Mapping[str, Value | None] | None) -> list[ScriptEvent] | None:
    """The stored events placed for a script now at `start` with these env values; None on a miss."""
    entry = _memo.get(memo_key)
    if entry is None:
        return None
    refs, encoded = entry
    env_origins = [_env_value(env, name).origins[index] for name, index in refs]

    def place(origin: int) -> int:
        if origin >= 0:
            return origin + start
        if origin <= -10:
            return env_origins[-10 - origin]
        return origin

    out = []
    for event, value, span in encoded:
        placed_value = None
        if value is not None:
            text, origins, variables, unresolved = value
            if type(origins) is tuple:  # a contiguous run of the script's own text
                first = origins[0] + start
                placed = list(range(first, first + origins[1]))
            else:
                placed = [place(origin) for origin in origins]
            placed_value = Value(text, placed, variables, unresolved)
        out.append(event.moved((span[0] + start, span[1] + start), placed_value))
    return out


def _env_value(env: Mapping[str, Value | None] | None, name: str) -> Value:
    """An env value a stored entry refers to: the key pins its text, so it is there now too."""
    value = (env or {}).get(name)
    assert value is not None
    return value


def store(
    memo_key: MemoKey, start: int, end: int, env: Mapping[str, Value | None] | None, found: list[ScriptEvent]
) -> None:
    """Remember a script's events, unless one refers to text outside the script and its env values."""
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
        encoded: list[tuple[ScriptEvent, StoredValue | None, tuple[int, int]]] = []
        for event in found:
            span, value = event.span, event.value
            if not (start <= span[0] <= span[1] <= end):
                raise _Unplaceable
            stored: StoredValue | None = None
            if value is not None:
                stored = (value.text, _encoded(value.origins, start, end, encode), value.variables, value.unresolved)
            encoded.append((event, stored, (span[0] - start, span[1] - start)))
    except _Unplaceable:
        return
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[memo_key] = (tuple(refs), encoded)


def _encoded(
    origins: list[int], start: int, end: int, encode: Callable[[int], int]
) -> list[int] | tuple[int, int]:
    """Position-free origins; `(first, length)` when they are one run of the script's own text."""
    if origins and start <= origins[0] and origins[-1] < end and origins[-1] - origins[0] == len(origins) - 1:
        first = origins[0]
        if origins == list(range(first, first + len(origins))):
            return (first - start, len(origins))
    return [encode(origin) for origin in origins]
