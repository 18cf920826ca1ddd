"""A kind's cache of the scripts it has read, keyed by what each reading looked at.

The same script (a template's, a matrix's) runs in many jobs, each with the file's variables
and its own; a reading looks up a few names. Keyed by the whole environment, each job paid for
all the variables (and kept a copy of them in the key): quadratic in the file's size. Keyed by
the script and the values of the names its reading looked up, a job pays for those only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shell.events import ScriptEvent

    Reader = Callable[[Mapping[str, Value | None] | None], list[ScriptEvent]]


def env_key(env: Mapping[str, Value | None] | None) -> tuple[object, ...]:
    """An environment as a dictionary key: the values' texts and origins (a Choice apart)."""
    if not env:
        return ()
    return tuple((name, _value_key(value)) for name, value in env.items())


def _value_key(value: Value | None) -> object:
    if value is None:
        return None
    return value.text, tuple(value.origins), value.variables, value.unresolved, type(value) is not Value


_ABSENT = object()
MAX_SHAPES = 8  # sets of names one script is read with, past which it is read again each time


class _Reads(Mapping[str, "Value | None"]):
    """An environment as a script's reading sees it, noting each name it looks up (and that
    it listed them all, for `${!NAME}`)."""

    __slots__ = ("env", "names", "listed")

    def __init__(self, env: Mapping[str, Value | None]) -> None:
        self.env = env
        self.names: dict[str, None] = {}
        self.listed = False

    def __getitem__(self, name: str) -> Value | None:
        self.names[name] = None
        return self.env[name]

    def get(self, name: str, default: Value | None = None) -> Value | None:  # type: ignore[override]
        self.names[name] = None
        return self.env.get(name, default)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.names[name] = None
        return name in self.env

    def __iter__(self) -> Iterator[str]:
        self.listed = True
        return iter(self.env)

    def __len__(self) -> int:
        self.listed = True
        return len(self.env)

    def __bool__(self) -> bool:  # whether there is any variable is no read of one
        return bool(self.env)


class ScriptCache:
    """Scripts read, each once per distinct script and distinct values of the variables its
    reading looked up: a template's script in thousands of jobs, each with the file's thousands
    of variables, is keyed by the few it reads (keying by the whole environment was quadratic)."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        # script key -> names read (None: all) -> their values -> events
        self.found: dict[object, dict[tuple[str, ...] | None, dict[tuple[object, ...], list[ScriptEvent]]]] = {}

    def known(self, key: object) -> bool:
        """Whether a script of this key was read before (with whatever values)."""
        return key in self.found

    def read(self, key: object, env: Mapping[str, Value | None] | None, reader: Reader) -> list[ScriptEvent]:
        """The events `reader(env)` gives, read once per `key` and values of the names it reads."""
        shapes = self.found.setdefault(key, {})
        for names, by_values in shapes.items():
            hit = by_values.get(_values_of(env, names))
            if hit is not None:
                return hit
        if env is None:
            found = reader(None)
            shapes.setdefault((), {})[()] = found
            return found
        reads = _Reads(env)
        found = reader(reads)
        names = None if reads.listed else tuple(reads.names)
        if names in shapes or len(shapes) < MAX_SHAPES or names == ():  # () matches any: always kept
            shapes.setdefault(names, {})[_values_of(env, names)] = found
        return found


def _values_of(env: Mapping[str, Value | None] | None, names: tuple[str, ...] | None) -> tuple[object, ...]:
    if env is None:
        return ()
    if names is None:
        return env_key(env)
    return tuple(_value_key(env[name]) if name in env else _ABSENT for name in names)
