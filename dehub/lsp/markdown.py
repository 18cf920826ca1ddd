"""A finding and its rule's documentation as Markdown, for hovers (`ruledocs.markdown`)."""

from __future__ import annotations

from ..findings import Finding
from ..ruledocs import describe, markdown


def rule_docs(code: str) -> str:
    """The rule's documentation as Markdown ('' if the code is unknown)."""
    try:
        doc = describe(code)
    except (KeyError, ImportError):
        return ""
    return markdown(doc.text)


def hover(findings: list[Finding]) -> str:
    """Markdown for the findings under the cursor: each message, then each rule's docs once."""
    parts = []
    for finding in findings:
        parts.append(f"**dehub {finding.code}** ({finding.name}, {finding.severity}): {finding.full_message}")
    seen = []
    for finding in findings:
        if finding.code not in seen:
            seen.append(finding.code)
            docs = rule_docs(finding.code)
            if docs:
                parts += ["---", docs]
    return "\n\n".join(parts)
