"""Keeping secrets out of everything dehub prints, logs or stores.

Outcome details are built from fixed templates and host names, never from header values, but
a run also remembers every secret it handled (tokens, passwords, Authorization values) and
scrubs them from the texts it returns: a second line of defence against a server or library
echoing one back.
"""

from __future__ import annotations

import threading

HIDDEN = "<hidden>"
_MIN = 4  # shorter strings would scrub ordinary words


class Secrets:
    """The secrets seen in one run; `scrub` replaces each occurrence in a text."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: str) -> None:
        with self._lock:
            self._known.update(value for value in values if len(value) >= _MIN)

    def scrub(self, text: str) -> str:
        with self._lock:
            known = sorted(self._known, key=len, reverse=True)
        for secret in known:
            if secret in text:
                text = text.replace(secret, HIDDEN)
        return text
