"""Compact JSON for dehub's own data, without importing the `json` package.

`json` imports `re` (for decoding), which alone costs more than a single-file check; encoding
needs only CPython's C encoder. Elsewhere the standard module is used.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from io import TextIOBase


def _unsupported(value: object) -> object:
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


try:
    from _json import encode_basestring as _quote
    from _json import make_encoder as _make_encoder
except ImportError:  # pragma: no cover - not CPython

    def compact(value: object) -> str:
        import json

        return json.dumps(value, ensure_ascii=False)

else:
    _encoder = _make_encoder(None, _unsupported, _quote, None, ": ", ", ", False, False, True)

    def compact(value: object) -> str:
        """One-line JSON text for dicts, lists, strings, ints, booleans and None."""
        return "".join(_encoder(value, 0))


def lines(header: str, items: Sequence[object], footer: str) -> str:
    """`header`, one compact item a line (indented), `footer`: readable and greppable."""
    if not items:
        return header + footer + "\n"
    return header + "\n" + ",\n".join("  " + compact(item) for item in items) + "\n" + footer + "\n"


def write_lines(stream: TextIOBase, header: str, items: Iterable[object], footer: str, indent: str = "  ") -> None:
    """What `lines` returns, written an item at a time: a report of 40,000 findings is never
    one string, nor a tree of indented text (json.dumps with `indent` is pure Python)."""
    separator = "\n" + indent
    written = False
    for item in items:
        stream.write((separator if written else header + separator) + compact(item))
        written, separator = True, ",\n" + indent
    stream.write("\n" + footer + "\n" if written else header + footer + "\n")
