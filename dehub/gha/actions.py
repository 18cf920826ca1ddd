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

# The image each action pulls from Docker Hub when its input is left unset.
BUILDX_DEFAULT_IMAGE = "moby/buildkit:buildx-stable-1"
QEMU_DEFAULT_IMAGE = "docker.io/tonistiigi/binfmt:latest"
# Buildx drivers that run BuildKit from an image (the `docker` driver uses the daemon's own,
# `remote` connects to a running one).
BUILDX_IMAGE_DRIVERS = frozenset(("docker-container", "kubernetes"))
ECR_PUBLIC = "public.ecr.aws"


def action_name(uses: str) -> str:
    """`Docker/Setup-Buildx-Action@v3` -> `docker/setup-buildx-action`; `./local` stays as is."""
    return uses.split("@", 1)[0].strip().lower()
