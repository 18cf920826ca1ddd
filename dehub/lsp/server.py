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
- Linting runs off the event loop (`worker`: one thread, one lint at a time), so a long lint
  never holds a hover, a `shutdown` or the next change. Shortly after `initialize` the worker
  imports the engine while it is idle (`warmup`), so later first lints do not pay for it. A
  newer text of a document supersedes its pending or running lint (a running one is
  interrupted), and a result is published only while the document still has that version and
  text: a stale version is never published.
  Requests that need a lint (hover, code actions) await it; `$/cancelRequest` answers them at
  once with RequestCancelled, and one whose document changed under it gets ContentModified.
- Messages are read by dehub's own reader (`stdio`, `framing`), which survives bad framing
  and answers malformed JSON-RPC (-32700, -32600, -32602) instead of pygls's stdio loop.
- Every handler contains its own failures: an exception is logged (stderr or `--log-file`) and
  answered with nothing, or, while linting, with one diagnostic that names it; the server goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import actions as code_actions
from . import warmup
from .diagnostics import SOURCE, diagnostics, encode, problem
from .documents import Document, LintResult, cached, lint_text, same_text
from .markdown import hover as hover_markdown
from .positions import UTF16, normalise_encoding
from .stdio import start
from .strict import converter
from .worker import Stale, Worker
from .workspace import WATCH_GLOBS, ConfigStore, is_config_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import Diagnostic, PublishDiagnosticsParams

log = logging.getLogger("dehub.lsp")

DEFAULT_DEBOUNCE = 0.15
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
WATCH_REGISTRATION_ID = "dehub-config-watch"
BIG = 1 << 20  # characters: a document whose line index is built in the worker


class DehubServer(LanguageServer):
    """A pygls server holding the open documents, their configuration and the client's abilities."""

    def __init__(self) -> None:
        super().__init__(
            "dehub", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full, converter_factory=converter
        )
        self.documents: dict[str, Document] = {}
        self.configs = ConfigStore()
        self.debounce = DEFAULT_DEBOUNCE
        self.encoding = UTF16
        self.client = code_actions.Client()
        self.watch_dynamic = False
        self.shown_errors: dict[str, str] = {}  # configuration file -> error shown to the user
        self.shutting_down = False
        self._worker: Worker | None = None
        self.warming = False  # the warm-up is scheduled (warmup.py)
        self.warmed: asyncio.Future[None] | None = None  # done when it has run

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

    @property
    def worker(self) -> Worker:
        if self._worker is None:
            self._worker = Worker(asyncio.get_running_loop())
        return self._worker

    def lint_future(self, document: Document) -> asyncio.Future[LintResult]:
        """The lint result of the document's current text: kept, on its way, or a new job for
        the worker (which supersedes the document's older job). Call from the event loop."""
        loaded = self.configs.for_path(document.path)
        previous = cached(document, loaded, self.configs.generation, self.encoding)
        if previous is not None:
            done: asyncio.Future[LintResult] = asyncio.get_running_loop().create_future()
            done.set_result(previous)
            return done
        wanted = (document.text, loaded, self.encoding)
        job = document.job
        if job is not None and not job.done() and document.job_for is not None and _same(document.job_for, wanted):
            return job
        text, path, language_id, encoding = document.text, document.path, document.language_id, self.encoding
        version = document.version

        def work() -> LintResult:
            result = lint_text(text, path, language_id, loaded, encoding)
            encode(result, version)
            if len(text) > BIG:  # positions for hovers and code actions: 0.15 s for 2.5 MB, not on the loop
                result.index  # noqa: B018 - built on first use
            return result

        job = self.worker.submit(document.uri, work)
        document.job, document.job_for = job, wanted
        job.add_done_callback(partial(_keep, document))
        return job

    async def lint(self, document: Document) -> LintResult:
        """The lint result of the document's current text, for a request; ContentModified when
        a newer text superseded it while the request waited."""
        try:
            return await asyncio.shield(self.lint_future(document))
        except Stale:
            raise JsonRpcContentModified(f"{document.uri} changed while the request waited") from None

    async def current_result(self, document: Document) -> LintResult:
        """`lint`, and ContentModified unless the result is still for the document's text."""
        result = await self.lint(document)
        if not result.is_for(document):
            raise JsonRpcContentModified(f"{document.uri} changed while the request waited")
        return result

    def warm_up(self) -> None:
        """Have the worker import the engine and compile the message types while idle (`warmup`);
        `warmed` is done when it has."""
        if self.shutting_down or self.warmed is not None:
            return
        steps = warmup.steps(self.configs.for_path(None), self.protocol)
        self.warmed = warmup.start(self.worker, asyncio.get_running_loop(), steps)

    async def off_loop(self, work: Any) -> Any:
        """Run `work()` in the worker, after the lints before it (a request's heavy part)."""
        return await asyncio.shield(self.worker.submit(("request", object()), work))

    def lint_and_publish(self, uri: str) -> None:
        """Lint an open document's current text off the loop and publish its diagnostics when
        they come, unless the document moved on by then; never raises."""
        document = self.documents.get(uri)
        if document is None or self.shutting_down:
            return
        self.cancel(document)
        try:
            job = self.lint_future(document)
        except Exception as err:  # noqa: BLE001 - a bug in the server: say so on the document, keep serving
            self.publish_failure(uri, document.version, err)
            return
        version = document.version
        if job.done():
            self.publish_result(uri, document, version, job)
        else:
            job.add_done_callback(partial(self.publish_result, uri, document, version))

    def publish_result(
        self, uri: str, document: Document, version: int | None, job: asyncio.Future[LintResult]
    ) -> None:
        """Publish a finished lint, if it is still for the document's current version and text."""
        if self.shutting_down or self.documents.get(uri) is not document or document.version != version:
            return  # closed, reopened or changed since: a stale version is never published
        if job.cancelled() or isinstance(job.exception(), Stale):
            return
        error = job.exception()
        if error is not None:
            self.publish_failure(uri, version, error)
            return
        result = job.result()
        if not result.is_for(document):
            return
        try:
            found = diagnostics(result, version)
            self.show_config_error(result)
        except Exception as err:  # noqa: BLE001 - a bug in the server: say so on the document, keep serving
            self.publish_failure(uri, version, err)
            return
        encoded = result.encoded
        self.publish(uri, version, found, encoded[1] if encoded and encoded[0] == version else None)

    def publish_failure(self, uri: str, version: int | None, err: BaseException) -> None:
        log.error("dehub: linting %s failed", uri, exc_info=err)
        message = f"dehub: internal error while checking this document: {type(err).__name__}: {err}"
        self.publish(uri, version, [problem(message, "DH900")])

    def publish(self, uri: str, version: int | None, found: list[Diagnostic], encoded: str | None = None) -> None:
        """Send diagnostics for a document; a configuration file also shows its own load error.
        `encoded`: `found` already as JSON text (see diagnostics.encode)."""
        extra = self.config_problems(uri)
        if extra:
            found = [*found, *extra]
        elif encoded is not None and self.send_encoded(uri, version, encoded):
            return
        params: PublishDiagnosticsParams = {"uri": uri, "diagnostics": found}
        if version is not None:
            params["version"] = version
        send = getattr(self.protocol, "_send_data", None)
        if send is not None:  # plain JSON data: no cattrs round trip (see diagnostics.py)
            send({"jsonrpc": "2.0", "method": PUBLISH, "params": params})
        else:  # pragma: no cover - a pygls without _send_data: go through the typed API
            converter = self.protocol._converter
            self.text_document_publish_diagnostics(converter.structure(params, types.PublishDiagnosticsParams))

    def send_encoded(self, uri: str, version: int | None, encoded: str) -> bool:
        """Write a publishDiagnostics whose diagnostics are JSON text already; False when the
        transport is not the plain stdio writer this framing is for."""
        writer = getattr(self.protocol, "writer", None)
        if not isinstance(writer, StdoutWriter):
            return False
        params: dict[str, object] = {"uri": uri}
        if version is not None:
            params["version"] = version
        head = {"jsonrpc": "2.0", "method": PUBLISH, "params": params}
        body = json.dumps(head)[:-2] + ', "diagnostics": ' + encoded + "}}"  # ASCII: json.dumps escapes
        try:
            writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body.encode("ascii"))
        except OSError:  # the client is gone (a broken pipe): the reader sees the end of input next
            log.error("dehub: could not send the diagnostics of %s: the connection to the client is lost", uri)
        return True

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

    def forget(self, document: Document) -> None:
        """Stop the document's debounce timer and its lint job (closed, or the server stops)."""
        self.cancel(document)
        if document.job is not None and self._worker is not None:
            self._worker.cancel(document.uri)
        document.job = document.job_for = None

    def relint_all(self) -> None:
        for uri in list(self.documents):
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


def _same(one: tuple[str, Any, str], other: tuple[str, Any, str]) -> bool:
    """Whether two (text, configuration, encoding) triples are the same lint."""
    return one[1] is other[1] and one[2] == other[2] and same_text(one[0], other[0])


def _keep(document: Document, job: asyncio.Future[LintResult]) -> None:
    """Keep a finished lint's result on its document (lint_future's cache), unless it failed."""
    if document.job is job:
        document.job = document.job_for = None
    if job.cancelled() or job.exception() is not None:
        return
    result = job.result()
    if result.is_for(document):
        document.result = result


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
        if not ls.warming:
            ls.warming = True
            asyncio.get_running_loop().call_later(warmup.GRACE, ls.warm_up)

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
            ls.forget(old)
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
            ls.lint_and_publish(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DehubServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.pop(uri, None)
        if document is not None:
            ls.forget(document)
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
    async def code_action(ls: DehubServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        first, last = params.range.start, params.range.end
        if (first.line, first.character) > (last.line, last.character):
            raise JsonRpcInvalidParams("Invalid params: the range starts after its end")
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return None
        result = await ls.current_result(document)
        try:
            if result.kind is None:
                return None
            index = result.index
            start = index.offset(params.range.start.line, params.range.start.character) - result.shift
            end = index.offset(params.range.end.line, params.range.end.character) - result.shift
            converter = ls.protocol._converter
            context = params.context
            sent = [converter.unstructure(item) for item in context.diagnostics if item.source == SOURCE]
            only = [str(getattr(kind, "value", kind)) for kind in context.only] if context.only is not None else None
            work = partial(code_actions.actions, document.snapshot(), result, start, end, only, sent, ls.client)
            found = await ls.off_loop(work)
            return [converter.structure(action, types.CodeAction) for action in found] or None
        except (asyncio.CancelledError, JsonRpcContentModified):
            raise
        except Exception:
            log.exception("dehub: code actions failed")
            return None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: DehubServer, params: types.CodeAction) -> types.CodeAction:
        data = params.data if isinstance(params.data, dict) else {}
        document = ls.documents.get(str(data.get("uri")))
        if document is None:
            return params
        result = await ls.current_result(document)
        try:
            converter = ls.protocol._converter
            action = converter.unstructure(params)
            resolved = await ls.off_loop(partial(code_actions.resolve, action, document.snapshot(), result, ls.client))
            return converter.structure(resolved, types.CodeAction)
        except (asyncio.CancelledError, JsonRpcContentModified):
            raise
        except Exception:
            log.exception("dehub: resolving a code action failed")
            return params

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: DehubServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return None
        result = await ls.current_result(document)
        try:
            offset = result.index.offset(params.position.line, params.position.character) - result.shift
            under = [f for f in result.findings if f.start <= offset < max(f.end, f.start + 1)]
            if not under:
                return None
            start, end = min(f.start for f in under), max(f.end for f in under)
            span = result.range(start, end)
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(under)),
                range=types.Range(start=types.Position(**span["start"]), end=types.Position(**span["end"])),
            )
        except Exception:
            log.exception("dehub: hover failed")
            return None

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: DehubServer, params: None) -> None:
        ls.shutting_down = True
        for document in ls.documents.values():
            ls.forget(document)

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
    if sys.stdin is None or sys.stdout is None:  # a closed descriptor: Python has no stream for it
        sys.stderr.write("dehub lsp: standard input or output is closed; an editor starts it with both as pipes\n")
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol stream
    server = create_server()
    start(server, stdin, stdout)
    return 0 if server.shutting_down else 1


def _configure_logging(log_file: str | None) -> None:
    handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    if log_file:
        log.setLevel(logging.DEBUG)
