"""`dehub init`: a .dehub.yaml that allows what dehub cannot move, so `check` reports only DH001."""

from __future__ import annotations

import pytest

from dehub import rules
from dehub.config import find_config_file, load
from dehub.findings import Finding
from dehub.hooks.cli import main
from dehub.init import allowed_images, render

ECR = "public.ecr.aws/docker/library/"
WORKFLOW = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    container: python:3.12
    steps:
      - uses: docker/setup-buildx-action@v3
      - run: docker run --rm myorg/app:2 make test
"""
DOCKERFILE = "FROM myorg/app:1 AS app\nFROM node:20\nCOPY --from=app /app /app\n"
HEADER = """\
# dehub's configuration for this tree, written by `dehub init`.
#
# `allow` lists the images this tree pulls from Docker Hub that dehub cannot move by itself:
# no mirror of them is known, or an action pulls them without naming them. With them allowed,
# `dehub check` reports only what `dehub check --fix` moves to the mirror.
#
# Allowed images are still pulled from Docker Hub. To move one, copy it to a registry you
# control (an ECR pull-through cache, `crane copy`, ...), delete its entry, add the mapping
# shown below it (all mappings under one top-level `mirror: map:`), and run `dehub check`,
# then `dehub check --fix`. Other settings: README.md, "Configuration".

"""
CONFIG = HEADER + """\
allow:
  # moby/buildkit (DH004): `docker/setup-buildx-action` pulls it by default
  # used in .github/workflows/ci.yml:7
  # to move it instead: copy it, delete this entry and map it:
  #   mirror:
  #     map:
  #       "moby/buildkit": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/{path}"
  # then `dehub check` names the exact input to set on each step that pulls it
  - "moby/buildkit"

  # myorg/app (DH002): not a Docker Official Image, so it has no copy under
  #   public.ecr.aws/docker/library
  # used in .github/workflows/ci.yml:8, api/Dockerfile:1
  # to move it instead: copy it, delete this entry and map it:
  #   mirror:
  #     map:
  #       "myorg/app": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/{path}"
  - "myorg/app"
"""
PYTHON_LINES = [
    f".github/workflows/ci.yml:5:16: DH001 error: `python:3.12` is pulled from Docker Hub; use `{ECR}python:3.12`",
    (
        "  note (line 5): pulled while the job is set up, before any step, so a login step cannot cover it (only "
        "the mirror, or `credentials:` on the container or service, can)"
    ),
]
NODE_LINE = f"api/Dockerfile:2:6: DH001 error: `node:20` is pulled from Docker Hub; use `{ECR}node:20`"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A tree with a DH002 image, setup-buildx (DH004) and DH001 images; no configuration above it."""
    project = tmp_path / "project"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert find_config_file(str(tmp_path)) is None, "a stray dehub configuration above the temp folder"
    write(project / ".github" / "workflows" / "ci.yml", WORKFLOW)
    write(project / "api" / "Dockerfile", DOCKERFILE)
    monkeypatch.chdir(project)
    return project


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_init_allows_what_check_cannot_move_then_check_reports_only_fixable_dh001(work, capsys):
    code, out, err = run(capsys, "init")
    assert (code, err) == (0, "")
    assert out == [
        "Wrote .dehub.yaml: 2 images allowed (1 with no known mirror, 1 pulled by an action by default).",
        "`dehub check` now reports 2 findings, all fixable with `dehub check --fix`.",
    ]
    assert (work / ".dehub.yaml").read_text() == CONFIG
    assert run(capsys, "check") == (
        1, [*PYTHON_LINES, NODE_LINE, "Found 2 problems. [*] 2 fixable with --fix."], ""
    )  # fmt: skip
    assert run(capsys, "check", "--fix")[0] == 0  # all fixed
    assert run(capsys, "check") == (0, ["All checks passed!"], "")


def test_the_written_file_loads_as_configuration(work, capsys):
    assert run(capsys, "init")[0] == 0
    config = load(str(work / ".dehub.yaml"), rules.CODES)
    assert config.allow == ("moby/buildkit", "myorg/app")
    assert config.mirror_map == ()
    assert config.select is None


def test_init_refuses_to_replace_a_configuration_without_force(work, capsys):
    write(work / ".dehub.yaml", "ignore: [DH003]\n")
    code, out, err = run(capsys, "init")
    assert (code, out) == (2, [])
    assert err == (
        "dehub: error: .dehub.yaml already configures dehub here; `dehub init --force` replaces it (its "
        "settings are not carried over), `dehub init --stdout` prints the new configuration\n"
    )
    assert (work / ".dehub.yaml").read_text() == "ignore: [DH003]\n"
    code, out, err = run(capsys, "init", "--stdout")
    assert (code, "\n".join(out) + "\n") == (0, CONFIG)
    assert err == (
        "Configuration: 2 images allowed (1 with no known mirror, 1 pulled by an action by default).\n"
        "`dehub check` now reports 2 findings, all fixable with `dehub check --fix`.\n"
    )
    assert (work / ".dehub.yaml").read_text() == "ignore: [DH003]\n"
    assert run(capsys, "init", "--force")[0] == 0
    assert (work / ".dehub.yaml").read_text() == CONFIG


def test_init_refuses_when_pyproject_configures_dehub(work, capsys):
    write(work / "pyproject.toml", "[tool.dehub]\nignore = ['DH003']\n")
    code, _, err = run(capsys, "init")
    assert code == 2
    assert err.startswith("dehub: error: pyproject.toml ([tool.dehub]) already configures dehub here;")
    assert not (work / ".dehub.yaml").exists()


def test_init_says_when_a_configuration_up_the_tree_applies_too(work, capsys, monkeypatch):
    write(work / ".dehub.yaml", "ignore: [DH003]\n")
    monkeypatch.chdir(work / "api")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out[0] == (
        f"dehub: note: {work / '.dehub.yaml'} configures this tree too; dehub reads only the nearest "
        "configuration, so files here will read the new .dehub.yaml instead (copy the settings you need)"
    )
    assert "  # used in Dockerfile:1\n" in (work / "api" / ".dehub.yaml").read_text()


def test_files_under_a_configuration_of_their_own_keep_it(work, capsys):
    write(work / "api" / ".dehub.yaml", "allow: [myorg/app]\n")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out[0] == (
        "dehub: note: 1 file under api/.dehub.yaml keeps that configuration; run `dehub init --force` in its "
        "folder for it"
    )
    text = (work / ".dehub.yaml").read_text()
    assert "  # used in .github/workflows/ci.yml:8\n" in text
    assert "api/Dockerfile" not in text


def test_yaml_files_of_no_kind_are_not_counted_as_kept(work, capsys):
    """A folder walk takes any YAML file to be told by content (Kubernetes manifests have any
    name); only those that are a kind count as files that keep a configuration."""
    write(work / "api" / ".dehub.yaml", "allow: [myorg/app]\n")
    write(work / "api" / "notes.yaml", "just: data\n")
    write(work / "api" / "deploy.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: myorg/app:1\n")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out[0] == (
        "dehub: note: 2 files under api/.dehub.yaml keep that configuration; run `dehub init --force` in its "
        "folder for them"
    )


def test_init_with_nothing_to_allow(work, capsys):
    (work / ".github" / "workflows" / "ci.yml").unlink()
    write(work / "api" / "Dockerfile", "FROM node:20\n")
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out == [
        "Wrote .dehub.yaml: 0 images allowed.",
        "`dehub check` now reports 1 finding, all fixable with `dehub check --fix`.",
    ]
    assert (work / ".dehub.yaml").read_text() == (
        HEADER + "allow: []  # nothing to allow: every Docker Hub pull here has a known mirror\n"
    )
    assert load(str(work / ".dehub.yaml"), rules.CODES).allow == ()


def test_init_names_what_it_does_not_settle(work, capsys):
    write(work / "api" / "Dockerfile", "ARG REG\nFROM ${REG}/app:1\nFROM centos:7\nFROM node:20\n")
    code, out, _ = run(capsys, "init", "api")
    assert code == 0
    assert out == [
        "Wrote .dehub.yaml: 0 images allowed.",
        (
            "`dehub check` now reports 3 findings: 1 fixable with `dehub check --fix`; 1 DH001 (unsafe fix), "
            "1 DH003 that `dehub init` does not settle (`dehub explain CODE` says what to do)."
        ),
    ]


def test_init_help(capsys):
    code, out, _ = run(capsys, "init", "--help")
    assert code == 0
    assert out[0] == "usage: dehub init [OPTIONS] [PATHS...]"
    assert "  " + "--force".ljust(34) + "overwrite this folder's existing configuration" in out  # aligned with --mirror


# --- the module ----------------------------------------------------------------------------


def finding(code: str, image: str, path: str = "Dockerfile", line: int = 1, site: str = "from") -> Finding:
    from dehub.reference import parse

    found = Finding(code, "", "warning", "m", 0, 0, site=site, image=image, canonical=parse(image).canonical)
    found.path, found.line = path, line
    return found


def test_an_image_with_mirrored_tags_is_allowed_by_tag_only():
    findings = [
        finding("DH001", "mcr/x:1"),
        finding("DH001", "node:20", line=2),
        finding("DH002", "node:20-nanoserver", line=3),
        finding("DH002", "myorg/app", line=4),
    ]
    images = allowed_images(findings, lambda path: path)
    assert [image.name for image in images] == ["myorg/app", "node:20-nanoserver"]


def test_places_with_control_characters_stay_inside_the_comment():
    images = allowed_images([finding("DH002", "myorg/app", path="a\nb/Dockerfile")], lambda path: path)
    text = render(images)
    assert "  # used in a\\x0ab/Dockerfile:1\n" in text
    import yaml

    assert yaml.safe_load(text) == {"allow": ["myorg/app"]}


def test_many_places_are_counted_after_five():
    findings = [finding("DH002", "myorg/app", line=line) for line in range(1, 9)]
    text = render(allowed_images(findings, lambda path: path))
    assert "  # used in Dockerfile:1, Dockerfile:2, Dockerfile:3, Dockerfile:4, Dockerfile:5 and 3 more\n" in text
