"""Guard tests: migrations are complete, no route answers 500, production settings are sound."""

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

from tests.access import matrix

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


class NoServerErrorTests(TestCase):
    """GET every route in the URL map as every persona: never a 500."""

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def _cases(self):
        for route in matrix.url_routes():
            if route in self.tables.cases:
                yield from self.tables.cases[route]
            elif not matrix.route_params(route):
                # Not in the tables yet (test_access_matrix fails for it); still checked here.
                yield matrix.Case(route=route, source="(not in tests/access)")

    def test_every_route_answers_every_persona_without_a_server_error(self):
        personas = matrix.Personas(self.world)
        failures, checked = [], 0
        for case in self._cases():
            url = matrix.case_url(case, self.world)
            for persona in matrix.PERSONAS:
                for auth in matrix.auths_for(case):
                    client, headers = personas.client(persona, auth)
                    response, error = matrix.request_rolled_back(
                        client, "GET", url, None, case.api, headers
                    )
                    checked += 1
                    if error or response.status_code >= 500:
                        failures.append(
                            f"GET {url} as {persona} ({auth}): {error or response.status_code}"
                        )
        self.assertGreater(checked, 20)
        self.assertEqual(failures, [], "\n".join(failures))


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
