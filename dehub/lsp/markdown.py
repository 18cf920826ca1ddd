"""A finding and its rule's documentation as Markdown, for hovers.

The rule docs (`dehub explain CODE`, `ruledocs.describe(code).text`) are plain text laid out
for a terminal: a title line, section headings at the margin, bodies indented two spaces,
examples and code indented further. Shown verbatim in Markdown, the two-space bodies would be
fine but the headings would run into them and the `FAIL  FROM node:20` example lines would be
reflowed into one paragraph. So: headings become bold, bodies lose their two spaces (their own
deeper indentation then makes Markdown code blocks, as intended), and the Examples section is
fenced as text so its columns stay aligned.
"""

from __future__ import annotations

from ..findings import Finding
from ..ruledocs import describe


def rule_docs(code: str) -> str:
    """The rule's documentation as Markdown ('' if the code is unknown)."""
    try:
        doc = describe(code)
    except (KeyError, ImportError):
        return ""
    lines = doc.text.strip("\n").splitlines()
    if not lines:
        return ""
    out = [f"**{_escape(lines[0])}**"]
    fenced = False
    for line in lines[1:]:
        if line and not line[0].isspace():  # a section heading
            if fenced:
                out.append("```")
                fenced = False
            out += ["", f"*{_escape(line.strip())}*", ""]
            if line.strip().lower() == "examples":
                out.append("```text")
                fenced = True
            continue
        body = line[2:] if line.startswith("  ") else line.lstrip()
        out.append(body.rstrip())
    if fenced:
        while out and not out[-1]:
            out.pop()
        out.append("```")
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def hover(findings: list[Finding]) -> str:
    """Markdown for the findings under the cursor: each message, then each rule's docs once."""
    parts = []
    for finding in findings:
        parts.append(f"**dehub {finding.code}** ({finding.name}, {finding.severity}): {finding.message}")
    seen = []
    for finding in findings:
        if finding.code not in seen:
            seen.append(finding.code)
            docs = rule_docs(finding.code)
            if docs:
                parts += ["---", docs]
    return "\n\n".join(parts)


def _escape(text: str) -> str:
    """Text for inside `**...**`: asterisks and underscores outside code spans would end the emphasis."""
    pieces = text.split("`")
    for index in range(0, len(pieces), 2):
        pieces[index] = pieces[index].replace("*", "\\*").replace("_", "\\_")
    return "`".join(pieces)
