"""`--format junit`: JUnit XML, the test-report format CI systems (GitLab, Jenkins, Azure) display.

The shape ruff and flake8-junit use: one `<testsuite>` a checked file, one failing
`<testcase>` a finding, and one passing testcase for a clean file so it still shows as
checked. Built with ElementTree (which escapes markup); characters XML 1.0 cannot hold at all
(control characters, lone surrogates from undecodable file names) are dropped or spelled out.
"""

from __future__ import annotations

import re
from io import TextIOBase
from xml.etree import ElementTree

from ..findings import Finding
from .printable import printable
from .text import line as text_line
from .text import note_line

# Not allowed anywhere in an XML 1.0 document, even as character references.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Printable (as in text: escapes shown, not obeyed), then what XML cannot hold dropped."""
    return _ILLEGAL.sub(_replace, printable(text, keep_breaks=True))


def _replace(match: re.Match[str]) -> str:
    """Control characters go; a lone surrogate (a file name that is not UTF-8) reads `\\udcff`, as in text."""
    char = match.group()
    return f"\\u{ord(char):04x}" if "\ud800" <= char <= "\udfff" else ""


def write(findings: list[Finding], stream: TextIOBase, summary: object) -> None:
    by_path: dict[str, list[Finding]] = {path: [] for path in getattr(summary, "paths", ())}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    root = ElementTree.Element("testsuites", name="dehub", tests="0", failures="0", errors="0")
    tests = failures = 0
    for path, found in by_path.items():
        name = _clean(path)
        suite = ElementTree.SubElement(root, "testsuite", name=name, tests=str(max(len(found), 1)),
                                       failures=str(len(found)), errors="0", skipped="0")
        if not found:
            ElementTree.SubElement(suite, "testcase", name="dehub", classname=name)
        for finding in found:
            case = ElementTree.SubElement(suite, "testcase", name=f"{finding.code} {finding.line}:{finding.column}",
                                          classname=name, file=name, line=str(finding.line))
            failure = ElementTree.SubElement(case, "failure", message=_clean(finding.full_message),
                                             type=finding.severity)
            detail = text_line(finding) + ("\n" + note_line(finding.note) if finding.note else "")
            failure.text = _clean(detail)
        tests += max(len(found), 1)
        failures += len(found)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    ElementTree.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n")
