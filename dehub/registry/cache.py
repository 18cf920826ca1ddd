"""The on-disk memory of registry answers, so that pre-commit runs do not ask again.

One small JSON file, `<cache dir>/verify/answers.json`, maps a lookup key (the reference
asked; for Docker Hub lookups prefixed by the endpoint) to the answer and when it was got.
Only answers are kept — a manifest exists (24 h by default) or is missing (1 h) — never
trouble on the way (unreachable, rate-limited, auth-required), which must be asked again.
A file that cannot be read or parsed is ignored and rewritten; one that cannot be written is
not used. Writes are atomic and merge with what another dehub process wrote meanwhile (pre-commit
runs several at once): the read-merge-write holds a lock file, waited on for a few seconds at most.
"""

from __future__ import annotations

import json
import os
import threading
import time

from . import untrusted
from .outcome import EXISTS, MISSING, Outcome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

VERSION = 1
MAX_ENTRIES = 5000
FILE_MAX = 8 * 1024 * 1024
LOCK_WAIT = 5.0


def default_dir() -> str:
    """`$XDG_CACHE_HOME/dehub` (or `~/.cache/dehub`), as the config cache uses."""
    from ..configcache import cache_dir

    return cache_dir()


class AnswerCache:
    """Answers by key with their time; thread-safe; `save()` writes what was added."""

    def __init__(
        self,
        folder: str | None,
        hit_ttl: float,
        miss_ttl: float,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.path = os.path.join(folder or default_dir(), "verify", "answers.json")
        self.hit_ttl = hit_ttl
        self.miss_ttl = miss_ttl
        self.now = now
        self._entries: dict[str, tuple[float, Outcome]] | None = None
        self._added: dict[str, tuple[float, Outcome]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Outcome | None:
        """The answer stored for `key` while it is fresh, else None."""
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            held = self._added.get(key) or self._entries.get(key)
        if held is None or not self._fresh(held):
            return None
        return held[1]

    def put(self, key: str, outcome: Outcome) -> None:
        """Remember an answer (anything but exists/missing is ignored)."""
        if outcome.state not in (EXISTS, MISSING):
            return
        with self._lock:
            self._added[key] = (self.now(), outcome)

    def save(self) -> None:
        """Merge the new answers into the file (re-read now), dropping stale entries."""
        with self._lock:
            if not self._added:
                return
            try:
                # 0700 as the XDG spec asks: the answers name private registries and repositories
                os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
                with _FileLock(self.path + ".lock"):  # another process's read-merge-write is not lost
                    merged = self._read()
                    merged.update(self._added)
                    fresh = sorted(
                        ((at, key, o) for key, (at, o) in merged.items() if self._fresh((at, o))), reverse=True
                    )
                    data = {
                        "version": VERSION,
                        "entries": {key: {"at": at, "outcome": o.to_dict()} for at, key, o in fresh[:MAX_ENTRIES]},
                    }
                    from ..atomic import write_atomically

                    write_atomically(self.path, json.dumps(data, sort_keys=True).encode(), None, mode=0o600)
            except OSError:
                return
            self._added.clear()

    def _fresh(self, held: tuple[float, Outcome]) -> bool:
        at, outcome = held
        ttl = self.hit_ttl if outcome.state == EXISTS else self.miss_ttl
        now = self.now()
        return at <= now + 60 and now - at < ttl  # an entry from the future (clock moved back): stale

    def _read(self) -> dict[str, tuple[float, Outcome]]:
        try:
            with open(self.path, "rb") as handle:
                data = untrusted.loads(handle.read(FILE_MAX + 1)[:FILE_MAX])
        except (OSError, ValueError):
            return {}
        entries = data.get("entries") if isinstance(data, dict) and data.get("version") == VERSION else None
        if not isinstance(entries, dict):
            return {}
        out: dict[str, tuple[float, Outcome]] = {}
        for key, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            at, stored = entry.get("at"), entry.get("outcome")
            if not isinstance(at, (int, float)) or isinstance(at, bool) or not isinstance(stored, dict):
                continue
            try:
                outcome = Outcome.from_dict(stored)
            except ValueError:
                continue
            if outcome.state in (EXISTS, MISSING):
                out[key] = (float(at), outcome)
        return out


class _FileLock:
    """An exclusive `flock` on a lock file, given up after LOCK_WAIT seconds (then unlocked:
    a lost merge costs a second question later, a hang would cost the run)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def __enter__(self) -> _FileLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self
        handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+b")
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            except OSError:
                break
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        handle = self._handle
        if handle is not None:
            handle.close()  # closing gives the lock up
