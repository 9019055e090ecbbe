from reattune.accounts.models import User
from reattune.couples.actions import active_membership
from tests.base import PASSWORD, BaseTestCase


class SignupTests(BaseTestCase):
    def post(self, **overrides):
        data = {
            "display_name": "Robin",
            "email": "robin@example.org",
            "password": PASSWORD,
            "timezone": "Asia/Tokyo",
        }
        data.update(overrides)
        return self.client.post("/signup/", data)

    def test_it_creates_the_account_and_a_space_in_the_browser_timezone(self):
        response = self.post()
        # A new person is first offered the private safety questions, skippable (care).
        self.assertRedirects(response, "/care/welcome/", fetch_redirect_response=False)
        user = User.objects.get(email="robin@example.org")
        self.assertTrue(user.password.startswith("argon2"))
        self.assertEqual(active_membership(user).space.timezone, "Asia/Tokyo")

    def test_it_lowercases_the_email(self):
        self.post(email="Robin@Example.ORG")
        self.assertTrue(User.objects.filter(email="robin@example.org").exists())

    def test_it_refuses_short_and_common_passwords(self):
        for password in ("short", "password123", "1234567890"):
            response = self.post(password=password)
            self.assertEqual(response.status_code, 200)
            self.assertFalse(User.objects.filter(email="robin@example.org").exists())

    def test_it_refuses_passwords_over_128_characters(self):
        response = self.post(password="a-b" * 50)
        self.assertContains(response, "at most 128 characters")
        self.assertFalse(User.objects.filter(email="robin@example.org").exists())

    def test_it_accepts_a_long_passphrase_without_composition_rules(self):
        self.post(password="river stones under a quiet bridge at dawn")
        self.assertTrue(User.objects.filter(email="robin@example.org").exists())

    def test_it_falls_back_to_utc_for_an_unknown_timezone(self):
        self.post(timezone="Mars/Olympus")
        user = User.objects.get(email="robin@example.org")
        self.assertEqual(active_membership(user).space.timezone, "UTC")

    def test_it_answers_neutrally_for_a_known_email_with_another_password(self):
        response = self.post(email="alex@example.org", password="some other long password")
        self.assertContains(response, "could not create an account")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_logs_in_a_known_email_with_its_own_password(self):
        response = self.post(email="alex@example.org")
        self.assertRedirects(response, "/home/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alex.pk)

    def test_it_is_closed_when_the_host_turns_open_signup_off(self):
        with self.settings(OPEN_SIGNUP=False):
            response = self.client.get("/signup/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "by invitation", status_code=403)

    def test_a_timezone_far_too_long_is_a_clear_400_not_a_crash(self):
        for name in ("A" * 256, "Europe/" + "é" * 200, "x/" * 300):
            response = self.post(timezone=name)
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "could not read your time zone", status_code=400)
        self.assertFalse(User.objects.filter(email="robin@example.org").exists())


class CoupleTimezoneTests(BaseTestCase):
    def test_a_timezone_far_too_long_is_refused_with_the_page_and_a_reason(self):
        client = self.client_for("alex")
        for name in ("A" * 256, "Europe/" + "é" * 200, "Europe/Berlin" * 20):
            response = client.post("/couple/timezone/", {"timezone": name})
            self.assertEqual(response.status_code, 422)
            self.assertContains(response, "That time zone is not known", status_code=422)
        self.assertEqual(active_membership(self.alex).space.timezone, "Europe/Berlin")
        response = client.post("/couple/timezone/", {"timezone": "Asia/Tokyo"})
        self.assertRedirects(response, "/couple/", fetch_redirect_response=False)
        self.assertEqual(active_membership(self.sam).space.timezone, "Asia/Tokyo")


class ClosedSignupTests(BaseTestCase):
    """REATTUNE_OPEN_SIGNUP=0: only a still-open invite opens sign-up, for one account."""

    def setUp(self):
        super().setUp()
        from reattune.accounts.actions import do_create_user
        from reattune.couples.actions import do_create_invite

        self.riley = do_create_user("riley@example.org", PASSWORD, "Riley", "Europe/Berlin")
        self.token = do_create_invite(self.riley)

    def sign_up(self, client, email):
        return client.post(
            "/signup/",
            {"display_name": "New", "email": email, "password": PASSWORD, "timezone": "UTC"},
        )

    def test_one_visit_to_an_open_invite_makes_one_account(self):
        client = self.client_class()
        with self.settings(OPEN_SIGNUP=False):
            self.assertEqual(client.get(f"/invite/{self.token}/").status_code, 200)
            self.assertEqual(client.get("/signup/").status_code, 200)
            self.assertEqual(self.sign_up(client, "first@example.org").status_code, 302)
            # The same visit cannot make a second account, logged in or not.
            self.assertEqual(self.sign_up(client, "second@example.org").status_code, 403)
            client.post("/logout/")
            self.assertEqual(self.sign_up(client, "third@example.org").status_code, 403)
        self.assertTrue(User.objects.filter(email="first@example.org").exists())
        self.assertFalse(User.objects.filter(email="second@example.org").exists())
        self.assertFalse(User.objects.filter(email="third@example.org").exists())

    def test_a_revoked_invite_opens_nothing(self):
        from reattune.couples.actions import do_revoke_invites

        client = self.client_class()
        with self.settings(OPEN_SIGNUP=False):
            self.assertEqual(client.get(f"/invite/{self.token}/").status_code, 200)
            do_revoke_invites(self.riley)
            self.assertEqual(client.get("/signup/").status_code, 403)
            self.assertEqual(self.sign_up(client, "late@example.org").status_code, 403)
        self.assertFalse(User.objects.filter(email="late@example.org").exists())

    def test_a_used_invite_opens_nothing(self):
        client = self.client_class()
        with self.settings(OPEN_SIGNUP=False):
            client.get(f"/invite/{self.token}/")
            self.sign_up(client, "first@example.org")
            self.assertEqual(client.post("/invite/confirm/").status_code, 302)
            other = self.client_class()
            self.assertEqual(other.get(f"/invite/{self.token}/").status_code, 404)
            self.assertEqual(self.sign_up(other, "other@example.org").status_code, 403)
        first = User.objects.get(email="first@example.org")
        self.assertEqual(active_membership(first).space, active_membership(self.riley).space)
        self.assertFalse(User.objects.filter(email="other@example.org").exists())
