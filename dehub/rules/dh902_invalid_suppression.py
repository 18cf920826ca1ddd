"""DH902 invalid-suppression: a `# dehub` comment that does not suppress what it says.

What it finds
  A comment that addresses dehub but is no suppression dehub can read, so it suppresses
  nothing: `# dehub ignore DH001` (no `=`), `# dehub: ignore=` (no codes), `# dehub
  disable=DH001`, `# dehub noqa`, `# dehub ignore-file`, `# dehub global` alone. A comment
  addresses dehub when it starts with `dehub` (or `dehub:`) followed by a directive-like word
  (`ignore`, `disable`, `enable`, `noqa`, `skip`, `suppress`, `nolint`, `exclude`,
  `global`), by any word with `=`, or by a rule code; prose such as `# dehub is run by CI`
  or `# dehub: see the docs` is left alone.

  And a suppression that names a code no linter has (`# dehub ignore=DH01`, `ignore=DL3006x`):
  the finding covers the unknown codes; the valid codes in the same comment still suppress.
  dehub's codes and hadolint's (`DL3006`) and ShellCheck's (`SC2086`) are known.

  In Dockerfiles, in workflow and action YAML comments, and in shell comments inside `run:`
  scripts: wherever a suppression can be written.

Why it matters
  The person who wrote the comment believes the finding is suppressed, or is puzzled that it
  is not. A typo in a code silently keeps the finding it meant to hide, and a misspelled
  directive hides nothing while looking as if it did.

The fix
  Write `# dehub ignore=CODE[,CODE...] [reason]` on its own line above the statement, or
  `# dehub global ignore=CODE[,CODE...] [reason]` for the whole file, with codes from
  `dehub rules`. There is no automatic fix: which code was meant is for a person to say.

How to suppress
  `ignore: [DH902]` in the configuration, or `--ignore DH902`. A pragma cannot suppress it
  (it is a finding about a pragma); reword prose that starts like a directive.

Examples
  FAIL  # dehub ignore DH001 legacy base
        FROM node:20
  FAIL  # dehub ignore=DH01,DH002
  PASS  # dehub ignore=DH001 legacy base
  PASS  # dehub is run by CI on every pull request
"""

from __future__ import annotations

from dehub.findings import Finding
from dehub.kinds import NAMES
from dehub.suppress import InvalidPragma

CODE = "DH902"
NAME = "invalid-suppression"
SEVERITY = "warning"
FIX_SAFETY = "none"
KINDS = NAMES  # every kind has suppression comments
USAGE = "`# dehub ignore=CODE[,CODE...] [reason]` (or `# dehub global ignore=...` for the whole file)"


def check(invalid: InvalidPragma, known_codes: frozenset[str]) -> Finding:
    if invalid.problem:
        message = f"this comment suppresses nothing: {invalid.problem}; write {USAGE}"
    else:
        several = len(invalid.unknown) > 1
        named = ", ".join(f"`{code}`" for code in invalid.unknown)
        message = (
            f"unknown rule code{'s' if several else ''} {named} in this suppression: "
            f"{'they suppress' if several else 'it suppresses'} nothing"
        )
        if invalid.known:
            message += f" ({', '.join(invalid.known)} still {'apply' if len(invalid.known) > 1 else 'applies'})"
        message += (
            f"; dehub's codes are {', '.join(sorted(known_codes))}, and hadolint's DLnnnn and ShellCheck's "
            "SCnnnn codes are accepted"
        )
    return Finding(CODE, NAME, SEVERITY, message, invalid.start, invalid.end)
