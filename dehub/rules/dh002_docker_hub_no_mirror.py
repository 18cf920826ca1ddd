"""DH002 docker-hub-no-mirror: an image is pulled from Docker Hub and no mirror copy is known.

What it finds
  A Docker Hub pull that dehub cannot move by itself, because the mirror target has no copy:
  on ECR Public (the default target), an image that is not a Docker Official Image
  (`myorg/app`, `bitnami/redis`) and that your `mirror.map` does not map; the BuildKit
  frontend named by `# syntax=docker/dockerfile:1`; images the ECR Public copy is known to
  lack (`azul-zulu`, `moby/buildkit`, `tonistiigi/binfmt`, `grafana/grafana`), as listed in
  dehub's shipped data with a source for each. A pull-through cache target
  (`ecr-pull-through`, `gitlab-dependency-proxy`, `harbor`, `artifactory`) or `gcr` has a copy
  of every Docker Hub image, so there these are DH001 findings; a `custom` target with only
  `official-template` has none of the other images.

Why it matters
  Each such pull still counts against Docker Hub's anonymous limit (`dehub explain limits`),
  so the CI runs that share an IP can still fail with `toomanyrequests` after every official
  image was moved.

The fix
  There is no automatic fix. Either copy the image to a registry you control and map it:

      mirror:
        map:
          "myorg/*": "123456789012.dkr.ecr.us-east-1.amazonaws.com/dockerhub/{path}"

  (`{path}` is the Docker Hub path, e.g. `myorg/app`; `{namespace}` its first part, `myorg`;
  `{name}` the rest, `app`), after which DH001 offers the fix; or choose a pull-through cache
  as the mirror target (`mirror.target: ecr-pull-through`, `harbor`, ...: README "Choosing a
  mirror"); or accept the pull with `allow: ["myorg/*"]`. For `# syntax=`, pin a frontend you
  mirror, or drop the line to use the builder's built-in frontend.

How to suppress
  `# dehub ignore=DH002 reason` before the instruction, `# dehub global ignore=DH002` for
  the file, `allow:` patterns for an image everywhere, `ignore: [DH002]` for the rule.

Examples
  FAIL  FROM bitnami/redis:7.4
  FAIL  # syntax=docker/dockerfile:1
  PASS  FROM ghcr.io/acme/app:1
"""

from __future__ import annotations

from dehub.findings import Finding, clip
from dehub.policy import NO_MIRROR
from dehub.resolve import Subject, finding, timing_note

CODE = "DH002"
NAME = "docker-hub-no-mirror"
SEVERITY = "warning"
FIX_SAFETY = "none"


def check(subject: Subject) -> Finding | None:
    decision = subject.decision
    if decision is None or decision.verdict != NO_MIRROR:
        return None
    message = (
        f"`{clip(subject.image)}` is pulled from Docker Hub{subject.via} and has no known mirror: {decision.reason}; "
        "copy it to a registry you control and map it under `mirror.map`, or accept it under `allow`"
    )
    result = finding(subject, message)
    result.note = timing_note(subject)
    return result
