"""What a CI file says about its pulls: jobs, and when and where in a job each image is pulled.

Every CI kind (GitHub Actions workflows and actions today) reads its file into this one model,
so the rules and the inventory never ask which CI system a file is for: a job's container and
services are pulled while it is set up, before any step, so no login step can cover them;
a step's pulls happen after the steps before it, so an earlier login does. Logins and image
builds are events in step order (DH005); images a tool pulls without the file naming them
are hidden pulls (DH004); `inventory` counts it all per run.

`JobRun` is the reader's side: one run of a job (one matrix combination) as a kind module
reads it, step by step, with the images earlier steps built, tagged or loaded (running those
later is no pull), and the events of a `run:` script (`dehub.shell.events`) recorded in order.
"""

from __future__ import annotations

from enum import Enum

from .imageuse import ImageUse
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shell.events import ScriptEvent

ECR_PUBLIC = "public.ecr.aws"
BUILDKIT_DEFAULT_IMAGE = "moby/buildkit:buildx-stable-1"  # what a buildx container builder runs by default
BUILDKIT_IMAGE_DRIVERS = frozenset(("docker-container", "kubernetes"))  # buildx drivers that run that image


class Phase(Enum):
    """When, relative to a job's steps, an image is pulled; `note` says what that means for a login."""

    SETUP = "setup"  # while the job is set up (its container, services), before any step
    ACTION_SETUP = "action-setup"  # while the job prepares its actions (GitHub's docker:// steps)
    COMPOSITE_SETUP = "composite-setup"  # a composite action's docker:// steps, when its step starts
    STEP = "step"  # by a step, after the steps before it

    @property
    def before_steps(self) -> bool:
        return self is not Phase.STEP

    @property
    def note(self) -> str:
        return PHASE_NOTES[self]


PHASE_NOTES = {
    Phase.SETUP: "pulled while the job is set up, before any step, so a login step cannot cover it "
    "(only the mirror, or registry credentials in the job's definition, can)",
    Phase.ACTION_SETUP: "pulled while the job prepares its actions, before any step, so a login step "
    "cannot cover it (only the mirror can)",
    Phase.COMPOSITE_SETUP: "pulled when the step that uses this action starts, before the action's own steps, "
    "so only a login in an earlier step of the calling job can cover it",
    Phase.STEP: "pulled by this step (a Docker Hub login in an earlier step would also lift the anonymous limit)",
}


class EventKind(Enum):
    LOGIN = "login"
    BUILD = "build"


class Job:
    """One job (or a composite action's steps): its runs' image uses, hidden pulls and events."""

    __slots__ = ("id", "start", "end", "label", "combinations", "notes", "runs", "hidden", "events")

    def __init__(
        self,
        job_id: str,
        span: tuple[int, int],
        combinations: int | None = 1,
        label: str = "",
        notes: dict[Phase, str] | None = None,
    ) -> None:
        self.id = job_id
        self.start, self.end = span  # where the job is named (its key)
        self.label = label or f"job `{job_id}`"  # how a message names it
        self.combinations = combinations  # matrix combinations it runs in; None: not known statically
        self.notes = notes  # the kind's own wording of a phase's note, where it differs
        self.runs: list[list[ImageUse]] = []  # the image uses of each combination, in order
        self.hidden: list[HiddenPull] = []
        self.events: list[Event] = []

    def note(self, phase: Phase) -> str:
        notes = self.notes
        return notes[phase] if notes is not None and phase in notes else phase.note


class PullContext:
    """Where an image use sits in a job: the job, the step (-1 before any step), the phase."""

    __slots__ = ("job", "step", "phase")

    def __init__(self, job: Job, step: int, phase: Phase) -> None:
        self.job = job
        self.step = step
        self.phase = phase


class HiddenPull:
    """A tool that pulls an image the file does not name (setup-buildx's BuildKit)."""

    __slots__ = ("job", "step", "action", "start", "end", "image", "setting")

    def __init__(self, job: Job, step: int, action: str, span: tuple[int, int], image: str, setting: str) -> None:
        self.job = job
        self.step = step
        self.action = action  # the tool, e.g. docker/setup-buildx-action or `docker buildx create`
        self.start, self.end = span  # where the tool is named
        self.image = image  # what it pulls by default
        self.setting = setting  # the input that names another image, as the user would write it


class Event:
    """A step-time event that is not an image use: a registry login or an image build."""

    __slots__ = ("job", "step", "start", "end", "kind", "registry", "mentions_ecr_public")

    def __init__(
        self,
        job: Job,
        step: int,
        span: tuple[int, int],
        kind: EventKind,
        registry: str = "",
        mentions_ecr_public: bool = False,
    ) -> None:
        self.job = job
        self.step = step
        self.start, self.end = span  # the action's `uses:` value, or the command's first word
        self.kind = kind
        self.registry = registry  # for a login: the registry host; "" is Docker Hub
        self.mentions_ecr_public = mentions_ecr_public  # for a build: its inputs name public.ecr.aws


class Pipeline:
    """A CI file's jobs, in file order."""

    __slots__ = ("jobs",)

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def image_uses(self) -> list[ImageUse]:
        """Each distinct use once, however many matrix combinations produce it."""
        seen: set[tuple[object, ...]] = set()
        uses = []
        for job in self.jobs:
            for run in job.runs:
                for use in run:
                    key = (use.site, use.start, use.end, use.value.text, tuple(use.value.origins))
                    if key not in seen:
                        seen.add(key)
                        uses.append(use)
        return uses


def local_image(text: str) -> str:
    """An image name as the local image store keys it: `app` and `app:latest` are one image."""
    from .reference import ReferenceError, parse

    text = text.strip()
    try:
        ref = parse(text)
    except ReferenceError:
        return text
    return ref.name + ":" + (ref.tag or "latest") + ("@" + ref.digest if ref.digest else "")


DEFAULT_DRIVER = "docker"  # the driver of the default builder every Docker host has
UNKNOWN_DRIVER = ""  # a builder dehub cannot name: treated as one that cannot see local images
BUILD_CONTEXT_SITE = "build-context"  # a build's `docker-image://` context, in any kind


class JobRun:
    """One run of a job being read: its uses in order, and the images its steps made locally.

    Events and hidden pulls are the same in every matrix combination, so only the first run
    (`first`) records events; hidden pulls are recorded per run (the inventory counts them
    per combination, DH004 reports each once).

    Local images: what a build loads into the Docker daemon's image store (`docker build`,
    `--load`, and any build by the `docker` driver that is not sent away), what `docker tag`
    names. Running one later is no pull; `docker pull` still pulls. The job also follows which
    buildx builder is selected (`builders`, `driver`): the `docker` driver's BuildKit sees the
    daemon's images, so a `docker-image://` build context naming a local image is no pull
    there, while a `docker-container` builder pulls it from the registry.
    """

    __slots__ = ("job", "uses", "local", "first", "seen", "driver", "builders", "installed", "event_keys")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.uses: list[ImageUse] = []
        self.local: set[str] = set()  # images built, tagged or loaded by earlier steps
        self.first = not job.runs
        self.seen: set[tuple[object, ...]] = set()  # uses recorded (a step's variants repeat them)
        self.driver = DEFAULT_DRIVER  # the selected buildx builder's driver
        self.builders = {"default": DEFAULT_DRIVER}  # builders by name, as created in the job
        self.installed = False  # `docker buildx install`: `docker build` uses the selected builder
        self.event_keys: set[tuple[object, ...]] | None = None  # the job's events, as `event` compares them

    def is_local(self, image: str) -> bool:
        return bool(self.local) and local_image(image) in self.local

    def add_local(self, image: str) -> None:
        self.local.add(local_image(image))

    def pull(
        self,
        site: str,
        value: Value,
        step: int,
        phase: Phase,
        span: tuple[int, int] | None = None,
        written: Value | None = None,
    ) -> None:
        """An image this run pulls. `span` is where the reference is written; by default the
        text of `written` (the scalar before expressions were substituted), else of `value`."""
        if not value.text.strip():
            return  # an empty image (a service switched off by the matrix) is not pulled
        if span is None:
            span = (written or value).source_span() or (0, 0)
        key = (site, span, step, value.text, tuple(value.origins))
        if key in self.seen:
            return  # the same pull from another variant of the step
        self.seen.add(key)
        use = ImageUse(site, value, span[0], span[1])
        use.context = PullContext(self.job, step, phase)
        self.uses.append(use)

    def step_pull(
        self, site: str, value: Value, step: int, span: tuple[int, int] | None = None, written: Value | None = None
    ) -> None:
        """A pull by a step, unless an earlier step made that image locally."""
        if not self.is_local(value.text):
            self.pull(site, value, step, Phase.STEP, span, written)

    def event(self, step: int, span: tuple[int, int], kind: EventKind, registry: str = "",
              mentions_ecr_public: bool = False) -> None:  # fmt: skip
        if self.first:
            events = self.job.events
            keys = self.event_keys
            if keys is None:  # a set, not a scan of the events: a script of n logins made n^2 comparisons
                keys = self.event_keys = {(e.step, e.start, e.end, e.kind, e.registry) for e in events}
            key = (step, *span, kind, registry)
            if key in keys:
                return  # recorded by another variant of the step
            keys.add(key)
            events.append(Event(self.job, step, span, kind, registry, mentions_ecr_public))

    def hidden(self, step: int, tool: str, span: tuple[int, int], image: str, setting: str) -> None:
        key = ("hidden", step, span, image)
        if key not in self.seen:
            self.seen.add(key)
            self.job.hidden.append(HiddenPull(self.job, step, tool, span, image, setting))

    # --- builders and builds --------------------------------------------------------------

    def new_builder(self, driver: str, name: str = "", use: bool = True) -> None:
        """A buildx builder created (setup-buildx, `docker buildx create`), selected when `use`."""
        if name:
            self.builders[name] = driver
        if use:
            self.driver = driver

    def use_builder(self, name: str) -> None:
        """`docker buildx use NAME`: a builder this job created, `default`, or one dehub cannot name."""
        self.driver = self.builders.get(name, UNKNOWN_DRIVER)

    def build_driver(self, builder: str, buildx: bool) -> str:
        """The driver a build runs on: the builder it names, else the selected one for
        `docker buildx build` (and `docker build` after `buildx install`), else the default."""
        if builder:
            return self.builders.get(builder, UNKNOWN_DRIVER)
        return self.driver if buildx or self.installed else DEFAULT_DRIVER

    def built(self, tags: tuple[str, ...] | list[str], driver: str, load: bool, away: bool) -> None:
        """A build's tags are local when it loads them into the image store: explicitly
        (`load`), or on the docker driver, whose builds land there unless sent away (pushed,
        exported to files). A pushed-only build is not counted on."""
        if load or (driver == DEFAULT_DRIVER and not away):
            for tag in tags:
                self.add_local(tag)

    def context(self, value: Value, step: int, driver: str, span: tuple[int, int] | None = None,
                written: Value | None = None) -> None:  # fmt: skip
        """A build's `docker-image://` context, pulled by BuildKit when the build runs; the
        docker driver's BuildKit uses an image an earlier step made locally instead."""
        if driver == DEFAULT_DRIVER and self.is_local(value.text):
            return
        self.pull(BUILD_CONTEXT_SITE, value, step, Phase.STEP, span, written)

    # --- scripts --------------------------------------------------------------------------

    def scripts(self, step: int, variants: list[list[ScriptEvent]], site: str) -> None:
        """A step's script when it may be any of several texts (an expression or an env value
        with several outcomes): each variant's pulls count, each once; an image is local
        after the step only when every variant made it, and the selected builder is known
        only when every variant leaves the same one."""
        if len(variants) == 1:
            self.script(step, variants[0], site)
            return
        local, driver, builders, installed = self.local, self.driver, self.builders, self.installed
        after = []
        for events in variants:
            self.local, self.driver, self.builders = set(local), driver, dict(builders)
            self.installed = installed
            self.script(step, events, site)
            after.append((self.local, self.driver, self.builders, self.installed))
        self.local = set.intersection(*(state[0] for state in after))
        drivers = {state[1] for state in after}
        self.driver = drivers.pop() if len(drivers) == 1 else UNKNOWN_DRIVER
        self.builders = {name: kind for name, kind in after[0][2].items()
                         if all(state[2].get(name) == kind for state in after)}  # fmt: skip
        self.installed = all(state[3] for state in after)

    def script(self, step: int, events: list[ScriptEvent], site: str) -> None:
        """What a step's script did, in order: what a later command pulls depends on what came
        before. `site` names the kind's script site (`gha-run`)."""
        from .shell.events import ScriptAction

        for event in events:
            what = event.what
            if what is ScriptAction.PULL and event.value is not None:
                if event.always:
                    self.pull(site, event.value, step, Phase.STEP, event.span)
                else:
                    self.step_pull(site, event.value, step, event.span)
            elif what is ScriptAction.CONTEXT and event.value is not None:
                self.context(event.value, step, self.build_driver(event.builder, event.buildx), event.span)
            elif what is ScriptAction.TAG:
                self.local.add(event.image)
            elif what is ScriptAction.BUILD:
                self.built(event.tags, self.build_driver(event.builder, event.buildx), event.load, event.away)
                self.event(step, event.span, EventKind.BUILD, mentions_ecr_public=event.mentions_ecr_public)
            elif what is ScriptAction.LOGIN:
                self.event(step, event.span, EventKind.LOGIN, event.registry)
            elif what is ScriptAction.BUILDX_USE:
                self.use_builder(event.builder)
            elif what is ScriptAction.BUILDX_INSTALL:
                self.installed = event.use
            elif what is ScriptAction.BUILDX_CREATE:
                self.new_builder(event.driver, event.builder, event.use)
                if event.driver not in BUILDKIT_IMAGE_DRIVERS:
                    continue
                if event.value is not None:
                    self.pull("buildx-driver-image", event.value, step, Phase.STEP, event.span)
                else:
                    setting = "--driver-opt image=<a copy of moby/buildkit>"
                    self.hidden(step, "docker buildx create", event.span, BUILDKIT_DEFAULT_IMAGE, setting)
