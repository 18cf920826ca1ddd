"""`verify()`: ask the registries whether the suggested references exist.

The one entry point of the package for the rest of dehub. It never raises for network
trouble: every way a question can fail is an `Outcome` state, so the caller only decides
what each state means for its findings.
"""

from __future__ import annotations

from .outcome import DIFFERENT, EXISTS, MISSING, NOT_CACHED, SAME, UNREACHABLE, Outcome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .manifests import Manifests
    from .redact import Secrets
    from .transport import Budget, Clock


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
    from .transport import Clock

    return run(requests, options, Clock())


def run(
    requests: Sequence[Request],
    options: VerifyOptions,
    clock: Clock,
    *,
    wall: Callable[[], float] | None = None,
    rng: Callable[[], float] | None = None,
) -> dict[str, Outcome]:
    """`verify()` with its time made injectable: `clock` (monotonic, sleeping), `wall` (the
    cache's and Retry-After dates' time) and `rng` (backoff jitter)."""
    import random
    import time

    from .auth import Authenticator, TokenCache
    from .credentials import CredentialStore
    from .endpoint import hub_api
    from .manifests import Manifests
    from .redact import Secrets
    from .transport import Budget, RateLimiter, Transport

    wall = wall or time.time
    wanted = _distinct(requests)
    budget = Budget(options.budget, clock)
    transport = Transport(
        timeout=options.timeout,
        retries=options.retries,
        budget=budget,
        limiter=RateLimiter(options.rate, clock),
        rng=rng or random.random,
        wall=wall,
    )
    secrets = Secrets()
    store = CredentialStore(options.docker_config, remaining=budget.remaining)
    manifests = Manifests(Authenticator(transport, store, TokenCache(clock), secrets))
    lookup = _Lookup(manifests, options, budget, wall, secrets)
    api = hub_api(options.hub_endpoint)
    jobs: dict[str, str] = {}  # lookup key -> reference asked
    keys: dict[str, str] = {}  # request reference -> key of its mirror lookup
    hub_keys: dict[str, str] = {}  # request reference -> key of its Docker Hub lookup
    for reference in wanted:
        keys[reference] = _key(reference, api)
        jobs.setdefault(keys[reference], reference)
    for reference, request in wanted.items():
        if options.digest and request.hub and "@" not in reference:
            hub_keys[reference] = _key(request.hub, api)
            jobs.setdefault(hub_keys[reference], request.hub)
    results = lookup.all(jobs)
    answers: dict[str, Outcome] = {}
    for reference, request in wanted.items():
        mirror = results[keys[reference]]
        answer = _combine(reference, request, mirror, results.get(hub_keys.get(reference, "")))
        answer.detail = secrets.scrub(answer.detail)
        answers[reference] = answer
    return answers


def _distinct(requests: Sequence[Request]) -> dict[str, Request]:
    """One request per reference (a CI variable cannot be asked); on-demand if any says so."""
    wanted: dict[str, Request] = {}
    for request in requests:
        if "${" in request.reference:
            continue
        held = wanted.get(request.reference)
        if held is None:
            wanted[request.reference] = Request(request.reference, request.hub, request.on_demand)
        else:
            held.hub = held.hub or request.hub
            held.on_demand = held.on_demand or request.on_demand
    return wanted


def _key(reference: str, api: str) -> str:
    """The cache key of a lookup: the reference as written, or for Docker Hub (whose API
    endpoint can be configured) the endpoint and the canonical reference."""
    from ..reference import ReferenceError, parse

    try:
        parsed = parse(reference)
    except ReferenceError:
        return reference
    return f"{api}|{parsed.canonical}" if parsed.is_docker_hub else reference


class _Lookup:
    """Runs the distinct lookups on a bounded pool, through the cache."""

    def __init__(
        self, manifests: Manifests, options: VerifyOptions, budget: Budget, wall: Callable[[], float], secrets: Secrets
    ) -> None:
        from .cache import AnswerCache

        self.secrets = secrets
        self.manifests = manifests
        self.options = options
        self.budget = budget
        self.cache = (
            AnswerCache(options.cache_dir, options.hit_ttl, options.miss_ttl, wall) if options.use_cache else None
        )

    def all(self, jobs: dict[str, str]) -> dict[str, Outcome]:
        results: dict[str, Outcome] = {}
        workers = max(1, min(self.options.concurrency, len(jobs)))
        if workers == 1:
            for key, reference in jobs.items():
                results[key] = self.one(key, reference)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dehub-verify") as pool:
                futures = {key: pool.submit(self.one, key, reference) for key, reference in jobs.items()}
                results = {key: future.result() for key, future in futures.items()}
        if self.cache is not None:
            self.cache.save()
        return results

    def one(self, key: str, reference: str) -> Outcome:
        """The answer for one lookup; never raises."""
        from .endpoint import locate

        try:
            if self.cache is not None:
                cached = self.cache.get(key)
                if cached is not None:
                    return Outcome(cached.state, reference, cached.digest, None, f"{cached.detail} (cached)")
            if self.budget.remaining() <= 0:
                return Outcome(
                    UNREACHABLE, reference, detail=f"the time budget ({self.options.budget:g} s) ran out before asking"
                )
            try:
                target = locate(reference, self.options.hub_endpoint)
            except ValueError as error:
                return Outcome(UNREACHABLE, reference, detail=f"not a reference dehub can ask about ({error})")
            outcome = self.manifests.lookup(reference, target)
            outcome.detail = self.secrets.scrub(outcome.detail)  # before it can reach the disk
            if self.cache is not None:
                self.cache.put(key, outcome)
            return outcome
        except Exception as error:  # noqa: BLE001 - a bug must cost one answer, not the run
            return Outcome(UNREACHABLE, reference, detail=f"dehub failed while asking ({type(error).__name__})")


def _combine(reference: str, request: Request, mirror: Outcome, hub: Outcome | None) -> Outcome:
    """The request's outcome from the mirror's answer and, with --verify=digest, Docker Hub's."""
    if mirror.state == MISSING and request.on_demand:
        return Outcome(
            NOT_CACHED,
            reference,
            None,
            None,
            f"{mirror.detail}: not cached yet; the pull-through cache fetches it on first pull",
        )
    if mirror.state != EXISTS:
        return Outcome(mirror.state, reference, mirror.digest, None, mirror.detail)
    if "@" in reference and request.hub is not None:
        return Outcome(
            EXISTS, reference, mirror.digest, None, f"{mirror.detail} (a digest pin is checked on the mirror)"
        )
    if hub is None:
        return Outcome(EXISTS, reference, mirror.digest, None, mirror.detail)
    if hub.state == EXISTS and hub.digest and mirror.digest:
        if hub.digest == mirror.digest:
            return Outcome(SAME, reference, mirror.digest, hub.digest, f"{mirror.detail}, same digest as Docker Hub")
        return Outcome(
            DIFFERENT,
            reference,
            mirror.digest,
            hub.digest,
            f"{mirror.detail}, but its digest differs from Docker Hub's: the mirror lags",
        )
    why = hub.detail if hub.state != EXISTS else "a digest could not be read"
    return Outcome(
        EXISTS,
        reference,
        mirror.digest,
        hub.digest,
        f"{mirror.detail}; digest comparison incomplete (Docker Hub: {why})",
    )
