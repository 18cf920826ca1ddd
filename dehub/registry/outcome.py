"""What a registry said about one reference, as one of a few fixed states.

The states are strings so that they cross process boundaries, JSON and SARIF unchanged.
Only an answer from the registry itself (`answered`) may change what dehub does with a fix;
trouble on the way (rate limits, auth, network) leaves the finding as it was offline.
"""

from __future__ import annotations

EXISTS = "exists"  # tag/digest present (plain --verify)
SAME = "exists-same-digest"  # --verify=digest: same top-level digest as Docker Hub
DIFFERENT = "exists-different-digest"  # --verify=digest: the mirror lags
MISSING = "missing"  # 404 MANIFEST_UNKNOWN / NAME_UNKNOWN from a full mirror
NOT_CACHED = "not-cached"  # 404 from an on-demand cache (a warning, not a failure)
RATE_LIMITED = "rate-limited"  # 429 after retries
AUTH_REQUIRED = "auth-required"  # 401/403 we could not get past
UNREACHABLE = "unreachable"  # DNS, connect, TLS, timeouts, 5xx after retries

STATES = (EXISTS, SAME, DIFFERENT, MISSING, NOT_CACHED, RATE_LIMITED, AUTH_REQUIRED, UNREACHABLE)
ANSWERED = frozenset((EXISTS, SAME, DIFFERENT, MISSING, NOT_CACHED))
SAFE = frozenset((EXISTS, SAME))


class Outcome:
    """The registry's answer for one reference.

    `digest` is the mirror's top-level manifest digest when it answered with one, `hub_digest`
    Docker Hub's for the same tag (--verify=digest). `detail` is one short human line; it never
    holds a credential (it is printed, logged and written into reports).
    """

    __slots__ = ("state", "reference", "digest", "hub_digest", "detail")

    def __init__(
        self,
        state: str,
        reference: str,
        digest: str | None = None,
        hub_digest: str | None = None,
        detail: str = "",
    ) -> None:
        if state not in STATES:
            raise ValueError(f"unknown verification state {state!r}")
        self.state = state
        self.reference = reference
        self.digest = digest
        self.hub_digest = hub_digest
        self.detail = detail

    @property
    def answered(self) -> bool:
        """True when the registry itself answered (exists, missing, not cached)."""
        return self.state in ANSWERED

    @property
    def makes_safe(self) -> bool:
        """True when the answer proves the suggested reference can be pulled."""
        return self.state in SAFE

    def to_dict(self) -> dict[str, str | None]:
        """The JSON shape of reports and of the on-disk cache."""
        return {
            "state": self.state,
            "reference": self.reference,
            "digest": self.digest,
            "hub_digest": self.hub_digest,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> Outcome:
        """The inverse of `to_dict` (ValueError for anything that is not one)."""
        state, reference = data.get("state"), data.get("reference")
        if not isinstance(state, str) or not isinstance(reference, str):
            raise ValueError("an outcome needs a state and a reference")
        digest, hub_digest, detail = data.get("digest"), data.get("hub_digest"), data.get("detail")
        for value in (digest, hub_digest):
            if value is not None and not isinstance(value, str):
                raise ValueError("a digest is a string or null")
        return cls(state, reference, digest, hub_digest, detail if isinstance(detail, str) else "")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.state, self.reference, self.digest, self.hub_digest, self.detail))

    def __repr__(self) -> str:
        return (
            f"Outcome({self.state!r}, {self.reference!r}, digest={self.digest!r}, "
            f"hub_digest={self.hub_digest!r}, detail={self.detail!r})"
        )
