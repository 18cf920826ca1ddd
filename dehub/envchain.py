"""Layered variable environments: a job's variables over its pipeline's, read through, never copied.

A CI file's jobs (and steps) each see the file's variables with their own on top. Copying all
of them, and expanding each, for every job was quadratic in the file's size, though a job's
scripts read a handful: 4,000 GitLab variables and 4,000 jobs took 61 s and 3.9 GB. A `Chain`
reads a name through its layers (the first that holds it wins); a `Lazy` works a value out
on its first read, and once; `Renamed` shows a layer under other names (`NAME` -> `name`),
each layer renamed once however many chains it is in. Listing all names is linear in them:
only a reader that needs every name (`${!NAME}` indirection) pays that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Chain(Mapping[str, T]):
    """Names looked up in `layers` in order, the first that holds a name winning."""

    __slots__ = ("layers",)

    def __init__(self, *layers: Mapping[str, T]) -> None:
        flat: dict[int, Mapping[str, T]] = {}  # a layer twice (a diamond of templates): its first place wins
        for layer in layers:
            for one in layer.layers if isinstance(layer, Chain) else (layer,):
                flat.setdefault(id(one), one)
        self.layers: tuple[Mapping[str, T], ...] = tuple(flat.values())

    def __getitem__(self, name: str) -> T:
        for layer in self.layers:
            if name in layer:
                return layer[name]
        raise KeyError(name)

    def get(self, name: str, default: T | None = None) -> T | None:  # type: ignore[override]
        for layer in self.layers:
            if name in layer:
                return layer[name]
        return default

    def __contains__(self, name: object) -> bool:
        return any(name in layer for layer in self.layers)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for layer in reversed(self.layers):  # as `{**bottom, **top}` orders them
            for name in layer:
                if name not in seen:
                    seen.add(name)
                    yield name

    def __len__(self) -> int:  # linear in the names: `__bool__` is what a test of emptiness calls
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(self.layers)


class Lazy(Mapping[str, T]):
    """`raw`'s names, each value worked out by `work(name, raw value)` on its first read, once."""

    __slots__ = ("raw", "work", "done")

    def __init__(self, raw: Mapping[str, R], work: Callable[[str, R], T]) -> None:
        self.raw: Mapping[str, R] = raw
        self.work: Callable[[str, R], T] = work
        self.done: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        done = self.done
        if name in done:
            return done[name]
        value = done[name] = self.work(name, self.raw[name])
        return value

    def __contains__(self, name: object) -> bool:
        return name in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class Renamed(Mapping[str, T]):
    """`layer` under new names (`rename(name)`); of two names that rename alike, the later wins."""

    __slots__ = ("layer", "names")

    def __init__(self, layer: Mapping[str, T], rename: Callable[[str], str]) -> None:
        self.layer = layer
        self.names = {rename(name): name for name in layer}

    def __getitem__(self, name: str) -> T:
        return self.layer[self.names[name]]

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class Renamer:
    """Chains shown under other names, each layer renamed once (a file's variables are a
    layer of every job's chain: renaming them per job was the copy a chain avoids)."""

    __slots__ = ("rename", "done")

    def __init__(self, rename: Callable[[str], str]) -> None:
        self.rename = rename
        self.done: dict[int, tuple[Mapping[str, object], Mapping[str, object]]] = {}  # keeps the layer alive

    def __call__(self, env: Mapping[str, T]) -> Chain[T]:
        layers = env.layers if isinstance(env, Chain) else (env,)
        out: list[Mapping[str, T]] = []
        for layer in layers:
            found = self.done.get(id(layer))
            if found is None:
                found = self.done[id(layer)] = (layer, Renamed(layer, self.rename))
            out.append(found[1])  # type: ignore[arg-type]
        return Chain(*out)


def size(env: Mapping[str, object]) -> int:
    """At most how many names `env` holds: its layers' sizes summed, without listing them."""
    return sum(len(layer) for layer in env.layers) if isinstance(env, Chain) else len(env)
