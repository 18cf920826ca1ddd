"""What the `dehub` commands share: exit statuses and command-line checks of paths and codes."""

from __future__ import annotations

import os
import sys

from dehub.mirrors import NAMES as PRESET_NAMES

from .args import VALUE, Option, UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

CONFIG_OPTIONS = [  # every command that reads files finds their configuration the same way
    Option(
        "--config",
        action=VALUE,
        metavar="PATH",
        help="use this configuration file for every input (default: each file's nearest)",
    ),
    Option("--isolated", help="ignore every configuration file"),
]
MIRROR_OPTION = Option(
    "--mirror",
    action=VALUE,
    choices=PRESET_NAMES,
    metavar="TARGET",
    help="move images to this mirror target instead of the configured one (its parameters still come from "
    "`mirror:` in the configuration)",
)


def codes(values: list[str], option: str) -> tuple[str, ...]:
    """Rule codes or prefixes from repeated, comma-separated option values."""
    found = tuple(code.strip() for value in values for code in value.split(",") if code.strip())
    if values and not found:
        raise UsageError(f"{option} needs at least one rule code or prefix (e.g. DH001 or DH0)")
    return found


def report_missing(paths: list[str]) -> bool:
    """Print an error for each path on the command line that does not exist; whether any.

    A path that is not there is a mistake on the command line (a typo, a renamed file), not a
    finding about a file: it exits 2, which `--exit-zero` and `ignore: [DH900]` cannot hide.
    A file that exists but cannot be read is bad input, reported per file (DH900 in `check`).
    """
    missing = False
    for path in paths:
        try:
            os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            from dehub.report.printable import printable

            sys.stderr.write(f"dehub: error: {printable(path)}: no such file or directory\n")
            missing = True
        except (OSError, ValueError):  # unreadable (or a NUL in the name): reported where it is read
            pass
    return missing
