"""Writing a file so that a reader sees the old bytes or the new, never half of them.

One way for every file dehub writes (a fixed file, a baseline, a new `.dehub.yaml`): a
temporary file in the same folder, flushed to disk, given the file's mode (and owner), renamed
over it. Symbolic links are followed, so the link stays a link. A hard link to the file keeps
the old content (the rename makes a new inode).
"""

from __future__ import annotations

import os


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells one state of a file from another without reading it: the same inode (not a
    new file renamed into place), the same size and modification time."""
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def write_atomically(
    path: str,
    data: bytes,
    expected: bytes | None,
    mode: int | None = None,
    read_status: os.stat_result | None = None,
) -> None:
    """Replace the file's bytes, keeping its mode and owner; a new file gets the umask's mode
    (or `mode`, which also replaces an existing file's: for private files such as caches).

    With `expected`, the file must exist and still hold those bytes, and (with `read_status`,
    its status when those bytes were read) still be that file unchanged; it is checked again
    just before the rename, after the new bytes are on disk. OSError otherwise: someone changed
    it meanwhile, and it is left as they wrote it. With None, it may be new or hold anything.
    """
    import tempfile

    target = os.path.realpath(path)
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        if expected is not None:
            raise
        status = None
    changed = OSError(f"{path} changed while dehub was fixing it; not written")
    if status is not None and read_status is not None and _identity(status) != _identity(read_status):
        raise changed
    if expected is not None:
        from .regularfile import read_regular

        if read_regular(target) != expected:
            raise changed
    if mode is not None:
        pass
    elif status is not None:
        mode = status.st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    folder, name = os.path.split(target)
    handle_fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".dehub", dir=folder or ".")
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if status is not None and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
            try:  # keep the owner too (possible as root, or for a group we belong to)
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass
        os.chmod(temporary, mode)
        if expected is not None and status is not None and _identity(os.stat(target)) != _identity(status):
            raise changed  # written to while the new bytes were being written and flushed
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
