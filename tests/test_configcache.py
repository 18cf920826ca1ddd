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
