"""DH900 parse-error: a file could not be read or parsed.

What it finds
  A file dehub was asked to check but could not: binary content, text that is not UTF-8, a
  file over the size cap (`max-file-size`, 5 MB by default), a path that vanished or cannot
  be read, a directory where a file was expected, and Dockerfiles that BuildKit would
  reject before pulling anything (an unterminated heredoc, `FROM` with the wrong number of
  arguments, an invalid `# escape=` directive).

Why it matters
  A file dehub cannot read is a file whose pulls nobody checked. The finding says which file
  and why; the rest of the run goes on, and nothing is written to a file that has one.

The fix
  Make the file parse (close the heredoc, fix the `FROM` line), convert it to UTF-8, or
  exclude it (`exclude:` in `.dehub.yaml`) if it is not really a Dockerfile.

How to suppress
  `exclude:` the path, or `ignore: [DH900]`. Pragmas cannot suppress it: the file did not
  parse far enough to trust them.

Examples
  FAIL  RUN <<EOF            (no line `EOF` follows)
  FAIL  a file named Dockerfile that holds a PNG image
"""

from __future__ import annotations

from dehub.findings import Finding

CODE = "DH900"
NAME = "parse-error"
SEVERITY = "error"
FIX_SAFETY = "none"


def check(start: int, end: int, message: str) -> Finding:
    return Finding(CODE, NAME, SEVERITY, message, start, end)
