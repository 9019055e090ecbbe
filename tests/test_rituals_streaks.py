"""Gentle streaks: rituals this week and runs of days, never a shaming word."""

from datetime import timedelta

from reattune.couples.models import Space
from reattune.rituals import progress
from reattune.rituals.models import DailyCheckIn
from tests.base import BaseTestCase

SHAMING = ("broke", "broken", "lost your", "failed", "missed", "only ", "should have", "again?")


class StreakTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        self.today = self.space.today()

    def days_ago(self, user, *offsets):
        for n in offsets:
            day = self.today - timedelta(days=n)
            DailyCheckIn.objects.create(
                author=user,
                space=self.space,
                day=day,
                day_index=day.toordinal(),
                connection_today=6,
                best_part="b",
                challenging_part="c",
                appreciation="a",
            )

    def test_it_finds_the_longest_and_the_current_run(self):
        self.days_ago(self.alex, 1, 2, 3, 10, 11, 12, 13, 14, 30)
        found = progress.streaks(self.alex, self.space, self.today)
        self.assertEqual((found.longest_run, found.current_run, found.total), (5, 3, 9))

    def test_a_run_that_ended_before_yesterday_is_not_current_and_nothing_is_lost(self):
        self.days_ago(self.alex, 3, 4, 5, 6)
        found = progress.streaks(self.alex, self.space, self.today)
        self.assertEqual((found.longest_run, found.current_run), (4, 0))

    def test_it_counts_this_week_for_both_partners(self):
        weekday = self.today.weekday()
        self.days_ago(self.alex, *range(0, weekday + 1))
        self.days_ago(self.sam, 0)
        found = progress.streaks(self.alex, self.space, self.today)
        self.assertEqual(found.this_week, weekday + 1)
        self.assertEqual(found.partner_this_week, 1)
        self.assertEqual(progress.streaks(self.casey, _space(self.casey), self.today).this_week, 0)

    def test_the_words_are_kind_with_or_without_missed_days(self):
        self.days_ago(self.alex, 2, 5, 9)
        for url in ("/rituals/", "/rituals/progress/"):
            page = self.client_for("alex").get(url).content.decode().lower()
            for word in SHAMING:
                self.assertNotIn(word, page, f"{url}: {word!r}")
            self.assertIn("every one counts", page)


def _space(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None)
