"""Code actions: a quick fix per fixable finding, fix all, and suppress on this line.

- **Quick fix** (`quickfix`): exactly the edits `dehub check --fix` makes for that finding
  (`Finding.fix.edits`), titled with what it does ("dehub: use public.ecr.aws/docker/library/
  node:20"). An unsafe fix says "(unsafe)" in its title and is never `isPreferred`, so an
  editor's "apply the preferred fix" (and fix-on-save of quick fixes) never applies it.
- **Fix all** (`source.fixAll.dehub`, and as a `quickfix` when the request asks for quick
  fixes): the document becomes what `fixer.fix_source(..., unsafe=settings.unsafe_fixes)`
  produces, the same multi-pass result as `dehub check --fix` on the file, sent as minimal
  TextEdits. Offered with the quick fixes only where a fixable finding is, so the light bulb
  does not shine on every line; asked for by kind (`source.fixAll`), it is always offered when
  something can be fixed.
- **Suppress** (`quickfix`): inserts `# dehub ignore=CODE` on its own line before the statement
  (a Dockerfile instruction, a YAML key or list item, a shell line in a `run:` script), with the
  line's indentation. Where a pragma lands is subtle (continuation lines, block scalars), so the
  edit is only offered after linting the edited text proves it suppresses the finding.

Fix all and suppress re-lint, so when the client can resolve code actions lazily
(`codeAction/resolve` with `edit` in `resolveSupport`) their edits are computed only for the
action the user picks; a light-bulb request then costs a range check over cached findings.
"""

from __future__ import annotations

from ..findings import Finding, clip
from ..fixer import applicable, fix_source
from ..source import SourceText
from .diagnostics import diagnostic
from .documents import Document, LintResult, lint_text
from .edits import changed_spans, text_edits, workspace_edit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import ActionData, CodeAction, Diagnostic

QUICKFIX = "quickfix"
FIX_ALL = "source.fixAll.dehub"
FIX_ALL_TITLE = "Fix all dehub problems in this file"
NOT_SUPPRESSIBLE = ("DH900", "DH901", "DH902")  # parse errors cannot be suppressed; DH901/DH902 are about pragmas


class Client:
    """What the client can do that changes how actions are built."""

    __slots__ = ("document_changes", "resolve_edit")

    def __init__(self, document_changes: bool = False, resolve_edit: bool = False) -> None:
        self.document_changes = document_changes  # WorkspaceEdit.documentChanges with versions
        self.resolve_edit = resolve_edit  # codeAction/resolve may fill in `edit`


def wanted(kind: str, only: list[str] | None) -> bool:
    """Whether an action kind is one the request asks for (`only` lists kinds or their prefixes)."""
    if only is None:
        return True
    return any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def findings_in(result: LintResult, start: int, end: int, context: list[Diagnostic]) -> list[Finding]:
    """Findings overlapping [start, end] (engine offsets), or matching a diagnostic the client
    sent in the request's context (same code and range)."""
    wanted_ranges = {(item.get("code"), _range_key(item.get("range"))) for item in context}
    chosen = []
    for finding in result.findings:
        if (finding.start <= end and start <= finding.end) or (
            wanted_ranges and (finding.code, _range_key(result.finding_range(finding))) in wanted_ranges
        ):
            chosen.append(finding)
    return chosen


def _range_key(value: object) -> tuple[object, ...]:
    if not isinstance(value, dict):
        return ()
    start, end = value.get("start") or {}, value.get("end") or {}
    return start.get("line"), start.get("character"), end.get("line"), end.get("character")


def fix_title(finding: Finding) -> str:
    if finding.code == "DH901":
        title = "dehub: remove the unused suppression"
    elif finding.suggestion:
        title = f"dehub: use {clip(finding.suggestion)}"
    else:
        title = f"dehub: fix {finding.code} ({finding.name})"
    if finding.fix is not None and finding.fix.safety != "safe":
        title += " (unsafe)"
    return title


def actions(
    document: Document, result: LintResult, start: int, end: int, only: list[str] | None, context: list[Diagnostic],
    client: Client,
) -> list[CodeAction]:  # fmt: skip
    """The code actions for a request over [start, end] (engine offsets), as JSON data."""
    uri, version = document.uri, document.version
    out: list[CodeAction] = []
    found = findings_in(result, start, end, context)
    quickfix = wanted(QUICKFIX, only)
    if quickfix:
        for finding in found:
            if finding.fix is None:
                continue
            edits = text_edits(result.index, [(edit.start, edit.end, edit.text) for edit in finding.fix.edits],
                               result.shift)  # fmt: skip
            out.append({
                "title": fix_title(finding),
                "kind": QUICKFIX,
                "diagnostics": [diagnostic(finding, result, version)],
                "isPreferred": finding.fix.safety == "safe",
                "edit": workspace_edit(uri, version, edits, client.document_changes),
            })  # fmt: skip
    settings = result.loaded.settings
    fixable_here = any(finding.fix is not None for finding in found)
    parses = not any(finding.code == "DH900" for finding in result.findings)  # fix_source rewrites no such file
    if result.kind is not None and parses and applicable(result.findings, settings.unsafe_fixes):
        kind = None
        if only is None:
            kind = FIX_ALL if fixable_here else None
        elif wanted(FIX_ALL, only):
            kind = FIX_ALL  # asked for by kind (fix on save): offered whenever something can be fixed
        elif quickfix and fixable_here:
            kind = QUICKFIX
        if kind is not None:
            action: CodeAction = {"title": FIX_ALL_TITLE, "kind": kind, "data": _data(document, "fixAll")}
            if not client.resolve_edit:
                action = resolve(action, document, result, client)
            out.append(action)
    if quickfix and result.kind is not None:
        seen = set()
        for finding in found:
            line = result.index.position(finding.start + result.shift)[0]
            if finding.code in NOT_SUPPRESSIBLE or (finding.code, line) in seen:
                continue
            seen.add((finding.code, line))
            action = {
                "title": f"dehub: suppress {finding.code} on this line",
                "kind": QUICKFIX,
                "diagnostics": [diagnostic(finding, result, version)],
                "data": _data(document, "suppress", code=finding.code, start=finding.start, end=finding.end),
            }
            if not client.resolve_edit:
                action = resolve(action, document, result, client)
                if "edit" not in action:
                    continue  # no place for a pragma that works: offer nothing
            out.append(action)
    return out


def _data(document: Document, action: str, code: str | None = None, start: int = -1, end: int = -1) -> ActionData:
    data: ActionData = {"uri": document.uri, "version": document.version, "action": action}
    if code is not None:
        data["code"] = code
        data["start"] = start
        data["end"] = end
    return data


def resolve(action: CodeAction, document: Document, result: LintResult, client: Client) -> CodeAction:
    """Fill in the edit of a fix-all or suppress action (for the document as it is now)."""
    data = action.get("data")
    if not data or data.get("version") != document.version or not result.is_for(document):
        return action  # the document changed since the action was offered: no edit
    spans = None
    if data.get("action") == "fixAll":
        spans = fix_all_spans(result)
    elif data.get("action") == "suppress":
        spans = suppress_spans(document, result, str(data.get("code")), int(data.get("start", -1)))
    if spans is None:
        return action
    edits = text_edits(result.index, spans, result.shift)
    return {**action, "edit": workspace_edit(document.uri, document.version, edits, client.document_changes)}


def fix_all_spans(result: LintResult) -> list[tuple[int, int, str]]:
    """The edits (engine offsets) that turn the text into `fix_source`'s multi-pass result."""
    if result.kind is None:
        return []
    source = SourceText(result.text[result.shift :], has_bom=bool(result.shift))
    settings = result.loaded.settings
    outcome = fix_source(source, result.kind, settings, settings.unsafe_fixes)
    if outcome.refused or not outcome.applied:
        return []
    return changed_spans(source.text, outcome.source.text)


def suppress_spans(document: Document, result: LintResult, code: str, start: int) -> list[tuple[int, int, str]] | None:
    """An insertion of `# dehub ignore=CODE` that is proven to suppress that finding, or None."""
    if result.kind is None or code in NOT_SUPPRESSIBLE:
        return None
    text = result.text[result.shift :]
    before = sum(1 for finding in result.findings if finding.code == code)
    if not before:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    for line_start in _pragma_lines(text, start, result.kind):
        line_end = text.find("\n", line_start)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        insert = f"{indent}# dehub ignore={code}{newline}"
        candidate = text[:line_start] + insert + text[line_start:]
        checked = lint_text(candidate, document.path, document.language_id, result.loaded)
        codes = [finding.code for finding in checked.findings]
        if codes.count(code) < before and codes.count("DH900") <= sum(f.code == "DH900" for f in result.findings):
            return [(line_start, line_start, insert)]
    return None


def _pragma_lines(text: str, offset: int, kind: str) -> list[int]:
    """Where a pragma may go for a finding at `offset`: the start of its line, and in a kind
    whose statements continue over lines (a Dockerfile's `\\`) the start of the statement the
    line continues (tried first)."""
    from ..kinds import BY_NAME

    line_start = text.rfind("\n", 0, offset) + 1
    candidates = [line_start]
    continuations = BY_NAME[kind].continuations if kind in BY_NAME else ()
    if continuations:
        first = line_start
        while first > 0:
            previous_start = text.rfind("\n", 0, first - 1) + 1
            previous = text[previous_start : first - 1].rstrip("\r \t")
            if not previous.endswith(continuations):
                break
            first = previous_start
        if first != line_start:
            candidates.insert(0, first)
    return candidates
