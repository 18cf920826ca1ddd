"""Container-image pulls in shell scripts, with the exact source span of every image word.

GitHub Actions `run:` blocks, GitLab `script:` lines and Dockerfile `RUN` hold shell, and a
pull is only a pull when it is a command: not in an `echo`, a comment, a quoted argument or a
here-document body. So this is a small POSIX/bash lexer (quotes, escapes, continuations,
comments, here-documents, command substitution, compound commands) followed by the
command-line grammar of docker, podman, nerdctl and buildah: `docker run --name node alpine`
pulls `alpine`, not `node`.

The script is a `Value`, so every character knows its offset in the file and a fix lands on
the literal that supplies the image (a `run:` line, or the `IMAGE=` assignment it expands).
Characters with UNKNOWN origin (an unresolved `${{ ... }}`) are opaque word characters: never
blanks, quotes or operators, so an unknown expression stays inside the word it is written in.

One pass over the text: words are cooked (quotes removed, variables expanded) only when a
command needs them, so long scripts cost little more than reading them.
"""

from __future__ import annotations

from .expand import NAME_CHARS, NAME_START, SPECIAL_PARAMS, ExpandError, expand
from .value import SYNTHETIC, UNKNOWN, Builder, Value

# ---------------------------------------------------------------------------------------------
# Command-line grammar, as data. Each set holds the options that take a value (the next word,
# unless written `--opt=value` or `-ovalue`); any other option is a flag.

# docker (docker --help): only before the subcommand.
DOCKER_GLOBAL = frozenset(
    ("--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey")
)
# podman root flags that are persistent (also accepted after the subcommand) ...
PODMAN_PERSISTENT = frozenset(
    (
        "--cdi-spec-dir", "--cgroup-manager", "--cni-config-dir", "--config", "--conmon", "--cpu-profile",
        "--db-backend", "--default-mounts-file", "--events-backend", "--hooks-dir", "--imagestore",
        "--log-level", "--max-workers", "--memory-profile", "--module", "--namespace", "--network-backend",
        "--network-cmd-path", "--network-config-dir", "--out", "--registries-conf", "--root", "--runroot",
        "--runtime", "--runtime-flag", "--ssh", "--storage-driver", "--storage-opt", "--tmpdir", "--volumepath",
    )
)
# ... and the local ones (before the subcommand only). `--remote`/`-r` is a flag.
PODMAN_GLOBAL = PODMAN_PERSISTENT | frozenset(("-c", "--connection", "--context", "--identity", "--url"))
# nerdctl global flags are all persistent.
NERDCTL_GLOBAL = frozenset(
    (
        "-n", "--namespace", "-a", "--address", "-H", "--host", "--snapshotter", "--storage-driver",
        "--cni-path", "--cni-netconfpath", "--data-root", "--cgroup-manager", "--hosts-dir",
        "--host-gateway-ip", "--bridge-ip", "--userns-remap", "--global-dns", "--global-dns-opts",
        "--global-dns-search",
    )
)
BUILDAH_GLOBAL = frozenset(
    (
        "--cgroup-manager", "--cpu-profile", "--default-mounts-file", "--log-level", "--memory-profile",
        "--registries-conf", "--registries-conf-dir", "--root", "--runroot", "--short-name-alias-conf",
        "--storage-driver", "--storage-opt", "--userns-gid-map", "--userns-uid-map",
    )
)

# docker run / docker create (docker run --help). Flags include -d, -i, -t, -P, -q, --rm, --init,
# --privileged, --read-only, --sig-proxy, --oom-kill-disable, --no-healthcheck,
# --disable-content-trust, --use-api-socket.
DOCKER_RUN = frozenset(
    (
        "-a", "--attach", "--add-host", "--annotation", "--blkio-weight", "--blkio-weight-device",
        "--cap-add", "--cap-drop", "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-count",
        "--cpu-percent", "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime", "-c",
        "--cpu-shares", "--cpus", "--cpuset-cpus", "--cpuset-mems", "--credentialspec", "--detach-keys",
        "--device", "--device-cgroup-rule", "--device-read-bps", "--device-read-iops", "--device-write-bps",
        "--device-write-iops", "--dns", "--dns-opt", "--dns-option", "--dns-search", "--domainname",
        "--entrypoint", "-e", "--env", "--env-file", "--expose", "--gpus", "--group-add", "--health-cmd",
        "--health-interval", "--health-retries", "--health-start-interval", "--health-start-period",
        "--health-timeout", "-h", "--hostname", "--io-maxbandwidth", "--io-maxiops", "--ip", "--ip6",
        "--ipc", "--isolation", "--kernel-memory", "-l", "--label", "--label-file", "--link",
        "--link-local-ip", "--log-driver", "--log-opt", "--mac-address", "-m", "--memory",
        "--memory-reservation", "--memory-swap", "--memory-swappiness", "--mount", "--name", "--network",
        "--net", "--network-alias", "--net-alias", "--oom-score-adj", "--pid", "--pids-limit",
        "--platform", "-p", "--publish", "--pull", "--restart", "--runtime", "--security-opt",
        "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt", "--sysctl", "--tmpfs",
        "--ulimit", "-u", "--user", "--userns", "--uts", "-v", "--volume", "--volume-driver",
        "--volumes-from", "-w", "--workdir",
    )
)
# podman run / create adds these (podman-run(1); cmd/podman/common/create.go, netflags.go).
PODMAN_RUN = (
    DOCKER_RUN
    | PODMAN_PERSISTENT
    | frozenset(
        (
            "--arch", "--authfile", "--cert-dir", "--cgroup-conf", "--cgroups", "--chrootdirs",
            "--conmon-pidfile", "--creds", "--decryption-key", "--env-merge", "--gidmap", "--group-entry",
            "--health-log-destination", "--health-max-log-count", "--health-max-log-size",
            "--health-on-failure", "--health-startup-cmd", "--health-startup-interval",
            "--health-startup-retries", "--health-startup-success", "--health-startup-timeout",
            "--hosts-file", "--hostuser", "--image-volume", "--init-path", "--os", "--passwd-entry",
            "--personality", "--pidfile", "--pod", "--pod-id-file", "--preserve-fd", "--preserve-fds",
            "--rdt-class", "--requires", "--retry", "--retry-delay", "--sdnotify", "--seccomp-policy",
            "--secret", "--shm-size-systemd", "--signature-policy", "--subgidname", "--subuidname",
            "--systemd", "--timeout", "--tz", "--uidmap", "--umask", "--unsetenv", "--variant",
        )
    )
)
# nerdctl run / create adds these (cmd/nerdctl/container/container_run.go).
NERDCTL_RUN = (
    DOCKER_RUN
    | NERDCTL_GLOBAL
    | frozenset(
        (
            "--cgroup-conf", "--cosign-key", "--cosign-certificate-identity",
            "--cosign-certificate-identity-regexp", "--cosign-certificate-oidc-issuer",
            "--cosign-certificate-oidc-issuer-regexp", "--init-binary", "--ipfs-address", "--pidfile",
            "--rdt-class", "--systemd", "--umask", "--verify",
        )
    )
)
# pull: docker flags are -a/--all-tags, -q/--quiet, --disable-content-trust.
DOCKER_PULL = frozenset(("--platform",))
PODMAN_PULL = PODMAN_PERSISTENT | frozenset(
    (
        "--arch", "--authfile", "--cert-dir", "--creds", "--decryption-key", "--os", "--platform", "--policy",
        "--retry", "--retry-delay", "--signature-policy", "--variant",
    )
)
NERDCTL_PULL = NERDCTL_GLOBAL | frozenset(
    (
        "--platform", "--unpack", "--verify", "--cosign-key", "--cosign-certificate-identity",
        "--cosign-certificate-identity-regexp", "--cosign-certificate-oidc-issuer",
        "--cosign-certificate-oidc-issuer-regexp", "--ipfs-address", "--soci-index-digest",
    )
)
BUILDAH_PULL = BUILDAH_GLOBAL | (PODMAN_PULL - PODMAN_PERSISTENT)
# buildah from [options] IMAGE (its --pull takes an optional value, so only `--pull=x` is one word).
BUILDAH_FROM = BUILDAH_GLOBAL | frozenset(
    (
        "--add-host", "--arch", "--authfile", "--cap-add", "--cap-drop", "--cdi-config-dir", "--cert-dir",
        "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-period", "--cpu-quota", "-c", "--cpu-shares",
        "--cpuset-cpus", "--cpuset-mems", "--creds", "--decryption-key", "--device", "--dns", "--dns-option",
        "--dns-search", "-f", "--format", "--ipc", "--isolation", "-m", "--memory", "--memory-swap", "--name",
        "--network", "--net", "--os", "--pid", "--platform", "--retry", "--retry-delay", "--security-opt",
        "--shm-size", "--signature-policy", "--ulimit", "--userns", "--userns-gid-map",
        "--userns-gid-map-group", "--userns-uid-map", "--userns-uid-map-user", "--uts", "--variant", "-v",
        "--volume",
    )
)
# login [OPTIONS] [SERVER]; --password-stdin is a flag.
DOCKER_LOGIN = frozenset(("-u", "--username", "-p", "--password"))
PODMAN_LOGIN = (
    DOCKER_LOGIN | PODMAN_PERSISTENT | frozenset(("--authfile", "--cert-dir", "--compat-auth-file", "--secret"))
)
NERDCTL_LOGIN = DOCKER_LOGIN | NERDCTL_GLOBAL
BUILDAH_LOGIN = BUILDAH_GLOBAL | (PODMAN_LOGIN - PODMAN_PERSISTENT)
# Command groups whose next word is the real subcommand (`docker buildx --builder x build`).
GROUPS = frozenset(("container", "image", "buildx", "builder"))
GROUP_OPTIONS = frozenset(("--builder",))


def _engine_commands(run: frozenset, pull: frozenset, login: frozenset) -> dict:
    """Subcommand path -> (action, value options, whether several images may follow)."""
    return {
        ("run",): ("run", run, False),
        ("container", "run"): ("run", run, False),
        ("create",): ("create", run, False),
        ("container", "create"): ("create", run, False),
        ("pull",): ("pull", pull, False),
        ("image", "pull"): ("pull", pull, False),
        ("build",): ("build", None, False),
        ("image", "build"): ("build", None, False),
        ("buildx", "build"): ("build", None, False),
        ("builder", "build"): ("build", None, False),
        ("login",): ("login", login, False),
    }


PODMAN_COMMANDS = _engine_commands(PODMAN_RUN, PODMAN_PULL, PODMAN_LOGIN)
PODMAN_COMMANDS[("pull",)] = PODMAN_COMMANDS[("image", "pull")] = ("pull", PODMAN_PULL, True)
CLI = {
    "docker": (DOCKER_GLOBAL, _engine_commands(DOCKER_RUN, DOCKER_PULL, DOCKER_LOGIN)),
    "podman": (PODMAN_GLOBAL, PODMAN_COMMANDS),
    "nerdctl": (NERDCTL_GLOBAL, _engine_commands(NERDCTL_RUN, NERDCTL_PULL, NERDCTL_LOGIN)),
    "buildah": (
        BUILDAH_GLOBAL,
        {
            ("pull",): ("pull", BUILDAH_PULL, False),
            ("from",): ("pull", BUILDAH_FROM, False),
            ("bud",): ("build", None, False),
            ("build",): ("build", None, False),
            ("build-using-dockerfile",): ("build", None, False),
            ("login",): ("login", BUILDAH_LOGIN, False),
        },
    ),
}

# Commands that run their operand as a command: name -> (value options, options that mean the
# operand is not run, whether NAME=value words may precede it, operands before the command).
WRAPPERS = {
    "sudo": (
        frozenset(
            (
                "-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host", "-p",
                "--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U", "--other-user",
                "-c", "--login-class",
            )
        ),
        frozenset(("-e", "--edit", "-l", "--list", "-v", "--validate", "-K", "--remove-timestamp", "-V")),
        True,
        0,
    ),
    "env": (frozenset(("-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P")), frozenset(), True, 0),
    "exec": (frozenset(("-a",)), frozenset(), False, 0),
    "command": (frozenset(), frozenset(("-v", "-V")), False, 0),
    "nohup": (frozenset(), frozenset(), False, 0),
    "time": (frozenset(("-f", "--format", "-o", "--output")), frozenset(), False, 0),
    "timeout": (frozenset(("-s", "--signal", "-k", "--kill-after")), frozenset(), False, 1),
    "nice": (frozenset(("-n", "--adjustment")), frozenset(), False, 0),
}
SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"))
POSIX_SHELLS = frozenset(("sh", "dash", "ash"))  # no $'...' quoting
SHELL_LONG_VALUES = frozenset(("--rcfile", "--init-file"))
DECLARATIONS = frozenset(("export", "readonly", "declare", "typeset", "local"))
FORGETTING = frozenset(("unset", "read"))  # their operands lose any value the script gave them
# The commands whose words matter; the arguments of any other (echo, npm, ...) are not kept.
RELEVANT = frozenset(CLI) | frozenset(WRAPPERS) | SHELLS | DECLARATIONS | FORGETTING

# ---------------------------------------------------------------------------------------------
# Shell lexing.

MAX_NESTING = 40  # $( `( ${ "... nested deeper than this stop the scan rather than the stack
MAX_VALUE = 2048  # a variable longer than this is no image: unknown (and PATH=$PATH:x stays linear)
BLANKS = frozenset(" \t\r")  # \r too: CRLF scripts
METACHARS = frozenset(" \t\r\n|&;()<>")
WORD_SPECIAL = METACHARS | frozenset("'\"\\$`")
DQ_SPECIAL = frozenset('"\\$`')
DQ_ESCAPABLE = frozenset('$`"\\')
COOK_SPECIAL = frozenset("'\"\\$`<>")
# str.translate table: every WORD_SPECIAL character becomes NUL (a NUL becomes \x01), so that
# str.find("\0") jumps from one special character to the next at C speed.
MARKS = {ord(char): "\x00" for char in WORD_SPECIAL} | {0: "\x01"}
OPERATORS = {
    ";": (";;&", ";;", ";&", ";"),
    "&": ("&>>", "&&", "&>", "&"),
    "|": ("||", "|&", "|"),
    "<": ("<<<", "<<-", "<<", "<&", "<>", "<"),
    ">": (">>", ">&", ">|", ">"),
    "(": ("(",),
    ")": (")",),
}
OPERATOR_SECONDS = {";": ";&", "&": "&>", "|": "|&", "<": "<&>", ">": ">&|", "(": "", ")": ""}
REDIRECTIONS = frozenset(("<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<"))
HEREDOCS = {"<<": 2, "<<-": 3}  # the `target` code of the delimiter word that follows
CASE_ENDS = frozenset((";;", ";&", ";;&"))
KEYWORDS = frozenset(
    ("if", "then", "elif", "else", "fi", "do", "done", "while", "until", "{", "}", "!", "coproc", "case", "esac",
     "for", "select", "function", "[[")
)
ANSI_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
ANSI_LITERALS = frozenset("\\'\"?")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
OCTAL_DIGITS = frozenset("01234567")


class Pull:
    """One image a command pulls (or a login / build the caller needs to know about)."""

    __slots__ = ("tool", "action", "word", "value", "start", "end", "command_start")

    def __init__(
        self, tool: str, action: str, word: Value, value: Value | None, start: int, end: int, command_start: int
    ) -> None:
        self.tool = tool  # docker | podman | nerdctl | buildah
        self.action = action  # pull | run | create | build | login
        self.word = word  # the word as written (quotes kept)
        self.value = value  # quotes removed, variables expanded; None for a build, or a login to Docker Hub
        self.start = start  # source offsets of the written word, (-1, -1) when it has no place in the file
        self.end = end
        self.command_start = command_start  # source offset of the command's first word (-1 if none)

    def __repr__(self) -> str:
        value = None if self.value is None else self.value.text
        return f"Pull({self.tool} {self.action}, {self.word.text!r} -> {value!r}, {self.start}, {self.end})"


def pulls(script: Value, env: dict[str, Value | None] | None = None, shell: str = "bash") -> list[Pull]:
    """Every pull, run, create, build and login in the script, in order of appearance.

    `env` holds the variables known before the script runs (None: set, value unknown); other
    variables are unknown unless the script assigns them. Never raises: a script that stops
    parsing (an unclosed quote) yields what was found before that point.
    """
    if not _mentions_tool(script, env):
        return []
    found: list[tuple[tuple[int, ...], Pull]] = []
    words = shell.split() if isinstance(shell, str) else ()
    dialect = words[0].rsplit("/", 1)[-1] if words else "bash"
    try:
        _Scanner.of(script, _Scope(env or {}), found, (), 0, dialect not in POSIX_SHELLS).run(False)
    except _Stop:
        pass
    found.sort(key=_sort_key)
    return [pull for _, pull in found]


def _sort_key(item: tuple) -> tuple:
    return item[0]


def _mentions_tool(script: Value, env: dict[str, Value | None] | None) -> bool:
    """Cheap early exit: no container tool named anywhere means no pull to find."""
    text = script.text
    if any(tool in text for tool in CLI):
        return True
    texts = [value.text for value in (env or {}).values() if value is not None]
    if "\\" in text:
        texts.append(text.replace("\\\r\n", "").replace("\\\n", ""))  # doc\<newline>ker
    return any(tool in candidate for candidate in texts for tool in CLI)


def _source_span(origins: list[int]) -> tuple[int, int]:
    """First and last-plus-one source offsets among `origins`, or (-1, -1)."""
    for first in origins:
        if first >= 0:
            break
    else:
        return -1, -1
    for last in reversed(origins):
        if last >= 0:
            return first, last + 1
    return -1, -1  # unreachable


class _Stop(Exception):
    """The script cannot be read further (unterminated quote, nesting too deep)."""


class _Scope(dict):
    """Variables: a name nobody set is unknown (None), never empty as in a Dockerfile.

    A child scope (`sh -c` with `NAME=value` before it) holds only its own assignments and
    reads the rest from its parent, so starting one costs nothing however many variables exist.
    """

    __slots__ = ("parent",)

    def __init__(self, variables: dict[str, Value | None], parent: _Scope | None = None) -> None:
        super().__init__(variables)
        self.parent = parent

    def __missing__(self, name: str) -> Value | None:
        return None if self.parent is None else self.parent[name]

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default: object = None) -> Value | None:  # type: ignore[override]
        return self[name]


class _Word:
    """A word's place in the scanned text; cooked (expanded) only when a command needs it."""

    __slots__ = ("start", "end", "spans", "plain", "fd", "cooked")

    def __init__(self, start: int, end: int, spans: dict[int, int] | None, plain: bool) -> None:
        self.start = start
        self.end = end
        self.spans = spans  # start -> end of each $(...), `...`, ${...}, $((...)), $'...' inside
        self.plain = plain  # no quote, escape or expansion: the text is the word
        self.fd = False  # `2` in `2>&1`: part of a redirection, not an argument
        self.cooked: Value | None = None


class _Scanner:
    """Reads one script (or a `$(...)` inside one), analysing each simple command as it ends."""

    __slots__ = ("text", "origins", "marked", "pos", "size", "scope", "out", "key", "depth", "unknowns", "bash",
                 "heredocs", "spans", "not_arithmetic")

    def __init__(
        self,
        text: str,
        origins: list[int],
        marked: str,
        pos: int,
        size: int,
        scope: _Scope,
        out: list,
        key: tuple[int, ...],
        depth: int,
        unknowns: bool,
        bash: bool,
    ) -> None:
        self.text = text
        self.origins = origins
        self.marked = marked  # the text with every special character turned into NUL (see MARKS)
        self.pos = pos
        self.size = size  # scanning stops here (the closing backtick of a nested scan)
        self.scope = scope
        self.out = out  # (sort key, Pull) pairs
        self.key = key  # sort-key prefix placing this text within the outer script
        self.depth = depth
        self.unknowns = unknowns  # whether any character has an UNKNOWN origin
        self.bash = bash
        self.heredocs: list[tuple[str, bool]] = []  # delimiters waiting for the end of the line
        self.spans: dict[int, int] | None = None  # of the word being read
        self.not_arithmetic = -1  # up to here, a `((` is known not to start arithmetic

    @classmethod
    def of(cls, script: Value, scope: _Scope, out: list, key: tuple[int, ...], depth: int, bash: bool) -> _Scanner:
        """A scanner for a whole script text."""
        text, origins = script.text, script.origins
        return cls(text, origins, text.translate(MARKS), 0, len(text), scope, out, key, depth, UNKNOWN in origins, bash)

    def _child(self, pos: int, size: int, depth: int) -> _Scanner:
        """A scanner for a stretch of the same text (a command substitution)."""
        return _Scanner(self.text, self.origins, self.marked, pos, size, self.scope, self.out, self.key, depth,
                        self.unknowns, self.bash)

    # -- commands ------------------------------------------------------------------------------

    def run(self, closer: bool) -> int:
        """Scan commands to the end (or, with `closer`, to the unmatched `)`); return the position after it.

        Words gather into a simple command until an operator or newline ends it. `skip` names the
        construct being read whose words are not commands: "loopvar" and "for" (a for/select
        header up to its `;` or newline), "name" (after `function`), "subject" and "in" (a case
        header), "pattern" (a case pattern up to its `)`), "cond" (`[[ ... ]]`).
        """
        words: list[_Word] = []
        target = 0  # the next word is: 1 a redirection target, 2/3 a here-document delimiter (3: <<-)
        skip = ""
        depth = 0  # open subshells
        cases = 0  # open case statements
        ignoring = False  # the command cannot pull: its arguments are skipped, not kept
        while True:
            if ignoring and not target:
                self._skip_arguments()
            token = self._token()
            if token is None:
                if not ignoring:
                    self._finish(words)
                if closer:
                    raise _Stop
                return self.pos
            if token.__class__ is _Word:
                if target:
                    if target > 1:
                        self._heredoc(token, target == 3)
                    target = 0
                elif token.fd:
                    pass
                elif skip:
                    skip, cases = self._skipped_word(token, skip, cases)
                elif words:
                    if not ignoring:
                        words.append(token)
                else:
                    first = self._keyword_text(token)
                    if first in KEYWORDS:
                        skip, cases = _keyword(first, cases)
                    else:
                        words.append(token)
                        ignoring = _irrelevant(first)
                continue
            if token in REDIRECTIONS:
                target = 1
                continue
            if token in HEREDOCS:
                target = HEREDOCS[token]
                continue
            target = 0
            if token == "(" and not words and skip in ("", "loopvar") and self._known(self.pos, "("):
                end = self._arithmetic_end(self.pos + 1)  # (( i++ )), for (( ...; ...; ... ))
                if end >= 0:
                    self.pos = end
                    skip = ""  # after for ((...)), `do` may follow at once
                    continue
            if skip == "pattern":
                if token == ")":
                    skip = ""
                continue
            if skip in ("subject", "in", "loopvar", "name") or (skip == "cond" and token != "\n"):
                continue
            skip = ""
            if not ignoring:
                self._finish(words)
            ignoring = False
            words = []
            if token == "(":
                depth += 1
            elif token == ")":
                if depth:
                    depth -= 1
                elif closer:
                    return self.pos
            elif token in CASE_ENDS and cases:
                skip = "pattern"

    def _skipped_word(self, word: _Word, skip: str, cases: int) -> tuple[str, int]:
        """A word of a for/case/[[ header or a case pattern: it only moves the construct along."""
        if skip == "loopvar":
            name = self._literal(word)
            if name:
                self.scope[name] = None
            return "for", cases
        if skip == "name":
            return "", cases
        if skip == "subject":
            return "in", cases
        literal = self._keyword_text(word)
        if skip == "in":
            return ("pattern" if literal == "in" else "in"), cases
        if skip == "pattern" and literal == "esac":
            return "", cases - 1
        if skip == "cond" and literal == "]]":
            return "", cases
        return skip, cases

    def _finish(self, words: list[_Word]) -> None:
        if words:
            self._command(words)

    def _command(self, words: list[_Word]) -> None:
        """One simple command: assignments, wrappers (sudo, env, ...), then the command itself."""
        count = len(words)
        index = 0
        while index < count and self._assignment(words[index]) is not None:
            index += 1
        if index == count:
            for word in words:
                self._assign(word, self.scope)
            return
        prefix = words[:index]
        index, name = self._unwrap(words, index, prefix)
        if name in CLI:
            self._container(name, words, index, self._first_origin(words[0]))
        elif name in SHELLS:
            self._shell_script(name, words, index + 1, prefix)
        elif name in DECLARATIONS:
            for word in words[index + 1 :]:
                self._assign(word, self.scope)
        elif name in FORGETTING:
            for word in words[index + 1 :]:
                operand = self._literal(word)
                if operand and operand[0] in NAME_START and all(char in NAME_CHARS for char in operand):
                    self.scope[operand] = None

    def _unwrap(self, words: list[_Word], index: int, prefix: list[_Word]) -> tuple[int, str | None]:
        """Skip `sudo -E`, `env A=1`, `timeout 5m`, ...: the index and name of the command they run."""
        count = len(words)
        while index < count:
            name = self._command_name(words[index])
            wrapper = WRAPPERS.get(name or "")
            if wrapper is None:
                return index, name
            values, refusals, assignments, operands = wrapper
            index = self._first_operand(words, index + 1, values, refusals)
            while assignments and index < count and self._assignment(words[index]) is not None:
                prefix.append(words[index])
                index += 1
            index += operands
        return index, None

    def _container(self, tool: str, words: list[_Word], index: int, command_start: int) -> None:
        """docker/podman/nerdctl/buildah: find the subcommand, then the image operand(s)."""
        global_options, commands = CLI[tool]
        tool_word = words[index]
        path: tuple[str, ...] = ()
        position = self._first_operand(words, index + 1, global_options)
        while position < len(words):
            name = self._literal(words[position])
            if name is None:
                return
            path += (name,)
            entry = commands.get(path)
            if entry is not None:
                self._action(tool, entry, words, position + 1, tool_word, command_start)
                return
            if len(path) > 1 or name not in GROUPS:
                return
            position = self._first_operand(words, position + 1, GROUP_OPTIONS)

    def _action(
        self, tool: str, entry: tuple, words: list[_Word], start: int, tool_word: _Word, command_start: int
    ) -> None:
        """Emit what one container subcommand pulls, builds or logs in to."""
        action, values, several = entry
        if action == "build":
            self._emit(tool, action, tool_word, None, command_start)
            return
        if action == "run" or action == "create":
            first = self._first_operand(words, start, values)  # options end at the image
            operands = [first] if first < len(words) else []
        else:
            operands = self._operands(words, start, values)
            if not several:
                operands = operands[:1]
        if action == "login" and not operands:
            self._emit(tool, action, tool_word, None, command_start)  # no server: Docker Hub
        for operand in operands:
            word = words[operand]
            self._emit(tool, action, word, self._cooked(word), command_start)

    def _emit(self, tool: str, action: str, word: _Word, value: Value | None, command_start: int) -> None:
        origins = self.origins[word.start : word.end]
        start, end = _source_span(origins)
        raw = Value(self.text[word.start : word.end], origins)
        self.out.append((self.key + (word.start,), Pull(tool, action, raw, value, start, end, command_start)))

    def _shell_script(self, name: str, words: list[_Word], index: int, prefix: list[_Word]) -> None:
        """`sh -c 'script'`: scan the script argument, with the command's own assignments."""
        count = len(words)
        inline = False
        while index < count:
            option = self._literal(words[index])
            if option is None or len(option) < 2 or option[0] not in "-+":
                break
            index += 1
            if option == "--":
                break
            if option.startswith("--"):
                index += option in SHELL_LONG_VALUES
                continue
            inline = inline or (option[0] == "-" and "c" in option)
            index += option[-1] in "oO"  # -o pipefail, -O extglob
        if not inline or index >= count or self.depth >= MAX_NESTING:
            return
        word = words[index]
        script = self._cooked(word)
        scope = _Scope({}, self.scope)
        for assignment in prefix:
            self._assign(assignment, scope)
        inner = _Scanner.of(script, scope, self.out, self.key + (word.start,), self.depth + 1, name not in POSIX_SHELLS)
        try:
            inner.run(False)
        except _Stop:
            pass  # the inner script is broken; the outer one goes on

    # -- options -------------------------------------------------------------------------------

    def _option(self, word: _Word) -> str | None:
        """The word's text when it is an option (a known leading `-`), else None."""
        if word.plain:
            start, text = word.start, self.text
            if text[start] != "-" or word.end - start < 2 or self.origins[start] == UNKNOWN:
                return None
            return text[start : word.end]
        value = self._cooked(word)
        text = value.text
        if len(text) > 1 and text[0] == "-" and value.origins[0] != UNKNOWN:
            return text
        return None

    def _first_operand(
        self, words: list[_Word], index: int, values: frozenset, refusals: frozenset = frozenset()
    ) -> int:
        """Index of the first operand from `index` (options stop there), len(words) if none."""
        count = len(words)
        while index < count:
            option = self._option(words[index])
            if option is None:
                return index
            if option == "--":
                return index + 1
            if option in refusals:
                return count
            index += _option_width(option, values)
        return count

    def _operands(self, words: list[_Word], index: int, values: frozenset) -> list[int]:
        """Indexes of all operands from `index`; options may come between them."""
        count = len(words)
        found = []
        while index < count:
            option = self._option(words[index])
            if option is None:
                found.append(index)
                index += 1
            elif option == "--":
                found.extend(range(index + 1, count))
                break
            else:
                index += _option_width(option, values)
        return found

    # -- words ---------------------------------------------------------------------------------

    def _cooked(self, word: _Word) -> Value:
        value = word.cooked
        if value is None:
            if word.plain:
                value = Value(self.text[word.start : word.end], self.origins[word.start : word.end])
            else:
                value = self._cook(word.start, word.end, word.spans)
            word.cooked = value
        return value

    def _literal(self, word: _Word) -> str | None:
        """The word after quote removal and expansion, when all of it is known."""
        if word.plain and not self.unknowns:
            return self.text[word.start : word.end]
        value = self._cooked(word)
        return None if UNKNOWN in value.origins else value.text

    def _keyword_text(self, word: _Word) -> str | None:
        """The word's text when it is written plainly (so it can be a reserved word)."""
        if not word.plain or (self.unknowns and UNKNOWN in self.origins[word.start : word.end]):
            return None
        return self.text[word.start : word.end]

    def _command_name(self, word: _Word) -> str | None:
        """`docker` for `docker`, `/usr/bin/docker`, `"docker"` or `$DOCKER` set to docker."""
        literal = self._literal(word)
        return literal.rsplit("/", 1)[-1] if literal else None

    def _first_origin(self, word: _Word) -> int:
        for origin in self.origins[word.start : word.end]:
            if origin >= 0:
                return origin
        return -1

    def _assignment(self, word: _Word) -> tuple[str, int, str] | None:
        """(name, start of the value, `=`, `+=` or `[]=`) when the word is `NAME=value`."""
        text, origins, end = self.text, self.origins, word.end
        pos = word.start
        if text[pos] not in NAME_START or origins[pos] == UNKNOWN or text.find("=", pos, end) == -1:
            return None
        pos += 1
        while pos < end and text[pos] in NAME_CHARS and origins[pos] != UNKNOWN:
            pos += 1
        name = text[word.start : pos]
        kind = "="
        if pos < end and text[pos] == "[":
            close = text.find("]", pos, end)
            if close == -1:
                return None
            pos, kind = close + 1, "[]="
        if pos < end and text[pos] == "+":
            pos += 1
            kind = "+=" if kind == "=" else kind
        if pos < end and text[pos] == "=" and origins[pos] != UNKNOWN:
            return name, pos + 1, kind
        return None

    def _assign(self, word: _Word, scope: _Scope) -> None:
        """Record `NAME=value`: later `$NAME` expands to the value, with its origins."""
        parsed = self._assignment(word)
        if parsed is None:
            return
        name, start, kind = parsed
        if kind == "[]=" or (start < word.end and self.text[start] == "(" and self.origins[start] != UNKNOWN):
            scope[name] = None  # arrays are not followed
            return
        if word.plain:
            value = Value(self.text[start : word.end], self.origins[start : word.end])
        else:
            value = self._cook(start, word.end, word.spans)
        if kind == "+=":
            before = scope.get(name)
            if before is None:
                scope[name] = None
                return
            joined = Builder()
            joined.extend(before)
            joined.extend(value)
            value = joined.build()
        scope[name] = value if len(value.text) <= MAX_VALUE else None

    # -- cooking: quote removal and expansion of one word ---------------------------------------

    def _cook(self, start: int, end: int, spans: dict[int, int] | None) -> Value:
        text, origins = self.text, self.origins
        out = Builder()
        pos = start
        while pos < end:
            char = text[pos]
            if char not in COOK_SPECIAL or origins[pos] == UNKNOWN:
                stop = pos + 1
                while stop < end and (text[stop] not in COOK_SPECIAL or origins[stop] == UNKNOWN):
                    stop += 1
                out.chars.append(text[pos:stop])
                out.origins.extend(origins[pos:stop])
                pos = stop
            elif spans and pos in spans:
                pos = self._cook_span(pos, spans[pos], out)
            elif char == "'":
                close = self._single_end(pos + 1)
                out.chars.append(text[pos + 1 : close])
                out.origins.extend(origins[pos + 1 : close])
                pos = close + 1
            elif char == '"':
                pos = self._cook_double(pos + 1, end, spans, out)
            elif char == "\\":
                pos = self._cook_escape(pos, end, out)
            elif char == "$":
                pos = self._cook_dollar(pos, end, False, out)
            else:
                out.add(char, origins[pos])
                pos += 1
        return out.build()

    def _cook_double(self, pos: int, end: int, spans: dict[int, int] | None, out: Builder) -> int:
        """Inside "...": only \\ before $ ` " \\ or a newline escapes; $ still expands."""
        text, origins = self.text, self.origins
        while pos < end:
            char = text[pos]
            if char not in DQ_SPECIAL or origins[pos] == UNKNOWN:
                out.add(char, origins[pos])
                pos += 1
            elif char == '"':
                return pos + 1
            elif spans and pos in spans:
                pos = self._cook_span(pos, spans[pos], out)
            elif char == "\\":
                after = self._continuation(pos)
                if after > pos:
                    pos = after
                elif pos + 1 < end and text[pos + 1] in DQ_ESCAPABLE and origins[pos + 1] != UNKNOWN:
                    out.add(text[pos + 1], origins[pos + 1])
                    pos += 2
                else:
                    out.add(char, origins[pos])
                    pos += 1
            elif char == "$":
                pos = self._cook_dollar(pos, end, True, out)
            else:
                out.add(char, origins[pos])
                pos += 1
        return pos

    def _cook_escape(self, pos: int, end: int, out: Builder) -> int:
        after = self._continuation(pos)
        if after > pos:
            return after
        if pos + 1 < end:
            out.add(self.text[pos + 1], self.origins[pos + 1])
        return pos + 2

    def _cook_span(self, pos: int, stop: int, out: Builder) -> int:
        """A recorded `${...}`, `$'...'`, or a substitution whose output is unknown."""
        text = self.text
        following = text[pos + 1] if pos + 1 < stop else ""
        if text[pos] == "$" and following == "{":
            self._cook_parameter(pos, stop, out)
        elif text[pos] == "$" and following == "'":
            self._cook_ansi(pos + 2, stop - 1, out)
        else:
            out.chars.append(text[pos:stop])
            out.origins.extend([UNKNOWN] * (stop - pos))
        return stop

    def _cook_parameter(self, pos: int, stop: int, out: Builder) -> None:
        """`${NAME}`, `${NAME:-default}`, ...: dehub.expand does these, with the script's variables."""
        shown = self.text[pos:stop]
        if "$(" not in shown and "`" not in shown:
            try:
                out.extend(expand(Value(shown, self.origins[pos:stop]), self.scope))
                return
            except ExpandError:
                pass
        name = shown[2:].lstrip("#!")
        length = 0
        while length < len(name) and name[length] in NAME_CHARS:
            length += 1
        out.add_unknown(shown, name[:length] or shown)

    def _cook_dollar(self, pos: int, end: int, quoted: bool, out: Builder) -> int:
        """`$NAME`, `$1`, `$"..."`; a `$` followed by anything else is itself."""
        text, origins = self.text, self.origins
        following = pos + 1
        if following < end and origins[following] != UNKNOWN:
            char = text[following]
            if char in NAME_START:
                stop = following + 1
                while stop < end and text[stop] in NAME_CHARS and origins[stop] != UNKNOWN:
                    stop += 1
                name = text[following:stop]
                value = self.scope.get(name)
                if value is None:
                    out.add_unknown(text[pos:stop], name)
                else:
                    out.extend(value)
                    out.variables.append(name)
                return stop
            if char in SPECIAL_PARAMS:
                out.add_unknown(text[pos : following + 1], char)
                return following + 1
            if char == '"' and not quoted:
                return following  # $"...": a translated string, read as "..."
        out.add("$", origins[pos])
        return following

    def _cook_ansi(self, pos: int, stop: int, out: Builder) -> None:
        """The inside of `$'...'`: backslash escapes decoded (decoded characters are SYNTHETIC)."""
        text, origins = self.text, self.origins
        while pos < stop:
            char = text[pos]
            if char != "\\" or origins[pos] == UNKNOWN or pos + 1 >= stop:
                out.add(char, origins[pos])
                pos += 1
                continue
            code = text[pos + 1]
            if code in ANSI_LITERALS:
                out.add(code, origins[pos + 1])
                pos += 2
            elif code in ANSI_ESCAPES:
                out.add(ANSI_ESCAPES[code], SYNTHETIC)
                pos += 2
            elif code == "x" or code in OCTAL_DIGITS:
                pos = self._cook_ansi_number(pos, stop, code, out)
            else:
                out.add(char, origins[pos])
                out.add(code, origins[pos + 1])
                pos += 2

    def _cook_ansi_number(self, pos: int, stop: int, code: str, out: Builder) -> int:
        text = self.text
        if code == "x":
            digits_start, limit, base, allowed = pos + 2, 2, 16, HEX_DIGITS
        else:
            digits_start, limit, base, allowed = pos + 1, 3, 8, OCTAL_DIGITS
        digits_end = digits_start
        while digits_end < stop and digits_end - digits_start < limit and text[digits_end] in allowed:
            digits_end += 1
        if digits_end == digits_start:
            out.add("\\", self.origins[pos])
            return pos + 1
        out.add(chr(int(text[digits_start:digits_end], base)), SYNTHETIC)
        return digits_end

    # -- lexing --------------------------------------------------------------------------------

    def _token(self) -> _Word | str | None:
        """The next word or operator ("\\n" for a newline); None at the end."""
        text, origins, size, unknowns = self.text, self.origins, self.size, self.unknowns
        pos = self.pos
        while pos < size:  # blanks and line continuations
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                break
            if char in BLANKS:
                pos += 1
            elif char == "\\" and self._continuation(pos) > pos:
                pos = self._continuation(pos)
            else:
                break
        if pos < size and text[pos] == "#" and not (unknowns and origins[pos] == UNKNOWN):
            pos = self._line_end(pos)
        if pos >= size:
            self.pos = size
            return None
        char = text[pos]
        if char not in METACHARS or (unknowns and origins[pos] == UNKNOWN):
            return self._word(pos)
        if char == "\n":
            self.pos = pos + 1
            if self.heredocs:
                self._skip_heredoc_bodies()
            return "\n"
        if char in "<>" and self._known(pos + 1, "("):
            return self._word(pos)  # process substitution
        if pos + 1 >= size or text[pos + 1] not in OPERATOR_SECONDS[char]:
            self.pos = pos + 1
            return char
        for operator in OPERATORS[char]:
            width = len(operator)
            if text.startswith(operator, pos, size) and (
                width == 1 or not unknowns or UNKNOWN not in origins[pos + 1 : pos + width]
            ):
                self.pos = pos + width
                return operator
        self.pos = pos + 1  # unreachable: every operator list ends with the single character
        return char

    def _skip_arguments(self) -> None:
        """Past the arguments of a command that cannot pull, up to its next operator or comment.

        Quotes and substitutions are still read (a `$(docker pull x)` in an `echo` pulls);
        redirections and here-documents stop the skip, so the parser sees them.
        """
        text, origins, marked, size, unknowns = self.text, self.origins, self.marked, self.size, self.unknowns
        self.spans = None
        pos = self.pos
        while True:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                pos = size
                break
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                pos += 1
            elif char in BLANKS:
                pos += 1
                if pos < size and text[pos] == "#":
                    break  # a comment: _token skips it
            elif char == "(" and pos > self.pos and text[pos - 1] == "=":
                pos = self._array_end(pos + 1)  # as _word reads NAME=(...)
            elif char in METACHARS:
                break
            elif char == "'":
                pos = self._single_end(pos + 1) + 1
            elif char == '"':
                pos = self._double(pos + 1, 0)
            elif char == "\\":
                after = self._continuation(pos)
                pos = after if after > pos else pos + 2
            elif char == "$":
                pos = self._dollar(pos, False, 0)
            else:
                pos = self._backtick(pos, 0)
        self.pos = min(pos, size)

    def _known(self, pos: int, char: str) -> bool:
        return pos < self.size and self.text[pos] == char and self.origins[pos] != UNKNOWN

    def _continuation(self, pos: int) -> int:
        """The position after a backslash-newline (or backslash-CRLF) at `pos`, else `pos`."""
        if self._known(pos + 1, "\n"):
            return pos + 2
        if self._known(pos + 1, "\r") and self._known(pos + 2, "\n"):
            return pos + 3
        return pos

    def _line_end(self, pos: int) -> int:
        text, origins, size = self.text, self.origins, self.size
        while True:
            newline = text.find("\n", pos, size)
            if newline == -1:
                return size
            if origins[newline] != UNKNOWN:
                return newline
            pos = newline + 1

    def _heredoc(self, word: _Word, strip_tabs: bool) -> None:
        """A here-document delimiter: its body starts after the current line."""
        raw = self.text[word.start : word.end]
        delimiter = raw if word.plain else "".join(char for char in raw if char not in "'\"\\")
        self.heredocs.append((delimiter, strip_tabs))

    def _skip_heredoc_bodies(self) -> None:
        text, size = self.text, self.size
        pos = self.pos
        for delimiter, strip_tabs in self.heredocs:
            while pos < size:
                newline = text.find("\n", pos, size)
                line_end = size if newline == -1 else newline
                line = text[pos:line_end]
                pos = size if newline == -1 else newline + 1
                if line.endswith("\r"):
                    line = line[:-1]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs = []
        self.pos = pos

    def _word(self, start: int) -> _Word:
        """One word from `start`: quotes, escapes and substitutions are part of it."""
        text, origins, marked, size, unknowns = self.text, self.origins, self.marked, self.size, self.unknowns
        self.spans = None
        plain = True
        pos = start
        if text[pos] in "<>" and origins[pos] != UNKNOWN:  # <( ... ) or >( ... )
            pos = self._nested(pos + 2, 0)
            self._record(start, pos)
            plain = False
        while pos < size:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                pos = size
                break
            char = text[pos]
            if unknowns and origins[pos] == UNKNOWN:
                plain = False
                pos += 1
                continue
            if char in METACHARS:
                if char == "(" and pos > start and text[pos - 1] == "=" and self._assignment_prefix(start, pos):
                    pos = self._array_end(pos + 1)
                    plain = False
                    continue
                break
            plain = False
            if char == "'":
                pos = self._single_end(pos + 1) + 1
            elif char == '"':
                pos = self._double(pos + 1, 0)
            elif char == "\\":
                after = self._continuation(pos)
                pos = after if after > pos else min(pos + 2, size)
            elif char == "$":
                pos = self._dollar(pos, False, 0)
            else:
                pos = self._backtick(pos, 0)
        word = _Word(start, pos, self.spans, plain)
        if plain and pos < size and text[pos] in "<>" and origins[pos] != UNKNOWN:
            raw = text[start:pos]
            word.fd = (raw.isascii() and raw.isdigit()) or (len(raw) > 2 and raw[0] == "{" and raw[-1] == "}")
        self.pos = pos
        return word

    def _assignment_prefix(self, start: int, pos: int) -> bool:
        """Whether text[start:pos] is `NAME=` or `NAME+=` (so a `(` opens an array)."""
        name = self.text[start : pos - 1]
        if name.endswith("+"):
            name = name[:-1]
        return bool(name) and name[0] in NAME_START and all(char in NAME_CHARS for char in name)

    def _record(self, start: int, end: int) -> None:
        if self.spans is None:
            self.spans = {}
        self.spans[start] = end

    def _single_end(self, pos: int) -> int:
        """Index of the quote closing a '...' opened before `pos`."""
        text, origins, size = self.text, self.origins, self.size
        while True:
            close = text.find("'", pos, size)
            if close == -1:
                raise _Stop
            if origins[close] != UNKNOWN:
                return close
            pos = close + 1

    def _double(self, pos: int, level: int) -> int:
        """Past the quote closing a "..." opened before `pos`; substitutions inside are scanned."""
        text, origins, marked, size = self.text, self.origins, self.marked, self.size
        while True:
            pos = marked.find("\x00", pos, size)
            if pos == -1:
                raise _Stop
            char = text[pos]
            if char not in DQ_SPECIAL or origins[pos] == UNKNOWN:
                pos += 1
            elif char == '"':
                return pos + 1
            elif char == "\\":
                pos += 2
            elif char == "$":
                pos = self._dollar(pos, True, level + 1)
            else:
                pos = self._backtick(pos, level + 1)

    def _dollar(self, pos: int, quoted: bool, level: int) -> int:
        """Past a `$` construct; `$(...)` is scanned for commands, the others only measured."""
        if level > MAX_NESTING:
            raise _Stop
        following = pos + 1
        if following >= self.size or self.origins[following] == UNKNOWN:
            return following
        char = self.text[following]
        if char == "(":
            end = self._arithmetic_end(following + 2) if self._known(following + 1, "(") else -1
            if end < 0:
                end = self._nested(following + 1, level)
        elif char == "{":
            end = self._brace_end(following + 1, quoted, level + 1)
        elif char == "'" and not quoted and self.bash:
            end = self._ansi_end(following + 1)
        else:
            return following  # $NAME and the like: ordinary word characters
        self._record(pos, end)
        return end

    def _nested(self, pos: int, level: int) -> int:
        """Scan the commands of a `$(...)` (or `<(...)`) from `pos`; return the position after `)`."""
        depth = self.depth + level + 1
        if depth > MAX_NESTING:
            raise _Stop
        return self._child(pos, self.size, depth).run(True)

    def _backtick(self, pos: int, level: int) -> int:
        """Past a `...` command substitution, whose commands are scanned too."""
        text, origins, size = self.text, self.origins, self.size
        end = pos + 1
        escaped = False
        while True:
            if end >= size:
                raise _Stop
            char = text[end]
            if origins[end] != UNKNOWN:
                if char == "\\":
                    escaped = True
                    end += 2
                    continue
                if char == "`":
                    break
            end += 1
        self._scan_backticked(pos + 1, end, escaped, level)
        self._record(pos, end + 1)
        return end + 1

    def _scan_backticked(self, start: int, end: int, escaped: bool, level: int) -> None:
        """Inside backticks \\` \\\\ \\$ are escapes; the rest is a script of its own."""
        depth = self.depth + level + 1
        if depth > MAX_NESTING:
            raise _Stop
        if not escaped:
            inner = self._child(start, end, depth)
        else:
            text, origins = self.text, self.origins
            chars: list[str] = []
            kept: list[int] = []
            pos = start
            while pos < end:
                if text[pos] == "\\" and pos + 1 < end and text[pos + 1] in "\\`$" and origins[pos] != UNKNOWN:
                    pos += 1
                chars.append(text[pos])
                kept.append(origins[pos])
                pos += 1
            script = Value("".join(chars), kept)
            inner = _Scanner.of(script, self.scope, self.out, self.key + (start,), depth, self.bash)
        try:
            inner.run(False)
        except _Stop:
            pass  # the backticks were closed; only their inside is broken

    def _brace_end(self, pos: int, quoted: bool, level: int) -> int:
        """Past the `}` closing a `${...}` opened before `pos`."""
        if level > MAX_NESTING:
            raise _Stop
        text, origins, size = self.text, self.origins, self.size
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "}":
                return pos + 1
            elif char == "\\":
                pos += 2
            elif char == "'" and not quoted:
                pos = self._single_end(pos + 1) + 1
            elif char == '"':
                pos = self._double(pos + 1, level + 1)
            elif char == "$":
                pos = self._dollar(pos, quoted, level + 1)
            elif char == "`":
                pos = self._backtick(pos, level + 1)
            else:
                pos += 1
        raise _Stop

    def _ansi_end(self, pos: int) -> int:
        """Past the quote closing a `$'...'` (where \\' does not close it)."""
        text, origins, size = self.text, self.origins, self.size
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "\\":
                pos += 2
            elif char == "'":
                return pos + 1
            else:
                pos += 1
        raise _Stop

    def _arithmetic_end(self, pos: int) -> int:
        """Past the `))` closing an arithmetic `((` opened before `pos`: no commands inside.

        -1 when the `((` is not closed by `))` (`((cd x) )`): then, as in bash, it is two `(`.
        A stretch found not to be arithmetic is not searched again, so nested parentheses cost
        one pass.
        """
        if pos <= self.not_arithmetic:
            return -1
        text, origins, size = self.text, self.origins, self.size
        depth = 0
        while pos < size:
            char = text[pos]
            if origins[pos] != UNKNOWN:
                if char == "(":
                    depth += 1
                elif char == ")":
                    if depth:
                        depth -= 1
                    elif self._known(pos + 1, ")"):
                        return pos + 2
                    else:
                        self.not_arithmetic = pos
                        return -1
            pos += 1
        raise _Stop

    def _array_end(self, pos: int) -> int:
        """Past the `)` closing `NAME=(...)`; quotes and substitutions inside are read."""
        text, origins, size = self.text, self.origins, self.size
        depth = 1
        while pos < size:
            char = text[pos]
            if origins[pos] == UNKNOWN:
                pos += 1
            elif char == "(":
                depth += 1
                pos += 1
            elif char == ")":
                depth -= 1
                pos += 1
                if not depth:
                    return pos
            elif char == "'":
                pos = self._single_end(pos + 1) + 1
            elif char == '"':
                pos = self._double(pos + 1, 0)
            elif char == "\\":
                pos += 2
            elif char == "$":
                pos = self._dollar(pos, False, 0)
            elif char == "`":
                pos = self._backtick(pos, 0)
            else:
                pos += 1
        raise _Stop


def _keyword(keyword: str, cases: int) -> tuple[str, int]:
    """A reserved word in command position: the construct it opens, and the open case count."""
    if keyword == "case":
        return "subject", cases + 1
    if keyword in ("for", "select"):
        return "loopvar", cases
    if keyword == "function":
        return "name", cases
    if keyword == "[[":
        return "cond", cases
    if keyword == "esac" and cases:
        return "", cases - 1
    return "", cases  # if, then, do, {, !, ...: the next word is a command again


def _irrelevant(first: str | None) -> bool:
    """Whether a command's plainly written first word shows it can neither pull nor set a variable."""
    return first is not None and "=" not in first and first.rsplit("/", 1)[-1] not in RELEVANT


def _option_width(option: str, values: frozenset) -> int:
    """How many words an option takes: 2 when its value is the next word, else 1."""
    if option.startswith("--"):
        return 2 if "=" not in option and option in values else 1
    last = len(option) - 1
    for index in range(1, len(option)):
        if "-" + option[index] in values:
            return 2 if index == last else 1  # -p8080:80 carries its value; -dp takes the next word
    return 1
