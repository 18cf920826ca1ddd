"""The devcontainer kind's table on the shared harness (tests/kindtable.py), and the JSONC
parser under it (dehub/jsonc.py)."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import jsonc
from dehub.kinds import kind_for_text
from dehub.value import SYNTHETIC

M = "public.ecr.aws/docker/library/"

NOOP = [
    pytest.param('{"image": "mcr.microsoft.com/devcontainers/base:ubuntu"}\n', {}, id="mcr-image"),
    pytest.param(f'{{"image": "{M}node:20"}}\n', {}, id="already-mirrored"),
    pytest.param(
        '{\n  "build": {"dockerfile": "Dockerfile", "args": {"VARIANT": "node:20"}, "cacheFrom": "node:20"},\n}\n',
        {},
        id="built-args-and-cache-not-pulls",
    ),
    pytest.param(
        '{"dockerComposeFile": ["../compose.yaml"], "service": "app", "workspaceFolder": "/w"}\n', {}, id="compose"
    ),
    pytest.param(
        '{\n  "image": "ghcr.io/acme/dev:1",\n  "features": {\n    "ghcr.io/devcontainers/features/node:1": '
        '{"version": "20"},\n    "./local-feature": {},\n    "docker-in-docker": {},\n  },\n}\n',
        {},
        id="features-elsewhere",
    ),
    pytest.param('{"customizations": {"x": {"image": "node:20"}}, "image": "ghcr.io/a/b"}\n', {}, id="nested-image"),
    pytest.param('// "image": "node:20",\n{"image": "ghcr.io/a/b" /* node:20 */}\n', {}, id="in-comments"),
    pytest.param('{\n  // dehub ignore=DH001 the team image\n  "image": "node:20",\n}\n', {}, id="pragma-own-line"),
    pytest.param('{\n  "image": "node:20", // dehub ignore=DH001\n}\n', {}, id="pragma-end-of-line"),
    pytest.param('{\n  /* dehub ignore=DH001 */\n  "image": "node:20"\n}\n', {}, id="pragma-block-comment"),
    pytest.param('{"image": "${localEnv:IMG:ghcr.io/a/b}"}\n', {}, id="env-default-elsewhere"),
    pytest.param('{"image": "node:20", "image": "ghcr.io/a/b:1"}\n', {}, id="repeated-key-last-wins"),
]

PROBLEM = [
    pytest.param(
        '{\n  // dehub ignore=DH999\n  "image": "node:20"\n}\n',
        {(2, 19, "DH902"), (3, 13, "DH001")},
        id="pragma-unknown-code-located-after-slashes",  # PragmaComment.body_start
    ),
    pytest.param(
        '{\n  /* dehub ignore */\n  "image": "node:20"\n}\n', {(2, 3, "DH902"), (3, 13, "DH001")}, id="pragma-invalid"
    ),
    pytest.param('{"image": "node:20"}\n', {(1, 12, "DH001")}, id="image"),
    pytest.param('{\n\t"image":\n\t\t"node:20" ,\n}', {(3, 4, "DH001")}, id="spread-over-lines"),
    pytest.param('{"image": "node:20",,}\n', {(1, 21, "DH900")}, id="double-comma"),
    pytest.param('{"image": "node:20}\n', {(1, 11, "DH900")}, id="unterminated-string"),
    pytest.param("{'image': 'node:20'}\n", {(1, 2, "DH900")}, id="single-quotes"),
    pytest.param('{"image": "node:20"} x\n', {(1, 22, "DH900")}, id="trailing-text"),
    pytest.param('{"image": "node:20" /* open\n', {(1, 21, "DH900")}, id="open-comment"),
    pytest.param("", {(1, 1, "DH900")}, id="empty"),
    pytest.param('{"image": "node\\q"}\n', {(1, 16, "DH900")}, id="bad-escape"),
    pytest.param('{"image": "${localEnv:IMAGE}"}\n', {(1, 12, "DH003")}, id="env-without-default"),
    pytest.param('{"image": "\\u006eode:20"}\n', {(1, 12, "DH001")}, id="escape-in-name-no-fix"),
    pytest.param(
        '{"image": "ghcr.io/a/b", "features": {"docker.io/acme/feature:1": {}}}\n',
        {(1, 40, "DH002")},
        id="feature-on-docker-hub",
    ),
    pytest.param(
        '{\n  // dehub ignore=DH001\n  "name": "x",\n  "image": "node:20"\n}\n',
        {(4, 13, "DH001")},
        id="pragma-covers-next-member-only",
    ),
]

FIX = [
    pytest.param('{"image": "node:20"}\n', f'{{"image": "{M}node:20"}}\n', {}, id="image"),
    pytest.param(
        '// Dev container\n{\n  "name": "app", /* the name */\n  "image": "python:3.12-slim", // slim\n'
        '  "features": {\n    "ghcr.io/devcontainers/features/git:1": {},\n  },\n}\n',
        f'// Dev container\n{{\n  "name": "app", /* the name */\n  "image": "{M}python:3.12-slim", // slim\n'
        '  "features": {\n    "ghcr.io/devcontainers/features/git:1": {},\n  },\n}\n',
        {},
        id="comments-and-trailing-commas-kept",
    ),
    pytest.param(
        '{"image": "${localEnv:IMAGE:node}:20"}\n',
        f'{{"image": "${{localEnv:IMAGE:{M}node}}:20"}}\n',
        {},
        id="env-default-fixed",
    ),
    pytest.param(
        '{"image": "${env:IMAGE:redis}"}\n', f'{{"image": "${{env:IMAGE:{M}redis}}"}}\n', {}, id="env-alias-default"
    ),
    pytest.param('{"image": "node\\u003a20"}\n', f'{{"image": "{M}node\\u003a20"}}\n', {}, id="escape-in-tag-kept"),
    pytest.param('{"image": "docker.io/library/node:20"}\n', f'{{"image": "{M}node:20"}}\n', {}, id="docker-io"),
    pytest.param('\t{ "image" : "alpine" }', f'\t{{ "image" : "{M}alpine" }}', {}, id="no-newline-at-end"),
]

test_noop, test_problem, test_fix = KindTable("devcontainer").tests(NOOP, PROBLEM, FIX)


def test_escape_in_the_name_gets_no_fix():
    [finding] = findings('{"image": "\\u006eode:20"}\n', "devcontainer")
    assert finding.code == "DH001" and finding.fix is None
    assert "not written as one literal" in finding.message


def test_jsonc_spans_and_escape_origins():
    text = '{"a": ["x\\/y", 1.5e3, true, null], /* c */ "b": {"c": "\\ud83d\\ude00z"},}'
    parsed = jsonc.parse(text)
    root = parsed.root
    assert isinstance(root, jsonc.Object)
    items = root.get("a")
    assert isinstance(items, jsonc.Array)
    string = items.items[0]
    assert isinstance(string, jsonc.String)
    assert string.text == "x/y"
    assert string.value.origins == [8, SYNTHETIC, 11]
    assert text[string.start : string.end] == '"x\\/y"'
    assert [text[node.start : node.end] for node in items.items[1:]] == ["1.5e3", "true", "null"]
    inner = root.get("b")
    assert isinstance(inner, jsonc.Object)
    emoji = inner.get("c")
    assert isinstance(emoji, jsonc.String)
    assert emoji.text == "\U0001f600z" and emoji.value.origins == [SYNTHETIC, text.index("z")]
    [comment] = parsed.comments
    assert text[comment.start : comment.end] == "/* c */" and text[comment.body_start : comment.body_end] == " c "


@pytest.mark.parametrize(
    ("text", "offset"),
    [("[1,]x", 4), ("[01]", 1), ('{"a" 1}', 5), ("[1 2]", 3), ('"a\nb"', 0), ("[-]", 1), ("[1.]", 1), ("{", 0)],
)
def test_jsonc_errors_point_at_the_problem(text, offset):
    with pytest.raises(jsonc.JsoncError) as caught:
        jsonc.parse(text)
    assert caught.value.offset == offset


def test_sniffed_only_with_keys_of_a_dev_container():
    assert kind_for_text('{\n  // x\n  "image": "node:20",\n  "features": {},\n}\n') == "devcontainer"
    assert kind_for_text('{"image": "node:20", "name": "x"}\n') is None  # any JSON could say that
    assert kind_for_text('{"image": "node:20", "features": {\n') is None  # not JSONC


def test_nesting_deeper_than_the_parser_reads_is_one_parse_problem_not_a_crash():
    from helpers import findings

    text = '{"image": "node:20", "x": ' + "[" * 300 + "]" * 300 + "}"
    [finding] = findings(text, "devcontainer")
    assert (finding.code, finding.message) == ("DH900", "not valid JSON with comments: nested too deeply")
