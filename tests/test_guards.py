"""Guard tests: migrations are complete, production settings are sound.

That no route answers GET with a 500, for any persona, is checked in tests/test_no_get_changes.py
on the same walk that shows no GET writes anything (one GET per route and persona for both).
"""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parent.parent
# The production environment documented in docs/deploy.md.
PRODUCTION_ENV = {
    "REATTUNE_HTTPS": "1",
    "REATTUNE_ALLOWED_HOSTS": "reattune.example.org",
    "REATTUNE_SITE_URL": "https://reattune.example.org",
}


class MigrationGuardTests(TestCase):
    def test_no_model_change_lacks_a_migration(self):
        out = io.StringIO()
        try:
            call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
        except SystemExit:
            self.fail("Model changes without a migration:\n" + out.getvalue())


class ProductionSettingsTests(SimpleTestCase):
    def test_check_deploy_is_clean_under_the_documented_production_environment(self):
        with tempfile.TemporaryDirectory(prefix="reattune-deploy-") as data_dir:
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith("REATTUNE_") and key != "DJANGO_SETTINGS_MODULE"
            }
            env.update(PRODUCTION_ENV, REATTUNE_DATA_DIR=data_dir)
            result = subprocess.run(
                [sys.executable, "-m", "reattune", "manage", "check", "--deploy"]
                + ["--fail-level", "WARNING"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("no issues", output)
        self.assertNotIn("WARNINGS", output)

    def test_argon2_is_first_in_the_production_password_hashers(self):
        import reattune.settings as production

        self.assertEqual(
            production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )

    def test_the_tests_hash_with_a_cheap_argon2_variant(self):
        from django.contrib.auth.hashers import Argon2PasswordHasher

        first = import_string(settings.PASSWORD_HASHERS[0])
        self.assertTrue(issubclass(first, Argon2PasswordHasher))
        self.assertEqual(first.algorithm, "argon2")


class NoWallClockAssertionTests(SimpleTestCase):
    """Timings belong in bench/: an assertion on elapsed time fails a clean run on a busy machine."""

    TIMED = (
        r"assert[^#\n]*(perf_counter|monotonic|time\.time|process_time)\(",
        r"assert(Less|LessEqual|Greater|GreaterEqual)\([^)\n]*(elapsed|duration|seconds|took)",
        r"assert [^#\n]*\b(elapsed|duration|took)\b\s*[<>]",
    )

    def test_no_test_asserts_on_wall_clock_time(self):
        import re

        pattern = re.compile("|".join(self.TIMED))
        found = []
        for path in sorted((ROOT / "tests").rglob("*.py")):
            if path.name == "test_guards.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        self.assertEqual(found, [], "move timings to bench/ and assert on counts instead")
