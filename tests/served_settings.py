"""Settings for the `reattune` processes the tests start (servers and commands, through
tests.browser.app_env): the app's own settings, with passwords hashed by the tests' cheap Argon2.

Production Argon2 costs about a quarter of a CPU-second for each hash and each check, and the
browser tests and the CLI tests sign up, log in and create demo accounts about 60 times in a
SQLite pass: about 15 CPU-seconds of a run that is short of cores. Everything else is
reattune.settings as it is (the environment decides the rest, as in production); the
production hashers stay after the cheap one, so a password hashed with production parameters
still checks. Production's own choice is tested in tests/test_guards.py, under
reattune.settings itself; the benchmarks (bench/_common.py) and the crash and key drills
(bench/crash_drill.py) start their servers on reattune.settings.
"""

from reattune.settings import *  # noqa: F403
from reattune.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
