"""Woodpecker workflows (`.woodpecker.yml`, `.woodpecker/*.yml`): one file is one job.

Steps (`steps:` as a list or a mapping of name to step; the older `pipeline:` key), `services:`
and `clone:` plugins each name an image the agent pulls when the workflow runs, outside the
step's containers. A step with `when:` conditions is still counted: it may run. A top-level
`matrix:` runs the workflow once per combination, its values substituted into `${NAME}`, so
a fix lands on the matrix value; other `${NAME}`s are set by Woodpecker (`CI_*`) when the
workflow runs and are unknown to dehub. `commands:` are read by the shared script reader.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..pipeline import Phase
from ..source import SourceText
from .common import CiDocument, key_span, matrix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

NOTES = {
    Phase.SETUP: "pulled by the Woodpecker agent when the workflow runs (a step's image as the step starts), "
    "outside the step's containers, so a `docker login` in a step cannot cover it (only the mirror, or "
    "registry credentials set for the repository or organization in Woodpecker, can)",
}
# top-level keys of other CI files that also have `steps:` (Azure Pipelines)
OTHER_KINDS = frozenset(("kind", "trigger", "pool", "pr", "resources", "jobs", "stages", "extends", "parameters"))


def sniff(text: str) -> bool:
    """A Woodpecker workflow has a top-level `steps:` (or `pipeline:`) with `image:` entries and no `kind:`."""
    keys = ys.top_level_keys(text)
    return bool(keys & {"steps", "pipeline"}) and not keys & OTHER_KINDS and "image:" in text


class WoodpeckerDocument(CiDocument):
    kind = "woodpecker"
    site_prefix = "woodpecker"
    notes = NOTES

    def read(self, root: Node) -> None:
        section = "steps" if ys.mapping_get(root, "steps") is not None else "pipeline"
        steps = ys.mapping_get(root, section)
        if steps is None or not (ys.is_mapping(steps) or ys.is_sequence(steps)):
            return
        combinations = matrix(ys.mapping_get(root, "matrix"), self)
        span = key_span(root, section)
        job = self.job("workflow", span, "this workflow", None if combinations is None else len(combinations))
        self.read_pipeline(job, root, combinations or [{}], ("clone", "services", section))


def parse(source: SourceText) -> WoodpeckerDocument:
    return WoodpeckerDocument(source)
