"""`dehub lsp`: start the language server on standard input and output.

Kept thin on purpose: the server is `dehub.lsp.server`; this parses the few options an editor
passes and says clearly what to install when the optional pygls dependency is missing.
"""

from __future__ import annotations

import sys

from .args import VALUE, Command, Option, UsageError

LSP_OPTIONS = [
    Option("--stdio", help="talk LSP over standard input and output (the default and only transport)"),
    Option("--log-file", action=VALUE, metavar="PATH", help="append the server's log to this file"),
    Option(
        "--clientProcessId",
        action=VALUE,
        metavar="PID",
        help="accepted and ignored (some LSP clients pass it); the server exits when its input closes",
    ),
]
LSP = Command(
    "dehub lsp [--stdio] [--log-file PATH]",
    "Start the language server (diagnostics, quick fixes, fix all, hovers) for editors.",
    LSP_OPTIONS,
)
# dehub is not on PyPI: the extra is installed from a clone (README.md, Editors, says the same).
MISSING_PYGLS = "dehub lsp needs pygls: pip install '.[lsp]' in your dehub clone\n"


def main(argv: list[str]) -> int:
    options = LSP.parse(argv)
    if options is None:
        return 0
    if options.positionals:
        raise UsageError(f"unexpected argument {options.positionals[0]!r}")
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        sys.stderr.write(MISSING_PYGLS)
        return 2
    from dehub.lsp.server import serve

    return serve(options.log_file)
