"""What a GitHub Actions file says about its pulls: jobs, and when and where each image is pulled.

The job container, services and container actions are pulled while the job is set up, before
any step; `run:` pulls happen in their step, after the steps before it. DH005 and
`dehub inventory` read this model; the image rules read the image uses alone.
"""

from __future__ import annotations

from ..imageuse import ImageUse
from .matrix import Matrix

SETUP = "setup"  # pulled while the job is set up (container, services), before any step
ACTION_SETUP = "action-setup"  # pulled when the job prepares its actions (docker:// steps)
COMPOSITE_SETUP = "composite-setup"  # a composite action's docker:// steps: when its step starts
STEP = "step"  # pulled by a step, after the steps before it


class PullContext:
    """Where an image use sits in a job: the job, the step (-1 before any step), the phase."""

    __slots__ = ("job", "step", "phase")

    def __init__(self, job: Job, step: int, phase: str) -> None:
        self.job = job
        self.step = step
        self.phase = phase


class HiddenPull:
    """An action that pulls an image the file does not name (setup-buildx's BuildKit)."""

    __slots__ = ("job", "step", "action", "start", "end", "image", "setting")

    def __init__(self, job: Job, step: int, action: str, span: tuple[int, int], image: str, setting: str) -> None:
        self.job = job
        self.step = step
        self.action = action  # the action's name, e.g. docker/setup-buildx-action
        self.start, self.end = span  # the `uses:` value
        self.image = image  # what it pulls by default
        self.setting = setting  # the input that names another image, as the user would write it


class Event:
    """A step-time event that is not an image use: a registry login or an image build."""

    __slots__ = ("job", "step", "offset", "end", "what", "registry", "mentions_ecr_public")

    def __init__(self, job: Job, step: int, span: tuple[int, int], what: str, registry: str = "") -> None:
        self.job = job
        self.step = step
        self.offset, self.end = span  # the `uses:` value or the command's first word
        self.what = what  # "login" or "build"
        self.registry = registry  # for a login: the registry host; "" is Docker Hub
        self.mentions_ecr_public = False  # for a build: its inputs name public.ecr.aws


class Job:
    __slots__ = ("id", "start", "end", "matrix", "runs", "hidden", "events")

    def __init__(self, job_id: str, span: tuple[int, int], matrix: Matrix) -> None:
        self.id = job_id
        self.start, self.end = span  # the job's key
        self.matrix = matrix
        self.runs: list[list[ImageUse]] = []  # the image uses of each matrix combination
        self.hidden: list[HiddenPull] = []
        self.events: list[Event] = []
