"""The progress page: SVG charts aggregated in the database, same query count at any size."""

import json
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reattune.couples.models import Space
from reattune.rituals import progress
from reattune.rituals.models import DailyCheckIn, WeeklyReview
from tests.base import BaseTestCase


def fill(user, space, today, days, skip_every=0, rating=lambda n: 5):
    rows = []
    for n in range(days):
        if skip_every and n % skip_every == 0:
            continue
        day = today - timedelta(days=n)
        rows.append(
            DailyCheckIn(
                author=user,
                space=space,
                day=day,
                day_index=day.toordinal(),
                connection_today=rating(n),
                feelings=json.dumps(["calm"]),
                best_part="b",
                challenging_part="c",
                appreciation="a",
            )
        )
    DailyCheckIn.objects.bulk_create(rows, batch_size=1000)


class ProgressTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        self.today = self.space.today()

    def queries_for(self, url):
        client = self.client_for("alex")
        client.get(url)  # warm: session, templates
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured), response

    def test_the_query_count_does_not_grow_with_ten_years_of_check_ins(self):
        fill(self.alex, self.space, self.today, 10)
        fill(self.sam, self.space, self.today, 10, skip_every=3)
        small = {r: self.queries_for(f"/rituals/progress/?range={r}")[0] for r in progress.RANGES}
        DailyCheckIn.objects.all().delete()
        fill(self.alex, self.space, self.today, 3650)
        fill(self.sam, self.space, self.today, 3650, skip_every=3)
        client = self.client_for("alex")
        client.get("/rituals/progress/")  # warm: session
        for range_key, count in small.items():
            with self.assertNumQueries(count):
                response = client.get(f"/rituals/progress/?range={range_key}")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.queries_for("/rituals/")[0], self.queries_for("/rituals/")[0])

    def test_it_renders_accessible_svg_charts_and_tables(self):
        fill(self.alex, self.space, self.today, 30, rating=lambda n: n % 11)
        fill(self.sam, self.space, self.today, 30, skip_every=2)
        _, response = self.queries_for("/rituals/progress/")
        page = response.content.decode()
        self.assertEqual(page.count('class="chart"'), 2)  # the tab bar has icons too
        self.assertIn('role="img"', page)
        self.assertIn('<title id="chart-connection-title">How connected you felt</title>', page)
        self.assertIn("7-day average", page)
        self.assertIn("Rituals each week", page)
        self.assertIn("Areas across your check-ups", page)
        self.assertNotIn("style=", page.split("<main", 1)[1])

    def test_the_7_day_average_is_over_calendar_days(self):
        ratings = {0: 10, 1: 0, 3: 5, 8: 4}  # days ago -> rating; day 8 is outside today's window
        DailyCheckIn.objects.bulk_create(
            [
                DailyCheckIn(
                    author=self.alex,
                    space=self.space,
                    day=self.today - timedelta(n),
                    day_index=(self.today - timedelta(n)).toordinal(),
                    connection_today=r,
                    best_part="b",
                    challenging_part="c",
                    appreciation="a",
                )
                for n, r in ratings.items()
            ]
        )
        data = progress.connection_data(self.alex, self.space, self.today, "12w")
        self.assertEqual(data.values[self.alex.pk][-1], 10)
        self.assertEqual(data.averages[self.alex.pk][-1], 5.0)  # (10 + 0 + 5) / 3
        self.assertEqual(data.averages[self.alex.pk][-4], 4.5)  # (5 + 4) / 2

    def test_the_partners_ratings_count_only_on_days_both_checked_in(self):
        fill(self.sam, self.space, self.today, 14, rating=lambda n: 9)
        fill(self.alex, self.space, self.today, 14, skip_every=2, rating=lambda n: 3)
        data = progress.connection_data(self.alex, self.space, self.today, "12w")
        sam_values = data.values[self.sam.pk]
        alex_values = data.values[self.alex.pk]
        for sam_value, alex_value in zip(sam_values, alex_values, strict=True):
            self.assertEqual(sam_value is None, alex_value is None)
        self.assertNotIn(
            self.sam.pk, progress.connection_data(self.casey, _space(self.casey), self.today).values
        )

    def test_weekly_and_monthly_aggregates(self):
        fill(self.alex, self.space, self.today, 400, rating=lambda n: 4 if n < 200 else 8)
        WeeklyReview.objects.create(
            author=self.alex,
            space=self.space,
            week=self.today - timedelta(self.today.weekday()),
            connecting_moment="x",
            closer_area="x",
            appreciation="x",
            looking_ahead="x",
        )
        year = progress.connection_data(self.alex, self.space, self.today, "1y")
        self.assertEqual(len(year.periods), 52)
        self.assertEqual(year.values[self.alex.pk][-1], 4)
        everything = progress.connection_data(self.alex, self.space, self.today, "all")
        self.assertIn(8, everything.values[self.alex.pk])
        weeks, counts = progress.rituals_per_week(self.alex, self.space, self.today)
        self.assertEqual(counts[self.alex.pk][-1], self.today.weekday() + 2)  # days + the review


def _space(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None)
