"""Password reset: `reattune reset-password EMAIL` prints a one-time link valid for an hour;
with e-mail configured the reset page sends it. Using it ends every session and turns off
every personal access token."""

import io
import re
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

from reattune.accounts.cli import run as reset_password_cli
from reattune.accounts.models import AccessToken
from reattune.accounts.reset import SENT_MESSAGE, reset_path
from tests.base import PASSWORD, BaseTestCase

NEW_PASSWORD = "a brand new passphrase 42"


class Args:
    def __init__(self, email, base_url=""):
        self.email, self.base_url = email, base_url


class PasswordResetTests(BaseTestCase):
    def cli(self, email, base_url=""):
        out = io.StringIO()
        with redirect_stdout(out), mock.patch("reattune.cli._setup_django"):
            code = reset_password_cli(Args(email, base_url))
        return code, out.getvalue()

    def test_the_cli_says_which_address_the_link_assumes_unless_it_was_told(self):
        with self.settings(SITE_URL=""):
            _, guessed = self.cli("alex@example.org")
            _, told = self.cli("alex@example.org", base_url="https://us.home.example")
        self.assertIn("http://127.0.0.1:8000/password-reset/", guessed)
        self.assertIn("assumes reattune is reached at http://127.0.0.1:8000", guessed)
        self.assertIn("--base-url", guessed)
        self.assertIn("https://us.home.example/password-reset/", told)
        self.assertNotIn("assumes", told)
        with self.settings(SITE_URL="https://reattune.example.org"):
            _, configured = self.cli("alex@example.org")
        self.assertIn("https://reattune.example.org/password-reset/", configured)
        self.assertNotIn("assumes", configured)

    def test_the_cli_prints_a_link_that_sets_a_new_password_once(self):
        code, out = self.cli("ALEX@example.org")
        self.assertEqual(code, 0)
        link = re.search(r"https?://\S+/password-reset/\S+/", out).group(0)
        path = "/" + link.split("/", 3)[3]
        page = self.client.get(path)
        self.assertContains(page, "Choose a new password")
        response = self.client.post(path, {"new_password": NEW_PASSWORD})
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.alex.refresh_from_db()
        self.assertTrue(self.alex.check_password(NEW_PASSWORD))
        # once: the same link no longer works
        self.assertEqual(self.client.get(path).status_code, 404)
        self.assertContains(self.client.get(path), "no longer works", status_code=404)

    def test_the_cli_refuses_an_unknown_address_with_exit_1(self):
        code, out = self.cli("nobody@example.org")
        self.assertEqual(code, 1)
        self.assertIn("No account", out)

    def test_using_the_link_logs_out_everywhere_and_turns_off_tokens(self):
        phone = self.client_for("alex")
        self.assertEqual(phone.get("/account/").status_code, 200)
        tokens_before = AccessToken.objects.filter(user=self.alex).count()
        self.assertGreater(tokens_before, 0)
        path = reset_path(self.alex)
        response = self.client.post(path, {"new_password": NEW_PASSWORD}, follow=True)
        self.assertContains(response, "Every device was logged out")
        self.assertEqual(AccessToken.objects.filter(user=self.alex).count(), 0)
        self.assertEqual(phone.get("/account/").status_code, 302)  # the old session is gone
        self.assertFalse(self.client.login(email="alex@example.org", password=PASSWORD))

    def test_a_link_older_than_an_hour_is_refused(self):
        path = reset_path(self.alex)
        an_hour_later = datetime.now() + timedelta(hours=1, minutes=1)
        generator = "django.contrib.auth.tokens.PasswordResetTokenGenerator._now"
        with mock.patch(generator, return_value=an_hour_later):
            self.assertEqual(self.client.get(path).status_code, 404)
        self.assertEqual(self.client.get(path).status_code, 200)

    def test_a_weak_new_password_is_refused_and_nothing_changes(self):
        path = reset_path(self.alex)
        response = self.client.post(path, {"new_password": "short"})
        self.assertEqual(response.status_code, 422)
        self.alex.refresh_from_db()
        self.assertTrue(self.alex.check_password(PASSWORD))

    def test_a_link_for_one_person_does_not_work_for_another(self):
        alex_path = reset_path(self.alex)
        sam_uid = reset_path(self.sam).split("/")[2]
        forged = alex_path.replace(alex_path.split("/")[2], sam_uid)
        self.assertEqual(self.client.get(forged).status_code, 404)

    def test_without_email_the_page_says_how_to_get_a_link(self):
        page = self.client.get("/password-reset/")
        self.assertContains(page, "reattune reset-password")
        self.assertContains(self.client.get("/login/"), 'href="/password-reset/"')

    @override_settings(
        EMAIL_HOST="smtp.example.org",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="https://reattune.example.org",
    )
    def test_with_email_the_link_arrives_and_the_answer_never_tells_who_has_an_account(self):
        known = self.client.post("/password-reset/", {"email": "alex@example.org"}, follow=True)
        unknown = self.client.post("/password-reset/", {"email": "who@example.org"}, follow=True)
        self.assertContains(known, SENT_MESSAGE)
        self.assertContains(unknown, SENT_MESSAGE)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["alex@example.org"])
        link = re.search(
            r"https://reattune\.example\.org(/password-reset/\S+/)", mail.outbox[0].body
        )
        self.assertIsNotNone(link)
        self.assertContains(self.client.get(link.group(1)), "Choose a new password")
