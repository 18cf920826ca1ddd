"""Action metadata (`action.yml` / `action.yaml`): Docker container and composite actions.

A Docker container action names its image in `runs.image` (`docker://...`; a `Dockerfile`
path is built, not pulled, and that Dockerfile is checked as a Dockerfile). The runner pulls
it while preparing the job that uses the action, before any step. A composite action's steps
are read like a workflow's, with its own `inputs` defaults; it has no matrix and no job env.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..source import SourceText
from ..value import Value
from . import expressions as ex
from .document import ACTION_SETUP, COMPOSITE_SETUP, DOCKER_SCHEME, GhaDocument, Job, PullContext
from .matrix import NO_MATRIX

ACTION_JOB = "runs"  # the pseudo-job an action's pulls are listed under (its `runs:`)


class ActionDocument(GhaDocument):
    kind = "action"
    docker_uses_phase = COMPOSITE_SETUP  # the runner prepares them when the action's step starts

    def _read(self, root: object) -> None:
        runs = ys.mapping_get(root, "runs")
        if runs is None or not ys.is_mapping(runs):
            return
        using = self.value(ys.mapping_get(runs, "using"))
        using_text = using.text.strip().lower() if using is not None else ""
        inputs = self.inputs(ys.mapping_get(root, "inputs"))
        job = Job(ACTION_JOB, ys.span(ys.mapping_get(root, "runs") or runs), NO_MATRIX)
        uses: list[ImageUse] = []
        if using_text == "docker":
            written = self.value(ys.mapping_get(runs, "image"))
            if written is not None and written.text.startswith(DOCKER_SCHEME):
                cut = len(DOCKER_SCHEME)
                image = Value(written.text[cut:], written.origins[cut:])
                self._add(uses, "action-image", image, image, PullContext(job, -1, ACTION_SETUP))
        elif using_text == "composite":
            scope = ex.Scope({}, None, inputs)
            uses = self.read_steps(job, ys.mapping_get(runs, "steps"), scope, {}, "")
        else:
            return
        job.runs.append(uses)
        self.jobs.append(job)


def parse(source: SourceText) -> ActionDocument:
    return ActionDocument(source)
