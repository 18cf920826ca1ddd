"""Shared test helpers: lint or fix a text as a given kind, with optional configuration; count
the calls a lint makes to one function (a work count for the hostile-input tests)."""

from __future__ import annotations

from dehub.config import Config
from dehub.findings import Finding
from dehub.fixer import fix_source
from dehub.lint import Settings, lint_source
from dehub.source import SourceText


def settings(config: Config | None = None, **options: object) -> Settings:
    return Settings(config, **options)  # type: ignore[arg-type]


def findings(text: str, kind: str = "dockerfile", config: Config | None = None, **options: object) -> list[Finding]:
    """Findings for `text` (str, or bytes decoded as dehub decodes files)."""
    source = SourceText.decode(text) if isinstance(text, bytes) else SourceText(text)
    return lint_source(source, kind, settings(config, **options))


def problems(text: str, kind: str = "dockerfile", config: Config | None = None, **options: object) -> set[tuple]:
    """The exact set of (line, column, code) a text yields."""
    return {(f.line, f.column, f.code) for f in findings(text, kind, config, **options)}


def fixed(
    text: str, kind: str = "dockerfile", unsafe: bool = False, config: Config | None = None, **options: object
) -> str:
    """The text after applying fixes (safe only, unless `unsafe`)."""
    source = SourceText(text)
    return fix_source(source, kind, settings(config, **options), unsafe).source.text


def make_config(**values: object) -> Config:
    """A Config built the way a .dehub.yaml would build it (keys with dashes as underscores)."""
    from dehub import rules
    from dehub.config import _apply

    config = Config()
    _apply(config, {key.replace("_", "-"): value for key, value in values.items()}, "<test>", rules.CODES)
    return config


def count_calls(monkeypatch, owner: object, name: str, key: str = "calls", weight=None) -> dict[str, int]:
    """Wrap `owner.name` (a module's function or a class's method) for the test: `{key: n}`, where
    n grows by `weight(*args)` (1 when None) on each call. Tests may reset it to 0."""
    original = getattr(owner, name)
    counter = {key: 0}

    def counting(*args, **kwargs):
        counter[key] += 1 if weight is None else weight(*args, **kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return counter
