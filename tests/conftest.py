"""Pytest configuration: hypothesis profiles (`HYPOTHESIS_PROFILE=ci` for more examples)."""

import atexit
import os
import shutil
import tempfile

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
