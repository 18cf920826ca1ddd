"""Dockerfiles and Containerfiles: every place an image is pulled, with exact spans.

Sites: `FROM` (not stage names, not `scratch`), `COPY --from=<image>`,
`RUN --mount=...,from=<image>` (any mount type: BuildKit resolves `from` for all of them;
also inside `ONBUILD`), and the `# syntax=` parser directive. `FROM` references are
expanded with the global `ARG`s (and `--build-arg` overrides), so a reference that comes
from an `ARG` default keeps the offsets of that default. BuildKit does not expand variables
in `--from` or mount `from=`; such values are reported as invalid rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_right

from ..document import Document, ParseProblem, PragmaComment
from ..expand import Budget, ExpandError, expand
from ..imageuse import ImageUse
from ..patterns import wildcard
from ..source import SourceText
from ..value import UNKNOWN, Value
from .lexer import DIRECTIVE_NAMES, Instruction, directive, lex
from .words import arg_words, builder_flags, csv_fields, fields, flag_value, key_value

# BuildKit defines these in the global scope for every build; their values depend on the platform.
PLATFORM_ARGS = (
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
)  # fmt: skip
FIRST_KEYWORDS = frozenset(("FROM", "ARG"))  # what a Dockerfile starts with, after comments
MAX_STAGE_TESTS = 100_000  # partly unknown FROM values tested against stage names, per file
NO_FROM_EXPANSION = (
    "variable expansion is not supported in --from (BuildKit rejects it); "
    "name the image in a global ARG and a `FROM ${ARG} AS stage`, then copy from the stage"
)


def sniff(text: str) -> bool:
    """A Dockerfile's first instruction (within 200 lines) is `FROM` or `ARG`, in upper case.

    Upper case only, as in virtually every real Dockerfile: prose that starts "From the
    start..." is not one.
    """
    for line in text.splitlines()[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = stripped.split()
        return words[0] in FIRST_KEYWORDS and len(words) > 1
    return False


class DockerfileDocument(Document):
    kind = "dockerfile"

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        lexed = lex(source)
        self.lexed = lexed
        self.problems = list(lexed.errors)
        self.stage_names: list[str | None] = []  # per FROM, in order
        self.base_names: list[Value | None] = []  # per FROM: the image word as written
        for instruction in lexed.instructions:
            if instruction.keyword == "from":
                self._read_from(instruction)

    def _read_from(self, instruction: Instruction) -> None:
        """Split `FROM [flags] image [AS name]` once; the wrong arity is a parse problem."""
        _, rest = builder_flags(instruction.args)
        parts = fields(rest)
        self.base_names.append(parts[0] if parts else None)
        if len(parts) == 3 and parts[1].text.lower() == "as":
            self.stage_names.append(parts[2].text.lower())
            return
        self.stage_names.append(None)
        if len(parts) != 1:
            start = instruction.start
            self.problems.append(
                ParseProblem(start, start + 4, "FROM requires either one or three arguments (`FROM image [AS name]`)")
            )

    def pragmas(self) -> list[PragmaComment]:
        instructions = self.lexed.instructions
        first_lines = [instruction.line for instruction in instructions]
        # Deleting the comment that ends the leading directive block would turn a following
        # `# syntax=`-shaped comment into a live directive, so that one comment stays.
        block_end = len(self.lexed.directives) + 1
        out = []
        for comment in self.lexed.comments:
            at = bisect_right(first_lines, comment.line)
            target = (instructions[at].line, instructions[at].end_line) if at < len(instructions) else (0, 0)
            line_span = self.source.line_span(comment.line)
            end = line_span[1]
            text = self.source.text
            while end > comment.start and text[end - 1] in "\r\n":
                end -= 1
            pragma = PragmaComment(comment.line, comment.start, end, comment.text, line_span, target)
            pragma.removable = not (comment.line == block_end and self._directive_follows(comment.line))
            out.append(pragma)
        return out

    def _directive_follows(self, line: int) -> bool:
        source = self.source
        if line >= len(source.line_starts):
            return False
        start, end = source.line_span(line + 1)
        found = directive(source.text[start:end].rstrip("\r\n"))
        return found is not None and found[0] in DIRECTIVE_NAMES and found[0] not in self.lexed.directives

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        lexed = self.lexed
        escape = lexed.escape
        uses: list[ImageUse] = []
        syntax = lexed.directives.get("syntax")
        if syntax is not None:  # BuildKit takes the text before the first space as the image
            value = syntax.value
            word = value.text.split(None, 1)[0]
            uses.append(_use("syntax", Value(word, value.origins[: len(word)]), value))

        env: dict[str, Value | None] = dict.fromkeys(PLATFORM_ARGS)
        for name in PLATFORM_ARGS:
            if name in build_args:
                env[name] = Value.synthetic(build_args[name])
        all_stages = {name for name in self.stage_names if name}
        earlier_stages: set[str] = set()
        stage_reads: set[str] = set()  # ARGs a FROM reads as a stage name
        stage_index = 0
        budget = Budget(len(self.source.text))
        tests = [MAX_STAGE_TESTS]  # `FROM b1-$X AS s1` ... with thousands of stages was quadratic
        for instruction in lexed.instructions:
            keyword = instruction.keyword
            stages: set[str] | _ChildStages = all_stages
            if keyword == "onbuild":
                keyword, args = _inner(instruction.args)
                if keyword not in ("copy", "run"):
                    continue
                stages = ONBUILD_STAGES  # a trigger runs in the child's build, with the child's stages
            elif keyword in ("copy", "run"):
                if not instruction.text.startswith("--"):  # flags come first or not at all
                    continue
                args = instruction.args
            elif keyword == "from":
                written = self.base_names[stage_index]
                if written is not None:
                    _from(written, env, escape, earlier_stages, uses, stage_reads, budget, tests)
                stage_name = self.stage_names[stage_index]
                stage_index += 1
                if stage_name:
                    earlier_stages.add(stage_name)
                continue
            elif keyword == "arg" and stage_index == 0:
                args = instruction.args
            else:
                continue
            if keyword == "arg":
                if stage_index == 0:
                    _declare_global_args(args, env, build_args, escape, budget)
            elif keyword == "copy":
                flags, _ = builder_flags(args)
                for flag in flags:
                    source = flag_value(flag, "from")
                    if source is not None:
                        _from_flag("copy-from", source, stages, uses)
            elif keyword == "run":
                flags, _ = builder_flags(args)
                for flag in flags:
                    mount = flag_value(flag, "mount")
                    if mount is not None:
                        _mount(mount, stages, uses)
        if stage_reads:  # a fix to that text would turn the stage reference into a pull
            for use in uses:
                names = [name for name in use.value.variables if name in stage_reads]
                if names:
                    use.no_fix = (
                        f"${{{names[0]}}} also names the stage a later FROM builds on, "
                        "which the fix would turn into a pull of this image"
                    )
        return uses


def _from(
    written: Value,
    env: dict[str, Value | None],
    escape: str,
    stages: set[str],
    uses: list[ImageUse],
    stage_reads: set[str],
    budget: Budget,
    tests: list[int],
) -> None:
    """A FROM image word, expanded with the global ARGs: a stage, scratch, or an image use.
    A stage name that comes from ARGs (`FROM ${BASE}` naming stage `node`) is recorded in
    `stage_reads`: an image that takes its name from the same ARG gets no fix, since the fix
    would make this FROM pull the mirror's image instead of building on the stage."""
    try:
        value = expand(written, env, escape, budget)
    except ExpandError as err:
        uses.append(_use("from", written, written, problem=str(err)))
        return
    if value.is_known:
        lowered = value.text.lower()
        if lowered in stages or lowered == "scratch":
            stage_reads.update(value.variables)
            return
    elif _may_be_stage(value, stages, tests):
        return  # `FROM binaries-$TARGETOS` with stages binaries-linux, binaries-darwin, ...
    uses.append(_use("from", value, written))


def parse(source: SourceText) -> DockerfileDocument:
    return DockerfileDocument(source)


def _use(site: str, value: Value, written: Value, problem: str | None = None) -> ImageUse:
    start, end = written.source_span() or (0, 0)
    return ImageUse(site, value, start, end, problem)


def _inner(args: Value) -> tuple[str, Value]:
    """The instruction an ONBUILD carries: (keyword, arguments)."""
    text = args.text
    cut = 0
    while cut < len(text) and not text[cut].isspace():
        cut += 1
    rest = cut
    while rest < len(text) and text[rest].isspace():
        rest += 1
    return text[:cut].lower(), Value(text[rest:], args.origins[rest:])


def _declare_global_args(
    args: Value, env: dict[str, Value | None], build_args: dict[str, str], escape: str, budget: Budget
) -> None:
    for word in arg_words(args, escape):
        text = word.text
        equals = text.find("=")
        name = text if equals == -1 else text[:equals]
        if name in build_args:
            env[name] = Value.synthetic(build_args[name])
        elif equals == -1:
            if name not in env:  # a bare redeclaration keeps an earlier default, as in BuildKit
                env[name] = None
        else:
            default = Value(text[equals + 1 :], word.origins[equals + 1 :])
            try:
                env[name] = expand(default, env, escape, budget)
            except ExpandError:
                env[name] = None


class _ChildStages:
    """The stages an ONBUILD trigger may name: any valid stage name, since they are the child's."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _is_stage_name(name)


ONBUILD_STAGES = _ChildStages()
STAGE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def _is_stage_name(name: str) -> bool:
    """BuildKit's stage-name pattern `^[a-z][a-z0-9-_.]*$` (names are lower-cased first)."""
    return bool(name) and "a" <= name[0] <= "z" and all(char in STAGE_NAME_CHARS for char in name)


def _may_be_stage(value: Value, stages: set[str], tests: list[int]) -> bool:
    """Whether a partly unknown FROM value can only be one of the earlier stages' names.

    The unknown parts become `*`; the pattern must keep some literal text, so that a bare
    `FROM ${BASE}` stays unresolved rather than being taken for any stage. `tests` is what is
    left of the file's MAX_STAGE_TESTS: once spent, a value is not matched any more and stays
    unresolved (reported as unknown, as a value matching no stage is), so thousands of such
    FROMs among thousands of stages cost no more than that.
    """
    pattern: list[str] = []
    for char, origin in zip(value.text, value.origins, strict=True):
        if origin == UNKNOWN:
            if not pattern or pattern[-1] != "*":
                pattern.append("*")
        else:
            pattern.append(char.lower())
    text = "".join(pattern)
    if not text.replace("*", ""):
        return False
    parts = text.split("*")
    for stage in stages:
        tests[0] -= 1
        if tests[0] < 0:
            return False
        if _matches(parts, stage) if "?" not in text else wildcard(text, stage):
            return True
    return False


def _matches(parts: list[str], name: str) -> bool:
    """Whether `name` matches the `*` pattern whose literal parts are `parts` (at least two):
    the first a prefix, the last a suffix, each other one found leftmost after the one before
    (which is exact for `*` alone). Linear in the name, where `patterns.wildcard` backtracks:
    `FROM ${X}a${X}a...` against 2,000-character stage names took 70 s for 700 KB."""
    first, last = parts[0], parts[-1]
    end = len(name) - len(last)
    if end < len(first) or not name.startswith(first) or not name.endswith(last):
        return False
    pos = len(first)
    for part in parts[1:-1]:
        if part:
            found = name.find(part, pos, end)
            if found == -1:
                return False
            pos = found + len(part)
    return True


def _from_flag(site: str, value: Value, stages: set[str] | _ChildStages, uses: list[ImageUse]) -> None:
    """A `--from` or mount `from=` value: a stage name, a stage index (COPY only), or an image."""
    text = value.text
    if not text or text.lower() in stages or (site == "copy-from" and text.isdigit()):
        return
    if "$" in text:
        uses.append(_use(site, value, value, problem=NO_FROM_EXPANSION))
        return
    uses.append(_use(site, value, value))


def _mount(spec: Value, stages: set[str] | _ChildStages, uses: list[ImageUse]) -> None:
    source = None
    for field in csv_fields(spec):
        key, value = key_value(field)
        if key == "from" and value is not None:
            source = value  # a repeated key: the last one wins, as BuildKit parses mounts
    if source is not None:
        _from_flag("mount-from", source, stages, uses)
