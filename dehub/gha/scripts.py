"""`run:` scripts: GitHub's `${{ }}` substituted first, as the runner does, then the shared
script reader (`dehub.shell.events`); what they pull, build, tag and log in to goes to the job.
"""

from __future__ import annotations

from .. import yamlsource as ys
from ..envchain import size
from ..pipeline import JobRun
from ..shell import memo
from ..shell.events import ScriptAction, ScriptEvent, env_variants, script_events
from ..value import Value
from . import expressions as ex
from . import shared

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from yaml.nodes import Node

    from ..tracked import Tracked
    from .document import GhaDocument

SITE = "gha-run"
MEMO_ENV = 256  # env variables past which a script is not memoised across edits (its key holds them all)


def read_run(
    doc: GhaDocument,
    run: JobRun,
    index: int,
    node: Node,
    scope: ex.Scope,
    env: Mapping[str, Value | None] | None,
    shell_name: str,
) -> None:
    if node is None or not ys.is_scalar(node) or ys.is_null(node):
        return
    choices = env_variants(env, node.value)
    # an editor re-linting an edited file; the memo's key holds the whole env, so not for a large one
    if memo.ENABLED and ex.OPEN not in node.value and len(choices) == 1 and size(env or {}) <= MEMO_ENV:
        start, end = ys.span(node)
        memo_key = memo.key(node.style, node.value, doc.source.text[start:end], shell_name, env)
        found = memo.lookup(memo_key, start, env)
        if found is None:
            script = doc.value(node)
            if script is None:
                return
            found = script_events(ex.substitute_tracked(script, scope), env, shell_name)
            memo.store(memo_key, start, end, env, found)
        _record(doc, run, index, node.value, [found], scope)
        return
    script = doc.value(node)
    if script is None:
        return
    variants = []
    for tracked in ex.variants(script, scope) if ex.OPEN in script.text else [None]:
        for variant_env in choices:  # the script may run with any of these env values
            if tracked is not None:
                written = (tracked.value.text, tuple(tracked.value.origins))
                key: tuple[object, ...] = (id(node), shell_name, written)
            else:  # no expressions: the script is the same in every matrix combination
                key = (id(node), shell_name)
            # each distinct script (after substitution, with the values it reads) is scanned once
            variants.append(doc.scanned.read(key, variant_env, _reader(tracked, script, scope, shell_name)))
    _record(doc, run, index, script.text, variants, scope)


def _reader(
    tracked: Tracked | None, script: Value, scope: ex.Scope, shell_name: str
) -> Callable[[Mapping[str, Value | None] | None], list[ScriptEvent]]:
    def read(env: Mapping[str, Value | None] | None) -> list[ScriptEvent]:
        substituted = tracked if tracked is not None else ex.substitute_tracked(script, scope)
        return script_events(substituted, env, shell_name)

    return read


def _record(
    doc: GhaDocument, run: JobRun, index: int, text: str, variants: list[list[ScriptEvent]], scope: ex.Scope
) -> None:
    if doc.shared_keys is not None and scope.matrix:
        for found in variants:
            _note_script_reads(doc.shared_keys, text, found, scope.matrix)
    run.scripts(index, variants, SITE)


def _note_script_reads(
    shared_keys: set[str], text: str, found: list[ScriptEvent], combination: dict[str, object]
) -> None:
    """A script that reads a matrix key more often than its images draw on it reads it for
    something else too (`case ${{ matrix.os }} in ...`)."""
    reads = shared.mentions(text)
    if not reads:
        return
    drawn: dict[str, int] = {}
    for event in found:
        if event.what is ScriptAction.PULL and event.value is not None:
            for key in shared.drawn_keys(event.value, combination):
                drawn[key] = drawn.get(key, 0) + 1
    shared_keys.update(key for key, count in reads.items() if count > drawn.get(key, 0))
