"""A real container registry on loopback for the `--verify` tests, and a proxy that breaks it.

Why: a registry client is only proven against a registry. These fixtures start Debian's
`docker-registry` (CNCF distribution 2.8.2) with a configuration of their own on a free
127.0.0.1 port (storage in the test's tmp dir; the package's own service is never used), push
images into it through the HTTP API (no Docker engine), and put a fault-injecting reverse proxy
in front of it. Startup takes well under a second, so every test gets fresh registries.

Pytest fixtures (tests/conftest.py; everything is stopped at the end of the test, and a failing
test's report shows each registry's log and its token server's requests):

    def test_exists(registry):                       # anonymous pull and push
        digest = registry.push("library/node", "20", kind="index")
        registry.host   # "127.0.0.1:PORT"
        registry.url    # "http://127.0.0.1:PORT"

    def test_basic(registry_htpasswd):               # htpasswd basic auth on every request
        user, password = registry_htpasswd.credentials   # ("alice", "secret")

    def test_token(registry_token):                  # Bearer tokens from a token server
        registry_token.token_server.url              # the challenge's realm: http://127.0.0.1:P/token
        registry_token.token_server.requests         # [TokenRequest(method, path, params, user, status, time)]
        # no credentials: a pull-only token; alice:secret: pull and push; a wrong password: 401

    def test_custom(make_registry):                  # options, or several registries at once
        hub, mirror = make_registry(), make_registry()
        strict = make_registry(auth="token", require_credentials=True)   # anonymous token: 401
        private = make_registry(auth="token", anonymous_pull=False)      # anonymous token grants nothing
        other = make_registry(auth="htpasswd", users={"bob": "pw"})

    def test_retry(registry, fault_proxy):           # faults in front of any http:// upstream
        proxy = fault_proxy(registry.url, ["429:2", "500", "reset", "stall:3"], stall_seconds=30)
        ...  # point the client at proxy.host / proxy.url
        proxy.requests  # [ProxiedRequest(method, path, time=time.monotonic(), fault, headers)]

Pushing: `registry.push(repo, tag, kind="index", platforms=("linux/amd64", "linux/arm64"),
seed=None)` returns the top-level digest (sha256 of the exact bytes PUT, checked against the
registry's Docker-Content-Digest). kind: "index" (OCI image index), "manifest-list" (Docker
manifest list), "oci-manifest" or "docker-manifest" (one image, for the first platform). Each
push has new random layers, so pushing a tag again gives it a new digest (a mirror that lags);
with the same `seed` (and kind and platforms) two registries get the same digest (a mirror in
sync with its hub). Pushes authenticate the way the registry asks (basic, or a push token).
`registry.request(method, path, headers, body, scope)`, `push_blob` and `put_manifest` are
there for odd cases; `http_request(url, method, headers, body)` is a plain one-shot request.

Faults, one per request in the order given, then "pass" for ever (`proxy.faults` is a deque:
append while a test runs): "pass"; "429" (with `Retry-After: 1`; "429:N" for N, "429:" for no
header); "500"; "503" (registry-style JSON error bodies); "reset" (a TCP reset, no response:
ConnectionResetError); "close" (an orderly close, no response: RemoteDisconnected); "stall"
(hold the connection `stall_seconds`, then close; "stall:S" for S seconds); "delay:S" (wait S
seconds, then pass). "FAULT@/PREFIX" is for the first request whose path starts with /PREFIX
(other requests pass it by: for a client that asks several references at once). A fault
appended by hand that makes no sense answers 599. Passed requests keep method, path, headers
(Authorization included), body and the Host header, so upload Locations and realms are not
rewritten: a token realm still points at the token server, straight. A proxy with no faults is
a request counter. A TLS attempt (the client's HTTPS-first probe on loopback) fails at once on
the registry and the proxy and uses up no fault. An unreachable upstream is a 502.

What distribution 2.8 answers (pinned by tests/test_registryfixtures.py): with fewer than the four
manifest Accept types an OCI index is a 404 (MANIFEST_UNKNOWN) and a manifest list answers with its
amd64 child's digest; with no Accept a Docker manifest is a 400. An unknown tag and an unknown
repository are both 404 MANIFEST_UNKNOWN on the manifests endpoint (NAME_UNKNOWN comes only from
/v2/<name>/tags/list). A HEAD 404 has an empty body. A token for one repository gets 401 with
error="insufficient_scope" on another.

Outside pytest: `with registry_server(auth=None, users=None, directory=None) as reg:` and
`with fault_proxy(url, faults) as proxy:`. Without the binary registry_server raises
RegistryUnavailable; the fixtures turn that into a skip, or a failure under
DEHUB_REQUIRE_REGISTRY=1 (which .ci/run sets where it installed docker-registry).
"""

from __future__ import annotations

import base64
import collections
import contextlib
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import secrets
import shutil
import socket
import struct
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
ALL_MANIFEST_TYPES = (OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST)
ACCEPT_ALL = ", ".join(ALL_MANIFEST_TYPES)

OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

KINDS = ("index", "manifest-list", "oci-manifest", "docker-manifest")
SERVICE = "dehub-test-registry"
ISSUER = "dehub-test-token-server"
DEFAULT_USERS: Mapping[str, str] = {"alice": "secret"}
START_TIMEOUT = 30.0  # seconds; the CI machine is shared, a cold start can be slow


class RegistryUnavailable(RuntimeError):
    """The `docker-registry` binary is not installed (the fixtures skip or fail on it)."""


def registry_binary() -> str | None:
    """Where Debian's distribution server is, or None."""
    found = shutil.which("docker-registry")
    if found:
        return found
    return "/usr/bin/docker-registry" if os.access("/usr/bin/docker-registry", os.X_OK) else None


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def free_port() -> int:
    """A loopback port free right now (the registry binds it a moment later; a lost race retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="x",service="y",scope="z"` -> ("bearer", {...}); quoted commas are kept."""
    scheme, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    i = 0
    while i < len(rest):
        eq = rest.find("=", i)
        if eq < 0:
            break
        key = rest[i:eq].strip().strip(",").strip().lower()
        i = eq + 1
        if i < len(rest) and rest[i] == '"':
            end = rest.find('"', i + 1)
            end = len(rest) if end < 0 else end
            params[key] = rest[i + 1 : end]
            i = end + 1
        else:
            end = rest.find(",", i)
            end = len(rest) if end < 0 else end
            params[key] = rest[i:end].strip()
            i = end
        while i < len(rest) and rest[i] in ", ":
            i += 1
    return scheme.lower(), params


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self) -> object:
        return json.loads(self.body.decode("utf-8"))


def http_request(
    url: str, method: str = "GET", headers: Mapping[str, str] | None = None, body: bytes | None = None,
    timeout: float = 10.0,
) -> Response:
    """One request on a new connection; any status is returned, never raised."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.headers, data)
    finally:
        conn.close()


# --------------------------------------------------------------------------- token server

@dataclass
class TokenRequest:
    method: str
    path: str
    params: dict[str, list[str]]
    user: str | None  # the basic-auth user name presented (never the password)
    status: int
    time: float


@dataclass
class _SigningKey:
    private_key: object
    cert_der: bytes
    cert_pem: bytes


def _make_signing_key() -> _SigningKey:
    """An EC P-256 key and its self-signed certificate (the registry's rootcertbundle)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    der, pem = cert.public_bytes(serialization.Encoding.DER), cert.public_bytes(serialization.Encoding.PEM)
    return _SigningKey(key, der, pem)


class TokenServer:
    """A Docker token server (the `realm` of a Bearer challenge) on loopback.

    GET /token?service=...&scope=repository:NAME:pull,push (scope may repeat or be absent) and
    POST /token (OAuth2 form: grant_type=password with username/password) answer
    {"token", "access_token", "expires_in", "issued_at"}: an ES256 JWT whose header carries the
    signing certificate (`x5c`), which registry 2.8 verifies against its rootcertbundle. No
    refresh tokens are issued (`offline_token` is ignored).

    Policy: wrong credentials are always refused (401); without credentials the request is
    refused when `require_credentials`, else it gets pull access only if `anonymous_pull` (and
    a token granting nothing otherwise, which the registry then refuses); a known user gets
    every action asked for.
    """

    def __init__(
        self, users: Mapping[str, str], *, anonymous_pull: bool = True, require_credentials: bool = False,
        expires_in: int = 300,
    ) -> None:
        self.users = dict(users)
        self.anonymous_pull = anonymous_pull
        self.require_credentials = require_credentials
        self.expires_in = expires_in
        self.requests: list[TokenRequest] = []
        self.issued: list[str] = []
        self._key = _make_signing_key()
        self._lock = threading.Lock()
        self._server = _ThreadingServer(("127.0.0.1", 0), self._handler_class())
        self.host = "127.0.0.1:%d" % self._server.server_address[1]
        self.url = f"http://{self.host}/token"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="token-server", daemon=True
        )

    @property
    def cert_pem(self) -> bytes:
        return self._key.cert_pem

    def start(self) -> TokenServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def mint(self, subject: str, access: Sequence[Mapping[str, object]], service: str = SERVICE) -> str:
        """An ES256 JWT for these `access` claims, as registry 2.8 accepts it."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(self._key.cert_der).decode("ascii")]}
        claims = {
            "iss": ISSUER, "sub": subject, "aud": service, "exp": now + self.expires_in, "nbf": now - 5,
            "iat": now, "jti": secrets.token_hex(8), "access": list(access),
        }
        signing_input = _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
        der = self._key.private_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))  # type: ignore[attr-defined]
        r, s = decode_dss_signature(der)
        token = signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        with self._lock:
            self.issued.append(token)
        return token

    def grant(self, user: str | None, scopes: Iterable[str]) -> list[dict[str, object]]:
        access: list[dict[str, object]] = []
        for scope in scopes:
            for one in scope.split(" "):
                kind, _, rest = one.partition(":")
                name, _, actions = rest.rpartition(":")
                if not kind or not name:
                    continue
                asked = [a for a in actions.split(",") if a]
                if user is None:
                    asked = [a for a in asked if a == "pull" and self.anonymous_pull]
                access.append({"type": kind, "name": name, "actions": asked})
        return access

    def _handler_class(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                self._answer(parts.path, urllib.parse.parse_qs(parts.query))

            def do_POST(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8")) if length else {}
                params = urllib.parse.parse_qs(parts.query)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                self._answer(parts.path, params, form=True)

            def _answer(self, path: str, params: dict[str, list[str]], form: bool = False) -> None:
                user, known = self._credentials(params if form else {})
                if path.rstrip("/") != "/token":
                    status = 404
                elif (user is not None and not known) or (user is None and server.require_credentials):
                    status = 401
                else:
                    status = 200
                with server._lock:
                    server.requests.append(TokenRequest(self.command, path, params, user, status, time.monotonic()))
                if status != 200:
                    body = json.dumps({"details": "incorrect username or password" if status == 401 else "not found"})
                    self._send(status, body.encode(), {"WWW-Authenticate": 'Basic realm="dehub-test-token"'}
                               if status == 401 else {})
                    return
                service = (params.get("service") or [SERVICE])[0]
                token = server.mint(user or "", server.grant(user if known else None, params.get("scope", [])), service)
                now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                body = json.dumps({"token": token, "access_token": token, "expires_in": server.expires_in,
                                   "issued_at": now})
                self._send(200, body.encode(), {"Content-Type": "application/json"})

            def _credentials(self, form: Mapping[str, list[str]]) -> tuple[str | None, bool]:
                if (form.get("grant_type") or [""])[0] == "password":
                    user = (form.get("username") or [""])[0]
                    password = (form.get("password") or [""])[0]
                    return user, server.users.get(user) == password
                header = self.headers.get("Authorization") or ""
                if not header.lower().startswith("basic "):
                    return None, False
                try:
                    user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
                except ValueError:
                    return "", False
                return user, server.users.get(user) == password

            def _send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


class _ThreadingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# --------------------------------------------------------------------------- the registry

def _tar_gz(payload: bytes) -> tuple[bytes, bytes]:
    """A one-file layer: (gzipped tar, uncompressed tar) — the diff_id is the second's sha256."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("dehub-test/" + payload.hex()[:16])
        info.size = len(payload)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(payload))
    uncompressed = raw.getvalue()
    return gzip.compress(uncompressed, mtime=0), uncompressed


def _platform(text: str) -> dict[str, str]:
    os_name, _, rest = text.partition("/")
    arch, _, variant = rest.partition("/")
    platform = {"architecture": arch or "amd64", "os": os_name or "linux"}
    if variant:
        platform["variant"] = variant
    return platform


class Registry:
    """A running `docker-registry` on 127.0.0.1 (see the module docstring)."""

    def __init__(self, host: str, auth: str | None, users: Mapping[str, str], log_path: Path,
                 token_server: TokenServer | None) -> None:
        self.host = host
        self.url = f"http://{host}"
        self.auth = auth
        self.users = dict(users)
        self.log_path = log_path
        self.token_server = token_server
        self._authorization: dict[str, str] = {}  # scope -> Authorization header, for pushes

    @property
    def credentials(self) -> tuple[str, str] | None:
        """(user, password) of the first user when the registry has auth, else None."""
        if self.auth is None or not self.users:
            return None
        user = next(iter(self.users))
        return user, self.users[user]

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- requests that authenticate the way the registry asks

    def request(self, method: str, path_or_url: str, headers: Mapping[str, str] | None = None,
                body: bytes | None = None, scope: str = "") -> Response:
        """A request with this registry's credentials, answering one Basic or Bearer challenge."""
        url = path_or_url if "://" in path_or_url else self.url + path_or_url
        sent = dict(headers or {})
        if scope in self._authorization:
            sent["Authorization"] = self._authorization[scope]
        resp = http_request(url, method, sent, body)
        if resp.status != 401 or self.credentials is None:
            return resp
        challenge = resp.header("WWW-Authenticate") or ""
        scheme, params = parse_challenge(challenge)
        if scheme == "basic":
            authorization = _basic(*self.credentials)
        elif scheme == "bearer":
            query = {"service": params.get("service", "")}
            if params.get("scope") or scope:
                query["scope"] = params.get("scope") or scope
            token_resp = http_request(params["realm"] + "?" + urllib.parse.urlencode(query),
                                      headers={"Authorization": _basic(*self.credentials)})
            if token_resp.status != 200:
                raise RuntimeError(f"token server refused the push credentials: {token_resp.status}")
            answer = token_resp.json()
            assert isinstance(answer, dict)
            authorization = "Bearer " + str(answer.get("token") or answer.get("access_token"))
        else:
            return resp
        self._authorization[scope] = authorization
        sent["Authorization"] = authorization
        return http_request(url, method, sent, body)

    def push_blob(self, repo: str, data: bytes) -> str:
        """POST an upload, then PUT its Location with ?digest= (2.8 has no single-POST upload)."""
        digest = sha256_digest(data)
        scope = f"repository:{repo}:pull,push"
        started = self.request("POST", f"/v2/{repo}/blobs/uploads/", body=b"", scope=scope)
        if started.status != 202:
            raise RuntimeError(f"blob upload to {repo} not started: {started.status} {started.body[:300]!r}")
        location = started.header("Location") or ""
        location = urllib.parse.urljoin(self.url + "/", location)
        location += ("&" if "?" in location else "?") + urllib.parse.urlencode({"digest": digest})
        done = self.request("PUT", location, {"Content-Type": "application/octet-stream"}, data, scope=scope)
        if done.status != 201:
            raise RuntimeError(f"blob upload to {repo} failed: {done.status} {done.body[:300]!r}")
        return digest

    def put_manifest(self, repo: str, reference: str, media_type: str, data: bytes) -> str:
        """PUT a manifest under a tag or digest; returns sha256 of the bytes (checked against 2.8's)."""
        resp = self.request("PUT", f"/v2/{repo}/manifests/{reference}", {"Content-Type": media_type}, data,
                            scope=f"repository:{repo}:pull,push")
        if resp.status != 201:
            raise RuntimeError(f"manifest PUT {repo}:{reference} failed: {resp.status} {resp.body[:500]!r}")
        digest = sha256_digest(data)
        answered = resp.header("Docker-Content-Digest")
        if answered and answered != digest:
            raise RuntimeError(f"registry computed {answered} for a manifest whose bytes hash to {digest}")
        return digest

    def _push_image(self, repo: str, platform: str, oci: bool, seed: str | None) -> tuple[str, int, bytes]:
        """Config and one layer (random, or from `seed`), then the image manifest by digest:
        (digest, size, bytes)."""
        payload = secrets.token_bytes(32) if seed is None else hashlib.sha256(f"{seed}\0{platform}".encode()).digest()
        layer, uncompressed = _tar_gz(payload)
        config = json.dumps({
            **_platform(platform),
            "created": "2026-01-01T00:00:00Z",
            "config": {"Cmd": ["/bin/true"]},
            "rootfs": {"type": "layers", "diff_ids": [sha256_digest(uncompressed)]},
        }, sort_keys=True).encode()
        config_digest = self.push_blob(repo, config)
        layer_digest = self.push_blob(repo, layer)
        media_type = OCI_MANIFEST if oci else DOCKER_MANIFEST
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG, "digest": config_digest,
                       "size": len(config)},
            "layers": [{"mediaType": OCI_LAYER if oci else DOCKER_LAYER, "digest": layer_digest,
                        "size": len(layer)}],
        }, indent=3).encode()
        return sha256_digest(manifest), len(manifest), manifest

    def push(self, repo: str, tag: str, kind: str = "index",
             platforms: Sequence[str] = ("linux/amd64", "linux/arm64"), seed: str | None = None) -> str:
        """Push an image (see KINDS) under repo:tag; returns the top-level manifest's digest.

        Each push has new random layers (a new digest), unless `seed` is given: the same seed,
        kind and platforms give the same digest in any registry (a mirror in sync with its hub).
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if not platforms:
            raise ValueError("at least one platform")
        oci = kind in ("index", "oci-manifest")
        if kind in ("oci-manifest", "docker-manifest"):
            digest, _size, manifest = self._push_image(repo, platforms[0], oci, seed)
            return self.put_manifest(repo, tag, OCI_MANIFEST if oci else DOCKER_MANIFEST, manifest)
        children = []
        for platform in platforms:
            digest, size, manifest = self._push_image(repo, platform, oci, seed)
            self.put_manifest(repo, digest, OCI_MANIFEST if oci else DOCKER_MANIFEST, manifest)
            children.append({"mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST, "digest": digest, "size": size,
                             "platform": _platform(platform)})
        media_type = OCI_INDEX if oci else DOCKER_LIST
        top = json.dumps({"schemaVersion": 2, "mediaType": media_type, "manifests": children}, indent=3).encode()
        return self.put_manifest(repo, tag, media_type, top)


def _config_yaml(port: int, storage: Path, auth: str | None, htpasswd: Path | None,
                 token_server: TokenServer | None, cert_path: Path | None) -> str:
    """The registry's configuration (JSON is YAML): loopback only, storage in the test's tmp dir."""
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "info", "formatter": "text", "accesslog": {"disabled": False}},
        "storage": {
            "filesystem": {"rootdirectory": str(storage)},
            "delete": {"enabled": True},
            "maintenance": {"uploadpurging": {"enabled": False}},
        },
        "http": {"addr": f"127.0.0.1:{port}", "secret": secrets.token_hex(16),
                 "headers": {"X-Content-Type-Options": ["nosniff"]}},
    }
    if auth == "htpasswd":
        config["auth"] = {"htpasswd": {"realm": "dehub-test-basic", "path": str(htpasswd)}}
    elif auth == "token":
        assert token_server is not None
        config["auth"] = {"token": {"realm": token_server.url, "service": SERVICE, "issuer": ISSUER,
                                    "rootcertbundle": str(cert_path)}}
    return json.dumps(config, indent=2)


def _htpasswd(users: Mapping[str, str]) -> str:
    """bcrypt entries (the only kind distribution's htpasswd reads); cost 4 keeps tests fast."""
    import bcrypt

    return "".join(
        f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()}\n"
        for user, password in users.items()
    )


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log_path: Path, deadline: float) -> bool:
    """True once GET /v2/ answers anything; False if the process died first (e.g. port taken)."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            resp = http_request(url + "/v2/", timeout=2.0)
            if resp.status in (200, 401):
                return True
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"docker-registry did not answer within {START_TIMEOUT:.0f} s; log:\n"
                       + log_path.read_text(errors="replace")[-4000:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.contextmanager
def registry_server(
    auth: str | None = None, users: Mapping[str, str] | None = None, *, directory: Path | str | None = None,
    anonymous_pull: bool = True, require_credentials: bool = False,
) -> Iterator[Registry]:
    """Start `docker-registry serve` in `directory` (config, storage, log; a temporary directory,
    removed afterwards, when None); stop it on exit.

    auth: None (anonymous pull and push), "htpasswd" (basic auth on every request) or "token"
    (Bearer tokens from a TokenServer; `anonymous_pull`/`require_credentials` are its policy).
    """
    if auth not in (None, "htpasswd", "token"):
        raise ValueError(f"auth must be None, 'htpasswd' or 'token', not {auth!r}")
    binary = registry_binary()
    if binary is None:
        raise RegistryUnavailable("docker-registry is not installed (Debian package docker-registry)")
    if directory is None:
        with tempfile.TemporaryDirectory(prefix="dehub-registry-") as temporary, registry_server(
            auth, users, directory=temporary, anonymous_pull=anonymous_pull, require_credentials=require_credentials
        ) as registry:
            yield registry
        return
    users = dict(DEFAULT_USERS if users is None else users)
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    storage = root / "storage"
    storage.mkdir(exist_ok=True)
    log_path = root / "registry.log"
    htpasswd = cert_path = None
    token_server = None
    if auth == "htpasswd":
        htpasswd = root / "htpasswd"
        htpasswd.write_text(_htpasswd(users))
    with contextlib.ExitStack() as stack:
        if auth == "token":
            token_server = TokenServer(users, anonymous_pull=anonymous_pull,
                                       require_credentials=require_credentials).start()
            stack.callback(token_server.close)
            cert_path = root / "token-cert.pem"
            cert_path.write_bytes(token_server.cert_pem)
        # The registry reads REGISTRY_* variables over its file: none of the caller's may leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        deadline = time.monotonic() + START_TIMEOUT
        for _attempt in range(5):
            port = free_port()
            config = root / "config.yml"
            config.write_text(_config_yaml(port, storage, auth, htpasswd, token_server, cert_path))
            log = stack.enter_context(open(log_path, "ab"))
            proc = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=root)
            stack.callback(_stop, proc)
            host = f"127.0.0.1:{port}"
            if _wait_ready(proc, "http://" + host, log_path, deadline):
                yield Registry(host, auth, users, log_path, token_server)
                return
        raise RuntimeError("docker-registry exited at start five times; log:\n"
                           + log_path.read_text(errors="replace")[-4000:])


# --------------------------------------------------------------------------- the fault proxy

@dataclass
class ProxiedRequest:
    method: str
    path: str
    time: float  # time.monotonic() when the request had been read
    fault: str  # what the proxy did with it ("pass", "429:1", "reset", ...)
    headers: dict[str, str] = field(default_factory=dict)


_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
               "content-length"}


class FaultProxy:
    """A reverse proxy on 127.0.0.1 that spoils requests one by one (see the module docstring)."""

    def __init__(self, upstream_url: str, faults: Iterable[str] = (), stall_seconds: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(upstream_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the upstream must be http://host:port, not {upstream_url!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.faults: collections.deque[str] = collections.deque(faults)
        for fault in self.faults:
            self._check(fault)
        self.stall_seconds = stall_seconds
        self.requests: list[ProxiedRequest] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _ThreadingServer(("127.0.0.1", 0), self._handler_class())
        self.host = "127.0.0.1:%d" % self._server.server_address[1]
        self.url = "http://" + self.host
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fault-proxy", daemon=True
        )

    @staticmethod
    def _check(entry: str) -> None:
        fault, _, prefix = entry.partition("@")
        if prefix and not prefix.startswith("/"):
            raise ValueError(f"fault {entry!r}: the path after @ starts with /")
        name, _, arg = fault.partition(":")
        if name not in ("pass", "429", "500", "503", "reset", "close", "stall", "delay"):
            raise ValueError(f"unknown fault {fault!r}")
        if name == "delay" and not arg:
            raise ValueError(f"fault {fault!r} needs seconds (delay:S)")
        if arg and name not in ("429", "stall", "delay"):
            raise ValueError(f"fault {fault!r} takes no argument")
        if arg:
            float(arg)

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes the stalls
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _next_fault(self, path: str) -> str:
        """The first queued fault for this path (one without `@PREFIX` is for any), taken off."""
        with self._lock:
            for i, entry in enumerate(self.faults):
                _, _, prefix = entry.partition("@")
                if path.startswith(prefix):
                    del self.faults[i]
                    return entry
            return "pass"

    def _handler_class(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _body(self) -> bytes | None:
                if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = self.headers.get("Content-Length")
                return self.rfile.read(int(length)) if length else None

            def _handle(self) -> None:
                body = self._body()
                fault = proxy._next_fault(self.path)
                with proxy._lock:
                    proxy.requests.append(ProxiedRequest(self.command, self.path, time.monotonic(), fault,
                                                         dict(self.headers.items())))
                try:
                    proxy._check(fault)
                except ValueError as error:  # appended to .faults by hand
                    self._error(599, str(error))
                    return
                name, _, arg = fault.partition("@")[0].partition(":")
                if name == "pass":
                    self._relay(body)
                elif name == "delay":
                    proxy._closing.wait(float(arg))
                    self._relay(body)
                elif name in ("429", "500", "503"):
                    codes = {"429": "TOOMANYREQUESTS", "500": "UNKNOWN", "503": "UNAVAILABLE"}
                    data = json.dumps({"errors": [{"code": codes[name], "message": f"injected {name}"}]}).encode()
                    self.send_response(int(name))
                    if name == "429" and (arg or not fault.endswith(":")):
                        self.send_header("Retry-After", arg or "1")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                elif name == "reset":
                    # SO_LINGER 0: close() sends a RST, the client sees ECONNRESET with no response.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self._drop()
                elif name == "close":
                    self._drop()
                elif name == "stall":
                    proxy._closing.wait(float(arg) if arg else proxy.stall_seconds)
                    self._drop()

            def _error(self, status: int, message: str) -> None:
                data = f"fault proxy: {message}\n".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _drop(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.close()

            def _relay(self, body: bytes | None) -> None:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                except OSError as error:
                    self._error(502, f"upstream unreachable: {error}")
                    return
                finally:
                    conn.close()
                self.send_response_only(resp.status, resp.reason)
                for key, value in resp.getheaders():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                length = resp.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length if length is not None else str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler


@contextlib.contextmanager
def fault_proxy(upstream_url: str, faults: Iterable[str] = (), stall_seconds: float = 30.0) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream_url, faults, stall_seconds).start()
    try:
        yield proxy
    finally:
        proxy.close()
