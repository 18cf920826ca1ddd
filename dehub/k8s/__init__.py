"""Kubernetes and the tools around it: manifests (`manifests`), kustomizations (`kustomize`)
and Helm values files (`helm`). What they share: telling a templated file from YAML, and
image text that a templating step fills in before it reaches the cluster.
"""

from __future__ import annotations

import re

from ..value import Builder, Value

# Placeholders a tool or a person fills in before the manifest is applied: Helm/Go templates,
# envsubst, `<your-registry>` (never part of a valid reference).
OPENERS = (("{{", "}}"), ("${", "}"), ("<", ">"))


def has_template_actions(text: str) -> bool:
    """Whether a Go template action (`{{`) stands where YAML would read a node: at the start
    of a line's content or of a value (`{{- if .Values.enabled }}`, `replicas: {{ .Values.n }}`),
    outside block scalars. That is a Helm chart's `templates/*.yaml`, not YAML until rendered.
    Within a scalar (`image: "{{ .Values.image }}"`, `summary: Job {{ $labels.job }} is down`,
    a block scalar's lines) it is YAML, and such a value is unknown to dehub."""
    if "{{" not in text:
        return False
    block_parent = -1  # the indentation of the line that opened a block scalar, while in one
    for line in text.splitlines():
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if block_parent >= 0:
            if not content.strip() or indent > block_parent:
                continue
            block_parent = -1
        while content.startswith(("- ", "-\t")):
            content = content[2:].lstrip(" \t")
        if content.startswith("{{") or _value_start(content).startswith("{{"):
            return True
        if _BLOCK_HEADER.search(content.split(" #", 1)[0].rstrip()):
            block_parent = len(line) - len(content)  # the key's indent (`  - args: |` is the key's, not the dash's)
    return False


def _value_start(content: str) -> str:
    """What follows `key: ` on a line (the key plain or quoted), or ''."""
    start = 0
    if content[:1] in ("'", '"'):
        start = content.find(content[0], 1) + 1
        if start == 0:
            return ""
    separator = content.find(": ", start)
    return content[separator + 2 :].lstrip(" \t") if separator >= 0 else ""


_BLOCK_HEADER = re.compile(r"(?:^|[ \t])[|>][-+1-9]{0,2}$")  # `key: |`, `- >-`: a block scalar follows


def placeholders(value: Value) -> Value:
    """`value` with each `{{ ... }}`, `${...}` and `<...>` marked unknown (a value filled in by Helm,
    envsubst or a CI step before the file is applied); the rest keeps its origins."""
    text = value.text
    if "{{" not in text and "${" not in text and "<" not in text:
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
