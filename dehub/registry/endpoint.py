"""Where to ask about a reference: the registry's base URL(s), repository and tag or digest.

A mirror reference names its registry host; Docker Hub references are asked at
`registry-1.docker.io` unless an endpoint is configured (`hub_endpoint`, env
`DEHUB_HUB_ENDPOINT`: a corporate Hub proxy, or a local registry in tests). Like Docker with
insecure registries, a loopback host is tried over HTTPS first and over plain HTTP when TLS
fails; every other host is HTTPS only.
"""

from __future__ import annotations

from .transport import is_loopback

HUB_API = "https://registry-1.docker.io"


class Target:
    """One manifest to ask about. `host` keys credentials, challenges and the scheme memo."""

    __slots__ = ("host", "repo", "ref", "bases", "is_digest", "is_hub")

    def __init__(self, host: str, repo: str, ref: str, bases: tuple[str, ...], is_hub: bool = False) -> None:
        self.host = host
        self.repo = repo
        self.ref = ref
        self.bases = bases
        self.is_digest = ":" in ref
        self.is_hub = is_hub  # Docker Hub (or its configured endpoint): HEAD only, a GET is a pull

    def __repr__(self) -> str:
        return f"Target({self.host!r}, {self.repo!r}, {self.ref!r}, bases={self.bases!r})"


def hub_api(explicit: str | None) -> str:
    """The Docker Hub API endpoint: `explicit`, else env DEHUB_HUB_ENDPOINT, else Docker's."""
    import os

    return (explicit or os.environ.get("DEHUB_HUB_ENDPOINT") or HUB_API).rstrip("/")


def bases_for(host: str) -> tuple[str, ...]:
    """Base URLs to try for a registry host (`host` may carry a port; IPv6 in brackets)."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or (host.startswith("[") and "]:" in host) else host
    if is_loopback(name):
        return (f"https://{host}", f"http://{host}")
    return (f"https://{host}",)


def locate(reference: str, hub_endpoint: str | None = None) -> Target:
    """The Target for a full reference; ValueError (with docker's message) when it is invalid.

    A reference with both a tag and a digest is asked by digest: that is what gets pulled.
    """
    from ..reference import parse

    parsed = parse(reference)
    ref = parsed.digest or parsed.tag or "latest"
    if parsed.is_docker_hub:
        api = hub_api(hub_endpoint)
        if "://" not in api:
            return Target(api.lower(), parsed.path, ref, bases_for(api.lower()), is_hub=True)
        from urllib.parse import urlsplit

        host = urlsplit(api).netloc.lower()
        if api.lower() == HUB_API:
            host = "docker.io"  # credentials and challenges are Docker Hub's
        return Target(host, parsed.path, ref, (api,), is_hub=True)
    host = parsed.domain.lower()
    return Target(host, parsed.path, ref, bases_for(host))
