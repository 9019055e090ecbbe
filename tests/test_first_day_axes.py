"""Time axes start at the couple's first day: the progress page, its API and the report never
show empty weeks from before the couple existed (progress.first_day)."""

import re
from datetime import datetime, time, timedelta

from reattune.couples.models import Space
from reattune.reports import build
from reattune.rituals import progress
from reattune.rituals.kinds import month_start, week_start
from tests.base import BaseTestCase
from tests.rituals_helpers import submit
from tests.test_rituals_progress import fill


def started(space, days_ago: int) -> None:
    """Make the couple days_ago days old (in its own time zone): the space and both joins."""
    day = space.today() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(12, 0), tzinfo=space.tzinfo())
    space.created_at = moment
    space.save(update_fields=["created_at"])
    space.memberships.filter(left_at__isnull=True).update(joined_at=moment)


def svg_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


class FirstDayTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        self.today = self.space.today()

    def test_a_new_couple_sees_no_day_or_week_before_its_first_day(self):
        self.assertEqual(progress.first_day(self.alex, self.space), self.today)
        self.assertEqual(
            progress.connection_data(self.alex, self.space, self.today, "12w").periods,
            [self.today],
        )
        self.assertEqual(
            progress.connection_data(self.alex, self.space, self.today, "1y").periods,
            [week_start(self.today)],
        )
        self.assertEqual(
            progress.connection_data(self.alex, self.space, self.today, "all").periods,
            [month_start(self.today)],
        )
        weeks, counts = progress.rituals_per_week(self.alex, self.space, self.today)
        self.assertEqual(weeks, [week_start(self.today)])
        self.assertEqual(counts, {})

    def test_a_couple_of_twenty_days_starts_on_its_first_day(self):
        started(self.space, 20)
        first = self.today - timedelta(days=20)
        submit("daily", self.alex)
        data = progress.connection_data(self.alex, self.space, self.today, "12w")
        self.assertEqual(data.periods[0], first)
        self.assertEqual(len(data.periods), 21)
        self.assertEqual(data.values[self.alex.pk][-1], 7)  # today's answer is still last
        weeks, counts = progress.rituals_per_week(self.alex, self.space, self.today)
        self.assertEqual(weeks[0], week_start(first))
        self.assertEqual(len(counts[self.alex.pk]), len(weeks))
        self.assertEqual(counts[self.alex.pk][-1], 1)

    def test_an_older_couple_keeps_the_full_twelve_weeks_and_year(self):
        started(self.space, 500)
        self.assertEqual(
            len(progress.connection_data(self.alex, self.space, self.today, "12w").periods), 84
        )
        self.assertEqual(
            len(progress.connection_data(self.alex, self.space, self.today, "1y").periods), 52
        )
        self.assertEqual(len(progress.rituals_per_week(self.alex, self.space, self.today)[0]), 12)

    def test_check_ins_older_than_the_space_are_never_cut_off(self):
        # Check-ins made alone before joining a partner's newer space come along with the
        # person: the axis starts at the first of them.
        fill(self.alex, self.space, self.today, 30)
        first = self.today - timedelta(days=29)
        self.assertEqual(progress.first_day(self.alex, self.space), first)
        data = progress.connection_data(self.alex, self.space, self.today, "12w")
        self.assertEqual(data.periods[0], first)
        self.assertTrue(all(value == 5 for value in data.values[self.alex.pk]))

    def test_the_progress_page_and_api_start_at_the_first_day(self):
        started(self.space, 3)
        first = self.today - timedelta(days=3)
        before = self.today - timedelta(days=4)
        page = self.client_for("alex").get("/rituals/progress/").content.decode()
        svg = page.split('id="chart-connection"', 1)[1].split("</svg>", 1)[0]
        labels = svg_labels(svg)
        self.assertIn(f"{first:%-d %b}", labels)
        self.assertNotIn(f"{before:%-d %b}", labels)
        body = self.api("alex", "GET", "/api/v1/rituals/progress").json()
        self.assertEqual(body["periods"][0], first.isoformat())
        self.assertEqual(body["rituals_per_week"]["weeks"][0], week_start(first).isoformat())
        self.assertEqual(len(body["connection"]["me"]["values"]), 4)


class ReportFirstDayTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        build.do_set_included(self.alex, True)
        submit("daily", self.alex)

    def test_a_new_couples_report_starts_today(self):
        report = build.build(self.alex, self.space)
        self.assertEqual(report.trend_start, report.today)
        self.assertEqual([row[0] for row in report.connection_table], [report.today])
        self.assertEqual([row[0] for row in report.rituals_table], [week_start(report.today)])
        self.assertIn(f"since {report.today:%-d %B %Y}", report.connection_svg)
        self.assertNotIn("twelve weeks", report.rituals_svg)
        page = self.client_for("alex").get("/report/").content.decode()
        self.assertIn(f"trends from {report.today:%-d %B %Y}", page)

    def test_a_report_of_five_weeks_has_five_weeks(self):
        started(self.space, 34)
        report = build.build(self.alex, self.space)
        first = report.today - timedelta(days=34)
        self.assertEqual(report.trend_start, first)
        self.assertEqual(len(report.connection_table), 5)  # 35 days, by seven
        self.assertEqual(report.rituals_table[0][0], week_start(first))
        self.assertEqual(report.rituals_table[-1][1], 1)  # today's check-in, in the last week


class ProgressPageWordsTests(BaseTestCase):
    def test_the_rituals_chart_of_a_new_couple_says_since_when_not_twelve_weeks(self):
        response = self.client_for("alex").get("/rituals/progress/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("since the week you started", page)
        self.assertNotIn("over the last twelve weeks", page)

    def test_an_older_couple_reads_twelve_weeks(self):
        space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        started(space, 200)
        page = self.client_for("alex").get("/rituals/progress/").content.decode()
        self.assertIn("over the last twelve weeks", page)


class FirstDayPrivacyTests(BaseTestCase):
    """The axis shows nothing of a partner that the partner's own pages would not: not when a
    partner's unread check-ins began, nor when their space was made before one joined it."""

    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        self.today = self.space.today()
        started(self.space, 10)
        self.couple_day = self.today - timedelta(days=10)

    def test_a_partners_unread_check_ins_from_before_the_couple_do_not_move_the_axis(self):
        # sam checked in alone for 200 days (brought along on joining); alex never answered
        # those days, so under the reveal rule alex has read none of them
        fill(self.sam, self.space, self.today - timedelta(days=11), 200)
        self.assertEqual(progress.first_day(self.alex, self.space), self.couple_day)
        starts = {
            "12w": self.couple_day,
            "1y": week_start(self.couple_day),
            "all": month_start(self.couple_day),
        }
        for range_key, start in starts.items():
            data = progress.connection_data(self.alex, self.space, self.today, range_key)
            self.assertEqual(data.periods[0], start, range_key)
        weeks, _counts = progress.rituals_per_week(self.alex, self.space, self.today)
        self.assertEqual(weeks[0], week_start(self.couple_day))
        body = self.api("alex", "GET", "/api/v1/rituals/progress?range=all").json()
        self.assertEqual(body["periods"][0], month_start(self.couple_day).isoformat())
        # sam's own axis does start at sam's own first check-in
        first_own = self.today - timedelta(days=11 + 199)
        self.assertEqual(progress.first_day(self.sam, self.space), first_own)

    def test_joining_an_older_space_starts_at_the_join_not_the_spaces_first_day(self):
        self.space.created_at = self.space.created_at - timedelta(days=400)
        self.space.save(update_fields=["created_at"])
        self.assertEqual(progress.first_day(self.alex, self.space), self.couple_day)

    def test_a_day_both_answered_is_read_and_counts(self):
        fill(self.sam, self.space, self.today - timedelta(days=20), 1)
        fill(self.alex, self.space, self.today - timedelta(days=20), 1)
        self.assertEqual(progress.first_day(self.alex, self.space), self.today - timedelta(days=20))
