"""The `dehub` command: what pre-commit, CI and editors run.

`main(argv) -> int` as in pre-commit-hooks, so tests call it directly; each command lives in its
own module, imported only when it runs. Exit codes: 0 clean, 1 findings, 2 usage,
configuration or internal error (`check_command` says exactly when).
"""

from __future__ import annotations

import io
import os
import sys

from dehub import __version__

from .args import UsageError
from .common import EXIT_CLEAN, EXIT_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# command -> (module, function taking the rest of the command line); imported when it runs
COMMANDS = {
    "check": ("dehub.hooks.check_command", "check"),
    "init": ("dehub.hooks.init_command", "init"),
    "inventory": ("dehub.hooks.inventory_command", "inventory"),
    "rules": ("dehub.hooks.rules_command", "rules"),
    "explain": ("dehub.hooks.rules_command", "explain"),
    "data": ("dehub.hooks.data_command", "data"),
    "lsp": ("dehub.hooks.lsp", "main"),
}

MAIN_HELP = f"""usage: dehub [--version] COMMAND [OPTIONS]

Find container images pulled from Docker Hub and move them to a mirror
(public.ecr.aws/docker/library by default).

commands:
  check [PATHS...]   lint files and folders (default: .); --fix rewrites them
  init [PATHS...]    write a .dehub.yaml that allows what dehub cannot move by itself
  inventory [PATHS]  list the images each workflow job pulls, and its Docker Hub pulls per run
  rules              list the rule codes
  explain CODE       print a rule's documentation
  explain limits     Docker Hub's and ECR Public's pull limits (the one place dehub states them)
  data refresh|show  download the current official image list (network); say which list is in use
  lsp                start the language server (stdio) for editors

Run `dehub COMMAND --help` for a command's options. dehub {__version__}
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(MAIN_HELP)
        return EXIT_CLEAN if args else EXIT_ERROR
    if args[0] in ("-V", "--version"):
        sys.stdout.write(f"dehub {__version__}\n")
        return EXIT_CLEAN
    command, rest = args[0], args[1:]
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must not crash a report
        if isinstance(stream, io.TextIOWrapper):
            try:
                stream.reconfigure(errors="backslashreplace")
            except ValueError:
                pass
    try:
        if command in COMMANDS:
            module, function = COMMANDS[command]
            # `__import__` with a fromlist returns the module itself, without importing importlib
            run_command: Callable[[list[str]], int] = getattr(__import__(module, fromlist=[function]), function)
            return run_command(rest)
        raise UsageError(f"unknown command {command!r} (choose from {', '.join(COMMANDS)})")
    except UsageError as err:
        from dehub.report.printable import printable

        shown = command if command in COMMANDS else "COMMAND"
        sys.stderr.write(f"usage: dehub {shown} ...\ndehub: error: {printable(str(err))}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except OSError as err:
        if not _is_closed_output(err):
            raise
        return _closed_output()


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process started without one: writing says so (EBADF)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed")

    @property
    def buffer(self) -> io.BufferedWriter:  # `check --fix -` writes the fixed bytes there
        import errno

        raise OSError(errno.EBADF, "standard output is closed")


def _is_closed_output(err: OSError) -> bool:
    """Whether `err` is the report's reader gone (EPIPE: `dehub check | head -0`) or standard
    output closed (EBADF)."""
    import errno

    return isinstance(err, BrokenPipeError) or err.errno in (errno.EPIPE, errno.EBADF)


def _closed_output() -> int:
    """Exit 2 with one line on stderr when the report could not be written to standard output.

    Not SIGPIPE's silent 141: a pre-commit hook or CI step whose report went nowhere has not
    reported its findings, which is an error a mature tool says, as ruff and git do.
    Standard output is pointed at /dev/null so that nothing buffered fails again at exit.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    try:
        sys.stderr.write("dehub: error: standard output is closed (the reader of the report went away); "
                         "the report was not fully written\n")  # fmt: skip
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_ERROR


def run() -> None:
    """The `dehub` script's entry (hooks/dehub): `main`, then exit without tearing the interpreter down.

    Interpreter teardown (module and object cleanup) costs several milliseconds on every
    editor save and commit; all output is flushed first, and dehub holds no other resources
    that need finalising at exit (worker pools are closed before `main` returns).
    """
    import gc

    # Collect young objects every 10,000 allocations, not 700: a one-file check builds a few
    # thousand objects while importing, and the default collects them a dozen times for
    # nothing (4% of its instructions). Cycles (a job and its pull contexts) are still freed.
    gc.set_threshold(10_000, 10, 10)
    if sys.stdout is None:  # started with standard output closed (`dehub check >&-`)
        sys.stdout = _ClosedOutput()
    try:
        code = main()
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError as err:  # the last of the report, written at the flush above
        if not _is_closed_output(err):
            raise
        code = _closed_output()
    except Exception:  # noqa: BLE001 - a bug outside the per-file checks: say so, exit 2, never 1
        import traceback

        sys.stderr.write("dehub: internal error (please report it with this trace):\n" + traceback.format_exc())
        sys.stderr.flush()
        code = EXIT_ERROR
    os._exit(code)


if __name__ == "__main__":
    run()
