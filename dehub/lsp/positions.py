"""Offsets into a document's text <-> LSP positions (line, character).

The engine's spans are offsets in code points. LSP counts a position's `character` in the
units of the position encoding the server announced at initialisation: UTF-16 code units
unless the client offered `general.positionEncodings` (LSP 3.17) and the server picked UTF-8
or UTF-32 from it. pygls makes that choice (`LanguageServer.workspace.position_encoding`) and
announces it; this module only does the arithmetic for whichever one it is. An astral
character (an emoji, U+1F433) is one code point, two UTF-16 units and four UTF-8 bytes: a
finding after it on the same line has three different columns.

Lines are LSP lines: `\\n`, `\\r\\n` and a lone `\\r` each end one (Python's `splitlines` also
breaks at form feeds and U+2028, which LSP does not). The index is built once per text; pure
ASCII text (nearly every Dockerfile and workflow) needs no per-character work at all.
"""

from __future__ import annotations

from bisect import bisect_right

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import Range

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def normalise_encoding(value: object) -> str:
    """An encoding name as LSP spells it; anything unknown is UTF-16, LSP's default."""
    text = str(getattr(value, "value", value) or "").lower()
    return text if text in ENCODINGS else UTF16


def _units(text: str, encoding: str) -> int:
    """Length of `text` in the encoding's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Line starts of one text, and conversions between offsets and positions in it."""

    __slots__ = ("text", "encoding", "starts", "ascii")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.ascii = text.isascii()
        starts = [0]
        if "\r" in text:
            index, length = 0, len(text)
            while index < length:
                char = text[index]
                index += 1
                if char == "\r":
                    if index < length and text[index] == "\n":
                        index += 1
                    starts.append(index)
                elif char == "\n":
                    starts.append(index)
        else:
            find = text.find
            at = find("\n")
            while at != -1:
                starts.append(at + 1)
                at = find("\n", at + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, character) of a code-point offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self.ascii or self.encoding == UTF32:
            return line, offset - start
        return line, _units(self.text[start:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of an LSP position. A line past the end is the end of the text;
        a character past the end of its line is the end of the line (before its line break), as
        LSP asks; a position inside a surrogate pair or UTF-8 sequence moves to the character's start."""
        starts = self.starts
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        text = self.text
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        character = max(0, character)
        if self.ascii or self.encoding == UTF32:
            return min(start + character, end)
        units = 0
        for index in range(start, end):
            if units >= character:
                return index
            units += _units(text[index], self.encoding)
            if units > character:
                return index
        return end

    def range(self, start: int, end: int) -> Range:
        """An LSP Range (as JSON data) for the offsets [start, end)."""
        line, character = self.position(start)
        end_line, end_character = self.position(end)
        return {
            "start": {"line": line, "character": character},
            "end": {"line": end_line, "character": end_character},
        }
