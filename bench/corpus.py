"""A deterministic corpus of realistic Dockerfiles for benchmarking.

`generate(n, seed)` returns `n` (relative path, text) pairs; the same (n, seed) always gives
the same bytes (only `random.Random(seed)` is used, never the global generator, the clock or
hash order). The files look like the ones found in real repositories: multi-stage builds
(2-4 stages) per language (Python, Node, Go, Java, Rust, Ruby, PHP, plain Debian/Alpine),
global ARGs that feed FROM (`ARG BASE=node:20` / `FROM ${BASE}`), `--platform=$BUILDPLATFORM`,
stage names and references, `COPY --from=<stage>` and `COPY --from=<image>`,
`RUN --mount=type=cache` and `--mount=type=bind,from=<image>`, heredocs, continuations,
comments, pragmas, ENV/WORKDIR/USER/EXPOSE/CMD/ENTRYPOINT/HEALTHCHECK/LABEL, 20-120 lines
each. Images are a mix of Docker Official Images with real-looking tags (some written as
`docker.io/library/...`, some pinned by digest), non-official Docker Hub images, other
registries (gcr.io, quay.io, mcr.microsoft.com, registry.k8s.io) and images already on
public.ecr.aws or ghcr.io.

Every heredoc terminator is followed by a blank line: hadolint 2.x cannot parse a heredoc
followed immediately by the next instruction (it reports DL1000 and lints nothing more in
that file), and the benchmark needs hadolint to do its full work on every file. `<<-EOF`
(tab-stripped heredocs) is not used for the same reason.

Run it alone to write a corpus: `python bench/corpus.py --files 100 --out /tmp/corpus`.
"""

from __future__ import annotations

import os
import random

MIN_LINES, MAX_LINES = 20, 120

# ---------------------------------------------------------------- images

PY_TAGS = ["3.12-slim", "3.12-slim-bookworm", "3.11-slim", "3.13-slim", "3.12", "3.11-bookworm", "3.12-alpine3.20",
           "3.10-slim-bullseye", "3.12.7-slim"]  # fmt: skip
NODE_TAGS = ["20-alpine", "20", "22-alpine", "22-bookworm-slim", "18-alpine", "20.17.0-bookworm-slim", "lts-alpine",
             "20-slim", "22.9.0-alpine3.20"]  # fmt: skip
GO_TAGS = ["1.23-alpine", "1.23", "1.22-bookworm", "1.22.7-alpine3.20", "1.23.2-bookworm", "1.21-alpine"]
TEMURIN_TAGS = ["21-jre", "21-jdk", "17-jre-jammy", "21-jre-alpine", "17-jdk-jammy"]
MAVEN_TAGS = ["3.9-eclipse-temurin-21", "3.9.9-eclipse-temurin-17", "3-eclipse-temurin-21-alpine"]
GRADLE_TAGS = ["8.10-jdk21", "8.7-jdk17", "8-jdk21-alpine"]
RUST_TAGS = ["1.81-slim", "1.82-bookworm", "1.80-alpine", "1.81.0-slim-bookworm", "1-slim"]
RUBY_TAGS = ["3.3-slim", "3.3.5-slim-bookworm", "3.2-alpine", "3.3-bookworm"]
PHP_TAGS = ["8.3-fpm-alpine", "8.3-apache", "8.2-fpm", "8.3-cli-bookworm"]
DEBIAN_TAGS = ["bookworm-slim", "bookworm", "12-slim", "bullseye-slim", "bookworm-20240926-slim"]
UBUNTU_TAGS = ["22.04", "24.04", "jammy", "noble", "jammy-20240911.1"]
ALPINE_TAGS = ["3.20", "3.19", "3.20.3", "3.18", "latest"]
NGINX_TAGS = ["1.27-alpine", "1.27", "1.26-alpine-slim", "stable-alpine", "mainline-bookworm"]

# Images copied from (COPY --from=<image>) or mounted (RUN --mount=type=bind,from=<image>).
HELPER_IMAGES = [
    ("ghcr.io/astral-sh/uv:0.4.18", "/uv /uvx", "/bin/"),
    ("ghcr.io/astral-sh/uv:0.4.20", "/uv", "/usr/local/bin/uv"),
    ("curlimages/curl:8.10.1", "/usr/bin/curl", "/usr/local/bin/curl"),
    ("busybox:1.36", "/bin/wget", "/usr/local/bin/wget"),
    ("busybox:1.37-musl", "/bin/busybox", "/busybox"),
    ("docker:27-cli", "/usr/local/bin/docker", "/usr/local/bin/docker"),
    ("hashicorp/terraform:1.9", "/bin/terraform", "/usr/local/bin/terraform"),
    ("bitnami/kubectl:1.31", "/opt/bitnami/kubectl/bin/kubectl", "/usr/local/bin/kubectl"),
    ("public.ecr.aws/docker/library/busybox:1.36", "/bin/busybox", "/bin/busybox"),
    ("public.ecr.aws/awsguru/aws-lambda-adapter:0.8.4", "/lambda-adapter", "/opt/extensions/lambda-adapter"),
    ("gcr.io/go-containerregistry/crane:v0.20.2", "/ko-app/crane", "/usr/local/bin/crane"),
    ("quay.io/prometheus/node-exporter:v1.8.2", "/bin/node_exporter", "/usr/local/bin/node_exporter"),
    ("tianon/gosu:1.17", "/gosu", "/usr/local/bin/gosu"),
    ("krallin/ubuntu-tini:trusty", "/usr/local/bin/tini", "/tini"),
    ("mcr.microsoft.com/dotnet/runtime-deps:8.0", "/usr/share/dotnet", "/usr/share/dotnet"),
    ("alpine:3.20", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/"),
    ("hadolint/hadolint:v2.12.0", "/bin/hadolint", "/usr/local/bin/hadolint"),
    ("grafana/grafana:11.2.0", "/usr/share/grafana/public", "/srv/grafana"),
]
MOUNT_IMAGES = [
    "alpine:3.20", "busybox:1.36", "debian:bookworm-slim", "public.ecr.aws/docker/library/alpine:3.20",
    "ghcr.io/acme/build-cache:2024.09", "golang:1.23-alpine", "node:20-alpine", "quay.io/acme/certs:latest",
]  # fmt: skip

# (runtime image, whether it is distroless-like: no shell, no package manager)
RUNTIMES = {
    "python": [("python:{py}", False), ("gcr.io/distroless/python3-debian12:nonroot", True),
               ("public.ecr.aws/lambda/python:3.12", False), ("debian:{debian}", False)],
    "node": [("node:{node}", False), ("gcr.io/distroless/nodejs20-debian12", True),
             ("public.ecr.aws/lambda/nodejs:20", False), ("nginx:{nginx}", False)],
    "go": [("gcr.io/distroless/static-debian12:nonroot", True), ("alpine:{alpine}", False), ("scratch", True),
           ("gcr.io/distroless/base-debian12", True), ("public.ecr.aws/docker/library/alpine:{alpine}", False)],
    "java": [("eclipse-temurin:{temurin}", False), ("gcr.io/distroless/java21-debian12", True),
             ("amazoncorretto:21-al2023-headless", False), ("public.ecr.aws/amazoncorretto/amazoncorretto:21", False)],
    "rust": [("debian:{debian}", False), ("gcr.io/distroless/cc-debian12", True), ("alpine:{alpine}", False),
             ("scratch", True)],
    "ruby": [("ruby:{ruby}", False), ("public.ecr.aws/docker/library/ruby:3.3-slim", False)],
    "php": [("php:{php}", False), ("nginx:{nginx}", False)],
    "generic": [("debian:{debian}", False), ("ubuntu:{ubuntu}", False), ("alpine:{alpine}", False),
                ("registry.access.redhat.com/ubi9/ubi-minimal:9.4", False)],
}  # fmt: skip

BUILDERS = {
    "python": ["python:{py}"],
    "node": ["node:{node}"],
    "go": ["golang:{go}"],
    "java": ["maven:{maven}", "gradle:{gradle}", "eclipse-temurin:{temurin}"],
    "rust": ["rust:{rust}"],
    "ruby": ["ruby:{ruby}"],
    "php": ["composer:2.8", "php:{php}"],
    "generic": ["debian:{debian}", "ubuntu:{ubuntu}", "alpine:{alpine}", "buildpack-deps:bookworm-scm"],
}

# global ARG names that carry a whole image, by language
BASE_ARG = {"python": "PYTHON_IMAGE", "node": "NODE_IMAGE", "go": "GO_IMAGE", "java": "BUILDER_IMAGE",
            "rust": "RUST_IMAGE", "ruby": "RUBY_IMAGE", "php": "PHP_IMAGE", "generic": "BASE_IMAGE"}  # fmt: skip
# an ARG that carries only the version, used as `FROM name:${VERSION}-suffix`
VERSION_ARG = {"python": ("python", "PYTHON_VERSION", ["3.12", "3.11", "3.13"], ["-slim", "-slim-bookworm", ""]),
               "node": ("node", "NODE_VERSION", ["20", "22", "20.17.0"], ["-alpine", "-bookworm-slim", ""]),
               "go": ("golang", "GO_VERSION", ["1.23", "1.22", "1.23.2"], ["-alpine", "-bookworm", ""]),
               "rust": ("rust", "RUST_VERSION", ["1.81", "1.82"], ["-slim", "-slim-bookworm"]),
               "ruby": ("ruby", "RUBY_VERSION", ["3.3", "3.2"], ["-slim", "-alpine"])}  # fmt: skip

LANGS = ["python", "node", "go", "java", "rust", "ruby", "php", "generic"]
LANG_WEIGHTS = [24, 22, 18, 10, 6, 6, 4, 10]

WORDS = ["api", "auth", "billing", "gateway", "search", "ingest", "worker", "web", "admin", "notify", "ledger",
         "catalog", "orders", "payments", "reports", "scheduler", "sync", "export", "media", "profile", "events",
         "metrics", "frontend", "backend", "crawler", "indexer", "mailer", "proxy", "cron", "etl"]  # fmt: skip
ORGS = ["acme", "initech", "globex", "umbrella", "hooli", "stark", "wayne", "tyrell"]


def _digest(rng: random.Random) -> str:
    return "sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        py=rng.choice(PY_TAGS), node=rng.choice(NODE_TAGS), go=rng.choice(GO_TAGS), temurin=rng.choice(TEMURIN_TAGS),
        maven=rng.choice(MAVEN_TAGS), gradle=rng.choice(GRADLE_TAGS), rust=rng.choice(RUST_TAGS),
        ruby=rng.choice(RUBY_TAGS), php=rng.choice(PHP_TAGS), debian=rng.choice(DEBIAN_TAGS),
        ubuntu=rng.choice(UBUNTU_TAGS), alpine=rng.choice(ALPINE_TAGS), nginx=rng.choice(NGINX_TAGS),
    )  # fmt: skip


def _spell(image: str, rng: random.Random) -> str:
    """Write an image the ways real files do: mostly short, sometimes docker.io/..., mirrored, or pinned."""
    if ("/" in image.split(":")[0] and "." in image.split("/")[0]) or image == "scratch":
        return image  # already names a registry, or is scratch
    roll = rng.random()
    official = "/" not in image
    if official and roll < 0.18:
        image = "public.ecr.aws/docker/library/" + image  # already moved
    elif official and roll < 0.24:
        image = "docker.io/library/" + image
    elif roll < 0.27:
        image = "docker.io/" + image
    if rng.random() < 0.08:
        image += "@" + _digest(rng)
    return image


# ---------------------------------------------------------------- instruction blocks
# Each block is a list of lines. A heredoc block ends with its terminator and a blank line.


def _apt(rng: random.Random, packages: list[str]) -> list[str]:
    chosen = rng.sample(packages, k=min(len(packages), rng.randint(2, 5)))
    if rng.random() < 0.35:
        return [
            "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\",
            "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\",
            "    apt-get update \\",
            "    && apt-get install -y --no-install-recommends " + " ".join(chosen),
        ]
    return [
        "RUN apt-get update \\",
        "    && apt-get install -y --no-install-recommends \\",
        *("       " + name + " \\" for name in chosen),
        "    && rm -rf /var/lib/apt/lists/*",
    ]


def _apk(rng: random.Random) -> list[str]:
    chosen = rng.sample(["ca-certificates", "tzdata", "curl", "git", "bash", "tini", "libc6-compat", "openssl"], k=3)
    return ["RUN apk add --no-cache " + " ".join(chosen)]


APT_PACKAGES = ["ca-certificates", "curl", "git", "build-essential", "libpq-dev", "pkg-config", "libssl-dev",
                "gnupg", "unzip", "tzdata", "locales", "jq", "openssh-client", "libffi-dev", "wget"]  # fmt: skip


def _heredoc_script(rng: random.Random, lang: str) -> list[str]:
    bodies = {
        "python": ["pip install --no-cache-dir --upgrade pip==24.2", "pip install --no-cache-dir -r requirements.txt",
                   "python -m compileall -q /app"],
        "node": ["npm ci --no-audit --no-fund", "npm run build", "npm prune --omit=dev"],
        "go": ["go mod download", "go vet ./...", "CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app"],
        "java": ["./mvnw -B -q dependency:go-offline", "./mvnw -B -q package -DskipTests",
                 "cp target/*.jar /app/app.jar"],
        "rust": ["cargo fetch --locked", "cargo build --release --locked", "strip target/release/app"],
        "ruby": ["bundle config set --local without 'development test'", "bundle install --jobs 4",
                 "bundle exec bootsnap precompile --gemfile"],
        "php": ["composer install --no-dev --prefer-dist --no-interaction", "composer dump-autoload --optimize",
                "php artisan config:cache"],
        "generic": ["apt-get update", "apt-get install -y --no-install-recommends curl ca-certificates",
                    "rm -rf /var/lib/apt/lists/*"],
    }  # fmt: skip
    head = rng.choice(["RUN <<EOF", "RUN <<EOF", "RUN --mount=type=cache,target=/root/.cache <<EOF", "RUN <<EOF bash"])
    lines = [head]
    if head.endswith("bash") or rng.random() < 0.5:
        lines.append("set -euxo pipefail" if head.endswith("bash") else "set -eux")
    lines.extend(bodies[lang])
    if rng.random() < 0.4:
        lines.append('echo "build finished at $(date -u +%Y-%m-%dT%H:%M:%SZ)"')
    return [*lines, "EOF", ""]


def _heredoc_file(rng: random.Random) -> list[str]:
    choice = rng.randrange(3)
    if choice == 0:
        return ["COPY <<EOF /etc/app/config.yaml", "listen: 0.0.0.0:8080", "log_level: info",
                "metrics:", "  enabled: true", "EOF", ""]  # fmt: skip
    if choice == 1:
        return ["COPY --chmod=755 <<EOF /usr/local/bin/docker-entrypoint.sh", "#!/bin/sh", "set -e",
                'if [ "${1#-}" != "$1" ]; then', '  set -- app "$@"', "fi", 'exec "$@"', "EOF", ""]  # fmt: skip
    return ["COPY <<EOF /etc/nginx/conf.d/default.conf", "server {", "    listen 8080;",
            "    location / { root /usr/share/nginx/html; try_files $uri /index.html; }", "}", "EOF", ""]  # fmt: skip


def _build_steps(rng: random.Random, lang: str, name: str) -> list[list[str]]:
    """The heart of a build stage for a language: dependency install and build."""
    if lang == "python":
        steps = [["COPY requirements.txt ./"],
                 ["RUN --mount=type=cache,target=/root/.cache/pip \\",
                  "    pip install --prefix=/install -r requirements.txt"]]  # fmt: skip
        if rng.random() < 0.4:
            helper = rng.choice(["ghcr.io/astral-sh/uv:0.4.18", "ghcr.io/astral-sh/uv:0.4.20"])
            steps = [[f"COPY --from={helper} /uv /uvx /bin/"],
                     ["RUN --mount=type=cache,target=/root/.cache/uv \\",
                      "    --mount=type=bind,source=uv.lock,target=uv.lock \\",
                      "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\",
                      "    uv sync --frozen --no-install-project --no-dev"]]  # fmt: skip
        steps.append(["COPY . ."])
        return steps
    if lang == "node":
        install = rng.choice([["RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund"],
                              ["RUN corepack enable \\", "    && pnpm install --frozen-lockfile"],
                              ["RUN --mount=type=cache,target=/usr/local/share/.cache/yarn \\",
                               "    yarn install --frozen-lockfile --network-timeout 600000"]])  # fmt: skip
        return [["COPY package.json package-lock.json ./"], install, ["COPY . ."],
                ["RUN npm run build \\", "    && npm prune --omit=dev"]]  # fmt: skip
    if lang == "go":
        return [["COPY go.mod go.sum ./"], ["RUN --mount=type=cache,target=/go/pkg/mod go mod download"],
                ["COPY . ."],
                ["RUN --mount=type=cache,target=/go/pkg/mod \\",
                 "    --mount=type=cache,target=/root/.cache/go-build \\",
                 "    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\",
                 f'    go build -trimpath -ldflags="-s -w -X main.version=${{VERSION}}" -o /out/{name} ./cmd/{name}']]
    if lang == "java":
        return [["COPY pom.xml ./", "COPY .mvn .mvn", "COPY mvnw ./"],
                ["RUN --mount=type=cache,target=/root/.m2 ./mvnw -B dependency:go-offline"],
                ["COPY src ./src"], ["RUN --mount=type=cache,target=/root/.m2 \\",
                                     "    ./mvnw -B package -DskipTests \\",
                                     "    && cp target/*.jar /app.jar"]]  # fmt: skip
    if lang == "rust":
        return [["COPY Cargo.toml Cargo.lock ./"],
                ["RUN --mount=type=cache,target=/usr/local/cargo/registry \\",
                 "    --mount=type=cache,target=/app/target \\",
                 "    cargo build --release --locked \\",
                 f"    && cp target/release/{name} /usr/local/bin/{name}"]]  # fmt: skip
    if lang == "ruby":
        return [["COPY Gemfile Gemfile.lock ./"],
                ["RUN bundle config set --local deployment true \\",
                 "    && bundle install --jobs 4 --retry 3"], ["COPY . ."],
                ["RUN bundle exec rake assets:precompile"]]  # fmt: skip
    if lang == "php":
        return [["COPY composer.json composer.lock ./"],
                ["RUN composer install --no-dev --no-scripts --prefer-dist --no-interaction"], ["COPY . ."]]
    return [["COPY scripts/ /opt/scripts/"], ["RUN /opt/scripts/build.sh --release"]]


def _filler(rng: random.Random, lang: str, name: str, alpine: bool) -> list[str]:
    """One extra instruction, of the kinds that make up the rest of a real Dockerfile."""
    kind = rng.choices(
        ["apt", "env", "envmulti", "label", "comment", "heredoc", "heredocfile", "copyimg", "mountfrom", "run",
         "arg", "workdir", "commented"],
        weights=[10, 8, 4, 6, 8, 6, 3, 4, 4, 10, 4, 2, 3],
    )[0]  # fmt: skip
    if kind == "apt":
        return _apk(rng) if alpine else _apt(rng, APT_PACKAGES)
    if kind == "env":
        return [rng.choice(["ENV PYTHONDONTWRITEBYTECODE=1", "ENV NODE_ENV=production", "ENV TZ=UTC",
                            "ENV LANG=C.UTF-8", f"ENV APP_NAME={name}", "ENV PORT=8080",
                            'ENV PATH="/opt/venv/bin:$PATH"', "ENV GOFLAGS=-mod=readonly"])]  # fmt: skip
    if kind == "envmulti":
        return ["ENV APP_HOME=/app \\", f"    APP_NAME={name} \\", "    LOG_LEVEL=info"]
    if kind == "label":
        org = rng.choice(ORGS)
        return [rng.choice([f'LABEL org.opencontainers.image.source="https://github.com/{org}/{name}"',
                            f'LABEL org.opencontainers.image.description="{name} service"',
                            f'LABEL maintainer="platform@{org}.example"',
                            'LABEL org.opencontainers.image.licenses="Apache-2.0"'])]  # fmt: skip
    if kind == "comment":
        return [rng.choice(["# Keep this layer small: it is rebuilt on every commit.",
                            "# Dependencies first so that the layer is cached between builds.",
                            "# TODO(platform): pin the package versions",
                            f"# {name}: see docs/deploy.md for the release process",
                            "# hadolint ignore=DL3008"])]  # fmt: skip
    if kind == "heredoc":
        return _heredoc_script(rng, lang)
    if kind == "heredocfile":
        return _heredoc_file(rng)
    if kind == "copyimg":
        image, source, target = rng.choice(HELPER_IMAGES)
        return [f"COPY --from={_spell(image, rng)} {source} {target}"]
    if kind == "mountfrom":
        image = _spell(rng.choice(MOUNT_IMAGES), rng)
        return ["RUN --mount=type=bind,from=" + image + ",source=/etc/ssl/certs,target=/certs \\",
                "    cp /certs/ca-certificates.crt /usr/local/share/ca-certificates/extra.crt"]  # fmt: skip
    if kind == "run":
        return [rng.choice(["RUN useradd --create-home --uid 10001 app", "RUN mkdir -p /app/data /app/logs",
                            "RUN chmod +x /usr/local/bin/docker-entrypoint.sh",
                            "RUN ln -sf /dev/stdout /var/log/app.log",
                            "RUN python -m compileall -q /app" if lang == "python" else "RUN ls -la /app",
                            'RUN echo "$(date -u)" > /build-date'])]  # fmt: skip
    if kind == "arg":
        return [rng.choice(["ARG VERSION=0.0.0-dev", "ARG GIT_SHA", "ARG TARGETOS", "ARG TARGETARCH",
                            "ARG BUILD_DATE"])]  # fmt: skip
    if kind == "workdir":
        return [rng.choice(["WORKDIR /app", "WORKDIR /srv", "WORKDIR /opt/app"])]
    return [rng.choice(["# RUN make test", "# COPY --from=build /app/coverage /coverage", "# EXPOSE 9090"])]


def _tail(rng: random.Random, lang: str, name: str, distroless: bool) -> list[list[str]]:
    port = rng.choice([80, 3000, 5000, 8000, 8080, 8443, 9000])
    blocks: list[list[str]] = []
    if rng.random() < 0.6:
        blocks.append([f"EXPOSE {port}"])
    if not distroless and rng.random() < 0.5:
        blocks.append(["HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \\",
                       f"  CMD curl -fsS http://localhost:{port}/healthz || exit 1"])  # fmt: skip
    if rng.random() < 0.7:
        blocks.append([rng.choice(["USER 10001:10001", "USER nonroot:nonroot", "USER app", "USER node"])])
    commands = {
        "python": ['CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi:application"]',
                   f'CMD ["python", "-m", "{name}"]', 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]'],
        "node": ['CMD ["node", "dist/server.js"]', 'CMD ["npm", "start"]'],
        "go": [f'ENTRYPOINT ["/usr/local/bin/{name}"]', f'ENTRYPOINT ["/{name}"]\nCMD ["--help"]'],
        "java": ['ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]'],
        "rust": [f'ENTRYPOINT ["/usr/local/bin/{name}"]'],
        "ruby": ['CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]'],
        "php": ['CMD ["php-fpm"]'],
        "generic": ['ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\nCMD ["serve"]', 'CMD ["/bin/sh"]'],
    }
    blocks.append(rng.choice(commands[lang]).split("\n"))
    return blocks


# ---------------------------------------------------------------- files


class Stage:
    def __init__(self, head: list[str], body: list[list[str]], tail: list[list[str]], alpine: bool) -> None:
        self.head = head
        self.body = body
        self.tail = tail
        self.alpine = alpine

    def lines(self) -> list[str]:
        out = list(self.head)
        for block in self.body + self.tail:
            out.extend(block)
        return out


def _from_line(rng: random.Random, image: str, alias: str | None, platform: bool) -> str:
    parts = ["FROM"]
    if platform:
        parts.append("--platform=$BUILDPLATFORM")
    parts.append(image)
    if alias:
        parts += [rng.choice(["AS", "AS", "as"]), alias]
    return " ".join(parts)


def dockerfile(rng: random.Random, name: str) -> str:
    """One Dockerfile for a service called `name`."""
    lang = rng.choices(LANGS, weights=LANG_WEIGHTS)[0]
    target = rng.randint(MIN_LINES, MAX_LINES)
    header: list[str] = []
    if rng.random() < 0.45:
        header.append(rng.choice(["# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.7",
                                  "# syntax=docker/dockerfile:1.10"]))  # fmt: skip
    header.append(rng.choice([f"# {name}: production image", f"# Build: docker build -t {name} .",
                              f"# Multi-stage build for {name}"]))  # fmt: skip
    if rng.random() < 0.02:
        header.append("# dehub global ignore=DH002 vendor images are mirrored by hand")

    # global ARGs that feed FROM
    builder_image = _fill(rng.choice(BUILDERS[lang]), rng)
    runtime_template, distroless = rng.choice(RUNTIMES[lang])
    runtime_image = _fill(runtime_template, rng)
    style = rng.random()
    builder_ref = _spell(builder_image, rng)
    if style < 0.35:
        arg = BASE_ARG[lang]
        header.append(f"ARG {arg}={_spell(builder_image, rng)}")
        builder_ref = "${" + arg + "}" if rng.random() < 0.7 else "$" + arg
    elif style < 0.55 and lang in VERSION_ARG:
        image, arg, versions, suffixes = VERSION_ARG[lang]
        header.append(f"ARG {arg}={rng.choice(versions)}")
        suffix = rng.choice(suffixes)
        builder_ref = f"{image}:${{{arg}}}{suffix}"
        builder_image = f"{image}:{suffix}"  # what the build stage runs on, for apt-get or apk
        if rng.random() < 0.3:
            header.append(f"ARG BASE={builder_ref}")
            builder_ref = "${BASE}"
    elif style < 0.6:
        header.append("ARG REGISTRY=docker.io")
        builder_ref = "${REGISTRY}/" + ("library/" + builder_image if "/" not in builder_image else builder_image)
    elif style < 0.62:
        header.append("ARG BASE_IMAGE")  # no default: only `--build-arg` says what it is
        builder_ref = "${BASE_IMAGE}"
    runtime_ref = _spell(runtime_image, rng)
    if rng.random() < 0.25 and runtime_image != "scratch":
        header.append(f"ARG RUNTIME_IMAGE={runtime_ref}")
        runtime_ref = "${RUNTIME_IMAGE}"
    if rng.random() < 0.3:
        header.append(rng.choice(["ARG VERSION=0.1.0", "ARG APP_ENV=production", "ARG UID=10001"]))

    stage_count = rng.choices([2, 3, 4], weights=[50, 35, 15])[0]
    platform = rng.random() < 0.4
    alpine_builder = "alpine" in builder_image
    stages: list[Stage] = []
    workdir = rng.choice(["/app", "/src", "/usr/src/app", "/build"])

    # stage 1: dependencies or the build itself
    names = rng.choice([["deps", "build"], ["builder", "builder2"], ["base", "build"], ["build", "compile"]])
    steps = _build_steps(rng, lang, name)
    if stage_count >= 3:
        # deps stage, then a build stage FROM it
        split = max(1, len(steps) // 2)
        stages.append(Stage([_from_line(rng, builder_ref, names[0], platform), f"WORKDIR {workdir}"],
                            steps[:split], [], alpine_builder))  # fmt: skip
        stages.append(Stage([_from_line(rng, names[0], names[1], False)], steps[split:], [], alpine_builder))
        last_build = names[1]
    else:
        stages.append(Stage([_from_line(rng, builder_ref, names[0], platform), f"WORKDIR {workdir}"],
                            steps, [], alpine_builder))  # fmt: skip
        last_build = names[0]
    if stage_count == 4:
        # a test stage that nobody copies from (as `docker build --target test` uses)
        test_cmd = {"python": "RUN pytest -q", "node": "RUN npm test", "go": "RUN go test ./...",
                    "java": "RUN ./mvnw -B test", "rust": "RUN cargo test --locked", "ruby": "RUN bundle exec rspec",
                    "php": "RUN vendor/bin/phpunit", "generic": "RUN make test"}[lang]  # fmt: skip
        stages.append(Stage([_from_line(rng, last_build, "test", False)], [[test_cmd]], [], alpine_builder))
    # final stage
    final_alias = rng.choice([None, None, "runtime", "final", "production"])
    final_head = [_from_line(rng, runtime_ref, final_alias, False)]
    final_body: list[list[str]] = []
    if not distroless:
        final_head.append(f"WORKDIR {workdir}")
    copies = {
        "python": [f"COPY --from={last_build} /install /usr/local", f"COPY --from={last_build} {workdir} /app"],
        "node": [f"COPY --from={last_build} {workdir}/node_modules ./node_modules",
                 f"COPY --from={last_build} {workdir}/dist ./dist"],
        "go": [f"COPY --from={last_build} /out/{name} /usr/local/bin/{name}"],
        "java": [f"COPY --from={last_build} /app.jar /app/app.jar"],
        "rust": [f"COPY --from={last_build} /usr/local/bin/{name} /usr/local/bin/{name}"],
        "ruby": [f"COPY --from={last_build} /usr/local/bundle /usr/local/bundle",
                 f"COPY --from={last_build} {workdir} /app"],
        "php": [f"COPY --from={last_build} {workdir}/vendor ./vendor", "COPY . ."],
        "generic": [f"COPY --from={last_build} /opt/scripts /opt/scripts"],
    }[lang]
    final_body.extend([line] for line in copies)
    stages.append(Stage(final_head, final_body, _tail(rng, lang, name, distroless), "alpine" in runtime_image))

    def render() -> list[str]:
        out = list(header)
        out.append("")
        for stage in stages:
            out.extend(stage.lines())
            if out[-1] != "":
                out.append("")
        while out and out[-1] == "":
            out.pop()
        return out

    def total() -> int:
        return len(render())

    shell_stages = [stage for stage in stages if not (stage is stages[-1] and distroless)]
    guard = 0
    while total() < target and guard < 500:
        guard += 1
        stage = rng.choice(shell_stages)
        block = _filler(rng, lang, name, stage.alpine)
        if total() + len(block) > MAX_LINES:
            continue
        stage.body.insert(rng.randint(0, len(stage.body)), block)
    return "\n".join(render()) + "\n"


def _path(rng: random.Random, index: int, name: str) -> str:
    folder = rng.choices(
        [f"svc-{index:04d}", f"services/{name}-{index}", f"apps/{name}-{index}", f"{rng.choice(ORGS)}-{name}-{index}"],
        weights=[40, 25, 20, 15],
    )[0]
    base = rng.choices(
        ["Dockerfile", "Dockerfile.prod", "Dockerfile.dev", f"{name}.Dockerfile", "Containerfile",
         f"docker/{name}.dockerfile", "build/Dockerfile", "Dockerfile.release", "Dockerfile-ci"],
        weights=[50, 10, 6, 8, 4, 6, 8, 5, 3],
    )[0]  # fmt: skip
    return f"{folder}/{base}"


def generate(n: int = 1000, seed: int = 1) -> list[tuple[str, str]]:
    """`n` (relative path, text) pairs, the same for the same (n, seed)."""
    rng = random.Random(seed)
    files = []
    seen: set[str] = set()
    for index in range(n):
        name = rng.choice(WORDS)
        path = _path(rng, index, name)
        while path in seen:  # cannot happen (the index is in every folder), but stay unique
            path = f"extra-{index}/" + path
        seen.add(path)
        files.append((path, dockerfile(rng, name)))
    return files


def write(root: str, files: list[tuple[str, str]]) -> list[str]:
    """Write the corpus under `root`; return the relative paths in order."""
    for relative, text in files:
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return [relative for relative, _ in files]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="write a deterministic corpus of Dockerfiles")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    written = write(options.out, generate(options.files, options.seed))
    print(f"wrote {len(written)} files under {options.out}")
