"""GitHub Actions files as dehub reads them: jobs, the images each job pulls, and when.

Workflows and action metadata share the step model (container, services, `docker://` steps,
`run:` scripts, actions with hidden pulls), so one reader serves both kinds: this module holds
the parsed file and the step reader both share; `uses` reads a step that uses an action,
`scripts` a `run:` script. What they produce is the shared pipeline model (`dehub.pipeline`).
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..envchain import Chain, Renamer
from ..imageuse import ImageUse
from ..pipeline import JobRun, Phase, Pipeline
from ..runbudget import RunBudget
from ..scriptcache import ScriptCache
from ..source import SourceText
from ..value import Value
from ..yamldoc import YamlDocument
from . import expressions as ex
from .scripts import read_run
from .uses import read_uses

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from yaml.nodes import Node


SHELLS_DEHUB_READS = ("bash", "sh", "dash", "zsh", "ksh", "busybox", "")
# GitHub's wording of when a job's pulls happen, where it is more precise than the generic one.
PHASE_NOTES = {
    Phase.SETUP: "pulled while the job is set up, before any step, so a login step cannot cover it "
    "(only the mirror, or `credentials:` on the container or service, can)",
}


class GhaDocument(YamlDocument):
    """A parsed workflow or action file; subclasses say where the jobs are."""

    docker_uses_phase = Phase.ACTION_SETUP  # when a `docker://` step's image is pulled
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.scanned = ScriptCache()  # each distinct script, scanned once
        self.lower = Renamer(str.lower)  # an env's layers as `${{ env.name }}` reads them, each once
        self.shared_keys: set[str] | None = None  # the job's matrix keys read by more than images
        self.budget = RunBudget()  # matrix runs past each job's first, for the whole file
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()

    def env_values(self, node: Node | None, scope: ex.Scope) -> dict[str, Value | None] | None:
        """An `env:` mapping as names -> values (expressions substituted); None if not static."""
        if node is None or ys.is_null(node):
            return {}
        if not ys.is_mapping(node):
            return None
        out: dict[str, Value | None] = {}
        for name, _, value_node in ys.mapping_items(node):
            value = self.value(value_node)
            out[name] = ex.substitute_choice(value, scope) if value is not None else None
        return out

    def inputs(self, node: Node | None) -> dict[str, Value | None]:
        """Input defaults, lower-cased names: `inputs.<name>.default` of workflow_call/dispatch/action."""
        out: dict[str, Value | None] = {}
        if node is None or not ys.is_mapping(node):
            return out
        for name, _, spec in ys.mapping_items(node):
            default = ys.mapping_get(spec, "default") if ys.is_mapping(spec) else None
            value = self.value(default)  # None unless `default` is a (non-null) scalar
            out[name.lower()] = ex.typed(default, value) if value is not None and default is not None else None
        return out

    def read_steps(
        self, run: JobRun, steps: Node | None, scope: ex.Scope, env: Mapping[str, Value | None] | None, shell_name: str
    ) -> None:
        """A job's (or composite action's) steps, in order, into `run`."""
        if steps is None or not ys.is_sequence(steps):
            return
        read: set[int] = set()
        for index, step in enumerate(steps.value):
            if not ys.is_mapping(step) or id(step) in read:
                # A step written again as an alias (`- *step`) in the same run does the same
                # again: its images are on the runner from the first time, a login or build is
                # already done, so it adds nothing; reading it again made `- *s` x 4,000 cost
                # 4,000 readings of the step.
                continue
            read.add(id(step))
            lowered = None if env is None else self.lower(env)
            step_env = self.env_values(ys.mapping_get(step, "env"), ex.Scope(scope.matrix, lowered, scope.inputs))
            merged = None if env is None or step_env is None else Chain(step_env, env) if step_env else env
            step_scope = ex.Scope(scope.matrix, None if merged is None else self.lower(merged), scope.inputs)
            uses_node = ys.mapping_get(step, "uses")
            if uses_node is not None:
                read_uses(self, run, index, step, uses_node, step_scope)
            run_node = ys.mapping_get(step, "run")
            if run_node is not None:
                step_shell = self.shell(ys.mapping_get(step, "shell"), shell_name)
                if step_shell is not None:
                    read_run(self, run, index, run_node, step_scope, merged, step_shell)

    def shell(self, node: Node | None, default: str) -> str | None:
        """The shell a `run:` uses, if dehub reads its syntax (sh-like shells only)."""
        given = self.value(node)
        name = given.text.strip() if given is not None else default
        first = name.split(None, 1)[0] if name.strip() else ""
        base = first.rsplit("/", 1)[-1].lower()
        return base or "bash" if base in SHELLS_DEHUB_READS else None

    def image(self, run: JobRun, site: str, node: Node | None, scope: ex.Scope, phase: Phase, step: int = -1) -> None:
        """An image named by a scalar (expressions substituted), pulled in `phase`; each image
        it may be (`${{ inputs.image || 'node:20' }}`) is a pull of its own."""
        written = self.value(node)
        if written is not None:
            for variant in ex.variants(written, scope):
                run.pull(site, variant.value, step, phase, written=written)

