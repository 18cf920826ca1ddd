"""The Kubernetes manifest kind's table on the shared harness (tests/kindtable.py), and its sniff:
strict enough that a Helm chart's templates and other YAML are not taken for manifests."""

from __future__ import annotations

import json

import pytest
from kindtable import KindTable

from dehub import kinds

M = "public.ecr.aws/docker/library/"
DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
POD = "apiVersion: v1\nkind: Pod\nspec:\n"
CRON = (
    "apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          containers:\n"
)

NOOP = [
    pytest.param(POD + f"  containers:\n    - image: {M}nginx:1.27\n", {}, id="mirrored"),
    pytest.param(POD + "  containers:\n    - image: ghcr.io/acme/app:1\n", {}, id="other-registry"),
    pytest.param(POD + "  containers:\n    # - image: nginx:1.27\n    - image: quay.io/a/b\n", {}, id="comment"),
    pytest.param(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  image: nginx:1.27\n  spec: 'containers: [{image: nginx}]'\n",
        {},
        id="configmap-data",
    ),
    pytest.param(
        "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    image: nginx\nspec:\n  containers:\n"
        "    - image: nginx:1.27\n",
        {},
        id="not-a-pod-spec",
    ),
    pytest.param(POD + "  containers:\n    - name: a\n      image: ''\n", {}, id="empty"),
    pytest.param(
        DEPLOY + "      volumes:\n        - name: v\n          image: {reference: nginx:1.27}\n", {}, id="image-volume"
    ),
    pytest.param("apiVersion: v1\nkind: List\nitems: []\n", {}, id="empty-list"),
    pytest.param(
        POD + "  containers:\n    - image: app:dev\n      imagePullPolicy: Never\n", {}, id="pull-policy-never"
    ),
]

PROBLEM = [
    pytest.param(POD + "  containers:\n    - name: web\n      image: nginx:1.27\n", {(6, 14, "DH001")}, id="pod"),
    pytest.param(
        DEPLOY + "      initContainers:\n        - image: busybox:1.36\n      containers:\n"
        "        - image: nginx:1.27\n      ephemeralContainers:\n        - image: alpine:3.20\n",
        {(9, 18, "DH001"), (11, 18, "DH001"), (13, 18, "DH001")},
        id="deployment-all-lists",
    ),
    pytest.param(CRON + "            - image: alpine:3.20\n", {(9, 22, "DH001")}, id="cronjob"),
    pytest.param(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - image: redis:7\n",
        {(7, 18, "DH001")},
        id="crd-pod-template",
    ),
    pytest.param(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    spec:\n      containers:\n"
        "        - image: nginx:1.27\n",
        {(8, 18, "DH001")},
        id="list",
    ),
    pytest.param(
        POD + "  containers:\n    - image: nginx:1.27\n---\n" + POD + "  containers:\n    - image: redis:7\n",
        {(5, 14, "DH001"), (11, 14, "DH001")},
        id="multi-document",
    ),
    pytest.param(
        POD + "  containers: [{name: a, image: 'nginx:1.27'}, {name: b, image: \"redis:7\"}]\n",
        {(4, 34, "DH001"), (4, 66, "DH001")},
        id="flow-quoted",
    ),
    pytest.param(
        POD + "  initContainers:\n    - &c {name: a, image: nginx:1.27}\n  containers:\n    - *c\n",
        {(5, 27, "DH001")},
        id="anchor-alias",
    ),
    pytest.param(
        "apiVersion: v1\nkind: Pod\nx-base: &base {name: a, image: redis:7}\nspec:\n  containers:\n"
        "    - <<: *base\n      name: b\n",
        {(3, 32, "DH001")},
        id="merge-key",
    ),
    pytest.param(POD + "  containers:\n    - image: ${REGISTRY}/app:1\n", {(5, 14, "DH003")}, id="envsubst-name"),
    pytest.param(POD + "  containers:\n    - image: redis:${TAG}\n", {(5, 14, "DH001")}, id="envsubst-tag"),
    pytest.param(
        POD + "  containers:\n    - image: <your-registry>/app:1\n", {(5, 14, "DH003")}, id="placeholder-name"
    ),
    pytest.param(
        POD + '  containers:\n    - image: "{{ .Values.image }}"\n', {(5, 15, "DH003")}, id="quoted-template-value"
    ),
    pytest.param(POD + "  containers:\n    - image: Nginx\n", {(5, 14, "DH006")}, id="invalid-reference"),
    pytest.param(POD + "  containers: [\n", {(5, 1, "DH900")}, id="invalid-yaml"),
    pytest.param(
        '{\n  apiVersion: "v1",\n  kind: "Pod",\n  spec: {containers: [{name: "a", image: "busybox:1.28"}]},\n}\n',
        {(4, 43, "DH001")},
        id="flow-document",
    ),
]

FIX = [
    pytest.param(
        DEPLOY + "      containers:\n        - name: web\n          image: nginx:1.27  # pinned\n",
        DEPLOY + f"      containers:\n        - name: web\n          image: {M}nginx:1.27  # pinned\n",
        {},
        id="deployment-comment-kept",
    ),
    pytest.param(
        CRON + "            - image: 'alpine:3.20'\n            - image: \"busybox@sha256:" + "a" * 64 + '"\n',
        CRON + f"            - image: '{M}alpine:3.20'\n            - image: \"{M}busybox@sha256:" + "a" * 64 + '"\n',
        {},
        id="quoted-tag-and-digest",
    ),
    pytest.param(
        POD
        + "  containers: [{name: a, image: nginx}]\n---\n"
        + POD
        + "  containers:\n    - image: docker.io/redis:7\n",
        POD
        + f"  containers: [{{name: a, image: {M}nginx}}]\n---\n"
        + POD
        + f"  containers:\n    - image: {M}redis:7\n",
        {},
        id="flow-and-multi-document",
    ),
    pytest.param(
        POD + "  initContainers:\n    - &c {name: a, image: nginx:1.27}\n  containers:\n    - *c\n",
        POD + f"  initContainers:\n    - &c {{name: a, image: {M}nginx:1.27}}\n  containers:\n    - *c\n",
        {},
        id="anchor-fixed-once",
    ),
    pytest.param(
        POD + "  containers:\n    - image: redis:${TAG:-7}\n",
        POD + f"  containers:\n    - image: {M}redis:${{TAG:-7}}\n",
        {},
        id="envsubst-tag-kept",
    ),
]

test_noop, test_problem, test_fix = KindTable("kubernetes").tests(NOOP, PROBLEM, FIX)


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        (POD + "  containers: []\n", True),
        ("# comment\n---\n" + POD + "  containers: []\n", True),
        ("metadata:\n  name: x\nkind: Pod\napiVersion: v1\n", True),
        (POD + '  containers:\n    - image: "{{ .Values.image }}"\n', True),  # YAML: the value is quoted
        ("{{- if .Values.enabled }}\n" + POD + "  containers: []\n{{- end }}\n", False),  # a chart template
        (POD + "  containers:\n    - image: {{ .Values.image }}\n", False),
        (POD + "  containers:\n    - image: x # {{ not an action: a comment }}\n", True),
        (POD + "  containers:\n    - image: x\n      args:\n        - {{ .Values.arg }}\n", False),
        (
            (
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  rules.yml: |\n    summary: {{ $labels.job }} down\n"
                "    description: >-\n      {{ $value }}\n  note: Job {{ $labels.job }} is down\n"
            ),
            True,  # alerting templates in a block scalar and inside a plain scalar: YAML
        ),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n  b: {{ .Values.b }}\n", False),
        ("apiVersion: v1\ndata:\n  kind: Pod\n", False),  # `kind` not at the top level
        ("kind: Pod\n", False),
        ('---\n{\n  apiVersion: "v1",\n  kind: "Pod",\n  spec: {containers: [{image: "nginx"}]},\n}\n', True),
        ('{"apiVersion": "v1", "kind": "Pod"}\n', True),
        ('{"name": "x", "version": "1"}\n', False),
        ("on: push\njobs:\n  a:\n    container: node:20\n", False),
        ("services:\n  web:\n    image: nginx\n", False),
    ],
)
def test_sniff_takes_manifests_only(text, claimed):
    from dehub.k8s.manifests import sniff

    assert sniff(text) is claimed
    assert (kinds.kind_for_text(text) == "kubernetes") is claimed


def test_a_walk_takes_manifests_and_skips_chart_templates_quietly(tmp_path, monkeypatch, capsys):
    from dehub.hooks.cli import main

    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n", encoding="utf-8")
    (chart / "templates" / "deployment.yaml").write_text(
        "{{- if .Values.enabled }}\n"
        + DEPLOY
        + "      containers:\n        - image: {{ .Values.image }}\n{{- end }}\n",
        encoding="utf-8",
    )
    (tmp_path / "app.yaml").write_text(POD + "  containers:\n    - image: nginx:1.27\n", encoding="utf-8")
    (tmp_path / "notes.yml").write_text("just: data\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "."]) == 1
    out, err = capsys.readouterr()
    assert [(f["path"], f["kind"], f["code"]) for f in json.loads(out)["findings"]] == [
        ("app.yaml", "kubernetes", "DH001")
    ]
    assert err == ""
    # named with --kind, a chart template is read as the YAML it is not
    assert main(["check", "--kind", "kubernetes", "--format", "json", "chart/templates/deployment.yaml"]) == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["DH900"]


def test_a_template_action_after_a_block_scalar_in_a_list_item_is_seen():
    """`  - args: |` opens a block scalar at the key's indent, not the dash's: the `image:` line
    after it is the item's next key, and its `{{ }}` makes the file a Helm template."""
    from dehub.k8s import manifests

    text = (
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - args: |\n      echo hi\n"
        "    image: {{ .Values.image }}\n"
    )
    assert not manifests.sniff(text)
    assert manifests.sniff(text.replace("{{ .Values.image }}", "node:20"))
