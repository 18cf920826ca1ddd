"""The kind registry: every file kind dehub reads, as one line of data each.

Everything that needs to know the kinds reads `KINDS`: discovery (which files a folder walk
takes, by path), the runner (a named file's kind by content when its name says nothing), the
command line (`--kind` choices), the language server (editor language ids), the inventory
(pipeline kinds), DH003 (where a kind takes its values from), the pre-commit filter test and
the README's table. Adding a kind is its module (`parse(source) -> Document`, and `sniff(text)
-> bool` when it can be told by content) plus one `KindSpec` line here.

Detection is by path first (what pre-commit and `git ls-files` give), then by content for a
file named explicitly whose name says nothing; `--kind` overrides both. Path patterns are
globs over the lower-cased, `/`-separated path, matched against its end (`*` within a folder
or name, `**` across folders); the first kind in `KINDS` whose patterns match wins.
"""

from __future__ import annotations

from .patterns import tail_matches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from .document import Document
    from .source import SourceText


class KindSpec:
    """One file kind: its name, its module, and how it is found and described."""

    __slots__ = (
        "name", "module", "title", "paths", "not_paths", "sniff_priority", "language_ids", "unresolved_hint",
        "pipeline", "continuations", "examples", "sniff_paths",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        module: str,
        *,
        title: str,
        paths: tuple[str, ...],
        not_paths: tuple[str, ...] = (),
        sniff_priority: int | None = None,
        language_ids: tuple[str, ...] = (),
        unresolved_hint: str,
        pipeline: bool = False,
        continuations: tuple[str, ...] = (),
        examples: tuple[str, ...] = (),
        sniff_paths: tuple[str, ...] = (),
    ) -> None:
        self.name = name  # `--kind` value, the JSON `kind` field
        self.module = module  # parse(source) -> Document; sniff(text) -> bool if sniff_priority is set
        self.title = title  # what people call these files, plural ("Dockerfiles")
        self.paths = paths  # globs a path of this kind matches
        self.not_paths = not_paths  # globs that rule a path out (also for sniffing: README.md is prose)
        self.sniff_priority = sniff_priority  # content sniffing order (lower first); None: by path only
        self.language_ids = language_ids  # LSP languageId values that mean this kind
        self.unresolved_hint = unresolved_hint  # DH003: where values come from; `{name}` is the first unknown one
        self.pipeline = pipeline  # jobs and steps (DH004, DH005, inventory)
        self.continuations = continuations  # characters that continue a statement on the next line
        self.examples = examples  # paths of this kind (tests and the README table)
        # globs of files a folder walk reads and sniffs for this kind when no kind's `paths`
        # match (Kubernetes manifests have any name); those that are not this kind are skipped quietly
        self.sniff_paths = sniff_paths

    def matches(self, path: str) -> bool:
        """Whether a lower-cased, `/`-separated path names a file of this kind."""
        return any(tail_matches(glob, path) for glob in self.paths) and not self.excluded(path)

    def excluded(self, path: str) -> bool:
        return any(tail_matches(glob, path) for glob in self.not_paths)

    def parse(self, source: SourceText) -> Document:
        parsed: Document = _module(self.module).parse(source)
        return parsed

    def sniff(self, text: str) -> bool:
        return self.sniff_priority is not None and bool(_module(self.module).sniff(text))


def _module(name: str) -> ModuleType:
    """The module `name`, imported on first use. `__import__` with a `fromlist` returns the
    submodule itself; `importlib.import_module` would cost an import of `importlib` (and
    `warnings`) on every run."""
    module: ModuleType = __import__(name, fromlist=["parse"])
    return module


def _dockerfile_names(base: str) -> tuple[str, ...]:
    return (base, f"{base}.*", f"{base}-*", f"{base}_*", f"*.{base}")


NOT_DOCKERFILES = ("*.dockerignore", "*.md", "*.rst", "*.txt", "*.orig", "*.rej", "*.swp", "*.bak")
CIRCLECI_HINT = (
    "dehub reads parameter defaults, the values workflows pass to jobs (matrix included) and pipeline "
    "parameter defaults written in the file"
)
AZURE_HINT = (
    "dehub reads `variables:` literals (pipeline, stage, job, matrix) and parameter defaults written in the file; "
    "variable groups, templates and pipeline settings are not read"
)
SHELL_HINT = (
    "dehub reads variables the script assigns before the pull (`IMAGE=node:20`, `${IMAGE:-node:20}`); "
    "the environment, arguments and command output are unknown"
)
MAKE_HINT = (
    "dehub reads the Makefile's own assignments (`IMAGE ?= node:20`) and variables a recipe line assigns; "
    "the environment, functions (`$(shell ...)`) and automatic variables are unknown"
)
GHA_HINT = "dehub reads static matrix values, `env:` literals and input defaults written in the file"
GITLAB_HINT = (
    "dehub reads `variables:` (top level, job, `extends`, `parallel: matrix:`) and `spec: inputs:` defaults "
    "written in this file; `{name}` comes from elsewhere (a CI/CD variable in the project or group settings, "
    "a predefined `CI_*` variable, or an included file)"
)
BITBUCKET_HINT = (
    "dehub reads `variables:` defaults of custom pipelines written in this file; `{name}` comes from elsewhere "
    "(a repository, deployment or workspace variable, or a default `BITBUCKET_*` variable)"
)
DRONE_HINT = (
    "Drone sets {name} when the pipeline runs (build metadata, promotion parameters); dehub reads only "
    "values written in the file, such as a `${{NAME:-default}}` default"
)
JENKINS_HINT = (
    "{name} gets its value when the build runs; dehub reads the literals written in the Jenkinsfile "
    "(`def NAME = '...'`, `environment {{ NAME = '...' }}`, a string parameter's `defaultValue`)"
)
WOODPECKER_HINT = (
    "Woodpecker sets {name} when the workflow runs; dehub reads the top-level `matrix:` values and "
    "`${{NAME:-default}}` defaults written in the file"
)

KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        "workflow", "dehub.gha.workflow", title="GitHub Actions workflows",
        paths=(".github/workflows/*.yml", ".github/workflows/*.yaml", "workflow-templates/*.yml",
               "workflow-templates/*.yaml"),
        sniff_priority=10, language_ids=("github-actions-workflow",), unresolved_hint=GHA_HINT, pipeline=True,
        examples=(".github/workflows/ci.yml", ".github/workflows/release.yaml", "workflow-templates/ci.yml"),
    ),
    KindSpec(
        "action", "dehub.gha.action", title="action metadata (action.yml)",
        paths=("action.yml", "action.yaml", ".github/actions/**/*.yml", ".github/actions/**/*.yaml"),
        sniff_priority=20, unresolved_hint=GHA_HINT, pipeline=True,
        examples=("action.yml", "tools/setup/action.yaml", ".github/actions/build/helper.yml"),
    ),
    # before compose: every YAML file in .woodpecker/ is a workflow, `compose.yml` too
    KindSpec(
        "woodpecker", "dehub.drone.woodpecker", title="Woodpecker workflows",
        paths=(".woodpecker.yml", ".woodpecker.yaml", ".woodpecker/*.yml", ".woodpecker/*.yaml"),
        sniff_priority=41, unresolved_hint=WOODPECKER_HINT, pipeline=True,
        examples=(".woodpecker.yml", ".woodpecker/build.yaml", ".woodpecker/test.yml"),
    ),
    KindSpec(
        "compose", "dehub.compose", title="Compose files",
        paths=("compose.yml", "compose.yaml", "compose.*.yml", "compose.*.yaml", "compose-*.yml", "compose-*.yaml",
               "docker-compose*.yml", "docker-compose*.yaml", "*.compose.yml", "*.compose.yaml"),
        sniff_priority=30, sniff_paths=("*.yml", "*.yaml"), language_ids=("dockercompose",),
        unresolved_hint="compose takes {name} from the environment or `.env`, which dehub does not read; "
        "give it a default in the file (`${{{name}:-...}}`)",
        examples=("compose.yaml", "compose.yml", "compose.override.yaml", "docker-compose.yml",
                  "deploy/docker-compose.prod.yaml", "docker-compose-dev.yml", "compose-dev.yaml", "stack.compose.yml"),
    ),
    KindSpec(
        "circleci", "dehub.circleci", title="CircleCI configuration",
        paths=(".circleci/config.yml", ".circleci/config.yaml", ".circleci/*.yml", ".circleci/*.yaml"),
        sniff_priority=34, unresolved_hint=CIRCLECI_HINT, pipeline=True,
        examples=(".circleci/config.yml", ".circleci/config.yaml", ".circleci/continue.yml"),
    ),
    KindSpec(
        "azure", "dehub.azure", title="Azure Pipelines files",
        paths=("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines/*.yml", ".azure-pipelines/*.yaml",
               "azure-pipelines/*.yml", "azure-pipelines/*.yaml"),
        sniff_priority=38, language_ids=("azure-pipelines",), unresolved_hint=AZURE_HINT, pipeline=True,
        examples=("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines/ci.yml",
                  "azure-pipelines/release.yaml"),
    ),
    KindSpec(
        "devcontainer", "dehub.devcontainer", title="Dev Container configuration (devcontainer.json)",
        paths=(".devcontainer/devcontainer.json", ".devcontainer.json", ".devcontainer/**/devcontainer.json"),
        sniff_priority=62, language_ids=(),
        unresolved_hint="dehub reads `${{localEnv:NAME:default}}` defaults written in the file; give {name} one",
        examples=(".devcontainer/devcontainer.json", ".devcontainer.json", ".devcontainer/python/devcontainer.json",
                  "app/.devcontainer/devcontainer.json"),
    ),
    KindSpec(
        "bake", "dehub.bake", title="docker-bake files",
        paths=("docker-bake.hcl", "docker-bake.json", "docker-bake.*.hcl", "docker-bake.*.json", "*.bake.hcl",
               "*.bake.json"),
        sniff_priority=60,
        unresolved_hint=(
            "dehub reads `variable` defaults and literals written in the file (not the environment, "
            "function calls or matrix values)"
        ),
        examples=("docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl", "ci/release.bake.hcl",
                  "app.bake.json"),
    ),
    KindSpec(
        "drone", "dehub.drone.drone", title="Drone pipelines",
        paths=(".drone.yml", ".drone.yaml"),
        sniff_priority=40, unresolved_hint=DRONE_HINT, pipeline=True,
        examples=(".drone.yml", "services/api/.drone.yaml"),
    ),
    KindSpec(
        "jenkinsfile", "dehub.jenkins", title="Jenkinsfiles",
        paths=("jenkinsfile", "*.jenkinsfile", "jenkinsfile.*"), not_paths=NOT_DOCKERFILES,
        sniff_priority=42, language_ids=("jenkinsfile",), unresolved_hint=JENKINS_HINT, pipeline=True,
        examples=("Jenkinsfile", "ci/release.jenkinsfile", "Jenkinsfile.nightly"),
    ),
    KindSpec(
        "kustomize", "dehub.k8s.kustomize", title="kustomizations",
        paths=("kustomization.yaml", "kustomization.yml", "kustomization"),
        unresolved_hint="dehub reads the `images:` entries as written",
        examples=("kustomization.yaml", "overlays/prod/kustomization.yml", "base/Kustomization"),
    ),
    KindSpec(
        "helm", "dehub.k8s.helm", title="Helm values files",
        paths=("values.yaml", "values.yml"),
        unresolved_hint="dehub reads the chart's defaults as written; a value Helm fills in is unknown",
        examples=("values.yaml", "charts/web/values.yml"),
    ),
    KindSpec(
        "kubernetes", "dehub.k8s.manifests", title="Kubernetes manifests",
        paths=(), sniff_priority=50, sniff_paths=("*.yml", "*.yaml"),
        unresolved_hint="dehub reads the manifest as written; a value a tool fills in before it is applied "
        "(envsubst, Helm) is unknown",
        examples=("deploy/app.yaml", "k8s/cronjob.yml"),
    ),
    KindSpec(
        "shell", "dehub.shellscript", title="shell scripts", paths=("*.sh", "*.bash"), sniff_priority=80,
        language_ids=("shellscript",), unresolved_hint=SHELL_HINT, pipeline=True, continuations=("\\",),
        examples=("build.sh", "scripts/ci/pull-images.bash"), sniff_paths=("bin/*", "scripts/*", "script/*", "hack/*"),
    ),
    KindSpec(
        "makefile", "dehub.makefile", title="Makefiles", paths=("makefile", "gnumakefile", "*.mk"),
        language_ids=("makefile",), unresolved_hint=MAKE_HINT, pipeline=True, continuations=("\\",),
        examples=("Makefile", "GNUmakefile", "makefile", "build/docker.mk"),
    ),
    KindSpec(
        "gitlab", "dehub.gitlab", title="GitLab CI files",
        paths=(".gitlab-ci.yml", ".gitlab-ci.yaml", "*.gitlab-ci.yml", "*.gitlab-ci.yaml", ".gitlab/ci/*.yml",
               ".gitlab/ci/*.yaml"),
        sniff_priority=32, unresolved_hint=GITLAB_HINT, pipeline=True,
        examples=(".gitlab-ci.yml", "ci/build.gitlab-ci.yml", ".gitlab/ci/test.yml"),
    ),
    KindSpec(
        "bitbucket", "dehub.bitbucket", title="Bitbucket Pipelines files",
        paths=("bitbucket-pipelines.yml", "bitbucket-pipelines.yaml"),
        sniff_priority=36, unresolved_hint=BITBUCKET_HINT, pipeline=True,
        examples=("bitbucket-pipelines.yml", "sub/bitbucket-pipelines.yaml"),
    ),
    KindSpec(
        "dockerfile", "dehub.dockerfile", title="Dockerfiles",
        paths=_dockerfile_names("dockerfile") + _dockerfile_names("containerfile"),
        not_paths=NOT_DOCKERFILES, sniff_priority=90, language_ids=("dockerfile", "containerfile"),
        unresolved_hint="give {name} a default, or pass --build-arg {name}=VALUE", continuations=("\\", "`"),
        examples=("Dockerfile", "Containerfile", "api/Dockerfile.prod", "Dockerfile-dev", "Dockerfile_ci",
                  "app.Dockerfile", "x.containerfile"),
    ),
)  # fmt: skip
BY_NAME = {spec.name: spec for spec in KINDS}
NAMES = tuple(BY_NAME)
PIPELINE_NAMES = tuple(spec.name for spec in KINDS if spec.pipeline)
_SNIFF_GLOBS = tuple(dict.fromkeys(glob for spec in KINDS for glob in spec.sniff_paths))
_SNIFFING = sorted((spec for spec in KINDS if spec.sniff_priority is not None), key=lambda s: s.sniff_priority or 0)


def spec(name: str) -> KindSpec:
    return BY_NAME[name]


def normal_path(path: str) -> str:
    return path.replace("\\", "/").lower()


def kind_for_path(path: str) -> str | None:
    """The kind a file name implies, or None."""
    normal = normal_path(path)
    for kind in KINDS:
        if kind.matches(normal):
            return kind.name
    return None


# The kind a folder walk gives a file to be told by content (`KindSpec.sniff_paths`): the
# runner sniffs it, and skips it without a word when it is no kind dehub reads.
SNIFF = "sniff"
QUIET_SKIP = "no kind dehub reads (found by walking a folder)"


def walk_kind(path: str) -> str | None:
    """The kind a file found by walking a folder is checked as: by its path, else SNIFF when a
    kind reads files of that name by content, else None (not taken)."""
    found = kind_for_path(path)
    if found is not None or not _SNIFF_GLOBS:
        return found
    normal = normal_path(path)
    return SNIFF if any(tail_matches(glob, normal) for glob in _SNIFF_GLOBS) else None


def kind_for_text(text: str, path: str = "", walked: bool = False) -> str | None:
    """The kind a file's content implies, for a file whose name says nothing; None if none.

    A file a folder walk took to sniff (`walked`) is sniffed only for the kinds whose
    `sniff_paths` take its name: a workflow in a subfolder of `.github/workflows/`, which
    GitHub ignores, is not read as a workflow because a compose or Kubernetes sniff took it.

    A kind whose `not_paths` rule the name out is not sniffed (`README.md` that begins "FROM
    the start..." is prose), and no kind is sniffed in a file whose name says it is one dehub
    does not read yet (`NOT_YET`: a `.gitlab-ci.yml` is not a compose file, whatever it holds).
    """
    normal = normal_path(path)
    if normal and not_read_yet(normal) is not None:
        return None
    # The kinds that read this name by content first: sniffing imports a kind's module, so a
    # manifest named on the command line (or an editor's stdin) costs the compose and
    # Kubernetes modules, not every CI kind's. The sniffs exclude one another, so the order
    # only saves time.
    named = [kind for kind in _SNIFFING if normal and any(tail_matches(glob, normal) for glob in kind.sniff_paths)]
    rest = [] if walked else [kind for kind in _SNIFFING if kind not in named]
    order: list[KindSpec] = named + rest
    for kind in order:
        if not (normal and kind.excluded(normal)) and kind.sniff(text):
            return kind.name
    return None


def parse(kind: str, source: SourceText) -> Document:
    return BY_NAME[kind].parse(source)


def titles() -> str:
    """`GitHub Actions workflows, ... and Dockerfiles`, for messages."""
    names = [kind.title for kind in KINDS]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


# Files people expect dehub to read that it does not read yet: named plainly when they are
# given explicitly, rather than suggesting a `--kind` that cannot help.
NOT_YET: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Earthfiles", ("earthfile",)),
    ("Nomad job files", ("*.nomad", "*.nomad.hcl")),
    ("Packer templates", ("*.pkr.hcl", "*.pkr.json")),
    ("Tiltfiles", ("tiltfile",)),
)  # fmt: skip


def not_read_yet(path: str) -> str | None:
    """What a file is, when it is a kind people expect dehub to read and it does not yet."""
    normal = normal_path(path)
    for title, globs in NOT_YET:
        if any(tail_matches(glob, normal) for glob in globs):
            return title
    return None


def skip_reason(path: str) -> str:
    """Why an explicitly named file is not checked, said plainly."""
    reads = titles()
    what = not_read_yet(path)
    if what is not None:
        return f"dehub does not read {what} yet (it reads {reads})"
    kinds = "|".join(NAMES)
    return f"not a kind of file dehub reads ({reads}); if it is one of those, say so with --kind {kinds}"
