"""`dehub.lsp.framing.Reader`: LSP's base protocol from a broken or hostile byte stream.

Each framing shape the server must survive is fed as bytes, followed by a well-formed message
that must come out intact. The raw-pipe tests (test_lsp_hostile.py) send the same shapes to
a real `dehub lsp`; these pin the reader's own results, its memory and its work.
"""

from __future__ import annotations

import io
import json

import pytest

from dehub.lsp import framing
from dehub.lsp.framing import Message, Problem, Reader

NEXT = {"jsonrpc": "2.0", "id": 7, "method": "shutdown"}
CONTENT_TYPE = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"


def frame(value: object, length: object = None, name: bytes = b"Content-Length", eol: bytes = b"\r\n") -> bytes:
    body = json.dumps(value).encode()
    shown = str(len(body) if length is None else length).encode()
    return name + b": " + shown + eol + eol + body


def read_all(data: bytes, **options: int) -> list[object]:
    """Every message's value, and ("problem", parse?) for each problem, in order."""
    reader = Reader(io.BytesIO(data).read, **options)
    out: list[object] = []
    while (item := reader.next()) is not None:
        out.append(("problem", item.parse) if isinstance(item, Problem) else item.value)
    return out


def messages(data: bytes, **options: int) -> list[object]:
    return [item for item in read_all(data, **options) if not (isinstance(item, tuple) and item[0] == "problem")]


def test_well_formed_messages_in_a_row():
    first = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"text": "é \u2028 x"}}
    assert read_all(frame(first) + frame(NEXT)) == [first, NEXT]


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(frame({"a": 1}, name=b"content-length"), id="lower-case-name"),
        pytest.param(frame({"a": 1}, name=b"CONTENT-LENGTH"), id="upper-case-name"),
        pytest.param(frame({"a": 1}, eol=b"\n"), id="lf-only-lines"),
        pytest.param(b"Content-Length:7\r\n\r\n{\"a\":1}", id="no-space-after-colon"),
        pytest.param(CONTENT_TYPE + b"Content-Length: 7\r\n\r\n{\"a\":1}", id="content-type-first"),
        pytest.param(b"Content-Length: 7\r\nX-Other: 1\n\r\n{\"a\":1}", id="mixed-line-ends-and-other-header"),
    ],
)
def test_header_variants_are_read(before):
    assert read_all(before + frame(NEXT)) == [{"a": 1}, NEXT]


@pytest.mark.parametrize(
    ("before", "parse_errors"),
    [
        pytest.param(frame({"id": 1, "method": "x"}, length=5), 1, id="length-too-short"),
        pytest.param(frame({"id": 1}, length="abc"), 0, id="length-not-a-number"),
        pytest.param(frame({"id": 1}, length="-5"), 0, id="length-negative"),
        pytest.param(frame({"id": 1}, length="12.5"), 0, id="length-not-an-integer"),
        pytest.param(frame({"id": 1}, length=""), 0, id="length-empty"),
        pytest.param(frame({"id": 1}, length=10**40), 0, id="length-forty-digits"),
        pytest.param(b"garbage without a newline", 0, id="garbage-glued-to-the-header"),
        pytest.param(b"garbage line\r\n\r\nmore garbage\n", 0, id="garbage-lines"),
        pytest.param(b"X-Only: header\r\n\r\n", 0, id="header-block-without-length"),
        pytest.param(b"\x00\xff" * 50_000, 0, id="100-kb-binary-garbage"),
        pytest.param(b"Content-Length: 9\r\n\r\n{not json", 1, id="body-not-json"),
        pytest.param(b"Content-Length: 4\r\n\r\n\xff\xfe\x00\x01", 1, id="body-not-utf8"),
        pytest.param(b"Content-Length: 30000\r\n\r\n" + b"[" * 30000, 1, id="body-nested-too-deep"),
        pytest.param(b"Content-Length: 10\r\n\r\n\"\xff\xff\xff\xff\xff\xff\xff\xff\"", 1, id="string-not-utf8"),
        pytest.param(b"Content-Length: 7" + CONTENT_TYPE + b"\r\n{\"a\":1}", 0, id="length-runs-into-the-next-header"),
        pytest.param(b"Content-Length: 7 " + CONTENT_TYPE + b"\r\n{\"a\":1}", 0, id="length-and-header-on-one-line"),
        pytest.param(b"Content-Length: 7\r\n{\"a\":1}", 0, id="no-empty-line-before-the-body"),
        pytest.param(b"Content-Length: 7\r\ngarbage\r\n\r\n{\"a\":1}", 0, id="garbage-inside-the-headers"),
        pytest.param(b"Content-Length: 7\r\r{\"a\":1}", 0, id="cr-only-line-ends"),
        pytest.param(b"Content-Length: 67108865\r\n\r\n{\"a\":1}", 0, id="length-one-over-64-mib"),
    ],
)
def test_a_broken_frame_is_a_problem_and_the_next_message_survives(before, parse_errors):
    out = read_all(before + frame(NEXT))
    assert out[-1] == NEXT
    assert out.count(("problem", True)) == parse_errors
    assert ("problem", False) in out or parse_errors  # every broken frame is said, never silent


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(CONTENT_TYPE.rstrip() + frame({"a": 1}), id="header-runs-into-the-length"),
        pytest.param(b"Content-Length: 99" + frame({"a": 1}), id="length-runs-into-the-length"),
        pytest.param(b"\x1b[0mgarbage" + frame({"a": 1}), id="garbage-glued-to-the-length"),
    ],
)
def test_a_length_header_inside_a_broken_line_is_read(before):
    """A line end lost before `Content-Length:`: the message it starts is kept."""
    assert messages(before + frame(NEXT)) == [{"a": 1}, NEXT]


def test_a_too_long_length_keeps_both_messages():
    first = {"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover"}
    for extra in (1, 20, len(frame(NEXT)) - 1, len(frame(NEXT)) + 10, 10_000):  # the last: past the end
        data = frame(first, length=len(json.dumps(first)) + extra) + frame(NEXT) + frame({"id": 8})
        assert messages(data) == [first, NEXT, {"id": 8}], extra


def test_a_huge_length_is_refused_without_allocating_it():
    """A header claiming 3 GB, then a real message: the claim is refused at once (64 MiB limit)
    and the reader never holds more than about a header line, whatever follows."""
    chunks = [b"Content-Length: 3000000000\r\n\r\n", b"x" * (1 << 20), frame(NEXT)]
    largest = 0
    reader = Reader(lambda size: chunks.pop(0) if chunks else b"")

    def watch() -> object:
        nonlocal largest
        item = reader.next()
        largest = max(largest, len(reader._buffer))
        return item

    first = watch()
    assert isinstance(first, Problem) and "3000000000 bytes is over the 67108864-byte limit" in first.message
    rest = []
    while (item := watch()) is not None:
        rest.append(item)
    assert [i.value for i in rest if isinstance(i, Message)] == [NEXT]
    assert largest < (1 << 20) + 100  # the one chunk the fake stream hands over, never the claim


def test_a_body_over_the_limit_is_skipped_and_the_stream_resynchronises():
    big = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"text": "FROM node:20\n" * 2000}}
    assert read_all(frame(big) + frame(NEXT), max_body=10_000) == [("problem", False), NEXT]


def test_over_long_garbage_lines_stay_bounded_and_are_linear():
    """Ten megabytes of garbage without a newline: read in bounded pieces, one problem."""
    calls = 0
    data = io.BytesIO(b"y" * 10_000_000 + frame(NEXT))

    def read(size: int) -> bytes:
        nonlocal calls
        calls += 1
        return data.read(size)

    reader = Reader(read)
    out = []
    largest = 0
    while (item := reader.next()) is not None:
        out.append(item)
        largest = max(largest, len(reader._buffer))
    assert [type(i).__name__ for i in out] == ["Problem", "Message"] and out[1].value == NEXT  # type: ignore[union-attr]
    assert largest <= framing.MAX_LINE + framing.CHUNK
    assert calls <= 10_000_000 // framing.CHUNK + 3  # each byte read once


def test_end_of_stream_inside_a_message():
    assert read_all(b"Content-Length: 50\r\n\r\n{\"id\": 1") == [("problem", False), ("problem", True)]
    assert read_all(b"Content-Length: 50\r\n") == []
    assert read_all(b"") == []


def test_a_parse_problem_comes_before_more_input_is_read():
    """The server answers -32700 at once: the reader must not wait for the next message first."""
    chunks = [b"Content-Length: 5\r\n\r\n{nope"]

    def read(size: int) -> bytes:
        assert chunks, "read past the bad body before reporting it"
        return chunks.pop(0)

    item = Reader(read).next()
    assert isinstance(item, Problem) and item.parse


def test_a_too_long_length_with_nothing_after_is_taken_when_the_stream_stalls():
    """The client sent one message with too long a length and waits for the answer."""
    body = json.dumps(NEXT).encode()
    chunks = [b"Content-Length: %d\r\n\r\n" % (len(body) + 10) + body]
    reader = Reader(lambda size: chunks.pop(0) if chunks else b"", ready=lambda timeout: bool(chunks))
    out = [reader.next(), reader.next()]
    assert isinstance(out[0], Problem) and "stalled" in out[0].message
    assert isinstance(out[1], Message) and out[1].value == NEXT


def test_a_slow_client_is_not_cut_short_by_a_stall():
    """A body that arrives in pieces, with pauses: a piece that is not a whole object is kept."""
    body = json.dumps(NEXT).encode()
    chunks = [b"Content-Length: %d\r\n\r\n" % len(body) + body[:10], body[10:20], body[20:]]
    reader = Reader(lambda size: chunks.pop(0) if chunks else b"", ready=lambda timeout: False)
    item = reader.next()
    assert isinstance(item, Message) and item.value == NEXT and reader.next() is None
