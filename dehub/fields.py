"""Comma-separated `key=value` fields, as BuildKit's `--mount` and buildx's `--driver-opt` take
them (a field in double quotes may hold commas), each character keeping its origin.
"""

from __future__ import annotations

from .value import Builder, Value


def _slice(value: Value, start: int, end: int) -> Value:
    return Value(value.text[start:end], value.origins[start:end])


def csv_fields(value: Value) -> list[Value]:
    """Comma-separated fields of a `--mount` value; a field in double quotes may hold commas."""
    text = value.text
    if '"' not in text:
        out = []
        start = 0
        for part in text.split(","):
            out.append(_slice(value, start, start + len(part)))
            start += len(part) + 1
        return out
    origins = value.origins
    size = len(text)
    out = []
    pos = 0
    while pos <= size:
        field = Builder()
        if pos < size and text[pos] == '"':
            pos += 1
            while pos < size:
                char = text[pos]
                if char == '"':
                    if pos + 1 < size and text[pos + 1] == '"':
                        pos += 1
                    else:
                        pos += 1
                        break
                field.add(char, origins[pos])
                pos += 1
        while pos < size and text[pos] != ",":
            field.add(text[pos], origins[pos])
            pos += 1
        out.append(field.build())
        pos += 1
    return out


def key_value(field: Value) -> tuple[str, Value | None]:
    """`key=value` -> (lower-cased key, value); a bare `key` -> (key, None)."""
    text = field.text
    equals = text.find("=")
    if equals == -1:
        return text.strip().lower(), None
    return text[:equals].strip().lower(), _slice(field, equals + 1, len(text))


def driver_opt_image(option: Value) -> Value | None:
    """The BuildKit image a buildx `--driver-opt` value names (`network=host,image=X`); the
    last non-empty `image=` wins, as buildx reads its options."""
    found = None
    for field in csv_fields(option):
        key, value = key_value(field)
        if key == "image" and value is not None and value.text.strip():
            found = value
    return found
