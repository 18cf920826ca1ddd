"""README.md stays consistent with the code: hook ids, rule codes, rule pages, the quick start,
install lines, the pre-commit snippets, no link to a placeholder domain, and the development
tooling (the `lint` extra, .pre-commit-config.yaml and .ci/run agree on ruff and mypy).

Written to the spec; while README.md is being written these may fail, and that is the point.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dehub import __version__
from dehub.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
CI_RUN = ROOT / ".ci" / "run"
PROJECT_PRECOMMIT = ROOT / ".pre-commit-config.yaml"
RULE_SECTIONS = ("What it finds", "Why it matters", "The fix", "How to suppress")
SHELL_INFO = {"", "sh", "bash", "shell", "console", "shell-session", "zsh"}
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")


def readme() -> str:
    assert README.is_file(), "README.md is missing"
    return README.read_text(encoding="utf-8")


# --- a small Markdown reader: headings and fenced blocks, fences respected ------------------

class Block:
    def __init__(self, info: str, lines: list[str]) -> None:
        self.info = info.lower()
        self.lines = lines


def parse_markdown(text: str) -> list[tuple[str, object]]:
    """A flat list of ("heading", (level, title)), ("fence", Block) and ("line", str) items."""
    items: list[tuple[str, object]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            marker, info = fence.group(1), fence.group(2)
            body = []
            i += 1
            while i < len(lines) and not re.match(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$", lines[i]):
                body.append(lines[i])
                i += 1
            items.append(("fence", Block(info, body)))
            i += 1
            continue
        atx = ATX.match(line)
        if atx:
            items.append(("heading", (len(atx.group(1)), (atx.group(2) or "").strip())))
        elif (
            i + 1 < len(lines)
            and line.strip()
            and re.match(r"^ {0,3}(=+|-+)\s*$", lines[i + 1])
            and not line.lstrip().startswith(("-", "*", "+", ">", "|"))
        ):
            items.append(("heading", (1 if "=" in lines[i + 1] else 2, line.strip())))
            i += 1
        else:
            items.append(("line", line))
        i += 1
    return items


def sections(text: str, title_contains: str) -> list[list[tuple[str, object]]]:
    """The items under each heading containing `title_contains`, up to the next heading of the
    same or a higher level."""
    items = parse_markdown(text)
    found = []
    for index, (kind, value) in enumerate(items):
        if kind != "heading" or title_contains.lower() not in value[1].lower():  # type: ignore[index]
            continue
        level = value[0]  # type: ignore[index]
        body = []
        for kind2, value2 in items[index + 1 :]:
            if kind2 == "heading" and value2[0] <= level:  # type: ignore[index]
                break
            body.append((kind2, value2))
        found.append(body)
    return found


def command_lines(block: Block) -> list[str]:
    """Shell commands in a block: no blanks, no comments, `$ ` prompts dropped, continuations joined."""
    commands: list[str] = []
    pending = ""
    for raw in block.lines:
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending and block.info in ("console", "shell-session") and not line.startswith(("$ ", "% ")):
            continue  # output, not a command
        if not pending:
            line = re.sub(r"^[$%]\s+", "", line)
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        commands.append(pending + line)
        pending = ""
    if pending:
        commands.append(pending.strip())
    return commands


# --- the tests -------------------------------------------------------------------------------

def _hook_ids() -> list[str]:
    return [hook["id"] for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))]


def test_hook_manifest_has_hooks():
    assert _hook_ids()


@pytest.mark.parametrize("hook_id", _hook_ids())
def test_readme_names_every_hook(hook_id):
    assert re.search(rf"(?<![\w-]){re.escape(hook_id)}(?![\w-])", readme()), hook_id


@pytest.mark.parametrize("code", sorted(RULES))
def test_readme_names_every_rule(code):
    assert re.search(rf"\b{code}\b", readme()), code


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_docstring_has_the_sections(code):
    doc = RULES[code].__doc__ or ""
    lines = [line.rstrip() for line in doc.splitlines()]
    positions = []
    for section in RULE_SECTIONS:
        assert section in lines, f"{code}: no {section!r} section (a line of its own)"
        at = lines.index(section)
        body = []
        for line in lines[at + 1 :]:
            if line and not line[0].isspace():
                break
            body.append(line)
        assert any(line.strip() for line in body), f"{code}: the {section!r} section is empty"
        positions.append(at)
    assert positions == sorted(positions), f"{code}: sections out of order"


def test_rule_docstring_starts_with_code_and_name():
    for code, rule in RULES.items():
        first = (rule.__doc__ or "").strip().splitlines()[0]
        assert first.startswith(f"{code} {rule.NAME}: "), first


def test_quick_start_section_has_exactly_two_commands():
    found = sections(readme(), "Quick start")
    assert len(found) == 1, f"expected one section headed 'Quick start', found {len(found)}"
    blocks = [value for kind, value in found[0] if kind == "fence" and value.info in SHELL_INFO]  # type: ignore[union-attr]
    assert blocks, "the Quick start section has no shell code block"
    commands = [command for block in blocks for command in command_lines(block)]  # type: ignore[arg-type]
    assert len(commands) == 2, commands
    assert any(len(command_lines(block)) == 2 for block in blocks), "the two commands must be in one fenced block"  # type: ignore[arg-type]

    install_and_check = [c for c in commands if "pip install ." in c and "dehub check examples" in c]
    test = [c for c in commands if ".[test]" in c and "pytest" in c]
    assert len(install_and_check) == 1, commands
    assert len(test) == 1, commands
    assert install_and_check != test
    # The first line installs and checks; the second installs the test extras and runs pytest.
    assert commands.index(install_and_check[0]) < commands.index(test[0])


def test_quick_start_examples_folder_exists():
    assert (ROOT / "examples").is_dir()


def test_ci_run_exists_and_is_executable():
    assert CI_RUN.is_file(), ".ci/run is missing"
    mode = CI_RUN.stat().st_mode
    assert mode & stat.S_IXUSR, ".ci/run is not executable"
    assert os.access(CI_RUN, os.X_OK)


def _development_commands() -> list[str]:
    """The shell commands README's Development section shows, without their comments."""
    (body,) = sections(readme(), "Development")
    blocks = [value for kind, value in body if kind == "fence" and value.info in SHELL_INFO]  # type: ignore[union-attr]
    return [command.split(" #")[0].strip() for block in blocks for command in command_lines(block)]  # type: ignore[arg-type]


def test_development_section_documents_the_rule_pages_command():
    from dehub.rulepages import COMMAND

    assert COMMAND in _development_commands()


# --- types and lint: the tools, their pinned versions, where they run ----------------------------


def _lint_extra() -> set[str]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return {line.strip() for line in parser["options.extras_require"]["lint"].splitlines() if line.strip()}


def _validate_config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_development_section_documents_the_lint_commands():
    commands = _development_commands()
    for command in ("pip install -e '.[test,lint]' && pytest", "ruff check .", "mypy", "pre-commit install"):
        assert command in commands


def test_lint_extra_pins_the_tools():
    pins = {requirement.split("==")[0]: requirement for requirement in _lint_extra() if "==" in requirement}
    assert sorted(pins) == ["mypy", "ruff", "types-PyYAML"]


def test_project_precommit_config_is_valid(tmp_path):
    accepted = _validate_config(PROJECT_PRECOMMIT)
    assert (accepted.returncode, accepted.stdout, accepted.stderr) == (0, "", "")
    # The same check refuses a hook without its command, so it is not a check that cannot fail.
    broken = yaml.safe_load(PROJECT_PRECOMMIT.read_text(encoding="utf-8"))
    del broken["repos"][0]["hooks"][0]["entry"]
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    refused = _validate_config(tmp_path / "broken.yaml")
    assert refused.returncode == 1
    assert "Missing required key: entry" in refused.stdout


def test_project_precommit_runs_ruff_and_mypy_at_the_lint_extra_versions():
    (repo,) = yaml.safe_load(PROJECT_PRECOMMIT.read_text(encoding="utf-8"))["repos"]
    assert repo["repo"] == "local"
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert sorted(hooks) == ["mypy", "ruff"]
    assert {hook["language"] for hook in hooks.values()} == {"python"}
    assert hooks["ruff"]["entry"] == "ruff check --force-exclude"
    assert (hooks["mypy"]["entry"], hooks["mypy"]["pass_filenames"]) == ("mypy", False)
    extra = _lint_extra()
    ruff = {requirement for requirement in extra if requirement.startswith("ruff")}
    assert set(hooks["ruff"]["additional_dependencies"]) == ruff
    assert set(hooks["mypy"]["additional_dependencies"]) == extra - ruff


def test_ci_runs_ruff_and_mypy_after_the_tests():
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    tests = lines.index('bash -c "${steps[1]}"')
    install = lines.index("python -m pip install --quiet '.[lint]'")
    assert tests < install < lines.index("ruff check .") < lines.index("mypy")


# --- the rule pages in docs/rules/ and rules/README.md ------------------------------------------

def test_rule_pages_are_what_the_generator_gives():
    from dehub.rulepages import COMMAND, stale_files

    stale = stale_files(ROOT)
    assert not stale, f"{', '.join(stale)}: not what the rule docstrings give; run `{COMMAND}`"


def test_rule_pages_generator_rewrites_what_differs_and_removes_only_its_own_orphans(tmp_path):
    from dehub.rulepages import GENERATED, expected_files, stale_files, write

    expected = expected_files()
    assert sorted(expected) == sorted(
        [f"docs/rules/{code}.md" for code in RULES] + ["docs/rules/README.md", "rules/README.md"]
    )
    assert write(tmp_path) == list(expected)
    assert stale_files(tmp_path) == []
    pages = tmp_path / "docs" / "rules"
    (pages / "DH001.md").write_text("edited by hand\n", encoding="utf-8")
    (pages / "DH999.md").write_text(GENERATED + "\n\n# DH999 a rule that was removed\n", encoding="utf-8")
    (pages / "notes.md").write_text("# notes written by hand\n", encoding="utf-8")

    assert stale_files(tmp_path) == ["docs/rules/DH001.md", "docs/rules/DH999.md"]
    assert write(tmp_path) == ["docs/rules/DH001.md", "docs/rules/DH999.md"]

    assert (pages / "DH001.md").read_text(encoding="utf-8") == expected["docs/rules/DH001.md"]
    assert not (pages / "DH999.md").exists()
    assert (pages / "notes.md").read_text(encoding="utf-8") == "# notes written by hand\n"
    assert stale_files(tmp_path) == []


def test_rule_pages_command_checks_by_default(capsys, monkeypatch):
    from dehub import rulepages

    # The pages are made from the docstrings of the code they are committed with: this checkout's
    # (the imported dehub may be an installed copy of it, as in CI).
    monkeypatch.setattr(rulepages, "checkout_root", lambda: ROOT)
    assert rulepages.main([]) == 0 and rulepages.main(["--check"]) == 0
    assert capsys.readouterr().out == ""
    assert rulepages.main(["--wrte"]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m dehub.rulepages [--check | --write]\n")
    monkeypatch.setattr(rulepages, "checkout_root", lambda: None)  # an installed copy, run elsewhere
    assert rulepages.main([]) == 2
    assert capsys.readouterr().err.endswith("is not in a dehub checkout; run it from a clone\n")


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_page_linked_from_both_indexes(code):
    rule = RULES[code]
    module = "dehub/rules/" + rule.__name__.rsplit(".", 1)[-1] + ".py"
    page = ROOT / "docs" / "rules" / f"{code}.md"
    assert page.is_file(), f"{page.relative_to(ROOT)} is missing"
    text = page.read_text(encoding="utf-8")
    assert f"\n# {code} {rule.NAME}: " in text
    assert "\n## What it finds\n" in text and "\n## How to suppress\n" in text
    assert f"| {rule.SEVERITY} | {rule.FIX_SAFETY} | " in text
    index = (ROOT / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    assert f"| [{code}]({code}.md) | {rule.NAME} | {rule.SEVERITY} | {rule.FIX_SAFETY} | " in index
    rules_map = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    assert f"| [{code}](../docs/rules/{code}.md) | {rule.NAME} | " in rules_map
    assert f"](../{module}) |" in rules_map
    assert (ROOT / module).is_file()
    assert f"| [{code}](docs/rules/{code}.md) | {rule.NAME} | " in readme()


LINK = re.compile(r"\]\(([^()\s]+)\)")


@pytest.mark.parametrize("document", ["README.md", "rules/README.md", "docs/rules/README.md", "docs/rules/DH001.md"])
def test_relative_links_resolve(document):
    path = ROOT / document
    links = LINK.findall(path.read_text(encoding="utf-8"))
    targets = [target for target in links if not target.startswith(("http://", "https://", "#"))]
    assert targets, f"{document} links to nothing in the repository"
    missing = [target for target in targets if not (path.parent / target.split("#", 1)[0]).exists()]
    assert missing == [], f"{document}: links to missing files"


# --- nothing points at a placeholder domain ------------------------------------------------------

SHIPPED_FOLDERS = ("dehub", "docs", "examples", "rules", "hooks")


def shipped_files() -> list[Path]:
    """The files the project ships (the package) or documents (README, docs, examples, the maps,
    the hook manifest)."""
    files = [README, HOOKS_FILE]
    for folder in SHIPPED_FOLDERS:
        files += [
            path for path in sorted((ROOT / folder).rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts
        ]  # fmt: skip
    return files


def test_nothing_shipped_or_documented_names_example_invalid():
    files = shipped_files()
    names = {path.relative_to(ROOT).as_posix() for path in files}
    assert {"README.md", "dehub/ruledocs.py", "docs/rules/DH001.md", "examples/api/Dockerfile"} <= names
    offenders = [path.relative_to(ROOT).as_posix() for path in files if b"example.invalid" in path.read_bytes().lower()]
    assert offenders == []


# --- install lines ---------------------------------------------------------------------------------

PIP_INSTALL = re.compile(r"\bpip install ([^`\n]*)")
SHELL_SEPARATOR = re.compile(r"\s(?:&&|\|\||;|\||#)(?:\s|$)")
PLACEHOLDER = "<dehub>"  # the CI snippets' "wherever you install dehub from"


def pip_installs(text: str) -> list[tuple[int, list[str]]]:
    """(line number, requirements) of every `pip install` in the text: code blocks and inline code."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in PIP_INSTALL.finditer(line):
            words = shlex.split(SHELL_SEPARATOR.split(match.group(1))[0])
            found.append((number, [word for word in words if not word.startswith("-")]))
    return found


def _declared_extras() -> set[str]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    assert parser.get("metadata", "name") == "dehub"
    return set(parser["options.extras_require"])


def test_every_pip_install_works_from_a_clone():
    """dehub is not on PyPI: what README tells to install is the clone (`.`), with extras it declares."""
    extras = _declared_extras()
    text = readme()
    # the kinds' example files are a user's project files: their `pip install` lines are theirs
    before, _, rest = text.partition("<!-- kind-sections -->")
    examples, _, after = rest.partition("<!-- /kind-sections -->")
    found = pip_installs(before + "\n" * examples.count("\n") + after)
    assert len(found) >= 4, found
    for number, requirements in found:
        assert requirements, f"README.md:{number}: `pip install` of nothing"
        for requirement in requirements:
            if requirement == PLACEHOLDER:
                continue
            match = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", requirement)
            assert match, f"README.md:{number}: `{requirement}` is not installable from a clone (use `.[extra]`)"
            for extra in filter(None, (match.group(1) or "").split(",")):
                assert extra in extras, f"README.md:{number}: no extra `{extra}` in setup.cfg"
    if any(PLACEHOLDER in requirements for _, requirements in found):
        assert f"(`{PLACEHOLDER}` is wherever you install dehub from" in readme()


def test_pip_installs_reader():
    text = "```sh\npip install -e '.[test]' && pytest\n```\nneeds `pip install '.[lsp]'` here; pip install . # x\n"
    assert pip_installs(text) == [(2, [".[test]"]), (4, [".[lsp]"]), (4, ["."])]


def test_lsp_install_hint_uses_the_readme_wording():
    """`dehub lsp` without pygls, the package docstring and README say the same thing."""
    import dehub.lsp
    from dehub.hooks.lsp import MISSING_PYGLS

    (editors,) = sections(readme(), "Editors")
    blocks = [value for kind, value in editors if kind == "fence" and value.info in SHELL_INFO]  # type: ignore[union-attr]
    installs = [command for block in blocks for command in command_lines(block) if "pip install" in command]  # type: ignore[arg-type]
    assert len(installs) == 1, installs
    (install,) = installs
    prose = " ".join(value for kind, value in editors if kind == "line")  # type: ignore[misc]
    wording = re.search(rf"`{re.escape(install)}` ([^`)]+)\)", prose)
    assert wording, f"the Editors section should say where to run `{install}`"
    where = wording.group(1)
    assert f"dehub lsp needs pygls: {install} {where}\n" == MISSING_PYGLS
    assert f"`{install}` {where}" in " ".join((dehub.lsp.__doc__ or "").split())
    (command_line,) = sections(readme(), "Command line")
    listing = "\n".join(line for kind, block in command_line if kind == "fence" for line in block.lines)  # type: ignore[union-attr]
    assert "dehub lsp " in listing and f"`{install}` {where}" in listing


# --- the pre-commit snippets -----------------------------------------------------------------------

def precommit_snippets(text: str | None = None) -> list[str]:
    """README's `.pre-commit-config.yaml` snippets, as written: YAML blocks with a top-level `repos:`."""
    items = parse_markdown(readme() if text is None else text)
    return [
        "\n".join(block.lines) + "\n"  # type: ignore[union-attr]
        for kind, block in items
        if kind == "fence" and block.info in ("yaml", "yml") and "repos:" in block.lines  # type: ignore[union-attr]
    ]


def test_readme_has_the_precommit_snippets():
    (body,) = sections(readme(), "pre-commit")
    first = next(value for kind, value in body if kind == "fence")
    assert precommit_snippets()[0] == "\n".join(first.lines) + "\n"  # type: ignore[union-attr]
    assert len(precommit_snippets()) == 2  # and the dehub-hadolint one


@pytest.mark.parametrize("snippet", precommit_snippets(), ids=["pre-commit", "hadolint"])
def test_precommit_snippet_pins_this_version_and_existing_hooks(snippet, tmp_path):
    from pre_commit.clientlib import load_config

    (entry,) = yaml.safe_load(snippet)["repos"]
    assert entry["rev"] == f"v{__version__}"
    hook_ids = [hook["id"] for hook in entry["hooks"]] + re.findall(r"#\s*-\s*id:\s*([\w-]+)", snippet)
    assert hook_ids and set(hook_ids) <= set(_hook_ids()), hook_ids
    # dehub has no public home: the snippet names a clone, by a path pre-commit takes as given.
    repo = entry["repo"]
    assert not re.match(r"^[\w.+-]+://|^[\w.-]+@[\w.-]+:", repo), f"{repo}: a URL dehub does not have"
    assert not os.path.isabs(repo), repo
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet, encoding="utf-8")
    load_config(str(config))  # pre-commit's own schema


# --- the reader itself -----------------------------------------------------------------------

def test_reader_ignores_hashes_inside_fences():
    text = (
        "# Title\n\n## Quick start\n\n```sh\n# a comment, not a heading\n$ pip install .\ntrue \\\n  && x\n```\n\n"
        "## Next\n```sh\nls\n```\n"
    )
    (body,) = sections(text, "quick start")
    blocks = [value for kind, value in body if kind == "fence"]
    assert len(blocks) == 1
    assert command_lines(blocks[0]) == ["pip install .", "true && x"]  # type: ignore[arg-type]


def test_reader_setext_heading_and_console_prompts():
    text = "Quick start\n===========\n\n```console\n$ one\noutput\n$ two\n```\nOther\n-----\n"
    (body,) = sections(text, "Quick start")
    blocks = [value for kind, value in body if kind == "fence"]
    assert [command_lines(b) for b in blocks] == [["one", "two"]]  # type: ignore[arg-type]


def test_setup_cfg_ships_every_package_folder():
    """`packages =` is a list: a folder left out installs without its modules, and an installed
    dehub (pre-commit's, CI's) fails on that kind's files while the checkout works."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(parser["options"]["packages"].split())
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "dehub").rglob("__init__.py")
    }
    assert folders <= listed, sorted(folders - listed)


def _example_sessions() -> list[tuple[str, str, list[str]]]:
    """README's `$ dehub check examples/<file>` blocks: (where, the file, the output shown)."""
    out = []
    for kind, item in parse_markdown(readme()):
        if kind != "fence":
            continue
        block = item
        assert isinstance(block, Block)
        if block.info == "console" and block.lines and block.lines[0].startswith("$ dehub check examples/"):
            out.append((block.lines[0], block.lines[0].split()[-1], block.lines[1:]))
    return out


@pytest.mark.parametrize(("command", "path", "shown"), _example_sessions(), ids=lambda value: str(value)[:60])
def test_readme_example_sessions_are_what_dehub_prints(command, path, shown, monkeypatch, capsys):
    """Each kind's README example: the output shown is what `dehub check` prints for the file."""
    from dehub.hooks.cli import main

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    main(["check", path])
    assert capsys.readouterr().out.splitlines() == shown, command


def test_every_kind_has_a_readme_example_session():
    """Each kind shows one example file of the bundled tree and what dehub prints for it (the
    first three kinds have their own sections, written before the sessions were)."""
    from dehub import kinds

    shown = set()
    for _, path, _ in _example_sessions():
        text = (ROOT / path).read_text(encoding="utf-8")
        shown.add(kinds.kind_for_path(path) or kinds.kind_for_text(text, path))
    assert set(kinds.NAMES) - {"workflow", "action", "dockerfile"} <= shown
