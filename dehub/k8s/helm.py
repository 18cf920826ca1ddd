"""Helm values files (`values.yaml`): the images a default install of the chart pulls.

A chart's templates build each image from its values, by one of two conventions:
- the `helm create` one: `image: {repository: nginx, tag: "1.27"}`, the template writing
  `{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}`, so
  `repository` is the whole name (a registry host included, when there is one);
- the split one (Bitnami and many others): `image: {registry: docker.io, repository:
  bitnami/nginx, tag: ..., digest: ...}`, with `global.imageRegistry`, when set, in place of
  every image's `registry`.
and a plain `image: nginx:1.27` string. dehub reads every `image:` in the file (and mappings
with a `repository` under a key ending in `Image`, such as `initImage:`) in those shapes; the
name may also be under `image` beside a `registry` (ingress-nginx) or `name` beside a `tag`
(JupyterHub). An
empty or missing `tag` is the chart's appVersion, unknown here: the name is still judged.

What a default install does not pull is not read: a component under a mapping with `enabled:
false` (`metrics: {enabled: false, image: ...}`), unless `include-disabled: true` in the
configuration (or `--include-disabled`) asks for the images a values override could switch
on. Where the registry is left to the chart (`registry: ""` or null: the template's own
default, which only the template knows), the image is unresolved (DH003), never called a
Docker Hub pull on a guess.

The fix writes the mirror exactly: `repository: nginx` -> `repository:
public.ecr.aws/docker/library/nginx` in the first convention; `registry: docker.io` ->
`registry: public.ecr.aws` and `repository: nginx` -> `repository: docker/library/nginx` in
the split one. A registry that `global.imageRegistry` supplies is shared by every image, so
those findings have no fix.

A values file is read whether or not a `Chart.yaml` sits beside it: a values file for someone
else's chart (`helm install -f values.yaml`) sets the images just the same.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..reference import HUB_ALIASES, is_registry_host
from ..source import SourceText
from ..value import SYNTHETIC, Builder
from ..yamldoc import YamlDocument
from . import literal_span, placeholders

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

    from ..value import Value

SITE = "helm-image"
APP_VERSION = "{{ .Chart.AppVersion }}"  # what an empty tag means
CHART_REGISTRY = "{{ registry }}"  # a registry left to the chart's template
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
FALSE = frozenset(("false", "no", "off"))  # YAML 1.1 booleans, as a bool tag says
MAX_DEPTH = 40


class ValuesDocument(YamlDocument):
    kind = "helm"

    def __init__(self, source: SourceText) -> None:
        self.uses: list[ImageUse] = []
        self.optional: list[ImageUse] = []  # under `enabled: false`: pulled only when switched on
        self._seen: set[int] = set()
        super().__init__(source)

    def read(self, root: Node) -> None:
        global_registry = ys.mapping_get(ys.mapping_get(root, "global"), "imageRegistry")
        registry = self.value(global_registry)
        self.global_registry = registry if registry is not None and registry.text.strip() else None
        self.walk(root, 0, False)

    def walk(self, node: Node, depth: int, disabled: bool) -> None:
        if depth > MAX_DEPTH or id(node) in self._seen:
            return
        self._seen.add(id(node))
        if ys.is_sequence(node):
            for item in node.value:
                self.walk(item, depth + 1, disabled)
            return
        if not ys.is_mapping(node):
            return
        disabled = disabled or _disabled(node)
        for key, _, value in ys.mapping_items(node):
            if key == "image" and ys.is_scalar(value):
                self.read_string(value, disabled)
            elif (key == "image" or key.endswith("Image")) and ys.is_mapping(value):
                name_key = _name_key(value)
                if name_key:
                    self._seen.add(id(value))
                    self.read_split(value, name_key, disabled or _disabled(value))
                else:
                    self.walk(value, depth + 1, disabled)
            else:
                self.walk(value, depth + 1, disabled)

    def read_string(self, node: Node, disabled: bool) -> None:
        written = self.value(node)
        if written is None or node.tag != STR_TAG or not written.text.strip():
            return
        start, end = literal_span(written, ys.span(node))
        (self.optional if disabled else self.uses).append(ImageUse(SITE, placeholders(written), start, end))

    def read_split(self, image: Node, name_key: str, disabled: bool) -> None:
        repository_node = ys.mapping_get(image, name_key)
        repository = self.value(repository_node)
        if repository_node is None or repository is None or not repository.text.strip():
            return
        registry_node = ys.mapping_get(image, "registry")  # a null node when written empty
        has_registry = registry_node is not None
        registry = self.value(registry_node)
        from_global = False
        if has_registry and self.global_registry is not None:
            registry, from_global = self.global_registry, True
        out = Builder()
        if has_registry:
            if registry is None or not registry.text.strip():
                out.add_unknown(CHART_REGISTRY, "the chart's default registry")
            else:
                out.extend(placeholders(registry))
            out.add("/", SYNTHETIC)
        out.extend(placeholders(repository))
        tag = self.value(ys.mapping_get(image, "tag"))
        out.add(":", SYNTHETIC)
        if tag is not None and tag.text.strip():
            out.extend(placeholders(tag))
        else:
            out.add_unknown(APP_VERSION, "the chart's appVersion")
        digest = self.value(ys.mapping_get(image, "digest"))
        if digest is not None and digest.text.strip():
            out.add("@", SYNTHETIC)
            out.extend(placeholders(digest))
        value = out.build()
        start, end = literal_span(repository, ys.span(repository_node))
        use = ImageUse(SITE, value, start, end)
        if has_registry:
            use.rewrite = _SplitRewrite(None if from_global else registry, repository)
        (self.optional if disabled else self.uses).append(use)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.uses

    def optional_uses(self) -> list[ImageUse]:
        return self.optional


def _name_key(image: Node) -> str:
    """The key that holds an image mapping's name: `repository`; `image` beside a `registry`
    (ingress-nginx: `{registry: registry.k8s.io, image: ingress-nginx/controller}`); `name`
    beside a `tag` (JupyterHub: `{name: quay.io/jupyterhub/k8s-hub, tag: ...}`); '' for none."""
    if ys.is_scalar(ys.mapping_get(image, "repository")):
        return "repository"
    if ys.is_scalar(ys.mapping_get(image, "image")) and ys.mapping_get(image, "registry") is not None:
        return "image"
    if ys.is_scalar(ys.mapping_get(image, "name")) and ys.mapping_get(image, "tag") is not None:
        return "name"
    return ""


def _disabled(node: Node) -> bool:
    """A mapping with `enabled: false` (YAML 1.1 spellings too, as Helm reads them)."""
    enabled = ys.mapping_get(node, "enabled")
    return ys.is_scalar(enabled) and enabled.tag == BOOL_TAG and enabled.value.lower() in FALSE


class _SplitRewrite:
    """`registry: docker.io` + `repository: nginx` -> `registry: public.ecr.aws` + `repository:
    docker/library/nginx`: the replacement's host into `registry`, the rest into `repository`,
    each written over its value's literal characters."""

    __slots__ = ("registry", "repository")

    def __init__(self, registry: Value | None, repository: Value) -> None:
        self.registry = registry
        self.repository = repository

    def __call__(self, replacement: str) -> tuple[tuple[int, int, str], ...] | None:
        registry, repository = self.registry, self.repository
        if registry is None:
            return None  # global.imageRegistry: shared by every image
        host, slash, path = replacement.partition("/")
        if not slash or not is_registry_host(host) or host.lower() in HUB_ALIASES:
            return None  # a Docker Hub name: the registry stays, the repository would carry it all
        registry_span = registry.source_run(0, len(registry.text))
        repository_span = repository.source_run(0, len(repository.text))
        if registry_span is None or repository_span is None:
            return None
        return (
            (registry_span[0], registry_span[1], host),
            (repository_span[0], repository_span[1], path),
        )


def parse(source: SourceText) -> ValuesDocument:
    return ValuesDocument(source)
