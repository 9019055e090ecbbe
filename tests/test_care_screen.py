"""The private safety screen: offered after sign-up, skippable, stored encrypted, and
positive results shown to that partner alone (the partner side: tests/test_care_privacy.py)."""

from django.db import connection

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import User
from reattune.care.models import SafetyScreen
from reattune.care.safety import RESTING_PROMPT, safety_mode
from reattune.core.request_context import couple_scope
from reattune.couples import actions as couples
from reattune.domain.safety.screen import SKIP_VALUE, URGENT_AREAS, load_screen
from tests.base import PASSWORD, BaseTestCase

SCREEN = load_screen()


def form(**answers):
    """A full form as a browser sends it: every question, "Prefer not to say" unless given."""
    return {item.id: answers.get(item.id, SKIP_VALUE) for item in SCREEN.items}


POSITIVE = form(hurt="0", threatened="1", unsafe_now="no")
NEGATIVE = form(
    **{i.id: "0" for i in SCREEN.items if i.scale.type == "frequency"},
    unsafe_now="no",
    leaving="no",
)


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
        self.assertNotIn("Your safety matters most right now", page)  # not urgent
        self.assertTrue(safety_mode(fresh(self.alex)))
        self.assertIn(RESTING_PROMPT, client.get("/rituals/").content.decode())

    def test_feeling_unsafe_now_puts_the_emergency_first(self):
        client = self.client_for("alex")
        client.post("/care/safety/", form(unsafe_now="yes"))
        page = client.get("/care/safety/result/").content.decode()
        self.assertLess(
            page.index("Your safety matters most right now"), page.index("Help right now")
        )

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
        response = self.client_for("alex").post("/care/safety/", form(hurt="7"))
        self.assertEqual(response.status_code, 422)
        self.assertFalse(SafetyScreen.objects.exists())

    def test_safety_mode_is_one_query_and_cached(self):
        self.client_for("alex").post("/care/safety/", POSITIVE)
        user = fresh(self.alex)
        # Once per request (request.couple) or per couple_scope; nothing kept on the user.
        with couple_scope(user), self.assertNumQueries(1):
            self.assertTrue(safety_mode(user))
            self.assertTrue(safety_mode(user))

    def test_the_screen_page_has_every_area_and_a_quick_exit(self):
        page = self.client_for("sam").get("/care/safety/").content.decode()
        for words in (
            "pushed, grabbed",
            "around your neck",
            "kill you",
            "weapon",
            "followed you",
            "if you left",
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


class UrgentOutcomeTests(BaseTestCase):
    """Strangulation, threats to kill, weapons, stalking and danger around separation (the
    Danger Assessment's risk factors) each make the outcome urgent."""

    def test_every_urgent_area_has_an_urgent_item_with_its_basis(self):
        urgent_areas = {i.area for i in SCREEN.items if i.urgent and i.basis}
        self.assertLessEqual(URGENT_AREAS, urgent_areas)

    def test_each_danger_factor_puts_emergency_lines_plan_and_leaving_first(self):
        self.alex.country = "GB"
        self.alex.save(update_fields=["country"])
        answers = {"strangled": "1", "threat_to_kill": "1", "weapon": "1", "followed": "1"}
        answers["leaving"] = "yes"
        for item_id, value in answers.items():
            with self.subTest(item_id):
                SafetyScreen.objects.all().delete()
                client = self.client_for("alex")
                response = client.post("/care/safety/", form(**{item_id: value}))
                self.assertRedirects(
                    response, "/care/safety/result/", fetch_redirect_response=False
                )
                page = client.get("/care/safety/result/").content.decode()
                emergency = page.index('class="emergency"')
                dv_line = page.index("If someone is hurting or threatening you")
                plan = page.index('id="safety-plan"')
                self.assertLess(page.index("Your safety matters most right now"), emergency)
                self.assertLess(emergency, dv_line)
                self.assertLess(dv_line, plan)
                self.assertLess(plan, page.index("Thank you for telling us"))
                self.assertIn("most dangerous time", page)
                self.assertIn("specialist can help you plan it", page)
                self.assertIn("data-quick-exit", page)

    def test_below_the_threshold_is_not_urgent(self):
        client = self.client_for("alex")
        client.post("/care/safety/", form(insulted="2"))
        page = client.get("/care/safety/result/").content.decode()
        self.assertNotIn("most dangerous time", page)
        self.assertIn("Thank you for telling us", page)


class BadInputTests(BaseTestCase):
    """Blank, half-answered and tampered forms get a clear error and store nothing."""

    def post(self, data):
        client = self.client_for("alex")
        response = client.post("/care/safety/", data)
        self.assertEqual(response.status_code, 422)
        self.assertFalse(SafetyScreen.objects.exists())
        self.assertFalse(safety_mode(fresh(self.alex)))
        return response.content.decode()

    def test_every_answer_blank_or_skipped(self):
        for data in ({}, {k: "" for k in form()}, form()):
            with self.subTest(data=data):
                self.assertIn("No question was answered, so nothing was saved", self.post(data))

    def test_half_answered(self):
        data = {
            k: v for k, v in form(hurt="2", threatened="1").items() if k in ("hurt", "threatened")
        }
        page = self.post(data)
        self.assertIn(
            f"{len(SCREEN.items) - 2} of {len(SCREEN.items)} questions have no answer yet", page
        )
        self.assertIn("Choose an answer, or &quot;Prefer not to say&quot;.", page)

    def test_out_of_range_values(self):
        for bad in (
            {"hurt": "7"},
            {"hurt": "-1"},
            {"hurt": "often"},
            {"unsafe_now": "2"},
            {"leaving": "1"},
        ):
            with self.subTest(bad=bad):
                self.assertIn("was not one of the choices", self.post(form(**bad)))

    def test_unknown_fields(self):
        self.assertIn("fields it does not know", self.post({**form(hurt="3"), "extra": "1"}))

    def test_repeated_fields(self):
        data = form(hurt="0")
        data["hurt"] = ["0", "3"]
        self.assertIn("more than one answer", self.post(data))

    def test_a_later_bad_submission_keeps_the_earlier_result(self):
        client = self.client_for("alex")
        client.post("/care/safety/", POSITIVE)
        self.assertEqual(client.post("/care/safety/", form(hurt="9")).status_code, 422)
        self.assertEqual(SafetyScreen.objects.count(), 1)
        self.assertTrue(safety_mode(fresh(self.alex)))
