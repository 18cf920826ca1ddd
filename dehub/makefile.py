"""Makefiles (`Makefile`, `GNUmakefile`, `makefile`, `*.mk`): the shell in their recipes.

A small reader of GNU make syntax that keeps offsets: rules (`targets: prerequisites`, an
inline `; recipe`), recipe lines (tab-prefixed, or `.RECIPEPREFIX`), `\\` continuations, `#`
comments, `define`/`endef`, assignments (`=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=`, with
`override` and `export`) and target-specific ones (`build: IMAGE := node:20`). Conditionals
are not evaluated: every branch is read, in file order.

Make expands a recipe line before the shell runs it, after reading the whole file: `$(VAR)`
and `${VAR}` take the variable's last value (a `:=` one as it was then), `$$` is one `$` for
the shell; functions (`$(shell ...)`, `$(call ...)`), substitution references, automatic
variables (`$@`) and variables the file does not set are unknown. The `@`, `-` and `+`
prefixes are stripped. Each recipe line is then a shell script of its own (all of a rule's
lines are one under `.ONESHELL`), read by the shared script reader with the exported make
variables as its environment. A value's characters keep the offsets they were written at,
so an image that comes from `IMAGE ?= node:20` is fixed in that assignment.

Each rule with a recipe is a job (its recipe lines run in order, a `docker login` early in
it covers the lines after it), so DH005 and `dehub inventory` read a Makefile per target.
"""

from __future__ import annotations

from .document import Document, ParseProblem, PragmaComment
from .expand import MAX_EXPANDED, Budget, fits
from .pipeline import Job, JobRun, Phase, Pipeline
from .source import SourceText
from .value import SYNTHETIC, UNKNOWN, Builder, Value, join_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .imageuse import ImageUse
    from .shell.events import ScriptEvent
    from .tracked import Tracked

SITE = "make-recipe"
MAX_DEPTH = 40  # recursive variables nested deeper than this are unknown (make would loop)
MAX_VALUE = MAX_EXPANDED
MAX_ENV_LOOKUPS = 100_000  # exported variables worked out again for rules with variables of their own
MAX_LOOKUPS = 10_000  # variable references one expansion follows
CONDITIONALS = frozenset(("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"))
IGNORED_DIRECTIVES = frozenset(("include", "-include", "sinclude", "vpath", "unexport", "undefine", "load"))
ASSIGN_OPS = (":::=", "::=", ":=", "?=", "+=", "!=", "=")  # longest first
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/")
SHELLS = frozenset(("sh", "bash", "dash", "ksh", "mksh", "zsh", "ash", "busybox"))
READ_JOB = "(read)"
READ_NOTES = {
    Phase.STEP: "pulled by a `$(shell ...)` that make runs while it reads the Makefile, whatever the target",
}
NOTES = {
    Phase.STEP: "pulled by this recipe line (a Docker Hub login in an earlier line of the recipe "
    "would also lift the anonymous limit)",
}


class Variable:
    __slots__ = ("value", "recursive", "exported")

    def __init__(self, value: Value | None, recursive: bool, exported: bool = False) -> None:
        self.value = value  # as written (recursive) or expanded (simple); None: unknown (`!=`)
        self.recursive = recursive
        self.exported = exported


class Rule:
    __slots__ = ("targets", "start", "end", "line", "recipe", "last_line")

    def __init__(self, targets: list[str], span: tuple[int, int], line: int) -> None:
        self.targets = targets
        self.start, self.end = span  # the targets as written
        self.line = line
        self.recipe: list[Value] = []  # each recipe line as written: prefix and `@-+` removed
        self.last_line = line


class MakefileDocument(Document):
    kind = "makefile"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.pipeline = Pipeline()
        self.variables: dict[str, Variable] = {}
        self.target_variables: dict[str, list[tuple[str, str, Value, bool]]] = {}
        self.rules: list[Rule] = []
        self.oneshell = False
        self.export_all = False
        self.exported: set[str] = set()  # names `export NAME` exports before (or without) a value
        self.prefix = "\t"
        self.read_scripts: list[Value] = []  # `$(shell ...)` make runs while it reads the file (`:=`, `!=`)
        self.budget = Budget(len(source.text))  # what all expansions in the file may copy
        self._dynamic: list[str] | None = None  # variables whose value reads others (`_overlaid`)
        self._env_lookups = MAX_ENV_LOOKUPS
        self._unknown_dynamic: dict[str, Value | None] | None = None  # past MAX_ENV_LOOKUPS
        self._read()
        self._scripts()

    # -- reading ----------------------------------------------------------------------------

    def _read(self) -> None:
        text = self.source.text
        starts = self.source.line_starts
        count = len(starts)
        rule: Rule | None = None
        index = 0
        while index < count:
            start = starts[index]
            if start >= len(text):
                break
            line_end = _line_end(text, start)
            if rule is not None and text.startswith(self.prefix, start):
                index = self._recipe_line(rule, index, start + len(self.prefix))
                continue
            stripped = text[start:line_end].strip()
            if not stripped or (stripped.startswith("#") and not text[start:line_end].endswith("\\")):
                index += 1
                continue
            logical, index = self._logical_line(index)
            words = logical.text.split(None, 1)
            first = words[0] if words else ""
            if first in CONDITIONALS:
                continue
            if first == "define" or (first in ("override", "export") and _second_word(logical.text) == "define"):
                index = self._define(logical, index)
                rule = None
                continue
            if first in IGNORED_DIRECTIVES or first == "endef":
                rule = None
                continue
            rule = self._statement(logical, index)  # any other line ends a rule's recipe

    def _logical_line(self, index: int) -> tuple[Value, int]:
        """A line outside recipes with its continuations (`\\`, the newline and the blanks around
        it become one space) and its comment removed; and the index of the line after it."""
        text = self.source.text
        starts = self.source.line_starts
        out = Builder()
        while True:
            start = starts[index]
            end = _line_end(text, start)
            index += 1
            body_end = end
            while body_end > start and text[body_end - 1] in "\r":
                body_end -= 1
            slashes = _trailing_backslashes(text, start, body_end)
            continued = slashes % 2 == 1 and index < len(starts)
            stop = body_end - 1 if continued else body_end
            comment = _comment_at(text, start, stop)
            if comment != -1:
                stop = comment
            pos = start
            if out.chars:  # blanks at the start of a continued line fold into the space
                while pos < stop and text[pos] in " \t":
                    pos += 1
            _add_run(out, text, pos, stop)
            if not continued or comment != -1:
                if comment != -1 and continued:  # a comment swallows its continuations too
                    while index < len(starts) and _continued(text, starts[index - 1]):
                        index += 1
                break
            while out.chars and out.chars[-1] in (" ", "\t"):
                out.chars.pop()
                out.origins.pop()
            out.add(" ", SYNTHETIC)
        return out.build(), index

    def _recipe_line(self, rule: Rule, index: int, start: int) -> int:
        """A recipe line from `start` (after the prefix) with its continuations, kept as the
        shell sees them (`\\` and newline kept, the next line's prefix removed)."""
        text = self.source.text
        starts = self.source.line_starts
        out = Builder()
        pos = start
        while pos < len(text) and text[pos] in " \t@-+":
            pos += 1
        while True:
            end = _line_end(text, starts[index])
            index += 1
            body_end = end
            while body_end > pos and text[body_end - 1] == "\r":
                body_end -= 1
            continued = _trailing_backslashes(text, pos, body_end) % 2 == 1 and index < len(starts)
            stop = end + 1 if continued and end < len(text) else end
            _add_run(out, text, pos, stop)
            if not continued:
                break
            pos = starts[index]
            if text.startswith(self.prefix, pos):
                pos += len(self.prefix)
        rule.recipe.append(out.build())
        rule.last_line = index
        return index

    def _define(self, header: Value, index: int) -> int:
        """`define NAME [op]` ... `endef`: the lines between are the value."""
        text = self.source.text
        starts = self.source.line_starts
        words = header.text.split()
        modifiers = set()
        while words and words[0] in ("override", "export"):
            modifiers.add(words.pop(0))
        name = words[1] if len(words) > 1 else ""
        op = words[2] if len(words) > 2 else "="
        depth = 0
        body_start = starts[index] if index < len(starts) else len(text)
        while index < len(starts):
            start = starts[index]
            end = _line_end(text, start)
            word = text[start:end].strip().split(None, 1)
            index += 1
            if word and word[0] == "define":
                depth += 1
            elif word and word[0] == "endef":
                if depth == 0:
                    body_end = start - 1 if start > body_start else start
                    if body_end > body_start and text[body_end - 1] == "\r":
                        body_end -= 1
                    if name:
                        body = Value(text[body_start:body_end], list(range(body_start, body_end)))
                        self._assign(name, op if op in ASSIGN_OPS else "=", body, "export" in modifiers)
                    return index
                depth -= 1
        where = header.source_span() or (0, 0)
        self.problems.append(ParseProblem(where[0], where[1], "`define` without `endef`"))
        return index

    def _statement(self, logical: Value, index: int) -> Rule | None:
        """An assignment (None), or a rule (returned, so its recipe lines can follow)."""
        text = logical.text
        stripped_at = len(text) - len(text.lstrip())
        words = text[stripped_at:].split(None, 1)
        exported = False
        while words and words[0] in ("override", "export") and len(words) > 1:
            exported = exported or words[0] == "export"
            stripped_at = text.index(words[1], stripped_at + len(words[0]))
            words = text[stripped_at:].split(None, 1)
        if words and words[0] == "export" and len(words) == 1:
            self.export_all = True
            return None
        rest = Value(text[stripped_at:], logical.origins[stripped_at:])
        split = _split_assignment(rest.text)
        if split is not None:
            name_end, op, value_start = split
            self._assign(rest.text[:name_end].strip(), op, _trimmed(rest, value_start), exported)
            return None
        colon = _top_level(rest.text, ":")
        if exported and colon == -1:  # `export NAME OTHER`: exported, their values set elsewhere
            for name in rest.text.split():
                self.exported.add(name)
                if name in self.variables:
                    self.variables[name].exported = True
            return None
        if colon == -1:
            return None  # a line make would reject ("missing separator"), or a function call alone
        targets_text = rest.text[:colon]
        after = colon + 1
        if rest.text.startswith(":", after):
            after += 1  # a double-colon rule
        targets = targets_text.split()
        span = rest.source_span() or (0, 0)
        rule = Rule(targets, (span[0], span[0] + len(targets_text.rstrip())), self.source.position(span[0])[0])
        if ".ONESHELL" in targets:
            self.oneshell = True
        if ".EXPORT_ALL_VARIABLES" in targets:
            self.export_all = True
        tail = Value(rest.text[after:], rest.origins[after:])
        semicolon = _top_level(tail.text, ";")
        inner = _split_assignment(tail.text[:semicolon] if semicolon != -1 else tail.text)
        if inner is not None and (semicolon == -1 or inner[2] <= semicolon):
            name_end, op, value_start = inner
            words = tail.text[:name_end].split()
            override = bool(words) and words[0] in ("override", "export")
            name = words[-1] if words else ""
            value = _trimmed(tail, value_start)
            for target in targets:
                self.target_variables.setdefault(target, []).append((name, op, value, override))
            return None
        if semicolon != -1:
            inline = Value(tail.text[semicolon + 1 :], tail.origins[semicolon + 1 :])
            rule.recipe.append(_strip_recipe_prefix(inline))
        rule.last_line = index
        self.rules.append(rule)
        return rule

    def _assign(self, name: str, op: str, value: Value, exported: bool) -> None:
        if not name or "$" in name:
            return
        if name == ".RECIPEPREFIX":
            self.prefix = value.text[:1] or "\t"
        exported = exported or name in self.exported
        if op == "!=":  # the value is a shell command, run now
            self.read_scripts.append(self._expand_value(value))
        self.variables[name] = assigned(self.variables.get(name), op, value, exported, self._expand_value)

    def _expand_value(self, value: Value) -> Value:
        return Expander(self.variables, self.read_scripts, self.budget).expand(value)

    # -- the recipes as scripts -------------------------------------------------------------

    def _scripts(self) -> None:
        from .shell.events import script_events

        shell = self.variables.get("SHELL")
        dialect = "sh"
        if shell is not None:
            shell_value = None
            if shell.value is not None:
                shell_value = Expander(self.variables, None, self.budget).expand(shell.value)
            if shell_value is None or not shell_value.is_known:
                return  # a shell dehub cannot name: its syntax is unknown
            from .shellscript import shebang_shell

            dialect = shebang_shell("#!" + shell_value.text.strip()) or "sh"  # `/usr/bin/env bash` too
            if dialect not in SHELLS:
                return
        read: list[tuple[Rule, list[list[ScriptEvent]]]] = []
        file_env: dict[str, Value | None] | None = None  # the same for every rule without its own variables
        for rule in self.rules:
            if not rule.recipe:
                continue
            variables = self._rule_variables(rule)
            expander = Expander(variables, None, self.budget)
            if file_env is None:
                file_env = self._exported(self.variables, Expander(self.variables, None, self.budget))
            env = file_env if variables is self.variables else self._overlaid(file_env, variables, rule, expander)
            lines = [join_lines(rule.recipe)] if self.oneshell else rule.recipe
            steps = []
            for line in lines:
                expander.scripts = []
                tracked = expander.tracked(line)
                events = [event for script in expander.scripts for event in _plain_events(script, dialect)]
                steps.append(events + script_events(tracked, env, dialect))  # make runs $(shell) first
            read.append((rule, steps))
        # An image a rule builds or tags is local for every rule: `make run` runs what `make
        # image` built (as a prerequisite, or by hand before), not an image from a registry.
        made: set[str] = set()
        for _, steps in read:
            run = JobRun(Job("", (0, 0)))
            for step, events in enumerate(steps):
                run.script(step, events, SITE)
            made |= run.local
        if self.read_scripts:
            job = Job(READ_JOB, (0, 0), label="reading the Makefile", notes=READ_NOTES)
            run = JobRun(job)
            for step, script in enumerate(self.read_scripts):
                run.script(step, _plain_events(script, dialect), SITE)
            job.runs.append(run.uses)
            self.pipeline.jobs.append(job)
        for rule, steps in read:
            job_id = " ".join(rule.targets) or "(no target)"
            job = Job(job_id, (rule.start, rule.end), label=f"target `{job_id}`", notes=NOTES)
            run = JobRun(job)
            run.local = set(made)
            for step, events in enumerate(steps):
                run.script(step, events, SITE)
            job.runs.append(run.uses)
            self.pipeline.jobs.append(job)

    def _exported(self, variables: dict[str, Variable], expander: Expander) -> dict[str, Value | None]:
        """The make variables a recipe's shell sees in its environment (`export`, or all); they
        share one lookup budget, and each recipe line then gets its own (`Expander.tracked`)."""
        env: dict[str, Value | None] = {}
        for name, variable in variables.items():
            if (variable.exported or self.export_all) and name.replace("_", "a").isalnum():
                env[name] = expander.variable(name)
        return env

    def _overlaid(
        self, file_env: dict[str, Value | None], variables: dict[str, Variable], rule: Rule, expander: Expander
    ) -> dict[str, Value | None]:
        """The environment of a rule with variables of its own: the file's (not copied), with
        those names and the exported variables whose value reads others (`E = $(X)`) worked
        out again. Working out every exported variable for every such rule was quadratic
        (2,000 of each, 122 KB: 7.7 s); past MAX_ENV_LOOKUPS for the file, the values that
        would be worked out again are unknown instead."""
        from .shell.variables import Scope

        if self._dynamic is None:
            self._dynamic = [
                name for name, variable in self.variables.items()
                if (variable.exported or self.export_all) and name.replace("_", "a").isalnum()
                and variable.recursive and variable.value is not None and "$" in variable.value.text
            ]  # fmt: skip
        dynamic = self._dynamic
        changed: dict[str, Value | None] = {}
        parent: dict[str, Value | None] = file_env
        if len(dynamic) <= self._env_lookups:
            self._env_lookups -= len(dynamic)
            for name in dynamic:
                changed[name] = expander.variable(name)
        else:
            if self._unknown_dynamic is None:
                self._unknown_dynamic = Scope(dict.fromkeys(dynamic), file_env)
            parent = self._unknown_dynamic
        for target in rule.targets:
            for name, _, _, _ in self.target_variables.get(target, ()):
                variable = variables.get(name)
                if variable is not None and (variable.exported or self.export_all) and name.replace("_", "a").isalnum():
                    changed[name] = expander.variable(name)
        return Scope(changed, parent)

    def _rule_variables(self, rule: Rule) -> dict[str, Variable]:
        own = [assignment for target in rule.targets for assignment in self.target_variables.get(target, ())]
        if not own:
            return self.variables
        variables = _Layered(self.variables)  # not a copy: thousands of rules, each copying all, was quadratic
        for name, op, value, override in own:
            if name and "$" not in name:
                variables[name] = assigned(
                    variables.get(name), op, value, override, Expander(variables, None, self.budget).expand
                )
        return variables

    def pragmas(self) -> list[PragmaComment]:
        from .shellscript import comment_pragmas

        extents = {rule.line: rule.last_line for rule in self.rules if rule.last_line > rule.line}
        return comment_pragmas(self.source, extents)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()


def assigned(
    before: Variable | None, op: str, value: Value, exported: bool, expand: Callable[[Value], Value]
) -> Variable:
    """The variable after `NAME op value`."""
    exported = exported or (before is not None and before.exported)
    if op == "?=":
        return before if before is not None else Variable(value, True, exported)
    if op == "+=" and before is not None:
        if before.value is None:
            return Variable(None, before.recursive, exported)
        joined = Builder()
        joined.extend(before.value)
        if before.value.text and value.text:
            joined.add(" ", SYNTHETIC)
        joined.extend(value if before.recursive else expand(value))
        built = joined.build()
        return Variable(built if len(built.text) <= MAX_VALUE else None, before.recursive, exported)
    if op == "!=":
        return Variable(None, False, exported)
    if op in ("=", "+="):
        return Variable(value, True, exported)
    return Variable(expand(value), False, exported)  # :=, ::=, :::=


class _Layered(dict[str, Variable]):
    """A rule's own variables over the file's, which are read through, never copied."""

    __slots__ = ("base",)

    def __init__(self, base: dict[str, Variable]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, name: str) -> Variable:
        return self.base[name]

    def get(self, name: str, default: Variable | None = None) -> Variable | None:  # type: ignore[override]
        return dict.get(self, name) or self.base.get(name, default)


class Expander:
    """Make's expansion of a text with the file's variables, keeping each character's origin."""

    __slots__ = ("variables", "depth", "budget", "scripts", "chars")

    def __init__(
        self, variables: dict[str, Variable], scripts: list[Value] | None = None, chars: Budget | None = None
    ) -> None:
        self.variables = variables
        self.scripts = scripts  # where the arguments of `$(shell ...)` go, expanded, when collected
        self.depth = 0
        self.budget = MAX_LOOKUPS  # `A = $(B)$(B)`, `B = $(C)$(C)`, ... must not take forever
        # `A := $(B)$(B)` doubles per line without a lookup to count: each value is capped at
        # MAX_EXPANDED characters, and the file's budget bounds what all expansions copy
        self.chars = chars

    def expand(self, value: Value) -> Value:
        out = Builder()
        self._run(value, out, None)
        return out.build()

    def tracked(self, value: Value) -> Tracked:
        """A recipe line expanded, each character knowing where it was written in the line."""
        from .tracked import Tracked

        self.budget = MAX_LOOKUPS  # each line has its own: earlier lines do not use it up
        out = Builder()
        written: tuple[list[int], list[int]] = ([], [])
        self._run(value, out, written)
        return Tracked(out.build(), written[0], written[1])

    def variable(self, name: str) -> Value | None:
        """A variable's value as a recipe sees it; None when unknown."""
        variable = self.variables.get(name)
        if variable is None or variable.value is None:
            return None
        found = self._value(variable)
        return found if found.is_known else None

    def _value(self, variable: Variable) -> Value:
        assert variable.value is not None
        if not variable.recursive or "$" not in variable.value.text:
            return variable.value
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                shown = variable.value.text
                return Value(shown, [UNKNOWN] * len(shown), (), ("(recursive)",))
            return self.expand(variable.value)
        finally:
            self.depth -= 1

    def _run(self, value: Value, out: Builder, written: tuple[list[int], list[int]] | None) -> None:
        text, origins = value.text, value.origins
        size = len(text)
        pos = 0
        while pos < size:
            dollar = text.find("$", pos)
            stop = size if dollar == -1 else dollar
            if stop > pos:
                out.chars.append(text[pos:stop])
                out.origins.extend(origins[pos:stop])
                if written is not None:
                    written[0].extend(origins[pos:stop])
                    written[1].extend(origin + 1 if origin >= 0 else origin for origin in origins[pos:stop])
                pos = stop
            if pos >= size:
                break
            before = len(out.origins)
            end = self._reference(text, origins, pos, out)
            if written is not None:
                first = origins[pos]
                last = origins[end - 1]
                added = len(out.origins) - before
                if text.startswith("$$", pos):  # `$$`: one `$`, written as two characters
                    written[0].append(first)
                    written[1].append(last + 1 if last >= 0 else last)
                else:
                    written[0].extend([first] * added)
                    written[1].extend([last + 1 if last >= 0 else last] * added)
            pos = end

    def _reference(self, text: str, origins: list[int], pos: int, out: Builder) -> int:
        """`$$`, `$X`, `$(...)` or `${...}` at `pos`: its expansion into `out`; the position after it."""
        size = len(text)
        if pos + 1 >= size:
            out.add("$", origins[pos])
            return size
        char = text[pos + 1]
        if char == "$":
            out.add("$", origins[pos])
            return pos + 2
        if char not in "({":
            self._lookup(char, text[pos : pos + 2], origins[pos : pos + 2], out)
            return pos + 2
        close_char = ")" if char == "(" else "}"
        depth = 0
        end = pos + 2
        while end < size:
            if text[end] == char:
                depth += 1
            elif text[end] == close_char:
                if depth == 0:
                    break
                depth -= 1
            end += 1
        if end >= size:  # unterminated: make stops with an error; the rest is unknown
            out.add_unknown(text[pos:], text[pos + 2 :] or "$")
            return size
        inner = text[pos + 2 : end]
        if self.scripts is not None and inner.startswith(("shell ", "shell\t")):
            self.scripts.append(self.expand(Value(text[pos + 8 : end], origins[pos + 8 : end])))
        end += 1
        if inner and all(c in NAME_CHARS for c in inner):
            self._lookup(inner, text[pos:end], origins[pos:end], out)
        else:  # a function, a substitution reference, a computed name: unknown
            word = inner.split(None, 1)[0] if inner.strip() else inner
            out.add_unknown(text[pos:end], word.split(":", 1)[0] or "$")
        return end

    def _lookup(self, name: str, shown: str, origins: list[int], out: Builder) -> None:
        variable = self.variables.get(name)
        self.budget -= 1
        if variable is None or variable.value is None or self.budget < 0:
            out.add_unknown(shown, name)
            return
        found = self._value(variable)
        if not fits(out, found, self.chars):
            out.add_unknown(shown, name)
            return
        out.extend(found)
        out.variables.append(name)


def _plain_events(script: Value, dialect: str) -> list[ScriptEvent]:
    """The events of a `$(shell ...)` script: its characters were written where they come from."""
    from .shell.events import script_events
    from .tracked import Tracked

    return script_events(Tracked.plain(script), {}, dialect)


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _continued(text: str, start: int) -> bool:
    end = _line_end(text, start)
    body_end = end - 1 if end > start and text[end - 1] == "\r" else end
    return _trailing_backslashes(text, start, body_end) % 2 == 1


def _trailing_backslashes(text: str, start: int, end: int) -> int:
    count = 0
    while end - count > start and text[end - count - 1] == "\\":
        count += 1
    return count


def _comment_at(text: str, start: int, end: int) -> int:
    """Where a make comment starts in text[start:end] (`#` not escaped as `\\#`); -1 if none."""
    at = text.find("#", start, end)
    while at != -1:
        if _trailing_backslashes(text, start, at) % 2 == 0:
            return at
        at = text.find("#", at + 1, end)
    return -1


def _add_run(out: Builder, text: str, start: int, end: int) -> None:
    if end > start:
        out.chars.append(text[start:end])
        out.origins.extend(range(start, end))


def _second_word(text: str) -> str:
    words = text.split()
    while words and words[0] in ("override", "export"):
        words.pop(0)
    return words[0] if words else ""


def _top_level(text: str, char: str) -> int:
    """The first `char` outside `$(...)` / `${...}`; -1 if none."""
    depth = 0
    pos = 0
    size = len(text)
    while pos < size:
        current = text[pos]
        if current == "$" and pos + 1 < size and text[pos + 1] in "({":
            depth += 1
            pos += 2
            continue
        if current in ")}" and depth:
            depth -= 1
        elif current == char and not depth:
            return pos
        pos += 1
    return -1


def _split_assignment(text: str) -> tuple[int, str, int] | None:
    """(end of the name, the operator, start of the value) when `text` assigns a variable: the
    first top-level `=` comes before any `:` that is not part of the operator."""
    equals = _top_level(text, "=")
    if equals == -1:
        return None
    colon = _top_level(text, ":")
    for op in ASSIGN_OPS:
        op_start = equals + 1 - len(op)
        if op_start >= 0 and text.startswith(op, op_start):
            if colon != -1 and colon < op_start:
                return None  # `target: NAME = value`, a rule
            name = text[:op_start]
            if not name.strip() or (len(name.split()) > 1 and name.split()[0] not in ("override", "export")):
                return None
            return op_start, op, equals + 1
    return None


def _trimmed(value: Value, start: int) -> Value:
    """value[start:] without the blanks around it (make drops leading blanks; trailing ones are
    dropped too, as no image has them)."""
    text = value.text
    end = len(text)
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return Value(text[start:end], value.origins[start:end])


def _strip_recipe_prefix(value: Value) -> Value:
    text = value.text
    start = 0
    while start < len(text) and text[start] in " \t@-+":
        start += 1
    return Value(text[start:], value.origins[start:])


def parse(source: SourceText) -> MakefileDocument:
    return MakefileDocument(source)
