"""Where Docker Hub images move to: the mirror targets (`mirror.target`) as data, and templates.

A target is two templates over the parsed Docker Hub reference, one for Docker Official
Images (`library/<name>`) and one for every other image (None: the target has no copy of
them, as ECR Public has none), plus what kind of store it is (`cache`):

- FULL (""): a mirror that holds what it holds (ECR Public's `docker/library`, a `custom`
  copy). dehub ships data about ECR Public's gaps; that data applies to `ecr-public` alone.
- ON_DEMAND: a pull-through cache that fetches any Docker Hub image when it is first asked
  for (ECR pull-through, the GitLab Dependency Proxy, Harbor, Artifactory). Every Docker Hub
  image has a copy there, and a 404 from it means "not cached yet".
- PARTIAL: mirror.gcr.io, which caches frequently pulled images only: its fixes are unsafe
  unless `--verify` proves the copy exists.

Templates use the placeholders `{registry}` (`docker.io`), `{namespace}` (the first path
component: `library` for official images, `myorg`), `{name}` (the rest: `node`, `app`) and
`{path}` (`{namespace}/{name}`); `:{tag}` / `@{digest}` may end a template and are dropped
(the tag and digest are always kept as written). `${VAR}` / `$VAR` are written out as they
are (GitLab expands `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}` when the job runs); a sample
host stands in for them when a template or a suggested name is checked for validity.

No regular expressions or other imports on the check path: expanding is `str.replace`.
"""

from __future__ import annotations

FULL = ""
ON_DEMAND = "on-demand"
PARTIAL = "partial"
CACHE_NAMES = {"full": FULL, ON_DEMAND: ON_DEMAND, PARTIAL: PARTIAL}  # as `mirror.cache` spells them

ECR_PUBLIC = "ecr-public"
GCR = "gcr"
ECR_PULL_THROUGH = "ecr-pull-through"
GITLAB = "gitlab-dependency-proxy"
HARBOR = "harbor"
ARTIFACTORY = "artifactory"
CUSTOM = "custom"
DEFAULT = ECR_PUBLIC

HUB_REGISTRY = "docker.io"
SAMPLE_HOST = "registry.example.com"  # stands in for `${VAR}` when a name is checked
PLACEHOLDERS = ("{registry}", "{namespace}", "{name}", "{path}")
GITLAB_PREFIX = "${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}"
GITLAB_DIRECT_PREFIX = "${CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX}"
PARTIAL_REASON = "mirror.gcr.io caches only frequently pulled images; verify with --verify"
CUSTOM_PARTIAL_REASON = "the custom mirror (`mirror.cache: partial`) caches only some images; verify with --verify"


class Preset:
    """A documented target (README "Choosing a mirror"): its templates, with `{parameter}`s
    still to fill, its store kind, the parameters it needs and may take, and the file kinds it
    applies to by default."""

    __slots__ = ("name", "official", "other", "cache", "required", "optional", "kinds")

    def __init__(
        self,
        name: str,
        official: str,
        other: str | None,
        cache: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        self.name = name
        self.official = official
        self.other = other
        self.cache = cache
        self.required = required  # `mirror.<key>`s it cannot do without
        self.optional = optional
        self.kinds = kinds  # None: every kind


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(ECR_PUBLIC, "public.ecr.aws/docker/library/{name}", None, FULL),
        Preset(GCR, "mirror.gcr.io/library/{name}", "mirror.gcr.io/{namespace}/{name}", PARTIAL),
        Preset(ECR_PULL_THROUGH, "{account}.dkr.ecr.{region}.amazonaws.com/{prefix}/library/{name}",
               "{account}.dkr.ecr.{region}.amazonaws.com/{prefix}/{namespace}/{name}", ON_DEMAND,
               required=("account", "region", "prefix")),
        Preset(GITLAB, GITLAB_PREFIX + "/{name}", GITLAB_PREFIX + "/{namespace}/{name}", ON_DEMAND,
               optional=("direct",), kinds=("gitlab",)),
        Preset(HARBOR, "{host}/{project}/library/{name}", "{host}/{project}/{namespace}/{name}", ON_DEMAND,
               required=("host", "project")),
        Preset(ARTIFACTORY, "{host}/{repository}/library/{name}", "{host}/{repository}/{namespace}/{name}",
               ON_DEMAND, required=("host", "repository")),
        Preset(CUSTOM, "", None, FULL, optional=("template", "official-template", "cache")),
    )
}  # fmt: skip
NAMES = tuple(PRESETS)
PARAMETERS = ("account", "region", "prefix", "host", "project", "repository", "direct", "template",
              "official-template", "cache")  # fmt: skip


class MirrorError(ValueError):
    """A target that cannot be built; `key` is the `mirror.<key>` at fault."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


class Target:
    """A target ready to decide with: templates over the reference only."""

    __slots__ = ("name", "official", "other", "cache", "kinds")

    def __init__(
        self, name: str, official: str, other: str | None, cache: str, kinds: frozenset[str] | None = None
    ) -> None:
        self.name = name
        self.official = official  # for `library/<name>`
        self.other = other  # for any other Docker Hub image; None: no copy
        self.cache = cache
        self.kinds = kinds  # the file kinds it applies to (None: all); elsewhere ecr-public decides

    @property
    def partial_reason(self) -> str:
        """Why a fix to this partial cache is unsafe until verified."""
        return PARTIAL_REASON if self.name == GCR else CUSTOM_PARTIAL_REASON

    @property
    def is_ecr_public(self) -> bool:
        """Whether dehub's shipped data about ECR Public's copy (gaps, removed images) applies."""
        return self.name == ECR_PUBLIC

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def __repr__(self) -> str:
        return f"Target({self.name!r}, {self.official!r}, {self.other!r}, {self.cache!r})"


def build(name: str, params: dict[str, object] | None = None, kinds: tuple[str, ...] | None = None) -> Target:
    """The target `name` with its parameters filled in from `params` (validated `mirror.<key>`
    values). Raises MirrorError naming the key a preset needs and lacks."""
    preset = PRESETS[name]
    params = params or {}
    for key in preset.required:
        if key not in params:
            raise MirrorError(key, f"mirror target `{name}` needs `mirror.{key}` ({_needs(preset)})")
    chosen = frozenset(kinds) if kinds is not None else frozenset(preset.kinds) if preset.kinds else None
    if name == CUSTOM:
        template = params.get("template")
        official = params.get("official-template", template)
        if not isinstance(official, str):
            raise MirrorError("template", "mirror target `custom` needs `mirror.template` (every image) "
                              "or `mirror.official-template` (official images only), or both")  # fmt: skip
        cache = params.get("cache", FULL)
        return Target(name, official, template if isinstance(template, str) else None, str(cache), chosen)
    official, other = preset.official, preset.other
    if name == GITLAB and params.get("direct") is True:
        official = official.replace(GITLAB_PREFIX, GITLAB_DIRECT_PREFIX)
        other = other.replace(GITLAB_PREFIX, GITLAB_DIRECT_PREFIX) if other else other
    for key in preset.required:
        official = official.replace("{" + key + "}", str(params[key]))
        other = other.replace("{" + key + "}", str(params[key])) if other else other
    if preset.required:  # the parameters are valid one by one; together they must give a valid name
        for template in (official, other or official):
            try:
                normalize_template(template)
            except ValueError as err:
                raise MirrorError(preset.required[-1], str(err)) from None
    return Target(name, official, other, preset.cache, chosen)


def _needs(preset: Preset) -> str:
    keys = [f"`{key}`" for key in preset.required]
    return "it needs " + (", ".join(keys[:-1]) + " and " + keys[-1] if len(keys) > 1 else keys[0])


def unused(name: str, params: dict[str, object]) -> str | None:
    """A parameter given that the target `name` does not take, or None."""
    preset = PRESETS[name]
    for key in params:
        if key not in preset.required and key not in preset.optional:
            return key
    return None


def users(key: str) -> list[str]:
    """The presets that take the parameter `key`."""
    return [name for name, preset in PRESETS.items() if key in preset.required or key in preset.optional]


ECR_PUBLIC_TARGET = build(ECR_PUBLIC)


def expand(template: str, path: str) -> str:
    """The name `template` gives for the Docker Hub repository `path` (`library/node`, `myorg/app`)."""
    namespace, _, name = path.partition("/")
    return (
        template.replace("{registry}", HUB_REGISTRY)
        .replace("{namespace}", namespace)
        .replace("{name}", name)
        .replace("{path}", path)
    )


def sample(text: str) -> str:
    """`text` with every `${VAR}` and `$VAR` replaced by a sample host, to check it as a name."""
    if "$" not in text:
        return text
    out = []
    index = 0
    while True:
        dollar = text.find("$", index)
        if dollar == -1:
            out.append(text[index:])
            return "".join(out)
        out.append(text[index:dollar])
        end = variable_end(text, dollar)
        if end == dollar:
            out.append("$")
            index = dollar + 1
        else:
            out.append(SAMPLE_HOST)
            index = end


def variable_end(text: str, dollar: int) -> int:
    """Where the `${VAR}` or `$VAR` starting at `dollar` ends (`dollar` when none starts there)."""
    start = dollar + 1
    braced = text.startswith("{", start)
    if braced:
        start += 1
    end = start
    while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] == "_")):
        end += 1
    if end == start or text[start].isdigit():
        return dollar
    if braced:
        return end + 1 if text.startswith("}", end) else dollar
    return end


def normalize_template(template: str) -> str:
    """`template` without a trailing `:{tag}` / `@{digest}`, checked: raises ValueError saying
    why it cannot give a valid image name outside Docker Hub."""
    from .reference import ReferenceError, parse

    name = template
    for suffix in ("@{digest}", ":{tag}"):
        name = name.removesuffix(suffix)
    variables = sample(name)
    rest = variables
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if "{tag}" in rest or "{digest}" in rest:
        raise ValueError(f"`{template}`: {{tag}} and {{digest}} may only end the template (`:{{tag}}`, "
                         "`@{digest}`); the tag and digest are kept as written anyway")  # fmt: skip
    if "{" in rest or "}" in rest or "$" in rest:
        raise ValueError(
            f"unknown placeholder in `{template}`; use {{registry}}, {{namespace}}, {{name}} or {{path}} "
            "(and ${VAR} for a variable the CI system fills in)"
        )
    example = (
        variables.replace("{registry}", HUB_REGISTRY)
        .replace("{namespace}", "example")
        .replace("{name}", "image")
        .replace("{path}", "example/image")
    )
    try:
        ref = parse(example)
    except ReferenceError as err:
        raise ValueError(f"`{template}` does not give a valid image name: {err}") from None
    if ref.tag or ref.digest:
        raise ValueError(f"`{template}` names a tag or digest; the template gives the name only, the tag is kept")
    if ref.is_docker_hub:
        raise ValueError(f"`{template}` points at Docker Hub itself; a mirror must be another registry")
    return name


def is_valid_name(name: str) -> bool:
    """Whether a suggested name (with any `${VAR}` standing for a host) is a valid reference."""
    from .reference import ReferenceError, parse

    try:
        parse(sample(name))
    except ReferenceError:
        return False
    return True
