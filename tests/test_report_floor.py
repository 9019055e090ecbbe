"""The benchmark's floor view exists only when REATTUNE_BENCH_FLOOR=1 is set."""

import os
import subprocess
import sys

from django.test import SimpleTestCase
from django.urls import Resolver404, resolve

from tests.browser import REPO

PROBE = (
    "import django; django.setup(); from django.urls import resolve; "
    "print(resolve('/bench/floor/').url_name)"
)


class FloorTests(SimpleTestCase):
    def test_it_is_not_in_the_normal_url_map(self):
        self.assertNotEqual(os.environ.get("REATTUNE_BENCH_FLOOR"), "1")
        with self.assertRaises(Resolver404):
            resolve("/bench/floor/")

    def test_the_variable_mounts_it(self):
        env = {
            **os.environ,
            "REATTUNE_BENCH_FLOOR": "1",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        result = subprocess.run(
            [sys.executable, "-c", PROBE], env=env, cwd=REPO, capture_output=True, text=True
        )
        self.assertEqual(result.stdout.strip(), "bench-floor", result.stderr[-2000:])
