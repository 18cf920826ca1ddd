"""Bitbucket Pipelines files (`bitbucket-pipelines.yml`).

Each step is a job: its `image` (a string or `name:`), else the file's top-level `image`, and
the images of the services it names (`definitions.services.<name>.image`, a string or `name:`;
the built-in `docker` service without an `image:` is Bitbucket's own and names none), all
pulled before the step's script runs; its `script:` and `after-script:` lines are read by the
shared script reader. Steps are found under `pipelines.default`, `branches.*`, `tags.*`,
`bookmarks.*`, `pull-requests.*` and `custom.*`, inside `parallel:` (a list, or `steps:`) and
`stage:` (`steps:`); `definitions.steps` anchors and merge keys are read by the YAML layer.

`$NAME` / `${NAME}` in an image name is substituted from the `variables:` defaults of the
custom pipeline the step runs in; anything else (repository, deployment and workspace
variables) is unknown. A step's pipe (`- pipe: atlassian/...`) is run by Bitbucket's pipe
runner and is not read. Images of services no step uses are still reported where written.
"""

from __future__ import annotations

from . import ciscript
from . import yamlsource as ys
from .envchain import Lazy
from .imageuse import ImageUse
from .pipeline import Job, JobRun, Phase, Pipeline
from .source import SourceText
from .value import Value
from .yamldoc import YamlDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

IMAGE_SITE = "bitbucket-image"
SERVICE_SITE = "bitbucket-service"
SCRIPT_SITE = "bitbucket-script"
SECTIONS = ("default", "branches", "tags", "bookmarks", "pull-requests", "custom")
MAX_STEPS = 5_000
MAX_VISITS = 100_000
SETUP_NOTE = (
    "pulled by Bitbucket before the step's script runs, so a `docker login` in the script cannot cover it "
    "(only the mirror, or `username`/`password` or `aws:` credentials on the image, can)"
)
AUTHENTICATED_NOTE = (
    "pulled by Bitbucket before the step's script runs; the step's image is pulled with the `username`/"
    "`password` or `aws:` credentials given on it (an authenticated pull), its services without them"
)
STEP_NOTE = "pulled by the step's script (a Docker Hub login earlier in the script would also lift the anonymous limit)"


def sniff(text: str) -> bool:
    """A Bitbucket Pipelines file has a top-level `pipelines:` with `step:` entries."""
    return "pipelines" in ys.top_level_keys(text) and "step:" in text


class BitbucketDocument(YamlDocument):
    kind = "bitbucket"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.extra: list[ImageUse] = []  # service images no step uses
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses() + self.extra

    def read(self, root: Node) -> None:
        default_image = ys.mapping_get(root, "image")
        definitions = ys.mapping_get(root, "definitions")
        services = ys.mapping_get(definitions, "services") if ys.is_mapping(definitions) else None
        service_nodes = {name: node for name, _, node in ys.mapping_items(services)}
        pipelines = ys.mapping_get(root, "pipelines")
        written: set[tuple[str, int, int]] = set()
        start = len(self.pipeline.jobs)
        for section, _, node in ys.mapping_items(pipelines):
            if section not in SECTIONS:
                continue
            if section == "default":
                self._read_steps(f"{section}", node, default_image, service_nodes, {})
                continue
            for name, _, steps in ys.mapping_items(node):
                variables = self._pipeline_variables(steps) if section == "custom" else {}
                self._read_steps(f"{section}.{name}", steps, default_image, service_nodes, variables)
        for job in self.pipeline.jobs[start:]:
            for uses in job.runs:
                written.update((use.site, use.start, use.end) for use in uses)
        # what no pipeline here runs is still written here: `definitions.steps`, services, the image
        unused: list[Job] = []
        defined = ys.mapping_get(definitions, "steps") if ys.is_mapping(definitions) else None
        self._read_steps("definitions.steps", defined, default_image, service_nodes, {}, unused)
        definitions_run = JobRun(Job("definitions", (0, 0)))
        for service in service_nodes.values():
            self._service(definitions_run, service, {})
        self._image(definitions_run, IMAGE_SITE, default_image, {})
        for use in [use for job in unused for uses in job.runs for use in uses] + definitions_run.uses:
            key = (use.site, use.start, use.end)
            if key not in written:
                written.add(key)
                use.context = None
                self.extra.append(use)

    def _pipeline_variables(self, steps: Node) -> dict[str, Value | None]:
        """A custom pipeline's `- variables:` entry: each name's `default:` (None without one)."""
        out: dict[str, Value | None] = {}
        if not ys.is_sequence(steps):
            return out
        for item in steps.value:
            declared = ys.mapping_get(item, "variables") if ys.is_mapping(item) else None
            if declared is None or not ys.is_sequence(declared):
                continue
            for variable in declared.value:
                name = ys.scalar_text(ys.mapping_get(variable, "name")) if ys.is_mapping(variable) else None
                if name:
                    out[name.strip()] = self.value(ys.mapping_get(variable, "default"))
        return out

    def _read_steps(
        self,
        where: str,
        node: Node | None,
        default_image: Node | None,
        services: dict[str, Node],
        variables: dict[str, Value | None],
        jobs: list[Job] | None = None,
    ) -> None:
        """A list of steps, `parallel:` and `stage:` entries, each step a job (of the pipeline,
        or of `jobs` when given)."""
        into = self.pipeline.jobs if jobs is None else jobs
        pending: list[Node | None] = [node]
        steps: list[tuple[Node, Node]] = []
        visits = 0  # aliases may nest lists in lists: the walk is bounded however they do
        seen: set[int] = set()
        while pending and len(steps) < MAX_STEPS and visits < MAX_VISITS:
            visits += 1
            item = pending.pop()
            if item is None:
                continue
            if ys.is_sequence(item):
                if id(item) not in seen:  # a list aliased twice in one pipeline is read once
                    seen.add(id(item))
                    pending.extend(reversed(item.value))
                continue
            if not ys.is_mapping(item):
                continue
            for key, key_node, value in ys.mapping_items(item):
                if key == "step" and ys.is_mapping(value):
                    steps.append((key_node, value))
                elif key == "parallel":
                    pending.append(ys.mapping_get(value, "steps") if ys.is_mapping(value) else value)
                elif key == "stage" and ys.is_mapping(value):
                    pending.append(ys.mapping_get(value, "steps"))
        before = sum(1 for job in into if job.id.rpartition("/")[0] == where)  # `feature/*` is not `feature`
        # the steps' script environment: each variable expanded on its first read, once for all steps
        env = Lazy(variables, lambda name, value: _expanded(name, value, variables))
        for offset, (key_node, step) in enumerate(steps):
            number = before + offset + 1
            name_value = self.value(ys.mapping_get(step, "name"))
            shown = f"`{name_value.text}`" if name_value is not None else str(number)
            label = f"step {shown} in `{where}`"
            image = ys.mapping_get(step, "image")
            if image is None:
                image = default_image
            job = Job(f"{where}/{number}", ys.span(key_node), label=label, notes=self._notes(image))
            into.append(job)
            run = JobRun(job)
            self._image(run, IMAGE_SITE, image, variables)
            names = ys.mapping_get(step, "services")
            for service_name in names.value if names is not None and ys.is_sequence(names) else ():
                service = services.get((ys.scalar_text(service_name) or "").strip())
                if service is not None:
                    self._service(run, service, variables)
            for index, key in enumerate(("script", "after-script")):
                lines: list[Node] = []
                ciscript.script_lines(ys.mapping_get(step, key), _same, lines)
                values = [value for value in (self.value(line) for line in lines) if value is not None]
                ciscript.read_script(run, index, values, env, SCRIPT_SITE)
            job.runs.append(run.uses)

    def _service(self, run: JobRun, service: Node, variables: dict[str, Value | None]) -> None:
        image = ys.mapping_get(service, "image") if ys.is_mapping(service) else None
        self._image(run, SERVICE_SITE, image, variables)

    def _image(self, run: JobRun, site: str, node: Node | None, variables: dict[str, Value | None]) -> None:
        if ys.is_mapping(node):
            node = ys.mapping_get(node, "name")
        written = self.value(node)
        if written is None:
            return
        value = ciscript.expand(written, variables, dollar_escape=False)
        run.pull(site, value, -1, Phase.SETUP, written=written)

    @staticmethod
    def _notes(image: Node | None) -> dict[Phase, str]:
        authenticated = ys.is_mapping(image) and any(
            ys.mapping_get(image, key) is not None for key in ("username", "password", "aws")
        )
        return {Phase.SETUP: AUTHENTICATED_NOTE if authenticated else SETUP_NOTE, Phase.STEP: STEP_NOTE}


def _same(node: Node) -> Node:
    return node


def parse(source: SourceText) -> BitbucketDocument:
    return BitbucketDocument(source)


def _expanded(name: str, value: Value | None, variables: dict[str, Value | None]) -> Value | None:
    """A variable as a script reads it: its `$OTHER`s substituted (its own `$NAME` is from outside)."""
    return None if value is None else ciscript.expand(value, variables, False, name)
