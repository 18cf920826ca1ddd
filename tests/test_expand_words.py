"""Word expansion (BuildKit's shell lexer) and argument splitting, with source offsets."""

from __future__ import annotations

import pytest

from dehub.dockerfile.words import arg_words, builder_flags, csv_fields, fields, flag_value, key_value
from dehub.expand import ExpandError, expand
from dehub.value import UNKNOWN, Value


def lit(text: str, start: int = 0) -> Value:
    return Value.literal(text, start)


ENV = {
    "BASE": lit("node:20", 100),
    "EMPTY": lit("", 200),
    "TAG": None,  # declared without a default
}


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("node:20", "node:20"),
        ("$BASE", "node:20"),
        ("${BASE}", "node:20"),
        ("${BASE}-alpine", "node:20-alpine"),
        ("$MISSING", ""),  # never declared: empty, as in a build
        ("x$MISSING", "x"),
        ("${MISSING:-alpine:3}", "alpine:3"),
        ("${MISSING-alpine:3}", "alpine:3"),
        ("${EMPTY:-alpine:3}", "alpine:3"),  # ':-' treats empty as unset
        ("${EMPTY-alpine:3}", ""),  # '-' does not
        ("${BASE:+alpine:3}", "alpine:3"),
        ("${BASE+alpine:3}", "alpine:3"),
        ("${MISSING:+alpine:3}", ""),
        ("${BASE:?needed}", "node:20"),
        ("${MISSING:-${BASE}}", "node:20"),  # a default that is itself expanded
        ("${TAG:-python:3.12}", "python:3.12"),  # declared, unknown: the default is what a build uses
        ('"node:20"', "node:20"),
        ("'node:$BASE'", "node:$BASE"),  # single quotes: literal
        ('"$BASE"', "node:20"),  # double quotes: expanded
        ('"a\\"b"', 'a"b'),  # escaped quote inside double quotes
        ('"a\\xb"', "a\\xb"),  # other escapes inside double quotes stay
        ("node\\:20", "node:20"),  # escape outside quotes
        ("a\\", "a"),  # a trailing escape is dropped
        ("$", "$"),
        ("a$", "a$"),
        ("$-", ""),  # a special parameter: not declared, empty
        ("$1x", "x"),
    ],
)
def test_expand_text(word, text):
    assert expand(lit(word), ENV).text == text


def test_expand_keeps_origins_of_literals_and_variables():
    value = expand(lit("${BASE}-slim", 10), ENV)
    assert value.origins == list(range(100, 107)) + list(range(17, 22))
    assert value.variables == ("BASE",)


def test_quotes_are_removed_but_origins_point_inside_them():
    value = expand(lit('"node:20"', 50), {})
    assert value.text == "node:20"
    assert value.origins == list(range(51, 58))


def test_unknown_variable_keeps_its_written_text_as_unknown():
    value = expand(lit("python:${TAG}", 0), ENV)
    assert value.text == "python:${TAG}"
    assert value.origins[:7] == list(range(7))
    assert set(value.origins[7:]) == {UNKNOWN}
    assert value.unresolved == ("TAG",)
    assert value.first_unknown() == 7


def test_unknown_with_alternative_stays_unknown():
    value = expand(lit("${TAG:+x}"), ENV)
    assert value.unresolved == ("TAG",) and not value.is_known


def test_pattern_edits_are_unknown_rather_than_guessed():
    value = expand(lit("${BASE#node}:1"), ENV)
    assert value.text.startswith("${BASE#node}") and value.unresolved == ("BASE",)


def test_backtick_escape():
    assert expand(lit("node`:20"), {}, escape="`").text == "node:20"
    assert expand(lit("C:\\path"), {}, escape="`").text == "C:\\path"


@pytest.mark.parametrize(
    "word",
    ["'unterminated", '"unterminated', "${BASE", "${BASE:-x", "${}", "${BASE:x}", "${BASE#x", "${MISSING:?}"],
)
def test_expand_errors(word):
    with pytest.raises(ExpandError):
        expand(lit(word), ENV)


def test_builder_flags_plain_quoted_and_escaped():
    flags, rest = builder_flags(lit('--from="nginx:1.27" --chown=a\\ b --link src dst', 0))
    assert [flag.text for flag in flags] == ["--from=nginx:1.27", "--chown=a b", "--link"]
    assert flags[0].origins[7:] == list(range(8, 18))  # inside the quotes
    assert rest.text == "src dst"


def test_builder_flags_double_dash_ends_flags():
    flags, rest = builder_flags(lit("--link -- --from=x y"))
    assert [flag.text for flag in flags] == ["--link"]
    assert rest.text == "--from=x y"


def test_builder_flags_trailing_escape_and_unquoted_rest():
    flags, rest = builder_flags(lit("--a='x y'\\"))
    assert [flag.text for flag in flags] == ["--a=x y"]
    assert rest.text == ""


def test_flag_value():
    (flag,), _ = builder_flags(lit("--FROM=nginx x"))
    assert flag_value(flag, "from").text == "nginx"
    assert flag_value(flag, "mount") is None
    (flag,), _ = builder_flags(lit("--link x"))
    assert flag_value(flag, "link") is None


def test_fields_and_arg_words():
    assert [f.text for f in fields(lit("  a  b\tc "))] == ["a", "b", "c"]
    words = arg_words(lit('A="x y" B=\'p q\' C=a\\ b D'), "\\")
    assert [w.text for w in words] == ['A="x y"', "B='p q'", "C=a\\ b", "D"]


def test_csv_fields_plain_and_quoted():
    assert [f.text for f in csv_fields(lit("type=cache,from=x,target=/t"))] == ["type=cache", "from=x", "target=/t"]
    quoted = csv_fields(lit('"from=a,b",target=/t,"x=""q"""', 0))
    assert [f.text for f in quoted] == ["from=a,b", "target=/t", 'x="q"']
    assert quoted[0].origins[0] == 1  # past the opening quote


def test_key_value():
    key, value = key_value(lit("From=alpine:3"))
    assert key == "from" and value.text == "alpine:3"
    assert key_value(lit("readonly")) == ("readonly", None)


def test_driver_opt_image_reads_fields_as_buildx_does():
    from dehub.fields import driver_opt_image

    assert driver_opt_image(lit("network=host,image=moby/buildkit:v0.16.0")).text == "moby/buildkit:v0.16.0"
    assert driver_opt_image(lit('"image=a:1",image=b:2')).text == "b:2"  # the last one wins
    assert driver_opt_image(lit('"env.A=x,y",image=c:3')).text == "c:3"  # a quoted comma is not a separator
    assert driver_opt_image(lit("image=,network=host")) is None
    found = driver_opt_image(lit("network=host,image=moby/buildkit"))
    assert found.origins == list(range(19, 32))


def test_value_source_span_skips_characters_without_a_place():
    from dehub.value import SYNTHETIC, UNKNOWN

    assert Value("abcd", [SYNTHETIC, 5, UNKNOWN, 7]).source_span() == (5, 8)
    assert Value("ab", [UNKNOWN, SYNTHETIC]).source_span() is None
    assert lit("node", 10).source_span() == (10, 14)
