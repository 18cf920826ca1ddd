"""Registry credentials the way `docker login` left them: the Docker config file and helpers.

Lookup follows the Docker CLI: `credHelpers[host]` names a helper for one registry, else
`credsStore` names the default helper, else the file's `auths` entry is used (`auth` is
base64 of `user:password`, or `username`/`password` fields). Keys in `auths` may be written as
URLs (`https://registry.example.com/v1/`); like docker, only the host part is compared, and
Docker Hub's key is `https://index.docker.io/v1/`. A helper is run as `docker-credential-NAME
get` with the server on stdin and answers JSON `{"Username", "Secret"}`.

Nothing is looked up until a registry asks for authentication, and what goes wrong (no file,
a missing helper, a malformed entry) is a short note for the outcome's detail, never an
exception and never the secret itself: `Credentials.__repr__` hides the password.
"""

from __future__ import annotations

import os
import threading

from . import untrusted

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable

HUB_KEY = "https://index.docker.io/v1/"
HUB_HOSTS = frozenset(("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"))
HELPER_TIMEOUT = 10.0
_NOT_FOUND = "credentials not found"


class Credentials:
    """A user name and password for Basic auth, or an identity (refresh) token; never printed.

    An identity token (`docker login` to Azure ACR and other OAuth registries leaves one) is
    exchanged at the token service for an access token (OAuth2 refresh_token grant); it does
    not work as a password.
    """

    __slots__ = ("username", "password", "identity_token")

    def __init__(self, username: str, password: str, identity_token: str | None = None) -> None:
        self.username = username
        self.password = password
        self.identity_token = identity_token

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown (for the run's redaction)."""
        basic = self.basic()
        return (self.password, basic, basic[6:], self.identity_token or "")

    def basic(self) -> str:
        """The `Authorization` header value."""
        import base64

        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def __repr__(self) -> str:
        return f"Credentials({self.username!r}, password=<hidden>)"


def config_path(explicit: str | None = None) -> str:
    """`explicit` (a file, or a folder holding config.json), else $DOCKER_CONFIG, else ~/.docker."""
    if explicit:
        return os.path.join(explicit, "config.json") if os.path.isdir(explicit) else explicit
    folder = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return os.path.join(folder, "config.json")


def server_key(host: str) -> str:
    """The name docker stores a registry's credentials under (Docker Hub's is a URL)."""
    return HUB_KEY if host.lower() in HUB_HOSTS else host


def hostname_of(key: str) -> str:
    """docker's ConvertToHostname: drop the scheme and everything after the first `/`."""
    for scheme in ("http://", "https://"):
        if key.startswith(scheme):
            key = key[len(scheme) :]
            break
    return key.split("/", 1)[0]


class CredentialStore:
    """Looks credentials up once per host per run (helpers can be slow), thread-safe."""

    def __init__(
        self,
        path: str | None = None,
        helper_timeout: float = HELPER_TIMEOUT,
        remaining: Callable[[], float] | None = None,
    ) -> None:
        self.path = config_path(path)
        self.helper_timeout = helper_timeout
        self.remaining = remaining  # the run's time left: a helper is never waited on past it
        self._config: dict[str, object] | None = None
        self._config_note = ""
        self._found: dict[str, tuple[Credentials | None, str]] = {}
        self._lock = threading.Lock()

    def lookup(self, host: str) -> tuple[Credentials | None, str]:
        """(credentials or None, a note saying why there are none when something went wrong)."""
        with self._lock:
            if host not in self._found:
                self._found[host] = self._lookup(host)
            return self._found[host]

    def _load(self) -> dict[str, object]:
        if self._config is None:
            self._config = {}
            try:
                with open(self.path, "rb") as handle:
                    data = untrusted.loads(handle.read(1024 * 1024))
            except FileNotFoundError:
                return self._config
            except (OSError, ValueError):
                self._config_note = f"cannot read the Docker config {self.path}"
                return self._config
            if isinstance(data, dict):
                self._config = data
            else:
                self._config_note = f"the Docker config {self.path} is not a JSON object"
        return self._config

    def _lookup(self, host: str) -> tuple[Credentials | None, str]:
        config = self._load()
        if self._config_note:
            return None, self._config_note
        key = server_key(host)
        helpers = config.get("credHelpers")
        helper = None
        if isinstance(helpers, dict):
            helper = helpers.get(key) or helpers.get(host)
            if helper is None and key == HUB_KEY:
                helper = next((helpers[name] for name in HUB_HOSTS if name in helpers), None)
        if helper is None:
            store = config.get("credsStore")
            helper = store if isinstance(store, str) and store else None
        if isinstance(helper, str) and helper:
            timeout = self.helper_timeout
            if self.remaining is not None:
                timeout = max(0.1, min(timeout, self.remaining()))
            found, note = run_helper(helper, key, timeout)
            if found is not None or note:
                return found, note
        return self._from_auths(config, key)

    def _from_auths(self, config: dict[str, object], key: str) -> tuple[Credentials | None, str]:
        auths = config.get("auths")
        if not isinstance(auths, dict):
            return None, ""
        entry = auths.get(key)
        if entry is None:
            wanted = hostname_of(key)
            entry = next((value for name, value in auths.items() if hostname_of(name) == wanted), None)
        if not isinstance(entry, dict):
            return None, ""
        shown = hostname_of(key)
        encoded = entry.get("auth")
        if isinstance(encoded, str) and encoded and not entry.get("identitytoken"):
            import base64
            import binascii

            try:
                pair = base64.b64decode(encoded, validate=False).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None, f"the Docker config entry for {shown} has an unreadable `auth`"
            username, colon, password = pair.partition(":")
            if not colon:
                return None, f"the Docker config entry for {shown} has an unreadable `auth`"
            return Credentials(username, password.strip("\x00")), ""
        user, secret = entry.get("username"), entry.get("password")
        identity = entry.get("identitytoken")
        if isinstance(identity, str) and identity:
            return Credentials(user if isinstance(user, str) and user else "<token>", "", identity), ""
        if isinstance(user, str) and isinstance(secret, str) and user:
            return Credentials(user, secret), ""
        return None, ""


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a helper and every process it started (a shell script's `sleep` holds the pipes too)."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:  # already gone, or not allowed: the helper itself at least
        process.kill()
    try:
        process.communicate(timeout=1)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass


def run_helper(name: str, server: str, timeout: float = HELPER_TIMEOUT) -> tuple[Credentials | None, str]:
    """Ask `docker-credential-NAME get`; (None, "") when it has nothing for this server."""
    import subprocess

    program = f"docker-credential-{name}"
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        return None, f"the credential helper name {name!r} is not valid"
    try:
        # in a session of its own, so that a helper that hangs is stopped with whatever it started
        process = subprocess.Popen(
            [program, "get"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        return None, f"the credential helper {program} is not installed (named in the Docker config)"
    except OSError as error:
        return None, f"the credential helper {program} could not run ({error.strerror or type(error).__name__})"
    try:
        stdout, _ = process.communicate(server.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        return None, f"the credential helper {program} did not answer within {timeout:g} s"
    if process.returncode != 0:
        if _NOT_FOUND in stdout.decode("utf-8", "replace").lower():
            return None, ""
        return None, f"the credential helper {program} failed (exit {process.returncode})"
    try:
        data = untrusted.loads(stdout)
    except ValueError:
        return None, f"the credential helper {program} did not answer JSON"
    if not isinstance(data, dict):
        return None, f"the credential helper {program} did not answer a JSON object"
    username, secret = data.get("Username"), data.get("Secret")
    if not isinstance(username, str) or not isinstance(secret, str) or not secret:
        return None, ""
    if username == "<token>":
        return Credentials(username, "", secret), ""
    return Credentials(username, secret), ""
