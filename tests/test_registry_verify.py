"""dehub.registry.verify: outcome states, digest mode, deduplication, concurrency, cache, budget."""

import json
import os
import threading
import time

import pytest
from registryfake import DOCKER_MANIFEST, FakeClock, FakeRegistry, digest_of

from dehub.registry import outcome as o
from dehub.registry.cache import AnswerCache
from dehub.registry.manifests import ACCEPT
from dehub.registry.verify import Request, VerifyOptions, run, verify


def options(tmp_path, **extra):
    extra.setdefault("rate", 0)  # the rate cap has its own tests; here it would only add waiting
    extra.setdefault("docker_config", str(tmp_path / "no-docker-config.json"))
    extra.setdefault("cache_dir", str(tmp_path / "cache"))
    return VerifyOptions(**extra)


@pytest.fixture
def fake():
    with FakeRegistry() as registry:
        yield registry


def test_outcome_api():
    answer = o.Outcome(o.SAME, "r:1", "sha256:a", "sha256:a", "fine")
    assert (answer.answered, answer.makes_safe) == (True, True)
    assert [o.Outcome(s, "r").answered for s in o.STATES] == [True] * 5 + [False] * 3
    assert [o.Outcome(s, "r").makes_safe for s in o.STATES] == [True, True] + [False] * 6
    assert o.Outcome.from_dict(answer.to_dict()) == answer
    with pytest.raises(ValueError):
        o.Outcome("fine", "r")
    with pytest.raises(ValueError):
        o.Outcome.from_dict({"state": o.EXISTS})


def test_exists_missing_and_not_cached(tmp_path, fake):
    digest = fake.put("library/node", "20")
    h = fake.host
    answers = verify(
        [
            Request(f"{h}/library/node:20"),
            Request(f"{h}/library/node:21"),
            Request(f"{h}/library/nope:1"),
            Request(f"{h}/library/nope:2", on_demand=True),
            Request(f"{h}/library/node@{digest}"),
            Request(f"{h}/library/node@sha256:{'0' * 64}"),
        ],
        options(tmp_path),
    )
    got = {ref: (a.state, a.digest, a.detail) for ref, a in answers.items()}
    assert got == {
        f"{h}/library/node:20": (o.EXISTS, digest, f"{h} has library/node:20"),
        f"{h}/library/node:21": (o.MISSING, None, f"{h} has no library/node:21 (HTTP 404)"),
        f"{h}/library/nope:1": (o.MISSING, None, f"{h} has no library/nope:1 (HTTP 404)"),
        f"{h}/library/nope:2": (
            o.NOT_CACHED,
            None,
            f"{h} has no library/nope:2 (HTTP 404): not cached yet; the pull-through cache fetches it on first pull",
        ),
        f"{h}/library/node@{digest}": (o.EXISTS, digest, f"{h} has library/node@{digest}"),
        f"{h}/library/node@sha256:{'0' * 64}": (
            o.MISSING,
            None,
            f"{h} has no library/node@sha256:{'0' * 64} (HTTP 404)",
        ),
    }


def test_head_sends_all_four_accept_types_and_nothing_else(tmp_path, fake):
    fake.put("library/node", "20")
    verify([Request(f"{fake.host}/library/node:20")], options(tmp_path))
    methods = [(m, p) for m, p, _ in fake.requests()]
    assert methods == [("HEAD", "/v2/library/node/manifests/20")]
    accept = fake.requests()[0][2]["Accept"].split(", ")
    assert sorted(accept) == sorted(
        [
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
        ]
    )
    assert ", ".join(accept) == ACCEPT


def test_missing_digest_header_falls_back_to_get_and_sha256(tmp_path, fake):
    body = b'{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
    fake.put("a/b", "1", body, DOCKER_MANIFEST)
    fake.send_digest = False
    answer = verify([Request(f"{fake.host}/a/b:1")], options(tmp_path))[f"{fake.host}/a/b:1"]
    assert (answer.state, answer.digest) == (o.EXISTS, digest_of(body))
    assert [m for m, _, _ in fake.requests()] == ["HEAD", "GET"]


def test_loopback_is_probed_over_https_once_per_run(tmp_path, fake):
    refs = [f"{fake.host}/a/b:{n}" for n in range(8)]
    answers = verify([Request(r) for r in refs], options(tmp_path, concurrency=4))
    assert {a.state for a in answers.values()} == {o.MISSING}
    assert (fake.tls_attempts, len(fake.requests("HEAD"))) == (1, 8)


def test_docker_hub_is_never_sent_a_get(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        mirror.put("library/node", "20", b"{}")
        hub.put("library/node", "20", b"{}")
        hub.send_digest = False
        ref = f"{mirror.host}/library/node:20"
        answer = verify([Request(ref, hub="node:20")], options(tmp_path, digest=True, hub_endpoint=hub.url))[ref]
        assert answer.state == o.EXISTS
        assert answer.detail.endswith("digest comparison incomplete (Docker Hub: a digest could not be read)")
        assert [m for m, _, _ in hub.requests()] == ["HEAD"]


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(key), str(cert)


def tls_server_context(certificate):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate[1], certificate[0])
    return context


def test_loopback_https_registry_is_asked_over_https(tmp_path, monkeypatch, certificate):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[1])
    with FakeRegistry(tls=tls_server_context(certificate)) as fake:
        digest = fake.put("a/b", "1")
        ref = f"{fake.host}/a/b:1"
        answer = verify([Request(ref), Request(f"{fake.host}/a/b:2")], options(tmp_path))
        assert (answer[ref].state, answer[ref].digest) == (o.EXISTS, digest)
        assert answer[f"{fake.host}/a/b:2"].state == o.MISSING
        assert len(fake.requests("HEAD")) == 2


def test_the_short_tls_probe_timeout_is_for_the_handshake_only(tmp_path, monkeypatch, certificate):
    # a loopback HTTPS registry (a pull-through cache asking upstream) may take longer to answer
    # than a handshake may take: the first request must wait for it with the read timeout
    from dehub.registry import transport

    monkeypatch.setattr(transport, "TLS_PROBE_TIMEOUT", 0.3)
    monkeypatch.setenv("SSL_CERT_FILE", certificate[1])
    with FakeRegistry(tls=tls_server_context(certificate)) as fake:
        fake.put("a/b", "1")
        fake.delay = 0.8
        ref = f"{fake.host}/a/b:1"
        answer = verify([Request(ref)], options(tmp_path, timeout=5.0, use_cache=False))[ref]
        assert answer.state == o.EXISTS
        assert len(fake.requests("HEAD")) == 1


def test_untrusted_certificate_is_unreachable_and_never_plain_http_elsewhere(tmp_path, monkeypatch, certificate):
    # loopback: TLS fails (the certificate is not trusted), plain HTTP is tried and fails too
    with FakeRegistry(tls=tls_server_context(certificate)) as fake:
        fake.put("a/b", "1")
        ref = f"{fake.host}/a/b:1"
        answer = verify([Request(ref)], options(tmp_path, retries=0))[ref]
        assert answer.state == o.UNREACHABLE
        assert answer.detail.startswith(f"{fake.host}/v2/a/b/manifests/1: TLS failed (CERTIFICATE_VERIFY_FAILED); ")
        assert "; over plain HTTP: " in answer.detail
        assert fake.requests() == []
    # any other host: HTTPS only, so a TLS failure is the answer
    from dehub.registry.endpoint import bases_for

    assert bases_for("registry.example:5000") == ("https://registry.example:5000",)
    assert bases_for("localhost:5000") == ("https://localhost:5000", "http://localhost:5000")
    assert bases_for("[::1]:5000") == ("https://[::1]:5000", "http://[::1]:5000")


def test_an_https_registry_redirecting_to_plain_http_elsewhere_is_not_followed(tmp_path, monkeypatch, certificate):
    # the plain-HTTP answer could come from anyone on the path: "exists" must not rest on it
    monkeypatch.setenv("SSL_CERT_FILE", certificate[1])
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FakeRegistry(tls=tls_server_context(certificate)) as fake, FakeRegistry() as plain:
        plain.put("a/b", "1")
        monkeypatch.setenv("HTTP_PROXY", plain.url)  # where a plain-HTTP request for registry.test goes
        fake.faults = [("status", 302, {"Location": "http://registry.test/v2/a/b/manifests/1"})] * 5
        ref = f"{fake.host}/a/b:1"
        answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
        assert plain.log == []
        assert (answer.state, answer.detail) == (
            o.UNREACHABLE,
            f"{fake.host}/v2/a/b/manifests/1: redirects to plain HTTP (registry.test/v2/a/b/manifests/1); not followed",
        )


def test_a_registry_without_head_is_asked_with_get(tmp_path, fake):
    body = b'{"schemaVersion": 2}'
    fake.put("a/b", "1", body)
    fake.allow_head = False
    fake.send_digest = False
    refs = [f"{fake.host}/a/b:1", f"{fake.host}/a/b:2"]
    answers = verify([Request(r) for r in refs], options(tmp_path, concurrency=1))
    assert [(answers[r].state, answers[r].digest) for r in refs] == [(o.EXISTS, digest_of(body)), (o.MISSING, None)]
    assert [m for m, _, _ in fake.requests()] == ["HEAD", "GET", "HEAD", "GET"]


def test_one_head_per_distinct_reference_and_variables_are_not_asked(tmp_path, fake):
    fake.put("library/node", "20")
    ref = f"{fake.host}/library/node:20"
    answers = verify(
        [Request(ref), Request(ref), Request(ref, on_demand=True), Request("${CI_PREFIX}/node:20")],
        options(tmp_path, use_cache=False),
    )
    assert list(answers) == [ref]
    assert len(fake.requests("HEAD")) == 1


def test_rate_limited_after_retries(tmp_path, fake):
    fake.put("a/b", "1")
    fake.faults = [("status", 429, {"Retry-After": "1"})] * 3
    clock = FakeClock()
    answer = run([Request(f"{fake.host}/a/b:1")], options(tmp_path, retries=2), clock)[f"{fake.host}/a/b:1"]
    assert (answer.state, answer.detail) == (
        o.RATE_LIMITED,
        f"{fake.host} answered 429 Too Many Requests after 3 attempts",
    )
    assert clock.sleeps == [1.0, 1.0]


def test_rate_limited_for_longer_than_the_run_says_how_long(tmp_path, fake):
    fake.faults = [("status", 429, {"Retry-After": "3600"})]
    clock = FakeClock()
    answer = run([Request(f"{fake.host}/a/b:1")], options(tmp_path), clock)[f"{fake.host}/a/b:1"]
    assert (answer.state, answer.detail) == (
        o.RATE_LIMITED,
        f"{fake.host} answered 429 Too Many Requests (it asks to wait 3600 s)",
    )
    assert clock.sleeps == []


def test_5xx_after_retries_is_unreachable_and_a_recovery_is_an_answer(tmp_path, fake):
    fake.put("a/b", "1")
    fake.faults = [("status", 503, {})] * 5
    ref = f"{fake.host}/a/b:1"
    answer = run([Request(ref)], options(tmp_path, retries=4), FakeClock())[ref]
    assert (answer.state, answer.detail) == (o.UNREACHABLE, f"{fake.host} answered HTTP 503 after 5 attempts")
    fake.faults = [("status", 500, {}), ("reset",)]
    assert run([Request(ref)], options(tmp_path, retries=4), FakeClock())[ref].state == o.EXISTS


def test_unreachable_host_and_invalid_reference(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answers = verify([Request(f"127.0.0.1:{port}/a/b:1"), Request("127.0.0.1:1/Bad Name:1")], options(tmp_path))
    assert answers[f"127.0.0.1:{port}/a/b:1"].state == o.UNREACHABLE
    assert answers[f"127.0.0.1:{port}/a/b:1"].detail == f"127.0.0.1:{port}/v2/a/b/manifests/1: connection refused"
    assert answers["127.0.0.1:1/Bad Name:1"].state == o.UNREACHABLE
    assert answers["127.0.0.1:1/Bad Name:1"].detail.startswith("not a reference dehub can ask about (")


def test_digest_mode_same_and_different(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        same = hub.put("library/node", "20", b'{"n": 20}')
        mirror.put("library/node", "20", b'{"n": 20}')
        hub_new = hub.put("library/node", "22", b'{"n": "22-new"}')
        mirror_old = mirror.put("library/node", "22", b'{"n": "22-old"}')
        m = mirror.host
        answers = verify(
            [
                Request(f"{m}/library/node:20", hub="node:20"),
                Request(f"{m}/library/node:22", hub="docker.io/library/node:22"),
                Request(f"{m}/library/node:22", hub="docker.io/library/node:22"),
            ],
            options(tmp_path, digest=True, hub_endpoint=hub.url),
        )
        assert (answers[f"{m}/library/node:20"].state, answers[f"{m}/library/node:20"].hub_digest) == (o.SAME, same)
        lagging = answers[f"{m}/library/node:22"]
        assert (lagging.state, lagging.digest, lagging.hub_digest) == (o.DIFFERENT, mirror_old, hub_new)
        assert lagging.detail == f"{m} has library/node:22, but its digest differs from Docker Hub's: the mirror lags"
        assert sorted((m_, p) for m_, p, _ in hub.requests()) == [
            ("HEAD", "/v2/library/node/manifests/20"),
            ("HEAD", "/v2/library/node/manifests/22"),
        ]


def test_duplicate_requests_merge_their_hub_and_on_demand(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        mirror.put("library/node", "20", b"{}")
        hub.put("library/node", "20", b"{}")
        ref, gone = f"{mirror.host}/library/node:20", f"{mirror.host}/library/node:21"
        answers = verify(
            [Request(ref), Request(ref, hub="node:20"), Request(gone), Request(gone, on_demand=True)],
            options(tmp_path, digest=True, hub_endpoint=hub.url),
        )
        assert (answers[ref].state, answers[gone].state) == (o.SAME, o.NOT_CACHED)
        assert len(mirror.requests()) == 2 and len(hub.requests()) == 1


def test_digest_mode_pin_is_checked_on_the_mirror_only(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        digest = mirror.put("library/node", "20")
        ref = f"{mirror.host}/library/node:20@{digest}"
        answer = verify([Request(ref, hub=f"node:20@{digest}")], options(tmp_path, digest=True, hub_endpoint=hub.url))[
            ref
        ]
        assert (answer.state, answer.digest) == (o.EXISTS, digest)
        assert hub.requests() == []
        assert [p for _, p, _ in mirror.requests()] == [f"/v2/library/node/manifests/{digest}"]


def test_digest_mode_hub_failure_leaves_the_mirror_answer_standing(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        digest = mirror.put("library/node", "20")
        hub.faults = [("status", 500, {})] * 10
        ref = f"{mirror.host}/library/node:20"
        answer = verify([Request(ref, hub="node:20")], options(tmp_path, digest=True, hub_endpoint=hub.url, retries=0))[
            ref
        ]
        assert (answer.state, answer.digest, answer.hub_digest) == (o.EXISTS, digest, None)
        assert answer.detail == (
            f"{mirror.host} has library/node:20; digest comparison incomplete "
            f"(Docker Hub: {hub.host} answered HTTP 500)"
        )
        # a tag missing on Docker Hub also leaves the comparison incomplete
        hub.faults = []
        answer = verify(
            [Request(ref, hub="node:20")], options(tmp_path, digest=True, hub_endpoint=hub.url, use_cache=False)
        )[ref]
        assert answer.state == o.EXISTS and "digest comparison incomplete" in answer.detail


def test_digest_mode_mirror_failure_wins(tmp_path):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        hub.put("library/node", "20")
        ref = f"{mirror.host}/library/node:20"
        answer = verify(
            [Request(ref, hub="node:20", on_demand=True)], options(tmp_path, digest=True, hub_endpoint=hub.url)
        )[ref]
        assert answer.state == o.NOT_CACHED


def test_hub_endpoint_from_the_environment(tmp_path, monkeypatch):
    with FakeRegistry() as mirror, FakeRegistry() as hub:
        mirror.put("library/node", "20", b"{}")
        hub.put("library/node", "20", b"{}")
        monkeypatch.setenv("DEHUB_HUB_ENDPOINT", hub.url)
        ref = f"{mirror.host}/library/node:20"
        assert verify([Request(ref, hub="node:20")], options(tmp_path, digest=True))[ref].state == o.SAME


def test_docker_hub_answers_are_cached_per_endpoint(tmp_path):
    with FakeRegistry() as first, FakeRegistry() as second:
        first.put("library/node", "20")
        ask = [Request("docker.io/library/node:20"), Request("node:20")]
        answers = verify(ask, options(tmp_path, hub_endpoint=first.url))
        assert {a.state for a in answers.values()} == {o.EXISTS}
        assert len(first.requests()) == 1  # one lookup for two spellings of one reference
        answers = verify(ask, options(tmp_path, hub_endpoint=second.url))
        assert {a.state for a in answers.values()} == {o.MISSING}
        assert [a.reference for a in answers.values()] == ["docker.io/library/node:20", "node:20"]


def test_concurrency_is_bounded(tmp_path, fake):
    for n in range(12):
        fake.put("a/b", str(n))
    fake.delay = 0.1
    refs = [f"{fake.host}/a/b:{n}" for n in range(12)]
    answers = verify([Request(r) for r in refs], options(tmp_path, concurrency=3, rate=0))
    assert {a.state for a in answers.values()} == {o.EXISTS}
    assert fake.max_in_flight == 3


def test_default_rate_cap_applies_per_host_across_the_run(tmp_path, fake):
    refs = [f"{fake.host}/a/b:{n}" for n in range(10)]
    clock = FakeClock()
    answers = run([Request(r) for r in refs], options(tmp_path, rate=5.0, concurrency=1), clock)
    assert {a.state for a in answers.values()} == {o.MISSING}
    # 11 requests (one HTTPS probe, ten HEADs): a burst of 5, then 5 a second
    assert sum(clock.sleeps) == pytest.approx(6 / 5.0)


def test_cache_answers_second_run_without_network(tmp_path, fake):
    digest = fake.put("a/b", "1")
    refs = [f"{fake.host}/a/b:1", f"{fake.host}/a/b:2"]
    first = verify([Request(r) for r in refs], options(tmp_path))
    before = len(fake.log)
    second = verify([Request(r) for r in refs], options(tmp_path))
    assert len(fake.log) == before
    assert (second[refs[0]].state, second[refs[0]].digest) == (o.EXISTS, digest)
    assert second[refs[0]].detail == f"{first[refs[0]].detail} (cached)"
    assert second[refs[1]].state == o.MISSING
    files = os.listdir(tmp_path / "cache" / "verify")
    assert sorted(files) == ["answers.json", "answers.json.lock"]  # no temporary file left behind


def test_cache_is_private_to_its_user(tmp_path, fake):
    """The answers name private registries and repositories: a 0700 folder, a 0600 file, whatever the umask."""
    fake.put("a/b", "1")
    old = os.umask(0o022)
    try:
        verify([Request(f"{fake.host}/a/b:1")], options(tmp_path))
    finally:
        os.umask(old)
    folder = tmp_path / "cache" / "verify"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "answers.json").stat().st_mode & 0o777 == 0o600
    assert (folder / "answers.json.lock").stat().st_mode & 0o077 == 0


def test_cache_ttls_for_hits_and_misses(tmp_path, fake):
    fake.put("a/b", "1")
    refs = [f"{fake.host}/a/b:1", f"{fake.host}/a/b:2"]
    now = [1_800_000_000.0]

    def ask():
        before = len(fake.log)
        run([Request(r) for r in refs], options(tmp_path), FakeClock(), wall=lambda: now[0])
        return sorted(p.rsplit("/", 1)[-1] for _, p, _ in fake.log[before:])

    start = now[0]
    assert ask() == ["1", "2"]
    now[0] = start + 3599
    assert ask() == []
    now[0] = start + 3601  # the miss is older than an hour, the hit is not: asked again
    assert ask() == ["2"]
    now[0] = start + 7200
    assert ask() == []
    now[0] = start + 86399
    assert ask() == ["2"]
    now[0] = start + 86401  # the hit is older than a day
    assert ask() == ["1"]


def test_only_answers_are_cached(tmp_path, fake):
    fake.faults = [("status", 503, {}), ("status", 429, {"Retry-After": "1"}), ("status", 403, {})]
    refs = [f"{fake.host}/a/b:{n}" for n in range(3)]
    first = run([Request(r) for r in refs], options(tmp_path, retries=0, concurrency=1), FakeClock())
    assert [first[r].state for r in refs] == [o.UNREACHABLE, o.RATE_LIMITED, o.AUTH_REQUIRED]
    assert not os.path.exists(tmp_path / "cache" / "verify" / "answers.json")
    second = run([Request(r) for r in refs], options(tmp_path, retries=0), FakeClock())
    assert {second[r].state for r in refs} == {o.MISSING}


def test_no_cache_neither_reads_nor_writes(tmp_path, fake):
    fake.put("a/b", "1")
    ref = f"{fake.host}/a/b:1"
    verify([Request(ref)], options(tmp_path))
    cache_file = tmp_path / "cache" / "verify" / "answers.json"
    stamp = cache_file.stat().st_mtime_ns
    before = len(fake.log)
    verify([Request(ref), Request(f"{fake.host}/a/b:2")], options(tmp_path, use_cache=False))
    assert len(fake.log) == before + 2
    assert cache_file.stat().st_mtime_ns == stamp
    verify([Request(ref)], options(tmp_path / "other", use_cache=False))
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[]",
        b'{"version": 1, "entries": []}',
        b'{"version": 1, "entries": {"k": 5, "j": {"at": "x"}}}',
        b'{"version": 1, "entries": {"k": {"at": 1, "outcome": {"state": "weird", "reference": "k"}}}}',
        b"\xff\xfe",
        b"[" * 100_000,  # nested past the interpreter's recursion limit
    ],
)
def test_corrupt_cache_is_ignored_and_replaced(tmp_path, fake, content):
    fake.put("a/b", "1")
    folder = tmp_path / "cache" / "verify"
    folder.mkdir(parents=True)
    (folder / "answers.json").write_bytes(content)
    ref = f"{fake.host}/a/b:1"
    assert verify([Request(ref)], options(tmp_path))[ref].state == o.EXISTS
    data = json.loads((folder / "answers.json").read_text())
    assert list(data["entries"]) == [ref]


def test_cache_ignores_entries_from_the_future_and_merges_writers(tmp_path):
    now = [1_000_000.0]
    first = AnswerCache(str(tmp_path), 100, 10, lambda: now[0])
    second = AnswerCache(str(tmp_path), 100, 10, lambda: now[0])
    first.put("a", o.Outcome(o.EXISTS, "a", "sha256:1"))
    second.get("zzz")  # loaded before the first writer saved
    first.save()
    second.put("b", o.Outcome(o.MISSING, "b"))
    second.put("c", o.Outcome(o.UNREACHABLE, "c"))
    second.save()
    third = AnswerCache(str(tmp_path), 100, 10, lambda: now[0])
    assert (third.get("a").digest, third.get("b").state, third.get("c")) == ("sha256:1", o.MISSING, None)
    now[0] -= 3600  # the clock went back: entries now "from the future" are not trusted
    assert AnswerCache(str(tmp_path), 100, 10, lambda: now[0]).get("a") is None


def test_unwritable_cache_is_not_fatal(tmp_path, fake):
    fake.put("a/b", "1")
    (tmp_path / "cache").write_text("a file where the folder would be")
    ref = f"{fake.host}/a/b:1"
    assert verify([Request(ref)], options(tmp_path))[ref].state == o.EXISTS


def test_the_budget_bounds_the_run(tmp_path, fake):
    for n in range(6):
        fake.put("a/b", str(n))
    fake.faults = [("stall", 10.0)] * 30
    refs = [f"{fake.host}/a/b:{n}" for n in range(6)]
    started = time.monotonic()
    answers = verify([Request(r) for r in refs], options(tmp_path, timeout=0.5, budget=1.5, concurrency=2))
    elapsed = time.monotonic() - started
    assert elapsed < 1.5 + 1.0
    assert {a.state for a in answers.values()} == {o.UNREACHABLE}
    assert any("time budget" in a.detail for a in answers.values())


def test_budget_already_spent_asks_nothing(tmp_path, fake):
    ref = f"{fake.host}/a/b:1"
    answer = verify([Request(ref)], options(tmp_path, budget=0))[ref]
    assert (answer.state, answer.detail) == (o.UNREACHABLE, "the time budget (0 s) ran out before asking")
    assert fake.log == []


def test_a_bug_costs_one_answer_not_the_run(tmp_path, fake, monkeypatch):
    from dehub.registry.manifests import Manifests

    fake.put("a/b", "1")
    original = Manifests.lookup

    def broken(self, reference, target):
        if reference.endswith(":2"):
            raise KeyError("oops")
        return original(self, reference, target)

    monkeypatch.setattr(Manifests, "lookup", broken)
    answers = verify([Request(f"{fake.host}/a/b:1"), Request(f"{fake.host}/a/b:2")], options(tmp_path))
    assert answers[f"{fake.host}/a/b:1"].state == o.EXISTS
    assert (answers[f"{fake.host}/a/b:2"].state, answers[f"{fake.host}/a/b:2"].detail) == (
        o.UNREACHABLE,
        "dehub failed while asking (KeyError)",
    )


def test_request_and_options_api():
    assert Request("r:1") == Request("r:1", None, False)
    assert repr(Request("r:1", hub="node:1", on_demand=True)) == "Request('r:1', hub='node:1', on_demand=True)"
    defaults = VerifyOptions()
    assert (
        defaults.digest,
        defaults.use_cache,
        defaults.cache_dir,
        defaults.concurrency,
        defaults.rate,
        defaults.timeout,
        defaults.retries,
        defaults.budget,
        defaults.docker_config,
        defaults.hub_endpoint,
        defaults.hit_ttl,
        defaults.miss_ttl,
    ) == (False, True, None, 4, 5.0, 10.0, 4, 120.0, None, None, 86400, 3600)


def test_locate(monkeypatch):
    from dehub.registry.endpoint import locate

    monkeypatch.delenv("DEHUB_HUB_ENDPOINT", raising=False)
    digest = "sha256:" + "a" * 64
    cases = {
        "public.ecr.aws/docker/library/node:20": (
            "public.ecr.aws",
            "docker/library/node",
            "20",
            ("https://public.ecr.aws",),
        ),
        "Mirror.GCR.io/library/node": ("mirror.gcr.io", "library/node", "latest", ("https://mirror.gcr.io",)),
        f"ghcr.io/o/a:1@{digest}": ("ghcr.io", "o/a", digest, ("https://ghcr.io",)),
        "node:20": ("docker.io", "library/node", "20", ("https://registry-1.docker.io",)),
        "localhost:5000/a:1": ("localhost:5000", "a", "1", ("https://localhost:5000", "http://localhost:5000")),
    }
    for reference, expected in cases.items():
        target = locate(reference)
        assert (target.host, target.repo, target.ref, target.bases) == expected, reference
    assert locate("node:20").is_hub and not locate("ghcr.io/o/a:1").is_hub
    hub = locate("docker.io/myorg/app:2", "http://127.0.0.1:5000/")
    assert (hub.host, hub.repo, hub.bases, hub.is_hub) == (
        "127.0.0.1:5000",
        "myorg/app",
        ("http://127.0.0.1:5000",),
        True,
    )
    monkeypatch.setenv("DEHUB_HUB_ENDPOINT", "127.0.0.1:6000")
    assert locate("node:20").bases == ("https://127.0.0.1:6000", "http://127.0.0.1:6000")
    with pytest.raises(ValueError):
        locate("bad name:1")


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        (
            ("status", 307, {"Location": "http://127.0.0.1:99999/v2/a/b/manifests/1"}),
            "{host}/v2/a/b/manifests/1: redirects to an address that is not a valid URL",
        ),
        (
            ("status", 307, {"Location": "http://[::1/v2/a/b/manifests/1"}),
            "{host}/v2/a/b/manifests/1: redirects to an address that is not a valid URL",
        ),
        (
            ("status", 401, {"WWW-Authenticate": 'Bearer realm="https://[::1/token"'}),
            "{host} names a token service address that is not a valid URL",
        ),
        (
            ("status", 401, {"WWW-Authenticate": 'Bearer realm="https://auth.test:http/token"'}),
            "{host} names a token service address that is not a valid URL",
        ),
    ],
)
def test_an_invalid_url_from_a_server_is_a_clear_answer_not_a_crash(tmp_path, fake, fault, detail):
    fake.faults = [fault] * 5
    ref = f"{fake.host}/a/b:1"
    answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
    assert answer.state == o.UNREACHABLE
    assert answer.detail.endswith(detail.format(host=fake.host))  # after the loopback's HTTPS probe


def test_concurrent_cache_writers_keep_each_others_answers(tmp_path, monkeypatch):
    # pre-commit runs several dehub processes at once: each merges into the file, none loses
    # what another wrote between its read and its write
    import dehub.atomic

    real = dehub.atomic.write_atomically
    first = threading.Event()

    def slow_first_write(path, data, expected, mode=None):
        if not first.is_set():
            first.set()
            time.sleep(0.5)  # the second writer reads and writes meanwhile, if it may
        real(path, data, expected, mode)

    monkeypatch.setattr(dehub.atomic, "write_atomically", slow_first_write)
    caches = [AnswerCache(str(tmp_path), 100, 10) for _ in range(2)]
    caches[0].put("a", o.Outcome(o.EXISTS, "a", "sha256:1"))
    caches[1].put("b", o.Outcome(o.MISSING, "b"))
    writer = threading.Thread(target=caches[0].save)
    writer.start()
    first.wait(2)
    caches[1].save()
    writer.join()
    after = AnswerCache(str(tmp_path), 100, 10)
    assert (after.get("a") is not None, after.get("b") is not None) == (True, True)


def test_a_web_page_answering_200_for_every_path_is_not_a_manifest(tmp_path, fake):
    # a captive portal, a login page or a registry's web UI at the wrong address: "exists" would
    # make an unsafe fix safe without any manifest behind it
    page = ("status", 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>Sign in</html>")
    fake.faults = [page] * 4
    ref = f"{fake.host}/a/b:1"
    answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
    assert (answer.state, answer.detail) == (
        o.UNREACHABLE,
        f"{fake.host} answered HTTP 200 with text/html, not a manifest",
    )
