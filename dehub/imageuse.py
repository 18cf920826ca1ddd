"""What a file-kind module reports: a place where an image is named, and nothing more.

Sites never decide policy; they say where the reference is written (`start`/`end`), what it
resolves to (a `Value` whose characters know their source offsets) and which site it is
(`from`, `copy-from`, `mount-from`, `syntax`, ...).
"""

from __future__ import annotations

from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .pipeline import PullContext

    # a replacement name (`public.ecr.aws/docker/library/nginx`) -> the edits that make the file
    # pull it, as (start, end, text); None when they cannot be placed exactly
    Rewrite = Callable[[str], tuple[tuple[int, int, str], ...] | None]


class ImageUse:
    __slots__ = ("site", "value", "start", "end", "problem", "context", "shared", "rewrite", "registry", "no_fix")

    def __init__(self, site: str, value: Value, start: int, end: int, problem: str | None = None) -> None:
        self.site = site
        self.value = value  # the reference, variables substituted, with source offsets
        self.start = start  # the reference as written at the site
        self.end = end
        self.problem = problem  # set when the text cannot be an image reference at all
        self.context: PullContext | None = None  # in a CI file: the job, step and phase of the pull
        # values this use is built from that something else reads too: name -> where it is written
        self.shared: dict[str, tuple[int, int]] | None = None
        # how to write another name when that is not replacing the name's literal characters
        # (a kustomize `images:` entry gains a `newName:`; a Helm `image:` has `registry` and
        # `repository` apart); None: the fix replaces the literal name (`Subject.name_span`)
        self.rewrite: Rewrite | None = None
        # a registry other than Docker Hub the kind knows this image comes from, though its text
        # is not known (GitLab's `${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:20`): no finding
        self.registry: str | None = None
        # why no fix may be offered at all: the edit would change what else the file means
        self.no_fix: str | None = None

    def __repr__(self) -> str:
        return f"ImageUse({self.site}, {self.value.text!r}, {self.start}, {self.end})"
