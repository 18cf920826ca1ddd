"""The console-script entry `run()`: exits without interpreter teardown, but never loses output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, *args: str, cwd: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_module_entry_flushes_output_and_exit_code(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM node:20\n")
    done = subprocess.run(
        [sys.executable, "-m", "dehub", "check", "Dockerfile"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout.startswith("Dockerfile:1:6: DH001 error: ")
    assert done.stdout.endswith("[*] 1 fixable with --fix.\n")


def test_version_through_run(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dehub", "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stdout.startswith("dehub ")


def test_unexpected_exception_is_an_internal_error_exit_2(tmp_path):
    # (run outside the checkout: from its root, `import dehub` would find the source folder,
    # which holds no dehub.hooks until installed)
    done = run_python("import dehub.hooks.cli as cli\ncli.main = lambda: 1 / 0\ncli.run()", cwd=str(tmp_path))
    assert done.returncode == 2
    assert "dehub: internal error" in done.stderr and "ZeroDivisionError" in done.stderr


def test_reader_closing_the_pipe_is_not_a_traceback(tmp_path):
    for index in range(300):
        (tmp_path / f"{index}.Dockerfile").write_text("FROM node:20\n" * 5)
    process = subprocess.Popen(
        [sys.executable, "-m", "dehub", "check", "-j", "1", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 2  # the report was not written: an error, not SIGPIPE's silent 141
    assert "Traceback" not in stderr and "standard output is closed" in stderr


HEAVY = {"re", "enum", "typing", "yaml", "json", "argparse", "dataclasses", "multiprocessing", "importlib.util"}


def test_the_installed_command_is_the_plain_script():
    """`hooks/dehub`, not pip's console-script wrapper, which imports `re` before dehub starts."""
    import shutil

    installed = shutil.which("dehub", path=os.path.dirname(sys.executable))
    assert installed is not None, "dehub is not installed beside this Python"
    text = Path(installed).read_text(encoding="utf-8")
    assert "import re" not in text
    assert text.splitlines()[1:] == (ROOT / "hooks" / "dehub").read_text(encoding="utf-8").splitlines()[1:]


def test_a_dockerfile_check_imports_nothing_heavy(tmp_path):
    """A single-file check must start fast: what it imports, without `site`, is dehub and a few
    small stdlib modules; none of the modules that cost as much as the whole check."""
    import dehub

    (tmp_path / "Dockerfile").write_text("FROM node:20\n")
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(dehub.__file__)))
    done = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", str(ROOT / "hooks" / "dehub"), "check", "--isolated", "Dockerfile"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
        env={**os.environ, "PYTHONPATH": package_parent},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "dehub.dockerfile" in imported
    assert not imported & HEAVY, sorted(imported & HEAVY)
