"""Checking in several processes: how many, how the work is split, and what comes back."""

from __future__ import annotations

import os
from itertools import pairwise

import pytest

import dehub.runner
from dehub.findings import Edit, Finding, Fix
from dehub.hooks.check_command import CHECK_OPTIONS
from dehub.parallel import MAX_CHUNKS, decode_findings, encode_findings, plan_chunks, run_chunks
from dehub.runner import PARALLEL_THRESHOLD, default_jobs, jobs_for

# --- how many processes ----------------------------------------------------------------------


def test_given_jobs_are_used_up_to_one_per_file():
    assert jobs_for(10, 3) == 3
    assert jobs_for(2, 8) == 2
    assert jobs_for(1000, 1) == 1


def test_the_default_is_one_process_below_the_threshold(monkeypatch):
    monkeypatch.setattr(dehub.runner, "default_jobs", lambda: 2)
    assert jobs_for(PARALLEL_THRESHOLD - 1, None) == 1
    assert jobs_for(PARALLEL_THRESHOLD, None) == 2


def test_the_default_is_one_process_per_usable_core(monkeypatch):
    monkeypatch.setattr(dehub.runner, "usable_cores", lambda: 4)
    assert default_jobs() == 4
    assert jobs_for(PARALLEL_THRESHOLD, None) == 4
    assert jobs_for(3, None) == 1


def test_a_cpu_quota_caps_the_usable_cores(monkeypatch):
    monkeypatch.setattr(dehub.runner, "cgroup_cpu_quota", lambda: 1)
    assert dehub.runner.usable_cores() == 1
    monkeypatch.setattr(dehub.runner, "cgroup_cpu_quota", lambda: None)
    assert dehub.runner.usable_cores() == len(os.sched_getaffinity(0))


def test_the_help_states_the_threshold():
    (jobs,) = [option for option in CHECK_OPTIONS if "--jobs" in option.names]
    assert f"from {PARALLEL_THRESHOLD} files on" in jobs.help


# --- how the work is split -------------------------------------------------------------------


def test_chunks_shrink_as_the_queue_empties():
    assert plan_chunks(10, 2) == [(0, 4), (4, 8), (8, 10)]
    assert plan_chunks(100, 2) == [
        (0, 25), (25, 43), (43, 57), (57, 67), (67, 75), (75, 81), (81, 85), (85, 89), (89, 93), (93, 97), (97, 100),
    ]  # fmt: skip


@pytest.mark.parametrize(("count", "jobs"), [(1, 2), (3000, 2), (3000, 16), (100_000, 2), (255 * 4 + 1, 64)])
def test_chunks_cover_every_item_once_and_fit_the_queue(count, jobs):
    chunks = plan_chunks(count, jobs)
    assert chunks[0][0] == 0 and chunks[-1][1] == count
    assert all(end == start for (_, end), (start, _) in pairwise(chunks))
    assert all(start < end for start, end in chunks)
    assert len(chunks) <= MAX_CHUNKS


def work(items):
    return [(item, os.getpid()) for item in items]


def identity(values):
    return values


def test_results_come_back_in_order_and_the_first_items_are_done_before_forking():
    results = run_chunks(list(range(500)), 3, work, identity, identity, first=[7, 300])
    assert [item for item, _ in results] == list(range(500))
    assert results[7][1] == results[300][1] == os.getpid()


def test_a_child_that_dies_loses_no_result():
    parent = os.getpid()

    def dying(items):
        if os.getpid() != parent:
            os._exit(9)
        return work(items)

    results = run_chunks(list(range(300)), 2, dying, identity, identity)
    assert results == [(item, parent) for item in range(300)]


def test_one_chunk_or_one_job_runs_here():
    assert run_chunks([1, 2, 3], 4, work, identity, identity) == [(item, os.getpid()) for item in (1, 2, 3)]
    assert run_chunks(list(range(50)), 1, work, identity, identity) == [(item, os.getpid()) for item in range(50)]


# --- what comes back -------------------------------------------------------------------------


def test_findings_survive_the_trip_with_every_attribute():
    import marshal

    edit = Edit(3, 9, "public.ecr.aws/docker/library/node")
    edit.line, edit.column, edit.end_line, edit.end_column = 1, 4, 1, 10
    finding = Finding(
        "DH001", "docker-hub-image", "error", "message", 3, 11, site="from", image="node:20",
        canonical="docker.io/library/node:20", suggestion="public.ecr.aws/docker/library/node:20",
        fix=Fix((edit,), "safe"), anchors=(40, 50),
    )  # fmt: skip
    finding.kind, finding.path = "dockerfile", "a/Dockerfile"
    finding.line, finding.column, finding.end_line, finding.end_column = 1, 4, 1, 12
    plain = Finding("DH003", "unresolved-image", "info", "m", 0, 1)
    (back, back_plain) = decode_findings(marshal.loads(marshal.dumps(encode_findings([finding, plain]))))
    for name in Finding.__slots__:
        if name != "fix":
            assert getattr(back, name) == getattr(finding, name), name
            assert getattr(back_plain, name) == getattr(plain, name), name
    assert back_plain.fix is None
    assert back.fix.safety == "safe"
    for name in Edit.__slots__:
        assert getattr(back.fix.edits[0], name) == getattr(edit, name), name
