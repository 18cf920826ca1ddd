"""`dehub rules` and `dehub explain CODE`: what each rule code means (and `explain limits`)."""

from __future__ import annotations

import sys

from .args import VALUE, Command, Option, UsageError
from .common import EXIT_CLEAN

RULES = Command(
    "dehub rules [--format text|json]",
    "List the rule codes.",
    [Option("--format", action=VALUE, choices=("text", "json"), metavar="FORMAT", help="output format")],
)


def rules(argv: list[str]) -> int:
    """`dehub rules`: the rule codes, one a line (or JSON)."""
    options = RULES.parse(argv)
    if options is None:
        return EXIT_CLEAN
    if options.positionals:
        raise UsageError(f"unexpected argument {options.positionals[0]!r}")
    from dehub.ruledocs import describe
    from dehub.rules import ALL_RULES

    rows = [
        {
            "code": rule.CODE,
            "name": rule.NAME,
            "severity": rule.SEVERITY,
            "fix": rule.FIX_SAFETY,
            "default": getattr(rule, "ENABLED_BY_DEFAULT", True),
            "summary": describe(rule.CODE).summary,
        }
        for rule in ALL_RULES
    ]
    if options.format == "json":
        from dehub.report.jsonenc import lines

        sys.stdout.write(lines("[", rows, "]"))
        return EXIT_CLEAN
    for row in rows:
        flag = "" if row["default"] else " (off by default)"
        sys.stdout.write(
            f"{row['code']}  {row['name']:<24} {row['severity']:<8} fix: {row['fix']:<7} {row['summary']}{flag}\n"
        )
    return EXIT_CLEAN


def explain(argv: list[str]) -> int:
    """`dehub explain CODE`: a rule's documentation; `dehub explain limits`: the registries' pull limits."""
    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(
            "usage: dehub explain CODE\n       dehub explain limits\n\n"
            "Print a rule's documentation, or Docker Hub's and ECR Public's pull limits.\n"
        )
        return EXIT_CLEAN
    if len(argv) != 1:
        raise UsageError("explain takes exactly one rule code, e.g. `dehub explain DH001`, or `limits`")
    if argv[0].lower() == "limits":
        from dehub.limits import TEXT

        sys.stdout.write(TEXT)
        return EXIT_CLEAN
    from dehub.rules import get

    try:
        rule = get(argv[0])
    except KeyError as err:
        raise UsageError(str(err).strip("\"'")) from None
    sys.stdout.write((rule.__doc__ or "").strip() + "\n")
    return EXIT_CLEAN
