"""YAML as PyYAML node graphs, with the exact source offset of every scalar character.

Fixes edit the file text at offsets and never re-dump YAML, so each kind that reads YAML
(workflows, action.yml, ...) needs, for a scalar, which characters of the file produced which
characters of its value. `compose_documents` parses; `scalar_value` re-reads a scalar's source
the way the YAML scanner does (quotes, escapes, line folding, block indentation and chomping)
and checks its result against the parser's value: any disagreement gives all-SYNTHETIC
origins, so an unusual form is never fixed, rather than fixed in the wrong place.

Nodes are composed, never constructed: unknown tags (`!reference [a, b]`, `!Ref x`) are fine,
`on:` stays the text "on". An alias node is the anchored node object itself, so the graph is
small even for a "billion laughs" document, but walking it naively repeats shared subtrees
exponentially: callers must not expand aliases recursively; the helpers here never do.

Offsets are code-point offsets into the text given to `compose_documents` (the decoded file,
BOM excluded, as `SourceText.text` holds it). Marks, as both loaders give them:
- a node's start is at its first property (`&anchor`, `!tag`) when it has any;
- a plain scalar ends after its last non-blank character, a quoted one after its closing quote;
- a block scalar (`|`, `>`) ends after the last line break it consumed, trailing empty lines
  included whatever the chomping (so at the start of the next line), or at the end of the text;
- a block mapping or sequence ends where the next token starts, after that line's indentation
  (`- a: 1\n  - b` gives the first item's mapping the span `a: 1\n  `): trim trailing blanks
  before treating the end as a line end. A flow collection ends after its closing bracket.
Plain style is None in PyYAML and '' in libyaml: use `style`.
"""

from __future__ import annotations

from .document import ParseProblem
from .value import SYNTHETIC, Builder, Value

TYPE_CHECKING = False
if TYPE_CHECKING:  # yaml is imported lazily: it costs ~40 ms, and most runs read no YAML
    from typing import TypeGuard

    from yaml import nodes
    from yaml.error import MarkedYAMLError
    from yaml.nodes import Node
    from yaml.reader import ReaderError

    # PyYAML's stubs leave a node's value untyped; its composers (and RedefiningComposer) always
    # make these. For the type checker only: the nodes are PyYAML's own classes.
    class ScalarNode(nodes.ScalarNode):
        value: str

    class SequenceNode(nodes.SequenceNode):
        value: list[Node]

    class MappingNode(nodes.MappingNode):
        value: list[tuple[KeyNode, Node]]  # keys are read by their `id`

    KeyNode = ScalarNode | SequenceNode | MappingNode

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_DEPTH = 20  # merges nested deeper than this are ignored
MERGE_VISITS = 10_000  # mappings merged per mapping_items call, however the anchors are shared

BLANKS = " \t"
BREAKS = "\r\n\x85\u2028\u2029"  # YAML 1.1 line breaks, as both PyYAML and libyaml read them
RARE_BREAKS = "\r\x85\u2028\u2029"
KEPT_BREAKS = "\u2028\u2029"  # stay themselves in a value; the others become "\n"
WHITESPACE = BLANKS + BREAKS
ANCHOR_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "'": "'", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


# --- parsing ---------------------------------------------------------------------------------


def default_loader() -> type:
    """libyaml's safe loader when PyYAML was built with it (10x faster), else the pure one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose_documents(text: str, loader: type | None = None) -> tuple[list[Node], ParseProblem | None]:
    """All documents of a YAML stream as node graphs, and the problem that stopped parsing.

    Documents before the problem are still returned. Nothing raises and nothing crashes:
    invalid YAML, non-printable characters, nesting deeper than yamlcompose.MAX_DEPTH (which
    would crash libyaml) and exhausted memory all become a ParseProblem. An anchor defined
    again is read as YAML 1.2 says: aliases after it name the new one. `loader` is for tests:
    yaml.SafeLoader reads with PyYAML's pure-Python parser, anything else with libyaml where
    it can (both give the same nodes and offsets).
    """
    import yaml

    from . import yamlcompose as yc

    chosen: type = yc.PureLoader
    # libyaml skips a leading BOM without counting it; PyYAML counts it, as the text does
    if (
        loader is not yaml.SafeLoader
        and yc.LIBYAML_LOADER is not None
        and not text.startswith("\ufeff")
        and yc.libyaml_is_safe(text)
    ):
        chosen = yc.LIBYAML_LOADER
    documents, problem = _compose(text, chosen)
    if isinstance(problem, Exception):  # libyaml's composer refused an anchor defined again
        assert yc.LIBYAML_EVENTS_LOADER is not None
        documents, problem = _compose(text, yc.LIBYAML_EVENTS_LOADER)
    assert not isinstance(problem, Exception)
    return documents, problem


def _compose(text: str, loader: type) -> tuple[list[Node], ParseProblem | Exception | None]:
    """compose_documents with one loader; a duplicate-anchor error is returned as it is."""
    import yaml

    from .yamlcompose import is_duplicate_anchor

    documents: list[Node] = []
    try:
        for document in yaml.compose_all(text, Loader=loader):
            documents.append(document)
    except yaml.MarkedYAMLError as err:
        if is_duplicate_anchor(err):
            return documents, err
        return documents, _marked_problem(err, len(text))
    except yaml.reader.ReaderError as err:
        return documents, _reader_problem(text, err)
    except yaml.YAMLError as err:
        return documents, ParseProblem(0, 0, f"invalid YAML: {err}")
    except UnicodeError as err:  # lone surrogates: libyaml reads UTF-8
        start = getattr(err, "start", 0)
        return documents, ParseProblem(start, start + 1, "invalid YAML: text that is not valid Unicode")
    except RecursionError:  # not expected: no composer used here recurses
        return documents, ParseProblem(0, 0, "invalid YAML: nested too deeply to read")
    except MemoryError:
        return documents, ParseProblem(0, 0, "invalid YAML: too large to read")
    return documents, None


def _marked_problem(err: MarkedYAMLError, length: int) -> ParseProblem:
    """'invalid YAML: <problem> (<context> at line L, column C)', spanning the problem mark."""
    problem_mark = err.problem_mark or err.context_mark
    start = min(problem_mark.index, length) if problem_mark is not None else 0
    message = f"invalid YAML: {err.problem or err.context or 'cannot parse'}"
    context_mark = err.context_mark
    if err.problem and err.context:
        where = ""
        if context_mark is not None and context_mark.index != start:
            where = f" at line {context_mark.line + 1}, column {context_mark.column + 1}"
        message += f" ({err.context}{where})"
    return ParseProblem(start, min(start + 1, length), message)


def _reader_problem(text: str, err: ReaderError) -> ParseProblem:
    """Where the first character YAML forbids is (libyaml reports a byte offset: recompute it)."""
    from yaml.reader import Reader

    found = Reader.NON_PRINTABLE.search(text)
    start = found.start() if found else min(err.position, len(text))
    shown = f" U+{ord(text[start]):04X}" if start < len(text) else ""
    return ParseProblem(start, min(start + 1, len(text)), f"invalid YAML: unprintable character{shown} is not allowed")


def top_level_keys(text: str, lines: int = 2000) -> set[str]:
    """The keys a YAML text starts lines with at column 0, read cheaply (no parsing): enough to
    tell one kind of YAML file from another by content (`jobs:` and `on:`, `runs:`)."""
    keys = set()
    for line in text.splitlines()[:lines]:
        if line[:1].isalpha() or line[:1] in "\"'":
            keys.add(line.split(":", 1)[0].strip().strip("\"'"))
    return keys


# --- node kinds ------------------------------------------------------------------------------


def is_mapping(node: object) -> TypeGuard[MappingNode]:
    return getattr(node, "id", None) == "mapping"


def is_sequence(node: object) -> TypeGuard[SequenceNode]:
    return getattr(node, "id", None) == "sequence"


def is_scalar(node: object) -> TypeGuard[ScalarNode]:
    return getattr(node, "id", None) == "scalar"


def scalar_text(node: object) -> str | None:
    """The scalar's value as the parser read it; None for anything else."""
    return node.value if is_scalar(node) else None


def is_null(node: object) -> bool:
    """A null scalar: plain '', '~', 'null', 'Null', 'NULL' (the resolver's null tag), or `!!null`."""
    return is_scalar(node) and node.tag == NULL_TAG


def style(node: Node) -> str:
    """'' for plain, "'", '"', '|' or '>' (PyYAML says None for plain, libyaml '')."""
    if not is_scalar(node):
        raise TypeError(f"style of a {getattr(node, 'id', type(node).__name__)} node")
    return node.style or ""


def span(node: Node) -> tuple[int, int]:
    """The node's (start, end) offsets; see the module docstring for what the marks include."""
    return node.start_mark.index, node.end_mark.index


# --- mappings --------------------------------------------------------------------------------


def mapping_items(node: object) -> list[tuple[str, Node, Node]]:
    """(key text, key node, value node) of a mapping, merge keys applied, one entry per key.

    Merge keys (`<<: *a`, `<<: [*a, *b]`) follow yaml.org/type/merge.html, as GitLab (Ruby)
    and compose (Go) read them: explicit keys win over merged ones, and of the merged mappings
    the earlier wins (several `<<` keys in one mapping count as one list, in order). PyYAML's
    own winners vary between releases (6.0.3 changed them), so this does not ask it. Order:
    merged keys first, in merge order, then the explicit ones, as in a safe_load dict. A key
    repeated in one mapping takes its last value, at its first position. Keys are compared as text (`1` and
    `"1"` are one key here); non-scalar keys are skipped. Anything but a mapping has no items.
    Nested merges deeper than MERGE_DEPTH, cycles and more than MERGE_VISITS merged mappings
    are ignored, so no document makes this slow.
    """
    if not is_mapping(node):
        return []
    return list(_MergeWalk().entries(node, 0).values())


def mapping_get(node: object, key: str) -> Node | None:
    """The value for `key` (the last one when the key is repeated, merges applied), or None.

    None also when `node` is not a mapping, so lookups chain: mapping_get(mapping_get(r, "a"), "b").
    """
    if not is_mapping(node):
        return None
    merges = False
    for key_node, value_node in reversed(node.value):
        if key_node.id != "scalar":
            continue
        if key_node.tag == MERGE_TAG:
            merges = True
        elif key_node.value == key:
            return value_node  # explicit keys win over merged ones
    if merges:
        for text, _, value_node in mapping_items(node):
            if text == key:
                return value_node
    return None


class _MergeWalk:
    """One mapping_items call: each mapping is flattened once, however often it is merged."""

    def __init__(self) -> None:
        self.done: dict[int, dict[str, tuple[str, Node, Node]]] = {}
        self.active: set[int] = set()
        self.visits = 0

    def entries(self, node: Node, depth: int) -> dict[str, tuple[str, Node, Node]]:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if depth > MERGE_DEPTH or key in self.active or self.visits >= MERGE_VISITS:
            return {}
        self.visits += 1
        self.active.add(key)
        merged: dict[str, tuple[str, Node, Node]] = {}
        explicit: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                continue
            if key_node.tag == MERGE_TAG:
                for source in self.merge_sources(value_node):
                    for text, entry in self.entries(source, depth + 1).items():
                        merged.setdefault(text, entry)  # the earlier mapping wins
            else:
                explicit.append((key_node.value, key_node, value_node))
        self.active.discard(key)
        for entry in explicit:
            merged[entry[0]] = entry
        self.done[key] = merged
        return merged

    @staticmethod
    def merge_sources(value_node: Node) -> list[Node]:
        """The mappings a `<<` value merges, in order; anything else there is ignored."""
        if is_mapping(value_node):
            return [value_node]
        if is_sequence(value_node):
            return [item for item in value_node.value if is_mapping(item)]
        return []


# --- scalar values with origins ---------------------------------------------------------------


class _Mismatch(Exception):
    """The source does not read as modelled; the caller falls back to synthetic origins."""


def scalar_value(node: Node, text: str) -> Value:
    """The scalar's value with, for each character, its offset in `text`.

    Characters copied from the file keep their offsets; characters the scanner makes up map
    to SYNTHETIC: the space of a folded line break, an escape's result (`\\n`, `\\x41`, `''`),
    and a "\\n" read from a CRLF, CR or NEL break (a bare LF maps to itself, and so do the
    Unicode line and paragraph separators). SYNTHETIC escapes mean no fix edits half an escape.
    The result is checked against the parser's value; when they differ (a form not modelled
    here), every origin is SYNTHETIC. Linear in the scalar's source length.
    """
    if not is_scalar(node):
        raise TypeError(f"scalar_value of a {getattr(node, 'id', type(node).__name__)} node")
    value = node.value
    if not value:
        return Value("", [])
    start, end = node.start_mark.index, node.end_mark.index
    if text[start] in "'\"":  # a quoted scalar: the quotes are not part of the value
        start, end = start + 1, end - 1
    if end - start == len(value) and text.startswith(value, start):  # written as it reads: the common case
        return Value.literal(value, start)
    try:
        read = _read_scalar(node, text)
    except (_Mismatch, IndexError, ValueError):
        read = None
    if read is None or read.text != value or len(read.origins) != len(value):
        return Value.synthetic(value)
    return read


def _read_scalar(node: Node, text: str) -> Value:
    end = node.end_mark.index
    start = _content_start(text, node.start_mark.index, end)
    out = Builder()
    kind = style(node)
    if kind == "":
        _read_plain(text, start, end, out)
    elif kind == "'":
        _expect(text, start, end, "'")
        _read_single_quoted(text, start + 1, end - 1, out)
    elif kind == '"':
        _expect(text, start, end, '"')
        _read_double_quoted(text, start + 1, end - 1, out)
    elif kind in ("|", ">"):
        _read_block(text, start, end, node.value, out)
    else:
        raise _Mismatch(kind)
    return out.build()


def _content_start(text: str, start: int, end: int) -> int:
    """Skip the node's properties (`&anchor`, `!tag`) and the blanks and comments after them."""
    index = start
    while index < end:
        char = text[index]
        if char in WHITESPACE:
            index += 1
        elif char == "#":
            index = _line_end(text, index, end)
        elif char == "&":
            index += 1
            while index < end and text[index] in ANCHOR_CHARS:
                index += 1
        elif char == "!":
            while index < end and text[index] not in WHITESPACE:
                index += 1
        else:
            break
    return index


def _expect(text: str, start: int, end: int, quote: str) -> None:
    if end - start < 2 or text[start] != quote or text[end - 1] != quote:
        raise _Mismatch(quote)


def _line_end(text: str, index: int, end: int) -> int:
    """Offset of the next line break (or `end`); str.find keeps long block scalars fast."""
    stop = text.find("\n", index, end)
    if stop < 0:
        stop = end
    for char in RARE_BREAKS:
        found = text.find(char, index, stop)
        if found >= 0:
            stop = found
    return stop


def _copy(out: Builder, text: str, start: int, end: int) -> None:
    """Characters [start, end) taken verbatim."""
    out.chars.append(text[start:end])
    out.origins.extend(range(start, end))


def _line_break(text: str, index: int) -> tuple[str, int, int]:
    """(value character, its origin, offset after the break) for the break at `index`."""
    char = text[index]
    if char == "\n" or char in KEPT_BREAKS:
        return char, index, index + 1
    if char == "\r" and text.startswith("\n", index + 1):
        return "\n", SYNTHETIC, index + 2
    return "\n", SYNTHETIC, index + 1  # a lone CR or a NEL


def _run_end(text: str, index: int, end: int, stops: str) -> int:
    while index < end and text[index] not in stops:
        index += 1
    return index


def _fold(text: str, index: int, end: int, out: Builder) -> int:
    """A run of blanks and breaks inside a flow scalar: blanks alone are kept; with breaks the
    run folds (one break: a space; n breaks: n - 1 newlines; a kept break stays itself)."""
    start = index
    breaks: list[tuple[str, int]] = []
    while index < end:
        char = text[index]
        if char in BLANKS:
            index += 1
        elif char in BREAKS:
            value_char, origin, index = _line_break(text, index)
            breaks.append((value_char, origin))
        else:
            break
    if not breaks:
        _copy(out, text, start, index)
        return index
    first = breaks[0]
    if first[0] != "\n":
        out.add(*first)
    elif len(breaks) == 1:
        out.add(" ", SYNTHETIC)
    for value_char, origin in breaks[1:]:
        out.add(value_char, origin)
    return index


def _read_plain(text: str, start: int, end: int, out: Builder) -> None:
    index = start
    while index < end:
        stop = _run_end(text, index, end, WHITESPACE)
        _copy(out, text, index, stop)
        index = _fold(text, stop, end, out) if stop < end else stop


def _read_single_quoted(text: str, start: int, end: int, out: Builder) -> None:
    index = start
    while index < end:
        stop = _run_end(text, index, end, "'" + WHITESPACE)
        _copy(out, text, index, stop)
        if stop >= end:
            break
        if text[stop] == "'":
            if not text.startswith("''", stop) or stop + 1 >= end:
                raise _Mismatch("'")
            out.add("'", SYNTHETIC)
            index = stop + 2
        else:
            index = _fold(text, stop, end, out)


def _read_double_quoted(text: str, start: int, end: int, out: Builder) -> None:
    index = start
    while index < end:
        stop = _run_end(text, index, end, "\\" + WHITESPACE)
        _copy(out, text, index, stop)
        if stop >= end:
            break
        index = _escape(text, stop, end, out) if text[stop] == "\\" else _fold(text, stop, end, out)


def _escape(text: str, index: int, end: int, out: Builder) -> int:
    """A backslash escape: its character is SYNTHETIC; an escaped line break joins the lines."""
    if index + 1 >= end:
        raise _Mismatch("\\")
    code = text[index + 1]
    if code in ESCAPES:
        out.add(ESCAPES[code], SYNTHETIC)
        return index + 2
    if code in HEX_ESCAPES:
        digits = text[index + 2 : index + 2 + HEX_ESCAPES[code]]
        if len(digits) != HEX_ESCAPES[code] or not HEX_DIGITS.issuperset(digits):
            raise _Mismatch(digits)
        out.add(chr(int(digits, 16)), SYNTHETIC)
        return index + 2 + len(digits)
    if code in BREAKS:
        return _escaped_break(text, index + 1, end, out)
    raise _Mismatch(code)


def _escaped_break(text: str, index: int, end: int, out: Builder) -> int:
    """After `\\` + break, the next line's leading blanks go; only empty lines add breaks."""
    index = _line_break(text, index)[2]
    while index < end:
        char = text[index]
        if char in BLANKS:
            index += 1
        elif char in BREAKS:
            value_char, origin, index = _line_break(text, index)
            out.add(value_char, origin)
        else:
            break
    return index


class _Line:
    """A line of a block scalar's body: where it starts, its text's end, and its break."""

    __slots__ = ("start", "stop", "brk")

    def __init__(self, start: int, stop: int, brk: tuple[str, int] | None) -> None:
        self.start = start
        self.stop = stop
        self.brk = brk  # (value character, origin), or None for a last line without one

    def leading_spaces(self, text: str) -> int:
        index = self.start
        while index < self.stop and text[index] == " ":
            index += 1
        return index - self.start


def _body_lines(text: str, start: int, end: int) -> list[_Line]:
    lines = []
    index = start
    while index < end:
        stop = _line_end(text, index, end)
        if stop < end:
            value_char, origin, after = _line_break(text, stop)
            lines.append(_Line(index, stop, (value_char, origin)))
            index = after
        else:
            lines.append(_Line(index, stop, None))
            index = stop
    return lines


def _read_block(text: str, start: int, end: int, value: str, out: Builder) -> None:
    """A `|` or `>` scalar, read as the scanner reads it (PyYAML's scan_block_scalar).

    The indentation is inferred from the value (the first content line's leading spaces in
    the source, minus those in the value), which covers indentation indicators without knowing
    the parent's indentation; a wrong inference only makes the result fail the check.
    """
    folded = text[start] == ">"
    header = start + 1
    while header < end and text[header] in "+-123456789":
        header += 1
    indicators = text[start + 1 : header]
    keep, strip = "+" in indicators, "-" in indicators
    header_end = _line_end(text, header, end)
    if header_end >= end:
        raise _Mismatch("block header")
    lines = _body_lines(text, _line_break(text, header_end)[2], end)
    indent = _block_indent(text, lines, value)

    def is_empty(line: _Line) -> bool:
        return line.stop - line.start <= indent and not text[line.start : line.stop].strip(" ")

    def empty_lines(position: int, breaks: list[tuple[str, int]]) -> int:
        """Collect the breaks of the empty lines from `position`; return the next line's."""
        while position < len(lines) and is_empty(lines[position]):
            brk = lines[position].brk
            if brk is None:
                raise _Mismatch("spaces at the end")  # the scanner leaves them out of the scalar
            breaks.append(brk)
            position += 1
        return position

    breaks: list[tuple[str, int]] = []
    position = empty_lines(0, breaks)
    last_break: tuple[str, int] | None = None
    while position < len(lines):
        line = lines[position]
        body = line.start + indent
        if body > line.stop or text[line.start : body].strip(" "):
            raise _Mismatch("indentation")
        for brk in breaks:
            out.add(*brk)
        leading_blank = text[body] in BLANKS
        _copy(out, text, body, line.stop)
        last_break = line.brk
        breaks = []
        position = empty_lines(position + 1, breaks)
        if position == len(lines) or last_break is None:
            break
        following = lines[position]
        next_blank = following.start + indent < following.stop and text[following.start + indent] in BLANKS
        if folded and last_break[0] == "\n" and not leading_blank and not next_blank:
            if not breaks:
                out.add(" ", SYNTHETIC)
        else:
            out.add(*last_break)
    if position < len(lines):
        raise _Mismatch("lines after the end")
    if not strip and last_break is not None:
        out.add(*last_break)
    if keep:
        for brk in breaks:
            out.add(*brk)


def _block_indent(text: str, lines: list[_Line], value: str) -> int:
    """The body's indentation, from the first line that has content (value line `leading`)."""
    leading = 0
    while leading < len(value) and value[leading] in "\n" + KEPT_BREAKS:
        leading += 1
    if leading == len(value):
        return len(text)  # no content: every line is empty, whatever its spaces
    if leading >= len(lines):
        raise _Mismatch("block lines")
    value_spaces = len(value) - leading - len(value[leading:].lstrip(" "))
    indent = lines[leading].leading_spaces(text) - value_spaces
    if indent < 1:
        raise _Mismatch("block indentation")
    return indent
