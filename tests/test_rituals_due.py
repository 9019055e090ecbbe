"""What is due for a couple that just started: the weekly review and the monthly check-in wait
until the couple has had a week (four weeks) to look back on, by one rule (queries.due_from)
that the Today card, the rituals page and the API all follow."""

from datetime import UTC, date, datetime

from django.test import RequestFactory, SimpleTestCase

from reattune.rituals.kinds import DAILY, MONTHLY, WEEKLY
from reattune.rituals.models import Schedule
from reattune.rituals.panels import home_panel
from reattune.rituals.queries import DueRule, due_from
from tests.base import BaseTestCase
from tests.rituals_helpers import frozen

# The default times: the weekly review on Sunday, the monthly check-in on the first Sunday.
DEFAULT = Schedule()
MONDAY = date(2026, 12, 7)  # the first Sunday of December 2026 was the 6th


class DueRuleTests(SimpleTestCase):
    def test_a_couple_starting_on_a_monday_reviews_its_first_week_that_sunday(self):
        self.assertEqual(due_from(WEEKLY, MONDAY, DEFAULT, MONDAY), date(2026, 12, 13))

    def test_the_monthly_check_in_waits_four_weeks_not_the_first_day(self):
        # The first Sunday of December has passed, but the couple only started on the 7th.
        self.assertIsNone(due_from(MONTHLY, date(2026, 12, 1), DEFAULT, MONDAY))
        # January's first Sunday (the 3rd) is the 28th day since they started: due then.
        self.assertEqual(due_from(MONTHLY, date(2027, 1, 1), DEFAULT, MONDAY), date(2027, 1, 3))
        # A couple starting on 29 December gets theirs later in January, four weeks on.
        late = date(2026, 12, 29)
        self.assertEqual(due_from(MONTHLY, date(2027, 1, 1), DEFAULT, late), date(2027, 1, 25))

    def test_starting_on_the_chosen_day_itself_is_not_enough(self):
        sunday = date(2026, 12, 6)
        rule = DueRule(DEFAULT, started=sunday, today=sunday)
        for kind in (WEEKLY, MONTHLY):
            self.assertFalse(rule.is_due(kind, kind.period_of(sunday)), kind.key)
        # The weekly review is next due a week on; the check-in is due on the day itself.
        self.assertEqual(rule.next_due(WEEKLY, WEEKLY.period_of(sunday)), date(2026, 12, 13))
        self.assertTrue(rule.is_due(DAILY, sunday))

    def test_a_couple_here_long_ago_follows_its_chosen_days(self):
        rule = DueRule(DEFAULT, started=date(2025, 1, 6), today=date(2026, 12, 7))
        self.assertTrue(rule.is_due(MONTHLY, date(2026, 12, 1)))  # since the 6th
        self.assertFalse(rule.is_due(WEEKLY, MONDAY))  # waits for Sunday
        third_friday = Schedule(weekly_day=4, monthly_ordinal=3, monthly_day=4)
        self.assertEqual(due_from(WEEKLY, MONDAY, third_friday, rule.started), date(2026, 12, 11))
        self.assertEqual(
            due_from(MONTHLY, date(2026, 12, 1), third_friday, rule.started), date(2026, 12, 18)
        )

    def test_a_period_that_has_ended_is_no_longer_due(self):
        rule = DueRule(DEFAULT, started=date(2025, 1, 6), today=date(2026, 12, 7))
        last_week = WEEKLY.period_of(date(2026, 11, 30))
        self.assertNotEqual(last_week, WEEKLY.period_of(rule.today))
        self.assertFalse(rule.is_due(WEEKLY, last_week))
        self.assertFalse(rule.is_due(MONTHLY, date(2026, 11, 1)))
        self.assertFalse(rule.is_due(DAILY, date(2026, 12, 6)))  # yesterday's check-in
        self.assertTrue(rule.is_due(DAILY, rule.today))

    def test_a_review_turned_off_is_never_due(self):
        off = Schedule(weekly_on=False, monthly_on=False)
        for kind, period in ((WEEKLY, MONDAY), (MONTHLY, date(2026, 12, 1))):
            rule = DueRule(off, started=date(2025, 1, 6), today=date(2026, 12, 31))
            self.assertIsNone(rule.next_due(kind, period))
            self.assertFalse(rule.is_due(kind, period))


class NewCoupleTests(BaseTestCase):
    """alex and sam formed their couple today (the fixtures join them now)."""

    def test_the_today_card_shows_no_review_on_the_first_day(self):
        space = self.alex.memberships.get(left_at=None).space
        Schedule.objects.create(space=space)
        request = RequestFactory().get("/home/")
        request.user = self.alex
        _, context = home_panel(request)
        self.assertEqual(context["reviews"], [])
        page = self.client_for("alex").get("/home/").content.decode()
        self.assertIn('id="due-daily"', page)
        self.assertNotIn('id="due-monthly"', page)
        self.assertNotIn("Due now", page)

    def test_the_api_and_the_rituals_page_say_the_same(self):
        today = self.alex.memberships.get(left_at=None).space.today()
        body = self.api("alex", "GET", "/api/v1/rituals/today").json()
        due = {item["kind"]: item for item in body}
        self.assertTrue(due["daily"]["due"])
        for key in ("weekly", "monthly"):
            self.assertFalse(due[key]["due"], key)
            self.assertGreater(date.fromisoformat(due[key]["due_from"]), today, key)
        page = self.client_for("alex").get("/rituals/").content.decode()
        for key in ("weekly", "monthly"):
            shown = date.fromisoformat(due[key]["due_from"])
            self.assertIn(f"Next due on {shown:%A} {shown.day} {shown:%B}.", page)
        self.assertNotIn("Due now", page)

    def test_a_couple_formed_long_ago_sees_the_monthly_check_in_on_its_day(self):
        space = self.alex.memberships.get(left_at=None).space
        space.memberships.update(joined_at=datetime(2025, 1, 6, 12, tzinfo=UTC))
        request = RequestFactory().get("/home/")
        request.user = self.alex
        with frozen(datetime(2026, 12, 7, 12, tzinfo=UTC)):
            _, context = home_panel(request)
        self.assertEqual([item["kind"].key for item in context["reviews"]], ["monthly"])

    def test_someone_on_their_own_is_not_told_of_minutes_together(self):
        from django.template.loader import render_to_string

        space = self.alex.memberships.get(left_at=None).space
        space.memberships.update(joined_at=datetime(2025, 1, 6, 12, tzinfo=UTC))
        request = RequestFactory().get("/home/")
        request.user = self.alex
        with frozen(datetime(2026, 12, 6, 12, tzinfo=UTC)):  # a Sunday, the first of December
            _, together = home_panel(request)
            self.sam.memberships.update(left_at=datetime(2026, 12, 1, tzinfo=UTC))
            _, alone = home_panel(request)
        self.assertIsNotNone(together["partner"])
        self.assertIsNone(alone["partner"])
        for context, with_partner in ((together, True), (alone, False)):
            self.assertEqual([i["kind"].key for i in context["reviews"]], ["weekly", "monthly"])
            html = render_to_string("rituals/home_panel.html", {"panel": context})
            self.assertIn("Due now: about", html)
            self.assertEqual("minutes together" in html, with_partner, html)
