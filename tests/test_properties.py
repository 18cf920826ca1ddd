"""Property tests over generated Dockerfiles: check never crashes, fix is surgical and stable.

Two input families:

* `dockerfiles()` builds realistic but varied Dockerfiles from pieces (parser directives,
  global ARGs, FROM lines with flags and stage names, COPY --from, RUN --mount, heredocs,
  continuations with comments inside, pragmas, random indentation and keyword case, CRLF or LF,
  with or without a final newline or a BOM). Each generated file also carries the blocks of
  text that must never be rewritten (heredoc bodies and comments holding image-like text);
  every such block holds a unique marker.
* adversarial input: arbitrary text and bytes, and text assembled from Dockerfile-ish tokens
  in random order, to shake out crashes.
"""

from __future__ import annotations

import io
import json
import re

from helpers import findings, fixed, make_config, problems
from helpers import settings as make_settings
from hypothesis import given
from hypothesis import strategies as st

from dehub import rules as rule_registry
from dehub.dockerfile.lexer import lex
from dehub.fixer import applicable, apply_edits, fix_source
from dehub.kinds import parse as parse_document
from dehub.lint import Settings
from dehub.policy import MIRROR
from dehub.report import json as json_report
from dehub.resolve import resolve
from dehub.runner import check_bytes
from dehub.source import SourceText
from dehub.suppress import suppressions

BOM_BYTES = b"\xef\xbb\xbf"
OFFICIAL_PREFIX = "public.ecr.aws/docker/library/"
MAPPED_PREFIX = "registry.example.com/hub/"
IMAGE_SITES = ("from", "copy-from", "mount-from")
CONTRACT_KEYS = {
    "path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message",
    "note", "site", "kind", "image", "canonical", "suggestion", "fixable",
}  # fmt: skip

# Configurations under which the generated files are fixed: the defaults, and a mirror map
# that gives non-official images (myorg/*) a mirror of their own.
MAPPED_CONFIG = make_config(mirror={"map": {"myorg/*": MAPPED_PREFIX + "{path}"}})
PREFIXES = (OFFICIAL_PREFIX, MAPPED_PREFIX)


# --------------------------------------------------------------------------------------------
# Generated Dockerfiles
# --------------------------------------------------------------------------------------------

OFFICIAL_NAMES = ("node", "python", "alpine", "golang", "nginx", "redis", "debian", "ubuntu")
TAGS = ("", ":20", ":3.12-slim", ":latest", ":1.27-alpine", ":bookworm", ":22.04", ":1")
DIGEST = "@sha256:" + "0123456789abcdef" * 4
OTHER_IMAGES = (
    "myorg/app:1.2",
    "myorg/tools",
    "bitnami/redis:7.4",
    "library/node:20",
    "ghcr.io/x/y:1",
    "public.ecr.aws/docker/library/node:20",
    "localhost:5000/x",
    "quay.io/prometheus/node-exporter:v1.8.0",
    "docker.io/library/node:20",
    "index.docker.io/node",
    "registry-1.docker.io/library/python:3.12",
    "docker.io/myorg/app",
    "Docker.IO/library/alpine:3.20",
    "centos:7",
    "java:8",
    "python:3.12-windowsservercore-ltsc2022",
    "golang:1.22-nanoserver",
    "mcr.microsoft.com/windows/servercore:ltsc2022",
    "azul-zulu:21",
    "docker/dockerfile:1",
    "Node:20",  # invalid: upper case (DH006)
    "node:",  # invalid: empty tag
    "scratch",
)
STAGE_NAMES = ("build", "Builder", "base", "node", "deps", "runtime", "s1")
SIMPLE_RUNS = (
    "echo hello",
    "apt-get update && apt-get install -y curl",
    "pip install -r requirements.txt",
    'echo "FROM node:20 is not an instruction here"',
    "set -e; make",
)
NEWLINES = ("\n", "\r\n")


def case(draw, word: str) -> str:
    return draw(st.sampled_from((word.upper(), word.lower(), word.capitalize())))


def pragma(draw, codes: str, is_global: bool = False) -> str:
    """A suppression comment, in the spellings the pragma parser accepts."""
    word = draw(st.sampled_from(("dehub", "dehub", "dehub", "dehub:", "DEHUB", "Dehub:")))
    return f"# {word} {'global ' if is_global else ''}ignore={codes} reason"


def indent(draw) -> str:
    return draw(st.sampled_from(("", "", "", " ", "  ", "\t", "    ")))


@st.composite
def image_refs(draw) -> str:
    if draw(st.booleans()):
        name = draw(st.sampled_from(OFFICIAL_NAMES))
        tag = draw(st.sampled_from(TAGS))
        digest = DIGEST if draw(st.integers(0, 5)) == 0 else ""
        return name + tag + digest
    ref = draw(st.sampled_from(OTHER_IMAGES))
    if "@" not in ref and draw(st.integers(0, 7)) == 0:
        ref += DIGEST
    return ref


class Doc:
    """A Dockerfile under construction: physical lines, plus blocks that must not change."""

    def __init__(self, escape: str) -> None:
        self.escape = escape
        self.lines: list[str] = []
        self.protected: list[str] = []
        self.marker = 0

    def mark(self) -> str:
        self.marker += 1
        return f"m{self.marker}x"


@st.composite
def dockerfiles(draw) -> tuple[str, list[str]]:
    """(text, protected blocks): a generated Dockerfile and the blocks a fix must not touch."""
    escape = "`" if draw(st.integers(0, 6)) == 0 else "\\"
    doc = Doc(escape)
    lines = doc.lines

    # Parser directives, sometimes after a comment (which makes them plain comments).
    if draw(st.integers(0, 7)) == 0:
        lines.append(draw(st.sampled_from(("# dehub ignore=DH001", "# a comment"))))
    if draw(st.booleans()):
        frontends = ("docker/dockerfile:1", "docker/dockerfile:1.7-labs", "ghcr.io/x/frontend:1")
        lines.append("# syntax=" + draw(st.sampled_from(frontends)))
    if escape == "`" or draw(st.integers(0, 9)) == 0:
        lines.append(f"# escape={escape}")
    if draw(st.booleans()):
        lines.append("")

    # Global ARGs.
    arg_names: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(("BASE", "BASE", "IMAGE", "TAG", "REGISTRY", "VERSION")))
        kind = draw(st.sampled_from(("image", "image", "name", "tag", "none", "registry", "quoted", "pair", "derived")))
        if kind == "image":
            body = f"{name}={draw(image_refs())}"
        elif kind == "tag":
            body = f"{name}={draw(st.sampled_from(('20', '3.12-slim', 'latest', 'bookworm')))}"
        elif kind == "registry":
            registries = ("docker.io", "docker.io/library", "public.ecr.aws/docker/library", "ghcr.io/acme")
            body = f"{name}={draw(st.sampled_from(registries))}"
        elif kind == "quoted":
            quote = draw(st.sampled_from(('"', "'")))
            body = f"{name}={quote}{draw(image_refs())}{quote}"
        elif kind == "name":
            names = ("node", "python", "docker.io/library/node", "myorg/app", "centos")
            body = f"{name}={draw(st.sampled_from(names))}"
        elif kind == "derived" and arg_names:
            body = f"{name}=${{{draw(st.sampled_from(arg_names))}}}{draw(st.sampled_from(('', ':20', '-slim')))}"
        elif kind == "pair":
            body = f"{name}={draw(image_refs())} OTHER_{name}={draw(image_refs())}"
        else:
            body = name
        if draw(st.integers(0, 5)) == 0:
            lines.append(pragma(draw, draw(st.sampled_from(("DH001", "DH002", "DH001,DH002")))))
        lines.append(indent(draw) + case(draw, "arg") + " " + body)
        arg_names.append(name)

    stages: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        _from_line(draw, doc, arg_names, stages)
        for _ in range(draw(st.integers(0, 4))):
            _body_instruction(draw, doc, stages)
        if draw(st.booleans()):
            lines.append(indent(draw))

    newline = draw(st.sampled_from(NEWLINES))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text, [block.replace("\n", newline) for block in doc.protected]


def _from_line(draw, doc: Doc, arg_names: list[str], stages: list[str]) -> None:
    lines = doc.lines
    choice = draw(st.integers(0, 9))
    if choice <= 2 or not (arg_names or stages):
        ref = draw(image_refs())
    elif choice <= 6 and arg_names:
        name = draw(st.sampled_from(arg_names))
        ref = draw(
            st.sampled_from(
                (
                    "${%s}" % name,
                    "$%s" % name,
                    "node:${%s}" % name,
                    "${%s}/node:20" % name,
                    "${%s:-python:3.12}" % name,
                    '"${%s}"' % name,
                    "${%s}-slim" % name,
                    "${%s}js:1" % name,
                    "myorg/${%s}" % name,
                    "${%s}:3-windowsservercore" % name,
                )
            )
        )
    elif stages:
        ref = case(draw, draw(st.sampled_from(stages)))
    else:
        ref = draw(image_refs())
    flags = ""
    if draw(st.integers(0, 3)) == 0:
        platforms = ("--platform=$BUILDPLATFORM ", "--platform=linux/amd64 ", "--platform=${TARGETPLATFORM} ")
        flags = draw(st.sampled_from(platforms))
    stage = None
    if draw(st.booleans()):
        stage = draw(st.sampled_from(STAGE_NAMES))
    which = draw(st.integers(0, 6))
    if which == 0:
        lines.append(pragma(draw, draw(st.sampled_from(("DH001", "DH002", "DH003", "DH006")))))
    elif which == 1:
        lines.append(pragma(draw, "DH002", is_global=True))
    keyword = indent(draw) + case(draw, "from")
    stage_part = f" {case(draw, 'as')} {stage}" if stage else ""
    if draw(st.integers(0, 5)) == 0:
        # The FROM split over continuation lines, with a comment line inside.
        esc = doc.escape
        marker = doc.mark()
        comment = f"  # FROM nginx:1 {marker}"
        lines.append(f"{keyword} {flags}{esc}")
        lines.append(comment)
        doc.protected.append(comment)
        lines.append(f"  {ref}{' ' + esc if stage else ''}")
        if stage:
            lines.append(f"  {case(draw, 'as')} {stage}")
    else:
        lines.append(f"{keyword} {flags}{ref}{stage_part}")
    if stage:
        stages.append(stage)


def _body_instruction(draw, doc: Doc, stages: list[str]) -> None:
    lines = doc.lines
    esc = doc.escape
    kind = draw(st.sampled_from(("run", "copy-from", "mount", "heredoc", "continuation", "comment", "misc", "onbuild")))
    lead = indent(draw)
    if kind == "run":
        lines.append(f"{lead}{case(draw, 'run')} {draw(st.sampled_from(SIMPLE_RUNS))}")
    elif kind == "copy-from":
        source = draw(
            st.one_of(
                st.sampled_from(stages or ["0"]).map(lambda name: name.upper() if name[0] == "b" else name),
                st.sampled_from(("0", "1")),
                image_refs(),
                st.sampled_from(('"nginx:1.27"', "'alpine'")),
            )
        )
        lines.append(f"{lead}{case(draw, 'copy')} --from={source} /src /dst")
    elif kind == "mount":
        mount_type = draw(st.sampled_from(("cache", "bind", "tmpfs", "secret")))
        source = draw(st.one_of(st.sampled_from(stages or ["0"]), image_refs()))
        target = draw(st.sampled_from(("target=/root/.cache", "target=/src,rw")))
        spec = f"type={mount_type},from={source},{target}"
        if draw(st.integers(0, 3)) == 0:
            spec = f"{target},from={source},type={mount_type}"
        lines.append(f"{lead}{case(draw, 'run')} --mount={spec} make")
    elif kind == "heredoc":
        delimiter = draw(st.sampled_from(("EOF", "EOT", "'EOF'", '"END"')))
        name = delimiter.strip("'\"")
        chomp = draw(st.booleans())
        marker = doc.mark()
        body_lines = [f"FROM node:20 AS {marker}", f"COPY --from=nginx /a /b {marker}", f"echo {marker}"]
        prefix = "\t" if chomp else ""
        body = [prefix + line for line in body_lines[: draw(st.integers(1, 3))]]
        opener = f"{lead}{case(draw, draw(st.sampled_from(('run', 'copy'))))} <<{'-' if chomp else ''}{delimiter}"
        if opener.lower().lstrip().startswith("copy"):
            opener += " /script.sh"
        lines.append(opener)
        lines.extend(body)
        lines.append(prefix + name)
        doc.protected.append("\n".join(body))
    elif kind == "continuation":
        marker = doc.mark()
        comment = f"    # FROM redis:7 {marker}"
        lines.append(f"{lead}{case(draw, 'run')} apt-get update {esc}")
        if draw(st.booleans()):
            lines.append(comment)
            doc.protected.append(comment)
        if draw(st.booleans()):
            lines.append("")
        lines.append(f"    && apt-get install -y git {esc}")
        lines.append("    && rm -rf /var/lib/apt/lists/*")
    elif kind == "comment":
        marker = doc.mark()
        comments = ("# FROM node:20", "#COPY --from=alpine /a /b", "# see python:3.12")
        comment = draw(st.sampled_from(comments)) + f" {marker}"
        lines.append(lead + comment)
        doc.protected.append(comment)
    elif kind == "onbuild":
        source = draw(image_refs())
        lines.append(f"{lead}{case(draw, 'onbuild')} {case(draw, 'copy')} --from={source} /a /b")
    else:
        others = ("ENV A=1", "workdir /app", "CMD [\"node\", \"main.js\"]", "EXPOSE 80", "USER node", "LABEL a=b")
        lines.append(lead + draw(st.sampled_from(others)))


def with_bom(text: str, bom: bool) -> bytes:
    return (BOM_BYTES if bom else b"") + text.encode("utf-8")


# --------------------------------------------------------------------------------------------
# Adversarial input
# --------------------------------------------------------------------------------------------

TOKENS = (
    "FROM", "from", "ARG", "arg", "COPY", "RUN", "ONBUILD", "AS", " ", " ", "\t", "\n", "\r\n", "\n",
    "${", "}", "$", "<<", "<<-", "EOF", "\\\n", "`\n", "\\", '"', "'", "--from=", "--mount=",
    "type=cache,", "from=", "--platform=", "#", "# dehub ignore=DH001", "# escape=`", "# syntax=",
    ":", "@", "=", ":-", "node", "python:3", "docker.io/", "library/", "sha256:", DIGEST, "/",
    ",", "0", "-", "[", "]", "scratch",
)  # fmt: skip

token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), token_soup)
any_bytes = st.one_of(
    st.binary(max_size=300),
    token_soup.map(lambda t: t.encode("utf-8")),
    st.text(max_size=200).map(lambda t: BOM_BYTES + t.encode("utf-8")),
)


def generated_text():
    return dockerfiles().map(lambda pair: pair[0])


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def decodes(data: bytes) -> bool:
    try:
        SourceText.decode(data)
    except ValueError:
        return False
    return True


def has_parse_error(found) -> bool:
    return any(f.code == "DH900" for f in found)


def chosen_edits(text: str, unsafe: bool, config=None, **options):
    """The edits the first fix pass applies to `text`."""
    found = findings(text, config=config, **options)
    return [edit for fix in applicable(found, unsafe) for edit in fix.edits]


def all_fix_edits(text: str, unsafe: bool, config=None, **options):
    found = findings(text, config=config, **options)
    return [
        edit
        for f in found
        if f.fix is not None and (unsafe or f.fix.safety == "safe")
        for edit in f.fix.edits
    ]


def changes_within(original: str, result: str, edits) -> bool:
    """`result` equals `original` except that each edit span holds its original or its new text."""
    spans = sorted({(e.start, e.end, e.text) for e in edits})
    pattern = []
    cursor = 0
    for start, end, new in spans:
        if start < cursor:
            return False  # overlapping edits: the caller reports it
        pattern.append(re.escape(original[cursor:start]))
        pattern.append("(?:" + re.escape(new) + "|" + re.escape(original[start:end]) + ")")
        cursor = end
    pattern.append(re.escape(original[cursor:]))
    return re.fullmatch("".join(pattern), result, re.DOTALL) is not None


# --------------------------------------------------------------------------------------------
# 1. check never raises and never reports an internal error
# --------------------------------------------------------------------------------------------

DEFAULT_SETTINGS = Settings()
UNSAFE_SETTINGS = Settings(unsafe_fixes=True)


@given(st.one_of(generated_text(), any_text))
def test_lint_never_raises_on_text(text):
    for found in (findings(text), findings(text, show_unused_suppressions=True)):
        for f in found:
            assert f.line >= 1 and f.column >= 1
            assert 0 <= f.start <= f.end <= len(text)


@given(st.one_of(dockerfiles().flatmap(lambda pair: st.booleans().map(lambda bom: with_bom(pair[0], bom))), any_bytes))
def test_check_bytes_never_reports_internal_error(data):
    for mode in ("check", "fix"):
        for kind in ("dockerfile", None):
            result = check_bytes("-", data, kind, UNSAFE_SETTINGS if mode == "fix" else DEFAULT_SETTINGS, mode)
            assert not result.internal_error, [f.message for f in result.findings]
            if mode == "fix" and result.kind is not None and decodes(data):
                assert result.output is not None


# --------------------------------------------------------------------------------------------
# 2. fix is idempotent
# --------------------------------------------------------------------------------------------


@given(st.one_of(generated_text(), token_soup), st.booleans())
def test_fix_is_idempotent(text, unsafe):
    once = fixed(text, unsafe=unsafe)
    assert fixed(once, unsafe=unsafe) == once


@given(generated_text(), st.booleans())
def test_fix_is_idempotent_with_mirror_map(text, unsafe):
    once = fixed(text, unsafe=unsafe, config=MAPPED_CONFIG)
    assert fixed(once, unsafe=unsafe, config=MAPPED_CONFIG) == once


# --------------------------------------------------------------------------------------------
# 3. no fixable DH001 is left behind
# --------------------------------------------------------------------------------------------


@given(generated_text())
def test_no_fixable_dh001_remains(text):
    if has_parse_error(findings(text)):
        return  # a file that does not parse is never rewritten (checked in test 5)
    after_safe = findings(fixed(text))
    assert not [f for f in after_safe if f.code == "DH001" and f.fixable == "safe"]
    after_unsafe = findings(fixed(text, unsafe=True))
    assert not [f for f in after_unsafe if f.code == "DH001" and f.fixable is not None]


# --------------------------------------------------------------------------------------------
# 4. the fix is surgical: only the fix spans change, and only to the mirror name
# --------------------------------------------------------------------------------------------


build_args = st.one_of(
    st.just({}),
    st.dictionaries(
        st.sampled_from(("BASE", "IMAGE", "TAG", "REGISTRY")),
        st.one_of(image_refs(), st.sampled_from(("20", "docker.io"))),
        max_size=2,
    ),
)


@given(dockerfiles(), st.booleans(), st.booleans(), st.booleans(), build_args)
def test_fix_changes_only_fix_spans(pair, unsafe, bom, mapped, args):
    text, protected = pair
    config = MAPPED_CONFIG if mapped else None
    edits = all_fix_edits(text, unsafe, config, build_args=args)
    for edit in edits:
        assert edit.text.startswith(PREFIXES if mapped else OFFICIAL_PREFIX), edit
        assert text[edit.start : edit.end].strip() == text[edit.start : edit.end] != ""
        assert "\n" not in text[edit.start : edit.end]
    result = fixed(text, unsafe=unsafe, config=config, build_args=args)
    assert changes_within(text, result, edits), (text, result, edits)
    # One pass does it all: the result is exactly the first pass's edits applied.
    if not has_parse_error(findings(text, config=config, build_args=args)):
        assert result == apply_edits(text, chosen_edits(text, unsafe, config, build_args=args))
    # Heredoc bodies and comments are never rewritten.
    for block in protected:
        assert text.count(block) == 1
        assert result.count(block) == 1, block
    # Line endings, final newline and BOM as they were.
    assert result.count("\r\n") == text.count("\r\n")
    assert result.count("\n") == text.count("\n")
    assert result.endswith("\n") == text.endswith("\n")
    settings_ = make_settings(config, unsafe_fixes=unsafe, build_args=args)
    data = with_bom(text, bom)
    out = check_bytes("-", data, "dockerfile", settings_, "fix").output
    assert out == with_bom(result, bom)


@given(generated_text(), st.booleans())
def test_line_endings_and_bom_are_transparent(text, unsafe):
    lf = text.replace("\r\n", "\n")
    crlf = lf.replace("\n", "\r\n")
    # The same Dockerfile with LF or CRLF line endings, with or without a BOM: same findings
    # at the same places, and the same fix.
    seen = set()
    for variant, bom in ((lf, False), (crlf, False), (lf, True), (crlf, True)):
        settings = UNSAFE_SETTINGS if unsafe else DEFAULT_SETTINGS
        result = check_bytes("-", with_bom(variant, bom), "dockerfile", settings, "check")
        seen.add(tuple((f.code, f.line, f.column, f.message, f.fixable) for f in result.findings))
    assert len(seen) == 1, seen
    assert fixed(crlf, unsafe=unsafe) == fixed(lf, unsafe=unsafe).replace("\n", "\r\n")


# --------------------------------------------------------------------------------------------
# 5. the fixed text parses, with the same instructions
# --------------------------------------------------------------------------------------------


@given(generated_text(), st.booleans())
def test_fixed_text_parses(text, unsafe):
    before = findings(text)
    outcome = fix_source(SourceText(text), "dockerfile", DEFAULT_SETTINGS, unsafe)
    after = findings(outcome.source.text)
    if has_parse_error(before):
        assert outcome.source.text == text  # never rewritten
        return
    assert outcome.refused is None
    assert not has_parse_error(after)
    old, new = lex(SourceText(text)), lex(outcome.source)
    assert [(i.keyword, i.line, i.end_line) for i in old.instructions] == [
        (i.keyword, i.line, i.end_line) for i in new.instructions
    ]
    assert [c.text for c in old.comments] == [c.text for c in new.comments]
    assert directives(old) == directives(new)
    assert [f.code for f in outcome.findings] == [f.code for f in after]


def directives(lexed) -> dict[str, str]:
    return {name: directive.value.text for name, directive in lexed.directives.items()}


@given(generated_text(), st.booleans())
def test_fix_deleting_unused_suppressions_keeps_structure(text, unsafe):
    settings_ = Settings(show_unused_suppressions=True)
    outcome = fix_source(SourceText(text), "dockerfile", settings_, unsafe)
    if outcome.source.text == text:
        return
    old, new = lex(SourceText(text)), lex(outcome.source)
    assert not has_parse_error(findings(outcome.source.text))
    # Deleting a stale pragma and moving images changes neither the parser directives (a
    # pragma above `# syntax=` keeps it a plain comment) nor the instructions.
    assert directives(old) == directives(new)
    assert [(i.keyword, i.end_line - i.line) for i in old.instructions] == [
        (i.keyword, i.end_line - i.line) for i in new.instructions
    ]


# --------------------------------------------------------------------------------------------
# 6. findings point at the image text
# --------------------------------------------------------------------------------------------


@given(dockerfiles())
def test_findings_point_at_image_text(pair):
    text, _ = pair
    source = SourceText(text)
    for f in findings(text):
        if f.code not in ("DH001", "DH002") or f.site not in IMAGE_SITES:
            continue
        assert source.position(f.start) == (f.line, f.column)
        assert source.position(f.end) == (f.end_line, f.end_column)
        assert f.start < f.end <= len(text)
        assert f.image, f
        first = text[f.start]
        # The first character of the image, or of the written reference (a variable or a quote).
        assert first == f.image[0] or first in "$\"'", (f, text[f.start : f.end])
        if f.fix is not None:
            (edit,) = f.fix.edits
            written = text[edit.start : edit.end]
            # The fix replaces the name exactly where the finding points, as written there.
            assert edit.start == f.start
            assert f.image.startswith(written), (f.image, written)
            assert f.image[len(written) : len(written) + 1] in ("", ":", "@")
            assert f.suggestion == edit.text + f.image[len(written) :]


# --------------------------------------------------------------------------------------------
# 7. the JSON report is valid and carries the contract keys
# --------------------------------------------------------------------------------------------


@given(st.one_of(generated_text(), token_soup), st.booleans())
def test_json_report_contract(text, fix_mode):
    mode = "fix" if fix_mode else "check"
    result = check_bytes("Dockerfile", text.encode("utf-8"), "dockerfile", DEFAULT_SETTINGS, mode)
    stream = io.StringIO()
    json_report.write(result.findings, stream, None)
    report = json.loads(stream.getvalue())
    assert report["version"] == 1
    assert len(report["findings"]) == len(result.findings)
    for item, f in zip(report["findings"], result.findings, strict=True):
        assert set(item) == CONTRACT_KEYS
        assert item == json.loads(json.dumps(json_report.finding_dict(f)))
        assert item["path"] == "Dockerfile" and item["kind"] == "dockerfile"
        assert re.fullmatch(r"DH\d{3}", item["code"])
        assert item["severity"] in ("error", "warning", "info")
        assert item["fixable"] in (None, "safe", "unsafe")
        assert item["site"] in (None, "from", "copy-from", "mount-from", "syntax")
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(item[key], int) and item[key] >= 1
        assert (item["line"], item["column"]) <= (item["end_line"], item["end_column"])
        for key in ("image", "canonical", "suggestion"):
            assert item[key] is None or isinstance(item[key], str)
        assert item["note"] is None  # Dockerfiles do not say when an image is pulled



# --------------------------------------------------------------------------------------------
# 8. a fix changes each image use only into that use's own suggestion
# --------------------------------------------------------------------------------------------


def image_uses(text: str):
    return parse_document("dockerfile", SourceText(text)).image_uses({})


def use_changes(text: str, unsafe: bool, settings_: Settings = None):
    """[(index, image before, image after, subject before)] for every use a fix changed."""
    settings_ = settings_ or DEFAULT_SETTINGS
    result = fix_source(SourceText(text), "dockerfile", settings_, unsafe).source.text
    before, after = image_uses(text), image_uses(result)
    assert [u.site for u in before] == [u.site for u in after]
    return [
        (index, old.value.text, new.value.text, resolve(old, settings_.policy))
        for index, (old, new) in enumerate(zip(before, after, strict=True))
        if old.value.text != new.value.text
    ]


def wrong_change(new: str, subject, unsafe: bool) -> bool:
    decision = subject.decision
    return (
        decision is None
        or decision.verdict != MIRROR
        or new != subject.suggestion
        or not (unsafe or decision.safety == "safe")
    )


@given(generated_text(), st.booleans())
def test_fix_moves_each_use_to_its_own_suggestion(text, unsafe):
    # Only a Docker Hub image with a mirror is changed, into its own suggestion, at the allowed
    # safety: an edit to an ARG default that several images share must suit every one of them.
    for _, old, new, subject in use_changes(text, unsafe):
        assert not wrong_change(new, subject, unsafe), (old, new, subject.decision)


@given(generated_text(), st.booleans())
def test_fix_introduces_no_invalid_reference(text, unsafe):
    before = image_uses(text)
    after = image_uses(fixed(text, unsafe=unsafe))
    assert len(before) == len(after)
    policy = DEFAULT_SETTINGS.policy
    for old, new in zip(before, after, strict=True):
        if resolve(old, policy).problem is None:
            assert resolve(new, policy).problem is None, (old.value.text, new.value.text)


# --------------------------------------------------------------------------------------------
# 9. a suppression pragma hides the findings of the statement it precedes, and no others
# --------------------------------------------------------------------------------------------


def per_use_findings(text: str):
    """(key, lines) of each use's findings, before the engine merges equal ones.

    key is (code, start, end, image); lines are the finding's line and its use's line.
    """
    source = SourceText(text)
    enabled = DEFAULT_SETTINGS.enabled
    out = []
    for use in image_uses(text):
        subject = resolve(use, DEFAULT_SETTINGS.policy)
        for rule in rule_registry.IMAGE_RULES:
            if rule.CODE in enabled:
                f = rule.check(subject)
                if f is not None:
                    lines = {source.position(f.start)[0], source.position(use.start)[0]}
                    out.append(((rule.CODE, f.start, f.end, f.image), lines))
    return out


def covered(code: str, lines: set[int], found) -> bool:
    for suppression in found:
        if code in suppression.codes:
            pragma = suppression.pragma
            if suppression.is_global or any(pragma.target_first <= line <= pragma.target_last for line in lines):
                return True
    return False


@given(generated_text())
def test_suppression_is_per_use(text):
    reported = {(f.code, f.start, f.end, f.image) for f in findings(text)}
    found = suppressions(parse_document("dockerfile", SourceText(text)).pragmas())
    uses = per_use_findings(text)
    coverage: dict[tuple, set[bool]] = {}
    for key, lines in uses:
        coverage.setdefault(key, set()).add(covered(key[0], lines, found))
    for key, states in coverage.items():
        if False in states:
            # A use no pragma covers is reported, even when another use of the same ARG
            # default is suppressed.
            assert key in reported, key
        else:
            assert key not in reported, key  # every use of it is suppressed


@given(generated_text(), st.sampled_from(("# dehub: see docs", "# note", "# FROM node:20", "")))
def test_unrelated_trailing_comment_changes_nothing(text, comment):
    newline = "\r\n" if "\r\n" in text else "\n"
    extended = text + ("" if not text or text.endswith("\n") else newline) + comment + newline
    # A comment after the last instruction is no pragma for anything and no image use.
    assert [(f.code, f.line, f.column, f.message) for f in findings(text)] == [
        (f.code, f.line, f.column, f.message) for f in findings(extended)
    ]


# --------------------------------------------------------------------------------------------
# Regressions: engine bugs the properties found (each was xfail-strict until the engine fix)
# --------------------------------------------------------------------------------------------


def test_shared_arg_fix_keeps_other_uses():
    text = "ARG B=node\nFROM ${B}:20\nFROM ${B}js:1\n"
    # Line 3 pulls `nodejs:1` (DH002, no mirror); the fix for line 2 must not turn it into
    # `public.ecr.aws/docker/library/nodejs:1`, an image that does not exist.
    assert [u.value.text for u in image_uses(fixed(text))][1] == "nodejs:1"


def test_shared_arg_fix_keeps_other_uses_valid():
    text = "ARG B=node\nFROM ${B}\nFROM node:${B}\n"
    # Both fixes were safe and both were applied: `FROM public.ecr.aws/docker/library/node:${B}`
    # with B=public.ecr.aws/docker/library/node, a tag holding slashes (DH006, a broken build).
    assert "DH006" not in {f.code for f in findings(fixed(text))}


def test_shared_arg_safe_fix_does_not_apply_unsafe_change():
    text = "ARG B=python\nFROM ${B}:3\nFROM ${B}:3-windowsservercore\n"
    # The Windows tag's fix is unsafe; a run without --unsafe-fixes must not change what line 3 pulls.
    assert [u.value.text for u in image_uses(fixed(text))][1] == "python:3-windowsservercore"


def test_suppressing_one_use_keeps_the_other():
    text = "ARG B=node:20\n# dehub ignore=DH001\nFROM ${B}\nFROM ${B}\n"
    # Line 4 pulls node:20 from Docker Hub and no pragma covers it.
    assert [f.code for f in findings(text)] == ["DH001"]


def test_deleting_leading_pragma_keeps_directives_inactive():
    text = "# dehub ignore=DH001\n# syntax=docker/dockerfile:1\nFROM scratch\n"
    # Line 2 is a plain comment (directives end at the first other comment). The DH901 fix
    # used to delete line 1, turning line 2 into a `# syntax=` directive: the build then pulled
    # the frontend from Docker Hub, and a DH002 appeared that was not there.
    out = fixed(text, show_unused_suppressions=True)
    assert [f.code for f in findings(out)] == []


def test_pragma_spelling_does_not_depend_on_other_text():
    text = "# DEHUB ignore=DH001\nFROM node:20\n"
    # parse_pragma accepts any case, but lint used to skip pragmas unless the text held
    # lower-case `dehub`: appending `# dehub` anywhere suppressed the finding.
    assert problems(text) == problems(text + "# dehub\n")
