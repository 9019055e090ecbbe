"""`reattune demo`: twelve lived-in weeks of rituals; bulk data for benchmarks."""

import argparse
from datetime import timedelta

from django.db import connection
from django.db.models import Avg
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from reattune import bulk
from reattune.demo import ensure_demo_couple
from reattune.rituals import demo
from reattune.rituals.models import DailyCheckIn, MonthlyCheckIn, WeeklyReview


class DemoTests(TestCase):
    def test_twelve_weeks_with_missed_days_a_dip_and_a_recovery_and_it_is_idempotent(self):
        (alex, _), (sam, _) = ensure_demo_couple()
        args = argparse.Namespace(couples=0, days=84, json=False)
        demo.step(alex, sam, args)
        count = DailyCheckIn.objects.count()
        demo.step(alex, sam, args)
        self.assertEqual(DailyCheckIn.objects.count(), count)
        self.assertGreater(count, 84 * 2 * 0.6)
        self.assertLess(count, 84 * 2)  # some days missed
        space = DailyCheckIn.objects.first().space
        today = space.today()
        self.assertFalse(DailyCheckIn.objects.filter(day=today).exists())  # today left to try

        def mean(first, last):
            return DailyCheckIn.objects.filter(
                day__gte=today - timedelta(days=84 - first),
                day__lt=today - timedelta(days=84 - last),
            ).aggregate(m=Avg("connection_today"))["m"]

        start, dip, end = mean(0, 28), mean(35, 49), mean(70, 84)
        self.assertLess(dip, start)
        self.assertGreater(end, dip)
        self.assertGreater(WeeklyReview.objects.count(), 12)
        self.assertTrue(MonthlyCheckIn.objects.exists())
        response = self.client
        response.force_login(alex)
        page = response.get("/rituals/progress/")
        self.assertEqual(page.content.decode().count('class="chart"'), 2)  # not the tab icons


class BulkTests(TestCase):
    def test_it_generates_couples_and_days_with_bulk_inserts(self):
        with CaptureQueriesContext(connection) as captured:
            result = bulk.generate(3, 30, seed=1)
        # Batched inserts: a handful of statements, never one per row.
        self.assertLess(len(captured), 20)
        self.assertEqual(result["couples"], 3)
        self.assertGreater(result["checkins"], 3 * 30 * 2 * 0.7)
        self.assertEqual(DailyCheckIn.objects.count(), result["checkins"])
        self.assertEqual(DailyCheckIn.objects.values("space").distinct().count(), 3)
