from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from reattune.core import crypto
from reattune.journal.models import Entry
from tests.base import BaseTestCase


def raw_body(entry_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM journal_entry WHERE id = %s", [entry_id])
        return cursor.fetchone()[0]


class EncryptedFieldTests(BaseTestCase):
    def test_it_stores_ciphertext_and_reads_plaintext(self):
        stored = raw_body(self.alex_private.pk)
        self.assertNotIn("secret", stored)
        self.assertTrue(stored.startswith("gAAAAA"))
        self.assertEqual(
            Entry.objects.get(pk=self.alex_private.pk).body, "alex private secret text"
        )

    def test_it_fails_closed_with_a_wrong_key(self):
        crypto._keyring.cache_clear()
        with override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            with self.assertRaises(crypto.DecryptionFailed) as caught:
                Entry.objects.get(pk=self.alex_private.pk).body  # noqa: B018
        self.assertNotIn("secret", str(caught.exception))
        self.assertNotIn("gAAAAA", str(caught.exception))

    def test_it_reads_with_an_older_key_listed_second(self):
        new = Fernet.generate_key().decode()
        from django.conf import settings

        with override_settings(ENCRYPTION_KEYS=[new, *settings.ENCRYPTION_KEYS]):
            self.assertEqual(
                Entry.objects.get(pk=self.sam_private.pk).body, "sam private secret text"
            )

    def test_it_refuses_to_run_without_any_key(self):
        from django.core.exceptions import ImproperlyConfigured

        with override_settings(ENCRYPTION_KEYS=[]):
            with self.assertRaises(ImproperlyConfigured):
                crypto.encrypt("x")

    def test_it_has_no_text_lookups(self):
        from django.core.exceptions import FieldError

        with self.assertRaises(FieldError):
            list(Entry.objects.filter(body__contains="secret"))

    def test_it_round_trips_any_unicode(self):
        text = "Zwölf Boxkämpfer 🫶🏽 עברית \u202e RTL \u0000x"[:-2] + "\ufeff\U0001f600 e\u0301"
        self.assertEqual(crypto.decrypt(crypto.encrypt(text)), text)


class KeyFileFollowingTests(BaseTestCase):
    """A running process follows its key file: rotations reach it, wrong files do not."""

    def setUp(self):
        super().setUp()
        import tempfile
        from pathlib import Path

        from django.conf import settings

        self.real = list(settings.ENCRYPTION_KEYS)
        self.path = Path(tempfile.mkdtemp(prefix="reattune-keyfile-")) / "encryption.keys"
        self._write(self.real)
        self.override = override_settings(ENCRYPTION_KEYS_FILE=self.path)
        self.override.enable()
        self.addCleanup(self.override.disable)
        crypto.refresh()  # this process has read the file as it is now

    def _write(self, keys):
        import os

        temporary = self.path.with_name("encryption.keys.new")
        temporary.write_text("\n".join(keys) + "\n")
        os.replace(temporary, self.path)  # as rotate-keys does: a new file in place

    def _keys_now(self):
        from django.conf import settings

        return list(settings.ENCRYPTION_KEYS)

    def test_a_rotation_written_by_another_process_is_used_for_the_next_write(self):
        new = Fernet.generate_key().decode()
        self._write([new, *self.real])
        token = crypto.encrypt("after the rotation")
        self.assertEqual(Fernet(new.encode()).decrypt(token.encode()), b"after the rotation")
        self.assertIsNone(crypto.key_problem())

    def test_a_row_re_encrypted_by_another_process_reads_without_a_restart(self):
        new = Fernet.generate_key().decode()
        rotated = _rotated(new, self.real, raw_body(self.alex_private.pk))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE journal_entry SET body = %s WHERE id = %s", [rotated, self.alex_private.pk]
            )
        self._write([new, *self.real])  # the other process wrote the file first
        self.assertEqual(
            Entry.objects.get(pk=self.alex_private.pk).body, "alex private secret text"
        )
        self.assertEqual(self._keys_now(), [new, *self.real])

    def test_retiring_the_old_key_reaches_the_process(self):
        new = Fernet.generate_key().decode()
        self._write([new, *self.real])
        crypto.encrypt("x")
        self._write([new])
        crypto.encrypt("y")
        self.assertEqual(self._keys_now(), [new])

    def test_a_key_file_overwritten_with_a_wrong_key_is_not_taken(self):
        wrong = Fernet.generate_key().decode()
        self._write([wrong])
        token = crypto.encrypt("still under the real key")
        # Nothing is written under the wrong key: the real key still opens the new value.
        self.assertEqual(
            Fernet(self.real[0].encode()).decrypt(token.encode()), b"still under the real key"
        )
        self.assertEqual(self._keys_now(), self.real)
        self.assertIn("do not open the stored data", crypto.key_problem())
        # The right file back: the problem is gone.
        self._write(self.real)
        self.assertIsNone(crypto.key_problem())

    def test_an_emptied_or_deleted_key_file_keeps_the_keys_read_before(self):
        self.path.write_text("")
        self.assertEqual(crypto.decrypt(crypto.encrypt("kept")), "kept")
        self.assertIn("holds no key", crypto.key_problem())
        self.path.unlink()
        self.assertEqual(crypto.decrypt(crypto.encrypt("kept")), "kept")
        self.assertIn("is missing", crypto.key_problem())
        self.assertEqual(self._keys_now(), self.real)

    def test_an_invalid_key_file_is_not_taken(self):
        self._write(["not-a-fernet-key"])
        self.assertEqual(crypto.decrypt(crypto.encrypt("kept")), "kept")
        self.assertIn("not a valid encryption key", crypto.key_problem())


def _rotated(new: str, old: list[str], token: str) -> str:
    from cryptography.fernet import MultiFernet

    ring = MultiFernet([Fernet(k.encode()) for k in [new, *old]])
    return ring.rotate(token.encode()).decode()


class SampleTests(BaseTestCase):
    def test_the_sample_skips_a_column_a_migration_has_not_added_yet(self):
        from unittest import mock

        real = connection.introspection.get_table_description
        crypto._complete_tables.clear()  # forget what earlier reads learnt about the tables
        self.addCleanup(crypto._complete_tables.clear)

        def without_body(cursor, table):
            rows = real(cursor, table)
            return [r for r in rows if not (table == "journal_entry" and r.name == "body")]

        with mock.patch.object(connection.introspection, "get_table_description", without_body):
            labels = {label for label, _ in crypto.sample_values()}
        self.assertIn("journal.Entry.title", labels)
        self.assertNotIn("journal.Entry.body", labels)

    def test_the_sample_opens_with_the_right_key_and_not_with_a_wrong_one(self):
        sampled, failed = crypto.sample_problem()
        self.assertGreater(sampled, 0)
        self.assertEqual(failed, 0)
        crypto._keyring.cache_clear()
        with override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            self.assertEqual(crypto.sample_problem(), (sampled, sampled))
