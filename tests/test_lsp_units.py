"""The language server's pure parts, without a client: positions, edits, documents, actions."""

from __future__ import annotations

import sys
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dehub.fixer import fix_source
from dehub.lint import Settings
from dehub.lsp import actions
from dehub.lsp.documents import Document, detect_kind, lint
from dehub.lsp.edits import apply, changed_spans, text_edits
from dehub.lsp.markdown import rule_docs
from dehub.lsp.positions import UTF8, UTF16, UTF32, LineIndex, normalise_encoding
from dehub.lsp.workspace import ConfigStore, is_config_file
from dehub.source import SourceText

TEXTS = st.text(alphabet=st.sampled_from(list("ab \t\n\r\u00e9\u20ac\U0001f433#")), max_size=60)


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """LSP's definition, spelled out: lines end at \\n, \\r\\n or \\r; columns count code units."""
    line, start, index = 0, 0, 0
    while index < offset:
        char = text[index]
        index += 1
        if char == "\r" and index < len(text) and text[index] == "\n":
            if index == offset:  # between \r and \n: still on this line
                break
            index += 1
            line, start = line + 1, index
        elif char in "\r\n":
            line, start = line + 1, index
    before = text[start:offset]
    size = {UTF8: len(before.encode("utf-8")), UTF16: len(before.encode("utf-16-le")) // 2, UTF32: len(before)}
    return line, size[encoding]


@given(TEXTS, st.data(), st.sampled_from([UTF8, UTF16, UTF32]))
def test_positions_follow_lsp_and_round_trip(text, data, encoding):
    index = LineIndex(text, encoding)
    offset = data.draw(st.integers(0, len(text)))
    assert index.position(offset) == reference_position(text, offset, encoding)
    if not (0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n"):
        assert index.offset(*index.position(offset)) == offset


def test_astral_characters_and_line_breaks():
    text = "a\U0001f433b\r\nc\rd\u2028e\x0cf\n"
    assert LineIndex(text, UTF16).position(2) == (0, 3)
    assert LineIndex(text, UTF8).position(2) == (0, 5)
    assert LineIndex(text, UTF32).position(2) == (0, 2)
    assert LineIndex(text).position(text.index("d")) == (2, 0)  # \r alone ends a line
    assert LineIndex(text).position(text.index("f")) == (2, 4)  # U+2028 and form feed do not
    index = LineIndex(text, UTF16)
    assert index.offset(0, 2) == 1  # inside the surrogate pair: the character's start
    assert index.offset(0, 99) == 3  # past the end of the line: before its line break
    assert index.offset(99, 0) == len(text)
    assert normalise_encoding("utf-8") == UTF8 and normalise_encoding("latin-1") == UTF16


@given(TEXTS, TEXTS)
def test_changed_spans_turn_one_text_into_the_other(old, new):
    spans = changed_spans(old, new)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    out = old
    for start, end, text in reversed(spans):
        out = out[:start] + text + out[end:]
    assert out == new
    index = LineIndex(old, UTF16)
    assert apply(old, index, text_edits(index, spans)) == new


def test_changed_spans_are_small():
    old = "FROM node:20\n" + "RUN true\n" * 50 + "FROM redis:7\n"
    mirror = "public.ecr.aws/docker/library/"
    new = old.replace("node", mirror + "node").replace("redis", mirror + "redis")
    assert changed_spans(old, new) == [(5, 5, "public.ecr.aws/docker/library/"),
                                       (len(old) - 8, len(old) - 8, "public.ecr.aws/docker/library/")]  # fmt: skip


def test_kind_detection():
    assert detect_kind("/r/.github/workflows/ci.yml", "yaml", "") == "workflow"
    assert detect_kind("/r/x/action.yaml", "yaml", "") == "action"
    assert detect_kind("/r/Containerfile", "plaintext", "") == "dockerfile"
    assert detect_kind("/r/build.docker", "dockerfile", "") == "dockerfile"
    assert detect_kind(None, "plaintext", "# comment\nFROM node:20\n") == "dockerfile"
    assert detect_kind("/r/settings.yaml", "yaml", "image: node:20\n") is None
    assert detect_kind("/r/values.yaml", "yaml", "image: node:20\n") == "helm"
    assert detect_kind("/r/README.md", "markdown", "FROM the start\n") is None


def test_lint_reuses_the_result_for_the_same_text_and_configuration(tmp_path):
    (tmp_path / ".git").mkdir()
    configs = ConfigStore()
    document = Document("file:///x", str(tmp_path / "Dockerfile"), "dockerfile", 1, "FROM node:20\n")
    first = lint(document, configs)
    assert lint(document, configs) is first
    document.text = "FROM redis:7\n"
    second = lint(document, configs)
    assert second is not first and [f.code for f in second.findings] == ["DH001"]
    configs.reload()
    assert lint(document, configs) is not second


def test_configuration_errors_are_kept_and_cleared(tmp_path):
    (tmp_path / ".git").mkdir()
    config = tmp_path / ".dehub.yaml"
    config.write_text("select: [NOPE]\n")
    configs = ConfigStore()
    loaded = configs.for_path(str(tmp_path / "Dockerfile"))
    assert loaded.error and "NOPE" in loaded.error and str(config) in configs.errors
    assert loaded.settings.enabled == Settings().enabled  # the defaults
    config.write_text("select: [DH001]\n")
    assert configs.reload() and not configs.errors
    assert configs.for_path(str(tmp_path / "Dockerfile")).settings.enabled == {"DH001"}
    assert is_config_file(str(config)) and is_config_file("/a/pyproject.toml") and not is_config_file("/a/x.yml")


@pytest.mark.parametrize("only, expected", [
    (None, True), (["quickfix"], True), (["source"], False), (["quickfix.dehub"], False), (["refactor"], False),
])  # fmt: skip
def test_wanted_kinds(only, expected):
    assert actions.wanted("quickfix", only) is expected
    assert actions.wanted(actions.FIX_ALL, ["source"]) and actions.wanted(actions.FIX_ALL, ["source.fixAll"])


LINES = [
    "FROM node:20\n", "ARG BASE=python:3.12\n", "FROM ${BASE}\n", "FROM ${BASE} AS b\n", "COPY --from=busybox /a /b\n",
    "RUN echo hi\n", "FROM bitnami/kafka:3\n", "FROM python:3.12-windowsservercore-ltsc2022\n",
    "# dehub ignore=DH001\n",
]  # fmt: skip


@given(st.lists(st.sampled_from(LINES), max_size=8), st.booleans())
def test_fix_all_spans_give_the_fixer_result(lines, unsafe):
    text = "".join(lines)
    configs = ConfigStore()
    configs._loaded[None] = configs._load(None)
    configs._loaded[None].settings.unsafe_fixes = unsafe
    document = Document("untitled:1", None, "dockerfile", 1, text)
    result = lint(document, configs)
    spans = actions.fix_all_spans(result)
    expected = fix_source(SourceText(text), "dockerfile", result.loaded.settings, unsafe).source.text
    assert apply(text, result.index, text_edits(result.index, spans)) == expected


def test_rule_docs_as_markdown():
    docs = rule_docs("DH001")
    assert docs.startswith("**DH001 docker-hub-image: an image is pulled from Docker Hub")
    assert "\n*What it finds*\n" in docs and "```text\nFAIL  FROM node:20" in docs and docs.endswith("```")
    assert rule_docs("DH999") == ""


def test_fix_all_is_not_offered_for_a_file_that_does_not_parse():
    configs = ConfigStore()
    document = Document("untitled:2", None, "dockerfile", 1, "FROM node:20\nFROM\n")
    result = lint(document, configs)
    assert {f.code for f in result.findings} == {"DH001", "DH900"}
    found = actions.actions(document, result, 0, len(document.text), ["source.fixAll"], [], actions.Client())
    assert found == []
    quick = actions.actions(document, result, 5, 5, None, [], actions.Client())
    assert [a["title"] for a in quick][:1] == ["dehub: use public.ecr.aws/docker/library/node:20"]


def test_server_options():
    pytest.importorskip("pygls")
    from dehub.lsp.server import DEFAULT_DEBOUNCE, DehubServer

    server = DehubServer()
    assert server.debounce == DEFAULT_DEBOUNCE == 0.15
    server.apply_options({"dehub": {"debounce": 0.4}})
    assert server.debounce == 0.4
    for ignored in ({"debounce": "fast"}, {"debounce": True}, {"debounce": -1}, None, []):
        server.apply_options(ignored)
    assert server.debounce == 0.4
    server.apply_options({"debounce": 0})
    assert server.debounce == 0


def test_lsp_without_pygls_says_what_to_install(monkeypatch, capsys):
    from dehub.hooks import lsp

    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls` raises ImportError
    assert lsp.main([]) == 2
    assert capsys.readouterr().err == "dehub lsp needs pygls: pip install '.[lsp]' in your dehub clone\n"
    assert lsp.main(["--help"]) == 0 and "--log-file" in capsys.readouterr().out


def test_lsp_accepts_what_editors_pass(monkeypatch):
    from dehub.hooks import lsp
    from dehub.lsp import server

    seen = []
    monkeypatch.setattr(server, "serve", lambda log_file=None: seen.append(log_file) or 0)
    assert lsp.main(["--stdio", "--clientProcessId=4242", "--log-file", "/tmp/x.log"]) == 0
    assert seen == ["/tmp/x.log"]


@given(
    st.lists(
        st.sampled_from(["FROM node:20", "  FROM  alpine:3.20 AS b", "RUN x", "", "# c", "ARG B=redis:7", "FROM ${B}"]),
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "\ufeff", "\U0001f433 "]),
)
def test_finding_ranges_equal_the_converted_offsets(lines, newline, prefix):
    """The shortcut for ASCII text with LF line ends gives the same ranges as converting offsets."""
    text = prefix + newline.join(lines) + newline
    document = Document("file:///w/Dockerfile", "/w/Dockerfile", "dockerfile", 1, text)
    result = lint(document, ConfigStore())
    for finding in result.findings:
        assert result.finding_range(finding) == result.range(finding.start, finding.end)


def test_diagnostic_and_hover_carry_the_note(tmp_path):
    """An editor shows one finding at a time: its message ends with the note, as in SARIF."""
    from dehub.lsp.diagnostics import diagnostic
    from dehub.lsp.markdown import hover

    (tmp_path / ".git").mkdir()
    path = tmp_path / ".github" / "workflows" / "ci.yml"
    document = Document("file:///ci.yml", str(path), "yaml", 3, "on: push\njobs:\n  a:\n    container: node:20\n")
    result = lint(document, ConfigStore())
    (finding,) = result.findings
    message = (
        "`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`; pulled while the job "
        "is set up, before any step, so a login step cannot cover it (only the mirror, or `credentials:` on the "
        "container or service, can)"
    )
    assert diagnostic(finding, result, 3)["message"] == message
    assert hover([finding]).startswith(f"**dehub DH001** (docker-hub-image, error): {message}\n\n---\n\n")
