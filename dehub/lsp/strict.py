"""Strict JSON types for what a client sends: a value of the wrong type is invalid params.

pygls structures messages with cattrs, which converts rather than checks: `"3"`, `3.5` and
`true` become the integer 3, 3 and 1 for a position's line, the number 42 becomes the URI
`"42"`, the string `"quickfix"` a list of its characters, and `"x"` an object whose optional
fields are all absent (cattrs looks fields up with `in`, which a string answers). The server
would then act on values the client never sent. This converter checks each value's JSON type
first and raises `TypeError` when it is wrong, so `stdio.dispatch` answers the request with
-32602 Invalid params, or logs and ignores the notification.
"""

from __future__ import annotations

import types
from typing import Union, get_args, get_origin

import attrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mutable_sequence, is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, override
from lsprotocol.types import is_special_property
from pygls.protocol import default_converter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from cattrs import Converter

    Hook = Callable[[Any, Any], Any]


def converter() -> Converter:
    """pygls's converter (lsprotocol's hooks) with every JSON type checked."""
    conv: Converter = default_converter()  # type: ignore[no-untyped-call]
    conv.register_structure_hook(str, _exact(str, "a string"))
    conv.register_structure_hook(bool, _exact(bool, "true or false"))
    conv.register_structure_hook(int, _exact(int, "an integer"))
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook_factory(is_sequence, _array)
    conv.register_structure_hook_factory(attrs.has, _object)
    conv.register_structure_hook_factory(_is_scalar_union, _scalar_union)
    return conv


def _wrong(value: object, wanted: str) -> TypeError:
    return TypeError(f"expected {wanted}, got {type(value).__name__}")


def _exact(kinds: type | tuple[type, ...], wanted: str) -> Hook:
    """A value whose type is exactly one of `kinds` (`true` is no integer, `3.0` no integer); a
    subclass asked for (an `int` or `str` enum: cattrs dispatches them here) is made from it."""
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)

    def structure(value: Any, cl: Any) -> Any:
        if type(value) not in allowed:
            raise _wrong(value, wanted)
        return value if cl in allowed or not isinstance(cl, type) else cl(value)

    return structure


def _number(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise _wrong(value, "a number")
    return float(value)


def _array(kind: Any, conv: Converter) -> Hook:
    factory = list_structure_factory if is_mutable_sequence(kind) else homogenous_tuple_structure_factory
    inner = factory(kind, conv)

    def structure(value: Any, cl: Any) -> Any:
        if type(value) is not list:
            raise _wrong(value, "an array")
        return inner(value, cl)

    return structure


def _object(cls: type, conv: Converter) -> Hook:
    """What lsprotocol's own factory builds (camelCase names), for a JSON object only."""
    fields = {
        field.name: override(rename=_camel(field.name), omit_if_default=not is_special_property(cls, field.name))
        for field in attrs.fields(cls)
    }
    inner: Hook = make_dict_structure_fn(cls, conv, **fields)  # type: ignore[arg-type]

    def structure(value: Any, cl: Any) -> Any:
        if type(value) is not dict:
            raise _wrong(value, "an object")
        return inner(value, cl)

    return structure


def _camel(name: str) -> str:
    """lsprotocol's field name -> LSP's: `text_document` -> `textDocument`, `from_` -> `from`."""
    parts = name.removesuffix("_").split("_")
    return parts[0] + "".join(part.title() for part in parts[1:])


SCALARS = (bool, int, float, str)  # bool first: it is an int too


def _scalars(kind: Any) -> tuple[type, ...] | None:
    """The JSON types a union of scalars takes (an enum counts as its values' type), else None.
    lsprotocol passes such unions through unchecked: a request id of `[1]` or `true` (which
    equals 1), a language id or code action kind of `5`."""
    if get_origin(kind) not in (Union, types.UnionType):
        return None
    allowed: list[type] = []
    for arg in get_args(kind):
        base = (
            arg
            if arg is type(None)
            else next((b for b in SCALARS if isinstance(arg, type) and issubclass(arg, b)), None)
        )
        if base is None:
            return None
        allowed.append(base)
        if base is float:
            allowed.append(int)
    if len([arg for arg in get_args(kind) if arg is not type(None)]) < 2:
        return None  # Optional[X]: cattrs structures X (an enum member, not its bare value)
    return tuple(allowed)


def _scalar_base(kind: Any) -> type | None:
    return next((base for base in SCALARS if isinstance(kind, type) and issubclass(kind, base)), None)


def _is_scalar_union(kind: Any) -> bool:
    return _scalars(kind) is not None


def _scalar_union(kind: Any) -> Hook:
    allowed = _scalars(kind) or ()
    wanted = " or ".join(sorted({"null" if t is type(None) else t.__name__ for t in allowed}))
    return _exact(allowed, wanted)
