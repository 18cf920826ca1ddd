"""A process-wide memo of read workflow jobs, so an editor's re-lint re-reads only the jobs an
edit touched.

A job's reading (its matrix, container, services, steps, scripts; the image uses, logins,
builds and hidden pulls they make) depends on the job's own text and on three things outside
it: the workflow's `env:` values (each alternative of one with several outcomes), the
`workflow_call` / `workflow_dispatch` input defaults (and whether a default is a typed false),
and the shell its scripts run in. The key holds all of them: the job's source slice (from its
key to its end) and the column it starts at, the shell, and the env and input values with
their source offsets. A hit copies the stored job with every offset inside the slice moved to
where the slice is now (or shares it when nothing moved: the model is read-only once read);
offsets outside it can only come from those env and input values, which the key pins, and
a job with any other outside offset is not stored.

A job is stored only when it is self-contained: no alias inside it names a node outside it
(`container: *image` with `&image` above). Whether an alias resolves inside the slice is a
property of the slice's text (an alias names the latest anchor before it), so a stored key
stays self-contained at any later offset. Flow-style `jobs:` and `%TAG` directives, which
change how the same text reads, are not memoised.
"""

from __future__ import annotations

from ..imageuse import ImageUse
from ..pipeline import Event, HiddenPull, Job, PullContext
from ..value import Choice, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.nodes import Node

    Values = dict[str, Value | None]  # input defaults or env values, by name
    ValueKey = tuple[object, ...]  # a value's text, origins and type name; a Choice's alternatives
    ValuesKey = tuple[tuple[str, ValueKey | None], ...]
    MemoKey = tuple[str, int, str, int | None, int | None]  # slice, column, shell, inputs, env (as tokens)

MAX_ENTRIES = 512
# Off for the command line, where each file is read once and storing only costs; the language
# server, which re-lints the same file after every change, turns it on.
ENABLED = False
_memo: dict[MemoKey, tuple[int, int, Job]] = {}
# Each distinct inputs or env key as a small number: a job's key holding the tuple of thousands
# of env values hashed it for every job (quadratic in variables x jobs); a token is hashed once.
_tokens: dict[ValuesKey, int] = {}
_issued = [0]  # tokens handed out: never one again, even after a clear


def key(text: str, start: int, end: int, shell_name: str, inputs: int | None, workflow_env: int | None) -> MemoKey:
    """A job's key: its text and column, the shell, and the `values_key` of the inputs and the
    workflow's env (worked out once per file: a job's key holding all of them was quadratic)."""
    column = start - (text.rfind("\n", 0, start) + 1)
    return text[start:end], column, shell_name, inputs, workflow_env


def values_key(values: Values | None) -> int | None:
    """The token of the values' texts and origins (by name), for `key`."""
    if values is None:
        return None
    found = tuple((name, _value_key(value)) for name, value in values.items())
    token = _tokens.get(found)
    if token is None:
        if len(_tokens) >= MAX_ENTRIES:
            _tokens.clear()
        token = _tokens[found] = _issued[0]
        _issued[0] += 1
    return token


def _value_key(value: Value | None) -> ValueKey | None:
    """A value's text and origins; a `Choice` (an env value with several outcomes) adds each
    alternative's, and a typed falsy input default says so: the job reads them all."""
    if value is None:
        return None
    key: ValueKey = (value.text, tuple(value.origins), type(value).__name__)
    if isinstance(value, Choice):
        key += tuple((one.text, tuple(one.origins)) for one in value.alternatives)
    return key


def lookup(memo_key: MemoKey, start: int) -> Job | None:
    """A fresh copy of the stored job, moved to `start`; None on a miss."""
    entry = _memo.get(memo_key)
    if entry is None:
        return None
    old_start, old_end, job = entry
    if start == old_start:  # nothing above it moved: the stored model is read-only, share it
        return job
    return _Mover(old_start, old_end, start - old_start).job(job)


def store(memo_key: MemoKey, start: int, end: int, job: Job, job_node: Node, pinned: set[int]) -> None:
    """Remember a job just read, if it is self-contained and every offset in it is placeable."""
    has_alias = "*" in memo_key[0]  # an alias is written `*name`: without a `*`, there is none
    if (has_alias and not _self_contained(job_node, start, end)) or not _placeable(job, start, end, pinned):
        return
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[memo_key] = (start, end, job)


def pinned_offsets(*value_maps: Values | None) -> set[int]:
    """The source offsets of the env and input values the key pins."""
    offsets: set[int] = set()
    for values in value_maps:
        for value in (values or {}).values():
            if value is None:
                continue
            for one in value.alternatives if isinstance(value, Choice) else (value,):
                offsets.update(origin for origin in one.origins if origin >= 0)
    return offsets


def _placeable(job: Job, low: int, high: int, pinned: set[int]) -> bool:
    """Whether every offset in the job's model is inside it or pinned by the key."""
    offsets: list[int] = []
    seen: set[int] = set()
    for run in job.runs:
        for use in run:
            offsets += (use.start, use.end)
            if use.shared:
                offsets.extend(offset for span in use.shared.values() for offset in span)
            value = use.value
            if id(value) not in seen:
                seen.add(id(value))
                offsets.extend(value.origins)
    for hidden in job.hidden:
        offsets += (hidden.start, hidden.end)
    for event in job.events:
        offsets += (event.start, event.end)
    if not offsets or (low <= min(offsets) and max(offsets) <= high):
        return True  # the common case: only the job's own text
    return all(low <= offset <= high or offset < 0 or offset in pinned for offset in offsets)


def _self_contained(node: Node, start: int, end: int) -> bool:
    """Whether every node reachable from the job (aliases included) is written inside it."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if not (start <= current.start_mark.index and current.end_mark.index <= end):
            return False
        value = current.value
        if type(value) is list:
            for item in value:
                if type(item) is tuple:  # a mapping's (key, value) pair
                    stack.extend(item)
                else:
                    stack.append(item)
    return True


class _Mover:
    """Copies a job's model, moving offsets in [low, high] by `delta` (an end offset may equal
    the job's end). Offsets outside the job are the env and input values the key pins: kept."""

    __slots__ = ("low", "high", "delta", "values")

    def __init__(self, low: int, high: int, delta: int) -> None:
        self.low, self.high, self.delta = low, high, delta
        self.values: dict[int, Value] = {}  # one copy of a value many uses share (matrix runs)

    def offset(self, offset: int) -> int:
        return offset + self.delta if self.low <= offset <= self.high else offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offset(start), self.offset(end)

    def value(self, value: Value) -> Value:
        moved = self.values.get(id(value))
        if moved is None:
            low, high, delta = self.low, self.high, self.delta
            origins = [origin + delta if low <= origin <= high else origin for origin in value.origins]
            moved = self.values[id(value)] = Value(value.text, origins, value.variables, value.unresolved)
        return moved

    def job(self, job: Job) -> Job:
        copy = Job(job.id, self.span(job.start, job.end), job.combinations, job.label, job.notes)
        contexts: dict[int, PullContext] = {}
        for run in job.runs:
            copy.runs.append([self.use(use, copy, contexts) for use in run])
        for hidden in job.hidden:
            span = self.span(hidden.start, hidden.end)
            copy.hidden.append(HiddenPull(copy, hidden.step, hidden.action, span, hidden.image, hidden.setting))
        for event in job.events:
            span = self.span(event.start, event.end)
            copy.events.append(Event(copy, event.step, span, event.kind, event.registry, event.mentions_ecr_public))
        return copy

    def use(self, use: ImageUse, job: Job, contexts: dict[int, PullContext]) -> ImageUse:
        start, end = self.span(use.start, use.end)
        copy = ImageUse(use.site, self.value(use.value), start, end, use.problem)
        context = use.context
        if isinstance(context, PullContext):
            moved = contexts.get(id(context))
            if moved is None:
                moved = contexts[id(context)] = PullContext(job, context.step, context.phase)
            copy.context = moved
        else:
            copy.context = context
        if use.shared:
            copy.shared = {name: self.span(*span) for name, span in use.shared.items()}
        return copy
