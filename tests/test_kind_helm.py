"""The Helm values kind's table on the shared harness (tests/kindtable.py): `image:` in both chart
conventions, what a default install does not pull, and the split fix (an ImageUse `rewrite`)."""

from __future__ import annotations

import pytest
from kindtable import KindTable

from dehub.k8s.helm import parse
from dehub.source import SourceText

M = "public.ecr.aws/docker/library/"
SHA = "sha256:" + "b" * 64

NOOP = [
    pytest.param(f"image:\n  repository: {M}nginx\n  tag: '1.27'\n", {}, id="mirrored"),
    pytest.param("image:\n  registry: public.ecr.aws\n  repository: docker/library/nginx\n", {}, id="mirrored-split"),
    pytest.param("image:\n  registry: quay.io\n  repository: prometheus/node-exporter\n", {}, id="other-registry"),
    pytest.param("image:\n  repository: ghcr.io/acme/app\n  tag: ''\n", {}, id="host-in-repository"),
    pytest.param("# image: nginx:1.27\nreplicaCount: 1\n", {}, id="comment"),
    pytest.param(
        "metrics:\n  enabled: false\n  image:\n    registry: docker.io\n    repository: bitnami/nginx-exporter\n",
        {},
        id="disabled-component",
    ),
    pytest.param("sidecar:\n  enabled: no\n  image: busybox:1.36\n", {}, id="disabled-yaml11"),
    pytest.param("image:\n  pullPolicy: IfNotPresent\n", {}, id="no-repository"),
    pytest.param("image: ''\nimageTag: true\nimage2: nginx\n", {}, id="empty-and-not-images"),
    pytest.param("ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/image: nginx\n", {}, id="not-image-key"),
    pytest.param(
        "controller:\n  image:\n    registry: registry.k8s.io\n    image: ingress-nginx/controller\n    tag: v1.11.2\n",
        {},
        id="ingress-nginx-other-registry",
    ),
    pytest.param(
        "global:\n  imageRegistry: quay.io\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n",
        {},
        id="global-registry-elsewhere",
    ),
]

PROBLEM = [
    pytest.param("image:\n  repository: nginx\n  tag: '1.27'\n", {(2, 15, "DH001")}, id="helm-create"),
    pytest.param('image:\n  repository: nginx\n  tag: ""\n', {(2, 15, "DH001")}, id="empty-tag-is-app-version"),
    pytest.param("image:\n  registry: docker.io\n  repository: nginx\n  tag: 1.27\n", {(3, 15, "DH001")}, id="split"),
    pytest.param("sidecar:\n  image: busybox:1.36\n", {(2, 10, "DH001")}, id="string"),
    pytest.param("web: {image: {repository: redis, tag: '7'}}\n", {(1, 27, "DH001")}, id="flow"),
    pytest.param(
        "defaults: &img\n  registry: docker.io\n  repository: redis\na:\n  image: *img\nb:\n  image:\n    <<: *img\n"
        "    tag: '7'\n",
        {(3, 15, "DH001")},
        id="anchor-merge",
    ),
    pytest.param("initImage:\n  repository: alpine\n  tag: '3.20'\n", {(2, 15, "DH001")}, id="key-ending-in-image"),
    pytest.param("extraContainers:\n  - name: a\n    image: 'alpine:3.20'\n", {(3, 13, "DH001")}, id="container-list"),
    pytest.param(
        "image:\n  registry: ''\n  repository: postgres\n  tag: '16'\n", {(3, 15, "DH003")}, id="registry-left-to-chart"
    ),
    pytest.param(
        "global:\n  imageRegistry: docker.io\nimage:\n  registry: quay.io\n  repository: nginx\n",
        {(5, 15, "DH001")},
        id="global-registry-hub",
    ),
    pytest.param("image: '{{ .Values.base }}/app:1'\n", {(1, 9, "DH003")}, id="tpl-value"),
    pytest.param(
        "controller:\n  image:\n    registry: docker.io\n    image: library/nginx\n    tag: '1.27'\n",
        {(4, 12, "DH001")},
        id="ingress-nginx-shape",
    ),
    pytest.param("hub:\n  image:\n    name: redis\n    tag: '7'\n", {(3, 11, "DH001")}, id="jupyterhub-shape"),
    pytest.param("image:\n  repository: Nginx\n", {(2, 15, "DH006")}, id="invalid"),
    pytest.param("image: [\n", {(2, 1, "DH900")}, id="invalid-yaml"),
]

FIX = [
    pytest.param(
        "image:\n  repository: nginx  # web\n  tag: ''\n",
        f"image:\n  repository: {M}nginx  # web\n  tag: ''\n",
        {},
        id="helm-create",
    ),
    pytest.param(
        "image:\n  registry: docker.io\n  repository: nginx\n  tag: \"1.27\"\n  digest: ''\n",
        "image:\n  registry: public.ecr.aws\n  repository: docker/library/nginx\n  tag: \"1.27\"\n  digest: ''\n",
        {},
        id="split",
    ),
    pytest.param(
        "image: {registry: 'docker.io', repository: \"library/redis\", tag: 7}\n",
        "image: {registry: 'public.ecr.aws', repository: \"docker/library/redis\", tag: 7}\n",
        {},
        id="split-flow-quoted",
    ),
    pytest.param(
        f"a:\n  image: nginx:1.27\n---\nb:\n  image: redis@{SHA}\n",
        f"a:\n  image: {M}nginx:1.27\n---\nb:\n  image: {M}redis@{SHA}\n",
        {},
        id="strings-multi-document",
    ),
    pytest.param(
        "reg: &hub docker.io\na:\n  image: {registry: *hub, repository: nginx}\n"
        "b:\n  image: {registry: *hub, repository: redis}\n",
        "reg: &hub public.ecr.aws\na:\n  image: {registry: *hub, repository: docker/library/nginx}\n"
        "b:\n  image: {registry: *hub, repository: docker/library/redis}\n",
        {},
        id="shared-registry-anchor",
    ),
]

test_noop, test_problem, test_fix = KindTable("helm").tests(NOOP, PROBLEM, FIX)


def test_registry_shared_with_an_image_it_cannot_move_is_not_edited():
    """One anchored `registry: docker.io` feeds nginx (mirrored) and bitnami/x (no mirror): moving
    the registry would break bitnami/x, so the nginx finding has no fix (the shared-edit guard)."""
    from helpers import findings

    text = (
        "reg: &hub docker.io\na:\n  image: {registry: *hub, repository: nginx}\n"
        "b:\n  image: {registry: *hub, repository: bitnami/x}\n"
    )
    found = [f for f in findings(text, "helm") if f.code == "DH001"]
    assert [(f.line, f.fix) for f in found] == [(3, None)]
    assert "no automatic fix" in found[0].message


def test_global_registry_findings_have_no_fix():
    from helpers import findings

    [finding] = findings(
        "global:\n  imageRegistry: docker.io\nimage:\n  registry: quay.io\n  repository: nginx\n", "helm"
    )
    assert finding.code == "DH001" and finding.fix is None
    assert finding.image == "docker.io/nginx:{{ .Chart.AppVersion }}"


def test_split_rewrite_places_host_and_path():
    text = "image:\n  registry: docker.io\n  repository: nginx\n"
    [use] = parse(SourceText(text)).image_uses({})
    assert use.rewrite is not None
    registry_at, repository_at = text.index("docker.io"), text.index("nginx")
    assert use.rewrite("mirror.io/lib/nginx") == (
        (registry_at, registry_at + 9, "mirror.io"),
        (repository_at, repository_at + 5, "lib/nginx"),
    )
    assert use.rewrite("someone/nginx") is None  # a Docker Hub name: no registry to write
    assert use.rewrite("docker.io/someone/nginx") is None


DISABLED = (
    "metrics:\n  enabled: false\n  image:\n    repository: nginx\n    tag: '1.27'\n"
    "sidecar:\n  enabled: no\n  image: busybox:1.36\n"
    "image:\n  repository: redis\n  tag: '7'\n"
)


def test_disabled_components_are_pulls_when_include_disabled_asks():
    """`enabled: false` components are no pull by default; `include-disabled: true` (or
    `--include-disabled`) reads them, as a values override that switches them on would pull them."""
    from helpers import findings, make_config

    assert [(f.line, f.code) for f in findings(DISABLED, "helm")] == [(10, "DH001")]
    found = findings(DISABLED, "helm", config=make_config(include_disabled=True))
    assert sorted((f.line, f.column, f.code) for f in found) == [(4, 17, "DH001"), (8, 10, "DH001"), (10, 15, "DH001")]


def test_include_disabled_from_the_command_line(tmp_path, monkeypatch, capsys):
    import json

    from dehub.hooks.cli import main

    (tmp_path / "values.yaml").write_text(DISABLED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--isolated", "--format", "json", "values.yaml"])
    assert [f["line"] for f in json.loads(capsys.readouterr().out)["findings"]] == [10]
    main(["check", "--isolated", "--format", "json", "--include-disabled", "values.yaml"])
    assert sorted(f["line"] for f in json.loads(capsys.readouterr().out)["findings"]) == [4, 8, 10]
    assert main(["check", "--isolated", "--fix", "--include-disabled", "-q", "values.yaml"]) in (0, 1)
    fixed = (tmp_path / "values.yaml").read_text(encoding="utf-8")
    assert "repository: public.ecr.aws/docker/library/nginx\n" in fixed
    assert "image: public.ecr.aws/docker/library/busybox:1.36\n" in fixed
