"""Writing a file so that a reader sees the old bytes or the new, never half of them.

One way for every file dehub writes (a fixed file, a baseline, a new `.dehub.yaml`): a
temporary file in the same folder, flushed to disk, given the file's mode (and owner), renamed
over it. Symbolic links are followed, so the link stays a link. A hard link to the file keeps
the old content (the rename makes a new inode).
"""

from __future__ import annotations

import os


def write_atomically(path: str, data: bytes, expected: bytes | None, mode: int | None = None) -> None:
    """Replace the file's bytes, keeping its mode and owner; a new file gets the umask's mode
    (or `mode`, which also replaces an existing file's: for private files such as caches).

    With `expected`, the file must exist and still hold those bytes (OSError otherwise: someone
    changed it meanwhile); with None, it may be new or hold anything.
    """
    import tempfile

    target = os.path.realpath(path)
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        if expected is not None:
            raise
        status = None
    if expected is not None:
        with open(target, "rb") as handle:
            if handle.read() != expected:
                raise OSError(f"{path} changed while dehub was fixing it; not written")
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
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
