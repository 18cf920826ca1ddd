"""A small scripted registry for the registry client's unit tests (no binary needed).

`FakeRegistry` serves the OCI distribution endpoints dehub asks (`/v2/<repo>/manifests/<ref>`)
and a token endpoint (`/token`) from a thread on 127.0.0.1, records every request, and can be
told to answer each request from a queue of faults first: a status with headers, a connection
reset, a stall, an oversized body. It closes a TLS handshake at once (as Go's server answers
it), so the client's loopback HTTPS-first probe is quick. Real-registry tests live in
test_registry_live.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def digest_of(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


class FakeRegistry:
    """Scripted registry. `auth` is None, "basic" or "bearer" (token at /token)."""

    def __init__(self, auth=None, users=None, token_needs_login=False, tls=None):
        self.auth = auth
        self.users = users or {}
        self.token_needs_login = token_needs_login
        self.token = "tok-" + hashlib.sha256(str(time.time()).encode()).hexdigest()[:24]
        self.token_expires_in = 300
        self.refresh_token = "refresh-" + self.token[4:]
        self.token_forms = []
        self.manifests = {}  # (repo, ref) -> (body, media_type)
        self.send_digest = True
        self.allow_head = True  # False: HEAD is answered 405 Method Not Allowed
        self.faults = []  # consumed one per request: ("status", code, headers) | ("reset",) | ("stall", s)
        self.token_faults = []
        self.log = []  # (method, path, headers)
        self.in_flight = 0
        self.max_in_flight = 0
        self.tls_attempts = 0
        self.delay = 0.0  # seconds every manifest request takes (to observe concurrency)
        self._lock = threading.Lock()
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle(self):
                if tls is not None:
                    super().handle()
                    return
                try:
                    first = self.request.recv(1, socket.MSG_PEEK)
                except OSError:
                    return
                if first[:1] == b"\x16":  # a TLS ClientHello: this is a plain-HTTP server
                    with fake._lock:
                        fake.tls_attempts += 1
                    return
                super().handle()

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                fake._serve(self, "HEAD")

            def do_GET(self):
                fake._serve(self, "GET")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.form = parse_qs(self.rfile.read(length).decode())
                fake._serve(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # failed handshakes are expected
        if tls is not None:  # an ssl.SSLContext for the server side: HTTPS only
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{'https' if tls is not None else 'http'}://{self.host}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    # ---- content
    def put(self, repo, tag, body=None, media_type=OCI_INDEX):
        """Store a manifest under a tag and under its digest; returns the digest."""
        if body is None:
            body = json.dumps({"schemaVersion": 2, "mediaType": media_type, "repo": repo, "tag": tag}).encode()
        digest = digest_of(body)
        self.manifests[(repo, tag)] = (body, media_type)
        self.manifests[(repo, digest)] = (body, media_type)
        return digest

    def requests(self, method=None, prefix="/v2/"):
        return [entry for entry in self.log if entry[1].startswith(prefix) and (method is None or entry[0] == method)]

    # ---- serving
    def _serve(self, handler, method):
        path = urlsplit(handler.path).path
        with self._lock:
            self.log.append((method, handler.path, dict(handler.headers.items())))
            queue = self.token_faults if path == "/token" else self.faults
            fault = queue.pop(0) if queue else None
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if fault is not None and self._fault(handler, fault):
                return
            if path == "/token":
                self._token(handler)
                return
            if not self._authorized(handler):
                return
            if method == "HEAD" and not self.allow_head:
                self._send(handler, 405, b"", {"Allow": "GET"}, head=True)
                return
            if self.delay:
                time.sleep(self.delay)
            self._manifest(handler, method, path)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _fault(self, handler, fault):
        kind = fault[0]
        if kind == "reset":
            handler.close_connection = True
            try:
                handler.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            handler.request.close()
            return True
        if kind == "stall":
            self._release.wait(fault[1])
            handler.close_connection = True
            return True
        if kind == "status":  # ("status", code, headers) or ("status", code, headers, body)
            _, code, headers, *body = fault
            self._send(handler, code, body[0] if body else b"", headers)
            return True
        if kind == "trickle":  # a 200 whose body arrives one byte every `fault[1]` seconds
            handler.send_response(200)
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            try:
                for _ in range(1000):
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                    if self._release.wait(fault[1]):
                        break
            except OSError:
                pass
            handler.close_connection = True
            return True
        if kind == "body":  # a 200 whose body is `fault[1]` bytes long (declared or not)
            _, size, declare = fault
            handler.send_response(200)
            if declare:
                handler.send_header("Content-Length", str(size))
            handler.send_header("Connection", "close")
            handler.end_headers()
            try:
                chunk = b"x" * 65536
                left = size
                while left > 0:
                    handler.wfile.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
            except OSError:
                pass
            handler.close_connection = True
            return True
        return False

    def _send(self, handler, code, body, headers=None, head=False):
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not head and body:
            handler.wfile.write(body)

    def _authorized(self, handler):
        given = handler.headers.get("Authorization", "")
        if self.auth is None:
            return True
        if self.auth == "basic":
            if given.startswith("Basic "):
                user, _, password = base64.b64decode(given[6:]).decode().partition(":")
                if self.users.get(user) == password:
                    return True
            self._send(handler, 401, b"", {"WWW-Authenticate": 'Basic realm="fake"'}, head=True)
            return False
        if given == f"Bearer {self.token}":
            return True
        repo = urlsplit(handler.path).path.split("/manifests/")[0][len("/v2/") :]
        challenge = f'Bearer realm="{self.url}/token",service="fake-registry",scope="repository:{repo}:pull"'
        self._send(handler, 401, b"", {"WWW-Authenticate": challenge}, head=True)
        return False

    def _token(self, handler):
        query = parse_qs(urlsplit(handler.path).query)
        if handler.command == "POST":  # OAuth2 refresh-token grant
            form = handler.form
            self.token_forms.append(form)
            if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [self.refresh_token]:
                self._send(handler, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
                return
            body = json.dumps({"access_token": self.token, "expires_in": self.token_expires_in}).encode()
            self._send(handler, 200, body, {"Content-Type": "application/json"})
            return
        if self.token_needs_login:
            given = handler.headers.get("Authorization", "")
            ok = False
            if given.startswith("Basic "):
                user, _, password = base64.b64decode(given[6:]).decode().partition(":")
                ok = self.users.get(user) == password
            if not ok:
                self._send(handler, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
                return
        if query.get("service") != ["fake-registry"] or not query.get("scope"):
            self._send(handler, 400, b"{}")
            return
        body = json.dumps({"token": self.token, "expires_in": self.token_expires_in}).encode()
        self._send(handler, 200, body, {"Content-Type": "application/json"})

    def _manifest(self, handler, method, path):
        if "/manifests/" not in path:
            self._send(handler, 404, b"", head=method == "HEAD")
            return
        repo, ref = path[len("/v2/") :].split("/manifests/", 1)
        held = self.manifests.get((repo, ref))
        if held is None:
            code = "MANIFEST_UNKNOWN" if any(r == repo for r, _ in self.manifests) else "NAME_UNKNOWN"
            body = json.dumps({"errors": [{"code": code}]}).encode()
            self._send(handler, 404, body, {"Content-Type": "application/json"}, head=method == "HEAD")
            return
        body, media_type = held
        headers = {"Content-Type": media_type}
        if self.send_digest:
            headers["Docker-Content-Digest"] = digest_of(body)
        if method == "HEAD":
            handler.send_response(200)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            return
        self._send(handler, 200, body, headers)


class FakeClock:
    """Monotonic time that moves only when slept on (thread-safe); records every sleep."""

    def __init__(self, start=1000.0):
        self.time = start
        self.sleeps = []
        self._lock = threading.Lock()

    def now(self):
        with self._lock:
            return self.time

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            if seconds > 0:
                self.time += seconds
