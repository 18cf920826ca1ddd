"""Reporters, one module per output format; each has `write(findings, stream, summary)`.

Modules are imported only when their format is asked for, so a run pays for one reporter.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

FORMATS = {
    "text": "dehub.report.text",
    "concise": "dehub.report.concise",
    "json": "dehub.report.json",
    "sarif": "dehub.report.sarif",
    "github": "dehub.report.github",
    "gitlab": "dehub.report.gitlab",
    "junit": "dehub.report.junit",
}


def get(name: str) -> ModuleType:
    """The reporter module of a format: its `write(findings, stream, summary)` writes the report."""
    return import_module(FORMATS[name])
