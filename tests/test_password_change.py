from django.test import Client

from tests.base import PASSWORD, BaseTestCase


class PasswordChangeTests(BaseTestCase):
    def login(self):
        client = Client()
        client.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        return client

    def test_it_changes_the_password_and_ends_other_sessions(self):
        phone, laptop = self.login(), self.login()
        self.assertEqual(phone.get("/home/").status_code, 200)
        response = laptop.post(
            "/account/password/",
            {"current_password": PASSWORD, "new_password": "a brand new long passphrase"},
        )
        self.assertRedirects(response, "/account/", fetch_redirect_response=False)
        self.assertEqual(laptop.get("/home/").status_code, 200)
        self.assertEqual(phone.get("/home/").status_code, 302)
        self.alex.refresh_from_db()
        self.assertTrue(self.alex.check_password("a brand new long passphrase"))

    def test_it_requires_the_current_password(self):
        client = self.login()
        response = client.post(
            "/account/password/",
            {"current_password": "wrong one here", "new_password": "a brand new long passphrase"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "not your current password", status_code=422)

    def test_it_turns_off_every_personal_access_token_and_says_so(self):
        from reattune.accounts.actions import do_create_token
        from reattune.accounts.models import AccessToken

        _, second = do_create_token(self.alex, "backup script")
        self.assertEqual(self.api("alex", "get", "/api/v1/me").status_code, 200)
        client = self.login()
        response = client.post(
            "/account/password/",
            {"current_password": PASSWORD, "new_password": "a brand new long passphrase"},
            follow=True,
        )
        self.assertContains(
            response,
            "You were logged out everywhere else and your 2 access tokens were turned off.",
        )
        self.assertFalse(AccessToken.objects.filter(user=self.alex).exists())
        for raw in (self.alex_token, second):
            answer = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
            self.assertEqual(answer.status_code, 401)
        # Sam's token is not touched.
        self.assertEqual(self.api("sam", "get", "/api/v1/me").status_code, 200)
