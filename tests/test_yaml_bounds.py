"""Hostile YAML: aliased jobs are read once, and a per-file budget bounds jobs x combinations.

The issue's shape: 100 jobs aliased to one job (`j0: &j {...}`, `j1: *j`, ...) in 12 KB, the
job with a matrix (include and exclude lists), a container, services, a `docker://` step and
`docker run` scripts, took 22 s and 876 MB, because every alias was read again in every
matrix combination. Each test has a reproducer of that shape, for each YAML kind with jobs,
and asserts on the work done (how many job runs were read) rather than on time, except for
one generous wall-clock and memory bound in a subprocess.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import pytest
from helpers import count_calls, findings

from dehub import runbudget
from dehub.gha import workflow
from dehub.kinds import parse
from dehub.source import SourceText

MATRIX_JOB = """\
    runs-on: ubuntu-latest
    strategy:
      matrix:
        k0: [v0, v1, v2, v3]
        k1: [v0, v1, v2, v3]
        k2: [v0, v1, v2, v3]
        k3: [v0, v1, v2, v3]
        include:
          - {k0: v0, img: node:0}
          - {k0: v1, img: node:1}
          - {k0: v2, img: node:2}
          - {k0: v3, img: node:3}
        exclude:
          - {k1: v0, k2: v1}
    container: ${{ matrix.img }}
    services:
      db: {image: 'postgres:${{ matrix.k0 }}'}
      cache: redis:${{ matrix.k1 }}
    steps:
      - uses: docker://alpine:${{ matrix.k2 }}
"""
STEP = """\
      - name: step {n}
        run: |
          docker run --rm busybox:${{{{ matrix.k3 }}}} echo {n}
          docker run ubuntu:${{{{ matrix.k0 }}}} make test-{n}
"""
COMBINATIONS = 4 * 4 * 4 * 4 - 16  # the product minus the excluded (k1 v0, k2 v1) ones: 240


def workflow_job(steps: int) -> str:
    return MATRIX_JOB + "".join(STEP.format(n=n) for n in range(steps))


def aliased_workflow(jobs: int = 100, steps: int = 68) -> str:
    """The issue's shape: one matrix job, and `jobs - 1` aliases of it (about 12 KB)."""
    aliases = "".join(f"  j{n}: *j\n" for n in range(1, jobs))
    return f"on: push\njobs:\n  j0: &j\n{workflow_job(steps)}{aliases}"


def copied_workflow(jobs: int, steps: int = 1) -> str:
    """`jobs` matrix jobs written out, each its own: no alias to share, only the budget helps."""
    return "on: push\njobs:\n" + "".join(f"  j{n}:\n{workflow_job(steps)}" for n in range(jobs))


@pytest.fixture
def runs_read(monkeypatch):
    """How many job runs (job x matrix combination) the workflow reader read."""
    from dehub.gha import jobmemo

    monkeypatch.setattr(jobmemo, "ENABLED", False)  # the language server's memo would skip reading
    return count_calls(monkeypatch, workflow.WorkflowDocument, "_read_job", "runs")


def shown(found) -> set[tuple[int, int, str, str]]:
    return {(f.line, f.column, f.code, f.message) for f in found}


def test_the_issue_shape_is_about_12_kb():
    assert 11_000 <= len(aliased_workflow().encode()) <= 13_000


def test_aliased_workflow_jobs_are_read_once(runs_read):
    text = aliased_workflow(steps=4)
    found = findings(text, "workflow")
    assert runs_read["runs"] == COMBINATIONS  # the job's combinations once, not 100 times
    runs_read["runs"] = 0
    alone = findings(f"on: push\njobs:\n  j0: &j\n{workflow_job(4)}", "workflow")
    assert runs_read["runs"] == COMBINATIONS
    assert shown(found) == shown(alone)  # the aliases add no finding: they are the same text


def test_the_issue_shape_reads_one_job_within_the_budget(runs_read):
    """At 11 KB, the job's 240 combinations cost more than the per-file budget: the first
    ones are read, the rest once as unknown, and the 99 aliases nothing."""
    found = findings(aliased_workflow(), "workflow")
    job = len(workflow_job(68)) + len("  j0: &j\n")
    assert runs_read["runs"] == 1 + runbudget.MAX_WORK // (job + runbudget.RUN_COST) + 1
    assert any(runbudget.REASON in f.message for f in found)


def test_aliased_workflow_jobs_still_count_as_jobs():
    """The inventory (and DH005) see every alias as a job of its own, with the same pulls."""
    from dehub.inventory import file_inventory
    from dehub.lint import Settings

    document = parse("workflow", SourceText(aliased_workflow(jobs=5, steps=1)))
    entry = file_inventory("w.yml", document, Settings().policy)
    assert [job["job"] for job in entry["jobs"]] == ["j0", "j1", "j2", "j3", "j4"]
    pulls = [job["docker_hub_pulls_per_run"] for job in entry["jobs"]]
    assert pulls[0] > 0 and len(set(pulls)) == 1
    first_alias = len(aliased_workflow(1, 1).splitlines()) + 1
    assert [job["line"] for job in entry["jobs"]][1:] == list(range(first_alias, first_alias + 4))


def test_an_alias_read_once_is_still_reported_and_fixed_at_its_one_place():
    from helpers import fixed

    text = "on: push\njobs:\n  a: &j\n    container: node:20\n  b: *j\n  c: *j\n"
    found = findings(text, "workflow")
    assert [(f.line, f.code) for f in found] == [(4, "DH001")]
    assert fixed(text, "workflow") == text.replace("node:20", "public.ecr.aws/docker/library/node:20")


def test_distinct_matrix_jobs_are_bounded_by_the_per_file_budget(runs_read):
    """40 jobs of 240 combinations each, no alias: 9,600 runs without a budget."""
    jobs = 40
    text = copied_workflow(jobs)
    found = findings(text, "workflow")
    job_size = len(copied_workflow(1)) - len("on: push\njobs:\n")
    extra = runbudget.MAX_WORK // (job_size - 1 + runbudget.RUN_COST)  # runs past each job's first the budget pays for
    # every job's first run, the extra runs the budget pays for, one unknown run per job past it
    assert runs_read["runs"] <= jobs + extra + jobs
    assert runs_read["runs"] < jobs * COMBINATIONS / 4
    # the combinations past the budget are unknown, and say why: nothing is dropped silently
    last_container = len(text.splitlines()) - text.splitlines()[::-1].index("    container: ${{ matrix.img }}")
    unknown = [f for f in found if f.line == last_container and f.code == "DH003"]
    assert len(unknown) == 1
    assert runbudget.REASON in unknown[0].message
    # and the combinations read before it still are: the last job's first run is known
    last_job = text.splitlines().index(f"  j{jobs - 1}:") + 1
    assert any(f.line > last_job and f.code == "DH001" and "`node:0`" in f.message for f in found)


def test_within_the_budget_every_combination_is_read(runs_read):
    text = copied_workflow(2)
    found = findings(text, "workflow")
    assert runs_read["runs"] == 2 * COMBINATIONS
    assert not any(runbudget.REASON in f.message for f in found)


def test_budget_spends_only_runs_past_each_jobs_first():
    cost = runbudget.RUN_COST
    budget = runbudget.RunBudget(100 + 8 * cost)
    assert budget.runs(1, 10_000) == 1 and not budget.over  # a first run is always free
    assert budget.runs(5, 20) == 5 and budget.left == 20 + 4 * cost
    assert budget.runs(5, 10) == 4 and budget.over and budget.left == 90
    assert budget.runs(3, 1) == 1


def _run_limited(path: str, memory: int) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "dehub", "check", "--format", "json", path],
        capture_output=True, text=True, timeout=120, preexec_fn=limit, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip


@pytest.mark.parametrize("shape", ["aliased", "copied"])
def test_the_issue_shape_runs_in_bounded_time_and_memory(tmp_path, shape):
    """Before: 22 s and 876 MB for 100 aliased jobs in 12 KB. A generous bound for a loaded
    machine: 10 s and 400 MB of address space (the interpreter and its libraries included)."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "ci.yml"
    path.write_text(aliased_workflow() if shape == "aliased" else copied_workflow(15, steps=12))
    started = time.monotonic()
    done = _run_limited(str(path), 400 * 2**20)
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["findings"] and not any(f["code"] == "DH900" for f in report["findings"])
    assert elapsed < 10


# --- GitLab CI -------------------------------------------------------------------------------

GITLAB_TEMPLATE = """\
stages: [test]
.t: &t
  image: node:$V
  services: [postgres:$V, redis:$W]
  parallel:
    matrix:
      - V: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9]
        W: [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9]
      - V: [c0, c1]
  script:
"""
GITLAB_COMBINATIONS = 10 * 10 + 2


def gitlab_file(jobs: int, lines: int = 20) -> str:
    """A matrix template, then jobs that alias it (`*t`), merge it (`<<: *t`) or extend it."""
    script = "".join(f"    - docker run --rm busybox:$V echo {n}\n    - docker run alpine:$W make t{n}\n"
                     for n in range(lines))  # fmt: skip
    forms = ("j{n}: *t\n", "j{n}:\n  <<: *t\n  stage: test\n", "j{n}:\n  extends: .t\n")
    return GITLAB_TEMPLATE + script + "".join(forms[n % 3].format(n=n) for n in range(jobs))


@pytest.fixture
def scripts_scanned(monkeypatch):
    """How many scripts the shell reader scanned."""
    from dehub.gha import jobmemo
    from dehub.shell import events, memo

    monkeypatch.setattr(jobmemo, "ENABLED", False)  # the language server's memos would skip scanning
    monkeypatch.setattr(memo, "ENABLED", False)
    return count_calls(monkeypatch, events, "script_events", "scans")


def test_gitlab_jobs_sharing_a_template_scan_its_script_once_per_combination(scripts_scanned):
    text = gitlab_file(100)
    found = findings(text, "gitlab")
    # the template's script, once per combination it runs in (the last one standing for the
    # rest once the budget is spent), and once more as the template itself
    assert scripts_scanned["scans"] <= GITLAB_COMBINATIONS + 2
    assert {"`node:a0`", "`redis:b9`", "`busybox:c1`"} <= {f.message.split(" ", 1)[0] for f in found}


def test_gitlab_budget_bounds_the_runs_and_says_why():
    from dehub.gitlab import GitLabDocument

    document = GitLabDocument(SourceText(gitlab_file(300, lines=2)))
    read = {id(job.runs): len(job.runs) for job in document.pipeline.jobs}  # an alias shares its job's runs
    assert len(read) == 201  # `j0: *t` once, and the 200 jobs that merge or extend it
    assert sum(read.values()) < 300 * GITLAB_COMBINATIONS / 10  # 30,600 without alias or budget
    assert document.budget.over
    past = [use for job in document.pipeline.jobs if job.combinations is None for run in job.runs for use in run]
    assert any(runbudget.REASON in name for use in past for name in use.value.unresolved)


def test_gitlab_extends_lookups_are_linear(monkeypatch):
    """`extends: .t` and the top-level fallbacks looked the name up among every top-level
    key, for every job: quadratic in the number of jobs."""
    from dehub import yamlsource as ys

    scanned = count_calls(
        monkeypatch, ys, "mapping_get", "keys", lambda node, key: len(node.value) if ys.is_mapping(node) else 0
    )
    jobs = 2000
    text = GITLAB_TEMPLATE.replace("  parallel:\n    matrix:\n      - V: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9]\n"
                                   "        W: [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9]\n      - V: [c0, c1]\n", "")
    text += "    - docker run alpine:$W\n" + "".join(f"j{n}:\n  extends: .t\n" for n in range(jobs))
    assert findings(text, "gitlab")
    assert scanned["keys"] < 100 * jobs  # 44 million (about 11 x jobs x jobs) before


# --- the other kinds with matrices: Azure Pipelines, CircleCI, Woodpecker, Drone ---------------


def azure_file(jobs: int, legs: int = 50, steps: int = 20) -> str:
    """Jobs sharing a 50-leg matrix and 20 steps through aliases (`strategy: *s`, `steps: *st`)."""
    out = ["trigger: [main]\njobs:\n- job: j0\n  strategy: &s\n    matrix:\n"]
    out += [f"      m{m}: {{IMG: 'node:{m}', DB: 'postgres:{m}'}}\n" for m in range(legs)]
    out.append("  container: $(IMG)\n  services: {db: $(DB)}\n  steps: &st\n")
    out += [f"  - script: docker run --rm $(IMG) echo {n}\n" for n in range(steps)]
    out += [f"- job: j{n}\n  strategy: *s\n  container: $(IMG)\n  steps: *st\n" for n in range(1, jobs)]
    return "".join(out)


def circleci_file(jobs: int, steps: int = 20) -> str:
    """Jobs aliased to one (`jN: *j`), each run by a workflow with an 8 x 8 parameter matrix."""
    out = [
        ("version: 2.1\njobs:\n  j0: &j\n    parameters:\n      v: {type: string, default: '18'}\n"
        "      w: {type: string, default: '1'}\n    docker:\n      - image: cimg/node:<< parameters.v >>\n"
        "      - image: postgres:<< parameters.w >>\n    steps:\n")
    ]
    out += [f"      - run: docker run --rm busybox:<< parameters.v >> echo {n}\n" for n in range(steps)]
    out += [f"  j{n}: *j\n" for n in range(1, jobs)]
    out.append("workflows:\n  w:\n    jobs:\n")
    values = "['1', '2', '3', '4', '5', '6', '7', '8']"
    out += [f"      - j{n}:\n          matrix:\n            parameters:\n              v: {values}\n"
            f"              w: {values}\n" for n in range(jobs)]  # fmt: skip
    return "".join(out)


def woodpecker_file(steps: int = 100, lines: int = 20) -> str:
    """A 10 x 10 matrix over 100 steps of 20 command lines each."""
    out = ["matrix:\n  V: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9]\n  W: [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9]\n"]
    out.append("steps:\n")
    for step in range(steps):
        out.append(f"- name: s{step}\n  image: node:${{V}}\n  commands:\n")
        out += [f"  - docker run --rm busybox:${{W}} echo {n}\n" for n in range(lines)]
    return "".join(out)


@pytest.mark.parametrize("kind", ["workflow", "woodpecker", "drone", "gitlab"])
def test_a_step_aliased_thousands_of_times_is_read_once_per_run(kind, scripts_scanned):
    """`- *s` x 4,000 (a 10-byte line each) read the step's 40 command lines 4,000 times."""
    lines = "".join(f"{{indent}}docker run --rm busybox:{n} echo\n" for n in range(40))
    times = 4000
    texts = {
        "workflow": "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - &s\n        run: |\n"
        + lines.format(indent=" " * 10)
        + "      - *s\n" * times,
        "woodpecker": "steps:\n- &s\n  name: s0\n  image: node:20\n  commands:\n"
        + lines.format(indent="  - ")
        + "- *s\n" * times,
        "drone": "kind: pipeline\nsteps:\n- &s\n  name: s0\n  image: node:20\n  commands:\n"
        + lines.format(indent="  - ")
        + "- *s\n" * times,
        "gitlab": "stages: [t]\n.s: &s\n"
        + lines.format(indent="  - ")
        + "j:\n  image: node:20\n  script:\n"
        + "  - *s\n" * times,
    }
    document = parse(kind, SourceText(texts[kind]))
    commands = [use for job in document.pipeline.jobs for run in job.runs for use in run if "busybox" in use.value.text]
    assert len(commands) <= 2 * 40  # each once a run (GitLab: the job, and its template on its own)
    assert scripts_scanned["scans"] <= 2


@pytest.mark.parametrize(
    ("kind", "text", "unbounded"),
    [
        ("azure", azure_file(100), 100 * 50),
        ("circleci", circleci_file(100), 100 * 64),  # CircleCI's own cap: 64 runs of a job
        ("woodpecker", woodpecker_file(), 100),
    ],
)
def test_matrix_runs_are_bounded_by_the_per_file_budget(kind, text, unbounded):
    document = parse(kind, SourceText(text))
    assert document.budget.over
    read = {id(job.runs): len(job.runs) for job in document.pipeline.jobs}
    assert sum(read.values()) < unbounded / 5
    # the combinations past the budget are read once, unknown, and say why
    past = [use for job in document.pipeline.jobs if job.combinations is None for run in job.runs for use in run]
    assert any(runbudget.REASON in name for use in past for name in use.value.unresolved)
    # and the combinations read before it are known (the findings' engine has a bound of its own)
    assert any(use.value.is_known and "node:" in use.value.text for use in document.pipeline.image_uses())


def test_woodpecker_and_drone_within_the_budget_read_every_combination():
    text = woodpecker_file(steps=2, lines=2)
    document = parse("woodpecker", SourceText(text))
    assert not document.budget.over and len(document.pipeline.jobs[0].runs) == 100
    assert document.pipeline.jobs[0].combinations == 100


# --- alias bombs ("billion laughs") stay cheap in every YAML kind ----------------------------

_LEVELS = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
    f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 10) + "]" for n in range(8)
]
BOMB = "\n".join(_LEVELS) + "\n"  # `*i` stands for 10^9 scalars
BOMBS = {
    "workflow": "on: push\n" + BOMB + "jobs:\n  j:\n    container: node:20\n    steps: *i\n    services: *i\n",
    "gitlab": BOMB.replace("\n", "\n.").replace(".\n", "\n").replace("a: &a", ".a: &a", 1)
    + "stages: [t]\nj:\n  image: node:20\n  script: *i\n  services: *i\n",
    "compose": "x-" + BOMB.replace("\n", "\nx-", 8) + "services:\n  s:\n    image: node:20\n    command: *i\n",
    "kubernetes": BOMB + "apiVersion: v1\nkind: Pod\nspec:\n  containers: *i\n  initContainers: [{image: node:20}]\n",
    "circleci": "version: 2.1\n" + BOMB + "jobs:\n  j:\n    docker: [{image: node:20}]\n    steps: *i\n",
    "azure": "trigger: [main]\n" + BOMB + "jobs:\n- job: j\n  container: node:20\n  steps: *i\n  variables: *i\n",
    "bitbucket": "definitions:\n  x: {}\n" + BOMB + "pipelines:\n  default:\n  - step: {image: node:20, script: *i}\n",
    "woodpecker": BOMB + "steps:\n- {image: node:20, commands: *i}\n",
    "drone": "kind: pipeline\n" + BOMB + "steps:\n- {name: s, image: node:20, commands: *i}\n",
    "helm": BOMB + "image: node:20\n",
}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_an_alias_bomb_is_read_without_expanding_it(kind):
    started = time.monotonic()
    found = findings(BOMBS[kind], kind)
    assert any(f.code == "DH001" and "`node:20`" in f.message for f in found)
    assert len(found) < 50  # a finding per place, not per alias path
    assert time.monotonic() - started < 10  # about 0.05 s; 10^9 scalars if expanded


def test_an_image_past_the_budget_says_so_and_not_that_its_value_is_elsewhere():
    found = findings(copied_workflow(40), "workflow")
    past = [f for f in found if f.code == "DH003" and runbudget.REASON in f.message]
    assert past
    assert all("whose value is not in this file" not in f.message for f in past)
