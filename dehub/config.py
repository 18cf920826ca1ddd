"""Configuration: `.dehub.yaml`, `[tool.dehub]` in pyproject.toml, or `--config PATH`.

Each file's configuration is found by walking up from the file's own folder to the repository
root (the first folder holding `.git`); in each folder `.dehub.yaml` wins over `pyproject.toml`,
and a pyproject.toml without `[tool.dehub]` is passed over. In a monorepo each project's files
follow that project's file; `--config PATH` gives every file one configuration, `--isolated`
none (`Scopes`). Many files share one configuration, so each is loaded, validated and turned
into settings once per run (its parsed text is also cached across runs by `configcache`).
Every key is checked: an unknown key or a wrong type is an error that names the key (exit 2),
never a silent default.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable

    from .lint import Settings

CONFIG_NAMES = (".dehub.yaml", ".dehub.yml")
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """A configuration problem; str(err) names the file and the key."""


class Config:
    __slots__ = (
        "path", "root", "select", "ignore", "severity", "allow", "mirror_map", "mirror_target", "mirror_params",
        "mirror_kinds", "exclude", "unsafe_fixes", "build_args", "max_file_size", "docs_url", "baseline",
        "include_disabled", "verify", "verify_options",
    )  # fmt: skip

    def __init__(self) -> None:
        self.path: str | None = None  # the file it came from
        self.root = os.getcwd()  # exclude patterns are relative to this folder
        self.select: tuple[str, ...] | None = None
        self.ignore: tuple[str, ...] = ()
        self.severity: dict[str, str] = {}
        self.allow: tuple[str, ...] = ()
        self.mirror_map: tuple[tuple[str, str], ...] = ()
        self.mirror_target: str | None = None  # `mirror.target` as written (None: the default, ecr-public)
        self.mirror_params: dict[str, object] = {}  # the target's parameters (`mirror.host`, ...), validated
        self.mirror_kinds: tuple[str, ...] | None = None  # `mirror.kinds` (None: the target's default)
        self.exclude: tuple[str, ...] = ()
        self.unsafe_fixes = False
        self.build_args: dict[str, str] = {}
        self.max_file_size = DEFAULT_MAX_FILE_SIZE
        self.docs_url: str | None = None  # rule pages' URL, a template with {code} (None: no links)
        self.baseline: str | None = None  # the baseline file, absolute (written relative to the config's folder)
        self.include_disabled = False  # read images of components a file switches off (Helm's `enabled: false`)
        self.verify = ""  # ask the registry about each suggestion: "" (never), "exists" or "digest"
        self.verify_options: dict[str, float] = {}  # `verify-options` as given (VERIFY_OPTIONS)


def find_config_file(start: str) -> str | None:
    """The nearest `.dehub.yaml`, or pyproject.toml with a [tool.dehub] table, up to the repo root."""
    return ConfigFinder().find(start)


class ConfigFinder:
    """`find_config_file` with a memory, for runs that look up many files' configurations.

    Each folder is looked at once (its three candidate names and `.git`), and every folder on
    the way up remembers the answer, so a tree of a thousand files costs one walk per folder.
    A finder is made per run (and per reload in the language server): files created later are
    not seen by it.
    """

    __slots__ = ("_folders",)

    def __init__(self) -> None:
        self._folders: dict[str, str | None] = {}  # folder -> the configuration governing it

    def for_file(self, path: str) -> str | None:
        """The configuration that governs the file at `path` (found from the file's folder)."""
        return self.find(os.path.dirname(os.path.abspath(path)))

    def find(self, start: str) -> str | None:
        """The nearest configuration at or above the folder `start`, up to the repository root."""
        folder = os.path.abspath(start)
        folders = self._folders
        visited = []
        found = None
        while True:
            if folder in folders:
                found = folders[folder]
                break
            visited.append(folder)
            found = _config_in(folder)
            if found is not None:
                break
            parent = os.path.dirname(folder)
            if parent == folder or os.path.exists(os.path.join(folder, ".git")):
                break
            folder = parent
        for seen in visited:
            folders[seen] = found
        return found


def _config_in(folder: str) -> str | None:
    """The configuration file in this very folder: `.dehub.yaml` before pyproject.toml."""
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(pyproject) and _has_dehub_table(pyproject):
        return pyproject
    return None


def _has_dehub_table(path: str) -> bool:
    """Whether pyproject.toml configures dehub (`[tool.dehub]`, dotted keys, inline tables)."""
    from .regularfile import read_regular

    try:
        raw = read_regular(path)
    except OSError:
        return False
    if b"dehub" not in raw:  # the common case, without parsing TOML
        return False
    try:
        return _parse_pyproject(path, raw) is not None
    except ConfigError:  # invalid TOML: load it only if it looks meant for dehub, to report the error
        return b"[tool.dehub" in raw


def _parse_pyproject(path: str, raw: bytes) -> object:
    """The [tool.dehub] value (None when there is none; a table when well formed), through the cache."""

    def parse(data: bytes) -> object:
        try:
            document = _toml_loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from None
        tool = document.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool` must be a table holding [tool.dehub]")
        return tool.get("dehub")

    from . import configcache  # only when a configuration file is read

    return configcache.load(path, raw, parse)


def _parse_yaml(path: str, raw: bytes) -> object:
    """The settings in a `.dehub.yaml`, read as workflows are (yamlsource.compose_documents): a
    redefined anchor is fine, nesting that would crash libyaml is an error like any other."""

    def parse(data: bytes) -> object:
        import yaml

        from . import yamlsource as ys
        from .source import SourceText

        try:
            text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ConfigError(f"{path}: not valid YAML: not valid UTF-8 (byte {err.start})") from None
        documents, problem = ys.compose_documents(text)
        if problem is not None:
            line, column = SourceText(text).position(problem.start)
            reason = problem.message.removeprefix("invalid YAML: ")
            raise ConfigError(f"{path}: not valid YAML: {reason} (line {line}, column {column})")
        if len(documents) > 1:
            line = SourceText(text).position(documents[1].start_mark.index)[0]
            raise ConfigError(f"{path}: not valid YAML: a second document at line {line}; settings are one mapping")
        if not documents:
            return None
        try:
            return yaml.constructor.SafeConstructor().construct_document(documents[0])
        except yaml.YAMLError as err:
            raise ConfigError(f"{path}: not valid YAML: {err}") from None
        except RecursionError:  # merge keys that merge themselves, or chains of them
            raise ConfigError(f"{path}: not valid YAML: merge keys nested too deeply") from None

    from . import configcache  # only when a configuration file is read

    return configcache.load(path, raw, parse)


def _toml_loads(text: str) -> dict[str, object]:
    """TOML text as data: tomllib, or tomli on Python 3.10."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads(text)


def load(path: str | None, known_codes: frozenset[str]) -> Config:
    """Load and validate the configuration at `path` (None: defaults)."""
    config = Config()
    if path is None:
        return config
    config.path = path
    config.root = os.path.dirname(os.path.abspath(path))
    data = _read(path)
    _apply(config, data, path, known_codes)
    return config


def loads(data: bytes, path: str, known_codes: frozenset[str]) -> Config:
    """Load YAML configuration text as if it were the file `path` (`dehub init` checks what it writes)."""
    config = Config()
    config.path = path
    config.root = os.path.dirname(os.path.abspath(path))
    parsed = _parse_yaml(path, data)
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    _apply(config, parsed, path, known_codes)
    return config


def has_dehub_table(path: str) -> bool:
    """Whether the pyproject.toml at `path` configures dehub."""
    return os.path.isfile(path) and _has_dehub_table(path)


def _read(path: str) -> dict[object, object]:
    from .regularfile import read_regular

    try:
        raw = read_regular(path)  # a FIFO or device named by --config is refused, not waited on
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    data: object
    if path.endswith(".toml"):
        data = _parse_pyproject(path, raw) or {}
    else:
        data = _parse_yaml(path, raw)
        if data is None:
            data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return data


# --- which configuration governs each file ---------------------------------------------------
#
# The command line (check, inventory, the pre-commit hooks naming files from the repository
# root, standard input through `--stdin-filename`) and the language server all ask `Scopes`,
# so they agree on every file whichever folder they run from. It lives here, not in a module
# of its own, because every single-file run needs it and one more import costs about as much
# as the rest of the configuration lookup.


class Scope:
    """One configuration as a run uses it: the file, its validated contents, its settings."""

    __slots__ = ("path", "config", "settings")

    def __init__(self, path: str | None, config: Config, settings: Settings) -> None:
        self.path = path  # the configuration file; None for the defaults
        self.config = config
        self.settings = settings

    def excludes(self, path: str) -> bool:
        """Whether this configuration's `exclude` covers `path` (relative to its folder)."""
        from .discover import is_excluded

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


def _apply(config: Config, data: dict[object, object], path: str, known_codes: frozenset[str]) -> None:
    for key, value in data.items():
        if not isinstance(key, str):
            raise ConfigError(f"{path}: unknown key `{key}`; known keys: {', '.join(sorted(SETTERS))}")
        setter = SETTERS.get(key)
        if setter is None:
            hint = f" (did you mean `{key.replace('_', '-')}`?)" if key.replace("_", "-") in SETTERS else ""
            raise ConfigError(f"{path}: unknown key `{key}`{hint}; known keys: {', '.join(sorted(SETTERS))}")
        try:
            setter(config, value, known_codes)
        except _KeyError as err:
            where = f"{key}.{err.subkey}" if err.subkey else key
            raise ConfigError(f"{path}: `{where}`: {err.message}") from None


class _KeyError(ValueError):
    def __init__(self, message: str, subkey: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.subkey = subkey


def _strings(value: object, what: str = "a list of strings") -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _KeyError(f"expected {what}, got {_describe(value)}")
    return tuple(value)


def _describe(value: object) -> str:
    kinds = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__) + (
        f" ({value!r})" if isinstance(value, (str, int, bool, float)) else ""
    )


def is_foreign_code(selector: str) -> bool:
    """A hadolint (`DL3008`, `DL3`) or ShellCheck (`SC2086`, `SC`) code or prefix.

    Those findings come from hadolint (`check --hadolint`), so dehub cannot list their codes;
    selectors for them are accepted as written and matched when hadolint's findings arrive.
    """
    upper = selector.strip().upper()
    return (upper[:2] in ("DL", "SC") and upper[2:].isdigit()) or upper in ("DL", "SC")


def select_codes(selectors: tuple[str, ...], known_codes: frozenset[str]) -> set[str]:
    """Dehub's codes named by selectors: exact codes, prefixes (`DH0`) or `ALL`.

    hadolint and ShellCheck selectors (`is_foreign_code`) name none of dehub's codes and are
    skipped here; `foreign_selected` applies them.
    """
    chosen = set()
    for selector in selectors:
        if is_foreign_code(selector):
            continue
        upper = selector.strip().upper()
        matched = {code for code in known_codes if upper == "ALL" or code.startswith(upper)}
        if not matched:
            raise _KeyError(f"unknown rule code or prefix `{selector}`; known: {', '.join(sorted(known_codes))}")
        chosen |= matched
    return chosen


def _is_exact_foreign(code: str) -> bool:
    return is_foreign_code(code) and len(code.strip()) > 2


def foreign_selected(code: str, select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> bool:
    """Whether a hadolint or ShellCheck finding's code passes `select` (None: all) and `ignore`."""
    code = code.upper()

    def named(selectors: tuple[str, ...]) -> bool:
        return any((s := selector.strip().upper()) == "ALL" or code.startswith(s) for selector in selectors)

    if select is not None and not named(select):
        return False
    return not named(ignore)


def _set_select(config: Config, value: object, known: frozenset[str]) -> None:
    codes = _strings(value, "a list of rule codes")
    select_codes(codes, known)
    config.select = codes


def _set_ignore(config: Config, value: object, known: frozenset[str]) -> None:
    codes = _strings(value, "a list of rule codes")
    select_codes(codes, known)
    config.ignore = codes


def _set_severity(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise _KeyError(f"expected a mapping of rule code to error|warning|info, got {_describe(value)}")
    out = {}
    for code, level in value.items():
        if not isinstance(code, str) or (code.upper() not in known and not _is_exact_foreign(code)):
            raise _KeyError(f"unknown rule code; known: {', '.join(sorted(known))}", str(code))
        if level not in SEVERITIES:
            raise _KeyError(f"expected one of {', '.join(SEVERITIES)}, got {_describe(level)}", code)
        out[code.upper()] = level
    config.severity = out


def _set_allow(config: Config, value: object, known: frozenset[str]) -> None:
    config.allow = _strings(value, "a list of image patterns")


def _set_exclude(config: Config, value: object, known: frozenset[str]) -> None:
    config.exclude = _strings(value, "a list of path globs")


def _set_unsafe_fixes(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, bool):
        raise _KeyError(f"expected true or false, got {_describe(value)}")
    config.unsafe_fixes = value


def _set_include_disabled(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, bool):
        raise _KeyError(f"expected true or false, got {_describe(value)}")
    config.include_disabled = value


def _set_verify(config: Config, value: object, known: frozenset[str]) -> None:
    if value is True or value == "exists":
        config.verify = "exists"
    elif value is False:
        config.verify = ""
    elif value == "digest":
        config.verify = "digest"
    else:
        raise _KeyError(f"expected true, false or digest, got {_describe(value)}")


# verify-options: name -> (what it is, lowest, highest, whole numbers only)
VERIFY_OPTIONS = {
    "concurrency": ("requests in flight at once", 1, 16, True),
    "rate": ("requests a second to one registry", 0.1, 50, False),
    "timeout": ("seconds to connect, and to wait for an answer", 0.5, 120, False),
    "budget": ("seconds the whole check may take", 1, 3600, False),
}


def _set_verify_options(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise _KeyError(f"expected a mapping with keys {', '.join(VERIFY_OPTIONS)}, got {_describe(value)}")
    out: dict[str, float] = {}
    for key, number in value.items():
        spec = VERIFY_OPTIONS.get(key) if isinstance(key, str) else None
        if spec is None:
            raise _KeyError(f"unknown key; known keys: {', '.join(VERIFY_OPTIONS)}", str(key))
        what, low, high, whole = spec
        kinds = (int,) if whole else (int, float)
        if isinstance(number, bool) or not isinstance(number, kinds) or not low <= number <= high:
            kind = "a whole number" if whole else "a number"
            raise _KeyError(f"expected {kind} from {low} to {high} ({what}), got {_describe(number)}", str(key))
        out[str(key)] = number
    config.verify_options = out


def _set_max_file_size(config: Config, value: object, known: frozenset[str]) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _KeyError(f"expected a positive number of bytes, got {_describe(value)}")
    config.max_file_size = value


def _set_baseline(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _KeyError(f"expected the path of a baseline file, relative to this file's folder, got {_describe(value)}")
    config.baseline = os.path.normpath(os.path.join(config.root, value))


def _set_build_args(config: Config, value: object, known: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise _KeyError(f"expected a mapping of argument name to value, got {_describe(value)}")
    out = {}
    for name, arg in value.items():
        if not isinstance(name, str):
            raise _KeyError(f"argument names must be strings, got {_describe(name)}", str(name))
        if isinstance(arg, (dict, list)) or arg is None:
            raise _KeyError(f"expected a string value, got {_describe(arg)}", name)
        out[name] = arg if isinstance(arg, str) else str(arg).lower() if isinstance(arg, bool) else str(arg)
    config.build_args = out


def _set_docs_url(config: Config, value: object, known: frozenset[str]) -> None:
    from .ruledocs import docs_url_template

    if not isinstance(value, str):
        raise _KeyError(f"expected a URL, got {_describe(value)}")
    try:
        config.docs_url = docs_url_template(value)
    except ValueError as err:
        raise _KeyError(str(err)) from None


def _set_mirror(config: Config, value: object, known: frozenset[str]) -> None:
    from . import mirrors

    keys = ("target", "map", "kinds", *mirrors.PARAMETERS)
    if not isinstance(value, dict):
        raise _KeyError(f"expected a mapping with the keys {', '.join(keys)}, got {_describe(value)}")
    for key in value:
        if key not in keys:
            raise _KeyError(f"unknown key; known keys: {', '.join(keys)}", str(key))
    mapping = value.get("map") or {}
    if not isinstance(mapping, dict):
        raise _KeyError(f"expected a mapping of image pattern to replacement, got {_describe(mapping)}", "map")
    entries = []
    for pattern, template in mapping.items():
        if not isinstance(pattern, str) or not isinstance(template, str):
            raise _KeyError("expected a string pattern mapped to a string template", f"map.{pattern}")
        try:
            entries.append((pattern, mirrors.normalize_template(template)))
        except ValueError as err:
            raise _KeyError(str(err), f"map.{pattern}") from None
    target = value.get("target")
    if target is not None and target not in mirrors.PRESETS:
        raise _KeyError(f"expected one of {', '.join(mirrors.NAMES)}, got {_describe(target)}", "target")
    params = {key: _mirror_parameter(key, value[key]) for key in mirrors.PARAMETERS if key in value}
    kinds = _mirror_kinds(value["kinds"]) if "kinds" in value else None
    if isinstance(target, str):
        extra = mirrors.unused(target, params)
        if extra is not None:
            users = " and ".join(f"`{name}`" for name in mirrors.users(extra))
            raise _KeyError(f"not used by the mirror target `{target}` (it is for {users})", extra)
        try:
            mirrors.build(target, params, kinds)
        except mirrors.MirrorError as err:
            raise _KeyError(err.message, err.key) from None
    config.mirror_map = tuple(entries)
    config.mirror_target = target
    config.mirror_params = params
    config.mirror_kinds = kinds


def _mirror_parameter(key: str, value: object) -> object:
    """One `mirror.<key>` parameter, checked on its own (`mirrors.build` checks them together)."""
    import re

    from . import mirrors

    if key == "direct":
        if not isinstance(value, bool):
            raise _KeyError(f"expected true or false, got {_describe(value)}", key)
        return value
    if key == "account" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads an unquoted ID as a number
    if not isinstance(value, str):
        raise _KeyError(f"expected a string, got {_describe(value)}", key)
    if key in ("template", "official-template"):
        try:
            return mirrors.normalize_template(value)
        except ValueError as err:
            raise _KeyError(str(err), key) from None
    if key == "cache":
        if value not in mirrors.CACHE_NAMES:
            raise _KeyError(f"expected one of {', '.join(mirrors.CACHE_NAMES)}, got {_describe(value)}", key)
        return mirrors.CACHE_NAMES[value]
    if key == "account":
        if not (len(value) == 12 and value.isascii() and value.isdigit()):
            raise _KeyError(f"expected a 12-digit AWS account ID (quote it to keep leading zeros), got {value!r}", key)
    elif key == "region":
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}", value):
            raise _KeyError(f"expected an AWS region such as us-east-1, got {value!r}", key)
    elif key == "host":
        if "://" in value or not _is_mirror_host(value):
            raise _KeyError(f"expected a registry host name (and port), such as harbor.example.com, got {value!r}", key)
    else:  # prefix, project, repository: repository path components
        component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
        if not re.fullmatch(f"{component}(?:/{component})*", value):
            raise _KeyError(f"expected lower-case repository path components, such as docker-hub, got {value!r}", key)
        if key == "prefix" and not 2 <= len(value) <= 30:
            raise _KeyError(f"an ECR repository prefix has 2 to 30 characters, got {value!r}", key)
    return value


def _is_mirror_host(host: str) -> bool:
    """A registry host (a `.` or `:` in it, or `localhost`) that parses as one and is not Docker Hub."""
    from .reference import ReferenceError, is_registry_host, parse

    if not host or "/" in host or not is_registry_host(host):
        return False
    try:
        ref = parse(host + "/example/image")
    except ReferenceError:
        return False
    return ref.domain == host and not ref.is_docker_hub


def _mirror_kinds(value: object) -> tuple[str, ...]:
    from .kinds import NAMES

    kinds = _strings(value, "a list of file kinds")
    for kind in kinds:
        if kind not in NAMES:
            raise _KeyError(f"unknown file kind `{kind}`; known: {', '.join(NAMES)}", "kinds")
    return kinds


def template_problem(template: str) -> str | None:
    """Why a mirror template cannot produce a valid image name, or None."""
    from .mirrors import normalize_template

    try:
        normalize_template(template)
    except ValueError as err:
        return str(err)
    return None


SETTERS = {
    "select": _set_select,
    "ignore": _set_ignore,
    "severity": _set_severity,
    "allow": _set_allow,
    "mirror": _set_mirror,
    "exclude": _set_exclude,
    "unsafe-fixes": _set_unsafe_fixes,
    "build-args": _set_build_args,
    "max-file-size": _set_max_file_size,
    "docs-url": _set_docs_url,
    "baseline": _set_baseline,
    "include-disabled": _set_include_disabled,
    "verify": _set_verify,
    "verify-options": _set_verify_options,
}
