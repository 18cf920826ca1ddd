"""DH004 hidden-docker-hub-pull: an action pulls an image from Docker Hub that the file never names.

What it finds
  `docker/setup-buildx-action` with a driver that runs BuildKit in a container (the default
  `docker-container`, or `kubernetes`) and no `driver-opts: image=...`: it pulls
  `moby/buildkit:buildx-stable-1` from Docker Hub. `docker/setup-qemu-action` without
  `image:`: it pulls `docker.io/tonistiigi/binfmt:latest`. `docker buildx create` in a
  `run:` script, with a container driver and no `--driver-opt image=...`, pulls BuildKit the
  same way. In GitHub workflows and composite actions. Where the input is set, the image it
  names is checked like any other image (DH001/DH002 at the `image=` value).

Why it matters
  These pulls count against Docker Hub's anonymous limit like any `FROM`, but nothing in the
  repository names them, so they survive a migration that moved every visible image, and the
  job still fails with `toomanyrequests` in its set-up steps.

The fix
  Set the input to a copy you control. No ECR Public copy of `moby/buildkit` or
  `tonistiigi/binfmt` is known, so copy them (an ECR pull-through cache, or `crane copy`) and
  map them in `.dehub.yaml`; the message then names the exact value:

      mirror:
        map:
          "moby/buildkit": "123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/{path}"

      - uses: docker/setup-buildx-action@v3
        with:
          driver-opts: image=123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/moby/buildkit:buildx-stable-1

  With a pull-through cache as the mirror target (`mirror.target: ecr-pull-through`,
  `harbor`, ...) the message names its copy without a map. (`driver: docker` uses the
  daemon's own BuildKit and pulls nothing.) There is no automatic
  fix: adding inputs to a step is a change of behaviour for a person to make.

How to suppress
  `# dehub ignore=DH004 reason` on the line before the step's `uses:`, or at the end of that
  line; `allow: ["moby/buildkit"]` accepts the pull; `ignore: [DH004]` turns the rule off.

Examples
  FAIL  - uses: docker/setup-buildx-action@v3
  FAIL  - uses: docker/setup-qemu-action@v3
  PASS  - uses: docker/setup-buildx-action@v3
          with:
            driver-opts: image=public.ecr.aws/acme/buildkit:buildx-stable-1
  PASS  - uses: docker/setup-buildx-action@v3
          with:
            driver: docker
"""

from __future__ import annotations

from dehub.findings import Finding, clip
from dehub.kinds import PIPELINE_NAMES
from dehub.policy import ALLOWED, MIRROR
from dehub.reference import parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dehub.document import Document
    from dehub.policy import Policy
    from dehub.resolve import Subject

CODE = "DH004"
NAME = "hidden-docker-hub-pull"
SEVERITY = "warning"
FIX_SAFETY = "none"
KINDS = PIPELINE_NAMES


def check_document(document: Document, subjects: list[Subject], policy: Policy) -> list[Finding]:
    out: list[Finding] = []
    if document.pipeline is None:
        return out
    for job in document.pipeline.jobs:
        for hidden in job.hidden:
            ref = parse(hidden.image)
            decision = policy.decide(ref, document.kind)
            if decision.verdict == ALLOWED:
                continue
            setting = hidden.setting
            if decision.verdict == MIRROR and decision.replacement:
                value = decision.replacement + ref.written[ref.name_end :]
                setting = setting.split("<", 1)[0] + value
                advice = f"set `{clip(setting)}`"
            else:
                advice = (
                    f"no public mirror of it is known: copy it to a registry you control, map it under "
                    f"`mirror.map` for the exact value, and set `{clip(setting)}`"
                )
            message = f"`{clip(hidden.action)}` pulls `{clip(hidden.image)}` from Docker Hub; {advice}"
            out.append(Finding("", "", "", message, hidden.start, hidden.end, site=hidden.action, image=hidden.image,
                               canonical=ref.canonical))
    return out
