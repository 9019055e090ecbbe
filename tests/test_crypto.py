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
