"""The one question dehub asks a registry: is there a manifest for this tag or digest?

`HEAD /v2/<repo>/manifests/<tag or digest>` with all four manifest media types in `Accept`
(OCI index, Docker manifest list, OCI manifest, Docker manifest v2): with fewer, distribution
2.8 answers 404 for an OCI index or the amd64 child's digest for a manifest list — a false
"missing" or a false "digest mismatch". The top-level digest comes from
`Docker-Content-Digest`; a registry that leaves it out is asked again with GET and the body
hashed; one that does not allow HEAD (405) is asked with GET instead. HEAD has no body, so a
404 cannot tell MANIFEST_UNKNOWN from NAME_UNKNOWN: both are "missing" here (the caller turns
it into "not cached" for a pull-through cache). A 200 with a text or HTML body is a web page
(a captive portal, a login page), not a manifest. Docker Hub is never sent a GET: a manifest GET
is a pull and counts against its rate limit, a HEAD does not.
"""

from __future__ import annotations

import threading

from .auth import AuthFailure
from .outcome import EXISTS, MISSING, RATE_LIMITED, UNREACHABLE, Outcome
from .transport import MAX_BODY, RETRY_AFTER_CAP, TransportError, parse_retry_after

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .auth import Authenticator
    from .endpoint import Target
    from .transport import Response

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
ACCEPT = ", ".join((OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST))


def user_agent() -> str:
    from .. import __version__

    return f"dehub/{__version__} (registry check)"


def is_sha256(text: str | None) -> bool:
    return (
        text is not None
        and len(text) == 71
        and text.startswith("sha256:")
        and all(c in "0123456789abcdef" for c in text[7:])
    )


class Manifests:
    """Asks registries about manifests for one run; remembers which scheme each host speaks."""

    def __init__(self, auth: Authenticator) -> None:
        self.auth = auth
        self._schemes: dict[str, str] = {}
        self._probing: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def lookup(self, reference: str, target: Target) -> Outcome:
        """EXISTS (with the top-level digest), MISSING, or why there is no answer."""
        shown = f"{target.repo}@{target.ref}" if target.is_digest else f"{target.repo}:{target.ref}"
        try:
            response = self._ask(target, "HEAD", 0)
            body: bytes | None = None
            if response.status == 405 and not target.is_hub:  # a registry (or proxy) without HEAD
                response = self._ask(target, "GET", MAX_BODY)
                body = response.body
            if response.status == 200:
                kind = (response.header("content-type") or "").split(";")[0].strip().lower()
                if kind.startswith("text/") or "html" in kind:  # a web page (portal, login, UI): no manifest
                    return Outcome(
                        UNREACHABLE, reference, detail=f"{target.host} answered HTTP 200 with {kind}, not a manifest"
                    )
                digest = response.header("docker-content-digest")
                digest = digest.strip() if digest else None
                if target.is_digest:
                    digest = target.ref
                elif not is_sha256(digest):
                    if body is not None:
                        digest = _sha256(body)
                    else:
                        digest = None if target.is_hub else self._digest_by_get(target)
                found = f"{target.host} has {shown}"
                if digest is None:
                    return Outcome(EXISTS, reference, None, None, f"{found} (its digest could not be read)")
                return Outcome(EXISTS, reference, digest, None, found)
            return _not_found_or_failure(reference, target, shown, response)
        except AuthFailure as failure:
            return Outcome(failure.state, reference, detail=failure.detail)
        except TransportError as error:
            tries = f" (after {error.attempts} attempts)" if error.attempts > 1 else ""
            return Outcome(UNREACHABLE, reference, detail=f"{error}{tries}")

    def _digest_by_get(self, target: Target) -> str | None:
        """sha256 of the manifest body, for registries that send no Docker-Content-Digest."""
        try:
            response = self._ask(target, "GET", MAX_BODY)
        except (TransportError, AuthFailure):
            return None
        if response.status != 200:
            return None
        return _sha256(response.body)

    def _ask(self, target: Target, method: str, max_body: int) -> Response:
        """One authenticated request, HTTPS first then plain HTTP for a loopback host.

        The first request to a host with several possible schemes finds out which one it
        speaks while the other threads asking that host wait, so it is probed once a run.
        """
        if len(target.bases) == 1:
            return self._send(target, target.bases[0], method, max_body, probe=False)
        with self._lock:
            known = self._schemes.get(target.host)
            probing = self._probing.setdefault(target.host, threading.Lock())
        if known is not None:
            return self._send(target, known, method, max_body, probe=False)
        with probing:
            with self._lock:
                known = self._schemes.get(target.host)
            if known is not None:
                return self._send(target, known, method, max_body, probe=False)
            tls_failure: TransportError | None = None
            for base in target.bases[:-1]:
                try:
                    response = self._send(target, base, method, max_body, probe=True)
                except TransportError as error:
                    if error.kind != "tls":
                        raise
                    tls_failure = error
                    continue
                with self._lock:
                    self._schemes[target.host] = base
                return response
            last = target.bases[-1]
            try:
                response = self._send(target, last, method, max_body, probe=False)
            except TransportError as error:
                if tls_failure is None:
                    raise
                raise TransportError(error.kind, f"{tls_failure}; over plain HTTP: {error}", error.attempts) from None
            with self._lock:
                self._schemes[target.host] = last
            return response

    def _send(self, target: Target, base: str, method: str, max_body: int, probe: bool) -> Response:
        path = f"/v2/{target.repo}/manifests/{target.ref}"
        headers = {"Accept": ACCEPT, "User-Agent": user_agent()}
        return self.auth.request(
            method, base + path, host=target.host, repo=target.repo, headers=headers, max_body=max_body, probe=probe
        )


def _sha256(body: bytes) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(body).hexdigest()


def _not_found_or_failure(reference: str, target: Target, shown: str, response: Response) -> Outcome:
    status = response.status
    tries = f" after {response.attempts} attempts" if response.attempts > 1 else ""
    if status == 404:
        return Outcome(MISSING, reference, detail=f"{target.host} has no {shown} (HTTP 404)")
    if status == 429:
        import time

        wait = parse_retry_after(response.header("retry-after"), time.time())
        asks = f" (it asks to wait {wait:.0f} s)" if wait is not None and wait > RETRY_AFTER_CAP else ""
        return Outcome(RATE_LIMITED, reference, detail=f"{target.host} answered 429 Too Many Requests{tries}{asks}")
    return Outcome(UNREACHABLE, reference, detail=f"{target.host} answered HTTP {status}{tries}")
