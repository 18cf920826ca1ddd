"""Issue 12: the engine's own paths stay linear: the fixer, suppression pragmas, baselines.

Each test generates a shape the issue measured (8,000 fixes in a Dockerfile: 5 s; 8,000
`# dehub ignore=` pragmas: 30 s; 8,000 in a Jenkinsfile: 49 s), checks what dehub reports on
it, and counts the work done at n and at 4n: the lines of the modules involved that ran, which
grows 16-fold on a quadratic path and about 4-fold on a linear one, whatever else the machine
is doing (a time would not say that reliably).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest
from helpers import findings, fixed

import dehub.commentpragmas
import dehub.dockerfile
import dehub.fixer
import dehub.jenkins
import dehub.shellscript
import dehub.source
import dehub.suppress
import dehub.yamlpragmas
from dehub import baseline
from dehub.findings import Edit, Finding, Fix
from dehub.fixer import applicable

ECR = "public.ecr.aws/docker/library/"
SMALL, LARGE = 250, 1_000  # n and 4n
LINEAR = 8  # 4n may do at most this many times the work of n (quadratic: 16)
ENGINE = (dehub.suppress, dehub.source)  # pragma reading and applying, line arithmetic


def lines_run(modules: tuple[Any, ...], call: Callable[[], object]) -> int:
    """How many lines of `modules` ran during `call()` (a work count, not a time)."""
    files = {module.__file__ for module in modules}
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename in files else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def assert_linear(modules: tuple[Any, ...], run: Callable[[int], Any]) -> Any:
    """What `run(LARGE)` returns, once `run` was found to do linear work in its count."""
    results = []
    small = lines_run(modules, lambda: results.append(run(SMALL)))
    large = lines_run(modules, lambda: results.append(run(LARGE)))
    assert small > 0
    assert large < LINEAR * small, (small, large)
    return results[-1]


def codes(text: str, kind: str, **options: object) -> Counter[str]:
    return Counter(finding.code for finding in findings(text, kind, **options))


def used_or_not(index: int) -> str:
    """Every other pragma names a code that does not fire (DH002: ubuntu has a mirror)."""
    return "DH001" if index % 2 == 0 else "DH002"


# --- the fixer ----------------------------------------------------------------------------


def many_froms(count: int) -> str:
    return "".join(f"FROM ubuntu:22.04 AS s{index}\n" for index in range(count))


def many_services(count: int) -> str:
    return "services:\n" + "".join(f"  s{index}:\n    image: ubuntu:22.04\n" for index in range(count))


@pytest.mark.parametrize(
    ("make", "kind", "line"),
    [(many_froms, "dockerfile", "FROM ubuntu:22.04"), (many_services, "compose", "image: ubuntu:22.04")],
    ids=["dockerfile", "compose"],
)
def test_thousands_of_fixes_are_chosen_in_linear_work(make, kind, line):
    after = assert_linear((dehub.fixer,), lambda count: fixed(make(count), kind))
    assert after == make(LARGE).replace(line, line.replace("ubuntu", ECR + "ubuntu"))


def reference_applicable(fixes: list[Fix | None], unsafe: bool) -> list[Fix]:
    """The fixer's rule, one comparison per pair: an edit on a chosen edit's span needs its
    text; one overlapping a chosen edit's span waits."""
    chosen: list[Fix] = []
    taken: dict[tuple[int, int], str] = {}
    for fix in fixes:
        if fix is None or (fix.safety != "safe" and not unsafe):
            continue
        if all(_pair_fits(edit, span, text) for edit in fix.edits for span, text in taken.items()):
            for edit in fix.edits:
                taken[(edit.start, edit.end)] = edit.text
            chosen.append(fix)
    return chosen


def _pair_fits(edit: Edit, span: tuple[int, int], text: str) -> bool:
    start, end = span
    if span == (edit.start, edit.end):
        return text == edit.text
    return not (edit.start < end and start < edit.end)


class Carrier:
    def __init__(self, fix: Fix | None) -> None:
        self.fix = fix


def test_the_fixers_choice_is_the_pairwise_rule():
    """Same span, same text: merged; same span, other text, or overlapping spans (an insertion
    strictly inside another edit included): the later fix waits; touching spans both apply."""
    rng = random.Random(12)
    for _ in range(3_000):
        fixes: list[Fix | None] = []
        for _ in range(rng.randint(0, 10)):
            if rng.random() < 0.1:
                fixes.append(None)
                continue
            edits = []
            for _ in range(rng.choice((1, 1, 2, 3))):
                start = rng.randint(0, 12)
                edits.append(Edit(start, start + rng.choice((0, 0, 1, 2, 4)), rng.choice(("a", "b", ""))))
            fixes.append(Fix(tuple(edits), rng.choice(("safe", "safe", "unsafe"))))
        unsafe = rng.random() < 0.5
        got = applicable([Carrier(fix) for fix in fixes], unsafe)  # type: ignore[misc]
        assert [id(fix) for fix in got] == [id(fix) for fix in reference_applicable(fixes, unsafe)]


def unused_pragmas(count: int) -> str:
    return "".join(f"# dehub ignore=DH001 moved\nFROM {ECR}ubuntu:22.04 AS s{index}\n" for index in range(count))


def test_thousands_of_unused_pragmas_are_removed_in_linear_work():
    text = unused_pragmas(LARGE)
    assert codes(text, "dockerfile", show_unused_suppressions=True) == {"DH901": LARGE}
    after = assert_linear(
        (dehub.fixer,), lambda count: fixed(unused_pragmas(count), "dockerfile", show_unused_suppressions=True)
    )
    assert after == text.replace("# dehub ignore=DH001 moved\n", "")


# --- suppression pragmas, one above each image --------------------------------------------


def dockerfile_pragmas(count: int) -> str:
    return "".join(f"# dehub ignore={used_or_not(i)} why\nFROM ubuntu:22.04 AS s{i}\n" for i in range(count))


def jenkinsfile_pragmas(count: int) -> str:
    stages = "".join(
        f'  // dehub ignore={used_or_not(i)}\n  stage("s{i}") {{ steps {{ sh "docker run ubuntu:22.04" }} }}\n'
        for i in range(count)
    )
    return "pipeline {\n agent any\n stages {\n" + stages + " }\n}\n"


def workflow_pragmas(count: int) -> str:
    jobs = "".join(
        f"  j{i}:\n    runs-on: ubuntu-latest\n    # dehub ignore={used_or_not(i)}\n    container: ubuntu:22.04\n"
        "    steps:\n      - run: echo\n"
        for i in range(count)
    )
    return "on: push\njobs:\n" + jobs


def compose_pragmas(count: int) -> str:
    services = "".join(f"  s{i}:\n    # dehub ignore={used_or_not(i)}\n    image: ubuntu:22.04\n" for i in range(count))
    return "services:\n" + services


def gitlab_pragmas(count: int) -> str:
    return "".join(
        f"j{i}:\n  # dehub ignore={used_or_not(i)}\n  image: ubuntu:22.04\n  script: [echo]\n" for i in range(count)
    )


def shell_pragmas(count: int) -> str:
    return "#!/bin/sh\n" + "".join(f"# dehub ignore={used_or_not(i)}\ndocker run ubuntu:22.04\n" for i in range(count))


def makefile_pragmas(count: int) -> str:
    return "all:\n" + "".join(f"\t# dehub ignore={used_or_not(i)}\n\tdocker run ubuntu:22.04\n" for i in range(count))


def bake_pragmas(count: int) -> str:
    return "".join(
        f'target "t{i}" {{\n  // dehub ignore={used_or_not(i)}\n'
        '  contexts = { b = "docker-image://ubuntu:22.04" }\n}\n'
        for i in range(count)
    )


PRAGMA_SHAPES = [
    (dockerfile_pragmas, "dockerfile", dehub.dockerfile),
    (jenkinsfile_pragmas, "jenkinsfile", dehub.jenkins),
    (workflow_pragmas, "workflow", dehub.yamlpragmas),
    (compose_pragmas, "compose", dehub.yamlpragmas),
    (gitlab_pragmas, "gitlab", dehub.yamlpragmas),
    (shell_pragmas, "shell", dehub.shellscript),
    (makefile_pragmas, "makefile", dehub.shellscript),
    (bake_pragmas, "bake", dehub.commentpragmas),
]


@pytest.mark.parametrize(("make", "kind", "reader"), PRAGMA_SHAPES, ids=[shape[1] for shape in PRAGMA_SHAPES])
def test_a_pragma_above_each_of_thousands_of_images(make, kind, reader):
    """Half the pragmas suppress their image; the other half name a code that does not fire, so
    their images stay reported and the pragmas are unused."""
    found = assert_linear((reader, *ENGINE), lambda count: codes(make(count), kind, show_unused_suppressions=True))
    assert found == {"DH001": LARGE // 2, "DH901": LARGE // 2}


# --- pragmas stacked above one statement --------------------------------------------------


def stacked(comment: str, statement: Callable[[int], str], prefix: str = "") -> Callable[[int], str]:
    return lambda count: prefix + f"{comment} dehub ignore=DH001\n" * count + statement(count)


def pipeline(count: int) -> str:
    stages = "".join(f'  stage("s{i}") {{ steps {{ sh "docker run ubuntu:22.04" }} }}\n' for i in range(count))
    return "pipeline {\n agent any\n stages {\n" + stages + " }\n}\n"


def long_command(count: int) -> str:
    return "docker run \\\n" + "  -e A=1 \\\n" * count + "  ubuntu:22.04\n"


STACKED_SHAPES = [
    ("jenkinsfile", stacked("//", pipeline), dehub.jenkins),
    ("compose", stacked("#", lambda count: "  s:\n    image: ubuntu:22.04\n", "services:\n"), dehub.yamlpragmas),
    ("shell", stacked("#", long_command, "#!/bin/sh\n"), dehub.shellscript),
    (
        "bake",
        stacked("//", lambda count: 'target "t" {\n  contexts = { b = "docker-image://ubuntu:22.04" }\n}\n'),
        dehub.commentpragmas,
    ),
]


@pytest.mark.parametrize(("kind", "make", "reader"), STACKED_SHAPES, ids=[shape[0] for shape in STACKED_SHAPES])
def test_thousands_of_pragmas_stacked_above_one_statement(kind, make, reader):
    """Each covers the statement below the stack (in a Jenkinsfile, the pipeline and its stages;
    in a script, a command continued over as many lines): it is read once, not once per pragma."""
    found = assert_linear((reader, *ENGINE), lambda count: codes(make(count), kind, show_unused_suppressions=True))
    assert found == {}


def global_pragmas(count: int) -> str:
    return "".join(f"# dehub global ignore=DH00{i % 9 + 1}\n" for i in range(count)) + many_froms(count)


def test_thousands_of_global_pragmas():
    """DH007-DH009 are no rule's codes (DH902); DH001 is suppressed everywhere."""
    unknown = sum(1 for i in range(LARGE) if i % 9 + 1 > 6)
    found = assert_linear((dehub.dockerfile, *ENGINE), lambda count: codes(global_pragmas(count), "dockerfile"))
    assert found == {"DH902": unknown}


# --- baselines ----------------------------------------------------------------------------


def distinct_images(count: int) -> str:
    return "".join(f"FROM example{index}:1 AS s{index}\n" for index in range(count))


def test_a_baseline_of_thousands_of_entries_matches_in_linear_work(tmp_path):
    path = str(tmp_path / "Dockerfile")

    def run(count: int) -> None:
        found = findings(distinct_images(count), "dockerfile")
        for finding in found:
            finding.path = path
        written = baseline.write(str(tmp_path / "baseline.json"), found[: count // 2])
        outcome = baseline.split(found, baseline.load(written.path), [path], lambda _path, _code: True)
        assert (len(outcome.new), outcome.baselined, outcome.stale) == (count - count // 2, count // 2, 0)

    assert_linear((baseline,), run)


def test_thousands_of_baselines_each_with_its_files(tmp_path):
    """A monorepo of projects that each name a baseline: each baseline is given its own files,
    not every checked file tested against every baseline."""

    def run(count: int) -> list[str]:
        in_use = baseline.InUse()
        found = []
        for index in range(count):
            path = str(tmp_path / f"p{index}" / "Dockerfile")
            target = str(tmp_path / f"p{index}" / "baseline.json")
            in_use.assign(path, target, str(tmp_path / f"p{index}" / ".dehub.yaml"))
            finding = Finding("DH001", "docker-hub-image", "error", "pulled", 0, 1, image=f"example{index}:1")
            finding.path = path
            found.append(finding)
            accepted = {baseline.key(finding, "Dockerfile"): 1} if index % 2 == 0 else {}
            in_use.baselines[target] = baseline.Baseline(target, accepted)
        kept = in_use.apply(found, [finding.path for finding in found], lambda _path, _code: True)
        assert sum(tally.baselined for tally in in_use.tallies.values()) == (count + 1) // 2
        return [finding.image or "" for finding in kept]

    kept = assert_linear((baseline,), run)
    assert kept == [f"example{index}:1" for index in range(1, LARGE, 2)]
