"""Reading a file dehub was told to read, without ever blocking on something that is not one.

`open(path)` on a FIFO waits for a writer forever, on a terminal or a device it may wait for
input or read without end (`/dev/zero`, `/dev/urandom`). Every file dehub reads (files to
check, configurations, baselines, the files the language server and `dehub init` look at)
goes through `read_regular`: the path is stat-ed first, so that nothing but a regular file is
opened at all; it is then opened with O_NONBLOCK (a FIFO swapped in meanwhile cannot block
the open) and checked again with fstat on what was opened, before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFileError(OSError):
    """The path names a FIFO, socket, device or other non-regular file; str(err) says which."""


class TooLargeError(OSError):
    """The file holds more than the reader allows; `size` is what fstat said (or the limit + 1)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"file is {size} bytes, over the limit of {limit}")
        self.size = size
        self.limit = limit


def describe(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _refuse(path: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", path)
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(errno.EINVAL, f"not a regular file: {describe(mode)}", path)


def read_regular(path: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (symbolic links followed).

    Raises IsADirectoryError for a folder, NotRegularFileError for anything else that is not a
    regular file (without blocking, and without opening it at all when it already was one),
    TooLargeError when it holds more than `limit` bytes, and OSError as `open` does.
    """
    return read_regular_status(path, limit)[0]


def read_regular_status(path: str, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """`read_regular`, and the fstat of the file read: what a writer checks the file against
    before replacing it (atomic.write_atomically)."""
    _refuse(path, os.stat(path).st_mode)
    fd = os.open(path, _FLAGS)
    try:
        status = os.fstat(fd)
        _refuse(path, status.st_mode)  # swapped for a FIFO or device between stat and open
        if limit is not None and status.st_size > limit:
            raise TooLargeError(status.st_size, limit)
        chunks = []
        wanted = limit + 1 if limit is not None else -1
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20 if wanted < 0 else min(1 << 20, wanted - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if wanted >= 0 and total >= wanted:
                break
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:  # grew after the fstat
        raise TooLargeError(len(data), limit)
    return data, status
