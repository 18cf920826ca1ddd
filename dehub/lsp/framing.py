"""LSP's base protocol read from a byte stream that may be broken or hostile: JSON values out.

A message is header lines (`Name: value`, each ended by CRLF), an empty line, then a body of
exactly Content-Length bytes. pygls's own reader accepts only `Content-Length: N\\r\\n`
byte for byte: a lower-case name or an LF-only line is skipped forever, a wrong length
desynchronises every later message, and a huge one is allocated as asked. This reader:

- takes header names in any case and lines ended by LF or CRLF, and ignores other headers;
- never allocates a body over `MAX_BODY` (64 MiB by default, far over any real document):
  it says so and resynchronises at the next `Content-Length:` header it finds, reading the
  refused body as garbage (kept at most `MAX_LINE` bytes at a time);
- skips garbage between messages (text before a header, a line that is no header, a header
  block without a usable length) and resynchronises at the next `Content-Length:` header,
  which may follow the garbage on the same line: a line holding two headers run together
  (`Content-Length: 52Content-Length: 60`, or lines ended by CR alone) is read from its last
  `Content-Length:`, so a message whose line end was lost costs at most itself;
- a body that is not JSON is a parse error for the caller to answer (JSON-RPC's -32700); when
  the length was too long the body holds a whole JSON value followed by the start of the next
  message: the value is taken and the rest is read again as the start of the next message, so
  both survive. When nothing follows (the client waits for an answer), the body would never
  be complete: if the stream stalls (`STALL` seconds without a byte) after a whole JSON
  object, that object is taken. A body cut short by a too-short length fails to parse, and
  its rest is garbage before the next header.

Problems are returned (`Problem`), never raised: the caller logs them and goes on. Memory is
bounded by the body limit plus one header line; time is linear in the bytes read.
"""

from __future__ import annotations

import json
import re
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

MAX_BODY = 64 * 1024 * 1024
MAX_LINE = 8 * 1024  # a header line longer than this is garbage
CHUNK = 64 * 1024
LENGTH = b"content-length:"
HEADER = re.compile(rb"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:(.*)")
MAX_DIGITS = 20  # a length written with more digits is over any limit
STALL = 0.5  # seconds without a byte, inside a body, before a whole JSON object in it is taken


class Problem:
    """Something wrong in the stream: `parse` for a body that is not JSON (to answer with
    -32700), else a framing error (to log)."""

    __slots__ = ("message", "parse")

    def __init__(self, message: str, parse: bool = False) -> None:
        self.message = message
        self.parse = parse

    def __repr__(self) -> str:
        return f"Problem({self.message!r}, parse={self.parse})"


class Message:
    """One decoded body (any JSON value: the caller checks that it is a request object)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


class Reader:
    """Messages and problems from `read` (a function like `os.read` on a descriptor: up to n
    bytes, fewer when that is all there is, b"" at the end)."""

    def __init__(
        self, read: Callable[[int], bytes], max_body: int = MAX_BODY, ready: Callable[[float], bool] | None = None
    ) -> None:
        self._read = read
        self._waits = ready  # whether a byte comes within so many seconds (None: never ask)
        self._buffer = bytearray()
        self._eof = False
        self.max_body = max_body
        self._in_garbage = False  # garbage is reported once per run of it, not once per line
        self._ready: deque[Message | Problem] = deque()  # problems met, then the message after them

    # ------------------------------------------------------------------ bytes

    def _fill(self) -> bool:
        """Read more bytes into the buffer; False at the end of the stream."""
        if self._eof:
            return False
        data = self._read(CHUNK)
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True

    def _line(self) -> bytes | None:
        """The next line without its LF (a CR before it stays: header parsing strips it); a line
        longer than MAX_LINE is cut into garbage pieces, keeping any `Content-Length:` in it."""
        scanned = 0
        while True:
            end = self._buffer.find(b"\n", scanned)
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            scanned = len(self._buffer)
            if len(self._buffer) > MAX_LINE:
                self._drop_long_line()
                scanned = 0
                continue
            if not self._fill():
                if not self._buffer:
                    return None
                line = bytes(self._buffer)
                self._buffer.clear()
                return line

    def _drop_long_line(self) -> None:
        """Drop the start of an over-long line: up to its last `Content-Length:`, or all but a
        tail that could be the start of one."""
        self._garbage()
        at = self._buffer.lower().rfind(LENGTH)
        if at <= 0:
            at = len(self._buffer) - (len(LENGTH) - 1)
        del self._buffer[:at]

    def _take(self, count: int) -> bytes:
        """Exactly `count` bytes, or fewer at the end of the stream or when the stream stalls
        after a whole JSON object (the length was too long and the client waits)."""
        while len(self._buffer) < count:
            if self._waits is not None and self._buffer and not self._waits(STALL) and _whole_object(self._buffer):
                self._problem("a message's Content-Length was longer than its JSON body (the stream stalled after it)")
                count = len(self._buffer)
                break
            if not self._fill():
                self._problem(f"the stream ended {count - len(self._buffer)} bytes short of a message's Content-Length")
                break
        body = bytes(self._buffer[:count])
        del self._buffer[:count]
        return body

    def push_back(self, data: bytes) -> None:
        """Read `data` again before the rest of the stream."""
        self._buffer[:0] = data

    # ------------------------------------------------------------------ problems

    def _problem(self, message: str, parse: bool = False) -> None:
        self._ready.append(Problem(message, parse))

    def _garbage(self) -> None:
        if not self._in_garbage:
            self._in_garbage = True
            self._problem("bytes that are not an LSP header were skipped up to the next Content-Length header")

    # ------------------------------------------------------------------ messages

    def next(self) -> Message | Problem | None:
        """The next message whose body is a JSON value or problem met on the way (each as soon
        as it is known: a parse problem is answered before the next message arrives), or None
        at the end of the stream."""
        while not self._ready:
            length = self._headers()
            if length is None:
                break
            if length > self.max_body:
                shown = length if length < 1 << 64 else "too many"
                self._problem(f"a message of {shown} bytes is over the {self.max_body}-byte limit: skipped")
                self._in_garbage = True  # its body is read as garbage up to the next header
                continue
            body = self._take(length)
            self._in_garbage = False
            message = self._decode(body)
            if message is not None:
                self._ready.append(message)
        return self._ready.popleft() if self._ready else None

    def _headers(self) -> int | None:
        """Read one header block; its Content-Length, or None at the end of the stream."""
        length: int | None = None
        bad: str | None = None
        seen = False
        while True:
            line = self._line()
            if line is None:
                return None
            text = line.rstrip(b"\r")
            if not text.strip():
                if length is not None:
                    return length
                if bad is not None or seen:
                    self._problem(bad or "a header block without Content-Length was skipped")
                    self._in_garbage = True
                length, bad, seen = None, None, False
                continue
            lowered = text.lower()
            at = lowered.rfind(LENGTH)
            match = HEADER.fullmatch(text) if at <= 0 else None
            if match is not None:
                seen = True
                if match.group(1).lower() == b"content-length":
                    length, bad = _length(match.group(2))
                continue
            # garbage, or headers run together (a missing line end): a Content-Length header may
            # start inside it, after a body cut short or a header whose line end was lost
            self._garbage()
            length, bad, seen = None, None, False
            match = HEADER.fullmatch(text[at:]) if at > 0 else None
            if match is not None:
                seen = True
                length, bad = _length(match.group(2))

    def _decode(self, body: bytes) -> Message | None:
        """The body as JSON; else a parse problem (None), after putting back what follows a
        whole JSON value at its start, which is the next message when the length was too long."""
        try:
            return Message(json.loads(body))
        except RecursionError:
            self._problem("a message nested too deeply to read", parse=True)
            return None
        except ValueError:
            pass
        text = body.decode("utf-8", "surrogateescape")
        start = len(text) - len(text.lstrip())
        try:
            value, end = json.JSONDecoder().raw_decode(text, start)
        except (ValueError, RecursionError):
            self._problem("a message body that is not JSON", parse=True)
            at = body.lower().find(LENGTH, 1)
            if at > 0:  # the length was too long and the body is bad too: save the next message
                self.push_back(body[at:])
            return None
        rest = text[end:].encode("utf-8", "surrogateescape")
        if not rest.strip():  # a whole value and nothing after it: it failed for another reason
            self._problem("a message body that is not valid JSON text", parse=True)
            return None
        self._problem("a message's Content-Length was longer than its JSON body: the rest was read as the next message")
        self.push_back(rest)
        return Message(value)


def _whole_object(data: bytearray) -> bool:
    """Whether `data` is one whole JSON object (it ends with `}`: cheap to rule out first,
    without copying what may be megabytes)."""
    end = len(data) - 1
    while end >= 0 and data[end] in b" \t\r\n":
        end -= 1
    if end < 0 or data[end] != ord("}"):
        return False
    try:
        return isinstance(json.loads(data), dict)
    except (ValueError, RecursionError):
        return False


def _length(value: bytes) -> tuple[int | None, str | None]:
    """A Content-Length value: (length, None), or (None, why it is not one)."""
    digits = value.strip()
    if digits.isdigit() and len(digits) <= MAX_DIGITS:  # bytes.isdigit: ASCII digits only
        return int(digits), None
    if digits.isdigit():
        return 1 << 64, None  # over any limit: refused as too large
    shown = digits[:40].decode("ascii", "backslashreplace")
    return None, f"a Content-Length of {shown!r} is not a byte count: the message was skipped"
