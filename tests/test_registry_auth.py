"""dehub.registry challenge parsing, tokens, Docker credentials and helpers, secret redaction."""

import base64
import json
import os
import stat
import threading
import time

import pytest
from registryfake import FakeClock, FakeRegistry

from dehub.registry import outcome as o
from dehub.registry.auth import TokenCache
from dehub.registry.challenge import Challenge, parse_challenges
from dehub.registry.credentials import HUB_KEY, Credentials, CredentialStore, hostname_of, run_helper
from dehub.registry.verify import Request, VerifyOptions, run, verify

# ---- challenges


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            (
                'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
                'scope="repository:library/node:pull"'
            ),
            [
                Challenge(
                    "bearer",
                    {
                        "realm": "https://auth.docker.io/token",
                        "service": "registry.docker.io",
                        "scope": "repository:library/node:pull",
                    },
                )
            ],
        ),
        ('Basic realm="Registry Realm"', [Challenge("basic", {"realm": "Registry Realm"})]),
        # several challenges in one header, case-insensitive schemes and names, spaces around `=`
        (
            'bEaReR  Realm = "https://a/t" , SERVICE=s, Basic realm="b"',
            [Challenge("bearer", {"realm": "https://a/t", "service": "s"}), Challenge("basic", {"realm": "b"})],
        ),
        # quoted strings with escapes and commas inside
        (r'Bearer realm="a\"b,c\\d",scope="x"', [Challenge("bearer", {"realm": 'a"b,c\\d', "scope": "x"})]),
        # unquoted URL values (lenient), token68 and bare schemes
        (
            "Bearer realm=https://r/token?x=1,service=s, Negotiate abc==, NTLM",
            [
                Challenge("bearer", {"realm": "https://r/token?x=1", "service": "s"}),
                Challenge("negotiate", {}, token68="abc=="),
                Challenge("ntlm", {}),
            ],
        ),
        # the first of repeated parameters wins; empty and junk headers
        ('Basic realm="one", realm="two"', [Challenge("basic", {"realm": "one"})]),
        ("", []),
        (" , ,", []),
        ('Bearer realm="unterminated', [Challenge("bearer", {"realm": "unterminated"})]),
    ],
)
def test_parse_challenges(header, expected):
    assert parse_challenges(header) == expected


# ---- tokens


def test_token_cache_shares_one_fetch_between_threads_and_expires():
    clock = FakeClock()
    cache = TokenCache(clock)
    calls = []
    gate = threading.Event()

    def fetch():
        calls.append(1)
        gate.wait(2)
        return f"token{len(calls)}", 100.0

    key = ("https://r/token", "svc", "repository:a:pull")
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(key, fetch))) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert results == ["token1"] * 8 and len(calls) == 1
    clock.time += 89.0  # lifetime 100 minus a 10 s margin
    assert cache.get(key, fetch) == "token1"
    clock.time += 2.0
    assert cache.get(key, fetch) == "token2"
    assert cache.get(("https://r/token", "svc", "repository:b:pull"), fetch) == "token3"


def options(tmp_path, **extra):
    extra.setdefault("rate", 0)  # the rate cap has its own tests; here it would only add waiting
    extra.setdefault("docker_config", str(tmp_path / "docker" / "config.json"))
    extra.setdefault("cache_dir", str(tmp_path / "cache"))
    return VerifyOptions(**extra)


def test_anonymous_token_flow_one_token_per_repository_scope(tmp_path):
    with FakeRegistry(auth="bearer") as fake:
        fake.put("library/node", "20")
        fake.put("library/node", "22")
        fake.put("library/alpine", "3")
        refs = [f"{fake.host}/library/node:20", f"{fake.host}/library/node:22", f"{fake.host}/library/alpine:3"]
        answers = verify([Request(r) for r in refs], options(tmp_path, concurrency=1))
        assert {r: a.state for r, a in answers.items()} == dict.fromkeys(refs, o.EXISTS)
        tokens = fake.requests(prefix="/token")
        assert len(tokens) == 2
        assert sorted(path.split("scope=")[1] for _, path, _ in tokens) == [
            "repository%3Alibrary%2Falpine%3Apull",
            "repository%3Alibrary%2Fnode%3Apull",
        ]
        assert all("Authorization" not in headers for _, _, headers in tokens)  # anonymous
        # the host's challenge is remembered: node:22 and alpine:3 carry a token from the start
        heads = fake.requests("HEAD")
        assert [h[2].get("Authorization") is not None for h in heads] == [False, True, True, True]


def test_concurrent_first_requests_earn_one_401(tmp_path):
    with FakeRegistry(auth="bearer") as fake:
        refs = [f"{fake.host}/team/app{n}:1" for n in range(6)]
        answers = verify([Request(r) for r in refs], options(tmp_path, concurrency=4))
        assert {a.state for a in answers.values()} == {o.MISSING}
        heads = fake.requests("HEAD")
        assert len(heads) == 7  # one 401, then one authenticated HEAD per repository
        assert sum("Authorization" not in h[2] for h in heads) == 1
        assert len(fake.requests(prefix="/token")) == 6


def test_token_service_faults(tmp_path):
    with FakeRegistry(auth="bearer") as fake:
        fake.put("a/b", "1")
        ref = f"{fake.host}/a/b:1"
        fake.token_faults = [("status", 503, {}), ("reset",)]  # retried like any request
        answer = run([Request(ref)], options(tmp_path, use_cache=False), FakeClock())[ref]
        assert answer.state == o.EXISTS and len(fake.requests(prefix="/token")) == 3
        fake.token_faults = [("status", 429, {"Retry-After": "1"})] * 3
        answer = run([Request(ref)], options(tmp_path, retries=2, use_cache=False), FakeClock())[ref]
        assert (answer.state, answer.detail) == (
            o.RATE_LIMITED,
            f"the token service {fake.host}/token answered 429 Too Many Requests",
        )
        fake.token_faults = [("status", 500, {})] * 3
        answer = run([Request(ref)], options(tmp_path, retries=2, use_cache=False), FakeClock())[ref]
        assert (answer.state, answer.detail) == (
            o.UNREACHABLE,
            f"the token service {fake.host}/token answered HTTP 500",
        )


def test_token_with_docker_config_credentials(tmp_path):
    with FakeRegistry(auth="bearer", users={"alice": "s3cret-pw"}, token_needs_login=True) as fake:
        fake.put("team/app", "1")
        write_config(tmp_path, {"auths": {fake.host: {"auth": b64("alice:s3cret-pw")}}})
        answers = verify([Request(f"{fake.host}/team/app:1")], options(tmp_path))
        assert answers[f"{fake.host}/team/app:1"].state == o.EXISTS
        token_request = fake.requests(prefix="/token")[0]
        assert token_request[2]["Authorization"] == "Basic " + b64("alice:s3cret-pw")
        assert "account=alice" in token_request[1]


def test_identity_token_is_exchanged_with_a_refresh_token_grant(tmp_path):
    with FakeRegistry(auth="bearer", token_needs_login=True) as fake:
        fake.put("team/app", "1")
        write_config(tmp_path, {"auths": {fake.host: {"identitytoken": fake.refresh_token}}})
        ref = f"{fake.host}/team/app:1"
        answer = verify([Request(ref)], options(tmp_path))[ref]
        assert answer.state == o.EXISTS
        assert fake.token_forms == [
            {
                "grant_type": ["refresh_token"],
                "client_id": ["dehub"],
                "refresh_token": [fake.refresh_token],
                "service": ["fake-registry"],
                "scope": ["repository:team/app:pull"],
            }
        ]
        assert all(fake.refresh_token not in path for _, path, _ in fake.log)
        write_config(tmp_path, {"auths": {fake.host: {"identitytoken": "refresh-wrong-1234"}}})
        answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
        assert (answer.state, answer.detail) == (
            o.AUTH_REQUIRED,
            f"the token service {fake.host}/token refused the identity token from the Docker config (HTTP 401)",
        )


def test_token_refused_without_credentials_is_auth_required(tmp_path):
    with FakeRegistry(auth="bearer", users={"alice": "pw"}, token_needs_login=True) as fake:
        fake.put("team/app", "1")
        answer = verify([Request(f"{fake.host}/team/app:1")], options(tmp_path))[f"{fake.host}/team/app:1"]
        assert answer.state == o.AUTH_REQUIRED
        assert answer.detail == f"the token service {fake.host}/token refused an anonymous token (HTTP 401)"


def test_a_refused_token_is_not_asked_again_in_the_run(tmp_path):
    with FakeRegistry(auth="bearer", token_needs_login=True) as fake:
        refs = [f"{fake.host}/team/app:{n}" for n in range(4)]
        answers = verify([Request(r) for r in refs], options(tmp_path))
        assert {a.state for a in answers.values()} == {o.AUTH_REQUIRED}
        assert len(fake.requests(prefix="/token")) == 1


def test_basic_auth_from_docker_config_forms(tmp_path):
    with FakeRegistry(auth="basic", users={"bob": "hunter22"}) as fake:
        fake.put("x/y", "1")
        ref = f"{fake.host}/x/y:1"
        for entry_key, entry in [
            (fake.host, {"auth": b64("bob:hunter22")}),
            (f"https://{fake.host}/v1/", {"auth": b64("bob:hunter22")}),
            (f"http://{fake.host}", {"username": "bob", "password": "hunter22"}),
        ]:
            write_config(tmp_path, {"auths": {entry_key: entry}})
            answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
            assert answer.state == o.EXISTS, (entry_key, answer)
        write_config(tmp_path, {"auths": {fake.host: {"auth": b64("bob:wrong")}}})
        answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
        assert answer.state == o.AUTH_REQUIRED
        assert answer.detail == f"{fake.host} refused access for user 'bob' (HTTP 401)"
        write_config(tmp_path, {})
        answer = verify([Request(ref)], options(tmp_path, use_cache=False))[ref]
        assert (answer.state, answer.detail) == (
            o.AUTH_REQUIRED,
            f"{fake.host} requires a login (`docker login {fake.host}`)",
        )


def test_docker_config_lookup_matches_hosts_like_docker(tmp_path):
    path = write_config(
        tmp_path,
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": b64("hubuser:hubpw")},
                "https://registry.example.com/v2/": {"auth": b64("eu:epw")},
                "broken.example": {"auth": "!!notbase64"},
                "token.example": {"identitytoken": "abc"},
            }
        },
    )
    store = CredentialStore(path)
    for host in ("docker.io", "registry-1.docker.io", "index.docker.io"):
        found, note = store.lookup(host)
        assert (found.username, found.password, note) == ("hubuser", "hubpw", "")
    found, _ = store.lookup("registry.example.com")
    assert (found.username, found.password) == ("eu", "epw")
    assert store.lookup("other.example") == (None, "")
    assert store.lookup("broken.example") == (
        None,
        "the Docker config entry for broken.example has an unreadable `auth`",
    )
    found, note = store.lookup("token.example")
    assert (found.identity_token, found.password, note) == ("abc", "", "")
    assert hostname_of("https://index.docker.io/v1/") == "index.docker.io"


def test_unreadable_docker_config_is_a_note(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("{not json")
    assert CredentialStore(str(path)).lookup("h") == (None, f"cannot read the Docker config {path}")
    assert CredentialStore(str(tmp_path / "absent.json")).lookup("h") == (None, "")
    path.write_text("[]")
    assert CredentialStore(str(tmp_path)).lookup("h")[1].endswith("is not a JSON object")
    path.write_text("[" * 100_000)  # nested past the interpreter's recursion limit
    assert CredentialStore(str(path)).lookup("h") == (None, f"cannot read the Docker config {path}")


HELPER = """#!/bin/sh
read server
echo "$server" >> "%(log)s"
case "$server" in
  %(host)s) printf '{"ServerURL":"%%s","Username":"carol","Secret":"helper-pw-9"}' "$server" ;;
  https://index.docker.io/v1/) printf '{"Username":"<token>","Secret":"idtoken"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


def install_helper(tmp_path, monkeypatch, name, host):
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    script = folder / f"docker-credential-{name}"
    script.write_text(HELPER % {"log": tmp_path / "helper.log", "host": host})
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "helper.log"


@pytest.mark.parametrize("form", ["credHelpers", "credsStore"])
def test_credential_helper(tmp_path, monkeypatch, form):
    with FakeRegistry(auth="basic", users={"carol": "helper-pw-9"}) as fake:
        fake.put("x/y", "1")
        log = install_helper(tmp_path, monkeypatch, "fake", fake.host)
        config = {"credHelpers": {fake.host: "fake"}} if form == "credHelpers" else {"credsStore": "fake"}
        write_config(tmp_path, config)
        ref = f"{fake.host}/x/y:1"
        answers = verify([Request(ref), Request(f"{fake.host}/x/y:2")], options(tmp_path))
        assert answers[ref].state == o.EXISTS
        assert answers[f"{fake.host}/x/y:2"].state == o.MISSING
        assert log.read_text() == f"{fake.host}\n"  # asked once per host per run


def test_credential_helper_answers(tmp_path, monkeypatch):
    install_helper(tmp_path, monkeypatch, "fake", "r.example")
    found, note = run_helper("fake", "r.example")
    assert (found.username, found.password, note) == ("carol", "helper-pw-9", "")
    assert run_helper("fake", "other.example") == (None, "")
    found, note = run_helper("fake", HUB_KEY)
    assert (found.username, found.password, found.identity_token, note) == ("<token>", "", "idtoken", "")
    assert run_helper("absent-xyz", "r.example") == (
        None,
        "the credential helper docker-credential-absent-xyz is not installed (named in the Docker config)",
    )
    assert run_helper("../evil", "r.example")[1] == "the credential helper name '../evil' is not valid"


def test_missing_helper_is_a_clear_detail_not_a_crash(tmp_path):
    with FakeRegistry(auth="basic", users={"u": "p"}) as fake:
        fake.put("x/y", "1")
        write_config(tmp_path, {"credsStore": "absent-xyz"})
        ref = f"{fake.host}/x/y:1"
        answer = verify([Request(ref)], options(tmp_path))[ref]
        assert answer.state == o.AUTH_REQUIRED
        assert "docker-credential-absent-xyz is not installed" in answer.detail


def test_missing_helper_does_not_matter_for_an_anonymous_registry(tmp_path):
    with FakeRegistry() as fake:
        fake.put("x/y", "1")
        write_config(tmp_path, {"credsStore": "absent-xyz"})
        ref = f"{fake.host}/x/y:1"
        assert verify([Request(ref)], options(tmp_path))[ref].state == o.EXISTS


def test_403_is_auth_required(tmp_path):
    with FakeRegistry() as fake:
        fake.faults = [("status", 403, {})]
        ref = f"{fake.host}/x/y:1"
        answer = verify([Request(ref)], options(tmp_path))[ref]
        assert answer.state == o.AUTH_REQUIRED
        assert answer.detail.startswith(f"{fake.host} refused access anonymously (HTTP 403)")


def test_unknown_scheme_is_auth_required(tmp_path):
    with FakeRegistry() as fake:
        fake.faults = [("status", 401, {"WWW-Authenticate": "Negotiate"})]
        ref = f"{fake.host}/x/y:1"
        answer = verify([Request(ref)], options(tmp_path))[ref]
        assert (answer.state, answer.detail) == (
            o.AUTH_REQUIRED,
            f"{fake.host} asks for a login dehub cannot answer (no Bearer or Basic)",
        )


# ---- secrets never show


def test_no_secret_in_any_detail_exception_or_repr(tmp_path, capsys):
    password = "pw-Do-Not-Print-7731"
    with FakeRegistry(auth="bearer", users={"dave": password}, token_needs_login=True) as fake:
        fake.put("x/y", "1")
        token = fake.token
        write_config(tmp_path, {"auths": {fake.host: {"auth": b64(f"dave:{password}")}}})
        ref_ok = f"{fake.host}/x/y:1"
        # after the token: the registry fails (500s), then refuses the token (401), then resets
        refs = [ref_ok, f"{fake.host}/x/y:2", f"{fake.host}/x/y:3", f"{fake.host}/x/z:1"]
        answers = run(
            [Request(r) for r in refs],
            options(tmp_path, retries=1, concurrency=1, use_cache=False),
            FakeClock(),
        )
        fake.faults = [("status", 500, {})] * 2
        answers.update(run([Request(f"{fake.host}/x/y:9")], options(tmp_path, retries=1, use_cache=False), FakeClock()))
        fake.faults = [("status", 401, {"WWW-Authenticate": "Basic realm=x"})]
        answers.update(run([Request(f"{fake.host}/x/y:8")], options(tmp_path, use_cache=False), FakeClock()))
        # a token with a newline would be echoed by http.client: refused without quoting it
        fake.token = "bad\r\nX-Leak: " + password
        answers.update(run([Request(f"{fake.host}/x/w:1")], options(tmp_path, use_cache=False), FakeClock()))
    produced = (
        repr(answers)
        + "".join(a.detail for a in answers.values())
        + json.dumps([a.to_dict() for a in answers.values()])
    )
    captured = capsys.readouterr()
    produced += captured.out + captured.err
    basic = b64(f"dave:{password}")
    for secret in (password, token, basic, "X-Leak"):
        assert secret not in produced
    assert answers[ref_ok].state == o.EXISTS
    assert answers[f"{fake.host}/x/y:9"].state == o.UNREACHABLE
    assert answers[f"{fake.host}/x/y:8"].state == o.AUTH_REQUIRED
    assert answers[f"{fake.host}/x/w:1"].state == o.UNREACHABLE
    assert password not in repr(Credentials("dave", password))


def b64(text):
    return base64.b64encode(text.encode()).decode()


def write_config(tmp_path, data):
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    path = folder / "config.json"
    path.write_text(json.dumps(data))
    return str(path)


# ---- challenges: any well-formed header parses back to what was written

_TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"


def _render(challenges):
    parts = []
    for scheme, params in challenges:
        rendered = ", ".join(
            f'{name}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
            for name, value in params
        )
        parts.append(f"{scheme} {rendered}" if rendered else scheme)
    return ", ".join(parts)


def test_parse_challenges_round_trip():
    from hypothesis import given
    from hypothesis import strategies as st

    token = st.text(alphabet=_TOKEN, min_size=1, max_size=8)
    value = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
    params = st.lists(st.tuples(token, value), max_size=4, unique_by=lambda pair: pair[0].lower())
    challenge = st.tuples(token, params)

    @given(st.lists(challenge, max_size=4))
    def check(challenges):
        parsed = parse_challenges(_render(challenges))
        assert [(c.scheme, c.params) for c in parsed] == [
            (scheme.lower(), {name.lower(): v for name, v in params}) for scheme, params in challenges
        ]

    check()


def test_a_token_got_with_one_registrys_credentials_never_goes_to_another_host(tmp_path):
    # registry B names registry A's token service in its challenge (same service and scope): the
    # token A's service issued for A's credentials must not be sent to B; B gets its own fetch
    with FakeRegistry(auth="bearer", users={"alice": "s3cret-pw"}, token_needs_login=True) as a, FakeRegistry() as b:
        a.put("team/app", "1")
        b.put("team/app", "1")
        write_config(tmp_path, {"auths": {a.host: {"auth": b64("alice:s3cret-pw")}}})
        challenge = f'Bearer realm="{a.url}/token",service="fake-registry",scope="repository:team/app:pull"'
        b.faults = [("status", 401, {"WWW-Authenticate": challenge})] * 2
        refs = [f"{a.host}/team/app:1", f"{b.host}/team/app:1"]
        answers = run([Request(r) for r in refs], options(tmp_path, concurrency=1, use_cache=False), FakeClock())
        assert answers[refs[0]].state == o.EXISTS
        assert all(a.token not in headers.get("Authorization", "") for _, _, headers in b.log)
        assert answers[refs[1]].state == o.AUTH_REQUIRED  # B's anonymous token request is refused by A


def test_a_challenge_from_where_a_registry_redirected_gets_none_of_its_credentials(tmp_path):
    # as Docker, which answers only its registry's own challenge: a redirect target that asks for
    # a login (token service on its own host) must not receive the registry's Docker credentials
    with FakeRegistry(auth="basic", users={"alice": "s3cret-pw"}) as a, FakeRegistry(auth="bearer") as b:
        write_config(tmp_path, {"auths": {a.host: {"auth": b64("alice:s3cret-pw")}}})
        a.faults = [("status", 307, {"Location": f"{b.url}/v2/x/y/manifests/1"})] * 4
        ref = f"{a.host}/x/y:1"
        answer = run([Request(ref)], options(tmp_path, use_cache=False), FakeClock())[ref]
        assert all(b64("alice:s3cret-pw") not in headers.get("Authorization", "") for _, _, headers in b.log)
        assert answer.state == o.AUTH_REQUIRED
        assert answer.detail == f"{b.host}, where {a.host} redirected, asks for a login; not answered"


def test_a_hanging_credential_helper_is_cut_to_the_run_budget(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "docker-credential-hang"
    script.write_text("#!/bin/sh\nsleep 30\n")  # not exec: the shell's child holds the pipes too
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    with FakeRegistry(auth="basic", users={"u": "p"}) as fake:
        write_config(tmp_path, {"credsStore": "hang"})
        ref = f"{fake.host}/x/y:1"
        started = time.monotonic()
        answer = verify([Request(ref)], options(tmp_path, budget=1.5, use_cache=False))[ref]
        assert time.monotonic() - started < 4.0  # not the helper's own 10 s, let alone its 30
        assert answer.state == o.AUTH_REQUIRED
        assert "docker-credential-hang did not answer within" in answer.detail


def test_a_hanging_credential_helper_leaves_no_process_behind(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    marker = tmp_path / "child.pid"
    script = folder / "docker-credential-hang"
    script.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {marker}\nwait\n")  # a child that outlives a killed shell
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    found, note = run_helper("hang", "r.example", timeout=0.5)
    assert (found, note) == (None, "the credential helper docker-credential-hang did not answer within 0.5 s")
    child = int(marker.read_text())
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as stat:
            if stat.read().split(") ", 1)[1].startswith("Z"):  # killed, waiting for its reaper
                break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the helper's child {child} is still running")


@pytest.mark.parametrize("expires_in", [float("nan"), float("inf"), -5, "300", True])
def test_a_token_with_an_odd_lifetime_is_still_shared_in_the_run(tmp_path, expires_in):
    with FakeRegistry(auth="bearer") as fake:
        fake.token_expires_in = expires_in  # json.dumps writes NaN and Infinity as Python reads them
        refs = [f"{fake.host}/team/app:{n}" for n in range(3)]
        answers = run([Request(r) for r in refs], options(tmp_path, concurrency=1, use_cache=False), FakeClock())
        assert {a.state for a in answers.values()} == {o.MISSING}
        assert len(fake.requests(prefix="/token")) == 1


def test_a_token_answer_nested_too_deep_is_unreachable_not_a_crash(tmp_path):
    with FakeRegistry(auth="bearer") as fake:
        fake.token_faults = [("status", 200, {}, b"[" * 200_000)] * 5
        ref = f"{fake.host}/team/app:1"
        answer = run([Request(ref)], options(tmp_path, use_cache=False), FakeClock())[ref]
        assert (answer.state, answer.detail) == (
            o.UNREACHABLE,
            f"the token service {fake.host}/token did not answer JSON",
        )


def test_a_basic_login_one_repository_wants_does_not_close_the_hosts_public_ones(tmp_path):
    # Nexus and others allow anonymous pulls per repository: without credentials, a host that
    # asked for Basic once is still asked anonymously about its other repositories
    with FakeRegistry() as fake:
        fake.put("public/app", "1")
        fake.faults = [("status", 401, {"WWW-Authenticate": 'Basic realm="nexus"'})]
        refs = [f"{fake.host}/private/app:1", f"{fake.host}/public/app:1"]
        answers = run([Request(r) for r in refs], options(tmp_path, concurrency=1, use_cache=False), FakeClock())
        assert answers[refs[0]].state == o.AUTH_REQUIRED
        assert answers[refs[1]].state == o.EXISTS


@pytest.mark.parametrize("suffix", ["?", "#part", "?lang=en#part"])
def test_a_realm_with_an_empty_query_or_a_fragment_still_gets_service_and_scope(tmp_path, suffix):
    with FakeRegistry(auth="bearer") as fake:
        fake.put("team/app", "1")
        challenge = f'Bearer realm="{fake.url}/token{suffix}",service="fake-registry"'
        fake.faults = [("status", 401, {"WWW-Authenticate": challenge})]
        ref = f"{fake.host}/team/app:1"
        answer = run([Request(ref)], options(tmp_path, use_cache=False), FakeClock())[ref]
        assert answer.state == o.EXISTS, answer.detail
