"""GitHub Actions files as dehub reads them: jobs, the images each job pulls, and when.

Workflows and action metadata share the step model (container, services, `docker://` steps,
`run:` scripts, actions with hidden pulls), so one reader serves both kinds: this module holds
the parsed file and the readers both kinds share; `uses` reads steps that use an action,
`scripts` reads `run:` scripts, and `model` is what they produce (jobs, the phase of each pull,
logins, builds, hidden pulls).
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..document import Document
from ..imageuse import ImageUse
from ..source import SourceText
from ..value import Value
from . import expressions as ex
from .model import ACTION_SETUP, COMPOSITE_SETUP, SETUP, STEP, Event, HiddenPull, Job, PullContext
from .scripts import ScriptReader
from .uses import DOCKER_SCHEME, UsesReader

__all__ = [
    "ACTION_SETUP", "COMPOSITE_SETUP", "DOCKER_SCHEME", "SETUP", "STEP",
    "Event", "GhaDocument", "HiddenPull", "Job", "PullContext",
]  # fmt: skip

SHELLS_DEHUB_READS = ("bash", "sh", "dash", "zsh", "ksh", "busybox", "")


class GhaDocument(UsesReader, ScriptReader, Document):
    """A parsed workflow or action file; subclasses say where the jobs are."""

    docker_uses_phase = ACTION_SETUP

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.jobs: list[Job] = []
        self.roots: list[object] = []
        self._scripts: dict[tuple, list[tuple]] = {}
        self._values: dict[int, Value] = {}  # scalar values by node (nodes live as long as the document)
        self.shared_keys: set[str] | None = None  # matrix keys read by more than images (workflows)
        roots, problem = ys.compose_documents(source.text)
        if problem is not None:
            self.problems.append(problem)
        self.roots = [root for root in roots if root is not None]
        for root in self.roots:
            if ys.is_mapping(root):
                self._read(root)

    def _read(self, root: object) -> None:
        raise NotImplementedError

    def pragmas(self) -> list:
        from ..yamlpragmas import pragmas

        return pragmas(self.source, self.roots)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        """Each distinct use once, however many matrix combinations produce it."""
        seen: set[tuple] = set()
        uses = []
        for job in self.jobs:
            for run in job.runs:
                for use in run:
                    key = (use.site, use.start, use.end, use.value.text, tuple(use.value.origins))
                    if key not in seen:
                        seen.add(key)
                        uses.append(use)
        return uses

    # -- shared readers --------------------------------------------------------------------

    def value(self, node: object) -> Value | None:
        """A scalar node's value with origins; None for mappings, sequences and nulls."""
        if node is None or not ys.is_scalar(node) or ys.is_null(node):
            return None
        found = self._values.get(id(node))
        if found is None:  # matrix combinations read the same nodes again
            found = self._values[id(node)] = ys.scalar_value(node, self.source.text)
        return found

    def env_values(self, node: object, scope: ex.Scope) -> dict[str, Value | None] | None:
        """An `env:` mapping as names -> values (expressions substituted); None if not static."""
        if node is None or ys.is_null(node):
            return {}
        if not ys.is_mapping(node):
            return None
        out: dict[str, Value | None] = {}
        for name, _, value_node in ys.mapping_items(node):
            value = self.value(value_node)
            out[name] = ex.substitute(value, scope) if value is not None else None
        return out

    def inputs(self, node: object) -> dict[str, Value | None]:
        """Input defaults, lower-cased names: `inputs.<name>.default` of workflow_call/dispatch/action."""
        out: dict[str, Value | None] = {}
        if node is None or not ys.is_mapping(node):
            return out
        for name, _, spec in ys.mapping_items(node):
            default = ys.mapping_get(spec, "default") if ys.is_mapping(spec) else None
            out[name.lower()] = self.value(default)
        return out

    def read_steps(
        self, job: Job, steps: object, scope: ex.Scope, env: dict[str, Value | None] | None, shell_name: str
    ) -> list[ImageUse]:
        """The image uses of a job's (or composite action's) steps; events and hidden pulls on `job`."""
        uses: list[ImageUse] = []
        if steps is None or not ys.is_sequence(steps):
            return uses
        first_run = not job.runs
        local: set[str] = set()  # images this run has built or tagged so far: running them is no pull
        for index, step in enumerate(steps.value):  # type: ignore[attr-defined]
            if not ys.is_mapping(step):
                continue
            step_env = self.env_values(ys.mapping_get(step, "env"), ex.Scope(scope.matrix, _lower(env), scope.inputs))
            merged = None if env is None or step_env is None else {**env, **step_env}
            step_scope = ex.Scope(scope.matrix, _lower(merged), scope.inputs)
            uses_node = ys.mapping_get(step, "uses")
            if uses_node is not None:
                self._read_uses(job, index, step, uses_node, step_scope, uses, first_run, local)
            run_node = ys.mapping_get(step, "run")
            if run_node is not None:
                step_shell = self._shell(ys.mapping_get(step, "shell"), shell_name)
                if step_shell is not None:
                    self._read_run(job, index, run_node, step_scope, merged, step_shell, uses, first_run, local)
        return uses

    def _shell(self, node: object, default: str) -> str | None:
        """The shell a `run:` uses, if dehub reads its syntax (sh-like shells only)."""
        given = self.value(node)
        name = given.text.strip() if given is not None else default
        first = name.split(None, 1)[0] if name.strip() else ""
        base = first.rsplit("/", 1)[-1].lower()
        return base or "bash" if base in SHELLS_DEHUB_READS else None

    def _add(
        self,
        uses: list[ImageUse],
        site: str,
        value: Value,
        written: Value,
        context: PullContext,
        span: tuple[int, int] | None = None,
    ) -> None:
        if not value.text.strip():
            return  # an empty image (a service switched off by the matrix) is not pulled
        if span is None:
            span = written.source_span() or (0, 0)
        use = ImageUse(site, value, span[0], span[1])
        use.context = context
        uses.append(use)


def _lower(env: dict[str, Value | None] | None) -> dict[str, Value | None] | None:
    return None if env is None else {name.lower(): value for name, value in env.items()}


