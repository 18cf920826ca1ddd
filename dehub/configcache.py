"""A per-user cache of parsed configuration files.

Importing PyYAML (or tomllib) costs two to three times what a whole single-file check does,
and pre-commit and editors start dehub for every commit and save. The parsed settings are
plain data, so they are kept with `marshal` under the user's cache folder, keyed by the
file's path, size and CRC-32 of its bytes: any edit re-parses. A cache that cannot be read
or written is simply not used.
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    Data = TypeVar("Data")

VERSION = 1


def cache_dir() -> str:
    explicit = os.environ.get("DEHUB_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dehub")


def _entry(path: str) -> str:
    absolute = os.path.abspath(path)
    import zlib

    return os.path.join(cache_dir(), f"config-{zlib.crc32(absolute.encode('utf-8', 'surrogateescape')):08x}")


def load(path: str, raw: bytes, parse: Callable[[bytes], Data]) -> Data:
    """`parse(raw)` (plain data), or the value it gave last time for these exact bytes at this path."""
    if os.environ.get("DEHUB_NO_CACHE"):
        return parse(raw)
    import zlib  # only when a configuration file is read

    key = (VERSION, os.path.abspath(path), len(raw), zlib.crc32(raw))
    entry = _entry(path)
    try:
        with open(entry, "rb") as handle:
            stored: tuple[object, Data] = marshal.loads(handle.read())  # as written below: (key, parse(raw))
        stored_key, value = stored
        if stored_key == key:
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = parse(raw)
    try:
        # typeshed admits only what marshal can write; anything else raises ValueError, handled here
        data = marshal.dumps((key, value))  # type: ignore[arg-type]
    except ValueError:  # not plain data (a YAML timestamp, say): just do not cache it
        return value
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        temporary = f"{entry}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, entry)
    except OSError:
        pass
    return value
