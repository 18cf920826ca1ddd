"""`dehub.lsp.warmup`: the worker imports the engine and compiles the message types while idle,
so a fresh server's later first lints, hovers and changes do not pay for it on first use.

The in-process checks run in a fresh interpreter (this one imported the engine long ago) and
print what they saw as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest
from test_lsp_raw import publish_for, start

pytest.importorskip("pygls")

PROBE = textwrap.dedent(
    """
    import asyncio, builtins, json, sys, threading
    from dehub.kinds import KINDS
    from dehub.lsp.documents import Document
    from dehub.lsp.server import DehubServer

    imported = []  # (thread, module) for every module first imported from here on
    real = builtins.__import__

    def tracking(name, *args, **kwargs):
        before = set(sys.modules)
        module = real(name, *args, **kwargs)
        imported.extend((threading.current_thread().name, new) for new in set(sys.modules) - before)
        return module

    builtins.__import__ = tracking

    async def main():
        server = DehubServer()
        server.publish = lambda *args, **kwargs: None
        imported.clear()  # making the server imports a little of pygls, on this thread
        compiled = server.protocol._converter._structure_func.dispatch.cache_info().currsize
        order = []
        server.warm_up()
        server.warmed.add_done_callback(lambda _: order.append("warm-up"))
        if sys.argv[1] == "lint":  # a document opened as the warm-up starts
            document = Document("file:///w/Dockerfile", "/w/Dockerfile", "dockerfile", 1, "FROM node:20\\n")
            server.lint_future(document).add_done_callback(lambda _: order.append("lint"))
        await asyncio.wait_for(server.warmed, 60)
        await asyncio.sleep(0.05)
        hooks = server.protocol._converter._structure_func.dispatch.cache_info().currsize - compiled
        return order, hooks

    order, hooks = asyncio.run(main())
    kinds = sorted(kind.module for kind in KINDS)
    print(json.dumps({"order": order, "hooks": hooks, "kinds": [m for m in kinds if m in sys.modules],
                      "all_kinds": kinds, "imported": imported}))
    """
)


def probe(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_worker_imports_every_kind_and_the_loop_imports_nothing():
    seen = probe("alone")
    assert seen["kinds"] == seen["all_kinds"]  # every kind's parser is loaded
    threads = {thread for thread, _ in seen["imported"]}
    assert threads == {"dehub-lsp-lint"}, threads  # all of it in the worker, none on the event loop
    assert len(seen["imported"]) > 30
    assert seen["hooks"] >= 10  # the message types were compiled too (cattrs's hook cache grew)


def test_a_document_opened_during_the_warm_up_is_linted_first():
    seen = probe("lint")
    assert seen["order"] == ["lint", "warm-up"]
    assert seen["kinds"] == seen["all_kinds"]  # and the warm-up finished after it


def test_a_real_server_warms_up_after_initialize(tmp_path):
    log = tmp_path / "server.log"
    raw = start(tmp_path, ("--log-file", str(log)))
    try:
        deadline = time.monotonic() + 30
        while "dehub: warmed up in" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "the server never warmed up"
            time.sleep(0.05)
        uri = (tmp_path / "Dockerfile").as_uri()
        raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM node:20\n"}}})  # fmt: skip
        assert [d["code"] for d in raw.wait(publish_for(uri))["params"]["diagnostics"]] == ["DH001"]
        raw.send({"id": 9, "method": "shutdown"})
        raw.response(9)
        raw.send({"method": "exit"})
        assert raw.close() == 0
    finally:
        if raw.process.poll() is None:
            raw.process.kill()
