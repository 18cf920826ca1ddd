"""Options and operands of a command line, given which options take a value.

Any option not in a command's `values` set is a flag. A value is the next word, unless it is
written `--opt=value` or `-ovalue`; short flags group (`-itd`, and `-dp 8080:80` where the last
one takes the next word). `--` ends the options. A word whose leading `-` is unknown (from an
unresolved expression) is an operand: it cannot be known to be an option.
"""

from __future__ import annotations

from ..value import UNKNOWN, Value
from .cooking import Cooking
from .lexer import Word


def option(reader: Cooking, word: Word) -> str | None:
    """The word's text when it is an option (a known leading `-`), else None."""
    if word.plain:
        start, text = word.start, reader.text
        if text[start] != "-" or word.end - start < 2 or reader.origins[start] == UNKNOWN:
            return None
        return text[start : word.end]
    value = reader.cooked(word)
    text = value.text
    if len(text) > 1 and text[0] == "-" and value.origins[0] != UNKNOWN:
        return text
    return None


def option_width(option: str, values: frozenset[str]) -> int:
    """How many words an option takes: 2 when its value is the next word, else 1."""
    if option.startswith("--"):
        return 2 if "=" not in option and option in values else 1
    last = len(option) - 1
    for index in range(1, len(option)):
        if "-" + option[index] in values:
            return 2 if index == last else 1  # -p8080:80 carries its value; -dp takes the next word
    return 1


def first_operand(
    reader: Cooking, words: list[Word], index: int, values: frozenset[str], refusals: frozenset[str] = frozenset()
) -> int:
    """Index of the first operand from `index` (options stop there); len(words) if none, or
    when an option in `refusals` shows the operands are not what they seem."""
    count = len(words)
    while index < count:
        text = option(reader, words[index])
        if text is None:
            return index
        if text == "--":
            return index + 1
        if text in refusals:
            return count
        index += option_width(text, values)
    return count


def takes_unknown_value(text: str, values: frozenset[str], known: frozenset[str]) -> bool:
    """Whether the option `text` is one the command's grammar does not know, written so that it
    may be taking the next word as its value (`--new-flag value`, `-Z value`).

    `--opt=value` and `-ovalue` carry their value, so only a bare unknown name is in doubt; in
    a group of short options only an unknown last letter could take the next word.
    """
    if text.startswith("--"):
        return "=" not in text and text not in values and text not in known
    letters = text[1:]
    for index, letter in enumerate(letters):
        short = "-" + letter
        if short in values:
            return False  # a known value option: it takes the rest, or the next word
        if short not in known:
            return index == len(letters) - 1
    return False


def doubtful_operand(
    reader: Cooking, words: list[Word], index: int, operand: int, values: frozenset[str], known: frozenset[str]
) -> bool:
    """Whether `words[operand]`, the first operand from `index`, could instead be the value of an
    unknown option written just before it (`docker run --some-new-flag value alpine`: is the
    image `value` or `alpine`?). Not when it is the last word: then it is the only operand."""
    if operand + 1 >= len(words) or operand <= index:
        return False
    text = option(reader, words[operand - 1])
    if text is None or text == "--":
        return False
    # the word before is an option; it is the last one only if the scan reaches `operand` through it
    position = index
    while position < operand:
        current = option(reader, words[position])
        if current is None or current == "--":
            return False
        width = option_width(current, values)
        if position + width == operand:
            return width == 1 and position == operand - 1 and takes_unknown_value(current, values, known)
        position += width
    return False


def operands(reader: Cooking, words: list[Word], index: int, values: frozenset[str]) -> list[int]:
    """Indexes of all operands from `index`; options may come between them."""
    count = len(words)
    found = []
    while index < count:
        text = option(reader, words[index])
        if text is None:
            found.append(index)
            index += 1
        elif text == "--":
            found.extend(range(index + 1, count))
            break
        else:
            index += option_width(text, values)
    return found


def option_values(
    reader: Cooking, words: list[Word], index: int, values: frozenset[str], wanted: frozenset[str]
) -> list[tuple[str, Value, Word]]:
    """(option, its value, the word holding the value) for each use of a `wanted` value option.

    Options may come between operands, as the container CLIs allow. `-t=x` is `-t x`, as in
    the Go flag library these CLIs use.
    """
    count = len(words)
    found: list[tuple[str, Value, Word]] = []
    while index < count:
        word = words[index]
        text = option(reader, word)
        if text is None:
            index += 1
            continue
        if text == "--":
            break
        following = words[index + 1] if index + 1 < count else None
        if text.startswith("--"):
            name, equals, _ = text.partition("=")
            if name in wanted:
                if equals:
                    found.append((name, _tail(reader.cooked(word), len(name) + 1), word))
                elif following is not None:
                    found.append((name, reader.cooked(following), following))
        else:
            for position in range(1, len(text)):
                short = "-" + text[position]
                if short not in values:
                    continue
                if short in wanted:
                    if position + 1 < len(text):
                        skip = 2 if text[position + 1] == "=" else 1
                        found.append((short, _tail(reader.cooked(word), position + skip), word))
                    elif following is not None:
                        found.append((short, reader.cooked(following), following))
                break
        index += option_width(text, values)
    return found


def _tail(value: Value, start: int) -> Value:
    """The value from character `start` on (the part of `--opt=value` after the `=`)."""
    return Value(value.text[start:], value.origins[start:], value.variables, value.unresolved)


def flags(reader: Cooking, words: list[Word], index: int, values: frozenset[str]) -> set[str]:
    """The long flags given from `index` (`--load`, `--push`), options that take no value;
    `--flag=true|false` counts as given when true. Stops at `--`."""
    count = len(words)
    found: set[str] = set()
    while index < count:
        text = option(reader, words[index])
        if text is None:
            index += 1
            continue
        if text == "--":
            break
        if text.startswith("--"):
            name, equals, setting = text.partition("=")
            if name not in values and (not equals or setting.lower() in ("true", "1")):
                found.add(name)
        index += option_width(text, values)
    return found
