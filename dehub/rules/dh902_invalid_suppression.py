"""DH902 invalid-suppression: a `# dehub` comment that does not suppress what it says.

What it finds
  A comment that addresses dehub but is no suppression dehub can read, so it suppresses
  nothing: `# dehub ignore DH001` (no `=`), `# dehub: ignore=` (no codes), `# dehub
  disable=DH001`, `# dehub noqa`, `# dehub ignore-file`, `# dehub global` alone. A comment
  addresses dehub when it starts with `dehub` (or `dehub:`) followed by a directive-like word
  (`ignore`, `disable`, `enable`, `noqa`, `skip`, `suppress`, `nolint`, `exclude`,
  `global`), by any word with `=`, or by a rule code; prose such as `# dehub is run by CI`
  or `# dehub: see the docs` is left alone.

  And a suppression that names a code it cannot suppress: one no linter has (`# dehub
  ignore=DH01`, `ignore=DL3006x`), or hadolint's (`DL3006`) or ShellCheck's (`SC2086`), whose
  findings `dehub check --hadolint` merges in but which only hadolint's own comment hides.
  The finding covers those codes; dehub's codes in the same comment still suppress.

  In Dockerfiles, in workflow and action YAML comments, and in shell comments inside `run:`
  scripts: wherever a suppression can be written.

Why it matters
  The person who wrote the comment believes the finding is suppressed, or is puzzled that it
  is not. A typo in a code silently keeps the finding it meant to hide, and a misspelled
  directive hides nothing while looking as if it did.

The fix
  Write `# dehub ignore=CODE[,CODE...] [reason]` on its own line above the statement, or
  `# dehub global ignore=CODE[,CODE...] [reason]` for the whole file, with codes from
  `dehub rules`. For hadolint's and ShellCheck's codes, write hadolint's comment on the line
  above the instruction, `# hadolint ignore=DL3006`, or `ignore: [DL3006]` in `.dehub.yaml`.
  There is no automatic fix: which code was meant is for a person to say.

How to suppress
  `ignore: [DH902]` in the configuration, or `--ignore DH902`. A pragma cannot suppress it
  (it is a finding about a pragma); reword prose that starts like a directive.

Examples
  FAIL  # dehub ignore DH001 legacy base
        FROM node:20
  FAIL  # dehub ignore=DH01,DH002
  FAIL  # dehub ignore=DL3006
  PASS  # hadolint ignore=DL3006
  PASS  # dehub ignore=DH001 legacy base
  PASS  # dehub is run by CI on every pull request
"""

from __future__ import annotations

from dehub.config import is_foreign_code
from dehub.findings import Finding, clip, listing
from dehub.kinds import NAMES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.suppress import InvalidPragma

CODE = "DH902"
NAME = "invalid-suppression"
SEVERITY = "warning"
FIX_SAFETY = "none"
KINDS = NAMES  # every kind has suppression comments
USAGE = "`# dehub ignore=CODE[,CODE...] [reason]` (or `# dehub global ignore=...` for the whole file)"


def check(invalid: InvalidPragma, known_codes: frozenset[str]) -> Finding:
    if invalid.problem:
        message = f"this comment suppresses nothing: {clip(invalid.problem)}; write {USAGE}"
    else:
        foreign = [code for code in invalid.unknown if len(code) == 6 and is_foreign_code(code)]
        unknown = [code for code in invalid.unknown if code not in foreign]
        parts = []
        if unknown:
            several = len(unknown) > 1
            named = listing(f"`{clip(code, 40)}`" for code in unknown)
            parts.append(f"unknown rule code{'s' if several else ''} {named} in this suppression")
        if foreign:
            named = listing(f"`{code}`" for code in foreign)
            parts.append(
                f"{named} {'are' if len(foreign) > 1 else 'is'} hadolint's: a `# dehub` comment does not hide "
                "hadolint's findings"
            )
        message = "; ".join(parts) + f": {'they suppress' if len(invalid.unknown) > 1 else 'it suppresses'} nothing"
        if invalid.known:
            message += f" ({listing(invalid.known)} still {'apply' if len(invalid.known) > 1 else 'applies'})"
        if unknown:
            message += f"; dehub's codes are {', '.join(sorted(known_codes))}"
        if foreign:
            codes = ",".join(code.upper() for code in foreign)  # the comment to write: every code
            message += f"; write `# hadolint ignore={codes}` above the instruction, or list them under `ignore:`"
    return Finding(CODE, NAME, SEVERITY, message, invalid.start, invalid.end)
