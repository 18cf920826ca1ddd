"""A small declarative command-line parser.

argparse imports `re` and gettext, about as much time as a whole single-file check; editors
and pre-commit start dehub for every save and commit, so the CLI parses its options itself.
Supported: `--name value`, `--name=value`, short flags (grouped: `-qn`), repeatable options,
choices, an option whose value is optional (`--verify` or `--verify=digest`: only the `=` form
gives it one, so the next argument stays a path), `--` to end options, and `-` as a positional
(standard input).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FLAG, VALUE, APPEND, OPTIONAL = "flag", "value", "append", "optional"


class UsageError(Exception):
    """A bad command line; the CLI prints it with the usage line and exits 2."""


class Option:
    __slots__ = ("names", "dest", "action", "choices", "metavar", "help", "const")

    def __init__(
        self,
        *names: str,
        action: str = FLAG,
        dest: str | None = None,
        choices: tuple[str, ...] | None = None,
        metavar: str = "",
        help: str = "",
        const: str | None = None,
    ) -> None:
        self.names = names
        self.dest = dest or names[-1].lstrip("-").replace("-", "_")
        self.action = action
        self.choices = choices
        self.metavar = metavar or self.dest.upper()
        self.help = help
        self.const = const  # OPTIONAL: the value the option has when given without `=VALUE`


class Parsed:
    """Option values as attributes, plus the positional arguments."""

    def __init__(self, options: list[Option]) -> None:
        for option in options:
            setattr(self, option.dest, [] if option.action == APPEND else (False if option.action == FLAG else None))
        self.positionals: list[str] = []

    if TYPE_CHECKING:  # the options' attributes are set from the table above; tell mypy so

        def __getattr__(self, name: str) -> Any: ...


def parse(argv: list[str], options: list[Option]) -> Parsed:
    by_name = {name: option for option in options for name in option.names}
    parsed = Parsed(options)
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            parsed.positionals.extend(argv[index:])
            break
        if arg.startswith("--"):
            name, has_value, inline = arg.partition("=")
            option = by_name.get(name)
            if option is None:
                raise UsageError(f"unrecognized option {name}")
            if option.action == FLAG:
                if has_value:
                    raise UsageError(f"option {name} takes no value")
                setattr(parsed, option.dest, True)
                continue
            if option.action == OPTIONAL and not has_value:
                setattr(parsed, option.dest, option.const)
                continue
            if not has_value:
                if index >= len(argv):
                    raise UsageError(f"option {name} needs a value ({option.metavar})")
                inline = argv[index]
                index += 1
            _store(parsed, option, name, inline)
        elif arg.startswith("-") and arg != "-":
            letters = arg[1:]
            for position, letter in enumerate(letters):
                option = by_name.get("-" + letter)
                if option is None:
                    raise UsageError(f"unrecognized option -{letter}")
                if option.action == FLAG:
                    setattr(parsed, option.dest, True)
                    continue
                if option.action == OPTIONAL:
                    raise UsageError(f"option -{letter} has an optional value: use its long name")
                value = letters[position + 1 :]
                if not value:
                    if index >= len(argv):
                        raise UsageError(f"option -{letter} needs a value ({option.metavar})")
                    value = argv[index]
                    index += 1
                _store(parsed, option, "-" + letter, value)
                break
        else:
            parsed.positionals.append(arg)
    return parsed


def _store(parsed: Parsed, option: Option, name: str, value: str) -> None:
    if option.choices is not None and value not in option.choices:
        raise UsageError(f"option {name}: invalid choice {value!r} (choose from {', '.join(option.choices)})")
    if option.action == APPEND:
        getattr(parsed, option.dest).append(value)
    else:
        setattr(parsed, option.dest, value)


def help_text(usage: str, description: str, options: list[Option], epilog: str = "") -> str:
    rows = []
    for option in options:
        names = ", ".join(option.names)
        if option.action == OPTIONAL:
            names += "[=" + (("{" + ",".join(option.choices) + "}") if option.choices else option.metavar) + "]"
        elif option.action != FLAG:
            names += " " + (("{" + ",".join(option.choices) + "}") if option.choices else option.metavar)
        rows.append((names, option.help))
    width = min(max(len(names) for names, _ in rows) + 2, 34)
    lines = [f"usage: {usage}", "", description, "", "options:"]
    for names, text in rows:
        if len(names) + 2 > width:
            lines.append(f"  {names}")
            lines.append(" " * (width + 2) + text)
        else:
            lines.append(f"  {names.ljust(width)}{text}")
    return "\n".join(lines) + "\n" + ("\n" + epilog if epilog else "")


HELP = Option("-h", "--help", help="show this help and exit")


class Command:
    """A command's line: what `--help` prints, and its options (`-h/--help` included)."""

    __slots__ = ("usage", "description", "options", "epilog")

    def __init__(self, usage: str, description: str, options: list[Option], epilog: str = "") -> None:
        self.usage = usage
        self.description = description
        self.options = [*options, HELP]
        self.epilog = epilog

    def parse(self, argv: list[str]) -> Parsed | None:
        """The parsed options, or None when `--help` was asked for (and printed)."""
        import sys

        options = parse(argv, self.options)
        if options.help:
            sys.stdout.write(help_text(self.usage, self.description, self.options, self.epilog))
            return None
        return options
