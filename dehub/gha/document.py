"""GitHub Actions files as dehub reads them: jobs, the images each job pulls, and when.

Workflows and action metadata share the step model (container, services, `docker://` steps,
`run:` scripts, actions with hidden pulls), so one walker serves both kinds. Every image use
carries a `PullContext` saying which job pulls it and in which phase: the job container,
services and container actions are pulled while the job is set up, before any step; `run:`
pulls happen in their step, after the steps before it. DH005 and `dehub inventory` read
that; the image rules read the uses alone.
"""

from __future__ import annotations

from .. import shell
from .. import yamlsource as ys
from ..document import Document
from ..imageuse import ImageUse
from ..source import SourceText
from ..value import Value
from . import actions
from . import expressions as ex
from . import shared
from .matrix import Matrix

SETUP = "setup"  # pulled while the job is set up (container, services), before any step
ACTION_SETUP = "action-setup"  # pulled when the job prepares its actions (docker:// steps)
COMPOSITE_SETUP = "composite-setup"  # a composite action's docker:// steps: when its step starts
STEP = "step"  # pulled by a step, after the steps before it
SHELLS_DEHUB_READS = ("bash", "sh", "dash", "zsh", "ksh", "busybox", "")
DOCKER_SCHEME = "docker://"


class PullContext:
    """Where an image use sits in a job: the job, the step (-1 before any step), the phase."""

    __slots__ = ("job", "step", "phase")

    def __init__(self, job: Job, step: int, phase: str) -> None:
        self.job = job
        self.step = step
        self.phase = phase


class HiddenPull:
    """An action that pulls an image the file does not name (setup-buildx's BuildKit)."""

    __slots__ = ("job", "step", "action", "start", "end", "image", "setting")

    def __init__(self, job: Job, step: int, action: str, span: tuple[int, int], image: str, setting: str) -> None:
        self.job = job
        self.step = step
        self.action = action  # the action's name, e.g. docker/setup-buildx-action
        self.start, self.end = span  # the `uses:` value
        self.image = image  # what it pulls by default
        self.setting = setting  # the input that names another image, as the user would write it


class Event:
    """A step-time event that is not an image use: a registry login or an image build."""

    __slots__ = ("job", "step", "offset", "end", "what", "registry", "mentions_ecr_public")

    def __init__(self, job: Job, step: int, span: tuple[int, int], what: str, registry: str = "") -> None:
        self.job = job
        self.step = step
        self.offset, self.end = span  # the `uses:` value or the command's first word
        self.what = what  # "login" or "build"
        self.registry = registry  # for a login: the registry host; "" is Docker Hub
        self.mentions_ecr_public = False  # for a build: its inputs name public.ecr.aws


class Job:
    __slots__ = ("id", "start", "end", "matrix", "runs", "hidden", "events")

    def __init__(self, job_id: str, span: tuple[int, int], matrix: Matrix) -> None:
        self.id = job_id
        self.start, self.end = span  # the job's key
        self.matrix = matrix
        self.runs: list[list[ImageUse]] = []  # the image uses of each matrix combination
        self.hidden: list[HiddenPull] = []
        self.events: list[Event] = []


class GhaDocument(Document):
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

    def _read_uses(
        self,
        job: Job,
        index: int,
        step: object,
        node: object,
        scope: ex.Scope,
        uses: list[ImageUse],
        first: bool,
        local: set[str],
    ) -> None:
        written = self.value(node)
        if written is None:
            return
        if written.text.startswith(DOCKER_SCHEME):
            value = ex.substitute(written, scope)
            cut = len(DOCKER_SCHEME)
            image = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
            image_written = Value(written.text[cut:], written.origins[cut:])
            self._add(uses, "gha-docker-uses", image, image_written, PullContext(job, index, self.docker_uses_phase))
            return
        name = actions.action_name(written.text)
        with_node = ys.mapping_get(step, "with")
        with_node = with_node if with_node is not None and ys.is_mapping(with_node) else None

        def given(key: str) -> Value | None:
            found = ys.mapping_get(with_node, key) if with_node is not None else None
            return self.value(found)

        span = ys.span(node)
        if name == actions.SETUP_BUILDX:
            self._read_buildx(job, index, span, given, scope, uses)
        elif name == actions.SETUP_QEMU:
            image = given("image")
            if image is None:
                setting = "image: <a copy of tonistiigi/binfmt>"
                job.hidden.append(HiddenPull(job, index, name, span, actions.QEMU_DEFAULT_IMAGE, setting))
            else:
                self._add(uses, "qemu-image", ex.substitute(image, scope), image, PullContext(job, index, STEP))
        elif name in actions.IMAGE_INPUTS:
            image = given(actions.IMAGE_INPUTS[name])
            if image is not None:
                value = ex.substitute(image, scope)
                if not local or local_name(value.text) not in local:
                    self._add(uses, "gha-action-input", value, image, PullContext(job, index, STEP))
        elif name == actions.BUILD_PUSH and (not _is_true(given("push")) or _is_true(given("load"))):
            tags = given("tags")
            if tags is not None:  # built into the local image store: a later `docker run` of it is no pull
                text = ex.substitute(tags, scope).text.replace(",", "\n")
                local.update(local_name(tag) for tag in text.split("\n") if tag.strip())
        if not first:
            return
        if name in (actions.SETUP_BUILDX, actions.SETUP_QEMU):
            return
        elif name == actions.ECR_LOGIN:
            registry_type = given("registry-type")
            if registry_type is not None and ex.substitute(registry_type, scope).text.strip().lower() == "public":
                job.events.append(Event(job, index, span, "login", actions.ECR_PUBLIC))
        elif name == actions.DOCKER_LOGIN:
            registry = given("registry")
            host = ex.substitute(registry, scope).text.strip().lower() if registry is not None else ""
            job.events.append(Event(job, index, span, "login", host))
        elif name in (actions.BUILD_PUSH, actions.BAKE):
            event = Event(job, index, span, "build")
            event.mentions_ecr_public = with_node is not None and any(
                actions.ECR_PUBLIC in (self.value(value) or Value("", [])).text
                for _, _, value in ys.mapping_items(with_node)
            )
            job.events.append(event)

    def _read_buildx(self, job, index, span_of_uses, given, scope, uses) -> None:  # noqa: ANN001
        driver = given("driver")
        driver_name = ex.substitute(driver, scope).text.strip() if driver is not None else "docker-container"
        if driver_name not in actions.BUILDX_IMAGE_DRIVERS:
            return  # the docker driver uses the daemon's BuildKit; remote connects to a running one
        opts = given("driver-opts")
        found = False
        if opts is not None:
            tracked = ex.substitute_tracked(opts, scope)
            for image in _driver_opt_images(tracked.indexed):
                found = True
                span = tracked.word_span(image, ex.INDEX_BASE)
                if span is None:  # no place of its own (an escape's result): point at the input
                    written = [origin for origin in opts.origins if origin >= 0]
                    span = (written[0], written[-1] + 1) if written else span_of_uses
                value = tracked.restore(image)
                self._add(uses, "buildx-driver-image", value, value, PullContext(job, index, STEP), span=span)
        if not found:
            setting = "driver-opts: image=<a copy of moby/buildkit>"
            default = actions.BUILDX_DEFAULT_IMAGE
            job.hidden.append(HiddenPull(job, index, actions.SETUP_BUILDX, span_of_uses, default, setting))

    def _read_run(
        self,
        job: Job,
        index: int,
        node: object,
        scope: ex.Scope,
        env: dict[str, Value | None] | None,
        shell_name: str,
        uses: list[ImageUse],
        first_run: bool,
        local: set[str],
    ) -> None:
        script = self.value(node)
        if script is None:
            return
        if ex.OPEN in script.text:
            tracked = ex.substitute_tracked(script, scope)
            key: tuple = (id(node), shell_name, tracked.value.text, tuple(tracked.value.origins), _env_key(env))
        else:  # no expressions: the script is the same in every matrix combination
            tracked = None
            key = (id(node), shell_name, _env_key(env))
        found = self._scripts.get(key)
        if found is None:  # each distinct script (after substitution) is scanned once
            if tracked is None:
                tracked = ex.substitute_tracked(script, scope)
            found = self._scripts[key] = self._scan(tracked, env, shell_name)
        if self.shared_keys is not None and scope.matrix:
            self._note_script_reads(script.text, found, scope.matrix)
        for action, value, span, extra in found:
            if action == "image":
                if not local or local_name(value.text) not in local:
                    self._add(uses, "gha-run", value, value, PullContext(job, index, STEP), span=span)
            elif action == "local":
                local.add(extra)
            elif action == "build":
                mentions_ecr_public, tags = extra
                local.update(tags)
                if first_run:
                    event = Event(job, index, span, "build")
                    event.mentions_ecr_public = mentions_ecr_public
                    job.events.append(event)
            elif action == "login":
                if first_run:
                    job.events.append(Event(job, index, span, "login", extra))
            elif action == "buildx-create" and extra in actions.BUILDX_IMAGE_DRIVERS:
                if value is not None:
                    self._add(uses, "buildx-driver-image", value, value, PullContext(job, index, STEP), span=span)
                else:
                    setting = "--driver-opt image=<a copy of moby/buildkit>"
                    default = actions.BUILDX_DEFAULT_IMAGE
                    job.hidden.append(HiddenPull(job, index, "docker buildx create", span, default, setting))

    def _note_script_reads(self, text: str, found: list[tuple], combination: dict[str, object]) -> None:
        """A script that reads a matrix key more often than its images draw on it reads it for
        something else too (`case ${{ matrix.os }} in ...`)."""
        reads = shared.mentions(text)
        if not reads:
            return
        drawn: dict[str, int] = {}
        for action, value, _, _ in found:
            if action == "image":
                for key in shared.drawn_keys(value, combination):
                    drawn[key] = drawn.get(key, 0) + 1
        self.shared_keys.update(key for key, count in reads.items() if count > drawn.get(key, 0))

    def _scan(self, tracked: ex.Tracked, env: dict[str, Value | None] | None, shell_name: str) -> list[tuple]:
        """(what, image value, written span, detail) for each pull, login, build, tag and buildx
        builder in a script, in order: what a later command may run depends on what came before."""
        out: list[tuple] = []
        for pull in shell.pulls(tracked.indexed, env or {}, shell_name):
            span = tracked.word_span(_unquoted(pull.word), pull.command_start)
            if span is None:
                continue
            action = pull.action
            value = tracked.restore(pull.value) if pull.value is not None else None
            if action in ("pull", "run", "create"):
                if value is not None:
                    out.append(("image", value, span, None))
            elif action == "login":
                out.append(("login", None, span, value.text.strip().lower() if value is not None else ""))
            elif action == "build":
                tag_values = [tag.text for tag in pull.tags]
                inputs = [argument.text for argument in pull.arguments if not _names_tag(argument.text, tag_values)]
                mentions = any(actions.ECR_PUBLIC in text for text in inputs)  # a tag is where it goes, not a pull
                tags = tuple(local_name(tag) for tag in tag_values)
                out.append(("build", None, span, (mentions, tags)))
            elif action == "tag" and value is not None:
                out.append(("local", None, span, local_name(value.text)))
            elif action == "buildx-create":
                out.append(("buildx-create", value, span, pull.driver or "docker-container"))
        return out

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
            origins = [origin for origin in written.origins if origin >= 0]
            span = (origins[0], origins[-1] + 1) if origins else (0, 0)
        use = ImageUse(site, value, span[0], span[1])
        use.context = context
        uses.append(use)


def _unquoted(word: Value) -> Value:
    """A word without the quotes around it (`"$IMAGE"`): a finding points at what they hold."""
    text = word.text
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return Value(text[1:-1], word.origins[1:-1])
    return word


def _names_tag(argument: str, tags: list[str]) -> bool:
    """Whether a build argument is one of its own tags (`app:1`, or `--tag=app:1`)."""
    return any(argument == tag or argument.endswith("=" + tag) for tag in tags)


def local_name(text: str) -> str:
    """An image name as the local image store keys it: `app` and `app:latest` are the same."""
    text = text.strip()
    try:
        from ..reference import parse

        ref = parse(text)
    except ValueError:
        return text
    return ref.name + ":" + (ref.tag or "latest") + ("@" + ref.digest if ref.digest else "")


def _is_true(value: Value | None) -> bool:
    return value is not None and value.text.strip().lower() == "true"


def _env_key(env: dict[str, Value | None] | None) -> tuple:
    if not env:
        return ()
    return tuple((name, None if value is None else (value.text, tuple(value.origins))) for name, value in env.items())


def _lower(env: dict[str, Value | None] | None) -> dict[str, Value | None] | None:
    return None if env is None else {name.lower(): value for name, value in env.items()}


def _driver_opt_images(opts: Value) -> list[Value]:
    """`image=` values in setup-buildx's `driver-opts`: one option per line, CSV within a line."""
    images = []
    for line in _split(opts, "\n"):
        for field in _split(line, ","):
            field = _strip(field)
            if field.text.startswith('"') and field.text.endswith('"') and len(field.text) >= 2:
                field = Value(field.text[1:-1], field.origins[1:-1])
            key, equals, _ = field.text.partition("=")
            if equals and key.strip().lower() == "image":
                cut = len(key) + 1
                images.append(_strip(Value(field.text[cut:], field.origins[cut:])))
    return [image for image in images if image.text]


def _split(value: Value, separator: str) -> list[Value]:
    out = []
    start = 0
    text = value.text
    while True:
        at = text.find(separator, start)
        end = len(text) if at == -1 else at
        out.append(Value(text[start:end], value.origins[start:end]))
        if at == -1:
            return out
        start = at + 1


def _strip(value: Value) -> Value:
    text = value.text
    start, end = 0, len(text)
    while start < end and text[start] in " \t\r":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return Value(text[start:end], value.origins[start:end])
