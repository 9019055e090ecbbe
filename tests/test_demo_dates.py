"""`reattune demo`: the couple's plan, journal, check-ups and rituals agree on dates: one first
day twelve weeks ago, nothing before it, a plan a few weeks in, journal entries spread out."""

import contextlib
import io
import json
from argparse import Namespace
from datetime import timedelta

from django.test import TestCase

from reattune import demo
from reattune.accounts.models import User
from reattune.assessments.models import Response
from reattune.couples.membership import active_membership
from reattune.journal.models import Entry
from reattune.plans.models import Plan
from reattune.plans.queries import current_plan, week_number
from reattune.rituals.models import DailyCheckIn


class DemoDatesTests(TestCase):
    def _run(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(demo.run(Namespace(json=True, couples=0, days=84)), 0)
        return json.loads(out.getvalue())["accounts"]

    def test_every_date_falls_within_the_couples_twelve_weeks(self):
        accounts = self._run()
        self.assertEqual(len(accounts), 2)
        alex = User.objects.get(email=demo.DEMO_PEOPLE[0][0])
        space = active_membership(alex).space
        today = space.today()
        first_day = today - timedelta(weeks=12)
        tz = space.tzinfo()

        def local(moment):
            return moment.astimezone(tz).date()

        self.assertEqual(local(space.created_at), first_day)
        for user in User.objects.filter(email__in=[e for e, _ in demo.DEMO_PEOPLE]):
            self.assertEqual(local(user.date_joined), first_day)
            self.assertEqual(local(active_membership(user).joined_at), first_day)

        days = DailyCheckIn.objects.filter(space=space).values_list("day", flat=True)
        self.assertEqual(min(days), first_day)
        for moment in Response.objects.filter(space=space).values_list("submitted_at", flat=True):
            self.assertGreaterEqual(local(moment), first_day)

        plan = current_plan(alex)
        self.assertGreater(week_number(plan, today), 1)  # a plan lived in, not started today
        self.assertGreaterEqual(plan.starts_on, first_day)
        older = Plan.objects.filter(space=space, active=False).get()
        self.assertEqual(older.starts_on, first_day)

        written = sorted(local(e.created_at) for e in Entry.objects.filter(space=space))
        self.assertEqual(len(written), 4)
        self.assertTrue(all(first_day <= d < today for d in written))
        self.assertGreaterEqual((written[-1] - written[0]).days, 42)  # spread, not one day

    def test_running_again_keeps_the_dates(self):
        self._run()
        alex = User.objects.get(email=demo.DEMO_PEOPLE[0][0])
        space = active_membership(alex).space
        before = (space.created_at, list(Plan.objects.values_list("starts_on", "active")))
        entries = sorted(Entry.objects.values_list("created_at", flat=True))
        accounts = self._run()
        self.assertLessEqual({"email", "password", "token"}, set(accounts[0]))
        space.refresh_from_db()
        self.assertEqual(
            before, (space.created_at, list(Plan.objects.values_list("starts_on", "active")))
        )
        self.assertEqual(entries, sorted(Entry.objects.values_list("created_at", flat=True)))
