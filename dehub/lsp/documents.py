"""One open document: its text, what kind of file it is, and its latest lint result.

Linting goes through `runner.check_bytes`, the function `dehub check --stdin-filename` uses, so
an editor sees exactly what the command line reports for the same text: the same decoding
(binary or invalid text is one DH900), the same max-file-size limit, the same containment of
an internal error (one DH900 naming it, never a dead server).

The kind comes from the document's path (`kind_for_path`), else from the editor's language id
(`dockerfile`), else from the content (`kind_for_text`, as for a file named on the command
line); a document that is none of dehub's kinds has no findings. Files the configuration
excludes have none either.

Editors ask for diagnostics far more often than the text changes (a save after the debounced
change was linted, a configuration reload that changed nothing for this file, an undo back to
the last text): the result is kept with the exact text and configuration generation it was
computed for, and reused when both are the same.
"""

from __future__ import annotations

import gc

from ..findings import Finding
from ..gha import jobmemo
from ..kinds import KINDS, kind_for_path, kind_for_text
from ..runner import check_bytes
from ..shell import memo as scriptmemo
from ..source import BOM
from .positions import UTF16, LineIndex
from .workspace import ConfigStore, Loaded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from asyncio import Future, TimerHandle

    from .shapes import Diagnostic, Range

LANGUAGE_KINDS = {language: kind.name for kind in KINDS for language in kind.language_ids}

# An editor re-lints the same file after every change: keep what unchanged jobs and scripts gave.
jobmemo.ENABLED = scriptmemo.ENABLED = True


class LintResult:
    """Findings for one exact text, with what is needed to place them in it."""

    __slots__ = (
        "text", "kind", "findings", "loaded", "shift", "_index", "encoding", "diagnostics", "excluded", "_plain",
        "encoded",
    )  # fmt: skip

    def __init__(self, text: str, kind: str | None, findings: list[Finding], loaded: Loaded, shift: int,
                 encoding: str, excluded: bool = False) -> None:  # fmt: skip
        self.text = text
        self.kind = kind
        self.findings = findings
        self.loaded = loaded
        self.shift = shift  # 1 when the text starts with a BOM: the engine's offsets exclude it
        self.encoding = encoding
        self.excluded = excluded
        self._index: LineIndex | None = None
        self._plain: bool | None = None  # ASCII text with LF line ends: engine columns are LSP's
        self.diagnostics: list[Diagnostic] | None = None  # built once, on first publish
        self.encoded: tuple[int | None, str] | None = None  # (version, `diagnostics` as JSON), built off the loop

    def finding_range(self, finding: Finding) -> Range:
        """The LSP range of a finding. In ASCII text with `\n` line ends (nearly every file) the
        engine's 1-based code-point lines and columns already are LSP's, less one."""
        plain = self._plain
        if plain is None:
            plain = self._plain = not self.shift and self.text.isascii() and "\r" not in self.text
        if plain:
            return {
                "start": {"line": finding.line - 1, "character": finding.column - 1},
                "end": {"line": finding.end_line - 1, "character": finding.end_column - 1},
            }
        return self.range(finding.start, finding.end)

    def is_for(self, document: Document) -> bool:
        """Whether this result is for the document's current text."""
        return same_text(self.text, document.text)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text, self.encoding)
        return self._index

    def range(self, start: int, end: int) -> Range:
        """The LSP range of engine offsets [start, end)."""
        return self.index.range(start + self.shift, end + self.shift)


class Document:
    """What the server keeps per open document."""

    __slots__ = ("uri", "path", "language_id", "version", "text", "result", "pending", "job", "job_for")

    def __init__(self, uri: str, path: str | None, language_id: str, version: int | None, text: str) -> None:
        self.uri = uri
        self.path = path  # None for a document not on disk (untitled:, ...)
        self.language_id = language_id or ""
        self.version = version
        self.text = text
        self.result: LintResult | None = None
        self.pending: TimerHandle | None = None  # the debounce timer of a change not linted yet
        self.job: Future[LintResult] | None = None  # the lint of `job_for` in the worker (server.py)
        self.job_for: tuple[str, Loaded, str] | None = None  # its text, configuration and encoding

    def snapshot(self) -> Document:
        """A copy for work off the event loop, which a change to this document cannot touch."""
        copy = Document(self.uri, self.path, self.language_id, self.version, self.text)
        copy.result = self.result
        return copy


def same_text(one: str, other: str) -> bool:
    """Whether two texts of a document are the same: in the usual case the very same string
    (a result keeps the text it linted), compared in full only when not."""
    return one is other or one == other


def detect_kind(path: str | None, language_id: str, text: str) -> str | None:
    """The kind dehub reads this document as, or None."""
    kind = kind_for_path(path) if path else None
    if kind is None:
        kind = LANGUAGE_KINDS.get(language_id.lower())
    if kind is None:
        kind = kind_for_text(text[:200_000], path or "")
    return kind


def lint(document: Document, configs: ConfigStore, encoding: str = UTF16) -> LintResult:
    """Lint the document's current text (or reuse the result for this very text)."""
    loaded = configs.for_path(document.path)
    previous = cached(document, loaded, configs.generation, encoding)
    if previous is not None:
        return previous
    result = lint_text(document.text, document.path, document.language_id, loaded, encoding)
    document.result = result
    return result


def cached(document: Document, loaded: Loaded, generation: int, encoding: str) -> LintResult | None:
    """The document's kept result, if it is for its current text, configuration and encoding."""
    previous = document.result
    if (
        previous is not None
        and previous.is_for(document)
        and previous.loaded is loaded
        and loaded.generation == generation
        and previous.encoding == encoding
    ):
        return previous
    return None


def lint_text(text: str, path: str | None, language_id: str, loaded: Loaded, encoding: str = UTF16) -> LintResult:
    """The findings for `text` as a document at `path` with this configuration."""
    if loaded.excludes(path):
        return LintResult(text, None, [], loaded, 0, encoding, excluded=True)
    kind = detect_kind(path, language_id, text)
    if kind is None:
        return LintResult(text, None, [], loaded, 0, encoding)
    shift = 1 if text.startswith(BOM) else 0
    # surrogatepass: a lone surrogate (possible in JSON text) becomes bytes that fail to decode,
    # so it is reported as text that is not UTF-8, as for a file on disk.
    data = text.encode("utf-8", "surrogatepass")
    # The cyclic collector finds almost nothing in a lint's objects (they die by reference
    # count) but runs dozens of passes over them: about a quarter of a re-lint's time.
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        result = check_bytes(path or "-", data, kind, loaded.settings)
    finally:
        if collecting:
            gc.enable()
    return LintResult(text, kind, result.findings, loaded, shift, encoding)
