"""Helpers the YAML CI kinds without expressions of their own share (GitLab CI, Bitbucket
Pipelines): `$NAME` / `${NAME}` in image names, and script lists read as one shell script.

Both systems substitute `$NAME` and `${NAME}` in an image name from the variables they know,
and nothing else: no quotes are removed, no `${NAME:-default}` (a name that is not plain stays
as written, unknown). A script is a list of command lines the runner writes into one shell
script, so a variable or an image an earlier line set is seen by a later one.
"""

from __future__ import annotations

from . import yamlsource as ys
from .expand import MAX_EXPANDED, NAME_CHARS, NAME_START  # MAX_EXPANDED: substituted per value, at most
from .pipeline import JobRun
from .tracked import Tracked
from .value import UNKNOWN, Builder, Value, join_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from yaml.nodes import Node

MAX_DEPTH = 10  # variables that name variables, nested deeper than this, stay unknown
MAX_LINES = 5_000  # script lines read per job


def expand(value: Value, variables: Mapping[str, Value | None], dollar_escape: bool = True, own: str = "") -> Value:
    """`$NAME` and `${NAME}` substituted from `variables` (values expanded in turn); a name
    with no value, or None, stays as written with UNKNOWN origins, and so does a variable that
    names itself (directly or through others) or one past MAX_DEPTH levels or MAX_EXPANDED
    characters of substitution (`A: $B$B$B$B`, `B: $C$C$C$C`, ... would grow exponentially).
    `$$` is a `$` when `dollar_escape` (GitLab). `own`: the variable whose value this is (its
    `$OWN`, as in `PATH: $PATH:/x`, is the value from outside, unknown)."""
    if "$" not in value.text:
        return value
    return _expand(value, variables, dollar_escape, [own] if own else [], [MAX_EXPANDED])


def _expand(
    value: Value, variables: Mapping[str, Value | None], dollar_escape: bool, active: list[str], budget: list[int]
) -> Value:
    text = value.text
    if "$" not in text:
        return value
    origins = value.origins
    out = Builder()
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char != "$":
            out.add(char, origins[pos])
            pos += 1
            continue
        if dollar_escape and text.startswith("$$", pos):
            out.add("$", origins[pos + 1])
            pos += 2
            continue
        name, end = _name_at(text, pos)
        if not name:
            out.add(char, origins[pos])
            pos += 1
            continue
        found = variables.get(name)
        written = text[pos:end]
        if found is None or name in active or len(active) >= MAX_DEPTH or budget[0] < len(found.text):
            out.add_unknown(written, name)
        elif found.text and _unknown(found):
            out.extend(found)  # unknown throughout (dehub.runbudget's): as it is, with its reason
        else:
            budget[0] -= len(found.text)
            active.append(name)
            out.extend(_expand(found, variables, dollar_escape, active, budget))
            active.pop()
            out.variables.append(name)
        pos = end
    return out.build()


def _unknown(value: Value) -> bool:
    return all(origin == UNKNOWN for origin in value.origins)


def _name_at(text: str, pos: int) -> tuple[str, int]:
    """The variable name of `$NAME` or `${NAME}` at `pos`, and where it ends; ('', pos) if none."""
    start = pos + 1
    if text.startswith("{", start):
        close = text.find("}", start + 1)
        name = text[start + 1 : close] if close != -1 else ""
        if name and name[0] in NAME_START and all(char in NAME_CHARS for char in name):
            return name, close + 1
        if close != -1 and name:  # `${NAME:-x}` and the like: not substituted, unknown as a whole
            return name, close + 1
        return "", pos
    end = start
    while end < len(text) and text[end] in NAME_CHARS:
        end += 1
    if end == start or text[start] not in NAME_START:
        return "", pos
    return text[start:end], end


def leading_variable(value: Value) -> str:
    """The name of the unknown variable a value starts with (`$CI_REGISTRY_IMAGE/app`), or ''."""
    if not value.origins or value.origins[0] != UNKNOWN or not value.unresolved:
        return ""
    name = value.unresolved[0]
    text = value.text
    return name if text.startswith(("$" + name, "${" + name + "}")) else ""


def script_lines(node: Node | None, deref: Callable[[Node], Node | None], out: list[Node]) -> None:
    """The scalar lines of a script (a string, or a list, nested lists flattened), in order."""
    pending = [node]
    seen: set[int] = set()  # a `!reference` to the list it is in is read once
    while pending and len(out) < MAX_LINES:
        item = pending.pop()
        item = deref(item) if item is not None else None
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if ys.is_scalar(item):
            if not ys.is_null(item):
                out.append(item)
        elif ys.is_sequence(item):
            pending.extend(reversed(item.value))


def joined(values: list[Value]) -> Tracked:
    """Lines as one script, a synthetic line break between them; each character keeps where it
    was written."""
    return Tracked.plain(join_lines(values))


def read_script(
    run: JobRun, step: int, values: list[Value], env: Mapping[str, Value | None], site: str, shell_name: str = "bash"
) -> None:
    """A job's script lines, as one script, into `run`."""
    from .shell.events import script_events

    if not values:
        return
    run.script(step, script_events(joined(values), env, shell_name), site)
