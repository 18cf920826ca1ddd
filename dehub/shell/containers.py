"""What a docker, podman, nerdctl or buildah command line pulls, builds, tags, loads or logs in to.

The subcommand is found past the global options (`docker --context x image pull ...`), then
the subcommand's own option grammar (container_options) tells its operands from its option
values: `docker run --name node alpine` pulls `alpine`, not `node`. Builds, tags, loads and
buildx builders pull nothing themselves, but a caller needs them: a later `docker run x` of an
image the job built, tagged or loaded runs a local image, not a pull.
"""

from __future__ import annotations

from ..buildx import DOCKER_SCHEMES, PODMAN_SCHEMES, BakeSettings, context_image, output_effect
from ..fields import driver_opt_image
from ..value import Value
from . import container_options as o
from .cooking import Cooking
from .lexer import Word
from .options import doubtful_operand, first_operand, flags, operands, option_values
from .pull import Pull

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    # subcommand path -> (action, value options, whether several images or names may follow)
    Commands = dict[tuple[str, ...], tuple[str, frozenset[str], bool]]

# Command groups whose next word is the real subcommand (`docker buildx --builder x build`).
GROUPS = frozenset(("container", "image", "buildx", "builder"))
GROUP_OPTIONS = frozenset(("--builder",))
TAG_OPTIONS = frozenset(("-t", "--tag"))
BUILD_OPTIONS = frozenset(("-t", "--tag", "--build-context", "--builder", "-o", "--output"))
DRIVER_OPTIONS = frozenset(("--driver", "--driver-opt", "--name"))
NO_OPTIONS: frozenset[str] = frozenset()
BUILDX_DEFAULT_DRIVER = "docker-container"


def _engine_commands(
    run: frozenset[str],
    pull: frozenset[str],
    login: frozenset[str],
    build: frozenset[str],
    tag: frozenset[str],
    several: bool,
) -> Commands:
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
        ("load",): ("load", NO_OPTIONS, False),
        ("image", "load"): ("load", NO_OPTIONS, False),
        ("import",): ("load", NO_OPTIONS, False),
        ("image", "import"): ("load", NO_OPTIONS, False),
    }


DOCKER_COMMANDS = _engine_commands(o.DOCKER_RUN, o.DOCKER_PULL, o.DOCKER_LOGIN, o.DOCKER_BUILD, o.DOCKER_TAG, False)
DOCKER_COMMANDS[("buildx", "create")] = ("buildx-create", o.BUILDX_CREATE, False)
DOCKER_COMMANDS[("buildx", "bake")] = ("bake", o.BUILDX_BAKE, False)
DOCKER_COMMANDS[("buildx", "use")] = ("buildx-use", o.BUILDX_USE, False)
DOCKER_COMMANDS[("buildx", "install")] = ("buildx-install", NO_OPTIONS, False)
DOCKER_COMMANDS[("buildx", "uninstall")] = ("buildx-uninstall", NO_OPTIONS, False)
# tool -> (global options, subcommands)
CLI: dict[str, tuple[frozenset[str], Commands]] = {
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
            command = _Command(reader, tool, words, words[index], words[position], command_start, path)
            ACTIONS[action](command, action, position + 1, values, several)
            return command.found
        if len(path) > 1 or name not in GROUPS:
            break
        position = first_operand(reader, words, position + 1, GROUP_OPTIONS)
    return []


class _Command:
    """One container command being read, and what it has been found to do."""

    __slots__ = ("reader", "tool", "words", "tool_word", "subcommand", "command_start", "path", "found")

    def __init__(
        self,
        reader: Cooking,
        tool: str,
        words: list[Word],
        tool_word: Word,
        subcommand: Word,
        command_start: int,
        path: tuple[str, ...] = (),
    ) -> None:
        self.reader = reader
        self.tool = tool
        self.words = words
        self.tool_word = tool_word  # what a build, a load or a login to Docker Hub is reported at
        self.subcommand = subcommand
        self.command_start = command_start
        self.path = path  # the subcommand path, e.g. ("buildx", "build")
        self.found: list[tuple[int, Pull]] = []

    def emit(
        self, action: str, start: int, end: int, value: Value | None, order: int | None = None, **details: Any
    ) -> None:
        """Report text[start:end] (a word, or the image inside one) as doing `action`; reports
        are ordered by where they are written, or by `order` (a build comes after its contexts)."""
        written = self.reader.written(start, end)
        span_start, span_end = written.source_span() or (-1, -1)
        pull = Pull(self.tool, action, written, value, span_start, span_end, self.command_start, **details)
        self.found.append((start if order is None else order, pull))

    def emit_word(self, action: str, word: Word, value: Value | None, order: int | None = None, **details: Any) -> None:
        self.emit(action, word.start, word.end, value, order, **details)

    def emit_build(self, **details: Any) -> None:
        """A build, reported at the tool's word and ordered after the command's other reports:
        what it pulls (its contexts) happens before what it makes (its tags)."""
        self.emit_word("build", self.tool_word, None, self.words[-1].end, **details)

    def emit_operand(self, action: str, index: int) -> None:
        word = self.words[index]
        self.emit_word(action, word, self.reader.cooked(word))


# tool -> the options of run/create, and (tool, subcommand) -> those of pull and `buildah
# from`, that take no value (absent: not known to dehub, every option taken for a flag)
RUN_FLAGS = {"docker": o.DOCKER_RUN_FLAGS, "podman": o.PODMAN_RUN_FLAGS, "nerdctl": o.NERDCTL_RUN_FLAGS}
PULL_FLAGS = {
    ("docker", "pull"): o.DOCKER_PULL_FLAGS,
    ("podman", "pull"): o.PODMAN_PULL_FLAGS,
    ("nerdctl", "pull"): o.NERDCTL_PULL_FLAGS,
    ("buildah", "pull"): o.BUILDAH_PULL_FLAGS,
    ("buildah", "from"): o.BUILDAH_FROM_FLAGS,
}


def _run(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """run / create: the options end at the image; what follows is the container's command.

    After an option dehub does not know, the image is in doubt (the next word may be its
    value): nothing is reported then, never a word that may be an option's value.
    """
    reader, words = command.reader, command.words
    first = first_operand(reader, words, start, values)
    known = RUN_FLAGS.get(command.tool)
    if known is not None and doubtful_operand(reader, words, start, first, values, known):
        return
    if first < len(words):
        policies = option_values(reader, words[:first], start, values, o.PULL_POLICY)
        always = any(value.text.strip().lower() == "always" for _, value, _ in policies)
        word = words[first]
        command.emit_word(action, word, reader.cooked(word), always=always)


def _pull(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """pull (several images for podman), buildah from."""
    found = operands(command.reader, command.words, start, values)
    known = PULL_FLAGS.get((command.tool, command.path[-1]))
    if known is not None and found and doubtful_operand(command.reader, command.words, start, found[0], values, known):
        found = found[1:]  # the value of an unknown option, or an image: either way the next operand is one
    always = command.path[-1:] == ("pull",)  # `buildah from` uses a local image, as `docker run` does
    for index in found if several else found[:1]:
        word = command.words[index]
        command.emit_word(action, word, command.reader.cooked(word), always=always)


def _login(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """login [SERVER]: without a server, the login is to Docker Hub (value None)."""
    found = operands(command.reader, command.words, start, values)
    if found:
        command.emit_operand(action, found[0])
    else:
        command.emit_word(action, command.tool_word, None)


def _build(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """A build pulls what its Dockerfile names (read elsewhere) and its `docker-image://`
    contexts; its arguments, tags, builder and outputs matter here."""
    reader, words = command.reader, command.words
    arguments = [reader.cooked(word) for word in words[start:]]
    tags: list[Value] = []
    builder = ""
    load = away = False
    docker = command.tool == "docker"
    schemes = DOCKER_SCHEMES if docker else PODMAN_SCHEMES
    for option, value, holder in option_values(reader, words, start, values, BUILD_OPTIONS):
        if option in TAG_OPTIONS:
            tags.append(value)
        elif option == "--build-context":
            image = context_image(value, schemes)
            if image is not None:
                begin, end = _inside(reader, holder, image)
                command.emit("context", begin, end, image, builder="", buildx=_is_buildx(command))
        elif option == "--builder":
            builder = value.text.strip()
        elif docker:  # --output: podman and buildah write files besides their own store
            loads, sends = output_effect(value)
            load, away = load or loads, away or sends
    given = flags(reader, words, start, values)
    load = load or "--load" in given or not docker  # podman, buildah, nerdctl build into their own store
    away = away or "--push" in given
    if builder:
        for _, pull in command.found:
            pull.builder = builder
    command.emit_build(arguments=arguments, tags=tags, builder=builder, buildx=_is_buildx(command), load=load,
                       away=away)  # fmt: skip


def _bake(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """docker buildx bake: its `--set` overrides may name `docker-image://` contexts and tags
    (what the bake file itself says is not read); reported as a build."""
    reader, words = command.reader, command.words
    settings = BakeSettings()
    builder = ""
    for option, value, holder in option_values(reader, words, start, values, frozenset(("--set", "--builder"))):
        if option == "--builder":
            builder = value.text.strip()
            continue
        before = len(settings.contexts)
        settings.add(value)
        for image in settings.contexts[before:]:
            begin, end = _inside(reader, holder, image)
            command.emit("context", begin, end, image, buildx=True)
    given = flags(reader, words, start, values)
    for _, pull in command.found:
        pull.builder = builder
    arguments = [reader.cooked(word) for word in words[start:]]
    command.emit_build(arguments=arguments, tags=settings.tags, builder=builder, buildx=True,
                       load=settings.load or "--load" in given, away=settings.away or "--push" in given)  # fmt: skip


def _is_buildx(command: _Command) -> bool:
    """`docker buildx build` runs on the selected builder; `docker build` on the default one."""
    return command.tool == "docker" and command.path[:1] == ("buildx",)


def _tag(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """tag SOURCE TARGET...: one report per target name (docker and nerdctl take one)."""
    targets = operands(command.reader, command.words, start, values)[1:]
    for index in targets if several else targets[:1]:
        command.emit_operand(action, index)


def _load(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """load / import: images come from an archive, under names only the archive knows."""
    command.emit_word(action, command.tool_word, None)


def _buildx_create(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """docker buildx create: the driver, the name, `--use`, and the BuildKit image a
    `--driver-opt image=X` names.

    Several `--driver-opt` options may be given, each a CSV list of key=value; the last `image`
    wins. The report spans just the image inside its option word when written there literally.
    """
    reader = command.reader
    driver = BUILDX_DEFAULT_DRIVER
    name = ""
    image: tuple[Value, Word] | None = None
    for option, value, holder in option_values(reader, command.words, start, values, DRIVER_OPTIONS):
        if option == "--driver":
            driver = value.text
            continue
        if option == "--name":
            name = value.text.strip()
            continue
        named = driver_opt_image(value)
        if named is not None:
            image = named, holder
    use = "--use" in flags(reader, command.words, start, values)
    if image is None:
        command.emit_word(action, command.subcommand, None, driver=driver, builder=name, use=use)
        return
    value, holder = image
    begin, end = _inside(reader, holder, value)
    command.emit(action, begin, end, value, driver=driver, builder=name, use=use)


def _buildx_use(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """docker buildx use NAME: the builder later `docker buildx` builds run on."""
    found = operands(command.reader, command.words, start, values)
    if found:
        command.emit_operand(action, found[0])
    else:
        command.emit_word(action, command.subcommand, None)


def _buildx_install(command: _Command, action: str, start: int, values: frozenset[str], several: bool) -> None:
    """docker buildx install / uninstall: whether `docker build` uses the selected builder."""
    command.emit_word("buildx-install", command.subcommand, None, use=action == "buildx-install")


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
        if (
            begin >= 0
            and end <= word.end
            and origins[begin:end] == value.origins
            and reader.text[begin:end] == value.text
        ):
            return begin, end
    return word.start, word.end


ACTIONS: dict[str, Callable[[_Command, str, int, frozenset[str], bool], None]] = {
    "run": _run,
    "create": _run,
    "pull": _pull,
    "login": _login,
    "build": _build,
    "tag": _tag,
    "load": _load,
    "buildx-create": _buildx_create,
    "bake": _bake,
    "buildx-use": _buildx_use,
    "buildx-install": _buildx_install,
    "buildx-uninstall": _buildx_install,
}
