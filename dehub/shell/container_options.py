"""Which options of docker, podman, nerdctl and buildah take a value, per subcommand.

Each set holds the options that take a value (the next word, unless written `--opt=value` or
`-ovalue`); any other option is a flag. Getting these right is what tells `docker run --name
node alpine` (image `alpine`) from `docker run --rm node alpine` (image `node`). Sources: each
tool's `--help` and man pages (podman-run(1), buildah-build(1), ...) and, where those are
silent, the flag definitions in their source.
"""

# docker (docker --help): only before the subcommand.
DOCKER_GLOBAL = frozenset(
    ("--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey")
)
# podman root flags that are persistent (also accepted after the subcommand) ...
PODMAN_PERSISTENT = frozenset(
    (
        "--cdi-spec-dir", "--cgroup-manager", "--cni-config-dir", "--config", "--conmon", "--cpu-profile",
        "--db-backend", "--default-mounts-file", "--events-backend", "--hooks-dir", "--imagestore",
        "--log-level", "--max-workers", "--memory-profile", "--module", "--namespace", "--network-backend",
        "--network-cmd-path", "--network-config-dir", "--out", "--registries-conf", "--root", "--runroot",
        "--runtime", "--runtime-flag", "--ssh", "--storage-driver", "--storage-opt", "--tmpdir", "--volumepath",
    )
)
# ... and the local ones (before the subcommand only). `--remote`/`-r` is a flag.
PODMAN_GLOBAL = PODMAN_PERSISTENT | frozenset(("-c", "--connection", "--context", "--identity", "--url"))
# nerdctl global flags are all persistent.
NERDCTL_GLOBAL = frozenset(
    (
        "-n", "--namespace", "-a", "--address", "-H", "--host", "--snapshotter", "--storage-driver",
        "--cni-path", "--cni-netconfpath", "--data-root", "--cgroup-manager", "--hosts-dir",
        "--host-gateway-ip", "--bridge-ip", "--userns-remap", "--global-dns", "--global-dns-opts",
        "--global-dns-search",
    )
)
BUILDAH_GLOBAL = frozenset(
    (
        "--cgroup-manager", "--cpu-profile", "--default-mounts-file", "--log-level", "--memory-profile",
        "--registries-conf", "--registries-conf-dir", "--root", "--runroot", "--short-name-alias-conf",
        "--storage-driver", "--storage-opt", "--userns-gid-map", "--userns-uid-map",
    )
)

# docker run / docker create (docker run --help). Flags include -d, -i, -t, -P, -q, --rm, --init,
# --privileged, --read-only, --sig-proxy, --oom-kill-disable, --no-healthcheck,
# --disable-content-trust, --use-api-socket.
DOCKER_RUN = frozenset(
    (
        "-a", "--attach", "--add-host", "--annotation", "--blkio-weight", "--blkio-weight-device",
        "--cap-add", "--cap-drop", "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-count",
        "--cpu-percent", "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime", "-c",
        "--cpu-shares", "--cpus", "--cpuset-cpus", "--cpuset-mems", "--credentialspec", "--detach-keys",
        "--device", "--device-cgroup-rule", "--device-read-bps", "--device-read-iops", "--device-write-bps",
        "--device-write-iops", "--dns", "--dns-opt", "--dns-option", "--dns-search", "--domainname",
        "--entrypoint", "-e", "--env", "--env-file", "--expose", "--gpus", "--group-add", "--health-cmd",
        "--health-interval", "--health-retries", "--health-start-interval", "--health-start-period",
        "--health-timeout", "-h", "--hostname", "--io-maxbandwidth", "--io-maxiops", "--ip", "--ip6",
        "--ipc", "--isolation", "--kernel-memory", "-l", "--label", "--label-file", "--link",
        "--link-local-ip", "--log-driver", "--log-opt", "--mac-address", "-m", "--memory",
        "--memory-reservation", "--memory-swap", "--memory-swappiness", "--mount", "--name", "--network",
        "--net", "--network-alias", "--net-alias", "--oom-score-adj", "--pid", "--pids-limit",
        "--platform", "-p", "--publish", "--pull", "--restart", "--runtime", "--security-opt",
        "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt", "--sysctl", "--tmpfs",
        "--ulimit", "-u", "--user", "--userns", "--uts", "-v", "--volume", "--volume-driver",
        "--volumes-from", "-w", "--workdir",
    )
)
# podman run / create adds these (podman-run(1); cmd/podman/common/create.go, netflags.go).
PODMAN_RUN = (
    DOCKER_RUN
    | PODMAN_PERSISTENT
    | frozenset(
        (
            "--arch", "--authfile", "--cert-dir", "--cgroup-conf", "--cgroups", "--chrootdirs",
            "--conmon-pidfile", "--creds", "--decryption-key", "--env-merge", "--gidmap", "--group-entry",
            "--health-log-destination", "--health-max-log-count", "--health-max-log-size",
            "--health-on-failure", "--health-startup-cmd", "--health-startup-interval",
            "--health-startup-retries", "--health-startup-success", "--health-startup-timeout",
            "--hosts-file", "--hostuser", "--image-volume", "--init-path", "--os", "--passwd-entry",
            "--personality", "--pidfile", "--pod", "--pod-id-file", "--preserve-fd", "--preserve-fds",
            "--rdt-class", "--requires", "--retry", "--retry-delay", "--sdnotify", "--seccomp-policy",
            "--secret", "--shm-size-systemd", "--signature-policy", "--subgidname", "--subuidname",
            "--systemd", "--timeout", "--tz", "--uidmap", "--umask", "--unsetenv", "--variant",
        )
    )
)
# nerdctl run / create adds these (cmd/nerdctl/container/container_run.go).
NERDCTL_RUN = (
    DOCKER_RUN
    | NERDCTL_GLOBAL
    | frozenset(
        (
            "--cgroup-conf", "--cosign-key", "--cosign-certificate-identity",
            "--cosign-certificate-identity-regexp", "--cosign-certificate-oidc-issuer",
            "--cosign-certificate-oidc-issuer-regexp", "--init-binary", "--ipfs-address", "--pidfile",
            "--rdt-class", "--systemd", "--umask", "--verify",
        )
    )
)
# pull: docker flags are -a/--all-tags, -q/--quiet, --disable-content-trust.
DOCKER_PULL = frozenset(("--platform",))
PODMAN_PULL = PODMAN_PERSISTENT | frozenset(
    (
        "--arch", "--authfile", "--cert-dir", "--creds", "--decryption-key", "--os", "--platform", "--policy",
        "--retry", "--retry-delay", "--signature-policy", "--variant",
    )
)
NERDCTL_PULL = NERDCTL_GLOBAL | frozenset(
    (
        "--platform", "--unpack", "--verify", "--cosign-key", "--cosign-certificate-identity",
        "--cosign-certificate-identity-regexp", "--cosign-certificate-oidc-issuer",
        "--cosign-certificate-oidc-issuer-regexp", "--ipfs-address", "--soci-index-digest",
    )
)
BUILDAH_PULL = BUILDAH_GLOBAL | (PODMAN_PULL - PODMAN_PERSISTENT)
# buildah from [options] IMAGE (its --pull takes an optional value, so only `--pull=x` is one word).
BUILDAH_FROM = BUILDAH_GLOBAL | frozenset(
    (
        "--add-host", "--arch", "--authfile", "--cap-add", "--cap-drop", "--cdi-config-dir", "--cert-dir",
        "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-period", "--cpu-quota", "-c", "--cpu-shares",
        "--cpuset-cpus", "--cpuset-mems", "--creds", "--decryption-key", "--device", "--dns", "--dns-option",
        "--dns-search", "-f", "--format", "--ipc", "--isolation", "-m", "--memory", "--memory-swap", "--name",
        "--network", "--net", "--os", "--pid", "--platform", "--retry", "--retry-delay", "--security-opt",
        "--shm-size", "--signature-policy", "--ulimit", "--userns", "--userns-gid-map",
        "--userns-gid-map-group", "--userns-uid-map", "--userns-uid-map-user", "--uts", "--variant", "-v",
        "--volume",
    )
)
# login [OPTIONS] [SERVER]; --password-stdin is a flag.
DOCKER_LOGIN = frozenset(("-u", "--username", "-p", "--password"))
PODMAN_LOGIN = (
    DOCKER_LOGIN | PODMAN_PERSISTENT | frozenset(("--authfile", "--cert-dir", "--compat-auth-file", "--secret"))
)
NERDCTL_LOGIN = DOCKER_LOGIN | NERDCTL_GLOBAL
BUILDAH_LOGIN = BUILDAH_GLOBAL | (PODMAN_LOGIN - PODMAN_PERSISTENT)
# build: docker build (classic builder) and docker buildx build. Flags include --check, --load,
# --no-cache, --pull, --push, -q/--quiet, --rm, --force-rm, --squash, --compress.
DOCKER_BUILD = frozenset(
    (
        "--add-host", "--allow", "--annotation", "--attest", "--build-arg", "--build-context", "--builder",
        "--cache-from", "--cache-to", "--call", "--cgroup-parent", "-f", "--file", "--iidfile", "--label",
        "--metadata-file", "--network", "--no-cache-filter", "-o", "--output", "--platform", "--progress",
        "--provenance", "--sbom", "--secret", "--shm-size", "--ssh", "-t", "--tag", "--target", "--ulimit",
        "--cpu-period", "--cpu-quota", "-c", "--cpu-shares", "--cpuset-cpus", "--cpuset-mems", "--isolation",
        "-m", "--memory", "--memory-swap", "--security-opt",
    )
)
# podman build and buildah bud share their options (buildah-build(1)). Flags include --layers,
# --no-cache, -q, --rm, --force-rm, --squash, --squash-all, --all-platforms, --tls-verify,
# --pull-always, --pull-never, -D/--disable-compression; --pull takes an optional value.
BUILD_USING_DOCKERFILE = frozenset(
    (
        "--add-host", "--annotation", "--arch", "--authfile", "--build-arg", "--build-arg-file", "--build-context",
        "--cache-from", "--cache-to", "--cache-ttl", "--cap-add", "--cap-drop", "--cert-dir", "--cgroup-parent",
        "--cgroupns", "--cpp-flag", "--cpu-period", "--cpu-quota", "-c", "--cpu-shares", "--cpuset-cpus",
        "--cpuset-mems", "--creds", "--cw", "--decryption-key", "--device", "--dns", "--dns-option",
        "--dns-search", "--env", "-f", "--file", "--format", "--from", "--group-add", "--hooks-dir", "--ignorefile",
        "--iidfile", "--ipc", "--isolation", "--jobs", "--label", "--layer-label", "--logfile", "--manifest", "-m",
        "--memory", "--memory-swap", "--network", "--net", "-o", "--output", "--os", "--os-feature", "--os-version",
        "--pid", "--platform", "--retry", "--retry-delay", "--runtime", "--runtime-flag", "--sbom",
        "--sbom-image-output", "--sbom-image-purl-output", "--sbom-merge-strategy", "--sbom-output",
        "--sbom-purl-output", "--sbom-scanner-command", "--sbom-scanner-image", "--secret", "--security-opt",
        "--shm-size", "--sign-by", "--signature-policy", "--source-date-epoch", "--ssh", "-t", "--tag", "--target",
        "--timestamp", "--ulimit", "--unsetannotation", "--unsetenv", "--unsetlabel", "--userns", "--userns-gid-map",
        "--userns-gid-map-group", "--userns-uid-map", "--userns-uid-map-user", "--uts", "--variant", "-v",
        "--volume",
    )
)
PODMAN_BUILD = BUILD_USING_DOCKERFILE | PODMAN_PERSISTENT
BUILDAH_BUILD = BUILD_USING_DOCKERFILE | BUILDAH_GLOBAL
# nerdctl build (cmd/nerdctl/builder/builder_build.go). Flags: --no-cache, -q, --rm.
NERDCTL_BUILD = NERDCTL_GLOBAL | frozenset(
    (
        "--buildkit-host", "-f", "--file", "-t", "--tag", "--target", "--build-arg", "-o", "--output", "--progress",
        "--secret", "--allow", "--ssh", "--cache-from", "--cache-to", "--iidfile", "--label", "--platform",
        "--network", "--build-context", "--attest", "--sbom", "--provenance", "--annotation",
    )
)
# tag SOURCE TARGET...: no options of their own.
DOCKER_TAG: frozenset[str] = frozenset()
PODMAN_TAG = PODMAN_PERSISTENT
NERDCTL_TAG = NERDCTL_GLOBAL
BUILDAH_TAG = BUILDAH_GLOBAL
# docker buildx create [OPTIONS] [CONTEXT|ENDPOINT]; flags: --append, --bootstrap, --leave, --use.
BUILDX_CREATE = frozenset(
    (
        "--buildkitd-config", "--buildkitd-flags", "--config", "--driver", "--driver-opt", "--name", "--node",
        "--platform", "--builder", "--timeout",
    )
)
# docker buildx bake [OPTIONS] [TARGET...]; flags: --load, --push, --no-cache, --pull, --print, --list-*.
BUILDX_BAKE = frozenset(
    (
        "--allow", "--builder", "--call", "-f", "--file", "--list", "--metadata-file", "--progress",
        "--provenance", "--sbom", "--set",
    )
)
# docker buildx use [OPTIONS] NAME; flags: --default, --global.
BUILDX_USE = frozenset(("--builder",))
# docker run --pull=always|missing|never; podman also --pull=newer.
PULL_POLICY = frozenset(("--pull",))

# The options that take no value, per tool, for `run`/`create` and `pull`: with the value
# options above, the whole grammar. An option in neither (a flag newer than these lists, or a
# typo) followed by two words leaves the image in doubt: `docker run --new-flag value alpine`
# runs `alpine` if the flag takes a value, `value` if it does not; then no image is reported
# (shell.containers), rather than a word that may be an option's value.
DOCKER_RUN_FLAGS = frozenset(
    (
        "-d", "--detach", "-i", "--interactive", "-t", "--tty", "-P", "--publish-all", "-q", "--quiet", "--rm",
        "--init", "--privileged", "--read-only", "--sig-proxy", "--oom-kill-disable", "--no-healthcheck",
        "--disable-content-trust", "--use-api-socket", "--help",
    )
)  # fmt: skip
PODMAN_RUN_FLAGS = DOCKER_RUN_FLAGS | frozenset(
    (
        "--env-host", "--http-proxy", "--no-hostname", "--no-hosts", "--passwd", "--read-only-tmpfs", "--replace",
        "--rmi", "--tls-verify", "--remote", "-r",
    )
)  # fmt: skip
NERDCTL_RUN_FLAGS = DOCKER_RUN_FLAGS | frozenset(("--rootfs", "--insecure-registry", "--debug", "--debug-full"))
DOCKER_PULL_FLAGS = frozenset(("-a", "--all-tags", "-q", "--quiet", "--disable-content-trust", "--help"))
PODMAN_PULL_FLAGS = DOCKER_PULL_FLAGS | frozenset(("--tls-verify", "--remote", "-r"))
NERDCTL_PULL_FLAGS = frozenset(
    ("-q", "--quiet", "--all-platforms", "--help", "--insecure-registry", "--debug", "--debug-full")
)
BUILDAH_PULL_FLAGS = frozenset(("-a", "--all-tags", "-q", "--quiet", "--tls-verify", "--remove-signatures", "--help"))
# buildah from: its --pull takes a value only as `--pull=x`, so a bare `--pull` is a flag
BUILDAH_FROM_FLAGS = frozenset(
    ("--http-proxy", "--pull", "--pull-always", "--pull-never", "-q", "--quiet", "--tls-verify", "--help")
)
