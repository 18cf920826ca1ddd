"""`dehub lsp` resynchronising after each framing error, as raw bytes over a real pipe (issue 12).

One server takes every shape in turn; after each, a well-formed request must be answered, so
a shape costs at most the message it broke (test_lsp_framing.py pins the reader's own results
for the same shapes). Some shapes keep the message they damaged: its answer is checked too.
"""

from __future__ import annotations

import json
import time

from test_lsp_raw import RawClient

HOVER = {"textDocument": {"uri": "file:///nowhere/Dockerfile"}, "position": {"line": 0, "character": 0}}
CONTENT_TYPE = b"Content-Type: application/vscode-jsonrpc; charset=utf-8"


def body(msg_id: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": HOVER}).encode()


def frame(msg_id: int, name: bytes = b"Content-Length", eol: bytes = b"\r\n") -> bytes:
    data = body(msg_id)
    return name + b": %d" % len(data) + eol + eol + data


def length(msg_id: int) -> bytes:
    return b"%d" % len(body(msg_id))


# Each shape: (bytes for a request of the given id, whether that request is answered too).
SHAPES = {
    "length-runs-into-the-next-header": (lambda n: b"Content-Length: " + length(n) + CONTENT_TYPE + b"\r\n\r\n"
                                         + body(n), False),
    "length-runs-into-the-next-header-lf": (lambda n: b"content-length: " + length(n) + b"content-type: x\n\n"
                                            + body(n), False),
    "header-runs-into-the-length": (lambda n: CONTENT_TYPE + frame(n), True),
    "length-runs-into-the-length": (lambda n: b"Content-Length: 12" + frame(n), True),
    "cr-only-line-ends": (lambda n: b"Content-Length: " + length(n) + b"\r\r" + body(n), False),
    "no-empty-line": (lambda n: b"Content-Length: " + length(n) + b"\r\n" + body(n), False),
    "garbage-before": (lambda n: b"\x1b[2J garbage\r\n\r\n\x00\x01more" + frame(n), True),
    "garbage-after-a-body": (lambda n: frame(n) + b"trailing garbage", True),
    "lower-case-name": (lambda n: frame(n, name=b"content-length"), True),
    "lf-only-lines": (lambda n: frame(n, eol=b"\n"), True),
    "negative-length": (lambda n: b"Content-Length: -" + length(n) + b"\r\n\r\n" + body(n), False),
    "length-not-a-number": (lambda n: b"Content-Length: 1e2\r\n\r\n" + body(n), False),
    "length-over-64-mib": (lambda n: b"Content-Length: 67108865\r\n\r\n" + body(n), False),
    "length-of-30-digits": (lambda n: b"Content-Length: " + b"9" * 30 + b"\r\n\r\n" + body(n), False),
}  # fmt: skip


def test_every_framing_error_costs_at_most_its_own_message(raw: RawClient):
    started = time.monotonic()
    for number, (shape, answered) in enumerate(SHAPES.values()):
        bad, good = 100 + 2 * number, 101 + 2 * number
        raw.write(shape(bad) + frame(good))
        assert raw.response(good)["result"] is None, list(SHAPES)[number]
        assert any(m.get("id") == bad for m in raw.messages) == answered, list(SHAPES)[number]
    assert time.monotonic() - started < 30  # a refused length is never waited for
    raw.send({"id": 99, "method": "shutdown"})
    assert raw.response(99)["result"] is None
    raw.send({"method": "exit"})
    assert raw.close() == 0
    assert b"Traceback" not in raw.stderr
