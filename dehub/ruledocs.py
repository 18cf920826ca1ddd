"""What reports and editors say about a rule code: its name, one-line summary, docs and link.

dehub's own codes are documented by their rule module's docstring (`dehub explain CODE`), which
`python -m dehub.rulepages --write` also renders as `docs/rules/CODE.md`. dehub has no public
home, so where those pages are served is the user's `docs-url` setting; without it a dehub code
has no link, and reports leave the link out rather than point somewhere that does not exist.
hadolint's DL codes and ShellCheck's SC codes (from `check --hadolint`) link to their projects'
wiki pages, which are those rules' documentation.
"""

from __future__ import annotations

CODE_PLACEHOLDER = "{code}"
# RFC 3986 characters outside `%XX` escapes (less `[` `]`, for IPv6 hosts only): what a `docs-url` may
# hold, so every link it gives is a valid URI.
_URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'()*+,;="
)
HADOLINT_URL = "https://github.com/hadolint/hadolint/wiki/{code}"
SHELLCHECK_URL = "https://www.shellcheck.net/wiki/{code}"


class RuleDoc:
    __slots__ = ("code", "name", "summary", "text", "uri", "severity", "fix")

    def __init__(self, code: str, name: str, summary: str, text: str, uri: str, severity: str, fix: str) -> None:
        self.code = code
        self.name = name
        self.summary = summary  # one line
        self.text = text  # the full documentation, Markdown-friendly plain text
        self.uri = uri  # "" when there is no page to link to
        self.severity = severity  # default severity
        self.fix = fix  # safe | unsafe | none


def docs_url_template(value: str) -> str:
    """A `docs-url` setting as a template holding `{code}`; ValueError says what is wrong.

    Either the URL of one page with `{code}` where the rule code goes
    (`https://wiki.example.com/dehub/{code}`), or the base the pages sit under, to which
    `CODE.md` is appended (`https://example.com/dehub/docs/rules/`, a `/` added if missing).
    """
    scheme, separator, rest = value.partition("://")
    if not separator or scheme.lower() not in ("http", "https"):
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not host or host.startswith(":"):
        raise ValueError(f"expected a URL with a host name, got {value!r}")
    outside = value.replace(CODE_PLACEHOLDER, "")
    if "{" in outside or "}" in outside:
        raise ValueError(f"the only placeholder is {CODE_PLACEHOLDER}, got {value!r}")
    for index, character in enumerate(outside):
        if character == "%":
            escape = outside[index + 1 : index + 3]
            if len(escape) != 2 or any(digit not in "0123456789abcdefABCDEF" for digit in escape):
                raise ValueError(f"`%` must start an escape such as %20, got {value!r}")
        elif character not in _URI_CHARACTERS:
            hint = "percent-encode it (a space is %20)"
            raise ValueError(f"{character!r} is not allowed in a URL, {hint}; got {value!r}")
    if outside.count("#") > 1:
        raise ValueError(f"a URL has at most one `#` (the fragment), got {value!r}")
    if CODE_PLACEHOLDER in value:
        return value
    if "?" in value or "#" in value:
        raise ValueError(f"with a query or a fragment, say where the code goes with {CODE_PLACEHOLDER}; got {value!r}")
    return value + ("" if value.endswith("/") else "/") + CODE_PLACEHOLDER + ".md"


def describe(code: str, docs_url: str | None = None) -> RuleDoc:
    """The documentation of any code a report can hold; KeyError for an unknown dehub code.

    `docs_url` is the configured template (`docs_url_template`); without it a dehub code's
    `uri` is empty.
    """
    upper = code.upper()
    if upper.startswith("DL"):
        summary = f"hadolint rule {upper}"
        return RuleDoc(upper, "hadolint", summary, f"{summary}: see {HADOLINT_URL.format(code=upper)}",
                       HADOLINT_URL.format(code=upper), "warning", "none")
    if upper.startswith("SC"):
        summary = f"ShellCheck rule {upper} (in a RUN instruction, via hadolint)"
        return RuleDoc(upper, "shellcheck", summary, f"{summary}: see {SHELLCHECK_URL.format(code=upper)}",
                       SHELLCHECK_URL.format(code=upper), "warning", "none")
    from dehub.rules import RULES, get

    if upper not in RULES:
        get(upper)  # raises the KeyError that names the known codes
    rule = RULES[upper]
    text = (rule.__doc__ or "").strip()
    summary = text.splitlines()[0].split(": ", 1)[-1] if text else rule.NAME
    uri = docs_url.replace(CODE_PLACEHOLDER, rule.CODE) if docs_url else ""
    return RuleDoc(rule.CODE, rule.NAME, summary, text, uri, rule.SEVERITY, rule.FIX_SAFETY)


def markdown(text: str, heading: str = "*", page: bool = False) -> str:
    """Rule documentation (a title line, headings at the margin, bodies indented two spaces)
    as Markdown, for editors' hovers, SARIF's `help.markdown` and (`page`) docs/rules/CODE.md.

    Shown verbatim, the headings would run into their bodies and the `FAIL  FROM node:20`
    example lines would be reflowed into one paragraph. So the title is bold, headings are
    emphasised with `heading` (`*` or `**`) on lines of their own, bodies lose their two spaces
    (deeper indentation then makes code blocks, as intended), and Examples are fenced as text.
    A `page` has real headings instead (`#` title, `##` sections), so it gets anchors and an outline.
    """
    lines = text.strip("\n").splitlines()
    if not lines:
        return ""
    out = [f"# {_escape(lines[0])}" if page else f"**{_escape(lines[0])}**"]
    fenced = False
    for line in lines[1:]:
        if line and not line[0].isspace():  # a section heading
            if fenced:
                out.append("```")
                fenced = False
            title = f"## {_escape(line.strip())}" if page else f"{heading}{_escape(line.strip())}{heading}"
            out += ["", title, ""]
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

