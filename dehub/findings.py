"""Findings and fixes: the one result type every rule, reporter, fixer and editor shares."""

from __future__ import annotations

from collections.abc import Iterable

SEVERITIES = ("error", "warning", "info")
SAFE = "safe"
UNSAFE = "unsafe"

# A hostile file can put a 500 KB image string into a message, once per finding: a message
# quotes at most this much of any one value, lists this many names, and is this long at most.
# The data fields (`image`, `suggestion`, fixes) keep the exact text: tools and fixes need it.
VALUE_LIMIT = 200
NAMES_LIMIT = 5
MESSAGE_LIMIT = 2000
ELLIPSIS = "\u2026"


def clip(value: str, limit: int = VALUE_LIMIT) -> str:
    """A value as a message quotes it: whole up to `limit` characters, else its start and its
    end around `…` (the end of an image name is its tag, which tells two apart)."""
    if len(value) <= limit:
        return value
    tail = (limit - 1) // 3
    return value[: limit - 1 - tail] + ELLIPSIS + value[len(value) - tail :]


def listing(names: Iterable[str], limit: int = NAMES_LIMIT) -> str:
    """`a, b, c` or, past `limit` names, `a, b, c, d, e and 12 more`; each name clipped."""
    names = list(names)
    shown = ", ".join(clip(name) for name in names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def clip_message(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """A whole message cut at `limit` characters, with `…` where it was cut."""
    return message if len(message) <= limit else message[: limit - 1] + ELLIPSIS


class Edit:
    """Replace text[start:end] of the original file text with `text`.

    The engine also sets 1-based `line`, `column`, `end_line`, `end_column` (end exclusive,
    columns in code points) so reporters that describe fixes (SARIF) need no source text.
    """

    __slots__ = ("start", "end", "text", "line", "column", "end_line", "end_column")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.line = self.column = self.end_line = self.end_column = 0

    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.text

    def __repr__(self) -> str:
        return f"Edit({self.start}, {self.end}, {self.text!r})"


class Fix:
    """Edits that must be applied together, and whether they are safe (ruff's fix safety)."""

    __slots__ = ("edits", "safety")

    def __init__(self, edits: tuple[Edit, ...], safety: str) -> None:
        self.edits = edits
        self.safety = safety


class Finding:
    """One problem at one span. Offsets index the decoded text; lines/columns are 1-based.

    `message` says what is wrong and what to do; `note` (or None) is background that many
    findings of a file share (when a workflow pulls the image), kept apart so a person's report
    can print it once per file instead of at the end of every line.
    """

    __slots__ = (
        "code", "name", "severity", "message", "note", "start", "end", "site", "kind", "image",
        "canonical", "suggestion", "fix", "anchors", "path", "line", "column", "end_line",
        "end_column", "verification",
    )  # fmt: skip

    def __init__(
        self,
        code: str,
        name: str,
        severity: str,
        message: str,
        start: int,
        end: int,
        *,
        site: str | None = None,
        image: str | None = None,
        canonical: str | None = None,
        suggestion: str | None = None,
        fix: Fix | None = None,
        anchors: tuple[int, ...] = (),
        note: str | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.note = note
        self.start = start
        self.end = end
        self.site = site
        self.image = image
        self.canonical = canonical
        self.suggestion = suggestion
        self.fix = fix
        self.anchors = anchors  # other offsets this finding is about (the site that uses an ARG)
        self.kind = ""
        self.verification: str | None = None  # `--verify`: the registry's answer (an Outcome state)
        self.path = ""
        self.line = self.column = self.end_line = self.end_column = 0

    @property
    def full_message(self) -> str:
        """The message followed by its note: for formats that show one finding on its own
        (SARIF, annotations, editors), where nothing else carries the note."""
        return self.message if self.note is None else f"{self.message}; {self.note}"

    @property
    def fixable(self) -> str | None:
        return self.fix.safety if self.fix is not None else None

    def sort_key(self) -> tuple[str, int, int, str]:
        return self.path, self.line, self.column, self.code

    def __repr__(self) -> str:
        return f"Finding({self.code}, {self.line}:{self.column}, {self.message!r})"
