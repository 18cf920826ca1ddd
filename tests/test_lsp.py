"""`dehub lsp` over stdio, driven by a real LSP client (pytest-lsp): diagnostics, quick fixes,
fix all, hovers, debounced changes, saves, configuration reloads, bad input, close, shutdown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import pytest_lsp
from lsp_support import (
    SERVER,
    RecordingClient,
    apply_edit,
    change,
    diagnostics,
    init_params,
    make_client,
    open_document,
    published,
    span_text,
    until,
    workspace,
)
from lsprotocol import types as t
from monorepo import DOCKERFILE as MONOREPO_DOCKERFILE
from monorepo import EXPECTED, write_monorepo
from pytest_lsp import ClientServerConfig, client_capabilities

from dehub.fixer import apply_edits, fix_source
from dehub.lint import Settings, lint_source
from dehub.source import SourceText

CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)
VSCODE = client_capabilities("visual-studio-code")  # utf-16, documentChanges, resolve of `edit`, watchers

DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG BASE=python:3.12-slim
FROM ${BASE} AS build
COPY --chown=\U0001f433é --from=node:20 /usr/local/bin/node /usr/local/bin/node
RUN pip install -r requirements.txt
FROM bitnami/kafka:3.7
FROM python:3.12-windowsservercore-ltsc2022 AS win
"""

WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: node:20
    services:
      db:
        image: postgres:16
    steps:
      - uses: actions/checkout@v4
      - run: echo "\U0001f433 é" && docker pull redis:7
"""


# One server per client flavour for the whole module (starting one costs about a second, most
# of it importing lsprotocol); each test works in its own folder, so tests do not see each
# other's configuration files.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def vscode(lsp_client: RecordingClient, tmp_path_factory):
    await lsp_client.initialize_session(init_params(workspace(tmp_path_factory.mktemp("vscode")), VSCODE))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def plain(lsp_client: RecordingClient, tmp_path_factory):
    """A client with no optional capabilities: no resolve, no documentChanges, no watcher registration."""
    await lsp_client.initialize_session(init_params(workspace(tmp_path_factory.mktemp("plain"))))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def client(vscode: RecordingClient, tmp_path) -> RecordingClient:
    vscode.root = workspace(tmp_path / "ws")  # type: ignore[attr-defined]
    return vscode


@pytest.fixture
def plain_client(plain: RecordingClient, tmp_path) -> RecordingClient:
    plain.root = workspace(tmp_path / "ws")  # type: ignore[attr-defined]
    return plain


def engine_findings(text: str, kind: str, settings: Settings | None = None):
    return lint_source(SourceText(text), kind, settings or Settings())


def by_code(items: list[t.Diagnostic]) -> dict[str, list[t.Diagnostic]]:
    out: dict[str, list[t.Diagnostic]] = {}
    for item in items:
        out.setdefault(str(item.code), []).append(item)
    return out


async def quick_actions(client: RecordingClient, uri: str, diagnostic: t.Diagnostic, only=None) -> list[t.CodeAction]:
    result = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=t.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )
    return [action for action in result or [] if isinstance(action, t.CodeAction)]


async def resolved(client: RecordingClient, action: t.CodeAction) -> t.CodeAction:
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None
    return action


# ---------------------------------------------------------------- initialize


async def test_a_watcher_for_configuration_files_is_registered(client: RecordingClient):
    # the client said it can register file watchers dynamically: the server asks for its own
    await until(lambda: client.registrations)
    registration = client.registrations[0].registrations[0]
    assert registration.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
    assert globs == ["**/.dehub.{yaml,yml}", "**/pyproject.toml"]


@pytest_lsp.fixture(config=CONFIG, loop_scope="module")
async def bare(lsp_client: RecordingClient):
    yield


async def test_capabilities_then_shutdown_and_exit_with_status_0(bare: RecordingClient, tmp_path):
    root = workspace(tmp_path / "ws")
    result = await bare.initialize_session(init_params(root, VSCODE))
    capabilities = result.capabilities
    assert result.server_info.name == "dehub"
    assert capabilities.position_encoding == t.PositionEncodingKind.Utf16
    sync = capabilities.text_document_sync
    assert sync.change == t.TextDocumentSyncKind.Full and sync.open_close and sync.save
    assert capabilities.hover_provider
    actions = capabilities.code_action_provider
    assert set(actions.code_action_kinds) == {t.CodeActionKind.QuickFix, "source.fixAll.dehub"}
    assert actions.resolve_provider
    await bare.shutdown_session()  # shutdown, then exit
    assert bare._server.returncode == 0


# ---------------------------------------------------------------- diagnostics


async def test_dockerfile_diagnostics_have_exact_ranges_codes_and_utf16_columns(client: RecordingClient):
    path = client.root / "Dockerfile"
    found = await open_document(client, path, DOCKERFILE, "dockerfile")
    expected = engine_findings(DOCKERFILE, "dockerfile")
    assert [(d.code, span_text(DOCKERFILE, d)) for d in found] == [
        (f.code, DOCKERFILE[f.start : f.end]) for f in expected
    ]
    codes = by_code(found)
    assert {span_text(DOCKERFILE, d) for d in codes["DH001"]} == {
        "python:3.12-slim", "node:20", "python:3.12-windowsservercore-ltsc2022"}  # fmt: skip
    node = next(d for d in codes["DH001"] if span_text(DOCKERFILE, d) == "node:20")
    # "COPY --chown=" is 13 columns, the whale is 2 UTF-16 units, é one, then " --from=": 24
    assert (node.range.start.line, node.range.start.character) == (3, 24)
    assert (node.range.end.line, node.range.end.character) == (3, 31)
    assert node.severity == t.DiagnosticSeverity.Error
    assert node.source == "dehub"
    assert node.code_description is None  # no `docs-url` configured: no page to link to
    assert node.message.startswith("`node:20` is pulled from Docker Hub; use `public.ecr.aws/docker/library/node:20`")
    assert node.data == {"version": 1, "fix": "safe"}
    kafka = next(d for d in codes["DH002"] if d.range.start.line == 5)
    assert kafka.severity == t.DiagnosticSeverity.Warning and span_text(DOCKERFILE, kafka) == "bitnami/kafka:3.7"
    assert kafka.data == {"version": 1}


async def test_workflow_diagnostics(client: RecordingClient):
    path = client.root / ".github" / "workflows" / "ci.yml"
    found = await open_document(client, path, WORKFLOW, "yaml")
    expected = engine_findings(WORKFLOW, "workflow")
    assert sorted((str(d.code), span_text(WORKFLOW, d)) for d in found) == sorted(
        (f.code, WORKFLOW[f.start : f.end]) for f in expected
    )
    redis = next(d for d in found if span_text(WORKFLOW, d) == "redis:7")
    line = WORKFLOW.splitlines()[redis.range.start.line]
    # the whale before it on the same line counts as two UTF-16 units
    assert redis.range.start.character == line.index("redis:7") + 1
    assert {span_text(WORKFLOW, d) for d in found if d.code == "DH001"} >= {"node:20", "postgres:16", "redis:7"}


async def test_diagnostics_link_to_rule_pages_under_the_documents_docs_url(client: RecordingClient):
    """`docs-url` comes from each document's own configuration, and a reload changes the links."""
    config = client.root / "linked" / ".dehub.yaml"
    config.parent.mkdir()
    config.write_text("docs-url: https://docs.example.com/dehub/rules\n")
    (client.root / "plain").mkdir()
    text = "FROM node:20\nFROM acme/tool:1\n"

    linked = await open_document(client, client.root / "linked" / "Dockerfile", text, "dockerfile")
    plain = await open_document(client, client.root / "plain" / "Dockerfile", text, "dockerfile")

    assert [(d.code, d.code_description.href) for d in linked] == [
        ("DH001", "https://docs.example.com/dehub/rules/DH001.md"),
        ("DH002", "https://docs.example.com/dehub/rules/DH002.md"),
    ]
    assert [(d.code, d.code_description) for d in plain] == [("DH001", None), ("DH002", None)]

    config.write_text("docs-url: https://wiki.example.com/dehub?page={code}\n")
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Changed)])
    )
    relinked = await diagnostics(client, (client.root / "linked" / "Dockerfile").as_uri())
    assert [d.code_description.href for d in relinked] == [
        "https://wiki.example.com/dehub?page=DH001", "https://wiki.example.com/dehub?page=DH002"]  # fmt: skip


async def test_an_action_by_path_and_a_dockerfile_by_content(client: RecordingClient):
    action = "name: a\nruns:\n  using: docker\n  image: docker://alpine:3.20\n"
    found = await open_document(client, client.root / "action.yml", action, "yaml")
    assert [d.code for d in found] == [f.code for f in engine_findings(action, "action")] and found
    found = await open_document(client, client.root / "build.docker", "FROM node:20\n", "plaintext")
    assert [d.code for d in found] == ["DH001"]


async def test_documents_dehub_does_not_read_get_an_empty_list(client: RecordingClient):
    assert await open_document(client, client.root / "README.md", "FROM node:20\n", "markdown") == []
    assert await open_document(client, client.root / "settings.yaml", "image: node:20\n", "yaml") == []


# ---------------------------------------------------------------- code actions


async def test_quick_fix_is_the_edit_dehub_check_fix_makes(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    found = await open_document(client, path, DOCKERFILE, "dockerfile")
    engine = {DOCKERFILE[f.start : f.end]: f for f in engine_findings(DOCKERFILE, "dockerfile")}
    node = next(d for d in found if span_text(DOCKERFILE, d) == "node:20")
    actions = await quick_actions(client, uri, node, only=[t.CodeActionKind.QuickFix])
    titles = [action.title for action in actions]
    assert "dehub: use public.ecr.aws/docker/library/node:20" in titles
    assert "Fix all dehub problems in this file" in titles
    assert "dehub: suppress DH001 on this line" in titles
    fix = next(a for a in actions if a.title == "dehub: use public.ecr.aws/docker/library/node:20")
    assert fix.kind == t.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == "DH001"
    assert fix.edit.document_changes[0].text_document.version == 1  # VS Code takes versioned edits
    assert apply_edit(DOCKERFILE, fix.edit, uri) == apply_edits(DOCKERFILE, list(engine["node:20"].fix.edits))
    suppress = next(a for a in actions if a.title == "dehub: suppress DH001 on this line")
    assert suppress.edit is None  # VS Code resolves it when picked
    suppress = await resolved(client, suppress)
    assert "\n# dehub ignore=DH001\nCOPY --chown=" in apply_edit(DOCKERFILE, suppress.edit, uri)

    arg = next(d for d in found if span_text(DOCKERFILE, d) == "python:3.12-slim")
    [fix] = [a for a in await quick_actions(client, uri, arg) if a.title.startswith("dehub: use")]
    fixed = apply_edit(DOCKERFILE, fix.edit, uri)
    assert "ARG BASE=public.ecr.aws/docker/library/python:3.12-slim\n" in fixed
    assert fixed == apply_edits(DOCKERFILE, list(engine["python:3.12-slim"].fix.edits))


async def test_unsafe_fix_is_labelled_and_never_preferred(client: RecordingClient):
    path = client.root / "Dockerfile"
    found = await open_document(client, path, DOCKERFILE, "dockerfile")
    windows = next(d for d in found if "windowsservercore" in span_text(DOCKERFILE, d))
    assert windows.data["fix"] == "unsafe"
    [fix] = [a for a in await quick_actions(client, path.as_uri(), windows) if a.title.startswith("dehub: use")]
    assert fix.title == "dehub: use public.ecr.aws/docker/library/python:3.12-windowsservercore-ltsc2022 (unsafe)"
    assert not fix.is_preferred


async def test_fix_all_gives_what_dehub_check_fix_writes(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    await open_document(client, path, DOCKERFILE, "dockerfile")
    result = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)),
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll]),
        )
    )
    [action] = result
    assert action.kind == "source.fixAll.dehub" and action.title == "Fix all dehub problems in this file"
    action = await resolved(client, action)  # VS Code resolves the edit lazily
    fixed = apply_edit(DOCKERFILE, action.edit, uri)
    expected = fix_source(SourceText(DOCKERFILE), "dockerfile", Settings(), unsafe=False).source.text
    assert fixed == expected
    assert "windowsservercore" in fixed and "FROM public.ecr.aws/docker/library/python:3.12-windows" not in fixed
    cli = subprocess.run(
        [sys.executable, "-m", "dehub.hooks.cli", "check", "--fix", "--stdin-filename", "Dockerfile", "-"],
        input=DOCKERFILE.encode(), capture_output=True, cwd=client.root, timeout=60,
    )  # fmt: skip
    assert cli.stdout.decode() == fixed


async def test_fix_all_without_resolve_support_and_with_unsafe_fixes_configured(plain_client: RecordingClient):
    client = plain_client
    (client.root / ".dehub.yaml").write_text("unsafe-fixes: true\n")
    path = client.root / ".github" / "workflows" / "ci.yml"
    uri = path.as_uri()
    found = await open_document(client, path, WORKFLOW, "yaml")
    actions = await quick_actions(client, uri, found[0])
    [fix_all] = [a for a in actions if a.title == "Fix all dehub problems in this file"]
    assert fix_all.kind == "source.fixAll.dehub"  # `only` not given: offered under its own kind
    assert fix_all.edit is not None and fix_all.edit.changes  # computed at once, as plain `changes`
    settings = Settings(unsafe_fixes=True)
    expected = fix_source(SourceText(WORKFLOW), "workflow", settings, unsafe=True).source.text
    assert apply_edit(WORKFLOW, fix_all.edit, uri) == expected != WORKFLOW


async def test_actions_only_for_the_requested_range(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    await open_document(client, path, DOCKERFILE, "dockerfile")
    line = 4  # RUN pip install ...: no finding there
    result = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(line=line, character=0), end=t.Position(line=line, character=3)),
            context=t.CodeActionContext(diagnostics=[]),
        )
    )
    assert not result


async def test_suppress_action_inserts_a_pragma_that_works(plain_client: RecordingClient):
    client = plain_client
    for path, text, kind, image in (
        (client.root / "Dockerfile", DOCKERFILE, "dockerfile", "node:20"),
        (client.root / ".github" / "workflows" / "ci.yml", WORKFLOW, "workflow", "redis:7"),
    ):
        uri = path.as_uri()
        found = await open_document(client, path, text, kind)
        target = next(d for d in found if span_text(text, d) == image)
        [suppress] = [a for a in await quick_actions(client, uri, target) if a.title.startswith("dehub: suppress")]
        assert suppress.title == "dehub: suppress DH001 on this line"
        edited = apply_edit(text, suppress.edit, uri)
        assert "# dehub ignore=DH001\n" in edited
        before = [f.code for f in engine_findings(text, kind)]
        after = [f.code for f in engine_findings(edited, kind)]
        assert after.count("DH001") == before.count("DH001") - 1 and "DH900" not in after


# ---------------------------------------------------------------- hover


async def test_hover_shows_the_message_and_the_rule_documentation(client: RecordingClient):
    path = client.root / "Dockerfile"
    found = await open_document(client, path, DOCKERFILE, "dockerfile")
    node = next(d for d in found if span_text(DOCKERFILE, d) == "node:20")
    position = t.Position(line=node.range.start.line, character=node.range.start.character + 2)
    hover = await client.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=path.as_uri()), position=position)
    )
    assert hover.contents.kind == t.MarkupKind.Markdown
    text = hover.contents.value
    assert "**dehub DH001** (docker-hub-image, error): `node:20` is pulled from Docker Hub" in text
    assert "*What it finds*" in text and "*How to suppress*" in text
    assert hover.range == node.range
    document = t.TextDocumentIdentifier(uri=path.as_uri())
    nothing = await client.text_document_hover_async(
        t.HoverParams(text_document=document, position=t.Position(line=4, character=1))
    )
    assert nothing is None


# ---------------------------------------------------------------- changes, saves, close


async def test_changes_are_debounced_and_the_last_one_wins(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    assert len(await open_document(client, path, "FROM node:20\n", "dockerfile")) == 1
    change(client, path, "FROM node:20\nFROM redis:7\n", 2)
    change(client, path, "FROM node:20\nFROM redis:7\nFROM alpine:3.20\n", 3)
    change(client, path, "FROM public.ecr.aws/docker/library/node:20\nFROM redis:7\n", 4)
    found = await diagnostics(client, uri, 4)
    assert [d.range.start.line for d in found] == [1]
    assert published(client, uri, 2) == [] and published(client, uri, 3) == []


async def test_save_lints_at_once_and_close_clears(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    await open_document(client, path, "FROM node:20\n", "dockerfile")
    change(client, path, "FROM node:20\nFROM redis:7\n", 2)
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    found = await diagnostics(client, uri, 2)
    assert len(found) == 2
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    await until(lambda: client.published[-1].uri == uri and not client.published[-1].diagnostics)


# ---------------------------------------------------------------- configuration


async def test_configuration_is_reloaded_when_it_changes(client: RecordingClient):
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    assert len(await open_document(client, path, "FROM node:20\n", "dockerfile")) == 1
    config = client.root / ".dehub.yaml"
    config.write_text("allow: [node]\n")
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Created)])
    )
    assert await diagnostics(client, uri) == []


async def test_a_broken_configuration_is_shown_and_the_defaults_apply(client: RecordingClient):
    config = client.root / ".dehub.yaml"
    config.write_text("allow: [node]\nunknown-key: 1\n")
    path = client.root / "Dockerfile"
    uri = path.as_uri()
    found = await open_document(client, path, "FROM node:20\n", "dockerfile")
    assert [d.code for d in found] == ["DH001"]  # the defaults: node is not allowed
    [message] = await until(lambda: [m for m in client.messages if str(config) in m.message])
    assert message.type == t.MessageType.Error and "unknown key `unknown-key`" in message.message
    on_config = await diagnostics(client, config.as_uri())
    assert on_config[0].range.start.line == 1 and "unknown-key" in on_config[0].message
    # fixed and saved in the editor: reloaded, the error cleared, node allowed
    config.write_text("allow: [node]\n")
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        t.TextDocumentItem(uri=config.as_uri(), language_id="yaml", version=1, text="allow: [node]\n")))  # fmt: skip
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=config.as_uri())))
    await until(lambda: not published(client, uri)[-1].diagnostics)
    await until(lambda: not published(client, config.as_uri())[-1].diagnostics)


async def test_excluded_files_get_no_diagnostics(client: RecordingClient):
    (client.root / ".dehub.yaml").write_text("exclude: ['vendor/']\n")
    found = await open_document(client, client.root / "vendor" / "Dockerfile", "FROM node:20\n", "dockerfile")
    assert found == []
    found = await open_document(client, client.root / "app" / "Dockerfile", "FROM node:20\n", "dockerfile")
    assert [d.code for d in found] == ["DH001"]


async def test_each_document_follows_its_nearest_configuration_as_dehub_check_does(client: RecordingClient):
    """tests/monorepo.py: a root `.dehub.yaml` and one in sub/ with other ignore/allow/exclude."""
    write_monorepo(client.root)
    shown: dict[str, set[tuple[int, int, str]]] = {}
    for name in EXPECTED:
        found = await open_document(client, client.root / name, MONOREPO_DOCKERFILE, "dockerfile")
        shown[name] = {(d.range.start.line + 1, d.range.start.character + 1, str(d.code)) for d in found}
    assert shown == {name: set(found or ()) for name, found in EXPECTED.items()}
    # and `dehub check` from the repository root says the same of the same files
    completed = subprocess.run(
        [sys.executable, "-m", "dehub", "check", "--format", "json"],
        cwd=client.root, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    checked: dict[str, set[tuple[int, int, str]]] = {name: set() for name in EXPECTED}
    for finding in json.loads(completed.stdout)["findings"]:
        checked[finding["path"]].add((finding["line"], finding["column"], finding["code"]))
    assert checked == shown


# ---------------------------------------------------------------- bad input


async def test_bad_input_is_one_diagnostic_and_the_server_keeps_answering(client: RecordingClient):
    workflow = client.root / ".github" / "workflows" / "bad.yml"
    found = await open_document(client, workflow, "on: push\njobs:\n  a: [unclosed\n", "yaml")
    assert [d.code for d in found] == ["DH900"]
    binary = await open_document(client, client.root / "Dockerfile", "FROM node:20\n\x00\x01\x02", "dockerfile")
    assert [d.code for d in binary] == ["DH900"] and "binary" in binary[0].message
    # a document for which the server never got didOpen: requests answer nothing, nothing breaks
    ghost = (client.root / "ghost" / "Dockerfile").as_uri()
    change(client, client.root / "ghost" / "Dockerfile", "FROM node:20\n", 7)
    assert await client.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=ghost), position=t.Position(line=0, character=6))
    ) is None
    assert not await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=ghost),
        range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)),
        context=t.CodeActionContext(diagnostics=[])))  # fmt: skip
    # a position past the end of the document is its end, where the unclosed flow sequence is reported
    far = t.Position(line=999, character=999)
    hover = await client.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=workflow.as_uri()), position=far)
    )
    assert hover.contents.value.startswith("**dehub DH900** (parse-error, error)")


async def test_a_document_over_max_file_size_is_one_diagnostic(client: RecordingClient):
    (client.root / ".dehub.yaml").write_text("max-file-size: 1000\n")
    text = "FROM node:20\n" + "RUN echo hello\n" * 200
    found = await open_document(client, client.root / "Dockerfile", text, "dockerfile")
    assert [d.code for d in found] == ["DH900"] and "max-file-size" in found[0].message


# ---------------------------------------------------------------- encodings


@pytest_lsp.fixture(config=CONFIG, loop_scope="module")
async def utf8_client(lsp_client: RecordingClient, tmp_path):
    root = workspace(tmp_path / "ws")
    lsp_client.root = root  # type: ignore[attr-defined]
    capabilities = t.ClientCapabilities(general=t.GeneralClientCapabilities(position_encodings=["utf-8", "utf-16"]))
    result = await lsp_client.initialize_session(init_params(root, capabilities))
    lsp_client.encoding = result.capabilities.position_encoding  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_utf8_positions_when_the_client_prefers_them(utf8_client: RecordingClient):
    client = utf8_client
    assert client.encoding == t.PositionEncodingKind.Utf8
    text = "FROM scratch\nCOPY --chown=\U0001f433é --from=node:20 /a /b\n"
    [found] = await open_document(client, client.root / "Dockerfile", text, "dockerfile")
    assert found.range.start.character == len("COPY --chown=\U0001f433é --from=".encode())  # 13 + 4 + 2 + 8
    assert span_text(text, found, "utf-8") == "node:20"


async def test_bom_and_crlf_documents(client: RecordingClient):
    text = "\ufeffFROM scratch\r\nFROM node:20\r\n"
    [found] = await open_document(client, client.root / "Dockerfile", text, "dockerfile")
    assert (found.range.start.line, found.range.start.character, found.range.end.character) == (1, 5, 12)
    [fix] = [a for a in await quick_actions(client, (client.root / "Dockerfile").as_uri(), found)
             if a.title.startswith("dehub: use")]  # fmt: skip
    fixed = apply_edit(text.replace("\r\n", "\n"), fix.edit, (client.root / "Dockerfile").as_uri())
    assert fixed == "\ufeffFROM scratch\nFROM public.ecr.aws/docker/library/node:20\n"
