"""The compose kind's table on the shared harness (tests/kindtable.py). Sniffing, interpolation
and the CLI in depth: test_compose.py."""

from __future__ import annotations

import pytest
from kindtable import KindTable

M = "public.ecr.aws/docker/library/"

NOOP = [
    pytest.param("services:\n  web:\n    build: .\n", {}, id="build-only"),
    pytest.param("services:\n  web:\n    build: .\n    image: node:20\n", {}, id="image-beside-build-names-it"),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n    image: node:20\n    pull_policy: build\n",
        {},
        id="pull-policy-build",
    ),
    pytest.param("services:\n  db:\n    image: postgres:16\n    pull_policy: never\n", {}, id="pull-policy-never"),
    pytest.param(
        f"services:\n  web:\n    image: ghcr.io/acme/web:1\n  db:\n    image: {M}postgres:16\n",
        {},
        id="other-registries",
    ),
    pytest.param(
        "x-unused: &unused\n  image: node:20\nservices:\n  web:\n    image: ghcr.io/acme/web:1\n",
        {},
        id="anchor-no-service-uses",
    ),
    pytest.param(
        "services:\n  web:\n    # image: node:20\n    image: ghcr.io/acme/web:1  # was node:20\n", {}, id="comments"
    ),
    pytest.param(
        "services:\n  app:\n    build: .\n    image: acme/app:dev\n  worker:\n    image: acme/app:dev\n"
        "    command: work\n",
        {},
        id="image-another-service-builds",
    ),
    pytest.param(
        "services:\n  web:\n    image: ghcr.io/acme/web:1\n    platform: linux/arm64\n"
        "    volumes:\n      - type: bind\n        source: ./node\n        target: /node\n      - node:/data\n"
        "configs:\n  nginx:\n    file: ./nginx.conf\nsecrets:\n  token:\n    environment: TOKEN\n"
        "networks:\n  node: {}\nvolumes:\n  node: {}\n",
        {},
        id="configs-secrets-networks-volumes",
    ),
    pytest.param(
        "include:\n  - ../db/compose.yaml\nmodels:\n  llm:\n    model: ai/smollm2\nservices:\n  web:\n    build: .\n"
        "    models:\n      - llm\n",
        {},
        id="include-and-models-not-read",
    ),
    pytest.param(
        "services:\n  web:\n    extends:\n      file: common.yml\n      service: web\n", {}, id="extends-other-file"
    ),
    pytest.param(
        "services:\n  web:\n    image: ghcr.io/acme/web:1\n    environment:\n      PRICE: $$5\n"
        "    command: echo $${HOME} ${NODE_IMAGE:-node:20}\n",
        {},
        id="variables-outside-images",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      additional_contexts:\n        - src=../src\n"
        "        - cache=type=local,src=/tmp\n",
        {},
        id="local-build-contexts",
    ),
    pytest.param(
        "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - path: ./src\n"
        "          action: rebuild\n"
        "  llm:\n    provider:\n      type: model\n      options:\n        model: ai/smollm2\n",
        {},
        id="develop-and-provider",
    ),
    pytest.param("services: {}\n", {}, id="no-services"),
    pytest.param(
        "services:\n  web:\n    # dehub ignore=DH001 the demo pins it\n    image: node:20\n"
        "  db:\n    image: postgres:16  # dehub ignore=DH001 legacy\n",
        {},
        id="suppressed",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n"
        "        FROM ghcr.io/acme/base:1 AS base\n        FROM base\n        RUN echo $${HOME}\n",
        {},
        id="inline-dockerfile-no-hub-pull",
    ),
    pytest.param('services:\n  web:\n    image: ""\n', {}, id="empty-image"),
]

PROBLEM = [
    pytest.param('services: {web: {image: "node:20"}}\n', {(1, 26, "DH001")}, id="flow-style"),
    pytest.param("services:\n  db:\n    image: postgres:16\n", {(3, 12, "DH001")}, id="block-style"),
    pytest.param(
        "x-base: &base\n  image: node:20\n  restart: always\nservices:\n  web:\n    <<: *base\n  api:\n    <<: *base\n"
        "    ports: [80]\n",
        {(2, 10, "DH001")},
        id="merge-key-finding-in-anchor",
    ),
    pytest.param(
        "x-image: &img redis:7\nservices:\n  cache:\n    image: *img\n", {(1, 15, "DH001")}, id="alias-scalar"
    ),
    pytest.param(
        "services:\n  web:\n    build: .\n    image: nginx:1.27\n    pull_policy: always\n",
        {(4, 12, "DH001")},
        id="build-pull-policy-always",
    ),
    pytest.param(
        "services:\n  a:\n    build: .\n    image: nginx:1.27\n    pull_policy: missing\n"
        "  b:\n    build: ./b\n    image: redis:7\n    pull_policy: if_not_present\n"
        "  c:\n    build: ./c\n    image: mysql:8\n    pull_policy: daily\n",
        {(4, 12, "DH001"), (8, 12, "DH001"), (12, 12, "DH001")},
        id="build-pull-policy-missing",
    ),
    pytest.param(
        "services:\n  debug:\n    image: busybox:1.36\n    profiles: [debug]\n    platform: linux/amd64\n",
        {(3, 12, "DH001")},
        id="profiles-still-pull",
    ),
    pytest.param(
        "services:\n  base:\n    image: node:20\n  web:\n    extends: base\n  api:\n    extends:\n      service: web\n",
        {(3, 12, "DH001")},
        id="extends-same-file",
    ),
    pytest.param(
        "services:\n  base:\n    build: .\n    image: node:20\n  web:\n    extends:\n      service: base\n"
        "    pull_policy: always\n",
        {(4, 12, "DH001")},
        id="extends-build-then-pull-policy",
    ),
    pytest.param(
        "services:\n  web:\n    image: node:20\n    build: !reset null\n  db:\n    image: !override postgres:16\n"
        "  app:\n    image: !reset acme/app\n",
        {(3, 12, "DH001"), (6, 22, "DH001")},
        id="reset-and-override-tags",
    ),
    pytest.param("services:\n  web:\n    image: ${WEB_IMAGE}\n", {(3, 12, "DH003")}, id="unset-variable"),
    pytest.param("services:\n  web:\n    image: $WEB_IMAGE\n", {(3, 12, "DH003")}, id="unset-plain-variable"),
    pytest.param(
        "services:\n  web:\n    image: ${WEB_IMAGE:?set WEB_IMAGE}\n  api:\n    image: ${API_IMAGE:+acme/api}\n"
        "  db:\n    image: ${DB_IMAGE:-}\n",
        {(3, 12, "DH003"), (5, 12, "DH003"), (7, 12, "DH003")},
        id="required-alternative-empty-default",
    ),
    pytest.param(
        "services:\n  web:\n    image: node:${NODE_VERSION}\n", {(3, 12, "DH001")}, id="unknown-tag-known-name"
    ),
    pytest.param(
        "services:\n  web:\n    image: ${REGISTRY:-docker.io}/library/node:20\n",
        {(3, 12, "DH001")},
        id="name-from-two-pieces",
    ),
    pytest.param(
        "services:\n  web:\n    image: ghcr.io/acme/web:1\n    volumes:\n      - type: image\n"
        "        source: alpine:3.20\n        target: /tools\n",
        {(6, 17, "DH001")},
        id="image-volume",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      additional_contexts:\n"
        "        - base=docker-image://alpine:3.20\n  api:\n    build:\n      context: .\n"
        "      additional_contexts:\n        tools: docker-image://busybox:1.36\n",
        {(6, 31, "DH001"), (11, 31, "DH001")},
        id="docker-image-build-contexts",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      args:\n        - BASE=python:3.12\n"
        "      dockerfile_inline: |\n        ARG BASE=node:20\n        FROM $${BASE}\n"
        "        COPY --from=busybox:1.36 /bin/busybox /bin/\n",
        {(9, 14, "DH001"), (10, 21, "DH001")},
        id="inline-dockerfile-with-build-args",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM ${BASE}\n",
        {(6, 14, "DH003")},
        id="inline-dockerfile-compose-variable",
    ),
    pytest.param("web:\n  image: node:20\n  ports:\n    - 80\n", {(2, 10, "DH001")}, id="first-file-format"),
    pytest.param("services:\n  web:\n    image: ${WEB_IMAGE:-node:20\n", {(3, 12, "DH006")}, id="unclosed-brace"),
    pytest.param("services:\n  web:\n    image: [node:20]\n", set(), id="not-a-scalar"),
    pytest.param("services:\n  web:\n    image: node:20\n  - x\n", {(4, 3, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(
        "services:\n  web:\n    image: node:20  # the app\n",
        f"services:\n  web:\n    image: {M}node:20  # the app\n",
        {},
        id="plain-with-comment",
    ),
    pytest.param(
        "services:\n  web:\n    image: 'node:20'\n  db:\n    image: \"postgres:16\"\n",
        f"services:\n  web:\n    image: '{M}node:20'\n  db:\n    image: \"{M}postgres:16\"\n",
        {},
        id="quoted",
    ),
    pytest.param(
        'services: {web: {image: "node:20", ports: [80]}, db: {image: postgres}}\n',
        f'services: {{web: {{image: "{M}node:20", ports: [80]}}, db: {{image: {M}postgres}}}}\n',
        {},
        id="flow-style",
    ),
    pytest.param(
        "x-base: &base\n  image: node:20 # shared\nservices:\n  web:\n    <<: *base\n  api:\n    <<: [*base]\n",
        f"x-base: &base\n  image: {M}node:20 # shared\nservices:\n  web:\n    <<: *base\n  api:\n    <<: [*base]\n",
        {},
        id="anchor-and-merge-keys",
    ),
    pytest.param(
        "services:\n  cache:\n    image: ${REDIS_IMAGE:-redis:7}\n",
        f"services:\n  cache:\n    image: ${{REDIS_IMAGE:-{M}redis:7}}\n",
        {},
        id="default-literal",
    ),
    pytest.param(
        "services:\n  cache:\n    image: ${REDIS_IMAGE-redis:7}\n  db:\n    image: ${A:-${B:-postgres:16}}\n",
        f"services:\n  cache:\n    image: ${{REDIS_IMAGE-{M}redis:7}}\n"
        f"  db:\n    image: ${{A:-${{B:-{M}postgres:16}}}}\n",
        {},
        id="unset-only-default-and-nested",
    ),
    pytest.param(
        "services:\n  py:\n    image: python:${PY:-3.12}-slim\n  node:\n    image: ${NODE:-node}:${TAG:-20}\n",
        f"services:\n  py:\n    image: {M}python:${{PY:-3.12}}-slim\n"
        f"  node:\n    image: ${{NODE:-{M}node}}:${{TAG:-20}}\n",
        {},
        id="variables-in-tag",
    ),
    pytest.param(
        "services:\n  web:\n    build: .\n    image: nginx:1.27\n    pull_policy: always\n  app:\n    build: .\n"
        "    image: acme/app\n",
        f"services:\n  web:\n    build: .\n    image: {M}nginx:1.27\n    pull_policy: always\n  app:\n    build: .\n"
        "    image: acme/app\n",
        {},
        id="pull-policy-always",
    ),
    pytest.param(
        "services:\n  db:\n    image: !override 'postgres:16'\n    build: !reset null\n",
        f"services:\n  db:\n    image: !override '{M}postgres:16'\n    build: !reset null\n",
        {},
        id="merge-tags",
    ),
    pytest.param(
        "services:\n  base:\n    image: node:20\n  web:\n    extends: base\n",
        f"services:\n  base:\n    image: {M}node:20\n  web:\n    extends: base\n",
        {},
        id="extends",
    ),
    pytest.param(
        "services:\n  web:\n    image: ghcr.io/acme/web:1\n    volumes:\n      - type: image\n"
        "        source: alpine:3.20\n    build:\n      context: .\n      additional_contexts:\n"
        "        - base=docker-image://busybox:1.36\n",
        f"services:\n  web:\n    image: ghcr.io/acme/web:1\n    volumes:\n      - type: image\n"
        f"        source: {M}alpine:3.20\n    build:\n      context: .\n      additional_contexts:\n"
        f"        - base=docker-image://{M}busybox:1.36\n",
        {},
        id="volume-and-build-context",
    ),
    pytest.param(
        "services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n"
        "        FROM node:20 AS build\n        RUN npm ci\n        FROM nginx:1.27\n"
        "        COPY --from=build /app /usr/share/nginx/html\n"
        "  api:\n    build:\n      context: .\n      dockerfile_inline: \"FROM python:3.12-slim\\nRUN true\\n\"\n",
        f"services:\n  web:\n    build:\n      context: .\n      dockerfile_inline: |\n"
        f"        FROM {M}node:20 AS build\n        RUN npm ci\n        FROM {M}nginx:1.27\n"
        "        COPY --from=build /app /usr/share/nginx/html\n"
        f"  api:\n    build:\n      context: .\n      dockerfile_inline: \"FROM {M}python:3.12-slim\\nRUN true\\n\"\n",
        {},
        id="inline-dockerfile",
    ),
    pytest.param(
        "services:\n  web:\n    image: nginx:1.27\n    command: echo $$HOME ${X:-y}\n",
        f"services:\n  web:\n    image: {M}nginx:1.27\n    command: echo $$HOME ${{X:-y}}\n",
        {},
        id="escapes-elsewhere-kept",
    ),
]

test_noop, test_problem, test_fix = KindTable("compose").tests(NOOP, PROBLEM, FIX)
