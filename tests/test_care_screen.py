"""The private safety screen: offered after sign-up, skippable, stored encrypted, and
positive results shown to that partner alone (the partner side: tests/test_care_privacy.py)."""

from django.db import connection

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import User
from reattune.care.models import SafetyScreen
from reattune.care.safety import RESTING_PROMPT, safety_mode
from reattune.couples import actions as couples
from tests.base import PASSWORD, BaseTestCase

POSITIVE = {"hurt": "0", "threatened": "1", "afraid": "", "unsafe_now": "no"}
NEGATIVE = {"hurt": "0", "threatened": "0", "insulted": "0", "afraid": "0", "unsafe_now": "no"}


def fresh(user):
    return User.objects.get(pk=user.pk)


class SignupOfferTests(BaseTestCase):
    def signup(self, client, email="robin@example.org"):
        data = {"display_name": "Robin", "email": email, "password": PASSWORD, "timezone": "UTC"}
        return client.post("/signup/", data)

    def test_it_offers_the_screen_right_after_sign_up_and_lets_people_skip(self):
        response = self.signup(self.client)
        self.assertRedirects(response, "/care/welcome/", fetch_redirect_response=False)
        page = self.client.get("/care/welcome/").content.decode()
        self.assertIn("Answer the questions", page)
        self.assertIn('href="/home/">Not now', page)
        self.assertIn("data-quick-exit", page)
        skipped = self.client.post("/care/safety/", {"skip": "1"})
        self.assertRedirects(skipped, "/home/", fetch_redirect_response=False)
        self.assertFalse(SafetyScreen.objects.exists())

    def test_an_invited_person_goes_on_to_join_after_the_offer(self):
        raw = couples.do_create_invite(do_create_user("lee@example.org", PASSWORD, "Lee"))
        self.client.get(f"/invite/{raw}/")
        response = self.signup(self.client)
        self.assertRedirects(response, "/care/welcome/", fetch_redirect_response=False)
        self.assertIn(
            'href="/invite/confirm/">Not now', self.client.get("/care/welcome/").content.decode()
        )


class ScreenTests(BaseTestCase):
    def test_a_positive_screen_shows_resources_a_safety_plan_and_the_couples_note(self):
        client = self.client_for("alex")
        self.assertFalse(safety_mode(fresh(self.alex)))
        response = client.post("/care/safety/", POSITIVE)
        self.assertRedirects(response, "/care/safety/result/", fetch_redirect_response=False)
        page = client.get("/care/safety/result/").content.decode()
        for text in (
            "Thank you for telling us",
            "Your safety comes first",
            "not the right first step",
            "Making a safety plan",
            "Help right now",
            "data-quick-exit",
            "not medical or psychological advice",
        ):
            self.assertIn(text, page)
        self.assertNotIn("If you are in danger now", page)  # not urgent
        self.assertTrue(safety_mode(fresh(self.alex)))
        self.assertIn(RESTING_PROMPT, client.get("/rituals/").content.decode())

    def test_feeling_unsafe_now_puts_the_emergency_first(self):
        client = self.client_for("alex")
        client.post("/care/safety/", {"unsafe_now": "yes"})
        page = client.get("/care/safety/result/").content.decode()
        self.assertLess(page.index("If you are in danger now"), page.index("Help right now"))

    def test_a_negative_screen_says_so_gently_and_changes_nothing(self):
        client = self.client_for("alex")
        client.post("/care/safety/", NEGATIVE)
        page = client.get("/care/safety/result/").content.decode()
        self.assertIn("Nothing you shared points to a safety worry", page)
        self.assertNotIn("Making a safety plan", page)
        self.assertFalse(safety_mode(fresh(self.alex)))

    def test_answers_and_result_are_stored_encrypted(self):
        self.client_for("alex").post("/care/safety/", POSITIVE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT answers, result FROM care_safetyscreen")
            rows = cursor.fetchall()
        self.assertEqual(len(rows), 1)
        for value in rows[0]:
            self.assertTrue(value.startswith("gAAAAA"))
            self.assertNotIn("positive", value)
            self.assertNotIn("threatened", value)

    def test_deleting_the_answers_ends_safety_mode(self):
        client = self.client_for("alex")
        client.post("/care/safety/", POSITIVE)
        response = client.post("/care/safety/delete/")
        self.assertRedirects(response, "/care/", fetch_redirect_response=False)
        self.assertFalse(SafetyScreen.objects.exists())
        self.assertFalse(safety_mode(fresh(self.alex)))
        self.assertRedirects(
            client.get("/care/safety/result/"), "/care/safety/", fetch_redirect_response=False
        )

    def test_an_answer_off_the_scale_is_refused(self):
        response = self.client_for("alex").post("/care/safety/", {"hurt": "7"})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(SafetyScreen.objects.exists())

    def test_safety_mode_is_one_query_and_cached(self):
        self.client_for("alex").post("/care/safety/", POSITIVE)
        user = fresh(self.alex)
        with self.assertNumQueries(1):
            self.assertTrue(safety_mode(user))
            self.assertTrue(safety_mode(user))

    def test_the_screen_page_has_every_area_and_a_quick_exit(self):
        page = self.client_for("sam").get("/care/safety/").content.decode()
        for words in (
            "pushed, grabbed",
            "threatened",
            "afraid",
            "phone",
            "money",
            "friends",
            "sexual",
            "Prefer not to say",
            "Skip for now",
        ):
            self.assertIn(words, page)
        self.assertIn('href="/learn/"', page)
        self.assertIn("/static/reattune/care.js", page)
