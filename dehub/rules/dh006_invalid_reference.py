"""DH006 invalid-image-reference: the text where an image belongs is not a valid reference.

What it finds
  An image reference that the distribution/reference grammar (the one docker, BuildKit and
  containerd use) rejects: upper case in the repository name (`FROM Node:20`), an empty
  tag (`node:`), a malformed digest, a name over 255 characters; and `COPY --from=$VAR`
  or `RUN --mount=from=$VAR`, which BuildKit refuses to expand.

Why it matters
  The build fails on it. dehub reports it and never rewrites it: a fix to a reference that
  does not parse could only be a guess.

The fix
  Correct the reference by hand. For `--from` with a variable, declare the image in a global
  `ARG`, add a stage `FROM ${IMAGE} AS image`, and copy `--from=image`.

How to suppress
  `# dehub ignore=DH006` before the instruction, `ignore: [DH006]` to turn the rule off.

Examples
  FAIL  FROM Node:20
  FAIL  COPY --from=$BUILDER /out /out
  PASS  FROM node:20
"""

from __future__ import annotations

from dehub.findings import Finding, clip
from dehub.resolve import Subject, finding

CODE = "DH006"
NAME = "invalid-image-reference"
SEVERITY = "error"
FIX_SAFETY = "none"


def check(subject: Subject) -> Finding | None:
    if subject.problem is None:
        return None
    return finding(subject, f"`{clip(subject.image)}` is not a valid image reference: {clip(subject.problem)}")
