"""The YAML layer: parsing never raises, and scalar characters know their offsets in every style.

Each test runs with both loaders (pure PyYAML and libyaml): their marks, styles and values must
give the same origins. An origin is right when `text[origin]` is the value's character; the
tables also pin which characters are SYNTHETIC (folded breaks, escapes, CRLF newlines), so a
mapping that silently fell back to all-SYNTHETIC would fail them.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dehub import yamlsource as ys
from dehub.value import SYNTHETIC

LOADERS = [pytest.param(yaml.SafeLoader, id="pyyaml")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))

with_loaders = pytest.mark.parametrize("loader", LOADERS)


def compose(text: str, loader: type) -> yaml.Node:
    documents, problem = ys.compose_documents(text, loader=loader)
    assert problem is None, problem.message
    assert len(documents) == 1
    return documents[0]


def scalars(root: yaml.Node) -> list[yaml.Node]:
    """Every scalar node once (aliases are the same objects), without recursion."""
    found, seen, pending = [], set(), [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if ys.is_scalar(node):
            found.append(node)
        elif ys.is_mapping(node):
            pending.extend(part for pair in node.value for part in pair)
        else:
            pending.extend(node.value)
    return found


def assert_origins_valid(node: yaml.Node, text: str) -> None:
    """The value is the parser's, and every located character is that character of the text."""
    value = ys.scalar_value(node, text)
    assert value.text == node.value
    assert len(value.origins) == len(value.text)
    located = [origin for origin in value.origins if origin != SYNTHETIC]
    assert located == sorted(set(located)), "origins go forward through the text"
    for char, origin in zip(value.text, value.origins, strict=True):
        assert origin == SYNTHETIC or text[origin] == char, (char, origin)


def assert_modelled(node: yaml.Node, text: str) -> None:
    """The reader understood the scalar: no fall back to all-SYNTHETIC origins."""
    assert ys._read_scalar(node, text).text == node.value


def at(root: yaml.Node, path: tuple) -> yaml.Node:
    for step in path:
        root = root.value[step] if isinstance(step, int) else ys.mapping_get(root, step)
    return root


# (id, text, path to the node, value, the characters that must be SYNTHETIC, in order)
CASES = [
    # plain
    ("plain", "k: nginx:1.27\n", ("k",), "nginx:1.27", ""),
    ("plain-inner-spaces", "k: a  b\n", ("k",), "a  b", ""),
    ("plain-trailing-spaces", "k: a b   \n", ("k",), "a b", ""),
    ("plain-comment", "k: a b # c\n", ("k",), "a b", ""),
    ("plain-no-newline", "k: a", ("k",), "a", ""),
    ("plain-folded", "k: a\n  b\n", ("k",), "a b", " "),
    ("plain-folded-spaces", "k: a   \n     b  c\n", ("k",), "a b  c", " "),
    ("plain-empty-line", "k: a\n\n  b\n", ("k",), "a\nb", ""),
    ("plain-two-empty-lines", "k: a\n  \n\n  b\n", ("k",), "a\n\nb", ""),
    ("plain-crlf", "k: a\r\n  b\r\n", ("k",), "a b", " "),
    ("plain-crlf-empty-line", "k: a\r\n\r\n  b\r\n", ("k",), "a\nb", "\n"),
    ("plain-unicode", "k: é😀x\n", ("k",), "é😀x", ""),
    ("plain-astral-key", "😀: é\n", ("😀",), "é", ""),
    ("plain-in-flow", "k: [a b, 'c', \"d\"]\n", ("k", 0), "a b", ""),
    ("plain-flow-folded", "k: [a\n  b]\n", ("k", 0), "a b", " "),
    ("plain-anchor-tag", "k: &a !!str nginx\n", ("k",), "nginx", ""),
    ("plain-tag-own-line", "k: !t\n  # c\n  &b x\n", ("k",), "x", ""),
    ("plain-sequence", "- a\n- b c\n", (1,), "b c", ""),
    ("plain-line-separator", "k: a\u2028  b\n", ("k",), "a\u2028b", ""),
    ("plain-nel", "k: a\x85  b\n", ("k",), "a b", " "),
    # single-quoted
    ("single", "k: 'a b'\n", ("k",), "a b", ""),
    ("single-escaped-quote", "k: 'it''s'\n", ("k",), "it's", "'"),
    ("single-spaces", "k: '  lead  '\n", ("k",), "  lead  ", ""),
    ("single-tab", "k: 'a\tb'\n", ("k",), "a\tb", ""),
    ("single-folded", "k: 'a  \n   b'\n", ("k",), "a b", " "),
    ("single-empty-lines", "k: 'a\n\n\n  b'\n", ("k",), "a\n\nb", ""),
    ("single-crlf", "k: 'a\r\n  b'\r\n", ("k",), "a b", " "),
    ("single-crlf-empty-line", "k: 'a\r\n\r\n  b'\r\n", ("k",), "a\nb", "\n"),
    ("single-unicode", "k: 'é 😀'\n", ("k",), "é 😀", ""),
    ("single-hash", "k: 'a #b'\n", ("k",), "a #b", ""),
    ("single-tag", "k: !!str 'x'\n", ("k",), "x", ""),
    # double-quoted
    ("double", 'k: "a b"\n', ("k",), "a b", ""),
    ("double-escapes", 'k: "\\n\\t\\"\\\\\\/\\0\\e\\ \\_"\n', ("k",), '\n\t"\\/\0\x1b \xa0', '\n\t"\\/\0\x1b \xa0'),
    ("double-hex", 'k: "x\\x41\\u00e9\\U0001F600y"\n', ("k",), "xAé😀y", "Aé😀"),
    ("double-literal-tab", 'k: "a\tb"\n', ("k",), "a\tb", ""),
    ("double-escaped-tab", 'k: "a\\\tb"\n', ("k",), "a\tb", "\t"),
    ("double-escaped-break", 'k: "a\\\n   b"\n', ("k",), "ab", ""),
    ("double-spaces-before-escaped-break", 'k: "a  \\\n   b"\n', ("k",), "a  b", ""),
    ("double-escaped-break-empty-line", 'k: "a\\\n\n  b"\n', ("k",), "a\nb", ""),
    ("double-escaped-crlf", 'k: "a\\\r\n  b"\r\n', ("k",), "ab", ""),
    ("double-folded", 'k: "a\n  b"\n', ("k",), "a b", " "),
    ("double-folded-empty-line", 'k: "a \n\n  b"\n', ("k",), "a\nb", ""),
    ("double-unicode", 'k: "é😀"\n', ("k",), "é😀", ""),
    ("double-line-escapes", 'k: "\\N\\L\\P"\n', ("k",), "\x85\u2028\u2029", "\x85\u2028\u2029"),
    # literal
    ("literal", "k: |\n  a\n  b\n", ("k",), "a\nb\n", ""),
    ("literal-strip", "k: |-\n  a\n  b\n", ("k",), "a\nb", ""),
    ("literal-keep", "k: |+\n  a\n\n\nn: 1\n", ("k",), "a\n\n\n", ""),
    ("literal-clip-trailing-lines", "k: |\n  a\n\n\nn: 1\n", ("k",), "a\n", ""),
    ("literal-indent-indicator", "k: |2\n    a\n  b\n", ("k",), "  a\nb\n", ""),
    ("literal-indent-strip", "k: |2-\n    a\n  b\n", ("k",), "  a\nb", ""),
    ("literal-strip-indent", "k: |-2\n    a\n  b\n", ("k",), "  a\nb", ""),
    ("literal-nested-indicator", "x:\n  k: |1\n     a\n    b\n", ("x", "k"), "  a\n b\n", ""),
    ("literal-sequence-indicator", "- |1\n  a\n b\n", (0,), " a\nb\n", ""),
    ("literal-comment", "k: | # the script\n  a\n", ("k",), "a\n", ""),
    ("literal-trailing-spaces", "k: |\n  a  \n  b\n", ("k",), "a  \nb\n", ""),
    ("literal-tabs", "k: |\n  a\tb\n  \tc\n", ("k",), "a\tb\n\tc\n", ""),
    ("literal-more-indented", "k: |\n  a\n    b\n  c\n", ("k",), "a\n  b\nc\n", ""),
    ("literal-leading-empty-lines", "k: |\n\n \n  a\n", ("k",), "\n\na\n", ""),
    ("literal-spaces-line", "k: |\n  a\n     \n  b\n", ("k",), "a\n   \nb\n", ""),
    ("literal-no-final-newline", "k: |\n  a", ("k",), "a", ""),
    ("literal-final-spaces", "k: |-\n  a\n  ", ("k",), "a", ""),
    ("literal-crlf", "k: |\r\n  a\r\n  b\r\n", ("k",), "a\nb\n", "\n\n"),
    ("literal-crlf-keep", "k: |+\r\n  a\r\n\r\n", ("k",), "a\n\n", "\n\n"),
    ("literal-unicode", "k: |\n  é😀\n  x\n", ("k",), "é😀\nx\n", ""),
    ("literal-anchor-tag", "k: &s !!str |\n  x\n", ("k",), "x\n", ""),
    ("literal-key", "? |-\n  key\n: v\n", None, "key", ""),
    ("literal-document", "--- |\n  a\n", (), "a\n", ""),
    ("literal-line-separator", "k: |\n  a\u2028  b\n", ("k",), "a\u2028b\n", ""),
    # folded
    ("folded", "k: >\n  a\n  b\n", ("k",), "a b\n", " "),
    ("folded-strip", "k: >-\n  a\n  b\n", ("k",), "a b", " "),
    ("folded-keep", "k: >+\n  a\n  b\n\n", ("k",), "a b\n\n", " "),
    ("folded-empty-line", "k: >\n  a\n\n  b\n", ("k",), "a\nb\n", ""),
    ("folded-more-indented", "k: >\n  a\n   b\n  c\n", ("k",), "a\n b\nc\n", ""),
    ("folded-tab-line", "k: >\n  a\n  \tb\n  c\n", ("k",), "a\n\tb\nc\n", ""),
    ("folded-indent-indicator", "k: >2\n   a\n  b\n  c\n", ("k",), " a\nb c\n", " "),
    ("folded-comment", "k: >- # c\n  a\n  b\n", ("k",), "a b", " "),
    ("folded-crlf", "k: >\r\n  a\r\n  b\r\n", ("k",), "a b\n", " \n"),
    ("folded-crlf-empty-line", "k: >\r\n  a\r\n\r\n  b\r\n", ("k",), "a\nb\n", "\n\n"),
]


@with_loaders
@pytest.mark.parametrize(
    ("text", "path", "expected", "synthetic"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_scalar_origins(loader: type, text: str, path: tuple | None, expected: str, synthetic: str) -> None:
    root = compose(text, loader)
    node = root.value[0][0] if path is None else at(root, path)
    assert node.value == expected
    value = ys.scalar_value(node, text)
    assert value.text == expected
    assert (
        "".join(char for char, origin in zip(value.text, value.origins, strict=True) if origin == SYNTHETIC)
        == synthetic
    )
    for other in scalars(root):
        assert_origins_valid(other, text)
        assert_modelled(other, text)


@with_loaders
def test_crlf_newline_is_synthetic_and_lf_is_exact(loader: type) -> None:
    """A "\\n" read from CRLF has no single source character; one read from LF has."""
    lf, crlf = "k: |\n  a\n  b\n", "k: |\r\n  a\r\n  b\r\n"
    assert ys.scalar_value(at(compose(lf, loader), ("k",)), lf).origins == [7, 8, 11, 12]
    assert ys.scalar_value(at(compose(crlf, loader), ("k",)), crlf).origins == [8, SYNTHETIC, 13, SYNTHETIC]


@with_loaders
def test_contiguous_runs_are_the_written_text(loader: type) -> None:
    text = "k: |\n  FROM nginx:1.27\n  RUN x\n"
    value = ys.scalar_value(at(compose(text, loader), ("k",)), text)
    start = value.text.index("nginx")
    source = value.source_run(start, start + len("nginx:1.27"))
    assert source is not None and text[source[0] : source[1]] == "nginx:1.27"
    escaped = 'k: "ngin\\x78:1"\n'
    value = ys.scalar_value(at(compose(escaped, loader), ("k",)), escaped)
    assert value.text == "nginx:1" and value.source_run(0, 7) is None  # never edit half an escape


def test_mismatch_falls_back_to_synthetic() -> None:
    """A value the reader cannot reproduce gets no origins rather than wrong ones."""
    text = "k: 'abc'\n"
    node = at(compose(text, yaml.SafeLoader), ("k",))
    moved = "k: 'xyz'\n"
    assert ys.scalar_value(node, moved).origins == [SYNTHETIC] * 3
    forged = yaml.ScalarNode("tag:yaml.org,2002:str", "other", node.start_mark, node.end_mark, style="'")
    value = ys.scalar_value(forged, text)
    assert value.text == "other" and value.origins == [SYNTHETIC] * 5


@with_loaders
def test_empty_scalars(loader: type) -> None:
    text = "a:\nb: ''\nc: \"\"\nd: |\ne: >-\n\nf: !!str\n"
    root = compose(text, loader)
    for key in "abcdef":
        value = ys.scalar_value(ys.mapping_get(root, key), text)
        assert value.text == "" and value.origins == []


def test_non_scalars_are_refused() -> None:
    root = compose("k: [a]\n", yaml.SafeLoader)
    with pytest.raises(TypeError):
        ys.scalar_value(root, "k: [a]\n")
    with pytest.raises(TypeError):
        ys.style(ys.mapping_get(root, "k"))


# --- property tests --------------------------------------------------------------------------

STYLES = [None, "'", '"', "|", ">"]


@with_loaders
@given(
    value=st.text(),
    style=st.sampled_from(STYLES),
    nested=st.booleans(),
    width=st.sampled_from([None, 5, 20, 80]),
    allow_unicode=st.booleans(),
    line_break=st.sampled_from([None, "\r\n", "\n", "\r"]),
)
def test_dumped_scalars_read_back(
    loader: type,
    value: str,
    style: str | None,
    nested: bool,
    width: int | None,
    allow_unicode: bool,
    line_break: str | None,
) -> None:
    """Whatever PyYAML writes, in any style, the reader models exactly."""
    data = {"k": [{"k": value, "n": 1}]} if nested else {"k": value}
    text = yaml.dump(
        data,
        Dumper=yaml.SafeDumper,
        default_style=style,
        width=width,
        allow_unicode=allow_unicode,
        line_break=line_break,
    )
    root = compose(text, loader)  # not always `value` again: PyYAML writes a bare "\x85" as is
    for each in scalars(root):
        assert_origins_valid(each, text)
        assert_modelled(each, text)


YAMLISH = st.text(alphabet=" \t\n\r-:,[]{}'\"|>#&*!?%@`\\+12abé😀\x85\u2028", max_size=60)


@with_loaders
@given(text=st.one_of(st.text(), YAMLISH))
def test_any_text_composes_without_raising(loader: type, text: str) -> None:
    documents, problem = ys.compose_documents(text, loader=loader)
    if problem is not None:
        assert 0 <= problem.start <= problem.end <= len(text)
        assert problem.message.startswith("invalid YAML: ")
    for document in documents:
        for node in scalars(document):
            assert_origins_valid(node, text)


# --- problems --------------------------------------------------------------------------------


@with_loaders
@pytest.mark.parametrize(
    ("text", "start", "words"),
    [
        ("a: b: c\n", 4, "mapping values are not allowed"),
        ("a:\n\tb: 1\n", 3, ""),
        ("k: [a\n", 6, "while parsing a flow sequence"),
        ('k: "\\q"\n', 4, "escape"),
        ("k: *nowhere\n", 3, "alias"),
    ],
)
def test_invalid_yaml_is_a_problem_at_its_mark(loader: type, text: str, start: int, words: str) -> None:
    _documents, problem = ys.compose_documents(text, loader=loader)
    assert problem is not None
    assert problem.message.startswith("invalid YAML: ") and words in problem.message
    assert abs(problem.start - start) <= 1  # the loaders put some marks a character apart
    assert problem.end == min(problem.start + 1, len(text))


@with_loaders
def test_documents_before_the_problem_are_kept(loader: type) -> None:
    documents, problem = ys.compose_documents("a: 1\n---\nb: [\n", loader=loader)
    assert [ys.mapping_items(document)[0][0] for document in documents] == ["a"]
    assert problem is not None and problem.start > 8


@with_loaders
def test_unknown_tags_compose(loader: type) -> None:
    text = "on: push\nk: !Ref x\nscript: !reference [.setup, script]\nd: !!python/object:os.system x\n"
    root = compose(text, loader)
    assert [key for key, _, _ in ys.mapping_items(root)] == ["on", "k", "script", "d"]
    assert ys.mapping_get(root, "k").tag == "!Ref"
    reference = ys.mapping_get(root, "script")
    assert ys.is_sequence(reference) and reference.tag == "!reference"
    assert [ys.scalar_text(item) for item in reference.value] == [".setup", "script"]


@with_loaders
@pytest.mark.parametrize("text", ["[" * 100000, "- " * 100000, "{a: " * 100000])
def test_absurd_nesting_is_a_problem(loader: type, text: str) -> None:
    documents, problem = ys.compose_documents(text, loader=loader)
    assert documents == [] and problem is not None and "invalid YAML" in problem.message


@with_loaders
@pytest.mark.parametrize(("text", "start"), [("k: a\x07b\n", 4), ("k: é😀\x07\n", 5), ("k: x\n\x1b", 5)])
def test_control_characters_are_a_problem_where_they_are(loader: type, text: str, start: int) -> None:
    _documents, problem = ys.compose_documents(text, loader=loader)
    assert problem is not None and (problem.start, problem.end) == (start, start + 1)
    assert f"U+{ord(text[start]):04X}" in problem.message


@with_loaders
def test_lone_surrogate_is_a_problem(loader: type) -> None:
    _documents, problem = ys.compose_documents("k: \ud800\n", loader=loader)
    assert problem is not None and problem.start == 3


def test_leading_bom_keeps_offsets() -> None:
    """libyaml does not count a leading BOM; the default loader then is PyYAML, which does."""
    text = "\ufeffk: nginx\n"
    documents, _problem = ys.compose_documents(text)
    node = ys.mapping_get(documents[0], "k")
    assert ys.span(node) == (4, 9)
    assert ys.scalar_value(node, text).source_run(0, 5) == (4, 9)


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9) -> str:
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: v{i}" for i in range(9)) + "}"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*m{level - 1}"] * 9)
        lines.append(f"m{level}: &m{level} {{<<: [{aliases}], own{level}: x}}")
    return "\n".join(lines) + "\n"


@with_loaders
def test_alias_bombs_stay_cheap(loader: type) -> None:
    started = time.perf_counter()
    laughs = compose(billion_laughs(), loader)
    assert [key for key, _, _ in ys.mapping_items(laughs)] == [f"a{i}" for i in range(10)]
    assert len(scalars(laughs)) == 10 + 9  # ten keys and the nine "lol"s, however often they are aliased
    merges = compose(merge_bomb(), loader)
    top = ys.mapping_get(merges, "m9")
    keys = [key for key, _, _ in ys.mapping_items(top)]
    assert sorted(keys) == sorted([f"k{i}" for i in range(9)] + [f"own{i}" for i in range(1, 10)])
    assert ys.scalar_text(ys.mapping_get(top, "k3")) == "v3"
    assert time.perf_counter() - started < 2


# --- walking ---------------------------------------------------------------------------------

MERGE_CASES = [
    ("a: &a {x: one, y: two}\nm: {<<: *a, y: three}\n", [("x", "one"), ("y", "three")]),
    ("a: &a {x: one}\nb: &b {x: two, z: three}\nm: {<<: [*a, *b]}\n", [("x", "one"), ("z", "three")]),
    ("a: &a {xx: one}\nb: &b {xx: two, z: three}\nm: {<<: [*b, *a]}\n", [("xx", "two"), ("z", "three")]),
    (
        "a: &a {x: one}\nb: &b {<<: *a, y: two}\nm:\n  <<: *b\n  z: three\n",
        [("x", "one"), ("y", "two"), ("z", "three")],
    ),
    (
        "a: &a {x: one, y: one}\nb: &b {y: two}\nm:\n  z: zero\n  <<: [*b, *a]\n  x: own\n",
        [("y", "two"), ("x", "own"), ("z", "zero")],
    ),
    ("a: &a {key: one}\nb: &b {key: two}\nm:\n  <<: *a\n  <<: *b\n", [("key", "one")]),
    ("a: &a {key: one, key: dup}\nm: {<<: *a}\n", [("key", "dup")]),
    ("a: &a {x: one}\nm: {<<: [*a, {y: inline}], '<<': quoted}\n", [("x", "one"), ("y", "inline"), ("<<", "quoted")]),
    ("a: &a {x: one}\nm: {!!merge '<<': *a}\n", [("x", "one")]),
]


@with_loaders
@pytest.mark.parametrize(("text", "expected"), MERGE_CASES)
def test_merge_keys(loader: type, text: str, expected: list[tuple[str, str]]) -> None:
    """Explicit keys win, then the earlier merged mapping; merged keys come first."""
    node = ys.mapping_get(compose(text, loader), "m")
    assert [(key, ys.scalar_text(value)) for key, _, value in ys.mapping_items(node)] == expected
    for key, value in expected:
        assert ys.scalar_text(ys.mapping_get(node, key)) == value
    assert ys.mapping_get(node, "missing") is None


@with_loaders
def test_merge_edge_cases_are_skipped(loader: type) -> None:
    text = "a: &a {x: one}\nm: {<<: 1, y: two}\nn: {<<: [*a, 1, [2]], y: two}\nc: &c {<<: *c, x: self}\n"
    root = compose(text, loader)
    assert [key for key, _, _ in ys.mapping_items(ys.mapping_get(root, "m"))] == ["y"]
    assert [key for key, _, _ in ys.mapping_items(ys.mapping_get(root, "n"))] == ["x", "y"]
    assert [key for key, _, _ in ys.mapping_items(ys.mapping_get(root, "c"))] == ["x"]
    assert ys.mapping_get(ys.mapping_get(root, "c"), "missing") is None


@with_loaders
def test_merge_depth_is_limited(loader: type) -> None:
    lines = ["m0: &m0 {k0: v}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: v}}" for i in range(1, 30)]
    root = compose("\n".join(lines) + "\n", loader)
    items = ys.mapping_items(ys.mapping_get(root, "m29"))
    assert len(items) == ys.MERGE_DEPTH + 1
    assert items[-1][0] == "k29"


@with_loaders
def test_duplicate_keys_last_wins(loader: type) -> None:
    text = "k: one\nx: 1\nk: two\n"
    root = compose(text, loader)
    assert ys.scalar_text(ys.mapping_get(root, "k")) == "two"
    assert [(key, ys.scalar_text(value)) for key, _, value in ys.mapping_items(root)] == [("k", "two"), ("x", "1")]
    assert list(yaml.safe_load(text).items()) == [("k", "two"), ("x", 1)]


@with_loaders
def test_keys_are_texts_and_non_scalar_keys_are_skipped(loader: type) -> None:
    root = compose("on: push\n1: one\n? [a]\n: seq\n~: null\n", loader)
    assert [key for key, _, _ in ys.mapping_items(root)] == ["on", "1", "~"]
    assert ys.scalar_text(ys.mapping_get(root, "on")) == "push"


def test_lookups_on_other_nodes() -> None:
    root = compose("s: [a]\nt: text\n", yaml.SafeLoader)
    for node in (None, ys.mapping_get(root, "s"), ys.mapping_get(root, "t")):
        assert ys.mapping_get(node, "a") is None
        assert ys.mapping_items(node) == []
    assert ys.scalar_text(ys.mapping_get(root, "s")) is None
    assert ys.scalar_text(ys.mapping_get(root, "t")) == "text"


@with_loaders
def test_kinds_nulls_styles_spans(loader: type) -> None:
    text = "a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"\"\ng: !!null x\nh: plain\ni: |\n  x\n\nj: [1]\nk: {}\n"
    root = compose(text, loader)
    get = lambda key: ys.mapping_get(root, key)  # noqa: E731
    assert [key for key in "abcdefgh" if ys.is_null(get(key))] == ["a", "b", "c", "d", "g"]
    assert [ys.style(get(key)) for key in "aehfi"] == ["", "'", "", '"', "|"]
    assert ys.is_mapping(root) and ys.is_sequence(get("j")) and ys.is_mapping(get("k")) and ys.is_scalar(get("h"))
    assert not ys.is_scalar(get("j")) and not ys.is_null(get("j")) and not ys.is_mapping(None)
    start, end = ys.span(get("h"))
    assert text[start:end] == "plain"
    start, end = ys.span(get("i"))
    assert text[start:end] == "|\n  x\n\n"  # a block scalar's span ends after the breaks it consumed
    assert ys.style(compose(">\n x\n", loader)) == ">"


@with_loaders
def test_collection_spans(loader: type) -> None:
    """A block collection's end is the next token's start, after that line's indentation."""
    text = "steps:\n  - a: 1\n    b: 2\n  - c: 3\nflow: [a, b]  # c\n"
    root = compose(text, loader)
    first, second = ys.mapping_get(root, "steps").value
    assert text[slice(*ys.span(first))] == "a: 1\n    b: 2\n  "
    assert text[slice(*ys.span(second))] == "c: 3\n"
    assert text[slice(*ys.span(ys.mapping_get(root, "flow")))] == "[a, b]"


def test_import_is_light() -> None:
    """Editors lint on save: importing the module must not import yaml (or re, typing, ...)."""
    code = (
        "import sys; before = set(sys.modules); import dehub.yamlsource; "
        "print(sorted({'yaml', 're', 'typing', 'dataclasses'} & (set(sys.modules) - before)))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )


def test_scalar_value_is_linear() -> None:
    def seconds(lines: int) -> float:
        text = "k: |\n" + "".join(f"  echo {i} nginx:1.27\n" for i in range(lines))
        node = ys.mapping_get(compose(text, ys.default_loader()), "k")
        started = time.perf_counter()
        value = ys.scalar_value(node, text)
        assert SYNTHETIC not in value.origins
        return time.perf_counter() - started

    assert seconds(20000) < 1.0
