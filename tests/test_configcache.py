"""The configuration cache: same answers as parsing, no YAML/TOML import on a hit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dehub import configcache
from dehub.hooks.cli import main


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(folder))
    monkeypatch.delenv("DEHUB_NO_CACHE", raising=False)
    return folder


def counting(value):
    calls = []

    def parse(raw):
        calls.append(raw)
        return value

    return parse, calls


def test_second_load_of_the_same_bytes_does_not_parse(cache, tmp_path):
    parse, calls = counting({"allow": ["myorg/*"]})
    path = str(tmp_path / ".dehub.yaml")
    assert configcache.load(path, b"allow: [myorg/*]\n", parse) == {"allow": ["myorg/*"]}
    assert configcache.load(path, b"allow: [myorg/*]\n", parse) == {"allow": ["myorg/*"]}
    assert len(calls) == 1
    assert len(os.listdir(cache)) == 1


def test_changed_bytes_are_parsed_again(cache, tmp_path):
    parse, calls = counting({"a": 1})
    path = str(tmp_path / ".dehub.yaml")
    configcache.load(path, b"a: 1\n", parse)
    configcache.load(path, b"a: 2\n", parse)
    assert len(calls) == 2


def test_corrupt_or_unwritable_cache_is_ignored(cache, tmp_path, monkeypatch):
    parse, calls = counting({"a": 1})
    path = str(tmp_path / ".dehub.yaml")
    configcache.load(path, b"a: 1\n", parse)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"not marshal data")
    assert configcache.load(path, b"a: 1\n", parse) == {"a": 1}
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(tmp_path / "file-not-folder"))
    (tmp_path / "file-not-folder").write_text("x")
    assert configcache.load(path, b"a: 1\n", parse) == {"a": 1}
    assert len(calls) == 3


def test_values_marshal_cannot_hold_are_not_cached(cache, tmp_path):
    parse, calls = counting({"when": object()})
    path = str(tmp_path / ".dehub.yaml")
    configcache.load(path, b"x", parse)
    configcache.load(path, b"x", parse)
    assert len(calls) == 2 and not cache.exists()


def test_errors_are_not_cached(cache, tmp_path, monkeypatch, capsys):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    (root / ".dehub.yaml").write_text("allow: [\n")
    assert main(["check", "."]) == 2
    assert main(["check", "."]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_no_cache_variable(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("DEHUB_NO_CACHE", "1")
    parse, calls = counting({"a": 1})
    configcache.load(str(tmp_path / "c.yaml"), b"a: 1\n", parse)
    assert not cache.exists() and len(calls) == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [(".dehub.yaml", "allow: ['myorg/*']\n"), ("pyproject.toml", "[tool.dehub]\nallow = ['myorg/*']\n")],
)
def test_a_cached_configuration_applies_without_importing_a_parser(cache, tmp_path, name, text):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / name).write_text(text)
    (root / "Dockerfile").write_text("FROM myorg/app:1\nFROM node:20\n")
    probe = (
        "import sys\n"
        "from dehub.hooks.cli import main\n"
        "code = main(['check', '-q', 'Dockerfile'])\n"
        "print(code, 'yaml' in sys.modules, 'tomllib' in sys.modules or 'tomli' in sys.modules)\n"
    )
    env = {**os.environ, "DEHUB_CACHE_DIR": str(cache)}
    runs = [
        subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=60)
        for _ in range(2)
    ]
    first, second = (run.stdout.splitlines() for run in runs)
    assert first[0].startswith("Dockerfile:2:6: DH001") and len(first) == 2  # myorg/app is allowed
    assert first[-1] in ("1 True False", "1 False True")  # parsed the first time
    assert second[:-1] == first[:-1]
    assert second[-1] == "1 False False"  # answered from the cache


# --- hostile cache entries and folders (issue 12) ---------------------------------------------------------------------


def test_cache_folder_and_entries_are_private(cache, tmp_path):
    parse, _ = counting({"allow": ["a/*"]})
    configcache.load(str(tmp_path / ".dehub.yaml"), b"allow: [a/*]\n", parse)
    assert cache.stat().st_mode & 0o777 == 0o700
    (entry,) = cache.iterdir()
    assert entry.stat().st_mode & 0o777 == 0o600
    assert entry.name.startswith("config-")  # no temporary file left behind


def test_cache_entry_for_other_bytes_is_not_used(cache, tmp_path):
    """The key holds a strong digest of the bytes: an entry written for other bytes of the same
    length at the same path (CRC-32 could be made to collide) is parsed again."""
    path = str(tmp_path / ".dehub.yaml")
    parse, _ = counting({"a": 1})
    configcache.load(path, b"a: 1\n", parse)
    parse2, calls2 = counting({"a": 2})
    assert configcache.load(path, b"a: 2\n", parse2) == {"a": 2}
    assert len(calls2) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "huge",  # over MAX_ENTRY: refused before marshal.loads
        "code",  # a code object where data belongs
        "set",  # not plain data
        "wrong-key",
        "not-a-pair",
        "truncated",
    ],
)
def test_a_tampered_cache_entry_is_never_trusted(cache, tmp_path, payload):
    path = str(tmp_path / ".dehub.yaml")
    raw = b"allow: [a/*]\n"
    parse, calls = counting({"allow": ["a/*"]})
    configcache.load(path, raw, parse)
    (entry,) = cache.iterdir()
    key = (configcache.VERSION, os.path.abspath(path), len(raw), configcache._digest(raw))
    forged = {
        "huge": marshal_dumps((key, {"allow": ["x" * configcache.MAX_ENTRY]})),
        "code": marshal_dumps((key, compile("1", "x", "eval"))),
        "set": marshal_dumps((key, {"allow": {"a/*"}})),
        "wrong-key": marshal_dumps(((0, path, 0, b""), {"allow": ["evil/*"]})),
        "not-a-pair": marshal_dumps([key]),
        "truncated": entry.read_bytes()[:-3],
    }[payload]
    entry.write_bytes(forged)
    assert configcache.load(path, raw, parse) == {"allow": ["a/*"]}
    assert len(calls) == 2  # parsed again, not taken from the entry


def marshal_dumps(value: object) -> bytes:
    import marshal

    return marshal.dumps(value)


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="POSIX links and modes")
def test_a_cache_folder_that_is_a_link_or_an_entry_that_is_a_link_is_not_used(tmp_path, monkeypatch):
    monkeypatch.delenv("DEHUB_NO_CACHE", raising=False)
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    os.symlink(real, tmp_path / "cache")
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(tmp_path / "cache"))
    path = str(tmp_path / ".dehub.yaml")
    parse, calls = counting({"a": 1})
    configcache.load(path, b"a: 1\n", parse)
    configcache.load(path, b"a: 1\n", parse)
    assert len(calls) == 2 and list(real.iterdir()) == []  # neither read nor written through the link

    # an entry planted as a link to a file of the victim's: replaced, never written through
    monkeypatch.setenv("DEHUB_CACHE_DIR", str(real))
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    os.symlink(victim, configcache._entry(str(real), os.path.abspath(path)))
    configcache.load(path, b"a: 1\n", parse)
    assert victim.read_text() == "precious\n"
    assert configcache.load(path, b"a: 1\n", parse) == {"a": 1} and len(calls) == 3  # the new entry is used


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_an_open_cache_folder_is_made_private(cache, tmp_path):
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    configcache.load(str(tmp_path / "c.yaml"), b"a: 1\n", counting({"a": 1})[0])
    assert cache.stat().st_mode & 0o777 == 0o700
