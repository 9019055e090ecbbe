"""Every prepared query of the app gives what its ORM query gives, for every persona.

core/prepared.py runs a query's SQL, written once by the ORM, with each request's values. Here
each Prepared the app made (prepared.REGISTRY, filled when the URL map imports the apps) is run
next to `list(build(**values))` with values drawn from the personas' world: their user ids,
space ids, dates around today, token hashes, and values that match nothing. Model rows are
compared field by field (encrypted fields decrypted, as the app reads them), values_list rows
as they are. A prepared query that lost a filter, kept a value of an earlier call or returned
nothing where the ORM finds rows fails here. On PostgreSQL too (the second pass).
"""

import functools
import itertools
import math
import random
from datetime import date, datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

import reattune.core.sessions  # noqa: F401  # the session engine's (imported on a first request)
import reattune.urls  # noqa: F401  # imports every app module that makes a Prepared
from reattune.accounts.models import User
from reattune.assessments.models import Response
from reattune.core.prepared import REGISTRY, Prepared
from reattune.core.tokens import hash_secret
from reattune.couples.models import Space
from reattune.rituals import actions
from reattune.rituals.kinds import week_start
from reattune.rituals.models import DailyCheckIn, MonthlyCheckIn, WeeklyReview
from tests.base import BaseTestCase, make_couple
from tests.checkups import complete_checkup, fill
from tests.rituals_helpers import submit

COMBINATIONS_PER_QUERY = 60
NO_ROWS_IN_THIS_WORLD = {
    "reattune.assessments.views._shared_items",
    "reattune.care.help._help_responses",
    "reattune.reports.build._choices_of_two",
    "reattune.vault.rest._safety_check",
}


def describe(prepared: Prepared) -> str:
    build = getattr(prepared._build, "func", prepared._build)
    fixed = [getattr(a, "__name__", a) for a in getattr(prepared._build, "args", ())]
    return f"{build.__module__}.{build.__name__}{fixed or ''}"


def comparable(rows: list) -> list:
    out = []
    for row in rows:
        if hasattr(row, "_meta"):
            fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            related = {
                name: (type(obj).__name__, obj.pk)
                for name, obj in row._state.fields_cache.items()
                if obj is not None
            }
            out.append((type(row).__name__, fields, related))
        else:
            out.append(row)
    return out


def app_queries() -> list[Prepared]:
    """The app's own (tests make Prepared too, some of them refused on purpose)."""
    return [p for p in REGISTRY if describe(p).startswith("reattune.")]


class PreparedEquivalenceTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # What the prepared queries read: check-ins (one answer kept private), a weekly
        # review, a time-out, a schedule, check-ups, an open pulse, and a couple where one
        # partner left.
        submit("daily", cls.alex, private_fields=["best_part"])
        submit("daily", cls.sam)
        submit("daily", cls.casey)
        submit("weekly", cls.alex)
        submit("weekly", cls.sam)
        submit("monthly", cls.alex)
        submit("monthly", cls.sam)
        actions.do_start_timeout(cls.alex, 20, "alex timeout note")
        complete_checkup(cls.alex, 0.8)
        complete_checkup(cls.sam, 0.6)
        fill(cls.casey, "closeness_pulse", 0.5, submit=False)
        cls.riley, cls.quinn = make_couple("riley", "quinn", "Asia/Kathmandu")
        from reattune.care import actions as care
        from reattune.couples import actions as couples

        couples.do_leave_space(cls.quinn)
        actions.do_update_schedule(cls.alex, {"weekly_day": 6, "monthly_day": 0})
        care.do_snooze_help(cls.sam)
        care.do_save_screen(cls.alex, {"hurt": 0, "afraid": 0})
        # A live session and an expired one, for the session engine's query.
        for age in (0, 30):
            store = SessionStore()
            store.set_expiry(timedelta(days=1) - timedelta(days=age))
            store.create()

    def values_by_type(self) -> dict[type, list]:
        users = list(User.objects.order_by("pk").values_list("pk", flat=True))
        spaces = list(Space.objects.order_by("pk").values_list("pk", flat=True))
        today = timezone.localdate()
        now = timezone.now()
        tokens = [hash_secret(getattr(self, f"{p}_token")) for p in ("alex", "sam", "casey")]
        tokens += list(Session.objects.order_by("expire_date").values_list("pk", flat=True))
        return {
            int: sorted(set(users + spaces + self.row_ids + [0, 1, 2, 3, 10**6])),
            date: [today, today - timedelta(days=7), today + timedelta(days=1), date(2000, 1, 1)],
            datetime: [now, now - timedelta(days=30), now + timedelta(days=1)],
            str: [*tokens, "nothing", "%", ""],
        }

    def anchored(self, prepared: Prepared) -> list[dict]:
        """Values as the app passes them, for alex, sam and casey: their own ids, their
        partner's, their space, their today, week and month, wide ranges, their token."""
        out = []
        for persona, partner in (("alex", "sam"), ("sam", "alex"), ("casey", "jordan")):
            user, other = getattr(self, persona), getattr(self, partner)
            space = Space.objects.get(memberships__user=user, memberships__left_at=None)
            today = space.today()
            options: dict[str, list] = {}
            for name, example in prepared._example.items():
                if isinstance(example, datetime):
                    options[name] = [timezone.now() - timedelta(days=400)]
                elif isinstance(example, date):
                    options[name] = {
                        "low": [date(2000, 1, 1)],
                        "high": [date(2100, 1, 1)],
                    }.get(name, [today, week_start(today), today.replace(day=1)])
                elif isinstance(example, str):
                    options[name] = [hash_secret(getattr(self, f"{persona}_token"))]
                elif name in ("space_id", "viewer_space_id"):
                    options[name] = [space.pk]
                elif name == "second_id":
                    options[name] = [other.pk]
                elif name.endswith("_id") and name != "response_id":
                    options[name] = [user.pk]
                elif name == "low":
                    options[name] = [0]
                elif name == "high":
                    options[name] = [10**9]
            rows = sorted(set(prepared._example) - set(options))  # a row's pk, response ids
            ids = self.row_ids
            names = sorted(options)
            for combination in itertools.product(*(options[n] for n in names)):
                fixed = dict(zip(names, combination, strict=True))
                for shift in range(len(ids) if rows else 1):  # each id in turn, not every mix
                    out.append(fixed | {n: ids[(i + shift) % len(ids)] for i, n in enumerate(rows)})
        return out

    @functools.cached_property
    def row_ids(self) -> list[int]:
        """The ids of the world's check-ins, reviews and check-up answers (on PostgreSQL they
        do not start at 1: sequences go on across tests)."""
        found: set[int] = set()
        for model in (DailyCheckIn, WeeklyReview, MonthlyCheckIn, Response):
            found.update(model.objects.values_list("pk", flat=True))
        return sorted(found)

    def test_every_prepared_query_gives_what_its_orm_query_gives(self):
        queries = app_queries()
        self.assertGreaterEqual(len(queries), 30, "the URL map imports every app")
        pool = self.values_by_type()
        draw = random.Random(20261207)
        with_rows = set()
        for prepared in queries:
            names = sorted(prepared._example)
            choices = [pool[type(prepared._example[name])] for name in names]
            total = math.prod(len(c) for c in choices)
            if total <= COMBINATIONS_PER_QUERY:
                combinations = list(itertools.product(*choices))
            else:  # drawn one by one: five int parameters would make millions
                combinations = [
                    tuple(draw.choice(c) for c in choices) for _ in range(COMBINATIONS_PER_QUERY)
                ]
            drawn = [dict(zip(names, c, strict=True)) for c in combinations]
            for values in self.anchored(prepared) + drawn:
                with transaction.atomic():  # select_for_update needs one, as in the app
                    expected = comparable(list(prepared._build(**values)))
                    got = comparable(prepared.rows(**values))
                self.assertEqual(got, expected, f"{describe(prepared)} with {values}")
                if expected:
                    with_rows.add(describe(prepared))
        # The world must give the queries something to find, or equality proves little. These
        # still find nothing in it (a gap to close, not a rule): none may join them.
        every = {describe(p) for p in queries}
        self.assertLessEqual(every - with_rows, NO_ROWS_IN_THIS_WORLD)
