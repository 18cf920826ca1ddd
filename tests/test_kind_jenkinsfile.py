"""The Jenkinsfile kind's table on the shared harness (tests/kindtable.py): declarative docker
agents, Kubernetes pod templates, the Docker Pipeline plugin's `docker.image(...)` calls,
`sh` scripts in every Groovy string form, GString interpolation from literals in the file,
comments, and what is not a pull. The tokenizer in depth: test_jenkins_lexer.py."""

from __future__ import annotations

import pytest
from helpers import findings, fixed
from kindtable import KindTable

from dehub import jenkins
from dehub.pipeline import Phase
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"


def declarative(agent: str, steps: str = "sh 'make'") -> str:
    return (
        f"pipeline {{\n  agent {agent}\n  stages {{\n    stage('a') {{\n      steps {{\n        {steps}\n"
        "      }\n    }\n  }\n}\n"
    )


NOOP = [
    pytest.param(declarative("any"), {}, id="agent-any"),
    pytest.param(declarative(f"{{ docker {{ image '{M}node:20' }} }}"), {}, id="mirrored"),
    pytest.param(declarative("{ docker 'ghcr.io/acme/app:1' }"), {}, id="other-registry"),
    pytest.param(declarative("{ dockerfile true }"), {}, id="dockerfile-agent-is-built"),
    pytest.param(declarative("{ dockerfile { filename 'ci.Dockerfile' } }"), {}, id="dockerfile-agent-filename"),
    pytest.param(declarative("any", "// docker.image('node:20').pull()"), {}, id="line-comment"),
    pytest.param(declarative("any", "/* sh 'docker pull node:20' */"), {}, id="block-comment"),
    pytest.param(declarative("any", "echo 'docker pull node:20'"), {}, id="echo-is-no-sh"),
    pytest.param(declarative("any", "sh 'echo docker run node:20'"), {}, id="echo-in-sh"),
    pytest.param(declarative("any", "bat 'docker pull node:20'"), {}, id="bat"),
    pytest.param(declarative("any", "script { docker.build('acme/app:1').push() }"), {}, id="build-push"),
    pytest.param(
        declarative("any", "script { def app = docker.build('app:1'); docker.image('app:1').inside { sh 'x' } }"),
        {},
        id="built-image-is-local",
    ),
    pytest.param(declarative("any", "script { docker.image('node:20').push() }"), {}, id="push-is-no-pull"),
    pytest.param(
        "node {\n  docker.withRegistry('https://ghcr.io', 'creds') {\n    docker.image('acme/app:1').pull()\n  }\n}\n",
        {},
        id="with-registry-elsewhere",
    ),
    pytest.param(
        declarative("{ docker { image 'node:20'\n registryUrl 'https://registry.example.com' } }"),
        {},
        id="agent-registry-url",
    ),
    pytest.param("node {\n  x = a / b / c\n  y = /docker pull node:20/\n}\n", {}, id="slashy-and-division"),
]

PROBLEM = [
    pytest.param(declarative("{ docker { image 'node:20' } }"), {(2, 27, "DH001")}, id="docker-agent-block"),
    pytest.param(declarative("{ docker 'node:20' }"), {(2, 19, "DH001")}, id="docker-agent-string"),
    pytest.param(declarative('{ docker "node:20" }'), {(2, 19, "DH001")}, id="docker-agent-double-quoted"),
    pytest.param(
        declarative("{ docker { image 'node:20'\n registryUrl 'https://index.docker.io/v1/' } }"),
        {(2, 27, "DH001")},
        id="agent-registry-url-docker-hub",
    ),
    pytest.param(
        "pipeline {\n  agent { docker { image 'maven:3'; args '-v /m2:/root/.m2' } }\n}\n",
        {(2, 27, "DH001")},
        id="agent-args",
    ),
    pytest.param(declarative("any", "sh 'docker pull node:20'"), {(6, 25, "DH001")}, id="sh-single-quoted"),
    pytest.param(declarative("any", 'sh "docker pull node:20"'), {(6, 25, "DH001")}, id="sh-double-quoted"),
    pytest.param(
        declarative("any", "sh '''\n          docker pull node:20\n        '''"), {(7, 23, "DH001")}, id="sh-triple"
    ),
    pytest.param(
        declarative("any", "sh(script: 'docker pull node:20', returnStdout: true)"), {(6, 33, "DH001")}, id="sh-named"
    ),
    pytest.param(
        declarative("any", "sh label: 'pull', script: 'docker run --rm node:20 true'"),
        {(6, 52, "DH001")},
        id="sh-named-no-parens",
    ),
    pytest.param(declarative("any", "sh('docker pull node:20')"), {(6, 25, "DH001")}, id="sh-parens"),
    pytest.param(
        "node {\n  docker.image('node:20').inside('-u root') {\n    sh 'npm test'\n  }\n}\n",
        {(2, 17, "DH001")},
        id="docker-image-inside",
    ),
    pytest.param("node {\n  docker.image('redis:7').withRun() { c -> }\n}\n", {(2, 17, "DH001")}, id="with-run"),
    pytest.param("node {\n  docker.image('redis:7').run('-p 6379')\n}\n", {(2, 17, "DH001")}, id="run"),
    pytest.param(
        "node {\n  def img = docker.image('node:20')\n  img.pull()\n}\n", {(2, 27, "DH001")}, id="image-variable"
    ),
    pytest.param(
        "def TAG = '20'\nnode {\n  docker.image(\"node:${TAG}\").pull()\n}\n",
        {(3, 17, "DH001")},
        id="gstring-def",
    ),
    pytest.param(
        "node {\n  docker.image(\"${REGISTRY}/node:20\").pull()\n}\n", {(2, 17, "DH003")}, id="gstring-unknown"
    ),
    pytest.param("node {\n  docker.image(IMAGE).pull()\n}\n", {(2, 16, "DH003")}, id="variable-unknown"),
    pytest.param(
        "pipeline {\n  agent any\n  environment {\n    IMG = 'redis:7'\n  }\n  stages { stage('a') { steps {\n"
        "    sh 'docker run --rm $IMG'\n  } } }\n}\n",
        {(4, 12, "DH001")},
        id="environment-to-shell",
    ),
    pytest.param(
        "pipeline {\n  agent any\n  parameters {\n    string(name: 'IMAGE', defaultValue: 'node:20')\n  }\n"
        "  stages { stage('a') { steps {\n    sh \"docker pull ${params.IMAGE}\"\n  } } }\n}\n",
        {(4, 42, "DH001")},
        id="parameter-default",
    ),
    pytest.param(
        "podTemplate(containers: [containerTemplate(name: 'go', image: 'golang:1.22', command: 'cat')]) {\n"
        "  node(POD_LABEL) { sh 'go test' }\n}\n",
        {(1, 64, "DH001")},
        id="container-template",
    ),
    pytest.param(
        "dockerNode('jenkins/jnlp-agent-maven') {\n  sh 'mvn -B install'\n}\ndockerNode(image: 'maven:3') { }\n",
        {(1, 13, "DH002"), (4, 20, "DH001")},
        id="docker-node",
    ),
    pytest.param(
        "pipeline {\n  agent {\n    kubernetes {\n      yaml '''\nspec:\n  containers:\n  - name: m\n"
        "    image: maven:3.9\n'''\n    }\n  }\n}\n",
        {(8, 12, "DH001")},
        id="kubernetes-pod-yaml",
    ),
    pytest.param(
        declarative("any", "// dehub ignore=DH001\n        sh 'docker pull node:20'\n        sh 'docker pull redis:7'"),
        {(8, 25, "DH001")},
        id="suppression-comment",
    ),
    pytest.param(
        "node {\n  sh '''\n    # dehub ignore=DH001 warm the cache\n    docker pull node:20\n    docker pull redis:7\n"
        "  '''\n}\n",
        {(5, 17, "DH001")},
        id="suppression-in-script",
    ),
    pytest.param(
        "pipeline {\n  parameters { string(name: 'IMAGE', defaultValue: 'node:20') }\n  agent any\n  stages {\n"
        "    stage('a') { steps { script { docker.image(params.IMAGE).pull() } } }\n  }\n}\n",
        {(2, 53, "DH001")},
        id="params-argument",
    ),
    pytest.param("node {\n  docker.image(env.BASE).pull()\n}\n", {(2, 16, "DH003")}, id="env-argument-unknown"),
    pytest.param(
        "node {\n  withEnv(['IMG=node:20']) {\n    sh 'docker pull $IMG'\n  }\n  sh 'docker pull $IMG'\n}\n",
        {(2, 17, "DH001"), (5, 19, "DH003")},
        id="with-env-only-in-its-block",
    ),
    pytest.param(declarative("any", "sh 'docker pull node:20"), {(6, 12, "DH900")}, id="unterminated-string"),
]

FIX = [
    pytest.param(
        declarative("{ docker { image 'node:20' } }  // build agent"),
        declarative(f"{{ docker {{ image '{M}node:20' }} }}  // build agent"),
        {},
        id="agent-comment-kept",
    ),
    pytest.param(
        declarative("any", 'sh """\n          docker pull node:20\n          docker run \\$HOME/x || true\n"""'),
        declarative("any", f'sh """\n          docker pull {M}node:20\n          docker run \\$HOME/x || true\n"""'),
        {},
        id="sh-gstring-triple",
    ),
    pytest.param(
        "def TAG = '20'\nnode {\n  docker.image(\"node:${TAG}\").inside { sh 'make' }\n}\n",
        f"def TAG = '20'\nnode {{\n  docker.image(\"{M}node:${{TAG}}\").inside {{ sh 'make' }}\n}}\n",
        {},
        id="gstring-name-literal",
    ),
    pytest.param(
        "def BASE = 'python:3.12'\nnode {\n  docker.image(\"${BASE}\").pull()\n}\n",
        f"def BASE = '{M}python:3.12'\nnode {{\n  docker.image(\"${{BASE}}\").pull()\n}}\n",
        {},
        id="fix-the-def-literal",
    ),
    pytest.param(
        "pipeline {\n  agent any\n  environment { IMG = \"redis:7\" }\n  stages { stage('a') { steps {\n"
        "    sh 'docker run $IMG'\n  } } }\n}\n",
        f"pipeline {{\n  agent any\n  environment {{ IMG = \"{M}redis:7\" }}\n  stages {{ stage('a') {{ steps {{\n"
        "    sh 'docker run $IMG'\n  } } }\n}\n",
        {},
        id="environment-literal",
    ),
    pytest.param(
        "node {\n  sh $/docker pull node:20/$\n  sh(/docker pull redis:7/)\n}\n",
        f"node {{\n  sh $/docker pull {M}node:20/$\n  sh(/docker pull {M}redis:7/)\n}}\n",
        {},
        id="slashy-strings",
    ),
    pytest.param(
        "node {\n  withEnv([\"IMG=redis:7\", 'X=1']) { sh 'docker run $IMG' }\n}\n",
        f"node {{\n  withEnv([\"IMG={M}redis:7\", 'X=1']) {{ sh 'docker run $IMG' }}\n}}\n",
        {},
        id="with-env-literal",
    ),
    pytest.param(
        "pipeline {\n  agent {\n    kubernetes {\n      yaml '''\nspec:\n  containers:\n  - name: m\n"
        "    image: \"maven:3.9\"\n'''\n    }\n  }\n}\n",
        "pipeline {\n  agent {\n    kubernetes {\n      yaml '''\nspec:\n  containers:\n  - name: m\n"
        f"    image: \"{M}maven:3.9\"\n'''\n    }}\n  }}\n}}\n",
        {},
        id="kubernetes-pod-yaml",
    ),
]

test_noop, test_problem, test_fix = KindTable("jenkinsfile").tests(NOOP, PROBLEM, FIX)


def test_the_pipeline_is_one_job_agents_are_set_up_and_steps_in_order():
    steps = "sh 'docker login -u x'\n        script { docker.image('redis:7').pull() }"
    text = declarative("{ docker 'node:20' }", steps)
    document = jenkins.parse(SourceText(text))
    [job] = document.pipeline.jobs
    [run] = job.runs
    assert [(use.value.text, use.context.phase, use.context.step) for use in run] == [
        ("node:20", Phase.SETUP, -1),
        ("redis:7", Phase.STEP, 1),
    ]
    assert [(event.kind.value, event.step) for event in job.events] == [("login", 0)]


def test_set_up_note_and_hint_are_jenkins():
    [agent] = findings(declarative("{ docker 'node:20' }"), "jenkinsfile")
    assert agent.note is not None and "when the agent starts" in agent.note
    [unknown] = findings("node {\n  docker.image(\"${REG}/app:1\").pull()\n}\n", "jenkinsfile")
    assert "REG gets its value when the build runs" in unknown.message


def test_a_name_given_two_different_literals_is_unknown():
    text = "def T = '1'\nif (x) { T = '2' }\nnode {\n  docker.image(\"${T}\").pull()\n}\n"
    assert [f.code for f in findings(text, "jenkinsfile")] == ["DH003"]


def test_sniff():
    assert jenkins.sniff("#!groovy\n// ci\npipeline {\n  agent any\n}\n")
    assert jenkins.sniff("@Library('lib') _\nnode { }\n")
    assert jenkins.sniff("node('linux') {\n}\n")
    assert jenkins.sniff("podTemplate(containers: []) {\n  node(POD_LABEL) { }\n}\n")
    assert jenkins.sniff("def x = 1\n\npipeline {\n  agent any\n}\n")
    assert not jenkins.sniff("def x = 1\nprintln x  // a pipeline { of sorts\n")
    assert not jenkins.sniff("apply plugin: 'java'\n")
    assert not jenkins.sniff("FROM node:20\n")


def test_an_unused_suppression_in_a_script_is_reported_and_removed():
    text = "node {\n  sh \"\"\"\n    # dehub ignore=DH001\n    echo no pull here\n  \"\"\"\n}\n"
    found = findings(text, "jenkinsfile", show_unused_suppressions=True)
    assert [(f.line, f.column, f.code) for f in found] == [(3, 5, "DH901")]
    assert fixed(text, "jenkinsfile", show_unused_suppressions=True) == text.replace("    # dehub ignore=DH001\n", "")


def test_a_pragma_that_does_not_parse_is_located_after_the_slashes():
    text = "node {\n  // dehub ignore DH001\n  sh 'docker pull node:20'\n}\n"
    found = {(f.line, f.column, f.code) for f in findings(text, "jenkinsfile")}
    assert found == {(2, 3, "DH902"), (3, 19, "DH001")}


def test_a_self_referencing_definition_is_worked_out_once_not_exponentially():
    """`def a = "${a}${a}..."`: each name is resolved once, and a cycle is unknown (DH003);
    with 12 placeholders the old lookup would take hours."""
    import time

    from helpers import findings

    text = 'def a = "' + "${a}" * 12 + '"\npipeline { agent any\n stages { stage("x") { steps { script {\n'
    text += "  docker.image(a).pull()\n} } } } }\n"
    started = time.perf_counter()
    assert [f.code for f in findings(text, "jenkinsfile")] == ["DH003"]
    assert time.perf_counter() - started < 5


def test_a_pragma_in_a_script_skips_comment_lines_to_the_command():
    from helpers import findings

    text = (
        "pipeline {\n  agent any\n  stages {\n    stage('a') {\n      steps {\n        sh '''\n"
        "          # dehub ignore=DH001 the cache image\n          # pull the image\n          docker pull redis\n"
        "        '''\n      }\n    }\n  }\n}\n"
    )
    assert findings(text, "jenkinsfile") == []
    assert [f.line for f in findings(text.replace("# dehub ignore=DH001 the", "# the"), "jenkinsfile")] == [9]


def test_env_names_read_the_environment_not_a_groovy_local():
    """`env.IMG` is the environment: a `def IMG` local does not give it a value; `env.IMG = ...`
    (or `environment {}`) does."""
    from helpers import findings

    text = (
        "def IMG = 'redis'\npipeline { agent any\n stages { stage('x') { steps { script {\n"
        '  docker.image("${env.IMG}").pull()\n  docker.image(env.IMG).pull()\n} } } } }\n'
    )
    assert [(f.line, f.code) for f in findings(text, "jenkinsfile")] == [(4, "DH003"), (5, "DH003")]
    assigned = text.replace("def IMG = 'redis'", "env.IMG = 'redis'")
    assert [(f.line, f.code) for f in findings(assigned, "jenkinsfile")] == [(1, "DH001")]
