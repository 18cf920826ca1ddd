"""The console-script entry `run()`: exits without interpreter teardown, but never loses output."""

from __future__ import annotations

import subprocess
import sys


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
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in stderr
