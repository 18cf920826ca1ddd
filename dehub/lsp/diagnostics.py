"""A finding as an LSP Diagnostic, built as plain JSON data.

Diagnostics are the hot path: every debounced change of a 500-line file publishes all of them.
Building lsprotocol objects and unstructuring them with cattrs costs about 50 us per diagnostic
(5 ms for a hundred, the whole budget of a re-lint), plain dicts a tenth of that, so this
module builds the JSON shape directly; the server sends it as it is.

Each diagnostic's `data` says which document version it was computed for and, for a fixable
finding, the fix's safety (`"safe"` or `"unsafe"`). The edits themselves are not in it: the
server answers code actions from its cached result for the current text (the same findings,
so the same edits), and carrying every fix's TextEdits in every publish made the message a
third larger and cost about 0.8 ms per publish of a 500-line workflow, a sixth of the budget.
"""

from __future__ import annotations

import json

from ..findings import Finding
from ..ruledocs import describe
from .documents import LintResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shapes import Diagnostic

SOURCE = "dehub"
SEVERITY = {"error": 1, "warning": 2, "info": 3}  # DiagnosticSeverity: Error, Warning, Information
_HREFS: dict[tuple[str, str | None], str | None] = {}


def href(code: str, docs_url: str | None = None) -> str | None:
    """The documentation URL of a rule code under the document's `docs-url` (a template with
    {code}; None: dehub's codes have no link), if it has one (cached per code and setting)."""
    key = (code, docs_url)
    try:
        return _HREFS[key]
    except KeyError:
        pass
    try:
        uri = describe(code, docs_url).uri or None
    except (KeyError, ImportError):
        uri = None
    if uri is not None and not uri.startswith(("https://", "http://")):
        uri = None
    _HREFS[key] = uri
    return uri


def diagnostic(finding: Finding, result: LintResult, version: int | None) -> Diagnostic:
    out: Diagnostic = {
        "range": result.finding_range(finding),
        "severity": SEVERITY.get(finding.severity, 2),
        "code": finding.code,
        "source": SOURCE,
        "message": finding.full_message,
    }
    link = href(finding.code, result.loaded.config.docs_url)
    if link is not None:
        out["codeDescription"] = {"href": link}
    out["data"] = {"version": version} if finding.fix is None else {"version": version, "fix": finding.fix.safety}
    return out


def diagnostics(result: LintResult, version: int | None) -> list[Diagnostic]:
    """The diagnostics for a lint result (built once per result)."""
    built = result.diagnostics
    if built is None or (built and built[0]["data"].get("version") != version):
        built = result.diagnostics = [diagnostic(finding, result, version) for finding in result.findings]
    return built


def encode(result: LintResult, version: int | None) -> None:
    """Build and serialise the diagnostics ahead (in the lint worker): for a big document both
    take seconds (100,000 findings: about 2 s to build, 1.5 s to serialise), which must not
    hold the event loop; a publish then only writes the text."""
    result.encoded = (version, json.dumps(diagnostics(result, version)))


def problem(message: str, code: str | None = None) -> Diagnostic:
    """A diagnostic at the start of a document that has no finding to point at (a configuration
    error shown on the configuration file, an internal error)."""
    out: Diagnostic = {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        "severity": 1,
        "source": SOURCE,
        "message": message,
    }
    if code:
        out["code"] = code
    return out
