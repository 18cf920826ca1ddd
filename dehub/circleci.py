"""CircleCI configuration (`.circleci/config.yml`, and continuation configs beside it).

Per job: every entry of its `docker:` list (the first is the primary container, the rest are
service containers; CircleCI pulls them all while it spins up the environment, before any
step), written in the job or in the executor it uses (`executor: name`, or `executor: {name:
x, param: value}`), and the `run:` steps, read by the shared script reader. `<< parameters.x
>>` takes the value a workflow passes to the job (`workflows.*.jobs: - job: {x: value}`, each
`matrix: parameters:` combination a run of its own), else the parameter's `default:`; `<<
pipeline.parameters.x >>` the top-level parameter's default. Reusable `commands:` are read
where a job's steps invoke them, with their parameters; an invocation's `pre-steps:` and
`post-steps:` run before and after the job's steps.

Not pulls: `machine:` and `macos:` (virtual machine images, not containers). Not read: orb
executors, jobs and commands (`orb/name`: their definitions are not in the file).
"""

from __future__ import annotations

import re

from . import yamlsource as ys
from .envchain import Chain, Lazy
from .imageuse import ImageUse
from .pipeline import Job, JobRun, Phase, Pipeline
from .runbudget import RunBudget, unread_value
from .scriptcache import ScriptCache
from .source import SourceText
from .templating import Reference, substitute
from .value import Value
from .yamldoc import YamlDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from yaml.nodes import Node

    from .tracked import Tracked

    Scope = Mapping[str, Value | None]
    Names = dict[str, Value | None]

PARAMETER = re.compile(r"<<\s*((?:pipeline\.parameters|parameters|matrix|pipeline)\.[A-Za-z0-9_.\-]+)\s*>>")
SHELLS_DEHUB_READS = ("bash", "sh", "dash", "zsh", "ksh", "busybox")
INVOCATION_KEYS = frozenset((
    "name", "requires", "context", "filters", "type", "matrix", "pre-steps", "post-steps", "serial-group",
    "override-with",
))  # fmt: skip
BUILTIN_STEPS = frozenset((
    "checkout", "setup_remote_docker", "save_cache", "restore_cache", "store_artifacts", "store_test_results",
    "persist_to_workspace", "attach_workspace", "add_ssh_keys", "deploy",
))  # fmt: skip
STEP_COST = 50  # reading a step costs about what this many script characters do
MAX_COMBINATIONS = 64  # runs of one job (workflow invocations times matrix combinations)
MAX_DEPTH = 8  # commands invoking commands
MAX_VISITS = 20_000  # step lists read in one file: `c0` calling `c1` 8 times, `c1` calling `c2` ... is 8**8
IMAGE_SITE, SERVICE_SITE, RUN_SITE = "circleci-image", "circleci-service", "circleci-run"
SETUP_NOTE = (
    "pulled while CircleCI spins up the job's environment, before any step, so no step can cover it "
    "(only the mirror, or `auth:` / `aws_auth:` credentials on the image, can)"
)
AUTH_NOTE = (
    "pulled while CircleCI spins up the job's environment, with the `auth:` / `aws_auth:` credentials "
    "written on the image: an authenticated pull, but still from Docker Hub (the mirror removes that)"
)


def sniff(text: str) -> bool:
    """A CircleCI configuration has top-level `version:` and `jobs:` or `workflows:`, and no `on:`."""
    keys = ys.top_level_keys(text)
    return "version" in keys and ("jobs" in keys or "workflows" in keys) and "on" not in keys


class CircleDocument(YamlDocument):
    kind = "circleci"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.scanned = ScriptCache()
        self._environments: dict[int, tuple[Node | None, dict[str, tuple[Node | None, bool]] | None]] = {}
        self.visits = 0  # commands invoked while reading, against MAX_VISITS
        self.budget = RunBudget()  # runs past each job's first, for the whole file
        self.cost = 0  # characters of steps read so far: what a run costs
        self.pipeline_scope: Scope = {}  # `pipeline.parameters.*` defaults, under every scope
        self.executors: Node | None = None  # the file's `executors:` and `commands:`
        self.commands: Node | None = None
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()

    # --- values ---------------------------------------------------------------------------

    def expand(self, value: Value, scope: Scope) -> list[Tracked]:
        """The value with its `<< parameters.x >>` substituted from `scope`."""
        text = value.text
        if "<<" not in text:
            return substitute(value, [])
        references = []
        for found in PARAMETER.finditer(text):
            name = found.group(1)
            references.append(Reference(found.start(), found.end(), name, (scope.get(name),)))
        return substitute(value, references)

    def expanded(self, node: Node | None, scope: Scope) -> Value | None:
        value = self.value(node)
        return self.expand(value, scope)[0].value if value is not None else None

    def parameter_defaults(self, node: Node | None, scope: Scope, prefix: str = "parameters.") -> Names:
        """`parameters: {x: {default: ...}}` as scope entries (defaults expanded in `scope`)."""
        out: Names = {}
        for name, _, spec in ys.mapping_items(node):
            default = ys.mapping_get(spec, "default") if ys.is_mapping(spec) else None
            out[prefix + name] = self.expanded(default, scope)
        return out

    def given(self, node: Node, scope: Scope, skip: frozenset[str] = frozenset()) -> Names:
        """Parameter values passed in an invocation mapping (`- job: {x: value}`)."""
        out: Names = {}
        for name, _, value_node in ys.mapping_items(node):
            if name not in skip:
                out["parameters." + name] = self.expanded(value_node, scope)
        return out

    def environment(self, node: Node | None, scope: Scope) -> Mapping[str, Value | None]:
        """`environment:` as a map, or a list of one-key maps (`- NAME: value`) and `NAME=value`
        strings; each value substituted on its first read (an executor's thousands of variables
        are in every job that uses it, which reads a few)."""
        found = self._environments.get(id(node))
        if found is None:
            found = self._environments[id(node)] = (node, self._environment(node))
        written = found[1]
        if written is None:  # a name with `<< >>` in it: read as it is substituted
            return self._environment_now(node, scope)

        def work(_: str, item: tuple[Node | None, bool]) -> Value | None:
            value = self.expanded(item[0], scope)
            if value is None or not item[1]:
                return value
            cut = value.text.index("=") + 1
            return Value(value.text[cut:], value.origins[cut:])

        return Lazy(written, work)

    def _environment(self, node: Node | None) -> dict[str, tuple[Node | None, bool]] | None:
        """An `environment:`'s names -> (the node holding the value, whether it is `NAME=value`);
        None when a name is not plain text."""
        out: dict[str, tuple[Node | None, bool]] = {}
        items = node.value if ys.is_sequence(node) else [node]
        for item in items:
            if ys.is_scalar(item) and "=" in item.value:
                name = item.value[: item.value.index("=")]
                if "<<" in name:
                    return None
                if self.value(item) is not None:
                    out[name] = (item, True)
                continue
            for name, _, value_node in ys.mapping_items(item):
                out[name] = (value_node, False)
        return out

    def _environment_now(self, node: Node | None, scope: Scope) -> dict[str, Value | None]:
        out: dict[str, Value | None] = {}
        items = node.value if ys.is_sequence(node) else [node]
        for item in items:
            if ys.is_scalar(item) and "=" in item.value:
                value = self.expanded(item, scope)
                if value is not None:
                    cut = value.text.index("=")
                    out[value.text[:cut]] = Value(value.text[cut + 1 :], value.origins[cut + 1 :])
                continue
            for name, _, value_node in ys.mapping_items(item):
                out[name] = self.expanded(value_node, scope)
        return out

    # --- the file -------------------------------------------------------------------------

    def read(self, root: Node) -> None:
        jobs = ys.mapping_get(root, "jobs")
        if not ys.is_mapping(jobs):
            return
        self.executors = ys.mapping_get(root, "executors")
        self.commands = ys.mapping_get(root, "commands")
        pipeline_scope = self.parameter_defaults(ys.mapping_get(root, "parameters"), {}, "pipeline.parameters.")
        self.pipeline_scope = pipeline_scope
        invocations = self.invocations(ys.mapping_get(root, "workflows"), pipeline_scope)
        for job_id, key, job_node in ys.mapping_items(jobs):
            if not ys.is_mapping(job_node):
                continue
            runs = invocations.get(job_id) or [({}, None)]
            job = Job(job_id, ys.span(key), len(runs), notes={Phase.SETUP: SETUP_NOTE})
            self.pipeline.jobs.append(job)
            defaults = self.parameter_defaults(ys.mapping_get(job_node, "parameters"), pipeline_scope)
            for position, (given, invocation) in enumerate(runs):
                past = position > 0 and not self.budget.more()
                if past:  # the rest once, the parameters they set unknown
                    names = dict.fromkeys(name for later, _ in runs[position:] for name in later if name in defaults)
                    given = {name: unread_value(name, f"<< {name} >>") for name in names}
                    job.combinations = None
                scope = _layered(given, defaults, pipeline_scope)
                cost = self.cost
                run = JobRun(job)
                self.read_job(run, job_node, scope, invocation, pipeline_scope)
                job.runs.append(run.uses)
                if past:
                    break
                if position:
                    self.budget.spend(self.cost - cost)

    def invocations(self, workflows: Node | None, pipeline_scope: Scope) -> dict[str, list[tuple[Scope, Node | None]]]:
        """The parameter values each job is run with (the invocation's own: the pipeline's are
        layered under them where they are read), per workflow invocation and matrix combination,
        with the invocation (its `pre-steps:` and `post-steps:` run too)."""
        out: dict[str, list[tuple[Scope, Node | None]]] = {}
        for _, _, workflow in ys.mapping_items(workflows):
            listed = ys.mapping_get(workflow, "jobs")
            if not ys.is_sequence(listed):
                continue
            for item in listed.value:
                if ys.is_scalar(item):
                    out.setdefault(item.value, []).append(({}, None))
                    continue
                for job_id, _, spec in ys.mapping_items(item):
                    found = out.setdefault(job_id, [])
                    base = self.given(spec, pipeline_scope, INVOCATION_KEYS)
                    for combination in self.matrix(ys.mapping_get(spec, "matrix"), pipeline_scope):
                        if len(found) < MAX_COMBINATIONS:
                            found.append(({**base, **combination}, spec))
        return out

    def matrix(self, node: Node | None, scope: Scope) -> list[Scope]:
        """Each combination of a `matrix: parameters:` (less `exclude:`); [{}] without one."""
        parameters = ys.mapping_get(node, "parameters")
        if not ys.is_mapping(parameters):
            return [{}]
        combinations: list[Scope] = [{}]
        for name, _, values in ys.mapping_items(parameters):
            items = values.value if ys.is_sequence(values) else [values]
            options = [self.expanded(item, scope) for item in items] or [None]
            if len(combinations) * len(options) > MAX_COMBINATIONS:
                options = [None]
            combinations = [{**c, "parameters." + name: option} for c in combinations for option in options]
        excluded = ys.mapping_get(node, "exclude")
        if ys.is_sequence(excluded):
            for rule in excluded.value:
                wanted = {"parameters." + name: ys.scalar_text(value) for name, _, value in ys.mapping_items(rule)}
                combinations = [
                    c for c in combinations
                    if not all((c.get(k) or Value("", [])).text == v for k, v in wanted.items())
                ]  # fmt: skip
        return combinations

    def read_job(self, run: JobRun, job: Node, scope: Scope, invocation: Node | None, pipeline: Scope) -> None:
        layers: list[Mapping[str, Value | None]] = []  # lowest first
        shell = self.value(ys.mapping_get(job, "shell"))
        executor = ys.mapping_get(job, "executor")
        if ys.is_mapping(executor):  # `shell:` passed to an executor (an orb's too) sets the steps' shell
            shell = shell or self.value(ys.mapping_get(executor, "shell"))
        if executor is not None:
            found = self.executor(executor, scope)
            if found is not None:
                definition, executor_scope = found
                layers.append(self.images(run, ys.mapping_get(definition, "docker"), executor_scope))
                layers.append(self.environment(ys.mapping_get(definition, "environment"), executor_scope))
                shell = shell or self.value(ys.mapping_get(definition, "shell"))
        layers.append(self.images(run, ys.mapping_get(job, "docker"), scope))
        layers.append(self.environment(ys.mapping_get(job, "environment"), scope))
        env = Chain(*reversed(layers))  # layered, not merged: the job's own win
        shell_name = _shell(shell, "bash")
        counter = [0]
        self.steps(run, ys.mapping_get(invocation, "pre-steps"), pipeline, env, shell_name, counter, 0)
        self.steps(run, ys.mapping_get(job, "steps"), scope, env, shell_name, counter, 0)
        self.steps(run, ys.mapping_get(invocation, "post-steps"), pipeline, env, shell_name, counter, 0)

    def executor(self, node: Node, scope: Scope) -> tuple[Node, Scope] | None:
        """The executor a job uses, and the scope its definition is read in; None for an orb's."""
        given: Scope = {}
        name_node: Node | None = node
        if ys.is_mapping(node):
            name_node = ys.mapping_get(node, "name")
            given = self.given(node, scope, frozenset(("name",)))
        name = self.expanded(name_node, scope)
        if name is None or not name.is_known or "/" in name.text:
            return None  # an orb's executor, or one dehub cannot name
        definition = ys.mapping_get(self.executors, name.text.strip())
        if not ys.is_mapping(definition):
            return None
        pipeline = self.pipeline_scope  # the only `pipeline.` names a scope holds
        defaults = self.parameter_defaults(ys.mapping_get(definition, "parameters"), pipeline)
        return definition, _layered(given, defaults, pipeline)

    def images(self, run: JobRun, docker: Node | None, scope: Scope) -> Mapping[str, Value | None]:
        """A `docker:` list's images, pulled at set-up; the primary container's environment."""
        env: Mapping[str, Value | None] = {}
        if not ys.is_sequence(docker):
            return env
        entries = [entry for entry in docker.value if ys.is_mapping(entry)]
        if entries and all(ys.mapping_get(e, "auth") or ys.mapping_get(e, "aws_auth") for e in entries):
            run.job.notes = {Phase.SETUP: AUTH_NOTE}  # every image of the job is pulled with credentials
        for index, entry in enumerate(docker.value):
            written = self.value(ys.mapping_get(entry, "image"))
            if written is None:
                continue
            site = IMAGE_SITE if index == 0 else SERVICE_SITE
            for tracked in self.expand(written, scope):
                run.pull(site, tracked.value, -1, Phase.SETUP, written=written)
            if index == 0:
                env = self.environment(ys.mapping_get(entry, "environment"), scope)
        return env

    def steps(
        self,
        run: JobRun,
        steps: Node | None,
        scope: Scope,
        env: Mapping[str, Value | None],
        shell_name: str,
        counter: list[int],
        depth: int,
    ) -> None:
        """A list of steps, in order; `counter` numbers them across invoked commands."""
        if not ys.is_sequence(steps) or depth > MAX_DEPTH or self.visits > MAX_VISITS:
            return
        for step in steps.value:
            if ys.is_scalar(step):
                self.command(run, step.value, None, scope, env, shell_name, counter, depth)
                continue
            for name, _, body in ys.mapping_items(step):
                if name == "run":
                    self.run_step(run, body, scope, env, shell_name, counter)
                elif name in ("when", "unless"):
                    self.steps(run, ys.mapping_get(body, "steps"), scope, env, shell_name, counter, depth + 1)
                else:
                    self.command(run, name, body, scope, env, shell_name, counter, depth)

    def command(
        self,
        run: JobRun,
        name: str,
        body: Node | None,
        scope: Scope,
        env: Mapping[str, Value | None],
        shell_name: str,
        counter: list[int],
        depth: int,
    ) -> None:
        """A reusable command of this file, invoked as a step; built-in steps and orbs' are not read."""
        self.visits += 1
        self.cost += STEP_COST
        if name in BUILTIN_STEPS or "/" in name:
            counter[0] += 1
            return
        definition = ys.mapping_get(self.commands, name)
        if not ys.is_mapping(definition):
            counter[0] += 1
            return
        pipeline = self.pipeline_scope  # the only `pipeline.` names a scope holds
        defaults = self.parameter_defaults(ys.mapping_get(definition, "parameters"), pipeline)
        given = self.given(body, scope) if ys.is_mapping(body) else {}
        inner = _layered(given, defaults, pipeline)
        self.steps(run, ys.mapping_get(definition, "steps"), inner, env, shell_name, counter, depth + 1)

    def run_step(
        self,
        run: JobRun,
        body: Node,
        scope: Scope,
        env: Mapping[str, Value | None],
        shell_name: str,
        counter: list[int],
    ) -> None:
        index = counter[0]
        counter[0] += 1
        command: Node | None = body
        if ys.is_mapping(body):
            command = ys.mapping_get(body, "command")
            step_env = self.environment(ys.mapping_get(body, "environment"), scope)
            env = Chain(step_env, env) if step_env else env
            given_shell = ys.mapping_get(body, "shell")
            if given_shell is not None:
                shell_name = _shell(self.value(given_shell), shell_name)
        if not shell_name:
            return
        script = self.value(command)
        if script is None:
            return
        self.cost += len(script.text) + STEP_COST
        from .shell.events import scan

        variants = [scan(self.scanned, id(command), tracked, env, shell_name) for tracked in self.expand(script, scope)]
        run.scripts(index, variants, RUN_SITE)


def _layered(given: Scope, defaults: Names, pipeline: Scope) -> Scope:
    """A job's, executor's or command's scope: the parameters it is given (those it declares)
    over its defaults, over the pipeline's parameters, layered: a file's thousands of pipeline
    parameters are not copied for each job and command."""
    return Chain({name: value for name, value in given.items() if name in defaults}, defaults, pipeline)


def _shell(given: Value | None, default: str) -> str:
    """The shell a `run:` uses when dehub reads its syntax (sh-like), else ''."""
    if given is None or not given.text.strip():
        return default
    base = given.text.split(None, 1)[0].rsplit("/", 1)[-1].lower()
    return base if base in SHELLS_DEHUB_READS else ""


def parse(source: SourceText) -> CircleDocument:
    return CircleDocument(source)
