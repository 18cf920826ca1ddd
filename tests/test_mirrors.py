"""Mirror targets (`mirror.target`, `--mirror`): every preset's names, cache kind and fix safety,
what stays ECR-Public-only, `mirror.map` and `mirror.kinds` on top, and configuration errors."""

from __future__ import annotations

import json
import sys

import pytest
from helpers import findings, fixed, make_config

from dehub.config import ConfigError
from dehub.hooks.cli import main
from dehub.lint import Settings
from dehub.mirrors import NAMES, ON_DEMAND, PARTIAL, expand, is_valid_name, normalize_template, sample
from dehub.policy import MIRROR, NO_MIRROR, Policy
from dehub.reference import parse

DIGEST = "sha256:" + "ab" * 32
ACCOUNT_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
GL = "${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}"
PARAMS = {
    "ecr-public": {},
    "gcr": {},
    "ecr-pull-through": {"account": "123456789012", "region": "eu-west-1", "prefix": "docker-hub"},
    "gitlab-dependency-proxy": {},
    "harbor": {"host": "harbor.example.com:8443", "project": "dockerhub"},
    "artifactory": {"host": "acme.jfrog.io", "repository": "docker-remote"},
    "custom": {"template": "registry.example.com/hub/{registry}/{path}"},
}
# preset -> (official `node`, non-official `myorg/app` or None, cache, the fix's safety)
EXPECTED = {
    "ecr-public": ("public.ecr.aws/docker/library/node", None, "", "safe"),
    "gcr": ("mirror.gcr.io/library/node", "mirror.gcr.io/myorg/app", PARTIAL, "unsafe"),
    "ecr-pull-through": (f"{ACCOUNT_HOST}/docker-hub/library/node", f"{ACCOUNT_HOST}/docker-hub/myorg/app",
                         ON_DEMAND, "safe"),
    "gitlab-dependency-proxy": (f"{GL}/node", f"{GL}/myorg/app", ON_DEMAND, "safe"),
    "harbor": ("harbor.example.com:8443/dockerhub/library/node", "harbor.example.com:8443/dockerhub/myorg/app",
               ON_DEMAND, "safe"),
    "artifactory": ("acme.jfrog.io/docker-remote/library/node", "acme.jfrog.io/docker-remote/myorg/app", ON_DEMAND,
                    "safe"),
    "custom": ("registry.example.com/hub/docker.io/library/node", "registry.example.com/hub/docker.io/myorg/app", "",
               "safe"),
}  # fmt: skip
KIND = {"gitlab-dependency-proxy": "gitlab"}  # the kind each preset applies to by default (else every kind)


def config_for(name: str, **extra: object):
    return make_config(mirror={"target": name, **PARAMS[name], **extra})


def policy_for(name: str, **extra: object) -> Policy:
    return Settings(config_for(name, **extra)).policy


def test_every_preset_is_covered():
    assert set(NAMES) == set(PARAMS) == set(EXPECTED)


# --- decisions per preset --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_official_image(name):
    official, _, cache, safety = EXPECTED[name]
    decision = policy_for(name).decide(parse("node:20"), KIND.get(name, "dockerfile"))
    assert (decision.verdict, decision.replacement, decision.cache, decision.safety) == (
        MIRROR, official, cache, safety
    )  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_non_official_image(name):
    _, other, cache, safety = EXPECTED[name]
    decision = policy_for(name).decide(parse("myorg/app:1"), KIND.get(name, "dockerfile"))
    if other is None:
        assert (decision.verdict, decision.replacement) == (NO_MIRROR, None)
    else:
        assert (decision.verdict, decision.replacement, decision.cache, decision.safety) == (
            MIRROR, other, cache, safety
        )  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_arch_namespace(name):
    """`amd64/alpine` is a repository of its own on Docker Hub: a cache serves it as it is; ECR
    Public has only the multi-arch `alpine`, and says so."""
    decision = policy_for(name).decide(parse("amd64/alpine:3.20"), KIND.get(name, "dockerfile"))
    _, other, _, _ = EXPECTED[name]
    if other is None:
        assert decision.verdict == NO_MIRROR
        assert "the multi-arch public.ecr.aws/docker/library/alpine" in decision.reason
    else:
        assert decision.replacement == other.replace("myorg/app", "amd64/alpine")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "written",
    ["node", "node:20", "node:20.11.1-bookworm-slim", f"node@{DIGEST}", f"node:20@{DIGEST}",
     "docker.io/library/node:20", "index.docker.io/node:lts"],
)  # fmt: skip
def test_tag_and_digest_are_kept_exactly(name, written):
    official = EXPECTED[name][0]
    suffix = written[written.index("node") + 4 :]
    text = f"image: {written}\n" if KIND.get(name) == "gitlab" else f"FROM {written}\n"
    kind = KIND.get(name, "dockerfile")
    (finding,) = findings(text, kind, config_for(name))
    assert finding.suggestion == official + suffix
    after = fixed(text, kind, unsafe=True, config=config_for(name))
    assert after == text.replace(written, official + suffix)


@pytest.mark.parametrize("name", NAMES)
def test_mirror_map_overrides_the_target(name):
    policy = policy_for(name, map={"node": "registry.example.com/own/{name}", "myorg/*": "registry.example.com/{path}"})
    kind = KIND.get(name, "dockerfile")
    node = policy.decide(parse("node:20"), kind)
    app = policy.decide(parse("myorg/app:1"), kind)
    assert (node.replacement, node.safety, node.cache) == ("registry.example.com/own/node", "safe", "")
    assert (app.replacement, app.safety, app.cache) == ("registry.example.com/myorg/app", "safe", "")


ECR_DATA_CASES = [  # what the shipped data says about ECR Public alone
    "azul-zulu:21",  # missing
    "python:3.12-windowsservercore-ltsc2022",  # unverified
    "centos:7",  # removed from the official images
    "bitnami/redis:7.4",  # missing
    "moby/buildkit:buildx-stable-1",  # missing
    "docker/dockerfile:1",  # missing
]


@pytest.mark.parametrize("name", [name for name in NAMES if EXPECTED[name][2] == ON_DEMAND])
@pytest.mark.parametrize("image", ECR_DATA_CASES)
def test_ecr_public_data_does_not_apply_to_pull_through_caches(name, image):
    decision = policy_for(name).decide(parse(image), KIND.get(name, "dockerfile"))
    assert (decision.verdict, decision.safety, decision.reason) == (MIRROR, "safe", "")


@pytest.mark.parametrize("image", ECR_DATA_CASES)
def test_ecr_public_data_still_applies_to_ecr_public(image):
    decision = Policy().decide(parse(image))
    assert (decision.verdict, decision.safety) in ((NO_MIRROR, None), (MIRROR, "unsafe"))
    assert decision.reason


@pytest.mark.parametrize("name", [name for name in NAMES if name != "ecr-public"])
@pytest.mark.parametrize("image", [*ECR_DATA_CASES, "myorg/app:1", "amd64/alpine:3.20", "node:20"])
def test_messages_do_not_talk_about_ecr_public_under_another_target(name, image):
    kind = KIND.get(name, "dockerfile")
    text = f"image: {image}\n" if kind == "gitlab" else f"FROM {image}\n"
    for finding in findings(text, kind, config_for(name)):
        assert "ecr" not in finding.message.lower().replace(ACCOUNT_HOST, ""), finding.message


def test_gcr_fix_is_unsafe_and_says_why():
    text = "FROM node:20\n"
    (finding,) = findings(text, config=config_for("gcr"))
    assert finding.fixable == "unsafe"
    assert finding.message.endswith(
        "(unsafe fix: mirror.gcr.io caches only frequently pulled images; verify with --verify)"
    )
    assert fixed(text, config=config_for("gcr")) == text
    assert fixed(text, unsafe=True, config=config_for("gcr")) == "FROM mirror.gcr.io/library/node:20\n"


def test_custom_with_official_template_only_maps_official_images():
    config = make_config(mirror={"target": "custom", "official-template": "registry.example.com/lib/{name}"})
    policy = Settings(config).policy
    assert policy.decide(parse("node:20")).replacement == "registry.example.com/lib/node"
    assert policy.decide(parse("notanimage:1")).verdict == NO_MIRROR  # not in the official list
    other = policy.decide(parse("myorg/app:1"))
    assert other.verdict == NO_MIRROR
    assert "`custom` mirror target maps official images only" in other.reason
    arch = policy.decide(parse("amd64/alpine"))
    assert "the multi-arch registry.example.com/lib/alpine" in arch.reason
    (finding,) = findings("FROM myorg/app:1\n", config=config)
    assert finding.code == "DH002"
    assert "ECR" not in finding.message and "public.ecr.aws" not in finding.message


def test_custom_both_templates_and_cache():
    config = make_config(
        mirror={
            "target": "custom",
            "official-template": "registry.example.com/lib/{name}",
            "template": "registry.example.com/hub/{path}:{tag}@{digest}",
            "cache": "on-demand",
        }
    )
    policy = Settings(config).policy
    node, app = policy.decide(parse("node")), policy.decide(parse("myorg/app"))
    assert (node.replacement, node.cache) == ("registry.example.com/lib/node", ON_DEMAND)
    assert (app.replacement, app.cache, app.safety) == ("registry.example.com/hub/myorg/app", ON_DEMAND, "safe")
    partial = make_config(mirror={"target": "custom", "template": "cache.example.com/{path}", "cache": "partial"})
    decision = Settings(partial).policy.decide(parse("node"))
    assert (decision.safety, decision.cache) == ("unsafe", PARTIAL)
    assert "verify with --verify" in decision.reason


def test_gitlab_direct_variant():
    decision = policy_for("gitlab-dependency-proxy", direct=True).decide(parse("myorg/app:1"), "gitlab")
    assert decision.replacement == "${CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX}/myorg/app"


# --- kinds -----------------------------------------------------------------------------------


def test_gitlab_dependency_proxy_applies_to_gitlab_files_only_by_default():
    config = config_for("gitlab-dependency-proxy")
    (dockerfile,) = findings("FROM node:20\n", "dockerfile", config)
    assert dockerfile.suggestion == "public.ecr.aws/docker/library/node:20"
    (other,) = findings("FROM myorg/app:1\n", "dockerfile", config)
    assert other.code == "DH002"
    assert "(the mirror target `gitlab-dependency-proxy` applies to GitLab CI files only: `mirror.kinds`)" in (
        other.message
    )
    (gitlab,) = findings("image: node:20\n", "gitlab", config)
    assert gitlab.suggestion == f"{GL}/node:20"


def test_kinds_widens_and_narrows_a_target():
    wider = config_for("gitlab-dependency-proxy", kinds=["gitlab", "compose"])
    (compose,) = findings("services:\n  web:\n    image: node:20\n", "compose", wider)
    assert compose.suggestion == f"{GL}/node:20"
    narrower = config_for("harbor", kinds=["dockerfile"])
    assert findings("FROM node:20\n", "dockerfile", narrower)[0].suggestion.startswith("harbor.example.com")
    assert findings("image: node:20\n", "gitlab", narrower)[0].suggestion.startswith("public.ecr.aws/")


def test_one_policy_decides_each_kind_apart():
    """The memo is per target: a Dockerfile's answer is not reused for a GitLab file."""
    policy = policy_for("gitlab-dependency-proxy")
    ref = parse("node:20")
    assert policy.decide(ref, "dockerfile").replacement == "public.ecr.aws/docker/library/node"
    assert policy.decide(ref, "gitlab").replacement == f"{GL}/node"
    assert policy.decide(ref, "dockerfile").replacement == "public.ecr.aws/docker/library/node"


# --- fix round trips -------------------------------------------------------------------------

DOCKERFILE = f"FROM node:20 AS build\nFROM myorg/app:1.2@{DIGEST}\nCOPY --from=alpine:3.20 /etc/os-release /\n"
PROXY_LOGIN = (
    'docker login -u "$CI_DEPENDENCY_PROXY_USER" -p "$CI_DEPENDENCY_PROXY_PASSWORD" "$CI_DEPENDENCY_PROXY_SERVER"'
)
GITLAB = (
    "image: node:20\n"
    "test:\n"
    "  services:\n"
    "    - name: myorg/db:1\n"
    "  script:\n"
    f"    - {PROXY_LOGIN}\n"
    "    - docker run --rm alpine:3.20 true\n"
)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("text", "kind", "other"), [(DOCKERFILE, "dockerfile", "myorg/app:1.2@"), (GITLAB, "gitlab", "myorg/db:1")]
)
def test_fix_round_trip(name, text, kind, other):
    config = config_for(name)
    target = Settings(config).policy.target_for(kind)
    after = fixed(text, kind, unsafe=True, config=config)
    assert expand(target.official, "library/node") + ":20" in after
    assert expand(target.official, "library/alpine") + ":3.20" in after
    if target.other is not None:
        assert expand(target.other, other.split(":")[0]) + other[other.index(":") :] in after
    else:
        assert f" {other}" in after
    codes = [finding.code for finding in findings(after, kind, config)]
    assert all(code in ("DH002", "DH005") for code in codes), codes
    assert ("DH002" in codes) == (target.other is None)  # only myorg's image stays, where no copy is known
    assert fixed(after, kind, unsafe=True, config=config) == after  # nothing left to move


def test_gitlab_dependency_proxy_fix_is_idempotent():
    config = config_for("gitlab-dependency-proxy")
    after = fixed(GITLAB, "gitlab", config=config)
    assert after == (
        f"image: {GL}/node:20\n"
        "test:\n"
        "  services:\n"
        f"    - name: {GL}/myorg/db:1\n"
        "  script:\n"
        f"    - {PROXY_LOGIN}\n"
        f"    - docker run --rm {GL}/alpine:3.20 true\n"
    )
    assert findings(after, "gitlab", config) == []
    assert findings(after, "gitlab") == []  # the Dependency Proxy is no Docker Hub pull, whatever the target


def test_a_variable_host_is_not_written_unquoted_into_a_yaml_flow_collection():
    """`services: [redis:7]` cannot become `[${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/redis:7]`
    (`{` ends a plain scalar there): that one finding has no fix, and the rest of the file is fixed."""
    config = config_for("gitlab-dependency-proxy")
    text = "a:\n  image: node:20\n  services: [redis:7, \"postgres:16\"]\n  script: [x]\n"
    found = {finding.image: finding for finding in findings(text, "gitlab", config)}
    assert found["redis:7"].fix is None
    assert found["redis:7"].message.endswith(
        "(no automatic fix: YAML cannot hold `{` in an unquoted value inside `[...]` or `{...}`; quote the value)"
    )
    assert found["postgres:16"].fixable == "safe"  # quoted: the mirror name goes inside the quotes
    assert fixed(text, "gitlab", config=config) == (
        f"a:\n  image: {GL}/node:20\n  services: [redis:7, \"{GL}/postgres:16\"]\n  script: [x]\n"
    )
    assert fixed(text, "gitlab") == text.replace("redis:7", "public.ecr.aws/docker/library/redis:7").replace(
        "image: node", "image: public.ecr.aws/docker/library/node"
    ).replace('"postgres', '"public.ecr.aws/docker/library/postgres')  # a plain name fits


VARIABLE_HOST = {"target": "custom", "template": "${MIRROR_HOST}/hub/{path}"}


@pytest.mark.parametrize(
    ("mirror", "kind", "text"),
    [
        # README: widen the Dependency Proxy's `kinds` to shell scripts the job runs
        ({"target": "gitlab-dependency-proxy", "kinds": ["gitlab", "shell"]}, "shell", "docker run node:20 true\n"),
        (VARIABLE_HOST, "shell", "docker run node:20 true\n"),
        (VARIABLE_HOST, "compose", "services:\n  a:\n    image: node:20\n"),
        (VARIABLE_HOST, "gitlab", "a:\n  image: node:20\n  script: [x]\n"),
        ({"map": {"node": "$MIRROR_HOST/copies/{name}"}}, "shell", "docker run node:20 true\n"),
    ],
)
def test_a_fix_to_a_template_with_a_variable_host_checks_clean(mirror, kind, text):
    """The fix writes the template's `${VAR}` host for the CI system to fill in; dehub wrote it,
    so the next check knows that pull goes to the mirror (no DH003 "cannot tell where")."""
    config = make_config(mirror=mirror)
    after = fixed(text, kind, unsafe=True, config=config)
    assert "MIRROR_HOST" in after or GL in after
    assert findings(after, kind, config) == []


JOB = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
def test_gitlab_dependency_proxy_script_pull_without_login_is_an_unsafe_fix():
    """The runner signs in for `image:` and `services:`; a script must log in itself."""
    config = config_for("gitlab-dependency-proxy")
    text = GITLAB.replace(f"    - {PROXY_LOGIN}\n", "")
    script, image = sorted(findings(text, "gitlab", config), key=lambda f: f.image != "alpine:3.20")[:2]
    assert (script.image, script.fixable) == ("alpine:3.20", "unsafe")
    assert f"(unsafe fix: a script's pull from the Dependency Proxy needs `{PROXY_LOGIN}` before it)" in script.message
    assert image.fixable == "safe"
    assert "docker run --rm alpine:3.20" in fixed(text, "gitlab", config=config)
    assert f"docker run --rm {GL}/alpine:3.20" in fixed(text, "gitlab", unsafe=True, config=config)
    after_login = text.replace("  script:\n", f"  script:\n    - {PROXY_LOGIN}\n")
    assert [f.fixable for f in findings(after_login, "gitlab", config)] == ["safe"] * 3


WORKFLOW = JOB + "      - run: docker run --rm node:20 true\n"


@pytest.mark.parametrize("name", [name for name in NAMES if name != "gitlab-dependency-proxy"])
def test_dh005_is_about_ecr_public_only(name):
    config = config_for(name)
    after = fixed(WORKFLOW, "workflow", unsafe=True, config=config)
    codes = [finding.code for finding in findings(after, "workflow", config)]
    assert codes == (["DH005"] if name == "ecr-public" else [])


def test_dh004_names_the_pull_through_copy():
    text = JOB + "      - uses: docker/setup-buildx-action@v3\n"
    (finding,) = findings(text, "workflow", config_for("harbor"))
    assert finding.code == "DH004"
    assert "set `driver-opts: image=harbor.example.com:8443/dockerhub/moby/buildkit:buildx-stable-1`" in (
        finding.message
    )


# --- templates -------------------------------------------------------------------------------


def test_placeholders():
    template = "r.example.com/{registry}/{namespace}/{name}/{path}"
    assert expand(template, "library/node") == "r.example.com/docker.io/library/node/library/node"
    assert expand(template, "myorg/team/app") == "r.example.com/docker.io/myorg/team/app/myorg/team/app"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("r.example.com/{path}:{tag}", "r.example.com/{path}"),
        ("r.example.com/{path}@{digest}", "r.example.com/{path}"),
        ("r.example.com/{path}:{tag}@{digest}", "r.example.com/{path}"),
        ("${REGISTRY}/hub/{path}", "${REGISTRY}/hub/{path}"),
        ("$REGISTRY/hub/{path}", "$REGISTRY/hub/{path}"),
    ],
)
def test_normalize_template(template, expected):
    assert normalize_template(template) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("r.example.com/{tag}/{path}", "{tag} and {digest} may only end the template"),
        ("r.example.com/{nope}", "unknown placeholder"),
        ("r.example.com/${}/x", "unknown placeholder"),
        ("{name}", "points at Docker Hub itself"),
        ("{registry}/{path}", "points at Docker Hub itself"),
        ("r.example.com/{path}:1", "names a tag or digest"),
        ("R.example.com/UP/{path}", "does not give a valid image name"),
    ],
)
def test_normalize_template_errors(template, message):
    with pytest.raises(ValueError, match=message.replace("{", "\\{").replace("}", "\\}").replace("$", "\\$")):
        normalize_template(template)


def test_sample_and_valid_name():
    assert sample(f"{GL}/node") == "registry.example.com/node"
    assert sample("a$b") == "aregistry.example.com"
    assert sample("price: $5") == "price: $5"
    assert is_valid_name(f"{GL}/myorg/app")
    assert not is_valid_name(f"{GL}/" + "x" * 300)


def test_long_pull_through_name_is_not_written():
    config = config_for("harbor", map={"myorg/*": "harbor.example.com/" + "p" * 200 + "/{path}"})
    text = "FROM myorg/" + "a" * 60 + ":1\n"
    (finding,) = findings(text, config=config)
    assert finding.fix is None and "not a valid reference" in finding.message


# --- configuration ---------------------------------------------------------------------------


def test_account_as_a_number():
    config = make_config(mirror={"target": "ecr-pull-through", "account": 123456789012, "region": "us-east-1",
                                 "prefix": "hub"})  # fmt: skip
    assert Settings(config).policy.target.official == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hub/library/{name}"


@pytest.mark.parametrize(
    ("mirror", "message"),
    [
        ({"target": "quay"}, "`mirror.target`: expected one of ecr-public, gcr, ecr-pull-through,"),
        ({"target": 3}, "`mirror.target`: expected one of"),
        ({"target": "harbor", "host": "h.example.com"},
         "`mirror.project`: mirror target `harbor` needs `mirror.project`"),
        ({"target": "ecr-pull-through", "account": "1234", "region": "us-east-1", "prefix": "hub"},
         "`mirror.account`: expected a 12-digit AWS account ID (quote it to keep leading zeros), got '1234'"),
        ({"target": "ecr-pull-through", "account": 1234, "region": "us-east-1", "prefix": "hub"},
         "`mirror.account`: expected a 12-digit AWS account ID"),
        ({"target": "ecr-pull-through", "account": "123456789012", "region": "US-East-1", "prefix": "hub"},
         "`mirror.region`: expected an AWS region such as us-east-1, got 'US-East-1'"),
        ({"target": "ecr-pull-through", "account": "123456789012", "region": "useast1", "prefix": "hub"},
         "`mirror.region`"),
        ({"target": "ecr-pull-through", "account": "123456789012", "region": "us-east-1"},
         ("`mirror.prefix`: mirror target `ecr-pull-through` needs `mirror.prefix` (it needs `account`, `region` and "
         "`prefix`)")),
        ({"target": "ecr-pull-through", "account": "123456789012", "region": "us-east-1", "prefix": "Hub"},
         "`mirror.prefix`: expected lower-case repository path components"),
        ({"target": "ecr-pull-through", "account": "123456789012", "region": "us-east-1", "prefix": "h"},
         "`mirror.prefix`: an ECR repository prefix has 2 to 30 characters"),
        ({"target": "harbor", "host": "https://h.example.com", "project": "p"},
         "`mirror.host`: expected a registry host"),
        ({"target": "harbor", "host": "harbor", "project": "p"}, "`mirror.host`: expected a registry host"),
        ({"target": "harbor", "host": "docker.io", "project": "p"}, "`mirror.host`: expected a registry host"),
        ({"target": "harbor", "host": "h.example.com", "project": "My Project"},
         "`mirror.project`: expected lower-case"),
        ({"target": "harbor", "host": "h.example.com", "project": "p" * 300}, "`mirror.project`: `h.example.com/"),
        ({"target": "artifactory", "host": "a.example.com", "repository": 5}, "`mirror.repository`: expected a string"),
        ({"target": "gitlab-dependency-proxy", "direct": "yes"}, "`mirror.direct`: expected true or false"),
        ({"target": "gcr", "host": "h.example.com"},
         "`mirror.host`: not used by the mirror target `gcr` (it is for `harbor` and `artifactory`)"),
        ({"target": "custom"}, "`mirror.template`: mirror target `custom` needs `mirror.template`"),
        ({"target": "custom", "template": "r.example.com/{tag}/{path}"}, "`mirror.template`: `r.example.com/{tag}"),
        ({"target": "custom", "template": "r.example.com/{path}", "cache": "sometimes"},
         "`mirror.cache`: expected one of full, on-demand, partial"),
        ({"kinds": ["gitlab", "travis"]}, "`mirror.kinds`: unknown file kind `travis`"),
        ({"map": {"myorg/*": "r.example.com/{tag}"}}, "`mirror.map.myorg/*`: `r.example.com/{tag}`"),
    ],
)  # fmt: skip
def test_config_errors_name_the_key(mirror, message):
    with pytest.raises(ConfigError) as caught:
        make_config(mirror=mirror)
    assert f"<test>: {message}" in str(caught.value)


def test_parameters_without_a_target_wait_for_mirror_option():
    config = make_config(mirror={"host": "h.example.com", "project": "p"})
    assert Settings(config).policy.target.name == "ecr-public"
    assert Settings(config, mirror="harbor").policy.target.official == "h.example.com/p/library/{name}"


def test_mirror_option_needs_the_parameters():
    with pytest.raises(ConfigError, match=r"`mirror.host`: mirror target `harbor` needs `mirror.host` .*--mirror harb"):
        Settings(make_config(), mirror="harbor")


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def suggestions(capsys, *argv: str) -> tuple[int, list[str | None]]:
    code = main(["check", "--format", "json", *argv])
    return code, [finding["suggestion"] for finding in json.loads(capsys.readouterr().out)["findings"]]


def test_cli_mirror_option(repo, capsys):
    (repo / "Dockerfile").write_text("FROM node:20\nFROM myorg/app:1\n")
    assert suggestions(capsys)[1] == ["public.ecr.aws/docker/library/node:20", None]
    assert suggestions(capsys, "--mirror", "gcr")[1] == ["mirror.gcr.io/library/node:20", "mirror.gcr.io/myorg/app:1"]


def test_cli_mirror_option_overrides_the_configured_target_with_its_parameters(repo, capsys):
    (repo / ".dehub.yaml").write_text("mirror:\n  target: gcr\n")
    (repo / "Dockerfile").write_text("FROM node:20\n")
    assert suggestions(capsys)[1] == ["mirror.gcr.io/library/node:20"]
    assert suggestions(capsys, "--mirror", "ecr-public")[1] == ["public.ecr.aws/docker/library/node:20"]
    (repo / ".dehub.yaml").write_text("mirror:\n  host: harbor.example.com\n  project: hub\n")
    assert suggestions(capsys, "--mirror", "harbor")[1] == ["harbor.example.com/hub/library/node:20"]


def test_cli_mirror_option_missing_parameter_exits_2(repo, capsys):
    (repo / "Dockerfile").write_text("FROM node:20\n")
    assert main(["check", "--mirror", "ecr-pull-through"]) == 2
    err = capsys.readouterr().err
    assert "`mirror.account`: mirror target `ecr-pull-through` needs `mirror.account`" in err
    assert "--mirror ecr-pull-through" in err


def test_cli_mirror_option_unknown_name_exits_2(repo, capsys):
    (repo / "Dockerfile").write_text("FROM node:20\n")
    assert main(["check", "--mirror", "quay"]) == 2
    assert "option --mirror: invalid choice 'quay' (choose from ecr-public, gcr," in capsys.readouterr().err


def test_cli_mirror_option_on_standard_input(repo, capsys, monkeypatch):
    import io

    class Stdin:
        buffer = io.BytesIO(b"image: node:20\n")

        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Stdin())
    _code, found = suggestions(capsys, "--mirror", "gitlab-dependency-proxy", "--stdin-filename", ".gitlab-ci.yml")
    assert found == [f"{GL}/node:20"]


def test_cli_fix_with_mirror_option(repo, capsys):
    (repo / ".gitlab-ci.yml").write_text(GITLAB)
    assert main(["check", "--fix", "-q", "--mirror", "gitlab-dependency-proxy"]) == 0
    assert (repo / ".gitlab-ci.yml").read_text().startswith(f"image: {GL}/node:20\n")
    capsys.readouterr()
    assert main(["check"]) == 0  # clean under the default target too


def test_pyproject_mirror_table(repo, capsys):
    (repo / "pyproject.toml").write_text(
        '[tool.dehub.mirror]\ntarget = "ecr-pull-through"\naccount = "123456789012"\nregion = "eu-west-1"\n'
        'prefix = "docker-hub"\n\n[tool.dehub.mirror.map]\n"myorg/*" = "registry.example.com/{path}"\n'
    )
    (repo / "Dockerfile").write_text("FROM node:20\nFROM myorg/app:1\nFROM other/app:1\n")
    assert suggestions(capsys)[1] == [
        f"{ACCOUNT_HOST}/docker-hub/library/node:20",
        "registry.example.com/myorg/app:1",
        f"{ACCOUNT_HOST}/docker-hub/other/app:1",
    ]


def test_pyproject_mirror_error_names_the_key(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.dehub.mirror]\ntarget = "harbor"\nhost = "h.example.com"\n')
    (repo / "Dockerfile").write_text("FROM node:20\n")
    assert main(["check"]) == 2
    assert "pyproject.toml: `mirror.project`: mirror target `harbor` needs `mirror.project`" in capsys.readouterr().err


def test_language_server_uses_the_configured_target(tmp_path):
    from dehub.lsp.documents import Document, lint
    from dehub.lsp.workspace import ConfigStore

    (tmp_path / ".git").mkdir()
    (tmp_path / ".dehub.yaml").write_text("mirror:\n  target: harbor\n  host: harbor.example.com\n  project: hub\n")
    configs = ConfigStore()
    document = Document("file:///x", str(tmp_path / "Dockerfile"), "dockerfile", 1, "FROM myorg/app:1\n")
    (finding,) = lint(document, configs).findings
    assert finding.suggestion == "harbor.example.com/hub/myorg/app:1"
    (tmp_path / ".dehub.yaml").write_text("mirror:\n  target: harbor\n  host: harbor.example.com\n")
    configs.reload()
    loaded = configs.for_path(str(tmp_path / "Dockerfile"))
    assert "`mirror.project`: mirror target `harbor` needs `mirror.project`" in (loaded.error or "")


def test_a_variable_target_in_a_dockerfile_is_not_written_without_its_arg():
    """Docker expands `${VAR}` in FROM only from an ARG: the fix would not even parse."""
    config = config_for("gitlab-dependency-proxy", kinds=["gitlab", "dockerfile"])
    (finding,) = findings("FROM node:20\n", "dockerfile", config)
    assert finding.suggestion == f"{GL}/node:20" and finding.fix is None
    assert "(no automatic fix: a Dockerfile expands `$` variables only from an ARG declared before it)" in (
        finding.message
    )


def test_readme_documents_every_target_before_suppressions():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings[headings.index("## Choosing a mirror") + 1] == "## Suppressions"
    section = readme.split("## Choosing a mirror\n", 1)[1].split("\n## ", 1)[0]
    for name in NAMES:
        assert f"\n| `{name}`" in section, name
        assert f"target: {name}" in section, name
    assert "prove a suggestion against the registry with `--verify` (see [verifying fixes](#verifying-fixes))" in (
        section.lower()
    )


def test_init_with_mirror_option(repo, capsys):
    (repo / "Dockerfile").write_text("FROM node:20\nFROM myorg/app:1\n")
    (repo / ".gitlab-ci.yml").write_text("image: myorg/ci:1\n")
    assert main(["init", "--stdout"]) == 0
    assert "\n  - \"myorg/app\"\n" in capsys.readouterr().out
    assert main(["init", "--stdout", "--mirror", "gitlab-dependency-proxy"]) == 0
    text = capsys.readouterr().out
    assert "\nmirror:\n  target: gitlab-dependency-proxy\n\nallow:\n" in text
    assert "\n  - \"myorg/app\"\n" in text and "myorg/ci" not in text  # the proxy serves GitLab CI files
    unwrapped = " ".join(line.strip(" #") for line in text.splitlines())
    assert "(the mirror target `gitlab-dependency-proxy` applies to GitLab CI files only" in unwrapped
    assert main(["init"]) == 0 and main(["init", "--force", "--mirror", "gcr"]) == 0
    capsys.readouterr()
    assert main(["check", "--format", "json"]) == 1  # gcr's fixes are unsafe, and nothing is allowed
    assert {f["fixable"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"unsafe"}


def test_init_with_a_target_that_needs_parameters_exits_2(repo, capsys):
    (repo / "Dockerfile").write_text("FROM node:20\n")
    assert main(["init", "--mirror", "harbor"]) == 2
    assert "`mirror.host`: mirror target `harbor` needs `mirror.host`" in capsys.readouterr().err
    assert not (repo / ".dehub.yaml").exists()
