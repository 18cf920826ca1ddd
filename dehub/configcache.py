"""A per-user cache of parsed configuration files.

Importing PyYAML (or tomllib) costs two to three times what a whole single-file check does,
and pre-commit and editors start dehub for every commit and save. The parsed settings are
plain data, so they are kept with `marshal` under the user's cache folder, keyed by the
file's absolute path and a BLAKE2b digest of its bytes: any edit re-parses, and no other
file's bytes can be made to match (CRC-32, used before, can be forged in a few lines).

`marshal` is not meant for data an attacker wrote, so an entry is only read from a folder that
is the user's own (not a symbolic link, owned by the user, made 0700), from a regular file the
user owns (opened without following a link), of at most MAX_ENTRY bytes, and what it holds
is used only when it has the exact shape written: the key, then plain data (dicts, lists,
strings, numbers, booleans, None). Entries are written to a temporary file created
exclusively (mode 0600) in that folder, then renamed over the entry, so a planted link is
replaced, never written through. A cache that cannot be used for any reason is ignored.
"""

from __future__ import annotations

import marshal
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    Data = TypeVar("Data")

VERSION = 2
MAX_ENTRY = 1 << 20  # bytes; a configuration's parsed settings take a few kilobytes
MAX_NODES = 200_000  # values checked in a loaded entry (bounded by MAX_ENTRY anyway)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def cache_dir() -> str:
    explicit = os.environ.get("DEHUB_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dehub")


def _digest(data: bytes) -> bytes:
    try:  # the C module itself: `hashlib` would load OpenSSL first, a cost on every check
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=32).digest()


def _entry(folder: str, absolute: str) -> str:
    name = _digest(absolute.encode("utf-8", "surrogateescape")).hex()[:32]
    return os.path.join(folder, f"config-{name}")


def _own(status: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()


def _usable_folder(folder: str, create: bool) -> bool:
    """Whether `folder` is a real folder of this user with mode 0700 (made so if it is ours)."""
    try:
        if create:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        status = os.lstat(folder)
    except (OSError, ValueError):
        return False
    if not stat.S_ISDIR(status.st_mode) or not _own(status):  # a symbolic link, a file, someone else's
        return False
    if os.name == "posix" and stat.S_IMODE(status.st_mode) != 0o700:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def _read_entry(entry: str) -> bytes | None:
    """The entry's bytes: a regular file of this user, not a link, at most MAX_ENTRY bytes."""
    try:
        fd = os.open(entry, _READ_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or not _own(status) or status.st_size > MAX_ENTRY:
            return None
        data = os.read(fd, MAX_ENTRY + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= MAX_ENTRY else None


def is_plain(value: object) -> bool:
    """Whether `value` is plain parsed data: dicts (of str or other scalar keys), lists,
    strings, numbers, booleans and None, nothing else (no code objects, sets, bytes)."""
    pending = [value]
    seen = 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > MAX_NODES:
            return False
        if item is None or type(item) in (str, int, float, bool):
            continue
        if type(item) is list:
            pending.extend(item)
        elif type(item) is dict:
            for key, inner in item.items():
                if key is not None and type(key) not in (str, int, float, bool):
                    return False
                pending.append(inner)
        else:
            return False
    return True


def _stored_value(data: bytes, key: tuple[object, ...]) -> tuple[bool, object]:
    """(True, value) when `data` is an entry written for `key`; (False, None) otherwise."""
    try:
        stored = marshal.loads(data)
    except Exception:  # noqa: BLE001 - whatever a malformed entry raises, it is not used
        return False, None
    if type(stored) is not tuple or len(stored) != 2 or stored[0] != key:
        return False, None
    value = stored[1]
    return (True, value) if is_plain(value) else (False, None)


def load(path: str, raw: bytes, parse: Callable[[bytes], Data]) -> Data:
    """`parse(raw)` (plain data), or the value it gave last time for these exact bytes at this path."""
    if os.environ.get("DEHUB_NO_CACHE"):
        return parse(raw)
    absolute = os.path.abspath(path)
    key = (VERSION, absolute, len(raw), _digest(raw))
    folder = cache_dir()
    entry = _entry(folder, absolute)
    if _usable_folder(folder, create=False):
        data = _read_entry(entry)
        if data is not None:
            found, stored = _stored_value(data, key)
            if found:
                return stored  # type: ignore[return-value]  # what parse gave for these bytes
    value = parse(raw)
    try:
        # typeshed admits only what marshal can write; anything else raises ValueError, handled here
        data = marshal.dumps((key, value))  # type: ignore[arg-type]
    except ValueError:  # not plain data (a YAML timestamp, say): just do not cache it
        return value
    if len(data) <= MAX_ENTRY and is_plain(value) and _usable_folder(folder, create=True):
        _write_entry(folder, entry, data)
    return value


_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _write_entry(folder: str, entry: str, data: bytes) -> None:
    """A temporary file created exclusively (0600, never an existing file or link: O_EXCL),
    renamed over the entry; any failure leaves no temporary file behind and is ignored."""
    temporary = os.path.join(folder, f".config-{os.getpid()}-{os.urandom(8).hex()}.tmp")
    try:
        fd = os.open(temporary, _CREATE_FLAGS, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, entry)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
