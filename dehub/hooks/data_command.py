"""`dehub data refresh` and `dehub data show`: the official image list, downloaded and in use.

The only command besides `check --verify` that uses the network; `dehub check` reads whatever
list is in use and never asks for a new one.
"""

from __future__ import annotations

import sys

from .args import APPEND, VALUE, Command, Option, UsageError
from .common import EXIT_CLEAN, EXIT_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.mirrordata import OfficialList

REFRESH = Command(
    "dehub data refresh [--source URL]...",
    "Download the current Docker Official Images list into the user cache; `dehub check` then uses\n"
    "it while it is newer than the list dehub ships. Offline or on any error nothing changes.",
    [
        Option(
            "--source",
            action=APPEND,
            dest="sources",
            metavar="URL",
            help="ask this URL (a GitHub contents or Docker Hub API answer) instead of the defaults;\n"
            "repeat to try several in order (also DEHUB_DATA_SOURCE, space-separated)",
        ),
    ],
)
SHOW = Command(
    "dehub data show [--format text|json]",
    "Say which official image list is in use: its date, number of images, source and path.",
    [Option("--format", action=VALUE, choices=("text", "json"), metavar="FORMAT", help="output format")],
)
SUBCOMMANDS = ("refresh", "show")
USAGE = """usage: dehub data refresh [--source URL]...
       dehub data show [--format text|json]

refresh  download the current Docker Official Images list into the user cache
show     say which list is in use (shipped or refreshed): its date, count, source and path
         (`dehub data status` is the same)
"""


def data(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return EXIT_CLEAN if argv else EXIT_ERROR
    sub, rest = argv[0], argv[1:]
    if sub == "refresh":
        return refresh(rest)
    if sub in ("show", "status"):
        return show(rest)
    raise UsageError(f"unknown data command {sub!r} (choose from {', '.join(SUBCOMMANDS)})")


def refresh(argv: list[str]) -> int:
    options = REFRESH.parse(argv)
    if options is None:
        return EXIT_CLEAN
    if options.positionals:
        raise UsageError(f"unexpected argument {options.positionals[0]!r}")
    from dehub import datarefresh, mirrordata

    before = mirrordata.official_list()
    sources = options.sources or datarefresh.sources_from_environment()
    try:
        written = datarefresh.refresh(sources)
    except datarefresh.RefreshError as err:
        mirrordata.forget()
        kept = mirrordata.official_list()
        reasons = "".join(f"\n  {line}" for line in str(err).splitlines())
        sys.stderr.write(
            f"dehub: error: could not refresh the official image list; nothing changed "
            f"(in use: {_which(kept)}, {len(kept.names)} images as of {kept.date}){reasons}\n"
        )
        return EXIT_ERROR
    except OSError as err:  # the cache folder cannot be written
        sys.stderr.write(f"dehub: error: could not write the official image list: {err}\n")
        return EXIT_ERROR
    shipped = mirrordata.shipped_list()
    sys.stdout.write(
        f"wrote {len(written.names)} official images as of {written.date} from {written.source}\n"
        f"  to {written.path}\n"
    )
    if not mirrordata.official_list().refreshed:
        sys.stdout.write(f"  not used: the shipped list (as of {shipped.date}) is as new or newer\n")
        return EXIT_CLEAN
    added = sorted(written.names - before.names)
    gone = sorted(before.names - written.names)
    if added:
        sys.stdout.write(f"  new since the list used before: {', '.join(added)}\n")
    if gone:
        sys.stdout.write(f"  gone since the list used before: {', '.join(gone)} (their fixes are unsafe now)\n")
    return EXIT_CLEAN


def _which(official: OfficialList) -> str:
    return "the refreshed list" if official.refreshed else "the shipped list"


def show(argv: list[str]) -> int:
    options = SHOW.parse(argv)
    if options is None:
        return EXIT_CLEAN
    if options.positionals:
        raise UsageError(f"unexpected argument {options.positionals[0]!r}")
    from dehub import mirrordata

    shipped = mirrordata.shipped_list()
    cached, why_not = mirrordata.cached_list()
    in_use = mirrordata.official_list()
    removed = mirrordata.removed_images()
    if options.format == "json":
        import json

        def entry(official: mirrordata.OfficialList) -> dict[str, object]:
            return {"path": official.path, "date": official.date, "count": len(official.names),
                    "source": official.source, "in_use": official.refreshed == in_use.refreshed}  # fmt: skip

        document = {
            "version": 1,
            "in_use": "refreshed" if in_use.refreshed else "shipped",
            "shipped": entry(shipped),
            "refreshed": entry(cached) if cached is not None else None,
            "cache_path": mirrordata.cached_list_path(),
            "note": why_not if cached is None else "" if in_use.refreshed else "not newer than the shipped list",
            "removed": len(removed),
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return EXIT_CLEAN
    out = [f"in use: {_which(in_use)}, {len(in_use.names)} official images as of {in_use.date}"]
    for title, official in (("refreshed", cached), ("shipped", shipped)):
        if official is None:
            missing = why_not.startswith("no refreshed list")
            out.append(f"{title}: none; `dehub data refresh` writes one to {mirrordata.cached_list_path()}"
                       if missing else f"{title}: {why_not}")  # fmt: skip
            continue
        out.append(f"{title}: {len(official.names)} images as of {official.date}")
        out.append(f"  path: {official.path}")
        out.append(f"  source: {official.source}")
        if official is cached and not in_use.refreshed:
            out.append("  not used: it is not newer than the shipped list")
    out.append(f"removed from the program: {len(removed)} images (fixes to them are unsafe)")
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_CLEAN
