"""Which configuration governs each file, and the settings built from it once per run.

A file's configuration is the nearest `.dehub.yaml`, `.dehub.yml` or pyproject.toml with
`[tool.dehub]`, from the file's own folder up to the repository root (`config.ConfigFinder`).
In a monorepo each project's files follow that project's configuration, whichever folder
dehub runs from and however the file is named (`dehub check`, the pre-commit hook naming
files from the repository root, standard input through `--stdin-filename`, the language
server): they all ask here, so they agree on every file. `--config PATH` gives every file that
one configuration, `--isolated` none.

Many files share one configuration, so each configuration file is loaded, validated and turned
into `Settings` once per run (its parsed text is also cached across runs by `configcache`).
"""

from __future__ import annotations

import os

from .config import Config, ConfigFinder, load
from .discover import Target, discover, is_excluded

TYPE_CHECKING = False  # typing itself is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable

    from .lint import Settings


class Scope:
    """One configuration as a run uses it: the file, its validated contents, its settings."""

    __slots__ = ("path", "config", "settings")

    def __init__(self, path: str | None, config: Config, settings: Settings) -> None:
        self.path = path  # the configuration file; None for the defaults
        self.config = config
        self.settings = settings

    def excludes(self, path: str) -> bool:
        """Whether this configuration's `exclude` covers `path` (relative to its folder)."""
        return is_excluded(path, self.config.exclude, self.config.root)


class Scopes:
    """The configuration of each file, found and loaded once per folder and per file.

    `make_settings` turns a configuration into the settings a run checks with (the command
    line adds its `--select`, `--build-arg`, ... to every configuration alike). Loading raises
    `config.ConfigError`, naming the file and the key, for the first configuration that does
    not load; one that governs no file given to the run is never read.
    """

    def __init__(
        self,
        make_settings: Callable[[Config], Settings] | None = None,
        *,
        config_file: str | None = None,
        isolated: bool = False,
    ) -> None:
        if make_settings is None:
            from .lint import Settings

            make_settings = Settings
        self._make_settings = make_settings
        self._config_file = config_file  # --config: this file for every input
        self._isolated = isolated  # --isolated: no file at all
        self._finder = ConfigFinder()
        self._loaded: dict[str | None, Scope] = {}

    def file_for(self, path: str) -> str | None:
        """The configuration file that governs the file at `path` (which need not exist)."""
        return self.file_for_folder(os.path.dirname(os.path.abspath(path)))

    def file_for_folder(self, folder: str) -> str | None:
        """The configuration file that governs files in `folder` (standard input without a name)."""
        if self._config_file is not None:
            return self._config_file
        if self._isolated:
            return None
        return self._finder.find(folder)

    def for_file(self, path: str) -> Scope:
        return self.load(self.file_for(path))

    def for_folder(self, folder: str) -> Scope:
        return self.load(self.file_for_folder(folder))

    def load(self, config_path: str | None) -> Scope:
        """The scope of one configuration file (None: the defaults), loaded on first use."""
        scope = self._loaded.get(config_path)
        if scope is None:
            from . import rules

            config = load(config_path, rules.CODES)
            scope = self._loaded[config_path] = Scope(config_path, config, self._make_settings(config))
        return scope

    def loaded(self) -> list[Scope]:
        """Every configuration loaded so far, in the order first used."""
        return list(self._loaded.values())


def scoped_targets(
    paths: list[str], scopes: Scopes, *, force_exclude: bool, kind: str | None
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
        paths, excluded=lambda path: scopes.for_file(path).excludes(path), force_exclude=force_exclude, kind=kind
    )
    return [(target, scopes.for_file(target.path)) for target in targets]
