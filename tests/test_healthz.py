"""/healthz: 200 only when the database answers and the keys open the stored data.

No authentication, no session, no cookie, nothing about anyone's data in the answer.
"""

from unittest import mock

from cryptography.fernet import Fernet
from django.db import OperationalError
from django.test import Client, TestCase, override_settings

from tests.base import BaseTestCase


class HealthWithDataTests(BaseTestCase):
    def test_it_answers_200_ok_without_a_cookie_or_any_data(self):
        response = Client().get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertEqual(response.cookies, {})
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertNotIn(b"alex", response.content)

    def test_a_signed_in_person_gets_the_same_answer_and_no_new_cookie(self):
        client = self.client_for("alex")
        response = client.get("/healthz")
        self.assertEqual((response.status_code, response.json()), (200, {"status": "ok"}))
        self.assertNotIn("reattune_csrf", response.cookies)

    def test_keys_that_do_not_open_the_data_answer_503(self):
        with override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            response = Client().get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(body["status"], "unavailable")
        self.assertEqual(body["reason"], "encryption keys do not open the stored data")
        self.assertNotIn(b"gAAAAA", response.content)
        self.assertNotIn(b"secret", response.content)

    def test_no_key_at_all_answers_503(self):
        with override_settings(ENCRYPTION_KEYS=[]):
            response = Client().get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["reason"], "encryption keys missing or invalid")

    def test_an_unreachable_database_answers_503(self):
        with mock.patch(
            "reattune.core.health.connection.cursor", side_effect=OperationalError("down")
        ):
            response = Client().get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["reason"], "database unreachable")
        self.assertNotIn(b"down", response.content)

    def test_it_only_answers_get_and_head(self):
        client = Client()
        self.assertEqual(client.head("/healthz").status_code, 200)
        for method in ("post", "put", "patch", "delete"):
            self.assertEqual(getattr(client, method)("/healthz").status_code, 405, method)


class HealthWithoutDataTests(TestCase):
    def test_a_new_installation_with_no_data_is_healthy_whatever_the_key(self):
        with override_settings(ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            response = Client().get("/healthz")
        self.assertEqual((response.status_code, response.json()), (200, {"status": "ok"}))
