"""Action metadata (`action.yml` / `action.yaml`): Docker container and composite actions.

A Docker container action names its image in `runs.image` (`docker://...`; a `Dockerfile`
path is built, not pulled, and that Dockerfile is checked as a Dockerfile). The runner pulls
it while preparing the job that uses the action, before any step. A composite action's steps
are read like a workflow's, with its own `inputs` defaults; it has no matrix and no job env.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..pipeline import Job, JobRun, Phase
from ..source import SourceText
from ..value import Value
from . import expressions as ex
from .document import PHASE_NOTES, GhaDocument
from .uses import DOCKER_SCHEME

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

ACTION_JOB = "runs"  # the pseudo-job an action's pulls are listed under (its `runs:`)


def sniff(text: str) -> bool:
    """An action has a top-level `runs:` with `using:`."""
    return "runs" in ys.top_level_keys(text) and "using:" in text


class ActionDocument(GhaDocument):
    kind = "action"
    docker_uses_phase = Phase.COMPOSITE_SETUP  # the runner prepares them when the action's step starts

    def read(self, root: Node) -> None:
        runs = ys.mapping_get(root, "runs")
        if runs is None or not ys.is_mapping(runs):
            return
        using = self.value(ys.mapping_get(runs, "using"))
        using_text = using.text.strip().lower() if using is not None else ""
        inputs = self.inputs(ys.mapping_get(root, "inputs"))
        job = Job(ACTION_JOB, ys.span(runs), label="this action", notes=PHASE_NOTES)
        run = JobRun(job)
        if using_text == "docker":
            written = self.value(ys.mapping_get(runs, "image"))
            if written is not None and written.text.startswith(DOCKER_SCHEME):
                cut = len(DOCKER_SCHEME)
                image = Value(written.text[cut:], written.origins[cut:])
                run.pull("action-image", image, -1, Phase.ACTION_SETUP)
        elif using_text == "composite":
            scope = ex.Scope({}, None, inputs)
            self.read_steps(run, ys.mapping_get(runs, "steps"), scope, {}, "")
        else:
            return
        job.runs.append(run.uses)
        self.pipeline.jobs.append(job)


def parse(source: SourceText) -> ActionDocument:
    return ActionDocument(source)
