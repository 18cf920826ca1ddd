"""Issue 12: variable expansion stays bounded in time and memory on hostile input.

Each test is a reproducer of a shape the issue measured (a 516-byte Dockerfile of nested ARGs
that doubled to 268 million characters and 1.7 GB; one ARG literal feeding 3,000 FROMs that
took 15-40 s), asserting on what dehub reports and on a work measure, with a memory limit in
a subprocess where an unbounded expansion would show as memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from helpers import findings, fixed

from dehub import expand as expand_module
from dehub import lint
from dehub.expand import MAX_EXPANDED, Budget, expand
from dehub.value import UNKNOWN, Value

MEMORY_LIMIT = 1 << 30  # bytes of address space a child may use: far above dehub's needs


def nested_args(levels: int = 24) -> str:
    """`ARG A1=${A0}${A0}` ... each level doubles the value (issue 12: 516 bytes, 1.7 GB)."""
    lines = ["ARG A0=xxxxxxxxxxxxxxxx"]
    lines += [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, levels + 1)]
    lines.append(f"FROM ubuntu:$A{levels}")
    return "\n".join(lines) + "\n"


def one_literal_many_froms(count: int = 3_000) -> str:
    """`ARG IMG=node:18` and `count` stages built from it (issue 12: 56 KB took 15-40 s)."""
    return "ARG IMG=node:18\n" + "".join(f"FROM $IMG AS s{index}\n" for index in range(count))


def run_limited(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a child Python whose address space is capped at MEMORY_LIMIT."""
    prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_the_nested_arg_shape_is_516_bytes():
    assert len(nested_args().encode()) == 516


def test_nested_args_stay_within_the_cap_and_the_image_keeps_its_known_name():
    found = findings(nested_args())
    assert [(f.code, f.line) for f in found] == [("DH001", 26)]
    (finding,) = found
    assert finding.image is not None and finding.image.startswith("ubuntu:")
    assert len(finding.image) <= len("ubuntu:") + MAX_EXPANDED


def test_nested_args_lint_in_bounded_memory(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(nested_args())
    result = run_limited(
        f"""
        import sys
        from dehub.hooks.cli import main
        sys.argv = ["dehub", "check", "--format", "json", {str(path)!r}]
        sys.exit(main())
        """
    )
    assert result.returncode == 1, result.stderr
    codes = [finding["code"] for finding in json.loads(result.stdout)["findings"]]
    assert codes == ["DH001"]


def test_a_substitution_past_the_cap_stays_as_written_and_unknown():
    env: dict[str, Value | None] = {"A": Value.synthetic("x" * (MAX_EXPANDED - 1))}
    value = expand(Value.literal("$A$A", 0), env)
    assert value.text == "x" * (MAX_EXPANDED - 1) + "$A"
    assert value.origins[-2:] == [UNKNOWN, UNKNOWN]
    assert value.unresolved == ("A",)


@pytest.mark.parametrize("word", ["${A:-x}${A:-x}", "${B:-$A}${B:-$A}", "${A:+$A}${A:+$A}", "${A:?e}${A:?e}"])
def test_every_substitution_form_is_capped(word):
    env: dict[str, Value | None] = {"A": Value.synthetic("y" * MAX_EXPANDED), "B": None}
    value = expand(Value.literal(word, 0), env)
    assert len(value.text) <= MAX_EXPANDED + len(word)
    assert not value.is_known


def test_the_budget_bounds_what_all_expansions_of_a_file_copy():
    long_value = "a" * 4_000
    text = f"ARG A={long_value}\n" + "".join(f"ARG B{i}=${{A}}\n" for i in range(2_000)) + "FROM $B1999\n"
    budget = Budget(len(text))
    copied = budget.left
    env: dict[str, Value | None] = {"A": Value.synthetic(long_value)}
    results = [expand(Value.literal("${A}", 0), env, budget=budget) for _ in range(2_000)]
    assert budget.left >= 0
    known = sum(result.is_known for result in results)
    assert known == copied // len(long_value) < 2_000  # the rest stayed unknown, none half-copied
    assert results[-1].text == "${A}" and not results[-1].is_known


def test_a_file_past_its_budget_reports_the_image_as_unresolved_not_wrong():
    text = "ARG A=" + "a" * 4_000 + "\n" + "".join(f"ARG B{i}=${{A}}\n" for i in range(1_000)) + "FROM $B999\n"
    # 1,000 copies of 4,000 characters is 4 million: past the budget of this 16 KB file
    assert expand_module.BUDGET_BASE + expand_module.BUDGET_PER_CHAR * len(text) < 1_000 * 4_000
    codes = {f.code for f in findings(text)}
    assert codes == {"DH003"}


def test_one_literal_feeding_3000_froms_is_one_finding_with_its_fix():
    text = one_literal_many_froms()
    assert 55_000 < len(text) < 57_000
    found = findings(text)
    assert [(f.code, f.line, f.fix is not None) for f in found] == [("DH001", 1, True)]
    assert fixed(text).startswith("ARG IMG=public.ecr.aws/docker/library/node:18\nFROM $IMG AS s0\n")


def test_one_literal_feeding_3000_froms_checks_each_image_once(monkeypatch):
    calls = []
    real = lint.name_edits

    def counting(subject, replacement):
        calls.append(subject)
        return real(subject, replacement)

    monkeypatch.setattr(lint, "name_edits", counting)
    findings(one_literal_many_froms())
    assert len(calls) <= 3_000  # once per image; it was once per (finding, image): 9 million


def test_one_literal_feeding_3000_froms_takes_well_under_its_old_15_seconds(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(one_literal_many_froms())
    result = run_limited(
        f"""
        import sys, time
        from dehub.hooks.cli import main
        sys.argv = ["dehub", "check", "--format", "json", {str(path)!r}]
        started = time.perf_counter()
        code = main()
        sys.stderr.write(f"elapsed {{time.perf_counter() - started}}\\n")
        sys.exit(code)
        """
    )
    assert result.returncode == 1, result.stderr
    elapsed = float(result.stderr.rsplit("elapsed ", 1)[1])
    assert elapsed < 5.0  # 0.4 s on an idle machine; 15-40 s before


def test_a_shared_literal_feeding_a_different_image_still_withdraws_the_fix():
    text = "ARG NAME=node\n" + "".join(f"FROM ${{NAME}}:20 AS a{i}\n" for i in range(500))
    text += "FROM ghcr.io/acme/${NAME}:1\n"
    found = [f for f in findings(text) if f.code == "DH001"]
    assert len(found) == 1 and found[0].fix is None
    assert "the same text also makes `ghcr.io/acme/node:1`" in found[0].message


def nested_make(levels: int = 24, op: str = ":=") -> str:
    lines = [f"A0 {op} xxxxxxxxxxxxxxxx"] + [f"A{i} {op} $(A{i - 1})$(A{i - 1})" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nall:\n\tdocker run ubuntu:$(A{levels})\n"


def nested_bake_hcl(levels: int = 24) -> str:
    lines = ['variable "A0" { default = "xxxxxxxxxxxxxxxx" }']
    lines += [f'variable "A{i}" {{ default = "${{A{i - 1}}}${{A{i - 1}}}" }}' for i in range(1, levels + 1)]
    lines.append(f'target "t" {{\n  contexts = {{ base = "docker-image://ubuntu:${{A{levels}}}" }}\n}}')
    return "\n".join(lines) + "\n"


def nested_bake_json(levels: int = 24) -> str:
    variables = {"A0": {"default": "x" * 16}}
    variables.update({f"A{i}": {"default": f"${{A{i - 1}}}${{A{i - 1}}}"} for i in range(1, levels + 1)})
    target = {"t": {"contexts": {"base": f"docker-image://ubuntu:${{A{levels}}}"}}}
    return json.dumps({"variable": variables, "target": target})


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        ("makefile", "Makefile", nested_make(op=":=")),  # 2.4 GB, then MemoryError, before
        ("makefile", "Makefile", nested_make(op="=")),
        ("bake", "docker-bake.hcl", nested_bake_hcl()),  # 2^24 evaluations: over a minute before
        ("bake", "docker-bake.json", nested_bake_json()),
    ],
    ids=["make-immediate", "make-recursive", "bake-hcl", "bake-json"],
)
def test_nested_variables_of_other_kinds_stay_bounded(tmp_path, kind, name, text):
    assert len(text.encode()) < 1_500
    path = tmp_path / name
    path.write_text(text)
    result = run_limited(
        f"""
        import sys
        from dehub.hooks.cli import main
        sys.argv = ["dehub", "check", "--kind", {kind!r}, "--format", "json", {str(path)!r}]
        sys.exit(main())
        """
    )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["findings"]
    assert {finding["code"] for finding in found} == {"DH001"}, found
    assert all(finding["image"].startswith("ubuntu:") for finding in found)
    assert all(len(finding["image"]) <= len("ubuntu:") + MAX_EXPANDED for finding in found)


def test_a_bake_default_read_many_times_is_evaluated_once():
    from dehub import bake, hcl

    text = nested_bake_hcl(levels=14)
    reader = bake._HclReader(hcl.parse(text), text)
    calls = []
    real = reader.evaluate

    def counting(expr, seen):
        calls.append(expr)
        return real(expr, seen)

    reader.evaluate = counting  # type: ignore[method-assign]
    (use,) = reader.uses()
    assert use.value.text.startswith("ubuntu:")
    assert len(calls) < 100  # linear in the variables; 2^14 and more before


def nested_jenkins_environment(levels: int = 24) -> str:
    lines = ["pipeline {", " agent any", " environment {", "  A0 = 'xxxxxxxxxxxxxxxx'"]
    lines += [f'  A{i} = "${{A{i - 1}}}${{A{i - 1}}}"' for i in range(1, levels + 1)]
    lines += [" }", f" stages {{ stage('s') {{ steps {{ sh 'docker run ubuntu:$A{levels}' }} }} }}", "}"]
    return "\n".join(lines) + "\n"


def test_nested_jenkins_environment_stays_bounded(tmp_path):
    # 28 s, 2.7 GB and a MemoryError DH900 before: each name was worked out once, but doubled
    text = nested_jenkins_environment()
    assert len(text.encode()) < 1_000
    path = tmp_path / "Jenkinsfile"
    path.write_text(text)
    result = run_limited(
        f"""
        import sys
        from dehub.hooks.cli import main
        sys.argv = ["dehub", "check", "--format", "json", {str(path)!r}]
        sys.exit(main())
        """
    )
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "DH001" and finding["image"] == "ubuntu:$A24"


def test_a_jenkins_value_within_the_cap_is_still_substituted():
    text = nested_jenkins_environment(levels=4)  # 256 characters
    (finding,) = findings(text, "jenkinsfile")
    assert finding.image == "ubuntu:" + "x" * 256


def stage_patterns(count: int) -> str:
    """`FROM b<i>-$X AS s<i>`: each FROM partly unknown, tested against every earlier stage."""
    return "ARG X\n" + "".join(f"FROM b{index}-$X AS s{index}\n" for index in range(count))


def test_partly_unknown_froms_among_thousands_of_stages_do_bounded_work(monkeypatch):
    from dehub import dockerfile

    calls = [0]
    real = dockerfile._matches

    def counting(parts, name):
        calls[0] += 1
        return real(parts, name)

    monkeypatch.setattr(dockerfile, "_matches", counting)
    found = findings(stage_patterns(3_000))  # 4.5 million wildcard tests before: 15 s at 6,000
    assert calls[0] <= dockerfile.MAX_STAGE_TESTS
    assert {f.code for f in found} == {"DH003"}  # no stage matches: each is unresolved, as before
    assert len(found) == 3_000


def test_a_partly_unknown_from_still_matches_a_stage():
    text = "ARG TARGETOS\nFROM scratch AS bin-linux\nFROM scratch AS bin-darwin\nFROM bin-$TARGETOS\n"
    assert findings(text) == []


def target_variables_and_exports(count: int, dynamic: bool = False) -> str:
    """`count` exported variables and `count` rules, each with a variable of its own."""
    exports = "".join(f"export E{index} = {'$(X)' if dynamic else f'v{index}'}\n" for index in range(count))
    rules = "".join(f"t{index}: X = {index}\nt{index}:\n\tdocker run node:18\n" for index in range(count))
    return "X = 1\n" + exports + rules


@pytest.mark.parametrize("dynamic", [False, True], ids=["literal-exports", "exports-reading-x"])
def test_rules_with_own_variables_do_not_work_out_every_export_again(monkeypatch, dynamic):
    from dehub import makefile

    calls = [0]
    real = makefile.Expander.variable

    def counting(self, name):
        calls[0] += 1
        return real(self, name)

    monkeypatch.setattr(makefile.Expander, "variable", counting)
    found = findings(target_variables_and_exports(1_000, dynamic), "makefile")
    assert {f.code for f in found} == {"DH001"}
    # 1,000 x 1,000 before (7.7 s at 2,000); now the file's once, plus what each rule changes,
    # plus, for exports that read X, at most MAX_ENV_LOOKUPS
    assert calls[0] <= 3_000 + (makefile.MAX_ENV_LOOKUPS if dynamic else 0)


def test_an_export_reading_a_target_variable_sees_the_rules_value():
    text = "export IMG = $(BASE):1\nBASE = node\nt: BASE = python\nt:\n\tdocker run $$IMG\nu:\n\tdocker run $$IMG\n"
    assert sorted(f.image for f in findings(text, "makefile")) == ["node:1", "python:1"]


class _NoIteration(dict):
    """An environment that fails the test if anything walks or copies all of it."""

    def _walked(self, *args, **kwargs):
        raise AssertionError("the whole environment was walked")

    keys = values = items = __iter__ = copy = _walked


def test_a_script_reads_only_the_variables_it_names_from_a_large_environment():
    from dehub.shell import pulls

    env = _NoIteration({f"V{index}": Value.synthetic(f"v{index}") for index in range(10_000)})
    dict.__setitem__(env, "IMG", Value.synthetic("node:18"))
    (pull,) = pulls(Value.literal("echo hi; docker run $IMG", 0), env)
    assert pull.value is not None and pull.value.text == "node:18"
    assert pulls(Value.literal("echo $V1; $V2", 0), env) == []  # names read, none a tool


def test_a_tool_named_by_a_variable_is_still_found():
    from dehub.shell import pulls

    env: dict[str, Value | None] = {"DOCKER": Value.synthetic("docker"), "IMG": Value.synthetic("node:18")}
    (pull,) = pulls(Value.literal("$DOCKER run $IMG", 0), env)
    assert pull.value is not None and pull.value.text == "node:18"


def inherit_chain(count: int, reverse: bool = False) -> str:
    """Targets that each inherit the one before (or after), with a context and an inline FROM."""
    blocks = []
    for index in range(count):
        parent = index + 1 if reverse else index - 1
        inherits = f'  inherits = ["t{parent}"]\n' if 0 <= parent < count else ""
        blocks.append(
            f'target "t{index}" {{\n{inherits}  contexts = {{ c{index} = "docker-image://node:18" }}\n'
            f'  dockerfile-inline = "FROM c{index}"\n}}\n'
        )
    return "".join(blocks)


@pytest.mark.parametrize("reverse", [False, True], ids=["parents-first", "children-first"])
def test_a_long_inherits_chain_is_walked_without_recursion_in_bounded_work(reverse):
    # 2,000 took 20 s; 8,000 (1 MB) ended in a RecursionError DH900
    found = findings(inherit_chain(3_000, reverse), "bake")
    assert {f.code for f in found} == {"DH001"}
    assert len(found) == 3_000  # each context's node:18; no `FROM c<i>`: it names its own context


def test_contexts_past_the_inherit_budget_make_the_inline_image_unknown(monkeypatch):
    from dehub import bake

    text = 'target "t0" {\n  contexts = { base = "target:x" }\n}\n'
    text += "".join(f'target "t{index}" {{\n  inherits = ["t{index - 1}"]\n}}\n' for index in range(1, 10))
    text += 'target "t10" {\n  inherits = ["t9"]\n  dockerfile-inline = "FROM base"\n}\n'
    assert findings(text, "bake") == []  # `base` is t0's context
    monkeypatch.setattr(bake, "MAX_INHERIT_VISITS", 5)
    found = findings(text, "bake")
    assert [(f.code, f.image) for f in found] == [("DH003", "base")]  # not called a Docker Hub image


def test_stage_matching_is_linear_in_the_name_and_agrees_with_wildcard():
    import random

    from dehub.dockerfile import _matches
    from dehub.patterns import wildcard

    rng = random.Random(12)
    for _ in range(3_000):
        name = "".join(rng.choice("ab-") for _ in range(rng.randint(0, 8)))
        text = "".join(rng.choice("ab-**") for _ in range(rng.randint(1, 8)))
        if "*" not in text:
            text += "*"
        assert _matches(text.split("*"), name) == wildcard(text, name), (text, name)


def test_a_backtracking_from_pattern_against_long_stage_names_is_quick(monkeypatch):
    # `FROM ${X}a${X}a...b<i>` against 2,000-character stage names: 70 s for 700 KB before
    text = "ARG X\n" + "".join(f"FROM scratch AS {'a' * 2_000}{i}\n" for i in range(60))
    text += "".join(f"FROM {'${X}a' * 300}b{i}\n" for i in range(60))
    from dehub import dockerfile

    steps = [0]
    real = dockerfile.wildcard

    def counting(pattern, name):
        steps[0] += 1
        return real(pattern, name)

    monkeypatch.setattr(dockerfile, "wildcard", counting)
    found = findings(text)
    assert steps[0] == 0  # the backtracking matcher is not used for `*` patterns
    assert {f.code for f in found} == {"DH003"} and len(found) == 60
