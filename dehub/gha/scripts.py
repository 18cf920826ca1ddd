"""`run:` scripts: the shell scanner over the script as the runner hands it to the shell
(expressions substituted), and what a job builds, tags, logs in to and pulls in them.
"""

from __future__ import annotations

from .. import shell
from .. import yamlsource as ys
from ..imageuse import ImageUse
from ..value import Value
from . import actions, scriptmemo, shared
from . import expressions as ex
from .model import STEP, Event, HiddenPull, Job, PullContext


class ScriptReader:
    """Mixed into GhaDocument: reads a step's `run:` script."""

    def _read_run(
        self,
        job: Job,
        index: int,
        node: object,
        scope: ex.Scope,
        env: dict[str, Value | None] | None,
        shell_name: str,
        uses: list[ImageUse],
        first_run: bool,
        local: set[str],
    ) -> None:
        if node is None or not ys.is_scalar(node) or ys.is_null(node):
            return
        found = None
        if scriptmemo.ENABLED and ex.OPEN not in node.value:  # an editor re-linting an edited file
            start, end = ys.span(node)
            memo_key = scriptmemo.key(node.style, node.value, self.source.text[start:end], shell_name, env)
            found = scriptmemo.lookup(memo_key, start, env)
            if found is None:
                script = self.value(node)
                if script is None:
                    return
                found = self._scan(ex.substitute_tracked(script, scope), env, shell_name)
                scriptmemo.store(memo_key, start, end, env, found)
            self._use_found(job, index, node.value, found, scope, uses, first_run, local)
            return
        script = self.value(node)
        if script is None:
            return
        if ex.OPEN in script.text:
            tracked = ex.substitute_tracked(script, scope)
            key: tuple = (id(node), shell_name, tracked.value.text, tuple(tracked.value.origins), _env_key(env))
        else:  # no expressions: the script is the same in every matrix combination
            tracked = None
            key = (id(node), shell_name, _env_key(env))
        found = self._scripts.get(key)
        if found is None:  # each distinct script (after substitution) is scanned once
            if tracked is None:
                tracked = ex.substitute_tracked(script, scope)
            found = self._scripts[key] = self._scan(tracked, env, shell_name)
        self._use_found(job, index, script.text, found, scope, uses, first_run, local)

    def _use_found(
        self,
        job: Job,
        index: int,
        text: str,
        found: list[tuple],
        scope: ex.Scope,
        uses: list[ImageUse],
        first_run: bool,
        local: set[str],
    ) -> None:
        """Record a scanned script's pulls, builds, logins and builders for this job."""
        if self.shared_keys is not None and scope.matrix:
            self._note_script_reads(text, found, scope.matrix)
        for action, value, span, extra in found:
            if action == "image":
                if not local or local_name(value.text) not in local:
                    self._add(uses, "gha-run", value, value, PullContext(job, index, STEP), span=span)
            elif action == "local":
                local.add(extra)
            elif action == "build":
                mentions_ecr_public, tags = extra
                local.update(tags)
                if first_run:
                    event = Event(job, index, span, "build")
                    event.mentions_ecr_public = mentions_ecr_public
                    job.events.append(event)
            elif action == "login":
                if first_run:
                    job.events.append(Event(job, index, span, "login", extra))
            elif action == "buildx-create" and extra in actions.BUILDX_IMAGE_DRIVERS:
                if value is not None:
                    self._add(uses, "buildx-driver-image", value, value, PullContext(job, index, STEP), span=span)
                else:
                    setting = "--driver-opt image=<a copy of moby/buildkit>"
                    default = actions.BUILDX_DEFAULT_IMAGE
                    job.hidden.append(HiddenPull(job, index, "docker buildx create", span, default, setting))

    def _note_script_reads(self, text: str, found: list[tuple], combination: dict[str, object]) -> None:
        """A script that reads a matrix key more often than its images draw on it reads it for
        something else too (`case ${{ matrix.os }} in ...`)."""
        reads = shared.mentions(text)
        if not reads:
            return
        drawn: dict[str, int] = {}
        for action, value, _, _ in found:
            if action == "image":
                for key in shared.drawn_keys(value, combination):
                    drawn[key] = drawn.get(key, 0) + 1
        self.shared_keys.update(key for key, count in reads.items() if count > drawn.get(key, 0))

    def _scan(self, tracked: ex.Tracked, env: dict[str, Value | None] | None, shell_name: str) -> list[tuple]:
        """(what, image value, written span, detail) for each pull, login, build, tag and buildx
        builder in a script, in order: what a later command may run depends on what came before."""
        out: list[tuple] = []
        for pull in shell.pulls(tracked.indexed, env or {}, shell_name):
            span = tracked.word_span(_unquoted(pull.word), pull.command_start)
            if span is None:
                continue
            action = pull.action
            value = tracked.restore(pull.value) if pull.value is not None else None
            if action in ("pull", "run", "create"):
                if value is not None:
                    out.append(("image", value, span, None))
            elif action == "login":
                out.append(("login", None, span, value.text.strip().lower() if value is not None else ""))
            elif action == "build":
                tag_values = [tag.text for tag in pull.tags]
                inputs = [argument.text for argument in pull.arguments if not _names_tag(argument.text, tag_values)]
                mentions = any(actions.ECR_PUBLIC in text for text in inputs)  # a tag is where it goes, not a pull
                tags = tuple(local_name(tag) for tag in tag_values)
                out.append(("build", None, span, (mentions, tags)))
            elif action == "tag" and value is not None:
                out.append(("local", None, span, local_name(value.text)))
            elif action == "buildx-create":
                out.append(("buildx-create", value, span, pull.driver or "docker-container"))
        return out


def _unquoted(word: Value) -> Value:
    """A word without the quotes around it (`"$IMAGE"`): a finding points at what they hold."""
    text = word.text
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return Value(text[1:-1], word.origins[1:-1])
    return word


def _names_tag(argument: str, tags: list[str]) -> bool:
    """Whether a build argument is one of its own tags (`app:1`, or `--tag=app:1`)."""
    return any(argument == tag or argument.endswith("=" + tag) for tag in tags)


def local_name(text: str) -> str:
    """An image name as the local image store keys it: `app` and `app:latest` are the same."""
    text = text.strip()
    try:
        from ..reference import parse

        ref = parse(text)
    except ValueError:
        return text
    return ref.name + ":" + (ref.tag or "latest") + ("@" + ref.digest if ref.digest else "")


def _env_key(env: dict[str, Value | None] | None) -> tuple:
    if not env:
        return ()
    return tuple((name, None if value is None else (value.text, tuple(value.origins))) for name, value in env.items())
