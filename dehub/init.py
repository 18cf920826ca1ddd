"""`dehub init`: a first `.dehub.yaml` that lets a tree adopt dehub in one step.

It allows what dehub cannot move by itself: Docker Hub images with no known mirror (DH002)
and the images actions pull by default (DH004: setup-buildx's BuildKit, setup-qemu's binfmt).
What is left for `dehub check` is what `dehub check --fix` moves (DH001). Each allowed image
comes with where it is used and, commented out, the `mirror.map` entry that would move it, so
the file is also the to-do list for finishing the move.
"""

from __future__ import annotations

import os

from .findings import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import ConfigFinder
    from .policy import Policy
    from .reference import Reference

MIRROR_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/{path}"
MAX_PLACES = 5  # places listed per image; the rest are counted
WIDTH = 99  # columns of a comment line
SETTLED = ("DH002", "DH004")  # the codes `allow` entries settle

HEADER = """\
# dehub's configuration for this tree, written by `dehub init`.
#
# `allow` lists the images this tree pulls from Docker Hub that dehub cannot move by itself:
# no mirror of them is known, or an action pulls them without naming them. With them allowed,
# `dehub check` reports only what `dehub check --fix` moves to the mirror.
#
# Allowed images are still pulled from Docker Hub. To move one, copy it to a registry you
# control (an ECR pull-through cache, `crane copy`, ...), delete its entry, add the mapping
# shown below it (all mappings under one top-level `mirror: map:`), and run `dehub check`,
# then `dehub check --fix`. Other settings: README.md, "Configuration".
"""


class Allowed:
    """One image to allow: its name, why it cannot be moved, and where it is pulled."""

    __slots__ = ("name", "reasons", "places")

    def __init__(self, name: str) -> None:
        self.name = name  # the Docker Hub name, e.g. myorg/app
        self.reasons: list[tuple[str, str]] = []  # (code, why)
        self.places: list[str] = []  # path:line


def governed_findings(
    paths: list[str], here: str, finder: ConfigFinder, mirror: str | None = None
) -> tuple[list[Finding], dict[str, int]]:
    """The default configuration's findings (with the mirror target `mirror`, from `--mirror`)
    in the files a new configuration in `here` would govern, and how many files below keep a
    configuration of their own (by that file). ConfigError when the target needs parameters."""
    from .discover import discover
    from .kinds import SNIFF
    from .lint import Settings
    from .runner import CHECK, check_files

    inside = here.rstrip(os.sep) + os.sep
    governed = []
    kept: dict[str, int] = {}
    for target in discover(paths, excluded=lambda path: False, force_exclude=False, kind=None):
        config = finder.for_file(target.path)
        if config is not None and os.path.dirname(config).startswith(inside):
            if target.kind != SNIFF or _sniffed(target.path):  # a YAML file of no kind is not kept
                kept[config] = kept.get(config, 0) + 1
        else:
            governed.append(target)
    settings = Settings(None, mirror=mirror)
    results = check_files([(target.path, target.kind, settings) for target in governed], CHECK)
    return [finding for result in results for finding in result.findings], kept


def _sniffed(path: str) -> bool:
    """Whether a file a folder walk took to be told by content (`kinds.SNIFF`) is a kind dehub reads."""
    from .config import DEFAULT_MAX_FILE_SIZE
    from .kinds import kind_for_text
    from .runner import ReadError, read_source

    try:
        source, _ = read_source(path, DEFAULT_MAX_FILE_SIZE)
    except ReadError:
        return False
    return kind_for_text(source.text, path, walked=True) is not None


def allowed_images(
    findings: list[Finding], relative: Callable[[str], str], policy: Policy | None = None
) -> list[Allowed]:
    """The images to allow for the DH002 and DH004 findings; `relative(path)` names their places;
    `policy` is the one the findings were decided with (it says why an image has no mirror).

    An image is allowed by name (every tag), unless other tags of it have a mirror and are
    reported as DH001 here: then by name and tag, so that allowing it hides no fixable pull.
    """
    from .policy import Policy
    from .reference import ReferenceError, parse

    def reference(finding: Finding) -> Reference | None:
        try:
            return parse(finding.canonical or finding.image or "")
        except ReferenceError:
            return None

    movable = {ref.familiar_name for f in findings if f.code == "DH001" and (ref := reference(f)) is not None}
    policy = policy or Policy()
    found: dict[str, Allowed] = {}
    for finding in findings:
        ref = reference(finding) if finding.code in SETTLED else None
        if ref is None:
            continue
        name = ref.familiar_name
        if name in movable:
            name += f"@{ref.digest}" if ref.digest and not ref.tag else f":{ref.tag or 'latest'}"
        entry = found.get(name)
        if entry is None:
            entry = found[name] = Allowed(name)
        if finding.code == "DH004":
            reason = ("DH004", f"`{finding.site}` pulls it by default")
        else:
            reason = ("DH002", policy.decide(ref, finding.kind or "").reason or "no known mirror")
        if reason not in entry.reasons:
            entry.reasons.append(reason)
        place = f"{relative(finding.path)}:{finding.line}"
        if place not in entry.places:
            entry.places.append(place)
    return sorted(found.values(), key=lambda entry: entry.name)


def render(images: list[Allowed], mirror: str | None = None) -> str:
    """The `.dehub.yaml` text: the header, the mirror target (`--mirror`), then one commented
    `allow` entry per image."""
    lines = [HEADER, "\n"]
    if mirror is not None:
        lines.append(f"mirror:\n  target: {mirror}\n\n")
    if not images:
        lines.append("allow: []  # nothing to allow: every Docker Hub pull here has a known mirror\n")
        return "".join(lines)
    lines.append("allow:\n")
    for number, image in enumerate(images):
        if number:
            lines.append("\n")
        for code, reason in image.reasons:
            lines.extend(_comment(f"{image.name} ({code}): {reason}"))
        places = ", ".join(image.places[:MAX_PLACES])
        more = len(image.places) - MAX_PLACES
        lines.extend(_comment(f"used in {places}" + (f" and {more} more" if more > 0 else "")))
        lines.append("  # to move it instead: copy it, delete this entry and map it:\n")
        lines.append("  #   mirror:\n")
        lines.append("  #     map:\n")
        lines.append(f'  #       "{image.name}": "{MIRROR_EXAMPLE}"\n')
        if any(code == "DH004" for code, _ in image.reasons):
            lines.append("  # then `dehub check` names the exact input to set on each step that pulls it\n")
        lines.append(f'  - "{image.name}"\n')
    return "".join(lines)


def _comment(text: str) -> list[str]:
    """`text` as comment lines of at most WIDTH columns (longer words stay whole)."""
    import textwrap

    wrapped = textwrap.wrap(_printable(text), WIDTH - 4, subsequent_indent="  ", break_long_words=False,
                            break_on_hyphens=False)  # fmt: skip
    return [f"  # {line}\n" for line in wrapped]


def _printable(text: str) -> str:
    """Text for a YAML comment: a control character (a newline in a file name) would end it."""
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def remaining(findings: list[Finding]) -> dict[str, int]:
    """Findings the new configuration leaves, counted per code (and `DH001 unsafe`)."""
    counts: dict[str, int] = {}
    for finding in findings:
        if finding.code in SETTLED:
            continue
        label = finding.code
        if finding.code == "DH001" and finding.fixable != "safe":
            label = "DH001 (unsafe fix)" if finding.fixable == "unsafe" else "DH001 (no automatic fix)"
        counts[label] = counts.get(label, 0) + 1
    return counts


def summary(images: list[Allowed], findings: list[Finding]) -> list[str]:
    """What the new configuration does, in a few lines for the person who ran `dehub init`."""
    without_mirror = sum(1 for image in images if any(code == "DH002" for code, _ in image.reasons))
    by_action = sum(1 for image in images if any(code == "DH004" for code, _ in image.reasons))
    parts = []
    if without_mirror:
        parts.append(f"{without_mirror} with no known mirror")
    if by_action:
        parts.append(f"{by_action} pulled by an action by default")
    allowed = f"{len(images)} image{'' if len(images) == 1 else 's'} allowed"
    lines = [allowed + (f" ({', '.join(parts)})" if parts else "")]
    left = remaining(findings)
    fixable = left.pop("DH001", 0)
    total = fixable + sum(left.values())
    if not total:
        lines.append("`dehub check` now reports nothing.")
        return lines
    what = f"`dehub check` now reports {total} finding{'' if total == 1 else 's'}"
    if not left:
        lines.append(f"{what}, all fixable with `dehub check --fix`.")
        return lines
    others = ", ".join(f"{count} {label}" for label, count in sorted(left.items()))
    lines.append(
        f"{what}: {fixable} fixable with `dehub check --fix`; {others} that `dehub init` does not settle "
        "(`dehub explain CODE` says what to do)."
    )
    return lines
