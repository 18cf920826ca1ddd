"""Steps that use an action: `docker://` images, actions that pull by default (DH004), actions
that run an input's image, logins and builds.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..fields import driver_opt_image
from ..pipeline import BUILDKIT_DEFAULT_IMAGE, BUILDKIT_IMAGE_DRIVERS, ECR_PUBLIC, EventKind, JobRun, Phase
from ..tracked import INDEX_BASE
from ..value import Value
from . import actions
from . import expressions as ex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from yaml.nodes import Node

    from .document import GhaDocument

DOCKER_SCHEME = "docker://"


def read_uses(doc: GhaDocument, run: JobRun, index: int, step: Node, node: Node, scope: ex.Scope) -> None:
    """A step's `uses:` and `with:`: what the action pulls, logs in to or builds."""
    written = doc.value(node)
    if written is None:
        return
    if written.text.startswith(DOCKER_SCHEME):
        value = ex.substitute(written, scope)
        cut = len(DOCKER_SCHEME)
        image = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
        image_written = Value(written.text[cut:], written.origins[cut:])
        run.pull("gha-docker-uses", image, index, doc.docker_uses_phase, written=image_written)
        return
    name = actions.action_name(written.text)
    with_node = ys.mapping_get(step, "with")
    with_node = with_node if with_node is not None and ys.is_mapping(with_node) else None

    def given(key: str) -> Value | None:
        return doc.value(ys.mapping_get(with_node, key)) if with_node is not None else None

    span = ys.span(node)
    if name == actions.SETUP_BUILDX:
        _read_buildx(run, index, span, given, scope)
    elif name == actions.SETUP_QEMU:
        qemu_image = given("image")
        if qemu_image is None:
            setting = "image: <a copy of tonistiigi/binfmt>"
            run.hidden(index, name, span, actions.QEMU_DEFAULT_IMAGE, setting)
        else:
            run.pull("qemu-image", ex.substitute(qemu_image, scope), index, Phase.STEP, written=qemu_image)
    elif name in actions.IMAGE_INPUTS:
        input_image = given(actions.IMAGE_INPUTS[name])
        if input_image is not None:
            run.step_pull("gha-action-input", ex.substitute(input_image, scope), index, written=input_image)
    elif name == actions.BUILD_PUSH and (not _is_true(given("push")) or _is_true(given("load"))):
        tags = given("tags")
        if tags is not None:  # built into the local image store: a later `docker run` of it is no pull
            text = ex.substitute(tags, scope).text.replace(",", "\n")
            for tag in text.split("\n"):
                if tag.strip():
                    run.add_local(tag)
    if name == actions.ECR_LOGIN:
        registry_type = given("registry-type")
        if registry_type is not None and ex.substitute(registry_type, scope).text.strip().lower() == "public":
            run.event(index, span, EventKind.LOGIN, ECR_PUBLIC)
    elif name == actions.DOCKER_LOGIN:
        registry = given("registry")
        host = ex.substitute(registry, scope).text.strip().lower() if registry is not None else ""
        run.event(index, span, EventKind.LOGIN, host)
    elif name in (actions.BUILD_PUSH, actions.BAKE):
        mentions = with_node is not None and any(
            ECR_PUBLIC in (doc.value(value) or Value("", [])).text for _, _, value in ys.mapping_items(with_node)
        )
        run.event(index, span, EventKind.BUILD, mentions_ecr_public=mentions)


def _read_buildx(
    run: JobRun, index: int, span_of_uses: tuple[int, int], given: Callable[[str], Value | None], scope: ex.Scope
) -> None:
    driver = given("driver")
    driver_name = ex.substitute(driver, scope).text.strip() if driver is not None else "docker-container"
    if driver_name not in BUILDKIT_IMAGE_DRIVERS:
        return  # the docker driver uses the daemon's BuildKit; remote connects to a running one
    opts = given("driver-opts")
    found = False
    if opts is not None:
        tracked = ex.substitute_tracked(opts, scope)
        for image in _driver_opt_images(tracked.indexed):
            found = True
            span = tracked.word_span(image, INDEX_BASE)
            if span is None:  # no place of its own (an escape's result): point at the input
                written = [origin for origin in opts.origins if origin >= 0]
                span = (written[0], written[-1] + 1) if written else span_of_uses
            run.pull("buildx-driver-image", tracked.restore(image), index, Phase.STEP, span)
    if not found:
        setting = "driver-opts: image=<a copy of moby/buildkit>"
        run.hidden(index, actions.SETUP_BUILDX, span_of_uses, BUILDKIT_DEFAULT_IMAGE, setting)


def _is_true(value: Value | None) -> bool:
    return value is not None and value.text.strip().lower() == "true"


def _driver_opt_images(opts: Value) -> list[Value]:
    """`image=` values in setup-buildx's `driver-opts`: one `--driver-opt` per line."""
    images = []
    start = 0
    text = opts.text
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        image = driver_opt_image(_strip(Value(text[start:end], opts.origins[start:end])))
        if image is not None:
            images.append(_strip(image))
        start = end + 1
    return images


def _strip(value: Value) -> Value:
    text = value.text
    start, end = 0, len(text)
    while start < end and text[start] in " \t\r":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return Value(text[start:end], value.origins[start:end])
