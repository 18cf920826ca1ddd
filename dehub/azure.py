"""Azure Pipelines files (`azure-pipelines.yml`, `.azure-pipelines/*.yml`).

Per job (`- job:` or `- deployment:`, under `stages: - stage: jobs:`, top-level `jobs:`, or the
single implicit job of a file with top-level `steps:`): its `container:` (an image, `{image:}`,
or the alias of a `resources.containers` entry) and its `services:` (name -> alias or image),
pulled while the agent initializes the job, before any step; and its `script:` / `bash:`
steps (`Bash@3` and `CmdLine@2` inline scripts too), read by the shared script reader.
`Docker@2` with `command: login` is a login. Values: `$(var)` macros and `$[ variables.x ]`
from `variables:` (map and list forms; pipeline, stage, job and matrix leg), `${{
parameters.x }}` and `${{ variables.x }}` from parameter defaults and variables, each fixed on
the literal that supplies it. A `resources.containers` image no job of the file uses is still
reported (a template in another file may use it), under a job of its own.

Not pulls: `pool:` (the agent's virtual machine image). Not read: templates in other files
(`- template:`), variable groups, `${{ if }}` conditions (every branch is read) and `${{ each }}`.
"""

from __future__ import annotations

import re

from . import yamlsource as ys
from .envchain import Chain, Lazy, Renamer
from .expand import MAX_EXPANDED  # characters one variable may expand to; more is unknown
from .imageuse import ImageUse
from .pipeline import EventKind, Job, JobRun, Phase, Pipeline
from .runbudget import RunBudget, unread_value
from .scriptcache import ScriptCache
from .source import SourceText
from .templating import KEEP, Reference, substitute
from .value import UNKNOWN, Value
from .yamldoc import YamlDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from yaml.nodes import Node

    from .tracked import Tracked

    Names = dict[str, Value | None]

NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
TEMPLATE_PATH = re.compile(rf"^\s*(parameters|variables)\s*(?:\.\s*({NAME})|\[\s*'([^']*)'\s*\])\s*$")
MACRO = re.compile(rf"\$\(({NAME})\)")
MAX_LEGS = 64
MAX_NESTING = 8
STEP_COST = 50  # reading a step's inputs costs about what this many script characters do
CONTAINER_SITE, SERVICE_SITE, SCRIPT_SITE = "azure-container", "azure-service", "azure-script"
SETUP_NOTE = (
    "pulled while the agent initializes the job's containers, before any step, so no step can cover it "
    "(only the mirror, or an `endpoint:` service connection on the container resource, can)"
)
AUTH_NOTE = (
    "pulled while the agent initializes the job's containers, through the `endpoint:` service connection "
    "of the container resource: an authenticated pull, but still from Docker Hub (the mirror removes that)"
)
RESOURCE_NOTE = (
    "a container resource, pulled before any step by each job that uses it (in this file or a template), "
    "so no step can cover it (only the mirror, or an `endpoint:` service connection on it, can)"
)
MARKERS = ("- stage:", "- job:", "- deployment:", "- task:", "- script:", "- bash:", "vmImage:", "- template:")
NOT_AZURE_KEYS = frozenset(("on", "kind", "version", "pipelines", "image", "include", "workflow", "definitions"))
AZURE_KEYS = frozenset(("trigger", "pr", "pool", "stages", "jobs", "steps", "resources", "extends", "schedules"))


def sniff(text: str) -> bool:
    """An Azure Pipelines file has top-level `trigger:`, `pool:`, `stages:`, `jobs:` or `steps:`
    (and no `on:`, `kind:`, `version:`, `image:` or `pipelines:`), with `- job:`, `- task:`,
    `- script:`, `vmImage:` or the like in it."""
    keys = ys.top_level_keys(text)
    return bool(keys & AZURE_KEYS) and not keys & NOT_AZURE_KEYS and any(marker in text for marker in MARKERS)


class Scope:
    """What `${{ parameters.x }}`, `${{ variables.x }}`, `$(x)` and `$[ variables.x ]` read
    (names lower-cased: Azure's are case-insensitive)."""

    __slots__ = ("parameters", "variables")

    def __init__(self, parameters: Mapping[str, Value | None], variables: Mapping[str, Value | None]) -> None:
        self.parameters = parameters
        self.variables = variables

    def with_variables(self, more: Names) -> Scope:
        """`more` over these variables, layered (a job's few over the pipeline's many), not merged."""
        return Scope(self.parameters, Chain(more, self.variables)) if more else self


class AzureDocument(YamlDocument):
    kind = "azure"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.scanned = ScriptCache()
        self.env_names = Renamer(_env_name)  # each variables layer under its environment names, once
        self._resolved: dict[tuple[int, int], tuple[Value | None, Value, Scope]] = {}  # resolve's memo
        self._resolving: set[tuple[int, int]] = set()  # variables being resolved: a cycle is unknown
        self.resources: dict[str, Node] = {}  # container resources by lower-cased alias
        self.used: set[str] = set()  # the aliases a job of this file uses
        self.root_scope = Scope({}, {})  # what a container resource's image reads
        self.budget = RunBudget()  # matrix legs past each job's first, for the whole file
        self.cost = 0  # characters of steps read so far: what a leg costs
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()

    # --- values ---------------------------------------------------------------------------

    def expand(self, value: Value, scope: Scope, keep_macros: bool = False, depth: int = 0) -> list[Tracked]:
        """The value with its template expressions, runtime expressions and macros substituted.
        An unknown macro stays as written when `keep_macros` (Azure leaves it in a script).
        A variable's own macros are expanded where it is used (as Azure does, at run time), so
        a job variable may read a matrix leg's."""
        text = value.text
        if "$" not in text:
            return substitute(value, [])
        references = []
        pairs: dict[int, int] | None = None  # each `[` -> its `]`, found once for the whole text
        index = text.find("$")
        while index != -1:
            end = -1
            if text.startswith("${{", index):
                close = text.find("}}", index + 3)
                if close != -1:
                    end = close + 2
                    references.append(self.template(text, index, end, index + 3, close, scope, depth))
            elif text.startswith("$[", index):
                if pairs is None:
                    pairs = _bracket_pairs(text)
                close = pairs.get(index + 1, -1)
                if close != -1:
                    end = close + 1
                    references.append(self.template(text, index, end, index + 2, close, scope, depth, runtime=True))
            else:
                found = MACRO.match(text, index)
                if found is not None:
                    end = found.end()
                    name = found.group(1)
                    known = name.lower() in scope.variables
                    found_value = self.resolve(scope.variables.get(name.lower()), scope, depth)
                    alternatives = KEEP if keep_macros and not known else (found_value,)
                    references.append(Reference(index, end, name, alternatives))
            index = text.find("$", max(end, index + 1))
        return substitute(value, references)

    def template(
        self, text: str, start: int, end: int, inner_start: int, inner_end: int, scope: Scope, depth: int,
        runtime: bool = False,
    ) -> Reference:
        inner = text[inner_start:inner_end]
        found = TEMPLATE_PATH.match(inner)
        value: Value | None = None
        if found is not None and not (runtime and found.group(1) == "parameters"):
            names = scope.parameters if found.group(1) == "parameters" else scope.variables
            value = self.resolve(names.get((found.group(2) or found.group(3) or "").lower()), scope, depth)
        return Reference(start, end, inner.strip(), (value,))

    def resolve(self, value: Value | None, scope: Scope, depth: int) -> Value | None:
        """A variable's value with its own references expanded, worked out once per scope; None
        for a cycle, past MAX_NESTING, or past MAX_EXPANDED characters (`V0: $(V1)$(V1)...`,
        `V1: $(V2)$(V2)...` would grow without bound)."""
        if value is None or "$" not in value.text or all(origin == UNKNOWN for origin in value.origins):
            return value  # nothing to expand, or unknown throughout (dehub.runbudget's, with its reason)
        key = (id(value), id(scope))
        done = self._resolved.get(key)
        if done is not None:
            return done[0]
        if key in self._resolving or depth >= MAX_NESTING:
            return None
        self._resolving.add(key)
        try:
            found: Value | None = self.expand(value, scope, False, depth + 1)[0].value
        finally:
            self._resolving.discard(key)
        if found is not None and len(found.text) > MAX_EXPANDED:
            found = None
        self._resolved[key] = (found, value, scope)  # keeps both alive, so their ids stay theirs
        return found

    def expanded(self, node: Node | None, scope: Scope) -> Value | None:
        value = self.value(node)
        return self.expand(value, scope)[0].value if value is not None else None

    def parameters(self, node: Node | None) -> Names:
        """Parameter defaults: the list form (`- name: x` / `default:`) or the old map form."""
        out: Names = {}
        if ys.is_sequence(node):
            for item in node.value:
                name = ys.scalar_text(ys.mapping_get(item, "name"))
                if name:
                    out[name.lower()] = self.value(ys.mapping_get(item, "default"))
        else:
            for name, _, default in ys.mapping_items(node):
                out[name.lower()] = self.value(default)
        return out

    def variables(self, node: Node | None) -> Names:
        """`variables:` as a map or a list of `- name: x / value: y` (groups and templates are not read)."""
        out: Names = {}
        if ys.is_sequence(node):
            pairs = [
                (ys.scalar_text(ys.mapping_get(item, "name")), ys.mapping_get(item, "value"))
                for item in _flatten(node)
                if ys.mapping_get(item, "name") is not None
            ]
        else:
            pairs = [(name, value) for name, _, value in _flat_items(node)]
        for name, value_node in pairs:
            if name:
                out[name.lower()] = self.value(value_node)  # expanded where it is used
        return out

    # --- the file -------------------------------------------------------------------------

    def read(self, root: Node) -> None:
        scope = Scope(self.parameters(ys.mapping_get(root, "parameters")), {})
        scope = scope.with_variables(self.variables(ys.mapping_get(root, "variables")))
        containers = ys.mapping_get(ys.mapping_get(root, "resources"), "containers")
        for entry in _flatten(containers):
            alias = ys.scalar_text(ys.mapping_get(entry, "container"))
            if alias:
                self.resources[alias.lower()] = entry
        self.root_scope = scope
        pool = _pool(ys.mapping_get(root, "pool"), None)
        for stage in _flatten(ys.mapping_get(root, "stages")):
            name = ys.scalar_text(ys.mapping_get(stage, "stage"))
            if name is None:
                continue  # a stage template in another file
            stage_scope = scope.with_variables(self.variables(ys.mapping_get(stage, "variables")))
            stage_pool = _pool(ys.mapping_get(stage, "pool"), pool)
            self.jobs(ys.mapping_get(stage, "jobs"), stage_scope, stage_pool, name)
        self.jobs(ys.mapping_get(root, "jobs"), scope, pool, "")
        for key_text, key, _ in ys.mapping_items(root):
            if key_text in ("steps", "container", "services"):  # a single-job pipeline: the file is the job
                job = Job("job", ys.span(key), label="the pipeline's job", notes={Phase.SETUP: SETUP_NOTE})
                legs = self.matrix(ys.mapping_get(ys.mapping_get(root, "strategy"), "matrix"))
                job.combinations = len(legs)
                self.job(job, root, legs, scope, pool)
                break
        self.unused_resources()

    def jobs(self, node: Node | None, scope: Scope, pool: Node | None, stage: str) -> None:
        for item in _flatten(node):
            name_node = ys.mapping_get(item, "job") or ys.mapping_get(item, "deployment")
            if name_node is None:
                continue  # a job template in another file
            name = ys.scalar_text(name_node) or ""
            label = f"job `{stage}.{name}`" if stage else f"job `{name}`"
            job = Job(name, ys.span(name_node), label=label, notes={Phase.SETUP: SETUP_NOTE})
            job_scope = scope.with_variables(self.variables(ys.mapping_get(item, "variables")))
            legs = self.matrix(ys.mapping_get(ys.mapping_get(item, "strategy"), "matrix"))
            job.combinations = len(legs)
            self.job(job, item, legs, job_scope, _pool(ys.mapping_get(item, "pool"), pool))

    def matrix(self, node: Node | None) -> list[Names]:
        """Each leg's variables; [{}] without a static matrix."""
        legs: list[Names] = []
        for _, _, leg in ys.mapping_items(node):
            if len(legs) < MAX_LEGS:
                legs.append(self.variables(leg))
        return legs or [{}]

    def job(self, job: Job, node: Node, legs: list[Names], scope: Scope, pool: Node | None) -> None:
        self.pipeline.jobs.append(job)
        for position, leg in enumerate(legs):
            past = position > 0 and not self.budget.more()
            if past:  # the rest once, their variables unknown
                names = dict.fromkeys(name for later in legs[position:] for name in later)
                leg = {name: unread_value(name, f"$({name})") for name in names}
                job.combinations = None
            cost = self.cost
            run = JobRun(job)
            leg_scope = scope.with_variables(leg)
            windows = self.windows(pool, leg_scope)
            authenticated = [self.container(run, ys.mapping_get(node, "container"), leg_scope, CONTAINER_SITE)]
            for _, _, service in _flat_items(ys.mapping_get(node, "services")):
                authenticated.append(self.container(run, service, leg_scope, SERVICE_SITE))
            found = [flag for flag in authenticated if flag is not None]
            if found and all(found):
                job.notes = {Phase.SETUP: AUTH_NOTE}
            counter = [0]
            self.steps(run, ys.mapping_get(node, "steps"), leg_scope, windows, counter)
            strategy = ys.mapping_get(node, "strategy")
            for _, _, kind in _flat_items(strategy):  # a deployment's runOnce / rolling / canary
                for hook, _, body in _flat_items(kind):
                    if hook == "on":
                        for _, _, outcome in _flat_items(body):
                            self.steps(run, ys.mapping_get(outcome, "steps"), leg_scope, windows, counter)
                    else:
                        self.steps(run, ys.mapping_get(body, "steps"), leg_scope, windows, counter)
            job.runs.append(run.uses)
            if past:
                break
            if position:
                self.budget.spend(self.cost - cost)

    def container(self, run: JobRun, node: Node | None, scope: Scope, site: str) -> bool | None:
        """A job's container or service: an alias of a container resource, an image, or
        `{image:}`; whether it is pulled with an `endpoint:` (None: nothing pulled)."""
        if node is None or ys.is_null(node):
            return None
        entry = node
        if ys.is_scalar(node):
            named = self.expanded(node, scope)
            resource = self.resources.get(named.text.strip().lower()) if named is not None else None
            if resource is None:
                return self.image(run, node, scope, site)
            self.used.add(named.text.strip().lower() if named is not None else "")
            entry = resource
            scope = self.root_scope
        if not ys.is_mapping(entry):
            return None
        pulled = self.image(run, ys.mapping_get(entry, "image"), scope, site)
        return None if pulled is None else ys.mapping_get(entry, "endpoint") is not None

    def image(self, run: JobRun, node: Node | None, scope: Scope, site: str, phase: Phase = Phase.SETUP) -> bool | None:
        written = self.value(node)
        if written is None:
            return None
        for tracked in self.expand(written, scope):
            run.pull(site, tracked.value, -1, phase, written=written)
        return False

    def unused_resources(self) -> None:
        for alias, entry in self.resources.items():
            if alias in self.used:
                continue
            key = ys.mapping_get(entry, "container")
            if key is None:
                continue
            label = f"container resource `{alias}`"
            job = Job(f"resources.containers.{alias}", ys.span(key), label=label, notes={Phase.SETUP: RESOURCE_NOTE})
            run = JobRun(job)
            self.image(run, ys.mapping_get(entry, "image"), self.root_scope, "azure-resource")
            job.runs.append(run.uses)
            self.pipeline.jobs.append(job)

    def windows(self, pool: Node | None, scope: Scope) -> bool:
        """Whether a pool's `vmImage` (a matrix leg's `$(imageName)` too) is a Windows one,
        where `script:` is cmd.exe, not read here."""
        image = self.expanded(ys.mapping_get(pool, "vmImage"), scope)
        return image is not None and image.text.strip().lower().startswith(("windows", "win", "vs20"))

    # --- steps ----------------------------------------------------------------------------

    def steps(self, run: JobRun, node: Node | None, scope: Scope, windows: bool, counter: list[int]) -> None:
        for step in _flatten(node):
            index = counter[0]
            counter[0] += 1
            self.cost += STEP_COST
            env_scope = scope
            step_env = self.environment(ys.mapping_get(step, "env"), scope)
            for key in ("script", "bash"):
                script = ys.mapping_get(step, key)
                if script is not None and (key == "bash" or not windows):
                    self.script(run, index, script, env_scope, step_env)
            task = ys.scalar_text(ys.mapping_get(step, "task")) or ""
            name, _, version = task.partition("@")
            name = name.strip().lower()
            inputs = ys.mapping_get(step, "inputs")
            if name in ("bash", "cmdline") and (name == "bash" or not windows):
                target = ys.scalar_text(ys.mapping_get(inputs, "targettype")) or "inline"
                if target.lower() == "inline":
                    self.script(run, index, ys.mapping_get(inputs, "script"), env_scope, step_env)
            elif name == "docker" and version.strip() in ("2", ""):
                command = self.expanded(ys.mapping_get(inputs, "command"), scope)
                if command is not None and command.text.strip().lower() == "login":
                    connection = self.expanded(ys.mapping_get(inputs, "containerRegistry"), scope)
                    registry = "service connection " + connection.text.strip() if connection is not None else ""
                    task_node = ys.mapping_get(step, "task")
                    if task_node is not None:
                        run.event(index, ys.span(task_node), EventKind.LOGIN, registry or "service connection")

    def environment(self, node: Node | None, scope: Scope) -> Names:
        return {name: self.expanded(value, scope) for name, _, value in _flat_items(node)}

    def script(self, run: JobRun, index: int, node: Node | None, scope: Scope, step_env: Names) -> None:
        script = self.value(node)
        if script is None or node is None:
            return
        self.cost += len(script.text)
        from .shell.events import scan

        # as the script's environment: `a.b` is `A_B`, each resolved on its first read
        variables = Lazy(self.env_names(scope.variables), lambda _, value: self.resolve(value, scope, 0))
        env = Chain(step_env, variables)
        variants = []
        for tracked in self.expand(script, scope, keep_macros=True):
            variants.append(scan(self.scanned, id(node), tracked, env, "bash"))
        run.scripts(index, variants, SCRIPT_SITE)


def _env_name(name: str) -> str:
    """A variable's name in a script's environment: upper-cased, dots as underscores."""
    return name.upper().replace(".", "_")


def _bracket_pairs(text: str) -> dict[int, int]:
    """Each `[` -> the offset of the `]` that closes it (quotes inside brackets skipped), in one
    pass: a `$[` left open must not send every later one to the end of the text again."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    quoted = False
    for index, char in enumerate(text):
        if char == "'" and stack:
            quoted = not quoted
        elif quoted:
            continue
        elif char == "[":
            stack.append(index)
        elif char == "]" and stack:
            pairs[stack.pop()] = index
            if not stack:
                quoted = False
    return pairs


def _is_condition(key: str) -> bool:
    return key.strip().startswith("${{")


def _flatten(node: Node | None, depth: int = 0) -> list[Node]:
    """A list's mapping items, with the items of `- ${{ if ... }}:` insertions (every branch)."""
    out: list[Node] = []
    if not ys.is_sequence(node) or depth > MAX_NESTING:
        return out
    for item in node.value:
        if not ys.is_mapping(item):
            continue
        items = ys.mapping_items(item)
        if items and all(_is_condition(key) for key, _, _ in items):
            for _, _, inserted in items:
                out.extend(_flatten(inserted, depth + 1))
        else:
            out.append(item)
    return out


def _flat_items(node: Node | None, depth: int = 0) -> list[tuple[str, Node, Node]]:
    """A mapping's items, with those of `${{ if ... }}:` keys (every branch) in their place."""
    out: list[tuple[str, Node, Node]] = []
    if depth > MAX_NESTING:
        return out
    for key, key_node, value in ys.mapping_items(node):
        if _is_condition(key):
            out.extend(_flat_items(value, depth + 1))
        else:
            out.append((key, key_node, value))
    return out


def _pool(node: Node | None, outer: Node | None) -> Node | None:
    """The pool a job runs on: its own, else the stage's, else the pipeline's."""
    return outer if node is None or ys.is_null(node) else node


def parse(source: SourceText) -> AzureDocument:
    return AzureDocument(source)
