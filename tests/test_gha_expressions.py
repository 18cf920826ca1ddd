"""GitHub expressions: which `${{ }}` dehub evaluates, to what, and where each character came from."""

from __future__ import annotations

import pytest

from dehub.gha import expressions as ex
from dehub.value import SYNTHETIC, UNKNOWN, Value


def literal(text: str, start: int = 100) -> Value:
    return Value.literal(text, start)


SCOPE = ex.Scope(
    matrix={"image": literal("node:20", 10), "os": {"image": literal("alpine:3.20", 30)}, "empty": literal("", 50)},
    env={"img": literal("redis:7", 60), "blank": None},
    inputs={"base": literal("python:3.12", 80), "nodefault": None},
)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("a ${{ x }} b", [(2, 10)]),
        ("${{ 'a}}b' }}", [(0, 13)]),  # `}}` inside a string literal does not close
        ("${{ x }}${{ y }}", [(0, 8), (8, 16)]),
        ("${{ unterminated", []),
        ("no expressions", []),
        ("${{ 'it''s' }}", [(0, 14)]),
    ],
)
def test_find(text, spans):
    assert ex.find(text) == spans


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("matrix.image", "node:20"),
        ("MATRIX.Image", "node:20"),  # property access is case-insensitive
        ("matrix['image']", "node:20"),
        ("matrix.os.image", "alpine:3.20"),
        ("matrix.missing", ""),  # a key the combination lacks reads as ''
        ("matrix.missing || 'node:18'", "node:18"),
        ("matrix.empty || 'node:18'", "node:18"),
        ("matrix.os", None),  # an object used whole: not a string dehub can place
        ("env.IMG", "redis:7"),
        ("env.blank || 'x:1'", "x:1"),
        ("inputs.base", "python:3.12"),
        ("github.event.inputs.base", "python:3.12"),
        ("inputs.nodefault || 'node:22'", "node:22"),
        ("inputs.nodefault", None),
        ("'node:20'", "node:20"),
        ("'it''s'", "it's"),
        ("secrets.IMAGE", None),
        ("needs.build.outputs.image", None),
        ("secrets.IMAGE || 'node:20'", None),  # the left side may be set: unknown
        ("format('{0}:{1}', matrix.image, 'x')", "node:20:x"),
        ("format('{{0}} {0}', 'a')", "{0} a"),
        ("format('{1}', 'a')", None),
        ("format('{0}', secrets.X)", None),
        ("fromJSON(needs.a.outputs.m)", None),
        ("matrix.image == 'x'", None),
    ],
)
def test_evaluate(expression, expected):
    result = ex.evaluate(literal(expression, 0), SCOPE)
    assert (None if result is None else result.text) == expected


def test_substitute_keeps_origins_of_the_literal_and_marks_unknowns():
    value = ex.substitute(literal("${{ matrix.image }}-${{ secrets.X }}", 0), SCOPE)
    assert value.text == "node:20-${{ secrets.X }}"
    assert value.origins[:7] == list(range(10, 17))
    assert value.origins[7] == 19  # the '-' written between the expressions
    assert set(value.origins[8:]) == {UNKNOWN}
    assert value.unresolved == ("secrets.X",)


def test_format_template_characters_keep_their_place():
    value = ex.substitute(literal("${{ format('ghcr.io/{0}', matrix.image) }}", 0), SCOPE)
    assert value.text == "ghcr.io/node:20"
    assert value.origins[:8] == list(range(12, 20))  # inside the quoted template
    assert value.origins[8:] == list(range(10, 17))


def test_tracked_spans_point_where_the_expression_is_written():
    script = literal("docker run ${{ matrix.image }}", 200)
    tracked = ex.substitute_tracked(script, SCOPE)
    indexed = tracked.indexed
    assert indexed.text == "docker run node:20"
    word = Value(indexed.text[11:], indexed.origins[11:])
    assert tracked.word_span(word, indexed.origins[0]) == (211, 230)
    assert tracked.restore(word).origins == list(range(10, 17))


def test_tracked_wholly_unknown_word_is_found_after_the_command():
    script = literal("docker run ${{ secrets.IMG }}", 0)
    tracked = ex.substitute_tracked(script, SCOPE)
    indexed = tracked.indexed
    word = Value(indexed.text[11:], indexed.origins[11:])
    assert set(word.origins) == {UNKNOWN}
    assert tracked.word_span(word, indexed.origins[0]) == (11, 29)


def test_tracked_skips_characters_without_a_place():
    value = Value("docker run xnode:20", list(range(19)))
    value.origins[11] = SYNTHETIC  # an escape's result
    tracked = ex.substitute_tracked(value, SCOPE)
    indexed = tracked.indexed
    word = Value(indexed.text[11:], indexed.origins[11:])
    assert tracked.word_span(word, indexed.origins[0]) == (12, 19)


# --- outcomes: `&&` and `||` pick between branches; unknown conditions lead both ways -----


def texts(expression: str, scope: ex.Scope = SCOPE) -> list:
    """Each outcome's text, or `?name` for an unknown one."""
    return [
        "?" + o.name if o.value is None else o.value.text for o in ex.outcomes(literal(expression, 0), scope)
    ]


TYPED = ex.Scope(
    matrix={
        "alpine": ex.Falsy("false", [1, 2, 3, 4, 5]), "on": literal("true"), "zero": ex.Falsy("0", [9]),
        "quoted": literal("false"),
    },
    env={},
    inputs={"flag": ex.Falsy("false", [7, 8, 9, 10, 11])},
)  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("github.event_name == 'push' && 'node:20' || 'node:18'", ["node:20", "node:18"]),
        ("secrets.IMAGE || 'node:20'", ["?secrets.IMAGE", "node:20"]),
        ("inputs.base || env.IMG", ["python:3.12"]),  # the default is the value
        ("inputs.nodefault || env.IMG", ["redis:7"]),
        ("matrix.image || 'node:18'", ["node:20"]),  # known non-empty: only the taken branch
        ("'' || 'node:20'", ["node:20"]),
        ("'node:22' && 'node:20'", ["node:20"]),
        ("matrix.empty && 'node:20'", [""]),  # falsy: the `&&` is its left side
        ("cond && 'node:20'", ["node:20", "?cond"]),  # the falsy way has an unknown text
        ("(matrix.empty || 'a:1') && ('b:2' || 'c:3')", ["b:2"]),
        ("((github.ref == 'x') && ('a:1')) || ('b:2')", ["a:1", "b:2"]),
        ("secrets.X || 'a||b'", ["?secrets.X", "a||b"]),  # `||` inside a string is text
        ("secrets.X || 'it''s && x'", ["?secrets.X", "it's && x"]),
        ("format('{0}:{1}', 'redis', github.ref == 'x' && '7' || '6')", ["redis:7", "redis:6"]),
        ("format('{0}', matrix.image || 'x') || 'y'", ["node:20"]),
        ("a == 'x' && 'a:1' || b == 'y' && 'b:2' || 'c:3'", ["a:1", "b:2", "c:3"]),
        ("contains(github.ref, 'tags') && 'busybox:1' || 'busybox:2'", ["busybox:1", "busybox:2"]),
        ("fromJSON(needs.a.outputs.m).image || 'z:1'", ["?fromJSON(needs.a.outputs.m).image", "z:1"]),
        ("matrix.os || 'x:1'", ["?matrix.os"]),  # an object is truthy, its text unknown
        ("!matrix.empty && 'a:1' || 'b:2'", ["a:1"]),
        ("secrets.A || secrets.A || 'n:1'", ["?secrets.A", "n:1"]),  # each outcome once
        ("'a' ||", ["?'a' ||"]),  # not an expression: unknown
        ("matrix['image'] || 'q:1'", ["node:20"]),
    ],
)
def test_outcomes(expression, expected):
    assert texts(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("matrix.alpine && 'alpine:3' || 'debian:12'", ["debian:12"]),  # a YAML false is falsy
        ("matrix.on && 'alpine:3' || 'debian:12'", ["alpine:3"]),
        ("matrix.quoted && 'alpine:3' || 'debian:12'", ["alpine:3"]),  # the string 'false' is truthy
        ("matrix.zero || 'x:1'", ["x:1"]),
        ("inputs.flag && 'a:1' || 'b:2'", ["b:2"]),
        ("github.event.inputs.flag && 'a:1' || 'b:2'", ["a:1"]),  # the event's inputs are strings
        ("null || 'n:1'", ["n:1"]),
        ("true && 'n:1'", ["n:1"]),
        ("0 || 'n:1'", ["n:1"]),
    ],
)
def test_outcomes_of_typed_values(expression, expected):
    assert texts(expression, TYPED) == expected


def test_typed_reads_the_yaml_1_2_core_schema():
    import yaml

    values = yaml.compose("[false, 'false', 0, 0.0, null, ~, no, off, 'x', 1]").value
    marked = [isinstance(ex.typed(node, literal(node.value)), ex.Falsy) for node in values]
    assert marked == [True, False, True, True, True, True, False, False, False, False]


def test_each_branch_keeps_the_origins_of_its_literal():
    expression = literal("c && 'node:20' || 'node:18'", 0)
    first, second = ex.outcomes(expression, SCOPE)
    assert first.value.origins == list(range(6, 13))
    assert second.value.origins == list(range(19, 26))


def test_variants_are_the_product_of_the_outcomes():
    value = literal("${{ a && 'x' || 'y' }}:${{ b && '1' || '2' }}", 0)
    assert [t.value.text for t in ex.variants(value, SCOPE)] == ["x:1", "x:2", "y:1", "y:2"]


def test_variants_past_the_limit_are_unknown():
    value = literal("${{ a && 'x' || 'y' }}:${{ b && '1' || '2' }}", 0)
    found = ex.variants(value, SCOPE, limit=2)
    assert [t.value.text for t in found] == ["x:${{ b && '1' || '2' }}", "y:${{ b && '1' || '2' }}"]
    assert found[1].value.unresolved == ("b && '1' || '2'",)


def test_substitute_leaves_an_undecided_expression_unknown():
    value = ex.substitute(literal("${{ a && 'x:1' || 'y:1' }}", 0), SCOPE)
    assert value.text == "${{ a && 'x:1' || 'y:1' }}"
    assert set(value.origins) == {UNKNOWN}


def test_substitute_choice_keeps_each_alternative():
    from dehub.value import Choice

    value = ex.substitute_choice(literal("${{ a && 'x:1' || 'y:1' }}", 0), SCOPE)
    assert isinstance(value, Choice)
    assert [alternative.text for alternative in value.alternatives] == ["x:1", "y:1"]
    assert set(value.origins) == {UNKNOWN}  # readers that know no choices see it unknown
    assert texts("env.c || 'z:1'", ex.Scope(env={"c": value})) == ["x:1", "y:1"]


def test_unknown_branch_names_what_is_unknown():
    (variant, _) = ex.variants(literal("${{ vars.IMG || 'node:20' }}", 0), SCOPE)
    assert variant.value.text == "${{ vars.IMG || 'node:20' }}"
    assert variant.value.unresolved == ("vars.IMG",)
