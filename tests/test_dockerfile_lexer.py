"""Unit tests of the Dockerfile lexer (`dehub.dockerfile.lexer.lex`), plus a differential test
against dockerfile-parse on heredoc-free Dockerfiles.

Expectations follow BuildKit's parser (moby/buildkit frontend/dockerfile/parser): directives in
the leading comment block only, continuation lines that skip comment and blank lines, heredoc
bodies that are text, not instructions.
"""

from __future__ import annotations

import io

import pytest
from dockerfile_parse import DockerfileParser

from dehub.dockerfile.lexer import heredoc_names, lex
from dehub.source import SourceText


def lexed(text: str):
    return lex(SourceText(text))


def shape(text: str) -> list[tuple[str, int, int]]:
    """(keyword, first line, last line) of each instruction, lines 1-based."""
    return [(i.keyword, i.line, i.end_line) for i in lexed(text).instructions]


# --------------------------------------------------------------------------------------------
# Instructions: keyword, line, end_line
# --------------------------------------------------------------------------------------------

SHAPE_CASES = [
    pytest.param("", [], id="empty"),
    pytest.param("\n\n  \n", [], id="blank-lines"),
    pytest.param("# a\n# b\n", [], id="comments-only"),
    pytest.param("FROM a\nRUN b\n", [("from", 1, 1), ("run", 2, 2)], id="two"),
    pytest.param("FROM a\nRUN b", [("from", 1, 1), ("run", 2, 2)], id="no-final-newline"),
    pytest.param("from a\nRun b\nCOPY c d\n", [("from", 1, 1), ("run", 2, 2), ("copy", 3, 3)], id="keyword-case"),
    pytest.param("  FROM a\n\tRUN b\n", [("from", 1, 1), ("run", 2, 2)], id="leading-blanks"),
    pytest.param("\n\nFROM a\n\n\nRUN b\n\n", [("from", 3, 3), ("run", 6, 6)], id="blank-lines-between"),
    pytest.param("# c\nFROM a\n# d\nRUN b\n", [("from", 2, 2), ("run", 4, 4)], id="comments-between"),
    pytest.param("RUN a \\\n  b \\\n  c\nFROM x\n", [("run", 1, 3), ("from", 4, 4)], id="continuation"),
    pytest.param("RUN a \\\n  # c\n\n  b\nFROM x\n", [("run", 1, 4), ("from", 5, 5)], id="continuation-comment-blank"),
    pytest.param("RUN a \\\n\nFROM x\n", [("run", 1, 3)], id="blank-line-does-not-end-continuation"),
    pytest.param("RUN a \\\n", [("run", 1, 1)], id="continuation-at-eof"),
    pytest.param("RUN a \\\n# c\n", [("run", 1, 2)], id="continuation-into-trailing-comment"),
    pytest.param("RUN a \\   \n  b\n", [("run", 1, 2)], id="blanks-after-escape"),
    pytest.param("RUN a \\ x\nRUN b\n", [("run", 1, 1), ("run", 2, 2)], id="escape-not-at-end"),
    pytest.param("RUN a\r\nRUN b \\\r\n  c\r\n", [("run", 1, 1), ("run", 2, 3)], id="crlf"),
    pytest.param("# escape=`\nRUN a `\n  b\nRUN c\n", [("run", 2, 3), ("run", 4, 4)], id="backtick"),
    pytest.param(
        "# escape=`\nCOPY a C:\\dir\\\nRUN c\n",
        [("copy", 2, 2), ("run", 3, 3)],
        id="backtick-backslash-not-continuation",
    ),
    pytest.param("RUN <<EOF\nFROM x\nEOF\nFROM y\n", [("run", 1, 3), ("from", 4, 4)], id="heredoc"),
    pytest.param("RUN <<-EOF\n\tFROM x\n\tEOF\nFROM y\n", [("run", 1, 3), ("from", 4, 4)], id="heredoc-chomp"),
    pytest.param("RUN <<A <<B\n1\nA\n2\nB\nFROM y\n", [("run", 1, 5), ("from", 6, 6)], id="two-heredocs"),
    pytest.param("COPY <<EOF /x\nhi\nEOF\n", [("copy", 1, 3)], id="copy-heredoc"),
    pytest.param("ADD <<EOF /x\nhi\nEOF\n", [("add", 1, 3)], id="add-heredoc"),
    pytest.param("ONBUILD RUN <<EOF\nFROM x\nEOF\n", [("onbuild", 1, 3)], id="onbuild-heredoc"),
    pytest.param("RUN <<EOF \\\n  && x\nbody\nEOF\n", [("run", 1, 4)], id="heredoc-after-continuation"),
    pytest.param("RUN <<EOF\nbody \\\nEOF\nRUN y\n", [("run", 1, 3), ("run", 4, 4)], id="heredoc-body-escape"),
    pytest.param("RUN <<EOF\nbody\n", [("run", 1, 2)], id="heredoc-unterminated"),
    pytest.param("RUN <<EOF\r\nx\r\nEOF\r\nRUN y\r\n", [("run", 1, 3), ("run", 4, 4)], id="heredoc-crlf"),
    pytest.param("ENV A <<EOF\nFROM x\n", [("env", 1, 1), ("from", 2, 2)], id="env-no-heredoc"),
    pytest.param('RUN ["cat", "<<EOF"]\nFROM x\n', [("run", 1, 1), ("from", 2, 2)], id="json-no-heredoc"),
    pytest.param('RUN echo "<<EOF"\nFROM x\n', [("run", 1, 1), ("from", 2, 2)], id="quoted-no-heredoc"),
    pytest.param(
        "RUN [ -f /x ] && cat <<EOF\nFROM x\nEOF\nRUN y\n",
        [("run", 1, 3), ("run", 4, 4)],
        id="shell-form-bracket-heredoc",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SHAPE_CASES)
def test_shape(text, expected):
    assert shape(text) == expected


# --------------------------------------------------------------------------------------------
# Instruction text: arguments joined across continuations
# --------------------------------------------------------------------------------------------

TEXT_CASES = [
    pytest.param("FROM node:20 AS build\n", ["node:20 AS build"], id="plain"),
    pytest.param("RUN    echo   hi   \n", ["echo   hi"], id="blanks-trimmed-around"),
    pytest.param("RUN\techo\n", ["echo"], id="tab-after-keyword"),
    pytest.param("RUN\n", [""], id="no-arguments"),
    pytest.param("RUN a \\\n  b\n", ["a   b"], id="continuation"),
    pytest.param("RUN a\\\nb\n", ["ab"], id="continuation-no-blanks"),
    pytest.param("RUN a \\  \n b\n", ["a  b"], id="blanks-after-escape-dropped"),
    pytest.param("RUN a \\\n  # c\n\n  b\n", ["a   b"], id="comment-and-blank-dropped"),
    pytest.param("RUN a \\\r\n  b\r\n", ["a   b"], id="crlf"),
    pytest.param("# escape=`\nRUN a `\n  b\n", ["a   b"], id="backtick"),
    pytest.param("# escape=`\nCOPY a C:\\x\\\n", ["a C:\\x\\"], id="backtick-keeps-backslash"),
    pytest.param("FROM \\\n  --platform=x \\\n  node\n", ["--platform=x   node"], id="from-continuation"),
    pytest.param("ONBUILD RUN a \\\n b\n", ["RUN a  b"], id="onbuild"),
    pytest.param("RUN <<EOF\nbody\nEOF\n", ["<<EOF"], id="heredoc-body-not-in-text"),
    pytest.param("RUN a \\\n\\\n  b\n", ["a   b"], id="escape-only-line"),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_text(text, expected):
    assert [i.text for i in lexed(text).instructions] == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("FROM node:20 AS build\n", id="plain"),
        pytest.param("  RUN a \\\n  # c\n\n  b \\\n\tc\n", id="continuation"),
        pytest.param("RUN a \\\r\n  b\r\nCOPY x y\r\n", id="crlf"),
        pytest.param("# escape=`\nRUN a `\n  b\nCOPY C:\\x\\ y\n", id="backtick"),
        pytest.param("ONBUILD COPY --from=a \\\n  /x /y\n", id="onbuild"),
        pytest.param("RUN <<EOF\nbody\nEOF\nFROM a\n", id="heredoc"),
    ],
)
def test_args_origins_point_at_source(text):
    """Every character of an instruction's arguments knows where it is in the file."""
    for instruction in lexed(text).instructions:
        args = instruction.args
        assert args.text == instruction.text
        assert len(args.origins) == len(args.text)
        assert [text[origin] for origin in args.origins] == list(args.text)
        assert instruction.start <= min(args.origins, default=instruction.start)
        assert max(args.origins, default=instruction.end) <= instruction.end


def test_instruction_offsets():
    text = "FROM a\n  RUN b \\\n  c\n"
    first, second = lexed(text).instructions
    assert (first.start, first.end) == (0, 6)
    assert (second.start, second.end) == (9, 20)  # from the keyword to the end of the last piece
    assert text[second.start : second.end] == "RUN b \\\n  c"


# --------------------------------------------------------------------------------------------
# Parser directives and the escape character
# --------------------------------------------------------------------------------------------

DIRECTIVE_CASES = [
    pytest.param("# syntax=docker/dockerfile:1\n", {"syntax": ("docker/dockerfile:1", 1)}, "\\", id="syntax"),
    pytest.param("# syntax = docker/dockerfile:1 \n", {"syntax": ("docker/dockerfile:1", 1)}, "\\", id="spaces"),
    pytest.param("#syntax=x\n", {"syntax": ("x", 1)}, "\\", id="no-space"),
    pytest.param("# SYNTAX=x\n", {"syntax": ("x", 1)}, "\\", id="upper-case-name"),
    pytest.param("  # syntax=x\n", {"syntax": ("x", 1)}, "\\", id="indented"),
    pytest.param("# syntax=x\r\nFROM a\r\n", {"syntax": ("x", 1)}, "\\", id="crlf"),
    pytest.param("# escape=`\n", {"escape": ("`", 1)}, "`", id="escape-backtick"),
    pytest.param("# escape=\\\n", {"escape": ("\\", 1)}, "\\", id="escape-backslash"),
    pytest.param("# check=skip=all\n", {"check": ("skip=all", 1)}, "\\", id="check"),
    pytest.param(
        "# escape=`\n# syntax=x\n# check=error=true\nFROM a\n",
        {"escape": ("`", 1), "syntax": ("x", 2), "check": ("error=true", 3)},
        "`",
        id="all-three",
    ),
    pytest.param("\n# syntax=x\n", {}, "\\", id="after-blank-line"),
    pytest.param("# hello\n# syntax=x\n", {}, "\\", id="after-comment"),
    pytest.param("# unknown=1\n# escape=`\n", {}, "\\", id="after-unknown-directive"),
    pytest.param("FROM a\n# escape=`\nRUN a `\n", {}, "\\", id="after-instruction"),
    pytest.param("# syntax=\n", {}, "\\", id="empty-value"),
    pytest.param("# 1syntax=x\n", {}, "\\", id="name-starts-with-digit"),
    pytest.param("# syn tax=x\n", {}, "\\", id="name-with-space"),
    pytest.param("# syntax=x\n\n# escape=`\n", {"syntax": ("x", 1)}, "\\", id="blank-ends-block"),
    pytest.param("# escape=x\n", {"escape": ("x", 1)}, "\\", id="invalid-escape-ignored"),
]


@pytest.mark.parametrize(("text", "expected", "escape"), DIRECTIVE_CASES)
def test_directives(text, expected, escape):
    result = lexed(text)
    assert {name: (d.value.text, d.line) for name, d in result.directives.items()} == expected
    assert result.escape == escape
    for directive in result.directives.values():
        value = directive.value
        start = value.origins[0]
        assert text[start : start + len(value.text)] == value.text  # the value keeps its offset


# --------------------------------------------------------------------------------------------
# Comments (where suppression pragmas live)
# --------------------------------------------------------------------------------------------

COMMENT_CASES = [
    pytest.param("# a\nFROM x\n", [(1, 0, "a")], id="leading"),
    pytest.param("FROM x\n  #   b  \n", [(2, 9, "b")], id="indented-and-stripped"),
    pytest.param("#\n# \n", [(1, 0, ""), (2, 2, "")], id="empty-comments"),
    pytest.param("# syntax=x\n# c\n", [(1, 0, "syntax=x"), (2, 11, "c")], id="directives-are-comments"),
    pytest.param("RUN a \\\n  # inside\n  b\n# after\n", [(4, 23, "after")], id="continuation-comment-dropped"),
    pytest.param("RUN <<EOF\n# body\nEOF\n# after\n", [(4, 21, "after")], id="heredoc-body-not-comment"),
    pytest.param("FROM a # trailing\n", [], id="trailing-hash-is-argument"),
    pytest.param("# a\r\nFROM x\r\n# b\r\n", [(1, 0, "a"), (3, 13, "b")], id="crlf"),
]


@pytest.mark.parametrize(("text", "expected"), COMMENT_CASES)
def test_comments(text, expected):
    comments = lexed(text).comments
    assert [(c.line, c.start, c.text) for c in comments] == expected
    for comment in comments:
        assert text[comment.start] == "#"


# --------------------------------------------------------------------------------------------
# Heredocs
# --------------------------------------------------------------------------------------------

HEREDOC_NAME_CASES = [
    pytest.param("<<EOF", [("EOF", False)], id="plain"),
    pytest.param("<<-EOF", [("EOF", True)], id="chomp"),
    pytest.param("<<'EOF'", [("EOF", False)], id="single-quoted"),
    pytest.param('<<"EOF"', [("EOF", False)], id="double-quoted"),
    pytest.param("<<-'EOF'", [("EOF", True)], id="chomp-quoted"),
    pytest.param("<<\\EOF", [("EOF", False)], id="escaped"),
    pytest.param('<<E"O"F', [("EOF", False)], id="partly-quoted"),
    pytest.param("cat <<A 3<<-B", [("A", False), ("B", True)], id="two-with-fd"),
    pytest.param("python3 <<PY > /out", [("PY", False)], id="with-redirect"),
    pytest.param('echo "a b" <<EOF', [("EOF", False)], id="after-quoted-word"),
    pytest.param('echo "<<EOF"', [], id="in-double-quotes"),
    pytest.param("echo '<<EOF'", [], id="in-single-quotes"),
    pytest.param("cat <<< word", [], id="here-string"),
    pytest.param("a<<EOF", [], id="glued-to-word"),
    pytest.param("<<", [], id="no-name"),
    pytest.param("<<-", [], id="chomp-no-name"),
    pytest.param("<<EOF<<X", [], id="two-in-one-word"),
]


@pytest.mark.parametrize(("line", "expected"), HEREDOC_NAME_CASES)
def test_heredoc_names(line, expected):
    assert heredoc_names(line) == expected


def test_heredoc_spans():
    text = "RUN <<A <<-B\nline a\nA\n\tline b\n\tB\nFROM x\n"
    run, from_ = lexed(text).instructions
    assert [(h.name, h.chomp) for h in run.heredocs] == [("A", False), ("B", True)]
    assert [text[h.body_start : h.body_end] for h in run.heredocs] == ["line a\n", "\tline b\n"]
    assert (run.line, run.end_line, from_.line) == (1, 5, 6)
    assert text[run.end :].startswith("\nFROM x")


def test_heredoc_empty_body():
    text = "RUN <<EOF\nEOF\n"
    (run,) = lexed(text).instructions
    (heredoc,) = run.heredocs
    assert heredoc.body_start == heredoc.body_end == len("RUN <<EOF\n")


def test_heredoc_onbuild():
    (onbuild,) = lexed("ONBUILD COPY <<EOF /x\nFROM y\nEOF\n").instructions
    assert onbuild.keyword == "onbuild"
    assert [h.name for h in onbuild.heredocs] == ["EOF"]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_no_errors():
    assert lexed("# escape=`\nFROM a\nRUN <<EOF\nx\nEOF\n").errors == []


def test_unterminated_heredoc_error():
    text = "FROM a\nRUN <<EOF\nnever closed\n"
    result = lexed(text)
    (error,) = result.errors
    assert (error.start, error.end) == (text.index("RUN"), len(text))
    assert "unterminated heredoc" in error.message and "'EOF'" in error.message
    (run,) = [i for i in result.instructions if i.keyword == "run"]
    assert run.end_line == 3
    assert run.heredocs[0].body_end == len(text)


def test_unterminated_second_heredoc_error():
    result = lexed("RUN <<A <<B\nA\nbody\n")
    assert [e.message for e in result.errors] == ["unterminated heredoc 'B' (no line 'B' closes it)"]


def test_invalid_escape_error():
    text = "# escape=x\nFROM a\n"
    (error,) = lexed(text).errors
    assert (error.start, error.end) == (9, 10)
    assert error.message == "invalid escape token 'x'"


# --------------------------------------------------------------------------------------------
# Differential test against dockerfile-parse (heredoc-free files)
# --------------------------------------------------------------------------------------------


def dockerfile_parse_structure(text: str) -> list[tuple[str, int, int, str]]:
    """dockerfile-parse's instructions: (INSTRUCTION, startline, endline, value), lines 0-based.

    It reports comments as `COMMENT` entries (even those inside a continuation); they are not
    instructions and are skipped.
    """
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    return [
        (item["instruction"], item["startline"], item["endline"], item["value"])
        for item in parser.structure
        if item["instruction"] != "COMMENT"
    ]


def our_structure(text: str) -> list[tuple[str, int, int, str]]:
    return [(i.keyword.upper(), i.line - 1, i.end_line - 1, i.text) for i in lexed(text).instructions]


# dockerfile-parse ends an instruction at a blank line inside a continuation (BuildKit skips
# it), and drops a continuation that runs to the end of the file; these files avoid both.
DIFFERENTIAL_CASES = [
    pytest.param(
        "# syntax=docker/dockerfile:1\n"
        "# a comment\n"
        "FROM node:20 AS build\n"
        "WORKDIR /app\n"
        "RUN apt-get update \\\n"
        "  # install the toolchain\n"
        "  && apt-get install -y make \\\n"
        "  && rm -rf /var/lib/apt/lists/*\n"
        "COPY . /app\n"
        "FROM build\n"
        'CMD ["node", "main.js"]\n',
        id="typical",
    ),
    pytest.param(
        "  from alpine:3.20 as base\n"
        "run set -eux; \\  \n"
        "\tapk add --no-cache curl; \\\n"
        "\tcurl --version\n"
        "onbuild RUN echo \\\n"
        " triggered\n",
        id="lowercase-tabs-trailing-blanks",
    ),
    pytest.param(
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN powershell -Command `\n"
        "    Write-Host hi\n"
        "COPY app C:\\app\\\n"
        "WORKDIR C:\\app\n",
        id="backtick-windows",
    ),
    pytest.param(
        "FROM debian:12\r\n"
        "RUN apt-get update \\\r\n"
        "  && apt-get install -y curl\r\n"
        "LABEL a=b \\\r\n"
        "      c=d\r\n",
        id="crlf",
    ),
    pytest.param(
        "FROM a\n"
        "ENV A=1 \\\n"
        "    B=2\n"
        "# between\n"
        "\n"
        "\n"
        "HEALTHCHECK --interval=5s CMD \\\n"
        "  curl -f http://localhost/ || exit 1\n"
        "EXPOSE 80 443\n",
        id="env-healthcheck",
    ),
    pytest.param(
        "FROM a\n"
        "RUN one \\\n"
        "# c1\n"
        "# c2\n"
        "  two \\\n"
        "    # c3\n"
        "  three\n"
        "USER nobody\n",
        id="several-comments-in-continuation",
    ),
    pytest.param(
        "ARG BASE=node:20\n"
        "FROM --platform=$BUILDPLATFORM \\\n"
        "  $BASE \\\n"
        "  AS build\n"
        "COPY --from=nginx:1.27 \\\n"
        "  /etc/nginx /etc/nginx\n"
        "RUN --mount=type=cache,target=/root/.npm \\\n"
        "    npm ci\n",
        id="flags-and-args",
    ),
]


@pytest.mark.parametrize("text", DIFFERENTIAL_CASES)
def test_matches_dockerfile_parse(text):
    assert our_structure(text) == dockerfile_parse_structure(text)


def test_heredoc_where_dockerfile_parse_is_wrong():
    """dockerfile-parse reads heredoc bodies as instructions; BuildKit (and dehub) do not."""
    text = "FROM scratch\nRUN <<EOF\nFROM ubuntu\nEOF\nFROM node:20\n"
    theirs = [(name, start, end) for name, start, end, _ in dockerfile_parse_structure(text)]
    assert ("FROM", 2, 2) in theirs  # the heredoc body's `FROM ubuntu`, wrongly an instruction
    assert ("EOF", 3, 3) in theirs  # and the terminator, as an instruction named EOF
    assert [(name, start, end) for name, start, end, _ in our_structure(text)] == [
        ("FROM", 0, 0),
        ("RUN", 1, 3),
        ("FROM", 4, 4),
    ]
