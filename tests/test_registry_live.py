"""dehub.registry.verify against a real registry: Debian's docker-registry (distribution 2.8) on
loopback, started by the fixtures in tests/registryfixtures.py, with images pushed over its HTTP
API, anonymous, with htpasswd basic auth and with token auth, and behind a fault-injecting proxy.

What the unit tests (test_registry_*.py, against a scripted fake) cannot show: that the Accept
types, the challenge flow, the token request and the digest handling are the ones a real
distribution server understands, and that retries against real faults stay correct, bounded and
within the run's budget.
"""

import base64
import json
import os
import stat
import time

import pytest

from dehub.registry import outcome as o
from dehub.registry.transport import Clock
from dehub.registry.verify import Request, VerifyOptions, run, verify

KINDS = ("index", "manifest-list", "oci-manifest", "docker-manifest")


def options(tmp_path, **extra):
    extra.setdefault("docker_config", str(tmp_path / "docker" / "config.json"))
    extra.setdefault("cache_dir", str(tmp_path / "cache"))
    extra.setdefault("rate", 0)  # the rate cap is a unit test; here it would only add waiting
    return VerifyOptions(**extra)


def docker_config(tmp_path, data):
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps(data))


def auth_entry(user, password):
    return {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}


def states(answers):
    return {ref: answer.state for ref, answer in answers.items()}


# ---- manifest kinds, tags, repositories, digests


@pytest.mark.parametrize("kind", KINDS)
def test_each_manifest_kind_exists_with_its_top_level_digest(tmp_path, registry, kind):
    digest = registry.push("library/node", "20", kind=kind)
    ref = f"{registry.host}/library/node:20"
    answer = verify([Request(ref)], options(tmp_path))[ref]
    assert (answer.state, answer.digest) == (o.EXISTS, digest)
    assert answer.detail == f"{registry.host} has library/node:20"


def test_missing_tag_missing_repository_and_not_cached(tmp_path, registry):
    registry.push("library/node", "20", kind="index")
    h = registry.host
    answers = verify(
        [
            Request(f"{h}/library/node:21"),
            Request(f"{h}/library/nosuchimage:1"),
            Request(f"{h}/library/nosuchimage:2", on_demand=True),
        ],
        options(tmp_path),
    )
    assert states(answers) == {
        f"{h}/library/node:21": o.MISSING,
        f"{h}/library/nosuchimage:1": o.MISSING,
        f"{h}/library/nosuchimage:2": o.NOT_CACHED,
    }


def test_digest_references(tmp_path, registry):
    digest = registry.push("library/node", "20", kind="manifest-list")
    h = registry.host
    present, absent = f"{h}/library/node@{digest}", f"{h}/library/node@sha256:{'1' * 64}"
    pinned = f"{h}/library/node:20@{digest}"
    answers = verify([Request(present), Request(absent), Request(pinned)], options(tmp_path))
    assert states(answers) == {present: o.EXISTS, absent: o.MISSING, pinned: o.EXISTS}
    assert answers[pinned].digest == digest


def test_one_request_per_distinct_reference_and_a_cached_second_run(tmp_path, registry, fault_proxy):
    registry.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry.url)
    refs = [f"{proxy.host}/library/node:20", f"{proxy.host}/library/node:21"]
    first = verify([Request(r) for r in refs * 3], options(tmp_path))
    assert states(first) == {refs[0]: o.EXISTS, refs[1]: o.MISSING}
    assert sorted((r.method, r.path) for r in proxy.requests) == [
        ("HEAD", "/v2/library/node/manifests/20"),
        ("HEAD", "/v2/library/node/manifests/21"),
    ]
    second = verify([Request(r) for r in refs], options(tmp_path))
    assert states(second) == states(first) and len(proxy.requests) == 2
    third = verify([Request(r) for r in refs], options(tmp_path, use_cache=False))
    assert states(third) == states(first) and len(proxy.requests) == 4


# ---- authentication


def test_basic_auth_from_the_docker_config(tmp_path, registry_htpasswd):
    user, password = registry_htpasswd.credentials
    digest = registry_htpasswd.push("team/app", "1", kind="oci-manifest")
    ref = f"{registry_htpasswd.host}/team/app:1"
    anonymous = verify([Request(ref)], options(tmp_path))[ref]
    assert anonymous.state == o.AUTH_REQUIRED
    assert anonymous.detail == (f"{registry_htpasswd.host} requires a login (`docker login {registry_htpasswd.host}`)")
    docker_config(tmp_path, {"auths": {registry_htpasswd.host: auth_entry(user, password)}})
    answer = verify([Request(ref), Request(f"{registry_htpasswd.host}/team/app:2")], options(tmp_path))
    assert (answer[ref].state, answer[ref].digest) == (o.EXISTS, digest)
    assert answer[f"{registry_htpasswd.host}/team/app:2"].state == o.MISSING
    docker_config(tmp_path, {"auths": {registry_htpasswd.host: auth_entry(user, "not-the-password")}})
    refused = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
    assert (refused.state, refused.detail) == (
        o.AUTH_REQUIRED,
        f"{registry_htpasswd.host} refused access for user {user!r} (HTTP 401)",
    )
    assert password not in repr([anonymous, answer, refused]) and "not-the-password" not in repr(refused)


def test_basic_auth_from_a_credential_helper(tmp_path, monkeypatch, registry_htpasswd):
    user, password = registry_htpasswd.credentials
    registry_htpasswd.push("team/app", "1", kind="docker-manifest")
    folder = tmp_path / "bin"
    folder.mkdir()
    helper = folder / "docker-credential-livetest"
    helper.write_text(
        "#!/bin/sh\nread server\n"
        f'[ "$server" = "{registry_htpasswd.host}" ] || {{ echo "credentials not found"; exit 1; }}\n'
        f'printf \'{{"Username":"{user}","Secret":"{password}"}}\'\n'
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    docker_config(tmp_path, {"credHelpers": {registry_htpasswd.host: "livetest"}})
    ref = f"{registry_htpasswd.host}/team/app:1"
    assert verify([Request(ref)], options(tmp_path))[ref].state == o.EXISTS


def test_token_auth_anonymous_one_token_per_repository(tmp_path, registry_token):
    node = registry_token.push("library/node", "20", kind="index")
    registry_token.push("library/alpine", "3", kind="index")
    pushes = len(registry_token.token_server.requests)
    h = registry_token.host
    refs = [f"{h}/library/node:20", f"{h}/library/node:22", f"{h}/library/alpine:3", f"{h}/library/alpine:4"]
    answers = verify([Request(r) for r in refs], options(tmp_path))
    assert [answers[r].state for r in refs] == [o.EXISTS, o.MISSING, o.EXISTS, o.MISSING]
    assert answers[refs[0]].digest == node
    asked = registry_token.token_server.requests[pushes:]
    assert sorted(r.params["scope"][0] for r in asked) == [
        "repository:library/alpine:pull",
        "repository:library/node:pull",
    ]
    assert {r.user for r in asked} == {None}
    assert {r.status for r in asked} == {200}


def test_token_auth_with_credentials(tmp_path, make_registry):
    strict = make_registry(auth="token", require_credentials=True)
    user, password = strict.credentials
    strict.push("team/app", "1", kind="index")
    pushes = len(strict.token_server.requests)
    ref = f"{strict.host}/team/app:1"
    refused = verify([Request(ref)], options(tmp_path))[ref]
    assert refused.state == o.AUTH_REQUIRED
    assert refused.detail.startswith(f"the token service {strict.token_server.host}/token refused an anonymous token")
    docker_config(tmp_path, {"auths": {strict.host: auth_entry(user, password)}})
    answer = verify([Request(ref)], options(tmp_path))[ref]
    assert answer.state == o.EXISTS
    assert [r.user for r in strict.token_server.requests[pushes:]] == [None, user]
    docker_config(tmp_path, {"auths": {strict.host: auth_entry(user, "wrong-pw-1234")}})
    wrong = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
    assert (wrong.state, wrong.detail) == (
        o.AUTH_REQUIRED,
        f"the token service {strict.token_server.host}/token refused user {user!r} (HTTP 401)",
    )
    assert "wrong-pw-1234" not in repr(wrong) and password not in repr([refused, answer, wrong])


def test_private_repository_with_an_anonymous_token_is_auth_required(tmp_path, make_registry):
    private = make_registry(auth="token", anonymous_pull=False)
    private.push("team/app", "1", kind="index")
    ref = f"{private.host}/team/app:1"
    answer = verify([Request(ref)], options(tmp_path))[ref]
    assert (answer.state, answer.detail) == (
        o.AUTH_REQUIRED,
        (
            f"{private.host} refused access with an anonymous token (HTTP 401): no such repository, or a "
            f"private one (`docker login {private.host}` if it needs a login)"
        ),
    )
    docker_config(tmp_path, {"auths": {private.host: auth_entry(*private.credentials)}})
    assert verify([Request(ref)], options(tmp_path))[ref].state == o.EXISTS


# ---- --verify=digest


def test_digest_mode_same_and_different(tmp_path, make_registry):
    hub, mirror = make_registry(), make_registry()
    same = hub.push("library/node", "20", kind="index", seed="node-20")
    assert mirror.push("library/node", "20", kind="index", seed="node-20") == same
    mirror_old = mirror.push("library/node", "22", kind="manifest-list")
    hub_new = hub.push("library/node", "22", kind="manifest-list")
    pin = mirror.push("library/node", "23", kind="oci-manifest")
    m = mirror.host
    requests = [
        Request(f"{m}/library/node:20", hub="node:20"),
        Request(f"{m}/library/node:22", hub="node:22"),
        Request(f"{m}/library/node:23@{pin}", hub=f"node:23@{pin}"),
        Request(f"{m}/library/node:24", hub="node:24"),
    ]
    answers = verify(requests, options(tmp_path, digest=True, hub_endpoint=hub.url))
    assert states(answers) == {
        f"{m}/library/node:20": o.SAME,
        f"{m}/library/node:22": o.DIFFERENT,
        f"{m}/library/node:23@{pin}": o.EXISTS,
        f"{m}/library/node:24": o.MISSING,
    }
    lagging = answers[f"{m}/library/node:22"]
    assert (lagging.digest, lagging.hub_digest) == (mirror_old, hub_new)
    assert answers[f"{m}/library/node:20"].hub_digest == same


def test_digest_mode_with_docker_hub_failing(tmp_path, make_registry, fault_proxy):
    hub, mirror = make_registry(), make_registry()
    digest = mirror.push("library/node", "20", kind="index", seed="x")
    hub.push("library/node", "20", kind="index", seed="x")
    broken_hub = fault_proxy(hub.url, ["500"] * 10)
    ref = f"{mirror.host}/library/node:20"
    answer = verify(
        [Request(ref, hub="node:20")], options(tmp_path, digest=True, hub_endpoint=broken_hub.url, retries=1)
    )[ref]
    assert (answer.state, answer.digest, answer.hub_digest) == (o.EXISTS, digest, None)
    assert answer.detail.endswith(
        f"digest comparison incomplete (Docker Hub: {broken_hub.host} answered HTTP 500 after 2 attempts)"
    )
    assert len(broken_hub.requests) == 2


# ---- faults


def test_faults_then_the_right_answer_with_bounded_retries(tmp_path, registry, fault_proxy):
    digest = registry.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry.url, ["429:1", "500", "reset", "close", "503"])
    ref = f"{proxy.host}/library/node:20"
    started = time.monotonic()
    # real time and sleeps; the jitter fixed at a twentieth of each backoff step to keep this quick
    answer = run([Request(ref)], options(tmp_path, retries=5, timeout=2), Clock(), rng=lambda: 0.05)[ref]
    elapsed = time.monotonic() - started
    assert (answer.state, answer.digest) == (o.EXISTS, digest)
    assert [r.fault for r in proxy.requests] == ["429:1", "500", "reset", "close", "503", "pass"]
    assert elapsed >= 1.0  # Retry-After: 1 was honoured


def test_persistent_429_is_rate_limited_after_bounded_attempts(tmp_path, registry, fault_proxy):
    registry.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry.url, ["429:0"] * 10)
    ref = f"{proxy.host}/library/node:20"
    answer = verify([Request(ref)], options(tmp_path, retries=3))[ref]
    assert (answer.state, answer.detail) == (
        o.RATE_LIMITED,
        f"{proxy.host} answered 429 Too Many Requests after 4 attempts",
    )
    assert len(proxy.requests) == 4
    assert not os.path.exists(tmp_path / "cache" / "verify" / "answers.json")  # trouble is not cached


def test_persistent_5xx_is_unreachable_after_bounded_attempts(tmp_path, registry, fault_proxy):
    proxy = fault_proxy(registry.url, ["503"] * 10)
    ref = f"{proxy.host}/library/node:20"
    answer = verify([Request(ref)], options(tmp_path, retries=2))[ref]
    assert (answer.state, answer.detail) == (o.UNREACHABLE, f"{proxy.host} answered HTTP 503 after 3 attempts")
    assert len(proxy.requests) == 3


def test_a_stall_is_retried_after_the_read_timeout(tmp_path, registry, fault_proxy):
    digest = registry.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry.url, ["stall"], stall_seconds=30)
    ref = f"{proxy.host}/library/node:20"
    started = time.monotonic()
    answer = verify([Request(ref)], options(tmp_path, timeout=1.0))[ref]
    assert (answer.state, answer.digest) == (o.EXISTS, digest)
    assert 1.0 <= time.monotonic() - started < 6
    assert [r.fault for r in proxy.requests] == ["stall", "pass"]


def test_stalls_everywhere_end_within_the_budget(tmp_path, registry, fault_proxy):
    proxy = fault_proxy(registry.url, ["stall"] * 100, stall_seconds=60)
    refs = [f"{proxy.host}/library/app{n}:1" for n in range(8)]
    started = time.monotonic()
    answers = verify([Request(r) for r in refs], options(tmp_path, timeout=1.0, budget=3.0, concurrency=4))
    elapsed = time.monotonic() - started
    assert elapsed < 3.0 + 1.0
    assert set(states(answers).values()) == {o.UNREACHABLE}
    assert len(proxy.requests) <= 4 * 3 + 4  # each worker: at most one attempt per second of budget


def test_faults_on_some_references_leave_the_others_correct(tmp_path, registry, fault_proxy):
    for n in range(6):
        registry.push(f"library/app{n}", "1", kind="oci-manifest")
    faults = ["500@/v2/library/app1/", "reset@/v2/library/app2/", "429:1@/v2/library/app3/", "close@/v2/library/app4/"]
    proxy = fault_proxy(registry.url, faults + ["503@/v2/library/app5/"] * 10)
    refs = [f"{proxy.host}/library/app{n}:1" for n in range(6)] + [f"{proxy.host}/library/app0:2"]
    answers = verify([Request(r) for r in refs], options(tmp_path, retries=2, concurrency=4))
    assert [answers[r].state for r in refs] == [o.EXISTS] * 5 + [o.UNREACHABLE, o.MISSING]
    per_repo = {}
    for request in proxy.requests:
        repo = request.path.split("/manifests/")[0]
        per_repo[repo] = per_repo.get(repo, 0) + 1
    assert per_repo["/v2/library/app5"] == 3  # bounded: 1 + retries
    assert all(count <= 2 for repo, count in per_repo.items() if repo not in ("/v2/library/app5", "/v2/library/app0"))


def test_faults_before_and_after_the_token_challenge(tmp_path, registry_token, fault_proxy):
    """A fault before the 401 and one after the token: each retried, the token kept."""
    registry_token.push("library/node", "20", kind="index")
    proxy = fault_proxy(registry_token.url, ["500", "pass", "reset"])
    ref = f"{proxy.host}/library/node:20"
    answer = verify([Request(ref)], options(tmp_path))[ref]
    assert answer.state == o.EXISTS
    assert [r.fault for r in proxy.requests] == ["500", "pass", "reset", "pass"]
    assert [r.headers.get("Authorization", "").split(" ")[0] for r in proxy.requests] == ["", "", "Bearer", "Bearer"]
