"""The server on standard input and output, read by dehub's own reader (`framing`), not pygls's.

pygls's stdio loop reads only byte-exact `Content-Length: N\\r\\n` headers, allocates any
length it is given, and hands each body to its protocol, which answers malformed messages
with a `window/showMessage` or not at all. Here a thread reads messages (`framing.Reader`) and
the event loop checks each before pygls sees it, answering as JSON-RPC asks:

- a body that is not JSON: -32700 Parse error (id null);
- JSON that is not a request, notification or response object (an array, a number, a wrong
  `jsonrpc`, a method that is not a string, an id that is neither a number nor a string):
  -32600 Invalid Request (with the id when it has a usable one);
- a request whose params do not have the method's shape: -32602 Invalid params, with its id;
  the same for a notification is logged (nobody waits for an answer);
- a request after `shutdown`: -32600 (pygls would drop it unanswered);
- framing problems (bad or huge Content-Length, garbage) are logged and skipped.

The reader thread hands over at most a few messages ahead of the loop (a bounded queue), so
a client that sends faster than the server reads is held back by the pipe, not by memory.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import threading

from lsprotocol.types import ResponseErrorMessage
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

from .framing import Message, Problem, Reader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

    from pygls.protocol import JsonRPCProtocol
    from pygls.server import JsonRPCServer

log = logging.getLogger("dehub.lsp")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
QUEUE = 4  # messages read ahead of the loop


def start(server: JsonRPCServer, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Serve until the input ends or the client says `exit` (what pygls's start_io does)."""
    server._stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(_serve(server, _reader(stdin)))
    except BrokenPipeError:
        log.error("dehub: the connection to the client is lost; stopping")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


def _reader(stdin: BinaryIO) -> Reader:
    """A reader on the descriptor (os.read: no buffering of its own, and select to see a stall),
    else on the stream's own read."""
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return Reader(getattr(stdin, "read1", stdin.read))

    def read(size: int) -> bytes:
        try:
            return os.read(fd, size)
        except OSError:  # EIO and friends: the input is gone
            return b""

    def ready(timeout: float) -> bool:
        try:
            return bool(select.select([fd], [], [], timeout)[0])
        except (OSError, ValueError):
            return True  # let read() say what is wrong

    return Reader(read, ready=ready)


async def _serve(server: JsonRPCServer, reader: Reader) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Message | Problem | None] = asyncio.Queue(QUEUE)
    stop = server._stop_event
    assert stop is not None
    threading.Thread(target=_pump, args=(reader, queue, loop), name="dehub-lsp-read", daemon=True).start()
    while not stop.is_set():
        item = await queue.get()
        if item is None:
            break
        if isinstance(item, Problem):
            _problem(server.protocol, item)
        else:
            dispatch(server.protocol, item.value)


def _pump(reader: Reader, queue: asyncio.Queue[Message | Problem | None], loop: asyncio.AbstractEventLoop) -> None:
    """The reader thread: messages and problems into the loop's queue, None at the end."""

    def put(item: Message | Problem | None) -> None:
        if loop.is_closed():
            raise RuntimeError("the event loop is closed")
        asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()

    try:
        while True:
            item = reader.next()
            put(item)
            if item is None:
                return
    except RuntimeError:  # the loop is closed: the server is exiting
        return
    except Exception:  # pragma: no cover - a bug in the reader: end as at the end of input
        log.exception("dehub: reading the client's messages failed")
        try:
            put(None)
        except RuntimeError:
            pass


def _problem(protocol: JsonRPCProtocol, problem: Problem) -> None:
    log.warning("dehub: %s", problem.message)
    if problem.parse:
        error(protocol, None, PARSE_ERROR, f"Parse error: {problem.message}")


def error(protocol: JsonRPCProtocol, msg_id: Any, code: int, message: str) -> None:
    """Answer with a JSON-RPC error (plain data, so any id shape is sent as it is)."""
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})


def _usable_id(value: object) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def dispatch(protocol: JsonRPCProtocol, value: object) -> None:
    """Check one decoded message and hand it to pygls, or answer what is wrong with it."""
    if not isinstance(value, dict):
        error(protocol, None, INVALID_REQUEST, "Invalid Request: a message must be a JSON object")
        return
    method = value.get("method")
    msg_id = value.get("id")
    has_id = "id" in value and _usable_id(msg_id) and msg_id is not None
    is_request = "method" in value and "id" in value
    problem = None
    if value.get("jsonrpc") != "2.0":
        problem = 'Invalid Request: "jsonrpc" must be "2.0"'
    elif "method" in value and not isinstance(method, str):
        problem = 'Invalid Request: "method" must be a string'
    elif "id" in value and not has_id:
        problem = 'Invalid Request: "id" must be a number or a string'
    elif "method" not in value and not ("result" in value or "error" in value):
        problem = "Invalid Request: neither a request, a notification nor a response"
    if problem is not None:
        if "method" in value or not ("result" in value or "error" in value):  # never answer a response
            error(protocol, msg_id if has_id else None, INVALID_REQUEST, problem)
        log.warning("dehub: %s", problem)
        return
    if is_request and getattr(protocol, "_shutdown", False) and method != "exit":
        error(protocol, msg_id, INVALID_REQUEST, f"Invalid Request: {method} after shutdown")
        return
    try:
        message = _structure(protocol, value)
    except Exception as err:  # noqa: BLE001 - cattrs could not give the params the method's shape
        why = _first_cause(err)
        if is_request:
            error(protocol, msg_id, INVALID_PARAMS, f"Invalid params for {method}: {why}")
        else:
            log.warning("dehub: ignored %s: its params do not have the expected shape: %s", method or "a response", why)
        return
    try:
        protocol.handle_message(message)
    except Exception:  # pygls answers requests itself; anything else is logged, the loop goes on
        log.exception("dehub: handling %s failed", method or "a response")


def _structure(protocol: JsonRPCProtocol, value: dict[str, Any]) -> Any:
    """The message as pygls's typed object (what `structure_message` does, without the traceback
    it logs for every malformed message)."""
    converter = protocol._converter
    method = value.get("method")
    if isinstance(method, str):
        kind = protocol.get_message_type(method) or (JsonRPCRequestMessage if "id" in value else JsonRPCNotification)
    elif "error" in value:
        kind = ResponseErrorMessage
    else:  # a response to a request of the server's: the result type it asked for
        kind = protocol._result_types.pop(value["id"], None) or JsonRPCResponseMessage
    return converter.structure(value, kind)


def _first_cause(err: BaseException) -> str:
    """The innermost error cattrs grouped (the value that was wrong), in one line."""
    inner = getattr(err, "exceptions", None)  # an exception group (a backport's on 3.10)
    while inner:
        err = inner[0]
        inner = getattr(err, "exceptions", None)
    if isinstance(err, KeyError):  # cattrs reads a missing field as KeyError('name')
        return f"missing {err}"[:200]
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:200]
