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


class EscalationFromTimeOutsTests(BaseTestCase):
    """The escalation rule of help_rules.py is fed from the couple's time-outs."""

    def timeouts(self, days):
        from datetime import datetime, time

        from reattune.rituals.models import TimeOut

        space = active_membership(self.alex).space
        today = space.today()
        for i in days:
            start = datetime.combine(today - timedelta(days=i), time(12), tzinfo=space.tzinfo())
            TimeOut.objects.create(
                author=self.alex,
                space=space,
                started_at=start,
                ends_at=start + timedelta(minutes=20),
                ended_at=start + timedelta(minutes=20),
            )

    def test_six_time_outs_in_two_weeks_show_the_escalation_reason_to_both(self):
        self.timeouts(range(0, 12, 2))  # 6 of the last 14 days
        for persona in ("alex", "sam"):
            page = self.client_for(persona).get("/home/").content.decode()
            self.assertIn(HELP_CARD_TITLE, page, persona)
            self.assertIn(REASON_TEXTS["escalation"].split(".")[0], page, persona)

    def test_a_few_time_outs_show_nothing(self):
        self.timeouts([1, 5, 9])
        self.assertNotIn(HELP_CARD_TITLE, self.client_for("alex").get("/home/").content.decode())

    def test_the_series_covers_28_days_in_the_spaces_timezone(self):
        from reattune.care.help import timeout_series

        self.timeouts([0, 27, 30])
        series = timeout_series(self.alex)
        self.assertEqual(len(series), 28)
        self.assertEqual(sum(1 for _, called in series if called), 2)
        self.assertTrue(series[-1][1] and series[0][1])


class ResultsHelpCardTests(BaseTestCase):
    def test_the_results_card_lists_the_signs_once_and_links_to_support(self):
        from reattune.assessments.catalog import catalog

        fill(self.alex, "time_for_help", 0.9)
        page = self.client_for("alex").get("/results/").content.decode()
        self.assertIn('id="results-help-title"', page)
        self.assertIn('href="/care/">Ways to get support', page)
        self.assertNotIn("This stands out for you", page)  # no repeated subjectless sentence
        for cid in catalog().latest("time_for_help").constructs:
            self.assertEqual(page.count(f'href="/learn/help_sign/{cid}/"'), 1, cid)

    def test_individual_support_says_what_kind_of_professional_and_why(self):
        from django.template import Context, Template
        from django.test import RequestFactory

        request = RequestFactory().get("/results/")
        request.user = self.alex
        template = Template("{% load care_tags %}{% care_results_help insight %}")
        insight = {
            "help": {"signs": [], "individual_support": True},
            "signals": {"cause:mental_health": 0.8, "cause:learned_avoidance": 0.1},
        }
        html = template.render(Context({"insight": insight, "user": self.alex, "request": request}))
        self.assertIn("Support for you on your own", html)
        self.assertIn("psychologist, psychotherapist or counsellor", html)
        self.assertIn("low mood or worry weighing on you", html)
        self.assertNotIn("keeping feelings to yourself", html)
        empty = {"help": {"signs": [], "individual_support": False}, "signals": {}}
        html = template.render(Context({"insight": empty, "user": self.alex, "request": request}))
        self.assertNotIn("results-help-title", html)
