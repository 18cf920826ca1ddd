"""`dehub lsp` spoken to byte by byte: what a broken or hostile client sends must not stop it.

pytest-lsp's client only sends well-formed, typed messages, so these tests frame JSON-RPC by
hand: malformed JSON, parameters of the wrong shape, unknown methods, a document that is not
text. After each, the server must still answer; `exit` ends it with 0 after `shutdown` and 1
without (LSP's rule).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

# as in lsp_support.py
SERVER = [sys.executable, "-m", "dehub", "lsp"]


class RawClient:
    def __init__(self, cwd: str, args: tuple[str, ...] = (), preexec_fn=None) -> None:
        self.process = subprocess.Popen(
            [*SERVER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
            preexec_fn=preexec_fn,
        )  # fmt: skip
        self.messages: list[dict] = []
        self.cond = threading.Condition()
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        self.stderr = self.process.stderr.read()  # type: ignore[union-attr]

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            body = stream.read(length or 0)
            with self.cond:
                self.messages.append(json.loads(body))
                self.cond.notify_all()

    def send_bytes(self, body: bytes) -> None:
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def write(self, data: bytes) -> None:
        """Bytes as they are: framing included, right or wrong."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: dict) -> None:
        self.send_bytes(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def wait(self, predicate, timeout: float = 15.0) -> dict:
        with self.cond:
            found = self.cond.wait_for(lambda: next((m for m in self.messages if predicate(m)), None), timeout)
        assert found, f"no such message; got {self.messages}; stderr {self.stderr[-2000:]!r}"
        return found

    def response(self, msg_id: int) -> dict:
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m)

    def close(self) -> int:
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def start(tmp_path, args: tuple[str, ...] = (), preexec_fn=None) -> RawClient:
    """A server in tmp_path (a repository root), initialised, with no debounce."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    client = RawClient(str(tmp_path), args, preexec_fn)
    options = {"debounce": 0}
    params = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}, "initializationOptions": options}
    client.send({"id": 1, "method": "initialize", "params": params})
    assert "capabilities" in client.response(1)["result"]
    client.send({"method": "initialized", "params": {}})
    return client


def publish_for(uri: str):
    return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri


def test_garbage_does_not_stop_the_server_and_shutdown_exit_is_status_0(raw: RawClient, tmp_path):
    raw.send_bytes(b"{this is not json")
    assert raw.wait(lambda m: m.get("id", 0) is None)["error"]["code"] == -32700  # parse error, id null
    # parameters of the wrong shape: an error response with the request's id (pygls alone sent
    # a window/showMessage and never answered the request)
    raw.send({"id": 2, "method": "textDocument/hover", "params": {"textDocument": 42}})
    assert raw.response(2)["error"]["code"] == -32602
    raw.send({"id": 3, "method": "dehub/noSuchMethod", "params": {}})
    assert raw.response(3)["error"]["code"] == -32601  # method not found
    raw.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///nowhere", "version": 2},
                                                              "contentChanges": [{"text": "x"}]}})  # fmt: skip
    uri = (tmp_path / "Dockerfile").as_uri()
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\n"}}})  # fmt: skip
    published = raw.wait(publish_for(uri))["params"]
    assert published["version"] == 1 and [d["code"] for d in published["diagnostics"]] == ["DH001"]
    raw.send({"id": 4, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}})  # fmt: skip
    assert "DH001" in raw.response(4)["result"]["contents"]["value"]
    raw.send({"id": 5, "method": "shutdown"})
    assert raw.response(5)["result"] is None
    raw.send({"method": "exit"})
    assert raw.close() == 0


def test_exit_without_shutdown_is_status_1(raw: RawClient):
    raw.send({"method": "exit"})
    assert raw.close() == 1


def test_a_lone_surrogate_is_reported_not_fatal(raw: RawClient, tmp_path):
    uri = (tmp_path / "Dockerfile").as_uri()
    # JSON can carry a lone surrogate, which no UTF-8 file can hold
    item = {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\n# \ud800\n"}
    message = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}}
    raw.send_bytes(json.dumps(message).encode())
    published = raw.wait(publish_for(uri))["params"]
    assert [d["code"] for d in published["diagnostics"]] == ["DH900"]
    assert "UTF-8" in published["diagnostics"][0]["message"]
    raw.send({"id": 9, "method": "shutdown"})
    raw.response(9)
    raw.send({"method": "exit"})
    assert raw.close() == 0
