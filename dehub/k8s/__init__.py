"""Kubernetes and the tools around it: manifests (`manifests`), kustomizations (`kustomize`)
and Helm values files (`helm`). What they share: telling a templated file from YAML, and
image text that a templating step fills in before it reaches the cluster.
"""

from __future__ import annotations

from ..value import Builder, Value

# Placeholders a tool fills in before the manifest is applied: Helm/Go templates, envsubst.
OPENERS = (("{{", "}}"), ("${", "}"))


def has_template_actions(text: str) -> bool:
    """Whether a `{{` stands outside quotes and comments on some line: a Go template (a Helm
    chart's `templates/*.yaml`), which is not YAML until rendered. `{{` inside a quoted
    scalar (`image: "{{ .Values.image }}"`) is YAML; such a value is unknown to dehub."""
    if "{{" not in text:
        return False
    return any("{{" in line and _unquoted_braces(line) for line in text.splitlines())


def _unquoted_braces(line: str) -> bool:
    quote = ""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if quote:
            if char == quote:
                if quote == "'" and line.startswith("''", index):
                    index += 1  # '' is a quote inside a single-quoted scalar
                else:
                    quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t[{,:-?"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return False
        elif line.startswith("{{", index):
            return True
        index += 1
    return False


def placeholders(value: Value) -> Value:
    """`value` with each `{{ ... }}` and `${...}` marked unknown (a value filled in by Helm,
    envsubst or a CI step before the file is applied); the rest keeps its origins."""
    text = value.text
    if "{{" not in text and "${" not in text:
        return value
    out = Builder()
    index = 0
    while index < len(text):
        for opener, closer in OPENERS:
            if text.startswith(opener, index):
                close = text.find(closer, index + len(opener))
                end = len(text) if close == -1 else close + len(closer)
                shown = text[index:end]
                out.add_unknown(shown, shown)
                index = end
                break
        else:
            out.add(text[index], value.origins[index])
            index += 1
    built = out.build()
    return Value(built.text, built.origins, value.variables, tuple(dict.fromkeys(value.unresolved + built.unresolved)))


def literal_span(value: Value, fallback: tuple[int, int]) -> tuple[int, int]:
    """Where a value's characters are written (inside any quotes), else `fallback`."""
    return value.source_span() or fallback
