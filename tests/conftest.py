"""Pytest configuration: hypothesis profiles (`HYPOTHESIS_PROFILE=ci` for more examples), and the
registry fixtures (`registry`, `registry_htpasswd`, `registry_token`, `make_registry`, `fault_proxy`)."""

import atexit
import contextlib
import os
import shutil
import tempfile

import pytest
import registryfixtures
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The reports are asserted byte for byte: a colour setting of the caller's shell or CI must not
# colour them (tests of colour set these themselves).
for _name in ("NO_COLOR", "FORCE_COLOR"):
    os.environ.pop(_name, None)

# Parsed configuration files are cached per user; keep the tests' caches out of ~/.cache.
if "DEHUB_CACHE_DIR" not in os.environ:
    os.environ["DEHUB_CACHE_DIR"] = tempfile.mkdtemp(prefix="dehub-test-cache-")
    atexit.register(shutil.rmtree, os.environ["DEHUB_CACHE_DIR"], True)


# --------------------------------------------------------------------------- registry fixtures
# A real `docker-registry` on loopback and a fault-injecting proxy (tests/registryfixtures.py
# says how to use them). Without the binary the tests that use them skip, unless
# DEHUB_REQUIRE_REGISTRY=1 (.ci/run sets it where it installed the package): then they fail.

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so that a fixture's teardown knows the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "dehub_report_" + report.when, report)


def _registry_unavailable(reason: str) -> None:
    if os.environ.get("DEHUB_REQUIRE_REGISTRY") == "1":
        pytest.fail(reason + " (DEHUB_REQUIRE_REGISTRY=1: the registry tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def make_registry(request, tmp_path_factory):
    """make_registry(auth=None|"htpasswd"|"token", users=..., anonymous_pull=..., require_credentials=...)
    -> a started registryfixtures.Registry, stopped at the end of the test. On failure the test's
    report shows each registry's log (and the token server's requests)."""
    stack = contextlib.ExitStack()
    started = []

    def make(auth=None, users=None, **options):
        if registryfixtures.registry_binary() is None:
            _registry_unavailable("docker-registry is not installed (Debian package docker-registry)")
        directory = tmp_path_factory.mktemp("registry")
        registry = stack.enter_context(registryfixtures.registry_server(auth, users, directory=directory, **options))
        started.append(registry)
        return registry

    yield make
    stack.close()
    report = getattr(request.node, "dehub_report_call", None)
    if report is not None and report.failed:
        for registry in started:
            report.sections.append((f"docker-registry log ({registry.host}, auth={registry.auth})", registry.log()))
            if registry.token_server is not None:
                lines = "\n".join(repr(r) for r in registry.token_server.requests)
                report.sections.append((f"token server requests ({registry.token_server.host})", lines))


@pytest.fixture
def registry(make_registry):
    """An anonymous registry: pull and push without credentials."""
    return make_registry()


@pytest.fixture
def registry_htpasswd(make_registry):
    """A registry with htpasswd basic auth on every request; `.credentials` == ("alice", "secret")."""
    return make_registry(auth="htpasswd")


@pytest.fixture
def registry_token(make_registry):
    """A registry with Bearer token auth (`.token_server`): anonymous pull tokens, alice:secret pushes."""
    return make_registry(auth="token")


@pytest.fixture
def fault_proxy():
    """fault_proxy(upstream_url, faults=[...], stall_seconds=30.0) -> a started FaultProxy, closed at the end."""
    with contextlib.ExitStack() as stack:

        def make(upstream_url, faults=(), stall_seconds=30.0):
            return stack.enter_context(registryfixtures.fault_proxy(upstream_url, faults, stall_seconds))

        yield make


@pytest.fixture
def raw(tmp_path):
    """A language server started as a subprocess in tmp_path and spoken to in raw bytes
    (test_lsp_raw.RawClient), initialised; killed at the end if still running."""
    from test_lsp_raw import start

    client = start(tmp_path)
    yield client
    if client.process.poll() is None:
        client.process.kill()
