"""CI variables x jobs: the work of reading a file is linear in its size, for every kind.

The issue's shapes: a file-level variables block of thousands of names and thousands of jobs
(or steps) that read none or one of them. Each job copied all the variables, expanded each,
and keyed its script cache by all of them: 4,000 x 4,000 GitLab took 61 s and 3.9 GB, a
6,400 x 6,400 workflow 158 s and 8.7 GB. Each test generates a reproducer, asserts its
findings, and counts the work done (Python calls, builtins included, under a profiler hook:
exact, where time is noisy) at n and 4n: linear work is 4 times as much, quadratic 16 times
(at these sizes, where the per-job work still counts, 6 to 13 times).
"""

from __future__ import annotations

import sys

import pytest
from helpers import count_calls, findings

from dehub import ciscript


def gitlab(n: int) -> str:
    variables = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    jobs = "".join(
        f'j{i}:\n  image: "{"$V" + str(i) if i % 10 == 0 else "ubuntu:22.04"}"\n  script: ["echo hi"]\n'
        for i in range(n)
    )
    return f"stages: [test]\nvariables:\n{variables}{jobs}"


def gitlab_inherit(n: int) -> str:
    """Each job inherits one of the file's variables by name (`inherit: variables: [Vi]`)."""
    variables = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    jobs = "".join(f"j{i}:\n  inherit: {{variables: [V{i}]}}\n  image: $V{i}\n  script: [echo]\n" for i in range(n))
    return f"variables:\n{variables}{jobs}"


def workflow(n: int) -> str:
    env = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    job = "    runs-on: ubuntu-latest\n    container: ubuntu:22.04\n    steps:\n      - run: docker run ubuntu:22.04\n"
    return f"on: push\nenv:\n{env}jobs:\n" + "".join(f"  j{i}:\n{job}" for i in range(n))


def workflow_job_env(n: int) -> str:
    """Jobs with an env of their own (one overriding the workflow's), and a step that reads both."""
    env = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    jobs = "".join(
        f"  j{i}:\n    runs-on: ubuntu-latest\n    env:\n      J{i}: node:{i}\n      V1: alpine:{i}\n"
        f"    steps:\n      - run: docker run $J{i} && docker run $V1\n"
        for i in range(n)
    )
    return f"on: push\nenv:\n{env}jobs:\n{jobs}"


def circleci(n: int) -> str:
    env = "".join(f'      V{i}: "value{i}"\n' for i in range(n))
    jobs = "".join(f"  j{i}:\n    executor: big\n    steps:\n      - run: docker run $V{i}\n" for i in range(n))
    workflows = "".join(f"      - j{i}\n" for i in range(n))
    return (
        "version: 2.1\nexecutors:\n  big:\n    docker:\n      - image: ubuntu:22.04\n    environment:\n"
        f"{env}jobs:\n{jobs}workflows:\n  w:\n    jobs:\n{workflows}"
    )


def circleci_parameters(n: int) -> str:
    """Pipeline parameters, read by each job and by a command every job invokes."""
    parameters = "".join(f"  p{i}:\n    type: string\n    default: value{i}\n" for i in range(n))
    jobs = "".join(
        f"  j{i}:\n    docker:\n      - image: ubuntu:22.04\n    steps:\n      - go\n"
        f"      - run: docker run << pipeline.parameters.p{i} >>\n"
        for i in range(n)
    )
    workflows = "".join(f"      - j{i}\n" for i in range(n))
    return (
        f"version: 2.1\nparameters:\n{parameters}commands:\n  go:\n    steps:\n"
        f"      - run: docker run << pipeline.parameters.p0 >>\njobs:\n{jobs}workflows:\n  w:\n    jobs:\n{workflows}"
    )


def azure(n: int) -> str:
    variables = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    job = "- job: j{i}\n  container: ubuntu:22.04\n  steps:\n  - script: docker run $V{i}\n"
    jobs = "".join(job.format(i=i) for i in range(n))
    return f"trigger: [main]\nvariables:\n{variables}jobs:\n{jobs}"


def drone(n: int) -> str:
    env = "".join(f'  V{i}: "value{i}"\n' for i in range(n))
    steps = "".join(f"- name: s{i}\n  image: ubuntu:22.04\n  commands:\n  - docker run $V{i}\n" for i in range(n))
    return f"kind: pipeline\ntype: docker\nname: default\nenvironment:\n{env}steps:\n{steps}"


def woodpecker(n: int) -> str:
    """Every step's `environment: *env` names the one anchor of n variables."""
    env = "".join(f'    V{i}: "value{i}"\n' for i in range(n))
    steps = "".join(
        f"  s{i}:\n    image: ubuntu:22.04\n    environment: *env\n    commands:\n      - docker run $V{i}\n"
        for i in range(n)
    )
    return f"variables:\n  - &env\n{env}steps:\n{steps}"


def jenkinsfile(n: int) -> str:
    env = "".join(f'    V{i} = "value{i}"\n' for i in range(n))
    stages = "".join(
        f"    stage('s{i}') {{\n      agent {{ docker {{ image 'ubuntu:22.04' }} }}\n"
        f"      steps {{ sh 'docker run $V{i}' }}\n    }}\n"
        for i in range(n)
    )
    return f"pipeline {{\n  agent any\n  environment {{\n{env}  }}\n  stages {{\n{stages}  }}\n}}\n"


def bitbucket(n: int) -> str:
    variables = "".join(f"          - name: V{i}\n            default: value{i}\n" for i in range(n))
    steps = "".join(
        f"      - step:\n          image: ubuntu:22.04\n          script:\n            - docker run $V{i}\n"
        for i in range(n)
    )
    return f"image: ubuntu:22.04\npipelines:\n  custom:\n    big:\n      - variables:\n{variables}{steps}"


def shell(n: int) -> str:
    exports = "".join(f'export V{i}="value{i}"\n' for i in range(n))
    return "#!/bin/bash\n" + exports + "".join(f"docker run ubuntu:22.04 $V{i}\n" for i in range(n))


def calls(text: str, kind: str) -> tuple[int, list]:
    """How many Python and builtin calls linting `text` makes, and its findings."""
    count = 0

    def hook(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        found = findings(text, kind)
    finally:
        sys.setprofile(None)
    return count, found


def images(found) -> list[tuple[str, str]]:
    return sorted((f.code, f.image) for f in found)


def each(*pulled):
    """The images reported for n jobs: `pulled(i)` for each job i (a finding per place written)."""
    return lambda n: [image.format(i=i) for i in range(n) for image in pulled]


def value_or_ubuntu(n: int) -> list[str]:
    return [f"value{i}" if i % 10 == 0 else "ubuntu:22.04" for i in range(n)]


# kind, generator, the images its findings name for n jobs
SHAPES = [
    ("gitlab", gitlab, value_or_ubuntu),
    ("gitlab", gitlab_inherit, each("value{i}")),
    ("workflow", workflow, each("ubuntu:22.04", "ubuntu:22.04")),
    ("workflow", workflow_job_env, each("node:{i}", "alpine:{i}")),
    ("circleci", circleci, lambda n: ["ubuntu:22.04", *each("value{i}")(n)]),  # one executor image
    ("circleci", circleci_parameters, each("ubuntu:22.04", "value{i}")),
    ("azure", azure, each("ubuntu:22.04", "value{i}")),
    ("drone", drone, each("ubuntu:22.04", "value{i}")),
    ("woodpecker", woodpecker, each("ubuntu:22.04", "value{i}")),
    ("jenkinsfile", jenkinsfile, each("ubuntu:22.04", "value{i}")),
    ("bitbucket", bitbucket, lambda n: ["ubuntu:22.04", *each("ubuntu:22.04", "value{i}")(n)]),  # and the default
    ("shell", shell, each("ubuntu:22.04")),  # fixed before (f37b22f): kept linear
]
N = 150


@pytest.mark.parametrize(("kind", "make", "reported"), SHAPES, ids=[make.__name__ for _, make, _ in SHAPES])
def test_variables_times_jobs_is_linear_work(kind, make, reported):
    findings(make(3), kind)  # caches of the process (image names, rules) warmed
    small, found = calls(make(N), kind)
    large, _ = calls(make(4 * N), kind)
    assert sorted(f.image for f in found) == sorted(reported(N))  # each job's pulls, its variable's value
    assert large < 5 * small, (small, large)  # linear: 4x; each shape was 6x to 13x


def test_the_shared_image_is_found_with_every_job_pulling_it():
    """The ubuntu pulls (and the value pulls) are DH001/DH002 per site, the same before and after."""
    found = findings(gitlab(20), "gitlab")
    assert images(found).count(("DH001", "ubuntu:22.04")) == 18
    assert [f.line for f in found if f.image == "value10"] == [3 + 10]  # fixed where V10 is set


def test_gitlab_expands_each_variable_only_where_it_is_read(monkeypatch):
    """Each job's `$Vi` image expands one variable: the file's n are not expanded per job."""
    counted = count_calls(monkeypatch, ciscript, "expand")
    n = 400
    found = findings(gitlab(n), "gitlab")
    assert len(found) == n
    assert counted["calls"] <= 4 * n  # n x n before


def test_gitlab_a_template_variable_overridden_by_a_job_expands_with_the_job_value():
    text = (
        "variables:\n  BASE: node\n  IMAGE: $BASE:20\n"
        ".t:\n  variables:\n    BASE: python\n"
        "a:\n  extends: .t\n  script: [docker run $IMAGE]\n"
        "b:\n  script: [docker run $IMAGE]\n"
    )
    found = findings(text, "gitlab")
    assert sorted(f.image for f in found) == ["node:20", "python:20"]


def test_workflow_step_env_wins_over_job_and_workflow_env():
    text = (
        "on: push\nenv:\n  IMG: node:18\n  Other: x\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    env:\n      IMG: node:20\n    steps:\n      - run: docker run $IMG\n"
        "      - env:\n          IMG: node:22\n        run: docker run $IMG\n"
        "      - run: docker run ${{ env.img }}\n"
    )
    found = findings(text, "workflow")
    # node:20 is read twice (\$IMG, \${{ env.img }}) from one place, the job's env: one finding
    assert sorted((f.line, f.image) for f in found) == [(9, "node:20"), (13, "node:22")]


def test_the_script_cache_keys_on_the_names_a_reading_looked_up():
    """The same script with the same values of what it read is replayed; another value of a
    name it read, or of any name when it listed them all, is read again."""
    from dehub.scriptcache import ScriptCache
    from dehub.value import Value

    readings: list[str] = []

    def reader(name: str):
        def read(env):
            readings.append(name)
            return [env.get(name)] if name != "*" else list(env.values())

        return read

    cache = ScriptCache()
    one = {"A": Value.literal("1", 0), "B": Value.literal("x", 5)}
    other = {"A": Value.literal("1", 0), "B": Value.literal("y", 5)}
    assert cache.read("s", one, reader("A")) == cache.read("s", other, reader("A")) == [one["A"]]
    assert readings == ["A"]  # B is not read: the second environment is the same to the script
    assert cache.read("s", {"A": Value.literal("2", 0)}, reader("A"))[0].text == "2"
    assert cache.read("t", one, reader("*")) != cache.read("t", other, reader("*"))
    assert readings == ["A", "A", "*", "*"]


def template_jobs(jobs: int, lines: int) -> str:
    """`jobs` jobs extending one template of `lines` script lines, each job with its own `$IMG`."""
    script = "".join(f"    - docker run $IMG step{k}\n" for k in range(lines))
    extending = "".join(f"j{i}:\n  extends: .t\n  variables:\n    IMG: img{i}\n" for i in range(jobs))
    return ".t:\n  script:\n" + script + extending


def test_a_template_read_again_per_job_spends_the_budget(monkeypatch):
    """Each job's own `$IMG` makes the template's script a new reading: 1,000 jobs of a
    1,000-line template took 102 s. Readings again spend the per-file budget; past it, the
    script is read once more with its variables unknown (DH003 says why), and replayed."""
    from dehub import runbudget
    from dehub.shell import events

    readings = count_calls(
        monkeypatch, events, "script_events", "characters", lambda tracked, env, shell_name: len(tracked.value.text)
    )
    text = template_jobs(400, 200)
    found = findings(text, "gitlab")
    template = len(text.split("j0:")[0])
    assert readings["characters"] <= runbudget.MAX_WORK + 3 * template  # 400 readings of it before
    read = {f.image for f in found if f.code == "DH002"}
    assert "img0" in read and "img1" in read and "img399" not in read
    past = [f for f in found if f.code == "DH003"]
    assert len(past) == 200 and all(runbudget.RESCAN_REASON in f.message for f in past)


def test_a_short_template_read_again_per_job_stays_within_the_budget():
    """2,000 jobs giving a one-line template their own value: each reading is cheap, each job's
    image is reported where the job sets it."""
    text = ".t:\n  script:\n    - docker run $IMG\n" + "".join(
        f"j{i}:\n  extends: .t\n  variables:\n    IMG: img{i}\n" for i in range(2000)
    )
    found = findings(text, "gitlab")
    assert sorted(f.image for f in found) == sorted(f"img{i}" for i in range(2000))


def test_the_language_servers_memos_keep_a_workflow_linear(monkeypatch):
    """With the editor's memos on, a job's key held every workflow env value (hashed per job)
    and a script's key the whole env: quadratic again (1,000 x 1,000: 4.9 s; 2,000: 36 s)."""
    from dehub.gha import jobmemo
    from dehub.shell import memo

    monkeypatch.setattr(jobmemo, "ENABLED", True)
    monkeypatch.setattr(memo, "ENABLED", True)
    findings(workflow(3), "workflow")
    small, found = calls(workflow(N), "workflow")
    large, _ = calls(workflow(4 * N), "workflow")
    assert len(found) == 2 * N
    assert large < 5 * small, (small, large)
