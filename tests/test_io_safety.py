"""Issue 12, safe input and output: what dehub writes, where, and what it refuses to open.

Each test reproduces one hostile shape from the issue: `-o` naming an input, a closed standard
output, a FIFO named as a file, escapes in file names and image text, an unknown `docker run`
option, a file changed while it was being fixed (a tampered configuration cache: test_configcache).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dehub.hooks.cli import main

DOCKERFILE = "FROM node:20\n"
MIRRORED = "public.ecr.aws/docker/library/node:20"


def dehub(*args: str, cwd: os.PathLike[str] | str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "dehub", *args], capture_output=True, text=True, cwd=cwd, timeout=120, **kwargs
    )


# --- -o naming an input ------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("fix", [False, True])
def test_output_file_naming_an_input_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys, link, fix):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "D2").write_text(DOCKERFILE)
    output = "D2"
    if link == "symlink":
        os.symlink("D2", tmp_path / "report")
        output = "report"
    elif link == "hardlink":
        os.link(tmp_path / "D2", tmp_path / "report")
        output = "report"
    code = main(["check", *(["--fix"] if fix else []), "-o", output, "D2"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--output-file {output} is a file this run reads (D2)" in err
    assert (tmp_path / "D2").read_text() == DOCKERFILE  # neither fixed nor replaced by the report


def test_output_file_naming_the_configuration_or_baseline_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    config = "ignore: [DH002]\n"
    (tmp_path / ".dehub.yaml").write_text(config)
    assert main(["check", "-o", ".dehub.yaml", "Dockerfile"]) == 2
    assert "is its configuration" in capsys.readouterr().err
    assert (tmp_path / ".dehub.yaml").read_text() == config
    assert main(["check", "--write-baseline", "base.json", "-o", "base.json", "Dockerfile"]) == 2
    assert "is a baseline" in capsys.readouterr().err
    assert not (tmp_path / "base.json").exists()


def test_output_file_beside_the_files_is_still_written(tmp_path, monkeypatch, capsys):
    """A report in the folder checked (a second run finds the first run's report there)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    for _ in range(2):
        assert main(["check", "-o", "report.txt", "."]) == 1
        assert "Dockerfile:1:6: DH001" in (tmp_path / "report.txt").read_text()


def test_output_file_naming_a_walked_script_is_refused(tmp_path, monkeypatch, capsys):
    """A file a folder walk reads by its content (a shell script without an extension)."""
    monkeypatch.chdir(tmp_path)
    script = "#!/bin/sh\ndocker run node:20\n"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "deploy").write_text(script)
    assert main(["check", "-o", "bin/deploy", "."]) == 2
    assert "is a file this run reads" in capsys.readouterr().err
    assert (tmp_path / "bin" / "deploy").read_text() == script
    (tmp_path / "bin" / "notes").write_text("not a script\n")  # sniffed, but not a kind dehub reads
    assert main(["check", "-o", "bin/notes", "."]) == 1
    assert "bin/deploy:2:12: DH001" in (tmp_path / "bin" / "notes").read_text()


# --- a closed standard output -------------------------------------------------------------------


def test_reader_leaving_early_exits_2_with_one_line(tmp_path):
    for index in range(300):
        (tmp_path / f"{index}.Dockerfile").write_text(DOCKERFILE * 5)
    done = subprocess.run(
        f"{sys.executable} -m dehub check -j 1 . | head -c 0; echo \"status=${{PIPESTATUS[0]}}\" >&2",
        shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert "status=2" in done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("dehub:")]
    message = "standard output is closed (the reader of the report went away); the report was not fully written"
    assert lines == [f"dehub: error: {message}"]


def test_closed_stdout_file_descriptor_exits_2(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    closed = subprocess.run(
        f"{sys.executable} -m dehub check Dockerfile >&-", shell=True, capture_output=True, text=True,
        cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert closed.returncode == 2
    assert "Traceback" not in closed.stderr
    assert "standard output is closed" in closed.stderr
    # nothing goes to stdout with -o: a closed stdout is no error then
    reported = subprocess.run(
        f"{sys.executable} -m dehub check -o report.txt Dockerfile >&-", shell=True, capture_output=True,
        text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert reported.returncode == 1, reported.stderr


# --- a FIFO or device named as a file ------------------------------------------------------------

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@fifo_only
@pytest.mark.parametrize("kind", [[], ["--kind", "dockerfile"]])
def test_a_fifo_named_as_a_file_is_dh900_not_a_hang(tmp_path, kind):
    """Nobody ever writes to the FIFO: an `open` without O_NONBLOCK would wait forever."""
    os.mkfifo(tmp_path / "Dockerfile.pipe")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    done = dehub("check", *kind, "Dockerfile.pipe", "Dockerfile", "/dev/zero", cwd=tmp_path)
    assert done.stdout.splitlines()[:4] == [
        "Dockerfile.pipe:1:1: DH900 error: not a regular file: a FIFO (named pipe); not checked",
        "Dockerfile:1:6: DH001 error: `node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`",
        "/dev/zero:1:1: DH900 error: not a regular file: a character device; not checked",
        "Found 3 problems. [*] 1 fixable with --fix.",
    ]
    assert done.returncode == 1


@fifo_only
def test_a_fifo_as_configuration_or_baseline_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    done = dehub("check", "--config", "pipe", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "dehub: error: pipe: cannot read: not a regular file: a FIFO (named pipe)\n"
    done = dehub("check", "--baseline", "pipe", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "dehub: error: baseline pipe: cannot read: not a regular file: a FIFO (named pipe)\n"


@fifo_only
def test_init_and_hadolint_reads_skip_a_fifo(tmp_path):
    from dehub.hadolint import _read
    from dehub.init import _sniffed

    os.mkfifo(tmp_path / "deploy.sh")
    assert _read(str(tmp_path / "deploy.sh")) is None
    assert _sniffed(str(tmp_path / "deploy.sh")) is False


def test_read_regular_swapped_for_a_fifo_after_the_stat(tmp_path, monkeypatch):
    """The path is a file when stat-ed, a FIFO when opened: the fstat after the open refuses it
    (and the O_NONBLOCK open did not wait)."""
    from dehub import regularfile

    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE)
    real_stat = os.stat

    def stat_then_swap(name, *args, **kwargs):
        result = real_stat(name, *args, **kwargs)
        if str(name) == str(path):
            path.unlink()
            os.mkfifo(path)
        return result

    monkeypatch.setattr(regularfile.os, "stat", stat_then_swap)
    with pytest.raises(regularfile.NotRegularFileError, match="FIFO"):
        regularfile.read_regular(str(path))


def test_read_regular_limit(tmp_path):
    from dehub.regularfile import TooLargeError, read_regular

    (tmp_path / "f").write_bytes(b"x" * 100)
    assert read_regular(str(tmp_path / "f"), 100) == b"x" * 100
    with pytest.raises(TooLargeError):
        read_regular(str(tmp_path / "f"), 99)


# --- output escaping -----------------------------------------------------------------------------

HOSTILE_NAME = "Dockerfile.\x1b]0;pwned\x07\x1b[2J\u202egnp.\x9b1m\x7f"
INJECTING_NAME = "x\n::error file=evil.py,line=1::forged\r\n::add-mask::secret.Dockerfile"
UNSAFE = ("\x1b", "\x07", "\u202e", "\x9b", "\x7f", "\r")


def _hostile_tree(root) -> None:
    (root / HOSTILE_NAME).write_text('FROM node:20\nFROM "acme/\x1b[31mred\u202e:1"\n')
    (root / INJECTING_NAME).write_text("FROM node:20\n")


def _assert_safe(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, repr(char)


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
@pytest.mark.parametrize("fmt", ["text", "concise", "github", "junit"])
@pytest.mark.parametrize("fix", [False, True])
def test_file_names_and_image_text_never_reach_the_terminal_raw(tmp_path, fmt, fix):
    _hostile_tree(tmp_path)
    done = dehub("check", "--color", "never", "--format", fmt, *(["--fix"] if fix else []), ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    _assert_safe(done.stdout + done.stderr)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.\\x9b1m\\x7f" in done.stdout + done.stderr
    if fix:  # the `Fixing` notes: on stdout beside text, on stderr beside the other formats
        assert "Fixing Dockerfile.\\x1b]0;pwned" in done.stdout + done.stderr
        assert "Fixing x\\n::error file=evil.py,line=1::forged\\r\\n::add-mask::secret.Dockerfile" in (
            done.stdout + done.stderr
        )
    # no line that dehub prints starts a workflow command but its own annotations
    for line in (done.stdout + done.stderr).splitlines():
        if line.startswith("::"):
            assert fmt == "github" and line.startswith(("::error file=", "::warning file=", "::notice file="))
            assert "::error file=evil.py" not in line and "\n" not in line


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
def test_github_annotations_escape_properties_and_data(tmp_path):
    _hostile_tree(tmp_path)
    done = dehub("check", "--format", "github", INJECTING_NAME, cwd=tmp_path)
    annotation = done.stdout.splitlines()[0]
    assert annotation.startswith(
        "::error file=x\\n%3A%3Aerror file=evil.py%2Cline=1%3A%3Aforged\\r\\n%3A%3Aadd-mask%3A%3Asecret.Dockerfile,"
        "line=1,col=6,"
    )


def test_skipped_and_missing_file_notes_are_printable(tmp_path):
    (tmp_path / "notes\x1b[2J.txt").write_text("hello\n")
    done = dehub("check", "notes\x1b[2J.txt", "gone\u202e", cwd=tmp_path)
    assert done.returncode == 2
    assert "dehub: error: gone\\u202e: no such file or directory" in done.stderr
    _assert_safe(done.stderr + done.stdout)


def test_printable_leaves_ordinary_text_alone():
    from dehub.report.printable import printable

    text = "Dockerfile.prod: `node:20` ist übernommen, 鏡像\ttab"
    assert printable(text) == text
    assert printable("a\x00b\x1bc\x85d\u2066e\u2028") == "a\\x00b\\x1bc\\x85d\\u2066e\\u2028"


# --- writes --------------------------------------------------------------------------------------


def test_write_refused_when_the_file_was_replaced_by_the_same_bytes(tmp_path):
    """Same bytes, another file (a checkout renamed a new inode into place): not overwritten."""
    from dehub.atomic import write_atomically
    from dehub.regularfile import read_regular_status

    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE)
    data, status = read_regular_status(str(path))
    (tmp_path / "new").write_text(DOCKERFILE)
    os.replace(tmp_path / "new", path)
    with pytest.raises(OSError, match="changed while dehub was fixing it"):
        write_atomically(str(path), b"FROM fixed\n", data, read_status=status)
    assert path.read_text() == DOCKERFILE
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def test_write_refused_when_the_file_changes_while_the_fix_is_written(tmp_path, monkeypatch):
    """Checked again just before the rename: an editor's save during the fsync is kept."""
    import dehub.atomic
    from dehub.atomic import write_atomically
    from dehub.regularfile import read_regular_status

    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE)
    data, status = read_regular_status(str(path))
    real_fsync = os.fsync

    def saving_fsync(fd):
        real_fsync(fd)
        with open(path, "a") as handle:
            handle.write("# saved by an editor\n")

    monkeypatch.setattr(dehub.atomic.os, "fsync", saving_fsync)
    with pytest.raises(OSError, match="changed while dehub was fixing it"):
        write_atomically(str(path), b"FROM fixed\n", data, read_status=status)
    assert path.read_text() == DOCKERFILE + "# saved by an editor\n"
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_failed_write_is_not_counted_as_fixed_and_keeps_its_findings(tmp_path, monkeypatch, capsys, fmt):
    import json

    import dehub.atomic

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "other.Dockerfile").write_text(DOCKERFILE)
    real = dehub.atomic.write_atomically

    def full_disk(path, *args, **kwargs):
        if path == "Dockerfile":
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(dehub.atomic, "write_atomically", full_disk)
    code = main(["check", "--fix", "--exit-zero", "--format", fmt, "Dockerfile", "other.Dockerfile"])
    out, err = capsys.readouterr()
    assert code == 2  # not hidden by --exit-zero: the fix asked for was not made
    assert (tmp_path / "Dockerfile").read_text() == DOCKERFILE
    if fmt == "text":
        assert out.splitlines() == [
            "Fixing other.Dockerfile",
            f"Dockerfile:1:6: DH001 error: `node:20` is pulled from Docker Hub; use `{MIRRORED}`",
            "Dockerfile:1:1: DH900 error: could not write the fix: [Errno 28] No space left on device",
            "Found 3 problems (1 fixed, 2 remaining).",
        ]
    else:
        codes = [(f["path"], f["code"]) for f in json.loads(out)["findings"]]
        assert codes == [("Dockerfile", "DH001"), ("Dockerfile", "DH900")]
        assert "Fixing other.Dockerfile" in err


# --- an unknown docker option's value is never an image -------------------------------------------

UNKNOWN_OPTION_CASES = [
    # (script, the images reported)
    ("docker run --some-new-flag value alpine", []),  # `value` or `alpine`: in doubt, neither
    ("docker run --some-new-flag value alpine sh -c 'echo hi'", []),
    ("docker create --some-new-flag value alpine", []),
    ("docker container run -Z value alpine", []),
    ("docker run -itZ value alpine", []),
    ("podman run --brand-new value alpine", []),
    ("nerdctl run --brand-new value alpine", []),
    ("docker run --some-new-flag=value alpine", ["alpine"]),  # the value is in the word itself
    ("docker run --some-new-flag alpine", ["alpine"]),  # the last word: the only operand
    ("docker run --some-new-flag --rm alpine sh", ["alpine"]),  # an option follows: it took no value
    ("docker run --rm --name web -it alpine sh", ["alpine"]),  # known flags and values: no doubt
    ("docker run -Zit alpine sh", ["alpine"]),  # the unknown letter is not last: `-it` closes the group
    ("docker run --replace value alpine", []),  # podman's flag, unknown to docker
    ("podman run --replace web alpine", ["web"]),  # a podman flag: `web` is the image
    ("docker pull --some-new-flag value redis:7", ["redis:7"]),  # docker pulls one image: the last
    ("podman pull --some-new-flag value redis:7 nginx", ["redis:7", "nginx"]),
    ("buildah from --some-new-flag value redis:7", ["redis:7"]),  # one image, as docker pull
    ("buildah from --pull --name c redis:7", ["redis:7"]),
    ("buildah pull --tls-verify redis:7", ["redis:7"]),
]


@pytest.mark.parametrize(("script", "images"), UNKNOWN_OPTION_CASES)
def test_an_unknown_option_value_is_never_reported_as_an_image(script, images):
    from dehub.shell import pulls
    from dehub.value import Value

    text = script
    found = [pull.value.text for pull in pulls(Value(text, list(range(len(text))))) if pull.value is not None]
    assert found == images


def test_unknown_docker_option_in_a_dockerfile_and_a_workflow(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3\nRUN docker run --some-new-flag value busybox true\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker run --some-new-flag value busybox true\n"
    )
    done = dehub("check", "--format", "concise", ".", cwd=tmp_path)
    assert "`value`" not in done.stdout
    assert "Dockerfile:1:6: DH001" in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_json_reports_keep_paths_exact_and_show_messages_printable(tmp_path, fmt):
    """Paths are data that tools match to files: exact (JSON escapes what it must); messages
    quote file text and are shown as the text report shows them."""
    import json

    _hostile_tree(tmp_path)
    done = dehub("check", "--format", fmt, HOSTILE_NAME, cwd=tmp_path)
    report = json.loads(done.stdout)
    if fmt == "gitlab":
        messages = [issue["description"] for issue in report]
        assert {issue["location"]["path"] for issue in report} == {HOSTILE_NAME}
    else:
        messages = [result["message"]["text"] for result in report["runs"][0]["results"]]
    assert any("acme/\\x1b[31mred\\u202e:1" in message for message in messages)
    for message in messages:
        _assert_safe(message)


def test_a_closed_stdout_is_exit_2_for_other_batch_commands_too(tmp_path):
    closed = subprocess.run(
        f"{sys.executable} -m dehub rules >&-", shell=True, capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert (closed.returncode, "Traceback" in closed.stderr) == (2, False)
    assert "standard output is closed" in closed.stderr
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    fixing = subprocess.run(  # the fixed text goes to stdout's bytes
        f"{sys.executable} -m dehub check --fix - < Dockerfile >&-", shell=True, capture_output=True, text=True,
        cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert (fixing.returncode, "Traceback" in fixing.stderr) == (2, False)


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
def test_inventory_text_shows_file_names_and_images_printable(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "c\x1b[2Ji.yml").write_text(
        "on: push\njobs:\n  b\u202euild:\n    runs-on: ubuntu-latest\n    container: \"acme/\\e[31mx:1\"\n"
        "    steps:\n      - run: echo\n"
    )
    done = dehub("inventory", ".", cwd=tmp_path)
    _assert_safe(done.stdout + done.stderr)
    assert ".github/workflows/c\\x1b[2Ji.yml (workflow)" in done.stdout
    assert "job b\\u202euild" in done.stdout
    assert "acme/\\x1b[31mx:1" in done.stdout
