"""Both partners submitting at the same moment, on PostgreSQL with real concurrent connections.

Each thread has its own database connection (Django gives every thread its own), and a
barrier lines them up so the inserts race. Without PostgreSQL (DATABASE_URL unset) this is
skipped; with DATABASE_URL set it must run, and fails if the database is not usable.
"""

import os
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from reattune.core import access
from reattune.rituals import actions
from reattune.rituals.kinds import DAILY
from reattune.rituals.models import DailyCheckIn, TimeOut
from tests.base import make_couple
from tests.rituals_helpers import answers

ROUNDS = 5


def _race(*jobs):
    """Run the jobs at the same moment in threads; returns their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres_only
class ConcurrentSubmitTests(TransactionTestCase):
    def setUp(self):
        if not os.environ.get("DATABASE_URL"):
            pytest.skip("PostgreSQL only: DATABASE_URL is not set (scripts/with-postgres.sh)")
        try:
            connection.ensure_connection()
        except Exception as error:  # noqa: BLE001
            pytest.fail(f"DATABASE_URL is set but the database is not usable: {error}")
        if connection.vendor != "postgresql":
            pytest.fail(f"DATABASE_URL is set but the database is {connection.vendor}")
        self.alex, self.sam = make_couple("alex", "sam")

    def fresh(self, user):
        return user  # nothing is cached on a user object (core.request_context)

    def test_both_partners_submitting_at_once_both_see_both(self):
        for _ in range(ROUNDS):
            DailyCheckIn.objects.all().delete()
            results = _race(
                lambda: actions.do_submit(DAILY, self.fresh(self.alex), answers("daily", "alex")),
                lambda: actions.do_submit(DAILY, self.fresh(self.sam), answers("daily", "sam")),
            )
            for result in results:
                self.assertNotIsInstance(result, Exception, result)
                self.assertTrue(result[1])
            for user in (self.alex, self.sam):
                seen = access.revealed_to(DailyCheckIn.objects.all(), self.fresh(user), "day")
                self.assertEqual(
                    sorted(seen.values_list("best_part", flat=True)),
                    ["alex best part text", "sam best part text"],
                )

    def test_one_person_double_submitting_at_once_makes_one_row_and_a_clear_409(self):
        for _ in range(ROUNDS):
            DailyCheckIn.objects.all().delete()
            results = _race(
                *[
                    (
                        lambda: actions.do_submit(
                            DAILY,
                            self.fresh(self.alex),
                            answers("daily", "alex"),
                            submit_key=uuid.uuid4(),
                        )
                    )
                    for _ in range(3)
                ]
            )
            created = [r for r in results if isinstance(r, tuple) and r[1]]
            refused = [r for r in results if isinstance(r, actions.RitualError)]
            self.assertEqual(len(created), 1, results)
            self.assertEqual(len(refused), 2, results)
            self.assertTrue(all(r.status == 409 for r in refused))
            self.assertEqual(DailyCheckIn.objects.filter(author=self.alex).count(), 1)

    def test_a_retry_with_the_same_key_racing_the_first_returns_the_same_row(self):
        key = uuid.uuid4()
        results = _race(
            *[
                (
                    lambda: actions.do_submit(
                        DAILY, self.fresh(self.alex), answers("daily", "alex"), submit_key=key
                    )
                )
                for _ in range(2)
            ]
        )
        self.assertTrue(all(isinstance(r, tuple) for r in results), results)
        self.assertEqual(len({r[0].pk for r in results}), 1)
        self.assertEqual(sorted(r[1] for r in results), [False, True])

    def test_two_partners_calling_a_time_out_at_once_start_one(self):
        results = _race(
            lambda: actions.do_start_timeout(self.fresh(self.alex), 20),
            lambda: actions.do_start_timeout(self.fresh(self.sam), 20),
        )
        started = [r for r in results if isinstance(r, TimeOut)]
        refused = [r for r in results if isinstance(r, actions.RitualError)]
        self.assertEqual((len(started), len(refused)), (1, 1), results)
        self.assertEqual(refused[0].status, 409)
        self.assertEqual(TimeOut.objects.count(), 1)
