"""`verify()`: ask the registries whether the suggested references exist.

The one entry point of the package for the rest of dehub. It never raises for network
trouble: every way a question can fail is an `Outcome` state, so the caller only decides
what each state means for its findings.
"""

from __future__ import annotations

from .outcome import Outcome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Request:
    """One question: does `reference` exist on its registry?

    `reference` is the full mirror reference as suggested, with its tag or digest.
    `hub` is the Docker Hub reference to compare digests with (--verify=digest), else None.
    `on_demand` says the mirror is a pull-through cache: its 404 means "not cached yet".
    """

    __slots__ = ("reference", "hub", "on_demand")

    def __init__(self, reference: str, hub: str | None = None, on_demand: bool = False) -> None:
        self.reference = reference
        self.hub = hub
        self.on_demand = on_demand

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Request):
            return NotImplemented
        return (self.reference, self.hub, self.on_demand) == (other.reference, other.hub, other.on_demand)

    def __hash__(self) -> int:
        return hash((self.reference, self.hub, self.on_demand))

    def __repr__(self) -> str:
        return f"Request({self.reference!r}, hub={self.hub!r}, on_demand={self.on_demand!r})"


class VerifyOptions:
    """How to ask: limits that keep dehub a good citizen, and where state lives.

    `cache_dir` None means `$XDG_CACHE_HOME/dehub` (or `~/.cache/dehub`); `docker_config`
    None means `$DOCKER_CONFIG/config.json` (or `~/.docker/config.json`); `hub_endpoint`
    None means env `DEHUB_HUB_ENDPOINT`, else `https://registry-1.docker.io`. `timeout` is
    both the connect and the read timeout; `budget` bounds the whole run in seconds;
    `rate` caps requests per second per host.
    """

    __slots__ = (
        "digest",
        "use_cache",
        "cache_dir",
        "concurrency",
        "rate",
        "timeout",
        "retries",
        "budget",
        "docker_config",
        "hub_endpoint",
        "hit_ttl",
        "miss_ttl",
    )

    def __init__(
        self,
        digest: bool = False,
        use_cache: bool = True,
        cache_dir: str | None = None,
        concurrency: int = 4,
        rate: float = 5.0,
        timeout: float = 10.0,
        retries: int = 4,
        budget: float = 120.0,
        docker_config: str | None = None,
        hub_endpoint: str | None = None,
        hit_ttl: float = 86400,
        miss_ttl: float = 3600,
    ) -> None:
        self.digest = digest
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.concurrency = concurrency
        self.rate = rate
        self.timeout = timeout
        self.retries = retries
        self.budget = budget
        self.docker_config = docker_config
        self.hub_endpoint = hub_endpoint
        self.hit_ttl = hit_ttl
        self.miss_ttl = miss_ttl

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"VerifyOptions({fields})"


def verify(requests: Sequence[Request], options: VerifyOptions) -> dict[str, Outcome]:
    """Ask about every distinct reference once; keyed by `Request.reference`.

    A reference holding `${...}` (a CI variable) cannot be asked and gets no entry.
    Network trouble never raises: it is an Outcome (unreachable, rate-limited, auth-required).
    """
    from .outcome import UNREACHABLE

    answers: dict[str, Outcome] = {}
    for request in requests:
        if "${" in request.reference or request.reference in answers:
            continue
        answers[request.reference] = Outcome(UNREACHABLE, request.reference, detail="not implemented yet")
    return answers
