"""dehub.registry.transport: retries, backoff, Retry-After, rate cap, budget, body bound, proxies."""

import email.utils
import socket
import threading
import time

import pytest
from registryfake import FakeClock, FakeRegistry

from dehub.registry import transport as t


def make(clock=None, budget=120.0, retries=4, rate=0.0, timeout=5.0, rng=lambda: 1.0, wall=time.time):
    clock = clock or FakeClock()
    return t.Transport(
        timeout=timeout,
        retries=retries,
        budget=t.Budget(budget, clock),
        limiter=t.RateLimiter(rate, clock),
        rng=rng,
        wall=wall,
    )


@pytest.fixture
def fake():
    with FakeRegistry() as registry:
        registry.put("library/node", "20")
        yield registry


def url(fake, ref="20"):
    return f"{fake.url}/v2/library/node/manifests/{ref}"


def test_plain_answer_is_returned_once(fake):
    transport = make()
    response = transport.request("HEAD", url(fake))
    assert (response.status, response.attempts, transport.sent) == (200, 1, 1)
    assert response.header("Docker-Content-Digest").startswith("sha256:")


def test_5xx_is_retried_with_exponential_full_jitter_backoff(fake):
    fake.faults = [("status", 500, {}), ("status", 502, {}), ("status", 503, {}), ("status", 504, {})]
    clock = FakeClock()
    transport = make(clock, rng=lambda: 0.5)
    response = transport.request("HEAD", url(fake))
    assert (response.status, response.attempts) == (200, 5)
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0]  # rng() * base * 2**attempt


def test_backoff_is_uniform_up_to_a_capped_exponential():
    assert t.backoff(0, lambda: 1.0) == t.BACKOFF_BASE
    assert t.backoff(3, lambda: 1.0) == t.BACKOFF_BASE * 8
    assert t.backoff(30, lambda: 1.0) == t.BACKOFF_CAP
    assert t.backoff(5, lambda: 0.0) == 0.0


def test_attempts_are_bounded_and_the_last_answer_stands(fake):
    fake.faults = [("status", 500, {})] * 10
    clock = FakeClock()
    transport = make(clock, retries=2)
    response = transport.request("HEAD", url(fake))
    assert (response.status, response.attempts, len(fake.requests())) == (500, 3, 3)
    assert len(clock.sleeps) == 2


def test_4xx_other_than_429_is_not_retried(fake):
    fake.faults = [("status", 400, {})]
    response = make().request("HEAD", url(fake))
    assert (response.status, response.attempts) == (400, 1)


def test_retry_after_seconds_is_honoured(fake):
    fake.faults = [("status", 429, {"Retry-After": "7"})]
    clock = FakeClock()
    response = make(clock).request("HEAD", url(fake))
    assert (response.status, response.attempts) == (200, 2)
    assert clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(fake):
    wall = 1_800_000_000.0
    fake.faults = [("status", 503, {"Retry-After": email.utils.formatdate(wall + 12, usegmt=True)})]
    clock = FakeClock()
    response = make(clock, wall=lambda: wall).request("HEAD", url(fake))
    assert response.status == 200
    assert clock.sleeps == [12.0]


def test_retry_after_beyond_the_cap_gives_up_at_once(fake):
    fake.faults = [("status", 429, {"Retry-After": "3600"})]
    clock = FakeClock()
    response = make(clock).request("HEAD", url(fake))
    assert (response.status, response.attempts, clock.sleeps) == (429, 1, [])


def test_parse_retry_after():
    now = 1_800_000_000.0
    assert t.parse_retry_after("0", now) == 0.0
    assert t.parse_retry_after(" 5 ", now) == 5.0
    assert t.parse_retry_after(email.utils.formatdate(now - 50, usegmt=True), now) == 0.0
    assert t.parse_retry_after("soon", now) is None
    assert t.parse_retry_after("-3", now) is None
    assert t.parse_retry_after(None, now) is None
    for garbage in ("\u00b2", "1\u00b9", "\u0663", "1e3", "5.5"):  # str.isdigit() says yes to the first three
        assert t.parse_retry_after(garbage, now) is None


def test_a_garbage_retry_after_is_ignored_and_the_request_retried(fake):
    fake.faults = [("status", 429, {"Retry-After": "\u00b2"})]  # the byte 0xb2, read back as latin-1
    clock = FakeClock()
    response = make(clock, rng=lambda: 0.5).request("HEAD", url(fake))
    assert (response.status, response.attempts, clock.sleeps) == (200, 2, [0.25])


def test_no_sleep_passes_the_budget(fake):
    fake.faults = [("status", 429, {"Retry-After": "30"})] * 5
    clock = FakeClock()
    transport = make(clock, budget=70.0)
    response = transport.request("HEAD", url(fake))
    assert response.status == 429
    assert clock.sleeps == [30.0, 30.0]  # a third wait would end after the budget
    assert sum(clock.sleeps) <= 70.0


def test_reset_is_retried(fake):
    fake.faults = [("reset",), ("reset",)]
    response = make().request("HEAD", url(fake))
    assert (response.status, response.attempts) == (200, 3)


def test_resets_until_the_end_raise_a_reset_error(fake):
    fake.faults = [("reset",)] * 3
    with pytest.raises(t.TransportError) as caught:
        make(retries=2).request("HEAD", url(fake))
    assert (caught.value.kind, caught.value.attempts) == ("reset", 3)


def test_a_stall_is_a_timeout_then_retried(fake):
    fake.faults = [("stall", 5.0)]
    started = time.monotonic()
    response = make(timeout=0.3).request("HEAD", url(fake))
    assert (response.status, response.attempts) == (200, 2)
    assert time.monotonic() - started < 3


def test_socket_timeouts_are_cut_to_the_remaining_budget(fake):
    fake.faults = [("stall", 5.0)] * 3
    started = time.monotonic()
    with pytest.raises(t.TransportError) as caught:
        make(clock=t.Clock(), timeout=10.0, budget=0.5).request("HEAD", url(fake))
    assert caught.value.kind in ("timeout", "budget")
    assert time.monotonic() - started < 2.0


def test_a_trickling_body_is_cut_off(fake):
    fake.faults = [("trickle", 0.1)]
    started = time.monotonic()
    with pytest.raises(t.TransportError) as caught:
        make(clock=t.Clock(), timeout=0.3, retries=0).request("GET", url(fake))
    assert caught.value.kind == "timeout"
    assert str(caught.value).endswith("the answer took too long to arrive")
    assert time.monotonic() - started < 2.0  # 3 x the read timeout, not 1000 x 0.1 s


def test_refused_connection_is_not_retried():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    with pytest.raises(t.TransportError) as caught:
        make(clock).request("HEAD", f"http://127.0.0.1:{port}/v2/")
    assert (caught.value.kind, caught.value.attempts, clock.sleeps) == ("connect", 1, [])
    assert str(caught.value) == f"127.0.0.1:{port}/v2/: connection refused"


def test_body_over_the_bound_is_refused_declared_or_not(fake):
    for declare in (True, False):
        fake.faults = [("body", 300_000, declare)]
        with pytest.raises(t.TransportError) as caught:
            make().request("GET", url(fake), max_body=100_000)
        assert caught.value.kind == "too-large"


def test_body_within_the_bound_is_read_whole(fake):
    fake.faults = [("body", 99_999, False)]
    response = make().request("GET", url(fake), max_body=100_000)
    assert len(response.body) == 99_999


def test_rate_cap_spaces_requests_per_host():
    clock = FakeClock()
    limiter = t.RateLimiter(5.0, clock)
    budget = t.Budget(1000.0, clock)
    for _ in range(15):
        limiter.acquire("a:443", budget)
    # a burst of 5, then one every 0.2 s
    assert clock.time - 1000.0 == pytest.approx(2.0)
    limiter.acquire("b:443", budget)  # another host has its own bucket
    assert clock.time - 1000.0 == pytest.approx(2.0)


def test_rate_cap_holds_across_threads():
    clock = FakeClock()
    limiter = t.RateLimiter(2.0, clock)
    budget = t.Budget(1000.0, clock)
    threads = [threading.Thread(target=limiter.acquire, args=("h:1", budget)) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(clock.sleeps) >= (10 - 2) / 2.0 - 1e-9


def test_rate_cap_never_waits_past_the_budget():
    clock = FakeClock()
    limiter = t.RateLimiter(1.0, clock)
    budget = t.Budget(2.5, clock)
    limiter.acquire("h:1", budget)
    limiter.acquire("h:1", budget)
    limiter.acquire("h:1", budget)
    with pytest.raises(t.TransportError) as caught:
        limiter.acquire("h:1", budget)
    assert caught.value.kind == "budget"
    assert clock.time - 1000.0 <= 2.5


def test_transport_applies_the_rate_cap(fake):
    clock = FakeClock()
    transport = make(clock, rate=2.0)
    for _ in range(6):
        transport.request("HEAD", url(fake))
    assert sum(clock.sleeps) == pytest.approx(2.0)


def test_redirect_drops_authorization_for_another_origin():
    with FakeRegistry() as target, FakeRegistry() as origin:
        target.put("library/node", "20")
        other = target.url.replace("127.0.0.1", "localhost")
        origin.faults = [("status", 307, {"Location": f"{other}/v2/library/node/manifests/20"})]
        response = make().request("HEAD", f"{origin.url}/v2/library/node/manifests/20", {"Authorization": "Bearer x1"})
        assert response.status == 200
        assert origin.requests()[0][2].get("Authorization") == "Bearer x1"
        assert "Authorization" not in target.requests()[0][2]


def test_loopback_tls_failure_is_a_tls_error(fake):
    with pytest.raises(t.TransportError) as caught:
        make().request("HEAD", "https://" + fake.host + "/v2/", probe=True)
    assert caught.value.kind == "tls"


def test_describe_drops_user_info_and_query():
    assert t.describe("https://u:pw@h.example:444/token?x=secret") == "h.example:444/token"


def test_is_loopback():
    assert t.is_loopback("127.0.0.1") and t.is_loopback("127.9.9.9") and t.is_loopback("::1")
    assert t.is_loopback("[::1]") and t.is_loopback("localhost") and t.is_loopback("LOCALHOST")
    assert not t.is_loopback("10.0.0.1") and not t.is_loopback("public.ecr.aws")


def test_proxy_from_environment_with_no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", ".internal.corp, registry.local:5000")
    assert t.proxy_for("https", "public.ecr.aws", 443) == "http://proxy.corp:3128"
    assert t.proxy_for("https", "harbor.internal.corp", 443) is None
    assert t.proxy_for("https", "registry.local", 5000) is None
    assert t.proxy_for("https", "registry.local", 443) == "http://proxy.corp:3128"
    assert t.proxy_for("https", "127.0.0.1", 5000) is None
    assert t.proxy_for("http", "public.ecr.aws", 80) is None  # no HTTP_PROXY
    monkeypatch.setenv("NO_PROXY", "*")
    assert t.proxy_for("https", "public.ecr.aws", 443) is None


def test_plain_http_goes_through_the_proxy_with_its_credentials(monkeypatch, fake):
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://puser:ppass@{fake.host}")
    response = make().request("HEAD", "http://registry.test/v2/library/node/manifests/20")
    _, path, headers = fake.log[-1]
    assert path == "http://registry.test:80/v2/library/node/manifests/20"
    assert headers["Proxy-Authorization"] == "Basic cHVzZXI6cHBhc3M="
    assert response.status == 200


def test_proxy_credentials_stay_with_the_proxy_across_redirects(monkeypatch):
    # a plain-HTTP hop through the proxy, then a redirect to a host reached directly
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FakeRegistry() as origin, FakeRegistry() as proxy, FakeRegistry() as direct:
        direct.put("library/node", "20")
        monkeypatch.setenv("HTTP_PROXY", f"http://puser:ppass@{proxy.host}")
        origin.faults = [("status", 302, {"Location": "http://registry.test/v2/library/node/manifests/20"})]
        proxy.faults = [("status", 302, {"Location": f"{direct.url}/v2/library/node/manifests/20"})]
        response = make().request("HEAD", f"{origin.url}/v2/library/node/manifests/20")
        assert response.status == 200
        assert proxy.log[0][2]["Proxy-Authorization"] == "Basic cHVzZXI6cHBhc3M="
        assert [headers.get("Proxy-Authorization") for _, _, headers in direct.log] == [None]


def test_https_goes_through_the_proxy_with_connect(monkeypatch):
    seen = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def proxy():
        connection, _ = listener.accept()
        seen.append(connection.recv(4096))
        connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        connection.close()

    thread = threading.Thread(target=proxy, daemon=True)
    thread.start()
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:%d" % listener.getsockname()[1])
    with pytest.raises(t.TransportError) as caught:
        make(retries=0).request("HEAD", "https://registry.test/v2/")
    thread.join(5)
    listener.close()
    assert seen[0].startswith(b"CONNECT registry.test:443 HTTP/1.")
    assert str(caught.value) == "registry.test/v2/: the proxy did not open a tunnel"


class Trickler:
    """A loopback server that answers every connection with `opening`, then one more byte every
    0.05 s (for at most 20 s): each byte arrives well within any read timeout."""

    def __init__(self, opening):
        self.opening = opening
        self.stop = threading.Event()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection):
        with connection:
            try:
                connection.sendall(self.opening)
                for _ in range(400):
                    if self.stop.wait(0.05):
                        return
                    connection.sendall(b"a")
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.server.close()


@pytest.mark.parametrize(
    ("scheme", "opening"),
    [
        ("http", b"HTTP/1.1 200 OK\r\nX-Slow: "),  # headers that never end
        ("https", b"\x16\x03\x03\x40\x00"),  # a TLS handshake record that never completes
    ],
)
def test_a_trickling_status_line_headers_or_handshake_is_cut_off(scheme, opening):
    server = Trickler(opening)
    try:
        started = time.monotonic()
        with pytest.raises(t.TransportError) as caught:
            make(clock=t.Clock(), timeout=0.3, retries=0).request("HEAD", f"{scheme}://127.0.0.1:{server.port}/v2/")
        assert caught.value.kind == "timeout"
        assert time.monotonic() - started < 2.0  # 3 x the read timeout, not 400 x 0.05 s
        started = time.monotonic()
        with pytest.raises(t.TransportError):  # and never past the run's budget
            make(clock=t.Clock(), timeout=10.0, budget=1.0).request("HEAD", f"{scheme}://127.0.0.1:{server.port}/v2/")
        assert time.monotonic() - started < 2.5
    finally:
        server.close()


def test_a_hanging_name_resolution_is_cut_to_the_timeout_and_budget(monkeypatch):
    # getaddrinfo has no timeout of its own: a resolver that does not answer (an unreachable
    # nameserver is retried for 30 s by default) must not hold the run past its budget
    real = socket.getaddrinfo
    release = threading.Event()

    def slow(host, *args, **kwargs):
        if host == "slow.test":
            release.wait(10)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    try:
        for timeout, budget in ((0.5, 120.0), (10.0, 1.0)):
            started = time.monotonic()
            with pytest.raises(t.TransportError) as caught:
                make(clock=t.Clock(), timeout=timeout, budget=budget, retries=0).request(
                    "HEAD", "https://slow.test/v2/"
                )
            assert caught.value.kind == "dns"
            assert str(caught.value) == f"slow.test: the name did not resolve within {min(timeout, budget):g} s"
            assert time.monotonic() - started < min(timeout, budget) + 1.0
    finally:
        release.set()
