"""Benchmark `dehub lsp`: server time per re-lint after an edit, on 500-line files.

    python bench/bench_lsp.py [--runs 300] [--round-trips 60] [--starts 5] [--hadolint-runs 10] [--seed 1]
        [--dehub PATH] [--hadolint PATH] [--json]

What an editor waits for after a keystroke (once the debounce has passed) is the function the
server's didChange handler runs: the document's new text -> kind, configuration, lint
(`runner.check_bytes`) -> the diagnostics list -> the JSON message written to stdout. This
script times exactly that, in process, with the server's own modules (`dehub.lsp.documents`,
`dehub.lsp.diagnostics`), on:

- a realistic 500-line Dockerfile (bench/corpus.py's generator grown to 500 lines: global
  ARGs feeding FROM, 4 stages, RUN heredocs, `COPY --from=<image>`, `--mount=from=`, ...);
- a 500-line GitHub workflow (bench_workflows.py's jobs: matrices, job containers, services,
  `docker://` steps, setup-buildx, `run:` scripts with `docker run` lines).

Each run edits one line in the middle of the file first (as typing does), so the result cache
never answers; "unchanged" is the same text again (a save after the debounced lint). Reported:
median and p95 of the engine's lint, of building the diagnostics, of serialising the message,
and of the three together, against the 5 ms target.

For context it also measures, with a real client over stdio (a `dehub lsp` process and this
script speaking JSON-RPC with Content-Length framing, debounce 0), the round trip from writing
a didChange to reading the publishDiagnostics for that version; and hadolint on the same
500-line Dockerfile (`hadolint --trusted-registry public.ecr.aws -f json FILE`, one process per
run, as an editor plugin runs it on save), with the ratio dehub re-lint / hadolint run; and,
for fresh servers (`--starts`), the time to the first diagnostics of each kind's first document
and to a hover sent with it, which pay for whatever the server imports on first use.

Exit status: 0 when both kinds' median total is under the target, 1 when one is not, 2 when a
tool fails. Standard library only (and the installed dehub with its `lsp` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dockerfiles as bd
import bench_workflows as bw
import corpus

TARGET_MS = 5.0
LINES = 500


# ---------------------------------------------------------------- the two files


def dockerfile_500(seed: int) -> str:
    """One corpus Dockerfile grown to 500 lines (the generator's own filler blocks)."""
    low, high = corpus.MIN_LINES, corpus.MAX_LINES
    corpus.MIN_LINES = corpus.MAX_LINES = LINES
    try:
        return corpus.dockerfile(random.Random(seed), "api")
    finally:
        corpus.MIN_LINES, corpus.MAX_LINES = low, high


def workflow_500(seed: int) -> str:
    """bench_workflows' jobs, renamed apart, under one header, until the file has 500 lines."""
    rng = random.Random(seed)
    lines = ["name: ci", "on:", "  push:", "  pull_request:", "env:", "  TOOLS: node:20", "jobs:"]
    count = 0
    while len(lines) < LINES:
        jobs = bw.workflow(rng).split("jobs:\n", 1)[1]
        count += 1
        lines += re.sub(r"^  job(\d+):", lambda m, n=count: f"  job{n}_{m.group(1)}:", jobs, flags=re.M).splitlines()
    return "\n".join(lines[:LINES]) + "\n"  # a cut inside a `run: |` block just ends that script


def edited(text: str, kind: str, run: int) -> str:
    """The text with one line in the middle changed, as typing changes it."""
    lines = text.split("\n")
    middle = len(lines) // 2
    for index in list(range(middle, len(lines))) + list(range(middle)):
        line = lines[index]
        if kind == "dockerfile" and line.startswith("RUN ") and "\\" not in line and "<<" not in line:
            lines[index] = f"RUN echo edit-{run}"
            break
        if kind == "workflow" and line.startswith("          ") and line.strip() in bw.COMMANDS:
            lines[index] = f"          echo edit-{run}"
            break
    return "\n".join(lines)


# ---------------------------------------------------------------- in process


def in_process(text: str, path: str, kind: str, runs: int) -> dict:
    from dehub.lsp.diagnostics import diagnostics
    from dehub.lsp.documents import Document, lint
    from dehub.lsp.workspace import ConfigStore

    configs = ConfigStore()
    document = Document("file://" + path, path, "", 1, text)
    lint(document, configs)  # warm-up: imports, the configuration lookup, first parse
    engine, build, serialise, total, findings = [], [], [], [], 0
    for run in range(runs):
        document.text = edited(text, kind, run)
        document.version = run + 2
        start = time.perf_counter()
        result = lint(document, configs)
        linted = time.perf_counter()
        found = diagnostics(result, document.version)
        built = time.perf_counter()
        message = {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                   "params": {"uri": document.uri, "version": document.version, "diagnostics": found}}  # fmt: skip
        body = json.dumps(message).encode("utf-8")
        _ = b"Content-Length: %d\r\n\r\n" % len(body) + body
        done = time.perf_counter()
        engine.append(linted - start)
        build.append(built - linted)
        serialise.append(done - built)
        total.append(done - start)
        findings = len(found)
    unchanged = []
    for _ in range(runs):
        start = time.perf_counter()
        result = lint(document, configs)
        diagnostics(result, document.version)
        unchanged.append(time.perf_counter() - start)
    return {
        "lines": text.count("\n"),
        "findings": findings,
        "lint": _stats(engine),
        "diagnostics": _stats(build),
        "serialise": _stats(serialise),
        "total": _stats(total),
        "unchanged": _stats(unchanged),
    }


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
        "min_ms": ordered[0] * 1000,
    }


# ---------------------------------------------------------------- over stdio


class StdioClient:
    """Just enough of an LSP client: Content-Length framing, requests, waiting for a message."""

    def __init__(self, command: list[str], cwd: str) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd)  # fmt: skip
        self.messages: list[tuple[float, dict]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            message = json.loads(stream.read(length))
            with self.cond:
                self.messages.append((time.perf_counter(), message))
                self.cond.notify_all()

    def send(self, message: dict) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        sent = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()
        return sent

    def wait(self, predicate, timeout: float = 30.0) -> tuple[float, dict]:
        with self.cond:
            found = self.cond.wait_for(lambda: next((m for m in self.messages if predicate(m[1])), None), timeout)
            if not found:
                raise bd.ToolError("dehub lsp did not answer in time")
            self.messages.remove(found)
            return found

    def close(self) -> None:
        try:
            self.send({"id": 99, "method": "shutdown"})
            self.wait(lambda m: m.get("id") == 99)
            self.send({"method": "exit"})
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - whatever went wrong, the server must not outlive the benchmark
            self.process.kill()


def initialised(command: list[str], root: str) -> StdioClient:
    """A server started in `root`, past `initialize` and `initialized`, linting with no debounce."""
    client = StdioClient(command, root)
    try:
        client.send({"id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": "file://" + root, "capabilities": {},
            "initializationOptions": {"debounce": 0}}})  # fmt: skip
        client.wait(lambda m: m.get("id") == 1)
        client.send({"method": "initialized", "params": {}})
    except BaseException:
        client.process.kill()  # a server that never started must not outlive the benchmark
        raise
    return client


def round_trips(command: list[str], files: dict[str, tuple[str, str]], runs: int, root: str) -> dict:
    client = initialised(command, root)
    try:
        out = {}
        for kind, (path, text) in files.items():
            uri = "file://" + path

            def published(message: dict, uri: str = uri) -> bool:
                return message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri

            client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "", "version": 1, "text": text}}})  # fmt: skip
            client.wait(published)
            times = []
            for run in range(runs):
                version = run + 2
                sent = client.send({"method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": edited(text, kind, run)}]}})  # fmt: skip
                received, _message = client.wait(lambda m, v=version, p=published: p(m) and m["params"]["version"] == v)
                times.append(received - sent)
            out[kind] = _stats(times)
        return out
    finally:
        client.close()


def first_diagnostics(command: list[str], files: dict[str, tuple[str, str]], starts: int, root: str,
                      delays: tuple[float, ...] = (0.0, 1.0)) -> dict:  # fmt: skip
    """A fresh server per start: the time from didOpen to its first diagnostics, for each kind's
    first document, with didOpen sent as soon as `initialize` is answered (as editors do) and
    again 1 s later (a file opened after start-up); and a hover sent right after the first
    didOpen, from request to answer."""
    samples: dict[str, list[float]] = {}
    for delay in delays:
        for _ in range(starts):
            client = initialised(command, root)
            try:
                time.sleep(delay)
                for number, (kind, (path, text)) in enumerate(files.items()):
                    uri = "file://" + path
                    sent = client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
                        "uri": uri, "languageId": "", "version": 1, "text": text}}})  # fmt: skip
                    if number == 0:
                        asked = client.send({"id": 2, "method": "textDocument/hover", "params": {
                            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}})  # fmt: skip
                    received, _ = client.wait(lambda m, uri=uri: m.get("method") == "textDocument/publishDiagnostics"
                                              and m["params"]["uri"] == uri)  # fmt: skip
                    samples.setdefault(f"{kind} after {delay:g} s", []).append(received - sent)
                    if number == 0:
                        answered, _ = client.wait(lambda m: m.get("id") == 2)
                        samples.setdefault(f"hover after {delay:g} s", []).append(answered - asked)
            finally:
                client.close()
    return {name: _stats(values) for name, values in samples.items()}


# ---------------------------------------------------------------- hadolint


def hadolint_runs(hadolint: str, path: str, runs: int) -> dict:
    command = [hadolint, "--trusted-registry", "public.ecr.aws", "-f", "json", path]
    subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=False)  # warm-up (page cache)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise bd.ToolError(f"hadolint exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    return _stats(times)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="in-process re-lints per file")
    parser.add_argument("--round-trips", type=int, default=60, help="didChange -> publish round trips per file")
    parser.add_argument("--starts", type=int, default=5, help="fresh servers timed to their first diagnostics")
    parser.add_argument("--hadolint-runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dehub", help="the dehub executable for the stdio run (default: python -m dehub)")
    parser.add_argument("--hadolint")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    root = tempfile.mkdtemp(prefix="dehub-bench-lsp-")
    os.makedirs(os.path.join(root, ".git"))  # no configuration above it applies
    os.makedirs(os.path.join(root, ".github", "workflows"))
    files = {
        "dockerfile": (os.path.join(root, "Dockerfile"), dockerfile_500(options.seed)),
        "workflow": (os.path.join(root, ".github", "workflows", "ci.yml"), workflow_500(options.seed)),
    }
    for path, text in files.values():
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    try:
        report: dict = {"target_ms": TARGET_MS, "runs": options.runs, "kinds": {}}
        for kind, (path, text) in files.items():
            bd.log(f"bench: {kind}: {options.runs} re-lints in process")
            report["kinds"][kind] = in_process(text, path, kind, options.runs)
        command = [bd.find_tool("dehub", options.dehub), "lsp"] if options.dehub else [sys.executable, "-m", "dehub",
                                                                                         "lsp"]  # fmt: skip
        bd.log(f"bench: {options.round_trips} stdio round trips per file: {' '.join(command)}")
        for kind, stats in round_trips(command, files, options.round_trips, root).items():
            report["kinds"][kind]["round_trip"] = stats
        if options.starts:
            bd.log(f"bench: {options.starts} fresh servers per case, timed to their first diagnostics")
            report["first"] = first_diagnostics(command, files, options.starts, root)
        try:
            hadolint = bd.find_tool("hadolint", options.hadolint)
        except bd.ToolError as err:
            bd.log(f"bench: no hadolint ({err}); no ratio")
            hadolint = None
        if hadolint:
            bd.log(f"bench: hadolint on the 500-line Dockerfile, {options.hadolint_runs} runs")
            report["hadolint"] = {"path": hadolint, "version": bd.tool_version(hadolint),
                                  **hadolint_runs(hadolint, files["dockerfile"][0], options.hadolint_runs)}  # fmt: skip
            report["ratio"] = report["kinds"]["dockerfile"]["total"]["median_ms"] / report["hadolint"]["median_ms"]
        import dehub

        report["dehub"] = os.path.dirname(dehub.__file__)
    except bd.ToolError as err:
        bd.log(f"bench: {err}")
        return 2
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    met = all(kind["total"]["median_ms"] < TARGET_MS for kind in report["kinds"].values())
    report["pass"] = met
    if options.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        print_table(report)
    return 0 if met else 1


def print_table(report: dict) -> None:
    out = [f"dehub lsp: server time per re-lint after an edit (median / p95 of {report['runs']} runs, ms)", ""]
    header = (f"{'file':<22}{'findings':>9}{'lint':>15}{'diagnostics':>15}{'serialise':>15}{'total':>15}"
              f"{'unchanged':>15}{'stdio trip':>15}  {'< ' + format(report['target_ms'], 'g') + ' ms':>8}")  # fmt: skip
    out += [header, "-" * len(header)]
    for kind, r in report["kinds"].items():
        def pair(stats: dict) -> str:
            return f"{stats['median_ms']:.2f} / {stats['p95_ms']:.2f}"

        trip = pair(r["round_trip"]) if "round_trip" in r else "-"
        verdict = "PASS" if r["total"]["median_ms"] < report["target_ms"] else "FAIL"
        label = f"{kind} ({r['lines']} lines)"
        out.append(f"{label:<22}{r['findings']:>9}{pair(r['lint']):>15}"
                   f"{pair(r['diagnostics']):>15}{pair(r['serialise']):>15}{pair(r['total']):>15}"
                   f"{pair(r['unchanged']):>15}{trip:>15}  {verdict:>8}")  # fmt: skip
    if "first" in report:
        out += ["", "a fresh server's first answers (didOpen sent that long after `initialize` is answered), ms:"]
        for name, stats in report["first"].items():
            out.append(f"  {name:<24}median {stats['median_ms']:7.1f}   p95 {stats['p95_ms']:7.1f}")
    if "hadolint" in report:
        h = report["hadolint"]
        out += ["", (f"hadolint {h['version']} on the same 500-line Dockerfile, one process per run: "
                     f"median {h['median_ms']:.1f} ms, p95 {h['p95_ms']:.1f} ms"),
                f"ratio dehub re-lint / hadolint run (Dockerfile, medians): {report['ratio']:.4f}"]  # fmt: skip
    out.append(f"dehub from {report['dehub']}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
