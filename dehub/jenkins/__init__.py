"""Jenkinsfiles (declarative and scripted pipelines), read from their Groovy tokens.

Pulls: a declarative `agent { docker { image '...' } }` or `agent { docker '...' }` (pulled
when the agent starts, before the stage's steps; `registryUrl` names where from), a Kubernetes
`containerTemplate(image: '...')`; the Docker Pipeline plugin's `docker.image('...')` when it
is `.inside`, `.pull()`, `.run()` or `.withRun()` (directly, or through the variable it was
assigned to), from the registry of an enclosing `docker.withRegistry(...)`; the Docker plugin's
`dockerNode('...')` agent; and what `sh`
scripts pull (`sh 'docker pull ...'`, `sh(script: ...)`), read by the shared script reader.
Not pulls: `agent { dockerfile ... }` and `docker.build(...)` (built from a Dockerfile,
which is checked as a Dockerfile), `.push()`, `.tag()`, `bat`/`powershell` scripts.

Values: a GString's `${NAME}` / `$NAME` / `${env.NAME}` / `${params.NAME}` takes a literal
written in the file (`def NAME = '...'`, `NAME = '...'`, `environment { NAME = '...' }`,
`env.NAME = '...'`, a `string(name: 'NAME', defaultValue: '...')` parameter) when the file
gives it exactly one; otherwise it is unknown (DH003). Single-quoted scripts are the shell's:
their `$NAME` reads the environment (`environment {}` and `env.NAME` literals, and the
`withEnv(['NAME=value'])` around the script). The whole file is one job: Jenkins runs its
stages in order on agents it starts for them.
"""

from __future__ import annotations

from bisect import bisect_left

from ..document import Document, ParseProblem, PragmaComment
from ..envchain import Chain, Lazy
from ..expand import Budget, fits
from ..imageuse import ImageUse
from ..pipeline import EventKind, Job, JobRun, Phase, Pipeline, local_image
from ..reference import HUB_ALIASES
from ..shell.events import script_events
from ..source import SourceText
from ..tracked import Tracked, TrackedBuilder
from ..value import UNKNOWN, Value
from .lexer import IDENT, NEWLINE, OP, STRING, Literal, Placeholder, Token, tokenize

NOTES = {
    Phase.SETUP: "pulled by Jenkins when the agent starts, before the stage's steps, so a `docker login` in an "
    "`sh` step cannot cover it (only the mirror, or registry credentials on the agent, such as `registryCredentialsId` "
    "or a pod's `imagePullSecrets`, can)",
}
FIRST_WORDS = ("pipeline {", "pipeline{", "node {", "node{", "node(", "node (", "@Library", "podTemplate(",
               "properties([")  # fmt: skip
PULLERS = frozenset(("inside", "pull", "run", "withRun"))  # Docker Pipeline methods that pull the image
SCRIPT_STEPS = frozenset(("sh",))  # `bat` and `powershell` are not sh
OPENERS = {"(": ")", "[": "]", "{": "}"}
UNKNOWN_REGISTRY = Value("<registry>/", [UNKNOWN] * 11, (), ("the registry URL",))
MAX_DEPTH = 8  # a variable defined through others, this deep at most


def sniff(text: str) -> bool:
    """A Jenkinsfile starts (after comments) with `pipeline {`, `node {` / `node(...)`, `podTemplate(`,
    `properties([` or `@Library`, or has a `pipeline {` line in its first 200 lines."""
    lines = text.splitlines()[:200]
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", "/*", "*", "#!")):
            continue
        if stripped.startswith(FIRST_WORDS):
            return True
        break
    return any(line.rstrip().replace("{", " {").split() == ["pipeline", "{"] for line in lines)


class JenkinsDocument(Document):
    kind = "jenkinsfile"
    pipeline: Pipeline

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.pipeline = Pipeline()
        tokens, self.comments, error = tokenize(source.text)
        if error is not None:
            end = min(error.start + 1, len(source.text))
            self.problems.append(ParseProblem(error.start, end, f"invalid Groovy: {error.message}"))
        self.tokens = [token for token in tokens if token.kind != NEWLINE]
        self.line_break_before = _line_breaks(tokens)
        self.matching = _bracket_pairs(self.tokens)
        self.groovy: dict[str, list[Token | None]] = {}  # names -> the literals assigned to them
        self.shell: dict[str, list[Token | None]] = {}  # the environment a script sees
        self.params: dict[str, list[Token | None]] = {}
        self._looked_up: dict[tuple[int, str], Value | None] = {}  # (scope, name) -> its value, once each
        self._resolving: set[tuple[int, str]] = set()  # names being resolved: a cycle is unknown
        # Each name is worked out once, but `A1 = "${A0}${A0}"`, `A2 = "${A1}${A1}"`, ... still
        # doubles per line: a value stays within MAX_EXPANDED characters and this file's budget.
        self.budget = Budget(len(source.text))
        self._read_definitions()
        # what a script's `$NAME` reads: worked out on its first read, never copied per script
        self.environment = Lazy(self.shell, lambda name, _: self.lookup(name, self.shell, 0))
        first = self.tokens[0] if self.tokens else None
        span = (first.start, first.end) if first is not None else (0, 0)
        self.job = Job("pipeline", span, label="the pipeline", notes=NOTES)
        self.pipeline.jobs.append(self.job)
        self.run = JobRun(self.job)
        self.step = 0
        self.images: dict[str, tuple[Value, tuple[int, int]]] = {}  # variables holding docker.image(...)
        self.registries: list[tuple[int, Value | None]] = []  # withRegistry blocks: (closing index, registry)
        self.with_env: list[tuple[int, dict[str, Value | None]]] = []  # withEnv blocks: (closing index, values)
        self._read()
        self.job.runs.append(self.run.uses)

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.pipeline.image_uses()

    # --- tokens ---------------------------------------------------------------------------

    def _at(self, index: int, kind: str, text: str | None = None) -> bool:
        tokens = self.tokens
        if index < 0 or index >= len(tokens):
            return False
        token = tokens[index]
        return token.kind == kind and (text is None or token.text == text)

    def _ends_statement(self, index: int) -> bool:
        """Whether the token at `index` ends an expression (a line break, `;`, `}` or the end follows)."""
        after = index + 1
        return (after >= len(self.tokens) or self.line_break_before[after]
                or self._at(after, OP, ";") or self._at(after, OP, "}") or self._at(after, OP, ")"))  # fmt: skip

    # --- definitions ----------------------------------------------------------------------

    def _read_definitions(self) -> None:
        """Every `NAME = 'literal'` (with `def`, a type, `env.`, or in `environment {}`) and
        `string(name: ..., defaultValue: ...)` parameter: what the file gives each name."""
        tokens = self.tokens
        environment_ends: list[int] = []
        for index, token in enumerate(tokens):
            while environment_ends and index > environment_ends[-1]:
                environment_ends.pop()
            if token.kind == IDENT and token.text == "environment" and self._at(index + 1, OP, "{"):
                environment_ends.append(self.matching.get(index + 1, len(tokens)))
                continue
            if token.kind == IDENT and token.text in ("string", "text") and self._at(index + 1, OP, "("):
                self._parameter(index + 1)
                continue
            if not (token.kind == OP and token.text == "=" and self._at(index - 1, IDENT)):
                continue
            if self._at(index + 1, OP, "=") or self._at(index - 2, OP, "=") or self._at(index - 2, OP, "!"):
                continue  # `==`
            name = tokens[index - 1].text
            is_env = self._at(index - 2, OP, ".") and self._at(index - 3, IDENT, "env")
            if self._at(index - 2, OP, ".") and not is_env:
                continue  # `obj.prop = ...`
            value = tokens[index + 1] if self._at(index + 1, STRING) and self._ends_statement(index + 1) else None
            self.groovy.setdefault(name, []).append(value)
            if is_env or environment_ends:
                self.shell.setdefault(name, []).append(value)

    def _parameter(self, open_index: int) -> None:
        close = self.matching.get(open_index)
        if close is None:
            return
        named = self._named_arguments(open_index, close)
        name = named.get("name")
        if name is not None and name.is_literal:
            default = named.get("defaultValue")
            self.params.setdefault(_literal_text(name), []).append(default)

    def _named_arguments(self, open_index: int, close: int) -> dict[str, Token]:
        """`(a: 'x', b: "y")`: the string arguments by name, at the top level of the call."""
        out: dict[str, Token] = {}
        index = open_index + 1
        depth = 0
        while index < close:
            token = self.tokens[index]
            if token.kind == OP and token.text in OPENERS:
                depth += 1
            elif token.kind == OP and token.text in ")]}":
                depth -= 1
            elif (depth == 0 and token.kind == IDENT and self._at(index + 1, OP, ":")
                  and self._at(index + 2, STRING)):  # fmt: skip
                after = index + 3
                if after >= close or self._at(after, OP, ","):
                    out[token.text] = self.tokens[index + 2]
            index += 1
        return out

    def lookup(self, name: str, scope: dict[str, list[Token | None]], depth: int) -> Value | None:
        """The one literal value a name has in the file, or None. Each name is worked out once
        (`def a = "${a}${a}..."` would otherwise cost its placeholders to the power of the depth)."""
        key = (id(scope), name)
        if key in self._looked_up:
            return self._looked_up[key]
        if key in self._resolving or depth >= MAX_DEPTH:
            return None
        found = scope.get(name)
        if not found or any(token is None for token in found):
            return None
        texts = {token.text for token in found if token is not None}
        token = found[0]
        if len(texts) != 1 or token is None:
            return None
        self._resolving.add(key)
        try:
            value = self.string(token, depth + 1).value
        finally:
            self._resolving.discard(key)
        result = value if value.is_known else None
        self._looked_up[key] = result
        return result

    def placeholder(self, part: Placeholder, depth: int) -> tuple[Value | None, str]:
        """A GString placeholder's value when the file gives it one, and its name."""
        tokens = part.tokens
        words = [token.text for token in tokens]
        if len(tokens) == 1 and tokens[0].kind == IDENT:
            name = words[0]
            value = self.lookup(name, self.groovy, depth)
            if value is None and name not in self.groovy:
                value = self.lookup(name, self.params, depth)
            return value, name
        if len(tokens) == 3 and words[1] == "." and tokens[2].kind == IDENT and words[0] in ("env", "params"):
            name = words[2]
            scope = self.shell if words[0] == "env" else self.params  # `env.X` reads the environment only
            return self.lookup(name, scope, depth), name
        return None, part.text

    def string(self, token: Token, depth: int = 0) -> Tracked:
        """A string token's value, placeholders substituted where the file gives them values."""
        out = TrackedBuilder()
        for part in token.parts:
            if isinstance(part, Literal):
                out.written(Value(part.text, part.origins), part.starts, part.ends)
                continue
            value, name = self.placeholder(part, depth)
            written = (part.start, part.end)
            if value is not None and fits(out.out, value, self.budget):
                out.put(value, written)
            else:
                out.unknown(self.source.text[part.start : part.end], name, written)
        return out.tracked()

    # --- reading --------------------------------------------------------------------------

    def _read(self) -> None:
        tokens = self.tokens
        index = 0
        while index < len(tokens):
            while self.registries and index > self.registries[-1][0]:
                self.registries.pop()
            while self.with_env and index > self.with_env[-1][0]:
                self.with_env.pop()
            token = tokens[index]
            if token.kind == IDENT and not self._at(index - 1, OP, "."):
                text = token.text
                if text == "agent" and self._at(index + 1, OP, "{"):
                    self._agent(index + 1)
                elif text == "docker" and self._at(index + 1, OP, ".") and self._at(index + 2, IDENT):
                    self._docker(index)
                elif text in ("containerTemplate", "dockerNode") and self._at(index + 1, OP, "("):
                    self._container_template(index + 1, positional=text == "dockerNode")
                elif text == "podTemplate" and self._at(index + 1, OP, "("):
                    close = self.matching.get(index + 1)
                    pod = self._named_arguments(index + 1, close).get("yaml") if close is not None else None
                    if pod is not None:
                        self._pod_yaml(pod)
                elif text in SCRIPT_STEPS:
                    self._script(index)
                elif text == "withEnv" and self._at(index + 1, OP, "("):
                    self._with_env(index + 1)
                elif text in self.images and self._pulls_held_image(index):
                    image, span = self.images[text]
                    self.run.step_pull("jenkins-docker-image", image, self.step, span)
                    self.step += 1
            index += 1

    def _pulls_held_image(self, index: int) -> bool:
        """`img.inside {}` / `img.pull()` on a variable that holds `docker.image(...)`."""
        return (self._at(index + 1, OP, ".") and self._at(index + 2, IDENT)
                and self.tokens[index + 2].text in PULLERS)  # fmt: skip

    def _agent(self, open_index: int) -> None:
        """`agent { docker 'x' }`, `agent { docker { image 'x' registryUrl '...' } }`."""
        close = self.matching.get(open_index, len(self.tokens))
        index = open_index + 1
        while index < close:
            if self._at(index, IDENT, "docker") and not self._at(index - 1, OP, "."):
                if self._at(index + 1, STRING):
                    self._agent_image(index + 1, None)
                elif self._at(index + 1, OP, "{"):
                    inner_close = self.matching.get(index + 1, close)
                    image = registry = None
                    for inner in range(index + 2, inner_close):
                        if self._at(inner, IDENT) and self._at(inner + 1, STRING) and not self._at(inner - 1, OP, "."):
                            word = self.tokens[inner].text
                            if word == "image":
                                image = inner + 1
                            elif word == "registryUrl":
                                registry = inner + 1
                    if image is not None:
                        self._agent_image(image, registry)
                    index = inner_close
            elif self._at(index, IDENT, "kubernetes") and self._at(index + 1, OP, "{"):
                inner_close = self.matching.get(index + 1, close)
                for inner in range(index + 2, inner_close):
                    if self._at(inner, IDENT, "yaml") and self._at(inner + 1, STRING):
                        self._pod_yaml(self.tokens[inner + 1])
                index = inner_close
            index += 1

    def _pod_yaml(self, token: Token) -> None:
        """A Kubernetes agent's pod (`yaml '...'`): each container's and init container's image."""
        from .. import yamlsource as ys

        outer = self.string(token).value
        roots, _ = ys.compose_documents(outer.text)
        stack = [root for root in roots if root is not None]
        seen = 0
        while stack and seen < 10_000:
            node = stack.pop()
            seen += 1
            if ys.is_sequence(node):
                stack.extend(reversed(node.value))
                continue
            if not ys.is_mapping(node):
                continue
            for key, _, value in ys.mapping_items(node):
                if key in ("containers", "initContainers") and ys.is_sequence(value):
                    for container in value.value:
                        image = ys.mapping_get(container, "image")
                        if image is not None and ys.is_scalar(image) and not ys.is_null(image):
                            inner = ys.scalar_value(image, outer.text)
                            origins = [outer.origins[o] if o >= 0 else o for o in inner.origins]
                            self.run.pull("jenkins-pod", Value(inner.text, origins, outer.variables,
                                                               outer.unresolved), -1, Phase.SETUP)  # fmt: skip
                elif ys.is_mapping(value) or ys.is_sequence(value):
                    stack.append(value)

    def _agent_image(self, index: int, registry_index: int | None) -> None:
        token = self.tokens[index]
        tracked = self.string(token)
        registry = self.registry(self.tokens[registry_index]) if registry_index is not None else None
        value = _from_registry(tracked.value, registry)
        self.run.pull("jenkins-agent", value, -1, Phase.SETUP, _inner_span(token))

    def _container_template(self, open_index: int, positional: bool) -> None:
        """`containerTemplate(image: '...')` (Kubernetes), `dockerNode('...')` / `dockerNode(image:
        '...')` (the Docker plugin's agent from an image)."""
        close = self.matching.get(open_index)
        if close is None:
            return
        image = self._named_arguments(open_index, close).get("image")
        first_alone = self._at(open_index + 2, OP, ",") or open_index + 2 == close
        if image is None and positional and self._at(open_index + 1, STRING) and first_alone:
            image = self.tokens[open_index + 1]
        if image is not None:
            self.run.pull("jenkins-pod-template", self.string(image).value, -1, Phase.SETUP, _inner_span(image))

    def registry(self, token: Token) -> Value | None:
        """A registry URL's host, None for Docker Hub ('' or one of its names); unknown when not literal."""
        tracked = self.string(token)
        value = tracked.value
        text = value.text
        if not value.is_known:
            return UNKNOWN_REGISTRY
        host = text.split("://", 1)[-1].split("/", 1)[0].strip().lower()
        if not host or host in HUB_ALIASES:
            return None
        return Value.synthetic(host + "/")

    def _docker(self, index: int) -> None:
        """`docker.image(...)`, `docker.build(...)`, `docker.withRegistry(...) { }`."""
        tokens = self.tokens
        method = tokens[index + 2].text
        open_index = index + 3
        if not self._at(open_index, OP, "("):
            return
        close = self.matching.get(open_index)
        if close is None:
            return
        arguments = tokens[open_index + 1 : close]
        first = arguments[0] if arguments and arguments[0].kind == STRING else None
        if method == "withRegistry":
            registry = self.registry(first) if first is not None else None
            if not arguments:
                return
            if first is None:
                registry = UNKNOWN_REGISTRY
            if self._at(close + 1, OP, "{"):
                self.registries.append((self.matching.get(close + 1, len(tokens)), registry))
            return
        if method == "build":
            if first is not None:
                tag = self.string(first).value
                if tag.is_known:
                    self.run.add_local(local_image(tag.text.split(None, 1)[0]))
                self.run.event(self.step, (first.start, first.end), EventKind.BUILD)
                self.step += 1
            return
        if method != "image" or not arguments:
            return
        if first is not None and len(arguments) == 1:
            image = self.string(first).value
            span = _inner_span(first)
        elif _is_name(arguments):
            name = arguments[-1].text
            span = (arguments[0].start, arguments[-1].end)
            head = arguments[0].text if len(arguments) == 3 else ""
            scope = self.params if head == "params" else self.shell if head == "env" else self.groovy
            found = self.lookup(name, scope, 0)
            written = self.source.text[span[0] : span[1]]
            image = found if found is not None else Value(written, [UNKNOWN] * len(written), (), (name,))
        else:
            return  # an expression dehub does not evaluate (`'node:' + TAG`)
        registry = self.registries[-1][1] if self.registries else None
        value = _from_registry(image, registry)
        if self._at(close + 1, OP, ".") and self._at(close + 2, IDENT):
            if tokens[close + 2].text in PULLERS:
                self.run.step_pull("jenkins-docker-image", value, self.step, span)
                self.step += 1
            return
        if self._at(index - 1, OP, "=") and self._at(index - 2, IDENT):
            self.images[tokens[index - 2].text] = (value, span)

    def _script(self, index: int) -> None:
        """`sh 'script'`, `sh(script: '...')`, `sh script: '...'`, `sh("...")`."""
        tokens = self.tokens
        script: Token | None = None
        if self._at(index + 1, STRING) and not self.line_break_before[index + 1]:
            if self._ends_statement(index + 1) or self._at(index + 2, OP, "."):
                script = tokens[index + 1]
        elif self._at(index + 1, OP, "("):
            close = self.matching.get(index + 1)
            if close is None:
                return
            if close == index + 3 and self._at(index + 2, STRING):
                script = tokens[index + 2]
            else:
                script = self._named_arguments(index + 1, close).get("script")
        elif self._at(index + 1, IDENT) and not self.line_break_before[index + 1] and self._at(index + 2, OP, ":"):
            end = index + 1
            while end < len(tokens) and not self.line_break_before[end]:
                end += 1
            if self._at(index + 1, IDENT, "script") and self._at(index + 3, STRING):
                script = tokens[index + 3]
            else:
                for at in range(index + 1, end - 2):
                    if self._at(at, IDENT, "script") and self._at(at + 1, OP, ":") and self._at(at + 2, STRING):
                        script = tokens[at + 2]
        if script is None:
            return
        # the innermost withEnv first, then the environment: each name looked up on its first read
        env = Chain(*(values for _, values in reversed(self.with_env)), self.environment)
        events = script_events(self.string(script), env, "sh")
        self.run.script(self.step, events, "jenkins-sh")
        self.step += 1

    def _with_env(self, open_index: int) -> None:
        """`withEnv(['NAME=value', ...]) { ... }`: the scripts in the block see these values (a
        value with an unknown part, or an entry that is not a string, is set but unknown)."""
        close = self.matching.get(open_index)
        if close is None or not self._at(close + 1, OP, "{"):
            return
        values: dict[str, Value | None] = {}
        for token in self.tokens[open_index + 1 : close]:
            if token.kind != STRING:
                continue
            value = self.string(token).value
            name, equals, _ = value.text.partition("=")
            if equals and name.strip():
                cut = len(name) + 1
                rest = Value(value.text[cut:], value.origins[cut:], value.variables, value.unresolved)
                values[name.strip()] = rest if rest.is_known else None
        self.with_env.append((self.matching.get(close + 1, len(self.tokens)), values))

    # --- suppression comments -------------------------------------------------------------

    def pragmas(self) -> list[PragmaComment]:
        source = self.source
        text = source.text
        out = []
        targets = None
        for comment in self.comments:
            if not comment.line_comment or (comment.start == 0 and text.startswith("#!")):
                continue
            body = text[comment.body_start : comment.end]
            if body.strip()[:5].lower() != "dehub":
                continue
            line, _ = source.position(comment.start)
            line_start, _ = source.line_span(line)
            own_line = not text[line_start : comment.start].strip()
            targets = targets or _Targets(self.tokens, self.line_break_before, source)
            target = targets.after(comment.end if own_line else line_start)
            pragma = PragmaComment(line, comment.start, comment.end, body, source.line_span(line), target)
            pragma.body_start = comment.body_start  # after the `//`
            pragma.removable = own_line
            out.append(pragma)
        out.extend(self._script_pragmas())
        return out

    def _script_pragmas(self) -> list[PragmaComment]:
        """`# dehub ignore=...` lines inside a multi-line string (an `sh` script): each covers
        the script line after it."""
        source = self.source
        text = source.text
        out = []
        for token in self.tokens:
            if token.kind != STRING or "dehub" not in token.text or "\n" not in token.text:
                continue
            first_line = source.position(token.start)[0]
            last_line = source.position(token.end)[0]
            for line in range(first_line + 1, last_line):
                start, end = source.line_span(line)
                content = text[start:end].rstrip("\r\n")
                stripped = content.lstrip(" \t")
                if not stripped.startswith("#") or stripped[1:].strip()[:5].lower() != "dehub":
                    continue
                hash_at = start + len(content) - len(stripped)
                target = source.next_content_line(line) or last_line + 1  # blank and `#` lines skipped
                pragma = PragmaComment(line, hash_at, start + len(content), stripped[1:], (start, end),
                                       (target, target) if target <= last_line else (0, 0))  # fmt: skip
                out.append(pragma)
        return out


class _Targets:
    """The lines of the statement a pragma precedes, for every pragma of a file in linear time:
    the first token is found by bisection, a bracketed group is stepped over through its
    closing bracket, and each statement is worked out once however many pragmas precede it."""

    def __init__(self, tokens: list[Token], line_break_before: list[bool], source: SourceText) -> None:
        self.tokens = tokens
        self.line_break_before = line_break_before
        self.source = source
        self.starts = [token.start for token in tokens]
        self.closing = _bracket_pairs(tokens, same_kind=False)
        self.found: dict[int, tuple[int, int]] = {}  # first token -> the statement's lines

    def after(self, offset: int) -> tuple[int, int]:
        """The statement that starts at the first token at or after `offset`: to the line break
        that ends it outside brackets (a block it opens included); (0, 0) if there is none."""
        first = bisect_left(self.starts, offset)
        if first >= len(self.tokens):
            return (0, 0)
        found = self.found.get(first)
        if found is None:
            found = self.found[first] = self._lines(first)
        return found

    def _lines(self, first: int) -> tuple[int, int]:
        tokens, line_break_before, closing = self.tokens, self.line_break_before, self.closing
        index = last = first
        while index < len(tokens):
            if index > first and line_break_before[index]:
                break
            token = tokens[index]
            if token.kind == OP and token.text in OPENERS:
                close = closing.get(index)
                if close is None:  # never closed: the statement runs to the end
                    last = len(tokens) - 1
                    break
                last = index = close
            elif token.kind == OP and token.text in ")]}":
                break
            else:
                last = index
            index += 1
        position = self.source.position
        start_line = position(tokens[first].start)[0]
        end_line = position(max(tokens[last].end - 1, tokens[last].start))[0]
        return (start_line, max(start_line, end_line))


def _line_breaks(tokens: list[Token]) -> list[bool]:
    """For each token other than newlines: whether a line break comes before it."""
    out = []
    broken = True
    for token in tokens:
        if token.kind == NEWLINE:
            broken = True
            continue
        out.append(broken)
        broken = False
    return out


def _bracket_pairs(tokens: list[Token], same_kind: bool = True) -> dict[int, int]:
    """Each opening bracket's index -> its closing bracket's index. With `same_kind` a closer
    pairs with the nearest opener of its kind (openers left unclosed inside are dropped);
    without, with the nearest opener of any kind: where the count of brackets opened after it
    comes back to zero (how `_Targets` counts depth)."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind != OP:
            continue
        if token.text in OPENERS:
            stack.append(index)
        elif token.text in ")]}":
            while same_kind and stack and OPENERS[tokens[stack[-1]].text] != token.text:
                stack.pop()
            if stack:
                out[stack.pop()] = index
    return out


def _is_name(tokens: list[Token]) -> bool:
    """`NAME`, `env.NAME` or `params.NAME`."""
    if len(tokens) == 1:
        return tokens[0].kind == IDENT
    return (len(tokens) == 3 and tokens[0].text in ("env", "params") and tokens[1].text == "."
            and tokens[2].kind == IDENT)  # fmt: skip


def _literal_text(token: Token) -> str:
    return "".join(part.text for part in token.parts if isinstance(part, Literal))


def _inner_span(token: Token) -> tuple[int, int]:
    """A string's text without its quotes."""
    quote = len(token.quote)
    closing = 2 if token.quote == "$/" else quote
    return token.start + quote, token.end - closing


def _from_registry(value: Value, registry: Value | None) -> Value:
    """The image a Docker Pipeline call pulls: prefixed with the host of `withRegistry` / `registryUrl`."""
    if registry is None:
        return value
    return Value(registry.text + value.text, registry.origins + value.origins, value.variables,
                 registry.unresolved + value.unresolved)  # fmt: skip


def parse(source: SourceText) -> JenkinsDocument:
    return JenkinsDocument(source)
