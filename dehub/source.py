"""A file's bytes and decoded text, and the offset <-> line/column arithmetic on it.

Every span in dehub is a pair of offsets into the decoded text (code points, BOM excluded).
Line endings are never translated, so CRLF files keep their CRs inside the text and an edit
between two offsets leaves every other byte as it was; `encode` restores the BOM.
"""

from __future__ import annotations

from bisect import bisect_right

BOM = "\ufeff"


class DecodeError(ValueError):
    """The bytes are not text dehub can read; str(err) says why, for a DH900 finding."""


class SourceText:
    """Decoded file text plus what is needed to write it back byte for byte."""

    __slots__ = ("text", "has_bom", "_line_starts", "_next_content")

    def __init__(self, text: str, has_bom: bool = False) -> None:
        self.text = text
        self.has_bom = has_bom
        self._line_starts: list[int] | None = None
        self._next_content: dict[tuple[str, ...], dict[int, int]] = {}  # comment starts -> line -> answer

    @classmethod
    def decode(cls, data: bytes) -> SourceText:
        """Decode UTF-8 (optionally with a BOM); refuse binary data and other encodings."""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DecodeError(
                "UTF-16 or UTF-32 text (byte-order mark); dehub reads UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8"
            )
        if b"\x00" in data:
            raise DecodeError("binary file (contains NUL bytes)")
        has_bom = data.startswith(b"\xef\xbb\xbf")
        if has_bom:
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise DecodeError(f"not valid UTF-8 (byte {err.start + (3 if has_bom else 0)}, line {line})") from None
        return cls(text, has_bom)

    def encode(self, text: str | None = None) -> bytes:
        """Bytes for `text` (default: this text), with the BOM if the original had one."""
        body = (self.text if text is None else text).encode("utf-8")
        return b"\xef\xbb\xbf" + body if self.has_bom else body

    def with_text(self, text: str) -> SourceText:
        """The same file (same BOM) holding new text."""
        return SourceText(text, self.has_bom)

    @property
    def line_starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset; columns count code points."""
        starts = self.line_starts
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 1-based line, from its first character to just after its newline."""
        starts = self.line_starts
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return start, end

    def next_content_line(self, line: int, comment_starts: tuple[str, ...] = ("#",)) -> int:
        """The first 1-based line after `line` that is neither blank nor a comment; 0 if none
        (where a suppression comment on a line of its own applies). Answers are remembered for
        every line passed over, so 8,000 stacked pragmas read each line once, not 8,000 times."""
        memo = self._next_content.setdefault(comment_starts, {})
        starts, text = self.line_starts, self.text
        passed = []
        index = line
        while True:
            found = memo.get(index)
            if found is not None:
                break
            passed.append(index)
            if index >= len(starts):
                found = 0
                break
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            stripped = text[starts[index] : end].strip()
            if stripped and not stripped.startswith(comment_starts):
                found = index + 1
                break
            index += 1
        for number in passed:
            memo[number] = found
        return found


def hash_comment_start(line: str) -> int:
    """Where a `#` comment starts in a line (YAML, shell, Make): `#` at its start or after
    whitespace; -1 if none."""
    at = line.find("#")
    while at != -1:
        if at == 0 or line[at - 1] in " \t":
            return at
        at = line.find("#", at + 1)
    return -1


def hash_pragma_comments(source: SourceText) -> list[tuple[int, int, int, bool]]:
    """`# dehub ...` comments (YAML, shell, Make): (1-based line, start at the `#`, end before
    the line break, whether the comment has its line to itself), in order."""
    text = source.text
    found: list[tuple[int, int, int, bool]] = []
    if "dehub" not in text.lower():
        return found
    starts = source.line_starts
    for index, line_start in enumerate(starts):
        line_end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line = text[line_start:line_end]
        if "dehub" not in line.lower():
            continue
        hash_at = hash_comment_start(line)
        if hash_at == -1 or line[hash_at + 1 :].strip()[:5].lower() != "dehub":
            continue
        end = line_end
        while end > line_start + hash_at and text[end - 1] in "\r\n":
            end -= 1
        found.append((index + 1, line_start + hash_at, end, not line[:hash_at].strip()))
    return found
