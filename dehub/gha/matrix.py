"""A job's static `strategy.matrix`: the combinations GitHub would run, as GitHub builds them.

The product of the list-valued keys, minus `exclude` entries (partial matches), then each
`include` entry either extends every combination whose original keys it matches, or adds a
combination of its own. Values are kept as YAML nodes and turned into Values (text with
source offsets) so that `${{ matrix.image }}` leads a fix to the list entry. A matrix built
by an expression (`${{ fromJSON(...) }}`) cannot be known: `combinations` returns None.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..value import Value
from .expressions import typed

MAX_COMBINATIONS = 256  # GitHub's limit on the jobs one matrix generates


class Matrix:
    __slots__ = ("combinations", "keys")

    def __init__(self, combinations: list[dict[str, object]] | None, keys: frozenset[str]) -> None:
        self.combinations = combinations  # None: not statically known
        self.keys = keys  # lower-cased names of every key any combination may have

    @property
    def size(self) -> int | None:
        if self.combinations is None:
            return None
        return max(1, len(self.combinations))


NO_MATRIX = Matrix([{}], frozenset())


def read(strategy: object, text: str) -> Matrix:
    """The matrix of a job's `strategy` node (None or absent: one run, no matrix values)."""
    if strategy is None or not ys.is_mapping(strategy):
        return NO_MATRIX if strategy is None or ys.is_null(strategy) else Matrix(None, frozenset())
    node = ys.mapping_get(strategy, "matrix")
    if node is None or ys.is_null(node):
        return NO_MATRIX
    if not ys.is_mapping(node):
        return Matrix(None, frozenset())  # ${{ fromJSON(...) }}
    base: list[tuple[str, list[object]]] = []
    includes: list[dict[str, object]] = []
    excludes: list[dict[str, object]] = []
    for key, _, value in ys.mapping_items(node):
        lowered = key.lower()
        if lowered in ("include", "exclude"):
            entries = _entries(value, text)
            if entries is None:
                return Matrix(None, frozenset())
            (includes if lowered == "include" else excludes).extend(entries)
        elif ys.is_sequence(value):
            base.append((lowered, [_convert(item, text) for item in value.value]))
        else:
            return Matrix(None, frozenset())  # a key whose list comes from an expression
    keys = frozenset([key for key, _ in base] + [key for entry in includes for key in entry])
    combinations = _product(base)
    if combinations is None:
        return Matrix(None, keys)
    combinations = [c for c in combinations if not any(_matches(c, e) for e in excludes)]
    original = frozenset(key for key, _ in base)
    for entry in includes:
        _include(combinations, entry, original)
        if len(combinations) > MAX_COMBINATIONS:
            return Matrix(None, keys)
    return Matrix(combinations, keys)


def _entries(node: object, text: str) -> list[dict[str, object]] | None:
    if not ys.is_sequence(node):
        return None
    out = []
    for item in node.value:
        converted = _convert(item, text)
        if not isinstance(converted, dict):
            return None
        out.append(converted)
    return out


def _convert(node: object, text: str, depth: int = 0) -> object:
    """A matrix value: a Value for a scalar, a dict for a mapping, a list (opaque) otherwise."""
    if ys.is_scalar(node):
        return typed(node, ys.scalar_value(node, text))
    if ys.is_mapping(node) and depth < 8:
        return {key.lower(): _convert(value, text, depth + 1) for key, _, value in ys.mapping_items(node)}
    return []


def _product(base: list[tuple[str, list[object]]]) -> list[dict[str, object]] | None:
    combinations: list[dict[str, object]] = [{}]
    for key, values in base:
        if not values:
            return []  # an empty list makes an empty product: no combinations from the base
        if len(combinations) * len(values) > MAX_COMBINATIONS:
            return None
        combinations = [{**combination, key: value} for combination in combinations for value in values]
    return combinations if base else []


def _same(left: object, right: object) -> bool:
    if isinstance(left, Value) and isinstance(right, Value):
        return left.text == right.text
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return False


def _matches(combination: dict[str, object], entry: dict[str, object]) -> bool:
    return all(key in combination and _same(combination[key], value) for key, value in entry.items())


def _include(combinations: list[dict[str, object]], entry: dict[str, object], original: frozenset[str]) -> None:
    """Extend every combination the entry fits (without overwriting an original value), else add it."""
    extended = False
    for combination in combinations if original else ():  # include-only matrices: one job each
        shared = [key for key in entry if key in original]
        if all(key in combination and _same(combination[key], entry[key]) for key in shared):
            combination.update((key, value) for key, value in entry.items() if key not in original)
            extended = True
    if not extended:
        combinations.append(dict(entry))
