"""The Today card: the check-in every day, the weekly review from its chosen day to the end of
the week, the monthly check-in from its chosen day to the end of the month, each until done."""

from datetime import UTC, datetime

from django.test import RequestFactory

from reattune.rituals.models import Schedule
from reattune.rituals.panels import home_panel
from tests.base import BaseTestCase
from tests.rituals_helpers import frozen, submit


class TodayPanelTests(BaseTestCase):
    def due(self, user):
        request = RequestFactory().get("/home/")
        request.user = user
        template, context = home_panel(request)
        self.assertEqual(template, "rituals/home_panel.html")
        return [item["kind"].key for item in context["reviews"]], context

    def settled(self):
        """The couple formed long before the days these tests freeze (a couple that just
        started is tests/test_rituals_due.py's)."""
        space = self.alex.memberships.get(left_at=None).space
        space.memberships.update(joined_at=datetime(2025, 1, 6, 12, tzinfo=UTC))
        return space

    def test_reviews_are_due_from_their_chosen_day_until_done(self):
        space = self.settled()
        # Weekly on Sunday (the default), monthly on the first Sunday of the month.
        Schedule.objects.create(space=space)
        # Tuesday 3 March 2026: the weekly review waits for Sunday; the monthly check-in is
        # due since the first Sunday of March (the 1st).
        with frozen(datetime(2026, 3, 3, 12, tzinfo=UTC)):
            self.assertEqual(self.due(self.alex)[0], ["monthly"])
        # Wednesday 25 February 2026: the first Sunday of February was the 1st: monthly due;
        # the weekly review waits for Sunday.
        with frozen(datetime(2026, 2, 25, 12, tzinfo=UTC)):
            self.assertEqual(self.due(self.alex)[0], ["monthly"])
        # Sunday 1 February 2026: both are due; once alex has done the weekly one, it goes.
        with frozen(datetime(2026, 2, 1, 12, tzinfo=UTC)):
            keys, context = self.due(self.alex)
            self.assertEqual(keys, ["weekly", "monthly"])
            self.assertFalse(context["mine"])
            submit("weekly", self.alex)
            self.assertEqual(self.due(self.alex)[0], ["monthly"])
            # Sam's weekly review is still due; Alex's done one does not show its answers.
            keys, context = self.due(self.sam)
            self.assertEqual(keys, ["weekly", "monthly"])
            self.assertTrue(context["reviews"][0]["partner_done"])

    def test_a_review_turned_off_is_not_shown_unless_the_partner_did_it(self):
        space = self.settled()
        Schedule.objects.create(space=space, weekly_on=False, monthly_on=False)
        with frozen(datetime(2026, 2, 1, 12, tzinfo=UTC)):
            self.assertEqual(self.due(self.alex)[0], [])
            submit("weekly", self.sam)
            self.assertEqual(self.due(self.alex)[0], ["weekly"])

    def test_the_check_in_is_started_in_one_tap_from_home(self):
        page = self.client_for("alex").get("/home/")
        self.assertContains(page, 'class="button big" href="/rituals/daily/"')
        self.assertContains(page, "Start today's check-in")
