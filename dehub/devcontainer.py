"""Dev Container configuration (`devcontainer.json`, `.devcontainer.json`): the image it pulls.

The file is JSON with comments and trailing commas, read by `dehub.jsonc` with exact spans.
Site: the top-level `image` (pulled by the Dev Containers CLI or the editor before the
container starts). Values are substituted as the CLI does: `${localEnv:NAME:default}` (and
`${env:...}`) takes its default, written in the file, when nothing else is known; any other
`${...}` is unknown. The default ends at the next `:`, as in the CLI (`${localEnv:X:node:20}`
is `node`).

Not pulls: `build.dockerfile` (built; that Dockerfile is checked as a Dockerfile),
`build.cacheFrom` (a cache source: BuildKit goes on without it, and a mirror has no copy of
your cache), `dockerComposeFile` (Compose files are their own kind). `features` are OCI
artifacts whose first path segment is always the registry (`ghcr.io/devcontainers/features/
node:1`; there is no Docker Hub default): a feature is a pull from Docker Hub only when that
segment is a Docker Hub host (`docker.io/...`), and then it is reported as the site
`feature`, judged like any image (a mirror rarely has a copy).

Suppression: `// dehub ignore=DH001` (or `/* ... */`) on its own line covers the next member
(to the end of its value); at the end of a line it covers that line.
"""

from __future__ import annotations

from . import jsonc
from .document import Document, ParseProblem, PragmaComment
from .imageuse import ImageUse
from .reference import HUB_ALIASES
from .source import SourceText
from .value import Builder, Value

# Keys only a devcontainer.json has at its top level (for telling one by content)
DEVCONTAINER_KEYS = frozenset((
    "customizations", "features", "remoteUser", "containerUser", "postCreateCommand", "postStartCommand",
    "postAttachCommand", "onCreateCommand", "updateContentCommand", "initializeCommand", "forwardPorts",
    "workspaceFolder", "workspaceMount", "remoteEnv", "containerEnv", "overrideCommand", "shutdownAction",
    "runServices", "updateRemoteUserUID", "overrideFeatureInstallOrder", "hostRequirements", "portsAttributes",
))  # fmt: skip
IMAGE_KEYS = ("image", "build", "dockerComposeFile", "dockerFile")
ENV_VARIABLES = ("localEnv", "env")


def sniff(text: str) -> bool:
    """A JSONC object with an image source (`image`, `build`, `dockerComposeFile`) and a key only
    a dev container configuration has (`customizations`, `features`, `remoteUser`, ...)."""
    stripped = text.lstrip(" \t\r\n\ufeff")
    if not stripped.startswith(("{", "//", "/*")) or '"' not in stripped:
        return False
    try:
        root = jsonc.parse(text).root
    except jsonc.JsoncError:
        return False
    if not isinstance(root, jsonc.Object):
        return False
    keys = {key.text for key, _ in root.members}
    return bool(keys & set(IMAGE_KEYS)) and bool(keys & DEVCONTAINER_KEYS)


class DevcontainerDocument(Document):
    kind = "devcontainer"

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.parsed: jsonc.Parsed | None = None
        try:
            self.parsed = jsonc.parse(source.text)
        except jsonc.JsoncError as err:
            end = min(err.offset + 1, len(source.text))
            self.problems.append(ParseProblem(err.offset, end, f"not valid JSON with comments: {err.message}"))

    def pragmas(self) -> list[PragmaComment]:
        parsed = self.parsed
        if parsed is None:
            return []
        from .commentpragmas import add_extent, pragmas

        comments = parsed.comments
        extents: dict[int, int] = {}
        for node in jsonc.walk(parsed.root):
            if isinstance(node, jsonc.Object):
                for key, value in node.members:
                    add_extent(extents, self.source, key.start, value.end)
            elif isinstance(node, jsonc.Array):
                for item in node.items:
                    add_extent(extents, self.source, item.start, item.end)
        return pragmas(self.source, comments, extents)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        parsed = self.parsed
        if parsed is None or not isinstance(parsed.root, jsonc.Object):
            return []
        root = parsed.root
        uses = []
        image = root.get("image")
        if isinstance(image, jsonc.String):
            uses.append(ImageUse("image", substitute(image.value), image.start + 1, image.end - 1))
        features = root.get("features")
        if isinstance(features, jsonc.Object):
            for key, _ in features.members:
                if _on_docker_hub(key.text):
                    uses.append(ImageUse("feature", key.value, key.start + 1, key.end - 1))
        return uses


def _on_docker_hub(feature: str) -> bool:
    """A feature reference whose registry (its first segment, always) is Docker Hub."""
    registry, slash, _ = feature.partition("/")
    return bool(slash) and registry.lower() in HUB_ALIASES


def substitute(value: Value) -> Value:
    """`${localEnv:NAME:default}` -> its default (with origins); any other `${...}` unknown."""
    text = value.text
    if "${" not in text:
        return value
    out = Builder()
    at = 0
    while at < len(text):
        opening = text.find("${", at)
        closing = text.find("}", opening + 2) if opening != -1 else -1
        if opening == -1 or closing == -1:
            break
        for index in range(at, opening):
            out.add(text[index], value.origins[index])
        inner = text[opening + 2 : closing]
        parts = inner.split(":")
        name = parts[1] if len(parts) > 1 else parts[0]
        if parts[0] in ENV_VARIABLES and len(parts) > 2:
            default_start = opening + 2 + len(parts[0]) + len(parts[1]) + 2
            default = Value(parts[2], value.origins[default_start : default_start + len(parts[2])], (name,))
            out.extend(default)
        else:
            out.add_unknown(text[opening : closing + 1], name)
        at = closing + 1
    for index in range(at, len(text)):
        out.add(text[index], value.origins[index])
    return out.build()


def parse(source: SourceText) -> DevcontainerDocument:
    return DevcontainerDocument(source)
