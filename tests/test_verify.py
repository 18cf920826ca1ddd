"""`dehub check --verify`: the run asks the registry (here a fake `verify()`), DH001 decides
with each answer, and every format shows it. Live registry tests are in test_verify_live.py."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest
from helpers import make_config
from test_report_formats import validate_sarif

from dehub.config import ConfigError, find_config_file
from dehub.hooks.cli import main
from dehub.registry import verify as registry_verify
from dehub.registry.outcome import (
    AUTH_REQUIRED,
    DIFFERENT,
    EXISTS,
    MISSING,
    NOT_CACHED,
    RATE_LIMITED,
    SAME,
    UNREACHABLE,
    Outcome,
)

ECR = "public.ecr.aws/docker/library/"
NODE, CENTOS = ECR + "node:20", ECR + "centos:7"
DOCKERFILE = "FROM node:20\nFROM centos:7\n"
MIRROR_DIGEST, HUB_DIGEST = "sha256:" + "a" * 64, "sha256:" + "b" * 64
OFFLINE_NODE = "`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`"
OFFLINE_CENTOS = (
    "`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` (unsafe fix: `centos` "
    "left the Docker Official Images on 2024-07-29; old tags are mirrored, but check that yours is)"
)
INCOMPLETE = ("rate-limited", "auth-required", "unreachable")


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config_file(str(tmp_path)) is None
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    return tmp_path


class FakeRegistry:
    """`dehub.registry.verify.verify` replaced: answers from a table, records every call."""

    def __init__(self, answers: dict[str, tuple[str, str]]) -> None:
        self.answers = answers  # reference -> (state, detail); a reference not listed gets no entry
        self.calls: list[tuple[list[registry_verify.Request], registry_verify.VerifyOptions]] = []

    def __call__(self, requests, options):
        self.calls.append((list(requests), options))
        out = {}
        for request in requests:
            if request.reference not in self.answers:
                continue
            state, detail = self.answers[request.reference]
            digest = MIRROR_DIGEST if state.startswith("exists") else None
            hub = (HUB_DIGEST if state == DIFFERENT else MIRROR_DIGEST) if state in (SAME, DIFFERENT) else None
            out[request.reference] = Outcome(state, request.reference, digest, hub, detail)
        return out

    @property
    def requests(self) -> list[registry_verify.Request]:
        return [request for requests, _ in self.calls for request in requests]


@pytest.fixture
def registry(monkeypatch):
    def install(answers: dict[str, tuple[str, str] | str]) -> FakeRegistry:
        table = {ref: (value, "") if isinstance(value, str) else value for ref, value in answers.items()}
        fake = FakeRegistry(table)
        monkeypatch.setattr(registry_verify, "verify", fake)
        return fake

    return install


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_report(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code, out, err = run(capsys, "check", "--format", "json", *argv)
    return code, json.loads(out)["findings"], err


# --- what each answer does to DH001, in check mode ---------------------------------------

# state -> (node's message suffix, node fixable, centos's message, centos fixable)
EXPECTED = {
    EXISTS: (
        " (verified on public.ecr.aws)", "safe",
        ("`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` "
        "(verified on public.ecr.aws)"), "safe",
    ),
    SAME: (
        " (verified on public.ecr.aws: the same digest as on Docker Hub)", "safe",
        ("`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` "
        "(verified on public.ecr.aws: the same digest as on Docker Hub)"), "safe",
    ),
    DIFFERENT: (
        (" (unsafe fix: the digest on public.ecr.aws (sha256:aaaaaaaaaaaa) differs from Docker Hub's "
        "(sha256:bbbbbbbbbbbb) for this tag: the mirror lags behind)"), "unsafe",
        ("`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` (unsafe fix: the "
        "digest on public.ecr.aws (sha256:aaaaaaaaaaaa) differs from Docker Hub's (sha256:bbbbbbbbbbbb) for "
        "this tag: the mirror lags behind)"), "unsafe",
    ),
    NOT_CACHED: (
        " (not cached on public.ecr.aws yet: a pull-through cache fetches it from Docker Hub on the first pull)",
        "safe",
        ("`centos:7` is pulled from Docker Hub; use `public.ecr.aws/docker/library/centos:7` (not cached on "
        "public.ecr.aws yet: a pull-through cache fetches it from Docker Hub on the first pull) (unsafe fix: "
        "`centos` left the Docker Official Images on 2024-07-29; old tags are mirrored, but check that yours is)"),
        "unsafe",
    ),
    RATE_LIMITED: (" (not verified, rate-limited: 429 Too Many Requests)", "safe", None, "unsafe"),
    AUTH_REQUIRED: (" (not verified, auth-required: 401 Unauthorized)", "safe", None, "unsafe"),
    UNREACHABLE: (" (not verified, unreachable: connection refused)", "safe", None, "unsafe"),
}
DETAILS = {RATE_LIMITED: "429 Too Many Requests", AUTH_REQUIRED: "401 Unauthorized", UNREACHABLE: "connection refused"}


def answer(state: str) -> tuple[str, str]:
    return state, DETAILS.get(state, "")


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_answer_in_check_mode(work, capsys, registry, state):
    fake = registry({NODE: answer(state), CENTOS: answer(state)})
    code, found, err = json_report(capsys, "--verify")
    assert code == 1
    node_suffix, node_fixable, centos_message, centos_fixable = EXPECTED[state]
    if centos_message is None:  # no answer: the offline message, with what went wrong
        centos_message = OFFLINE_CENTOS.replace(" (unsafe fix", node_suffix.replace("node", "centos") + " (unsafe fix")
    assert [(f["message"], f["fixable"]) for f in found] == [
        (OFFLINE_NODE + node_suffix, node_fixable),
        (centos_message, centos_fixable),
    ]
    assert [f["verification"]["state"] for f in found] == [state, state]
    assert found[0]["verification"] == {
        "state": state,
        "reference": NODE,
        "digest": MIRROR_DIGEST if state.startswith("exists") else None,
        "hub_digest": {SAME: MIRROR_DIGEST, DIFFERENT: HUB_DIGEST}.get(state),
        "detail": DETAILS.get(state, ""),
    }
    assert [(request.reference, request.hub, request.on_demand) for request in fake.requests] == [
        (NODE, None, False),
        (CENTOS, None, False),
    ]
    incomplete = "dehub: --verify incomplete: 2 of 2 references could not be checked"
    assert (incomplete in err) == (state in INCOMPLETE)


def test_missing_withdraws_the_fix_and_says_what_is_missing(work, capsys, registry):
    registry({NODE: (MISSING, "manifest unknown"), CENTOS: (MISSING, "repository name not known to registry")})
    code, found, err = json_report(capsys, "--verify")
    assert code == 1
    assert [(f["message"], f["fixable"], f["suggestion"]) for f in found] == [
        (
            ("`node:20` is pulled from Docker Hub; the tag `20` is missing from its mirror "
            "`public.ecr.aws/docker/library/node` on public.ecr.aws (no automatic fix)"),
            None,
            NODE,
        ),
        (
            ("`centos:7` is pulled from Docker Hub; its mirror repository `public.ecr.aws/docker/library/centos` "
            "is missing on public.ecr.aws (no automatic fix)"),
            None,
            CENTOS,
        ),
    ]
    assert "incomplete" not in err


@pytest.mark.parametrize("tag", ["", ":20"])
def test_a_missing_digest_pin_is_named(work, capsys, registry, tag):
    digest = "sha256:" + "c" * 64
    (work / "Dockerfile").write_text(f"FROM node{tag}@{digest}\n", encoding="utf-8")
    registry({f"{ECR}node{tag}@{digest}": MISSING})
    _, found, _ = json_report(capsys, "--verify")
    assert found[0]["message"] == (
        f"`node{tag}@{digest}` is pulled from Docker Hub; the digest `{digest}` is missing from its mirror "
        "`public.ecr.aws/docker/library/node` on public.ecr.aws (no automatic fix)"
    )  # the repository, without the tag: a digest is looked up in the repository alone


# --- --fix and --diff with each answer ----------------------------------------------------

# state -> the Dockerfile after `--verify --fix` (no --unsafe-fixes)
AFTER_FIX = {
    EXISTS: f"FROM {NODE}\nFROM {CENTOS}\n",
    SAME: f"FROM {NODE}\nFROM {CENTOS}\n",
    DIFFERENT: DOCKERFILE,
    MISSING: DOCKERFILE,
    NOT_CACHED: f"FROM {NODE}\nFROM centos:7\n",
    RATE_LIMITED: f"FROM {NODE}\nFROM centos:7\n",
    AUTH_REQUIRED: f"FROM {NODE}\nFROM centos:7\n",
    UNREACHABLE: f"FROM {NODE}\nFROM centos:7\n",
}


@pytest.mark.parametrize("state", list(AFTER_FIX))
def test_each_answer_with_fix(work, capsys, registry, state):
    registry({NODE: answer(state), CENTOS: answer(state)})
    code, out, err = run(capsys, "check", "--verify", "--fix")
    after = (work / "Dockerfile").read_text(encoding="utf-8")
    assert after == AFTER_FIX[state]
    assert code == (0 if after.count(ECR) == 2 else 1)  # what remains decides, as without --verify
    assert ("Fixing Dockerfile" in out) == (after != DOCKERFILE)
    assert ("--verify incomplete" in err) == (state in INCOMPLETE)


@pytest.mark.parametrize("state", list(AFTER_FIX))
def test_each_answer_with_diff(work, capsys, registry, state):
    registry({NODE: answer(state), CENTOS: answer(state)})
    code, out, _err = run(capsys, "check", "--verify", "--diff")
    assert (work / "Dockerfile").read_text(encoding="utf-8") == DOCKERFILE  # --diff writes nothing
    expected = AFTER_FIX[state]
    if expected == DOCKERFILE:
        assert out == ""
        assert code == 1  # the findings remain
    else:
        assert out.startswith("--- Dockerfile\n+++ Dockerfile\n")
        assert f"+FROM {NODE}\n" in out
        assert (f"+FROM {CENTOS}\n" in out) == (expected.count(ECR) == 2)
        assert code == 1


def test_unsafe_fixes_still_apply_what_is_unsafe_but_never_what_is_missing(work, capsys, registry):
    registry({NODE: MISSING, CENTOS: DIFFERENT})
    assert run(capsys, "check", "--verify", "--fix", "--unsafe-fixes")[0] == 1
    assert (work / "Dockerfile").read_text(encoding="utf-8") == f"FROM node:20\nFROM {CENTOS}\n"


def test_a_shared_literal_is_not_moved_to_a_missing_copy(work, capsys, registry):
    (work / "Dockerfile").write_text("ARG IMG=node\nFROM ${IMG}:20\nFROM ${IMG}:20-slim\n", encoding="utf-8")
    registry({NODE: EXISTS, NODE + "-slim": EXISTS})
    assert [f["fixable"] for f in json_report(capsys, "--verify")[1]] == ["safe", "safe"]
    registry({NODE: EXISTS, NODE + "-slim": MISSING})
    _code, found, _ = json_report(capsys, "--verify")
    assert [(f["fixable"], f["verification"]["state"]) for f in found] == [(None, EXISTS), (None, MISSING)]
    assert found[0]["message"].endswith("(no automatic fix: the same text also makes `node:20-slim`)")
    assert run(capsys, "check", "--verify", "--fix", "--unsafe-fixes")[0] == 1
    assert (work / "Dockerfile").read_text(encoding="utf-8").startswith("ARG IMG=node\n")


# --- the run: phases, summary, exit ---------------------------------------------------------


def test_text_report_ends_with_the_answers_and_the_incomplete_line(work, capsys, registry):
    registry({NODE: EXISTS, CENTOS: (UNREACHABLE, "timed out")})
    code, out, err = run(capsys, "check", "--verify")
    assert code == 1
    assert out.splitlines() == [
        f"Dockerfile:1:6: DH001 error: {OFFLINE_NODE} (verified on public.ecr.aws)",
        ("Dockerfile:2:6: DH001 error: `centos:7` is pulled from Docker Hub; use "
        "`public.ecr.aws/docker/library/centos:7` (not verified, unreachable: timed out) (unsafe fix: `centos` "
        "left the Docker Official Images on 2024-07-29; old tags are mirrored, but check that yours is)"),
        "Found 2 problems. [*] 1 fixable with --fix; 1 more with --fix --unsafe-fixes.",
        "Asked about 2 mirror references (--verify): 1 exists, 1 unreachable.",
    ]
    assert err == (
        "dehub: --verify incomplete: 1 of 2 references could not be checked (1 unreachable); "
        "their findings stand as without --verify\n"
    )


def test_an_incomplete_check_does_not_fail_a_run_that_fixed_everything(work, capsys, registry):
    registry({NODE: RATE_LIMITED, CENTOS: EXISTS})
    code, out, err = run(capsys, "check", "--verify", "--fix")
    assert code == 0
    assert (work / "Dockerfile").read_text(encoding="utf-8") == f"FROM {NODE}\nFROM {CENTOS}\n"
    assert "Asked about 2 mirror references (--verify): 1 exists, 1 rate-limited." in out
    assert "1 of 2 references could not be checked (1 rate-limited)" in err


def test_a_reference_the_client_did_not_get_to_is_not_asked(work, capsys, registry):
    registry({NODE: EXISTS})  # no entry for centos: the time budget ran out
    _code, found, err = json_report(capsys, "--verify")
    assert [f["verification"] for f in found][1] is None
    assert found[1]["message"] == OFFLINE_CENTOS
    assert "dehub: Asked about 2 mirror references (--verify): 1 exists, 1 not asked.\n" in err
    assert "1 of 2 references could not be checked (1 not asked)" in err


def test_quiet_keeps_the_incomplete_line_only(work, capsys, registry):
    registry({NODE: UNREACHABLE, CENTOS: UNREACHABLE})
    _code, _out, err = run(capsys, "check", "--verify", "-q", "--format", "json")
    assert "Asked about" not in err
    assert err.startswith("dehub: --verify incomplete: 2 of 2 references")


def test_one_request_per_distinct_reference_and_digest_mode_asks_docker_hub(work, capsys, registry):
    (work / "a").mkdir()
    (work / "a" / "Dockerfile").write_text("FROM node:20\nFROM python:${V}\n", encoding="utf-8")
    fake = registry({NODE: SAME, CENTOS: SAME})
    run(capsys, "check", "--verify=digest")
    assert len(fake.calls) == 1
    requests, options = fake.calls[0]
    assert [(r.reference, r.hub) for r in requests] == [
        (NODE, "docker.io/library/node:20"),  # a/Dockerfile first; asked once for both files
        (CENTOS, "docker.io/library/centos:7"),
    ]  # python:${V} cannot be asked
    assert options.digest is True
    assert options.use_cache is True


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("run.sh", "docker run node:$TAG\n"),  # a shell variable without braces
        ("Makefile", "x:\n\tdocker run node:$(TAG)\n"),  # a make variable
        ("values.yaml", 'image:\n  repository: node\n  tag: "{{ .Values.tag }}"\n'),  # a Helm template
    ],
)
def test_a_reference_with_a_variable_of_any_syntax_is_not_asked(work, capsys, registry, name, text):
    (work / "Dockerfile").unlink()
    (work / name).write_text(text, encoding="utf-8")
    fake = registry({})
    code, out, err = run(capsys, "check", "--verify", name)
    assert fake.requests == []  # a registry cannot be asked about a tag only the CI system knows
    assert "Asked about no mirror reference" in out
    assert "incomplete" not in err
    assert code == 1


def test_the_summary_counts_the_suggestions_that_could_not_be_asked(work, capsys, registry):
    (work / "Dockerfile").unlink()
    (work / ".gitlab-ci.yml").write_text("a:\n  image: node:20\n  services: [redis:7]\n  script: [x]\n")
    fake = registry({})
    _code, out, _ = run(capsys, "check", "--verify", "--mirror", "gitlab-dependency-proxy")
    assert fake.requests == []
    assert out.splitlines()[-1] == (
        "Asked about no mirror reference (--verify): 2 suggested references have a variable in them, "
        "which only the file's tool can fill in."
    )  # not "no finding suggests one": two do
    (work / "run.sh").write_text("docker run node:20\ndocker run node:$TAG\n")
    registry({NODE: EXISTS})
    _code, out, _ = run(capsys, "check", "--verify", "run.sh")
    assert out.splitlines()[-1] == (
        "Asked about 1 mirror reference (--verify): 1 exists; 1 more has a variable in it, "
        "which only the file's tool can fill in."
    )


def test_verify_digest_says_when_docker_hub_did_not_answer(work, capsys, registry):
    """The mirror answered (`exists`) but Docker Hub did not: the copy is verified, its digest
    is not, and --verify=digest must not pass that by in silence."""
    hub_down = "public.ecr.aws has it; digest comparison incomplete (Docker Hub: timed out)"
    registry({NODE: (EXISTS, hub_down), CENTOS: SAME})
    code, found, err = json_report(capsys, "--verify=digest")
    assert code == 1
    uncompared = " (verified on public.ecr.aws; its digest was not compared with Docker Hub's)"
    assert found[0]["message"] == OFFLINE_NODE + uncompared
    assert found[0]["fixable"] == "safe"  # the copy exists
    assert err.splitlines()[-1] == (
        "dehub: --verify=digest incomplete: 1 of 2 references could not be compared with Docker Hub's digest; "
        "the mirror has them"
    )


def test_nothing_to_ask_asks_nothing(work, capsys, registry):
    (work / "Dockerfile").write_text(f"FROM {NODE}\n", encoding="utf-8")
    fake = registry({})
    code, out, _ = run(capsys, "check", "--verify")
    assert code == 0
    assert fake.calls == []
    assert out.splitlines() == [
        "All checks passed!",
        "Asked about no mirror reference (--verify): no finding suggests one.",
    ]


def test_stdin_is_verified(work, capsys, registry, monkeypatch):
    import io

    class Stdin:
        buffer = io.BytesIO(DOCKERFILE.encode())

        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Stdin())
    registry({NODE: MISSING, CENTOS: EXISTS})
    code, out, err = run(capsys, "check", "--verify", "--fix", "--stdin-filename", "Dockerfile")
    assert out == f"FROM node:20\nFROM {CENTOS}\n"
    assert code == 1
    assert "missing from its mirror" in err


def test_checking_in_processes_carries_the_answers(work, capsys, registry):
    for number in range(12):
        (work / f"d{number}").mkdir()
        (work / f"d{number}" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    registry({NODE: EXISTS, CENTOS: MISSING})
    _code, found, _ = json_report(capsys, "--verify", "-j", "2")
    assert len(found) == 26
    assert {(f["verification"]["state"], f["fixable"]) for f in found} == {(EXISTS, "safe"), (MISSING, None)}


def test_verification_crosses_the_process_boundary():
    from dehub.findings import Finding
    from dehub.parallel import decode_findings, encode_findings

    finding = Finding("DH001", "docker-hub-image", "error", "m", 0, 1, suggestion=NODE)
    finding.verification = EXISTS
    (back,) = decode_findings(encode_findings([finding]))
    assert back.verification == EXISTS
    assert decode_findings(encode_findings([Finding("DH002", "n", "error", "m", 0, 1)]))[0].verification is None


# --- every format -----------------------------------------------------------------------------


def test_json_without_verify_has_no_verification_key(work, capsys, registry):
    fake = registry({})
    _code, out, _err = run(capsys, "check", "--format", "json")
    assert '"verification"' not in out
    assert fake.calls == []


def test_sarif_results_carry_the_answer(work, capsys, registry):
    registry({NODE: EXISTS, CENTOS: (MISSING, "manifest unknown")})
    _code, out, _ = run(capsys, "check", "--verify", "--format", "sarif")
    document = json.loads(out)
    validate_sarif(document)
    results = document["runs"][0]["results"]
    assert [r["properties"]["verification"]["state"] for r in results] == [EXISTS, MISSING]
    assert results[1]["properties"]["verification"]["detail"] == "manifest unknown"
    assert "fixes" in results[0] and "fixes" not in results[1]


def test_sarif_without_verify_has_no_properties(work, capsys):
    _code, out, _ = run(capsys, "check", "--format", "sarif")
    assert all("properties" not in r for r in json.loads(out)["runs"][0]["results"])


@pytest.mark.parametrize("report_format", ["concise", "github", "gitlab", "junit"])
def test_other_formats_say_the_answer_in_the_message(work, capsys, registry, report_format):
    registry({NODE: EXISTS, CENTOS: (UNREACHABLE, "timed out")})
    code, out, err = run(capsys, "check", "--verify", "--format", report_format)
    assert code == 1
    assert "(verified on public.ecr.aws)" in out
    assert "(not verified, unreachable: timed out)" in out
    if report_format == "gitlab":
        assert [i["description"].startswith("DH001 ") for i in json.loads(out)] == [True, True]
    if report_format == "junit":
        failures = [e.get("message") for e in ElementTree.fromstring(out).iter("failure")]
        assert failures[0].endswith("(verified on public.ecr.aws)")
    summary = "Asked about 2 mirror references (--verify): 1 exists, 1 unreachable."
    if report_format in ("concise", "github"):
        assert summary in out.splitlines()
    else:
        assert f"dehub: {summary}" in err.splitlines()
    assert "--verify incomplete: 1 of 2" in err


# --- command line and configuration -------------------------------------------------------------


def test_verify_takes_its_value_only_after_an_equals_sign(work, capsys, registry):
    fake = registry({NODE: EXISTS, CENTOS: EXISTS})
    code, _, err = run(capsys, "check", "--verify", "digest")  # `digest` is a path here
    assert code == 2
    assert "digest: no such file or directory" in err
    assert fake.calls == []


def test_verify_usage_errors(work, capsys):
    code, _, err = run(capsys, "check", "--verify=bogus")
    assert code == 2
    assert "option --verify: invalid choice 'bogus' (choose from exists, digest)" in err
    code, _, err = run(capsys, "check", "--verify", "--no-verify")
    assert code == 2
    assert "give --verify or --no-verify, not both" in err


@pytest.mark.parametrize(
    ("configured", "argv", "expected"),
    [
        ("verify: true\n", [], [(NODE, None), (CENTOS, None)]),
        ("verify: digest\n", [], [(NODE, "docker.io/library/node:20"), (CENTOS, "docker.io/library/centos:7")]),
        ("verify: digest\n", ["--verify"], [(NODE, None), (CENTOS, None)]),
        ("verify: true\n", ["--no-verify"], None),
        ("verify: false\n", ["--verify"], [(NODE, None), (CENTOS, None)]),
        ("verify: false\n", [], None),
    ],
)
def test_the_command_line_overrides_the_configuration(work, capsys, registry, configured, argv, expected):
    (work / ".dehub.yaml").write_text(configured, encoding="utf-8")
    fake = registry({NODE: EXISTS, CENTOS: EXISTS})
    run(capsys, "check", *argv)
    if expected is None:
        assert fake.calls == []
    else:
        assert [(r.reference, r.hub) for r in fake.requests] == expected


def test_verify_options_and_no_cache_reach_the_client(work, capsys, registry, monkeypatch):
    (work / ".dehub.yaml").write_text(
        "verify: true\nverify-options: {concurrency: 2, rate: 1.5, timeout: 3, budget: 30}\n", encoding="utf-8"
    )
    monkeypatch.setenv("DEHUB_HUB_ENDPOINT", "http://127.0.0.1:1")
    fake = registry({NODE: EXISTS, CENTOS: EXISTS})
    run(capsys, "check", "--no-cache")
    options = fake.calls[0][1]
    assert (options.concurrency, options.rate, options.timeout, options.budget) == (2, 1.5, 3, 30)
    assert options.use_cache is False
    assert options.hub_endpoint == "http://127.0.0.1:1"
    assert options.digest is False


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"verify": "yes"}, "`verify`: expected true, false or digest, got a string ('yes')"),
        ({"verify": 1}, "`verify`: expected true, false or digest, got a number (1)"),
        ({"verify_options": [1]}, "`verify-options`: expected a mapping with keys concurrency, rate, timeout, budget"),
        ({"verify_options": {"retries": 3}}, "`verify-options.retries`: unknown key; known keys: concurrency, rate"),
        ({"verify_options": {"concurrency": 0}}, "`verify-options.concurrency`: expected a whole number from 1 to 16"),
        ({"verify_options": {"concurrency": 2.5}}, "`verify-options.concurrency`: expected a whole number from 1"),
        ({"verify_options": {"concurrency": 2.5}}, "(requests in flight at once), got a number (2.5)"),
        ({"verify_options": {"timeout": 300.0}}, "`verify-options.timeout`: expected a number from 0.5 to 120"),
        ({"verify_options": {"timeout": 300.0}}, "to wait for an answer), got a number (300.0)"),
        ({"verify_options": {"rate": True}}, "`verify-options.rate`: expected a number from 0.1 to 50"),
        ({"verify_options": {"timeout": 0}}, "`verify-options.timeout`: expected a number from 0.5 to 120"),
        ({"verify_options": {"budget": "60"}}, "`verify-options.budget`: expected a number from 1 to 3600"),
    ],
)
def test_configuration_errors_name_the_key(values, error):
    with pytest.raises(ConfigError) as raised:
        make_config(**values)
    assert error in str(raised.value)


def test_configuration_values():
    assert make_config(verify=True).verify == "exists"
    assert make_config(verify="digest").verify == "digest"
    assert make_config(verify=False).verify == ""
    assert make_config().verify == ""
    assert make_config(verify_options={"rate": 2}).verify_options == {"rate": 2}


@pytest.mark.parametrize(
    ("mirror", "on_demand"),
    [
        ("target: harbor\n  host: harbor.example.com\n  project: hub\n", True),
        ("target: ecr-pull-through\n  account: '123456789012'\n  region: eu-west-1\n  prefix: hub\n", True),
        ("target: custom\n  template: 'registry.example.com/{path}'\n  cache: on-demand\n", True),
        ("target: custom\n  template: 'registry.example.com/{path}'\n  cache: partial\n", False),
        ("target: gcr\n", False),
        ("target: ecr-public\n", False),
        ("target: harbor\n  host: harbor.example.com\n  project: hub\n  map: {node: 'copy.example.com/{path}'}\n",
         False),
    ],
)
def test_a_pull_through_cache_is_asked_as_on_demand(work, capsys, registry, mirror, on_demand):
    (work / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    (work / ".dehub.yaml").write_text("mirror:\n  " + mirror, encoding="utf-8")
    fake = registry({})
    run(capsys, "check", "--verify")
    assert [request.on_demand for request in fake.requests] == [on_demand]


def test_a_pull_through_cache_that_has_not_fetched_the_image_keeps_the_fix(work, capsys, registry):
    (work / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    (work / ".dehub.yaml").write_text("mirror:\n  target: harbor\n  host: h.example\n  project: hub\n")
    registry({"h.example/hub/library/node:20": NOT_CACHED})
    assert run(capsys, "check", "--verify", "--fix")[0] == 0
    assert (work / "Dockerfile").read_text(encoding="utf-8") == "FROM h.example/hub/library/node:20\n"


# --- no network unless asked ----------------------------------------------------------------


@pytest.mark.parametrize("argv", [["check"], ["check", "--fix", "--no-cache"], ["check", "--no-verify"]])
def test_a_run_without_verify_imports_no_registry_code(work, argv):
    (work / ".dehub.yaml").write_text("verify: true\n" if "--no-verify" in argv else "select: [DH001]\n")
    code = (
        "import sys\n"
        "from dehub.hooks.cli import main\n"
        f"main({argv!r})\n"
        "print(sorted(name for name in sys.modules if name.startswith(('dehub.registry', 'dehub.verification',"
        " 'urllib.request', 'http.client', 'ssl', 'socket'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


def test_a_verified_run_does_import_it(work):
    """The check above can fail: a verified run loads the client (answers unreachable: port 1)."""
    code = (
        "import sys\n"
        "from dehub.registry import verify as v\n"
        "from dehub.registry.outcome import Outcome\n"
        "v.verify = lambda requests, options: {r.reference: Outcome('unreachable', r.reference) for r in requests}\n"
        "from dehub.hooks.cli import main\n"
        "main(['check', '--verify'])\n"
        "print('dehub.verification' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.splitlines()[-1] == "True", done.stderr


@pytest.mark.parametrize(("state", "after"), [(EXISTS, "FROM mirror.gcr.io/library/node:20\n"), (MISSING, None)])
def test_a_partial_cache_is_fixed_only_once_verified(work, capsys, registry, state, after):
    (work / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    (work / ".dehub.yaml").write_text("mirror:\n  target: gcr\n", encoding="utf-8")
    assert json_report(capsys)[1][0]["fixable"] == "unsafe"  # offline: mirror.gcr.io may not hold it
    registry({"mirror.gcr.io/library/node:20": state})
    run(capsys, "check", "--verify", "--fix")
    assert (work / "Dockerfile").read_text(encoding="utf-8") == (after or "FROM node:20\n")
