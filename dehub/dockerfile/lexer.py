"""Split a Dockerfile into parser directives, comments and instructions, with exact offsets.

Mirrors BuildKit's parser (moby/buildkit frontend/dockerfile/parser): directives only in the
leading comment block, the escape character (`\\` or a backtick), line continuations that skip
comment and blank lines, and heredocs (`<<EOF`, `<<-EOF`, quoted delimiters, several per line)
whose bodies are text, not instructions. dockerfile-parse reads heredoc bodies as
instructions, so a `FROM` inside one would be reported; this lexer does not.

Each instruction keeps its logical line as a `Value`, so every character of a joined
continuation still knows its offset in the file.
"""

from __future__ import annotations

from ..document import ParseProblem
from ..source import SourceText
from ..value import Value

DIRECTIVE_NAMES = frozenset(("syntax", "escape", "check"))
HEREDOC_KEYWORDS = frozenset(("run", "copy", "add"))
BLANKS = " \t\v\f\r"
DIGITS = frozenset("0123456789")


class Directive:
    """A parser directive such as `# syntax=docker/dockerfile:1`; `value` carries offsets."""

    __slots__ = ("name", "value", "line")

    def __init__(self, name: str, value: Value, line: int) -> None:
        self.name = name
        self.value = value
        self.line = line


class Comment:
    """A comment line outside any instruction (where suppression pragmas live)."""

    __slots__ = ("line", "start", "text")

    def __init__(self, line: int, start: int, text: str) -> None:
        self.line = line
        self.start = start  # offset of the '#'
        self.text = text  # after the '#', stripped


class Heredoc:
    __slots__ = ("name", "chomp", "body_start", "body_end")

    def __init__(self, name: str, chomp: bool, body_start: int, body_end: int) -> None:
        self.name = name
        self.chomp = chomp
        self.body_start = body_start
        self.body_end = body_end


class Instruction:
    """One instruction: keyword (lower case), its arguments with offsets, its line range.

    `text` is the argument text joined across continuations; `args` is the same as a `Value`
    (built on first use: most instructions never need their offsets).
    """

    __slots__ = (
        "keyword", "text", "line", "end_line", "start", "end", "line_end", "heredocs", "_pieces", "_cut", "_args",
    )  # fmt: skip

    def __init__(self, keyword: str, text: str, pieces: list[tuple[str, int]], cut: int, line: int, start: int) -> None:
        self.keyword = keyword
        self.text = text
        self._pieces = pieces  # (text, source offset) of each joined physical piece
        self._cut = cut  # where the arguments start in the joined text
        self._args: Value | None = None
        self.line = line
        self.end_line = line
        self.start = start
        self.end = start  # after any heredoc bodies
        self.line_end = start  # the end of the instruction's own (continued) lines, before heredoc bodies
        self.heredocs: list[Heredoc] = []

    @property
    def args(self) -> Value:
        args = self._args
        if args is None:
            origins: list[int] = []
            for piece, at in self._pieces:
                origins.extend(range(at, at + len(piece)))
            cut = self._cut
            args = self._args = Value(self.text, origins[cut : cut + len(self.text)])
        return args


class Lexed:
    __slots__ = ("directives", "escape", "instructions", "comments", "errors")

    def __init__(self) -> None:
        self.directives: dict[str, Directive] = {}
        self.escape = "\\"
        self.instructions: list[Instruction] = []
        self.comments: list[Comment] = []
        self.errors: list[ParseProblem] = []


def _physical_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without its newline (and a CR before it)."""
    lines = []
    start = 0
    find = text.find
    size = len(text)
    while start < size:
        newline = find("\n", start)
        if newline == -1:
            end = next_start = size
        else:
            end, next_start = newline, newline + 1
        if end > start and text[end - 1] == "\r":
            end -= 1
        lines.append((start, end))
        start = next_start
    return lines


def directive(line: str) -> tuple[str, str, int] | None:
    """(name, value, value offset in line) when `line` is `# name = value`."""
    stripped = line.lstrip(BLANKS)
    if not stripped.startswith("#"):
        return None
    body_at = len(line) - len(stripped) + 1
    rest = line[body_at:]
    equals = rest.find("=")
    if equals == -1:
        return None
    name = rest[:equals].strip(BLANKS)
    if not name or not name[0].isascii() or not name[0].isalpha() or not (name.isascii() and name.isalnum()):
        return None
    raw = rest[equals + 1 :]
    value = raw.strip(BLANKS)
    if not value:
        return None
    return name.lower(), value, body_at + equals + 1 + (len(raw) - len(raw.lstrip(BLANKS)))


def _continues(content: str, escape: str) -> int:
    """Length of `content` without a trailing escape-and-blanks, or -1 if it does not continue."""
    end = len(content.rstrip(" \t"))
    if end and content[end - 1] == escape:
        return end - 1
    return -1


def lex(source: SourceText) -> Lexed:
    text = source.text
    result = Lexed()
    lines = _physical_lines(text)
    count = len(lines)
    index = 0

    # Parser directives: the leading run of `# key=value` lines with known keys (after a `#!`
    # line, which BuildKit's directive reader discards).
    if count and text.startswith("#!"):
        index = 1
    while index < count:
        start, end = lines[index]
        found = directive(text[start:end])
        if found is None or found[0] not in DIRECTIVE_NAMES:
            break
        name, value, at = found
        if name in result.directives:
            result.errors.append(ParseProblem(start, end, f"only one {name} parser directive can be used"))
            break
        result.directives[name] = Directive(name, Value.literal(value, start + at), index + 1)
        index += 1
    escape_directive = result.directives.get("escape")
    if escape_directive is not None:
        if escape_directive.value.text in ("\\", "`"):
            result.escape = escape_directive.value.text
        else:
            token = escape_directive.value
            result.errors.append(
                ParseProblem(
                    token.origins[0], token.origins[0] + len(token.text), f"invalid escape token '{token.text}'"
                )
            )
    escape = result.escape

    index = 0  # directives are comments too: pragmas may sit among them
    while index < count:
        start, end = lines[index]
        content = text[start:end]
        stripped = content.lstrip()
        if not stripped:
            index += 1
            continue
        if stripped[0] == "#":
            at = start + len(content) - len(stripped)
            result.comments.append(Comment(index + 1, at, stripped[1:].strip()))
            index += 1
            continue

        first_line = index + 1
        lead = len(content) - len(stripped)
        cut = _continues(stripped, escape)
        pieces = [(stripped if cut == -1 else stripped[:cut], start + lead)]
        last_end = end
        index += 1
        while cut != -1 and index < count:
            line_start, line_end = lines[index]
            line = text[line_start:line_end]
            index += 1
            line_stripped = line.lstrip()
            if not line_stripped or line_stripped[0] == "#":
                continue  # comments and blank lines inside a continuation are dropped
            cut = _continues(line, escape)
            pieces.append((line if cut == -1 else line[:cut], line_start))
            last_end = line_end
        instruction = _instruction(pieces, first_line, start + lead)
        instruction.end_line = index
        instruction.end = instruction.line_end = last_end
        heredoc_keyword = instruction.keyword in HEREDOC_KEYWORDS or (
            instruction.keyword == "onbuild" and _first_word(instruction.text).lower() in HEREDOC_KEYWORDS
        )
        if heredoc_keyword and "<<" in instruction.text and not _json_form(instruction.text):
            index = _read_heredocs(text, lines, index, instruction, result)
        result.instructions.append(instruction)
    return result


def _instruction(pieces: list[tuple[str, int]], line: int, start: int) -> Instruction:
    logical = pieces[0][0] if len(pieces) == 1 else "".join(piece for piece, _ in pieces)
    cut = 0
    size = len(logical)
    while cut < size and logical[cut] not in BLANKS:
        cut += 1
    keyword = logical[:cut].lower()
    while cut < size and logical[cut] in BLANKS:
        cut += 1
    return Instruction(keyword, logical[cut:].rstrip(BLANKS), pieces, cut, line, start)


def _json_form(args: str) -> bool:
    """Whether RUN/COPY/ADD arguments are the exec (JSON array) form, as BuildKit decides it."""
    if not args.startswith("["):
        return False
    import json  # only for `RUN [...]` lines that also hold `<<`: rare enough to import lazily

    try:
        value = json.loads(args)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _first_word(text: str) -> str:
    parts = text.split(None, 1)
    return parts[0] if parts else ""


def heredoc_names(line: str) -> list[tuple[str, bool]]:
    """Heredoc delimiters named on an instruction line, in order: (name, chomp).

    As BuildKit: split the line into shell words (quotes kept, backslash escapes), and take
    each word of the form `[n]<<[-]DELIM`; a quoted DELIM is unquoted.
    """
    found = []
    for word in shell_words(line):
        at = 0
        while at < len(word) and word[at] in DIGITS:
            at += 1
        if not word.startswith("<<", at):
            continue
        rest = word[at + 2 :]
        chomp = rest.startswith("-")
        if chomp:
            rest = rest[1:]
        if not rest or "<" in rest:
            continue
        name = _unquote(rest)
        if name:
            found.append((name, chomp))
    return found


def shell_words(line: str) -> list[str]:
    """Whitespace-separated words, quotes and escapes kept raw (BuildKit's RawQuotes lexing)."""
    words = []
    word: list[str] = []
    quote = ""
    in_word = False
    index = 0
    size = len(line)
    while index < size:
        char = line[index]
        if quote:
            word.append(char)
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and index + 1 < size:
                index += 1
                word.append(line[index])
        elif char in BLANKS or char == "\n":
            if in_word:
                words.append("".join(word))
                word = []
                in_word = False
        else:
            in_word = True
            word.append(char)
            if char in "'\"":
                quote = char
            elif char == "\\" and index + 1 < size:
                index += 1
                word.append(line[index])
        index += 1
    if in_word:
        words.append("".join(word))
    return words


def _unquote(word: str) -> str:
    out = []
    quote = ""
    index = 0
    while index < len(word):
        char = word[index]
        if quote:
            if char == quote:
                quote = ""
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char == "\\" and index + 1 < len(word):
            index += 1
            out.append(word[index])
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _read_heredocs(text: str, lines: list[tuple[int, int]], index: int, instruction: Instruction, result: Lexed) -> int:
    """Consume the bodies of the heredocs the instruction opens; returns the next line index."""
    count = len(lines)
    for name, chomp in heredoc_names(instruction.text):
        body_start = lines[index][0] if index < count else len(text)
        terminated = False
        while index < count:
            start, end = lines[index]
            index += 1
            candidate = text[start:end]
            if chomp:
                candidate = candidate.lstrip("\t")
            if candidate == name:
                instruction.heredocs.append(Heredoc(name, chomp, body_start, start))
                terminated = True
                break
        if not terminated:
            result.errors.append(
                ParseProblem(
                    instruction.start, len(text), f"unterminated heredoc '{name}' (no line '{name}' closes it)"
                )
            )
            instruction.heredocs.append(Heredoc(name, chomp, body_start, len(text)))
            index = count
        instruction.end_line = index
        instruction.end = lines[index - 1][1] if index else instruction.end
    return index
