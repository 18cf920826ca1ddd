"""The colours of the text and concise reports: ANSI escape sequences around their parts.

As ruff and hadolint colour theirs: the path bold, the code bold in the severity's colour and
the severity word in it (error red, warning yellow, info cyan), `[*]` cyan. Imported only when
the report is coloured; whether it is (a terminal, `NO_COLOR`, `FORCE_COLOR`, `--color`) is the
command line's decision (`dehub.hooks.check_command`).
"""

from __future__ import annotations

RESET = "\x1b[0m"
SEVERITY_COLOURS = {"error": "31", "warning": "33", "info": "36"}  # red, yellow, cyan
FIXABLE_COLOUR = "36"  # cyan, as ruff marks `[*]`


class Palette:
    """Wraps the parts of a report line in ANSI escape sequences (SGR codes)."""

    __slots__ = ()

    def _paint(self, text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}{RESET}" if sgr else text

    def path(self, text: str) -> str:
        return self._paint(text, "1")

    def code(self, text: str, severity: str) -> str:
        colour = SEVERITY_COLOURS.get(severity)
        return self._paint(text, f"1;{colour}" if colour else "1")

    def severity(self, text: str) -> str:
        return self._paint(text, SEVERITY_COLOURS.get(text, ""))

    def fixable(self, text: str) -> str:
        return self._paint(text, FIXABLE_COLOUR)

    def label(self, text: str) -> str:
        return self._paint(text, "1")

