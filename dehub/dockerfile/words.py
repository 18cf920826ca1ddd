"""Argument splitting for Dockerfile instructions, keeping every character's offset.

Each function follows the BuildKit routine of the same job (frontend/dockerfile/parser):
`builder_flags` is extractBuilderFlags, `arg_words` is parseWords, `csv_fields` is the
encoding/csv reading of a `--mount` value.
"""

from __future__ import annotations

from ..fields import csv_fields, key_value
from ..value import Builder, Value

__all__ = ["arg_words", "builder_flags", "csv_fields", "fields", "flag_value", "key_value"]

SPACES = frozenset(" \t\v\f\r\n")


def _slice(value: Value, start: int, end: int) -> Value:
    return Value(value.text[start:end], value.origins[start:end])


def builder_flags(args: Value) -> tuple[list[Value], Value]:
    """Leading `--name[=value]` flags (quotes removed, backslash escapes applied) and the rest."""
    text = args.text
    if not text.startswith("--"):
        return [], args
    size = len(text)
    flags: list[Value] = []
    pos = 0
    while True:
        while pos < size and text[pos] in SPACES:
            pos += 1
        if not text.startswith("--", pos):
            return flags, _slice(args, pos, size)
        end = pos
        while end < size and text[end] not in SPACES:
            end += 1
        word = text[pos:end]
        if word == "--":
            while end < size and text[end] in SPACES:
                end += 1
            return flags, _slice(args, end, size)
        if "'" in word or '"' in word or "\\" in word:
            flag, pos = _quoted_flag(args, pos)
        else:
            flag, pos = _slice(args, pos, end), end
        flags.append(flag)


def _quoted_flag(args: Value, pos: int) -> tuple[Value, int]:
    """One flag word with quotes and escapes, as extractBuilderFlags reads it."""
    text, origins = args.text, args.origins
    size = len(text)
    word = Builder()
    quote = ""
    while pos < size:
        char = text[pos]
        if quote:
            if char == quote:
                quote = ""
                pos += 1
                continue
        elif char in SPACES:
            break
        elif char in "'\"":
            quote = char
            pos += 1
            continue
        if char == "\\":
            if pos + 1 == size:
                pos += 1
                continue
            pos += 1
            char = text[pos]
        word.add(char, origins[pos])
        pos += 1
    return word.build(), pos


def flag_value(flag: Value, name: str) -> Value | None:
    """The value of `--name=value` (name compared case-insensitively), else None."""
    text = flag.text
    equals = text.find("=")
    if equals == -1 or text[2:equals].lower() != name:
        return None
    return _slice(flag, equals + 1, len(text))


def fields(args: Value) -> list[Value]:
    """Whitespace-separated fields, no quote handling (BuildKit's parseStringsWhitespaceDelimited)."""
    text = args.text
    out = []
    pos = 0
    size = len(text)
    while pos < size:
        while pos < size and text[pos] in SPACES:
            pos += 1
        if pos >= size:
            break
        start = pos
        while pos < size and text[pos] not in SPACES:
            pos += 1
        out.append(_slice(args, start, pos))
    return out


def arg_words(args: Value, escape: str) -> list[Value]:
    """Words split on unquoted whitespace, quotes and escapes kept (BuildKit's parseWords)."""
    text = args.text
    size = len(text)
    out = []
    pos = 0
    while pos < size:
        while pos < size and text[pos] in SPACES:
            pos += 1
        if pos >= size:
            break
        start = pos
        quote = ""
        while pos < size:
            char = text[pos]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'":
                    pos += 1
            elif char in SPACES:
                break
            elif char in "'\"":
                quote = char
            elif char == escape:
                pos += 1
            pos += 1
        out.append(_slice(args, start, min(pos, size)))
    return out
