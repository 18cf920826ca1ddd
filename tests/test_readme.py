"""README.md stays consistent with the code: hook ids, rule codes, rule pages, the quick start.

Written to the spec; while README.md is being written these may fail, and that is the point.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
import yaml

from dehub.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
CI_RUN = ROOT / ".ci" / "run"
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
        if not pending and block.info in ("console", "shell-session"):
            if not line.startswith(("$ ", "% ")):
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


# --- the reader itself -----------------------------------------------------------------------

def test_reader_ignores_hashes_inside_fences():
    text = "# Title\n\n## Quick start\n\n```sh\n# a comment, not a heading\n$ pip install .\ntrue \\\n  && x\n```\n\n## Next\n```sh\nls\n```\n"
    (body,) = sections(text, "quick start")
    blocks = [value for kind, value in body if kind == "fence"]
    assert len(blocks) == 1
    assert command_lines(blocks[0]) == ["pip install .", "true && x"]  # type: ignore[arg-type]


def test_reader_setext_heading_and_console_prompts():
    text = "Quick start\n===========\n\n```console\n$ one\noutput\n$ two\n```\nOther\n-----\n"
    (body,) = sections(text, "Quick start")
    blocks = [value for kind, value in body if kind == "fence"]
    assert [command_lines(b) for b in blocks] == [["one", "two"]]  # type: ignore[arg-type]
