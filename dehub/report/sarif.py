"""`--format sarif`: SARIF 2.1.0, the format GitHub code scanning and other CI dashboards import.

One run. The driver lists every rule that ran plus every code reported (hadolint's DL and
ShellCheck's SC codes from `check --hadolint` too), with its documentation, so a dashboard can
explain a result without dehub installed. A dehub rule's `helpUri` is its page under the
configured `docs-url`, and is left out when none is configured (dehub has no public home to
link to); hadolint's and ShellCheck's codes link to their wikis. Results carry their fix as SARIF
replacements (from the engine's edit positions, so no source text is read) and a partial
fingerprint that survives lines added above them. Columns count Unicode code points, as
dehub's do, and say so in `columnKind`.
"""

from __future__ import annotations

import os
import posixpath
from io import TextIOBase
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..findings import UNSAFE, Finding, clip
from ..ruledocs import RuleDoc, describe, markdown
from .gitlab import fingerprints
from .json import baseline_dicts, verification_dict
from .jsonenc import compact, write_lines
from .printable import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..registry.outcome import Outcome

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "dehubFingerprint/v1"


def write(findings: list[Finding], stream: TextIOBase, summary: object) -> None:
    """The log, streamed: one member of the run a line, then one result a line, each as
    compact JSON. 40,000 findings as one indented `json.dumps` took 5.7 s and 375 MiB."""
    codes = sorted(set(getattr(summary, "enabled", ())) | {finding.code for finding in findings})
    run = _run(codes, getattr(summary, "docs_url", None))
    stream.write(f'{{"$schema": {compact(SCHEMA)}, "version": "2.1.0", "runs": [{{\n')
    for key, value in run.items():
        stream.write(f"  {compact(key)}: {compact(value)},\n")
    footer = "  ]"
    baselines = baseline_dicts(summary)
    if baselines:  # baselined findings are not results; the run says how many there were
        footer += f',\n  "properties": {compact({"baselines": baselines})}'
    results = _results(findings, codes, getattr(summary, "verification", None))
    write_lines(stream, '  "results": [', results, footer + "\n}]}", indent="    ")


def _results(findings: list[Finding], codes: list[str], outcomes: dict[str, Outcome] | None) -> Iterator[object]:
    index = {code: number for number, code in enumerate(codes)}
    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True):
        entry = result(finding, index[finding.code], fingerprint)
        if outcomes is not None:  # --verify: each result says what the registry answered
            answer = verification_dict(finding, outcomes)
            if answer is not None:
                entry["properties"] = {"verification": answer}
        yield entry


def _run(codes: list[str], docs_url: str | None) -> dict[str, object]:
    """The run's members other than its results and properties."""
    driver = {
        "name": "dehub",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [rule(code, docs_url) for code in codes],
    }
    return {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(os.getcwd())}},
        "columnKind": "unicodeCodePoints",
    }


def rule(code: str, docs_url: str | None = None) -> dict[str, object]:
    """A reportingDescriptor; `docs_url` is the `docs-url` template (None: no `helpUri`)."""
    try:
        doc = describe(code, docs_url)
    except KeyError:  # a code no rule documents: still a valid descriptor
        doc = RuleDoc(code, code, code, code, "", "warning", "none")
    if code.upper().startswith("DL"):
        tags = ["hadolint"]
    elif code.upper().startswith("SC"):
        tags = ["hadolint", "shellcheck"]
    else:
        tags = ["docker-hub"]
    descriptor: dict[str, object] = {
        "id": code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.text},
        "help": {"text": doc.text, "markdown": markdown(doc.text, heading="**")},
    }
    if doc.uri:
        descriptor["helpUri"] = doc.uri
    descriptor["defaultConfiguration"] = {"level": LEVEL.get(doc.severity, "warning")}
    descriptor["properties"] = {"tags": tags, "fix": doc.fix}
    return descriptor


def result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, object]:
    location = artifact_location(finding.path)
    physical: dict[str, object] = {"artifactLocation": location}
    if finding.line >= 1:
        physical["region"] = _region(finding.line, finding.column, finding.end_line, finding.end_column)
    entry: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVEL.get(finding.severity, "warning"),
        "message": {"text": printable(finding.full_message, keep_breaks=True)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    fix = _fix(finding, location)
    if fix is not None:
        entry["fixes"] = [fix]
    return entry


def artifact_location(path: str) -> dict[str, object]:
    """A relative path as a URI reference under %SRCROOT%; any other path as a file:// URI."""
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path) or posixpath.normpath(posix).startswith("../"):
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    # `quote` leaves only unreserved characters and `/`: a `:` in the first segment would read as a scheme.
    return {"uri": quote(posix, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def _directory_uri(path: str) -> str:
    uri = Path(path).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, object]:
    region: dict[str, object] = {"startLine": line, "startColumn": max(column, 1)}
    if end_line >= line and end_column >= 1:
        region["endLine"] = end_line
        region["endColumn"] = end_column
    return region


def _fix(finding: Finding, location: dict[str, object]) -> dict[str, object] | None:
    fix = finding.fix
    if fix is None or not fix.edits or any(edit.line < 1 or edit.end_line < 1 for edit in fix.edits):
        return None  # edits without positions (never set by the engine) cannot be described
    # Last edit first: applied in order, each region still refers to the original text.
    edits = sorted(fix.edits, key=lambda edit: (edit.start, edit.end), reverse=True)
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.line,
                "startColumn": edit.column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            },
            "insertedContent": {"text": edit.text},
        }
        for edit in edits
    ]
    text = f"Use `{clip(finding.suggestion)}`" if finding.suggestion else "Apply dehub's fix"
    if fix.safety == UNSAFE:
        text += " (unsafe fix: applied only with --fix --unsafe-fixes; check it first)"
    else:
        text += " (safe fix: dehub check --fix)"
    change = {"artifactLocation": location, "replacements": replacements}
    return {"description": {"text": text}, "artifactChanges": [change]}
