"""Kubernetes manifests: the images a Pod's containers run, wherever a Pod is described.

A stream of documents (`---`), each an object with `apiVersion` and `kind`; a `kind: List`
(or `*List`) holds objects in `items`. A pod spec is a Pod's `spec`, a `spec.template.spec`
of anything with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, and custom resources shaped the same, such as Argo Rollouts), a
CronJob's `spec.jobTemplate.spec.template.spec`, a PodTemplate's `template.spec`. In a pod
spec, every `containers`, `initContainers` and `ephemeralContainers` entry's `image` is
pulled by the kubelet, unless its `imagePullPolicy` is `Never` (the image must already be on
the node, loaded by `kind load` or built there). Nothing else in a manifest is a pull dehub can name: a ConfigMap's
data, an annotation or a custom resource's own fields are read by software dehub does not know.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..source import SourceText
from ..yamldoc import YamlDocument
from . import has_template_actions, literal_span, placeholders

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

    from ..value import Value

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
SITE = "k8s-container"
MAX_LIST_DEPTH = 5  # a List of Lists of ...


def sniff(text: str) -> bool:
    """A document with top-level `apiVersion:` and `kind:`, and no Go template action where
    YAML would read a node (a Helm chart's templates are not YAML until rendered)."""
    keys = ys.top_level_keys(text)
    if not ("apiVersion" in keys and "kind" in keys) and not _flow_object(text):
        return False
    return not has_template_actions(text)


def _flow_object(text: str) -> bool:
    """A document written as one flow mapping (`{apiVersion: "v1", kind: "Pod", ...}`, JSON
    style) with `apiVersion` and `kind` keys."""
    for line in text.splitlines():
        content = line.strip().lstrip("\ufeff")
        if not content or content.startswith(("#", "---", "%")):
            continue
        if not content.startswith("{"):
            return False
        break
    else:
        return False
    import re

    return all(re.search(rf"""["']?{key}["']?\s*:""", text) for key in ("apiVersion", "kind"))


def pod_specs(root: Node) -> list[Node]:
    """The pod specs an object describes (see the module docstring)."""
    found: list[Node] = []
    kind = ys.scalar_text(ys.mapping_get(root, "kind")) or ""
    spec = ys.mapping_get(root, "spec")
    if kind == "Pod" and spec is not None:
        found.append(spec)
    for template_spec in (
        ys.mapping_get(ys.mapping_get(spec, "template"), "spec"),
        ys.mapping_get(ys.mapping_get(ys.mapping_get(ys.mapping_get(spec, "jobTemplate"), "spec"), "template"), "spec"),
        ys.mapping_get(ys.mapping_get(root, "template"), "spec") if kind == "PodTemplate" else None,
    ):
        if template_spec is not None:
            found.append(template_spec)
    return [node for node in found if ys.is_mapping(node)]


class ManifestDocument(YamlDocument):
    kind = "kubernetes"

    def __init__(self, source: SourceText) -> None:
        self.uses: list[ImageUse] = []
        self._seen: set[int] = set()  # image scalars read (an alias repeats a container)
        super().__init__(source)

    def read(self, root: Node) -> None:
        self.read_object(root, 0)

    def read_object(self, root: Node, depth: int) -> None:
        kind = ys.scalar_text(ys.mapping_get(root, "kind")) or ""
        if kind.endswith("List") and depth < MAX_LIST_DEPTH:
            items = ys.mapping_get(root, "items")
            if ys.is_sequence(items):
                for item in items.value:
                    if ys.is_mapping(item):
                        self.read_object(item, depth + 1)
            return
        for spec in pod_specs(root):
            for key in CONTAINER_LISTS:
                containers = ys.mapping_get(spec, key)
                if ys.is_sequence(containers):
                    for container in containers.value:
                        if ys.scalar_text(ys.mapping_get(container, "imagePullPolicy")) != "Never":
                            self.read_image(ys.mapping_get(container, "image"))

    def read_image(self, node: Node | None) -> None:
        written = self.value(node)
        if node is None or written is None or id(node) in self._seen or not written.text.strip():
            return
        self._seen.add(id(node))
        value: Value = placeholders(written)
        start, end = literal_span(written, ys.span(node))
        self.uses.append(ImageUse(SITE, value, start, end))

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.uses


def parse(source: SourceText) -> ManifestDocument:
    return ManifestDocument(source)
