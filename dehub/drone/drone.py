"""Drone pipelines (`.drone.yml`): every `kind: pipeline` document of the stream is a job.

A `type: docker` (the default) or `kubernetes` pipeline runs each step and service in its
`image:`, pulled by the runner when the step starts (plugins such as `plugins/docker` are
images like any other); `type: exec`, `ssh` and the VM types run on a host and pull nothing
themselves, but their `commands:` may (`docker pull`). `kind: secret`, `signature` and
`template` documents name no image. Drone 0.8's format (no `kind:`, a `pipeline:` mapping of
steps, `services:`, `clone:` plugins, a top-level `matrix:`) and Drone 0.4's (a `build:` step,
`compose:` services) are read too. Drone substitutes
`${NAME}` with build metadata when the pipeline runs, so such a name is unknown to dehub.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..pipeline import Phase
from ..source import SourceText
from .common import CiDocument, key_span, matrix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

CONTAINER_TYPES = frozenset(("docker", "kubernetes"))
NOTES = {
    Phase.SETUP: "pulled by the Drone runner when the pipeline runs (a step's image as the step starts), "
    "outside the step's containers, so a `docker login` in a step cannot cover it (only the mirror, or "
    "registry credentials in `image_pull_secrets`, can)",
}


def sniff(text: str) -> bool:
    """A Drone file has a document with a top-level `kind: pipeline`."""
    for line in text.splitlines()[:2000]:
        if line.startswith("kind:"):
            value = line[5:].split(" #", 1)[0].strip().strip("\"'")
            if value == "pipeline":
                return True
    return False


class DroneDocument(CiDocument):
    kind = "drone"
    site_prefix = "drone"
    notes = NOTES

    def read(self, root: Node) -> None:
        kind_node = ys.mapping_get(root, "kind")
        if kind_node is None:
            self._legacy(root)
            return
        if (ys.scalar_text(kind_node) or "").strip() != "pipeline":
            return  # secret, signature, template: no images
        type_text = (ys.scalar_text(ys.mapping_get(root, "type")) or "docker").strip().lower()
        name_node = ys.mapping_get(root, "name")
        name = (ys.scalar_text(name_node) or "").strip() or "default"
        span = ys.span(name_node) if name_node is not None else ys.span(kind_node)
        job = self.job(name, span, f"pipeline `{name}`", 1)
        self.read_pipeline(job, root, [{}], ("services", "steps"), images=type_text in CONTAINER_TYPES)

    def _legacy(self, root: Node) -> None:
        """Drone 0.8: `pipeline:` steps by name, `services:`, `clone:` plugins, `matrix:`; Drone
        0.4: a `build:` step and `compose:` services."""
        steps = ys.mapping_get(root, "pipeline")
        sections: tuple[str, ...] = ("clone", "services", "pipeline")
        key = "pipeline"
        if steps is None:  # Drone 0.4: one `build:` step, `compose:` services
            steps = ys.mapping_get(root, "build")
            sections = ("compose", "build")
            key = "build"
        if steps is None or not (ys.is_mapping(steps) or ys.is_sequence(steps)):
            return
        combinations = matrix(ys.mapping_get(root, "matrix"), self)
        span = key_span(root, key)
        job = self.job("pipeline", span, "the pipeline", None if combinations is None else len(combinations))
        self.read_pipeline(job, root, combinations or [{}], sections)


def parse(source: SourceText) -> DroneDocument:
    return DroneDocument(source)
