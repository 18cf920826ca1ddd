"""`dehub data refresh`: download the current Docker Official Images list into the user cache.

The list dehub ships ages with the release; images join the official program (a DH002 that
should be a DH001) and leave it (a safe fix that should be unsafe). This asks, in order:

1. the docker-library/official-images repository, through the GitHub contents API: its
   `library/` folder holds one file per official image, and an image that leaves the program
   has its file deleted, so the folder is the program's own list. `GITHUB_TOKEN`, when set, is
   sent (as a bearer token) to the GitHub API host only — api.github.com, or `$GITHUB_API_URL`'s
   host — and never printed; anonymous calls are limited per IP by GitHub.
2. the Docker Hub API, `library/` repositories, page by page (a bounded number of pages). Hub
   keeps the repositories of images that left the program, so this list cannot show new
   removals; the shipped removals still count (see `mirrordata.removed_images`).

HTTP goes through the registry client's transport (`dehub.registry.transport`, as `--verify`
does): a timeout on every request, a bounded number of retries on 429 and 5xx answers, resets
and timeouts, with exponential backoff and jitter, waiting as long as `Retry-After` asks (up to
a cap: longer, and the source is given up), a time budget for the whole refresh, bounded
bodies, and the environment's proxies. A refused connection or a name that does not resolve
means offline: no retries.

Nothing is written unless a whole, plausible list arrived — at least `MIN_NAMES` names, each a
valid repository name — and then atomically (a temporary file renamed over the old one), so a
failed or partial download never replaces a good list. The file is plain text, one name a line
under a `# key: value` header (source, date, count), read by `mirrordata` as cheaply as the
shipped list.
"""

from __future__ import annotations

import http.client
import os
import re
import time
import urllib.parse

from . import __version__, mirrordata
from .registry import untrusted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .registry.transport import Transport

GITHUB_SOURCE = "https://api.github.com/repos/docker-library/official-images/contents/library"
HUB_SOURCE = "https://hub.docker.com/v2/repositories/library/?page_size=100"
DEFAULT_SOURCES = (GITHUB_SOURCE, HUB_SOURCE)
SOURCE_ENV = "DEHUB_DATA_SOURCE"  # space-separated URLs tried in order instead of the defaults

MIN_NAMES = 100  # the program has had over 130 images for years: fewer is a broken answer
MAX_NAMES = 5000
MAX_PAGES = 20  # Docker Hub pages of 100
MAX_BYTES = 8 * 1024 * 1024  # per answer
TIMEOUT = 15.0  # seconds, connect and each read
RETRIES = 3  # after the first attempt
BUDGET = 120.0  # seconds for the whole refresh, every source and page included
# A repository path component, as the distribution spec defines it (lower case).
NAME = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\Z")

sleep = time.sleep  # tests replace these two: to record the waits instead of waiting,
clock = time.time  # and to date a list


class RefreshError(Exception):
    """Why no list was written: one line per source tried."""


class Fetched:
    """A list as it arrived: its names and where from."""

    __slots__ = ("names", "source", "kind")

    def __init__(self, names: list[str], source: str, kind: str) -> None:
        self.names = names
        self.source = source
        self.kind = kind  # "github" or "hub"


def sources_from_environment() -> list[str]:
    return (os.environ.get(SOURCE_ENV) or "").split() or list(DEFAULT_SOURCES)


def refresh(sources: list[str], path: str | None = None, now: float | None = None) -> mirrordata.OfficialList:
    """Fetch the list from the first source that gives a plausible one and write it to `path`.

    RefreshError (nothing written) when every source failed or answered something implausible.
    """
    failures = []
    transport = new_transport()
    for source in sources:
        try:
            fetched = fetch(source, transport)
            names = fetched.names
            if fetched.kind == "hub":  # Hub keeps the repositories of images that left the program
                gone = mirrordata.shipped_removed_images()
                names = [name for name in names if name not in gone]
            names = check_names(names)
        except RefreshError as err:
            failures.append(f"{_host(source)}: {err}")
            continue
        target = path or mirrordata.cached_list_path()
        when = time.gmtime(clock() if now is None else now)
        write(target, names, fetched.source, fetched.kind, time.strftime("%Y-%m-%d", when),
              time.strftime("%Y-%m-%dT%H:%M:%SZ", when))  # fmt: skip
        mirrordata.forget()
        return mirrordata.read_cached_list(target)
    raise RefreshError("\n".join(failures) or "no source to ask")


def fetch(source: str, transport: Transport) -> Fetched:
    """One source's names; its answer's shape says which API it is (GitHub's or Docker Hub's)."""
    scheme = urllib.parse.urlsplit(source).scheme
    if scheme not in ("http", "https"):
        raise RefreshError(f"not an http(s) URL: {source!r}")
    data = get_json(source, transport)
    if isinstance(data, list):  # the GitHub contents API: one entry per file in library/
        names = []
        for entry in data:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise RefreshError("the answer is not a GitHub folder listing (an entry without a name)")
            if entry.get("type") == "file":
                names.append(entry["name"])
        return Fetched(names, source, "github")
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return Fetched(_hub_pages(source, data, transport), source, "hub")
    raise RefreshError("the answer is neither a GitHub folder listing nor a Docker Hub repository list")


def _hub_pages(source: str, first: dict[str, object], transport: Transport) -> list[str]:
    """Every page's `library/` repository names, following `next` on the same host."""
    names: list[str] = []
    page: dict[str, object] = first
    origin = urllib.parse.urlsplit(source)[:2]
    for count in range(1, MAX_PAGES + 1):
        results = page.get("results")
        if not isinstance(results, list):
            raise RefreshError(f"Docker Hub page {count} has no `results` list")
        for entry in results:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise RefreshError(f"Docker Hub page {count} has an entry without a name")
            if entry.get("namespace", "library") == "library":
                names.append(entry["name"])
        following = page.get("next")
        if not following:
            total = page.get("count")
            if isinstance(total, int) and total > len(set(names)):
                raise RefreshError(f"Docker Hub said {total} repositories but listed {len(set(names))}")
            return names
        if not isinstance(following, str):
            raise RefreshError(f"Docker Hub page {count} has a `next` that is not a URL")
        following = urllib.parse.urljoin(source, following)
        if urllib.parse.urlsplit(following)[:2] != origin:
            raise RefreshError(f"Docker Hub page {count} points to another host: {following}")
        answer = get_json(following, transport)
        if not isinstance(answer, dict):
            raise RefreshError(f"Docker Hub page {count + 1} is not a repository list")
        page = answer
    raise RefreshError(f"Docker Hub listed more than {MAX_PAGES} pages; not a list of official images")


def check_names(names: list[str]) -> list[str]:
    """The sorted, distinct names, if the list is plausible; RefreshError says why not."""
    distinct = sorted(set(names))
    invalid = [name for name in distinct if len(name) > 255 or not NAME.match(name)]
    if invalid:
        shown = ", ".join(repr(name) for name in invalid[:3])
        raise RefreshError(f"refused: {len(invalid)} names are not valid repository names ({shown})")
    if len(distinct) < MIN_NAMES:
        raise RefreshError(f"refused: only {len(distinct)} names (fewer than {MIN_NAMES}: not the whole list)")
    if len(distinct) > MAX_NAMES:
        raise RefreshError(f"refused: {len(distinct)} names (more than {MAX_NAMES}: not the official images)")
    return distinct


def write(path: str, names: list[str], source: str, kind: str, date: str, fetched: str) -> None:
    from .atomic import write_atomically

    header = [
        "# Docker Official Images, written by `dehub data refresh`; `dehub data show` says which list is in use",
        f"# source: {source}",
        f"# kind: {kind}",
        f"# date: {date}",
        f"# fetched: {fetched}",
        f"# count: {len(names)}",
    ]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    write_atomically(path, ("\n".join(header + names) + "\n").encode("utf-8"), None)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _token_host() -> str:
    """The one host `GITHUB_TOKEN` may be sent to."""
    return _host(os.environ.get("GITHUB_API_URL") or "https://api.github.com").lower()


def get_json(url: str, transport: Transport) -> object:
    """The JSON answer at `url`, retried as the transport does; RefreshError for the rest (a short line)."""
    from .registry.transport import RETRY_AFTER_CAP, TransportError, parse_retry_after

    headers = {"User-Agent": f"dehub/{__version__}", "Accept": "application/json"}
    if _host(url).lower() == _token_host():
        headers["Accept"] = "application/vnd.github+json"
        headers["X-GitHub-Api-Version"] = "2022-11-28"
        token = os.environ.get("GITHUB_TOKEN")
        if token:  # the transport drops it on a redirect to another origin
            headers["Authorization"] = f"Bearer {token}"
    try:
        response = transport.request("GET", url, headers, max_body=MAX_BYTES)
    except TransportError as err:
        if err.kind in ("connect", "dns"):  # the source's line names the host already
            raise RefreshError(f"cannot connect ({str(err).rpartition(': ')[2]}); offline?") from None
        if err.kind == "too-large":
            raise RefreshError(f"refused: {err}") from None
        raise RefreshError(f"{err}{_tries(err.attempts)}") from None
    status = response.status
    if status == 403 and response.header("x-ratelimit-remaining") == "0":
        hint = "" if "Authorization" in headers else "; set GITHUB_TOKEN to raise it"
        raise RefreshError(f"HTTP 403: the GitHub API rate limit is used up{hint}")
    if status != 200:
        asked = parse_retry_after(response.header("retry-after"), clock()) if status in (429, 503) else None
        if asked is not None and asked > RETRY_AFTER_CAP:  # the transport did not wait that long
            wait = f"asked to retry after {asked:.0f} s (longer than {RETRY_AFTER_CAP:.0f} s)"
            raise RefreshError(f"HTTP {status}: {wait}")
        phrase = http.client.responses.get(status, "")
        raise RefreshError(f"HTTP {status} {phrase}".rstrip() + _tries(response.attempts))
    try:
        return untrusted.loads(response.body)
    except ValueError:
        raise RefreshError("refused: the answer is not JSON") from None


def _tries(attempts: int) -> str:
    return f" after {attempts} tries" if attempts > 1 else ""


def new_transport() -> Transport:
    """A transport for one refresh: its own time budget, no rate cap (a handful of requests)."""
    from .registry.transport import Budget, Clock, RateLimiter, Transport

    class Waits(Clock):
        def sleep(self, seconds: float) -> None:
            if seconds > 0:
                sleep(seconds)  # the module's, so tests can record the waits

    waits = Waits()
    budget = Budget(BUDGET, waits)
    return Transport(timeout=TIMEOUT, retries=RETRIES, budget=budget, limiter=RateLimiter(0, waits), wall=clock)
