"""`dehub check`: lint files, folders or standard input; fix them with `--fix`.

Exit codes, as ruff's: 0 clean, 1 findings of error or warning severity (with --fix, those
that remain), a --diff that changes something, or a fix that changed a file with
--exit-non-zero-on-fix; 2 usage, configuration or internal error. Info findings are reported
but do not fail a run; raise their severity in the configuration to make them fail.
"""

from __future__ import annotations

import os
import sys

from dehub.kinds import NAMES as KIND_CHOICES
from dehub.kinds import QUIET_SKIP, SNIFF
from dehub.report.printable import printable

from .args import APPEND, OPTIONAL, VALUE, Command, Option, UsageError
from .common import CONFIG_OPTIONS, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, MIRROR_OPTION, codes, report_missing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TextIO

    from dehub.baseline import InUse
    from dehub.config import Config, Scopes
    from dehub.findings import Finding
    from dehub.lint import Settings
    from dehub.runner import FileResult
    from dehub.verification import Verified

    from .args import Parsed

REPORT_FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")  # dehub.report.FORMATS
PERSON_FORMATS = ("text", "concise")  # the reports a person reads: colour, `Fixing` notes beside them
SUMMARY_FORMATS = ("text", "concise", "github")  # the reports that end with the summary (text.summary_line)
COLOR_CHOICES = ("auto", "always", "never")

CHECK_OPTIONS = [
    Option("--fix", help="apply safe fixes and write the files (prints `Fixing PATH` for each)"),
    Option("--unsafe-fixes", help="with --fix or --diff, apply unsafe fixes too"),
    Option(
        "--diff",
        help="print the fixes as a unified diff on stdout, the report on stderr; write nothing; exit 1 if any",
    ),
    Option("--exit-zero", help="exit 0 even when there are findings"),
    Option(
        "--exit-non-zero-on-fix",
        help="with --fix, also exit 1 when a file (or the standard input's text) was changed",
    ),
    Option(
        "--format",
        action=VALUE,
        choices=REPORT_FORMATS,
        metavar="FORMAT",
        help="report format (default: text, or github when GITHUB_ACTIONS=true)",
    ),
    Option("-o", "--output-file", action=VALUE, metavar="PATH", help="write the report to this file, not stdout"),
    Option(
        "--verify",
        action=OPTIONAL,
        const="exists",
        choices=("exists", "digest"),
        metavar="HOW",
        help="ask the registry whether each suggested mirror reference exists (HEAD requests, cached) and fix "
        "only what it has; =digest: also compare its digest with Docker Hub's (README: Verifying fixes)",
    ),
    Option("--no-verify", help="ask no registry, whatever the configuration's `verify:` says"),
    Option("--no-cache", help="with --verify, ask the registries again instead of reading their cached answers"),
    Option("--hadolint", help="also run hadolint on the Dockerfiles and merge its findings (DL..., SC...)"),
    Option("--select", action=APPEND, metavar="CODES", help="only these rule codes or prefixes (comma-separated)"),
    Option("--ignore", action=APPEND, metavar="CODES", help="skip these rule codes or prefixes (comma-separated)"),
    *CONFIG_OPTIONS,
    MIRROR_OPTION,
    Option("--kind", action=VALUE, choices=KIND_CHOICES, metavar="KIND", help="read every file as this kind"),
    Option(
        "--stdin-filename", action=VALUE, metavar="NAME", help="read standard input as this file (with `-` or no path)"
    ),
    Option("--build-arg", action=APPEND, metavar="NAME=VALUE", help="a build argument, as `docker build` gets it"),
    Option("--baseline", action=VALUE, metavar="FILE", help="report and fail only on findings not in this baseline"),
    Option(
        "--write-baseline",
        action=VALUE,
        metavar="FILE",
        help="record this run's findings in FILE (a new baseline), then report only the rest",
    ),
    Option("--no-baseline", help="ignore the configuration's `baseline`: report every finding"),
    Option("--show-unused-suppressions", help="report `# dehub ignore=` comments that suppress nothing (DH901)"),
    Option("--force-exclude", help="apply `exclude` patterns to files named on the command line too"),
    Option(
        "--include-disabled",
        help="also read the images of components a file switches off (Helm values' `enabled: false`)",
    ),
    Option(
        "--filter-files",
        help="take a named file only as a folder walk would (by name, or by content where a kind reads "
        "any name), skipping the rest without a note; the pre-commit hooks pass it",
    ),
    Option("--statistics", help="count findings per rule instead of listing them"),
    Option(
        "-j",
        "--jobs",
        action=VALUE,
        metavar="N",
        help="processes to check with (default: one per core from 100 files on, else 1)",
    ),
    Option("-q", "--quiet", help="print findings only: no summary, no `Fixing` lines"),
    Option("-v", "--verbose", help="text and concise: print each finding's note after it, not once per file"),
    Option(
        "--color",
        action=VALUE,
        choices=COLOR_CHOICES,
        metavar="WHEN",
        help="colour the text or concise report: auto (on a terminal; see NO_COLOR, FORCE_COLOR), always, never",
    ),
]
CHECK_EPILOG = """exit status:
  0  clean: no error or warning findings (info findings do not count);
     with --fix, none remain after fixing
  1  error or warning findings (with --fix, those that remain); with --diff, a fix
     would change something; with --fix --exit-non-zero-on-fix, a file or the
     standard input's text was changed
  2  usage, configuration or internal error, a path that does not exist, or
     with --fix a file that could not be written back (even with --exit-zero)
"""
CHECK_COMMAND = Command(
    "dehub check [OPTIONS] [PATHS...]", "Lint files for Docker Hub pulls.", CHECK_OPTIONS, CHECK_EPILOG
)


def check(argv: list[str]) -> int:
    """`dehub check`: lint (or fix) files, folders or standard input."""
    options = CHECK_COMMAND.parse(argv)
    if options is None:
        return EXIT_CLEAN
    paths = _check_paths(options)

    from dehub.config import ConfigError

    build_args = {}
    for pair in options.build_arg:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise UsageError(f"--build-arg expects NAME=VALUE, got {pair!r}")
        build_args[name] = value
    jobs = None  # the runner's default: every core for large trees
    if options.jobs is not None:
        if not (options.jobs.isascii() and options.jobs.isdigit()) or int(options.jobs) < 1:
            raise UsageError(f"--jobs expects a positive number, got {options.jobs!r}")
        jobs = int(options.jobs)
    scopes = _scopes(options, build_args)
    verify = _verify_choice(options)

    from dehub.runner import CHECK, DIFF, FIX

    mode = DIFF if options.diff else FIX if options.fix else CHECK
    baselines = _baselines(options, mode, stdin="-" in paths)
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("`-` (standard input) cannot be combined with other paths")
        return _check_stdin(options, scopes, mode, baselines, verify)

    from dehub.discover import scoped_targets
    from dehub.runner import check_files

    try:
        targets = scoped_targets(
            paths, scopes, force_exclude=options.force_exclude, kind=options.kind, filter_files=options.filter_files
        )
    except ConfigError as err:
        sys.stderr.write(f"dehub: error: {printable(str(err))}\n")
        return EXIT_ERROR
    if report_missing(paths):
        return EXIT_ERROR
    for target, scope in targets:
        baselines.assign(target.path, scope.config.baseline, scope.path)
    if options.output_file:  # before any file is checked, fixed or written
        _refuse_report_over(options.output_file, [t.path for t, _ in targets if t.kind != SNIFF], scopes, baselines)
    if not _load_baselines(baselines):  # before any file is checked or fixed
        return EXIT_ERROR
    files = [(target.path, target.kind, scope.settings) for target, scope in targets]
    verify_modes = _verify_modes(files, scopes, verify)
    verified = None
    if verify_modes:
        from dehub import verification

        def check_some(some: list[tuple[str, str | None, Settings]], some_mode: str) -> list[FileResult]:
            return check_files(some, some_mode, jobs)

        configs = [scope.config for scope in scopes.loaded() if id(scope.settings) in verify_modes]
        client_options = verification.options_for(configs, not options.no_cache)
        results, verified = verification.run(files, mode, check_some, verify_modes, client_options)
    else:
        results = check_files(files, mode, jobs)
    settings_of = {path: settings for path, _, settings in files}
    report_format = _format(options)
    # `Fixing` notes go to stdout with a text report there, to stderr beside any other report.
    notes = sys.stdout if report_format in PERSON_FORMATS and not options.output_file else sys.stderr
    findings = []
    for result in results:
        if result.skipped and result.skipped != QUIET_SKIP and not options.quiet:
            sys.stderr.write(f"dehub: skipped {printable(result.path)}: {printable(result.skipped)}\n")
        if result.written and not options.quiet:
            notes.write(f"Fixing {printable(result.path)}\n")
        if result.diff:  # stdout holds nothing but the diff, so it pipes into `git apply -p0`
            sys.stdout.write(result.diff)
        findings.extend(result.findings)
    if not targets and not options.quiet:
        sys.stderr.write("dehub: no files to check under the given paths\n")
    if options.output_file:  # a file a folder walk found by content, now known to be one dehub read
        sniffed = {target.path for target, _ in targets if target.kind == SNIFF}
        _refuse_report_over(options.output_file, [r.path for r in results if r.path in sniffed and r.kind], None, None)
    if options.hadolint:
        dockerfiles = [result.path for result in results if result.kind == "dockerfile" and not result.skipped]
        try:
            findings = _with_hadolint(findings, dockerfiles, settings_of, None)
        except _HadolintFailed:
            return EXIT_ERROR
    checked = [result.path for result in results if not result.skipped]
    try:
        findings = baselines.apply(findings, checked, _ran(settings_of, options.hadolint))
    except OSError as err:
        given = printable(str(baselines.given))
        sys.stderr.write(f"dehub: error: cannot write the baseline {given}: {err.strerror or err}\n")
        return EXIT_ERROR
    fixed = sum(result.fixed for result in results)
    stream = _diff_report_stream(mode)
    _report(
        findings, options, scopes, settings_of, mode, fixed, stream=stream, paths=checked, baselines=baselines,
        verified=verified,
    )  # fmt: skip
    changed = any(result.written or result.diff for result in results)
    return _exit_code(findings, results, options, mode, changed)


def _refuse_report_over(output: str, files: list[str], scopes: Scopes | None, baselines: InUse | None) -> None:
    """UsageError (exit 2) when `-o FILE` names a file the run reads or writes: a file it
    checks (also through a symbolic or hard link), a configuration, a baseline. Writing the
    report there would destroy it (`dehub check -o Dockerfile Dockerfile`)."""
    from .output_guard import clash

    used = [("a file this run reads", path) for path in files]
    if scopes is not None:
        used += [("its configuration", scope.path) for scope in scopes.loaded() if scope.path]
    if baselines is not None:
        used += [("a baseline", path) for path in baselines.named_by]
    found = clash(output, used)
    if found is not None:
        what, path = found
        raise UsageError(
            f"--output-file {output} is {what} ({path}); the report would replace it, so nothing was written: "
            "name another file"
        )


def _check_paths(options: Parsed) -> list[str]:
    """The paths `check` reads: as given, else `.`, else `-` with `--stdin-filename`.

    `--stdin-filename` names the text on standard input, so alone it reads standard input (as
    ruff does) and it cannot be combined with paths: with them, dehub would ignore either the
    name or the files, and the user would not be told which.
    """
    name = options.stdin_filename
    if name is None:
        return options.positionals or ["."]
    if not name:
        raise UsageError("--stdin-filename needs a file name (e.g. Dockerfile)")
    files = [path for path in options.positionals if path != "-"]
    if files:
        raise UsageError(
            f"--stdin-filename names the text read from standard input and cannot be combined with paths "
            f"(got {', '.join(map(repr, files))}); pass `-` or no path to read standard input, or drop "
            "--stdin-filename to check the files"
        )
    return options.positionals or ["-"]


def _verify_choice(options: Parsed) -> str | None:
    """How the command line says to verify: "exists" or "digest" (`--verify[=digest]`), ""
    (`--no-verify`), or None: as each configuration's `verify:` says."""
    if options.no_verify:
        if options.verify is not None:
            raise UsageError("give --verify or --no-verify, not both")
        return ""
    verify: str | None = options.verify
    return verify


def _verify_modes(files: list[tuple[str, str | None, Settings]], scopes: Scopes, cli: str | None) -> dict[int, str]:
    """How the files of each configuration are verified, by id of its settings: the command
    line's choice, else the configuration's `verify:`; configurations that do not verify are
    left out (an empty result: no registry is asked, nothing of the client is imported)."""
    if cli == "":
        return {}
    configs = {id(scope.settings): scope.config for scope in scopes.loaded()}
    modes = {}
    for _, _, settings in files:
        config = configs.get(id(settings))
        how = cli if cli is not None else config.verify if config is not None else ""
        if how:
            modes[id(settings)] = how
    return modes


def _scopes(options: Parsed, build_args: dict[str, str]) -> Scopes:
    """Each file's configuration, with the command line's rule choices and build arguments added
    to every one (`--config PATH`: that file for all; `--isolated`: none)."""
    from dehub import rules
    from dehub.config import Scopes, select_codes
    from dehub.lint import Settings

    select = codes(options.select, "--select") if options.select else None
    ignore = codes(options.ignore, "--ignore")
    try:
        select_codes(select or (), rules.CODES)
        select_codes(ignore, rules.CODES)
    except ValueError as err:  # an unknown code in --select / --ignore
        raise UsageError(str(err).strip("'\"")) from None
    unsafe_fixes = True if options.unsafe_fixes else None

    def make_settings(config: Config) -> Settings:
        return Settings(
            config,
            select=select,
            ignore=ignore,
            build_args=build_args,
            unsafe_fixes=unsafe_fixes,
            show_unused_suppressions=options.show_unused_suppressions,
            include_disabled=True if options.include_disabled else None,
            mirror=options.mirror,
        )

    return Scopes(make_settings, config_file=options.config or None, isolated=options.isolated)


def _diff_report_stream(mode: str) -> TextIO | None:
    """With --diff the report goes to stderr (as ruff's does), after the diff on stdout."""
    from dehub.runner import DIFF

    if mode != DIFF:
        return None
    sys.stdout.flush()  # on a terminal, the diff shows before the report
    return sys.stderr


def _baselines(options: Parsed, mode: str, stdin: bool) -> InUse:
    """The run's baselines from --baseline, --write-baseline and --no-baseline (each file's
    `baseline:` is added as its configuration is found)."""
    from dehub.baseline import InUse
    from dehub.runner import DIFF

    if options.write_baseline is not None:
        if options.baseline is not None:
            raise UsageError("give --baseline or --write-baseline, not both (--write-baseline also checks against it)")
        if stdin:
            raise UsageError("--write-baseline needs files, not standard input")
        if mode == DIFF:
            raise UsageError("--write-baseline cannot be combined with --diff (it records findings after --fix)")
        return InUse(options.write_baseline, write=True)
    return InUse(options.baseline, configured=not options.no_baseline)


def _load_baselines(baselines: InUse) -> bool:
    """Read the run's baselines; print why one cannot be read and return False."""
    from dehub.baseline import BaselineError

    try:
        baselines.load()
    except BaselineError as err:
        sys.stderr.write(f"dehub: error: {printable(str(err))}\n")
        return False
    return True


def _ran(settings_of: dict[str, Settings], hadolint: bool) -> Callable[[str, str], bool]:
    """Whether the run looked for `code` in the file at `path`: its settings enable the rule
    (hadolint's and ShellCheck's codes: hadolint ran and they pass the selection)."""
    from dehub.config import is_foreign_code

    def ran(path: str, code: str) -> bool:
        settings = settings_of.get(path)
        if settings is None:
            return False
        if is_foreign_code(code):
            return hadolint and settings.allows_foreign(code)
        return code in settings.enabled

    return ran


class _HadolintFailed(Exception):
    """hadolint is missing or failed; the reason has been printed."""


def _with_hadolint(
    findings: list[Finding], dockerfiles: list[str], settings_of: dict[str, Settings], stdin: tuple[str, bytes] | None
) -> list[Finding]:
    """dehub's findings merged with hadolint's on the same Dockerfiles (DL3026 folded in); each
    of hadolint's findings is selected and given its severity by its own file's settings."""
    from dehub.hadolint import HadolintError, merge, run

    if not dockerfiles and stdin is None:
        return findings
    try:
        found = run(dockerfiles, stdin=stdin)
    except HadolintError as err:
        sys.stderr.write(f"dehub: error: {printable(str(err))}\n")
        raise _HadolintFailed from None
    kept = []
    for finding in found:
        settings = settings_of.get(finding.path)
        if settings is None:  # not a file dehub named: nothing configures it
            kept.append(finding)
        elif settings.allows_foreign(finding.code):
            # `severity:` in the configuration may name DL/SC codes too
            finding.severity = settings.severity.get(finding.code, finding.severity)
            kept.append(finding)
    return merge(findings, kept)


def _format(options: Parsed) -> str:
    """The report format: as given, else `github` inside GitHub Actions (annotations), else text."""
    given: str | None = options.format
    if given:
        return given
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _check_stdin(options: Parsed, scopes: Scopes, mode: str, baselines: InUse, verify: str | None) -> int:
    """Standard input, configured as a file at `--stdin-filename` would be (else as a file in
    the working folder)."""
    from dehub.config import ConfigError
    from dehub.kinds import kind_for_path
    from dehub.runner import FIX, check_bytes

    name = options.stdin_filename or "-"
    kind = options.kind or (kind_for_path(name) if options.stdin_filename else None)
    try:
        scope = scopes.for_file(name) if options.stdin_filename else scopes.for_folder(".")
    except ConfigError as err:
        sys.stderr.write(f"dehub: error: {printable(str(err))}\n")
        return EXIT_ERROR
    settings = scope.settings
    baselines.assign(name, scope.config.baseline, scope.path)
    if options.output_file:
        _refuse_report_over(options.output_file, [options.stdin_filename] if options.stdin_filename else [],
                            scopes, baselines)  # fmt: skip
    if not _load_baselines(baselines):
        return EXIT_ERROR
    stdin = sys.stdin
    if stdin is None:  # started with standard input closed
        sys.stderr.write("dehub: error: standard input is closed; name the files to check\n")
        return EXIT_ERROR
    if _is_terminal(stdin):
        sys.stderr.write(_terminal_hint(options.stdin_filename))
        sys.stderr.flush()
    data = stdin.buffer.read()
    if options.force_exclude and options.stdin_filename and scope.excludes(name):
        if mode == FIX:
            sys.stdout.buffer.write(data)
        return EXIT_CLEAN
    verify_modes = _verify_modes([(name, kind, settings)], scopes, verify)
    verified = None
    if verify_modes:
        from dehub import verification

        def check_text(files: list[tuple[str, str | None, Settings]], some_mode: str) -> list[FileResult]:
            return [check_bytes(path, data, given, settings, some_mode) for path, given, settings in files]

        client_options = verification.options_for([scope.config], not options.no_cache)
        (result,), verified = verification.run([(name, kind, settings)], mode, check_text, verify_modes, client_options)
    else:
        result = check_bytes(name, data, kind, settings, mode)
    if result.skipped:
        sys.stderr.write(f"dehub: skipped {printable(name)}: {printable(result.skipped)}\n")
    findings = result.findings
    settings_of = {name: settings}
    if options.hadolint and result.kind == "dockerfile":
        checked = result.output if result.output is not None else data
        try:
            findings = _with_hadolint(findings, [], settings_of, (name, checked))
        except _HadolintFailed:
            return EXIT_ERROR
    if result.diff:
        sys.stdout.write(result.diff)
    if mode == FIX:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.output if result.output is not None else data)
        sys.stdout.flush()
    stream = sys.stderr if mode == FIX else _diff_report_stream(mode)
    paths = [] if result.skipped else [name]
    findings = baselines.apply(findings, paths, _ran(settings_of, options.hadolint))
    _report(
        findings, options, scopes, settings_of, mode, result.fixed, stream=stream, paths=paths, baselines=baselines,
        verified=verified,
    )  # fmt: skip
    changed = bool(result.diff) or (mode == FIX and result.output not in (None, data))
    return _exit_code(findings, [result], options, mode, changed)


def _coloured(choice: str, stream: object) -> bool:
    """Whether a text or concise report written to `stream` is coloured, for `--color CHOICE`.

    Colour helps a person at a terminal and harms files, pipes and editors that parse the
    lines, so `auto` (the default) colours only a terminal (not `TERM=dumb`), as ruff and
    hadolint do. `NO_COLOR` set to anything but the empty string turns it off (no-color.org);
    else `FORCE_COLOR` set likewise turns it on (force-color.org: CI logs that show colour).
    `always` and `never` beat both. A report written with -o is never coloured (not asked).
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and _is_terminal(stream)


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):  # no isatty, or closed
        return False


def _terminal_hint(name: str | None) -> str:
    """What a person who typed `dehub check -` (or `--stdin-filename X`) without piping a file
    sees instead of a silent wait: that dehub reads what they type, and how to end or leave."""
    what = f"the text of {printable(name)}" if name else "a file"
    return (
        f"dehub: reading {what} from standard input (a terminal): paste it, then press Ctrl-D "
        "(Ctrl-Z, Enter on Windows); or press Ctrl-C and name the files: dehub check PATH...\n"
    )


def _report(
    findings: list[Finding],
    options: Parsed,
    scopes: Scopes,
    settings_of: dict[str, Settings],
    mode: str,
    fixed: int,
    stream: TextIO | None = None,
    paths: Sequence[str] = (),
    baselines: InUse | None = None,
    verified: Verified | None = None,
) -> None:
    """The report, with a summary built from the settings of every configuration used; then,
    after it on stderr, whether a --verify check was incomplete."""
    _write_report(findings, options, scopes, settings_of, mode, fixed, stream, paths, baselines, verified)
    lines = [verified.incomplete_line(), verified.uncompared_line()] if verified is not None else []
    for incomplete in filter(None, lines):  # even with --quiet: the findings it concerns were not verified
        sys.stdout.flush()
        sys.stderr.write(f"dehub: {printable(incomplete)}\n")


def _write_report(
    findings: list[Finding],
    options: Parsed,
    scopes: Scopes,
    settings_of: dict[str, Settings],
    mode: str,
    fixed: int,
    stream: TextIO | None,
    paths: Sequence[str],
    baselines: InUse | None,
    verified: Verified | None,
) -> None:
    from dehub.report import get
    from dehub.report.text import Summary, baseline_lines
    from dehub.runner import CHECK, DIFF

    # The settings of the files checked (one per configuration); with none, those of the folders named.
    used = list({id(settings): settings for settings in settings_of.values()}.values())
    used = used or [scope.settings for scope in scopes.loaded()]
    summary = Summary(
        fixing=mode != CHECK,
        fixed=fixed,
        unsafe_hidden=not all(settings.unsafe_fixes for settings in used),
        dry_run=mode == DIFF,
    )
    summary.unsafe_paths = frozenset(path for path, settings in settings_of.items() if settings.unsafe_fixes)
    summary.statistics = options.statistics
    summary.quiet = options.quiet
    summary.paths = list(paths)
    summary.enabled = frozenset().union(*(settings.enabled for settings in used))
    summary.docs_url = _docs_url(used)
    summary.verbose = options.verbose
    if baselines is not None:
        summary.baselines = list(baselines.tallies.values())
    if verified is not None:
        summary.verification = verified.outcomes
        summary.verify_lines = [verified.summary_line()]
    report_format = _format(options)
    if report_format not in SUMMARY_FORMATS and not options.quiet:
        for note in baseline_lines(summary) + summary.verify_lines:  # no summary line: say it beside it
            sys.stderr.write(f"dehub: {printable(note)}\n")
    reporter = get(report_format)
    if not options.output_file:
        stream = stream or sys.stdout
        summary.colour = report_format in PERSON_FORMATS and _coloured(options.color or "auto", stream)
        reporter.write(findings, stream, summary)
        return
    import io

    buffer = io.StringIO()
    reporter.write(findings, buffer, summary)
    try:
        with open(options.output_file, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(buffer.getvalue())
    except OSError as err:
        raise UsageError(f"--output-file: cannot write {options.output_file}: {err.strerror or err}") from None


def _docs_url(used: list[Settings]) -> str | None:
    """The `docs-url` a run-wide report (SARIF's rules) links to: the first configuration's that
    sets one, in the order the files were checked (one URL serves every project's rule pages)."""
    urls = [settings.docs_url for settings in used if settings.docs_url]
    return urls[0] if urls else None


def _exit_code(
    findings: list[Finding], results: list[FileResult], options: Parsed, mode: str, changed: bool
) -> int:
    """ruff's rule: what remains fails the run; a change fails it only when it was not made
    (--diff) or when asked (--exit-non-zero-on-fix, as the pre-commit hook `dehub-fix` does)."""
    from dehub.runner import DIFF, FIX

    if any(result.internal_error or result.write_failed for result in results):
        return EXIT_ERROR  # a fix asked for and not written is not a finding that --exit-zero may hide
    if options.exit_zero:
        return EXIT_CLEAN
    if any(finding.severity != "info" for finding in findings):
        return EXIT_FINDINGS
    if changed and (mode == DIFF or (mode == FIX and options.exit_non_zero_on_fix)):
        return EXIT_FINDINGS
    return EXIT_CLEAN
