"""GitLab CI files (`.gitlab-ci.yml`, included `*.gitlab-ci.yml`, `.gitlab/ci/*.yml`).

Per job: `image` (a string, or `name:` of a mapping), `services` (strings, or `name:`), both
inherited through `extends:` (the job's own key wins, then its parents, the last one first),
else taken from `default:`, else from the deprecated top-level `image:` / `services:` (unless
`inherit: default:` says otherwise); `before_script` + `script` (one shell script) and
`after_script` (another), read by the shared script reader. `!reference [job, key, ...]` is
resolved within the file; YAML anchors and merge keys are read by the YAML layer.

Variables: `variables:` at the top level (unless `inherit: variables:` drops them), in the job
and its parents (a string or `value:`), and each `parallel: matrix:` combination; `$NAME` and
`${NAME}` in an image name are substituted from them, as the runner does (no default syntax);
a name with no value here (a CI/CD setting, a predefined `CI_*` variable) is unknown. Images
behind the Dependency Proxy (`${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:20`) and in the
project's or instance's own registry (`$CI_REGISTRY_IMAGE/app`) are no Docker Hub pulls.
`$[[ inputs.name ]]` is read from the `spec: inputs:` defaults of the file's header.

Hidden jobs (`.name`) are templates, not jobs: their images are reported where they are
written (that is where the fix goes) even when no job of this file extends them, but only a
job counts as a run in `dehub inventory`. Trigger jobs run nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import ciscript
from . import yamlsource as ys
from .envchain import Chain, Lazy
from .imageuse import ImageUse
from .pipeline import Job, JobRun, Phase, Pipeline
from .runbudget import RESCAN_REASON, RunBudget, alias_of, unread_value
from .scriptcache import ScriptCache
from .source import SourceText
from .value import Builder, Value
from .yamldoc import YamlDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from yaml.nodes import Node

    from .shell.events import ScriptEvent

RESERVED = frozenset((
    "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script",
    "after_script", "types", "spec",
))  # fmt: skip
DEFAULTABLE = frozenset(("image", "services", "before_script", "after_script"))
REFERENCE_TAG = "!reference"
MAX_EXTENDS = 11  # GitLab's own limit of `extends` levels
MAX_REFERENCE = 10  # nested `!reference` levels GitLab resolves
MAX_LAYERS = 8  # variables of the jobs a job extends, layered; past this many they are merged
MAX_COMBINATIONS = 200  # `parallel: matrix:` jobs GitLab allows per job
REPLAY_COST = 25  # a script event replayed costs about what scanning this many characters does
DEPENDENCY_PROXY = frozenset((
    "CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX", "CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX",
    "CI_DEPENDENCY_PROXY_SERVER",
))  # fmt: skip
OWN_REGISTRY = frozenset(("CI_REGISTRY", "CI_REGISTRY_IMAGE", "CI_SERVER_HOST", "CI_SERVER_FQDN"))
TEMPLATE_REGISTRY = "CI_TEMPLATE_REGISTRY_HOST"  # registry.gitlab.com, in GitLab's own templates
IMAGE_SITE = "gitlab-image"
SERVICE_SITE = "gitlab-service"
SCRIPT_SITE = "gitlab-script"
NOTES = {
    Phase.SETUP: "pulled by the runner before the job's scripts run, so a `docker login` in `before_script` "
    "or `script` cannot cover it (only the mirror, the Dependency Proxy, or registry credentials in "
    "`DOCKER_AUTH_CONFIG` can)",
    Phase.STEP: "pulled by the job's script (a Docker Hub login earlier in the script would also lift the "
    "anonymous limit)",
}
FOREIGN_KEYS = frozenset((
    "jobs", "steps", "pool", "trigger", "pr", "pipelines", "on", "language", "script", "version", "resources",
    "task", "tasks", "container", "pipeline", "kind", "apiVersion", "name", "runs", "workspace", "orbs",
    "workflows", "blocks", "agent", "format_version", "dist", "os", "sudo", "matrix", "clone", "platform",
))  # fmt: skip


def sniff(text: str) -> bool:
    """A GitLab CI file has top-level `stages:` (a list of names), jobs with `script:` under
    top-level keys, or a `spec: inputs:` header, and none of the top-level keys of other CI
    systems or compose files.

    Cheap: reads the lines, not the YAML."""
    keys = ys.top_level_keys(text)
    if keys & FOREIGN_KEYS or ("services" in keys and "image" not in keys and "stages" not in keys):
        return False
    if "- step:" in text:  # Bitbucket's steps
        return False
    if keys == {"spec"} or ("spec" in keys and "\n---" in text and "inputs:" in text):  # a CI component
        return True
    if "stages" in keys and "- stage:" not in text:
        return True
    lines = [line for line in text.splitlines()[:2000] if line.strip() and not line.lstrip().startswith("#")]
    if lines and lines[0].startswith("-"):  # a list at the top (an Ansible playbook) is no CI file
        return False
    return any(_job_script(lines, index) for index in range(len(lines)))


def _job_script(lines: list[str], index: int) -> bool:
    """Whether line `index` is a `script:` key of a mapping that is the value of a top-level key
    (`job:` then `  script:`), not of a list item (`- url: /` then `  script: auto`)."""
    line = lines[index]
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if not indent or not stripped.startswith(("script:", "before_script:")):
        return False
    for previous in reversed(lines[:index]):
        previous_indent = len(previous) - len(previous.lstrip(" "))
        if previous_indent < indent:
            return previous_indent == 0 and not previous.startswith("-") and ":" in previous  # `job: &anchor`
        if previous_indent == indent and previous.lstrip(" ").startswith("-"):
            return False
    return False


class GitLabDocument(YamlDocument):
    kind = "gitlab"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        self.pipeline = Pipeline()
        self.extra: list[ImageUse] = []  # templates' images no job of this file pulls
        self.inputs: dict[str, Value | None] = {}  # `spec: inputs:` defaults of the header
        self.root: Node | None = None
        # what a job inherits through `extends`, worked out once per job: templates are shared
        # by many jobs, and a file may extend in breadth as well as depth
        self._looked_up: dict[tuple[int, str], Node | None] = {}
        self._job_variables: dict[int, Mapping[str, Value | None]] = {}
        self._fallbacks: dict[tuple[int, str], Node | None] = {}
        self._tops: dict[int, dict[str, Node]] = {}  # top-level keys, by document root
        self._read_jobs: dict[int, Job] = {}  # jobs read, by node: `b: *a` is not read again
        self.budget = RunBudget()  # matrix runs past each job's first, for the whole file
        self._cost = 0  # characters of script read so far: what a run costs
        self._extra_run = False  # reading a matrix run past a job's first
        self._scanned = ScriptCache()  # scripts by lines and the values of the variables they read
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses() + self.extra

    # --- the file --------------------------------------------------------------------------

    def read(self, root: Node) -> None:
        items = ys.mapping_items(root)
        if [name for name, _, _ in items] == ["spec"]:  # the header of a file with inputs
            self._read_spec(items[0][2])
            return
        self.root = root
        global_variables = self.variables(ys.mapping_get(root, "variables"))
        default = ys.mapping_get(root, "default")
        default = default if ys.is_mapping(default) else None
        written: set[tuple[str, int, int]] = set()
        start = len(self.pipeline.jobs)
        for name, key, node in items:
            if name in RESERVED or name.startswith(".") or not ys.is_mapping(node):
                continue
            self._read_job(name, key, node, global_variables, default)
        for job in self.pipeline.jobs[start:]:
            for run in job.runs:
                written.update((use.site, use.start, use.end) for use in run)
        # templates, `default:` and the top level: what no job here pulls is still reported
        pseudo = Job("templates", (0, 0))
        for name, _, node in items:
            if name.startswith(".") and ys.is_mapping(node):
                self._read_run(self._pseudo(pseudo), node, global_variables, {})
        if default is not None:
            self._read_run(self._pseudo(pseudo), default, global_variables, {})
        self._read_run(self._pseudo(pseudo), root, global_variables, {})
        for uses in pseudo.runs:
            for use in uses:
                place = (use.site, use.start, use.end)
                if place not in written:
                    written.add(place)
                    use.context = None
                    self.extra.append(use)

    @staticmethod
    def _pseudo(job: Job) -> JobRun:
        run = JobRun(job)
        job.runs.append(run.uses)
        return run

    def _read_spec(self, spec: Node) -> None:
        inputs = ys.mapping_get(spec, "inputs")
        for name, _, node in ys.mapping_items(inputs):
            default = ys.mapping_get(node, "default") if ys.is_mapping(node) else None
            self.inputs[name] = self.value(default)

    def _read_job(
        self, name: str, key: Node, node: Node, global_variables: dict[str, Value | None], default: Node | None
    ) -> None:
        combinations = self._matrix(node)
        count = len(combinations) if combinations is not None else 1
        parallel = self.deref(self.lookup(node, "parallel"))
        copies = 1
        if combinations is None and parallel is not None and ys.is_scalar(parallel):
            text = (ys.scalar_text(parallel) or "").strip()
            copies = int(text) if text.isdigit() and 0 < int(text) <= MAX_COMBINATIONS else 1
            count = copies
        earlier = self._read_jobs.get(id(node))
        if earlier is not None:  # `job: *template` again: the same node reads the same
            self.pipeline.jobs.append(alias_of(earlier, name, ys.span(key)))
            return
        job = Job(name, ys.span(key), count, notes=NOTES)
        self.pipeline.jobs.append(job)
        self._read_jobs[id(node)] = job
        if self.lookup(node, "trigger") is not None:
            job.runs.append([])  # a trigger job starts another pipeline; it runs nothing itself
            return
        inherit = self.deref(self.lookup(node, "inherit"))
        shared = _inherited(global_variables, self.deref(ys.mapping_get(inherit, "variables")))
        keep = self.deref(ys.mapping_get(inherit, "default"))
        fallbacks = [found for found in (default, self.root) if found is not None]
        wanted = combinations if combinations is not None else [{}]
        for index, combination in enumerate(wanted):
            past = index > 0 and not self.budget.more()
            if past:  # the rest once, their matrix values unknown
                names = dict.fromkeys(name for later in wanted[index:] for name in later)
                combination = {name: unread_value(name) for name in names}
                job.combinations = None
            cost = self._cost
            run = JobRun(job)
            self._extra_run = index > 0  # spends the budget as a whole below
            self._read_run(run, node, shared, combination, fallbacks, keep)
            self._extra_run = False
            for _ in range(copies):
                job.runs.append(run.uses)
            if past:
                break
            if index:
                self.budget.spend(self._cost - cost)

    def _read_run(
        self,
        run: JobRun,
        node: Node,
        global_variables: dict[str, Value | None],
        combination: dict[str, Value | None],
        fallbacks: list[Node] | None = None,
        keep: Node | None = None,
    ) -> None:
        """One job (or template, `default:`, the top level) into `run`: image, services, scripts.
        A key the job and its parents do not set comes from `fallbacks` (`default:`, then the
        top level) when `inherit: default:` (`keep`) lets it."""
        variables = Chain(combination, self.job_variables(node), global_variables)

        def setting(key: str) -> Node | None:
            found = self.lookup(node, key)
            if found is None and key in DEFAULTABLE and _inherits(keep, key):
                for fallback in fallbacks or ():
                    found = self._fallback(fallback, key)
                    if found is not None:
                        break
            return self.deref(found)

        image = setting("image")
        if image is not None:
            self.pull(run, IMAGE_SITE, ys.mapping_get(image, "name") if ys.is_mapping(image) else image, variables)
        services = setting("services")
        if services is not None:
            for item in self._service_items(services):
                self.pull(run, SERVICE_SITE, ys.mapping_get(item, "name") if ys.is_mapping(item) else item, variables)
        env = Lazy(variables, _expanded(variables))  # a script reads a few of the file's variables
        main: list[Node] = []
        ciscript.script_lines(setting("before_script"), self.deref, main)
        ciscript.script_lines(setting("script"), self.deref, main)
        self._script(run, 0, main, env)
        closing: list[Node] = []
        ciscript.script_lines(setting("after_script"), self.deref, closing)
        self._script(run, 1, closing, env)
        for use in run.uses:
            _mark_registry(use)

    def _fallback(self, node: Node, key: str) -> Node | None:
        """`key` of `default:` or the top level, looked up once: every job falls back to them,
        and the top level holds every job (a lookup is linear in its keys)."""
        memo = (id(node), key)
        if memo not in self._fallbacks:
            self._fallbacks[memo] = ys.mapping_get(node, key)
        return self._fallbacks[memo]

    def _service_items(self, services: Node) -> list[Node]:
        """A `services:` list's entries (strings or mappings), `!reference` lists flattened."""
        out: list[Node] = []
        pending: list[Node | None] = [services]
        seen: set[int] = set()
        while pending and len(out) < ciscript.MAX_LINES:
            item = self.deref(pending.pop())
            if item is None or id(item) in seen:
                continue
            seen.add(id(item))
            if ys.is_sequence(item):
                pending.extend(reversed(item.value))
            elif not ys.is_null(item):
                out.append(item)
        return out

    def _script(self, run: JobRun, step: int, lines: list[Node], env: Mapping[str, Value | None]) -> None:
        """A script's lines into `run`. The same lines with the same values of the variables
        they read (a template that many jobs extend or merge) are scanned once: only what they
        did is replayed. Lines read again with other values (each job its own `$IMG`) spend
        the file's budget; past it, they are read once more with every variable unknown, and
        that reading is what every later job replays."""
        from .shell.events import script_events

        if not lines:
            return
        key = tuple(id(line) for line in lines)
        again = not self._extra_run and self._scanned.known(key)

        def scanned(seen: Mapping[str, Value | None] | None) -> list[ScriptEvent]:
            if again and not self.budget.more():
                seen = _UNREAD  # reads no variable of this job: one shape, replayed to all later jobs
            cost = self._cost
            values = []
            for line in lines:
                value = self.value(line)
                if value is not None:
                    values.append(self.interpolate(value))
                    self._cost += len(value.text) + 1
            if again and seen is not _UNREAD:
                self.budget.spend(self._cost - cost)
            return script_events(ciscript.joined(values), seen, "bash") if values else []

        found = self._scanned.read(key, env, scanned)
        self._cost += REPLAY_COST * len(found)
        run.script(step, found, SCRIPT_SITE)

    def pull(self, run: JobRun, site: str, node: Node | None, variables: Mapping[str, Value | None]) -> None:
        written = self.value(self.deref(node))
        if written is None:
            return
        value = ciscript.expand(self.interpolate(written), Chain(_TEMPLATE_HOST, variables))
        run.pull(site, value, -1, Phase.SETUP, written=written)

    # --- values ----------------------------------------------------------------------------

    def variables(self, node: Node | None) -> dict[str, Value | None]:
        """A `variables:` mapping: name -> value (a string, a number, or `value:`); None for
        anything else."""
        out: dict[str, Value | None] = {}
        for name, _, written in ys.mapping_items(self.deref(node)):
            value_node = self.deref(written)
            if ys.is_mapping(value_node):
                value_node = self.deref(ys.mapping_get(value_node, "value"))
            value = self.value(value_node)
            out[name] = self.interpolate(value) if value is not None else None
        return out

    def job_variables(self, node: Node, depth: int = 0) -> Mapping[str, Value | None]:
        """A job's `variables:` over those of the jobs it extends (the last one written winning),
        layered, not merged: many jobs extend a template with many variables."""
        known = self._job_variables.get(id(node))
        if known is not None:
            return known
        self._job_variables[id(node)] = {}  # a cycle of `extends` reads nothing more
        layers: list[Mapping[str, Value | None]] = [self.variables(ys.mapping_get(node, "variables"))]
        if depth < MAX_EXTENDS:
            layers.extend(self.job_variables(parent, depth + 1) for parent in reversed(self.parents(node)))
        chain = Chain(*layers)
        found = dict(chain) if len(chain.layers) > MAX_LAYERS else chain  # a lookup walks the layers
        self._job_variables[id(node)] = found
        return found

    def interpolate(self, value: Value) -> Value:
        """`$[[ inputs.name ]]` replaced by the input's default (its characters keep their place
        in the header); anything else in `$[[ ]]` is unknown."""
        text = value.text
        if "$[[" not in text:
            return value
        out = Builder()
        pos = 0
        while pos < len(text):
            start = text.find("$[[", pos)
            end = text.find("]]", start + 3) if start != -1 else -1
            if start == -1 or end == -1:
                for index in range(pos, len(text)):
                    out.add(text[index], value.origins[index])
                break
            for index in range(pos, start):
                out.add(text[index], value.origins[index])
            inner = text[start + 3 : end].strip()
            name = inner[len("inputs.") :] if inner.startswith("inputs.") else ""
            found = self.inputs.get(name) if name and "|" not in inner else None
            if found is not None:
                out.extend(found)
            else:
                out.add_unknown(text[start : end + 2], inner)
            pos = end + 2
        return out.build()

    # --- references, extends ---------------------------------------------------------------

    def deref(self, node: Node | None, depth: int = 0) -> Node | None:
        """The node a `!reference [job, key, ...]` names in this file (None if it names nothing
        here); any other node itself."""
        while node is not None and node.tag == REFERENCE_TAG and ys.is_sequence(node):
            if depth >= MAX_REFERENCE or self.root is None:
                return None
            target: Node | None = self.root
            for index, part in enumerate(node.value):
                name = ys.scalar_text(part)
                if name is None:
                    return None
                target = self.top(name) if index == 0 else ys.mapping_get(target, name)
                if target is None:
                    return None
            node, depth = target, depth + 1
        return node

    def top(self, name: str) -> Node | None:
        """The top-level key `name` (a job or template) of the document being read, through
        an index: every `extends` and `!reference` names one, and a scan is linear in them."""
        root = self.root
        if root is None:
            return None
        index = self._tops.get(id(root))
        if index is None:
            index = self._tops[id(root)] = {key: value for key, _, value in ys.mapping_items(root)}
        return index.get(name)

    def parents(self, node: Node) -> list[Node]:
        """The jobs `node` extends (in this file), in the order written."""
        extends = self.deref(ys.mapping_get(node, "extends"))
        names: list[Node] = []
        if extends is None or self.root is None:
            return []
        if ys.is_sequence(extends):
            names = [item for item in extends.value if ys.is_scalar(item)]
        elif ys.is_scalar(extends):
            names = [extends]
        found: list[Node] = []
        for name_node in names:
            parent = self.top(ys.scalar_text(name_node) or "")
            if ys.is_mapping(parent) and parent is not node and all(parent is not seen for seen in found):
                found.append(parent)
        return found

    def lookup(self, node: Node, key: str, depth: int = 0) -> Node | None:
        """`key` of a job, or of the jobs it extends (the last one written wins)."""
        found = ys.mapping_get(node, key)
        if found is not None or depth >= MAX_EXTENDS:
            return found
        memo = (id(node), key)
        if memo in self._looked_up:
            return self._looked_up[memo]
        self._looked_up[memo] = None  # a cycle of `extends` finds nothing more
        for parent in reversed(self.parents(node)):
            found = self.lookup(parent, key, depth + 1)
            if found is not None:
                break
        self._looked_up[memo] = found
        return found

    def _matrix(self, node: Node) -> list[dict[str, Value | None]] | None:
        """Each `parallel: matrix:` combination's variables; None when the job has no matrix."""
        parallel = self.deref(self.lookup(node, "parallel"))
        matrix = self.deref(ys.mapping_get(parallel, "matrix")) if ys.is_mapping(parallel) else None
        if matrix is None or not ys.is_sequence(matrix):
            return None
        combinations: list[dict[str, Value | None]] = []
        for entry in matrix.value:
            partial: list[dict[str, Value | None]] = [{}]
            for name, _, written in ys.mapping_items(self.deref(entry)):
                values = self.deref(written)
                options: list[Node | None] = list(values.value) if ys.is_sequence(values) else [values]
                choices = [self.value(self.deref(option)) for option in options] or [None]
                partial = [{**done, name: choice} for done in partial for choice in choices]
                if len(partial) > MAX_COMBINATIONS:
                    return None
            combinations.extend(partial)
            if len(combinations) > MAX_COMBINATIONS:
                return None
        return combinations or None


_TEMPLATE_HOST = {TEMPLATE_REGISTRY: Value.synthetic("registry.gitlab.com")}


class _Unread(Mapping[str, "Value | None"]):
    """The variables of a script read past the budget: every one unknown, with the reason."""

    def __getitem__(self, name: str) -> Value | None:
        return unread_value(name, reason=RESCAN_REASON)

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return True


_UNREAD = _Unread()


def _expanded(variables: Mapping[str, Value | None]) -> Callable[[str, Value | None], Value | None]:
    """How a job's script environment works out a variable's value from the job's variables,
    on its first read: its `$OTHER`s substituted (its own `$NAME` is the value from outside)."""

    def work(name: str, value: Value | None) -> Value | None:
        return ciscript.expand(value, variables, own=name) if value is not None else None

    return work


def _inherits(setting: Node | None, key: str) -> bool:
    """`inherit: default:` false drops all defaults; a list keeps those it names."""
    if setting is None:
        return True
    if ys.is_scalar(setting):
        return (ys.scalar_text(setting) or "").strip().lower() != "false"
    if ys.is_sequence(setting):
        return any(ys.scalar_text(item) == key for item in setting.value)
    return True


def _inherited(variables: dict[str, Value | None], setting: Node | None) -> dict[str, Value | None]:
    """`inherit: variables:`: false drops the top-level variables, a list keeps those it names."""
    if setting is None:
        return variables
    if ys.is_scalar(setting):
        return {} if (ys.scalar_text(setting) or "").strip().lower() == "false" else variables
    if ys.is_sequence(setting):  # the names it lists looked up, not every variable walked per job
        names = (ys.scalar_text(item) for item in setting.value)
        return {name: variables[name] for name in names if name is not None and name in variables}
    return variables


def _mark_registry(use: ImageUse) -> None:
    """An image behind the Dependency Proxy or in GitLab's own registry is no Docker Hub pull."""
    name = ciscript.leading_variable(use.value)
    if name in DEPENDENCY_PROXY:
        use.registry = "the GitLab Dependency Proxy"
    elif name in OWN_REGISTRY:
        use.registry = "the GitLab container registry"


def parse(source: SourceText) -> GitLabDocument:
    return GitLabDocument(source)
