"""Getting past a registry's `401`: anonymous or credentialed bearer tokens, or Basic auth.

The flow is the one every OCI client follows: ask; on 401 read the `WWW-Authenticate`
challenge; for `Bearer realm=…,service=…` get a token from the realm for the scope
`repository:NAME:pull` (anonymously, or with the registry's Docker credentials as Basic auth),
for `Basic` send the credentials; ask again once. Tokens are cached per (registry host, realm,
service, scope) for their lifetime (the host too: a token got with one registry's credentials
must never go to another registry that names the same token service), shared by all threads,
with one fetch in flight per key; each host's challenge is remembered so later requests carry
a token from the start instead of earning a 401 first.

Credentials travel only over HTTPS or to a loopback host, and only in answer to the registry's
own challenge: a 401 from where it redirected is not answered with its credentials. Failures are `AuthFailure` with an
outcome state and a detail that names hosts and users, never a secret.
"""

from __future__ import annotations

import threading
from urllib.parse import urlencode, urlsplit

from . import untrusted
from .challenge import Challenge, parse_challenges
from .outcome import AUTH_REQUIRED, RATE_LIMITED, UNREACHABLE
from .transport import TransportError, describe, is_loopback

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .credentials import Credentials, CredentialStore
    from .redact import Secrets
    from .transport import Clock, Response, Transport

DEFAULT_TOKEN_LIFETIME = 60.0  # the distribution token spec's default for a missing expires_in
TOKEN_BODY_MAX = 1024 * 1024
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=:")


class AuthFailure(Exception):
    """Authentication could not be completed; `state` is the Outcome state it amounts to."""

    def __init__(self, state: str, detail: str) -> None:
        super().__init__(detail)
        self.state = state
        self.detail = detail


class TokenCache:
    """Bearer tokens by (host, realm, service, scope), valid until shortly before they expire.

    A fetch that failed is remembered for the run too: the next tag of the same repository
    gets the same answer without asking a token service that just refused (or failed after
    its retries) again.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._tokens: dict[tuple[str, ...], tuple[str, float]] = {}
        self._failed: dict[tuple[str, ...], AuthFailure] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self, key: tuple[str, ...], fetch: Callable[[], tuple[str, float]]) -> str:
        """The cached token, or the one `fetch` returns (token, lifetime in seconds)."""
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one fetch per key at a time: the other threads wait and share it
            with self._lock:
                held = self._tokens.get(key)
                failed = self._failed.get(key)
            if held is not None and held[1] > self.clock.now():
                return held[0]
            if failed is not None:
                raise AuthFailure(failed.state, failed.detail)
            try:
                token, lifetime = fetch()
            except AuthFailure as failure:
                with self._lock:
                    self._failed[key] = failure
                raise
            margin = min(10.0, lifetime / 10)
            with self._lock:
                self._tokens[key] = (token, self.clock.now() + lifetime - margin)
                self.fetches += 1
            return token

    def forget(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._tokens.pop(key, None)


def may_carry_secrets(url: str) -> bool:
    """Credentials go over HTTPS, or in the clear only to this machine."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))


def with_query(url: str, query: str) -> str:
    """`url` with `query` added to the one it has (a realm may carry its own), without a fragment."""
    parts = urlsplit(url)
    joined = "&".join(part for part in (parts.query, query) if part)
    return parts._replace(query=joined, fragment="").geturl()


def valid_url(url: str) -> bool:
    """A URL whose host and port can be read (urlsplit raises on `[::1` or `:http`)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        return False
    return bool(parts.hostname)


def choose(challenges: list[Challenge]) -> Challenge | None:
    """Bearer when offered (it needs no stored secret), else Basic, else nothing we speak."""
    for scheme in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == scheme and (scheme == "basic" or challenge.params.get("realm")):
                return challenge
    return None


class Authenticator:
    """Sends requests for one run, answering auth challenges on the way."""

    def __init__(self, transport: Transport, store: CredentialStore, tokens: TokenCache, secrets: Secrets) -> None:
        self.transport = transport
        self.store = store
        self.tokens = tokens
        self.secrets = secrets
        self._challenges: dict[str, Challenge | None] = {}  # None: the host wants no login
        self._discovering: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def request(
        self, method: str, url: str, *, host: str, repo: str, headers: dict[str, str], max_body: int, probe: bool
    ) -> Response:
        """The registry's answer, authenticated as needed; AuthFailure when 401/403 remain.

        Until a host's first answer shows whether it wants a login, requests to it go one at
        a time: the others then start with the right token instead of each earning a 401.
        """
        with self._lock:
            known = host in self._challenges
            discovering = self._discovering.setdefault(host, threading.Lock())
        if known:
            return self._request(method, url, host, repo, headers, max_body, probe)
        with discovering:
            return self._request(method, url, host, repo, headers, max_body, probe)

    def _request(
        self, method: str, url: str, host: str, repo: str, headers: dict[str, str], max_body: int, probe: bool
    ) -> Response:
        scope = f"repository:{repo}:pull"
        with self._lock:
            challenge = self._challenges.get(host)
        authorization = None
        if challenge is not None and not (challenge.scheme == "basic" and self.store.lookup(host)[0] is None):
            # (no password for a Basic host: ask anonymously, its other repositories may be public)
            authorization = self._authorization(host, url, challenge, scope)
        for round_ in range(2):
            sent = dict(headers)
            if authorization is not None:
                sent["Authorization"] = authorization
            response = self.transport.request(method, url, sent, max_body=max_body, probe=probe)
            if response.status != 401 or round_ == 1:
                break
            if _origin(response.url) != _origin(url):  # like Docker: only the registry's own challenge
                shown = describe(response.url).split("/", 1)[0]
                raise AuthFailure(AUTH_REQUIRED, f"{shown}, where {host} redirected, asks for a login; not answered")
            offered = choose(parse_challenges(response.header("www-authenticate") or ""))
            if offered is None:
                raise AuthFailure(AUTH_REQUIRED, f"{host} asks for a login dehub cannot answer (no Bearer or Basic)")
            if authorization is not None and challenge is not None and challenge.scheme == "bearer":
                self.tokens.forget(_token_key(host, challenge, scope))  # perhaps expired early: fetch anew
            with self._lock:
                self._challenges[host] = offered
            challenge = offered
            authorization = self._authorization(host, url, offered, scope)
        with self._lock:
            self._challenges.setdefault(host, None)  # answered without asking for a login
        if response.status in (401, 403):
            raise AuthFailure(AUTH_REQUIRED, self._refusal(host, response.status, authorization is not None))
        return response

    def _refusal(self, host: str, status: int, authenticated: bool) -> str:
        credentials, note = self.store.lookup(host)
        if credentials is not None and credentials.identity_token is not None:
            return f"{host} refused access with the token from the Docker config (HTTP {status})"
        if credentials is not None:
            return f"{host} refused access for user {credentials.username!r} (HTTP {status})"
        if note:
            return f"{host} refused anonymous access (HTTP {status}); {note}"
        if authenticated:  # Docker Hub and others give a token that grants nothing for a repository they lack
            return (
                f"{host} refused access with an anonymous token (HTTP {status}): no such repository, or a "
                f"private one (`docker login {host}` if it needs a login)"
            )
        return f"{host} refused access anonymously (HTTP {status}); `docker login {host}` if it needs a login"

    def _authorization(self, host: str, url: str, challenge: Challenge, scope: str) -> str:
        credentials, note = self.store.lookup(host)
        if credentials is not None:
            self.secrets.add(*credentials.secrets())
        if challenge.scheme == "basic":
            if credentials is None:
                extra = f"; {note}" if note else ""
                raise AuthFailure(AUTH_REQUIRED, f"{host} requires a login (`docker login {host}`){extra}")
            if credentials.identity_token is not None:
                raise AuthFailure(AUTH_REQUIRED, f"{host} asks for a password; the Docker config has a token for it")
            if not may_carry_secrets(url):
                raise AuthFailure(AUTH_REQUIRED, f"{host} asks for a password over plain HTTP; not sent")
            return credentials.basic()
        realm = challenge.params["realm"]
        if not valid_url(realm):
            raise AuthFailure(UNREACHABLE, f"{host} names a token service address that is not a valid URL")
        if not may_carry_secrets(realm):
            credentials = None  # an anonymous token is still worth asking for
        key = _token_key(host, challenge, scope)
        token = self.tokens.get(key, lambda: self._fetch_token(challenge, scope, credentials))
        return f"Bearer {token}"

    def _fetch_token(self, challenge: Challenge, scope: str, credentials: Credentials | None) -> tuple[str, float]:
        realm = challenge.params["realm"]
        where = describe(realm)
        if urlsplit(realm).scheme not in ("http", "https"):
            raise AuthFailure(UNREACHABLE, f"the token service address of {where} is not an http(s) URL")
        query: dict[str, str] = {}
        if challenge.params.get("service"):
            query["service"] = challenge.params["service"]
        query["scope"] = scope
        headers = {"Accept": "application/json"}
        body: bytes | None = None
        if credentials is not None and credentials.identity_token is not None:
            # OAuth2 refresh-token grant: the identity token is exchanged, never sent as a password
            query.update(grant_type="refresh_token", client_id="dehub", refresh_token=credentials.identity_token)
            body, url, method = urlencode(query).encode(), realm, "POST"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            if credentials is not None:
                query["account"] = credentials.username
                headers["Authorization"] = credentials.basic()
            url, method = with_query(realm, urlencode(query)), "GET"
        try:
            response = self.transport.request(method, url, headers, max_body=TOKEN_BODY_MAX, body=body)
        except TransportError as error:
            raise AuthFailure(UNREACHABLE, f"token service: {error}") from None
        if response.status in (401, 403):
            if credentials is None:
                who = "an anonymous token"
            elif credentials.identity_token is not None:
                who = "the identity token from the Docker config"
            else:
                who = f"user {credentials.username!r}"
            raise AuthFailure(AUTH_REQUIRED, f"the token service {where} refused {who} (HTTP {response.status})")
        if response.status == 429:
            raise AuthFailure(RATE_LIMITED, f"the token service {where} answered 429 Too Many Requests")
        if response.status != 200:
            raise AuthFailure(UNREACHABLE, f"the token service {where} answered HTTP {response.status}")
        return self._read_token(response, where)

    def _read_token(self, response: Response, where: str) -> tuple[str, float]:
        try:
            data = untrusted.loads(response.body)
        except ValueError:
            raise AuthFailure(UNREACHABLE, f"the token service {where} did not answer JSON") from None
        if not isinstance(data, dict):
            raise AuthFailure(UNREACHABLE, f"the token service {where} answered without a token")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthFailure(UNREACHABLE, f"the token service {where} answered without a token")
        self.secrets.add(token)
        if len(token) > 64 * 1024 or not _TOKEN_CHARS.issuperset(token):
            raise AuthFailure(UNREACHABLE, f"the token service {where} answered a token dehub cannot send")
        lifetime = data.get("expires_in")
        if not isinstance(lifetime, (int, float)) or isinstance(lifetime, bool) or not lifetime > 0:  # NaN too
            lifetime = DEFAULT_TOKEN_LIFETIME
        return token, float(min(lifetime, 24 * 3600))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), parts.netloc.lower())


def _token_key(host: str, challenge: Challenge, scope: str) -> tuple[str, ...]:
    """The registry host is part of the key: its credentials got the token."""
    return (host, challenge.params.get("realm", ""), challenge.params.get("service", ""), scope)
