"""The baseline: today's findings, recorded so that a run reports and fails only on new ones.

A big repository cannot move every image in one change; with a baseline it can turn dehub on
now, stop new Docker Hub pulls from coming in, and pay the old ones off over time (detekt's
and PHPStan's baselines, for the same reason).

A finding is matched by what it is, never by where it is: path (relative to the baseline
file's folder, so the file works from any working directory), code, and image (the message
for the few findings without one); an entry's `count` says how many such findings a file may
hold, taken in file order (an ordinal), so a second `FROM node:20` added to a file with one is
new. Lines are not recorded: an edit that moves a finding up or down does not bring it back,
and an edit that changes its image makes it a new finding.

The file is JSON, versioned, one entry a line, sorted: it diffs well in review.

    {
      "version": 1,
      "findings": [
        {"path": "api/Dockerfile", "code": "DH001", "image": "node:20", "count": 2}
      ]
    }

Parse errors (DH900, hadolint's DL1000) are never recorded: a file dehub or hadolint cannot
read must always show.
"""

from __future__ import annotations

import os

from .findings import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

VERSION = 1
NEVER = frozenset(("DH900", "DL1000"))  # a file that cannot be read or parsed must always show

Key = tuple[str, str, str, str]  # (path, code, "image" or "message", its value)


class BaselineError(ValueError):
    """The baseline file cannot be read, or is not a dehub baseline; str(err) says why."""


class Baseline:
    """The accepted findings of one baseline file, counted per key."""

    __slots__ = ("path", "folder", "counts")

    def __init__(self, path: str, counts: dict[Key, int] | None = None) -> None:
        self.path = path
        self.folder = os.path.dirname(os.path.abspath(path))
        self.counts: dict[Key, int] = counts or {}


class Tally:
    """What one baseline did in a run, for the summary."""

    __slots__ = ("shown", "baselined", "stale", "written")

    def __init__(self, shown: str, written: bool = False) -> None:
        self.shown = shown  # the file as the user would type it
        self.baselined = 0  # findings it accepted (not reported)
        self.stale = 0  # findings it accepts that were not found
        self.written = written  # --write-baseline wrote it in this run


class InUse:
    """The baselines of one run: `--baseline` or `--write-baseline` for every file, else the one
    each file's configuration names (`baseline:`; a monorepo's projects may each have one)."""

    def __init__(self, given: str | None = None, write: bool = False, configured: bool = True) -> None:
        self.given = given  # --baseline FILE or --write-baseline FILE, as typed
        self.write = write
        self.configured = configured  # False with --no-baseline
        self.of_file: dict[str, str] = {}  # a checked file (as findings name it) -> its baseline, absolute
        self.named_by: dict[str, str | None] = {}  # baseline -> the configuration naming it (None: the CLI)
        self.baselines: dict[str, Baseline] = {}
        self.tallies: dict[str, Tally] = {}

    def assign(self, path: str, config_baseline: str | None, config_path: str | None) -> None:
        """Which baseline applies to the file at `path`, whose configuration names `config_baseline`."""
        if self.given is not None:
            target, named_by = os.path.abspath(self.given), None
        elif self.configured and config_baseline is not None:
            target, named_by = config_baseline, config_path
        else:
            return
        self.of_file[path] = target
        self.named_by.setdefault(target, named_by)

    def load(self) -> None:
        """Read every baseline assigned (not the one --write-baseline will write): BaselineError."""
        if self.write:
            return
        for target, config_path in self.named_by.items():
            if target in self.baselines:
                continue
            try:
                self.baselines[target] = load(self.shown(target))
            except BaselineError as err:
                raise BaselineError(f"{err} (from `baseline` in {config_path})" if config_path else str(err)) from None

    def apply(self, findings: list[Finding], checked: list[str], ran: Callable[[str, str], bool]) -> list[Finding]:
        """Write the baseline (--write-baseline: OSError), then the findings no baseline accepts."""
        if not self.of_file and not (self.write and self.given):
            return findings
        if self.write and self.given is not None:
            written = os.path.abspath(self.given)
            mine = [finding for finding in findings if self.of_file.get(finding.path) == written]
            self.baselines[written] = write(self.given, mine)
        groups: dict[str, list[Finding]] = {}
        for finding in findings:
            found = self.of_file.get(finding.path)
            if found is not None:
                groups.setdefault(found, []).append(finding)
        kept = {id(finding) for finding in findings if finding.path not in self.of_file}
        checked_of: dict[str, list[str]] = {}  # baseline -> its checked files (a monorepo may have thousands of each)
        for path in checked:
            found = self.of_file.get(path)
            if found is not None:
                checked_of.setdefault(found, []).append(path)
        for target, baseline in self.baselines.items():
            outcome = split(groups.get(target, []), baseline, checked_of.get(target, []), ran)
            kept.update(id(finding) for finding in outcome.new)
            tally = self.tallies[target] = Tally(self.shown(target), self.write)
            tally.baselined, tally.stale = outcome.baselined, outcome.stale
        return [finding for finding in findings if id(finding) in kept]

    def shown(self, target: str) -> str:
        """A baseline's path as the user would type it: as given, else relative to here."""
        if self.given is not None:
            return self.given
        try:
            return os.path.relpath(target)
        except ValueError:  # another drive (Windows)
            return target


class Outcome:
    """What a baseline did to one run's findings."""

    __slots__ = ("new", "baselined", "stale")

    def __init__(self, new: list[Finding], baselined: int, stale: int) -> None:
        self.new = new  # the findings to report: not in the baseline
        self.baselined = baselined  # findings the baseline accepted (not reported)
        self.stale = stale  # accepted findings no longer found (fixed, moved away, renamed)


def relative_path(path: str, folder: str) -> str:
    """A finding's path as the baseline records it: relative to `folder`, `/` separators."""
    relative = os.path.relpath(os.path.abspath(path), folder)
    return relative.replace(os.sep, "/") if os.sep != "/" else relative


def key(finding: Finding, path: str) -> Key:
    """What a finding is, as the baseline matches it: `path` is its path relative to the baseline."""
    if finding.image:
        return path, finding.code, "image", finding.image
    return path, finding.code, "message", finding.message


def recordable(finding: Finding) -> bool:
    return finding.code not in NEVER


def split(
    findings: list[Finding], baseline: Baseline, checked: list[str], ran: Callable[[str, str], bool]
) -> Outcome:
    """Findings not in the baseline, in order; and the counts of those in it and of stale entries.

    Stale entries are counted only where this run looked: files it checked (`checked`, as the
    findings name them) and codes it ran on them (`ran(path, code) -> bool`), so a run over part
    of the tree or with `--select` does not call the rest of the baseline stale; and for files
    that no longer exist (renamed or deleted), whatever the run looked at.
    """
    folder = baseline.folder
    left = dict(baseline.counts)
    new = []
    baselined = 0
    relative = _relative_paths(folder)
    for finding in findings:
        if recordable(finding):
            found = key(finding, relative(finding.path))
            remaining = left.get(found, 0)
            if remaining:
                left[found] = remaining - 1
                baselined += 1
                continue
        new.append(finding)
    looked = {relative(path): path for path in checked}
    gone: dict[str, bool] = {}

    def is_gone(path: str) -> bool:  # renamed or deleted: its entries can never match again
        found = gone.get(path)
        if found is None:
            found = gone[path] = not os.path.lexists(os.path.join(folder, path))
        return found

    stale = sum(
        count
        for (path, code, _, _), count in left.items()
        if count and (ran(looked[path], code) if path in looked else is_gone(path))
    )
    return Outcome(new, baselined, stale)


def _relative_paths(folder: str) -> Callable[[str], str]:
    """`relative_path` for one folder, remembered per path (a file's findings share its path)."""
    memo: dict[str, str] = {}

    def relative(path: str) -> str:
        found = memo.get(path)
        if found is None:
            found = memo[path] = relative_path(path, folder)
        return found

    return relative


def load(path: str) -> Baseline:
    import json

    from .regularfile import read_regular

    try:
        raw = read_regular(path)  # a FIFO or device is refused, not waited on
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path}: no such file; write it with `dehub check --write-baseline {path}`"
        ) from None
    except OSError as err:
        raise BaselineError(f"baseline {path}: cannot read: {err.strerror or err}") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise BaselineError(f"baseline {path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except ValueError as err:
        raise BaselineError(f"baseline {path}: not valid JSON: {err}") from None
    return Baseline(path, _counts(document, path))


def _counts(document: object, path: str) -> dict[Key, int]:
    problem = f"baseline {path}:"
    if not isinstance(document, dict) or "version" not in document:
        raise BaselineError(f"{problem} not a dehub baseline (expected an object with `version` and `findings`)")
    version = document["version"]
    if version != VERSION:
        raise BaselineError(
            f"{problem} version {version!r} is not supported (this dehub reads version {VERSION}); "
            f"write it again with `dehub check --write-baseline {path}`"
        )
    unknown = sorted(set(document) - {"version", "findings"})
    if unknown:
        raise BaselineError(f"{problem} unknown key `{unknown[0]}`; known keys: findings, version")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{problem} `findings` must be a list of entries")
    counts: dict[Key, int] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{problem} entry {number}:"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where} expected an object with path, code, image (or message) and count")
        fields = set(entry)
        which = "image" if "image" in fields else "message"
        expected = {"path", "code", which, "count"}
        if fields != expected:
            missing = sorted(expected - fields)
            extra = sorted(fields - expected)
            detail = f"missing `{missing[0]}`" if missing else f"unknown key `{extra[0]}`"
            raise BaselineError(f"{where} {detail} (an entry has path, code, image or message, and count)")
        values = (entry["path"], entry["code"], entry[which])
        if not all(isinstance(value, str) and value for value in values):
            raise BaselineError(f"{where} path, code and {which} must be non-empty strings")
        count = entry["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{where} `count` must be a positive number, got {count!r}")
        found: Key = (values[0], values[1], which, values[2])
        counts[found] = counts.get(found, 0) + count
    return counts


def count(findings: list[Finding], folder: str) -> dict[Key, int]:
    """The baseline's counts for `findings`, whose paths are made relative to `folder`."""
    relative = _relative_paths(folder)
    counts: dict[Key, int] = {}
    for finding in findings:
        if recordable(finding):
            found = key(finding, relative(finding.path))
            counts[found] = counts.get(found, 0) + 1
    return counts


def render(counts: dict[Key, int]) -> str:
    """The baseline file's text: sorted entries, one a line."""
    from .report.jsonenc import compact

    entries = [
        compact({"path": path, "code": code, which: value, "count": count})
        for (path, code, which, value), count in sorted(counts.items())
    ]
    body = ",\n".join("    " + entry for entry in entries)
    return f'{{\n  "version": {VERSION},\n  "findings": [' + (f"\n{body}\n  " if entries else "") + "]\n}\n"


def write(path: str, findings: list[Finding]) -> Baseline:
    """Write the baseline that accepts `findings` (atomically), and return it."""
    baseline = Baseline(path)
    baseline.counts = count(findings, baseline.folder)
    write_text_atomically(path, render(baseline.counts))
    return baseline


def write_text_atomically(path: str, text: str) -> None:
    """Write `text` (UTF-8, `\n` line ends) so that readers see the old or the new file."""
    from .atomic import write_atomically

    write_atomically(path, text.encode("utf-8"), None)
