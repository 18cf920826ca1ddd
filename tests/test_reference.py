"""Tests for dehub.reference.

The tables port upstream's own test cases so that dehub reads an image
reference exactly as docker does.  Upstream's TestReferenceParse and the
regexp tests call ``Parse`` (no normalisation); dehub's ``parse`` is
``ParseNormalizedNamed``, so their inputs are kept but the expectations are
ParseNormalizedNamed's (checked against upstream's Go code at
distribution/reference v0.6 with go-digest v1.0.0).

A regex oracle written straight from the grammar in upstream's reference.go
and regexp.go then cross-checks the hand-written parser on generated input.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dehub import reference as R
from dehub.reference import (
    HUB_ALIASES,
    HUB_DOMAIN,
    Reference,
    ReferenceError,
    is_valid_digest,
    is_valid_tag,
    parse,
)

F64 = "f" * 64
F128 = "f" * 128
BE = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"
DBCC = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"
SHA = "sha256:" + "a" * 64

E_FORMAT = "invalid reference format"
E_UPPER = "repository name must be lowercase"
E_LONG = "repository name must not be more than 255 characters"
E_DIGEST_FORMAT = "invalid checksum digest format"
E_DIGEST_LENGTH = "invalid checksum digest length"
E_DIGEST_UNSUPPORTED = "unsupported digest algorithm"


def e_lower(remote: str) -> str:
    return f"invalid reference format: repository name ({remote}) must be lowercase"


def e_hex(text: str) -> str:
    return f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"


def _id(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + "..." + text[-12:]


def fields(ref: Reference) -> tuple:
    return ref.domain, ref.path, ref.tag, ref.digest


def check_valid(text: str, domain: str, path: str, tag: str | None, digest: str | None) -> Reference:
    ref = parse(text)
    assert fields(ref) == (domain, path, tag, digest)
    assert ref.written == text
    suffix = (":" + tag if tag else "") + ("@" + digest if digest else "")
    assert text[ref.name_end :] == suffix
    return ref


def check_invalid(text: str, message: str) -> None:
    with pytest.raises(ReferenceError) as info:
        parse(text)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------------------
# TestReferenceParse: github.com/distribution/reference reference_test.go
# @ ff14fafe2236e51c2894ac07d4bdfc778e96d682 (the "domain/"+256 and
# example.com/+255 cases come from the path-only length check of PR #9), with
# older rows from @ 4894124079e525c3c3c5c8aacaa653b5499004e9.
# ---------------------------------------------------------------------------
REFERENCE_PARSE_VALID = [
    ("test_com", "docker.io", "library/test_com", None, None),
    ("test.com:tag", "docker.io", "library/test.com", "tag", None),
    ("test.com:5000", "docker.io", "library/test.com", "5000", None),
    ("test.com/repo:tag", "test.com", "repo", "tag", None),
    ("test:5000/repo", "test:5000", "repo", None, None),
    ("test:5000/repo:tag", "test:5000", "repo", "tag", None),
    ("test:5000/repo@sha256:" + F64, "test:5000", "repo", None, "sha256:" + F64),
    ("test:5000/repo:tag@sha256:" + F64, "test:5000", "repo", "tag", "sha256:" + F64),
    # Upstream's FIXME: "Uppercase" is taken as a domain name, so this passes.
    ("Uppercase/lowercase:tag", "Uppercase", "lowercase", "tag", None),
    ("lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", None),
    ("a/" * 127 + "a:tag-puts-this-over-max", "docker.io", "a/" * 127 + "a", "tag-puts-this-over-max", None),
    ("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", None, None),
    ("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", "some-long-tag", None),
    (
        "b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", "test.example.com",
        None,
    ),
    ("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", None),
    (
        "xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + F128,
        "xn--7o8h.com", "myimage", "xn--7o8h.com", "sha512:" + F128,
    ),
    ("foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", None),
    ("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", None),
    ("192.168.1.1", "docker.io", "library/192.168.1.1", None, None),
    ("192.168.1.1:tag", "docker.io", "library/192.168.1.1", "tag", None),
    ("192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", None),
    ("192.168.1.1/repo", "192.168.1.1", "repo", None, None),
    ("192.168.1.1:5000/repo", "192.168.1.1:5000", "repo", None, None),
    ("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", None),
    ("[2001:db8::1]/repo", "[2001:db8::1]", "repo", None, None),
    ("[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", None),
    ("[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo", None, None),
    ("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", None),
    ("[2001:db8::1]:5000/repo@sha256:" + F64, "[2001:db8::1]:5000", "repo", None, "sha256:" + F64),
    ("[2001:db8::1]:5000/repo:tag@sha256:" + F64, "[2001:db8::1]:5000", "repo", "tag", "sha256:" + F64),
    ("[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", None, None),
    ("[::1]:5000/repo", "[::1]:5000", "repo", None, None),
    ("example.com/" + "a" * 255 + ":tag", "example.com", "a" * 255, "tag", None),
]

REFERENCE_PARSE_INVALID = [
    # Parse("") says ErrNameEmpty; ParseNormalizedNamed("") parses
    # "docker.io/library/" and so says "invalid reference format".
    ("", E_FORMAT),
    (":justtag", E_FORMAT),
    ("@sha256:" + F64, E_FORMAT),
    ("repo@sha256:" + "f" * 34, E_DIGEST_LENGTH),
    ("validname@invaliddigest:" + F64, E_DIGEST_UNSUPPORTED),
    ("Uppercase:tag", e_lower("library/Uppercase")),
    ("test:5000/Uppercase/lowercase:tag", e_lower("Uppercase/lowercase")),
    ("domain/" + "a" * 256 + ":tag", E_LONG),
    ("a/" * 128 + "a:tag", E_LONG),
    ("aa/asdf$$^/aa", E_FORMAT),
    ("[2001:db8::1]", E_FORMAT),
    ("[2001:db8::1]:5000", E_FORMAT),
    ("[2001:db8::1]:tag", E_FORMAT),
    ("[fe80::1%eth0]:5000/repo", E_FORMAT),
    ("[fe80::1%@invalidzone]:5000/repo", E_FORMAT),
    ("example.com/" + "a" * 256, E_LONG),
]


@pytest.mark.parametrize(("text", "domain", "path", "tag", "digest"), REFERENCE_PARSE_VALID, ids=_id)
def test_reference_parse_valid(text, domain, path, tag, digest):
    check_valid(text, domain, path, tag, digest)


@pytest.mark.parametrize(("text", "message"), REFERENCE_PARSE_INVALID, ids=_id)
def test_reference_parse_invalid(text, message):
    check_invalid(text, message)


# ---------------------------------------------------------------------------
# TestWithNameFailure and TestSerialization: reference_test.go
# @ ff14fafe2236e51c2894ac07d4bdfc778e96d682.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", E_FORMAT),
        (":justtag", E_FORMAT),
        ("@sha256:" + F64, E_FORMAT),
        ("validname@invaliddigest:" + F64, E_DIGEST_UNSUPPORTED),
        ("example.com/" + "a" * 256, E_LONG),
        ("aa/asdf$$^/aa", E_FORMAT),
    ],
    ids=_id,
)
def test_with_name_failure(text, message):
    check_invalid(text, message)


@pytest.mark.parametrize(
    ("text", "name", "tag", "digest"),
    [
        ("example.com:8000/named", "example.com:8000/named", None, None),
        ("example.com:8000/named:tagged", "example.com:8000/named", "tagged", None),
        (
            "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
            "other.com/named",
            None,
            "sha256:1234567890098765432112345667890098765432112345667890098765432112",
        ),
    ],
    ids=_id,
)
def test_serialization_inputs(text, name, tag, digest):
    ref = parse(text)
    assert (ref.name, ref.tag, ref.digest) == (name, tag, digest)
    assert ref.canonical == text


# ---------------------------------------------------------------------------
# TestValidateReferenceName: normalize_test.go
# @ 4894124079e525c3c3c5c8aacaa653b5499004e9.
# ---------------------------------------------------------------------------
VALID_REPO_NAMES = [
    "docker/docker",
    "library/debian",
    "debian",
    "docker.io/docker/docker",
    "docker.io/library/debian",
    "docker.io/debian",
    "index.docker.io/docker/docker",
    "index.docker.io/library/debian",
    "index.docker.io/debian",
    "127.0.0.1:5000/docker/docker",
    "127.0.0.1:5000/library/debian",
    "127.0.0.1:5000/debian",
    "192.168.0.1",
    "192.168.0.1:80",
    "192.168.0.1:8/debian",
    "192.168.0.2:25000/debian",
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "[fc00::1]:5000/docker",
    "[fc00::1]:5000/docker/docker",
    "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
    # Valid with a hostname: no ambiguity with an identifier.
    "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
    "Docker/docker",
    "DOCKER/docker",
]

INVALID_REPO_NAMES = [
    ("https://github.com/docker/docker", E_FORMAT),
    ("docker/Docker", e_lower("docker/Docker")),
    ("-docker", E_FORMAT),
    ("-docker/docker", E_FORMAT),
    ("-docker.io/docker/docker", E_FORMAT),
    ("docker///docker", E_FORMAT),
    ("docker.io/docker/Docker", e_lower("docker/Docker")),
    ("docker.io/docker///docker", E_FORMAT),
    ("[fc00::1]", E_FORMAT),
    ("[fc00::1]:5000", E_FORMAT),
    ("fc00::1:5000/debian", E_FORMAT),
    ("[fe80::1%eth0]:5000/debian", E_FORMAT),
    ("[2001:db8:3:4::192.0.2.33]:5000/debian", E_FORMAT),
    (
        "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        e_hex("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
    ),
]


@pytest.mark.parametrize("text", VALID_REPO_NAMES, ids=_id)
def test_validate_reference_name_valid(text):
    parse(text)


@pytest.mark.parametrize(("text", "message"), INVALID_REPO_NAMES, ids=_id)
def test_validate_reference_name_invalid(text, message):
    check_invalid(text, message)


# ---------------------------------------------------------------------------
# TestValidateRemoteName: normalize_test.go
# @ 4894124079e525c3c3c5c8aacaa653b5499004e9.
# ---------------------------------------------------------------------------
LONG_NAMESPACE = (
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_"
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker"
)


@pytest.mark.parametrize(
    "text",
    [
        "docker/docker",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "docker-rules/docker",
        "docker---rules/docker",
        "doc/docker",
        "d/docker",
        "jess/t",
        "dock__er/docker",
    ],
    ids=_id,
)
def test_validate_remote_name_valid(text):
    assert parse(text).domain == HUB_DOMAIN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("docker/Docker", e_lower("docker/Docker")),
        ("docker///docker", E_FORMAT),
        (
            "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
            e_hex("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
        ),
        ("-docker/docker", E_FORMAT),
        ("docker-/docker", E_FORMAT),
        ("-docker-/docker", E_FORMAT),
        ("____/____", E_FORMAT),
        ("_docker/_docker", E_FORMAT),
        ("dock..er/docker", E_FORMAT),
        ("dock_.er/docker", E_FORMAT),
        ("dock-.er/docker", E_FORMAT),
        ("docker/", E_FORMAT),
        (LONG_NAMESPACE, E_LONG),
    ],
    ids=_id,
)
def test_validate_remote_name_invalid(text, message):
    check_invalid(text, message)


# ---------------------------------------------------------------------------
# TestParseRepositoryInfo: normalize_test.go
# @ 4894124079e525c3c3c5c8aacaa653b5499004e9.
# (remote name, familiar name, full name, ambiguous name, domain)
# ---------------------------------------------------------------------------
REPOSITORY_INFO = [
    ("fooo/bar", "fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar", "docker.io"),
    ("library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "library/ubuntu", "docker.io"),
    ("nonlibrary/ubuntu", "nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "", "docker.io"),
    ("other/library", "other/library", "docker.io/other/library", "", "docker.io"),
    ("private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "", "127.0.0.1:8000"),
    ("privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "", "127.0.0.1:8000"),
    ("private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase", "", "example.com"),
    ("privatebase", "example.com/privatebase", "example.com/privatebase", "", "example.com"),
    (
        "private/moonbase", "example.com:8000/private/moonbase", "example.com:8000/private/moonbase", "",
        "example.com:8000",
    ),
    ("privatebasee", "example.com:8000/privatebasee", "example.com:8000/privatebasee", "", "example.com:8000"),
    (
        "library/ubuntu-12.04-base", "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base",
        "index.docker.io/library/ubuntu-12.04-base", "docker.io",
    ),
    ("library/foo", "foo", "docker.io/library/foo", "docker.io/foo", "docker.io"),
    ("library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "", "docker.io"),
    ("store/foo/bar", "store/foo/bar", "docker.io/store/foo/bar", "", "docker.io"),
    ("bar", "Foo/bar", "Foo/bar", "", "Foo"),
    ("bar", "FOO/bar", "FOO/bar", "", "FOO"),
]


@pytest.mark.parametrize(
    ("text", "remote", "familiar", "full", "domain"),
    [
        (text, remote, familiar, full, domain)
        for remote, familiar, full, ambiguous, domain in REPOSITORY_INFO
        for text in (familiar, full, ambiguous)
        if text
    ],
    ids=_id,
)
def test_parse_repository_info(text, remote, familiar, full, domain):
    ref = parse(text)
    assert ref.familiar_name == familiar
    assert ref.name == full
    assert ref.canonical == full
    assert ref.domain == domain
    assert ref.path == remote


# ---------------------------------------------------------------------------
# TestParseReferenceWithTagAndDigest and TestInvalidReferenceComponents:
# normalize_test.go @ 4894124079e525c3c3c5c8aacaa653b5499004e9.
# ---------------------------------------------------------------------------
def test_parse_reference_with_tag_and_digest():
    short = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    ref = parse(short)
    assert ref.canonical == "docker.io/library/" + short
    assert ref.tag == "latest"
    assert ref.digest == "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    assert ref.familiar_name + short[ref.name_end :] == short


def test_invalid_reference_components():
    check_invalid("-foo", E_FORMAT)
    assert parse("busybox").path == "library/busybox"
    assert not is_valid_tag("-foo")
    assert not is_valid_digest("foo")


# ---------------------------------------------------------------------------
# TestParseAnyReference (the named cases) and TestNormalizedSplitHostname:
# normalize_test.go @ 4894124079e525c3c3c5c8aacaa653b5499004e9.  The bare
# 64-hex and "sha256:..." inputs are identifiers only for ParseAnyReference;
# ParseNormalizedNamed rejects the first and reads the second as a name
# "sha256" with a 64-character tag.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("redis", "docker.io/library/redis"),
        ("redis:latest", "docker.io/library/redis:latest"),
        ("docker.io/library/redis:latest", "docker.io/library/redis:latest"),
        ("redis@sha256:" + DBCC, "docker.io/library/redis@sha256:" + DBCC),
        ("docker.io/library/redis@sha256:" + DBCC, "docker.io/library/redis@sha256:" + DBCC),
        ("dmcgowan/myapp", "docker.io/dmcgowan/myapp"),
        ("dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest"),
        ("docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest"),
        ("dmcgowan/myapp@sha256:" + DBCC, "docker.io/dmcgowan/myapp@sha256:" + DBCC),
        ("docker.io/dmcgowan/myapp@sha256:" + DBCC, "docker.io/dmcgowan/myapp@sha256:" + DBCC),
        (DBCC[:-1], "docker.io/library/" + DBCC[:-1]),
        ("dbcc1", "docker.io/library/dbcc1"),
        ("sha256:" + DBCC, "docker.io/library/sha256:" + DBCC),
    ],
    ids=_id,
)
def test_parse_any_reference_named(text, canonical):
    assert parse(text).canonical == canonical


def test_parse_any_reference_identifier_is_not_a_name():
    check_invalid(DBCC, e_hex(DBCC))


@pytest.mark.parametrize(
    ("text", "domain", "path"),
    [
        ("test.com/foo", "test.com", "foo"),
        ("test_com/foo", "docker.io", "test_com/foo"),
        ("docker/migrator", "docker.io", "docker/migrator"),
        ("test.com:8080/foo", "test.com:8080", "foo"),
        ("test-com:8080/foo", "test-com:8080", "foo"),
        ("foo", "docker.io", "library/foo"),
        ("xn--n3h.com/foo", "xn--n3h.com", "foo"),
        ("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"),
        ("docker.io/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo/bar", "docker.io", "library/foo/bar"),
    ],
    ids=_id,
)
def test_normalized_split_hostname(text, domain, path):
    ref = parse(text)
    assert (ref.domain, ref.path) == (domain, path)


# TestParseNamed: reference_test.go @ ff14fafe2236e51c2894ac07d4bdfc778e96d682.
# ParseNamed accepts only input that is already canonical.
@pytest.mark.parametrize(
    ("text", "is_canonical"),
    [
        ("test.com/foo", True),
        ("test:8080/foo", True),
        ("test_com/foo", False),
        ("test.com", False),
        ("foo", False),
        ("library/foo", False),
        ("docker.io/library/foo", True),
        ("docker.io/foo", False),
    ],
)
def test_parse_named_canonical_form(text, is_canonical):
    assert (parse(text).canonical == text) is is_canonical


# ---------------------------------------------------------------------------
# TestDomainRegexp: regexp_test.go @ 00a09fa3799203fc887e667b0d82142ee831939a.
# The private domain matcher is the literal port; through parse, a domain
# with "." or ":" is always taken as the registry.
# ---------------------------------------------------------------------------
DOMAIN_CASES = [
    ("test.com", True),
    ("test.com:10304", True),
    ("test.com:http", False),
    ("localhost", True),
    ("localhost:8080", True),
    ("a", True),
    ("a.b", True),
    ("ab.cd.com", True),
    ("a-b.com", True),
    ("-ab.com", False),
    ("ab-.com", False),
    ("ab.c-om", True),
    ("ab.-com", False),
    ("ab.com-", False),
    ("0101.com", True),
    ("001a.com", True),
    ("b.gbc.io:443", True),
    ("b.gbc.io", True),
    ("xn--n3h.com", True),
    ("Asdf.com", True),
    ("192.168.1.1:75050", True),
    ("192.168.1.1:750050", True),
    ("[fd00:1:2::3]:75050", True),
    ("[fd00:1:2::3]75050", False),
    ("[fd00:1:2::3]::75050", False),
    ("[fd00:1:2::3%eth0]:75050", False),
    ("[fd00123123123]:75050", True),
    ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", True),
    ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", True),
    ("fd00:1:2::3:75050", False),
]


@pytest.mark.parametrize(("domain", "match"), DOMAIN_CASES, ids=_id)
def test_domain_regexp(domain, match):
    assert R._is_domain(domain) is match
    text = domain + "/x"
    if "." in domain or ":" in domain:
        if match:
            assert parse(text).domain == domain
        else:
            check_invalid(text, E_FORMAT)


# ---------------------------------------------------------------------------
# TestFullNameRegexp: regexp_test.go @ 00a09fa3799203fc887e667b0d82142ee831939a.
# (input, normalised domain and path) or (input, error)
# ---------------------------------------------------------------------------
FULL_NAME_VALID = [
    ("short", "docker.io", "library/short"),
    ("simple/name", "docker.io", "simple/name"),
    ("library/ubuntu", "docker.io", "library/ubuntu"),
    ("docker/stevvooe/app", "docker.io", "docker/stevvooe/app"),
    ("aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb", "docker.io", "aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb"),
    ("aa/aa/bb/bb/bb", "docker.io", "aa/aa/bb/bb/bb"),
    ("a/a/a/a", "docker.io", "a/a/a/a"),
    ("a", "docker.io", "library/a"),
    ("a/aa", "docker.io", "a/aa"),
    ("a/aa/a", "docker.io", "a/aa/a"),
    ("foo.com", "docker.io", "library/foo.com"),
    ("foo.com:8080/bar", "foo.com:8080", "bar"),
    ("foo.com/bar", "foo.com", "bar"),
    ("foo.com/bar/baz", "foo.com", "bar/baz"),
    ("localhost:8080/bar", "localhost:8080", "bar"),
    ("sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux"),
    ("blog.foo.com/bar/baz", "blog.foo.com", "bar/baz"),
    ("aa-a/a", "docker.io", "aa-a/a"),
    ("foo_bar", "docker.io", "library/foo_bar"),
    ("foo_bar.com", "docker.io", "library/foo_bar.com"),
    ("foo.com/foo_bar", "foo.com", "foo_bar"),
    ("b.gcr.io/test.example.com/my-app", "b.gcr.io", "test.example.com/my-app"),
    ("xn--n3h.com/myimage", "xn--n3h.com", "myimage"),
    ("xn--7o8h.com/myimage", "xn--7o8h.com", "myimage"),
    ("example.com/xn--7o8h.com/myimage", "example.com", "xn--7o8h.com/myimage"),
    ("example.com/some_separator__underscore/myimage", "example.com", "some_separator__underscore/myimage"),
    ("do__cker/docker", "docker.io", "do__cker/docker"),
    (
        "registry.io/foo/project--id.module--name.ver---sion--name",
        "registry.io", "foo/project--id.module--name.ver---sion--name",
    ),
    ("Asdf.com/foo/bar", "Asdf.com", "foo/bar"),
]

FULL_NAME_INVALID = [
    ("", E_FORMAT),
    ("a/a/a/a/", E_FORMAT),
    ("a//a/a", E_FORMAT),
    ("foo.com/", E_FORMAT),
    ("foo.com:http/bar", E_FORMAT),
    ("a^a", E_FORMAT),
    ("aa/asdf$$^/aa", E_FORMAT),
    ("asdf$$^/aa", E_FORMAT),
    # The regexp matches, but the normalised path is 257 characters.
    ("a/" * 128 + "a", E_LONG),
    ("a-/a/a/a", E_FORMAT),
    ("foo.com/a-/a/a", E_FORMAT),
    ("-foo/bar", E_FORMAT),
    ("foo/bar-", E_FORMAT),
    ("foo-/bar", E_FORMAT),
    ("foo/-bar", E_FORMAT),
    ("_foo/bar", E_FORMAT),
    ("foo_bar.com:8080/app", E_FORMAT),
    ("____/____", E_FORMAT),
    ("_docker/_docker", E_FORMAT),
    ("docker_/docker_", E_FORMAT),
    ("example.com/__underscore/myimage", E_FORMAT),
    ("example.com/..dots/myimage", E_FORMAT),
    ("example.com/.dots/myimage", E_FORMAT),
    ("example.com/nodouble..dots/myimage", E_FORMAT),
    ("docker./docker", E_FORMAT),
    (".docker/docker", E_FORMAT),
    ("docker-/docker", E_FORMAT),
    ("-docker/docker", E_FORMAT),
    ("do..cker/docker", E_FORMAT),
    ("do__cker:8080/docker", E_FORMAT),
    ("Foo/FarB", e_lower("FarB")),
]


@pytest.mark.parametrize(("text", "domain", "path"), FULL_NAME_VALID, ids=_id)
def test_full_name_regexp_valid(text, domain, path):
    check_valid(text, domain, path, None, None)


@pytest.mark.parametrize(("text", "message"), FULL_NAME_INVALID, ids=_id)
def test_full_name_regexp_invalid(text, message):
    check_invalid(text, message)


# ---------------------------------------------------------------------------
# TestReferenceRegexp and TestIdentifierRegexp: regexp_test.go
# @ 00a09fa3799203fc887e667b0d82142ee831939a.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "domain", "path", "tag", "digest"),
    [
        ("registry.com:8080/myapp:tag", "registry.com:8080", "myapp", "tag", None),
        ("registry.com:8080/myapp@" + BE, "registry.com:8080", "myapp", None, BE),
        ("registry.com:8080/myapp:tag2@" + BE, "registry.com:8080", "myapp", "tag2", BE),
        # localhost without "/" is an image name; 8080 is its tag.
        ("localhost:8080@" + BE, "docker.io", "library/localhost", "8080", BE),
        ("localhost:8080/name@" + BE, "localhost:8080", "name", None, BE),
        ("localhost@" + BE, "docker.io", "library/localhost", None, BE),
    ],
    ids=_id,
)
def test_reference_regexp_valid(text, domain, path, tag, digest):
    check_valid(text, domain, path, tag, digest)


@pytest.mark.parametrize(
    "text",
    [
        "registry.com:8080/myapp@sha256:badbadbadbad",
        "registry.com:8080/myapp:invalid~tag",
        "bad_hostname.com:8080/myapp:tag",
        "localhost:http/name@" + BE,
        "registry.com:8080/myapp@bad",
        "registry.com:8080/myapp@2bad",
    ],
    ids=_id,
)
def test_reference_regexp_invalid(text):
    check_invalid(text, E_FORMAT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821",
            e_hex("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821"),
        ),
        (
            "7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C",
            e_lower("library/7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C"),
        ),
        ("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf", None),
        ("sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821", None),
        ("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482", None),
    ],
    ids=_id,
)
def test_identifier_regexp(text, message):
    if message is None:
        assert parse(text).domain == HUB_DOMAIN
    else:
        check_invalid(text, message)


# ---------------------------------------------------------------------------
# Length limits.  Since distribution/reference PR #9 (v0.6.0) only the path
# counts, and the implicit "library/" is part of the path.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("a" * 247, True),  # library/ + 247 = 255
        ("a" * 248, False),
        ("docker.io/" + "a" * 247, True),
        ("docker.io/" + "a" * 248, False),
        ("x/" + "a" * 253, True),  # no domain: the whole name is the path
        ("x/" + "a" * 254, False),
        ("example.com/" + "a" * 255, True),  # 267 characters in all
        ("example.com/" + "a" * 256, False),
        ("a" * 247 + ":" + "t" * 128, True),  # tag and digest do not count
        # dehub adds library/ for the other Hub aliases only after upstream's
        # checks, so validity never differs from docker's.
        ("registry-1.docker.io/" + "a" * 255, True),
    ],
    ids=_id,
)
def test_length_limits(text, ok):
    if ok:
        parse(text)
    else:
        check_invalid(text, E_LONG)


# ---------------------------------------------------------------------------
# Digests: upstream's digestPat, then opencontainers/go-digest v1.0.0
# (digest.go Validate, algorithm.go Validate).
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("digest", "message"),
    [
        ("sha256:" + "0" * 64, None),
        ("sha384:" + "0" * 96, None),
        ("sha512:" + "0" * 128, None),
        ("sha256:" + "0" * 63, E_DIGEST_LENGTH),
        ("sha256:" + "0" * 65, E_DIGEST_LENGTH),
        ("sha512:" + "0" * 64, E_DIGEST_LENGTH),
        ("sha256:" + "A" * 64, E_DIGEST_FORMAT),  # go-digest: lower-case hex only
        ("SHA256:" + "a" * 64, E_DIGEST_FORMAT),  # not available, upper case
        ("md5:" + "a" * 32, E_DIGEST_UNSUPPORTED),
        ("sha256+b64:" + "a" * 64, E_DIGEST_UNSUPPORTED),
        ("a.b-c_d+e:" + "a" * 32, E_DIGEST_UNSUPPORTED),
        ("Foo:" + "a" * 32, E_DIGEST_FORMAT),
    ],
    ids=_id,
)
def test_digest_validation(digest, message):
    # With a tag, ParseNormalizedNamed's lower-case check stops at the tag's
    # ":" and the digest's own checks decide.
    text = "x:t@" + digest
    if message is None:
        assert parse(text).digest == digest
        assert is_valid_digest(digest)
    else:
        check_invalid(text, message)
        assert not is_valid_digest(digest)


@pytest.mark.parametrize(
    "digest",
    [
        "sha256:" + "a" * 31,  # fewer than 32 hex digits
        "sha256:" + "g" * 64,
        "1sha:" + "a" * 32,  # algorithm starts with a letter
        "a..b:" + "a" * 32,
        "a-:" + "a" * 32,
        "a-1:" + "a" * 32,  # each algorithm component starts with a letter
        ":" + "a" * 64,
        "sha256",
        "foo",
        "",
    ],
    ids=_id,
)
def test_digest_syntax_invalid(digest):
    assert not is_valid_digest(digest)
    check_invalid("x:t@" + digest, E_FORMAT)


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("latest", True),
        ("_", True),
        ("9", True),
        ("Tag_1.0-rc", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("", False),
        ("-foo", False),
        (".foo", False),
        ("a/b", False),
        ("a:b", False),
        ("a@b", False),
        ("a b", False),
        ("\u00e9", False),  # Go's \w is ASCII
        ("a\n", False),
    ],
    ids=_id,
)
def test_is_valid_tag(tag, ok):
    assert is_valid_tag(tag) is ok
    if ok:
        assert parse("x:" + tag).tag == tag
    else:
        with pytest.raises(ReferenceError):
            parse("x:" + tag)


# ---------------------------------------------------------------------------
# dehub: Docker Hub aliases, registries, positions, familiar and canonical.
# (text, domain, path, explicit_domain, is_docker_hub, familiar_name, name)
# ---------------------------------------------------------------------------
HUB_CASES = [
    ("node", "docker.io", "library/node", False, True, "node", "docker.io/library/node"),
    ("library/node", "docker.io", "library/node", False, True, "node", "docker.io/library/node"),
    ("myorg/app", "docker.io", "myorg/app", False, True, "myorg/app", "docker.io/myorg/app"),
    ("docker.io/node", "docker.io", "library/node", True, True, "node", "docker.io/library/node"),
    ("docker.io/library/node", "docker.io", "library/node", True, True, "node", "docker.io/library/node"),
    ("docker.io/myorg/app", "docker.io", "myorg/app", True, True, "myorg/app", "docker.io/myorg/app"),
    ("index.docker.io/node", "docker.io", "library/node", True, True, "node", "docker.io/library/node"),
    ("index.docker.io/library/node", "docker.io", "library/node", True, True, "node", "docker.io/library/node"),
    ("registry-1.docker.io/node", "registry-1.docker.io", "library/node", True, True, "node", "docker.io/library/node"),
    (
        "registry-1.docker.io/library/node", "registry-1.docker.io", "library/node", True, True, "node",
        "docker.io/library/node",
    ),
    (
        "registry.hub.docker.com/node", "registry.hub.docker.com", "library/node", True, True, "node",
        "docker.io/library/node",
    ),
    (
        "registry.hub.docker.com/library/node", "registry.hub.docker.com", "library/node", True, True, "node",
        "docker.io/library/node",
    ),
    (
        "registry.hub.docker.com/myorg/app", "registry.hub.docker.com", "myorg/app", True, True, "myorg/app",
        "docker.io/myorg/app",
    ),
    # Hostnames are case-insensitive; upstream only normalises the exact
    # lower-case "index.docker.io", so other spellings keep their domain.
    ("Docker.IO/node", "Docker.IO", "library/node", True, True, "node", "docker.io/library/node"),
    ("INDEX.DOCKER.IO/node", "INDEX.DOCKER.IO", "library/node", True, True, "node", "docker.io/library/node"),
    ("Registry-1.Docker.io/a/b", "Registry-1.Docker.io", "a/b", True, True, "a/b", "docker.io/a/b"),
    # familiarizeName keeps library/ when more components follow.
    ("library/foo/bar", "docker.io", "library/foo/bar", False, True, "library/foo/bar", "docker.io/library/foo/bar"),
    # Not Docker Hub.
    ("Foo/bar", "Foo", "bar", True, False, "Foo/bar", "Foo/bar"),
    ("MyRegistry/team/app", "MyRegistry", "team/app", True, False, "MyRegistry/team/app", "MyRegistry/team/app"),
    ("localhost/x", "localhost", "x", True, False, "localhost/x", "localhost/x"),
    ("localhost:5000/x", "localhost:5000", "x", True, False, "localhost:5000/x", "localhost:5000/x"),
    ("[::1]:5000/x", "[::1]:5000", "x", True, False, "[::1]:5000/x", "[::1]:5000/x"),
    ("[::1]/x", "[::1]", "x", True, False, "[::1]/x", "[::1]/x"),
    ("ghcr.io/owner/app", "ghcr.io", "owner/app", True, False, "ghcr.io/owner/app", "ghcr.io/owner/app"),
    ("public.ecr.aws/docker/library/node", "public.ecr.aws", "docker/library/node", True, False,
     "public.ecr.aws/docker/library/node", "public.ecr.aws/docker/library/node"),
    ("example.com/node", "example.com", "node", True, False, "example.com/node", "example.com/node"),
    ("docker.io.evil.com/node", "docker.io.evil.com", "node", True, False, "docker.io.evil.com/node",
     "docker.io.evil.com/node"),
    ("docker.io:443/node", "docker.io:443", "node", True, False, "docker.io:443/node", "docker.io:443/node"),
    # Without "/" even localhost and domains are image names on Docker Hub.
    ("localhost", "docker.io", "library/localhost", False, True, "localhost", "docker.io/library/localhost"),
    ("example.com", "docker.io", "library/example.com", False, True, "example.com", "docker.io/library/example.com"),
    # Upstream quirk: the first component is taken as a registry (it has a
    # "."), is no valid domain name ("_"), and the regexp then reads the whole
    # text as a path with no domain at all.
    ("foo_bar.com/x", "", "foo_bar.com/x", True, False, "foo_bar.com/x", "foo_bar.com/x"),
    # IPv6 brackets take hex digits of either case, and an upper-case letter
    # makes the first component a registry: "[ABC]" is valid, "[abc]" is not.
    ("[ABC]/x", "[ABC]", "x", True, False, "[ABC]/x", "[ABC]/x"),
]


@pytest.mark.parametrize(
    ("text", "domain", "path", "explicit", "hub", "familiar", "name"), HUB_CASES, ids=_id
)
def test_hub_aliases_and_registries(text, domain, path, explicit, hub, familiar, name):
    ref = parse(text)
    assert (ref.domain, ref.path) == (domain, path)
    assert ref.explicit_domain is explicit
    assert ref.is_docker_hub is hub
    assert ref.familiar_name == familiar
    assert ref.name == name
    assert ref.canonical == name
    assert ref.name_end == len(text)
    assert ref.tag is None and ref.digest is None


def test_hub_aliases_constant():
    assert HUB_DOMAIN == "docker.io"
    assert frozenset(
        {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
    ) == HUB_ALIASES


@pytest.mark.parametrize(
    ("text", "name_end", "tag", "digest", "canonical"),
    [
        ("node", 4, None, None, "docker.io/library/node"),
        ("node:20", 4, "20", None, "docker.io/library/node:20"),
        ("node@" + SHA, 4, None, SHA, "docker.io/library/node@" + SHA),
        ("node:20@" + SHA, 4, "20", SHA, "docker.io/library/node:20@" + SHA),
        ("myorg/app:1.2.3", 9, "1.2.3", None, "docker.io/myorg/app:1.2.3"),
        ("localhost:5000/x", 16, None, None, "localhost:5000/x"),
        ("localhost:5000/x:1", 16, "1", None, "localhost:5000/x:1"),
        ("[::1]:5000/x@" + SHA, 12, None, SHA, "[::1]:5000/x@" + SHA),
        ("[::1]:5000/x:y@" + SHA, 12, "y", SHA, "[::1]:5000/x:y@" + SHA),
        ("index.docker.io/node:lts", 20, "lts", None, "docker.io/library/node:lts"),
        ("registry-1.docker.io/node:lts", 25, "lts", None, "docker.io/library/node:lts"),
        ("localhost:5000", 9, "5000", None, "docker.io/library/localhost:5000"),
        ("python:3.12-slim-bookworm", 6, "3.12-slim-bookworm", None, "docker.io/library/python:3.12-slim-bookworm"),
    ],
    ids=_id,
)
def test_name_end_and_canonical(text, name_end, tag, digest, canonical):
    ref = parse(text)
    assert ref.name_end == name_end
    assert (ref.tag, ref.digest) == (tag, digest)
    assert ref.canonical == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" node", E_FORMAT),
        ("node ", E_FORMAT),
        ("node\n", E_FORMAT),
        ("\tnode", E_FORMAT),
        ("no de", E_FORMAT),
        ("node: 20", E_FORMAT),
        ("node:20 ", E_FORMAT),
        (" ghcr.io/a/b", E_FORMAT),
        ("ghcr.io /a/b", E_FORMAT),
        ("n\u00f6de", E_FORMAT),  # ASCII only
        ("node:\u00e9", E_FORMAT),
        ("docker.io/Node", e_lower("library/Node")),
        ("Node", e_lower("library/Node")),
        ("registry-1.docker.io/Node", e_lower("Node")),
        ("node@SHA256:" + "a" * 64, e_lower("library/node@SHA256")),
        ("node:latest@SHA256:" + "a" * 64, E_DIGEST_FORMAT),
        ("Foo_Bar/x", E_UPPER),  # not a domain; fine once lower-cased
        # Go's strings.ToLower maps U+0130 to a plain "i" and the Kelvin sign
        # to "k", so upstream says "must be lowercase" here.
        ("\u0130/x", E_UPPER),
        ("\u212a/x", E_UPPER),
        ("\u00c4/x", E_FORMAT),
        ("[abc]/x", E_FORMAT),
        ("[]/x", E_FORMAT),
        ("[::1]:/x", E_FORMAT),
        ("localhost:/x", E_FORMAT),
        ("/node", E_FORMAT),
        ("node/", E_FORMAT),
        ("node:", E_FORMAT),
        ("node@", E_FORMAT),
        ("node:a:b", E_FORMAT),
        ("node@" + SHA + "@" + SHA, E_FORMAT),
        ("node:" + "t" * 129, E_FORMAT),
    ],
    ids=_id,
)
def test_invalid_dehub_cases(text, message):
    check_invalid(text, message)


def test_reference_object():
    ref = parse("ghcr.io/o/a:1")
    assert not hasattr(ref, "__dict__")
    assert set(Reference.__slots__) == {
        "written", "domain", "path", "tag", "digest", "name_end", "explicit_domain"
    }
    text = repr(ref)
    assert text.startswith("Reference(") and "'ghcr.io'" in text and "'o/a'" in text
    assert issubclass(ReferenceError, ValueError)


def test_import_does_not_load_re():
    """Start-up time: importing the parser must not pull in re and friends.

    -S keeps site-packages .pth hooks (an editable install's finder imports
    re) from muddying what dehub.reference itself loads.
    """
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=root)
    code = "import sys, dehub.reference; print('re' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    code = (
        "import sys; before = set(sys.modules); import dehub.reference; "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    loaded = set(ast.literal_eval(out.stdout))
    assert loaded <= {"__future__", "dehub", "dehub.reference"}


# ---------------------------------------------------------------------------
# Regex oracle, built straight from the grammar in upstream's reference.go /
# regexp.go and the steps of ParseNormalizedNamed (normalize.go), Parse
# (reference.go) and go-digest v1.0.0 Validate.  Python's re, like Go's
# regexp, prefers the leftmost-first alternative, so captures agree.
# ---------------------------------------------------------------------------
_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALPHANUMERIC + r"(?:" + _SEPARATOR + _ALPHANUMERIC + r")*"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN = r"(?:" + _DOMAIN_NAME + r"|" + _IPV6 + r")(?::[0-9]+)?"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_NAME = r"(?:" + _DOMAIN + r"/)?" + _REMOTE_NAME

REFERENCE_RE = re.compile(r"(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?")
NAME_RE = re.compile(r"(?:(" + _DOMAIN + r")/)?(" + _REMOTE_NAME + r")")
TAG_RE = re.compile(_TAG)
DIGEST_RE = re.compile(_DIGEST)
IDENTIFIER_RE = re.compile(r"[a-f0-9]{64}")
GO_DIGEST_RE = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
GO_ENCODED = {
    "sha256": (32, re.compile(r"[a-f0-9]{64}")),
    "sha384": (48, re.compile(r"[a-f0-9]{96}")),
    "sha512": (64, re.compile(r"[a-f0-9]{128}")),
}


def oracle_digest_error(digest: str) -> str | None:
    i = digest.find(":")
    if i <= 0 or i + 1 == len(digest):
        return E_DIGEST_FORMAT
    algorithm, encoded = digest[:i], digest[i + 1 :]
    if algorithm not in GO_ENCODED:
        return E_DIGEST_UNSUPPORTED if GO_DIGEST_RE.fullmatch(digest) else E_DIGEST_FORMAT
    size, pattern = GO_ENCODED[algorithm]
    if size * 2 != len(encoded):
        return E_DIGEST_LENGTH
    return None if pattern.fullmatch(encoded) else E_DIGEST_FORMAT


def oracle_split_docker_domain(name: str) -> tuple[str, str, bool]:
    """splitDockerDomain, plus whether the text named its registry."""
    maybe_domain, sep, maybe_remote = name.partition("/")
    if not sep:
        return "docker.io", "library/" + name, False
    explicit = True
    if maybe_domain == "localhost":
        domain, remote = maybe_domain, maybe_remote
    elif maybe_domain == "index.docker.io":
        domain, remote = "docker.io", maybe_remote
    elif "." in maybe_domain or ":" in maybe_domain or maybe_domain.lower() != maybe_domain:
        domain, remote = maybe_domain, maybe_remote
    else:
        domain, remote, explicit = "docker.io", name, False
    if domain == "docker.io" and "/" not in remote:
        remote = "library/" + remote
    return domain, remote, explicit


def oracle_parse(text: str):
    """(domain, path, tag, digest, name_end, explicit) or the error message."""
    if IDENTIFIER_RE.fullmatch(text):
        return e_hex(text)
    domain, remainder, explicit = oracle_split_docker_domain(text)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return e_lower(remote)
    full = domain + "/" + remainder
    match = REFERENCE_RE.fullmatch(full)
    if match is None:
        lowered = full.lower()
        if lowered != full and REFERENCE_RE.fullmatch(lowered):
            return E_UPPER
        return E_FORMAT
    name, tag, digest = match.groups()
    name_match = NAME_RE.fullmatch(name)
    domain, path = name_match.group(1) or "", name_match.group(2)
    if len(path) > 255:
        return E_LONG
    if digest is not None:
        error = oracle_digest_error(digest)
        if error:
            return error
    if "/" not in path and domain.lower() in HUB_ALIASES:  # dehub's aliases
        path = "library/" + path
    name_end = len(text) - (len(tag) + 1 if tag else 0) - (len(digest) + 1 if digest else 0)
    return domain, path, tag, digest, name_end, explicit


def ours(text: str):
    try:
        ref = parse(text)
    except ReferenceError as err:
        return str(err)
    return ref.domain, ref.path, ref.tag, ref.digest, ref.name_end, ref.explicit_domain


ALPHABET = "abcxyzABCXYZ0189._-:/@[]+ "
PIECES = [
    "docker.io", "index.docker.io", "registry-1.docker.io", "Registry.Hub.Docker.com", "localhost",
    "localhost:5000", "[::1]", "[::1]:5000", "[ABC]", "a.b", "foo_bar.com", "Foo", "library", "node",
    "a", "a-b", "a--b", "a__b", "a___b", "a_b.c", "-a", "a-", "1.2.3.4:80", "x:y", "",
]
# Example counts come from the project's hypothesis profile (tests/conftest.py).
PROPERTY_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compose(parts, tag, digest):
    text = "/".join(parts)
    if tag is not None:
        text += ":" + tag
    if digest is not None:
        text += "@" + digest
    return text


_hex = st.text(alphabet="0123456789abcdefABCDEF", min_size=30, max_size=34) | st.sampled_from(
    ["a" * 64, "0" * 96, "f" * 128, "A" * 64, "a" * 63]
)
_digests = st.builds(
    lambda algo, hexpart: algo + ":" + hexpart,
    st.sampled_from(["sha256", "sha384", "sha512", "SHA256", "md5", "a+b", "a.-b", "x1", "1x", ""]),
    _hex,
)
# Cheap generators that hit the grammar often (st.from_regex is far slower).
_alnum = st.text(alphabet="abz09", min_size=1, max_size=4)
_path_component = st.builds(
    lambda head, tail: head + "".join(sep + run for sep, run in tail),
    _alnum,
    st.lists(st.tuples(st.sampled_from([".", "_", "__", "-", "---", "___", "._"]), _alnum), max_size=2),
)
_domain = st.builds(
    lambda labels, port: ".".join(labels) + port,
    st.lists(st.text(alphabet="aZ09-", min_size=1, max_size=5), min_size=1, max_size=3),
    st.sampled_from(["", "", ":5000", ":0", ":x", ":"]),
)
_junk = st.text(alphabet=ALPHABET.replace("/", ""), max_size=6)
_component = st.one_of(_path_component, _path_component, st.sampled_from(PIECES), _junk)
_tags = st.one_of(
    st.none(),
    st.text(alphabet="aZ09_.-", min_size=1, max_size=10),
    st.sampled_from(["t" * 128, "t" * 129, "-t", ""]),
    st.text(alphabet="aZ09_.-:@", max_size=8),
)
_structured = st.builds(
    lambda first, rest, tag, digest: _compose([first, *rest], tag, digest),
    st.one_of(_domain, _component),
    st.lists(_component, max_size=3),
    _tags,
    st.one_of(st.none(), st.just(SHA), _digests),
)


@PROPERTY_SETTINGS
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("")
@example("a" * 64)
@example("foo_bar.com/x")
@example("[ABC]/x:tag@sha256:" + "a" * 64)
def test_matches_regex_oracle_on_random_text(text):
    assert ours(text) == oracle_parse(text)


@PROPERTY_SETTINGS
@given(_structured)
def test_matches_regex_oracle_on_reference_like_text(text):
    expected = oracle_parse(text)
    assert ours(text) == expected
    if isinstance(expected, tuple):
        ref = parse(text)
        again = parse(ref.canonical)  # the canonical form parses back the same
        assert (again.name, again.tag, again.digest) == (ref.name, ref.tag, ref.digest)
        assert again.is_docker_hub is ref.is_docker_hub


@PROPERTY_SETTINGS
@given(st.text(alphabet=ALPHABET + "\u00e9", max_size=20) | _digests)
def test_tag_and_digest_predicates_match_oracle(text):
    assert is_valid_tag(text) is bool(TAG_RE.fullmatch(text))
    assert is_valid_digest(text) is bool(DIGEST_RE.fullmatch(text) and oracle_digest_error(text) is None)


def test_parse_remembers_results_but_returns_a_reference_the_caller_may_change():
    from dehub.reference import parse as parse_reference

    first = parse_reference("node:20")
    first.tag = "changed"
    again = parse_reference("node:20")
    assert again is not first and again.tag == "20"
    for _ in range(2):  # an invalid reference raises every time, with docker's message
        with pytest.raises(ReferenceError, match="must be lowercase"):
            parse_reference("Node:20")
