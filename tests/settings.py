"""Test settings: the real settings, pointed at a throw-away data directory.

Set before reattune.settings is imported, so the data dir and key files are created in a
temporary folder, never in the developer's own.
"""

import os
import tempfile

os.environ.setdefault("REATTUNE_DATA_DIR", tempfile.mkdtemp(prefix="reattune-test-"))
os.environ.setdefault("REATTUNE_STATIC_FROM_SOURCE", "1")
# One cache folder for the whole run (xdist's workers inherit it from the controller, which
# reads these settings first; tests.browser.app_env passes it on to subprocesses): the browser's
# crisis patterns are then built once per run instead of once per process.
os.environ.setdefault(
    "REATTUNE_CACHE_DIR", os.path.join(os.environ["REATTUNE_DATA_DIR"], "shared-cache")
)
os.environ.setdefault("REATTUNE_LOG_LEVEL", "INFO")

from reattune.settings import *  # noqa: E402,F403
from reattune.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS  # noqa: E402

# Argon2 with production parameters costs ~100 ms a hash; tests use a cheap argon2 so the
# suite stays fast. tests/test_guards.py checks production keeps full Argon2 first.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
