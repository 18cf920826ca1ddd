"""The rule registry: one module per code, listed here explicitly (as yamllint does).

A rule module holds data (CODE, NAME, SEVERITY, FIX_SAFETY), a docstring that is its
documentation (`dehub explain CODE` prints it), and one `check` function. Image rules judge
each image use (`check(subject) -> Finding | None`); document rules (DH004, DH005) look at a
whole parsed file of the kinds they list (`check_document(document, subjects, policy)`);
DH900, DH901 and DH902 are called by the engine for parse problems, unused suppressions and
suppressions it cannot honour.
"""

from __future__ import annotations

from . import (
    dh001_docker_hub_image,
    dh002_docker_hub_no_mirror,
    dh003_unresolved_image,
    dh004_hidden_docker_hub_pull,
    dh005_ecr_public_unauthenticated,
    dh006_invalid_reference,
    dh900_parse_error,
    dh901_unused_suppression,
    dh902_invalid_suppression,
)

IMAGE_RULES = (
    dh001_docker_hub_image,
    dh002_docker_hub_no_mirror,
    dh003_unresolved_image,
    dh006_invalid_reference,
)
DOCUMENT_RULES = (dh004_hidden_docker_hub_pull, dh005_ecr_public_unauthenticated)
ENGINE_RULES = (dh900_parse_error, dh901_unused_suppression, dh902_invalid_suppression)
ALL_RULES = IMAGE_RULES[:3] + DOCUMENT_RULES + IMAGE_RULES[3:] + ENGINE_RULES
RULES = {rule.CODE: rule for rule in ALL_RULES}
CODES = frozenset(RULES)


def get(code: str) -> object:
    """The rule module for a code (case-insensitive); KeyError names the unknown code."""
    try:
        return RULES[code.upper()]
    except KeyError:
        raise KeyError(f"unknown rule code {code!r}; known: {', '.join(sorted(RULES))}") from None
