"""The couple's time zone is active for every signed-in request, but found only when used.

CoupleContextMiddleware activates a CoupleZone: a request that shows no time (the benchmark's
floor, a redirect) reads nothing for it, and every time that is shown is still in the
couple's zone, converted exactly as with that zone itself (offsets, names, the fold of an
hour that happens twice).
"""

import pickle
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reattune.core.request_context import CoupleContextMiddleware, CoupleZone
from tests.base import BaseTestCase

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


def run(user, view):
    """`view(request)` inside CoupleContextMiddleware with `user` signed in, and the queries."""
    request = RequestFactory().get("/")
    request.user = user
    seen = {}

    def get_response(req):
        seen["value"] = view(req)
        return None

    with CaptureQueriesContext(connection) as captured:
        CoupleContextMiddleware(get_response)(request)
    return seen["value"], [q["sql"] for q in captured]


class LazyZoneTests(BaseTestCase):
    def test_a_request_that_shows_no_time_reads_no_membership(self):
        value, queries = run(self.casey, lambda request: "nothing about time")
        self.assertEqual(value, "nothing about time")
        self.assertEqual(queries, [])

    def test_a_time_shown_is_in_the_couples_zone_for_one_membership_read(self):
        moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)

        def view(request):
            shown = timezone.localtime(moment)
            return (
                shown.replace(tzinfo=None),
                shown.utcoffset(),
                str(timezone.get_current_timezone()),
                timezone.get_current_timezone_name(),
                request.couple.space_id,
            )

        (wall, offset, name, db_name, space_id), queries = run(self.casey, view)
        self.assertEqual(wall, datetime(2026, 7, 1, 5, 0))  # 12:00 UTC is 05:00 in July in LA
        self.assertEqual(offset, timedelta(hours=-7))
        self.assertEqual(name, "America/Los_Angeles")
        self.assertEqual(db_name, "America/Los_Angeles")
        self.assertIsNotNone(space_id)
        self.assertEqual(sum('"couples_membership"' in sql for sql in queries), 1, queries)

    def test_nothing_stays_active_after_the_request(self):
        run(self.casey, lambda request: timezone.localtime(timezone.now()))
        self.assertEqual(str(timezone.get_current_timezone()), str(timezone.get_default_timezone()))

    def test_someone_without_a_space_sees_the_servers_zone(self):
        from reattune.accounts.models import User

        alone = User.objects.create_user(email="alone@example.test", password="x" * 16)
        name, _ = run(alone, lambda request: str(timezone.get_current_timezone()))
        self.assertEqual(name, str(timezone.get_default_timezone()))


class ZoneEquivalenceTests(BaseTestCase):
    def test_conversions_match_the_zone_itself_across_both_changes_of_the_clock(self):
        lazy = CoupleZone(lambda: LOS_ANGELES)
        # Every 20 minutes over the spring and autumn changes of 2026 (8 March, 1 November).
        for start in (datetime(2026, 3, 8, 6, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)):
            for step in range(36):
                moment = start + timedelta(minutes=20 * step)
                ours, theirs = moment.astimezone(lazy), moment.astimezone(LOS_ANGELES)
                with self.subTest(moment=moment):
                    self.assertEqual(ours.replace(tzinfo=None), theirs.replace(tzinfo=None))
                    self.assertEqual(ours.fold, theirs.fold)
                    self.assertEqual(ours.utcoffset(), theirs.utcoffset())
                    self.assertEqual(ours.tzname(), theirs.tzname())
                    self.assertEqual(ours.dst(), theirs.dst())
                    self.assertEqual(ours.astimezone(UTC), moment)

    def test_making_a_wall_time_aware_matches_the_zone_itself(self):
        lazy = CoupleZone(lambda: LOS_ANGELES)
        wall = datetime(2026, 11, 1, 1, 30)  # happens twice in Los Angeles
        for fold in (0, 1):
            ours = timezone.make_aware(wall.replace(fold=fold), lazy)
            theirs = timezone.make_aware(wall.replace(fold=fold), LOS_ANGELES)
            self.assertEqual(ours.utcoffset(), theirs.utcoffset())
            self.assertEqual(ours.astimezone(UTC), theirs.astimezone(UTC))

    def test_the_zone_is_found_once_and_a_pickled_time_carries_the_zone_not_the_request(self):
        calls = []

        def find():
            calls.append(1)
            return LOS_ANGELES

        lazy = CoupleZone(find)
        self.assertEqual(calls, [])  # nothing until asked
        moment = datetime(2026, 1, 5, 20, tzinfo=UTC).astimezone(lazy)
        str(lazy)
        self.assertEqual(len(calls), 1)
        restored = pickle.loads(pickle.dumps(moment))  # noqa: S301  # nosec B301 - our own bytes
        self.assertIs(restored.tzinfo, LOS_ANGELES)
        self.assertEqual(restored, moment)
