"""Messages quote at most VALUE_LIMIT characters of a value, five names, MESSAGE_LIMIT in all.

A hostile file can put a 300 KB image string into a message, once per finding; the JSON
`image` and `suggestion` fields and the fixes keep the exact text.
"""

from __future__ import annotations

from helpers import findings, fixed

from dehub.findings import ELLIPSIS, MESSAGE_LIMIT, VALUE_LIMIT, clip, clip_message, listing

ECR = "public.ecr.aws/docker/library/"
BIG = 300_000


def test_clip_keeps_short_values_and_the_start_and_end_of_long_ones():
    assert clip("node:20") == "node:20"
    assert clip("a" * VALUE_LIMIT) == "a" * VALUE_LIMIT
    long = "start" + "x" * 1000 + "end:tag"
    clipped = clip(long)
    assert len(clipped) == VALUE_LIMIT
    assert clipped.startswith("startxx") and clipped.endswith("xxend:tag") and ELLIPSIS in clipped


def test_listing_names_five_and_counts_the_rest():
    assert listing(["a", "b", "c"]) == "a, b, c"
    assert listing(f"V{i}" for i in range(17)) == "V0, V1, V2, V3, V4 and 12 more"
    assert len(listing(["x" * BIG] * 3)) < 3 * VALUE_LIMIT + 10


def test_clip_message_cuts_at_the_limit():
    assert clip_message("short") == "short"
    cut = clip_message("m" * (MESSAGE_LIMIT * 10))
    assert len(cut) == MESSAGE_LIMIT and cut.endswith(ELLIPSIS)


def test_a_300_kb_image_name_is_quoted_short_and_kept_exact_in_the_data():
    image = "a" * BIG + ":1"
    (finding,) = findings(f"FROM {image}\n")
    assert finding.code == "DH006"
    assert len(finding.message) < 2 * VALUE_LIMIT + 100
    assert finding.message.startswith("`aaaa") and ELLIPSIS in finding.message and "a:1`" in finding.message
    assert finding.image == image


def test_a_long_variable_value_is_quoted_short():
    value = "b" * BIG
    (finding,) = findings(f"ARG REG\nFROM ${{REG}}/{value}\n")
    assert finding.code == "DH003"
    assert len(finding.message) < 2 * VALUE_LIMIT + 200
    assert finding.image == "${REG}/" + value


def test_a_long_reference_is_clipped_in_the_message_and_fixed_exactly():
    reference = f"ubuntu:{'t' * 128}@sha256:{'0' * 64}"
    text = f"FROM {reference}\n"
    (finding,) = findings(text)
    assert finding.code == "DH001" and finding.fix is not None
    assert finding.message.count(ELLIPSIS) == 2  # the image and the suggestion
    assert finding.image == reference and finding.suggestion == ECR + reference
    assert fixed(text) == f"FROM {ECR}{reference}\n"


def test_a_hundred_unknown_variables_are_named_five_and_counted():
    names = [f"V{i}" for i in range(100)]
    text = "".join(f"ARG {name}\n" for name in names) + "FROM " + "".join(f"${{{name}}}" for name in names) + "\n"
    (finding,) = findings(text)
    assert finding.code == "DH003"
    assert "depends on V0, V1, V2, V3, V4 and 95 more," in finding.message
    assert "V5," not in finding.message
    assert len(finding.message) < 2 * VALUE_LIMIT + 300


def test_a_hundred_variables_feeding_an_image_are_named_five_and_the_fix_applies():
    names = [f"E{i}" for i in range(100)]
    uses = "".join(f"${{{name}}}" for name in names)
    text = "".join(f"ARG {name}=\n" for name in names) + f"FROM ubuntu{uses}:22.04\n"
    (finding,) = findings(text)
    assert finding.code == "DH001"
    assert finding.message.endswith("(through ${E0}, ${E1}, ${E2}, ${E3}, ${E4} and 95 more)")
    assert fixed(text).endswith(f"FROM {ECR}ubuntu{uses}:22.04\n")


def test_a_whole_message_is_capped():
    codes = ",".join(f"DL{3000 + i}" for i in range(1000))  # hadolint's codes: the message lists them
    (finding,) = findings(f"# dehub ignore={codes}\nFROM {ECR}ubuntu:22.04\n")
    assert finding.code == "DH902"
    assert len(finding.message) == MESSAGE_LIMIT and finding.message.endswith(ELLIPSIS)


def test_unused_codes_are_named_five_and_counted():
    text = f"# dehub ignore=DH001,DH002,DH003,DH004,DH005,DH006\nFROM {ECR}ubuntu:22.04\n"
    (finding,) = findings(text, select=("DH001", "DH002", "DH003", "DH004", "DH005", "DH006", "DH901"))
    assert finding.code == "DH901"
    assert finding.message.startswith("suppression of DH001, DH002, DH003, DH004, DH005 and 1 more suppresses")


def test_every_finding_of_a_hostile_file_stays_short():
    image = "c" * BIG
    text = "".join(f"FROM {image}{i}\n" for i in range(5))
    found = findings(text)
    assert len(found) == 5
    assert sum(len(f.message) for f in found) < 5 * (2 * VALUE_LIMIT + 100)
