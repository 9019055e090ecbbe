"""`reattune serve` refuses to start when the keys do not fit the data, and says why.

Missing, empty, invalid or wrong key files while the database holds encrypted text: exit 1,
a clear message, no traceback, and no new key made over the data. Only a new installation
(no encrypted text anywhere) gets a new key. Runs on the test run's database engine.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client, override_settings

from reattune.core import crypto
from tests.base import BaseTestCase
from tests.browser import app_env, free_port, run_cli
from tests.cli_fixtures import data_copy, demo_copy

pytest_plugins = ["tests.cli_fixtures"]  # demo_source: `reattune demo` once per session

KEYS = "encryption.keys"
WRITE_ENTRY = """
from reattune.accounts.models import User
from reattune.journal.actions import do_create_entry
# sam: the demo gives alex a vault, and new private words from alex go there only.
do_create_entry(User.objects.get(email="sam@demo.reattune.example"), "after the key was lost")
print("written")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory, demo_source):
    """A data directory (and database) holding the demo couple's encrypted text: a copy of
    the session's `reattune demo` (tests/cli_fixtures.py)."""
    target = tmp_path_factory.mktemp("installed") / "data"
    with demo_copy(demo_source, target, "reattune_keys_startup") as (data_dir, _, database_url):
        yield data_dir, database_url


@pytest.fixture
def copy(installed, tmp_path):
    """A copy of the installed data directory (same database), free to break."""
    data_dir, database_url = installed
    target = tmp_path / "data"
    shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns("static"))
    return target, app_env(target, database_url)


def _refused(env) -> str:
    result = run_cli(
        ["serve", "--port", str(free_port()), "--workers", "1"], env, check=False, timeout=90
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "reattune cannot start:" in result.stderr, result.stderr
    assert "serving on" not in result.stdout
    return result.stderr


def test_a_missing_key_file_refuses_to_start_and_makes_no_new_key(copy):
    data_dir, env = copy
    (data_dir / KEYS).unlink()
    message = _refused(env)
    assert "is missing" in message and "already holds encrypted text" in message, message
    assert "backed-up key file" in message
    assert not (data_dir / KEYS).exists(), "a new key was made over existing data"


def test_an_empty_key_file_refuses_to_start(copy):
    data_dir, env = copy
    (data_dir / KEYS).write_text("\n")
    message = _refused(env)
    assert "holds no key" in message, message
    assert (data_dir / KEYS).read_text() == "\n", "the key file was changed"


def test_an_invalid_key_file_refuses_to_start(copy):
    data_dir, env = copy
    (data_dir / KEYS).write_text("this-is-not-a-key\n")
    message = _refused(env)
    assert "not a valid encryption key" in message, message
    assert "this-is-not-a-key" not in message  # never echoes key material


def test_a_wrong_key_refuses_to_start(copy):
    data_dir, env = copy
    wrong = Fernet.generate_key().decode()
    (data_dir / KEYS).write_text(wrong + "\n")
    message = _refused(env)
    assert "cannot open" in message and "sampled stored values" in message, message
    assert wrong not in message
    assert (data_dir / KEYS).read_text() == wrong + "\n"


def test_a_missing_shared_key_file_refuses_to_start(copy, tmp_path):
    data_dir, env = copy
    env["REATTUNE_ENCRYPTION_KEYS_FILE"] = str(tmp_path / "elsewhere" / KEYS)
    message = _refused(env)
    assert "is missing" in message, message
    assert not (tmp_path / "elsewhere" / KEYS).exists()


def test_rotate_keys_refuses_the_same_way(copy):
    data_dir, env = copy
    (data_dir / KEYS).unlink()
    result = run_cli(["rotate-keys"], env, check=False)
    assert result.returncode == 1 and "is missing" in result.stderr, result.stderr
    assert not (data_dir / KEYS).exists()


def test_a_database_without_encrypted_text_gets_a_new_key(tmp_path, migrated_source):
    # A new installation: `reattune manage migrate` on a fresh folder (tests/cli_fixtures.py).
    with data_copy(migrated_source, tmp_path / "data", "reattune_keys_new") as (data_dir, env, _):
        (data_dir / KEYS).unlink(missing_ok=True)
        result = run_cli(["rotate-keys"], env)  # the same start-up check as serve
        assert "Re-encrypted 0 value(s)" in result.stdout, result.stdout
        keys = (data_dir / KEYS).read_text().split()
        assert len(keys) == 2 and all(Fernet(k.encode()) for k in keys)
        assert (data_dir / KEYS).stat().st_mode & 0o777 == 0o600


# A running process follows its key file (crypto.refresh): checked in-process on the test
# database's encrypted rows, through the same /healthz. A real server that starts with the
# right keys is every served test's (tests/cli_fixtures.py's demo_server among them), and the
# key drill (tests/test_cli_rotate_keys.py) swaps the key file under running server processes.
# No real server meets a wrong key file any more (the drill runs with --skip-broken-key-files,
# and broken key files at start-up are refusals, tested above): the 200 -> 503 -> 200 here goes
# through the same view, crypto.refresh and health check a server's request does.
class HealthzFollowsTheKeyFileTests(BaseTestCase):
    def _put(self, text: str) -> None:
        """Replace the key file (a new file, as rotate-keys writes it: always seen as changed)."""
        partial = self.path.with_suffix(".partial")
        partial.write_text(text)
        os.replace(partial, self.path)

    def test_the_right_keys_serve_and_healthz_follows_the_key_file(self):
        from django.conf import settings

        right = "\n".join(settings.ENCRYPTION_KEYS) + "\n"
        folder = tempfile.mkdtemp(prefix="reattune-keys-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.path = Path(folder) / KEYS
        self._put(right)
        with override_settings(ENCRYPTION_KEYS_FILE=self.path):
            crypto.refresh()
            response = Client().get("/healthz")
            self.assertEqual(response.status_code, 200, response.content)
            self._put(Fernet.generate_key().decode() + "\n")
            response = Client().get("/healthz")
            self.assertEqual(response.status_code, 503, response.content)
            self.assertIn("encryption keys", response.json()["reason"])
            self._put(right)
            response = Client().get("/healthz")
            self.assertEqual(response.status_code, 200, response.content)


# The sample /healthz reads: the newest stored value of every encrypted column.
SAMPLE = """
from reattune.core import crypto
print("SAMPLED %d FAILED %d" % crypto.sample_problem(per_model=1, oldest=False))
"""


def test_other_commands_never_write_under_a_key_made_over_existing_data(copy):
    """A command writing text with the key file missing fails, and writes nothing encrypted.

    SQLite: no key is made at all. PostgreSQL: the settings cannot see the data, so a key
    file is made, but the first encryption checks the stored data first and refuses.
    """
    data_dir, env = copy
    right = (data_dir / KEYS).read_text()
    (data_dir / KEYS).unlink()
    result = run_cli(["manage", "shell", "-c", WRITE_ENTRY], env, check=False)
    assert result.returncode != 0, result.stdout
    assert "written" not in result.stdout
    assert "encryption key" in result.stderr.lower(), result.stderr[-2000:]
    (data_dir / KEYS).write_text(right)
    # With the right key back, the newest stored values (the sample /healthz reads) all
    # open: nothing was written under another key.
    sampled, failed = map(
        int,
        re.search(
            r"SAMPLED (\d+) FAILED (\d+)", run_cli(["manage", "shell", "-c", SAMPLE], env).stdout
        ).groups(),
    )
    assert sampled > 0 and failed == 0, (sampled, failed)
