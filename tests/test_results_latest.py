"""insights_for reads only each person's latest response of each instrument: the same
responses, in the same order, and the same insight as reading every submitted response and
keeping the last of each instrument (latest_per_instrument), whatever the order the check-ups
were submitted in, ties in time included."""

from datetime import timedelta

from django.utils import timezone

from reattune.assessments.catalog import catalog
from reattune.assessments.models import Response
from reattune.assessments.queries import instrument_of
from reattune.assessments.results import (
    RESULT_KINDS,
    answers_for,
    insights_for,
    latest_per_instrument,
    scores_for,
)
from reattune.domain.instruments.insight import individual_insight
from tests.base import BaseTestCase
from tests.checkups import complete_checkup, fill


def every_response(user) -> dict:
    """The reading before: every submitted response, oldest first, the last of each kept."""
    rows = Response.objects.filter(author=user, submitted_at__isnull=False)
    return latest_per_instrument(rows.order_by("submitted_at", "pk"))


class LatestResponsesTests(BaseTestCase):
    def assert_same(self, *users):
        found = insights_for(list(users))
        for user, (insight, latest) in zip(users, found, strict=True):
            expected = every_response(user)
            self.assertEqual(list(latest), list(expected))  # the same order
            self.assertEqual([r.pk for r in latest.values()], [r.pk for r in expected.values()])
            if not expected:
                self.assertIsNone(insight)
                continue
            answers = answers_for(list(expected.values()))
            scores = {
                key: scores_for(r, answers.get(r.pk, {}))
                for key, r in expected.items()
                if instrument_of(r).kind in RESULT_KINDS
            }
            before = individual_insight(scores, catalog=catalog())
            self.assertEqual(insight.to_dict(), before.to_dict())

    def test_nothing_submitted(self):
        fill(self.alex, "closeness_pulse", 0.5, submit=False)
        self.assert_same(self.alex, self.sam)

    def test_rounds_out_of_order_and_ties_in_time(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.3)
        complete_checkup(self.alex, 0.2)
        fill(self.alex, "closeness_pulse", 0.6)
        self.assert_same(self.alex, self.sam)
        # Move submission times so that neither id order nor the latest round's order is
        # the order of first submission; give two responses the same time.
        responses = list(Response.objects.filter(author=self.alex).order_by("pk"))
        base = timezone.now() - timedelta(days=30)
        for n, response in enumerate(reversed(responses)):
            response.submitted_at = base + timedelta(hours=n // 2)
            response.save(update_fields=["submitted_at"])
        self.assert_same(self.alex, self.sam)
        self.assert_same(self.alex)
        self.assert_same(self.sam, self.alex)

    def test_only_the_latest_are_read(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.alex, 0.2)
        ((_, latest),) = insights_for([self.alex])
        everything = Response.objects.filter(author=self.alex, submitted_at__isnull=False)
        self.assertEqual(len(latest), everything.count() // 2)
