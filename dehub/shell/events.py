"""What a CI script does that matters to its job's pulls, as typed events in script order.

Every CI kind that runs shell (GitHub `run:`, GitLab `script:`, CircleCI `run:`, ...) hands
its script here after substituting its own expressions (a `Tracked`, so results map back to
the file). Pulls are what the image rules judge; logins and builds are what DH005 orders a
job's pulls against; tags and builds make local images a later `docker run` does not pull;
`docker buildx create` may pull BuildKit without naming it (DH004). The job-side bookkeeping
is `pipeline.JobRun.script`.
"""

from __future__ import annotations

from enum import Enum

from ..pipeline import ECR_PUBLIC, local_image
from ..value import Value
from . import pulls

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..tracked import Tracked


class ScriptAction(Enum):
    PULL = "pull"  # docker pull/run/create, podman, nerdctl, buildah from: `value` is the image
    LOGIN = "login"  # `registry` is the host logged in to ("" for Docker Hub)
    BUILD = "build"  # `tags` are its local images; `mentions_ecr_public` if its inputs name ECR Public
    TAG = "tag"  # `image` is the new local name
    BUILDX_CREATE = "buildx-create"  # `driver`; `value` is the `--driver-opt image=` image, or None


class ScriptEvent:
    """One thing a script does, with the span of its word in the file."""

    __slots__ = ("what", "span", "value", "registry", "image", "tags", "driver", "mentions_ecr_public")

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
    ) -> None:
        self.what = what
        self.span = span  # where the image word (or the command) is written
        self.value = value
        self.registry = registry
        self.image = image
        self.tags = tags
        self.driver = driver
        self.mentions_ecr_public = mentions_ecr_public

    def moved(self, span: tuple[int, int], value: Value | None) -> ScriptEvent:
        """The same event at another place (a memoised script's event, placed where it is now)."""
        return ScriptEvent(
            self.what, span, value, registry=self.registry, image=self.image, tags=self.tags, driver=self.driver,
            mentions_ecr_public=self.mentions_ecr_public,
        )  # fmt: skip

    def __repr__(self) -> str:
        shown = self.value.text if self.value is not None else self.registry or self.image or self.driver
        return f"ScriptEvent({self.what.value}, {shown!r}, {self.span})"


def script_events(tracked: Tracked, env: dict[str, Value | None] | None, shell_name: str) -> list[ScriptEvent]:
    """Each pull, login, build, tag and buildx builder in a script, in order.

    `env` holds the variables set before the script runs (None: set, value unknown).
    """
    out: list[ScriptEvent] = []
    for pull in pulls(tracked.indexed, env or {}, shell_name):
        span = tracked.word_span(_unquoted(pull.word), pull.command_start)
        if span is None:
            continue
        action = pull.action
        value = tracked.restore(pull.value) if pull.value is not None else None
        if action in ("pull", "run", "create"):
            if value is not None:
                out.append(ScriptEvent(ScriptAction.PULL, span, value))
        elif action == "login":
            registry = value.text.strip().lower() if value is not None else ""
            out.append(ScriptEvent(ScriptAction.LOGIN, span, registry=registry))
        elif action == "build":
            tag_values = [tag.text for tag in pull.tags]
            inputs = [argument.text for argument in pull.arguments if not _names_tag(argument.text, tag_values)]
            mentions = any(ECR_PUBLIC in text for text in inputs)  # a tag is where it goes, not a pull
            tags = tuple(local_image(tag) for tag in tag_values)
            out.append(ScriptEvent(ScriptAction.BUILD, span, tags=tags, mentions_ecr_public=mentions))
        elif action == "tag" and value is not None:
            out.append(ScriptEvent(ScriptAction.TAG, span, image=local_image(value.text)))
        elif action == "buildx-create":
            out.append(ScriptEvent(ScriptAction.BUILDX_CREATE, span, value, driver=pull.driver or "docker-container"))
    return out


def _unquoted(word: Value) -> Value:
    """A word without the quotes around it (`"$IMAGE"`): a finding points at what they hold."""
    text = word.text
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return Value(text[1:-1], word.origins[1:-1])
    return word


def _names_tag(argument: str, tags: list[str]) -> bool:
    """Whether a build argument is one of its own tags (`app:1`, or `--tag=app:1`)."""
    return any(argument == tag or argument.endswith("=" + tag) for tag in tags)
