"""What the scanner reports: one `Pull` per image a command pulls, and per login, build, tag,
load and buildx builder a caller needs to know about to judge the pulls around it."""

from __future__ import annotations

from ..value import Value


class Pull:
    """One image a command pulls (or a login, build, tag, load or builder creation)."""

    __slots__ = (
        "tool", "action", "word", "value", "start", "end", "command_start", "arguments", "tags", "driver", "builder",
        "buildx", "load", "away", "use", "always",
    )  # fmt: skip

    def __init__(
        self,
        tool: str,
        action: str,
        word: Value,
        value: Value | None,
        start: int,
        end: int,
        command_start: int,
        arguments: list[Value] | None = None,
        tags: list[Value] | None = None,
        driver: str | None = None,
        builder: str = "",
        buildx: bool = False,
        load: bool = False,
        away: bool = False,
        use: bool = False,
        always: bool = False,
    ) -> None:
        self.tool = tool  # docker | podman | nerdctl | buildah
        # pull | run | create | build | context | login | tag | load | buildx-create | buildx-use | buildx-install
        self.action = action
        self.word = word  # the word as written (quotes kept)
        # quotes removed, variables expanded; None for a build or load, a login to Docker Hub, or a
        # buildx builder with the driver's default image
        self.value = value
        self.start = start  # source offsets of the written word, (-1, -1) when it has no place in the file
        self.end = end
        self.command_start = command_start  # source offset of the command's first word (-1 if none)
        self.arguments = [] if arguments is None else arguments  # build: every word after the subcommand, cooked
        self.tags = [] if tags is None else tags  # build: the -t / --tag values, cooked
        self.driver = driver  # buildx-create: the --driver value (default docker-container); else None
        self.builder = builder  # build, context: the --builder value; buildx-create: the --name value
        self.buildx = buildx  # build, context: `docker buildx build|bake` (the selected builder runs it)
        self.load = load  # build: loads its result into the image store (--load, type=docker; podman ...)
        self.away = away  # build: sends its result elsewhere (--push, other outputs)
        self.use = use  # buildx-create: --use; buildx-install: install (True) or uninstall
        self.always = always  # pull, run, create: pulls even an image that is local (docker pull, --pull always)

    def __repr__(self) -> str:
        value = None if self.value is None else self.value.text
        return f"Pull({self.tool} {self.action}, {self.word.text!r} -> {value!r}, {self.start}, {self.end})"
