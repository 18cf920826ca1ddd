"""Actions whose inputs matter to image pulls: data, so adding one is one entry.

Names are compared without the `@ref` and case-insensitively, as GitHub resolves them.
"""

from __future__ import annotations

SETUP_BUILDX = "docker/setup-buildx-action"
SETUP_QEMU = "docker/setup-qemu-action"
BUILD_PUSH = "docker/build-push-action"
BAKE = "docker/bake-action"
ECR_LOGIN = "aws-actions/amazon-ecr-login"
DOCKER_LOGIN = "docker/login-action"

# Actions that pull and run the image named by one of their inputs, in their step.
IMAGE_INPUTS = {
    "addnab/docker-run-action": "image",
    "kohlerdominik/docker-run-action": "image",
}

# The image setup-qemu pulls from Docker Hub when its input is left unset (setup-buildx's
# BuildKit image is `pipeline.BUILDKIT_DEFAULT_IMAGE`, shared with `docker buildx create`).
QEMU_DEFAULT_IMAGE = "docker.io/tonistiigi/binfmt:latest"


def action_name(uses: str) -> str:
    """`Docker/Setup-Buildx-Action@v3` -> `docker/setup-buildx-action`; `./local` stays as is."""
    return uses.split("@", 1)[0].strip().lower()
