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
