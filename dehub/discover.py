"""Turn the paths on the command line into (file, kind) pairs.

A folder is listed with `git ls-files` when it is inside a git work tree, so ignored files
(build output, vendored trees) are skipped as git skips them; elsewhere it is walked, skipping
VCS folders and dependency caches. Only files whose name says they are a kind dehub reads are
taken from a folder, and those a kind reads by content (`KindSpec.sniff_paths`, e.g. any
YAML file for Kubernetes manifests), which the runner sniffs and skips quietly when they are
no kind. A file named on the command line is always checked (its kind may come
from its content); `exclude` patterns apply to it only with `--force-exclude`, as in ruff, so
that pre-commit, which names files, can honour them. Each file is excluded (or not) by the
configuration that governs it, so a project's own `.dehub.yaml` decides for its files.
"""

from __future__ import annotations

import os

from .kinds import kind_for_path, walk_kind
from .patterns import path_matches

TYPE_CHECKING = False  # typing itself is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import Scope, Scopes

SKIP_FOLDERS = frozenset((".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox"))


class Target:
    __slots__ = ("path", "kind", "explicit")

    def __init__(self, path: str, kind: str | None, explicit: bool) -> None:
        self.path = path  # as shown to the user: relative to the working directory when inside it
        self.kind = kind
        self.explicit = explicit


def display_path(path: str) -> str:
    """Relative to the working directory when inside it, `/`-separated."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        path = os.path.relpath(absolute, cwd)
    else:
        path = os.path.normpath(path)
    return path.replace(os.sep, "/")


def discover(
    paths: list[str],
    *,
    excluded: Callable[[str], bool],
    force_exclude: bool,
    kind: str | None,
    filter_files: bool = False,
) -> list[Target]:
    """The files to check under `paths`; `excluded(path)` applies the `exclude` of the
    configuration that governs that file (`config.Scope.excludes`). With `filter_files`
    (`--filter-files`, as the pre-commit hooks call dehub) a named file is taken only as a
    folder walk would take it, and one of no kind is dropped without a word."""
    targets: list[Target] = []
    seen: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            for path in _list_folder(given):
                file_kind = kind or walk_kind(path)
                if file_kind is None or excluded(path) or not os.path.isfile(path):
                    continue
                _add(targets, seen, Target(display_path(path), file_kind, False))
        else:
            if force_exclude and excluded(given):
                continue
            if filter_files and kind is None:  # taken only as a folder walk would take it
                file_kind = walk_kind(given)
                if file_kind is not None:
                    _add(targets, seen, Target(display_path(given), file_kind, False))
                continue
            _add(targets, seen, Target(display_path(given), kind or kind_for_path(given), True))
    return targets


def scoped_targets(
    paths: list[str], scopes: Scopes, *, force_exclude: bool, kind: str | None, filter_files: bool = False
) -> list[tuple[Target, Scope]]:
    """The files to check under `paths`, each with the configuration that governs it.

    The configuration of every path named is loaded too, files under it or not, so a broken
    `.dehub.yaml` where the run starts is an error even when there is nothing to check.
    Raises `config.ConfigError` for the first configuration that does not load.
    """
    for given in paths:
        if os.path.isfile(given):
            scopes.for_file(given)
        else:
            scopes.for_folder(given)
    targets = discover(
        paths,
        excluded=lambda path: scopes.for_file(path).excludes(path),
        force_exclude=force_exclude,
        kind=kind,
        filter_files=filter_files,
    )
    return [(target, scopes.for_file(target.path)) for target in targets]


def _add(targets: list[Target], seen: set[str], target: Target) -> None:
    if target.path not in seen:
        seen.add(target.path)
        targets.append(target)


def is_excluded(path: str, exclude: tuple[str, ...], root: str) -> bool:
    """Whether `exclude` patterns cover `path`, matched relative to the configuration's folder.

    Only a file outside that folder (a `--config` file kept elsewhere) is matched by its path
    relative to the working folder instead.
    """
    if not exclude:
        return False
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        relative = display_path(path)
    return any(path_matches(pattern, relative) for pattern in exclude)


def _list_folder(folder: str) -> list[str]:
    listed = _git_files(folder)
    if listed is None:
        listed = _walk(folder)
    return sorted(listed)


def _git_files(folder: str) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under `folder`, or None outside git."""
    import subprocess

    try:
        completed = subprocess.run(
            ["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    out = []
    for raw in completed.stdout.split(b"\0"):
        if not raw:
            continue
        out.append(os.path.join(folder, os.fsdecode(raw)))  # may name deleted files: checked later
    return out


def _walk(folder: str) -> list[str]:
    out: list[str] = []
    for current, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name not in SKIP_FOLDERS]
        out.extend(os.path.join(current, name) for name in files)
    return out
