"""Composing YAML safely: a nesting pre-check that keeps libyaml from crashing, and a composer
that reads redefined anchors as YAML 1.2 does.

libyaml's composer (PyYAML's C extension) recurses in C without a limit: with libyaml 0.2.5 and
older a document nested about 25,000 levels deep (8 MiB of stack; 24,800 mappings, 27,500
sequences) kills the process with a segmentation fault, flow (`[[[`, `{a: {a:`) or block
(`- - -`, indented mappings) alike, in `compose` and in `load`. libyaml 0.2.6 refuses 1,000
levels itself. So a text reaches libyaml only when `libyaml_is_safe` proves, in linear time,
that it nests at most LIBYAML_DEPTH levels (every real file: a workflow nests about 10);
anything else is composed by PyYAML's pure-Python parser and `RedefiningComposer`, which keeps
its own stack (no recursion) and stops past MAX_DEPTH levels with a marked error, the same with
any libyaml.

Anchors: YAML 1.2 (and GitHub) let an anchor be defined again; an alias names the most recent
anchor of that name before it. PyYAML's composers (the C one cannot be subclassed) refuse a
second definition, so a file that has one is composed again from libyaml's events by
`RedefiningComposer`, with the same marks. Nothing here is used unless a text needs it.
"""

from __future__ import annotations

from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner, ScannerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from yaml.events import Event

# types-PyYAML says nodes and errors hold yaml.error.Mark, but libyaml's events carry its own
# yaml._yaml.Mark (the same fields), which PyYAML's composers put in nodes as they are; the
# `arg-type` ignores below are for that, and for compose_scalar_node's anchor (a name, typed
# as a dict there).

MAX_DEPTH = 1000  # collections nested deeper are an error here (libyaml 0.2.6 stops at 1,000 too)
LIBYAML_DEPTH = 5000  # what libyaml may be given: about 1.7 MiB of C stack, 8 MiB is the usual
TOO_DEEP = f"nested too deeply to read (more than {MAX_DEPTH} levels)"

# Byte classes for the fast bound, over the UTF-8 text: "p" may stand before a `[` or `{` that
# opens a collection, and covers all that may stand before a block collection on its line; "B"
# is a `[` or `{`. 0x85, 0xA8, 0xA9 end NEL, LS and PS; EF BB BF is a BOM (libyaml skips one at
# a line's start).
_CLASSES = bytearray(b"." * 256)
for _byte in b" \t-?:\n\r,\x85\xa8\xa9\xef\xbb\xbf":
    _CLASSES[_byte] = ord("p")
for _byte in b"[{":
    _CLASSES[_byte] = ord("B")
_CLASS_TABLE = bytes(_CLASSES)
_BLOCK_PREFIX = " \t-?:\ufeff"
_BLOCK_RUN = 500  # a line prefix this long allows 2 * (500 + 1) block levels
_FLOW_BUDGET = LIBYAML_DEPTH - 2 * (_BLOCK_RUN + 1) - 2  # the document, and one to spare

_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKS_AND_BREAKS = " \t" + _BREAKS
# Characters after which a token may start in flow context (a collection, a quoted scalar, a
# tag): blanks, line breaks, flow indicators, `:` and `?`, `-`, a BOM. A `[` or `{` after any
# other character is inside a scalar, comment or tag, or a parse error where it stands.
_OPEN_AFTER = frozenset(_BLANKS_AND_BREAKS + ",:?-\ufeff")
_QUOTE_AFTER = frozenset(_BLANKS_AND_BREAKS + "[]{},:?\ufeff")
_COMMENT_AFTER = _QUOTE_AFTER | frozenset("\"'")  # libyaml reads `"a"#b` as a scalar and a comment


def libyaml_is_safe(text: str) -> bool:
    """Whether `text` certainly nests at most LIBYAML_DEPTH collections (False: it may not).

    Each collection on a path has its own indicator character, so a short text is safe. Block
    collections: one starts only where a simple key may, after a line's indentation and
    `- `, `? `, `: ` indicators; nested ones start at growing columns (a mapping and its
    unindented sequence share one), so line prefixes of at most _BLOCK_RUN such characters
    allow at most 2 * (_BLOCK_RUN + 1) levels. Flow collections: at most two levels per `[`
    (`[a: [b]]` has a mapping between the sequences) and one per `{` that can open one: one
    after a blank, a line break, `,`, `:`, `?`, `-` or such an opening bracket. Byte counts
    bound those; when brackets are many, `_flow_depth_bound` pairs them up. Linear time: on a
    5,000-line workflow about 1 ms, against some 15 to 45 ms to compose it.
    """
    if len(text) <= LIBYAML_DEPTH:
        return True
    classes = text.encode("utf-8", "surrogatepass").translate(_CLASS_TABLE)
    if classes.find(b"p" * (_BLOCK_RUN + 1)) < 0:
        if 2 * classes.count(b"B") <= _FLOW_BUDGET:
            return True
        openers = classes.count(b"pB") + classes.count(b"pBB") + classes.count(b"BBB")
        if 2 * openers <= _FLOW_BUDGET:
            return True
    elif _block_prefix(text) > _BLOCK_RUN:
        return False
    return _flow_depth_bound(text, _FLOW_BUDGET) <= _FLOW_BUDGET


def _block_prefix(text: str) -> int:
    """The longest run of indentation and `- `, `? `, `: ` indicators that starts a line."""
    import re

    return max(len(line) - len(line.lstrip(_BLOCK_PREFIX)) for line in re.split(f"[{_BREAKS}]", text))


class _Open:
    """A `[` or `{` that may have opened a flow collection, and how far the regions of the
    quoted scalars, comments and tags that may start after it reach."""

    __slots__ = ("weight", "reach")

    def __init__(self, weight: int) -> None:
        self.weight = weight
        self.reach = -1


def _flow_depth_bound(text: str, give_up: int) -> int:
    """An upper bound of the collections flow brackets nest (`[` counts 2: `[a: [b]]` puts a
    mapping between the sequences); stops once it passes `give_up`.

    Every `[` or `{` that can open a collection is pushed. A closing bracket pops the innermost
    one only when no quoted scalar, comment or tag that may start after that one reaches the
    closing bracket: otherwise the bracket may be inside one of those, and is not trusted. A
    start is any quote, `#` or `!` where a token may start; where it ends is fixed by the
    character (the closing quote, the end of the line, the next blank), wherever it really
    starts. So a pop never drops a collection that is open, and the bound holds for libyaml,
    whatever its version reads as plain text or comment.
    """
    import re

    stack: list[_Open] = []
    total = best = 0
    last_open = -2  # offset of the last pushed bracket, for runs like `[[`
    line_end = -1  # cached end of the line of the last comment start
    work = 0
    for found in re.finditer(r"[\[\]{}\"'#!]", text):
        index = found.start()
        char = text[index]
        before = text[index - 1] if index else " "
        if char in "[{":
            if before in _OPEN_AFTER or (index - 1 == last_open):
                entry = _Open(2 if char == "[" else 1)
                stack.append(entry)
                total += entry.weight
                last_open = index
                if total > best:
                    best = total
                    if best > give_up:
                        return best
        elif char in "]}":
            if stack and stack[-1].reach < index:
                popped = stack.pop()
                total -= popped.weight
                if stack and popped.reach > stack[-1].reach:
                    stack[-1].reach = popped.reach
        elif stack:  # where a quoted scalar, comment or tag may start: how far it would reach
            if before not in (_COMMENT_AFTER if char == "#" else _QUOTE_AFTER):
                continue
            if char == "#":
                if line_end < index:
                    line_end = _find_any(text, index, _BREAKS)
                end = line_end
            elif char == "!":
                end = _find_any(text, index, _BLANKS_AND_BREAKS)
            else:
                end, steps = _quote_end(text, index, char)
                work += steps
                if work > 4 * len(text) + 1000:  # not expected (starts' regions barely overlap): be safe
                    return give_up + 1
            if end > stack[-1].reach:
                stack[-1].reach = end
    return best


def _find_any(text: str, start: int, chars: str) -> int:
    """Offset of the first of `chars` after `start`, or len(text)."""
    end = len(text)
    for char in chars:
        found = text.find(char, start + 1, end)
        if found >= 0:
            end = found
    return end


def _quote_end(text: str, start: int, quote: str) -> tuple[int, int]:
    """(offset of the quote that would close a scalar opened at `start`, or len(text); steps)."""
    index = start + 1
    steps = 1
    while True:
        found = text.find(quote, index)
        if found < 0:
            return len(text), steps
        steps += 1
        if quote == "'":
            if text.startswith("''", found):  # an escaped quote
                index = found + 2
                continue
            return found, steps
        backslashes = 0
        while found - 1 - backslashes > start and text[found - 1 - backslashes] == "\\":
            backslashes += 1
        steps += backslashes
        if backslashes % 2 == 0:
            return found, steps
        index = found + 1


class _Frame:
    """An open collection on RedefiningComposer's stack, and its pending mapping key."""

    __slots__ = ("collection", "key")

    def __init__(self, collection: SequenceNode | MappingNode) -> None:
        self.collection = collection
        self.key: Node | None = None


class RedefiningComposer(Composer):
    """PyYAML's composer without recursion and with YAML 1.2 anchors.

    An anchor defined again replaces the earlier one for the aliases after it; a collection's
    anchor is known inside it, as in PyYAML. Nodes, tags and marks are the ones PyYAML's
    composers make. More than MAX_DEPTH nested collections raise a ComposerError at the
    collection that goes past the limit.
    """

    if TYPE_CHECKING:  # given by the parser (Parser or CParser) and Resolver it is mixed with

        def check_event(self, *choices: type[Event]) -> bool: ...
        def peek_event(self) -> Event: ...
        def get_event(self) -> Event: ...
        def descend_resolver(self, current_node: Node | None, current_index: object) -> None: ...
        def ascend_resolver(self) -> None: ...
        def resolve(self, kind: type[Node], value: str | None, implicit: bool) -> str: ...

    def compose_node(self, parent: Node | None, index: object) -> Node:
        stack: list[_Frame] = []
        while True:
            if stack:
                frame = stack[-1]
                collection = frame.collection
                if frame.key is None and self.check_event(
                    SequenceEndEvent if isinstance(collection, SequenceNode) else MappingEndEvent
                ):
                    collection.end_mark = self.get_event().end_mark
                    stack.pop()
                    self.ascend_resolver()
                    if not stack:
                        return collection
                    self._attach(stack[-1], collection)
                    continue
                parent_node: Node | None = collection  # what the resolver is told, as PyYAML's composer tells it
                position: object = len(collection.value) if isinstance(collection, SequenceNode) else frame.key
            else:
                parent_node, position = parent, index
            node = self._compose_one(parent_node, position, len(stack))
            if isinstance(node, _Frame):  # a collection was opened: compose its items next
                stack.append(node)
                continue
            if not stack:
                return node
            self._attach(stack[-1], node)

    def _compose_one(self, parent: Node | None, index: object, depth: int) -> Node | _Frame:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self.get_event()
            if event.anchor not in self.anchors:
                raise ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark  # type: ignore[arg-type]
                )
            return self.anchors[event.anchor]
        self.descend_resolver(parent, index)
        if isinstance(event, ScalarEvent):
            # registers the anchor, replacing an earlier one
            node = self.compose_scalar_node(event.anchor)  # type: ignore[arg-type]
            self.ascend_resolver()
            return node
        assert isinstance(event, CollectionStartEvent)  # where a node starts, the parser gives nothing else
        if depth >= MAX_DEPTH:
            raise ComposerError(None, None, TOO_DEEP, event.start_mark)  # type: ignore[arg-type]
        self.get_event()
        kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(kind, None, event.implicit)
        collection = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)  # type: ignore[arg-type]
        if event.anchor is not None:
            self.anchors[event.anchor] = collection
        return _Frame(collection)

    @staticmethod
    def _attach(frame: _Frame, node: Node) -> None:
        collection = frame.collection
        if isinstance(collection, SequenceNode):
            collection.value.append(node)
        elif frame.key is None:
            frame.key = node
        else:
            collection.value.append((frame.key, node))
            frame.key = None


class PureLoader(Reader, Scanner, Parser, RedefiningComposer, SafeConstructor, Resolver):
    """yaml.SafeLoader with RedefiningComposer: no C at all, so no nesting can crash it."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        RedefiningComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    # PyYAML's scanner walks every pending simple key (one per open flow level, up to 1,024)
    # for each token, which takes seconds on `[[[[...`. Keys are saved in order (a level's new
    # key is inserted anew) and go stale oldest first, so looking at the oldest is enough.

    def next_possible_simple_key(self) -> int | None:
        for key in self.possible_simple_keys.values():
            number: int = key.token_number
            return number
        return None

    def stale_possible_simple_keys(self) -> None:
        keys = self.possible_simple_keys
        while keys:
            level = next(iter(keys))
            key = keys[level]
            if key.line == self.line and self.index - key.index <= 1024:
                return
            if key.required:
                raise ScannerError(
                    "while scanning a simple key", key.mark, "could not find expected ':'", self.get_mark()
                )
            del keys[level]


try:
    from yaml._yaml import CParser  # what yaml.cyaml's loaders are built on
    from yaml.cyaml import CSafeLoader
except ImportError:  # PyYAML built without libyaml
    LIBYAML_LOADER: type | None = None
    LIBYAML_EVENTS_LOADER: type | None = None
else:

    class LibyamlEventsLoader(RedefiningComposer, CParser, SafeConstructor, Resolver):
        """libyaml's parser (which keeps its own stacks) with RedefiningComposer: libyaml's
        speed and marks for a file whose anchors are defined again."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            RedefiningComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    LIBYAML_LOADER = CSafeLoader
    LIBYAML_EVENTS_LOADER = LibyamlEventsLoader


def is_duplicate_anchor(error: Exception) -> bool:
    """PyYAML's refusal of an anchor defined again (both of its composers word it so)."""
    return isinstance(error, ComposerError) and "duplicate anchor" in (error.context or "")
