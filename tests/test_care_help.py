"""The help card, through the pages: when it appears, why, and snoozing it."""

from datetime import timedelta

from reattune.couples.actions import active_membership
from reattune.domain.safety.help_rules import HELP_CARD_TITLE, REASON_TEXTS
from reattune.rituals.models import DailyCheckIn
from tests.base import BaseTestCase
from tests.checkups import fill


def low_connection_days(user, days=15, rating=2):
    space = active_membership(user).space
    today = space.today()
    for i in range(days):
        day = today - timedelta(days=i)
        DailyCheckIn.objects.create(
            author=user,
            space=space,
            day=day,
            day_index=day.toordinal(),
            connection_today=rating,
            best_part="b",
            challenging_part="c",
            appreciation="a",
        )


class HelpCardTests(BaseTestCase):
    def test_it_shows_no_card_without_a_reason(self):
        page = self.client_for("alex").get("/home/").content.decode()
        self.assertNotIn(HELP_CARD_TITLE, page)
        self.assertEqual(self.api("alex", "get", "/api/v1/care/help").json()["show"], False)

    def test_it_shows_the_card_from_the_time_for_help_answers_with_kind_reasons(self):
        fill(self.alex, "time_for_help", 0.9)
        page = self.client_for("alex").get("/home/").content.decode()
        self.assertIn(HELP_CARD_TITLE, page)
        self.assertIn(REASON_TEXTS["hopelessness"].split(".")[0], page)
        self.assertIn("/care/", page)
        # Sam answered nothing: sam's home has no card, and nothing about alex's answers.
        self.assertNotIn(HELP_CARD_TITLE, self.client_for("sam").get("/home/").content.decode())
        data = self.api("alex", "get", "/api/v1/care/help").json()
        self.assertTrue(data["show"])
        self.assertIn("hopelessness", [r["id"] for r in data["reasons"]])

    def test_it_shows_no_card_for_low_time_for_help_scores(self):
        fill(self.alex, "time_for_help", 0.1)
        self.assertNotIn(HELP_CARD_TITLE, self.client_for("alex").get("/home/").content.decode())

    def test_it_shows_the_card_after_weeks_of_low_connection(self):
        low_connection_days(self.alex)
        page = self.client_for("alex").get("/home/").content.decode()
        self.assertIn(HELP_CARD_TITLE, page)
        self.assertIn(REASON_TEXTS["low_connection"].split(".")[0], page)

    def test_it_does_not_count_a_partners_unrevealed_check_ins(self):
        low_connection_days(self.sam)  # alex has not checked in on those days
        self.assertNotIn(HELP_CARD_TITLE, self.client_for("alex").get("/home/").content.decode())

    def test_it_can_be_snoozed_and_the_help_page_still_explains(self):
        fill(self.alex, "time_for_help", 0.9)
        client = self.client_for("alex")
        response = client.post("/care/snooze/")
        self.assertRedirects(response, "/home/", fetch_redirect_response=False)
        self.assertNotIn(HELP_CARD_TITLE, client.get("/home/").content.decode())
        page = client.get("/care/").content.decode()
        self.assertIn(HELP_CARD_TITLE, page)
        self.assertIn("Hidden from your home page until", page)
        self.assertFalse(self.api("alex", "get", "/api/v1/care/help").json()["show"])

    def test_the_help_page_explains_kinds_of_help_and_says_it_is_not_advice(self):
        page = self.client_for("sam").get("/care/").content.decode()
        for text in (
            "Couples therapy",
            "Emotionally Focused Therapy",
            "Therapy for yourself",
            "Relationship coaching",
            "What to look for",
            "How to find someone",
            "not medical or psychological advice",
            "call your local emergency number",
        ):
            self.assertIn(text, page)
