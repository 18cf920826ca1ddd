"""The parsed file every kind module returns, and the pieces the engine reads from it."""

from __future__ import annotations

from .imageuse import ImageUse
from .source import SourceText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .pipeline import Pipeline


class ParseProblem:
    """Why (part of) a file could not be parsed; becomes a DH900 finding."""

    __slots__ = ("start", "end", "message")

    def __init__(self, start: int, end: int, message: str) -> None:
        self.start = start
        self.end = end
        self.message = message


class PragmaComment:
    """A comment that may hold a suppression, and the lines it would apply to."""

    __slots__ = (
        "line", "start", "end", "text", "line_start", "line_end", "target_first", "target_last", "removable",
        "body_start",
    )  # fmt: skip

    def __init__(
        self, line: int, start: int, end: int, text: str, line_span: tuple[int, int], target: tuple[int, int]
    ) -> None:
        self.line = line
        self.start = start  # the comment itself, its marker ('#', '//', '/*') included
        self.end = end
        self.text = text  # the comment body after the marker
        self.line_start, self.line_end = line_span  # the whole line with its newline, to delete it
        self.target_first, self.target_last = target  # the statement it precedes; (0, 0) if none
        self.removable = True  # whether deleting the line leaves the rest of the file's meaning
        # where `text` starts: after the comment marker (`#`; a kind with `//` or `/*` sets it)
        self.body_start = start + 1


class Document:
    """Base for parsed files: kind name, source, problems, pragmas, image uses.

    A CI kind also has a `pipeline` (its jobs, and when each pull happens); other kinds have none.
    """

    kind = ""
    pipeline: Pipeline | None = None

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.problems: list[ParseProblem] = []

    def pragmas(self) -> list[PragmaComment]:
        return []

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        raise NotImplementedError

    def optional_uses(self) -> list[ImageUse]:
        """Images pulled only when a component the file switches off is switched on (a Helm
        values file's `enabled: false`): read with `include-disabled`, else not pulls."""
        return []
