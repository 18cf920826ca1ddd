"""What a CI script does that matters to its job's pulls, as typed events in script order.

Every CI kind that runs shell (GitHub `run:`, GitLab `script:`, CircleCI `run:`, ...) hands
its script here after substituting its own expressions (a `Tracked`, so results map back to
the file). Pulls are what the image rules judge; logins and builds are what DH005 orders a
job's pulls against; tags and builds make local images a later `docker run` does not pull;
`docker buildx create` may pull BuildKit without naming it (DH004). The job-side bookkeeping
is `pipeline.JobRun.script`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

from ..envchain import Chain
from ..pipeline import ECR_PUBLIC, local_image
from ..scriptcache import ScriptCache
from ..value import Choice, Value
from . import pulls

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..tracked import Tracked


WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a name a script may read


class ScriptAction(Enum):
    PULL = "pull"  # docker pull/run/create, podman, nerdctl, buildah from: `value` is the image
    LOGIN = "login"  # `registry` is the host logged in to ("" for Docker Hub)
    BUILD = "build"  # `tags` are its local images; `mentions_ecr_public` if its inputs name ECR Public
    CONTEXT = "context"  # a build's `docker-image://` context: `value` is the image
    TAG = "tag"  # `image` is the new local name
    BUILDX_CREATE = "buildx-create"  # `driver`, `builder` (its --name), `use`; `value`: the `image=` driver-opt
    BUILDX_USE = "buildx-use"  # `builder` is the builder selected ("" when not known)
    BUILDX_INSTALL = "buildx-install"  # `use`: install (True) or uninstall (False)


class ScriptEvent:
    """One thing a script does, with the span of its word in the file.

    A build or a context also says which builder runs it: `builder` (a `--builder` name, ""
    for the usual one) and `buildx` (`docker buildx build`, which uses the selected builder,
    not the default one `docker build` uses); a build says whether it `load`s its result into
    the image store (`--load`, `--output type=docker`; always for podman, buildah, nerdctl)
    or sends it `away` (`--push`, other outputs). A pull that `always` pulls (`docker pull`,
    `--pull always`) pulls even an image an earlier step made.
    """

    __slots__ = (
        "what", "span", "value", "registry", "image", "tags", "driver", "mentions_ecr_public", "builder", "buildx",
        "load", "away", "use", "always",
    )  # fmt: skip

    def __init__(
        self,
        what: ScriptAction,
        span: tuple[int, int],
        value: Value | None = None,
        *,
        registry: str = "",
        image: str = "",
        tags: tuple[str, ...] = (),
        driver: str = "",
        mentions_ecr_public: bool = False,
        builder: str = "",
        buildx: bool = False,
        load: bool = False,
        away: bool = False,
        use: bool = False,
        always: bool = False,
    ) -> None:
        self.what = what
        self.span = span  # where the image word (or the command) is written
        self.value = value
        self.registry = registry
        self.image = image
        self.tags = tags
        self.driver = driver
        self.mentions_ecr_public = mentions_ecr_public
        self.builder = builder
        self.buildx = buildx
        self.load = load
        self.away = away
        self.use = use
        self.always = always

    def moved(self, span: tuple[int, int], value: Value | None) -> ScriptEvent:
        """The same event at another place (a memoised script's event, placed where it is now)."""
        copy = object.__new__(ScriptEvent)
        for slot in ScriptEvent.__slots__:
            setattr(copy, slot, getattr(self, slot))
        copy.span = span
        copy.value = value
        return copy

    def __repr__(self) -> str:
        shown = self.value.text if self.value is not None else self.registry or self.image or self.driver
        return f"ScriptEvent({self.what.value}, {shown!r}, {self.span})"


def script_events(tracked: Tracked, env: Mapping[str, Value | None] | None, shell_name: str) -> list[ScriptEvent]:
    """Each pull, login, build, tag and buildx builder in a script, in order.

    `env` holds the variables set before the script runs (None: set, value unknown).
    """
    out: list[ScriptEvent] = []
    for pull in pulls(tracked.indexed, env, shell_name):
        span = tracked.word_span(_unquoted(pull.word), pull.command_start)
        if span is None:
            continue
        action = pull.action
        value = tracked.restore(pull.value) if pull.value is not None else None
        if action in ("pull", "run", "create"):
            if value is not None and not _built_here(value):
                out.append(ScriptEvent(ScriptAction.PULL, span, value, always=pull.always))
        elif action == "context":
            if value is not None:
                out.append(ScriptEvent(ScriptAction.CONTEXT, span, value, builder=pull.builder, buildx=pull.buildx))
        elif action == "login":
            registry = value.text.strip().lower() if value is not None else ""
            out.append(ScriptEvent(ScriptAction.LOGIN, span, registry=registry))
        elif action == "build":
            tag_values = [tag.text for tag in pull.tags]
            inputs = [argument.text for argument in pull.arguments if not _names_tag(argument.text, tag_values)]
            mentions = any(ECR_PUBLIC in text for text in inputs)  # a tag is where it goes, not a pull
            tags = tuple(local_image(tag) for tag in tag_values)
            out.append(ScriptEvent(
                ScriptAction.BUILD, span, tags=tags, mentions_ecr_public=mentions, builder=pull.builder,
                buildx=pull.buildx, load=pull.load, away=pull.away,
            ))  # fmt: skip
        elif action == "tag" and value is not None:
            out.append(ScriptEvent(ScriptAction.TAG, span, image=local_image(value.text)))
        elif action == "buildx-create":
            driver = pull.driver or "docker-container"
            out.append(ScriptEvent(ScriptAction.BUILDX_CREATE, span, value, driver=driver, builder=pull.builder,
                                   use=pull.use))  # fmt: skip
        elif action == "buildx-use":
            name = value.text.strip() if value is not None and value.is_known else ""
            out.append(ScriptEvent(ScriptAction.BUILDX_USE, span, builder=name))
        elif action == "buildx-install":
            out.append(ScriptEvent(ScriptAction.BUILDX_INSTALL, span, use=pull.use))
    return out


def env_variants(
    env: Mapping[str, Value | None] | None, text: str, limit: int = 16
) -> list[Mapping[str, Value | None] | None]:
    """The env a script may run with: one per combination of the alternatives of the values
    it may read (a `Choice`, whose branch the CI file does not fix); `[env]` when there are none.
    Past `limit` combinations, further choices stay undecided (unknown). Only the names the
    text holds are looked up: a job's environment may hold thousands it never reads."""
    if not env:
        return [env]
    variants: list[Mapping[str, Value | None]] = [env]
    for name in dict.fromkeys(WORD.findall(text)):
        value = env.get(name)
        if isinstance(value, Choice) and len(variants) * len(value.alternatives) <= limit:
            variants = [Chain({name: one}, variant) for variant in variants for one in value.alternatives]
    return list(variants)


BUILDS = ("docker build", "docker buildx build", "podman build", "buildah build", "nerdctl build")


def _built_here(value: Value) -> bool:
    """`docker run $(docker build -q .)`: the image is the ID of the image just built, not a pull."""
    text = value.text.strip()
    substituted = (text.startswith("$(") and text.endswith(")")) or (len(text) > 1 and text[0] == text[-1] == "`")
    if value.is_known or not substituted:
        return False
    words = text.strip("$()`").split()
    return " ".join(words).startswith(BUILDS) and ("-q" in words or "--quiet" in words)


def _unquoted(word: Value) -> Value:
    """A word without the quotes around it (`"$IMAGE"`): a finding points at what they hold."""
    text = word.text
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return Value(text[1:-1], word.origins[1:-1])
    return word


def _names_tag(argument: str, tags: list[str]) -> bool:
    """Whether a build argument is one of its own tags (`app:1`, or `--tag=app:1`)."""
    return any(argument == tag or argument.endswith("=" + tag) for tag in tags)


def scan(
    cache: ScriptCache,
    node_id: int,
    tracked: Tracked,
    env: Mapping[str, Value | None] | None,
    shell_name: str,
) -> list[ScriptEvent]:
    """`script_events`, once per distinct script: the same script node with the same text after
    substitution, shell and values of the variables it reads (a matrix's combinations mostly
    repeat it) is read once."""
    key = (node_id, shell_name, tracked.value.text, tuple(tracked.value.origins))
    return cache.read(key, env, lambda seen: script_events(tracked, seen, shell_name))
