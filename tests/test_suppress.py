"""Suppression pragmas: `# dehub ignore=`, `# dehub global ignore=`, and unused ones (DH901)."""

from __future__ import annotations

import pytest
from helpers import findings, fixed, problems

from dehub.suppress import parse_pragma

UNUSED = {"show_unused_suppressions": True}
MIRRORED = "public.ecr.aws/docker/library/node:20"


# --- the pragma grammar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("dehub ignore=DH001", (False, ("DH001",))),
        (" dehub ignore=DH001 ", (False, ("DH001",))),
        ("dehub ignore=DH001 legacy base, see TICKET-1", (False, ("DH001",))),
        ("dehub ignore=DH001,DH002", (False, ("DH001", "DH002"))),
        ("dehub ignore=dh001", (False, ("DH001",))),
        ("dehub: ignore=DH001", (False, ("DH001",))),
        ("dehub : ignore = DH001", (False, ("DH001",))),
        ("dehub global ignore=DH002", (True, ("DH002",))),
        ("dehub: global ignore=DH002 reason", (True, ("DH002",))),
        ("dehub ignore=DH001,", (False, ("DH001",))),
        ("dehub ignore=", None),
        ("dehub ignore", None),
        ("dehub ignore DH001", None),
        ("dehub", None),
        ("dehubx ignore=DH001", None),
        ("hadolint ignore=DL3006", None),
        ("this file uses dehub ignore=DH001", None),
        ("", None),
    ],
)
def test_parse_pragma(body, expected):
    assert parse_pragma(body) == expected


# --- where a pragma applies ---------------------------------------------------------------


def test_ignore_applies_to_the_next_instruction_only():
    text = "# dehub ignore=DH001\nFROM node:20\nFROM node:20\n"
    assert problems(text) == {(3, 6, "DH001")}


def test_without_pragma_both_are_reported():
    assert problems("FROM node:20\nFROM node:20\n") == {(1, 6, "DH001"), (2, 6, "DH001")}


def test_trailing_reason():
    assert problems("# dehub ignore=DH001 legacy base image, see TICKET-123\nFROM node:20\n") == set()


def test_other_codes_still_reported():
    text = "# dehub ignore=DH002\nFROM node:20\n"
    assert problems(text) == {(2, 6, "DH001")}


def test_several_codes():
    text = "FROM alpine AS a\n# dehub ignore=DH001,DH002\nCOPY --from=node:20 /a /b\nCOPY --from=myorg/app:1 /a /b\n"
    assert problems(text) == {(1, 6, "DH001"), (4, 13, "DH002")}
    text = "# dehub ignore=DH006,DH002\nFROM Node:20\n# dehub ignore=DH002,DH001\nFROM myorg/app:1\n"
    assert problems(text) == set()


def test_global_anywhere():
    text = "FROM node:20\nFROM myorg/app:1\nRUN echo\n# dehub global ignore=DH002 not ours\nFROM myorg/other:1\n"
    assert problems(text) == {(1, 6, "DH001")}


def test_global_at_the_end_of_the_file_without_newline():
    assert problems("FROM myorg/app:1\n# dehub global ignore=DH002") == set()


def test_colon_form():
    assert problems("# dehub: ignore=DH001\nFROM node:20\n") == set()
    assert problems("# dehub: global ignore=DH001\nFROM node:20\nFROM node:21\n") == set()


def test_spacing_variants():
    assert problems("#dehub ignore=DH001\nFROM node:20\n") == set()
    assert problems("   # dehub ignore = DH001\nFROM node:20\n") == set()
    assert problems("# dehub ignore=dh001\nFROM node:20\n") == set()


def test_upper_case_pragma_is_honoured_consistently():
    assert parse_pragma("DEHUB IGNORE=DH001") == (False, ("DH001",))
    assert problems("# DEHUB IGNORE=DH001\nFROM node:20\n") == set()


def test_pragma_covers_a_multi_line_instruction():
    assert problems("# dehub ignore=DH001\nFROM \\\n    node:20 \\\n    AS build\n") == set()
    text = "FROM alpine AS a\n# dehub ignore=DH001\nRUN --mount=type=cache,from=node:20,target=/x \\\n  echo\n"
    assert problems(text) == {(1, 6, "DH001")}


def test_pragma_before_copy_does_not_cover_the_from():
    text = "# dehub ignore=DH001\nFROM node:20 AS a\nCOPY --from=alpine:3 /a /b\n"
    assert problems(text) == {(3, 13, "DH001")}


def test_pragma_after_the_last_instruction_covers_nothing():
    assert problems("FROM node:20\n# dehub ignore=DH001\n") == {(1, 6, "DH001")}


def test_pragma_before_from_covers_the_arg_it_uses():
    """The finding is reported on the ARG default; the pragma is at the FROM (an anchor)."""
    assert problems("ARG BASE=node:20\nFROM ${BASE}\n") == {(1, 10, "DH001")}
    assert problems("ARG BASE=node:20\n# dehub ignore=DH001 legacy\nFROM ${BASE}\n") == set()


def test_pragma_before_the_arg_line():
    assert problems("# dehub ignore=DH001\nARG BASE=node:20\nFROM ${BASE}\n") == set()


def test_pragma_before_another_arg_does_not_cover():
    text = "ARG BASE=node:20\n# dehub ignore=DH001\nARG OTHER=x\nFROM ${BASE}\n"
    assert problems(text) == {(1, 10, "DH001")}


def test_pragma_before_one_of_two_froms_using_an_arg():
    after_second = "ARG BASE=node:20\nFROM ${BASE} AS a\n# dehub ignore=DH001\nFROM ${BASE} AS b\n"
    after_first = "ARG BASE=node:20\n# dehub ignore=DH001\nFROM ${BASE} AS a\nFROM ${BASE} AS b\n"
    assert problems(after_second) == {(1, 10, "DH001")}
    assert problems(after_first) == problems(after_second)


def test_pragma_inside_a_continuation_is_not_a_pragma():
    text = "FROM node:20 \\\n# dehub ignore=DH001\n  AS x\n"
    assert problems(text) == {(1, 6, "DH001")}
    assert problems(text, **UNUSED) == {(1, 6, "DH001")}  # nor an unused one
    text = "FROM alpine:3 AS a\nRUN echo \\\n  # dehub global ignore=DH001\n  hi\nFROM node:20\n"
    assert problems(text) == {(1, 6, "DH001"), (5, 6, "DH001")}


def test_pragma_inside_a_heredoc_is_not_a_pragma():
    text = "FROM alpine:3 AS a\nRUN <<EOF\n# dehub global ignore=DH001\nEOF\nFROM node:20\n"
    assert problems(text) == {(1, 6, "DH001"), (5, 6, "DH001")}


def test_dh900_is_never_suppressed():
    assert problems("# dehub ignore=DH900\nFROM\n") == {(2, 1, "DH900")}
    assert problems("# dehub global ignore=DH900\nFROM\n") == {(2, 1, "DH900")}
    assert problems("FROM\n# dehub global ignore=DH900,DH001\nFROM node:20\n") == {(1, 1, "DH900")}


# --- unused suppressions (DH901) ----------------------------------------------------------


def test_unused_only_reported_when_asked():
    text = f"# dehub ignore=DH001 legacy\nFROM {MIRRORED}\n"
    assert problems(text) == set()
    assert problems(text, **UNUSED) == {(1, 1, "DH901")}


def test_unused_finding_details():
    text = f"FROM {MIRRORED}\n  # dehub ignore=DH001 old  \r\nRUN x"
    (finding,) = findings(text, **UNUSED)
    assert finding.code == "DH901"
    assert finding.name == "unused-suppression"
    assert finding.severity == "info"
    assert finding.message == "suppression of DH001 suppresses nothing; remove the comment"
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 3, 2, 29)
    assert finding.fixable == "safe"


def test_selected_explicitly():
    text = f"# dehub ignore=DH001\nFROM {MIRRORED}\n"
    assert problems(text, select=("DH001", "DH901")) == {(1, 1, "DH901")}
    assert problems(text, select=("DH901",)) == set()  # DH001 is not enabled, so nothing to judge


def test_used_suppression_is_not_reported():
    assert problems("# dehub ignore=DH001\nFROM node:20\n", **UNUSED) == set()
    assert problems("FROM myorg/a:1\n# dehub global ignore=DH002\n", **UNUSED) == set()


def test_unused_global():
    assert problems(f"FROM {MIRRORED}\n# dehub global ignore=DH002\n", **UNUSED) == {(2, 1, "DH901")}


def test_partly_used_pragma_names_the_unused_codes_and_has_no_fix():
    (finding,) = findings("# dehub ignore=DH001,DH002\nFROM node:20\n", **UNUSED)
    assert finding.code == "DH901"
    assert finding.message == "suppression of DH002 suppresses nothing; remove those codes"
    assert finding.fixable is None


def test_unknown_codes_count_as_unused():
    result = findings("# dehub ignore=DH777\nFROM node:20\n", **UNUSED)
    assert [(f.line, f.code) for f in result] == [(1, "DH901"), (2, "DH001")]
    assert result[0].message == "suppression of DH777 suppresses nothing; remove the comment"
    (finding,) = findings("# dehub ignore=DH001,NOPE\nFROM node:20\n", **UNUSED)
    assert finding.message == "suppression of NOPE suppresses nothing; remove those codes"


def test_codes_of_disabled_rules_are_not_unused():
    text = f"# dehub ignore=DH002\nFROM {MIRRORED}\n"
    assert problems(text, **UNUSED) == {(1, 1, "DH901")}
    assert problems(text, ignore=("DH002",), **UNUSED) == set()


def test_suppression_that_is_not_a_pragma_is_not_reported():
    assert problems(f"# dehub is great\nFROM {MIRRORED}\n", **UNUSED) == set()


# --- the DH901 fix removes the whole comment line ------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"# dehub ignore=DH001\nFROM {MIRRORED}\n", f"FROM {MIRRORED}\n"),
        (f"FROM {MIRRORED}\n# dehub ignore=DH001 old\nRUN x\n", f"FROM {MIRRORED}\nRUN x\n"),
        (f"FROM {MIRRORED}\r\n# dehub ignore=DH001 old\r\nRUN x\r\n", f"FROM {MIRRORED}\r\nRUN x\r\n"),
        (f"FROM {MIRRORED}\n  \t# dehub ignore=DH001   \t\nRUN x", f"FROM {MIRRORED}\nRUN x"),
        (f"FROM {MIRRORED}\n# dehub global ignore=DH002", f"FROM {MIRRORED}\n"),
        (f"FROM {MIRRORED}\r\n# dehub global ignore=DH002", f"FROM {MIRRORED}\r\n"),
        (f"FROM {MIRRORED}\r\n# dehub global ignore=DH002\r\n", f"FROM {MIRRORED}\r\n"),
        (f"FROM {MIRRORED}\n# dehub: ignore=DH001\n# keep me\nRUN x\n", f"FROM {MIRRORED}\n# keep me\nRUN x\n"),
    ],
    ids=["first-line", "middle", "crlf", "indented-no-final-newline", "last-no-newline", "crlf-last-no-newline",
         "crlf-last", "other-comments-kept"],
)  # fmt: skip
def test_fix_removes_the_comment_line(before, after):
    assert fixed(before, **UNUSED) == after
    assert problems(after, **UNUSED) == set()


def test_fix_keeps_partly_used_pragma():
    text = "# dehub ignore=DH001,DH002\nFROM node:20\n"
    assert fixed(text, **UNUSED) == text


def test_fix_does_not_remove_pragmas_unless_asked():
    text = f"# dehub ignore=DH001\nFROM {MIRRORED}\n"
    assert fixed(text) == text


def test_fix_keeps_a_used_pragma_and_its_suppressed_image():
    """A suppressed finding is not fixed, so its pragma stays used and stays."""
    text = "# dehub ignore=DH001\nFROM node:20\nFROM alpine:3\n"
    assert fixed(text, **UNUSED) == "# dehub ignore=DH001\nFROM node:20\nFROM public.ecr.aws/docker/library/alpine:3\n"


def test_fix_with_bom():
    from dehub.fixer import fix_source
    from dehub.lint import Settings
    from dehub.source import SourceText

    source = SourceText.decode(b"\xef\xbb\xbf# dehub ignore=DH001\nFROM " + MIRRORED.encode() + b"\n")
    outcome = fix_source(source, "dockerfile", Settings(show_unused_suppressions=True), False)
    assert outcome.source.encode() == b"\xef\xbb\xbfFROM " + MIRRORED.encode() + b"\n"
