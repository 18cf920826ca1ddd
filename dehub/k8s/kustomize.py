"""kustomizations (`kustomization.yaml`): the `images:` transformer.

Each `images:` entry rewrites the images of the resources whose name is `name`: to `newName`
when given, with `newTag` or `digest` when given. The image the cluster pulls is `newName`
(else `name`) with that tag or digest; a `name` that a `newName` replaces is only a match key
and is not pulled. An entry with neither `newName`, `newTag` nor `digest` changes nothing and
is not read. The resources themselves (`resources:`) are read as Kubernetes manifests in their
own files; inline `patches:` are text dehub does not read.

The fix writes the mirror name into `newName` when the entry has one; otherwise it adds a
`newName:` to the entry (block style: a line right after the `name:` line at its indentation;
flow style: `, newName: ...` right after the `name` value), so `name` still matches.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..source import SourceText
from ..value import SYNTHETIC, Builder
from ..yamldoc import YamlDocument
from . import literal_span, placeholders

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

    from ..value import Value

SITE = "kustomize-image"
BREAKS = ("\r\n", "\n", "\r")


class KustomizationDocument(YamlDocument):
    kind = "kustomize"

    def __init__(self, source: SourceText) -> None:
        self.uses: list[ImageUse] = []
        self._seen: set[int] = set()
        super().__init__(source)

    def read(self, root: Node) -> None:
        images = ys.mapping_get(root, "images")
        if not ys.is_sequence(images):
            return
        for entry in images.value:
            if ys.is_mapping(entry) and id(entry) not in self._seen:
                self._seen.add(id(entry))
                self.read_entry(entry)

    def read_entry(self, entry: Node) -> None:
        name_node = ys.mapping_get(entry, "name")
        new_name_node = ys.mapping_get(entry, "newName")
        name = self.value(name_node)
        new_name = self.value(new_name_node)
        tag = self.value(ys.mapping_get(entry, "newTag"))
        digest = self.value(ys.mapping_get(entry, "digest"))
        pulled, pulled_node = (new_name, new_name_node) if new_name is not None else (name, name_node)
        if pulled is None or pulled_node is None or not pulled.text.strip():
            return
        if new_name is None and tag is None and digest is None:
            return  # changes nothing
        out = Builder()
        out.extend(pulled)
        if tag is not None and tag.text:
            out.add(":", SYNTHETIC)
            out.extend(tag)
        if digest is not None and digest.text:
            out.add("@", SYNTHETIC)
            out.extend(digest)
        value: Value = placeholders(out.build())
        start, end = literal_span(pulled, ys.span(pulled_node))
        use = ImageUse(SITE, value, start, end)
        if new_name is None and name_node is not None:
            use.rewrite = _AddNewName(self.source.text, entry, name_node)
        self.uses.append(use)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.uses


class _AddNewName:
    """The edit that gives an `images:` entry without `newName` one (see the module docstring)."""

    __slots__ = ("text", "entry", "name_node")

    def __init__(self, text: str, entry: Node, name_node: Node) -> None:
        self.text = text
        self.entry = entry
        self.name_node = name_node

    def __call__(self, replacement: str) -> tuple[tuple[int, int, str], ...] | None:
        text = self.text
        entry, name_node = self.entry, self.name_node
        key_node = next((key for key, value in entry.value if value is name_node), None)
        if key_node is None or not ys.is_scalar(name_node):
            return None  # the name comes from a merge key: no place of its own
        if name_node.start_mark.index < key_node.start_mark.index:
            return None  # an alias of a name written elsewhere
        key_start, value_end = key_node.start_mark.index, ys.span(name_node)[1]
        written = text[key_start:value_end]
        if "\n" in written or "\r" in written:
            return None  # a name written over several lines
        if getattr(entry, "flow_style", False):
            return ((value_end, value_end, f", newName: {replacement}"),)
        line_start = max(text.rfind("\n", 0, key_start), text.rfind("\r", 0, key_start)) + 1
        prefix = text[line_start:key_start]
        if prefix.strip(" -") or ys.style(name_node) in ("|", ">"):
            return None  # not the first key on its line, or a block scalar
        line_end = value_end
        while line_end < len(text) and text[line_end] not in "\r\n":
            line_end += 1
        brk = next((b for b in BREAKS if text.startswith(b, line_end)), None) or _first_break(text)
        indent = " " * len(prefix)
        return ((line_end, line_end, f"{brk}{indent}newName: {replacement}"),)


def _first_break(text: str) -> str:
    for index, char in enumerate(text):
        if char == "\r":
            return "\r\n" if text.startswith("\n", index + 1) else "\r"
        if char == "\n":
            return "\n"
    return "\n"


def parse(source: SourceText) -> KustomizationDocument:
    return KustomizationDocument(source)
