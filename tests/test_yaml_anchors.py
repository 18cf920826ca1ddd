"""Anchors defined again: valid YAML 1.2 (an alias names the latest anchor of its name before
it), accepted by GitHub, and read so by dehub in every file kind and in `.dehub.yaml`.

PyYAML's composers refuse them ("found duplicate anchor"); dehub composes such a file again
from libyaml's events (or PyYAML's, without libyaml) with its own composer. Each test runs
both ways: libyaml where it is installed, and the pure-Python parser.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import findings, fixed

from dehub import yamlcompose as yc
from dehub import yamlsource as ys
from dehub.config import load
from dehub.kinds import parse
from dehub.source import SourceText

MIRROR = "public.ecr.aws/docker/library/"
TWICE = """on: push
jobs:
  a:
    runs-on: ubuntu-latest
    container: &img node:20
    services:
      db:
        image: *img
  b:
    runs-on: ubuntu-latest
    container: &img redis:7
    services:
      cache:
        image: *img
      queue:
        image: &img ghcr.io/acme/queue:1
      web:
        image: *img
"""
MERGED = """on: push
x-base: &base
  image: node:20
x-other: &base
  image: redis:7
jobs:
  a:
    runs-on: ubuntu-latest
    container:
      <<: *base
      options: --cpus 1
"""


@pytest.fixture(params=["libyaml", "pure"])
def reader(request, monkeypatch):
    """libyaml (when PyYAML has it), or PyYAML's pure-Python parser for every text."""
    if request.param == "libyaml":
        if yc.LIBYAML_LOADER is None:
            pytest.skip("PyYAML without libyaml")
    else:
        monkeypatch.setattr(yc, "libyaml_is_safe", lambda text: False)
    return request.param


def uses(text: str) -> dict[str, list[tuple[str, str, tuple[int, int]]]]:
    source = SourceText(text)
    document = parse("workflow", source)
    assert document.problems == []
    return {
        job.id: [(use.site, use.value.text, source.position(use.start)) for run in job.runs for use in run]
        for job in document.pipeline.jobs
    }


def test_an_alias_names_the_latest_anchor(reader):
    assert uses(TWICE) == {
        "a": [("gha-container", "node:20", (5, 21)), ("gha-service", "node:20", (5, 21))],
        "b": [
            ("gha-container", "redis:7", (11, 21)),
            ("gha-service", "redis:7", (11, 21)),
            ("gha-service", "ghcr.io/acme/queue:1", (16, 21)),  # `queue` and `web`: one scalar, one use
        ],
    }


def test_findings_and_fixes_at_the_anchored_scalars(reader):
    assert [(f.line, f.column, f.code, f.image) for f in findings(TWICE, "workflow")] == [
        (5, 21, "DH001", "node:20"),
        (11, 21, "DH001", "redis:7"),
    ]
    result = fixed(TWICE, "workflow")
    assert result == TWICE.replace("&img node:20", f"&img {MIRROR}node:20").replace(
        "&img redis:7", f"&img {MIRROR}redis:7"
    )
    assert uses(result)["b"][:2] == [
        ("gha-container", f"{MIRROR}redis:7", (11, 21)),
        ("gha-service", f"{MIRROR}redis:7", (11, 21)),
    ]
    assert findings(result, "workflow") == []


def test_a_merge_key_after_a_redefinition(reader):
    assert uses(MERGED) == {"a": [("gha-container", "redis:7", (5, 10))]}
    assert [(f.line, f.column, f.code) for f in findings(MERGED, "workflow")] == [(5, 10, "DH001")]
    assert fixed(MERGED, "workflow") == MERGED.replace("image: redis:7", f"image: {MIRROR}redis:7")


def test_an_action_with_a_redefined_anchor(reader):
    action = (
        "name: x\nruns:\n  using: docker\n  image: &img docker://alpine:3\n  env:\n    A: &img other\n    B: *img\n"
    )
    assert [(f.line, f.column, f.code) for f in findings(action, "action")] == [(4, 24, "DH001")]


@pytest.mark.parametrize(
    "text",
    [
        TWICE,
        MERGED,
        "a: &x [1, &x {b: *x}, *x]\nc: *x\n",  # redefined inside its own collection
        "- &x a\n- *x\n- &x\n  - *x\n  - &x b\n- *x\n---\n- &x c\n- *x\n",  # anchors end with the document
    ],
)
def test_both_loaders_give_the_same_nodes(text):
    def shape(node, seen):
        """Tag, span and value, with a node met again (an alias) as the number of its first visit."""
        if id(node) in seen:
            return ("alias", seen[id(node)])
        seen[id(node)] = len(seen)
        if ys.is_scalar(node):
            return node.tag, ys.span(node), node.value
        parts = [part for item in node.value for part in (item if isinstance(item, tuple) else (item,))]
        return node.tag, ys.span(node), [shape(part, seen) for part in parts]

    shapes = []
    for loader in (yaml.SafeLoader, yaml.CSafeLoader) if yc.LIBYAML_LOADER else (yaml.SafeLoader,):
        documents, problem = ys.compose_documents(text, loader=loader)
        assert problem is None
        shapes.append([shape(document, {}) for document in documents])
    assert shapes[0] == shapes[-1]


def test_aliases_follow_the_spec(reader):
    documents, problem = ys.compose_documents("- &x a\n- *x\n- &x\n  - *x\n  - &x b\n- *x\n---\n- *x\n")
    assert [ys.scalar_text(node) for node in documents[0].value[:2]] == ["a", "a"]
    inner = documents[0].value[2]
    assert inner.value[0] is inner  # a collection's anchor precedes what it holds, as in PyYAML
    assert ys.scalar_text(documents[0].value[3]) == "b"
    assert problem is not None and "undefined alias" in problem.message  # anchors end with the document


def test_configuration_with_a_redefined_anchor(tmp_path, reader, monkeypatch):
    monkeypatch.setenv("DEHUB_NO_CACHE", "1")
    path = tmp_path / ".dehub.yaml"
    path.write_text(
        "build-args: &args {BASE: node}\n"
        "exclude: &args [vendor/**]\n"
        "allow: *args\n"
        "mirror:\n  map: &args {'ghcr.io/*': 'mirror.example.com/{path}'}\n"
        "severity: {DH001: warning}\n"
    )
    from dehub import rules

    config = load(str(path), rules.CODES)
    assert config.build_args == {"BASE": "node"}
    assert config.exclude == ("vendor/**",)
    assert config.allow == ("vendor/**",)
    assert config.mirror_map == (("ghcr.io/*", "mirror.example.com/{path}"),)
