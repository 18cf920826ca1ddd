"""`dehub check --verify` end to end, against real registries on loopback (docker-registry,
started by tests/registryfixtures.py): what exists is fixed, what is missing is not, digests are
compared with a second registry acting as Docker Hub, and a second run asks nothing."""

from __future__ import annotations

import base64
import json

import pytest

registryfixtures = pytest.importorskip("registryfixtures")  # the registry fixtures (tests/conftest.py)

from dehub.config import find_config_file  # noqa: E402
from dehub.hooks.cli import main  # noqa: E402


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A repository folder, with its own answer cache and no Docker credentials."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo)
    assert find_config_file(str(repo)) is None
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(tmp_path / "cache"))  # ports are reused: never share answers
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("DEHUB_HUB_ENDPOINT", raising=False)
    return repo


def configure(repo, host: str, extra: str = "") -> None:
    """Map node and python to the loopback registry at `host`, as a full mirror."""
    (repo / ".dehub.yaml").write_text(
        f'mirror:\n  map:\n    "node": "{host}/{{path}}"\n    "python": "{host}/{{path}}"\n{extra}', encoding="utf-8"
    )


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verification_states(capsys, *argv: str) -> list[tuple[str, str | None, str | None]]:
    code, out, err = run(capsys, "check", "--format", "json", *argv)
    assert code in (0, 1), err
    return [(f["image"], f["fixable"], (f["verification"] or {}).get("state")) for f in json.loads(out)["findings"]]


def test_verify_fix_moves_what_the_mirror_has_and_not_what_it_lacks(work, capsys, registry):
    registry.push("library/node", "20")
    configure(work, registry.host)
    (work / "Dockerfile").write_text("FROM node:20\nFROM node:21\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--verify", "--fix")
    assert (work / "Dockerfile").read_text(encoding="utf-8") == f"FROM {registry.host}/library/node:20\nFROM node:21\n"
    assert code == 1  # node:21 remains
    lines = out.splitlines()
    assert lines[0] == "Fixing Dockerfile"
    assert lines[1] == (
        f"Dockerfile:2:6: DH001 error: `node:21` is pulled from Docker Hub; the tag `21` is missing from its mirror "
        f"`{registry.host}/library/node` on {registry.host} (no automatic fix)"
    )
    assert lines[-1] == "Asked about 2 mirror references (--verify): 1 exists, 1 missing."
    assert err == ""  # every reference was answered


def test_without_verify_both_are_fixed_and_nothing_is_asked(work, capsys, fault_proxy, registry):
    proxy = fault_proxy(registry.url)
    configure(work, proxy.host)
    (work / "Dockerfile").write_text("FROM node:20\nFROM node:21\n", encoding="utf-8")
    assert run(capsys, "check", "--fix")[0] == 0
    assert (work / "Dockerfile").read_text(encoding="utf-8").count(proxy.host) == 2
    assert proxy.requests == []


def test_a_missing_repository_is_not_fixed_either(work, capsys, registry):
    registry.push("library/node", "20")
    configure(work, registry.host)
    (work / "Dockerfile").write_text("FROM python:3.12\n", encoding="utf-8")
    assert verification_states(capsys, "--verify") == [("python:3.12", None, "missing")]


def test_verify_digest_compares_with_a_registry_acting_as_docker_hub(work, capsys, make_registry, monkeypatch):
    hub, mirror = make_registry(), make_registry()
    for registry in (hub, mirror):
        registry.push("library/node", "20", seed="node-20")  # in sync: the same digest on both
    hub.push("library/python", "3.12", seed="python-new")
    mirror.push("library/python", "3.12", seed="python-old")  # the mirror lags
    monkeypatch.setenv("DEHUB_HUB_ENDPOINT", hub.url)
    configure(work, mirror.host)
    (work / "Dockerfile").write_text("FROM node:20\nFROM python:3.12\n", encoding="utf-8")
    assert verification_states(capsys, "--verify=digest") == [
        ("node:20", "safe", "exists-same-digest"),
        ("python:3.12", "unsafe", "exists-different-digest"),
    ]
    code, out, _ = run(capsys, "check", "--verify=digest", "--fix")
    after = (work / "Dockerfile").read_text(encoding="utf-8")
    assert after == f"FROM {mirror.host}/library/node:20\nFROM python:3.12\n"
    assert "differs from Docker Hub's" in out
    assert "the mirror lags behind" in out
    assert code == 1


def test_a_second_run_is_answered_from_the_cache_and_no_cache_asks_again(work, capsys, registry, fault_proxy):
    registry.push("library/node", "20")
    proxy = fault_proxy(registry.url)  # no faults: it counts the requests
    configure(work, proxy.host)
    (work / "Dockerfile").write_text("FROM node:20\nFROM node:21\n", encoding="utf-8")
    expected = [("node:20", "safe", "exists"), ("node:21", None, "missing")]
    assert verification_states(capsys, "--verify") == expected
    asked = len(proxy.requests)
    assert asked >= 2
    assert {request.method for request in proxy.requests} == {"HEAD"}  # nothing is downloaded
    assert verification_states(capsys, "--verify") == expected
    assert len(proxy.requests) == asked  # the cache answered
    assert verification_states(capsys, "--verify", "--no-cache") == expected
    assert len(proxy.requests) > asked
    proxy.close()  # the registry is gone: the cache still answers
    assert verification_states(capsys, "--verify") == expected


def test_an_unreachable_registry_leaves_the_offline_fix_and_says_so(work, capsys):
    host = f"127.0.0.1:{registryfixtures.free_port()}"  # nothing listens there
    configure(work, host)
    (work / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--verify", "--fix")
    assert (work / "Dockerfile").read_text(encoding="utf-8") == f"FROM {host}/library/node:20\n"  # as offline
    assert code == 0
    assert "Asked about 1 mirror reference (--verify): 1 unreachable." in out
    assert err.startswith(
        "dehub: --verify incomplete: 1 of 1 references could not be checked (1 unreachable); "
        "their findings stand as without --verify\n"
    )


def test_a_token_registry_is_asked_with_an_anonymous_token(work, capsys, registry_token):
    registry_token.push("library/node", "20")
    configure(work, registry_token.host)
    (work / "Dockerfile").write_text("FROM node:20\nFROM node:21\n", encoding="utf-8")
    assert verification_states(capsys, "--verify") == [("node:20", "safe", "exists"), ("node:21", None, "missing")]
    assert registry_token.token_server.requests  # the challenge was followed


def test_credentials_from_the_docker_config_are_used_and_never_printed(work, capsys, make_registry, tmp_path):
    private = make_registry(auth="htpasswd", users={"alice": "s3cret-pw"})
    private.push("library/node", "20")
    configure(work, private.host)
    (work / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--verify", "-v", "--format", "json")
    assert json.loads(out)["findings"][0]["verification"]["state"] == "auth-required"
    assert "--verify incomplete: 1 of 1 references could not be checked (1 auth-required)" in err
    docker = tmp_path / "docker"
    docker.mkdir()
    token = base64.b64encode(b"alice:s3cret-pw").decode()
    (docker / "config.json").write_text(json.dumps({"auths": {private.host: {"auth": token}}}), encoding="utf-8")
    code, out, err = run(capsys, "check", "--verify", "-v", "--format", "json")
    assert code == 1  # the finding remains (not --fix)
    assert json.loads(out)["findings"][0]["verification"]["state"] == "exists"
    for secret in ("s3cret-pw", token):
        assert secret not in out + err


def test_a_pull_through_cache_says_not_cached_and_keeps_the_fix(work, capsys, registry):
    registry.push("dockerhub/library/node", "20")  # a Harbor proxy-cache project that fetched node:20
    (work / ".dehub.yaml").write_text(
        f"mirror:\n  target: harbor\n  host: {registry.host}\n  project: dockerhub\n", encoding="utf-8"
    )
    (work / "Dockerfile").write_text("FROM node:20\nFROM node:21\n", encoding="utf-8")
    assert verification_states(capsys, "--verify") == [("node:20", "safe", "exists"), ("node:21", "safe", "not-cached")]
    code, out, err = run(capsys, "check", "--verify", "--fix")
    assert code == 0
    assert (work / "Dockerfile").read_text(encoding="utf-8") == (
        f"FROM {registry.host}/dockerhub/library/node:20\nFROM {registry.host}/dockerhub/library/node:21\n"
    )
    assert "Asked about 2 mirror references (--verify): 1 exists, 1 not-cached." in out
    assert err == ""  # not cached yet is an answer: the check is complete
