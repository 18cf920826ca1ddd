"""The engine imported, and pygls's message types compiled, in the worker while it is idle.

Much of a fresh server's work is first use: each kind's parser and rules are imported by its
first lint (a fresh server's first 500-line Dockerfile took 45 ms to diagnose, a workflow 135,
against 8 and 11 ms after), and cattrs compiles the code that reads each message type the
first time one comes, on the event loop (6 ms for a didOpen, 9 for a didChange, 11 for a hover
and its answer, 30 for a code action). So shortly after `initialize` (`GRACE`: the document an
editor opens at start-up is linted first, not after the warm-up) the worker compiles those
message types, lints a small text of every kind (common kinds first) and builds a rule's hover
docs. Each step takes a few milliseconds to a few dozen; the warm-up stops for any real job
waiting and resumes after it, so a document waits for one step at most.
"""

from __future__ import annotations

import logging
import os
import time
from functools import partial

from lsprotocol import types

from ..kinds import KINDS
from ..runner import check_bytes
from .markdown import rule_docs

TYPE_CHECKING = False
if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from pygls.protocol import JsonRPCProtocol

    from .worker import Worker
    from .workspace import Loaded

log = logging.getLogger("dehub.lsp")

FIRST = ("dockerfile", "workflow", "compose", "gitlab")  # the kinds most documents are
TEXTS = {
    "dockerfile": "FROM node:20 AS build\nRUN docker run redis\nCOPY --from=build /a /b\n",
    "workflow": (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps:\n"
        "      - uses: docker://node:20\n      - run: docker run redis\n"
    ),
}
TEXT = "image: node:20\n"  # other kinds: enough to reach their image sites
ROOT = os.path.join(os.sep, "dehub-warm-up")  # no such folder: nothing of the user's is read
KEY = "dehub:warm-up"


GRACE = 0.3  # seconds after `initialize`
METHODS = (
    types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_HOVER,
    types.TEXT_DOCUMENT_CODE_ACTION, types.CODE_ACTION_RESOLVE, types.TEXT_DOCUMENT_DID_SAVE,
    types.TEXT_DOCUMENT_DID_CLOSE, types.WORKSPACE_DID_CHANGE_WATCHED_FILES, types.CANCEL_REQUEST, types.SHUTDOWN,
)  # fmt: skip
ANSWERS = (types.Hover, types.CodeAction)  # what requests answer with, as pygls sends them


def steps(loaded: Loaded, protocol: JsonRPCProtocol) -> list[Callable[[], object]]:
    """The warm-up, step by step: the message types, a lint per kind (common kinds first), then
    a rule's docs."""
    converter = protocol._converter
    out: list[Callable[[], object]] = []
    for method in METHODS:
        message = protocol.get_message_type(method)
        if message is not None:
            out.append(partial(converter.get_structure_hook, message))
    out += [partial(converter.get_unstructure_hook, answer) for answer in ANSWERS]
    order = sorted(KINDS, key=lambda kind: FIRST.index(kind.name) if kind.name in FIRST else len(FIRST))
    for kind in order:
        path = os.path.join(ROOT, kind.examples[0] if kind.examples else kind.name)
        out.append(partial(check_bytes, path, TEXTS.get(kind.name, TEXT).encode(), kind.name, loaded.settings))
    out.append(partial(rule_docs, "DH001"))
    return out


def start(worker: Worker, loop: asyncio.AbstractEventLoop, todo: list[Callable[[], object]]) -> asyncio.Future[None]:
    """Run `todo` in the worker, yielding to real jobs; the future is done when all ran."""
    done: asyncio.Future[None] = loop.create_future()
    began = time.perf_counter()

    def work() -> None:
        while todo and not worker.waiting():
            step = todo.pop(0)
            try:
                step()
            except Exception:  # a warm-up is never worth a failure: the real lint reports it
                log.debug("dehub: a warm-up step failed", exc_info=True)

    def resume(job: asyncio.Future[None]) -> None:
        if todo and not job.cancelled() and job.exception() is None:
            worker.submit(KEY, work).add_done_callback(resume)
        elif not done.done():
            log.debug("dehub: warmed up in %.0f ms", (time.perf_counter() - began) * 1000)
            done.set_result(None)

    worker.submit(KEY, work).add_done_callback(resume)
    return done
