"""Suppression pragmas: `# dehub ignore=`, `# dehub global ignore=`, unused ones (DH901) and
ones dehub cannot honour (DH902)."""

from __future__ import annotations

import pytest
from helpers import findings, fixed, problems

from dehub.suppress import parse_pragma, read_directive

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
        ("dehub ignore=DH001, DH002 reason", (False, ("DH001", "DH002"))),
        ("dehub ignore=DH001,  dh002,DH003 reason", (False, ("DH001", "DH002", "DH003"))),
        ("dehub ignore=DH001, legacy base", (False, ("DH001",))),  # a word that is no code starts the reason
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
    """Unused (DH901, with its fix) and unknown (DH902): two facts about the same pragma."""
    result = findings("# dehub ignore=DH777\nFROM node:20\n", **UNUSED)
    assert [(f.line, f.code) for f in result] == [(1, "DH901"), (1, "DH902"), (2, "DH001")]
    assert result[0].message == "suppression of DH777 suppresses nothing; remove the comment"
    result = findings("# dehub ignore=DH001,NOPE\nFROM node:20\n", **UNUSED)
    assert [f.code for f in result] == ["DH901", "DH902"]
    assert result[0].message == "suppression of NOPE suppresses nothing; remove those codes"


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


# --- comments dehub cannot honour (DH902) --------------------------------------------------

USAGE = "write `# dehub ignore=CODE[,CODE...] [reason]` (or `# dehub global ignore=...` for the whole file)"
KNOWN_CODES = "dehub's codes are DH001, DH002, DH003, DH004, DH005, DH006, DH900, DH901, DH902"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        # addresses dehub, does not parse: `dehub` or `dehub:` then a directive-like word, a word
        # with `=`, or a rule code
        ("dehub ignore DH001", "`ignore` needs `=` and rule codes"),
        ("dehub ignore", "`ignore` needs `=` and rule codes"),
        ("dehub: ignore DH001 reason", "`ignore` needs `=` and rule codes"),
        ("dehub ignore list below", "`ignore` needs `=` and rule codes"),
        ("dehub-ignore DH001", "`ignore` needs `=` and rule codes"),
        ("dehub global ignore DH001", "`ignore` needs `=` and rule codes"),
        ("dehub: ignore=", "no rule codes after `ignore=`"),
        ("dehub ignore=  ", "no rule codes after `ignore=`"),
        ("dehub ignore=,", "no rule codes after `ignore=`"),
        ("dehub global ignore=", "no rule codes after `ignore=`"),
        ("dehub disable=DH001", "`disable` is not a dehub directive"),
        ("dehub: disable DH001", "`disable` is not a dehub directive"),
        ("dehub_disable", "`disable` is not a dehub directive"),
        ("dehub enable=DH001", "`enable` is not a dehub directive"),
        ("dehub noqa", "`noqa` is not a dehub directive"),
        ("dehub: noqa: DH001", "`noqa` is not a dehub directive"),
        ("dehub skip", "`skip` is not a dehub directive"),
        ("dehub suppress DH001", "`suppress` is not a dehub directive"),
        ("dehub nolint", "`nolint` is not a dehub directive"),
        ("dehub exclude", "`exclude` is not a dehub directive"),
        ("dehub ignore-file", "`ignore-file` is not a dehub directive"),
        ("dehub ignore-next-line=DH001", "`ignore-next-line` is not a dehub directive"),
        ("dehub global disable=DH001", "`disable` is not a dehub directive"),
        ("dehub ignored=DH001", "`ignored` is not a dehub directive"),
        ("dehub codes=DH001", "`codes` is not a dehub directive"),
        ("dehub=DH001", "no directive before `=`"),
        ("dehub DH001", "no `ignore=` before the rule codes"),
        ("dehub: DH001,DH002", "no `ignore=` before the rule codes"),
        ("dehub global", "`global` must be followed by `ignore=` and rule codes"),
        ("dehub global DH001", "`global` must be followed by `ignore=` and rule codes"),
        ("dehub global=DH001", "`global` must be followed by `ignore=` and rule codes"),
        ("DEHUB DISABLE=DH001", "`DISABLE` is not a dehub directive"),
        # prose about dehub, and comments that do not start with it: not addressed to dehub
        ("dehub is run by CI", None),
        ("dehub: see the docs", None),
        ("dehub: the mirror is set in .dehub.yaml", None),
        ("dehub", None),
        ("dehub:", None),
        ("dehub ignores files that git ignores", None),
        ("dehub skips vendored folders", None),
        ("dehub globally rewrites images", None),
        ("dehub global settings live in .dehub.yaml", None),
        ("dehub-ci runs this", None),
        ("dehubx ignore=DH001", None),
        ("see dehub docs", None),
        ("this file uses dehub ignore=DH001", None),
        ("hadolint ignore=DL3006", None),
        ("", None),
    ],
)
def test_what_addresses_dehub(body, problem):
    directive = read_directive(body)
    assert (directive.problem if directive is not None else None) == problem
    assert parse_pragma(body) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# dehub ignore DH001\nFROM node:20\n", {(1, 1, "DH902"), (2, 6, "DH001")}),
        ("# dehub: ignore=\nFROM node:20\n", {(1, 1, "DH902"), (2, 6, "DH001")}),
        ("# dehub disable=DH001\nFROM node:20\n", {(1, 1, "DH902"), (2, 6, "DH001")}),
        ("  # dehub noqa\nFROM node:20\n", {(1, 3, "DH902"), (2, 6, "DH001")}),
        (f"FROM {MIRRORED}\n# dehub global\n", {(2, 1, "DH902")}),
        # an unknown code: found at the code; the comment's other codes still suppress
        ("# dehub ignore=DH01\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),
        ("# dehub ignore=DL3006x\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),
        ("# dehub ignore=DH01,DH001\nFROM node:20\n", {(1, 16, "DH902")}),
        ("# dehub ignore=DH001,DH01\nFROM node:20\n", {(1, 22, "DH902")}),
        ("# dehub ignore=DH001, DH01 legacy\nFROM node:20\n", {(1, 23, "DH902")}),
        ("# dehub: global ignore=dh1,DH001\nFROM node:20\nFROM node:22\n", {(1, 24, "DH902")}),
        ("# dehub ignore=DH0\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),  # a prefix is no code
        ("# dehub ignore=DL\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),
        ("# dehub ignore=SC20861\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),
        # hadolint's and ShellCheck's codes are theirs: a dehub comment cannot hide their findings
        ("# dehub ignore=DL3006,SC2086\nFROM node:20\n", {(1, 16, "DH902"), (2, 6, "DH001")}),
        ("# dehub ignore=dl3006,DH001\nFROM node:20\n", {(1, 16, "DH902")}),
        # prose is left alone, and so are comments where no pragma can be
        ("# dehub is run by CI\nFROM node:20\n", {(2, 6, "DH001")}),
        ("# dehub: see the docs\nFROM node:20\n", {(2, 6, "DH001")}),
        ("# see dehub docs\nFROM node:20\n", {(2, 6, "DH001")}),
        ("FROM node:20 \\\n# dehub ignore DH001\n  AS x\n", {(1, 6, "DH001")}),
        ("FROM alpine:3 AS a\nRUN <<EOF\n# dehub ignore DH001\nEOF\n", {(1, 6, "DH001")}),
    ],
    ids=[
        "no-equals", "no-codes", "disable", "noqa-indented", "global-alone",
        "unknown-code", "unknown-foreign-shape", "unknown-first", "unknown-last", "unknown-after-comma-space",
        "unknown-global-lower-case", "prefix", "foreign-prefix", "foreign-too-long",
        "foreign-codes", "foreign-lower-case",
        "prose", "prose-colon", "prose-not-first", "in-continuation", "in-heredoc",
    ],
)  # fmt: skip
def test_dh902_in_dockerfiles(text, expected):
    assert problems(text) == expected


def test_dh902_malformed_finding_details():
    (finding,) = findings(f"FROM {MIRRORED}\r\n  # dehub ignore DH001 legacy  \r\nRUN x\r\n")
    assert finding.code == "DH902"
    assert finding.name == "invalid-suppression"
    assert finding.severity == "warning"
    assert finding.message == f"this comment suppresses nothing: `ignore` needs `=` and rule codes; {USAGE}"
    # the comment, from its `#` to its last character (`legacy`), end exclusive
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 3, 2, 30)
    assert finding.fixable is None
    assert finding.kind == "dockerfile"


def test_dh902_unknown_codes_finding_details():
    (finding,) = findings("# dehub ignore=DH01,DH001,nope,DL3006x reason\nFROM node:20\n")
    assert finding.message == (
        f"unknown rule codes `DH01`, `nope`, `DL3006x` in this suppression: they suppress nothing (DH001 still "
        f"applies); {KNOWN_CODES}"
    )
    # from the first unknown code to the end of the last, as written
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 16, 1, 39)
    (finding, _) = findings("# dehub ignore=DH01 reason\nFROM node:20\n")
    assert finding.message == f"unknown rule code `DH01` in this suppression: it suppresses nothing; {KNOWN_CODES}"
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 16, 1, 20)
    (finding,) = findings("# dehub ignore=DH01,DH001,DH002\nFROM node:20\n")
    assert "(DH001, DH002 still apply)" in finding.message


def test_dh902_is_on_by_default_and_can_be_turned_off():
    text = "# dehub disable=DH001\nFROM node:20\n"
    assert problems(text, select=("DH001",)) == {(2, 6, "DH001")}
    assert problems(text, ignore=("DH902",)) == {(2, 6, "DH001")}
    assert problems(text, select=("DH9",)) == {(1, 1, "DH902")}


def test_dh902_is_not_suppressed_by_a_pragma():
    """It is about pragmas: a pragma that hid it would hide the very mistake it reports."""
    text = "# dehub global ignore=DH902\n# dehub ignore DH001\nFROM node:20\n"
    assert problems(text) == {(2, 1, "DH902"), (3, 6, "DH001")}
    text = "# dehub ignore=DH902\n# dehub ignore=DH01\nFROM node:20\n"
    assert problems(text) == {(2, 16, "DH902"), (3, 6, "DH001")}


def test_dh902_and_unused_suppressions_together():
    text = f"# dehub ignore DH001\nFROM {MIRRORED}\n# dehub ignore=DH001\nRUN x\n"
    assert problems(text, show_unused_suppressions=True) == {(1, 1, "DH902"), (3, 1, "DH901")}
    # DH902 has no fix
    assert fixed(text, show_unused_suppressions=True) == f"# dehub ignore DH001\nFROM {MIRRORED}\nRUN x\n"


WORKFLOW_WITH_PRAGMAS = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    # dehub ignore DH001
    container: node:20
    services:
      db:
        image: postgres:16  # dehub: disable=DH001
    steps:
      - run: |
          # dehub: ignore=
          docker run alpine:3
          # dehub ignore=DH001,DH01 pinned by the smoke test
          docker run node:20
          # dehub is run by CI; see its docs
          docker run busybox:1
      # dehub ignore=DH001 the cache action is mirrored later
      - uses: docker://node:20
"""


def test_dh902_in_a_workflow():
    """YAML comments (own line and end of line) and shell comments inside `run:`."""
    assert problems(WORKFLOW_WITH_PRAGMAS, "workflow") == {
        (5, 5, "DH902"), (6, 16, "DH001"),
        (9, 29, "DH902"), (9, 16, "DH001"),
        (12, 11, "DH902"), (13, 22, "DH001"),
        (14, 32, "DH902"),  # DH01; DH001 still suppresses line 15
        (17, 22, "DH001"),
    }  # fmt: skip
    spans = {
        (f.line, f.column, f.end_line, f.end_column)
        for f in findings(WORKFLOW_WITH_PRAGMAS, "workflow")
        if f.code == "DH902"
    }
    assert spans == {(5, 5, 5, 25), (9, 29, 9, 51), (12, 11, 12, 27), (14, 32, 14, 36)}


def test_dh902_in_an_action():
    text = (
        "name: a\n"
        "runs:\n"
        "  using: docker\n"
        "  # dehub ignore=DH010\n"
        "  image: docker://node:20\n"
    )
    assert problems(text, "action") == {(4, 18, "DH902"), (5, 19, "DH001")}


def test_dh902_hadolint_codes_point_to_hadolint_comment():
    (finding, _) = findings("# dehub ignore=DL3006,SC2086 reason\nFROM node:20\n")
    assert finding.message == (
        "`DL3006`, `SC2086` are hadolint's: a `# dehub` comment does not hide hadolint's findings: they suppress "
        "nothing; write `# hadolint ignore=DL3006,SC2086` above the instruction, or list them under `ignore:`"
    )
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 16, 1, 29)
    (finding,) = findings("# dehub ignore=DH01,DL3006,DH001\nFROM node:20\n")
    assert finding.message == (
        "unknown rule code `DH01` in this suppression; `DL3006` is hadolint's: a `# dehub` comment does not hide "
        f"hadolint's findings: they suppress nothing (DH001 still applies); {KNOWN_CODES}; write "
        "`# hadolint ignore=DL3006` above the instruction, or list them under `ignore:`"
    )


def test_hadolint_comment_hides_hadolint_finding_in_the_merged_report(tmp_path, monkeypatch, capsys):
    """What DH902 advises works: hadolint's own comment hides its finding under --hadolint."""
    from dehub.hooks.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(f"# hadolint ignore=DL3007\nFROM {MIRRORED.split(':')[0]}:latest\n")
    main(["check", "--isolated", "--hadolint", "--format", "json", "Dockerfile"])
    assert '"DL3007"' not in capsys.readouterr().out
    (tmp_path / "Dockerfile").write_text(f"FROM {MIRRORED.split(':')[0]}:latest\n")
    main(["check", "--isolated", "--hadolint", "--format", "json", "Dockerfile"])
    assert '"DL3007"' in capsys.readouterr().out
