"""Container image reference parsing, faithful to Go's distribution/reference.

dehub must classify image references exactly the way ``docker pull`` does,
so this module mirrors ``ParseNormalizedNamed`` from
github.com/distribution/reference (v0.6: reference.go, normalize.go,
regexp.go) together with the digest checks of
github.com/opencontainers/go-digest v1.0.0, error texts included.

The grammar is implemented by hand with ASCII character sets and ``str``
methods instead of ``re``: importing ``re`` alone costs several milliseconds,
and dehub has to start faster than hadolint.  Go's regexp classes (``\\w``,
``[[:xdigit:]]``, ``[a-z]``) are ASCII-only, which is why the sets below are
spelled out rather than using ``str.isalnum``/``str.isdigit`` (those accept
Unicode).

The one addition to upstream: dehub also treats ``registry-1.docker.io`` and
``registry.hub.docker.com`` (and any capitalisation of the Hub names) as
Docker Hub, and gives their single-component paths the ``library/`` prefix.
That never changes whether a reference is valid, only how it is canonicalised.
"""

from __future__ import annotations

__all__ = (
    "HUB_ALIASES",
    "HUB_DOMAIN",
    "Reference",
    "ReferenceError",
    "is_registry_host",
    "is_valid_digest",
    "is_valid_tag",
    "parse",
)

HUB_DOMAIN = "docker.io"
HUB_ALIASES = frozenset(
    ("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")
)

# Upstream: RepositoryNameTotalLengthMax.  Since distribution/reference v0.6.0
# (PR #9) it limits the path only, not domain + "/" + path.
_NAME_MAX = 255
_LEGACY_HUB = "index.docker.io"
_LIBRARY = "library/"

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"

_ALNUM_LOWER = frozenset(_LOWER + _DIGITS)
_LETTERS = frozenset(_LOWER + _UPPER)

# Bound methods: one C call checks every character of a string.
_is_path_chars = frozenset(_LOWER + _DIGITS + "._-/").issuperset
_is_domain_chars = frozenset(_LOWER + _UPPER + _DIGITS + ".-").issuperset
_is_digits = frozenset(_DIGITS).issuperset
_is_ipv6_chars = frozenset(_DIGITS + "abcdefABCDEF:").issuperset
_HEX_BYTES = b"0123456789abcdefABCDEF"
_is_lower_hex = frozenset("0123456789abcdef").issuperset
_is_tag_chars = frozenset(_LOWER + _UPPER + _DIGITS + "_.-").issuperset
_TAG_FIRST = frozenset(_LOWER + _UPPER + _DIGITS + "_")
_is_algo_chars = frozenset(_LOWER + _UPPER + _DIGITS + "-_+.").issuperset
_ALGO_SEPARATORS = frozenset("-_+.")

# A remote name is path-components joined by "/", each
# alpha-numeric [separator alpha-numeric]* with separator := [_.] | __ | -+.
# Given that it starts and ends with an alphanumeric, it is valid exactly
# when no two non-alphanumerics meet other than "__" or "-"+, and "___" does
# not occur.  Only the sequences made of characters present need a look, so
# they are grouped by which of ".", "_", "-" the name contains.
def _bad_seqs(dot: bool, under: bool, dash: bool) -> tuple[str, ...]:
    seqs = ["//"]
    if dot:
        seqs += ("/.", "./", "..")
    if under:
        seqs += ("/_", "_/", "___")
    if dash:
        seqs += ("/-", "-/")
    if dot and under:
        seqs += ("._", "_.")
    if dot and dash:
        seqs += (".-", "-.")
    if under and dash:
        seqs += ("_-", "-_")
    return tuple(seqs)


_BAD_PATH_SEQS = tuple(_bad_seqs(bool(i & 1), bool(i & 2), bool(i & 4)) for i in range(8))
del _bad_seqs

# go-digest v1.0.0: algorithms available in docker (crypto/sha256 and
# crypto/sha512 are linked) and the hex length each requires.
_DIGEST_HEX_LEN = {"sha256": 64, "sha384": 96, "sha512": 128}

_ERR_FORMAT = "invalid reference format"
_ERR_UPPER = "repository name must be lowercase"
_ERR_TOO_LONG = "repository name must not be more than 255 characters"
_ERR_DIGEST_FORMAT = "invalid checksum digest format"
_ERR_DIGEST_LENGTH = "invalid checksum digest length"
_ERR_DIGEST_UNSUPPORTED = "unsupported digest algorithm"


class ReferenceError(ValueError):
    """Invalid reference; ``str(err)`` is the upstream (docker) message.

    A ValueError so callers that validate user input generically catch it.
    """


class Reference:
    """A parsed, normalised image reference.

    Keeps the written text and the end of the name in it so that dehub can
    rewrite only the name part of a line in place.
    """

    __slots__ = ("written", "domain", "path", "tag", "digest", "name_end", "explicit_domain")

    def __init__(
        self,
        written: str,
        domain: str,
        path: str,
        tag: str | None,
        digest: str | None,
        name_end: int,
        explicit_domain: bool,
    ) -> None:
        self.written = written
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
        self.name_end = name_end
        self.explicit_domain = explicit_domain

    @property
    def is_docker_hub(self) -> bool:
        """True for any Docker Hub alias (hostnames compare case-insensitively)."""
        return self.domain.lower() in HUB_ALIASES

    @property
    def familiar_name(self) -> str:
        """The name as ``docker`` prints it: ``node``, ``myorg/app``, ``ghcr.io/o/a``.

        Like upstream's familiarizeName, ``library/`` is dropped only when what
        follows has no further ``/`` (``library/foo/bar`` stays as is).
        """
        path = self.path
        if self.domain.lower() in HUB_ALIASES:
            if path.startswith(_LIBRARY) and "/" not in path[8:]:
                return path[8:]
            return path
        if not self.domain:
            return path
        return self.domain + "/" + path

    @property
    def name(self) -> str:
        """Canonical repository name, ``docker.io`` for every Hub alias."""
        domain = self.domain
        if domain.lower() in HUB_ALIASES:
            return HUB_DOMAIN + "/" + self.path
        if not domain:
            return self.path
        return domain + "/" + self.path

    @property
    def canonical(self) -> str:
        """Canonical reference, e.g. ``docker.io/library/node:20`` (no implicit tag)."""
        text = self.name
        if self.tag is not None:
            text += ":" + self.tag
        if self.digest is not None:
            text += "@" + self.digest
        return text

    def __repr__(self) -> str:
        return (
            f"Reference({self.written!r}, domain={self.domain!r}, path={self.path!r}, "
            f"tag={self.tag!r}, digest={self.digest!r}, name_end={self.name_end}, "
            f"explicit_domain={self.explicit_domain})"
        )


def _is_remote_name(path: str) -> bool:
    """remote-name := path-component ['/' path-component]* (lower-case ASCII)."""
    if not path or not _is_path_chars(path):
        return False
    if path[0] not in _ALNUM_LOWER or path[-1] not in _ALNUM_LOWER:
        return False
    return all(seq not in path for seq in _BAD_PATH_SEQS[("." in path) + 2 * ("_" in path) + 4 * ("-" in path)])


def _is_domain(domain: str) -> bool:
    """domain := (domain-name | '[' IPv6 ']') [':' port-number]."""
    if domain == HUB_DOMAIN:  # the implicit domain of most references
        return True
    if not domain:
        return False
    if domain[0] == "[":
        close = domain.find("]")
        # Upstream only asks for [a-fA-F0-9:]+ between the brackets.
        if close < 2 or not _is_ipv6_chars(domain[1:close]):
            return False
        port = domain[close + 1 :]
    else:
        colon = domain.find(":")
        if colon < 0:
            host, port = domain, ""
        else:
            host, port = domain[:colon], domain[colon:]
        if not host or not _is_domain_chars(host):
            return False
        if host[0] in "-." or host[-1] in "-." or ".." in host or ".-" in host or "-." in host:
            return False
    if port:
        return len(port) > 1 and port[0] == ":" and _is_digits(port[1:])
    return True


def _is_tag(tag: str) -> bool:
    """tag := [\\w][\\w.-]{0,127} with ASCII \\w."""
    return 0 < len(tag) <= 128 and tag[0] in _TAG_FIRST and _is_tag_chars(tag)


def _is_hex(text: str) -> bool:
    """[[:xdigit:]]* for the long hex part: bytes.translate beats a set scan."""
    return text.isascii() and not text.encode().translate(None, _HEX_BYTES)


def _is_digest_syntax(digest: str) -> bool:
    """Upstream digestPat: algorithm ':' hex{32,}.

    algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.] [A-Za-z][A-Za-z0-9]*)*
    (regexp.go's class is [-_+.]; the grammar comment's "[+.-_]" is a typo.)
    """
    colon = digest.find(":")
    if colon < 1:
        return False
    hexpart = digest[colon + 1 :]
    if len(hexpart) < 32 or not _is_hex(hexpart):
        return False
    algo = digest[:colon]
    if algo in _DIGEST_HEX_LEN:
        return True
    if algo[0] not in _LETTERS or not _is_algo_chars(algo):
        return False
    if algo.isalnum():  # ASCII by now: no separators to check
        return True
    # Each separator must be followed by a letter (so none trails or repeats).
    seps = _ALGO_SEPARATORS
    letters = _LETTERS
    last = len(algo) - 1
    return not any(algo[i] in seps and (i == last or algo[i + 1] not in letters) for i in range(1, last + 1))


def _digest_error(digest: str) -> str | None:
    """go-digest v1.0.0 Digest.Validate on a digest that matched digestPat."""
    colon = digest.find(":")
    algo = digest[:colon]
    size = _DIGEST_HEX_LEN.get(algo)
    if size is None:
        # Not available: go-digest's DigestRegexp is lower-case only for the
        # algorithm, so upper case is a format error, anything else unsupported.
        return _ERR_DIGEST_UNSUPPORTED if algo.lower() == algo else _ERR_DIGEST_FORMAT
    hexpart = digest[colon + 1 :]
    if len(hexpart) != size:
        return _ERR_DIGEST_LENGTH
    if hexpart.lower() != hexpart:  # already known to be ASCII hex
        return _ERR_DIGEST_FORMAT
    return None


def _match(domain: str, rest: str) -> tuple[str, str, str | None, str | None] | None:
    """Upstream Parse(domain + "/" + rest): referenceRegexp, anchoredNameRegexp.

    Returns (domain, path, tag, digest) or None.  Tag and digest never hold a
    "/", and a path component never holds ":" or "@", so the name must end at
    the first ":" or "@" after the last "/": the split below is the only one
    the regexp could have found.  ``domain`` never holds "/", so the name's
    first "/" follows it.
    """
    start = rest.rfind("/") + 1
    end = len(rest)
    colon = rest.find(":", start)
    if colon >= 0:
        end = colon
    at = rest.find("@", start, end)
    if at >= 0:
        end = at
    tag = digest = None
    if end < len(rest):
        suffix = rest[end + 1 :]
        if rest[end] == ":":
            at = suffix.find("@")
            if at >= 0:
                tag, digest = suffix[:at], suffix[at + 1 :]
            else:
                tag = suffix
            if not _is_tag(tag):
                return None
        else:
            digest = suffix
        if digest is not None and not _is_digest_syntax(digest):
            return None
        rest = rest[:end]
    if not _is_remote_name(rest):
        return None
    if _is_domain(domain):
        return domain, rest, tag, digest
    # The optional domain group fails; the regexp then reads the whole name
    # as a remote name with no domain.
    if _is_remote_name(domain):
        return "", domain + "/" + rest, tag, digest
    return None


def _go_lower(s: str) -> str:
    """Go's strings.ToLower: per-rune simple mapping (U+0130 becomes plain "i")."""
    return s.replace("\u0130", "i").lower()


def is_registry_host(component: str) -> bool:
    """Whether the first path component names a registry (splitDockerDomain's test): it has a
    `.` or a `:`, is `localhost`, or has upper case; otherwise it is a Docker Hub namespace."""
    return component == "localhost" or "." in component or ":" in component or component.lower() != component


TYPE_CHECKING = False
if TYPE_CHECKING:  # Reference's constructor arguments, in order
    _Fields = tuple[str, str, str, str | None, str | None, int, bool]

_parsed: dict[str, _Fields | str] = {}  # text -> Reference fields, or the error message
MAX_PARSED = 8192


def parse(text: str) -> Reference:
    """Parse an image reference as docker does (ParseNormalizedNamed).

    Raises ReferenceError with upstream's message.  Nothing is stripped: any
    whitespace makes the reference invalid, as it does for docker. Results are
    remembered (a file names the same images often, and an editor re-lints the
    same file after each change); each call returns a new Reference, which the
    caller may change.
    """
    found = _parsed.get(text)
    if found is None:
        try:
            ref = _parse(text)
            found = (ref.written, ref.domain, ref.path, ref.tag, ref.digest, ref.name_end, ref.explicit_domain)
        except ReferenceError as err:
            found = str(err)
        if len(_parsed) >= MAX_PARSED:
            _parsed.clear()
        _parsed[text] = found
    if type(found) is str:
        raise ReferenceError(found)
    return Reference(*found)


def _parse(text: str) -> Reference:
    # anchoredIdentifierRegexp: a bare image ID is not a repository name.
    if len(text) == 64 and _is_lower_hex(text):  # rare: only at length 64
        raise ReferenceError(
            f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"
        )

    # splitDockerDomain.
    slash = text.find("/")
    explicit = False
    if slash < 0:
        domain = HUB_DOMAIN
        remainder = _LIBRARY + text
    else:
        first = text[:slash]
        if is_registry_host(first):
            explicit = True
            domain = HUB_DOMAIN if first == _LEGACY_HUB else first
            remainder = text[slash + 1 :]
            if domain == HUB_DOMAIN and "/" not in remainder:
                remainder = _LIBRARY + remainder
        else:
            domain = HUB_DOMAIN
            remainder = text

    colon = remainder.find(":")
    remote = remainder if colon < 0 else remainder[:colon]
    if remote.lower() != remote:
        raise ReferenceError(
            f"invalid reference format: repository name ({remote}) must be lowercase"
        )

    # Parse(domain + "/" + remainder).
    m = _match(domain, remainder)
    if m is None:
        # Upstream retries the lower-cased text to tell the user why.
        low_domain = _go_lower(domain)
        low_rest = _go_lower(remainder)
        if (low_domain != domain or low_rest != remainder) and _match(
            low_domain, low_rest
        ) is not None:
            raise ReferenceError(_ERR_UPPER)
        raise ReferenceError(_ERR_FORMAT)
    domain, path, tag, digest = m
    if len(path) > _NAME_MAX:
        raise ReferenceError(_ERR_TOO_LONG)
    if digest is not None:
        err = _digest_error(digest)
        if err is not None:
            raise ReferenceError(err)

    # dehub: every Hub alias gets the implicit "library/" (upstream only
    # does it for docker.io and index.docker.io).
    if "/" not in path and domain.lower() in HUB_ALIASES:
        path = _LIBRARY + path

    name_end = len(text)
    if digest is not None:
        name_end -= len(digest) + 1
    if tag is not None:
        name_end -= len(tag) + 1
    return Reference(text, domain, path, tag, digest, name_end, explicit)


def is_valid_tag(text: str) -> bool:
    """True when ``text`` is a valid tag (``[\\w][\\w.-]{0,127}``, ASCII)."""
    return _is_tag(text)


def is_valid_digest(text: str) -> bool:
    """True when ``text`` would be accepted as the digest of a reference.

    That is upstream's digestPat plus go-digest's validation: a known
    algorithm (sha256, sha384, sha512) with the exact number of lower-case
    hex digits.
    """
    return _is_digest_syntax(text) and _digest_error(text) is None
