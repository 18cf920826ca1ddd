"""Params of the wrong JSON type, for every method `dehub lsp` handles (issue 12), over a real pipe.

pygls's converter (cattrs) converts instead of checking: a line of `"3"`, `3.5` or `true` became
the line 3, 3 or 1, a URI of `42` the URI "42", `"quickfix"` the list of its letters, and a
string an object with no fields. Now every request with a value of the wrong type is answered
-32602 Invalid params, every such notification is ignored (the document is untouched), the
server logs no traceback for either, and it answers the next request.
"""

from __future__ import annotations

from test_lsp_raw import RawClient, publish_for

DOC = {"uri": "file:///w/Dockerfile"}
AT = {"line": 0, "character": 6}
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}
CONTEXT = {"diagnostics": []}
DIAGNOSTIC = {"range": RANGE, "message": "m"}


def hover(**changes: object) -> dict:
    return {"textDocument": DOC, "position": AT, **changes}


def code_action(**changes: object) -> dict:
    return {"textDocument": DOC, "range": RANGE, "context": CONTEXT, **changes}


def initialize(**changes: object) -> dict:
    return {"processId": None, "capabilities": {}, **changes}


REQUESTS = {
    "initialize-processId-string": ("initialize", initialize(processId="1")),
    "initialize-processId-float": ("initialize", initialize(processId=1.5)),
    "initialize-capabilities-string": ("initialize", initialize(capabilities="x")),
    "initialize-capabilities-missing": ("initialize", {"processId": None}),
    "initialize-rootUri-number": ("initialize", initialize(rootUri=5)),
    "initialize-workspaceFolders-object": ("initialize", initialize(workspaceFolders={"uri": "file:///w"})),
    "initialize-encodings-string": ("initialize", initialize(capabilities={"general": {"positionEncodings": "utf-8"}})),
    "hover-textDocument-string": ("textDocument/hover", hover(textDocument="file:///w/Dockerfile")),
    "hover-textDocument-without-uri": ("textDocument/hover", hover(textDocument={})),
    "hover-uri-number": ("textDocument/hover", hover(textDocument={"uri": 5})),
    "hover-uri-null": ("textDocument/hover", hover(textDocument={"uri": None})),
    "hover-position-missing": ("textDocument/hover", {"textDocument": DOC}),
    "hover-position-array": ("textDocument/hover", hover(position=[0, 6])),
    "hover-line-string": ("textDocument/hover", hover(position={"line": "0", "character": 6})),
    "hover-line-float": ("textDocument/hover", hover(position={"line": 0.5, "character": 6})),
    "hover-line-integral-float": ("textDocument/hover", hover(position={"line": 0.0, "character": 6})),
    "hover-line-bool": ("textDocument/hover", hover(position={"line": True, "character": 6})),
    "hover-line-negative": ("textDocument/hover", hover(position={"line": -1, "character": 6})),
    "hover-character-null": ("textDocument/hover", hover(position={"line": 0, "character": None})),
    "codeAction-range-missing": ("textDocument/codeAction", {"textDocument": DOC, "context": CONTEXT}),
    "codeAction-range-without-end": ("textDocument/codeAction", code_action(range={"start": RANGE["start"]})),
    "codeAction-range-start-number": ("textDocument/codeAction", code_action(range={"start": 0, "end": RANGE["end"]})),
    "codeAction-context-string": ("textDocument/codeAction", code_action(context="x")),
    "codeAction-diagnostics-string": ("textDocument/codeAction", code_action(context={"diagnostics": "abc"})),
    "codeAction-only-string": ("textDocument/codeAction", code_action(context={"diagnostics": [], "only": "quickfix"})),
    "codeAction-diagnostic-message-number": (
        "textDocument/codeAction", code_action(context={"diagnostics": [{**DIAGNOSTIC, "message": 5}]})),
    "codeAction-diagnostic-severity-bool": (
        "textDocument/codeAction", code_action(context={"diagnostics": [{**DIAGNOSTIC, "severity": True}]})),
    "codeAction-diagnostic-severity-string": (
        "textDocument/codeAction", code_action(context={"diagnostics": [{**DIAGNOSTIC, "severity": "2"}]})),
    "codeAction-only-number": ("textDocument/codeAction", code_action(context={"diagnostics": [], "only": [5]})),
    "codeAction-triggerKind-float": ("textDocument/codeAction", code_action(context={**CONTEXT, "triggerKind": 1.0})),
    "resolve-title-number": ("codeAction/resolve", {"title": 5}),
    "resolve-title-missing": ("codeAction/resolve", {"kind": "quickfix"}),
    "resolve-diagnostics-string": ("codeAction/resolve", {"title": "t", "diagnostics": "ab"}),
    "resolve-isPreferred-string": ("codeAction/resolve", {"title": "t", "isPreferred": "yes"}),
    "resolve-kind-number": ("codeAction/resolve", {"title": "t", "kind": 5}),
    "resolve-edit-string": ("codeAction/resolve", {"title": "t", "edit": "x"}),
    "executeCommand-command-number": ("workspace/executeCommand", {"command": 5}),
    "executeCommand-arguments-object": ("workspace/executeCommand", {"command": "c", "arguments": {"a": 1}}),
    "executeCommand-params-string": ("workspace/executeCommand", "dehub.fix"),
}  # fmt: skip


def finish(raw: RawClient) -> bytes:
    """Shut down and exit cleanly; the server's standard error."""
    raw.send({"id": 99, "method": "shutdown"})
    assert raw.response(99)["result"] is None
    raw.send({"method": "exit"})
    assert raw.close() == 0
    return raw.stderr


def test_every_request_with_a_wrongly_typed_param_is_invalid_params(raw: RawClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\n"}}})  # fmt: skip
    raw.wait(publish_for(uri))
    for number, (method, params) in enumerate(REQUESTS.values(), start=100):
        raw.send({"id": number, "method": method, "params": params})
    for number, name in enumerate(REQUESTS, start=100):
        answer = raw.response(number)
        assert answer.get("error", {}).get("code") == -32602, (name, answer)
        assert answer["error"]["message"].startswith("Invalid params"), (name, answer)
    raw.send({"id": 98, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": AT}})
    assert "DH001" in raw.response(98)["result"]["contents"]["value"]
    assert b"Traceback" not in finish(raw)


def test_a_wrongly_typed_initialize_leaves_the_server_uninitialised(tmp_path):
    raw = RawClient(str(tmp_path))
    try:
        raw.send({"id": 1, "method": "initialize", "params": initialize(processId=True)})
        assert raw.response(1)["error"]["code"] == -32602
        raw.send({"id": 2, "method": "initialize", "params": initialize(rootUri=tmp_path.as_uri())})
        assert "capabilities" in raw.response(2)["result"]
        assert b"Traceback" not in finish(raw)
    finally:
        if raw.process.poll() is None:
            raw.process.kill()


def item(uri: str, **changes: object) -> dict:
    return {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 5, "text": "FROM redis:7\n", **changes}}


def changed(uri: object, changes: object = None, version: object = 5) -> dict:
    document = {"uri": uri, "version": version}
    return {"textDocument": document, "contentChanges": [{"text": "FROM redis:7\n"}] if changes is None else changes}


NOTIFICATIONS = {
    "initialized-string": ("initialized", lambda uri: "x"),
    "didOpen-text-number": ("textDocument/didOpen", lambda uri: item(uri, text=5)),
    "didOpen-text-array": ("textDocument/didOpen", lambda uri: item(uri, text=["FROM redis:7\n"])),
    "didOpen-version-float": ("textDocument/didOpen", lambda uri: item(uri, version=5.0)),
    "didOpen-version-string": ("textDocument/didOpen", lambda uri: item(uri, version="5")),
    "didOpen-languageId-number": ("textDocument/didOpen", lambda uri: item(uri, languageId=5)),
    "didOpen-textDocument-string": ("textDocument/didOpen", lambda uri: {"textDocument": uri}),
    "didChange-contentChanges-string": ("textDocument/didChange", lambda uri: changed(uri, "FROM redis:7\n")),
    "didChange-contentChanges-object": ("textDocument/didChange", lambda uri: changed(uri, {"text": "FROM redis:7\n"})),
    "didChange-text-number": ("textDocument/didChange", lambda uri: changed(uri, [{"text": 5}])),
    "didChange-text-null": ("textDocument/didChange", lambda uri: changed(uri, [{"text": None}])),
    "didChange-range-without-end": ("textDocument/didChange", lambda uri: changed(
        uri, [{"range": {"start": {"line": 0, "character": 0}}, "text": "FROM redis:7\n"}])),
    "didChange-version-string": ("textDocument/didChange", lambda uri: changed(uri, version="5")),
    "didChange-version-bool": ("textDocument/didChange", lambda uri: changed(uri, version=True)),
    "didChange-uri-number": ("textDocument/didChange", lambda uri: changed(5)),
    "didSave-text-number": ("textDocument/didSave", lambda uri: {"textDocument": {"uri": uri}, "text": 5}),
    "didSave-uri-array": ("textDocument/didSave", lambda uri: {"textDocument": {"uri": [uri]}, "text": "FROM x\n"}),
    "didClose-uri-array": ("textDocument/didClose", lambda uri: {"textDocument": {"uri": [uri]}}),
    "didClose-textDocument-string": ("textDocument/didClose", lambda uri: {"textDocument": uri}),
    "didChangeWatchedFiles-changes-string": ("workspace/didChangeWatchedFiles", lambda uri: {"changes": uri}),
    "didChangeWatchedFiles-type-string": (
        "workspace/didChangeWatchedFiles", lambda uri: {"changes": [{"uri": uri, "type": "2"}]}),
    "cancelRequest-id-bool": ("$/cancelRequest", lambda uri: {"id": True}),
    "cancelRequest-id-float": ("$/cancelRequest", lambda uri: {"id": 98.5}),
    "cancelRequest-id-array": ("$/cancelRequest", lambda uri: {"id": [1]}),
}  # fmt: skip


def test_every_notification_with_a_wrongly_typed_param_is_ignored(raw: RawClient, tmp_path):
    """Each would change or close the document, or re-lint it, if it were read: none is. The
    document keeps version 1 and its text (a hover still finds node:20), nothing is published
    after the first lint, and no error is sent (nobody waits for an answer to a notification)."""
    uri = (tmp_path / "Dockerfile").as_uri()
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\n"}}})  # fmt: skip
    assert raw.wait(publish_for(uri))["params"]["version"] == 1
    for method, params in NOTIFICATIONS.values():
        raw.send({"method": method, "params": params(uri)})
    raw.send({"id": 98, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": AT}})
    assert "node:20" in raw.response(98)["result"]["contents"]["value"]
    stderr = finish(raw)
    assert [m["params"]["version"] for m in raw.messages if publish_for(uri)(m)] == [1]
    assert not [m for m in raw.messages if "error" in m or m.get("method") == "window/showMessage"]
    assert b"Traceback" not in stderr
    assert stderr.count(b"its params do not have the expected shape") == len(NOTIFICATIONS)
