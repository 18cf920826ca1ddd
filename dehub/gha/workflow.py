"""GitHub Actions workflows (`.github/workflows/*.yml`, workflow templates).

Per job: `container` (a string or `image:`), `services.<id>.image`, and the steps. Expressions
read the job's static matrix, `inputs` defaults (`on.workflow_call` / `workflow_dispatch`) and,
in steps, the `env:` of workflow, job and step. The job container and services may not read
`env` (GitHub rejects it there), so an `${{ env.X }}` in them stays unknown.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..envchain import Chain
from ..pipeline import Job, JobRun, Phase
from ..runbudget import alias_of
from ..source import SourceText
from . import expressions as ex
from . import jobmemo
from .document import PHASE_NOTES, GhaDocument
from .matrix import read as read_matrix
from .shared import mark, read_outside_images

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

    from ..value import Value


def sniff(text: str) -> bool:
    """A workflow has top-level `on:` and `jobs:`."""
    keys = ys.top_level_keys(text)
    return "jobs" in keys and "on" in keys


class WorkflowDocument(GhaDocument):
    kind = "workflow"

    def read(self, root: Node) -> None:
        inputs = self._workflow_inputs(root)
        workflow_env = self.env_values(ys.mapping_get(root, "env"), ex.Scope(None, None, inputs))
        workflow_shell = _default_shell(root, self)
        jobs = ys.mapping_get(root, "jobs")
        if jobs is None or not ys.is_mapping(jobs):
            return
        text = self.source.text
        memoise = jobmemo.ENABLED and not getattr(jobs, "flow_style", False) and "%TAG" not in text
        pinned: set[int] | None = None
        values_keys = (jobmemo.values_key(inputs), jobmemo.values_key(workflow_env)) if memoise else (None, None)
        read: dict[int, Job] = {}  # jobs read, by node: an alias of one (`j1: *j`) is not read again
        for job_id, key, job_node in ys.mapping_items(jobs):
            if not ys.is_mapping(job_node):
                continue
            earlier = read.get(id(job_node))
            if earlier is not None:  # the same node, shell, env and inputs: the same job
                self.pipeline.jobs.append(alias_of(earlier, job_id, ys.span(key)))
                continue
            shell_name = _default_shell(job_node, self) or workflow_shell or _runner_shell(job_node, self)
            if memoise:  # an unchanged job (its text, env and inputs) is not read again
                start, end = key.start_mark.index, job_node.end_mark.index
                memo_key = jobmemo.key(text, start, end, shell_name, *values_keys)
                found = jobmemo.lookup(memo_key, start)
                if found is not None:  # spends as reading it did, so that later jobs read the same
                    self.budget.runs(len(found.runs), end - start)
                    self.pipeline.jobs.append(found)
                    read[id(job_node)] = found
                    continue
            matrix = read_matrix(ys.mapping_get(job_node, "strategy"), text)
            job = Job(job_id, ys.span(key), matrix.size, notes=PHASE_NOTES)
            self.pipeline.jobs.append(job)
            read[id(job_node)] = job
            known = matrix.combinations
            combinations: list[dict[str, object] | None] = [None] if known is None else list(known or [{}])
            fits = self.budget.runs(len(combinations), job_node.end_mark.index - key.start_mark.index)
            if fits < len(combinations):  # the rest are read once, their matrix values unknown
                combinations[fits:] = [ex.UNREAD]
                job.combinations = None  # how many runs pull what is not known
            self.shared_keys = read_outside_images(job_node) if matrix.keys else set()
            for combination in combinations:  # None: the matrix is not static, its values unknown
                run = JobRun(job)
                self._read_job(run, job_node, combination, inputs, workflow_env, shell_name)
                job.runs.append(run.uses)
            for combination, uses in zip(combinations, job.runs, strict=True):
                mark(uses, combination, self.shared_keys)
            if memoise and fits == len(job.runs):  # a job past the budget depends on the jobs before it
                if pinned is None:
                    pinned = jobmemo.pinned_offsets(inputs, workflow_env)
                jobmemo.store(memo_key, start, end, job, job_node, pinned)

    def _workflow_inputs(self, root: Node) -> dict[str, Value | None]:
        """Defaults of `workflow_call` and `workflow_dispatch` inputs (a call's input wins)."""
        on = ys.mapping_get(root, "on")
        found: dict[str, Value | None] = {}
        if on is None or not ys.is_mapping(on):
            return found
        for event in ("workflow_dispatch", "workflow_call"):
            spec = ys.mapping_get(on, event)
            if spec is not None and ys.is_mapping(spec):
                found.update(self.inputs(ys.mapping_get(spec, "inputs")))
        return found

    def _read_job(
        self,
        run: JobRun,
        node: Node,
        combination: dict[str, object] | None,
        inputs: dict[str, Value | None],
        workflow_env: dict[str, Value | None] | None,
        shell_name: str,
    ) -> None:
        setup_scope = ex.Scope(combination, None, inputs)
        container = ys.mapping_get(node, "container")
        if container is not None:
            image = ys.mapping_get(container, "image") if ys.is_mapping(container) else container
            self.image(run, "gha-container", image, setup_scope, Phase.SETUP)
        services = ys.mapping_get(node, "services")
        if services is not None and ys.is_mapping(services):
            for _, _, service in ys.mapping_items(services):  # a mapping, or a bare image like `container`
                image = ys.mapping_get(service, "image") if ys.is_mapping(service) else service
                self.image(run, "gha-service", image, setup_scope, Phase.SETUP)
        job_env = self.env_values(ys.mapping_get(node, "env"), ex.Scope(combination, None, inputs))
        env = None if workflow_env is None or job_env is None else Chain(job_env, workflow_env)
        step_scope = ex.Scope(combination, None, inputs)
        self.read_steps(run, ys.mapping_get(node, "steps"), step_scope, env, shell_name)


def _default_shell(node: Node, document: GhaDocument) -> str:
    """`defaults.run.shell` of a workflow or job, or ''."""
    defaults = ys.mapping_get(node, "defaults") if ys.is_mapping(node) else None
    run = ys.mapping_get(defaults, "run") if defaults is not None and ys.is_mapping(defaults) else None
    shell = ys.mapping_get(run, "shell") if run is not None and ys.is_mapping(run) else None
    value = document.value(shell)
    return value.text.strip() if value is not None else ""


def _runner_shell(job: Node, document: GhaDocument) -> str:
    """GitHub's default shell: bash, except pwsh on Windows runners."""
    runs_on = ys.mapping_get(job, "runs-on")
    texts = []
    if runs_on is not None:
        if ys.is_sequence(runs_on):
            texts = [ys.scalar_text(item) or "" for item in runs_on.value]
        elif ys.is_scalar(runs_on):
            texts = [ys.scalar_text(runs_on) or ""]
    return "pwsh" if any("windows" in text.lower() for text in texts) else "bash"


def parse(source: SourceText) -> WorkflowDocument:
    return WorkflowDocument(source)

