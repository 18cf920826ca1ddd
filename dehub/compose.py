"""Compose files (`compose.yaml`, `docker-compose*.yml`, ...): the images the services run.

What compose pulls, and what dehub reads for it:
- `services.<name>.image`, unless the service is built: an `image:` beside `build:` names the
  image compose builds and tags, and is pulled only when `pull_policy` says so (`always`,
  `missing`/`if_not_present`, `daily`, `weekly`, `every_<duration>`); `pull_policy: build`
  and `never` never pull. A service that runs the image another service builds (the same
  `image:` text) is not a pull either, unless its own `pull_policy` says it is: compose ignores
  a failed pull of an image it builds.
  `extends:` is followed within the file (`service:`); a base in another `file:` is not
  read, so what it adds (a `build:`, an `image:`) is not known.
- `services.<name>.volumes[]` of `type: image` (the volume's `source` is an image compose pulls);
- `services.<name>.build.additional_contexts` values `docker-image://<image>` (BuildKit pulls them);
- `services.<name>.build.dockerfile_inline`, read as a Dockerfile (`FROM`, `COPY --from`,
  mounts) with the known `build.args`; its offsets map back to the compose file.

Values are interpolated as compose does (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`, nested defaults). dehub reads
neither the environment nor `.env`: a variable is unknown, and its default, when it has one,
is taken as its value (the fix then edits the default). Anchors, aliases and `<<` merge keys
(`x-*` extension fields) are read where the text is written, so a finding and its fix land in
the anchor. Not read: top-level `include:` (other files), `models:` (AI models the Docker
Model Runner fetches, not container images), `configs`/`secrets`/`networks`/`volumes`
(no images), `build.cache_from`.
"""

from __future__ import annotations

from . import yamlsource as ys
from .expand import NAME_CHARS, NAME_START
from .imageuse import ImageUse
from .source import SourceText
from .value import SYNTHETIC, UNKNOWN, Builder, Value
from .yamldoc import YamlDocument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

TOP_LEVEL_KEYS = frozenset(("version", "name", "services", "networks", "volumes", "configs", "secrets", "include",
                            "models"))  # fmt: skip
# The compose specification's service attributes, and those of the older file formats
SERVICE_KEYS = frozenset((
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
    "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "dockerfile", "domainname", "entrypoint",
    "env_file", "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add",
    "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file", "labels", "links", "log_driver",
    "log_opt", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
    "models", "net", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit",
    "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "provider", "pull_policy",
    "pull_refresh_after", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size",
    "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits",
    "use_api_socket", "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from", "working_dir",
))  # fmt: skip
SERVICE_MARKS = frozenset(("image", "build", "extends"))  # a sniffed service names one of these
BUILT_PULLS = frozenset(("always", "missing", "if_not_present", "daily", "weekly"))  # pull a built image too
NEVER_PULLS = frozenset(("never", "build"))
DOCKER_IMAGE_SCHEME = "docker-image://"
RESET_TAG = "!reset"  # compose's merge tag: the key is removed (`!override` replaces, read as written)
EXTENDS_DEPTH = 20
MAX_NESTING = 32  # `${A:-${B:-...}}` deeper than this is left unknown


def sniff(text: str) -> bool:
    """A compose file has top-level `services:` (a mapping of services with `image:`, `build:` or
    `extends:`) and only the top-level keys compose allows (`version`, `name`, `networks`,
    `volumes`, `configs`, `secrets`, `include`, `models`, `x-*`).

    Every service key must be one compose knows and each `image:` a plain value (not a
    `{{ template }}`), so a CI file (GitLab's `services:` list, Woodpecker's `steps:`, Drone's
    `kind: pipeline`, CircleCI's `jobs:`, Bitbucket's `pipelines:`, Azure's `stages:`), a
    Helm template or a data file that happens to have a `services:` key is not taken for one.
    """
    keys = ys.top_level_keys(text) - {""}  # an empty line reads as the key ""
    if "services" not in keys or not all(key in TOP_LEVEL_KEYS or key.startswith("x-") for key in keys):
        return False
    roots, problem = ys.compose_documents(text)
    if problem is not None or len(roots) != 1:
        return False
    root = roots[0]
    if not all(key in TOP_LEVEL_KEYS or key.startswith("x-") for key, _, _ in ys.mapping_items(root)):
        return False
    services = ys.mapping_items(ys.mapping_get(root, "services"))
    if not services:
        return False
    for _, _, service in services:
        keys = {key for key, _, _ in ys.mapping_items(service)}
        if not ys.is_mapping(service) or not all(key in SERVICE_KEYS or key.startswith("x-") for key in keys):
            return False
        image = ys.mapping_get(service, "image")
        if image is not None and (not ys.is_scalar(image) or "{{" in (ys.scalar_text(image) or "")):
            return False  # `image: {{ .Values.image }}`: a template, not compose
    return any(SERVICE_MARKS & {key for key, _, _ in ys.mapping_items(service)} for _, _, service in services)


# --- interpolation ---------------------------------------------------------------------------


class InterpolationError(ValueError):
    """Text compose refuses to interpolate (`${` without `}`, `${1X}`)."""


def interpolate(value: Value, depth: int = 0) -> Value:
    """`value` with compose's `$` substitutions made: characters keep their origins, `$$` is a
    (SYNTHETIC) `$`, a variable is unknown (shown as written) unless a default stands for it."""
    text, origins = value.text, value.origins
    out = Builder()
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 2]
        if char != "$" or not following:
            out.add(char, origins[index])
            index += 1
        elif following == "$":
            out.add("$", SYNTHETIC)
            index += 2
        elif following in NAME_START:
            end = _name_end(text, index + 1)
            name = text[index + 1 : end]
            out.variables.append(name)
            out.add_unknown(text[index:end], name)
            index = end
        elif following == "{":
            end = _closing_brace(text, index)
            _braced(text[index:end], Value(text[index:end], origins[index:end]), out, depth)
            index = end
        else:  # `$` before anything else is itself, as compose leaves it
            out.add(char, origins[index])
            index += 1
    return out.build()


def _name_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in NAME_CHARS:
        end += 1
    return end


def _closing_brace(text: str, start: int) -> int:
    """The offset after the `}` closing the `${` at `start` (nested `${` counted, as compose does)."""
    depth = 0
    index = start
    while index < len(text):
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        elif text.startswith("${", index):
            depth += 1
            index += 1
        index += 1
    raise InterpolationError(f"`{text[start:]}` has no closing `}}`")


def _braced(written: str, value: Value, out: Builder, depth: int) -> None:
    """`${NAME}`, `${NAME<op><word>}` (the `}` included in `written`)."""
    end = _name_end(written, 2)
    name = written[2:end]
    if not name or written[2] not in NAME_START:
        raise InterpolationError(f"`{written}` is not a variable compose can substitute")
    out.variables.append(name)
    rest = written[end:-1]
    operator = rest[:2] if rest[:2] in (":-", ":?", ":+") else rest[:1]
    if rest and operator not in (":-", ":?", ":+", "-", "?", "+"):
        raise InterpolationError(f"`{written}` is not a variable compose can substitute")
    if operator in (":-", "-") and depth < MAX_NESTING:
        start = end + len(operator)
        default = interpolate(Value(written[start:-1], value.origins[start:-1]), depth + 1)
        out.extend(default)
    else:  # unknown: `${NAME}`, `${NAME:?err}`, `${NAME:+alt}` (alt or nothing, by whether it is set)
        out.add_unknown(written, name)


# --- the document ----------------------------------------------------------------------------


class ComposeDocument(YamlDocument):
    kind = "compose"

    def __init__(self, source: SourceText) -> None:
        self.uses: list[ImageUse] = []
        self._seen: set[tuple[str, int]] = set()  # (site, node) already reported
        super().__init__(source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.uses

    def read(self, root: Node) -> None:
        services = ys.mapping_get(root, "services")
        if services is None and ys.mapping_get(root, "version") is None:
            services = root  # the first file format: services at the top level
        if not ys.is_mapping(services):
            return
        entries = [
            service
            for name, _, service in ys.mapping_items(services)
            if ys.is_mapping(service) and not (services is root and name.startswith("x-"))
        ]
        built = set()  # the images services build: another service that names one runs the build
        for service in entries:
            image = _lookup(services, service, "image")
            build = _lookup(services, service, "build")
            if image is not None and build is not None and not ys.is_null(build) and not self.pulled(services, service):
                built.add(self.text(image))
        for service in entries:
            self.service(services, service, built)

    def service(self, services: Node, service: Node, built: set[str | None]) -> None:
        image = _lookup(services, service, "image")
        if (
            image is not None
            and self.pulled(services, service)
            and (self.text(image) not in built or self.policy(services, service) in BUILT_PULLS)
        ):
            self.image("image", image)
        volumes = _lookup(services, service, "volumes")
        if ys.is_sequence(volumes):
            for volume in volumes.value:
                kind = self.text(ys.mapping_get(volume, "type"))
                if kind is not None and kind.strip().lower() == "image":
                    self.image("volume-image", ys.mapping_get(volume, "source"))
        build = _lookup(services, service, "build")
        contexts = ys.mapping_get(build, "additional_contexts")
        if ys.is_mapping(contexts):
            for _, _, context in ys.mapping_items(contexts):
                self.image("build-context", context, DOCKER_IMAGE_SCHEME)
        elif ys.is_sequence(contexts):
            for item in contexts.value:
                self.image("build-context", item, DOCKER_IMAGE_SCHEME, "=")
        self.inline_dockerfile(build)

    def inline_dockerfile(self, build: Node | None) -> None:
        """`build.dockerfile_inline`: a Dockerfile written in the compose file, read as one (its
        `FROM` images, `COPY --from`, mounts), with the service's `build.args` as build arguments;
        offsets map back through the scalar (and compose's interpolation) to the file."""
        node = ys.mapping_get(build, "dockerfile_inline")
        written = self.value(node)
        if node is None or written is None or ("inline", id(node)) in self._seen:
            return
        self._seen.add(("inline", id(node)))
        try:
            inline = interpolate(written)
        except InterpolationError:
            return
        from .dockerfile import parse as parse_dockerfile

        origins = inline.origins
        fallback = written.source_span() or ys.span(node)
        for use in parse_dockerfile(SourceText(inline.text)).image_uses(self.build_args(build)):
            value = use.value
            mapped = [origins[origin] if 0 <= origin < len(origins) else origin for origin in value.origins]
            span = _written_span(origins, use.start, use.end, fallback)
            moved = Value(value.text, mapped, value.variables, value.unresolved)
            if UNKNOWN in origins[use.start : use.end]:  # compose substitutes its own variable here first
                shown = inline.text[use.start : use.end]
                here = [name for name in inline.unresolved if name in shown]  # this image's, not the block's
                moved = Value(shown, [UNKNOWN] * len(shown), tuple(name for name in inline.variables if name in shown),
                              tuple(here or inline.unresolved))  # fmt: skip
            self.uses.append(ImageUse(use.site, moved, span[0], span[1], use.problem))

    def build_args(self, build: Node | None) -> dict[str, str]:
        """`build.args` whose values are known (a mapping, or a list of `NAME=value`)."""
        args = ys.mapping_get(build, "args")
        written: list[tuple[str, Value | None]] = []
        if ys.is_mapping(args):
            written = [(name, self.value(value)) for name, _, value in ys.mapping_items(args)]
        elif ys.is_sequence(args):
            for item in args.value:
                entry = self.value(item)
                cut = entry.text.find("=") if entry is not None else -1
                if entry is not None and cut > 0:
                    written.append((entry.text[:cut], Value(entry.text[cut + 1 :], entry.origins[cut + 1 :])))
        out = {}
        for name, value in written:
            try:
                known = interpolate(value) if value is not None else None
            except InterpolationError:
                continue
            if known is not None and known.is_known:
                out[name] = known.text
        return out

    def pulled(self, services: Node, service: Node) -> bool:
        """Whether compose pulls the service's `image:` (rather than building it, or never)."""
        policy = self.policy(services, service)
        if policy in NEVER_PULLS:
            return False
        build = _lookup(services, service, "build")
        return build is None or ys.is_null(build) or policy in BUILT_PULLS

    def policy(self, services: Node, service: Node) -> str:
        """The service's `pull_policy`, lower case; `every_<duration>` reads as `daily` (it pulls)."""
        policy = (self.text(_lookup(services, service, "pull_policy")) or "").strip().lower()
        return "daily" if policy.startswith("every_") else policy

    def text(self, node: Node | None) -> str | None:
        """A scalar's interpolated text (unknown parts as written); None when there is none."""
        written = self.value(node)
        if written is None:
            return None
        try:
            return interpolate(written).text
        except InterpolationError:
            return written.text

    def image(self, site: str, node: Node | None, scheme: str = "", separator: str = "") -> None:
        """The image a scalar names (after `<key><separator>` and `scheme`, which must be there
        when given), interpolated; each written scalar once."""
        written = self.value(node)
        if node is None or written is None or (site, id(node)) in self._seen:
            return
        if separator:  # `name=docker-image://...` in a list of build contexts
            cut = written.text.find(separator)
            if cut < 0:
                return
            written = Value(written.text[cut + 1 :], written.origins[cut + 1 :])
        if scheme:
            if not written.text.startswith(scheme):
                return
            written = Value(written.text[len(scheme) :], written.origins[len(scheme) :])
        self._seen.add((site, id(node)))
        span = written.source_span() or ys.span(node)
        try:
            value = interpolate(written)
        except InterpolationError as err:
            self.uses.append(ImageUse(site, written, span[0], span[1], f"compose cannot interpolate it: {err}"))
            return
        if not value.text.strip():
            if not value.variables:
                return  # an empty image is no pull
            builder = Builder()  # `${IMAGE:-}`: nothing unless the variable is set
            builder.variables.extend(value.variables)
            builder.add_unknown(written.text, value.variables[0])
            value = builder.build()
        self.uses.append(ImageUse(site, value, span[0], span[1]))


def _written_span(origins: list[int], start: int, end: int, fallback: tuple[int, int]) -> tuple[int, int]:
    """Where the text [start, end) of an interpolated value was written in the file. Its ends may
    have no offsets (a `$$` compose turns into `$`, a variable it substitutes): the span then
    runs from after the placed character before it, up to the placed one after it."""
    placed = [origin for origin in origins[start:end] if origin >= 0]
    first = origins[start] if start < end and origins[start] >= 0 else None
    last = origins[end - 1] + 1 if start < end and origins[end - 1] >= 0 else None
    if first is None:
        first = next((origins[index] + 1 for index in range(start - 1, -1, -1) if origins[index] >= 0), None)
    if last is None:
        last = next((origins[index] for index in range(end, len(origins)) if origins[index] >= 0), None)
    if first is not None and last is not None and first < last and all(first <= o < last for o in placed):
        return first, last
    return (min(placed), max(placed) + 1) if placed else fallback


def _lookup(services: Node, service: Node, key: str) -> Node | None:
    """The service's `key`, or the one it `extends` from a service in this file (a base in
    another `file:` is not read)."""
    seen: set[int] = set()
    current: Node | None = service
    for _ in range(EXTENDS_DEPTH):
        if current is None or id(current) in seen:
            return None
        seen.add(id(current))
        found = ys.mapping_get(current, key)
        if found is not None:
            return None if found.tag == RESET_TAG else found  # `build: !reset null` takes the key away
        current = _extended(services, current)
    return None


def _extended(services: Node, service: Node) -> Node | None:
    extends = ys.mapping_get(service, "extends")
    if ys.is_scalar(extends):  # `extends: web`, the short form
        return ys.mapping_get(services, ys.scalar_text(extends) or "")
    if not ys.is_mapping(extends):
        return None
    other_file = ys.mapping_get(extends, "file")
    if other_file is not None and not ys.is_null(other_file):
        return None
    name = ys.scalar_text(ys.mapping_get(extends, "service"))
    return ys.mapping_get(services, name) if name else None


def parse(source: SourceText) -> ComposeDocument:
    return ComposeDocument(source)
