"""Steps that use an action: `docker://` images, actions that pull by default (DH004), actions
that run an input's image, logins and builds.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..fields import driver_opt_image
from ..imageuse import ImageUse
from ..value import Value
from . import actions
from . import expressions as ex
from .model import STEP, Event, HiddenPull, Job, PullContext
from .scripts import local_name

DOCKER_SCHEME = "docker://"


class UsesReader:
    """Mixed into GhaDocument: reads a step's `uses:` and `with:`."""

    def _read_uses(
        self,
        job: Job,
        index: int,
        step: object,
        node: object,
        scope: ex.Scope,
        uses: list[ImageUse],
        first: bool,
        local: set[str],
    ) -> None:
        written = self.value(node)
        if written is None:
            return
        if written.text.startswith(DOCKER_SCHEME):
            value = ex.substitute(written, scope)
            cut = len(DOCKER_SCHEME)
            image = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
            image_written = Value(written.text[cut:], written.origins[cut:])
            self._add(uses, "gha-docker-uses", image, image_written, PullContext(job, index, self.docker_uses_phase))
            return
        name = actions.action_name(written.text)
        with_node = ys.mapping_get(step, "with")
        with_node = with_node if with_node is not None and ys.is_mapping(with_node) else None

        def given(key: str) -> Value | None:
            found = ys.mapping_get(with_node, key) if with_node is not None else None
            return self.value(found)

        span = ys.span(node)
        if name == actions.SETUP_BUILDX:
            self._read_buildx(job, index, span, given, scope, uses)
        elif name == actions.SETUP_QEMU:
            image = given("image")
            if image is None:
                setting = "image: <a copy of tonistiigi/binfmt>"
                job.hidden.append(HiddenPull(job, index, name, span, actions.QEMU_DEFAULT_IMAGE, setting))
            else:
                self._add(uses, "qemu-image", ex.substitute(image, scope), image, PullContext(job, index, STEP))
        elif name in actions.IMAGE_INPUTS:
            image = given(actions.IMAGE_INPUTS[name])
            if image is not None:
                value = ex.substitute(image, scope)
                if not local or local_name(value.text) not in local:
                    self._add(uses, "gha-action-input", value, image, PullContext(job, index, STEP))
        elif name == actions.BUILD_PUSH and (not _is_true(given("push")) or _is_true(given("load"))):
            tags = given("tags")
            if tags is not None:  # built into the local image store: a later `docker run` of it is no pull
                text = ex.substitute(tags, scope).text.replace(",", "\n")
                local.update(local_name(tag) for tag in text.split("\n") if tag.strip())
        if not first:
            return
        if name in (actions.SETUP_BUILDX, actions.SETUP_QEMU):
            return
        elif name == actions.ECR_LOGIN:
            registry_type = given("registry-type")
            if registry_type is not None and ex.substitute(registry_type, scope).text.strip().lower() == "public":
                job.events.append(Event(job, index, span, "login", actions.ECR_PUBLIC))
        elif name == actions.DOCKER_LOGIN:
            registry = given("registry")
            host = ex.substitute(registry, scope).text.strip().lower() if registry is not None else ""
            job.events.append(Event(job, index, span, "login", host))
        elif name in (actions.BUILD_PUSH, actions.BAKE):
            event = Event(job, index, span, "build")
            event.mentions_ecr_public = with_node is not None and any(
                actions.ECR_PUBLIC in (self.value(value) or Value("", [])).text
                for _, _, value in ys.mapping_items(with_node)
            )
            job.events.append(event)

    def _read_buildx(self, job, index, span_of_uses, given, scope, uses) -> None:  # noqa: ANN001
        driver = given("driver")
        driver_name = ex.substitute(driver, scope).text.strip() if driver is not None else "docker-container"
        if driver_name not in actions.BUILDX_IMAGE_DRIVERS:
            return  # the docker driver uses the daemon's BuildKit; remote connects to a running one
        opts = given("driver-opts")
        found = False
        if opts is not None:
            tracked = ex.substitute_tracked(opts, scope)
            for image in _driver_opt_images(tracked.indexed):
                found = True
                span = tracked.word_span(image, ex.INDEX_BASE)
                if span is None:  # no place of its own (an escape's result): point at the input
                    written = [origin for origin in opts.origins if origin >= 0]
                    span = (written[0], written[-1] + 1) if written else span_of_uses
                value = tracked.restore(image)
                self._add(uses, "buildx-driver-image", value, value, PullContext(job, index, STEP), span=span)
        if not found:
            setting = "driver-opts: image=<a copy of moby/buildkit>"
            default = actions.BUILDX_DEFAULT_IMAGE
            job.hidden.append(HiddenPull(job, index, actions.SETUP_BUILDX, span_of_uses, default, setting))


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
