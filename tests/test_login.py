from tests.base import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_it_logs_in_and_rotates_the_session_id(self):
        self.client.get("/login/")
        self.client.session.save()
        before = self.client.session.session_key
        response = self.client.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        self.assertRedirects(response, "/home/", fetch_redirect_response=False)
        self.assertNotEqual(self.client.session.session_key, before)

    def test_it_answers_the_same_for_unknown_and_known_emails(self):
        unknown = self.client.post("/login/", {"email": "nobody@example.org", "password": "x" * 12})
        known = self.client.post("/login/", {"email": "alex@example.org", "password": "x" * 12})
        self.assertEqual(unknown.status_code, known.status_code)
        self.assertContains(unknown, "do not match an account")
        self.assertContains(known, "do not match an account")

    def test_it_follows_a_local_next_url_only(self):
        response = self.client.post(
            "/login/?next=/journal/",
            {"email": "alex@example.org", "password": PASSWORD, "next": "https://evil.example/"},
        )
        self.assertRedirects(response, "/home/", fetch_redirect_response=False)

    def test_it_logs_out_only_with_post(self):
        client = self.client_for("alex")
        self.assertEqual(client.get("/logout/").status_code, 405)
        response = client.post("/logout/")
        self.assertEqual(client.get("/home/").status_code, 302)
        # the browser drops what it keeps for this site, the unlocked vault key included
        self.assertEqual(response["Clear-Site-Data"], '"storage"')

    def test_it_sets_a_fourteen_day_idle_timeout(self):
        from django.conf import settings

        self.assertEqual(settings.SESSION_COOKIE_AGE, 14 * 24 * 3600)
