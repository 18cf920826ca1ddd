"""Container-image pulls in shell scripts, with the exact source span of every image word.

GitHub Actions `run:` blocks, GitLab `script:` lines and Dockerfile `RUN` hold shell, and a
pull is only a pull when it is a command: not in an `echo`, a comment, a quoted argument or a
here-document body. So this is a small POSIX/bash lexer (quotes, escapes, continuations,
comments, here-documents, command substitution, compound commands) followed by the
command-line grammar of docker, podman, nerdctl and buildah: `docker run --name node alpine`
pulls `alpine`, not `node`.

The script is a `Value`, so every character knows its offset in the file and a fix lands on
the literal that supplies the image (a `run:` line, or the `IMAGE=` assignment it expands).
Characters with UNKNOWN origin (an unresolved `${{ ... }}`) are opaque word characters: never
blanks, quotes or operators, so an unknown expression stays inside the word it is written in.

One pass over the text: words are cooked (quotes removed, variables expanded) only when a
command needs them, so long scripts cost little more than reading them.

The modules, from the text up: text (characters and origins), substitutions (where quotes and
`$(...)` end), lexer (words and operators), cooking (quote removal and expansion), variables,
options (options versus operands), wrappers (sudo, env, sh -c), container_options and
containers (the container CLIs), scanner (commands), pull (what is reported).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..value import Value
from .containers import CLI
from .pull import Pull
from .scanner import Scanner
from .text import Stop
from .variables import MAX_VALUE, Scope
from .wrappers import POSIX_SHELLS

__all__ = ["MAX_VALUE", "Pull", "pulls"]

REFERENCED = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")  # `$NAME` and `${NAME...`: what a script reads


def pulls(script: Value, env: Mapping[str, Value | None] | None = None, shell: str = "bash") -> list[Pull]:
    """Every pull, run, create, build, login, tag, load and buildx builder creation in the
    script, in order of appearance.

    `env` holds the variables known before the script runs (None: set, value unknown); other
    variables are unknown unless the script assigns them. Never raises: a script that stops
    parsing (an unclosed quote) yields what was found before that point.
    """
    if not _mentions_tool(script, env):
        return []
    found: list[tuple[tuple[int, ...], Pull]] = []
    words = shell.split() if isinstance(shell, str) else ()
    dialect = words[0].rsplit("/", 1)[-1] if words else "bash"
    try:
        Scanner.of(script, Scope({}, env), found, (), 0, dialect not in POSIX_SHELLS).run(False)
    except Stop:
        pass
    found.sort(key=_sort_key)
    return [pull for _, pull in found]


def _sort_key(item: tuple[tuple[int, ...], Pull]) -> tuple[int, ...]:
    return item[0]


def _mentions_tool(script: Value, env: Mapping[str, Value | None] | None) -> bool:
    """Cheap early exit: no container tool named anywhere means no pull to find.

    Only the variables the script names can bring one in (`$TOOL run x`), so only they are
    looked at: the script's length, not the environment's size, bounds the work (all of a
    large environment for each of many scripts was quadratic). `${!NAME}` can read any.
    """
    text = script.text
    if any(tool in text for tool in CLI):
        return True
    texts = []
    if env is not None and "$" in text:
        if "${!" in text:
            values = list(env.values())
        else:
            values = [env.get(name) for name in dict.fromkeys(REFERENCED.findall(text))]
        texts = [value.text for value in values if value is not None]
    if "\\" in text:
        texts.append(text.replace("\\\r\n", "").replace("\\\n", ""))  # doc\<newline>ker
    return any(tool in candidate for candidate in texts for tool in CLI)
