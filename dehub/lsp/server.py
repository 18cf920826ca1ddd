"""The pygls wiring: which LSP messages the server handles and what each one does.

- Documents are synchronised in full (`TextDocumentSyncKind.Full`): the client sends the whole
  text on each change. Incremental sync would save a few kilobytes per keystroke, but pygls
  applies incremental edits on `str.splitlines` lines, which also break at form feeds and
  U+2028, so an edit after such a character would land in the wrong place; full sync cannot
  drift from what the editor shows.
- Diagnostics: on open and save at once, on change after a debounce (0.15 s by default,
  `debounce` in seconds in `initializationOptions` or in the `dehub` section of
  `workspace/didChangeConfiguration` settings), so typing a word lints once, with the last text.
  Every publish carries the document version. Closing a document clears its diagnostics.
- Configuration: found per document (`workspace`); a change to `.dehub.yaml`, `.dehub.yml` or
  `pyproject.toml` (a watched-file event, registered dynamically when the client allows it, or
  the file saved in the editor) reloads every configuration and re-lints every open document.
- Every handler contains its own failures: an exception is logged (stderr or `--log-file`) and
  answered with nothing, or, while linting, with one diagnostic that names it; the server goes on.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import actions as code_actions
from .diagnostics import SOURCE, diagnostics, problem
from .documents import Document, LintResult, lint
from .markdown import hover as hover_markdown
from .positions import UTF16, normalise_encoding
from .workspace import WATCH_GLOBS, ConfigStore, is_config_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import Diagnostic, PublishDiagnosticsParams

log = logging.getLogger("dehub.lsp")

DEFAULT_DEBOUNCE = 0.15
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
WATCH_REGISTRATION_ID = "dehub-config-watch"


class DehubServer(LanguageServer):
    """A pygls server holding the open documents, their configuration and the client's abilities."""

    def __init__(self) -> None:
        super().__init__("dehub", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.documents: dict[str, Document] = {}
        self.configs = ConfigStore()
        self.debounce = DEFAULT_DEBOUNCE
        self.encoding = UTF16
        self.client = code_actions.Client()
        self.watch_dynamic = False
        self.shown_errors: dict[str, str] = {}  # configuration file -> error shown to the user
        self.shutting_down = False

    # ------------------------------------------------------------------ options

    def apply_options(self, options: Any) -> None:
        """Settings from initializationOptions or didChangeConfiguration (`{"dehub": {...}}` or `{...}`)."""
        if not isinstance(options, dict):
            return
        if isinstance(options.get("dehub"), dict):
            options = options["dehub"]
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and 0 <= debounce <= 10:
            self.debounce = float(debounce)

    # ------------------------------------------------------------------ linting and publishing

    def lint(self, document: Document) -> LintResult:
        return lint(document, self.configs, self.encoding)

    def lint_and_publish(self, uri: str) -> None:
        """Lint an open document's current text and publish its diagnostics; never raises."""
        document = self.documents.get(uri)
        if document is None or self.shutting_down:
            return
        document.pending = None
        try:
            result = self.lint(document)
            found = diagnostics(result, document.version)
            self.show_config_error(result)
        except Exception as err:  # a bug in the server: say so on the document, keep serving
            log.exception("dehub: linting %s failed", uri)
            found = [problem(f"dehub: internal error while checking this document: {type(err).__name__}: {err}",
                             "DH900")]  # fmt: skip
        self.publish(uri, document.version, found)

    def publish(self, uri: str, version: int | None, found: list[Diagnostic]) -> None:
        """Send diagnostics for a document; a configuration file also shows its own load error."""
        extra = self.config_problems(uri)
        if extra:
            found = [*found, *extra]
        params: PublishDiagnosticsParams = {"uri": uri, "diagnostics": found}
        if version is not None:
            params["version"] = version
        send = getattr(self.protocol, "_send_data", None)
        if send is not None:  # plain JSON data: no cattrs round trip (see diagnostics.py)
            send({"jsonrpc": "2.0", "method": PUBLISH, "params": params})
        else:  # pragma: no cover - a pygls without _send_data: go through the typed API
            converter = self.protocol._converter
            self.text_document_publish_diagnostics(converter.structure(params, types.PublishDiagnosticsParams))

    def schedule(self, document: Document) -> None:
        """Lint after the debounce delay, unless another change comes first."""
        self.cancel(document)
        if self.debounce <= 0:
            self.lint_and_publish(document.uri)
            return
        import asyncio

        loop = asyncio.get_running_loop()
        document.pending = loop.call_later(self.debounce, self.lint_and_publish, document.uri)

    def cancel(self, document: Document) -> None:
        if document.pending is not None:
            document.pending.cancel()
            document.pending = None

    def relint_all(self) -> None:
        for uri in list(self.documents):
            document = self.documents.get(uri)
            if document is not None:
                self.cancel(document)
                self.lint_and_publish(uri)

    # ------------------------------------------------------------------ configuration

    def reload(self) -> None:
        """A configuration file changed: forget all configurations, re-lint every open document,
        and clear the error display of configuration files that now load."""
        before = self.configs.reload()
        self.relint_all()
        for path in before:
            if path and path not in self.configs.errors:
                self.shown_errors.pop(path, None)
                uri = _uri(path)
                document = self.documents.get(uri)
                if document is None:
                    self.publish(uri, None, [])
                else:  # still open: republish its own diagnostics without the error
                    self.lint_and_publish(uri)

    def show_config_error(self, result: LintResult) -> None:
        """Show a configuration error once: a message, and a diagnostic on the configuration file."""
        loaded = result.loaded
        if not loaded.error or not loaded.path or self.shown_errors.get(loaded.path) == loaded.error:
            return
        self.shown_errors[loaded.path] = loaded.error
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"dehub: configuration error; using the default settings until it is fixed: {loaded.error}",
        ))  # fmt: skip
        uri = _uri(loaded.path)
        if uri not in self.documents:
            self.publish(uri, None, [])
        else:
            self.lint_and_publish(uri)

    def config_problems(self, uri: str) -> list[Diagnostic]:
        path = _path(uri)
        if not path or not is_config_file(path):
            return []
        error = self.configs.errors.get(path)
        if not error:
            return []
        found = problem(f"dehub: {error}")
        line = _error_line(path, error)
        found["range"] = {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}
        return [found]


def _uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or path


def _path(uri: str) -> str | None:
    try:
        return to_fs_path(uri)
    except Exception:  # noqa: BLE001 - a malformed URI is not a file, whatever pygls raises
        return None


def _error_line(path: str, error: str) -> int:
    """The 0-based line a configuration error is about: YAML and TOML errors name it; a bad key
    is found by name; else the first line."""
    import re

    marks = re.findall(r"line (\d+)", error)
    if marks:
        return max(0, int(marks[-1]) - 1)
    named = re.search(r"`([A-Za-z0-9_-]+)", error)
    if not named:
        return 0
    from ..regularfile import read_regular

    try:
        lines = read_regular(path).decode("utf-8", "replace").splitlines()
    except OSError:
        return 0
    key = re.compile(r"^\s*['\"]?" + re.escape(named.group(1)) + r"['\"]?\s*[:=]")
    for number, line in enumerate(lines):
        if key.match(line):
            return number
    return 0


def create_server() -> DehubServer:
    """A server with every handler registered (a new one per call: tests may start several)."""
    server = DehubServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: DehubServer, params: types.InitializeParams) -> None:
        ls.apply_options(params.initialization_options)
        ls.encoding = normalise_encoding(ls.workspace.position_encoding)
        capabilities = params.capabilities
        workspace = capabilities.workspace
        text_document = capabilities.text_document
        edit = workspace.workspace_edit if workspace else None
        code_action = text_document.code_action if text_document else None
        resolve = code_action.resolve_support if code_action else None
        ls.client = code_actions.Client(
            document_changes=bool(edit and edit.document_changes),
            resolve_edit=bool(resolve and "edit" in (resolve.properties or ())),
        )
        watched = workspace.did_change_watched_files if workspace else None
        ls.watch_dynamic = bool(watched and watched.dynamic_registration)

    @server.feature(types.INITIALIZED)
    def initialized(ls: DehubServer, params: types.InitializedParams) -> None:
        if not ls.watch_dynamic:
            return
        watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]
        registration = types.Registration(
            id=WATCH_REGISTRATION_ID,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))
        except Exception:
            log.exception("dehub: could not register the configuration file watcher")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DehubServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        document = Document(item.uri, _path(item.uri), item.language_id, item.version, item.text)
        old = ls.documents.get(item.uri)
        if old is not None:
            ls.cancel(old)
        ls.documents[item.uri] = document
        ls.lint_and_publish(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DehubServer, params: types.DidChangeTextDocumentParams) -> None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return
        document.version = params.text_document.version
        document.text = _current_text(ls, document, params)
        ls.schedule(document)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    def did_save(ls: DehubServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.documents.get(params.text_document.uri)
        if document is not None and params.text is not None:
            document.text = params.text
        if document is not None and is_config_file(document.path):
            ls.reload()
            return
        if document is not None:
            ls.cancel(document)
            ls.lint_and_publish(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DehubServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.pop(uri, None)
        if document is not None:
            ls.cancel(document)
        ls.publish(uri, None, [])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: DehubServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(is_config_file(_path(change.uri)) for change in params.changes):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: DehubServer, params: types.DidChangeConfigurationParams) -> None:
        ls.apply_options(params.settings)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, code_actions.FIX_ALL], resolve_provider=True
        ),
    )
    def code_action(ls: DehubServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        try:
            document = ls.documents.get(params.text_document.uri)
            if document is None:
                return None
            result = ls.lint(document)
            if result.kind is None:
                return None
            index = result.index
            start = index.offset(params.range.start.line, params.range.start.character) - result.shift
            end = index.offset(params.range.end.line, params.range.end.character) - result.shift
            converter = ls.protocol._converter
            context = params.context
            sent = [converter.unstructure(item) for item in context.diagnostics if item.source == SOURCE]
            only = [str(getattr(kind, "value", kind)) for kind in context.only] if context.only is not None else None
            found = code_actions.actions(document, result, start, end, only, sent, ls.client)
            return [converter.structure(action, types.CodeAction) for action in found] or None
        except Exception:
            log.exception("dehub: code actions failed")
            return None

    @server.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: DehubServer, params: types.CodeAction) -> types.CodeAction:
        try:
            data = params.data if isinstance(params.data, dict) else {}
            document = ls.documents.get(str(data.get("uri")))
            if document is None:
                return params
            converter = ls.protocol._converter
            action = converter.unstructure(params)
            resolved = code_actions.resolve(action, document, ls.lint(document), ls.client)
            return converter.structure(resolved, types.CodeAction)
        except Exception:
            log.exception("dehub: resolving a code action failed")
            return params

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: DehubServer, params: types.HoverParams) -> types.Hover | None:
        try:
            document = ls.documents.get(params.text_document.uri)
            if document is None:
                return None
            result = ls.lint(document)
            offset = result.index.offset(params.position.line, params.position.character) - result.shift
            under = [f for f in result.findings if f.start <= offset < max(f.end, f.start + 1)]
            if not under:
                return None
            start, end = min(f.start for f in under), max(f.end for f in under)
            span = result.range(start, end)
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(under)),
                range=types.Range(
                    start=types.Position(**span["start"]), end=types.Position(**span["end"])
                ),
            )
        except Exception:
            log.exception("dehub: hover failed")
            return None

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: DehubServer, params: None) -> None:
        ls.shutting_down = True
        for document in ls.documents.values():
            ls.cancel(document)

    return server


def _current_text(ls: DehubServer, document: Document, params: types.DidChangeTextDocumentParams) -> str:
    """The text after a change: the last full-text change, else what pygls made of the edits."""
    for change in reversed(params.content_changes):
        if isinstance(change, types.TextDocumentContentChangeWholeDocument):
            return change.text
        break
    try:
        return ls.workspace.get_text_document(document.uri).source
    except Exception:
        log.exception("dehub: could not apply a change to %s", document.uri)
        return document.text


def serve(log_file: str | None = None) -> int:
    """Run the server on standard input and output until the client says exit; the exit code is
    0 after a `shutdown` request, 1 otherwise (LSP's rule)."""
    import sys

    _configure_logging(log_file)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol stream
    server = create_server()
    server.start_io(stdin, stdout)
    return 0 if server.shutting_down else 1


def _configure_logging(log_file: str | None) -> None:
    handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    if log_file:
        log.setLevel(logging.DEBUG)
