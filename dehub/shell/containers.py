"""What a docker, podman, nerdctl or buildah command line pulls, builds, tags, loads or logs in to.

The subcommand is found past the global options (`docker --context x image pull ...`), then
the subcommand's own option grammar (container_options) tells its operands from its option
values: `docker run --name node alpine` pulls `alpine`, not `node`. Builds, tags, loads and
buildx builders pull nothing themselves, but a caller needs them: a later `docker run x` of an
image the job built, tagged or loaded runs a local image, not a pull.
"""

from __future__ import annotations

from ..fields import driver_opt_image
from ..value import Value
from . import container_options as o
from .cooking import Cooking
from .lexer import Word
from .options import first_operand, operands, option_values
from .pull import Pull

# Command groups whose next word is the real subcommand (`docker buildx --builder x build`).
GROUPS = frozenset(("container", "image", "buildx", "builder"))
GROUP_OPTIONS = frozenset(("--builder",))
TAG_OPTIONS = frozenset(("-t", "--tag"))
DRIVER_OPTIONS = frozenset(("--driver", "--driver-opt"))
BUILDX_DEFAULT_DRIVER = "docker-container"


def _engine_commands(
    run: frozenset, pull: frozenset, login: frozenset, build: frozenset, tag: frozenset, several: bool
) -> dict:
    """Subcommand path -> (action, value options, whether several images or names may follow).

    `several`: podman pulls and tags every image operand, docker and nerdctl only one.
    """
    return {
        ("run",): ("run", run, False),
        ("container", "run"): ("run", run, False),
        ("create",): ("create", run, False),
        ("container", "create"): ("create", run, False),
        ("pull",): ("pull", pull, several),
        ("image", "pull"): ("pull", pull, several),
        ("build",): ("build", build, False),
        ("image", "build"): ("build", build, False),
        ("buildx", "build"): ("build", build, False),
        ("builder", "build"): ("build", build, False),
        ("login",): ("login", login, False),
        ("tag",): ("tag", tag, several),
        ("image", "tag"): ("tag", tag, several),
        ("load",): ("load", None, False),
        ("image", "load"): ("load", None, False),
        ("import",): ("load", None, False),
        ("image", "import"): ("load", None, False),
    }


DOCKER_COMMANDS = _engine_commands(o.DOCKER_RUN, o.DOCKER_PULL, o.DOCKER_LOGIN, o.DOCKER_BUILD, o.DOCKER_TAG, False)
DOCKER_COMMANDS[("buildx", "create")] = ("buildx-create", o.BUILDX_CREATE, False)
# tool -> (global options, subcommands)
CLI = {
    "docker": (o.DOCKER_GLOBAL, DOCKER_COMMANDS),
    "podman": (
        o.PODMAN_GLOBAL,
        _engine_commands(o.PODMAN_RUN, o.PODMAN_PULL, o.PODMAN_LOGIN, o.PODMAN_BUILD, o.PODMAN_TAG, True),
    ),
    "nerdctl": (
        o.NERDCTL_GLOBAL,
        _engine_commands(o.NERDCTL_RUN, o.NERDCTL_PULL, o.NERDCTL_LOGIN, o.NERDCTL_BUILD, o.NERDCTL_TAG, False),
    ),
    "buildah": (
        o.BUILDAH_GLOBAL,
        {
            ("pull",): ("pull", o.BUILDAH_PULL, False),
            ("from",): ("pull", o.BUILDAH_FROM, False),
            ("bud",): ("build", o.BUILDAH_BUILD, False),
            ("build",): ("build", o.BUILDAH_BUILD, False),
            ("build-using-dockerfile",): ("build", o.BUILDAH_BUILD, False),
            ("login",): ("login", o.BUILDAH_LOGIN, False),
            ("tag",): ("tag", o.BUILDAH_TAG, True),
        },
    ),
}


def container_pulls(
    reader: Cooking, tool: str, words: list[Word], index: int, command_start: int
) -> list[tuple[int, Pull]]:
    """(position in the text, Pull) for each thing the command `words[index:]` does, in order."""
    global_options, commands = CLI[tool]
    path: tuple[str, ...] = ()
    position = first_operand(reader, words, index + 1, global_options)
    while position < len(words):
        name = reader.literal(words[position])
        if name is None:
            break
        path += (name,)
        entry = commands.get(path)
        if entry is not None:
            action, values, several = entry
            command = _Command(reader, tool, words, words[index], words[position], command_start)
            ACTIONS[action](command, action, position + 1, values, several)
            return command.found
        if len(path) > 1 or name not in GROUPS:
            break
        position = first_operand(reader, words, position + 1, GROUP_OPTIONS)
    return []


class _Command:
    """One container command being read, and what it has been found to do."""

    __slots__ = ("reader", "tool", "words", "tool_word", "subcommand", "command_start", "found")

    def __init__(
        self, reader: Cooking, tool: str, words: list[Word], tool_word: Word, subcommand: Word, command_start: int
    ) -> None:
        self.reader = reader
        self.tool = tool
        self.words = words
        self.tool_word = tool_word  # what a build, a load or a login to Docker Hub is reported at
        self.subcommand = subcommand
        self.command_start = command_start
        self.found: list[tuple[int, Pull]] = []

    def emit(self, action: str, start: int, end: int, value: Value | None, **details: object) -> None:
        """Report text[start:end] (a word, or the image inside one) as doing `action`."""
        written = self.reader.written(start, end)
        span_start, span_end = written.source_span() or (-1, -1)
        pull = Pull(self.tool, action, written, value, span_start, span_end, self.command_start, **details)
        self.found.append((start, pull))

    def emit_word(self, action: str, word: Word, value: Value | None, **details: object) -> None:
        self.emit(action, word.start, word.end, value, **details)

    def emit_operand(self, action: str, index: int) -> None:
        word = self.words[index]
        self.emit_word(action, word, self.reader.cooked(word))


def _run(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """run / create: the options end at the image; what follows is the container's command."""
    first = first_operand(command.reader, command.words, start, values)
    if first < len(command.words):
        command.emit_operand(action, first)


def _pull(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """pull (several images for podman), buildah from."""
    found = operands(command.reader, command.words, start, values)
    for index in found if several else found[:1]:
        command.emit_operand(action, index)


def _login(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """login [SERVER]: without a server, the login is to Docker Hub (value None)."""
    found = operands(command.reader, command.words, start, values)
    if found:
        command.emit_operand(action, found[0])
    else:
        command.emit_word(action, command.tool_word, None)


def _build(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """A build pulls what its Dockerfile names (read elsewhere); its arguments and tags matter here."""
    reader, words = command.reader, command.words
    arguments = [reader.cooked(word) for word in words[start:]]
    tags = [value for _, value, _ in option_values(reader, words, start, values, TAG_OPTIONS)]
    command.emit_word(action, command.tool_word, None, arguments=arguments, tags=tags)


def _tag(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """tag SOURCE TARGET...: one report per target name (docker and nerdctl take one)."""
    targets = operands(command.reader, command.words, start, values)[1:]
    for index in targets if several else targets[:1]:
        command.emit_operand(action, index)


def _load(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """load / import: images come from an archive, under names only the archive knows."""
    command.emit_word(action, command.tool_word, None)


def _buildx_create(command: _Command, action: str, start: int, values: frozenset, several: bool) -> None:
    """docker buildx create: the driver, and the BuildKit image a `--driver-opt image=X` names.

    Several `--driver-opt` options may be given, each a CSV list of key=value; the last `image`
    wins. The report spans just the image inside its option word when written there literally.
    """
    reader = command.reader
    driver = BUILDX_DEFAULT_DRIVER
    image: tuple[Value, Word] | None = None
    for option, value, holder in option_values(reader, command.words, start, values, DRIVER_OPTIONS):
        if option == "--driver":
            driver = value.text
            continue
        named = driver_opt_image(value)
        if named is not None:
            image = named, holder
    if image is None:
        command.emit_word(action, command.subcommand, None, driver=driver)
        return
    value, holder = image
    begin, end = _inside(reader, holder, value)
    command.emit(action, begin, end, value, driver=driver)


def _inside(reader: Cooking, word: Word, value: Value) -> tuple[int, int]:
    """Where in the text `value` is written literally inside `word`; else the whole word."""
    run = value.source_run(0, len(value.text))
    if run is not None:
        origins = reader.origins
        try:
            begin = origins.index(run[0], word.start, word.end)
        except ValueError:
            begin = -1
        end = begin + len(value.text)
        if begin >= 0 and end <= word.end and origins[begin:end] == value.origins:
            if reader.text[begin:end] == value.text:
                return begin, end
    return word.start, word.end


ACTIONS = {
    "run": _run,
    "create": _run,
    "pull": _pull,
    "login": _login,
    "build": _build,
    "tag": _tag,
    "load": _load,
    "buildx-create": _buildx_create,
}
