"""Compose files in depth: what the sniff takes and refuses, compose's interpolation with source
offsets, and the kind through the command line, a folder walk and the language server."""

from __future__ import annotations

import json

import pytest
from helpers import findings

from dehub import kinds
from dehub.compose import InterpolationError, interpolate, sniff
from dehub.lsp.documents import detect_kind
from dehub.value import SYNTHETIC, UNKNOWN, Value

COMPOSE_TEXTS = [
    "services:\n  web:\n    image: node:20\n",
    "\nversion: '3.8'\n\nservices:\n\n  web:\n    build: .\n",  # blank lines
    (
        "name: app\nx-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: node:20\n"
        "networks:\n  default: {}\nvolumes:\n  data: {}\nconfigs:\n  c:\n    file: ./c\nsecrets:\n  s:\n"
        "    file: ./s\n"
    ),
    (
        "include:\n  - other.yaml\nmodels:\n  llm:\n    model: ai/smollm2\nservices:\n  api:\n    extends: base\n"
        "  base:\n    image: acme/api\n    x-note: keep\n"
    ),
    "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2\n",  # a swarm stack file
    "services: {web: {image: node:20}}\n",
]

NOT_COMPOSE_TEXTS = [
    pytest.param(
        "image: node:20\nservices:\n  - postgres:16\nstages: [test]\ntest:\n  script: [npm test]\n", id="gitlab"
    ),
    pytest.param("services:\n  - docker:dind\nbuild:\n  script: docker build .\n", id="gitlab-services-list"),
    pytest.param("services:\n  - name: postgres:16\n    alias: db\n", id="gitlab-services-only"),
    pytest.param(
        "kind: pipeline\ntype: docker\nname: default\nsteps:\n  - name: test\n    image: node:20\n"
        "services:\n  - name: db\n    image: postgres:16\n",
        id="drone",
    ),
    pytest.param(
        "steps:\n  test:\n    image: node:20\n    commands: [npm test]\nservices:\n  db:\n    image: postgres:16\n",
        id="woodpecker",
    ),
    pytest.param("services:\n  db:\n    image: postgres:16\n    commands: [echo]\n", id="woodpecker-services-only"),
    pytest.param("version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/node:20.0\n", id="circleci"),
    pytest.param(
        "image: node:20\ndefinitions:\n  services:\n    db:\n      image: postgres\npipelines:\n  default:\n"
        "    - step:\n        script: [npm test]\n        services: [db]\n",
        id="bitbucket",
    ),
    pytest.param(
        "resources:\n  containers:\n    - container: pg\n      image: postgres:16\nservices:\n  pg: pg\n"
        "steps:\n  - script: echo\n",
        id="azure",
    ),
    pytest.param("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n", id="k8s"),
    pytest.param(
        "replicaCount: 2\nservices:\n  api:\n    image: acme/api\n    port: 80\n", id="helm-values-with-services"
    ),
    pytest.param("services:\n  api:\n    image: acme/api\n    replicas: 2\n", id="data-file-unknown-key"),
    pytest.param("services:\n  api:\n    url: http://x\n", id="data-file-no-image"),
    pytest.param("services:\n  api: http://x\n", id="services-not-mappings"),
    pytest.param("services:\n  web:\n    image: {{ .Values.image }}\n", id="helm-template"),
    pytest.param('services:\n  web:\n    image: "{{ .Values.image }}"\n', id="helm-template-quoted"),
    pytest.param("services:\n  web:\n    image: node:20\n---\nservices: {}\n", id="two-documents"),
    pytest.param("services: {}\n", id="no-services"),
    pytest.param("on: push\njobs:\n  a:\n    services:\n      db:\n        image: postgres\n", id="workflow"),
]


@pytest.mark.parametrize("text", COMPOSE_TEXTS)
def test_sniff_takes_compose_files(text):
    assert sniff(text)
    assert kinds.kind_for_text(text, "deploy/stack.yml") == "compose"


@pytest.mark.parametrize("text", NOT_COMPOSE_TEXTS)
def test_sniff_refuses_other_yaml(text):
    assert not sniff(text)
    assert kinds.kind_for_text(text, "x.yml") != "compose"


def test_a_name_dehub_does_not_read_yet_is_not_sniffed():
    text = "services:\n  web:\n    image: node:20\n"
    assert kinds.kind_for_text(text, "deploy/stack.yml") == "compose"
    assert kinds.kind_for_path(".gitlab-ci.yml") == "gitlab"  # read as GitLab by its name, never sniffed
    assert kinds.kind_for_path(".drone.yml") == "drone"  # read by its name: the runner never sniffs it


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("compose.yaml", "compose"),
        ("compose.yml", "compose"),
        ("compose.override.yaml", "compose"),
        ("compose-dev.yaml", "compose"),
        ("docker-compose.yml", "compose"),
        ("Docker-Compose.Prod.YML", "compose"),
        ("deploy/docker-compose-ci.yaml", "compose"),
        ("stack.compose.yml", "compose"),
        (".github/workflows/docker-compose.yml", "workflow"),
        ("mycompose.yml", None),
        ("compose.json", None),
        ("docker-compose.yml.j2", None),
    ],
)
def test_paths(path, kind):
    assert kinds.kind_for_path(path) == kind
    if kind == "compose":
        assert kinds.not_read_yet(path) is None


def test_a_walk_sniffs_yaml_files_for_compose(tmp_path, monkeypatch, capsys):
    from dehub.hooks.cli import main

    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "stack.yml").write_text("services:\n  web:\n    image: nginx:1.27\n", encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres:16\n", encoding="utf-8")
    (tmp_path / "data.yml").write_text("services:\n  api:\n    image: node:20\n    replicas: 2\n", encoding="utf-8")
    (tmp_path / ".gitlab-ci.yml").write_text("services:\n  - postgres:16\ntest:\n  script: [x]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "."]) == 1
    out, err = capsys.readouterr()
    found = sorted((f["path"], f["kind"], f["code"], f["line"]) for f in json.loads(out)["findings"])
    assert found == [  # .gitlab-ci.yml is read as GitLab (its top-level `services:`), never as compose
        (".gitlab-ci.yml", "gitlab", "DH001", 2),
        ("deploy/stack.yml", "compose", "DH001", 3),
        ("docker-compose.yml", "compose", "DH001", 3),
    ]
    assert err == ""


def test_fix_through_the_command_line_keeps_every_other_byte(tmp_path, capsys):
    from dehub.hooks.cli import main

    path = tmp_path / "docker-compose.yml"
    text = "x-img: &img\n  image: 'redis:7'   # cache\r\nservices:\r\n  cache:\r\n    <<: *img\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert main(["check", "--fix", str(path)]) == 0
    capsys.readouterr()
    expected = text.replace("'redis:7'", "'public.ecr.aws/docker/library/redis:7'")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_unresolved_hint_says_where_compose_takes_values():
    [finding] = findings("services:\n  web:\n    image: ${REGISTRY}/web:1\n", "compose")
    assert finding.code == "DH003"
    assert finding.message.endswith(
        "; compose takes REGISTRY from the environment or `.env`, which dehub does not read; "
        "give it a default in the file (`${REGISTRY:-...}`)"
    )


def test_default_is_named_as_the_variable_it_stands_for():
    [finding] = findings("services:\n  web:\n    image: ${WEB_IMAGE:-node:20}\n", "compose")
    assert finding.code == "DH001"
    assert "(through ${WEB_IMAGE})" in finding.message


def test_language_id():
    assert detect_kind(None, "dockercompose", "") == "compose"


# --- interpolation ---------------------------------------------------------------------------


def _interpolated(text: str) -> Value:
    return interpolate(Value.literal(text, 100))


@pytest.mark.parametrize(
    ("text", "result", "unresolved"),
    [
        ("node:20", "node:20", ()),
        ("${A:-node}:${B:-20}", "node:20", ()),
        ("${A-node:20}", "node:20", ()),
        ("${A:-${B:-${C:-node:20}}}", "node:20", ()),
        ("${A:-}", "", ()),
        ("$A", "$A", ("A",)),
        ("${A}", "${A}", ("A",)),
        ("x${A:?need A}y", "x${A:?need A}y", ("A",)),
        ("${A?need A}", "${A?need A}", ("A",)),
        ("${A:+node:20}", "${A:+node:20}", ("A",)),
        ("${A+node:20}", "${A+node:20}", ("A",)),
        ("${A:-${B}}", "${B}", ("B",)),
        ("a$$b", "a$b", ()),
        ("$$A", "$A", ()),
        ("$$${A:-x}", "$x", ()),
        ("price: $5", "price: $5", ()),
        ("end $", "end $", ()),
        ("$_a1.b", "$_a1.b", ("_a1",)),
    ],
)
def test_interpolate(text, result, unresolved):
    value = _interpolated(text)
    assert value.text == result
    assert value.unresolved == unresolved
    assert len(value.origins) == len(value.text)


def test_interpolate_keeps_the_default_literals_offsets():
    value = _interpolated("${IMAGE:-node}:${TAG:-20}")
    assert value.text == "node:20"
    assert value.origins == [109, 110, 111, 112, 114, 122, 123]
    assert value.variables == ("IMAGE", "TAG")
    assert value.source_run(0, 4) == (109, 113)


def test_interpolate_marks_escapes_and_unknowns():
    assert _interpolated("a$$b").origins == [100, SYNTHETIC, 103]
    assert _interpolated("x$A").origins == [100, UNKNOWN, UNKNOWN]


@pytest.mark.parametrize("text", ["${A", "${A:-${B}", "${}", "${1A}", "${A:x}", "${A B}"])
def test_interpolate_refuses_what_compose_refuses(text):
    with pytest.raises(InterpolationError):
        _interpolated(text)


def test_deep_nesting_is_left_unknown_not_a_crash():
    text = "${A:-" * 200 + "node:20" + "}" * 200
    value = _interpolated(text)
    assert not value.is_known


def test_an_inline_dockerfile_image_names_only_its_own_unknown_variables():
    """Two FROMs on two unknown compose variables: each DH003 names its own, and its hint too."""
    from helpers import findings

    text = "services:\n  app:\n    build:\n      dockerfile_inline: |\n        FROM ${A}\n        FROM ${B}\n"
    found = sorted((f.line, f.message.split(" depends on ")[1].split(",")[0]) for f in findings(text, "compose"))
    assert found == [(5, "A"), (6, "B")]
