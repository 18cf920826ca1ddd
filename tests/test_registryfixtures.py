"""The registry fixtures themselves, checked with plain http.client: a live test of the
`--verify` client is only as good as the registry, token server and proxy it runs against.

These also pin what distribution 2.8 answers, which the client is built on: with fewer than the
four manifest Accept types an OCI index is a 404 and a manifest list answers for its amd64
child; an unknown repository is MANIFEST_UNKNOWN on the manifests endpoint (NAME_UNKNOWN comes
from tags/list only).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import registryfixtures as rf


def head(url: str, headers: dict[str, str] | None = None, accept: str = rf.ACCEPT_ALL) -> rf.Response:
    return rf.http_request(url, "HEAD", {"Accept": accept, **(headers or {})})


def get(url: str, headers: dict[str, str] | None = None, accept: str = rf.ACCEPT_ALL) -> rf.Response:
    return rf.http_request(url, "GET", {"Accept": accept, **(headers or {})})


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def errors(resp: rf.Response) -> list[str]:
    body = resp.json()
    assert isinstance(body, dict)
    return [e["code"] for e in body["errors"]]


TOP_TYPES = {"index": rf.OCI_INDEX, "manifest-list": rf.DOCKER_LIST, "oci-manifest": rf.OCI_MANIFEST,
             "docker-manifest": rf.DOCKER_MANIFEST}


# --------------------------------------------------------------------------- anonymous registry

@pytest.mark.parametrize("kind", rf.KINDS)
def test_push_then_head_with_all_four_accept_types_gives_the_pushed_digest(registry, kind):
    digest = registry.push("library/node", "20", kind=kind)
    resp = head(f"{registry.url}/v2/library/node/manifests/20")
    assert resp.status == 200
    assert resp.header("Docker-Content-Digest") == digest
    assert resp.header("Content-Type") == TOP_TYPES[kind]
    body = get(f"{registry.url}/v2/library/node/manifests/20").body
    assert "sha256:" + hashlib.sha256(body).hexdigest() == digest
    assert json.loads(body)["mediaType"] == TOP_TYPES[kind]
    by_digest = head(f"{registry.url}/v2/library/node/manifests/{digest}")
    assert (by_digest.status, by_digest.header("Docker-Content-Digest")) == (200, digest)


def test_multi_platform_pushes_one_child_per_platform(registry):
    registry.push("myorg/app", "1", kind="index", platforms=("linux/amd64", "linux/arm64/v8", "linux/s390x"))
    manifests = get(f"{registry.url}/v2/myorg/app/manifests/1").json()["manifests"]
    assert [m["platform"] for m in manifests] == [
        {"architecture": "amd64", "os": "linux"},
        {"architecture": "arm64", "os": "linux", "variant": "v8"},
        {"architecture": "s390x", "os": "linux"},
    ]
    for child in manifests:
        resp = head(f"{registry.url}/v2/myorg/app/manifests/{child['digest']}")
        assert (resp.status, resp.header("Docker-Content-Digest")) == (200, child["digest"])


def test_pushing_a_tag_again_changes_its_digest(registry):
    first = registry.push("library/alpine", "3", kind="docker-manifest")
    second = registry.push("library/alpine", "3", kind="docker-manifest")
    assert first != second
    assert head(f"{registry.url}/v2/library/alpine/manifests/3").header("Docker-Content-Digest") == second


def test_a_seeded_push_gives_the_same_digest_in_another_registry(make_registry):
    hub, mirror = make_registry(), make_registry()
    for kind in rf.KINDS:
        pushed = hub.push("library/node", kind, kind=kind, seed="node-20")
        assert mirror.push("library/node", kind, kind=kind, seed="node-20") == pushed
        assert mirror.push("library/node", kind, kind=kind, seed="node-21") != pushed
    assert hub.push("library/node", "x", seed="node-20", platforms=("linux/amd64",)) != hub.push(
        "library/node", "y", seed="node-20")


def test_push_rejects_an_unknown_kind(registry):
    with pytest.raises(ValueError, match="kind"):
        registry.push("library/node", "1", kind="schema1")


def test_with_fewer_accept_types_registry_2_8_answers_wrongly(registry):
    """Why the client sends all four types: anything less turns an OCI index into a 404 (a false
    "missing") and a manifest list into its amd64 child's digest (a false "digest mismatch")."""
    index = registry.push("library/node", "index", kind="index")
    listed = registry.push("library/node", "list", kind="manifest-list")
    oci = registry.push("library/node", "oci", kind="oci-manifest")
    both_manifests = f"{rf.OCI_MANIFEST}, {rf.DOCKER_MANIFEST}"

    resp = head(f"{registry.url}/v2/library/node/manifests/index", accept=both_manifests)
    assert resp.status == 404
    resp = get(f"{registry.url}/v2/library/node/manifests/index", accept=f"{rf.DOCKER_LIST}, {rf.DOCKER_MANIFEST}")
    assert resp.status == 404
    assert errors(resp) == ["MANIFEST_UNKNOWN"]
    assert head(f"{registry.url}/v2/library/node/manifests/index", accept=rf.OCI_INDEX).header(
        "Docker-Content-Digest") == index

    children = get(f"{registry.url}/v2/library/node/manifests/list").json()["manifests"]
    amd64 = next(m["digest"] for m in children if m["platform"]["architecture"] == "amd64")
    for accept in (rf.DOCKER_MANIFEST, both_manifests):
        resp = head(f"{registry.url}/v2/library/node/manifests/list", accept=accept)
        assert resp.status == 200
        assert resp.header("Docker-Content-Digest") == amd64 != listed
        assert resp.header("Content-Type") == rf.DOCKER_MANIFEST

    resp = head(f"{registry.url}/v2/library/node/manifests/oci", accept=rf.DOCKER_MANIFEST)
    assert resp.status == 404
    assert head(f"{registry.url}/v2/library/node/manifests/oci", accept=both_manifests).header(
        "Docker-Content-Digest") == oci

    # No Accept at all: Docker manifests cannot be turned into schema 1 here, a 400.
    registry.push("library/node", "docker", kind="docker-manifest")
    for tag in ("list", "docker"):
        resp = rf.http_request(f"{registry.url}/v2/library/node/manifests/{tag}", "GET")
        assert resp.status == 400
        assert errors(resp) == ["MANIFEST_INVALID"]


def test_missing_tag_and_missing_repository_are_404s(registry):
    registry.push("library/node", "20", kind="index")
    for path in ("/v2/library/node/manifests/19", "/v2/library/nosuch/manifests/1",
                 "/v2/library/node/manifests/sha256:" + "0" * 64):
        resp = head(registry.url + path)
        assert (resp.status, resp.body) == (404, b"")
        assert resp.header("Docker-Content-Digest") is None
        # 2.8 says MANIFEST_UNKNOWN for an unknown repository too, on the manifests endpoint.
        assert errors(get(registry.url + path)) == ["MANIFEST_UNKNOWN"]
    resp = get(f"{registry.url}/v2/library/nosuch/tags/list")
    assert resp.status == 404
    assert errors(resp) == ["NAME_UNKNOWN"]
    assert get(f"{registry.url}/v2/library/node/tags/list").json() == {"name": "library/node", "tags": ["20"]}


def test_the_registry_logs_the_requests_it_served(registry):
    head(f"{registry.url}/v2/library/logged/manifests/1")
    assert "/v2/library/logged/manifests/1" in registry.log()
    assert registry.host.startswith("127.0.0.1:")
    assert registry.url == "http://" + registry.host
    assert registry.credentials is None


def test_a_missing_binary_skips_or_fails_as_the_environment_says(make_registry, monkeypatch, tmp_path):
    monkeypatch.setattr(rf, "registry_binary", lambda: None)
    monkeypatch.delenv("DEHUB_REQUIRE_REGISTRY", raising=False)
    with pytest.raises(pytest.skip.Exception, match="docker-registry is not installed"):
        make_registry()
    monkeypatch.setenv("DEHUB_REQUIRE_REGISTRY", "1")
    with pytest.raises(pytest.fail.Exception, match="DEHUB_REQUIRE_REGISTRY=1"):
        make_registry()
    with pytest.raises(rf.RegistryUnavailable), rf.registry_server(directory=tmp_path):
        pass


def test_registry_server_outside_pytest_cleans_up_after_itself():
    if rf.registry_binary() is None:
        pytest.skip("docker-registry is not installed")
    with rf.registry_server("htpasswd") as reg:
        digest = reg.push("library/node", "20", kind="docker-manifest")
        assert head(f"{reg.url}/v2/library/node/manifests/20", basic(*reg.credentials)).header(
            "Docker-Content-Digest") == digest
        root = reg.log_path.parent
        assert root.is_dir()
    assert not root.exists()
    with pytest.raises(OSError):
        rf.http_request(reg.url + "/v2/", timeout=2)


def test_ci_installs_the_registry_and_requires_its_tests():
    """.ci/run installs docker-registry with neovim (one apt-get install) and then exports
    DEHUB_REQUIRE_REGISTRY=1, so that CI fails rather than skips the registry tests."""
    from pathlib import Path

    script = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "missing+=(neovim)" in script and "missing+=(docker-registry)" in script
    assert script.count("apt-get install") == 1 and script.count("apt-get update") == 1
    install = script.index("apt-get install")
    assert install < script.index("export DEHUB_REQUIRE_REGISTRY=1") < script.index("bash -c \"${steps[1]}\"")


# --------------------------------------------------------------------------- htpasswd

def test_htpasswd_registry_asks_for_basic_credentials(registry_htpasswd):
    reg = registry_htpasswd
    assert reg.credentials == ("alice", "secret")
    digest = reg.push("library/node", "20", kind="manifest-list")
    url = f"{reg.url}/v2/library/node/manifests/20"
    for headers in ({}, basic("alice", "wrong"), basic("mallory", "secret")):
        resp = head(url, headers)
        assert resp.status == 401
        assert resp.header("WWW-Authenticate") == 'Basic realm="dehub-test-basic"'
    resp = head(url, basic(*reg.credentials))
    assert (resp.status, resp.header("Docker-Content-Digest")) == (200, digest)
    assert rf.http_request(reg.url + "/v2/", headers=basic(*reg.credentials)).status == 200


def test_htpasswd_registry_with_several_users(make_registry):
    reg = make_registry(auth="htpasswd", users={"bob": "pw1", "carol": "pw2"})
    assert reg.credentials == ("bob", "pw1")
    reg.push("library/redis", "7", kind="oci-manifest")
    assert head(f"{reg.url}/v2/library/redis/manifests/7", basic("carol", "pw2")).status == 200


# --------------------------------------------------------------------------- token auth

def challenge(resp: rf.Response) -> dict[str, str]:
    scheme, params = rf.parse_challenge(resp.header("WWW-Authenticate") or "")
    assert scheme == "bearer"
    return params


def fetch_token(params: dict[str, str], headers: dict[str, str] | None = None) -> rf.Response:
    query = urllib.parse.urlencode({k: params[k] for k in ("service", "scope") if k in params})
    return rf.http_request(params["realm"] + "?" + query, headers=headers)


def test_token_registry_challenge_then_anonymous_pull_token(registry_token):
    reg = registry_token
    digest = reg.push("library/node", "20", kind="index")
    url = f"{reg.url}/v2/library/node/manifests/20"
    resp = head(url)
    assert resp.status == 401
    assert challenge(resp) == {"realm": reg.token_server.url, "service": rf.SERVICE,
                               "scope": "repository:library/node:pull"}
    base = challenge(rf.http_request(reg.url + "/v2/"))
    assert base == {"realm": reg.token_server.url, "service": rf.SERVICE}

    answer = fetch_token(challenge(resp))
    assert answer.status == 200
    body = answer.json()
    assert body["token"] == body["access_token"]
    assert body["expires_in"] == 300
    claims = json.loads(base64.urlsafe_b64decode(body["token"].split(".")[1] + "=="))
    assert claims["access"] == [{"type": "repository", "name": "library/node", "actions": ["pull"]}]
    assert claims["aud"] == rf.SERVICE

    resp = head(url, {"Authorization": "Bearer " + body["token"]})
    assert (resp.status, resp.header("Docker-Content-Digest")) == (200, digest)
    last = reg.token_server.requests[-1]
    assert (last.method, last.path, last.user, last.status) == ("GET", "/token", None, 200)
    assert last.params["scope"] == ["repository:library/node:pull"]

    # A pull token does not push, and a token for one repository does not read another.
    upload = rf.http_request(f"{reg.url}/v2/library/node/blobs/uploads/", "POST",
                             {"Authorization": "Bearer " + body["token"]}, b"")
    assert upload.status == 401
    assert 'error="insufficient_scope"' in (upload.header("WWW-Authenticate") or "")
    assert head(f"{reg.url}/v2/library/other/manifests/20", {"Authorization": "Bearer " + body["token"]}).status == 401
    assert head(url, {"Authorization": "Bearer " + body["token"][:-4] + "AAAA"}).status == 401


def test_token_server_checks_credentials_and_grants_push_to_users(registry_token):
    reg = registry_token
    params = {"realm": reg.token_server.url, "service": rf.SERVICE, "scope": "repository:myorg/app:pull,push"}
    refused = fetch_token(params, basic("alice", "wrong"))
    assert refused.status == 401
    assert refused.header("WWW-Authenticate", ) == 'Basic realm="dehub-test-token"'
    granted = fetch_token(params, basic("alice", "secret"))
    claims = json.loads(base64.urlsafe_b64decode(granted.json()["token"].split(".")[1] + "=="))
    assert claims["access"][0]["actions"] == ["pull", "push"]
    assert claims["sub"] == "alice"
    assert [(r.user, r.status) for r in reg.token_server.requests] == [("alice", 401), ("alice", 200)]
    # The OAuth2 form (POST, grant_type=password) works too; no refresh token is handed out.
    form = urllib.parse.urlencode({"grant_type": "password", "username": "alice", "password": "secret",
                                   "service": rf.SERVICE, "scope": "repository:myorg/app:pull"}).encode()
    posted = rf.http_request(reg.token_server.url, "POST",
                             {"Content-Type": "application/x-www-form-urlencoded"}, form)
    assert posted.status == 200
    assert "refresh_token" not in posted.json()
    reg.push("myorg/app", "1", kind="docker-manifest")
    assert any(r.user == "alice" and "push" in r.params["scope"][0] for r in reg.token_server.requests)


def test_token_server_that_requires_credentials(make_registry):
    reg = make_registry(auth="token", require_credentials=True)
    digest = reg.push("library/node", "20", kind="oci-manifest")
    params = challenge(head(f"{reg.url}/v2/library/node/manifests/20"))
    assert fetch_token(params).status == 401
    token = fetch_token(params, basic(*reg.credentials)).json()["token"]
    resp = head(f"{reg.url}/v2/library/node/manifests/20", {"Authorization": "Bearer " + token})
    assert (resp.status, resp.header("Docker-Content-Digest")) == (200, digest)


def test_token_server_without_anonymous_pull_grants_nothing(make_registry):
    reg = make_registry(auth="token", anonymous_pull=False)
    reg.push("library/node", "20", kind="index")
    params = challenge(head(f"{reg.url}/v2/library/node/manifests/20"))
    token = fetch_token(params).json()["token"]
    resp = head(f"{reg.url}/v2/library/node/manifests/20", {"Authorization": "Bearer " + token})
    assert resp.status == 401
    assert 'error="insufficient_scope"' in (resp.header("WWW-Authenticate") or "")


# --------------------------------------------------------------------------- fault proxy

def test_fault_proxy_injects_each_fault_then_passes_through(registry, fault_proxy):
    digest = registry.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry.url, ["429:2", "429:", "429", "500", "503", "pass"])
    url = f"{proxy.url}/v2/library/node/manifests/20"
    statuses = []
    for _ in range(6):
        resp = head(url)
        statuses.append((resp.status, resp.header("Retry-After")))
    assert statuses == [(429, "2"), (429, None), (429, "1"), (500, None), (503, None), (200, None)]
    resp = get(url)  # past the list: pass
    assert resp.status == 200
    assert resp.header("Docker-Content-Digest") == digest
    assert "sha256:" + hashlib.sha256(resp.body).hexdigest() == digest
    assert errors(get(f"{proxy.url}/v2/library/node/manifests/19")) == ["MANIFEST_UNKNOWN"]
    assert [r.fault for r in proxy.requests] == ["429:2", "429:", "429", "500", "503", "pass", "pass", "pass"]
    assert [r.method for r in proxy.requests] == ["HEAD"] * 6 + ["GET", "GET"]
    assert proxy.requests[0].path == "/v2/library/node/manifests/20"
    times = [r.time for r in proxy.requests]
    assert times == sorted(times)
    assert proxy.requests[0].headers["Accept"] == rf.ACCEPT_ALL


def test_fault_proxy_keeps_the_connection_open_after_an_error_status(registry, fault_proxy):
    registry.push("library/node", "20", kind="docker-manifest")
    proxy = fault_proxy(registry.url, ["429", "503"])
    conn = http.client.HTTPConnection(*proxy.host.split(":"), timeout=5)
    try:
        answers = []
        for method in ("GET", "HEAD", "GET"):
            conn.request(method, "/v2/library/node/manifests/20", headers={"Accept": rf.ACCEPT_ALL})
            resp = conn.getresponse()
            resp.read()
            answers.append(resp.status)
    finally:
        conn.close()
    assert answers == [429, 503, 200]


def test_fault_proxy_reset_close_and_stall(registry, fault_proxy):
    proxy = fault_proxy(registry.url, ["reset", "close", "stall:0.3", "stall", "delay:0.3"], stall_seconds=5)
    target = proxy.host.split(":")

    def ask(timeout: float) -> BaseException | int:
        conn = http.client.HTTPConnection(*target, timeout=timeout)
        try:
            conn.request("HEAD", "/v2/", headers={"Accept": rf.ACCEPT_ALL})
            return conn.getresponse().status
        except (OSError, http.client.HTTPException) as error:
            return error
        finally:
            conn.close()

    assert isinstance(ask(5), ConnectionResetError)
    assert isinstance(ask(5), http.client.RemoteDisconnected)
    start = time.monotonic()
    assert isinstance(ask(5), http.client.RemoteDisconnected)  # held 0.3 s, then closed
    assert 0.25 <= time.monotonic() - start < 4
    start = time.monotonic()
    assert isinstance(ask(0.5), socket.timeout)  # held longer than the client waits
    assert time.monotonic() - start < 4
    start = time.monotonic()
    assert ask(5) == 200  # delayed 0.3 s, then passed
    assert 0.25 <= time.monotonic() - start < 4
    assert ask(5) == 200
    assert [r.fault for r in proxy.requests] == ["reset", "close", "stall:0.3", "stall", "delay:0.3", "pass"]


def test_fault_proxy_passes_credentials_and_leaves_the_token_realm_alone(registry_token, fault_proxy):
    reg = registry_token
    digest = reg.push("library/node", "20", kind="manifest-list")
    proxy = fault_proxy(reg.url)
    proxy.faults.append("503")  # appended while it runs
    url = f"{proxy.url}/v2/library/node/manifests/20"
    assert head(url).status == 503
    params = challenge(head(url))
    assert params["realm"] == reg.token_server.url
    token = fetch_token(params).json()["token"]
    resp = head(url, {"Authorization": "Bearer " + token})
    assert (resp.status, resp.header("Docker-Content-Digest")) == (200, digest)
    assert proxy.requests[-1].headers["Authorization"] == "Bearer " + token


def test_fault_proxy_relays_uploads_and_reports_an_unreachable_upstream(registry, fault_proxy):
    proxy = fault_proxy(registry.url)
    started = rf.http_request(f"{proxy.url}/v2/myorg/blob/blobs/uploads/", "POST", body=b"")
    assert started.status == 202
    # The registry builds its Location from the Host it was sent: the upload stays on the proxy.
    assert (started.header("Location") or "").startswith(f"http://{proxy.host}/")
    data = b"some bytes"
    digest = rf.sha256_digest(data)
    done = rf.http_request(started.header("Location") + "&digest=" + urllib.parse.quote(digest), "PUT",
                           {"Content-Type": "application/octet-stream"}, data)
    assert (done.status, done.header("Docker-Content-Digest")) == (201, digest)
    assert rf.http_request(f"{registry.url}/v2/myorg/blob/blobs/{digest}").body == data

    dead = fault_proxy("http://127.0.0.1:%d" % rf.free_port())
    assert rf.http_request(dead.url + "/v2/").status == 502
    with pytest.raises(ValueError, match="unknown fault"):
        fault_proxy(registry.url, ["teapot"])
    with pytest.raises(ValueError, match="needs seconds"):
        fault_proxy(registry.url, ["delay"])


def test_an_https_attempt_on_the_plain_ports_fails_at_once(registry, fault_proxy):
    """The client tries TLS first on loopback: both the registry and the proxy must refuse the
    handshake quickly (not hang until a timeout), and the refused attempt uses up no fault."""
    proxy = fault_proxy(registry.url, ["503"])
    for host in (registry.host, proxy.host):
        start = time.monotonic()
        with pytest.raises(urllib.error.URLError) as caught:
            urllib.request.urlopen(f"https://{host}/v2/", timeout=5)
        assert isinstance(caught.value.reason, ssl.SSLError)
        assert time.monotonic() - start < 2
    assert proxy.requests == []
    assert head(proxy.url + "/v2/").status == 503


def test_fault_proxy_faults_for_one_path(registry, fault_proxy):
    registry.push("library/node", "20", kind="index")
    registry.push("library/redis", "7", kind="index")
    proxy = fault_proxy(registry.url, ["503@/v2/library/redis/", "429:1@/v2/library/redis/manifests/7", "500"])
    node, redis = f"{proxy.url}/v2/library/node/manifests/20", f"{proxy.url}/v2/library/redis/manifests/7"
    assert [head(node).status, head(node).status, head(redis).status, head(redis).status, head(redis).status] == [
        500, 200, 503, 429, 200]
    assert [r.fault for r in proxy.requests] == [
        "500", "pass", "503@/v2/library/redis/", "429:1@/v2/library/redis/manifests/7", "pass"]
    proxy.faults.append("teapot")
    resp = get(node)
    assert resp.status == 599
    assert b"unknown fault" in resp.body
    with pytest.raises(ValueError, match="starts with /"):
        fault_proxy(registry.url, ["500@v2"])
