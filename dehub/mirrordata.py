"""The data dehub ships about the mirror: official images, removed images, known gaps.

Read lazily, once per process, from plain text files in `dehub/data/` (no YAML or JSON
parser to import on the hot path). `dehub data refresh` (`datarefresh.py`) may have written a
newer official image list to the user cache; it is used instead of the shipped one when its
date is later than the shipped list's, so a new dehub release (with a newer list) wins over an
old refresh without anyone deleting the cache. Images that the shipped list has and a newer
refreshed list lacks have left the official program since: they count as removed (an unsafe
fix: old tags stay mirrored, new ones are not built).
"""

from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(__file__), "data")
OFFICIAL_FILE = "official-images.txt"  # the shipped list's name, and the refreshed list's in the cache
SHIPPED_LIST_DATE = "2026-08-21"  # the date of the shipped list (the commit named in its first line)

_official: OfficialList | None = None  # each read once per process, when first asked for
_shipped: OfficialList | None = None
_removed: dict[str, str] | None = None
_shipped_removed: dict[str, str] | None = None
_exceptions: list[MirrorException] | None = None


class OfficialList:
    """One official image list: the names, as of which date, from where, and where it is stored."""

    __slots__ = ("names", "date", "source", "path", "refreshed")

    def __init__(self, names: frozenset[str], date: str, source: str, path: str, refreshed: bool) -> None:
        self.names = names
        self.date = date  # YYYY-MM-DD
        self.source = source  # where the names came from (a URL, or the shipped list's commit)
        self.path = path
        self.refreshed = refreshed  # from `dehub data refresh`, not the list dehub ships

    @property
    def description(self) -> str:
        """How reasons name this list: `not in {description}`."""
        if self.refreshed:
            return f"the Docker Official Images list from `dehub data refresh` (as of {self.date})"
        return f"the Docker Official Images list dehub ships (as of {self.date})"


def _lines(name: str) -> list[str]:
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


def cached_list_path() -> str:
    """Where `dehub data refresh` keeps its list: the user cache (`$XDG_CACHE_HOME/dehub/`)."""
    from .configcache import cache_dir

    return os.path.join(cache_dir(), OFFICIAL_FILE)


def shipped_list() -> OfficialList:
    global _shipped
    if _shipped is None:
        path = os.path.join(DATA, OFFICIAL_FILE)
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        source = lines[0][len("# source:") :].strip() if lines and lines[0].startswith("# source:") else "dehub"
        names = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
        _shipped = OfficialList(names, SHIPPED_LIST_DATE, source, path, refreshed=False)
    return _shipped


def read_cached_list(path: str) -> OfficialList:
    """A list `dehub data refresh` wrote; OSError if it cannot be read, ValueError if it is not one.

    Its header says `# date: YYYY-MM-DD`, `# source: URL` and `# count: N`; a file whose
    number of names is not its count was cut short or edited, and is not used.
    """
    header: dict[str, str] = {}
    names = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("#"):
                key, separator, value = line[1:].partition(":")
                if separator:
                    header.setdefault(key.strip(), value.strip())
            elif line:
                names.append(line)
    date = header.get("date", "")
    if len(date) != 10 or date[4] != "-" or date[7] != "-" or not date.replace("-", "").isdigit():
        raise ValueError("it has no `# date: YYYY-MM-DD` line")
    if header.get("count") != str(len(names)):
        raise ValueError(f"it holds {len(names)} names, not the {header.get('count', '?')} its header says")
    return OfficialList(frozenset(names), date, header.get("source", "?"), path, refreshed=True)


def cached_list() -> tuple[OfficialList | None, str]:
    """The refreshed list in the cache if it is there and readable, else None and why not."""
    path = cached_list_path()
    try:
        return read_cached_list(path), ""
    except FileNotFoundError:
        return None, "no refreshed list (`dehub data refresh` writes one)"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"{path} is not used: {err}"


def official_list() -> OfficialList:
    """The list in use: the refreshed one if it is newer than the shipped list, else the shipped one."""
    global _official
    if _official is None:
        cached, _ = cached_list()
        shipped_date = SHIPPED_LIST_DATE
        _official = cached if cached is not None and cached.date > shipped_date else shipped_list()
    return _official


def official_images() -> frozenset[str]:
    """Names of the current Docker Official Images (`library/<name>` on Docker Hub)."""
    return official_list().names


def shipped_removed_images() -> dict[str, str]:
    """The shipped list of images removed from the official program -> the date, "2024-07-29"."""
    global _shipped_removed
    if _shipped_removed is None:
        lines = _lines("official-images-removed.txt")
        _shipped_removed = {parts[0]: parts[2] for parts in (line.split() for line in lines)}
    return _shipped_removed


def removed_images() -> dict[str, str]:
    """Images removed from the official program -> the date they were removed (YYYY-MM-DD).

    With a refreshed list in use, the shipped list's images that it lacks were removed between
    the two lists' dates: they map to the refreshed list's date (`removed_phrase` says
    "between"). The shipped list of removals itself is not refreshed: it comes from the
    repository's history, which would take a request per deleted file.
    """
    global _removed
    if _removed is None:
        removed = dict(shipped_removed_images())
        current = official_list()
        if current.refreshed:
            for name in sorted(shipped_list().names - current.names):
                removed.setdefault(name, current.date)
        _removed = removed
    return _removed


def removed_phrase(name: str) -> str | None:
    """When `name` left the official program, for a message ("on 2024-07-29"); None if it did not."""
    date = removed_images().get(name)
    if date is None:
        return None
    if name in shipped_removed_images():
        return f"on {date}"
    return f"between {shipped_list().date} and {date}"


def forget() -> None:
    """Read the lists again when next asked (after `dehub data refresh` wrote a new one)."""
    global _official, _removed
    _official = _removed = None


class MirrorException:
    __slots__ = ("image", "tag", "effect", "source")

    def __init__(self, image: str, tag: str, effect: str, source: str) -> None:
        self.image = image
        self.tag = tag
        self.effect = effect  # "missing" or "unverified"
        self.source = source


def mirror_exceptions() -> list[MirrorException]:
    global _exceptions
    if _exceptions is None:
        _exceptions = [MirrorException(*line.split("\t", 3)) for line in _lines("mirror-exceptions.tsv")]
    return _exceptions
