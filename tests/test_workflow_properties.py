"""Property tests over generated GitHub workflows: never a crash, fixes surgical and stable.

`workflows()` assembles varied workflows from pieces: workflow/job/step `env`, `workflow_call`
input defaults, static matrices with `include`, job containers (string, block and flow
mappings, quoted, through the matrix, through an anchor and aliases, the anchor sometimes
defined again in a later job), services (some through the alias), `docker://`
steps and `run:` scripts in every scalar style (plain, quoted, `|`, `|-`, `|+`, `|2`, `>`),
with comments, `echo`ed image names and heredoc bodies that must never change. Each of those
protected blocks carries a unique marker. Adversarial input mutates the generated text.
"""

from __future__ import annotations

import pytest
from helpers import findings, fixed, problems
from hypothesis import given
from hypothesis import strategies as st

from dehub.fixer import apply_edits
from dehub.reference import parse
from dehub.source import SourceText

KIND = "workflow"
MIRROR = "public.ecr.aws/docker/library/"
HUB = (
    "node:20", "python:3.12-slim", "alpine:3.20", "redis", "postgres:16@sha256:" + "ab" * 32, "docker.io/library/nginx",
)  # fmt: skip
OTHER = ("ghcr.io/acme/app:1", "public.ecr.aws/docker/library/node:22", "bitnami/redis:7.4", "quay.io/x/y")
QUOTES = ("", "'", '"')
QUOTE = "'\""


class Workflow:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.protected: list[str] = []
        self.marker = 0

    def mark(self) -> str:
        self.marker += 1
        return f"m{self.marker}x"

    def comment(self, indent: str) -> None:
        text = f"{indent}# {self.mark()} keep node:20 as it is"
        self.protected.append(text.strip())
        self.lines.append(text)


def image(draw) -> str:
    return draw(st.sampled_from(HUB + OTHER))


def quoted(draw, text: str) -> str:
    quote = draw(st.sampled_from(QUOTES))
    return f"{quote}{text}{quote}"


def script_lines(draw, doc: Workflow) -> list[str]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            out.append(f"docker run --rm -e A=1 {image(draw)} true")
        elif kind == 1:
            out.append(f"docker pull {image(draw)}")
        elif kind == 2:
            marker = doc.mark()
            out.append(f'echo "docker run {marker} node:20"')
            doc.protected.append(f'echo "docker run {marker} node:20"')
        elif kind == 3:
            marker = doc.mark()
            out += ["cat <<EOF", f"docker run {marker}-node:20", "EOF"]
            doc.protected.append(f"docker run {marker}-node:20")
        elif kind == 4:
            out.append('docker run "$IMG" true')
        elif kind == 5:
            out.append(f"podman run -it --name x {image(draw)} sh")
        elif kind == 7:
            out.append(f"docker buildx build --build-context b=docker-image://{image(draw)} -t app --load .")
        elif kind == 8:
            out.append(f"docker run ${{{{ inputs.base || '{image(draw)}' }}}} && docker run app")
        elif kind == 9:
            out.append(f"docker run ${{{{ github.ref == 'x' && '{image(draw)}' || '{image(draw)}' }}}}")
        else:
            marker = doc.mark()
            out.append(f"# {marker} docker run node:20")
            doc.protected.append(f"# {marker} docker run node:20")
    return out


def run_step(draw, doc: Workflow, indent: str) -> None:
    lines = script_lines(draw, doc)
    style = draw(st.sampled_from(("plain", "|", "|-", "|+", "|2", ">", '"')))
    head = f"{indent}- run: "
    if style == "plain" and len(lines) == 1 and not lines[0].startswith(("#", '"', "cat")):
        doc.lines.append(head + lines[0])
        return
    if style == '"' and len(lines) == 1 and '"' not in lines[0]:
        doc.lines.append(head + '"' + lines[0] + '"')
        return
    if style == ">":  # folded: one command, one line per word group
        doc.lines.append(head + ">")
        doc.lines.append(f"{indent}    docker run --rm")
        doc.lines.append(f"{indent}    {image(draw)} true")
        return
    block = style if style != "plain" and style != '"' else "|"
    doc.lines.append(head + block)
    body_indent = indent + "    "
    for line in lines:
        doc.lines.append(body_indent + line)


def job(draw, doc: Workflow, index: int, anchored: list[str]) -> None:
    doc.lines.append(f"  job{index}:")
    doc.lines.append("    runs-on: ubuntu-latest")
    matrix = draw(st.booleans())
    if matrix:
        values = draw(st.lists(st.sampled_from(HUB + OTHER), min_size=1, max_size=3, unique=True))
        doc.lines.append("    strategy:")
        doc.lines.append("      matrix:")
        if draw(st.booleans()):
            doc.lines.append("        image: [" + ", ".join(quoted(draw, v) for v in values) + "]")
        else:
            doc.lines.append("        image:")
            doc.lines.extend(f"          - {quoted(draw, v)}" for v in values)
        if draw(st.booleans()):
            doc.lines.append("        include:")
            doc.lines.append(f"          - image: {quoted(draw, image(draw))}")
    if draw(st.booleans()):
        doc.comment("    ")
    form = draw(st.integers(0, 5))
    if form == 0:
        doc.lines.append(f"    container: {quoted(draw, image(draw))}")
    elif form == 1:
        doc.lines.append("    container:")
        doc.lines.append(f"      image: {quoted(draw, image(draw))}")
        doc.lines.append("      options: --cpus 1")
    elif form == 2:
        doc.lines.append(f"    container: {{image: {quoted(draw, image(draw))}, options: --cpus 1}}")
    elif form == 3 and matrix:
        doc.lines.append("    container: ${{ matrix.image }}")
    elif form == 5:
        first, second = quoted(draw, image(draw)), quoted(draw, image(draw))
        doc.lines.append(f"    container: ${{{{ github.event_name == 'push' && '{first.strip(QUOTE)}' || "
                         f"'{second.strip(QUOTE)}' }}}}")
    elif form == 4:
        if anchored and draw(st.booleans()):
            doc.lines.append(f"    container: *{anchored[0]}")
        else:  # the first definition, or one that redefines the anchor for the aliases below it
            anchored[:] = ["img"]
            doc.lines.append(f"    container: &img {quoted(draw, image(draw))}")
    if draw(st.booleans()):
        doc.lines.append("    services:")
        doc.lines.append(f"      db: {{image: {quoted(draw, image(draw))}, ports: ['5432:5432']}}")
        doc.lines.append("      cache:")
        if anchored and draw(st.booleans()):
            doc.lines.append(f"        image: *{anchored[0]}")
        else:
            doc.lines.append(f"        image: {quoted(draw, image(draw))}")
    if draw(st.booleans()):
        doc.lines.append("    env:")
        doc.lines.append(f"      IMG: {quoted(draw, image(draw))}")
    doc.lines.append("    steps:")
    for _ in range(draw(st.integers(1, 3))):
        step = draw(st.integers(0, 3))
        if step == 0:
            doc.lines.append(f"      - uses: {quoted(draw, 'docker://' + image(draw))}")
        elif step == 1:
            driver = draw(st.sampled_from(("docker", "docker-container")))
            doc.lines.append("      - uses: docker/setup-buildx-action@v3")
            doc.lines.append(f"        with: {{driver: {driver}, driver-opts: image={image(draw)}}}")
            doc.lines.append("      - uses: docker/build-push-action@v6")
            doc.lines.append("        with:")
            doc.lines.append(f"          load: {draw(st.sampled_from(('true', 'false')))}")
            doc.lines.append("          tags: app")
            doc.lines.append("          build-contexts: |")
            doc.lines.append(f"            base=docker-image://{image(draw)}")
            doc.lines.append("            src=.")
        else:
            run_step(draw, doc, "      ")
        if draw(st.integers(0, 3)) == 0:
            doc.comment("      ")


@st.composite
def workflows(draw) -> tuple[str, list[str]]:
    doc = Workflow()
    doc.comment("")
    doc.lines.append("on:")
    doc.lines.append("  workflow_call:")
    doc.lines.append("    inputs:")
    doc.lines.append("      base:")
    doc.lines.append(f"        default: {quoted(draw, image(draw))}")
    env = draw(st.integers(0, 2))
    if env == 1:
        doc.lines.append("env:")
        doc.lines.append(f"  IMG: {quoted(draw, image(draw))}")
    elif env == 2:  # a value with two outcomes: `$IMG` in a script is either
        doc.lines.append("env:")
        doc.lines.append(f"  IMG: ${{{{ github.ref == 'x' && '{image(draw)}' || '{image(draw)}' }}}}")
    doc.lines.append("jobs:")
    anchored: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        job(draw, doc, index, anchored)
    newline = draw(st.sampled_from(("\n", "\r\n")))
    text = newline.join(doc.lines) + (newline if draw(st.booleans()) else "")
    return text, doc.protected


def mutated(draw) -> str:
    text, _ = draw(workflows())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        insert = draw(st.sampled_from(("", ":", "- ", "{", "]", "'", '"', "\t", "&a ", "*a", "\n  ", "|", "${{")))
        cut = draw(st.integers(0, 3))
        text = text[:at] + insert + text[at + cut :]
    return text


mutated_workflows = st.composite(mutated)()
generated = workflows().map(lambda pair: pair[0])


@given(st.one_of(generated, mutated_workflows, st.text(max_size=300)))
def test_lint_never_raises_and_spans_are_in_the_text(text):
    for finding in findings(text, KIND):
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.line >= 1 and finding.column >= 1


@given(workflows())
def test_generated_workflows_parse(pair):
    text, _ = pair
    assert not any(code == "DH900" for _, _, code in problems(text, KIND)), text


@given(st.one_of(generated, mutated_workflows))
def test_fix_is_idempotent_and_never_breaks_parsing(text):
    once = fixed(text, KIND)
    assert fixed(once, KIND) == once
    had_error = any(code == "DH900" for _, _, code in problems(text, KIND))
    if had_error:
        assert once == text  # a file that does not parse is never rewritten
    else:
        assert not any(code == "DH900" for _, _, code in problems(once, KIND))


def safe_edits(text: str) -> list:
    edits = {}
    for finding in findings(text, KIND):
        if finding.fix is not None and finding.fix.safety == "safe":
            for edit in finding.fix.edits:
                edits[edit.key()] = edit
    return list(edits.values())


@given(workflows())
def test_fix_changes_only_the_edit_spans(pair):
    """The fixed text is the original with the findings' edits applied, pass after pass (a fix can
    reveal another: an `include` entry equal to a fixed matrix value becomes a combination of its
    own), and every edit replaces a Docker Hub name by its mirror name."""
    text, protected = pair
    current = text
    for _ in range(5):
        edits = safe_edits(current)
        if not edits:
            break
        for edit in edits:
            assert parse(current[edit.start : edit.end]).is_docker_hub
            assert edit.text.startswith(MIRROR)
        current = apply_edits(current, edits)
    once = fixed(text, KIND)
    assert once == current
    for block in protected:
        assert once.count(block) == text.count(block), block
    assert once.count("\r\n") == text.count("\r\n")


@given(workflows())
def test_no_fixable_docker_hub_pull_remains(pair):
    text, _ = pair
    once = fixed(text, KIND)
    assert not [f for f in findings(once, KIND) if f.code == "DH001" and f.fix is not None]


@given(workflows())
def test_findings_point_at_the_image_text(pair):
    text, _ = pair
    source = SourceText(text)
    for finding in findings(text, KIND):
        if finding.code in ("DH001", "DH002") and finding.fix is not None:
            written = source.text[finding.start : finding.end]
            assert finding.image is not None
            assert written.split("@")[0].split(":")[0] in finding.image


def _described(text: str) -> tuple:
    """Findings (with their fixes) and the inventory: everything the memos could get wrong."""
    from dehub.inventory import file_inventory, render_json
    from dehub.kinds import parse as parse_kind
    from dehub.policy import Policy
    from dehub.source import SourceText

    found = [
        (f.code, f.start, f.end, f.message, f.fix and tuple((e.start, e.end, e.text) for e in f.fix.edits))
        for f in findings(text, KIND)
    ]
    inventory = render_json([file_inventory("w.yml", parse_kind(KIND, SourceText(text)), Policy((), ()))])
    return found, inventory


@pytest.fixture(autouse=True)
def memos_on():
    """The memos are the language server's (off for the command line): test them on."""
    from dehub.gha import jobmemo
    from dehub.shell import memo as scriptmemo

    before = jobmemo.ENABLED, scriptmemo.ENABLED
    jobmemo.ENABLED = scriptmemo.ENABLED = True
    yield
    jobmemo.ENABLED, scriptmemo.ENABLED = before


def _forget() -> None:
    from dehub.gha import jobmemo
    from dehub.shell import memo as scriptmemo

    scriptmemo._memo.clear()
    jobmemo._memo.clear()


MOVES = ("", "# a comment\n", "env:\n  OTHER: x\n", "\n\n")


@given(workflows(), st.sampled_from(MOVES), mutated_workflows)
def test_memos_give_what_a_fresh_read_gives(pair, prefix, other):
    """An editor re-lints after each change: scripts and jobs reused from earlier texts (at
    another offset, with env values moved, next to an edited job) must equal a fresh read."""
    text = pair[0]
    _described(other)  # warm the memos with unrelated and related jobs and scripts
    _described(text)
    lines = text.split("\n")
    middle = len(lines) // 2
    edited = "\n".join([*lines[:middle], "    # edited", *lines[middle:]])
    for variant in (text, prefix + text, text.replace("jobs:", "# moved\njobs:", 1), edited):
        warm = _described(variant)
        _forget()
        assert warm == _described(variant)


def test_job_memo_is_not_fooled_by_an_alias_to_a_changed_anchor():
    """`container: *img` reads an anchor outside the job: the job must be read again when the
    anchor changes, though its own text did not."""
    template = (
        "on: push\nenv:\n  X: &img {image}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    container: *img\n    steps:\n      - run: make\n"
    )
    first = _described(template.format(image="ghcr.io/acme/app:1"))
    second = _described(template.format(image="node:20"))
    assert [code for code, *_ in first[0]] == []
    assert [code for code, *_ in second[0]] == ["DH001"]


def test_job_memo_is_not_fooled_by_steps_aliased_from_another_job():
    template = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: &steps\n      - run: {script}\n"
        "  b:\n    runs-on: ubuntu-latest\n    steps: *steps\n"
    )
    _described(template.format(script="make"))
    found, _ = _described(template.format(script="docker run node:20 make"))
    _forget()
    assert found == _described(template.format(script="docker run node:20 make"))[0]
    assert [code for code, *_ in found] == ["DH001"]


REDEFINED = (
    "on: push\njobs:\n"
    "  a:\n    runs-on: ubuntu-latest\n    container: &img {first}\n    steps:\n      - run: make\n"
    "  b:\n    runs-on: ubuntu-latest\n    container: *img\n    steps:\n      - run: make\n"
    "  c:\n    runs-on: ubuntu-latest\n    container: &img {second}\n"
    "    services:\n      db:\n        image: *img\n    steps:\n      - run: make\n"
    "  d:\n    runs-on: ubuntu-latest\n    container: *img\n    steps:\n      - run: make\n"
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (("node:20", "ghcr.io/acme/app:1"), ("ghcr.io/acme/app:1", "ghcr.io/acme/app:1")),
        (("ghcr.io/acme/app:1", "node:20"), ("ghcr.io/acme/app:1", "redis:7")),
        (("node:20", "redis:7"), ("redis:7", "node:20")),
    ],
)
def test_job_memo_follows_anchors_defined_again(before, after):
    """Job b's alias names job a's anchor, job d's names job c's: b and d read again when the
    anchor they name changes; c, whose alias names its own anchor, may come from the memo."""
    _described(REDEFINED.format(first=before[0], second=before[1]))
    text = REDEFINED.format(first=after[0], second=after[1])
    warm = _described(text)
    _forget()
    assert warm == _described(text)
    images = [line.split("`")[1] for code, _, _, line, _ in warm[0] if code == "DH001"]
    hub = [image for image in (after[0], after[0], after[1], after[1]) if not image.startswith("ghcr.io/")]
    assert images == sorted(set(hub), key=hub.index)


def test_job_memo_moves_a_job_whose_alias_names_its_own_redefined_anchor():
    """Job c holds `&img` and `*img`: self-contained, stored, and still right when it moves
    under another first definition."""
    from dehub.gha import jobmemo

    _forget()
    first = _jobs(REDEFINED.format(first="node:20", second="redis:7"))
    assert [key[0].split(":")[0].strip() for key in jobmemo._memo if "&img" in key[0]] == ["a", "c"]
    moved = REDEFINED.replace("  a:\n", "  # a comment above\n  a:\n").format(first="alpine:3.20", second="redis:7")
    second = _jobs(moved)
    assert [[use.value.text for run in job.runs for use in run] for job in second] == [
        ["alpine:3.20"],
        ["alpine:3.20"],
        ["redis:7", "redis:7"],
        ["redis:7"],
    ]
    _forget()
    assert [[use.start for run in job.runs for use in run] for job in _jobs(moved)] == [
        [use.start for run in job.runs for use in run] for job in second
    ]
    assert first[2].runs[0][0].value.text == "redis:7"


def _jobs(text: str) -> list:
    from dehub.kinds import parse as parse_kind

    return parse_kind(KIND, SourceText(text)).pipeline.jobs


def test_job_memo_shares_jobs_above_an_edit_and_moves_jobs_below_it():
    job = (
        "  {name}:\n    runs-on: ubuntu-latest\n    container: node:20\n"
        "    steps:\n      - run: docker run alpine:3.20 x\n"
    )
    text = "on: push\njobs:\n" + job.format(name="a") + job.format(name="b") + job.format(name="c")
    before = _jobs(text)
    edited = text.replace("container: node:20", "container: node:22", 2).replace("node:22", "node:20", 1)
    after = _jobs(edited)  # job b changed; a is above it, c below (same length: no offset moved)
    assert after[0] is before[0] and after[2] is before[2] and after[1] is not before[1]
    shifted = _jobs(text.replace("jobs:\n", "jobs:\n  # one more line\n"))
    assert all(new is not old for new, old in zip(shifted, before, strict=True))
    moved = len("  # one more line\n")
    assert [use.start for run in shifted[2].runs for use in run] == [
        use.start + moved for run in before[2].runs for use in run
    ]


def test_memos_stay_empty_on_the_command_line(tmp_path):
    """`dehub check` reads each file once: the language server's memos stay off and empty."""
    import subprocess
    import sys

    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: docker run node:20\n")
    program = (
        "import sys; from dehub.hooks.cli import main; code = main(['check', '--isolated', '--kind', 'workflow', "
        "sys.argv[1]]); from dehub.gha import jobmemo; from dehub.shell import memo as scriptmemo; "
        "print(code, jobmemo.ENABLED, scriptmemo.ENABLED, len(jobmemo._memo), len(scriptmemo._memo))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program, str(workflow)], capture_output=True, text=True, cwd=tmp_path
    )
    assert completed.stdout.splitlines()[-1] == "1 False False 0 0", completed.stderr
