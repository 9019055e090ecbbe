"""core.prepared: a query built once answers exactly as the ORM queryset it was built from,
for each request's own values, and refuses what it cannot run safely."""

import functools
import json
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reattune.core.access import visible_filter_for
from reattune.core.prepared import Prepared, PreparedError
from reattune.couples.models import Membership, Space
from reattune.rituals.models import DailyCheckIn, TimeOut
from tests.base import BaseTestCase


def _memberships(user_id: int):
    return Membership.objects.filter(user_id=user_id).select_related("space", "user")


def _days(user_id: int, space_id: int, since: date):
    return (
        DailyCheckIn.objects.filter(visible_filter_for(user_id, space_id))
        .filter(space_id=space_id, day__gte=since)
        .values_list("author_id", "day")
    )


def _started(space_id: int, since: datetime):
    return TimeOut.objects.filter(space_id=space_id, started_at__gte=since).values_list(
        "started_at", flat=True
    )


MEMBERSHIPS = Prepared(_memberships, user_id=0)
DAYS = Prepared(_days, user_id=0, space_id=0, since=date(2000, 1, 1))
STARTED = Prepared(_started, space_id=0, since=timezone.now())


class PreparedAnswersAsTheOrm(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        today = timezone.localdate()
        for user, visibility in ((self.alex, "shared"), (self.sam, "private")):
            DailyCheckIn.objects.create(
                author=user,
                space=self.space,
                day=today,
                day_index=today.toordinal(),
                connection_today=6,
                feelings=json.dumps(["calm"]),
                best_part="b",
                challenging_part="c",
                appreciation="a",
                visibility=visibility,
            )

    def test_model_rows_with_related_objects_are_those_of_the_queryset(self):
        for user in (self.alex, self.sam):
            expected = list(_memberships(user.pk))
            got = MEMBERSHIPS.rows(user_id=user.pk)
            self.assertEqual([m.pk for m in got], [m.pk for m in expected])
            self.assertEqual(got[0].space.timezone, expected[0].space.timezone)
            self.assertEqual(got[0].user.email, user.email)
            with CaptureQueriesContext(connection) as queries:
                got[0].space, got[0].user  # loaded with the row: no further query
            self.assertEqual(len(queries), 0)

    def test_each_call_uses_its_own_values(self):
        """The privacy filter follows the person asking: sam's private row reaches sam only."""
        since = timezone.localdate() - timedelta(days=1)
        for user in (self.alex, self.sam):
            expected = sorted(_days(user.pk, self.space.pk, since))
            self.assertEqual(
                sorted(DAYS.rows(user_id=user.pk, space_id=self.space.pk, since=since)), expected
            )
        alex_sees = {
            author
            for author, _ in DAYS.rows(user_id=self.alex.pk, space_id=self.space.pk, since=since)
        }
        self.assertEqual(alex_sees, {self.alex.pk})
        later = timezone.localdate() + timedelta(days=1)
        self.assertEqual(DAYS.rows(user_id=self.sam.pk, space_id=self.space.pk, since=later), [])

    def test_datetimes_are_adapted_like_the_orm_does(self):
        started = timezone.now() - timedelta(hours=2)
        TimeOut.objects.create(
            author=self.alex,
            space=self.space,
            started_at=started,
            minutes=20,
            ends_at=started + timedelta(minutes=20),
        )
        before, after = started - timedelta(minutes=1), started + timedelta(minutes=1)
        self.assertEqual(STARTED.rows(space_id=self.space.pk, since=before), [started])
        self.assertEqual(STARTED.rows(space_id=self.space.pk, since=after), [])
        self.assertEqual(STARTED.first(space_id=self.space.pk, since=before), started)

    def test_one_query_per_call(self):
        MEMBERSHIPS.rows(user_id=self.alex.pk)
        with CaptureQueriesContext(connection) as queries:
            MEMBERSHIPS.rows(user_id=self.sam.pk)
        self.assertEqual(len(queries), 1)


def _now_inside(space_id: int):
    return TimeOut.objects.filter(space_id=space_id, ends_at__gt=timezone.now())


def _local_day(space_id: int, day: date):
    return TimeOut.objects.filter(space_id=space_id, started_at__date=day)


def _unused(space_id: int, user_id: int):
    return TimeOut.objects.filter(space_id=space_id)


class PreparedRefuses(BaseTestCase):
    def test_a_hidden_value_inside_build(self):
        with pytest.raises(PreparedError):
            Prepared(_now_inside, space_id=0).rows(space_id=1)

    def test_a_query_that_depends_on_the_active_time_zone(self):
        with pytest.raises(PreparedError):
            Prepared(_local_day, space_id=0, day=date(2000, 1, 1)).rows(
                space_id=1, day=date(2020, 1, 1)
            )

    def test_a_parameter_that_does_not_reach_the_sql(self):
        with pytest.raises(PreparedError):
            Prepared(_unused, space_id=0, user_id=0).rows(space_id=1, user_id=2)

    def test_a_closure(self):
        space_id = 1
        with pytest.raises(PreparedError):
            Prepared(lambda: TimeOut.objects.filter(space_id=space_id))

    def test_wrong_parameters(self):
        with pytest.raises(TypeError):
            MEMBERSHIPS.rows(someone=1)

    def test_a_partial_that_fixes_a_value(self):
        with pytest.raises(PreparedError, match="partial"):
            Prepared(functools.partial(_memberships, 1))
        Prepared(functools.partial(_of_model, Membership, "user_id"), value=0)  # a model, a name

    def test_a_lookup_that_escapes_wildcards(self):
        """SQLite escapes %, _ and \\ for iexact (LIKE): its SQL would differ by value, so it
        is refused; PostgreSQL compares UPPER() values, which a prepared query does alike."""
        prepared = Prepared(_email_iexact, email="a@example.org")
        if connection.vendor == "sqlite":
            with pytest.raises(PreparedError):
                prepared.rows(email="%")
        else:
            for email in ("%", "ALEX@example.org"):
                self.assertEqual(prepared.rows(email=email), list(_email_iexact(email)))

    def test_annotations(self):
        with pytest.raises(PreparedError, match="annotations"):
            Prepared(_annotated, space_id=0).rows(space_id=1)

    def test_a_value_of_another_type(self):
        with pytest.raises(TypeError, match="since must be date, not datetime"):
            DAYS.rows(user_id=1, space_id=1, since=timezone.now())
        with pytest.raises(TypeError):
            DAYS.rows(user_id=None, space_id=1, since=date(2000, 1, 1))


def _of_model(model, field: str, value: int):
    return model.objects.filter(**{field: value})


def _email_iexact(email: str):
    from reattune.accounts.models import User

    return User.objects.filter(email__iexact=email)


def _annotated(space_id: int):
    return Space.objects.filter(pk=space_id).annotate(members=Count("memberships"))
