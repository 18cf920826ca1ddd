"""Shell scripts (`*.sh`, `*.bash`, and files whose first line is a sh/bash/dash/ksh/zsh shebang).

The whole file goes through the shared script reader (`dehub.shell.events.script_events`), as
a CI kind hands it a `run:` block: `docker|podman|nerdctl pull|run|create`, buildx builders and
`docker-image://` build contexts, with variables the script assigns earlier (`IMAGE=node:20`,
`IMAGE=${IMAGE:-node:20}`, `: "${IMAGE:=node:20}"`) resolved and fixed at their literal. Every
branch of an `if` or `case` counts. Variables the script does not set come from whoever runs
it: unknown (DH003).

A script runs top to bottom, as one job: a `docker login` early in it covers the pulls after
it, so the file is one `Job` whose pulls are step pulls (DH005 and `dehub inventory` read it
like a CI job).
"""

from __future__ import annotations

from .document import Document, PragmaComment
from .pipeline import Job, JobRun, Phase, Pipeline
from .source import SourceText, hash_pragma_comments
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .imageuse import ImageUse

SITE = "shell-script"
SHELLS = frozenset(("sh", "bash", "dash", "ksh", "mksh", "zsh", "ash", "posh", "yash"))
JOB_ID = "script"
NOTES = {
    Phase.STEP: "pulled by this script (a Docker Hub login earlier in the script would also lift the anonymous limit)",
}


def shebang_shell(text: str) -> str | None:
    """The interpreter a `#!` first line names (`bash` for `#!/usr/bin/env -S bash -e`), or
    None without a shebang; "" when it names no interpreter."""
    if not text.startswith("#!"):
        return None
    newline = text.find("\n")
    words = text[2 : len(text) if newline == -1 else newline].split()
    if not words:
        return ""
    program = words[0].rsplit("/", 1)[-1]
    rest = words[1:]
    if program == "env":
        while rest and (rest[0].startswith("-") or "=" in rest[0]):
            rest = rest[1:]  # -S, -i; NAME=value settings
        program = rest[0].rsplit("/", 1)[-1] if rest else ""
    elif program == "busybox" and rest:
        program = rest[0]
    return program


def sniff(text: str) -> bool:
    """The first line is a `#!` naming a POSIX-like shell (sh, bash, dash, ksh, zsh, ash), directly or
    through `env`; not another interpreter."""
    return shebang_shell(text) in SHELLS


class ShellDocument(Document):
    kind = "shell"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.pipeline = Pipeline()
        text = source.text
        interpreter = shebang_shell(text)
        if interpreter not in SHELLS and interpreter is not None:
            return  # `run.sh` that is a Python script, say: not shell, nothing read
        from .shell.events import script_events
        from .tracked import Tracked

        newline = text.find("\n")
        job = Job(JOB_ID, (0, max(0, newline if newline != -1 else len(text))), label="this script", notes=NOTES)
        run = JobRun(job)
        events = script_events(Tracked.plain(Value.literal(text, 0)), {}, interpreter or "bash")
        run.script(0, events, SITE)
        job.runs.append(run.uses)
        self.pipeline.jobs.append(job)

    def pragmas(self) -> list[PragmaComment]:
        return comment_pragmas(self.source)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()


def comment_pragmas(source: SourceText, extents: dict[int, int] | None = None) -> list[PragmaComment]:
    """`# dehub ...` comments (a `#` at a line's start or after a blank), each covering the next
    line that is not blank or a comment, with the lines a trailing `\\` continues it on; a
    comment at the end of a line covers that line. `extents` (first line -> last line) widens
    a statement beyond its continuations (a Makefile rule and its recipe)."""
    text = source.text
    out = []
    last_of: dict[int, int] = {}  # first line -> last: stacked pragmas read a statement once
    for number, start, end, own_line in hash_pragma_comments(source):
        first = source.next_content_line(number) if own_line else number
        if first and first not in last_of:
            last_of[first] = _statement_end(source, first, extents)
        target = (first, last_of[first]) if first else (0, 0)
        pragma = PragmaComment(number, start, end, text[start + 1 : end], source.line_span(number), target)
        pragma.removable = own_line
        out.append(pragma)
    return out


def _line(source: SourceText, number: int) -> str:
    start, end = source.line_span(number)
    return source.text[start:end]


def _statement_end(source: SourceText, first: int, extents: dict[int, int] | None) -> int:
    last = first
    count = len(source.line_starts)
    while last < count and _line(source, last).rstrip("\r\n").endswith("\\"):
        last += 1
    if extents is not None:
        last = max(last, extents.get(first, last))
    return last


def parse(source: SourceText) -> ShellDocument:
    return ShellDocument(source)
