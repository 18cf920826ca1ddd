"""Absurdly nested YAML never crashes dehub: one DH900 for the file (or exit 2 for the
configuration), and the run goes on.

libyaml 0.2.5's composer (PyYAML 6.0.2 and older wheels, distribution packages) recurses in C
and dies of a segmentation fault some 13,000-27,000 levels down; dehub's pre-check sends such
texts to a composer that stops at 1,000 levels. dehub runs in a subprocess here, so a crash
fails the test instead of killing pytest. The bound itself is checked against libyaml's own
events, whatever libyaml is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dehub import yamlcompose as yc

TOO_DEEP = "DH900 error: invalid YAML: nested too deeply to read (more than 1000 levels)"
WORKFLOW = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps:\n      - run: make\n"
GOOD_WORKFLOW_LINE = (
    ".github/workflows/good.yml:5:16: DH001 error: `node:20` is pulled from Docker Hub; "
    "use `public.ecr.aws/docker/library/node:20`"
)
GOOD_WORKFLOW_NOTE = (
    "  note (line 5): pulled while the job is set up, before any step, so a login step cannot cover it "
    "(only the mirror, or `credentials:` on the container or service, can)"
)
DOCKERFILE_LINE = (
    "Dockerfile:1:6: DH001 error: `alpine:3` is pulled from Docker Hub; use `public.ecr.aws/docker/library/alpine:3`"
)

# name -> (text, 1-based line and column of the collection that goes past 1,000 levels)
DEEP = {
    "flow-sequences": ("[" * 100_000, (1, 1001)),
    "flow-mappings": ("{a: " * 100_000, (1, 4001)),
    "block-sequences": ("- " * 100_000, (1, 2001)),
    "indented-mappings": ("".join(" " * depth + "a:\n" for depth in range(1200)), (1001, 1001)),
    "sequences-of-mappings": ("".join("  " * depth + "- a:\n" for depth in range(600)), (501, 1001)),
}


def dehub(cwd, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEHUB_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dehub", *args], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=300
    )


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()  # configuration is looked for up to here
    return tmp_path


def write(root, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", list(DEEP))
@pytest.mark.parametrize(
    ("target", "how"),
    [
        ("deep.yml", ("--kind", "workflow")),
        ("action.yml", ("--kind", "action")),
        (".github/workflows/x.yml", ()),
        (".github/workflows/in.yml", ("--stdin-filename",)),
    ],
    ids=["kind-workflow", "kind-action", "workflow-path", "stdin"],
)
def test_deep_nesting_is_one_dh900(repo, name, target, how):
    text, (line, column) = DEEP[name]
    if how == ("--stdin-filename",):
        done = dehub(repo, "check", "--stdin-filename", target, "-", stdin=text.encode())
    else:
        write(repo, target, text)
        done = dehub(repo, "check", *how, target)
    assert done.returncode == 1, done.stderr.decode()[-2000:]
    assert done.stdout.decode().splitlines() == [f"{target}:{line}:{column}: {TOO_DEEP}", "Found 1 problem."]
    assert done.stderr == b""


def test_deep_file_among_good_ones(repo):
    write(repo, "Dockerfile", "FROM alpine:3\n")
    write(repo, ".github/workflows/deep.yml", "[" * 100_000)
    write(repo, ".github/workflows/good.yml", WORKFLOW)
    done = dehub(repo, "check", ".")
    assert done.returncode == 1, done.stderr.decode()[-2000:]
    assert done.stdout.decode().splitlines() == [
        f".github/workflows/deep.yml:1:1001: {TOO_DEEP}",
        GOOD_WORKFLOW_LINE,
        GOOD_WORKFLOW_NOTE,
        DOCKERFILE_LINE,
        "Found 3 problems. [*] 2 fixable with --fix.",
    ]
    fixed = dehub(repo, "check", "--fix", ".")
    assert fixed.returncode == 1
    assert (repo / ".github/workflows/deep.yml").read_text() == "[" * 100_000
    assert "public.ecr.aws/docker/library/node:20" in (repo / ".github/workflows/good.yml").read_text()


@pytest.mark.parametrize("name", ["flow-sequences", "block-sequences", "indented-mappings"])
def test_deep_configuration_is_a_configuration_error(repo, name):
    text, (line, column) = DEEP[name]
    write(repo, ".dehub.yaml", text)
    write(repo, "Dockerfile", "FROM alpine:3\n")
    done = dehub(repo, "check", "Dockerfile")
    assert done.returncode == 2
    assert done.stdout == b""
    reason = f"nested too deeply to read (more than 1000 levels) (line {line}, column {column})"
    assert done.stderr.decode().splitlines() == [f"dehub: error: {repo / '.dehub.yaml'}: not valid YAML: {reason}"]


def test_deep_but_sane_nesting_is_read(repo):
    """900 levels: libyaml reads it (0.2.6 refuses 1,000), and so does dehub, findings and all."""
    deep = "[" * 900 + "]" * 900
    text = WORKFLOW.replace("    steps:", f"    env:\n      DEEP: {deep}\n    steps:")
    write(repo, ".github/workflows/good.yml", text)
    done = dehub(repo, "check", ".github/workflows/good.yml")
    assert done.stdout.decode().splitlines() == [
        GOOD_WORKFLOW_LINE, GOOD_WORKFLOW_NOTE, "Found 1 problem. [*] 1 fixable with --fix."
    ]


# --- the pre-check ----------------------------------------------------------------------------


def events_depth(text: str, loader: type) -> int:
    """How deep the collections nest in the events the parser gives, up to its first error."""
    depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return deepest


LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


def bounds(text: str) -> tuple[int, int]:
    """The pre-check's two bounds: by counting openers, and by pairing brackets."""
    block = 2 * (yc._block_prefix(text) + 1)
    classes = ("\n" + text).encode("utf-8", "surrogatepass").translate(yc._CLASS_TABLE)
    counted = 2 * sum(classes.count(run) for run in (b"pB", b"pBB", b"BBB"))
    return block + counted + 2, block + yc._flow_depth_bound(text, 10**9) + 2


FLOWISH = st.text(alphabet=" \n-:,[]{}'\"#!?&*|ab\\", max_size=80)
TRICKS = [
    "[ a'x, \"y' ] \", " * 40,  # a quote inside a plain scalar, a quoted closing bracket
    "[ !a] x, " * 40,  # tags may hold brackets
    "[ a, # ] \n " * 40,  # comments too
    "{a: 'it''s ]', b: " * 40,
    '["a\\" ]", ' * 40,
    "- [ x, {y: " + "[ x, {y: " * 40,
    "? [ " * 40,
    "[a: " * 40,
    "".join(" " * depth + "a:\n" for depth in range(40)),
    "".join("  " * depth + "- a: [b, {c: d}]\n" + "  " * depth + "  e:\n" for depth in range(20)),
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(FLOWISH, st.sampled_from(TRICKS), st.lists(st.sampled_from(TRICKS), max_size=4).map("".join)))
def test_bounds_hold_for_whatever_the_parsers_read(text):
    counted, paired = bounds(text)
    for loader in LOADERS:
        depth = events_depth(text, loader)
        assert depth <= counted and depth <= paired, (loader.__name__, depth, counted, paired)


@pytest.mark.parametrize("text", TRICKS)
def test_tricks_nest_as_deep_as_they_look(text):
    """The bracket pairing must not be fooled: these nest 20 to 80 levels for libyaml."""
    depth = max(events_depth(text, loader) for loader in LOADERS)
    assert depth >= 20
    assert depth <= min(bounds(text))


def real_looking_workflow(lines: int) -> str:
    """Jobs with matrices, expressions, services, and `run:` scripts full of brackets and quotes."""
    job = (
        "  build-{n}:\n"
        "    name: Build ${{{{ matrix.os }}}} / ${{{{ matrix.python }}}}\n"
        "    if: github.event_name == 'push' || contains(github.event.pull_request.labels.*.name, 'ci')\n"
        "    needs: [lint]\n"
        "    runs-on: ${{{{ matrix.os }}}}\n"
        "    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n"
        "        python: ['3.10', '3.11', '3.12']\n"
        "    env:\n      KEY: ${{{{ runner.os }}}}-${{{{ hashFiles('**/package-lock.json') }}}}\n"
        "    services:\n      db:\n        image: postgres:16\n        env: {{POSTGRES_PASSWORD: x}}\n"
        "        ports: ['5432:5432']\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - shell: bash\n        run: |\n"
        '          if [ "${{{{ github.event_name }}}}" = "push" ]; then echo "sha=${{GITHUB_SHA::7}}"; fi\n'
        '          [[ -n "${{VAR:-}}" ]] && for f in "${{files[@]}}"; do echo "$f"; done\n'
        "          jq -r '.[] | {{name: .name}}' data.json > out.json\n"
        '          [ -f out ] || {{ echo "missing" >&2; exit 1; }}\n'
        '          docker run --rm -e T="${{{{ secrets.T }}}}" node:20 npm test\n'
    )
    out = ["on: push", "jobs:"]
    n = 0
    while len(out) < lines:
        out.extend(job.format(n=n).splitlines())
        n += 1
    return "\n".join(out) + "\n"


def test_a_large_real_looking_workflow_goes_to_libyaml():
    text = real_looking_workflow(5000)
    assert yaml.compose(text, Loader=yaml.SafeLoader) is not None
    assert yc.libyaml_is_safe(text)


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_texts_never_go_to_libyaml(name):
    assert not yc.libyaml_is_safe(DEEP[name][0])
