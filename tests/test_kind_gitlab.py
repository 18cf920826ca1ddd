"""The GitLab CI kind's tables on the shared harness (tests/kindtable.py), and its pipeline model."""

from __future__ import annotations

import pytest
from helpers import findings
from kindtable import KindTable

from dehub import kinds
from dehub.gitlab import GitLabDocument, sniff
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"

NOOP = [
    pytest.param(f"job:\n  image: {M}node:20\n  script: [npm test]\n", {}, id="mirror-already"),
    pytest.param(
        "job:\n  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:20\n  services:\n"
        "    - $CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX/redis:7\n"
        "    - name: ${CI_DEPENDENCY_PROXY_SERVER}/group/dependency_proxy/containers/postgres:16\n"
        "  script: [docker pull $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/alpine:3.20]\n",
        {},
        id="dependency-proxy",
    ),
    pytest.param(
        "variables:\n  PROXY: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}\n"
        "job:\n  image: $PROXY/node:20\n  script: [x]\n",
        {},
        id="dependency-proxy-through-a-variable",
    ),
    pytest.param(
        "job:\n  image: $CI_REGISTRY_IMAGE/builder:latest\n  services: ['${CI_REGISTRY}/group/db:1']\n"
        "  script: [docker run --rm $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA test]\n",
        {},
        id="project-registry",
    ),
    pytest.param(
        "sast:\n  image: $CI_TEMPLATE_REGISTRY_HOST/security-products/semgrep:5\n  script: [x]\n",
        {},
        id="gitlab-template-registry",
    ),
    pytest.param(
        "variables:\n  NODE: node:20  # only a value, no image reads it\njob:\n  image: ghcr.io/acme/ci:1\n"
        "  script:\n    - echo $NODE\n    - npm test  # docker pull node:20 in a comment\n",
        {},
        id="variable-no-image-reads-and-comments",
    ),
    pytest.param(
        "job:\n  # dehub ignore=DH001 pinned by the vendor\n  image: node:20\n  script:\n"
        "    # dehub ignore=DH001 legacy\n    - docker pull redis:7\n",
        {},
        id="suppressed",
    ),
    pytest.param(
        "stages: [build]\ndownstream:\n  trigger:\n    include: ci/child.yml\n", {}, id="trigger-job-runs-nothing"
    ),
    pytest.param(
        "include:\n  - template: Security/SAST.gitlab-ci.yml\nworkflow:\n  rules:\n    - when: always\n",
        {},
        id="includes-only",
    ),
    pytest.param(
        "job:\n  image: registry.gitlab.com/gitlab-org/release-cli:latest\n  script: [release-cli -v]\n",
        {},
        id="other-registry",
    ),
]

PROBLEM = [
    pytest.param("job:\n  image: node:20\n  script: [npm test]\n", {(2, 10, "DH001")}, id="image-string"),
    pytest.param(
        "job:\n  image:\n    name: python:3.12\n    entrypoint: ['']\n    pull_policy: if-not-present\n"
        "    docker:\n      platform: arm64\n  script: [x]\n",
        {(3, 11, "DH001")},
        id="image-mapping",
    ),
    pytest.param(
        "job:\n  services:\n    - docker:24-dind\n    - name: postgres:16\n      alias: db\n  script: [x]\n",
        {(3, 7, "DH001"), (4, 13, "DH001")},
        id="services",
    ),
    pytest.param(
        "image: ruby:3.3\nservices: [redis:7]\nstages: [test]\njob:\n  script: [x]\n",
        {(1, 8, "DH001"), (2, 12, "DH001")},
        id="top-level-deprecated",
    ),
    pytest.param(
        "default:\n  image: ruby:3.3\n  services: [redis:7]\njob:\n  script: [x]\nother:\n  image: golang:1.22\n"
        "  script: [x]\n",
        {(2, 10, "DH001"), (3, 14, "DH001"), (7, 10, "DH001")},
        id="default",
    ),
    pytest.param(
        ".base:\n  image: node:20\n  services: [mysql:8]\njob:\n  extends: .base\n  script: [x]\n",
        {(2, 10, "DH001"), (3, 14, "DH001")},
        id="extends-template",
    ),
    pytest.param(
        ".unused-template:\n  image: node:20\n  script: [docker pull redis:7]\n",
        {(2, 10, "DH001"), (3, 24, "DH001")},
        id="template-no-job-extends",
    ),
    pytest.param(
        ".a:\n  image: node:18\n.b:\n  image: node:20\njob:\n  extends: [.a, .b]\n  script: [x]\n",
        {(2, 10, "DH001"), (4, 10, "DH001")},
        id="extends-several",
    ),
    pytest.param(
        ".images:\n  node: node:20\njob:\n  image: !reference [.images, node]\n  script:\n"
        "    - !reference [.setup, script]\n    - echo done\n.setup:\n  script:\n    - docker pull alpine:3.20\n",
        {(2, 9, "DH001"), (10, 19, "DH001")},
        id="reference-tags",
    ),
    pytest.param(
        ".defaults: &defaults\n  image: node:20\njob:\n  <<: *defaults\n  script: [x]\n",
        {(2, 10, "DH001")},
        id="anchor-merge-key",
    ),
    pytest.param(
        "variables:\n  IMAGE: node:20\njob:\n  image: $IMAGE\n  script: [x]\n",
        {(2, 10, "DH001")},
        id="variable-top-level",
    ),
    pytest.param(
        "variables:\n  IMAGE: node:20\njob:\n  variables:\n    IMAGE:\n      value: node:22\n"
        "      description: the build image\n  image: ${IMAGE}\n  script: [x]\n",
        {(6, 14, "DH001")},
        id="job-variable-wins",
    ),
    pytest.param(
        "job:\n  image: $BUILD_IMAGE\n  services: ['${CI_PROJECT_NAMESPACE}/db:1']\n  script: [x]\n",
        {(2, 10, "DH003"), (3, 15, "DH003")},
        id="unknown-variables",
    ),
    pytest.param("job:\n  image: node:$NODE_VERSION\n  script: [x]\n", {(2, 10, "DH001")}, id="unknown-tag-known-name"),
    pytest.param(
        "test:\n  parallel:\n    matrix:\n      - DB: ['postgres:15', 'mysql:8']\n  services: [$DB]\n  script: [x]\n",
        {(4, 15, "DH001"), (4, 30, "DH001")},
        id="parallel-matrix",
    ),
    pytest.param(
        "job:\n  image: docker:24\n  services: [docker:24-dind]\n  before_script:\n    - docker pull redis:7\n"
        "  script:\n    - docker run --rm busybox true\n  after_script: docker rm -f $(docker run -d nginx)\n",
        {(2, 10, "DH001"), (3, 14, "DH001"), (5, 19, "DH001"), (7, 23, "DH001"), (8, 46, "DH001")},
        id="scripts",
    ),
    pytest.param(
        "spec:\n  inputs:\n    image:\n      default: node:20\n---\njob:\n  image: $[[ inputs.image ]]\n"
        "  script: [x]\n",
        {(4, 16, "DH001")},
        id="spec-input-default",
    ),
    pytest.param("job: {image: 'node:20', script: [x]}\n", {(1, 15, "DH001")}, id="flow-style"),
]

FIX = [
    pytest.param(
        "job:\n  image: node:20  # the build image\n  script: [npm test]\n",
        f"job:\n  image: {M}node:20  # the build image\n  script: [npm test]\n",
        {},
        id="plain-comment-kept",
    ),
    pytest.param(
        "job:\n  image: 'node:20'\n  services:\n    - \"redis:7\"\n  script: [x]\n",
        f"job:\n  image: '{M}node:20'\n  services:\n    - \"{M}redis:7\"\n  script: [x]\n",
        {},
        id="quoted",
    ),
    pytest.param(
        "job: {image: {name: 'node:20', entrypoint: ['']}, services: [redis:7], script: [x]}\n",
        f"job: {{image: {{name: '{M}node:20', entrypoint: ['']}}, services: [{M}redis:7], script: [x]}}\n",
        {},
        id="flow-style",
    ),
    pytest.param(
        'variables:\n  IMAGE: "node:20"\njob:\n  image: ${IMAGE}\n  script: [x]\n',
        f'variables:\n  IMAGE: "{M}node:20"\njob:\n  image: ${{IMAGE}}\n  script: [x]\n',
        {},
        id="variable-literal",
    ),
    pytest.param(
        ".base: &base\n  image: python:3.12\njob:\n  <<: *base\n  script:\n    - docker pull alpine:3.20\n",
        f".base: &base\n  image: {M}python:3.12\njob:\n  <<: *base\n  script:\n    - docker pull {M}alpine:3.20\n",
        {},
        id="anchor-and-script",
    ),
    pytest.param(
        "spec:\n  inputs:\n    image:\n      default: 'node:20'\n---\njob:\n  image: $[[ inputs.image ]]\n"
        "  script: [x]\n",
        f"spec:\n  inputs:\n    image:\n      default: '{M}node:20'\n---\njob:\n  image: $[[ inputs.image ]]\n"
        "  script: [x]\n",
        {},
        id="spec-input-default",
    ),
    pytest.param(
        "job:\n  image: node:$NODE_VERSION\n  script: [x]\n",
        f"job:\n  image: {M}node:$NODE_VERSION\n  script: [x]\n",
        {},
        id="unknown-tag",
    ),
]

test_noop, test_problem, test_fix = KindTable("gitlab").tests(NOOP, PROBLEM, FIX)


def _document(text: str) -> GitLabDocument:
    return GitLabDocument(SourceText(text))


def test_jobs_phases_and_notes():
    document = _document(
        "default:\n  image: ruby:3.3\n.hidden:\n  image: node:20\nbuild:\n  services: [docker:dind]\n"
        "  script: [docker pull redis:7]\ntest:\n  parallel: 3\n  script: [x]\n"
    )
    jobs = document.pipeline.jobs
    assert [job.id for job in jobs] == ["build", "test"]  # the hidden template is no job
    build = jobs[0]
    assert [(use.value.text, use.context.phase) for use in build.runs[0]] == [
        ("ruby:3.3", Phase.SETUP), ("docker:dind", Phase.SETUP), ("redis:7", Phase.STEP)
    ]  # fmt: skip
    assert "DOCKER_AUTH_CONFIG" in build.note(Phase.SETUP)
    assert jobs[1].combinations == 3 and len(jobs[1].runs) == 3
    assert [use.value.text for use in document.extra] == ["node:20"]  # the template's image, still reported


def test_parallel_is_inherited_through_extends():
    job = _document(".many:\n  parallel: 4\njob:\n  extends: .many\n  image: node:20\n  script: [x]\n").pipeline.jobs[0]
    assert job.combinations == 4 and len(job.runs) == 4


def test_matrix_counts_combinations():
    document = _document(
        "job:\n  parallel:\n    matrix:\n      - A: [x, y]\n        B: [1, 2]\n      - A: z\n  image: node:$B\n"
        "  script: [x]\n"
    )
    job = document.pipeline.jobs[0]
    assert job.combinations == 5
    texts = sorted(run[0].value.text for run in job.runs)
    assert texts == ["node:$B", "node:1", "node:1", "node:2", "node:2"]  # no B in `A: z`: unknown


def test_inherit_default_false_and_variables_false():
    text = (
        "variables:\n  IMAGE: node:20\ndefault:\n  image: ruby:3.3\njob:\n  inherit:\n    default: false\n"
        "    variables: false\n  services: [$IMAGE]\n  script: [x]\n"
    )
    job = _document(text).pipeline.jobs[0]
    assert [use.value.text for use in job.runs[0]] == ["$IMAGE"]
    # the default image no job uses is still reported where it is written; IMAGE is no image here
    assert {(f.line, f.code) for f in findings(text, "gitlab")} == {(4, "DH001"), (9, "DH003")}


def test_login_in_script_is_an_event():
    text = "job:\n  script:\n    - docker login -u x -p y\n    - docker pull node:20\n"
    job = _document(text).pipeline.jobs[0]
    assert [event.kind.value for event in job.events] == ["login"]


def test_predefined_variable_hint():
    found = findings("job:\n  image: $CI_IMAGE\n  script: [x]\n", "gitlab")
    assert [f.code for f in found] == ["DH003"]
    assert "predefined `CI_*` variable" in found[0].message and "`CI_IMAGE`" in found[0].message


def test_reference_to_nothing_and_cycles_are_harmless():
    text = (
        "job:\n  image: !reference [.missing, image]\n  extends: job\n  script:\n    - !reference [job, script]\n"
        ".a:\n  extends: .b\n.b:\n  extends: .a\n  image: !reference [.b, image]\n"
    )
    assert findings(text, "gitlab") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stages:\n  - build\nbuild:\n  script: make\n", True),
        ("image: node:20\ntest:\n  script:\n    - npm test\n", True),
        (".tpl:\n  before_script: [x]\n", True),
        ("services:\n  web:\n    image: nginx\n", False),  # compose
        ("version: '3'\nservices:\n  web:\n    image: nginx\n", False),
        ("language: python\nscript: pytest\nservices: [redis]\n", False),  # Travis
        ("on: push\njobs:\n  a:\n    steps:\n      - run: x\n", False),
        ("trigger: [main]\npool:\n  vmImage: ubuntu-latest\nstages:\n  - stage: Build\n", False),  # Azure
        ("pipelines:\n  default:\n    - step:\n        script: [x]\n", False),  # Bitbucket
        ("spec:\n  inputs:\n    stage:\n      default: test\n---\nlint:\n  stage: $[[ inputs.stage ]]\n", True),
        ("develop:\n  - step:\n      script: [mvn deploy]\n", False),  # Bitbucket steps without `pipelines:`
        ("runtime: python39\nhandlers:\n  - url: /.*\n    script: auto\n", False),  # App Engine app.yaml
        ("runtime: python27\nhandlers:\n- url: /.*\n  script: main.app\n", False),
        ("include:\n- local: ci/a.yml\nbuild: &build\n  # the job\n  script:\n  - make\n", True),
        ("- hosts: all\n  tasks:\n    - name: x\n      script: run.sh\n", False),  # Ansible
        ("workflows:\n  ios:\n    scripts:\n      - name: x\n        script: make\n", False),  # Codemagic
    ],
)
def test_sniff(text, expected):
    assert sniff(text) is expected


def test_kind_by_path_and_content():
    assert kinds.kind_for_path("ci/deploy.gitlab-ci.yml") == "gitlab"
    assert kinds.kind_for_path(".gitlab/ci/test.yml") == "gitlab"
    assert kinds.kind_for_text("stages: [a]\njob:\n  script: [x]\n") == "gitlab"


def test_a_use_with_a_known_registry_is_resolved_as_not_docker_hub():
    """The engine side (dehub.resolve): a use whose kind names its registry is neither Docker Hub
    nor unresolved, whatever its text; without it, the same text is unresolved (DH003)."""
    from dehub.imageuse import ImageUse
    from dehub.policy import Policy
    from dehub.resolve import resolve
    from dehub.value import UNKNOWN, Value

    text = "$PREFIX/node:20"
    value = Value(text, [UNKNOWN] * 7 + list(range(7, len(text))), unresolved=("PREFIX",))
    use = ImageUse("gitlab-image", value, 0, len(text))
    assert resolve(use, Policy()).unresolved
    use.registry = "the GitLab Dependency Proxy"
    subject = resolve(use, Policy())
    assert not subject.unresolved and subject.decision is None and subject.registry == use.registry


def test_extends_in_breadth_and_depth_is_read_once_per_template():
    """Eleven levels of five templates, each extending all five of the level below: walking every
    path would take 5**11 steps; each template is read once."""
    import time

    lines = [f".l0_{i}:\n  variables:\n    V{i}: x\n" for i in range(4)]
    lines.append(".l0_4:\n  variables:\n    V4: x\n  image: node:20\n")
    for level in range(1, 11):
        parents = ", ".join(f".l{level - 1}_{i}" for i in range(5))
        lines += [f".l{level}_{i}:\n  extends: [{parents}]\n" for i in range(5)]
    lines.append("job:\n  extends: [.l10_0, .l10_1, .l10_2, .l10_3, .l10_4]\n  services: [$V3]\n  script: [x]\n")
    text = "".join(lines)
    started = time.perf_counter()
    job = _document(text).pipeline.jobs[0]
    assert time.perf_counter() - started < 5
    assert [use.value.text for use in job.runs[0]] == ["node:20", "x"]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ('A: "$A$A$A$A$A$A$A$A"', "$A$A$A$A$A$A$A$A"),  # names itself: the outer values are unknown
        ("A: $B\n  B: $A", "$A"),  # a cycle
        ("".join(f'{a}: "{("$" + b) * 8}"\n  ' for a, b in zip("ABCDEF", "BCDEFG", strict=True)) + "G: x", None),
    ],
)
def test_variables_that_name_variables_expand_in_bounded_time(variables, expected):
    import time

    started = time.perf_counter()
    text = f"variables:\n  {variables}\njob:\n  image: $A\n  script: [docker pull $A]\n"
    job = _document(text).pipeline.jobs[0]
    assert time.perf_counter() - started < 5
    image = job.runs[0][0].value
    if expected is not None:
        assert image.text == expected
    else:
        assert len(image.text) < 10_000 and not image.is_known
