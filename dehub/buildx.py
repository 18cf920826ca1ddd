"""What buildx options, and the inputs of the docker actions that pass them, mean for pulls.

Shared by every reader that meets a build: the shell reader (`docker buildx build
--build-context`, `--output`, `docker buildx bake --set`) and the GitHub action reader
(`docker/build-push-action`'s `build-contexts` and `outputs`, `docker/bake-action`'s `set`).

A build context `name=docker-image://REF` makes BuildKit pull REF when the build runs (the
`docker-image://` prefix is the scheme, not part of the image); other contexts (a folder,
`target:NAME`, `oci-layout://`, a git or `https://` URL) pull nothing. An output of
`type=docker` loads the result into the Docker daemon's image store; any other output (a
registry push, files) sends it elsewhere.
"""

from __future__ import annotations

from .fields import csv_fields, key_value
from .value import Value

DOCKER_SCHEMES = ("docker-image://",)
# podman and buildah also take these for an image context (buildah-build(1) --build-context)
PODMAN_SCHEMES = ("docker-image://", "container-image://", "docker://")


def _slice(value: Value, start: int, end: int) -> Value:
    return Value(value.text[start:end], value.origins[start:end], value.variables, value.unresolved)


def strip(value: Value) -> Value:
    """The value without the blanks around it, each character keeping its origin."""
    text = value.text
    start, end = 0, len(text)
    while start < end and text[start] in " \t\r\n":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return _slice(value, start, end)


def context_image(definition: Value, schemes: tuple[str, ...] = DOCKER_SCHEMES) -> Value | None:
    """The image of a build context `name=docker-image://REF` (REF, with its origins); None
    for any other context, or a definition without `=`."""
    equals = definition.text.find("=")
    if equals <= 0:
        return None
    return scheme_image(_slice(definition, equals + 1, len(definition.text)), schemes)


def scheme_image(source: Value, schemes: tuple[str, ...] = DOCKER_SCHEMES) -> Value | None:
    """REF of `docker-image://REF`, or None for another kind of source."""
    source = strip(source)
    for scheme in schemes:
        if source.text.startswith(scheme):
            return _slice(source, len(scheme), len(source.text))
    return None


def output_effect(output: Value) -> tuple[bool, bool]:
    """(loads, sends away) for one `--output` value: `type=docker` (without `dest=`) loads the
    result into the image store; `type=registry`, `type=image`, files (`type=local`, `tar`,
    `oci`, a bare path, `-`) send it elsewhere. An unknown type does neither."""
    text = output.text.strip()
    if "=" not in text:
        return False, bool(text)  # `-o ./out` is type=local, `-o -` a tar on standard output
    kind = ""
    dest = False
    for field in csv_fields(output):
        key, value = key_value(field)
        if key == "type" and value is not None:
            kind = value.text.strip().lower()
        elif key == "dest":
            dest = True
    if kind == "docker":
        return (not dest), dest
    return False, kind in ("registry", "image", "local", "tar", "oci", "cacheonly")


def bake_override(line: Value) -> tuple[str, str, Value] | None:
    """(target pattern, lower-cased key, value) of a bake `--set` override, such as
    `*.tags=app:ci`, `app.contexts.base=docker-image://node:20` or `*.tags+=x`; None when
    the line is not one."""
    text = line.text
    equals = text.find("=")
    dot = text.find(".")
    if equals <= 0 or dot <= 0 or dot > equals:
        return None
    key_end = equals - 1 if text[equals - 1] == "+" else equals
    pattern = text[:dot].strip()
    key = text[dot + 1 : key_end].strip().lower()
    return pattern, key, _slice(line, equals + 1, len(text))


class BakeSettings:
    """What a bake's `--set` overrides say about pulls and local images."""

    __slots__ = ("contexts", "tags", "load", "away")

    def __init__(self) -> None:
        self.contexts: list[Value] = []  # `docker-image://` context images, in order
        self.tags: list[Value] = []
        self.load = False
        self.away = False

    def add(self, line: Value) -> None:
        override = bake_override(line)
        if override is None:
            return
        _, key, value = override
        if key.startswith("contexts."):
            image = scheme_image(value)
            if image is not None:
                self.contexts.append(image)
        elif key == "tags":
            tag = strip(value)
            if tag.text:
                self.tags.append(tag)
        elif key == "output":
            loads, away = output_effect(value)
            self.load = self.load or loads
            self.away = self.away or away
        elif key == "push" and value.text.strip().lower() == "true":
            self.away = True
