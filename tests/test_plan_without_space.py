"""A plan is only renewed for someone in a space (found by typing plans/actions.py for mypy)."""

from django.test import TestCase

from reattune.accounts.actions import do_create_user
from reattune.couples.actions import do_leave_space
from reattune.couples.membership import active_membership
from reattune.plans.actions import do_refresh_plan
from reattune.plans.models import Plan
from tests.checkups import complete_checkup


class PlanWithoutSpaceTests(TestCase):
    def test_no_plan_is_renewed_for_someone_without_a_space(self):
        robin = do_create_user("robin@example.org", "correct horse battery staple", "Robin")
        complete_checkup(robin, 0.8)
        self.assertEqual(Plan.objects.filter(author=robin, active=True).count(), 1)
        do_leave_space(robin, reopen_for_leaver=False)
        self.assertIsNone(active_membership(robin))
        # Before: AttributeError on the missing membership (logged by the after-submit hook).
        self.assertIsNone(do_refresh_plan(robin))
        self.assertEqual(Plan.objects.filter(author=robin).count(), 1)
