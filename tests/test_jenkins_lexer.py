"""The Groovy tokenizer the Jenkinsfile kind reads (dehub/jenkins/lexer.py): string forms,
escapes, GString placeholders, slashy strings against division, comments, offsets."""

from __future__ import annotations

import pytest

from dehub.jenkins.lexer import IDENT, NEWLINE, NUMBER, OP, STRING, Literal, Placeholder, tokenize
from dehub.value import SYNTHETIC


def significant(text):
    tokens, comments, error = tokenize(text)
    assert error is None
    return [token for token in tokens if token.kind != NEWLINE], comments


def parts(token):
    return [(type(part).__name__, part.text) for part in token.parts]


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("'a$b'", "'", [("Literal", "a$b")]),
        ("'''a\n${b}'''", "'''", [("Literal", "a\n${b}")]),
        ('"a${b.c}d"', '"', [("Literal", "a"), ("Placeholder", "b.c"), ("Literal", "d")]),
        ('"$name.prop!"', '"', [("Placeholder", "name.prop"), ("Literal", "!")]),
        ('"""x ${ "in${y}" } z"""', '"""', [("Literal", "x "), ("Placeholder", '"in${y}"'), ("Literal", " z")]),
        ('"cost \\$5 $1"', '"', [("Literal", "cost $5 $1")]),
        ("/a\\/b${c}/", "/", [("Literal", "a/b"), ("Placeholder", "c")]),
        ("$/a$$b$/c\\d/$", "$/", [("Literal", "a$b/c\\d")]),
    ],
)
def test_string_forms(text, quote, expected):
    [token], _ = significant(text)
    assert token.kind == STRING and token.quote == quote and token.text == text
    assert parts(token) == expected


def test_literal_characters_keep_their_offsets_and_escapes_are_synthetic():
    tokens, _ = significant("x = 'a\\tb'")
    token = tokens[2]
    [literal] = token.parts
    assert isinstance(literal, Literal)
    assert literal.text == "a\tb"
    assert literal.origins == [5, SYNTHETIC, 8]
    assert (literal.starts[1], literal.ends[1]) == (6, 8)  # where the escape is written


def test_placeholder_span_and_tokens():
    [token], _ = significant('"a${env.TAG}"')
    placeholder = token.parts[1]
    assert isinstance(placeholder, Placeholder)
    assert (placeholder.start, placeholder.end) == (2, 12)
    assert [t.text for t in placeholder.tokens] == ["env", ".", "TAG"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("a / b / c", [IDENT, OP, IDENT, OP, IDENT]),
        ("x = /re/", [IDENT, OP, STRING]),
        ("f(1) / 2", [IDENT, OP, NUMBER, OP, OP, NUMBER]),
        ("return /x/", [IDENT, STRING]),
        ("1.5.max", [NUMBER, OP, IDENT]),
    ],
)
def test_slashy_string_or_division(text, kinds):
    tokens, _ = significant(text)
    assert [token.kind for token in tokens] == kinds


def test_comments_are_kept_aside():
    tokens, comments = significant("#!groovy\na // one\n/* two\n */ b\n")
    assert [token.text for token in tokens] == ["a", "b"]
    assert [(c.start, c.line_comment) for c in comments] == [(0, True), (11, True), (18, False)]


@pytest.mark.parametrize("text", ["'abc", '"a\nb"', '"${a"', "/* x", "'''x"])
def test_errors_keep_the_tokens_before(text):
    tokens, _, error = tokenize("a " + text)
    assert error is not None
    assert [token.text for token in tokens if token.kind != NEWLINE][:1] == ["a"]
