"""`dehub lsp` against a hostile or broken client, byte by byte over pipes (issue 12).

Each framing error is one test: after it, the server must answer the next well-formed request.
Then JSON-RPC errors (-32700, -32600, -32602 for every request the server handles, never a
crash), and the event loop: a long lint never holds other requests, a newer version of a
document supersedes its older lint, and `$/cancelRequest` answers a waiting request at once.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time

import pytest
from test_lsp_raw import SERVER, RawClient, publish_for, start

HOVER_NOWHERE = {"textDocument": {"uri": "file:///nowhere/Dockerfile"}, "position": {"line": 0, "character": 0}}


def frame(message: dict, length: object = None, name: bytes = b"Content-Length", eol: bytes = b"\r\n") -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return name + b": " + str(len(body) if length is None else length).encode() + eol + eol + body


def answers_next(raw: RawClient, msg_id: int = 70) -> None:
    """The server is in step again: a well-formed request right after gets its answer."""
    raw.write(frame({"id": msg_id, "method": "textDocument/hover", "params": HOVER_NOWHERE}))
    assert raw.response(msg_id) == {"jsonrpc": "2.0", "id": msg_id, "result": None}


def finish(raw: RawClient) -> None:
    raw.send({"id": 99, "method": "shutdown"})
    assert raw.response(99)["result"] is None
    raw.send({"method": "exit"})
    assert raw.close() == 0


HOVER = {"id": 5, "method": "textDocument/hover", "params": HOVER_NOWHERE}

FRAMINGS = {
    "length-too-short": frame(HOVER, length=12),
    "length-not-a-number": frame(HOVER, length="twelve"),
    "length-negative": frame(HOVER, length=-40),
    "length-empty": frame(HOVER, length=""),
    "lower-case-header-alone": b"content-length: 5\r\n\r\n[1,2]",
    "header-without-length": b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}",
    "garbage-between-messages": b"\x1b[2J hello\r\n\r\n\x00\x01garbage with no newline",
    "garbage-lines": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "one-megabyte-garbage-line": b"z" * (1 << 20),
}


@pytest.mark.parametrize("shape", FRAMINGS, ids=list(FRAMINGS))
def test_the_server_resynchronises_after_a_framing_error(raw: RawClient, shape: str):
    raw.write(FRAMINGS[shape])
    answers_next(raw)
    finish(raw)


def test_lower_case_header_and_lf_only_lines_are_read(raw: RawClient):
    raw.write(frame({"id": 11, "method": "textDocument/hover", "params": HOVER_NOWHERE}, name=b"content-length"))
    assert raw.response(11)["result"] is None
    raw.write(frame({"id": 12, "method": "textDocument/hover", "params": HOVER_NOWHERE}, eol=b"\n"))
    assert raw.response(12)["result"] is None
    raw.write(frame({"id": 13, "method": "textDocument/hover", "params": HOVER_NOWHERE}, name=b"CONTENT-LENGTH",
                    eol=b"\n"))  # fmt: skip
    assert raw.response(13)["result"] is None
    finish(raw)


def test_a_too_long_length_loses_neither_message(raw: RawClient):
    first = {"id": 21, "method": "textDocument/hover", "params": HOVER_NOWHERE}
    body = json.dumps({"jsonrpc": "2.0", **first})
    raw.write(frame(first, length=len(body) + 25) + frame({"id": 22, "method": "textDocument/hover",
                                                             "params": HOVER_NOWHERE}))  # fmt: skip
    assert raw.response(21)["result"] is None
    assert raw.response(22)["result"] is None
    finish(raw)


def test_a_too_long_length_on_the_last_message_is_answered(raw: RawClient):
    """Nothing follows (the client waits): the body is taken once the stream stalls."""
    message = {"id": 23, "method": "textDocument/hover", "params": HOVER_NOWHERE}
    raw.write(frame(message, length=len(json.dumps({"jsonrpc": "2.0", **message})) + 40))
    assert raw.response(23)["result"] is None
    finish(raw)


def test_a_huge_length_is_refused_not_allocated(tmp_path):
    """A header claiming 3 GB, under an address-space limit of 1 GiB: pygls's reader asked for
    the 3 GB (a MemoryError, then nothing read in step again); the server refuses the claim and
    answers the next request. A real 70 MB body is then skipped, also within the limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    raw = start(tmp_path, preexec_fn=limit)
    try:
        raw.write(b"Content-Length: 3000000000\r\n\r\n")
        answers_next(raw, 31)
        text = "FROM node:20\n" * (70 * 1024 * 1024 // 13)
        item = {"uri": (tmp_path / "Dockerfile").as_uri(), "languageId": "dockerfile", "version": 1, "text": text}
        raw.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
        answers_next(raw, 32)
        assert not any(m.get("method") == "textDocument/publishDiagnostics" for m in raw.messages)
        finish(raw)
    finally:
        if raw.process.poll() is None:
            raw.process.kill()


# ---------------------------------------------------------------- JSON-RPC errors


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"{this is not json", -32700, id="not-json"),
        pytest.param(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown"', -32700, id="cut-short"),
        pytest.param(b"[" * 100_000, -32700, id="nested-too-deep"),
        pytest.param(b"[1, 2]", -32600, id="array"),
        pytest.param(b"42", -32600, id="number"),
        pytest.param(b'"shutdown"', -32600, id="string"),
        pytest.param(b"null", -32600, id="null"),
        pytest.param(b"{}", -32600, id="empty-object"),
        pytest.param(b'{"jsonrpc": "1.0", "method": "x"}', -32600, id="wrong-version"),
        pytest.param(b'{"jsonrpc": "2.0", "id": [1], "method": "shutdown"}', -32600, id="id-an-array"),
        pytest.param(b'{"jsonrpc": "2.0", "id": 4, "method": 17}', -32600, id="method-a-number"),
    ],
)
def test_bad_messages_get_json_rpc_errors(raw: RawClient, body: bytes, code: int):
    raw.send_bytes(body)
    error = raw.wait(lambda m: "error" in m)
    assert error["error"]["code"] == code and error["id"] in (None, 4)
    answers_next(raw)
    finish(raw)


DOC = {"uri": "file:///w/Dockerfile"}
BAD_PARAMS = [
    ("textDocument/hover", {"textDocument": 42}),
    ("textDocument/hover", None),
    ("textDocument/hover", [1, 2]),
    ("textDocument/hover", "Dockerfile"),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": -1, "character": 0}}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": 2**40, "character": 0}}),
    ("textDocument/codeAction", {"textDocument": DOC}),
    ("textDocument/codeAction", {"textDocument": DOC, "range": {"start": 0, "end": 1}, "context": {"diagnostics": []}}),
    ("textDocument/codeAction", {"textDocument": DOC, "context": {"diagnostics": []}, "range": {
        "start": {"line": 3, "character": 0}, "end": {"line": 1, "character": 0}}}),
    ("codeAction/resolve", {"kind": "quickfix"}),
    ("codeAction/resolve", []),
    ("initialize", {"processId": "not a number", "capabilities": {}}),
]


@pytest.mark.parametrize(("method", "params"), BAD_PARAMS, ids=[f"{m}-{i}" for i, (m, _) in enumerate(BAD_PARAMS)])
def test_invalid_params_are_answered_with_32602(raw: RawClient, method: str, params: object):
    raw.send({"id": 41, "method": method, "params": params})
    assert raw.response(41)["error"]["code"] == -32602
    answers_next(raw)
    finish(raw)


def test_notifications_with_invalid_params_are_ignored(raw: RawClient, tmp_path):
    methods = ["textDocument/didOpen", "textDocument/didChange", "textDocument/didSave", "textDocument/didClose",
               "workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration", "$/cancelRequest"]  # fmt: skip
    for method in methods:
        for params in ({"textDocument": 42}, None, [1], "x"):
            raw.send({"method": method, "params": params})
    answers_next(raw)
    assert not [m for m in raw.messages if "error" in m or m.get("method") == "window/showMessage"]
    finish(raw)


def test_requests_after_shutdown_are_invalid(raw: RawClient):
    raw.send({"id": 51, "method": "shutdown"})
    raw.response(51)
    raw.send({"id": 52, "method": "textDocument/hover", "params": HOVER_NOWHERE})
    assert raw.response(52)["error"]["code"] == -32600
    raw.send({"method": "exit"})
    assert raw.close() == 0


# ---------------------------------------------------------------- the loop is never held by a lint

# About 2.5 MB of Dockerfile: several seconds of linting (one finding per FROM), far longer
# than any answer below needs on a loaded machine.
HUGE = "FROM node:20\nRUN echo hi\n" * 100_000


def open_doc(raw: RawClient, uri: str, text: str, version: int = 1) -> None:
    item = {"uri": uri, "languageId": "dockerfile", "version": version, "text": text}
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})


def change_doc(raw: RawClient, uri: str, text: str, version: int) -> None:
    raw.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})  # fmt: skip


def published_versions(raw: RawClient, uri: str) -> list[int]:
    return [m["params"].get("version") for m in list(raw.messages) if publish_for(uri)(m)]


def test_a_long_lint_does_not_hold_hover_or_shutdown(raw: RawClient, tmp_path):
    small = (tmp_path / "small" / "Dockerfile").as_uri()
    huge = (tmp_path / "Dockerfile").as_uri()
    open_doc(raw, small, "FROM node:20\n")
    raw.wait(publish_for(small))
    open_doc(raw, huge, HUGE)
    started = time.monotonic()
    raw.send({"id": 61, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": small}, "position": {"line": 0, "character": 6}}})  # fmt: skip
    assert "DH001" in raw.response(61)["result"]["contents"]["value"]
    raw.send({"id": 62, "method": "shutdown"})
    assert raw.response(62)["result"] is None
    answered = time.monotonic() - started
    assert published_versions(raw, huge) == []  # both answered while the big lint still ran
    assert answered < 10.0  # generous: the ordering above is the real check
    raw.send({"method": "exit"})
    assert raw.close() == 0
    assert published_versions(raw, huge) == []  # and after shutdown its result is never sent


def test_a_newer_version_supersedes_a_running_lint(tmp_path):
    log = tmp_path / "server.log"
    raw = start(tmp_path, ("--log-file", str(log)))
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        open_doc(raw, uri, HUGE)
        deadline = time.monotonic() + 30
        while "running the job for " + uri not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "the lint never started"
            time.sleep(0.05)
        change_doc(raw, uri, "FROM node:20\n", 2)
        change_doc(raw, uri, "FROM node:20\nFROM redis:7\n", 3)
        published = raw.wait(publish_for(uri), timeout=30)["params"]
        assert published["version"] == 3 and [d["code"] for d in published["diagnostics"]] == ["DH001", "DH001"]
        finish(raw)
        assert published_versions(raw, uri) == [3]  # versions 1 and 2 were never published
        assert "interrupted the running job" in log.read_text()
    finally:
        if raw.process.poll() is None:
            raw.process.kill()


def test_cancel_request_answers_a_waiting_hover_at_once(raw: RawClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    open_doc(raw, uri, HUGE)
    raw.send({"id": 71, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}})  # fmt: skip
    raw.send({"method": "$/cancelRequest", "params": {"id": 71}})
    assert raw.response(71)["error"]["code"] == -32800  # RequestCancelled
    assert published_versions(raw, uri) == []  # the lint was still running
    finish(raw)


def test_a_hover_whose_document_changes_under_it_is_content_modified(raw: RawClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    open_doc(raw, uri, HUGE)
    raw.send({"id": 81, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}})  # fmt: skip
    change_doc(raw, uri, "FROM node:20\n", 2)
    assert raw.response(81)["error"]["code"] == -32801  # ContentModified
    assert raw.wait(publish_for(uri), timeout=30)["params"]["version"] == 2
    raw.send({"id": 82, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}})  # fmt: skip
    assert "DH001" in raw.response(82)["result"]["contents"]["value"]
    finish(raw)


def test_a_closed_standard_input_is_a_one_line_error(tmp_path):
    done = subprocess.run(SERVER, preexec_fn=lambda: os.close(0), capture_output=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "dehub lsp: standard input or output is closed; an editor starts it with both as pipes"
    ]


def test_the_end_of_input_without_exit_is_status_1(tmp_path):
    done = subprocess.run(SERVER, stdin=subprocess.DEVNULL, capture_output=True, cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (1, b"", b"")
