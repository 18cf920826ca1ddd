"""The bake kind's table on the shared harness (tests/kindtable.py), and the HCL parser under
it (dehub/hcl.py)."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import hcl
from dehub.kinds import kind_for_text
from dehub.value import SYNTHETIC, Value

M = "public.ecr.aws/docker/library/"


def target(body: str, name: str = "app") -> str:
    return f'target "{name}" {{\n{body}}}\n'


NOOP = [
    pytest.param(target('  context = "."\n  dockerfile = "Dockerfile"\n'), {}, id="plain-build"),
    pytest.param(
        target(
            '  tags = ["node:20", "docker.io/library/alpine:3.20"]\n'
            '  cache-from = ["type=registry,ref=node:20"]\n  cache-to = ["type=inline"]\n'
            '  output = ["type=image,name=redis:7"]\n'
        ),
        {},
        id="tags-cache-output-not-pulls",
    ),
    pytest.param(target('  args = {\n    BASE = "node:20"\n  }\n'), {}, id="args-not-read"),
    pytest.param(
        target('  contexts = {\n    src = "./src"\n    base = "target:base"\n    oci = "oci-layout://./l"\n  }\n'),
        {},
        id="other-contexts",
    ),
    pytest.param(target(f'  contexts = {{ base = "docker-image://{M}node:20" }}\n'), {}, id="already-mirrored"),
    pytest.param(
        target(
            '  contexts = {\n    # dehub ignore=DH001 pinned for a reason\n    base = "docker-image://node:20"\n  }\n'
        ),
        {},
        id="pragma-hash",
    ),
    pytest.param(
        "// dehub ignore=DH001\n" + target('  contexts = {\n    base = "docker-image://node:20"\n  }\n'),
        {},
        id="pragma-above-block-covers-it",
    ),
    pytest.param(
        target('  contexts = { base = "docker-image://node:20" } /* dehub ignore=DH001 */\n'), {}, id="pragma-eol"
    ),
    pytest.param(
        'group "default" {\n  targets = ["app"]\n}\n'
        + target('  inherits = ["_common"]\n  platforms = ["linux/amd64"]\n'),
        {},
        id="group-and-inherits",
    ),
    pytest.param('{"target": {"app": {"context": ".", "tags": ["node:20"]}}}\n', {}, id="json-no-context"),
    pytest.param(
        target('  dockerfile-inline = "FROM ghcr.io/a/b:1\\n"\n', "base")
        + target(
            '  contexts = { base_image = "target:base" }\n  dockerfile-inline = <<EOT\nFROM base_image\n'
            "COPY --from=docker.io/library/tools /x /y\nEOT\n",
            "test",
        )
        + target('  contexts = { tools = "target:base" }\n', "parent")
        + target('  inherits = ["parent"]\n', "test"),
        {},
        id="inline-from-named-contexts-own-and-inherited",
    ),
    pytest.param(
        '{"target": {"a": {"contexts": {"img": "target:b"}, "dockerfile-inline": "FROM img\\n"}}}\n',
        {},
        id="inline-named-context-json",
    ),
]

PROBLEM = [
    pytest.param(
        "# dehub ignore=DH999\n" + target('  contexts = { b = "docker-image://node:20" }\n', "a"),
        {(1, 16, "DH902"), (3, 36, "DH001")},
        id="pragma-unknown-code",
    ),
    pytest.param(
        target('  contexts = {\n    base = "docker-image://node:20"\n  }\n'), {(3, 28, "DH001")}, id="context"
    ),
    pytest.param(
        'variable "BASE" {\n  default = "node:20"\n}\n' + target('  contexts = { b = "docker-image://${BASE}" }\n'),
        {(2, 14, "DH001")},
        id="variable-default",
    ),
    pytest.param(
        'variable "BASE" {}\n' + target('  contexts = { b = "docker-image://${BASE}" }\n'),
        {(3, 36, "DH003")},
        id="variable-without-default",
    ),
    pytest.param(
        target('  contexts = { b = "docker-image://${upper("node")}:20" }\n'), {(2, 36, "DH003")}, id="function-call"
    ),
    pytest.param(
        target('  contexts = {\n    base = "docker-image://node:20"\n'), {(1, 14, "DH900")}, id="unclosed-block"
    ),
    pytest.param(
        target('  contexts = { base = "docker-image://node:20 }\n'), {(2, 23, "DH900")}, id="unterminated-string"
    ),
    pytest.param('target "app" {\n  tags = ["a" "b"]\n}\n', {(2, 15, "DH900")}, id="missing-comma"),
    pytest.param(
        '{"target": {"app": {"contexts": {"b": "docker-image://node:20",}}}}\n', {(1, 55, "DH001")}, id="json"
    ),
    pytest.param(
        target('  contexts = { base = "docker-image://$${BASE}" }\n'), {(2, 39, "DH006")}, id="escaped-interpolation"
    ),
    pytest.param('{"target": {"app": {]}}\n', {(1, 21, "DH900")}, id="json-invalid"),
    pytest.param(
        target('  dockerfile-inline = <<EOT\nFROM ${UNSET}\nFROM ${trimspace(" a ")}\nEOT\n'),
        {(3, 6, "DH003"), (4, 6, "DH003")},
        id="inline-unknown-kept-unknown",
    ),
    pytest.param(
        target("  dockerfile-inline = <<-EOT\n    # syntax=docker/dockerfile:1\n    FROM ghcr.io/a/b\n  EOT\n"),
        {(3, 14, "DH002")},
        id="inline-syntax-directive",
    ),
    pytest.param(
        target('  contexts = { b = "docker-image://\\u006eode:20" }\n'), {(2, 36, "DH001")}, id="escape-in-name-no-fix"
    ),
    pytest.param(
        'variable "BASE" {\n  default = "node:20"\n}\n'
        + target('  contexts = { b = "docker-image://${BASE}" }\n  args = { BASE = BASE }\n'),
        {(2, 14, "DH001")},
        id="default-also-read-by-args",
    ),
]

FIX = [
    pytest.param(
        '# Build everything\ngroup "default" {\n  targets = ["app"] // the app\n}\n\n'
        'target "app" {\n  /* named contexts */\n  contexts = {\n    base = "docker-image://node:20", # the base\n'
        '    "alpine": "docker-image://docker.io/library/alpine:3.20"\n  }\n}\n',
        '# Build everything\ngroup "default" {\n  targets = ["app"] // the app\n}\n\n'
        f'target "app" {{\n  /* named contexts */\n  contexts = {{\n'
        f'    base = "docker-image://{M}node:20", # the base\n'
        f'    "alpine": "docker-image://{M}alpine:3.20"\n  }}\n}}\n',
        {},
        id="comments-kept",
    ),
    pytest.param(
        'variable "BASE" {\n  default = "python:3.12-slim"\n}\nvariable "TAG" { default = "1" }\n'
        + target('  contexts = { py = "docker-image://${BASE}" }\n  tags = ["acme/app:${TAG}"]\n'),
        'variable "BASE" {\n  default = "'
        + M
        + 'python:3.12-slim"\n}\nvariable "TAG" { default = "1" }\n'
        + target('  contexts = { py = "docker-image://${BASE}" }\n  tags = ["acme/app:${TAG}"]\n'),
        {},
        id="interpolation-default",
    ),
    pytest.param(
        'NODE = "node"\nvariable "V" { default = 20 }\n'
        + target('  contexts = { n = "docker-image://${NODE}:${V}" }\n'),
        f'NODE = "{M}node"\nvariable "V" {{ default = 20 }}\n'
        + target('  contexts = { n = "docker-image://${NODE}:${V}" }\n'),
        {},
        id="top-level-attribute-and-number",
    ),
    pytest.param(
        'variable "B" { default = "docker-image://node:20" }\n' + target("  contexts = { n = B }\n"),
        f'variable "B" {{ default = "docker-image://{M}node:20" }}\n' + target("  contexts = { n = B }\n"),
        {},
        id="bare-variable",
    ),
    pytest.param(
        'variable "B" {\n  default = <<EOT\nnode:20\nEOT\n}\n'
        + target('  contexts = { n = "docker-image://${trimspace(B)}" }\n'),
        'variable "B" {\n  default = <<EOT\nnode:20\nEOT\n}\n'
        + target('  contexts = { n = "docker-image://${trimspace(B)}" }\n'),
        {},
        id="heredoc-through-a-function-unknown",
    ),
    pytest.param(
        'variable "REG" { default = "docker.io" }\n'
        + target('  contexts = { n = "docker-image://${REG}/library/node:20" }\n'),
        'variable "REG" { default = "docker.io" }\n'
        + target('  contexts = { n = "docker-image://${REG}/library/node:20" }\n'),
        {},
        id="name-assembled-no-fix",
    ),
    pytest.param(
        target('  contexts = { b = "docker-image://node\\u003a20", c = "docker-image://golang:1.22" }\n'),
        target(f'  contexts = {{ b = "docker-image://{M}node\\u003a20", c = "docker-image://{M}golang:1.22" }}\n'),
        {},
        id="escape-in-tag-and-one-line-object",
    ),
    pytest.param(
        '{\n  "variable": {"BASE": {"default": "node:20"}},\n  "target": {\n    "app": {\n'
        '      "contexts": {"b": "docker-image://${BASE}", "c": "docker-image://redis"}\n    }\n  }\n}\n',
        '{\n  "variable": {"BASE": {"default": "' + M + 'node:20"}},\n  "target": {\n    "app": {\n'
        '      "contexts": {"b": "docker-image://${BASE}", "c": "docker-image://' + M + 'redis"}\n    }\n  }\n}\n',
        {},
        id="json-form",
    ),
    pytest.param(
        'variable "BASE" {\n  default = "node:20"\n}\n'
        + target('  contexts = { b = "docker-image://${BASE}" }\n  args = { BASE = BASE }\n'),
        'variable "BASE" {\n  default = "'
        + M
        + 'node:20"\n}\n'
        + target('  contexts = { b = "docker-image://${BASE}" }\n  args = { BASE = BASE }\n'),
        {"unsafe": True},
        id="shared-default-unsafe-fix",
    ),
]

FIX += [
    pytest.param(
        'variable "UP" { default = "python" }\nvariable "TAG" { default = "3.12" }\n'
        + target(
            "  dockerfile-inline = <<-EOT\n    FROM ${UP}:${TAG} AS base\n    COPY --from=nginx:1.27 /a /b\n"
            "    RUN echo ${TAG}\n  EOT\n"
        ),
        f'variable "UP" {{ default = "{M}python" }}\nvariable "TAG" {{ default = "3.12" }}\n'
        + target(
            f"  dockerfile-inline = <<-EOT\n    FROM ${{UP}}:${{TAG}} AS base\n    COPY --from={M}nginx:1.27 /a /b\n"
            "    RUN echo ${TAG}\n  EOT\n"
        ),
        {},
        id="inline-heredoc-through-variables",
    ),
    pytest.param(
        target('  dockerfile-inline = "FROM alpine:3.20\\nRUN echo \\"hi\\"\\n"\n'),
        target(f'  dockerfile-inline = "FROM {M}alpine:3.20\\nRUN echo \\"hi\\"\\n"\n'),
        {},
        id="inline-quoted-with-escapes",
    ),
    pytest.param(
        '{"target": {"a": {"dockerfile-inline": "FROM node:20 AS b\\nFROM b\\n"}}}\n',
        '{"target": {"a": {"dockerfile-inline": "FROM ' + M + 'node:20 AS b\\nFROM b\\n"}}}\n',
        {},
        id="inline-json",
    ),
    pytest.param(
        'variable "B" { default = "node:20" }\n' + target('  dockerfile-inline = "FROM ${B}\\nRUN echo ${B}\\n"\n'),
        f'variable "B" {{ default = "{M}node:20" }}\n'
        + target('  dockerfile-inline = "FROM ${B}\\nRUN echo ${B}\\n"\n'),
        {"unsafe": True},
        id="inline-variable-read-twice-unsafe",
    ),
]

test_noop, test_problem, test_fix = KindTable("bake").tests(NOOP, PROBLEM, FIX)


def test_a_default_something_else_reads_gets_an_unsafe_fix():
    text = 'variable "B" { default = "node:20" }\nvariable "T" { default = "${B}-x" }\n' + target(
        '  contexts = { b = "docker-image://${B}" }\n  tags = ["acme/app:${T}"]\n'
    )
    [finding] = findings(text, "bake")
    assert finding.fixable == "unsafe" and "B is also read" in finding.message
    only_images = 'variable "B" { default = "node:20" }\n' + target(
        '  contexts = { b = "docker-image://${B}", c = "docker-image://${B}" }\n'
    )
    [both] = findings(only_images, "bake")  # one literal, one finding
    assert both.fixable == "safe"


def test_hcl_parser_keeps_offsets_and_reads_what_bake_files_use():
    text = (
        'variable "X" { default = "a\\"b" }\n'
        "/* multi\nline */\n"
        'target "t" {\n'
        "  m = {for k, v in {a = 1} : k => v... if v > 0}\n"
        '  l = [for p in ["a"] : "linux/${p}"]\n'
        '  c = X == "y" ? upper(X) : lower(X)\n'
        '  i = target.x.args["A"][*].b\n'
        "  h = <<EOT\n  x $${y} %{ if true }z%{ endif }\nEOT\n"
        "  n = -1.5e3\n"
        '  s = "${~ X ~}"\n'
        "}\n"
    )
    parsed = hcl.parse(text)
    variable, block = parsed.body
    assert isinstance(variable, hcl.Block) and variable.labels == ["X"]
    default = variable.attribute("default")
    assert default is not None and isinstance(default.expr, hcl.Template)
    literal = default.expr.literal()
    assert literal is not None and literal.text == 'a"b'
    assert literal.origins == [text.index("a\\"), SYNTHETIC, text.index('b" }')]
    assert isinstance(block, hcl.Block)
    assert [item.name for item in block.body if isinstance(item, hcl.Attribute)] == ["m", "l", "c", "i", "h", "n", "s"]
    heredoc = block.attribute("h")
    assert heredoc is not None and isinstance(heredoc.expr, hcl.Template)
    parts = heredoc.expr.parts
    assert [part.text if isinstance(part, Value) else part for part in parts] == ["  x ${y} ", None, "z", None, "\n"]
    first = parts[0]
    assert isinstance(first, Value) and first.origins[4:6] == [SYNTHETIC, SYNTHETIC]  # `$${` has no one source char
    assert text[first.origins[0]] == " " and text[first.origins[3]] == " " and text[first.origins[6]] == "y"
    assert text[heredoc.expr.start : heredoc.expr.end].endswith("EOT")
    assert [text[c.start : c.end] for c in parsed.comments] == ["/* multi\nline */"]


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ('target "a" {\n  x = 1 y = 2\n}\n', 21),
        ('target "a" {\n  x = "a\nb"\n}\n', 19),
        ("x = <<EOT\nno end\n", 4),
        ("x = [1, 2\n", 4),
        ("x = {a = 1 b = 2}\n", 11),
        ("}\n", 0),
        ('x = "\\q"\n', 5),
    ],
)
def test_hcl_errors_point_at_the_problem(text, offset):
    with pytest.raises(hcl.HclError) as caught:
        hcl.parse(text)
    assert caught.value.offset == offset


def test_sniffed_by_a_target_block():
    assert kind_for_text('# bake\ntarget "app" {\n  context = "."\n}\n') == "bake"
    assert kind_for_text('{"target": {"app": {}}, "group": {}}\n') == "bake"
    assert kind_for_text('{"target": {"app": {}}, "name": "x"}\n') is None
    assert kind_for_text('resource "aws_instance" "x" {\n  target "y" {}\n}\n') is None  # Terraform
    assert kind_for_text('target "app" {\n') is None


def test_a_pragma_above_a_block_comment_covers_the_statement_after_it():
    """The lines of a `/* ... */` over several lines hold no statement: a pragma above it
    covers the first statement after it (`# dehub ignore=` then a note, then the contexts)."""
    from helpers import findings

    text = (
        'target "app" {\n  # dehub ignore=DH001 pinned until the mirror has it\n  /*\n  note\n  */\n'
        '  contexts = { base = "docker-image://node:20" }\n}\n'
    )
    assert findings(text, "bake") == []
    assert [f.code for f in findings(text.replace("# dehub ignore=DH001 pinned", "# pinned"), "bake")] == ["DH001"]


@pytest.mark.parametrize(
    "text",
    ["x = " + "-" * 5000 + "1\n", "b {\n" * 3000 + "}\n" * 3000],
    ids=["5000-prefix-operators", "3000-nested-blocks"],
)
def test_deep_hcl_is_one_parse_problem_or_read_never_a_crash(text):
    from helpers import findings

    found = findings(text, "bake")
    assert all(f.code == "DH900" and "internal error" not in f.message for f in found)
