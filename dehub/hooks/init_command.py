"""`dehub init`: write a `.dehub.yaml` that allows what dehub cannot move by itself."""

from __future__ import annotations

import os
import sys

from .args import Command, Option
from .common import EXIT_CLEAN, EXIT_ERROR, MIRROR_OPTION

INIT = Command(
    "dehub init [OPTIONS] [PATHS...]",
    "Write a .dehub.yaml that allows the Docker Hub images dehub cannot move by itself\n"
    "(no known mirror, or pulled by an action by default), so that `dehub check` reports\n"
    "only what `dehub check --fix` moves. Each entry says where the image is used and how\n"
    "to move it instead.",
    [
        Option("--force", help="overwrite this folder's existing configuration"),
        Option("--stdout", help="print the configuration instead of writing .dehub.yaml"),
        MIRROR_OPTION,
    ],
)


def init(argv: list[str]) -> int:
    """Write `.dehub.yaml` here: `allow` entries for today's DH002 and DH004 images, each explained."""
    options = INIT.parse(argv)
    if options is None:
        return EXIT_CLEAN
    from dehub import rules
    from dehub.baseline import relative_path, write_text_atomically
    from dehub.config import CONFIG_NAMES, ConfigError, ConfigFinder, has_dehub_table, loads
    from dehub.init import allowed_images, governed_findings, render, summary

    here = os.getcwd()
    existing = [name for name in CONFIG_NAMES if os.path.isfile(name)]
    in_pyproject = has_dehub_table("pyproject.toml")
    target = existing[0] if existing else CONFIG_NAMES[0]
    if (existing or in_pyproject) and not options.force and not options.stdout:
        found = existing[0] if existing else "pyproject.toml ([tool.dehub])"
        sys.stderr.write(
            f"dehub: error: {found} already configures dehub here; `dehub init --force` replaces it "
            "(its settings are not carried over), `dehub init --stdout` prints the new configuration\n"
        )
        return EXIT_ERROR
    notes = sys.stderr if options.stdout else sys.stdout
    finder = ConfigFinder()
    above = None if existing or in_pyproject else finder.find(here)  # up the tree, within the repository
    if above is not None:
        notes.write(
            f"dehub: note: {above} configures this tree too; dehub reads only the nearest configuration, "
            f"so files here will read the new {target} instead (copy the settings you need)\n"
        )
    try:
        findings, kept = governed_findings(options.positionals or ["."], here, finder, options.mirror)
    except ConfigError as err:  # a target with parameters: init writes a new file and has none
        sys.stderr.write(
            f"dehub: error: {err}; `dehub init` writes a new configuration and takes no parameters, so "
            "choose the target in it afterwards (README, Choosing a mirror)\n"
        )
        return EXIT_ERROR
    for config, count in kept.items():
        notes.write(
            f"dehub: note: {count} file{' under' if count == 1 else 's under'} {os.path.relpath(config)} "
            f"keep{'s' if count == 1 else ''} that configuration; run `dehub init --force` in its folder for "
            f"{'it' if count == 1 else 'them'}\n"
        )
    from dehub.lint import Settings

    policy = Settings(None, mirror=options.mirror).policy
    images = allowed_images(findings, lambda path: relative_path(path, here), policy)
    text = render(images, options.mirror)
    try:
        loads(text.encode("utf-8"), os.path.join(here, target), rules.CODES)
    except ConfigError as err:  # a bug in dehub init: never write a file that does not load
        sys.stderr.write(f"dehub: internal error: the configuration written would not load: {err}\n")
        return EXIT_ERROR
    if options.stdout:
        sys.stdout.write(text)
    else:
        try:
            write_text_atomically(target, text)
        except OSError as err:
            sys.stderr.write(f"dehub: error: cannot write {target}: {err.strerror or err}\n")
            return EXIT_ERROR
    if in_pyproject and not existing and not options.stdout:
        notes.write(f"dehub: note: {target} takes precedence over [tool.dehub] in pyproject.toml; remove that\n")
    lines = summary(images, findings)
    lines[0] = ("Configuration" if options.stdout else f"Wrote {target}") + f": {lines[0]}."
    notes.write("\n".join(lines) + "\n")
    return EXIT_CLEAN
