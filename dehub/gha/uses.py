"""Steps that use an action: `docker://` images, actions that pull by default (DH004), actions
that run an input's image, logins and builds.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..buildx import BakeSettings, context_image, output_effect, strip
from ..fields import driver_opt_image
from ..pipeline import BUILDKIT_DEFAULT_IMAGE, BUILDKIT_IMAGE_DRIVERS, ECR_PUBLIC, EventKind, JobRun, Phase
from ..tracked import INDEX_BASE, Tracked
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
        cut = len(DOCKER_SCHEME)
        image_written = Value(written.text[cut:], written.origins[cut:])
        for variant in ex.variants(written, scope):  # pulled before any step: what a step built is no help
            value = variant.value
            image = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
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
            for variant in ex.variants(qemu_image, scope):
                run.pull("qemu-image", variant.value, index, Phase.STEP, written=qemu_image)
    elif name in actions.IMAGE_INPUTS:
        input_image = given(actions.IMAGE_INPUTS[name])
        if input_image is not None:
            for variant in ex.variants(input_image, scope):
                run.step_pull("gha-action-input", variant.value, index, written=input_image)
    elif name == actions.BUILD_PUSH:
        _read_build_push(run, index, given, scope)
    elif name == actions.BAKE:
        _read_bake(run, index, given, scope)
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
    """setup-buildx: the builder it creates (selected unless `use: false`; `install: true`
    makes `docker build` use it) and the BuildKit image that builder pulls."""
    driver = given("driver")
    driver_name = ex.substitute(driver, scope).text.strip() if driver is not None else "docker-container"
    name = given("name")
    builder = ex.substitute(name, scope) if name is not None else None
    use = given("use")
    selects = use is None or ex.substitute(use, scope).text.strip().lower() != "false"
    run.new_builder(driver_name, builder.text.strip() if builder is not None and builder.is_known else "", selects)
    if _is_true(given("install"), scope):
        run.installed = True
    if driver_name not in BUILDKIT_IMAGE_DRIVERS:
        return  # the docker driver uses the daemon's BuildKit; remote connects to a running one
    opts = given("driver-opts")
    found = False
    if opts is not None:
        for tracked in ex.variants(opts, scope):
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


def _read_build_push(run: JobRun, index: int, given: Callable[[str], Value | None], scope: ex.Scope) -> None:
    """build-push-action: its `build-contexts` images are pulled when it builds; its `tags`
    are local afterwards when the build loads them (`load: true`, `outputs: type=docker`, or
    the docker driver without `push: true`)."""
    driver = _builder_driver(run, given("builder"), scope)
    contexts = given("build-contexts")
    if contexts is not None:
        for tracked in ex.variants(contexts, scope):
            for line in _lines(tracked.indexed):
                image = context_image(line)
                if image is not None:
                    _context(run, index, tracked, strip(image), driver, contexts)
    load = _is_true(given("load"), scope)
    away = _is_true(given("push"), scope)
    outputs = given("outputs")
    if outputs is not None:
        for line in _lines(ex.substitute(outputs, scope)):
            loads, sends = output_effect(line)
            load, away = load or loads, away or sends
    tags = given("tags")
    if tags is not None:  # one per line, or comma-separated
        text = ex.substitute(tags, scope).text.replace(",", "\n")
        run.built([tag for tag in text.split("\n") if tag.strip()], driver, load, away)


def _read_bake(run: JobRun, index: int, given: Callable[[str], Value | None], scope: ex.Scope) -> None:
    """bake-action: what its `set` overrides say (`*.contexts.NAME=docker-image://REF`,
    `*.tags=...`, `*.output=...`) with `load` and `push`; the bake files and their targets are
    not read, so images they name are not seen."""
    driver = _builder_driver(run, given("builder"), scope)
    settings = BakeSettings()
    overrides = given("set")
    if overrides is not None:
        for tracked in ex.variants(overrides, scope):
            variant = BakeSettings()
            for line in _lines(tracked.indexed):
                variant.add(line)
            for image in variant.contexts:
                _context(run, index, tracked, image, driver, overrides)
            settings = variant  # tags and outputs: the last variant's (they rarely differ)
    load = settings.load or _is_true(given("load"), scope)
    away = settings.away or _is_true(given("push"), scope)
    run.built([tag.text for tag in settings.tags if tag.is_known], driver, load, away)


def _context(run: JobRun, index: int, tracked: Tracked, image: Value, driver: str, written: Value) -> None:
    """A `docker-image://` context found in an input's substituted text (`tracked.indexed`)."""
    span = tracked.word_span(image, INDEX_BASE)
    if span is None:  # no place of its own (an escape's result): point at the input
        known = [origin for origin in written.origins if origin >= 0]
        span = (known[0], known[-1] + 1) if known else (0, 0)
    run.context(tracked.restore(image), index, driver, span)


def _builder_driver(run: JobRun, builder: Value | None, scope: ex.Scope) -> str:
    """The driver of the builder an action's `builder:` input names (the selected one if none)."""
    if builder is None:
        return run.build_driver("", True)
    name = ex.substitute(builder, scope)
    if not name.text.strip():
        return run.build_driver("", True)
    return run.build_driver(name.text.strip() if name.is_known else "?", True)


def _lines(value: Value) -> list[Value]:
    """An action input's list: one item per line, blank lines skipped, as the docker actions
    read `build-contexts`, `set` and `outputs` (commas do not separate these)."""
    out = []
    start = 0
    text = value.text
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = strip(Value(text[start:end], value.origins[start:end], value.variables, value.unresolved))
        if line.text:
            out.append(line)
        start = end + 1
    return out


def _is_true(value: Value | None, scope: ex.Scope) -> bool:
    return value is not None and ex.substitute(value, scope).text.strip().lower() == "true"


def _driver_opt_images(opts: Value) -> list[Value]:
    """`image=` values in setup-buildx's `driver-opts`: one `--driver-opt` per line."""
    images = []
    start = 0
    text = opts.text
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        image = driver_opt_image(strip(Value(text[start:end], opts.origins[start:end])))
        if image is not None:
            images.append(strip(image))
        start = end + 1
    return images
