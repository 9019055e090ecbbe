"""The reveal rule: a partner's answers for a period open only once one's own are in.

It holds in the access helper (core.access.revealed_to), on the pages and in the API, and
across time zones: a day is the couple space's local day, whatever the UTC date says.
"""

from datetime import UTC, date, datetime, timedelta

from reattune.core import access
from reattune.couples import actions as couples
from reattune.couples.models import Space
from reattune.rituals import actions
from reattune.rituals.kinds import DAILY
from reattune.rituals.models import DailyCheckIn, WeeklyReview
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, frozen, submit


def space_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None)


class RevealRuleTests(BaseTestCase):
    def revealed(self, user, model=DailyCheckIn, field="day"):
        return set(
            access.revealed_to(model.objects.all(), user, field).values_list("pk", flat=True)
        )

    def test_the_partners_answers_stay_closed_until_one_shares_ones_own(self):
        alex_entry = submit("daily", self.alex)
        self.assertNotIn(alex_entry.pk, self.revealed(self.sam))
        self.assertTrue(
            access.partner_done(DailyCheckIn.objects.all(), self.sam, day=alex_entry.day)
        )
        sam_entry = submit("daily", self.sam)
        self.assertEqual(self.revealed(self.sam), {alex_entry.pk, sam_entry.pk})
        self.assertEqual(self.revealed(self.alex), {alex_entry.pk, sam_entry.pk})
        self.assertEqual(self.revealed(self.casey), set())

    def test_a_row_for_another_day_opens_nothing(self):
        today = space_of(self.alex).today()
        yesterday = DailyCheckIn.objects.create(
            author=self.alex,
            space=space_of(self.alex),
            day=today - timedelta(1),
            day_index=(today - timedelta(1)).toordinal(),
            connection_today=5,
            best_part="alex yesterday",
            challenging_part="x",
            appreciation="y",
        )
        submit("daily", self.sam)
        self.assertNotIn(yesterday.pk, self.revealed(self.sam))

    def test_it_applies_to_weekly_reviews_too(self):
        alex_review = submit("weekly", self.alex)
        self.assertNotIn(alex_review.pk, self.revealed(self.sam, WeeklyReview, "week"))
        submit("weekly", self.sam)
        self.assertIn(alex_review.pk, self.revealed(self.sam, WeeklyReview, "week"))

    def test_leaving_the_space_closes_what_was_revealed(self):
        alex_entry = submit("daily", self.alex)
        submit("daily", self.sam)
        couples.do_leave_space(self.sam)
        self.assertNotIn(alex_entry.pk, self.revealed(self.sam))
        self.assertEqual(self.revealed(self.alex) & {alex_entry.pk}, {alex_entry.pk})

    def test_the_day_page_shows_only_that_the_partner_checked_in_before_the_reveal(self):
        entry = submit("daily", self.alex)
        url = f"/rituals/daily/{entry.day.isoformat()}/"
        sam = self.client_for("sam")
        before = sam.get(url)
        self.assertContains(before, "Alex has checked in")
        self.assertNotContains(before, "alex best part text")
        self.assertNotContains(before, "alex appreciation text")
        submit("daily", self.sam)
        after = sam.get(url)
        self.assertContains(after, "alex best part text")
        self.assertContains(after, "sam best part text")
        # Casey's own space may already (or not yet) be on that day: never alex's text either way.
        self.assertNotIn("alex best part text", self.client_for("casey").get(url).content.decode())

    def test_the_api_gives_no_partner_answers_before_the_reveal(self):
        entry = submit("daily", self.alex)
        path = f"/api/v1/rituals/daily/{entry.day.isoformat()}"
        before = self.api("sam", "GET", path).json()
        self.assertIsNone(before["partner"])
        self.assertTrue(before["partner_done"])
        self.assertNotIn("alex best part", str(before))
        listed = self.api("sam", "GET", "/api/v1/rituals/daily").json()
        self.assertEqual(listed, [])
        submit("daily", self.sam)
        after = self.api("sam", "GET", path).json()
        self.assertEqual(after["partner"]["answers"]["best_part"], "alex best part text")
        self.assertEqual(len(self.api("sam", "GET", "/api/v1/rituals/daily").json()), 2)
        self.assertEqual(self.api("casey", "GET", "/api/v1/rituals/daily").json(), [])


class TimezoneRevealTests(BaseTestCase):
    """alex & sam live in Pacific/Kiritimati (UTC+14); casey & jordan in Los Angeles (UTC-8)."""

    def setUp(self):
        super().setUp()
        Space.objects.filter(pk=space_of(self.alex).pk).update(timezone="Pacific/Kiritimati")
        Space.objects.filter(pk=space_of(self.casey).pk).update(timezone="America/Los_Angeles")

    def test_the_day_is_the_spaces_local_day_around_local_midnight(self):
        # 09:59 UTC on 15 January is 23:59 on 15 January in Kiritimati; 10:01 is the 16th.
        with frozen(datetime(2025, 1, 15, 9, 59, tzinfo=UTC)):
            alex_entry = submit("daily", self.alex)
        with frozen(datetime(2025, 1, 15, 10, 1, tzinfo=UTC)):
            sam_entry = submit("daily", self.sam)
            self.assertEqual(alex_entry.day, date(2025, 1, 15))
            self.assertEqual(sam_entry.day, date(2025, 1, 16))
            # Same UTC date, different local days: nothing opens either way.
            self.assertIsNone(_theirs(self.sam, date(2025, 1, 15)))
            self.assertIsNone(_theirs(self.alex, date(2025, 1, 16)))
            # Alex's day has ended where they live: it can no longer be changed.
            with self.assertRaises(actions.RitualError) as closed:
                actions.do_update(DAILY, alex_entry, answers("daily", "alex"), None)
            self.assertEqual(closed.exception.code, "closed")
            # ...and the 17th has not started yet.
            with self.assertRaises(actions.RitualError) as future:
                actions.do_submit(DAILY, self.alex, answers("daily", "alex"), date(2025, 1, 17))
            self.assertEqual(future.exception.code, "future")

    def test_one_local_day_spans_two_utc_dates(self):
        # 16 January in Kiritimati runs from 10:00 UTC on the 15th to 10:00 UTC on the 16th.
        with frozen(datetime(2025, 1, 15, 10, 30, tzinfo=UTC)):
            alex_entry = submit("daily", self.alex)
        with frozen(datetime(2025, 1, 16, 9, 30, tzinfo=UTC)):
            sam_entry = submit("daily", self.sam)
            # Alex can still edit: it is still the 16th where they live.
            actions.do_update(DAILY, alex_entry, answers("daily", "alex", best_part="late edit"), 1)
        self.assertEqual(alex_entry.day, sam_entry.day)
        self.assertEqual(_theirs(self.sam, date(2025, 1, 16)).best_part, "late edit")

    def test_the_same_instant_is_a_different_day_in_los_angeles(self):
        moment = datetime(2025, 1, 15, 7, 59, tzinfo=UTC)  # 23:59 on the 14th in LA
        with frozen(moment):
            casey_entry = submit("daily", self.casey)
            alex_entry = submit("daily", self.alex)
        self.assertEqual(casey_entry.day, date(2025, 1, 14))
        self.assertEqual(alex_entry.day, date(2025, 1, 15))
        with frozen(datetime(2025, 1, 15, 8, 1, tzinfo=UTC)):  # 00:01 on the 15th in LA
            jordan_entry = submit("daily", self.jordan)
            self.assertEqual(jordan_entry.day, date(2025, 1, 15))
            self.assertIsNone(_theirs(self.jordan, date(2025, 1, 14)))
            page = self.client_for("jordan").get("/rituals/daily/2025-01-14/")
            self.assertContains(page, "Casey has checked in")
            self.assertNotContains(page, "casey best part text")
            self.assertEqual(
                self.client_for("jordan").get("/rituals/daily/2025-01-16/").status_code, 404
            )


def _theirs(user, day):
    return (
        access.revealed_to(DailyCheckIn.objects.all(), user, "day")
        .filter(day=day)
        .exclude(author=user)
        .first()
    )
