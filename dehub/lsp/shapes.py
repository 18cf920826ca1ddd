"""The JSON shapes of the LSP messages dehub builds as plain data, for the type checker.

Diagnostics, edits and code actions are built as dicts, not lsprotocol objects (a tenth of the
cost: see diagnostics.py); these TypedDicts say which keys each one has, with LSP's names.
The other modules import them only under TYPE_CHECKING, so neither this module nor `typing` is
loaded at run time.
"""

from __future__ import annotations

from typing import TypedDict

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing.Required is 3.11; the annotations are never evaluated
    from typing_extensions import Required


class Position(TypedDict):
    line: int
    character: int  # in the encoding the client and server agreed on (UTF-16 by default)


class Range(TypedDict):
    start: Position
    end: Position


class TextEdit(TypedDict):
    range: Range
    newText: str


class VersionedDocument(TypedDict):  # OptionalVersionedTextDocumentIdentifier
    uri: str
    version: int | None


class DocumentEdits(TypedDict):  # TextDocumentEdit
    textDocument: VersionedDocument
    edits: list[TextEdit]


class WorkspaceEdit(TypedDict, total=False):
    documentChanges: list[DocumentEdits]  # when the client supports versioned edits
    changes: dict[str, list[TextEdit]]  # otherwise


class CodeDescription(TypedDict):
    href: str


class DiagnosticData(TypedDict, total=False):
    version: Required[int | None]  # the document version the diagnostic was computed for
    fix: str  # the fix's safety, for a fixable finding


class Diagnostic(TypedDict, total=False):
    range: Required[Range]
    severity: Required[int]
    code: str
    source: Required[str]
    message: Required[str]
    codeDescription: CodeDescription
    data: DiagnosticData


class PublishDiagnosticsParams(TypedDict, total=False):
    uri: Required[str]
    version: int
    diagnostics: Required[list[Diagnostic]]


class ActionData(TypedDict, total=False):
    """What a lazily resolved code action carries to `codeAction/resolve`."""

    uri: Required[str]
    version: Required[int | None]
    action: Required[str]  # "fixAll" or "suppress"
    code: str  # suppress: the rule code, and the finding's engine offsets
    start: int
    end: int


class CodeAction(TypedDict, total=False):
    title: Required[str]
    kind: Required[str]
    diagnostics: list[Diagnostic]
    isPreferred: bool
    edit: WorkspaceEdit
    data: ActionData
