"""`-o FILE` must never name a file the run reads: the report would replace it.

`dehub check -o Dockerfile Dockerfile` used to overwrite the Dockerfile with its own report
(and `--fix` then had written the fix first, so both were lost). The report file is compared
with every file the run reads or writes (the files checked, each configuration, the
baselines) by identity, so a symbolic link or a hard link to one of them is caught too, and
by resolved path when the report file does not exist yet. The check runs before any file is
checked, fixed or written.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def _resolved(path: str) -> str:
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return os.path.normcase(os.path.abspath(path))


def clash(output: str, used: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The first (what, path) in `used` that `output` names (the same file, or the same path
    once links are resolved); None if the report file is none of them."""
    identity = _identity(output)
    resolved = None
    for what, path in used:
        other = _identity(path)
        if identity is not None:  # one stat a file: cheap for a run over thousands of files
            if other == identity:
                return what, path
        elif other is None:  # neither exists yet (a baseline to write): the same path?
            resolved = resolved or _resolved(output)
            if resolved == _resolved(path):
                return what, path
    return None
