"""The shared harness for a kind's NOOP / PROBLEM / FIX tables (pyupgrade's and hadolint's shape).

A kind's test file holds three tables and asks this harness for its tests:

    NOOP = [pytest.param(text, options, id=...), ...]          # pulls nothing from Docker Hub
    PROBLEM = [pytest.param(text, {(line, column, code)}, id=...), ...]   # exactly these
    FIX = [pytest.param(text, expected, options, id=...), ...]  # exactly this text after --fix

    test_noop, test_problem, test_fix = KindTable("dockerfile").tests(NOOP, PROBLEM, FIX)

`options` holds `config` (helpers.make_config) and, for FIX, `unsafe`. Beyond each case's own
expectation, every case is checked the way a user's file would be: a NOOP text is left as it
is; a FIX is idempotent, leaves nothing fixable behind, and gives the same edits in the same
text with CRLF line ends and with a UTF-8 byte-order mark, every other byte kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from helpers import findings, settings

from dehub.fixer import fix_source
from dehub.source import SourceText

Options = dict[str, Any]


def fixed_bytes(data: bytes, kind: str, options: Options) -> bytes:
    """What `dehub check --fix` writes for a file holding `data`."""
    lint_options = {key: value for key, value in options.items() if key != "unsafe"}
    source = SourceText.decode(data)
    outcome = fix_source(source, kind, settings(**lint_options), options.get("unsafe", False))
    return outcome.source.encode()


def check_noop(text: str, kind: str, options: Options) -> None:
    lint_options = {key: value for key, value in options.items() if key != "unsafe"}
    found = findings(text, kind, **lint_options)
    assert found == [], [(f.line, f.column, f.code, f.message) for f in found]
    assert fixed_bytes(text.encode(), kind, options) == text.encode()


def check_problems(text: str, kind: str, expected: set[tuple[int, int, str]], options: Options) -> None:
    found = {(f.line, f.column, f.code) for f in findings(text, kind, **options)}
    assert found == expected


def check_fix(text: str, expected: str, kind: str, options: Options) -> None:
    out = fixed_bytes(text.encode(), kind, options).decode()
    assert out == expected
    assert fixed_bytes(out.encode(), kind, options).decode() == out  # idempotent
    lint_options = {key: value for key, value in options.items() if key != "unsafe"}
    remaining = findings(out, kind, **lint_options)
    if not any(f.code == "DH900" for f in remaining):  # a file that does not parse is never rewritten
        allowed = ("safe", "unsafe") if options.get("unsafe") else ("safe",)
        assert not [(f.line, f.code) for f in remaining if f.fixable in allowed]  # nothing left to fix
    if "\r" not in text:  # the same edits with CRLF line ends, CRs kept
        crlf = fixed_bytes(text.replace("\n", "\r\n").encode(), kind, options).decode()
        assert crlf == expected.replace("\n", "\r\n")
    bom = fixed_bytes(b"\xef\xbb\xbf" + text.encode(), kind, options)
    assert bom == b"\xef\xbb\xbf" + expected.encode()


class KindTable:
    """Tests for one kind's tables."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def tests(
        self, noop: Iterable[object], problems: Iterable[object], fixes: Iterable[object]
    ) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
        kind = self.kind

        @pytest.mark.parametrize(("text", "options"), list(noop))
        def test_noop(text: str, options: Options) -> None:
            check_noop(text, kind, options)

        @pytest.mark.parametrize(("text", "expected"), list(problems))
        def test_problem(text: str, expected: set[tuple[int, int, str]]) -> None:
            check_problems(text, kind, expected, {})

        @pytest.mark.parametrize(("text", "expected", "options"), list(fixes))
        def test_fix(text: str, expected: str, options: Options) -> None:
            check_fix(text, expected, kind, options)

        return test_noop, test_problem, test_fix
