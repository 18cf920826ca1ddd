"""Issue 12: each hostile shape whose fix has landed is linted in time linear in its size.

The shapes are bench/hostile_shapes.py's generators (bench/bench_hostile.py times them through
the command, against hadolint). Here they run in-process, through dehub's Python API, so
process start-up does not hide the growth: the spec's rule is the fastest of 3 runs at n and at
4n, n large enough that it takes 0.2 s or more, and t(4n) < 8 t(n) (a quadratic path gives
about 16). The time is the process's CPU time: the machines that run the suite are shared,
and another process's work is not this one's.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from dehub.fixer import fix_source
from dehub.kinds import kind_for_path
from dehub.lint import Settings, lint_source
from dehub.source import SourceText

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))
import hostile_shapes

RUNS = 3
MIN_SECONDS = 0.2
GROWTH = 8.0

# shape -> (a starting n, the findings the 4n file gives: a function of n)
COVERED = {
    "nested-args": (27_000, lambda n: (4 * n) // 16),  # a DH001, then a DH006 for each too-long tag
    "aliased-jobs": (16_000, lambda n: 6),  # every alias is the first job: its pulls, once
    "one-literal": (5_500, lambda n: 1),  # one literal, one finding
    "compose-services": (2_800, lambda n: 4 * n),
    "shell-runs": (2_500, lambda n: 4 * n),
    "ecr-logins": (2_200, lambda n: 1),  # DH005: the job's first pull, the others counted in its message
    "fixer-edits": (8_000, lambda n: 4 * n),  # one DH001 a FROM (the fix is timed below)
    "pragmas": (8_000, lambda n: 0),  # every FROM's pragma suppresses its finding
    "global-suppressions": (4_000, lambda n: 4 * n),  # the file-wide pragmas name other codes
    "jenkins-stages": (2_000, lambda n: 0),  # every stage's pragma suppresses its `docker run`
    "gitlab-variables": (3_000, lambda n: 4 * n),  # n variables x n jobs: one pull a job
    "workflow-env": (2_000, lambda n: 4 * n),  # n env keys x n jobs: one pull a job
}


def lint_seconds(name: str, n: int, enough: float = 0.0) -> tuple[float, int]:
    """The fastest of RUNS lints of the shape at n (CPU seconds), stopping early at one under
    `enough` (the fastest can then only be under it too), and how many findings it gave."""
    filename, text = hostile_shapes.SHAPES[name](n)
    kind = kind_for_path(filename)
    assert kind is not None, filename
    settings = Settings(None)
    best = float("inf")
    count = 0
    for _ in range(RUNS):
        source = SourceText(text)
        start = time.process_time()
        count = len(lint_source(source, kind, settings))
        best = min(best, time.process_time() - start)
        if best < enough:
            break
    return best, count


def test_every_shape_is_covered():
    assert sorted(COVERED) == sorted(hostile_shapes.SHAPES)


@pytest.mark.parametrize("name", list(COVERED))
def test_shape_lints_in_linear_time(name):
    n, expected = COVERED[name]
    small, _ = lint_seconds(name, n)
    while small < MIN_SECONDS:  # a faster machine: grow n until the fastest run at n is long enough
        n = int(n * max(1.25, MIN_SECONDS * 1.2 / max(small, 1e-3)))
        small, _ = lint_seconds(name, n)
    large, found = lint_seconds(name, 4 * n, enough=GROWTH * small)
    assert found == expected(n), "the shape is not linted as it was meant to be"
    assert large < GROWTH * small, f"{name}: n={n} took {small:.3f} s, 4n took {large:.3f} s"


def fix_seconds(n: int, enough: float = 0.0) -> tuple[float, int]:
    """The fastest of RUNS fixes of the fixer-edits shape at n (CPU seconds), and the number of
    fixes the last one applied."""
    filename, text = hostile_shapes.SHAPES["fixer-edits"](n)
    kind = kind_for_path(filename)
    assert kind is not None, filename
    best = float("inf")
    applied = 0
    for _ in range(RUNS):
        start = time.process_time()
        outcome = fix_source(SourceText(text), kind, Settings(None), unsafe=False)
        best = min(best, time.process_time() - start)
        applied = outcome.applied
        assert not outcome.findings, "a FROM was left unfixed"
        if best < enough:
            break
    return best, applied


def test_fixer_applies_thousands_of_edits_in_linear_time():
    n = 2_000
    small, _ = fix_seconds(n)
    while small < MIN_SECONDS:
        n = int(n * max(1.25, MIN_SECONDS * 1.2 / max(small, 1e-3)))
        small, _ = fix_seconds(n)
    large, applied = fix_seconds(4 * n, enough=GROWTH * small)
    assert applied == 4 * n
    assert large < GROWTH * small, f"--fix: n={n} took {small:.3f} s, 4n took {large:.3f} s"
