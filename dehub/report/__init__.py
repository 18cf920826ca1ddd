"""Reporters, one module per output format; each has `write(results, stream, summary)`."""

from __future__ import annotations

from importlib import import_module

FORMATS = {"text": "dehub.report.text", "json": "dehub.report.json"}


def get(name: str):  # noqa: ANN201 - returns a reporter module
    return import_module(FORMATS[name])
