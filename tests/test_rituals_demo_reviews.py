"""The demo's weekly and monthly reviews read like two people over many weeks: the partners
never give the same answer, and one week's answers are not the last week's."""

import argparse

from django.test import TestCase

from reattune.demo import ensure_demo_couple
from reattune.rituals import demo
from reattune.rituals.models import MonthlyCheckIn, WeeklyReview

WEEKLY_FIELDS = ("connecting_moment", "closer_area", "appreciation", "looking_ahead")


class DemoReviewTests(TestCase):
    def setUp(self):
        (self.alex, _), (self.sam, _) = ensure_demo_couple()
        demo.step(self.alex, self.sam, argparse.Namespace(couples=0, days=84, json=False))

    def _by_week(self, model, period):
        rows: dict = {}
        for row in model.objects.order_by(period):
            rows.setdefault(getattr(row, period), {})[row.author_id] = row
        return rows

    def test_the_partners_never_answer_a_weekly_review_word_for_word_alike(self):
        weeks = self._by_week(WeeklyReview, "week")
        both = [w for w in weeks.values() if len(w) == 2]
        self.assertGreaterEqual(len(both), 8)
        for pair in both:
            alex, sam = pair[self.alex.pk], pair[self.sam.pk]
            for field in (*WEEKLY_FIELDS, "what_would_help"):
                if getattr(alex, field):
                    self.assertNotEqual(getattr(alex, field), getattr(sam, field), field)

    def test_each_partners_answers_change_from_week_to_week(self):
        for user in (self.alex, self.sam):
            reviews = list(WeeklyReview.objects.filter(author=user).order_by("week"))
            self.assertGreaterEqual(len(reviews), 10)
            for field in WEEKLY_FIELDS:
                values = [getattr(r, field) for r in reviews]
                self.assertGreaterEqual(len(set(values)), 6, (user.pk, field))
                for before, after in zip(values, values[1:], strict=False):
                    self.assertNotEqual(before, after, (user.pk, field))

    def test_monthly_check_ins_differ_between_the_partners(self):
        months = self._by_week(MonthlyCheckIn, "month")
        self.assertTrue(months)
        for pair in months.values():
            alex, sam = pair[self.alex.pk], pair[self.sam.pk]
            for field in ("most_connecting", "want_to_grow", "appreciation"):
                self.assertNotEqual(getattr(alex, field), getattr(sam, field))
