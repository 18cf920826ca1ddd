"""`dehub inventory`: the images each CI job pulls, and the Docker Hub pulls one run makes."""

from __future__ import annotations

import sys

from dehub.kinds import PIPELINE_NAMES
from dehub.report.printable import printable

from .args import VALUE, Command, Option
from .common import CONFIG_OPTIONS, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, report_missing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.inventory import FileEntry

INVENTORY_OPTIONS = [
    Option("--format", action=VALUE, choices=("text", "json"), metavar="FORMAT", help="output format (default: text)"),
    *CONFIG_OPTIONS,
    Option("--kind", action=VALUE, choices=PIPELINE_NAMES, metavar="KIND", help="read every file as this kind"),
]
INVENTORY = Command(
    "dehub inventory [OPTIONS] [PATHS...]",
    "List the images each workflow job pulls and count its Docker Hub pulls per run\n"
    "(compare them with Docker Hub's pull limits: `dehub explain limits`).",
    INVENTORY_OPTIONS,
)


def inventory(argv: list[str]) -> int:
    """Per workflow and job: each image pulled, where, whether from Docker Hub, pulls per run."""
    options = INVENTORY.parse(argv)
    if options is None:
        return EXIT_CLEAN
    from dehub.config import ConfigError, Scopes
    from dehub.discover import scoped_targets
    from dehub.inventory import INVENTORY_KINDS, file_inventory, render_json, render_text
    from dehub.kinds import SNIFF, kind_for_text
    from dehub.kinds import parse as parse_kind
    from dehub.runner import ReadError, read_source

    scopes = Scopes(config_file=options.config or None, isolated=options.isolated)
    try:
        targets = scoped_targets(options.positionals or ["."], scopes, force_exclude=False, kind=options.kind)
    except ConfigError as err:
        sys.stderr.write(f"dehub: error: {printable(str(err))}\n")
        return EXIT_ERROR
    if report_missing(options.positionals or ["."]):
        return EXIT_ERROR
    files: list[FileEntry] = []
    failed = unreadable = False
    for target, scope in targets:
        settings = scope.settings
        kind = None if target.kind == SNIFF else target.kind
        try:
            source, _ = read_source(target.path, settings.max_file_size)
        except ReadError as err:
            if kind in INVENTORY_KINDS:
                files.append({"path": target.path, "kind": kind, "error": str(err)})
                failed = True
            if err.unreadable and (kind in INVENTORY_KINDS or (kind is None and target.explicit)):
                # No count can be given for it: an error, as for a missing path (exit 2).
                sys.stderr.write(f"dehub: error: {printable(target.path)}: {printable(str(err))}\n")
                unreadable = True
            continue
        kind = kind or kind_for_text(source.text, target.path, target.kind == SNIFF)
        if kind not in INVENTORY_KINDS:
            continue
        document = parse_kind(kind, source)
        if document.problems:
            failed = True
            problem = document.problems[0]
            line, column = source.position(problem.start)
            sys.stderr.write(f"dehub: {printable(target.path)}:{line}:{column}: {printable(problem.message)}\n")
        files.append(file_inventory(target.path, document, settings.policy))
    sys.stdout.write(render_json(files) if options.format == "json" else render_text(files))
    return EXIT_ERROR if unreadable else EXIT_FINDINGS if failed else EXIT_CLEAN
