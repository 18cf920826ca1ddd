"""Commands that run another command: `sudo`, `env`, `timeout`, ... run their operand, and
shells run the script given with `-c`.

`sudo -u root docker pull x` pulls; `sudo -l docker pull x` only lists what sudo would allow.
"""

from __future__ import annotations

from .cooking import Cooking
from .lexer import Word
from .options import first_operand
from .variables import assignment

# name -> (value options, options that mean the operand is not run, whether NAME=value words
# may precede the command, operands before the command)
WRAPPERS = {
    "sudo": (
        frozenset(
            (
                "-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host", "-p",
                "--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U", "--other-user",
                "-c", "--login-class",
            )
        ),
        frozenset(("-e", "--edit", "-l", "--list", "-v", "--validate", "-K", "--remove-timestamp", "-V")),
        True,
        0,
    ),
    "env": (frozenset(("-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P")), frozenset(), True, 0),
    "exec": (frozenset(("-a",)), frozenset(), False, 0),
    "command": (frozenset(), frozenset(("-v", "-V")), False, 0),
    "nohup": (frozenset(), frozenset(), False, 0),
    "time": (frozenset(("-f", "--format", "-o", "--output")), frozenset(), False, 0),
    "timeout": (frozenset(("-s", "--signal", "-k", "--kill-after")), frozenset(), False, 1),
    "nice": (frozenset(("-n", "--adjustment")), frozenset(), False, 0),
}
SHELLS = frozenset(("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"))
POSIX_SHELLS = frozenset(("sh", "dash", "ash"))  # no $'...' quoting
SHELL_LONG_VALUES = frozenset(("--rcfile", "--init-file"))


def unwrap(reader: Cooking, words: list[Word], index: int, prefix: list[Word]) -> tuple[int, str | None]:
    """Skip `sudo -E`, `env A=1`, `timeout 5m`, ...: the index and name of the command they run.

    The `NAME=value` words a wrapper takes (`env A=1`) are added to `prefix`, the command's own
    assignments.
    """
    count = len(words)
    while index < count:
        name = reader.command_name(words[index])
        wrapper = WRAPPERS.get(name or "")
        if wrapper is None:
            return index, name
        values, refusals, assignments, operands = wrapper
        index = first_operand(reader, words, index + 1, values, refusals)
        while assignments and index < count and _is_assignment(reader, words[index]):
            prefix.append(words[index])
            index += 1
        index += operands
    return index, None


def inline_script(reader: Cooking, words: list[Word], index: int) -> int:
    """The index of the script a shell runs with `-c` (options from `index`), -1 if none."""
    count = len(words)
    inline = False
    while index < count:
        option = reader.literal(words[index])
        if option is None or len(option) < 2 or option[0] not in "-+":
            break
        index += 1
        if option == "--":
            break
        if option.startswith("--"):
            index += option in SHELL_LONG_VALUES
            continue
        inline = inline or (option[0] == "-" and "c" in option)
        index += option[-1] in "oO"  # -o pipefail, -O extglob
    return index if inline and index < count else -1


def _is_assignment(reader: Cooking, word: Word) -> bool:
    return assignment(reader.text, reader.origins, word.start, word.end) is not None
