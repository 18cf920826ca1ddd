"""The base of every kind written in YAML: parse once, read each document, find the pragmas.

A subclass reads each top-level mapping in `read(root)`; scalars come as `Value`s with exact
source offsets through `value(node)` (memoised: matrix combinations read the same nodes again).
Invalid YAML becomes one parse problem (DH900) and the documents before it are still read.
"""

from __future__ import annotations

from . import yamlsource as ys
from .document import Document, PragmaComment
from .source import SourceText
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node


class YamlDocument(Document):
    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self._values: dict[int, Value] = {}  # scalar values by node (nodes live as long as the document)
        roots, problem = ys.compose_documents(source.text)
        if problem is not None:
            self.problems.append(problem)
        self.roots: list[Node] = [root for root in roots if root is not None]
        for root in self.roots:
            if ys.is_mapping(root):
                self.read(root)

    def read(self, root: Node) -> None:
        """Read one top-level mapping of the stream."""
        raise NotImplementedError

    def pragmas(self) -> list[PragmaComment]:
        from .yamlpragmas import pragmas

        return pragmas(self.source, self.roots)

    def flow_plain_spans(self) -> list[tuple[int, int]]:
        """The spans of the plain (unquoted) scalars inside flow collections (`[a, b]`, `{k: v}`),
        where a fix may not write `{`, `}`, `[`, `]` or `,`: they would end the scalar."""
        spans: list[tuple[int, int]] = []
        seen: set[int] = set()
        stack: list[tuple[Node, bool]] = [(root, False) for root in self.roots]
        while stack:
            node, in_flow = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if ys.is_scalar(node):
                if in_flow and not ys.style(node):
                    spans.append(ys.span(node))
                continue
            in_flow = in_flow or bool(getattr(node, "flow_style", False))
            if ys.is_mapping(node):
                stack.extend((child, in_flow) for pair in node.value for child in pair)
            elif ys.is_sequence(node):
                stack.extend((child, in_flow) for child in node.value)
        return spans

    def value(self, node: Node | None) -> Value | None:
        """A scalar node's value with origins; None for mappings, sequences and nulls."""
        if node is None or not ys.is_scalar(node) or ys.is_null(node):
            return None
        found = self._values.get(id(node))
        if found is None:
            found = self._values[id(node)] = ys.scalar_value(node, self.source.text)
        return found
