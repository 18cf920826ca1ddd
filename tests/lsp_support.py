"""Shared pieces of the language-server tests: the server command, a recording test client,
and helpers to open documents, wait for diagnostics and apply edits as an editor would."""

from __future__ import annotations

import asyncio
import sys
import time
from itertools import pairwise
from pathlib import Path

from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, LanguageClientProtocol
from pytest_lsp.client import register_lsp_features

# The server as an editor starts it. From the checkout `-m` finds the source folder, which is
# the whole package (rules and hooks live inside it), so no sys.path surgery is needed.
SERVER = [sys.executable, "-m", "dehub", "lsp"]
PUBLISH = t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
FAST = {"debounce": 0.02}  # initializationOptions: keep the tests quick


class RecordingProtocol(LanguageClientProtocol):
    """Keeps every publishDiagnostics (with its version), not only the latest list per URI."""

    def _handle_notification(self, method_name, params):
        if method_name == PUBLISH:
            self._server.published.append(params)
        return super()._handle_notification(method_name, params)


class RecordingClient(LanguageClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, protocol_cls=RecordingProtocol, **kwargs)
        self.published: list[t.PublishDiagnosticsParams] = []
        self.registrations: list[t.RegistrationParams] = []


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    register_lsp_features(client)

    @client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(ls: RecordingClient, params: t.RegistrationParams) -> None:
        ls.registrations.append(params)

    return client


def workspace(root: Path) -> Path:
    """A folder that looks like a repository root (configuration lookup stops at `.git`)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    return root


def init_params(root: Path, capabilities: t.ClientCapabilities | None = None, options: dict | None = None):
    return t.InitializeParams(
        capabilities=capabilities or t.ClientCapabilities(),
        root_uri=root.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options=FAST if options is None else options,
    )


async def until(predicate, timeout: float = 10.0):
    """Wait until predicate() returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.005)


def published(client: RecordingClient, uri: str, version: int | None = None) -> list[t.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri and (version is None or p.version == version)]


async def diagnostics(client: RecordingClient, uri: str, version: int | None = None) -> list[t.Diagnostic]:
    """The diagnostics of the first publish for `uri` (at `version`, if given) not yet consumed."""
    seen = getattr(client, "_consumed", None)
    if seen is None:
        seen = client._consumed = set()  # type: ignore[attr-defined]

    def fresh() -> t.PublishDiagnosticsParams | None:
        for params in published(client, uri, version):
            if id(params) not in seen:
                return params
        return None

    params = await until(fresh)
    seen.add(id(params))
    return list(params.diagnostics)


async def open_document(
    client: RecordingClient, path: Path, text: str, language_id: str = "plaintext", version: int = 1
) -> list[t.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text))
    )
    return await diagnostics(client, uri, version)


def change(client: RecordingClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def offset_of(text: str, line: int, character: int, encoding: str = "utf-16") -> int:
    """A client's view of a position: the code-point offset it names (LSP lines are \\n here)."""
    lines = text.split("\n")
    start = sum(len(part) + 1 for part in lines[:line])
    units = 0
    for index, char in enumerate(lines[line] if line < len(lines) else ""):
        if units >= character:
            return start + index
        units += len(char.encode("utf-16-le")) // 2 if encoding == "utf-16" else (
            len(char.encode("utf-8")) if encoding == "utf-8" else 1)  # fmt: skip
    return start + len(lines[line] if line < len(lines) else "")


def apply_edit(text: str, edit: t.WorkspaceEdit, uri: str, encoding: str = "utf-16") -> str:
    """Apply a WorkspaceEdit's edits for `uri` to `text`, as an editor does (all at once)."""
    edits: list[t.TextEdit] = []
    if edit.document_changes:
        for change_ in edit.document_changes:
            assert isinstance(change_, t.TextDocumentEdit)
            if change_.text_document.uri == uri:
                edits.extend(change_.edits)  # type: ignore[arg-type]
    if edit.changes:
        edits.extend(edit.changes.get(uri, []))
    spans = []
    for item in edits:
        start = offset_of(text, item.range.start.line, item.range.start.character, encoding)
        end = offset_of(text, item.range.end.line, item.range.end.character, encoding)
        spans.append((start, end, item.new_text))
    spans.sort()
    for (_, end, _), (start, _, _) in pairwise(spans):
        assert end <= start, "overlapping edits"
    for start, end, new_text in reversed(spans):
        text = text[:start] + new_text + text[end:]
    return text


def span_text(text: str, diagnostic: t.Diagnostic, encoding: str = "utf-16") -> str:
    start = offset_of(text, diagnostic.range.start.line, diagnostic.range.start.character, encoding)
    end = offset_of(text, diagnostic.range.end.line, diagnostic.range.end.character, encoding)
    return text[start:end]
