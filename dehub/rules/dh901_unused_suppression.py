"""DH901 unused-suppression: a `# dehub ignore=` comment that suppresses nothing.

What it finds
  With `--show-unused-suppressions` (or when selected explicitly), a suppression pragma none
  of whose codes matched a finding on the instruction it precedes (or, for `# dehub global
  ignore=`, anywhere in the file). Typically the image was moved to the mirror and the
  comment stayed behind.

Why it matters
  Stale suppressions hide the next real finding on that line.

The fix
  Delete the comment. `--fix` does so (a safe fix) when none of its codes is used; when only
  some are, remove those codes by hand.

How to suppress
  Do not pass `--show-unused-suppressions`; it is off by default.

Examples
  FAIL  # dehub ignore=DH001 legacy base
        FROM public.ecr.aws/docker/library/node:20
"""

from __future__ import annotations

from dehub.document import PragmaComment
from dehub.findings import Edit, Finding, Fix, listing

CODE = "DH901"
NAME = "unused-suppression"
SEVERITY = "info"
FIX_SAFETY = "safe"
ENABLED_BY_DEFAULT = False


def check(pragma: PragmaComment, unused: list[str], all_unused: bool) -> Finding:
    fix = Fix((Edit(pragma.line_start, pragma.line_end, ""),), "safe") if all_unused and pragma.removable else None
    codes = listing(unused)
    message = f"suppression of {codes} suppresses nothing; remove {'the comment' if all_unused else 'those codes'}"
    return Finding(CODE, NAME, SEVERITY, message, pragma.start, pragma.end, fix=fix)
