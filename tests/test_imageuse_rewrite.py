"""`ImageUse.rewrite`: a kind can say which edits write another name when that is not replacing
the name's literal characters; DH001 and the shared-edit guard (lint._guard_shared_edits) use
those edits (resolve.name_edits) instead of the literal name's span."""

from __future__ import annotations

from dehub.document import Document
from dehub.imageuse import ImageUse
from dehub.lint import Settings, lint_document
from dehub.policy import Policy
from dehub.resolve import name_edits, resolve
from dehub.rules import dh001_docker_hub_image as dh001
from dehub.source import SourceText
from dehub.value import Value

TEXT = "name: nginx\ntag: '1'\n"
AT = TEXT.index("nginx")


def _use(rewrite=None) -> ImageUse:
    use = ImageUse("test", Value.literal("nginx", AT), AT, AT + 5)
    use.rewrite = rewrite
    return use


def test_without_rewrite_the_literal_name_is_replaced():
    subject = resolve(_use(), Policy())
    assert [(e.start, e.end, e.text) for e in name_edits(subject, "x.io/nginx")] == [(AT, AT + 5, "x.io/nginx")]


def test_dh001_takes_the_rewrite_edits():
    subject = resolve(_use(lambda name: ((0, 0, f"newName: {name}\n"),)), Policy())
    finding = dh001.check(subject)
    assert finding is not None and finding.fix is not None
    edits = [(e.start, e.end, e.text) for e in finding.fix.edits]
    assert edits == [(0, 0, "newName: public.ecr.aws/docker/library/nginx\n")]
    assert (finding.start, finding.end) == (AT, AT + 5)  # the finding stays on the name


def test_a_rewrite_that_cannot_place_its_edits_leaves_the_finding_without_a_fix():
    finding = dh001.check(resolve(_use(lambda name: None), Policy()))
    assert finding is not None and finding.fix is None
    assert "no automatic fix" in finding.message


class _Doc(Document):
    kind = "test"

    def __init__(self, uses: list[ImageUse]) -> None:
        super().__init__(SourceText(TEXT))
        self.uses = uses

    def image_uses(self, build_args: dict[str, str]) -> list[ImageUse]:
        return self.uses


def test_shared_edit_guard_reads_the_rewrite_edits():
    """Two uses whose rewrites make the same edit keep the fix; a use that the edit would change
    without wanting it (its own rewrite makes another edit) withdraws it."""
    same = lambda name: ((AT, AT + 5, name),)  # noqa: E731
    [kept] = [f for f in lint_document(_Doc([_use(same), _use(same)]), Settings()) if f.code == "DH001"]
    assert kept.fix is not None
    other = ImageUse("test", Value.literal("nginx", AT), AT, AT + 5)
    other.rewrite = lambda name: ((0, 0, "elsewhere"),)
    found = [f for f in lint_document(_Doc([_use(same), other]), Settings()) if f.code == "DH001"]
    assert [f.fix for f in found if f.fix is not None and f.fix.edits[0].start == AT] == []
