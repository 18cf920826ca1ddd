"""The reader Drone and Woodpecker share: a pipeline's steps, services and commands.

Each pipeline (a Drone document, a Woodpecker workflow file) is one job. The runner pulls a
step's image when the step starts and every service's when the pipeline starts, on the host,
outside any step's container: a `docker login` in a step's commands cannot cover those pulls,
only the mirror or the registry credentials the runner is given can. So every `image:` is a
set-up pull (`Phase.SETUP`), with the kind's own note saying where such credentials go. What a
step's `commands:` pull (`docker pull`/`run`, with the Docker socket or a docker:dind service)
is read by the shared script reader (`dehub.shell.events`) as the step's own pulls.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..envchain import Chain, Lazy
from ..imageuse import ImageUse
from ..pipeline import Job, JobRun, Phase, Pipeline
from ..runbudget import RunBudget, unread_value
from ..scriptcache import ScriptCache
from ..shell.events import scan
from ..source import SourceText
from ..tracked import Tracked, join_lines_tracked
from ..value import Value
from ..yamldoc import YamlDocument
from .subst import substitute

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from yaml.nodes import Node

MAX_COMBINATIONS = 256
STEP_COST = 50  # reading a step's image and environment costs about what this many script characters do
NO_PULL = frozenset(("never",))  # `pull: never`: the image must already be on the host
SINGLE_STEPS = frozenset(("build",))  # Drone 0.4: `build:` is one step, not a mapping of steps


class Step:
    """A step or service as written: its name (key or `name:`) and its mapping."""

    __slots__ = ("name", "node", "key")

    def __init__(self, name: str, node: Node, key: Node | None) -> None:
        self.name = name
        self.node = node
        self.key = key  # the mapping key that names it (mapping form), else None


def entries(node: Node | None) -> list[Step]:
    """Steps or services written as a list (`- name: x`) or a mapping (`x: {...}`)."""
    out: list[Step] = []
    if node is None:
        return out
    if ys.is_sequence(node):
        for item in node.value:
            if ys.is_mapping(item):
                name = ys.scalar_text(ys.mapping_get(item, "name")) or ""
                out.append(Step(name, item, None))
    elif ys.is_mapping(node):
        for name, key, item in ys.mapping_items(node):
            if ys.is_mapping(item):
                out.append(Step(name, item, key))
    return out


class CiDocument(YamlDocument):
    """A parsed Drone or Woodpecker file; subclasses say where its pipelines are."""

    pipeline: Pipeline
    site_prefix = ""
    notes: dict[Phase, str] | None = None
    shell_name = "sh"  # commands run with /bin/sh in the step's image

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.scanned = ScriptCache()  # shell.events.scan's cache
        self._environments: dict[int, tuple[Node | None, dict[str, Value | None]]] = {}  # by node, unsubstituted
        self.budget = RunBudget()  # matrix runs past each pipeline's first, for the whole file
        self.cost = 0  # characters of steps read so far: what a run costs
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()

    # --- values ---------------------------------------------------------------------------

    def environment(self, node: Node | None, variables: dict[str, Value]) -> Mapping[str, Value | None]:
        """An `environment:` mapping, or a list of `NAME=value` (Drone 0.8, Woodpecker): literal
        values (substituted on first read), None for secrets and the like. The node is read once
        however many steps alias it (`environment: *env`)."""
        written = self._environments.get(id(node))
        if written is None:
            written = self._environments[id(node)] = (node, self._environment(node))
        return Lazy(written[1], lambda _, value: None if value is None else substitute(value, variables, True).value)

    def _environment(self, node: Node | None) -> dict[str, Value | None]:
        out: dict[str, Value | None] = {}
        if node is not None and ys.is_sequence(node):
            for item in node.value:
                value = self.value(item)
                name, equals, _ = value.text.partition("=") if value is not None else ("", "", "")
                if value is not None and equals and name.strip():
                    cut = len(name) + 1
                    out[name.strip()] = Value(value.text[cut:], value.origins[cut:])
            return out
        if node is None or not ys.is_mapping(node):
            return out
        for name, _, item in ys.mapping_items(node):
            out[name] = self.value(item)
        return out

    def image(self, run: JobRun, site: str, node: Node | None, variables: dict[str, Value], step: int) -> None:
        written = self.value(node)
        if written is None or not written.text.strip():
            return
        image = substitute(written, variables, False).value
        run.pull(f"{self.site_prefix}-{site}", image, step, Phase.SETUP, written=written)

    def commands(self, run: JobRun, node: Node | None, step: int, variables: dict[str, Value],
                 env: Mapping[str, Value | None]) -> None:  # fmt: skip
        """`commands:` as a list of lines (run as one script) or one block."""
        if node is None:
            return
        items = node.value if ys.is_sequence(node) else [node]
        parts: list[Tracked] = []
        for item in items:
            script = self.value(item)
            if script is not None and script.text.strip():
                parts.append(substitute(script, variables, True))
                self.cost += len(script.text)
        if parts:  # read once per distinct script: a matrix's combinations mostly repeat it
            events = scan(self.scanned, id(node), join_lines_tracked(parts), env, self.shell_name)
            run.script(step, events, f"{self.site_prefix}-commands")

    # --- a pipeline -----------------------------------------------------------------------

    def job(self, job_id: str, span: tuple[int, int], label: str, combinations: int | None) -> Job:
        job = Job(job_id, span, combinations, label=label, notes=self.notes)
        self.pipeline.jobs.append(job)
        return job

    def read_pipeline(self, job: Job, root: Node, combinations: list[dict[str, Value]], sections: tuple[str, ...],
                      images: bool = True) -> None:  # fmt: skip
        """A pipeline's `services`, `clone` and steps (`sections`, in order of running), once
        per matrix combination. `images`: whether its steps run in containers at all."""
        platform = ys.mapping_get(root, "platform")
        os_name = (ys.scalar_text(ys.mapping_get(platform, "os")) or "").strip().lower()
        scripts = os_name != "windows"  # Windows steps run their commands in PowerShell, which dehub does not read
        for position, variables in enumerate(combinations):
            past = position > 0 and not self.budget.more()
            if past:  # the rest once, their matrix values unknown
                names = dict.fromkeys(name for later in combinations[position:] for name in later)
                variables = {name: unread_value(name, "${" + name + "}") for name in names}
                job.combinations = None
            cost = self.cost
            run = JobRun(job)
            env = self.environment(ys.mapping_get(root, "environment"), variables)
            index = 0
            for section in sections:
                site = "service" if section in ("services", "compose") else "clone" if section == "clone" else "image"
                found = ys.mapping_get(root, section)
                single = section in SINGLE_STEPS and ys.is_mapping(found)
                read: set[int] = set()
                for step in [Step(section, found, None)] if single and found is not None else entries(found):
                    node = step.node
                    if images and self.pulls(node):
                        self.image(run, site, ys.mapping_get(node, "image"), variables, index)
                    again = id(node) in read  # an aliased step again (`- *s`): its commands pull nothing new
                    read.add(id(node))
                    if scripts and not again:
                        step_env = Chain(self.environment(ys.mapping_get(node, "environment"), variables), env)
                        self.commands(run, ys.mapping_get(node, "commands"), index, variables, step_env)
                    index += 1
                    self.cost += STEP_COST
            job.runs.append(run.uses)
            if past:
                break
            if position:
                self.budget.spend(self.cost - cost)

    def pulls(self, step: Node) -> bool:
        policy = ys.scalar_text(ys.mapping_get(step, "pull"))
        return policy is None or policy.strip().lower() not in NO_PULL


def matrix(node: Node | None, document: YamlDocument) -> list[dict[str, Value]] | None:
    """The combinations of a top-level `matrix:` (Woodpecker, Drone 0.8): the product of its
    lists, or its `include:` entries; `[{}]` without one; None when it is not static."""
    if node is None or ys.is_null(node):
        return [{}]
    if not ys.is_mapping(node):
        return None
    include = ys.mapping_get(node, "include")
    if include is not None:
        if not ys.is_sequence(include):
            return None
        out = []
        for item in include.value:
            if not ys.is_mapping(item):
                return None
            out.append(_scalars(item, document))
        return out[:MAX_COMBINATIONS] or [{}]
    combinations: list[dict[str, Value]] = [{}]
    for name, _, values in ys.mapping_items(node):
        if not ys.is_sequence(values):
            return None
        found = [value for item in values.value if (value := document.value(item)) is not None]
        if len(combinations) * max(1, len(found)) > MAX_COMBINATIONS:
            return None
        combinations = [{**combination, name: value} for combination in combinations for value in found]
    return combinations or [{}]


def key_span(root: Node, key: str) -> tuple[int, int]:
    """Where a top-level key is written (a job's place when it has no name)."""
    for key_node, _ in root.value:
        if ys.scalar_text(key_node) == key:
            return ys.span(key_node)
    return ys.span(root)


def _scalars(node: Node, document: YamlDocument) -> dict[str, Value]:
    return {name: value for name, _, item in ys.mapping_items(node) if (value := document.value(item)) is not None}
