"""One HTTP exchange with a registry, done politely and within bounds.

Registries are shared infrastructure and dehub may run on every commit of many repositories,
so every request goes through the same limits: a per-host rate cap (a token bucket), connect
and read timeouts, retries with exponential backoff and full jitter on 429, 5xx, resets and
timeouts that honour `Retry-After`, a bounded number of attempts, and a time budget for the
whole run that no sleep may pass. Bodies are read up to a limit, so a hostile or broken server
cannot exhaust memory or hold a worker forever by trickling bytes.

The standard library's `http.client` does the wire work (no new dependency); proxies come from
the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) as urllib reads them. Time is read
through a `Clock` so that tests can replace waiting by bookkeeping.

Error texts name the host and path only: never a query string, user information, header value
or anything a server or the standard library echoed back (which could hold a token).
"""

from __future__ import annotations

import http.client
import random
import socket
import ssl
import threading
import time
from urllib.parse import urljoin, urlsplit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

MAX_BODY = 4 * 1024 * 1024  # distribution refuses manifests above 4 MiB; nothing we read is bigger
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
RETRYABLE_ERRORS = frozenset(("timeout", "reset"))  # a refused connection or a non-HTTP answer will not improve
RETRY_AFTER_CAP = 60.0  # a server asking for longer is answered "rate-limited" at once
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
TLS_PROBE_TIMEOUT = 2.0  # a loopback HTTPS attempt against a plain-HTTP server
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
REDIRECTS = frozenset((301, 302, 303, 307, 308))


class TransportError(Exception):
    """A request that got no usable HTTP answer.

    `kind` is one of dns, connect, tls, timeout, reset, protocol, too-large, budget; the
    message is safe to print (host and path, never a credential).
    """

    def __init__(self, kind: str, message: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts = attempts


class Response:
    """An HTTP answer: status, headers (lower-case names, repeats joined by ", "), body."""

    __slots__ = ("status", "headers", "body", "url", "attempts")

    def __init__(self, status: int, headers: dict[str, str], body: bytes, url: str, attempts: int = 1) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.attempts = attempts

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def __repr__(self) -> str:  # headers stay out: a server may echo a credential in one
        return f"Response({self.status}, {describe(self.url)!r}, {len(self.body)} bytes)"


class Clock:
    """Monotonic time and sleeping, replaced by a fake in tests."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class Budget:
    """The whole run's time allowance: a deadline every wait and timeout is cut to."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self.clock = clock
        self.deadline = clock.now() + seconds

    def remaining(self) -> float:
        return self.deadline - self.clock.now()


class RateLimiter:
    """A token bucket per host: at most `rate` requests a second after a burst of `rate`.

    A caller that would have to wait beyond the budget gets TransportError("budget") instead
    of sleeping. `rate` <= 0 switches the cap off.
    """

    def __init__(self, rate: float, clock: Clock) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str, budget: Budget) -> None:
        if self.rate <= 0:
            return
        with self._lock:
            now = self.clock.now()
            tokens, stamp = self._buckets.get(host, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate) - 1.0
            self._buckets[host] = (tokens, now)
            wait = -tokens / self.rate if tokens < 0 else 0.0
            if wait > 0 and wait > budget.remaining():
                self._buckets[host] = (tokens + 1.0, now)  # not taken after all
                raise TransportError("budget", f"{host}: the time budget ends before the rate cap allows a request")
        if wait > 0:
            self.clock.sleep(wait)


def describe(url: str) -> str:
    """host/path of a URL: what error texts may show (no user info, no query)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return host + (parts.path or "/")


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 and ::1: hosts Docker treats as insecure registries."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_retry_after(value: str | None, wall_now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date; else None."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # RFC 9110 delta-seconds; str.isdigit() alone takes "²" too
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, float(when.timestamp()) - wall_now)


def backoff(attempt: int, rng: Callable[[], float]) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)] (attempt counts from 0)."""
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt)


class Transport:
    """Sends requests with the limits above; counts what it sent (for tests and reports)."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        retries: int = 4,
        budget: Budget,
        limiter: RateLimiter,
        rng: Callable[[], float] = random.random,
        wall: Callable[[], float] = time.time,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.timeout = timeout
        self.retries = max(0, retries)
        self.budget = budget
        self.clock = budget.clock
        self.limiter = limiter
        self.rng = rng
        self.wall = wall
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self.sent = 0

    def ssl_context(self) -> ssl.SSLContext:
        """The default context: system CAs, or SSL_CERT_FILE/SSL_CERT_DIR as OpenSSL reads them."""
        with self._lock:
            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()
            return self._ssl_context

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        max_body: int = MAX_BODY,
        probe: bool = False,
        body: bytes | None = None,
    ) -> Response:
        """One request with retries; the last answer is returned even when it is a 429 or 5xx.

        Raises TransportError when no answer came (after retries for the kinds that earn one).
        `probe` marks the loopback HTTPS attempt: a short handshake timeout, and a handshake that
        stalls counts as TLS failing (a plain-HTTP server waits for a request line).
        """
        attempts = 1 + self.retries
        last_error: TransportError | None = None
        for attempt in range(attempts):
            response: Response | None = None
            try:
                response = self._follow(method, url, dict(headers or {}), max_body, probe, body)
            except TransportError as error:
                error.attempts = attempt + 1
                if error.kind not in RETRYABLE_ERRORS or attempt + 1 == attempts:
                    raise
                last_error = error
                delay = backoff(attempt, self.rng)
            else:
                response.attempts = attempt + 1
                if response.status not in RETRY_STATUSES or attempt + 1 == attempts:
                    return response
                delay = backoff(attempt, self.rng)
                if response.status in (429, 503):
                    asked = parse_retry_after(response.header("retry-after"), self.wall())
                    if asked is not None:
                        if asked > RETRY_AFTER_CAP:
                            return response  # come back much later: not within this run
                        delay = asked
            if delay >= self.budget.remaining():
                if response is not None:
                    return response  # never sleep past the budget: the answer so far stands
                assert last_error is not None
                raise last_error
            self.clock.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _follow(
        self, method: str, url: str, headers: dict[str, str], max_body: int, probe: bool, body: bytes | None
    ) -> Response:
        """One attempt, following a few redirects; credentials do not follow to another origin.

        HTTPS never leads to plain HTTP on another machine: an answer anyone on the path could
        have written must not prove that a manifest exists.
        """
        for _ in range(MAX_REDIRECTS + 1):
            response = self._once(method, url, headers, max_body, probe, body)
            location = response.header("location")
            if response.status not in REDIRECTS or not location or method not in ("GET", "HEAD"):
                return response
            try:
                target = urljoin(url, location)
                before, after = urlsplit(url), urlsplit(target)
                after.port  # noqa: B018 - raises ValueError for a port that is not one
            except ValueError:
                raise TransportError(
                    "protocol", f"{describe(url)}: redirects to an address that is not a valid URL"
                ) from None
            if after.scheme not in ("http", "https"):
                return response
            if before.scheme == "https" and after.scheme == "http" and not is_loopback(after.hostname or ""):
                shown = describe(target)
                raise TransportError("protocol", f"{describe(url)}: redirects to plain HTTP ({shown}); not followed")
            if (before.scheme, before.netloc) != (after.scheme, after.netloc):
                headers = {name: value for name, value in headers.items() if name.lower() != "authorization"}
            url = target
        raise TransportError("protocol", f"{describe(url)}: too many redirects")

    def _once(
        self, method: str, url: str, headers: dict[str, str], max_body: int, probe: bool, body: bytes | None
    ) -> Response:
        parts = urlsplit(url)
        host = parts.hostname or ""
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        where = describe(url)
        self.limiter.acquire(hostport, self.budget)
        remaining = self.budget.remaining()
        if remaining <= 0:
            raise TransportError("budget", f"{where}: the time budget is used up")
        timeout = min(self.timeout, remaining)
        if probe:
            timeout = min(timeout, TLS_PROBE_TIMEOUT)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = dict(headers)  # a proxy's credentials join this hop only, not the next redirect's
        connection, target = self._connection(parts.scheme, host, port, timeout, target, headers)
        connection._create_connection = _connector(timeout)  # type: ignore[attr-defined]
        with self._lock:
            self.sent += 1
        # a socket timeout bounds each wait, not a peer that sends a byte now and then: the
        # whole attempt (status line, headers, body) gets a deadline of its own
        limit = min(remaining, 3 * self.timeout)
        watchdog = _Watchdog(connection, limit)
        try:
            return self._exchange(connection, method, target, body, headers, max_body, url, watchdog, probe, timeout)
        except TransportError as error:
            if watchdog.cancel() and error.kind not in ("budget", "dns"):  # what the cut connection raised
                raise TransportError("timeout", f"{where}: the answer took too long to arrive") from None
            raise
        finally:
            watchdog.cancel()
            connection.close()

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        max_body: int,
        url: str,
        watchdog: _Watchdog,
        probe: bool,
        timeout: float,
    ) -> Response:
        parts = urlsplit(url)
        host = parts.hostname or ""
        secure = parts.scheme == "https"
        where = describe(url)
        phase = "connect"
        try:
            connection.connect()
            phase = "exchange"
            if probe and connection.sock is not None:  # the short timeout was for the handshake only
                timeout = min(self.timeout, max(0.001, self.budget.remaining()))
                connection.sock.settimeout(timeout)
            connection.request(method, target, body=body, headers=headers)
            answer = connection.getresponse()
            content = b"" if method == "HEAD" else self._read(answer, max_body, where)
            pairs: dict[str, str] = {}
            for name, value in answer.getheaders():
                key = name.lower()
                pairs[key] = f"{pairs[key]}, {value}" if key in pairs else value
            if watchdog.cancel():  # a body read to the end of a cut connection is not whole
                raise TransportError("timeout", f"{where}: the answer took too long to arrive")
            return Response(answer.status, pairs, content, url)
        except TransportError:
            raise
        except TimeoutError:
            if probe and secure and phase == "connect":
                raise TransportError("tls", f"{where}: no TLS handshake within {timeout:g} s") from None
            raise TransportError("timeout", f"{where}: no answer within {timeout:g} s") from None
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as error:
            if phase == "exchange":  # the TLS connection was cut mid-answer: like a reset
                raise TransportError("reset", f"{where}: the connection was closed ({type(error).__name__})") from None
            raise TransportError("tls", f"{where}: TLS failed ({_ssl_reason(error)})") from None
        except ssl.SSLError as error:
            raise TransportError("tls", f"{where}: TLS failed ({_ssl_reason(error)})") from None
        except socket.gaierror:
            raise TransportError("dns", f"{host}: the name does not resolve") from None
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected) as e:
            kind = "tls" if probe and secure and phase == "connect" else "reset"
            raise TransportError(kind, f"{where}: the connection was closed ({type(e).__name__})") from None
        except ConnectionRefusedError:
            raise TransportError("connect", f"{where}: connection refused") from None
        except http.client.IncompleteRead:
            raise TransportError("reset", f"{where}: the answer was cut short") from None
        except http.client.HTTPException as error:
            raise TransportError("protocol", f"{where}: not an HTTP answer ({type(error).__name__})") from None
        except OSError as error:
            if error.strerror is None and str(error).startswith("Tunnel connection failed"):
                raise TransportError("connect", f"{where}: the proxy did not open a tunnel") from None
            reason = error.strerror or type(error).__name__
            raise TransportError("connect", f"{where}: {reason}") from None
        except ValueError:  # http.client rejects a header value (it would quote the value: not shown)
            raise TransportError("protocol", f"{where}: a request header was not valid") from None

    def _connection(
        self, scheme: str, host: str, port: int, timeout: float, target: str, headers: dict[str, str]
    ) -> tuple[http.client.HTTPConnection, str]:
        """A connection to the host or through the environment's proxy (CONNECT for HTTPS)."""
        proxy = proxy_for(scheme, host, port)
        if proxy is None:
            if scheme == "https":
                return http.client.HTTPSConnection(host, port, timeout=timeout, context=self.ssl_context()), target
            return http.client.HTTPConnection(host, port, timeout=timeout), target
        proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        proxy_host = proxy_parts.hostname or ""
        proxy_port = proxy_parts.port or 80
        proxy_headers: dict[str, str] = {}
        if proxy_parts.username is not None:
            import base64
            from urllib.parse import unquote

            pair = f"{unquote(proxy_parts.username)}:{unquote(proxy_parts.password or '')}"
            proxy_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                proxy_host, proxy_port, timeout=timeout, context=self.ssl_context()
            )
            connection.set_tunnel(host, port, headers=proxy_headers)
            return connection, target
        headers.update(proxy_headers)
        netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return http.client.HTTPConnection(proxy_host, proxy_port, timeout=timeout), f"http://{netloc}{target}"

    def _read(self, answer: http.client.HTTPResponse, max_body: int, where: str) -> bytes:
        """The body, up to `max_body` bytes, within the attempt's time (no trickling forever)."""
        length = answer.getheader("content-length")
        if length is not None and length.strip().isdigit() and int(length) > max_body:
            raise TransportError("too-large", f"{where}: the answer is larger than {max_body} bytes")
        deadline = self.clock.now() + min(3 * self.timeout, max(0.0, self.budget.remaining()))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = answer.read1(CHUNK) if hasattr(answer, "read1") else answer.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_body:
                raise TransportError("too-large", f"{where}: the answer is larger than {max_body} bytes")
            chunks.append(chunk)
            if self.clock.now() > deadline:
                raise TransportError("timeout", f"{where}: the answer took too long to arrive")


def _connector(seconds: float) -> Callable[..., socket.socket]:
    """`socket.create_connection` whose name resolution ends within `seconds`.

    getaddrinfo has no timeout (an unreachable nameserver is asked for 30 s by default), so it
    runs in a daemon thread that is left behind when it takes too long.
    """

    def create(
        address: tuple[str, int], timeout: float | None = None, source_address: object = None, **_: object
    ) -> socket.socket:
        host, port = address
        found: list[object] = []
        done = threading.Event()

        def resolve() -> None:
            try:
                found.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
            except Exception as error:  # noqa: BLE001 - handed to the caller as it is
                found.append(error)
            finally:
                done.set()

        threading.Thread(target=resolve, daemon=True, name="dehub-resolve").start()
        if not done.wait(max(0.0, seconds)):
            raise TransportError("dns", f"{host}: the name did not resolve within {round(seconds, 1):g} s")
        result = found[0]
        if isinstance(result, BaseException):
            raise result
        last: OSError | None = None
        for family, kind, proto, _name, sockaddr in result:  # type: ignore[attr-defined]
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout if timeout is not None else seconds)
                sock.connect(sockaddr)
                return sock
            except OSError as error:
                sock.close()
                last = error
        raise last if last is not None else OSError("getaddrinfo returned no address")

    return create


class _Watchdog:
    """Shuts a connection's socket down when its attempt's time is up.

    A socket timeout bounds each wait (ssl bounds a whole handshake by it); a peer that sends a
    byte now and then never trips it while http.client reads the status line and up to 100
    header lines of 64 KiB. Shutting the socket down makes whatever is blocked fail at once;
    `cancel()` says whether that happened.
    """

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._fired = False
        self._done = False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._fired = True
            sock = self._connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> bool:
        """Stop watching; True when the time had run out (the connection was cut)."""
        with self._lock:
            self._done = True
            fired = self._fired
        self._timer.cancel()
        return fired


def proxy_for(scheme: str, host: str, port: int) -> str | None:
    """The proxy URL the environment names for this host, or None (loopback never proxied)."""
    if is_loopback(host):
        return None
    from urllib.request import getproxies_environment

    proxies = getproxies_environment()
    proxy = proxies.get(scheme)
    if not proxy or bypassed(host, port, proxies.get("no", "")):
        return None
    return proxy


def bypassed(host: str, port: int, no_proxy: str) -> bool:
    """NO_PROXY as curl and urllib read it: `*`, host names and domain suffixes, optional port."""
    host = host.strip("[]").lower()
    for entry in no_proxy.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip(".").strip("[]")
        if host == name or host.endswith("." + name):
            return True
    return False


def _ssl_reason(error: ssl.SSLError) -> str:
    """The library's short reason code (e.g. CERTIFICATE_VERIFY_FAILED), no echoed data."""
    reason = getattr(error, "reason", None)
    return reason if isinstance(reason, str) and reason.replace("_", "").isalnum() else type(error).__name__
