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


class JobRun:
    """One run of a job being read: its uses in order, and the images its steps made locally.

    Events and hidden pulls are the same in every matrix combination, so only the first run
    (`first`) records events; hidden pulls are recorded per run (the inventory counts them
    per combination, DH004 reports each once).
    """

    __slots__ = ("job", "uses", "local", "first")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.uses: list[ImageUse] = []
        self.local: set[str] = set()  # images built, tagged or loaded by earlier steps
        self.first = not job.runs

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
            self.job.events.append(Event(self.job, step, span, kind, registry, mentions_ecr_public))

    def hidden(self, step: int, tool: str, span: tuple[int, int], image: str, setting: str) -> None:
        self.job.hidden.append(HiddenPull(self.job, step, tool, span, image, setting))

    def script(self, step: int, events: list[ScriptEvent], site: str) -> None:
        """What a step's script did, in order: what a later command pulls depends on what came
        before. `site` names the kind's script site (`gha-run`)."""
        from .shell.events import ScriptAction

        for event in events:
            what = event.what
            if what is ScriptAction.PULL and event.value is not None:
                self.step_pull(site, event.value, step, event.span)
            elif what is ScriptAction.TAG:
                self.local.add(event.image)
            elif what is ScriptAction.BUILD:
                self.local.update(event.tags)
                self.event(step, event.span, EventKind.BUILD, mentions_ecr_public=event.mentions_ecr_public)
            elif what is ScriptAction.LOGIN:
                self.event(step, event.span, EventKind.LOGIN, event.registry)
            elif what is ScriptAction.BUILDX_CREATE and event.driver in BUILDKIT_IMAGE_DRIVERS:
                if event.value is not None:
                    self.pull("buildx-driver-image", event.value, step, Phase.STEP, event.span)
                else:
                    setting = "--driver-opt image=<a copy of moby/buildkit>"
                    self.hidden(step, "docker buildx create", event.span, BUILDKIT_DEFAULT_IMAGE, setting)
