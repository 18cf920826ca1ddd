"""Commands: simple commands gathered from tokens, compound commands, and what each one does.

A pull is only a pull when it is a command: not in an `echo`, a comment, a quoted argument, a
for-loop word list or a case pattern. The scanner reads tokens, tracks the compound command
it is in, and looks at each simple command as it ends: assignments, wrappers (`sudo`, `env`,
...), then container tools, shells running `-c` scripts, and commands that set variables.
Commands that can do none of that have their arguments skipped unread.
"""

from __future__ import annotations

from ..value import UNKNOWN, Value
from .containers import CLI, container_pulls
from .cooking import Cooking
from .lexer import HEREDOCS, REDIRECTIONS, Lexer, Word
from .substitutions import MAX_NESTING
from .text import MARKS, Stop
from .variables import DECLARATIONS, FORGETTING, Scope, assignment, is_name
from .wrappers import POSIX_SHELLS, SHELLS, WRAPPERS, inline_script, unwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .pull import Pull

NO_OP = ":"  # `: "${IMAGE:=node:20}"` sets IMAGE: its arguments are expanded for that
CASE_ENDS = frozenset((";;", ";&", ";;&"))
KEYWORDS = frozenset(
    ("if", "then", "elif", "else", "fi", "do", "done", "while", "until", "{", "}", "!", "coproc", "case", "esac",
     "for", "select", "function", "[[")
)  # fmt: skip
# The commands whose words matter; the arguments of any other (echo, npm, ...) are not kept.
RELEVANT = frozenset(CLI) | frozenset(WRAPPERS) | SHELLS | DECLARATIONS | FORGETTING | {NO_OP}


class Scanner(Lexer, Cooking):
    """Reads one script (or a `$(...)` inside one), analysing each simple command as it ends."""

    __slots__ = ("scope", "out", "key")
    scope: Scope  # Cooking reads it as a plain dict

    def __init__(
        self,
        text: str,
        origins: list[int],
        marked: str,
        pos: int,
        size: int,
        scope: Scope,
        out: list[tuple[tuple[int, ...], Pull]],
        key: tuple[int, ...],
        depth: int,
        unknowns: bool,
        bash: bool,
    ) -> None:
        super().__init__(text, origins, marked, pos, size, depth, unknowns, bash)
        self.scope = scope
        self.out = out  # (sort key, Pull) pairs
        self.key = key  # sort-key prefix placing this text within the outer script

    @classmethod
    def of(
        cls, script: Value, scope: Scope, out: list[tuple[tuple[int, ...], Pull]], key: tuple[int, ...], depth: int,
        bash: bool,
    ) -> Scanner:  # fmt: skip
        """A scanner for a whole script text."""
        text, origins = script.text, script.origins
        return cls(text, origins, text.translate(MARKS), 0, len(text), scope, out, key, depth, UNKNOWN in origins, bash)

    def _child(self, pos: int, size: int, depth: int) -> Scanner:
        """A scanner for a stretch of the same text (a command substitution)."""
        return Scanner(self.text, self.origins, self.marked, pos, size, self.scope, self.out, self.key, depth,
                       self.unknowns, self.bash)  # fmt: skip

    # -- compound commands -----------------------------------------------------------------------

    def run(self, closer: bool) -> int:
        """Scan commands to the end (or, with `closer`, to the unmatched `)`); return the position after it.

        Words gather into a simple command until an operator or newline ends it. `skip` names the
        construct being read whose words are not commands: "loopvar" and "for" (a for/select
        header up to its `;` or newline), "name" (after `function`), "subject" and "in" (a case
        header), "pattern" (a case pattern up to its `)`), "cond" (`[[ ... ]]`).
        """
        words: list[Word] = []
        target = 0  # the next word is: 1 a redirection target, 2/3 a here-document delimiter (3: <<-)
        skip = ""
        depth = 0  # open subshells
        cases = 0  # open case statements
        ignoring = False  # the command cannot pull: its arguments are skipped, not kept
        while True:
            if ignoring and not target:
                self.skip_arguments()
            token = self.token()
            if token is None:
                if not ignoring:
                    self._finish(words)
                if closer:
                    raise Stop
                return self.pos
            if token.__class__ is Word:
                if target:
                    if target > 1:
                        self.heredoc(token, target == 3)
                    target = 0
                elif token.fd:
                    pass
                elif skip:
                    skip, cases = self._skipped_word(token, skip, cases)
                elif words:
                    if not ignoring:
                        words.append(token)
                else:
                    first = self.keyword_text(token)
                    if first in KEYWORDS:
                        skip, cases = _keyword(first, cases)
                    else:
                        words.append(token)
                        ignoring = _irrelevant(first)
                continue
            if token in REDIRECTIONS:
                target = 1
                continue
            if token in HEREDOCS:
                target = HEREDOCS[token]
                continue
            target = 0
            if token == "(" and not words and skip in ("", "loopvar") and self.known(self.pos, "("):
                end = self.arithmetic_end(self.pos + 1)  # (( i++ )), for (( ...; ...; ... ))
                if end >= 0:
                    self.pos = end
                    skip = ""  # after for ((...)), `do` may follow at once
                    continue
            if skip == "pattern":
                if token == ")":
                    skip = ""
                continue
            if skip in ("subject", "in", "loopvar", "name") or (skip == "cond" and token != "\n"):
                continue
            skip = ""
            if not ignoring:
                self._finish(words)
            ignoring = False
            words = []
            if token == "(":
                depth += 1
            elif token == ")":
                if depth:
                    depth -= 1
                elif closer:
                    return self.pos
            elif token in CASE_ENDS and cases:
                skip = "pattern"

    def _skipped_word(self, word: Word, skip: str, cases: int) -> tuple[str, int]:
        """A word of a for/case/[[ header or a case pattern: it only moves the construct along."""
        if skip == "loopvar":
            name = self.literal(word)
            if name:
                self.scope[name] = None
            return "for", cases
        if skip == "name":
            return "", cases
        if skip == "subject":
            return "in", cases
        literal = self.keyword_text(word)
        if skip == "in":
            return ("pattern" if literal == "in" else "in"), cases
        if skip == "pattern" and literal == "esac":
            return "", cases - 1
        if skip == "cond" and literal == "]]":
            return "", cases
        return skip, cases

    # -- simple commands -------------------------------------------------------------------------

    def _finish(self, words: list[Word]) -> None:
        if words:
            self._command(words)

    def _command(self, words: list[Word]) -> None:
        """One simple command: assignments, wrappers (sudo, env, ...), then the command itself."""
        count = len(words)
        index = 0
        text, origins = self.text, self.origins
        while index < count and assignment(text, origins, words[index].start, words[index].end) is not None:
            index += 1
        if index == count:
            for word in words:
                self._assign(word, self.scope)
            return
        prefix = words[:index]
        index, name = unwrap(self, words, index, prefix)
        if name in CLI:
            for position, pull in container_pulls(self, name, words, index, self.first_origin(words[0])):
                self.out.append(((*self.key, position), pull))
        elif name in SHELLS:
            self._shell_script(name, words, index + 1, prefix)
        elif name in DECLARATIONS:
            for word in words[index + 1 :]:
                self._assign(word, self.scope)
        elif name == NO_OP:
            for word in words[index + 1 :]:
                if not word.plain:
                    self.cooked(word)
        elif name in FORGETTING:
            for word in words[index + 1 :]:
                operand = self.literal(word)
                if operand and is_name(operand):
                    self.scope[operand] = None

    def _assign(self, word: Word, scope: Scope) -> None:
        """Record `NAME=value` in `scope` (an array assignment makes NAME unknown: arrays are not followed)."""
        parsed = assignment(self.text, self.origins, word.start, word.end)
        if parsed is None:
            return
        name, start, kind = parsed
        if kind == "[]=" or (start < word.end and self.text[start] == "(" and self.origins[start] != UNKNOWN):
            scope[name] = None
            return
        value = self.written(start, word.end) if word.plain else self.cook(start, word.end, word.spans)
        scope.assign(name, value, kind == "+=")

    # -- nested scripts --------------------------------------------------------------------------

    def _shell_script(self, name: str, words: list[Word], index: int, prefix: list[Word]) -> None:
        """`sh -c 'script'`: scan the script argument, with the command's own assignments."""
        index = inline_script(self, words, index)
        if index < 0 or self.depth >= MAX_NESTING:
            return
        word = words[index]
        script = self.cooked(word)
        scope = Scope({}, self.scope)
        for word_before in prefix:
            self._assign(word_before, scope)
        inner = Scanner.of(script, scope, self.out, (*self.key, word.start), self.depth + 1, name not in POSIX_SHELLS)
        try:
            inner.run(False)
        except Stop:
            pass  # the inner script is broken; the outer one goes on

    def scan_nested(self, pos: int, level: int) -> int:
        depth = self.depth + level + 1
        if depth > MAX_NESTING:
            raise Stop
        return self._child(pos, self.size, depth).run(True)

    def scan_backticked(self, start: int, end: int, escaped: bool, level: int) -> None:
        """Inside backticks \\` \\\\ \\$ are escapes; the rest is a script of its own."""
        depth = self.depth + level + 1
        if depth > MAX_NESTING:
            raise Stop
        if not escaped:
            inner = self._child(start, end, depth)
        else:
            text, origins = self.text, self.origins
            chars: list[str] = []
            kept: list[int] = []
            pos = start
            while pos < end:
                if text[pos] == "\\" and pos + 1 < end and text[pos + 1] in "\\`$" and origins[pos] != UNKNOWN:
                    pos += 1
                chars.append(text[pos])
                kept.append(origins[pos])
                pos += 1
            inner = Scanner.of(Value("".join(chars), kept), self.scope, self.out, (*self.key, start), depth, self.bash)
        try:
            inner.run(False)
        except Stop:
            pass  # the backticks were closed; only their inside is broken


def _keyword(keyword: str, cases: int) -> tuple[str, int]:
    """A reserved word in command position: the construct it opens, and the open case count."""
    if keyword == "case":
        return "subject", cases + 1
    if keyword in ("for", "select"):
        return "loopvar", cases
    if keyword == "function":
        return "name", cases
    if keyword == "[[":
        return "cond", cases
    if keyword == "esac" and cases:
        return "", cases - 1
    return "", cases  # if, then, do, {, !, ...: the next word is a command again


def _irrelevant(first: str | None) -> bool:
    """Whether a command's plainly written first word shows it can neither pull nor set a variable."""
    return first is not None and "=" not in first and first.rsplit("/", 1)[-1] not in RELEVANT
