"""Which configuration applies to a document, loaded once and reloaded when it changes.

The configuration is found from each document's own folder upward, stopping at the repository
root, by the very lookup `dehub check` and the pre-commit hook use for each file
(`config.Scopes`), so the editor and the command line agree on every file wherever they run
from. Lookups are cached per folder and loaded configurations per file, because a re-lint must
not walk the file system: the caches are dropped when a configuration file changes (watched
files, or one saved in the editor).

A configuration that does not load is an error the user must see, but the server keeps working
with the defaults: the error is kept here (per file) for the server to show, once, as a message
and as a diagnostic on the configuration file.
"""

from __future__ import annotations

import os

from ..config import CONFIG_NAMES, Config, ConfigError, Scopes
from ..discover import is_excluded
from ..lint import Settings

CONFIG_FILE_NAMES = (*CONFIG_NAMES, "pyproject.toml")
WATCH_GLOBS = ("**/.dehub.{yaml,yml}", "**/pyproject.toml")


def is_config_file(path: str | None) -> bool:
    """Whether a change to this file may change some document's configuration."""
    return bool(path and os.path.basename(path) in CONFIG_FILE_NAMES)


class Loaded:
    """One configuration as the linter needs it: settings, exclude patterns, and any error."""

    __slots__ = ("path", "config", "settings", "error", "generation")

    def __init__(
        self, path: str | None, config: Config, settings: Settings, error: str | None, generation: int
    ) -> None:
        self.path = path  # the file it came from; None for the defaults
        self.config = config
        self.settings = settings
        self.error = error  # why the file did not load (then config and settings are the defaults)
        self.generation = generation  # changes on every reload: cached lint results are stale

    def excludes(self, path: str | None) -> bool:
        return bool(path and is_excluded(path, self.config.exclude, self.config.root))


class ConfigStore:
    """Configuration per document folder, with the errors met while loading."""

    def __init__(self) -> None:
        self.generation = 0
        self._scopes = Scopes()
        self._loaded: dict[str | None, Loaded] = {}
        self.errors: dict[str, str] = {}  # configuration file -> error message

    def for_path(self, path: str | None) -> Loaded:
        """The configuration that applies to a document at `path` (None: not a file on disk)."""
        if not path:
            return self._load(None)
        try:
            config_path = self._scopes.file_for(path)
        except OSError:
            config_path = None
        return self._load(config_path)

    def _load(self, config_path: str | None) -> Loaded:
        loaded = self._loaded.get(config_path)
        if loaded is not None:
            return loaded
        error = None
        try:
            scope = self._scopes.load(config_path)
            config, settings = scope.config, scope.settings
        except (ConfigError, ValueError, OSError) as err:
            error = str(err).strip("'\"")
        except Exception as err:  # noqa: BLE001 - a bug while loading must not stop linting with the defaults
            error = f"{config_path}: could not load the configuration: {type(err).__name__}: {err}"
        if error is not None:
            config = Config()
            config.root = os.path.dirname(os.path.abspath(config_path)) if config_path else config.root
            settings = Settings(config)
            self.errors[config_path or ""] = error
        else:
            self.errors.pop(config_path or "", None)
        loaded = self._loaded[config_path] = Loaded(config_path, config, settings, error, self.generation)
        return loaded

    def reload(self) -> dict[str, str]:
        """Forget every cached lookup and configuration; return the errors known before, so the
        caller can clear the diagnostics of those that are fixed."""
        before = dict(self.errors)
        self.generation += 1
        self._scopes = Scopes()
        self._loaded.clear()
        self.errors.clear()
        return before
