"""`reattune rotate-keys`: a new key first, every encrypted row re-encrypted under it.

Follows the test run's database: SQLite in the data directory, or in the PostgreSQL run a
fresh database on the server named by DATABASE_URL (rotation rewrites rows with raw SQL, so
both engines matter). Data is written with `reattune demo` plus one entry with a marker,
once per test session (tests/cli_fixtures.py); each test rotates its own copy.
"""

import json
import subprocess
import sys
from unittest import mock

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import override_settings

from reattune import keys
from reattune.core import crypto
from reattune.journal.models import Entry
from tests.base import BaseTestCase
from tests.browser import REPO, run_cli
from tests.cli_fixtures import MARKER_BODY, MARKER_TITLE, data_copy, demo_copy
from tests.cli_fixtures import dump as _dump
from tests.cli_fixtures import read_values as _read_values
from tests.test_crypto import raw_body

pytest_plugins = ["tests.cli_fixtures"]  # demo_source: `reattune demo` once per session


def _keys(data_dir) -> list[str]:
    return (data_dir / "encryption.keys").read_text().split()


def _assert_only_key_opens_everything(dump: dict, key: str, old_keys: list[str]) -> None:
    """Each stored value decrypts with `key` alone, to what the app reads; old keys fail."""
    new, olds = Fernet(key.encode()), [Fernet(k.encode()) for k in old_keys]
    checked = 0
    for label, table in dump.items():
        assert set(table["raw"]) == set(table["read"]), label
        for pk, stored_row in table["raw"].items():
            for name, stored, read in zip(
                table["fields"], stored_row, table["read"][pk], strict=True
            ):
                if stored is None:
                    continue
                assert new.decrypt(stored.encode()).decode() == read, f"{label}.{name} #{pk}"
                for old in olds:
                    with pytest.raises(InvalidToken):
                        old.decrypt(stored.encode())
                checked += 1
    assert checked >= 8, f"too little encrypted data to mean anything ({checked} values)"


def test_rotate_keeps_the_old_key_second_then_retire_leaves_the_new_key_alone(
    tmp_path, demo_source
):
    """One copy of the demo data, two steps: `rotate-keys` alone keeps the old key second
    (every value already re-encrypted under the new one), then `--retire-old` leaves the new
    key alone in the file, and everything reads as before."""
    with demo_copy(demo_source, tmp_path / "data", "reattune_cli_rotate") as (data_dir, env, _):
        before = demo_source.dump
        assert MARKER_BODY in _read_values(before) and MARKER_TITLE in _read_values(before)
        (old_key,) = _keys(data_dir)

        result = run_cli(["rotate-keys"], env)
        assert "--retire-old" in result.stdout, result.stdout
        rotated = _keys(data_dir)
        assert len(rotated) == 2 and rotated[1] == old_key and rotated[0] != old_key, rotated
        after = _dump(env)
        assert _read_values(after) == _read_values(before)
        # Already re-encrypted: the old key is kept for reading but no longer needed.
        _assert_only_key_opens_everything(after, rotated[0], [old_key])

        result = run_cli(["rotate-keys", "--retire-old", "--grace", "0"], env)
        assert "Retired 1 old key(s)" in result.stdout, result.stdout

        (new_key,) = _keys(data_dir)  # exactly one key left: the one the rotation made
        assert new_key == rotated[0]
        assert (data_dir / "encryption.keys").stat().st_mode & 0o777 == 0o600

        # The app, which now has only the new key, reads every row as before...
        after = _dump(env)
        assert {label: t["read"] for label, t in after.items()} == {
            label: t["read"] for label, t in before.items()
        }
        # ...and each stored value opens with the new key alone, never with the old one.
        _assert_only_key_opens_everything(after, new_key, [old_key])


# Writes the drill must see confirmed: a quarter before the rotation, the rest during and
# after it (the drill waits for them by polling). More add time, not proof: bench/key_drill.py
# --writes 2000 is the long run in docs/deploy.md.
WRITES = 40


def test_rotation_under_load_loses_no_confirmed_write_and_answers_no_5xx(tmp_path, migrated_source):
    """bench/key_drill.py, small: rotate and retire while two server processes take writes.

    No restart between the rotation and the read-back. Each client pauses 50 ms between its
    requests: the drill still writes all through the rotation, without taking both cores of a
    CI machine from the tests running beside it. (The drill's broken key files are
    tests/test_keys_startup.py's cases.) A longer run and its figures are in docs/deploy.md.
    It starts from a copy of the session's new installation (`reattune manage migrate`, once:
    tests/cli_fixtures.py) instead of migrating a fresh folder of its own (about 3 CPU-s).
    """
    results = tmp_path / "key_drill.json"
    with data_copy(migrated_source, tmp_path / "installed", "reattune_key_drill") as (
        installed,
        _,
        database_url,
    ):
        command = [sys.executable, "bench/key_drill.py", "--writes", str(WRITES), "--threads", "3",
                   "--workers", "2", "--grace", "2", "--pause", "0.05", "--results", str(results),
                   "--skip-broken-key-files", "--data-from", str(installed)]  # fmt: skip
        if database_url:
            command += ["--database-url", database_url]
        # The timeout catches a hung drill; it is not a speed target.
        run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(results.read_text())
    assert result["confirmed"] >= WRITES and result["keys_after"] == 1 and result["key_changed"]
    assert result["server_errors_during_load"] == 0, result["statuses"]
    assert result["unreadable_without_restart"] == 0
    assert result["unreadable_after_restart"] == 0
    assert result["confirmed_before_retire"] < result["confirmed"]  # writes went on after it
    assert "OK" in run.stdout


class RetireChecksTests(BaseTestCase):
    """`rotate-keys --retire-old` in-process: it refuses whenever a key may still be needed."""

    def setUp(self):
        super().setUp()
        import tempfile
        from pathlib import Path

        from django.conf import settings

        self.old = list(settings.ENCRYPTION_KEYS)
        self.path = Path(tempfile.mkdtemp(prefix="reattune-retire-")) / "encryption.keys"
        self.path.write_text("\n".join(self.old) + "\n")
        override = override_settings(ENCRYPTION_KEYS_FILE=self.path)
        override.enable()
        self.addCleanup(override.disable)
        crypto.refresh()
        self.said = []
        self.assertEqual(keys.rotate(progress=self.said.append), 0, self.said)
        self.new = self.path.read_text().split()[0]

    def _file_keys(self):
        return self.path.read_text().split()

    def _store_under(self, key: str, text: str, entry) -> None:
        token = Fernet(key.encode()).encrypt(text.encode()).decode()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE journal_entry SET body = %s WHERE id = %s", [token, entry.pk])

    def _body(self, entry) -> str:
        return Entry.objects.get(pk=entry.pk).body

    def test_it_refuses_while_the_new_key_is_younger_than_the_grace_period(self):
        self.assertEqual(keys.retire(grace=3600, progress=self.said.append), 1)
        self.assertIn("Nothing was retired", self.said[-1])
        self.assertEqual(self._file_keys(), [self.new, *self.old])

    def test_a_value_written_under_the_old_key_just_before_the_rotation_is_re_encrypted(self):
        self._store_under(self.old[0], "late write", self.alex_private)
        self.assertEqual(keys.retire(grace=0, progress=self.said.append), 0, self.said)
        self.assertEqual(self._file_keys(), [self.new])
        self.assertEqual(self._body(self.alex_private), "late write")
        self.assertTrue(crypto.opens_with_newest(raw_body(self.alex_private.pk)))

    def test_a_value_under_an_old_key_arriving_during_retirement_puts_the_keys_back(self):
        write_keys = keys._write_keys

        def racing_write(path, new_keys):
            write_keys(path, new_keys)
            if new_keys == [self.new]:  # a slow process commits its old-key write right now
                self._store_under(self.old[0], "racing write", self.sam_private)

        with mock.patch.object(keys, "_write_keys", racing_write):
            self.assertEqual(keys.retire(grace=0, progress=self.said.append), 1)
        self.assertIn("back in the key file", self.said[-1])
        self.assertEqual(self._file_keys(), [self.new, *self.old])
        self.assertEqual(self._body(self.sam_private), "racing write")

    def test_a_value_no_key_opens_blocks_retirement(self):
        self._store_under(Fernet.generate_key().decode(), "foreign", self.casey_private)
        self.assertEqual(keys.retire(grace=0, progress=self.said.append), 1)
        self.assertIn("cannot be opened by any key", self.said[-1])
        self.assertEqual(self._file_keys(), [self.new, *self.old])

    def test_an_edit_saved_during_re_encryption_is_kept(self):
        self._store_under(self.old[0], "before the edit", self.alex_shared)
        stale_row = (self.alex_shared.pk, raw_body(self.alex_shared.pk))
        Entry.objects.filter(pk=self.alex_shared.pk).update(body="the edit")  # under new key
        rewritten = keys._rewrite_row("journal_entry", "id", ["body"], stale_row)
        self.assertEqual(rewritten, 0)  # the row changed: nothing of the old read is written
        self.assertEqual(self._body(self.alex_shared), "the edit")

    def test_with_one_key_there_is_nothing_to_retire(self):
        self.assertEqual(keys.retire(grace=0, progress=self.said.append), 0)
        self.assertEqual(keys.retire(grace=0, progress=self.said.append), 0)
        self.assertIn("nothing to retire", self.said[-1])
        self.assertEqual(self._file_keys(), [self.new])


class InlineKeysTests(BaseTestCase):
    """Keys in REATTUNE_ENCRYPTION_KEYS: rotate-keys re-encrypts under the first one."""

    def test_it_re_encrypts_under_a_new_first_key_given_inline(self):
        from django.conf import settings

        new = Fernet.generate_key().decode()
        said = []
        with override_settings(
            ENCRYPTION_KEYS_FILE=None, ENCRYPTION_KEYS=[new, *settings.ENCRYPTION_KEYS]
        ):
            self.assertEqual(keys.rotate(progress=said.append), 0, said)
            self.assertTrue(crypto.opens_with_newest(raw_body(self.alex_private.pk)))
        self.assertIn("Re-encrypted", said[-1])

    def test_with_one_inline_key_it_says_how_to_add_one(self):
        from django.conf import settings

        said = []
        with override_settings(
            ENCRYPTION_KEYS_FILE=None, ENCRYPTION_KEYS=settings.ENCRYPTION_KEYS[:1]
        ):
            self.assertEqual(keys.rotate(progress=said.append), 2)
        self.assertIn("add a new key first", said[-1])
