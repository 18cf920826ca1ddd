"""What reports and editors say about a rule code: its name, one-line summary, docs and link.

dehub's own codes are documented by their rule module's docstring (`dehub explain CODE`);
hadolint's DL codes and ShellCheck's SC codes (from `check --hadolint`) link to their
projects' wiki pages, which are those rules' documentation.
"""

from __future__ import annotations

# The published rule pages (the same text as `dehub explain CODE`); the project has no public home yet.
DOCS_URL = "https://example.invalid/dehub/docs/rules/{code}.md"
HADOLINT_URL = "https://github.com/hadolint/hadolint/wiki/{code}"
SHELLCHECK_URL = "https://www.shellcheck.net/wiki/{code}"


class RuleDoc:
    __slots__ = ("code", "name", "summary", "text", "uri", "severity", "fix")

    def __init__(self, code: str, name: str, summary: str, text: str, uri: str, severity: str, fix: str) -> None:
        self.code = code
        self.name = name
        self.summary = summary  # one line
        self.text = text  # the full documentation, Markdown-friendly plain text
        self.uri = uri
        self.severity = severity  # default severity
        self.fix = fix  # safe | unsafe | none


def describe(code: str) -> RuleDoc:
    """The documentation of any code a report can hold; KeyError for an unknown dehub code."""
    upper = code.upper()
    if upper.startswith("DL"):
        summary = f"hadolint rule {upper}"
        return RuleDoc(upper, "hadolint", summary, f"{summary}: see {HADOLINT_URL.format(code=upper)}",
                       HADOLINT_URL.format(code=upper), "warning", "none")
    if upper.startswith("SC"):
        summary = f"ShellCheck rule {upper} (in a RUN instruction, via hadolint)"
        return RuleDoc(upper, "shellcheck", summary, f"{summary}: see {SHELLCHECK_URL.format(code=upper)}",
                       SHELLCHECK_URL.format(code=upper), "warning", "none")
    from dehub.rules import get

    rule = get(upper)
    text = (rule.__doc__ or "").strip()
    summary = text.splitlines()[0].split(": ", 1)[-1] if text else rule.NAME
    return RuleDoc(rule.CODE, rule.NAME, summary, text, DOCS_URL.format(code=rule.CODE), rule.SEVERITY,
                   rule.FIX_SAFETY)


def markdown(text: str, heading: str = "*") -> str:
    """Rule documentation (a title line, headings at the margin, bodies indented two spaces)
    as Markdown, for editors' hovers and SARIF's `help.markdown`.

    Shown verbatim, the headings would run into their bodies and the `FAIL  FROM node:20`
    example lines would be reflowed into one paragraph. So the title is bold, headings are
    emphasised with `heading` (`*` or `**`) on lines of their own, bodies lose their two spaces
    (deeper indentation then makes code blocks, as intended), and Examples are fenced as text.
    """
    lines = text.strip("\n").splitlines()
    if not lines:
        return ""
    out = [f"**{_escape(lines[0])}**"]
    fenced = False
    for line in lines[1:]:
        if line and not line[0].isspace():  # a section heading
            if fenced:
                out.append("```")
                fenced = False
            out += ["", f"{heading}{_escape(line.strip())}{heading}", ""]
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
    markdown_text = "\n".join(out)
    while "\n\n\n" in markdown_text:
        markdown_text = markdown_text.replace("\n\n\n", "\n\n")
    return markdown_text


def _escape(text: str) -> str:
    """Text for inside `*...*`: asterisks and underscores outside code spans would end the emphasis."""
    pieces = text.split("`")
    for index in range(0, len(pieces), 2):
        pieces[index] = pieces[index].replace("*", "\\*").replace("_", "\\_")
    return "`".join(pieces)

